"""Mutating tools on both backends: end states, every refusal path, authorisation and idempotent replays."""
from __future__ import annotations

import itertools
import json

import pytest

from tests.test_tools_backends import make_shop, shop, shop_url  # noqa: F401  (fixtures)
from tools import errors
from tools.seed import tau2_file

BASE = json.loads(tau2_file("db.json"))
ADDRESS = {"address1": "1 Market St", "address2": "Floor 2", "city": "San Francisco", "state": "CA",
           "country": "USA", "zip": "94105"}
_keys = itertools.count()


def key():
    return f"req-{next(_keys)}"


def methods(user_id, source):
    return [m for m in BASE["users"][user_id]["payment_methods"].values() if m["source"] == source]


def first_order(status, paid_with=None, where=lambda o: True):
    for order in BASE["orders"].values():
        paid = BASE["users"][order["user_id"]]["payment_methods"][order["payment_history"][0]["payment_method_id"]]
        if order["status"] == status and (paid_with is None or paid["source"] == paid_with) and where(order):
            return order
    raise LookupError(status)


def swap_for(order, want=lambda old, new: True):
    """(old item, new item id) of another available option of the same product."""
    for item in order["items"]:
        for new in BASE["products"][item["product_id"]]["variants"].values():
            if new["item_id"] != item["item_id"] and new["available"] and want(item, new):
                return item, new["item_id"]
    raise LookupError(order["order_id"])


def unavailable_swap(order):
    for item in order["items"]:
        for new in BASE["products"][item["product_id"]]["variants"].values():
            if not new["available"]:
                return item["item_id"], new["item_id"]
    raise LookupError(order["order_id"])


def mutate(shop, name, args, shopper, **kw):
    return shop.call(name, args, as_shopper=shopper, idempotency_key=kw.pop("idempotency_key", None) or key())


def snapshot(shop, args, shopper):
    """What a refused call could have touched: the order, its owner's account (balances) and the user."""
    owner = shopper
    views = []
    if args.get("order_id"):
        try:
            views.append(shop.call("get_order_details", {"order_id": args["order_id"]}))
            owner = views[-1]["user_id"]
        except errors.OrderNotFound:
            pass
    for uid in {owner, args.get("user_id")} - {None}:
        try:
            views.append(shop.call("get_user_details", {"user_id": uid}))
        except errors.UserNotFound:
            pass
    return views


def refused(shop, error, name, args, shopper):
    before = snapshot(shop, args, shopper)
    with pytest.raises(error) as info:
        mutate(shop, name, args, shopper)
    assert info.value.code == error.code and info.value.message
    assert snapshot(shop, args, shopper) == before  # a refusal changes nothing


# ---- cancel

def test_cancel_gift_card_order_refunds_the_card_at_once(shop):
    order = first_order("pending", "gift_card")
    uid, oid, (pay,) = order["user_id"], order["order_id"], order["payment_history"]
    balance = BASE["users"][uid]["payment_methods"][pay["payment_method_id"]]["balance"]
    result = mutate(shop, "cancel_pending_order", {"order_id": oid[1:], "reason": "Ordered by mistake"}, uid)
    assert result["status"] == "cancelled" and result["cancel_reason"] == "ordered by mistake"
    assert result["refunds"] == [{"payment_method_id": pay["payment_method_id"], "amount": f"{pay['amount']:.2f}",
                                  "when": "immediately"}]
    after = shop.export()
    assert after["orders"][oid]["payment_history"][-1] == {**pay, "transaction_type": "refund"}
    new_balance = after["users"][uid]["payment_methods"][pay["payment_method_id"]]["balance"]
    assert f"{new_balance:.2f}" == f"{balance + pay['amount']:.2f}"


def test_cancel_card_order_refund_takes_days(shop):
    order = first_order("pending", "credit_card")
    result = mutate(shop, "cancel_pending_order", {"order_id": order["order_id"], "reason": "no longer needed"},
                    order["user_id"])
    assert result["refunds"][0]["when"] == "in 5 to 7 business days"


@pytest.mark.parametrize("status", ["processed", "delivered", "cancelled"])
def test_cancel_refuses_orders_that_are_not_pending(shop, status):
    order = first_order(status)
    refused(shop, errors.WrongOrderStatus, "cancel_pending_order",
            {"order_id": order["order_id"], "reason": "no longer needed"}, order["user_id"])


def test_cancel_refusals(shop):
    order = first_order("pending")
    args = {"order_id": order["order_id"], "reason": "found it cheaper elsewhere"}
    refused(shop, errors.InvalidCancelReason, "cancel_pending_order", args, order["user_id"])
    args["reason"] = "no longer needed"
    refused(shop, errors.NotYourOrder, "cancel_pending_order", args, "yusuf_rossi_9620")
    with pytest.raises(errors.IdempotencyKeyRequired):
        shop.call("cancel_pending_order", args, as_shopper=order["user_id"])
    refused(shop, errors.OrderNotFound, "cancel_pending_order", {**args, "order_id": "#W0000001"}, None)


# ---- modify a pending order

def test_modify_address_of_pending_order_and_refusal_when_shipped(shop):
    order = first_order("pending")
    result = mutate(shop, "modify_pending_order_address", {"order_id": order["order_id"], **ADDRESS}, order["user_id"])
    assert result["address"] == ADDRESS and result["status"] == "pending"
    assert shop.export()["orders"][order["order_id"]]["address"] == ADDRESS
    for status in ("processed", "delivered"):
        other = first_order(status)
        refused(shop, errors.WrongOrderStatus, "modify_pending_order_address",
                {"order_id": other["order_id"], **ADDRESS}, other["user_id"])


def test_modify_items_once_with_exact_price_difference(shop):
    order = first_order("pending", "gift_card")
    uid, oid, gift = order["user_id"], order["order_id"], order["payment_history"][0]["payment_method_id"]
    balance = BASE["users"][uid]["payment_methods"][gift]["balance"]
    item, new_id = swap_for(order, lambda old, new: new["price"] - old["price"] <= balance)
    new = BASE["products"][item["product_id"]]["variants"][new_id]
    result = mutate(shop, "modify_pending_order_items", {"order_id": oid, "item_ids": [item["item_id"]],
                                                         "new_item_ids": [new_id], "payment_method_id": gift}, uid)
    diff = round(new["price"] - item["price"], 2)
    assert result["status"] == "pending (item modified)" and result["price_difference"] == f"{diff:.2f}"
    after = shop.export()
    line = next(i for i in after["orders"][oid]["items"] if i["item_id"] == new_id)
    assert line["price"] == new["price"] and line["options"] == new["options"]
    assert after["orders"][oid]["payment_history"][-1] == {
        "transaction_type": "payment" if diff > 0 else "refund", "amount": abs(diff), "payment_method_id": gift}
    assert f"{after['users'][uid]['payment_methods'][gift]['balance']:.2f}" == f"{balance - diff:.2f}"
    # once only; and the order can no longer be cancelled
    refused(shop, errors.ItemsAlreadyModified, "modify_pending_order_items",
            {"order_id": oid, "item_ids": [new_id], "new_item_ids": [item["item_id"]], "payment_method_id": gift}, uid)
    refused(shop, errors.ItemsAlreadyModified, "cancel_pending_order",
            {"order_id": oid, "reason": "no longer needed"}, uid)
    # the address may still change (τ²-bench: any 'pending…' status)
    assert mutate(shop, "modify_pending_order_address", {"order_id": oid, **ADDRESS}, uid)["address"] == ADDRESS


def test_modify_items_changes_each_item_to_its_own_variant(shop):
    order = first_order("pending", where=lambda o: len({i["product_id"] for i in o["items"]}) >= 2)
    swaps = []
    for item in order["items"]:
        if item["product_id"] not in {s[0]["product_id"] for s in swaps}:
            try:
                swaps.append(swap_for({"order_id": order["order_id"], "items": [item]}))
            except LookupError:
                continue
    pmid = order["payment_history"][0]["payment_method_id"]
    if BASE["users"][order["user_id"]]["payment_methods"][pmid]["source"] == "gift_card":
        pmid = next(iter(m for m in BASE["users"][order["user_id"]]["payment_methods"].values()
                         if m["source"] != "gift_card"))["id"]
    result = mutate(shop, "modify_pending_order_items", {
        "order_id": order["order_id"], "item_ids": [s[0]["item_id"] for s in swaps],
        "new_item_ids": [s[1] for s in swaps], "payment_method_id": pmid}, order["user_id"])
    assert len(swaps) >= 2
    for old, new_id in swaps:
        new = BASE["products"][old["product_id"]]["variants"][new_id]
        line = next(i for i in result["items"] if i["item_id"] == new_id)
        assert line["price"] == f"{new['price']:.2f}" and line["options"] == new["options"]


def test_modify_items_refusals(shop):
    order = first_order("pending", "credit_card", where=lambda o: len(o["items"]) >= 2)
    uid, oid, card = order["user_id"], order["order_id"], order["payment_history"][0]["payment_method_id"]
    item, new_id = swap_for(order)
    other_product_item = next(i for i in order["items"] if i["product_id"] != item["product_id"])
    other_variant = next(iter(BASE["products"][other_product_item["product_id"]]["variants"]))
    base = {"order_id": oid, "item_ids": [item["item_id"]], "new_item_ids": [new_id], "payment_method_id": card}
    name = "modify_pending_order_items"
    refused(shop, errors.ItemCountMismatch, name, {**base, "new_item_ids": [new_id, new_id]}, uid)
    refused(shop, errors.NothingSelected, name, {**base, "item_ids": [], "new_item_ids": []}, uid)
    refused(shop, errors.ItemNotInOrder, name, {**base, "item_ids": ["1151293680"]}, uid)
    refused(shop, errors.ItemNotInOrder, name, {**base, "item_ids": [item["item_id"]] * 9,
                                               "new_item_ids": [new_id] * 9}, uid)
    refused(shop, errors.SameItem, name, {**base, "new_item_ids": [item["item_id"]]}, uid)
    refused(shop, errors.DifferentProduct, name, {**base, "new_item_ids": [other_variant]}, uid)
    refused(shop, errors.ItemNotFound, name, {**base, "new_item_ids": ["999"]}, uid)
    refused(shop, errors.PaymentMethodNotFound, name, {**base, "payment_method_id": "credit_card_9513926"}, uid)
    refused(shop, errors.NotYourOrder, name, base, "yusuf_rossi_9620")
    delivered = first_order("delivered")
    d_item, d_new = swap_for(delivered)
    refused(shop, errors.WrongOrderStatus, name, {"order_id": delivered["order_id"], "item_ids": [d_item["item_id"]],
            "new_item_ids": [d_new], "payment_method_id": delivered["payment_history"][0]["payment_method_id"]},
            delivered["user_id"])


def _has_unavailable(order):
    return any(not v["available"] for i in order["items"]
               for v in BASE["products"][i["product_id"]]["variants"].values())


def test_modify_items_refuses_unavailable_variant(shop):
    order = first_order("pending", "credit_card", where=_has_unavailable)
    old_id, gone = unavailable_swap(order)
    refused(shop, errors.ItemUnavailable, "modify_pending_order_items",
            {"order_id": order["order_id"], "item_ids": [old_id], "new_item_ids": [gone],
             "payment_method_id": order["payment_history"][0]["payment_method_id"]}, order["user_id"])


@pytest.mark.parametrize("status, tool", [("pending", "modify_pending_order_items"),
                                          ("delivered", "exchange_delivered_order_items")])
def test_a_gift_card_too_small_for_the_price_difference_is_refused(shop, status, tool):
    def pricey(o):
        cards = methods(o["user_id"], "gift_card")
        try:
            return bool(cards) and bool(swap_for(o, lambda old, new: new["price"] - old["price"] > cards[0]["balance"]))
        except LookupError:
            return False
    order = first_order(status, where=pricey)
    card = methods(order["user_id"], "gift_card")[0]
    item, new_id = swap_for(order, lambda old, new: new["price"] - old["price"] > card["balance"])
    refused(shop, errors.InsufficientGiftCardBalance, tool,
            {"order_id": order["order_id"], "item_ids": [item["item_id"]], "new_item_ids": [new_id],
             "payment_method_id": card["id"]}, order["user_id"])


def test_modify_payment(shop):
    def switchable(o):
        return o["payment_history"][0]["amount"] <= max((c["balance"] for c in methods(o["user_id"], "gift_card")
                                                         if c["id"] != o["payment_history"][0]["payment_method_id"]),
                                                        default=-1)
    order = first_order("pending", where=switchable)
    uid, oid, (pay,) = order["user_id"], order["order_id"], order["payment_history"]
    card = max((c for c in methods(uid, "gift_card") if c["id"] != pay["payment_method_id"]),
               key=lambda c: c["balance"])
    result = mutate(shop, "modify_pending_order_payment", {"order_id": oid, "payment_method_id": card["id"]}, uid)
    assert [p["transaction_type"] for p in result["payment_history"]] == ["payment", "payment", "refund"]
    assert result["payment_history"][1] == {"transaction_type": "payment", "amount": f"{pay['amount']:.2f}",
                                            "payment_method_id": card["id"]}
    after = shop.export()["users"][uid]["payment_methods"][card["id"]]["balance"]
    assert f"{after:.2f}" == f"{card['balance'] - pay['amount']:.2f}"
    refused(shop, errors.PaymentAlreadyChanged, "modify_pending_order_payment",
            {"order_id": oid, "payment_method_id": pay["payment_method_id"]}, uid)
    # cancelling now refunds only what is still paid: the gift card, once
    cancelled = mutate(shop, "cancel_pending_order", {"order_id": oid, "reason": "no longer needed"}, uid)
    assert cancelled["refunds"] == [{"payment_method_id": card["id"], "amount": f"{pay['amount']:.2f}",
                                     "when": "immediately"}]
    restored = shop.export()["users"][uid]["payment_methods"][card["id"]]["balance"]
    assert f"{restored:.2f}" == f"{card['balance']:.2f}"


def test_modify_payment_refusals(shop):
    def has_small_card(o):
        return any(c["balance"] < o["payment_history"][0]["amount"] for c in methods(o["user_id"], "gift_card"))
    order = first_order("pending", "credit_card", where=has_small_card)
    uid, oid, pay = order["user_id"], order["order_id"], order["payment_history"][0]
    small = next(c for c in methods(uid, "gift_card") if c["balance"] < pay["amount"])
    name = "modify_pending_order_payment"
    refused(shop, errors.InsufficientGiftCardBalance, name, {"order_id": oid, "payment_method_id": small["id"]}, uid)
    refused(shop, errors.SamePaymentMethod, name, {"order_id": oid, "payment_method_id": pay["payment_method_id"]}, uid)
    refused(shop, errors.PaymentMethodNotFound, name, {"order_id": oid, "payment_method_id": "paypal_0"}, uid)
    delivered = first_order("delivered")
    refused(shop, errors.WrongOrderStatus, name, {"order_id": delivered["order_id"], "payment_method_id": "x"},
            delivered["user_id"])


def test_modify_user_address(shop):
    uid = "yusuf_rossi_9620"
    result = mutate(shop, "modify_user_address", {"user_id": uid, **ADDRESS}, uid)
    assert result["address"] == ADDRESS
    assert shop.call("find_user_id_by_name_zip", {"first_name": "Yusuf", "last_name": "Rossi", "zip": "94105"}) \
        == {"user_id": uid}
    refused(shop, errors.NotYourAccount, "modify_user_address", {"user_id": "ava_moore_2033", **ADDRESS}, uid)
    refused(shop, errors.UserNotFound, "modify_user_address", {"user_id": "nobody_1", **ADDRESS}, None)


# ---- delivered orders: return and exchange

def test_return_to_original_method_or_gift_card(shop):
    order = first_order("delivered", "paypal", where=lambda o: methods(o["user_id"], "gift_card")
                        and len(o["items"]) >= 2)
    uid, oid, pay = order["user_id"], order["order_id"], order["payment_history"][0]
    items = [order["items"][1]["item_id"], order["items"][0]["item_id"]]
    result = mutate(shop, "return_delivered_order_items",
                    {"order_id": oid, "item_ids": items, "payment_method_id": pay["payment_method_id"]}, uid)
    assert result["status"] == "return requested" and result["return_items"] == sorted(items)
    assert result["refund_amount"] == f"{order['items'][0]['price'] + order['items'][1]['price']:.2f}"
    other = first_order("delivered", "credit_card", where=lambda o: methods(o["user_id"], "gift_card"))
    card = methods(other["user_id"], "gift_card")[0]["id"]
    result = mutate(shop, "return_delivered_order_items", {"order_id": other["order_id"], "item_ids": [
        other["items"][0]["item_id"]], "payment_method_id": card}, other["user_id"])
    assert result["return_payment_method_id"] == card


def test_return_refusals(shop):
    order = first_order("delivered", "credit_card", where=lambda o: methods(o["user_id"], "paypal"))
    uid, oid, pay = order["user_id"], order["order_id"], order["payment_history"][0]
    first = order["items"][0]["item_id"]
    name = "return_delivered_order_items"
    args = {"order_id": oid, "item_ids": [first], "payment_method_id": pay["payment_method_id"]}
    refused(shop, errors.RefundMethodNotAllowed, name, {**args, "payment_method_id": methods(uid, "paypal")[0]["id"]},
            uid)
    refused(shop, errors.ItemNotInOrder, name, {**args, "item_ids": [first] * 6}, uid)
    refused(shop, errors.NothingSelected, name, {**args, "item_ids": []}, uid)
    stranger = "yusuf_rossi_9620" if uid != "yusuf_rossi_9620" else "ava_moore_2033"
    refused(shop, errors.NotYourOrder, name, args, stranger)
    pending = first_order("pending")
    refused(shop, errors.WrongOrderStatus, name, {"order_id": pending["order_id"], "item_ids": [
        pending["items"][0]["item_id"]], "payment_method_id": pending["payment_history"][0]["payment_method_id"]},
        pending["user_id"])
    mutate(shop, name, args, uid)
    refused(shop, errors.WrongOrderStatus, name, args, uid)  # already 'return requested'


def test_exchange_records_the_request_and_price_difference(shop):
    order = first_order("delivered", "credit_card")
    item, new_id = swap_for(order)
    new = BASE["products"][item["product_id"]]["variants"][new_id]
    args = {"order_id": order["order_id"], "item_ids": [item["item_id"]], "new_item_ids": [new_id],
            "payment_method_id": order["payment_history"][0]["payment_method_id"]}
    result = mutate(shop, "exchange_delivered_order_items", args, order["user_id"])
    assert result["status"] == "exchange requested" and result["exchange_new_items"] == [new_id]
    assert result["exchange_price_difference"] == f"{new['price'] - item['price']:.2f}"
    exported = shop.export()["orders"][order["order_id"]]
    assert exported["exchange_price_difference"] == round(new["price"] - item["price"], 2)
    refused(shop, errors.WrongOrderStatus, "exchange_delivered_order_items", args, order["user_id"])  # once


def test_exchange_refusals(shop):
    order = first_order("delivered", where=lambda o: methods(o["user_id"], "gift_card") and len(o["items"]) >= 2)
    uid, oid = order["user_id"], order["order_id"]
    card = methods(uid, "gift_card")[0]
    name = "exchange_delivered_order_items"
    try:
        item, pricey = swap_for(order, lambda old, new: new["price"] - old["price"] > card["balance"])
        refused(shop, errors.InsufficientGiftCardBalance, name, {"order_id": oid, "item_ids": [item["item_id"]],
                "new_item_ids": [pricey], "payment_method_id": card["id"]}, uid)
    except LookupError:
        pass
    item, new_id = swap_for(order)
    wrong = next(i for i in order["items"] if i["product_id"] != item["product_id"])["item_id"]
    args = {"order_id": oid, "item_ids": [item["item_id"]], "new_item_ids": [new_id], "payment_method_id": card["id"]}
    refused(shop, errors.DifferentProduct, name, {**args, "new_item_ids": [wrong]}, uid)
    refused(shop, errors.ItemCountMismatch, name, {**args, "new_item_ids": []}, uid)
    refused(shop, errors.PaymentMethodNotFound, name, {**args, "payment_method_id": "gift_card_0"}, uid)
    pending = first_order("pending")
    p_item, p_new = swap_for(pending)
    refused(shop, errors.WrongOrderStatus, name, {"order_id": pending["order_id"], "item_ids": [p_item["item_id"]],
            "new_item_ids": [p_new], "payment_method_id": pending["payment_history"][0]["payment_method_id"]},
            pending["user_id"])


# ---- idempotency

def test_replay_with_the_same_key_returns_the_first_result_and_changes_nothing(shop):
    order = first_order("pending", "gift_card")
    args = {"order_id": order["order_id"], "reason": "no longer needed"}
    first = mutate(shop, "cancel_pending_order", args, order["user_id"], idempotency_key="turn-1")
    state = shop.export()
    again = mutate(shop, "cancel_pending_order", {**args, "order_id": order["order_id"][2:]}, order["user_id"],
                   idempotency_key="turn-1")  # same call, id spelt differently
    assert again == first and shop.export() == state
    with pytest.raises(errors.IdempotencyConflict):
        mutate(shop, "cancel_pending_order", {**args, "reason": "ordered by mistake"}, order["user_id"],
               idempotency_key="turn-1")
    assert shop.export() == state


def test_one_turn_may_change_two_orders_and_retry_after_a_refusal(shop):
    uid = next(u for u, user in BASE["users"].items()
               if sum(BASE["orders"][o]["status"] == "pending" for o in user["orders"]) >= 2)
    first, second = [o for o in BASE["users"][uid]["orders"] if BASE["orders"][o]["status"] == "pending"][:2]
    with pytest.raises(errors.InvalidCancelReason):
        mutate(shop, "cancel_pending_order", {"order_id": first, "reason": "too slow"}, uid, idempotency_key="turn-2")
    for oid in (first, second):  # the refusal recorded nothing: the corrected call runs under the same key
        result = mutate(shop, "cancel_pending_order", {"order_id": oid, "reason": "no longer needed"}, uid,
                        idempotency_key="turn-2")
        assert result["status"] == "cancelled"
