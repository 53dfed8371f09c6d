"""A policy change published through the admin API is enforced by every running worker within 5 s:
the whole service on Redis + Kafka (Tansu) as a gateway and two `python serve.py worker` processes,
with no restart. Each worker serves its own /metrics, so the test sees that both answered."""
import re
import time
import uuid

import httpx

from tests import services
from tests.test_guardrails_store import PROBE, with_banned_probe

TOKEN = "hot-reload-editor-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RAILS_TURNS = re.compile(r'^shop_turns_total\{route="rails"\} ([0-9.e+]+)$', re.M)


def rails_turns(metrics_url: str) -> float:
    """How many turns this worker closed with the input rails (the probe rule blocks with route "rails")."""
    found = RAILS_TURNS.search(httpx.get(metrics_url, timeout=5).text)
    return float(found.group(1)) if found else 0.0


def all_turns(metrics_url: str) -> float:
    return sum(float(v) for v in re.findall(r'^shop_turns_total\{route="[^"]*"\} ([0-9.e+]+)$',
                                              httpx.get(metrics_url, timeout=5).text, re.M))


def chat(client: httpx.Client, session: dict, text: str, settling: bool = False) -> dict | None:
    """The reply to one turn; None while the group is `settling` and the gateway said the answer is late (504
    reply_timeout: workers still starting on a busy machine; the turn is answered later, not lost)."""
    response = client.post("/v1/chat", json={"session_id": session["session_id"], "text": text},
                           headers={"Authorization": f"Bearer {session['session_token']}"})
    if settling and response.status_code == 504 and response.json()["error"]["code"] == "reply_timeout":
        return None
    assert response.status_code == 200, response.text
    return response.json()["reply"]


def test_a_publish_and_a_rollback_reach_both_worker_processes_within_5s(kafka_brokers, tmp_path):
    # a Redis of its own: the service keeps its policies under the fixed "guardrails" namespace, and
    # a publish on the session's shared Redis would change what every other test service enforces
    with services.redis_server() as redis_url:
        env = {"REDIS_URL": redis_url, "KAFKA_BOOTSTRAP_SERVERS": kafka_brokers("tansu"),
               "KAFKA_TOPIC": f"hot-reload-{uuid.uuid4().hex[:8]}", "KAFKA_GROUP": f"agents-{uuid.uuid4().hex[:8]}",
               "ADMIN_TOKEN": TOKEN, "LLM_BASE_URL": f"http://127.0.0.1:{services.free_port()}/v1",
               "LLM_MAX_RETRIES": "0", "SHOP_DB_URL": f"sqlite:///{tmp_path}/shop.db"}
        ports = [services.free_port(), services.free_port()]
        metrics = [f"http://127.0.0.1:{p}/metrics" for p in ports]
        with services.service_process(env, "gateway") as (url, _), \
                services.service_process({**env, "METRICS_PORT": str(ports[0])}, "worker"), \
                services.service_process({**env, "METRICS_PORT": str(ports[1])}, "worker"), \
                httpx.Client(base_url=url, timeout=30) as client:
            # sessions until both workers have answered turns: the group has settled and the sessions'
            # partitions are spread over the two of them
            sessions: list[dict] = []
            deadline = time.monotonic() + 90
            while True:
                sessions.append(client.post("/v1/sessions", json={"channel": "app"}).json())
                for session in sessions:
                    reply = chat(client, session, PROBE, settling=True)
                    assert reply is None or reply["route"] != "rails"
                try:
                    if all(all_turns(m) > 0 for m in metrics):
                        break
                except httpx.HTTPError:  # a worker's metrics server not up yet
                    pass
                assert time.monotonic() < deadline, "the two workers did not both take turns"
                time.sleep(0.2)

            before = [rails_turns(m) for m in metrics]
            policy = client.get("/admin/guardrails/policies/safety_abuse", headers=AUTH).json()
            published_at = time.monotonic()
            response = client.put("/admin/guardrails/policies/safety_abuse", headers=AUTH,
                                  json={"yaml": with_banned_probe(policy["yaml"]), "author": "mei.lin"})
            assert response.status_code == 200 and response.json()["version"] == policy["version"] + 1
            # every session's turn is blocked by the new rule, answered by both workers, within 5 s
            while True:
                replies = [chat(client, s, PROBE) for s in sessions]
                blocked = all(r["route"] == "rails" and r["text"] == "Not that word." for r in replies)
                both = all(rails_turns(m) > b for m, b in zip(metrics, before))
                if blocked and both:
                    break
                assert time.monotonic() - published_at < 5.0, (
                    f"not enforced by both workers within 5 s: {[r['route'] for r in replies]}, "
                    f"rails turns per worker {[rails_turns(m) for m in metrics]} (before {before})")
            # a rollback travels the same way
            rolled_at = time.monotonic()
            response = client.post("/admin/guardrails/policies/safety_abuse/rollback", headers=AUTH,
                                   json={"version": policy["version"], "author": "ops.wang"})
            assert response.status_code == 200
            while not all(chat(client, s, PROBE)["route"] != "rails" for s in sessions):
                assert time.monotonic() - rolled_at < 5.0, "a worker still enforced the rolled-back rule after 5 s"
            audit = client.get("/admin/guardrails/audit", params={"policy_id": "safety_abuse"}, headers=AUTH).json()
            assert [(e["action"], e["author"]) for e in audit[:2]] == [("rollback", "ops.wang"), ("publish", "mei.lin")]
