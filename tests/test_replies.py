"""The reply catalogue: both languages, the same placeholders, and every reply within the brand rules."""
from __future__ import annotations

import pytest

from agent.replies import check_catalogue, placeholders, templates
from guardrails.live import load_guardrails


def test_the_shipped_catalogue_is_sound():
    assert check_catalogue(templates()) == []


def test_a_broken_catalogue_is_named():
    problems = check_catalogue({"ok": {"en": "Order {order_id}.", "zh": "订单{order_id}。"},
                                "one_language": {"en": "Hi"},
                                "placeholders": {"en": "Order {order_id} is {status}.", "zh": "订单{order_id}。"}})
    assert [p.split(":")[0] for p in problems] == ["one_language", "placeholders"]


@pytest.fixture(scope="module")
def rails():
    rails = load_guardrails()
    yield rails
    rails.close()


@pytest.mark.parametrize("key", sorted(templates()))
def test_every_reply_passes_the_brand_rails_untouched(rails, key):
    """A template the output rails would rewrite is a template in the wrong voice: the shopper would see
    the rewrite on every turn (order ids and names below are what a real reply carries)."""
    sample = {"order_id": "#W2378156", "status": "pending", "items": "Desk Lamp", "name": "Desk Lamp",
              "amount": "54.04", "numbers": "357962501027", "address": "445 Maple Drive, Apt 3, Austin, TX 78701"}
    for language in ("en", "zh"):
        template = templates()[key][language]
        facts = {p: sample.get(p, "x") for p in placeholders(template)}
        text = template.format(**facts)
        verdict = rails.check_output(text, language=language, facts={"reply_facts": facts})
        assert verdict.action == "allow", (key, language, verdict)
