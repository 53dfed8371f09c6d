"""Runs each queued turn through the graph, stores its result with the session, pushes the reply.

A turn delivered twice (a worker died before committing, a rebalance) is answered once: the
request record says it is done, so the second delivery only re-pushes the stored reply. A turn
whose first run died half-way is run again with the same request_id, which is also the
idempotency key of every tool it calls, so no side effect happens twice.

A turn that raises is retried by the intake (agent/deadletters.py). An outage tells the shopper once
that the request is safe and will be answered; a turn out of attempts is dead-lettered and its shopper
gets an honest failure (`dead_lettered`).
"""
from __future__ import annotations

import logging
import time

from agent import metrics, tracing
from agent.api import ErrorBody, Reply, RequestResult, Turn
from agent.deadletters import DeadLetter
from agent.nodes import TurnDeps
from agent.language import conversation_language
from agent.outages import OUTAGES
from agent.replies import say
from agent.reply_extras import reply_extras
from agent.sessions import Session
from agent.state import TurnState

log = logging.getLogger(__name__)


class TurnWorker:
    def __init__(self, deps: TurnDeps, graph) -> None:
        self.deps, self.graph = deps, graph
        self.told_busy: set[str] = set()  # turns under way whose shopper knows they wait for a backend

    async def handle(self, turn: Turn) -> None:
        with tracing.span("turn", attributes={"shop.request_id": turn.request_id, "shop.session_id": turn.session_id}):
            try:
                await self._run(turn)
            except OUTAGES as exc:
                await self._tell_busy(turn, exc)
                raise  # retried until the backend is back
        self.told_busy.discard(turn.request_id)

    async def _run(self, turn: Turn) -> None:
        sessions, push = self.deps.sessions, self.deps.push
        record = await sessions.get_request(turn.request_id)
        if record is not None and record.status in ("done", "failed"):
            metrics.DUPLICATES.inc()
            tracing.note(**{"shop.duplicate": True})
            await push.publish(turn.session_id, _reply_event(record))
            return
        started = time.time()
        metrics.QUEUE_WAIT.observe(max(0.0, started - turn.enqueued_at))
        # a try after an outage keeps the notice the shopper was given until the reply replaces it
        running = RequestResult(request_id=turn.request_id, session_id=turn.session_id, status="running",
                                error=record.error if record is not None else None)
        session = await sessions.start_turn(running)  # stored running, and the session read, in one round trip
        await push.publish(turn.session_id, {"type": "status", "request_id": turn.request_id, "status": "running"})
        session = session or Session(session_id=turn.session_id, restarted=True)
        state: TurnState = {
            "request_id": turn.request_id, "session_id": turn.session_id, "shopper_id": session.shopper_id,
            "text": turn.text, "audio_ref": turn.audio_ref, "image_ref": turn.image_ref,
            "language_hint": turn.language, "restarted": session.restarted,
            "context": session.context, "history": session.turns, "rails": [], "handoff": False,
        }
        out = await self.graph.ainvoke(state)  # raises: retried by the intake, dead-lettered when out of attempts

        understanding = out.get("understanding") or {}
        acted_on = out.get("flow_intent")  # the intent a flow acted on ("identify" is no shopper intent)
        intent = acted_on if acted_on and acted_on != "identify" else understanding.get("intent")
        reply = Reply(text=out["reply"], intent=intent, slots=understanding.get("slots", {}),
                      matches=out.get("matches", []), handoff=out.get("handoff", False),
                      route=out.get("route"), language=out.get("language"), rails=out.get("rails", []),
                      **await reply_extras(out, intent, self.deps.shop))
        record = running.model_copy(update={"status": "done", "reply": reply, "transcript": out.get("transcript"),
                                            "error": None})
        session.context, session.turns = out["context"], out["history"]
        await sessions.finish_turn(session, record)  # stored before the offset is committed
        await push.publish(turn.session_id, _reply_event(record))
        route = out.get("route") or "unknown"
        tracing.note(**{"shop.route": route})
        metrics.TURNS.labels(route=route).inc()
        metrics.TURN_SECONDS.labels(route=route).observe(time.time() - started)
        metrics.TURN_END_TO_END.labels(route=route).observe(time.time() - turn.enqueued_at)

    async def _tell_busy(self, turn: Turn, outage: BaseException) -> None:
        """Once per turn: the request is kept and will be answered (polling shows the notice as the request's
        error while it waits; the stream gets a "delayed" status event). Best effort: the backend that is down
        may be the one that would carry the notice, and then it is tried again on the next attempt."""
        if turn.request_id in self.told_busy:
            return
        language = await self._language(turn.session_id, turn.text, turn.language)
        notice = ErrorBody(code="backend_unavailable", message=say("busy", language))
        try:
            sessions, record = self.deps.sessions, await self.deps.sessions.get_request(turn.request_id)
            if record is None or record.status not in ("done", "failed"):  # a stored answer is never undone
                await sessions.put_request(RequestResult(request_id=turn.request_id, session_id=turn.session_id,
                                                         status=record.status if record else "queued", error=notice))
            await self.deps.push.publish(turn.session_id, {"type": "status", "request_id": turn.request_id,
                                                           "status": "delayed", "error": notice.model_dump()})
        except OUTAGES:
            log.info("turn %s waits for a backend (%s); its shopper is not told yet", turn.request_id, outage)
            return
        self.told_busy.add(turn.request_id)

    async def dead_lettered(self, letter: DeadLetter) -> None:
        """The shopper of a dead-lettered turn hears honestly that it failed, when the record says whose it is."""
        self.told_busy.discard(letter.request_id)
        if not letter.session_id:
            return
        metrics.ERRORS.labels(code="turn_failed").inc()
        turn = _turn_in(letter)
        language = await self._language(letter.session_id, turn.text if turn else "", turn.language if turn else None)
        error = ErrorBody(code="turn_failed", message=say("failed", language))
        if letter.request_id is None:  # no turn to answer: the conversation hears it
            await self.deps.push.publish(letter.session_id, {"type": "error", "error": error.model_dump()})
            return
        record = RequestResult(request_id=letter.request_id, session_id=letter.session_id, status="failed", error=error)
        await self.deps.sessions.put_request(record)
        await self.deps.push.publish(letter.session_id, _reply_event(record))

    async def _language(self, session_id: str, text: str, hint: str | None) -> str:
        """The conversation's language so far, else the message's own (a session store that is down: the message's)."""
        try:
            session = await self.deps.sessions.get(session_id)
        except OUTAGES:
            session = None
        return conversation_language(text, session.context.get("language") if session else None, hint or "en")


def _turn_in(letter: DeadLetter) -> Turn | None:
    try:
        return Turn.model_validate_json(letter.value)
    except ValueError:
        return None


def _reply_event(record: RequestResult) -> dict:
    return {"type": "reply", **record.model_dump(mode="json")}
