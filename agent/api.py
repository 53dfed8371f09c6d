"""The shopper API's shapes (../shared/api.md): every request, response, queued turn and error."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from fastmodels.text import INTENTS

IntentId = Literal[tuple(INTENTS)]  # type: ignore[valid-type]

Channel = Literal["app", "h5", "miniapp"]
Status = Literal["queued", "running", "done", "failed"]


class ErrorBody(BaseModel):
    code: str = Field(description="machine-readable, e.g. session_not_found, text_too_long")
    message: str = Field(description="a sentence a front end can show to the shopper")


class ErrorResponse(BaseModel):
    error: ErrorBody


class OpenSession(BaseModel):
    shopper_id: str | None = Field(None, max_length=128, description="the shopper's id; on its own it resumes "
                                   "nothing and names no one; with a shopper_token it must be the token's sub")
    channel: Channel = "app"
    shopper_token: str | None = Field(None, max_length=4096, description="a JWT the shop's app backend signs for "
                                      "its logged-in shopper: resumes their live session from any channel and "
                                      "proves who they are; without it the session is a guest's")


class SessionOpened(BaseModel):
    session_id: str
    resumed: bool = Field(description="true when the signed shopper's live session was picked up")
    channel: Channel
    session_token: str = Field(description="the session's credential: send it as `Authorization: Bearer` on "
                               "every call about this session (also set as an HttpOnly cookie; a WebSocket "
                               "may pass it as ?token=)")


class PastTurn(BaseModel):
    shopper: str = Field(description="empty for a message a person at the desk wrote")
    reply: str = Field(description="personal data masked; empty for a shopper's message while a person held the "
                       "conversation")
    intent: str | None = None
    agent: str | None = Field(None, description="the person at the desk who wrote `reply`, if one did")


class SessionView(BaseModel):
    """What a front end shows when the shopper picks the conversation up on another channel."""

    session_id: str
    shopper_id: str | None
    channel: Channel
    last_intent: str | None = None
    slots: dict[str, Any] = Field(default_factory=dict)
    turns: list[PastTurn] = Field(default_factory=list)


class SessionEvents(BaseModel):
    """A conversation's kept events, in order: each has `type` (shopper_message, reply, human_joined,
    human_left, agent_message, error), `seq` (1, 2, … per session) and `at` (Unix seconds); a reply's
    event is the request's result (GET /v1/requests/{id}) with those keys added."""
    events: list[dict[str, Any]]


class TextMessage(BaseModel):
    text: str = Field(min_length=1)


class Queued(BaseModel):
    request_id: str
    status: Status = "queued"


class ProductMatch(BaseModel):
    product_id: str
    item_id: str | None = None
    name: str
    score: float


class RailsAction(BaseModel):
    policy_id: str
    rule: str
    action: str = Field(description="block, rewrite or handoff")


class QuickReply(BaseModel):
    label: str = Field(description="what the button says, in the conversation's language")
    text: str = Field(description="the message a tap sends")


class ProductCard(BaseModel):
    product_id: str
    item_id: str | None = Field(None, description="set when the card is one variant")
    name: str
    price: float | None = Field(None, description="the lowest price of its options")
    price_to: float | None = Field(None, description="the highest, when the options' prices differ")
    options: int = Field(description="how many options (variants) the card covers")
    in_stock: int = Field(description="how many of them are in stock")


class Reply(BaseModel):
    text: str
    intent: str | None = None
    slots: dict[str, Any] = Field(default_factory=dict)
    matches: list[ProductMatch] = Field(default_factory=list)
    handoff: bool = False
    route: str | None = Field(None, description="fast path, cache, tool, llm, handoff or rails")
    language: str | None = None
    rails: list[RailsAction] = Field(default_factory=list, description="guardrails policies that blocked, "
                                     "rewrote or handed off this turn")
    quick_replies: list[QuickReply] = Field(default_factory=list, description="answers the shopper may tap: "
                                            "a yes to a change stated, the order asked about, a coupon offered")
    cards: list[ProductCard] = Field(default_factory=list, description="the products this turn is about")


class RequestResult(BaseModel):
    request_id: str
    session_id: str
    status: Status
    transcript: str | None = None
    reply: Reply | None = None
    error: ErrorBody | None = None


class Feedback(BaseModel):
    """Whether a reply helped; an operator may give the intent it should have been read as."""
    helpful: bool
    intent: IntentId | None = Field(None, description="the right intent (an intent id of shared/intents.md)")
    comment: str | None = Field(None, max_length=500)


class ChatRequest(BaseModel):
    session_id: str
    text: str = Field(min_length=1)


class ChatResponse(BaseModel):
    request_id: str
    reply: Reply


class Turn(BaseModel):
    """One shopper turn as it travels on the intake queue."""

    request_id: str
    session_id: str
    text: str = ""
    audio_ref: str | None = None  # media key of a stored voice note
    image_ref: str | None = None  # media key of a stored photo
    language: str | None = None  # given by the client, for voice
    enqueued_at: float


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    backends: dict[str, str] = Field(default_factory=dict)
