"""What the gateway's routes depend on (FastAPI dependencies): what create_app and its lifespan put on the app's
state (settings, backends, shopper tokens, rails), and the session that the call's credential opens. The
credential (../shared/api.md) is a bearer header, the H5 pages' HttpOnly cookie, or a WebSocket's ?token=."""
from __future__ import annotations

from fastapi import Depends, WebSocket
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection

from agent.api_errors import ApiError
from agent.identity import ShopperTokens
from agent.service import Backends
from agent.sessions import Session
from agent.settings import Settings

SESSION_COOKIE = "shop_session"
NOT_FOUND = "This conversation was not found. Please start a new one."
bearer = HTTPBearer(auto_error=False, description="the session_token that POST /v1/sessions returned")
session_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False,
                              description="the same credential, set HttpOnly by POST /v1/sessions (H5 pages)")


# Coroutines, each of them: FastAPI runs a plain function dependency in a worker thread, a thread hop on every call
# (a tenth of the gateway's CPU on a message, measured with bench/bench_turn_costs.py --profile).
async def backends(connection: HTTPConnection) -> Backends:
    return connection.app.state.backends


async def gateway_settings(connection: HTTPConnection) -> Settings:
    return connection.app.state.settings


async def shopper_tokens(connection: HTTPConnection) -> ShopperTokens:
    return connection.app.state.shopper_tokens


async def rails(connection: HTTPConnection):
    """The gateway's guardrails: they mask personal data in what it keeps (feedback comments, a person's words)."""
    return connection.app.state.rails


async def credential(header: HTTPAuthorizationCredentials | None = Depends(bearer),
                     cookie: str | None = Depends(session_cookie)) -> str:
    """The call's session credential; 401 without one (the same whether or not the session exists)."""
    token = header.credentials if header else cookie
    if not token:
        raise ApiError(401, "credential_required", "Please open the conversation again.",
                       {"WWW-Authenticate": "Bearer"})
    return token


def stream_credential(websocket: WebSocket) -> str | None:
    """A WebSocket's session credential: ?token= (browsers cannot set a WebSocket's headers), a bearer
    header, or the HttpOnly cookie."""
    scheme, _, value = websocket.headers.get("authorization", "").partition(" ")
    bearer_token = value.strip() if scheme.lower() == "bearer" else ""
    return websocket.query_params.get("token") or bearer_token or websocket.cookies.get(SESSION_COOKIE) or None


async def authorized_session(b: Backends, session_id: str, token: str) -> Session:
    """The session the credential opens; a wrong credential is answered as an unknown session."""
    session = await b.sessions.authorized(session_id, token)
    if session is None:
        raise ApiError(404, "session_not_found", NOT_FOUND)
    await b.rate_limits.hit("session", session_id)
    return session


async def session_in_path(session_id: str, token: str = Depends(credential),
                          b: Backends = Depends(backends)) -> Session:
    return await authorized_session(b, session_id, token)
