"""The policy router, one node of the turn graph: a human, the task under way, the answer cache, a short
question between two readings, a templated flow or the LLM tier."""
from __future__ import annotations

import re

from agent.dialogue.reading import KEEP_AS_IS, QUESTION, owns
from agent.dialogue import (ORDER_INTENTS, asks_about_product, asks_for_person, asks_price_of_variant, can_close,
                            confirms_what_is_done, continues_task, drops_task, gives_identity, is_bare_answer,
                            is_open_question, is_yes, names_product, return_instead, starts_new_task, wants_done)
from agent.catalogue_search import asks_of_catalogue, by_meaning, describes_need, products_for
from agent.catalogue_words import asked_attributes
from agent.dialogue.addresses import amends_address
from agent.dialogue.meant import OFFERS, WANTS
from agent.dialogue.money import budget
from agent.dialogue.products import asks_if_sold, asks_whether_sold, corrects
from agent.dialogue.routing import PRICE_ASKED, STOCK, names_option
from agent.replies import say
from agent.settings import Settings
from agent.variants import asks_option, owner_of_options
from agent.state import TurnState

# intents whose answer needs shop data the LLM must look up with a tool it is told to call
LLM_TOOL_FOR_INTENT = {"product_info": "get_product_details", "recommend": "recommend_products",
                       "price_promo": "get_product_details"}


async def choose_route(state: TurnState, deps) -> dict:
    """The policy router: a human, a task under way, the answer cache, a templated flow or the LLM. (A coroutine
    with nothing to await: see agent/graph.py.)"""
    u, context, settings, text = state["understanding"], state.get("context", {}), deps.settings, state["text"]
    # (a model's "human_agent" for a message that answers the task's question is no request for a person:
    # "my e-mail is …, I'm afraid I don't have the order number")
    model_asks = u["intent"] == "human_agent" and not (gives_identity(u["slots"], text) and continues_task(
        context, u["intent"], u["slots"], text)) and not asks_if_sold(text)  # ("你们有无人机吗": a drone, no person)
    # (a yes after the offer of a colleague takes it, unless a change stated before waits for that yes)
    takes_offer = is_yes(text) and _offered_a_colleague(state) and not context.get("pending") \
        and not _JUST_THANKS.search(text)  # ("ok got it 谢谢", "ok cool, just wanted the tracking, thanks")
    if model_asks or asks_for_person(text) or takes_offer:
        return {"route": "handoff"}
    if is_yes(text) and _offered_a_colleague(state) and context.get("pending") and _amends(state):
        # ("wait sorry, unit是15 不是5" went unanswered, then "yes 对了 confirm": a yes to the colleague or to
        # the change stated before the correction? Neither is done: the change is stated again for its yes)
        context = {k: v for k, v in context.items() if k != "pending"}
        return {"context": context, **_task_cache_or_llm({**state, "context": context}, deps)}
    if u["frustration"] >= settings.frustration_threshold:
        # angry about something we can look up or do now ("WHERE IS MY THERMOSTAT??? … #W7677118"): an
        # apology and the answer, with a person one word away; angry with nothing to act on, or stuck
        # (a task that failed before), a person at once
        if deps.shop is None or context.get("failures") or not _can_act_on(u, context, text, settings):
            return {"route": "handoff"}
        return {**_task_cache_or_llm(state, deps), "apologise": True}
    return _task_cache_or_llm(state, deps)


def _task_cache_or_llm(state: TurnState, deps) -> dict:
    """No person asked for: the task under way, the answer cache, a templated flow or the LLM."""
    u, context, settings, text = state["understanding"], state.get("context", {}), deps.settings, state["text"]
    if deps.shop is None:
        return _cache_or_llm(state, u, settings)
    update: dict = {}
    if drops_task(context, u["intent"], u["slots"], text, u.get("more", False)):  # "no, never mind"
        dropped = context["task"]["intent"]
        context = {k: v for k, v in context.items() if k not in ("task", "failures")}
        update["context"] = context
        # "不取消了，只改地址": the request that replaces it is taken up at once
        instead = u["intent"] != dropped and _sure(u, context, text, settings) and can_close(u["intent"], text, context) \
            and not KEEP_AS_IS.search(text)  # ("那先不改了，还是保持原来的吧": nothing else asked instead)
        if not instead and not (u.get("more") and _sure(u, context, text, settings)):
            return {**update, "route": "flow", "flow_intent": "acknowledge"}
    if starts_new_task(context, u["intent"], u["slots"], u["confidence"] >= settings.intent_confidence_threshold, text):
        carried = return_instead(context, u["intent"], text)  # ("不换了 直接退了吧": the same items)
        context = {k: v for k, v in context.items() if k not in ("task", "pending", "failures")}
        if carried:
            context["task"] = carried
        update["context"] = context
    if confirms_what_is_done(context, u["slots"], text):  # a yes again once it is done: nothing to redo
        return {**update, "route": "flow", "flow_intent": "acknowledge"}
    if continues_task(context, u["intent"], u["slots"], text):
        return {**update, "route": "flow", "flow_intent": context["task"]["intent"]}
    if is_bare_answer(text):  # a yes, no or "all of it" with nothing waiting for it
        return {**update, "route": "flow", "flow_intent": "acknowledge"}
    if asks_about_product(context, text):
        return {**update, "route": "flow", "flow_intent": "product_info"}
    closable = _sure(u, context, text, settings) and can_close(u["intent"], text, context)
    # several questions at once, grounded in the shop's current promotions (a polite, long way of asking
    # for one order request is that request: "…想取消掉，不知道还来得及吗？")
    # ("is the 17-inch one in stock? how much?", "a gift for my dad who loves hiking, what would you suggest?")
    # (not several questions the FAQ answers each of: "包邮吗？一般几天能到？")
    if is_open_question(text) and not state.get("cached_every_question") and not (closable and (u["intent"] in ORDER_INTENTS | {"account"} or (
            u["intent"] in CATALOGUE_INTENTS and (names_product(text) or asks_if_sold(text, context.get("not_sold"))
                                                  or owner_of_options(text)))
            or (u["intent"] == "recommend" and (products_for(text) or budget(text) is not None
                                                 or asks_of_catalogue(text) or _need_sure_in_meaning(text))))):
        # ("do you sell treadmills? if not, what …", "what can I actually get for fifty or less?")
        return {**update, "route": "llm", "tool": "list_promotions"}
    # "update my address": do it; "那refund多少钱？多久到账？" about the order just talked about: its refund
    # ("WHY is my order still not shipped?? 我要cancel": a request in so many words, the flow takes it up)
    # (and "那个pending的能改地址吗" while they choose between their orders: about one of them, not the rules)
    choosing = (state.get("context", {}).get("task") or {}).get("asked") == "which_order"
    about_order = u["intent"] in ORDER_INTENTS and (
        context.get("user_id") and (context.get("slots", {}).get("order_id") or choosing) or wants_done(text))
    # (a need and a policy question in one message: the flow answers the need, then the FAQ the question, apart:
    # "想买个台灯 150以内 对了能开发票吗")
    several = closable and u["intent"] in CATALOGUE_INTENTS and len(u.get("requests") or []) > 1
    if state.get("cached_answer") and not (closable and (u["intent"] == "account" or about_order) or several):
        return {**update, **_cache_or_llm(state, u, settings)}
    if not closable and u["slots"].get("order_id"):
        # an order id says the shopper means one of their orders: the likeliest order request, which
        # states the order and waits for a yes before anything changes
        best = max(ORDER_INTENTS, key=lambda intent: u["scores"].get(intent, 0.0))
        if u["scores"].get(best, 0.0) > 0:
            return {**update, "route": "flow", "flow_intent": best}
    # an identity given without a request we can act on: verify it (or refuse a second shopper) here
    if gives_identity(u["slots"], text) and not (closable and u["intent"] in ACTIONS):
        return {**update, "route": "flow", "flow_intent": "identify"}
    if closable:
        return {**update, "route": "flow", "flow_intent": u["intent"]}
    if not state.get("cached_answer") and (pair := _two_readings(u, settings)):
        return {**update, "route": "clarify", "reply": say("clarify", state["language"],
                                                           first=say(f"means_{pair[0]}", state["language"]),
                                                           second=say(f"means_{pair[1]}", state["language"]))}
    return {**update, **_cache_or_llm(state, u, settings)}


def _two_readings(u: dict, settings: Settings) -> tuple[str, str] | None:
    """Two close readings, neither sure ("can this jacket still go back?": return it, or the rules?):
    a short question between them costs the shopper less than a wrong flow or a slow LLM answer."""
    ranked = sorted(u["scores"].items(), key=lambda kv: -kv[1])[:2]
    if len(ranked) < 2 or u["confidence"] >= settings.intent_confidence_threshold:
        return None
    (first, p1), (second, p2) = ranked
    if u["intent"] != first:  # the words decided one reading already ("智能手表戴了一个礼拜屏幕就花了": a complaint)
        return None
    return (first, second) if p1 - p2 < settings.clarify_margin and p1 + p2 >= 0.6 else None


# intents whose flow does something with the shopper's identity (the others are answered without it)
ACTIONS = ORDER_INTENTS | {"account", "price_promo", "recommend", "product_info"}


def _sure(u: dict, context: dict, text: str, settings: Settings) -> bool:
    """Sure enough of the intent for a templated flow: confident, or half as confident and backed by the
    conversation (the topic of the turn before, the shopper's order just talked about) or by the words (a
    product of ours named in a question about products). A wrong flow costs a question, never an action: every change waits for a yes."""
    threshold = settings.intent_confidence_threshold
    backed = u["intent"] == context.get("last_intent") or (u["intent"] in CATALOGUE_INTENTS and names_product(text)) \
        or (u["intent"] in CATALOGUE_INTENTS and context.get("product") and names_option(text)) \
        or (u["intent"] == "recommend" and not is_open_question(text) and bool(products_for(text))) \
        or (u["intent"] in ORDER_INTENTS and (names_product(text) or gives_identity(u["slots"], text)
                                              or context.get("user_id") and context.get("slots", {}).get("order_id")))
    # (the words ask of the catalogue: its options and a price asked; "有卖猫爬架的吗"; "只有燃气灶 想烧点开水泡茶，买啥合适";
    # a need and its budget: "my dad just started biking to work … anything under $200 that'd make him safer?")
    return u["confidence"] >= threshold or (backed and u["confidence"] >= threshold / 2) \
        or (u["intent"] in CATALOGUE_INTENTS and (asks_price_of_variant(text) or asks_whether_sold(text)
                                                  or asks_if_sold(text, context.get("not_sold")))) \
        or (u["intent"] == "recommend" and bool(products_for(text))
            and (bool(WANTS.search(text)) and not is_open_question(text) or budget(text) is not None)) \
        or (u["intent"] == "recommend" and (bool(products_for(text)) or describes_need(text)) and asks_of_catalogue(text)
            and not OFFERS.search(text)) \
        or (u["intent"] == "recommend" and _need_sure_in_meaning(text))
    # (the catalogue reader hears a need of ours: "女朋友练瑜伽快一年了 … 送什么好？", "we run a small cafe … need something
    # that pulls proper shots at 19 bar … What fits?"; not "…还有什么装备适合带的？有没有在打折的？": the offers too, the LLM's;
    # or is sure of it in meaning, one or two products, asked for in so many words: "my nephew … hangs out at the skate
    # park … what could I get him from your shop?")


CATALOGUE_INTENTS = {"product_info", "recommend", "price_promo"}


def _need_sure_in_meaning(text: str) -> bool:
    """A need asked for in so many words that the catalogue reader finds one or two products for by meaning alone."""
    return bool(WANTS.search(text)) and describes_need(text) and not OFFERS.search(text) and 0 < len(by_meaning(text)) <= 2


def _cache_or_llm(state: TurnState, u: dict, settings: Settings) -> dict:
    if state.get("cached_answer"):  # the FAQ's own words are the facts the output rails check against
        return {"route": "cache", "reply": state["cached_answer"], "facts": {"faq_answer": state["cached_answer"]}}
    confident = u["confidence"] >= settings.intent_confidence_threshold
    return {"route": "llm", "tool": LLM_TOOL_FOR_INTENT.get(u["intent"] or "") if confident else None}


def _can_act_on(u: dict, context: dict, text: str, settings: Settings) -> bool:
    """The message carries the task under way on, asks for an order request with something to find the
    order by (its id, the shopper's identity, a product of theirs), asks a product's stock or price, or
    follows up on the product just talked about."""
    if continues_task(context, u["intent"], u["slots"], text):
        return True
    # ("我要退货！！马上！！": a request in so many words is something to do, the shopper proven first)
    concrete = u["slots"].get("order_id") or gives_identity(u["slots"], text) or names_product(text) or wants_done(text)
    # ("我都问三遍了！！！绿色 小号 真皮的双肩包 到底有没有货？？？": a product by its options, its stock asked)
    # ("问了三遍了！这个空气净化器到底有没有HEPA滤网": its filter; "DO YOU SELL MATTRESSES OR NOT. third time asking":
    # whether we do; a need; "THE WIRELESS ONE. BLACK. is that so hard" after the power banks were listed: that one)
    return u["intent"] in ORDER_INTENTS and bool(concrete) and _sure(u, context, text, settings) \
        or u["intent"] in CATALOGUE_INTENTS and (asks_price_of_variant(text) or asks_whether_sold(text) or names_product(
            text) and (names_option(text) or bool(asked_attributes(text)) or bool(PRICE_ASKED.search(text))
                       or bool(STOCK.search(text))  # ("你们的智能手表到底有没有货！！！": its stock)
                       or budget(text) is not None)  # ("手机怎么都这么贵？？有没有一千块以内的": within it)
            or bool(products_for(text))
            or names_product(text) and asks_of_catalogue(text)) \
        or u["intent"] == "complaint" and names_product(text) and not owns(text) \
        and bool(QUESTION.search(text) or _HAVE_IT.search(text)) \
        and (names_option(text) or bool(PRICE_ASKED.search(text))) \
        or asks_about_product(context, text) \
        or not owns(text) and _need_sure_in_meaning(text)  # ("THIRD TIME I'M ASKING … What do you actually sell that
    #                                                     fixes that??" after a phone that dies on shift: a need of ours)


_HAVE_IT = re.compile(r"\b(?:do|does) (?:you|u|y'?all) (?:have|sell|carry|stock)\b|有没有|有吗|有货吗|"
                      r"\bwhat (?:you|u|y'?all) (?:actually |really )?(?:have|got|sell|carry|stock)\b", re.IGNORECASE)
_JUST_THANKS = re.compile(r"\b(?:thanks?|thx|ty|got it|cool|never ?mind|nvm|no worries|bye)\b|谢谢|多谢|明白了|知道了|不用了|再见|拜拜",
                          re.IGNORECASE)  # ("ok no worries, bye" after the offer of a colleague: no yes to it)


def _amends(state: TurnState) -> bool:
    """The shopper's message before this one changed something of the change stated: a correction, an
    option, a part of an address."""
    said = (state.get("history") or [{}])[-1].get("shopper", "")
    return bool(said) and (corrects(said) or asks_option(said) or amends_address(said))


def _offered_a_colleague(state: TurnState) -> bool:
    """The last reply offered a person (the LLM tier could not answer): a yes takes the offer."""
    history = state.get("history") or [{}]
    return history[-1].get("reply") in (say("llm_down", "en"), say("llm_down", "zh"))
