"""The fast path's dialogue policy: templated flows that close a turn with the shop's tools.

The rules the shop never breaks are enforced here, in code, whatever the shopper writes:
authenticate before any order is read or changed; one shopper per session; a consequential action
is stated and waits for an explicit yes; the tools themselves refuse wrong statuses and other
shoppers' orders. Dialogue state lives in the session's context:

  user_id   the shopper proven in this session (by e-mail, or first + last name + zip)
  task      {"intent", "order_id", "reason"} the request being worked on
  pending   {"tool", "args"} the action stated to the shopper, waiting for "yes"
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from agent import metrics
from agent.replies import say
from agent.seams import Shop
from agent.variants import asked_variants, asks_option, catalogue_words, variant_named
from agent.which_order import orders_described

ORDER_INTENTS = {"order_status", "cancel_order", "return_item", "exchange_item", "refund_status", "modify_order"}
FLOW_INTENTS = {"greeting", "thanks_bye", "out_of_scope", "complaint", "price_promo", "recommend",
                "product_info"} | ORDER_INTENTS
MAX_FAILURES = 2  # a task that fails this often goes to a human
ALIASES = Path(__file__).resolve().parent.parent / "data" / "shop" / "product_aliases.yaml"
# a yes or a no opens the message (after a hesitation such as "wait…"). Latin words end at a non-letter;
# Chinese has no spaces, so a Chinese word ends at the message's end, punctuation, Latin text or a particle
# a yes or a no opens the message. Latin words end at a non-letter; Chinese has no spaces, so a Chinese
# word ends at the message's end, punctuation, Latin text or a particle. "wait… ok" is no explicit yes.
_ZH_END = r"(?=$|[\s\W\dA-Za-z]|[的吧啊呀了哈嗯就确])"
_YES = re.compile(r"^\W*(?:(?:yes|yep|yeah|ya|y|ok|okay|k|sure|confirm(?:ed)?|please do|do it|go ahead|"
                  r"sounds good|alright|correct|right)(?![a-z])|(?:确认|确定|是的|是|好的|好吧|好|可以|对的|对|行|嗯|"
                  r"没问题|就这个|就这样)" + _ZH_END + ")", re.IGNORECASE)
_HESITATION = r"^\W*(?:(?:wait|hmm+|emm+|um+|well|等一下|等等|嗯+)\W*)?"
_NO = re.compile(_HESITATION + r"(?:(?:no|nope|nah|n|cancel that|never ?mind|don'?t|do not|stop|not now)(?![a-z])|"
                 r"(?:不要|不用|不了|不需要|不必|先不|不是|不)" + _ZH_END + "|算了|不取消|不要取消|别取消|别改|别退)", re.IGNORECASE)
# a message that is nothing but an answer: yes, no, "all of it"
_BARE = re.compile(r"^[\W\s]*(?:(?:yes|yep|yeah|ok|okay|sure|no|nope|nah|all|all of (?:it|them)|everything|"
                   r"wait|好的?|好吧|行|嗯+|对|是的?|确认|确定|不用了?|不要了?|算了|全部|都要|"
                   r"就这个|等一下|等等|[呀啊吧哈呢嘛])[\W\s]*)+$", re.IGNORECASE)
# identity by name and zip, wherever in the message: "Aarav Gonzalez 78268", "我叫Mia Chen邮编10001",
# "My name is Anya Kim and my zip code is 80218", "我叫Lei Gonzalez，郵遞區號92105"
_FULL_NAME = re.compile(r"(?<![A-Za-z])([A-Z][a-z]+)\s+([A-Z][a-z]+)(?![A-Za-z])")
_ZIP = re.compile(r"(?<![\d#Ww])(\d{5})(?!\d)")
# the shopper drops the task under way, wherever in the message they say so
_NEVER_MIND = re.compile(r"never ?mind|forget (?:it|about it)|don'?t bother|leave it as it is|no need (?:to|any ?more)|"
                         r"not (?:for )?now|(?:don'?t|do not) (?:process|do it|go ahead)|算了|不用了|先不|保持不变",
                         re.IGNORECASE)
# declining one action in particular: "不取消" declines a cancellation, not the address change it asks for instead
_KEEP = {"cancel": re.compile(r"不取消|不要取消|别取消|不用取消|(?:don'?t|do not) cancel", re.IGNORECASE),
         "modify": re.compile(r"不用改|不改了|不需要改|先不改|不要改|别改|保持原来|还是用原来的地址|(?:don'?t|do not) change|"
                               r"keep (?:the|my) (?:old|current|original)", re.IGNORECASE),
         "return": re.compile(r"不退了|不用退|不要退|(?:don'?t|do not) return", re.IGNORECASE),
         "exchange": re.compile(r"不换了|不用换|不要换|(?:don'?t|do not) exchange", re.IGNORECASE)}
ACTION_OF = {"cancel_order": "cancel", "modify_order": "modify", "account": "modify", "return_item": "return",
             "exchange_item": "exchange", "cancel_pending_order": "cancel", "modify_pending_order_address": "modify",
             "modify_pending_order_payment": "modify", "modify_pending_order_items": "modify",
             "modify_user_address": "modify", "return_delivered_order_items": "return",
             "exchange_delivered_order_items": "exchange"}
_MISTAKE = re.compile(r"mistake|wrong|accident|错|误", re.IGNORECASE)
_NOT_NEEDED = re.compile(r"no longer|don'?t need|not need|changed my mind|不需要|不想要|用不上|不要了", re.IGNORECASE)
_ADDRESS = re.compile(r"(\d+\s[A-Za-z0-9 .'-]+?),\s*(?:((?:apt|apartment|unit|suite|ste|#|floor|fl|room|rm|building|bldg)\b\.?[^,]*),\s*)?([A-Za-z .'-]+),\s*"
                      r"([A-Z]{2}),?\s*(\d{5})\b", re.IGNORECASE)
_ADDRESS_WORDS = re.compile(r"address|ship(ping)? to|deliver to|地址|寄到|送到", re.IGNORECASE)
# the account's own address, not an order's: "update the default address on my account", "改一下账户的默认地址"
_ACCOUNT_WORDS = re.compile(r"default|\b(?:my|the) (?:account|profile)\b|账户|账号|默认|个人资料|个人信息", re.IGNORECASE)
_PAYMENT_WORDS = {"gift_card": re.compile(r"gift ?card|礼品卡", re.IGNORECASE),
                  "paypal": re.compile(r"pay ?pal", re.IGNORECASE),
                  "credit_card": re.compile(r"credit ?card|card|visa|master ?card|amex|信用卡|银行卡|借记卡", re.IGNORECASE)}
_DIFFERENCE = re.compile(r"差价|price difference|the difference|补差|退差", re.IGNORECASE)
_ORIGINAL_PAYMENT = re.compile(r"(?:原来|原本|之前|原)的?那?张?卡|original (?:card|payment)|same (?:card|payment)", re.IGNORECASE)
_ORIGINAL = re.compile(r"\boriginal\b|the one I (?:have|had|ordered)|as it was|原来的|原来那|原本的", re.IGNORECASE)
_OPTION_WORDS = re.compile(r"\b(?:colou?r|size|material|version|model|variant)\b|颜色|尺码|尺寸|款式|型号|大一码|小一码",
                           re.IGNORECASE)
_NEGATION = re.compile(r"\bnot\b|instead of|rather than|不是|不要|而不是", re.IGNORECASE)
_CHANGE_WORDS = re.compile(r"change|update|new|edit|set|move|modify|改|换|新|更新|修改|设置", re.IGNORECASE)
_CHEAPER = re.compile(r"cheaper|less expensive|lower price|budget|便宜|实惠|性价比|划算", re.IGNORECASE)
_ORDER_ID = re.compile(r"[Ww]\s?\d{7}")
_EMAIL = re.compile(r"\S+@\S+")
_ALL = re.compile(r"\ball\b|everything|全部|都", re.IGNORECASE)
STATUS_EN = {"processed": "processed (shipped)", "pending": "pending (not shipped yet)"}
STATUS_ZH = {"pending": "待发货", "processed": "已发货", "delivered": "已签收", "cancelled": "已取消",
             "return requested": "退货处理中", "exchange requested": "换货处理中"}


@dataclass
class FlowResult:
    reply: str
    context: dict[str, Any]
    facts: dict[str, Any] = field(default_factory=dict)
    handoff: bool = False  # the flow gave up: a human takes over


_HOLD = re.compile(r"再想想|考虑一下|等一下|等等|hold on|let me think|\bwait\b", re.IGNORECASE)
_EXPLICIT_YES = re.compile(r"confirm|go ahead|do it\b|please do(?![a-z'’])|确认|确定|可以的?[，,。 ]|就这样", re.IGNORECASE)
_QUESTION = re.compile(r"[?？]|\b(?:when|where|what|how|why|which)\b|什么|怎么|为什么|多久|几天|哪|吗", re.IGNORECASE)


def declines(text: str, action: str | None = None) -> bool:
    """The message drops what is under way: "never mind", or declining this action ("不取消"); with no
    action named, declining any action counts."""
    kept = [_KEEP[action]] if action in _KEEP else [] if action else list(_KEEP.values())
    return bool(_NEVER_MIND.search(text) or any(p.search(text) for p in kept))


def is_yes(text: str, action: str | None = None) -> bool:
    """An explicit yes: it opens the message, nothing in it holds back or declines ("嗯…等一下 我再想想。算了
    不取消了"), and what follows asks nothing, unless the yes is said in full first ("yes confirm. how long
    does the refund take?" is a yes; "ok and when does it arrive?" a question). `action`: what the yes
    is asked for (cancel, modify, return, exchange)."""
    m = _YES.match(text)
    if declines(text, action) or _HOLD.search(text):
        return False
    if not m:  # "就改这一个 确认", "the blue one, go ahead"
        return bool(_EXPLICIT_YES.search(text)) and not _QUESTION.search(text)
    rest = text[m.end():]
    if not (question := _QUESTION.search(rest)):
        return True
    before = text[:m.end() + question.start()]
    return bool(_EXPLICIT_YES.search(before) or re.search(r"[.!。！]", before))


def adds_details(text: str, pending: dict) -> bool:
    """A message that names an order, or another address, item or payment method than the change stated:
    with a yes in it, it is no plain yes to what was stated ("yes that's the one, W6443279", "yes but to my
    gift card"). A question about the same change ("yes confirm. refund回paypal要多久?") adds nothing."""
    args = pending.get("args", {})
    method = args.get("payment_method_id", "")
    source = _payment_source(text)
    return bool(_ORDER_ID.search(text) or _EMAIL.search(text)
                or ((address := _address_in(text)) and address.get("address1") != args.get("address1"))
                or (source and method and not method.startswith(source))
                or bool({name for name, _ in _products_in(text)} - set(pending.get("items", []))))


def is_no(text: str, action: str | None = None) -> bool:
    return bool(_NO.match(text) or declines(text, action)) and not is_yes(text, action)


def after_no(text: str) -> str | None:
    """What a message says after it declines ("算了不取消了，告诉我#W… 到哪了" → "告诉我#W… 到哪了"), if anything."""
    rest = text
    while (m := _NO.match(rest)) and m.end() > 0:
        rest = rest[m.end():]
    rest = re.sub(r"^[\W\s了吧啊呀的]+", "", rest)
    return rest if rest != text and len(rest) >= 4 and not is_bare_answer(rest) else None


# a person asked for in so many words, whatever else the message says: always honoured
_PERSON = re.compile(r"转人工|人工客服|真人|找人工|human (?:agent|being)|real (?:person|human|agent)|"
                     r"(?:talk|speak) to (?:a |an )?(?:person|human|agent|someone)|live agent", re.IGNORECASE)


def asks_for_person(text: str) -> bool:
    return bool(_PERSON.search(text))


def is_bare_answer(text: str) -> bool:
    """Nothing but a yes, a no or an "all of it": it answers the last question, it asks nothing."""
    return bool(_BARE.match(text))


def can_close(intent: str | None, text: str, context: dict | None = None) -> bool:
    """Whether a templated flow can answer this intent (product facts need a product we can name, in this
    message or the one talked about just before: "还有别的有货的吗"; an account question is a flow when it
    changes the default address, otherwise the FAQ's)."""
    if intent == "account":
        return bool(_ADDRESS_WORDS.search(text) or _address_in(text))
    talked_about = bool((context or {}).get("product")) and bool(_OPTION_WORDS.search(catalogue_words(text))
                                                                  or asks_option(text))
    return intent in FLOW_INTENTS and (intent != "product_info" or bool(_products_in(text)) or talked_about)


def account_not_order(intent: str | None, slots: dict, text: str, context: dict) -> bool:
    """"Update the default address on my account" read as an order change: no order is named and the words
    say the account's, so it is the account's address (unless an order change is already under way)."""
    return intent == "modify_order" and not slots.get("order_id") and (context.get("task") or {}).get("intent") != intent \
        and bool(_ADDRESS_WORDS.search(text) and _ACCOUNT_WORDS.search(text))


def is_open_question(text: str) -> bool:
    """Several questions in one message, or a long one, with no order in it: no template answers all of it
    ("going camping, what gear would help, is any on sale?"). The LLM tier does."""
    if _ORDER_ID.search(text) or _EMAIL.search(text):
        return False
    questions = len(re.findall(r"[?？]|[吗呢](?=$|[\s，,。.!！])", text))
    words = len(re.findall(r"[A-Za-z]+", text)) + len(re.findall(r"[\u3400-\u9fff]", text)) / 2
    return questions >= 2 or (questions >= 1 and words >= 20)


def names_product(text: str) -> bool:
    return bool(_products_in(text))


def gives_identity(slots: dict, text: str) -> bool:
    return bool(slots.get("email") or names_with_zip(text))


def starts_new_task(context: dict, intent: str | None, slots: dict, sure: bool, text: str) -> bool:
    """A new request in words of its own while a task waits ("cancel order #W2378156" while the account's
    address is awaited): the new request is answered, not swallowed as an answer to the old question."""
    task = context.get("task")
    if not task or not sure or intent == task["intent"] or not (intent in ORDER_INTENTS or can_close(intent, text)):
        return False
    if is_yes(text) or is_no(text) or gives_identity(slots, text) or _gives_details(task, text):
        return False
    words = _EMAIL.sub(" ", _ORDER_ID.sub(" ", text))
    return len(re.findall(r"[A-Za-z]{2,}", words)) + len(re.findall(r"[\u3400-\u9fff]", words)) / 2 >= 2


def continues_task(context: dict, intent: str | None, slots: dict, text: str) -> bool:
    """A message that answers what the flow asked (a yes, an e-mail, an order id) keeps the task."""
    if not context.get("task"):
        return False
    return is_yes(text) or is_no(text) or intent == context["task"]["intent"] or _answers_task(context, slots, text)


def drops_task(context: dict, intent: str | None, slots: dict, text: str, goes_on: bool) -> bool:
    """"No, never mind" while the task waits for details (not for a yes): the shopper changed their mind,
    and may go on to ask something else ("算了不取消了，告诉我#W… 到哪了"). "Forget it, keep the old
    address" / "地址不用改了" drops it wherever it is said."""
    if not context.get("task") or context.get("pending"):
        return False
    action = ACTION_OF.get(context["task"]["intent"])
    if declines(text, action) and not goes_on:
        return True
    if not is_no(text, action) or _gives_details(context["task"], text):
        return False
    return (goes_on and intent != context["task"]["intent"]) or not _names_who_or_which(slots, text)


def _answers_task(context: dict, slots: dict, text: str) -> bool:
    """The message gives something the task under way needs: who, which order, why, which item or change."""
    return _names_who_or_which(slots, text) or _gives_details(context["task"], text)


def _names_who_or_which(slots: dict, text: str) -> bool:
    return bool({"email", "order_id", "zip"} & slots.keys()) or bool(names_with_zip(text))


def _gives_details(task: dict, text: str) -> bool:
    task_intent = task["intent"]
    gives_reason = task_intent == "cancel_order" and bool(_MISTAKE.search(text) or _NOT_NEEDED.search(text))
    names_item = task_intent in ("return_item", "exchange_item") and bool(_products_in(text) or _ALL.search(text))
    names_refund = task_intent == "return_item" and bool(_payment_source(text) or _ORIGINAL_PAYMENT.search(text))
    names_option = task_intent in ("exchange_item", "modify_order") and bool(task.get("item_ids"))
    names_change = task_intent in ("modify_order", "account") and bool(
        _ADDRESS.search(text) or _ADDRESS_WORDS.search(text) or any(p.search(text) for p in _PAYMENT_WORDS.values()))
    asks_cheaper = task_intent == "recommend" and bool(_CHEAPER.search(text))
    return gives_reason or names_item or names_refund or names_option or names_change or asks_cheaper


def run_flow(intent: str, slots: dict, text: str, language: str, context: dict, shop: Shop,
             request_id: str) -> FlowResult:
    context = dict(context)
    if intent in ("greeting", "thanks_bye", "out_of_scope"):
        return FlowResult(say(intent, language), context)
    if intent == "acknowledge":  # a bare yes, no or "all of it" with nothing waiting for it
        return FlowResult(say("anything_else", language), context)
    if intent == "complaint":
        return FlowResult(say("complaint", language), context)
    if intent in ("price_promo", "recommend"):
        return _sell(intent, slots, text, language, context, shop)
    if intent == "product_info":
        return _product_facts(text, language, context, shop)
    if intent == "identify":  # "it's me, x@y.com" before saying what for
        refusal = _authenticate(slots, text, context, shop)
        return FlowResult(say(refusal or "verified", language), context)
    task = dict(context.get("task") or {})
    if intent == "account":
        return _account_address(task, slots, text, language, context, shop, request_id)
    if task.get("intent") != intent:  # a new request: the order discussed earlier is the likely one,
        task = {"intent": intent}   # and the confirmation names it before anything changes
        context.pop("pending", None)
        if context.get("slots", {}).get("order_id") and not _products_in(text):  # "I meant the vacuum order"
            task["order_id"] = context["slots"]["order_id"]
    if slots.get("order_id"):
        task["order_id"], task["order_named"] = slots["order_id"], True
    named = {name for name, _ in _products_in(text)}  # "return the headphones", said before the order id
    if named:
        task["products"] = sorted(named | set(task.get("products", [])))
    if named or _OPTION_WORDS.search(text):  # "the T-shirt in black instead", said before who they are
        task["wish"] = _EMAIL.sub(" ", text)[:200]
    if intent in ("modify_order", "exchange_item") and (source := _payment_source(text)) and (
            _DIFFERENCE.search(text) or intent == "exchange_item" or task.get("change") == "items"):
        task["difference_to"] = source  # "差价用原来那张信用卡": how the price difference is settled
    elif intent == "modify_order":
        _note_change(task, text)
    if intent == "cancel_order" and (reason := _cancel_reason(text)):  # said before who they are, or later
        task["reason"] = reason
    if intent == "return_item" and (source := _payment_source(text)):  # "refund it to my gift card"
        task["refund_to"] = source
    context["task"] = task
    result = _order_flow(task, slots, text, language, context, shop, request_id)
    if result.context.get("failures", 0) >= MAX_FAILURES:
        result.context.pop("failures")
        result.context.pop("task", None)
        return FlowResult(say("handoff_after_failures", language), result.context, handoff=True)
    return result


def _order_flow(task, slots, text, language, context, shop, request_id) -> FlowResult:
    proven = _authenticate(slots, text, context, shop)
    if proven is not None:  # a refusal: wrong identity, or another shopper's identity
        if proven == "identity_not_found":  # a second shopper is refused, not a failed task
            context["failures"] = context.get("failures", 0) + 1
        return FlowResult(say(proven, language), context)
    if not context.get("user_id"):
        return FlowResult(say("ask_identity", language), context)
    if not task.get("order_id") and task.get("order_named"):  # the number they gave is not theirs: no guessing
        return FlowResult(say("ask_order_id", language), context)
    if not task.get("order_id"):  # "my desk lamp order": the shopper's own orders that fit
        found = orders_described(task["intent"], task.get("products", []), context["user_id"], shop)
        if len(found) != 1:
            listed = "; ".join(f"{o['order_id']} ({', '.join(i['name'] for i in o['items'])}, {_status(o, language)})"
                               for o in found[:5])
            return FlowResult(say("ask_which_order", language, orders=listed) if found else say("ask_order_id", language),
                              context)
        task["order_id"] = found[0]["order_id"]
    try:
        order = shop.call("get_order_details", {"order_id": task["order_id"]}, as_shopper=context["user_id"])
    except Exception:  # not found, or not this shopper's order: the same answer, no leak
        task.pop("order_id", None)
        context["failures"] = context.get("failures", 0) + 1
        return FlowResult(say("order_not_found", language), context)
    context.pop("failures", None)
    if task["intent"] == "order_status":
        return _order_status(order, language, context, shop)
    if task["intent"] == "refund_status":
        return _refund_status(order, language, context)
    if task["intent"] == "return_item":
        return _return(order, task, text, language, context, shop, request_id)
    if task["intent"] == "exchange_item" and order["status"] == "pending":
        task.update(intent="modify_order", change="items")  # not shipped yet: the order itself is changed
    if task["intent"] == "exchange_item":
        return _exchange(order, task, text, language, context, shop, request_id)
    if task["intent"] == "modify_order":
        return _modify(order, task, text, language, context, shop, request_id)
    return _cancel(order, task, text, language, context, shop, request_id)


def _authenticate(slots, text, context, shop) -> str | None:
    found = None
    if slots.get("email"):
        found = _find(shop, "find_user_id_by_email", {"email": slots["email"]})
        asked = True
    elif (candidates := names_with_zip(text)):
        found = next((user for first, last, zip_ in candidates[:3] if (user := _find(
            shop, "find_user_id_by_name_zip", {"first_name": first, "last_name": last, "zip": zip_}))), None)
        asked = True
    else:
        asked = False
    if not asked:
        return None
    if found is None:
        return "identity_not_found"
    if context.get("user_id") and context["user_id"] != found:
        return "one_shopper_per_session"
    context["user_id"] = found
    return None


def names_with_zip(text: str) -> list[tuple[str, str, str]]:
    """(first, last, zip) readings of a message that gives a full name and a 5-digit zip, likeliest first
    (the name nearest before the zip); [] when it gives no such pair."""
    addresses = list(_ADDRESS.finditer(text))  # a street is no name, an address's zip no identity
    zips = [z for z in _ZIP.finditer(text) if not any(a.start(3) <= z.start() < a.end() for a in addresses)]
    names = [n for n in _FULL_NAME.finditer(text) if not any(a.start() <= n.start() < a.end() for a in addresses)]
    pairs = [(abs(z.start() - n.end()), n[1], n[2], z[1]) for z in zips for n in names]
    return [(first, last, zip_) for _, first, last, zip_ in sorted(pairs)]


def _find(shop, tool, args) -> str | None:
    try:
        return shop.call(tool, args)["user_id"]
    except Exception:  # no such shopper
        return None


def _account_address(task, slots, text, language, context, shop, request_id) -> FlowResult:
    """The shopper's default address (orders already placed keep theirs): who, the new address, a yes."""
    if task.get("intent") != "account":
        task = {"intent": "account"}
        context.pop("pending", None)
    task["address"] = _address_in(text) or task.get("address")
    if not task["address"] and _QUESTION.search(text) and not _CHANGE_WORDS.search(text):
        task["read"] = True  # "what's my default address?": read it once they are proven, change nothing
    context["task"] = task
    if (refusal := _authenticate(slots, text, context, shop)):
        return FlowResult(say(refusal, language), context)
    if not context.get("user_id"):
        return FlowResult(say("ask_identity", language), context)
    pending = context.get("pending")
    if pending and (is_no(text, "modify") or (is_yes(text, "modify") and not adds_details(text, pending))):
        context.pop("pending")
        context.pop("task")
        if is_no(text, "modify"):
            return FlowResult(say("account_address_kept", language), context)
        user = shop.call(pending["tool"], pending["args"], as_shopper=context["user_id"], idempotency_key=request_id)
        shown = _shown(user["address"])  # the shopper's own address, said back to them (the rails let it through)
        return FlowResult(say("account_address_changed", language, address=shown), context, facts={"new_address": shown})
    if task.pop("read", False) and not task["address"]:  # the task stays: "yes, change it" goes on
        user = shop.call("get_user_details", {"user_id": context["user_id"]}, as_shopper=context["user_id"])
        shown = _shown(user["address"])
        return FlowResult(say("account_address_is", language, address=shown), context, facts={"address": shown})
    if not task["address"]:
        return FlowResult(say("ask_account_address", language), context)
    context["pending"] = {"tool": "modify_user_address", "args": {"user_id": context["user_id"], **task["address"]}}
    shown = _shown(task["address"])
    return FlowResult(say("confirm_account_address", language, address=shown), context, facts={"new_address": shown})


def _order_status(order, language, context, shop) -> FlowResult:
    tracking = shop.call("track_order", {"order_id": order["order_id"]}, as_shopper=context["user_id"])
    numbers = ", ".join(f"{p['carrier']} {p['tracking_id']}" for p in tracking.get("parcels", []))
    reply = say("order_status", language, order_id=order["order_id"], status=_status(order, language),
                items=", ".join(i["name"] for i in order["items"]))
    if numbers and order["status"] != "cancelled":
        reply += say("tracking", language, numbers=numbers)
    if (refund := _refunded(order)):  # a cancelled or returned order: where the money went
        reply += say("refund_line", language, **refund)
    context.pop("task", None)
    return FlowResult(reply, context, facts={"order": order, "tracking": tracking})


def _refunded(order: dict) -> dict | None:
    """The order's refunds: their total and the methods they went to, if any."""
    refunds = [p for p in order["payment_history"] if p["transaction_type"] == "refund"]
    if not refunds:
        return None
    return {"amount": f"{sum(Decimal(p['amount']) for p in refunds):.2f}",
            "method": ", ".join(dict.fromkeys(p["payment_method_id"] for p in refunds))}


def _wrong_status(refusal: str, order, language, context) -> FlowResult:
    """The order's status forbids the request: say so with the status, and drop the task."""
    context.pop("task", None)
    reply = say(refusal, language, order_id=order["order_id"], status=_status(order, language))
    if (refund := _refunded(order)):  # "cancel it" of a cancelled order: the shopper wants to know about the money
        reply += say("refund_line", language, **refund)
    return FlowResult(reply, context, facts={"order": order})


def _cancel(order, task, text, language, context, shop, request_id) -> FlowResult:
    if order["status"] != "pending":  # only pending orders can be cancelled: the shop's rule, in code
        return _wrong_status("cannot_cancel", order, language, context)
    if (answered := _settle(order, text, language, context, shop, request_id, "cancel_kept", "cancelled")):
        return answered
    reason = task.get("reason")
    if reason is None:
        return FlowResult(say("ask_cancel_reason", language), context)
    task["reason"] = reason
    context["pending"] = {"tool": "cancel_pending_order", "say": {"amount": order["items_total"]},
                          "items": [i["name"] for i in order["items"]],
                          "args": {"order_id": order["order_id"], "reason": reason}}
    return FlowResult(say("confirm_cancel", language, order_id=order["order_id"], amount=order["items_total"],
                          items=", ".join(i["name"] for i in order["items"])), context, facts={"order": order})


def _cancel_reason(text: str) -> str | None:
    return "ordered by mistake" if _MISTAKE.search(text) else "no longer needed" if _NOT_NEEDED.search(text) else None


def _payment_source(text: str) -> str | None:
    return next((kind for kind, words in _PAYMENT_WORDS.items() if words.search(text)), None)


def _settle(order, text, language, context, shop, request_id, kept: str, done: str) -> FlowResult | None:
    """The shopper's answer to a stated action: "no" keeps the order as it is; "yes" runs the tool
    (the turn's request id as idempotency key) and says what happened. None when it is no answer."""
    pending = context.get("pending")
    action = ACTION_OF.get(pending["tool"]) if pending else None
    yes, no = is_yes(text, action), is_no(text, action)
    if not pending or not (yes or no) or (yes and adds_details(text, pending)):
        return None  # no answer, or a yes that also says more: the change is stated again, with what it said
    context.pop("pending", None)
    context.pop("task", None)
    if no:
        return FlowResult(say(kept, language, order_id=order["order_id"]), context)
    result = shop.call(pending["tool"], pending["args"], as_shopper=context["user_id"], idempotency_key=request_id)
    return FlowResult(say(pending.get("done", done), language, order_id=order["order_id"], **pending["say"]), context,
                      facts={"order": result, **pending["say"]})


def _status(order: dict, language: str) -> str:
    return (STATUS_ZH if language == "zh" else STATUS_EN).get(order["status"], order["status"])


def _refund_status(order, language, context) -> FlowResult:
    context.pop("task", None)
    if (refund := _refunded(order)):
        return FlowResult(say("refund_issued", language, order_id=order["order_id"], **refund), context,
                          facts={"order": order})
    key = "refund_after_return" if order["status"] == "return requested" else "no_refund"
    return FlowResult(say(key, language, order_id=order["order_id"], status=_status(order, language)), context,
                      facts={"order": order})


def _chosen_items(order: dict, task: dict, text: str) -> list[dict]:
    """The order's items the shopper named in this task (by product name or alias), all, or the only one."""
    items = order["items"]
    if len(items) == 1 or _ALL.search(text):
        return items
    return [item for item in items if item["name"] in task.get("products", [])]


def _return(order, task, text, language, context, shop, request_id) -> FlowResult:
    if order["status"] != "delivered":  # only delivered items are returned: the shop's rule, in code
        return _wrong_status("cannot_return", order, language, context)
    if (answered := _settle(order, text, language, context, shop, request_id, "return_kept", "returned")):
        return answered
    items = [i for i in order["items"] if i["item_id"] in task.get("item_ids", [])] or _chosen_items(order, task, text)
    if not items:
        return FlowResult(say("ask_return_items", language, items=", ".join(i["name"] for i in order["items"])),
                          context, facts={"order": order})
    task["item_ids"] = [i["item_id"] for i in items]
    amount = f"{sum(Decimal(i['price']) for i in items):.2f}"
    refund_to = _refund_method(order, task.get("refund_to"), context, shop)
    if refund_to is None:  # the shop refunds to the original payment or a gift card, nowhere else
        task.pop("refund_to", None)
        context.pop("pending", None)
        return FlowResult(say("refund_where", language, order_id=order["order_id"],
                              original=order["payment_history"][0]["payment_method_id"]), context, facts={"order": order})
    context["pending"] = {"tool": "return_delivered_order_items", "say": {"amount": amount, "method": refund_to},
                          "items": [i["name"] for i in items],
                          "args": {"order_id": order["order_id"], "item_ids": task["item_ids"],
                                   "payment_method_id": refund_to}}
    return FlowResult(say("confirm_return", language, order_id=order["order_id"], amount=amount, method=refund_to,
                          items=", ".join(i["name"] for i in items)), context, facts={"order": order})


def _method_of(source: str | None, order: dict, context: dict, shop: Shop) -> str:
    """The shopper's payment method of the kind they named for a price difference; the order's own by default."""
    original = order["payment_history"][0]["payment_method_id"]
    if source is None or original.startswith(source):
        return original
    user = shop.call("get_user_details", {"user_id": context["user_id"]}, as_shopper=context["user_id"])
    return next((m["id"] for m in user["payment_methods"].values() if m["source"] == source), original)


def _refund_method(order: dict, wanted: str | None, context: dict, shop: Shop) -> str | None:
    """Where a return's refund goes: the original payment method unless the shopper asked for a gift card
    of theirs; None for any other method (the shop's policy forbids it)."""
    original = order["payment_history"][0]["payment_method_id"]
    if wanted is None or original.startswith(wanted):
        return original
    if wanted != "gift_card":
        return None
    user = shop.call("get_user_details", {"user_id": context["user_id"]}, as_shopper=context["user_id"])
    cards = [m["id"] for m in user["payment_methods"].values() if m["source"] == "gift_card"]
    return cards[0] if cards else None


@lru_cache(maxsize=1)
def _product_names() -> list[tuple[str, str]]:
    """(how shoppers write it, product name), longest first so 'smart watch' wins over 'watch'."""
    aliases = yaml.safe_load(ALIASES.read_text(encoding="utf-8"))
    pairs = [(name.lower(), name) for name in aliases] + [(a.lower(), name) for name, more in aliases.items()
                                                            for a in more]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def _products_in(text: str) -> list[tuple[str, str]]:
    """Products named in the text, as (product name, the words used). Latin names match whole Latin
    words (not 'watch' in 'watching', but 'chair' in 'office chair有货吗'); Chinese names as written."""
    lowered, found = text.lower(), []
    for written, name in _product_names():
        pattern = rf"(?<![a-z0-9]){re.escape(written)}(e?s)?(?![a-z0-9])" if written.isascii() else re.escape(written)
        if name not in (n for n, _ in found) and re.search(pattern, lowered):
            found.append((name, written))
            lowered = re.sub(pattern, " ", lowered)
    return found


def _sell(intent, slots, text, language, context, shop) -> FlowResult:
    """Promotions and recommendations, with a cross-sell and its coupon where the shop's rules allow;
    offers are remembered so they are not repeated, and a yes to one is counted as accepted."""
    pending, task = context.get("pending"), context.get("task") or {}
    if pending and pending.get("offer") and (is_yes(text) or is_no(text)):
        offer = context.pop("pending")["offer"]
        context.pop("task", None)
        if is_no(text):
            return FlowResult(say("offer_declined", language), context)
        metrics.OFFERS.labels(outcome="accepted").inc()
        context["accepted_offers"] = [*context.get("accepted_offers", []), offer["coupon"]]
        return FlowResult(say("offer_accepted", language, **offer), context)
    if task.get("intent") == intent and is_bare_answer(text):  # "ok" to a suggestion that asked nothing
        context.pop("task", None)
        return FlowResult(say("anything_else", language), context)
    catalogue = shop.call("list_all_product_types", {})
    products = [(name, catalogue[name]) for name, _ in _products_in(text) if name in catalogue]
    if not products and task.get("intent") == "recommend" and task.get("product") in catalogue:
        products = [(task["product"], catalogue[task["product"]])]  # "any cheaper ones?" about the same thing
    product_id = products[0][1] if products else None
    offered = set(context.get("offers", []))
    context.pop("task", None)
    if intent == "recommend" and product_id:  # "recommend me headphones": the ones we have in stock
        variants = shop.call("get_product_details", {"product_id": product_id})["variants"].values()
        in_stock = sorted((v for v in variants if v["available"]), key=lambda v: Decimal(v["price"]))
        below = task.get("cheapest") if _CHEAPER.search(text) and task.get("product") == products[0][0] else None
        if below is not None:  # cheaper than the cheapest one shown
            in_stock = [v for v in in_stock if Decimal(v["price"]) < Decimal(below)]
        in_stock = in_stock[:3]
        lines = [say("variant_line", language, options=", ".join(map(str, v["options"].values())), price=v["price"])
                 for v in in_stock]
        reply = say("recommend_variants", language, name=products[0][0], lines="; ".join(lines)) if lines else \
            say("cheapest_shown" if below is not None else "out_of_stock", language, name=products[0][0])
        context["task"] = {"intent": "recommend", "product": products[0][0],
                           "cheapest": in_stock[0]["price"] if in_stock else below}
        offer = _cross_sell(shop.call("list_promotions", {"product_id": product_id})["promotions"], offered)
    elif intent == "recommend":
        picks = shop.call("recommend_products", {"limit": 3}, as_shopper=context.get("user_id"))
        lines = [say("recommend_line", language, name=r["name"], price=r["price_from"]) for r in picks["recommendations"]]
        reply = say("recommend", language, lines="; ".join(lines))
        with_coupon = [r for r in picks["recommendations"] if r.get("coupon") and r["coupon"]["code"] not in offered]
        offer = with_coupon[0] if with_coupon else None
        offer = offer and {"name": offer["name"], "coupon": offer["coupon"]["code"],
                           "percent": offer["coupon"]["percent_off"]}
    else:
        promotions = shop.call("list_promotions", {"product_id": product_id} if product_id else {})["promotions"]
        fresh = [p for p in promotions if p["coupon"] not in offered]
        name = products[0][0] if products else ""
        if not fresh:  # none, or every one offered already in this session: no repeats
            reply = say("no_more_promotions" if promotions else "no_promotion", language, name=name)
        else:
            title = "title_zh" if language == "zh" else "title"
            reply = say("promotions", language, lines="; ".join(f"{p[title]} ({p['coupon']})" for p in fresh[:2]))
        offer = _cross_sell(promotions, offered)
    if offer:  # the seed's example: a phone's discount comes with a matching power bank and its coupon
        metrics.OFFERS.labels(outcome="offered").inc()
        context["offers"] = [*offered, offer["coupon"]]
        context["task"] = {**context.get("task", {}), "intent": intent}
        context["pending"] = {"offer": offer}
        reply += say("cross_sell", language, **offer)
    return FlowResult(reply, context, facts={"products": products})


def _cross_sell(promotions: list[dict], offered: set[str]) -> dict | None:
    """The first promotion not offered yet in this session, as an offer of its first product."""
    fresh = [p for p in promotions if p["coupon"] not in offered]
    return fresh and {"name": fresh[0]["offer"][0]["name"], "coupon": fresh[0]["coupon"],
                      "percent": fresh[0]["percent_off"]} or None


def _exchange(order, task, text, language, context, shop, request_id) -> FlowResult:
    """Swap one delivered item for another variant of the same product, named by its options."""
    if order["status"] != "delivered":  # only delivered items are exchanged: the shop's rule, in code
        return _wrong_status("cannot_exchange", order, language, context)
    if (answered := _settle(order, text, language, context, shop, request_id, "exchange_kept", "exchanged")):
        return answered
    return _swap(order, task, text, language, context, shop, "exchange_delivered_order_items", "confirm_exchange")


def _swap(order, task, text, language, context, shop, tool: str, confirm: str) -> FlowResult:
    """One item of the order for another variant of the same product (an exchange of a delivered item,
    or a change to a pending order's items): which item, which variant, the price difference, a yes."""
    items = _named_last(order, text) or [i for i in order["items"] if i["item_id"] in task.get("item_ids", [])] \
        or _chosen_items(order, task, text)[:1]
    if not items:
        return FlowResult(say("ask_swap_item", language, items=", ".join(i["name"] for i in order["items"])),
                          context, facts={"order": order})
    old = items[0]
    task["item_ids"] = [old["item_id"]]
    if _ORIGINAL.search(text) and not _payment_source(text) and not _ORIGINAL_PAYMENT.search(text):  # "keep the one I have after all" (not "the original card")
        context.pop("task", None)
        context.pop("pending", None)
        return FlowResult(say("modify_kept", language, order_id=order["order_id"]), context)
    variants = shop.call("get_product_details", {"product_id": old["product_id"]})["variants"].values()
    choices = [v for v in variants if v["available"] and v["item_id"] != old["item_id"]]
    new = variant_named(choices, old["options"], text) or variant_named(choices, old["options"], task.get("wish", ""))
    if new is None:
        offer = "; ".join(", ".join(map(str, v["options"].values())) for v in choices[:4])
        key = "ask_swap_option" if choices else "no_swap_option"
        return FlowResult(say(key, language, name=old["name"], options=offer), context, facts={"order": order})
    difference = Decimal(new["price"]) - Decimal(old["price"])
    context["pending"] = {"tool": tool, "say": {}, "items": [old["name"]], "done": "items_modified" if tool.startswith("modify") else "exchanged",
                          "args": {
        "order_id": order["order_id"], "item_ids": [old["item_id"]], "new_item_ids": [new["item_id"]],
        "payment_method_id": _method_of(task.get("difference_to"), order, context, shop)}}
    return FlowResult(say(confirm, language, order_id=order["order_id"], name=old["name"],
                          old=", ".join(map(str, old["options"].values())),
                          new=", ".join(map(str, new["options"].values())), difference=f"{difference:+.2f}",
                          method=context["pending"]["args"]["payment_method_id"]),
                      context, facts={"order": order, "new_item": new})


def _named_last(order: dict, text: str) -> list[dict]:
    """The order's item the shopper names last, not counting one they say they do not mean ("头盔没问题
    是那件抓绒外套要换", "not the helmet, the jacket"): a correction of which item."""
    words = catalogue_words(text) if _NEGATION.search(text) else text.lower()
    spots = [(words.rfind(written), name) for name, written in _products_in(words)]
    names = [name for at, name in sorted(spots) if at >= 0]
    return [i for i in order["items"] if names and i["name"] == names[-1]][:1]


def _product_facts(text, language, context, shop) -> FlowResult:
    """What the catalogue says of a named product: the options in stock and the price range."""
    catalogue = shop.call("list_all_product_types", {})
    name = next((n for n, _ in _products_in(text) if n in catalogue), context.get("product"))
    context["product"] = name  # "and in silver?" next is about the same product
    product = shop.call("get_product_details", {"product_id": catalogue[name]})
    variants = list(product["variants"].values())
    asked, closest = asked_variants(variants, text)
    if asked or closest:  # "is the silver 17-inch one with the i7 in stock?": that one, not every option
        lines = "; ".join(say("variant_stock", language, options=_options(v), price=v["price"],
                              stock=say("in_stock" if v["available"] else "sold_out", language)) for v in asked[:3])
        reply = say("variant_facts", language, name=name, lines=lines) if asked else say("no_such_variant", language, name=name)
        if closest:
            reply += say("closest_in_stock", language, options=_options(closest), price=closest["price"])
        return FlowResult(reply, context, facts={"product": product})
    in_stock = [v for v in variants if v["available"]]
    if not in_stock:
        return FlowResult(say("out_of_stock", language, name=name), context, facts={"product": product})
    options: dict[str, list[str]] = {}
    for variant in in_stock:
        for key, value in variant["options"].items():
            options.setdefault(key, [])
            if str(value) not in options[key]:
                options[key].append(str(value))
    prices = sorted(Decimal(v["price"]) for v in in_stock)
    lines = "; ".join(f"{key}: {', '.join(values)}" for key, values in options.items())
    return FlowResult(say("product_facts", language, name=name, lines=lines, low=f"{prices[0]:.2f}",
                          high=f"{prices[-1]:.2f}"), context, facts={"product": product})


def _options(variant: dict) -> str:
    return ", ".join(map(str, variant["options"].values()))


def _modify(order, task, text, language, context, shop, request_id) -> FlowResult:
    """Change a pending order's shipping address, payment method or items (another variant, once)."""
    if order["status"] != "pending":  # only pending orders are changed: the shop's rule, in code
        context.pop("task", None)
        if order["status"] == "pending (item modified)" and task.get("change") == "items":
            return FlowResult(say("items_changed_once", language, order_id=order["order_id"]), context,
                              facts={"order": order})
        return _wrong_status("cannot_modify", order, language, context)
    if (answered := _settle(order, text, language, context, shop, request_id, "modify_kept", "modified")):
        return answered
    if task.get("address") and (zip_ := _corrected_zip(text)):  # "the zip is 78702 not 78701"
        task["address"] = {**task["address"], "zip": zip_}
    if task.get("address"):
        address = task["address"]
        shown = _shown(address)
        context["pending"] = {"tool": "modify_pending_order_address", "say": {"change": shown},
                              "args": {"order_id": order["order_id"], **address}}
        return FlowResult(say("confirm_address", language, order_id=order["order_id"], address=shown), context,
                          facts={"order": order, "new_address": shown})  # the shopper's own words, said back
    if task.get("change") == "payment":
        return _modify_payment(order, task.get("source"), language, context, shop)
    if task.get("change") == "items":  # once per order: the tool refuses a second change
        return _swap(order, task, text, language, context, shop, "modify_pending_order_items", "confirm_items")
    if task.get("change") == "address":
        return FlowResult(say("ask_address", language), context, facts={"order": order})
    return FlowResult(say("ask_change", language, order_id=order["order_id"]), context, facts={"order": order})


def _note_change(task: dict, text: str) -> None:
    """What the shopper wants changed, from whichever turn said it: a new address, a payment source, an item."""
    if (address := _address_in(text)):
        task["change"], task["address"] = "address", address
    elif (source := _payment_source(text)):
        task["change"], task["source"] = "payment", source
    elif _ADDRESS_WORDS.search(text):
        task["change"] = "address"
    elif _products_in(text) or _OPTION_WORDS.search(text) or _ORIGINAL.search(text):
        task["change"] = "items"


_ZIP_WORD = re.compile(r"zip|postcode|邮编|郵編|郵遞區號", re.IGNORECASE)


def _corrected_zip(text: str) -> str | None:
    """The zip a message corrects an address to, outside a full address: the one it does not negate."""
    if _address_in(text) or not _ZIP_WORD.search(text):
        return None
    zips = _ZIP.findall(_NEGATED_ZIP.sub(" ", text))
    return zips[0] if zips else None


_NEGATED_ZIP = re.compile(r"(?:\bnot\b|instead of|不是)\s*(?:the\s+)?\d{5}", re.IGNORECASE)


def _address_in(text: str) -> dict | None:
    if not (m := _ADDRESS.search(text)):
        return None
    return {"address1": m[1].strip(), "address2": (m[2] or "").strip(), "city": m[3].strip(),
            "state": m[4].upper(), "country": "USA", "zip": m[5]}


def _shown(address: dict) -> str:
    return ", ".join(v for v in (address["address1"], address["address2"], address["city"],
                                 f"{address['state']} {address['zip']}") if v)


def _modify_payment(order, source, language, context, shop) -> FlowResult:
    methods = shop.call("get_user_details", {"user_id": context["user_id"]}, as_shopper=context["user_id"])
    current = order["payment_history"][0]["payment_method_id"]
    others = [m for m in methods["payment_methods"].values() if m["id"] != current]
    chosen = [m for m in others if m["source"] == source]
    if len(chosen) != 1:
        names = ", ".join(m["id"] for m in others) or "-"
        return FlowResult(say("ask_payment", language, methods=names), context, facts={"order": order})
    context["pending"] = {"tool": "modify_pending_order_payment", "say": {"change": chosen[0]["id"]},
                          "args": {"order_id": order["order_id"], "payment_method_id": chosen[0]["id"]}}
    return FlowResult(say("confirm_payment", language, order_id=order["order_id"], method=chosen[0]["id"],
                          current=current), context, facts={"order": order})
