"""Which of the shopper's orders they mean, when they describe it instead of giving its number.

Shoppers rarely know an order number: "my desk lamp order", "耳机和书架那一单", "the one with the camera
and the tablet". Once they have proven who they are, their own orders are looked up and the one that
holds the products they named (and whose status fits the request) is the one; several are listed for
them to choose; without a product named, the orders whose status fits the request ("cancel my order"
with one order not yet shipped). The order is always stated back before anything changes.
"""
from __future__ import annotations

import re

from agent.catalogue_words import option_values
from agent.seams import Shop
from agent.variants import option_value, option_words

# the statuses a request can act on, best first (order status: any, the ones still on their way first)
FITTING = {"cancel_order": ("pending",), "modify_order": ("pending",),
           "return_item": ("delivered",), "exchange_item": ("delivered", "pending"),
           "refund_status": ("cancelled", "return requested"),
           "order_status": ("processed", "pending", "delivered")}


def orders_described(intent: str, products: list[str], user_id: str, shop: Shop, words: str = "") -> list[dict]:
    """The shopper's orders that fit the description, best first: the one holding a product named whose
    options the words name best ("金色的手表…皮表带的"), else those holding the most of the products named
    ("咖啡机" may be either coffee machine: the order holding one of them), in a status the request can
    act on where some are."""
    user = shop.call("get_user_details", {"user_id": user_id}, as_shopper=user_id)
    orders = [shop.call("get_order_details", {"order_id": o}, as_shopper=user_id) for o in user["orders"]]
    held = {o["order_id"]: len({i["name"] for i in o["items"]} & set(products)) for o in orders}
    most = max(held.values(), default=0)
    if most:  # (products none of their orders holds were misnamed: "烧水壶" for their Tea Kettle)
        holding = [o for o in orders if held[o["order_id"]]]
        described = narrowed(holding, products, words) if words and len(holding) > 1 else holding
        orders = described if len(described) == 1 else [o for o in holding if held[o["order_id"]] == most]
    fitting = [o for o in orders if o["status"] in FITTING.get(intent, ())]
    return fitting or (orders if most else [])


def narrowed(orders: list[dict], products: list[str], words: str) -> list[dict]:
    """Of several orders, the one whose items' options the shopper's words name best ("the white one,
    small"), when one does; else all of them."""
    wanted = set(re.findall(r"[a-z0-9-]+", option_words(words))) & option_values()  # not the "s" of "it's"
    named = {o["order_id"]: max((len(wanted & _options(i)) for i in o["items"] if not products or i["name"] in products),
                                default=0) for o in orders}
    best = max(named.values(), default=0)
    return [o for o in orders if named[o["order_id"]] == best] if best and list(named.values()).count(best) == 1 \
        else orders


_SIZES = {"s": "small", "m": "medium", "l": "large"}


def _options(item: dict) -> set[str]:
    """An item's option values as option_words() writes a shopper's ("17-inch"), sizes also in words."""
    values = {option_value(v) for v in item.get("options", {}).values()}
    return values | {_SIZES[v] for v in values if v in _SIZES}
