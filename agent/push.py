"""ReplyBus: pushes a session's events (status, LLM tokens, the reply) to whichever gateway holds
the shopper's WebSocket. In-process for the embedded service, Redis pub/sub across nodes.

Each gateway subscribes to a session's channel only while one of its connections listens to it.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from typing import Any, AsyncIterator, Protocol

log = logging.getLogger(__name__)


class ReplyBus(Protocol):
    async def publish(self, session_id: str, event: dict[str, Any]) -> None: ...

    def listen(self, session_id: str) -> contextlib.AbstractAsyncContextManager[asyncio.Queue]:
        """A queue that receives the session's events while the context is open."""

    async def close(self) -> None: ...


class _LocalFanout:
    """Delivers events to the queues of this process's listeners."""

    def __init__(self) -> None:
        self.listeners: dict[str, set[asyncio.Queue]] = defaultdict(set)

    def deliver(self, session_id: str, event: dict[str, Any]) -> None:
        for queue in self.listeners.get(session_id, ()):
            queue.put_nowait(event)

    @contextlib.asynccontextmanager
    async def _listen(self, session_id: str, first, last) -> AsyncIterator[asyncio.Queue]:
        queue: asyncio.Queue = asyncio.Queue()
        if not self.listeners[session_id]:
            await first(session_id)
        self.listeners[session_id].add(queue)
        try:
            yield queue
        finally:
            self.listeners[session_id].discard(queue)
            if not self.listeners[session_id]:
                del self.listeners[session_id]
                await last(session_id)


async def _nothing(_: str) -> None:
    return None


class MemoryReplyBus(_LocalFanout):
    async def publish(self, session_id, event):
        self.deliver(session_id, event)

    def listen(self, session_id):
        return self._listen(session_id, _nothing, _nothing)

    async def close(self):
        return None


class RedisReplyBus(_LocalFanout):
    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        super().__init__()
        self.redis = redis.from_url(url)
        self.pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        # one (un)subscribe at a time: redis-py's PubSub opens its connection on the first one, and several at once
        # each opened their own, all but the last unread (sessions whose sockets opened together heard nothing)
        self._subscribing = asyncio.Lock()
        self._reader: asyncio.Task | None = None
        self._listening = asyncio.Event()  # set when a channel is subscribed: the reader has something to read

    @staticmethod
    def channel(session_id: str) -> str:
        return f"events:{session_id}"

    async def publish(self, session_id, event):
        await self.redis.publish(self.channel(session_id), json.dumps(event, ensure_ascii=False))

    async def _subscribe(self, session_id: str) -> None:
        async with self._subscribing:
            await self.pubsub.subscribe(self.channel(session_id))
        self._listening.set()
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._read())

    async def _unsubscribe(self, session_id: str) -> None:
        async with self._subscribing:
            await self.pubsub.unsubscribe(self.channel(session_id))

    async def _read(self) -> None:
        while True:
            if not self.pubsub.subscribed:  # sleep until a listener subscribes (polling here cost ~40 ms a reply)
                self._listening.clear()
                await self._listening.wait()
                continue
            try:  # waits on the socket: wakes at the next event, (un)subscribe confirmation or after 5 s
                message = await self.pubsub.get_message(timeout=5.0)
            except Exception:  # connection dropped: redis-py reconnects and resubscribes on next call
                log.warning("reply bus: pub/sub read failed, retrying", exc_info=True)
                await asyncio.sleep(0.5)
                continue
            if message and message["type"] == "message":
                session_id = message["channel"].decode().split(":", 1)[1]
                self.deliver(session_id, json.loads(message["data"]))

    def listen(self, session_id):
        return self._listen(session_id, self._subscribe, self._unsubscribe)

    async def close(self):
        if self._reader:
            self._reader.cancel()
        await self.pubsub.aclose()
        await self.redis.aclose()
