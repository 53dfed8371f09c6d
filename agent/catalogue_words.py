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
def catalogue_words() -> frozenset[str]:
    phrases = []
    for name, aliases in yaml.safe_load(ALIASES.read_text(encoding="utf-8")).items():
        phrases += [name, *aliases]
    for product in json.loads(tau2_file("db.json"))["products"].values():
        for variant in product["variants"].values():
            for key, value in variant["options"].items():
                phrases += [key, str(value)]
    return frozenset(w.lower() for phrase in phrases for w in re.findall(r"[A-Za-z]{2,}", phrase))


@lru_cache(maxsize=1)
def option_values() -> frozenset[str]:
    """The words of the catalogue's option values ("white", "17-inch", "leather"), and sizes in words:
    words that pick one item or variant out of several."""
    values = {str(value).lower() for product in json.loads(tau2_file("db.json"))["products"].values()
              for variant in product["variants"].values() for value in variant["options"].values()}
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
    return tuple(Attribute(spec["label"], re.compile("|".join(spec["words"]), re.IGNORECASE),
                           frozenset(k.lower() for k in spec["keys"])) for spec in table.values())


def asked_attributes(text: str) -> list[Attribute]:
    """The attributes a message asks about ("is it waterproof", "续航多久"), data/shop/attributes.yaml."""
    return [a for a in attributes() if a.words.search(text)]
