"""Scores shared by the CLI, bench/ and tests: intent accuracy, macro-F1, order-id slot F1."""
from __future__ import annotations

from pathlib import Path

from fastmodels.corpus import read_jsonl
from fastmodels.text import INTENTS


def macro_f1(gold: list[str], pred: list[str]) -> float:
    scores = []
    for intent in INTENTS:
        tp = sum(g == p == intent for g, p in zip(gold, pred))
        fp = sum(p == intent != g for g, p in zip(gold, pred))
        fn = sum(g == intent != p for g, p in zip(gold, pred))
        if tp + fp + fn:
            scores.append(2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores)


def order_id_f1(gold: list[dict], pred: list[dict]) -> float:
    """Exact match of the normalised order id, counted per message."""
    tp = sum(1 for g, p in zip(gold, pred) if "order_id" in g and p.get("order_id") == g["order_id"])
    n_pred = sum(1 for p in pred if "order_id" in p)
    n_gold = sum(1 for g in gold if "order_id" in g)
    return 2 * tp / (n_pred + n_gold) if n_pred + n_gold else 1.0


def evaluate(predict, path: Path) -> dict:
    """predict: texts → objects with .intent and .slots (the NLU API)."""
    rows = read_jsonl(Path(path))
    out = predict([r["text"] for r in rows])
    gold, pred = [r["intent"] for r in rows], [u.intent for u in out]
    return {"messages": len(rows), "accuracy": round(sum(g == p for g, p in zip(gold, pred)) / len(rows), 4),
            "macro_f1": round(macro_f1(gold, pred), 4),
            "order_id_f1": round(order_id_f1([r["slots"] for r in rows], [u.slots for u in out]), 4)}
