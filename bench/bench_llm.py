"""The LLM tier's prompt and latency, the first version's prompt beside today's, in one run.

    PYTHONPATH=. .venv/bin/python bench/bench_llm.py [--llm URL] [--rounds 2]

Starts the real vLLM CPU server with the bundled Qwen2.5 0.5B (scripts/setup_llm.sh) unless --llm names
one. For product and promotion questions the fast tier hands to the LLM, each prompt is built two ways
and sent in turn (so both meet the same machine load):
- first version: the product picked by a model call over the whole catalogue's JSON, then the tool's whole
  result as JSON (cut at 6,000 characters) after the policy prompt;
- today (agent/nodes.py, agent/llm_facts.py): the product found from the words where they name it, the
  result as a few lines within FACT_TOKENS, the recent turns within HISTORY_TOKENS.
Reports prompt tokens (the server's count), time to the first token, to the first whole sentence (what the
shopper is shown first: the stream goes out sentence by sentence through the output rails) and to the whole
answer, median and p95, model calls per question, and the share with a sentence to show within
LLM_ANSWER_SECONDS (past it, the service answers with what it has shown). The policy prompt is the same
prefix in both; vLLM may cache it.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

import openai

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from agent.llm import _SENTENCE_END  # noqa: E402
from agent.llm_facts import fact_lines  # noqa: E402
from agent.settings import Settings  # noqa: E402
from agent.nodes import _product_meant  # noqa: E402
from guardrails.live import load_guardrails  # noqa: E402
from tools.shop import open_shop  # noqa: E402

# (question, language, tool): questions of the kind the router sends to the LLM with a tool
QUESTIONS = [
    ("is the tablet good for a 10 year old kid?", "en", "get_product_details"),
    ("how long does the battery last on the thing for brushing teeth?", "en", "get_product_details"),
    ("does the espresso machine make good lattes?", "en", "get_product_details"),
    ("这个蓝牙音箱音质怎么样，适合户外用吗", "zh", "get_product_details"),
    ("跑步机噪音大不大 楼下邻居会不会投诉", "zh", "get_product_details"),
    ("which promotions go well with a new laptop?", "en", "list_promotions"),
    ("最近有什么活动吗 想买点厨房用的", "zh", "list_promotions"),
    ("how many hours does the battery last on the small device for brushing?", "en", "get_product_details"),
]
MAX_TOKENS = 60


def _first_version(question: str, system: str, shop, catalogue: dict, tool: str) -> tuple[list[list[dict]], dict]:
    """The prompts the first version sent: a tool-choice call over the catalogue's JSON, then the answer."""
    calls = []
    arguments: dict = {}
    user = {"role": "user", "content": f"<shopper>{question}</shopper>"}
    if tool == "get_product_details":
        calls.append([{"role": "system", "content": system}, {"role": "system", "content": "Product types and their "
                      "product_id:\n" + json.dumps(catalogue, ensure_ascii=False)}, user])
        arguments = {"product_id": _product_meant(question, catalogue) or catalogue["Electric Toothbrush"]}
    facts = {"tool": tool, "arguments": arguments, "result": shop.call(tool, arguments, as_shopper=None)}
    data = json.dumps(facts, ensure_ascii=False, separators=(",", ":"))[:6000]
    calls.append([{"role": "system", "content": f"{system}\n\n<tool_result>\n{data}\n</tool_result>"}, user])
    return calls, facts


def _today(question: str, language: str, system: str, shop, catalogue: dict, tool: str) -> list[list[dict]]:
    calls = []
    arguments: dict = {}
    user = {"role": "user", "content": f"<shopper>{question}</shopper>"}
    if tool == "get_product_details":
        if (product_id := _product_meant(question, catalogue)) is None:
            calls.append([{"role": "system", "content": system}, {"role": "system", "content": "Product types and "
                          "their product_id:\n" + json.dumps(catalogue, ensure_ascii=False)}, user])
            product_id = catalogue["Electric Toothbrush"]
        arguments = {"product_id": product_id}
    facts = {"tool": tool, "arguments": arguments, "result": shop.call(tool, arguments, as_shopper=None)}
    calls.append([{"role": "system", "content": f"{system}\n\n<tool_result>\n{fact_lines(facts, language)}\n</tool_result>"},
                  user])
    return calls


def _timed(client: openai.OpenAI, model: str, messages: list[dict]) -> tuple[int, float, float, float]:
    """(prompt tokens, seconds to the first token, to the first whole sentence, to the whole answer)."""
    started, first, sentence, usage, text = time.perf_counter(), None, None, None, ""
    stream = client.chat.completions.create(model=model, messages=messages, max_tokens=MAX_TOKENS, temperature=0.0,
                                            stream=True, stream_options={"include_usage": True})
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            text += chunk.choices[0].delta.content
            first = first if first is not None else time.perf_counter() - started
            if sentence is None and _SENTENCE_END.search(text):
                sentence = time.perf_counter() - started
        if chunk.usage:
            usage = chunk.usage
    total = time.perf_counter() - started
    return (usage.prompt_tokens if usage else 0), (first if first is not None else total), \
        (sentence if sentence is not None else total), total


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--llm", help="an OpenAI-compatible base URL (default: start the bundled vLLM)")
    parser.add_argument("--rounds", type=int, default=2, help="times each question is asked each way")
    args = parser.parse_args()
    import services

    rails = load_guardrails()
    with tempfile.TemporaryDirectory() as tmp, (nullcontext(args.llm) if args.llm else services.vllm_server()) as url:
        shop = open_shop(f"sqlite:///{tmp}/shop.db")
        catalogue = shop.call("list_all_product_types", {}, as_shopper=None)
        client = openai.OpenAI(base_url=url, api_key="EMPTY", timeout=300)
        model = client.models.list().data[0].id
        _timed(client, model, [{"role": "user", "content": "hello"}])  # the first request warms the server
        figures = {"first version": [], "today": []}  # per question: (calls, prompt tokens, first token s, total s)
        for _ in range(args.rounds):
            for question, language, tool in QUESTIONS:
                system = rails.system_prompt(language)
                old, _facts = _first_version(question, system, shop, catalogue, tool)
                for way, calls in (("first version", old), ("today", _today(question, language, system, shop, catalogue, tool))):
                    timed = [_timed(client, model, messages) for messages in calls]
                    before = sum(t[3] for t in timed[:-1])  # every earlier call's whole time comes first
                    figures[way].append((len(calls), sum(t[0] for t in timed), before + timed[-1][1],
                                         before + timed[-1][2], before + timed[-1][3]))
        shop.close()
    deadline = Settings().llm_answer_seconds
    print(f"\n{len(QUESTIONS)} questions × {args.rounds} rounds, {MAX_TOKENS} answer tokens at most, each way in turn\n")
    print("| prompt | model calls / question | prompt tokens (all calls), median | first token median / p95 (s) "
          f"| first sentence median / p95 (s) | whole answer median / p95 (s) | a sentence within {deadline:g} s |")
    print("|---|---|---|---|---|---|---|")
    for way, rows in figures.items():
        calls, tokens, first, sentence, total = zip(*rows)
        print(f"| {way} | {statistics.mean(calls):.2f} | {statistics.median(tokens):.0f} | "
              f"{statistics.median(first):.2f} / {_p95(first):.2f} | "
              f"{statistics.median(sentence):.2f} / {_p95(sentence):.2f} | "
              f"{statistics.median(total):.2f} / {_p95(total):.2f} | "
              f"{sum(s <= deadline for s in sentence) / len(sentence):.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
