"""Money in a shopper's words: a budget ("预算300美元左右", "一百以内"), cheaper, the payment method or card
named (not one declined), the original payment, a price difference, the saved methods asked about."""
from __future__ import annotations

import re
from decimal import Decimal

from agent.variants import after_correction


_BUDGET = re.compile(r"(?:budget|under|below|less than|up to|around|about|nothing over|no more than|\bmax|预算|以内|左右|不超过|别超过|不要超过|不能超过|别超|"
                     r"最多|顶多|最高|不高于|低于)\D{0,12}?\$?\s*(\d{2,6}(?:\.\d{1,2})?)(?!\d|[.,]\d)(?!\s*-?\s*(?:inch|in\b|寸|英寸|\x22|mm\b|cm\b|gb\b|tb\b|mah\b|lbs?\b|kg\b|w\b|hours?\b|pieces?\b|片))(?!\s+(?!dollars|bucks|usd|quid|euros|pls|plz|thanks|tops)(?:[a-z]+\s+)?[a-z]+s\b)(?!\s*(?:of\b|units?\b|pcs\b|pieces?\b|people\b|bottles\b|sets\b|个|件|套|张|瓶|盒|人))"
                     r"|\$\s*(\d{2,6})|(\d{2,6})\s*(?:dollars|bucks|usd|美元|美金|刀|块)|(\d{2,6})\s*(?:以内|以下|之内|左右|上下|出头|or (?:less|under|below|cheaper)\b|max\b|tops\b)"
                     # ("… full zip not the half zip kind. got 160", "I have 80 to spend")
                     r"|\b(?:got|have)\s+\$?(\d{2,6})(?=\s*(?:to spend\b|[.!]*\s*$))|(\d{2,6})\s+to spend\b",
                     re.IGNORECASE)  # ("300以内的耳机")


_ZH_DIGIT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


# a round amount in Chinese numerals: "一百", "两百五", "三千"
_ZH_AMOUNT = re.compile(r"[一二两三四五六七八九十零]*[十百千万][一二两三四五六七八九十百千万零]*")
_UNITS = {"十": 10, "百": 100, "千": 1000}


def _zh_amount(m: re.Match) -> str:
    """An amount written in Chinese, as digits: "两百五十" → 250, "两百五" → 250, "一千二" → 1200, "三万" → 30000."""
    total = section = digit = 0
    last_unit = 1
    for ch in m[0]:
        if ch in _UNITS:
            section += (digit or 1) * _UNITS[ch]
            digit, last_unit = 0, _UNITS[ch]
        elif ch == "万":
            total, section, digit, last_unit = (total + section + digit) * 10000, 0, 0, 10000
        elif ch in _ZH_DIGIT:
            digit = _ZH_DIGIT[ch]
    tail = digit * (last_unit // 10) if digit and last_unit >= 100 and m[0][-2] in "百千万" else digit  # ("两百五")
    return str(total + section + tail)


_EN_NUMBER = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                         "fourteen fifteen sixteen seventeen eighteen nineteen".split())} \
    | {"a": 1, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_EN_SCALE = {"hundred": 100, "grand": 1000, "thousand": 1000, "k": 1000}
_EN_WORD = rf"(?:{'|'.join(_EN_NUMBER)}|{'|'.join(_EN_SCALE)})"
# an amount in English words or thousands: "two grand", "a hundred fifty", "twenty-five", "1.5k"
_EN_AMOUNT = re.compile(rf"\b(?:\d+(?:\.\d+)?\s*(?:k|grand|thousand|hundred)|{_EN_WORD})(?:[\s-]+(?:and[\s-]+)?{_EN_WORD})*\b"
                        r"(?!\s*(?:years?|yrs?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?|am|pm|o'?clock|percent|"
                        r"kids?|times?|pieces?|of|people)\b|\s*%)", re.IGNORECASE)  # (a count or a time, no money)


def _en_amount(m: re.Match) -> str:
    """"two grand" → 2000, "a hundred fifty" → 150, "1.5k" → 1500; a word that is no amount as written ("one", "a")."""
    total = current = 0.0
    for word in re.findall(r"\d+(?:\.\d+)?|[a-z]+", m[0].lower()):
        if word == "and":
            continue
        if word in _EN_SCALE and _EN_SCALE[word] == 100:
            current = (current or 1) * 100
        elif word in _EN_SCALE:
            total, current = total + (current or 1) * 1000, 0.0
        else:
            current += float(word) if word[0].isdigit() else _EN_NUMBER[word]
    value = total + current
    return f"{value:.0f}" if value >= 10 and not m[0].replace(".", "").isdigit() else m[0]


def reach(text: str) -> Decimal | None:
    """The most a budget allows: a tenth above it when said roughly and not as a range ("两百出头", "around $250ish";
    not "roughly $480-510": up to 510)."""
    if (most := budget(text)) is None:
        return None
    ranged = any(_UPPER_END.match(m.string, m.end()) for m in _NUMBER.finditer(_THOUSANDS.sub("", text)))
    return most * Decimal("1.1") if ROUGHLY.search(text) and not ranged else most


_NUMBER = re.compile(r"\d{2,6}")


def budget(text: str) -> Decimal | None:
    """The most a shopper says they will spend ("budget 200 dollars", "预算300美元左右", "一百以内", "under two
    grand"), if they say; the one said after a correction ("预算500左右……啊不对，最多480": 480)."""
    text = _THOUSANDS.sub("", text)  # ("under $1,000")
    m = next(filter(None, (_BUDGET.search(_ROUGH_ZH.sub(_rough_zh, _EN_AMOUNT.sub(_en_amount, _ZH_AMOUNT.sub(
        _zh_amount, _SOME_TENS.sub("九", words)))))
                           for words in dict.fromkeys((after_correction(text), text)))), None)
    if not m:
        return None
    upper = _UPPER_END.match(m.string, m.end())  # ("roughly $480-510": up to 510; "几十块一百来块的": up to 100)
    said = Decimal(next(g for g in m.groups() if g))
    return max(said, Decimal(next(g for g in upper.groups() if g))) if upper else said


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# "几十块", "几百块": some tens or hundreds, as much as nine of them; "一百来块" about a hundred, "两百多块" two hundred and some
_SOME_TENS = re.compile(r"几(?=[十百千])")
_ROUGH_ZH = re.compile(r"(?<![\d.])(\d{2,5})([来多])(?=块|元|刀|美元|美金)")


def _rough_zh(m: re.Match) -> str:
    amount = int(m[1])
    return str(amount + 10 ** (len(m[1]) - 1) // 2 if m[2] == "多" else amount)
_UPPER_END = re.compile(r"\s*(?:-|–|~|to|到|至)\s*\$?(\d{2,6})(?!\d|\.\d)(?!\s*-?\s*(?:inch|寸|lbs?\b|kg\b|mm\b|gb\b))|"
                        r"\s*(\d{2,6})(?=\s*(?:块|元|刀|美元|美金))", re.IGNORECASE)


# a budget said roughly: "两百出头", "预算300左右", "around $200", "roughly 150", "200ish"
ROUGHLY = re.compile(r"左右|出头|上下|差不多|\b(?:around|about|roughly|approximately|ish)\b|\d-?ish\b", re.IGNORECASE)


CHEAPER = re.compile(r"cheaper|less expensive|lower price|budget|便宜|实惠|性价比|划算", re.IGNORECASE)


_PAYMENT_WORDS = {"gift_card": re.compile(r"gift ?card|礼品卡", re.IGNORECASE),
                  "paypal": re.compile(r"pay ?pal", re.IGNORECASE),
                  "credit_card": re.compile(r"credit ?card|(?<!gift )(?<!gift)(?<!\bsd )(?<!\bcf )(?<!\bsd)(?<!\bcf)(?<!memory )(?<!sim )card|"
                                            r"visa|master ?card|amex|信用卡|银行卡|借记卡", re.IGNORECASE)}  # (not an SD card)


DIFFERENCE = re.compile(r"差价|price difference|the difference|补差|退差", re.IGNORECASE)


ORIGINAL_PAYMENT = re.compile(r"原路|(?:原来|原本|之前|原)的?那?张?卡|original (?:card|payment)|same (?:card|payment)", re.IGNORECASE)


# the methods saved on the account asked about, none named: "what payment methods do I have saved?", "我账户里绑的是哪张卡？"
_ASKS_METHODS = re.compile(r"\b(?:what|which) (?:payment (?:methods?|options?)|cards?)\b|\bpayment methods?\b.{0,30}"
                           r"\b(?:saved|on file|have)\b|绑(?:的|了|定的?)(?:是)?(?:哪|什么|几)[张个]?(?:卡|支付方式)|"
                           r"(?:有|存了?|绑了?)(?:哪些|哪几|什么)(?:张)?(?:卡|支付方式|付款方式)|"
                           # a gift card's balance: "那我礼品卡现在还剩多少钱？", "what's the balance on my gift card"
                           r"(?:礼品卡|gift ?card)[^，,。？?]{0,8}(?:余额|还剩|还有多少|剩多少|\bbalance\b)|"
                           r"\bbalance\b.{0,20}\bgift ?card|\bhow much\b.{0,12}\b(?:left|remaining)\b.{0,12}\bgift ?card",
                           re.IGNORECASE)


def asks_saved_methods(text: str) -> bool:
    return bool(_ASKS_METHODS.search(text))


def payment_source(text: str) -> str | None:
    """The kind of payment method named (gift_card, paypal or credit_card), not one declined ("不要用礼品卡
    了，改成visa"): a card named by its last four digits is a card."""
    kept = _NOT_THIS_METHOD.sub(" ", text)
    # the last one named is the choice: "only PayPal or gift card? ok then PayPal", "why can't it go to the
    # visa? ugh. fine, back to paypal then"
    said = [(m.start(), kind) for kind, words in _PAYMENT_WORDS.items() for m in words.finditer(kept)]
    said += [(m.start(), "credit_card") for m in _CARD_DIGITS.finditer(kept)]
    return max(said)[1] if said else None


_NOT_THIS_METHOD = re.compile(r"(?:不要|不用|别用|不想用|(?:不要|别|不)退(?:到|回)?)(?:再)?用?\s*(?:礼品卡|信用卡|gift ?card|pay ?pal|visa|master ?card|amex|"
                              r"credit ?card)|"  # ("rather than back on my card", "not to my paypal")
                              r"(?:not|instead of|no more|rather than)(?: back)?(?: (?:on|to|into))? (?:the |my )?(?:gift ?card|pay ?pal|"
                              r"(?:visa|master ?card|amex|credit)? ?card\b|visa|master ?card|amex)|"
                              # ("move it from the visa to my paypal")
                              r"\bfrom (?:the |my )?(?:gift ?card|pay ?pal|(?:visa|master ?card|amex|credit)? ?card\b|visa|master ?card"
                              r"|amex)(?: ending (?:in )?\d{4})?(?=\s+(?:to|onto|over to)\b)|"
                              # the method paid with now, whose money comes back: "the gift card money goes back, right?"
                              r"(?:gift ?card|pay ?pal|card)(?:'s)? (?:money|balance|amount|charge|payment)? ?(?:goes|go|will go|gets?|"
                              r"is|will be) (?:back|refunded|returned)", re.IGNORECASE)


_CARD_DIGITS = re.compile(r"(?:尾号|末四位|后四位|结尾|ending(?: in| with)?|ends? (?:in|with)|last (?:four|4)(?: digits)?(?: are| is)?)"
                          r"\s*[:：是为]?\s*(\d{4})(?!\d)|(\d{4})\s*(?:结尾|的那张|那张)", re.IGNORECASE)


_CARD_BRAND = re.compile(r"\b(visa|master ?card|amex|american express|discover)\b", re.IGNORECASE)


def card_named(text: str) -> str | None:
    """A card as the shopper names it: its last four digits ("尾号4204", "the one ending 4204") or its brand."""
    text = _NOT_THIS_METHOD.sub(" ", text)
    # the last one named is the one meant ("my Visa ending 8025 got flagged, charge my Mastercard instead")
    named = [(m.start(), m[1] or m[2]) for m in _CARD_DIGITS.finditer(text)]
    brands = [(m.start(), m[1].lower().replace(" ", "")) for m in _CARD_BRAND.finditer(text)]
    if brands and named and brands[-1][0] > named[-1][0] + 12:  # (not the brand of "the Mastercard ending 1639")
        return brands[-1][1]
    return named[-1][1] if named else brands[-1][1] if brands else None

