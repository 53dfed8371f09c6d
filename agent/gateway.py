"""The gateway: the FastAPI app that serves the shopper API (../shared/api.md; agent/shopper_api.py and
agent/stream_api.py), the probes (agent/operations.py), the admin API and the pages. Here: its lifespan (the
backends, a worker in process), the middlewares every call passes, the handlers that answer every error in one
envelope, the OpenAPI document of those shared errors, and the routers mounted."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import re

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from agent import shopper_api, stream_api, tracing
from agent.api_errors import ApiError, error_response, rate_limited_response
from agent.desk_api import make_desk_router
from agent.identity import ShopperTokens
from agent.operations import make_operations_router, probes
from agent.outages import OUTAGES
from agent.ratelimits import RateLimited
from agent.pages import mount_pages
from agent.service import build_worker, consume, follow_desk, open_backends
from agent.settings import Settings
from guardrails.admin import StaffTokens, make_admin_router
from guardrails.live import load_guardrails, mask_personal_data_in_logs, open_policy_store
from guardrails.store import PolicyStore

log = logging.getLogger(__name__)

# operations endpoints answer load balancers and scrapers, never rate limited
UNLIMITED_PATHS = {"/healthz", "/readyz", "/metrics"}


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
                    await rate_limited_response(exc)(scope, receive, send)
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
            return await error_response(413, code, message)(scope, receive, send)
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
        tracing.configure(settings.otel_exporter_otlp_endpoint, "service" if run_worker else "gateway")
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
            tracing.shutdown()

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
    # what the routes depend on (agent/dependencies.py); the lifespan adds the backends it opens
    app.state.settings, app.state.shopper_tokens, app.state.rails = settings, shopper_tokens, rails
    admin_api(app, policies, StaffTokens(settings.admin_tokens, settings.admin_token), rails)
    mount_pages(app)

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RateLimited)
    async def rate_limited(_: Request, exc: RateLimited):
        return rate_limited_response(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return error_response(400, "malformed_json", "The request body is not valid JSON.")
        first = errors[0] if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "body"
        return error_response(422, "invalid_request", f"{where}: {first.get('msg', 'invalid value')}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException):
        if isinstance(exc.detail, dict) and {"code", "message"} <= exc.detail.keys():  # the admin API's errors
            return error_response(exc.status_code, exc.detail["code"], exc.detail["message"], exc.headers)
        if exc.status_code == 400:  # FastAPI could not read the body (bytes that are not text)
            return error_response(400, "malformed_json", "The request body is not valid JSON.")
        codes = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized", 403: "forbidden",
                 413: "body_too_large"}
        return error_response(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail), exc.headers)

    async def backend_down(_: Request, exc: Exception):
        log.warning("backend unavailable: %s", exc)
        return error_response(503, "backend_unavailable", "The service is busy right now. Please try again shortly.",
                              {"Retry-After": "2"})

    for outage in OUTAGES:  # every backend's own error types (redis-py's ConnectionError is not Python's)
        app.add_exception_handler(outage, backend_down)

    app.include_router(shopper_api.router)
    app.include_router(stream_api.router)
    app.include_router(probes)
    document_shared_errors(app)

    return app
