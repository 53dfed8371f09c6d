"""The LLM tier: any OpenAI-compatible server (vLLM) through the openai client.

Small models do not choose tools on their own, so the graph decides when a tool is needed and asks
for it by name (tool_choice) — the model only fills in the arguments. Tokens of a free-form answer
are streamed to a callback (the session's push channel). Timeouts and server errors raise
LLMUnavailable; the graph turns that into an honest fallback, never a hang.
"""
from __future__ import annotations

import json
import logging
import time
from typing import Any, Awaitable, Callable

import openai

from agent import metrics

log = logging.getLogger(__name__)
TokenSink = Callable[[str], Awaitable[None]]


class LLMUnavailable(Exception):
    pass


class LLMClient:
    def __init__(self, base_url: str, model: str, api_key: str = "EMPTY", timeout: float = 20.0,
                 max_retries: int = 1, max_tokens: int = 160, temperature: float = 0.2) -> None:
        self.client = openai.AsyncOpenAI(base_url=base_url, api_key=api_key, timeout=timeout,
                                         max_retries=max_retries)
        self.model, self.max_tokens, self.temperature = model, max_tokens, temperature

    async def answer(self, messages: list[dict], on_token: TokenSink | None = None) -> str:
        """A free-form answer, streamed token by token to on_token."""
        started = time.perf_counter()
        try:
            stream = await self.client.chat.completions.create(
                model=self.model, messages=messages, max_tokens=self.max_tokens,
                temperature=self.temperature, stream=True)
            parts: list[str] = []
            async for chunk in stream:
                delta = chunk.choices[0].delta.content if chunk.choices else None
                if delta:
                    if not parts:
                        metrics.LLM_FIRST_TOKEN.observe(time.perf_counter() - started)
                    parts.append(delta)
                    if on_token:
                        await on_token(delta)
        except openai.OpenAIError as exc:
            metrics.LLM_CALLS.labels(kind="answer", outcome="error").inc()
            raise LLMUnavailable(str(exc)) from exc
        metrics.LLM_CALLS.labels(kind="answer", outcome="ok").inc()
        metrics.LLM_SECONDS.labels(kind="answer").observe(time.perf_counter() - started)
        return "".join(parts).strip()

    async def call_tool(self, messages: list[dict], tools: list[dict], name: str) -> dict[str, Any]:
        """Ask the model to fill in the arguments of the named tool; returns them parsed."""
        started = time.perf_counter()
        try:
            response = await self.client.chat.completions.create(
                model=self.model, messages=messages, tools=tools, max_tokens=self.max_tokens,
                temperature=0.0, tool_choice={"type": "function", "function": {"name": name}})
            calls = response.choices[0].message.tool_calls or []
            arguments = json.loads(calls[0].function.arguments) if calls else None
        except (openai.OpenAIError, json.JSONDecodeError) as exc:
            metrics.LLM_CALLS.labels(kind="tool", outcome="error").inc()
            raise LLMUnavailable(str(exc)) from exc
        if not isinstance(arguments, dict):
            metrics.LLM_CALLS.labels(kind="tool", outcome="error").inc()
            raise LLMUnavailable(f"the model returned no arguments for {name}")
        metrics.LLM_CALLS.labels(kind="tool", outcome="ok").inc()
        metrics.LLM_SECONDS.labels(kind="tool").observe(time.perf_counter() - started)
        return arguments

    async def ping(self) -> None:
        try:
            await self.client.models.list(timeout=2)
        except openai.OpenAIError as exc:
            raise LLMUnavailable(str(exc)) from exc

    async def close(self) -> None:
        await self.client.close()
