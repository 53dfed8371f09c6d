"""Which of the shopper's orders they mean, when they describe it instead of giving its number.

Shoppers rarely know an order number: "my desk lamp order", "耳机和书架那一单", "the one with the camera
and the tablet". Once they have proven who they are, their own orders are looked up and the one that
holds the products they named (and whose status fits the request) is the one; several are listed for
them to choose; without a product named, the orders whose status fits the request ("cancel my order"
with one order not yet shipped). The order is always stated back before anything changes.
"""
from __future__ import annotations

from agent.seams import Shop

# the statuses a request can act on, best first (order status: any, the ones still on their way first)
FITTING = {"cancel_order": ("pending",), "modify_order": ("pending",),
           "return_item": ("delivered",), "exchange_item": ("delivered", "pending"),
           "refund_status": ("cancelled", "return requested"),
           "order_status": ("processed", "pending", "delivered")}


def orders_described(intent: str, products: list[str], user_id: str, shop: Shop) -> list[dict]:
    """The shopper's orders that fit the description, best first: holding the products named (all of
    them, if an order does), in a status the request can act on where some are."""
    user = shop.call("get_user_details", {"user_id": user_id}, as_shopper=user_id)
    orders = [shop.call("get_order_details", {"order_id": o}, as_shopper=user_id) for o in user["orders"]]
    holding = [o for o in orders if {i["name"] for i in o["items"]} & set(products)]
    if holding:  # (products none of their orders holds were misnamed: "烧水壶" for their Tea Kettle)
        orders = [o for o in holding if set(products) <= {i["name"] for i in o["items"]}] or holding
    fitting = [o for o in orders if o["status"] in FITTING.get(intent, ())]
    return fitting or (orders if holding else [])
