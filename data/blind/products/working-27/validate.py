#!/usr/bin/env python3
"""Validate the blindpf26 product-question batch against db.json.

Usage: python3 validate.py [--db /tmp/blind_shop/db.json] [--intents /work/shared/intents.md]

Checks
- structure of each YAML file (`conversations:` list, known keys, non-empty turns);
- ids unique, of the form blindpf26-<zh|en|mixed>-NNN, numbered 001..105 across the files in
  FILES order, language in the id equal to `language`;
- per file: 15 conversations, 7 zh then 5 en then 3 mixed;
- capability is an intent id of intents.md, tags are known;
- not_mentions only in need.yaml (and every need.yaml conversation has one);
- every claim in claims.json holds in db.json (products section only);
- every string in `mentions` is either a product name of db.json, a price that a claim of that
  conversation states for an AVAILABLE variant (or a computed total), an option value of a product
  the conversation's claims name, a declared alias of such a value, or a word of the fixed
  answer lexicons (yes / no / sold out / not sold / none in budget);
- tags agree with claims: sold_out <-> a sold-out variant claim and a sold-out word list in the
  mentions; not_sold <-> a not_sold claim and a negation list; none_in_budget <-> a none_available
  claim with a budget and a negation list;
- every shopper message is unique, none copies the example wording of the briefs, follow_up
  conversations have 2-4 turns.
Exit status 0 when all checks pass.
"""
import argparse
import difflib
import json
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ["need.yaml", "do_you_sell.yaml", "specific_variant.yaml", "attribute.yaml",
         "comparison.yaml", "cheapest_budget.yaml", "follow_up.yaml"]
PER_FILE = {"zh": 7, "en": 5, "mixed": 3}
LANG_ORDER = ["zh", "en", "mixed"]
ID_RE = re.compile(r"^blindpf26-(zh|en|mixed)-(\d{3})$")

YES_ZH = {"有", "是", "可以", "支持", "能"}
YES_EN = {"yes", "Yes", "water-resistant", "water resistant"}
NO_ZH = {"不是", "不能", "没有", "不支持", "不", "否"}
NEG_ZH = {"没有", "不卖", "暂无", "不提供", "无法", "不在", "没在卖", "未", "不销售", "沒有", "不賣",
          "超出", "超过", "高于"}
NEG_EN = {"n't", "not", "unfortunately", "Unfortunately", "no ", "No ", "above", "over", "only"}
SOLD_OUT_ZH = {"售罄", "缺货", "无货", "没货", "卖完", "已售完", "暂无", "没有库存", "无库存", "没有现货",
               "不可购买", "没有货", "没有"}
SOLD_OUT_EN = {"sold out", "Sold out", "out of stock", "Out of stock", "unavailable", "Unavailable",
               "not available", "not in stock"}
LEXICON = YES_ZH | YES_EN | NO_ZH | NEG_ZH | NEG_EN | SOLD_OUT_ZH | SOLD_OUT_EN
SOLD_OUT_CORE = {"售罄", "缺货", "sold out", "out of stock"}   # a sold-out list must hold one of these
NEG_CORE = {"没有", "不卖", "n't", "not"}                       # a negation list must hold one of these

KNOWN_TAGS = {"changes_mind", "out_of_order", "volunteers", "corrects", "digression", "angry", "terse",
              "chatty", "typos", "says_no", "channel_switch", "not_sold", "sold_out", "none_in_budget"}
CONV_KEYS = {"id", "language", "reply_language", "capability", "tags", "turns", "user", "shopper_id",
             "end_state"}
TURN_KEYS = {"say", "mentions", "not_mentions", "confirm", "handoff", "channel"}
# example wording in the briefs that must not be copied
BRIEF_EXAMPLES = ["something for my mum who gardens", "送男朋友 预算300", "the cheaper one?", "那黑色的呢",
                  "what about in size 10", "is the silver 17-inch laptop with i7 in stock",
                  "a gift for my dad who hikes", "我的快递到哪了", "推荐一款适合跑步的耳机",
                  "is this jacket waterproof", "这款手机支持5G吗", "do you ship to canada"]

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def load_intents(path):
    ids = set()
    try:
        for line in open(path, encoding="utf-8"):
            m = re.match(r"^\|\s*([a-z_]+)\s*\|", line)
            if m and m.group(1) not in ("id", "slot"):
                ids.add(m.group(1))
    except OSError:
        pass
    return ids or {"order_status", "cancel_order", "return_item", "exchange_item", "refund_status",
                   "modify_order", "product_info", "price_promo", "recommend", "shipping_policy",
                   "return_policy", "payment_issue", "account", "complaint", "human_agent", "greeting",
                   "thanks_bye", "out_of_scope"}


def num(s):
    t = s.replace(",", "").strip()
    if re.fullmatch(r"\d+(\.\d+)?", t):
        return float(t)
    return None


class DB:
    def __init__(self, path):
        data = json.load(open(path, encoding="utf-8"))
        self.products = {}
        for p in data["products"].values():
            self.products[p["name"]] = list(p["variants"].values())

    def variants(self, product, options):
        if product not in self.products:
            return None
        out = []
        for v in self.products[product]:
            if all(v["options"].get(k) == val for k, val in (options or {}).items()):
                out.append(v)
        return out

    def option_values(self, product, option, options=None, available_only=False):
        vs = self.variants(product, options) or []
        return {v["options"][option] for v in vs if option in v["options"] and (v["available"] or not available_only)}

    def all_option_values(self, product):
        out = set()
        for v in self.products.get(product, []):
            out |= set(v["options"].values())
        return out


def close(a, b):
    return abs(float(a) - float(b)) < 0.005


def check_claim(db, cid, c):
    """Check one claim against db.json; return the available prices it vouches for."""
    where = f"{cid} claim {c.get('type')}"
    t = c["type"]
    prices = set()
    if t == "not_sold":
        for term in c["terms"]:
            hits = [n for n in db.products if term.lower() in n.lower()]
            if hits:
                err(where, f"term {term!r} matches products {hits}")
        return prices
    if t == "combo_within":
        total = 0.0
        for p in c["products"]:
            avail = [v["price"] for v in db.variants(p, {}) or [] if v["available"]]
            if not avail:
                err(where, f"{p}: nothing available")
                return prices
            total += min(avail)
        if total > c["max_price"]:
            err(where, f"cheapest combination {total:.2f} > {c['max_price']}")
        return prices
    product = c["product"]
    if product not in db.products:
        err(where, f"unknown product {product!r}")
        return prices
    opts = c.get("options") or {}
    vs = db.variants(product, opts)
    for k in opts:
        if k not in db.products[product][0]["options"]:
            err(where, f"{product} has no option {k!r}")
    if t == "variant":
        match = [v for v in vs if close(v["price"], c["price"])]
        if len(match) != 1:
            err(where, f"{product} {opts} price {c['price']}: {len(match)} matching variants")
        elif match[0]["available"] != c["available"]:
            err(where, f"{product} {opts} {c['price']}: available is {match[0]['available']}, claim says {c['available']}")
        elif c["available"]:
            prices.add(round(c["price"], 2))
    elif t == "variant_set":
        got = sorted((round(v["price"], 2), v["available"]) for v in vs)
        want = sorted((round(p, 2), a) for p, a in c["variants"])
        if got != want:
            err(where, f"{product} {opts}: db has {got}, claim says {want}")
        prices |= {p for p, a in want if a}
    elif t in ("has_available", "none_available"):
        mp = c.get("max_price")
        ok = [v for v in vs if v["available"] and (mp is None or v["price"] <= mp)]
        if t == "has_available" and not ok:
            err(where, f"{product} {opts} <= {mp}: nothing available")
        if t == "none_available" and ok:
            err(where, f"{product} {opts} <= {mp}: available {[v['price'] for v in ok]}")
    elif t == "available_prices_within":
        mp = c.get("max_price")
        got = sorted(round(v["price"], 2) for v in vs if v["available"] and (mp is None or v["price"] <= mp))
        want = sorted(round(p, 2) for p in c["prices"])
        if got != want:
            err(where, f"{product} {opts} <= {mp}: db has {got}, claim says {want}")
        prices |= set(want)
    elif t in ("cheapest_available", "most_expensive_available"):
        avail = [v["price"] for v in vs if v["available"]]
        if not avail:
            err(where, f"{product} {opts}: nothing available")
        else:
            x = min(avail) if t == "cheapest_available" else max(avail)
            if not close(x, c["price"]):
                err(where, f"{product} {opts}: db says {x}, claim says {c['price']}")
            prices.add(round(c["price"], 2))
    elif t == "min_available_above":
        avail = [v["price"] for v in vs if v["available"]]
        if avail and min(avail) <= c["budget"]:
            err(where, f"{product}: available from {min(avail)}, not above budget {c['budget']}")
    elif t == "not_fit":
        if not c.get("reason"):
            err(where, "not_fit needs a reason")
    elif t == "option_values":
        got = db.option_values(product, c["option"], opts)
        if got != set(c["values"]):
            err(where, f"{product} {c['option']}: db has {sorted(got)}, claim says {sorted(c['values'])}")
        if "available_values" in c:
            got = db.option_values(product, c["option"], opts, available_only=True)
            if got != set(c["available_values"]):
                err(where, f"{product} {c['option']} available: db has {sorted(got)}, claim says {sorted(c['available_values'])}")
    elif t == "no_variant":
        if vs:
            err(where, f"{product} {opts}: db has {[v['price'] for v in vs]}")
    elif t == "total":
        match = [v for v in vs if close(v["price"], c["price"]) and v["available"]]
        if len(match) != 1:
            err(where, f"{product} {opts} {c['price']}: {len(match)} available matching variants")
        if not close(c["price"] * c["qty"], c["total"]):
            err(where, f"{c['price']} x {c['qty']} != {c['total']}")
        prices.add(round(c["total"], 2))
    else:
        err(where, f"unknown claim type {t!r}")
    return prices


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="/tmp/blind_shop/db.json")
    ap.add_argument("--intents", default="/work/shared/intents.md")
    ap.add_argument("--claims", default=os.path.join(HERE, "claims.json"))
    args = ap.parse_args()
    db = DB(args.db)
    intents = load_intents(args.intents)
    claims = json.load(open(args.claims, encoding="utf-8"))

    seen_ids, all_says = set(), []
    expected_n = 1
    stats = {}
    for fname in FILES:
        path = os.path.join(HERE, fname)
        doc = yaml.safe_load(open(path, encoding="utf-8"))
        convs = doc.get("conversations") if isinstance(doc, dict) else None
        if not isinstance(convs, list):
            err(fname, "no `conversations:` list")
            continue
        langs = [c.get("language") for c in convs]
        if len(convs) != 15:
            err(fname, f"{len(convs)} conversations, expected 15")
        for lg, n in PER_FILE.items():
            if langs.count(lg) != n:
                err(fname, f"{langs.count(lg)} {lg}, expected {n}")
        if langs != sorted(langs, key=LANG_ORDER.index):
            err(fname, "languages not in order zh, en, mixed")
        stats[fname] = {lg: langs.count(lg) for lg in LANG_ORDER}
        for conv in convs:
            cid = conv.get("id", "?")
            where = f"{fname} {cid}"
            for k in conv:
                if k not in CONV_KEYS:
                    err(where, f"unknown key {k!r}")
            m = ID_RE.match(cid)
            if not m:
                err(where, "bad id")
                continue
            if cid in seen_ids:
                err(where, "duplicate id")
            seen_ids.add(cid)
            if int(m.group(2)) != expected_n:
                err(where, f"number {m.group(2)}, expected {expected_n:03d}")
            expected_n += 1
            lang = conv.get("language")
            if m.group(1) != lang:
                err(where, f"id says {m.group(1)}, language is {lang}")
            rl = conv.get("reply_language")
            if rl not in ("zh", "en") or (lang in ("zh", "en") and rl != lang):
                err(where, f"reply_language {rl!r} for language {lang}")
            cap = conv.get("capability")
            if cap not in intents:
                err(where, f"capability {cap!r} not an intent id")
            tags = conv.get("tags") or []
            if cap not in tags:
                err(where, "capability missing from tags")
            for t in tags:
                if t not in KNOWN_TAGS and t not in intents:
                    err(where, f"unknown tag {t!r}")
            turns = conv.get("turns") or []
            if not turns:
                err(where, "no turns")
            if fname == "follow_up.yaml" and not 2 <= len(turns) <= 4:
                err(where, f"{len(turns)} turns, follow_up needs 2-4")
            if cid not in claims:
                err(where, "no claims in claims.json")
                continue
            cl = claims[cid]
            vouched_prices, named_products = set(), set()
            for c in cl["claims"]:
                vouched_prices |= check_claim(db, cid, c)
                if "product" in c:
                    named_products.add(c["product"])
                named_products |= set(c.get("products", []))
            option_vals = set()
            for p in named_products:
                option_vals |= db.all_option_values(p)
            aliases = cl.get("aliases", {})
            for a, canon in aliases.items():
                if canon not in option_vals and canon not in db.products:
                    err(where, f"alias {a!r} -> {canon!r}: not an option value of {sorted(named_products)}")
            any_mentions = False
            lists = []   # nested any-lists
            for i, turn in enumerate(turns):
                tw = f"{where} turn {i + 1}"
                for k in turn:
                    if k not in TURN_KEYS:
                        err(tw, f"unknown key {k!r}")
                say = turn.get("say")
                if not isinstance(say, str) or not say.strip():
                    err(tw, "empty say")
                    continue
                all_says.append((tw, say))
                low = say.lower()
                for ex in BRIEF_EXAMPLES:
                    if ex.lower() in low:
                        err(tw, f"copies brief example {ex!r}")
                men = turn.get("mentions", [])
                if men:
                    any_mentions = True
                if "not_mentions" in turn and fname != "need.yaml":
                    err(tw, "not_mentions only allowed in need.yaml")
                for item in men:
                    group = item if isinstance(item, list) else [item]
                    if isinstance(item, list):
                        if not item:
                            err(tw, "empty any-list")
                        lists.append(set(item))
                    for s in group:
                        if not isinstance(s, str):
                            err(tw, f"mention {s!r} is not a string")
                            continue
                        if s in LEXICON or s in db.products:
                            continue
                        n = num(s)
                        if n is not None:
                            if round(n, 2) not in vouched_prices:
                                err(tw, f"price {s} not vouched for as available by a claim")
                            continue
                        if s in option_vals:
                            continue
                        if s in aliases:
                            continue
                        err(tw, f"mention {s!r} is not a db fact, declared alias or lexicon word")
                for s in turn.get("not_mentions", []):
                    if s not in db.products:
                        err(tw, f"not_mentions {s!r} is not a product name")
                    elif not any(c.get("product") == s and c["type"] in ("not_fit", "min_available_above")
                                 for c in cl["claims"]):
                        err(tw, f"not_mentions {s!r} without a not_fit / min_available_above claim")
                    for it in men:
                        if s in (it if isinstance(it, list) else [it]):
                            err(tw, f"{s!r} both in mentions and not_mentions")
                # product names in mentions must be named by the claims (fits the question)
                for item in men:
                    for s in (item if isinstance(item, list) else [item]):
                        if s in db.products and s not in named_products:
                            err(tw, f"product {s!r} mentioned but no claim about it")
            if not any_mentions:
                err(where, "no mentions at all")
            if fname == "need.yaml" and not any(t.get("not_mentions") for t in turns):
                err(where, "need.yaml conversation without not_mentions")
            # tags vs claims
            types = [c["type"] for c in cl["claims"]]
            has_soldout_claim = any(c["type"] == "variant" and not c["available"] and not c.get("role") for c in cl["claims"])
            has_soldout_list = any(g & SOLD_OUT_CORE for g in lists)
            has_neg_list = any(g & NEG_CORE for g in lists)
            if ("sold_out" in tags) != has_soldout_claim:
                err(where, f"sold_out tag {'sold_out' in tags} but sold-out variant claim {has_soldout_claim}")
            if "sold_out" in tags and not has_soldout_list:
                err(where, "sold_out without a sold-out word list in mentions")
            if ("not_sold" in tags) != ("not_sold" in types):
                err(where, "not_sold tag and not_sold claim disagree")
            if "not_sold" in tags and not has_neg_list:
                err(where, "not_sold without a negation list")
            nib = any(c["type"] == "none_available" and c.get("max_price") for c in cl["claims"])
            if ("none_in_budget" in tags) != nib:
                err(where, "none_in_budget tag and none_available(max_price) claim disagree")
            if "none_in_budget" in tags and not has_neg_list:
                err(where, "none_in_budget without a negation list")
            if fname == "do_you_sell.yaml" and "not_sold" not in tags and "has_available" not in types:
                err(where, "sold item without has_available claim")
    if expected_n != 106:
        err("batch", f"{expected_n - 1} conversations, expected 105")
    extra = set(claims) - seen_ids
    if extra:
        err("claims.json", f"claims for unknown ids {sorted(extra)}")
    # no two messages alike
    texts = [s for _, s in all_says]
    for i in range(len(all_says)):
        for j in range(i + 1, len(all_says)):
            a, b = texts[i], texts[j]
            if a == b or difflib.SequenceMatcher(None, a, b).ratio() > 0.8:
                err(all_says[i][0], f"too close to {all_says[j][0]}")
    sold_not = sum(1 for cid, c in claims.items() if any(x["type"] == "not_sold" for x in c["claims"]))
    print("per file:", json.dumps(stats))
    print(f"conversations: {len(seen_ids)}, shopper turns: {len(all_says)}, not_sold: {sold_not}")
    if errors:
        print(f"FAILED: {len(errors)} problem(s)")
        for e in errors:
            print("  -", e)
        return 1
    print("OK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
