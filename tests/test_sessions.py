"""SessionStore behaviour, the same tests on the in-process store and on real Redis."""
import asyncio

import pytest

from agent.api import RequestResult
from agent.sessions import CREDENTIALS_KEPT, MemorySessionStore, RedisSessionStore


@pytest.fixture(params=["memory", "redis"])
async def make_store(request, redis_url):
    made = []

    def make(**ttl):
        store = MemorySessionStore(**ttl) if request.param == "memory" else RedisSessionStore(redis_url, **ttl)
        made.append(store)
        return store

    yield make
    for store in made:
        await store.close()


async def test_same_shopper_resumes_live_session_from_another_channel(make_store):
    store = make_store()
    session, resumed = await store.open("shopper-resume", "app")
    assert not resumed
    session.context = {"last_intent": "order_status", "slots": {"order_id": "#W2378156"}}
    session.turns = [{"shopper": "where is my order", "reply": "…", "intent": "order_status"}]
    await store.save(session)

    again, resumed = await store.open("shopper-resume", "h5")
    assert resumed and again.session_id == session.session_id and again.channel == "h5"
    assert again.context["slots"]["order_id"] == "#W2378156" and len(again.turns) == 1


async def test_a_signed_shopper_is_proven_in_the_session_a_guest_is_not(make_store):
    store = make_store()
    signed, _ = await store.open("shopper-proven", "app")
    guest, _ = await store.open(None, "app")
    assert signed.context == {"user_id": "shopper-proven"} and guest.context == {} and guest.shopper_id is None


async def test_a_session_proven_for_someone_else_is_not_resumed(make_store):
    store = make_store()
    session, _ = await store.open("shopper-a", "app")
    session.context["user_id"] = "shopper-b"  # cannot happen through the flows (one shopper per session)
    await store.save(session)
    again, resumed = await store.open("shopper-a", "h5")
    assert not resumed and again.session_id != session.session_id and again.context == {"user_id": "shopper-a"}


async def test_credentials_are_bound_to_their_session_and_stored_hashed(make_store):
    store = make_store()
    first, _ = await store.open(None, "app")
    second, _ = await store.open(None, "app")
    token = await store.issue_credential(first.session_id)
    assert len(token) >= 40
    assert await store.check_credential(first.session_id, token)
    assert not await store.check_credential(second.session_id, token)
    assert not await store.check_credential(first.session_id, token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert not await store.check_credential(first.session_id, "") and not await store.check_credential("s_x", token)
    assert token not in await store._credentials(first.session_id)  # only digests are kept


async def test_a_session_is_read_for_its_credentials_holder_only(make_store):
    store = make_store(ttl=1)
    session, _ = await store.open("shopper-authorized", "h5")
    other, _ = await store.open(None, "app")
    token = await store.issue_credential(session.session_id)
    assert (await store.authorized(session.session_id, token)).channel == "h5"
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for wrong in ("", None, altered, await store.issue_credential(other.session_id)):
        assert await store.authorized(session.session_id, wrong) is None
    await asyncio.sleep(0.7)
    assert await store.authorized(session.session_id, "wrong") is None  # a stranger does not keep it alive
    await asyncio.sleep(0.5)
    restarted = await store.authorized(session.session_id, token)  # expired: restarted for its credential's holder
    assert restarted.restarted and restarted.shopper_id == "shopper-authorized" and restarted.channel == "h5"
    assert await store.authorized("s_never_existed", token) is None


async def test_starting_a_turn_stores_its_record_and_reads_the_session(make_store):
    store = make_store(ttl=1)
    session, _ = await store.open(None, "app")
    session.context = {"last_intent": "greeting"}
    await store.save(session)
    running = RequestResult(request_id="r_start_1", session_id=session.session_id, status="running")
    assert (await store.start_turn(running)).context == {"last_intent": "greeting"}
    assert (await store.get_request("r_start_1")).status == "running"
    await asyncio.sleep(1.3)
    assert (await store.start_turn(running)).restarted  # expired: what is known of it, restarted
    assert await store.start_turn(running.model_copy(update={"session_id": "s_never_existed"})) is None


async def test_each_channel_gets_its_own_credential_and_the_oldest_lapse(make_store):
    store = make_store()
    session, _ = await store.open("shopper-channels", "app")
    tokens = [await store.issue_credential(session.session_id) for _ in range(CREDENTIALS_KEPT + 2)]
    assert [await store.check_credential(session.session_id, t) for t in tokens] == [False] * 2 + [True] * CREDENTIALS_KEPT


async def test_a_credential_outlives_the_sessions_context_to_restart_it(make_store):
    store = make_store(ttl=1)
    session, _ = await store.open(None, "app")
    token = await store.issue_credential(session.session_id)
    await asyncio.sleep(1.3)
    assert (await store.get(session.session_id)).restarted
    assert await store.check_credential(session.session_id, token)


async def test_anonymous_sessions_are_never_shared(make_store):
    store = make_store()
    first, _ = await store.open(None, "app")
    second, resumed = await store.open(None, "app")
    assert not resumed and first.session_id != second.session_id


async def test_expired_session_restarts_fresh_and_shopper_gets_a_new_one(make_store):
    store = make_store(ttl=1)
    session, _ = await store.open("shopper-expiry", "miniapp")
    session.context = {"slots": {"order_id": "#W1"}}
    await store.save(session)
    await asyncio.sleep(1.3)

    revived = await store.get(session.session_id)
    assert revived is not None and revived.restarted and revived.context == {}
    assert revived.shopper_id == "shopper-expiry" and revived.channel == "miniapp"
    fresh, resumed = await store.open("shopper-expiry", "app")
    assert not resumed and fresh.session_id != session.session_id
    assert await store.get("s_never_existed") is None


async def test_reading_a_session_slides_its_ttl(make_store):
    store = make_store(ttl=2)
    session, _ = await store.open(None, "app")
    for _ in range(3):
        await asyncio.sleep(0.8)
        live = await store.get(session.session_id)
        assert live is not None and not live.restarted


async def test_request_records_dedupe_and_finish_with_the_session(make_store):
    store = make_store()
    session, _ = await store.open(None, "app")
    queued = RequestResult(request_id="r_dedupe_1", session_id=session.session_id, status="queued")
    assert await store.put_request(queued, only_new=True)
    assert not await store.put_request(queued, only_new=True)

    session.context = {"last_intent": "greeting"}
    await store.finish_turn(session, queued.model_copy(update={"status": "done"}))
    assert (await store.get_request("r_dedupe_1")).status == "done"
    assert (await store.get(session.session_id)).context == {"last_intent": "greeting"}
    await store.delete_request("r_dedupe_1")
    assert await store.get_request("r_dedupe_1") is None


async def test_media_is_kept_until_its_ttl(make_store):
    store = make_store(media_ttl=1)
    await store.put_media("r_media:image", b"\xff\xd8\xffjpeg")
    assert await store.get_media("r_media:image") == b"\xff\xd8\xffjpeg"
    await asyncio.sleep(1.3)
    assert await store.get_media("r_media:image") is None


def said_by(agent: str, text: str, seq: int) -> dict:
    """A person's message at the desk as agent/desk_api.py keeps it in the history."""
    return {"shopper": "", "reply": text, "intent": None, "agent": agent, "seq": seq}


async def test_a_persons_messages_join_the_history_newest_kept(make_store):
    store = make_store()
    session, _ = await store.open(None, "app")
    for seq in (1, 2, 3):
        assert await store.add_to_history(session.session_id, said_by("ann", f"message {seq}", seq), keep=2)
    assert [t["reply"] for t in (await store.get(session.session_id)).turns] == ["message 2", "message 3"]
    assert not await store.add_to_history("s_never_existed", said_by("ann", "hello?", 1), keep=2)
    assert await store.get("s_never_existed") is None


async def test_messages_written_at_once_are_all_kept(make_store):
    store = make_store()
    session, _ = await store.open(None, "app")
    await asyncio.gather(*(store.add_to_history(session.session_id, said_by("ann", f"message {seq}", seq), keep=50)
                           for seq in range(1, 21)))
    assert sorted(t["seq"] for t in (await store.get(session.session_id)).turns) == list(range(1, 21))


async def test_a_turn_finishing_keeps_what_a_person_wrote_while_it_ran(make_store):
    store = make_store()
    session, _ = await store.open(None, "app")
    session.turns = [{"request_id": "r_meanwhile_1", "shopper": "I want a person", "reply": "…", "intent": "human_agent"}]
    await store.save(session)
    running = await store.get(session.session_id)  # the worker read the session, then a person wrote
    assert await store.add_to_history(session.session_id, said_by("ann", "Hi, I'm Ann.", 7), keep=10)
    running.turns = [*running.turns, {"request_id": "r_meanwhile_2", "shopper": "hello?", "reply": "", "intent": None}]
    await store.finish_turn(running, RequestResult(request_id="r_meanwhile_2", session_id=session.session_id,
                                                   status="done"))
    turns = (await store.get(session.session_id)).turns
    assert [t.get("request_id") or t["agent"] for t in turns] == ["r_meanwhile_1", "r_meanwhile_2", "ann"]
    assert (await store.get_request("r_meanwhile_2")).status == "done"

    following = await store.get(session.session_id)  # the next turn read it: nothing is added twice
    following.turns = [*following.turns, {"request_id": "r_meanwhile_3", "shopper": "ok", "reply": "…", "intent": None}]
    await store.finish_turn(following, RequestResult(request_id="r_meanwhile_3", session_id=session.session_id,
                                                     status="done"))
    turns = (await store.get(session.session_id)).turns
    assert [t.get("request_id") or t["agent"] for t in turns] == ["r_meanwhile_1", "r_meanwhile_2", "ann",
                                                                  "r_meanwhile_3"]
