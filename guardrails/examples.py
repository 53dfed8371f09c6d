"""Each policy's own examples, run through the whole rule set as a turn would see them."""
from __future__ import annotations

from dataclasses import dataclass

from guardrails.engine import PolicySet


@dataclass
class ExampleResult:
    policy_id: str
    number: int  # 1-based position in the policy's examples
    direction: str  # input | output | mask
    expected: str
    got: str
    ok: bool
    detail: str = ""
    rule: str = ""  # the first "policy_id/rule" that acted on it, "" when none did


def _outcome(action: str) -> str:
    return "pass" if action == "allow" else action


def run_example(policies: PolicySet, policy_id: str, number: int, ex: dict) -> ExampleResult:
    language = ex.get("language") or policies.docs.get(policy_id, {}).get("language") or "zh"
    expected = ex["expect"]
    problems: list[str] = []
    if "mask" in ex:
        direction = "mask"
        masked, vault = policies.mask_pii(ex["mask"])
        got, text = ("mask" if masked != ex["mask"] else "pass"), masked
        if "restores" in ex and policies.unmask(masked, vault) != ex["restores"]:
            problems.append(f"restores {policies.unmask(masked, vault)!r}")
    elif "input" in ex:
        direction = "input"
        verdict = policies.check_input(ex["input"], language)
        got, text = _outcome(verdict.action), verdict.reply or ""
    else:
        direction = "output"
        verdict = policies.check_output(ex["output"], language, ex.get("facts"), ex.get("by_llm", False), ex.get("asked"))
        got, text = _outcome(verdict.action), verdict.text or ""
    if direction != "mask" and got != "pass" and not any(h.startswith(policy_id + "/") for h in verdict.hits):
        problems.append(f"acted by {verdict.policy_id}/{verdict.rule}, not this policy")
    if "becomes" in ex and text != ex["becomes"]:
        problems.append(f"became {text!r}")
    problems += [f"missing {s!r}" for s in ex.get("contains", []) if s not in text]
    problems += [f"still has {s!r}" for s in ex.get("not_contains", []) if s in text]
    rule = "" if direction == "mask" or not verdict.hits else verdict.hits[0]
    return ExampleResult(policy_id, number, direction, expected, got,
                         got == expected and not problems, "; ".join(problems), rule)


def run_all(policies: PolicySet, policy_id: str | None = None) -> list[ExampleResult]:
    """Every enabled policy's examples, or one policy's."""
    return [run_example(policies, pid, i, ex) for pid, doc in sorted(policies.docs.items())
            if policy_id in (None, pid) for i, ex in enumerate(doc.get("examples") or [], start=1)]
