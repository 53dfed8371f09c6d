"""Shopper-text tokenisation, language and slot normalisation: shared by training and the runtime (no torch).

A message is cut into units: one unit per Chinese character, per Latin word, per digit run,
per other symbol or emoji. Each unit becomes up to FEATURES ids summed by the model:
its vocabulary id (or a hashed bucket when unseen), a shape id, and for Latin words hashed
character trigrams, so typos ("refnud") still land near the right word. This keeps the
embedding table small (tens of thousands of rows, not XLM-R's 250k) yet covers zh and en.
"""
from __future__ import annotations

import json
import re
import unicodedata
import zlib
from pathlib import Path

import numpy as np

INTENTS = ["order_status", "cancel_order", "return_item", "exchange_item", "refund_status", "modify_order",
           "product_info", "price_promo", "recommend", "shipping_policy", "return_policy", "payment_issue",
           "account", "complaint", "human_agent", "greeting", "thanks_bye", "out_of_scope"]
SLOTS = ["order_id", "product", "color", "size", "quantity", "email", "phone", "zip"]
TAGS = ["O"] + [f"{p}-{s}" for s in SLOTS for p in "BI"]
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "nlu"

MAX_UNITS = 64          # longer messages are cut: the intent is nearly always in the first 60 units
FEATURES = 6            # ids per unit: shape, vocab-or-hash, up to 4 trigram hashes
HASH_BUCKETS = 8192
PAD, UNK, CLS = 0, 1, 2
SHAPES = ["cjk", "lower", "title", "upper", "mixed", "sym", "emoji"] + [f"num{n}" for n in range(1, 13)]
SPECIAL = ["<pad>", "<unk>", "<cls>"] + [f"<{s}>" for s in SHAPES]
# Slot values found by exact rules are masked before the intent model sees them: an e-mail's or an
# order id's own characters say nothing about the intent, and unseen ones used to pull it anywhere
# ("status of order #W7800651, I am yusuf.rossi7301@example.com" → cancel_order). Their units become
# one marker id (the slot tagger still sees where they are) and their characters one symbol in the
# n-gram features. Older vocabularies without the markers keep the unmasked behaviour.
MASKS = ["<m_order_id>", "<m_email>", "<m_phone>"]
NGRAM_BUCKETS = 1 << 14  # hashed character 1-3-grams of the whole message (the wide, linear intent branch)
MAX_NGRAMS = 256

UNIT = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+|[\u3400-\u9fff\uf900-\ufaff]|\S", re.I)
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def normalise(text: str) -> tuple[str, list[int]]:
    """NFKC per character (full-width ＃Ｗ１２ → #W12) and a map back to the original offsets."""
    if text.isascii():
        return text, list(range(len(text) + 1))
    out, origin = [], []
    for i, ch in enumerate(text):
        n = unicodedata.normalize("NFKC", ch)
        out.append(n)
        origin.extend([i] * len(n))
    origin.append(len(text))
    return "".join(out), origin


def units(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in UNIT.finditer(text)]


def shape_of(u: str) -> str:
    if CJK.match(u):
        return "cjk"
    if u.isdigit():
        return f"num{min(len(u), 12)}"
    if u.isascii() and u[0].isalpha():
        return "lower" if u.islower() else "upper" if u.isupper() else "title" if u.istitle() else "mixed"
    return "emoji" if ord(u[0]) > 0x2500 else "sym"


def bucket(s: str, first_hash_id: int) -> int:
    return first_hash_id + zlib.crc32(s.encode()) % HASH_BUCKETS


class Vocabulary:
    """Maps units to id lists. Built from the training corpus; stored as vocab.json beside the model."""

    def __init__(self, tokens: list[str], specials: list[str] = SPECIAL + MASKS):
        self.tokens = specials + [t for t in tokens if t not in specials]
        self.index = {t: i for i, t in enumerate(self.tokens)}
        self.first_hash = len(self.tokens)
        self.size = self.first_hash + HASH_BUCKETS
        self.masks = all(m in self.index for m in MASKS)
        self.specials = len(specials)

    @classmethod
    def build(cls, texts, min_count: int = 2, words=()) -> "Vocabulary":
        """Units seen min_count times (CJK characters once), plus `words` that are single units."""
        counts: dict[str, int] = {w: min_count for w in words if [u for u, _, _ in units(normalise(w)[0])] == [w]}
        for t in texts:
            for u, _, _ in units(normalise(t)[0]):
                key = u.lower() if not u.isdigit() else None
                if key:
                    counts[key] = counts.get(key, 0) + 1
        keep = sorted(k for k, c in counts.items() if c >= min_count or (CJK.match(k) and c >= 1))
        return cls(keep)

    @classmethod
    def load(cls, path: Path) -> "Vocabulary":
        tokens = json.loads(Path(path).read_text(encoding="utf-8"))
        n = len(SPECIAL) + (len(MASKS) if tokens[len(SPECIAL):len(SPECIAL) + len(MASKS)] == MASKS else 0)
        return cls(tokens[n:], tokens[:n])

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.tokens, ensure_ascii=False), encoding="utf-8")

    def unit_ids(self, u: str) -> list[int]:
        shape = shape_of(u)
        ids = [self.index[f"<{shape}>"]]
        if u.isdigit():
            # digits carry their length (7 = an order id, 11 = a phone) and small values as themselves
            if len(u) <= 2:
                ids.append(bucket("#" + u, self.first_hash))
            return ids
        low = u.lower()
        ids.append(self.index.get(low) or bucket(low, self.first_hash))
        if shape in ("lower", "title", "upper", "mixed") and len(low) > 2:
            w = f"<{low}>"
            grams = [w[i:i + 3] for i in range(len(w) - 2)]
            step = max(1, len(grams) / (FEATURES - 2))
            ids += [bucket(grams[int(i * step)], self.first_hash) for i in range(min(len(grams), FEATURES - 2))]
        return ids

    def encode(self, text: str) -> tuple[list[list[int]], list[tuple[int, int]], str, list[int]]:
        """ids per unit (CLS first), unit offsets in the normalised text, that text, offset map."""
        norm, origin = normalise(text)
        us = units(norm)[:MAX_UNITS - 1]
        masked = mask_spans(norm) if self.masks else []
        ids = [[CLS]]
        for u, s, e in us:
            slot = next((m for m, ms, me in masked if s < me and ms < e), None)
            ids.append([self.index[f"<m_{slot}>"]] if slot else self.unit_ids(u))
        return ids, [(s, e) for _, s, e in us], norm, origin

    def ngrams(self, text: str) -> list[int]:
        """Hashed character 1-3-grams (ids from 1; 0 pads) of the lowercased NFKC text, slot values masked."""
        norm = normalise(text)[0].lower()
        if self.masks:
            for slot, s, e in sorted(mask_spans(norm), key=lambda m: -m[1]):
                norm = norm[:s] + " " + "\x01\x02\x03"[MASKS.index(f"<m_{slot}>")] + " " + norm[e:]
        norm = " " + " ".join(norm.split()) + " "
        grams = {norm[i:i + n] for n in (1, 2, 3) for i in range(len(norm) - n + 1)}
        grams.discard(" ")
        return sorted(1 + zlib.crc32(g.encode()) % (NGRAM_BUCKETS - 1) for g in grams)[:MAX_NGRAMS]


def pad_ngrams(grams: list[list[int]]) -> np.ndarray:
    out = np.zeros((len(grams), max(1, max(len(g) for g in grams))), dtype=np.int64)
    for i, g in enumerate(grams):
        out[i, :len(g)] = g
    return out


def pad_units(encoded: list[list[list[int]]]) -> tuple[np.ndarray, np.ndarray]:
    """Messages' unit id lists → ids [B, T, FEATURES] int64 and mask [B, T] (1 = unit, 0 = padding)."""
    t = max(len(e) for e in encoded)
    ids = np.zeros((len(encoded), t, FEATURES), dtype=np.int64)
    mask = np.zeros((len(encoded), t), dtype=np.float32)
    for i, e in enumerate(encoded):
        mask[i, :len(e)] = 1
        for j, u in enumerate(e):
            ids[i, j, :len(u)] = u
    return ids, mask


def language_of(text: str) -> str:
    """Dominant language for the reply: two Chinese characters weigh about one English word."""
    cjk = len(CJK.findall(text))
    words = [w for w in re.findall(r"[A-Za-z]{2,}", text)]
    return "zh" if cjk and cjk / 2 >= len(words) else "en" if words or not cjk else "zh"


# --- slot values ------------------------------------------------------------------------------

ORDER_ID_RULES = [
    re.compile(r"(?<![A-Za-z0-9])#?\s?[Ww]\s?-?\s?(\d{3}\s?\d{4})(?!\d)"),
    re.compile(r"(?:订单|单号|order|ord)\s*(?:号|编号|number|no\.?|num|id)?\s*[:：#]?\s*(\d{7})(?!\d)", re.I),
]
# ASCII classes: Chinese written right before an e-mail ("邮箱x@y.com") is not part of it
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII)
CN_MOBILE = re.compile(r"(?<![\d+])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")
ZH_NUM = {"一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
EN_NUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "a couple": 2, "couple": 2}


def normalise_slot(slot: str, written: str):
    """The contract's value for a tagged span, or None when the span cannot be that slot."""
    written = written.strip(" ,，。.:：")
    if slot == "order_id":
        digits = re.sub(r"\D", "", written)
        return f"#W{digits}" if len(digits) == 7 else None
    if slot == "phone":
        digits = re.sub(r"\D", "", written)
        return digits if 5 <= len(digits) <= 15 else None
    if slot == "email":  # a tagged span that is no address is no e-mail (the rules find the real ones)
        return written if EMAIL.fullmatch(written) else None
    if slot == "quantity":
        w = written.lower().rstrip("个件双台只套")
        if w.isdigit():
            return int(w)
        if w in EN_NUM:
            return EN_NUM[w]
        if w and all(c in ZH_NUM for c in w):  # 十二 → 12, 二十 → 20
            if "十" in w:
                tens, _, ones = w.partition("十")
                return ZH_NUM.get(tens, 1) * 10 + ZH_NUM.get(ones, 0)
            return ZH_NUM[w] if len(w) == 1 else None
        return None
    return written or None


US_PHONE = re.compile(r"(?<!\d)(?:\+?1[ -]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}(?!\d)")


def mask_spans(text: str) -> list[tuple[str, int, int]]:
    """(slot, start, end) of the values the exact rules find: order ids (the W and digits, not the
    word 'order'), e-mail addresses, phone numbers."""
    found = [("order_id", m.start(), m.end()) for m in ORDER_ID_RULES[0].finditer(text)]
    found += [("order_id", m.start(1), m.end(1)) for m in ORDER_ID_RULES[1].finditer(text)]
    found += [("email", m.start(), m.end()) for m in EMAIL.finditer(text)]
    found += [("phone", m.start(), m.end()) for rule in (CN_MOBILE, US_PHONE) for m in rule.finditer(text)]
    return found


def rule_slots(text: str) -> list[tuple[str, object, int, int]]:
    """Exact patterns: order ids with their W or 订单/order label, e-mail addresses, Chinese mobile numbers."""
    found = []
    for rule in ORDER_ID_RULES:
        for m in rule.finditer(text):
            found.append(("order_id", "#W" + re.sub(r"\D", "", m.group(1)), m.start(), m.end()))
    for m in EMAIL.finditer(text):
        found.append(("email", m.group(), m.start(), m.end()))
    for m in CN_MOBILE.finditer(text):
        found.append(("phone", re.sub(r"\D", "", m.group()), m.start(), m.end()))
    return found
