"""The need reader: which products a shopper's need is for, learned from needs in shoppers' own words.

Writes data/shop/need_examples.yaml, the needs and the products they were answered with, from the blind product
batches already read (data/blind/products/working*: the first message of each conversation that asks for a
suggestion, and the catalogue products its writer expected in the reply), and data/shop/need_reader.npz, a
logistic regression over e5 vectors of those needs and of each product's own words (name, aliases, uses), which
agent/catalogue_search.py applies with numpy. A need said in words no product's uses name ("cook outdoors when
the grandchildren come") still finds the product. Unread batches (final-*) are never read here: they measure it.

    python scripts/need_reader.py            # needs the test or train extras (scikit-learn)
    python scripts/need_reader.py --check    # leave each read batch out in turn: how often the reader is right

The weight of regularisation (C) and the share of the likeliest product's probability a product needs to be
shown (catalogue_search.SURE) were chosen with --check.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent import catalogue_search  # noqa: E402
from agent.catalogue_words import USES  # noqa: E402

OUT = catalogue_search.NEEDS
C = 100.0


def examples() -> list[dict]:
    names = set(yaml.safe_load(USES.read_text(encoding="utf-8")))
    found = []
    for batch in sorted((ROOT / "data" / "blind" / "products").glob("working*"), key=lambda p: (len(p.name), p.name)):
        for path in sorted(batch.glob("*.yaml")):
            for c in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
                turn = c["turns"][0]
                said = [m for item in turn.get("mentions", []) for m in (item if isinstance(item, list) else [item])]
                refused = set(turn.get("not_mentions", []))
                products = list(dict.fromkeys(m for m in said if m in names and m not in refused))
                if c.get("capability") in ("recommend", "need") and products:  # (some writers name the kind)
                    found.append({"text": turn["say"], "products": products, "from": f"{batch.name}/{c['id']}"})
    return found


def fit(needs: list[dict], vectors: np.ndarray, names: list[str], own: np.ndarray):
    """One example per product a need was answered with (weighted 1/n among n), and each product's own words."""
    from sklearn.linear_model import LogisticRegression

    where = {n: i for i, n in enumerate(names)}
    x, y, w = [], [], []
    for need, vector in zip(needs, vectors):
        answered = [where[p] for p in need["products"] if p in where]
        for i in answered:
            x.append(vector), y.append(i), w.append(1 / len(answered))
    x, y, w = np.vstack([*x, *own]), np.array([*y, *range(len(names))]), np.array([*w, *[1.0] * len(names)])
    return LogisticRegression(C=C, max_iter=3000).fit(x, y, sample_weight=w)


def check(needs: list[dict], vectors: np.ndarray, names: list[str], own: np.ndarray) -> None:
    """Each read batch left out in turn: the products the reader would show for its needs (three at most) beside
    those whose use words they name, the most named first (the rule before it)."""
    batches = [n["from"].split("/")[0] for n in needs]
    first, expected, shown_n = {"reader": [], "use words": []}, {"reader": [], "use words": []}, []
    for batch in sorted(set(batches)):
        train = [i for i, b in enumerate(batches) if b != batch]
        model = fit([needs[i] for i in train], vectors[train], names, own)
        for i in (i for i, b in enumerate(batches) if b == batch):
            text, wanted = needs[i]["text"], needs[i]["products"]
            what = {n: c for n in names if (c := catalogue_search.uses_named(text, n, people=False))}
            shown = catalogue_search.likeliest(names, model.predict_log_proba(vectors[i:i + 1])[0],
                                               {} if catalogue_search.TWO_WANTS.search(text) else what)[:3]
            by_words = sorted((n for n in names if catalogue_search.uses_named(text, n)),
                              key=lambda n: (-what.get(n, 0), -catalogue_search.uses_named(text, n)))[:3]
            shown_n.append(len(shown))
            for label, s in (("reader", shown), ("use words", by_words)):
                first[label].append(bool(s) and s[0] in wanted)
                expected[label].append(len(set(s) & set(wanted)) / len(s) if s else 0.0)
    for label in first:
        print(f"{label:10s} first shown is one the writer expected {np.mean(first[label]):.3f}; "
              f"share of those shown they expected {np.mean(expected[label]):.3f} ({len(first[label])} needs)")
    print(f"the reader shows {np.mean(shown_n):.2f} products on average")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="leave each read batch out in turn; write nothing")
    args = parser.parse_args()
    needs = examples()
    from fastmodels.encoder import shared_encoder

    names, own = catalogue_search.product_vectors()
    vectors = shared_encoder().encode([n["text"] for n in needs])
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    if args.check:
        return check(needs, vectors, names, own)
    header = ("# Shoppers' needs and the products that answer them, from the read blind product batches.\n"
              "# Written by scripts/need_reader.py; read by agent/catalogue_search.py. Do not edit by hand.\n")
    OUT.write_text(header + yaml.safe_dump(needs, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    model = fit(needs, vectors, names, own)  # (every product is a class: its own words are an example)
    np.savez_compressed(catalogue_search.READER, names=np.array(names), coef=model.coef_.astype(np.float32),
                        intercept=model.intercept_.astype(np.float32))
    print(f"{len(needs)} needs -> {OUT.relative_to(ROOT)}; reader -> {catalogue_search.READER.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
