"""Honest confidence: temperatures fitted on messages written apart from the training data (the blind
working batch, data/blind/nlu/working.jsonl), not on the dev split, which looks like training; and the
coverage / accuracy / confident-and-wrong curve over the confidence bar, to choose the bar from.

    python -m fastmodels calibrate [FILE] [--model DIR] [--write]
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from fastmodels.corpus import read_jsonl
from fastmodels.nlu import SecondOpinion
from fastmodels.student import fit_temperature

BARS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def calibrate(model_dir: Path, rows: list[dict], write: bool = False, log=print) -> dict:
    """Refits the student's and the teacher's temperatures on `rows` (the logits are recovered from the
    calibrated probabilities: T · log p, up to a constant per message) and prints the service's curve."""
    from fastmodels import load_nlu
    meta_path = model_dir / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    intents = meta["intents"]
    texts, gold = [r["text"] for r in rows], np.array([intents.index(r["intent"]) for r in rows])
    student = load_nlu(model_dir, threads=1)
    probs = np.array([[u.scores[i] for i in intents] for u in student.predict(texts)])
    t_student = fit_temperature(meta["temperature"] * np.log(np.clip(probs, 1e-12, 1)), gold)
    t_probs = SecondOpinion(model_dir, meta.get("teacher_temperature", 1.0)).probabilities(texts)
    t_teacher = fit_temperature(meta.get("teacher_temperature", 1.0) * np.log(np.clip(t_probs, 1e-12, 1)), gold)
    log(f"temperatures: student {meta['temperature']:.2f} → {t_student:.2f}, "
        f"teacher {meta.get('teacher_temperature', 1.0):.2f} → {t_teacher:.2f} ({len(rows)} messages)")
    if write:
        meta.update(temperature=t_student, teacher_temperature=t_teacher, calibrated_on=f"{len(rows)} blind messages")
        meta_path.write_text(json.dumps(meta, indent=1), encoding="utf-8")
    curve = service_curve(model_dir, rows, log)
    return {"student": t_student, "teacher": t_teacher, "curve": curve}


def service_curve(model_dir: Path, rows: list[dict], log=print) -> list[dict]:
    """What the service runs (teacher asked below 0.6): for each bar, the share of messages at or above it
    (closed by a flow), their accuracy, and the share of all messages confident and wrong."""
    from fastmodels import load_nlu
    out = load_nlu(model_dir, threads=1, second_opinion_below=0.6).predict([r["text"] for r in rows])
    right = np.array([u.intent == r["intent"] for u, r in zip(out, rows)])
    conf = np.array([u.confidence for u in out])
    curve = []
    log("| bar | coverage | accuracy above the bar | confident and wrong (of all) |")
    log("|---|---|---|---|")
    for bar in BARS:
        above = conf >= bar
        row = {"bar": bar, "coverage": above.mean(), "accuracy": right[above].mean() if above.any() else 1.0,
               "confident_wrong": (above & ~right).mean()}
        curve.append(row)
        log(f"| {bar:.1f} | {row['coverage']:.1%} | {row['accuracy']:.1%} | {row['confident_wrong']:.1%} |")
    log(f"overall accuracy {right.mean():.3f}")
    return curve


def main(path: Path, model_dir: Path, write: bool) -> None:
    calibrate(model_dir, read_jsonl(path), write)
