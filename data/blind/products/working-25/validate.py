#!/usr/bin/env python3
"""Validate the blind product batch final-24 against the shop catalogue (db.json).

Usage: python3 validate.py [path/to/db.json]   (default /tmp/blind_shop/db.json)

Checks
  * the 7 files exist, start with the batch header, hold 15 conversations each (7 zh, 5 en, 3 mixed);
  * ids are blindpf24-<language>-NNN, unique, NNN exactly 001..105, language in the id = language field;
  * reply_language (zh->zh, en->en, mixed->zh|en), capability per file, tags, turns (follow_up: 2-4);
  * the shopper's text fits its language (zh has CJK and no English words of 3+ letters apart from a few
    units, en has no CJK, mixed has both);
  * every mention is a string or a non-empty list of strings; not_mentions only in need.yaml;
  * a list holding a catalogue product name has that English name first and no second product;
  * every price-like string (digits.digits) in mentions is written as db.json writes it and is the price of
    an AVAILABLE variant of a product named in the conversation (in that turn or before), or the exact
    difference of two prices required in the same turn;
  * every price in not_mentions is a variant price of a named product, and is not a substring of anything
    the same turn requires;
  * tag not_sold <=> an honest-no phrase list; such conversations name no catalogue product;
  * a sold-out phrase list, a sold-out price in not_mentions, or a required cheapest-available price undercut
    by a sold-out variant of the same product (cheapest/budget trap) => tag sold_out; tag sold_out => a named
    product has sold-out variants (attribute answers that must leave sold-out variants out);
  * tag none_in_budget: the turn requires the cheapest available price of a named product (or offers it
    among alternatives);
  * coverage: all 50 products are named somewhere in the batch.
Exit status 0 when everything passes; prints a summary with counts.
"""
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
DB_PATH = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/blind_shop/db.json")
KINDS = ["need", "do_you_sell", "specific_variant", "attribute", "comparison", "cheapest_budget", "follow_up"]
CAPS = {"need": {"recommend"}, "do_you_sell": {"recommend"},
        "specific_variant": {"product_info"}, "attribute": {"product_info"}, "comparison": {"product_info"},
        "cheapest_budget": {"product_info"}, "follow_up": {"product_info", "recommend"}}
PER_FILE = {"zh": 7, "en": 5, "mixed": 3}
PRICE_RE = re.compile(r"^\d+\.\d+$")
ID_RE = re.compile(r"^blindpf24-(zh|en|mixed)-(\d{3})$")
CJK = re.compile(r"[\u3400-\u9fff]")
# spec tokens that Chinese shoppers write in Latin letters without code-switching
ZH_OK_WORDS = {"usb", "amoled", "lcd", "bar", "hepa", "led", "wifi", "ssd", "mah", "eva", "pvc", "tpe", "rgb"}
SOLD_OUT_MARK = {"sold out", "售罄", "out of stock"}
NOT_SOLD_MARK = {"don't sell", "不卖", "没有卖"}

errors, notes = [], []


def err(where, msg):
    errors.append(f"{where}: {msg}")


db = json.loads(DB_PATH.read_text())
PRODUCTS = {p["name"]: list(p["variants"].values()) for p in db["products"].values()}
assert len(PRODUCTS) == 50, len(PRODUCTS)


def price_str(x):
    return repr(float(x))


def variants_with_price(names, s):
    return [(n, v) for n in names for v in PRODUCTS[n] if price_str(v["price"]) == s]


def min_avail(name):
    return price_str(min(v["price"] for v in PRODUCTS[name] if v["available"]))


def flat(items):
    out = []
    for it in items or []:
        out.extend(it if isinstance(it, list) else [it])
    return out


def is_phrase_list(item, marks):
    return isinstance(item, list) and any(m in item for m in marks)


seen_nums, lang_total = {}, Counter()
coverage = defaultdict(set)
tag_counts = Counter()
turn_total = 0

for kind in KINDS:
    path = HERE / f"{kind}.yaml"
    if not path.exists():
        err(kind, "file missing")
        continue
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[0] if text else ""
    if first != f"# blind product batch final-24 — {kind}":
        err(kind, f"bad header line {first!r}")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or set(data) != {"conversations"}:
        err(kind, "top level must be {conversations: [...]}")
        continue
    convs = data["conversations"]
    if len(convs) != 15:
        err(kind, f"{len(convs)} conversations, want 15")
    langs = Counter(c.get("language") for c in convs)
    if dict(langs) != PER_FILE:
        err(kind, f"languages {dict(langs)}, want {PER_FILE}")
    for c in convs:
        cid = c.get("id", "?")
        w = f"{kind}/{cid}"
        extra = set(c) - {"id", "language", "reply_language", "capability", "tags", "turns"}
        if extra:
            err(w, f"unexpected keys {extra}")
        m = ID_RE.match(str(cid))
        if not m:
            err(w, "bad id")
        else:
            if m.group(1) != c.get("language"):
                err(w, "id language != language")
            num = int(m.group(2))
            if num in seen_nums:
                err(w, f"number {num:03d} also used by {seen_nums[num]}")
            seen_nums[num] = cid
        lang = c.get("language")
        lang_total[lang] += 1
        rl = c.get("reply_language")
        if lang in ("zh", "en") and rl != lang:
            err(w, f"reply_language {rl} for language {lang}")
        if lang == "mixed" and rl not in ("zh", "en"):
            err(w, f"reply_language {rl}")
        if c.get("capability") not in CAPS[kind]:
            err(w, f"capability {c.get('capability')} not in {CAPS[kind]}")
        tags = c.get("tags")
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags) or not tags:
            err(w, "tags must be a non-empty list of strings")
            tags = []
        tag_counts.update(tags)
        turns = c.get("turns") or []
        if kind == "follow_up" and not 2 <= len(turns) <= 4:
            err(w, f"follow_up needs 2-4 turns, has {len(turns)}")
        if not turns:
            err(w, "no turns")
        turn_total += len(turns)

        named = []          # catalogue products named so far in this conversation
        has_mention = False
        sold_out_evidence = not_sold_list = False
        required_prices = []   # (product list at that time, price)
        for ti, t in enumerate(turns):
            tw = f"{w} turn {ti + 1}"
            extra = set(t) - {"say", "mentions", "not_mentions"}
            if extra:
                err(tw, f"unexpected keys {extra}")
            say = t.get("say")
            if not isinstance(say, str) or not say.strip():
                err(tw, "empty say")
                say = ""
            # language of the shopper's text (judged on the whole conversation for mixed)
            if lang == "en" and CJK.search(say):
                err(tw, "CJK characters in an en turn")
            if lang == "zh":
                words = [x for x in re.findall(r"[A-Za-z]{3,}", say) if x.lower() not in ZH_OK_WORDS]
                if not CJK.search(say) or words:
                    err(tw, f"zh turn should be Chinese (English words: {words})")
            mentions = t.get("mentions") or []
            nots = t.get("not_mentions") or []
            if nots and kind != "need":
                err(tw, "not_mentions is only used in need.yaml")
            for it in mentions + nots:
                if isinstance(it, list):
                    if not it or not all(isinstance(x, str) and x for x in it):
                        err(tw, f"bad nested mention {it!r}")
                elif not isinstance(it, str) or not it:
                    err(tw, f"bad mention {it!r}")
            if mentions:
                has_mention = True
            # product names
            for it in mentions:
                items = it if isinstance(it, list) else [it]
                prods = [x for x in items if x in PRODUCTS]
                if isinstance(it, list) and prods:
                    if items[0] not in PRODUCTS:
                        err(tw, f"product list should start with the English name: {it}")
                    if len(prods) > 1:
                        err(tw, f"two catalogue products in one alternative list: {prods}")
                for p in prods:
                    if p not in named:
                        named.append(p)
                    coverage[p].add(kind)
                if is_phrase_list(it, SOLD_OUT_MARK):
                    sold_out_evidence = True
                if is_phrase_list(it, NOT_SOLD_MARK):
                    not_sold_list = True
            req_flat = [x for x in flat(mentions)]
            turn_prices = [x for x in req_flat if PRICE_RE.match(x)]
            # required prices
            for x in turn_prices:
                if price_str(x) != x:
                    err(tw, f"price {x} not written as db.json writes it ({price_str(x)})")
                hits = variants_with_price(named, x)
                if hits:
                    if not any(v["available"] for _, v in hits):
                        err(tw, f"required price {x} belongs only to SOLD-OUT variants {[(n, v['item_id']) for n, v in hits]}")
                    elif len(hits) > 1:
                        notes.append(f"{tw}: price {x} matches {len(hits)} variants "
                                     f"({[(n, v['options'], v['available']) for n, v in hits]})")
                    for n, v in hits:
                        if v["available"]:
                            required_prices.append((n, float(x)))
                    continue
                others = [float(y) for y in turn_prices if y != x]
                if any(abs(abs(a - b) - float(x)) < 0.005 for a in others for b in others):
                    continue
                err(tw, f"price {x} is not a variant price of {named} nor a difference of this turn's prices")
            for x in req_flat:
                if re.fullmatch(r"\d+", x):
                    notes.append(f"{tw}: bare integer mention {x!r}")
            # not_mentions
            for x in flat(nots):
                if PRICE_RE.match(x):
                    hits = variants_with_price(named, x)
                    if not hits:
                        err(tw, f"not_mentions price {x} is not a variant price of {named}")
                    elif all(not v["available"] for _, v in hits):
                        sold_out_evidence = True
                for y in req_flat:
                    if x in y:
                        err(tw, f"not_mentions {x!r} is inside required {y!r}")
            # none_in_budget: this conversation must point to the cheapest available price
            if "none_in_budget" in tags and mentions:
                mins = {min_avail(p) for p in named}
                if not mins & set(req_flat):
                    err(tw, f"none_in_budget but no cheapest available price {mins} required")
        if not has_mention:
            err(w, "no mentions at all")
        if lang == "mixed":
            alltext = " ".join(t.get("say", "") for t in turns)
            if not (CJK.search(alltext) and re.search(r"[A-Za-z]{3,}", alltext)):
                err(w, "mixed conversation should mix Chinese and English")
        # cheapest/budget trap: the required price is the product's cheapest available one and a sold-out
        # variant of the same product is cheaper still
        price_question = kind == "cheapest_budget" or {"cheapest", "budget", "none_in_budget"} & set(tags)
        for n, p in required_prices:
            if price_question and price_str(p) == min_avail(n) and any((not v["available"]) and v["price"] < p for v in PRODUCTS[n]):
                sold_out_evidence = True
        if sold_out_evidence and "sold_out" not in tags:
            err(w, "a sold-out variant matters here (phrase list, sold-out not_mentions or cheapest trap) "
                   "but the tag sold_out is missing")
        if "sold_out" in tags and not sold_out_evidence:
            # weaker: the tag is allowed where a named product has sold-out variants that shape the answer
            if not any(not v["available"] for n in named for v in PRODUCTS[n]):
                err(w, "tag sold_out but no named product has a sold-out variant")
        if ("not_sold" in tags) != not_sold_list:
            err(w, f"tag not_sold={'not_sold' in tags} but honest-no list={not_sold_list}")
        if "not_sold" in tags and named:
            err(w, f"not_sold conversation names catalogue products {named}")
        if "not_sold" not in tags and not named:
            err(w, "names no catalogue product")

if sorted(seen_nums) != list(range(1, 106)):
    missing = sorted(set(range(1, 106)) - set(seen_nums))
    err("batch", f"numbers not exactly 001..105 (missing {missing[:10]}...)")
uncovered = sorted(set(PRODUCTS) - set(coverage))
if uncovered:
    err("batch", f"products never named: {uncovered}")

print(f"conversations: {sum(lang_total.values())}  turns: {turn_total}  languages: {dict(lang_total)}")
print(f"products covered: {len(coverage)}/50; by number of files: "
      + ", ".join(f"{p}={len(k)}" for p, k in sorted(coverage.items(), key=lambda kv: len(kv[1]))))
print("tags:", dict(sorted(tag_counts.items(), key=lambda kv: -kv[1])))
for nline in notes:
    print("note:", nline)
if errors:
    print(f"\nFAILED: {len(errors)} problem(s)")
    for e in errors:
        print(" -", e)
    sys.exit(1)
print("\nOK: all checks passed")
