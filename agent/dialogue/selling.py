"""Products and offers: what the catalogue says of a product or one of its variants, recommendations,
promotions, and the cross-sell with its coupon where the shop's rules allow. Offers are remembered, so
none is made twice in a session, and a yes to one is counted as accepted."""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from agent import metrics
from agent.dialogue import products, reading
from agent.dialogue.state import Offer, Task
from agent.dialogue.turn import Answer, Turn, options
from agent.catalogue_search import closest_products, products_for
from agent.catalogue_words import Attribute, asked_attributes
from agent.variants import asked_variants, fits, fitting, named_options


def sell(turn: Turn, intent: str, offers: bool = True) -> Answer:
    """Recommendations and prices, with an offer where one fits (not in the middle of an order task, whose
    question comes back after the answer: two questions at once would leave "好" meaning either)."""
    dialogue, text = turn.dialogue, turn.text
    if dialogue.offer and any(n != dialogue.offer.name for n, _ in products.products_in(text)):
        dialogue.offer = None  # "Alright. Then just tell me the price of the 8-inch e-reader": another question
    if dialogue.offer and (reading.is_yes(text) or reading.is_no(text)):
        offer, dialogue.offer, dialogue.task = dialogue.offer, None, None
        if reading.is_no(text):
            return turn.answer("offer_declined")
        metrics.OFFERS.labels(outcome="accepted").inc()
        dialogue.accepted_offers = [*dialogue.accepted_offers, offer.coupon]
        return turn.answer("offer_accepted", **offer.model_dump())
    current = dialogue.task if dialogue.task and dialogue.task.intent in ("recommend", "price_promo") else None
    if current and current.intent == intent and reading.is_bare_answer(text):  # "ok" to a suggestion asking nothing
        dialogue.task = None
        return turn.answer("anything_else")
    task = current or Task(intent=intent)
    if _OTHER_SHOPS.search(text):  # "你们和别家比哪个便宜": no comparison with other shops, and no price matching
        return turn.answer("other_shops")
    catalogue = turn.shop.call("list_all_product_types", {})
    named = [(name, catalogue[name]) for name, _ in products.products_in(text) if name in catalogue]
    named = [(n, pid) for n, pid in named if n not in products.unwanted(text)] or named  # ("不要智能手表")
    if len(named) > 1 and len({w for _, w in products.products_in(text)}) == 1:  # one word, two products ("耳机"):
        best = _best_named(turn, [n for n, _ in named], catalogue)  # the one the options or the budget say,
        if not any(named_options(list(turn.product(pid)["variants"].values()), text) for _, pid in named):
            best = _end_of_shown(turn, [n for n, _ in named], catalogue, which_one=False) or best  # or the end asked
        named = [(best, catalogue[best])]  # ("whats the priciest watch u got": of every watch)
    if len(named) > 1 and _EACH.search(text) and (ends := [e for n, pid in named if (e := _extreme(turn, n, list(
            turn.product(pid)["variants"].values())))]):
        dialogue.task = None  # "an e-reader or a tablet, and what is the least expensive of each?"
        return Answer(" ".join(ends), {"products": [turn.product(pid) for _, pid in named]})
    if len(named) > 1 and (end := _end_of_shown(turn, [n for n, _ in named], catalogue, which_one=False)):
        named = [(end, catalogue[end])]  # "a kettle, which one is cheapest": of every kettle we sell
    if not named and task.intent == "recommend" and task.product in catalogue:
        named = [(task.product, catalogue[task.product])]  # "any cheaper ones?" about the same thing
    elif not named and task.intent == "recommend" and (fit := _fitting_shown(turn, catalogue)):
        named = [(fit, catalogue[fit])]  # "他穿11码, 要waterproof的" after three were recommended: the boots
    elif not named and task.intent == "recommend" and (end := _end_of_shown(turn, task.products, catalogue)):
        named = [(end, catalogue[end])]  # "what's the cheapest of those?": that one, at its cheapest
    elif not named and task.intent == "recommend" and reading.CHEAPER.search(text) and reading.budget(text) is None \
            and (priced := sorted(
            (Decimal(p), n) for n in task.products if n in catalogue and (p := _cheapest(turn, catalogue[n])))):
        named = [(priced[0][1], catalogue[priced[0][1]])]  # "那有没有便宜一点的" after two were recommended: the cheaper
    elif not named and reading.CHEAPER.search(text) and dialogue.product in catalogue:
        named = [(dialogue.product, catalogue[dialogue.product])]  # the same, after a question about its price
    product_id = named[0][1] if named else None
    dialogue.task = None
    # ("我在考虑买个无人机送我儿子，你们有吗": not sold, said first; then what fits the need)
    not_sold = turn.say("not_sold_short", thing=thing) + ("" if turn.language == "zh" else " ") \
        if not named and (thing := products.asks_if_sold(text)) else ""
    variants = _variant_answer(turn, named[0][0], product_id) if product_id else None
    if intent == "recommend" and variants:  # "boots, size 11, waterproof?": that variant, not a list
        return variants
    if intent == "recommend" and product_id and _MOST.search(text) and asked_attributes(products.without_products(text)):
        return product_facts(turn)  # "a yoga mat, which one is thickest?": that one
    if intent == "recommend" and product_id and (budget := reading.budget(text)) is not None \
            and not _cheapest(turn, product_id, budget) and named[0][0] in (needed := products_for(text)) \
            and any(_cheapest(turn, catalogue[n], budget) for n in needed if n in catalogue):
        reply, offer = _for_need(turn, needed, catalogue, turn.text), None  # ("cameras … under $600": the ones within)
    elif intent == "recommend" and product_id:
        reply, offer = _in_stock(turn, task, named[0][0], product_id)
    elif intent == "recommend" and (needed := products_for(turn.text)):  # "a gift for my dad who hikes"
        reply, offer = _for_need(turn, needed, catalogue, turn.text), None
    elif intent == "recommend" and task.wish and reading.budget(text) is not None and (needed := products_for(task.wish)):
        reply, offer = _for_need(turn, needed, catalogue, task.wish), None  # "budget is about 300": the same need
    elif intent == "recommend":
        reply, offer = _picks(turn)
    else:  # "白色的充电款电动牙刷多少钱 有优惠券吗": its price first, then the offers
        reply, offer = _promotions(turn, named[0][0] if named else "", product_id)
        if product_id and not variants:  # "你们电水壶多少钱一个": what it costs, then the offers
            variants = product_facts(turn)
        reply = (variants.reply + " " if variants else "") + reply
    if offer and offers:  # the seed's example: a phone's discount comes with a matching power bank and its coupon
        metrics.OFFERS.labels(outcome="offered").inc()
        dialogue.offers = [*dialogue.offers, offer.coupon]
        dialogue.offer = offer
        dialogue.task = dialogue.task or Task(intent=intent)
        reply += turn.say("cross_sell", **offer.model_dump())
    return Answer(not_sold + reply, {"products": named})


def _in_stock(turn: Turn, task: Task, name: str, product_id: str) -> tuple[str, Offer | None]:
    """"Recommend me headphones": the ones in stock, cheapest first; "any cheaper?" below those shown."""
    variants = turn.product(product_id)["variants"].values()
    in_stock = sorted((v for v in variants if v["available"]), key=lambda v: Decimal(str(v["price"])))
    below = task.cheapest if reading.CHEAPER.search(turn.text) and task.product == name else None
    if below is not None:
        in_stock = [v for v in in_stock if Decimal(str(v["price"])) < Decimal(below)]
    budget, over = reading.budget(turn.text), ""
    if budget is not None and in_stock and not (in_stock := [v for v in in_stock if Decimal(str(v["price"])) <= budget]):
        in_stock = sorted((v for v in variants if v["available"]), key=lambda v: Decimal(str(v["price"])))[:1]
        over = turn.say("nothing_within", budget=budget) + " "  # "a tablet under 300": none; the cheapest, said so
    in_stock = (fitting(in_stock, turn.text) or in_stock)[:3]  # "大一点的": the large ones first
    lines = [turn.say("variant_line", options=options(v), price=v["price"]) for v in in_stock]
    reply = over + (turn.say("recommend_variants", name=name, lines="; ".join(lines)) if lines else
                    turn.say("cheapest_shown" if below is not None else "out_of_stock", name=name))
    turn.dialogue.task = Task(intent="recommend", product=name,
                              cheapest=str(in_stock[0]["price"]) if in_stock else below)
    turn.dialogue.product, turn.dialogue.asked_options = name, {}  # "the 11, leather, waterproof one: how much?"
    return reply, _cross_sell(turn, turn.shop.call("list_promotions", {"product_id": product_id})["promotions"])


def _cheapest(turn: Turn, product_id: str, budget: Decimal | None = None, words: str = "") -> str | None:
    """The lowest price in stock (within the budget; of the ones with the options the words name, where
    some have them: "has to be waterproof, under 300"), if any."""
    in_stock = [v for v in turn.product(product_id)["variants"].values() if v["available"]]
    in_stock = (fitting(in_stock, words) if words else []) or in_stock
    prices = [Decimal(str(v["price"])) for v in in_stock if budget is None or Decimal(str(v["price"])) <= budget]
    return f"{min(prices):.2f}" if prices else None


def _for_need(turn: Turn, needed: list[str], catalogue: dict, need: str) -> str:
    """The products made for the need named, in stock within the budget, those shown remembered so that
    "size 11, waterproof?" next is about the one of them it fits, and the need so that "budget is about
    300" next narrows it."""
    budget = reading.budget(turn.text)
    shown = [(n, p) for n in needed if n in catalogue and (p := _cheapest(turn, catalogue[n], budget, turn.text))][:3]
    if not shown and budget:  # nothing within the budget: the nearest above it, said as such
        shown = sorted(((n, p) for n in needed if n in catalogue and (p := _cheapest(turn, catalogue[n]))),
                       key=lambda np: Decimal(np[1]))[:3]
        if shown:
            turn.dialogue.task = Task(intent="recommend", products=[n for n, _ in shown],
                                      wish=reading.EMAIL.sub(" ", need)[:200])
            return turn.say("nothing_within", budget=budget) + turn.say("nearest_above", lines="; ".join(
                turn.say("recommend_line", name=n, price=p) for n, p in shown))
    if not shown:
        return turn.say("nothing_within", budget=budget) if budget else _picks(turn)[0]
    turn.dialogue.task = Task(intent="recommend", products=[n for n, _ in shown],
                                wish=reading.EMAIL.sub(" ", need)[:200])
    return turn.say("recommend", lines="; ".join(turn.say("recommend_line", name=n, price=p) for n, p in shown))


def _fitting_shown(turn: Turn, catalogue: dict) -> str | None:
    """Of the products just recommended (else the others that fit the need they were recommended for), or
    those an earlier message's product word may mean ("咖啡机" → "19 bar 胶囊的那款"), the one whose options
    the message names ("he wears a size 10 and needs them waterproof")."""
    task = turn.dialogue.task
    groups = [task.products, products_for(task.wish or "")] if task and task.intent == "recommend" \
        else [[n for n, _ in products.products_in(turn.seen_product or "") if n in catalogue]]
    for shown in groups:
        fits = [n for n in shown if n in catalogue
                and asked_variants(list(turn.product(catalogue[n])["variants"].values()), turn.text)[0]]
        if fits:
            return fits[0] if len(fits) == 1 else None
    return None


def _having_asked(turn: Turn, catalogue: dict) -> str | None:
    """Of the products just recommended or compared, the only one the catalogue gives the attribute asked
    for ("哪个续航长一点" after earbuds and headphones: the earbuds list their battery life)."""
    task, asked = turn.dialogue.task, asked_attributes(turn.text)
    if not (task and task.intent == "recommend" and asked):
        return None
    keys = {key for attribute in asked for key in attribute.keys}
    having = [n for n in task.products if n in catalogue and any(
        k.lower() in keys for v in turn.product(catalogue[n])["variants"].values() for k in v["options"])]
    return having[0] if len(having) == 1 else None


def _end_of_shown(turn: Turn, shown: list[str], catalogue: dict, which_one: bool = True) -> str | None:
    """Of the products just recommended, the one with the cheapest (or dearest) in stock, when asked for
    (`which_one`: "which one is cheaper?" asks it too)."""
    dearest = _DEAREST.search(turn.text) or which_one and _DEARER_ONE.search(turn.text)
    if not (dearest or _CHEAPEST.search(turn.text) or which_one and _CHEAPER_ONE.search(turn.text)):
        return None
    priced = [(Decimal(str(v["price"])), n) for n in shown if n in catalogue
              for v in turn.product(catalogue[n])["variants"].values() if v["available"]]
    return (max if dearest else min)(priced)[1] if priced else None


def _picks(turn: Turn) -> tuple[str, Offer | None]:
    """The recommender's picks for this shopper, within the budget they named ("预算300美元左右")."""
    picks = turn.shop.call("recommend_products", {"limit": 10}, as_shopper=turn.dialogue.user_id)["recommendations"]
    if (budget := reading.budget(turn.text)) is not None:
        picks = [r for r in picks if Decimal(str(r["price_from"])) <= budget] or picks
    picks = picks[:3]
    # ("那个最便宜的有几种颜色" next: of the ones shown)
    turn.dialogue.task = Task(intent="recommend", products=[r["name"] for r in picks], wish=turn.text[:200])
    lines = [turn.say("recommend_line", name=r["name"], price=r["price_from"]) for r in picks]
    with_coupon = [r for r in picks if r.get("coupon") and r["coupon"]["code"] not in turn.dialogue.offers]
    offer = with_coupon and Offer(name=with_coupon[0]["name"], coupon=with_coupon[0]["coupon"]["code"],
                                  percent=with_coupon[0]["coupon"]["percent_off"]) or None
    return turn.say("recommend", lines="; ".join(lines)), offer


def _promotions(turn: Turn, name: str, product_id: str | None) -> tuple[str, Offer | None]:
    promotions = turn.shop.call("list_promotions", {"product_id": product_id} if product_id else {})["promotions"]
    fresh = [p for p in promotions if p["coupon"] not in turn.dialogue.offers]
    if not fresh:  # none, or every one offered already in this session: no repeats
        return turn.say("no_more_promotions" if promotions else "no_promotion", name=name), None
    title = "title_zh" if turn.language == "zh" else "title"
    reply = turn.say("promotions", lines="; ".join(f"{p[title]} ({p['coupon']})" for p in fresh[:2]))
    return reply, _cross_sell(turn, promotions)


def _cross_sell(turn: Turn, promotions: list[dict]) -> Offer | None:
    """The first promotion not offered yet in this session, as an offer of its first product."""
    fresh = [p for p in promotions if p["coupon"] not in turn.dialogue.offers]
    return Offer(name=fresh[0]["offer"][0]["name"], coupon=fresh[0]["coupon"],
                 percent=fresh[0]["percent_off"]) if fresh else None


_OTHER_SHOPS = re.compile(r"别家|别的(?:店|家|平台)|其他(?:店|家|平台|商家)|淘宝|京东|拼多多|\bother (?:shops?|stores?|sites?)\b|"
                          r"\bamazon\b|\bcompetitors?\b|\bprice ?match", re.IGNORECASE)
_DEAREST = re.compile(r"most expensive|priciest|highest price|最贵|价格最高", re.IGNORECASE)
# two variants side by side: "the upright one vs the canister one", "灰色10码 跟 黑色6码 price分别是?"
_VERSUS = re.compile(r"\bvs\.?|\bversus\b|\bcompared (?:to|with)\b|\bor\b|\band\b|跟|还是|对比|比起|和")


def _extreme(turn: Turn, name: str, variants: list[dict]) -> str | None:
    """"最便宜的咖啡机多少钱", "most expensive digital camera?": the one in stock at that end (of those whose
    options the words name), not a list."""
    dearest = _DEAREST.search(turn.text)
    if not (dearest or _CHEAPEST.search(turn.text)):
        return None
    in_stock = [v for v in variants if v["available"]]
    if _OF_THOSE.search(turn.text) and turn.dialogue.product == name and turn.dialogue.asked_options:
        # ("不防水的那几个里最便宜的是哪个" after red speakers: the red ones that are not waterproof)
        named = {**{k: set(v) for k, v in turn.dialogue.asked_options.items()}, **named_options(in_stock, turn.text)}
        in_stock = [v for v in in_stock if fits(v, named) == len(named)] or in_stock
    if not (shown := fitting(in_stock, turn.text) or in_stock):
        return None
    pick = (max if dearest else min)(shown, key=lambda v: Decimal(str(v["price"])))
    turn.dialogue.product, turn.dialogue.variant = name, pick["item_id"]
    return turn.say("dearest_variant" if dearest else "cheapest_variant", name=name, options=options(pick),
                    price=pick["price"])


_OF_THOSE = re.compile(r"那几个|这几个|那几款|这几款|其中|那些|\bof (?:those|them|these)\b|\bamong (?:those|them|these)\b", re.IGNORECASE)


def _compared(variants: list[dict], text: str) -> tuple[list[dict], None] | None:
    """Two variants the message sets side by side, told apart by an option named in each ("6寸的和8寸32G的",
    "大号灰色的宠物床 记忆棉的和涤纶的"): one of each, in stock first, the options named once holding for both
    where a variant has them ("portable gas grill vs portable charcoal grill, the basic ones")."""
    parts = [named_options(variants, p) for p in _VERSUS.split(text) if p.strip()]
    if len(parts) < 2 or not all(parts) or not any(
            a.get(k) and b.get(k) and a[k] != b[k] for a in parts for b in parts for k in a):
        return None
    picks = []
    for part in parts:
        shared = {k: v for other in parts if other is not part for k, v in other.items() if k not in part}
        for named in ({**shared, **part}, part):
            exact = sorted((v for v in variants if fits(v, named) == len(named)),
                           key=lambda v: (not v["available"], Decimal(str(v["price"]))))
            if exact and (exact[0]["available"] or named is part):
                picks.append(exact[0])
                break
        else:
            return None
    return (picks, None) if len({v["item_id"] for v in picks}) > 1 else None


# an option the shopper no longer minds: "and a 13 inch with i7, any color?", "颜色无所谓"
_ANY = {key: re.compile(rf"\b(?:any|whatever|whichever|which|what|other)\s+{en}\b|{en}\s+(?:doesn'?t matter|is fine)|"
                        rf"(?:{zh})(?:无所谓|不限|都行|都可以|随便)|(?:什么|任何|哪个)(?:{zh})都|(?:哪些|哪几种|什么|其他|别的)(?:{zh})",
                        re.IGNORECASE)  # ("which colours of that bottle are available then?": any colour)
        for key, en, zh in (("color", "colou?rs?", "颜色|顏色"), ("size", "sizes?", "尺码|尺寸|大小|码"),
                            ("material", "materials?", "材质|材料"))}


def _still_minded(asked: dict, text: str) -> dict:
    """The options asked about before, less those the message no longer minds ("any color?", "颜色无所谓了")."""
    if products.corrects(text):  # "啊不对 我想问的是15寸i7的": the question asked again, not narrowed
        return {}
    return {k: v for k, v in asked.items() if not _ANY.get(k) or not _ANY[k].search(text)}


_IN_STOCK = re.compile(r"in stock|\bbuy\b.{0,20}\bnow\b|\bavailable\b|有货|现货|能买|可以买", re.IGNORECASE)
_WHICH_ONES = re.compile(r"\b(?:what|which) (?:[\w-]+ ){0,3}ones\b|\bwhat (?:[\w-]+ ){0,3}do you (?:actually |really )?have\b|"
                         r"有哪(?:些|几款|几种)|都有哪|有什么(?:款|型号)", re.IGNORECASE)
_CHEAPEST = re.compile(r"cheapest|lowest price|least expensive|最便宜|最低价", re.IGNORECASE)
# of the products just recommended or compared, not of one product's variants: "which one is cheaper?"
_CHEAPER_ONE = re.compile(r"\bwhich (?:one |of (?:the|them|those) )?is (?:cheaper|less expensive)\b|哪(?:个|款)(?:更)?便宜",
                          re.IGNORECASE)
_DEARER_ONE = re.compile(r"\bwhich (?:one |of (?:the|them|those) )?is (?:more expensive|pricier|dearer)\b|哪(?:个|款)更贵",
                         re.IGNORECASE)


def _variant_answer(turn: Turn, name: str, product_id: str, product: dict | None = None) -> Answer | None:
    """The variants the message names by their options: their stock and price, or the closest in stock.
    None when it names no option of the product."""
    product = product or turn.product(product_id)
    variants = list(product["variants"].values())
    if (extreme := _extreme(turn, name, variants)):
        return Answer(extreme, {"product": product})
    asked_before = turn.dialogue.asked_options if turn.dialogue.product == name else {}
    # ("so what 17 inch ones do you actually have": those, whatever was asked before; in stock)
    which_ones = bool(_WHICH_ONES.search(turn.text) and named_options(variants, turn.text))
    # ("anything waterproof that's cheaper?" after a price: below that one, with only what is named now)
    shown_last = next((v for v in variants if v["item_id"] == turn.dialogue.variant), None) \
        if turn.dialogue.product == name and reading.CHEAPER.search(turn.text) else None
    before = {} if which_ones or shown_last else _still_minded(asked_before, turn.text)
    # ("blue is out? which colours then?": every colour, the one named again being the one found missing; not
    # "what colours does it come in, and how much is the black one?")
    named_now = named_options(variants, turn.text)
    open_keys = frozenset(k for k, words in _ANY.items() if words.search(turn.text)
                          and named_now.get(k, set()) <= set(asked_before.get(k, ())))
    asked, closest = _compared(variants, turn.text) or asked_variants(variants, turn.text, before, open_keys)
    # none has all that is named: what the question itself names ("8GB ram is kinda low. what about the black
    # 17-inch i7 one?"), or without what was asked before ("那黑色4杯的呢" after a black 8-cup one with a grinder)
    question = ([s for s in re.split(r"(?<=[.!?。！？])\s*", turn.text) if s.strip()] or [turn.text])[-1]
    for words, earlier in ((question, before), (turn.text, {}), (question, {})):
        if not closest or not (before or question != turn.text):
            break
        if (alone := asked_variants(variants, words, earlier, open_keys))[0] and not alone[1]:
            asked, closest = alone
    if not (asked or closest):
        return None
    turn.dialogue.asked_options = {k: sorted(v) for k, v in {**before, **named_now}.items()}
    if (which_ones or _IN_STOCK.search(turn.text)) and any(v["available"] for v in asked):  # "which one can I buy now?"
        asked = [v for v in asked if v["available"]]
    if shown_last and (below := [v for v in asked if v["available"]
                                 and Decimal(str(v["price"])) < Decimal(str(shown_last["price"]))]):
        asked = below
    if (budget := reading.budget(turn.text)) is not None and any(Decimal(str(v["price"])) <= budget for v in asked):
        asked = sorted((v for v in asked if Decimal(str(v["price"])) <= budget), key=lambda v: not v["available"])
    if reading.CHEAPER.search(turn.text) or _CHEAPEST.search(turn.text):  # "the cheapest wireless ones in stock"
        asked = sorted(asked, key=lambda v: (not v["available"], float(v["price"])))
    turn.dialogue.product, turn.dialogue.variant = name, asked[0]["item_id"] if len(asked) == 1 else None
    lines = _stock_lines(turn, asked[:_MOST_LISTED if open_keys else 3])  # ("大号的宠物床有哪些颜色": all of them)
    reply = turn.say("variant_facts", name=name, lines=lines) if asked else turn.say("no_such_variant", name=name)
    if asked and (lead := _yes_no_lead(turn, variants, asked, named_now)):  # "蓝牙音箱防水吗": yes or some, first
        reply = lead + reply
    if closest and _OTHERWISE.search(turn.text):  # "没有的话其他颜色同款多少钱": every one in stock that comes closest
        named = {**before, **named_now}
        in_stock = [v for v in variants if v["available"]]
        best = max(fits(v, named) for v in in_stock)
        closest_ones = sorted((v for v in in_stock if fits(v, named) == best), key=lambda v: Decimal(str(v["price"])))
        reply += turn.say("alternatives_in_stock", lines="; ".join(
            turn.say("variant_line", options=options(v), price=v["price"]) for v in closest_ones[:_MOST_LISTED]))
    elif closest:
        reply += turn.say("closest_in_stock", options=options(closest), price=closest["price"])
    return Answer(reply, {"product": product})


# the shopper asks what else there is if theirs is not there: "没有的话现在有货的是哪几种尺寸", "if not, other colours?"
_OTHERWISE = re.compile(r"没有的话|没货的话|不然|否则|其他颜色|别的颜色|其他尺寸|别的尺寸|同款|\bif not\b|\botherwise\b|"
                        r"\bother colou?rs?\b|\bother sizes?\b|\bwhat else\b", re.IGNORECASE)


def _stock_lines(turn: Turn, variants: list[dict]) -> str:
    """"black, 8 cups is in stock at $272.71; …": each variant with its stock and price."""
    return "; ".join(turn.say("variant_stock", options=options(v), price=v["price"],
                              stock=turn.say("in_stock" if v["available"] else "sold_out")) for v in variants)


def _yes_no_lead(turn: Turn, variants: list[dict], asked: list[dict], named: dict[str, set[str]]) -> str | None:
    """For a yes/no question about a feature ("is the speaker waterproof?"), the answer's first words: all
    of the ones in stock have it, or some do (those listed)."""
    if not named or any(not values <= {"yes", "no"} for values in named.values()) or not reading.QUESTION.search(turn.text) \
            or _PRICE_OR_STOCK.search(turn.text):
        return None
    in_stock = [v for v in variants if v["available"]]
    having = [v for v in asked if v["available"]]
    return turn.say("feature_all" if len(having) == len(in_stock) else "feature_some") if having else None


_PRICE_OR_STOCK = re.compile(r"how much|price|cost|cheaper|便宜|in stock|available|多少钱|价格|有货|库存|最便宜|cheapest", re.IGNORECASE)


def product_facts(turn: Turn) -> Answer:
    """What the catalogue says of a product: the variant asked about (its stock and price, or the closest
    in stock), or every option in stock and the price range."""
    catalogue = turn.shop.call("list_all_product_types", {})
    name = _best_named(turn, [n for n, _ in products.products_in(turn.text) if n in catalogue], catalogue)
    if (thing := products.asks_if_sold(turn.text)):  # "do you sell tents / phone cases?": no, but…
        if name:  # ("do you sell drones? and how much is the cheapest laptop")
            answer = _facts_of(turn, catalogue, name)
            return replace(answer, reply=turn.say("not_sold_short", thing=thing)
                           + ("" if turn.language == "zh" else " ") + answer.reply)
        near = products_for(turn.text) or closest_products(thing)
        return turn.answer("not_sold", {"products": near}, thing=thing, lines="; ".join(
            turn.say("recommend_line", name=n, price=price) for n in near[:3] if (price := _cheapest(turn, catalogue[n]))))
    return _facts_of(turn, catalogue, name)


def _facts_of(turn: Turn, catalogue: dict, name: str | None) -> Answer:
    if (reading.COMPARES.search(turn.text) or _EACH.search(turn.text) or _TORN.search(turn.text)
            or products.asks_whether_sold(turn.text)) and len(both := _told_apart(turn.text, catalogue)) == 2:
        return _side_by_side(turn, both, catalogue)
    task = turn.dialogue.task
    name = name or _fitting_shown(turn, catalogue) or _having_asked(turn, catalogue) or turn.dialogue.product \
        or (task and task.product)
    if name not in catalogue:  # (several just recommended, and the words fit more than one)
        return turn.answer("which_product")
    if turn.dialogue.product != name:  # the options asked about another product say nothing of this one
        turn.dialogue.asked_options = {}
    turn.dialogue.product = name  # "and in silver?" next is about the same product
    product = turn.product(catalogue[name])
    if (answer := _variant_answer(turn, name, catalogue[name], product)):
        return answer
    # (an attribute the product's own name says is no question: "wireless" of the Wireless Earbuds)
    if (asked := [a for a in asked_attributes(products.without_products(turn.text)) if not a.words.search(name)]):
        return _attributes_answer(turn, name, product, asked)
    variants = list(product["variants"].values())
    in_stock = [v for v in variants if v["available"]]
    turn.dialogue.variant, turn.dialogue.asked_options = None, {}  # "what can I buy today then?": all of them again
    if not in_stock:
        return turn.answer("out_of_stock", {"product": product}, name=name)
    if (budget := reading.budget(turn.text)) is not None:  # "any headphones under $350?": those, cheapest first
        within = sorted((v for v in in_stock if Decimal(str(v["price"])) <= budget), key=lambda v: Decimal(str(v["price"])))
        shown = within[:_MOST_LISTED] or sorted(in_stock, key=lambda v: Decimal(str(v["price"])))[:1]
        lines = _stock_lines(turn, shown)
        return Answer(("" if within else turn.say("nothing_within", budget=budget) + " ")
                      + turn.say("variant_facts", name=name, lines=lines), {"product": product})
    if _EACH.search(turn.text) and len(in_stock) <= _MOST_LISTED:  # "which do you have, and what does each cost?"
        lines = _stock_lines(turn, sorted(in_stock, key=lambda v: Decimal(str(v["price"]))))
        return turn.answer("variant_facts", {"product": product}, name=name, lines=lines)
    prices = sorted(Decimal(str(v["price"])) for v in in_stock)
    lines = options_summary(in_stock)
    return turn.answer("product_facts", {"product": product}, name=name, lines=lines, low=f"{prices[0]:.2f}",
                       high=f"{prices[-1]:.2f}")


def _told_apart(text: str, catalogue: dict) -> list[str]:
    """The products the message names each by its own word: a word that may mean several ("咖啡机") is one
    product at most, the one another word names ("笔记本 就是本子": the Notebook)."""
    by_word: dict[str, list[str]] = {}
    for name, written in products.products_in(text):
        if name in catalogue:
            by_word.setdefault(written, []).append(name)
    plain = {names[0] for names in by_word.values() if len(names) == 1}
    meant = [names[0] if len(names) == 1 else next((n for n in names if n in plain), None) for names in by_word.values()]
    return list(dict.fromkeys(n for n in meant if n))


def _side_by_side(turn: Turn, names: list[str], catalogue: dict) -> Answer:
    """Each product's price range and options in stock, one line each."""
    lines, shown = [], []
    for name in names:
        product = turn.product(catalogue[name])
        in_stock = [v for v in product["variants"].values() if v["available"]]
        # (the one of it the message describes: "the black wireless over-ear headphones and the black … earbuds")
        part = next((p for p in _VERSUS.split(turn.text) if any(n == name for n, _ in products.products_in(p))), "")
        named = named_options(in_stock, part) if part else {}
        if 0 < len(exact := [v for v in in_stock if named and fits(v, named) == len(named)]) <= 2:
            lines.append(turn.say("variant_facts", name=name, lines=_stock_lines(turn, exact)).rstrip(".。"))
            shown.append(product)
        elif in_stock:
            prices = sorted(Decimal(str(v["price"])) for v in in_stock)
            lines.append(turn.say("compared_line", name=name, low=f"{prices[0]:.2f}", high=f"{prices[-1]:.2f}",
                                  options=options_summary(in_stock)))
            shown.append(product)
    if not lines:
        return turn.answer("out_of_stock", name=" / ".join(names))
    turn.dialogue.task = Task(intent="recommend", products=names)  # "which has the longer battery?" next
    return turn.answer("compared_products", {"products": shown}, lines="; ".join(lines))


_TORN = re.compile(r"\btorn between\b|\bdeciding between\b|\bcan'?t decide between\b|纠结", re.IGNORECASE)
# a price for each one in stock, not a range: "what does each cost?", "分别多少钱"
_EACH = re.compile(r"\beach\b|\bevery one\b|\ball (?:of )?(?:their|the) prices\b|\bprice list\b|分别|各(?:自|是)?多少|每(?:个|款|种)|"
                   r"\bwhat (?:do|would) (?:they|those|these) cost\b|\bhow much (?:are|do) (?:they|those|these)\b|都多少钱",
                   re.IGNORECASE)
_MOST_LISTED = 8


def _best_named(turn: Turn, names: list[str], catalogue: dict) -> str | None:
    """Of the products a word may mean ("烧水壶": the Electric or the Tea Kettle; "笔记本": the Laptop or the
    Notebook), the one whose options the message names most ("陶瓷的 燃气灶用的", "A4硬皮的")."""
    if len(names) < 2:
        return names[0] if names else None
    if (budget := reading.budget(turn.text)) is not None:  # "３００以内的耳机 无线的": the earbuds, not the headphones
        names = [n for n in names if _cheapest(turn, catalogue[n], budget)] or names

    def named(name: str) -> tuple[int, int]:  # (options named, option names said: "表盘" is a Wristwatch's dial)
        variants = list(turn.product(catalogue[name])["variants"].values())
        keys = {w for v in variants[:1] for k in v["options"] for w in k.lower().split()} - {"material", "color", "size", "type"}
        said = {w for zh, en in _OPTION_NAMES.items() if zh in turn.text for w in en.split()} \
            | set(re.findall(r"[a-z]+", turn.text.lower()))
        return len(named_options(variants, turn.text)), len(keys & said)
    return max(names, key=named)  # (the first named on a tie)


_OPTION_NAMES = {"表盘": "dial", "表带": "strap band", "扶手": "armrest", "靠背": "backrest", "续航": "battery", "变焦": "zoom",
                 "像素": "resolution", "防水": "water waterproof", "内存": "ram", "存储": "storage", "屏幕": "screen display"}


def _attributes_answer(turn: Turn, name: str, product: dict, asked: list[Attribute]) -> Answer:
    """"Is the backpack waterproof?", "how much RAM does it have?": the options that answer it, for the
    variant talked about or over the ones in stock; an attribute the catalogue has no option for is said
    to be not listed, never guessed."""
    variants = list(product["variants"].values())
    known = product["variants"].get(turn.dialogue.variant or "")
    in_stock = [v for v in variants if v["available"]] or variants
    # ("带蜂窝网络的" … "哪个容量大": the options asked about before still hold, unless no longer minded)
    asked_before = {k: set(v) for k, v in _still_minded(turn.dialogue.asked_options, turn.text).items()}
    shown = [known] if known else [v for v in in_stock if fits(v, asked_before) == len(asked_before)] or in_stock
    if (most := _MOST.search(turn.text)) and (pick := _at_the_end(shown, asked, least=bool(most["least"]))):
        turn.dialogue.variant = pick["item_id"]  # "书架最高的有多高", "longest garden hose", "变焦倍数最大"
        return turn.answer("variant_facts", {"product": product}, name=name, lines=turn.say(
            "variant_stock", options=options(pick), price=pick["price"], stock=turn.say("in_stock")))
    lines, missing = [], []
    for attribute in asked:
        keys = [k for k in variants[0]["options"] if k.lower() in attribute.keys]
        missing += [attribute.label[turn.language]] if not keys else []
        lines += [f"{k}: {_values(shown, k, priced=known is None)}" for k in keys]
    label = f"{name} ({options(known)})" if known else name
    reply = turn.say("attribute_facts", name=label, lines="; ".join(lines)) if lines else ""
    if missing:
        reply += turn.say("attribute_not_listed", name=name, what=", ".join(missing), options=options_summary(shown))
    return Answer(reply.strip(), {"product": product})


_MOST = re.compile(r"(?P<least>最小|最短|最轻|最低|最少|最薄|smallest|shortest|lightest|lowest|thinnest|least)|最大|最长|最高|最多|"
                   r"最重|最厚|biggest|largest|longest|highest|tallest|heaviest|thickest|most\b|\bmax", re.IGNORECASE)


def _at_the_end(variants: list[dict], asked: list[Attribute], least: bool) -> dict | None:
    """The variant in stock with the largest (or smallest) number for the attribute asked, where its values
    are numbers ("6 ft", "100ft", "10x", "32GB")."""
    in_stock = [v for v in variants if v["available"]]
    for attribute in asked:
        key = next((k for k in (in_stock[0]["options"] if in_stock else {}) if k.lower() in attribute.keys), None)
        numbers = {v["item_id"]: float(m[0]) for v in in_stock if key and (m := re.match(r"\d+(?:\.\d+)?", str(v["options"][key])))}
        if key and len(numbers) == len(in_stock):
            return (min if least else max)(in_stock, key=lambda v: numbers[v["item_id"]])
    return None


def _values(variants: list[dict], key: str, priced: bool) -> str:
    """An option's values over these variants; with the lowest price of each when several are shown
    ("which has more RAM?": "4GB ($1128.99), 8GB ($1157.86)")."""
    low: dict[str, Decimal] = {}
    for v in variants:
        value = str(v["options"][key])
        low[value] = min(low.get(value, Decimal(str(v["price"]))), Decimal(str(v["price"])))
    return ", ".join(f"{value} (${price:.2f})" if priced and len(low) > 1 else value for value, price in low.items())


def options_summary(variants: list[dict]) -> str:
    """Every option with the values these variants have: "color: black, green; size: large, small"."""
    values: dict[str, list[str]] = {}
    for variant in variants:
        for key, value in variant["options"].items():
            if str(value) not in values.setdefault(key, []):
                values[key].append(str(value))
    return "; ".join(f"{key}: {', '.join(vals)}" for key, vals in values.items())
