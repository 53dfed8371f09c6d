"""Product recommendations: a two-tower model (numpy only at serving) plus the shop's cross-sell promotions.

Shopper/context tower: mean of history embeddings of the products the shopper bought, plus the
embedding of the product being discussed. Item tower: an id embedding plus projected catalogue
features. Score = dot product + item bias. Weights: data/shop/two_tower.npz, built by
`python -m tools.train_recommender`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import Field

from tools import errors
from tools.money import money
from tools.registry import Context, ProductId, ToolArgs, UserId, tool

WEIGHTS = Path(__file__).resolve().parent.parent / "data" / "shop" / "two_tower.npz"


@dataclass
class TwoTower:
    product_ids: list[str]
    history: np.ndarray  # (P, d) shopper tower: what was bought
    context: np.ndarray  # (P, d) shopper tower: what is being looked at
    item_id: np.ndarray  # (P, d) item tower: id embedding
    features: np.ndarray  # (P, k) item tower: catalogue features (fixed)
    projection: np.ndarray  # (k, d) item tower: feature projection
    bias: np.ndarray  # (P,) item popularity prior

    def item_vectors(self) -> np.ndarray:
        return self.item_id + self.features @ self.projection

    def shopper_vector(self, bought: list[str], looking_at: str | None = None) -> np.ndarray:
        index = {p: i for i, p in enumerate(self.product_ids)}
        rows = [index[p] for p in bought if p in index]
        vector = self.history[rows].mean(axis=0) if rows else np.zeros(self.history.shape[1])
        if looking_at in index:
            vector = vector + self.context[index[looking_at]]
        return vector

    def scores(self, bought: list[str], looking_at: str | None = None) -> np.ndarray:
        return self.item_vectors() @ self.shopper_vector(bought, looking_at) + self.bias

    def save(self, path: Path) -> None:
        np.savez_compressed(path, product_ids=np.array(self.product_ids), history=self.history, context=self.context,
                            item_id=self.item_id, features=self.features, projection=self.projection, bias=self.bias)

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> "TwoTower":
        with np.load(path) as w:
            return cls([str(p) for p in w["product_ids"]], *(w[k].astype(np.float64) for k in
                       ("history", "context", "item_id", "features", "projection", "bias")))


class Recommender:
    def __init__(self, model: TwoTower):
        self.model = model

    @classmethod
    def load(cls) -> "Recommender":
        return cls(TwoTower.load())

    def rank(self, bought: list[str], looking_at: str | None, promotions) -> list[tuple[str, float, object]]:
        """Product ids best first as (product, score, cross-sell promotion or None). Cross-sell offers the
        promotion rules make for what the shopper bought or is looking at come first."""
        scores = self.model.scores(bought, looking_at)
        score = dict(zip(self.model.product_ids, scores.tolist()))
        trigger = set(bought) | ({looking_at} if looking_at else set())
        offers = {}
        for pid, rule in promotions.cross_sell(trigger):
            offers.setdefault(pid, rule)
        first = sorted(offers, key=lambda p: -score.get(p, 0.0))
        rest = sorted((p for p in score if p not in offers), key=lambda p: -score[p])
        return [(p, score.get(p, 0.0), offers.get(p)) for p in first + rest]


class RecommendArgs(ToolArgs):
    user_id: UserId | None = Field(None, description="Shopper to recommend for; defaults to the signed-in shopper.")
    product_id: ProductId | None = Field(None, description="Product the shopper is looking at or asking about.")
    limit: int = Field(5, ge=1, le=10, description="How many products to recommend.")


@tool(RecommendArgs)
def recommend_products(ctx: Context, args: RecommendArgs) -> dict:
    """Recommend products for the shopper (from their purchase history and the product they are looking at), with
    cross-sell offers and a coupon where a promotion allows. Already-bought products are left out."""
    user_id = args.user_id or ctx.shopper
    bought: list[str] = []
    if user_id is not None:
        ctx.authorise_user(user_id)
        if ctx.tx.one("SELECT 1 FROM users WHERE user_id = ?", user_id) is None:
            raise errors.UserNotFound(f"There is no shopper with user id {user_id}.")
        bought = [r[0] for r in ctx.tx.all(
            "SELECT i.product_id FROM order_items i JOIN orders o ON o.order_id = i.order_id "
            "WHERE o.user_id = ? AND o.status <> 'cancelled'", user_id)]
    promotions = ctx.shop.promotions
    if args.product_id is not None and args.product_id not in promotions.names:
        raise errors.ProductNotFound(f"There is no product {args.product_id}.")
    cheapest = dict(ctx.tx.all("SELECT product_id, MIN(price_cents) FROM variants WHERE stock > 0 GROUP BY product_id"))
    trigger = set(bought) | ({args.product_id} if args.product_id else set())
    picks = []
    for pid, score, offer in ctx.shop.recommender.rank(bought, args.product_id, promotions):
        if pid in trigger or pid not in cheapest:
            continue
        pick = {"product_id": pid, "name": promotions.names[pid], "price_from": money(cheapest[pid]),
                "score": round(score, 4), "reason": "cross-sell" if offer else "recommended for you", "coupon": None}
        coupon = promotions.coupon_for(pid, trigger)
        if coupon is not None:
            pick["coupon"] = {"code": coupon.coupon, "title": coupon.title, "percent_off": str(coupon.percent_off),
                              "price_from_with_coupon": coupon.discounted(cheapest[pid])}
        picks.append(pick)
        if len(picks) == args.limit:
            break
    return {"user_id": user_id, "recommendations": picks}
