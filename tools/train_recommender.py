"""Train the two-tower recommender on the store's purchase histories; report recall@10 against popularity.

    python -m tools.train_recommender [--db sqlite:///var/shop.db] [--out data/shop/two_tower.npz]

Evaluation: each shopper's last order (≥ 2 orders) is held out; the model is trained on every other order
and ranks all products from the shopper's earlier purchases; recall@10 = held-out products found in the top
10. The shipped weights are then trained on all orders. numpy only, a few seconds on one core.
The report also says whether the purchases carry any taste signal (taste_signal): τ²-bench's do not.
"""
from __future__ import annotations

import argparse
import json
import math
from collections import Counter
from pathlib import Path

import numpy as np

from tools.recommend import WEIGHTS, TwoTower

Histories = dict[str, list[list[str]]]  # user → their orders (in order), each a list of product ids


def purchase_histories(export: dict) -> Histories:
    """Products of every order that was not cancelled, per shopper, in the shopper's order sequence."""
    orders = export["orders"]
    return {uid: [[i["product_id"] for i in orders[o]["items"]] for o in user["orders"]
                  if orders[o]["status"] != "cancelled"] for uid, user in export["users"].items()}


def item_features(export: dict, product_ids: list[str]) -> np.ndarray:
    """Catalogue side of the item tower: log mean price, number of options, share of options available."""
    rows = []
    for pid in product_ids:
        variants = export["products"][pid]["variants"].values()
        rows.append([math.log(np.mean([v["price"] for v in variants])), len(variants),
                     np.mean([v["available"] for v in variants])])
    feats = np.array(rows)
    return (feats - feats.mean(0)) / (feats.std(0) + 1e-9)


def split_last_order(histories: Histories):
    """(training histories, tests as (history products, held-out product set))."""
    train, tests = {}, []
    for uid, orders in histories.items():
        if len(orders) >= 2:
            train[uid] = orders[:-1]
            tests.append(([p for o in orders[:-1] for p in o], set(orders[-1])))
        else:
            train[uid] = orders
    return train, tests


def _examples(histories: Histories, index: dict[str, int], rng: np.random.Generator):
    """One example per purchased product: the shopper's other orders as history, and half the time another
    product of the same order as the context the shopper is looking at."""
    hist, ctx, target = [], [], []
    for orders in histories.values():
        for k, order in enumerate(orders):
            others = [index[p] for j, o in enumerate(orders) if j != k for p in o]
            for n, p in enumerate(order):
                rest = order[:n] + order[n + 1:]
                hist.append(others)
                ctx.append(index[rest[rng.integers(len(rest))]] if rest and rng.random() < 0.5 else -1)
                target.append(index[p])
    P = len(index)
    Xh, Xc = np.zeros((len(target), P)), np.zeros((len(target), P))
    for row, (h, c) in enumerate(zip(hist, ctx)):
        if h:
            np.add.at(Xh[row], h, 1.0 / len(h))
        if c >= 0:
            Xc[row, c] = 1.0
    return Xh, Xc, np.array(target)


def fit(product_ids: list[str], features: np.ndarray, histories: Histories, dim: int = 16, epochs: int = 300,
        lr: float = 0.03, l2: float = 1e-3, seed: int = 0) -> TwoTower:
    """Full-softmax training with Adam; the towers are linear, so the gradients are written out by hand."""
    rng = np.random.default_rng(seed)
    index = {p: i for i, p in enumerate(product_ids)}
    Xh, Xc, y = _examples(histories, index, rng)
    P, k, n = len(product_ids), features.shape[1], len(y)
    params = {"history": rng.normal(0, 0.1, (P, dim)), "context": rng.normal(0, 0.1, (P, dim)),
              "item_id": rng.normal(0, 0.1, (P, dim)), "projection": rng.normal(0, 0.1, (k, dim)),
              "bias": np.log(np.bincount(y, minlength=P) + 1.0)}
    moments = {name: (np.zeros_like(v), np.zeros_like(v)) for name, v in params.items()}
    onehot = np.eye(P)[y]
    for step in range(1, epochs + 1):
        U = Xh @ params["history"] + Xc @ params["context"]
        V = params["item_id"] + features @ params["projection"]
        logits = U @ V.T + params["bias"]
        probs = np.exp(logits - logits.max(1, keepdims=True))
        probs /= probs.sum(1, keepdims=True)
        G = (probs - onehot) / n
        dV, dU = G.T @ U, G @ V
        grads = {"history": Xh.T @ dU, "context": Xc.T @ dU, "item_id": dV, "projection": features.T @ dV,
                 "bias": G.sum(0)}
        for name, grad in grads.items():
            if name != "bias":
                grad = grad + l2 * params[name]
            m, v = moments[name]
            m[:] = 0.9 * m + 0.1 * grad
            v[:] = 0.999 * v + 0.001 * grad ** 2
            params[name] -= lr * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    return TwoTower(list(product_ids), params["history"], params["context"], params["item_id"], features,
                    params["projection"], params["bias"])


def recall_at_k(rank, tests, k: int = 10) -> float:
    """Share of held-out products found in the top k of `rank(history)`."""
    found = sum(len(set(rank(history)[:k]) & held) for history, held in tests)
    return found / sum(len(held) for _, held in tests)


def popularity_ranking(histories: Histories) -> list[str]:
    return [p for p, _ in Counter(p for orders in histories.values() for o in orders for p in o).most_common()]


def cooccurrence_recall(histories: Histories, product_ids: list[str]) -> float:
    """recall@10 of ranking products by how often they were bought by the same shoppers as the history's
    (a model-free check of whether the purchases carry any taste signal at all)."""
    train, tests = split_last_order(histories)
    together, bought = Counter(), Counter()
    for orders in train.values():
        mine = {p for o in orders for p in o}
        bought.update(mine)
        together.update((a, b) for a in mine for b in mine if a != b)

    def rank(history):
        mine = set(history)
        return sorted(product_ids, key=lambda p: (-sum(together[h, p] for h in mine) / math.sqrt(1 + bought[p]),
                                                 -bought[p]))
    return recall_at_k(rank, tests)


def shuffled(histories: Histories, seed: int) -> Histories:
    """The same orders and order sizes, with the purchased products dealt out among shoppers at random."""
    products = [p for orders in histories.values() for o in orders for p in o]
    np.random.default_rng(seed).shuffle(products)
    deal = iter(products)
    return {uid: [[next(deal) for _ in o] for o in orders] for uid, orders in histories.items()}


def taste_signal(histories: Histories, product_ids: list[str], shuffles: int = 5) -> dict:
    """Co-occurrence recall on the real purchases against the same purchases shuffled across shoppers:
    if the real one lies within the shuffles' range, the purchases say nothing about a shopper's tastes."""
    noise = [cooccurrence_recall(shuffled(histories, seed), product_ids) for seed in range(shuffles)]
    return {"cooccurrence_recall_at_10": round(cooccurrence_recall(histories, product_ids), 4),
            "shuffled_range": [round(min(noise), 4), round(max(noise), 4)]}


def evaluate(product_ids, features, histories: Histories, **fit_args) -> dict:
    train, tests = split_last_order(histories)
    model = fit(product_ids, features, train, **fit_args)
    popular = popularity_ranking(train)
    popular += [p for p in product_ids if p not in popular]
    model_recall = recall_at_k(lambda h: [model.product_ids[i] for i in np.argsort(-model.scores(h))], tests)
    popular_recall = recall_at_k(lambda h: popular, tests)
    return {"shoppers_held_out": len(tests), "held_out_products": sum(len(h) for _, h in tests),
            "recall_at_10_two_tower": round(model_recall, 4), "recall_at_10_popularity": round(popular_recall, 4),
            "ratio": round(model_recall / popular_recall, 3)}


def main(argv: list[str] | None = None) -> dict:
    from agent.settings import get_settings
    from tools import open_shop

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=get_settings().shop_db_url, help="shop database (seeded from τ²-bench if new)")
    parser.add_argument("--out", default=str(WEIGHTS))
    opts = parser.parse_args(argv)
    shop = open_shop(opts.db)
    export = shop.export()
    shop.close()
    product_ids = list(export["products"])
    features = item_features(export, product_ids)
    histories = purchase_histories(export)
    report = evaluate(product_ids, features, histories)
    report["taste_signal"] = taste_signal(histories, product_ids)
    fit(product_ids, features, histories).save(Path(opts.out))
    report["weights"] = Path(opts.out).name
    Path(opts.out).with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
