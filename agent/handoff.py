"""The human desk's queue: a handed-over conversation goes there with a summary and its state, so
the colleague who picks it up does not ask the shopper to repeat anything. In-process for the
embedded service (kept in memory and logged), a Kafka topic (HANDOFF_TOPIC) in production.
Operators read the latest cases through the admin API (`recent`)."""
from __future__ import annotations

import asyncio
import collections
import json
import logging
import time
from typing import Any, Protocol

from agent.topics import TopicWriter

log = logging.getLogger(__name__)
KEPT_IN_MEMORY = 1000  # the embedded desk's latest cases


class HandoffDesk(Protocol):
    async def hand_over(self, case: dict[str, Any]) -> None: ...

    async def recent(self, limit: int) -> list[dict[str, Any]]:
        """The latest handed-over cases, newest first, each with `at` (Unix seconds)."""

    async def close(self) -> None: ...


class MemoryHandoffDesk:
    def __init__(self) -> None:
        self.cases: collections.deque[dict[str, Any]] = collections.deque(maxlen=KEPT_IN_MEMORY)

    async def hand_over(self, case):
        self.cases.append({**case, "at": time.time()})
        log.info("handed over to a human: session %s (%s)", case["session_id"], case["reason"])

    async def recent(self, limit):
        return list(reversed(self.cases))[:limit]

    async def close(self):
        return None


class KafkaHandoffDesk:
    def __init__(self, bootstrap: str, topic: str) -> None:
        self.bootstrap, self.topic, self.writer = bootstrap, topic, TopicWriter(bootstrap, topic)

    async def hand_over(self, case):
        await self.writer.send(case, key=case["session_id"])

    async def recent(self, limit, timeout: float = 5.0):
        """Reads the last `limit` records of every partition of the topic (no consumer group: the desk's own
        consumers are not disturbed) and keeps the newest `limit` of them."""
        from aiokafka import AIOKafkaConsumer, TopicPartition

        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False)
        await consumer.start()
        try:
            partitions = (await consumer.topics()) and consumer.partitions_for_topic(self.topic)
            if not partitions:
                return []  # nothing handed over yet: the topic does not exist
            tps = [TopicPartition(self.topic, p) for p in partitions]
            consumer.assign(tps)
            first, end = await consumer.beginning_offsets(tps), await consumer.end_offsets(tps)
            for tp in tps:
                consumer.seek(tp, max(first[tp], end[tp] - limit))
            cases, pending = [], {tp for tp in tps if end[tp] > first[tp]}
            deadline = time.monotonic() + timeout
            while pending and time.monotonic() < deadline:
                for tp, records in (await consumer.getmany(*pending, timeout_ms=200)).items():
                    cases += [{**json.loads(r.value), "at": r.timestamp / 1000} for r in records if r.offset < end[tp]]
                    if records and records[-1].offset + 1 >= end[tp]:
                        pending.discard(tp)
            return sorted(cases, key=lambda c: c["at"], reverse=True)[:limit]
        finally:
            await asyncio.shield(consumer.stop())

    async def close(self):
        await self.writer.close()
