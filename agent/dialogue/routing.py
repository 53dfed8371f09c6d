"""How a message stands to the conversation: does it answer the task under way, drop it, start a new
one, or can a flow close it at all. The graph's router (agent/router.py) asks these questions."""
from __future__ import annotations

import re

from agent.catalogue_search import products_for
from agent.catalogue_words import asked_attributes, option_values
from agent.dialogue import addresses, products, reading
from agent.dialogue.flows import ACTION_OF, FLOWS, ORDER_INTENTS, SAID
from agent.dialogue.state import Dialogue, Task
from agent.variants import asks_option, option_words

FLOW_INTENTS = set(FLOWS) | set(SAID) | {"price_promo", "recommend", "product_info"}


def can_close(intent: str | None, text: str, context: dict | None = None) -> bool:
    """Whether a flow can answer this intent: product facts need a product we can name, in this message or
    the one talked about just before ("还有别的有货的吗"); an account question is a flow when it is about
    the default address or the payment methods saved, a payment question when it names an order;
    otherwise the FAQ answers them."""
    if intent == "account":  # the default address, or the payment methods saved
        return bool(reading.ADDRESS_WORDS.search(text) or addresses.address_in(text) or reading.payment_source(text)
                    or reading.asks_saved_methods(text))
    if intent == "payment_issue":  # about one order's payments ("charged twice for my speaker order"); the FAQ
        return bool(reading.ORDER_ID.search(text) or products.products_in(text) and reading.OWNS.search(text))  # the rest
    if intent == "product_info" and not products.products_in(text):
        context = context or {}
        shown = context.get("product") or (context.get("task") or {}).get("products") \
            or context.get("slots", {}).get("product")  # talked about, recommended, or named before
        return bool(products.asks_if_sold(text)) or bool(shown) and bool(
            reading.OPTION_WORDS.search(option_words(text)) or asks_option(text) or asked_attributes(text))
    return intent in FLOW_INTENTS


_SAVED = re.compile(r"\bsaved\b|on file|\bbalance\b|\bleft on\b|\bleft in\b|what (?:cards|payment)|绑|存了|有哪些|余额|还剩|剩多少|剩下多少|还有多少",
                    re.IGNORECASE)


def account_not_order(intent: str | None, slots: dict, text: str, context: dict) -> bool:
    """The account's own things read as an order's: "update the default address on my account" (no order
    named, the account's words) or "which cards do I have saved, how much is left on my gift card" (a
    payment method asked about, not a payment). Not while an order task of that intent is under way."""
    if slots.get("order_id") or reading.ORDER_ID.search(text) or _task(context).intent == intent:
        return False
    if intent in ("modify_order", "order_status"):  # ("which address do you have on file for me?")
        return bool(reading.ADDRESS_WORDS.search(text) and reading.ACCOUNT_WORDS.search(text)) \
            and not reading.to_default_address(text)
    return intent in ("payment_issue", "account") and bool(reading.payment_source(text)) and bool(_SAVED.search(text)) \
        or intent in ("payment_issue", "account", "refund_status") and reading.asks_saved_methods(text)  # ("礼品卡还剩多少")


_FAREWELL = re.compile(r"\b(?:good ?day to you|good ?bye|bye|see you|take care|have a (?:nice|good|great) (?:day|one|evening)|"
                       r"think it over|talk (?:to you )?later)\b|再见|拜拜|回头聊|我再想想", re.IGNORECASE)
_REFUND_WANTED = re.compile(r"\b(?:refund (?:it |that |this )?(?:to|on|back to|onto) (?:my|the)|(?:i want|i'd like|give me) "
                            r"(?:my |a )?(?:money back|refund)|money (?:returned|refunded|back) (?:to|on)|send (?:\w+ )?back)\b|"
                            r"退款到|钱退到|退钱|我要退款", re.IGNORECASE)  # ("arrange to send things back", "the money returned to the card")
_INSTEAD = re.compile(r"\b(?:instead|swap|exchange|replace|another (?:size|colou?r|one))\b|换成|换一|换个|改成", re.IGNORECASE)
_REFUND_DETAIL = re.compile(r"全额|全部|包括|包含|\bfull\b|\bin full\b|\bincluding\b|\bincluded\b|\ball of it\b|\bwhole\b", re.IGNORECASE)
_RETURN_INSTEAD = re.compile(r"(?:直接|还是|干脆)退(?:了|掉|货)?吧?|退(?:了|掉|货)吧|\b(?:just|rather) (?:return|refund)\b|"
                             r"\b(?:return|refund)(?: it| them)? instead\b|\bforget the exchange\b", re.IGNORECASE)
_DOES_NOT_FIT = re.compile(r"\bpinch|\btoo (?:small|big|tight|large|loose|narrow|wide|short|long)\b|\b(?:doesn'?t|don'?t|didn'?t) "
                           r"fit\b|太大|太小|太紧|太松|偏大|偏小|不合脚|挤脚|夹脚|不合身", re.IGNORECASE)
_NO_LONGER_NEEDED = re.compile(r"\b(?:(?:shall|will|do|would)(?: not|n'?t)|won'?t|no longer) (?:be )?need(?:ing)? (?:it|them|this|that)\b|"
                               r"\bno longer need|用不上了|用不着了|不需要了|不想要了", re.IGNORECASE)
_ORDERED = re.compile(r"\border(?:ed)?\b|下单|下了(?:一|个)?单|订了|买了", re.IGNORECASE)
_CAN_I_RETURN = re.compile(r"\b(?:can|could|may) i (?:still )?(?:return|send back) (?:it|them|these|those|this|that)\b|"
                           r"(?:能|可以)退(?:吗|嘛|不)", re.IGNORECASE)
_CHECKS_ORDERS = re.compile(r"(?:查|看)(?:一?下|个|查)?(?:我的)?(?:订单|物流|快递|包裹|单号)|\b(?:check|look up|track) (?:on )?my (?:order|parcel|package)|"
                            + reading.NOT_SENT_YET.pattern, re.IGNORECASE)
_CALL_OFF = re.compile(r"\b(?:kill|scrap|nix|call off|axe)\b (?:the |my |this |that )?(?:whole )?order\b", re.IGNORECASE)


def meant_intent(intent: str | None, slots: dict, text: str, context: dict) -> str | None:
    """The request the words make, where the model's intent reads another: the account's address or
    saved cards (account_not_order); "what address was it sent to?" asks for the order's status and
    address; "send it to the default address on my account" changes the order in question."""
    if account_not_order(intent, slots, text, context):
        return "account"
    if intent == "greeting" and _FAREWELL.search(text):
        return "thanks_bye"  # "Lovely. I shall think it over. Good day to you."
    if intent in ("exchange_item", "complaint", "modify_order") and _REFUND_WANTED.search(text) and not _INSTEAD.search(text) \
            and _task(context).intent in ("", "order_status") and not reading.ADDRESS_WORDS.search(text):
        return "return_item"  # "Refund to my mastercard please — it's for the makeup kit, the shade is all wrong"
    if _task(context).intent == "exchange_item" and _RETURN_INSTEAD.search(text):
        return "return_item"  # "算了还是直接退了吧 不换了 钱退回PayPal": the exchange under way becomes a return
    order_now = context.get("user_id") and context.get("slots", {}).get("order_id")  # the order just talked about
    if order_now and reading.ASKS_SPECS.search(text) and not reading.asks_change(text):
        return "order_status"  # "what were the specs again? which processor I picked": the items as bought
    if order_now and context.get("last_intent") == "refund_status" and reading.QUESTION.search(text) \
            and _REFUND_DETAIL.search(text) and not reading.asks_change(text):
        return "refund_status"  # "是全额退的吗? 包括那个espresso machine?": that refund again, in full
    if intent != "cancel_order" and _CALL_OFF.search(text):
        return "cancel_order"  # "I need to kill order W6729841 before it ships"
    if intent in ("complaint", "out_of_scope", "greeting", None) and _NO_LONGER_NEEDED.search(text) \
            and _ORDERED.search(text) and not _task(context).intent:
        return "cancel_order"  # "my grandson helped me order a little camera, but I shall not be needing it after all"
    if intent == "return_policy" and _CAN_I_RETURN.search(text) and reading.OWNS.search(text) \
            and products.products_in(text):
        return "return_item"  # "I bought hiking boots for a trip that got cancelled … Can I return them?"
    if intent in ("modify_order", "account", "complaint", "payment_issue", None) and reading.ASKS_ADDRESS.search(text) \
            and not reading.ACCOUNT_WORDS.search(text) and not addresses.address_in(text) \
            and not re.search(r"\bchange|\bupdate|改", text, re.IGNORECASE):
        return "order_status"
    if intent in ("return_item", "exchange_item", "complaint", "account", "greeting", None) \
            and _CHECKS_ORDERS.search(text) and not reading.asks_change(text):
        return "order_status"  # "我想查个订单 订单号忘了", "is there anything else on my account that hasn't been sent yet?"
    if intent in ("modify_order", "complaint", "account", "price_promo", "product_info", "out_of_scope", "greeting", None) \
            and reading.ASKS_WHERE.search(text) and not _CHANGES.search(text) \
            and _task(context).intent in ("", None, "order_status", "price_promo", "recommend", "product_info") \
            and (reading.OWNS.search(text) or slots.get("order_id") or context.get("slots", {}).get("order_id")):
        return "order_status"  # "物流单号再发我一下", "another order with a perfume… is that one on its way too?"
    if (intent not in ORDER_INTENTS or intent in ("cancel_order", "modify_order") and not reading.asks_change(text)) \
            and _WHEN_SHIPS.search(text) and products.products_in(text) \
            and not _IF_ORDERED.search(text) and (reading.OWNS.search(text) or reading.ORDER_BY_ITEMS.search(text) or _THE_ONE.search(text)):
        return "order_status"  # "also when does the espresso machine one ship?": their order, not the shipping rules
    if intent in ("product_info", "recommend", "price_promo", "complaint", "out_of_scope", None) \
            and reading.COMPARES.search(text) \
            and len({n for n, _ in products.products_in(text)}) >= 2 and not reading.OWNS.search(text):
        return "product_info"  # "what's the difference between the electric kettle and the tea kettle?"
    if _task(context).intent == "recommend" and not reading.OWNS.search(text) and not slots.get("order_id") \
            and (names_option(text) and not reading.ORDER_ID.search(text)):
        return "recommend"  # "he wears a size 10 and needs them waterproof", "要黑色的 最好能定时": narrowed
    if _task(context).intent == "recommend" and intent not in ORDER_INTENTS and products_for(text):
        return "recommend"  # "她平时喜欢瑜伽" after "a birthday gift for my girlfriend?": the need, narrowed
    if intent in ("price_promo", "product_info", "recommend") and reading.OWNS.search(text) \
            and reading.BROKEN.search(text) and not reading.WANTS_NEW.search(text):
        return "complaint"  # "我买的相机两千九百多美元，到手就开不了机！！": theirs, broken, no catalogue question
    if intent in ("price_promo", "product_info", "recommend") and reading.OWNS.search(text) \
            and _DOES_NOT_FIT.search(text) and products.products_in(text) and not _task(context).intent:
        return "exchange_item"  # "I bought hiking boots for my dad and he says they pinch. He needs a 12."
    if intent in ("product_info", "price_promo", "recommend") and reading.ORDER_ID.search(text) and names_option(text) \
            and context.get("last_intent") == "complaint":
        return "exchange_item"  # "…CHEAP SILICONE GARBAGE" then "order W7909132. SAME WATCH, GOLD, LCD, LEATHER BAND"
    if products.asks_if_sold(text):  # "do you sell tents?": a question about the catalogue
        return "product_info"
    if intent in ("exchange_item", "modify_order", "return_item") and not _task(context).intent \
            and not reading.OWNS.search(text) and not slots.get("order_id") and _PRICE_ASKED.search(text) \
            and not reading.DIFFERENCE.search(text) and (products.products_in(text) or context.get("product")):
        return "product_info"  # "数码相机3000万像素 CF卡 5倍变焦的多少钱": nothing of theirs, a price asked
    if (intent in ("out_of_scope", "complaint", "return_policy", "greeting", None)
            or intent in ("product_info", "price_promo") and not products.products_in(text)) and _WANTS.search(text) \
            and not _BOUGHT.search(text) and not products.asks_if_sold(text) and products_for(text):
        return "recommend"  # "想在家workout 但是房子很小 any ideas", "出国玩两周 装东西用的有啥"
    if intent not in ORDER_INTENTS | {"product_info", "recommend", "price_promo"} and products.products_in(text) \
            and names_option(text) and (_PRICE_ASKED.search(text) or _STOCK.search(text)) \
            and not reading.OWNS.search(text) and not slots.get("order_id"):
        return "product_info"  # "19 bar 2L manual的espresso machine有货吗? 多少钱? 另外你们接受哪些payment methods?"
    if products.products_in(text) and not reading.OWNS.search(text) and not slots.get("order_id") and (
            products.asks_whether_sold(text) or (intent in ("complaint", "out_of_scope", None) and _PRICE_ASKED.search(text))
            or (intent in ("out_of_scope", None) and reading.QUESTION.search(text))):  # "longest garden hose?"
        return "product_info"  # "yo u sell skateboards?"; "WHAT is the cheapest grill you have???" (angry, yet a question)
    if intent in ("exchange_item", "modify_order", "return_item") and context.get("product") \
            and context.get("last_intent") in ("product_info", "price_promo", "recommend") and not _task(context).intent \
            and names_option(text) and not reading.OWNS.search(text) and not slots.get("order_id"):
        return "product_info"  # "不对，我要的是i7的17寸，不是i9" after a question about a laptop: the question, corrected
    if intent in ("exchange_item", "return_item", "modify_order") and reading.WANTS_NEW.search(text) \
            and not reading.OWNS.search(text) and not slots.get("order_id") and products.products_in(text):
        return "recommend"  # "要一个大一点的背包 能装15寸电脑的": a product wanted, nothing of theirs
    if intent not in ORDER_INTENTS and _REFUND_ASKED.search(text) and reading.ORDER_BY_ITEMS.search(text) \
            and products.products_in(text):
        return "refund_status"  # "the one with the bike and the one with the espresso machine. How much is coming back?"
    if (intent not in ORDER_INTENTS or not _ACTS.search(text)) and context.get("last_intent") in ORDER_INTENTS \
            and reading.ORDER_BY_ITEMS.search(text) and products.products_in(text):
        return context["last_intent"]  # "是台灯和拼图那一单": which order the last request is about
    if intent == "account" and reading.to_default_address(text) and (
            slots.get("order_id") or context.get("slots", {}).get("order_id")):
        return "modify_order"
    return intent


_WHEN_SHIPS = re.compile(r"\bwhen (?:does|will|is|do|did|would)\b.{0,40}\b(?:ship|shipped|arrive|come|be delivered|get here)\b|"
                         r"\b(?:has|have|is|did) (?:it|they|that|that one|the \w+(?: \w+)?) (?:shipped|arrived|been shipped)\b|"
                         r"什么时候(?:能)?(?:发货|发出|到|送到)|几时(?:发货|到)|发货了(?:没|吗|么)|到了(?:没|吗|么)", re.IGNORECASE)
_IF_ORDERED = re.compile(r"\bif (?:i|we) (?:order|buy|get)|如果.{0,4}(?:下单|买)|现在(?:下单|买)", re.IGNORECASE)
_THE_ONE = re.compile(r"\b\w+ one\b(?! (?:is|of))|那单|那个订单|那笔", re.IGNORECASE)  # ("the espresso machine one")
_REFUND_ASKED = re.compile(r"refund|coming back|money back|get back|退款|退了多少|退回多少|退多少|到账", re.IGNORECASE)
# a request of its own in a description of an order ("退掉耳机那单" asks for a return; "就瑜伽垫跟电热水壶那单" only says which)
_ACTS = re.compile(r"退|取消|换|改|\b(?:return|cancel|exchange|refund|modify|change|swap)", re.IGNORECASE)


# a change asked for ("换成", "cancel"), not any 换 ("我换手机上来了": another phone)
_CHANGES = re.compile(r"退货|退款|退掉|退了|取消|换成|换货|换个|换一|改成|改地址|修改|"
                      r"\b(?:return|cancel|exchange|refund|modify|change|swap|switch)|\bnew address|\binstead\b",
                      re.IGNORECASE)


def names_target(text: str, slots: dict) -> bool:
    """The message names an order or one of our products."""
    return bool(slots.get("order_id") or reading.ORDER_ID.search(text) or products.products_in(text))


def names_product(text: str) -> bool:
    return bool(products.products_in(text))


def gives_identity(slots: dict, text: str) -> bool:
    """An e-mail, a name and zip, or half of the two ("Ethan Johnson", then "zip 80298")."""
    return bool(slots.get("email") or addresses.names_with_zip(text) or addresses.zip_alone(text)
                or bool((name := addresses.name_alone(text)) and not products.products_in(" ".join(name))))


def starts_new_task(context: dict, intent: str | None, slots: dict, sure: bool, text: str) -> bool:
    """A new request in words of its own while a task waits ("cancel order #W2378156" while the account's
    address is awaited): the new request is answered, not swallowed as an answer to the old question."""
    task = _task(context)
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
    words = _ORDER_WORDS.sub(" ", reading.EMAIL.sub(" ", reading.ORDER_ID.sub(" ", text)))  # ("order number W8306539")
    return len(re.findall(r"[A-Za-z]{2,}", words)) + len(re.findall(r"[\u3400-\u9fff]", words)) / 2 >= 2


_ORDER_WORDS = re.compile(r"\b(?:the |my )?order(?: number| no\.?| id| #)?(?: is)?\b|订单号?(?:是)?|单号(?:是)?", re.IGNORECASE)


def confirms_what_is_done(context: dict, slots: dict, text: str) -> bool:
    """A yes again right after the change was made ("对 那个order的地址也确认改 thanks"), naming nothing new:
    there is nothing left to confirm."""
    return bool(context.get("done")) and not context.get("pending") and bool(
        reading.EXPLICIT_YES.search(text) or reading.is_yes(text)) and not (
        names_target(text, slots) or addresses.address_in(text) or reading.payment_source(text) or gives_identity(slots, text)
        or names_option(text))


def continues_task(context: dict, intent: str | None, slots: dict, text: str) -> bool:
    """A message that answers what the flow asked (a yes, an e-mail, an order id, a detail) keeps the task;
    a question about a product in the middle of it is answered first ("顺便问下 10寸的平板有金色的吗").
    After "why cancel?", a statement that is no other order request is the answer, even one that is not
    one of the two reasons ("because I found it cheaper somewhere else": the two are offered again)."""
    task = _task(context)
    if task.intent and context.get("pending") and intent in ("refund_status", "payment_issue") \
            and _REFUND_ASKED.search(text) and reading.QUESTION.search(text) and not reading.ORDER_ID.search(text):
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
        or (task.asked == "reason" and intent not in ORDER_INTENTS and not reading.QUESTION.search(text))


_SELLING = ("recommend", "price_promo", "product_info")


def asks_about_product(context: dict, text: str) -> bool:
    """"如果没货的话 13寸i7还有别的有货的吗": a question naming options of the product talked about just
    before is about that product, whatever else the words resemble."""
    return bool(context.get("product")) and bool(reading.QUESTION.search(text) or _FOLLOW_UP.search(text)) \
        and bool(names_option(text) or asked_attributes(text) or _ENDS.search(text) or _STOCK.search(text)) \
        and not reading.ORDER_ID.search(text) and not reading.payment_source(text) \
        and not reading.OWNS.search(text) and all(n == context["product"] for n, _ in products.products_in(text)) \
        and not (_task(context).intent in ORDER_INTENTS and reading.asks_change(text))  # ("有两个烤炉？退木炭那个")


_WANTS = re.compile(r"推荐|买点|买个|买件|想买|有啥|有什么|有没有|你们有|有这种|送点|送什么|想要个|any ideas|recommend|suggest|"
                    r"what would you get|what (?:have you got|do you have|can you offer)|\bneed (?:something|smth|sth|some)\b|"
                    r"\bwhat could i get\b|有什么能|有啥能|"
                    r"looking for|\bgift\b|送(?:给|他|她)", re.IGNORECASE)
# something of theirs bought already (not just "my": "my wife says the bedroom is too dark, what have you got")
_BOUGHT = re.compile(r"买的|(?<![要想])买了|订单|收到|签收|\border\b|\bbought\b|\bpurchased\b|\breceived\b", re.IGNORECASE)
_STOCK = re.compile(r"(?<![a-z])in stock(?![a-z])|(?<![a-z])available(?![a-z])|有货|现货|还有哪", re.IGNORECASE)  # "那现在哪几款是in stock的"
_ENDS = re.compile(r"cheapest|most expensive|最便宜|最贵", re.IGNORECASE)  # "最便宜那个多少钱" of the product just shown
_PRICE_ASKED = re.compile(r"cheapest|most expensive|how much|price|多少钱|价格|最便宜|最贵", re.IGNORECASE)
# a short follow-up about the product just talked about: "and in navy?", "capsule 1L那个多少", "要最重的 55-75 lbs那种"
_FOLLOW_UP = re.compile(r"多少|价格|价钱|那种|那个|那款|这款|呢|\bhow much\b|\bprice\b|^\W*(?:and|what about|how about)\b|"
                        r"^\W*(?:要|想要)[^退换取消，,]{0,8}的|预算|以内|\bbudget\b|\bunder \$?\d|"
                        r"\bthe \w+(?: \w+)? ones?\b", re.IGNORECASE)


def names_option(text: str) -> bool:
    """The words name an option value of the catalogue's ("13寸 i7", "navy", "55-75 lbs")."""
    return asks_option(text) or bool(set(re.findall(r"[a-z0-9-]+", option_words(text))) & option_values())


def is_digression(context: dict, intent: str | None, text: str) -> bool:
    """A question about one of our products while an order task waits: answered, and the task kept."""
    # ("先问一下 你们有没有带研磨功能的咖啡机" before the yes to a return: the change stated stays for its yes)
    return _task(context).intent in ORDER_INTENTS and (intent in ("product_info", "price_promo", "recommend") or intent in (
        "out_of_scope", None) and not reading.OWNS.search(text)) \
        and bool(reading.QUESTION.search(text) and products.products_in(text)) \
        and not (context.get("pending") and (reading.is_yes(text) or reading.is_no(text)))


def drops_task(context: dict, intent: str | None, slots: dict, text: str, goes_on: bool) -> bool:
    """"No, never mind" while the task waits for details (not for a yes): the shopper changed their mind,
    and may go on to ask something else ("算了不取消了，告诉我#W… 到哪了"). "Forget it, keep the old
    address" / "地址不用改了" drops it wherever it is said."""
    task = _task(context)
    action = ACTION_OF.get(task.intent)
    if task.intent == "exchange_item" and _RETURN_INSTEAD.search(text):
        return False  # "不换了 直接退了吧": the items chosen go on to the return (agent/dialogue/engine.py)
    if context.get("pending"):  # "don't cancel, change the address instead": the change stated is dropped
        # (and "actually nvm keep it. when does the espresso machine one ship?": dropped, the question answered)
        return intent != task.intent and reading.declines(text, action) and (
            intent in ACTION_OF and intent != "account" and _gives_details(Task(intent=intent), text) or goes_on)
    if not task.intent:
        return False
    if reading.declines(text, action) and (not goes_on or reading.KEEP_AS_IS.search(text)):
        return True
    if not reading.is_no(text, action) or _gives_details(task, text):
        return False
    return (goes_on and intent != task.intent) or not _names_who_or_which(slots, text)


def return_instead(context: dict, intent: str | None, text: str) -> dict | None:
    """"算了还是直接退了吧 不换了": the exchange under way becomes a return of the same items of the same order."""
    task = _task(context)
    if task.intent != "exchange_item" or intent != "return_item" or not _RETURN_INSTEAD.search(text):
        return None
    return Task(intent="return_item", order_id=task.order_id, order_named=task.order_named, products=task.products,
                item_ids=task.item_ids).model_dump()


def _task(context: dict) -> Task:
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
    intent, source = task.intent, reading.payment_source(text)
    return (intent in ORDER_INTENTS and not task.order_id and bool(products.products_in(text))) \
        or (intent in ORDER_INTENTS and products.corrects(text) and bool(reading.ORDER_ID.search(text))) \
        or (intent == "cancel_order" and bool(reading.cancel_reason(text))) \
        or (intent in ("return_item", "exchange_item") and bool(products.products_in(text) or reading.ALL_ITEMS.search(text))) \
        or (intent == "return_item" and bool(source or reading.ORIGINAL_PAYMENT.search(text))) \
        or (intent == "return_item" and task.order_id is not None and not reading.asks_change(text)
            and names_option(text)) \
        or (intent in ("exchange_item", "modify_order") and bool(task.item_ids)) \
        or (intent in ("modify_order", "account") and bool(addresses.ADDRESS.search(text) or reading.ADDRESS_WORDS.search(text)
                                                           or source or addresses.amends_address(text))) \
        or (intent == "account" and bool(reading.QUESTION.search(text) and reading.ASKS_CURRENT.search(text))) \
        or (intent == "recommend" and bool(reading.CHEAPER.search(text)))
