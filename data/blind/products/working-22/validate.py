#!/usr/bin/env python3
"""Validate the final-21 blind product set against the catalogue.

Checks: YAML parses; ids unique and well formed; 15 conversations per file (7 zh, 5 en, 3 mixed);
mention structure (a string = required, a list of strings = any one of them); every price-like
mention is the price of an *available* variant of a product named in the same conversation;
product names are exact catalogue names; not_mentions only in need.yaml, each one a price of a
sold-out variant that no available price contains; tags and capability sane.

Usage: python3 validate.py [path/to/db.json]   (default /tmp/blind_shop/db.json)
"""
import collections
import json
import pathlib
import re
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent
DB = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/blind_shop/db.json")
FILES = ["need", "do_you_sell", "specific_variant", "attribute", "comparison", "cheapest_budget", "follow_up"]
WANT_LANG = {"zh": 7, "en": 5, "mixed": 3}
INTENTS = {"order_status", "cancel_order", "return_item", "exchange_item", "refund_status", "modify_order",
           "product_info", "price_promo", "recommend", "shipping_policy", "return_policy", "payment_issue",
           "account", "complaint", "human_agent", "greeting", "thanks_bye", "out_of_scope", "handoff"}
BEHAVIOURS = {"changes_mind", "out_of_order", "volunteers", "corrects", "digression", "angry", "terse",
              "chatty", "typos", "says_no", "channel_switch", "not_sold", "sold_out", "none_in_budget"}
SOLD_OUT_WORDS = {"sold out", "out of stock", "缺货", "售罄", "没货"}
NEGATION_WORDS = {"don't", "没有"}
PRICE_RE = re.compile(r"^\d+\.\d{1,2}$")
# non-price, non-name strings that may appear in mentions
ALLOWED_WORDS = {"HEPA", "Brand A", "Ethernet"}

db = json.loads(DB.read_text())
products = db["products"]
NAMES = {p["name"] for p in products.values()}
# price string exactly as db.json writes it (json float repr) -> [(name, available)]
PRICES = collections.defaultdict(list)
for p in products.values():
    for v in p["variants"].values():
        PRICES[repr(float(v["price"]))].append((p["name"], v["available"]))
AVAILABLE_PRICE_STRS = [s for s, lst in PRICES.items() if any(a for _, a in lst)]

errors, warnings = [], []
ids = set()
lang_counts = collections.Counter()
tag_counts = collections.Counter()
file_lang = {}
covered = collections.Counter()


def err(cid, msg):
    errors.append(f"{cid}: {msg}")


def flat(items):
    for it in items or []:
        if isinstance(it, list):
            yield from (x for x in it if isinstance(x, str))
        elif isinstance(it, str):
            yield it


for fname in FILES:
    path = HERE / f"{fname}.yaml"
    try:
        data = yaml.safe_load(path.read_text())
    except Exception as e:  # noqa: BLE001
        errors.append(f"{path.name}: YAML error {e}")
        continue
    convs = data.get("conversations") if isinstance(data, dict) else None
    if not isinstance(convs, list):
        errors.append(f"{path.name}: no conversations list")
        continue
    per_lang = collections.Counter()
    for c in convs:
        cid = c.get("id", "?")
        m = re.fullmatch(r"blindpf21-(zh|en|mixed)-(\d{3})", cid)
        if not m:
            err(cid, "bad id")
        elif m.group(1) != c.get("language"):
            err(cid, "id language != language")
        if cid in ids:
            err(cid, "duplicate id")
        ids.add(cid)
        lang = c.get("language")
        per_lang[lang] += 1
        lang_counts[lang] += 1
        rl = c.get("reply_language")
        if rl not in ("en", "zh"):
            err(cid, "reply_language must be en or zh")
        if lang in ("en", "zh") and rl != lang:
            err(cid, "reply_language differs from language")
        cap = c.get("capability")
        if cap not in INTENTS:
            err(cid, f"unknown capability {cap}")
        tags = c.get("tags") or []
        if cap not in tags:
            err(cid, "capability not in tags")
        for t in tags:
            tag_counts[t] += 1
            if t not in INTENTS and t not in BEHAVIOURS:
                err(cid, f"unknown tag {t}")
        if "user" in c:
            err(cid, "product conversations need no user")
        turns = c.get("turns") or []
        if not turns:
            err(cid, "no turns")
        if fname == "follow_up" and not 2 <= len(turns) <= 3:
            err(cid, "follow_up needs 2-3 turns")
        if fname != "follow_up" and len(turns) != 1:
            warnings.append(f"{cid}: {len(turns)} turns outside follow_up")
        all_mentions = []
        for t in turns:
            if not isinstance(t.get("say"), str) or not t["say"].strip():
                err(cid, "turn without say")
            ms = t.get("mentions") or []
            for it in ms:
                if isinstance(it, list):
                    if not it or not all(isinstance(x, str) for x in it):
                        err(cid, f"bad any-of group {it}")
                elif not isinstance(it, str):
                    err(cid, f"bad mention {it!r}")
            all_mentions.extend(flat(ms))
            if t.get("not_mentions") and fname != "need":
                err(cid, "not_mentions outside need.yaml")
        named = {s for s in all_mentions if s in NAMES}
        if not named and "not_sold" not in tags:
            err(cid, "no catalogue product name in mentions")
        for n in named:
            covered[n] += 1
        for s in all_mentions:
            if PRICE_RE.match(s):
                owners = PRICES.get(s)
                if not owners:
                    err(cid, f"price {s} not in db.json as written")
                    continue
                ok = [(n, a) for n, a in owners if n in named]
                if not ok:
                    err(cid, f"price {s} belongs to {owners}, none named in the conversation")
                elif not any(a for _, a in ok):
                    err(cid, f"price {s} is only a sold-out variant's price")
            elif s[:1].isupper() and s not in NAMES and s not in ALLOWED_WORDS and " " in s:
                warnings.append(f"{cid}: '{s}' looks like a name but is not a catalogue product")
        for t in turns:
            for s in t.get("not_mentions") or []:
                if not isinstance(s, str):
                    err(cid, f"bad not_mention {s!r}")
                    continue
                if s in all_mentions:
                    err(cid, f"{s} both expected and forbidden")
                if PRICE_RE.match(s):
                    owners = PRICES.get(s)
                    if not owners:
                        err(cid, f"not_mention {s} not a db price")
                    elif any(a for _, a in owners):
                        err(cid, f"not_mention {s} is an available price {owners}")
                    clash = [a for a in AVAILABLE_PRICE_STRS if s in a]
                    if clash:
                        err(cid, f"not_mention {s} is contained in available price(s) {clash}")
        flat_all = set(all_mentions)
        if "sold_out" in tags and not flat_all & SOLD_OUT_WORDS:
            err(cid, "sold_out tag but no sold-out wording expected")
        if "not_sold" in tags and not flat_all & NEGATION_WORDS:
            err(cid, "not_sold tag but no negation expected")
        if flat_all & SOLD_OUT_WORDS and "sold_out" not in tags:
            err(cid, "sold-out wording expected but no sold_out tag")
        if flat_all & NEGATION_WORDS and "not_sold" not in tags:
            err(cid, "negation expected but no not_sold tag")
    file_lang[fname] = dict(per_lang)
    if len(convs) != 15:
        errors.append(f"{path.name}: {len(convs)} conversations, want 15")
    for lg, n in WANT_LANG.items():
        if per_lang[lg] != n:
            errors.append(f"{path.name}: {per_lang[lg]} {lg}, want {n}")

print("per file:", json.dumps(file_lang, ensure_ascii=False))
print("languages:", dict(lang_counts), "total", sum(lang_counts.values()))
print("tags:", dict(sorted(tag_counts.items())))
missing = sorted(NAMES - set(covered))
print(f"products covered: {len(covered)}/{len(NAMES)}", "missing:", missing)
for w in warnings:
    print("WARN", w)
for e in errors:
    print("ERROR", e)
print("OK" if not errors else f"{len(errors)} error(s)")
sys.exit(1 if errors else 0)
