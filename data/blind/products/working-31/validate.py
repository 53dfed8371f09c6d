#!/usr/bin/env python3
"""Validate the blindpf30 product-question set against the schema and /tmp/blind_shop/db.json."""
import json
import os
import re
import sys
from collections import Counter, defaultdict

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DB = "/tmp/blind_shop/db.json"
KINDS = {
    "need": "recommend",
    "do_you_sell": "product_info",
    "specific_variant": "product_info",
    "attribute": "product_info",
    "comparison": "product_info",
    "cheapest_budget": "price_promo",
    "follow_up": None,  # whichever fits the first turn
}
CAPS = {"product_info", "recommend", "price_promo"}
WANT = {"zh": 7, "en": 5, "mixed": 3}
ID_RE = re.compile(r"^blindpf30-(zh|en|mixed)-(\d{3})$")
PRICE_RE = re.compile(r"^\d+(\.\d+)?$")
CJK_RE = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")
LATIN_RE = re.compile(r"[A-Za-z]{2,}")

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


db = json.load(open(DB))
raw_db = open(DB).read()
products = {p["name"]: p for p in db["products"].values()}
item_to_product = {}
for p in db["products"].values():
    for iid, v in p["variants"].items():
        item_to_product[iid] = p["name"]
all_option_values = set()
option_values_by_product = defaultdict(set)
avail_prices_by_product = defaultdict(set)
all_prices = set()
for p in db["products"].values():
    for v in p["variants"].values():
        for val in v["options"].values():
            all_option_values.add(val)
            option_values_by_product[p["name"]].add(val)
        ps = repr(float(v["price"])) if isinstance(v["price"], float) else str(v["price"])
        all_prices.add(ps)
        if v["available"]:
            avail_prices_by_product[p["name"]].add(ps)

claims = json.load(open(os.path.join(HERE, "claims.json")))
for cid, note in claims.items():
    if not isinstance(note, str) or "\n" in note or not note.strip():
        err("claims.json", f"{cid}: note must be a non-empty one-line string")
    for iid in re.findall(r"\b\d{10}\b", note):
        if iid not in item_to_product and iid not in {p["product_id"] for p in db["products"].values()}:
            err("claims.json", f"{cid}: cited id {iid} not in db.json")


def cited_items(cid):
    return [i for i in re.findall(r"\b\d{10}\b", claims.get(cid, "")) if i in item_to_product]


def flat(mentions):
    for m in mentions:
        if isinstance(m, list):
            for x in m:
                yield x
        else:
            yield m


seen_ids = set()
counts = {}
for kind, cap in KINDS.items():
    path = os.path.join(HERE, f"{kind}.yaml")
    where = f"{kind}.yaml"
    if not os.path.exists(path):
        err(where, "missing")
        continue
    text = open(path, encoding="utf-8").read()
    if text.splitlines()[0].strip() != f"# Theme: {kind}":
        err(where, "first line must be '# Theme: <kind>'")
    # mentions / not_mentions must be flow-style lists of double-quoted strings (valid JSON)
    for n, line in enumerate(text.splitlines(), 1):
        m = re.match(r"^\s+(mentions|not_mentions):\s*(.*)$", line)
        if m:
            try:
                val = json.loads(m.group(2))
                assert isinstance(val, list)
            except Exception:
                err(where, f"line {n}: {m.group(1)} is not a flow list of double-quoted strings")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or set(data) != {"conversations"}:
        err(where, "top level must be exactly {conversations: [...]}")
        continue
    convs = data["conversations"]
    lang_count = Counter()
    for i, c in enumerate(convs):
        cw = f"{where}#{i}"
        if set(c) != {"id", "language", "reply_language", "capability", "tags", "turns"}:
            err(cw, f"keys {sorted(c)}")
            continue
        cid = c["id"]
        cw = f"{where}:{cid}"
        mm = ID_RE.match(str(cid))
        if not mm:
            err(cw, "bad id")
            continue
        if cid in seen_ids:
            err(cw, "duplicate id")
        seen_ids.add(cid)
        lang = c["language"]
        if mm.group(1) != lang:
            err(cw, "id language part != language")
        if lang not in WANT:
            err(cw, f"language {lang}")
        lang_count[lang] += 1
        rl = c["reply_language"]
        if rl not in ("zh", "en"):
            err(cw, "reply_language must be zh or en")
        if lang in ("zh", "en") and rl != lang:
            err(cw, "reply_language must equal language for zh/en")
        capc = c["capability"]
        if capc not in CAPS:
            err(cw, f"capability {capc}")
        if cap is not None and capc != cap:
            err(cw, f"capability should be {cap} for {kind}")
        tags = c["tags"]
        if not isinstance(tags, list) or len(tags) < 2 or tags[0] != capc or tags[1] != kind:
            err(cw, "tags must start with [capability, kind]")
        turns = c["turns"]
        if not isinstance(turns, list) or not turns:
            err(cw, "turns must be a non-empty list")
            continue
        if kind == "follow_up" and not (2 <= len(turns) <= 3):
            err(cw, "follow_up needs 2-3 turns")
        if kind != "follow_up" and len(turns) != 1:
            err(cw, "single-turn kinds need exactly 1 turn")
        # scope: products named in mentions + products of items cited in claims
        scope = {item_to_product[i] for i in cited_items(cid)}
        for t in turns:
            for s in flat(t.get("mentions", []) or []):
                if s in products:
                    scope.add(s)
        cited_prices = set()
        for i in cited_items(cid):
            for p in db["products"].values():
                if i in p["variants"]:
                    v = p["variants"][i]
                    if v["available"]:
                        cited_prices.add(repr(float(v["price"])))
        if cid not in claims:
            err(cw, "no claim in claims.json")
        for ti, t in enumerate(turns):
            tw = f"{cw} turn {ti + 1}"
            allowed = {"say", "mentions", "not_mentions"}
            if not set(t) <= allowed or "say" not in t or "mentions" not in t:
                err(tw, f"turn keys {sorted(t)}")
                continue
            if "not_mentions" in t and kind != "need":
                err(tw, "not_mentions only allowed in need.yaml")
            say = t["say"]
            if not isinstance(say, str) or not say.strip():
                err(tw, "empty say")
            else:
                has_cjk = bool(CJK_RE.search(say))
                has_lat = bool(LATIN_RE.search(say))
                if lang == "en" and has_cjk:
                    err(tw, "en message contains CJK")
                if lang == "zh" and not has_cjk:
                    err(tw, "zh message without CJK")
                if lang == "mixed" and ti == 0 and not (has_cjk and has_lat):
                    err(tw, "mixed opening message should contain both Chinese and English")
            for key in ("mentions", "not_mentions"):
                if key not in t:
                    continue
                ms = t[key]
                if not isinstance(ms, list):
                    err(tw, f"{key} must be a list")
                    continue
                for m in ms:
                    if isinstance(m, list):
                        if key == "not_mentions":
                            err(tw, "not_mentions must be flat")
                        if len(m) < 2 or not all(isinstance(x, str) for x in m):
                            err(tw, f"any-of list must hold >=2 strings: {m}")
                    elif not isinstance(m, str):
                        err(tw, f"{key} item must be string or list of strings: {m!r}")
                for s in flat(ms):
                    if not isinstance(s, str):
                        continue
                    if s in products:
                        continue
                    if PRICE_RE.match(s):
                        if key == "mentions":
                            ok = any(s in avail_prices_by_product[p] for p in scope)
                            if not ok:
                                err(tw, f"price {s} is not an available variant price of {sorted(scope)}")
                            if s not in cited_prices:
                                err(tw, f"price {s} not backed by an available item cited in claims.json")
                            if f'"price": {s},' not in raw_db and f'"price": {s}\n' not in raw_db:
                                err(tw, f"price {s} not written that way in db.json")
                        elif s not in all_prices:
                            err(tw, f"not_mentions price {s} not in db.json")
                        continue
                    if s in all_option_values:
                        if key == "mentions" and not any(s in option_values_by_product[p] for p in scope):
                            err(tw, f"option value {s} does not belong to {sorted(scope)}")
                        continue
                    err(tw, f"{key} value {s!r} is not a product name, price or option value in db.json")
    for lang, n in WANT.items():
        if lang_count[lang] != n:
            err(where, f"{lang}: {lang_count[lang]} conversations, want {n}")
    counts[kind] = dict(lang_count)

# ids numbered uniquely and contiguously per language across the files
by_lang = defaultdict(list)
for i in seen_ids:
    m = ID_RE.match(i)
    by_lang[m.group(1)].append(int(m.group(2)))
for lang, nums in by_lang.items():
    if sorted(nums) != list(range(1, len(nums) + 1)):
        err("ids", f"{lang} ids not contiguous from 001")
if set(claims) != seen_ids:
    err("claims.json", f"ids differ: extra {sorted(set(claims) - seen_ids)} missing {sorted(seen_ids - set(claims))}")

for kind, c in counts.items():
    print(f"{kind:18s} zh={c.get('zh', 0)} en={c.get('en', 0)} mixed={c.get('mixed', 0)} total={sum(c.values())}")
print(f"total conversations: {len(seen_ids)}")
if errors:
    print(f"\nFAIL: {len(errors)} problem(s)")
    for e in errors:
        print(" -", e)
    sys.exit(1)
print("OK: all checks passed")
