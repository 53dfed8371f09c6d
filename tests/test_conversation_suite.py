"""The scripted conversation suite (data/conversations/): sound as data, and a sample of it played end to end
through the real service on every backend stack, on a shop of its own. The full suite and its figures are
bench/bench_conversations.py."""
import contextlib
import copy

import pytest

from bench.bench_conversations import (
    INTENTS,
    ROOT,
    ShopData,
    faq_answers,
    load_suite,
    run_suite,
    validate,
)
from tests import services
from tools import open_shop

GOAL_TASK_SUCCESS = 0.90  # issue #5: the share of conversations that end in the right state, every check passed


@pytest.fixture(scope="module")
def suite():
    return load_suite()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    path = tmp_path_factory.mktemp("suite-shop") / "shop.db"
    open_shop(f"sqlite:///{path}", seed="tau2").close()
    shop = ShopData(str(path))
    yield shop
    shop.close()


@contextlib.contextmanager
def fresh_service(backend_env, tmp_path_factory):
    """The whole service on one backend stack, no LLM server, on a fresh τ²-bench shop of its own (the
    conversations change orders other tests read)."""
    path = tmp_path_factory.mktemp("suite-service") / "shop.db"
    # a topic and group of its own: in the shared group, the session's other service would take
    # these turns and answer them from its own shop
    env = {**backend_env, "SHOP_DB_URL": f"sqlite:///{path}", "LLM_MAX_RETRIES": "0",
           "LLM_BASE_URL": f"http://127.0.0.1:{services.free_port()}/v1",
           "KAFKA_TOPIC": f"suite.{path.parent.name}", "KAFKA_GROUP": f"suite-{path.parent.name}"}
    with services.service_process(env) as (url, _):
        yield {"url": url, "shop_path": str(path)}


@pytest.fixture(scope="module")
def suite_service(backend_env, tmp_path_factory):
    with fresh_service(backend_env, tmp_path_factory) as service:
        yield service


def test_every_conversation_is_sound(suite, seeded):
    assert validate(suite, seeded) == []


def test_the_suite_covers_every_intent_language_and_the_hard_cases(suite):
    assert len(suite) >= 200
    assert {c["language"] for c in suite} == {"en", "zh", "mixed"}
    assert {t["intent"] for c in suite for t in c["turns"] if "intent" in t} == set(INTENTS)
    tags = {t for c in suite for t in c["tags"]}
    assert {"changes_mind", "out_of_order", "channel_switch", "angry", "says_no", "rule_break", "other_shoppers_order",
            "identity_switch", "skip_confirmation", "wrong_status"} <= tags
    assert sum("ci" in c["tags"] for c in suite) >= 10


def test_validation_refuses_a_made_up_order_and_a_shared_mutated_order(suite, seeded):
    broken = copy.deepcopy([c for c in suite if c["capability"] == "cancel"][:2])
    broken[0]["turns"][0]["say"] += " #W0000001"
    broken[1]["turns"].append({"say": f"and {next(iter(broken[0]['end_state']['orders']))}"})
    problems = "\n".join(validate(broken, seeded))
    assert "#W0000001 is not in the τ²-bench data" in problems
    assert f"is changed by {broken[0]['id']}" in problems


def test_a_shoppers_profile_is_changed_by_one_conversation_at_most(suite, seeded):
    changers = copy.deepcopy([c for c in suite if c.get("end_state", {}).get("users")][:1]) * 2
    changers[1]["id"] += "-again"
    assert any("is changed by" in p and "too" in p for p in validate(changers, seeded))


def test_faq_expectations_name_real_entries(suite):
    answers = faq_answers()
    assert all(t["faq"] in answers for c in suite for t in c["turns"] if t.get("faq"))


def test_the_whole_suite_breaks_no_rule_and_meets_the_task_success_goal(suite, suite_service):
    """Every conversation but the LLM tier's (played on the real model below), on every backend stack:
    no rule broken, and at least 90% of the conversations right in every check."""
    played = [c for c in suite if c["capability"] != "llm_open_question"]
    outcomes = run_suite(suite_service["url"], suite_service["shop_path"], played)
    assert [(o.conversation["id"], o.violations) for o in outcomes if o.violations] == []
    failing = [(o.conversation["id"], o.failures[0]) for o in outcomes if not o.ok]
    assert 1 - len(failing) / len(outcomes) >= GOAL_TASK_SUCCESS, failing
    # the conversations tagged "ci" are the ones every change must keep right
    assert [f for f in failing if "ci" in next(c for c in played if c["id"] == f[0])["tags"]] == []


# the blind batches read and fixed against (working-b and working-c were final batches, working-e and
# working-f the two halves of the third, working-g the fourth's two conversations with a rule broken and
# working-h the rest of the fourth, read once a fifth was written; working-i to -l the fifth to the seventh, -m to -p
# the eighth to the twelfth, -n left out for its one rule line kept on purpose); the
# final batch is played only for the runs recorded in data/blind/conversations/RESULTS.md (working-d, whose
# shoppers the project's own tests use, is not played here either)
BLIND = ROOT / "data" / "blind" / "conversations"
# batches by different writers may change the same order: each group is played on a shop of its own
BLIND_WORKING = [("working", "working-b", "working-c"), ("working-e", "working-f"), ("working-g", "working-h"),
                 ("working-d", "working-i", "working-j"), ("working-k",), ("working-l",), ("working-m",), ("working-o",),
                 ("working-p",), ("working-q",), ("working-r",)]
GOAL_BLIND_WORKING = 0.85  # a floor under today's 96% over them all


# (on the embedded stack and one production stack: the own suite above tries every stack, and on noida-db, whose
# consumer groups settle slowly, eleven fresh services cost CI a quarter of an hour)
@pytest.mark.parametrize("backend_env", ["embedded", "redis+tansu"], indirect=True)
def test_the_blind_working_batch_breaks_no_rule_and_keeps_its_floor(seeded, backend_env, tmp_path_factory):
    """Conversations written apart from the project (data/blind/conversations/BRIEF.md), on the embedded stack and
    Redis + Kafka: no rule broken, every reply in the shopper's language, and the share right kept above a floor."""
    outcomes = []
    for group in BLIND_WORKING:
        blind = [c for batch in group for c in load_suite(BLIND / batch)]
        assert validate(blind, seeded, whole_suite=False) == []
        with fresh_service(backend_env, tmp_path_factory) as service:
            outcomes += run_suite(service["url"], service["shop_path"], blind)
    assert [(o.conversation["id"], o.violations) for o in outcomes if o.violations] == []
    # (one writer's "hi 你好呀" wants English back, where the service reads a Chinese greeting: a floor here too)
    assert sum(o.wrong_language > 0 for o in outcomes) <= len(outcomes) // 100, \
        [o.conversation["id"] for o in outcomes if o.wrong_language]
    assert sum(o.ok for o in outcomes) / len(outcomes) >= GOAL_BLIND_WORKING


def test_the_checker_sees_a_change_without_a_yes_and_on_another_shoppers_order(suite, backend_env, tmp_path_factory):
    """The rule checks themselves can fail: a real cancellation, played as if its yes were not one and as
    if another shopper were talking, must be reported as two broken rules."""
    cancel = next(c for c in suite if c["id"] == "cancel-en-007")
    someone_else = next(c["user"] for c in suite if c.get("user") and c["user"] != cancel["user"])
    played = {**copy.deepcopy(cancel), "user": someone_else}
    for turn in played["turns"]:
        turn.pop("confirm", None)
    with fresh_service(backend_env, tmp_path_factory) as service:  # the suite plays this order too
        [outcome] = run_suite(service["url"], service["shop_path"], [played])
    assert any("without the shopper's explicit yes" in v for v in outcome.violations), outcome.violations
    assert any("of another shopper" in v for v in outcome.violations), outcome.violations


def test_llm_tier_sample_on_the_real_model(suite, llm_base_url, tmp_path):
    """The suite's open, multi-part questions on the real vLLM server: answered by the model (not the
    fallback), grounded in the shop's promotions, through the output rails, breaking no rule."""
    sample = [c for c in suite if c["capability"] == "llm_open_question"]
    path = tmp_path / "shop.db"
    env = {"SHOP_DB_URL": f"sqlite:///{path}", "LLM_BASE_URL": llm_base_url, "LLM_TIMEOUT_SECONDS": "90",
           "LLM_ANSWER_SECONDS": "90", "LLM_MAX_TOKENS": "80",
           "FRUSTRATION_THRESHOLD": "1.01"}  # the tier's answers, whatever the tone model makes of long questions
    with services.service_process(env) as (url, _):
        outcomes = run_suite(url, str(path), sample)
    assert [(o.conversation["id"], o.violations) for o in outcomes if o.violations] == []
    assert [(o.conversation["id"], o.failures[0]) for o in outcomes if not o.ok] == []
    answers = [t for o in outcomes for t in o.turns]
    assert len(answers) == 3 and all(t.reply["route"] == "llm" and t.reply["text"].strip() for t in answers), answers
