"""A message that asks for several things ("1. where's my refund 2. has the helmet arrived 3. do you ship
on weekends?", "cancel the charger order, and when is my chair coming?"): the first request goes through
the flows as any other; each other one is answered after it when it only asks (an order's status or
refund, the account's default address, a policy question the FAQ answers). A change is one at a time.

The others are read in a copy of the conversation, so the task under way and a change waiting for a yes
stay as they are. A part that names no order or product means the one named just before it in the
message ("where's my lamp, and is it shipped?"), or, first in the message, the one talked about before.
A question about an order asked before the shopper has proven who they are is kept and answered once
they have ("First, where's my espresso order? Second, I want to exchange the chair." → e-mail → both).
"""
from __future__ import annotations

import re
from typing import Callable

from agent.dialogue import addresses, money, reading
from agent.dialogue.engine import run_flow
from agent.dialogue.flows import ORDER_INTENTS
from agent.dialogue.parts import YES_NO_QUESTION
from agent.dialogue.routing import names_target
from agent.seams import Shop

READ_ONLY = ("order_status", "refund_status", "account")
FAQ_INTENTS = ("shipping_policy", "return_policy")
TASK_KEYS = ("task", "pending", "failures", "later")


def set_apart(main: str, parts: list[dict], text: str, sure: float) -> tuple[list[dict], str]:
    """(the parts answered apart from the first request, the message without them for the first one):
    "First, where's my camera? Second, I want to return my headphones." returns the headphones only."""
    # (a shop rule asked of a product is the FAQ's, whatever the model read: "这个耳机是正品吗 多少钱")
    own = next((p for p in parts if p["intent"] == main and not _asks_shop_rule(p)), None)
    apart = [p for p in parts if p is not own and (_asks_shop_rule(p) or p["confidence"] >= sure and (
        _faq_part(p) or _only_asks(p["intent"], main, p["text"])))]
    for part in apart:  # (a policy question names no order: it stays, in case the FAQ has no answer)
        text = text if _faq_part(part) or _asks_shop_rule(part) else text.replace(part["text"], " ")
    return apart, text


def answer_others(others: list[dict], before: dict, after: dict, language: str, shop: Shop, request_id: str,
                  faq: Callable[[str, str, str], str | None]) -> tuple[list[str], list[dict], list[dict]]:
    """(replies, their facts, the requests kept until the shopper is proven) for the parts set apart.
    `before`/`after`: the conversation's context before and after the first request was answered."""
    replies, facts, later, named = [], [], [], False
    for other in others:
        intent, text = other["intent"], other["text"]
        if _faq_part(other) or _asks_shop_rule(other):
            if (answer := faq(text, language, intent)):
                replies.append(answer)
                facts.append({"faq_answer": answer})
        elif not after.get("user_id"):
            later.append(other)
        else:
            context = {k: v for k, v in before.items() if k not in TASK_KEYS}
            if named:  # "…the lamp, and is it shipped?": the order just found
                context["slots"] = {**context.get("slots", {}), **after.get("slots", {})}
            result = run_flow(intent, other["slots"], text, language, {**context, "user_id": after["user_id"]},
                              shop, request_id)
            if result.facts and not result.handoff:  # an answer, not a question back
                replies.append(result.reply)
                facts.append(result.facts)
        named = named or names_target(text, other["slots"])
    return replies, facts, later


def _asks_shop_rule(part: dict) -> bool:
    """A question about a rule the shop has for every product alike ("这个耳机是正品吗", "is the laptop under warranty")."""
    return bool(reading.SHOP_RULE.search(part["text"]) and (reading.QUESTION.search(part["text"]) or re.match(
        r"\W*(?:is|are|does|do|can|could|will|has)\b", part["text"], re.IGNORECASE)))  # (its question mark cut off)


def _faq_part(part: dict) -> bool:
    """A policy question the FAQ may answer: shipping and returns, or a question about paying ("另外你们接受哪些
    payment methods?"; not "refund to my gift card", which is the task's; nor the price alone, "多少钱", which is the
    product's)."""
    if reading.BARE_PRICE.fullmatch(part["text"]):
        return False
    return part["intent"] in FAQ_INTENTS or part["intent"] == "payment_issue" and bool(
        reading.QUESTION.search(part["text"]) or YES_NO_QUESTION.match(part["text"])) \
        and not reading.ORDER_ID.search(part["text"])  # ("… also can i pay with paypal")


def _only_asks(intent: str, main: str, text: str) -> bool:
    """A request that only reads: an order's status or refund, the account's default address."""
    if intent == "account":  # "what default address do you have for me?"
        return bool(reading.QUESTION.search(text) and reading.ADDRESS_WORDS.search(text)) \
            and not addresses.address_in(text) and not reading.CHANGE_WORDS.search(text)
    # (the refund of the order being cancelled or returned is that task's; another order's, named, is not:
    # "1. 之前取消的那个自行车订单，退款到了没有 2. W1170711 帮我取消")
    if intent == "refund_status" and main in ("return_item", "exchange_item", "modify_order") \
            and money.payment_source(text) and not reading.QUESTION.search(text):
        return False  # "Just the tablet, refund to my gift card", "Difference 退回 credit card": the task's, asked nothing
    if main in ("recommend", "product_info", "price_promo") and intent in ("order_status", "refund_status") \
            and not reading.QUESTION.search(text) and not names_target(text, {}):
        return False  # "my sister just got a puppy!! what could I get her …": the need told, no order asked after
    return intent in READ_ONLY and not (intent == "refund_status" and main in ORDER_INTENTS - set(READ_ONLY)
                                        and not names_target(text, {}))
