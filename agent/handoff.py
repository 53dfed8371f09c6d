"""The human desk's queue: a handed-over conversation goes there with a summary and its state, so
the colleague who picks it up does not ask the shopper to repeat anything. In-process for the
embedded service (kept in memory and logged), a Kafka topic (HANDOFF_TOPIC) in production."""
from __future__ import annotations

import json
import logging
from typing import Any, Protocol

log = logging.getLogger(__name__)


class HandoffDesk(Protocol):
    async def hand_over(self, case: dict[str, Any]) -> None: ...

    async def close(self) -> None: ...


class MemoryHandoffDesk:
    def __init__(self) -> None:
        self.cases: list[dict[str, Any]] = []

    async def hand_over(self, case):
        self.cases.append(case)
        log.info("handed over to a human: session %s (%s)", case["session_id"], case["reason"])

    async def close(self):
        return None


class KafkaHandoffDesk:
    def __init__(self, bootstrap: str, topic: str) -> None:
        self.bootstrap, self.topic, self.producer = bootstrap, topic, None

    async def hand_over(self, case):
        if self.producer is None:
            from aiokafka import AIOKafkaProducer

            self.producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all")
            await self.producer.start()
        await self.producer.send_and_wait(self.topic, json.dumps(case, ensure_ascii=False).encode(),
                                          key=case["session_id"].encode())

    async def close(self):
        if self.producer is not None:
            await self.producer.stop()
