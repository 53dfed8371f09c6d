"""The Latin words of the shop's catalogue: product names, their aliases, option names and values.

Shoppers copy them whatever language they write in ("退Air Purifier", "换成 on-ear"), so they tell
nothing about the language of the conversation.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from tools.seed import tau2_file

ALIASES = Path(__file__).resolve().parent.parent / "data" / "shop" / "product_aliases.yaml"


@lru_cache(maxsize=1)
def aliases() -> dict[str, list]:
    """{product name: how shoppers write it}, read once (callers read, never change it)."""
    return yaml.safe_load(ALIASES.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def catalogue_words() -> frozenset[str]:
    phrases = []
    for name, written in aliases().items():
        phrases += [name, *written]
    for variants in catalogue_variants().values():
        for variant in variants:
            for key, value in variant["options"].items():
                phrases += [key, str(value)]
    return frozenset(w.lower() for phrase in phrases for w in re.findall(r"[A-Za-z]{2,}", phrase))


LEXICON = Path(__file__).resolve().parent.parent / "data" / "nlu" / "lexicon.txt"  # common English and Chinese words
USES = ALIASES.parent / "product_uses.yaml"
# things named with one of our products' words that are none of them ("an exercise bike" is no bicycle)
LOOK_ALIKES = re.compile(r"\b(?:exercise|stationary|spin|spinning) (?:bikes?|bicycles?)\b|动感单车|健身车|室内单车|"
                         r"\balarm clocks?\b|\bclock radios?\b|闹钟|钟头|钟点|几点钟|"  # (no wall clock: "坐好几个钟头")
                         r"雨伞|折叠伞|\b(?:rain|folding|compact|travel|pocket) umbrellas?\b|"  # (no patio umbrella)
                         r"\bsleeping bags?\b|睡袋|"  # (no backpack)
                         r"平板支撑|\bplanks?\b(?! ?(?:deck|board))|"  # (an exercise, no tablet)
                         r"\b(?:vacuum|dust|emptying|empty|changing|replacement|trash|garbage|plastic|shopping)\s+bags?\b",
                         re.IGNORECASE)  # (no backpack: "emptying bags is a nightmare" of a vacuum)


@lru_cache(maxsize=1)
def _spelling() -> tuple[frozenset[str], frozenset[str]]:
    """(the catalogue's words a typo may mean: names, aliases, options, uses; the common words no typo is)."""
    uses = yaml.safe_load(USES.read_text(encoding="utf-8"))
    words = catalogue_words() | {w.lower() for ws in uses.values() for phrase in ws for w in re.findall(r"[A-Za-z]{5,}", str(phrase))}
    words |= _SHOP_QUESTION_WORDS
    common = {line.strip() for line in LEXICON.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")}
    return frozenset(w for w in words if len(w) >= 5), frozenset(common)


# the words a product question turns on, respelled as the catalogue's are ("most expensiv", "cheapst", "availble")
_SHOP_QUESTION_WORDS = frozenset({"expensive", "cheapest", "cheaper", "pricier", "priciest", "available", "recommend",
                                  "difference", "compare", "budget", "waterproof", "wireless", "stock"})


def _near(typed: str, word: str) -> bool:
    """One slip of the thumb: two letters swapped, one left out or one too many; or in a long word one vowel
    for another, spelled by ear ("adjustible")."""
    if len(typed) == len(word):
        diff = [i for i, (a, b) in enumerate(zip(typed, word)) if a != b]
        # (two letters swapped, side by side or, in a longer word, one apart: "bycicle")
        return len(diff) == 2 and (diff[1] == diff[0] + 1 or diff[1] == diff[0] + 2 and len(word) >= 6) \
            and typed[diff[0]] == word[diff[1]] and typed[diff[1]] == word[diff[0]] \
            or len(diff) == 1 and len(word) >= 8 and typed[diff[0]] in "aeiou" and word[diff[0]] in "aeiou"
    short, long_ = sorted((typed, word), key=len)
    return len(long_) - len(short) == 1 and len(short) >= 5 and any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


_LOWER_WORD = re.compile(r"(?<![\w@.+-])([a-z]{5,})(?![\w@]|\.\w)")


def spelled(text: str) -> str:
    """A catalogue word mistyped by one slip, written right ("cheapest wirless gaming mosue", "skatebaord"):
    only words in lower case that are no common word (not "house" for "mouse"), and only one way to read each."""
    return _LOWER_WORD.sub(lambda m: _respelled(m[1]), text)


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{3,}")
_LATIN_RUN = re.compile(r"(?<![A-Za-z0-9@.])[A-Za-z]+(?:[ ]?[A-Za-z]+)*(?![A-Za-z0-9@])")


def pinyin_words(text: str) -> str:
    """A product's Chinese word typed in pinyin beside Chinese ("你们家有pin tu吗", "yu jia dian 一百块以内的", "普通
    shoubiao"), written in Chinese: only in a message with Chinese in it, only two syllables or more, toneless, and
    only where the letters are no English word."""
    if not _HAN.search(text) or not _LATIN_RUN.search(text):
        return text
    return _LATIN_RUN.sub(lambda m: _in_chinese(m[0]), text)


_HAN = re.compile(r"[\u4e00-\u9fff]")


def _in_chinese(run: str) -> str:
    sounds, tokens = _pinyin_sounds(), run.split(" ")
    out, i = [], 0
    while i < len(tokens):
        for j in range(min(len(tokens), i + 5), i, -1):  # (the longest run of syllables that is one word)
            if (word := sounds.get("".join(tokens[i:j]).lower())):
                out.append(word)
                i = j
                break
        else:
            out.append(tokens[i])
            i += 1
    return " ".join(out)


@lru_cache(maxsize=1)
def _pinyin_sounds() -> dict[str, str]:
    """{pinyin, joined and toneless: the product word of two to five characters said so}, where the words said so
    name one product and the letters are no English word (nor a word of the catalogue's)."""
    from pypinyin import lazy_pinyin

    english = {w.lower() for w in _spelling()[1]} | catalogue_words()  # (the common words, read once)
    said: dict[str, dict[str, set[str]]] = {}  # {sound: {word: the products it names}}
    for name, words in aliases().items():
        for w in (str(w) for w in words if re.fullmatch(r"[\u4e00-\u9fff]{2,5}", str(w))):
            said.setdefault("".join(lazy_pinyin(w)), {}).setdefault(w, set()).add(name)
    # (one product however written: 瑜伽垫 and 瑜珈垫 alike)
    return {**{sound: min(words) for sound, words in said.items()
               if len({n for names in words.values() for n in names}) == 1 and sound not in english},
            **{"".join(lazy_pinyin(w)): w for w in _ASKING_WORDS}}


# the words a question about our products turns on, typed in pinyin too ("shouji li zui pianyi de 多少钱")
_ASKING_WORDS = ("最便宜", "便宜", "最贵", "多少钱", "有货", "现货", "有没有", "推荐", "你们")


def homophones(text: str) -> str:
    """A Chinese catalogue word typed with one character that sounds the same, written right: the pinyin input
    slip ("蓝牙因箱": 蓝牙音箱, "那个只能手表": 智能手表). Only words of three or more characters, with all but one
    as typed, not a common word or another catalogue word, and only one way to read each (two characters are
    too often two words: "有现货" is no 有线 one, "想象中好" no 中号)."""
    text = _HAN_RUN.sub(lambda m: _reheard(m[0]), text) if _HAN_RUN.search(text) else text
    # a two-character product word only where a thing is wanted ("想买个台等": 台灯)
    return _WANTED_PAIR.sub(lambda m: m[0][:-2] + _reheard_pair(m[1]), text) if _WANTED_PAIR.search(text) else text


# (where one is wanted, or its price asked: "想买个台等", "最便宜的被包多少")
_WANTED_PAIR = re.compile(r"(?:(?:买|要|找|挑|选|推荐|有没有)(?:一|几)?[个台把只件款]|最?(?:便宜|贵)的|[这那][个款])"
                          r"([\u4e00-\u9fff]{2})(?:(?![\u4e00-\u9fff])|(?=多少|怎么卖|有货|有吗|有没有|几))")


@lru_cache(maxsize=1024)
def _reheard_pair(typed: str) -> str:
    from pypinyin import lazy_pinyin

    sounds, known = _pair_sounds()
    words = [w for w in sounds.get(tuple(lazy_pinyin(typed)), ()) if sum(a != b for a, b in zip(typed, w)) == 1]
    return words[0] if len(words) == 1 and typed not in known else typed


@lru_cache(maxsize=1)
def _pair_sounds() -> tuple[dict[tuple[str, ...], tuple[str, ...]], frozenset[str]]:
    """(pinyin → the products' two-character Chinese words said so; the words no slip is)."""
    words = {w for ws in aliases().values() for w in ws if re.fullmatch(r"[\u4e00-\u9fff]{2}", str(w))}
    return _by_sound(words), frozenset(words) | _sounds()[1]


@lru_cache(maxsize=1)
def zh_names() -> dict[str, str]:
    """Each product's name in Chinese, its first Chinese alias ("Desk Lamp": 台灯)."""
    return {name: zh for name, more in aliases().items()
            if (zh := next((str(w) for w in more or () if re.fullmatch(r"[\u4e00-\u9fff]+", str(w))), None))}


@lru_cache(maxsize=4096)
def _reheard(run: str) -> str:
    from pypinyin import lazy_pinyin

    sounds, known = _sounds()
    heard, out, i = lazy_pinyin(run), [], 0
    while i < len(run):
        for n in (5, 4, 3):
            typed = run[i:i + n]
            words = [w for w in sounds.get(tuple(heard[i:i + n]), ()) if len(typed) == n
                     and sum(a != b for a, b in zip(typed, w)) == 1]
            # (not a character that makes a common word with the one beside it: "笔记本电脑保修" is no 电脑包)
            if len(words) == 1 and typed not in known and not _word_across(run, i, n, words[0], known) \
                    and not _already_meant(typed, words[0]):
                out.append(words[0])
                i += n
                break
        else:
            out.append(run[i])
            i += 1
    return "".join(out)


def _already_meant(typed: str, word: str) -> bool:
    """The typed characters hold an option word that means what the word heard means: no slip ("要无线的" is no
    "无限的", the slip for it that the option words list)."""
    from agent.variants import _ZH_OPTIONS

    return word in _ZH_OPTIONS and any(w in typed and meaning == _ZH_OPTIONS[word] for w, meaning in _ZH_OPTIONS.items())


def _word_across(run: str, start: int, n: int, word: str, known: frozenset[str]) -> bool:
    """The one character typed otherwise than `word` (run[start:start+n] heard as it) makes a common word with the
    character just outside the window."""
    slip, known = next(j for j in range(n) if run[start + j] != word[j]), known | _SHOP_TALK
    after, before = run[start + n - 1:start + n + 1], run[max(start - 1, 0):start + 1]
    return slip == n - 1 and len(after) == 2 and after in known or slip == 0 and start > 0 and before in known


# the shop's own words the everyday lexicon lacks ("保修": warranty)
_SHOP_TALK = frozenset({"保修", "保价", "保养", "保暖", "保温", "包邮", "售后", "质保", "退换", "发货"})


@lru_cache(maxsize=1)
def _sounds() -> tuple[dict[tuple[str, ...], tuple[str, ...]], frozenset[str]]:
    """(pinyin → the catalogue's Chinese words said so: names, option words; the words no slip is: those and
    the common words)."""
    from agent.variants import ZH_COLOURS, _ZH_OPTIONS

    words = {w for ws in aliases().values() for w in ws if re.fullmatch(r"[\u4e00-\u9fff]{3,5}", str(w))}
    words |= {w for w in (*_ZH_OPTIONS, *ZH_COLOURS) if re.fullmatch(r"[\u4e00-\u9fff]{3,5}", w)}
    sounds = _by_sound(words)
    common = {line.strip() for line in LEXICON.read_text(encoding="utf-8").splitlines()
              if line and not line.startswith("#") and not line.isascii()}
    return sounds, frozenset(words | common)


def _by_sound(words: set[str]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """{pinyin: the words said so}."""
    from pypinyin import lazy_pinyin

    sounds: dict[tuple[str, ...], tuple[str, ...]] = {}
    for w in sorted(words):
        heard = tuple(lazy_pinyin(w))
        sounds[heard] = (*sounds.get(heard, ()), w)
    return sounds


@lru_cache(maxsize=4096)  # (a word is looked up once, whoever types it)
def _respelled(typed: str) -> str:
    words, common = _spelling()
    if typed in words or typed in common or typed.rstrip("s") in words or typed[:-2] in words:
        return typed  # (known, or a known word's plural: "purifiers", "watches")
    near = {w for w in words if abs(len(w) - len(typed)) <= 1 and _near(typed, w)}
    if not near and typed.endswith("s") and (one := _respelled(typed[:-1])) != typed[:-1]:
        return one + "s"  # a mistyped plural: "keybaords"
    return near.pop() if len(near) == 1 else typed


@lru_cache(maxsize=1)
def catalogue_variants() -> dict[str, tuple[dict, ...]]:
    """Each product's variants as the seed catalogue lists them (for words, not for stock or prices)."""
    return {product["name"]: tuple(product["variants"].values())
            for product in json.loads(tau2_file("db.json"))["products"].values()}


@lru_cache(maxsize=1)
def option_values() -> frozenset[str]:
    """The words of the catalogue's option values ("white", "17-inch", "leather"), and sizes in words:
    words that pick one item or variant out of several."""
    values = {str(value).lower() for variants in catalogue_variants().values()
              for variant in variants for value in variant["options"].values()}
    words = {w for value in values for w in re.findall(r"[a-z0-9-]+", value) if len(w) > 1 and not w.isdigit()}
    one = {w[:-1] for w in words if len(w) > 4 and w.endswith("s") and not w.endswith("ss")}  # "the animal one"
    return frozenset(words | one | {"small", "medium", "large"})


ATTRIBUTES = ALIASES.parent / "attributes.yaml"


@dataclass(frozen=True)
class Attribute:
    """Something shoppers ask of a product, and the catalogue's option names that answer it."""
    label: dict[str, str]  # en / zh
    words: re.Pattern
    keys: frozenset[str]


@lru_cache(maxsize=1)
def attributes() -> tuple[Attribute, ...]:
    table = yaml.safe_load(ATTRIBUTES.read_text(encoding="utf-8"))
    # (ASCII word edges: an English word typed against Chinese is a word too, "Espresso machine的pressure是多少bar")
    return tuple(Attribute(spec["label"], re.compile("|".join(spec["words"]), re.IGNORECASE | re.ASCII),
                           frozenset(k.lower() for k in spec["keys"])) for spec in table.values())


def option_name(key: str, language: str) -> str:
    """An option's name as a reply in this language writes it: the catalogue's own in English, the label of the
    attribute it alone answers (or that bears its name) in Chinese ("length": 长度); the catalogue's where none."""
    if language == "en":
        return key
    return next((a.label.get(language, key) for a in attributes()
                 if a.keys == {key.lower()} or a.label["en"] == key.lower() and key.lower() in a.keys), key)


def asked_attributes(text: str) -> list[Attribute]:
    """The attributes a message asks about ("is it waterproof", "续航多久"), data/shop/attributes.yaml."""
    return [a for a in attributes() if a.words.search(text)]


def without_attributes(text: str) -> str:
    """The text less the attributes it asks about ("how long does the battery last": no battery of a desk lamp's
    power source named), for the option values it names as a wish."""
    for attribute in asked_attributes(text):
        text = attribute.words.sub(" ", text)
    return text
