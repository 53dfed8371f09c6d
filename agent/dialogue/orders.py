"""The steps of the order flows. Each step asks for what is still missing, or states the change and
waits for the shopper's yes; it returns None when the task already has what it asks for. Read-only
answers (status, refund) end the task. Which steps run for which request is the table in flows.py.
"""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from agent.dialogue import addresses, products, reading
from agent.dialogue.state import Pending, Task
from agent.dialogue.items import items_of
from agent.dialogue.payments import difference_method, payments_said, refund_method, refund_said, shown_method, state_payment
from agent.dialogue.turn import Answer, Turn, options
from agent.variants import asks_option, describes_current, fitting, variant_named, variant_wished
from tools.errors import ToolError


# ---------------------------------------------------------------- read-only answers

def tell_status(turn: Turn, order: dict, task: Task) -> Answer:
    """Status, items, carrier and tracking id once shipped, and where a refund went."""
    tracking = turn.call("track_order", {"order_id": order["order_id"]})
    reply = turn.say("order_status", order_id=order["order_id"], status=turn.status(order),
                     items=", ".join(i["name"] for i in order["items"]))
    if order["status"] != "cancelled":
        reply += tracking_line(turn, tracking)
    if (refund := refund_said(turn, order)):
        reply += turn.say("refund_line", **refund)
    if task.missing and order["status"] == "delivered":  # "says delivered but I never got it": a person traces it
        if order["order_id"] in turn.dialogue.traced:  # said again after the trace was offered: a person, now
            turn.dialogue.finish_task()
            return Answer(turn.say("handoff_not_received"), {"order": order, "handoff_reason": "delivered, not received"},
                          handoff=True)
        turn.dialogue.traced = [*turn.dialogue.traced, order["order_id"]]
        reply += turn.say("not_received")
    facts = {"order": order, "tracking": tracking}
    if reading.ASKS_SPECS.search(turn.text):  # "what were the specs again? which processor I picked": each item as bought
        reply += turn.say("items_bought", items="; ".join(f"{i['name']} ({options(i)})" for i in order["items"]))
    if _ASKS_PAID.search(turn.text):  # "那单总共付了多少"
        reply += turn.between + payments_said(turn, order)
    if reading.ASKS_ADDRESS.search(turn.text) and not reading.ACCOUNT_WORDS.search(turn.text):
        # (the account's default address is not the order's)
        facts["address"] = addresses.shown(order["address"])  # their own, once proven: the rails let it through
        reply += turn.say("ship_to", address=facts["address"])
    turn.dialogue.finish_task()
    return Answer(reply, facts)


_ASKS_PAID = re.compile(r"付了多少|花了多少|多少钱来着|总共(?:付|花)|\bhow much (?:did i|have i) (?:pay|paid|spend|spent)\b|"
                        r"\bwhat did i pay\b|\b(?:order )?total\b", re.IGNORECASE)


def tracking_line(turn: Turn, tracking: dict) -> str:
    """" Tracking: UPS 865212722111." for the parcels track_order found; "" before any has shipped."""
    numbers = ", ".join(f"{p['carrier']} {p['tracking_id']}" for p in tracking.get("parcels", []))
    return turn.say("tracking", numbers=numbers) if numbers else ""


def tell_every_status(turn: Turn, most: int = 5, ids: list[str] | None = None) -> Answer:
    """"All my orders": each one's status and tracking, the latest first; or those of `ids` ("where are
    W3779151 and W1504875?", "my tablet and my luggage set"), of the shopper's own only."""
    own = list(reversed(turn.profile()["orders"]))
    ids = [o for o in own if o in ids][:most] if ids else own[:most]
    answers = [tell_status(turn, turn.call("get_order_details", {"order_id": o}), Task(intent="order_status"))
               for o in ids]
    turn.dialogue.finish_task()
    return Answer("\n".join(a.reply for a in answers), {"orders": [a.facts for a in answers]})


def tell_refund(turn: Turn, order: dict, task: Task) -> Answer:
    """Amount, method and timing of the order's refund, or why there is none yet."""
    turn.dialogue.finish_task()
    if (refund := refund_said(turn, order)):
        return turn.answer("refund_issued", {"order": order}, order_id=order["order_id"], **refund)
    key = "refund_after_return" if order["status"] == "return requested" else "no_refund"
    return turn.answer(key, {"order": order}, order_id=order["order_id"], status=turn.status(order))


def tell_every_refund(turn: Turn, found: list[dict]) -> Answer:
    """Each of these orders' refunds (the shopper's cancelled or returned orders, none named)."""
    answers = [tell_refund(turn, order, Task(intent="refund_status")) for order in found]
    return Answer("\n".join(a.reply for a in answers), {"orders": [a.facts for a in answers]})


# ---------------------------------------------------------------- cancel

def ask_reason(turn: Turn, order: dict, task: Task) -> Answer | None:
    if task.reason:
        return None
    task.asked = "reason"  # what comes back is read as the answer, or the two reasons are offered again
    return turn.answer("ask_cancel_reason")


def state_cancel(turn: Turn, order: dict, task: Task) -> Answer:
    items = [i["name"] for i in order["items"]]
    also, others, refused = [], [], ""
    for other in dict.fromkeys(o for o in task.more_orders if o != order["order_id"]):  # "取消 W8121088 和 W2959713"
        try:
            found = turn.call("get_order_details", {"order_id": other})
        except ToolError:  # not theirs, or no such order: only their own are stated
            continue
        if found["status"] != "pending":  # said so, the others go on
            refused += turn.say("cannot_cancel", order_id=other, status=turn.status(found)) + turn.between
            continue
        words = {"order_id": other, "amount": found["items_total"], "items": ", ".join(i["name"] for i in found["items"])}
        also.append({"tool": "cancel_pending_order", "args": {"order_id": other, "reason": task.reason},
                     "done": "also_cancelled", "words": words})
        others.append(found)
    turn.dialogue.pending = Pending(tool="cancel_pending_order", args={"order_id": order["order_id"], "reason": task.reason},
                                    done="cancelled", kept="cancel_kept", facts={"amount": order["items_total"]},
                                    items=items, also=also)
    answer = turn.answer("confirm_cancel_also" if also else "confirm_cancel", {"order": order, "also_orders": others},
                         order_id=order["order_id"], amount=order["items_total"], items=", ".join(items),
                         also="".join(turn.say("also_cancel", **a["words"]) for a in also))
    return replace(answer, reply=refused + answer.reply) if refused else answer


# ---------------------------------------------------------------- return


def state_return(turn: Turn, order: dict, task: Task) -> Answer:
    items = items_of(order, task.item_ids)
    amount = f"{sum(Decimal(str(i['price'])) for i in items):.2f}"
    method = refund_method(turn, order, task.refund_to)
    turn.dialogue.pending = Pending(tool="return_delivered_order_items", done="returned", kept="return_kept",
                                    args={"order_id": order["order_id"], "item_ids": task.item_ids,
                                          "payment_method_id": method},
                                    facts={"amount": amount, "method": shown_method(turn, method)},
                                    items=[i["name"] for i in items])
    names = [i["name"] for i in order["items"]]  # (of two toothbrushes, which: "Electric Toothbrush (blue, …)")
    listed = ", ".join(f"{i['name']} ({options(i) + ', ' if names.count(i['name']) > 1 else ''}"
                       f"${Decimal(str(i['price'])):.2f})" for i in items) if len(items) > 1 or names.count(
        items[0]["name"]) > 1 else items[0]["name"]  # each item's part of the refund
    return turn.answer("confirm_return", {"order": order, "amount": amount}, order_id=order["order_id"], amount=amount,
                       method=shown_method(turn, method), items=listed)


# ---------------------------------------------------------------- exchange, or items of a pending order


def state_swap(turn: Turn, order: dict, task: Task) -> Answer:
    """For each item, the variant named (the rest of the item as it is); the price difference and how it
    is settled. An item whose variant is not clear yet is asked about, with the variants that fit."""
    swaps = []
    for item_id in task.item_ids:
        old = next(i for i in order["items"] if i["item_id"] == item_id)
        variants = turn.product(old["product_id"])["variants"].values()
        choices = [v for v in variants if v["available"] and v["item_id"] != old["item_id"]]
        text = products.without_kept(turn.text)  # ("黑色那个不用改": not the black one wished for)
        said = (products.without_kept(task.wishes.get(item_id, "")), text, products.without_kept(task.wish or ""))
        new, words = next(((v, words) for words in said if words and (v := variant_named(choices, old["options"], words))),
                          (None, ""))
        if new is not None and len(task.item_ids) == 1 and words != text and asks_option(text) \
                and not variant_named(choices, old["options"], text) \
                and not describes_current(choices, old["options"], text):  # ("还是leather, 不防水的, same as before")
            new = None  # "actually no, the 20MP 10x one" (none in stock): asked, not the earlier choice restated
        history = [w for w in map(products.without_kept, task.said) if not describes_current(choices, old["options"], w)]
        if len(task.item_ids) == 1 and (len(history) > 1 or new is None and history) and (
                wished := variant_wished(choices, old["options"], history)):  # ("1000ml的" … "red please")
            new, words = wished, history[-1]
        if new is None:
            shown = next((f for words in said if words and not describes_current(choices, old["options"], words)
                          and (f := fitting(choices, words))), choices)
            key = "ask_swap_option" if choices else "no_swap_option"
            return turn.answer(key, {"order": order}, name=old["name"], options="; ".join(map(options, shown[:4])))
        task.wishes = {**task.wishes, item_id: words}  # ("ok, same choice" after a pause: the same one again)
        swaps.append((old, new))
    exchange = task.intent == "exchange_item"
    method = difference_method(turn, order, task.difference_to)
    turn.dialogue.pending = Pending(
        tool="exchange_delivered_order_items" if exchange else "modify_pending_order_items",
        done="exchanged" if exchange else "items_modified", kept="exchange_kept" if exchange else "modify_kept",
        args={"order_id": order["order_id"], "item_ids": [old["item_id"] for old, _ in swaps],
              "new_item_ids": [new["item_id"] for _, new in swaps], "payment_method_id": method},
        items=[old["name"] for old, _ in swaps])
    difference = sum(Decimal(str(new["price"])) - Decimal(str(old["price"])) for old, new in swaps)
    lines = "; ".join(turn.say("swap_line", name=old["name"], old=options(old), new=options(new),
                               old_price=f"{Decimal(str(old['price'])):.2f}", new_price=f"{Decimal(str(new['price'])):.2f}")
                      for old, new in swaps)
    return turn.answer("confirm_exchange" if exchange else "confirm_items",
                       {"order": order, "new_items": [new for _, new in swaps], "difference": f"{difference:+.2f}"},
                       order_id=order["order_id"], swaps=lines, difference=f"{difference:+.2f}",
                       method=shown_method(turn, method))


# ---------------------------------------------------------------- modify a pending order

def state_modification(turn: Turn, order: dict, task: Task) -> Answer | None:
    """A new address or payment method stated for a yes; items go on to the swap steps (None)."""
    if task.to_default and not task.address:  # "send it to my address on file instead"
        task.address = {k: turn.profile()["address"].get(k, "") for k in ("address1", "address2", "city", "state",
                                                                          "country", "zip")}
    if task.address and (fixed := addresses.corrected_address(turn.text, task.address)):  # "the zip is 78702 not 78701"
        task.address = fixed
    if task.address:
        shown = addresses.shown(task.address)
        also = _same_address_too(turn, order, task)
        turn.dialogue.pending = Pending(tool="modify_pending_order_address", done="modified", kept="modify_kept",
                                        args={"order_id": order["order_id"], **task.address}, facts={"change": shown},
                                        also=also)
        if also:  # "only W5500815 and W2818151", "…and the default address on my account too": one yes for all
            return turn.answer("confirm_address_also", {"order": order, "new_address": shown}, order_id=order["order_id"],
                               address=shown, also="".join(turn.say(a["said"], order_id=a["args"].get("order_id", ""))
                                                          for a in also))
        return turn.answer("confirm_address", {"order": order, "new_address": shown}, order_id=order["order_id"],
                           address=shown)  # the shopper's own words, said back
    if task.change == "payment":
        return state_payment(turn, order, task)
    if task.change == "items":
        return None
    key = "ask_address" if task.change == "address" else "ask_change"
    return turn.answer(key, {"order": order}, order_id=order["order_id"])


def _same_address_too(turn: Turn, order: dict, task: Task) -> list[dict]:
    """The other changes asked with an order's new address: the shopper's other pending orders named with
    it, and the account's default address."""
    also = []
    for other in dict.fromkeys(task.more_orders):
        try:
            found = turn.call("get_order_details", {"order_id": other})
        except ToolError:  # not theirs, or no such order: only the ones we can change are stated
            continue
        if other != order["order_id"] and found["status"] == "pending":
            also.append({"tool": "modify_pending_order_address", "args": {"order_id": other, **task.address},
                         "said": "also_order_address", "done": "also_order_done"})
    if task.default_too:
        also.append({"tool": "modify_user_address", "args": {"user_id": turn.dialogue.user_id, **task.address},
                     "said": "also_default_address", "done": "also_default_done"})
    return also
