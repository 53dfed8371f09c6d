"""Cross-sell promotions and their coupons (rules in data/shop/promotions.json)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from tools import errors
from tools.money import CENT, from_cents
from tools.registry import Context, ProductId, ToolArgs, tool

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "shop" / "promotions.json"


@dataclass(frozen=True)
class Promotion:
    coupon: str
    title: str
    title_zh: str
    when_bought: tuple[str, ...]  # product ids
    offer: tuple[str, ...]  # product ids
    percent_off: Decimal

    def discounted(self, cents: int) -> str:
        price = from_cents(cents)
        return str((price * (100 - self.percent_off) / 100).quantize(CENT, ROUND_HALF_UP))


class Promotions:
    def __init__(self, rules: list[Promotion], names: dict[str, str]):
        self.rules, self.names = rules, names

    @classmethod
    def load(cls, product_ids_by_name: dict[str, str], path: Path = RULES_FILE) -> "Promotions":
        rules = []
        for raw in json.loads(path.read_text())["promotions"]:
            # a catalogue without a rule's products (another seed) simply has no such promotion;
            # tests check that every rule resolves fully against the τ²-bench catalogue
            when = tuple(product_ids_by_name[n] for n in raw["when_bought"] if n in product_ids_by_name)
            offer = tuple(product_ids_by_name[n] for n in raw["offer"] if n in product_ids_by_name)
            if when and offer:
                rules.append(Promotion(raw["coupon"], raw["title"], raw.get("title_zh", raw["title"]), when, offer,
                                       Decimal(raw["percent_off"])))
        return cls(rules, {pid: name for name, pid in product_ids_by_name.items()})

    def cross_sell(self, bought: set[str]) -> list[tuple[str, Promotion]]:
        """(offered product, promotion) for every rule a product in `bought` triggers."""
        return [(pid, rule) for rule in self.rules if bought & set(rule.when_bought) for pid in rule.offer]

    def coupon_for(self, product_id: str, bought: set[str]) -> Promotion | None:
        """The best coupon the shopper may use on `product_id`, given what they bought or are looking at."""
        usable = [r for r in self.rules if product_id in r.offer and bought & set(r.when_bought)]
        return max(usable, key=lambda r: r.percent_off, default=None)

    def view(self, rule: Promotion) -> dict:
        return {"coupon": rule.coupon, "title": rule.title, "title_zh": rule.title_zh, "percent_off": str(rule.percent_off),
                "when_bought": [{"product_id": p, "name": self.names[p]} for p in rule.when_bought],
                "offer": [{"product_id": p, "name": self.names[p]} for p in rule.offer]}


class PromotionQuery(ToolArgs):
    product_id: ProductId | None = None


@tool(PromotionQuery)
def list_promotions(ctx: Context, args: PromotionQuery) -> dict:
    """List current promotions and their coupon codes, optionally only those involving one product."""
    promotions = ctx.shop.promotions
    rules = promotions.rules
    if args.product_id is not None:
        if args.product_id not in promotions.names:
            raise errors.ProductNotFound(f"There is no product {args.product_id}.")
        rules = [r for r in rules if args.product_id in r.when_bought + r.offer]
    return {"promotions": [promotions.view(r) for r in rules]}
