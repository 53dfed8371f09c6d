"""Is a reply in the conversation's language? A small model asked in Chinese sometimes answers in English
(and the other way round), or drifts into another script altogether; the shopper then gets an answer
they may not read.

Counted as agent/language.py counts the shopper's words: names, e-mails, order ids and the catalogue's
product and option names say nothing of the language ("您的 Electric Toothbrush 有 white 和 blue").
"""
from __future__ import annotations

import re

from agent.language import CHARACTER_WEIGHT, own_words

# scripts neither language of the shop is written in: Japanese kana, Hangul, Cyrillic, Arabic, Thai, Devanagari
_OTHER_SCRIPT = re.compile("[\u3040-\u30ff\uac00-\ud7af\u0400-\u04ff\u0600-\u06ff\u0e00-\u0e7f\u0900-\u097f]")
ENOUGH = 3  # fewer own words than this (a bare "OK", an order id) tell no language


def wrong_language(reply: str, language: str) -> bool:
    cjk, latin = own_words(reply)
    other = len(_OTHER_SCRIPT.findall(reply))
    if other >= ENOUGH:
        return True
    zh, en = cjk * CHARACTER_WEIGHT, latin
    if zh + en < ENOUGH:
        return False
    return en > zh if language == "zh" else zh > en
