"""The shopper's stream (../shared/api.md): a WebSocket per session that pushes its events to whichever gateway
node holds the connection, and takes text turns."""
from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, Depends, WebSocket, WebSocketDisconnect

from agent.api import TextMessage, Turn
from agent.api_errors import ApiError
from agent.dependencies import authorized_session, backends, gateway_settings, stream_credential
from agent.events import resume
from agent.ratelimits import RateLimited
from agent.service import Backends
from agent.settings import Settings
from agent.shopper_turns import check_text, enqueue, request_id_for

router = APIRouter()


@router.websocket("/v1/sessions/{session_id}/stream")
async def stream(websocket: WebSocket, session_id: str, b: Backends = Depends(backends),
                 settings: Settings = Depends(gateway_settings)):
    """Pushes the session's events as JSON: status, LLM tokens, the reply. With `?after=N` the kept events
    numbered over N come first (agent/events.py: a reconnecting client misses nothing). The client may also send
    {"text": "..."} to queue a turn; it is acknowledged with {"type": "queued", "request_id"}.
    The session's credential: ?token=, the cookie or a bearer header; closed with 4401 without one,
    4404 for an unknown session or a wrong credential, 4429 over the session's rate limit."""
    await websocket.accept()  # closed after accepting, so browsers see the code
    token = stream_credential(websocket)
    if not token:
        await websocket.close(code=4401, reason="credential_required")
        return
    try:
        await authorized_session(b, session_id, token)
    except ApiError:
        await websocket.close(code=4404, reason="session_not_found")
        return
    except RateLimited:
        await websocket.close(code=4429, reason="rate_limited")
        return
    after, acking = websocket.query_params.get("after", ""), asyncio.Lock()

    async def send(event: dict) -> None:  # a turn's ack goes out before its own events (receive_turn)
        async with acking:
            await websocket.send_json(event)

    async with b.push.listen(session_id) as events:
        pusher = asyncio.create_task(resume(b.push, session_id, int(after) if after.isdigit() else None,
                                            events, send))
        try:
            while True:
                await receive_turn(websocket, session_id, await websocket.receive_text(), acking, settings)
        except WebSocketDisconnect:
            pass
        finally:
            pusher.cancel()


async def receive_turn(websocket: WebSocket, session_id: str, raw: str, acking: asyncio.Lock,
                       settings: Settings) -> None:
    try:
        text = check_text(TextMessage.model_validate_json(raw).text, settings.max_text_chars)
    except (ValueError, ApiError) as exc:
        message = exc.message if isinstance(exc, ApiError) else 'Send {"text": "..."}.'
        await websocket.send_json({"type": "error", "error": {"code": "invalid_message", "message": message}})
        return
    limits = (await backends(websocket)).rate_limits
    try:
        await limits.hit("session", session_id)
    except RateLimited as exc:
        await websocket.send_json({"type": "error", "retry_after": exc.retry_after, "error": {
            "code": "rate_limited", "message": "Too many messages. Please wait a moment and try again."}})
        return
    turn = Turn(request_id=request_id_for(session_id, None), session_id=session_id, text=text,
                enqueued_at=time.time())
    async with acking:
        await enqueue(websocket, turn)
        await websocket.send_json({"type": "queued", "request_id": turn.request_id})
