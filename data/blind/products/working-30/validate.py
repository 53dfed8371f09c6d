#!/usr/bin/env python3
"""Validate the blindpf29 product-question set against the schema and db.json.

Checks:
- 7 files, one per kind, each starting with '# Theme: <kind>' and holding 15 conversations
  (7 zh, 5 en, 3 mixed);
- exact keys, id format blindpf29-<lang>-NNN, ids unique across files and numbered 1..N per language
  without gaps; language / reply_language consistent; capability fits the kind; tags start with
  capability then kind;
- turns: 1 turn (2-3 for follow_up), each with `say` and `mentions`; `not_mentions` only in need.yaml;
- mentions / not_mentions are flow-style lists of double-quoted strings (raw-text check), items are
  strings or non-empty lists of strings;
- every value is a product name, a price, or an option value from db.json; every price in
  `mentions` is the price of an AVAILABLE variant of a product named somewhere in that conversation
  (prices in not_mentions only need to exist in db.json as some variant's price of a named product);
- claims.json has one note for every id.
Exit code 0 when everything passes.
"""
import json
import os
import re
import sys

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
LANG_COUNTS = {"zh": 7, "en": 5, "mixed": 3}
CONV_KEYS = {"id", "language", "reply_language", "capability", "tags", "turns"}
ID_RE = re.compile(r"^blindpf29-(zh|en|mixed)-(\d{3})$")

errors = []


def err(msg):
    errors.append(msg)


db = json.load(open(DB))
products = {}          # name -> product
price_all = {}         # price string -> set of product names (any variant)
price_avail = {}       # price string -> set of product names (available variants)
option_values = set()
for p in db["products"].values():
    products[p["name"]] = p
    for v in p["variants"].values():
        ps = repr(float(v["price"]))
        price_all.setdefault(ps, set()).add(p["name"])
        if v["available"]:
            price_avail.setdefault(ps, set()).add(p["name"])
        for val in v["options"].values():
            option_values.add(str(val))

# make sure the repr of the prices is how db.json writes them
raw_db = open(DB).read()
for ps in price_all:
    if f'"price": {ps}' not in raw_db:
        err(f"db price repr mismatch for {ps}")

PRICE_RE = re.compile(r"^\d+\.\d+$")


def flat(mentions):
    for m in mentions:
        if isinstance(m, list):
            for x in m:
                yield x
        else:
            yield m


def check_values(cid, where, values, named_products, must_be_available):
    if not isinstance(values, list):
        err(f"{cid} {where}: not a list")
        return
    for m in values:
        if isinstance(m, list):
            if not m:
                err(f"{cid} {where}: empty any-of list")
            for x in m:
                if not isinstance(x, str):
                    err(f"{cid} {where}: non-string in any-of {x!r}")
        elif not isinstance(m, str):
            err(f"{cid} {where}: non-string item {m!r}")
    for x in flat(values):
        if not isinstance(x, str):
            continue
        if x in products:
            continue
        if PRICE_RE.match(x):
            if x not in price_all:
                err(f"{cid} {where}: price {x} not in db.json")
                continue
            pool = price_avail if must_be_available else price_all
            owners = pool.get(x, set())
            if not owners:
                err(f"{cid} {where}: price {x} is not the price of an available variant")
            elif not (owners & named_products):
                err(f"{cid} {where}: price {x} belongs to {sorted(owners)}, not to a product named in the conversation {sorted(named_products)}")
            continue
        if x in option_values:
            continue
        err(f"{cid} {where}: {x!r} is neither a product name, a price nor an option value in db.json")


def raw_checks(fname, text):
    lines = text.splitlines()
    if not lines or lines[0].strip() != f"# Theme: {fname[:-5]}":
        err(f"{fname}: first line must be '# Theme: {fname[:-5]}'")
    for i, line in enumerate(lines, 1):
        s = line.strip()
        for key in ("mentions:", "not_mentions:"):
            if s.startswith(key):
                body = s[len(key):].strip()
                if not (body.startswith("[") and body.endswith("]")):
                    err(f"{fname}:{i}: {key} must be a flow-style list")
                # every scalar must be double-quoted: strip quoted strings, only [ ] , and spaces remain
                rest = re.sub(r'"(?:[^"\\]|\\.)*"', "", body)
                if re.sub(r"[\[\],\s]", "", rest):
                    err(f"{fname}:{i}: {key} has unquoted values: {body}")
        if s.startswith("- say:") or s.startswith("say:"):
            val = s.split("say:", 1)[1].strip()
            if not (val.startswith('"') and val.endswith('"')):
                err(f"{fname}:{i}: say must be double-quoted")


all_ids = {}
claims_path = os.path.join(HERE, "claims.json")
claims = json.load(open(claims_path)) if os.path.exists(claims_path) else None
if claims is None:
    err("claims.json missing")

counts = {}
for kind, cap in KINDS.items():
    fname = f"{kind}.yaml"
    path = os.path.join(HERE, fname)
    if not os.path.exists(path):
        err(f"missing {fname}")
        continue
    text = open(path, encoding="utf-8").read()
    raw_checks(fname, text)
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or set(data) != {"conversations"}:
        err(f"{fname}: top level must be exactly {{conversations: [...]}}")
        continue
    convs = data["conversations"]
    if len(convs) != 15:
        err(f"{fname}: {len(convs)} conversations, expected 15")
    lc = {"zh": 0, "en": 0, "mixed": 0}
    for c in convs:
        cid = c.get("id", "?")
        if set(c) != CONV_KEYS:
            err(f"{cid}: keys {sorted(c)} != {sorted(CONV_KEYS)}")
        m = ID_RE.match(str(cid))
        if not m:
            err(f"{cid}: bad id")
            continue
        lang = m.group(1)
        if cid in all_ids:
            err(f"{cid}: duplicate id (also in {all_ids[cid]})")
        all_ids[cid] = fname
        if c.get("language") != lang:
            err(f"{cid}: language {c.get('language')} does not match id")
        lc[lang] = lc.get(lang, 0) + 1
        rl = c.get("reply_language")
        if rl not in ("zh", "en"):
            err(f"{cid}: reply_language {rl}")
        if lang in ("zh", "en") and rl != lang:
            err(f"{cid}: reply_language {rl} for language {lang}")
        capv = c.get("capability")
        if capv not in CAPS:
            err(f"{cid}: capability {capv}")
        if cap and capv != cap:
            err(f"{cid}: capability {capv}, expected {cap} for {kind}")
        tags = c.get("tags")
        if not isinstance(tags, list) or len(tags) < 2 or tags[0] != capv or tags[1] != kind:
            err(f"{cid}: tags must start with [{capv}, {kind}]")
        turns = c.get("turns")
        if not isinstance(turns, list) or not turns:
            err(f"{cid}: no turns")
            continue
        if kind == "follow_up":
            if not 2 <= len(turns) <= 3:
                err(f"{cid}: follow_up needs 2-3 turns, has {len(turns)}")
        elif len(turns) != 1:
            err(f"{cid}: {kind} should have 1 turn, has {len(turns)}")
        named = set()
        for t in turns:
            for x in flat(t.get("mentions", []) or []):
                if x in products:
                    named.add(x)
            for x in flat(t.get("not_mentions", []) or []):
                if x in products:
                    named.add(x)
        # products named by the shopper in English in the text also count (e.g. follow-ups)
        for t in turns:
            for name in products:
                if name.lower() in str(t.get("say", "")).lower():
                    named.add(name)
        for n, t in enumerate(turns, 1):
            allowed = {"say", "mentions"} | ({"not_mentions"} if kind == "need" else set())
            if not isinstance(t, dict) or "say" not in t or "mentions" not in t:
                err(f"{cid} turn {n}: needs say and mentions")
                continue
            if set(t) - allowed:
                err(f"{cid} turn {n}: keys not allowed here: {sorted(set(t) - allowed)}")
            if not isinstance(t["say"], str) or not t["say"].strip():
                err(f"{cid} turn {n}: empty say")
            check_values(cid, f"turn {n} mentions", t["mentions"], named, True)
            if "not_mentions" in t:
                check_values(cid, f"turn {n} not_mentions", t["not_mentions"], named | set(products), False)
                overlap = set(flat(t["mentions"])) & set(flat(t["not_mentions"]))
                if overlap:
                    err(f"{cid} turn {n}: in both mentions and not_mentions: {overlap}")
        if kind == "need" and not any(flat(t["mentions"]) for t in turns):
            err(f"{cid}: a need must mention at least one product")
        if claims is not None and not str(claims.get(cid, "")).strip():
            err(f"{cid}: no claim in claims.json")
    for lang, want in LANG_COUNTS.items():
        if lc.get(lang) != want:
            err(f"{fname}: {lc.get(lang)} {lang} conversations, expected {want}")
    counts[fname] = lc

# numbering: per language 1..N without gaps
for lang, want in LANG_COUNTS.items():
    nums = sorted(int(ID_RE.match(i).group(2)) for i in all_ids if ID_RE.match(i).group(1) == lang)
    if nums != list(range(1, want * 7 + 1)):
        err(f"ids for {lang} are not 001..{want * 7:03d}: {nums}")

if claims is not None:
    extra = set(claims) - set(all_ids)
    if extra:
        err(f"claims.json has ids not in the set: {sorted(extra)}")

for fname, lc in counts.items():
    print(f"{fname:24s} zh={lc['zh']} en={lc['en']} mixed={lc['mixed']} total={sum(lc.values())}")
print(f"total conversations: {len(all_ids)}")
if errors:
    print(f"\nFAIL: {len(errors)} problem(s)")
    for e in errors:
        print(" -", e)
    sys.exit(1)
print("PASS")
