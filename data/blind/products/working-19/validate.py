#!/usr/bin/env python3
"""Validate the final-18 blind product-question batch against db.json.

Every turn carries a YAML comment line above its conversation:
    # check <id> t<n> {"claims": [...], "exclude": [...]}
Each claim is recomputed from db.json and turned into the mention it implies;
the turn's `mentions` must equal the list so computed (groups compared as sets).
"""
import json, os, re, sys
from collections import Counter
import yaml

DB = os.environ.get("BLIND_DB", "/tmp/blind_shop/db.json")
HERE = os.path.dirname(os.path.abspath(__file__))
FILES = [("need.yaml", "need"), ("do_you_sell.yaml", "do_you_sell"),
         ("specific_variant.yaml", "specific_variant"), ("attribute.yaml", "attribute"),
         ("comparison.yaml", "comparison"), ("cheapest_budget.yaml", "cheapest_budget"),
         ("follow_up.yaml", "follow_up")]
CAPS = {"need": {"recommend"}, "do_you_sell": {"product_info"},
        "specific_variant": {"product_info"}, "attribute": {"product_info"},
        "comparison": {"product_info"},
        "cheapest_budget": {"recommend", "product_info", "price_promo"},
        "follow_up": {"recommend", "product_info", "price_promo"}}
BEHAVIOUR = {"terse", "chatty", "typos", "slang", "voice", "traditional", "fullwidth",
             "corrects", "reseller", "angry", "volunteers", "half_option", "out_of_order"}
OUTCOME = {"not_sold", "sold_out", "none_in_budget"}
MIX = {"zh": 7, "en": 5, "mixed": 3}

SOLD_OUT = {
    "zh": ["售罄", "缺货", "没货", "无货", "卖完", "断货", "sold out", "out of stock", "unavailable"],
    "en": ["sold out", "out of stock", "unavailable", "not available", "not in stock", "no stock"],
}
ZH_WORDS = {"white": ["白"], "blue": ["蓝"], "black": ["黑"], "polyester": ["聚酯", "涤纶"],
            "nylon": ["尼龙"]}
STORAGE_FORMS = {"32GB": ["32GB", "32 GB", "32G"], "8GB": ["8GB", "8 GB", "8G"]}
NEGATION = {("waterproof", "no"): {
    "zh": ["不防水", "不是防水", "没有防水", "不能防水", "非防水", "不具备防水", "不带防水", "无防水"],
    "en": ["not waterproof", "isn't waterproof", "is not waterproof", "no waterproofing"]}}
TRAD = set("們這個麼來買價錢還沒請問貨賣與對說讓電離職壺塑膠兒時間會機頭黃綠藍紅車鐘錶較櫃屬呎禮禮級書閱讀幾螢記憶體")
CJK = re.compile(r"[\u4e00-\u9fff]")
FULLWIDTH_ALNUM = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
PUNCT = re.compile(r"[，。？！、；：,.?!;:]")
CHECK = re.compile(r"^# check (\S+) t(\d+) (\{.*\})\s*$")

errors = []
def err(where, msg):
    errors.append(f"{where}: {msg}")

db = json.load(open(DB))["products"]
BY_NAME = {p["name"]: p for p in db.values()}
ALL_PRICES = sorted({v["price"] for p in db.values() for v in p["variants"].values()})

def pstr(x):
    return repr(float(x))

def price_forms(x):
    s = pstr(x)
    return [s, str(int(x))] if s.endswith(".0") else [s]

def variants(where, product, options, allow_missing_value=False):
    if product not in BY_NAME:
        err(where, f"unknown product {product!r}")
        return []
    vs = list(BY_NAME[product]["variants"].values())
    keys = set(vs[0]["options"])
    for k, want in (options or {}).items():
        if k not in keys:
            err(where, f"{product}: no option {k!r}")
            return []
        wants = want if isinstance(want, list) else [want]
        values = {v["options"][k] for v in vs}
        for w in wants:
            if w not in values and not allow_missing_value:
                err(where, f"{product}: option {k}={w!r} does not exist")
        vs = [v for v in vs if v["options"][k] in wants]
    return vs

def bounded(vs, c):
    lo, hi = c.get("min"), c.get("max")
    return [v for v in vs if (lo is None or v["price"] >= lo) and (hi is None or v["price"] <= hi)]

def avail(vs):
    return [v for v in vs if v["available"]]

def single(where, sel, c=None):
    vs = avail(bounded(variants(where, sel["product"], sel.get("options")), c or sel))
    if len(vs) != 1:
        err(where, f"{sel['product']} {sel.get('options')}: {len(vs)} available variants, want 1")
        return None
    return vs[0]

def flat_price(where, x):
    s = pstr(x)
    if s.endswith(".0"):
        err(where, f"price {s} ends in .0 and may not be the only acceptable string")
    for other in ALL_PRICES:
        o = pstr(other)
        if o != s and s in o:
            err(where, f"flat price {s} is a substring of catalogue price {o}")
    return s

def claim_mentions(where, c, lang):
    """Recompute one claim; return the list of mention entries it implies."""
    k = c.get("kind")
    if k == "price":
        v = single(where, c)
        return [flat_price(where, v["price"])] if v else []
    if k == "prices":
        vs = avail(bounded(variants(where, c["product"], c.get("options")), c))
        if len(vs) < 2:
            err(where, f"prices: {len(vs)} variants, want >= 2")
        return [flat_price(where, v["price"]) for v in vs]
    if k == "fitting":
        vs = avail(bounded(variants(where, c["product"], c.get("options")), c))
        if not vs:
            err(where, "fitting: nothing fits")
            return []
        g = [c["product"]] if c.get("name", True) else []
        for v in sorted(vs, key=lambda v: v["price"]):
            g += price_forms(v["price"])
        return [g]
    if k == "sold_out":
        vs = bounded(variants(where, c["product"], c.get("options")), c)
        if not vs:
            err(where, "sold_out: no variant matches")
        if avail(vs):
            err(where, f"sold_out: {len(avail(vs))} matching variant(s) are available")
        return [list(SOLD_OUT[lang])]
    if k in ("cheapest", "dearest"):
        vs = avail(bounded(variants(where, c["product"], c.get("options")), c))
        if not vs:
            err(where, f"{k}: nothing available")
            return []
        v = (min if k == "cheapest" else max)(vs, key=lambda v: v["price"])
        return [flat_price(where, v["price"])]
    if k == "none_in_budget":
        vs = avail(variants(where, c["product"], c.get("options")))
        if any(v["price"] <= c["max"] for v in vs):
            err(where, "none_in_budget: something fits the budget")
        if not vs:
            err(where, "none_in_budget: nothing available at all")
            return []
        return [flat_price(where, min(v["price"] for v in vs))]
    if k in ("diff", "cheaper", "assert_cheaper"):
        a, b = single(where, c["a"]) if k != "assert_cheaper" else None, None
        if k == "assert_cheaper":  # a may be sold out: compare catalogue prices
            va = variants(where, c["a"]["product"], c["a"].get("options"))
            vb = variants(where, c["b"]["product"], c["b"].get("options"))
            if len(va) != 1 or len(vb) != 1:
                err(where, "assert_cheaper: each side must be one variant")
            elif not va[0]["price"] < vb[0]["price"]:
                err(where, "assert_cheaper: a is not cheaper than b")
            return []
        b = single(where, c["b"])
        if not a or not b:
            return []
        if k == "cheaper":
            lo = a if a["price"] < b["price"] else b
            if c.get("expect") and c["expect"] != ("a" if lo is a else "b"):
                err(where, f"cheaper: expected {c['expect']}")
            return [flat_price(where, lo["price"])]
        d = round(abs(a["price"] - b["price"]) * c.get("qty", 1), 2)
        s = "%.2f" % d
        if s.endswith("0"):
            err(where, f"diff {s} ends in 0; pick another pair")
        return [s]
    if k == "not_sold":
        item = c["item"].lower()
        for name in BY_NAME:
            n = name.lower()
            if item in n or n in item:
                err(where, f"not_sold item {item!r} overlaps catalogue product {name!r}")
        return []
    if k == "sells":
        g = []
        for p in c["products"]:
            g.append(p)
            for v in sorted(avail(variants(where, p, {})), key=lambda v: v["price"]):
                g += price_forms(v["price"])
        return [g]
    if k == "no_option":
        if variants(where, c["product"], c.get("options"), allow_missing_value=True):
            err(where, f"no_option: {c['product']} {c['options']} exists")
        return []
    if k == "option_value":
        vs = avail(variants(where, c["product"], c.get("options")))
        sel = c.get("select", "only")
        if sel == "only" and len(vs) != 1:
            err(where, f"option_value: {len(vs)} available variants, want 1")
            return []
        if not vs:
            return []
        v = min(vs, key=lambda v: v["price"]) if sel == "cheapest" else vs[0]
        val = v["options"][c["key"]]
        if val != c["expect"]:
            err(where, f"option_value: {c['key']} is {val!r}, not {c['expect']!r}")
        if (c["key"], val) in NEGATION:
            return [list(NEGATION[(c["key"], val)][lang])]
        g = list(STORAGE_FORMS.get(val, [val]))
        if lang == "zh":
            g += ZH_WORDS.get(val, [])
        return [g]
    err(where, f"unknown claim kind {k!r}")
    return []

def norm(mentions):
    out = []
    for m in mentions or []:
        if isinstance(m, list):
            out.append(("any", tuple(sorted(str(x) for x in m))))
        else:
            out.append(("all", str(m)))
    return Counter(out)

def main():
    seq = {"zh": 0, "en": 0, "mixed": 0}
    seen = set()
    for fname, kind in FILES:
        path = os.path.join(HERE, fname)
        if not os.path.exists(path):
            err(fname, "missing")
            continue
        text = open(path, encoding="utf-8").read()
        checks = {}
        for ln, line in enumerate(text.splitlines(), 1):
            if line.startswith("# check"):
                m = CHECK.match(line)
                if not m:
                    err(f"{fname}:{ln}", "malformed check line")
                    continue
                try:
                    checks[(m.group(1), int(m.group(2)))] = json.loads(m.group(3))
                except json.JSONDecodeError as e:
                    err(f"{fname}:{ln}", f"bad json: {e}")
        convs = yaml.safe_load(text)["conversations"]
        langs = Counter(c["language"] for c in convs)
        if len(convs) != 15 or dict(langs) != MIX:
            err(fname, f"{len(convs)} conversations, languages {dict(langs)}; want 15 = 7/5/3")
        used = set()
        for c in convs:
            cid, lang = c["id"], c["language"]
            w = f"{fname}:{cid}"
            seq[lang] += 1
            want = f"blindpf18-{lang}-{seq[lang]:03d}"
            if cid != want:
                err(w, f"id out of sequence, expected {want}")
            if cid in seen:
                err(w, "duplicate id")
            seen.add(cid)
            rl = c.get("reply_language")
            if (lang in ("zh", "en") and rl != lang) or rl not in ("zh", "en"):
                err(w, f"reply_language {rl!r}")
            cap = c.get("capability")
            if cap not in CAPS[kind]:
                err(w, f"capability {cap!r} not allowed in {kind}")
            tags = c.get("tags", [])
            if cap not in tags or kind not in tags:
                err(w, "tags must contain capability and kind")
            for t in tags:
                if t not in BEHAVIOUR | OUTCOME | {cap, kind}:
                    err(w, f"unknown tag {t!r}")
            turns = c["turns"]
            if kind == "follow_up":
                if not 2 <= len(turns) <= 3:
                    err(w, "follow_up needs 2-3 turns")
            elif len(turns) != 1:
                err(w, "single-turn kind with several turns")
            kinds_used = set()
            alltext = ""
            for i, t in enumerate(turns, 1):
                tw = f"{w} t{i}"
                say = t.get("say", "")
                alltext += say
                has_cjk = bool(CJK.search(say))
                has_latin = bool(re.search(r"[A-Za-z]{2,}", say))
                if lang == "zh" and not has_cjk:
                    err(tw, "zh turn without Chinese")
                if lang == "en" and has_cjk:
                    err(tw, "en turn with Chinese")
                chk = checks.pop((cid, i), None)
                if chk is None:
                    err(tw, "no check line")
                    continue
                expected = []
                for cl in chk.get("claims", []):
                    kinds_used.add(cl.get("kind"))
                    for p in [cl.get("product")] + list(cl.get("products", [])) + [(cl.get(s) or {}).get("product") for s in ("a", "b")]:
                        if p:
                            used.add(p)
                    expected += claim_mentions(tw, cl, rl)
                if norm(expected) != norm(t.get("mentions")):
                    err(tw, f"mentions {t.get('mentions')} != recomputed {expected}")
                for m in t.get("mentions") or []:
                    if isinstance(m, list) and any(x in SOLD_OUT["zh"] + SOLD_OUT["en"] for x in m):
                        if rl == "zh" and not any(CJK.search(x) for x in m):
                            err(tw, "sold-out group lacks Chinese words")
                # not_mentions
                nm = t.get("not_mentions")
                excl = chk.get("exclude", [])
                if nm and kind != "need":
                    err(tw, "not_mentions only in need.yaml")
                if sorted(nm or []) != sorted(e["product"] for e in excl):
                    err(tw, "not_mentions differ from the check's exclude list")
                fitting = {cl["product"] for cl in chk.get("claims", []) if cl.get("kind") == "fitting"}
                for e in excl:
                    p = e["product"]
                    if p not in BY_NAME:
                        err(tw, f"exclude: unknown product {p!r}")
                        continue
                    if p in fitting:
                        err(tw, f"exclude: {p} is also recommended")
                    for m in t.get("mentions") or []:
                        for x in (m if isinstance(m, list) else [m]):
                            if p in x or x in p:
                                err(tw, f"exclude {p} collides with mention {x}")
                    if e["reason"] == "over_budget":
                        lo = min(v["price"] for v in avail(variants(tw, p, {})))
                        if lo <= e["max"]:
                            err(tw, f"exclude: {p} has an available variant at {lo} within {e['max']}")
                    elif e["reason"] not in ("shopper_excluded",):
                        err(tw, f"exclude: unknown reason {e['reason']}")
                if "voice" in tags and PUNCT.search(say):
                    err(tw, "voice turn has punctuation")
            for o, ck in (("not_sold", "not_sold"), ("sold_out", "sold_out"), ("none_in_budget", "none_in_budget")):
                if (o in tags) != (ck in kinds_used):
                    err(w, f"tag {o} and claims disagree")
            if lang == "mixed" and not (CJK.search(alltext) and re.search(r"[A-Za-z]{2,}", alltext)):
                err(w, "mixed conversation must mix Chinese and English")
            if "traditional" in tags and len(TRAD & set(alltext)) < 2:
                err(w, "tagged traditional but few traditional characters")
            if "fullwidth" in tags and not FULLWIDTH_ALNUM.search(alltext):
                err(w, "tagged fullwidth but no full-width digits/letters")
        for key in checks:
            err(fname, f"check line for unknown turn {key}")
        print(f"{fname}: {len(convs)} conversations {dict(langs)}; products used: {len(used)}")
    if errors:
        print(f"\n{len(errors)} ERROR(S)")
        for e in errors:
            print(" -", e)
        sys.exit(1)
    print(f"\nOK: {sum(seq.values())} conversations ({seq}), no errors")

if __name__ == "__main__":
    main()
