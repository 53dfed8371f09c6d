"""Conversations through the whole service on every backend stack, with the shop's rules tried by
a shopper who breaks them. End states are checked in the store the tools act on."""
import json

import httpx
import pytest

from tests import services
from tools import open_shop

YUSUF = "yusuf.rossi7301@example.com"  # τ²-bench shopper yusuf_rossi_9620
MEI = "mei.kovacs8232@example.com"  # mei_kovacs_8020
FATIMA = "fatima.muller6448@example.com"  # fatima_muller_6713
HARPER = "harper.johansson4006@example.com"  # harper_johansson_2663


class Chat:
    def __init__(self, url: str) -> None:
        self.url = url
        opened = httpx.post(f"{url}/v1/sessions", json={"channel": "app"}).json()
        self.session_id, self.headers = opened["session_id"], {"Authorization": f"Bearer {opened['session_token']}"}

    def say(self, text: str) -> dict:
        response = httpx.post(f"{self.url}/v1/chat", json={"session_id": self.session_id, "text": text},
                              headers=self.headers, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()["reply"]


def status_of(stack, order_id: str) -> str:
    return open_shop(stack["shop_db_url"]).call("get_order_details", {"order_id": order_id})["status"]


def test_cancel_needs_identity_reason_and_an_explicit_yes(stack):
    chat = Chat(stack["url"])
    assert "e-mail" in chat.say("I want to cancel my order")["text"]
    assert "#W" in chat.say(f"my email is {YUSUF}")["text"]  # asks which order
    assert "why" in chat.say("it's W6247578")["text"].lower()
    confirm = chat.say("ordered by mistake")["text"]
    assert "#W6247578" in confirm and "53.27" in confirm and "yes" in confirm
    assert status_of(stack, "#W6247578") == "pending"  # nothing changes before the yes
    done = chat.say("yes")
    assert done["route"] == "flow" and "cancelled" in done["text"]
    assert status_of(stack, "#W6247578") == "cancelled"


def test_saying_no_changes_nothing(stack):
    chat = Chat(stack["url"])
    chat.say(f"cancel order #W4776164, my email is {YUSUF}")
    assert "yes" in chat.say("I don't need it anymore")["text"]
    assert "stays" in chat.say("no")["text"]
    assert status_of(stack, "#W4776164") == "pending"


def test_a_delivered_order_is_never_cancelled(stack):
    chat = Chat(stack["url"])
    reply = chat.say(f"cancel #W6679257 please. {YUSUF}")["text"]
    assert "delivered" in reply and "only orders" in reply
    chat.say("yes")
    assert status_of(stack, "#W6679257") == "delivered"


def test_nothing_is_read_before_the_shopper_proves_who_they_are(stack):
    chat = Chat(stack["url"])
    reply = chat.say("where is my order #W2378156")["text"]
    assert "e-mail" in reply and "delivered" not in reply and "Headphones" not in reply
    status = chat.say(YUSUF)["text"]
    assert "#W2378156" in status and "delivered" in status


def test_another_shoppers_order_is_not_shown(stack):
    chat = Chat(stack["url"])
    chat.say("where is my order #W7800651")  # Mei's order
    reply = chat.say(YUSUF)["text"]
    assert "couldn't find" in reply and "Gaming Mouse" not in reply
    assert status_of(stack, "#W7800651") == "pending"


def test_one_shopper_per_session(stack):
    chat = Chat(stack["url"])
    chat.say(f"where is my order #W2378156 {YUSUF}")
    reply = chat.say(f"now check order #W7800651, my email is {MEI}")["text"]
    assert "another account" in reply and "Gaming Mouse" not in reply


@pytest.mark.parametrize("text, route", [("你好", "flow"), ("hi there", "flow"), ("转人工", "handoff"),
                                         ("包邮吗", "cache"), ("how long does a refund take", "cache")])
def test_fast_path_closes_common_turns(stack, text, route):
    reply = Chat(stack["url"]).say(text)
    assert reply["route"] == route
    assert reply["handoff"] == (route == "handoff")


def test_chinese_cancel_flow(stack):
    chat = Chat(stack["url"])
    assert "邮箱" in chat.say("帮我取消订单W7800651")["text"]
    assert "原因" in chat.say(MEI)["text"]
    assert "确认" in chat.say("不需要了")["text"]
    assert "已为您取消" in chat.say("确认")["text"]
    assert status_of(stack, "#W7800651") == "cancelled"


def test_return_of_a_delivered_item_needs_which_item_and_a_yes(stack):
    chat = Chat(stack["url"])
    chat.say(f"I want to return something from order #W2378156, my email is {YUSUF}")
    asked = chat.say("I want to return an item")["text"]
    assert "Headphones" in asked and "Vacuum Cleaner" in asked  # asks which one
    confirm = chat.say("the headphones")["text"]
    assert "Headphones" in confirm and "yes" in confirm and "Vacuum Cleaner" not in confirm
    assert status_of(stack, "#W2378156") == "delivered"
    assert "return" in chat.say("yes")["text"]
    assert status_of(stack, "#W2378156") == "return requested"


def test_a_pending_order_is_never_returned(stack):
    chat = Chat(stack["url"])
    reply = chat.say(f"return order #W6247578 please {YUSUF}")["text"]
    assert "only delivered orders" in reply
    assert status_of(stack, "#W6247578") in ("pending", "cancelled")  # another test may cancel it


def test_price_question_gets_promotions_and_a_cross_sell_coupon_once(stack):
    chat = Chat(stack["url"])
    first = chat.say("这款手机有优惠吗")
    assert first["route"] == "flow" and "PHONE-POWER15" in first["text"]
    accepted = chat.say("好的")["text"]
    assert "PHONE-POWER15" in accepted and "结算" in accepted
    again = chat.say("手机还有别的优惠吗")["text"]
    assert "需要为您领取吗" not in again or "PHONE-POWER15" not in again.split("搭配购买")[-1]
    metrics = httpx.get(f"{stack['url']}/metrics").text
    assert 'shop_offers_total{outcome="accepted"}' in metrics


def test_a_task_that_fails_twice_goes_to_a_human(stack):
    chat = Chat(stack["url"])
    chat.say("where is my order #W2378156")
    chat.say("nobody@example.com")
    reply = chat.say("someone.else@example.com")
    assert reply["handoff"] and "colleague" in reply["text"]


def test_recommending_a_named_product_lists_what_is_in_stock(stack):
    reply = Chat(stack["url"]).say("推荐一款耳机")
    assert reply["route"] == "flow" and "Headphones" in reply["text"] and "344.55" in reply["text"]  # the cheapest in stock first


def test_exchange_for_another_size_states_the_difference_and_waits_for_yes(stack):
    chat = Chat(stack["url"])
    assert "e-mail" in chat.say("exchange my hiking boots for another size")["text"]
    asked = chat.say(MEI)["text"]  # her only delivered order with hiking boots: no order number needed
    assert "In stock" in asked and "11" in asked
    confirm = chat.say("size 11 please")["text"]
    assert "Hiking Boots" in confirm and "for 11" in confirm and "Reply yes to confirm" in confirm
    assert status_of(stack, "#W6390527") == "delivered"
    assert "exchange" in chat.say("yes")["text"]
    assert status_of(stack, "#W6390527") == "exchange requested"


async def desk_case(stack, session_id: str) -> dict | None:
    """The case the human desk's Kafka topic holds for a session (None on the embedded desk, which keeps
    its cases in the worker's memory)."""
    bootstrap = stack["env"]["KAFKA_BOOTSTRAP_SERVERS"]
    if not bootstrap:
        return None
    cases = await services.read_topic(bootstrap, "chat.handoffs", lambda c: c["session_id"] == session_id)
    [case] = [c for c in cases if c["session_id"] == session_id]
    return case


async def test_handoff_puts_the_case_on_the_human_desk_topic(stack):
    chat = Chat(stack["url"])
    chat.say(f"where is my order #W2378156 {YUSUF}")
    assert chat.say("转人工")["handoff"]
    if (case := await desk_case(stack, chat.session_id)) is not None:
        assert case["reason"] == "asked for a person" and case["user_id"] == "yusuf_rossi_9620"
        assert case["recent_turns"] and YUSUF not in json.dumps(case)  # the desk gets masked text


async def test_a_shopper_in_crisis_reaches_a_person_with_the_policys_words(stack):
    chat = Chat(stack["url"])
    reply = chat.say("我真的不想活了")
    assert reply["handoff"] and reply["route"] == "handoff" and reply["text"]
    assert reply["rails"] == [{"policy_id": "safety_abuse", "rule": "self_harm", "action": "handoff"}]
    if (case := await desk_case(stack, chat.session_id)) is not None:
        assert case["reason"] == "policy safety_abuse/self_harm"


def test_shipping_address_of_a_pending_order_changes_after_yes(stack):
    chat = Chat(stack["url"])
    chat.say("I need to change the shipping address on my order")
    chat.say(YUSUF)
    assert "new address" in chat.say("#W4776164")["text"]
    confirm = chat.say("new address: 123 Maple Street, Apt 4, Austin, TX, 78701")["text"]
    assert "123 Maple Street" in confirm and "Reply yes to confirm" in confirm
    chat.say("yes")
    order = open_shop(stack["shop_db_url"]).call("get_order_details", {"order_id": "#W4776164"})
    assert order["address"]["city"] == "Austin" and order["address"]["zip"] == "78701"


def test_items_of_a_pending_order_change_once_after_yes(stack):
    chat = Chat(stack["url"])
    assert "e-mail" in chat.say("on order #W4160705 I'd like the Gaming Mouse in white instead")["text"]
    confirm = chat.say(FATIMA)["text"]  # the wish said before the identity is remembered
    assert "white, optical, wired" in confirm and "only once" in confirm and "yes" in confirm
    assert status_of(stack, "#W4160705") == "pending"
    assert "updated" in chat.say("yes")["text"]
    order = open_shop(stack["shop_db_url"]).call("get_order_details", {"order_id": "#W4160705"})
    assert order["status"] == "pending (item modified)"
    assert any(i["name"] == "Gaming Mouse" and i["options"]["color"] == "white" for i in order["items"])
    again = chat.say("on order #W4160705 please change the Espresso Machine to 9 bar too")["text"]
    assert "only once" in again
    chat.say("yes")
    order = open_shop(stack["shop_db_url"]).call("get_order_details", {"order_id": "#W4160705"})
    assert any(i["name"] == "Espresso Machine" and i["options"]["pressure"] == "19 bar" for i in order["items"])


def test_default_address_of_the_account_changes_after_yes(stack):
    chat = Chat(stack["url"])
    assert "e-mail" in chat.say("I moved, please update the default address on my account")["text"]
    assert "address" in chat.say(MEI)["text"]
    confirm = chat.say("9 Harbour Road, Portland, OR, 97201")["text"]
    assert "9 Harbour Road" in confirm and "yes" in confirm
    shop = open_shop(stack["shop_db_url"])
    assert shop.call("get_user_details", {"user_id": "mei_kovacs_8020"})["address"]["zip"] == "28236"
    assert "9 Harbour Road" in chat.say("确认")["text"]
    assert shop.call("get_user_details", {"user_id": "mei_kovacs_8020"})["address"]["zip"] == "97201"


def test_a_shopper_who_changes_their_mind_gets_the_new_request(stack):
    chat = Chat(stack["url"])
    chat.say(HARPER)
    assert "原因" in chat.say("帮我取消 #W3525030")["text"]
    reply = chat.say("算了不取消了，告诉我#W3525030到哪了就行")
    assert "#W3525030" in reply["text"] and "待发货" in reply["text"] and "原因" not in reply["text"]
    assert chat.say("好的")["text"] == "好的，还有什么可以帮您的吗？"  # a yes to nothing changes nothing
    assert status_of(stack, "#W3525030") == "pending"


def test_a_promotion_already_offered_is_not_repeated(stack):
    chat = Chat(stack["url"])
    first = chat.say("笔记本电脑有优惠吗")["text"]
    assert "LAPTOP-DESK12" in first and "笔记本电脑" in first  # the promotion's Chinese title
    chat.say("不用了")
    assert "LAPTOP-DESK12" not in chat.say("笔记本电脑还有别的优惠吗")["text"]


def test_each_question_of_a_message_that_asks_several_is_answered(stack):
    chat = Chat(stack["url"])
    reply = chat.say(f"hi, two things: where is my camera order, and do you ship on weekends? {YUSUF}")["text"]
    assert "#W6679257" in reply and "weekend" in reply.lower()
    # an order question asked before the shopper is proven is answered once they are
    chat = Chat(stack["url"])
    assert "e-mail" in chat.say("First, where's my camera? Second, I want to return my headphones.")["text"]
    both = chat.say(YUSUF)["text"]
    assert "#W2378156" in both and "#W6679257" in both  # the return goes on; the camera's status is told


def test_a_product_question_gets_the_option_that_answers_it_or_an_honest_not_listed(stack):
    chat = Chat(stack["url"])
    assert "water resistance" in chat.say("is the backpack waterproof?")["text"]  # not listed: never guessed
    laptop = chat.say("is the 17-inch laptop with the i7 in stock? the black one. how much?")["text"]
    assert "17-inch" in laptop and "$" in laptop
    follow = chat.say("how much ram and storage does it have?")
    assert follow["route"] == "flow" and "ram:" in follow["text"] and "storage:" in follow["text"]
    tents = chat.say("actually, do you sell tents?")
    assert tents["route"] == "flow" and "don't sell tents" in tents["text"] and "$" in tents["text"]


def test_declining_a_stated_cancel_for_another_change_takes_that_change_up(stack):
    chat = Chat(stack["url"])
    assert "yes" in chat.say(f"cancel #W9962383, ordered it by mistake. {FATIMA}")["text"]
    instead = chat.say("actually don't cancel, change the address to 12 Main St, Austin, TX 78701 instead")["text"]
    assert "12 Main St" in instead and status_of(stack, "#W9962383") == "pending"
    chat.say("yes")
    order = open_shop(stack["shop_db_url"]).call("get_order_details", {"order_id": "#W9962383"})
    assert order["status"] == "pending" and order["address"]["address1"] == "12 Main St"


def test_a_change_waiting_for_a_yes_is_dropped_when_a_person_takes_over(stack):
    chat = Chat(stack["url"])
    assert "yes" in chat.say(f"cancel #W3525030, ordered it by mistake. {HARPER}")["text"]
    assert chat.say("forget it, get me a manager. NOW.")["handoff"]
    chat.say("yes")  # to the person, not to the cancellation stated before
    assert status_of(stack, "#W3525030") == "pending"


def test_an_angry_shopper_with_a_request_we_can_answer_gets_an_apology_and_the_answer(stack):
    chat = Chat(stack["url"])
    first = chat.say("WHERE IS MY CAMERA??? ordered it weeks ago and still NOTHING. ridiculous")
    assert not first["handoff"] and "sorry" in first["text"].lower() and "e-mail" in first["text"]
    answer = chat.say(f"{YUSUF} order #W6679257. and dont send me some copy paste garbage")
    assert not answer["handoff"] and "#W6679257" in answer["text"]
    chat = Chat(stack["url"])  # a product's question, and a follow-up about it shouted
    assert "HEPA" in chat.say("问了三遍了！这个空气净化器到底有没有HEPA滤网")["text"]
    chat.say("I ASKED YESTERDAY AND NOBODY ANSWERED. how much is the 20000mAh power bank")
    found = chat.say("THE WIRELESS ONE. BLACK. is that so hard")
    assert not found["handoff"] and "102.07" in found["text"] and "sorry" in found["text"].lower()
    ink = Chat(stack["url"]).say("THIRD time asking this. Do you sell PRINTER INK or not?? Yes or no")
    assert not ink["handoff"] and "don't sell" in ink["text"]
    grill = Chat(stack["url"]).say("Your prices are a JOKE. What is the absolute CHEAPEST grill you've got.")
    assert not grill["handoff"] and "924.50" in grill["text"]  # (heard as angry, and answered)
    tablet = Chat(stack["url"]).say("I asked yesterday and NOBODY answered. Do you have the silver Tablet with 128GB or not.")
    assert not tablet["handoff"] and "903.95" in tablet["text"]
    phone = Chat(stack["url"]).say("你们家手机怎么都这么贵？？有没有一千块以内的，别又跟我说没有！！")  # (a budget: answerable)
    assert not phone["handoff"] and "1128.99" in phone["text"] and "PHONE-POWER15" not in phone["text"]  # (no coupon pushed)
    charger = Chat(stack["url"]).say("I ASKED ALREADY. My phone battery never lasts my whole shift, no outlet anywhere. "
                                     "What do you sell for that??")  # (a need: answerable)
    assert not charger["handoff"] and "Portable Charger" in charger["text"] and "sorry" in charger["text"].lower()


def test_a_question_after_thanks_is_answered(stack):
    chat = Chat(stack["url"])
    chat.say(f"where is my order #W6679257? {YUSUF}")
    reply = chat.say("ok thanks! and is my t-shirt order shipped yet?")
    assert reply["intent"] == "order_status" and "#W" in reply["text"] and "welcome" not in reply["text"].lower()


def test_a_yes_with_more_said_after_it_is_read_whole(stack):
    chat = Chat(stack["url"])
    assert "yes" in chat.say(f"please cancel #W3525030, I ordered it by accident. {HARPER}")["text"]
    chat.say("Yes, it was ordered by mistake. I do not know the order number, sorry, it is the only one I ordered.")
    assert status_of(stack, "#W3525030") == "pending"


def test_a_need_and_a_policy_question_in_one_message_are_both_answered(stack):
    """"…５０块以内。对了你们快递一般几天能到？": the need from the flow, the delivery times from the FAQ; two policy questions
    the FAQ answers each of are answered from it, not sent to the LLM tier."""
    both = Chat(stack["url"]).say("想给孩子买个能动动脑子的东西，５０块以内。对了你们快递一般几天能到？")
    assert "Jigsaw Puzzle" in both["text"] and "3–5 个工作日" in both["text"]
    paypal = Chat(stack["url"]).say("do u have a bluetooth speaker thats waterproof? going to the beach. also can i pay with paypal")
    assert "Bluetooth Speaker" in paypal["text"] and "PayPal" in paypal["text"]  # (a question without its question mark)
    faq = Chat(stack["url"]).say("包邮吗？一般几天能到？")
    assert faq["route"] == "cache" and "$35" in faq["text"] and "3–5 个工作日" in faq["text"]
    # (a short question after the need counts; a shop rule asked of a product is the FAQ's, its price the catalogue's,
    # not the shipping costs)
    lamp = Chat(stack["url"]).say("想买个台灯 150以内 对了能开发票吗")
    assert "Desk Lamp" in lamp["text"] and "电子发票" in lamp["text"]
    genuine = Chat(stack["url"]).say("这个耳机是正品吗 多少钱")
    assert "正品" in genuine["text"] and "$344.55" in genuine["text"] and "运费" not in genuine["text"]
    laptop = Chat(stack["url"]).say("is the laptop genuine? how much is it")
    assert "genuine" in laptop["text"] and "$2292.37" in laptop["text"] and "will not guess" not in laptop["text"]
