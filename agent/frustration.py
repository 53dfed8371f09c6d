"""Frustration over the conversation, not only in one message: the same request typed again, and
annoyance that carries from one turn to the next, add to what the model hears in the words."""
from __future__ import annotations

import re

REPEAT = 0.35   # each earlier turn that said the same thing
CARRIED = 0.4   # the share of the last turn's frustration that carries into this one
_NOT_WORDS = re.compile(r"[\W_]+")


def _same(a: str, b: str) -> bool:
    a, b = _NOT_WORDS.sub("", a.lower()), _NOT_WORDS.sub("", b.lower())
    return len(a) >= 4 and a == b


def heard(score: float, text: str, history: list[dict], previous: float = 0.0) -> float:
    """This turn's frustration: the model's score for the words, raised by requests repeated in the
    last turns and by the frustration of the turn before (which fades)."""
    repeats = sum(_same(text, turn.get("shopper", "")) for turn in history[-4:])
    return min(1.0, max(score, score + CARRIED * previous) + REPEAT * repeats)
