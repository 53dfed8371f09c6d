"""Payments as the shopper knows them: every payment and refund on an order, where a return's refund or an
exchange's price difference goes, and a pending order's payment method changed."""
from __future__ import annotations

from decimal import Decimal

from agent.dialogue.state import Pending, Task
from agent.dialogue.turn import Answer, Turn, refunded


def tell_payments(turn: Turn, order: dict, task: Task) -> Answer:
    """"Charged twice?": every payment and refund on the order, as the shop recorded them."""
    turn.dialogue.finish_task()
    return Answer(payments_said(turn, order), {"order": order})


def payments_said(turn: Turn, order: dict) -> str:
    lines = "; ".join(turn.say("paid_line" if p["transaction_type"] == "payment" else "refunded_line",
                               amount=f"{Decimal(str(p['amount'])):.2f}", method=shown_method(turn, p["payment_method_id"]))
                      for p in order["payment_history"])
    return turn.say("payments", order_id=order["order_id"], lines=lines)


def ask_refund_method(turn: Turn, order: dict, task: Task) -> Answer | None:
    """The shop refunds to the original payment or a gift card of the shopper's, nowhere else."""
    if refund_method(turn, order, task.refund_to):
        return None
    task.refund_to = None
    turn.dialogue.pending = None
    return turn.answer("refund_where", {"order": order}, order_id=order["order_id"],
                       original=shown_method(turn, original_method(order)))


def state_payment(turn: Turn, order: dict, task: Task) -> Answer:
    methods = turn.profile()["payment_methods"]
    current = original_method(order)
    others = [m for m in methods.values() if m["id"] != current]
    chosen = [m for m in others if m["source"] == task.source]
    if task.card:  # "尾号4204的那张", "the visa": the card they mean among them
        chosen = [m for m in chosen if task.card in (m.get("last_four"), str(m.get("brand", "")).lower())]
    if len(chosen) != 1:
        return turn.answer("ask_payment", {"order": order},
                           methods="; ".join(method_name(turn, m) for m in others) or "-")
    method = method_name(turn, chosen[0], balance=False)
    needed = Decimal(str(order["payment_history"][0]["amount"]))
    if chosen[0]["source"] == "gift_card" and Decimal(str(chosen[0].get("balance", 0))) < needed:
        task.source = None  # a gift card pays the whole order or nothing: said before any yes is asked
        rest = [method_name(turn, m) for m in others if m is not chosen[0]]
        return Answer(turn.say("gift_card_too_small", order_id=order["order_id"], method=method, needed=f"{needed:.2f}",
                               balance=f"{Decimal(str(chosen[0].get('balance', 0))):.2f}",
                               current=shown_method(turn, current))
                      + (turn.say("other_methods", methods="; ".join(rest)) if rest else ""), {"order": order})
    turn.dialogue.pending = Pending(tool="modify_pending_order_payment", done="modified", kept="modify_kept",
                                    args={"order_id": order["order_id"], "payment_method_id": chosen[0]["id"]},
                                    facts={"change": method})
    return turn.answer("confirm_payment", {"order": order}, order_id=order["order_id"], method=method,
                       current=method_name(turn, methods.get(current, {"id": current, "source": ""}), balance=False))


def method_name(turn: Turn, method: dict, balance: bool = True) -> str:
    """A payment method as the shopper knows it: "Visa card ending in 4204", a gift card (with its balance
    when they ask what they have; not in a change, where an amount reads as a refund promised)."""
    if method["source"] == "credit_card":
        return turn.say("card_line", brand=str(method.get("brand", "")).title(), last_four=method.get("last_four", "?"))
    if method["source"] == "gift_card":
        return turn.say("gift_card_line", id=method["id"], balance=method.get("balance", 0)) if balance \
            else turn.say("gift_card_named", id=method["id"])
    return turn.say("paypal_line", id=method["id"]) if method["source"] == "paypal" else method["id"]


def shown_method(turn: Turn, method_id: str) -> str:
    """A payment method of the shopper's as they know it ("Visa card ending in 7930"), not its id."""
    method = turn.profile()["payment_methods"].get(method_id)
    return method_name(turn, method, balance=False) if method else method_id


def refund_said(turn: Turn, order: dict) -> dict | None:
    """The order's refunds as the shopper reads them: the total and the methods by name."""
    if not (refund := refunded(order)):
        return None
    return {**refund, "method": ", ".join(shown_method(turn, m) for m in refund["method"].split(", "))}


def original_method(order: dict) -> str:
    return order["payment_history"][0]["payment_method_id"]


def refund_method(turn: Turn, order: dict, wanted: str | None) -> str | None:
    """Where a return's refund goes: the original payment method unless the shopper asked for a gift card
    of theirs; None for any other method."""
    original = original_method(order)
    if wanted is None or original.startswith(wanted):
        return original
    cards = [m["id"] for m in turn.profile()["payment_methods"].values() if m["source"] == "gift_card"]
    return cards[0] if wanted == "gift_card" and cards else None


def difference_method(turn: Turn, order: dict, wanted: str | None) -> str:
    """The shopper's method of the kind they named for a price difference; the order's own by default."""
    original = original_method(order)
    if wanted is None or original.startswith(wanted):
        return original
    return next((m["id"] for m in turn.profile()["payment_methods"].values() if m["source"] == wanted), original)

