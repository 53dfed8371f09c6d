"""What the LLM tier is given: a tool's result as short lines within a token budget, the recent turns within
theirs, and the product a question is about found from its words where they say one (no model call)."""
import pytest

from agent.llm_facts import FACT_TOKENS, cut, estimate_tokens, fact_lines
from agent.nodes import _history_messages, _product_meant
from tools.shop import open_shop


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    shop = open_shop(f"sqlite:///{tmp_path_factory.mktemp('shop')}/shop.db")
    yield shop
    shop.close()


def test_a_products_variants_become_lines_in_stock_first_within_the_budget(shop):
    result = shop.call("get_product_details", {"product_id": "8024098596"}, as_shopper=None)
    lines = fact_lines({"tool": "get_product_details", "result": result}, "en").splitlines()
    assert lines[0] == "Product: Tablet"
    assert "- 10-inch, 32GB, black: $1054.43 (in stock)" in lines
    stock = [line.endswith("(in stock)") for line in lines[1:]]
    assert stock == sorted(stock, reverse=True)  # every one in stock before any sold out
    assert estimate_tokens("\n".join(lines)) <= FACT_TOKENS
    small = fact_lines({"tool": "get_product_details", "result": result}, "zh", budget=40).splitlines()
    assert 1 < len(small) < len(lines) and small[1].endswith("(有货)")


def test_promotions_in_the_shoppers_language_with_their_coupons(shop):
    result = shop.call("list_promotions", {}, as_shopper=None)
    zh = fact_lines({"tool": "list_promotions", "result": result}, "zh")
    en = fact_lines({"tool": "list_promotions", "result": result}, "en")
    assert "购买手机" in zh and "PHONE-POWER15" in zh and "smartphone" in en and "PHONE-POWER15" in en
    assert fact_lines({"tool": "list_promotions", "result": {"error": "There is no product 1."}}, "en") == "There is no product 1."


def test_the_recent_turns_are_kept_newest_first_within_their_budget():
    long = "我想问一下" * 200
    history = [{"shopper": f"question {i}", "reply": long if i in (2, 5) else f"answer {i}"} for i in range(6)]
    messages = _history_messages({"history": history})
    assert messages[-1]["content"].startswith("我想问一下") and messages[-1]["content"].endswith("…")
    assert estimate_tokens(messages[-1]["content"]) <= 60
    assert messages[-2]["content"] == "<shopper>question 5</shopper>"
    assert [m["content"] for m in messages[::2]] == [f"<shopper>question {i}</shopper>" for i in (3, 4, 5)]  # not 2
    assert sum(estimate_tokens(m["content"]) for m in messages) <= 120
    assert cut("short", 10) == "short"


def test_the_product_meant_is_found_without_the_model_where_the_words_say_one(shop):
    catalogue = shop.call("list_all_product_types", {}, as_shopper=None)
    assert _product_meant("is the tablet good for kids?", catalogue) == catalogue["Tablet"]
    # one product whose use the words name
    assert _product_meant("how long does the battery last on the thing for brushing teeth?", catalogue) \
        == catalogue["Electric Toothbrush"]
    # several a use may mean, or none: the model picks from the catalogue
    assert _product_meant("how long does the battery last on the gadget that cleans the floor by itself?", catalogue) is None
    assert _product_meant("how many hours does the battery last on the small device for brushing?", catalogue) is None
    # none named: the one talked about just before
    assert _product_meant("does it come with a case?", catalogue, "E-Reader") == catalogue["E-Reader"]
