"""The conversation's language: the shopper's own words decide, names and catalogue words do not."""
from agent.language import conversation_language as lang


def test_the_first_message_sets_it():
    assert lang("我的order W2378156 到哪了", None) == "zh"
    assert lang("帮我check一下这个order", None) == "zh"
    assert lang("where is my parcel", None) == "en"
    assert lang("W2378156", None) == "en" and lang("W2378156", None, default="zh") == "zh"


def test_names_emails_addresses_and_catalogue_words_keep_a_chinese_conversation():
    for message in ("我叫Mia Chen 邮编10001", "我叫Mia Chen邮编10001", "Aarav Gonzalez 78268",
                    "mia.chen@example.com", "退Air Purifier", "Vacuum Cleaner", "换成 type on-ear",
                    "新地址 19 Birch Court, Suite 3, Boston, MA, 02108", "ok", "#W2378156", "yes"):
        assert lang(message, "zh") == "zh", message
    assert lang("新地址是 77 Riverside Ave, 3楼 (Floor 3), Jacksonville FL 32204", None) == "zh"  # (first message)


def test_a_real_switch_is_followed():
    assert lang("sorry can you answer in English please", "zh") == "en"
    assert lang("还是说中文吧，我的订单到哪了", "en") == "zh"
    assert lang("thanks, and when does it arrive?", "en") == "en"
    # (an English question about a product: its name counts half beside English grammar)
    assert lang("is the helmet waterproof?", "zh") == "en"
    assert lang("email x@y.com, reason: ordered by mistake", "zh") == "zh" and lang("got it thx", "zh") == "zh"
    # (an English writer's few Chinese words around an option's name are no switch: working-44)
    assert lang("那 black 的呢", "en") == "en" and lang("那个 black 的呢", "zh") == "zh" and lang("yes 确认", "en") == "zh"


def test_traditional_characters_are_read_in_simplified():
    from agent.shopper_text import canonical

    assert canonical("請問我買的平板電腦到了沒有？Ｗ１２３４５６７") == "请问我买的平板电脑到了没有？W1234567"


def test_a_first_message_in_both_is_read_by_its_grammar():
    assert lang("10 inch tablet, max storage 是多少? price?", None) == "en"  # (working-22)
    assert lang("hi 我要cancel order #W1068289", None) == "zh"
    assert lang("hello 我要改order W1046662 的shipping address, email a.b@example.com", None) == "zh"
    assert lang("pls cancel my order W2579604, 不想要了 too much stuff", None) == "en"
    assert lang("can you check the status of 我的 order please", None) == "en"
    # the shop's words around a little Chinese grammar, no English grammar: Chinese
    assert lang("change payment method 可以吗? order W8883368", None) == "zh"
    assert lang("帮我cancel一下order #W1068289, ordered by mistake. Yara Patel, zip 76130", None) == "zh"


def test_a_later_message_in_both_keeps_the_language():
    assert lang("ok 那到了我再退吧", "en") == "en"
    assert lang("what?? can't cancel? 那它现在到哪了", "en") == "en"
    assert lang("帮我check一下这个order", "zh") == "zh"
    assert lang("email a.b@example.com, reason是ordered by mistake", "zh") == "zh"
    assert lang("那它现在到哪了", "en") == "zh"  # Chinese only: a real switch


def test_a_house_number_and_an_apartment_read_out_in_words_are_digits():
    from agent.shopper_text import canonical

    assert canonical("one twenty river walk drive apartment four b") == "120 river walk drive apartment 4B"
    assert canonical("twelve hundred elm street") == "1200 elm street"
    assert canonical("two oh five main street unit twelve") == "205 main street unit 12"
    for words in ("the one on elm street", "I want the blue one", "one more thing about my order"):
        assert canonical(words) == words


def test_punctuation_dictated_as_words_is_punctuation():
    from agent.shopper_text import canonical

    assert canonical("422 West Olive Avenue comma Apt 3C comma Los Angeles comma CA 90015") == \
        "422 West Olive Avenue, Apt 3C, Los Angeles, CA 90015"
    assert canonical("那个哑铃发货了没有句号") == "那个哑铃发货了没有。"
    assert canonical("what is the return period") == "what is the return period"  # a word, not a full stop


def test_an_english_sentence_of_product_names_with_a_chinese_question_word_is_english():
    assert lang("french press vs drip coffee maker, 哪个便宜? black ones", None) == "en"
    assert lang("the cheapest 4K 的 indoor security camera 多少?", None) == "en"
    assert lang("我想退Air Purifier", None) == "zh"
    assert lang("帮我check一下Wireless Earbuds的order", None) == "zh"


def test_a_first_message_is_answered_in_the_language_of_its_one_question():
    """An English question with a remark in Chinese after it, or the other way round: the question's language."""
    assert lang("hey quick q, can the patio umbrella tilt? 我家阳台下午太晒了", None) == "en"
    assert lang("Any smart watch under 330 dollars? 现在有货的", None) == "en"
    assert lang("有没有蓝牙音箱? my kid loves music", None) == "zh"
    assert lang("french press vs drip coffee maker, 哪个便宜? black ones", None) == "en"
    assert lang("hi 我要cancel order", None) == "zh"
