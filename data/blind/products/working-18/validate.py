#!/usr/bin/env python3
"""Validate the final-17 blind product-question batch against the shop catalogue.

Reads db.json (products section only), every *.yaml file listed in FILES, and the
"# check <id> t<n> {json}" comment lines written above each conversation. Each check
is recomputed from db.json and the expected `mentions` are rebuilt from it; they must
equal what the YAML says (order-insensitive; groups compared as sets).

Usage: python3 validate.py [path/to/db.json]
"""
import json
import os
import re
import sys
import unicodedata

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DB = sys.argv[1] if len(sys.argv) > 1 else "/tmp/blind_shop/db.json"
FILES = ["need", "do_you_sell", "specific_variant", "attribute", "comparison",
         "cheapest_budget", "follow_up"]
PER_FILE = {"zh": 7, "en": 5, "mixed": 3}
CAPS = {
    "need": {"recommend"},
    "do_you_sell": {"product_info"},
    "specific_variant": {"product_info"},
    "attribute": {"product_info"},
    "comparison": {"product_info"},
    "cheapest_budget": {"recommend", "product_info", "price_promo"},
    "follow_up": {"recommend", "product_info", "price_promo"},
}
BEHAVIOURS = {"terse", "chatty", "typos", "slang", "voice", "traditional", "fullwidth",
              "corrects", "reseller", "angry", "volunteers", "half_option", "out_of_order"}
OUTCOMES = {"not_sold", "sold_out", "none_in_budget"}
SOLD = ["售罄", "缺货", "没货", "无货", "卖完", "售完", "断货",
        "sold out", "out of stock", "unavailable", "not available"]
# characters that exist only in traditional script (a heuristic for the `traditional` tag)
TRAD = set("請們嗎這個價錢買麼還實種電義與對應無頭見給裡費體會時來說點傘陽動調頂現貨掛鐘"
           "牆難藍綠車跟氣淨機記錄運幾臺台紀錄覺得東從讓邊開關")

errors = []


def err(msg):
    errors.append(msg)


with open(DB) as fh:
    PRODUCTS = {p["name"]: p for p in json.load(fh)["products"].values()}


def ptok(price):
    """Acceptable strings for one price: as db.json writes it; .0 prices also as X.00 / X."""
    s = repr(float(price))
    if s.endswith(".0"):
        return [f"{price:.2f}", str(int(price))]
    return [s]


def money(x):
    """Strings for a computed amount (a difference)."""
    s = f"{x:.2f}"
    out = [s]
    t = s.rstrip("0").rstrip(".")
    if t != s:
        out.append(t)
    return out


def variants(product, where=None, avail=None, max_=None, below=None):
    if product not in PRODUCTS:
        err(f"unknown product {product!r}")
        return []
    out = []
    for v in PRODUCTS[product]["variants"].values():
        o = v["options"]
        ok = True
        for k, val in (where or {}).items():
            if k not in o:
                err(f"{product}: no option {k!r}")
                return []
            vals = val if isinstance(val, list) else [val]
            if o[k] not in vals:
                ok = False
        if not ok:
            continue
        if avail is not None and v["available"] != avail:
            continue
        if max_ is not None and v["price"] > max_:
            continue
        if below is not None and v["price"] >= below:
            continue
        out.append(v)
    return out


def flat_price(p):
    t = ptok(p)
    return ("flat", t[0]) if len(t) == 1 else ("group", frozenset(t))


def group(items):
    return ("group", frozenset(items))


def expected_for(claim, ctx):
    """Return the list of normalised mention entries the claim implies."""
    k = claim["kind"]
    prod = claim.get("product")
    where = claim.get("where", {})
    if k == "fit":
        allm = variants(prod, where)
        if claim.get("unique") and len(allm) != 1:
            err(f"{ctx}: fit unique but {len(allm)} variants match {where}")
        fit = variants(prod, where, avail=True, max_=claim.get("max"), below=claim.get("below"))
        if not fit:
            err(f"{ctx}: fit has no available variant for {prod} {where}")
            return []
        prices = sorted(v["price"] for v in fit)
        mode = claim.get("mode", "flat")
        if mode == "flat":
            return [flat_price(p) for p in prices]
        toks = [t for p in prices for t in ptok(p)]
        if mode == "price_group":
            return [group(toks)]
        if mode == "name_group":
            return [group([prod] + toks)]
        err(f"{ctx}: bad mode {mode}")
        return []
    if k == "sold_out":
        m = variants(prod, where)
        if not m:
            err(f"{ctx}: sold_out but nothing matches {prod} {where}")
        if any(v["available"] for v in m):
            err(f"{ctx}: sold_out but an available variant matches {prod} {where}")
        return [group(SOLD)]
    if k == "no_match":
        if variants(prod, where):
            err(f"{ctx}: no_match but variants exist for {prod} {where}")
        toks = []
        if "alts" in claim:
            alts = variants(prod, claim["alts"], avail=True)
            if not alts:
                err(f"{ctx}: no available alternatives for {claim['alts']}")
            toks += [t for v in sorted(alts, key=lambda v: v["price"]) for t in ptok(v["price"])]
        words = claim.get("words", [])
        if "values_of" in claim:  # English words must be real available values of that option
            vals = {v["options"][claim["values_of"]].lower() for v in variants(prod, avail=True)}
            for w in claim.get("value_words", []):
                if w.lower() not in vals:
                    err(f"{ctx}: {w!r} is not an available {claim['values_of']} of {prod}")
            words = words + claim.get("value_words", [])
        return [group(toks + words)]
    if k in ("min", "max"):
        av = variants(prod, where, avail=True)
        if not av:
            err(f"{ctx}: {k} with nothing available")
            return []
        best = (min if k == "min" else max)(av, key=lambda v: v["price"])
        same = [v for v in av if v["price"] == best["price"]]
        if len(same) != 1:
            err(f"{ctx}: {k} is tied")
        report = claim.get("report", "price")
        out = []
        if report in ("price", "both"):
            out.append(flat_price(best["price"]))
        if report in ("value", "both"):
            opt = claim["option"]
            words = claim["words"]
            if best["options"][opt].lower() not in [w.lower() for w in words]:
                err(f"{ctx}: {k} {opt} is {best['options'][opt]!r}, not in {words}")
            out.append(group(words))
        return out
    if k == "value":
        av = variants(prod, where, avail=True)
        if len(av) != 1:
            err(f"{ctx}: value needs one available variant, got {len(av)}")
            return []
        opt = claim["option"]
        if av[0]["options"][opt] != claim["value"]:
            err(f"{ctx}: {opt} is {av[0]['options'][opt]!r}, claim says {claim['value']!r}")
        if claim.get("versus"):
            other = variants(prod, claim["versus"], avail=True)
            if len(other) != 1:
                err(f"{ctx}: versus must be one available variant")
            elif claim.get("larger"):
                a = float(re.sub(r"[^0-9.]", "", av[0]["options"][opt]))
                b = float(re.sub(r"[^0-9.]", "", other[0]["options"][opt]))
                if not a > b:
                    err(f"{ctx}: {opt} {a} is not larger than {b}")
        return [group(claim["words"])]
    if k == "compare":
        pa, pb = prod, claim.get("product_b", prod)
        va = variants(pa, claim["a"])
        vb = variants(pb, claim["b"])
        if len(va) != 1 or len(vb) != 1:
            err(f"{ctx}: compare sides must be unique ({len(va)}, {len(vb)})")
            return []
        for side, v in (("a", va[0]), ("b", vb[0])):
            if not v["available"]:
                err(f"{ctx}: compare side {side} is sold out")
        a, b = va[0]["price"], vb[0]["price"]
        if "cheaper" in claim:
            want = "a" if a < b else "b"
            if claim["cheaper"] != want:
                err(f"{ctx}: cheaper is {want}, claim says {claim['cheaper']}")
        out = []
        if not claim.get("only_diff"):
            out += [flat_price(a), flat_price(b)]
        if claim.get("diff") or claim.get("only_diff"):
            d = money(round(abs(a - b), 2))
            out.append(("flat", d[0]) if len(d) == 1 else group(d))
        return out
    if k == "none_in_budget":
        av = variants(prod, where, avail=True)
        if any(v["price"] <= claim["max"] for v in av):
            err(f"{ctx}: none_in_budget but something fits {claim['max']}")
        if not av:
            err(f"{ctx}: none_in_budget with nothing available at all")
            return []
        return [flat_price(min(v["price"] for v in av))]
    if k == "not_sold":
        names = [n.lower() for n in PRODUCTS]
        for t in claim["terms"]:
            if any(t.lower() in n for n in names):
                err(f"{ctx}: not_sold term {t!r} is in a product name")
        return []
    if k == "sells":
        av = variants(prod, avail=True)
        if not av:
            err(f"{ctx}: sells but nothing available")
        toks = [t for v in sorted(av, key=lambda v: v["price"]) for t in ptok(v["price"])]
        return [group([prod] + toks)]
    err(f"{ctx}: unknown kind {k}")
    return []


def norm(m):
    if isinstance(m, list):
        return ("group", frozenset(str(x) for x in m))
    return ("flat", str(m))


CHECK_RE = re.compile(r"^#\s*check\s+(\S+)\s+t(\d+)\s+(\{.*\})\s*$")
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z\uff21-\uff3a\uff41-\uff5a]{2,}")
FULLWIDTH = re.compile(r"[\uff01-\uff5e]")


def claims_of(obj):
    return obj["claims"] if obj.get("kind") == "all" else [obj]


seen_ids = {"zh": [], "en": [], "mixed": []}
product_use = {}
total = 0
for stem in FILES:
    path = os.path.join(HERE, stem + ".yaml")
    if not os.path.exists(path):
        err(f"missing {stem}.yaml")
        continue
    text = open(path, encoding="utf-8").read()
    checks = {}
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("# check"):
            m = CHECK_RE.match(s)
            if not m:
                err(f"{stem}: malformed check line: {s[:80]}")
                continue
            key = (m.group(1), int(m.group(2)))
            if key in checks:
                err(f"{stem}: duplicate check {key}")
            try:
                checks[key] = json.loads(m.group(3))
            except json.JSONDecodeError as e:
                err(f"{stem}: bad json in check {key}: {e}")
    doc = yaml.safe_load(text)
    convs = doc.get("conversations", [])
    counts = {"zh": 0, "en": 0, "mixed": 0}
    used_keys = set()
    for c in convs:
        total += 1
        cid = c.get("id", "?")
        lang = c.get("language")
        if lang not in counts:
            err(f"{cid}: bad language {lang}")
            continue
        counts[lang] += 1
        m = re.fullmatch(r"blindpf17-(zh|en|mixed)-(\d{3})", cid)
        if not m or m.group(1) != lang:
            err(f"{cid}: id does not match blindpf17-{lang}-NNN")
        else:
            seen_ids[lang].append(int(m.group(2)))
        rl = c.get("reply_language")
        if lang in ("zh", "en") and rl != lang:
            err(f"{cid}: reply_language {rl} for {lang}")
        if lang == "mixed" and rl not in ("zh", "en"):
            err(f"{cid}: reply_language {rl}")
        cap = c.get("capability")
        if cap not in CAPS[stem]:
            err(f"{cid}: capability {cap} not allowed in {stem}")
        tags = c.get("tags", [])
        if not tags or tags[0] != cap:
            err(f"{cid}: first tag must be the capability")
        if stem not in tags:
            err(f"{cid}: kind tag {stem} missing")
        for t in tags[1:]:
            if t != stem and t not in BEHAVIOURS and t not in OUTCOMES:
                err(f"{cid}: unknown tag {t}")
        if len(set(tags)) != len(tags):
            err(f"{cid}: duplicate tag")
        turns = c.get("turns", [])
        if stem == "follow_up":
            if not 2 <= len(turns) <= 3:
                err(f"{cid}: follow_up needs 2-3 turns")
        elif not 1 <= len(turns) <= 3:
            err(f"{cid}: 1-3 turns expected")
        says = " ".join(str(t.get("say", "")) for t in turns)
        if lang == "zh" and not CJK.search(says):
            err(f"{cid}: zh without Chinese")
        if lang == "en" and CJK.search(says):
            err(f"{cid}: en with Chinese characters")
        if lang == "mixed" and not (CJK.search(says) and LATIN_WORD.search(says)):
            err(f"{cid}: mixed needs Chinese and Latin words")
        if "fullwidth" in tags and not FULLWIDTH.search(says):
            err(f"{cid}: tagged fullwidth without full-width characters")
        if "fullwidth" not in tags and FULLWIDTH.search(says.replace("，", "").replace("？", "").replace("！", "").replace("（", "").replace("）", "").replace("：", "").replace("；", "")):
            err(f"{cid}: full-width letters/digits but no fullwidth tag")
        if "traditional" in tags and not (set(says) & TRAD):
            err(f"{cid}: tagged traditional without traditional characters")
        kinds = set()
        for i, t in enumerate(turns, 1):
            ctx = f"{cid} t{i}"
            used_keys.add((cid, i))
            if not t.get("say"):
                err(f"{ctx}: empty say")
            if (cid, i) not in checks:
                err(f"{ctx}: no # check line")
                continue
            chk = checks[(cid, i)]
            exp = []
            for cl in claims_of(chk):
                kinds.add(cl["kind"])
                if cl.get("product"):
                    product_use.setdefault(cl["product"], 0)
                    product_use[cl["product"]] += 1
                exp += expected_for(cl, ctx)
            got = [norm(x) for x in (t.get("mentions") or [])]
            if sorted(map(repr, got)) != sorted(map(repr, exp)):
                err(f"{ctx}: mentions {got} != expected {exp}")
            nm = t.get("not_mentions")
            excl = [e for cl in claims_of(chk) for e in cl.get("exclude", [])]
            if nm is not None or excl:
                if stem != "need":
                    err(f"{ctx}: not_mentions only in need.yaml")
                if sorted(nm or []) != sorted(e["product"] for e in excl):
                    err(f"{ctx}: not_mentions {nm} != excluded {[e['product'] for e in excl]}")
                for e in excl:
                    if e["product"] not in PRODUCTS:
                        err(f"{ctx}: unknown excluded product {e['product']}")
                    elif e["why"] == "over_budget":
                        if variants(e["product"], avail=True, max_=e["max"]):
                            err(f"{ctx}: {e['product']} has something within {e['max']}")
                    elif e["why"] != "shopper_excluded":
                        err(f"{ctx}: bad exclude reason {e['why']}")
        if ("sold_out" in kinds) != ("sold_out" in tags):
            err(f"{cid}: sold_out tag/claim mismatch")
        if ("not_sold" in kinds) != ("not_sold" in tags):
            err(f"{cid}: not_sold tag/claim mismatch")
        if ("none_in_budget" in kinds) != ("none_in_budget" in tags):
            err(f"{cid}: none_in_budget tag/claim mismatch")
    for key in checks:
        if key not in used_keys:
            err(f"{stem}: check for unknown turn {key}")
    if counts != PER_FILE:
        err(f"{stem}: language mix {counts}, want {PER_FILE}")
    if len(convs) != 15:
        err(f"{stem}: {len(convs)} conversations, want 15")

for lang, nums in seen_ids.items():
    if sorted(nums) != list(range(1, len(nums) + 1)):
        err(f"ids for {lang} are not 1..{len(nums)} without gaps/duplicates: {sorted(nums)}")
    if nums != sorted(nums):
        err(f"ids for {lang} are not in batch order")

print(f"conversations: {total}; products used: {len(product_use)} of {len(PRODUCTS)}")
if errors:
    print(f"{len(errors)} error(s):")
    for e in errors:
        print(" -", e)
    sys.exit(1)
print("OK: no errors")
