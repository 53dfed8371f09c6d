"""The human desk against `python serve.py` on every backend stack (with Kafka, hand-offs reach the desk through
the chat.handoffs topic and a consumer that keeps the queue in Redis): an angry shopper is handed over, an agent
in a second browser claims the conversation and answers, the shopper sees it, the bot says nothing until the
agent hands the conversation back; and the desk's API: roles, claims, the PII output check."""
import time

import httpx
import pytest

from tests.browser import STAFF, bubbles, open_chat, say, session_of, staff_headers, wait_for_count

ANGRY = "This is ridiculous!!! Worst service ever, I am furious, get me a real person NOW"


def wait_for_case(url: str, session_id: str, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        cases = httpx.get(f"{url}/admin/desk/cases", headers=staff_headers("ann")).json()
        found = [c for c in cases if c["session_id"] == session_id]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"{session_id} never reached the desk")


def handed_over(url: str) -> tuple[str, dict]:
    opened = httpx.post(f"{url}/v1/sessions", json={"channel": "h5"}).json()
    headers = {"Authorization": f"Bearer {opened['session_token']}"}
    reply = httpx.post(f"{url}/v1/chat", json={"session_id": opened["session_id"], "text": ANGRY}, headers=headers,
                       timeout=30).json()["reply"]
    assert reply["handoff"] is True
    return opened["session_id"], headers


@pytest.fixture
def contexts(browser):
    shopper, agent = browser.new_context(locale="en-US"), browser.new_context(locale="en-US")
    yield shopper, agent
    shopper.close()
    agent.close()


def test_an_agent_takes_over_an_angry_shopper_and_hands_back(service, contexts):
    shopper_context, agent_context = contexts
    shopper = open_chat(shopper_context, service)
    say(shopper, ANGRY)
    assert "colleague" in wait_for_count(shopper, "bot", 1)[-1]
    session_id = session_of(shopper)["session_id"]
    case = wait_for_case(service, session_id)
    assert case["status"] == "waiting" and case["frustration"] >= 0.6 and "furious" in case["last_message"]

    desk = agent_context.new_page()
    desk.goto(f"{service}/desk")
    desk.fill("input[type=password]", STAFF["ann"][1])
    desk.click("button")
    desk.click(f".dk-item[data-session='{session_id}']")
    desk.locator(".dk-shopper", has_text="furious").wait_for()  # the history so far
    desk.click("[data-action=claim]")
    shopper.locator(".sc-human", has_text="ann").wait_for()  # the shopper sees a person joined
    assert shopper.locator(".sc-human").is_visible()

    bot_before = len(bubbles(shopper, "bot"))
    say(shopper, "hello? is anyone there?")
    desk.locator(".dk-shopper", has_text="anyone there").wait_for()  # the agent sees it ...
    shopper.wait_for_timeout(1000)
    assert len(bubbles(shopper, "bot")) == bot_before  # ... and the bot says nothing
    desk.fill(".dk-compose textarea", "Hi, I'm Ann from the service team. I'm sorry, let me sort this out.")
    desk.click(".dk-compose button")
    first = time.monotonic()
    answer = shopper.locator(".sc-agent .sc-text")
    answer.first.wait_for()
    assert "I'm Ann" in answer.first.inner_text() and time.monotonic() - first < 5
    assert shopper.locator(".sc-agent .sc-name").first.inner_text() == "ann"
    assert len(bubbles(shopper, "bot")) == bot_before

    desk.click("[data-action=release]")
    shopper.locator(".sc-notice", has_text="assistant is back").wait_for()
    assert shopper.locator(".sc-human").is_hidden()
    say(shopper, "do you ship to Canada?")
    wait_for_count(shopper, "bot", bot_before + 1)  # the bot answers again
    assert all(c["session_id"] != session_id for c in httpx.get(f"{service}/admin/desk/cases",
                                                                  headers=staff_headers("ann")).json())


def test_the_desk_needs_an_operator(service):
    assert httpx.get(f"{service}/admin/desk/cases").status_code == 401
    assert httpx.get(f"{service}/admin/desk/cases", headers={"Authorization": "Bearer nobody"}).status_code == 403
    refused = httpx.get(f"{service}/admin/desk/cases", headers=staff_headers("pat"))  # a prompt engineer
    assert refused.status_code == 403 and refused.json()["error"]["message"]


def test_one_agent_holds_a_case_and_their_words_pass_the_pii_check(service):
    session_id, shopper = handed_over(service)
    wait_for_case(service, session_id)
    case = f"{service}/admin/desk/cases/{session_id}"
    write = {"text": "Hello! I'm Ann."}
    assert httpx.post(f"{case}/messages", json=write, headers=staff_headers("ann")).status_code == 409  # not claimed
    assert httpx.post(f"{case}/claim", headers=staff_headers("ann")).json()["agent"] == "ann"
    taken = httpx.post(f"{case}/claim", headers=staff_headers("bob"))
    assert taken.status_code == 409 and "ann" in taken.json()["error"]["message"]
    assert httpx.post(f"{case}/messages", json=write, headers=staff_headers("bob")).status_code == 409
    leaked = httpx.post(f"{case}/messages", headers=staff_headers("ann"),
                        json={"text": "Other customer's e-mail is jane.doe1234@example.com, call 415-555-0134"}).json()
    assert leaked["rewritten"] and "jane.doe1234@example.com" not in leaked["text"]
    events = httpx.get(f"{service}/v1/sessions/{session_id}/events", headers=shopper).json()["events"]
    said = [e["text"] for e in events if e["type"] == "agent_message"]
    assert said == [leaked["text"]] and "jane.doe" not in str(events)
    assert httpx.post(f"{case}/close", headers=staff_headers("ann")).json()["status"] == "closed"
    figures = httpx.get(f"{service}/metrics").text
    assert 'shop_desk_cases_total{outcome="claimed"}' in figures and "shop_desk_wait_seconds_count" in figures
    assert httpx.post(f"{case}/claim", headers=staff_headers("bob")).status_code == 404
    left = httpx.get(f"{service}/v1/sessions/{session_id}/events", headers=shopper).json()["events"][-1]
    assert left["type"] == "human_left" and left["closed"] is True


def test_no_bot_reply_while_a_person_holds_the_session(service):
    session_id, shopper = handed_over(service)
    wait_for_case(service, session_id)
    httpx.post(f"{service}/admin/desk/cases/{session_id}/claim", headers=staff_headers("ann"))
    held = httpx.post(f"{service}/v1/chat", json={"session_id": session_id, "text": "where is my parcel?"},
                      headers=shopper, timeout=30).json()["reply"]
    assert held["text"] == "" and held["route"] == "human"
    httpx.post(f"{service}/admin/desk/cases/{session_id}/release", headers=staff_headers("ann"))
    back = httpx.post(f"{service}/v1/chat", json={"session_id": session_id, "text": "where is my parcel?"},
                      headers=shopper, timeout=30).json()["reply"]
    assert back["text"] and back["route"] != "human"


def test_after_hand_back_the_bot_reads_what_the_person_said(service):
    session_id, shopper = handed_over(service)
    wait_for_case(service, session_id)
    case, ann = f"{service}/admin/desk/cases/{session_id}", staff_headers("ann")
    httpx.post(f"{case}/claim", headers=ann)
    chat = f"{service}/v1/chat"
    held = httpx.post(chat, json={"session_id": session_id, "text": "hello? anyone?"}, headers=shopper, timeout=30)
    assert held.json()["reply"]["route"] == "human"
    sent = httpx.post(f"{case}/messages", headers=ann, json={
        "text": "I'm Ann. A new charger is on its way; write to jane.doe1234@example.com or call 415-555-0134"}).json()
    httpx.post(f"{case}/release", headers=ann)

    turns = httpx.get(f"{service}/v1/sessions/{session_id}", headers=shopper).json()["turns"]
    assert turns[-2]["shopper"] == "hello? anyone?" and turns[-2]["reply"] == ""  # read by the person, not the bot
    # as the shopper saw it: the output check hid the e-mail and the phone, and the history keeps no personal data
    assert turns[-1] == {"shopper": "", "reply": sent["text"], "intent": None, "agent": "ann"}
    assert "A new charger" in sent["text"] and "jane.doe1234" not in str(turns) and "555-0134" not in str(turns)

    back = httpx.post(chat, json={"session_id": session_id, "text": "do you ship to Canada?"}, headers=shopper,
                      timeout=30).json()["reply"]
    assert back["text"] and back["route"] != "human"
    after = httpx.get(f"{service}/v1/sessions/{session_id}", headers=shopper).json()["turns"]
    # the turn read the person's message: its own entry follows it (finish_turn puts what it did not read after)
    assert after[-2] == turns[-1] and after[-1]["shopper"] == "do you ship to Canada?"


def test_after_hand_back_the_llm_tier_is_shown_what_the_person_said(tmp_path):
    """With a scripted OpenAI-compatible model (tests/rogue_llm.py), which records what it was shown."""
    from tests import services
    from tests.browser import ADMIN_TOKENS
    from tests.rogue_llm import rogue_llm_server

    with rogue_llm_server() as (llm_url, rogue):
        rogue.answer = "It lasts about three weeks on a charge."
        env = {"REDIS_URL": "", "KAFKA_BOOTSTRAP_SERVERS": "", "SHOP_DB_URL": f"sqlite:///{tmp_path}/shop.db",
               "LLM_BASE_URL": llm_url, "LLM_MAX_RETRIES": "0", "ADMIN_TOKENS": ADMIN_TOKENS}
        with services.service_process(env) as (url, _):
            session_id, shopper = handed_over(url)
            case, ann = f"{url}/admin/desk/cases/{session_id}", staff_headers("ann")
            wait_for_case(url, session_id)
            httpx.post(f"{case}/claim", headers=ann)
            httpx.post(f"{url}/v1/chat", headers=shopper, timeout=30, json={"session_id": session_id, "text": "hello?"})
            httpx.post(f"{case}/messages", headers=ann, json={"text": "I'm Ann. Your refund of 20.00 is on its way."})
            httpx.post(f"{case}/release", headers=ann)
            reply = httpx.post(f"{url}/v1/chat", headers=shopper, timeout=30, json={
                "session_id": session_id,
                "text": "how long does the battery last?"}).json()["reply"]
    assert reply["route"] == "llm", reply
    shown = rogue.requests[-1]["messages"]
    said = [m for m in shown if "Your refund of 20.00 is on its way" in (m["content"] or "")]
    assert [m["role"] for m in said] == ["assistant"]  # the shop's side of the conversation, as the bot's replies
    assert all(m["content"] for m in shown)  # no empty turn for the shopper's message the bot did not answer


def test_with_kafka_the_desk_reads_hand_offs_from_the_topic_and_keeps_its_place_in_redis(stack):
    if not stack["env"]["KAFKA_BOOTSTRAP_SERVERS"]:
        return  # embedded: hand-offs go straight onto the in-process desk (the tests above)
    import asyncio

    import redis

    from tests import services

    session_id, _ = handed_over(stack["url"])
    wait_for_case(stack["url"], session_id)
    on_topic = asyncio.run(services.read_topic(stack["env"]["KAFKA_BOOTSTRAP_SERVERS"], "chat.handoffs",
                                               lambda case: case["session_id"] == session_id))
    assert any(case["session_id"] == session_id for case in on_topic)
    kept = redis.Redis.from_url(stack["env"]["REDIS_URL"])
    assert kept.hexists("desk:cases", session_id)
    offsets = {int(p): int(o) for p, o in kept.hgetall("desk:offsets").items()}
    assert offsets and sum(offsets.values()) >= 1  # where a restarted gateway picks up
