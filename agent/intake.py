"""The intake queue: the gateway puts a turn on it and acks; workers take turns off it.

Turns are keyed by session id, so one session's turns stay in order on one partition. A partition
is worked through one turn at a time; different partitions run concurrently. An offset is
committed only after the turn's handler returned, i.e. after its result is stored: a worker that
dies mid-turn leaves the turn to the next owner of the partition, and the handler dedupes by
request_id. A record that is no turn, or a turn that keeps failing, is dead-lettered and the partition
moves on (agent/deadletters.py). Two backends: in-process (embedded default) and Kafka (production);
both carry the record as bytes, so the embedded service reads turns exactly as production does.
"""
from __future__ import annotations

import asyncio
import logging
import time
import uuid
import zlib
from typing import Protocol

from pydantic import ValidationError

from agent import kafka_group, metrics, tracing
from agent.api import Turn
from agent.deadletters import DeadLetter, GaveUp, Handler, LetterHandler, Record, TurnRetries

log = logging.getLogger(__name__)


class IntakeQueue(Protocol):
    async def start(self) -> None: ...

    async def put(self, turn: Turn) -> None:
        """Returns once the turn is durably queued (Kafka: acks=all)."""

    async def put_record(self, key: str | None, value: bytes, headers: list[tuple[str, bytes]] | None = None) -> None:
        """A record as any producer wrote it (a dead letter put back), keyed by session id; `headers`: the
        trace it continues."""

    async def run_worker(self, handle: Handler, dead_lettered: LetterHandler | None = None) -> None:
        """Consumes turns until cancelled; retries a turn whose handler failed; dead-letters what cannot be
        handled and then calls `dead_lettered` (so the shopper is told)."""

    async def replay_dead_letters(self, before_put: LetterHandler | None = None) -> list[DeadLetter]:
        """Puts the dead letters not replayed yet back on the intake, oldest first; returns them."""

    async def lag(self) -> dict[int, int]:
        """Per partition this node works: turns queued and not yet handled."""

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


def partition_for(session_id: str, partitions: int) -> int:
    return zlib.crc32(session_id.encode()) % partitions


class _Consuming:
    """What both backends do with a record they took: read it as a turn, run it with retries, and
    dead-letter it when it is no turn or out of attempts."""

    retries: TurnRetries
    topic: str

    async def put(self, turn: Turn) -> None:
        """The turn on the intake, within the gateway's trace: its context goes in the record's headers."""
        with tracing.span(f"send {self.topic}", tracing.PRODUCER, {"messaging.destination.name": self.topic,
                                                                    "shop.request_id": turn.request_id}):
            await self.put_record(turn.session_id, turn.model_dump_json().encode(), tracing.headers_out())

    async def put_record(self, key: str | None, value: bytes, headers: list[tuple[str, bytes]] | None = None) -> None:
        raise NotImplementedError

    async def _send_dead_letter(self, letter: DeadLetter) -> None:
        raise NotImplementedError

    async def _work_on(self, record: Record, handle: Handler, dead_lettered: LetterHandler | None) -> None:
        with tracing.span(f"process {record.topic}", tracing.CONSUMER, context=tracing.context_in(record.headers),
                          attributes={"messaging.destination.name": record.topic,
                                      "messaging.destination.partition.id": str(record.partition),
                                      "messaging.kafka.offset": record.offset}) as span:
            try:
                turn = Turn.model_validate_json(record.value)
            except ValidationError as exc:  # the same bytes never read otherwise: no retry
                return await self._dead_letter(DeadLetter.of(record, "unreadable", exc, 1), dead_lettered)
            span.set_attribute("shop.request_id", turn.request_id)
            metrics.TURNS_IN_FLIGHT.inc()
            try:
                await self.retries.run(handle, turn)
            except GaveUp as exc:
                await self._dead_letter(DeadLetter.of(record, "failed", exc.error, exc.attempts), dead_lettered)
            finally:
                metrics.TURNS_IN_FLIGHT.dec()

    async def _dead_letter(self, letter: DeadLetter, dead_lettered: LetterHandler | None) -> None:
        await self._send_dead_letter(letter)  # kept before anyone is told, and before the offset moves on
        metrics.DEAD_LETTERS.labels(reason=letter.reason).inc()
        log.error("dead letter (%s) from %s/%d@%d after %d attempt(s): %s", letter.reason, letter.topic,
                  letter.partition, letter.offset, letter.attempts, letter.error)
        if dead_lettered is not None:
            try:
                await dead_lettered(letter)
            except Exception:  # the letter is kept; only the shopper's notice is lost (its backend is down)
                log.warning("the shopper of dead letter %s was not told", letter.request_id, exc_info=True)


class MemoryIntake(_Consuming):
    def __init__(self, partitions: int = 8, retries: TurnRetries | None = None) -> None:
        self.topic = "memory"
        self.queues: list[asyncio.Queue[Record]] = [asyncio.Queue() for _ in range(partitions)]
        self.offsets = [0] * partitions
        self.retries = retries or TurnRetries()
        self.dead_letters: list[DeadLetter] = []  # in the process, as the rest of the embedded intake

    async def start(self):
        return None

    async def put_record(self, key, value, headers=None):
        partition = partition_for(key or "", len(self.queues))
        self.queues[partition].put_nowait(Record(key, value, self.topic, partition, self.offsets[partition],
                                                 tuple(headers or ())))
        self.offsets[partition] += 1

    async def run_worker(self, handle, dead_lettered=None):
        async def drain(queue: asyncio.Queue) -> None:
            while True:
                await self._work_on(await queue.get(), handle, dead_lettered)
                queue.task_done()

        await asyncio.gather(*(drain(q) for q in self.queues))

    async def _send_dead_letter(self, letter):
        self.dead_letters.append(letter)

    async def replay_dead_letters(self, before_put=None):
        letters, self.dead_letters = self.dead_letters, []
        for letter in letters:
            if before_put is not None:
                await before_put(letter)
            await self.put_record(letter.key, letter.value)
        return letters

    async def lag(self):
        return {partition: queue.qsize() for partition, queue in enumerate(self.queues)}

    async def ping(self):
        return None

    async def close(self):
        return None


class KafkaIntake(_Consuming):
    def __init__(self, bootstrap: str, topic: str, group: str, partitions: int = 12, fetch_wait_ms: int = 5,
                 retries: TurnRetries | None = None, dead_letter_topic: str | None = None,
                 session_timeout_ms: int = 10_000) -> None:
        self.bootstrap, self.topic, self.group, self.partitions = bootstrap, topic, group, partitions
        self.session_timeout_ms = session_timeout_ms
        self.fetch_wait_ms = fetch_wait_ms
        self.retries = retries or TurnRetries()
        self.dead_letter_topic = dead_letter_topic or f"{topic}.dlq"
        self.producer = None
        self.consumer = None
        self.handled: dict = {}  # partition → the next offset to handle, known from this worker's own commits

    async def start(self):
        from aiokafka import AIOKafkaProducer
        from aiokafka.admin import AIOKafkaAdminClient, NewTopic

        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()
        try:
            existing = await admin.list_topics()
            for topic in (self.topic, self.dead_letter_topic):
                if topic not in existing:
                    try:
                        await admin.create_topics([NewTopic(topic, self.partitions, 1)])
                    except Exception:  # another node created it first
                        log.info("topic %s exists already", topic)
        finally:
            await admin.close()
        self.producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all", linger_ms=0)
        await self.producer.start()

    async def put_record(self, key, value, headers=None):
        await self.producer.send_and_wait(self.topic, value, key=key.encode() if key is not None else None,
                                          headers=headers or None)

    async def run_worker(self, handle, dead_lettered=None):
        from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
        from aiokafka.errors import KafkaError

        in_flight: dict[TopicPartition, asyncio.Task] = {}
        handled = self.handled
        bootstrap, group = self.bootstrap, self.group
        client_id = f"{group}-{uuid.uuid4().hex[:12]}"  # this consumer's members, told apart from others'
        rejoining_since: list[float | None] = [None]  # monotonic, from the revocation until an assignment

        async def leave_abandoned_members() -> None:
            # aiokafka keeps its member id private; without it, nothing is removed
            member_id = getattr(getattr(consumer, "_coordinator", None), "member_id", None)
            if member_id is not None:
                await kafka_group.leave_abandoned(bootstrap, group, client_id, member_id)

        class FinishBeforeHandingOver(ConsumerRebalanceListener):
            async def on_partitions_revoked(self, revoked):
                # let the turns under way finish and commit, so the next owner does not redo them; one
                # waiting out an outage stops here, as the next owner takes its turn over
                pending = [in_flight[tp] for tp in revoked if tp in in_flight]
                if pending and (late := (await asyncio.wait(pending, timeout=30))[1]):
                    for task in late:
                        task.cancel()
                    await asyncio.gather(*late, return_exceptions=True)  # stopped before another owner starts
                for tp in revoked:
                    handled.pop(tp, None)
                await leave_abandoned_members()  # before this consumer joins again (agent/kafka_group.py)
                rejoining_since[0] = time.monotonic()

            async def on_partitions_assigned(self, assigned):
                rejoining_since[0] = None

        async def work_through(tp: TopicPartition, records) -> None:
            uncommitted = records[0].offset
            try:
                for r in records:
                    key = r.key.decode(errors="replace") if r.key is not None else None
                    record = Record(key, r.value, tp.topic, tp.partition, r.offset, tuple(r.headers or ()))
                    await self._work_on(record, handle, dead_lettered)
                    await consumer.commit({tp: r.offset + 1})
                    uncommitted = handled[tp] = r.offset + 1
            except Exception:  # e.g. a commit refused mid-rebalance, a dead letter the broker did not take
                log.warning("partition %s: batch interrupted at offset %d", tp, uncommitted, exc_info=True)
                if tp in consumer.assignment():  # still ours: fetch again from there (repeats are deduped)
                    consumer.seek(tp, uncommitted)
                    await asyncio.sleep(self.retries.first_seconds)  # a broker in trouble is not asked in a tight loop
            finally:
                in_flight.pop(tp, None)
                if tp in consumer.assignment():
                    consumer.resume(tp)

        while True:  # a consumer whose group coordination gave up (a reply aiokafka cannot read) is replaced
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self.bootstrap, group_id=self.group, client_id=client_id, enable_auto_commit=False,
                auto_offset_reset="earliest", fetch_max_wait_ms=self.fetch_wait_ms, max_poll_records=50,
                session_timeout_ms=self.session_timeout_ms,
                heartbeat_interval_ms=min(1_000, self.session_timeout_ms // 3))
            consumer.subscribe([self.topic], listener=FinishBeforeHandingOver())
            await consumer.start()
            self.consumer = consumer
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
                    # a member id dropped mid-rebalance (a SyncGroup refused) is not revoked again: looked for
                    # once a session timeout passes with no assignment
                    since = rejoining_since[0]
                    if since is not None and time.monotonic() - since > self.session_timeout_ms / 1000:
                        rejoining_since[0] = time.monotonic()
                        await leave_abandoned_members()
            except KafkaError as exc:
                log.error("intake consumer failed (%r); a new one joins the group", exc)
            finally:
                stopping = list(in_flight.values())
                for task in stopping:
                    task.cancel()
                await asyncio.gather(*stopping, return_exceptions=True)
                self.consumer = None
                handled.clear()  # the next consumer is assigned afresh
                try:
                    await consumer.stop()
                except Exception:  # its coordination had already failed
                    log.warning("intake consumer did not stop cleanly", exc_info=True)
            await asyncio.sleep(self.retries.first_seconds)

    async def _send_dead_letter(self, letter):
        await self.producer.send_and_wait(self.dead_letter_topic, letter.model_dump_json().encode(),
                                          key=letter.key.encode() if letter.key is not None else None)

    async def replay_dead_letters(self, before_put=None):
        """The replay's own consumer group remembers how far it got: each letter is put back once."""
        from aiokafka import AIOKafkaConsumer, TopicPartition

        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, group_id=f"{self.group}.dlq-replay",
                                    enable_auto_commit=False, auto_offset_reset="earliest")
        await consumer.start()
        try:
            await consumer.topics()  # fresh metadata
            partitions = sorted(consumer.partitions_for_topic(self.dead_letter_topic) or ())
            tps = [TopicPartition(self.dead_letter_topic, p) for p in partitions]
            consumer.assign(tps)  # no group membership: no rebalance to wait for; offsets still commit
            end = await consumer.end_offsets(tps) if tps else {}
            letters: list[DeadLetter] = []
            pending = {tp for tp in tps if await consumer.position(tp) < end[tp]}
            while pending:
                for tp, records in (await consumer.getmany(*pending, timeout_ms=500)).items():
                    for r in (r for r in records if r.offset < end[tp]):
                        letter = DeadLetter.model_validate_json(r.value)
                        if before_put is not None:
                            await before_put(letter)
                        await self.put_record(letter.key, letter.value)
                        await consumer.commit({tp: r.offset + 1})
                        letters.append(letter)
                    if await consumer.position(tp) >= end[tp]:
                        pending.discard(tp)
            return letters
        finally:
            await consumer.stop()

    async def lag(self):
        consumer = self.consumer
        if consumer is None:
            return {}
        assigned = list(consumer.assignment())
        end = await consumer.end_offsets(assigned) if assigned else {}
        for tp in assigned:
            if tp not in self.handled:  # nothing handled here yet: where the group left it
                self.handled.setdefault(tp, await consumer.committed(tp) or 0)
        # a partition revoked while the offsets were read is no longer this worker's to report
        return {tp.partition: max(0, end[tp] - self.handled[tp]) for tp in assigned if tp in self.handled}

    async def ping(self):
        await self.producer.client.fetch_all_metadata()

    async def close(self):
        if self.producer:
            await self.producer.stop()

