"""Rate limits per client address, per session and per shopper, with the `limits` library: in Redis when
REDIS_URL is set (one count shared by every gateway), in process otherwise.

Each scope takes a list in limits' notation, "30/second;600/minute": a burst allowance and a sustained
rate, as a token bucket has, counted over sliding windows. A request must pass every one; a refusal
says when to come back (Retry-After). An empty setting turns the scope off.
"""
from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

SCOPES = ("address", "session", "shopper")


class RateLimited(Exception):
    def __init__(self, scope: str, retry_after: int) -> None:
        super().__init__(f"{scope} rate limit")
        self.scope, self.retry_after = scope, retry_after


def parse_limits(value: str) -> list[RateLimitItem]:
    """A setting's limits; a ValueError for a malformed one, so a typo stops the start."""
    return parse_many(value) if value.strip() else []


class RateLimits:
    def __init__(self, redis_url: str, per_address: str, per_session: str, per_shopper: str) -> None:
        self.storage = (RedisStorage(f"async+{redis_url}", implementation="redispy", key_prefix="ratelimit")
                        if redis_url else MemoryStorage())
        self.limiter = SlidingWindowCounterRateLimiter(self.storage)
        self.rules = dict(zip(SCOPES, map(parse_limits, (per_address, per_session, per_shopper))))

    async def hit(self, scope: str, key: str) -> None:
        """Counts one request of `key` (an address, a session id, a shopper id); RateLimited when over."""
        for item in self.rules[scope]:
            if not await self.limiter.hit(item, scope, key):
                reset, _ = await self.limiter.get_window_stats(item, scope, key)
                raise RateLimited(scope, max(1, math.ceil(reset - time.time())))

    async def close(self) -> None:
        if isinstance(self.storage, RedisStorage):
            await self.storage.bridge.storage.aclose()
