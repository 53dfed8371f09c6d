"""The shopper's account: the payment methods saved (cards by their last four digits, gift-card balances),
and the default address (orders already placed keep theirs): read it, or change it on a yes."""
from __future__ import annotations

import re
from typing import Callable

from agent.dialogue import products, reading
from agent.dialogue.state import Pending, Task
from agent.dialogue.turn import Answer, Turn

# "我的默认地址是哪个 我忘了有没有改过": a question about the address as it is, whatever else it says
_ASKS_WHICH = re.compile(r"\bwhat(?:'s| is| was)\b|\bwhich\b|是哪|是什么|是啥|在哪", re.IGNORECASE)


def account_request(turn: Turn, authenticate: Callable[[Turn], str | None]) -> Answer:
    dialogue, text = turn.dialogue, turn.text
    if dialogue.task is None or dialogue.task.intent != "account":
        dialogue.task, dialogue.pending = Task(intent="account"), None
    task = dialogue.task
    if reading.payment_source(text) and not reading.ADDRESS_WORDS.search(text):
        task.change = "payment"  # "which cards do I have saved?", "how much is left on my gift card?"
    task.address = reading.address_in(text) or task.address
    if not task.address and reading.QUESTION.search(text) and (
            _ASKS_WHICH.search(text) or not reading.CHANGE_WORDS.search(text)):
        task.read = True  # "what's my default address?": read it once they are proven, change nothing
    if (refusal := authenticate(turn)):
        return turn.answer(refusal)
    if not dialogue.user_id:
        return turn.answer("ask_identity")
    if task.change == "payment":
        dialogue.finish_task()
        return saved_methods(turn)
    pending = dialogue.pending
    yes, no = reading.is_yes(text, "modify"), reading.is_no(text, "modify")
    if pending and (no or (yes and not products.adds_details(text, pending.args, pending.items))):
        dialogue.finish_task()
        if no:
            return turn.answer("account_address_kept")
        user = turn.call(pending.tool, pending.args, idempotency_key=turn.request_id)
        shown = reading.shown(user["address"])  # the shopper's own address, said back to them
        return turn.answer("account_address_changed", {"new_address": shown}, address=shown)
    if task.read and not task.address:  # the task stays: "yes, change it" goes on
        task.read = False
        shown = reading.shown(turn.profile()["address"])
        return turn.answer("account_address_is", {"address": shown}, address=shown)
    if not task.address:
        return turn.answer("ask_account_address")
    dialogue.pending = Pending(tool="modify_user_address", args={"user_id": dialogue.user_id, **task.address},
                               done="account_address_changed", kept="account_address_kept")
    shown = reading.shown(task.address)
    return turn.answer("confirm_account_address", {"new_address": shown}, address=shown)


def saved_methods(turn: Turn) -> Answer:
    methods = turn.profile()["payment_methods"].values()
    lines = [turn.say("card_line", brand=str(m.get("brand", "")).title(), last_four=m.get("last_four", "?"))
             if m["source"] == "credit_card" else
             turn.say("gift_card_line", id=m["id"], balance=m.get("balance", 0)) if m["source"] == "gift_card" else
             turn.say("paypal_line", id=m["id"]) for m in methods]
    return turn.answer("saved_methods", {"payment_methods": list(methods)}, methods="; ".join(lines))
