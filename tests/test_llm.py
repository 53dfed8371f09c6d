"""The LLM tier against the real vLLM server with the bundled Qwen2.5 0.5B model."""
import asyncio
import json
import time

import httpx
import websockets

from agent.llm import LLMClient
from tests import services
from tests.test_api import open_session, stream_url, wait_done

# these tests exercise the LLM tier: no turn of theirs may be handed to a human for its tone
# (frustration routing is tried in test_flows.py and the conversation suite)
LLM_ROUTE = {"FRUSTRATION_THRESHOLD": "1.01"}
# and the tier's mechanics (streaming, timeouts) are tried on a turn no fast-path flow may claim,
# whatever the intent model makes of its wording
OPEN_QUESTION = {**LLM_ROUTE, "INTENT_CONFIDENCE_THRESHOLD": "1.01"}


async def test_named_tool_call_returns_the_arguments(llm_base_url):
    llm = LLMClient(llm_base_url, "shop-llm", timeout=60)
    tools = [{"type": "function", "function": {
        "name": "get_order_details", "description": "Look up an order by its id.",
        "parameters": {"type": "object", "properties": {"order_id": {"type": "string"}},
                       "required": ["order_id"]}}}]
    messages = [{"role": "user", "content": "Where is my order #W2378156?"}]
    arguments = await llm.call_tool(messages, tools, "get_order_details")
    assert "2378156" in arguments["order_id"]
    await llm.close()


async def test_free_form_answer_streams_tokens_to_the_session(llm_base_url, tmp_path):
    env = {"LLM_BASE_URL": llm_base_url, "LLM_TIMEOUT_SECONDS": "60",
           "LLM_ANSWER_SECONDS": "60", "LLM_MAX_TOKENS": "40",
           "SHOP_DB_URL": f"sqlite:///{tmp_path}/shop.db",
           **OPEN_QUESTION}
    with services.service_process(env) as (url, _):
        async with websockets.connect(stream_url(url, open_session(url))) as ws:
            await ws.send(json.dumps({"text": "Can you tell me a little about how your shop can help me?"}))
            tokens = []
            while (event := json.loads(await asyncio.wait_for(ws.recv(), 120)))["type"] != "reply":
                if event["type"] == "token":
                    tokens.append(event["text"])
        reply, streamed = event["reply"], "".join(tokens).strip()
        assert reply["route"] == "llm"
        # what streams has passed the output rails: the whole reply, or the sentences before one they changed
        if reply["rails"]:
            assert reply["text"].startswith(streamed), (reply, streamed)
        else:
            assert len(tokens) > 3 and reply["text"] == streamed


def test_unresponsive_llm_gives_an_honest_fallback_not_a_hang(unresponsive_llm, tmp_path):
    env = {"LLM_BASE_URL": unresponsive_llm, "LLM_TIMEOUT_SECONDS": "1", "LLM_MAX_RETRIES": "0",
           "SHOP_DB_URL": f"sqlite:///{tmp_path}/shop.db",
           **OPEN_QUESTION}
    with services.service_process(env) as (url, _):
        opened = open_session(url)
        started = time.monotonic()
        response = httpx.post(f"{url}/v1/chat", json={"session_id": opened["session_id"],
                                                      "text": "Could you explain something complicated to me?"},
                              headers=opened["headers"], timeout=30)
        assert response.status_code == 200 and time.monotonic() - started < 10
        reply = response.json()["reply"]
        assert reply["route"] == "llm_fallback" and "colleague" in reply["text"]


def test_chat_times_out_with_504_and_the_turn_still_completes(unresponsive_llm, tmp_path):
    env = {"LLM_BASE_URL": unresponsive_llm, "LLM_TIMEOUT_SECONDS": "2", "LLM_MAX_RETRIES": "0",
           "CHAT_TIMEOUT_SECONDS": "0.5", "SHOP_DB_URL": f"sqlite:///{tmp_path}/shop.db",
           **OPEN_QUESTION}
    with services.service_process(env) as (url, _):
        opened = open_session(url)
        response = httpx.post(f"{url}/v1/chat", json={"session_id": opened["session_id"],
                                                      "text": "Could you explain something complicated to me?"},
                              headers=opened["headers"])
        assert response.status_code == 504
        body = response.json()
        assert body["error"]["code"] == "reply_timeout" and body["request_id"].startswith("r_")
        assert wait_done(url, body["request_id"], opened["headers"])["reply"]["route"] == "llm_fallback"


def test_product_question_is_answered_by_the_llm_with_a_named_tool_call(llm_base_url, tmp_path):
    """A product question the fast path cannot close (no product it can name, nor one product whose use it
    names) goes to the LLM; the graph decides it needs get_product_details; the model picks the product_id
    from the catalogue it is shown; the tool runs on the real shop; the answer is grounded in its result."""
    env = {"LLM_BASE_URL": llm_base_url, "LLM_TIMEOUT_SECONDS": "90",
           "LLM_ANSWER_SECONDS": "90", "LLM_MAX_TOKENS": "60",
           "CHAT_TIMEOUT_SECONDS": "180",  # two model calls on a shared 2-core CPU
           "SHOP_DB_URL": f"sqlite:///{tmp_path}/shop.db",
           **LLM_ROUTE}
    with services.service_process(env) as (url, _):
        opened = open_session(url)
        response = httpx.post(f"{url}/v1/chat", json={"session_id": opened["session_id"],
                                                      "text": "how many hours does the battery last on the small device for brushing?"},
                              headers=opened["headers"], timeout=200)
        assert response.status_code == 200, response.text
        reply = response.json()["reply"]
        assert reply["intent"] == "product_info" and reply["route"] == "llm" and reply["text"]
        metrics = httpx.get(f"{url}/metrics").text
        assert 'shop_llm_calls_total{kind="tool",outcome="ok"} 1.0' in metrics
