#!/usr/bin/env python3
"""Validator for the blind product batch final-20.

Every `mentions:` / `not_mentions:` line in the YAML files carries a comment
`# c: ...` (for mentions) or `# n: ...` (for not_mentions) that states, as calls
of the claim functions below, where each expected value comes from.  This script
recomputes every claim from db.json and checks that the YAML values are exactly
what db.json gives (Chinese / synonym aliases inside a group are allowed beside
the db value), and checks ids, the language mix, tags, reply languages and the
coverage of all 50 products.

usage: python3 validate.py [path/to/db.json]
"""
import json
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
DB = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/blind_shop/db.json")
FILES = ["need", "do_you_sell", "specific_variant", "attribute", "comparison",
         "cheapest_budget", "follow_up"]
MIX = {"zh": 7, "en": 5, "mixed": 3}
ID_RE = re.compile(r"^blindpf20-(zh|en|mixed)-(\d{3})$")
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")
CAPS = {"product_info", "recommend", "price_promo"}
BEHAVIOURS = {"changes_mind", "out_of_order", "volunteers", "corrects", "digression", "angry",
              "terse", "chatty", "typos", "says_no", "not_sold", "sold_out", "none_in_budget",
              # intent ids of shared/intents.md
              "order_status", "cancel_order", "return_item", "exchange_item", "refund_status",
              "modify_order", "product_info", "price_promo", "recommend", "shipping_policy",
              "return_policy", "payment_issue", "account", "complaint", "human_agent", "greeting",
              "thanks_bye", "out_of_scope"}

db = json.loads(DB.read_text())
PRODUCTS = {p["name"]: p for p in db["products"].values()}
ITEMS = {}
for p in PRODUCTS.values():
    for iid, v in p["variants"].items():
        ITEMS[iid] = (p, v)
ALL_PRICES = {str(v["price"]) for _, v in ITEMS.values()}

errors = []
used_products = set()
conv_flags = set()   # flags raised by claims of the conversation being checked


def P(s):
    return str(s)


def _prod(name):
    if name not in PRODUCTS:
        raise ValueError(f"no product {name!r}")
    used_products.add(name)
    return PRODUCTS[name]


def _match(p, filt):
    for k in filt:
        if not any(k in v["options"] for v in p["variants"].values()):
            raise ValueError(f"{p['name']} has no option {k!r}")
    return [v for v in p["variants"].values()
            if all(v["options"].get(k) == val for k, val in filt.items())]


def _avail(p, filt):
    return [v for v in _match(p, filt) if v["available"]]


# ---- claim functions: each returns a list of entries (str = must appear, frozenset = any one)
def name(prod):
    _prod(prod)
    return [prod]


def names_any(*prods):
    for x in prods:
        _prod(x)
    return [frozenset(prods)]


def price(iid):
    p, v = ITEMS[iid]
    used_products.add(p["name"])
    if not v["available"]:
        raise ValueError(f"{iid} is sold out, not an answer")
    return [P(v["price"])]


def only(prod, filt):
    av = _avail(_prod(prod), filt)
    if len(av) != 1:
        raise ValueError(f"only({prod},{filt}): {len(av)} available variants")
    return [P(av[0]["price"])]


def every(prod, filt):
    """all available variants matching: every price must appear"""
    av = _avail(_prod(prod), filt)
    if not av:
        raise ValueError(f"every({prod},{filt}): none available")
    return [P(v["price"]) for v in av]


def anyof(prod, filt):
    """all available variants matching: any one price is enough"""
    av = _avail(_prod(prod), filt)
    if not av:
        raise ValueError(f"anyof({prod},{filt}): none available")
    return [frozenset(P(v["price"]) for v in av)]


def cheap(prod, filt=None):
    av = _avail(_prod(prod), filt or {})
    if not av:
        raise ValueError(f"cheap({prod},{filt}): none available")
    return [P(min(av, key=lambda v: v["price"])["price"])]


def under(prod, hi, filt=None, lo=0):
    av = [v for v in _avail(_prod(prod), filt or {}) if lo <= v["price"] <= hi]
    if not av:
        raise ValueError(f"under({prod},{hi}): none in budget")
    return [frozenset(P(v["price"]) for v in av)]


def none_under(prod, hi, filt=None, lo=0):
    """nothing available in [lo, hi]; a good reply gives the cheapest available one instead"""
    conv_flags.add("none_in_budget")
    p = _prod(prod)
    av = _avail(p, filt or {})
    inb = [v for v in av if lo <= v["price"] <= hi]
    if inb:
        raise ValueError(f"none_under({prod},{hi}): {len(inb)} are in budget")
    return [P(min(av, key=lambda v: v["price"])["price"])]


def alts(iid):
    """a sold-out variant: any of the available variants nearest to it (<= 2 options changed,
    or the nearest ones if none is that close)"""
    conv_flags.add("sold_out")
    p, v = ITEMS[iid]
    used_products.add(p["name"])
    if v["available"]:
        raise ValueError(f"alts({iid}) is available")
    o = v["options"]
    av = [w for w in p["variants"].values() if w["available"]]
    ds = [(sum(o[k] != w["options"][k] for k in o), w) for w in av]
    m = max(min(d for d, _ in ds), 2)
    return [frozenset(P(w["price"]) for d, w in ds if d <= m)]


def gone(iid):
    """the shopper asks for this variant; it is sold out (nothing to mention by itself)"""
    conv_flags.add("sold_out")
    p, v = ITEMS[iid]
    used_products.add(p["name"])
    if v["available"]:
        raise ValueError(f"gone({iid}) is available")
    return []


def soldout(iid):
    """for not_mentions: the price of a sold-out variant"""
    p, v = ITEMS[iid]
    used_products.add(p["name"])
    if v["available"]:
        raise ValueError(f"soldout({iid}) is available")
    return [P(v["price"])]


def opts(prod, key, filt=None):
    """every value of option `key` among available variants (all must appear)"""
    av = _avail(_prod(prod), filt or {})
    vals = sorted({v["options"][key] for v in av})
    if not vals:
        raise ValueError(f"opts({prod},{key}): none")
    return vals


def val(prod, key, value, filt=None):
    """a single option value, held by an available variant matching filt"""
    av = [v for v in _avail(_prod(prod), filt or {}) if v["options"].get(key) == value]
    if not av:
        raise ValueError(f"val({prod},{key},{value}): no available variant")
    return [value]


def notmade(prod, key, value):
    """the shop does not make this option value (no variant at all)"""
    p = _prod(prod)
    if any(v["options"].get(key) == value for v in p["variants"].values()):
        raise ValueError(f"{prod} does have {key}={value}")
    return []


def notsold(*words):
    conv_flags.add("not_sold")
    for w in words:
        for n in PRODUCTS:
            if w.lower() in n.lower():
                raise ValueError(f"notsold({w}): shop sells {n}")
    return []


def either(*claims):
    """any one of several single-value claims"""
    out = set()
    for c in claims:
        for e in c:
            out |= set(e) if isinstance(e, frozenset) else {e}
    return [frozenset(out)]


NS = {f.__name__: f for f in [name, names_any, price, only, every, anyof, cheap, under,
                              none_under, alts, gone, soldout, opts, val, notmade, notsold, either]}


def eval_claim(text):
    res = eval(text, {"__builtins__": {}}, NS)
    if isinstance(res, list):
        res = (res,)
    out = []
    for r in res:
        out.extend(r)
    return out


def norm_yaml_entry(e, expected_pool):
    return e


def compare(yaml_list, expected, where):
    """yaml_list: list of str or list[str]; expected: list of str / frozenset"""
    exp = list(expected)
    for y in yaml_list or []:
        if isinstance(y, list):
            ys = [str(x) for x in y]
        else:
            ys = [str(y)]
        hit = None
        for i, e in enumerate(exp):
            es = {e} if isinstance(e, str) else set(e)
            # the db values of the expectation must all be in the YAML entry;
            # anything else in a YAML group must be an alias (not a price)
            extras = set(ys) - es
            if es <= set(ys) and not (extras & ALL_PRICES) and (len(ys) == 1 or isinstance(y, list)):
                hit = i
                break
        if hit is None:
            errors.append(f"{where}: {y!r} not backed by a claim (expected {[sorted(e) if isinstance(e, frozenset) else e for e in exp]})")
        else:
            exp.pop(hit)
    for e in exp:
        errors.append(f"{where}: claim value {sorted(e) if isinstance(e, frozenset) else e!r} missing from YAML")


def comments_by_turn(text):
    """map (conv_id, turn_index, key) -> comment claim text"""
    out = {}
    cid, t = None, -1
    for ln in text.splitlines():
        m = re.match(r"\s*- id:\s*(\S+)", ln)
        if m:
            cid, t = m.group(1), -1
            continue
        if re.match(r"\s*- say:", ln):
            t += 1
        m = re.match(r"\s*(mentions|not_mentions):.*#\s*([cn]):\s*(.+)$", ln)
        if m:
            key, kind, claim = m.group(1), m.group(2), m.group(3)
            if (key == "mentions") != (kind == "c"):
                errors.append(f"{cid} turn {t}: {key} with '# {kind}:' comment")
            out[(cid, t, key)] = claim
        elif re.match(r"\s*(mentions|not_mentions):", ln):
            errors.append(f"{cid} turn {t}: {ln.strip()[:40]} has no claim comment")
    return out


def main():
    ids = set()
    lang_total = Counter()
    total = 0
    for f in FILES:
        path = HERE / f"{f}.yaml"
        if not path.exists():
            errors.append(f"missing {path.name}")
            continue
        text = path.read_text()
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as e:
            errors.append(f"{path.name}: YAML error {e}")
            continue
        convs = data.get("conversations") or []
        claims = comments_by_turn(text)
        mix = Counter()
        for c in convs:
            total += 1
            cid = c.get("id")
            m = ID_RE.match(cid or "")
            if not m:
                errors.append(f"{f}: bad id {cid}")
                continue
            if cid in ids:
                errors.append(f"duplicate id {cid}")
            ids.add(cid)
            lang = c.get("language")
            extra = set(c) - {"id", "language", "reply_language", "capability", "tags", "turns"}
            if extra:
                errors.append(f"{cid}: unexpected keys {sorted(extra)}")
            if m.group(1) != lang:
                errors.append(f"{cid}: id says {m.group(1)}, language {lang}")
            mix[lang] += 1
            lang_total[lang] += 1
            rl = c.get("reply_language")
            if rl not in ("zh", "en") or (lang in ("zh", "en") and rl != lang):
                errors.append(f"{cid}: reply_language {rl} for {lang}")
            if c.get("capability") not in CAPS:
                errors.append(f"{cid}: capability {c.get('capability')}")
            tags = c.get("tags") or []
            if c.get("capability") not in tags:
                errors.append(f"{cid}: capability not in tags")
            for tg in tags:
                if tg not in BEHAVIOURS and tg not in CAPS:
                    errors.append(f"{cid}: unknown tag {tg}")
            if "user" in c or "end_state" in c:
                errors.append(f"{cid}: product conversations have no user / end_state")
            turns = c.get("turns") or []
            if not 1 <= len(turns) <= 4:
                errors.append(f"{cid}: {len(turns)} turns")
            says = " ".join(t.get("say", "") for t in turns)
            has_cjk = bool(CJK.search(says))
            has_latin_words = len(re.findall(r"[A-Za-z]{2,}", says)) >= 2
            if lang == "zh" and not has_cjk:
                errors.append(f"{cid}: zh without Chinese")
            if lang == "en" and has_cjk:
                errors.append(f"{cid}: en with Chinese")
            if lang == "mixed" and not (has_cjk and has_latin_words):
                errors.append(f"{cid}: mixed is not mixed")
            conv_flags.clear()
            n_mentions = 0
            for ti, t in enumerate(turns):
                if set(t) - {"say", "mentions", "not_mentions"}:
                    errors.append(f"{cid} turn {ti}: keys {sorted(t)}")
                for key in ("mentions", "not_mentions"):
                    if key not in t:
                        continue
                    if key == "not_mentions" and f != "need":
                        errors.append(f"{cid}: not_mentions outside need.yaml")
                    claim = claims.get((cid, ti, key))
                    if claim is None:
                        errors.append(f"{cid} turn {ti}: {key} without claim")
                        continue
                    try:
                        exp = eval_claim(claim)
                    except Exception as e:  # noqa: BLE001
                        errors.append(f"{cid} turn {ti}: claim {claim!r}: {e}")
                        continue
                    compare(t[key], exp, f"{cid} turn {ti} {key}")
                    if key == "mentions":
                        n_mentions += len(t[key])
                    # zh/mixed: a product name must come in a group with a Chinese alias
                    if key == "mentions" and lang in ("zh", "mixed") and rl == "zh":
                        for y in t[key]:
                            if isinstance(y, str) and y in PRODUCTS:
                                errors.append(f"{cid} turn {ti}: bare English name {y} in a zh reply")
                            if isinstance(y, list) and any(x in PRODUCTS for x in y) and not any(CJK.search(str(x)) for x in y):
                                errors.append(f"{cid} turn {ti}: name group without Chinese alias")
                for k2, ts in (("mentions", "c"), ("not_mentions", "n")):
                    pass
            for flag in ("not_sold", "sold_out", "none_in_budget"):
                if (flag in conv_flags) != (flag in tags):
                    errors.append(f"{cid}: tag {flag} {'missing' if flag in conv_flags else 'without a claim'}")
            if n_mentions == 0 and "not_sold" not in tags:
                errors.append(f"{cid}: no mentions at all")
        # orphan claims
        for (cid, ti, key) in claims:
            conv = next((c for c in convs if c.get("id") == cid), None)
            if conv is None or ti < 0 or ti >= len(conv["turns"]) or key not in conv["turns"][ti]:
                errors.append(f"{f}: claim comment for {cid} turn {ti} {key} not attached")
        if dict(mix) != MIX:
            errors.append(f"{f}: mix {dict(mix)} != {MIX}")
        if len(convs) != 15:
            errors.append(f"{f}: {len(convs)} conversations")
        print(f"{f}.yaml: {len(convs)} conversations {dict(mix)}")
    missing = sorted(set(PRODUCTS) - used_products)
    if missing:
        errors.append(f"products not covered: {missing}")
    # ids numbered 001.. per language with no gap
    for lang in MIX:
        nums = sorted(int(i.rsplit("-", 1)[1]) for i in ids if i.split("-")[1] == lang)
        if nums != list(range(1, len(nums) + 1)):
            errors.append(f"{lang} ids not 001..{len(nums):03d}")
    print(f"total {total} conversations, languages {dict(lang_total)}, "
          f"products covered {len(used_products)}/{len(PRODUCTS)}")
    for e in errors:
        print("ERROR", e)
    print(f"{len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
