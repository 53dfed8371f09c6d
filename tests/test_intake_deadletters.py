"""Dead letters and bounded retries (agent/deadletters.py): the same tests in-process and on both real
Kafka-protocol brokers. A bad record or a turn that keeps failing never stops its partition; an outage
is waited out, not dead-lettered; a replay puts dead letters back once."""
import asyncio
import json
import time
import uuid

import pytest
import redis.exceptions

from agent import metrics
from agent.api import Turn
from agent.deadletters import DeadLetter, TurnRetries
from agent.intake import KafkaIntake, MemoryIntake
from tests.services import read_topic

FAST = TurnRetries(attempts=3, first_seconds=0.01, max_seconds=0.05)


@pytest.fixture(params=["memory", "tansu", "noida"])
async def intake(request, kafka_brokers):
    if request.param == "memory":
        opened = MemoryIntake(partitions=4, retries=FAST)
    else:
        topic = f"t-dlq-{uuid.uuid4().hex[:8]}"
        opened = KafkaIntake(kafka_brokers(request.param), topic, f"g-{topic}", partitions=4, retries=FAST)
    await opened.start()
    yield opened
    await opened.close()


async def dead_letters(intake, until=lambda letters: True) -> list[DeadLetter]:
    """What the intake dead-lettered: its list in process, its topic on Kafka."""
    if isinstance(intake, MemoryIntake):
        return list(intake.dead_letters)
    records = await read_topic(intake.bootstrap, intake.dead_letter_topic, lambda r: until([r]))
    return [DeadLetter.model_validate_json(json.dumps(r)) for r in records]


def turn(session: str, n: int) -> Turn:
    return Turn(request_id=f"{session}-{n}", session_id=session, text=f"turn {n}", enqueued_at=time.time())


class Worker:
    """Records what it handled and when; fails the turns it is told to."""

    def __init__(self, fail=lambda turn, tries: None) -> None:
        self.handled: dict[str, float] = {}
        self.tries: dict[str, int] = {}
        self.told: list[DeadLetter] = []
        self.fail = fail

    async def handle(self, t: Turn) -> None:
        self.tries[t.request_id] = self.tries.get(t.request_id, 0) + 1
        self.fail(t, self.tries[t.request_id])
        self.handled[t.request_id] = time.monotonic()

    async def dead_lettered(self, letter: DeadLetter) -> None:
        self.told.append(letter)

    async def until(self, request_ids: set[str], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not request_ids <= self.handled.keys():
            assert time.monotonic() < deadline, f"not handled: {request_ids - self.handled.keys()}"
            await asyncio.sleep(0.01)


async def working(intake, worker: Worker):
    return asyncio.create_task(intake.run_worker(worker.handle, worker.dead_lettered))


async def stop(task) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_a_poison_record_is_dead_lettered_and_the_next_turns_are_answered_within_2s(intake):
    session = f"s_{uuid.uuid4().hex[:8]}"
    worker = Worker()
    task = await working(intake, worker)
    try:
        await intake.put(turn(session, 0))
        await worker.until({f"{session}-0"})  # the worker has its partitions
        poison = b"\x8f\x00not a turn \xff" + bytes(range(40))
        await intake.put_record(session, poison)  # same key: the same partition as the session's turns
        poisoned_at = time.monotonic()
        for n in (1, 2, 3):
            await intake.put(turn(session, n))
        await worker.until({f"{session}-{n}" for n in (1, 2, 3)})
        assert max(worker.handled.values()) - poisoned_at < 2.0
        assert sorted(worker.handled, key=worker.handled.get) == [f"{session}-{n}" for n in range(4)]
    finally:
        await stop(task)
    [letter] = await dead_letters(intake)
    assert (letter.reason, letter.attempts, letter.key, letter.session_id) == ("unreadable", 1, session, session)
    assert letter.value == poison and "ValidationError" in letter.error and letter.request_id is None
    assert [t.reason for t in worker.told] == ["unreadable"]  # the worker could tell the session's shopper


async def test_a_turn_failing_every_try_is_dead_lettered_after_n_attempts_and_replayed_once(intake):
    session, broken = f"s_{uuid.uuid4().hex[:8]}", True

    def fail(t: Turn, tries: int) -> None:
        if t.request_id.endswith("-0") and broken:
            raise RuntimeError("a defect in a node")

    worker = Worker(fail)
    failures_before = metrics.TURN_RETRIES.labels(reason="failure")._value.get()
    task = await working(intake, worker)
    try:
        await intake.put(turn(session, 0))
        await intake.put(turn(session, 1))
        await worker.until({f"{session}-1"})  # the partition moved on
        assert worker.tries[f"{session}-0"] == 3 and f"{session}-0" not in worker.handled
        [letter] = await dead_letters(intake)
        assert (letter.reason, letter.attempts, letter.request_id, letter.session_id) == (
            "failed", 3, f"{session}-0", session)
        assert letter.error == "RuntimeError: a defect in a node"
        assert Turn.model_validate_json(letter.value).request_id == f"{session}-0"
        assert metrics.TURN_RETRIES.labels(reason="failure")._value.get() - failures_before == 2
        assert [t.request_id for t in worker.told] == [f"{session}-0"]

        broken = False  # the defect is fixed: the replay runs the turn again
        requeued: list[str] = []

        async def before_put(letter: DeadLetter) -> None:
            requeued.append(letter.request_id)

        replayed = await intake.replay_dead_letters(before_put)
        assert [r.request_id for r in replayed] == requeued == [f"{session}-0"]
        await worker.until({f"{session}-0"})
        assert await intake.replay_dead_letters() == []  # each letter is put back once
    finally:
        await stop(task)


async def test_an_outage_is_waited_out_not_dead_lettered(intake):
    session = f"s_{uuid.uuid4().hex[:8]}"

    def redis_down_for_five_tries(t: Turn, tries: int) -> None:
        if tries <= 5:  # more tries than TURN_ATTEMPTS: an outage does not count as the turn's failure
            raise redis.exceptions.ConnectionError("Connection refused")

    worker = Worker(redis_down_for_five_tries)
    outages_before = metrics.TURN_RETRIES.labels(reason="outage")._value.get()
    task = await working(intake, worker)
    try:
        await intake.put(turn(session, 0))
        await worker.until({f"{session}-0"})
    finally:
        await stop(task)
    assert worker.tries[f"{session}-0"] == 6 and worker.told == []
    assert metrics.TURN_RETRIES.labels(reason="outage")._value.get() - outages_before == 5
    if isinstance(intake, MemoryIntake):
        assert intake.dead_letters == []


async def test_lag_is_reported_per_partition(intake):
    session = f"s_{uuid.uuid4().hex[:8]}"
    release = asyncio.Event()

    async def held(t: Turn) -> None:
        await release.wait()

    task = asyncio.create_task(intake.run_worker(held))
    try:
        for n in range(5):
            await intake.put(turn(session, n))
        deadline = time.monotonic() + 30
        while sum((await intake.lag()).values()) < 4:  # one in flight, four behind it (Kafka: once assigned)
            assert time.monotonic() < deadline, await intake.lag()
            await asyncio.sleep(0.1)
        lag = await intake.lag()
        assert len([p for p, n in lag.items() if n]) == 1  # one session: one partition
        release.set()
        while sum((await intake.lag()).values()):
            assert time.monotonic() < deadline, await intake.lag()
            await asyncio.sleep(0.1)
    finally:
        await stop(task)
