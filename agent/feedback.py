"""Shoppers' and operators' feedback on a reply: the data flywheel's intake. Each record holds the
shopper's message as the session kept it (personal data masked), the reply's intent, whether it helped
and, when an operator corrects it, the right intent; `python -m fastmodels retrain --with-feedback`
learns from the corrected ones. A JSON-lines file under var/ for the embedded service, the Kafka topic
FEEDBACK_TOPIC (chat.feedback) in production."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Protocol

from agent.topics import TopicWriter


class FeedbackLog(Protocol):
    async def record(self, feedback: dict[str, Any]) -> None: ...

    async def close(self) -> None: ...


class JsonlFeedbackLog:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    async def record(self, feedback):
        line = json.dumps(feedback, ensure_ascii=False) + "\n"
        await asyncio.to_thread(self._append, line)

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(line)

    async def close(self):
        return None


class KafkaFeedbackLog:
    def __init__(self, bootstrap: str, topic: str) -> None:
        self.writer = TopicWriter(bootstrap, topic)

    async def record(self, feedback):
        await self.writer.send(feedback, key=feedback["request_id"])

    async def close(self):
        await self.writer.close()
