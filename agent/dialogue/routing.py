"""How a message stands to the conversation: does it answer the task under way, drop it, start a new
one, or can a flow close it at all. The graph's router (agent/router.py) asks these questions."""
from __future__ import annotations

import re

from agent.catalogue_search import products_for
from agent.catalogue_words import asked_attributes, option_values, without_attributes
from agent.dialogue import addresses, money, products, reading
from agent.dialogue.flows import ACTION_OF, FLOWS, ORDER_INTENTS, SAID
from agent.dialogue.state import Dialogue, Task
from agent.variants import asks_option, having, option_words, owner_of_options, step_asked, wants_none

FLOW_INTENTS = set(FLOWS) | set(SAID) | {"price_promo", "recommend", "product_info"}


def can_close(intent: str | None, text: str, context: dict | None = None) -> bool:
    """Whether a flow can answer this intent: product facts need a product we can name, in this message or
    the one talked about just before ("还有别的有货的吗"); an account question is a flow when it is about
    the default address or the payment methods saved, a payment question when it names an order;
    otherwise the FAQ answers them."""
    if intent == "account":  # the default address, or the payment methods saved
        return bool(reading.ADDRESS_WORDS.search(text) or addresses.address_in(text) or money.payment_source(text)
                    or money.asks_saved_methods(text))
    if intent == "payment_issue":  # about one order's payments ("charged twice for my speaker order"); the FAQ
        return bool(reading.ORDER_ID.search(text) or products.products_in(text) and reading.OWNS.search(text))  # the rest
    if intent == "product_info" and not products.products_in(text):
        context = context or {}
        shown = context.get("product") or (context.get("task") or {}).get("products") \
            or context.get("slots", {}).get("product")  # talked about, recommended, or named before
        return bool(products.asks_if_sold(text, context.get("not_sold"))) or bool(shown) and bool(
            reading.OPTION_WORDS.search(option_words(text)) or names_option(text) or asked_attributes(text)) \
            or not shown and bool(owner_of_options(text) or names_option(without_attributes(text)) and products_for(text)
                                  or asked_attributes(text) and len(products_for(text)) == 1)
        # ("anything that works with Apple HomeKit?"; "I run marathons, need new shoes size 10, black ones?"; "花园里浇水
        # 用的管子，都有多长的？": the one product the words describe)
    return intent in FLOW_INTENTS


RETURN_INSTEAD = re.compile(r"(?:直接|还是|干脆)退(?:了|掉|货)?吧?|退(?:了|掉|货)吧|\b(?:just|rather) (?:return|refund)\b|"
                             r"\b(?:return|refund)(?: it| them)? instead\b|\bforget the exchange\b", re.IGNORECASE)


REFUND_ASKED = re.compile(r"refund|coming back|money back|get back|退款|退了多少|退回多少|退多少|到账", re.IGNORECASE)


def names_target(text: str, slots: dict) -> bool:
    """The message names an order or one of our products."""
    return bool(slots.get("order_id") or reading.ORDER_ID.search(text) or products.products_in(text))


def names_product(text: str) -> bool:
    return bool(products.products_in(text))


def asks_price_of_variant(text: str) -> bool:
    """"数码相机 2400万像素 5倍变焦 用CF卡的那款 多少钱": one of our products, by its options, its price or stock
    asked, nothing of theirs: a catalogue question, however unsure the intent model is of its words."""
    return names_product(text) and names_option(text) and bool(PRICE_ASKED.search(text) or STOCK.search(text)) \
        and not reading.owns(text) and not reading.ORDER_ID.search(text)


def gives_identity(slots: dict, text: str) -> bool:
    """An e-mail, a name and zip, or half of the two ("Ethan Johnson", then "zip 80298")."""
    return bool(slots.get("email") or addresses.names_with_zip(text) or addresses.zip_alone(text)
                or bool((name := addresses.name_alone(text)) and not products.products_in(" ".join(name))))


def starts_new_task(context: dict, intent: str | None, slots: dict, sure: bool, text: str) -> bool:
    """A new request in words of its own while a task waits ("cancel order #W2378156" while the account's
    address is awaited): the new request is answered, not swallowed as an answer to the old question."""
    task = task_of(context)
    if task.intent == "exchange_item" and intent == "return_item" and reading.RETURN_INSTEAD.search(text):
        return True  # "不能换成别的商品啊…那平板直接退了吧": the exchange given up for a return
    if not task.intent or not sure or intent == task.intent or not (intent in ORDER_INTENTS or can_close(intent, text)):
        return False
    if task.asked == "reason" and intent not in ORDER_INTENTS and not reading.QUESTION.search(text):
        return False  # "原因就是别家更便宜": an answer to why, not one of the two (they are offered again)
    if context.get("pending") and reading.QUESTION.search(text) and not reading.asks_change(text) \
            and reading.order_ids(text) <= {context["pending"].get("args", {}).get("order_id")}:
        return False  # "before you do it, will the money go straight back onto my gift card?": answered, kept
    if reading.is_yes(text) or reading.is_no(text) or gives_identity(slots, text) or _gives_details(task, text):
        return False
    if intent in ORDER_INTENTS and not reading.asks_change(text) and not reading.QUESTION.search(text) \
            and names_option(text):
        return False  # "The 13-inch one, the space grey.": which item of the task, no request of its own
    words = _ORDER_WORDS.sub(" ", addresses.EMAIL.sub(" ", reading.ORDER_ID.sub(" ", text)))  # ("order number W8306539")
    return len(re.findall(r"[A-Za-z]{2,}", words)) + len(re.findall(r"[\u3400-\u9fff]", words)) / 2 >= 2


_ORDER_WORDS = re.compile(r"\b(?:the |my )?order(?: number| no\.?| id| #)?(?: is)?\b|订单号?(?:是)?|单号(?:是)?", re.IGNORECASE)


def confirms_what_is_done(context: dict, slots: dict, text: str) -> bool:
    """A yes again right after the change was made ("对 那个order的地址也确认改 thanks"), naming nothing new:
    there is nothing left to confirm."""
    return bool(context.get("done")) and not context.get("pending") and bool(
        reading.EXPLICIT_YES.search(text) or reading.is_yes(text)) and not (
        names_target(text, slots) or addresses.address_in(text) or money.payment_source(text) or gives_identity(slots, text)
        or names_option(text))


def continues_task(context: dict, intent: str | None, slots: dict, text: str) -> bool:
    """A message that answers what the flow asked (a yes, an e-mail, an order id, a detail) keeps the task;
    a question about a product in the middle of it is answered first ("顺便问下 10寸的平板有金色的吗").
    After "why cancel?", a statement that is no other order request is the answer, even one that is not
    one of the two reasons ("because I found it cheaper somewhere else": the two are offered again)."""
    task = task_of(context)
    if task.intent and context.get("pending") and intent in ("refund_status", "payment_issue") \
            and REFUND_ASKED.search(text) and reading.QUESTION.search(text) and not reading.ORDER_ID.search(text):
        return True  # "退款会退到哪里？多久到账？" before the yes: the change is stated again, with where its money goes
    if not task.intent or is_digression(context, intent, text):
        return False
    if intent == "thanks_bye" and task.intent in ("recommend", "price_promo", "product_info") \
            and not context.get("offer") and not context.get("pending"):
        return False  # "好的谢谢，没别的了" after a suggestion: a goodbye, nothing asked of it
    # (an order number or e-mail while a product was talked about starts an order request: "Also my last order, W…")
    names = _names_who_or_which(slots, text) and not (task.intent in _SELLING and intent in ORDER_INTENTS)
    return reading.is_yes(text) or reading.is_no(text) or intent == task.intent or names \
        or _gives_details(task, text) or (task.asked == "which_order" and _picks_order(text)) \
        or (task.asked == "reason" and intent not in ORDER_INTENTS and not reading.QUESTION.search(text)) \
        or (task.intent == "recommend" and bool(task.products) and bool(_OF_SHOWN.search(text))
            and bool(asked_attributes(text)) and not reading.OWNS.search(text))


_SELLING = ("recommend", "price_promo", "product_info")
# one of the products just suggested: "which one of those lasts the longest on one charge", "其中哪个防水"
_OF_SHOWN = re.compile(r"\bof (?:those|them|these)\b|\bwhich (?:one|of)\b|其中|这几(?:个|款)|那几(?:个|款)|哪(?:个|款)",
                       re.IGNORECASE)


def asks_about_product(context: dict, text: str) -> bool:
    """"如果没货的话 13寸i7还有别的有货的吗", "sorry I meant 14 inch": a question (or a correction) naming options
    of the product talked about just before is about that product, whatever else the words resemble."""
    those_two = reading.compares_those_two(text)
    again = bool(reading.PRICE_AGAIN.search(text) or reading.ORDER_COUNT.search(text))  # ("行 就它了 再确认下价格",
    #                                                                                     "if I order 10 of those, what's that")
    return bool(context.get("product")) and bool(reading.QUESTION.search(text) or _FOLLOW_UP.search(text) or again
                                                 or products.corrects(text) or those_two or _only_options(text)) \
        and bool(names_option(text) or asked_attributes(text) or _ENDS.search(text) or STOCK.search(text) or those_two
                 or reading.BARE_PRICE.fullmatch(text) or again or reading.THE_OTHER_ONE.search(text)
                 or reading.ONE_WITH_MORE.search(text)) \
        and not reading.ORDER_ID.search(text) and not money.payment_source(text) \
        and not reading.owns(text) \
        and all(n == context["product"] for n, _ in products.products_in(text)) \
        and not (task_of(context).intent in ORDER_INTENTS and reading.asks_change(text))  # ("有两个烤炉？退木炭那个")


def _only_options(text: str) -> bool:
    """The message is options and nothing else ("S码", "XL", "black, 4 cups"): which of the product talked about."""
    words = re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)?|[\u4e00-\u9fff]", option_words(text))
    return bool(words) and names_option(text) and not {"yes", "no", "none", "ok", "okay"} & set(words) \
        and all(w in option_values() or f"{w}s" in option_values() or w in _OPTION_GLUE or w.isdigit() for w in words)


_OPTION_GLUE = {"码", "号", "的", "色", "要", "吧", "呢", "款", "size", "in", "the", "one", "and", "or", "a", "an", "s", "m", "l"}


STOCK = re.compile(r"(?<![a-z])in stock(?![a-z])|(?<![a-z])available(?![a-z])|有货|现货|还有哪|库存|能买的|可以买的|买得到",
                   re.IGNORECASE)  # "那现在哪几款是in stock的"
# "最便宜那个多少钱", "the cheaper one then" of the product just shown
_ENDS = re.compile(r"cheapest|most expensive|最便宜|最贵|(?<![最更])(?:便宜|贵)(?:一?点)?的?那[个款台把双件只张]|"
                   r"\bthe (?:cheaper|pricier|more expensive|dearer) one(?![a-z])", re.IGNORECASE)
PRICE_ASKED = re.compile(r"cheapest|most expensive|how much|price|\bwhat (?:does|do|would|will) (?:it|that|this|they|that one|this one|those|these) (?:cost|run)\b|\bcosts?\b\s*[?？]|多少钱|价格|价钱|单价|最便宜|最贵", re.IGNORECASE)
# a short follow-up about the product just talked about: "and in navy?", "capsule 1L那个多少", "要最重的 55-75 lbs那种",
# "ok and … medium tone, same basic one got or not"
_FOLLOW_UP = re.compile(r"多少|价格|价钱|那种|那个|那款|这款|呢|\bhow much\b|\bprice\b|"
                        r"^\W*(?:(?:ok|okay|so|then)\W+)?(?:and|what about|how about)\b|\bgot or not\b|"
                        r"^\W*(?:要|想要)[^退换取消，,]{0,8}的|预算|以内|\bbudget\b|\bunder \$?\d|"
                        r"\bthe \w+(?: \w+)? ones?\b", re.IGNORECASE)


def names_option(text: str) -> bool:
    """The words name an option value of the catalogue's ("13寸 i7", "navy", "55-75 lbs")."""
    return asks_option(text) or bool(set(re.findall(r"[a-z0-9-]+", option_words(text))) & option_values()) \
        or bool(step_asked(text) or having(text) or wants_none(text) or _SIZE_NUMBER.search(text))  # ("大一号的呢": the next
    # size; "有背光最好"; "要不带背光的")


_SIZE_NUMBER = re.compile(r"(?<![\d.])\d{1,2}(?:\.5)?\s*码|\bsize\s*\d{1,2}(?:\.5)?\b|\bin an? \d{1,2}(?:\.5)?(?![\d.]|\s*(?:%|am|pm|days?|weeks?|"
                          r"hours?|minutes?|mins?|inch|ft|\$))", re.IGNORECASE)  # ("是9码", "size 11", "got that in a 10?")


def is_digression(context: dict, intent: str | None, text: str) -> bool:
    """A question about one of our products while an order task waits: answered, and the task kept."""
    # ("先问一下 你们有没有带研磨功能的咖啡机" before the yes to a return: the change stated stays for its yes)
    return task_of(context).intent in ORDER_INTENTS and (intent in ("product_info", "price_promo", "recommend") or intent in (
        "out_of_scope", None) and not reading.OWNS.search(text)) \
        and bool(reading.QUESTION.search(text) and products.products_in(text)) \
        and not (context.get("pending") and (reading.is_yes(text) or reading.is_no(text)))


def drops_task(context: dict, intent: str | None, slots: dict, text: str, goes_on: bool) -> bool:
    """"No, never mind" while the task waits for details (not for a yes): the shopper changed their mind,
    and may go on to ask something else ("算了不取消了，告诉我#W… 到哪了"). "Forget it, keep the old
    address" / "地址不用改了" drops it wherever it is said."""
    task = task_of(context)
    action = ACTION_OF.get(task.intent)
    if task.intent == "exchange_item" and RETURN_INSTEAD.search(text):
        return False  # "不换了 直接退了吧": the items chosen go on to the return (agent/dialogue/engine.py)
    if context.get("pending"):  # "don't cancel, change the address instead": the change stated is dropped
        # (and "actually nvm keep it. when does the espresso machine one ship?": dropped, the question answered)
        return intent != task.intent and reading.declines(text, action) and (
            intent in ACTION_OF and intent != "account" and _gives_details(Task(intent=intent), text) or goes_on)
    if not task.intent:
        return False
    if task.intent in _SELLING and context.get("product") and names_option(text) and not reading.is_bare_answer(text):
        return False  # "不要太吵的 clicky的就算了 有背光最好": the suggestion narrowed, not dropped
    if reading.declines(text, action) and (not goes_on or reading.KEEP_AS_IS.search(text)):
        return True
    if not reading.is_no(text, action) or _gives_details(task, text):
        return False
    return (goes_on and intent != task.intent) or not _names_who_or_which(slots, text)


def return_instead(context: dict, intent: str | None, text: str) -> dict | None:
    """"算了还是直接退了吧 不换了": the exchange under way becomes a return of the same items of the same order."""
    task = task_of(context)
    if task.intent != "exchange_item" or intent != "return_item" or not RETURN_INSTEAD.search(text):
        return None
    return Task(intent="return_item", order_id=task.order_id, order_named=task.order_named, products=task.products,
                item_ids=task.item_ids).model_dump()


def task_of(context: dict) -> Task:
    return Dialogue.of(context).task or Task(intent="")


def _names_who_or_which(slots: dict, text: str) -> bool:
    return bool({"email", "order_id", "zip"} & slots.keys()) or gives_identity(slots, text)


def _picks_order(text: str) -> bool:
    """An answer to "which order is it?": the first/second one, the white one, the one with the lamp."""
    return bool(reading.ORDINAL.search(text) or products.products_in(text)
                or set(re.findall(r"[a-z0-9-]+", option_words(text))) & option_values())


def _gives_details(task: Task, text: str) -> bool:
    """The message gives something this task uses: which order ("the headphones one"), a reason, an item,
    a refund method, an option, a change."""
    intent, source = task.intent, money.payment_source(text)
    return (intent in ORDER_INTENTS and not task.order_id and bool(products.products_in(text))) \
        or (intent in ORDER_INTENTS and products.corrects(text) and bool(reading.ORDER_ID.search(text))) \
        or (intent == "cancel_order" and bool(reading.cancel_reason(text))) \
        or (intent in ("return_item", "exchange_item") and bool(products.products_in(text) or reading.ALL_ITEMS.search(text))) \
        or (intent == "return_item" and bool(source or money.ORIGINAL_PAYMENT.search(text))) \
        or (intent == "return_item" and task.order_id is not None and not reading.asks_change(text)
            and names_option(text)) \
        or (intent in ("exchange_item", "modify_order") and bool(task.item_ids)) \
        or (intent in ("modify_order", "account") and bool(addresses.ADDRESS.search(text) or reading.ADDRESS_WORDS.search(text)
                                                           or source or addresses.amends_address(text))) \
        or (intent == "account" and bool(reading.QUESTION.search(text) and reading.ASKS_CURRENT.search(text))) \
        or (intent == "recommend" and bool(money.CHEAPER.search(text)))
