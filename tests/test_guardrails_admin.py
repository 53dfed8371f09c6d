"""The admin API: staff tokens by role (prompt engineer, operator, admin) kept as digests, and its policy part:
auth, read, validate, dry-run, publish, rollback, audit naming the token that made each change; and a publish
reaching two separate worker processes within 5 s."""
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from agent.gateway import create_app
from agent.settings import Settings
from guardrails import EmbeddedPolicyStore
from guardrails.admin import StaffTokens, make_admin_router, parse_staff_tokens, token_digest
from guardrails.redis_store import RedisPolicyStore
from tests.test_guardrails_store import POLICIES, PROBE, with_banned_probe

TOKEN = "policy-editor-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
# one token per role, configured as ADMIN_TOKENS holds them: name, role and the SHA-256 of the token
STAFF = {"prompt_engineer": ("mei.lin", "pe-token-0123456789"), "operator": ("ops.wang", "op-token-0123456789"),
         "admin": ("root.li", "ad-token-0123456789")}
ADMIN_TOKENS = ",".join(f"{name}:{role}:{token_digest(token)}" for role, (name, token) in STAFF.items())


def bearer(role: str) -> dict:
    return {"Authorization": f"Bearer {STAFF[role][1]}"}
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=["embedded", "redis"])
def store(request):
    if request.param == "embedded":
        yield EmbeddedPolicyStore(POLICIES)
    else:
        store = RedisPolicyStore(request.getfixturevalue("redis_url"), f"test-{uuid.uuid4().hex[:8]}", POLICIES)
        yield store
        store.close()


def admin_client(store, token=TOKEN, entries=ADMIN_TOKENS) -> TestClient:
    app = FastAPI()
    app.include_router(make_admin_router(store, StaffTokens(entries, token)), prefix="/admin")
    return TestClient(app)


def test_no_token_is_401_wrong_token_is_403(store):
    client = admin_client(store)
    for method, path in [("get", "/admin/guardrails/policies"), ("get", "/admin/guardrails/audit"),
                         ("put", "/admin/guardrails/policies/topics")]:
        response = client.request(method, path, json={"yaml": "x", "author": "a"})
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
        response = client.request(method, path, json={"yaml": "x", "author": "a"},
                                  headers={"Authorization": "Bearer not-the-token"})
        assert response.status_code == 403
        response = client.request(method, path, json={"yaml": "x", "author": "a"}, headers=bearer("operator"))
        assert response.status_code == 403  # a role without the policies permission
    assert store.read("topics").version == 1


def test_empty_configured_token_disables_the_api(store):
    client = admin_client(store, token="", entries="")
    response = client.get("/admin/guardrails/policies", headers={"Authorization": "Bearer "})
    assert response.status_code in (401, 403)
    assert client.get("/admin/guardrails/policies", headers={"Authorization": "Bearer x"}).status_code == 403


def test_staff_tokens_are_kept_as_digests_and_a_typo_stops_the_start():
    staff = StaffTokens(ADMIN_TOKENS, admin_token="legacy-admin-token")
    assert [(s.name, s.role) for s in map(staff.who, [t for _, t in STAFF.values()])] == [
        ("mei.lin", "prompt_engineer"), ("ops.wang", "operator"), ("root.li", "admin")]
    assert staff.who("legacy-admin-token").actor == "admin (admin)"  # the older ADMIN_TOKEN still works
    assert staff.who(token_digest(STAFF["admin"][1])) is None  # the digest itself opens nothing
    assert staff.who("") is None and not StaffTokens()
    digest = "ab" * 32
    for typo in [f"mei:editor:{digest}", f"mei:admin:{digest[:-1]}", f"mei admin {digest}",
                 f"a:admin:{digest},b:operator:{digest}", f"a:admin:{digest},a:operator:{'cd' * 32}"]:
        with pytest.raises(ValueError):
            parse_staff_tokens(typo)
    with pytest.raises(ValueError):
        Settings(admin_tokens=f"mei:editor:{digest}")


@pytest.fixture(scope="module")
def gateway():
    """The gateway's own /admin, every role configured (no worker: nothing here plays a turn)."""
    app = create_app(Settings(admin_tokens=ADMIN_TOKENS, admin_token=TOKEN, rate_limit_per_address="",
                              redis_url="", kafka_bootstrap_servers=""), run_worker=False)
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize("path, permission", [
    ("/admin/guardrails/policies", "policies"), ("/admin/guardrails/audit", "policies"),
    ("/admin/metrics", "metrics"), ("/admin/handoffs", "handoffs")])
def test_each_role_reaches_only_its_part(gateway, path, permission):
    allowed = {"prompt_engineer": {"policies"}, "operator": {"metrics", "handoffs"},
               "admin": {"policies", "metrics", "handoffs"}}
    assert gateway.get(path).status_code == 401
    assert gateway.get(path, headers={"Authorization": "Bearer not-a-staff-token"}).status_code == 403
    for role in STAFF:
        response = gateway.get(path, headers=bearer(role))
        assert response.status_code == (200 if permission in allowed[role] else 403), (role, response.text)
        if response.status_code == 403:
            assert response.json()["error"] == {"code": "forbidden", "message": f"the {role} role may not use {permission}"}
    assert gateway.get(path, headers=AUTH).status_code == 200  # ADMIN_TOKEN: the admin role


def test_admin_answers_401_everywhere_without_a_token(gateway):
    for method, path in [("get", "/admin"), ("get", "/admin/"), ("get", "/admin/nothing/here"),
                         ("delete", "/admin/guardrails/policies/topics"), ("post", "/admin/metrics")]:
        response = gateway.request(method, path)
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer", (method, path)
        assert gateway.request(method, path, headers={"Authorization": "Bearer nope"}).status_code == 403
    assert gateway.get("/admin/nothing/here", headers=bearer("operator")).status_code == 404
    assert "/admin/handoffs" in gateway.get("/openapi.json").json()["paths"]


async def test_operators_read_the_latest_handoffs_and_the_metrics(gateway):
    desk = gateway.app.state.backends.handoffs
    for n in range(3):
        await desk.hand_over({"session_id": f"s_{n}", "request_id": f"r_{n}", "reason": "asked for a person",
                              "last_message": "a person please", "language": "en"})
    cases = gateway.get("/admin/handoffs", params={"limit": 2}, headers=bearer("operator")).json()
    assert [c["session_id"] for c in cases] == ["s_2", "s_1"] and cases[0]["reason"] == "asked for a person"
    assert cases[0]["at"] >= cases[1]["at"] > 0
    metrics = gateway.get("/admin/metrics", headers=bearer("operator"))
    assert metrics.headers["content-type"].startswith("text/plain") and "shop_intake_lag" in metrics.text


def test_list_read_and_schema(store):
    client = admin_client(store)
    listed = client.get("/admin/guardrails/policies", headers=AUTH).json()
    kinds = {p["kind"] for p in listed}
    assert kinds == {"brand_voice", "commitments", "topics", "safety", "privacy"}
    topics = client.get("/admin/guardrails/policies/topics", headers=AUTH).json()
    assert topics["version"] == 1 and topics["yaml"].startswith("id: topics")
    assert client.get("/admin/guardrails/policies/nope", headers=AUTH).json()["error"]["code"] == "policy_not_found"
    assert client.get("/admin/guardrails/schema", headers=AUTH).json()["title"] == "Guardrail policy"


def test_validate_reports_line_numbers(store):
    client = admin_client(store)
    text = store.read("topics").yaml
    broken = text.replace("action: block", "action: blok", 1)
    line = broken.splitlines().index("    action: blok") + 1
    result = client.post("/admin/guardrails/policies/topics/validate", json={"yaml": broken}, headers=AUTH).json()
    assert result["valid"] is False and result["errors"][0]["line"] == line
    for unreadable, where in [("id: topics\nkind: \x01", 2), ("id: !!python/object:os.system x", 1)]:  # not a 500
        result = client.post("/admin/guardrails/policies/topics/validate", json={"yaml": unreadable}, headers=AUTH)
        assert result.status_code == 200 and result.json()["errors"][0]["line"] == where, result.text
    ok = client.post("/admin/guardrails/policies/topics/validate", json={"yaml": text}, headers=AUTH).json()
    assert ok == {"valid": True, "errors": []}


def test_dry_run_on_published_and_on_a_draft(store):
    client = admin_client(store)
    body = {"text": PROBE, "direction": "input", "language": "en"}
    assert client.post("/admin/guardrails/dry-run", json=body, headers=AUTH).json()["action"] == "allow"
    draft = with_banned_probe(store.read("safety_abuse").yaml)
    tried = client.post("/admin/guardrails/dry-run", headers=AUTH,
                        json={**body, "policy_id": "safety_abuse", "yaml": draft}).json()
    assert (tried["action"], tried["policy_id"], tried["rule"]) == ("block", "safety_abuse", "probe_word")
    assert store.read("safety_abuse").version == 1  # a dry run publishes nothing
    reply = client.post("/admin/guardrails/dry-run", headers=AUTH, json={
        "text": "Your parcel will arrive tomorrow.", "direction": "output", "language": "en"}).json()
    assert (reply["action"], reply["rule"]) == ("rewrite", "delivery_date_not_in_data")


def test_publish_rollback_and_audit_through_the_api(store):
    client = admin_client(store)
    draft = with_banned_probe(store.read("safety_abuse").yaml)
    published = client.put("/admin/guardrails/policies/safety_abuse", headers=bearer("prompt_engineer"),
                           json={"yaml": draft, "author": "mei.lin", "comment": "probe"})
    assert published.status_code == 200 and published.json()["version"] == 2
    bad = client.put("/admin/guardrails/policies/safety_abuse", headers=AUTH,
                     json={"yaml": draft.replace("action: handoff", "action: escalate", 1), "author": "mei.lin"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "policy_invalid"
    assert bad.json()["error"]["errors"][0]["line"] > 1
    rolled = client.post("/admin/guardrails/policies/safety_abuse/rollback", headers=AUTH,
                         json={"version": 1, "author": "ops.wang"})
    assert rolled.json()["version"] == 3 and rolled.json()["yaml"] == store.read("safety_abuse", 1).yaml
    missing = client.post("/admin/guardrails/policies/safety_abuse/rollback", headers=AUTH,
                          json={"version": 9, "author": "ops.wang"})
    assert missing.status_code == 404
    audit = client.get("/admin/guardrails/audit", params={"policy_id": "safety_abuse"}, headers=AUTH).json()
    assert [(e["action"], e["author"], e["version"], e["actor"]) for e in audit] == [
        ("rollback", "ops.wang", 3, "admin (admin)"), ("publish", "mei.lin", 2, "mei.lin (prompt_engineer)"),
        ("seed", "seed", 1, "")]
    assert "+  - id: probe_word" in audit[1]["diff"]
    versions = client.get("/admin/guardrails/policies/safety_abuse/versions", headers=AUTH).json()
    assert [v["version"] for v in versions] == [1, 2, 3]


WORKER = """
import json, sys
from guardrails import load_guardrails
rails = load_guardrails(policy_dir=sys.argv[1], redis_url=sys.argv[2], namespace=sys.argv[3])
print(json.dumps({"ready": rails.version}), flush=True)
for line in sys.stdin:
    v = rails.check_input(line.rstrip("\\n"), language="en")
    print(json.dumps({"action": v.action, "policy_id": v.policy_id, "rule": v.rule, "version": rails.version}),
          flush=True)
"""


def ask(worker: subprocess.Popen, text: str) -> dict:
    worker.stdin.write(text + "\n")
    worker.stdin.flush()
    return json.loads(worker.stdout.readline())


def test_publish_reaches_two_worker_processes_within_5s(redis_url):
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    store = RedisPolicyStore(redis_url, namespace, POLICIES)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, POLICIES, redis_url, namespace], cwd=ROOT, env=env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        for worker in workers:
            assert "ready" in json.loads(worker.stdout.readline())
            assert ask(worker, PROBE)["action"] == "allow"
        client = admin_client(store)
        published_at = time.monotonic()
        response = client.put("/admin/guardrails/policies/safety_abuse", headers=AUTH, json={
            "yaml": with_banned_probe(store.read("safety_abuse").yaml), "author": "mei.lin"})
        assert response.status_code == 200
        for worker in workers:
            while (answer := ask(worker, PROBE))["action"] != "block":
                assert time.monotonic() - published_at < 5.0, "a worker did not enforce the publish within 5 s"
                time.sleep(0.05)
            assert (answer["policy_id"], answer["rule"]) == ("safety_abuse", "probe_word")
        # and a rollback travels the same way
        rolled_at = time.monotonic()
        client.post("/admin/guardrails/policies/safety_abuse/rollback", headers=AUTH,
                    json={"version": 1, "author": "ops.wang"})
        for worker in workers:
            while ask(worker, PROBE)["action"] != "allow":
                assert time.monotonic() - rolled_at < 5.0, "a worker did not enforce the rollback within 5 s"
                time.sleep(0.05)
    finally:
        for worker in workers:
            worker.stdin.close()
            worker.wait(timeout=10)
        store.close()


async def test_the_kafka_desk_reads_the_latest_handoffs_from_its_topic(kafka_brokers):
    from agent.handoff import KafkaHandoffDesk

    desk = KafkaHandoffDesk(kafka_brokers("tansu"), f"chat.handoffs.{uuid.uuid4().hex[:8]}")
    try:
        assert await desk.recent(5) == []  # nothing handed over yet: no topic
        for n in range(4):
            await desk.hand_over({"session_id": f"s_{n}", "reason": "asked for a person"})
        cases = await desk.recent(3)
        assert len(cases) == 3 and {c["session_id"] for c in cases} <= {f"s_{n}" for n in range(4)}
        assert all(c["reason"] == "asked for a person" and c["at"] > 0 for c in cases)
    finally:
        await desk.close()


def test_a_drafts_examples_conflicts_and_diff_before_publishing(store):
    """The console's checks: a too-broad rule fails its policy's own examples and stops legitimate shopper
    messages and conversation-suite turns; the fixed rule passes both; the diff is what the audit will keep."""
    client = admin_client(store)
    base = "/admin/guardrails/policies/safety_abuse"
    broad = with_banned_probe(store.read("safety_abuse").yaml).replace("[zanzibar]", "[zanzibar, parcel]")
    ran = client.post(f"{base}/examples", json={"yaml": broad}, headers=bearer("prompt_engineer")).json()
    failing = [r for r in ran["results"] if not r["ok"]]
    assert ran["failed"] == len(failing) >= 1 and ran["passed"] + ran["failed"] == len(ran["results"])
    assert failing[0]["expected"] == "pass" and failing[0]["rule"] == "safety_abuse/probe_word"
    checked = client.post(f"{base}/conflicts", json={"yaml": broad}, headers=AUTH).json()
    assert checked["checked"] > 1000  # every pass example, legitimate.jsonl and the conversation suite's turns
    assert {c["source"] for c in checked["conflicts"]} == {"example", "legitimate", "conversation"}
    assert all(c["rule"] == "safety_abuse/probe_word" and "parcel" in c["text"].lower() for c in checked["conflicts"])

    fixed = with_banned_probe(store.read("safety_abuse").yaml)
    assert client.post(f"{base}/examples", json={"yaml": fixed}, headers=AUTH).json()["failed"] == 0
    assert client.post(f"{base}/conflicts", json={"yaml": fixed}, headers=AUTH).json()["conflicts"] == []
    changed = client.post(f"{base}/diff", json={"yaml": fixed}, headers=AUTH).json()
    assert changed["published_version"] == 1 and "+  - id: probe_word" in changed["diff"]
    unchanged = client.post(f"{base}/diff", json={"yaml": store.read("safety_abuse").yaml}, headers=AUTH).json()
    assert unchanged["diff"] == ""
    broken = client.post(f"{base}/conflicts", json={"yaml": fixed.replace("action: block", "action: blok", 1)},
                         headers=AUTH)
    assert broken.status_code == 422 and broken.json()["error"]["errors"][0]["line"] > 1
    assert store.read("safety_abuse").version == 1  # checking publishes nothing
    assert client.get("/admin/guardrails/me", headers=bearer("prompt_engineer")).json() == {
        "name": "mei.lin", "role": "prompt_engineer"}
