"""Feedback on a reply, the data flywheel's intake: POST /v1/requests/{id}/feedback with the session's
credential → a JSON-lines file (embedded) or the Kafka topic chat.feedback, personal data masked."""
import asyncio
import json

import httpx

from tests import services
from tests.test_api import open_session, wait_done


async def feedback_records(stack, request_id: str) -> list[dict]:
    bootstrap = stack["env"]["KAFKA_BOOTSTRAP_SERVERS"]
    if not bootstrap:
        lines = stack["feedback_path"].read_text(encoding="utf-8").splitlines()
        return [r for r in map(json.loads, lines) if r["request_id"] == request_id]
    found = await services.read_topic(bootstrap, "chat.feedback", lambda r: r["request_id"] == request_id)
    return [r for r in found if r["request_id"] == request_id]


def test_a_correction_is_recorded_masked_and_only_with_the_sessions_credential(stack):
    url = stack["url"]
    opened = open_session(url)
    turn = httpx.post(f"{url}/v1/sessions/{opened['session_id']}/messages",
                      json={"text": "can a jacket I wore once still go back? mail me at kim.lee@example.com"},
                      headers=opened["headers"])
    request_id = turn.json()["request_id"]
    wait_done(url, request_id, opened["headers"])
    body = {"helpful": False, "intent": "return_policy", "comment": "call her on 13812345678"}

    stranger = open_session(url)  # another session's credential reads nothing and writes nothing
    assert httpx.post(f"{url}/v1/requests/{request_id}/feedback", json=body,
                      headers=stranger["headers"]).status_code == 404
    assert httpx.post(f"{url}/v1/requests/{request_id}/feedback", json=body).status_code == 401
    assert httpx.post(f"{url}/v1/requests/{request_id}/feedback", json={**body, "intent": "refund_please"},
                      headers=opened["headers"]).status_code == 422

    response = httpx.post(f"{url}/v1/requests/{request_id}/feedback", json=body, headers=opened["headers"])
    assert response.status_code == 202, response.text
    [record] = asyncio.run(feedback_records(stack, request_id))
    assert record["corrected_intent"] == "return_policy" and record["helpful"] is False
    assert "jacket" in record["text"] and record["reply"]
    assert "kim.lee@example.com" not in json.dumps(record) and "13812345678" not in json.dumps(record)
