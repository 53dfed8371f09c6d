"""What the catalogue says of a product: the variant asked about, an attribute ("is it waterproof?"), the
options and prices in stock, two products side by side, a thing the shop does not sell and what it has
instead."""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from agent.dialogue import money, products, reading
from agent.dialogue.routing import PRICE_ASKED, names_option
from agent.dialogue.state import Task
from agent.dialogue.turn import Answer, Turn, options
from agent.dialogue.variant_answers import (ANOTHER, CLAUSES, EACH, MOST_LISTED, VERSUS, pointed_at, priced_values,
                                           still_minded,
                                           stock_lines, variant_answer)
from agent.catalogue_search import closest_products, describes_need, products_for, same_head, uses_named, without_uses_of
from agent.catalogue_words import Attribute, aliases, asked_attributes, option_name, zh_names
from agent.variants import (asked_variants, fits, fitting, for_whom, named_options, option_value, option_words, owner_of_options,
                            stepped, without_unwanted)


_PRICE_GAP = re.compile(r"差价")  # (of two products named: "普通咖啡机和意式咖啡机差价大吗"; in an order's talk, an exchange's)
_TORN = re.compile(r"\btorn between\b|\bdeciding between\b|\bcan'?t decide between\b|纠结|"
                   r"\bor\b[^.?!]{0,40}?\bwhich\b|还是[^。？?]{0,20}?哪", re.IGNORECASE)  # ("sneakers or running shoes, which
#                                                                                  do you actually have in stock")




_OPTION_NAMES = {"表盘": "dial", "表带": "strap band", "扶手": "armrest", "靠背": "backrest", "续航": "battery", "变焦": "zoom",
                 "像素": "resolution", "防水": "water waterproof", "内存": "ram", "存储": "storage", "屏幕": "screen display"}


MOST = re.compile(r"(?P<least>最小|最短|最轻|最低|最少|最薄|(?:尽量|尽可能|越)(?:小|短|轻|薄)|smallest|shortest|lightest|lowest|thinnest|"
                  r"(?<!\bat )least)|最大|最长|最高|最多|(?:尽量|尽可能|越)(?:大|长|高)|as (?:long|big|large) as possible|"
                   r"最重|最厚|biggest|largest|longest|highest|tallest|heaviest|thickest|most\b|\bmax", re.IGNORECASE)


def product_facts(turn: Turn, meant: str | None = None) -> Answer:
    """What the catalogue says of a product: the variant asked about (its stock and price, or the closest
    in stock), or every option in stock and the price range. `meant`: the product the conversation says,
    where the words name none."""
    catalogue = turn.shop.call("list_all_product_types", {})
    if (for_many := _for_many(turn, catalogue)):
        return for_many
    theirs = products.only_theirs(turn.text)  # ("那Alexa的white呢 家里音箱是Echo": the thermostat still)
    # (the need's where theirs is all it names: "上个月在你们这买的猫窝…掉毛太狠了…有没有那种能自己满屋子跑的")
    needed = [n for n in products_for(turn.text) if n not in theirs and n in catalogue][:1] if theirs and not any(
        named_options(list(turn.product(catalogue[n])["variants"].values()), products.without_products(turn.text))
        for n in theirs if n in catalogue) else []  # (not "上次买的台灯暗得要死！！！有没有亮一点的？白色的": another lamp)
    names = products.options_of_others(products.by_their_names([n for n, _ in products.not_option_stems(
        products.products_in(turn.text), turn.dialogue.product) if n in catalogue and (
        n not in theirs or not (meant or turn.dialogue.product or needed))], turn.text)) or ([meant] if meant else needed)
    if meant in names:  # (the caller told which of those the words mean: "the kettle" just recommended)
        names = [meant]
    names = [kin_named(turn, names[0], catalogue)] if len(names) == 1 and names[0] != meant else names
    # ("笔记本（纸的那种，不是电脑）": the Notebook)
    names = products.after_correction([n for n in names if n not in products.unwanted(turn.text)] or names, turn.text)
    if len(names) > 1 and len(sold := [n for n in products.asked_if_sold(turn.text) if n in names]) == 1 \
            and not reading.COMPARES.search(turn.text):
        names = sold  # ("do you carry bike helmets? also need a lock for the bike": the helmets asked about)
    name = best_named(turn, names, catalogue)
    if (thing := products.asks_if_sold(turn.text, turn.dialogue.not_sold)):  # "do you sell tents / phone cases?": no, but…
        turn.dialogue.not_sold = thing
        if name and name not in theirs and name not in {n for n, _ in products.products_in(thing)}:
            # ("do you sell drones? and how much is the cheapest laptop"; not the phone of "我的手机就是在你们家买的…想配个
            # 手机壳和钢化膜，你们卖不卖？", the thing's own word)
            answer = _facts_of(turn, catalogue, name)
            return replace(answer, reply=turn.say("not_sold_short", thing=products.as_said(thing, turn.language))
                           + turn.between + answer.reply)
        # (those both the message and the thing are near first: "u sell desktop PCs? need one for my home office" the
        # Laptop; then what the rest of the message needs, not what the thing's own words name: "有卖air fryer吗 就是空气
        # 炸锅 想做点healthy的" is no air purifier's)
        close, need = closest_products(thing), re.sub(re.escape(thing), " ", turn.text, flags=re.IGNORECASE)
        near = list(dict.fromkeys([*same_head(thing), *(n for n in products_for(turn.text) if n in close),
                                   *(products_for(need) or close)]))  # ("折叠伞": the patio umbrella first, another kind)
        rest, listed = " ".join(x for x in reading.sentences(turn.text) if thing.lower() not in x.lower()), 3
        if _WHAT_ELSE.search(rest) and (asked := products_for(rest)):
            # ("do you sell printers? If not, no worries, what kitchen stuff DO you sell?": those the kitchen is for,
            # those most of its use words name; not "yes or no, i'm not reading another paragraph")
            used = {n: count for n in catalogue if (count := uses_named(rest, n, people=False))}
            near = sorted((n for n in used if used[n] == max(used.values())), key=lambda n: n not in asked) or asked
            listed = min(len(near), MOST_LISTED)  # (all of them: the Coffee Maker, the Espresso Machine and both kettles)
        return turn.answer("not_sold", {"products": near}, thing=products.as_said(thing, turn.language), lines="; ".join(
            turn.say("recommend_line", name=n, price=price) for n in near[:listed] if (price := cheapest(turn, catalogue[n]))))
    return _facts_of(turn, catalogue, name)


# what else the shop has, asked beside a thing it may not sell ("If not, what have you got for working out at home?")
_WHAT_ELSE = re.compile(r"\bwhat (?:[\w-]+ ){0,3}(?:do|have|can) (?:you|u|y'?all)(?: guys)? (?:got|have|sell|carry|offer)\b|"
                        r"\bwhat(?:'ve| have) (?:you|u) got\b|有什么|有哪些|卖什么|有啥", re.IGNORECASE)


# an either/or asked of the one just shown ("is that one digital or does it have hands", "那个是指针的还是数字的")
_EITHER_OF_IT = re.compile(r"^(?!.*(?:in stock|available|price|how much|cost|有货|现货|多少钱|价格))(?:.*\b(?:is|does) (?:it|that one|this one)"
                           r"\b[^.?!]*\bor\b|.*(?:它|这个|那个|这款|那款)(?:是)?[^，,。？?]*还是)", re.IGNORECASE)


# a yes/no asked of the one just shown ("cheapest bluetooth speaker?" … "is it waterproof?", "那款有扶手吗")
_ASKED_OF_IT = re.compile(r"^\W*(?:and |so |ok,? )?(?:is|does|has|can) (?:it|that one|this one|that|this)\b(?!.*\b(?:or|vs)\b)"
                          r"|^\W*(?:它|这个|那个|这款|那款|这把|那把|这台|那台)(?:是|有|能|带|可以)?[^，,。？?还]{1,8}[吗么]", re.IGNORECASE)


def _asked_of_it(text: str, product: dict) -> bool:
    """An either/or, or a yes/no feature, asked of the one just shown ("is that one digital or does it have hands",
    "is it waterproof?"); not "does that one come in black?" or "这个能插卡用流量吗": other ones asked for."""
    if _EITHER_OF_IT.search(text):
        return True
    named = named_options(list(product["variants"].values()), text) if _ASKED_OF_IT.search(text) else {}
    return bool(named) and all(values <= {"yes", "no"} for values in named.values())


def _which_of_it(text: str, product: dict, asked: list[Attribute]) -> bool:
    """Which value of one of its options the one just shown has ("which brand is it?", "what size is that one", "它是
    什么材质的"), nothing else asked."""
    keys = {k.lower() for v in product["variants"].values() for k in v["options"]}
    return any(re.search(rf"^\W*(?:and |so |ok,? )?(?:which|what) {re.escape(k)}s? (?:is|was) (?:it|that|that one|this one|this)\W*$",
                         text, re.IGNORECASE) for k in keys) \
        or bool(_WHAT_OF_IT.search(text)) and any(set(a.keys) & keys for a in asked)


_WHAT_OF_IT = re.compile(r"^\W*(?:它|这个|那个|这款|那款|这套|那套)是?(?:什么|啥|哪种|哪个)[^，,。？?]{1,6}[的?？]*\W*$")


def _for_many(turn: Turn, catalogue: dict) -> Answer | None:
    """"If I order 10 of those, what's that before shipping?" after one variant in stock was shown: its price
    times the count, no product named again."""
    if not (many := reading.ORDER_COUNT.search(turn.text)) or products.products_in(turn.text) \
            or turn.dialogue.product not in catalogue or not 1 < (count := int(many[1] or many[2])) <= 1000:
        return None
    product = turn.product(catalogue[turn.dialogue.product])
    variants = product["variants"]
    shown = [variants[i] for i in ([turn.dialogue.variant] if turn.dialogue.variant else turn.dialogue.shown) if i in variants]
    if len(in_stock := [v for v in shown if v["available"]]) != 1:
        return None
    price = Decimal(str(in_stock[0]["price"]))
    return turn.answer("price_for_many", {"product": product},
                       name=turn.dialogue.product, options=options(in_stock[0]), count=count, price=f"{price:.2f}",
                       total=f"{price * count:.2f}")


def _facts_of(turn: Turn, catalogue: dict, name: str | None) -> Answer:
    if (reading.COMPARES.search(turn.text) or _PRICE_GAP.search(turn.text) or EACH.search(turn.text) or _TORN.search(turn.text)
            or products.asks_whether_sold(turn.text) and len(products.asked_if_sold(turn.text)) != 1) \
            and len(both := products.options_of_others(_told_apart(turn.text, catalogue))) == 2:
        return side_by_side(turn, both, catalogue)
    task = turn.dialogue.task
    name = name or fitting_shown(turn, catalogue) or having_asked(turn, catalogue) or turn.dialogue.product \
        or (task and task.product) or _by_options_or_use(turn.text)
    if name not in catalogue:  # (several just recommended, and the words fit more than one)
        return turn.answer("which_product")
    same = turn.dialogue.product == name
    if not same:  # the options asked about another product say nothing of this one, unless the shopper goes back to it
        before = {**turn.dialogue.options_before, **({turn.dialogue.product: turn.dialogue.asked_options}
                                                     if turn.dialogue.product and turn.dialogue.asked_options else {})}
        back = reading.BACK_TO.search(turn.text) or reading.EARLIER.search(turn.text)
        turn.dialogue.asked_options = before.get(name, {}) if back else {}
        turn.dialogue.options_before = {n: o for n, o in list(before.items())[-3:] if n != name}
    turn.dialogue.product = name  # "and in silver?" next is about the same product
    product = turn.product(catalogue[name])
    # (an attribute the product's own name says is no question: "wireless" of the Wireless Earbuds)
    asked = [a for a in asked_attributes(products.without_products(turn.text)) if not a.words.search(name)]
    if same and (one := pointed_at(turn, list(product["variants"].values()))):  # ("便宜那个什么颜色", "那另一个多少钱来着": that one of those listed)
        turn.dialogue.variant = one["item_id"]
        facts = turn.answer("variant_facts", {"product": product}, name=name, lines=stock_lines(turn, [one]))
        return replace(facts, reply=_attributes_answer(turn, name, product, asked).reply + turn.between + facts.reply) \
            if asked else facts  # (its stock and price too)
    if asked and turn.dialogue.variant in product["variants"] and _asked_of_it(turn.text, product):
        return _attributes_answer(turn, name, product, asked)
    if turn.dialogue.variant in product["variants"] and _which_of_it(turn.text, product, asked):
        # ("which brand is it?" after the one makeup kit in stock: that one's)
        return turn.answer("variant_facts", {"product": product}, name=name,
                           lines=stock_lines(turn, [product["variants"][turn.dialogue.variant]]))
    if asked and (answer := _most_of(turn, name, product, asked, with_named=True)):  # ("木头的书架最高的有多高")
        return answer
    questions, all_variants = " ".join(q for q in reading.sentences(turn.text) if reading.QUESTION.search(q)), \
        list(product["variants"].values())
    if asked and questions and (of := asked_attributes(products.without_products(questions))) \
            and _WHAT_VALUE.search(questions) and not named_options(all_variants, questions) \
            and not PRICE_ASKED.search(questions) and not _PICKS.search(questions) \
            and (said := named_options(all_variants, turn.text)) \
            and all(k.lower() in a.keys for k in said for a in of):
        # ("Espresso machine的pressure是多少bar? 听说要15 bar以上才好喝": every pressure, the one said in passing no choice;
        # not "How big a room can they handle? My living room is large … Which one, and how much?": one of them; nor
        # "what are the frames made of? … plastic frames only, and they need to be polarized": a wish, of another option too)
        return _attributes_answer(turn, name, product, asked)
    if (answer := _either_or(turn, name, product)):
        return answer
    if (two := _attribute_then_variant(turn, name, catalogue, product)):
        return two
    if (answer := variant_answer(turn, name, catalogue[name], product)):
        if not asked and asks_unlisted_quality(turn.text):  # ("is the cheaper one dishwasher safe?": that one, and
            return replace(answer, reply=turn.say("quality_not_listed", name=name) + answer.reply)  # not said)
        return answer
    if asked:
        return _attributes_answer(turn, name, product, asked)
    variants = list(product["variants"].values())
    # (less what the shopper does not want: "what straps does it have? something that isn't leather"; in English, where a
    # negation ends at its clause: "哦不是空气净化器有没有带夜间模式的…" would lose the night mode it asks for)
    in_stock = [v for v in variants if v["available"]]
    in_stock = without_unwanted(in_stock, turn.text) if turn.language == "en" else in_stock
    turn.dialogue.variant, turn.dialogue.asked_options = None, {}  # "what can I buy today then?": all of them again
    if not in_stock:
        return turn.answer("out_of_stock", {"product": product}, name=name)
    if (budget := money.budget(turn.text)) is not None:  # "any headphones under $350?": those, cheapest first
        within = sorted((v for v in in_stock if Decimal(str(v["price"])) <= budget), key=lambda v: Decimal(str(v["price"])))
        shown = within[:MOST_LISTED] or sorted(in_stock, key=lambda v: Decimal(str(v["price"])))[:1]
        lines = stock_lines(turn, shown)
        return Answer(("" if within else turn.say("nothing_within", budget=budget) + " ")
                      + turn.say("variant_facts", name=name, lines=lines), {"product": product})
    if EACH.search(turn.text) and len(in_stock) <= MOST_LISTED:  # "which do you have, and what does each cost?"
        lines = stock_lines(turn, sorted(in_stock, key=lambda v: Decimal(str(v["price"]))))
        return turn.answer("variant_facts", {"product": product}, name=name, lines=lines)
    prices = sorted(Decimal(str(v["price"])) for v in in_stock)
    lines = options_summary(in_stock)
    answer = turn.answer("product_facts", {"product": product}, name=name, lines=lines, low=f"{prices[0]:.2f}",
                         high=f"{prices[-1]:.2f}")
    if asks_unlisted_quality(turn.text):  # "is the espresso machine easy to clean?": not said, never guessed
        return replace(answer, reply=turn.say("quality_not_listed", name=name) + answer.reply)
    return answer


# a yes/no question about what a product is like ("is it easy to clean?", "耐不耐用", "支持小爱同学吗"), asked where
# neither an option nor an attribute the catalogue knows answers it
_YES_NO = re.compile(r"(?:^|[.!?,;]\s*|\b(?:hi|hey|hello|ok|so|and|but)\s+)(?:is|are|does|will|would|can)\s+(?:it|they|this|that|"
                     r"these|those|the|your|one)\b|\bhow (?:easy|hard|heavy|loud|noisy|durable|sturdy|comfortable|reliable)\b|"
                     r"((?![不没有是])[\u4e00-\u9fff])[不没]\1|是不是|(?:能|会|可以|支持|适合|容易|好|耐|结实|舒服|安全)[^，,。.？?！!\s]{0,8}(?:吗|么)",
                     re.IGNORECASE)
_NOT_A_QUALITY = re.compile(r"\b(?:do|does|can) (?:you|u|y'?all|your (?:shop|store))\b|\bin stock\b|\bavailable\b|\bcomes? "
                            r"(?:in|any|with)\b|\bsell\b|\bcarry\b|\bship\b|\breturn|\bwarranty\b|有货|有没有|有吗|卖|多少|价|"
                            r"库存|发货|退|换|保修|优惠|便宜|贵|到哪|物流|快递", re.IGNORECASE)


def asks_unlisted_quality(text: str) -> bool:
    """A yes/no question about what the product is like, not whether we sell it, its stock, price, options
    (another colour, a size up: those are answered by what there is) or policy (a rule for every product alike:
    "is the laptop genuine?", the FAQ's)."""
    return bool(_YES_NO.search(text)) and not _NOT_A_QUALITY.search(text) and not reading.SHOP_RULE.search(text) \
        and money.budget(text) is None \
        and not names_option(products.without_products(text))


def _told_apart(text: str, catalogue: dict) -> list[str]:
    """The products the message names each by its own word: a word that may mean several ("咖啡机") is one
    product at most, the one another word names ("笔记本 就是本子": the Notebook)."""
    if len(sides := two_sides(text, catalogue)) == 2:
        return sides
    if (reading.COMPARES.search(text) or _PRICE_GAP.search(text)) and len(found := list(dict.fromkeys(
            n for n, _ in products.products_in(text) if n in catalogue))) == 2 and products.against_its_kind(text, found):
        return found  # ("普通咖啡机和意式咖啡机差价大吗": the coffee maker beside the espresso machine)
    by_word: dict[str, list[str]] = {}
    # ("Wristwatch or a Smart Watch? he can barely work his phone"; "有卖笔记本吗 不是电脑啊 是写字用的本子": not the laptop)
    theirs = products.only_theirs(text) | products.unwanted(text)
    for name, written in products.not_option_stems(products.products_in(text)):  # (no Backpack for "buy bags" beside
        if name in catalogue and name not in theirs:                             # a vacuum's bagless)
            by_word.setdefault(written, []).append(name)
    plain = {names[0] for names in by_word.values() if len(names) == 1}
    # (set side by side, a word that may mean the product another word names means the other one: "耳机和头戴的有啥区别")
    other = {n for names in by_word.values() if len(names) == 2 and len(set(names) & plain) == 1 for n in names} - plain \
        if reading.COMPARES.search(text) else set()
    clauses = CLAUSES.split(products.without_products(text))
    if len(by_word) == 1 and len(names := next(iter(by_word.values()))) == 2 and _TWO_KINDS.search(text) \
            and all(any(uses_named(c, n) for c in clauses) for n in names) \
            and not any(all(uses_named(c, n) for n in names) for c in clauses):
        return names  # ("老公说买插电的，我想买放燃气灶上烧的那种 … 这两种哪个便宜": both kettles, each by its use)
    meant = [names[0] if len(names) == 1 else next((n for n in names if n in other or n in plain and not other), None)
             or _by_use(names, text) for names in by_word.values()]
    return list(dict.fromkeys(n for n in meant if n))


_TWO_KINDS = re.compile(r"这两种|这两个|这两款|两种|两款|\bthe two\b|\bboth kinds\b|\beither kind\b", re.IGNORECASE)


def two_sides(text: str, catalogue: dict) -> list[str]:
    """Two sides set against each other, each naming its product: the product of each, where a word that may
    mean several is told by the use its side names ("插电的烧水壶 和 放煤气灶上烧的那种水壶": the Electric and the Tea
    Kettle), by what its word adds to the other side's ("咖啡机 和 意式咖啡机") or by the other side's product ("意式咖啡机
    和 普通咖啡机": the Espresso Machine and the Coffee Maker). [] otherwise."""
    return list(side_words(text, catalogue))


def side_words(text: str, catalogue: dict) -> dict[str, str]:
    """The two sides' products, each with the words of its side ({} unless two): "咖啡机跟那种专业意式咖啡机 最便宜
    的各要多少钱": 意式 is the Espresso Machine's side only."""
    sides, words, parts = [], [], []
    kept = {n for n, _ in products.not_option_stems(products.products_in(text))}  # ("the robot ones … buy bags")
    for part in VERSUS.split(text):
        named = [(n, w) for n, w in products.products_in(part) if n in catalogue and n in kept]
        if named:
            names = [n for n, _ in named]
            sides.append([used] if len(names) > 1 and (used := _by_use(names, part)) else names)
            words.append(named[0][1])
            parts.append(part)
    if len(sides) != 2:
        return {}
    for side, word, other in ((sides[0], *words), (sides[1], *words[::-1])):
        # ("这个咖啡机和意式咖啡机有什么区别": what the longer word adds, 意式, is the Espresso Machine's use)
        if len(side) > 1 and other in word and other != word \
                and len(used := [n for n in side if uses_named(word.replace(other, " "), n)]) == 1:
            side[:] = used
    for one, other in (sides, sides[::-1]):
        if len(one) == 1 and len(other) > 1 and one[0] in other:
            other.remove(one[0])
    return {sides[0][0]: parts[0], sides[1][0]: parts[1]} if all(len(s) == 1 for s in sides) and sides[0] != sides[1] else {}


def _by_options_or_use(text: str) -> str | None:
    """The product the options named belong to ("入耳无线黑色 跟 头戴无线黑色": the Headphones), unless the message
    names uses of others ("I run on the road most mornings … size 10, leather is fine": the running shoes, not a
    road bike: two uses or more, not "学生党" beside "入耳无线黑色"); else the product of the uses ("I run marathons, need
    new shoes size 10")."""
    owner, used = owner_of_options(text), products_for(text)
    return used[0] if used and (not owner or uses_named(text, used[0]) >= 2 and owner not in used) else owner


def _by_use(names: list[str], text: str) -> str | None:
    """Of the products one word may mean, the only one whose use the message names ("放燃气灶上烧的那种水壶":
    the Tea Kettle, not the Water Bottle)."""
    used = [n for n in names if uses_named(products.without_products(text), n)]
    return used[0] if len(used) == 1 else None


# a question of what value an attribute has, not whether ("是多少bar", "what are the frames made of")
_WHAT_VALUE = re.compile(r"\bwhat\b|\bhow (?:much|many|big|long|heavy|tall|thick|wide)\b|多少|什么|几|哪些", re.IGNORECASE)
# what a message says first, set off before what it names ("size 10 - sneakers or running shoes")
_LEAD = re.compile(r"^([^-–—:：,，.。?？]{1,30}?)\s*[-–—:：,，]\s")


def side_by_side(turn: Turn, names: list[str], catalogue: dict) -> Answer:
    """Each product's price range and options in stock, one line each (two named and compared, or two just
    recommended: "which one is easiest to use?")."""
    lines, shown = [], []
    pieces = [p for sentence in reading.sentences(turn.text) for p in VERSUS.split(sentence) if p and p.strip()]
    # (words naming no product hold for both: "a regular wristwatch or a smart watch? He'd only wear a leather strap")
    shared = " ".join(p for p in pieces if not products.products_in(p))
    if (lead := _LEAD.match(turn.text)) and not products.products_in(lead[1]):
        shared += f" {lead[1]}"  # ("size 10 - sneakers or running shoes, which …": the size of both)
    for name in names:
        product = turn.product(catalogue[name])
        in_stock = [v for v in product["variants"].values() if v["available"]]
        # (the one of it the message describes: "the black wireless over-ear headphones and the black … earbuds")
        # (of the pieces naming it, and it alone where some do, the one naming most of its options: "headphones or
        # earbuds, can't decide. comparing the black over-ear wireless headphones and …"; "咖啡机跟那种…专业意式咖啡机":
        # 意式咖啡机 may mean either)
        parts = [p for p in pieces if any(n == name for n, _ in products.products_in(p))]
        parts = [p for p in parts if not {n for n, _ in products.products_in(p)} & (set(names) - {name})] \
            or [p for p in parts if products.own_word(name, p)] or parts
        part = max(parts, key=lambda p: len(named_options(in_stock, p)), default="")
        named = named_options(in_stock, f"{part} {shared}") if part else {}
        if part and not named and (found := products.products_in(pieces[-1])):  # ("跑鞋和休闲运动鞋 10码的 各多少钱":
            tail = pieces[-1].lower().rsplit(found[-1][1].lower(), 1)[-1]       # the size said last is of both)
            named = named_options(in_stock, tail)
        exact = [v for v in in_stock if named and fits(v, named) == len(named)] or in_stock
        if len(exact) <= 2 and exact != in_stock:
            lines.append(turn.say("variant_facts", name=name, lines=stock_lines(turn, exact)).rstrip(".。"))
            shown.append(product)
        elif exact:
            prices = sorted(Decimal(str(v["price"])) for v in exact)
            lines.append(turn.say("compared_line", name=name, low=f"{prices[0]:.2f}", high=f"{prices[-1]:.2f}",
                                  options=options_summary(exact)))
            shown.append(product)
    if not lines:
        return turn.answer("out_of_stock", name=" / ".join(names))
    turn.dialogue.task = Task(intent="recommend", products=names)  # "which has the longer battery?" next
    # ("which is lighter, the e-reader or the tablet?": neither lists its weight, and that is said)
    asked = asked_attributes(products.without_products(turn.text))
    unlisted = [a.label[turn.language] for a in asked if not any(
        k.lower() in a.keys for p in shown for v in p["variants"].values() for k in v["options"])]
    return Answer(turn.say("compared_products", lines="; ".join(lines)) + (turn.say(
        "attribute_unlisted", name=" / ".join(names), what=", ".join(unlisted)) if unlisted else ""), {"products": shown})


def kin_named(turn: Turn, name: str, catalogue: dict) -> str:
    """The product a word for another may stand for too, where the message names more of its options ("有没有
    waterproof的camera": the Action Camera, not the Digital Camera "camera" names first); else the one named."""
    kin = [n for word in {w for n, w in products.products_in(turn.text) if n == name}
           for n in products.kin_of(name, word) if n in catalogue]
    text = products.without_products(turn.text)
    named = {n: len(named_options(list(turn.product(catalogue[n])["variants"].values()), text)) for n in [name, *kin]}
    if max(named.values()) > named[name]:
        return max(named, key=lambda n: named[n])
    # ("想在客厅装个camera，我上班的时候也能看看她那边": the need reader's kind of camera, where no option says)
    need = products_for(turn.text)[:1] if kin and describes_need(turn.text) else []
    return need[0] if need and need[0] in kin and named[need[0]] == named[name] else name


def best_named(turn: Turn, names: list[str], catalogue: dict) -> str | None:
    """Of the products a word may mean ("烧水壶": the Electric or the Tea Kettle; "笔记本": the Laptop or the
    Notebook), the one whose options the message names most ("陶瓷的 燃气灶用的", "A4硬皮的")."""
    if len(names) < 2:
        return names[0] if names else None
    within = []
    if (budget := money.budget(turn.text)) is not None:  # "３００以内的耳机 无线的": the earbuds, not the headphones
        names = (within := [n for n in names if cheapest(turn, catalogue[n], budget)]) or names

    # ("有没有便宜点的耳机 学生党": the earbuds; "200刀以内有耳机吗": none within, the nearest above it)
    cheaper = bool(money.CHEAPER.search(turn.text)) or budget is not None and not within

    # (one word for all of them that is one's own name, qualified from another's: "意式咖啡机" of the Espresso Machine, the
    # Coffee Maker's being 咖啡机; it goes before what the rest of the message says of use. Not "手表" of "手表太贵了 …测步数
    # 心率", a Wristwatch's name that a smart watch's, 智能手表, qualifies)
    words = {w for n, w in products.products_in(turn.text) if n in names}
    qualified = next(iter(words)) if len(words) == 1 else None

    def named(name: str) -> tuple[int, bool, bool, int, int, Decimal, bool]:  # (options named, one in stock has them all ("手表 要金属表带的":
        variants = list(turn.product(catalogue[name])["variants"].values())  # the smart watches' are sold out),
        keys = {w for v in variants[:1] for k in v["options"] for w in k.lower().split()} - {"material", "color", "size", "type"}
        said = {w for zh, en in _OPTION_NAMES.items() if zh in turn.text for w in en.split()} \
            | set(re.findall(r"[a-z]+", turn.text.lower()))  # option names said: "表盘" is a Wristwatch's dial)
        # (not "意式" of "意式咖啡机"; not another's use: "插电的烧水壶" names no electric hob of the Tea Kettle)
        options = named_options(variants, _without_names_of(
            without_uses_of(products.without_products(turn.text), names, name), names, name))
        own = products.own_word(name, turn.text)
        others_own = {o for other in names if other != name for o in (zh_names().get(other), other.lower()) if o}
        return len(options), any(v["available"] and fits(v, options) == len(options) for v in variants), \
            own and bool(qualified) and any(o != qualified and o in qualified for o in others_own), len(keys & said), \
            uses_named(products.without_products(turn.text), name), \
            -Decimal(cheapest(turn, catalogue[name]) or 0) if cheaper else Decimal(0), own
        # (the product whose own word it is, whatever use is said beside: "最贵的意式咖啡机 … 办公室要买最好的"; then a
        # use: "放燃气灶上烧的那种水壶" is a tea kettle, "Kindle那种专门看电子书的东西？手机看久了眼睛酸" an e-reader)
    return max(names, key=named)  # (the first named on a tie)


def _without_names_of(text: str, names: list[str], name: str) -> str:
    """The text without the words of the other products' names that this one's lacks: "the kettle, is it the electric
    one?" names the Electric Kettle, not a Tea Kettle for an electric hob."""
    own = set(name.lower().split())
    for word in {w for other in names if other != name for w in other.lower().split()} - own:
        text = re.sub(rf"(?<![a-z]){re.escape(word)}(?![a-z])", " ", text, flags=re.IGNORECASE)
    return text


def cheapest(turn: Turn, product_id: str, budget: Decimal | None = None, words: str = "") -> str | None:
    """The lowest price in stock (within the budget; of the ones with the options the words name, where
    some have them: "has to be waterproof, under 300"; without those they refuse; at the end of an option a step
    asks for: "跪着膝盖疼 想要个厚一点的垫子 别给我推粉色", the thickest not pink), if any."""
    in_stock = [v for v in turn.product(product_id)["variants"].values() if v["available"]]
    in_stock = (fitting(in_stock, f"{words} {for_whom(in_stock, words)}") if words else []) or in_stock  # (a gift for him)
    if words and (end := stepped(in_stock, words, {}, None)):
        in_stock = [v for v in in_stock if option_value(v["options"].get(end[0], "")) == end[1]] or in_stock
    in_stock = without_unwanted(in_stock, words) if words else in_stock
    prices = [Decimal(str(v["price"])) for v in in_stock if budget is None or Decimal(str(v["price"])) <= budget]
    return f"{min(prices):.2f}" if prices else None


def uses_of(text: str) -> list[str]:
    """The products whose use words the text names, the most named first."""
    named = {n: c for n in aliases() if (c := uses_named(text, n, people=False))}
    return sorted(named, key=lambda n: -named[n])


def fitting_shown(turn: Turn, catalogue: dict) -> str | None:
    """Of the products just recommended (else the others that fit the need they were recommended for), or
    those an earlier message's product word may mean ("咖啡机" → "19 bar 胶囊的那款"), the one whose options
    the message names ("he wears a size 10 and needs them waterproof")."""
    task = turn.dialogue.task
    # (the others: those the need reader finds for the need, then those whose use words it names: "他穿11码, 要
    # waterproof的" after a backpack alone for a dad who hikes: the boots)
    groups = [task.products, list(dict.fromkeys([*products_for(task.wish or ""), *uses_of(task.wish or "")]))] \
        if task and task.intent == "recommend" \
        else [[n for n, _ in products.products_in(turn.seen_product or "") if n in catalogue]]
    for i, shown in enumerate(groups):
        fits = [n for n in shown if n in catalogue
                and asked_variants(list(turn.product(catalogue[n])["variants"].values()), turn.text)[0]]
        if fits:
            return fits[0] if len(fits) == 1 else None
        if i == 0 and len(groups) > 1:  # none of those shown made so: the one of them most of whose options are named,
            named = {n: len(named_options(list(turn.product(catalogue[n])["variants"].values()), turn.text))  # for its
                     for n in shown if n in catalogue}  # closest ("how much is the red one in M" after a fleece jacket,
            if (most := max(named.values(), default=0)) >= 2 and list(named.values()).count(most) == 1:  # a kettle and
                return max(named, key=named.get)  # an e-reader: the jacket), before the others the need may be for
    return None


def having_asked(turn: Turn, catalogue: dict) -> str | None:
    """Of the products just recommended or compared, the only one the catalogue gives the attribute asked
    for ("哪个续航长一点" after earbuds and headphones: the earbuds list their battery life)."""
    task, asked = turn.dialogue.task, asked_attributes(turn.text)
    if not (task and task.intent == "recommend" and asked):
        return None
    keys = {key for attribute in asked for key in attribute.keys}
    having = [n for n in task.products if n in catalogue and any(
        k.lower() in keys for v in turn.product(catalogue[n])["variants"].values() for k in v["options"])]
    if len(having) > 1 and (most := MOST.search(turn.text)):  # ("which one of those lasts the longest on one
        least = bool(most["least"])                           # charge" after a speaker and earbuds: the speaker)
        ends = [(_number(v, keys), n) for n in having
                if (v := _at_the_end(list(turn.product(catalogue[n])["variants"].values()), asked, least))]
        ends = [(x, n) for x, n in ends if x is not None]
        return (min if least else max)(ends)[1] if ends else None
    if len(having) > 1:  # ("ok what sizes" after running shoes and a water bottle: the shoes' size, not its capacity)
        said = set(re.findall(r"[a-z]+", turn.text.lower()))
        having = [n for n in having if any(k.lower() in keys and (k.lower() in said or f"{k.lower()}s" in said)
                                           for v in turn.product(catalogue[n])["variants"].values() for k in v["options"])] \
            or having
    return having[0] if len(having) == 1 else None


def _number(variant: dict, keys: set[str]) -> float | None:
    """The number of the first of these options the variant has ("20 hours": 20)."""
    return next((float(m[0]) for k, x in variant["options"].items() if k.lower() in keys
                 and (m := re.match(r"\d+(?:\.\d+)?", str(x)))), None)


def _attributes_answer(turn: Turn, name: str, product: dict, asked: list[Attribute]) -> Answer:
    """"Is the backpack waterproof?", "how much RAM does it have?": the options that answer it, for the
    variant talked about or over the ones in stock; an attribute the catalogue has no option for is said
    to be not listed, never guessed."""
    variants = list(product["variants"].values())
    # (not the one talked about where another value is asked: "换个颜色呢" after the white one)
    known = None if any(w.search(turn.text) for w in ANOTHER.values()) else product["variants"].get(turn.dialogue.variant or "")
    in_stock = [v for v in variants if v["available"]] or variants
    # ("带蜂窝网络的" … "哪个容量大": the options asked about before still hold, unless no longer minded)
    asked_before = {k: set(v) for k, v in still_minded(turn.dialogue.asked_options, turn.text).items()}
    shown = [known] if known else [v for v in in_stock if fits(v, asked_before) == len(asked_before)] or in_stock
    if known and reading.WHICH_MORE.search(turn.text) and len(turn.dialogue.earlier) == 1 \
            and (before := product["variants"].get(turn.dialogue.earlier[0])) and before is not known:
        # ("which one has more RAM" after the black one, then the silver one: both, the one with more first)
        keys = [k for k in known["options"] if k.lower() in asked[0].keys]
        pair = sorted([before, known], key=lambda v: -(_number(v, set(asked[0].keys)) or 0))
        if keys:
            turn.dialogue.shown = [v["item_id"] for v in pair]
            return turn.answer("attribute_facts", {"product": product}, name=name, lines="; ".join(
                f"{options(v)} ({option_name(keys[0], turn.language)}: {v['options'][keys[0]]}, ${v['price']})" for v in pair))
    if (answer := _most_of(turn, name, product, asked)):
        return answer
    lines, missing, said = [], [], set()
    for attribute in asked:
        keys = [k for k in variants[0]["options"] if k.lower() in attribute.keys]
        missing += [attribute.label[turn.language]] if not keys else []
        lines += [f"{option_name(k, turn.language)}: {priced_values(shown, k, priced=known is None)}"  # (each option once: "how big … a litre")
                  + ("" if known or asked_before else _sold_out_values(turn, variants, k)) for k in keys if k not in said]
        said |= set(keys)
    label = f"{name} ({options(known)})" if known else name
    reply = turn.say("attribute_facts", name=label, lines="; ".join(lines)) if lines else ""
    if lines and not known and PRICE_ASKED.search(turn.text) and (priced := [v for v in shown if v["available"]]) \
            and all(len({str(v["options"][k]) for v in shown}) == 1 for k in said):
        # ("what colours ARE in stock and how much": one colour, so no price beside it; those in stock, each priced)
        reply += " " + turn.say("variant_facts", name=name, lines=stock_lines(turn, priced[:MOST_LISTED]))
    if missing:
        reply += turn.say("attribute_not_listed", name=name, what=", ".join(missing), options=options_summary(shown))
    return Answer(reply.strip(), {"product": product})


def _most_of(turn: Turn, name: str, product: dict, asked: list[Attribute], with_named: bool = False) -> Answer | None:
    """The ones in stock at the end of the attribute asked ("书架最高的有多高", "longest garden hose", "变焦倍数最大"), of
    those asked about before, the one talked about or (`with_named`) those the message names ("木头的书架最高的")."""
    budget = money.budget(turn.text)
    if not (most := MOST.search(turn.text)) or with_named and budget is not None and re.fullmatch(r"最多|most|max", most[0], re.I):
        return None  # (not "防水的 最多500": a budget)
    variants = list(product["variants"].values())
    known = None if any(w.search(turn.text) for w in ANOTHER.values()) else product["variants"].get(turn.dialogue.variant or "")
    in_stock = [v for v in variants if v["available"]] or variants
    wanted = {k: set(v) for k, v in still_minded(turn.dialogue.asked_options, turn.text).items()}
    now = named_options(variants, products.without_products(turn.text)) if with_named else {}
    gone = []
    if now:  # (only what is named again, where it says all of it anew: "whats the tallest one you have in white" after
        #       the white wood ones: of every white one)
        wanted = now if len(wanted) > len(now) and all(wanted.get(k) == v for k, v in now.items()) else wanted | now
        named = [v for v in variants if fits(v, wanted) == len(wanted)]
        if not any(v["available"] for v in named):
            return None  # (none in stock has what is named: said so, with the closest, by the variant answer)
        # ("the longest one with a maple deck": the 34-inch maple one, sold out, said beside the longest in stock, where
        # none in stock reaches that end)
        ends = [product["variants"][v["item_id"]] for v in _at_the_end([{**v, "available": True} for v in named], asked,
                                                                         least=bool(most["least"]))]
        gone = ends[:1] if not any(v["available"] for v in ends) else []
    shown = [known] if known and not now else [v for v in in_stock if fits(v, wanted) == len(wanted)] or in_stock
    if budget is not None and not known:  # ("一百美金以内 想买根尽量长的浇花水管": the longest within it)
        shown = [v for v in shown if Decimal(str(v["price"])) <= money.reach(turn.text)]
    if not (picks := _at_the_end(shown, asked, least=bool(most["least"]))):
        return None
    # (several at that end: "平板最小的是几寸的" … "那个有哪些容量的": the 7-inch ones, not the cheapest of them)
    ends = {k: {str(x)} for k, x in picks[0]["options"].items() if len(picks) > 1 and all(p["options"].get(k) == x for p in picks)
            and not all(v["options"].get(k) == x for v in shown)}
    if now or ends:  # ("SD card 的那几款 哪个 zoom 最大" … "便宜那个呢": the cheaper of those, not the one shown)
        turn.dialogue.variant, turn.dialogue.asked_options = None, {k: sorted(v) for k, v in (wanted | ends).items()}
    else:
        turn.dialogue.variant = picks[0]["item_id"]
    return turn.answer("variant_facts", {"product": product}, name=name, lines=stock_lines(turn, [*gone, *picks]))


def _at_the_end(variants: list[dict], asked: list[Attribute], least: bool) -> list[dict]:
    """The variants in stock with the largest (or smallest) number for the attribute asked, where its values
    are numbers or grades ("6 ft", "100ft", "10x", "32GB"; "IPX7" over "IPX4" over "not resistant"), the
    cheapest three of them ("longest skateboard + what's it made of": the 34-inch ones, bamboo and plastic)."""
    in_stock = [v for v in variants if v["available"]]
    for attribute in asked:
        key = next((k for k in (in_stock[0]["options"] if in_stock else {}) if k.lower() in attribute.keys), None)
        numbers = {v["item_id"]: n for v in in_stock if key and (n := _grade(str(v["options"][key]))) is not None}
        if key and len(numbers) == len(in_stock) and len(set(numbers.values())) > 1:
            end = (min if least else max)(numbers.values())
            return sorted((v for v in in_stock if numbers[v["item_id"]] == end), key=lambda v: Decimal(str(v["price"])))[:3]
    return []


def _grade(value: str) -> float | None:
    """An option value as a number: its first number ("6 ft", "IPX7"), 0 for none of it ("not resistant")."""
    return float(m[0]) if (m := re.search(r"\d+(?:\.\d+)?", value)) else 0.0 if _NONE_GRADE.match(value) else None


_NONE_GRADE = re.compile(r"(?:not|non|no|none)\b", re.IGNORECASE)


def _attribute_then_variant(turn: Turn, name: str, catalogue: dict, product: dict) -> Answer | None:
    """Two questions in two sentences, what the product comes in and one of it by its options ("what are your
    bookshelves made of? And is there one that is six feet tall in white?"): both answered, in their order."""
    variants = list(product["variants"].values())
    sentences = reading.sentences(turn.text)
    asks = [s for s in sentences if asked_attributes(products.without_products(s)) and not named_options(variants, s)]
    names = [s for s in sentences if named_options(variants, s) and s not in asks]
    if len(sentences) < 2 or not asks or not names or sentences.index(asks[0]) > sentences.index(names[0]):
        return None
    first = _attributes_answer(replace(turn, text=asks[0]), name, product, asked_attributes(products.without_products(asks[0])))
    then = variant_answer(replace(turn, text=" ".join(names)), name, catalogue[name], product)
    return Answer(first.reply + turn.between + then.reply, then.facts) if then else None


def _either_or(turn: Turn, name: str, product: dict) -> Answer | None:
    """Which of two values of one option the ones asked about have ("两万毫安的充电宝 是type-c口还是USB口", "the 30-50 lbs
    dumbbell set, what's it made of? 铁的还是橡胶的?"): every value they come in, not only the two named, those only
    sold out said so. Not a comparison, a price or a pick ("which is cheaper, black or white?")."""
    if not (m := _A_OR_B.search(turn.text)) or _PICKS.search(turn.text) or reading.COMPARES.search(turn.text) \
            or PRICE_ASKED.search(turn.text) or money.budget(turn.text) is not None \
            or turn.dialogue.shown and _OF_THE_ONE.search(turn.text) \
            or _RATHER.search(turn.text):  # ("is that the basic kit or the pro one": of it; "还是10寸吧": a choice)
        return None
    variants = list(product["variants"].values())
    first, second = named_options(variants, m[1]), named_options(variants, m[2])
    keys = [k for k in set(first) & set(second) if first[k] != second[k]] or [
        k for k in first if any(str(v["options"].get(k, "")).lower().startswith(w) for v in variants
                                for w in re.findall(r"[a-z][a-z0-9]{2,}", option_words(m[2])))] or [
        k for k in {**first, **second} if len(first) + len(second) == 1]  # (one side in words the catalogue does not use:
    #                                                     "是充电的还是要放电池的", "能连小爱同学吗 还是只能用alexa")
    if len(keys) != 1:
        return None
    rest = {k: v for k, v in named_options(variants, turn.text).items() if k != keys[0]}
    group = [v for v in variants if fits(v, rest) == len(rest)]
    if not (in_stock := [v for v in group if v["available"]]):
        return None
    label = f"{name} ({', '.join(sorted({str(v['options'][k]) for v in group for k in rest if k in v['options']}))})" \
        if rest else name  # (as the catalogue writes them: "20000mAh")
    said = turn.answer("attribute_facts", {"product": product}, name=label, lines=(
        f"{option_name(keys[0], turn.language)}: {priced_values(in_stock, keys[0], priced=True)}"
        + _sold_out_values(turn, group, keys[0])))
    # (few in stock, or few with the value asked first: each, with its price; "Does the e-reader have a cellular
    # option or is it wifi only?": the two cellular ones)
    first_few = [v for v in in_stock if {str(v["options"].get(keys[0], "")).lower()} & {x.lower() for x in first.get(keys[0], ())}]
    few = in_stock if len(in_stock) <= 3 else first_few if 0 < len(first_few) <= 2 else []
    if not few:
        return said
    lines = turn.say("variant_facts", name=name, lines=stock_lines(turn, few))
    return replace(said, reply=said.reply + turn.between + lines)


_A_OR_B = re.compile(r"([^，,。？?！!;；]{1,24}?)(?:还是|\bor\b)([^，,。？?！!;；]{1,24})", re.IGNORECASE)
_OF_THE_ONE = re.compile(r"\b(?:is|was) (?:it|that|this)\b|(?:它|那个|这个|那款|这款|那台|这台)是?", re.IGNORECASE)
_RATHER = re.compile(r"还是[^，,。？?！!]*吧|算了|\bor rather\b", re.IGNORECASE)
_PICKS = re.compile(r"\bwhich\b|哪|\bbetter\b|\bprefer|推荐|\bbuy\b|\bget\b|要哪|选", re.IGNORECASE)


def _sold_out_values(turn: Turn, variants: list[dict], key: str) -> str:
    """The values of an option only sold-out variants have, said as such where the ones in stock are listed
    ("what colors does the smartphone come in?": black; gold and rose gold sold out)."""
    gone = sorted({str(v["options"][key]) for v in variants if key in v["options"]}
                  - {str(v["options"][key]) for v in variants if v["available"] and key in v["options"]})
    return f" ({turn.say('sold_out')}: {', '.join(gone)})" if gone else ""


def options_summary(variants: list[dict]) -> str:
    """Every option with the values these variants have: "color: black, green; size: large, small"."""
    values: dict[str, list[str]] = {}
    for variant in variants:
        for key, value in variant["options"].items():
            if str(value) not in values.setdefault(key, []):
                values[key].append(str(value))
    return "; ".join(f"{key}: {', '.join(vals)}" for key, vals in values.items())

