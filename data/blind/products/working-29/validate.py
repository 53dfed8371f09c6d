#!/usr/bin/env python3
"""Checker for the blindpf28 batch: schema, ids, languages, and every fact in
mentions / not_mentions against /tmp/blind_shop/db.json.  Writes claims.json.

Run: python3 validate.py   (exit 0 = all checks passed)
"""
import json, re, sys, os
from collections import Counter, OrderedDict
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DB = json.load(open("/tmp/blind_shop/db.json"))["products"]
KINDS = ["need", "do_you_sell", "specific_variant", "attribute", "comparison",
         "cheapest_budget", "follow_up"]
CONV_KEYS = ["id", "language", "reply_language", "capability", "tags", "turns"]
TURN_KEYS = ["say", "mentions", "not_mentions"]
CAPS = {"product_info", "recommend", "price_promo"}
SPECIAL_TAGS = {"not_sold", "sold_out", "none_in_budget"}
LANG_COUNTS = {"zh": 7, "en": 5, "mixed": 3}

BY_NAME = {p["name"]: p for p in DB.values()}
PRICE_RE = re.compile(r"^\d+\.\d+$")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

errors = []
def err(cid, msg):
    errors.append(f"{cid}: {msg}")

def pstr(x):
    return repr(float(x))

# ---------------------------------------------------------------------------
# Per-conversation fact specification (what each mention relies on).
#   P: products the conversation is about (names exactly as db.json)
#   per turn index: f = filter (dict, or list of dicts = any of them; key "_p"
#   restricts to one product; a value may be a list of allowed values),
#   max = price ceiling, min = each mentioned price is the cheapest available
#   variant of a filter it matches, partial = an ANY list may leave out some
#   valid answers, so = filter of the asked-for variant(s) that must all be
#   sold out, absent = filter that no variant matches at all, none_max = no
#   available variant matching f costs <= this (none_in_budget), ns = terms
#   the shop must not sell.
# ---------------------------------------------------------------------------
S = {
 1: {"P": ["Electric Kettle"], 0: {"f": {"material": ["glass", "stainless steel"], "capacity": ["1L", "1.5L"]}}},
 2: {"P": ["Pet Bed"], 0: {"f": {"size": "large", "material": "memory foam"}}},
 3: {"P": ["Coffee Maker"], 0: {"f": {"type": ["drip", "french press", "espresso"]}, "max": 300}},
 4: {"P": ["Desk Lamp"], 0: {"f": {"brightness": "high", "power source": "AC adapter"}}},
 5: {"P": ["Skateboard", "Cycling Helmet"], 0: {"f": [{"_p": "Skateboard"}, {"_p": "Cycling Helmet", "size": "S"}]}},
 6: {"P": ["Wireless Earbuds", "Headphones"], 0: {"f": [{"_p": "Wireless Earbuds"}, {"_p": "Headphones", "connectivity": "wireless"}]}},
 7: {"P": ["Air Purifier"], 0: {"f": {"room size": "small"}}},
 8: {"P": ["Action Camera"], 0: {"f": {"resolution": "4K", "waterproof": "yes"}, "max": 500}},
 9: {"P": ["Smart Watch"], 0: {"f": {"color": "black", "band material": "silicone"}}},
 10: {"P": ["Water Bottle"], 0: {"f": {"capacity": "500ml", "material": "stainless steel"}}},
 11: {"P": ["Garden Hose"], 0: {"f": {"length": "25ft", "color": ["blue", "black", "red"]}}},
 12: {"P": ["Bookshelf"], 0: {"f": {"material": "wood", "height": "5 ft"}},
      1: {"f": {"material": "wood", "height": "5 ft", "color": "white"}}},
 13: {"P": ["Yoga Mat"], 0: {"f": {"color": "pink", "material": ["PVC", "TPE"]}}},
 14: {"P": ["Backpack"], 0: {"f": {"compartment": "hydration", "color": ["grey", "green", "navy"]}, "max": 250}},
 15: {"P": ["Smart Thermostat"], 0: {"f": {"compatibility": "Apple HomeKit", "color": "white"}}},
 16: {"P": [], 0: {"ns": ["projector"]}},
 17: {"P": ["Pet Bed"], 0: {"ns": ["cat litter", "litter"]}, 1: {"f": {"size": "small"}}},
 18: {"P": ["E-Reader"]},
 19: {"P": ["Smartphone"], 0: {"so": {"color": "rose gold"}}},
 20: {"P": ["Portable Charger"]},
 21: {"P": ["Electric Toothbrush"], 0: {"ns": ["floss", "flosser"]}},
 22: {"P": [], 0: {"ns": ["tent"]}},
 23: {"P": ["Tablet"]},
 24: {"P": ["Office Chair"], 0: {"ns": ["standing desk"]}, 1: {"f": {"backrest height": "high-back"}}},
 25: {"P": [], 0: {"ns": ["hair dryer", "hairdryer"]}},
 26: {"P": ["Skateboard"], 0: {"ns": ["roller skate"]}},
 27: {"P": ["Wall Clock"]},
 28: {"P": ["Vacuum Cleaner"]},
 29: {"P": [], 0: {"ns": ["scale"]}},
 30: {"P": ["Grill"], 0: {"f": {"type": "charcoal"}}},
 31: {"P": ["Laptop"], 0: {"f": {"screen size": "17-inch", "processor": "i7", "ram": "32GB", "storage": "1TB SSD", "color": "black"}}},
 32: {"P": ["T-Shirt"], 0: {"so": {"color": "blue", "size": "S", "material": "polyester", "style": "v-neck"}},
      1: {"f": {"color": "blue", "size": "S", "material": "cotton", "style": "v-neck"}}},
 33: {"P": ["Water Bottle"], 0: {"so": {"capacity": "1000ml", "material": "stainless steel", "color": "blue"}},
      1: {"f": {"capacity": "1000ml", "material": "stainless steel", "color": "red"}}},
 34: {"P": ["Portable Charger"], 0: {"f": {"capacity": "20000mAh", "output": "Wireless", "color": "blue"}}},
 35: {"P": ["Hiking Boots"], 0: {"f": {"size": "12", "material": "leather", "waterproof": "yes"}}},
 36: {"P": ["Bicycle"], 0: {"f": {"frame size": "medium", "color": "green", "type": "road"}}},
 37: {"P": ["Mechanical Keyboard"], 0: {"f": {"switch type": "linear", "backlight": "RGB", "size": "60%"}}},
 38: {"P": ["Smartphone"], 0: {"so": {"color": "rose gold", "storage": "128GB", "RAM": "8GB", "screen size": "6.1-inch"}}},
 39: {"P": ["Sunglasses"], 0: {"f": {"frame color": "silver", "lens color": "black", "lens type": "polarized", "frame material": "metal"}}},
 40: {"P": ["Wall Clock"], 0: {"f": {"diameter": "14 inches", "color": "white", "type": "digital"}}},
 41: {"P": ["Espresso Machine"], 0: {"so": {"pressure": "19 bar", "capacity": "1L", "type": "automatic"}},
      1: {"f": {"pressure": "19 bar", "capacity": "1L", "type": "capsule"}}},
 42: {"P": ["Indoor Security Camera"], 0: {"f": {"resolution": "4K", "field of view": "130 degrees", "connectivity": "Ethernet"}}},
 43: {"P": ["Headphones"], 0: {"f": {"type": "over-ear", "connectivity": "wireless", "color": "black"}}},
 44: {"P": ["Luggage Set"], 0: {"so": {"piece count": "3-piece", "color": "silver", "material": "softshell"}},
      1: {"f": {"piece count": "3-piece", "color": "blue", "material": "softshell"}}},
 45: {"P": ["E-Reader"], 0: {"f": {"screen size": "7-inch", "connectivity": "Wi-Fi + Cellular", "storage": "32GB"}}},
 46: {"P": ["Action Camera"]},
 47: {"P": ["Wireless Earbuds"]},
 48: {"P": ["Portable Charger"]},
 49: {"P": ["Notebook"], 0: {"so": {"size": "A6"}}},
 50: {"P": ["Smart Thermostat"]},
 51: {"P": ["Vacuum Cleaner"]},
 52: {"P": ["Electric Kettle"], 0: {"f": {"material": "stainless steel"}}},
 53: {"P": ["Fleece Jacket"], 0: {"so": {"size": "M"}}},
 54: {"P": ["Bluetooth Speaker"], 0: {"f": {"water resistance": "yes"}}},
 55: {"P": ["Office Chair"], 0: {"f": {"material": "mesh"}}},
 56: {"P": ["E-Reader"], 0: {"f": {"connectivity": "Wi-Fi + Cellular"}}},
 57: {"P": ["Dumbbell Set"]},
 58: {"P": ["Grill"], 0: {"f": {"type": "electric"}, "partial": True}},
 59: {"P": ["Makeup Kit"], 0: {"f": {"skin tone": "dark"}}},
 60: {"P": ["Perfume"], 0: {"so": {"gender": "unisex"}},
      1: {"f": {"gender": "men", "scent family": "woody", "size": "100ml"}}},
 61: {"P": ["Electric Kettle", "Tea Kettle"], 0: {"f": [{"_p": "Tea Kettle"}], "min": True}},
 62: {"P": ["LED Light Bulb"], 0: {"f": [
        {"brightness": "60W equivalent", "color temperature": "daylight", "connectivity": "Bluetooth"},
        {"brightness": "75W equivalent", "color temperature": "daylight", "connectivity": "Wi-Fi"}]}},
 63: {"P": ["Smart Watch", "Wristwatch"]},
 64: {"P": ["Running Shoes", "Sneakers"], 0: {"f": [{"_p": "Running Shoes", "size": "10"}, {"_p": "Sneakers", "size": "10"}]}},
 65: {"P": ["Action Camera"], 0: {"f": {"resolution": "4K", "waterproof": "yes"}, "so": {"resolution": "5K", "waterproof": "yes"}}},
 66: {"P": ["Tablet"], 0: {"f": [{"screen size": "10-inch", "storage": "128GB", "color": "gold"},
                                 {"screen size": "8-inch", "storage": "128GB", "color": "gold"}]}},
 67: {"P": ["Mechanical Keyboard"], 0: {"f": [{"switch type": "tactile", "backlight": "white", "size": "full size"},
                                              {"switch type": "clicky", "backlight": "white", "size": "full size"}]}},
 68: {"P": ["Vacuum Cleaner"], 0: {"f": [{"type": "robotic", "features": "pet hair removal"},
                                         {"type": "canister", "features": "pet hair removal"}], "min": True}},
 69: {"P": ["Luggage Set"], 0: {"f": [{"piece count": "2-piece", "color": "red", "material": "hardshell"},
                                      {"piece count": "2-piece", "color": "red", "material": "softshell"}]}},
 70: {"P": ["Yoga Mat"], 0: {"f": [{"thickness": "4mm"}, {"thickness": "6mm"}]}},
 71: {"P": ["Digital Camera"], 0: {"f": [{"resolution": "30MP", "zoom": "10x", "storage": "SD card"},
                                         {"resolution": "24MP", "zoom": "5x", "storage": "CF card"}]}},
 72: {"P": ["Patio Umbrella"], 0: {"f": [{"size": "6 ft", "material": "sunbrella"}, {"size": "6 ft", "material": "olefin"}]}},
 73: {"P": ["Coffee Maker", "Espresso Machine"]},
 74: {"P": ["Laptop"], 0: {"f": [{"screen size": "15-inch", "processor": "i7", "ram": "32GB", "color": "space grey"},
                                 {"screen size": "17-inch", "processor": "i7", "ram": "32GB", "color": "black"}]}},
 75: {"P": ["Indoor Security Camera"], 0: {"f": [{"resolution": "2K", "connectivity": "Ethernet"},
                                                 {"resolution": "4K", "connectivity": "Ethernet"}]}},
 76: {"P": ["Laptop"], 0: {"f": {}, "min": True}},
 77: {"P": ["Bluetooth Speaker"], 0: {"f": {"water resistance": "yes"}, "max": 300}},
 78: {"P": ["Cycling Helmet"], 0: {"f": {"size": "M"}, "max": 200}},
 79: {"P": ["Smartphone"], 0: {"f": {}, "min": True, "none_max": 1000}},
 80: {"P": ["Yoga Mat"], 0: {"f": {}, "min": True}},
 81: {"P": ["Pet Bed"], 0: {"f": [{"size": "medium"}, {}], "min": True, "none_max": 150}},
 82: {"P": ["Jigsaw Puzzle"], 0: {"f": {"difficulty level": "beginner"}, "max": 50}},
 83: {"P": ["Espresso Machine"], 0: {"f": {}, "min": True}},
 84: {"P": ["Gaming Mouse"], 0: {"f": {"connectivity": "wireless"}, "max": 155}},
 85: {"P": ["Tablet"], 0: {"f": {}, "min": True, "none_max": 900}},
 86: {"P": ["Sunglasses"], 0: {"f": {"lens type": "polarized"}, "min": True}},
 87: {"P": ["Mechanical Keyboard"], 0: {"f": {"backlight": "RGB", "size": ["80%", "full size"]}, "max": 235}},
 88: {"P": ["Air Purifier"], 0: {"f": {"room size": "medium"}, "max": 500}},
 89: {"P": ["Bluetooth Speaker"], 0: {"f": {"battery life": "20 hours"}, "min": True}},
 90: {"P": ["Running Shoes"], 0: {"f": {"size": "8"}, "min": True}},
 91: {"P": ["Electric Toothbrush"], 1: {"f": {"battery type": "rechargeable"}},
      2: {"f": {"battery type": "rechargeable"}, "min": True}},
 92: {"P": ["Wall Clock"], 0: {"f": {"color": "wood"}}, 1: {"absent": {"diameter": "14 inches", "color": "wood"}},
      2: {"f": {"color": "wood"}}},
 93: {"P": ["Perfume"], 0: {"ns": ["razor", "shaver"]}, 1: {"f": {"gender": "men", "size": "30ml"}},
      2: {"f": {"gender": "men", "size": "30ml", "scent family": "woody"}}},
 94: {"P": ["Espresso Machine", "Coffee Maker"], 1: {"f": [{"_p": "Coffee Maker", "type": "espresso"}], "max": 300}},
 95: {"P": ["Backpack"], 0: {"f": {"compartment": "camera"}, "partial": True},
      1: {"f": {"compartment": "camera", "size": "small", "material": ["polyester", "nylon"]}}},
 96: {"P": ["Tablet"], 0: {"f": {"screen size": "7-inch"}}, 1: {"f": {"screen size": "8-inch"}},
      2: {"so": {"screen size": "8-inch", "color": "black"}}},
 97: {"P": ["Grill"], 0: {"f": {"size": "portable"}}, 1: {"f": {"size": "portable", "type": "gas"}},
      2: {"f": {"size": "portable", "type": "gas", "features": "side burner"}}},
 98: {"P": ["T-Shirt"], 0: {"f": {}}, 1: {"f": {"color": "black", "size": "XL"}},
      2: {"f": {"color": "black", "size": "XXL"}, "min": True}},
 99: {"P": ["Smartphone"], 0: {"so": {"color": "gold"}}, 1: {"f": {"color": "black", "screen size": "6.5-inch"}}},
 100: {"P": ["Luggage Set"], 0: {"f": {"material": "hardshell"}},
       1: {"f": {"material": "hardshell"}, "min": True}},
 101: {"P": ["Portable Charger"], 0: {"f": {"capacity": "20000mAh"}},
       1: {"f": {"capacity": "20000mAh", "output": "USB-C"}, "min": True},
       2: {"f": {"capacity": "20000mAh", "output": "Wireless", "color": "black"}}},
 102: {"P": ["Fleece Jacket"], 0: {"f": {"color": "navy"}}, 1: {"f": {"color": "navy", "size": "XL", "zipper": "full"}},
       2: {"f": {"color": "navy", "size": "XL", "zipper": "half"}}},
 103: {"P": ["Garden Hose"], 0: {"f": {"length": "50ft"}},
       1: {"f": [{"length": "50ft", "material": "latex"}, {"length": "50ft", "material": "vinyl"}]}},
 104: {"P": ["Office Chair"], 0: {"f": {"material": "leather", "color": "black"}},
       1: {"f": {"material": "leather", "color": "black", "armrest": "adjustable", "backrest height": "high-back"}}},
 105: {"P": ["Dumbbell Set"], 0: {"f": {"weight range": "5-25 lbs", "set type": "adjustable"}},
       1: {"f": {"weight range": "5-25 lbs", "set type": "adjustable"}, "min": True},
       2: {"f": {"weight range": "30-50 lbs", "set type": "adjustable", "material": "rubber"}}},
}

def variants(pnames):
    out = []
    for n in pnames:
        p = BY_NAME[n]
        for v in p["variants"].values():
            out.append((p, v))
    return out

def match(pv, flt):
    p, v = pv
    for k, want in flt.items():
        if k == "_p":
            if p["name"] != want:
                return False
            continue
        if k not in v["options"]:
            return False
        allowed = want if isinstance(want, list) else [want]
        if v["options"][k] not in allowed:
            return False
    return True

def flist(f):
    if f is None:
        return None
    return f if isinstance(f, list) else [f]

def fact(pv):
    p, v = pv
    return OrderedDict(product=p["name"], product_id=p["product_id"], item_id=v["item_id"],
                       price=v["price"], available=v["available"], options=v["options"])

def check_lang(cid, conv):
    text = " ".join(t["say"] for t in conv["turns"])
    cjk = len(CJK.findall(text))
    lat = len(LATIN_WORD.findall(text))
    lang, rl = conv["language"], conv["reply_language"]
    if lang == "zh":
        if rl != "zh": err(cid, "zh conversation must reply in zh")
        for t in conv["turns"]:
            if not CJK.search(t["say"]): err(cid, f"zh turn without Chinese: {t['say']!r}")
    elif lang == "en":
        if rl != "en": err(cid, "en conversation must reply in en")
        if cjk: err(cid, "en conversation contains Chinese")
    else:
        if rl not in ("zh", "en"): err(cid, "bad reply_language")
        if not (cjk and lat >= 2): err(cid, f"mixed conversation is not mixed (cjk={cjk}, latin words={lat})")
        first = conv["turns"][0]["say"]
        c1, l1 = len(CJK.findall(first)), len(LATIN_WORD.findall(first))
        frame = "zh" if c1 >= 1.5 * l1 else "en"
        if frame != rl:
            err(cid, f"mixed frame looks {frame} (cjk chars={c1}, latin words={l1}) but reply_language={rl}")

def check_raw(path, text, kind):
    lines = text.split("\n")
    if lines[0] != f"# Theme: {kind}":
        err(path, f"first line must be '# Theme: {kind}'")
    if lines[1] != "conversations:":
        err(path, "second line must be 'conversations:'")
    if "\\u" in text:
        err(path, "escaped unicode found; write Chinese unescaped")
    for i, ln in enumerate(lines, 1):
        s = ln.strip()
        for key in ("mentions:", "not_mentions:", "tags:"):
            if s.startswith(key) and not s[len(key):].strip().startswith("["):
                err(path, f"line {i}: {key} must be a flow list")
        m = re.match(r"^-?\s*(say|id|language|reply_language|capability):\s*(.*)$", s)
        if m and not (m.group(2).startswith('"') and m.group(2).endswith('"')):
            err(path, f"line {i}: {m.group(1)} must be double-quoted")
        if s.startswith(("mentions:", "not_mentions:", "tags:")):
            inner = s.split(":", 1)[1].strip()
            toks = re.findall(r'"[^"]*"|[^\s\[\],]+', inner)
            bad = [t for t in toks if not t.startswith('"')]
            if bad:
                err(path, f"line {i}: unquoted item(s) {bad}")

def main():
    claims = OrderedDict()
    seen_ids, seen_nums = set(), set()
    says = Counter()
    totals = Counter()
    for kind in KINDS:
        path = os.path.join(HERE, f"{kind}.yaml")
        text = open(path, encoding="utf-8").read()
        check_raw(path, text, kind)
        data = yaml.safe_load(text)
        if not isinstance(data, dict) or list(data.keys()) != ["conversations"]:
            err(path, "top level must be exactly {conversations: [...]}"); continue
        convs = data["conversations"]
        if len(convs) != 15: err(path, f"{len(convs)} conversations, want 15")
        langs = Counter(c.get("language") for c in convs)
        for l, n in LANG_COUNTS.items():
            if langs[l] != n: err(path, f"{langs[l]} {l} conversations, want {n}")
        for conv in convs:
            cid = conv.get("id", "?")
            if list(conv.keys()) != CONV_KEYS:
                err(cid, f"keys {list(conv.keys())} != {CONV_KEYS}"); continue
            m = re.match(r"^blindpf28-(zh|en|mixed)-(\d{3})$", str(cid))
            if not m: err(cid, "bad id"); continue
            num = int(m.group(2))
            if m.group(1) != conv["language"]: err(cid, "id language != language")
            if not 1 <= num <= 105: err(cid, "number out of 001-105")
            if cid in seen_ids or num in seen_nums: err(cid, "duplicate id/number")
            seen_ids.add(cid); seen_nums.add(num)
            totals[(kind, conv["language"])] += 1
            if conv["language"] not in LANG_COUNTS: err(cid, "bad language")
            if conv["capability"] not in CAPS: err(cid, "bad capability")
            tags = conv["tags"]
            if not (isinstance(tags, list) and tags and all(isinstance(t, str) for t in tags)):
                err(cid, "tags must be a list of strings")
            elif tags[0] != conv["capability"]:
                err(cid, "tags must start with the capability")
            elif len(set(tags)) != len(tags):
                err(cid, "duplicate tags")
            turns = conv["turns"]
            lo, hi = (2, 4) if kind == "follow_up" else (1, 2)
            if not (isinstance(turns, list) and lo <= len(turns) <= hi):
                err(cid, f"{len(turns)} turns, want {lo}-{hi}"); continue
            for t in turns:
                ks = list(t.keys())
                if ks != [k for k in TURN_KEYS if k in ks] or "say" not in ks:
                    err(cid, f"turn keys {ks} bad")
                if not isinstance(t.get("say"), str) or not t["say"].strip():
                    err(cid, "empty say")
                says[t.get("say")] += 1
                if "not_mentions" in t and kind != "need":
                    err(cid, "not_mentions only allowed in need.yaml")
                for key in ("mentions", "not_mentions"):
                    if key in t:
                        v = t[key]
                        if not isinstance(v, list) or not v:
                            err(cid, f"{key} must be a non-empty list")
                            continue
                        for it in v:
                            if isinstance(it, list):
                                if key == "not_mentions" or len(it) < 2 or not all(isinstance(x, str) for x in it):
                                    err(cid, f"bad nested item in {key}: {it}")
                            elif not isinstance(it, str):
                                err(cid, f"non-string in {key}: {it!r}")
            check_lang(cid, conv)
            claims[cid] = check_facts(cid, num, kind, conv)
    for s, n in says.items():
        if n > 1: err("batch", f"repeated say: {s!r}")
    if seen_nums != set(range(1, 106)): err("batch", f"missing numbers {sorted(set(range(1,106)) - seen_nums)}")
    json.dump(claims, open(os.path.join(HERE, "claims.json"), "w"), ensure_ascii=False, indent=1)
    print("counts:")
    for kind in KINDS:
        print(f"  {kind:17s}", {l: totals[(kind, l)] for l in LANG_COUNTS})
    if errors:
        print(f"\n{len(errors)} ERROR(S):")
        for e in errors: print("  -", e)
        sys.exit(1)
    print(f"\nOK: {len(seen_ids)} conversations, all checks passed; claims.json written")

def check_facts(cid, num, kind, conv):
    spec = S.get(num)
    if spec is None:
        err(cid, "no fact spec"); return {}
    P = spec["P"]
    for n in P:
        if n not in BY_NAME: err(cid, f"spec product {n!r} not in db")
    P = [n for n in P if n in BY_NAME]
    allv = variants(P)
    tags = conv["tags"]
    out = OrderedDict(products=[OrderedDict(product=n, product_id=BY_NAME[n]["product_id"]) for n in P], turns=[])
    used = set()
    for ti, t in enumerate(conv["turns"]):
        ts = spec.get(ti, {})
        used |= {k for k in ts}
        fl = flist(ts.get("f"))
        mx = ts.get("max")
        tclaims = OrderedDict(say=t["say"], mentions=[], not_mentions=[], stock_claims=[])
        ment = t.get("mentions", [])
        flat = [m for m in ment if isinstance(m, str)]
        groups = [m for m in ment if isinstance(m, list)]
        def ok_variant(pv):
            return (fl is None or any(match(pv, f) for f in fl)) and (mx is None or pv[1]["price"] <= mx)
        def resolve(s, ctx):
            """Return (kind, facts) for one mention string."""
            if s in BY_NAME:
                if s not in P: err(cid, f"mentions product {s!r} not in the conversation's products")
                p = BY_NAME[s]
                return "product", [OrderedDict(product=s, product_id=p["product_id"],
                                               available_variants=sum(v["available"] for v in p["variants"].values()))]
            if PRICE_RE.match(s):
                hits = [pv for pv in allv if pstr(pv[1]["price"]) == s]
                glob = [(p, v) for p in DB.values() for v in p["variants"].values() if pstr(v["price"]) == s]
                if not glob: err(cid, f"price {s} not in db.json"); return "price", []
                if not hits: err(cid, f"price {s} belongs to another product: {[p['name'] for p, v in glob]}"); return "price", []
                if len(hits) > 1: err(cid, f"price {s} is ambiguous within the conversation's products")
                pv = hits[0]
                if ctx == "mention":
                    if not pv[1]["available"]:
                        err(cid, f"mentioned price {s} is a sold-out variant {pv[1]['item_id']}")
                    if not ok_variant(pv):
                        err(cid, f"mentioned price {s} ({pv[1]['options']}) fails the turn's stated constraints")
                else:
                    if pv[1]["available"] and ok_variant(pv):
                        err(cid, f"not_mentions price {s} is an available variant meeting the constraints")
                return "price", [fact(pv)]
            # option value
            pool = [pv for pv in allv if pv[1]["available"] and (fl is None or any(match(pv, f) for f in fl))]
            hits = [pv for pv in pool if any(s == val or s in val for val in pv[1]["options"].values())]
            if not hits:
                err(cid, f"mention {s!r} is not a product name, db price, or option value of an available matching variant")
            return "option", [fact(pv) for pv in hits]
        for s in flat:
            k, facts = resolve(s, "mention")
            tclaims["mentions"].append(OrderedDict(mention=s, kind=k, facts=facts))
        for g in groups:
            gfacts = []
            for s in g:
                k, facts = resolve(s, "mention")
                gfacts.append(OrderedDict(mention=s, kind=k, facts=facts))
            tclaims["mentions"].append(OrderedDict(any_of=gfacts))
            # completeness: an ANY list of prices should accept every valid answer
            gprices = {s for s in g if PRICE_RE.match(s)}
            if gprices and fl is not None and not ts.get("partial") and not ts.get("min"):
                valid = {pstr(pv[1]["price"]) for pv in allv if pv[1]["available"] and ok_variant(pv)}
                if gprices != valid:
                    err(cid, f"ANY list {sorted(gprices)} != valid answers {sorted(valid)}")
        # flat prices: unique answer / coverage / min
        fprices = [s for s in flat if PRICE_RE.match(s)]
        allprices = fprices + [s for g in groups for s in g if PRICE_RE.match(s)]
        if fl is not None and fprices and not ts.get("min"):
            for f in fl:
                valid = {pstr(pv[1]["price"]) for pv in allv if pv[1]["available"] and match(pv, f)
                         and (mx is None or pv[1]["price"] <= mx)}
                if not valid: err(cid, f"filter {f} has no available variant")
                elif len(valid) == 1 and not (valid & set(fprices)):
                    err(cid, f"filter {f}: the one valid answer {valid} is not mentioned")
                elif len(valid) > 1 and len(fl) == 1 and len(fprices) == 1:
                    err(cid, f"single price {fprices} but several valid answers {sorted(valid)}")
        if ts.get("min"):
            for s in allprices:
                pv = [pv for pv in allv if pstr(pv[1]["price"]) == s][0]
                ok = False
                for f in fl:
                    if match(pv, f):
                        cands = [x[1]["price"] for x in allv if x[1]["available"] and match(x, f)]
                        if pv[1]["price"] == min(cands): ok = True
                if not ok: err(cid, f"{s} is not the cheapest available variant of its filter")
        for s in t.get("not_mentions", []):
            k, facts = resolve(s, "not")
            tclaims["not_mentions"].append(OrderedDict(not_mention=s, kind=k, facts=facts))
        if "so" in ts:
            asked = [pv for pv in allv if match(pv, ts["so"])]
            if not asked: err(cid, f"sold-out filter {ts['so']} matches nothing")
            elif any(pv[1]["available"] for pv in asked):
                err(cid, f"claimed sold out but available: {[pv[1]['item_id'] for pv in asked if pv[1]['available']]}")
            if "sold_out" not in tags: err(cid, "sold-out turn but no sold_out tag")
            tclaims["stock_claims"].append(OrderedDict(claim="sold_out", filter=ts["so"], facts=[fact(pv) for pv in asked]))
        if "absent" in ts:
            asked = [pv for pv in allv if match(pv, ts["absent"])]
            if asked: err(cid, f"claimed no such variant but found {[pv[1]['item_id'] for pv in asked]}")
            tclaims["stock_claims"].append(OrderedDict(claim="no_such_variant", filter=ts["absent"], facts=[]))
        if "none_max" in ts:
            inb = [pv for pv in allv if pv[1]["available"] and pv[1]["price"] <= ts["none_max"]
                   and any(match(pv, f) for f in (fl or [{}]))]
            if inb: err(cid, f"none_in_budget claimed but {[pv[1]['price'] for pv in inb]} fit")
            if "none_in_budget" not in tags: err(cid, "none_max spec but no none_in_budget tag")
            tclaims["stock_claims"].append(OrderedDict(claim="none_in_budget", budget=ts["none_max"],
                cheapest_available=min(pv[1]["price"] for pv in allv if pv[1]["available"])))
        if "ns" in ts:
            for term in ts["ns"]:
                for p in DB.values():
                    if term.lower() in p["name"].lower():
                        err(cid, f"claimed not sold but product {p['name']!r} matches {term!r}")
                    for v in p["variants"].values():
                        if any(term.lower() == str(x).lower() for x in v["options"].values()):
                            err(cid, f"claimed not sold but option matches {term!r}")
            if "not_sold" not in tags: err(cid, "not-sold turn but no not_sold tag")
            tclaims["stock_claims"].append(OrderedDict(claim="not_sold", terms=ts["ns"]))
        if ti < len(conv["turns"]):
            out["turns"].append(tclaims)
    for k in spec:
        if isinstance(k, int) and k >= len(conv["turns"]):
            err(cid, f"spec for missing turn {k}")
    for tag, key in (("sold_out", "so"), ("not_sold", "ns"), ("none_in_budget", "none_max")):
        if tag in tags and key not in used:
            err(cid, f"tag {tag} without a matching fact check")
    return out

if __name__ == "__main__":
    main()
