"""python -m guardrails check|test [--policy-dir DIR]

check: validate every policy file against policy.schema.json (errors carry file and line).
test:  run every policy's examples through the whole rule set and print a pass/fail table.
Both exit non-zero on any failure, so CI can run them.
"""
from __future__ import annotations

import argparse
import sys

from guardrails.engine import compile_policies
from guardrails.examples import run_all
from guardrails.policy_files import PolicyInvalid, parse_policy, read_policy_dir


def check(policy_dir: str) -> int:
    texts = read_policy_dir(policy_dir)
    if not texts:
        print(f"no policies in {policy_dir}", file=sys.stderr)
        return 1
    failed = 0
    for policy_id, text in texts.items():
        try:
            doc = parse_policy(text, f"{policy_dir}/{policy_id}.yaml", expected_id=policy_id)
            print(f"ok    {policy_id}.yaml ({doc['kind']})")
        except PolicyInvalid as exc:
            failed += 1
            print(f"FAIL  {policy_id}.yaml")
            for err in exc.errors:
                print(f"      {exc.source}:{err.line}: {err.path + ': ' if err.path else ''}{err.message}")
    if not failed:
        try:
            compile_policies(texts)  # the files are fine one by one; does the set hold together?
        except PolicyInvalid as exc:
            failed += 1
            print("FAIL  the set of policies\n      " + "\n      ".join(str(e) for e in exc.errors))
    print(f"{len(texts) - failed} valid, {failed} invalid")
    return 1 if failed else 0


def _cell(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def test(policy_dir: str) -> int:
    try:
        policies = compile_policies(read_policy_dir(policy_dir))
    except PolicyInvalid as exc:
        print(exc, file=sys.stderr)
        return 1
    results = run_all(policies)
    print(f"{'policy':<22} {'#':>3} {'direction':<9} {'expected':<8} {'got':<8} result")
    for r in results:
        line = f"{_cell(r.policy_id, 22):<22} {r.number:>3} {r.direction:<9} {r.expected:<8} {r.got:<8} " \
               f"{'pass' if r.ok else 'FAIL'}"
        print(line + (f"  {r.detail}" if r.detail else ""))
    failed = sum(not r.ok for r in results)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed or not results else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m guardrails", description=__doc__.split("\n\n")[1])
    parser.add_argument("command", choices=["check", "test"])
    parser.add_argument("--policy-dir", default="guardrails/policies")
    args = parser.parse_args(argv)
    return check(args.policy_dir) if args.command == "check" else test(args.policy_dir)


if __name__ == "__main__":
    sys.exit(main())
