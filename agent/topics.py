"""One Kafka producer for the records the service publishes as JSON (hand-offs, feedback), started on
first use so an idle process opens no connection."""
from __future__ import annotations

import json
from typing import Any


class TopicWriter:
    def __init__(self, bootstrap: str, topic: str) -> None:
        self.bootstrap, self.topic, self.producer = bootstrap, topic, None

    async def send(self, record: dict[str, Any], key: str) -> None:
        if self.producer is None:
            from aiokafka import AIOKafkaProducer

            self.producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all")
            await self.producer.start()
        await self.producer.send_and_wait(self.topic, json.dumps(record, ensure_ascii=False).encode(), key=key.encode())

    async def close(self) -> None:
        if self.producer is not None:
            await self.producer.stop()
