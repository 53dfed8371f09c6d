"""The shopper API (../shared/api.md): FastAPI gateway that acks turns once they are durably queued
and pushes replies over a WebSocket to whichever gateway node holds the shopper's connection."""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
import time
import uuid

from fastapi import Depends, FastAPI, Request, WebSocket, WebSocketDisconnect
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from agent import metrics
from agent.api import (ChatRequest, ChatResponse, ErrorResponse, Feedback, Health, OpenSession, Queued,
                       RequestResult, SessionEvents, SessionOpened, SessionView, TextMessage, Turn)
from agent.desk_api import make_desk_router
from agent.events import resume
from agent.identity import ShopperTokenRejected, ShopperTokens
from agent.operations import make_operations_router, prometheus
from agent.outages import OUTAGES
from agent.ratelimits import RateLimited
from agent.pages import mount_pages
from agent.service import Backends, build_worker, consume, follow_desk, open_backends
from agent.sessions import Session
from agent.settings import Settings
from guardrails.admin import StaffTokens, make_admin_router
from guardrails.live import load_guardrails, mask_personal_data_in_logs, open_policy_store
from guardrails.store import PolicyStore
from multimodal import UploadRejected, check_upload

log = logging.getLogger(__name__)

SESSION_COOKIE = "shop_session"
# operations endpoints answer load balancers and scrapers, never rate limited
UNLIMITED_PATHS = {"/healthz", "/readyz", "/metrics"}
NOT_FOUND = "This conversation was not found. Please start a new one."
bearer = HTTPBearer(auto_error=False, description="the session_token that POST /v1/sessions returned")
session_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False,
                              description="the same credential, set HttpOnly by POST /v1/sessions (H5 pages)")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict | None = None) -> None:
        self.status, self.code, self.message, self.headers = status, code, message, headers


def _error(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    metrics.ERRORS.labels(code=code).inc()
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def _documented(*statuses: int) -> dict:
    return {status: {"model": ErrorResponse} for status in statuses}


def _rate_limited(exc: RateLimited) -> JSONResponse:
    return _error(429, "rate_limited", "Too many requests. Please wait a moment and try again.",
                  {"Retry-After": str(exc.retry_after)})


class AddressRateLimit:
    """Counts every call from a client address before anything else is read (the body included). Behind a
    load balancer, uvicorn's FORWARDED_ALLOW_IPS makes the address the shopper's, not the balancer's."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] in ("http", "websocket") and scope["path"] not in UNLIMITED_PATHS:
            address = (scope.get("client") or ("unknown",))[0]
            try:
                await scope["app"].state.backends.rate_limits.hit("address", address)
            except RateLimited as exc:
                if scope["type"] == "websocket":  # refused before the handshake: the client sees 403
                    await send({"type": "websocket.close", "code": 4429, "reason": "rate_limited"})
                else:
                    await _rate_limited(exc)(scope, receive, send)
                return
            except Exception as exc:  # the counter's store is down: the call goes on and meets the outage itself
                log.warning("address rate limit not counted: %s", exc)
        await self.app(scope, receive, send)


class BodySizeLimits:
    """Refuses a request body over its limit as it arrives, before anything reads or parses it (413 in the
    shared envelope): an upload (multipart) over the uploads' limit, any other body (JSON) over MAX_JSON_BYTES.
    A declared Content-Length over the limit is refused before a byte is read."""

    def __init__(self, app, json_bytes: int, upload_bytes: int, upload_message: str) -> None:
        self.app, self.json_bytes, self.upload_bytes, self.upload_message = app, json_bytes, upload_bytes, upload_message

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        if headers.get("content-type", "").lower().startswith("multipart/"):
            limit, code, message = self.upload_bytes, "file_too_large", self.upload_message
        else:
            limit, code, message = self.json_bytes, "body_too_large", "This request is too large."
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return await _error(413, code, message)(scope, receive, send)
        received = 0

        async def receive_within_limit():
            nonlocal received
            event = await receive()
            received += len(event.get("body", b""))
            if received > limit:  # a chunked body: refused mid-way (FastAPI passes an HTTPException through)
                raise StarletteHTTPException(413, {"code": code, "message": message})
            return event

        await self.app(scope, receive_within_limit, send)


SECURITY_HEADERS = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "x-frame-options": "DENY"}
API_CSP = "default-src 'none'; frame-ancestors 'none'"  # JSON and text: nothing in them may load or run
PAGE_CSP = "frame-ancestors 'none'"  # an HTML page states its own stricter policy; no page may be framed


class SecurityHeaders:
    """Every HTTP response: no MIME sniffing, no referrer, never framed, a Content-Security-Policy (strict for
    JSON), and personal data never cached (Cache-Control: no-store, pages excepted). A header a route set wins."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(event) -> None:
            if event["type"] == "http.response.start":
                headers = MutableHeaders(scope=event)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                page = headers.get("content-type", "").startswith("text/html")
                headers.setdefault("content-security-policy", PAGE_CSP if page else API_CSP)
                if not page:
                    headers.setdefault("cache-control", "no-store")
            await send(event)

        await self.app(scope, receive, send_with_headers)


class _HideCredentials(logging.Filter):
    """uvicorn logs a WebSocket's path with its query string, where a browser's credential travels."""

    TOKEN = re.compile(r"([?&]token=)[^&\s\"]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self.TOKEN.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args)
        return True


def stream_credential(websocket: WebSocket) -> str | None:
    """A WebSocket's session credential: ?token= (browsers cannot set a WebSocket's headers), a bearer
    header, or the HttpOnly cookie."""
    scheme, _, value = websocket.headers.get("authorization", "").partition(" ")
    bearer_token = value.strip() if scheme.lower() == "bearer" else ""
    return websocket.query_params.get("token") or bearer_token or websocket.cookies.get(SESSION_COOKIE) or None


MESSAGE_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": TextMessage.model_json_schema()},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "text": {"type": "string"},
        "audio": {"type": "string", "format": "binary", "description": "webm/opus, ogg, m4a/aac, mp3, wav"},
        "image": {"type": "string", "format": "binary", "description": "JPEG, PNG, WebP"}}}}}}}


RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before trying again", "schema": {"type": "string"}}}
ENVELOPE = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
SHARED_ERRORS = {  # status → (when the operation can meet it, its description)
    400: ("body", "malformed_json: the body is not valid JSON"),
    413: ("body", "body_too_large: the body is over MAX_JSON_BYTES (an upload: over its own limit)"),
    429: ("limited", "rate_limited: too many calls from this address"),
    503: ("backend", "backend_unavailable: a backend is down"),
}


def document_shared_errors(app: FastAPI) -> None:
    """The OpenAPI document also states what the middlewares and shared handlers answer, on every operation
    they can answer it: 400 and 413 where there is a body, 429 where the address is counted, 503 where a backend
    is read, and 422 in the shared envelope (the handler's, not FastAPI's default shape)."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        spec = build()
        for path, operations in spec["paths"].items():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                applies = {"body": "requestBody" in operation, "limited": path not in UNLIMITED_PATHS,
                           "backend": path.startswith(("/v1/", "/admin/"))}
                for status, (when, description) in SHARED_ERRORS.items():
                    if applies[when] and str(status) not in responses:
                        responses[str(status)] = {"description": description, "content": ENVELOPE}
                for status in ("429", "503"):
                    if status in responses:
                        responses[status].setdefault("headers", RETRY_AFTER)
                if "HTTPValidationError" in str(responses.get("422", "")):
                    responses["422"] = {"description": "invalid_request: the input does not match the schema",
                                        "content": ENVELOPE}
        for unused in ("HTTPValidationError", "ValidationError"):
            if unused not in str(spec["paths"]):
                spec["components"]["schemas"].pop(unused, None)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi


def admin_api(app: FastAPI, policies: PolicyStore, staff: StaffTokens, rails) -> None:
    """Everything under /admin needs a staff token of the right role: 401 without one, 403 with one that
    is unknown or of another role, also for paths that do not exist (nothing is revealed to strangers)."""
    app.include_router(make_admin_router(policies, staff), prefix="/admin")
    app.include_router(make_operations_router(staff), prefix="/admin")
    app.include_router(make_desk_router(staff, rails), prefix="/admin/desk")

    async def unknown():
        raise ApiError(404, "not_found", "Not Found")

    for path in ("/admin", "/admin/{path:path}"):
        app.add_api_route(path, unknown, methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False,
                          dependencies=[Depends(staff.require(None))])


def create_app(settings: Settings, run_worker: bool = True) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        uvicorn_log = logging.getLogger("uvicorn.error")
        if not any(isinstance(f, _HideCredentials) for f in uvicorn_log.filters):
            uvicorn_log.addFilter(_HideCredentials())
        mask_personal_data_in_logs(rails)  # whatever a library or a traceback would write of a shopper's words
        backends = await open_backends(settings, policies)
        app.state.backends = backends
        worker_task = None
        if run_worker:
            worker_task = asyncio.create_task(consume(settings, backends, build_worker(settings, backends)))
        desk_task = follow_desk(settings, backends)
        log.info("gateway on %s:%s, worker in process: %s", settings.host, settings.port, run_worker)
        try:
            yield
        finally:
            for task in filter(None, (worker_task, desk_task)):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await backends.close()

    app = FastAPI(title="Shop assistant API", version="1", lifespan=lifespan,
                  description="Chat with the shop's customer-service agent from an app, H5 page or mini-program.")

    # outermost last: every response gets the security headers and (for allowed origins) CORS, 429s included;
    # the address is counted before the body is read, and the body is bounded before anything parses it
    upload_limit = 2 * settings.max_upload_bytes + settings.max_text_chars * 4  # two files and the text
    app.add_middleware(BodySizeLimits, json_bytes=settings.max_json_bytes, upload_bytes=upload_limit,
                       upload_message=f"Files can be at most {settings.max_upload_bytes // 1_000_000} MB.")
    app.add_middleware(AddressRateLimit)
    if settings.cors_origin_list:  # the shop's H5 pages: credentials (the session cookie) allowed, no wildcard
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origin_list, allow_credentials=True,
                           allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type",
                                                                         "Idempotency-Key"],
                           expose_headers=["Retry-After"], max_age=600)
    app.add_middleware(SecurityHeaders)
    shopper_tokens = ShopperTokens(settings.shopper_token_secret, settings.shopper_token_jwks,
                                   settings.shopper_token_audience, settings.shopper_token_leeway_seconds)
    policies = open_policy_store(settings.policy_dir, settings.redis_url)
    rails = load_guardrails(store=policies)  # masks personal data in feedback comments and in the logs
    admin_api(app, policies, StaffTokens(settings.admin_tokens, settings.admin_token), rails)
    mount_pages(app)

    def backends(request: Request | WebSocket) -> Backends:
        return request.app.state.backends

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError):
        return _error(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RateLimited)
    async def rate_limited(_: Request, exc: RateLimited):
        return _rate_limited(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return _error(400, "malformed_json", "The request body is not valid JSON.")
        first = errors[0] if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "body"
        return _error(422, "invalid_request", f"{where}: {first.get('msg', 'invalid value')}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException):
        if isinstance(exc.detail, dict) and {"code", "message"} <= exc.detail.keys():  # the admin API's errors
            return _error(exc.status_code, exc.detail["code"], exc.detail["message"], exc.headers)
        if exc.status_code == 400:  # FastAPI could not read the body (bytes that are not text)
            return _error(400, "malformed_json", "The request body is not valid JSON.")
        codes = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized", 403: "forbidden",
                 413: "body_too_large"}
        return _error(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail), exc.headers)

    async def backend_down(_: Request, exc: Exception):
        log.warning("backend unavailable: %s", exc)
        return _error(503, "backend_unavailable", "The service is busy right now. Please try again shortly.",
                      {"Retry-After": "2"})

    for outage in OUTAGES:  # every backend's own error types (redis-py's ConnectionError is not Python's)
        app.add_exception_handler(outage, backend_down)

    async def credential(header: HTTPAuthorizationCredentials | None = Depends(bearer),
                         cookie: str | None = Depends(session_cookie)) -> str:
        """The call's session credential; 401 without one (the same whether or not the session exists). A
        coroutine: FastAPI runs a plain function dependency in a worker thread, a hop on every call."""
        token = header.credentials if header else cookie
        if not token:
            raise ApiError(401, "credential_required", "Please open the conversation again.",
                           {"WWW-Authenticate": "Bearer"})
        return token

    async def authorized_session(connection: Request | WebSocket, session_id: str, token: str) -> Session:
        """The session the credential opens; a wrong credential is answered as an unknown session."""
        b = backends(connection)
        session = await b.sessions.authorized(session_id, token)
        if session is None:
            raise ApiError(404, "session_not_found", NOT_FOUND)
        await b.rate_limits.hit("session", session_id)
        return session

    async def session_in_path(session_id: str, request: Request, token: str = Depends(credential)) -> Session:
        return await authorized_session(request, session_id, token)

    def check_text(text: str) -> str:
        if len(text) > settings.max_text_chars:
            raise ApiError(413, "text_too_long", f"Messages can be at most {settings.max_text_chars} characters.")
        if not text.strip():
            raise ApiError(422, "empty_message", "Please type a message, or send a voice note or a photo.")
        return text

    async def enqueue(request: Request, turn: Turn, only_new: bool = False) -> bool:
        """Records the turn as queued, then puts it on the intake; undone if the queue refuses it."""
        b = backends(request)
        record = RequestResult(request_id=turn.request_id, session_id=turn.session_id, status="queued")
        if not await b.sessions.put_request(record, only_new=only_new):
            return False  # the client retried a turn it had already sent
        try:  # in the feed before the worker can answer it: the message is numbered before its reply
            await b.push.publish(turn.session_id, {"type": "shopper_message", "request_id": turn.request_id,
                                                   "text": turn.text, "audio": bool(turn.audio_ref),
                                                   "image": bool(turn.image_ref),  # the client's key: its own bubble
                                                   "client_key": request.headers.get("idempotency-key")})
            await b.intake.put(turn)
        except Exception as exc:
            await b.sessions.delete_request(turn.request_id)
            raise ApiError(503, "intake_unavailable", "The service is busy right now. Please try again shortly.",
                           {"Retry-After": "2"}) from exc
        return True

    def request_id_for(session_id: str, idempotency_key: str | None) -> str:
        if idempotency_key:  # a retried POST maps to the same turn
            return "r_" + hashlib.sha256(f"{session_id}:{idempotency_key}".encode()).hexdigest()[:32]
        return "r_" + uuid.uuid4().hex

    def signed_shopper(body: OpenSession) -> str | None:
        if body.shopper_token is None:
            return None  # a guest: a bare shopper_id names no one
        try:
            if not shopper_tokens.enabled:
                raise ShopperTokenRejected("no shopper token keys are configured")
            shopper = shopper_tokens.verify(body.shopper_token)
            if body.shopper_id is not None and body.shopper_id != shopper:
                raise ShopperTokenRejected("shopper_id is not the token's sub")
        except ShopperTokenRejected as exc:
            log.info("shopper token refused: %s", exc)
            raise ApiError(401, "invalid_shopper_token", "Please sign in again.") from exc
        return shopper

    @app.post("/v1/sessions", response_model=SessionOpened, tags=["sessions"],
              responses=_documented(400, 401, 422, 429, 503))
    async def open_session(body: OpenSession, request: Request, response: Response) -> SessionOpened:
        """Open a guest's conversation, or with a signed `shopper_token` open or resume that shopper's live
        one from any channel, the shopper proven. Returns the session's credential."""
        b, shopper = backends(request), signed_shopper(body)
        if shopper:
            await b.rate_limits.hit("shopper", shopper)
        session, resumed = await b.sessions.open(shopper, body.channel)
        token = await b.sessions.issue_credential(session.session_id)
        response.set_cookie(SESSION_COOKIE, token, max_age=settings.session_tombstone_seconds, path="/v1",
                            httponly=True, samesite="strict", secure=request.url.scheme == "https")
        return SessionOpened(session_id=session.session_id, resumed=resumed, channel=session.channel,
                             session_token=token)

    @app.get("/v1/sessions/{session_id}", response_model=SessionView, tags=["sessions"],
             responses=_documented(401, 404, 429))
    async def read_session(session: Session = Depends(session_in_path)) -> SessionView:
        """The conversation so far (recent turns, what is known), e.g. after switching channel."""
        return SessionView(session_id=session.session_id, shopper_id=session.shopper_id, channel=session.channel,
                           last_intent=session.context.get("last_intent"), slots=session.context.get("slots", {}),
                           turns=session.turns)

    @app.get("/v1/sessions/{session_id}/events", response_model=SessionEvents, tags=["sessions"],
             responses=_documented(401, 404, 429))
    async def read_events(request: Request, after: int = 0, session: Session = Depends(session_in_path)):
        """The conversation's events numbered over `after` (its messages, replies, a person joining or leaving,
        a person's messages): what a client missed while offline, each with its `seq`."""
        return SessionEvents(events=await backends(request).push.feed.after(session.session_id, after))

    @app.post("/v1/sessions/{session_id}/messages", status_code=202, response_model=Queued, tags=["turns"],
              openapi_extra=MESSAGE_BODY, responses=_documented(400, 401, 404, 413, 415, 422, 429, 503))
    async def post_message(session_id: str, request: Request, _: Session = Depends(session_in_path)) -> Queued:
        """Queue a shopper's turn (text, voice note or photo) and acknowledge it at once.

        Send an `Idempotency-Key` header to make retries safe: the same key gives the same turn."""
        turn = await read_turn(request, session_id, request_id_for(session_id, request.headers.get("idempotency-key")))
        await enqueue(request, turn, only_new=True)
        return Queued(request_id=turn.request_id)

    async def read_turn(request: Request, session_id: str, request_id: str) -> Turn:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/json":
            try:
                body = TextMessage.model_validate_json(await request.body())
            except ValueError as exc:
                if "json_invalid" in str(exc) or "Invalid JSON" in str(exc):
                    raise ApiError(400, "malformed_json", "The request body is not valid JSON.") from exc
                raise ApiError(422, "invalid_request", "Send {\"text\": \"...\"} with a non-empty text.") from exc
            return Turn(request_id=request_id, session_id=session_id, text=check_text(body.text),
                        enqueued_at=time.time())
        if content_type == "multipart/form-data":
            return await read_multipart(request, session_id, request_id)
        raise ApiError(415, "unsupported_media_type", "Send the message as application/json or multipart/form-data.")

    async def read_multipart(request: Request, session_id: str, request_id: str) -> Turn:
        form = await request.form(max_files=2, max_fields=4)
        text = form.get("text") or ""
        if not isinstance(text, str):
            raise ApiError(422, "invalid_request", "The text field must be a string.")
        if text:
            check_text(text)
        refs: dict[str, str] = {}
        kept: dict[str, bytes] = {}
        for kind in ("audio", "image"):
            upload = form.get(kind)
            if upload is None or isinstance(upload, str):
                continue
            data = await upload.read(settings.max_upload_bytes + 1)
            if len(data) > settings.max_upload_bytes:
                raise ApiError(413, "file_too_large",
                               f"Files can be at most {settings.max_upload_bytes // 1_000_000} MB.")
            kept[kind] = await checked_upload(kind, data, upload.content_type)
        if not text.strip() and not kept:
            raise ApiError(422, "empty_message", "Please type a message, or send a voice note or a photo.")
        for kind, data in kept.items():  # stored only once every part passed its checks
            refs[kind] = f"{request_id}:{kind}"
            await backends(request).sessions.put_media(refs[kind], data)
        language = form.get("language") if isinstance(form.get("language"), str) else None
        return Turn(request_id=request_id, session_id=session_id, text=text, audio_ref=refs.get("audio"),
                    image_ref=refs.get("image"), language=language, enqueued_at=time.time())

    async def checked_upload(kind: str, data: bytes, content_type: str | None) -> bytes:
        """Proves the file decodes and is within limits (multimodal.check_upload), off the event loop."""
        try:
            return await asyncio.to_thread(check_upload, kind, data, content_type,
                                           max_upload_bytes=settings.max_upload_bytes,
                                           max_audio_seconds=settings.max_audio_seconds)
        except UploadRejected as exc:
            raise ApiError(exc.status, exc.code, exc.message) from exc

    @app.get("/v1/requests/{request_id}", response_model=RequestResult, tags=["turns"],
             responses=_documented(401, 404, 429))
    async def get_request(request_id: str, request: Request, token: str = Depends(credential)) -> RequestResult:
        """A turn's status and, once done, its reply: readable with its session's credential only."""
        b = backends(request)
        record = await b.sessions.get_request(request_id)
        if record is None or not await b.sessions.check_credential(record.session_id, token):
            raise ApiError(404, "request_not_found", "This message was not found; it may have expired.")
        await b.rate_limits.hit("session", record.session_id)
        return record

    @app.post("/v1/requests/{request_id}/feedback", status_code=202, tags=["turns"],
              responses=_documented(401, 404, 409, 422, 429))
    async def give_feedback(request_id: str, body: Feedback, request: Request,
                            token: str = Depends(credential)) -> dict:
        """Whether a reply helped (from the shopper's thumbs, or an operator's correction of its intent): kept
        for the weekly retrain with personal data masked (Kafka FEEDBACK_TOPIC, or var/feedback.jsonl)."""
        b = backends(request)
        record = await b.sessions.get_request(request_id)
        if record is None or not await b.sessions.check_credential(record.session_id, token):
            raise ApiError(404, "request_not_found", "This message was not found; it may have expired.")
        await b.rate_limits.hit("session", record.session_id)
        session = await b.sessions.get(record.session_id)
        turn = next((t for t in (session.turns if session else []) if t.get("request_id") == request_id), None)
        if record.status != "done" or turn is None:
            raise ApiError(409, "no_reply_yet", "This message has no reply to rate yet (or it is too old).")
        comment = rails.mask_pii(body.comment)[0] if body.comment else None
        await b.feedback.record({"request_id": request_id, "session_id": record.session_id, "at": time.time(),
                                 "text": turn["shopper"], "reply": turn["reply"], "intent": turn.get("intent"),
                                 "helpful": body.helpful, "corrected_intent": body.intent, "comment": comment})
        metrics.FEEDBACK.labels(helpful=str(body.helpful).lower()).inc()
        return {"request_id": request_id, "status": "recorded"}

    @app.post("/v1/chat", response_model=ChatResponse, tags=["turns"],
              responses={**_documented(400, 401, 404, 413, 422, 429, 503),
                         504: {"description": "no reply in time: poll GET /v1/requests/{request_id}",
                               "content": {"application/json": {"example": {"error": {
                                   "code": "reply_timeout", "message": "...", "request_id": "r_..."}}}}}})
    async def chat(body: ChatRequest, request: Request, token: str = Depends(credential)):
        """Send a text turn and wait for its reply (for simple clients)."""
        await authorized_session(request, body.session_id, token)
        turn = Turn(request_id=request_id_for(body.session_id, request.headers.get("idempotency-key")),
                    session_id=body.session_id, text=check_text(body.text), enqueued_at=time.time())
        b = backends(request)
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
            return _error(500, record.error.code, record.error.message)
        metrics.ERRORS.labels(code="reply_timeout").inc()
        return JSONResponse({"error": {"code": "reply_timeout", "request_id": turn.request_id,
                                       "message": "The answer is taking longer than usual; it will appear shortly."},
                             "request_id": turn.request_id}, status_code=504)

    @app.websocket("/v1/sessions/{session_id}/stream")
    async def stream(websocket: WebSocket, session_id: str):
        """Pushes the session's events as JSON: status, LLM tokens, the reply. With `?after=N` the kept events
        numbered over N come first (agent/events.py: a reconnecting client misses nothing). The client may also send
        {"text": "..."} to queue a turn; it is acknowledged with {"type": "queued", "request_id"}.
        The session's credential: ?token=, the cookie or a bearer header; closed with 4401 without one,
        4404 for an unknown session or a wrong credential, 4429 over the session's rate limit."""
        b = backends(websocket)
        await websocket.accept()  # closed after accepting, so browsers see the code
        token = stream_credential(websocket)
        if not token:
            await websocket.close(code=4401, reason="credential_required")
            return
        try:
            await authorized_session(websocket, session_id, token)
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
                    await receive_turn(websocket, session_id, await websocket.receive_text(), acking)
            except WebSocketDisconnect:
                pass
            finally:
                pusher.cancel()

    async def receive_turn(websocket: WebSocket, session_id: str, raw: str, acking: asyncio.Lock) -> None:
        try:
            text = check_text(TextMessage.model_validate_json(raw).text)
        except (ValueError, ApiError) as exc:
            message = exc.message if isinstance(exc, ApiError) else 'Send {"text": "..."}.'
            await websocket.send_json({"type": "error", "error": {"code": "invalid_message", "message": message}})
            return
        try:
            await backends(websocket).rate_limits.hit("session", session_id)
        except RateLimited as exc:
            await websocket.send_json({"type": "error", "retry_after": exc.retry_after, "error": {
                "code": "rate_limited", "message": "Too many messages. Please wait a moment and try again."}})
            return
        turn = Turn(request_id=request_id_for(session_id, None), session_id=session_id, text=text,
                    enqueued_at=time.time())
        async with acking:
            await enqueue(websocket, turn)
            await websocket.send_json({"type": "queued", "request_id": turn.request_id})

    @app.get("/healthz", response_model=Health, tags=["operations"])
    async def healthz() -> Health:
        return Health(status="ok")

    @app.get("/readyz", response_model=Health, tags=["operations"], responses={503: {"model": Health}})
    async def readyz(request: Request):
        """Ready when every backend answers (sessions, intake, shop store, policy store); the LLM tier being
        down only degrades: turns it would take get an honest fallback."""
        checks = backends(request).readiness_checks()

        async def answers(ping) -> str:
            try:
                await asyncio.wait_for(ping(), 3)
                return "up"
            except Exception as exc:  # any failure to answer means down
                return f"down: {type(exc).__name__}"

        status = dict(zip(checks, await asyncio.gather(*(answers(ping) for ping in checks.values()))))
        ready = all(state == "up" for name, state in status.items() if name != "llm")
        health = Health(status="ok" if all(v == "up" for v in status.values()) else "degraded", backends=status)
        return JSONResponse(health.model_dump(), status_code=200 if ready else 503,
                            headers=None if ready else {"Retry-After": "2"})

    app.add_api_route("/metrics", prometheus, tags=["operations"], response_class=Response,
                      summary="Prometheus metrics, for the scraper on the internal network")
    document_shared_errors(app)

    return app
