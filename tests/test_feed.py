"""No reply lost or shown twice: the session's event feed (agent/events.py) on both backends, and the widget in
a real browser over a connection the test drops (mid-reply, and 5 times while 20 turns are sent), and reloaded."""
import asyncio
import contextlib
import uuid

import httpx
import pytest

from agent.events import MemoryEventFeed, RedisEventFeed, SequencedBus, resume
from agent.push import MemoryReplyBus, RedisReplyBus
from tests.browser import DroppableSocket, bubbles, open_chat, say, session_of, wait_for_count


@pytest.fixture(params=["memory", "redis"])
def feed(request):
    if request.param == "memory":
        return MemoryEventFeed(ttl=60)
    return RedisEventFeed(request.getfixturevalue("redis_url"), ttl=60)


async def test_events_are_numbered_per_session_and_read_after_a_number(feed):
    one, two = f"s_{uuid.uuid4().hex}", f"s_{uuid.uuid4().hex}"
    numbered = await asyncio.gather(*(feed.append(one, {"type": "reply", "n": n, "slots": {}, "matches": []})
                                      for n in range(10)))
    assert sorted(e["seq"] for e in numbered) == list(range(1, 11))  # appended at once: no number twice
    assert (await feed.append(two, {"type": "reply"}))["seq"] == 1
    after = await feed.after(one, 7)
    assert [e["seq"] for e in after] == [8, 9, 10] and after[0]["matches"] == [] and after[0]["slots"] == {}
    assert await feed.after(f"s_{uuid.uuid4().hex}", 0) == []
    await feed.close()


async def test_the_numbering_goes_on_after_the_events_expire(request):
    for feed in (MemoryEventFeed(ttl=1), RedisEventFeed(request.getfixturevalue("redis_url"), ttl=1)):
        session = f"s_{uuid.uuid4().hex}"
        await feed.append(session, {"type": "reply"})
        await asyncio.sleep(1.2)
        assert await feed.after(session, 0) == []  # expired with the session
        assert (await feed.append(session, {"type": "reply"}))["seq"] == 2  # a client holding 1 misses nothing
        await feed.close()


async def test_the_redis_feed_publishes_what_it_numbers_in_the_same_step(redis_url):
    """On Redis the event is numbered, kept and published by one script: listeners get what the feed keeps."""
    bus = RedisReplyBus(redis_url)
    sequenced = SequencedBus(bus, RedisEventFeed(redis_url, ttl=60, publish_to=bus.channel))
    session = f"s_{uuid.uuid4().hex}"
    async with sequenced.listen(session) as events:
        sent = [await sequenced.publish(session, {"type": "reply", "text": "包邮 \"ok\"", "n": n}) for n in range(2)]
        await sequenced.publish(session, {"type": "token", "text": "hi"})  # passing news: the bus alone
        heard = [await asyncio.wait_for(events.get(), 5) for _ in range(3)]
    assert heard == [*sent, {"type": "token", "text": "hi"}] and [e["seq"] for e in sent] == [1, 2]
    assert await sequenced.feed.after(session, 0) == sent
    await sequenced.close()


async def test_sessions_that_start_listening_together_each_hear_their_events(redis_url):
    """Sockets opened at once on a gateway (its first ones, as after a restart): every session gets its events."""
    bus = RedisReplyBus(redis_url)
    sessions = [f"s_{uuid.uuid4().hex}" for _ in range(8)]
    async with contextlib.AsyncExitStack() as stack:
        queues = await asyncio.gather(*(stack.enter_async_context(bus.listen(s)) for s in sessions))
        for session in sessions:
            await bus.publish(session, {"type": "status", "session": session})
        heard = [await asyncio.wait_for(q.get(), 5) for q in queues]
    assert [e["session"] for e in heard] == sessions
    await bus.close()


async def test_a_resumed_stream_sends_each_numbered_event_once():
    bus = SequencedBus(MemoryReplyBus(), MemoryEventFeed(ttl=60))
    for n in range(3):
        await bus.publish("s", {"type": "reply", "n": n})
    sent: list[dict] = []

    async def send(event):
        sent.append(event)

    async with bus.listen("s") as events:
        await bus.publish("s", {"type": "reply", "n": 3})  # kept and queued live: both before resume reads
        await bus.publish("s", {"type": "token", "text": "hi"})  # passing news: not numbered
        task = asyncio.create_task(resume(bus, "s", 1, events, send))
        await asyncio.sleep(0.05)
        await bus.publish("s", {"type": "reply", "n": 4})
        await asyncio.sleep(0.05)
        task.cancel()
    assert [e.get("seq") for e in sent] == [2, 3, 4, None, 5]


def test_the_events_endpoint_needs_the_session_credential(service):
    opened = httpx.post(f"{service}/v1/sessions", json={"channel": "h5"}).json()
    path = f"{service}/v1/sessions/{opened['session_id']}/events"
    assert httpx.get(path).status_code == 401
    assert httpx.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 404
    mine = {"Authorization": f"Bearer {opened['session_token']}"}
    httpx.post(f"{service}/v1/chat", json={"session_id": opened["session_id"], "text": "hi"}, headers=mine, timeout=30)
    events = httpx.get(path, headers=mine).json()["events"]
    assert [e["type"] for e in events] == ["shopper_message", "reply"] and events[0]["text"] == "hi"
    assert [e["type"] for e in httpx.get(path, params={"after": 1}, headers=mine).json()["events"]] == ["reply"]


def test_a_reply_sent_while_the_network_is_down_shows_exactly_once(service, context):
    page = context.new_page()
    # the socket drops when the worker starts on the turn: the reply is published while the page is away
    network = DroppableSocket(page, drop_when=lambda e: e.get("type") == "status" and network.drops == 0)
    page.goto(f"{service}/chat")
    page.wait_for_selector(".sc-form")
    say(page, "do you ship to Canada?")
    replies = wait_for_count(page, "bot", 1)
    page.wait_for_timeout(1000)  # anything pushed twice would be here by now
    assert network.drops == 1 and network.connections >= 2
    assert bubbles(page, "bot") == replies and len(replies) == 1
    assert bubbles(page, "me") == ["do you ship to Canada?"]


def test_a_message_typed_offline_is_sent_once_when_back(service, context):
    page = open_chat(context, service)
    context.set_offline(True)
    say(page, "do you ship to Canada?")
    page.wait_for_timeout(1500)  # the widget retries the same turn (same Idempotency-Key)
    context.set_offline(False)
    wait_for_count(page, "bot", 1)
    page.wait_for_timeout(1000)
    assert len(bubbles(page, "bot")) == 1 and bubbles(page, "me") == ["do you ship to Canada?"]


def test_a_message_typed_while_the_conversation_opens_is_sent_when_it_has(service, context):
    """A slow network holds the widget's first request (it opens the conversation) for 1.5 s; what the shopper
    types meanwhile waits for the conversation, and is answered, not dropped as 'offline'."""
    page = context.new_page()

    def slow(route):
        page.wait_for_timeout(1500)
        route.continue_()

    page.route("**/v1/sessions", slow)
    page.goto(f"{service}/chat")
    page.wait_for_selector(".sc-form")
    say(page, "do you ship to Canada?")
    assert bubbles(page, "me") == ["do you ship to Canada?"]  # shown at once, waiting to be sent
    wait_for_count(page, "bot", 1)
    page.wait_for_timeout(500)
    assert len(bubbles(page, "bot")) == 1 and bubbles(page, "me") == ["do you ship to Canada?"]
    assert page.locator(".sc-pending, .sc-failed, .sc-error").count() == 0


def test_every_reply_once_while_the_socket_drops_5_times_in_20_turns(service, context):
    page = context.new_page()
    running = []

    def drop_now(event) -> bool:  # every 4th turn, as the worker starts on it
        if event.get("type") == "status" and event.get("status") == "running":
            running.append(event["request_id"])
            return len(running) % 4 == 2 and network.drops < 5
        return False

    network = DroppableSocket(page, drop_when=drop_now)
    page.goto(f"{service}/chat")
    page.wait_for_selector(".sc-form")
    questions = ["do you ship to Canada?", "how long does delivery take?", "can I return shoes?", "hello"]
    for turn in range(20):
        say(page, f"{questions[turn % 4]} ({turn})")
        wait_for_count(page, "bot", turn + 1, timeout=30)
    page.wait_for_timeout(1500)
    assert network.drops == 5
    assert len(bubbles(page, "me")) == 20 and len(bubbles(page, "bot")) == 20
    # the same replies, in the same order, as the conversation's own record
    session = session_of(page)
    events = httpx.get(f"{service}/v1/sessions/{session['session_id']}/events",
                       headers={"Authorization": f"Bearer {session['session_token']}"}).json()["events"]
    assert bubbles(page, "bot") == [e["reply"]["text"] for e in events if e["type"] == "reply"]
    assert bubbles(page, "me") == [e["text"] for e in events if e["type"] == "shopper_message"]


def test_the_conversation_survives_a_reload(service, context):
    page = open_chat(context, service)
    say(page, "hi")
    wait_for_count(page, "bot", 1)
    say(page, "do you ship to Canada?")
    before = wait_for_count(page, "bot", 2)
    session = session_of(page)
    page.reload()
    page.wait_for_selector(".sc-form")
    assert wait_for_count(page, "bot", 2) == before
    assert bubbles(page, "me") == ["hi", "do you ship to Canada?"]
    assert session_of(page) == session  # the same conversation, not a new one
    say(page, "thanks")
    wait_for_count(page, "bot", 3)
    page.wait_for_timeout(500)
    assert len(bubbles(page, "bot")) == 3


def test_llm_tokens_stream_into_one_bubble_that_the_reply_completes(browser, tmp_path):
    """A scripted OpenAI-compatible model (tests/rogue_llm.py) streams its answer word by word."""
    from tests import services
    from tests.rogue_llm import rogue_llm_server

    answer = "Thanks for asking. A colleague can confirm the battery details for you."
    with rogue_llm_server() as (llm_url, rogue):
        rogue.answer = answer
        env = {"REDIS_URL": "", "KAFKA_BOOTSTRAP_SERVERS": "", "SHOP_DB_URL": f"sqlite:///{tmp_path}/shop.db",
               "LLM_BASE_URL": llm_url, "LLM_MAX_RETRIES": "0"}
        with services.service_process(env) as (url, _):
            context = browser.new_context(locale="en-US")
            page = context.new_page()
            seen = []
            DroppableSocket(page, drop_when=lambda event: seen.append(event["type"]) and False)
            page.goto(f"{url}/chat")
            page.wait_for_selector(".sc-form")
            say(page, "how long does the battery last?")
            wait_for_count(page, "bot", 1)
            page.locator(".sc-bot:not(.sc-streaming)").first.wait_for()
            page.wait_for_timeout(500)
            shown = bubbles(page, "bot")
            context.close()
    assert seen.count("token") >= 5 and seen.index("token") < seen.index("reply")  # streamed before the reply
    assert len(shown) == 1 and shown[0].startswith("Thanks for asking")  # one bubble: tokens, then the reply


def test_a_streamed_reply_cut_off_by_a_dropped_socket_shows_once_and_whole(browser, tmp_path):
    """The socket drops in the middle of an LLM reply, after its first tokens (the rest of them are lost): once
    back, the stream resumes after the last numbered event and the reply completes the same bubble."""
    from tests import services
    from tests.rogue_llm import rogue_llm_server

    with rogue_llm_server() as (llm_url, rogue):
        rogue.answer = "Thanks for asking. A colleague can confirm the battery details for you."
        env = {"REDIS_URL": "", "KAFKA_BOOTSTRAP_SERVERS": "", "SHOP_DB_URL": f"sqlite:///{tmp_path}/shop.db",
               "LLM_BASE_URL": llm_url, "LLM_MAX_RETRIES": "0"}
        with services.service_process(env) as (url, _):
            context = browser.new_context(locale="en-US")
            page = context.new_page()
            tokens = []

            def third_token(event) -> bool:
                if event["type"] == "token":
                    tokens.append(event["text"])
                return len(tokens) == 3 and network.drops == 0

            network = DroppableSocket(page, drop_when=third_token)
            page.goto(f"{url}/chat")
            page.wait_for_selector(".sc-form")
            say(page, "how long does the battery last?")
            page.locator(".sc-bot:not(.sc-streaming)").first.wait_for(timeout=30000)
            page.wait_for_timeout(1000)  # anything pushed twice would be here by now
            shown = bubbles(page, "bot")
            session = session_of(page)
            events = httpx.get(f"{url}/v1/sessions/{session['session_id']}/events",
                               headers={"Authorization": f"Bearer {session['session_token']}"}).json()["events"]
            context.close()
    assert network.drops == 1 and network.connections >= 2 and len(tokens) >= 3  # dropped after 2 tokens shown
    assert shown == [e["reply"]["text"] for e in events if e["type"] == "reply"]  # once, and whole
    assert shown[0].startswith("Thanks for asking") and len(shown[0].split()) > 3  # the rest came after the drop
