"""The labelled data and the label guide agree, and the blind sets stay blind: every label is an intent
of the contract and has a section in data/nlu/intent_guide.md, and no blind message is a copy or a near
copy (character trigrams, Jaccard ≥ 0.8) of a message trained on."""
import json
import re
from collections import defaultdict

from fastmodels.text import DATA_DIR, INTENTS

TRAINING = ["train.jsonl", "train_more.jsonl", *sorted(p.name for p in DATA_DIR.glob("train_voices_*.jsonl")), "dev.jsonl"]
BLIND = DATA_DIR.parent / "blind" / "nlu"


def rows(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def trigrams(text: str) -> set[str]:
    t = re.sub(r"[\W_]+", "", text.lower())
    return {t[i:i + 3] for i in range(max(1, len(t) - 2))}


def test_every_label_is_an_intent_of_the_contract_with_a_guide_section():
    guide = (DATA_DIR / "intent_guide.md").read_text(encoding="utf-8")
    assert all(intent in guide for intent in INTENTS)
    for path in [*(DATA_DIR / name for name in TRAINING), BLIND / "working.jsonl", BLIND / "final.jsonl"]:
        assert {r["intent"] for r in rows(path)} <= set(INTENTS), path.name


def test_no_blind_message_is_a_near_copy_of_a_training_message():
    trained = [trigrams(r["text"]) for name in TRAINING for r in rows(DATA_DIR / name)]
    index = defaultdict(set)
    for i, grams in enumerate(trained):
        for g in grams:
            index[g].add(i)
    near = []
    for batch in ("working.jsonl", "final.jsonl"):
        for r in rows(BLIND / batch):
            grams, shared = trigrams(r["text"]), defaultdict(int)
            for g in grams:
                for i in index.get(g, ()):
                    shared[i] += 1
            if any(n / len(grams | trained[i]) >= 0.8 for i, n in shared.items()):
                near.append(r["text"])
    assert near == []
    working = {re.sub(r"[\W_]+", "", r["text"].lower()) for r in rows(BLIND / "working.jsonl")}
    assert not working & {re.sub(r"[\W_]+", "", r["text"].lower()) for r in rows(BLIND / "final.jsonl")}
