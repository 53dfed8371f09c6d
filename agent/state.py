"""The typed state of one turn as it flows through the graph."""
from __future__ import annotations

from typing import Any, TypedDict


class Understanding(TypedDict):
    intent: str | None
    confidence: float
    slots: dict[str, Any]
    frustration: float
    scores: dict[str, float]  # every intent's probability
    more: bool  # the message goes on after declining the task under way ("no, but where is my parcel")
    requests: list[dict[str, Any]]  # the other requests of a message that makes several (text, intent, slots)


class TurnState(TypedDict, total=False):
    # the turn as it arrived
    request_id: str
    session_id: str
    shopper_id: str | None
    text: str
    audio_ref: str | None
    image_ref: str | None
    language_hint: str | None
    restarted: bool  # the shopper's earlier session expired
    apologise: bool  # an angry shopper whose request is answered: the reply says sorry first
    # carried across turns (the session's dialogue state) and recent history
    context: dict[str, Any]
    history: list[dict[str, Any]]
    # what the turn found out
    transcript: str | None
    language: str  # 'zh' or 'en': the language to answer in
    understanding: Understanding
    matches: list[dict[str, Any]]  # products recognised in a photo
    cached_answer: str | None
    cached_every_question: bool  # the cached answer answers each of several questions ("包邮吗？一般几天能到？")
    route: str  # rails | cache | flow | llm | handoff
    flow_intent: str  # the intent the templated flow works on (the task under way, or this turn's)
    tool: str | None  # a tool the LLM tier must call, chosen by the graph
    facts: dict[str, Any]  # tool results the reply may state (output rails check against them)
    # the answer
    reply: str
    handoff: bool
    rails: list[dict[str, str]]  # policies that blocked or rewrote something, for the record
