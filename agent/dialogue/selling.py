"""Products and offers: what the catalogue says of a product or one of its variants, recommendations,
promotions, and the cross-sell with its coupon where the shop's rules allow. Offers are remembered, so
none is made twice in a session, and a yes to one is counted as accepted."""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from agent import metrics
from agent.dialogue import addresses, meant, money, products, reading
from agent.dialogue.state import Offer, Task
from agent.dialogue.turn import Answer, Turn, options
from agent.dialogue.product_facts import (MOST, best_named, cheapest, kin_named, fitting_shown, having_asked,
                                          product_facts, side_by_side, side_words)
from agent.dialogue.variant_answers import (CHEAPER_ONE, CHEAPEST, DEARER_ONE, DEAREST, EACH, MOST_LISTED, WHICH_ONES, extreme,
                                            variant_answer)
from agent.catalogue_search import NOT_SHOPPING, TWO_WANTS, by_meaning, describes_need, products_for, uses_named
from agent.catalogue_words import asked_attributes
from agent.variants import (asks_option, fitting, having, named_options, owner_of_options, owner_of_several_options,
                            without_unwanted)


def sell(turn: Turn, intent: str, offers: bool = True) -> Answer:
    """Recommendations and prices, with an offer where one fits (not in the middle of an order task, whose
    question comes back after the answer: two questions at once would leave "好" meaning either)."""
    dialogue, text = turn.dialogue, turn.text
    turn = replace(turn, selling=intent == "recommend")  # (what is sold out said so, without its price)
    if dialogue.offer and any(n != dialogue.offer.name for n, _ in products.products_in(text)):
        dialogue.offer = None  # "Alright. Then just tell me the price of the 8-inch e-reader": another question
    if dialogue.offer and (CHEAPEST.search(text) or DEAREST.search(text) or money.CHEAPER.search(text)
                           or money.budget(text) is not None):
        dialogue.offer = None  # ("ok honestly just tell me the cheapest one you have": another question, no yes)
    if dialogue.offer and (asks_option(text) or having(text)) and not reading.is_bare_answer(text):
        dialogue.offer = None  # ("不要太吵的 clicky的就算了 有背光最好": the suggestion narrowed, no no to the offer)
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
    if _OTHER_SHOPS.search(reading.BOUGHT_ELSEWHERE.sub(" ", text)) and not reading.GOING_ELSEWHERE.search(text) \
            and not _OTHERS_HAVE_IT.search(text):
        # "你们和别家比哪个便宜": no comparison with other shops, and no price matching (not "再不回我就去别家买了", a
        # threat, nor "don't tell me you have nothing, every other shop does": the question is answered; nor "上次在别家买的")
        return turn.answer("other_shops")
    catalogue = turn.shop.call("list_all_product_types", {})
    named = [(name, catalogue[name]) for name in products.options_of_others(products.by_their_names(
        [n for n, _ in products.not_option_stems(products.products_in(text), dialogue.product)], text)) if name in catalogue]
    named = [(n, pid) for n, pid in named if n not in products.replaced(text)]  # ("doesn't have to carry a suitcase")
    unwanted = products.unwanted(text)  # ("不要智能手表"; "something to read novels on … not a tablet tho": the need's)
    named = [(n, pid) for n, pid in named if n not in unwanted] \
        or ([] if any(n not in unwanted for n in products_for(text)) or owner_of_options(text) not in (None, *unwanted)
            else named)  # (the need reader's, or the one whose options are named: "over the ears … DON'T suggest earbuds")
    named = products.after_correction(named, text, name=lambda np: np[0])
    # (what the need is read from: after a correction, what follows it: "想买个跑步戴的耳机… 啊不对打错了 是跑步穿的鞋")
    said = products.CORRECTION.split(text)[-1] if products.corrects(text) else text
    if said is not text and named and not products.products_meant(text) and products_for(said):
        named = []  # (the earbuds named before it are no longer asked for; the shoes it describes are)
    if len(named) == 1 and named[0][0] not in task.products \
            and (kin := kin_named(turn, named[0][0], catalogue)) != named[0][0]:  # (not "the kettle" just shown)
        named = [(kin, catalogue[kin])]  # ("有没有waterproof的camera推荐": the action camera)
    if (theirs := products.only_theirs(text)) and ((rest := [(n, pid) for n, pid in named if n not in theirs])
                                                   or products_for(text)):
        named = rest  # ("i need a light for my desk … my laptop is the only thing near it": not a laptop)
    if intent == "recommend" and len(named) == 1 and not current \
            and len(needed := [n for n in products_for(text) if n in catalogue][:2]) == 2 and named[0][0] in needed \
            and (TWO_WANTS.search(text) or two_needs(text, needed)):
        # ("…晚上熄灯以后他还得写作业看书… 对了他喝水的杯子上周也摔碎了 一起帮我看看": the lamp the need is for, and the
        # bottle named beside it; "my back is wrecked from working on the sofa … and I drink like 5 coffees a day")
        return Answer(_for_need(turn, needed, catalogue, text), {"products": [(n, catalogue[n]) for n in needed]})
    if len(named) > 1 and len({w for _, w in products.products_in(text)}) == 1 \
            and len(shown := [(n, pid) for n, pid in named if n in task.products]) == 1:
        named = shown  # ("the kettle, how many litres?" after the Electric Kettle was recommended: that one)
    if len(named) == 2 and reading.COMPARES.search(text) and products.against_its_kind(text, [n for n, _ in named]):
        dialogue.task = None  # ("咖啡机和意式咖啡机有什么不一样", "普通的手表和智能手表价格差很多吗": the two side by side)
        return side_by_side(turn, [n for n, _ in sorted(named, key=lambda np: _said_at(text, np[0]))], catalogue)
    sides = side_words(text, catalogue) if len(named) > 1 else {}  # (each one's own words, where two are set apart)
    if len(named) > 1 and len({w for _, w in products.products_in(text)}) == 1 and not sides:
        # one word, two products ("耳机"; not "咖啡机跟那种专业意式咖啡机": each side its own):
        best = best_named(turn, [n for n, _ in named], catalogue)  # the one the options or the budget say,
        if not any(named_options(list(turn.product(pid)["variants"].values()), text) for _, pid in named) and (ends := [
                e for n, pid in named if (e := extreme(turn, n, list(turn.product(pid)["variants"].values())))]):
            dialogue.task = None  # or the end asked of each ("最便宜的笔记本": the laptop's and the notebook's)
            return Answer(" ".join(ends), {"products": [turn.product(pid) for _, pid in named]})
        named = [(best, catalogue[best])]
    in_order = sorted(named, key=lambda np: _said_at(text, np[0]))
    if intent == "recommend" and len(named) == 2 and not reading.COMPARES.search(text) \
            and (parts := _each_ones_words(text, [n for n, _ in in_order])):  # "要买个书包 再配个水杯 书包要能放电脑的
        dialogue.task = None                                                 # 水杯别是玻璃的": each with its own wishes
        return Answer(" ".join(_each_answer(replace(turn, text=part), n, pid) for (n, pid), part in zip(in_order, parts)),
                      {"products": in_order})
    if len(named) > 1 and (EACH.search(text) or len(CHEAPEST.findall(text)) > 1 or len(DEAREST.findall(text)) > 1) \
            and (ends := [e for n, pid in named if (e := extreme(turn, n, list(turn.product(pid)["variants"].values()),
                                                                 sides.get(n)))]):
        dialogue.task = None  # "an e-reader or a tablet, and what is the least expensive of each?", "your cheapest 1 liter
        #                       Electric Kettle or your cheapest 1 liter Tea Kettle?"
        return Answer(" ".join(ends), {"products": [turn.product(pid) for _, pid in named]})
    if len(named) == 2 and EACH.search(text) and not meant.OFFERS.search(text):
        dialogue.task = None  # ("跑鞋和休闲运动鞋 10码的 各多少钱": each one's price, no offers asked)
        return side_by_side(turn, [n for n, _ in in_order], catalogue)
    if len(named) > 1 and (end := _end_of_shown(turn, [n for n, _ in named], catalogue, which_one=False)):
        named = [(end, catalogue[end])]  # "a kettle, which one is cheapest": of every kettle we sell
    by_need = None  # (the recommendation a need's product by its options stands for)
    if not named and task.intent == "recommend" and task.product in catalogue:
        named = [(task.product, catalogue[task.product])]  # "any cheaper ones?" about the same thing
    elif not named and task.intent == "recommend" and (fit := fitting_shown(turn, catalogue)):
        named = [(fit, catalogue[fit])]  # "他穿11码, 要waterproof的" after three were recommended: the boots
    elif not named and task.intent == "recommend" and (have := having_asked(turn, catalogue)):
        named = [(have, catalogue[have])]  # "which one of those lasts the longest on one charge": the one that says
    elif not named and task.intent == "recommend" and (end := _end_of_shown(turn, task.products, catalogue)):
        named = [(end, catalogue[end])]  # "what's the cheapest of those?": that one, at its cheapest
    elif not named and task.intent == "recommend" and len(task.products) == 1 and task.products[0] in catalogue \
            and _WHICH_OF_TWO.search(text):
        named = [(task.products[0], catalogue[task.products[0]])]  # ("which one is easiest?" after one: of its kinds)
    elif not named and task.intent == "recommend" and len(task.products) == 2 and _WHICH_OF_TWO.search(text):
        dialogue.task = None  # ("which one is easiest to use?" after a coffee maker and an espresso machine: the two)
        return side_by_side(turn, task.products, catalogue)
    elif not named and task.intent == "recommend" and money.CHEAPER.search(text) and money.budget(text) is None \
            and (priced := sorted(
            (Decimal(p), n) for n in task.products if n in catalogue and (p := cheapest(turn, catalogue[n])))):
        named = [(priced[0][1], catalogue[priced[0][1]])]  # "那有没有便宜一点的" after two were recommended: the cheaper
    elif not named and money.CHEAPER.search(text) and dialogue.product in catalogue:
        named = [(dialogue.product, catalogue[dialogue.product])]  # the same, after a question about its price
    elif not named and dialogue.product in catalogue and named_options(
            list(turn.product(catalogue[dialogue.product])["variants"].values()), text):
        named = [(dialogue.product, catalogue[dialogue.product])]  # ("how much is the red one in M" after its colours:
        #                                                             that one, or the closest in stock)
    elif not named and not products_for(text) and (owner := owner_of_options(text)) in catalogue:
        named = [(owner, catalogue[owner])]  # "15寸i9 32G 512G的 和 13寸i7 32G 512G的 哪个便宜": the laptops
    elif not named and intent == "recommend" and (owner := owner_of_several_options(text)) in catalogue:
        named = [(owner, catalogue[owner])]  # ("obsessed with animals … the easiest level … 50 bucks max": the puzzle)
    elif not named and intent == "recommend" and (first := _first_by_options(turn, catalogue)):
        named = [(first, catalogue[first])]  # ("something to carry water to the gym, around 500ml. NOT glass": by them)
        by_need = Task(intent="recommend", products=[first], wish=addresses.EMAIL.sub(" ", text)[:200])
    product_id = named[0][1] if named else None
    dialogue.task = None
    # ("我在考虑买个无人机送我儿子，你们有吗": not sold, said first; then what fits the need, or the other thing asked
    # for: "有没有狗粮卖？没有的话 狗窝有吗")
    not_sold = turn.say("not_sold_short", thing=products.as_said(thing, turn.language)) + turn.between \
        if (thing := products.asks_if_sold(text, dialogue.not_sold)) else ""
    dialogue.not_sold = thing or dialogue.not_sold
    variants = variant_answer(turn, named[0][0], product_id) if product_id else None
    if intent == "recommend" and variants:  # "boots, size 11, waterproof?": that variant, not a list
        dialogue.task = by_need  # (a need's product: "which one of those lasts the longest" next is of those)
        return replace(variants, reply=not_sold + variants.reply)  # ("有没有printer卖 还有A4的notebook": no printer first)
    if intent == "recommend" and product_id and (MOST.search(text) or reading.QUESTION.search(text)) \
            and asked_attributes(products.without_products(text)):  # "a yoga mat, which one is thickest?": that one;
        if task.wish and (wished := named_options(list(turn.product(product_id)["variants"].values()), task.wish)):
            # ("…won't die if it gets splashed" … "which one of those lasts the longest": of the splash-proof ones)
            dialogue.product, dialogue.asked_options = named[0][0], {k: sorted(v) for k, v in wished.items()}
        return product_facts(turn, named[0][0])  # "平板有哪几种容量可以选": the tablets' storage
    if intent == "recommend" and product_id and (budget := money.budget(text)) is not None \
            and not cheapest(turn, product_id, budget) \
            and any(cheapest(turn, catalogue[n], budget) for n in _kin(named[0][0], catalogue)) \
            and any(products.kin_of(named[0][0], w) for n, w in products.products_in(text) if n == named[0][0]):
        # ("cameras under $600": the cameras within; not a puzzle for "一百块以内的台灯": the lamp's cheapest, above it;
        # nor other cameras for "digital camera under 2500": the one named, above it)
        reply, offer = _for_need(turn, _kin(named[0][0], catalogue), catalogue, turn.text), None
    elif intent == "recommend" and product_id:
        reply, offer = _in_stock(turn, task, named[0][0], product_id)
    elif intent == "recommend" and not named and meant.SHOP_END.search(text) and (end := _end_of_shop(turn, catalogue)):
        reply, offer = end, None  # ("你们店里最便宜的东西是啥😂 穷学生一个": the whole shop's, whoever asks)
    elif intent == "recommend" and (needed := [n for n in products_for(said) if n not in unwanted]) \
            and len(most := _most_of(turn, needed, catalogue)) == 1:
        return product_facts(turn, most[0])  # ("她练瑜伽…垫子太薄了…就要你们最厚的那种": the thickest yoga mat)
    elif intent == "recommend" and (needed := [n for n in products_for(said) if n not in unwanted]):
        # "a gift for my dad who hikes" (not the earbuds of "DON'T suggest earbuds")
        # (the need narrowed is read whole and keeps what was said of it: "老婆怀孕了…预算三百左右" … "她最近腰疼 晚上睡不好":
        # for her back, within 300; not a pet bed)
        need = f"{task.wish} {turn.text}" if task.intent == "recommend" and task.wish and not task.product else turn.text
        if need != turn.text:
            needed = [n for n in products_for(need) if n not in unwanted] or needed
        reply, offer = _for_need(turn, needed, catalogue, need), None
    elif intent == "recommend" and task.wish and money.budget(text) is not None and (needed := products_for(task.wish)):
        reply, offer = _for_need(turn, needed, catalogue, task.wish), None  # "budget is about 300": the same need
    elif (intent == "recommend" or intent == "price_promo" and not named and not meant.OFFERS.search(text)) \
            and (end := _end_of_shop(turn, catalogue)):  # "your cheapest thing in the whole store?", "店里最贵的是什么"
        reply, offer = end, None
    elif intent == "recommend" and not (current or dialogue.product) and describes_need(products.without_products(text)):
        # ("rainy weekend, the kids are climbing the walls, anything for the kitchen table?": no use word of
        # ours, yet a need: the products nearest to it in meaning, not the recommender's usual picks)
        reply, offer = _for_need(turn, by_meaning(text), catalogue, turn.text), None  # (the nearest in budget)
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


def _first_by_options(turn: Turn, catalogue: dict) -> str | None:
    """The product that fits the need best where the message names its options and none of the next two's ("around
    500ml. NOT glass": the water bottle; not a perfume for "男生" when a helmet fits a boy's birthday first; none where
    two things are wanted: "something to ride on, and something to protect her head … her head is small")."""
    need = [n for n in products_for(turn.text) if n in catalogue][:3]
    if TWO_WANTS.search(turn.text) or two_needs(turn.text, need):
        return None
    named = [bool(named_options(list(turn.product(catalogue[n])["variants"].values()), turn.text)) for n in need]
    return need[0] if named and named[0] and not any(named[1:]) else None


def _each_answer(turn: Turn, name: str, product_id: str) -> str:
    """One of two products wanted, from its own words: the variants they name, or those in stock."""
    named = variant_answer(turn, name, product_id)
    return named.reply if named else _in_stock(turn, Task(intent="recommend"), name, product_id)[0]


_WHICH_OF_TWO = re.compile(r"\bwhich (?:one|of (?:the|those|them|these)(?: two| 2)?)\b|哪(?:个|款|一个|一款)", re.IGNORECASE)


def _kin(name: str, catalogue: dict) -> list[str]:
    """The products of the same kind as the one named, it first: those whose names end in its last word
    (the Digital, Action and Indoor Security Camera; the Electric and Tea Kettle)."""
    return [name] + [n for n in catalogue if n != name and n.split()[-1] == name.split()[-1]]


def _said_at(text: str, name: str) -> int:
    """Where the message first names the product."""
    return min((text.lower().find(w.lower()) for n, w in products.products_in(text) if n == name and w.lower() in text.lower()),
               default=len(text))


def _each_ones_words(text: str, names: list[str]) -> list[str] | None:
    """The words about each of two products wanted in one message: each phrase goes with the product named
    last up to it, those before either with both. None unless each product has a phrase naming it."""
    phrases, said, current = [p for p in re.split(r"[，,。.;；!！?？\s]+", text) if p], {n: [] for n in names}, None
    for phrase in phrases:
        current = next((n for n, _ in reversed(products.products_in(phrase)) if n in said), current)
        for name in ([current] if current else names):
            said[name].append(phrase)
    parts = [" ".join(said[n]) for n in names]
    return parts if all(any(n == m for m, _ in products.products_in(part)) for n, part in zip(names, parts)) else None


def _in_stock(turn: Turn, task: Task, name: str, product_id: str) -> tuple[str, Offer | None]:
    """"Recommend me headphones": the ones in stock, cheapest first; "any cheaper?" below those shown."""
    variants = turn.product(product_id)["variants"].values()
    in_stock = sorted((v for v in variants if v["available"]), key=lambda v: Decimal(str(v["price"])))
    below = task.cheapest if money.CHEAPER.search(turn.text) and task.product == name else None
    if below is not None:
        in_stock = [v for v in in_stock if Decimal(str(v["price"])) < Decimal(below)]
    budget, over = money.budget(turn.text), ""
    if budget is not None and in_stock and not (in_stock := [v for v in in_stock if Decimal(str(v["price"])) <= budget]):
        in_stock = sorted((v for v in variants if v["available"]), key=lambda v: Decimal(str(v["price"])))[:1]
        over = turn.say("nothing_within", budget=budget) + " "  # "a tablet under 300": none; the cheapest, said so
    kept = without_unwanted(in_stock, turn.text)  # "水杯别是玻璃的": no glass ones; "大一点的": the large ones first
    fit = fitting(kept, turn.text)
    # (every one within a budget where they ask which there are: "500以内的行李箱有哪些")
    in_stock = (fit or kept)[:MOST_LISTED if budget is not None and not over and WHICH_ONES.search(turn.text) else 3]
    lines = [turn.say("variant_line", options=options(v), price=v["price"]) for v in in_stock]
    reply = over + (turn.say("recommend_variants", name=name, lines="; ".join(lines)) if lines else
                    turn.say("cheapest_shown" if below is not None else "out_of_stock", name=name))
    turn.dialogue.task = Task(intent="recommend", product=name,
                              cheapest=str(in_stock[0]["price"]) if in_stock else below)
    # ("the 11, leather, waterproof one: how much?" next; "robot那款" after vacuums for cat hair: a robotic one for it)
    named = named_options(list(variants), turn.text) if fit else {}
    turn.dialogue.product, turn.dialogue.asked_options = name, {k: sorted(v) for k, v in named.items()}
    return reply, _cross_sell(turn, turn.shop.call("list_promotions", {"product_id": product_id})["promotions"], name)


def how_to_buy(turn: Turn) -> Answer:
    """How to buy the product named or just talked about (or any, where none is): in the app, the H5 page or the
    mini-program, for this chat places no orders."""
    catalogue = turn.shop.call("list_all_product_types", {})
    task = turn.dialogue.task
    one_shown = task.products if task and len(task.products) == 1 else []
    name = next((n for n in (*(n for n, _ in products.products_in(turn.text)), turn.dialogue.product, *one_shown)
                 if n in catalogue), None)
    if not name:
        return turn.answer("how_to_buy_any")
    turn.dialogue.product = name
    return turn.answer("how_to_buy", {"product": turn.product(catalogue[name])}, name=name)


def perhaps_shopping(turn: Turn) -> Answer | None:
    """A message the model reads as outside the shop, where the need reader finds what we sell for what it describes
    ("健身房年卡太贵了 一年三千多 想在家自己练练力量", "two kids … something big on their bedroom wall … something we can
    all do together"): both readings, the products that fit as a maybe, then what we cannot help with."""
    if not (needed := products_for(turn.text)) or not describes_need(turn.text) or NOT_SHOPPING.search(turn.text) \
            or turn.dialogue.task and turn.dialogue.task.intent not in ("recommend", "product_info", "price_promo"):
        return None
    catalogue = turn.shop.call("list_all_product_types", {})
    listed = _for_need(turn, needed, catalogue, turn.text)
    return Answer(turn.say("perhaps_shopping", listed=listed), {"products": [(n, catalogue[n]) for n in needed if n in catalogue]})


def _for_need(turn: Turn, needed: list[str], catalogue: dict, need: str) -> str:
    """The products made for the need named, in stock within the budget, those shown remembered so that
    "size 11, waterproof?" next is about the one of them it fits, and the need so that "budget is about
    300" next narrows it."""
    if (budget := money.budget(turn.text)) is None:
        budget = money.budget(need)  # (the budget said with the need it narrows)
    # ("a light for my desk … that plugs into usb": the products with such a variant in stock, where some have one)
    having = [n for n in needed if n in catalogue and any(
        v["available"] for v in fitting(list(turn.product(catalogue[n])["variants"].values()), turn.text))]
    two_wanted = bool(TWO_WANTS.search(turn.text)) or two_needs(need, needed)
    if having and uses_named(need, having[0]) >= uses_named(need, needed[0]) and not two_wanted:
        needed = having  # (not a lamp for "宿舍用 要插电烧水的": the kettle fits the need better; nor only the helmet of
        # "something to ride on, and something to protect her head … her head is small": two things wanted)
    if (owner := owner_of_options(need)) in having and owner != needed[0] and needed[0] not in having and not two_wanted:
        needed = [owner, *(n for n in needed if n != owner)]  # ("宿舍只有个电磁炉 想烧开水": induction, which only the
        #                                                        Tea Kettle is made for, before the dorm's kettle)
    if needed and needed[0] in catalogue:  # two of one kind: the one more of the need is for ("要插电烧水那种壶 2L的":
        most = uses_named(need, needed[0], people=False)                     # the Electric, not the Tea Kettle)
        needed = [n for n in needed if n not in _kin(needed[0], catalogue)[1:] or uses_named(need, n, people=False) >= most]
    shown = [(n, p) for n in needed if n in catalogue and (p := cheapest(turn, catalogue[n], budget, turn.text))][:3]
    # nothing within the budget: the nearest above it, said as such, when it is near ("a gift for my wife, she
    # does yoga … around 100刀, she loves pink": the pink mat at 103.84), or whatever is within it for a gift ("$50
    # for a secret santa gift")
    above = sorted(((n, p) for n in needed if n in catalogue and (p := cheapest(turn, catalogue[n], None, turn.text))),
                   key=lambda np: Decimal(np[1]))[:3] if not shown and budget else []
    if not shown and budget and _GIFT.search(need) and not (above and Decimal(above[0][1]) <= budget * Decimal("1.1")):
        shown = _within(turn, catalogue, budget)
    if not shown and above:
        return _listed(turn, above, need, over=budget)
    if not shown:
        return turn.say("nothing_within", budget=budget) if budget else _picks(turn)[0]
    return _listed(turn, shown, need)


def two_needs(text: str, needed: list[str]) -> bool:
    """The first two products a need reads as each wanted for a need of its own, said in a clause of its own ("need
    stuff for uni, smth to carry my laptop around campus + smth to take notes in"), not two that fit one need (nor
    the thing one is for: "要一个大一点的背包 能装15寸电脑的")."""
    clauses = [c for c in _CLAUSE.split(text) if c and c.strip()]
    where = [{i for i, c in enumerate(clauses) if uses_named(c, n, people=False)} for n in needed[:2]]
    return len(where) == 2 and bool(where[0] - where[1]) and bool(where[1] - where[0])


# where a clause ends: a stop, a comma, a plus, "and", "also", 还/再/另外/顺便/要不, a space before Chinese
_CLAUSE = re.compile(r"[，,。.!！?？;；+\n]|\s+(?=\S*[\u4e00-\u9fff])|\b(?:and|also|plus)\b|还|再|另外|顺便|要不", re.IGNORECASE)


def _most_of(turn: Turn, needed: list[str], catalogue: dict) -> list[str]:
    """Of the products a need names, those that have what the shopper wants the most of ("最厚的那种": a thickness)."""
    if not (most := MOST.search(turn.text)):
        return []
    after = turn.text[most.start():most.end() + 20]  # the attribute said nearest after it ("longest battery life")
    asked = asked_attributes(after)
    found = sorted((m.start(), i) for i, a in enumerate(asked) if (m := a.words.search(after)))
    keys = asked[found[0][1]].keys if found else set()
    return [n for n in needed if n in catalogue and keys & {k for v in turn.product(catalogue[n])["variants"].values()
                                                            for k in v["options"]}]


def _listed(turn: Turn, shown: list[tuple[str, str]], wish: str, over: Decimal | None = None) -> str:
    """The products shown with their prices, remembered with the wish they answer ("那个最便宜的有几种颜色" next:
    of those); `over`: the budget none of them is within, said first."""
    turn.dialogue.task = Task(intent="recommend", products=[n for n, _ in shown],
                              wish=addresses.EMAIL.sub(" ", wish)[:200])
    lines = "; ".join(turn.say("recommend_line", name=n, price=p) for n, p in shown)
    return turn.say("recommend", lines=lines) if over is None \
        else turn.say("nothing_within", budget=over) + turn.say("nearest_above", lines=lines)


def _end_of_shown(turn: Turn, shown: list[str], catalogue: dict, which_one: bool = True) -> str | None:
    """Of the products just recommended, the one with the cheapest (or dearest) in stock, when asked for
    (`which_one`: "which one is cheaper?" asks it too)."""
    dearest = DEAREST.search(turn.text) or which_one and DEARER_ONE.search(turn.text)
    if not (dearest or CHEAPEST.search(turn.text) or which_one and CHEAPER_ONE.search(turn.text)):
        return None
    priced = [(Decimal(str(v["price"])), n) for n in shown if n in catalogue
              for v in turn.product(catalogue[n])["variants"].values() if v["available"]]
    return (max if dearest else min)(priced)[1] if priced else None


def _end_of_shop(turn: Turn, catalogue: dict) -> str | None:
    """The cheapest (or dearest) variant in stock over the whole catalogue, when that is asked and no product
    or need is named ("what's the cheapest thing in your store lol", "店里最贵的是什么")."""
    dearest = DEAREST.search(turn.text)
    if not (dearest or CHEAPEST.search(turn.text)) or products_for(turn.text) and not meant.SHOP_END.search(turn.text):
        return None  # (a need's cheapest is of its products, unless the whole shop's is asked: "你们店里最便宜的东西是啥 穷学生一个")
    in_stock = [(v, name) for name, pid in catalogue.items() for v in turn.product(pid)["variants"].values() if v["available"]]
    if not in_stock:
        return None
    variant, name = (max if dearest else min)(in_stock, key=lambda vn: Decimal(str(vn[0]["price"])))
    turn.dialogue.product, turn.dialogue.variant = name, variant["item_id"]
    return turn.say("dearest_in_shop" if dearest else "cheapest_in_shop", name=name, options=options(variant),
                    price=variant["price"])


def _within(turn: Turn, catalogue: dict, budget: Decimal) -> list[tuple[str, str]]:
    """Three products with a variant in stock within the budget, the recommender's picks first, then the
    dearest that fit (the most the money buys)."""
    picks = [r["name"] for r in turn.shop.call("recommend_products", {"limit": 10},
                                                as_shopper=turn.dialogue.user_id)["recommendations"]]
    within = [(n, p) for n in catalogue if (p := cheapest(turn, catalogue[n], budget))]
    return sorted(within, key=lambda np: (np[0] not in picks, -Decimal(np[1])))[:3]


def _picks(turn: Turn) -> tuple[str, Offer | None]:
    """The recommender's picks for this shopper, within the budget they named ("预算300美元左右"; where none
    of its picks is, what the catalogue has within it: "what can I actually get for fifty or less?")."""
    picks = turn.shop.call("recommend_products", {"limit": 10}, as_shopper=turn.dialogue.user_id)["recommendations"]
    if (budget := money.budget(turn.text)) is not None:
        if not (fit := [r for r in picks if Decimal(str(r["price_from"])) <= budget]):
            catalogue = turn.shop.call("list_all_product_types", {})
            within = _within(turn, catalogue, budget)  # (else the cheapest there are, said to be above it)
            shown = within or sorted(((n, p) for n in catalogue if (p := cheapest(turn, catalogue[n]))),
                                     key=lambda np: Decimal(np[1]))[:3]
            return _listed(turn, shown, turn.text, over=None if within else budget), None
        picks = fit
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
    if (kind := _WHOSE_DISCOUNT.search(turn.text)):  # "do you have a student discount?", "20 bottles, any bulk price?":
        bulk = _HAGGLE.search(kind[0]) and ("批量" if turn.language == "zh" else "bulk")  # ("prices negotiable for 20 units?")
        reply = turn.say("no_such_discount", kind=bulk or kind[0]) + reply   # no, then what there is
    return reply, _cross_sell(turn, promotions, name if product_id else "")


# a discount for a kind of shopper the shop has none for (members, VIPs and birthdays have theirs: the FAQ's
# account_membership answers them)
_WHOSE_DISCOUNT = re.compile(r"\b(?:students?|first (?:order|purchase|time)|new customers?|seniors?|military|teachers?|"
                             r"nurses?|bulk|wholesale|volume|negotiable|haggle)\b|学生|首单|新人|新客|新用户|老人|教师|军人|批发|团购|"
                             r"量大|议价|砍价|讲价", re.IGNORECASE)
_HAGGLE = re.compile(r"negotiable|haggle|议价|砍价|讲价", re.IGNORECASE)  # (a price talked down: no bulk discount either)


def _cross_sell(turn: Turn, promotions: list[dict], name: str = "") -> Offer | None:
    """The first promotion not offered yet in this session, as an offer of its first product. For a product
    looked at, only what goes with it (not "a keyboard 12% off with a laptop" to a shopper choosing a keyboard)."""
    fresh = [(p, offered) for p in promotions if p["coupon"] not in turn.dialogue.offers
             and (not name or name in (w["name"] for w in p["when_bought"]))
             and (offered := [o["name"] for o in p["offer"] if o["name"] != name])]
    return Offer(name=fresh[0][1][0], coupon=fresh[0][0]["coupon"], percent=fresh[0][0]["percent_off"]) if fresh else None


_GIFT = re.compile(r"\bgifts?\b|\bpresents?\b|secret santa|stocking|礼物|送(?:给|他|她|人|我?(?:爸|妈|老公|老婆|男朋友|女朋友|"
                   r"男友|女友|朋友|闺蜜|孩子|儿子|女儿|爷爷|奶奶|外公|外婆|长辈|同事|老师))", re.IGNORECASE)  # ("适合送爸爸的东西")
_OTHER_SHOPS = re.compile(r"别家|别的(?:店|家|平台)|其他(?:店|家|平台|商家)|淘宝|京东|拼多多|\bother (?:shops?|stores?|sites?)\b|"
                          r"(?<![a-z])amazon(?![a-z])|\bcompetitors?\b|\bprice ?match", re.IGNORECASE)
_OTHERS_HAVE_IT = re.compile(r"^(?!.*(?:match|cheaper|便宜|价)).*(?:\bother (?:shops?|stores?|sites?)\b[^.?!]{0,20}\b(?:does|do|has|have|sells?)\b|"
                             r"(?:别家|别的店|其他家)都有)", re.IGNORECASE)


