"""The shopper API's HTTP routes (../shared/api.md): opening and reading a session, queueing a turn, reading and
rating its result, and the synchronous /v1/chat. The stream is agent/stream_api.py."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from agent import metrics
from agent.api import (ChatRequest, ChatResponse, Feedback, OpenSession, Queued, RequestResult, SessionEvents,
                       SessionOpened, SessionView, TextMessage, Turn)
from agent.api_errors import ApiError, documented, error_response
from agent.dependencies import (SESSION_COOKIE, authorized_session, backends, credential, gateway_settings, rails,
                                session_in_path, shopper_tokens)
from agent.identity import ShopperTokenRejected, ShopperTokens
from agent.service import Backends
from agent.sessions import Session
from agent.settings import Settings
from agent.shopper_turns import check_text, enqueue, read_turn, request_id_for

log = logging.getLogger(__name__)
router = APIRouter()

MESSAGE_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": TextMessage.model_json_schema()},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "text": {"type": "string"},
        "audio": {"type": "string", "format": "binary", "description": "webm/opus, ogg, m4a/aac, mp3, wav"},
        "image": {"type": "string", "format": "binary", "description": "JPEG, PNG, WebP"}}}}}}}


def signed_shopper(body: OpenSession, tokens: ShopperTokens) -> str | None:
    if body.shopper_token is None:
        return None  # a guest: a bare shopper_id names no one
    try:
        if not tokens.enabled:
            raise ShopperTokenRejected("no shopper token keys are configured")
        shopper = tokens.verify(body.shopper_token)
        if body.shopper_id is not None and body.shopper_id != shopper:
            raise ShopperTokenRejected("shopper_id is not the token's sub")
    except ShopperTokenRejected as exc:
        log.info("shopper token refused: %s", exc)
        raise ApiError(401, "invalid_shopper_token", "Please sign in again.") from exc
    return shopper


async def request_in_path(request_id: str, token: str = Depends(credential),
                          b: Backends = Depends(backends)) -> RequestResult:
    """A turn's record, readable with its session's credential only (anything else: not found)."""
    record = await b.sessions.get_request(request_id)
    if record is None or not await b.sessions.check_credential(record.session_id, token):
        raise ApiError(404, "request_not_found", "This message was not found; it may have expired.")
    await b.rate_limits.hit("session", record.session_id)
    return record


@router.post("/v1/sessions", response_model=SessionOpened, tags=["sessions"],
             responses=documented(400, 401, 422, 429, 503))
async def open_session(body: OpenSession, request: Request, response: Response,
                       b: Backends = Depends(backends), settings: Settings = Depends(gateway_settings),
                       tokens: ShopperTokens = Depends(shopper_tokens)) -> SessionOpened:
    """Open a guest's conversation, or with a signed `shopper_token` open or resume that shopper's live
    one from any channel, the shopper proven. Returns the session's credential."""
    shopper = signed_shopper(body, tokens)
    if shopper:
        await b.rate_limits.hit("shopper", shopper)
    session, resumed = await b.sessions.open(shopper, body.channel)
    token = await b.sessions.issue_credential(session.session_id)
    response.set_cookie(SESSION_COOKIE, token, max_age=settings.session_tombstone_seconds, path="/v1",
                        httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return SessionOpened(session_id=session.session_id, resumed=resumed, channel=session.channel,
                         session_token=token)


@router.get("/v1/sessions/{session_id}", response_model=SessionView, tags=["sessions"],
            responses=documented(401, 404, 429))
async def read_session(session: Session = Depends(session_in_path)) -> SessionView:
    """The conversation so far (recent turns, what is known), e.g. after switching channel."""
    return SessionView(session_id=session.session_id, shopper_id=session.shopper_id, channel=session.channel,
                       last_intent=session.context.get("last_intent"), slots=session.context.get("slots", {}),
                       turns=session.turns)


@router.get("/v1/sessions/{session_id}/events", response_model=SessionEvents, tags=["sessions"],
            responses=documented(401, 404, 429))
async def read_events(after: int = 0, session: Session = Depends(session_in_path), b: Backends = Depends(backends)):
    """The conversation's events numbered over `after` (its messages, replies, a person joining or leaving,
    a person's messages): what a client missed while offline, each with its `seq`."""
    return SessionEvents(events=await b.push.feed.after(session.session_id, after))


@router.post("/v1/sessions/{session_id}/messages", status_code=202, response_model=Queued, tags=["turns"],
             openapi_extra=MESSAGE_BODY, responses=documented(400, 401, 404, 413, 415, 422, 429, 503))
async def post_message(session_id: str, request: Request, _: Session = Depends(session_in_path),
                       settings: Settings = Depends(gateway_settings)) -> Queued:
    """Queue a shopper's turn (text, voice note or photo) and acknowledge it at once.

    Send an `Idempotency-Key` header to make retries safe: the same key gives the same turn."""
    request_id = request_id_for(session_id, request.headers.get("idempotency-key"))
    turn = await read_turn(request, session_id, request_id, settings)
    await enqueue(request, turn, only_new=True)
    return Queued(request_id=turn.request_id)


@router.get("/v1/requests/{request_id}", response_model=RequestResult, tags=["turns"],
            responses=documented(401, 404, 429))
async def get_request(record: RequestResult = Depends(request_in_path)) -> RequestResult:
    """A turn's status and, once done, its reply: readable with its session's credential only."""
    return record


@router.post("/v1/requests/{request_id}/feedback", status_code=202, tags=["turns"],
             responses=documented(401, 404, 409, 422, 429))
async def give_feedback(body: Feedback, record: RequestResult = Depends(request_in_path),
                        b: Backends = Depends(backends), masking=Depends(rails)) -> dict:
    """Whether a reply helped (from the shopper's thumbs, or an operator's correction of its intent): kept
    for the weekly retrain with personal data masked (Kafka FEEDBACK_TOPIC, or var/feedback.jsonl)."""
    session = await b.sessions.get(record.session_id)
    turn = next((t for t in (session.turns if session else []) if t.get("request_id") == record.request_id), None)
    if record.status != "done" or turn is None:
        raise ApiError(409, "no_reply_yet", "This message has no reply to rate yet (or it is too old).")
    comment = masking.mask_pii(body.comment)[0] if body.comment else None
    await b.feedback.record({"request_id": record.request_id, "session_id": record.session_id, "at": time.time(),
                             "text": turn["shopper"], "reply": turn["reply"], "intent": turn.get("intent"),
                             "helpful": body.helpful, "corrected_intent": body.intent, "comment": comment})
    metrics.FEEDBACK.labels(helpful=str(body.helpful).lower()).inc()
    return {"request_id": record.request_id, "status": "recorded"}


@router.post("/v1/chat", response_model=ChatResponse, tags=["turns"],
             responses={**documented(400, 401, 404, 413, 422, 429, 503),
                        504: {"description": "no reply in time: poll GET /v1/requests/{request_id}",
                              "content": {"application/json": {"example": {"error": {
                                  "code": "reply_timeout", "message": "...", "request_id": "r_..."}}}}}})
async def chat(body: ChatRequest, request: Request, token: str = Depends(credential),
               b: Backends = Depends(backends), settings: Settings = Depends(gateway_settings)):
    """Send a text turn and wait for its reply (for simple clients)."""
    await authorized_session(b, body.session_id, token)
    turn = Turn(request_id=request_id_for(body.session_id, request.headers.get("idempotency-key")),
                session_id=body.session_id, text=check_text(body.text, settings.max_text_chars),
                enqueued_at=time.time())
    async with b.push.listen(body.session_id) as events:  # listening before queueing: no reply is missed
        await enqueue(request, turn, only_new=True)
        deadline = time.monotonic() + settings.chat_timeout_seconds
        with contextlib.suppress(asyncio.TimeoutError):
            while (left := deadline - time.monotonic()) > 0:
                event = await asyncio.wait_for(events.get(), left)
                if event.get("type") == "reply" and event.get("request_id") == turn.request_id:
                    break
    record = await b.sessions.get_request(turn.request_id)
    if record is not None and record.status == "done":
        return ChatResponse(request_id=turn.request_id, reply=record.reply)
    if record is not None and record.status == "failed":
        return error_response(500, record.error.code, record.error.message)
    metrics.ERRORS.labels(code="reply_timeout").inc()
    return JSONResponse({"error": {"code": "reply_timeout", "request_id": turn.request_id,
                                   "message": "The answer is taking longer than usual; it will appear shortly."},
                         "request_id": turn.request_id}, status_code=504)
