"""The reply catalogue (data/replies.yaml: one key, zh and en) and the language a shopper writes in."""
from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

import yaml

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "replies.yaml"

def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def check_catalogue(catalogue: dict) -> list[str]:
    """Every problem with a reply catalogue: a key without both languages, or with different placeholders."""
    problems = []
    for key, texts in catalogue.items():
        if not isinstance(texts, dict) or set(texts) != {"en", "zh"} or not all(texts.values()):
            problems.append(f"{key}: needs en and zh text")
        elif placeholders(texts["en"]) != placeholders(texts["zh"]):
            problems.append(f"{key}: en has {sorted(placeholders(texts['en']))}, zh {sorted(placeholders(texts['zh']))}")
    return problems


@lru_cache(maxsize=1)
def templates() -> dict[str, dict[str, str]]:
    """The catalogue, checked once: a broken catalogue stops the service at start-up, not mid-conversation."""
    catalogue = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    if problems := check_catalogue(catalogue):
        raise ValueError(f"{CATALOGUE}: " + "; ".join(problems))
    return catalogue


def say(key: str, language: str, **facts: object) -> str:
    return templates()[key]["zh" if language == "zh" else "en"].format(**facts)

