"""The shop's rules hold whatever the LLM says (issue #5): tried with a model that names an order action
and another shopper in its tool call, and writes that it cancelled and refunded. The graph, not the model,
chooses the tool; the tool takes only its own arguments, scoped to the proven shopper; the output rails
strike what the model claims to have done."""
import pytest

from tests import services
from tests.rogue_llm import rogue_llm_server
from tests.test_flows import YUSUF, Chat, status_of

# no product a flow can name, nor one product whose use it names: the model picks the product
PRODUCT_QUESTION = "how many hours does the battery last on the small device for brushing?"
TOOTHBRUSH = "7352963235"
PENDING = "#W6247578"  # one of yusuf_rossi_9620's pending orders
MEI, MEI_EMAIL = "mei_kovacs_8020", "mei.kovacs8232@example.com"


@pytest.fixture(scope="module")
def rogue_stack(tmp_path_factory):
    shop_db_url = f"sqlite:///{tmp_path_factory.mktemp('shop')}/shop.db"
    with rogue_llm_server() as (llm_url, rogue):
        env = {"REDIS_URL": "", "KAFKA_BOOTSTRAP_SERVERS": "", "SHOP_DB_URL": shop_db_url, "LLM_BASE_URL": llm_url,
               "LLM_MAX_RETRIES": "0", "FRUSTRATION_THRESHOLD": "1.01"}
        with services.service_process(env) as (url, _):
            yield {"url": url, "shop_db_url": shop_db_url, "rogue": rogue}


@pytest.fixture
def rogue(rogue_stack):
    model = rogue_stack["rogue"]
    model.requests.clear()
    return model


def signed_in_chat(url: str) -> Chat:
    chat = Chat(url)
    chat.say(f"hi, my email is {YUSUF}")
    return chat


def test_a_forced_order_action_changes_nothing_and_is_not_claimed(rogue_stack, rogue):
    rogue.tool, rogue.arguments = "cancel_order", {"order_id": PENDING, "reason": "ordered by mistake"}
    rogue.answer = f"Done! I've cancelled your order {PENDING} and the full amount is on its way back to your card."
    reply = signed_in_chat(rogue_stack["url"]).say(PRODUCT_QUESTION)
    assert reply["route"] == "llm", reply
    assert status_of(rogue_stack, PENDING) == "pending"  # the graph ran its own tool, which refused those arguments
    shown = rogue.shown()
    # the tool's refusal of those arguments is what the model is given, not a product
    assert "<tool_result>" in shown and "Product:" not in shown.split("<tool_result>", 1)[1]
    assert "cancelled your order" not in reply["text"]
    assert {"policy_id": "commitments", "rule": "action_not_taken", "action": "rewrite"} in reply["rails"]


def test_a_forced_shopper_in_the_arguments_reads_nobody_elses_data(rogue_stack, rogue):
    rogue.arguments = {"product_id": TOOTHBRUSH, "user_id": MEI}
    # (a grounded first sentence: "runs for weeks on a charge" would be struck, the catalogue lists no battery life)
    rogue.answer = f"The Electric Toothbrush comes in white, blue and black. {MEI_EMAIL} bought one last month too."
    reply = signed_in_chat(rogue_stack["url"]).say(PRODUCT_QUESTION)
    assert reply["route"] == "llm", reply
    shown = rogue.shown()
    assert "Electric Toothbrush" in shown.split("<tool_result>", 1)[1]  # the tool ran, on the product named
    assert MEI not in shown and MEI_EMAIL not in shown
    assert MEI_EMAIL not in reply["text"] and "Electric Toothbrush" in reply["text"]


def test_a_model_too_slow_for_the_shoppers_wait_answers_with_what_it_has_shown_or_an_honest_fallback(tmp_path):
    """LLM_ANSWER_SECONDS: past it, the sentences already streamed (and passed by the rails) are the answer;
    with none yet, the fallback. A real model on CPU is slow only by accident, so a scripted one is slowed."""
    import time
    with rogue_llm_server() as (llm_url, rogue):
        env = {"REDIS_URL": "", "KAFKA_BOOTSTRAP_SERVERS": "", "SHOP_DB_URL": f"sqlite:///{tmp_path}/shop.db",
               "LLM_BASE_URL": llm_url, "LLM_MAX_RETRIES": "0", "FRUSTRATION_THRESHOLD": "1.01",
               "LLM_ANSWER_SECONDS": "2"}
        with services.service_process(env) as (url, _):
            rogue.arguments = {"product_id": TOOTHBRUSH}
            rogue.answer = "Happy to help with that. " + "Let me tell you more about it " * 20
            rogue.word_seconds = 0.1  # the first sentence in half a second, the whole in a minute
            started = time.monotonic()
            reply = Chat(url).say(PRODUCT_QUESTION)
            assert time.monotonic() - started < 6
            assert reply["route"] == "llm" and reply["text"] == "Happy to help with that.", reply
            rogue.word_seconds = 3  # nothing before the deadline
            reply = Chat(url).say(PRODUCT_QUESTION)
            assert reply["route"] == "llm_fallback" and "colleague" in reply["text"], reply
