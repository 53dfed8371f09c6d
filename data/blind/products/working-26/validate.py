#!/usr/bin/env python3
"""Validates the blindpf25 batch (seven YAML files) against /tmp/blind_shop/db.json.

Independent of build.py: it re-reads db.json and recomputes every claim in claims.json
(variant availability and price, budget sets, cheapest / dearest, none in budget, sold-out
sets, attribute tokens, not-sold queries), then checks that each conversation's mentions and
not_mentions are exactly backed by those recomputed facts.  Exit status 0 = pass.
"""
import json
import os
import re
import sys
from collections import Counter, defaultdict

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DB_PATH = "/tmp/blind_shop/db.json"
FILES = ["need", "do_you_sell", "specific_variant", "attribute", "comparison", "cheapest_budget", "follow_up"]
PER_FILE = {"zh": 7, "en": 5, "mixed": 3}
INTENTS = {"order_status", "cancel_order", "return_item", "exchange_item", "refund_status", "modify_order",
           "product_info", "price_promo", "recommend", "shipping_policy", "return_policy", "payment_issue",
           "account", "complaint", "human_agent", "greeting", "thanks_bye", "out_of_scope", "handoff"}
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

RAW = open(DB_PATH, encoding="utf-8").read()
DB = json.loads(RAW)
PRODUCTS = {p["name"]: p for p in DB["products"].values()}
RAW_PRICES = set(re.findall(r'"price": ([0-9.]+)', RAW))

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def price_str(v):
    return repr(v["price"])


def match(v, flt):
    for k, want in flt.items():
        have = v["options"].get(k)
        if isinstance(want, list):
            if have not in want:
                return False
        elif have != want:
            return False
    return True


def variants(prod, flt):
    return [v for v in PRODUCTS[prod]["variants"].values() if match(v, flt)]


def all_option_values():
    vals = set()
    for p in PRODUCTS.values():
        for v in p["variants"].values():
            vals.update(str(x) for x in v["options"].values())
    return vals


OPTION_VALUES = all_option_values()
AVAIL_PRICES = defaultdict(set)     # product -> available price strings
SOLD_PRICES = defaultdict(set)
for pn, p in PRODUCTS.items():
    for v in p["variants"].values():
        (AVAIL_PRICES if v["available"] else SOLD_PRICES)[pn].add(price_str(v))


def flat(mentions):
    out = []
    for m in mentions:
        out.extend(m if isinstance(m, list) else [m])
    return out


def check_claim(cid, c):
    """Recompute one claim; return (allowed mention strings, excluded prices, flags)."""
    allowed, excluded, flags = set(), set(), set()
    k = c["kind"]
    prod = c.get("product")
    if prod is not None and prod not in PRODUCTS:
        err(cid, f"unknown product {prod!r}")
        return allowed, excluded, flags
    if k == "name":
        allowed.add(prod)
    elif k == "variant":
        m = variants(prod, c["options"])
        if len(m) != 1:
            err(cid, f"{prod} {c['options']} matches {len(m)} variants, not 1")
        else:
            v = m[0]
            if v["available"] != c["available"]:
                err(cid, f"{prod} {c['options']} available={v['available']} but claimed {c['available']}")
            if price_str(v) != c["price"]:
                err(cid, f"{prod} {c['options']} price {price_str(v)} != claimed {c['price']}")
            if v["available"]:
                allowed.add(price_str(v))
            elif c.get("asked"):
                flags.add("sold_out")
                flags.add("soldprice:" + price_str(v))
    elif k == "excluded":
        m = variants(prod, c["options"])
        if len(m) != 1 or m[0]["available"]:
            err(cid, f"excluded {prod} {c['options']} is not exactly one sold-out variant")
        else:
            excluded.add(price_str(m[0]))
    elif k == "set":
        mx = c["max"]
        got = [price_str(v) for v in sorted(variants(prod, c["filter"]), key=lambda v: v["price"])
               if v["available"] and (mx is None or v["price"] <= mx)]
        if got != c["answer"]:
            err(cid, f"set {prod} {c['filter']} max={mx}: db gives {got}, claims {c['answer']}")
        if not got:
            err(cid, f"set {prod} {c['filter']} is empty (should be a 'none' claim)")
        allowed.update(got)
        flags.add("budget" if mx is not None else "set")
    elif k == "none":
        m = variants(prod, c["filter"])
        fit = [v for v in m if v["available"] and v["price"] <= c["max"]]
        if fit:
            err(cid, f"none_in_budget false: {prod} has {[price_str(v) for v in fit]} <= {c['max']}")
        av = sorted([v for v in m if v["available"]], key=lambda v: v["price"])
        if not av or price_str(av[0]) != c["cheapest"]:
            err(cid, f"cheapest available {prod} is not {c['cheapest']}")
        else:
            allowed.add(price_str(av[0]))
        flags.add("none_in_budget")
    elif k == "extreme":
        av = sorted([v for v in variants(prod, c["filter"]) if v["available"]], key=lambda v: v["price"])
        v = av[0] if c["which"] == "min" else av[-1]
        if price_str(v) != c["answer"]:
            err(cid, f"{c['which']} of {prod} {c['filter']} is {price_str(v)}, claims {c['answer']}")
        allowed.add(price_str(v))
        flags.add("extreme")
    elif k == "soldout_set":
        m = variants(prod, c["filter"])
        if not m or any(v["available"] for v in m):
            err(cid, f"soldout_set {prod} {c['filter']} is not all sold out ({len(m)} variants)")
        flags.add("sold_out")
        for v in m:
            flags.add("soldprice:" + price_str(v))
    elif k == "attr":
        ok = [v for v in PRODUCTS[prod]["variants"].values()
              if v["available"] and c["token"] in str(v["options"].get(c["key"], ""))]
        if not ok:
            err(cid, f"attr token {c['token']!r} not in any available {prod} {c['key']}")
        allowed.add(c["token"])
        flags.add("attr")
    elif k == "not_sold":
        q = c["query"].lower()
        for pn in PRODUCTS:
            if q in pn.lower() or pn.lower() in q:
                err(cid, f"not_sold query {q!r} collides with product {pn!r}")
        flags.add("not_sold")
    else:
        err(cid, f"unknown claim kind {k}")
    return allowed, excluded, flags


def main():
    claims = json.load(open(os.path.join(HERE, "claims.json")))
    seen_ids, seen_says, nums = set(), Counter(), []
    table = {}
    tag_counts = Counter()
    for f in FILES:
        path = os.path.join(HERE, f + ".yaml")
        data = yaml.safe_load(open(path, encoding="utf-8"))
        convs = data.get("conversations") if isinstance(data, dict) else None
        if not isinstance(convs, list):
            err(f, "no conversations list")
            continue
        langs = Counter(c.get("language") for c in convs)
        table[f] = langs
        if len(convs) != 15:
            err(f, f"{len(convs)} conversations, want 15")
        for lang, n in PER_FILE.items():
            if langs[lang] != n:
                err(f, f"{langs[lang]} {lang} conversations, want {n}")
        for c in convs:
            cid = c.get("id", "?")
            where = f"{f}/{cid}"
            extra = set(c) - {"id", "language", "reply_language", "capability", "tags", "turns"}
            if extra:
                err(where, f"unexpected keys {extra}")
            mo = re.fullmatch(r"blindpf25-(zh|en|mixed)-(\d{3})", cid)
            if not mo:
                err(where, "bad id")
                continue
            if mo.group(1) != c.get("language"):
                err(where, "id language != language")
            if cid in seen_ids:
                err(where, "duplicate id")
            seen_ids.add(cid)
            nums.append(int(mo.group(2)))
            lang = c["language"]
            rl = c.get("reply_language")
            if rl not in ("en", "zh") or (lang in ("zh", "en") and rl != lang):
                err(where, f"bad reply_language {rl}")
            if c.get("capability") not in INTENTS:
                err(where, f"bad capability {c.get('capability')}")
            tags = c.get("tags") or []
            if not tags or c.get("capability") not in tags:
                err(where, "tags missing or without the capability")
            tag_counts.update(tags)
            turns = c.get("turns") or []
            lo, hi = (2, 4) if f == "follow_up" else (1, 2)
            if not lo <= len(turns) <= hi:
                err(where, f"{len(turns)} turns, want {lo}-{hi}")
            text = " ".join(t.get("say", "") for t in turns)
            has_cjk = bool(CJK.search(text))
            latin_words = re.findall(r"[A-Za-z]{2,}", text)
            if lang == "zh" and not has_cjk:
                err(where, "zh without Chinese")
            if lang == "en" and has_cjk:
                err(where, "en with Chinese")
            if lang == "mixed" and not (has_cjk and len(latin_words) >= 2):
                err(where, "mixed is not code-switched")
            # claims
            cl = claims.get(cid)
            if cl is None or cl["file"] != f:
                err(where, "no claims entry")
                continue
            allowed, excluded, flags = set(), set(), set()
            for claim in cl["claims"]:
                a, e, fl = check_claim(where, claim)
                allowed |= a
                excluded |= e
                flags |= fl
            claimed_products = {x["product"] for x in cl["claims"] if "product" in x}
            sold_prices = {x.split(":", 1)[1] for x in flags if x.startswith("soldprice:")}
            req_all = []
            for i, t in enumerate(turns):
                tw = f"{where} turn {i + 1}"
                if set(t) - {"say", "mentions", "not_mentions"}:
                    err(tw, f"unexpected turn keys {set(t) - {'say', 'mentions', 'not_mentions'}}")
                say = t.get("say")
                if not isinstance(say, str) or not say.strip():
                    err(tw, "empty say")
                    continue
                seen_says[say] += 1
                ms = t.get("mentions", [])
                if not isinstance(ms, list):
                    err(tw, "mentions is not a list")
                    ms = []
                for m in ms:
                    if isinstance(m, list) and (len(m) < 2 or not all(isinstance(x, str) for x in m)):
                        err(tw, f"bad any-of group {m}")
                    elif not isinstance(m, (list, str)):
                        err(tw, f"mention not a string: {m!r}")
                for m in flat(ms):
                    req_all.append(m)
                    if m not in RAW:
                        err(tw, f"mention {m!r} not literally in db.json")
                    is_name = m in PRODUCTS
                    is_price = m in RAW_PRICES
                    is_opt = any(m in ov for ov in OPTION_VALUES)
                    if not (is_name or is_price or is_opt):
                        err(tw, f"mention {m!r} is neither a product name, a price nor an option value")
                    if m not in allowed:
                        err(tw, f"mention {m!r} not backed by a recomputed claim")
                    if is_price and not is_name:
                        if re.fullmatch(r"\d+\.0", m):
                            err(tw, f"required price {m!r} ends in .0 (a reply would write .00 or drop it)")
                        if not any(m in AVAIL_PRICES[p] for p in claimed_products):
                            err(tw, f"required price {m!r} is not an AVAILABLE variant of {claimed_products}")
                        if m in sold_prices and not any(m in AVAIL_PRICES[p] for p in claimed_products):
                            err(tw, f"required price {m!r} belongs to the sold-out variant asked about")
                nm = t.get("not_mentions")
                if nm is not None:
                    if f != "need":
                        err(tw, "not_mentions outside need.yaml")
                    for x in nm:
                        if x not in excluded:
                            err(tw, f"not_mention {x!r} not a recomputed sold-out variant")
                        for p in PRODUCTS:
                            if any(x in ap for ap in AVAIL_PRICES[p]):
                                err(tw, f"not_mention {x!r} is a substring of an available {p} price")
            for r in req_all:
                for p in sold_prices:
                    if r == p and not any(r in AVAIL_PRICES[q] for q in claimed_products):
                        err(where, f"sold-out price {r} is required")
            for x in [y for t in turns for y in (t.get("not_mentions") or [])]:
                if any(x in r or r in x for r in req_all if r not in PRODUCTS and len(r) > 3):
                    err(where, f"not_mention {x} overlaps a required mention")
            # tag <-> claim consistency
            for tag, flag in (("sold_out", "sold_out"), ("not_sold", "not_sold"), ("none_in_budget", "none_in_budget")):
                if (tag in tags) != (flag in flags):
                    err(where, f"tag {tag} is {'present' if tag in tags else 'absent'} but claims say "
                               f"{'yes' if flag in flags else 'no'}")
            # per-file shape
            kinds = Counter(x["kind"] for x in cl["claims"])
            if f == "need" and not kinds["set"]:
                err(where, "need without a budget/constraint set claim")
            if f == "need" and not any(t.get("not_mentions") for t in turns) and "Apple HomeKit" not in text:
                pass
            if f == "do_you_sell":
                if "not_sold" in tags:
                    if any(m not in PRODUCTS for m in req_all):
                        err(where, "not_sold reply may only be required to name the nearest sold product")
                elif not kinds["name"]:
                    err(where, "sold product without its name as a mention")
            if f == "specific_variant" and not any(x["kind"] == "variant" and x.get("asked") for x in cl["claims"]):
                err(where, "no asked variant")
            if f == "comparison" and kinds["variant"] < 2:
                err(where, "comparison needs two variants")
            if f == "cheapest_budget" and not (kinds["extreme"] or kinds["none"] or
                                               any(x["kind"] == "set" and x["max"] is not None for x in cl["claims"])):
                err(where, "cheapest_budget without cheapest/dearest/budget claim")
            if f == "attribute" and not (kinds["attr"] or kinds["set"]):
                err(where, "attribute without attribute claim")
            if f == "follow_up" and not any(t.get("mentions") for t in turns[1:]):
                err(where, "follow-up turns check nothing")
            if not req_all and "not_sold" not in tags:
                err(where, "no mentions at all")
    for say, n in seen_says.items():
        if n > 1:
            err("batch", f"say used {n} times: {say[:40]}")
    if sorted(nums) != list(range(1, 106)):
        err("batch", "ids are not numbered 001-105 exactly once")
    if set(claims) - seen_ids:
        err("batch", f"claims for unknown ids {sorted(set(claims) - seen_ids)}")

    print("file               zh  en  mixed  total")
    tot = Counter()
    for f in FILES:
        l = table.get(f, Counter())
        tot.update(l)
        print(f"{f:18} {l['zh']:3} {l['en']:3} {l['mixed']:5} {sum(l.values()):6}")
    print(f"{'TOTAL':18} {tot['zh']:3} {tot['en']:3} {tot['mixed']:5} {sum(tot.values()):6}")
    print("tags:", dict(sorted(tag_counts.items(), key=lambda kv: -kv[1])))
    if errors:
        print(f"\nFAIL: {len(errors)} problem(s)")
        for e in errors:
            print("  -", e)
        return 1
    print("\nPASS: 105 conversations, every mention backed by db.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
