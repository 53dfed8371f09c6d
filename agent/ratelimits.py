"""Rate limits per client address, per session and per shopper, with the `limits` library's sliding window
counters: in Redis when REDIS_URL is set (one count shared by every gateway), in process otherwise.

Each scope takes a list in limits' notation, "30/second;600/minute": a burst allowance and a sustained
rate, as a token bucket has, counted over sliding windows. A request must pass every one; a refusal
says when to come back (Retry-After). An empty setting turns the scope off.

In Redis one script call counts a request in every limit of its scope and, when one refuses, reads that
window for Retry-After: what limits' own scripts do one limit and one round trip at a time (a call and a
refusal's read per limit), on the same keys, so the counts go on across a deploy.
"""
from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

SCOPES = ("address", "session", "shopper")
KEY_PREFIX = "ratelimit"


class RateLimited(Exception):
    def __init__(self, scope: str, retry_after: int) -> None:
        super().__init__(f"{scope} rate limit")
        self.scope, self.retry_after = scope, retry_after


def parse_limits(value: str) -> list[RateLimitItem]:
    """A setting's limits; a ValueError for a malformed one, so a typo stops the start."""
    return parse_many(value) if value.strip() else []


# limits' acquire_sliding_window.lua for each limit in turn (KEYS: each limit's previous and current window,
# ARGV: the cost, then each limit's amount and window in seconds), stopping at the first that refuses: its
# number and its window as limits' sliding_window.lua reads it (counts, and TTLs in ms, 0 when none)
_HIT_ALL = """
local amount = tonumber(ARGV[1])
for i = 1, #KEYS / 2 do
    local previous_key, current_key = KEYS[2 * i - 1], KEYS[2 * i]
    local limit, expiry = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1]) * 1000
    local current_ttl = tonumber(redis.call('pttl', current_key))
    if current_ttl > 0 and current_ttl < expiry then
        -- the current window is over: it becomes the previous one
        redis.call('rename', current_key, previous_key)
        redis.call('set', current_key, 0, 'PX', current_ttl + expiry)
    end
    local previous_count = tonumber(redis.call('get', previous_key)) or 0
    local previous_ttl = math.max(tonumber(redis.call('pttl', previous_key)) or 0, 0)
    local current_count = tonumber(redis.call('get', current_key)) or 0
    current_ttl = math.max(tonumber(redis.call('pttl', current_key)) or 0, 0)
    local weighted_count = math.floor(previous_count * previous_ttl / expiry) + current_count
    if amount > limit or weighted_count + amount > limit then
        return {i, previous_count, previous_ttl, current_count, current_ttl}
    end
    if redis.call('exists', current_key) == 1 then
        redis.call('incrby', current_key, amount)
    else
        redis.call('set', current_key, amount, 'PX', expiry * 2)
    end
end
return 0
"""


def _retry_after(item: RateLimitItem, previous_count: int, previous_ttl_ms: int, current_count: int,
                 current_ttl_ms: int) -> int:
    """Seconds until the refusing window lets a request through again, as limits' get_window_stats says."""
    expiry = item.get_expiry()
    if not (previous_count or current_count):
        return 1
    previous_reset, current_reset = math.inf, math.inf
    if previous_count:
        previous_reset = previous_ttl_ms / 1000 % (expiry / previous_count)
    if current_count:
        current_reset = current_ttl_ms / 1000 % expiry
    return max(1, math.ceil(min(previous_reset, current_reset)))


class RateLimits:
    def __init__(self, redis_url: str, per_address: str, per_session: str, per_shopper: str) -> None:
        self.rules = dict(zip(SCOPES, map(parse_limits, (per_address, per_session, per_shopper))))
        if redis_url:
            import redis.asyncio as redis

            self.redis = redis.from_url(redis_url)
            self._hit_all = self.redis.register_script(_HIT_ALL)
        else:
            self.redis = None
            self.limiter = SlidingWindowCounterRateLimiter(MemoryStorage())

    async def hit(self, scope: str, key: str) -> None:
        """Counts one request of `key` (an address, a session id, a shopper id); RateLimited when over."""
        items = self.rules[scope]
        if not items:
            return
        if self.redis is None:
            for item in items:
                if not await self.limiter.hit(item, scope, key):
                    reset, _ = await self.limiter.get_window_stats(item, scope, key)
                    raise RateLimited(scope, max(1, math.ceil(reset - time.time())))
            return
        keys, args = [], [1]
        for item in items:  # limits' RedisStorage keys: "{key}" is the current window, "{key}/-1" the previous
            current = f"{KEY_PREFIX}:{{{item.key_for(scope, key)}}}"
            keys += [f"{current}/-1", current]
            args += [item.amount, item.get_expiry()]
        refused = await self._hit_all(keys=keys, args=args)
        if refused:
            number, *window = map(int, refused)
            raise RateLimited(scope, _retry_after(items[number - 1], *window))

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
