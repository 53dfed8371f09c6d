"""Every detail a message gives the order task under way, whatever was asked: the order (named, corrected,
or carried from before), the products and the variant wished for, the reason, where a refund or a price
difference goes, the change wanted (address, payment, items) and the other orders it is for."""
from __future__ import annotations

import re

from agent.dialogue import addresses, money, products, reading
from agent.dialogue.state import Task
from agent.dialogue.turn import Turn
from agent.variants import asks_option
from tools.errors import ToolError


def note_details(task: Task, turn: Turn, carried_order: str | None) -> None:
    """Every detail the message gives the task, whatever was asked: an order, products and the variant
    wished for, the reason, the refund or price-difference method, the change wanted."""
    text, slots = turn.text, turn.slots
    named = products.products_meant(products.without_other_orders(text))
    rejected: set[str] = set()
    if task.intent in ("return_item", "exchange_item", "modify_order") and named:  # "退挂钟 水杯留着": not the
        meant = [n for n, _ in products.items_meant(named, text)]  # bottle; "not the e-reader, I'm keeping that"
        rejected, named = set(named) - set(meant), meant or (named if len(named) > 1 else [])
    if task.intent == "cancel_order" and named and (kept := set(named) - set(products.products_meant(
            products.without_kept(text)))) and set(named) - kept:  # "keep the tablet one. cancel the order with
        rejected, named = kept, [n for n in named if n not in kept]  # the luggage set and the vacuum instead"
        if not task.order_named:
            task.order_id = None
    if named and task.products and task.intent in ("return_item", "exchange_item", "modify_order") \
            and reading.ORDER_BY_ITEMS.search(text):  # "订单是有laptop和camera的那个", "the order with skateboard
        task.order_products = named                # and tea kettle": which order, not what to change
        named = [n for n in named if n in task.products]
    if slots.get("order_id"):
        meant = reading.orders_meant(products.without_kept(text))  # ("W9892465 … I'm keeping that. The one to
        task.order_id = corrected_order(text) or (meant[0] if len(meant) == 1 else slots["order_id"])  # cancel is W6272294")
        task.order_named = True
    elif carried_order and not task.order_id and (not named or not products.corrects(text) and _holds(
            turn, carried_order, named)):  # the order talked about before, or one of its items ("里面那个电热水壶");
        task.order_id = carried_order   # not "I meant the lamp"
    # the shopper's words about the variant: "the T-shirt in black instead", said before who they are (not
    # replaced by "gift card for the difference, only the kettle", which names no option of it)
    if (named and not set(named) & set(task.products) or reading.OPTION_WORDS.search(text)) \
            and task.asked != "which_order":
        task.wish = addresses.EMAIL.sub(" ", text)[:200]
    task.said = [*task.said, addresses.without_identity(text)[:200]][-6:]  # (the options wished, as last named)
    if task.intent == "cancel_order" and named and task.products and not set(named) & set(task.products) \
            and _INSTEAD.search(text):  # "scratch that, keep that one as it is. Can you cancel the e-reader order
        task.products, task.item_ids = [], []  # instead?": another order
        if not task.order_named:
            task.order_id = None
    before = set(task.products)
    if named:  # a correction replaces the products named before
        task.products = sorted(set(named) | (set() if products.corrects(text) else before))
    if (rejected & before or before and set(task.products) != before and products.corrects(text)) \
            and set(named) - rejected:  # the items chosen before are no longer meant ("不对，吸尘器留着，是香水…")
        task.products, task.item_ids = sorted(set(task.products) - rejected), []
    source = money.payment_source(text)
    task.missing = task.missing or bool(reading.NOT_RECEIVED.search(text))
    if task.intent == "cancel_order" and len(ids := reading.orders_meant(products.without_kept(text))) > 1 \
            and not products.corrects(text):
        task.order_id, task.order_named, task.more_orders = ids[0], True, ids[1:]  # "取消两个订单 W8121088 和 W2959713"
    if task.intent == "cancel_order" and (reason := reading.cancel_reason(text)):
        task.reason, task.asked = reason, None if task.asked == "reason" else task.asked
    if task.intent == "return_item" and source:  # "refund it to my gift card"
        task.refund_to = source
    if task.intent in ("modify_order", "exchange_item") and source and (
            money.DIFFERENCE.search(text) or task.intent == "exchange_item" or task.change == "items"):
        task.difference_to = source  # "差价用原来那张信用卡": how the price difference is settled
        if task.intent == "modify_order" and not task.change and (named or reading.OPTION_WORDS.search(text)):
            task.change = "items"  # "change the lamp to the silver one, the difference on my gift card"
    elif task.intent == "modify_order":
        if len(ids := reading.orders_meant(text)) > 1 and (reading.ADDRESS_WORDS.search(text) or task.change == "address"
                                                          or addresses.address_in(text)):
            task.order_id, task.order_named, task.more_orders = ids[0], True, ids[1:]  # the same address for each
        if reading.ACCOUNT_WORDS.search(text) and reading.ADDRESS_WORDS.search(text) and reading.TOO.search(text):
            task.default_too = True  # "please also update the default address on my account to the same address"
        if (address := addresses.address_in(text)):
            task.change, task.address = "address", address
        elif reading.to_default_address(text):
            task.change, task.address, task.to_default = "address", None, True
        elif source:
            task.change, task.source, task.card = "payment", source, money.card_named(text)
        elif reading.ADDRESS_WORDS.search(text) and not (turn.dialogue.pending and reading.QUESTION.search(text)):
            task.change = "address"  # (not "如果改了之后还能改地址吗？" while an item change waits for its yes)
        elif named or reading.OPTION_WORDS.search(text) or reading.keeps_item(text) or (
                reading.asks_change(text) and asks_option(text)):  # "白色S码那个改成白色M码"
            task.change = "items"


def _holds(turn: Turn, order_id: str, named: list[str]) -> bool:
    """The order holds every product named."""
    try:
        order = turn.call("get_order_details", {"order_id": order_id})
    except ToolError:
        return False
    return set(named) <= {i["name"] for i in order["items"]}


def corrected_order(text: str) -> str | None:
    """"订单W2768383 啊不对不对 是W9538924": the order number after the correction."""
    if not (fixed := products.CORRECTION.search(text)) or not (after := reading.ORDER_ID.findall(text[fixed.end():])):
        return None
    return "#W" + re.sub(r"\D", "", after[0])


_INSTEAD = re.compile(r"\binstead\b|\bscratch that\b|\brather\b", re.IGNORECASE)
