"""Concurrent changes on both backends, with real threads and one connection each: exactly one change wins."""
from __future__ import annotations

import copy
import json
import threading

from tests.test_tools_backends import make_shop, shop, shop_url  # noqa: F401  (fixtures)
from tools import ToolError, errors
from tools.seed import tau2_file

BASE = json.loads(tau2_file("db.json"))
THREADS = 8


def race(calls):
    """Run the calls at once (released together by a barrier); returns each one's result or ToolError."""
    barrier, outcomes = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            outcomes[i] = call()
        except ToolError as exc:
            outcomes[i] = exc
    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def pending_gift_card_order():
    return next(o for o in BASE["orders"].values() if o["status"] == "pending"
                and BASE["users"][o["user_id"]]["payment_methods"][o["payment_history"][0]["payment_method_id"]]
                ["source"] == "gift_card")


def test_concurrent_cancels_of_one_order_one_wins(shop):
    order = pending_gift_card_order()
    args = {"order_id": order["order_id"], "reason": "no longer needed"}
    outcomes = race([lambda i=i: shop.call("cancel_pending_order", args, as_shopper=order["user_id"],
                                           idempotency_key=f"turn-{i}") for i in range(THREADS)])
    wins = [o for o in outcomes if isinstance(o, dict)]
    assert len(wins) == 1 and wins[0]["status"] == "cancelled"
    assert all(isinstance(o, errors.WrongOrderStatus) for o in outcomes if not isinstance(o, dict))
    after = shop.export()
    refunds = [p for p in after["orders"][order["order_id"]]["payment_history"] if p["transaction_type"] == "refund"]
    assert len(refunds) == 1  # the gift card was refunded once, not eight times
    pay = order["payment_history"][0]
    balance = after["users"][order["user_id"]]["payment_methods"][pay["payment_method_id"]]["balance"]
    original = BASE["users"][order["user_id"]]["payment_methods"][pay["payment_method_id"]]["balance"]
    assert f"{balance:.2f}" == f"{original + pay['amount']:.2f}"


def test_concurrent_replays_of_one_key_apply_once(shop):
    order = pending_gift_card_order()
    args = {"order_id": order["order_id"], "reason": "ordered by mistake"}
    outcomes = race([lambda: shop.call("cancel_pending_order", args, as_shopper=order["user_id"],
                                       idempotency_key="same-turn") for _ in range(THREADS)])
    assert all(isinstance(o, dict) for o in outcomes), outcomes
    assert all(o == outcomes[0] for o in outcomes)
    history = shop.export()["orders"][order["order_id"]]["payment_history"]
    assert [p["transaction_type"] for p in history] == ["payment", "refund"]


def test_concurrent_different_changes_of_one_order_one_wins(shop):
    order = next(o for o in BASE["orders"].values() if o["status"] == "pending" and len(o["items"]) >= 1)
    item = order["items"][0]
    new_id = next(v["item_id"] for v in BASE["products"][item["product_id"]]["variants"].values()
                  if v["available"] and v["item_id"] != item["item_id"])
    pmid, uid, oid = order["payment_history"][0]["payment_method_id"], order["user_id"], order["order_id"]
    calls = [lambda: shop.call("cancel_pending_order", {"order_id": oid, "reason": "no longer needed"},
                               as_shopper=uid, idempotency_key="a"),
             lambda: shop.call("modify_pending_order_items", {"order_id": oid, "item_ids": [item["item_id"]],
                               "new_item_ids": [new_id], "payment_method_id": pmid}, as_shopper=uid,
                               idempotency_key="b")] * (THREADS // 2)
    outcomes = race([lambda c=c, i=i: c() for i, c in enumerate(calls)])
    wins = [o for o in outcomes if isinstance(o, dict)]
    assert len({w["status"] for w in wins}) == 1  # either cancelled or modified, never both
    status = shop.export()["orders"][oid]["status"]
    assert status in ("cancelled", "pending (item modified)") and wins[0]["status"] == status


def test_one_gift_card_cannot_pay_two_orders_it_only_covers_once(make_shop, tmp_path):
    """Two pending orders switch to the same gift card at once; the card covers only one of them."""
    db = copy.deepcopy(BASE)
    uid = next(u for u, user in db["users"].items() if any(m["source"] == "gift_card" for m in user["payment_methods"]
               .values()) and sum(db["orders"][o]["status"] == "pending" for o in user["orders"]) >= 2)
    card = next(m for m in db["users"][uid]["payment_methods"].values() if m["source"] == "gift_card")
    first, second = [db["orders"][o] for o in db["users"][uid]["orders"] if db["orders"][o]["status"] == "pending"][:2]
    other = next(m["id"] for m in db["users"][uid]["payment_methods"].values() if m["id"] != card["id"])
    for order in (first, second):
        order["payment_history"][0]["payment_method_id"] = other
    amounts = [first["payment_history"][0]["amount"], second["payment_history"][0]["amount"]]
    card["balance"] = max(amounts) + 1  # enough for either order, not for both
    path = tmp_path / "db.json"
    path.write_text(json.dumps(db))
    shop = make_shop(seed=str(path))
    outcomes = race([lambda o=o: shop.call("modify_pending_order_payment", {"order_id": o["order_id"],
                     "payment_method_id": card["id"]}, as_shopper=uid, idempotency_key=o["order_id"])
                     for o in (first, second)])
    assert sum(isinstance(o, dict) for o in outcomes) == 1
    assert any(isinstance(o, errors.InsufficientGiftCardBalance) for o in outcomes)
    balance = shop.export()["users"][uid]["payment_methods"][card["id"]]["balance"]
    assert balance >= 0 and f"{balance:.2f}" in {f"{card['balance'] - a:.2f}" for a in amounts}
