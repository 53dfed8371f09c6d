"""The conversation's language: decided by the shopper's own words, kept until they really switch.

A Chinese shopper types Latin script all the time without switching language: names ("我叫Mia Chen"),
e-mails, addresses, order ids, product and option names ("退Air Purifier", "换成 on-ear"). Those say
nothing of the language they want answers in, so they are taken out before counting. A conversation in
Chinese turns English only on a message with no Chinese at all and a few English words of the shopper's
own; one in English turns Chinese on a message with no English; a message in both is answered in the
language the shopper has written most in the conversation.
"""
from __future__ import annotations

import re

from agent.catalogue_words import catalogue_words

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_NOT_WORDS = re.compile(
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"          # e-mails
    r"|#?[Ww]\s?\d{7}(?!\d)"                                    # order ids
    r"|\d+\s+[A-Za-z0-9 .'-]+?,[^\u3400-\u9fff]*?\b\d{5}\b"     # a street address up to its zip
    r"|\b[A-Z][a-z]+\s+[A-Z][a-z]+(?=\W*(?:[Zz]ip|邮编|\d{5}))"  # a name before a zip
    r"|(?<=叫|是)\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?")              # 我叫Mia Chen / 我是Mia
CHARACTER_WEIGHT = 0.75  # a Chinese character, counted against an English word (a word is 1-2 characters)
SWITCH_TO_ENGLISH = 4  # own English words in a message with no Chinese that switch a Chinese conversation


def own_words(text: str) -> tuple[int, int]:
    """(Chinese characters, Latin words) of the shopper's own writing: names, e-mails, addresses, order
    ids and the catalogue's product and option names left out."""
    text = _NOT_WORDS.sub(" ", text)
    words = [w for w in _LATIN_WORD.findall(text) if w.lower() not in catalogue_words()]
    return len(_CJK.findall(text)), len(words)


def conversation_language(text: str, previous: str | None, default: str = "en",
                          before: tuple[int, int] = (0, 0)) -> str:
    """The language to answer this message in, given the conversation's language so far (None: first) and
    the shopper's own words before it (Chinese characters, Latin words). A message in one script only
    can switch; one that mixes both is answered in the language the shopper has written most in this
    conversation (a character weighs 0.75 of a word): a mostly English writer's "ok 那到了我再退吧" stays
    English, a Chinese writer's "帮我check一下这个order" Chinese."""
    cjk, latin = own_words(text)
    if previous is None:
        if not cjk and not latin:
            return default
        return "zh" if cjk and cjk >= latin else "en"
    if not cjk or not latin:
        if cjk >= 2:
            return "zh"
        return "en" if latin and (previous == "en" or latin >= SWITCH_TO_ENGLISH) else previous
    return "zh" if (before[0] + cjk) * CHARACTER_WEIGHT >= before[1] + latin else "en"
