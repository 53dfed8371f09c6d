"""Latency of every commerce tool on SQLite and PostgreSQL: one command, one table.

    python bench/bench_tools.py [--backends sqlite,postgres] [--reads 300] [--writes 80]

Each backend gets a fresh store seeded from τ²-bench (a temp SQLite file; a temp PostgreSQL database made
with BENCH_POSTGRES_ADMIN_URL, default postgresql://postgres@127.0.0.1:5432/postgres, dropped afterwards).
Calls run one after another as a shopper; every mutation hits a different order. Goals: read p99 ≤ 5 ms,
mutating p99 ≤ 20 ms.
"""
from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import services  # noqa: E402  (the same real-service starters the tests use)
from tools import open_shop  # noqa: E402
from tools.registry import TOOLS  # noqa: E402

READ_GOAL_MS, WRITE_GOAL_MS = 5.0, 20.0
ADDRESS = {"address1": "1 Market St", "address2": "", "city": "San Francisco", "state": "CA", "country": "USA",
           "zip": "94105"}


@contextmanager
def store_url(backend: str):
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/shop.db"
        return
    with services.postgres_database() as url:  # a fresh database, dropped afterwards
        yield url


def read_calls(db: dict):
    """(tool, args, shopper) cycling over real shoppers, orders and products."""
    orders = list(db["orders"].values())
    users = list(db["users"].values())
    products = list(db["products"].values())
    items = [v for p in products for v in p["variants"].values()]
    for n in itertools.count():
        order, user, product = orders[n % len(orders)], users[n % len(users)], products[n % len(products)]
        uid = order["user_id"]
        yield from [
            ("get_order_details", {"order_id": order["order_id"][1:]}, uid),
            ("get_user_details", {"user_id": uid}, uid),
            ("find_user_id_by_email", {"email": user["email"]}, None),
            ("find_user_id_by_name_zip", {"first_name": user["name"]["first_name"],
                                          "last_name": user["name"]["last_name"], "zip": user["address"]["zip"]}, None),
            ("get_product_details", {"product_id": product["product_id"]}, uid),
            ("get_item_details", {"item_id": items[n % len(items)]["item_id"]}, uid),
            ("list_all_product_types", {}, uid),
            ("get_stock", {"product_id": product["product_id"]}, uid),
            ("track_order", {"order_id": order["order_id"]}, uid),
            ("list_promotions", {"product_id": product["product_id"]}, uid),
            ("recommend_products", {"limit": 5}, uid),
            ("calculate", {"expression": f"{n}.25 + 17.80 - 3.05"}, None),
        ]


def write_calls(db: dict, per_tool: int):
    """Mutations, each on its own order (or shopper), chosen so the policy allows them."""
    orders = list(db["orders"].values())
    pending = [o for o in orders if o["status"] == "pending"]
    delivered = [o for o in orders if o["status"] == "delivered"]

    def method(o):
        return db["users"][o["user_id"]]["payment_methods"][o["payment_history"][0]["payment_method_id"]]

    def swap(o):
        for item in o["items"]:
            for v in db["products"][item["product_id"]]["variants"].values():
                if v["available"] and v["item_id"] != item["item_id"]:
                    return item["item_id"], v["item_id"]

    def other_method(o):
        return next((m["id"] for m in db["users"][o["user_id"]]["payment_methods"].values()
                     if m["source"] != "gift_card" and m["id"] != method(o)["id"]), None)

    not_gift = [o for o in pending if method(o)["source"] != "gift_card"]
    payable = [o for o in not_gift if other_method(o)][:per_tool]
    used = {o["order_id"] for o in payable}
    rest = [o for o in not_gift if o["order_id"] not in used]
    calls = {
        "modify_pending_order_payment": [(o, {"payment_method_id": other_method(o)}) for o in payable],
        "cancel_pending_order": [(o, {"reason": "no longer needed"}) for o in rest[:per_tool]],
        "modify_pending_order_address": [(o, ADDRESS) for o in rest[per_tool:2 * per_tool]],
        "modify_pending_order_items": [(o, {"item_ids": [swap(o)[0]], "new_item_ids": [swap(o)[1]],
                                            "payment_method_id": method(o)["id"]})
                                       for o in rest[2 * per_tool:] if swap(o)][:per_tool],
        "return_delivered_order_items": [(o, {"item_ids": [o["items"][0]["item_id"]],
                                              "payment_method_id": method(o)["id"]}) for o in delivered[:per_tool]],
        "exchange_delivered_order_items": [(o, {"item_ids": [swap(o)[0]], "new_item_ids": [swap(o)[1]],
                                                "payment_method_id": method(o)["id"]})
                                           for o in delivered[per_tool:]
                                           if swap(o) and method(o)["source"] != "gift_card"][:per_tool],
    }
    for name, targets in calls.items():
        for order, args in targets:
            yield name, {"order_id": order["order_id"], **args}, order["user_id"]
    for user in list(db["users"].values())[:per_tool]:
        yield "modify_user_address", {"user_id": user["user_id"], **ADDRESS}, user["user_id"]


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def bench(backend: str, reads: int, writes: int) -> list[tuple]:
    with store_url(backend) as url:
        started = time.perf_counter()
        shop = open_shop(url)
        seed_s = time.perf_counter() - started
        db = shop.export()
        timings: dict[str, list[float]] = {}
        calls = read_calls(db)
        for name, args, shopper in itertools.islice(calls, 24):  # warm connections and caches
            shop.call(name, args, as_shopper=shopper)
        for name, args, shopper in itertools.islice(calls, reads * 12):
            t = time.perf_counter()
            shop.call(name, args, as_shopper=shopper)
            timings.setdefault(name, []).append((time.perf_counter() - t) * 1000)
        replays = []
        for n, (name, args, shopper) in enumerate(write_calls(db, writes)):
            t = time.perf_counter()
            shop.call(name, args, as_shopper=shopper, idempotency_key=f"bench-{n}")
            timings.setdefault(name, []).append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            shop.call(name, args, as_shopper=shopper, idempotency_key=f"bench-{n}")
            replays.append((time.perf_counter() - t) * 1000)
        timings["(replay of a mutation)"] = replays
        shop.close()
    rows = []
    for name, samples in timings.items():
        mutating = name.startswith("(") or TOOLS[name].mutating
        goal = WRITE_GOAL_MS if mutating else READ_GOAL_MS
        p99 = percentile(samples, 0.99)
        rows.append((backend, name, "write" if mutating else "read", len(samples), percentile(samples, 0.5), p99,
                     goal, "ok" if p99 <= goal else "MISS"))
    rows.append((backend, "(seed 500 shoppers, 1000 orders)", "-", 1, seed_s * 1000, seed_s * 1000, None, "-"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description="Latency of the commerce tools per backend.")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--reads", type=int, default=300, help="calls per read tool")
    parser.add_argument("--writes", type=int, default=80, help="calls per mutating tool")
    opts = parser.parse_args()
    rows = [row for backend in opts.backends.split(",") for row in bench(backend, opts.reads, opts.writes)]
    print(f"{'backend':<9}{'tool':<36}{'kind':<7}{'n':>6}{'p50 ms':>9}{'p99 ms':>9}{'goal':>7}  result")
    for backend, name, kind, n, p50, p99, goal, verdict in rows:
        goal_text = f"{goal:.0f}" if goal else "-"
        print(f"{backend:<9}{name:<36}{kind:<7}{n:>6}{p50:>9.2f}{p99:>9.2f}{goal_text:>7}  {verdict}")
    return 0 if all(r[-1] != "MISS" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
