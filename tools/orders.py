"""Orders: details, and the policy's actions on pending (cancel, modify) and delivered (return, exchange) orders.

Every change loads the order with a row lock first, so of two concurrent changes to one order the
second sees the first one's result (and is refused if the status no longer allows it).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from pydantic import Field

from tools import errors
from tools.accounts import AddressFields
from tools.catalog import variant_row
from tools.money import from_cents, money
from tools.registry import Context, ItemIds, OrderId, PaymentMethodId, ToolArgs, tool

CANCEL_REASONS = ("no longer needed", "ordered by mistake")
PENDING, ITEMS_MODIFIED, DELIVERED = "pending", "pending (item modified)", "delivered"


@dataclass
class Line:
    line_no: int
    product_id: str
    item_id: str
    name: str
    price: int
    options: str


@dataclass
class Order:
    order_id: str
    user_id: str
    status: str
    address: dict
    extras: dict
    lines: list[Line] = field(default_factory=list)
    payments: list[tuple[str, int, str]] = field(default_factory=list)  # (type, cents, payment method)
    parcels: list[tuple[str, str]] = field(default_factory=list)  # (tracking id, item ids json)


def load_order(ctx: Context, order_id: str, lock: bool = False) -> Order:
    tx = ctx.tx
    row = tx.one("SELECT user_id, status, address, extras FROM orders WHERE order_id = ?"
                 + (tx.for_update if lock else ""), order_id)
    if row is None:
        raise errors.OrderNotFound(f"There is no order {order_id}.")
    ctx.authorise_order(order_id, row[0])
    order = Order(order_id, row[0], row[1], json.loads(row[2]), json.loads(row[3]))
    order.lines = [Line(*r) for r in tx.all("SELECT line_no, product_id, item_id, name, price_cents, options "
                                            "FROM order_items WHERE order_id = ? ORDER BY line_no", order_id)]
    order.payments = tx.all("SELECT transaction_type, amount_cents, payment_method_id FROM payments "
                            "WHERE order_id = ? ORDER BY seq", order_id)
    order.parcels = tx.all("SELECT tracking_id, item_ids FROM parcels WHERE order_id = ? ORDER BY position",
                           order_id)
    return order


def order_view(order: Order) -> dict:
    return {"order_id": order.order_id, "user_id": order.user_id, "address": order.address,
            "items": [{"name": line.name, "product_id": line.product_id, "item_id": line.item_id,
                       "price": money(line.price), "options": json.loads(line.options)} for line in order.lines],
            "items_total": money(sum(line.price for line in order.lines)),
            "status": order.status,
            "fulfillments": [{"tracking_id": [t], "item_ids": json.loads(i)} for t, i in order.parcels],
            "payment_history": [{"transaction_type": t, "amount": money(a), "payment_method_id": p}
                                for t, a, p in order.payments],
            **order.extras}


def _require_status(order: Order, allowed: tuple[str, ...], action: str) -> None:
    if order.status in allowed:
        return
    if order.status == ITEMS_MODIFIED:
        raise errors.ItemsAlreadyModified(
            f"The items of order {order.order_id} were already modified, so it can no longer be {action}.")
    need = " or ".join(sorted({s.split(" ")[0] for s in allowed}))
    raise errors.WrongOrderStatus(f"Order {order.order_id} is {order.status}; only {need} orders can be {action}.",
                                  status=order.status)


def _payment_method(ctx: Context, order: Order, pmid: str) -> tuple[str, int | None]:
    """(source, balance cents) of one of the order owner's payment methods, locked for the change."""
    row = ctx.tx.one("SELECT source, balance_cents FROM payment_methods WHERE payment_method_id = ? AND user_id = ?"
                     + ctx.tx.for_update, pmid, order.user_id)
    if row is None:
        raise errors.PaymentMethodNotFound(f"{order.user_id} has no payment method {pmid}.")
    return row


def _charge_gift_card(ctx: Context, pmid: str, balance: int | None, cents: int, what: str) -> None:
    """Take `cents` (negative: give back) from a gift card, refusing when the balance cannot cover it."""
    if balance is None or cents == 0:
        return
    if cents > balance:
        raise errors.InsufficientGiftCardBalance(
            f"Gift card {pmid} has {money(balance)}, not enough to pay {money(cents)} for {what}.",
            balance=money(balance), needed=money(cents))
    ctx.tx.run("UPDATE payment_methods SET balance_cents = balance_cents - ? WHERE payment_method_id = ?", cents, pmid)


def _add_payment(ctx: Context, order: Order, kind: str, cents: int, pmid: str) -> None:
    ctx.tx.run("INSERT INTO payments VALUES (?, ?, ?, ?, ?)", order.order_id, len(order.payments), kind, cents, pmid)
    order.payments.append((kind, cents, pmid))


def _set(ctx: Context, order: Order, **columns) -> None:
    if "extras" in columns:
        order.extras = columns["extras"]
        columns["extras"] = json.dumps(order.extras)
    if "address" in columns:
        order.address = columns["address"]
        columns["address"] = json.dumps(order.address)
    order.status = columns.get("status", order.status)
    assigns = ", ".join(f"{c} = ?" for c in columns)
    ctx.tx.run(f"UPDATE orders SET {assigns} WHERE order_id = ?", *columns.values(), order.order_id)


def _pick_lines(order: Order, item_ids: list[str]) -> list[Line]:
    """One distinct order line per requested id (an id listed twice needs two units in the order)."""
    if not item_ids:
        raise errors.NothingSelected("No items were given; list the item ids to change.")
    free, picked = list(order.lines), []
    for item_id in item_ids:
        line = next((candidate for candidate in free if candidate.item_id == item_id), None)
        if line is None:
            raise errors.ItemNotInOrder(f"Order {order.order_id} has no (further) item {item_id}.", item_id=item_id)
        free.remove(line)
        picked.append(line)
    return picked


def _replacements(ctx: Context, order: Order, item_ids: list[str], new_item_ids: list[str]):
    """Validate old → new variant swaps; returns [(line, new item id, options, price)] and the price difference."""
    lines = _pick_lines(order, item_ids)
    if len(item_ids) != len(new_item_ids):
        raise errors.ItemCountMismatch(f"{len(item_ids)} items to change but {len(new_item_ids)} new items given.")
    swaps, diff = [], 0
    for line, new_id in zip(lines, new_item_ids):
        if new_id == line.item_id:
            raise errors.SameItem(f"Item {new_id} is the item already in the order; choose a different option.")
        product_id, options, price, stock = variant_row(ctx.tx, new_id)
        if product_id != line.product_id:
            raise errors.DifferentProduct(f"Item {new_id} is not a variant of {line.name}; an item can only be "
                                          "changed to another option of the same product.", item_id=new_id)
        if stock <= 0:
            raise errors.ItemUnavailable(f"Item {new_id} ({line.name}) is not available.", item_id=new_id)
        swaps.append((line, new_id, options, price))
        diff += price - line.price
    return swaps, diff


class CancelArgs(ToolArgs):
    order_id: OrderId
    reason: str = Field(description="Why the shopper cancels.", json_schema_extra={"enum": list(CANCEL_REASONS)})


class OrderAddress(AddressFields):
    order_id: OrderId


class SwapArgs(ToolArgs):
    order_id: OrderId
    item_ids: ItemIds
    new_item_ids: ItemIds = Field(description="New item ids, same product other option, in the order of item_ids.")
    payment_method_id: PaymentMethodId = Field(description="Pays or receives the price difference.")


class PaymentArgs(ToolArgs):
    order_id: OrderId
    payment_method_id: PaymentMethodId


class ReturnArgs(ToolArgs):
    order_id: OrderId
    item_ids: ItemIds
    payment_method_id: PaymentMethodId = Field(
        description="Receives the refund: the original payment method or one of the shopper's gift cards.")


class OrderRef(ToolArgs):
    order_id: OrderId


@tool(OrderRef)
def get_order_details(ctx: Context, args: OrderRef) -> dict:
    """Get an order: status, items with prices, shipping address, fulfilments (tracking ids) and payment history."""
    return order_view(load_order(ctx, args.order_id))


@tool(CancelArgs, mutating=True)
def cancel_pending_order(ctx: Context, args: CancelArgs) -> dict:
    """Cancel a pending order, reason 'no longer needed' or 'ordered by mistake'. Gift-card payments are refunded
    at once, others in 5 to 7 business days. Confirm the order id and reason with the shopper (explicit yes) first."""
    reason = " ".join(args.reason.lower().split())
    if reason not in CANCEL_REASONS:
        raise errors.InvalidCancelReason(f"'{args.reason}' is not an accepted reason; it must be "
                                         "'no longer needed' or 'ordered by mistake'.")
    order = load_order(ctx, args.order_id, lock=True)
    _require_status(order, (PENDING,), "cancelled")
    # refund what each method paid net of earlier refunds: after a payment change only the new method is owed
    net: dict[str, int] = {}
    for kind, cents, pmid in order.payments:
        net[pmid] = net.get(pmid, 0) + (cents if kind == "payment" else -cents)
    refunds = []
    for pmid, cents in net.items():
        if cents <= 0:
            continue
        source, balance = _payment_method(ctx, order, pmid)
        _charge_gift_card(ctx, pmid, balance, -cents, "the refund")
        _add_payment(ctx, order, "refund", cents, pmid)
        refunds.append({"payment_method_id": pmid, "amount": money(cents),
                        "when": "immediately" if source == "gift_card" else "in 5 to 7 business days"})
    _set(ctx, order, status="cancelled", extras={**order.extras, "cancel_reason": reason})
    return {**order_view(order), "refunds": refunds}


@tool(OrderAddress, mutating=True)
def modify_pending_order_address(ctx: Context, args: OrderAddress) -> dict:
    """Change the shipping address of a pending order. Confirm the new address with the shopper (explicit yes) first."""
    order = load_order(ctx, args.order_id, lock=True)
    _require_status(order, (PENDING, ITEMS_MODIFIED), "modified")
    _set(ctx, order, address=args.address())
    return order_view(order)


@tool(SwapArgs, mutating=True)
def modify_pending_order_items(ctx: Context, args: SwapArgs) -> dict:
    """Swap items of a pending order for other options of the same products. Allowed ONCE per order: collect every
    item first. The payment method pays or receives the difference (a gift card must cover it). Confirm first."""
    order = load_order(ctx, args.order_id, lock=True)
    _require_status(order, (PENDING,), "modified")
    swaps, diff = _replacements(ctx, order, args.item_ids, args.new_item_ids)
    source, balance = _payment_method(ctx, order, args.payment_method_id)
    _charge_gift_card(ctx, args.payment_method_id, balance, diff, "the new items")
    _add_payment(ctx, order, "payment" if diff > 0 else "refund", abs(diff), args.payment_method_id)
    for line, new_id, options, price in swaps:
        ctx.tx.run("UPDATE order_items SET item_id = ?, price_cents = ?, options = ? "
                   "WHERE order_id = ? AND line_no = ?", new_id, price, options, order.order_id, line.line_no)
        line.item_id, line.price, line.options = new_id, price, options
    _set(ctx, order, status=ITEMS_MODIFIED)
    return {**order_view(order), "price_difference": money(diff)}


@tool(PaymentArgs, mutating=True)
def modify_pending_order_payment(ctx: Context, args: PaymentArgs) -> dict:
    """Pay a pending order with a different single payment method (a gift card must cover the total); the old method
    is refunded (gift card at once, others in 5 to 7 business days). Confirm first."""
    order = load_order(ctx, args.order_id, lock=True)
    _require_status(order, (PENDING, ITEMS_MODIFIED), "modified")
    if len(order.payments) != 1 or order.payments[0][0] != "payment":
        raise errors.PaymentAlreadyChanged(f"Order {order.order_id} has more than its one original payment, "
                                           "so its payment method cannot be changed here.")
    _, amount, old_pmid = order.payments[0]
    if old_pmid == args.payment_method_id:
        raise errors.SamePaymentMethod(f"Order {order.order_id} is already paid with {old_pmid}.")
    _, new_balance = _payment_method(ctx, order, args.payment_method_id)
    _, old_balance = _payment_method(ctx, order, old_pmid)
    _charge_gift_card(ctx, args.payment_method_id, new_balance, amount, f"order {order.order_id}")
    _charge_gift_card(ctx, old_pmid, old_balance, -amount, "the refund")
    _add_payment(ctx, order, "payment", amount, args.payment_method_id)
    _add_payment(ctx, order, "refund", amount, old_pmid)
    return order_view(order)


@tool(ReturnArgs, mutating=True)
def return_delivered_order_items(ctx: Context, args: ReturnArgs) -> dict:
    """Request a return of items of a delivered order. The refund goes to the original payment method or an existing
    gift card; the shopper gets an e-mail on how to send the items back. Confirm the items first."""
    order = load_order(ctx, args.order_id, lock=True)
    _require_status(order, (DELIVERED,), "returned")
    source, _ = _payment_method(ctx, order, args.payment_method_id)
    original = order.payments[0][2] if order.payments else None
    if source != "gift_card" and args.payment_method_id != original:
        raise errors.RefundMethodNotAllowed(f"A refund for order {order.order_id} can only go to the original "
                                            f"payment method ({original}) or a gift card.")
    lines = _pick_lines(order, args.item_ids)
    _set(ctx, order, status="return requested", extras={
        **order.extras, "return_items": sorted(args.item_ids), "return_payment_method_id": args.payment_method_id})
    return {**order_view(order), "refund_amount": money(sum(line.price for line in lines))}


@tool(SwapArgs, mutating=True)
def exchange_delivered_order_items(ctx: Context, args: SwapArgs) -> dict:
    """Request an exchange of delivered items for other options of the same products. Allowed once per order:
    collect every item first. The payment method pays or receives the difference (a gift card must cover it)."""
    order = load_order(ctx, args.order_id, lock=True)
    _require_status(order, (DELIVERED,), "exchanged")
    _, diff = _replacements(ctx, order, args.item_ids, args.new_item_ids)
    _, balance = _payment_method(ctx, order, args.payment_method_id)
    if balance is not None and diff > balance:
        raise errors.InsufficientGiftCardBalance(
            f"Gift card {args.payment_method_id} has {money(balance)}, not enough for the price difference "
            f"{money(diff)}.", balance=money(balance), needed=money(diff))
    _set(ctx, order, status="exchange requested", extras={
        **order.extras, "exchange_items": sorted(args.item_ids), "exchange_new_items": sorted(args.new_item_ids),
        "exchange_payment_method_id": args.payment_method_id, "exchange_price_difference": str(from_cents(diff))})
    return {**order_view(order), "price_difference": money(diff)}
