"""Shoppers' ways of writing data, brought to one form before anything reads the message.

Dictated and phone-typed messages spell e-mails out ("juan dot rossi2348 at example dot com",
"ava点hernandez8232 艾特 example点com"), say digits in Chinese ("邮编四六二零五", "W四五零六一七三") or English ("W eight nine nine one eight three
six") and
type full-width digits ("Ｗ１２３４５６７"). Identity and order numbers must be found in all of them.
Traditional characters ("請問我買的平板電腦到了沒有") are read in simplified, the models' and the
catalogue's script.
"""
from __future__ import annotations

import re

import zhconv

from agent.catalogue_words import homophones, pinyin_words, spelled

_FULL_WIDTH = {**{0xFF10 + i: 0x30 + i for i in range(10)}, **{0xFF21 + i: 0x41 + i for i in range(26)},
               **{0xFF41 + i: 0x61 + i for i in range(26)}, 0xFF20: 0x40, 0xFF03: 0x23}
_ZH_DIGITS = str.maketrans("零〇一二三四五六七八九幺", "001234567891")
_ZH_DIGIT_RUN = re.compile(r"[零〇一二三四五六七八九幺]{3,}")  # three or more: a number read out, not "一个"
_EN_DIGIT = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
             "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_EN_WORD = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|\d)"
# digits read out one by one, three or more ("zip code two eight two one six", "W eight nine nine one …"),
# with the order id's W glued on ("W 8991836")
_EN_DIGIT_RUN = re.compile(rf"\b(?:(W)[\s-]+)?({_EN_WORD}(?:[\s-]+{_EN_WORD}){{2,}})\b", re.IGNORECASE)


def _digits(m: re.Match) -> str:
    digits = "".join(_EN_DIGIT.get(w.lower(), w) for w in re.split(r"[\s-]+", m[2]))
    if not re.search(r"[a-z]", m[2], re.IGNORECASE) and not m[1]:
        return m[0]  # "3 4 5" typed as digits: left as typed
    return (m[1].upper() if m[1] else "") + digits


_DOT = r"\s*(?:\bdot\b|点|點)\s*"
_AT = r"\s*(?:(?<![A-Za-z])at\b|艾特|@)\s*"  # "hernandez6086at example点com" too
# the digits read out after a word of the local part stay with it: "evelyn dot davis nine four five three at …"
_LOCAL_PART = r"[A-Za-z0-9_+-]+(?:\s+\d+)?"
_SPOKEN_EMAIL = re.compile(rf"({_LOCAL_PART}(?:(?:{_DOT}|\.){_LOCAL_PART})*){_AT}([A-Za-z0-9-]+(?:{_DOT}[A-Za-z]{{2,}})+)",
                           re.IGNORECASE)


def _email(m: re.Match) -> str:
    local, domain = (re.sub(r"\s+", "", re.sub(_DOT, ".", part, flags=re.IGNORECASE)) for part in (m[1], m[2]))
    return f"{local}@{domain}"


_HAN = re.compile(r"[\u3400-\u9fff]")
# a house number or an apartment read out in words ("one twenty river walk drive apartment four b")
_UNITS = {word: int(digit) for word, digit in _EN_DIGIT.items() if word != "o"}
_TEENS = dict(zip("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split(), range(10, 20)))
_TENS = dict(zip("twenty thirty forty fifty sixty seventy eighty ninety".split(), range(20, 100, 10)))
_NUMBER_WORD = "|".join([*_UNITS, *_TEENS, *_TENS, "hundred"])
_NUMBER_WORDS = rf"(?:{_NUMBER_WORD})(?:(?:(?<=hundred)\s+and)?[\s-]+(?:{_NUMBER_WORD}))*"  # ("four hundred and seventy")
_SPOKEN_HOUSE = re.compile(rf"\b({_NUMBER_WORDS})(?=\s+(?:[a-z]+\s+){{0,3}}?(?:street|avenue|road|drive|lane|boulevard|"
                           rf"blvd|way|court|place|parkway|terrace|circle)\b)", re.IGNORECASE)
_SPOKEN_UNIT = re.compile(rf"\b(apartment|apt|unit|suite|floor|room)\s+({_NUMBER_WORDS})(?:\s+([a-z])\b)?", re.IGNORECASE)


def _number(words: str) -> str | None:
    """Number words as a house number is read: "one twenty" 120, "twelve hundred" 1200, "two oh five" 205."""
    out, tokens = "", [t for t in re.split(r"[\s-]+", words.lower()) if t != "and"]
    i = 0
    while i < len(tokens):
        word = tokens[i]
        value = _UNITS.get(word, _TEENS.get(word, _TENS.get(word)))
        if value is None:
            return None
        if word in _TENS and i + 1 < len(tokens) and tokens[i + 1] in _UNITS and tokens[i + 1] not in ("zero", "oh"):
            value, i = value + _UNITS[tokens[i + 1]], i + 1  # twenty five
        if i + 1 < len(tokens) and tokens[i + 1] == "hundred":
            value, i = value * 100, i + 1  # twelve hundred
            if i + 1 < len(tokens) and (rest := _number(" ".join(tokens[i + 1:]))) and len(rest) <= 2:
                return out + str(value + int(rest))  # one hundred twenty
        out += str(value)
        i += 1
    return out


def _house(m: re.Match) -> str:
    number = _number(m[1])
    return number if number and (len(number) > 1 or " " in m[1].strip()) else m[1]


def _unit(m: re.Match) -> str:
    number = _number(m[2])
    return f"{m[1]} {number}{(m[3] or '').upper()}" if number else m[0]


# an amount in words, said as money ("fifty bucks", "under two hundred", "a hundred dollars")
_SPOKEN_AMOUNT = re.compile(rf"(\b(?:under|below|over|around|about|budget|max|maximum) )?\b(?:(a) )?({_NUMBER_WORDS})\b",
                            re.IGNORECASE)


def _amount(m: re.Match) -> str:
    words = m[3]
    if m[2] and words.lower().startswith("hundred"):
        words = "one " + words  # ("a hundred")
    number = _number(words)
    if not number or len(number) < 2 or not m[1] and not re.match(r"\s*(?:dollars?|bucks|usd)\b", m.string[m.end():], re.I):
        return m[0]
    return (m[1] or "") + number


# punctuation dictated as words ("Apt 3C comma Los Angeles", "发货了没有句号")
# ("period" is left alone: "the return period")
_SPOKEN_MARKS = re.compile(r"\s*\b(?:comma(?=\s)|(?:full stop|question mark)\s*$)|逗号|句号|问号", re.IGNORECASE)
_MARKS = {"comma": ",", "full stop": ".", "question mark": "?", "逗号": "，", "句号": "。", "问号": "？"}


# a clothing size said in words ("a double x l", "2XL", "x-small"; not "extra large", a backpack's large too)
_SPOKEN_SIZE = re.compile(r"(?<![a-z0-9])(?:(double|2) ?x[ -]?(?:l|large)|x[ -](large|small)|(xx)[ -]large)(?![a-z])",
                          re.IGNORECASE)


def _size(m: re.Match) -> str:
    return "XXL" if m[1] or m[3] else "XL" if m[2].lower() == "large" else "XS"


# a water rating said or spaced: "IPX seven", "ipx 7", "IP-X7"
_WATER_RATING = re.compile(r"\b(ip) ?-? ?(x) ?-? ?(\d|zero|one|two|three|four|five|six|seven|eight)\b", re.IGNORECASE)
_RATING_DIGITS = dict(zip("zero one two three four five six seven eight".split(), "012345678"))


# a word typed in spaced capitals: "A M O L E D" (not "I A M", which no option is: three letters at least)
_SPACED_CAPITALS = re.compile(r"(?<![A-Za-z])(?:[A-Z] ){2,}[A-Z](?![A-Za-z])")


# chat spellings of common Chinese words, in a message with Chinese in it ("你们youmeiyou无人机", "电竞椅有木有")
_CHAT_WORD = {"youmeiyou": "有没有", "有木有": "有没有", "木有": "没有"}
_CHAT_WORDS = re.compile(r"(?<![a-z])you ?mei ?you(?![a-z])|有木有|木有", re.IGNORECASE)


def canonical(text: str) -> str:
    text = text.translate(_FULL_WIDTH)
    if _HAN.search(text):
        text = zhconv.convert(text, "zh-cn").replace("定单", "订单")  # (the older writing of 订单, typed still)
    text = _SPOKEN_MARKS.sub(lambda m: _MARKS[m[0].strip().lower()], text)
    text = _ZH_DIGIT_RUN.sub(lambda m: m[0].translate(_ZH_DIGITS), text)
    text = _EN_DIGIT_RUN.sub(_digits, text)
    text = _SPOKEN_UNIT.sub(_unit, _SPOKEN_HOUSE.sub(_house, text))
    text = _SPOKEN_AMOUNT.sub(_amount, text)
    text = _SPOKEN_SIZE.sub(_size, text)
    text = _WATER_RATING.sub(lambda m: "IPX" + _RATING_DIGITS.get(m[3].lower(), m[3]), text)
    text = _SPACED_CAPITALS.sub(lambda m: m[0].replace(" ", ""), text)  # ("A M O L E D屏的": AMOLED)
    text = _CHAT_WORDS.sub(lambda m: _CHAT_WORD[m[0].lower().replace(" ", "")], text) if _HAN.search(text) else text
    # a catalogue word mistyped by one slip ("wirless gaming mosue"), or in Chinese typed with a homophone ("蓝牙因箱")
    text = homophones(spelled(text))
    text = pinyin_words(text)  # (a product's Chinese word typed in pinyin: "你们家有pin tu吗")
    if "@" in text and not re.search(_DOT, text, re.IGNORECASE):
        return text
    return _SPOKEN_EMAIL.sub(_email, text)
