"""The catalogue reader: whether a shopper's message asks about what the shop sells, learned from shoppers' own words.

The intent model reads "你们的无线耳机防水吗？…之前那副就是进汗坏掉的" as a complaint and "It's for my husband, he's an XL.
Full zip." as an exchange: words of an order request inside a question about the catalogue. This reader is a
logistic regression over e5 vectors of messages labelled catalogue (product_info, recommend, price_promo) or not:
every turn of the read blind product batches (data/blind/products/working*), the first turn of each read blind
conversation (data/blind/conversations/working*, by its capability) and the labelled shoppers' voices
(data/nlu/train_voices_*.jsonl, by intent). agent/dialogue/meant.py applies it with numpy where the model read an
order request or a complaint and nothing in the conversation or the words says an order is meant.

    python scripts/catalogue_reader.py            # writes data/shop/catalogue_reader.npz (test or train extras)
    python scripts/catalogue_reader.py --check    # leave each source batch out in turn: how often it is right

The bar (catalogue_search.CATALOGUE_SURE) and C were chosen with --check; the blind held-out NLU set
(data/blind/nlu/final.jsonl) is never read here.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent import catalogue_search  # noqa: E402

CATALOGUE = {"product_info", "recommend", "price_promo"}
C = 10.0


def examples() -> list[dict]:
    """Messages, whether each asks of the catalogue, and the batch it comes from."""
    found = []
    blind = ROOT / "data" / "blind"
    for batch in sorted((blind / "products").glob("working*")):
        for path in sorted(batch.glob("*.yaml")):
            for c in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
                found += [{"text": t["say"], "catalogue": True, "from": f"products/{batch.name}"} for t in c["turns"]]
    for batch in sorted((blind / "conversations").glob("working*")):
        for path in sorted(batch.glob("*.yaml")):
            for c in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
                found.append({"text": c["turns"][0]["say"], "catalogue": c.get("capability") in CATALOGUE,
                              "from": f"conversations/{batch.name}"})
    for path in sorted((ROOT / "data" / "nlu").glob("train_voices_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            found.append({"text": row["text"], "catalogue": row["intent"] in CATALOGUE, "from": f"nlu/{path.stem}",
                          "intent": row["intent"]})
    return found


def fingerprint(rows: list[dict]) -> str:
    """What the reader was trained on, in a few characters: a batch read or changed since changes it."""
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def vectors(texts: list[str]) -> np.ndarray:
    """The texts' e5 vectors, normalised; those encoded before are kept under VECTORS_DIR by text, so a batch
    read since costs only its own messages (all 16,000 take about 8 minutes of one core)."""
    from fastmodels.encoder import shared_encoder

    encoder = shared_encoder()
    path = catalogue_search.VECTORS_DIR / f"catalogue-reader-{encoder.name}.npz"
    kept = {}
    if path.exists():
        data = np.load(path)
        kept = dict(zip(map(str, data["keys"]), data["vectors"]))
    keys = [hashlib.sha256(t.encode()).hexdigest()[:24] for t in texts]
    if missing := sorted({k: t for k, t in zip(keys, texts) if k not in kept}.items()):
        kept.update(zip((k for k, _ in missing), encoder.encode([t for _, t in missing])))
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, keys=np.array(list(kept)), vectors=np.array(list(kept.values()), dtype=np.float32))
    found = np.array([kept[k] for k in keys], dtype=np.float32)
    return found / np.linalg.norm(found, axis=1, keepdims=True)


def fit(x: np.ndarray, y: np.ndarray):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(x, y)


def check(rows: list[dict], x: np.ndarray) -> None:
    """Each source batch left out in turn: catalogue messages read as such (recall), and the others read as
    catalogue (false alarms), at a few bars; then the same on the blind working NLU set with every batch in."""
    y = np.array([r["catalogue"] for r in rows])
    batches = np.array([r["from"] for r in rows])
    p = np.zeros(len(rows))
    for batch in sorted(set(batches)):
        out = batches == batch
        p[out] = fit(x[~out], y[~out]).predict_proba(x[out])[:, 1]
    products = np.array([b.startswith("products/") for b in batches])
    for bar in (0.5, 0.7, 0.8, 0.9, 0.95):
        said = p >= bar
        print(f"bar {bar:.2f}: product turns read as catalogue {said[products].mean():.3f}; catalogue first turns and "
              f"voices {said[y & ~products].mean():.3f}; others read as catalogue {said[~y].mean():.4f} "
              f"({int(said[~y].sum())} of {int((~y).sum())})")
    model = fit(x, y)
    working = [json.loads(line) for line in (ROOT / "data/blind/nlu/working.jsonl").read_text().splitlines()]
    pw = model.predict_proba(vectors([w["text"] for w in working]))[:, 1]
    yw = np.array([w["intent"] in CATALOGUE for w in working])
    for bar in (0.8, 0.9, 0.95):
        print(f"blind NLU working set, bar {bar:.2f}: catalogue {np.mean(pw[yw] >= bar):.3f}; "
              f"others read as catalogue {np.mean(pw[~yw] >= bar):.4f} ({int((pw[~yw] >= bar).sum())} of {int((~yw).sum())})")
        for w, q in zip(working, pw):
            if q >= bar and w["intent"] not in CATALOGUE and bar == 0.9:
                print(f"   {q:.2f} {w['intent']}: {w['text'][:90]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="leave each source batch out in turn; write nothing")
    args = parser.parse_args()
    rows = examples()
    x = vectors([r["text"] for r in rows])
    if args.check:
        return check(rows, x)
    model = fit(x, np.array([r["catalogue"] for r in rows]))
    np.savez_compressed(catalogue_search.CATALOGUE_READER, coef=model.coef_[0].astype(np.float32),
                        intercept=model.intercept_.astype(np.float32), examples=np.array(fingerprint(rows)))
    print(f"{len(rows)} messages ({sum(r['catalogue'] for r in rows)} of the catalogue) -> "
          f"{catalogue_search.CATALOGUE_READER.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
