"""Typed refusals. Each carries a machine `code` and a `message` the agent can turn into a sentence."""
from __future__ import annotations


class ToolError(Exception):
    code = "tool_error"

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, **({"details": self.details} if self.details else {})}


def _error(name: str, code: str, base: type = ToolError) -> type:
    return type(name, (base,), {"code": code})


# call shape
UnknownTool = _error("UnknownTool", "unknown_tool")
InvalidArguments = _error("InvalidArguments", "invalid_arguments")
IdempotencyKeyRequired = _error("IdempotencyKeyRequired", "idempotency_key_required")
IdempotencyConflict = _error("IdempotencyConflict", "idempotency_conflict")
InvalidExpression = _error("InvalidExpression", "invalid_expression")

# not found
NotFound = _error("NotFound", "not_found")
UserNotFound = _error("UserNotFound", "user_not_found", NotFound)
OrderNotFound = _error("OrderNotFound", "order_not_found", NotFound)
ProductNotFound = _error("ProductNotFound", "product_not_found", NotFound)
ItemNotFound = _error("ItemNotFound", "item_not_found", NotFound)
PaymentMethodNotFound = _error("PaymentMethodNotFound", "payment_method_not_found", NotFound)

# authorisation: one shopper per session
Forbidden = _error("Forbidden", "forbidden")
NotYourOrder = _error("NotYourOrder", "not_your_order", Forbidden)
NotYourAccount = _error("NotYourAccount", "not_your_account", Forbidden)

# policy refusals
PolicyRefusal = _error("PolicyRefusal", "policy_refusal")
WrongOrderStatus = _error("WrongOrderStatus", "wrong_order_status", PolicyRefusal)
ItemsAlreadyModified = _error("ItemsAlreadyModified", "items_already_modified", WrongOrderStatus)
InvalidCancelReason = _error("InvalidCancelReason", "invalid_cancel_reason", PolicyRefusal)
ItemNotInOrder = _error("ItemNotInOrder", "item_not_in_order", PolicyRefusal)
ItemCountMismatch = _error("ItemCountMismatch", "item_count_mismatch", PolicyRefusal)
SameItem = _error("SameItem", "same_item", PolicyRefusal)
DifferentProduct = _error("DifferentProduct", "different_product", PolicyRefusal)
ItemUnavailable = _error("ItemUnavailable", "item_unavailable", PolicyRefusal)
InsufficientGiftCardBalance = _error("InsufficientGiftCardBalance", "insufficient_gift_card_balance", PolicyRefusal)
SamePaymentMethod = _error("SamePaymentMethod", "same_payment_method", PolicyRefusal)
PaymentAlreadyChanged = _error("PaymentAlreadyChanged", "payment_already_changed", PolicyRefusal)
RefundMethodNotAllowed = _error("RefundMethodNotAllowed", "refund_method_not_allowed", PolicyRefusal)
NothingSelected = _error("NothingSelected", "nothing_selected", PolicyRefusal)


class StoreUnavailable(Exception):
    """The shop's database cannot be reached (stopped, restarting, locked past its timeout): an outage, not a
    refusal. Deliberately not a ToolError: nothing about the shopper's request is wrong, so no flow may answer
    it as "not found" or count it as a failed task; the turn waits until the store is back."""
