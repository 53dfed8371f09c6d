"""A shopper's turn as the gateway takes it in (POST messages, /v1/chat, the stream): its text within limits, a
message's JSON or multipart body read into a Turn (uploads proven to decode before anything is stored), its
request id, and its queueing: recorded as queued, in the session's feed, then on the intake."""
from __future__ import annotations

import asyncio
import hashlib
import time
import uuid

from fastapi import Request
from starlette.requests import HTTPConnection

from agent.api import RequestResult, TextMessage, Turn
from agent import tracing
from agent.api_errors import ApiError
from agent.dependencies import backends
from agent.settings import Settings
from multimodal import UploadRejected, check_upload


def check_text(text: str, max_chars: int) -> str:
    if len(text) > max_chars:
        raise ApiError(413, "text_too_long", f"Messages can be at most {max_chars} characters.")
    if not text.strip():
        raise ApiError(422, "empty_message", "Please type a message, or send a voice note or a photo.")
    return text


def request_id_for(session_id: str, idempotency_key: str | None) -> str:
    if idempotency_key:  # a retried POST maps to the same turn
        return "r_" + hashlib.sha256(f"{session_id}:{idempotency_key}".encode()).hexdigest()[:32]
    return "r_" + uuid.uuid4().hex


async def enqueue(connection: HTTPConnection, turn: Turn, only_new: bool = False) -> bool:
    """Records the turn as queued, then puts it on the intake; undone if the queue refuses it. The turn's trace
    starts here and travels with it on the intake."""
    with tracing.span("gateway turn", tracing.SERVER, {"shop.request_id": turn.request_id,
                                                       "shop.session_id": turn.session_id}):
        return await _enqueue(connection, turn, only_new)


async def _enqueue(connection: HTTPConnection, turn: Turn, only_new: bool) -> bool:
    b = await backends(connection)
    record = RequestResult(request_id=turn.request_id, session_id=turn.session_id, status="queued")
    if not await b.sessions.put_request(record, only_new=only_new):
        return False  # the client retried a turn it had already sent
    try:  # in the feed before the worker can answer it: the message is numbered before its reply
        await b.push.publish(turn.session_id, {"type": "shopper_message", "request_id": turn.request_id,
                                               "text": turn.text, "audio": bool(turn.audio_ref),
                                               "image": bool(turn.image_ref),  # the client's key: its own bubble
                                               "client_key": connection.headers.get("idempotency-key")})
        await b.intake.put(turn)
    except Exception as exc:
        await b.sessions.delete_request(turn.request_id)
        raise ApiError(503, "intake_unavailable", "The service is busy right now. Please try again shortly.",
                       {"Retry-After": "2"}) from exc
    return True


async def read_turn(request: Request, session_id: str, request_id: str, settings: Settings) -> Turn:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            body = TextMessage.model_validate_json(await request.body())
        except ValueError as exc:
            if "json_invalid" in str(exc) or "Invalid JSON" in str(exc):
                raise ApiError(400, "malformed_json", "The request body is not valid JSON.") from exc
            raise ApiError(422, "invalid_request", "Send {\"text\": \"...\"} with a non-empty text.") from exc
        return Turn(request_id=request_id, session_id=session_id, text=check_text(body.text, settings.max_text_chars),
                    enqueued_at=time.time())
    if content_type == "multipart/form-data":
        return await _read_multipart(request, session_id, request_id, settings)
    raise ApiError(415, "unsupported_media_type", "Send the message as application/json or multipart/form-data.")


async def _read_multipart(request: Request, session_id: str, request_id: str, settings: Settings) -> Turn:
    form = await request.form(max_files=2, max_fields=4)
    text = form.get("text") or ""
    if not isinstance(text, str):
        raise ApiError(422, "invalid_request", "The text field must be a string.")
    if text:
        check_text(text, settings.max_text_chars)
    refs: dict[str, str] = {}
    kept: dict[str, bytes] = {}
    for kind in ("audio", "image"):
        upload = form.get(kind)
        if upload is None or isinstance(upload, str):
            continue
        data = await upload.read(settings.max_upload_bytes + 1)
        if len(data) > settings.max_upload_bytes:
            raise ApiError(413, "file_too_large", f"Files can be at most {settings.max_upload_bytes // 1_000_000} MB.")
        kept[kind] = await _checked_upload(kind, data, upload.content_type, settings)
    if not text.strip() and not kept:
        raise ApiError(422, "empty_message", "Please type a message, or send a voice note or a photo.")
    sessions = (await backends(request)).sessions
    for kind, data in kept.items():  # stored only once every part passed its checks
        refs[kind] = f"{request_id}:{kind}"
        await sessions.put_media(refs[kind], data)
    language = form.get("language") if isinstance(form.get("language"), str) else None
    return Turn(request_id=request_id, session_id=session_id, text=text, audio_ref=refs.get("audio"),
                image_ref=refs.get("image"), language=language, enqueued_at=time.time())


async def _checked_upload(kind: str, data: bytes, content_type: str | None, settings: Settings) -> bytes:
    """Proves the file decodes and is within limits (multimodal.check_upload), off the event loop."""
    try:
        return await asyncio.to_thread(check_upload, kind, data, content_type,
                                       max_upload_bytes=settings.max_upload_bytes,
                                       max_audio_seconds=settings.max_audio_seconds)
    except UploadRejected as exc:
        raise ApiError(exc.status, exc.code, exc.message) from exc
