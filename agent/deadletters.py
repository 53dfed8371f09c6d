"""Dead letters: what the intake could not deliver, kept with why, so that one bad record never stops a
partition and nothing is lost.

A record that does not read as a turn (a bad producer, random bytes) is dead-lettered at once: reading it
again would give the same answer. A turn whose handler keeps failing is retried with exponential backoff
and full jitter (tenacity), then dead-lettered after TURN_ATTEMPTS failures. An outage (agent/outages.py)
is no failure: the turn is retried, at most RETRY_MAX_SECONDS apart, until the backend is back. Either way
the partition moves on, the offset is committed and the shopper is told. `python serve.py replay-dlq`
puts the dead letters back on the intake once whatever failed them is fixed.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Awaitable, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field
from tenacity import AsyncRetrying, RetryCallState, RetryError, wait_random_exponential

from agent import metrics
from agent.api import RequestResult, Turn
from agent.outages import is_outage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Record:
    """An intake record as a producer wrote it, and where it was read."""
    key: str | None  # the session id
    value: bytes
    topic: str
    partition: int
    offset: int
    headers: tuple[tuple[str, bytes], ...] = ()  # the trace the record continues (agent/tracing.py)


class DeadLetter(BaseModel):
    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")  # any bytes survive JSON

    reason: Literal["unreadable", "failed"] = Field(description="unreadable: not a turn; failed: out of attempts")
    error: str
    attempts: int
    value: bytes = Field(description="the record exactly as it was written (base64 in JSON), put back as it is")
    key: str | None
    topic: str
    partition: int
    offset: int
    session_id: str | None = None
    request_id: str | None = None
    at: float = Field(default_factory=time.time)

    @classmethod
    def of(cls, record: Record, reason: str, error: BaseException, attempts: int) -> "DeadLetter":
        session_id, request_id = _whose(record)
        return cls(reason=reason, error=f"{type(error).__name__}: {error}"[:2000], attempts=attempts,
                   value=record.value, key=record.key, topic=record.topic, partition=record.partition,
                   offset=record.offset, session_id=session_id, request_id=request_id)


def _whose(record: Record) -> tuple[str | None, str | None]:
    """The session and turn a record belongs to, as far as it tells, even when it is no valid turn: whoever
    it names can then be answered."""
    try:
        fields = json.loads(record.value)
    except ValueError:
        fields = None
    fields = fields if isinstance(fields, dict) else {}
    named = {k: v for k in ("session_id", "request_id") if isinstance(v := fields.get(k), str)}
    return named.get("session_id", record.key), named.get("request_id")


Handler = Callable[[Turn], Awaitable[None]]
LetterHandler = Callable[[DeadLetter], Awaitable[None]]


class GaveUp(Exception):
    def __init__(self, attempts: int, error: BaseException) -> None:
        super().__init__(f"gave up after {attempts} attempts: {error!r}")
        self.attempts, self.error = attempts, error


class TurnRetries:
    """Runs a turn's handler until it succeeds, a failure `attempts` times over (then GaveUp), or an outage
    for as long as it lasts."""

    def __init__(self, attempts: int = 3, first_seconds: float = 0.2, max_seconds: float = 5.0) -> None:
        self.attempts, self.first_seconds, self.max_seconds = attempts, first_seconds, max_seconds

    async def run(self, handle: Handler, turn: Turn) -> None:
        failures = 0

        def out_of_attempts(state: RetryCallState) -> bool:
            nonlocal failures
            failures += not is_outage(state.outcome.exception())
            return failures >= self.attempts

        def before_sleep(state: RetryCallState) -> None:
            error = state.outcome.exception()
            reason = "outage" if is_outage(error) else "failure"
            metrics.TURN_RETRIES.labels(reason=reason).inc()
            log.warning("turn %s: %s on try %d (%s: %s); again in %.2fs", turn.request_id, reason,
                        state.attempt_number, type(error).__name__, error, state.next_action.sleep,
                        exc_info=error if reason == "failure" else None)  # a defect's traceback, not an outage's

        retrying = AsyncRetrying(stop=out_of_attempts, before_sleep=before_sleep,
                                 wait=wait_random_exponential(multiplier=self.first_seconds, max=self.max_seconds))
        try:
            async for attempt in retrying:
                with attempt:
                    await handle(turn)
        except RetryError as exc:
            raise GaveUp(exc.last_attempt.attempt_number, exc.last_attempt.exception()) from None


def requeue_records(sessions) -> LetterHandler:
    """Before a dead turn is put back: its request record says queued again, so the worker runs it rather
    than answering it from the failure stored when it was dead-lettered."""
    async def requeue(letter: DeadLetter) -> None:
        if letter.request_id and letter.session_id:
            await sessions.put_request(RequestResult(request_id=letter.request_id, session_id=letter.session_id,
                                                     status="queued"))

    return requeue
