"""Money is exact: integer cents in the store, Decimal in Python, two-decimal strings in tool results."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(amount) -> int:
    """JSON numbers or strings to cents; str() first so a float's digits are taken as written."""
    return int((Decimal(str(amount)).quantize(CENT, ROUND_HALF_UP) * 100).to_integral_value())


def from_cents(cents: int) -> Decimal:
    return (Decimal(int(cents)) / 100).quantize(CENT)


def money(cents: int) -> str:
    """How a tool result states an amount: '1819.92'."""
    return str(from_cents(cents))
