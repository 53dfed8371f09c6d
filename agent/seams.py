"""The graph's seams: what the turn needs from fast understanding, the answer cache, guardrails,
multimodal input and the shop. The real parts (fastmodels/, guardrails/, multimodal/, tools/) have
these signatures; the graph depends on nothing else of theirs."""
from __future__ import annotations

from typing import Any, Protocol


class Rails(Protocol):
    """Verdicts have .action (allow | block | rewrite | handoff), .text, .reply, .policy_id, .rule."""

    def check_input(self, text: str, language: str = "en") -> Any: ...
    def check_output(self, text: str, language: str = "en", facts: dict | None = None, by_llm: bool = False,
                     asked: str | None = None) -> Any: ...
    def mask_pii(self, text: str) -> tuple[str, dict]: ...
    def unmask(self, text: str, vault: dict) -> str: ...
    def system_prompt(self, language: str) -> str: ...


class NLU(Protocol):
    def predict(self, texts: list[str]) -> list[Any]:
        """Each has .intent, .confidence, .slots, .frustration, .language."""


class AnswerCache(Protocol):
    def lookup(self, text: str, language: str = "en", intent: str | None = None) -> Any | None:
        """A hit has .answer, .faq_id, .intent, .score, .kind; a miss is None."""

    def answer_of(self, faq_id: str, language: str) -> str | None:
        """One entry's answer by its id, or None."""


class Media(Protocol):
    def transcribe(self, audio: bytes, language: str | None = None) -> Any:
        """A Transcript with .text, .language, .duration_s, .silent."""

    def read_photo(self, image: bytes) -> Any:
        """A PhotoReading with .matches, .text, .slots."""


class Shop(Protocol):
    def call(self, tool: str, arguments: dict, as_shopper: str | None = None,
             idempotency_key: str | None = None) -> dict: ...

    def tool_schemas(self) -> list[dict]: ...
