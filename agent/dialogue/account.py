"""The shopper's account: the payment methods saved (cards by their last four digits, gift-card balances),
and the default address (orders already placed keep theirs): read it, or change it on a yes."""
from __future__ import annotations

import re
from typing import Callable

from agent.dialogue import addresses, money, products, reading
from agent.dialogue.payments import method_name
from agent.dialogue.state import Pending, Task
from agent.dialogue.turn import Answer, Turn

# "我的默认地址是哪个 我忘了有没有改过": a question about the address as it is, whatever else it says
_ASKS_WHICH = re.compile(r"\bwhat(?:'s| is| was)\b|\bwhich\b|是哪|是什么|是啥|在哪", re.IGNORECASE)
# "帮我看下默认地址对不对", "can you check my default address": read it to them
_READS = re.compile(r"看下|看一下|查一下|查下|对不对|对吗|是不是|\bcheck\b|\blook at\b|\bconfirm what\b|\bstill\b", re.IGNORECASE)
# "地址没问题，谢谢", "that's right, thanks": the address read to them stays
_FINE = re.compile(r"没问题|没错|是对的|对的|正确|不用改|不需要改|\bthat'?s (?:right|correct|it)\b|\bcorrect\b|"
                   r"\blooks? (?:good|right|fine)\b|\ball good\b", re.IGNORECASE)


_REST_SAME = re.compile(r"其[他它余]不变|别的不变|同一栋|\bsame building\b|\b(?:everything else|the rest)\b[^.]{0,12}\bsame\b",
                        re.IGNORECASE)


def account_request(turn: Turn, authenticate: Callable[[Turn], str | None]) -> Answer:
    dialogue, text = turn.dialogue, turn.text
    if dialogue.task is None or dialogue.task.intent != "account":
        dialogue.task, dialogue.pending = Task(intent="account"), None
    task = dialogue.task
    if (money.payment_source(text) or money.asks_saved_methods(text)) and not reading.ADDRESS_WORDS.search(text):
        task.change = "payment"  # "which cards do I have saved?", "how much is left on my gift card?"
    task.address = addresses.address_in(text) or (task.address and addresses.corrected_address(text, task.address)) \
        or task.address
    if not task.address and (reading.QUESTION.search(text) or _READS.search(text)) and (
            _ASKS_WHICH.search(text) or not reading.CHANGE_WORDS.search(text)):
        task.read = True  # "what's my default address?": read it once they are proven, change nothing
    if (refusal := authenticate(turn)):
        return turn.answer(refusal)
    if not dialogue.user_id:
        return turn.answer("ask_identity")
    if task.change == "payment":
        dialogue.finish_task()
        return saved_methods(turn)
    if not task.address and addresses.amends_address(text):  # "同一栋楼我搬到了Suite 1108，其他不变"
        now = turn.profile()["address"]
        fixed = addresses.corrected_address(text, now)
        # (a new street alone is no address: "new one would be 77 Oak Street... actually wait" is asked in full;
        # a street with its own zip is: "五一零二 Duval Street 二一零室 Suite 210 Austin 德州 邮编七八七五一")
        task.address = fixed if fixed and (fixed["address1"] == now["address1"] or fixed["zip"] != now["zip"]
                                           or _REST_SAME.search(text)) else None
    pending = dialogue.pending
    yes, no = reading.is_yes(text, "modify"), reading.is_no(text, "modify")
    if pending and (no or (yes and not products.adds_details(text, pending.args, pending.items))):
        dialogue.finish_task()
        if no:
            return turn.answer("account_address_kept")
        user = turn.call(pending.tool, pending.args, idempotency_key=turn.request_id)
        dialogue.done = "account"
        shown = addresses.shown(user["address"])  # the shopper's own address, said back to them
        return turn.answer("account_address_changed", {"new_address": shown}, address=shown)
    if task.read and not task.address:  # the task stays: "yes, change it" goes on
        task.read = False
        shown = addresses.shown(turn.profile()["address"])
        return turn.answer("account_address_is", {"address": shown}, address=shown)
    if not task.address and _FINE.search(text) and not reading.CHANGE_WORDS.search(_FINE.sub(" ", text)):
        dialogue.finish_task()
        return turn.answer("account_address_kept")
    if not task.address:  # (with the one on file now, said back to its own shopper)
        now = addresses.shown(turn.profile()["address"])
        return turn.answer("ask_account_address", {"address": now}, address=now)
    dialogue.pending = Pending(tool="modify_user_address", args={"user_id": dialogue.user_id, **task.address},
                               done="account_address_changed", kept="account_address_kept")
    shown = addresses.shown(task.address)
    return turn.answer("confirm_account_address", {"new_address": shown}, address=shown)


def saved_methods(turn: Turn) -> Answer:
    methods = turn.profile()["payment_methods"].values()
    lines = [method_name(turn, m) for m in methods]
    return turn.answer("saved_methods", {"payment_methods": list(methods)}, methods="; ".join(lines))
