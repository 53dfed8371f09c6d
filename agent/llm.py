"""The LLM tier: any OpenAI-compatible server (vLLM) through the openai client.

Small models do not choose tools on their own, so the graph decides when a tool is needed and asks
for it by name (tool_choice) — the model only fills in the arguments. Tokens of a free-form answer
are streamed to a callback (the session's push channel). Timeouts and server errors raise
LLMUnavailable; the graph turns that into an honest fallback, never a hang.
"""
from __future__ import annotations

import json
import logging
import re
import time
from typing import Any, Awaitable, Callable

import openai

from agent import metrics, tracing

log = logging.getLogger(__name__)
TokenSink = Callable[[str], Awaitable[None]]


class LLMUnavailable(Exception):
    pass


# where a sentence is known to have ended, with the spaces after it: a mark that ends one, or a full stop
# once a space follows (not the point of "$183.11" before the rest of the number has come)
_SENTENCE_END = re.compile(r"[。！？!?；;\n]+\s*|\.+\s+")


class CheckedStream:
    """Streams an answer's tokens to the shopper a sentence at a time, each sentence only once the output
    rails have read the answer up to it and would send it as it is. The first sentence a rail would change
    (an invented price, words the shopper dictated, another language) stops the stream there: what the
    rails make of the whole answer then comes as the turn's reply, and nothing they strike was shown."""

    def __init__(self, sink: TokenSink, passes: Callable[[str], bool]) -> None:
        self.sink, self.passes = sink, passes
        self.text, self.held, self.stopped = "", [], False  # held: tokens not yet sent, with where each ends
        self.shown = ""  # what has gone out to the shopper

    async def __call__(self, token: str) -> None:
        if self.stopped:
            return
        self.text += token
        self.held.append((token, len(self.text)))
        ends = [m.end() for m in _SENTENCE_END.finditer(self.text)]
        if ends and self.held[0][1] <= ends[-1]:
            await self._release(ends[-1])

    async def finish(self) -> None:
        """The answer is complete: its last sentence goes out too if the whole passes."""
        if not self.stopped and self.held:
            await self._release(len(self.text))

    async def _release(self, upto: int) -> None:
        if not self.passes(self.text[:upto]):
            self.stopped = True
            return
        while self.held and self.held[0][1] <= upto:
            token = self.held.pop(0)[0]
            self.shown += token
            await self.sink(token)


class LLMClient:
    def __init__(self, base_url: str, model: str, api_key: str = "EMPTY", timeout: float = 20.0,
                 max_retries: int = 1, max_tokens: int = 160, temperature: float = 0.2) -> None:
        self.client = openai.AsyncOpenAI(base_url=base_url, api_key=api_key, timeout=timeout,
                                         max_retries=max_retries)
        self.model, self.max_tokens, self.temperature = model, max_tokens, temperature

    async def answer(self, messages: list[dict], on_token: TokenSink | None = None) -> str:
        """A free-form answer, streamed token by token to on_token."""
        with tracing.span("llm answer", tracing.CLIENT, {"gen_ai.request.model": self.model}):
            return await self._answer(messages, on_token)

    async def _answer(self, messages: list[dict], on_token: TokenSink | None) -> str:
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
        with tracing.span(f"llm tool {name}", tracing.CLIENT, {"gen_ai.request.model": self.model}):
            return await self._call_tool(messages, tools, name)

    async def _call_tool(self, messages: list[dict], tools: list[dict], name: str) -> dict[str, Any]:
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
