"""What one turn costs the backends, one command: python bench/bench_turn_costs.py [--turns 300]

The figures the load model (scripts/deploy/SCALING.md) is built on, measured on the production stack
(Redis, a Kafka-protocol broker, PostgreSQL, a gateway and one worker as separate processes), for two
kinds of traffic sent over HTTP with replies pushed on WebSockets, as the apps do:

- faq: FAQ questions the answer cache closes (the backbone bench's turns), on 16 open sessions;
- conversations: the blind working batch's conversations replayed (their own sessions opened,
  identity proven in the chat, tool flows, a few LLM-tier turns answered by the fallback: no LLM here).

Per turn: Redis round trips (MONITOR: a MULTI…EXEC pipeline is one, commands a Lua script runs are
none) and commands executed (INFO commandstats), Redis CPU, PostgreSQL transactions, and the CPU the
gateway and the worker processes spent. CPU time, not wall time: it holds on a busy machine, where
latencies do not. Kafka is not measured: per turn the gateway produces one record (acks=all) and the
worker commits one offset (agent/intake.py).

`--profile DIR`: py-spy samples the gateway and the worker while each kind is measured (pip install -e ".[profile]");
DIR gets each process's stacks (collapsed, for flame graphs) and the table prints where their CPU went.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import httpx
import redis
import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.bench_backbone import FAQ_TURNS  # noqa: E402
from bench.bench_conversations import load_suite  # noqa: E402
from tests import services  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime, every thread of the process


def resident_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:", 1)[1].split()[0]) / 1024


class RedisWatch:
    """Counts the round trips clients make (MONITOR) while it runs."""

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=None)  # MONITOR may wait long for a command
        self.round_trips: Counter = Counter()  # by command (a transaction: "MULTI…EXEC")
        self.open_transactions: dict[str, list[str]] = {}
        self.counting = False
        self.ready = threading.Event()
        threading.Thread(target=self._listen, daemon=True).start()
        self.ready.wait(5)

    def _listen(self) -> None:
        try:
            with self.client.monitor() as monitor:
                self.ready.set()
                self._count(monitor)
        except redis.ConnectionError:  # the server stopped at the end of the run
            return

    def _count(self, monitor) -> None:
        for event in monitor.listen():
            if not self.counting or event.get("client_type") == "lua":
                continue
            who = f"{event.get('client_address')}:{event.get('client_port')}"
            name = event["command"].split(" ", 1)[0].upper()
            if name == "MULTI":
                self.open_transactions[who] = []
            elif who in self.open_transactions:
                if name == "EXEC":
                    inside = self.open_transactions.pop(who)
                    self.round_trips["MULTI[" + " ".join(sorted(set(inside))) + "]EXEC"] += 1
                else:
                    self.open_transactions[who].append(name)
            else:
                self.round_trips[name] += 1

    def counters(self) -> tuple[Counter, tuple[float, float], float]:
        """Commands executed by name, seconds spent executing commands and scripts, the server's CPU seconds."""
        stats = self.client.info("commandstats")
        commands = Counter({k.removeprefix("cmdstat_"): v["calls"] for k, v in stats.items()})
        # a script's time includes the commands it runs, which count under their own names too: scripts' apart
        executing = sum(v["usec"] for k, v in stats.items() if k not in ("cmdstat_info", "cmdstat_monitor",
                                                                          "cmdstat_evalsha")) / 1e6
        executing = (executing, stats.get("cmdstat_evalsha", {}).get("usec", 0) / 1e6)
        cpu = self.client.info("cpu")
        return commands, executing, cpu["used_cpu_user"] + cpu["used_cpu_sys"]


def postgres_transactions(url: str) -> int:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = "
                            "current_database()").fetchone()[0]


async def open_session(client: httpx.AsyncClient, url: str):
    opened = (await client.post("/v1/sessions", json={"channel": "app"})).json()
    headers = {"Authorization": f"Bearer {opened['session_token']}"}
    ws = await websockets.connect(url.replace("http", "ws") + f"/v1/sessions/{opened['session_id']}/stream"
                                  f"?token={opened['session_token']}")
    return opened["session_id"], headers, ws


async def say(client: httpx.AsyncClient, ws, session_id: str, headers: dict, text: str) -> str:
    """Sends one turn and waits for its reply on the session's stream; returns its route."""
    response = await client.post(f"/v1/sessions/{session_id}/messages", json={"text": text}, headers=headers)
    request_id = response.json()["request_id"]
    while True:
        event = json.loads(await asyncio.wait_for(ws.recv(), 60))
        if event["type"] == "reply" and event["request_id"] == request_id:
            return (event.get("reply") or {}).get("route") or event["status"]


async def faq_traffic(url: str, turns: int, measure) -> Counter:
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        sessions = [await open_session(client, url) for _ in range(16)]
        # not measured: the exact cache filled, and the connection pools opened as far as 16 turns at once need
        # (warmed one turn at a time, their growth showed in the run as 0.15-0.25 Redis HELLO a turn)
        await asyncio.gather(*(say(client, ws, sid, headers, FAQ_TURNS[k % len(FAQ_TURNS)])
                               for k, (sid, headers, ws) in enumerate(sessions)))
        routes: Counter = Counter()

        async def one_session(k: int) -> None:
            session_id, headers, ws = sessions[k]
            for i in range(k, turns, len(sessions)):
                routes[await say(client, ws, session_id, headers, FAQ_TURNS[i % len(FAQ_TURNS)])] += 1

        with measure():
            await asyncio.gather(*(one_session(k) for k in range(len(sessions))))
        for _, _, ws in sessions:
            await ws.close()
    return routes


async def conversation_traffic(url: str, turns: int, measure) -> Counter:
    """The blind working batch's conversations, 8 at a time, each in its own session (opening counted)."""
    conversations = [[t["say"] for t in c["turns"] if t.get("say")]
                     for c in load_suite(ROOT / "data" / "blind" / "conversations" / "working")]
    chosen, total = [], 0
    for lines in conversations:
        if total >= turns:
            break
        chosen.append(lines)
        total += len(lines)
    routes: Counter = Counter()
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        async def first_turn() -> None:
            sid, headers, ws = await open_session(client, url)
            await say(client, ws, sid, headers, FAQ_TURNS[0])
            await ws.close()

        # not measured: what loads lazily, and the connection pools opened as far as 8 conversations at once need
        await first_turn()
        await asyncio.gather(*(first_turn() for _ in range(8)))
        queue = list(chosen)

        async def player() -> None:
            while queue:
                lines = queue.pop()
                session_id, headers, ws = await open_session(client, url)
                for text in lines:
                    routes[await say(client, ws, session_id, headers, text)] += 1
                await ws.close()

        with measure():
            await asyncio.gather(*(player() for _ in range(8)))
    return routes


class Profiles:
    """py-spy sampling the named processes (idle threads left out) while it is entered; each to DIR/kind-name.txt."""

    def __init__(self, folder: Path | None, kind: str, processes: dict) -> None:
        self.folder, self.kind, self.processes, self.samplers = folder, kind, processes, []

    def __enter__(self):
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.samplers = [subprocess.Popen([shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(p.pid), "--rate", "250", "--format",
                                               "raw", "--nonblocking", "-o", str(self.path(name))],
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                             for name, p in self.processes.items()]
            time.sleep(1)  # attached
        return self

    def __exit__(self, *exc):
        for sampler in self.samplers:
            sampler.send_signal(signal.SIGINT)  # py-spy writes its file and stops
        for sampler in self.samplers:
            sampler.wait(30)

    def path(self, name: str) -> Path:
        return self.folder / f"{self.kind}-{name}.txt"

    def summary(self, top: int = 12) -> list[str]:
        """Per process, the functions holding the most samples (inclusive, each counted once per stack)."""
        lines = []
        for name in self.processes if self.folder is not None else ():
            inclusive: Counter = Counter()
            total = 0
            for line in self.path(name).read_text().splitlines():
                stack, _, count = line.rpartition(" ")
                total += int(count)
                for frame in {f.split(" (")[0] + " " + f.split("/")[-1].rstrip(")") for f in stack.split(";")}:
                    inclusive[frame] += int(count)
            lines += [f"{name}: {total} samples; the functions in most of them: " + ", ".join(
                f"{frame} {count / total:.0%}" for frame, count in inclusive.most_common(top))]
        return lines


def run(kind: str, turns: int, redis_url: str, bootstrap: str, db_url: str, profile: Path | None = None) -> dict:
    env = {"REDIS_URL": redis_url, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "SHOP_DB_URL": db_url,
           "KAFKA_TOPIC": f"chat.requests.{kind}", "KAFKA_GROUP": f"agents-{kind}",
           "LLM_BASE_URL": f"http://127.0.0.1:{services.free_port()}/v1", "LLM_MAX_RETRIES": "0",
           "KAFKA_FETCH_WAIT_MS": "100",  # as production sets it for Apache Kafka (compose.yaml, k8s/config.yaml)
           "PRELOAD_MEDIA_MODELS": "true",  # as in production: the worker's memory with every model loaded
           # limits as many as the defaults (two per scope), high enough that one address and 16 sessions pass
           "RATE_LIMIT_PER_ADDRESS": "100000/second;6000000/minute",
           "RATE_LIMIT_PER_SESSION": "100000/second;6000000/minute"}
    watch = RedisWatch(redis_url)
    figures: dict = {}
    with ExitStack() as stack:
        url, gateway = stack.enter_context(services.service_process(env, "gateway"))
        _, worker = stack.enter_context(services.service_process(env, "worker"))
        time.sleep(8)  # the worker joins its group and is handed the partitions
        profiles = Profiles(profile, kind, {"gateway": gateway, "worker": worker})

        class measure:
            def __enter__(self):  # after the first turns: the worker has loaded its models
                idle = {name: cpu_seconds(p.pid) for name, p in (("gateway", gateway), ("worker", worker))}
                time.sleep(5)
                figures["idle"] = {name: (cpu_seconds(p.pid) - idle[name]) / 5
                                   for name, p in (("gateway", gateway), ("worker", worker))}
                self.commands, self.executing, self.redis_cpu = watch.counters()
                self.cpu = {name: cpu_seconds(p.pid) for name, p in (("gateway", gateway), ("worker", worker))}
                self.xacts, self.started = postgres_transactions(db_url), time.perf_counter()
                watch.counting = True
                profiles.__enter__()

            def __exit__(self, *exc):
                profiles.__exit__(*exc)
                time.sleep(0.5)  # MONITOR's stream catches up
                watch.counting = False
                commands, executing, redis_cpu = watch.counters()
                figures.update(seconds=time.perf_counter() - self.started, redis_cpu=redis_cpu - self.redis_cpu,
                               executing=tuple(a - b for a, b in zip(executing, self.executing)),
                               commands=Counter({k: v for k, v in (commands - self.commands).items()
                                                 if k not in ('info', 'monitor')}),
                               cpu={name: cpu_seconds(p.pid) - self.cpu[name]
                                    for name, p in (("gateway", gateway), ("worker", worker))},
                               rss={name: resident_mib(p.pid) for name, p in (("gateway", gateway), ("worker", worker))},
                               xacts_before=self.xacts)

        traffic = faq_traffic if kind == "faq" else conversation_traffic
        figures["routes"] = asyncio.run(traffic(url, turns, measure))
        figures["profile"] = profiles.summary()
    # the stopped processes' backends have flushed their statistics (PostgreSQL reports them lazily)
    time.sleep(1)
    figures["xacts"] = postgres_transactions(db_url) - figures.pop("xacts_before") - 1  # our own read
    figures["round_trips"] = watch.round_trips
    return figures


def report(kind: str, f: dict) -> str:
    n = sum(f["routes"].values())
    trips = sum(f["round_trips"].values())
    lines = [f"## {kind}: {n} turns in {f['seconds']:.1f} s, routes {dict(f['routes'].most_common())}",
             "| per turn | figure |", "|---|---|",
             f"| Redis round trips | {trips / n:.2f} |",
             f"| Redis commands executed (Lua's included) | {sum(f['commands'].values()) / n:.2f} |",
             f"| Redis time executing commands (INFO commandstats): Lua scripts (rate limits, event feed) / "
             f"the other commands (scripts' own included) | {f['executing'][1] / n * 1e6:.0f} / "
             f"{f['executing'][0] / n * 1e6:.0f} µs |",
             f"| Redis server CPU (inflated by MONITOR, which copies every command out) | "
             f"{f['redis_cpu'] / n * 1e6:.0f} µs |",
             f"| PostgreSQL transactions | {f['xacts'] / n:.2f} |",
             f"| gateway CPU | {f['cpu']['gateway'] / n * 1e3:.2f} ms |",
             f"| worker CPU | {f['cpu']['worker'] / n * 1e3:.2f} ms |",
             f"| (idle, before the run: gateway {f['idle']['gateway'] * 100:.1f}% of a core, worker "
             f"{f['idle']['worker'] * 100:.1f}%) | |",
             f"| (resident memory after the run: gateway {f['rss']['gateway']:.0f} MiB, worker "
             f"{f['rss']['worker']:.0f} MiB) | |",
             "", "Redis round trips by command, per turn: " + ", ".join(
                 f"{name} {count / n:.2f}" for name, count in f["round_trips"].most_common()),
             "Redis commands executed, per turn: " + ", ".join(
                 f"{name} {count / n:.2f}" for name, count in f["commands"].most_common() if count)]
    return "\n".join(lines + ([""] + f["profile"] if f["profile"] else []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=300, help="turns of each kind (default 300)")
    # Tansu holds an empty fetch for KAFKA_FETCH_WAIT_MS as Apache Kafka does; noida-db answers it at once, so an
    # idle worker on it polls without pause (a third of a core measured): its CPU figures would not be the worker's
    parser.add_argument("--broker", choices=["noida", "tansu"], default="tansu")
    parser.add_argument("--profile", type=Path, help="sample the gateway and the worker with py-spy into this folder")
    parser.add_argument("--kinds", default="faq,conversations", help="which traffic, comma-separated")
    args = parser.parse_args()
    with services.redis_server() as redis_url, services.kafka_broker(args.broker) as bootstrap, \
            services.postgres_database() as db_url:
        for kind in args.kinds.split(","):
            print(report(kind, run(kind, args.turns, redis_url, bootstrap, db_url, args.profile)), end="\n\n",
                  flush=True)


if __name__ == "__main__":
    main()
