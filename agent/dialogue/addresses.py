"""Who the shopper is and where things go, read from their words: an e-mail, a name with a zip (in one message
or two), a postal address as shoppers type or dictate it ("新地址 1508 Mesquite Trail，Apt 12B，San Antonio, TX
78258", "五一零二 Duval Street 二一零室 … 德州 邮编七八七五一"), a zip or a street corrected, an address said back.
Pure functions of the text (agent/dialogue/reading.py reads the rest: yes, no, orders, items, payment).
"""
from __future__ import annotations

import re

# identity by name and zip, wherever in the message: "Aarav Gonzalez 78268", "我叫Mia Chen邮编10001",
# "My name is Anya Kim and my zip code is 80218", "我叫Lei Gonzalez，郵遞區號92105"
_FULL_NAME = re.compile(r"(?<![A-Za-z])([A-Z][a-z]+)\s+([A-Z][a-z]+)(?![A-Za-z])"  # or typed in lower case after a cue
                        r"|(?i:(?:我叫|我是|名字是|name is|this is)\s*([a-z]+)\s+([a-z]+))(?![A-Za-z])"
                        # or right before the zip ("anya jackson zip code 78252", dictated)
                        r"|(?<![A-Za-z])([a-z]+)\s+([a-z]+)(?:\s+here)?(?=,?\s*(?:zip|邮编))")  # ("harper garcia here, zip …")
ZIP = re.compile(r"(?<![\d#Ww])(\d{5})(?!\d)")
_ZIP_WORD = re.compile(r"zip|postcode|邮编|郵編|郵遞區號|油编", re.IGNORECASE)
_NEGATED_ZIP = re.compile(r"(?:\bnot\b|instead of|不是)\s*(?:the\s+)?\d{5}", re.IGNORECASE)
ADDRESS = re.compile(r"(?<![A-Za-z0-9#])(\d+\s[A-Za-z0-9 .'-]+?),\s*(?:((?:apt|apartment|unit|suite|ste|#|floor|fl|flat|level|room|rm|"
                     r"building|bldg)\b\.?[^,]*|\d+(?:st|nd|rd|th) floor),\s*)?([A-Za-z .'-]+?),?\s+([A-Z]{2}),?\s*(\d{5})\b", re.IGNORECASE)  # "Denver CO 80212" too
_STREET = (r"(?<![A-Za-z0-9#])\d+\s(?:[A-Za-z0-9.'-]+\s){0,4}?(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Court|Ct|"
           r"Way|Place|Pl|Terrace|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Loop|Path|Row|Run)\b\.?")
_UNIT = (r"(?:(?:apt|apartment|unit|suite|ste|floor|fl|flat|level|room|rm|building|bldg)\b\.?\s*#?\s*(?:\d[A-Za-z0-9-]*|[A-Za-z]\d*)(?![A-Za-z0-9])|"
         r"\d+(?:st|nd|rd|th) floor\b)")  # "Flat 4", "14th Floor"
# written without commas: "456 Oak Street Floor 3 Charlotte NC 28209" (the street's own word ends it)
_ADDRESS_NO_COMMAS = re.compile(rf"({_STREET})\s*,?\s*({_UNIT})?\s*,?\s*([A-Za-z .'-]+?),?\s+([A-Z]{{2}}),?\s*(\d{{5}})\b",
                                re.IGNORECASE)
_STREET_WORD = re.compile(r"Street|Avenue|Road|Boulevard|Drive|Lane|Court|Way|Place|Terrace|Circle|Parkway|Highway|"
                          r"Square", re.IGNORECASE)
_STREET_LINE = re.compile(rf"(?<!not )(?<!instead of )(?<![A-Za-z0-9])({_STREET})", re.IGNORECASE)
_UNIT_LINE = re.compile(rf"(?<![A-Za-z0-9])({_UNIT})", re.IGNORECASE)  # "我搬到了Suite 1108" too


EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")  # (ASCII: "发货。邮箱a@b.com" is no address)


def names_with_zip(text: str) -> list[tuple[str, str, str]]:
    """(first, last, zip) readings of a message that gives a full name and a 5-digit zip, likeliest first
    (the name nearest the zip); [] when it gives no such pair. A street is no name, an address's zip
    no identity."""
    addresses = list(ADDRESS.finditer(text))
    zips = [z for z in ZIP.finditer(text) if not any(a.start(3) <= z.start() < a.end() for a in addresses)]
    names = [n for n in _FULL_NAME.finditer(text) if not any(a.start() <= n.start() < a.end() for a in addresses)
             and not _STREET_WORD.fullmatch(n[2] or n[4] or n[6])  # ("It's 1020 Elm Street": no Mr Street)
             and not {(n[5] or "").lower(), (n[6] or "").lower()} & _NOT_NAMES]  # ("ah sorry zip 10187")
    pairs = [(abs(z.start() - n.end()), (n[1] or n[3] or n[5]).title(), (n[2] or n[4] or n[6]).title(), z[1])
             for z in zips for n in names]
    return [(first, last, zip_) for _, first, last, zip_ in sorted(pairs)]


# half of a name + zip, the other half to come in another message: "Ethan Johnson" … "zip 80298"
_NAME_CUE = re.compile(r"^\W*(?:(?:hi|hello|hey|oh|ok|okay|sorry|yes|sure)\W+)*(?:(?:my )?name(?: is|'s|:)|i'?m|i am|this is|"
                       r"it'?s|我叫|我是|名字是|名字叫|我的名字是)?\s*", re.IGNORECASE)
_NOT_NAMES = {"thank", "thanks", "you", "hello", "hi", "hey", "ok", "okay", "yes", "no", "good", "morning", "sure",
              "please", "sorry", "great", "fine", "cool", "the", "my", "and", "order", "zip", "email", "not", "never", "mind",
              "ah", "oh", "um", "uh", "is", "its", "it's", "new", "actually", "wait", "correct", "right", "a", "your", "our",
              "code", "with", "in", "at", "to", "for", "me", "of", "same", "old", "what", "wrong", "that", "this", "here"}


def name_alone(text: str) -> tuple[str, str] | None:
    """A full name given on its own ("Ethan Johnson", "name is Daiki Moore", "我叫mei johansson") or after
    "my name is" in a longer message ("I ordered a lamp, my name is Yusuf Rossi"), no zip."""
    cue = _NAME_CUE.match(text.strip())
    rest = text.strip()[cue.end():]
    m = re.fullmatch(r"([A-Za-z][a-z'-]+)\s+([A-Za-z][a-z'-]+)[\s.,!。，！]*", rest)
    if not m or not (cue[0].strip() or (m[1].istitle() and m[2].istitle())):
        m = _NAMED.search(text) or _NAMED_CAPITALISED.search(text)
    first, last = [g for g in m.groups() if g][:2] if m else (None, None)
    if not m or {first.lower(), last.lower()} & _NOT_NAMES:
        return None
    return first.title(), last.title()


_NAMED = re.compile(r"(?:\bmy name is|\bmy name's|\bname's|\bname is|我叫|名字是|我的名字是)\s*([A-Za-z][a-z'-]+)\s+([A-Za-z][a-z'-]+)(?![A-Za-z])",
                    re.IGNORECASE)


# a name written with capitals after "I'm" or "我是", or before "here", in a longer message ("hi 我是Fatima Anderson
# 想改一下order的收货地址", "Hi, Fatima Anderson here.")
_NAMED_CAPITALISED = re.compile(r"(?:(?i:\bI'?m|\bI am|\bthis is)\s+|我是\s*)([A-Z][a-z'-]+)\s+([A-Z][a-z'-]+)(?![A-Za-z])|"
                                r"\b([A-Z][a-z'-]+)\s+([A-Z][a-z'-]+)\s+here\b")


def zip_alone(text: str) -> str | None:
    """A zip given without a name or an address ("zip 28226", "oh sorry zip is 10187", "邮编10187")."""
    zips = ZIP.findall(text)
    if len(zips) != 1 or address_in(text) or names_with_zip(text):
        return None
    return zips[0] if _ZIP_WORD.search(text) or re.fullmatch(r"\W*\d{5}\W*", text) else None


def one_number_of_five(text: str) -> str | None:
    """The message's only number, of five digits, with no address or order in it ("打错了 是43171")."""
    numbers = re.findall(r"\d+", text)
    return numbers[0] if len(numbers) == 1 and len(numbers[0]) == 5 and not address_in(text) else None


_IDENTITY_CUES = re.compile(r"\b(?:my )?(?:e-?mail|zip(?: ?code)?|post ?code)(?: address)?(?: is)?\b:?|\bmy name is\b|"
                            r"(?:我的)?(?:邮箱|邮件|电邮|邮编|油编|邮政编码)(?:是|地址是)?[:：]?|我叫|我是", re.IGNORECASE)


def without_identity(text: str) -> str:
    """The message with who they are taken out ("hey where's my keyboard? email x@y.com" → "hey where's my
    keyboard?"): an e-mail or a name and zip says nothing about what they want, and sways a model that
    reads the whole message towards "account"."""
    cut = [m.span() for m in EMAIL.finditer(text)]
    if (readings := names_with_zip(text)):
        first, last, zip_ = readings[0]
        cut += [m.span() for m in re.finditer(rf"{first}\s+{last}|(?<!\d){zip_}(?!\d)", text, re.IGNORECASE)]
    for start, end in sorted(cut, reverse=True):
        text = text[:start] + " " + text[end:]
    return re.sub(r"\s+", " ", _IDENTITY_CUES.sub(" ", text)).strip(" ,，.。")


def address_in(text: str) -> dict | None:
    text = _in_address_form(text)
    if not (m := ADDRESS.search(text) or _ADDRESS_NO_COMMAS.search(text)):
        return None
    city, street, unit = m[3].strip(), m[1].strip(), (m[2] or "").strip()
    zip_ = m[5]
    # the zip corrected right after ("… NY 10063……不对，邮编是10036，打错了", "… 78701, sorry I mean 78702")
    if _FIXED_NOW.search(rest := text[m.end():]) and (zips := ZIP.findall(_NEGATED_ZIP.sub(" ", rest))):
        zip_ = zips[0]
    # the house number corrected right after ("… 85007 —— 啊不对 门牌是1700 不是1070")
    if _FIXED_NOW.search(rest) and (fix := _NUMBER_FIXED.search(rest)) \
            and (number := re.match(r"\d+", street)) and (fix[2] or fix[4] or number[0]) == number[0]:
        street = (fix[1] or fix[3]) + street[number.end():]
    return {"address1": street.title() if street.islower() else street,  # (dictated in lower case: as written on mail)
            "address2": unit[:1].upper() + unit[1:], "city": city.title() if city.islower() else city,
            "state": m[4].upper(), "country": "USA", "zip": zip_}


_NUMBER_FIXED = re.compile(r"(?:门牌号?|house number|street number)\D{0,6}?(\d{1,6})(?:\s*,?\s*(?:不是|not)\s*(\d{1,6}))?|"
                           r"(?<!\d)(\d{1,6})\s*,?\s*(?:不是|not)\s*(\d{1,6})(?!\d)", re.IGNORECASE)
_FIXED_NOW = re.compile(r"不对|打错|写错|说错|\bsorry\b|\boops\b|\bI mean\b|\bactually\b|\btypo\b", re.IGNORECASE)
# a floor written the Chinese way ("18楼", "3楼 (Floor 3)") as the address's second line
_ZH_FLOOR = re.compile(r"(?<![\d-])(\d{1,3})\s*(?:楼|层)(?:\s*[(（]\s*floor\s*\1\s*[)）])?", re.IGNORECASE)


# US places as Chinese shoppers write them ("二二零零 Elm Street Suite二一零 达拉斯 德州 邮编七五二零一"), states
# spelled out ("san antonio texas 78205"); longer names first (纽约州 before 纽约)
_ZH_PLACES = dict(pair.split("=") for pair in (
    "华盛顿特区=Washington DC|华府=Washington DC|德克萨斯州=TX|德克萨斯=TX|德州=TX|得州=TX|加利福尼亚州=CA|加州=CA|"
    "纽约州=NY|佛罗里达州=FL|佛州=FL|俄亥俄州=OH|科罗拉多州=CO|亚利桑那州=AZ|北卡罗来纳州=NC|北卡=NC|宾夕法尼亚州=PA|"
    "宾州=PA|华盛顿州=WA|伊利诺伊州=IL|印第安纳州=IN|马萨诸塞州=MA|麻省=MA|佐治亚州=GA|内华达州=NV|俄勒冈州=OR|"
    "丹佛=Denver|杰克逊维尔=Jacksonville|哥伦布=Columbus|达拉斯=Dallas|纽约=New York|圣地亚哥=San Diego|"
    "旧金山=San Francisco|三藩市=San Francisco|凤凰城=Phoenix|菲尼克斯=Phoenix|夏洛特=Charlotte|奥斯汀=Austin|"
    "费城=Philadelphia|费城市=Philadelphia|圣何塞=San Jose|洛杉矶=Los Angeles|沃斯堡=Fort Worth|圣安东尼奥=San Antonio|"
    "华盛顿=Washington|西雅图=Seattle|印第安纳波利斯=Indianapolis|芝加哥=Chicago|休斯顿=Houston|休斯敦=Houston|"
    "波士顿=Boston|迈阿密=Miami|拉斯维加斯=Las Vegas|波特兰=Portland|亚特兰大=Atlanta").split("|"))
_ZH_PLACE = re.compile("|".join(sorted(_ZH_PLACES, key=len, reverse=True)))
_STATES = dict(pair.rsplit(" ", 1) for pair in (
    "alabama AL|alaska AK|arizona AZ|arkansas AR|california CA|colorado CO|connecticut CT|delaware DE|florida FL|"
    "georgia GA|hawaii HI|idaho ID|illinois IL|indiana IN|iowa IA|kansas KS|kentucky KY|louisiana LA|maine ME|"
    "maryland MD|massachusetts MA|michigan MI|minnesota MN|mississippi MS|missouri MO|montana MT|nebraska NE|nevada NV|"
    "new hampshire NH|new jersey NJ|new mexico NM|new york NY|north carolina NC|north dakota ND|ohio OH|oklahoma OK|"
    "oregon OR|pennsylvania PA|rhode island RI|south carolina SC|south dakota SD|tennessee TN|texas TX|utah UT|"
    "vermont VT|virginia VA|washington WA|west virginia WV|wisconsin WI|wyoming WY").split("|"))
_STATE_NAME = re.compile(rf"\b({'|'.join(sorted(_STATES, key=len, reverse=True))})(?=,?\s*(?:zip(?: code)?:?\s*)?\d{{5}}\b)",
                         re.IGNORECASE)
_ZIP_BEFORE = re.compile(r"(\b[A-Z]{2}\b,?\s*)(?:zip(?: ?code)?:?|邮编|郵編|邮政编码)[:：是]?\s*(?=\d{5})")
_GLUED_UNIT = re.compile(r"\b(apt|apartment|unit|suite|ste|floor|room)(?=\d)", re.IGNORECASE)


def _in_address_form(text: str) -> str:
    text = _ZH_FLOOR.sub(r"Floor \1", text.replace("，", ", "))
    text = _ZH_PLACE.sub(lambda m: f" {_ZH_PLACES[m[0]]} ", text)
    text = _STATE_NAME.sub(lambda m: _STATES[m[1].lower()], text)
    text = _GLUED_UNIT.sub(r"\1 ", text)
    return _ZIP_BEFORE.sub(r"\1", text)


def corrected_zip(text: str) -> str | None:
    """The zip a message corrects an address to ("the zip is 78702 not 78701"): the one it does not negate,
    nor gives with a name to prove who they are."""
    if address_in(text) or not _ZIP_WORD.search(text):
        return None
    proving = {zip_ for _, _, zip_ in names_with_zip(text)}  # ("Liam Gonzalez, zip 78747" proves who they are)
    zips = [z for z in ZIP.findall(_NEGATED_ZIP.sub(" ", text)) if z not in proving]
    return zips[0] if zips else None


def amends_address(text: str) -> bool:
    """A part of an address without the whole: a zip corrected, a street line, an apartment."""
    return bool(corrected_zip(text) or _STREET_LINE.search(text) or _UNIT_LINE.search(text) or _UNIT_IS.search(text)
                or _CITY_LINE.search(text))


_UNIT_IS = re.compile(r"(?<![A-Za-z])(apt|apartment|unit|suite|flat|room)(?![A-Za-z])\.?\s*(?:是|应该是|改成|改为|should be|is|was meant to be)\s*#?\s*"
                      r"(\d[A-Za-z0-9-]*)", re.IGNORECASE)


def corrected_address(text: str, address: dict) -> dict | None:
    """The address stated before, corrected by a message that is no new address: "the zip is 92116 not
    92103", "it's 1020 Elm Street, not 1200", "please add Unit 4 as the second line"."""
    if address_in(text):
        return None
    fixed = dict(address)
    if (zip_ := corrected_zip(text)):
        fixed["zip"] = zip_
    elif (ends := _STATE_ZIP.search(text)):  # ("it's 2210 Magnolia Ave, not 2200. Unit 5, Fort Worth, TX 76110")
        fixed["state"], fixed["zip"] = ends[1], ends[2]
    if (street := _STREET_LINE.search(text)):
        fixed["address1"] = street[1].strip()
    if (unit := _UNIT_LINE.search(text)) and not _NEGATED_UNIT.search(text):
        fixed["address2"] = unit[1].strip()
    elif (unit := _UNIT_IS.search(text)):  # ("unit是15 不是5": the number of the line stated before)
        before = fixed.get("address2") or ""
        fixed["address2"] = re.sub(r"\d[A-Za-z0-9-]*", unit[2], before, count=1) \
            if unit[1].lower() in before.lower() and re.search(r"\d", before) else f"{unit[1].title()} {unit[2]}"
    if (city := _CITY_LINE.search(text)):
        fixed["city"] = city[1].strip()
    return fixed if fixed != address else None


# "城市打错了 是Fort Worth", "the city should be Fort Worth, not Fort Worh"
_CITY_LINE = re.compile(r"(?:城市\W*(?:打错了|写错了|错了)?\W*(?:是|应该是|改成)|\b[Cc]ity\b(?: name)?\W*(?:is|should be|was meant to be)?)"
                        r"\s*([A-Z][A-Za-z.'-]*(?: [A-Z][A-Za-z.'-]*)*)")  # (a city is written with capitals)


_STATE_ZIP = re.compile(r"\b([A-Z]{2}),?\s*(\d{5})\b")
_NEGATED_UNIT = re.compile(r"\b(?:no|without|remove|drop|delete) (?:the )?(?:apt|apartment|unit|suite|floor|room)", re.I)


def shown(address: dict) -> str:
    return ", ".join(v for v in (address["address1"], address["address2"], address["city"],
                                 f"{address['state']} {address['zip']}") if v)
