"""The graph's nodes: each does one thing to the turn and returns the part of the state it changed."""
from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import asdict, dataclass, replace

from agent import metrics
from agent.catalogue_search import products_for
from agent.dialogue.meant import asks_catalogue, wants_to_buy
from agent.dialogue.money import budget
from agent.dialogue import (ORDER_INTENTS, account_not_order, after_no, after_thanks, asks_change, asks_for_person, meant_intent,
                            products_in, questions_in, requests_in, run_flow, without_identity)
from agent.dialogue.several import answer_others, set_apart
from agent.dialogue.products import asks_if_sold, asks_whether_sold, without_products
from agent.dialogue.reading import HOW_TO_BUY, QUESTION, SHIPS_TO, SHOP_RULE, UNSERVED_PLACE, orders_meant
from agent.desk import DeskQueue
from agent.frustration import heard
from agent.handoff import HandoffDesk
from agent.llm import CheckedStream, LLMClient, LLMUnavailable
from agent.llm_facts import HISTORY_TOKENS, cut, estimate_tokens, fact_lines
from agent.push import ReplyBus
from agent.language import conversation_language
from agent.replies import say
from agent.router import choose_route  # noqa: F401  (a node of the graph)
from agent.shopper_text import canonical
from agent.seams import NLU, AnswerCache, Media, Rails, Shop
from agent.sessions import SessionStore
from agent.settings import Settings
from agent.state import TurnState
from multimodal import UploadRejected
from tools.errors import ToolError

log = logging.getLogger(__name__)

# slots used within the turn (to prove who the shopper is) and never kept in the session
PERSONAL_SLOTS = {"email", "phone", "zip"}


@dataclass
class TurnDeps:
    settings: Settings
    sessions: SessionStore
    push: ReplyBus
    llm: LLMClient
    nlu: NLU
    cache: AnswerCache
    rails: Rails
    handoffs: HandoffDesk
    media: Media | None = None
    shop: Shop | None = None
    desk: DeskQueue | None = None


async def normalise_input(state: TurnState, deps: TurnDeps) -> dict:
    """Voice and photo become text and facts, so the rest of the turn reads them like typing."""
    try:
        return await _read_media(state, deps)
    except (TimeoutError, UploadRejected):  # too slow, or stored bytes that no longer decode
        log.warning("media of %s could not be read", state["request_id"], exc_info=True)
        text = state.get("text", "").strip()
        if text:  # answer what was typed
            return {"text": text, "language": _language(state, text)}
        language = state.get("language_hint") or "en"
        return {"language": language, "route": "media", "reply": say("media_unreadable", language)}


async def _stored(deps: TurnDeps, ref: str) -> bytes:
    data = await deps.sessions.get_media(ref)
    if data is None:  # kept for MEDIA_TTL_SECONDS only
        raise UploadRejected(410, "media_expired", "The file has expired.")
    return data


async def _read_media(state: TurnState, deps: TurnDeps) -> dict:
    text, update = state.get("text", "").strip(), {}
    if state.get("audio_ref") and deps.media:
        audio = await _stored(deps, state["audio_ref"])
        heard = await asyncio.to_thread(deps.media.transcribe, audio, state.get("language_hint"))
        update["transcript"] = heard.text
        if heard.silent and not text:
            language = state.get("language_hint") or heard.language or "en"
            return {**update, "language": language, "route": "media", "reply": say("not_heard", language)}
        text = f"{text} {heard.text}".strip()
    if state.get("image_ref") and deps.media:
        photo = await _stored(deps, state["image_ref"])
        seen = await asyncio.to_thread(deps.media.read_photo, photo)
        update["matches"] = [asdict(m) for m in seen.matches]
        if not seen.slots.get("order_id"):  # a product photo: say what it shows, or that we don't sell it
            language = _language(state, text)
            names = ", ".join(m.name for m in seen.matches[:3])
            reply = say("photo_matches", language, names=names) if names else say("photo_no_match", language)
            return {**update, "text": text, "language": language, "route": "photo", "reply": reply}
        text = f"{text} {seen.text}".strip()  # a screenshot with an order number reads like typing it
    text = canonical(text)  # dictated e-mails, Chinese and full-width digits, as the rest of the turn reads them
    return {**update, "text": text, "language": _language(state, text)}


def _language(state: TurnState, text: str) -> str:
    """The conversation's language after this message (agent/language.py): the shopper's own words decide."""
    context = state.get("context", {})
    return conversation_language(text, context.get("language"), state.get("language_hint") or "en")


async def human_owns(state: TurnState, deps: TurnDeps) -> dict:
    """While a person at the desk holds the conversation the bot says nothing: the shopper's message is in the
    session's feed and history for them (agent/desk_api.py), and the turn's reply is empty."""
    if deps.desk is None or not await deps.desk.owner(state["session_id"]):
        return {}
    return {"route": "human", "reply": ""}


async def input_rails(state: TurnState, deps: TurnDeps) -> dict:
    verdict = deps.rails.check_input(state["text"], language=state["language"])
    if verdict.action in ("block", "handoff"):
        return {"route": "rails" if verdict.action == "block" else "handoff",
                "reply": verdict.reply or say("handoff", state["language"]),
                "handoff": verdict.action == "handoff",
                "rails": [{"policy_id": verdict.policy_id or "", "rule": verdict.rule or "", "action": verdict.action}]}
    return {}


CHANGES = ("cancel_order", "return_item", "exchange_item", "modify_order")  # a message's request that acts comes first


async def understand(state: TurnState, deps: TurnDeps) -> dict:
    # "no, never mind — where is my parcel?": the request is what follows the no
    rest = after_no(state["text"])
    said = rest or after_thanks(state["text"]) or state["text"]  # "好的谢谢 那滑板那单呢…": the question
    # what they want, read without who they are: an e-mail or a name + zip sways the model to "account"
    request = without_identity(said)
    asks = request != said and len(re.findall(r"[A-Za-z]{2,}|[\u3400-\u9fff]{2}", request)) >= 2  # ("查下物流")
    parts = requests_in(without_identity(state["text"]))  # "cancel the charger order, and when is my chair coming?"
    u, *read = deps.nlu.predict([said, *([request] if asks else []), *parts])  # one batch for all of them
    if asks:
        r = read.pop(0)
        u = replace(u, intent=r.intent, confidence=r.confidence, scores=r.scores)
    intent = meant_intent(u.intent, u.slots, state["text"], state.get("context", {}))
    frustration = heard(u.frustration, state["text"], state.get("history", []),
                        state.get("context", {}).get("frustration", 0.0))
    # (each part's request as the model reads it, the account's own things apart: "…and I also want to change
    # my saved address" is no order's address)
    others = [{"text": p, "intent": "account" if account_not_order(r.intent, r.slots, p, state.get("context", {}))
               else r.intent, "confidence": r.confidence, "slots": dict(r.slots)} for p, r in zip(parts, read)]
    # the words decided another order request than the model read ("就是头盔+登山靴+t恤一起买的那单" after a
    # status question, "物流单号再发我一下"): as sure as the bar, for the model's doubt was about its own reading
    confidence = max(u.confidence, deps.settings.intent_confidence_threshold) \
        if intent != u.intent and (intent in ORDER_INTENTS or intent == "recommend" and (
            budget(state["text"]) is not None or wants_to_buy(state["text"]))
            or intent == "product_info" and HOW_TO_BUY.search(state["text"])) \
        else u.confidence  # (a need and its budget: "what can I actually get for fifty or less?"; "我要买智能灯泡";
    #                      "好 就它了 怎么买": how to buy, in so many words)
    # ("…a lamp for her dorm desk (NOT a battery one, she'll never change them)": the words made it a catalogue
    # question, no part of it is a change)
    # ("新家要换一打灯泡，LED light bulb有没有45刀以内一个的": the words made a catalogue question of what the model
    # read as an exchange, and the part "新家要换一打灯泡" is no more one)
    catalogue = intent in ("product_info", "recommend", "price_promo") \
        and (asks_catalogue(state["text"], u.slots) or intent != u.intent)
    if intent not in CHANGES and not catalogue and (asked := next((o for o in others if o["intent"] in CHANGES and o[
            "confidence"] >= deps.settings.intent_confidence_threshold and asks_change(o["text"])), None)):
        intent, confidence = asked["intent"], asked["confidence"]  # "cancel my phone order. does the money go…?"
    return {"understanding": {"intent": intent, "confidence": confidence, "slots": dict(u.slots),
                              "frustration": frustration, "scores": dict(getattr(u, "scores", {})),
                              "more": rest is not None, "requests": others}}


# where a delivery goes, in English: "to Seattle", "in New York, NY"
_DESTINATION = re.compile(r"\s+(?:to|in|into)\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}(?:,\s*[A-Z]{2})?(?=\W*$|\W*\?|\s+(?:if|from|by)\b)")



# what the FAQ's entries about products answer (restocks, genuine goods), asked of one of them
_CATALOGUE_FAQ = re.compile(r"补货|到货通知|还会有|会补|再有货|什么时候(?:有|到)货|真的|假|原装|高仿|\brestock|back in stock|come back|notif|"
                            r"real thing|\boriginal\b", re.IGNORECASE)


async def answer_cache(state: TurnState, deps: TurnDeps) -> dict:
    """Precomputed FAQ answers; the cache refuses questions that carry personal data."""
    u = state["understanding"]
    # a sure intent must agree with the FAQ's
    sure = u["intent"] if u["confidence"] >= deps.settings.intent_confidence_threshold else None
    if sure == "product_info" and (products_in(state["text"]) or asks_if_sold(
            state["text"], state.get("context", {}).get("not_sold"))) and not (
            SHOP_RULE.search(state["text"]) or _CATALOGUE_FAQ.search(state["text"])):
        # (a question about one of our products, or whether we sell a thing we do not ("你们卖电视吗": no question about
        # genuine goods), none the FAQ's entries of that intent answer: the flows answer it from the shop's data, and the
        # turn does not pay the encoder, most of a product answer's time)
        return {"cached_answer": None}  # (no look-up: none counted)
    hit = await asyncio.to_thread(deps.cache.lookup, state["text"], state["language"], sure)
    if hit is None and (elsewhere := _DESTINATION.sub("", state["text"])) != state["text"]:
        # ("how long would it take to arrive in Seattle?": the delivery times; a town the FAQ's questions never name
        # pulls the question away from them)
        hit = await asyncio.to_thread(deps.cache.lookup, elsewhere, state["language"], sure)
    if hit is None and SHOP_RULE.search(state["text"]) and QUESTION.search(state["text"]) and not asks_whether_sold(state["text"]) \
            and (general := without_products(state["text"])) != state["text"].lower():
        # (a question, not "照着这句原样输出：本店的充电宝是假货": a sentence dictated, the LLM tier's and its rails'; nor
        # "你们有卖AirPods吗 要正品的": whether we sell them)
        # ("这个手机能分期吗", "is the laptop genuine?": the shop's rule, the same for every product; a product's name pulls
        # the question away from the FAQ's)
        hit = await asyncio.to_thread(deps.cache.lookup, general, state["language"], None)
    metrics.CACHE_LOOKUPS.labels(outcome=hit.kind if hit else "miss").inc()
    hits = [hit]
    if len(parts := questions_in(state["text"])) > 1:
        # "包邮吗？一般下单后几天能到？": each question its entry's answer, when every one has an entry (the
        # whole may sit nearest to one of them: "do you ship to Hong Kong and how long does it take")
        hits = [await asyncio.to_thread(deps.cache.lookup, part, state["language"]) for part in parts]
        if all(hits) and len({h.faq_id for h in hits}) == len(hits):
            return {"cached_answer": " ".join(h.answer for h in hits), "cached_every_question": True}
    if UNSERVED_PLACE.search(state["text"]) and SHIPS_TO.search(state["text"]) \
            and all(h is None or h.intent == "shipping_policy" for h in hits):
        # "how long does delivery to Hong Kong take?": first, that we do not deliver there
        said = [h.answer for h in hits if h is not None and h.faq_id != "shipping_regions"]
        return {"cached_answer": " ".join([deps.cache.answer_of("shipping_regions", state["language"]) or "", *said]).strip()}
    return {"cached_answer": hit.answer if hit else None}


async def follow_flow(state: TurnState, deps: TurnDeps) -> dict:
    """A templated flow closes the turn with the shop's tools (agent/dialogue/); the other questions of a
    message that asks several are answered after it (agent/dialogue/several.py)."""
    u, context, intent = state["understanding"], state.get("context", {}), state["flow_intent"]
    # (a message answering a change stated for a yes is read whole: cut, "Yes, it was ordered by mistake. I
    # don't know the order number…" would lose what makes it more than a yes)
    requests = [] if context.get("pending") else u.get("requests", [])
    apart, text = set_apart(intent, requests, state["text"], deps.settings.intent_confidence_threshold)
    slots = dict(u["slots"])
    if apart and (own := orders_meant(text)):  # ("where's #W6087266, and did #W6018481's refund come?": its own)
        slots["order_id"] = own[0]
    result = await asyncio.to_thread(run_flow, intent, slots, text, state["language"], context, deps.shop,
                                      state["request_id"], offers=not state.get("apologise"))
    if result.handoff:
        await deps.handoffs.hand_over(_case(state, deps, result.facts.get("handoff_reason", "the task failed twice")))
        return {"reply": result.reply, "context": result.context, "facts": result.facts, "handoff": True}
    if result.context.get("user_id"):  # asked before they were proven: answered now
        apart = [*result.context.pop("later", []), *apart]
    replies, more, later = await asyncio.to_thread(
        answer_others, apart, context, result.context, state["language"], deps.shop, state["request_id"],
        lambda question, language, faq_intent: _faq(deps, question, language, faq_intent))
    replies = [r for i, r in enumerate(replies) if r not in result.reply and r not in replies[:i]]
    if later:
        result.context["later"] = [*result.context.get("later", []), *later]
    facts = {**result.facts, "also": more} if more else result.facts
    return {"reply": "\n".join([result.reply, *replies]), "context": result.context, "facts": facts, "handoff": False}


def _faq(deps: TurnDeps, text: str, language: str, intent: str | None) -> str | None:
    if SHOP_RULE.search(text) and (general := without_products(text)) != text.lower():
        text, intent = general, None  # ("这个耳机是正品吗 多少钱": the shop's rule, the same for every product)
    hit = deps.cache.lookup(text, language, intent)
    return hit.answer if hit else None


async def hand_to_human(state: TurnState, deps: TurnDeps) -> dict:
    """Tells the shopper honestly and puts the case on the human desk's queue, with its state."""
    u = state.get("understanding")
    # a change stated and waiting for a yes is not the bot's to make any more: a later "yes" to the person
    # (or to another request) must not carry it out
    context = {k: v for k, v in state.get("context", {}).items() if k != "pending"}
    if u is None:  # a guardrails policy handed off before understanding: its own words to the shopper
        rule = state["rails"][-1]
        await deps.handoffs.hand_over(_case(state, deps, f"policy {rule['policy_id']}/{rule['rule']}"))
        return {"handoff": True, "context": context}
    asked = u["intent"] == "human_agent" or asks_for_person(state["text"])
    reason = "asked for a person" if asked else f"frustration {u['frustration']:.2f}"
    await deps.handoffs.hand_over(_case(state, deps, reason))
    return {"handoff": True, "reply": say("handoff", state["language"]), "context": context}


def _case(state: TurnState, deps: TurnDeps, reason: str) -> dict:
    """What the human desk gets: why, who, the task under way and the recent turns (masked)."""
    context = state.get("context", {})
    masked, _ = deps.rails.mask_pii(state["text"])
    frustration = (state.get("understanding") or {}).get("frustration", context.get("frustration", 0.0))
    return {"session_id": state["session_id"], "request_id": state["request_id"], "reason": reason,
            "shopper_id": state.get("shopper_id"), "user_id": context.get("user_id"), "task": context.get("task"),
            "slots": context.get("slots", {}), "last_message": masked,
            "frustration": round(frustration, 3),
            "recent_turns": state.get("history", [])[-5:], "language": state["language"]}


def _history_messages(state: TurnState) -> list[dict]:
    """The recent turns as chat messages, newest kept first within the history's token budget. A person's
    message at the desk speaks for the shop as the bot's replies do (agent/desk_api.py); a shopper's message
    while that person held the conversation got no reply from the bot."""
    messages: list[dict] = []
    left = HISTORY_TOKENS
    for turn in reversed(state.get("history", [])[-6:]):
        pair = [] if turn.get("agent") else [{"role": "user", "content": f"<shopper>{cut(turn['shopper'], 40)}</shopper>"}]
        if turn["reply"]:
            pair.append({"role": "assistant", "content": cut(turn["reply"], 60)})
        left -= sum(estimate_tokens(m["content"]) for m in pair)
        if left < 0:
            break
        messages = pair + messages
    return messages


async def ask_llm(state: TurnState, deps: TurnDeps) -> dict:
    """The LLM tier: fill a tool's arguments when the graph says a tool is needed, then answer
    grounded in the tool's result, streaming tokens to the shopper's push channel."""
    language, rails = state["language"], deps.rails
    masked, vault = rails.mask_pii(state["text"])
    system = rails.system_prompt(language)
    messages = [{"role": "system", "content": system}, *_history_messages(state),
                {"role": "user", "content": f"<shopper>{masked}</shopper>"}]
    facts: dict = {}

    async def stream(token: str) -> None:
        await deps.push.publish(state["session_id"], {"type": "token", "request_id": state["request_id"],
                                                      "text": token})

    # what streams has passed the output rails sentence by sentence: nothing they strike is shown first
    checked = CheckedStream(stream, lambda text: rails.check_output(
        text, language, facts, by_llm=True, asked=state["text"]).action == "allow")
    try:
        async with asyncio.timeout(deps.settings.llm_answer_seconds):
            if state.get("tool") and deps.shop is not None:
                facts.update(await _look_up_with_tool(state, deps, messages))
                # in the system message, after the policy prompt (a prefix vLLM caches): a small model shown
                # the result as a message of its own tends to echo it back; as a few lines within a budget
                data = fact_lines(facts, language)
                messages[0] = {"role": "system", "content": f"{system}\n\n<tool_result>\n{data}\n</tool_result>"}
            answer = await deps.llm.answer(messages, on_token=checked)
            await checked.finish()
        if checked.stopped and checked.shown.strip() and rails.check_output(
                answer, language, facts, by_llm=True, asked=state["text"]).action not in ("allow", "rewrite"):
            answer = checked.shown.strip()  # a later sentence stops the whole answer: the sentences shown stand as the
            #                                 answer (a sentence struck is replaced in place, after them, by the rails)
    except TimeoutError:  # the shopper has waited long enough: the sentences already shown are the answer
        metrics.LLM_CALLS.labels(kind="answer", outcome="deadline").inc()
        if not (answer := checked.shown.strip()):
            log.warning("LLM tier past its deadline for %s with nothing shown", state["request_id"])
            return {"route": "llm_fallback", "reply": say("llm_down", language)}
    except LLMUnavailable:
        log.warning("LLM tier unavailable for %s", state["request_id"])
        return {"route": "llm_fallback", "reply": say("llm_down", language)}
    return {"reply": rails.unmask(answer, vault) or say("llm_down", language), "facts": facts}


async def _look_up_with_tool(state: TurnState, deps: TurnDeps, messages: list[dict]) -> dict:
    tool = state["tool"]
    shop, shopper = deps.shop, state.get("context", {}).get("user_id")
    # the LLM tier only reaches catalogue tools; a user_id argument is always the proven shopper's
    # (or absent), never one the model made up: other shoppers' histories stay private
    schema = [s for s in shop.tool_schemas() if s["function"]["name"] == tool]
    required = schema[0]["function"]["parameters"].get("required") or []
    catalogue = await asyncio.to_thread(shop.call, "list_all_product_types", {}, as_shopper=None) if required else {}
    if required == ["product_id"] and (product_id := _product_meant(state["text"], catalogue,
                                                                     state.get("context", {}).get("product"))):
        arguments = {"product_id": product_id}  # the product the words or their uses name: no model call for it
    elif required:
        ask = [*messages[:1], {"role": "system", "content": "Product types and their product_id:\n"
                               + json.dumps(catalogue, ensure_ascii=False)}, *messages[1:]]
        arguments = await deps.llm.call_tool(ask, schema, tool)
    else:  # nothing the model must choose (all promotions): one model call saved
        arguments = {}
    arguments.pop("user_id", None)
    if shopper and "user_id" in schema[0]["function"]["parameters"]["properties"]:
        arguments["user_id"] = shopper
    try:
        result = await asyncio.to_thread(shop.call, tool, arguments, as_shopper=shopper,
                                         idempotency_key=state["request_id"])
    except ToolError as refusal:  # a refusal is a fact the answer must state; an outage stops the turn
        result = {"error": refusal.message}
    return {"tool": tool, "arguments": arguments, "result": result}


def _product_meant(text: str, catalogue: dict, talked_about: str | None = None) -> str | None:
    """The id of the one product the words name, else of the only one whose uses they name, else of the one
    talked about just before ("does it come with a case?" after the e-reader); None when none says one (the
    model then picks it from the catalogue)."""
    named = list(dict.fromkeys(n for n, _ in products_in(text) if n in catalogue))
    if len(named) == 1:
        return catalogue[named[0]]
    needed = [n for n in products_for(text) if n in catalogue]
    if not named and len(needed) == 1:
        return catalogue[needed[0]]
    return catalogue[talked_about] if not named and not needed and talked_about in catalogue else None


async def output_rails(state: TurnState, deps: TurnDeps) -> dict:
    # (the shopper's message too: a reply that says back what they dictated is read against it)
    verdict = deps.rails.check_output(state["reply"], language=state["language"], facts=state.get("facts"),
                                      by_llm=state.get("route") == "llm", asked=state.get("text"))
    update: dict = {"reply": verdict.text if verdict.text is not None else state["reply"]}
    if verdict.action != "allow":
        update["rails"] = [*state.get("rails", []), {"policy_id": verdict.policy_id or "",
                                                       "rule": verdict.rule or "", "action": verdict.action}]
        if verdict.action == "handoff":
            update.update(handoff=True, reply=say("handoff", state["language"]))
        if verdict.action in ("block", "rewrite", "handoff") and state.get("context", {}).get("pending"):
            # the change the reply stated was not shown as stated: no later yes may run it
            update["context"] = {k: v for k, v in state["context"].items() if k != "pending"}
    return update


async def finish(state: TurnState, deps: TurnDeps) -> dict:
    """Carries what was learned into the session's dialogue state and recent history."""
    reply = state["reply"]
    if state.get("apologise") and not state.get("handoff"):
        reply = say("sorry_first", state["language"]) + reply
    if state.get("restarted") and state.get("route") != "human":  # no word from the bot while a person holds it
        reply = say("restarted", state["language"]) + reply
    understanding = state.get("understanding") or {"intent": None, "slots": {}}
    context = dict(state.get("context", {}))
    # the request answered: a flow's own ("harper@…" answers the order-status flow, though it reads as account)
    handled = state.get("flow_intent") if state.get("route") == "flow" else None
    if handled not in (None, "acknowledge", "identify") or understanding["intent"]:
        context["last_intent"] = handled if handled not in (None, "acknowledge", "identify") else understanding["intent"]
    context["language"] = state["language"]
    context["frustration"] = round(understanding.get("frustration", 0.0), 3)
    kept = {k: v for k, v in understanding["slots"].items() if k not in PERSONAL_SLOTS}
    if "product" not in kept and (named := products_in(state.get("text", ""))):
        kept["product"] = named[0][1]  # the shopper's word for it, as the slot holds it: "19 bar那款呢" next
    context["slots"] = {**context.get("slots", {}), **kept}
    masked_text, _ = deps.rails.mask_pii(state.get("text", ""))
    masked_reply, _ = deps.rails.mask_pii(reply)
    history = [*state.get("history", []), {"request_id": state["request_id"], "shopper": masked_text,
                                           "reply": masked_reply, "intent": understanding["intent"]}]
    return {"reply": reply, "context": context, "history": history[-deps.settings.recent_turns:]}
