"""Faults through the whole service as real processes (issue #19): a turn that keeps failing and a
poison record on real Kafka (dead letters, the shopper told, the partition moving on, replayed with
`serve.py replay-dlq`); PostgreSQL stopped mid-conversation; Redis restarted. Nothing is lost, nothing
happens twice, an outage is never the shopper's failure."""
import json
import os
import sqlite3
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from agent.deadletters import DeadLetter
from tests import services
from tests.test_api import wait_done
from tests.test_flows import YUSUF, Chat
from tools import open_shop

QUICK_RETRIES = {"TURN_ATTEMPTS": "3", "RETRY_FIRST_SECONDS": "0.05", "RETRY_MAX_SECONDS": "0.5"}


def send(chat: Chat, text: str, key: str | None = None) -> httpx.Response:
    headers = {**chat.headers, **({"Idempotency-Key": key} if key else {})}
    return httpx.post(f"{chat.url}/v1/sessions/{chat.session_id}/messages", json={"text": text}, headers=headers)


def turns_of(chat: Chat) -> list[str]:
    return [t["shopper"] for t in httpx.get(f"{chat.url}/v1/sessions/{chat.session_id}",
                                            headers=chat.headers).json()["turns"]]


async def produce(bootstrap: str, topic: str, key: str, value: bytes) -> None:
    """A producer that is not the gateway writes a record that is no turn."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key.encode())
    finally:
        await producer.stop()


@pytest.mark.parametrize("broker", ["tansu"])
async def test_dead_letters_on_kafka_tell_the_shopper_and_replay_with_one_command(broker, redis_url, kafka_brokers,
                                                                                  tmp_path):
    topic, db, metrics_port = f"faults-{uuid.uuid4().hex[:8]}", tmp_path / "shop.db", services.free_port()
    env = {"REDIS_URL": redis_url.rsplit("/", 1)[0] + "/3", "KAFKA_BOOTSTRAP_SERVERS": kafka_brokers(broker),
           "KAFKA_TOPIC": topic, "KAFKA_GROUP": f"agents-{topic}", "SHOP_DB_URL": f"sqlite:///{db}",
           "LLM_BASE_URL": f"http://127.0.0.1:{services.free_port()}/v1", "INTAKE_LAG_SECONDS": "0.2", **QUICK_RETRIES}
    with services.service_process(env, "gateway") as (url, _), \
            services.service_process({**env, "METRICS_PORT": str(metrics_port)}, "worker"):
        chat = Chat(url)
        chat.say(f"my email is {YUSUF}")  # proven before the fault
        with sqlite3.connect(db) as conn:  # a real defect: a table the order lookup needs is gone
            conn.execute("ALTER TABLE orders RENAME TO orders_away")
        failing = send(chat, "where is my order #W2378156").json()["request_id"]
        failed = wait_done(url, failing, chat.headers)
        assert failed["status"] == "failed" and failed["error"]["code"] == "turn_failed"
        assert failed["error"]["message"] == "Sorry, something went wrong on our side. Please try again in a moment."
        assert chat.say("do you ship to Canada")["route"] == "cache"  # the partition moved on

        await produce(env["KAFKA_BOOTSTRAP_SERVERS"], topic, chat.session_id, b"\x00\xffnot a turn")
        poisoned_at = time.monotonic()
        assert chat.say("包邮吗")["route"] == "cache"
        assert time.monotonic() - poisoned_at < 2.0  # the poison held the session's partition for no time

        records = await services.read_topic(env["KAFKA_BOOTSTRAP_SERVERS"], f"{topic}.dlq",
                                            lambda r: r["reason"] == "unreadable")
        letters = [DeadLetter.model_validate_json(json.dumps(r)) for r in records]
        assert [(x.reason, x.attempts, x.request_id) for x in letters] == [("failed", 3, failing),
                                                                            ("unreadable", 1, None)]
        assert "no such table: orders" in letters[0].error and letters[1].session_id == chat.session_id

        assert httpx.get(f"http://127.0.0.1:{metrics_port}/readyz").status_code == 200  # the worker's own probes
        worker_metrics = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics").text  # the worker's own process
        for line in ('shop_dead_letters_total{reason="failed"} 1.0', 'shop_dead_letters_total{reason="unreadable"} 1.0',
                     'shop_turn_retries_total{reason="failure"} 2.0', "shop_turns_in_flight 0.0"):
            assert line in worker_metrics, line
        assert 'shop_intake_lag{partition="' in worker_metrics

        with sqlite3.connect(db) as conn:  # fixed: the replay answers the dead turn
            conn.execute("ALTER TABLE orders_away RENAME TO orders")
        replay = subprocess.run([sys.executable, "serve.py", "replay-dlq"], cwd=services.ROOT, capture_output=True,
                                text=True, timeout=60, env={**os.environ, **env})
        assert replay.returncode == 0, replay.stderr
        assert replay.stdout.strip().endswith(f"2 dead letter(s) put back on {topic}")
        answered = wait_done(url, failing, chat.headers)
        assert answered["status"] == "done" and "delivered" in answered["reply"]["text"]
        assert turns_of(chat).count("where is my order #W2378156") == 1
        again = subprocess.run([sys.executable, "serve.py", "replay-dlq"], cwd=services.ROOT, capture_output=True,
                               text=True, timeout=60, env={**os.environ, **env})
        assert again.stdout.strip().endswith("1 dead letter(s) put back on " + topic)  # only the poison, again


def test_postgres_stopped_mid_conversation_is_waited_out_and_nothing_happens_twice(tmp_path):
    with services.postgres_server() as pg, services.service_process(
            {"REDIS_URL": "", "KAFKA_BOOTSTRAP_SERVERS": "", "SHOP_DB_URL": pg.url, **QUICK_RETRIES,
             "LLM_BASE_URL": f"http://127.0.0.1:{services.free_port()}/v1"}) as (url, _):
        chat = Chat(url)
        chat.say(f"cancel order #W6247578, my email is {YUSUF}")
        assert "yes" in chat.say("ordered by mistake")["text"]
        assert httpx.get(f"{url}/readyz").status_code == 200

        pg.stop()
        ready = httpx.get(f"{url}/readyz")
        assert ready.status_code == 503 and ready.headers["retry-after"] == "2"
        assert ready.json()["backends"]["shop"].startswith("down") and ready.json()["backends"]["sessions"] == "up"
        yes = send(chat, "yes").json()["request_id"]
        status = send(chat, "what's the status of #W6247578").json()["request_id"]  # queued behind it
        deadline = time.monotonic() + 10
        while (record := httpx.get(f"{url}/v1/requests/{yes}", headers=chat.headers).json())["error"] is None:
            assert time.monotonic() < deadline, record
            time.sleep(0.1)
        assert record["status"] in ("queued", "running") and record["error"]["code"] == "backend_unavailable"
        assert "safe" in record["error"]["message"]
        time.sleep(2)  # many tries into the outage: still waiting, not failed, not handed over
        assert httpx.get(f"{url}/v1/requests/{yes}", headers=chat.headers).json()["status"] in ("queued", "running")

        pg.start()
        recovered = time.monotonic()
        done = wait_done(url, yes, chat.headers)
        assert done["status"] == "done" and "cancelled" in done["reply"]["text"] and not done["reply"]["handoff"]
        assert done["error"] is None
        after = wait_done(url, status, chat.headers)["reply"]["text"]
        assert "cancelled" in after and "couldn't find" not in after
        assert time.monotonic() - recovered < 10
        while httpx.get(f"{url}/readyz").status_code != 200:  # ready again within 10 s of PostgreSQL coming back
            assert time.monotonic() - recovered < 10
            time.sleep(0.2)
        assert turns_of(chat).count("yes") == 1
        with open_shop(pg.url) as shop:  # cancelled once, under the turn's own idempotency key
            assert shop.call("get_order_details", {"order_id": "#W6247578"})["status"] == "cancelled"
            with shop.store.read() as tx:
                calls = tx.all("SELECT tool FROM tool_calls WHERE idempotency_key = ?", yes)
            assert calls == [("cancel_pending_order",)]


def test_redis_restarted_answers_503_then_the_retried_turn_once(tmp_path):
    port = services.free_port()
    redis = services.redis_server(port, str(tmp_path))
    redis.__enter__()
    try:
        with services.service_process({"REDIS_URL": f"redis://127.0.0.1:{port}/0", "KAFKA_BOOTSTRAP_SERVERS": "",
                                        "SHOP_DB_URL": f"sqlite:///{tmp_path}/shop.db", **QUICK_RETRIES,
                                        "LLM_BASE_URL": f"http://127.0.0.1:{services.free_port()}/v1"}) as (url, _):
            chat = Chat(url)
            assert chat.say("hi there")["route"] == "flow"
            redis.__exit__(None, None, None)  # SIGTERM: Redis saves the sessions and stops
            redis = None
            for response in (send(chat, "包邮吗", key="k-1"), httpx.post(f"{url}/v1/sessions", json={"channel": "app"}),
                             httpx.get(f"{url}/readyz")):
                assert response.status_code == 503 and response.headers["retry-after"] == "2", response.text
            redis = services.redis_server(port, str(tmp_path))
            redis.__enter__()
            deadline = time.monotonic() + 10  # healthy again within 10 s of Redis coming back
            while httpx.get(f"{url}/readyz").status_code != 200:
                assert time.monotonic() < deadline
                time.sleep(0.1)
            # the front end sends the turn again as Retry-After says (a pooled connection the restart closed
            # fails once more before it is reopened)
            while (first := send(chat, "包邮吗", key="k-1")).status_code == 503:
                assert time.monotonic() < deadline
                time.sleep(float(first.headers["retry-after"]))
            assert first.status_code == 202
            assert wait_done(url, first.json()["request_id"], chat.headers)["reply"]["route"] == "cache"
            assert send(chat, "包邮吗", key="k-1").json()["request_id"] == first.json()["request_id"]
            time.sleep(0.3)
            assert turns_of(chat) == ["hi there", "包邮吗"]
    finally:
        if redis is not None:
            redis.__exit__(None, None, None)


def test_a_standalone_workers_probes_follow_its_backends(kafka_brokers, tmp_path):
    """`serve.py worker` answers /healthz, /readyz and /metrics on METRICS_PORT (the k8s probes ask them): Redis
    stopped, it is not ready (and still alive: it waits the outage out), and ready again within 10 s of Redis."""
    redis_port, probe_port, topic = services.free_port(), services.free_port(), f"probes-{uuid.uuid4().hex[:8]}"
    redis = services.redis_server(redis_port)
    redis.__enter__()
    env = {"REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "KAFKA_BOOTSTRAP_SERVERS": kafka_brokers("tansu"),
           "KAFKA_TOPIC": topic, "KAFKA_GROUP": f"agents-{topic}", "SHOP_DB_URL": f"sqlite:///{tmp_path}/shop.db",
           "LLM_BASE_URL": f"http://127.0.0.1:{services.free_port()}/v1", "METRICS_PORT": str(probe_port),
           "INTAKE_LAG_SECONDS": "0.2"}
    probes = f"http://127.0.0.1:{probe_port}"

    def status(path: str) -> int | None:
        try:
            return httpx.get(probes + path, timeout=5).status_code
        except httpx.HTTPError:
            return None

    try:
        with services.service_process(env, "worker") as (_, worker):
            deadline = time.monotonic() + 90  # it serves them once its models are loaded
            while status("/readyz") != 200:
                assert worker.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
            ready = httpx.get(probes + "/readyz").json()["backends"]
            assert {k: v for k, v in ready.items() if k != "llm"} == dict.fromkeys(
                ("sessions", "intake", "shop", "policies"), "up")
            while 'shop_intake_lag{partition="' not in (scraped := httpx.get(probes + "/metrics").text):
                assert time.monotonic() < deadline  # its partitions' lag, once the group gave it some
                time.sleep(0.2)
            for family in ("shop_turns_in_flight", "shop_turn_retries_total", "shop_dead_letters_total"):
                assert f"# TYPE {family}" in scraped, family

            redis.__exit__(None, None, None)
            redis = None
            assert status("/readyz") == 503 and status("/healthz") == 200
            assert httpx.get(probes + "/readyz").json()["backends"]["sessions"].startswith("down")
            redis = services.redis_server(redis_port)
            redis.__enter__()
            back = time.monotonic()
            while status("/readyz") != 200:
                assert time.monotonic() - back < 10
                time.sleep(0.2)
    finally:
        if redis is not None:
            redis.__exit__(None, None, None)
