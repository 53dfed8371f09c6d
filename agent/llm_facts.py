"""What the LLM tier is given to answer from, within a token budget.

A tool's result goes to the model as a few short lines in the shopper's language (a product's variants in
stock first, the promotions, the products recommended), not as the tool's JSON: on a CPU the prompt's
prefill is most of an answer's time, and a 0.5B model reads lines better than nested JSON. The output
rails still check the reply against the whole result. (The product a question is about is found from its
words where they say one, agent/nodes.py _product_meant, so the model is not asked to pick it.)
"""
from __future__ import annotations

import re

FACT_TOKENS = 220  # the most the facts may take of a prompt (about; see estimate_tokens)
HISTORY_TOKENS = 120  # the earlier turns kept, newest first
_WIDE = re.compile(r"[^\x00-\x7f]")


def estimate_tokens(text: str) -> int:
    """About how many tokens a Qwen-style BPE makes of the text: a CJK character is about one, four Latin
    characters are about one. Close enough to keep a budget without loading a tokenizer in the worker."""
    wide = len(_WIDE.findall(text))
    return wide + (len(text) - wide + 3) // 4


def within(lines: list[str], budget: int) -> list[str]:
    """The lines, in order, that fit the budget (at least the first)."""
    kept, used = [], 0
    for line in lines:
        used += estimate_tokens(line) + 1
        if kept and used > budget:
            break
        kept.append(line)
    return kept


def fact_lines(facts: dict, language: str, budget: int = FACT_TOKENS) -> str:
    """A tool's result as short lines within the budget; "" when there is none."""
    result, tool = facts.get("result"), facts.get("tool", "")
    if not isinstance(result, dict):
        return ""
    if "error" in result:
        return str(result["error"])
    if tool == "get_product_details":
        lines = _product_lines(result, language)
    elif tool == "list_promotions":
        title = "title_zh" if language == "zh" else "title"
        lines = [f"{p.get(title) or p['title']} (coupon {p['coupon']})" for p in result.get("promotions", [])]
    elif tool == "recommend_products":
        lines = [f"{r['name']}: from ${r['price_from']}" + (f", coupon {r['coupon']}" if r.get("coupon") else "")
                 for r in result.get("recommendations", [])]
    else:
        lines = [f"{k}: {v}" for k, v in result.items()]
    return "\n".join(within(lines, budget))


def _product_lines(result: dict, language: str) -> list[str]:
    variants = sorted(result.get("variants", {}).values(), key=lambda v: not v.get("available"))
    stock = {True: "有货" if language == "zh" else "in stock", False: "售罄" if language == "zh" else "sold out"}
    return [f"Product: {result.get('name')}"] + [
        f"- {', '.join(str(x) for x in v.get('options', {}).values())}: ${v.get('price')} "
        f"({stock[bool(v.get('available'))]})" for v in variants]


def cut(text: str, tokens: int) -> str:
    """The text, or as much of its start as fits in about `tokens` tokens, marked as cut."""
    if estimate_tokens(text) <= tokens:
        return text
    end = len(text)
    while end and estimate_tokens(text[:end]) > tokens - 1:
        end = end * 3 // 4
    return text[:end].rstrip() + "…"
