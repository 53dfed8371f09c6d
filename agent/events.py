"""A session's event feed: every event a shopper must see exactly once (their own message, the reply, a person
joining or leaving, a person's message) gets the next sequence number of its session and is kept for the
session's TTL. A client that lost its connection resumes after the last number it saw (the stream's `?after=N`,
or `GET /v1/sessions/{id}/events?after=N`), so no reply is lost or shown twice. LLM tokens and status events
are passing news: pushed, never numbered or kept.

`SequencedBus` wraps the ReplyBus: whoever publishes (worker, desk) needs no change, and the live event carries
the same `seq` as the kept one.
"""
from __future__ import annotations

import collections
import contextlib
import json
import time
from typing import Any, Callable, Protocol

from agent.push import ReplyBus

KEPT = ("shopper_message", "reply", "human_joined", "human_left", "agent_message", "error")
KEPT_PER_SESSION = 500  # the newest events of a session; older ones a client has long seen


class EventFeed(Protocol):
    publishes: bool  # append also publishes the numbered event on the reply bus (in the same step)

    async def append(self, session_id: str, event: dict[str, Any]) -> dict[str, Any]:
        """The event with its `seq` (1, 2, … per session) and `at`, kept."""

    async def after(self, session_id: str, seq: int) -> list[dict[str, Any]]:
        """The kept events numbered over `seq`, in order."""

    async def close(self) -> None: ...


class MemoryEventFeed:
    publishes = False

    def __init__(self, ttl: float = 900) -> None:
        self.ttl = ttl
        self.feeds: dict[str, tuple[float, int, collections.deque]] = {}  # session → (expires, last seq, events)

    async def append(self, session_id, event):
        expires, seq, events = self.feeds.get(session_id) or (0, 0, collections.deque(maxlen=KEPT_PER_SESSION))
        if expires and expires < time.monotonic():  # kept events expire; the numbering goes on (see _APPEND)
            events = collections.deque(maxlen=KEPT_PER_SESSION)
        event = {**event, "seq": seq + 1, "at": time.time()}
        events.append(event)
        self.feeds[session_id] = (time.monotonic() + self.ttl, seq + 1, events)
        return event

    async def after(self, session_id, seq):
        expires, _, events = self.feeds.get(session_id) or (0, 0, ())
        if expires < time.monotonic():
            return []
        return [e for e in events if e["seq"] > seq]

    async def close(self):
        return None


# numbered and kept in one step: two workers appending at once never share a number or reorder a list. The
# number outlives the events by a day: a client that still holds a high number must not miss events that
# would be numbered from 1 again. Given a channel (ARGV[4]), the numbered event is published there too, in the
# same round trip: the JSON object ARGV[1] with "seq" added as its last member
_APPEND = """
local seq = redis.call('INCR', KEYS[1])
redis.call('RPUSH', KEYS[2], seq .. '\\n' .. ARGV[1])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]) + 86400)
redis.call('EXPIRE', KEYS[2], ARGV[2])
if ARGV[4] ~= '' then
    redis.call('PUBLISH', ARGV[4], string.sub(ARGV[1], 1, -2) .. ',"seq":' .. seq .. '}')
end
return seq
"""


class RedisEventFeed:
    """`feed-seq:{id}` counts, `feed:{id}` keeps "seq\\njson" entries (capped) as long as the session lives.
    With `publish_to` (the RedisReplyBus's channel of a session) each appended event is also published there."""

    def __init__(self, url: str, ttl: int = 900, publish_to: Callable[[str], str] | None = None) -> None:
        import redis.asyncio as redis

        self.redis, self.ttl, self.channel = redis.from_url(url), ttl, publish_to
        self.publishes = publish_to is not None
        self._append = self.redis.register_script(_APPEND)

    async def append(self, session_id, event):
        event = {**event, "at": time.time()}
        body = json.dumps(event, ensure_ascii=False)
        seq = await self._append(keys=[f"feed-seq:{session_id}", f"feed:{session_id}"],
                                 args=[body, self.ttl, KEPT_PER_SESSION,
                                       self.channel(session_id) if self.channel else ""])
        return {**event, "seq": int(seq)}

    async def after(self, session_id, seq):
        events = []
        for raw in await self.redis.lrange(f"feed:{session_id}", 0, -1):
            number, _, body = raw.decode().partition("\n")
            if int(number) > seq:
                events.append({**json.loads(body), "seq": int(number)})
        return sorted(events, key=lambda e: e["seq"])

    async def close(self):
        await self.redis.aclose()


class SequencedBus:
    """The ReplyBus, with the events a shopper must see exactly once numbered and kept in the feed first."""

    def __init__(self, bus: ReplyBus, feed: EventFeed) -> None:
        self.bus, self.feed = bus, feed

    async def publish(self, session_id: str, event: dict[str, Any]) -> dict[str, Any]:
        if event.get("type") in KEPT:
            event = await self.feed.append(session_id, event)
            if self.feed.publishes:  # on the bus already (Redis: numbered, kept and published in one script)
                return event
        await self.bus.publish(session_id, event)
        return event

    def listen(self, session_id: str) -> contextlib.AbstractAsyncContextManager:
        return self.bus.listen(session_id)

    async def close(self) -> None:
        await self.bus.close()
        await self.feed.close()


async def resume(bus: SequencedBus, session_id: str, after: int | None, events, send) -> None:
    """Sends what a client missed after `after` (None: nothing kept, live events only), then the live events,
    each numbered one once. `events` is the queue of `bus.listen`, opened before this is called so nothing
    falls between the two."""
    last = after or 0
    for event in await bus.feed.after(session_id, after) if after is not None else ():
        await send(event)
        last = event["seq"]
    while True:
        event = await events.get()
        if "seq" in event:
            if event["seq"] <= last:
                continue  # sent from the feed already
            last = event["seq"]
        await send(event)
