"""The conversation's language: decided by the shopper's own words, kept until they really switch.

A Chinese shopper types Latin script all the time without switching language: names ("我叫Mia Chen"),
e-mails, addresses, order ids, product and option names ("退Air Purifier", "换成 on-ear"). Those say
nothing of the language they want answers in, so they are taken out before counting. A conversation in
Chinese turns English only on a message with no Chinese at all and a few English words of the shopper's
own; one in English turns Chinese on a message with no English; a message in both keeps the language.
"""
from __future__ import annotations

import re

from agent.catalogue_words import catalogue_words

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_NOT_WORDS = re.compile(
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"          # e-mails
    r"|#?[Ww]\s?\d{7}(?!\d)"                                    # order ids
    r"|\d+\s+[A-Za-z0-9 .'-]+?[,，](?:[^\u3400-\u9fff]|[楼层号室])*?\b\d{5}\b"  # a street address up to its zip ("3楼")
    r"|\b[A-Z][a-z]+\s+[A-Z][a-z]+(?=\W*(?:[Zz]ip|邮编|\d{5}))"  # a name before a zip
    r"|(?<=叫|是)\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?")              # 我叫Mia Chen / 我是Mia
CHARACTER_WEIGHT = 0.75  # a Chinese character, counted against an English word (a word is 1-2 characters)
CATALOGUE_WEIGHT = 0.5  # a product or option name in Latin letters, in the first message's weighing
FEW_CHARACTERS = 4  # Chinese characters around an option or product name that keep an English conversation English
SWITCH_TO_ENGLISH = 4  # own English words in a message with no Chinese that switch a Chinese conversation


# the shop's words Chinese shoppers type in Latin letters inside Chinese sentences ("帮我cancel一下order",
# "change payment method 可以吗?", "原因是ordered by mistake"): beside Chinese they say nothing of the language
_LOANWORDS = {"hi", "hello", "hey", "ok", "okay", "thx", "thanks", "sorry", "pls", "plz", "please", "yes", "no", "cancel",
              "order", "orders", "refund", "return", "exchange", "email", "mail", "payment", "method", "check", "confirm",
              "update", "change", "address", "tracking", "zip", "paypal", "gift", "card", "item", "items", "size",
              "color", "colour", "ordered", "by", "mistake", "longer", "needed", "app", "vip", "id", "compare"}


def own_words(text: str, loanwords: bool = True) -> tuple[int, int]:
    """(Chinese characters, Latin words) of the shopper's own writing: names, e-mails, addresses, order
    ids and the catalogue's product and option names left out (and, beside Chinese, the shop's words
    when `loanwords` is False)."""
    text = _NOT_WORDS.sub(" ", text)
    cjk = len(_CJK.findall(text))
    words = [w for w in _LATIN_WORD.findall(text) if w.lower() not in catalogue_words()
             and (loanwords or not cjk or w.lower() not in _LOANWORDS)]
    return cjk, len(words)


_ZH_FRAME = re.compile(r"[我你您的了吗呢吧是要想帮这那个能请怎么什么还没不在就把给也都啊呀哪]")
_EN_FRAME = re.compile(r"\b(?:i|you|my|me|your|the|a|an|is|are|was|can|could|please|to|do|does|did|it|of|for"
                       r"|with|what|where|when|how|this|that|and|but|want|need|would|have|has|in|on|at|not)\b", re.I)


def _weighed(text: str, cjk: int, latin: int) -> tuple[float, float]:
    """Chinese and English in a message, its grammar's function words counting twice: "hi 我要cancel
    order" is Chinese with English nouns, which Chinese shoppers often type (cancel, order, email). The
    catalogue's words count half: an English sentence of product and option names with a Chinese question
    word in it ("french press vs drip coffee maker, 哪个便宜? black ones") is English."""
    text = _NOT_WORDS.sub(" ", text)
    zh_frame, en_frame = len(_ZH_FRAME.findall(text)), len(_EN_FRAME.findall(text))
    shop_words = sum(w.lower() in catalogue_words() for w in _LATIN_WORD.findall(text))
    return (cjk + zh_frame) * CHARACTER_WEIGHT, latin + en_frame + shop_words * CATALOGUE_WEIGHT


def conversation_language(text: str, previous: str | None, default: str = "en") -> str:
    """The language to answer this message in, given the conversation's language so far (None: first).
    A first message in both scripts is weighed by its words, its grammar's counting twice ("hi
    我要cancel order" is Chinese); later a message in one script only can switch, one in both does not
    (an English writer's "ok 那到了我再退吧" stays English, a Chinese writer's "reason是ordered by mistake"
    Chinese) unless it is an English sentence around a Chinese name ("can you scrape 淘宝 prices?")."""
    cjk, latin = own_words(text)
    if previous is None:
        if not cjk and not latin:
            return default
        if (asked := _asked_in(text)):  # ("can the patio umbrella tilt? 我家阳台下午太晒了": the question's language)
            return asked
        # (the shop's words count for nothing beside Chinese unless English grammar holds them: "pls cancel my order")
        zh, en = _weighed(text, *own_words(text, loanwords=bool(_EN_FRAME.search(_NOT_WORDS.sub(" ", text)))))
        return "zh" if cjk and zh >= en else "en"
    if previous == "en" and 0 < cjk <= FEW_CHARACTERS and any(
            w.lower() in catalogue_words() and w.lower() not in _LOANWORDS for w in _LATIN_WORD.findall(_NOT_WORDS.sub(" ", text))):
        return "en"  # an English writer's few Chinese words around the catalogue's ("那 black 的呢"; not "yes 确认")
    if not cjk or not latin:
        if cjk >= 2:
            return "zh"
        # (a form filled in English words is no switch: "email x@y.com, reason: ordered by mistake")
        # (the catalogue's words and the grammar's count half: "is the helmet waterproof?" switches, "got it thx" not)
        words = _NOT_WORDS.sub(" ", text)
        en = latin + 0.5 * (sum(w.lower() in catalogue_words() for w in _LATIN_WORD.findall(words)) + len(_EN_FRAME.findall(words)))
        return "en" if latin and (previous == "en" or en >= SWITCH_TO_ENGLISH and _EN_FRAME.search(
            _NOT_WORDS.sub(" ", text))) else previous
    if previous == "zh" and _english_frame(text):  # "can you write me a script to scrape 淘宝 prices?"
        return "en"
    return previous


def _asked_in(text: str) -> str | None:
    """The language of a message's one question, where it is in one script alone and the rest of the message, in
    the other, asks nothing ("Any smart watch under 330 dollars? 现在有货的", "有没有蓝牙音箱? my kid loves music")."""
    parts = [p for p in re.split(r"(?<=[?？])", _NOT_WORDS.sub(" ", text)) if p.strip()]
    asked = [p for p in parts if re.search(r"[?？]\s*$", p)]
    if len(parts) != 2 or len(asked) != 1:
        return None
    question, rest = asked[0], next(p for p in parts if p is not asked[0])
    if re.search(r"[吗呢么?？]", rest):
        return None
    words = len(_LATIN_WORD.findall(question))
    if not _CJK.search(question) and (words >= 3 and _EN_FRAME.search(question) or words >= 4) \
            and _CJK.search(rest) and not _LATIN_WORD.search(rest):
        return "en"
    if _CJK.search(question) and not _LATIN_WORD.search(question) and _LATIN_WORD.search(rest) and not _CJK.search(rest):
        return "zh"
    return None


def _english_frame(text: str) -> bool:
    """An English sentence around a Chinese name or two: English function words, no Chinese ones."""
    text = _NOT_WORDS.sub(" ", text)
    return len(_EN_FRAME.findall(text)) >= 3 and not _ZH_FRAME.search(text)
