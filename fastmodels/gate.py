"""The eval gate of the weekly retrain: a candidate model ships only if it is at least as good as the
shipped one on the blind held-out set (data/blind/nlu/final.jsonl, written apart from the project) and
on the conversation suite played through the real service; the comparison is printed either way.

    python -m fastmodels retrain --with-feedback [var/feedback.jsonl]
"""
from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

from fastmodels.corpus import read_jsonl
from fastmodels.text import DATA_DIR, INTENTS

BLIND = DATA_DIR.parent / "blind" / "nlu" / "final.jsonl"
RESULTS = DATA_DIR.parent / "blind" / "nlu" / "RESULTS.md"
SERVICE_BAR = 0.6  # the service asks the teacher below this student confidence (NLU_SECOND_OPINION_BELOW)
MODEL_FILES = ("student.int8.onnx", "student.fp32.onnx", "vocab.json", "meta.json", "teacher_head.npz")


def feedback_rows(path: Path) -> list[dict]:
    """Turns an operator corrected, as labelled messages (their text is masked as the session kept it)."""
    if not path.exists():
        return []
    rows = []
    for record in read_jsonl(path):
        if record.get("corrected_intent") in INTENTS and record.get("text"):
            rows.append({"text": record["text"], "intent": record["corrected_intent"], "lang": "mix", "spans": [],
                         "slots": {}, "frustration": 0.1, "source": "feedback"})
    return rows


def blind_accuracy(model_dir: Path) -> float:
    """What the service runs (the INT8 student, the teacher asked below the bar) on the blind set."""
    from fastmodels import load_nlu
    rows = read_jsonl(BLIND)
    nlu = load_nlu(model_dir, threads=1, second_opinion_below=SERVICE_BAR)
    return sum(u.intent == r["intent"] for u, r in zip(nlu.predict([r["text"] for r in rows]), rows)) / len(rows)


def suite_success(model_dir: Path, sample: int | None = None) -> float:
    """The conversation suite through the real service on this model: the share of conversations right."""
    from bench.bench_conversations import load_suite, run_suite, running_service
    conversations = [c for c in load_suite() if c["capability"] != "llm_open_question"]
    conversations = conversations[::max(1, len(conversations) // sample)][:sample] if sample else conversations
    with tempfile.TemporaryDirectory(prefix="gate-") as tmp, \
            running_service("embedded", None, f"{tmp}/shop.db", {"NLU_MODEL_DIR": str(model_dir)}) as url:
        outcomes = run_suite(url, f"{tmp}/shop.db", conversations)
    return sum(o.ok for o in outcomes) / len(outcomes)


def gate(candidate: Path, shipped: Path, sample: int | None = None, record: bool = False, log=print) -> bool:
    """Compares, prints, and copies the candidate over the shipped model only if it is no worse on both."""
    scores = {name: (blind_accuracy(path), suite_success(path, sample)) for name, path in
              (("shipped", shipped), ("candidate", candidate))}
    ships = all(c >= s for c, s in zip(scores["candidate"], scores["shipped"]))
    log(f"| model | blind held-out acc ({BLIND.name}) | conversation suite success{' (sample)' if sample else ''} |")
    log("|---|---|---|")
    for name, (acc, success) in scores.items():
        log(f"| {name} | {acc:.3f} | {success:.1%} |")
    log("gate: the candidate ships" if ships else "gate: refused, the candidate scores lower; the shipped model stays")
    if record:
        meta = json.loads((candidate / "meta.json").read_text())
        with RESULTS.open("a", encoding="utf-8") as f:
            f.write(f"| {time.strftime('%Y-%m-%d')} | retrain ({meta.get('train_messages')} labelled, "
                    f"{meta.get('feedback_messages', 0)} from feedback) | {scores['candidate'][0]:.3f} "
                    f"| {scores['shipped'][0]:.3f} | {'shipped' if ships else 'refused'} |\n")
    if ships:
        for name in MODEL_FILES:
            shutil.copy2(candidate / name, shipped / name)
    return ships
