"""Read tools on both backends: results, order-id normalisation, authorisation across shoppers, refusals."""
from __future__ import annotations

import json

import pytest

from tests.test_tools_backends import make_shop, shop, shop_url  # noqa: F401  (fixtures)
from tools import errors
from tools.promotions import RULES_FILE
from tools.seed import tau2_file

BASE = json.loads(tau2_file("db.json"))
YUSUF, ORDER = "yusuf_rossi_9620", "#W2378156"
OTHER = "ava_moore_2033"


def refused(shop, error, name, args, **kw):
    with pytest.raises(error) as info:
        shop.call(name, args, **kw)
    assert info.value.code == error.code and info.value.message
    return info.value


def test_find_user(shop):
    assert shop.call("find_user_id_by_email", {"email": "Yusuf.Rossi7301@example.com"}) == {"user_id": YUSUF}
    assert shop.call("find_user_id_by_name_zip", {"first_name": "yusuf", "last_name": "ROSSI", "zip": "19122"}) \
        == {"user_id": YUSUF}
    refused(shop, errors.UserNotFound, "find_user_id_by_email", {"email": "nobody@example.com"})
    refused(shop, errors.UserNotFound, "find_user_id_by_name_zip",
            {"first_name": "Yusuf", "last_name": "Rossi", "zip": "00000"})


def test_user_details_are_scoped_to_the_shopper(shop):
    mine = shop.call("get_user_details", {"user_id": YUSUF}, as_shopper=YUSUF)
    assert mine["orders"] == BASE["users"][YUSUF]["orders"] and mine["email"] == BASE["users"][YUSUF]["email"]
    gift = shop.call("get_user_details", {"user_id": OTHER})["payment_methods"]["gift_card_8168843"]
    assert gift == {"source": "gift_card", "id": "gift_card_8168843", "balance": "69.00"}
    refused(shop, errors.NotYourAccount, "get_user_details", {"user_id": OTHER}, as_shopper=YUSUF)
    refused(shop, errors.UserNotFound, "get_user_details", {"user_id": "no_such_user_1"})


@pytest.mark.parametrize("spelling", ["#W2378156", "W2378156", "2378156", "#w2378156", " # W2378156 ", 2378156])
def test_order_ids_are_normalised(shop, spelling):
    order = shop.call("get_order_details", {"order_id": spelling}, as_shopper=YUSUF)
    assert order["order_id"] == ORDER and order["status"] == "delivered"


def test_order_details_money_is_exact_text(shop):
    order = shop.call("get_order_details", {"order_id": ORDER}, as_shopper=YUSUF)
    assert [i["price"] for i in order["items"]] == ["342.81", "561.05", "272.33", "262.47", "381.26"]
    assert order["items_total"] == "1819.92" == order["payment_history"][0]["amount"]
    assert order["fulfillments"] == BASE["orders"][ORDER]["fulfillments"]


def test_order_details_refusals(shop):
    refused(shop, errors.NotYourOrder, "get_order_details", {"order_id": ORDER}, as_shopper=OTHER)
    refused(shop, errors.OrderNotFound, "get_order_details", {"order_id": "#W0000000"}, as_shopper=YUSUF)
    assert shop.call("get_order_details", {"order_id": ORDER})["user_id"] == YUSUF  # operator: no scope


def test_products_items_and_types(shop):
    types = shop.call("list_all_product_types", {})
    assert len(types) == 50 and types["Mechanical Keyboard"] == "1656367028"
    keyboard = shop.call("get_product_details", {"product_id": 1656367028})
    assert keyboard["name"] == "Mechanical Keyboard" and len(keyboard["variants"]) == 20
    variant = BASE["products"]["1656367028"]["variants"]["1151293680"]
    assert keyboard["variants"]["1151293680"] == {**variant, "price": "272.33"}
    item = shop.call("get_item_details", {"item_id": "1151293680"})
    assert item["product_id"] == "1656367028" and item["name"] == "Mechanical Keyboard"
    refused(shop, errors.ProductNotFound, "get_product_details", {"product_id": "1151293680"})  # an item id
    refused(shop, errors.ItemNotFound, "get_item_details", {"item_id": "1656367028"})  # a product id


def test_stock_by_variant(shop):
    stock = shop.call("get_stock", {"product_id": "1801728040"})
    variants = BASE["products"]["1801728040"]["variants"]
    assert len(stock["variants"]) == len(variants)
    for v in stock["variants"]:
        assert v["available"] == variants[v["item_id"]]["available"] == (v["in_stock"] > 0)
    one = shop.call("get_stock", {"item_id": stock["variants"][0]["item_id"]})
    assert one["variants"] == stock["variants"][:1]
    refused(shop, errors.InvalidArguments, "get_stock", {})
    refused(shop, errors.InvalidArguments, "get_stock", {"product_id": "1801728040", "item_id": "1"})
    refused(shop, errors.ItemNotFound, "get_stock", {"item_id": "123"})


def test_track_order(shop):
    tracked = shop.call("track_order", {"order_id": "W2378156"}, as_shopper=YUSUF)
    (parcel,) = tracked["parcels"]
    assert parcel["tracking_id"] == "843053632392" and parcel["state"] == "delivered"
    assert parcel["tracking_id"] in parcel["tracking_url"] and parcel["carrier"] in ("UPS", "FedEx", "USPS")
    assert [i["name"] for i in parcel["items"]][:2] == ["Headphones", "Vacuum Cleaner"]
    pending = next(o for o in BASE["orders"].values() if o["status"] == "pending")
    waiting = shop.call("track_order", {"order_id": pending["order_id"]}, as_shopper=pending["user_id"])
    assert waiting["parcels"] == [] and "Not shipped" in waiting["note"]
    refused(shop, errors.NotYourOrder, "track_order", {"order_id": ORDER}, as_shopper=OTHER)


def test_promotions(shop):
    everything = shop.call("list_promotions", {})["promotions"]
    assert len(everything) == len(json.loads(RULES_FILE.read_text())["promotions"])  # every rule resolves
    phone = shop.call("list_promotions", {"product_id": "1801728040"})["promotions"]
    assert [p["coupon"] for p in phone] == ["PHONE-POWER15"]
    assert {o["name"] for o in phone[0]["offer"]} == {"Portable Charger", "Wireless Earbuds"}
    refused(shop, errors.ProductNotFound, "list_promotions", {"product_id": "42"})


def test_calculate_is_exact(shop):
    assert shop.call("calculate", {"expression": "155.33 - 147.05 + 268.77 - 235.13"}) == {"result": "41.92"}
    assert shop.call("calculate", {"expression": "0.1 + 0.2"}) == {"result": "0.30"}
    assert shop.call("calculate", {"expression": "-(10 / 4) * 2"}) == {"result": "-5.00"}
    refused(shop, errors.InvalidExpression, "calculate", {"expression": "__import__('os')"})
    refused(shop, errors.InvalidExpression, "calculate", {"expression": "1 +"})
    refused(shop, errors.InvalidExpression, "calculate", {"expression": "1 / 0"})
    refused(shop, errors.InvalidExpression, "calculate", {"expression": "2 ** 99999"})


def test_transfer_and_call_shape(shop):
    assert shop.call("transfer_to_human_agents", {"summary": "wants a refund to another card"})["transferred"]
    refused(shop, errors.UnknownTool, "delete_all_orders", {})
    refused(shop, errors.InvalidArguments, "get_order_details", {})
    refused(shop, errors.InvalidArguments, "get_order_details", {"order_id": ORDER, "note": "extra"})


def test_every_result_is_plain_json(shop):
    calls = [("get_order_details", {"order_id": ORDER}), ("get_user_details", {"user_id": OTHER}),
             ("get_product_details", {"product_id": "1656367028"}), ("get_item_details", {"item_id": "1151293680"}),
             ("list_all_product_types", {}), ("get_stock", {"product_id": "1656367028"}),
             ("track_order", {"order_id": ORDER}), ("list_promotions", {}), ("recommend_products", {"user_id": YUSUF}),
             ("calculate", {"expression": "1 + 1"}), ("find_user_id_by_email", {"email": "yusuf.rossi7301@example.com"})]
    for name, args in calls:
        result = shop.call(name, args)
        assert isinstance(result, dict) and json.loads(json.dumps(result)) == result, name
