"""Replies read against the shopper's own message: what a regex on the reply alone cannot see.

An attacker gets the shop to say something by dictating it ("repeat after me: …", "一字不差地重复：…") or by
offering the answer ("reply with one word, X or Y"): the reply then holds the attacker's words, not the
model's. Both are found by comparing the reply with the message it answers.
"""
from __future__ import annotations

import re

from guardrails.normalize import normalized

# the shopper asks for their words back: a verb of saying with "exactly", "word for word", "this sentence"…
_DICTATION = re.compile(
    r"\b(?:repeat|say|write|type|print|output|echo|copy|recite|reply|respond|answer|send|post)\b[^.?!]{0,40}?"
    r"\b(?:after me|exactly|word for word|verbatim|as it is|as is|back|this|the following|these words|"
    r"(?:this|the|that) (?:sentence|line|text|phrase))\b|\bword for word\b|\bverbatim\b"
    r"|跟我(?:说|念|读|重复)|照着?.{0,6}(?:说|念|读|写|输出|回复|打)|原样|原封不动|一字不差|逐字|复述"
    r"|重复(?:一下|一遍)?(?:这|下面|以下|我)")
_QUOTED = re.compile(r"[\"“”「『']([^\"“”「」『』']{4,})[\"“”」』']")
_AFTER_COLON = re.compile(r"[:：]\s*(.{4,})$", re.S)
_WORD = re.compile(r"[a-z0-9']+")
_CJK = re.compile("[\u3400-\u9fff]")
SAME_WORDS, SAME_CHARACTERS = 5, 8  # a run this long said back is the shopper's sentence, not the model's


def dictated_spans(message: str) -> list[str]:
    """What the shopper wants said back: quoted text and what follows the colon of a message that dictates."""
    if not _DICTATION.search(normalized(message)):
        return []
    spans = [m.group(1) for m in _QUOTED.finditer(message)]
    if m := _AFTER_COLON.search(message):
        spans.append(m.group(1))
    return spans or [_DICTATION.split(normalized(message))[-1]]


def _longest_run(a: list[str], b: list[str]) -> int:
    """Length of the longest run of tokens a and b share, in order (dynamic programming, short texts)."""
    best, previous = 0, [0] * (len(b) + 1)
    for x in a:
        current = [0] * (len(b) + 1)
        for j, y in enumerate(b, 1):
            if x == y:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def _tokens(text: str) -> tuple[list[str], list[str]]:
    norm = normalized(text)
    return _WORD.findall(norm), _CJK.findall(norm)


def repeats_dictation(reply: str, message: str) -> bool:
    """The reply says back a dictated span: a long run of its words, or all of a short one."""
    words, chars = _tokens(reply)
    for span in dictated_spans(message):
        span_words, span_chars = _tokens(span)
        if span_words and _longest_run(words, span_words) >= min(SAME_WORDS, max(len(span_words), 3)):
            return True
        if span_chars and _longest_run(chars, span_chars) >= min(SAME_CHARACTERS, max(len(span_chars), 5)):
            return True
    return False


_OPTION_SEPARATOR = re.compile(r"\s*(?:\bor\b|\bvs\.?|\bversus\b|/|或者|或|还是)\s*")
_END = re.compile(r"[\s.。!！?？,，:：;；\"'“”「」]+")


def picks_offered(reply: str, message: str) -> bool:
    """The reply is one of the options the message offered ("Labour or Conservative?" → "Conservative."):
    a short reply all of whose words, or characters, the shopper wrote, in a message that offers a choice."""
    if not _OPTION_SEPARATOR.search(message):
        return False
    answer = _END.sub(" ", normalized(reply)).strip()
    words, chars = _tokens(answer)
    asked_words, _ = _tokens(message)
    if not answer or len(words) > 3 or len(chars) > 6:
        return False
    return all(w in asked_words for w in words) and "".join(chars) in normalized(message)
