"""One product's variants as a shopper asks about them: the ones the words name, with their stock and price
(or the closest in stock), the cheapest or dearest, two set side by side, and what else there is when the
one asked for is not there."""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from itertools import combinations, zip_longest

from agent.catalogue_words import option_name
from agent.dialogue import money, products, reading
from agent.dialogue.routing import PRICE_ASKED
from agent.dialogue.turn import Answer, Turn, options
from agent.variants import (ZH_COLOURS, after_correction, asked_variants, colours_not_made, numbers_not_made, fits, fitting, for_whom, named_options, option_value, option_words, stepped,
                            given_up, having, unwanted_options, without_negated, without_unwanted)


DEAREST = re.compile(r"most expensive|priciest|highest price|最贵|价格最高|(?<![最更])贵(?:一?点)?的那[个款台把双件只张]|"
                     r"(?:\bthe |^\W*)(?:pricier|more expensive|dearer)(?: one(?![a-z])| of (?:those|these|them|the (?:two|three|ones)|both)\b)", re.IGNORECASE)


# two variants side by side: "the upright one vs the canister one", "灰色10码 跟 黑色6码 price分别是?"
VERSUS = re.compile(r"\bvs\.?|\bversus\b|\b(?:option|choice) (?:b|2|two)\b|\bcompared (?:to|with)\b|\bor\b|\band\b|跟|还是|对比|比起|和|比(?!较|如|方)", re.IGNORECASE)


# (of two or a few just shown, the cheaper is the cheapest: "就便宜的那个吧 多少钱来着", "the cheaper one then")
CHEAPEST = re.compile(r"cheapest|lowest[- ](?:unit[- ])?price[ds]?|least expensive|most affordable|最便宜|最低价|最实惠|价格最低|(?<![最更])便宜(?:一?点)?的那[个款台把双件只张]|"
                      r"(?:\bthe |^\W*)cheaper(?: one(?![a-z])| of (?:those|these|them|the (?:two|three|ones)|both)\b)", re.IGNORECASE)


# of the products just recommended or compared, not of one product's variants: "which one is cheaper?"
CHEAPER_ONE = re.compile(r"\bwhich (?:one |of (?:the|them|those) )?is (?:cheaper|less expensive)\b|哪(?:个|款)(?:更)?便宜",
                          re.IGNORECASE)


DEARER_ONE = re.compile(r"\bwhich (?:one |of (?:the|them|those) )?is (?:more expensive|pricier|dearer)\b|哪(?:个|款)更贵",
                         re.IGNORECASE)


# the one of two or three just shown, by its price ("the cheaper one", "cheaper one then")
_ONE_BY_PRICE = r"(?:\bthe |^\W*)(?:cheaper|pricier|more expensive|dearer)(?: one(?![a-z])| of (?:those|these|them|the (?:two|three|ones)|both)\b)"
_OF_THOSE = re.compile(r"那几个|这几个|那几款|这几款|其中|那些|里面|里头|当中|(?:最便宜|最贵|最低价|便宜|贵)(?:一?点)?的?那[把款个台双件只张种]|"
                       + _ONE_BY_PRICE + r"|\bof (?:those|them|these|the (?:two|three|four|both))\b|"
                       r"^\W*(?:the )?(?:cheapest|most expensive|priciest|dearest) one(?![a-z])|"
                       r"\bamong (?:those|them|these)\b", re.IGNORECASE)


# what is asked instead if the first thing asked is not there: "…1000毫升那种？没有的话750的也行", "…or not?? If not,
# tell me which ones DO", "没有就告诉我同样10寸128G别的颜色多少钱", "如果Wi-Fi的没有，那Ethernet的最便宜多少"
_IF_NOT = re.compile(r"(?:如果|要是)?不[\u4e00-\u9fff]{1,4}的话|没有的话|没货的话|没有就|要是没有|(?:如果|若是?)(?:没有|没货)(?=[，,\s])|\bif not\b|\bif (?:it'?s|they'?re) (?:not|sold out)\b|\botherwise\b",
                     re.IGNORECASE)
_IF_NONE = re.compile(r"(?:如果|要是)([^，,。？?]{1,20}?)(?:的)?(?:没有|没货|卖完了?)[，,\s]*(?:那|就)?", re.IGNORECASE)


def if_not(text: str) -> tuple[str, str] | None:
    """(what is asked first, what is asked instead if that is not there), when the message says so."""
    if (m := _IF_NONE.search(text)) and text[m.end():].strip():
        return m[1], text[m.end():]
    if (m := _IF_NOT.search(text)) and text[:m.start()].strip() and text[m.end():].strip():
        return text[:m.start()], text[m.end():]
    return None


def _and_also(text: str) -> tuple[str, str] | None:
    """(the first question, another one asked after "also" / "另外"), each of the product's options: "white wood 4
    ft vs white wood 5 ft, prices? Also is there a glass one in white, 4 ft?"."""
    m = _ALSO.search(text)
    return (text[:m.start()], text[m.end():]) if m and text[:m.start()].strip() and text[m.end():].strip() else None


_ALSO = re.compile(r"(?<=[.?!。？！，,])\s*(?:(?:also|plus|and also|oh and)\b|另外|还有|顺便问一?下|顺便|再问一?下),?\s*", re.IGNORECASE)


def _the_other(variants: list[dict], shown: str, named: dict, before: dict) -> list[dict]:
    """The variants besides the one just shown that have what is named now and as much as can be kept of what
    was asked before (the 2-piece of "硬壳的那个两件套" gives way, red stays), in stock first."""
    for keep in range(len(before), -1, -1):
        for keys in combinations(sorted(before), keep):
            wanted = {**{k: set(before[k]) for k in keys}, **named}
            if (rest := [v for v in variants if v["item_id"] != shown and fits(v, wanted) == len(wanted)]):
                return sorted(rest, key=lambda v: not v["available"])
    return []


_HOW_MANY = re.compile(r"有几种|有几款|有多少种|有多少款|\bhow many (?:kinds|types|options|models|versions)\b", re.IGNORECASE)


_OTHER_ONE = re.compile(r"\bthe other (?:one|pair|set)s?\b|\bother ones\b|另外一[个款套把双台件只]|另一[个款套把双台件只]|其他款|别的款|"
                        r"其他的款|其它款", re.IGNORECASE)


# the stock of each one listed, asked beside what there is ("which colors do you have and are they in stock?": the
# sold-out ones too, said so)
_STOCK_OF_EACH = re.compile(r"\b(?:are|is) (?:they|those|these|all|each)\b[^.?!]{0,12}\b(?:in stock|available)|都有货吗|是不是都有货",
                            re.IGNORECASE)
_IN_STOCK = re.compile(r"in stock|\bbuy\b.{0,20}\bnow\b|\bavailable\b|有货|现货|能买|可以买", re.IGNORECASE)


WHICH_ONES = re.compile(r"\b(?:what|which) (?:[\w-]+ ){0,3}ones\b|\bwhat (?:[\w-]+ ){0,3}do you (?:actually |really )?have\b|"
                         r"有哪(?:些|几款|几种)|都有哪|有什么(?:款|型号)|(?<=的)有(?:啥|什么)\W*$", re.IGNORECASE)  # ("一百块以内的有啥")


# an option the shopper no longer minds: "and a 13 inch with i7, any color?", "颜色无所谓"
_OPTION_NAMES = (("color", "colou?rs?", "颜色|顏色"), ("size", "sizes?", "尺码|尺寸|大小|码"), ("material", "materials?", "材质|材料"),
                 ("height", "heights?", "高度"), ("length", "lengths?", "长度"), ("capacity", "capacit(?:y|ies)", "容量"),
                 ("pieces", "(?:pieces|piece count)", "片数"), ("filter type", "filters?(?: types?)?", "滤网|滤芯"))
_ANY = {key: re.compile(rf"\b(?:any|whatever|whichever|which|what|other|another|different)\s+(?:(?!but\b)[a-z]+\s+)?{en}\b(?!\s*(?:but|except)\b|\s*\d)|"
                        rf"{en}\s+(?:doesn'?t matter|is fine)|"
                        rf"(?:{zh})(?:多少|大小)?(?:什么的|啥的)?了?(?:都|也)?(?:无所谓|不限|都行|都可以|随便)|(?:什么|任何|哪个)(?:{zh})都|(?:哪些|哪几种|几种|多少种|什么|啥|其他|别的|换个|换一个|换种)(?:{zh})",
                        re.IGNORECASE)  # ("which colours of that bottle are available then?": any colour; "what deck
#                                            lengths", "是啥材质的")
        for key, en, zh in _OPTION_NAMES}
# another value than the one asked before: "the other colour?", "换个颜色呢" (not "喜欢红色但别的颜色也行": any)
ANOTHER = {key: re.compile(rf"\b(?:the other|another|other|different)\s+{en}\b(?!\s+(?:are|is) (?:fine|ok|okay))|"
                           rf"(?:其他|别的|换个|换一个|换种|另一个?)(?:{zh})(?!的?也?(?:行|可以|ok|没问题|没关系))", re.IGNORECASE)
            for key, en, zh in _OPTION_NAMES}


# the shopper asks what else there is if theirs is not there: "没有的话现在有货的是哪几种尺寸", "if not, other colours?"
_OTHERWISE = re.compile(r"没有的话|没货的话|不然|否则|其他颜色|别的颜色|其他尺寸|别的尺寸|同款|\bif not\b|\botherwise\b|"
                        r"\bother colou?rs?\b|\bother sizes?\b|\bwhat else\b", re.IGNORECASE)


_PRICE_OR_STOCK = re.compile(r"how much|price|cost|cheaper|便宜|in stock|available|多少钱|价格|有货|库存|最便宜|cheapest|能买|可以买|买得到|"
                             r"\bcan i (?:buy|order|get)\b", re.IGNORECASE)


MOST_LISTED = 8
# a price for each one in stock, not a range: "what does each cost?", "分别多少钱"
EACH = re.compile(r"\beach\b|\bevery one\b|\ball (?:of )?(?:their|the) prices\b|\bprice list\b|分别|各(?:自|是|要)?(?:最便宜|最贵)?的?多少|各自|每(?:个|款|种)|"
                   r"\bwhat (?:do|would) (?:they|those|these) cost\b|\bhow much (?:are|do) (?:they|those|these)\b|都多少钱|"
                   r"都列(?:一下|出来)|全部?列(?:一下|出来)|\blist (?:them )?all\b|\blist all (?:of )?(?:them|those)\b",
                   re.IGNORECASE)


# a value doubted to be the only one, before another is asked ("只有白色吗", "only in white?")
_ONLY_THAT = re.compile(r"只有[^，,。？?\s]{1,8}(?:吗|么|嘛)[？?]?|\bonly (?:in |the )?[\w-]+(?: ones?)?\s*\?", re.IGNORECASE)


def variant_answer(turn: Turn, name: str, product_id: str, product: dict | None = None) -> Answer | None:
    """The variants the message names by their options: their stock and price, or the closest in stock, a
    colour it is not made in said first ("the red backpack in large": none is red; the large ones). None when
    it names no option of the product."""
    product = product or turn.product(product_id)
    variants = list(product["variants"].values())
    if (only := _ONLY_THAT.search(turn.text)) and (rest := (turn.text[:only.start()] + " " + turn.text[only.end():]).strip()) \
            and set(named_options(variants, only[0])) & set(named_options(variants, rest)):
        turn = replace(turn, text=rest)  # ("只有白色吗 10码黑色的有没有": black is asked, white only doubted)
    answer = _variant_answer(turn, name, product_id, product)
    colours, numbers = colours_not_made(variants, turn.text), numbers_not_made(variants, turn.text)
    if not (colours or numbers):
        return answer
    if answer is None:  # (only what it is not made in named: the values of those options there are)
        in_stock = [v for v in variants if v["available"]] or variants
        answer = Answer(turn.say("attribute_facts", name=name, lines="; ".join(
            f"{option_name(k, turn.language)}: {priced_values(in_stock, k, priced=True)}" for k in in_stock[0]["options"]
            if "colo" in k.lower() and colours or any(k in keys for keys in numbers.values()))), {"product": product})
    missing = [f"{_ZH_COLOUR_NAMES[c]}（{c}）" if turn.language != "en" and c in _ZH_COLOUR_NAMES else c for c in colours]
    missing += [_UNITS.sub(lambda m: m[1] + _UNIT_WRITTEN[m[2]], n) for n in numbers]  # ("64GB", not "64gb")
    return replace(answer, reply=turn.say("not_made_in", name=name, what="、".join(missing) if turn.language != "en"
                                          else " or ".join(missing)) + turn.between + answer.reply)


def priced_values(variants: list[dict], key: str, priced: bool) -> str:
    """An option's values over these variants; with the lowest price of each when several are shown
    ("which has more RAM?": "4GB ($1128.99), 8GB ($1157.86)")."""
    low: dict[str, Decimal] = {}
    for v in variants:
        value = str(v["options"][key])
        low[value] = min(low.get(value, Decimal(str(v["price"]))), Decimal(str(v["price"])))
    if all(re.match(r"\d", value) for value in low):  # sizes and amounts in their order ("7, 8, 9, 10")
        low = dict(sorted(low.items(), key=lambda vp: float(re.match(r"\d+(?:\.\d+)?", vp[0])[0])))
    return ", ".join(f"{value} (${price:.2f})" if priced and len(low) > 1 else value for value, price in low.items())


_UNIT_WRITTEN = {"gb": "GB", "tb": "TB", "mp": "MP", "mah": "mAh", "l": "L", "k": "K"}
_UNITS = re.compile(r"(\d)(gb|tb|mp|mah|l|k)\b")
_ZH_COLOUR_NAMES = {english: zh + "色" for zh, english in ZH_COLOURS.items()}


def _variant_answer(turn: Turn, name: str, product_id: str, product: dict) -> Answer | None:
    variants = list(product["variants"].values())
    # (one of those just listed, chosen: "ok then the black wireless one" after three power banks, no other wish let go)
    shown_before = set(turn.dialogue.shown) if turn.dialogue.product == name else set()
    if (parts := if_not(turn.text)) and (first := asked_variants(variants, parts[0])) and (first[0] or first[1]):
        # "有没有玻璃的，1000毫升那种？没有的话750的玻璃的也行", "gas with a rotisserie or not?? If not, which ones DO
        # have one": the one asked first, said sold out (or not made), then the other asked for instead
        asked, _ = first
        if any(v["available"] for v in asked):
            return _variant_answer(replace(turn, text=parts[0]), name, product_id, product)
        gone = turn.say("variant_facts", name=name, lines=stock_lines(turn, asked[:3])) if asked \
            else turn.say("no_such_variant", name=name)
        kept = (turn.dialogue.product, turn.dialogue.asked_options, turn.dialogue.variant)
        # (the first one's options held only for "another colour" of it: "没有就告诉我同样10寸128G别的颜色多少钱";
        # the one said sold out is not one of "粉红色的其他款")
        turn.dialogue.product, turn.dialogue.asked_options = name, {
            k: sorted(v) for k, v in named_options(variants, parts[0]).items()} \
            if any(w.search(parts[1]) for w in ANOTHER.values()) else {}
        turn.dialogue.variant = asked[0]["item_id"] if len(asked) == 1 else None
        if (then := _variant_answer(replace(turn, text=parts[1]), name, product_id, product)):
            return Answer(gone + turn.between + then.reply, {"product": product})
        turn.dialogue.product, turn.dialogue.asked_options, turn.dialogue.variant = kept  # (nothing named instead)
    if (two := _and_also(turn.text)) and all(named_options(variants, part) for part in two) \
            and (first := _variant_answer(replace(turn, text=two[0]), name, product_id, product)) \
            and (then := _variant_answer(replace(turn, text=two[1]), name, product_id, product)):
        return Answer(first.reply + turn.between + then.reply, {"product": product})
    if turn.dialogue.product == name and (named := named_options(variants, turn.text)) \
            and (one := _one_shown_asked(turn, variants, named)):
        # ("贵的那个是充电的吗", "is it i7?": that one, as it is, with a yes or a no)
        turn.dialogue.product, turn.dialogue.variant = name, one["item_id"]
        lead = turn.say(("it_has" if having(turn.text) else "it_is") + ("" if fits(one, named) == len(named) else "_not")) \
            if _YES_OR_NO.search(turn.text) or _THE_ONE_ASKED.match(turn.text) else ""  # (not "which has a backlight?")
        return Answer(lead + turn.say("variant_facts", name=name, lines=stock_lines(turn, [one])), {"product": product})
    if turn.dialogue.product == name and _THE_ONE_IN_STOCK.search(turn.text) and not named_options(variants, turn.text) \
            and (one := _the_one_shown(turn, variants)) and one["available"]:
        turn.dialogue.variant = one["item_id"]  # ("有货的那个多少钱" after three shown, one in stock: that one; not
        #                                       "那中等房间带夜间模式、现在有货的那个呢", another one asked)
        return Answer(turn.say("variant_facts", name=name, lines=stock_lines(turn, [one])), {"product": product})
    if (other := _shown_one_in(turn, name, variants)):
        return Answer(other, {"product": product})
    if (at_end := extreme(turn, name, variants)):
        return Answer(at_end, {"product": product})
    if (reading.PRICE_AGAIN.search(turn.text) or reading.BARE_PRICE.fullmatch(turn.text)) and turn.dialogue.product == name \
            and not named_options(variants, turn.text) and (settled := _the_one_shown(turn, variants)):
        # ("行 就它了 再确认下价格"; "and what's the price on that" after the cheapest one; "ok how much is that one?" after
        # three shown, one of them in stock)
        return Answer(turn.say("variant_facts", name=name, lines=stock_lines(turn, [settled])), {"product": product})
    asked_before = turn.dialogue.asked_options if turn.dialogue.product == name else {}
    if asked_before and reading.compares_those_two(turn.text) and len(two := [
            v for v in variants if v["available"] and fits(v, asked_before) == len(asked_before)]) == 2:
        # ("whats the diff between those 2" after two bamboo skateboards: the two, side by side)
        return Answer(turn.say("variant_facts", name=name, lines=stock_lines(turn, two)), {"product": product})
    text = _NOT_NEEDED.sub(" ", turn.text)  # ("any cheaper? doesnt have to be wireless": wireless is no choice)
    if asked_before and len(dropped := given_up(variants, text)) == 1 \
            and any(option_value(x) in dropped.get(k, ()) for k, xs in asked_before.items() for x in xs):
        # an earlier choice let go: no longer asked, nor named now ("黑色的台灯" … "USB供电的" … "算了不要USB的了，亮度高的
        # 那个呢": black and high)
        asked_before = {k: xs for k, xs in asked_before.items() if not {option_value(x) for x in xs} & dropped.get(k, set())}
        text = without_negated(text)
    text = f"{text} {for_whom(variants, text)}"  # ("想给男朋友买个perfume": the men's ones)
    liked = {}  # (a value liked, the others fine too: "他喜欢红色但别的颜色也行": every colour, the red ones first)
    for key, en, zh in _OPTION_NAMES:
        if re.search(rf"(?:其他|别的)(?:{zh})的?也?(?:行|可以|ok|没问题|没关系)|\bother {en} (?:are|is) (?:fine|ok|okay)\b", text,
                     re.IGNORECASE) and (said := named_options(variants, text).get(key)):
            text, liked[key] = _without_values(text, said), said
    # ("so what 17 inch ones do you actually have": those, whatever was asked before; in stock)
    which_ones = bool(WHICH_ONES.search(text) and named_options(variants, text))
    # ("anything waterproof that's cheaper?" after a price: below that one, with only what is named now)
    shown_last = next((v for v in variants if v["item_id"] == turn.dialogue.variant), None) \
        if turn.dialogue.product == name and money.CHEAPER.search(turn.text) else None
    before = {} if which_ones or shown_last else still_minded(asked_before, turn.text, variants)
    shown = next((v for v in variants if v["item_id"] == turn.dialogue.variant), None) if turn.dialogue.product == name else None
    if (step := stepped(variants, turn.text, asked_before, shown)):  # "大一号的呢": the next size, the rest kept
        if (said := named_options(variants, text).get(step[0])):  # ("low brightness … is there a brighter one?":
            text = _without_values(text, said)                      # the brighter one instead of the low one)
        before, text = {k: v for k, v in before.items() if k != step[0]}, f"{text} {step[1]}"
    # ("blue is out? which colours then?": every colour, the one named again being the one found missing; not
    # "what colours does it come in, and how much is the black one?")
    named_now = named_options(variants, text)
    asks_which = frozenset(k for k, words in _ANY.items() if words.search(text))
    open_keys = frozenset(k for k in asks_which if named_now.get(k, set()) <= set(asked_before.get(k, ()))
                          or ANOTHER[k].search(text))  # ("只有灰色吗？别的颜色有没有": the other colours)
    # (values accepted either way under a question of another option are no two set side by side: "which lengths can I
    # get in rubber or latex?")
    side = None if open_keys and not reading.COMPARES.search(text) and not money.CHEAPER.search(text) \
        else _compared(variants, text, before)
    asked, closest = side or asked_variants(variants, text, before, open_keys, again=bool(reading.BARE_PRICE.fullmatch(text)))
    # none has all that is named: what the question itself names ("8GB ram is kinda low. what about the black
    # 17-inch i7 one?"), or without what was asked before ("那黑色4杯的呢" after a black 8-cup one with a grinder)
    question = (reading.sentences(text) or [text])[-1]
    question = question if reading.QUESTION.search(question) else text  # (not "…the 5x zoom versions. Still SD card.")
    wanted, let_go = asked, {}  # (the ones with all that is named, sold out, are said before the others: "T恤有红色的吗" … "S码")
    for words, earlier in ((question, before), (text, {}), (question, {})):
        if not closest or not (before or question != text):
            break
        if (alone := asked_variants(variants, words, earlier, open_keys))[0] and not alone[1]:
            asked, closest = alone
            let_go = before if not earlier else {}  # (what was asked before, none made with what is asked now)
    gone_first = None  # (the one with all asked, now and before, sold out: said so first, whatever is asked of stock)
    if asked is not wanted and wanted and not any(v["available"] for v in wanted):
        asked, gone_first = [*wanted[:1], *(v for v in asked if v is not wanted[0])], wanted[0]
    others = {}  # ("the other colour?" after the blue one: the colours that are not blue, asked from now on)
    for key in open_keys:
        # (or named with it: "只有灰色吗？别的颜色有没有": not grey)
        others_named = {k: x for k, x in {**before, **named_now}.items() if k != key}  # (the rest of what is asked)
        pool = asked if asked_before.get(key) else [v for v in variants if fits(v, others_named) == len(others_named)]
        if ANOTHER[key].search(text) and (before_values := {str(x).lower() for x in asked_before.get(key, ())
                                                            or named_now.get(key, ())}) \
                and (rest := [v for v in pool if str(v["options"].get(key, "")).lower() not in before_values]):
            rest = sorted(rest, key=lambda v: not v["available"])
            asked, others[key] = rest, {str(v["options"][key]).lower() for v in rest if key in v["options"]}
            # (the one named in this message, sold out, said first: "黑色M码到底什么时候能买？…黑色其他码有没有")
            named = {**others_named, key: named_now.get(key, set())}
            if not asked_before.get(key) and named[key] and (gone := [v for v in variants if fits(v, named) == len(named)]) \
                    and not any(v["available"] for v in gone):
                asked, gone_first = [gone[0], *rest], gone[0]
    if not (asked or closest):
        return None
    if step and closest and option_value(closest["options"].get(step[0], "")) != step[1]:  # ("厚一点的 六毫米的粉色":
        closest = min((v for v in variants if v["available"] and option_value(v["options"].get(step[0], "")) == step[1]),
                      key=lambda v: (-fits(v, {**before, **named_now}), float(v["price"])), default=closest)  # 6mm first)
    if _OTHER_ONE.search(turn.text) and turn.dialogue.variant and (other := _the_other(
            variants, turn.dialogue.variant, named_now, before)):
        asked, closest = other, None  # ("那另外一个硬壳的呢" after the red 2-piece hardshell: the red hardshell not that one)
    turn.dialogue.asked_options = {k: sorted(v) for k, v in {**before, **named_now, **others}.items()}
    if (which_ones or _IN_STOCK.search(turn.text) and not side and not (open_keys and _STOCK_OF_EACH.search(turn.text))) \
            and any(v["available"] for v in asked):
        asked = [v for v in asked if v["available"] or v is gone_first]  # "which one can I buy now?" (not of two set side by side:
        #                                              "青轴跟茶轴比一下 有木有货": the sold-out one said so)
    if shown_last and (below := [v for v in asked if v["available"]
                                 and Decimal(str(v["price"])) < Decimal(str(shown_last["price"]))]):
        asked = below
    over = other_colour = ""
    if (budget := money.budget(turn.text)) is not None and asked:
        reach = money.reach(turn.text)  # (a budget said roughly holds a tenth above it: "两百出头" of a $202.39 backpack)
        within = [v for v in asked if Decimal(str(v["price"])) <= reach]
        above = sorted((v for v in asked if v["available"]), key=lambda v: Decimal(str(v["price"])))
        # ("any headphones under $344? wireless": those within it are sold out; "头戴式耳机有300美元以内的吗": none is
        # within it; not a number far below every price, more likely a weight or a size: "if I go up to 30-50")
        if above and not any(v["available"] for v in within) and (within or 2 * budget >= Decimal(str(above[0]["price"]))):
            wanted = {**before, **named_now}
            over, asked, named_now = turn.say("nothing_within", budget=budget) + " ", above[:1], {}  # the nearest above
            # and, within it, the cheapest one in stock in another colour, where all else named holds ("Apple HomeKit
            # … 260以内，颜色最好white": white is $260.68, stainless steel $255.98; a size, a laptop compartment or USB
            # power is a need, not let go)
            rest = {k: x for k, x in wanted.items() if k != "color"}
            if "color" in wanted and (near := min((v for v in variants if v["available"] and Decimal(str(v["price"])) <= reach
                                                   and fits(v, rest) == len(rest)),
                                                  key=lambda v: Decimal(str(v["price"])), default=None)):
                other_colour = turn.say("within_other_colour", budget=budget, options=options(near), price=near["price"])
        elif within:  # ("两百块以内的宠物床 要大号的": those within it, in stock and cheapest first)
            asked = sorted(within, key=lambda v: (not v["available"], Decimal(str(v["price"]))))
    if money.CHEAPER.search(turn.text) or CHEAPEST.search(turn.text):  # "the cheapest wireless ones in stock"
        asked = sorted(asked, key=lambda v: (not v["available"], float(v["price"])))
    asked = sorted(asked, key=lambda v: -fits(v, liked)) if liked else asked
    asked = _each_value_in_turn(without_unwanted(asked, turn.text), named_now)  # ("best for dog hair? cordless if
    # poss": some of each; "clicky的就算了": none of those)
    turn.dialogue.product, turn.dialogue.variant = name, asked[0]["item_id"] if len(asked) == 1 else None
    if (every := EACH.search(turn.text) or _HOW_MANY.search(turn.text) or which_ones) and any(v["available"] for v in asked):
        asked = [v for v in asked if v["available"]]  # ("适合dark skin的有几种？都多少钱", "宠物床中号的有哪些": every one
        #                                              there is to buy)
    lines = stock_lines(turn, asked[:MOST_LISTED if open_keys or every else 3])  # ("大号的宠物床有哪些颜色": all of them)
    reply = over + (turn.say("variant_facts", name=name, lines=lines) if asked else turn.say("no_such_variant", name=name))
    if not asked and (yes_no := next((s for s in reading.sentences(turn.text) if _YES_OR_NO.search(s)), None)):
        reply = turn.say("it_has_not" if _HAS_ONE.search(yes_no) else "it_is_not") + reply  # ("is there a bigger one
        #                                                                                    in wood?": no, first)
    reply += other_colour
    if asked and (lead := _yes_no_lead(turn, variants, asked, named_now)):  # "蓝牙音箱防水吗": yes or some, first
        reply = lead + reply
    if asked and let_go and not set(let_go) & set(named_now) and not products.corrects(turn.text) \
            and not (shown_before and asked[0]["item_id"] in shown_before) \
            and not any(fits(v, both) == len(both) for both in [{**let_go, **named_now}] for v in variants):
        # ("4 ft 的有吗" after glass black: none such; not "不对，我要的是i7的17寸" after an i9, a correction)
        reply = turn.say("no_such_variant", name=name) + " " + reply
    if side and len(asked) == 2:  # ("which one is cheaper, and by how much?": the two prices apart)
        reply += gap(turn, asked)
    # ("有什么材质的? wood的最好": which there are, then the one liked best)
    if (which := [k for k in variants[0]["options"] if k.lower() in asks_which - open_keys and k not in liked]):
        in_stock = [v for v in variants if v["available"]] or variants
        reply = turn.say("attribute_facts", name=name, lines="; ".join(
            f"{option_name(k, turn.language)}: {', '.join(sorted({str(v['options'][k]) for v in in_stock}))}" for k in which)) + " " + reply
    if closest and _OTHERWISE.search(turn.text):  # "没有的话其他颜色同款多少钱": every one in stock that comes closest
        named = {**before, **named_now}
        in_stock = [v for v in variants if v["available"]]
        best = max(fits(v, named) for v in in_stock)
        closest_ones = sorted((v for v in in_stock if fits(v, named) == best), key=lambda v: Decimal(str(v["price"])))
        reply += turn.say("alternatives_in_stock", lines="; ".join(
            turn.say("variant_line", options=options(v), price=v["price"]) for v in closest_ones[:MOST_LISTED]))
    elif closest:
        # (not what they said they cannot have: "natural rubber? I'm allergic to PVC": the TPE one, not a PVC one; a value
        # named again after a "不是" is wanted: "红色XL的 啊不是 我老公穿XXL 红色XXL…")
        refused = {k: left for k, xs in unwanted_options(variants, turn.text).items() if (left := xs - named_now.get(k, set()))}
        if refused and fits(closest, refused):
            named, target = {**before, **named_now}, asked[0]["options"] if asked else {}
            closest = min((v for v in variants if v["available"] and not fits(v, refused)), key=lambda v: (
                -fits(v, named), -sum(v["options"].get(k) == x for k, x in target.items()), Decimal(str(v["price"]))),
                default=closest)  # (nearest to the one asked: "银色金属表带的…不是皮的" after a silver metal AMOLED one)
        reply += turn.say("closest_in_stock", options=options(closest), price=closest["price"])
        if (other := _closest_keeping_the_rest(variants, closest, {**before, **named_now})
                or _closest_keeping_the_first(variants, closest, named_now, turn.text)):
            reply += turn.say("closest_in_stock_or", options=options(other), price=other["price"])
    return Answer(reply, {"product": product})


def _closest_keeping_the_rest(variants: list[dict], closest: dict, named: dict[str, set[str]]) -> dict | None:
    """Where no variant has all that is named and the closest in stock keeps part of it, the cheapest one in
    stock that keeps as much but another part ("5K and waterproof?": the waterproof 4K one, or the 5K one that is
    not waterproof; "硬壳的A5本子": an A5 soft cover, or a hard cover in A4); None where there is no such."""
    def kept(variant: dict) -> frozenset[str]:
        return frozenset(k for k, values in named.items() if option_value(variant["options"].get(k, "")) in values)
    have = kept(closest)
    if len(named) < 2 or not have:
        return None
    return min((v for v in variants if v["available"] and len(other := kept(v)) == len(have) and other != have),
               key=lambda v: Decimal(str(v["price"])), default=None)


def _closest_keeping_the_first(variants: list[dict], closest: dict, named: dict[str, set[str]], text: str) -> dict | None:
    """Where the closest in stock lets go of the option named first, the one the question opens with ("Grill有gas的吗?
    size要large, 带rotisserie的": the electric large rotisserie one keeps two of three, a gas one keeps what was asked
    first), the one in stock that keeps it and most of the rest, cheapest first; None where the closest keeps it."""
    words = option_words(text)
    places = {k: min(i for x in values if (i := words.find(x)) >= 0) for k, values in named.items()
              if any(x in words for x in values)}
    if len(places) < 2:
        return None
    if option_value(closest["options"].get(first := min(places, key=places.get), "")) in named[first]:
        return None
    return min((v for v in variants if v["available"] and option_value(v["options"].get(first, "")) in named[first]),
               key=lambda v: (-fits(v, named), Decimal(str(v["price"]))), default=None)


def gap(turn: Turn, two: list[dict]) -> str:
    """How far apart two prices are, where the shopper asks ("by how much?", "差多少", "贵多少"); "" otherwise."""
    if not _BY_HOW_MUCH.search(turn.text) or len(two) != 2:
        return ""
    apart = abs(Decimal(str(two[0]['price'])) - Decimal(str(two[1]['price'])))
    said = turn.say("price_gap", gap=f"{apart:.2f}")
    if (many := _HOW_MANY_BOUGHT.search(turn.text)) and 1 < (count := int(many[1] or many[2] or many[3])) <= 1000:
        said += turn.say("price_gap_for", count=count, gap=f"{apart * count:.2f}")  # ("ordering 12 units … total saving")
    return said


# how many the shopper will buy: "we'd be ordering 12 units", "across all 12", "买10个"
_HOW_MANY_BOUGHT = re.compile(r"\b(\d{1,4}) (?:units|pieces|pcs|of them|of those)\b|\b(?:all|for|across) (\d{1,4})\b"
                              r"(?! ?(?:%|dollars|bucks|\$|inch|hours?))|(?:买|要|订|采购)(\d{1,4})(?:个|件|台|套|把|只|双|张)",
                              re.IGNORECASE)


_BY_HOW_MUCH = re.compile(r"\bby how much\b|\bhow much (?:more|less|cheaper|dearer|pricier)\b|\b(?:price )?(?:difference|diff)\b|\btotal saving|\bsave (?:by|if)\b|"
                          r"\bhow far apart\b|差多少|差价|相差|差很多|差得多|差了?几|贵多少|便宜多少|贵了?多少|便宜了?多少", re.IGNORECASE)


def _each_value_in_turn(variants: list[dict], named: dict[str, set[str]]) -> list[dict]:
    """Where two values of one option are named and no variant has both, one of each in turn, so that the
    first lines listed show both ("cordless or pet hair removal?"); otherwise as they are."""
    key = next((k for k, values in named.items() if len(values) > 1), None)
    if key is None:
        return variants
    groups = [[v for v in variants if option_value(v["options"].get(key, "")) == value] for value in sorted(named[key])]
    rest = [v for v in variants if option_value(v["options"].get(key, "")) not in named[key]]
    return [v for row in zip_longest(*groups) for v in row if v is not None] + rest


def extreme(turn: Turn, name: str, variants: list[dict], words: str | None = None) -> str | None:
    """"最便宜的咖啡机多少钱", "most expensive digital camera?": the one in stock at that end (of those whose
    options the words name, its own side's where two are set side by side), not a list."""
    dearest = DEAREST.search(turn.text)
    if not (dearest or CHEAPEST.search(turn.text)):
        return None
    in_stock = [v for v in variants if v["available"]]
    # ("mesh vs leather, just the cheapest of each": one of each)
    groups = _each_named(in_stock, turn.text) if EACH.search(turn.text) else []
    gone = None  # (the cheaper of those just shown, sold out: said, beside the cheapest in stock)
    if not groups and _OF_THOSE.search(turn.text) and turn.dialogue.product == name and turn.dialogue.asked_options:
        # ("不防水的那几个里最便宜的是哪个" after red speakers: the red ones that are not waterproof)
        named = {**{k: set(v) for k, v in turn.dialogue.asked_options.items()},
                 **named_options(in_stock, _ABOUT_IT.sub(" ", turn.text))}  # ("最便宜那个是啥接口 能无线充吗": asked of it)
        those = [v for v in variants if fits(v, named) == len(named)]
        # (of those just shown, where a comparison or a count says so: "the cheaper of the two" after three shown, one
        # sold out; not "black的里面cheapest" after some USB lamps, the cheapest black USB one of them all)
        if _THE_ONE_OF_TWO.search(turn.text) or _COUNTED.search(turn.text):
            those = [v for v in those if v["item_id"] in turn.dialogue.shown] or those
        gone = (max if dearest else min)(those, key=lambda v: Decimal(str(v["price"])), default=None) \
            if _THE_ONE_OF_TWO.search(turn.text) else None
        in_stock = [v for v in in_stock if v in those] or in_stock
    wished = _ABOUT_IT.sub(" ", words or turn.text)
    if not groups and not gone and not fitting(in_stock, wished) and (sold := fitting(variants, wished)):
        # ("Perfume 最便宜的是哪个？要 unisex": the unisex one is sold out, said, beside the cheapest there is)
        cheapest_gone = min(sold, key=lambda v: Decimal(str(v["price"])))
        cheapest_now = min(in_stock, key=lambda v: Decimal(str(v["price"])), default=None)
        turn.dialogue.product = name
        return turn.say("variant_facts", name=name, lines=stock_lines(turn, [cheapest_gone, *([cheapest_now] if cheapest_now else [])]))
    # ("what's the most expensive backpack, and is it leather?": a question about the one found, not a filter)
    if not (groups := groups or [fitting(in_stock, wished) or in_stock])[0]:
        return None
    if dearest and (budget := money.budget(turn.text)) is not None:  # ("最贵的是哪个？我说的是二百五以内的"): within it
        groups = [[v for v in group if Decimal(str(v["price"])) <= budget] or group for group in groups]
    # ("宠物窝最便宜的是多少钱然后最贵的又是多少": both ends)
    ends = (False, True) if dearest and CHEAPEST.search(turn.text) and len(groups) == 1 else (bool(dearest),)
    picks = [((max if end else min)(group, key=lambda v: Decimal(str(v["price"]))), end) for group in groups for end in ends]
    turn.dialogue.product, turn.dialogue.variant = name, picks[0][0]["item_id"] if len(picks) == 1 else None
    if gone and not gone["available"] and len(picks) == 1:  # ("ok and the cheaper one, what features does it have")
        return turn.say("variant_facts", name=name, lines=stock_lines(turn, [gone, picks[0][0]]))
    return " ".join(turn.say("dearest_variant" if end else "cheapest_variant", name=name, options=options(v),
                             price=v["price"]) for v, end in picks) + gap(turn, [v for v, _ in picks])


def _shown_one_in(turn: Turn, name: str, variants: list[dict]) -> str | None:
    """"the cheaper one, does it come in black too?" after two were set side by side: that one with what the message
    names, what set the two apart kept first ("充电款和装电池的" … "便宜的那个有白色的吗": a white rechargeable one)."""
    shown = [v for v in variants if v["item_id"] in turn.dialogue.shown] if turn.dialogue.product == name else []
    if len(shown) < 2 or not (by_price := _THE_ONE_OF_TWO.search(turn.text)) \
            or not (named := named_options(variants, turn.text[:by_price.start()] + " " + turn.text[by_price.end():])):
        return None
    one = (max if DEAREST.search(by_price[0]) else min)(shown, key=lambda v: Decimal(str(v["price"])))
    apart = {k for k in one["options"] if len({option_value(v["options"].get(k, "")) for v in shown}) > 1} - set(named)
    kept = {k: {option_value(x)} for k, x in one["options"].items() if k not in named}
    having = [v for v in variants if fits(v, named) == len(named)]
    if not having or one in having:
        return None
    best = max(having, key=lambda v: (fits(v, {k: x for k, x in kept.items() if k in apart}), fits(v, kept), v["available"],
                                      -Decimal(str(v["price"]))))
    turn.dialogue.variant = best["item_id"]
    return turn.say("variant_facts", name=name, lines=stock_lines(turn, [best]))


# the one of two or three just shown, by its price ("the cheaper one", "便宜的那个"), not the cheapest in stock
_THE_ONE_OF_TWO = re.compile(_ONE_BY_PRICE + r"|(?<![最更])(?:便宜|贵)(?:一?点)?的那[个款台把双件只张]", re.IGNORECASE)


_COUNTED = re.compile(r"\bof (?:the|those|these) (?:two|three|2|3)\b|\bboth\b|[这那]两|[这那]俩|两[个款台把]里", re.IGNORECASE)
_ABOUT_IT = re.compile(r"\b(?:and |also )?(?:is|are|does|do) (?:it|they|that one|this one)\b[^.?!]*|"
                       r"\b(?:is|are|does|do|can) the (?:cheapest|cheaper|priciest|dearest|most expensive)(?: one)?"
                       r"(?: of (?:those|them|these|the two))?\b[^.?!]*|"  # ("does the cheapest of those do wireless charging?")
                       r"(?:它|这个|那个|这款|那款)(?:是不是|是)(?:(?!\s+那)[^，,。？?])*", re.IGNORECASE)  # (to the
# clause's end: "最便宜那个是啥接口 能无线充吗" asks of it; "这个是装电池的吧 那充电款里最便宜的呢" of the rechargeable ones)


def _each_named(in_stock: list[dict], text: str) -> list[list[dict]]:
    """The groups a message sets side by side, each by its own option ("polarized 和 non-polarized 的，最便宜的
    各多少"): the ones in stock of each; [] unless there are two or more, told apart."""
    parts = [named for p in VERSUS.split(text) if p.strip() and (named := named_options(in_stock, p))]
    if not _told_apart(parts):
        return []
    groups = [[v for v in in_stock if fits(v, named) == len(named)] for named in parts]
    return groups if all(groups) else []


def _told_apart(parts: list[dict[str, set[str]]]) -> bool:
    """Two or more parts of a message, the options each names, and two of them name different values of one."""
    return len(parts) > 1 and bool(_apart_by(parts))


def _apart_by(parts: list[dict[str, set[str]]]) -> set[str]:
    """The options two of the parts name different values of."""
    return {k for a in parts for b in parts for k in a if b.get(k) and a[k] != b[k]}


_COMPARE_WITH = re.compile(r"(\bcompar(?:e|ing)\b[^.?!]*?)\b(?:with|to|against)\b", re.IGNORECASE)


def _compared(variants: list[dict], text: str, before: dict | None = None) -> tuple[list[dict], None] | None:
    """Two variants the message sets side by side, told apart by an option named in each ("6寸的和8寸32G的",
    "大号灰色的宠物床 记忆棉的和涤纶的"): one of each, in stock first, the options named once holding for both
    where a variant has them ("portable gas grill vs portable charcoal grill, the basic ones")."""
    if (fixed := after_correction(text)) != text and VERSUS.search(fixed) and not products.CORRECTION.search(text):
        text = fixed  # ("the Google one — no, scratch that, the Apple HomeKit one. White vs black": of the HomeKit ones)
    if not VERSUS.search(text):  # ("compare the 12 inch white analog with the 14 inch …"; not "… bagless with pet
        text = _COMPARE_WITH.sub(r"\1 vs ", text)  # hair removal versus the upright …")
    parts = _sides(variants, text)  # (not "…, and by how much?")
    if len(parts) < 2 and (EACH.search(text) or reading.COMPARES.search(text)):  # ("我要size 10 gray leather的，老婆要
        clauses = [named for p in CLAUSES.split(text) if (named := named_options(variants, p))]  # size 6 black的，各多少钱")
        parts = clauses if all(len(v) == 1 for named in clauses for v in named.values()) else parts  # (each one variant)
    if (fixed := list(products.CORRECTION.finditer(text))) and (then := named_options(variants, text[fixed[-1].end():])) \
            and len(head := [named_options(variants, p) for p in VERSUS.split(text[:fixed[-1].start()]) if p.strip()]) >= 2:
        # ("黑色8杯带磨豆的，和白色4杯滴滤的…… 哦说错了，是和不锈钢4杯带磨豆的那台比": the last one, what it does not name kept)
        parts = [*head[:-1], {**{k: v for k, v in head[-1].items() if k not in then}, **then}]
    if not all(parts) or not _told_apart(parts):
        return None
    # (a sentence that sets nothing side by side holds for both: "他头不大不小M码。红色高通风的那款跟白色的比")
    sentences, context = reading.sentences(text), {}
    if len(sentences) > 1 and not fixed and (pair := next((x for x in sentences if len([p for p in VERSUS.split(x) if p.strip()]) > 1), None)):
        if len(inner := _sides(variants, pair)) > 1 \
                and _told_apart(inner):
            parts, context = inner, named_options(variants, " ".join(x for x in sentences if x is not pair))
    picks, apart, every = [], _apart_by(parts), EACH.search(text)
    # ("robot那款是bagless还是bagged的" after vacuums for cat hair: robotic ones for it)
    kept = {k: set(v) for k, v in (before or {}).items() if k not in apart}
    for part in parts:
        shared = {k: v for other in parts if other is not part for k, v in other.items() if k not in part}
        # (none is "a gas grill, medium size": the gas one closest, told apart by what sets them side by side)
        for named in ({**kept, **context, **shared, **part}, {**context, **part}, {**kept, **shared, **part},
                      {**shared, **part}, part, {k: v for k, v in part.items() if k in apart}):
            exact = sorted((v for v in variants if fits(v, named) == len(named)),
                           key=lambda v: (not v["available"], Decimal(str(v["price"]))))
            # (one that has all this side says, sold out, is said so: "登山靴11码防水的，真皮的和合成材料的哪个便宜")
            if exact and (exact[0]["available"] or named is part or not kept and {**shared, **part}.items() <= named.items()):
                # (every one in stock of each side where each is asked: "medium frame的 road和mountain哪个贵 都列一下价格")
                # (the two cheapest in stock of a side that leaves an option open, unless by how much is asked: "USB desk
                # lamp, black vs silver": the black low one and the black medium one beside the silver one)
                picks += [v for v in exact if v["available"]] if every and exact[0]["available"] else \
                    [v for v in exact[:2] if v["available"]] if exact[0]["available"] and not _BY_HOW_MUCH.search(text) \
                    else exact[:1]
                break
        else:
            return None
        if not picks[-1]["available"]:  # ("on-ear vs over-ear, both in black": the black on-ear is sold out; the
            side = {k: v for k, v in part.items() if k in apart}  # on-ear one in stock closest to it beside it)
            picks += sorted((v for v in variants if v["available"] and fits(v, side) == len(side)),
                            key=lambda v: (-fits(v, part), Decimal(str(v["price"]))))[:1]
    picks = list({v["item_id"]: v for v in picks}.values())  # (each once: "…and the upright one … are both bagless?")
    return ([*_wished_besides(variants, text, picks, apart), *picks], None) if len(picks) > 1 else None


# a value wished for beside those asked about ("Is your grill gas or charcoal? … electric would be ideal")
_WISH = re.compile(r"\bwould be (?:ideal|perfect|best|great|nice)\b|\bideally\b|\bpreferabl[ey]\b|\bi'?d (?:prefer|rather)\b|"
                   r"\bif (?:possible|poss)\b|最好|更想要|更喜欢|理想", re.IGNORECASE)


def _wished_besides(variants: list[dict], text: str, picks: list[dict], apart: set[str]) -> list[dict]:
    """The cheapest in stock of a value the shopper says they would rather have, of the option the two sides are told
    apart by, where neither side has it: said first."""
    wished = []
    for sentence in re.split(r"(?<=[.!?。！？,，;；])\s*", text):
        if not _WISH.search(sentence):
            continue
        for key, values in named_options(variants, sentence).items():
            if key in apart and not any(option_value(v["options"].get(key, "")) in values for v in picks):
                wished += sorted((v for v in variants if v["available"] and option_value(v["options"].get(key, "")) in values),
                                 key=lambda v: Decimal(str(v["price"])))[:1]
    return wished


def _sides(variants: list[dict], text: str) -> list[dict]:
    """The options each side of a comparison names; two sides of two options each are two, not four ("the one with
    the metal strap and white face, or the one with the leather strap and black face?")."""
    parts = [named for p in VERSUS.split(text) if (named := named_options(variants, p))]
    if len(parts) > 2 and len(two := [named for p in _EITHER.split(text) if (named := named_options(variants, p))]) == 2 \
            and _told_apart(two):
        return two
    return parts


CLAUSES = re.compile(r"[，,;；。!！?？]")
_EITHER = re.compile(r"\bvs\.?|\bversus\b|\bcompared (?:to|with)\b|\bor\b|还是", re.IGNORECASE)  # (VERSUS less "and")


def _one_shown_asked(turn: Turn, variants: list[dict], named: dict[str, set[str]]) -> dict | None:
    """One of those just shown, picked by what sets it apart or by its price, and asked whether it has a part or
    a value ("那个红色的呢，有扶手吗" after three chairs, "贵的那个是充电的吗" after three toothbrushes): that one,
    whatever it has, not another that has it."""
    shown = [v for v in variants if v["item_id"] in (turn.dialogue.shown or [])]
    buyable = [v for v in shown if v["available"]]
    if _JUST_IS_IT.match(turn.text) and (it := next((v for v in variants if v["item_id"] == turn.dialogue.variant), None)
                                         or (shown[0] if len(shown) == 1 else buyable[0]
                                             if len(buyable) == 1 and not _HAS_ONE.search(turn.text) else None)):
        return it  # ("is it i7?" after the cheapest laptop; "那个waterproof吗" after the 5K cameras, one of them in stock;
        #            not "这个有100ml的大瓶吗", whether there is one)
    if len(shown) > 1 and _WHICH_IS_IT.match(turn.text) and len(buyable) == 1:
        return buyable[0]  # ("is that the basic kit or the pro one" after three shown, one in stock: that one)
    if len(shown) < 2 or not reading.QUESTION.search(turn.text):
        return None
    if (m := _THE_ONE_ASKED.match(turn.text)) and (picked := named_options(shown, m[1])) and named_options(variants, m[2]) \
            and len(one := [v for v in shown if fits(v, picked) == len(picked)]) == 1:
        return one[0]  # ("the small one. cotton?" after two purple tees, "the L one — full zip?")
    if (end := _PRICIER_ONE.search(turn.text) or _CHEAPER_ONE.search(turn.text)) and named and _IS_IT.search(turn.text):
        pool = [v for v in shown if v["available"]] or shown
        return (max if end.re is _PRICIER_ONE else min)(pool, key=lambda v: Decimal(str(v["price"])))
    keys = having(turn.text)
    picked = {k: v for k, v in named.items() if k.lower() not in keys}
    if not keys or not picked or len(picked) == len(named):
        return None
    return one[0] if len(one := [v for v in shown if fits(v, picked) == len(picked)]) == 1 else None


# the one of those shown that is in stock ("有货的那个多少钱", "the one in stock, how much?")
_THE_ONE_IN_STOCK = re.compile(r"(?:有货|现货|有库存)的?那[个款台把双件只张]|\bthe (?:one|model) (?:in stock|that'?s in stock|you have|"
                               r"available)\b|\bthe (?:in-stock|available) one\b", re.IGNORECASE)
# one of two or three shown, by its price, without "最"/"-est" (of those shown, not of all: "贵的那个", "the cheaper one")
_PRICIER_ONE = re.compile(r"(?<![最更])贵(?:一?点)?的?那[个款台把双件只张]|\bthe (?:pricier|more expensive|dearer) (?:[\w-]+ ){0,2}?one\b", re.IGNORECASE)
_CHEAPER_ONE = re.compile(r"(?<![最更])便宜(?:一?点)?的?那[个款台把双件只张]|\bthe cheaper (?:[\w-]+ ){0,2}?one\b", re.IGNORECASE)
# a question a yes or a no answers ("是充电的吗", "有扶手吗", "is it i7?"; not "which has a backlight?", "leather or mesh?")
_YES_OR_NO = re.compile(r"^(?!.*(?:还是|\bor\b|哪|\bwhich\b|\bwhat\b)).*(?:[吗么]\W*$|是不是|有没有|^\W*(?:[\w-]+,?\s+){0,4}?(?:is|does|has|do|was|are)\s+"
                        r"(?:it|that|this|the|any|they|those|these|there|your|you|u)\b)", re.IGNORECASE)
# one of those shown, picked by a value, then a value asked of it ("the small one. cotton?", "the L one — full zip?")
_THE_ONE_ASKED = re.compile(r"^\W*(?:ok(?:ay)?,? |so,? |and |hmm+,? )?(?:the|that) ([\w -]{1,15}?) one\s*[.,:;—–-]+\s*"
                            r"(?:is it |does it have |has it got )?([\w -]{1,20}?)\s*\?+\s*$", re.IGNORECASE)
# a value asked of the one just shown, and nothing else ("is it i7?", "那个是白色的吗"; not "is it in stock in black?")
_JUST_IS_IT = re.compile(r"^\W*(?:and |so |ok,? |hmm+,? )?(?:(?:is|was) (?:it|that|that one|this one)|are (?:they|those|these))\b(?!.*\b(?:in stock|available|"
                         r"come|comes|cheaper|cheapest|or)\b)[^?.!]{1,30}\?*\s*$|"  # (not "is that leather or mesh")
                         r"^\W*(?:(?:does|has) (?:it|that|that one|this one) (?:have|got)\b(?!.*\bor\b)[^?.!]{1,30}\?*\s*$)|"  # ("does it have armrests?")
                         r"^\W*(?:它|那个|这个|那款|这款|那台|这台|那把|这把)?是[^，,。？?]{1,10}(?:的)?(?:吗|么)\W*$|"
                         r"^\W*(?:它|那个|这个|那款|这款|那台|这台|那把|这把)(?!.*(?:能买|有货|现货|多少|价格|买得到))(?:有|带)?[^，,。？?还呢\s]{1,10}(?:吗|么)\W*$",
                         re.IGNORECASE)  # ("那个有扶手吗")
# which of two values the one just shown has ("is that the basic kit or the pro one", "那款是基础的还是专业的")
_WHICH_IS_IT = re.compile(r"^\W*(?:and |so |ok,? |hmm+,? )?(?:is|was) (?:it|that|that one|this one)\b[^?.!]{1,30}\bor\b|"
                          r"^\W*(?:它|那个|这个|那款|这款|那套|这套)是[^，,。？?]{1,10}还是", re.IGNORECASE)
# whether there is one with it ("有用电池的吗", "有没有白色的"; not "支持HomeKit吗")
_HAS_ONE = re.compile(r"有(?:没有)?[^，,。？?\s]{0,10}的?(?:吗|么|嘛|\s|$)|有没有", re.IGNORECASE)
# a yes/no asked of it ("是充电的吗", "is it leather?", "does that one have …")
_IS_IT = re.compile(r"是[^，,。？?]{1,10}(?:吗|么)|是不是|\b(?:is|has) (?:it|that one|that|this one)\b|\bis the "
                    r"(?:cheaper|pricier|more expensive|dearer) one\b", re.IGNORECASE)  # (not "does it come in black too?")


def still_minded(asked: dict, text: str, variants: list[dict] | None = None) -> dict:
    """The options asked about before, less those the message no longer minds ("any color?", "颜色无所谓了")."""
    if products.corrects(text):  # "哦不对 我说错了 是15寸的 不是13": the options it names asked again, the rest kept
        named = set(named_options(variants, text)) if variants else set(asked)
        return {k: v for k, v in asked.items() if k not in named and not (_ANY.get(k) and _ANY[k].search(text))}
    # ("doesnt have to be wireless", "不一定要无线的")
    unneeded = " ".join(option_words(m[1] or m[2]) for m in _NOT_NEEDED.finditer(text))
    return {k: v for k, v in asked.items() if (not _ANY.get(k) or not _ANY[k].search(text))
            and not any(re.search(rf"(?<![a-z-]){re.escape(value)}(?![a-z-])", unneeded) for value in v)}


# an option the shopper does not insist on: "doesn't have to be wireless", "不一定要无线的"
_NOT_NEEDED = re.compile(r"(?:(?:doesn'?t|does not|don'?t|do not|needn'?t) (?:have|need) to be|not necessarily)\s+([\w-]+)|"
                         r"不(?:一定|用|需要|必)(?:非得?)?(?:要|是)([^\s，,。；;的]{1,6})", re.IGNORECASE)


def _without_values(text: str, values: set[str]) -> str:
    """The words as options are written, without these values of one option (named, but no longer a filter)."""
    text = option_words(text)
    for value in values:
        text = re.sub(rf"(?<![a-z0-9]){re.escape(value)}(?![a-z0-9])", " ", text)
    return text


def pointed_at(turn: Turn, variants: list[dict]) -> dict | None:
    """One of the ones just listed, pointed at by its price, by having more of an option, or as the other one
    ("便宜那个什么颜色" after three coffee makers and then the dearer of them; "ok 那另一个多少钱来着" after two sunglasses,
    then one; "the one with more pieces then" after three puzzles; "the cheaper portable one then" after two portable
    grills, then three with a rotisserie): that one."""
    lists = [ids for ids in (turn.dialogue.shown, turn.dialogue.earlier) if len(ids) > 1] or [[]]
    named = named_options(variants, turn.text)
    if reading.THE_OTHER_ONE.search(turn.text):
        pool = [v for v in variants if v["item_id"] in lists[0]]
        current = {turn.dialogue.variant} if turn.dialogue.variant else set(turn.dialogue.shown[:1]) \
            if len(turn.dialogue.shown) == 1 else set()
        others = [v for v in pool if v["item_id"] not in current]
        if named or not current or len(others) == len(pool):
            return None
        buyable = [v for v in others if v["available"]]
        return others[0] if len(others) == 1 else buyable[0] if len(buyable) == 1 else None
    end = _PRICIER_ONE.search(turn.text) or _CHEAPER_ONE.search(turn.text)
    more = reading.ONE_WITH_MORE.search(turn.text)
    if not (end or more):
        return None
    # (what is named, among those listed: the last list with two of them, one of them at least in the very last)
    shown_named = [v for v in variants if v["item_id"] in turn.dialogue.shown and fits(v, named) == len(named)]
    pools = [[v for v in variants if v["item_id"] in ids and fits(v, named) == len(named)] for ids in lists]
    if not (pool := next((p for p in pools if len(p) > 1), None)) or named and not shown_named:
        return None
    if end:  # (one sold out is left to what says so beside the one in stock: "便宜的那个是什么材质的")
        one = (max if end.re is _PRICIER_ONE else min)(pool, key=lambda v: Decimal(str(v["price"])))
        return one if one["available"] else None
    pool = [v for v in pool if v["available"]] or pool  # ("of the ones you can actually buy, the one with more pieces")
    keys = [k for k in pool[0]["options"] if re.sub(r"s$", "", k.lower()) == re.sub(r"s$", "", more[2].lower())]
    numbers = [(float(n[0]), v) for v in pool if keys and (n := re.match(r"\d+(?:\.\d+)?", str(v["options"].get(keys[0], ""))))]
    if len(numbers) != len(pool) or not numbers:
        return None
    return (min if more[1].lower() in ("fewer", "less", "the fewest", "the least", "smaller") else max)(
        numbers, key=lambda nv: nv[0])[1]


def _the_one_shown(turn: Turn, variants: list[dict]) -> dict | None:
    """The variant just shown, or the one in stock of those just shown ("ok how much is that one?" after three, two
    of them sold out)."""
    if reading.EARLIER.search(turn.text) and len(before := [v for v in variants if v["item_id"] in turn.dialogue.earlier
                                                             and (v["available"] or len(turn.dialogue.earlier) == 1)]) == 1:
        return before[0]  # ("好吧 那就刚才那个 多少钱" after cheaper ones: the one in stock shown before them)
    if (one := next((v for v in variants if v["item_id"] == turn.dialogue.variant), None)):
        return one
    buyable = [v for v in variants if v["item_id"] in (turn.dialogue.shown or []) and v["available"]]
    return buyable[0] if len(buyable) == 1 else None


def stock_lines(turn: Turn, variants: list[dict]) -> str:
    """"black, 8 cups is in stock at $272.71; …": each variant with its stock and price (a sold-out one without its
    price where the shopper is choosing what to buy, unless they asked it: "还有没有货 price多少")."""
    if (now := [v["item_id"] for v in variants]) != turn.dialogue.shown:
        turn.dialogue.earlier, turn.dialogue.shown = turn.dialogue.shown, now
    priceless = turn.selling and not (PRICE_ASKED.search(turn.text) and money.budget(turn.text) is None)  # (not the
    #                                                              price of a budget: "价钱两百五十块上下我都能接受")
    return "; ".join(turn.say("variant_gone", options=options(v)) if priceless and not v["available"] else
                     turn.say("variant_stock", options=options(v), price=v["price"],
                              stock=turn.say("in_stock" if v["available"] else "sold_out")) for v in variants)


# a question opened by whether we have one ("do you have…", "got…", "有没有…")
_DO_YOU_HAVE = re.compile(r"^\W*(?:(?:hi|hey|hello)\W+)?(?:(?:do|does) (?:you|u|y'?all)(?: guys)? (?:have|got|sell|carry|stock)|"
                          r"(?:you |u )?got|any)\b|^\W*(?:请问|你们|你家|店里)*\s*有没有", re.IGNORECASE)


def _yes_no_lead(turn: Turn, variants: list[dict], asked: list[dict], named: dict[str, set[str]]) -> str | None:
    """For a yes/no question about a feature ("is the speaker waterproof?"), the answer's first words: all
    of the ones in stock have it, or some do (those listed); about a value of the product named ("does the gaming mouse
    come in a wireless version"): yes, where one in stock has it."""
    if not named:
        return None
    in_stock = [v for v in variants if v["available"]]
    having = [v for v in asked if v["available"] and fits(v, named) == len(named)]
    if having and _DO_YOU_HAVE.match(turn.text):  # ("got hiking boots in size 11?", "Do you have a robot vacuum that's
        return turn.say("it_has")  # bagless …? how much is it": one in stock has all that is asked, whatever else is asked)
    if not (reading.QUESTION.search(turn.text) or _YES_OR_NO.match(turn.text)) or _PRICE_OR_STOCK.search(turn.text):
        return None
    if any(not values <= {"yes", "no"} for values in named.values()):
        # (of the product named in the question, not a follow-up: "那个16G内存的呢 能买吗" asks of the one before)
        asks = any(_YES_OR_NO.search(s) and named_options(variants, s) for s in products.CLAUSE_END.split(turn.text))
        if not (asks and having and len(named) == 1 and products.products_in(turn.text)):
            return None
        return turn.say("it_has" if _HAS_ONE.search(turn.text) else "it_is")  # ("有的。", "是的。": "支持HomeKit吗")
    return turn.say("feature_all" if len(having) == len(in_stock) else "feature_some") if having else None

