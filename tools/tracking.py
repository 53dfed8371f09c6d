"""Parcel tracking for an order's fulfilments."""
from __future__ import annotations

import json

from tools.orders import OrderRef, load_order
from tools.registry import Context, tool

TRACKING_URLS = {
    "UPS": "https://www.ups.com/track?tracknum={}",
    "FedEx": "https://www.fedex.com/fedextrack/?trknbr={}",
    "USPS": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
}
# What the order's status says about its parcels (τ²-bench keeps no carrier events).
PARCEL_STATE = {"processed": "in transit", "delivered": "delivered", "return requested": "delivered",
                "exchange requested": "delivered", "cancelled": "cancelled before delivery"}


@tool(OrderRef)
def track_order(ctx: Context, args: OrderRef) -> dict:
    """Track an order's parcels: carrier, tracking number, tracking link, state and the items in each parcel."""
    order = load_order(ctx, args.order_id)
    names = {line.item_id: line.name for line in order.lines}
    carriers = dict(ctx.tx.all("SELECT tracking_id, carrier FROM parcels WHERE order_id = ?", order.order_id))
    parcels = [{"tracking_id": tid, "carrier": carriers[tid], "tracking_url": TRACKING_URLS[carriers[tid]].format(tid),
                "state": PARCEL_STATE.get(order.status, "in transit"),
                "items": [{"item_id": i, "name": names.get(i)} for i in json.loads(items)]}
               for tid, items in order.parcels]
    note = None if parcels else ("Not shipped yet: parcels get tracking numbers once the order is processed."
                                 if order.status.startswith("pending") else "This order has no parcels.")
    return {"order_id": order.order_id, "order_status": order.status, "parcels": parcels, "note": note}
