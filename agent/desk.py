"""The human desk's queue: the conversations handed over to people, each with its summary, task state,
frustration and history, and who (if anyone) owns it. While a person owns a session the bot stays silent
(agent/nodes.py `human_owns`). In memory for the embedded service, a Redis hash in production, fed from the
hand-off topic by `follow_handoffs`, which keeps its offsets in Redis beside the queue.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, Protocol

from agent import metrics
from agent.handoff import HandoffDesk

log = logging.getLogger(__name__)


class CaseNotFound(LookupError):
    pass


class CaseTaken(RuntimeError):
    def __init__(self, agent: str) -> None:
        super().__init__(f"claimed by {agent}")
        self.agent = agent


def _merged(old: dict | None, case: dict) -> dict:
    """A newer hand-off of a session updates its case; a case a person holds stays theirs."""
    kept = {k: old[k] for k in ("status", "agent", "claimed_at", "since") if old and k in old}
    return {**case, "status": "waiting", "agent": None, "since": case.get("at", time.time()), **kept}


def _claimed(case: dict | None, session_id: str, agent: str) -> dict:
    if case is None:
        raise CaseNotFound(session_id)
    if case.get("status") == "claimed" and case.get("agent") != agent:
        raise CaseTaken(case["agent"])
    return {**case, "status": "claimed", "agent": agent, "claimed_at": case.get("claimed_at") or time.time()}


class DeskQueue(Protocol):
    async def add(self, case: dict[str, Any]) -> None: ...

    async def cases(self) -> list[dict[str, Any]]:
        """The open cases, waiting and claimed, oldest hand-off first."""

    async def get(self, session_id: str) -> dict[str, Any] | None: ...

    async def claim(self, session_id: str, agent: str) -> dict[str, Any]:
        """The case, now the agent's; CaseNotFound, or CaseTaken when another person holds it."""

    async def remove(self, session_id: str) -> dict[str, Any]:
        """Takes the case off the desk (handed back to the bot, or closed); CaseNotFound."""

    async def owner(self, session_id: str) -> str | None:
        """The person who holds the session, if any: the bot answers nothing while there is one."""

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


async def open_cases(desk: DeskQueue) -> list[dict[str, Any]]:
    """The desk's open cases, their counts recorded in shop_desk_open_cases{status} as they are listed (the desk's
    page and the dashboard list them every few seconds)."""
    found = await desk.cases()
    for status in ("waiting", "claimed"):
        metrics.DESK_OPEN.labels(status=status).set(sum(c.get("status") == status for c in found))
    return found


class MemoryDeskQueue:
    def __init__(self) -> None:
        self.open: dict[str, dict] = {}
        self.offsets: dict[int, int] = {}  # the hand-off topic's next offset per partition (with Kafka)
        self.lock = asyncio.Lock()

    async def add(self, case):
        async with self.lock:
            self.open[case["session_id"]] = _merged(self.open.get(case["session_id"]), case)

    async def cases(self):
        return sorted(self.open.values(), key=lambda c: c["since"])

    async def get(self, session_id):
        return self.open.get(session_id)

    async def claim(self, session_id, agent):
        async with self.lock:
            self.open[session_id] = _claimed(self.open.get(session_id), session_id, agent)
            return self.open[session_id]

    async def remove(self, session_id):
        async with self.lock:
            if session_id not in self.open:
                raise CaseNotFound(session_id)
            return self.open.pop(session_id)

    async def owner(self, session_id):
        case = self.open.get(session_id)
        return case["agent"] if case and case.get("status") == "claimed" else None

    async def read_offsets(self) -> dict[int, int]:
        return dict(self.offsets)

    async def add_at(self, case: dict, partition: int, offset: int) -> None:
        await self.add(case)
        self.offsets[partition] = offset + 1

    async def ping(self):
        return None

    async def close(self):
        return None


class RedisDeskQueue:
    """`desk:cases` maps session id → case (JSON); `desk:offsets` the hand-off topic's next offset per partition."""

    CASES, OFFSETS = "desk:cases", "desk:offsets"

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self.redis = redis.from_url(url)

    async def _change(self, session_id: str, change) -> dict:
        """Read, change and write one case as a transaction: two agents claiming at once cannot both win."""
        from redis.exceptions import WatchError

        while True:
            async with self.redis.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(self.CASES)
                    raw = await pipe.hget(self.CASES, session_id)
                    case = change(json.loads(raw) if raw else None)
                    pipe.multi()
                    if case is None:
                        pipe.hdel(self.CASES, session_id)
                    else:
                        pipe.hset(self.CASES, session_id, json.dumps(case, ensure_ascii=False))
                    await pipe.execute()
                    return case if case is not None else json.loads(raw)
                except WatchError:
                    continue

    async def add(self, case):
        await self._change(case["session_id"], lambda old: _merged(old, case))

    async def cases(self):
        found = [json.loads(raw) for raw in (await self.redis.hgetall(self.CASES)).values()]
        return sorted(found, key=lambda c: c["since"])

    async def get(self, session_id):
        raw = await self.redis.hget(self.CASES, session_id)
        return json.loads(raw) if raw else None

    async def claim(self, session_id, agent):
        return await self._change(session_id, lambda case: _claimed(case, session_id, agent))

    async def remove(self, session_id):
        def gone(case):
            if case is None:
                raise CaseNotFound(session_id)
            return None

        return await self._change(session_id, gone)

    async def owner(self, session_id):
        case = await self.get(session_id)
        return case["agent"] if case and case.get("status") == "claimed" else None

    async def read_offsets(self) -> dict[int, int]:
        return {int(p): int(o) for p, o in (await self.redis.hgetall(self.OFFSETS)).items()}

    async def add_at(self, case: dict, partition: int, offset: int) -> None:
        await self.add(case)  # a case added twice (a crash between the two) is merged, not doubled
        await self.redis.hset(self.OFFSETS, str(partition), offset + 1)

    async def ping(self):
        await self.redis.ping()

    async def close(self):
        await self.redis.aclose()


class QueueingHandoffDesk:
    """The embedded service's hand-offs: recorded as before, and put straight on the in-process desk."""

    def __init__(self, desk: HandoffDesk, queue: DeskQueue) -> None:
        self.desk, self.queue = desk, queue

    async def hand_over(self, case):
        await self.desk.hand_over(case)
        await self.queue.add({**case, "at": time.time()})

    async def recent(self, limit):
        return await self.desk.recent(limit)

    async def close(self):
        await self.desk.close()


async def _reader_of(bootstrap: str, topic: str):
    """A started consumer that knows the topic's partitions: until the first hand-off the topic does not exist,
    and a consumer's metadata names only the topics there were when it started."""
    from aiokafka import AIOKafkaConsumer

    while True:
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        await consumer.start()
        try:
            if (await consumer.topics()) and (partitions := consumer.partitions_for_topic(topic)):
                return consumer, partitions
        except BaseException:  # cancelled or failed: not left open
            await asyncio.shield(consumer.stop())
            raise
        await asyncio.shield(consumer.stop())
        await asyncio.sleep(1)


async def follow_handoffs(bootstrap: str, topic: str, queue: MemoryDeskQueue | RedisDeskQueue) -> None:
    """Puts every case of the hand-off topic on the desk's queue, from the offsets the queue keeps (no consumer
    group: any number of gateways may follow the topic; a case read twice is merged). Runs until cancelled."""
    from aiokafka import TopicPartition

    consumer, partitions = await _reader_of(bootstrap, topic)
    try:
        tps = [TopicPartition(topic, p) for p in partitions]
        consumer.assign(tps)
        offsets, first = await queue.read_offsets(), await consumer.beginning_offsets(tps)
        for tp in tps:
            consumer.seek(tp, max(offsets.get(tp.partition, 0), first[tp]))
        while True:
            for tp, records in (await consumer.getmany(timeout_ms=500)).items():
                for record in records:
                    try:
                        case = {**json.loads(record.value), "at": record.timestamp / 1000}
                    except ValueError:
                        log.warning("desk: hand-off record %s/%s is not JSON; skipped", tp.partition, record.offset)
                        continue
                    await queue.add_at(case, tp.partition, record.offset)
    finally:
        await asyncio.shield(consumer.stop())


async def keep_following(bootstrap: str, topic: str, queue: MemoryDeskQueue | RedisDeskQueue) -> None:
    """follow_handoffs, started again after the broker or Redis failed it, until cancelled."""
    while True:
        try:
            await follow_handoffs(bootstrap, topic, queue)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # an outage: the queue's offsets say where to pick up
            log.warning("desk: following %s failed (%s); again in 2 s", topic, type(exc).__name__)
            await asyncio.sleep(2)
