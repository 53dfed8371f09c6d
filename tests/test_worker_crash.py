"""A worker process killed mid-stream loses no turn and duplicates none (real Redis, real broker,
real processes: one gateway, two workers in the consumer group)."""
import os
import signal
import time
import uuid

import httpx
import pytest

from tests import services
from tests.test_api import open_session, wait_done


# Tansu only: noida-db 0.2.3 never evicts a SIGKILLed member from its group (the survivor rejoins
# generation 2 every session timeout, forever), so no broker-independent takeover can be tested there.
@pytest.mark.parametrize("broker", ["tansu"])
def test_killed_worker_loses_no_turn_and_duplicates_none(broker, redis_url, kafka_brokers, unresponsive_llm, tmp_path):
    env = {"REDIS_URL": redis_url, "KAFKA_BOOTSTRAP_SERVERS": kafka_brokers(broker),
           "KAFKA_TOPIC": f"crash-{uuid.uuid4().hex[:8]}", "KAFKA_GROUP": f"agents-{uuid.uuid4().hex[:8]}",
           "LLM_BASE_URL": unresponsive_llm, "LLM_TIMEOUT_SECONDS": "0.3", "LLM_MAX_RETRIES": "0",
           "RECENT_TURNS": "50", "SHOP_DB_URL": f"sqlite:///{tmp_path}/shop.db"}
    with services.service_process(env, "gateway") as (url, _), \
            services.service_process(env, "worker") as (_, doomed), \
            services.service_process(env, "worker"):
        time.sleep(3)  # both workers join the group
        headers = {s["session_id"]: s["headers"] for s in (open_session(url) for _ in range(8))}
        sent: dict[str, list[str]] = {s: [] for s in headers}
        request_ids = {}  # request id → its session's credential
        for i in range(4):
            for session_id in headers:
                text = f"turn {i} of {session_id[-6:]}"
                response = httpx.post(f"{url}/v1/sessions/{session_id}/messages", json={"text": text},
                                      headers=headers[session_id])
                assert response.status_code == 202
                sent[session_id].append(text)
                request_ids[response.json()["request_id"]] = headers[session_id]

        deadline = time.monotonic() + 20
        while sum(httpx.get(f"{url}/v1/requests/{r}", headers=h).json()["status"] == "done"
                  for r, h in request_ids.items()) < 4:
            assert time.monotonic() < deadline, "no turn was answered"
            time.sleep(0.05)
        os.kill(doomed.pid, signal.SIGKILL)  # mid-stream: turns are queued and under way

        results = [wait_done(url, r, h, timeout=90) for r, h in request_ids.items()]
        assert all(r["status"] == "done" for r in results)
        for session_id, texts in sent.items():
            turns = httpx.get(f"{url}/v1/sessions/{session_id}", headers=headers[session_id]).json()["turns"]
            assert [t["shopper"] for t in turns] == texts  # each turn once, in order
