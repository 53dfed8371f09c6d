"""The shop: the one entry point the agent, the tests and operators use to call the commerce tools."""
from __future__ import annotations

import contextlib
import copy
import hashlib
import json

from opentelemetry import trace
from pydantic import ValidationError

from tools import errors
from tools.promotions import Promotions
from tools.recommend import Recommender
from tools.registry import TOOLS, Context, Tool
from tools.seed import create_and_seed, export
from tools.store import Store, connect

# the OpenTelemetry API's tracer: a no-op unless the process set up a provider (agent/tracing.py); while none is
# set, not even the API's no-op span is made
_tracer = trace.get_tracer("shopagent.tools")
_UNTRACED = contextlib.nullcontext()


def tool_span(name: str):
    if isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
        return _UNTRACED
    return _tracer.start_as_current_span(f"tool {name}", attributes={"shop.tool": name})


class Shop:
    def __init__(self, store: Store):
        self.store = store
        with store.read() as tx:
            names = dict(tx.all("SELECT name, product_id FROM products"))
        self.promotions = Promotions.load(names)
        self._recommender: Recommender | None = None
        self._schemas = [t.schema() for t in TOOLS.values()]

    @property
    def recommender(self) -> Recommender:
        if self._recommender is None:  # weights loaded on first use: most turns never recommend
            self._recommender = Recommender.load()
        return self._recommender

    def tool_schemas(self) -> list[dict]:
        """Every tool as an OpenAI "function" tool dict, generated from its pydantic args model."""
        return copy.deepcopy(self._schemas)

    def call(self, name: str, arguments: dict | None = None, *, as_shopper: str | None = None,
             idempotency_key: str | None = None) -> dict:
        """Run one tool. `as_shopper`: the session's authenticated user id (None: an operator, no scope).
        `idempotency_key`: the turn's request_id, required by tools that change the shop.
        Returns the tool's JSON-able result or raises a ToolError subclass."""
        with tool_span(name):
            return self._call(name, arguments, as_shopper, idempotency_key)

    def _call(self, name: str, arguments: dict | None, as_shopper: str | None, idempotency_key: str | None) -> dict:
        tool = TOOLS.get(name)
        if tool is None:
            raise errors.UnknownTool(f"There is no tool named {name}.")
        try:
            args = tool.args.model_validate(arguments or {})
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}" for e in exc.errors())
            raise errors.InvalidArguments(f"Invalid arguments for {name}: {problems}.") from None
        if not tool.mutating:
            with self.store.read() as tx:
                return tool.run(Context(tx, as_shopper, self), args)
        if not idempotency_key:
            raise errors.IdempotencyKeyRequired(f"{name} changes the shop and needs the turn's request id as "
                                                "idempotency key.")
        return self._mutate(tool, args, as_shopper, idempotency_key)

    def _mutate(self, tool: Tool, args, shopper: str | None, key: str) -> dict:
        """Apply a change at most once per (key, tool, order/user). The key is claimed in the same transaction
        as the change: a concurrent claimant of the same key waits, then finds it taken and replays. A refusal
        rolls the claim back with everything else (a refusal changed nothing, so it may be retried)."""
        plain = args.model_dump(mode="json")
        target = plain.get("order_id") or plain.get("user_id") or ""
        digest = hashlib.sha256(json.dumps([plain, shopper], sort_keys=True).encode()).hexdigest()
        with self.store.write() as tx:
            claimed = tx.run("INSERT INTO tool_calls (idempotency_key, tool, target, args_digest, shopper) "
                             "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", key, tool.name, target, digest, shopper)
            if claimed:
                result = tool.run(Context(tx, shopper, self), args)
                tx.run("UPDATE tool_calls SET outcome = ? WHERE idempotency_key = ? AND tool = ? AND target = ?",
                       json.dumps(result), key, tool.name, target)
                return result
            first_digest, outcome = tx.one("SELECT args_digest, outcome FROM tool_calls WHERE idempotency_key = ? "
                                           "AND tool = ? AND target = ?", key, tool.name, target)
        if first_digest != digest:
            raise errors.IdempotencyConflict(f"Request {key} already ran {tool.name} on {target or 'the shop'} with "
                                             "other arguments; nothing was changed this time.")
        return json.loads(outcome)

    def export(self) -> dict:
        """The whole shop as a τ²-bench retail db.json dict."""
        return export(self.store)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Shop":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_shop(url: str, seed: str | None = "tau2") -> Shop:
    """Open (creating and, the first time only, seeding) the shop at `url`: 'sqlite:///path.db' or
    'postgresql://…'. `seed`: 'tau2' (the τ²-bench retail domain), a path to a db.json, or None."""
    store = connect(url)
    create_and_seed(store, seed)
    return Shop(store)
