"""A draft policy checked before it is published: its own examples, and the conflict check.

The conflict check plays the legitimate cases we keep (every policy's `expect: pass` examples,
data/attacks/legitimate.jsonl and the shopper turns of the conversation suite) through the rules with the
draft in place, and names those the draft stops that the published rules let through: a draft that blocks
"where is my parcel" must say so before it reaches a shopper. All in-process, the rails are regexes: about
1,000 cases in well under a second.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from guardrails.attack_suite import language, load
from guardrails.engine import PolicySet, compile_policies
from guardrails.examples import run_example
from guardrails.store import PolicyStore

DATA = Path(__file__).resolve().parent.parent / "data"


def with_draft(store: PolicyStore, policy_id: str, yaml_text: str) -> tuple[PolicySet, PolicySet]:
    """(the published set, the published set with the draft in its place); PolicyInvalid if the draft, or the
    set it makes, is broken."""
    snapshot = store.snapshot()
    published = compile_policies(snapshot.policies, snapshot.revision)
    return published, compile_policies({**snapshot.policies, policy_id: yaml_text}, snapshot.revision)


@dataclass(frozen=True)
class Case:
    source: str  # example | legitimate | conversation
    case: str  # where it is kept: "topics#3", "ok-001", "cancel-en-001#2"
    text: str
    language: str


@dataclass(frozen=True)
class Conflict:
    source: str
    case: str
    text: str
    direction: str  # input | output
    action: str  # what the draft does to it: block, handoff, rewrite
    rule: str  # "policy_id/rule" that acted, or the example's failure


@lru_cache(maxsize=4)
def legitimate_cases(data: Path = DATA) -> tuple[Case, ...]:
    """legitimate.jsonl and the conversation suite's shopper turns, read once. Turns the suite expects the rails
    to answer (`route: rails`) and conversations tagged `injection` are attacks, as bench/bench_attacks.py
    counts them."""
    _, legit = load(data / "attacks")
    cases = [Case("legitimate", c["id"], c["text"], language(c)) for c in legit]
    for path in sorted((data / "conversations").glob("*.yaml")):
        for conv in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
            if "injection" in conv.get("tags", []):
                continue
            for i, turn in enumerate(conv.get("turns") or []):
                routes = turn.get("route", [])
                if "say" in turn and "rails" not in ([routes] if isinstance(routes, str) else routes):
                    cases.append(Case("conversation", f"{conv['id']}#{i}", str(turn["say"]),
                                      language({"lang": conv["language"]})))
    return tuple(cases)


def conflicts(published: PolicySet, draft: PolicySet, data: Path = DATA) -> tuple[int, list[Conflict]]:
    """(how many legitimate cases were played, those the draft stops and the published set does not)."""
    found, checked = [], 0
    for policy_id, doc in sorted(draft.docs.items()):
        for i, ex in enumerate(doc.get("examples") or [], start=1):
            if ex["expect"] != "pass":
                continue
            checked += 1
            now = run_example(draft, policy_id, i, ex)
            if not now.ok and run_example(published, policy_id, i, ex).ok:
                text = ex.get("input") or ex.get("output") or ex.get("mask") or ""
                found.append(Conflict("example", f"{policy_id}#{i}", text, now.direction, now.got,
                                      now.rule or now.detail))
    for case in legitimate_cases(data):
        checked += 1
        verdict = draft.check_input(case.text, case.language)
        if verdict.action != "allow" and published.check_input(case.text, case.language).action == "allow":
            found.append(Conflict(case.source, case.case, case.text, "input", verdict.action,
                                  f"{verdict.policy_id}/{verdict.rule}"))
    return checked, found
