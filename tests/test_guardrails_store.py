"""The policy store, the same tests on both backends: versions, audit, rollback, live reload."""
import threading
import time
import uuid

import pytest

from guardrails import EmbeddedPolicyStore, PolicyInvalid, load_guardrails
from guardrails.redis_store import RedisPolicyStore

POLICIES = "guardrails/policies"
PROBE = "zanzibar-promo-code please"


@pytest.fixture(params=["embedded", "redis"])
def store(request, tmp_path):
    if request.param == "embedded":
        yield EmbeddedPolicyStore(POLICIES, journal=tmp_path / "policies.jsonl")
    else:
        redis_url = request.getfixturevalue("redis_url")
        store = RedisPolicyStore(redis_url, namespace=f"test-{uuid.uuid4().hex[:8]}", policy_dir=POLICIES)
        yield store
        store.close()


def with_banned_probe(yaml_text: str) -> str:
    """The abuse policy plus a rule that blocks the probe word, as a prompt engineer would add it."""
    rule = ("  - id: probe_word\n    applies_to: [input]\n    action: block\n    phrases: [zanzibar]\n"
            "    reply:\n      zh: 不行\n      en: Not that word.\n")
    return yaml_text.replace("examples:\n", rule + "examples:\n", 1)


def wait_until(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_seeded_from_the_policy_files(store):
    snapshot = store.snapshot()
    assert set(snapshot.policies) >= {"brand_voice_zh", "brand_voice_en", "commitments", "topics", "privacy",
                                      "safety_injection", "safety_shopper_data", "safety_abuse"}
    assert snapshot.revision == len(snapshot.policies)
    assert all(store.read(pid).version == 1 and store.read(pid).author == "seed" for pid in snapshot.policies)


def test_publish_keeps_versions_and_audits_who_when_diff(store):
    before = store.read("safety_abuse")
    record = store.publish("safety_abuse", with_banned_probe(before.yaml), "mei.lin", "block the probe word")
    assert (record.version, record.author, record.comment) == (2, "mei.lin", "block the probe word")
    assert record.revision == store.snapshot().revision
    assert [v.version for v in store.history("safety_abuse")] == [1, 2]
    entry = store.audit("safety_abuse", limit=1)[0]
    assert (entry.action, entry.author, entry.version, entry.revision) == ("publish", "mei.lin", 2, record.revision)
    assert "+  - id: probe_word" in entry.diff and "safety_abuse v1" in entry.diff
    assert entry.at.endswith("+00:00")
    # publishing the same text again is not a change
    assert store.publish("safety_abuse", record.yaml, "mei.lin").version == 2


def test_invalid_policy_is_refused_with_lines_and_nothing_changes(store):
    revision = store.snapshot().revision
    broken = store.read("topics").yaml.replace("action: block", "action: blok", 1)
    with pytest.raises(PolicyInvalid) as caught:
        store.publish("topics", broken, "mei.lin")
    assert any(e.line > 1 and "blok" in e.message for e in caught.value.errors)
    assert store.snapshot().revision == revision and store.read("topics").version == 1


def test_rollback_restores_an_earlier_version_as_a_new_one(store):
    original = store.read("safety_abuse")
    store.publish("safety_abuse", with_banned_probe(original.yaml), "mei.lin")
    restored = store.rollback("safety_abuse", 1, "ops.wang")
    assert restored.version == 3 and restored.yaml == original.yaml
    assert store.snapshot().policies["safety_abuse"] == original.yaml
    entry = store.audit(limit=1)[0]
    assert (entry.action, entry.author, entry.comment) == ("rollback", "ops.wang", "rollback to v1")
    assert "-  - id: probe_word" in entry.diff
    with pytest.raises(KeyError):
        store.rollback("safety_abuse", 42, "ops.wang")


def test_running_engine_enforces_a_publish_and_a_rollback(store):
    rails = load_guardrails(store=store)
    try:
        assert rails.check_input(PROBE, "en").action == "allow"
        old_version = rails.version
        store.publish("safety_abuse", with_banned_probe(store.read("safety_abuse").yaml), "mei.lin")
        assert wait_until(lambda: rails.check_input(PROBE, "en").action == "block")
        verdict = rails.check_input(PROBE, "en")
        assert (verdict.policy_id, verdict.rule, verdict.reply) == ("safety_abuse", "probe_word", "Not that word.")
        assert rails.version != old_version
        store.rollback("safety_abuse", 1, "ops.wang")
        assert wait_until(lambda: rails.check_input(PROBE, "en").action == "allow")
    finally:
        rails.close()


def test_concurrent_publishes_get_distinct_versions(store):
    base = store.read("safety_abuse").yaml
    errors = []

    def edit(n):
        try:
            store.publish("safety_abuse", base.replace("title: ", f"title: edit {n} ", 1), f"editor{n}")
        except Exception as exc:  # noqa: BLE001 - any failure fails the test below
            errors.append(exc)

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors
    assert [v.version for v in store.history("safety_abuse")] == [1, 2, 3, 4, 5]
    revisions = [e.revision for e in store.audit()]
    assert len(revisions) == len(set(revisions))


def test_embedded_store_survives_a_restart_through_its_journal(tmp_path):
    journal = tmp_path / "policies.jsonl"
    first = EmbeddedPolicyStore(POLICIES, journal=journal)
    first.publish("safety_abuse", with_banned_probe(first.read("safety_abuse").yaml), "mei.lin")
    again = EmbeddedPolicyStore(POLICIES, journal=journal)
    assert again.read("safety_abuse").version == 2 and again.snapshot().revision == first.snapshot().revision
    assert again.audit(limit=1)[0].author == "mei.lin"


def test_redis_store_is_shared_between_instances(redis_url):
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    one = RedisPolicyStore(redis_url, namespace, POLICIES)
    two = RedisPolicyStore(redis_url, namespace, POLICIES)  # seeds nothing twice
    assert two.snapshot() == one.snapshot()
    one.publish("safety_abuse", with_banned_probe(one.read("safety_abuse").yaml), "mei.lin")
    assert two.read("safety_abuse").version == 2
    assert len([e for e in two.audit() if e.action == "seed"]) == len(one.snapshot().policies)
