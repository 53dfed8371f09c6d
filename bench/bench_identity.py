"""What the identity checks cost a turn, one command: python bench/bench_identity.py [--turns 2000]

Per turn the gateway checks the session credential and counts the turn in the per-address and
per-session limits (two windows each). Measured side by side in one run on the embedded backends and
on a real local Redis (started here, as the tests start it), a fresh shopper each time so that no limit
is reached. Goal (issue 17): ≤ 1 ms p50 per turn. Exit 1 when a backend misses it.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from agent.ratelimits import RateLimits  # noqa: E402
from agent.sessions import MemorySessionStore, RedisSessionStore  # noqa: E402
from agent.settings import Settings  # noqa: E402
from tests import services  # noqa: E402


async def measure(redis_url: str, turns: int) -> list[float]:
    store = RedisSessionStore(redis_url) if redis_url else MemorySessionStore()
    limits = RateLimits(redis_url, Settings.model_fields["rate_limit_per_address"].default,
                        Settings.model_fields["rate_limit_per_session"].default, "")
    session, _ = await store.open(None, "app")
    token = await store.issue_credential(session.session_id)
    timings = []
    for i in range(turns):
        started = time.perf_counter()
        await limits.hit("address", f"10.{i % 250}.{uuid.uuid4().int % 250}.1")
        if not await store.check_credential(session.session_id, token):
            raise SystemExit("the credential was refused")
        await limits.hit("session", f"s_{uuid.uuid4().hex}")
        timings.append(time.perf_counter() - started)
    await store.close()
    await limits.close()
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=2000)
    args = parser.parse_args()
    print("| backend | turns | p50 ms | p99 ms | goal p50 | result |\n|---|---|---|---|---|---|")
    failed = False
    with services.redis_server() as redis_url:
        for name, url in (("embedded", ""), ("Redis", redis_url)):
            asyncio.run(measure(url, 50))  # warm connections and code paths
            timings = sorted(asyncio.run(measure(url, args.turns)))
            p50, p99 = statistics.median(timings) * 1000, timings[int(0.99 * len(timings))] * 1000
            failed |= p50 > 1
            print(f"| {name} | {len(timings)} | {p50:.3f} | {p99:.3f} | ≤ 1 | {'met' if p50 <= 1 else 'MISSED'} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
