#!/usr/bin/env python3
"""Validator for the blind product-question batch final-16.

Usage: python3 validate.py [BATCH_DIR] [DB_JSON]
  BATCH_DIR defaults to this file's folder, DB_JSON to $BLIND_DB or /tmp/blind_shop/db.json.

Every turn of every conversation carries machine-readable claims as YAML comments written
just before the turn:   # check: {"k": "price", "p": "Hiking Boots", "o": {...}, "g": 0}
The validator recomputes each claim from db.json ("products" only) and checks that the turn's
`mentions` hold exactly what the claim allows, plus ids, language mix, tags and format.

Claim kinds (g = index of the top-level mentions element the claim justifies):
  price      p, o[, all]        prices of AVAILABLE variants of p matching options o (name p allowed in the group)
  budget     p, o, hi[, lo, all] as price, restricted to lo <= price <= hi
  need       cands[{p,o}], hi[, lo, all]  names of fitting products + prices of fitting available variants
  min / max  p, o               the cheapest / dearest available price of p matching o
  nonebudget p, o, hi           no available variant <= hi; mention = cheapest available price above hi
  soldout    p, o               matching variants exist and none is available; mention = sold-out words
  notsold    terms              no catalogue product name matches the terms (shop does not sell it)
  attr       p, o, ans[, absent] ans == whether an available variant matches o
  optval     p, o, opt, mode(in|max|min)[, vals, zh]  option values of available variants matching o
  cmp        a{p,o}, b{p,o}, cheaper(a|b)  compares the cheapest available prices of two selections
Option values in o may be a string or a list (any of).
"""
import json
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
BATCH = sys.argv[1] if len(sys.argv) > 1 else HERE
DBP = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("BLIND_DB", "/tmp/blind_shop/db.json")

FILES = ["need", "do_you_sell", "specific_variant", "attribute", "comparison",
         "cheapest_budget", "follow_up"]
KIND_CAPS = {
    "need": {"recommend"},
    "do_you_sell": {"product_info"},
    "specific_variant": {"product_info"},
    "attribute": {"product_info"},
    "comparison": {"product_info"},
    "cheapest_budget": {"recommend", "product_info", "price_promo"},
    "follow_up": {"recommend", "product_info", "price_promo"},
}
CAPS = {"recommend", "product_info", "price_promo"}
BEHAVIOURS = {"terse", "chatty", "typos", "slang", "voice", "traditional", "fullwidth", "corrects",
              "reseller", "angry", "volunteers", "half_option", "out_of_order"}
OUTCOMES = {"not_sold": "notsold", "sold_out": "soldout", "none_in_budget": "nonebudget"}
SOLD_ZH = {"售罄", "缺货", "没货", "无货", "卖完", "没有库存", "无库存", "暂无库存",
           "缺貨", "沒貨", "無貨", "賣完", "沒有庫存", "無庫存"}
SOLD_EN = {"sold out", "out of stock", "unavailable", "not available", "not in stock",
           "Sold out", "Out of stock"}
TRAD = set("請們買嗎價錢寵這還貨電動幫會說問對麼裡時間紅綠藍黃應該樣壺鍵盤傘膠寬墊鏽兩塊個給幾與種")
PER_FILE = 15
MIX = {"zh": 7, "en": 5, "mixed": 3}
ID_RE = re.compile(r"^blindpf16-(zh|en|mixed)-(\d{3})$")
PRICE_RE = re.compile(r"^\d+\.\d+$")

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


# ---------------------------------------------------------------- catalogue
raw = open(DBP, encoding="utf-8").read()
db = json.loads(raw)["products"]
RAW_PRICES = set(re.findall(r'"price":\s*([0-9]+\.[0-9]+)', raw))
PRODUCTS = {}
for p in db.values():
    PRODUCTS[p["name"]] = [(v["options"], v["available"], repr(float(v["price"])), float(v["price"]))
                           for v in p["variants"].values()]
NAMES = set(PRODUCTS)


def fstr(x):
    return repr(float(x))


def select(where, p, o, avail=True, absent=False):
    if p not in PRODUCTS:
        err(where, f"unknown product {p!r}")
        return []
    o = o or {}
    vs = PRODUCTS[p]
    keys = set(vs[0][0])
    for k, val in o.items():
        if k not in keys:
            err(where, f"{p}: unknown option {k!r}")
            return []
        allv = {v[0][k] for v in vs}
        for x in (val if isinstance(val, list) else [val]):
            if x not in allv and not absent:
                err(where, f"{p}: option {k}={x!r} not in catalogue (values {sorted(allv)})")
    out = []
    for opts, av, ps, pf in vs:
        if all(opts[k] in (val if isinstance(val, list) else [val]) for k, val in o.items()):
            if avail is None or av == avail:
                out.append((opts, av, ps, pf))
    return out


def num(s):
    m = re.match(r"[0-9.]+", s)
    return float(m.group(0)) if m else None


def flatten(ms):
    for m in ms:
        if isinstance(m, list):
            yield from m
        else:
            yield m


def check_claim(where, c, conv_lang, allowed, fixed, exact_sets):
    """Fill allowed[g] (tokens this claim justifies) / exact_sets[g] (sets that must equal the group)."""
    k = c.get("k")
    g = c.get("g")

    def allow(tokens, full=None):
        if g is None:
            err(where, f"claim {k} has no g")
            return
        allowed.setdefault(g, set()).update(tokens)
        if full is not None:
            exact_sets.setdefault(g, []).append(set(full))

    if k in ("price", "budget"):
        vs = select(where, c["p"], c.get("o"))
        if k == "budget":
            lo, hi = c.get("lo", 0), c["hi"]
            vs = [v for v in vs if lo <= v[3] <= hi]
        if not vs:
            err(where, f"{k}: no available variant of {c['p']} fits {c.get('o')}")
            return
        ps = {v[2] for v in vs}
        allow(ps | {c["p"]} | set(c.get("extra", [])), ps if c.get("all") else None)
        if c.get("extra"):
            vals = {x for v in vs for x in v[0].values()}
            for e in c["extra"]:
                if e not in vals and e not in c.get("zh", []):
                    err(where, f"extra {e!r} is not an option value of the fitting variants")
    elif k == "need":
        toks, full = set(), set()
        lo, hi = c.get("lo", 0), c.get("hi", 1e12)
        for cand in c["cands"]:
            vs = [v for v in select(where, cand["p"], cand.get("o")) if lo <= v[3] <= hi]
            if not vs:
                err(where, f"need: {cand['p']} has no available variant fitting {cand.get('o')} in [{lo},{hi}]")
                continue
            toks |= {v[2] for v in vs} | {cand["p"]}
            full |= {v[2] for v in vs}
        allow(toks, full if c.get("all") else None)
    elif k in ("min", "max"):
        vs = select(where, c["p"], c.get("o"))
        if not vs:
            err(where, f"{k}: nothing available for {c['p']} {c.get('o')}")
            return
        best = (min if k == "min" else max)(vs, key=lambda v: v[3])
        allow({best[2]})
        fixed.setdefault(g, set()).add(best[2])
    elif k == "nonebudget":
        vs = select(where, c["p"], c.get("o"))
        under = [v for v in vs if v[3] <= c["hi"]]
        if under:
            err(where, f"nonebudget: {c['p']} has available {[v[2] for v in under]} within {c['hi']}")
        above = sorted((v for v in vs if v[3] > c["hi"]), key=lambda v: v[3])
        if not above:
            err(where, f"nonebudget: nothing above budget for {c['p']}")
            return
        allow({above[0][2]})
        fixed.setdefault(g, set()).add(above[0][2])
    elif k == "soldout":
        allv = select(where, c["p"], c.get("o"), avail=None)
        if not allv:
            err(where, f"soldout: no variant of {c['p']} matches {c.get('o')}")
        elif any(v[1] for v in allv):
            err(where, f"soldout: {c['p']} {c.get('o')} has available variants")
        if g is not None:
            words = SOLD_ZH | SOLD_EN
            allow(words)
            exact_sets.setdefault(("sold", g), []).append(conv_lang)
    elif k == "notsold":
        for t in c["terms"]:
            tl = t.lower()
            twords = set(re.findall(r"[a-z]+", tl))
            for n in NAMES:
                nl = n.lower()
                nwords = set(re.findall(r"[a-z]+", nl))
                th = re.findall(r"[a-z]+", tl)[-1:]  # head words: the last word of each
                nh = re.findall(r"[a-z]+", nl)[-1:]
                stem = lambda w: w.rstrip("s")
                if tl in nl or nl in tl or any(stem(a) == stem(b) for a in th for b in nwords) or any(
                        stem(a) == stem(b) for a in nh for b in twords):
                    err(where, f"notsold term {t!r} matches catalogue product {n!r}")
    elif k == "attr":
        vs = select(where, c["p"], c.get("o"), absent=c.get("absent", False))
        if bool(vs) != bool(c["ans"]):
            err(where, f"attr: {c['p']} {c.get('o')} available={bool(vs)} but claim says {c['ans']}")
        if c.get("absent") and select(where, c["p"], c.get("o"), avail=None, absent=True):
            err(where, f"attr absent: {c['p']} {c.get('o')} exists in catalogue (maybe sold out)")
    elif k == "optval":
        vs = select(where, c["p"], c.get("o"))
        if not vs:
            err(where, f"optval: nothing available for {c['p']} {c.get('o')}")
            return
        vals = {v[0][c["opt"]] for v in vs}
        mode = c.get("mode", "in")
        if mode == "in":
            want = set(c["vals"])
            if not want <= vals:
                err(where, f"optval: {sorted(want - vals)} not among available {c['opt']} {sorted(vals)}")
            if c.get("all") and want != vals:
                err(where, f"optval all: available {c['opt']} are {sorted(vals)}, claim {sorted(want)}")
        else:
            best = (max if mode == "max" else min)(vals, key=num)
            want = {best}
            if set(c.get("vals", [best])) != want:
                err(where, f"optval {mode}: is {best!r}, claim {c.get('vals')}")
        zh = set(c.get("zh", []))
        for z in zh:
            if not any(z.lower() in w.lower() or re.search(r"[\u4e00-\u9fff]", z) for w in want):
                err(where, f"optval alias {z!r} neither a part of {sorted(want)} nor Chinese")
        allow(want | zh, None)
        if c.get("all"):
            exact_sets.setdefault(g, []).append(set(want))
    elif k == "cmp":
        def cheapest(sel):
            vs = select(where, sel["p"], sel.get("o"))
            return min(v[3] for v in vs) if vs else None
        a, b = cheapest(c["a"]), cheapest(c["b"])
        if a is None or b is None:
            err(where, f"cmp: a side has nothing available ({a}, {b})")
        elif a == b or (a < b) != (c["cheaper"] == "a"):
            err(where, f"cmp: a={a} b={b} but claim cheaper={c['cheaper']}")
    else:
        err(where, f"unknown claim kind {k!r}")


def read_comments(path):
    """Claims in '# check:' comments, per conversation id and turn index."""
    out, cid, turn, pending = {}, None, -1, []
    for ln, line in enumerate(open(path, encoding="utf-8"), 1):
        m = re.match(r"^- id:\s*(\S+)", line)
        if m:
            cid, turn, pending = m.group(1), -1, []
            continue
        m = re.match(r"^\s*# check:\s*(\{.*\})\s*$", line)
        if m:
            try:
                pending.append(json.loads(m.group(1)))
            except json.JSONDecodeError as e:
                err(f"{os.path.basename(path)}:{ln}", f"bad claim JSON: {e}")
            continue
        if re.match(r"^\s*- say:", line):
            turn += 1
            out[(cid, turn)] = pending
            pending = []
    return out


def lang_checks(where, lang, tags, text):
    cjk = bool(re.search(r"[\u4e00-\u9fff]", text))
    latin_words = re.findall(r"[A-Za-z]{3,}", text)
    if lang == "en" and cjk:
        err(where, "en shopper writes Chinese characters")
    if lang == "zh" and (not cjk or re.search(r"[A-Za-z]{4,}", text)):
        err(where, "zh shopper must write Chinese without English words")
    if lang == "mixed" and (not cjk or not latin_words):
        err(where, "mixed shopper must mix Chinese and English")


def main():
    seen_ids = set()
    numbers = {"zh": [], "en": [], "mixed": []}
    total = 0
    n_turns = 0
    n_claims = 0
    for kind in FILES:
        path = os.path.join(BATCH, kind + ".yaml")
        if not os.path.exists(path):
            err(kind, "file missing")
            continue
        data = yaml.safe_load(open(path, encoding="utf-8"))
        convs = data.get("conversations") if isinstance(data, dict) else None
        if not isinstance(convs, list):
            err(kind, "no conversations list")
            continue
        claims = read_comments(path)
        if len(convs) != PER_FILE:
            err(kind, f"{len(convs)} conversations, want {PER_FILE}")
        mix = {"zh": 0, "en": 0, "mixed": 0}
        for conv in convs:
            total += 1
            cid = conv.get("id", "?")
            where = f"{kind}/{cid}"
            allowed_keys = {"id", "language", "reply_language", "capability", "tags", "turns"}
            if set(conv) - allowed_keys:
                err(where, f"unexpected keys {set(conv) - allowed_keys}")
            m = ID_RE.match(str(cid))
            lang = conv.get("language")
            if not m:
                err(where, "bad id")
            else:
                if m.group(1) != lang:
                    err(where, "id language differs from language")
                numbers.setdefault(m.group(1), []).append(int(m.group(2)))
            if cid in seen_ids:
                err(where, "duplicate id")
            seen_ids.add(cid)
            if lang not in mix:
                err(where, f"bad language {lang!r}")
                continue
            mix[lang] += 1
            want_rl = "en" if lang == "en" else "zh"
            if conv.get("reply_language") != want_rl:
                err(where, f"reply_language must be {want_rl}")
            cap = conv.get("capability")
            if cap not in KIND_CAPS[kind]:
                err(where, f"capability {cap!r} not allowed in {kind}")
            tags = conv.get("tags") or []
            if len(set(tags)) != len(tags):
                err(where, "duplicate tags")
            if cap not in tags or kind not in tags:
                err(where, f"tags must contain capability {cap} and kind {kind}")
            for t in tags:
                if t not in CAPS | set(FILES) | BEHAVIOURS | set(OUTCOMES):
                    err(where, f"unknown tag {t!r}")
                if (t in CAPS and t != cap) or (t in FILES and t != kind):
                    err(where, f"tag {t!r} names another capability/kind")
            turns = conv.get("turns") or []
            lo_t, hi_t = (2, 3) if kind == "follow_up" else (1, 2)
            if not lo_t <= len(turns) <= hi_t:
                err(where, f"{len(turns)} turns, want {lo_t}-{hi_t}")
            kinds_seen = set()
            text = ""
            for ti, turn in enumerate(turns):
                tw = f"{where}#t{ti + 1}"
                n_turns += 1
                if set(turn) - {"say", "mentions", "not_mentions"}:
                    err(tw, f"unexpected keys {set(turn) - {'say', 'mentions', 'not_mentions'}}")
                say = turn.get("say")
                if not isinstance(say, str) or not say.strip():
                    err(tw, "empty say")
                    continue
                text += say + "\n"
                lang_checks(tw, lang, tags, say)
                ms = turn.get("mentions") or []
                nms = turn.get("not_mentions")
                cl = claims.get((cid, ti))
                if cl is None:
                    err(tw, "turn not found among comments")
                    cl = []
                if not cl:
                    err(tw, "turn has no claim")
                n_claims += len(cl)
                allowed, fixed, exact = {}, {}, {}
                for c in cl:
                    kinds_seen.add(c.get("k"))
                    check_claim(tw, c, lang, allowed, fixed, exact)
                    if "g" in c and not (isinstance(c["g"], int) and 0 <= c["g"] < len(ms)):
                        err(tw, f"claim {c.get('k')} points at mention {c.get('g')} of {len(ms)}")
                only_notsold = cl and all(c.get("k") in ("notsold", "attr", "cmp") for c in cl)
                if only_notsold and ms:
                    err(tw, "a turn with only not-sold/attr claims must have no mentions")
                if not ms and not any(c.get("k") == "notsold" for c in cl):
                    err(tw, "empty mentions without a not-sold claim")
                for gi, el in enumerate(ms):
                    items = el if isinstance(el, list) else [el]
                    if isinstance(el, list) and len(el) < 1:
                        err(tw, f"mention {gi}: empty group")
                    for it in items:
                        if not isinstance(it, str):
                            err(tw, f"mention {gi}: {it!r} is not a string")
                        elif PRICE_RE.match(it) and it not in RAW_PRICES:
                            err(tw, f"mention {gi}: price {it} not written so in db.json")
                    if gi not in allowed:
                        err(tw, f"mention {gi} {el!r} is not justified by any claim")
                        continue
                    for it in items:
                        if it not in allowed[gi]:
                            err(tw, f"mention {gi}: {it!r} not allowed by its claims")
                    if gi in fixed:
                        prices = {i for i in items if PRICE_RE.match(str(i))}
                        if prices != fixed[gi]:
                            err(tw, f"mention {gi}: prices {sorted(prices)} must be exactly {sorted(fixed[gi])}")
                    for full in exact.get(gi, []):
                        got = {i for i in items if i in full or PRICE_RE.match(str(i))}
                        if got != full:
                            err(tw, f"mention {gi}: wants all of {sorted(full)}, has {sorted(got)}")
                    if ("sold", gi) in exact:
                        if not isinstance(el, list):
                            err(tw, f"mention {gi}: sold-out words must be an any-one group")
                        need = SOLD_EN if lang == "en" else SOLD_ZH
                        if not set(items) & need:
                            err(tw, f"mention {gi}: sold-out group lacks {'English' if lang == 'en' else 'Chinese'} words")
                        if set(items) - (SOLD_ZH | SOLD_EN):
                            err(tw, f"mention {gi}: sold-out group has other words")
                # conventions for recommendations in Chinese replies
                for c in cl:
                    if c.get("k") == "need":
                        el = ms[c["g"]] if isinstance(c.get("g"), int) and c["g"] < len(ms) else None
                        names = {x["p"] for x in c["cands"]}
                        if not isinstance(el, list) or not (set(el) & names) or not any(
                                PRICE_RE.match(i) for i in el):
                            err(tw, "need: group must hold the English name and fitting prices")
                if nms is not None:
                    if kind != "need":
                        err(tw, "not_mentions only in need.yaml")
                    flat = set(flatten(ms))
                    cands = {x["p"] for c in cl if c.get("k") == "need" for x in c["cands"]}
                    for n in nms:
                        if n not in NAMES:
                            err(tw, f"not_mentions {n!r} is not a catalogue product")
                        if n in flat or n in cands:
                            err(tw, f"not_mentions {n!r} is also a right answer")
            # outcome tags <-> claims
            for tag, ck in OUTCOMES.items():
                if (tag in tags) != (ck in kinds_seen):
                    err(where, f"tag {tag} vs claim {ck}: tag={tag in tags} claim={ck in kinds_seen}")
            # behaviour tags that a script can see
            fw = bool(re.search(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]", text))
            if ("fullwidth" in tags) != fw:
                err(where, f"fullwidth tag={'fullwidth' in tags} but full-width letters/digits={fw}")
            tr = len(set(text) & TRAD)
            if "traditional" in tags and tr < 3:
                err(where, "traditional tag but few traditional characters")
            if "traditional" not in tags and tr and lang != "en":
                err(where, f"traditional characters {sorted(set(text) & TRAD)} without the tag")
        if mix != MIX:
            err(kind, f"language mix {mix}, want {MIX}")
    for lang, ns in numbers.items():
        if sorted(ns) != list(range(1, len(ns) + 1)):
            err("ids", f"{lang} numbers are not 1..{len(ns)}: {sorted(ns)}")
    print(f"checked {total} conversations, {n_turns} turns, {n_claims} claims "
          f"(zh {len(numbers['zh'])}, en {len(numbers['en'])}, mixed {len(numbers['mixed'])})")
    if errors:
        print(f"{len(errors)} ERRORS")
        for e in errors:
            print("  " + e)
        sys.exit(1)
    print("OK: no errors")


if __name__ == "__main__":
    main()
