"""The shopper API's one error envelope, `{"error": {"code", "message"}}` (../shared/api.md): what routes raise,
what the gateway's handlers and middlewares answer, and how an operation documents it."""
from __future__ import annotations

from fastapi.responses import JSONResponse

from agent import metrics
from agent.api import ErrorResponse
from agent.ratelimits import RateLimited


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict | None = None) -> None:
        self.status, self.code, self.message, self.headers = status, code, message, headers


def error_response(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    metrics.ERRORS.labels(code=code).inc()
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def rate_limited_response(exc: RateLimited) -> JSONResponse:
    return error_response(429, "rate_limited", "Too many requests. Please wait a moment and try again.",
                          {"Retry-After": str(exc.retry_after)})


def documented(*statuses: int) -> dict:
    """An operation's `responses`: each status answered in the envelope."""
    return {status: {"model": ErrorResponse} for status in statuses}
