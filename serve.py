"""The service's entry point.

  python serve.py              gateway and a worker in one process (embedded backends by default)
  python serve.py gateway      the HTTP/WebSocket gateway only (workers run elsewhere, via Kafka)
  python serve.py worker       a turn worker: joins the Kafka consumer group "agents"
  python serve.py llm          runs the local vLLM CPU server built by scripts/setup_llm.sh
  python serve.py mint-token SHOPPER_ID
                               development only: a shopper_token signed with SHOPPER_TOKEN_SECRET, as the
                               shop's app backend would sign one for its logged-in shopper
  python serve.py admin-token NAME ROLE
                               a new admin-API token for a staff member (ROLE: prompt_engineer, operator or
                               admin): prints the token to hand over and the ADMIN_TOKENS entry (its digest)
  python serve.py replay-dlq   puts the dead letters (KAFKA_DEAD_LETTER_TOPIC) back on the intake
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import subprocess
import sys

from agent.settings import Settings


def main(argv: list[str] | None = None) -> int:
    args_in = argv if argv is not None else sys.argv[1:]
    if args_in[:1] == ["mint-token"]:
        return mint_token(args_in[1:])
    if args_in[:1] == ["admin-token"]:
        return admin_token(args_in[1:])
    if args_in[:1] == ["replay-dlq"]:
        return replay_dead_letters(args_in[1:])
    parser = argparse.ArgumentParser(description="Shop assistant service")
    parser.add_argument("role", nargs="?", default="all", choices=["all", "gateway", "worker", "llm"])
    parser.add_argument("--host", help="listen address (HOST)")
    parser.add_argument("--port", type=int, help="listen port (PORT)")
    args = parser.parse_args(argv)
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = Settings(**overrides)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.role == "worker":
        from agent.service import run_worker_process

        asyncio.run(run_worker_process(settings))
        return 0
    if args.role == "llm":
        return run_llm(settings)
    import uvicorn

    from agent.gateway import create_app

    uvicorn.run(create_app(settings, run_worker=args.role == "all"), host=settings.host, port=settings.port,
                log_level=settings.log_level.lower())
    return 0


def mint_token(argv: list[str]) -> int:
    """Development only: prints a shopper_token for local testing (production tokens come from the shop's
    app backend, which holds the key; see the README)."""
    from agent.identity import mint_shopper_token

    parser = argparse.ArgumentParser(prog="serve.py mint-token", description=mint_token.__doc__)
    parser.add_argument("shopper_id")
    parser.add_argument("--ttl", type=int, default=300, help="seconds the token is valid (default 300)")
    args = parser.parse_args(argv)
    settings = Settings()
    if not settings.shopper_token_secret:
        print("Set SHOPPER_TOKEN_SECRET (the HS256 secret the service verifies with) to mint a token.",
              file=sys.stderr)
        return 2
    print(mint_shopper_token(args.shopper_id, settings.shopper_token_secret, settings.shopper_token_audience,
                             args.ttl))
    return 0


def admin_token(argv: list[str]) -> int:
    """Prints a new random admin-API token and the NAME:ROLE:SHA256 entry to add to ADMIN_TOKENS: the service
    keeps only the digest, the staff member keeps the token."""
    import secrets

    from guardrails.admin import ROLES, parse_staff_tokens, token_digest

    parser = argparse.ArgumentParser(prog="serve.py admin-token", description=admin_token.__doc__)
    parser.add_argument("name", help="who holds it (named in the policy audit log), e.g. mei.lin")
    parser.add_argument("role", choices=sorted(ROLES))
    args = parser.parse_args(argv)
    token = secrets.token_urlsafe(32)
    entry = f"{args.name}:{args.role}:{token_digest(token)}"
    try:
        parse_staff_tokens(entry)  # the name must be one the setting accepts
    except ValueError:
        parser.error("NAME may hold letters, digits and . _ @ - (at most 64)")
    print(f"token (give it to {args.name}; it is not stored anywhere): {token}")
    print(f"ADMIN_TOKENS entry (comma-separate several): {entry}")
    return 0


def replay_dead_letters(argv: list[str]) -> int:
    """Puts every dead letter not replayed yet back on the intake, once what failed them is fixed. Their turns
    run again under their own request ids, the idempotency key of every tool, so nothing happens twice."""
    from agent.deadletters import requeue_records
    from agent.service import open_intake, open_sessions

    argparse.ArgumentParser(prog="serve.py replay-dlq", description=replay_dead_letters.__doc__).parse_args(argv)
    settings = Settings()
    if settings.embedded_intake:
        print("The embedded intake keeps its dead letters inside the service's process; set "
              "KAFKA_BOOTSTRAP_SERVERS to replay a dead-letter topic.", file=sys.stderr)
        return 2

    async def replay():
        intake, sessions = open_intake(settings), open_sessions(settings)
        await intake.start()
        try:
            return await intake.replay_dead_letters(requeue_records(sessions))
        finally:
            await intake.close()
            await sessions.close()

    letters = asyncio.run(replay())
    for letter in letters:  # no error text: a parse error quotes the record, which holds the shopper's words
        print(f"{letter.reason}\tattempts {letter.attempts}\t{letter.topic}/{letter.partition}@{letter.offset}\t"
              f"request {letter.request_id or '-'}")
    print(f"{len(letters)} dead letter(s) put back on {settings.kafka_topic}")
    return 0


def run_llm(settings: Settings) -> int:
    """Serves the bundled model with vLLM on the port of LLM_BASE_URL (default 8001)."""
    from urllib.parse import urlparse

    root = os.path.dirname(os.path.abspath(__file__))
    model_dir = subprocess.run(["bash", os.path.join(root, "scripts", "setup_llm.sh")], check=True,
                               stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1]
    python = os.path.join(os.path.expanduser(settings.cache_dir), "vllm-venv", "bin", "python")
    url = urlparse(settings.llm_base_url)
    command = vllm_command(python, model_dir, settings.llm_model, url.hostname or "127.0.0.1", url.port or 8001)
    os.execve(python, command, vllm_env())  # the server takes this process's place: stopping it stops vLLM


def vllm_command(python: str, model_dir: str, name: str, host: str, port: int) -> list[str]:
    """The vLLM CPU server's command line (tests start the same one). float32: these CPUs have no native
    bfloat16, which vLLM then computes on a slow fallback path."""
    return [python, "-m", "vllm.entrypoints.openai.api_server", "--model", model_dir, "--served-model-name", name,
            "--host", host, "--port", str(port), "--dtype", "float32", "--max-model-len", "4096",
            "--enforce-eager", "--enable-auto-tool-choice", "--tool-call-parser", "hermes"]


def vllm_env() -> dict[str, str]:
    """vLLM serves with one thread unless told otherwise; prompt prefill is compute-bound, so it gets every
    core (OMP_NUM_THREADS overrides)."""
    return dict(os.environ, VLLM_CPU_KVCACHE_SPACE="2", HF_HUB_OFFLINE="1", VLLM_NO_USAGE_STATS="1",
                OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", str(os.cpu_count() or 1)))


if __name__ == "__main__":
    sys.exit(main())
