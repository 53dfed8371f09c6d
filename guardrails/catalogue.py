"""The shop's products as the grounding rail reads them in a reply: every name a product goes by (its
catalogue name, the aliases shoppers use, data/shop/product_aliases.yaml) and which product each means.

Read from the same sources as agent/catalogue_words.py (the τ²-bench catalogue the store is seeded from),
once per process.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from agent.catalogue_words import ALIASES, catalogue_words, option_values
from tools.seed import tau2_file

_CJK = re.compile("[\u3400-\u9fff]")
# aliases that are as often something else in a reply: "your phone number", "watch the tracking", "留下您的电话"
NOT_A_PRODUCT_IN_REPLIES = {"phone", "telephone", "电话", "watch", "coffee", "tee", "钟"}
# colours a reply may claim that no product of ours comes in (a claim the data can never back)
OTHER_COLOURS = {"orange", "teal", "turquoise", "maroon", "khaki", "olive", "ivory", "cream", "lavender", "mint",
                 "coral", "burgundy", "cyan", "magenta", "violet"}


@dataclass(frozen=True)
class Catalogue:
    names: dict[str, frozenset[str]]  # a name or alias, lower case -> the catalogue products it may mean
    pattern: re.Pattern  # finds any of them in a normalised (lower-case) text
    styled: re.Pattern  # a name styled like a product's: capitalised words or a model code, then a product word
    words: frozenset[str]  # every word of the catalogue's names, aliases and options ("black", "17-inch", "i7")
    claim_values: frozenset[str]  # colours and materials: what a reply claims a product comes in or is made of

    def named(self, norm: str) -> list[tuple[str, frozenset[str]]]:
        """(the words used, the products they may mean) for each product named in a normalised text."""
        found = [m.group() for m in self.pattern.finditer(norm)]
        return [(w, self.names[w] if w in self.names else self.names[w[:-1]]) for w in found]  # "laptops"


def _alternative(name: str) -> str:
    """A Latin name as whole words with an optional plural; a Chinese one as it stands."""
    if _CJK.search(name):
        return re.escape(name)
    return r"(?<![\w-])" + re.escape(name) + r"s?(?![\w-])"


@lru_cache(maxsize=1)
def shop_catalogue() -> Catalogue:
    names: dict[str, set[str]] = {}
    products = json.loads(tau2_file("db.json"))["products"].values()
    catalogue = [p["name"] for p in products]
    claims = {str(value).lower() for p in products for variant in p["variants"].values()
              for key, value in variant["options"].items() if "color" in key or "material" in key}
    aliases = yaml.safe_load(ALIASES.read_text(encoding="utf-8"))
    for product in catalogue:
        for name in [product, *(aliases.get(product) or [])]:
            name = name.lower()
            if name in NOT_A_PRODUCT_IN_REPLIES or (_CJK.search(name) and len(name) < 2):
                continue
            names.setdefault(name, set()).add(product)
    # longest first: "electric toothbrush" before "toothbrush", 蓝牙耳机 before 耳机
    pattern = re.compile("|".join(_alternative(n) for n in sorted(names, key=len, reverse=True)))
    # what a product name ends in: the last words of ours ("UltraClean Pro Toothbrush", "SoundMax X2 Speaker")
    heads = "|".join(sorted({re.escape(p.lower().split()[-1]) for p in catalogue}, key=len, reverse=True))
    styled = re.compile(rf"((?:(?:[A-Z][\w'-]*|[A-Za-z]*\d[\w-]*)\s+){{1,4}})(?i:(?:{heads})s?)\b")
    return Catalogue({k: frozenset(v) for k, v in names.items()}, pattern, styled,
                     catalogue_words() | option_values(), frozenset(claims | OTHER_COLOURS))
