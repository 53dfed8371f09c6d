"""The policy console (/console) in a real browser (Debian's Chromium) against `python serve.py` on every backend
stack: a prompt engineer makes a typo and sees it at its line, edits a rule too broadly and sees the policy's
examples fail and the conflict check warn, fixes the rule, reviews the diff, publishes, sees it applied to a new
shopper turn within 5 s, and rolls back; every change is in the audit log under their name. And: the page is the
service's own, speaks Chinese to a Chinese browser and needs a prompt engineer's token."""
import time

import httpx

from tests.browser import STAFF, bubbles, open_chat, say, staff_headers, wait_for_count

POLICY = "/admin/guardrails/policies/safety_abuse"
RULE = "  - id: harassment\n"
RESPECTFUL = "Let's keep it respectful"  # the harassment rule's reply to an English shopper


def sign_in(context, url: str, who: str):
    page = context.new_page()
    page.goto(f"{url}/console")
    page.fill("input[type=password]", STAFF[who][1])
    page.click("button")
    return page


def edit(page, yaml: str) -> None:
    page.locator("textarea.pc-yaml").fill(yaml)


def shopper_sees(chat, text: str, blocked: bool, since: float) -> float:
    """Says `text` as a new shopper turn until the reply is (or is no longer) the rule's; seconds since `since`."""
    while True:
        count = len(bubbles(chat, "bot")) + 1
        say(chat, text)
        if (RESPECTFUL in wait_for_count(chat, "bot", count)[-1]) == blocked:
            return time.monotonic() - since
        assert time.monotonic() - since < 5, f"the change did not reach the worker within 5 s: {text!r}"


def test_a_prompt_engineer_fixes_publishes_and_rolls_back_a_rule(service, context):
    published = httpx.get(f"{service}{POLICY}", headers=staff_headers("pat")).json()
    page = sign_in(context, service, "pat")
    page.click(".pc-item[data-policy=safety_abuse]")
    assert page.locator("textarea.pc-yaml").input_value() == published["yaml"]
    try:
        # a typo: the schema error is written at its line, and the line number in the gutter turns red
        typo = published["yaml"].replace(RULE + "    applies_to: [input]\n    action: block",
                                         RULE + "    applies_to: [input]\n    action: blok", 1)
        edit(page, typo)
        line = typo.splitlines().index("    action: blok") + 1
        page.locator(".pc-line.pc-bad .pc-msg", has_text="'blok' is not one of").wait_for()
        assert page.locator(".pc-gutter .pc-bad").all_inner_texts() == [str(line)]
        assert page.locator(".pc-line").nth(line - 1).get_attribute("class") == "pc-line pc-bad"

        # the rule also takes a word that angry but legitimate shoppers use: the examples and the check say so
        edit(page, published["yaml"].replace(RULE, RULE + "    phrases: [zanzibar, parcel]\n", 1))
        page.locator(".pc-errors .pc-ok").wait_for()
        page.click("[data-action=examples]")
        failed = page.locator(".pc-example.pc-fail")
        failed.first.wait_for()
        assert failed.count() == 1 and "safety_abuse/harassment" in failed.inner_text()
        page.click("[data-action=conflicts]")
        page.locator(".pc-warn", has_text="stops").wait_for()
        conflicts = page.locator(".pc-conflict").all_inner_texts()
        assert len(conflicts) >= 3 and all("parcel" in c.lower() for c in conflicts)

        fixed = published["yaml"].replace(RULE, RULE + "    phrases: [zanzibar]\n", 1)
        edit(page, fixed)
        page.click("[data-action=examples]")
        page.locator(".pc-ok", has_text=", 0 failed").wait_for()
        assert page.locator(".pc-example.pc-fail").count() == 0
        page.click("[data-action=review]")
        page.locator(".pc-diff .pc-add", has_text="phrases: [zanzibar]").wait_for()
        assert page.locator(".pc-out .pc-ok", has_text="No conflicts").is_visible()
        page.fill(".pc-comment", "zanzibar is harassment")
        page.click("[data-action=publish]")
        at = time.monotonic()
        page.locator(".pc-ok", has_text=f"Published as v{published['version'] + 1}").wait_for()

        chat = open_chat(context, service)
        assert shopper_sees(chat, "zanzibar", blocked=True, since=at) < 5
        page.click(f"[data-rollback='{published['version']}']")
        at = time.monotonic()
        page.locator(".pc-ok", has_text=f"Rolled back: now v{published['version'] + 2}").wait_for()
        assert shopper_sees(chat, "zanzibar", blocked=False, since=at) < 5
    finally:  # the service is shared with the other tests: leave the policy as it was found
        httpx.put(f"{service}{POLICY}", headers=staff_headers("pat"),
                  json={"yaml": published["yaml"], "author": "test cleanup"})

    audit = httpx.get(f"{service}/admin/guardrails/audit", params={"policy_id": "safety_abuse", "limit": 2},
                      headers=staff_headers("pat")).json()
    assert [(e["action"], e["version"], e["actor"]) for e in audit] == [
        ("rollback", published["version"] + 2, "pat (prompt_engineer)"),
        ("publish", published["version"] + 1, "pat (prompt_engineer)")]
    assert audit[1]["comment"] == "zanzibar is harassment" and "+    phrases: [zanzibar]" in audit[1]["diff"]
    history = page.locator(".pc-entry").all_inner_texts()
    assert "rollback" in history[0] and "pat (prompt_engineer)" in history[0] and "publish" in history[1]


def test_the_console_needs_a_prompt_engineer_and_speaks_chinese(service, browser):
    context = browser.new_context(locale="zh-CN")
    try:
        page = sign_in(context, service, "ann")  # an operator
        page.locator(".staff-error", has_text="operator role may not use policies").wait_for()
        page.fill("input[type=password]", STAFF["pat"][1])
        page.click("button")
        page.click(".pc-item[data-policy=topics]")
        assert page.locator("[data-action=examples]").inner_text() == "运行示例"
        page.fill("#pc-dry-text", "帮我写一首诗")  # off topic: what the topics policy declines
        page.click("[data-action=dry-run]")
        page.locator(".pc-dry-result strong").wait_for()
        assert page.locator(".pc-dry-result").inner_text().startswith("block · topics/")
    finally:
        context.close()


def test_the_console_is_the_services_own_page(service):
    response = httpx.get(f"{service}/console")
    assert response.status_code == 200 and "default-src 'self'" in response.headers["content-security-policy"]
    for path in ("/console", "/web/console.js", "/web/console.css"):
        assert "://" not in httpx.get(f"{service}{path}").text  # nothing from a CDN
