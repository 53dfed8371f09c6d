"""Backbone figures, one command: python bench/bench_backbone.py [--seconds 8]

1. ack latency and end-to-end turn latency (POST → reply pushed on the WebSocket) for a turn the
   fast tier closes (an FAQ question), at a steady rate on loopback: embedded vs Redis + Kafka;
2. sustained turns/s through Kafka with 2 workers before p99 passes 200 ms;
3. the LLM tier's time to first token and total time for a short answer (real vLLM on this CPU).
The load generator runs on the same 2 cores as the service: figures are upper bounds on latency.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

import httpx
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests import services  # noqa: E402  (the same real-service starters the tests use)

FAQ_TURNS = ["包邮吗", "do you ship to canada", "how long does a refund take", "怎么退货", "what payment methods do you accept"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


async def steady_load(url: str, rate: float, seconds: float, sessions: int = 16) -> dict:
    """Sends `rate` turns/s spread over `sessions` sessions; measures ack and push latency."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        opened = [(await client.post("/v1/sessions", json={"channel": "app"})).json() for _ in range(sessions)]
        ids = [o["session_id"] for o in opened]
        auth = {o["session_id"]: {"Authorization": f"Bearer {o['session_token']}"} for o in opened}
        sockets = [await websockets.connect(url.replace("http", "ws") + f"/v1/sessions/{o['session_id']}/stream"
                                            f"?token={o['session_token']}") for o in opened]
        sent: dict[str, float] = {}
        done: dict[str, float] = {}
        acks: list[float] = []

        async def read(ws) -> None:
            with contextlib.suppress(Exception):
                async for raw in ws:
                    event = json.loads(raw)
                    if event["type"] == "reply":
                        done[event["request_id"]] = time.perf_counter()

        readers = [asyncio.create_task(read(ws)) for ws in sockets]
        for text in FAQ_TURNS:  # warm the answer cache's exact tier and the worker's models
            await client.post("/v1/chat", json={"session_id": ids[0], "text": text}, headers=auth[ids[0]])

        async def one(i: int) -> None:
            started = time.perf_counter()
            response = await client.post(f"/v1/sessions/{ids[i % sessions]}/messages",
                                         json={"text": FAQ_TURNS[i % len(FAQ_TURNS)]}, headers=auth[ids[i % sessions]])
            acks.append(time.perf_counter() - started)
            sent[response.json()["request_id"]] = started

        tasks, start, n = [], time.perf_counter(), int(rate * seconds)
        for i in range(n):
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(one(i)))
        await asyncio.gather(*tasks)
        deadline = time.perf_counter() + 30
        while len(done.keys() & sent.keys()) < len(sent) and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - start
        for ws in sockets:
            await ws.close()
        for r in readers:
            r.cancel()
    e2e = [done[r] - t for r, t in sent.items() if r in done]
    return {"turns": len(sent), "answered": len(e2e), "ack_p50": pct(acks, .5), "ack_p99": pct(acks, .99),
            "e2e_p50": pct(e2e, .5), "e2e_p99": pct(e2e, .99), "rate": len(e2e) / elapsed}


async def llm_figures(base_url: str, runs: int = 5) -> dict:
    from agent.llm import LLMClient

    llm = LLMClient(base_url, "shop-llm", timeout=120, max_tokens=60)
    ttft, total = [], []
    for i in range(runs):
        first: list[float] = []
        started = time.perf_counter()

        async def mark(_: str) -> None:
            if not first:
                first.append(time.perf_counter() - started)

        await llm.answer([{"role": "system", "content": "You are a shop assistant. Answer in one sentence."},
                          {"role": "user", "content": f"Is the blue backpack waterproof? ({i})"}], on_token=mark)
        ttft.append(first[0])
        total.append(time.perf_counter() - started)
    await llm.close()
    return {"ttft_p50": statistics.median(ttft) * 1000, "total_p50": statistics.median(total) * 1000}


def row(name: str, r: dict) -> str:
    return (f"| {name} | {r['turns']} | {r['answered']} | {r['rate']:.1f} | {r['ack_p50']:.1f} | {r['ack_p99']:.1f} "
            f"| {r['e2e_p50']:.1f} | {r['e2e_p99']:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--skip-llm", action="store_true")
    args = parser.parse_args()
    header = "| stack | turns | answered | turns/s | ack p50 ms | ack p99 ms | e2e p50 ms | e2e p99 ms |\n|---|---|---|---|---|---|---|---|"
    lines = []
    # 16 sessions carry the load of hundreds of shoppers (up to 20 turns/s each): no per-session limit
    no_llm = {"LLM_BASE_URL": f"http://127.0.0.1:{services.free_port()}/v1", "LLM_MAX_RETRIES": "0",
              "RATE_LIMIT_PER_SESSION": ""}
    with services.redis_server() as redis_url, services.kafka_broker("tansu") as bootstrap:
        with services.service_process({**no_llm, "REDIS_URL": "", "KAFKA_BOOTSTRAP_SERVERS": ""}) as (url, _):
            lines.append(row(f"embedded, {args.rate:.0f}/s", asyncio.run(steady_load(url, args.rate, args.seconds))))
        env = {**no_llm, "REDIS_URL": redis_url, "KAFKA_BOOTSTRAP_SERVERS": bootstrap}
        with services.service_process(env, "gateway") as (url, _), services.service_process(env, "worker"), \
                services.service_process(env, "worker"):
            time.sleep(15)  # both workers joined and the group settled (Tansu rebalances in ~6 s)
            asyncio.run(steady_load(url, 10, 5))  # unmeasured: the first turns after a rebalance wait for it
            lines.append(row(f"Redis+Kafka, 2 workers, {args.rate:.0f}/s",
                             asyncio.run(steady_load(url, args.rate, args.seconds))))
            for rate in (40, 80, 160, 320):
                result = asyncio.run(steady_load(url, rate, args.seconds))
                lines.append(row(f"Redis+Kafka, 2 workers, {rate}/s", result))
                if result["e2e_p99"] > 200 or result["answered"] < result["turns"]:
                    break
    print(header)
    print("\n".join(lines))
    if not args.skip_llm:
        url = os.environ.get("TEST_LLM_BASE_URL")
        with (contextlib.nullcontext(url) if url else services.vllm_server()) as base_url:
            figures = asyncio.run(llm_figures(base_url))
        print(f"\nLLM tier (vLLM CPU, Qwen2.5 0.5B, 60-token answer): time to first token p50 "
              f"{figures['ttft_p50']:.0f} ms, total p50 {figures['total_p50']:.0f} ms")


if __name__ == "__main__":
    main()
