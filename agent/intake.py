"""The intake queue: the gateway puts a turn on it and acks; workers take turns off it.

Turns are keyed by session id, so one session's turns stay in order on one partition. A partition
is worked through one turn at a time; different partitions run concurrently. An offset is
committed only after the turn's handler returned, i.e. after its result is stored: a worker that
dies mid-turn leaves the turn to the next owner of the partition, and the handler dedupes by
request_id. Two backends: in-process (embedded default) and Kafka (production).
"""
from __future__ import annotations

import asyncio
import logging
import zlib
from typing import Awaitable, Callable, Protocol

from agent.api import Turn

log = logging.getLogger(__name__)
Handler = Callable[[Turn], Awaitable[None]]
RETRY_SECONDS = 0.5


class IntakeQueue(Protocol):
    async def start(self) -> None: ...

    async def put(self, turn: Turn) -> None:
        """Returns once the turn is durably queued (Kafka: acks=all)."""

    async def run_worker(self, handle: Handler) -> None:
        """Consumes turns until cancelled; retries a turn whose handler failed."""

    async def lag(self) -> int:
        """Turns queued and not yet handled, as this node sees them."""

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


async def handle_until_done(handle: Handler, turn: Turn) -> None:
    """A handler that raises (a backend down) is retried; the turn is never skipped."""
    while True:
        try:
            await handle(turn)
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("turn %s failed; retrying in %.1fs", turn.request_id, RETRY_SECONDS)
            await asyncio.sleep(RETRY_SECONDS)


def partition_for(session_id: str, partitions: int) -> int:
    return zlib.crc32(session_id.encode()) % partitions


class MemoryIntake:
    def __init__(self, partitions: int = 8) -> None:
        self.queues = [asyncio.Queue() for _ in range(partitions)]

    async def start(self):
        return None

    async def put(self, turn):
        self.queues[partition_for(turn.session_id, len(self.queues))].put_nowait(turn)

    async def run_worker(self, handle):
        async def drain(queue: asyncio.Queue) -> None:
            while True:
                turn = await queue.get()
                await handle_until_done(handle, turn)
                queue.task_done()

        await asyncio.gather(*(drain(q) for q in self.queues))

    async def lag(self):
        return sum(q.qsize() for q in self.queues)

    async def ping(self):
        return None

    async def close(self):
        return None


class KafkaIntake:
    def __init__(self, bootstrap: str, topic: str, group: str, partitions: int = 12, fetch_wait_ms: int = 5) -> None:
        self.bootstrap, self.topic, self.group, self.partitions = bootstrap, topic, group, partitions
        self.fetch_wait_ms = fetch_wait_ms
        self.producer = None
        self.consumer = None

    async def start(self):
        from aiokafka import AIOKafkaProducer
        from aiokafka.admin import AIOKafkaAdminClient, NewTopic

        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()
        try:
            if self.topic not in await admin.list_topics():
                try:
                    await admin.create_topics([NewTopic(self.topic, self.partitions, 1)])
                except Exception:  # another node created it first
                    log.info("topic %s exists already", self.topic)
        finally:
            await admin.close()
        self.producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all", linger_ms=0)
        await self.producer.start()

    async def put(self, turn):
        await self.producer.send_and_wait(self.topic, turn.model_dump_json().encode(),
                                          key=turn.session_id.encode())

    async def run_worker(self, handle):
        from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition

        in_flight: dict[TopicPartition, asyncio.Task] = {}

        class FinishBeforeHandingOver(ConsumerRebalanceListener):
            async def on_partitions_revoked(self, revoked):
                # let the turns under way finish and commit, so the next owner does not redo them
                pending = [in_flight[tp] for tp in revoked if tp in in_flight]
                if pending:
                    await asyncio.wait(pending, timeout=30)

            async def on_partitions_assigned(self, assigned):
                return None

        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap, group_id=self.group, enable_auto_commit=False,
            auto_offset_reset="earliest", fetch_max_wait_ms=self.fetch_wait_ms, max_poll_records=50,
            session_timeout_ms=10_000, heartbeat_interval_ms=1_000)
        consumer.subscribe([self.topic], listener=FinishBeforeHandingOver())
        await consumer.start()
        self.consumer = consumer

        async def work_through(tp: TopicPartition, records) -> None:
            uncommitted = records[0].offset
            try:
                for record in records:
                    await handle_until_done(handle, Turn.model_validate_json(record.value))
                    await consumer.commit({tp: record.offset + 1})
                    uncommitted = record.offset + 1
            except Exception:  # e.g. a commit refused mid-rebalance
                log.warning("partition %s: batch interrupted at offset %d", tp, uncommitted, exc_info=True)
                if tp in consumer.assignment():  # still ours: fetch again from there (repeats are deduped)
                    consumer.seek(tp, uncommitted)
            finally:
                in_flight.pop(tp, None)
                if tp in consumer.assignment():
                    consumer.resume(tp)

        try:
            while True:
                batches = await consumer.getmany(timeout_ms=100)
                for tp, records in batches.items():
                    consumer.pause(tp)  # one batch per partition at a time keeps the session's order
                    in_flight[tp] = asyncio.create_task(work_through(tp, records))
                # a rebalance can hand a partition back still paused: paused must mean in flight
                for tp in consumer.paused():
                    if tp not in in_flight:
                        consumer.resume(tp)
        finally:
            for task in list(in_flight.values()):
                task.cancel()
            self.consumer = None
            await consumer.stop()

    async def lag(self):
        consumer = self.consumer
        if consumer is None:
            return 0
        total = 0
        for tp in consumer.assignment():
            high = consumer.highwater(tp)
            committed = await consumer.committed(tp)
            if high is not None:
                total += max(0, high - (committed or 0))
        return total

    async def ping(self):
        await self.producer.client.fetch_all_metadata()

    async def close(self):
        if self.producer:
            await self.producer.stop()
