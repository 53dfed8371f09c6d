"""Products by what they are for, when a shopper names a need instead of a product ("a gift for my dad who
likes hiking", "适合露营的"), and the closest products to one the shop does not sell ("do you sell tents?").

A message names a need when it says one of a product's uses (data/shop/product_uses.yaml, words per product, en
and zh); which products it is for is then read by the need reader (data/shop/need_reader.npz, a logistic
regression over e5 vectors learned from needs in shoppers' own words: scripts/need_reader.py). What the shop does
not sell is compared in meaning (e5 vectors of each product's name, aliases and uses) with the catalogue.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from agent.catalogue_words import LOOK_ALIKES, USES, aliases, homophones

NEEDS = USES.parent / "need_examples.yaml"
READER = USES.parent / "need_reader.npz"
CATALOGUE_READER = USES.parent / "catalogue_reader.npz"
# a product is shown for a need when it is at least this share as likely as the likeliest; a use word of its the
# message names makes it this much likelier in log-odds. Chosen with scripts/need_reader.py --check (each read batch
# left out in turn; 658 needs in session 35): the first product shown is one the writer expected for 94% of needs,
# against 60% with the products whose use words a message names most; 89% of those shown were expected, against 43%
# (1.28 products a need; 0.25 shows 1.33, 88% expected, and more noise beside a clear need: "photography, under 600":
# a puzzle and an e-reader beside the action camera).
SURE = 0.3
USE_WORD = 1.0

# a message that wants two things ("something to ride on, and something to protect her head", "还想给他配个…", "对了他喝水
# 的杯子上周也摔碎了 一起帮我看看"): the
# reader's own odds, without the use words' weight, which would leave one of the two out
TWO_WANTS = re.compile(r"\bboth\b|两样|\btwo things\b|\bfor each\b|\band (?:something|a|an) (?:to|for)\b|"
                       r"\balso (?:need|want|looking for|something)\b|还想(?:给[^，,。]{1,3})?配|还想要(?:一|个)|另外还?(?:想)?要(?:一|个)|顺便(?:再)?(?:给[^，,。]{1,3})?(?:配|买)|"
                       r"再(?:给[^，,。]{1,3})?配(?:个|一个|一)|一起(?:帮我)?(?:看|推荐|买)|\bwhile (?:i'?m|you'?re) at it\b", re.IGNORECASE)


# a task of another kind than buying, whatever things it names ("帮我写一段生日祝福语 送给我妈的", "what's the weather …")
NOT_SHOPPING = re.compile(r"帮我写|写(?:一|个|段|封|首|篇)|\bwrite (?:me |up )?(?:a|an|my|some)\b|cover letter|翻译|\btranslat|天气|"
                          r"\bweather\b|菜谱|食谱|\brecipes?\b|笑话|\bjokes?\b|讲个|\btell me (?:a|about)\b|\bpoems?\b|写诗|规划|"
                          r"学习计划|\bplan (?:a|my|our) (?:trip|route|day|week|holiday|vacation)\b|\bhelp (?:me )?with (?:my |his |her )?homework\b|"
                          r"辅导作业|(?:好看|推荐)[^，,。]{0,4}电影|\bmovies? (?:to watch|recommendations?)\b|餐馆|饭店|必吃|\brestaurants?\b|"
                          r"报[^，,。]{0,3}课|什么课|课可以报|课程|睡前故事|讲[^，,。]{0,3}故事|\bbedtime stor|\bplay (?:some|a|me)\b|\bsave (?:up |money )?for\b|"
                          r"\binvest|理财|存钱|贷款|\bloans?\b", re.IGNORECASE)  # (not the topics a need may name: "孩子写作业用的台灯",
#                                                            "for my yoga classes", "餐厅那种硬椅子")


@lru_cache(maxsize=1)
def _uses() -> dict[str, tuple[str, ...]]:
    return {name: tuple(str(w).lower() for w in words)
            for name, words in yaml.safe_load(USES.read_text(encoding="utf-8")).items()}


def _said(word: str, text: str) -> bool:
    return bool(_forms(word).search(text)) if word.isascii() else word in text


@lru_cache(maxsize=4096)
def _forms(word: str) -> re.Pattern:
    """A use's word and its inflections: "bike" also as "biking", "bikes"; "jog" as "jogging"; "ride" as "riding"."""
    stem = re.escape(word[:-1]) + "(?:e|es|ed|ing|er)" if word.endswith("e") and len(word) > 3 and " " not in word \
        else re.escape(word) + (f"(?:s|ing|{re.escape(word[-1])}ing)?" if re.search(r"[^aeiou][aeiou][bdgmnpt]$", word)
                                else "(?:s|ing)?")
    return re.compile(rf"(?<![a-z]){stem}(?![a-z])")


# a use denied ("宿舍没燃气灶只能插电": no gas hob; "we don't have a gas stove")
_NOT_A_USE = re.compile(r"(?:没有|没|无)(?=燃气|煤气|灶|炉)[\u4e00-\u9fff]{1,3}|\b(?:no|without|(?:don'?t|doesn'?t) have)\s+(?:an? |the )?"
                        r"(?:gas |electric )?(?:stove|hob|cooker|outlet|socket)s?\b")


def without_uses_of(text: str, others: list[str], name: str) -> str:
    """The text without the uses of other products that are not this one's too: "插电的烧水壶 玻璃的" asked of the
    Tea Kettle has no "插电" (the Electric Kettle's use, not its electric hob)."""
    own = set(_uses().get(name, ()))
    for word in {w for other in others if other != name for w in _uses().get(other, ())} - own:
        text = _forms(word).sub(" ", text) if word.isascii() else text.replace(word, " ")
    return text


def products_for(text: str) -> list[str]:
    """The products a need the text names is for, the likeliest first ([] when it names none of a product's
    uses): "cook outdoors when the grandchildren come" the Grill, though its "garden" is a use of the Patio
    Umbrella's; "我老婆开始练瑜伽了…想给她买点啥" the Yoga Mat, not the Perfume her being a wife suggests."""
    return list(_products_for(text))


def uses_named(text: str, name: str, people: bool = True) -> int:
    """How many of a product's uses the text names (a plural listed beside its word is that word: "gadgets"
    counts once for gadget, gadgets); `people=False`: not counting who it is for ("老公", "my dad")."""
    lowered, words = _NOT_A_USE.sub(" ", LOOK_ALIKES.sub(" ", text.lower())), _uses().get(name, [])
    return sum(_said(w, lowered) for w in words if not (w.endswith("s") and w[:-1] in words)
               and (people or w not in _PEOPLE))


# who a thing is for and the occasion, among the uses: weaker than what it is for ("想给我老公买个生日礼物 他平时喜欢
# 拍照": the camera his photography names, before the watch a husband suggests)
_PEOPLE = frozenset("""dad husband boyfriend wife girlfriend mom mother mum son daughter kid kids teen teens teenager
teenage boy girl baby family grandparents elderly birthday anniversary 爸爸 老公 男朋友 老婆 女朋友 妈妈 我妈 儿子 女儿
孩子 男孩 小男孩 侄子 家庭 生日 纪念日""".split())


@lru_cache(maxsize=256)  # asked of the same message by the router and the flow
def _products_for(text: str) -> tuple[str, ...]:
    if not any(uses_named(text, name) for name in _uses()):
        return ()
    what = {} if TWO_WANTS.search(text) else {name: n for name in _uses() if (n := uses_named(text, name, people=False))}
    return tuple(_likely(text, what))


def _likely(text: str, named: dict[str, int]) -> list[str]:
    """The products the reader finds likely for the text, given the use words it names of each (what it is for,
    not who); where the reader was trained for another catalogue, those `named`, the nearest in meaning first."""
    if (reader := _reader()) is None:
        nearness = dict(zip(*_nearness(text)))
        return sorted(named or nearness, key=lambda n: -nearness[n])
    from fastmodels.encoder import shared_encoder

    names, coef, bias = reader
    query = shared_encoder().encode(text)
    return likeliest(names, coef @ (query / np.linalg.norm(query)) + bias, named)


def likeliest(names: list[str], log_odds: np.ndarray, named: dict[str, int]) -> list[str]:
    """The products at least SURE times as likely as the likeliest, the likeliest first, each use word of theirs
    `named` (two at most) adding USE_WORD to their log-odds."""
    likely = log_odds + USE_WORD * np.minimum([named.get(n, 0) for n in names], 2)
    return [names[i] for i in np.argsort(-likely) if likely[i] >= likely.max() + np.log(SURE)]


@lru_cache(maxsize=1)
def _reader() -> tuple[list[str], np.ndarray, np.ndarray] | None:
    if not READER.exists():
        return None
    data = np.load(READER)
    names = [str(n) for n in data["names"]]
    return (names, data["coef"], data["intercept"]) if set(names) == set(_uses()) else None


CATALOGUE_SURE = 0.9  # (chosen with scripts/catalogue_reader.py --check: few of the other requests read as catalogue)


def asks_of_catalogue(text: str) -> bool:
    """The catalogue reader is sure the message asks about what we sell, whatever order words it carries ("你们的无线耳机防
    水吗？…之前那副就是进汗坏掉的": a question about earphones, not a complaint)."""
    if (reader := _catalogue_reader()) is None:
        return False
    from fastmodels.encoder import shared_encoder

    coef, bias = reader
    query = shared_encoder().encode(text)
    return float(coef @ (query / np.linalg.norm(query)) + bias) >= float(np.log(CATALOGUE_SURE / (1 - CATALOGUE_SURE)))


@lru_cache(maxsize=1)
def _catalogue_reader() -> tuple[np.ndarray, float] | None:
    if not CATALOGUE_READER.exists():
        return None
    data = np.load(CATALOGUE_READER)
    return data["coef"], float(data["intercept"][0])


def _nearness(text: str) -> tuple[list[str], np.ndarray]:
    from fastmodels.encoder import shared_encoder

    names, vectors = product_vectors()
    query = shared_encoder().encode(text)
    return names, vectors @ (query / np.linalg.norm(query))


VECTORS_DIR = Path("~/.cache/shopagent").expanduser()  # CACHE_DIR: preload() sets it from the settings


def preload(cache_dir: str | Path) -> None:
    """At a worker's start, not on the first shopper who asks for something the shop does not sell: the
    catalogue's vectors (about 4 s of CPU to encode, then kept under CACHE_DIR and read in milliseconds)."""
    global VECTORS_DIR
    VECTORS_DIR = Path(cache_dir).expanduser()
    product_vectors.cache_clear()
    product_vectors()
    homophones("蓝牙音箱")  # (the pinyin dictionary, ~0.2 s to load)


@lru_cache(maxsize=1)
def product_vectors() -> tuple[list[str], np.ndarray]:
    from fastmodels.encoder import shared_encoder

    names = list(_uses())
    docs = [f"{name}: {', '.join(map(str, aliases().get(name, [])))}; {', '.join(_uses()[name])}" for name in names]
    encoder = shared_encoder()
    version = hashlib.sha256("\n".join(docs).encode()).hexdigest()[:16]
    vectors = encoder.encode_kept(docs, VECTORS_DIR / f"product-vectors-{encoder.name}-{version}.npy")
    return names, vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


# words that ask for a suggestion without saying for what ("any recommendations?", "有什么推荐的吗")
_ASKING = re.compile(r"\b(?:any|some|what|which|do|you|have|got|can|could|would|should|please|recommend\w*|suggest\w*|"
                     r"ideas?|something|anything|good|nice|cool|best|buy|get|for|me|i|a|an|the|to|is|are|of|one|ones|"
                     r"that|this|it|and|or|need|want|looking|thing|things|stuff|gift|present|my|based|on|orders?|"
                     r"purchases?|history|bought|before|past|usual|thats?|lot|much)\b|推荐|有什么|有啥|买什么|买啥|好的|好物|"
                     r"东西|礼物|想买|想要|一个|一下|根据|买过|以前|之前|历史|订单|点什么|吗|呢|的|了|我|你们|给|个|[\W\d_]+",
                     re.IGNORECASE)  # (and "根据我买过的东西推荐点什么": the recommender's picks are what is asked)


def describes_need(text: str) -> bool:
    """The message says what the thing is for in words of its own (three or more, or five Chinese characters),
    beyond asking for a suggestion: "something to keep the kids busy at the kitchen table", not "any ideas?"."""
    rest = _ASKING.sub(" ", text)
    return len(re.findall(r"[a-z]{3,}", rest.lower())) >= 3 or len(re.findall(r"[\u4e00-\u9fff]", rest)) >= 5


def by_meaning(text: str) -> list[str]:
    """The products likely for a need no product's use words name (every product, the nearest in meaning first,
    where the reader was trained for another catalogue)."""
    return _likely(text, {})


def closest_products(thing: str, k: int = 3) -> list[str]:
    """The k products nearest in meaning to something the shop does not sell ("tent": Backpack, …)."""
    names, near = _nearness(f"buy a {thing} online")  # (a shopping phrase: "tent" alone reads as a word)
    # (what the need reader finds for it first: "cat tree", "dog food": the Pet Bed; "coffee beans": the Coffee Maker)
    return list(dict.fromkeys([*same_head(thing), *products_for(thing), *(names[i] for i in np.argsort(-near))]))[:k]


def same_head(thing: str) -> list[str]:
    """Products one of whose names is the head of the thing, another kind of it ("雨伞": the Patio Umbrella's 伞;
    "rain umbrella": its umbrella)."""
    lowered = thing.lower().strip()
    head = re.sub(r"(?<=[a-z]{3})e?s$", "", lowered.split()[-1]) if lowered.isascii() and lowered else lowered
    return [name for name, more in aliases().items() for written in (name, *more) if (w := written.lower()) != lowered
            and (lowered.endswith(w) or _HEAD_CHARACTER.search(lowered) and w.endswith(lowered[-1]) and not w.isascii()
                 if not w.isascii() else lowered.isascii() and head == w)]


# the last character of a Chinese thing that says its kind ("电竞椅": a 椅, as the 办公椅 is; not 机, which a phone and a
# coffee maker share, nor 壶, a kettle's and a coffee pot's)
_HEAD_CHARACTER = re.compile(r"(?:[椅灯鞋杯床伞垫锅桌]|(?<![冰信邮烤药])箱)$")  # (a fridge, 冰箱, is no kind of box)
