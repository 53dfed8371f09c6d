"""The commerce store on both real backends (SQLite file, PostgreSQL), and the fixtures the other test_tools*
modules import: `shop` is a freshly seeded shop on each backend."""
from __future__ import annotations

import itertools
import json

import psycopg
import pytest

from tools import open_shop
from tools.registry import TOOLS
from tools.seed import tau2_file

_schemas = itertools.count()
TAU2_TOOLS = {"find_user_id_by_email", "find_user_id_by_name_zip", "get_user_details", "get_order_details",
              "get_product_details", "get_item_details", "list_all_product_types", "cancel_pending_order",
              "modify_pending_order_address", "modify_pending_order_items", "modify_pending_order_payment",
              "modify_user_address", "return_delivered_order_items", "exchange_delivered_order_items",
              "transfer_to_human_agents", "calculate"}


@pytest.fixture(params=["sqlite", "postgres"])
def shop_url(request, tmp_path):
    """A URL of an empty store: a new SQLite file, or a new schema in the session's PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shop.db'}"
        return
    base = request.getfixturevalue("postgres_url")
    schema = f"shop_{next(_schemas)}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield f"{base}?options=-csearch_path%3D{schema}"


@pytest.fixture
def make_shop(shop_url):
    opened = []

    def make(seed="tau2"):
        shop = open_shop(shop_url, seed=seed)
        opened.append(shop)
        return shop
    yield make
    for shop in opened:
        shop.close()


@pytest.fixture
def shop(make_shop):
    return make_shop()


def test_seed_matches_tau2_and_exports_its_schema(shop):
    assert shop.export() == json.loads(tau2_file("db.json"))


def test_reopening_does_not_reseed(shop, make_shop):
    shop.call("modify_user_address", {"user_id": "yusuf_rossi_9620", "address1": "1 New St", "address2": "",
                                      "city": "Austin", "state": "TX", "country": "USA", "zip": "73301"},
              idempotency_key="r1")
    again = make_shop()
    assert again.export()["users"]["yusuf_rossi_9620"]["address"]["zip"] == "73301"
    assert len(again.export()["orders"]) == 1000


def test_seed_from_a_db_json_path(make_shop, tmp_path):
    db = json.loads(tau2_file("db.json"))
    keep = "yusuf_rossi_9620"
    small = {"products": db["products"], "users": {keep: db["users"][keep]},
             "orders": {o: db["orders"][o] for o in db["users"][keep]["orders"]}}
    path = tmp_path / "small.json"
    path.write_text(json.dumps(small))
    shop = make_shop(seed=str(path))
    assert shop.export() == small


def test_unseeded_store_has_empty_tables(make_shop):
    assert make_shop(seed=None).export() == {"products": {}, "users": {}, "orders": {}}


def test_tool_schemas_are_openai_functions_from_the_args_models(shop):
    schemas = {s["function"]["name"]: s for s in shop.tool_schemas()}
    assert TAU2_TOOLS | {"track_order", "list_promotions", "get_stock", "recommend_products"} <= set(schemas)
    for name, schema in schemas.items():
        assert schema["type"] == "function"
        params = schema["function"]["parameters"]
        assert params["type"] == "object" and params["additionalProperties"] is False
        assert schema["function"]["description"]
        assert set(params["required"]) <= set(params["properties"])
        assert set(params["properties"]) == set(TOOLS[name].args.model_fields)
    cancel = schemas["cancel_pending_order"]["function"]["parameters"]
    assert cancel["required"] == ["order_id", "reason"]
    assert cancel["properties"]["reason"]["enum"] == ["no longer needed", "ordered by mistake"]
    swap = schemas["exchange_delivered_order_items"]["function"]["parameters"]["properties"]
    assert swap["item_ids"]["type"] == "array" and swap["item_ids"]["items"]["type"] == "string"
