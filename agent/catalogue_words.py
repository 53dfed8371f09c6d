"""The Latin words of the shop's catalogue: product names, their aliases, option names and values.

Shoppers copy them whatever language they write in ("退Air Purifier", "换成 on-ear"), so they tell
nothing about the language of the conversation.
"""
from __future__ import annotations

import json
import re
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
    return frozenset(words | {"small", "medium", "large"})
