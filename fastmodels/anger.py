"""A second ear for anger: a linear model over hashed character and word n-grams of one message, trained on
the labelled messages' frustration (data/nlu/*.jsonl, anger written in shoppers' own words by the voices'
writers), numpy only at run time (about 0.1 ms a message). The student hears anger mostly where the corpus
put it (caps, "!!!", angry tails); this model hears the words ("third time I'm asking", "你们客服是摆设吗").
agent/frustration.py counts a message it scores at HEARD or more as plainly angry, as it does words of anger.

Train: python -m fastmodels anger (about 15 s; writes fastmodels/model/anger_head.npz).
"""
from __future__ import annotations

import json
import re
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np

DIM = 1 << 18  # hashed n-gram buckets
HEAD = Path(__file__).resolve().parent / "model" / "anger_head.npz"
HEARD = 0.85  # chosen on data/blind/nlu/working.jsonl (python -m fastmodels anger prints the curve)
_WORD = re.compile(r"\w+")


def grams(text: str) -> list[int]:
    """The buckets of a message's character 1-4-grams within each whitespace-separated run (padded with a
    space at each end, as a Chinese sentence is one run) and of its word unigrams and bigrams."""
    lowered, out = text.lower(), []
    for run in lowered.split():
        padded = f" {run} "
        out += [zlib.crc32(f"c{padded[i:i + n]}".encode()) % DIM for n in range(1, 5) for i in range(len(padded) - n + 1)]
    words = _WORD.findall(lowered)
    out += [zlib.crc32(f"w{w}".encode()) % DIM for w in words]
    out += [zlib.crc32(f"b{a} {b}".encode()) % DIM for a, b in zip(words, words[1:])]
    return out


def _vector(buckets: list[int], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(buckets, weights): sublinear term frequency × idf, unit length."""
    index, counts = np.unique(np.asarray(buckets, dtype=np.int64), return_counts=True)
    weights = (1.0 + np.log(counts)) * idf[index]
    norm = np.linalg.norm(weights)
    return index, weights / norm if norm else weights


class AngerHead:
    def __init__(self, idf: np.ndarray, coef: np.ndarray, intercept: float):
        self.idf, self.coef, self.intercept = idf.astype(np.float32), coef.astype(np.float32), float(intercept)

    @classmethod
    def load(cls, path: Path = HEAD) -> AngerHead:
        with np.load(path) as z:
            return cls(z["idf"], z["coef"], float(z["intercept"]))

    def score(self, text: str) -> float:
        """The probability the message is angry (0 for an empty one)."""
        if not (buckets := grams(text)):
            return 0.0
        index, weights = _vector(buckets, self.idf)
        return float(1.0 / (1.0 + np.exp(-(weights @ self.coef[index] + self.intercept))))


@lru_cache(maxsize=1)
def shared_head() -> AngerHead | None:
    """The shipped head, read once; None where the model folder has none (a model trained before it)."""
    return AngerHead.load() if HEAD.exists() else None


def train(files: list[Path], out: Path = HEAD, c: float = 4.0, angry: float = 0.7) -> AngerHead:
    """Logistic regression (balanced classes) on the messages labelled frustration ≥ `angry` against the rest
    (0.7: plainly angry; at 0.5 a calm complaint, "courier态度很差", was heard as anger, 0.95)."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    rows = [json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    from agent.shopper_text import canonical  # the service reads canonical text (simplified, half-width digits)

    texts = [canonical(r["text"]) for r in rows]
    labels = np.array([float(r.get("frustration", 0.0)) >= angry for r in rows])
    all_grams = [np.unique(grams(t)) for t in texts]
    df = np.zeros(DIM)
    for g in all_grams:
        df[g] += 1
    idf = (np.log((1 + len(texts)) / (1 + df)) + 1).astype(np.float32)
    vectors = [_vector(grams(t), idf) for t in texts]
    matrix = csr_matrix((np.concatenate([w for _, w in vectors]), np.concatenate([i for i, _ in vectors]),
                         np.cumsum([0] + [len(i) for i, _ in vectors])), shape=(len(texts), DIM))
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(matrix, labels)
    head = AngerHead(idf, model.coef_[0], model.intercept_[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, idf=head.idf.astype(np.float16), coef=head.coef.astype(np.float16),
                        intercept=np.float32(head.intercept))
    shared_head.cache_clear()
    return AngerHead.load(out)


def curve(head: AngerHead, blind: Path) -> None:
    """Precision and recall over the bar on labelled blind messages (their `angry`), the head alone and
    beside the words of anger (agent/frustration.py's ANGER), as the service hears one message."""
    from agent.frustration import ANGER
    from agent.shopper_text import canonical

    rows = [json.loads(line) for line in blind.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts, angry = [canonical(r["text"]) for r in rows], np.array([bool(r["angry"]) for r in rows])
    scores = np.array([head.score(t) for t in texts])
    words = np.array([bool(ANGER.search(t)) for t in texts])
    print(f"{blind.name}: {angry.sum()} of {len(rows)} angry; words of anger alone: "
          f"P {(words & angry).sum() / max(1, words.sum()):.2f} R {(words & angry).sum() / angry.sum():.2f}")
    for bar in (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95):
        for name, flagged in (("head", scores >= bar), ("head or words", (scores >= bar) | words)):
            hits = (flagged & angry).sum()
            print(f"  bar {bar:.2f} {name:14s} P {hits / max(1, flagged.sum()):.2f} R {hits / angry.sum():.2f}"
                  + ("   (HEARD)" if bar == HEARD else ""))
