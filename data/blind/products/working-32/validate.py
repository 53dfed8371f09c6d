#!/usr/bin/env python3
"""Validate the blind test set in this folder against the schema and /tmp/blind_shop/db.json."""
import json
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
DB = Path("/tmp/blind_shop/db.json")
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
PER_FILE = {"zh": 7, "en": 5, "mixed": 3}
ID_RE = re.compile(r"^blindpf31-(zh|en|mixed)-(\d{3})$")
CONV_KEYS = {"id", "language", "reply_language", "capability", "tags", "turns"}
TURN_KEYS = {"say", "mentions", "not_mentions"}

errors = []


def err(msg):
    errors.append(msg)


# ---- the catalogue, prices kept as db.json writes them
db = json.loads(DB.read_text(), parse_float=str, parse_int=str)
names, options, avail_prices, all_prices = set(), set(), set(), set()
for p in db["products"].values():
    names.add(p["name"])
    for v in p["variants"].values():
        for val in v["options"].values():
            options.add(str(val))
        all_prices.add(v["price"])
        if v["available"] is True:
            avail_prices.add(v["price"])

NUM_RE = re.compile(r"^\d+(\.\d+)?$")


def check_value(cid, where, s, need_available):
    if not isinstance(s, str):
        err(f"{cid} {where}: {s!r} is not a string")
        return
    if NUM_RE.match(s) and s not in names and s not in options:
        if s not in all_prices:
            err(f"{cid} {where}: price {s} is not a price in db.json")
        elif need_available and s not in avail_prices:
            err(f"{cid} {where}: price {s} belongs to no available variant")
        return
    if s in names or s in options:
        return
    err(f"{cid} {where}: {s!r} is neither a product name, a price nor an option value in db.json")


def check_list(cid, where, lst, need_available):
    if not isinstance(lst, list):
        err(f"{cid} {where}: not a list")
        return
    for item in lst:
        if isinstance(item, list):
            if len(item) < 1:
                err(f"{cid} {where}: empty any-of list")
            for s in item:
                check_value(cid, where, s, need_available)
        else:
            check_value(cid, where, item, need_available)


def check_raw_flow_lists(path, text):
    """mentions / not_mentions must be flow-style lists of double-quoted strings."""
    for n, line in enumerate(text.splitlines(), 1):
        m = re.match(r"^\s*(mentions|not_mentions):\s*(.*)$", line)
        if not m:
            continue
        rest = m.group(2).strip()
        if not (rest.startswith("[") and rest.endswith("]")):
            err(f"{path.name}:{n}: {m.group(1)} is not a flow-style list")
            continue
        inner = re.sub(r'"[^"]*"', "", rest)
        if re.search(r"[^\[\],\s]", inner):
            err(f"{path.name}:{n}: {m.group(1)} has a value that is not double-quoted")


seen_ids = {}
total = 0
counts = {}
for kind, cap in KINDS.items():
    path = HERE / f"{kind}.yaml"
    if not path.exists():
        err(f"missing {path.name}")
        continue
    text = path.read_text(encoding="utf-8")
    if not text.startswith(f"# Theme: {kind}\n"):
        err(f"{path.name}: first line must be '# Theme: {kind}'")
    check_raw_flow_lists(path, text)
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or set(data) != {"conversations"}:
        err(f"{path.name}: top level must be exactly 'conversations:'")
        continue
    convs = data["conversations"]
    lang_count = {"zh": 0, "en": 0, "mixed": 0}
    for c in convs:
        cid = c.get("id", "?")
        if set(c) != CONV_KEYS:
            err(f"{cid}: keys {sorted(c)} != {sorted(CONV_KEYS)}")
        m = ID_RE.match(str(cid))
        if not m:
            err(f"{cid}: bad id")
            continue
        if cid in seen_ids:
            err(f"{cid}: duplicate id (also in {seen_ids[cid]})")
        seen_ids[cid] = path.name
        lang = c.get("language")
        if lang != m.group(1):
            err(f"{cid}: language {lang} does not match id")
        if lang in lang_count:
            lang_count[lang] += 1
        rl = c.get("reply_language")
        if rl not in ("zh", "en"):
            err(f"{cid}: reply_language {rl}")
        if lang in ("zh", "en") and rl != lang:
            err(f"{cid}: reply_language {rl} differs from language {lang}")
        capv = c.get("capability")
        if capv not in CAPS:
            err(f"{cid}: capability {capv} not allowed")
        if cap is not None and capv != cap:
            err(f"{cid}: capability {capv}, expected {cap} for {kind}")
        tags = c.get("tags")
        if not isinstance(tags, list) or len(tags) < 2 or tags[0] != capv or tags[1] != kind:
            err(f"{cid}: tags must start with [{capv}, {kind}]: {tags}")
        elif not all(isinstance(t, str) and t for t in tags):
            err(f"{cid}: tags must be non-empty strings")
        turns = c.get("turns")
        if not isinstance(turns, list) or not turns:
            err(f"{cid}: no turns")
            continue
        if kind == "follow_up" and not 2 <= len(turns) <= 3:
            err(f"{cid}: follow_up needs 2-3 turns, has {len(turns)}")
        if kind != "follow_up" and len(turns) != 1:
            err(f"{cid}: {kind} conversations have one turn")
        for i, t in enumerate(turns, 1):
            if not isinstance(t, dict) or not set(t) <= TURN_KEYS or "say" not in t or "mentions" not in t:
                err(f"{cid} turn {i}: keys {sorted(t) if isinstance(t, dict) else t}")
                continue
            if not isinstance(t["say"], str) or not t["say"].strip():
                err(f"{cid} turn {i}: empty say")
            check_list(cid, f"turn {i} mentions", t["mentions"], need_available=True)
            if "not_mentions" in t:
                if kind != "need":
                    err(f"{cid} turn {i}: not_mentions only allowed in need.yaml")
                check_list(cid, f"turn {i} not_mentions", t["not_mentions"], need_available=False)
                flat = {x for x in t["mentions"] if isinstance(x, str)}
                for x in t["not_mentions"]:
                    if x in flat:
                        err(f"{cid} turn {i}: {x} both in mentions and not_mentions")
    for lang, want in PER_FILE.items():
        if lang_count[lang] != want:
            err(f"{path.name}: {lang_count[lang]} {lang} conversations, want {want}")
    counts[kind] = lang_count
    total += len(convs)

if total != 105:
    err(f"{total} conversations, want 105")

# ids numbered 001..N per language without gaps
for lang, n in (("zh", 49), ("en", 35), ("mixed", 21)):
    want = {f"blindpf31-{lang}-{i:03d}" for i in range(1, n + 1)}
    have = {i for i in seen_ids if f"-{lang}-" in i}
    if want != have:
        err(f"{lang} ids: missing {sorted(want - have)} extra {sorted(have - want)}")

# claims.json covers every id, one line each
claims_path = HERE / "claims.json"
if claims_path.exists():
    claims = json.loads(claims_path.read_text(encoding="utf-8"))
    if set(claims) != set(seen_ids):
        err(f"claims.json ids differ: missing {sorted(set(seen_ids) - set(claims))} extra {sorted(set(claims) - set(seen_ids))}")
    for k, v in claims.items():
        if not isinstance(v, str) or "\n" in v or not v.strip():
            err(f"claims.json {k}: must be a one-line note")
else:
    err("claims.json missing")

for kind, lc in counts.items():
    print(f"{kind:18s} zh={lc['zh']} en={lc['en']} mixed={lc['mixed']} total={sum(lc.values())}")
print(f"total conversations: {total}")
if errors:
    print(f"\nFAIL: {len(errors)} problem(s)")
    for e in errors:
        print(" -", e)
    sys.exit(1)
print("PASS")
