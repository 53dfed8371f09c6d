"""Is a promise in a reply backed by the turn's facts? Dates and amounts the data does not hold are
the bot making things up: a delivery day no carrier gave, a refund larger than the policy allows.

The LLM tier makes up more than that, so its replies are also read for products, prices and attributes:
a product named that the facts (the tool results of the turn) do not hold, a price or discount no tool
gave, a colour, material or measurement the catalogue data did not say. A flow's reply is built from the
data; only the LLM's needs this.
"""
from __future__ import annotations

import re

from agent.catalogue_words import asked_attributes
from agent.variants import option_words
from guardrails.catalogue import shop_catalogue

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
    known = known_numbers(facts_text)
    out = []
    for m in AMOUNT.finditer(sentence):
        value = float((m.group(1) or m.group(2)).replace(",", ""))
        if (limit is not None and value > limit + 1e-9) or (limit is None and value not in known):
            out.append(m.group())
    return out


def known_numbers(facts_text: str) -> set[float]:
    return {float(n) for n in _NUMBER.findall(facts_text.replace(",", ""))}


# a price without a currency sign, by the words around it; a discount as a percentage or as 折
_PRICE_WORDS = re.compile(r"(?:\bprice[sd]?\b|\bcosts?\b|\bpriced\b|\bsells? for\b|\bfor only\b|售价|价格|价钱|定价|"
                          r"到手价|仅售)\D{0,12}?(\d+(?:,\d{3})*(?:\.\d+)?)")
_DISCOUNT = re.compile(r"(\d+(?:\.\d+)?)\s?(?:%|percent\b)|打\s?(\d+(?:\.\d+)?)\s?折|(\d+(?:\.\d+)?)\s?折")


def ungrounded_prices(sentence: str, known: set[float]) -> list[str]:
    """Money and discounts in an LLM sentence that no tool result of the turn holds ($59.99, 售价199, 20% off)."""
    out = []
    for pattern in (AMOUNT, _PRICE_WORDS, _DISCOUNT):
        for m in pattern.finditer(sentence):
            number = next(g for g in m.groups() if g)
            if float(number.replace(",", "")) not in known:
                out.append(m.group())
    return out


# words that start a sentence or a phrase in capitals without naming anything
_STOP = {"the", "our", "this", "that", "these", "those", "a", "an", "your", "my", "we", "i", "you", "it", "its", "and", "or",
         "for", "with", "of", "in", "on", "at", "to", "from", "by", "is", "are", "if", "yes", "no", "sure", "hi", "hello"}
_MODEL = re.compile(r"(?<![\w#-])(?=[A-Za-z-]*\d)(?=[\d-]*[A-Za-z])[A-Za-z\d]+(?:-[A-Za-z\d]+)*(?![\w-])")
# order ids, ordinals, times, quantities and measurements (an attribute's to ground), tech words naming no product
_NOT_A_MODEL = re.compile(r"^(?:w\d{7}|\d+(?:st|nd|rd|th|am|pm|s|x|k|g|d)|\d+(?:mah|gb|tb|mp|ml|mm|cm|kg|lbs?|oz|ft|w|"
                          r"l|h|hrs?|min|mins|inch|in|days?)|mp[34]|2fa|h2o)$", re.I)


def ungrounded_products(sentence: str, known: str, asked: str) -> list[str]:
    """Products the sentence names that the turn's facts do not hold: one of ours not looked up this turn (the
    shopper's own words for it may be said back), or a product name or model the catalogue has never had."""
    catalogue, norm = shop_catalogue(), sentence.lower()
    out = [words for words, products in catalogue.named(norm)
           if words not in asked and words not in known and not any(p.lower() in known for p in products)]
    for m in catalogue.styled.finditer(sentence):
        extra = [w for w in m.group(1).split() if w.lower() not in _STOP]
        whole = " ".join(extra + [m.group()[len(m.group(1)):]]).lower()
        if extra and whole not in known and whole not in asked and not catalogue.pattern.fullmatch(whole) \
                and not all(w.lower() in catalogue.words or w.lower() in known for w in extra):
            out.append(whole)
    for m in _MODEL.finditer(sentence):
        code = m.group().lower()
        if not _NOT_A_MODEL.match(code) and code not in catalogue.words and code not in known and code not in asked:
            out.append(m.group())
    return out


_MEASURE = re.compile(r"(\d+(?:\.\d+)?)\s?-?\s?(?:mah|gb|tb|mp|megapixels?|inch(?:es)?|cm|mm|kg|lbs?|pounds|oz|ml|"
                      r"lit(?:er|re)s?|l\b|watts?|w\b|seconds?|secs?|hours?|hrs?|minutes?|mins?|days?|weeks?|months?|"
                      r"years?|feet|ft|meters?|毫安时?|英寸|寸|厘米|毫米|公斤|千克|斤|毫升|升|瓦|毫秒|秒|小时|分钟|天|周|个月|年)", re.I)


def ungrounded_attributes(sentence: str, known: str, keys: set[str]) -> list[str]:
    """What the sentence says a product is or has that the facts do not: a colour or material the data does
    not list, a measurement (hours, mAh, inches...) no fact gives, or an attribute ("waterproof", "续航")
    the facts hold no option for. A question asserts nothing, and what is said not to be is no claim."""
    catalogue = shop_catalogue()
    if sentence.rstrip().endswith(("?", "？")):
        return []
    plain = catalogue.pattern.sub(" ", sentence.lower())  # "Wireless Earbuds" claims nothing about wireless
    numbers = known_numbers(known)
    out = [m.group() for m in _MEASURE.finditer(plain) if float(m.group(1)) not in numbers]
    words = option_words(plain)  # Chinese colours in the catalogue's words; "not red" left out
    out += [v for v in catalogue.claim_values if _said(v, words) and not _said(v, known)]  # "red", not "powered"
    if not _OFFER.search(words):
        for said in sorted((k for k in keys if len(k) > 2), key=len, reverse=True):  # "memory foam" is no RAM
            words = words.replace(said, " ")
        out += [a.label["en"] for a in asked_attributes(words) if a.keys and not a.keys & keys]
    return out


def _said(value: str, text: str) -> bool:
    return re.search(rf"(?<![a-z0-9-]){re.escape(value)}(?![a-z0-9-])", text) is not None


# a sentence that asks or offers to look rather than says: "I can check the battery for you", "a colleague can
# confirm the battery details", "需要什么颜色吗"
_OFFER = re.compile(r"\b(?:if|which|what|whether|would you|do you|tell me|let me|i can|i'll|i will|check|look up|"
                    r"confirm|colleague|details|information|info)\b|哪|吗|如果|是否|帮您查|可以帮|需要|确认|同事|人工")


def fact_keys(facts) -> set[str]:
    """Every key and value in the facts, lower case: an attribute is grounded when its option is there."""
    found: set[str] = set()
    if isinstance(facts, dict):
        for key, value in facts.items():
            found.add(str(key).lower())
            found |= fact_keys(value)
    elif isinstance(facts, (list, tuple)):
        for value in facts:
            found |= fact_keys(value)
    elif facts is not None:
        found.add(str(facts).lower())
    return found
