"""The request a message's words mean where the intent model read another ("refund it to my PayPal" at a
return's confirmation, "kill the whole order", "can I still return it?"), and the account's own things read
as an order's. The graph's router (agent/router.py) asks these with the questions of routing.py."""
from __future__ import annotations

import re

from agent.catalogue_search import NOT_SHOPPING, TWO_WANTS, asks_of_catalogue, by_meaning, describes_need, products_for
from agent.catalogue_words import asked_attributes, catalogue_variants
from agent.dialogue import addresses, money, products, reading
from agent.dialogue.flows import ORDER_INTENTS
from agent.dialogue.routing import PRICE_ASKED, asks_price_of_variant, REFUND_ASKED, RETURN_INSTEAD, STOCK, names_option, task_of
from agent.variants import named_options, owner_of_options


def account_not_order(intent: str | None, slots: dict, text: str, context: dict) -> bool:
    """The account's own things read as an order's: "update the default address on my account" (no order
    named, the account's words) or "which cards do I have saved, how much is left on my gift card" (a
    payment method asked about, not a payment). Not while an order task of that intent is under way."""
    if slots.get("order_id") or reading.ORDER_ID.search(text) or task_of(context).intent == intent:
        return False
    if intent in ("modify_order", "order_status"):  # ("which address do you have on file for me?")
        return bool(reading.ADDRESS_WORDS.search(text) and reading.ACCOUNT_WORDS.search(text)) \
            and not reading.to_default_address(text)
    return intent in ("payment_issue", "account") and bool(money.payment_source(text)) and bool(_SAVED.search(text)) \
        or intent in ("payment_issue", "account", "refund_status") and money.asks_saved_methods(text)  # ("礼品卡还剩多少")


# (an exchange's own words: "手机颜色不喜欢 能换个黑色的吗" is about theirs, not a question of the catalogue's)
_SWAP = re.compile(r"换|\b(?:exchange|swap)", re.IGNORECASE)
# what a sum of money buys here: "what can I get for fifty?", "一百块能买点啥"
_WHAT_IT_BUYS = re.compile(r"\bwh?at (?:can|could|would) (?:i|we|that|it) (?:actually |even )?(?:get|buy|afford)\b|"
                           r"\bwhat(?:'s| is) (?:there|available) (?:for|under)\b|能买(?:到|点)?(?:什么|啥)|买得(?:起|到)(?:什么|啥)",
                           re.IGNORECASE)
_SAVED = re.compile(r"\bsaved\b|on file|\bbalance\b|\bleft on\b|\bleft in\b|what (?:cards|payment)|绑|存了|有哪些|余额|还剩|剩多少|剩下多少|还有多少",
                    re.IGNORECASE)


# a device's charge, not a payment's ("can't charge it at work", "won't charge", "充不进电")
_DEVICE_CHARGE = re.compile(r"\b(?:charge|recharge)\s+(?:it|my|the|his|her|them|up)\b|\b(?:won'?t|doesn'?t|can'?t|cannot|not)\s+"
                            r"charge\b|\bcharging\b|充电|充不进电|没电", re.IGNORECASE)


# words of the shop's shipping and return rules
_POLICY_WORDS = re.compile(r"运费|邮费|包邮|邮寄|发货|快递|配送|物流|退|换货|保修|\b(?:ship\w*|deliver\w*|postage|return\w*|refund\w*|"
                           r"exchange\w*|warrant\w*)\b", re.IGNORECASE)


def meant_intent(intent: str | None, slots: dict, text: str, context: dict) -> str | None:
    """The request the words make, where the model's intent reads another: the account's address or
    saved cards (account_not_order); "what address was it sent to?" asks for the order's status and
    address; "send it to the default address on my account" changes the order in question."""
    if account_not_order(intent, slots, text, context):
        return "account"
    if intent == "human_agent" and not reading.asks_for_person(text) and context.get("product") \
            and context.get("last_intent") in ("product_info", "recommend", "price_promo") and names_option(text):
        return "product_info"  # "那带智能传感器的那款呢 别又跟我说没有" after a purifier: the next one asked, no person
    if intent not in ("product_info", "recommend", "price_promo") and reading.HOW_TO_BUY.search(text) \
            and not slots.get("order_id") and not reading.ORDER_ID.search(text) and not reading.owns(text) \
            and task_of(context).intent not in ORDER_INTENTS:
        return "product_info"  # "好 就它了 怎么买", "can I order through this chat?": how to buy, no order of theirs
    if intent == "greeting" and _FAREWELL.search(text):
        return "thanks_bye"  # "Lovely. I shall think it over. Good day to you."
    if intent in ("out_of_scope", "greeting", "price_promo", "payment_issue") and task_of(context).intent == "recommend" \
            and money.budget(text) is not None and len(text) <= 30 and not OFFERS.search(text):
        return "recommend"  # "预算200以内呢" after a recommendation: the same need, within it
    if intent in ("out_of_scope", "greeting") and SHOP_END.search(text) and not products.products_in(text):
        return "price_promo"  # "好奇问问 你们店里最贵的东西是啥 多少钱": the dearest thing we sell, a question of ours
    if intent in ("product_info", "recommend", "complaint", "out_of_scope") and not task_of(context).intent \
            and TWO_WANTS.search(text) and len(products_for(text)) > 1 and WANTS.search(text):
        return "recommend"  # ("…看书… 你们有什么合适的？对了他喝水的杯子上周也摔碎了 一起帮我看看": two things wanted)
    if intent == "order_status" and _IF_ORDERED.search(text) and not slots.get("order_id") \
            and not reading.ORDER_ID.search(text) and task_of(context).intent != "order_status":
        return "shipping_policy"  # "when will it get here if I order today?": no order yet, the delivery times
    if intent in ("exchange_item", "complaint", "modify_order") and _REFUND_WANTED.search(text) and not _INSTEAD.search(text) \
            and task_of(context).intent in ("", "order_status") and not reading.ADDRESS_WORDS.search(text):
        return "return_item"  # "Refund to my mastercard please — it's for the makeup kit, the shade is all wrong"
    if task_of(context).intent == "exchange_item" and RETURN_INSTEAD.search(text):
        return "return_item"  # "算了还是直接退了吧 不换了 钱退回PayPal": the exchange under way becomes a return
    if (intent in ORDER_INTENTS - {"complaint"} or intent == "price_promo" and not OFFERS.search(text)) \
            and task_of(context).intent not in ORDER_INTENTS and asks_catalogue(text, slots):  # ("Is there a desk lamp that runs on batteries?", "想送双登山鞋 … 有合适的吗")
        return "recommend" if WANTS.search(text) or money.budget(text) is not None else "product_info"
    if intent in ORDER_INTENTS and not task_of(context).intent and not slots.get("order_id") \
            and not reading.ORDER_ID.search(text) and (head := products.CLAUSE_END.split(text.strip(), maxsplit=1)[0]) \
            and products.products_in(head) and (products.asks_whether_sold(head) or _HAVE_IT.search(head)) \
            and not _CHANGE_ASKED.search(text):
        # "有瑜伽垫卖吗？之前在别家买了一个…后来退了", "电动牙刷有吗 要充电的 不要装电池那种（上次买的那个天天换电池 烦死）":
        # the question leads, the past it tells asks nothing of an order
        return "recommend" if WANTS.search(text) or money.budget(text) is not None else "product_info"
    if intent in ORDER_INTENTS and reading.UPGRADE.search(text) and not task_of(context).intent and not reading.owns(text) \
            and not slots.get("order_id") and not reading.ORDER_ID.search(text) and not _bought(text) \
            and not reading.BROKEN.search(text) and (products_for(text) or products.products_in(text)):
        # "现在这把椅子太硬了 … 想换把好一点的": a better one wanted, nothing of ours bought; "玫瑰金的手机128G的有吗 想换
        # 个新手机": that one's stock
        return "product_info" if names_option(text) and (STOCK.search(text) or PRICE_ASKED.search(text)) else "recommend"
    if intent in ("exchange_item", "return_item", "complaint") and not task_of(context).intent and not slots.get("order_id") \
            and not reading.ORDER_ID.search(text) and not _bought(text) and not _RETURNS.search(text) \
            and ((m := _NEW_ONE.search(text)) and (products.products_in(m[1]) or owner_of_options(m[1]) and products_for(text)
                                                    or not reading.BROKEN.search(text) and not _OPTION_CHANGE.match(m[1])
                                                    and products_for(text)[:1]
                                                    and products_for(text)[0] in {n for n, _ in products.products_in(text)})
                 and not reading.owns(text)
                 or _OLD_ONE.search(text) and reading.BROKEN.search(text) and (WANTS.search(text) or reading.WANTS_NEW.search(text))
                 and (products_for(text) or products.products_in(text))):
        # "WFH一整天腰酸背痛的，想换个chair，要mesh的": a new chair, nothing of ours to exchange ("坐的是餐厅那种硬椅子…想换个
        # ergonomic 一点的": the kind the need reader finds, named before) ("想给它换个睡觉的地方 软一点的
        # 记忆棉那种": a new pet bed, by its option and its use); "i need something … to
        # boil water for tea on my gas stove, the old one broke": a new one for the one broken
        return "product_info" if names_option(text) and (STOCK.search(text) or PRICE_ASKED.search(text)) else "recommend"
    if (intent in ORDER_INTENTS or intent == "complaint") and not task_of(context).intent and not slots.get("order_id") \
            and not reading.ORDER_ID.search(text) and money.budget(text) is not None and not money.DIFFERENCE.search(text) \
            and not _bought(text) and not _RETURNS.search(text) and (not reading.owns(text) or _OLD_ONE.search(text)) \
            and (products.products_in(text) or products_for(text)):
        return "recommend"  # "想给他换个无线的 … 一百五以内", "my old pair is literally falling apart … under 150": a new
        # one within a budget; an exchange names no budget ("got anything laptop-wise for under two grand? broke student")
    if intent == "complaint" and reading.BOUGHT_ELSEWHERE.search(text) and (WANTS.search(text) or names_option(text)) \
            and products.products_in(reading.BOUGHT_ELSEWHERE.sub(" ", text)) and not task_of(context).intent:
        return "recommend"  # "上次在别家买的充电宝用了两天就鼓包了 气死我了 这次要个靠谱的 两万毫安的": one of ours, now
    if intent == "complaint" and (now := _THIS_TIME.split(text, maxsplit=1)[1:]) and not task_of(context).intent \
            and not slots.get("order_id") and not reading.ORDER_ID.search(text) and products.products_in(now[0]) \
            and (WANTS.search(now[0]) or names_option(now[0]) or _WANT_ONE.search(now[0])) and not _RETURNS.search(now[0]):
        return "recommend"  # "上次在你们这买的耳机跑步一出汗就不响了！！… 这次要防水的、能运动时戴的无线耳机": a new one, this time
    if intent not in ("recommend", "product_info") and not task_of(context).intent and not OFFERS.search(text) \
            and money.budget(text) is not None and _WHAT_IT_BUYS.search(text):
        return "recommend"  # "I've got a $50 gift card … What can I actually get for fifty or less?"
    order_now = context.get("user_id") and context.get("slots", {}).get("order_id")  # the order just talked about
    if order_now and reading.ASKS_SPECS.search(text) and not reading.asks_change(text):
        return "order_status"  # "what were the specs again? which processor I picked": the items as bought
    if order_now and context.get("last_intent") == "refund_status" and reading.QUESTION.search(text) \
            and _REFUND_DETAIL.search(text) and not reading.asks_change(text):
        return "refund_status"  # "是全额退的吗? 包括那个espresso machine?": that refund again, in full
    if intent != "cancel_order" and _CALL_OFF.search(text):
        return "cancel_order"  # "I need to kill order W6729841 before it ships"
    if intent in ("complaint", "out_of_scope", "greeting", None) and _NO_LONGER_NEEDED.search(text) \
            and _ORDERED.search(text) and not task_of(context).intent:
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
    if intent in ("modify_order", "complaint", "account", "price_promo", "product_info", "recommend", "out_of_scope",
                  "greeting", None) and reading.ASKS_WHERE.search(text) and not _CHANGES.search(text) \
            and task_of(context).intent in ("", None, "order_status", "price_promo", "recommend", "product_info") \
            and (reading.owns(text) or _ORDERED.search(text) or slots.get("order_id") or context.get("slots", {}).get("order_id")) \
            and not (intent == "complaint" and asks_of_catalogue(text)):  # (not "…to move where my arms rest … What have
        #                                                                      you got?": a chair asked for, no parcel)
        return "order_status"  # "物流单号再发我一下", "another order with a perfume… is that one on its way too?"
    if (intent not in ORDER_INTENTS or intent in ("cancel_order", "modify_order") and not reading.asks_change(text)) \
            and _WHEN_SHIPS.search(text) and products.products_in(text) \
            and not _IF_ORDERED.search(text) and (reading.OWNS.search(text) or reading.ORDER_BY_ITEMS.search(text) or _THE_ONE.search(text)):
        return "order_status"  # "also when does the espresso machine one ship?": their order, not the shipping rules
    if intent in ("product_info", "recommend", "price_promo", "complaint", "out_of_scope", None) \
            and reading.COMPARES.search(text) and not reading.owns(text) \
            and (len(named := {n for n, _ in products.products_in(text)}) >= 2
                 or named and names_option(text) and _SIDE_BY_SIDE.search(text)):
        return "product_info"  # "what's the difference between the electric kettle and the tea kettle?" ("… for my sister"),
        # "which is cheaper, a charcoal grill or a gas grill?"
    if task_of(context).intent == "recommend" and not reading.OWNS.search(text) and not slots.get("order_id") \
            and (names_option(text) and not reading.ORDER_ID.search(text)):
        return "recommend"  # "he wears a size 10 and needs them waterproof", "要黑色的 最好能定时": narrowed
    if task_of(context).intent == "recommend" and intent not in ORDER_INTENTS and products_for(text):
        return "recommend"  # "她平时喜欢瑜伽" after "a birthday gift for my girlfriend?": the need, narrowed
    if intent == "payment_issue" and _DEVICE_CHARGE.search(text) and not _MONEY_WORDS.search(text) and WANTS.search(text) \
            and products_for(text) and not slots.get("order_id") and not reading.ORDER_ID.search(text):
        return "recommend"  # ("my phone keeps dying … I can't charge it at work. what do you sell that fixes that": a battery's
        #                     charge, no payment's)
    if intent == "payment_issue" and reading.BROKEN.search(text) and products.products_in(text) and reading.owns(text) \
            and not _MONEY_WORDS.search(text) and not slots.get("order_id"):
        return "complaint"  # "my new phone won't charge": the phone is broken, no payment went wrong
    if intent in ("price_promo", "product_info", "recommend", "out_of_scope", None) and reading.OWNS.search(text) \
            and reading.BROKEN.search(text) and not reading.WANTS_NEW.search(text) and money.budget(text) is None \
            and not (names_option(text) and (STOCK.search(text) or PRICE_ASKED.search(text))) \
            and not (_OLD_ONE.search(text) and asks_of_catalogue(text)):  # ("my old kettle does not work on it. Do
        #                                                                  your stovetop kettles work on induction?")
        return "complaint"  # "我买的相机两千九百多美元，到手就开不了机！！", "我买的耳机左耳没声音了 怎么办": theirs, broken, no
        # catalogue question (not "My husband broke our kettle … I'd like the 2 liter stainless steel tea kettle … Is
        # it available?": a new one)
    if intent in ("price_promo", "product_info", "recommend") and reading.OWNS.search(text) \
            and _DOES_NOT_FIT.search(text) and products.products_in(text) and not task_of(context).intent \
            and not _THIS_TIME.search(text):  # (not "上次买的M根本穿不下 这次要XL": a new one, this time)
        return "exchange_item"  # "I bought hiking boots for my dad and he says they pinch. He needs a 12."
    if intent in ("product_info", "price_promo", "recommend") and reading.ORDER_ID.search(text) and names_option(text) \
            and context.get("last_intent") == "complaint":
        return "exchange_item"  # "…CHEAP SILICONE GARBAGE" then "order W7909132. SAME WATCH, GOLD, LCD, LEATHER BAND"
    if intent in ("complaint", "out_of_scope", "greeting", None) and asks_price_of_variant(text):
        return "product_info"  # "问了半天没人回！！有线的黑色游戏鼠标 光电的跟激光的到底差多少钱": angry, and a price asked
    if (intent in ("thanks_bye", "greeting", "out_of_scope", None) or intent == "price_promo" and not OFFERS.search(text)) \
            and context.get("product") and reading.PRICE_AGAIN.search(text) and not task_of(context).intent:
        return "product_info"  # "行 就它了 再确认下价格", "OK 就这个 price 再说一遍?": the one settled on, its price again
    if intent in ("thanks_bye", "greeting") and (context.get("product") or task_of(context).products) \
            and asked_attributes(text):
        return "product_info"  # "ok what sizes" after running shoes were shown: theirs, not a goodbye
    if intent == "price_promo" and not OFFERS.search(text) and context.get("product") and money.CHEAPER.search(text) \
            and not products.products_in(text) and not task_of(context).intent and not slots.get("order_id"):
        return "recommend"  # "太贵了 有没有便宜点的" after red speakers: cheaper ones of it, no promotion asked
    if intent in ("shipping_policy", "return_policy") and products.products_in(text) \
            and (PRICE_ASKED.search(text) or reading.QUESTION.search(text) and _options_of_named(text)) \
            and not _POLICY_WORDS.search(text) and not reading.owns(text) and not slots.get("order_id"):
        # ("does the office chair come in mesh?? i need adjustible armrests": its options, no shipping rule asked)
        return "product_info"  # "你们家最贵的自行车多少钱？要现货的，不差钱": its price, no shipping rule asked
    if intent not in ("product_info", "recommend") and reading.ORDER_COUNT.search(text) and context.get("product") \
            and not products.products_in(text) and not task_of(context).intent and not slots.get("order_id") \
            and not reading.ORDER_ID.search(text):
        return "product_info"  # "If I order 10 of those, what's that before shipping?": the one just shown, times ten
    if (intent in ("out_of_scope", "greeting", "price_promo", None)
            or intent in ("return_item", "exchange_item") and not _RETURNS.search(text) and not _bought(text)) \
            and not task_of(context).intent and not slots.get("order_id") and wants_to_buy(text):
        return "recommend"  # "我要买灯泡", "我要买智能灯泡" (read as a return): one of ours wanted, in so many words
    if intent not in ("product_info", "recommend") and (bare := products.and_that(text)) \
            and products.products_in(bare[1] or bare[2]) and task_of(context).intent not in ORDER_INTENTS and not slots.get("order_id") \
            and context.get("last_intent") in (None, "product_info", "recommend", "price_promo"):
        return "product_info"  # "那背包呢" after a question about tents: ours, asked the same way
    if products.asks_if_sold(text, context.get("not_sold")):  # "do you sell tents?" ("那防潮垫呢" next): the catalogue
        return "product_info"
    if intent in ("shipping_policy", "return_policy", "payment_issue", "account", "complaint") and products.asks_whether_sold(text) \
            and products.asked_if_sold(text) and not _bought(text) and not slots.get("order_id"):
        return "product_info"  # ("do you carry power banks? If so, is there one that charges wirelessly?": ours, asked of)
    if intent not in {"product_info", "recommend", "price_promo"} and _SHOW_ME.search(text) \
            and products.products_in(text) and not reading.owns(text) and not slots.get("order_id") \
            and (intent not in ORDER_INTENTS or not task_of(context).intent and not _ORDER_WORDS.search(text)
                 and not _bought(text) and not reading.ORDER_ID.search(text)):
        return "product_info"  # "给我看看蓝牙音箱", "show me your backpacks", "我想看看luggage set" (read as an order's status):
        # the catalogue's
    if intent in ("exchange_item", "modify_order", "return_item") and not task_of(context).intent \
            and not reading.OWNS.search(text) and not slots.get("order_id") and (PRICE_ASKED.search(text) or (
                reading.QUESTION.search(text) and asked_attributes(products.without_products(text))
                and not _SWAP.search(text))) \
            and not money.DIFFERENCE.search(text) and (products.products_in(text) or context.get("product")):
        return "product_info"  # "数码相机3000万像素 CF卡 5倍变焦的多少钱": nothing of theirs, a price asked ("变焦最高能到几倍")
    if (intent in ("out_of_scope", "complaint", "return_policy", "shipping_policy", "greeting", None)
            or intent in ("product_info", "price_promo") and not products.products_in(text)
            or intent == "return_item" and not reading.owns(text) and not _RETURNS.search(text) and not slots.get("order_id")
            or intent == "exchange_item" and not reading.asks_change(text) and not reading.OWNS.search(text)
            and not _REFUND_WANTED.search(text) and not slots.get("order_id")) and WANTS.search(text) \
            and not _bought(text) and not products.asks_if_sold(text) and not NOT_SHOPPING.search(text) \
            and (products_for(text) or len(by_meaning(text)) == 1 and describes_need(text)):
        return "recommend"  # "想在家workout 但是房子很小 any ideas", "出国玩两周 装东西用的有啥", "宿舍里想烧点开水泡面" (or one
        #                     product the catalogue reader finds by meaning alone: "got any gifts for a 5 year old under 50 bucks")
    if intent not in ORDER_INTENTS | {"product_info", "recommend", "price_promo"} and products.products_in(text) \
            and names_option(text) and (PRICE_ASKED.search(text) or STOCK.search(text) or _BROWSING.search(text)) \
            and not reading.OWNS.search(text) and not slots.get("order_id"):
        return "product_info"  # "19 bar 2L manual的espresso machine有货吗? 多少钱? 另外你们接受哪些payment methods?"
    if intent not in ("product_info", "recommend") and products.products_in(text) and money.budget(text) is not None \
            and not reading.OWNS.search(text) and not slots.get("order_id") and not money.payment_source(text) \
            and not OFFERS.search(text) and not reading.asks_change(text):
        return "recommend"  # "cameras under $600?": the ones within it
    if intent in ("out_of_scope", "complaint", "greeting", "price_promo", None) and money.budget(text) is not None \
            and (not reading.owns(text) or WANTS.search(text) and not _bought(text) and not _RETURNS.search(text)) \
            and not slots.get("order_id") and not money.payment_source(text) and not OFFERS.search(text) and products_for(text):
        # "想在家练练力量 不想去健身房了 预算550以内": a need and what it may cost (no offer asked); "i need something to
        # keep my phone charged … budget around a hundred": their phone, our charger
        return "recommend"
    if intent == "complaint" and reading.QUESTION.search(text) and (WANTS.search(text) or _FOR_SOMEONE.search(text)) \
            and not reading.owns(text) and not _bought(text) and not reading.BROKEN.search(text) \
            and not _ORDER_WORDS.search(text) and not slots.get("order_id") and not products.products_in(text) \
            and products_for(text):  # (not "why is your e-reader so bad for my dad?": about one of ours)
        return "recommend"  # "ok what about for my dad, he's 70 and his eyes are bad": a need, no grievance
    if intent in ORDER_INTENTS and not task_of(context).intent and context.get("last_intent") not in ORDER_INTENTS \
            and not slots.get("order_id") and not reading.ORDER_ID.search(text) and not addresses.EMAIL.search(text) \
            and products.products_in(text) and names_option(text) and not _ORDER_WORDS.search(text) \
            and not reading.ORDER_BY_ITEMS.search(text) and (not reading.owns(text) or _THIS_TIME.search(text)) \
            and not reading.ASKS_WHERE.search(text) and not reading.NOT_RECEIVED.search(text) \
            and not reading.BROKEN.search(text):
        # "帮我看下 pet bed, 我家狗狗 medium size 的", "上次买的M根本穿不下 这次要XL 紫色的有没有": a product's options, no
        # order of theirs ("要一个大一点的背包 能装15寸电脑的": one wanted)
        return "recommend" if (WANTS.search(text) or reading.WANTS_NEW.search(text)) \
            and not (STOCK.search(text) or PRICE_ASKED.search(text) or _HAVE_IT.search(text)) else "product_info"
    if not products.products_in(text) and products.asks_whether_sold(text) and owner_of_options(text) and not reading.owns(text):
        return "product_info"  # "do you carry anything that works with Apple HomeKit?": the product that has it
    if not products.products_in(text) and products.asks_whether_sold(text) and not reading.owns(text) \
            and not slots.get("order_id") and products_for(text):
        return "recommend"  # "do you carry those machines that clean the air in a room?" (for her allergies)
    if intent in ("thanks_bye", "greeting") and products.products_in(text) and _JUST_A_PRODUCT.fullmatch(products.without_products(text)):
        return "product_info"  # "ok. dumbells?" after a product we do not sell: that one, no goodbye
    if products.products_in(text) and not reading.owns(text) and not slots.get("order_id") and (
            products.asks_whether_sold(text) and not (intent == "recommend" and money.budget(text) is not None) or (intent in ("complaint", "out_of_scope", None) and PRICE_ASKED.search(text))
            or (intent in ("out_of_scope", None) and (reading.QUESTION.search(text) or reading.COMPARES.search(text)
                                                        or names_option(text)))):  # "longest garden hose?", "想compare一下Digital Camera 20MP和30MP的"
        return "product_info"  # "yo u sell skateboards?"; "WHAT is the cheapest grill you have???" (angry, yet a question)
    if (intent in ("exchange_item", "modify_order", "return_item", "thanks_bye", "greeting", "out_of_scope", None)
            or intent == "complaint" and (products.corrects(text) or _CHANGED_MIND.search(text))) \
            and context.get("product") \
            and context.get("last_intent") in ("product_info", "price_promo", "recommend") and not task_of(context).intent \
            and names_option(text) and not reading.OWNS.search(text) and not slots.get("order_id"):
        return "product_info"  # "不对，我要的是i7的17寸，不是i9" after a question about a laptop: the question, corrected;
        # "要通风好的那个" after red helmets in M (not a goodbye), "要不带背光的" after keyboards (no exchange)
    if intent == "complaint" and reading.A_NOT_A.search(text) and products.products_in(text) and not reading.BROKEN.search(text) \
            and not slots.get("order_id") and not reading.ORDER_ID.search(text):
        return "product_info"  # "瑜伽垫防不防滑啊 … 上次买的那个一出汗就打滑": what it is like, asked
    if intent == "exchange_item" and not task_of(context).intent and products.products_in(text) and names_option(text) \
            and not reading.asks_change(text) and not reading.owns(text) and not slots.get("order_id") \
            and not reading.ORDER_ID.search(text) and not _bought(text) and not reading.ORDER_BY_ITEMS.search(text) \
            and not addresses.EMAIL.search(text) and not reading.WANTS_NEW.search(text):
        return "product_info"  # "my twins both need bike helmets, size M. one wants red, the other wants blue"
    if intent in ("exchange_item", "return_item", "modify_order") and not reading.OWNS.search(text) \
            and not slots.get("order_id") and not task_of(context).intent \
            and (reading.WANTS_NEW.search(text) and products.products_in(text)
                 or _ANOTHER_KIND.search(text) and products_for(text) and not reading.ORDER_ID.search(text)):
        return "recommend"  # "要一个大一点的背包 能装15寸电脑的": a product wanted, nothing of theirs; "入耳的戴久了耳朵疼
        #                     想换那种能把整个耳朵包住的 有没有": another kind of one, the need reader's
    if intent not in ORDER_INTENTS and REFUND_ASKED.search(text) and reading.ORDER_BY_ITEMS.search(text) \
            and products.products_in(text):
        return "refund_status"  # "the one with the bike and the one with the espresso machine. How much is coming back?"
    if (intent not in ORDER_INTENTS or not _ACTS.search(text)) and context.get("last_intent") in ORDER_INTENTS \
            and reading.ORDER_BY_ITEMS.search(text) and products.products_in(text):
        return context["last_intent"]  # "是台灯和拼图那一单": which order the last request is about
    if intent == "account" and reading.to_default_address(text) and (
            slots.get("order_id") or context.get("slots", {}).get("order_id")):
        return "modify_order"
    if intent in ORDER_INTENTS and context.get("last_intent") in ("product_info", "recommend", "price_promo") \
            and context.get("product") and not task_of(context).intent and _ONE_OF_THOSE.search(text) \
            and not _ORDER_WORDS.search(text) and not slots.get("order_id") and not reading.ORDER_ID.search(text):
        return "product_info"  # "the cheaper of the two pls" after speakers shown: one of those, no exchange
    if intent in _READ_AGAIN and task_of(context).intent not in ORDER_INTENTS and not slots.get("order_id") \
            and not reading.ORDER_ID.search(text) \
            and (reading.QUESTION.search(text) or WANTS.search(text) or PRICE_ASKED.search(text)) \
            and not _RETURNS.search(text) and not reading.asks_change(text) \
            and (intent not in ("out_of_scope", "greeting") or products.products_in(text) or products_for(text)) \
            and (not reading.BROKEN.search(text) or WANTS.search(text) or names_option(text)
                 or asked_attributes(products.without_products(text))) \
            and asks_of_catalogue(text):
        # the catalogue reader, learned from shoppers' questions, hears one about what we sell where the words of an
        # order or a grievance misled the model ("你们的无线耳机防水吗？…之前那副就是进汗坏掉的"), unless a return or a
        # change is asked, or something broken is all it says ("你们卖的什么垃圾狗窝！！！用了三天就开线了"); a question
        # the model found outside our shop, where it names a product of ours ("Do you sell the kind of clock…")
        return "recommend" if WANTS.search(text) or money.budget(text) is not None else "product_info"
    return intent


# looking at one of ours ("looking at the 3ft bookshelves", "在看那个蓝色的背包")
_BROWSING = re.compile(r"\b(?:looking at|checking out|interested in|eyeing)\b|在看|看中|看上", re.IGNORECASE)


SHOP_END = re.compile(r"(?:店里|全店|你们(?:店|家)(?:里)?|你们卖的)[^，,。？?]{0,4}(?:最贵|最便宜)|"
                       r"\b(?:most expensive|priciest|cheapest) (?:thing|item|product)s? (?:in (?:the|your) (?:whole )?(?:store|shop)|you (?:sell|have|carry))",
                       re.IGNORECASE)  # (the whole shop's end, no product named)
_ANOTHER_KIND = re.compile(r"(?:想|要|打算)换(?:成|个|一个)?(?:那种|那款|这种|一种|别的款)", re.IGNORECASE)  # (a kind, not an item of theirs)

# the requests the catalogue reader may read again as a question about what we sell
_READ_AGAIN = ORDER_INTENTS | {"complaint", "out_of_scope", "greeting", "return_policy", "account"}


_WHERE_IS_IT = re.compile(r"到哪|\bwhere(?:'s| is| are) (?:my|it|they)\b|\btracking\b", re.IGNORECASE)  # (not "on the way" to work)


_SHOW_ME = re.compile(r"给我看看|看一?看(?![她他它孩宝老爸妈家外门])|瞧瞧|想看|\bshow me\b|\blet me see\b|\bcan i see\b|\bbrowse\b|"
                      r"\b(?:want|like|wanna|love) (?:to )?(?:see|look at|check out)\b", re.IGNORECASE)


# a product's name and nothing but an acknowledgement around it ("ok. dumbells?", "嗯 那瑜伽垫呢")
_JUST_A_PRODUCT = re.compile(r"\W*(?:ok(?:ay)?|and|what about|how about|then|hmm+|嗯|好的?|那)?\W*(?:the\s+)?\W*(?:呢|then)?\W*",
                             re.IGNORECASE)


# a wish changed, said as such ("算了她才上一年级 还是要简单的吧": the simpler one, then)
_CHANGED_MIND = re.compile(r"^\W*算了|还是要|还是换成|\bon second thought\b|\bactually,? (?:make it|i'?d rather)\b", re.IGNORECASE)


# two of one product set side by side, by their options ("a charcoal grill or a gas grill", "青轴跟红轴")
_SIDE_BY_SIDE = re.compile(r"(?<![a-z])(?:or|vs\.?|versus|and)(?![a-z])|跟|还是|和|对比|比较|比起", re.IGNORECASE)


_FAREWELL = re.compile(r"\b(?:good ?day to you|good ?bye|bye|see you|take care|have a (?:nice|good|great) (?:day|one|evening)|"
                       r"think it over|talk (?:to you )?later)\b|再见|拜拜|回头聊|我再想想", re.IGNORECASE)


_REFUND_WANTED = re.compile(r"\b(?:refund (?:it |that |this )?(?:to|on|back to|onto) (?:my|the)|(?:i want|i'd like|give me) "
                            r"(?:my |a )?(?:money back|refund)|money (?:returned|refunded|back) (?:to|on)|send (?:\w+ )?back)\b|"
                            r"退款到|钱退到|退钱|我要退款", re.IGNORECASE)  # ("arrange to send things back", "the money returned to the card")


_INSTEAD = re.compile(r"\b(?:instead|swap|exchange|replace|another (?:size|colou?r|one))\b|换成|换一|换个|改成", re.IGNORECASE)


_REFUND_DETAIL = re.compile(r"全额|全部|包括|包含|\bfull\b|\bin full\b|\bincluding\b|\bincluded\b|\ball of it\b|\bwhole\b", re.IGNORECASE)


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


_WHEN_SHIPS = re.compile(r"\bwhen (?:does|will|is|do|did|would)\b.{0,40}\b(?:ship|shipped|arrive|come|be delivered|get here)\b|"
                         r"\b(?:has|have|is|did) (?:it|they|that|that one|the \w+(?: \w+)?) (?:shipped|arrived|been shipped)\b|"
                         r"什么时候(?:能)?(?:发货|发出|到|送到)|几时(?:发货|到)|发货了(?:没|吗|么)|到了(?:没|吗|么)", re.IGNORECASE)


_MONEY_WORDS = re.compile(r"\b(?:card|paypal|pay(?:ment|ing)?|paid|charged|bank|billing|refund)\b|支付|付款|扣款|扣费|银行|信用卡|礼品卡|退款",
                          re.IGNORECASE)
_IF_ORDERED = re.compile(r"\bif (?:i|we) (?:order|buy|get)|如果.{0,4}(?:下单|买)|现在(?:下单|买)", re.IGNORECASE)


_THE_ONE = re.compile(r"\b\w+ one\b(?! (?:is|of))|那单|那个订单|那笔", re.IGNORECASE)  # ("the espresso machine one")


# a request of its own in a description of an order ("退掉耳机那单" asks for a return; "就瑜伽垫跟电热水壶那单" only says which)
_ACTS = re.compile(r"退(?!休)|取消|换|改|\b(?:return|cancel|exchange|refund|modify|change|swap)", re.IGNORECASE)


# a change asked for ("换成", "cancel"), not any 换 ("我换手机上来了": another phone)
_CHANGES = re.compile(r"退货|退款|退掉|退了|取消|换成|换货|换个|换一|改成|改地址|修改|"
                      r"\b(?:return|cancel|exchange|refund|modify|change|swap|switch)|\bnew address|\binstead\b",
                      re.IGNORECASE)


def asks_catalogue(text: str, slots: dict) -> bool:
    """A question or a wish about our products with nothing of the shopper's in it: no order, nothing bought
    or received, no return, exchange, delivery or cancellation named."""
    return bool(products.products_in(text)) and not slots.get("order_id") and not reading.ORDER_ID.search(text) \
        and not _ORDER_TALK.search(text) and not reading.BROKEN.search(text) and not products.only_theirs(text) \
        and not _WHERE_IS_IT.search(text) \
        and bool(reading.QUESTION.search(text) or WANTS.search(text))


# words of an order of theirs (not "退休": retired; not "change the batteries")
_ORDER_TALK = re.compile(r"退货|退款|退掉|退了|退回|想退|要退|申请退|换货|换成(?![^，,。.!！?？]{1,6}了)|换个|换一|调换|取消|订单|单号|物流|快递|发货|到货|"
                         r"签收|收到|寄回|寄出|买的|买\S?了|订的|换大|换小|能换|可以换|想换|要换|(?<![a-z])(?:returns?|returning|refunds?|"
                         r"exchanges?|cancel[a-z]*|orders?|ordered|ship|shipping|shipped|deliver[a-z]*|arriv[a-z]*|track[a-z]*|"
                         r"package|parcel|swap|replace[a-z]*|receiv[a-z]*|bought|purchased?|got|status|my (?:order|purchase))(?![a-z])",
                         re.IGNORECASE)  # (no \b: "我那个laptop的order" has none between 的 and order)
OFFERS = re.compile(r"优惠|折扣|打折|促销|活动|券|批发价|团购价|(?<![a-z])(?:coupons?|discounts?|promo\w*|deals?(?! with)|sales?|offers?|"
                    r"(?:bulk|wholesale) (?:price|pricing|rate)s?)(?![a-z])",
                    re.IGNORECASE)  # ("Tablet有discount吗": no \b between 有 and discount)
WANTS = re.compile(r"推荐|买点|买个|买件|想买|买啥|买什么|该买|有啥|有什么|有没有|你们有|有这种|有合适的|有适合的|送点|送什么|想要个|弄个|搞个|整个|入手|想找|找个|找一[个款台]|"
                   r"(?<![不没])要一?[个台把只件款双副套](?!说法|解释|交代|答复|回复|退款|人)|"  # ("要个能装笔记本电脑又能装课本的包"; not "要个说法")
                   r"要[^，,。.退换改]{0,8}的那种|的就行|就够了|any ideas|recommend|suggest|"
                   r"\bi (?:need|want) (?:a|an|some) (?!refund|return|replacement|exchange|new (?:size|colou?r))\w+|"
                   r"\bi (?:need|want) (?:new |good |cheap )?(?!refunds?\b|returns?\b|replacements?\b|exchanges?\b|answers?\b|"
                   r"details\b|updates?\b|its\b|this\b|thanks\b)[a-z]{3,}s\b|"  # ("I want headphones, I mean earbuds")
                   r"\bsomething\b[^.?!]{0,30}\b(?:to|for|that)\b|\b(?:might|would|could|do) (?:you|u) (?:have|carry|stock) (?:something|anything)\b|"
                   r"\b(?:wonder(?:ing)?|ask(?:ing)?) (?:if|whether) (?:you|u|your (?:shop|store)|you guys) (?:have|has|sell|sells|carry|carries|stock)\b|"  # ("I
                   # wonder whether your shop has those lamps one puts on a writing desk")
                   r"what would you get|wh?at (?:\w+ )?(?:have you got|do (?:you|u) (?:\w+ )?(?:have|sell|carry)|can you offer)|\bneeds? an? (?!refund|return|replacement|exchange)\w+|\bneed (?:something|smth|sth|some)\b|"
                   r"\bwhat (?:could|should|do|would) i (?:get|need|buy)\b|有什么能|有啥能|\bneed to keep\b|\bwant to (?:get|buy|find)\b|\bget (?:her|him|them) (?:an? |some)?something\b|"
                   r"looking for|\blooking at (?:your|the|some)\b|\bgifts?\b|(?<!\bat )\bpresent\b|\banything\s*\?\s*$|礼物|"
                   r"送(?:给|他|她)|(?:想|要|打算)送|(?:想|要|打算|准备)(?:给[\u4e00-\u9fff]{1,3})?(?:配|挑|选|准备)一?[个台把只件款双副套]", re.IGNORECASE)


# a return, refund or exchange named; something had for years (not an order of ours)
_RETURNS = re.compile(r"退(?!休)|换货|换成(?![^，,。.!！?？]{1,6}了)|调换|(?<![a-z])(?:returns?|refunds?|exchanges?|replacements?|swap)(?![a-z])", re.IGNORECASE)
_OLD_ONE = re.compile(r"\bmy old\b|\bthe old one\b|旧的|老的|原来用的", re.IGNORECASE)
_NEW_ONE = re.compile(r"(?:想|要|打算)(?:给[^，,。换]{1,4})?换(?:一|几|两|三|一些)?[把台个张双款件只套部盏]\s*(.{1,20})")  # (a new one of a kind: "想换个chair")
_OPTION_CHANGE = re.compile(r"\s*(?:颜色|色|尺码|尺寸|码|大小|型号|款式|规格|大一|小一|\b(?:colou?r|size)\b)", re.IGNORECASE)  # ("办公椅想换个颜色")
_THIS_TIME = re.compile(r"这次|这回|\bthis time\b", re.IGNORECASE)  # (a new purchase after one before)
_ONE_OF_THOSE = re.compile(r"\b(?:cheaper|cheapest|pricier|dearer|bigger|smaller|lighter|longer|better)(?: one)? of (?:the|those|these|them)\b|"
                           r"(?:便宜|贵|大|小|轻)(?:一?点)?的那[个款台把双件只张]", re.IGNORECASE)  # (one of those just shown)
_CHANGE_ASKED = re.compile(r"(?:要|想|能|可以|帮我|申请|怎么|请|能不能)[^，,。？?！!\s]{0,4}(?:退|换|取消)|"
                           r"\b(?:want|like|need|can i|could i|how do i|please|help me)\b[^.?!]{0,15}\b(?:return|exchange|refund|cancel|swap)",
                           re.IGNORECASE)  # (a change asked of an order, not one told: "后来退了")
_WANT_ONE = re.compile(r"^\W*(?:要|想要|买|得)|\b(?:i|we) (?:want|need|'?ll take)\b", re.IGNORECASE)
_FOR_SOMEONE = re.compile(r"\bfor (?:my |our )?(?:dad|father|mom|mum|mother|son|daughter|wife|husband|grand\w+|kids?|"
                          r"parents?|friend|boyfriend|girlfriend|brother|sister)\b|给(?:我)?(?:爸|妈|老公|老婆|儿子|女儿|孩子|"
                          r"爷爷|奶奶|外公|外婆|朋友|男朋友|女朋友|哥|姐|弟|妹)", re.IGNORECASE)
_HAVE_IT = re.compile(r"有没有|有吗|有没|\bdo you have\b|\bis there\b", re.IGNORECASE)  # (whether it is there)
# an order's words, beside Chinese too ("我要cancel那个laptop的order": no \b between 要 and cancel)
_ORDER_WORDS = re.compile(r"(?<![a-z])(?:orders?|cancel\w*|returns?|exchange\w*|refund\w*|tracking|deliver\w*|shipped|"
                          r"swap|replace\w*)(?![a-z])|订单|取消|退(?!休)|换|物流|快递|发货|到货", re.IGNORECASE)


# something of theirs bought already (not just "my": "my wife says the bedroom is too dark, what have you got")
_BOUGHT = re.compile(r"买的|(?<![要想])买了|(?<![要想])买[小大错多短长]了|订单|收到|签收|\border\b|\bbought\b|\bpurchased\b|\breceived\b", re.IGNORECASE)


_BUY_WISH = re.compile(r"(?:要|想|想要|打算|准备)买|\b(?:want|wanna|need|looking) (?:to buy|for)\b|\bi(?:'d| would) like (?:to buy|an?)\b",
                       re.IGNORECASE)


def wants_to_buy(text: str) -> bool:
    """One of our products wanted in so many words ("我要买灯泡", "I want to buy a desk lamp"), nothing of theirs."""
    return bool(_BUY_WISH.search(text) and products.products_in(text) and not OFFERS.search(text)
                and not reading.owns(text) and not reading.ORDER_ID.search(text))


def _options_of_named(text: str) -> bool:
    """The message names an option of a product it names, besides the product's own words ("does the office chair
    come in mesh": mesh; not the espresso of "the espresso machine")."""
    rest = products.without_products(text)
    return any(named_options(list(catalogue_variants().get(n, ())), rest) for n, _ in products.products_in(text))


def _bought(text: str) -> bool:
    """Something bought of ours: not "上次在别家买的吸尘器" (bought at another shop)."""
    return bool(_BOUGHT.search(_WOULD_ORDER.sub(" ", reading.BOUGHT_ELSEWHERE.sub(" ", text))))


# an order to come, no order placed ("we'd probably order 8 to 10 units", "I'll order today if…")
_WOULD_ORDER = re.compile(r"(?:'d|\bwould|\bwill|'ll|\bto|\bcan|\bcould|\bmight|\bmay|\bgonna)\s+(?:probably\s+|likely\s+|just\s+)?"
                          r"order\b", re.IGNORECASE)

