"""The shopper API end to end over HTTP and WebSocket, on every backend stack
(embedded; Redis + Tansu; Redis + noida), against `python serve.py` as a real process."""
import asyncio
import json
import time
import uuid

import httpx
import pytest
import websockets

from tests import services


def open_session(url: str, shopper_id=None, channel="app") -> dict:
    """A guest's session, or with a shopper_id that shopper's, signed as their app's backend would sign it.
    The answer, plus "headers": the session's credential to send on every call about it."""
    body = {"channel": channel}
    if shopper_id:
        body.update(shopper_id=shopper_id, shopper_token=services.shopper_token(shopper_id))
    response = httpx.post(f"{url}/v1/sessions", json=body)
    assert response.status_code == 200, response.text
    opened = response.json()
    return {**opened, "headers": {"Authorization": f"Bearer {opened['session_token']}"}}


def wait_done(url: str, request_id: str, headers: dict, timeout: float = 20) -> dict:
    """Polls as a front end should: often at first, then less, and after a 429 as Retry-After says."""
    deadline, pause = time.monotonic() + timeout, 0.05
    while time.monotonic() < deadline:
        response = httpx.get(f"{url}/v1/requests/{request_id}", headers=headers)
        if response.status_code == 429:
            time.sleep(float(response.headers["retry-after"]))
            continue
        body = response.json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(pause)
        pause = min(0.5, pause * 1.5)
    raise AssertionError(f"{request_id} not done in {timeout}s")


def stream_url(url: str, opened: dict) -> str:
    return url.replace("http", "ws") + f"/v1/sessions/{opened['session_id']}/stream?token={opened['session_token']}"


async def test_ack_then_push_over_websocket(service):
    opened = open_session(service)
    async with websockets.connect(stream_url(service, opened)) as ws, httpx.AsyncClient() as client:
        response = await client.post(f"{service}/v1/sessions/{opened['session_id']}/messages",
                                     json={"text": "hello there"}, headers=opened["headers"])
        assert response.status_code == 202 and response.json()["status"] == "queued"
        request_id = response.json()["request_id"]
        while True:
            event = json.loads(await asyncio.wait_for(ws.recv(), 20))
            if event["type"] == "reply":
                break
        assert event["request_id"] == request_id and event["status"] == "done"
        assert event["reply"]["text"]


async def test_a_turn_sent_over_the_websocket_is_acked_and_answered(service):
    async with websockets.connect(stream_url(service, open_session(service))) as ws:
        await ws.send(json.dumps({"text": "hi"}))
        queued = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert queued["type"] == "queued"
        while (event := json.loads(await asyncio.wait_for(ws.recv(), 20)))["type"] != "reply":
            pass
        assert event["request_id"] == queued["request_id"]
        await ws.send("not json")
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "error"


async def test_websocket_to_an_unknown_session_is_refused(service):
    credential = open_session(service)["session_token"]  # a real credential, of another session
    with pytest.raises(websockets.exceptions.ConnectionClosedError) as closed:
        async with websockets.connect(service.replace("http", "ws") + f"/v1/sessions/s_nope/stream?token={credential}") as ws:
            await ws.recv()
    assert closed.value.rcvd.code == 4404


def test_polling_gives_status_then_reply(service):
    opened = open_session(service)
    response = httpx.post(f"{service}/v1/sessions/{opened['session_id']}/messages", json={"text": "where is my parcel"},
                          headers=opened["headers"])
    assert response.status_code == 202
    body = wait_done(service, response.json()["request_id"], opened["headers"])
    assert body["session_id"] == opened["session_id"] and body["status"] == "done"
    assert body["reply"]["text"] and body["error"] is None
    assert httpx.get(f"{service}/v1/requests/r_unknown", headers=opened["headers"]).status_code == 404


def test_chat_waits_for_the_reply(service):
    opened = open_session(service)
    response = httpx.post(f"{service}/v1/chat", json={"session_id": opened["session_id"], "text": "hello"},
                          headers=opened["headers"], timeout=30)
    assert response.status_code == 200, response.text
    assert response.json()["reply"]["text"] and response.json()["request_id"].startswith("r_")


def test_same_shopper_resumes_with_context_on_another_channel(service):
    shopper = f"shopper-{uuid.uuid4().hex[:8]}"  # the Redis server is shared by the stacks
    first = open_session(service, shopper, "app")
    turn = httpx.post(f"{service}/v1/sessions/{first['session_id']}/messages", json={"text": "hi from the app"},
                      headers=first["headers"])
    wait_done(service, turn.json()["request_id"], first["headers"])

    second = open_session(service, shopper, "h5")  # signed again: a credential of its own for the new channel
    assert second["resumed"] and second["session_id"] == first["session_id"] and second["channel"] == "h5"
    assert second["session_token"] != first["session_token"]
    view = httpx.get(f"{service}/v1/sessions/{second['session_id']}", headers=second["headers"]).json()
    assert view["channel"] == "h5" and [t["shopper"] for t in view["turns"]] == ["hi from the app"]
    assert view["shopper_id"] == shopper
    assert not open_session(service, shopper + "-other", "h5")["resumed"]


def test_retried_post_with_idempotency_key_is_one_turn(service):
    opened = open_session(service)
    session_id, headers = opened["session_id"], {"Idempotency-Key": "tap-42", **opened["headers"]}
    first = httpx.post(f"{service}/v1/sessions/{session_id}/messages", json={"text": "hello"}, headers=headers)
    again = httpx.post(f"{service}/v1/sessions/{session_id}/messages", json={"text": "hello"}, headers=headers)
    assert first.status_code == again.status_code == 202
    assert first.json()["request_id"] == again.json()["request_id"]
    wait_done(service, first.json()["request_id"], opened["headers"])
    time.sleep(0.3)
    assert len(httpx.get(f"{service}/v1/sessions/{session_id}", headers=headers).json()["turns"]) == 1


@pytest.mark.parametrize("body, headers, status, code", [
    (b'{"text": ', {"content-type": "application/json"}, 400, "malformed_json"),
    (b'{"txt": "hi"}', {"content-type": "application/json"}, 422, "invalid_request"),
    (b'{"text": "   "}', {"content-type": "application/json"}, 422, "empty_message"),
    (json.dumps({"text": "x" * 2001}).encode(), {"content-type": "application/json"}, 413, "text_too_long"),
    (b"hello", {"content-type": "text/plain"}, 415, "unsupported_media_type"),
])
def test_bad_input_gets_a_clear_4xx_and_stores_nothing(service, body, headers, status, code):
    opened = open_session(service)
    response = httpx.post(f"{service}/v1/sessions/{opened['session_id']}/messages", content=body,
                          headers={**headers, **opened["headers"]})
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    time.sleep(0.2)
    assert httpx.get(f"{service}/v1/sessions/{opened['session_id']}", headers=opened["headers"]).json()["turns"] == []


def test_unknown_session_is_404_with_a_message(service):
    headers = open_session(service)["headers"]  # a real credential, of another session
    for response in (httpx.post(f"{service}/v1/sessions/s_nope/messages", json={"text": "hi"}, headers=headers),
                     httpx.post(f"{service}/v1/chat", json={"session_id": "s_nope", "text": "hi"}, headers=headers),
                     httpx.get(f"{service}/v1/sessions/s_nope", headers=headers)):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "session_not_found"
    bad_channel = httpx.post(f"{service}/v1/sessions", json={"shopper_id": "x", "channel": "fax"})
    assert bad_channel.status_code == 422 and bad_channel.json()["error"]["code"] == "invalid_request"


def test_operations_endpoints(service):
    assert httpx.get(f"{service}/healthz").json()["status"] == "ok"
    ready = httpx.get(f"{service}/readyz")
    assert ready.status_code == 200  # no LLM behind this service: degraded, still ready
    assert ready.json()["backends"]["sessions"] == "up" and ready.json()["backends"]["llm"].startswith("down")
    text = httpx.get(f"{service}/metrics").text
    for name in ("shop_turn_seconds", "shop_intake_lag", "shop_llm_calls_total", "shop_errors_total"):
        assert name in text
    spec = httpx.get(f"{service}/openapi.json").json()
    post = spec["paths"]["/v1/sessions/{session_id}/messages"]["post"]
    assert {"400", "401", "404", "413", "415", "422", "429", "503"} <= set(post["responses"])
    assert {"application/json", "multipart/form-data"} <= set(post["requestBody"]["content"])


def test_expired_session_starts_fresh_politely(tmp_path):
    env = {"SESSION_TTL_SECONDS": "1", "LLM_BASE_URL": f"http://127.0.0.1:{services.free_port()}/v1",
           "LLM_MAX_RETRIES": "0", "SHOP_DB_URL": f"sqlite:///{tmp_path}/shop.db"}
    with services.service_process(env) as (url, _):
        opened = open_session(url, "shopper-ttl")
        session_id = opened["session_id"]
        time.sleep(1.5)
        turn = httpx.post(f"{url}/v1/sessions/{session_id}/messages", json={"text": "hello again"},
                          headers=opened["headers"])  # the credential outlives the session's context
        assert turn.status_code == 202
        reply = wait_done(url, turn.json()["request_id"], opened["headers"])["reply"]["text"]
        assert reply.startswith("Welcome back!")
        again = open_session(url, "shopper-ttl", "h5")  # the restarted session is the live one now
        assert again["resumed"] and again["session_id"] == session_id
