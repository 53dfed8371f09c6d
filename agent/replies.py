"""Brand-consistent reply templates in both languages, and the language a shopper writes in."""
from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# e-mails and order ids say nothing of the language (ASCII classes: Chinese written right before an
# e-mail is not part of it)
_NEUTRAL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}|#?[Ww]\s?\d{7}(?!\d)")

TEMPLATES: dict[str, dict[str, str]] = {
    "restarted": {
        "en": "Welcome back! Our earlier chat timed out, so I'm starting fresh. ",
        "zh": "欢迎回来！之前的对话已超时，我们重新开始吧。",
    },
    "llm_down": {
        "en": "Sorry, I can't answer that right now. Would you like me to connect you with a colleague?",
        "zh": "抱歉，我暂时无法回答这个问题。需要为您转接人工客服吗？",
    },
    "handoff": {
        "en": "I'm connecting you with a colleague now; they can see our conversation, so you won't "
              "need to repeat yourself.",
        "zh": "正在为您转接人工客服，同事能看到我们的对话记录，您不用再重复说明。",
    },
    "not_heard": {
        "en": "Sorry, I couldn't hear anything in that voice message. Could you say it again or type it?",
        "zh": "抱歉，这条语音我没有听清，可以再说一遍或者打字告诉我吗？",
    },
    "media_unreadable": {
        "en": "Sorry, I couldn't open that file. Could you send it again, or type your question?",
        "zh": "抱歉，这个文件没能打开，可以重新发送或者直接打字告诉我吗？",
    },
    "photo_no_match": {
        "en": "I couldn't find that product in our shop. Could you tell me its name or send another photo?",
        "zh": "抱歉，店里没有找到图片中的商品。可以告诉我商品名称或者换一张照片吗？",
    },
    "photo_matches": {
        "en": "This looks like: {names}.",
        "zh": "图片中的商品可能是：{names}。",
    },
    "greeting": {
        "en": "Hi! I'm the shop's assistant. I can check orders and parcels, cancel or change orders, "
              "help with returns and answer questions about products and delivery. How can I help?",
        "zh": "您好！我是店铺的智能客服，可以帮您查订单和物流、取消或修改订单、办理退换货，也可以解答商品和配送问题。请问有什么可以帮您？",
    },
    "thanks_bye": {
        "en": "You're welcome! If anything else comes up, just message me here. Have a great day!",
        "zh": "不客气！之后有任何问题随时在这里找我，祝您生活愉快！",
    },
    "out_of_scope": {
        "en": "Sorry, that's outside what I can help with here. I can help with orders, delivery, returns "
              "and our products.",
        "zh": "抱歉，这个问题超出了我能帮忙的范围。我可以帮您处理订单、配送、退换货和商品相关的问题。",
    },
    "complaint": {
        "en": "I'm really sorry about this experience. I'd like to put it right: tell me your order number "
              "and what happened, or say \"agent\" and I'll connect you with a colleague.",
        "zh": "非常抱歉给您带来了不好的体验。请告诉我订单号和具体情况，我来帮您处理；也可以回复“转人工”由同事为您服务。",
    },
    "ask_identity": {
        "en": "To look after your order I first need to confirm it's you: please send the e-mail address "
              "of your account, or your first name, last name and zip code.",
        "zh": "为了保护您的账户安全，请先提供账户绑定的邮箱，或者您的名字、姓氏和邮编，以便核实身份。",
    },
    "verified": {
        "en": "Thank you, I've found your account. What can I do for you: an order's status, a "
              "cancellation, a return or an exchange?",
        "zh": "谢谢，已核实您的账户。请问需要查询订单、取消订单，还是办理退换货？",
    },
    "identity_not_found": {
        "en": "I couldn't find an account with those details. Could you check them and send them again?",
        "zh": "没有找到与这些信息匹配的账户，请核对后再发一次。",
    },
    "one_shopper_per_session": {
        "en": "This conversation is already verified for another account, so I can't switch to a "
              "different one here. Please start a new conversation for that account.",
        "zh": "本次会话已验证为另一个账户，无法切换账户。如需处理其他账户，请开启新的会话。",
    },
    "ask_order_id": {
        "en": "Thanks! Which order is it? Please send the order number (it looks like #W1234567).",
        "zh": "好的，请问是哪个订单？请发送订单号（格式如 #W1234567）。",
    },
    "order_not_found": {
        "en": "I couldn't find that order on your account. Could you check the order number?",
        "zh": "您的账户下没有找到这个订单，请核对一下订单号。",
    },
    "order_status": {
        "en": "Order {order_id} ({items}) is {status}.",
        "zh": "订单{order_id}（{items}）当前状态：{status}。",
    },
    "tracking": {
        "en": " Tracking number: {numbers}.",
        "zh": "物流单号：{numbers}。",
    },
    "cannot_cancel": {
        "en": "Order {order_id} is {status}, and only orders that have not been processed yet can be "
              "cancelled. If it has arrived, I can help you return it instead.",
        "zh": "订单{order_id}当前状态为{status}，只有尚未处理的订单可以取消。如果已经收到商品，我可以帮您办理退货。",
    },
    "ask_cancel_reason": {
        "en": "May I ask why you'd like to cancel: is it no longer needed, or was it ordered by mistake?",
        "zh": "请问取消的原因是：不再需要，还是误下单？",
    },
    "confirm_cancel": {
        "en": "I'll cancel order {order_id} ({items}). The full amount of ${amount} will be refunded to "
              "the original payment method. Reply yes to confirm.",
        "zh": "将为您取消订单{order_id}（{items}），全部金额 ${amount} 将原路退回。回复“确认”继续。",
    },
    "cancelled": {
        "en": "Done: order {order_id} is cancelled. ${amount} is on its way back to your original payment "
              "method (gift cards at once, cards within 5–7 business days).",
        "zh": "已为您取消订单{order_id}，${amount} 将原路退回（礼品卡即时到账，银行卡 5–7 个工作日）。",
    },
    "cancel_kept": {
        "en": "No problem, order {order_id} stays as it is.",
        "zh": "好的，订单{order_id}保持不变。",
    },
    "handoff_after_failures": {
        "en": "I'm sorry this is taking so long. I'm passing you to a colleague who can look into it "
              "directly; they can see our conversation.",
        "zh": "抱歉让您久等了，我这就为您转接人工客服，同事能看到我们的对话记录。",
    },
    "refund_issued": {
        "en": "A refund of ${amount} has been issued for order {order_id}. Gift-card refunds arrive at "
              "once; card and PayPal refunds take 5–7 business days to show.",
        "zh": "订单{order_id}已退款 ${amount}。礼品卡即时到账，银行卡和 PayPal 需 5–7 个工作日。",
    },
    "refund_after_return": {
        "en": "Your return for order {order_id} is registered. The refund is issued once we have "
              "received and checked the items.",
        "zh": "订单{order_id}的退货已登记，我们收到并检查商品后会为您退款。",
    },
    "no_refund": {
        "en": "There is no refund on order {order_id}; it is {status}. Would you like to return something "
              "from it?",
        "zh": "订单{order_id}目前没有退款，状态为{status}。需要为您办理退货吗？",
    },
    "cannot_return": {
        "en": "Order {order_id} is {status}; only delivered orders can be returned.",
        "zh": "订单{order_id}当前状态为{status}，只有已签收的订单可以退货。",
    },
    "ask_return_items": {
        "en": "Which item would you like to return: {items}? You can also say all.",
        "zh": "请问要退哪件商品：{items}？也可以回复“全部”。",
    },
    "confirm_return": {
        "en": "I'll request a return of {items} from order {order_id}. ${amount} will be refunded to your "
              "original payment method once we receive the items. Reply yes to confirm.",
        "zh": "将为您申请退货：订单{order_id}中的{items}，收到商品后 ${amount} 将原路退回。回复“确认”继续。",
    },
    "returned": {
        "en": "Done: the return for order {order_id} is requested. You'll get an e-mail with the return "
              "instructions; ${amount} is refunded after we receive the items.",
        "zh": "已为您提交订单{order_id}的退货申请，退货说明会发送到您的邮箱，收到商品后退款 ${amount}。",
    },
    "return_kept": {
        "en": "No problem, nothing is returned from order {order_id}.",
        "zh": "好的，订单{order_id}不做退货。",
    },
    "cannot_exchange": {
        "en": "Order {order_id} is {status}; only delivered orders can be exchanged.",
        "zh": "订单{order_id}当前状态为{status}，只有已签收的订单可以换货。",
    },
    "ask_swap_item": {
        "en": "Which item would you like to change: {items}?",
        "zh": "请问要换哪件商品：{items}？",
    },
    "ask_swap_option": {
        "en": "Which {name} would you like instead? In stock: {options}.",
        "zh": "想换成哪一款{name}？现有：{options}。",
    },
    "no_swap_option": {
        "en": "Sorry, there is no other {name} in stock to switch to right now.",
        "zh": "抱歉，{name}暂时没有其他款式可换。",
    },
    "confirm_exchange": {
        "en": "I'll exchange the {name} ({old}) from order {order_id} for {new}. Price difference: "
              "${difference}, settled with your original payment method. Reply yes to confirm.",
        "zh": "将为您把订单{order_id}中的{name}（{old}）换成 {new}，差价 ${difference} 通过原支付方式结算。回复“确认”继续。",
    },
    "exchanged": {
        "en": "Done: the exchange for order {order_id} is requested. You'll get an e-mail with how to send "
              "the item back; the new one ships once we receive it.",
        "zh": "已为您提交订单{order_id}的换货申请，寄回说明会发送到您的邮箱，收到原商品后为您发出新商品。",
    },
    "exchange_kept": {
        "en": "No problem, nothing is exchanged on order {order_id}.",
        "zh": "好的，订单{order_id}不做换货。",
    },
    "items_changed_once": {
        "en": "The items of order {order_id} have already been changed once, and the shop allows that only once. "
              "If you need something else, I can connect you with a colleague.",
        "zh": "订单{order_id}的商品已经修改过一次，每个订单只能修改一次。如需其他帮助，我可以为您转接人工客服。",
    },
    "cannot_modify": {
        "en": "Order {order_id} is {status}; only pending orders can be changed.",
        "zh": "订单{order_id}当前状态为{status}，只有待发货的订单可以修改。",
    },
    "ask_change": {
        "en": "What would you like to change on order {order_id}: the shipping address, the payment method, or "
              "an item (another colour, size or version)?",
        "zh": "请问订单{order_id}要修改什么：收货地址、支付方式，还是换商品的款式（颜色、尺码等）？",
    },
    "confirm_items": {
        "en": "I'll change the {name} in order {order_id} from {old} to {new}. Price difference: ${difference}, "
              "settled with the order's payment method. Items of an order can be changed only once, so tell me now "
              "if anything else should change too. Reply yes to confirm.",
        "zh": "将把订单{order_id}中的{name}从（{old}）改为 {new}，差价 ${difference} 通过原支付方式结算。"
              "每个订单的商品只能修改一次，如还有其他商品要改请现在告诉我。回复“确认”继续。",
    },
    "items_modified": {
        "en": "Done: order {order_id} is updated with the new item and will ship as usual.",
        "zh": "已修改：订单{order_id}的商品已更新，将照常发货。",
    },
    "anything_else": {
        "en": "Got it. Is there anything else I can help you with?",
        "zh": "好的，还有什么可以帮您的吗？",
    },
    "ask_account_address": {
        "en": "Please send the new default address: street, apartment (if any), city, state and zip code.",
        "zh": "请发送新的默认地址：街道、门牌（如有）、城市、州和邮编。",
    },
    "confirm_account_address": {
        "en": "I'll set your account's default address to {address}. Orders already placed keep their "
              "address. Reply yes to confirm.",
        "zh": "将把您账户的默认地址改为 {address}，已下的订单地址不变。回复“确认”继续。",
    },
    "account_address_changed": {
        "en": "Done: your default address is now {address}.",
        "zh": "已修改：您的默认地址现为 {address}。",
    },
    "account_address_kept": {
        "en": "No problem, your default address stays as it is.",
        "zh": "好的，您的默认地址保持不变。",
    },
    "ask_address": {
        "en": "Please send the new address: street, apartment (if any), city, state and zip code.",
        "zh": "请发送新地址：街道、门牌/公寓号（如有）、城市、州和邮编。",
    },
    "confirm_address": {
        "en": "I'll change the shipping address of order {order_id} to {address}. Reply yes to confirm.",
        "zh": "将把订单{order_id}的收货地址改为 {address}。回复“确认”继续。",
    },
    "ask_payment": {
        "en": "Which payment method should pay for it instead? On your account: {methods}.",
        "zh": "请问改用哪种支付方式？您账户中有：{methods}。",
    },
    "confirm_payment": {
        "en": "I'll pay order {order_id} with {method} instead of {current}; the first charge is refunded. "
              "Reply yes to confirm.",
        "zh": "将把订单{order_id}的支付方式从 {current} 改为 {method}，原扣款将退回。回复“确认”继续。",
    },
    "modified": {
        "en": "Done: order {order_id} now uses {change}.",
        "zh": "已修改：订单{order_id}现为 {change}。",
    },
    "modify_kept": {
        "en": "No problem, order {order_id} stays as it is.",
        "zh": "好的，订单{order_id}保持不变。",
    },
    "promotions": {
        "en": "Current offers: {lines}.",
        "zh": "当前优惠：{lines}。",
    },
    "no_more_promotions": {
        "en": "Those are all the current promotions. I'll let you know here when new ones start.",
        "zh": "目前的优惠活动就是这些了，有新活动时我会在这里告诉您。",
    },
    "no_promotion": {
        "en": "There is no promotion on {name} right now.",
        "zh": "{name}目前没有优惠活动。",
    },
    "recommend": {
        "en": "You might like: {lines}.",
        "zh": "为您推荐：{lines}。",
    },
    "product_facts": {
        "en": "Our {name} in stock comes in: {lines}; from ${low} to ${high}.",
        "zh": "{name}现货可选：{lines}；价格 ${low}–${high}。",
    },
    "recommend_variants": {
        "en": "Our {name} in stock: {lines}.",
        "zh": "{name}现货：{lines}。",
    },
    "variant_line": {
        "en": "{options} at ${price}",
        "zh": "{options} ${price}",
    },
    "cheapest_shown": {
        "en": "Those are already the most affordable {name} we have in stock.",
        "zh": "这些已经是{name}里最实惠的现货款了。",
    },
    "out_of_stock": {
        "en": "Sorry, our {name} is out of stock right now.",
        "zh": "抱歉，{name}暂时缺货。",
    },
    "recommend_line": {
        "en": "{name} from ${price}",
        "zh": "{name}（${price} 起）",
    },
    "cross_sell": {
        "en": " With it, {name} is {percent}% off with coupon {coupon}. Would you like the coupon?",
        "zh": "搭配购买{name}可享 {percent}% 折扣，优惠码 {coupon}。需要为您领取吗？",
    },
    "offer_accepted": {
        "en": "Great! Use coupon {coupon} at checkout for {percent}% off the {name}.",
        "zh": "好的！结算时使用优惠码 {coupon}，{name}可享 {percent}% 折扣。",
    },
    "offer_declined": {
        "en": "No problem. Anything else I can help with?",
        "zh": "好的，还有什么可以帮您？",
    },
    "failed": {
        "en": "Sorry, something went wrong on our side. Please try again in a moment.",
        "zh": "抱歉，系统出了点问题，请稍后再试。",
    },
}


def say(key: str, language: str, **facts: object) -> str:
    return TEMPLATES[key]["zh" if language == "zh" else "en"].format(**facts)


def dominant_language(text: str, default: str = "en") -> str:
    """'zh' when Chinese characters outweigh Latin words (mixed text answers in the dominant one);
    `default` (the conversation's language so far) for a message of only an e-mail, an order id, digits."""
    text = _NEUTRAL.sub(" ", text)
    cjk, latin = len(_CJK.findall(text)), len(_LATIN_WORD.findall(text))
    if not cjk and not latin:
        return default
    return "zh" if cjk and cjk >= 2 * latin else "en"
