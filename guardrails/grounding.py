"""Is a promise in a reply backed by the turn's facts? Dates and amounts the data does not hold are
the bot making things up: a delivery day no carrier gave, a refund larger than the policy allows."""
from __future__ import annotations

import re

_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DATE = re.compile("|".join([
    r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?",
    r"\d{1,2}月\d{1,2}[日号]?",
    r"(?<![\d.])\d{1,2}/\d{1,2}(?![\d/])",
    rf"{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?\b",
    rf"\b\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{_MONTH}",
    r"今天|今晚|明天|明早|后天|大后天|(?:本|这|下)(?:周|星期)[一二三四五六日天]?|周[一二三四五六日天末]|星期[一二三四五六日天]",
    rf"\b(?:today|tonight|tomorrow|this week|next week|this weekend|{_WEEKDAY})\b",
    r"\b(?:within|in) \d+(?:-\d+)? (?:business |working )?(?:days?|hours?)\b",
    r"\d+(?:-\d+)?\s?(?:个)?(?:工作日|天|小时)(?:内|之内)?",
]))
AMOUNT = re.compile(r"[¥$]\s?(\d+(?:,\d{3})*(?:\.\d+)?)|(\d+(?:,\d{3})*(?:\.\d+)?)\s?(?:元|块|yuan|rmb|usd|dollars?)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
LIMIT_KEYS = ("refund_limit", "max_refund", "refundable_amount")


def _limit(facts: dict | None) -> float | None:
    """The largest refund the policy allows on this turn, if a tool said so."""
    if not isinstance(facts, dict):
        return None
    for key, value in facts.items():
        if key in LIMIT_KEYS:
            try:
                return float(value)
            except (TypeError, ValueError):
                return None
        if isinstance(value, dict) and (found := _limit(value)) is not None:
            return found
    return None


def ungrounded_dates(sentence: str, facts_text: str) -> list[str]:
    return [m.group() for m in DATE.finditer(sentence) if m.group() not in facts_text]


def ungrounded_amounts(sentence: str, facts_text: str, facts: dict | None) -> list[str]:
    limit = _limit(facts)
    known = {float(n) for n in _NUMBER.findall(facts_text.replace(",", ""))}
    out = []
    for m in AMOUNT.finditer(sentence):
        value = float((m.group(1) or m.group(2)).replace(",", ""))
        if (limit is not None and value > limit + 1e-9) or (limit is None and value not in known):
            out.append(m.group())
    return out
