"""Products, their variants (items), prices and stock."""
from __future__ import annotations

import json

from pydantic import model_validator

from tools import errors
from tools.money import money
from tools.registry import Context, ItemId, ProductId, ToolArgs, tool


class ProductRef(ToolArgs):
    product_id: ProductId


class ItemRef(ToolArgs):
    item_id: ItemId


class NoArgs(ToolArgs):
    pass


class StockQuery(ToolArgs):
    product_id: ProductId | None = None
    item_id: ItemId | None = None

    @model_validator(mode="after")
    def one_of(self):
        if (self.product_id is None) == (self.item_id is None):
            raise ValueError("give exactly one of product_id or item_id")
        return self


def variant_view(item_id: str, options: str, price: int, stock: int) -> dict:
    return {"item_id": item_id, "options": json.loads(options), "available": stock > 0, "price": money(price)}


def product_row(tx, product_id: str) -> str:
    row = tx.one("SELECT name FROM products WHERE product_id = ?", product_id)
    if row is None:
        raise errors.ProductNotFound(f"There is no product {product_id}. Product ids and item ids differ; "
                                     "list_all_product_types gives the product ids.")
    return row[0]


def variant_row(tx, item_id: str) -> tuple:
    """(product_id, options, price_cents, stock) of an item, or ItemNotFound."""
    row = tx.one("SELECT product_id, options, price_cents, stock FROM variants WHERE item_id = ?", item_id)
    if row is None:
        raise errors.ItemNotFound(f"There is no item {item_id} in the catalogue.")
    return row


@tool(ProductRef)
def get_product_details(ctx: Context, args: ProductRef) -> dict:
    """Get a product's name and all its variants (item id, options, availability, price)."""
    name = product_row(ctx.tx, args.product_id)
    rows = ctx.tx.all("SELECT item_id, options, price_cents, stock FROM variants WHERE product_id = ? "
                      "ORDER BY position", args.product_id)
    return {"name": name, "product_id": args.product_id, "variants": {r[0]: variant_view(*r) for r in rows}}


@tool(ItemRef)
def get_item_details(ctx: Context, args: ItemRef) -> dict:
    """Get one item (variant): its options, availability and price, and the product it belongs to."""
    product_id, options, price, stock = variant_row(ctx.tx, args.item_id)
    return {**variant_view(args.item_id, options, price, stock), "product_id": product_id,
            "name": product_row(ctx.tx, product_id)}


@tool(NoArgs)
def list_all_product_types(ctx: Context, args: NoArgs) -> dict:
    """List the shop's product types: product name → product id."""
    return dict(ctx.tx.all("SELECT name, product_id FROM products ORDER BY name"))


@tool(StockQuery)
def get_stock(ctx: Context, args: StockQuery) -> dict:
    """Units in stock per variant, for one product (product_id) or one item (item_id)."""
    if args.item_id is not None:
        product_id = variant_row(ctx.tx, args.item_id)[0]
        where, key = "item_id = ?", args.item_id
    else:
        product_id, where, key = args.product_id, "product_id = ?", args.product_id
    name = product_row(ctx.tx, product_id)
    rows = ctx.tx.all(f"SELECT item_id, options, stock FROM variants WHERE {where} ORDER BY position", key)
    return {"product_id": product_id, "name": name,
            "variants": [{"item_id": i, "options": json.loads(o), "in_stock": s, "available": s > 0}
                         for i, o, s in rows]}
