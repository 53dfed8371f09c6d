"""The dialogue engine on its typed state, against a real τ²-bench shop (SQLite): every detail taken
whenever it is given, corrections, dropping a task, and a change made only on an explicit yes to it."""
from __future__ import annotations

import re

import pytest

from agent.dialogue import check_flows, continues_task, meant, money, products, run_flow, starts_new_task
from agent.dialogue.flows import FLOWS
from agent.dialogue.routing import PRICE_ASKED
from agent.dialogue.state import Dialogue
from fastmodels.text import INTENTS
from tools import open_shop

EMAIL = "yusuf.rossi7301@example.com"  # yusuf_rossi_9620: #W6247578 and #W4776164 pending, #W6679257 delivered


@pytest.fixture()
def shop(tmp_path):
    return open_shop(f"sqlite:///{tmp_path}/shop.db", seed="tau2")


class Conversation:
    """Turns straight into the engine, as the graph sends them (the NLU's slots given by hand)."""

    def __init__(self, shop, language: str = "en"):
        self.shop, self.language, self.context, self.n = shop, language, {}, 0

    def say(self, intent: str, text: str, **slots) -> str:
        self.n += 1
        result = run_flow(intent, slots, text, self.language, self.context, self.shop, f"req-{self.n}")
        self.context = result.context
        return result.reply

    @property
    def dialogue(self) -> Dialogue:
        return Dialogue.of(self.context)

    def status(self, order_id: str) -> str:
        return self.shop.call("get_order_details", {"order_id": order_id})["status"]


def test_everything_volunteered_at_once_goes_straight_to_the_confirmation(shop):
    chat = Conversation(shop)
    reply = chat.say("cancel_order", f"cancel #W6247578, ordered it by mistake, {EMAIL}", email=EMAIL,
                     order_id="#W6247578")
    assert "#W6247578" in reply and "53.27" in reply and "yes" in reply
    assert chat.dialogue.pending.args == {"order_id": "#W6247578", "reason": "ordered by mistake"}
    assert chat.status("#W6247578") == "pending"
    chat.say("cancel_order", "yes")
    assert chat.status("#W6247578") == "cancelled"


def test_a_reason_given_before_identity_is_not_asked_again(shop):
    chat = Conversation(shop)
    chat.say("cancel_order", "I don't need my T-shirt order any more, cancel it")
    assert chat.dialogue.task.reason == "no longer needed"
    reply = chat.say("cancel_order", EMAIL, email=EMAIL)
    # two pending orders hold a T-shirt: both are offered, the reason is kept
    assert "#W6247578" in reply and "#W4776164" in reply
    reply = chat.say("cancel_order", "#W4776164", order_id="#W4776164")
    assert "2772.44" in reply and "Reply yes" in reply


@pytest.mark.parametrize("answer", ["ok and when does it arrive?", "嗯……等一下 我再想想", "wait", "which card was it?"])
def test_only_an_explicit_yes_to_the_stated_change_runs_it(shop, answer):
    chat = Conversation(shop)
    chat.say("cancel_order", f"cancel #W6247578 ordered by mistake {EMAIL}", email=EMAIL, order_id="#W6247578")
    chat.say("cancel_order", answer)
    assert chat.status("#W6247578") == "pending" and chat.dialogue.pending is not None


@pytest.mark.parametrize("answer", ["hmm actually no, don't do it. I'll just give it to my sister. thanks anyway",
                                    "先不要确认了，我再看看"])
def test_a_yes_word_negated_is_a_no(shop, answer):
    chat = Conversation(shop)
    chat.say("cancel_order", f"cancel #W6247578 ordered by mistake {EMAIL}", email=EMAIL, order_id="#W6247578")
    chat.say("cancel_order", answer)
    assert chat.status("#W6247578") == "pending" and chat.dialogue.pending is None


def test_a_yes_that_names_the_order_again_is_stated_again(shop):
    chat = Conversation(shop)
    chat.say("cancel_order", f"cancel #W6247578 ordered by mistake {EMAIL}", email=EMAIL, order_id="#W6247578")
    again = chat.say("cancel_order", "yes that's the one, W6247578", order_id="#W6247578")
    assert chat.status("#W6247578") == "pending" and "Reply yes" in again
    chat.say("cancel_order", "yes, confirm")
    assert chat.status("#W6247578") == "cancelled"


def test_declining_one_action_is_not_declining_the_one_asked_for(shop):
    chat = Conversation(shop, "zh")
    chat.say("modify_order", f"W6247578 地址填错了 {EMAIL}", email=EMAIL, order_id="#W6247578")
    chat.say("modify_order", "新地址 318 Hilltop Road, Apt 7, Columbus, OH 43215")
    chat.say("modify_order", "对 改地址 不取消 确认")
    order = shop.call("get_order_details", {"order_id": "#W6247578"})
    assert order["status"] == "pending" and order["address"]["address1"] == "318 Hilltop Road"


def test_a_zip_corrected_at_the_confirmation_is_stated_again(shop):
    chat = Conversation(shop)
    chat.say("modify_order", f"change the address of W6247578, {EMAIL}", email=EMAIL, order_id="#W6247578")
    assert "78701" in chat.say("modify_order", "45 Maple Avenue, Unit 12, Austin, TX 78701")
    again = chat.say("modify_order", "oh wait, the zip is 78702 not 78701")
    assert "78702" in again and "78701" not in again
    chat.say("modify_order", "yes")
    assert shop.call("get_order_details", {"order_id": "#W6247578"})["address"]["zip"] == "78702"


def test_never_mind_drops_the_task_and_nothing_changes(shop):
    chat = Conversation(shop, "zh")
    chat.say("modify_order", f"W6247578 要改地址 {EMAIL}", email=EMAIL, order_id="#W6247578")
    chat.say("modify_order", "新地址 318 Hilltop Road, Columbus, OH 43215")
    kept = chat.say("modify_order", "地址不用改了")
    assert "保持不变" in kept and chat.dialogue.task is None
    assert shop.call("get_order_details", {"order_id": "#W6247578"})["address"]["address1"] != "318 Hilltop Road"


def test_the_status_rule_holds_whatever_is_said(shop):
    chat = Conversation(shop)
    reply = chat.say("cancel_order", f"cancel W6679257 ordered by mistake, yes confirm {EMAIL}", email=EMAIL,
                     order_id="#W6679257")
    assert "delivered" in reply and chat.status("#W6679257") == "delivered"


def test_a_return_refund_goes_to_the_original_method_or_a_gift_card_only(shop):
    chat = Conversation(shop)
    chat.say("return_item", f"return the camera from W6679257 {EMAIL}", email=EMAIL, order_id="#W6679257")
    asked = chat.say("return_item", "refund it to my paypal please")
    assert "ending in 2478" in asked and chat.dialogue.pending is None  # Yusuf has no PayPal: asked where
    confirm = chat.say("return_item", "the original card then")
    assert "ending in 2478" in confirm and "2895.55" in confirm


def test_an_order_number_that_is_not_theirs_is_never_replaced_by_a_guess(shop):
    chat = Conversation(shop)
    reply = chat.say("cancel_order", f"cancel #W8704143 ordered by mistake {EMAIL}", email=EMAIL, order_id="#W8704143")
    assert "couldn't find" in reply
    assert "order number" in chat.say("cancel_order", "ordered by mistake")
    assert chat.dialogue.pending is None


def test_the_state_keeps_the_turns_own_keys_and_drops_an_old_shape():
    context = {"language": "zh", "slots": {"order_id": "#W1"}, "user_id": "u", "pending": {"offer": {"coupon": "X"}}}
    dialogue = Dialogue.of(context)
    assert dialogue.user_id == "u" and dialogue.pending is None
    assert dialogue.into(context) == {"language": "zh", "slots": {"order_id": "#W1"}, "user_id": "u"}


def test_every_intent_is_closed_somewhere_and_every_flow_reply_exists(monkeypatch):
    assert check_flows(list(INTENTS)) == []
    assert check_flows([*INTENTS, "loyalty_points"]) == ["intent loyalty_points: no flow, reply or route"]
    monkeypatch.setitem(FLOWS, "cancel_order", FLOWS["cancel_order"].__class__((), ("pending",), "no_such_reply"))
    assert check_flows(list(INTENTS)) == ["reply no_such_reply: not in the catalogue"]


def test_frustration_rises_with_a_request_typed_again_and_carries_over_turns():
    from agent.frustration import heard
    history = [{"shopper": "where is my order W2378156"}, {"shopper": "WHERE IS MY ORDER W2378156!!"}]
    assert heard(0.2, "where is my order W2378156???", history) > 0.85  # the third time
    assert heard(0.2, "where is my order W2378156", []) == 0.2
    assert heard(0.5, "this is ridiculous", [], previous=0.5) >= 0.6  # annoyed twice in a row
    assert heard(0.05, "thanks", [], previous=0.5) < 0.6  # calm words after an annoyed turn


def test_a_need_in_words_no_use_names_is_met_by_meaning_within_the_budget_and_history_asked_for_is_the_picks(shop):
    from agent.catalogue_search import describes_need
    assert describes_need("something for my son who is always cold at his desk")
    assert not describes_need("any recommendations?") and not describes_need("根据我买过的东西推荐点什么")
    assert "Fleece Jacket" in Conversation(shop).say("recommend", "something for my son who is always cold at his desk")
    farewell = Conversation(shop).say("recommend", "Need a little something for a coworker's farewell, nothing over "
                                                   "50 bucks. What have you got?")
    assert "Perfume" not in farewell and "Makeup Kit" not in farewell  # the nearest that fit the budget



def test_tried_as_a_newcomer_the_product_just_shown_its_options_named_after_and_an_attribute_no_product_lists(shop):
    dorm = Conversation(shop)
    dorm.say("recommend", "my sister will live in a dorm next month, what would be useful? not too pricey pls")
    assert "Electric Kettle" in dorm.say("recommend", "the kettle, is it the electric one? how many litres")
    # (whatever the dorm showed: "electric" is the Electric Kettle's own name, not a Tea Kettle's hob)
    assert "Electric Kettle" in Conversation(shop).say("product_info", "the kettle, is it the electric one? how many litres")
    mum = Conversation(shop)
    mum.say("recommend", "do you have anything for my mum, she's always cold in the evenings")  # (with "when she
    #   reads" after it, the need reader shows the E-Reader alone: a miss of the reader, noted in issue #16)
    mum.say("product_info", "what colours does it come in")
    assert "Fleece Jacket" in mum.say("recommend", "how much is the red one in M")  # none: the closest
    anc = Conversation(shop).say("product_info", "do the headphones have noise cancelling?")
    assert "not list the noise cancelling" in anc
    coffee = Conversation(shop)
    coffee.say("recommend", "hey do u guys have something to make my coffee at home, im a total beginner lol")
    easiest = coffee.say("recommend", "which one is easiest to use")  # (the one shown: its kinds; not the puzzle's
    assert "Coffee Maker" in easiest and "Jigsaw Puzzle" not in easiest  # "beginner" level)
    pair = Conversation(shop)
    pair.say("recommend", "the office is so noisy, I need something to listen to music and focus")
    two = pair.say("recommend", "which one is lighter")  # the two shown, side by side
    assert "Headphones" in two and "Wireless Earbuds" in two and "does not list the weight" in two


def test_a_need_s_own_wishes_choose_the_price_shown_a_step_is_the_end_and_nothing_x_is_refused(shop):
    """Blind working-32: "跪着膝盖疼 想要个厚一点的垫子 别给我推粉色": the thickest mat not pink, not the cheapest
    mat; "nothing pink please" refuses pink, it does not ask for it."""
    thick = Conversation(shop, "zh").say("recommend", "最近在家跟着视频练瑜伽 木地板太硬了 跪着膝盖疼 想要个厚一点的垫子。"
                                                      "别给我推粉色的啊 我不喜欢粉色")
    assert "Yoga Mat" in thick and "105.68" in thick and "92.53" not in thick
    mat = Conversation(shop).say("recommend", "a yoga mat for my wife, nothing pink please")
    assert "Yoga Mat" in mat and "pink" not in mat


def test_every_one_of_each_side_listed_when_asked_and_a_percent_is_a_size_unless_it_is_off(shop):
    """Blind working-32: "medium frame的 road和mountain哪个贵 都列一下价格": every medium road and mountain bike in
    stock, not the cheapest of each; "and the 80% version of that?" after a full-size keyboard is its 80% size, while
    "80% off" is a discount asked, no keyboard."""
    bikes = Conversation(shop, "zh").say("product_info", "自行车medium frame的 road和mountain哪个贵 都列一下价格")
    assert all(p in bikes for p in ("2076.50", "1917.21", "2195.04"))
    keyboard = Conversation(shop)
    keyboard.say("product_info", "How much is the mechanical keyboard with linear switches, RGB backlight, full size?")
    assert "230.15" in keyboard.say("product_info", "and the 80% version of that?")
    assert "Mechanical Keyboard" not in Conversation(shop).say("price_promo", "is there 80% off on anything?")


def test_the_word_of_a_kind_set_against_one_of_its_own_name_is_the_other_product(shop):
    """Blind working-32: "咖啡机和意式咖啡机有什么不一样" is the Coffee Maker beside the Espresso Machine, "普通的手表和
    智能手表价格差很多吗" the Wristwatch beside the Smart Watch: both, side by side, not one of them."""
    coffee = Conversation(shop, "zh").say("recommend", "咖啡机和意式咖啡机有什么不一样？价格大概差多少")
    assert "Coffee Maker" in coffee and "Espresso Machine" in coffee
    watches = Conversation(shop, "zh").say("recommend", "想给老公买块表当结婚纪念日礼物 普通的手表和智能手表价格差很多吗？")
    assert "Wristwatch" in watches and "Smart Watch" in watches
    assert "Wristwatch" in Conversation(shop).say("product_info", "regular watch vs smart watch, which is cheaper?")
    plain = Conversation(shop, "zh").say("product_info", "普通咖啡机和意式咖啡机差价大吗 我就早上喝一杯 不讲究")  # (final-32,
    assert "Coffee Maker" in plain and "Espresso Machine" in plain                                # once played)


def test_the_cheapest_among_those_shown_keeps_what_they_were_shown_for(shop):
    """Blind working-32: "black的里面cheapest是哪个" after the USB-powered desk lamps: the cheapest black USB one."""
    lamp = Conversation(shop, "zh")
    lamp.say("product_info", "帮我看一下desk lamp有USB供电的吗")
    assert "153.23" in lamp.say("price_promo", "black的里面cheapest是哪个")


def test_one_value_in_stock_asked_with_its_price_and_batteries_or_a_charge(shop):
    """Blind working-32: "what colours ARE in stock and how much" where one colour is: the ones in stock, priced;
    "does it take batteries, or does it charge up?": one of each kind."""
    phone = Conversation(shop)
    phone.say("product_info", "Is the gold smartphone back in stock or not??")
    priced = phone.say("product_info", "fine. what colours ARE in stock and how much.")
    assert "1128.99" in priced and "1157.86" in priced
    brush = Conversation(shop).say("product_info", "Does your electric toothbrush take batteries, or does it charge up?")
    assert "rechargeable" in brush and "AA batteries" in brush
    dorm = Conversation(shop, "zh").say("recommend", "孩子住校 晚上熄灯以后他还得看书 桌上只有一个USB口 你们有什么合适的？"
                                                     "对了他喝水的杯子上周也摔碎了 一起帮我看看")
    assert "Desk Lamp" in dorm and "Water Bottle" in dorm


def test_a_need_s_wishes_in_everyday_words_choose_the_variants(shop):
    """Blind working-30 and -32: the arms that move (adjustable), what the standard and the fixed ones do wrong
    (refused), earphones that "died from sweat" (water resistance), "能自己把豆子磨好" (a built-in grinder)."""
    tall = Conversation(shop).say("recommend", "Work from home, 9+ hrs a day at the desk, and by 3pm my upper back is "
                                               "done. I'm 6'2 so the standard ones stop around my shoulder blades. I also "
                                               "want to be able to move where my arms rest, fixed ones dig into my elbows. "
                                               "What have you got?")
    assert "503.76" in tall and "fixed" not in tall
    assert "511.24" in Conversation(shop).say("recommend", "replacing the folding chairs in our coworking space. Ideally "
                                                           "the arms can be moved up and down")
    runner = Conversation(shop).say("recommend", "I run at 6am, sweat like crazy, my last pair of earphones literally "
                                                 "died from sweat. need something that survives that. black.")
    assert "257.38" in runner and "243.34" not in runner
    coffee = Conversation(shop, "zh").say("recommend", "想在家里自己做咖啡。最好是能自己把豆子磨好的那种，预算三百块钱以内")
    assert "236.95" in coffee
    grills = Conversation(shop, "zh").say("product_info", "grill 燃气的portable款 带side burner的和什么都不带的 差多少钱")
    assert "1057.24" in grills and "1042.19" in grills  # (什么都不带: no features)


def test_frustration_hears_anger_in_words_not_a_polite_request_again():
    from agent.frustration import said
    for angry in ("问了三遍了 到底有没有货", "什么破系统 试了十遍", "I have asked twice already", "this is useless",
                  "I'm calling my bank", "been waiting 20 minutes", "operator operator", "转人工！转人工！",
                  "amazing service 🙃", "说了要黑色的 眼瞎吗"):
        assert said(0.1, angry) >= 0.6, angry
    for calm in ("那个快递单号您再跟我说一遍", "I'd rather talk to a real person about this gift", "有现货吗",
                 "双十一搞什么活动", "this is my second order", "tell me a joke"):
        assert said(0.1, calm) == 0.1, calm


def test_a_variant_is_chosen_only_when_the_words_name_one(shop):
    from agent.variants import variant_named
    catalogue = shop.call("list_all_product_types", {})

    def choices(name):
        return [v for v in shop.call("get_product_details", {"product_id": catalogue[name]})["variants"].values()
                if v["available"]]
    helmet = {"size": "M", "color": "black", "ventilation": "medium"}
    assert variant_named(choices("Cycling Helmet"), helmet, "改成L码 黑色 高通风")["options"] == \
        {"size": "L", "color": "black", "ventilation": "high"}
    # two changes asked in one message for one item: asked again, never a guess
    assert variant_named(choices("Cycling Helmet"), helmet, "M码那个改成L码的；S码那个改成S码白色的") is None
    glasses = variant_named(choices("Sunglasses"), {}, "换成银色金属框、黑色镜片、偏光的那款")
    assert glasses["options"]["frame color"] == "silver" and glasses["options"]["lens color"] == "black"


def test_a_colour_of_one_character_is_read_only_as_a_colour_word():
    from agent.variants import option_words
    assert "blue" not in option_words("蓝牙音箱防水吗") and "gold" not in option_words("付了金额")
    assert "black" in option_words("黑色M码") and "white" in option_words("要白的")


def test_an_address_without_a_comma_before_the_state_is_an_address_not_a_login(shop):
    """"4417 Tennyson St, Unit 5, Denver CO 80212" from a proven shopper: "Tennyson St" + zip is no name."""
    chat = Conversation(shop)
    chat.say("modify_order", f"change the address of W6247578, {EMAIL}", email=EMAIL, order_id="#W6247578")
    reply = chat.say("modify_order", "new one is 4417 Tennyson St, Unit 5, Denver CO 80212")
    assert "4417 Tennyson St, Unit 5, Denver, CO 80212" in reply and chat.dialogue.user_id == "yusuf_rossi_9620"
    chat.say("modify_order", "yes")
    assert shop.call("get_order_details", {"order_id": "#W6247578"})["address"]["city"] == "Denver"


def test_the_default_address_on_file_is_a_new_address_for_an_order(shop):
    chat = Conversation(shop, "zh")
    chat.say("modify_order", f"W6247578 帮我改成我账户里的默认地址 {EMAIL}", email=EMAIL, order_id="#W6247578")
    assert "763 Broadway, Suite 135, Philadelphia, PA 19122" in str(chat.dialogue.pending.facts)
    chat.say("modify_order", "确认")
    assert shop.call("get_order_details", {"order_id": "#W6247578"})["address"]["address1"] == "763 Broadway"


def test_an_order_is_found_by_a_word_that_may_mean_two_products_and_picked_by_place_or_option(shop):
    chat = Conversation(shop, "zh")
    # "咖啡机": the Coffee Maker or the Espresso Machine; Yusuf's order holding the latter is the one
    assert "#W4776164" in chat.say("order_status", f"我买的那台咖啡机什么时候发货 {EMAIL}", email=EMAIL)
    chat = Conversation(shop)
    listed = chat.say("order_status", f"where is my t-shirt? {EMAIL}", email=EMAIL)
    assert "#W6247578" in listed and "#W4776164" in listed and chat.dialogue.task.asked == "which_order"
    assert "#W4776164" in chat.say("order_status", "the blue one") and chat.dialogue.task is None
    chat.say("order_status", "and my t-shirt?")
    assert "#W4776164" in chat.say("order_status", "the second one")


def test_the_order_found_is_that_order_of_the_next_request(shop):
    chat = Conversation(shop)
    chat.say("order_status", f"has my camera arrived? {EMAIL}", email=EMAIL)
    assert chat.context["slots"]["order_id"] == "#W6679257"
    assert "2895.55" in chat.say("return_item", "ok then I want to return it, refund to the original card")


def test_what_a_shopper_wants_is_read_without_who_they_are():
    from agent.dialogue.addresses import names_with_zip, without_identity

    assert without_identity("hey where's my keyboard? email noah.martin8712@example.com") == "hey where's my keyboard?"
    assert without_identity("Mia Chen 10001 where is my lamp") == "where is my lamp"
    assert names_with_zip("我叫 raj li 邮编是20369") == [("Raj", "Li", "20369")]
    assert names_with_zip("Hello I am going to Chicago 60601") == []


def test_a_need_gets_the_products_made_for_it_within_the_budget_and_a_follow_up_the_one_it_fits(shop):
    chat = Conversation(shop, "zh")
    reply = chat.say("recommend", "想给我爸买个gift, 他很喜欢hiking, budget大概250 dollars, 有什么推荐吗")
    # (what hikers use: the need reader's backpack, the boots beside it when they are a third as likely or more; in
    # session 35 they were just under)
    assert ("Hiking Boots" in reply or "Backpack" in reply) and "Mechanical Keyboard" not in reply
    follow = chat.say("product_info", "他穿11码, 要waterproof的, 有货吗 多少钱")
    assert "259.75" in follow and "Hiking Boots" in follow  # size 11, waterproof, in stock: the boots, shown or not


def test_what_the_shop_does_not_sell_is_said_with_the_closest_it_does():
    from agent.dialogue.products import asks_if_sold

    assert asks_if_sold("actually, do you sell tents?") == "tents" and asks_if_sold("你们有帐篷吗") == "帐篷"
    for not_a_product in ("do you do free returns?", "gift card有有效期吗", "do you sell laptops?", "你们有发票吗"):
        assert asks_if_sold(not_a_product) is None


def test_an_attribute_the_catalogue_does_not_list_is_never_guessed(shop):
    chat = Conversation(shop)
    assert "does not list the water resistance of the Backpack" in chat.say("product_info", "is the backpack waterproof?")
    assert "battery life: " in chat.say("product_info", "how long does the bluetooth speaker battery last?")


def test_an_item_the_shopper_keeps_is_not_returned_and_a_variant_they_say_is_missing_is_not_wanted():
    from agent.dialogue.products import items_meant
    from agent.variants import option_words

    assert items_meant(["Wall Clock", "Water Bottle"], "挂钟想退掉 水杯留着 挺好用的") == [("Wall Clock", "挂钟想退掉 水杯留着 挺好用的")]
    assert "silver" not in option_words("没有silver啊… 那gold的10 inch 128GB也行")
    assert "black" in option_words("有没有黑色的")  # asking is not declining


def test_all_my_orders_and_a_budget_no_product_meets(shop):
    chat = Conversation(shop)
    every = chat.say("order_status", f"where are my orders? all of them {EMAIL}", email=EMAIL)
    assert all(o in every for o in ("#W6247578", "#W4776164", "#W6679257", "#W2378156"))
    tablet = chat.say("recommend", "what about a tablet for my kid, under 300?")
    assert "under $300" in tablet and "903.95" in tablet  # none within it: said so, and the cheapest


def test_a_stated_address_is_corrected_in_part(shop):
    chat = Conversation(shop)
    chat.say("modify_order", f"change the shipping address of #W6247578 {EMAIL}", email=EMAIL, order_id="#W6247578")
    chat.say("modify_order", "Ship it to 1200 Elm Street, Fort Worth, TX 76102")
    fixed = chat.say("modify_order", "Sorry, wrong house number. It's 1020 Elm Street, not 1200. And add Unit 4 as the "
                                     "second line. Oh and the zip is 76104 not 76102")
    assert "1020 Elm Street, Unit 4, Fort Worth, TX 76104" in fixed and "yes" in fixed
    chat.say("modify_order", "yes")
    address = shop.call("get_order_details", {"order_id": "#W6247578"})["address"]
    assert (address["address1"], address["address2"], address["zip"]) == ("1020 Elm Street", "Unit 4", "76104")


def test_an_address_without_commas_and_digits_read_out_in_english_are_read(shop):
    chat = Conversation(shop)
    asked = chat.say("modify_order", "change the address of my order W six two four seven five seven eight. "
                                     f"{EMAIL}", email=EMAIL, order_id="#W6247578")
    assert "address" in asked
    confirm = chat.say("modify_order", "新地址是456 Oak Street Floor 3 Charlotte NC 28209")
    assert "456 Oak Street, Floor 3, Charlotte, NC 28209" in confirm


def test_a_card_is_chosen_by_its_last_four_digits_and_named_as_the_shopper_knows_it(shop):
    chat = Conversation(shop)
    chat.say("modify_order", "我的订单W8855135想换一种付款方式 sofia.li7352@example.com", email="sofia.li7352@example.com",
             order_id="#W8855135")
    confirm = chat.say("modify_order", "不要用visa了，改成尾号8484的那张卡")
    assert "8484" in confirm and "credit_card_8105988" not in confirm
    assert chat.dialogue.pending.args["payment_method_id"] == "credit_card_8105988"


def test_a_variant_corrected_in_the_same_message_is_the_one_after_the_correction():
    from agent.variants import item_described, variant_named

    choices = [{"item_id": str(i), "available": True, "price": 1, "options": dict(zip(("size", "color", "ventilation"), o))}
               for i, o in enumerate([("S", "red", "low"), ("M", "red", "medium"), ("L", "white", "medium"),
                                      ("S", "white", "medium")])]
    now = {"size": "M", "color": "red", "ventilation": "low"}
    said = "the blue one. actually no, sorry, the RED one, size M, same red M but medium ventilation instead of low"
    assert variant_named(choices, now, said)["options"] == {"size": "M", "color": "red", "ventilation": "medium"}
    said = "the black one should be size L... wait no sorry, the white size S should be a size L, same medium ventilation"
    assert variant_named(choices, now, said)["options"]["size"] == "L"
    # of two helmets in an order, the one they describe as it is now
    helmets = [{"item_id": "a", "options": {"size": "M", "color": "red", "ventilation": "low"}},
               {"item_id": "b", "options": {"size": "S", "color": "white", "ventilation": "medium"}}]
    assert item_described(helmets, said)["item_id"] == "b"


def test_two_orders_asked_about_at_once_are_both_told(shop):
    chat = Conversation(shop)
    reply = chat.say("order_status", f"where r my orders W6247578 and #w6679257?? {EMAIL}", email=EMAIL,
                     order_id="#W6247578")
    assert "#W6247578" in reply and "#W6679257" in reply


def test_a_reason_that_is_neither_of_the_two_gets_both_offered_again(shop):
    chat = Conversation(shop)
    assert "mistake" in chat.say("cancel_order", f"cancel #W6247578 {EMAIL}", email=EMAIL, order_id="#W6247578")
    said = "because I found it cheaper somewhere else"
    assert continues_task(chat.context, "recommend", {}, said)  # what the router asks: an answer to "why?"
    again = chat.say("cancel_order", said)
    assert "no longer needed" in again and chat.dialogue.pending is None
    stated = chat.say("cancel_order", "fine, no longer needed then")
    assert "Reply yes" in stated and chat.status("#W6247578") == "pending"


def test_product_questions_by_option_values_and_by_an_attribute_get_prices(shop):
    chat = Conversation(shop)
    types = chat.say("product_info", "wireless headphones: in ear or over ear?")
    assert "in-ear" in types and "over-ear" in types and "$" in types
    ram = chat.say("product_info", "which smartphone has more RAM?")
    assert "RAM: " in ram and "GB ($" in ram
    cheapest = chat.say("product_info", "wats the cheapest wireless headphones u have in stock")
    prices = [float(p) for p in re.findall(r"\$(\d+\.\d\d)", cheapest)]
    assert prices == sorted(prices) and "sold out" not in cheapest


def test_a_product_wanted_is_no_exchange_and_a_broken_item_gets_its_options_first(shop):
    from agent.dialogue.meant import meant_intent

    assert meant_intent("exchange_item", {}, "要一个大一点的背包 能装15寸电脑的", {}) == "recommend"
    assert meant_intent("exchange_item", {}, "我的背包太小了 想换一个大一点的", {}) == "exchange_item"
    chat = Conversation(shop, "zh")
    shown = chat.say("recommend", "要一个大一点的背包 能装15寸电脑的")
    assert "large" in shown.split("；")[0] and "small" not in shown
    first = Conversation(shop, "zh").say("return_item", "我上周买的耳机坏了怎么办")
    assert "退货" in first and "换" in first and "邮箱" in first


def test_a_parcel_delivered_but_not_received_gets_a_person_offered(shop):
    chat = Conversation(shop)
    chat.say("order_status", "my camera order says delivered but I never got it")
    reply = chat.say("order_status", EMAIL, email=EMAIL)
    assert "#W6679257" in reply and "agent" in reply and "trace" in reply


def test_a_change_the_shop_refuses_as_it_is_made_changes_nothing_and_says_why(shop):
    """A gift card too small for the price difference: the tool refuses on the yes; the shopper hears it."""
    order = shop.call("get_order_details", {"order_id": "#W7634667"})  # amelia_kim_4338, gift card with $17
    lamp = next(i for i in order["items"] if i["name"] == "Desk Lamp")
    variants = shop.call("get_product_details", {"product_id": lamp["product_id"]})["variants"].values()
    dear = max((v for v in variants if v["available"]), key=lambda v: float(v["price"]))
    assert float(dear["price"]) - float(lamp["price"]) > 17
    chat = Conversation(shop)
    wanted = ", ".join(str(v) for v in dear["options"].values())
    stated = chat.say("modify_order", f"on #W7634667 change the desk lamp to the {wanted} one, pay the difference "
                      "with my gift card. amelia.kim6460@example.com", email="amelia.kim6460@example.com",
                      order_id="#W7634667")
    assert "Reply yes" in stated and "gift_card" in stated
    refused = chat.say("modify_order", "yes")
    assert "17.00" in refused and "nothing was changed" in refused
    assert shop.call("get_order_details", {"order_id": "#W7634667"})["items"] == order["items"]


def test_an_email_after_chinese_text_takes_only_the_address_with_it():
    from agent.dialogue import requests_in, without_identity

    said = "1. 自行车那单退款到了没有 2. W1170711 帮我取消 3. 跑鞋那单什么时候发货。邮箱a.b8893@example.com"
    assert requests_in(without_identity(said))[-1] == "跑鞋那单什么时候发货"


def test_a_yes_that_says_part_of_the_address_again_is_asked_once_more(shop):
    chat = Conversation(shop, "zh")
    home = shop.call("get_user_details", {"user_id": "yusuf_rossi_9620"})["address"]
    chat.say("modify_order", f"订单W6247578改成我账户里的默认地址 {EMAIL}", email=EMAIL, order_id="#W6247578")
    again = chat.say("modify_order", f"对，就是那个 {home['address1']}，邮编{home['zip']}")
    assert "确认" in again and chat.dialogue.pending is not None
    chat.say("modify_order", "没错，确认修改")
    assert shop.call("get_order_details", {"order_id": "#W6247578"})["address"]["zip"] == home["zip"]


def test_a_name_and_a_zip_in_two_messages_prove_the_shopper(shop):
    chat = Conversation(shop, "zh")
    chat.say("return_item", "我要退耳机")
    assert "邮编" in chat.say("return_item", "Yusuf Rossi")
    assert chat.dialogue.user_id is None
    chat.say("return_item", "邮编19122")
    assert chat.dialogue.user_id == "yusuf_rossi_9620"
    assert chat.dialogue.pending.args["item_ids"] == ["4202497723"]  # the headphones of #W2378156


def test_items_listed_as_kept_are_not_returned(shop):
    chat = Conversation(shop, "zh")
    chat.say("return_item", f"{EMAIL} 订单W2378156退耳机，吸尘器、键盘和手表都留着", email=EMAIL, order_id="#W2378156")
    assert chat.dialogue.pending.items == ["Headphones"]
    chat = Conversation(shop)
    chat.say("return_item", f"{EMAIL} W2378156: return the headphones, keep the vacuum cleaner and the smart watch",
             email=EMAIL, order_id="#W2378156")
    assert chat.dialogue.pending.items == ["Headphones"]


def test_products_that_only_say_which_order_are_not_the_items_to_change(shop):
    chat = Conversation(shop)
    chat.say("return_item", "I want to return my smart watch")
    chat.say("return_item", f"{EMAIL}, it's the order with the vacuum cleaner and the keyboard", email=EMAIL)
    assert chat.dialogue.pending.items == ["Smart Watch"]


def test_the_refund_names_the_card_not_its_id_and_one_of_two_twins_is_picked_by_colour(shop):
    chat = Conversation(shop, "zh")  # fatima_wilson_7472: #W5272531 holds two electric toothbrushes
    chat.say("return_item", "我要退一支电动牙刷")
    chat.say("return_item", "Fatima Wilson 邮编92183")
    reply = chat.say("return_item", "订单里有两支牙刷，我要退蓝色那支，黑色的留着")
    assert "188.67" in reply and "192.15" not in reply and "尾号8991" in reply and "credit_card_" not in reply


def test_the_current_default_address_is_read_while_a_new_one_is_awaited(shop):
    chat = Conversation(shop)
    chat.say("account", "hi I want to change my default shipping address")
    assert "new default address" in chat.say("account", EMAIL, email=EMAIL)
    context = {"task": chat.dialogue.task.model_dump()}
    assert continues_task(context, "out_of_scope", {}, "what's the current one on file?")
    reply = chat.say("account", "what's the current one on file?")
    assert shop.call("get_user_details", {"user_id": "yusuf_rossi_9620"})["address"]["address1"] in reply


def test_a_follow_up_about_a_product_keeps_the_options_asked_before(shop):
    chat = Conversation(shop, "zh")
    chat.say("product_info", "红色的防水蓝牙音箱多少钱？")
    reply = chat.say("product_info", "那续航20小时那款是哪个价格？")
    assert "285.94" in reply and "271.89" not in reply  # red, water-resistant, 20 hours; not the other colours
    reply = chat.say("product_info", "电子书阅读器有能插卡上网的吗 就是带蜂窝网络的")
    assert "244.95" in reply and "252.06" not in reply  # Wi-Fi + Cellular only, not the Wi-Fi ones
    assert "32GB ($244.95)" in chat.say("product_info", "哪个容量大")  # over the cellular ones asked about


def test_an_exchange_given_up_for_a_return_becomes_the_return(shop):
    context = {"task": {"intent": "exchange_item", "order_id": "#W2378156"}}
    assert starts_new_task(context, "return_item", {}, True, "不能换成别的商品啊…那耳机直接退了吧")


def test_the_cheapest_and_the_dearest_of_a_product_and_two_variants_side_by_side(shop):
    chat = Conversation(shop, "zh")
    assert "226.05" in chat.say("product_info", "最便宜的咖啡机多少钱")
    reply = Conversation(shop).say("product_info", "most expensive digital camera you sell?")
    assert "3280.31" in reply and "2714.51" not in reply
    reply = Conversation(shop, "zh").say("product_info", "数码相机 3000万像素3倍SD卡的 和 2000万像素3倍SD卡的 差多少")
    assert "2875.61" in reply and "2823.96" in reply


def test_the_longest_or_tallest_variant_and_the_product_a_shared_word_means(shop):
    assert "100ft" in Conversation(shop).say("product_info", "how long is your longest garden hose")
    reply = Conversation(shop, "zh").say("product_info", "陶瓷的烧水壶 2升 燃气灶用的 有货吗")
    assert "Tea Kettle" in reply and "ceramic" in reply  # 烧水壶 may be either kettle: the options say which


def test_a_need_with_several_readings_takes_the_nearest_in_meaning():
    from agent.catalogue_search import products_for
    assert products_for("我老婆最近开始练瑜伽了，天天在客厅地板上练，想给她买点啥")[0] == "Yoga Mat"


def test_just_one_item_of_three_is_returned_and_a_yes_naming_fewer_is_no_yes_to_all(shop):
    chat = Conversation(shop)
    chat.say("return_item", f"{EMAIL} W2378156: the vacuum cleaner and the keyboard are great, I'd like to return "
                            "just the headphones", email=EMAIL, order_id="#W2378156")
    assert chat.dialogue.pending.items == ["Headphones"]
    assert products.adds_details("Yes, just the headphones. Go ahead.", {"order_id": "#W1", "item_ids": ["1", "2"]},
                                 ["Headphones", "Vacuum Cleaner"])


def test_an_order_number_corrected_in_the_same_message_is_the_later_one(shop):
    chat = Conversation(shop, "zh")
    reply = chat.say("order_status", f"{EMAIL} 订单W6247578 啊不对不对 是W6679257", email=EMAIL, order_id="#W6247578")
    assert "#W6679257" in reply and "#W6247578" not in reply


def test_by_the_way_and_an_a_not_a_question_are_no_yes():
    from agent.dialogue.reading import is_yes
    assert not is_yes("对了退货是不是有时间限制啊我收到有一阵子了", "return")
    assert is_yes("对就这两个确认退", "return") and is_yes("对", "return")


def test_words_that_say_which_order_or_item_is_not_meant():
    """Blind working-h: an order described by what it does not hold, a name + zip that proves who they are
    (not a corrected address zip), an item told apart by an attribute it lacks, an alias of two products
    read as the item stated."""
    from agent.dialogue.addresses import corrected_zip, names_with_zip
    from agent.variants import named_options
    said = "the bike helmet one. NOT the one with the grill and the running shoes, keep that one"
    assert products.products_meant(products.without_other_orders(said)) == ["Cycling Helmet"]
    assert products.products_meant(products.without_other_orders("不是有烤架的那单，是头盔那个")) == ["Cycling Helmet"]
    assert corrected_zip("oh right, it's order W8747662, Liam Gonzalez, zip 78747") is None
    assert corrected_zip("the zip is 78702 not 78701") == "78702"
    assert names_with_zip("It's 1020 Elm Street, zip 76104") == []
    speakers = [{"options": {"color": "blue", "water resistance": answer}} for answer in ("yes", "no")]
    assert named_options(speakers, "the blue one without water resistance") == {"color": {"blue"},
                                                                                "water resistance": {"no"}}
    assert named_options(speakers, "不防水的那个") == {"water resistance": {"no"}}
    assert named_options(speakers, "the waterproof one") == {"water resistance": {"yes"}}
    swap = {"order_id": "#W1", "item_ids": ["1"], "new_item_ids": ["2"], "payment_method_id": "credit_card_1"}
    assert not products.adds_details("对 只换手表 确认", swap, ["Smart Watch"])  # (手表: a Wristwatch too)


def test_a_gift_card_too_small_for_the_order_is_said_before_any_yes(shop):
    """Policy: a gift card pays a pending order only if it covers it. Said at once, with both amounts, and
    nothing waits for a yes (blind working-h: the change was stated and refused only on the yes)."""
    order = shop.call("get_order_details", {"order_id": "#W7634667"})  # amelia_kim_4338, gift card with $17
    amount = f"{float(order['payment_history'][0]['amount']):.2f}"
    chat = Conversation(shop)
    said = chat.say("modify_order", "pay #W7634667 with my gift card instead. amelia.kim6460@example.com",
                    email="amelia.kim6460@example.com", order_id="#W7634667")
    assert "17.00" in said and amount in said and "Reply yes" not in said
    assert chat.dialogue.pending is None
    assert shop.call("get_order_details", {"order_id": "#W7634667"})["payment_history"] == order["payment_history"]


def test_a_product_question_in_the_middle_of_an_order_task_makes_no_offer_and_keeps_the_task(shop):
    """Blind working-h: a price question while an address was awaited made a coupon offer, and "好 回到地址的事，
    改成 …" took the coupon and lost the address change. The answer comes back to the task instead."""
    chat = Conversation(shop, "zh")
    chat.say("modify_order", f"订单#W6247578想改个收货地址 {EMAIL}", email=EMAIL, order_id="#W6247578")
    chat.say("price_promo", "对了先问一下，你们的背包多少钱？")
    assert chat.dialogue.offer is None and chat.dialogue.task.intent == "modify_order"
    stated = chat.say("modify_order", "好 回到地址的事，改成 77 Pine Street, Apt 9C, Seattle, WA 98101")
    assert "77 Pine Street, Apt 9C, Seattle, WA 98101" in stated


def test_a_colour_no_longer_minded_and_traditional_inches():
    from agent.dialogue.variant_answers import _ANY
    from agent.variants import option_words
    assert _ANY["color"].search("and a 13 inch with i7, any color?") and _ANY["color"].search("颜色无所谓")
    assert not _ANY["color"].search("the silver one")
    assert "8-inch" in option_words("8吋的電子閱讀器")  # (full-width digits are made plain before the flows)


def test_a_request_in_so_many_words_is_no_rules_question():
    from agent.dialogue.reading import wants_done
    assert wants_done("WHY is my order still not shipped?? 都好几天了!! 我要cancel")
    assert wants_done("帮我把那个订单取消") and wants_done("I want to return the headphones")
    assert not wants_done("can a jacket I wore once still be returned?") and not wants_done("怎么取消订单")


def test_a_question_about_orders_asked_before_identity_is_answered_once_proven(shop):
    """Blind working-b and -h: "charged twice for my …" or "where is my money, I cancelled two orders" went to
    the FAQ or a person; the e-mail that followed got "what can I do for you?". Now the question is answered."""
    user = shop.call("get_user_details", {"user_id": "yusuf_rossi_9620"})
    order = shop.call("get_order_details", {"order_id": "#W6679257"})
    product = order["items"][0]["name"]
    chat = Conversation(shop)
    chat.context = {"last_intent": "payment_issue", "slots": {"product": product.lower()}}
    said = chat.say("identify", EMAIL, email=EMAIL)
    paid = f"{float(order['payment_history'][0]['amount']):.2f}"
    assert "#W6679257" in said and paid in said and user["user_id"] == chat.dialogue.user_id
    again = Conversation(shop)
    again.context = {"last_intent": "greeting"}
    assert "What can I do for you" in again.say("identify", EMAIL, email=EMAIL)


def test_a_yes_after_the_change_was_asked_about_again_runs_nothing(shop):
    """Blind working-b: a change stated, then the shopper's next words made the bot ask which variant again,
    and their "yes, go ahead" ran the first statement. A yes answers only the change stated last."""
    chat = Conversation(shop)
    stated = chat.say("exchange_item", f"exchange the camera of #W6679257 for the 30MP 5x CF card one {EMAIL}",
                      email=EMAIL, order_id="#W6679257")
    assert "Reply yes" in stated and chat.dialogue.pending is not None
    asked = chat.say("exchange_item", "actually no, the 20MP 10x one")  # (sold out: which one, then?)
    assert "Reply yes" not in asked and chat.dialogue.pending is None
    chat.say("exchange_item", "yes go ahead")
    assert chat.status("#W6679257") == "delivered"


def test_words_naming_no_option_keep_the_variant_wished_and_asks_option_reads_glued_words():
    from agent.variants import asks_option
    assert asks_option("换black的 同样XL cotton crew neck") and asks_option("要waterproof的")
    assert not asks_option("mastercard for the difference, and that's the only item I want to change")
    assert not asks_option("I'm not sure") and not asks_option("blacksmith")
    assert not asks_option("emma.brown5032@example.com")


def test_an_item_added_to_a_change_joins_it():
    from agent.dialogue.reading import ADDS_ITEM
    assert ADDS_ITEM.search("同一单里还有个小号黑色的头盔 也想换成白色的 两个一起换")
    assert ADDS_ITEM.search("and the mouse as well") and not ADDS_ITEM.search("not the helmet, the jacket")


def test_a_shipped_order_that_cannot_be_cancelled_says_where_it_is(shop):
    """Blind working-d: "cancel it NOW" of a shipped order got the refusal alone; the tracking number is what
    an angry shopper can use next."""
    shipped, email = "#W6310710", "anya.garcia2061@example.com"  # anya_garcia_3271's, shipped
    assert shop.call("get_order_details", {"order_id": shipped})["status"] == "processed"
    parcels = shop.call("track_order", {"order_id": shipped})["parcels"]
    chat = Conversation(shop)
    said = chat.say("cancel_order", f"cancel {shipped} {email}", email=email, order_id=shipped)
    assert parcels[0]["tracking_id"] in said


def test_a_greeting_before_a_question_and_the_cheapest_of_those_recommended(shop):
    """A newcomer's try: "hi, do you guys have anything for someone who just started running?" was asked
    whether it was a greeting, "anything" read as a product the shop does not sell, and "the cheapest of
    those" got three unrelated picks."""
    from agent.dialogue.reading import after_thanks
    asked = "hi, do you guys have anything for someone who just started running?"
    assert after_thanks(asked) == "do you guys have anything for someone who just started running?"
    assert products.asks_if_sold(asked) is None
    chat = Conversation(shop)
    shown = chat.say("recommend", asked)
    listed = list(chat.dialogue.task.products)
    assert "Running Shoes" in shown and listed[0] == "Running Shoes"
    cheapest = chat.say("recommend", "what's the cheapest of those")
    assert "cheapest" in cheapest.lower() and sum(n in cheapest for n in listed) == 1 and "147.05" in cheapest


def test_dictated_and_chinese_written_data_is_read():
    """Final-5's shoppers dictated e-mails ("evelyn dot davis nine four five three at example dot com",
    "yusuf点hernandez六零八六at example点com"), gave a name in lower case before the zip, and wrote US places
    in Chinese ("二二零零 Elm Street Suite二一零 达拉斯 德州 邮编七五二零一")."""
    from agent.dialogue.addresses import address_in, names_with_zip, zip_alone
    from agent.shopper_text import canonical
    assert canonical("my email is evelyn dot davis nine four five three at example dot com") \
        == "my email is evelyn.davis9453@example.com"
    assert canonical("邮箱是yusuf点hernandez六零八六at example点com") == "邮箱是yusuf.hernandez6086@example.com"
    assert canonical("I was at home at 5 pm") == "I was at home at 5 pm"
    assert names_with_zip("anya jackson zip code 78252") == [("Anya", "Jackson", "78252")]
    assert names_with_zip("ah sorry zip 10187") == [] and zip_alone("ah sorry zip 10187") == "10187"
    home = address_in(canonical("新地址是二二零零 Elm Street Suite二一零 达拉斯 德州 邮编七五二零一"))
    assert home == {"address1": "2200 Elm Street", "address2": "Suite 210", "city": "Dallas", "state": "TX",
                    "country": "USA", "zip": "75201"}
    # the order number before "to" is no house number
    assert address_in("change the address on order W5208989 to 45 Lake Shore Dr, Unit 3B, Chicago, IL 60611")[
        "address1"] == "45 Lake Shore Dr"
    assert address_in("120 river walk drive apartment 4b san antonio texas 78205")["state"] == "TX"


def test_the_account_is_read_when_asked_what_is_on_file(shop):
    from agent.dialogue.meant import meant_intent
    assert meant_intent("order_status", {}, "can you tell me which address you have on file for me?", {}) == "account"
    assert meant_intent("payment_issue", {}, "And what payment methods do I have saved?", {}) == "account"
    assert meant_intent("payment_issue", {}, "it is going to the San Antonio address, right? Which street is on it?",
                        {}) == "order_status"
    chat = Conversation(shop, "zh")
    chat.say("account", f"我邮箱是{EMAIL}", email=EMAIL)
    assert "2478" in chat.say("account", "另外我账户里绑的是哪张卡？")


def test_the_method_named_last_is_chosen_and_the_one_refunded_is_not():
    from agent.dialogue.money import payment_source
    assert payment_source("why can't it go to the visa? ugh. fine, back to paypal then") == "paypal"
    assert payment_source("Yes, switch it to PayPal. The gift card money goes back, right?") == "paypal"
    assert payment_source("不要用礼品卡了，改成visa") == "credit_card"


def test_a_correction_to_another_order_moves_the_cancel_to_it(shop):
    chat = Conversation(shop, "zh")
    chat.say("cancel_order", f"帮我cancel W6247578 {EMAIL} 买错了", email=EMAIL, order_id="#W6247578")
    said, slots = "wait 不对不对 不是这个 是那个 W4776164，W6247578不要动", {"order_id": "#W4776164"}
    # (the model reads an order status; the correction is the cancel's)
    assert not starts_new_task(chat.context, "order_status", slots, True, said)
    assert continues_task(chat.context, "order_status", slots, said)
    moved = chat.say("cancel_order", said, **slots)
    assert "#W4776164" in moved and chat.dialogue.pending.args["order_id"] == "#W4776164"
    chat.say("cancel_order", "yes confirm cancel W4776164", order_id="#W4776164")
    assert chat.status("#W4776164") == "cancelled" and chat.status("#W6247578") == "pending"


def test_two_requests_joined_by_and_i_want_and_a_refund_method_stays_with_its_return():
    from agent.dialogue.parts import requests_in
    from agent.dialogue.several import set_apart
    assert requests_in("did my refund for the order I cancelled go through, and I want to cancel W4466964 too") \
        == ["did my refund for the order I cancelled go through", "I want to cancel W4466964 too"]
    said = "Fine, I'll return it. Just the tablet, refund to my gift card."
    part = {"text": "Just the tablet, refund to my gift card", "intent": "refund_status", "confidence": 0.9}
    assert set_apart("return_item", [part], said, 0.6) == ([], said)


def test_refunds_asked_for_orders_described_by_their_items():
    from agent.dialogue.meant import meant_intent
    asked = "I don't remember the numbers. The one with the bike and the one with the espresso machine. " \
            "How much is coming back on each?"
    assert meant_intent("product_info", {}, asked, {}) == "refund_status"


def test_two_products_side_by_side_then_which_is_cheaper_and_the_only_one_with_the_attribute(shop):
    """A newcomer's try: "what's the difference between…" listed one product's variants; "which one is
    cheaper" then got the recommender's unrelated picks."""
    from agent.dialogue.meant import meant_intent
    asked = "what's the difference between the electric kettle and the tea kettle?"
    assert meant_intent("recommend", {}, asked, {"task": {"intent": "recommend", "products": ["Backpack"]}}) \
        == "product_info"
    chat = Conversation(shop)
    both = chat.say("product_info", asked)
    assert "Electric Kettle" in both and "Tea Kettle" in both and "stovetop compatibility" in both
    assert "Tea Kettle" in chat.say("recommend", "which one is cheaper")
    chat = Conversation(shop, "zh")
    chat.say("product_info", "你们的无线耳机和headphones有什么区别")
    assert "续航时间: 4 hours" in chat.say("product_info", "哪个续航长一点")  # (the option named in Chinese)


def test_a_budget_after_a_need_narrows_the_need(shop):
    """The products for the same need, those within the budget (not a laptop a first answer may show)."""
    from agent.catalogue_search import products_for
    need = "my daughter starts college next month, what would she need for her dorm?"
    chat = Conversation(shop)
    assert any(n in chat.say("recommend", need) for n in products_for(need))
    narrowed = chat.say("recommend", "budget is about 300 total")
    shown = [n for n in chat.dialogue.task.products]
    assert shown and all(n in products_for(need) for n in shown) and all(n in narrowed for n in shown)
    assert "Laptop" not in narrowed and all(float(p) <= 330 for p in re.findall(r"\$(\d+\.\d+)", narrowed))


def test_a_budget_before_the_product_word_and_an_attribute_its_name_says(shop):
    """"３００以内的耳机有吗 无线的": the earbuds (the headphones cost more), wireless by their name."""
    from agent.dialogue.money import budget
    assert budget("300以内的耳机有吗 无线的") == 300 and budget("我有3个孩子") is None
    reply = Conversation(shop, "zh").say("product_info", "300以内的耳机有吗 无线的")
    assert "Wireless Earbuds" in reply and "226.49" in reply and "没有标注" not in reply


def test_an_option_no_longer_minded_is_dropped_from_an_attribute_question(shop):
    chat = Conversation(shop, "zh")
    chat.say("product_info", "有白色的无线耳机吗")
    assert "IPX7" in chat.say("product_info", "那有防水的吗 颜色无所谓了")


def test_a_return_dropped_for_a_question_about_another_order(shop):
    """A newcomer's try: "actually nvm keep it. when does the espresso machine one ship?" at the return's
    yes re-stated the return; the question is about their order, not the shipping rules."""
    from agent.dialogue.reading import after_no
    from agent.dialogue.meant import meant_intent
    from agent.dialogue.routing import drops_task
    said = "actually nvm keep it. when does the espresso machine one ship?"
    assert after_no(said) == "keep it. when does the espresso machine one ship?"
    assert meant_intent("shipping_policy", {}, after_no(said), {}) == "order_status"
    assert meant_intent("shipping_policy", {}, "when will the espresso machine arrive if I order today?", {}) \
        == "shipping_policy"
    chat = Conversation(shop)
    chat.say("return_item", f"i want to send back the vacuum {EMAIL}", email=EMAIL)
    assert chat.dialogue.pending is not None
    assert drops_task(chat.context, "order_status", {}, said, True)


def test_a_delivered_order_said_again_not_to_have_come_goes_to_a_person(shop):
    """A newcomer's try: "怎么显示签收了 我根本没收到" after the trace was offered got the same status again."""
    chat = Conversation(shop, "zh")
    first = chat.say("order_status", f"我的耳机还没到 邮箱{EMAIL}", email=EMAIL)
    assert "843053632392" in first and "转人工" in first
    result = run_flow("order_status", {"order_id": "#W2378156"}, "W2378156 怎么显示签收了 我根本没收到", "zh",
                      chat.context, shop, "req-x")
    assert result.handoff and result.facts["handoff_reason"] == "delivered, not received"


def test_one_new_address_for_two_orders_and_the_default_is_stated_once_and_made_on_one_yes(shop):
    chat = Conversation(shop)
    chat.say("modify_order", f"I moved. {EMAIL}", email=EMAIL)
    reply = chat.say("modify_order", "new address for only W6247578 and W4776164 please, and my default address too: "
                                     "210 East 68th Street, 14th Floor, New York, NY 10065")
    assert "#W6247578" in reply and "#W4776164" in reply and "14th Floor" in reply and "default" in reply
    assert chat.dialogue.pending.args["order_id"] == "#W6247578"
    chat.say("modify_order", "yes")
    for order_id in ("#W6247578", "#W4776164"):
        address = chat.shop.call("get_order_details", {"order_id": order_id})["address"]
        assert (address["address1"], address["address2"], address["zip"]) == ("210 East 68th Street", "14th Floor", "10065")
    profile = chat.shop.call("get_user_details", {"user_id": chat.dialogue.user_id})
    assert profile["address"]["zip"] == "10065"


def test_a_return_of_an_order_not_shipped_offers_to_cancel_it(shop):
    chat = Conversation(shop)
    reply = chat.say("return_item", f"I want to return order #W6247578, {EMAIL}", email=EMAIL, order_id="#W6247578")
    assert "cancel" in reply and chat.dialogue.task.intent == "cancel_order"
    assert "53.27" in chat.say("cancel_order", "yes please, I don't need it any more")
    chat.say("cancel_order", "yes")
    assert chat.status("#W6247578") == "cancelled"


def test_a_yes_again_once_the_change_is_made_has_nothing_left_to_confirm(shop):
    from agent.dialogue import confirms_what_is_done

    chat = Conversation(shop)
    chat.say("cancel_order", f"cancel #W6247578, ordered it by mistake, {EMAIL}", email=EMAIL, order_id="#W6247578")
    chat.say("cancel_order", "yes")
    assert chat.dialogue.done == "#W6247578"
    assert confirms_what_is_done(chat.context, {}, "对 那个order也确认 thanks")
    assert not confirms_what_is_done(chat.context, {}, "yes, and cancel #W4776164 too")
    assert not confirms_what_is_done(chat.context, {}, "where is my other order?")


def test_a_bag_that_holds_a_computer_asks_for_the_laptop_compartment():
    from agent.variants import option_words

    assert "laptop" in option_words("要一个大一点的背包 能装15寸电脑的").split()
    assert "laptop" not in option_words("13寸 i5 16G 笔记本电脑多少钱").split()


def test_the_variant_wished_over_several_messages_keeps_each_option_as_it_was_last_named(shop):
    from agent.variants import describes_current, variant_wished

    bottle = next(i for i in shop.call("get_order_details", {"order_id": "#W2941275"})["items"] if i["name"] == "Water Bottle")
    choices = [v for v in shop.call("get_product_details", {"product_id": bottle["product_id"]})["variants"].values()
               if v["available"] and v["item_id"] != bottle["item_id"]]
    wished = variant_wished(choices, bottle["options"], ["exchange my water bottle for a bigger one, 1000ml的",
                                                         "Stainless steel, red please"])
    assert wished["options"] == {**bottle["options"], "capacity": "1000ml", "color": "red"}
    # the item as the shopper has it is no wish: "the white 4-hour ones won't survive my commute"
    earbuds = next(i for i in shop.call("get_order_details", {"order_id": "#W6790887"})["items"]
                   if i["name"] == "Wireless Earbuds")
    others = list(shop.call("get_product_details", {"product_id": earbuds["product_id"]})["variants"].values())
    assert describes_current(others, earbuds["options"], "the white 4-hour ones won't survive my commute")
    assert not describes_current(others, earbuds["options"], "the blue ones with 8 hour battery")


def test_a_no_that_names_the_order_really_meant_moves_the_cancel_to_it(shop):
    chat = Conversation(shop)
    chat.say("cancel_order", "cancel order W9892465 please, I ordered it by mistake. ava.nguyen2868@example.com",
             order_id="#W9892465", email="ava.nguyen2868@example.com")
    reply = chat.say("cancel_order", "Oh no, wrong number. W9892465 is the smart watch and I'm keeping that. The one to "
                                     "cancel is W6272294. Same reason.", order_id="#W9892465")
    assert "#W6272294" in reply and chat.dialogue.pending.args["order_id"] == "#W6272294"
    chat.say("cancel_order", "Yes, that's right — cancel W6272294 only.", order_id="#W6272294")
    assert chat.status("#W6272294") == "cancelled" and chat.status("#W9892465") == "pending"


def test_a_yes_beside_another_product_kept_or_another_order_dropped_is_a_yes():
    assert products.without_others_kept("只换咖啡机，扫地机器人不用换。确认", ["Coffee Maker"]).strip(" ，。") != ""
    assert "不用换" not in products.without_others_kept("只换咖啡机，扫地机器人不用换。确认", ["Coffee Maker"])
    assert "不用换" in products.without_others_kept("咖啡机不用换了", ["Coffee Maker"])


def test_one_address_for_two_orders_of_which_one_has_shipped_goes_on_with_the_other(shop):
    chat = Conversation(shop, "zh")
    chat.say("modify_order", "我搬家了，想把两个订单的地址都改了：W8562406 和 W9869592", order_id="#W8562406")
    reply = chat.say("modify_order", "邮箱 sofia.kovacs4505@example.com", email="sofia.kovacs4505@example.com")
    assert "#W8562406" in reply and "新地址" in reply  # the shipped one said so, the other goes on
    reply = chat.say("modify_order", "新地址是 77 Walnut Street, Suite 1400, Philadelphia, PA 19103")
    assert "#W9869592" in reply and chat.dialogue.pending.args["order_id"] == "#W9869592"


def test_the_cheapest_of_each_of_two_products_and_a_gift_card_balance(shop):
    chat = Conversation(shop)
    reply = chat.say("recommend", "an electronic book reader or a tablet, what is the least expensive of each?")
    assert "E-Reader" in reply and "Tablet" in reply
    chat.say("account", "ava.silva8820@example.com", email="ava.silva8820@example.com")
    assert "62.00" in chat.say("account", "那我礼品卡现在还剩多少钱？")


def test_the_words_decide_the_request_the_model_reads_otherwise():
    from agent.dialogue.meant import meant_intent

    assert meant_intent("modify_order", {}, "I need to kill order W6729841 before it ships", {}) == "cancel_order"
    assert meant_intent("exchange_item", {}, "Refund to my mastercard please — the makeup kit's shade is all wrong",
                        {}) == "return_item"
    assert meant_intent("exchange_item", {}, "the shade is wrong, can I swap it for another one?", {}) == "exchange_item"
    assert meant_intent("greeting", {}, "Lovely. I shall think it over. Good day to you.", {}) == "thanks_bye"
    # what a product holds is not the product wanted
    assert [n for n, _ in products.products_in("想买个能装笔记本电脑的双肩包")] == ["Backpack"]
    assert [n for n, _ in products.products_in("a backpack that fits my 15 inch laptop")] == ["Backpack"]
    assert [n for n, _ in products.products_in("is the laptop in stock")] == ["Laptop"]


def test_two_orders_cancelled_on_one_yes_and_one_that_has_shipped_said_so(shop):
    chat = Conversation(shop)
    reply = chat.say("cancel_order", f"cancel W6247578 and W4776164 and W6679257, ordered them by mistake. {EMAIL}",
                     order_id="#W6247578", email=EMAIL)
    assert "#W6679257" in reply and "#W6247578" in reply and "#W4776164" in reply  # (the delivered one said so)
    assert chat.status("#W6247578") == chat.status("#W4776164") == "pending"
    reply = chat.say("cancel_order", "yes")
    assert chat.status("#W6247578") == chat.status("#W4776164") == "cancelled"
    assert chat.status("#W6679257") == "delivered" and "#W4776164" in reply


def test_two_items_changed_in_one_sentence_each_get_their_own_variant(shop):
    chat = Conversation(shop, "zh")
    reply = chat.say("modify_order", "您好，我是Sofia Hernandez，邮编78219。订单#W1090976还没发货，我想同时改两样东西："
                                     "智能手表换成黑色皮表带LCD屏的，台灯换成银色、中等亮度、USB供电的。", order_id="#W1090976")
    assert chat.dialogue.pending.args["new_item_ids"] == ["1007724142", "5370728469"], reply
    assert "+1.84" in reply
    assert products.items_meant(["Dumbbell Set", "Luggage Set"], "not the luggage, the dumbbells. I want urethane")[0][0] \
        == "Dumbbell Set"  # (a correction, not two things kept)


def test_an_item_added_to_a_return_waiting_for_its_yes_is_stated_with_it(shop):
    chat = Conversation(shop)
    chat.say("return_item", "Lucas Johnson here (lucas.johnson1683@example.com). I'd like to return the water bottle "
                            "from order W7016806.", email="lucas.johnson1683@example.com", order_id="#W7016806")
    reply = chat.say("return_item", "Actually, add the bookshelf too. Keep the espresso machine.")
    assert sorted(chat.dialogue.pending.items) == ["Bookshelf", "Water Bottle"] and "582.10" in reply
    chat.say("return_item", "I'm on my laptop now, still about that return")  # (named, not added)
    assert sorted(chat.dialogue.pending.items) == ["Bookshelf", "Water Bottle"]


def test_a_choice_corrected_in_the_same_message_and_the_card_named_last():
    from agent.dialogue.addresses import address_in
    from agent.dialogue.money import card_named, payment_source
    from agent.dialogue.reading import is_no, keeps_item

    assert address_in("公司地址：350 West 42nd Street，18楼，New York NY 10063……不对，邮编是10036，打错了。") == {
        "address1": "350 West 42nd Street", "address2": "Floor 18", "city": "New York", "state": "NY",
        "country": "USA", "zip": "10036"}
    assert address_in("新地址：1508 Mesquite Trail，Apt 12B，San Antonio, TX 78258，USA。")["address2"] == "Apt 12B"
    assert card_named("My Visa ending 8025 got flagged, so charge my Mastercard instead.") == "mastercard"
    assert card_named("Yes, the Mastercard ending 1639. Please switch it.") == "1639"
    assert payment_source("move it from the visa to my paypal") == "paypal" \
        and card_named("move it from the visa to my paypal") is None
    assert payment_source("退款能不能放到我的礼品卡里？不要退PayPal。") == "gift_card"
    assert not is_no("退款能不能放到我的礼品卡里？不要退PayPal。", "return")
    assert not keeps_item("oh no wait, I want it digital like the one I ordered")


def test_a_feature_question_leads_with_its_answer_and_a_thing_not_sold_is_said_beside_another(shop):
    chat = Conversation(shop)
    reply = chat.say("product_info", "do you sell drones? and how much is the cheapest laptop")
    assert reply.startswith("We don't sell drones.") and "Laptop" in reply
    assert chat.say("product_info", "is the bluetooth speaker waterproof?").startswith("Yes, some models have it.")
    assert products.asks_if_sold("你们有无人机吗") == "无人机" and products.asks_if_sold("有人吗") is None


def test_an_older_shoppers_words_for_cancel_and_return():
    from agent.dialogue.meant import meant_intent

    assert meant_intent("complaint", {}, "My grandson helped me order a little camera, but I have realised I shall not "
                                         "be needing it after all.", {}) == "cancel_order"
    assert meant_intent("return_policy", {}, "So I bought hiking boots for a trip that got cancelled and they're just "
                                             "sitting in the box. Can I return them?", {}) == "return_item"
    assert meant_intent("return_policy", {}, "can a jacket I wore once still be returned?", {}) == "return_policy"


def test_a_name_said_in_a_longer_message_is_kept_for_the_zip_that_follows(shop):
    from agent.dialogue.addresses import name_alone, names_with_zip

    assert name_alone("hi 我是Fatima Anderson 想改一下order的收货地址") == ("Fatima", "Anderson")
    assert name_alone("Hi, Fatima Anderson here.") == ("Fatima", "Anderson")
    assert name_alone("I'm Looking For a lamp") is None
    assert names_with_zip("hi, harper garcia here, zip 80242. i want to cancle my tablet order")[0] == \
        ("Harper", "Garcia", "80242")
    chat = Conversation(shop, "zh")
    chat.say("modify_order", "hi 我是Fatima Anderson 想改一下order的收货地址")
    chat.say("modify_order", "zip 78786")
    assert chat.dialogue.user_id == "fatima_anderson_7445"


def test_a_hold_to_ask_first_and_a_no_to_keeping_it_are_no_no():
    from agent.dialogue.reading import is_no, is_yes

    assert not is_no("等等 先别改 我问一下 改完地址以后这个订单还能取消吗", "modify")
    assert not is_no("Hmm, no, cancel it anyway. I ordered it by mistake.", "cancel")
    assert is_no("no, keep it", "cancel") and is_no("no", "cancel")
    assert is_yes("没有别的要换了 yes", "exchange")


def test_one_of_two_laptops_is_asked_for_and_a_correction_among_them_is_followed(shop):
    chat = Conversation(shop)
    reply = chat.say("return_item", "I need to return one of the laptops from order W8185761. mason.lopez2966@example.com",
                     email="mason.lopez2966@example.com", order_id="#W8185761")
    assert "13-inch" in reply and "17-inch" in reply and chat.dialogue.pending is None
    chat.say("return_item", "The 13-inch one, the space grey.")
    assert chat.dialogue.pending.args["item_ids"] == ["8997785118"]
    reply = chat.say("return_item", "Sorry, no. Not the 13-inch, the 17-inch silver one. The 13-inch stays.")
    assert chat.dialogue.pending.args["item_ids"] == ["3265035808"] and "2530.72" in reply


def test_one_of_an_item_ordered_twice_is_returned_once(shop):
    chat = Conversation(shop, "zh")
    chat.say("return_item", "邮箱aarav.anderson9752@example.com 上次买的那单两个玻璃水壶 我想退一个 订单W4316152",
             email="aarav.anderson9752@example.com", order_id="#W4316152")
    assert chat.dialogue.pending.args["item_ids"] == ["7292993796"]
    assert "94.80" in chat.say("return_item", "退回礼品卡 就退一个 另一个留着")


def test_a_cancel_moved_to_the_order_of_the_products_named_instead(shop):
    chat = Conversation(shop)
    chat.say("cancel_order", "hi, harper garcia here, zip 80242. i want to cancle my tablet order")
    chat.say("cancel_order", "actually wait, no. keep the tablet one. cancel the order with the luggage set and the "
                             "vacuum instead")
    reply = chat.say("cancel_order", "ordered by mistake")
    assert chat.dialogue.pending.args["order_id"] == "#W8360923", reply


def test_the_two_items_of_one_product_each_changed_their_own_way(shop):
    chat = Conversation(shop)
    chat.say("modify_order", "Hello, I want to change the two air purifiers on my pending order W9318778 before it ships. "
                             "lucas.martin5733@example.com", email="lucas.martin5733@example.com", order_id="#W9318778")
    chat.say("modify_order", "The small ionic one should become the small HEPA one with quiet operation. And the medium "
                             "HEPA quiet one should become the medium HEPA with night mode.")
    assert sorted(chat.dialogue.pending.args["item_ids"]) == ["3076708684", "5669664287"]
    # (two of one product, one of them meant: "one of them is the wrong size")
    chat = Conversation(shop)
    chat.say("modify_order", "hi, I ordered two cycling helmets and one of them is the wrong size, can I change it?")
    chat.say("modify_order", "emma.kovacs2974@example.com, order W9284598", email="emma.kovacs2974@example.com",
             order_id="#W9284598")
    chat.say("modify_order", "the white size S should be a size L, same white, same medium ventilation")
    assert len(chat.dialogue.pending.args["item_ids"]) == 1


def test_which_colours_are_in_stock_of_the_variant_asked_about(shop):
    chat = Conversation(shop)
    chat.say("product_info", "do you have the 1000ml stainless steel water bottle in blue?")
    reply = chat.say("product_info", "Blue is out? Which colours of that bottle are available then, and at what price?")
    assert "red" in reply and "49.51" in reply and "46.51" in reply


def test_checking_an_order_in_other_words_and_a_new_street_alone_is_no_address(shop):
    from agent.dialogue.meant import meant_intent

    assert meant_intent("return_item", {}, "我想查个订单 订单号忘了 只记得买的是个智能手表", {}) == "order_status"
    assert meant_intent("greeting", {}, "I ordered a little desk lamp for my granddaughter, and I wanted to see if "
                                        "it's on its way to me.", {}) == "order_status"
    chat = Conversation(shop)
    chat.say("account", "I want to change my default address. ethan.thomas7730@example.com",
             email="ethan.thomas7730@example.com")
    chat.say("account", "new one would be 77 Oak Street... actually wait")
    assert chat.dialogue.pending is None


def test_a_need_for_a_thing_not_sold_the_word_for_two_products_and_the_thickest(shop):
    chat = Conversation(shop)
    assert chat.say("product_info", "I need a tent for camping").startswith("We don't sell tent.")
    assert products.asks_if_sold("I need a gift for my dad") is None and products.asks_if_sold("I need a receipt") is None
    assert products.asks_if_sold("想买个便宜的") is None and products.asks_if_sold("想买个帐篷") == "帐篷"
    assert "Wireless Earbuds" in Conversation(shop, "zh").say("recommend", "我想买个适合跑步用的耳机，300以内")
    assert "6mm" in chat.say("recommend", "what about a yoga mat, which one is thickest")
    assert "battery" in chat.say("product_info", "which smartwatch has the longest battery life?") \
        and "length" not in chat.say("product_info", "which smartwatch has the longest battery life?")


def test_two_of_one_product_the_one_described_or_which_is_asked(shop):
    chat = Conversation(shop)
    chat.say("modify_order", "I need to change the laptop on my order before it ships. W9672333", order_id="#W9672333")
    asked = chat.say("modify_order", "Aarav Santos, zip 76134")
    assert "13-inch" in asked and "17-inch" in asked and chat.dialogue.pending is None  # two laptops: which?
    chat.say("exchange_item", "The 13-inch one, I want it in... wait no, not the 13-inch, the 17-inch. I want the "
                              "17-inch in silver instead of black.")
    assert chat.dialogue.pending.args["item_ids"] == ["1684786391"]  # the 17-inch black one, as it is now
    chat.say("modify_order", "Hmm, i9 but only 8GB RAM and 256GB. OK fine, I'll take it.")
    assert chat.dialogue.pending.args["item_ids"] == ["1684786391"]  # the new one's options: no other laptop


def test_a_second_item_change_joins_the_first_and_an_exchange_becomes_a_return(shop):
    chat = Conversation(shop, "zh")
    chat.say("modify_order", "订单W3913498想改两样东西 邮箱ivan.santos3158@example.com",
             email="ivan.santos3158@example.com", order_id="#W3913498")
    chat.say("exchange_item", "智能手表换成皮表带的，颜色还是黑色，屏幕LCD不变")
    chat.say("modify_order", "还有滑板，换成纯色（plain）的，长度31寸、塑料的都不变")
    assert sorted(chat.dialogue.pending.args["item_ids"]) == ["1706622510", "5038485381"]

    from agent.dialogue.routing import return_instead
    context = {"task": {"intent": "exchange_item", "order_id": "#W7273336", "item_ids": ["5796612084"]}}
    carried = return_instead(context, "return_item", "算了还是直接退了吧 不换了 钱退回PayPal")
    assert carried["intent"] == "return_item" and carried["item_ids"] == ["5796612084"]
    assert return_instead(context, "return_item", "退货要多久") is None


def test_a_reason_in_other_words_and_a_yes_that_says_the_card_again(shop):
    from agent.dialogue import reading

    assert reading.cancel_reason("He doesn't need it anymore, his dad already bought him the same stuff") \
        == "no longer needed"
    chat = Conversation(shop, "zh")
    chat.say("modify_order", "我的order W8327915 想换payment method, 改用credit card", order_id="#W8327915")
    chat.say("modify_order", "ava.lopez3569@example.com", email="ava.lopez3569@example.com")
    assert chat.status("#W8327915") == "pending"
    chat.say("modify_order", "对 就是那张Mastercard 尾号9677, yes 改吧")  # an explicit yes, the card said again
    assert chat.dialogue.pending is None
    # ("对 …取消吧 不需要了", the order described again: no explicit yes; stated once more)
    assert products.adds_details("对 就是那个有手机和两个茶壶的单 取消吧 不需要了",
                                 {"order_id": "#W1", "reason": "no longer needed"}, [])


def test_two_variants_side_by_side_budgets_in_words_and_cheaper_than_the_one_shown(shop):
    zh = Conversation(shop, "zh")
    reply = zh.say("product_info", "大号灰色的宠物床 记忆棉的和涤纶的 价格差多少")
    assert "195.11" in reply and "184.25" in reply
    reply = zh.say("product_info", "哑铃 30到50磅 铁的 固定的和可调的 差多少钱")
    assert "534.14" in reply and "522.03" in reply
    reply = zh.say("product_info", "拼图 ２０００片动物主题中级的 和 １５００片动物中级的 哪个便宜")
    assert "46.19" in reply and "46.00" in reply
    en = Conversation(shop)
    reply = en.say("product_info", "portable gas grill vs portable charcoal grill, the basic ones with no extra features")
    assert "1057.24" in reply and "924.50" in reply
    assert "2127.62" in en.say("price_promo", "whats the priciest watch u got")
    reply = en.say("price_promo", "any headphones under $350?")
    assert "344.55" in reply and "346.97" in reply and "377.97" not in reply
    en.say("product_info", "price on the red waterproof speaker with 10 hour battery?")
    reply = en.say("product_info", "anything waterproof that's cheaper?")
    assert "285.94" in reply and "321.18" not in reply
    from agent.dialogue import money
    assert money.budget("炉子上烧水用的壶 一百以内的有哪些") == 100 and money.budget("两百五左右") == 250


def test_needs_in_shoppers_words_and_things_we_do_not_sell(shop):
    from agent.catalogue_search import products_for

    assert products_for("上班的时候家里没人 想随时看看家里什么情况 有这种东西吗")[0] == "Indoor Security Camera"
    assert products_for("my wife keeps saying the bedroom is too dark to read in at night")[0] == "Desk Lamp"
    zh = Conversation(shop, "zh")
    assert "E-Reader" in zh.say("recommend", "我想买个能看电子书的东西 眼睛不太好 看手机太累 不要手机那种")
    assert products.asks_if_sold("有帐篷吗 周末去露营") == "帐篷" and products.asks_if_sold("有大号吗") is None
    assert products.asks_if_sold("我在考虑买个无人机送我儿子，你们有吗") == "无人机"


def test_a_change_stated_still_waits_when_another_order_asked_too_is_refused(shop):
    chat = Conversation(shop)
    chat.say("cancel_order", f"cancel #W6247578 ordered by mistake {EMAIL}", email=EMAIL, order_id="#W6247578")
    reply = chat.say("cancel_order", "and cancel #W6679257 too!!", order_id="#W6679257")  # delivered: refused
    assert "#W6679257" in reply and "#W6247578" in reply and chat.status("#W6679257") == "delivered"
    chat.say("cancel_order", "fine. cancel the first one W6247578 then, yes", order_id="#W6247578")
    assert chat.status("#W6247578") == "cancelled"


def test_the_order_just_talked_about_answers_what_was_bought_paid_and_where_it_goes(shop):
    from agent.dialogue.meant import meant_intent

    chat = Conversation(shop)
    chat.say("order_status", "order W5257743, sofia.ito3877@example.com", email="sofia.ito3877@example.com",
             order_id="#W5257743")
    assert "i7" in chat.say("order_status", "what were the specs again? I forgot which processor I picked")
    context = {"user_id": "u", "slots": {"order_id": "#W5257743"}, "last_intent": "refund_status"}
    assert meant_intent("recommend", {}, "what were the specs again? which processor I picked", context) == "order_status"
    assert meant_intent("return_policy", {}, "是全额退的吗? 包括那个espresso machine?", context) == "refund_status"
    zh = Conversation(shop, "zh")
    reply = zh.say("order_status", "order W2002172 到哪了 那单总共付了多少 juan.kim2574@example.com",
                   email="juan.kim2574@example.com", order_id="#W2002172")
    assert "1011.24" in reply
    assert "538 Spruce Street" in zh.say("order_status", "ok 所以是送到spruce street那个地址了对吧?")


def test_corrections_and_keeping_things_as_they_are(shop):
    from agent.dialogue import reading
    from agent.dialogue.addresses import address_in

    assert address_in("1070 W Washington St, 3rd Floor, Phoenix AZ 85007 —— 啊不对 门牌是1700 不是1070")["address1"] \
        == "1700 W Washington St"
    assert address_in("455 Market Street, Floor 3, San Francisco, CA 94105 sorry zip 94103 not 94105")["address1"] \
        == "455 Market Street"
    assert reading.KEEP_AS_IS.search("新地址是…等一下，那先不改了，还是保持原来的吧")
    chat = Conversation(shop, "zh")
    chat.say("return_item", "订单W5254379 我要退空气净化器和茶壶", order_id="#W5254379")
    chat.say("return_item", "Mia Smith 80246")
    reply = chat.say("return_item", "等等 茶壶还是留着吧 只退空气净化器 钱退回原来付款的方式")
    assert "504.19" in reply and "100.62" not in reply and chat.dialogue.pending  # fewer items, not a no
    chat.say("return_item", "是的 确认只退净化器")
    assert chat.status("#W5254379") == "return requested"


def test_typos_negations_and_alternatives_when_the_one_asked_for_is_gone(shop):
    from agent.catalogue_words import spelled

    assert spelled("cheapest wirless gaming mosue?") == "cheapest wireless gaming mouse?"
    assert spelled("my house is big, mia.smth@example.com") == "my house is big, mia.smth@example.com"
    zh = Conversation(shop, "zh")
    assert "1822.82" in zh.say("price_promo", "最便宜的腕表多少钱？要传统的那种手表，不要智能手表")
    reply = zh.say("product_info", "那个 Bluetooth Speaker 黑色, 20 hours battery, 防水的, 还有吗? 没有的话其他颜色同款多少钱")
    assert "285.94" in reply and "302.67" in reply
    en = Conversation(shop)
    reply = en.say("product_info", "Two bookshelves I'm deciding between: the white wood one that's 5 ft, and the brown "
                                   "metal one that's 6 ft. How much is each?")
    assert "451.01" in reply and "471.77" in reply
    assert "Action Camera" in en.say("recommend", "My nephew is into photography. What could I get him for under $600?")


def test_the_cheapest_of_each_a_budget_only_sold_out_fits_and_options_no_longer_insisted_on(shop):
    en, zh = Conversation(shop), Conversation(shop, "zh")
    reply = en.say("recommend", "mesh office chair vs leather, which is cheaper? just the cheapest of each")
    assert "471.82" in reply and "487.67" in reply
    reply = zh.say("price_promo", "Sunglasses polarized 和 non-polarized 的，最便宜的各多少？")
    assert "281.48" in reply and "281.98" in reply
    reply = en.say("price_promo", "any headphones under $344? wireless preferably")
    assert "344.55" in reply and "330.08" not in reply  # (the ones under $344 are sold out: the nearest above)
    assert "219.43" in en.say("recommend", "What's the most expensive backpack you have, and is it leather?")
    assert "1822.82" in zh.say("price_promo", "手表最便宜的多少钱？要金属表带的")  # (the smart watches' are sold out)
    assert "28.59" in zh.say("product_info", "笔记本（纸的那种，不是电脑）有A6的吗？没有的话A5也行，多少钱")
    reply = zh.say("product_info", "充电宝两万毫安的 typec口的跟无线的 价钱差多少啊")
    assert "98.25" in reply and "102.07" in reply
    assert "32GB" in zh.say("recommend", "平板有哪几种容量可以选？")
    mouse = Conversation(shop)
    mouse.say("recommend", "need a gaming mouse, wireless")
    assert "137.22" in mouse.say("product_info", "any cheaper? doesnt have to be wireless tbh")
    from agent.dialogue.variant_answers import still_minded
    assert still_minded({"connectivity": ["wireless"], "color": ["white"]}, "不一定要无线的 便宜点就行") == {"color": ["white"]}
    kettle = Conversation(shop)
    kettle.say("product_info", "the electric kettle, glass")
    assert "159.78" in kettle.say("product_info", "whats the biggest one of those")


def test_only_these_two_a_unit_number_corrected_and_a_product_of_theirs_is_no_question(shop):
    from agent.dialogue import addresses
    from agent.dialogue.products import items_meant, only_theirs

    said = "对，就是跟自行车一起买的那一单。自行车不退，只退书架和拼图，钱退到礼品卡"
    assert [n for n, _ in items_meant(["Bicycle", "Bookshelf", "Jigsaw Puzzle"], said)] == ["Bookshelf", "Jigsaw Puzzle"]
    assert [n for n, _ in items_meant(["Desk Lamp", "Electric Kettle"], "only the lamp, and the kettle stays")] \
        == ["Desk Lamp"]
    stated = {"address1": "2150 Park Street", "address2": "Unit 5", "city": "Jacksonville", "state": "FL",
              "country": "USA", "zip": "32204"}
    assert addresses.corrected_address("wait sorry 打错了, unit是15 不是5", stated)["address2"] == "Unit 15"
    assert only_theirs("i need a light for my desk, my laptop is the only thing near it") == {"Laptop"}
    assert only_theirs("my laptop is slow, I want a new laptop") == set()


def test_a_discount_for_a_kind_of_shopper_is_said_to_be_none_before_the_offers(shop):
    assert Conversation(shop).say("price_promo", "do you have a student discount?").startswith("We have no student discount.")
    assert Conversation(shop, "zh").say("price_promo", "有没有首单优惠").startswith("我们没有首单专属优惠。")
    assert "没有" not in Conversation(shop, "zh").say("price_promo", "会员生日有优惠吗")  # (the membership has a coupon)
    assert Conversation(shop).say("price_promo", "are your prices negotiable for 20 units?").startswith("We have no bulk")


def test_one_size_up_a_bigger_bottle_or_a_thicker_mat_steps_from_what_was_asked(shop):
    bed = Conversation(shop, "zh")
    bed.say("product_info", "宠物床 中号 米色的多少钱")
    reply = bed.say("product_info", "大一号的呢")
    assert "180.93" in reply and "195.26" not in reply  # large and beige, not the medium shown before
    perfume = Conversation(shop, "zh")
    perfume.say("product_info", "香水男士的有哪些 多少钱")
    reply = perfume.say("product_info", "大瓶的呢")
    assert "312.04" in reply and "328.25" in reply and "298.52" not in reply  # men's 100 ml
    mat = Conversation(shop, "zh")
    mat.say("product_info", "瑜伽垫 粉色的还有没有 多少钱")
    reply = mat.say("product_info", "那厚一点的呢 六毫米的粉色有没有")
    assert "105.68" in reply  # 6 mm pink is sold out: the 6 mm one in stock, not the 5 mm pink shown before


def test_option_words_in_chinese_numbers_hyphens_and_an_option_wanted_in_any_value():
    from agent.variants import named_options, option_words
    assert "6mm" in option_words("六毫米的粉色") and "13-inch" in option_words("十三寸的")
    assert "1 cup" in option_words("一杯份的有哪几款") and "1 cup" not in option_words("早上就喝一杯")
    cups = [{"options": {"capacity": "4 cups", "type": "espresso"}}, {"options": {"capacity": "2 cups", "type": "drip"}}]
    assert named_options(cups, "the 4-cup espresso one")["capacity"] == {"4 cups"}
    boards = [{"options": {"backlight": b}} for b in ("RGB", "white", "none")]
    assert named_options(boards, "不要太吵的 有背光最好") == {"backlight": {"rgb", "white"}}
    assert "clicky" not in option_words("clicky的就算了 有背光最好")


def test_a_follow_up_naming_the_products_options_is_about_it_whatever_else_it_says():
    from agent.dialogue import money
    from agent.dialogue.routing import asks_about_product, drops_task
    from agent.dialogue.several import _only_asks
    chair = {"product": "Office Chair", "last_intent": "product_info"}
    assert asks_about_product(chair, "有high-back的吗 my back hurts")
    assert asks_about_product({"product": "Pet Bed"}, "大一号的呢")
    keyboard = {"product": "Mechanical Keyboard", "task": {"intent": "recommend", "product": "Mechanical Keyboard"}}
    assert not drops_task(keyboard, "recommend", {}, "不要太吵的 clicky的就算了 有背光最好", False)
    assert money.payment_source("Sorry, I meant the 5x zoom versions. Still SD card.") is None
    assert money.payment_source("pay by card") == "credit_card"
    assert not _only_asks("order_status", "recommend", "my sister just got a puppy")  # the need, no order asked after
    from agent.dialogue.meant import meant_intent
    gift = "I've got about $100 to spend on a birthday present for my mum, she's mad about her garden. Anything?"
    assert meant_intent("price_promo", {}, gift, {}) == "recommend"
    assert meant_intent("recommend", {}, "送男朋友生日礼物 在智能手表和普通手表之间纠结 价格大概差多少", {}) == "product_info"


def test_words_for_products_a_mistyped_plural_spaced_capitals_and_a_colour_of_ours(shop):
    from agent.catalogue_words import spelled
    from agent.shopper_text import canonical
    assert spelled("the clicky and tactile keybaords") == "the clicky and tactile keyboards"
    assert "AMOLED" in canonical("A M O L E D屏的跟LCD屏的")
    assert products.asks_if_sold("Do you have a silver set in any size?") is None  # the Luggage Set, in silver
    assert products.asks_if_sold("do you sell tents?") == "tents"
    board = Conversation(shop, "zh").say("recommend", "想买个keyboard 主要写code用 budget 250左右 有推荐吗")
    assert "LAPTOP-DESK12" not in board  # (12% off a keyboard bought with a laptop is no offer for a keyboard alone)
    assert "PHONE-POWER15" in Conversation(shop, "zh").say("price_promo", "这款手机有优惠吗")


def test_a_budget_no_variant_of_the_product_meets_lists_its_kin_within_it_or_says_its_cheapest(shop):
    from agent.dialogue.meant import meant_intent
    assert meant_intent("payment_issue", {}, "cameras under $600?", {}) == "recommend"
    assert meant_intent("price_promo", {}, "这款手机500以内有优惠吗", {}) == "price_promo"  # (the offers asked)
    reply = Conversation(shop).say("recommend", "cameras under $600?")
    assert "Action Camera" in reply and "Indoor Security Camera" in reply and "Digital Camera" not in reply
    reply = Conversation(shop, "zh").say("recommend", "有没有一百块以内的台灯给孩子写作业用的")
    assert "135.24" in reply and "Jigsaw Puzzle" not in reply  # no lamp within: the cheapest lamp, said to be above


def test_a_question_about_our_products_with_nothing_of_theirs_is_no_order_request(shop):
    from agent.dialogue import reading
    from agent.dialogue.meant import meant_intent
    lamp = "Is there a desk lamp that runs on batteries? I want it in my reading nook where there's no outlet."
    assert meant_intent("order_status", {}, lamp, {}) == "product_info"
    boots = "我爸退休以后天天去爬山，下个月他生日，想送双登山鞋。他平时穿42码，要防水的，预算250刀左右，有合适的吗"
    assert meant_intent("return_item", {}, boots, {}) == "recommend"
    assert meant_intent("return_item", {}, "I want to return the desk lamp, is that ok?", {}) == "return_item"
    assert meant_intent("exchange_item", {}, "我买的登山鞋小了 能换大一码吗", {}) == "exchange_item"
    angry = "问了半天没人回！！有线的黑色游戏鼠标 光电的跟激光的到底差多少钱 再不回我就去别家买了"
    assert meant_intent("complaint", {}, angry, {}) == "product_info"
    assert "137.32" in Conversation(shop, "zh").say("product_info", angry)
    assert products.asks_whether_sold("u have gopros?")
    assert products.asks_if_sold("你们卖电视吗") == "电视" and not products.asks_whether_sold("你们卖的耳机坏了")
    assert not reading.owns("My mom reads like 3 books a week") and reading.owns("my order never came")


def test_sets_shoe_sizes_and_sizes_in_words_a_correction_of_one_option_and_a_gift_within_a_budget(shop):
    from agent.variants import option_words
    assert "3-piece" in option_words("黑色的三件套呢") and "10码" in option_words("美码十码")
    assert "pink" in option_words("粉红色的有吗") and "大一码" in option_words("大一码的呢")
    assert "219.88" in Conversation(shop).say("product_info", "do you have the blue bike helmet in medium?")  # size M
    laptop = Conversation(shop, "zh")
    laptop.say("product_info", "13寸的笔记本电脑 i7 黑色的 多少钱")
    assert "2459.74" in laptop.say("product_info", "哦不对 我说错了 是15寸的 不是13")  # 15-inch, still i7 and black
    reply = Conversation(shop, "zh").say("product_info", "电热水壶有没有两升的 我不要塑料的 塑料的烧水有味道 多少钱")
    assert "159.78" in reply and "plastic" not in reply
    reply = Conversation(shop).say("recommend", "I have $50 for a secret santa gift at work. What can I buy for that?")
    assert re.findall(r"\$(\d+\.\d\d)", reply) and all(float(p) <= 50 for p in re.findall(r"\$(\d+\.\d\d)", reply))


def test_amounts_in_chinese_and_the_words_of_an_order_of_theirs():
    from agent.dialogue import money
    from agent.dialogue.meant import meant_intent
    assert money.budget("预算大概两百五十美金左右") == 250 and money.budget("一百五十块以内") == 150
    assert money.budget("预算一千二") == 1200 and money.budget("两千五百美元以内") == 2500
    assert meant_intent("price_promo", {}, "Tablet有discount吗", {}) == "price_promo"  # the offers asked
    assert meant_intent("exchange_item", {}, "头盔买小了，能换大一号吗", {}) == "exchange_item"  # theirs, to exchange
    # (English words inside Chinese have no \b: "我那个laptop的order" is their order)
    assert meant_intent("order_status", {}, "hi 帮我check一下我那个laptop的order，现在什么status？", {}) == "order_status"


def test_a_better_one_wanted_one_product_set_side_by_side_another_colour_and_a_use_that_tells_a_word_apart(shop):
    from agent.dialogue.meant import meant_intent
    chair = "客厅那把旧椅子坐着腰疼 想换把好一点的办公椅 高靠背的"
    assert meant_intent("exchange_item", {}, chair, {}) == "recommend"  # nothing of ours bought: a new one wanted
    assert meant_intent("exchange_item", {}, "我买的耳机坏了 想换个新的", {}) == "exchange_item"
    assert meant_intent("out_of_scope", {}, "想在家锻炼一下 预算500以内", {}) == "recommend"
    assert meant_intent("thanks_bye", {}, "got dumbbells?", {}) == "product_info"
    assert meant_intent("recommend", {}, "gas grill or charcoal grill, which costs less? large if possible", {}) == "product_info"
    reply = Conversation(shop).say("product_info", "gas grill or charcoal grill, which costs less? large if possible")
    assert "gas" in reply and "charcoal" in reply  # (no large charcoal grill: the charcoal one closest)
    luggage = Conversation(shop)
    luggage.say("product_info", "how much is the blue 4-piece luggage set?")
    reply = luggage.say("product_info", "and another colour?")
    assert "blue" not in reply and "452.62" in reply
    assert "hardshell" in luggage.say("product_info", "is that one hard or soft?")
    kettles = Conversation(shop, "zh").say("product_info", "电热水壶和煤气灶上用的水壶哪个便宜")
    assert "Electric Kettle" in kettles and "Tea Kettle" in kettles and "Water Bottle" not in kettles
    reply = Conversation(shop).say("recommend", "my son reads novels all day, I want something so he doesn't have to "
                                                "lug a suitcase of books to college")
    assert "E-Reader" in reply and "Luggage Set" not in reply
    reply = Conversation(shop).say("recommend", "I'm a bit lost with gadgets. Something for my dad, he reads a lot of books")
    assert all(reply.index("E-Reader") < reply.index(n) for n in ("Action Camera", "Smart Watch") if n in reply)  # (once)


def test_a_product_by_an_option_only_it_has_a_question_in_a_not_a_form_and_the_end_of_each_product_a_word_means(shop):
    from agent.dialogue import reading
    from agent.dialogue.meant import meant_intent
    from agent.variants import owner_of_options
    assert owner_of_options("anything that works with google assistant?") == "Smart Thermostat"
    assert owner_of_options("头戴的和入耳的哪个贵") == "Headphones" and owner_of_options("black please") is None
    reply = Conversation(shop).say("product_info", "do you carry anything that works with Apple HomeKit?")
    assert "Smart Thermostat" in reply and "Apple HomeKit" in reply
    assert reading.QUESTION.search("这个贵不贵") and not reading.QUESTION.search("不不不")
    assert meant_intent("complaint", {}, "瑜伽垫防不防滑 上次那个老打滑", {}) == "product_info"
    assert not reading.owns("my twins both need helmets") and not reading.owns("need the specs before i order 50")
    ends = Conversation(shop, "zh").say("recommend", "最便宜的笔记本多少钱")
    assert "Laptop" in ends and "Notebook" in ends  # (a laptop or a paper notebook: the cheapest of each)
    chair = Conversation(shop).say("recommend", "need an office chair with a tall backrest, no leather please")
    assert "high-back" in chair and "leather" not in chair
    assert "237.48" in Conversation(shop).say("recommend", "a 'clicky' keyboard for my nephew, around $240?")
    bikes = Conversation(shop).say("product_info", "do you sell exercise bikes? if not, what have you got for working out at home?")
    assert "Bicycle" not in bikes and "Dumbbell Set" in bikes


def test_tried_as_a_newcomer_a_gift_for_a_gardener_within_a_budget_and_a_compatibility_not_listed(shop):
    reply = Conversation(shop, "zh").say("recommend", "想给我妈买个生日礼物 她平时爱养花 预算两百块左右")
    assert "Garden Hose" in reply and "Skateboard" not in reply
    reply = Conversation(shop).say("product_info", "does the smart watch work with android phones?")
    assert "does not list the compatibility" in reply
    assert "Notebook" in Conversation(shop).say("recommend", "what's the cheapest thing you sell, anything at all?")
    assert "3289.46" in Conversation(shop, "zh").say("price_promo", "店里最贵的是什么")
    both = Conversation(shop, "zh").say("product_info", "耳机和头戴的有什么不同")  # earbuds beside over-ear headphones
    assert "Wireless Earbuds" in both and "Headphones" in both
    assert "Running Shoes" in Conversation(shop).say("product_info", "I run marathons, need new shoes in size 10, black?")
    assert "Jigsaw Puzzle" in Conversation(shop, "zh").say("recommend", "有没有适合小朋友玩的 六岁")


def test_a_budget_means_a_purchase_a_value_by_its_first_word_a_kin_product_by_its_options_and_values_sold_out(shop):
    from agent.dialogue import money
    from agent.dialogue.meant import meant_intent
    from agent.variants import named_options
    assert money.budget("三百出头吧") == 300
    assert meant_intent("exchange_item", {}, "想给我爸换个游戏鼠标 两百以内", {}) == "recommend"  # a new one, a budget
    assert meant_intent("exchange_item", {}, "my old boots are worn out, need new hiking boots under 250", {}) == "recommend"
    assert meant_intent("exchange_item", {}, "我买的鼠标想换成两百以内的", {}) == "exchange_item"  # theirs, bought
    kettles = [{"options": {"material": m}} for m in ("stainless steel", "glass")]
    assert named_options(kettles, "the stainless one or the glass one") == {"material": {"stainless steel", "glass"}}
    assert "Action Camera" in Conversation(shop).say("recommend", "a waterproof camera for diving trips?")
    assert "rose gold" in Conversation(shop).say("product_info", "which colours is the smartphone made in?")  # (sold out)
    assert "Laptop" in Conversation(shop, "zh").say("recommend", "13寸i5 8G的 跟 15寸i7 16G的 哪个便宜")  # no product named
    bed = Conversation(shop, "zh").say("product_info", "中号的宠物床 记忆棉的跟聚酯纤维的分别多少钱")
    assert "memory foam" in bed and "polyester" in bed
    vacuum = Conversation(shop, "zh").say("recommend", "之前在别家买的吸尘器不好用 想要个吸猫毛的 扫地机器人就算了")
    assert "Vacuum Cleaner" in vacuum and "robotic" not in vacuum
    speaker = Conversation(shop).say("product_info", "a bluetooth speaker that survives splashes, any colour except blue?")
    assert "water resistance" in speaker and "blue" not in speaker
    after_keyboards = {"product": "Mechanical Keyboard", "last_intent": "product_info"}
    assert meant_intent("exchange_item", {}, "要不带背光的", after_keyboards) == "product_info"  # narrowed, no exchange
    assert meant_intent("thanks_bye", {}, "要通风好的那个", {"product": "Cycling Helmet", "last_intent": "product_info"}) \
        == "product_info"


def test_a_quality_the_catalogue_does_not_list_is_said_to_be_unlisted_not_guessed(shop):
    from agent.dialogue.product_facts import asks_unlisted_quality
    assert "does not say" in Conversation(shop).say("product_info", "is the coffee maker easy to descale?")
    assert "没有写到" in Conversation(shop, "zh").say("product_info", "这个书架结不结实")
    for text in ("do you sell grills?", "is the grill in stock?", "does the grill come in blue?", "在吗 我的相机到哪了",
                 "有烧烤架吗", "is the grill cheaper in black?", "户外遮阳伞能自动倾斜吗"):
        assert not asks_unlisted_quality(text), text  # sold, stock, options, an order: answered from what there is


def test_a_parcel_not_received_is_heard_before_identity_is_asked(shop):
    reply = Conversation(shop).say("order_status", "tracking says it was delivered yesterday but nothing came")
    assert reply.startswith("I'm sorry your parcel") and "e-mail address" in reply


def test_a_shopper_correcting_themselves_an_amount_in_words_and_the_nearest_in_stock_along_a_size(shop):
    from agent.dialogue import money
    from agent.dialogue.meant import meant_intent
    from agent.shopper_text import canonical
    assert money.budget("预算500左右……啊不对，老婆说最多480") == 480  # the amount after the correction
    assert canonical("nothing over fifty bucks") == "nothing over 50 bucks"
    assert canonical("under a hundred, one fifty dollars tops") == "under 100, 150 dollars tops"
    assert canonical("one of the two hundred pieces") == "one of the two hundred pieces"  # no money: as written
    tablet = Conversation(shop).say("product_info", "the 8-inch tablet in gold with 128GB... no sorry, scratch that, "
                                                     "I mean the 7-inch one. Gold, 128GB.")
    assert "7-inch" in tablet and "8-inch" not in tablet
    assert meant_intent("price_promo", {}, "想在家练练力量，预算500左右……啊不对，最多480，有啥能买的", {}) == "recommend"
    assert meant_intent("exchange_item", {}, "玫瑰金的手机128G的有吗 想换个新手机", {}) in ("product_info", "recommend")
    # hiking boots in size 10, leather, waterproof are sold out: size 9 is nearer than size 12
    boots = Conversation(shop, "zh").say("product_info", "登山鞋10码防水真皮的有货吗")
    assert "9, leather, waterproof" in boots and "12, leather" not in boots


def test_the_cheaper_of_those_shown_two_sides_each_with_its_own_product_and_have_it_or_not(shop):
    chat = Conversation(shop, "zh")
    chat.say("product_info", "电热水壶1.5升的有哪几款")
    chat.say("product_info", "要白色的")
    assert "143.72" in chat.say("product_info", "就便宜的那个吧 多少钱来着")
    kettles = Conversation(shop, "zh").say("product_info", "插电的烧水壶和放煤气灶上烧的那种水壶有啥区别 哪个便宜")
    assert "Electric Kettle" in kettles and "Tea Kettle" in kettles
    coffee = Conversation(shop, "zh").say("product_info", "意式咖啡机和普通咖啡机差在哪？价格差多少？")
    assert "Espresso Machine" in coffee and "Coffee Maker" in coffee
    coffee = Conversation(shop, "zh").say("product_info", "这个咖啡机和意式咖啡机有什么区别")  # (what 意式 adds)
    assert "Espresso Machine" in coffee and "Coffee Maker" in coffee
    bags = Conversation(shop, "zh").say("product_info", "背包：黑色大号尼龙相机款 和 灰色大号尼龙水袋款，价格各多少？")
    assert "198.00" in bags and "200.48" in bags and "Digital Camera" not in bags  # a camera compartment
    assert "Vacuum Cleaner" in Conversation(shop, "zh").say("product_info", "有扫地机器人没 宿舍懒得扫地了")
    assert "191.21" in Conversation(shop).say("recommend", "just got a puppy, 中型犬, what bed should I get him?")


def test_a_step_brighter_a_product_told_by_its_set_apart_word_options_in_chinese_and_a_new_purchase_this_time(shop):
    from agent.dialogue.meant import meant_intent
    from agent.dialogue.products import unwanted
    lamp = Conversation(shop)
    lamp.say("recommend", "a desk lamp for my son, any battery powered ones?")
    brighter = lamp.say("product_info", "low brightness 会不会太暗 for homework? is there a brighter one, still battery")
    assert "medium" in brighter and "low, battery is in stock" not in brighter  # none brighter on batteries: the nearest
    assert "Smart Watch" in unwanted("想送块手表。不要智能的那种，就是传统戴的表")
    phones = Conversation(shop, "zh").say("product_info", "黑色手机128g的 4g运存和8g运存差多少钱啊")
    assert "4GB" in phones and "8GB" in phones  # memory, not a 4G network
    grills = Conversation(shop, "zh").say("product_info", "烧烤炉便携的那种烧燃气的和烧炭的各多少钱哪个便宜")
    assert "charcoal" in grills and "gas" in grills
    assert "woody, 50ml, women" in Conversation(shop, "zh").say("product_info", "木质调的女香，50ml那瓶还有货吗？")
    assert "4 ft" in Conversation(shop, "zh").say("product_info", "白色的书架有几种高度？")  # every height, not three lines
    assert meant_intent("exchange_item", {}, "上次买的M根本穿不下 这次要XL 紫色的T恤有没有", {}) == "product_info"
    assert meant_intent("product_info", {}, "上次买的M根本穿不下 这次要XL 紫色的T恤有没有", {}) == "product_info"
    assert meant_intent("order_status", {}, "帮我看下 pet bed, 我家狗狗 medium size 的", {}) == "product_info"
    assert meant_intent("order_status", {}, "my pet bed order, the medium one, where is it?", {}) == "order_status"
    assert "Wall Clock" in Conversation(shop).say("product_info", "do you sell clocks that hang on the wall?")
    assert "don't sell alarm clocks" in Conversation(shop).say("product_info", "do you sell alarm clocks?")
    beds = Conversation(shop, "zh").say("recommend", "两百块以内的宠物床有哪些？要大号的")
    assert beds.index("180.93") < beds.index("184.25")  # within the budget, cheapest first
    assert meant_intent("price_promo", {}, "i need something to keep my phone charged while camping, budget around "
                                           "100 dollars", {}) == "recommend"  # their phone, our charger
    assert meant_intent("complaint", {}, "ok what about for my dad, he's 70 and his eyes are bad", {}) == "recommend"
    assert meant_intent("complaint", {}, "why is your e-reader so bad for my dad?", {}) == "complaint"  # one of ours


def test_a_size_in_words_a_homophone_slip_a_named_product_above_budget_those_two_and_a_need_asked_as_do_you_carry(shop):
    from agent.catalogue_search import products_for
    from agent.catalogue_words import homophones
    from agent.dialogue.meant import meant_intent
    from agent.shopper_text import canonical
    assert "XXL" in canonical("i need a double x l in black") and canonical("extra large") == "extra large"
    assert homophones("有蓝牙因箱吗") == "有蓝牙音箱吗" and homophones("那个只能手表") == "那个智能手表"
    assert homophones("有现货吗") == "有现货吗" and homophones("没有想象中好") == "没有想象中好"  # two characters: words
    assert homophones("笔记本电脑保修多久") == "笔记本电脑保修多久"  # (保修 is a word: no 电脑包 in it)
    assert homophones("宿舍只有个电磁路 想烧开水") == "宿舍只有个电磁炉 想烧开水"  # (a slip at the end of a run)
    assert products_for("my dad just started biking to work")[0] == "Cycling Helmet"  # "biking": bike
    shirts = Conversation(shop).say("product_info",
                                    canonical("what sizes do the t shirts come in i need a double x l in black"))
    assert "49.52" in shirts and "53.27" in shirts
    camera = Conversation(shop).say("recommend", "digital camera under 2500?")  # the one named, above it
    assert "2714.51" in camera and "Action Camera" not in camera
    bags = Conversation(shop, "zh").say("product_info", "那个双肩包灰色大号带水袋的跟黑色大号放电脑的哪个贵")
    assert "202.39" in bags and "Laptop" not in bags  # a laptop compartment
    boards = Conversation(shop)
    boards.say("product_info", "skatebaord 34 inch?")
    boards.say("product_info", "bamboo")
    both = boards.say("product_info", "whats the diff between those 2")
    assert "193.79" in both and "217.06" in both
    kits = Conversation(shop)
    kits.say("product_info", "the makeup kit for dark skin tone, how much ah")
    assert "professional" not in kits.say("product_info", "basic one only, 不要 professional 的")
    assert meant_intent("complaint", {}, "My daughter suffers terribly from allergies every spring. Do you carry "
                                         "those machines that clean the air in a room?", {}) == "recommend"
    assert meant_intent("shipping_policy", {}, "my mum balcony got so many plants lah, every day she carry water up "
                                               "and down, want to get her something easier. around 100 can?",
                        {}) == "recommend"


def test_amounts_in_english_words_a_homophone_pair_a_shared_word_by_its_own_product_and_variants_set_apart(shop):
    from agent.catalogue_words import homophones
    from agent.dialogue.meant import meant_intent
    from agent.dialogue.money import budget
    assert budget("got anything laptop-wise for under two grand?") == 2000
    assert budget("no more than a hundred fifty on a desk lamp") == 150 and budget("fifty or less") == 50
    assert budget("for my 10 year old under 300") == 300 and budget("up to 3 of them") is None
    assert homophones("想买个台等 晚上看书用") == "想买个台灯 晚上看书用" and homophones("我想买个东西") == "我想买个东西"
    assert meant_intent("recommend", {}, "got anything laptop-wise for under two grand? broke student here", {}) == "recommend"
    assert meant_intent("exchange_item", {}, "你们那个数码相机 变焦最高能到几倍啊 我想拍树上的鸟", {}) == "product_info"
    assert meant_intent("complaint", {}, "上次在别家买的充电宝用了两天就鼓包了 气死我了!!! 这次要个靠谱的 两万毫安的",
                        {}) == "recommend"  # (bought elsewhere: one of ours wanted now)
    assert meant_intent("payment_issue", {}, "I've got a $50 gift card burning a hole in my pocket. What can I actually "
                                             "get for fifty or less?", {}) == "recommend"
    fifty = Conversation(shop).say("recommend", "What can I actually get for fifty or less?")
    assert all(float(p) <= 50 for p in re.findall(r"\$(\d+\.\d\d)", fifty)) and "$" in fifty
    assert "28.59" in Conversation(shop).say("recommend", "recommend something, my budget is 20 dollars")  # above it
    assert "3289.46" in Conversation(shop, "zh").say("product_info", "意式咖啡机你们最贵的那台多少钱 不差钱")
    assert "49.67" in Conversation(shop).say("product_info", "cheapest tee u have in L.. no wait XL")
    grills = Conversation(shop).say("product_info", "portable grill: the charcoal one vs the gas one without the side "
                                                    "burner. price difference?")
    assert "924.50" in grills and "1057.24" in grills
    glasses = Conversation(shop, "zh").say("product_info", "黑框绿镜片的太阳镜 偏光和不偏光的 价格差多少")
    assert "287.79" in glasses and "281.48" in glasses
    watches = Conversation(shop).say("product_info", "regular Wristwatch or a Smart Watch? he can barely work his phone "
                                                     "lol. how do the prices compare")
    assert "Smart Watch" in watches and "Smartphone" not in watches  # (his phone: his own)
    two = Conversation(shop, "zh").say("recommend", "给自己买张yoga mat 一百以内的就行 顺便给家里俩娃挑个puzzle 要beginner难度")
    assert "92.53" in two and "Jigsaw Puzzle" in two
    weights = Conversation(shop)
    weights.say("product_info", "price on the adjustable dumbbell set, 5 to 25 lbs?")
    weights.say("product_info", "rubber one")
    assert "508.37" in weights.say("product_info", "and if I go up to 30-50, same rubber adjustable?")
    brush = Conversation(shop, "zh")
    brush.say("product_info", "电动牙刷最便宜的多少钱")
    assert "192.15" in brush.say("product_info", "这个是装电池的吧 那充电款里最便宜的呢")
    boots = Conversation(shop).say("recommend", "my dad took up hiking and keeps coming home with soaked socks. he wears an 11. anything "
                                                "that'll actually keep his feet dry? i can stretch to about 260")
    assert "259.75" in boots  # size 11, waterproof
    lamp = Conversation(shop, "zh").say("product_info", "想买个台灯 晚上看书用 插电脑usb口就行 光别太亮")
    assert "153.23" in lamp and "154.17" not in lamp  # USB, not the bright one on an adapter


def test_tried_as_a_newcomer_a_bare_price_after_a_product_and_things_we_do_not_sell_asked_in_passing(shop):
    from agent.dialogue.products import asks_if_sold
    from agent.dialogue.routing import asks_about_product
    assert asks_about_product({"product": "Yoga Mat"}, "多少钱") and asks_about_product({"product": "Yoga Mat"}, "how much?")
    assert not asks_about_product({}, "多少钱")  # (nothing talked about: the question is someone else's to answer)
    assert asks_if_sold("手机壳有卖吗") == "手机壳" and asks_if_sold("老公生日 想送个剃须刀 有吗") == "剃须刀"
    assert asks_if_sold("how big is the biggest tv you sell") == "tv"
    assert asks_if_sold("有卖吗") is None and asks_if_sold("那个有没有") is None and asks_if_sold("瑜伽垫有卖吗") is None
    mat = Conversation(shop, "zh")
    mat.say("product_info", "你好 请问瑜伽垫有几种厚度")
    assert "92.53" in mat.say("product_info", "多少钱")  # the mat's price, not the shipping fee
    assert "quiet operation" in Conversation(shop, "zh").say("recommend", "空气净化器哪款最安静 我睡眠浅")
    assert "Wireless Earbuds" in Conversation(shop, "zh").say("recommend", "有没有便宜点的耳机 学生党")  # the cheaper kind
    assert "fresh" in Conversation(shop, "zh").say("recommend", "给女朋友买香水 她喜欢清新的 500以内")
    litre = Conversation(shop, "zh").say("product_info", "水杯有没有大一点的 一升的")
    assert "1000ml" in litre and "500ml" not in litre  # (one litre is the 1000ml bottle)
    bag = Conversation(shop, "zh")
    bag.say("product_info", "我想看看蓝色的背包 中号的")
    bag.say("product_info", "有皮的吗")
    assert "212.04" in bag.say("product_info", "多少钱") and "193.38" not in bag.say("product_info", "多少钱")
    bottle = Conversation(shop, "zh")
    bottle.say("recommend", "我想买个 water bottle, 大一点的, 1L 那种")
    glass = bottle.say("product_info", "有 glass 的吗? 不想用不锈钢的")  # (the litre ones in glass are sold out)
    assert "54.85" in glass and "stainless" not in glass


def test_a_new_one_after_a_broken_one_money_to_spend_the_need_over_the_product_refused_and_those_just_shown(shop):
    from agent.catalogue_words import homophones
    from agent.dialogue.meant import meant_intent
    assert meant_intent("recommend", {}, "he is forever on his skateboard — the old one cracked in half. Could you "
                                         "suggest one for under two hundred dollars?", {}) == "recommend"  # (no complaint)
    assert meant_intent("exchange_item", {}, "got $100 for a garden hose, needs to be 50ft. wat can i get", {}) == "recommend"
    assert meant_intent("modify_order", {}, "Do you sell espresso machines, and could we order 6 of the same model?",
                        {}) == "product_info"  # (an order still to place: nothing of theirs)
    assert meant_intent("complaint", {}, "上次在你们这买的耳机跑步一出汗就不响了！！这次要防水的无线耳机", {}) == "recommend"
    assert homophones("最便宜的被包多少") == "最便宜的背包多少" and homophones("这个东西多少") == "这个东西多少"
    novels = Conversation(shop).say("recommend", "need smth to read novels on the train, not a tablet tho. budget 250 max")
    assert "E-Reader" in novels and "Tablet" not in novels
    lamp = Conversation(shop).say("recommend", "Budget's $150. No free wall socket so it has to run off USB. Black. "
                                               "I'm after a desk lamp.")
    assert "153.23" in lamp and "135.24" not in lamp  # (USB wanted: none within, the nearest above)
    bed = Conversation(shop).say("recommend", "pet beds in large? He chews fleece to pieces, so I'd rather avoid that.")
    assert "polyester" in bed and "fleece" not in bed
    assert "249.01" in Conversation(shop, "zh").say("product_info", "Smart Thermostat 的 Alexa 版和 Google 版哪个便宜？要 black 的")
    shelf = Conversation(shop, "zh")
    shelf.say("product_info", "有没有书架")
    shelf.say("product_info", "白色木头的有哪几种高度")
    assert "510.02" in shelf.say("product_info", "矮的那个多少钱")  # (of the white wooden ones, the 4 ft)
    air = Conversation(shop)
    air.say("product_info", "air purifiers for a large living room? what are the prices")
    air.say("product_info", "which of those has a HEPA filter")
    assert "523.31" in air.say("product_info", "ok and the cheaper one, what features does it have")  # (sold out, said)
    buds = Conversation(shop, "zh").say("recommend", "这次要防水的、能运动时戴的无线耳机")
    assert "IPX" in buds and "not resistant" not in buds


def test_a_gift_a_little_over_budget_the_longest_of_those_shown_a_bigger_clock_and_a_new_one_for_the_old(shop):
    from agent.dialogue.meant import meant_intent
    assert meant_intent("exchange_item", {}, "WFH一整天腰酸背痛的，想换个chair，要mesh的，透气一点", {}) == "recommend"
    assert meant_intent("exchange_item", {}, "耳机想换个黑色的", {}) == "exchange_item"  # (an option: theirs)
    assert meant_intent("return_item", {}, "i need something to boil water for tea on my gas stove, the old one broke",
                        {}) == "recommend"
    assert meant_intent("return_item", {}, "my old kettle broke and I'd like to return it", {}) == "return_item"
    yoga = Conversation(shop).say("recommend", "need a gift for my wife, she does yoga every morning, around 100刀, "
                                               "she loves pink")
    assert "Yoga Mat" in yoga and "103.84" in yoga and "Tea Kettle" not in yoga  # (the pink mat, just above)
    music = Conversation(shop)
    music.say("recommend", "camping by the lake, i want something to play music on that wont die if it gets splashed")
    longest = music.say("recommend", "which one of those lasts the longest on one charge")
    assert "Bluetooth Speaker" in longest and "20 hours" in longest and "no water resistance" not in longest
    speaker = Conversation(shop, "zh").say("product_info", "想买个跑步用的耳机……不对不对，我要的是能挂在自行车把上的小音箱，"
                                                           "要防水的，300美元以内")
    assert "Bluetooth Speaker" in speaker and "Wireless Earbuds" not in speaker  # (the one named after the correction)
    from agent.variants import step_asked
    assert step_asked("矮的那个") and step_asked("anything with a lower price?") is None
    sound = Conversation(shop).say("product_info", "how's the sound quality on the bluetooth speaker?")
    assert "does not list the sound quality" in sound  # (honestly not listed, no guess)
    clock = Conversation(shop, "zh")
    clock.say("product_info", "挂钟白色的多少钱")
    assert "10 inches" not in clock.say("product_info", "有没有大一点的")


def test_the_one_asked_first_said_sold_out_before_the_one_asked_instead_and_two_set_side_by_side_by_shared_words(shop):
    from agent.dialogue.meant import meant_intent
    from agent.dialogue.routing import _only_options
    from agent.variants import option_words
    assert "100 ft" in option_words("the hundred foot one") and "1000ml" in option_words("1000毫升那种")
    assert "750ml" in option_words("七百五十毫升") and "1000片" in option_words("一千片的拼图") and "13-inch" in option_words("十三寸")
    assert meant_intent("out_of_scope", {}, "想找个tablet给我妈看剧", {}) == "recommend"
    assert meant_intent("thanks_bye", {}, "ok. dumbbells?", {}) == "product_info"
    assert meant_intent("thanks_bye", {}, "ok thanks bye", {}) == "thanks_bye"
    assert _only_options("S码") and _only_options("black") and not _only_options("yes") and not _only_options("ok thanks")
    grill = Conversation(shop).say("product_info", "Does the grill come as GAS with a ROTISSERIE or not?? If not, tell me "
                                                   "which ones DO have a rotisserie.")
    assert "933.17" in grill and "sold out" in grill and "1031.00" in grill  # (gas + rotisserie sold out; the others)
    tablet = Conversation(shop, "zh").say("product_info", "10寸128G黑色的平板有没有货？没有就告诉我同样10寸128G别的颜色多少钱")
    assert "已售罄" in tablet and "950.96" in tablet
    camera = Conversation(shop, "zh").say("product_info", "这个Indoor Security Camera支持Wi-Fi吗？如果Wi-Fi的没有，那Ethernet的最便宜多少")
    assert "已售罄" in camera and "291.31" in camera
    hose = Conversation(shop).say("product_info", "the hundred foot garden hose in black rubber, in stock? if not what "
                                                  "other hundred foot ones do you have")
    assert "95.39" in hose and "98.61" in hose
    notebook = Conversation(shop, "zh").say("product_info", "本子有A6的吗？没有的话现在有货的是哪几种尺寸")
    assert "A4" in notebook and "A5" in notebook  # (nothing named instead: the sizes there are)
    helmet = Conversation(shop, "zh").say("product_info", "儿子骑车要戴头盔，他头不大不小M码。红色高通风的那款跟白色的比，哪个便宜？")
    assert "196.73" in helmet and "192.65" in helmet  # (M for both)
    watches = Conversation(shop).say("product_info", "Which is more expensive, a regular wristwatch or a smart watch? "
                                                     "He'd only wear a leather strap.")
    assert "1908.15" in watches and "Smart Watch" in watches
    vacuums = Conversation(shop).say("product_info", "the robotic vacuum with the HEPA filter or the upright one with the "
                                                     "HEPA filter, which costs less? emptying bags is a nightmare")
    assert "602.11" in vacuums and "602.48" in vacuums and "Backpack" not in vacuums
    bikes = Conversation(shop, "zh").say("product_info", "公路车和登山车哪个比较便宜？要中号的车架")
    assert "1917.21" in bikes and "2076.50" in bikes
    tee = Conversation(shop, "zh")
    tee.say("product_info", "T恤有红色的吗")
    assert "47.25" in tee.say("product_info", "S码")  # (red in S: sold out, said before the S ones in stock)
    bed = Conversation(shop, "zh")
    bed.say("recommend", "小号的宠物床 200以内")
    assert "208.32" in bed.say("product_info", "只有灰色吗？别的颜色有没有，贵一点也行")
    coffee = Conversation(shop, "zh").say("product_info", "咖啡机：黑色8杯带磨豆的，和白色4杯滴滤的，哪个划算？……哦说错了，"
                                                           "是和不锈钢4杯带磨豆的那台比")
    assert "236.95" in coffee and "226.05" not in coffee  # (the second one, corrected)
    assert meant_intent("return_item", {}, "I want headphones, I mean earbuds, for the gym", {}) == "recommend"
    assert meant_intent("out_of_scope", {}, "给我看看蓝牙音箱", {}) == "product_info"  # (not a question between two readings)
    assert meant_intent("order_status", {}, "我想看看luggage set", {}) == "product_info"  # (no order of theirs)
    assert meant_intent("return_item", {}, "I want to see the luggage set", {}) == "product_info"
    assert meant_intent("order_status", {}, "我想看看我买的luggage set到哪了", {}) == "order_status"
    grills = Conversation(shop, "zh")
    grills.say("product_info", "你们有没有烤肉架")
    assert "portable" in grills.say("product_info", "要插电的，小一点可以带去露营的")


def test_a_thing_asked_whether_sold_a_product_refused_after_its_name_two_prices_apart_and_a_question_asked_also(shop):
    from agent.dialogue import money, products
    charger = Conversation(shop, "zh").say("product_info", "家人们 你们这有充电宝不 出门手机天天没电 救命")
    assert "Portable Charger" in charger and "Smartphone" not in charger  # (their phone, our charger)
    helmet = Conversation(shop).say("product_info", "Hi! Do you carry bike helmets? Also need a lock for the bike while I'm at it.")
    assert "Cycling Helmet" in helmet and "Bicycle" not in helmet
    both = Conversation(shop).say("product_info", "do you sell espresso machines or only regular coffee makers?")
    assert "Espresso Machine" in both and "Coffee Maker" in both  # (both in one question)
    assert products.unwanted("女朋友想要个能看电子书的东西，平板太重了她不要，２５０以内") == {"Tablet"}
    assert money.budget("要个能装电脑的书包 别超过210") == 210
    shoes = Conversation(shop).say("product_info", "I run on the road most mornings and my shoes are done. Size 9... actually "
                                                   "make that 10, my feet swell on long runs. Leather upper is fine.")
    assert "Running Shoes" in shoes and "154.75" in shoes  # (not a road bike)
    sunglasses = Conversation(shop).say("product_info", "the black frame with brown polarized lenses, or the silver metal "
                                                        "frame with black lenses. Which one is cheaper, and by how much?")
    assert "290.94" in sunglasses and "296.16" in sunglasses and "5.22" in sunglasses
    beds = Conversation(shop, "zh").say("price_promo", "宠物窝最便宜的是多少钱然后最贵的又是多少我看看差多少")
    assert "180.93" in beds and "208.32" in beds and "27.39" in beds
    shelves = Conversation(shop).say("product_info", "white wood 4 ft vs white wood 5 ft, prices? Also is there a glass one "
                                                     "in white, 4 ft?")
    assert "510.02" in shelves and "451.01" in shelves and "sold out" in shelves
    dumbbells = Conversation(shop, "zh").say("product_info", "四十五到七十五磅不对是五十五到七十五磅的哑铃可调节的铁的有没有货"
                                                             "要是没有的话其他材质可调节的也行多少钱")
    assert "已售罄" in dumbbells and "483.66" in dumbbells
    helmets = Conversation(shop, "zh")
    helmets.say("product_info", "我家小孩要个骑车戴的头盔他头比较小要S码的")
    assert "204.47" in helmets.say("product_info", "然后要通风好一点的夏天骑车热")  # (S still; medium, high being sold out)
    board = Conversation(shop)
    board.say("product_info", "bamboo deck skateboard, 34 inch")
    assert "193.79" in board.say("recommend", "cheaper one then. how much")  # (of the two shown)
    brush = Conversation(shop)
    brush.say("product_info", "Do you have an electric toothbrush that's rechargeable?")
    other = brush.say("product_info", "She can't stand black. What color is the other one, and how much?")
    assert "211.11" in other and "192.15" not in other
    thermostat = Conversation(shop, "zh")
    thermostat.say("product_info", "有没有smart thermostat支持Apple HomeKit的")
    assert "Bluetooth Speaker" not in thermostat.say("product_info", "那Alexa的white呢 家里音箱是Echo")
    backpack = Conversation(shop, "zh")
    backpack.say("recommend", "想买个双肩包")
    assert "Laptop" not in backpack.say("recommend", "要能放笔记本电脑的 灰色")  # (a compartment for one)
    boots = Conversation(shop).say("product_info", "do you have hiking boots in size 13?")
    assert "don't have the Hiking Boots in size 13" in boots and "236.57" in boots
    puzzle = Conversation(shop, "zh").say("product_info", "有3000片的拼图吗")
    assert "没有3000片" in puzzle and "2000" in puzzle
    red = Conversation(shop).say("product_info", "do you have the red backpack in large?")
    assert "don't have the Backpack in red" in red and "198.00" in red  # (the large ones there are)
    assert "没有" not in Conversation(shop, "zh").say("product_info", "黑色的背包多少钱")


def test_a_kettle_by_its_use_two_kinds_each_by_its_use_the_one_settled_on_and_what_is_asked_if_the_first_is_not_there(shop):
    from agent.dialogue.meant import meant_intent
    dorm = Conversation(shop, "zh").say("recommend", "宿舍用 想整个插电的烧水壶 玻璃的 150以内 有啥推荐")
    assert "Electric Kettle" in dorm and "137.17" in dorm  # (插电 is the electric kettle's use, no electric hob)
    no_gas = Conversation(shop, "zh").say("recommend", "学生党 宿舍没燃气灶只能插电 想买个烧水的壶 一升就够")
    assert "Electric Kettle" in no_gas and "Tea Kettle" not in no_gas
    both = Conversation(shop, "zh").say("product_info", "老公说买插电的，我想买放燃气灶上烧的那种，都要2升不锈钢的，"
                                                        "这两种烧水壶哪个便宜？各多少钱？")
    assert "153.81" in both and "91.78" in both
    laptop = Conversation(shop, "zh").say("product_info", "17寸的笔记本电脑有没有i5处理器的？如果没有，17寸的还有哪几款")
    assert "已售罄" in laptop and "2508.06" in laptop
    mat = Conversation(shop, "zh").say("product_info", "天然橡胶的瑜伽垫，6mm粉红色那款还有货吗？如果没有，粉红色的其他款多少钱？")
    assert mat.count("94.38") == 1 and "103.84" in mat  # (the one sold out said once)
    keyboard = Conversation(shop, "zh").say("product_info", "机械键盘，青轴、全尺寸的，有背光跟没背光的价钱各多少？差很多吗？")
    assert "244.91" in keyboard and "269.16" in keyboard and "24.25" in keyboard
    shoes = Conversation(shop, "zh").say("recommend", "Sneakers我要size 10 gray leather的，老婆要size 6 black的，各多少钱？")
    assert "189.50" in shoes and "186.45" in shoes
    grills = Conversation(shop).say("product_info", "he wants the gas grill and I prefer charcoal. Both the portable kind, "
                                                    "without any extra features. Which one costs less?")
    assert "924.50" in grills and "1057.24" in grills
    camera = Conversation(shop, "zh")
    camera.say("product_info", "运动相机有4K防水的吗？有哪几款")
    camera.say("product_info", "便宜的那个啥颜色")
    assert meant_intent("thanks_bye", {}, "行 就它了 再确认下价格", {"product": "Action Camera"}) == "product_info"
    assert "466.75" in camera.say("product_info", "行 就它了 再确认下价格") and "481.50" not in camera.say(
        "product_info", "行 就它了 再确认下价格")
    puzzle = Conversation(shop)
    puzzle.say("recommend", "a jigsaw puzzle for my grandson, he loves animals")
    assert "1500" in puzzle.say("product_info", "He's only nine, so the easiest one, please. How many pieces is that one?")
    boots = Conversation(shop, "zh").say("product_info", "有没有防水的登山靴")
    assert "not waterproof" not in boots  # (有没有防水: asked, not refused)
    packs = Conversation(shop).say("product_info", "One wants the small green backpack with the laptop compartment, the "
                                                   "other wants the medium grey laptop one. How much is each?")
    assert "205.35" in packs and "212.79" in packs and "Laptop:" not in packs


def test_what_a_gift_is_for_comes_before_who_it_is_for():
    """The need reader (tests/test_need_reader.py) puts the Jigsaw Puzzle first for this one (birthday gifts for
    children pull it up) and the Action Camera second: both are shown; a camera first would be better."""
    from agent.catalogue_search import products_for
    assert "Action Camera" in products_for("想给我老公买个生日礼物 他平时喜欢拍照")[:3]
    for_him = products_for("a gift for my husband")[:3]  # (who it is for, when nothing else is said)
    assert for_him and "Makeup Kit" not in for_him


def test_a_train_a_dentist_and_a_phone_in_use_are_no_purchase_and_follow_ups_in_a_size_or_a_set(shop):
    from agent.dialogue.meant import meant_intent
    train = "does the e-reader have a cellular version or is it wifi only? there's no wifi on my train and I want to " \
            "download books on the way"
    assert meant_intent("order_status", {}, train, {}) != "order_status"
    assert "Electric Toothbrush" in Conversation(shop).say("product_info", "you sell electric toothbrushes? my dentist says "
                                                                           "i scrub way too hard lol")
    thermostat = Conversation(shop, "zh").say("product_info", "你们这有卖那种智能温控的东西吗，手机上能调家里暖气温度的那种")
    assert "Smart Thermostat" in thermostat and "Smartphone" not in thermostat
    luggage = Conversation(shop)
    luggage.say("product_info", "Do you have the 3-piece luggage set in blue?")
    assert "501.65" in luggage.say("product_info", "and the 4 piece?")
    shoes = Conversation(shop)
    shoes.say("product_info", "how much are the running shoes in size 9?")
    assert "10," in shoes.say("product_info", "hmm actually got that in a 10? my feet swell on long runs")
    tablets = Conversation(shop)
    tablets.say("product_info", "tablet 7 inch prices?")
    assert "7-inch" in tablets.say("product_info", "cheapest one's what colour")  # (of those just listed)
    kits = Conversation(shop, "zh").say("product_info", "Makeup Kit适合dark skin的有几种？都多少钱")
    assert "235.44" in kits  # (every one, not three)


def test_a_product_let_go_a_kettle_that_plugs_in_the_most_of_a_need_and_two_options_naming_their_product(shop):
    from agent.dialogue.meant import meant_intent
    watch = Conversation(shop, "zh").say("recommend", "想给爷爷买块手表，预算两千以内，手机他又不会用。智能手表就算了，他搞不懂")
    assert "Wristwatch" in watch and "Smart Watch" not in watch and "Smartphone" not in watch
    kettle = Conversation(shop, "zh").say("recommend", "宿舍用 要插电烧水那种壶 2L的 160刀以内 有木有")
    assert "Electric Kettle" in kettle and "Tea Kettle" not in kettle  # (two of one kind: the one the need is for)
    mat = Conversation(shop, "zh").say("recommend", "老婆每天在客厅练瑜伽 说垫子太薄了 就要你们最厚的那种 预算一百一左右")
    assert "105.68" in mat  # (the thickest within it, no product named)
    puzzle = Conversation(shop).say("recommend", "my niece loves animals, cats, horses. something she can do piece by piece, "
                                                 "the easiest level. 50 bucks max.")
    assert "Jigsaw Puzzle" in puzzle and "45.39" in puzzle  # (its theme and its difficulty, not a cat's bed)
    zip_up = "lookin for a warm zip up thing for my bf, hes a L, black pls, full zip not the half zip kind. got 160"
    assert meant_intent("exchange_item", {}, zip_up, {}) == "recommend"  # (his size, a budget: nothing of theirs)
    assert meant_intent("shipping_policy", {}, "你们家最贵的自行车多少钱？要现货的，不差钱", {}) == "product_info"


def test_comparisons_said_every_way_with_the_gap_and_what_it_comes_to_for_many(shop):
    chair = Conversation(shop).say("product_info", "office chair, leather blue no armrests standard back VS fabric black "
                                                   "fixed armrests standard back. which is cheaper and by how much")
    assert "471.82" in chair and "488.81" in chair and "16.99" in chair  # ("no" holds for the armrests alone)
    clock = Conversation(shop).say("product_info", "compare the wall clock 12 inch white analog with the 14 inch white "
                                                   "digital - sorry, I meant the 14 inch BLACK analog. Which one's less?")
    assert "191.55" in clock and "195.63" in clock
    bulk = Conversation(shop).say("product_info", "We'd be ordering 12 units. Which is cheaper, the 20000mAh USB-C white "
                                                  "power bank or the 10000mAh USB-C blue one, and the total saving across all 12?")
    assert "3.74" in bulk and "44.88" in bulk
    assert "3.17" in Conversation(shop).say("product_info", "price diff: mech keyboard linear RGB full size vs clicky no "
                                                            "backlight full size?")
    vacuum = Conversation(shop, "zh").say("product_info", "扫地机器人不带尘袋的能吸宠物毛的和立式的带尘袋的吸宠物毛的哪个便宜便宜多少")
    assert "79.95" in vacuum


def test_words_for_options_and_budgets_shoppers_use(shop):
    from agent.dialogue import money
    from agent.shopper_text import canonical  # (as the graph reads a message first)
    assert money.budget("we need about 30 yoga mats for the studio") is None  # (a count, not dollars)
    assert money.budget("under 200 bucks") == 200 and money.budget("I have 80 to spend") == 80
    assert "257.38" in Conversation(shop).say("product_info", canonical(
        "whats the cheapest wireless earbuds that are IPX seven waterproof"))
    assert "237.48" in Conversation(shop, "zh").say("recommend", "最贵的是哪个？我说的是二百五以内的mechanical keyboard，要RGB背光的")
    assert "368.87" in Conversation(shop, "zh").say("product_info", canonical("頭戴式耳機有白色的嗎？多少錢？"))  # (on-ear
    #                                                                                       is worn on the head too)
    over = Conversation(shop, "zh").say("product_info", "头戴式耳机有300美元以内的吗？")
    assert "300" in over and "346.97" in over  # (none within it: the nearest above)
    roughly = Conversation(shop, "zh").say("recommend", "想给孩子换个书包，要能放电脑的那种，两百出头吧")
    assert "202.39" in roughly and "以内" not in roughly  # (a budget said roughly holds a little above it)
    boots = Conversation(shop).say("product_info", "is the hiking boot in size 10, leather, waterproof, in stock?")
    assert "sold out" in boots and "249.12" in boots
    from agent.variants import unwanted_options
    mats = [{"options": {"material": m}} for m in ("PVC", "TPE")]
    assert unwanted_options(mats, "is it good for hot yoga? my friend says PVC gets slippery") == {"material": {"pvc"}}
    kettle = Conversation(shop)
    kettle.say("product_info", "Do you have the electric kettle in stainless steel? Glass ones make me nervous")
    assert "153.25" in kettle.say("product_info", "the 1 litre black one - what was the price on that again?")


def test_a_need_names_no_sold_out_price_and_a_word_beginning_an_option_names_no_product(shop):
    from agent.dialogue.meant import meant_intent
    perfume = Conversation(shop, "zh").say("recommend", "想買瓶香水送女朋友，她平常喜歡木質調的味道，有女士的嗎？")
    assert "288.75" in perfume and "已售罄" in perfume and "290.25" not in perfume  # (sold out, no price to choose by)
    assert "290.25" in Conversation(shop, "zh").say("product_info", "木质调女士香水50ml的多少钱")  # (asked of it: its price)
    vacuum = Conversation(shop)
    vacuum.say("recommend", "I have two cats and a shaggy rug. which vacuum would you suggest?")
    bagless = vacuum.say("recommend", "I don't want to buy bags forever. bagless only")
    assert "Vacuum Cleaner" in bagless and "Backpack" not in bagless  # (bags of the vacuum's bagged/bagless)
    backpack = Conversation(shop, "zh")
    backpack.say("recommend", "budget 200以内，想买个backpack上学用，要有laptop隔层的，能装我的电脑")
    assert "202.39" in backpack.say("product_info", "那带laptop隔层的最便宜的是多少")  # (the backpack's compartment)
    grills = Conversation(shop, "zh").say("recommend", "便携式的烧烤炉 燃气的和电的 各自最便宜多少？露营用")
    assert "1042.19" in grills and "981.47" in grills  # (each one's cheapest; "电的": electric)
    assert meant_intent("exchange_item", {}, "想给家里换几个灯泡 要暖光的 别那种惨白的", {}) == "recommend"  # (new ones)
    kettle = "My husband broke our kettle this morning. I'd like the 2 liter stainless steel tea kettle that works on an " \
             "induction stove. Is it available, and what's the price?"
    assert meant_intent("product_info", {}, kettle, {}) == "product_info"  # (a new one asked of, no complaint)


def test_the_cheaper_one_of_two_in_another_colour_a_needs_product_by_its_options_and_words_not_theirs(shop):
    from agent.dialogue.meant import meant_intent
    mouse = Conversation(shop)
    mouse.say("product_info", "wireless gaming mouse - white optical vs black laser, price difference?")
    assert "137.32" in mouse.say("product_info", "the cheaper one, does it come in black too?")  # (optical kept)
    brush = Conversation(shop, "zh")
    brush.say("product_info", "电动牙刷 黑色高速档的 充电款和装电池的差多少钱")
    assert "211.11" in brush.say("product_info", "便宜的那个有白色的吗")  # (rechargeable, what set the two apart, kept)
    bottle = Conversation(shop).say("recommend", "need something to carry water to the gym, around 500ml. NOT glass pls")
    assert "48.59" in bottle and "glass" not in bottle  # (the need's one product, by the options named)
    keyboard = Conversation(shop, "zh").say("recommend", "帮我找个keyboard 平时写code用 要有RGB backlight 但是别太吵 clicky的不要")
    assert "Mechanical Keyboard" in keyboard and "clicky" not in keyboard  # (a product named: no coding question)
    dad = "我爸退休以后每个周末都跟老同事去爬山，下个月他生日想送双鞋，他穿11码（美码），一定要防水的"
    assert meant_intent("return_item", {}, dad, {}) == "recommend"  # (退休 is no return)
    assert meant_intent("order_status", {}, "looking at your hiking boots", {}) == "recommend"


def test_a_product_typed_in_pinyin_beside_chinese(shop):
    from agent.shopper_text import canonical
    assert canonical("你们家有pin tu吗 一千片的那种") == "你们家有拼图吗 一千片的那种"
    assert canonical("yu jia dian 一百块以内的有木有").startswith("瑜伽垫 ")
    # (English beside Chinese stays English; pinyin alone, with no Chinese, is not read)
    assert canonical("帮我check一下order W1234567") == "帮我check一下order W1234567"
    assert canonical("do you sell pin tu") == "do you sell pin tu"
    assert "92.53" in Conversation(shop, "zh").say("recommend", canonical("yu jia dian 一百块以内的有木有"))


def test_an_option_let_go_with_a_sigh_two_products_cheapest_each_any_piece_count_and_the_price_again(shop):
    bottle = Conversation(shop, "zh")
    bottle.say("product_info", "最便宜的水杯多少钱 随便什么材质 能装水就行")
    assert "48.02" in bottle.say("product_info", "玻璃的啊 算了 我老摔东西 还是塑料的吧 塑料的最便宜多少")
    kettles = Conversation(shop).say("recommend", "what's cheaper, your cheapest 1 liter Electric Kettle or your cheapest "
                                                  "1 liter Tea Kettle?")
    assert "137.17" in kettles and "94.01" in kettles  # (the cheapest of each)
    puzzle = Conversation(shop, "zh")
    puzzle.say("product_info", "1000片的拼图有吗")
    assert "45.39" in puzzle.say("product_info", "那有没有简单点的动物拼图 片数多少无所谓")  # (any piece count now)
    from agent.dialogue.reading import PRICE_AGAIN
    assert PRICE_AGAIN.search("OK 就这个 price 再说一遍?") and PRICE_AGAIN.search("价格再说一遍")


def test_a_budget_is_no_thing_asked_for_and_a_shop_asked_if_it_sells_something(shop):
    from agent.dialogue.products import asks_if_sold
    assert asks_if_sold("my grandson wants a skateboard for xmas, what do you have under 190") is None  # (a budget)
    assert asks_if_sold("你们店有没有卖帐篷 周末想去露营") == "帐篷"  # (the shop asked, the thing before a space)
    tent = Conversation(shop, "zh").say("recommend", "你们店有没有卖帐篷 周末想去露营")
    assert "帐篷" in tent and "没有" in tent  # (not sold, said first; then what camping needs)


def test_a_thing_not_sold_asked_beside_another_in_either_language_and_its_nearest_kin(shop):
    from agent.catalogue_search import closest_products
    from agent.dialogue.products import asks_if_sold, products_in
    assert asks_if_sold("你们有卖 air fryer 吗") == "air fryer"  # (an English thing in a Chinese question)
    assert asks_if_sold("想给我爸买个电动剃须刀，你们有卖吗") == "电动剃须刀"
    assert asks_if_sold("客厅要换电视 65寸的 你们这有吗") == "电视"
    assert asks_if_sold("Do you or do you not sell a TREADMILL. Yes or no.") == "treadmill"  # (not in capitals)
    assert asks_if_sold("想换个颜色，你们有吗") is None and asks_if_sold("想买个帐篷周末用，你们有吗") is None
    assert asks_if_sold("卖不卖雨伞啊？") == "雨伞" and closest_products("雨伞")[0] == "Patio Umbrella"
    assert products_in("跑鞋和休闲运动鞋 10码的") == (("Running Shoes", "跑鞋"), ("Sneakers", "运动鞋"))
    both = Conversation(shop, "zh").say("recommend", "有没有狗粮卖？没有的话 狗窝有吗")
    assert "狗粮" in both and "没有" in both and "Pet Bed" in both  # (the one not sold said, the other answered)
    shoes = Conversation(shop, "zh").say("product_info", "跑鞋和休闲运动鞋 10码的 各多少钱")
    assert "154.75" in shoes and "189.50" in shoes  # (the size said last is of both)


def test_two_things_wanted_at_once_a_new_bed_for_the_dog_and_an_option_only_one_kind_is_made_for(shop):
    from agent.dialogue.meant import meant_intent
    skate = Conversation(shop).say("recommend", "My daughter is 9 and her friends just got into skating at the park. "
                                                "I want to get her set up - something to ride on, and something to protect "
                                                "her head because I'm a nervous mom lol. Maybe $400 for both? Her head is small")
    assert "Skateboard" in skate and "Cycling Helmet" in skate
    dog = "家里金毛十岁了 关节不太好 想给它换个睡觉的地方 软一点的记忆棉那种"
    assert meant_intent("exchange_item", {}, dog, {}) == "recommend"  # (a new one, nothing of ours to exchange)
    assert "Tea Kettle" in Conversation(shop, "zh").say("recommend", "宿舍只有个电磁炉 想烧开水 一百以内 推荐个")
    chair = Conversation(shop, "zh").say("recommend", "我老伴腰椎不太好，每天在家对着电脑要坐好几个钟头，医生说坐的东西要讲究。"
                                                      "我想给他买一把扶手可以调高低的，价钱嘛五百出头都行")
    assert "Office Chair" in chair and "Laptop" not in chair and "Wall Clock" not in chair


def test_sides_compared_by_their_own_words_the_most_of_a_grade_and_a_count_of_the_one_shown(shop):
    keyboard = Conversation(shop, "zh").say("product_info", "机械键盘 60%配列 带RGB的 青轴(clicky)跟茶轴(tactile)比一下 价格 有木有货")
    assert "236.51" in keyboard and "已售罄" in keyboard  # (the sold-out side said, though stock is asked)
    grill = Conversation(shop).say("product_info", "Grills: charcoal medium with rotisserie versus gas portable with side "
                                                   "burner. Actually scratch the side burner, gas portable with no extras. Prices?")
    assert "1057.24" in grill and "962.69" in grill
    coffee = Conversation(shop, "zh").say("recommend", "咖啡机跟那种几千块的专业意式咖啡机有啥区别啊 最便宜的各要多少钱")
    assert "226.05" in coffee and "2709.83" in coffee  # (意式 is the espresso machine's side only)
    assert "257.38" in Conversation(shop).say("product_info", "which earbuds are the most water resistant? price?")
    assert "bamboo" in Conversation(shop).say("product_info", "longest skateboard u have + what's it made of")
    gym = Conversation(shop)
    gym.say("product_info", "Which fixed dumbbell sets do you have in 55-75 lbs, and at what price?")
    assert "5348.40" in gym.say("product_info", "If I order 10 of those, what's that before shipping?")
    perfume = Conversation(shop, "zh").say("product_info", "Perfume 最便宜的是哪个？要 unisex 男女都能用的")
    assert "unisex已售罄" in perfume  # (the one wished for is sold out, said)


def test_one_of_ours_wanted_in_so_many_words_and_a_mouse_without_a_wire(shop):
    from agent.dialogue.meant import meant_intent
    assert meant_intent("return_item", {}, "我要买智能灯泡", {}) == "recommend"  # (the model read a return)
    assert meant_intent("out_of_scope", {}, "我要买灯泡", {}) == "recommend"
    assert meant_intent("return_item", {}, "我要退货 我买的灯泡坏了", {}) == "return_item"
    mouse = Conversation(shop).say("product_info", "What is the difference between the black one with a wire and the black "
                                                   "one without a wire, both the laser kind? gaming mouse. which costs less?")
    assert "162.15" in mouse and "150.58" in mouse
    assert "48.55" in Conversation(shop, "zh").say("recommend", "有卖那种 smart bulb 吗 可以用手机 app 控制开关的")


def test_at_least_is_no_least_and_how_big_a_bottle_is_its_capacity(shop):
    bottle = Conversation(shop).say("product_info", "how big are your water bottles? I drink a lot at the gym so I need at "
                                                    "least a litre")
    assert "1000ml" in bottle and "does not list" not in bottle and bottle.count("capacity") == 1


def test_another_thing_asked_the_same_way_right_after_one_not_sold(shop):
    from agent.dialogue.meant import meant_intent
    from agent.dialogue.products import asks_if_sold
    assert asks_if_sold("那防潮垫呢", after="帐篷") == "防潮垫" and asks_if_sold("那防潮垫呢") is None  # (only right after)
    assert asks_if_sold("what about sleeping bags?", after="tents") == "sleeping bags"  # (no backpack)
    assert asks_if_sold("那背包呢", after="帐篷") is None
    assert meant_intent("order_status", {}, "那背包呢", {"last_intent": "product_info"}) == "product_info"
    assert meant_intent("order_status", {}, "那背包呢", {"last_intent": "order_status"}) == "order_status"
    camping = Conversation(shop, "zh")
    camping.say("product_info", "有帐篷吗 周末去露营")
    mat = camping.say("product_info", "那防潮垫呢")
    assert "防潮垫" in mat and "没有" in mat


def test_shared_options_hold_for_both_sides_a_longer_battery_and_what_a_shopper_does_not_want(shop):
    boots = Conversation(shop, "zh").say("product_info", "登山靴要11码防水的，真皮的跟合成的哪个便宜")
    assert "259.75" in boots and "已售罄" in boots  # (the 11 waterproof synthetic is sold out: said, not a size 12 instead)
    helmet = Conversation(shop, "zh").say("product_info", "骑行头盔S码白色 中等通风和低通风的差价是多少")
    assert "213.86" in helmet and "180.02" in helmet and "33.84" in helmet  # (中等通风 is no size M)
    earbuds = Conversation(shop, "zh")
    earbuds.say("product_info", "防水的无线耳机有吗")
    earbuds.say("product_info", "黑色那款呢")
    assert "已售罄" in earbuds.say("product_info", "才4小时 有没有续航长一点的黑色")  # (6 and 8 hours in black: sold out)
    watch = Conversation(shop).say("product_info", "what straps does the wristwatch have? I want something that isn't leather")
    assert "leather" not in watch and "metal" in watch
    grill = Conversation(shop).say("product_info", "do you sell grills? charcoal please, gas is too much hassle")
    assert "gas" not in grill and "924.50" in grill
    hose = Conversation(shop).say("product_info", "garden hose - vinyl ones crack. which lengths come in rubber or latex?")
    assert "25ft" in hose and "50ft" in hose and "vinyl" not in hose
    camera = Conversation(shop, "zh").say("recommend", "想买个运动相机 不防水的不要 预算五百左右")
    assert "521.07" not in camera and "466.75" in camera  # (not the one that is not waterproof)
    assert "457.81" in Conversation(shop).say("recommend", "I've got four hundred and sixty dollars for a dumbbell set")


def test_a_gift_for_him_is_a_mens_perfume_the_tallest_of_the_wood_ones_and_a_basic_kit(shop):
    perfume = Conversation(shop, "zh").say("recommend", "想送男朋友一瓶perfume 木质调的 320以内")
    assert "312.04" in perfume and "288.75" not in perfume  # (the women's woody one is cheaper, not his)
    husband = Conversation(shop).say("recommend", "my husband's birthday is soon, I'd like to get him a perfume, about 300")
    assert "298.52" in husband and "288.75" not in husband
    dad = Conversation(shop, "zh").say("recommend", "想买个适合送爸爸的东西 他爱钓鱼 两百左右")
    assert "1822.82" not in dad and "$" in dad  # (nothing for the need: gifts within the budget, not a watch at 9x it)
    assert "505.62" in Conversation(shop, "zh").say("product_info", "木头书架最高的多高")
    kit = Conversation(shop, "zh")
    kit.say("product_info", "化妆套装中等肤色的有哪些")
    kit.say("product_info", "专业版的呢")
    assert "237.37" in kit.say("product_info", "那基础款多少")
    assert "没有" in Conversation(shop, "zh").say("product_info", "有没有air fryer卖")
    from agent.dialogue.meant import meant_intent
    ordered = "I ordered a tablet and picked the wrong storage, can I still change it?"
    assert meant_intent("modify_order", {}, ordered, {}) == "modify_order"  # (theirs, not the catalogue's options)


def test_what_is_not_wanted_with_bie_a_backpack_of_his_own_and_another_colour_within_the_budget(shop):
    kettle = Conversation(shop, "zh").say("recommend", "宿舍要个烧水壶 1L那种 别塑料的 150以内")
    assert "137.17" in kettle and "plastic" not in kettle  # (别塑料的: not plastic; glass 1L ones are within it)
    backpack = Conversation(shop).say("recommend", "I want to get him his own backpack, one with a hydration compartment")
    assert "200.48" in backpack and "Water Bottle" not in backpack  # (his own: one to buy, not a thing he has)
    thermostat = Conversation(shop, "zh").say("recommend", "smart thermostat 要Apple HomeKit的 260以内 最好white")
    assert "260.68" in thermostat and "255.98" in thermostat  # (white is above it; stainless steel within it)
    lamp = Conversation(shop).say("recommend", "a desk lamp under $150 that runs off USB")
    assert "135.24" not in lamp  # (USB is a need: no AC adapter one offered for the budget)
    from agent.dialogue.meant import meant_intent
    phones = "Do you sell phones? I only care about ones I can actually order today."
    assert meant_intent("shipping_policy", {}, phones, {}) == "product_info"  # (order today: to buy, none of theirs)


def test_a_choice_let_go_two_sides_of_two_options_and_every_one_of_those_named(shop):
    lamp = Conversation(shop, "zh")
    lamp.say("product_info", "黑色的台灯有几款？")
    lamp.say("product_info", "USB供电的是哪个价")
    brighter = lamp.say("product_info", "算了不要USB的了，亮度高的那个呢")
    assert "154.17" in brighter and "USB" not in brighter  # (black kept, USB let go, high brightness)
    watch = Conversation(shop).say("product_info", "Which is cheaper, the wristwatch with the metal strap and white "
                                                   "face, or the one with the leather strap and black face? It's for "
                                                   "my son's graduation.")
    assert "1822.82" in watch and "1908.15" in watch and "2127.62" not in watch
    mat = Conversation(shop, "zh").say("product_info", "瑜伽垫是啥材质的？有没有天然橡胶的")
    assert "TPE" in mat and "已售罄" in mat  # (the materials, and natural rubber sold out)
    beds = Conversation(shop, "zh").say("product_info", "宠物床中号的有哪些")
    assert all(p in beds for p in ("191.21", "195.26", "196.53", "204.09"))  # (every medium one in stock)


def test_too_dear_after_a_product_asks_for_cheaper_ones_and_if_i_order_today_asks_delivery_times():
    from agent.dialogue.meant import meant_intent
    shown = {"product": "Bluetooth Speaker", "last_intent": "product_info"}
    assert meant_intent("price_promo", {}, "太贵了 有没有便宜点的", shown) == "recommend"  # (no promotion asked)
    assert meant_intent("price_promo", {}, "有没有便宜点的优惠券", shown) in (None, "price_promo")
    assert meant_intent("order_status", {}, "when will it get here if I order today?", {}) == "shipping_policy"
    assert meant_intent("order_status", {}, "when will my order W2702727 get here?", {}) in (None, "order_status")
    assert meant_intent("out_of_scope", {}, "我买的耳机左耳没声音了 怎么办", {}) == "complaint"  # (theirs, broken)
    assert meant_intent("payment_issue", {}, "my new phone won't charge", {}) == "complaint"
    assert meant_intent("payment_issue", {}, "my card won't charge for the phone", {}) in (None, "payment_issue")


def test_is_it_asks_of_the_one_just_shown(shop):
    speaker = Conversation(shop)
    speaker.say("recommend", "cheapest bluetooth speaker?")
    assert "water resistance: no" in speaker.say("product_info", "is it waterproof?")  # (that one, not the others)
    zh = Conversation(shop, "zh")
    zh.say("recommend", "最便宜的蓝牙音箱多少钱")
    assert "防水: no" in zh.say("product_info", "它防水吗")  # (the option named in Chinese)


def test_what_not_to_recommend_said_after_it():
    """"一定要防水，不防水的别推": the waterproof boots (not the ones without); "塑料的别推": no plastic."""
    from agent.variants import option_words, unwanted_options
    assert "waterproof" in option_words("一定要防水，不防水的别推") and "no waterproof" not in option_words("不防水的别推")
    bottles = [{"options": {"material": m}} for m in ("plastic", "glass", "stainless steel")]
    assert unwanted_options(bottles, "500ml的，塑料的别推荐了") == {"material": {"plastic"}}


def test_tried_as_a_newcomer_a_runner_s_5k_how_often_and_ok_then_a_question(shop):
    """"I'm starting to run 5k three times a week, what gear do you have for me": a runner's distance (not the
    5K action camera), how often (not "asked three times": no anger), a want; "ok what sizes" after it is of the
    shoes (not a goodbye); "new puppy … what do I need" is a need."""
    from agent.frustration import said
    from agent.variants import owner_of_options
    runner = "I'm starting to run 5k three times a week, what gear do you have for me"
    assert owner_of_options(runner) is None and owner_of_options("the 5K one, waterproof?") == "Action Camera"
    assert said(0.1, runner) < 0.6 and said(0.1, "我每周跑三次步 有什么推荐") < 0.6
    assert said(0.1, "I have asked three times already") >= 0.6
    chat = Conversation(shop)
    from agent.dialogue.meant import meant_intent
    assert "Running Shoes" in chat.say("recommend", runner)
    assert meant_intent("thanks_bye", {}, "ok what sizes", chat.context) == "product_info"
    sizes = chat.say("product_info", "ok what sizes")
    assert "Running Shoes" in sizes and "size" in sizes
    puppy = "new puppy arriving saturday!! what do I need"
    assert meant_intent("out_of_scope", {}, puppy, {}) == "recommend" and "Pet Bed" in Conversation(shop).say("recommend", puppy)


def test_a_question_that_leads_a_story_the_cheaper_of_two_shown_and_a_need_read_as_outside_the_shop(shop):
    """Read in working-33: "有瑜伽垫卖吗？之前在别家买了一个…后来退了" asks of the mats (the return is told, not asked);
    "…我上次买的那个要退" still asks a return; "the cheaper of the two" after three speakers shown, one of them sold out,
    is the cheaper one in stock of those; gray and grey are one colour; a need the model finds outside the shop gets what
    fits as a maybe, a task of another kind does not."""
    from agent.dialogue.meant import meant_intent
    assert meant_intent("return_item", {}, "有瑜伽垫卖吗？之前在别家买了一个 一股塑料味 熏得我头疼 后来退了", {}) == "product_info"
    assert meant_intent("return_item", {}, "你们有瑜伽垫吗？我上次买的那个要退", {}) == "return_item"
    speaker = Conversation(shop)
    speaker.say("product_info", "bluetooth speakers with a 20 hour battery?")
    speaker.say("product_info", "which of those are waterproof")
    shown = {**speaker.context, "product": "Bluetooth Speaker", "last_intent": "product_info"}  # (as the graph keeps it)
    assert meant_intent("exchange_item", {}, "the cheaper of the two pls", shown) == "product_info"
    assert "285.94" in speaker.say("product_info", "the cheaper of the two pls")
    assert "510.10" in Conversation(shop, "zh").say("product_info", "灰色布面的办公椅多少钱")  # (the catalogue's gray)
    gym = Conversation(shop, "zh").say("out_of_scope", "健身房年卡太贵了 一年三千多 想在家自己练练力量")
    assert "Dumbbell Set" in gym and "超出" in gym
    assert "Jigsaw Puzzle" not in Conversation(shop, "zh").say("out_of_scope", "帮我写一段生日祝福语 送给我妈的 五十岁")


def test_tried_as_a_newcomer_a_thing_we_do_not_sell_a_question_after_never_mind_and_a_budget_kept(shop):
    """"有没有孕妇枕" alone asks whether we sell one (no recommender's picks); "那算了 你们能开发票吗" asks after its no;
    a need narrowed ("她最近腰疼 晚上睡不好") keeps the budget said with it ("预算三百左右")."""
    from agent.dialogue.reading import after_no
    assert products.asks_if_sold("有没有孕妇枕") == "孕妇枕" and products.asks_if_sold("有没有便宜点的") is None
    assert products.asks_if_sold("有没有黑色") is None
    assert after_no("那算了 你们能开发票吗") == "你们能开发票吗"
    wife = Conversation(shop, "zh")
    wife.say("recommend", "老婆怀孕了 想给她买点实用的 预算三百左右")
    assert "300" in wife.say("recommend", "她最近腰疼 晚上睡不好")


def test_an_allergy_refuses_a_material_and_then_is_no_thing_asked_for(shop):
    """Read in working-34: "natural rubber? I'm allergic to PVC": the closest in stock is no PVC mat; "what colour do
    you have then, same type" asks no do-you-sell of "then"."""
    mat = Conversation(shop).say("product_info", "Is your yoga mat natural rubber? I'm allergic to PVC, seriously can't touch it")
    assert "closest one in stock is" in mat and "PVC" not in mat.split("closest one in stock is")[1]
    assert products.asks_if_sold("what colour do you have then, same type") is None


def test_read_in_working_35_a_part_asked_of_one_shown_a_correction_and_a_thing_ruled_out(shop):
    """Read in working-35 (the played final-34): "卖猫爬架吗" asks whether we sell one; "DON'T suggest earbuds … over
    the ears, no cables" is the wireless over-ear headphones; "an umbrella for some shade" names no sunglasses; "那个红色的
    呢，有扶手吗" after three chairs asks of the red one (none), not for another with arms; "8寸的…啊不是，7寸" corrects
    the size; "滤网什么的无所谓了" lets the filter go; "a bicycle is too much money" rules the bicycle out; "200刀以内有
    耳机吗" with none within is the nearest above (the earbuds); "还有货吗" is no second request."""
    from agent.dialogue.parts import requests_in
    assert products.asks_if_sold("卖猫爬架吗") == "猫爬架" and products.asks_if_sold("卖完了吗") is None
    assert "346.97" in Conversation(shop).say("recommend", "need something to drown him out. over the ears, no cables. and "
                                                           "DON'T suggest earbuds, i can't stand stuff inside my ears")
    assert [n for n, _ in products.products_in("I'd love an umbrella for some shade")] == ["Patio Umbrella"]
    chair = Conversation(shop, "zh")
    chair.say("product_info", "你们有办公椅吗？想要网面透气的")
    assert "544.29" in chair.say("product_info", "那个红色的呢，有扶手吗")
    reader = Conversation(shop, "zh").say("product_info", "E-Reader 8寸的…啊不是，7寸 Wi-Fi only 8GB的还有货吗，多少钱啊")
    assert "7-inch, Wi-Fi, 8GB已售罄" in reader
    assert requests_in("E-Reader 7寸 Wi-Fi only 8GB的还有货吗，多少钱啊") == []
    purifier = Conversation(shop, "zh")
    purifier.say("product_info", "空气净化器，大房间用的，HEPA滤网的，有没有货？")
    assert "473.43" in purifier.say("product_info", "行吧 大房间 要智能传感器 滤网什么的无所谓了")
    assert products.unwanted("His mother says a bicycle is too much money.") == {"Bicycle"}
    assert products.unwanted("the laptop is too expensive, anything cheaper?") == set()
    assert "226.49" in Conversation(shop, "zh").say("product_info", "200刀以内有耳机吗😭 穷")


def test_read_in_working_36_chat_spellings_a_value_asked_of_one_shown_and_words_that_are_no_product(shop):
    """Read in working-36 (a writer's batch played unread at 78.1%): "youmeiyou"/"有木有" are 有没有; "请问有跑步机吗",
    "请问有 desktop PC 吗", "有没有单卖的口红" ask whether we sell one; "贵的那个是充电的吗" after three toothbrushes asks
    of the dearer one (no: AA batteries), "is it i7?" of the laptop just shown (yes); "the Google one — no, scratch
    that, the Apple HomeKit one. White vs black" compares HomeKit ones; a big dog's bed is large; "插电脑usb" names
    no laptop, "趴我键盘上" no keyboard to sell; "5G" is a network, no storage."""
    from agent.shopper_text import canonical
    from agent.variants import option_words
    assert canonical("你们youmeiyou无人机啊") == "你们有没有无人机啊" and canonical("电竞椅有木有") == "电竞椅有没有"
    assert products.asks_if_sold("请问有跑步机吗？家里客厅大概15平米") == "跑步机"
    assert products.asks_if_sold("请问有 desktop PC 吗？") == "desktop PC"
    assert products.asks_if_sold("就问一句 有没有单卖的口红 别给我推一堆套装") == "口红"
    assert products.asks_if_sold("你们有没有便宜点的啊") is None and products.asks_if_sold("请问有货吗") is None
    brush = Conversation(shop, "zh")
    brush.say("product_info", "黑色的电动牙刷多少钱")
    dearer = brush.say("product_info", "贵的那个是充电的吗")
    assert dearer.startswith("不是。") and "AA batteries" in dearer
    laptop = Conversation(shop)
    laptop.say("recommend", "what's your cheapest laptop")
    assert laptop.say("product_info", "is it i7?").startswith("Yes.")
    assert "262.47" in Conversation(shop).say("product_info", "Smart thermostat, the Google one — no, scratch that, the "
                                                              "Apple HomeKit one. White vs black, what's the price difference?")
    assert "large" in option_words("a pet bed for a big dog") and "gb" not in option_words("手机支持5G吗")
    assert "Laptop" not in [n for n, _ in products.products_in("桌上需要个小灯 最好能插电脑usb那种")]
    assert products.only_theirs("橘猫每天晚上非要趴我键盘上睡 想给它整个专属的窝") == {"Mechanical Keyboard"}


def test_read_in_working_37_a_need_corrected_a_value_asked_of_the_one_picked_and_what_breathes(shop):
    """Read in working-37 (the played final-35): "想买个跑步戴的耳机… 啊不对打错了 是跑步穿的鞋" asks for shoes; "cdb 2w毫安"
    is a 20000mAh power bank; "which of those breathes better?" after helmets asks their ventilation; "the small one.
    cotton?" after two tees asks of the small one (no: polyester); "Do you sell 咖啡豆?" is a thing we do not sell; "我会
    带camera 但这个不用推荐哈" refuses the camera."""
    shoes = Conversation(shop, "zh").say("recommend", "想买个跑步戴的耳机… 啊不对打错了 是跑步穿的鞋!! 我穿9码")
    assert "Running Shoes" in shoes and "Wireless Earbuds" not in shoes
    assert "20000mAh" in Conversation(shop, "zh").say("product_info", "cdb有吗 要2w毫安的")
    helmet = Conversation(shop)
    helmet.say("product_info", "Cycling helmets in size L?")
    assert "ventilation: high" in helmet.say("product_info", "Which of those breathes better? I sweat buckets on climbs.")
    tee = Conversation(shop)
    tee.say("product_info", "purple tee price?")
    small = tee.say("product_info", "the small one. cotton?")
    assert small.startswith("No.") and "purple, S, polyester" in small
    assert products.asks_if_sold("Do you sell 咖啡豆? Just got my espresso machine from you guys lol") == "咖啡豆"
    assert Conversation(shop).say("product_info", "Do you guys sell 电子秤? The kitchen scale kind").startswith(
        "We don't sell that.")  # (no Chinese word echoed into an English answer)
    assert "Digital Camera" in products.unwanted("btw 我会带camera 但这个不用推荐哈")
    # (tried as a newcomer: "do you have any gifts for…" asks for a suggestion, not whether we sell "gifts")
    assert products.asks_if_sold("hi, do you have any gifts for a 10 year old who loves drawing?") is None


def test_read_in_working_38_the_closest_both_ways_a_price_of_the_one_shown_and_a_value_wished(shop):
    """Read in working-38 (the played final-37): none with both values named gets the closest in stock keeping either
    ("5K and waterproof": the waterproof 4K one, or the 5K one that is not); "OK 那价格呢" and "what's the price on that"
    ask the one just shown; "有没有那种宿舍用的小冰箱卖" asks whether we sell a fridge (a fridge is no kind of 箱); "gas or
    charcoal? … electric would be ideal" shows an electric grill too; "没有 connectivity" is none; "is that the basic kit
    or the pro one" after three shown, one in stock, asks of that one, and "which brand is it?" next."""
    camera = Conversation(shop).say("product_info", "Does the action camera shoot 5K? and is that one waterproof")
    assert "466.75" in camera and "523.66" in camera
    notebook = Conversation(shop, "zh").say("product_info", "我要的是写字的笔记本，不是电脑哈。有没有硬壳的A5本子？")
    assert "28.59" in notebook and "32.29" in notebook
    coffee = Conversation(shop, "zh")
    coffee.say("product_info", "coffee maker 有带grinder的吗 想喝现磨的")
    coffee.say("product_info", "黑色那款是几杯的")
    assert "272.71" in coffee.say("product_info", "OK 那价格呢")
    laptop = Conversation(shop)
    laptop.say("product_info", "do you have laptops with an i9?")
    laptop.say("product_info", "the cheaper one - how much RAM does it have?")
    price = laptop.say("product_info", "and what's the price on that")
    assert "2530.72" in price and "2701.89" not in price
    assert products.asks_if_sold("有没有那种宿舍用的小冰箱卖 放饮料的就行") == "小冰箱"
    fridge = Conversation(shop, "zh").say("product_info", "有没有那种宿舍用的小冰箱卖 放饮料的就行")
    assert fridge.startswith("我们店里不卖小冰箱") and "Luggage Set" not in fridge
    assert products.asks_if_sold("我女儿皮肤偏黑，想给她买套化妆品，你们的化妆套装有没有适合深色皮肤的？") is None
    grill = Conversation(shop).say("product_info", "Is your grill gas or charcoal? I'm in an apartment so honestly "
                                                   "electric would be ideal, if that's even a thing")
    assert "electric" in grill and "981.47" in grill
    bulb = Conversation(shop).say("product_info", "LED bulb question: the 60W daylight 蓝牙 one vs the 60W daylight one "
                                                  "with 没有 connectivity, which is cheaper?")
    assert "48.55" in bulb and "51.54" in bulb
    kit = Conversation(shop)
    kit.say("recommend", "buying makeup for my gf's birthday, she has light skin, what do u have")
    assert "light, professional, Brand B" in kit.say("product_info", "is that the basic kit or the pro one")
    assert "Brand B" in kit.say("product_info", "which brand is it?")
    assert PRICE_ASKED.search("The office chair in mesh, gray, high back, fixed arms - what does that one cost?")


def test_read_in_working_39_a_yes_first_a_size_not_made_slips_by_ear_and_what_is_theirs(shop):
    """Read in working-39 (a thirty-ninth writer's batch, played once unread at 86.7%): a value asked in a yes/no
    question of a product named gets a yes first ("does the gaming mouse come in a wireless version"); "I'm a 9" is a
    size not made; "bycicle" and "most expensiv" are respelled; 中亮度 is medium and 无限的 wireless; the 16GB one of
    the laptop asked before, sold out, is said so though "能买吗" asks what is in stock; "只有白色吗 10码黑色的有没有"
    asks for black; what someone rides every day, or carries, is theirs, not the thing wanted; "去年装修换成电磁炉了"
    is no exchange."""
    from agent.catalogue_words import spelled

    assert Conversation(shop).say("product_info", "does the gaming mouse come in a wireless version").startswith("Yes.")
    sizes = Conversation(shop).say("product_info", "what sizes do the Sneakers come in? I'm a 9")
    assert "size 9" in sizes and sizes.startswith("We don't have")
    assert spelled("most expensiv bycicle?") == "most expensive bicycle?"
    assert "135.24" in Conversation(shop, "zh").say("product_info", "台灯 Desk Lamp 黑色 插电(AC adapter)的 高亮度 vs 中亮度 哪个便宜")
    assert "346.97" in Conversation(shop, "zh").say("product_info", "耳机那个over ear包耳的黑色的有线的和无限的哪个贵一点贵多少")
    laptop = Conversation(shop, "zh")
    laptop.say("product_info", "Laptop 15寸 i7 黑色的 有哪些配置 价格多少")
    assert "15-inch, i7, 16GB, 1TB SSD, black已售罄" in laptop.say("product_info", "那个16G内存的呢 能买吗")
    shoes = Conversation(shop, "zh")
    shoes.say("product_info", "帮我查下Running Shoes 10码的 多少钱")
    assert shoes.say("product_info", "只有白色吗 10码黑色的有没有").startswith("没有。暂时没有完全符合")
    helmet = Conversation(shop, "zh").say("recommend", "我男朋友每天骑自行车上下班 路上车特别多我老担心他 下个月他生日 "
                                                       "想送个能保护他安全的东西 两百块左右有吗")
    assert "Cycling Helmet" in helmet and "Bicycle" not in helmet
    assert "Backpack" in Conversation(shop).say("recommend", "need smth to carry my laptop + charger to campus every day, "
                                                             "~210 max, pls no leather lol")
    assert meant.meant_intent("exchange_item", {}, "想给我妈买个烧开水的壶，她去年装修换成电磁炉了，所以要能放电磁炉上用的那种，"
                                                   "一百块以内", {}) == "recommend"


def test_read_in_working_40_yes_or_no_first_the_longest_within_a_budget_and_what_they_read_on(shop):
    """Read in working-40 (a fortieth writer's batch, played once unread at 88.6%): "有用电池的吗" names the battery
    ones, with 有的 first, "支持HomeKit吗" 是的 (the clause ends at a space); "darker skin" is dark, "blk" black; "尽量长的"
    asks the longest within the budget; "有没有吹风机啊 急用" asks whether we sell it; "用平板看一会儿就说刺眼" is the
    tablet he has, not the one wanted; "is there a bigger one in wood?" with none such: No, first; "I can't charge it at
    work … what do you sell that fixes that" is a battery's charge, no payment's."""
    lamp = Conversation(shop, "zh").say("product_info", "台灯有用电池的吗 想放床头 不想拉线")
    assert lamp.startswith("有的。") and "battery" in lamp
    assert Conversation(shop, "zh").say("product_info", "智能温控器支持苹果的HomeKit吗 我家手机平板手表全是苹果的").startswith("是的。")
    assert "235.44" in Conversation(shop).say("product_info", "Do your makeup kits come in a shade for darker skin? If so, "
                                                              "what would the least expensive one cost?")
    glasses = Conversation(shop).say("product_info", "sunglasses polarized blk plastic frame, green lens vs brown lens whats the diff")
    assert "290.94" in glasses and "287.79" in glasses
    assert "98.61" in Conversation(shop, "zh").say("recommend", "一百美金以内 想买根尽量长的浇花水管 院子挺大的")
    assert products.asks_if_sold("有没有吹风机啊 急用 明天要出差") == "吹风机"
    reader = Conversation(shop, "zh").say("recommend", "想给我爸买个看书用的东西，他眼睛不太好，用平板看一会儿就说刺眼，想要屏幕"
                                                       "像纸一样的那种。270以内都行。")
    assert "E-Reader" in reader and "Tablet" not in reader
    assert meant.meant_intent("payment_issue", {}, "my phone keeps dying on my long shifts and I can't charge it at work. "
                                                   "what do you actually sell that fixes that??", {}) == "recommend"
    assert meant.meant_intent("payment_issue", {}, "you charged my card twice, what do you do about that?", {}) == "payment_issue"
    clock = Conversation(shop)
    clock.say("product_info", "do you have the wall clock in WOOD or not")
    assert clock.say("product_info", "FINE. is there a bigger one in wood? 10 inches is way too small").startswith("No.")


def test_read_in_working_41_a_letter_size_not_made_yes_to_your_and_the_one_settled_on(shop):
    """Read in working-41 (the played final-38): "I'm a XXL usually" is a size not made; "Does your vacuum cleaner come
    in a cordless version?" gets a yes first; "你们到底有没有帐篷？？？" asks whether we sell tents; "一百二十八个G" is
    128GB; "行，那就那个吧，多少钱？" asks the price of the one just shown."""
    fleece = Conversation(shop).say("product_info", "What sizes do the fleece jackets come in? I'm a XXL usually, big guy lol")
    assert fleece.startswith("We don't have the Fleece Jacket in size XXL")
    assert Conversation(shop).say("product_info", "Does your vacuum cleaner come in a cordless version?").startswith("Yes.")
    assert products.asks_if_sold("我已经问第三遍了！！！你们到底有没有帐篷？？？露营用的！！") == "帐篷"
    assert "128GB, black已售罄" in Conversation(shop, "zh").say("product_info", "平板电脑 十寸的 一百二十八个G 黑颜色的 现在有没有货啊")
    luggage = Conversation(shop, "zh")
    luggage.say("product_info", "我在看行李箱套装，三件套的现在有货的是什么颜色？")
    assert "495.87" in luggage.say("product_info", "行，那就那个吧，多少钱？")



def test_read_in_working_42_stock_of_each_yes_to_do_you_have_the_one_in_stock_and_a_colour_liked(shop):
    """Read in working-42 (the played final-41): "which colors do you have and are they in stock?" lists the sold-out
    ones too (and no "and are they" is asked whether we sell); "got hiking boots in size 11?" gets a yes first, a price
    asked beside it too; a sold-out one's price is said where it is asked; "有货的那个多少钱" after three shown, one in
    stock, is that one; "他喜欢红色但别的颜色也行" lists every colour, the red ones first; "要个…的包" wants one; the
    head words of two compared products' own pieces pick their variants."""
    laptop = Conversation(shop).say("product_info", "13-inch laptop, i7, 32GB RAM: which colors do you have and are they in stock?")
    assert "silver is sold out" in laptop and "We don't sell" not in laptop
    assert Conversation(shop).say("product_info", "got hiking boots in size 11?").startswith("Yes.")
    assert Conversation(shop).say("product_info", "Do you have a robot vacuum that's bagless and good with pet hair? "
                                                  "how much is it").startswith("Yes.")
    assert "197.37" in Conversation(shop, "zh").say("recommend", "帮我check一下 Sneakers size 8 gray canvas 的 还有没有货 price多少")
    coffee = Conversation(shop, "zh")
    coffee.say("product_info", "咖啡机有法压壶那种的吗")
    assert coffee.say("product_info", "有货的那个多少钱").count("$") == 1
    helmets = Conversation(shop, "zh").say("recommend", "给儿子买骑行头盔 M码 两百块以内有货的有哪些？他喜欢红色但别的颜色也行")
    assert helmets.index("196.73") < helmets.index("192.65")
    assert meant.meant_intent("exchange_item", {}, "孩子九月上初中了，要个能装笔记本电脑又能装课本的包，结实点的", {}) == "recommend"
    assert products.asks_if_sold("上次问你们有没有投影仪 客服说没有 结果我朋友说在你们这买过！！到底有没有") == "投影仪"
    assert products.asks_if_sold("想配个手机壳和钢化膜，你们卖不卖？") == "手机壳和钢化膜"  # (accessories: not the phone)
    both = Conversation(shop).say("product_info", "headphones or earbuds, can't decide. comparing the black over-ear "
                                                  "wireless headphones and the black earbuds with IPX7 and 4 hr battery. prices?")
    assert "346.97" in both and "257.38" in both
    assert "Espresso Machine" in Conversation(shop, "zh").say("product_info", "你们最贵的意式咖啡机是哪款 多少钱 老板说办公室要买最好的")
    vacuum = Conversation(shop)  # (working-20: "bags" of a vacuum's bagged and bagless is no backpack)
    vacuum.say("product_info", "show me your cheapest robot vacuum")
    assert "Backpack" not in vacuum.say("product_info", "does that one need bags?")
    assert "602.11" in vacuum.say("product_info", "meh. cheapest bagless robot then?")
    # (working-36: "找不到跑步机…到底有没有" asks whether we sell one; "how much is that one?" after three shown, one in
    # stock: that one)
    assert products.asks_if_sold("找了半天都找不到跑步机！！到底有没有？？没有就直说别浪费我时间") == "跑步机"
    mat = Conversation(shop)
    mat.say("recommend", "Looking for a yoga mat for my mom, 她膝盖不好 so the thicker the better")
    assert mat.say("product_info", "ok how much is that one?").count("$") == 1
    fleece = Conversation(shop).say("product_info", "two of your fleece jackets, both navy, extra large — one with the full "
                                                    "zip and one with the half zip. the difference in price?")
    assert "XL, navy, full" in fleece and "XL, navy, half" in fleece  # (working-34: extra large is XL)
    assert products.only_theirs("Do you sell smart thermostats? It needs to work with Google Assistant, we've got Google "
                                "speakers in every room") == {"Bluetooth Speaker"}  # (working-37: what they have got)
    assert meant.meant_intent("complaint", {}, "Hello dear, I wonder whether your shop has those lamps one puts on a writing "
                                               "desk. My eyes are not what they used to be", {}) == "recommend"
    case = Conversation(shop, "zh").say("product_info", "我的手机就是在你们家买的，黑色那款，想配个手机壳和钢化膜，你们卖不卖？")
    assert "不卖手机壳和钢化膜" in case and "6.5-inch" not in case  # (working-39: the accessory's phone is no answer)
    # (a product named by its English name is named by its own name: "LED Light Bulb … 想用手机 control": no phone)
    assert "LED Light Bulb" in Conversation(shop, "zh").say("product_info", "LED Light Bulb 有哪几种 connectivity？想用手机 control 卧室的灯")
    assert "E-Reader" in Conversation(shop, "zh").say("product_info", "请问有没有Kindle那种专门看电子书的东西？手机看久了眼睛酸")
    chair = Conversation(shop, "zh")  # ("别的颜色也行": any colour, the cheaper ones first)
    chair.say("product_info", "我想问一下那个办公椅有没有红色的有的话多少钱")
    cheaper = chair.say("product_info", "哎呀有点贵啊有没有便宜一点的别的颜色也行只要是网面的就行")
    assert cheaper.index("487.67") < cheaper.index("508.21")
    mat = Conversation(shop)  # (cheaper than what was shown, in the same thickness: those sold out said so)
    mat.say("product_info", "how much is the 6mm green yoga mat")
    assert "sold out" in mat.say("product_info", "anything cheaper in the same thickness? colour doesn't matter")
    boots = Conversation(shop, "zh").say("recommend", "想给他买一双登山靴当生日礼物。他穿美码10号，最好是防水的。价钱两百五十块上下我都能接受。")
    assert "253.89" in boots and "251.38" not in boots  # (a budget's 价钱 asks no sold-out one's price)
    # (some tens, about a hundred, a hundred and some; a wristwatch's name a smart watch's qualifies, its uses decide)
    assert (money.budget("几十块一百来块的"), money.budget("几十块"), money.budget("一百多块")) == (100, 90, 150)
    band = Conversation(shop, "zh").say("recommend", "有没有运动手环啊 就测步数心率那种 几十块一百来块的 手表太贵了买不起")
    assert "Smart Watch" in band and "$10 " not in band
    purifier = Conversation(shop, "zh")  # (the one in stock, unless another is named: "那中等房间…现在有货的那个呢")
    purifier.say("recommend", "有没有适合小房间用的空气净化器？十平米左右")
    purifier.say("product_info", "晚上睡觉开 带夜间模式的那个多少钱")
    assert "medium, HEPA, night mode" in purifier.say("product_info", "那中等房间带夜间模式、现在有货的那个呢")
    # (found trying the service: gifts asked for are a need, not the promotions)
    assert meant.meant_intent("price_promo", {}, "got any gifts for a 5 year old under 50 bucks", {}) == "recommend"


def test_read_in_working_44_ends_of_a_size_shared_wishes_and_the_one_named_before_the_others(shop):
    """Read in working-44 (the played final-43): "wood 的最高有几 ft" is the tallest wood one; "十九巴", "一点五升自动的"
    are 19 bar and 1.5L automatic; a thing described by its use with a length asked ("花园里浇水用的管子，都有多长的")
    lists the hose's lengths, the option's name in Chinese; "黑色M码…黑色其他码有没有" says the black M is sold out
    before the others; "高背的" of two compared chairs holds for both; "the lowest unit price" is the cheapest; a
    "small print shop" is no size S; "有dianfanbao吗 就是电饭煲" and "手机壳到底有还是没有" ask whether we sell one."""
    assert "6 ft" in Conversation(shop, "zh").say("product_info", "Bookshelf wood 的最高有几 ft？家里层高有限 怕放不下")
    espresso = Conversation(shop, "zh")
    assert "2742.67" not in espresso.say("recommend", "我想看看那个意式咖啡机十九巴的都有哪些")
    espresso.say("product_info", "胶囊的一升那个多少钱")
    assert "3289.46" in espresso.say("product_info", "那一点五升自动的呢")
    hose = Conversation(shop, "zh").say("product_info", "您好，请问你们卖的那种花园里浇水用的管子，都有多长的？我家院子比较大。")
    assert "25ft" in hose and "长度" in hose and "length" not in hose
    fleece = Conversation(shop, "zh").say("product_info", "抓绒外套黑色M码到底什么时候能买？？？黑色其他码有没有 多少钱")
    assert fleece.index("已售罄") < fleece.index("159.92") and "149.48" in fleece
    chairs = Conversation(shop, "zh").say("product_info", "想买个高背的办公椅 灰色真皮的和蓝色真皮的 差多少钱？扶手有区别吗")
    assert "499.28" in chairs and "471.82" not in chairs
    assert "46.66" in Conversation(shop).say("product_info", "I run a small print shop and want 30 plain t-shirts. "
                                                             "What's the lowest unit price among the ones you have in stock?")
    assert products.asks_if_sold("有dianfanbao吗 就是电饭煲 宿舍用的小的就行") == "电饭煲"
    assert products.asks_if_sold("在你们店里翻了二十分钟了！！！手机壳到底有还是没有？？？") == "手机壳"


def test_read_in_working_43_the_one_before_which_has_more_that_one_and_what_the_question_opens_with(shop):
    """Read in working-43 (the played final-42): "那就刚才那个 多少钱" after cheaper ones is the one shown before them;
    "which one has more RAM" after two laptops sets both side by side, the one with more first; "那个有扶手吗" /
    "那个waterproof吗" after one shown is a yes or a no of that one; "500以内的…有哪些" lists every one within it; the
    closest grill keeps what the question opens with too ("有gas的吗"); "电池款" is the AA one; two things wanted in
    one long message ("…然后还想要一个能装水袋的大包") are both recommended; "有没有卖那个跑步机…还有就是哑铃" and
    "有没有卖drone啊" ask whether we sell one; "what kitchen stuff DO you sell?" after a thing not sold is the kitchen's."""
    makeup = Conversation(shop, "zh")
    makeup.say("recommend", "想给女朋友买套化妆的 她皮肤偏白 有合适的吗")
    makeup.say("recommend", "有便宜点的基础款吗")
    assert "243.62" in makeup.say("product_info", "好吧 那就刚才那个 多少钱")
    laptop = Conversation(shop)
    laptop.say("product_info", "how much is the black 17 inch laptop?")
    laptop.say("product_info", "what about silver?")
    more = laptop.say("product_info", "which one has more RAM")
    assert more.index("32GB") < more.index("8GB")
    chair = Conversation(shop, "zh")
    chair.say("product_info", "办公椅 蓝色皮的 高背的有吗 多少钱")
    assert chair.say("product_info", "那个有扶手吗").startswith("没有")
    camera = Conversation(shop, "zh")
    camera.say("product_info", "帮我查一下 Action Camera 5K的 有哪些in stock")
    assert camera.say("product_info", "那个waterproof吗").startswith("不是")
    assert "499.29" in Conversation(shop, "zh").say("recommend", "500以内的行李箱有哪些")
    assert "gas, portable" in Conversation(shop, "zh").say("product_info", "Grill有gas的吗? size要large, 带rotisserie的")
    assert "208.07" in Conversation(shop, "zh").say("product_info", "电动牙刷 黑色高速档的 充电款和电池款那个便宜")
    hike = Conversation(shop, "zh").say("recommend", "下个月要去徒步三天两夜都是山路想买一双鞋子要防水的然后还想要一个能装水袋的大包你们这边有吗")
    assert "Hiking Boots" in hike and "Backpack" in hike
    assert products.asks_if_sold("你们店里面有没有卖那个跑步机就是家里用的那种跑步机还有就是哑铃你们有没有") == "跑步机"
    assert products.asks_if_sold("你们有没有卖drone啊 想拍一些aerial的旅行视频") == "drone"
    assert products.asks_if_sold("有卖那种的吗") is None
    kitchen = Conversation(shop).say(
        "product_info", "Quick q - do you sell printers? If not, no worries, what kitchen stuff DO you sell?")
    assert all(n in kitchen for n in ("Coffee Maker", "Espresso Machine", "Electric Kettle", "Tea Kettle"))
    # (found replaying: "你们到底有没有…" asks of a thing, not of 你们; two things wanted, one with a size named: both)
    assert products.asks_if_sold("你们到底有没有卖game console啊？？PS5 Switch都行，网站上找了半天都找不到") == "game console"
    both = Conversation(shop).say("recommend", "Hi! My daughter is 9 and her friends just got into skating at the park. I want "
                                               "to get her set up - something to ride on, and something to protect her head "
                                               "because I'm a nervous mom lol. Maybe $400 for both? Her head is small if that matters.")
    assert "Skateboard" in both and "Cycling Helmet" in both
    # (found trying the service: "刚才那个多少钱" after a list is a price of that product, not the promotions)
    espresso = Conversation(shop, "zh")
    espresso.say("product_info", "那个意式咖啡机十九巴的有几款")
    assert meant.meant_intent("price_promo", {}, "刚才那个多少钱", espresso.context) == "product_info"


def test_read_in_working_45_and_46_a_thing_not_sold_beside_one_sold_and_one_of_those_listed_pointed_at(shop):
    """working-45/-46 (final-44 and final-45 read): a thing not sold asked after one we sell, or after one not sold
    ("睡袋呢"); one of those just listed pointed at by its price, as the other one or by having more; a product gone back
    to keeps what was asked of it; "有线无线都行" asks neither; what the shopper sits at is theirs."""
    assert products.asks_if_sold("Do you sell dumbbell sets? And resistance bands? We'd want around 10") == "resistance bands"
    assert products.asks_if_sold("got a robot vacuum? how much is the cheapest 1. and mops??") == "mops"
    assert products.asks_if_sold("请问有卖 yoga mat 吗？还有 yoga 砖") == "yoga 砖"
    assert products.asks_if_sold("有手机壳卖不 苹果13的") == "手机壳"
    assert products.asks_if_sold("你们到底有没有卖电饭煲？？？问了三遍了！！") == "电饭煲"  # (not "卖电饭煲")
    assert products.asks_if_sold("睡袋呢", "帐篷") == "睡袋" and products.asks_if_sold("价格呢", "帐篷") is None
    assert products.asks_if_sold("Do you sell laptops? And the price?") is None
    assert products.asks_if_sold("你们卖的是正品吗") is None  # (genuine goods, no thing)
    gym = Conversation(shop).say("product_info", "Do you sell dumbbell sets? And resistance bands? What weight ranges?")
    assert gym.startswith("We don't sell resistance bands.") and "30-50 lbs" in gym
    camp = Conversation(shop, "zh")
    camp.say("product_info", "卖帐篷吗")
    assert "不卖睡袋" in camp.say("product_info", "睡袋呢")
    printer = Conversation(shop, "zh").say("recommend", "想问下你们有没有printer卖 还有A4的notebook")
    assert "不卖printer" in printer and "32.29" in printer
    glasses = Conversation(shop, "zh")
    glasses.say("product_info", "有没有silver frame的sunglasses")
    glasses.say("product_info", "polarized那个 镜片什么颜色")
    assert "297.33" in glasses.say("product_info", "ok 那另一个多少钱来着")  # (the non-polarized one)
    coffee = Conversation(shop, "zh")
    coffee.say("product_info", "你们咖啡机到底有没有带磨豆功能的")
    coffee.say("product_info", "贵的那个 几杯量的")
    assert "stainless steel" in coffee.say("product_info", "便宜那个什么颜色")
    grill = Conversation(shop)
    grill.say("product_info", "yo u got grills? gas ones")
    grill.say("product_info", "the big one w the rotisserie?")
    assert "1042.19" in grill.say("product_info", "ugh fine the cheaper portable one then. how much")
    puzzle = Conversation(shop)
    puzzle.say("recommend", "my grandson wants a jigsaw puzzle with animals on it")
    puzzle.say("product_info", "Which one is the hardest?")
    assert "53.72" in puzzle.say("product_info", "Of the ones you can actually buy, the one with more pieces then. What does it cost?")
    bottle = Conversation(shop, "zh")
    bottle.say("product_info", "500ml的玻璃水杯有什么颜色")
    bottle.say("product_info", "对了 顺便问下A5的本子还有吗")
    assert "45.13" in bottle.say("product_info", "好 回到刚才那个杯子 黑色的多少钱")  # (the 500ml glass one)
    watch = Conversation(shop, "zh").say("product_info", "想给老公买块手表 皮表带黑表盘的 和 钢带黑表盘的 价格差多少？")
    assert "1908.15" in watch and "2127.62" in watch and "219.47" in watch
    earbuds = Conversation(shop, "zh").say("recommend", "有没有200以下的耳机啊 有线无线都行 没有的话最便宜的是多少")
    assert "226.49" in earbuds
    gamer = Conversation(shop, "zh").say("recommend", "男朋友是个游戏宅 下班回来就坐电脑前面打游戏 预算三百美元以内 送什么好啊")
    assert "Laptop" not in gamer and "Gaming Mouse" in gamer
    from agent.dialogue.meant import meant_intent
    assert meant_intent("out_of_scope", {}, "looking at the 3ft bookshelves", {}) == "product_info"
    assert "549.84" in Conversation(shop).say("product_info", "looking at the 3ft bookshelves")
    hose = Conversation(shop, "zh").say("recommend", "想买根浇花的水管 一百块以内的有啥")
    assert "98.61" in hose and "99.51" in hose
    power = Conversation(shop).say("product_info", "do you carry power banks? If so, is there one that charges wirelessly? "
                                                   "My phone case makes cables a pain")
    assert "102.07" in power and "109.27" in power
    water = Conversation(shop, "zh")
    water.say("product_info", "1000ml的水瓶是什么材质的？不要塑料的，塑料的有味道")
    assert "46.51" in water.say("product_info", "那黑色的多少钱")  # (the 1000ml stainless steel black one)
    charger = Conversation(shop, "zh").say("product_info", "两万毫安的充电宝 是type-c口还是USB口")
    assert "Wireless" in charger and "USB-C" in charger  # (every output of the 20000mAh ones, not the one named)
    dumbbells = Conversation(shop).say("product_info", "the 30-50 lbs dumbbell set, what's it made of? 铁的还是橡胶的?")
    assert "urethane" in dumbbells and "iron" in dumbbells
    camera = Conversation(shop, "zh")
    camera.say("product_info", "想看看数码相机 要能拍远的 十倍变焦那种")
    assert "SD card" in camera.say("product_info", "就它吧 它用什么卡")
    shelves = Conversation(shop).say("product_info", "Could you tell me what your bookshelves are made of? And is there one "
                                                     "that is six feet tall in white?")
    assert shelves.index("metal") < shelves.index("531.57") and "wood" in shelves  # (both questions, in their order)


def test_two_needs_one_each_an_either_or_in_words_of_one_side_an_attribute_asked_beside_a_value_in_passing(shop):
    chair = Conversation(shop).say("recommend", "Setting up a home office. My back is wrecked from working on the sofa and "
                                                "I drink like 5 coffees a day. What do you recommend?")
    assert "Office Chair" in chair and "Coffee Maker" in chair  # (a need each, in clauses of their own)
    uni = Conversation(shop).say("recommend", "need stuff for uni, smth to carry my laptop around campus + smth to take "
                                              "notes in, not too pricey pls")
    assert "Backpack" in uni and "Notebook" in uni
    brush = Conversation(shop, "zh").say("product_info", "电动牙刷是充电的还是要放电池的？老换电池麻烦")
    assert "AA" in brush and "rechargeable" in brush  # (the battery's every kind, "放电池" in no catalogue word)
    espresso = Conversation(shop, "zh").say("product_info", "Espresso machine的pressure是多少bar? 听说要15 bar以上才好喝")
    assert "9 bar" in espresso and "19 bar" in espresso  # (every pressure: the 15 bar is said in passing)
    boots = Conversation(shop).say("product_info", "SIZE 10 LEATHER WATERPROOF HIKING BOOTS. In stock or not??")
    assert "251.38" in boots  # (that one, sold out; the question asks its stock, not a size)
    cheapest = Conversation(shop, "zh").say("recommend", "你们店里最便宜的东西是啥😂 穷学生一个")
    assert "28.59" in cheapest  # (the whole shop's cheapest, a need beside it or not)
    consoles = Conversation(shop).say("product_info", "u sell game consoles? ps5 or switch, whatever's cheaper")
    assert "don't sell game consoles" in consoles
    scooter = Conversation(shop, "zh").say("product_info", "请问有没有卖electric scooter的? 每天commute五公里")
    assert "不卖electric scooter" in scooter and "Bicycle" in scooter
    assert meant.meant_intent("complaint", {}, "刚开始练瑜伽 膝盖不太好 你们瑜伽垫有几种厚度啊", {}) == "product_info"
    from agent.shopper_text import canonical
    assert canonical("好吧 那游戏鼠标呢 要无线的 宿舍线太乱了").endswith("要无线的 宿舍线太乱了")  # (no slip for 无限的)
    shoes = Conversation(shop).say("product_info", "size 10 - sneakers or running shoes, which do you actually have in "
                                                   "stock and how much")
    assert "189.50" in shoes and "154.75" in shoes  # (the size said first, of both)
    camera = Conversation(shop, "zh")
    camera.say("product_info", "帮我check一下action camera有5K的吗")  # (three, one of them in stock)
    assert "不是" in (it := camera.say("product_info", "那个waterproof吗")) and "not waterproof" in it and "466.75" not in it


def test_how_to_buy_is_answered_of_the_product_named_for_this_chat_places_no_orders(shop):
    how = Conversation(shop).say("product_info", "how do I buy the backpack?")
    assert "Backpack" in how and "cart" in how and "can't place orders" in how
    lamp = Conversation(shop, "zh")
    lamp.say("recommend", "推荐个台灯 学生用")
    assert "台灯" in (bought := lamp.say("product_info", "好 就它了 怎么买")) and "购物车" in bought
    context = {"task": {"intent": "recommend", "products": ["Desk Lamp"]}, "product": "Desk Lamp"}
    assert meant.meant_intent("thanks_bye", {}, "好 就它了 怎么买", context) == "product_info"
    assert meant.meant_intent("cancel_order", {}, "can I order through this chat?", {}) == "product_info"
    assert meant.meant_intent("refund_status", {}, "how do I get my money back for #W6247578", {}) == "refund_status"
    assert meant.meant_intent("payment_issue", {}, "怎么买不了啊 一直付款失败", {}) == "payment_issue"

