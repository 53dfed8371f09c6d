"""What a front end shows beside a reply's text: quick replies for the answer the bot waits for (a yes to the
change it stated, the order it asked about, a coupon it offered) and cards for the products the turn is about
(a photo's matches, the product discussed), with their price and stock from the shop."""
from __future__ import annotations

import asyncio
import logging
import re

from agent.api import ProductCard, QuickReply
from agent.dialogue.state import Dialogue
from tools.errors import ToolError

log = logging.getLogger(__name__)

YES = {  # the tool a pending change runs → the label of its yes; the text sent is a plain yes
    "cancel_pending_order": ("Yes, cancel it", "确认取消"),
    "return_delivered_order_items": ("Yes, return it", "确认退货"),
    "exchange_delivered_order_items": ("Yes, exchange it", "确认换货"),
}
PRODUCT_INTENTS = {"product_info", "price_promo", "recommend"}
ORDER_ID = re.compile(r"#W\d{7}")
CARDS_KEPT = 3


def _pair(en: str, zh: str, language: str, text_en: str, text_zh: str) -> QuickReply:
    return QuickReply(label=zh if language == "zh" else en, text=text_zh if language == "zh" else text_en)


def quick_replies(context: dict, reply: str, language: str) -> list[QuickReply]:
    dialogue = Dialogue.of(context)
    if dialogue.pending:
        en, zh = YES.get(dialogue.pending.tool, ("Yes, confirm", "确认"))
        return [_pair(en, zh, language, "yes", "确认"), _pair("No, keep it as is", "不用了", language, "no", "不用了")]
    if dialogue.task and dialogue.task.asked == "which_order":
        return [QuickReply(label=o, text=o) for o in dict.fromkeys(ORDER_ID.findall(reply))]
    if dialogue.offer:
        return [_pair("Yes, send the coupon", "好的，领取", language, "yes", "好的"),
                _pair("No, thanks", "不用了", language, "no thanks", "不用了")]
    return []


def _card(shop, product_id: str, item_id: str | None) -> ProductCard | None:
    try:
        product = shop.call("get_product_details", {"product_id": product_id}, as_shopper=None)
    except ToolError:
        return None
    variants = list(product["variants"].values())
    chosen = [v for v in variants if v["item_id"] == item_id] or variants
    prices = sorted(float(v["price"]) for v in chosen)
    return ProductCard(product_id=product_id, item_id=item_id if len(chosen) == 1 else None, name=product["name"],
                       price=prices[0] if prices else None, price_to=prices[-1] if len(prices) > 1 else None,
                       options=len(chosen), in_stock=sum(v["available"] for v in chosen))


def _product_cards(shop, matches: list[dict], context: dict, intent: str | None) -> list[ProductCard]:
    wanted = [(m["product_id"], m.get("item_id")) for m in matches]
    named = Dialogue.of(context).product
    if not wanted and named and intent in PRODUCT_INTENTS:
        ids = shop.call("list_all_product_types", {}, as_shopper=None)
        if named in ids:
            wanted = [(ids[named], Dialogue.of(context).variant)]
    cards = [_card(shop, p, i) for p, i in dict.fromkeys(wanted)][:CARDS_KEPT]
    return [c for c in cards if c is not None]


async def reply_extras(out: dict, intent: str | None, shop) -> dict:
    """The reply's `quick_replies` and `cards`; a shop that cannot be read leaves the cards out, not the reply."""
    context, language = out.get("context", {}), out.get("language") or "en"
    extras: dict = {"quick_replies": quick_replies(context, out.get("reply", ""), language), "cards": []}
    if shop is not None and out.get("route") != "human":
        try:
            extras["cards"] = await asyncio.to_thread(_product_cards, shop, out.get("matches", []), context, intent)
        except Exception as exc:  # cards are a garnish: the answer goes out without them
            log.warning("product cards left out: %s", type(exc).__name__)
    return extras
