"""Runs each queued turn through the graph, stores its result with the session, pushes the reply.

A turn delivered twice (a worker died before committing, a rebalance) is answered once: the
request record says it is done, so the second delivery only re-pushes the stored reply. A turn
whose first run died half-way is run again with the same request_id, which is also the
idempotency key of every tool it calls, so no side effect happens twice.
"""
from __future__ import annotations

import logging
import time

from agent import metrics
from agent.api import ErrorBody, Reply, RequestResult, Turn
from agent.nodes import TurnDeps
from agent.language import conversation_language
from agent.replies import say
from agent.sessions import Session
from agent.state import TurnState

log = logging.getLogger(__name__)


class TurnWorker:
    def __init__(self, deps: TurnDeps, graph) -> None:
        self.deps, self.graph = deps, graph

    async def handle(self, turn: Turn) -> None:
        sessions, push = self.deps.sessions, self.deps.push
        record = await sessions.get_request(turn.request_id)
        if record is not None and record.status in ("done", "failed"):
            metrics.DUPLICATES.inc()
            await push.publish(turn.session_id, _reply_event(record))
            return
        started = time.time()
        metrics.QUEUE_WAIT.observe(max(0.0, started - turn.enqueued_at))
        running = RequestResult(request_id=turn.request_id, session_id=turn.session_id, status="running")
        await sessions.put_request(running)
        await push.publish(turn.session_id, {"type": "status", "request_id": turn.request_id, "status": "running"})

        session = await sessions.get(turn.session_id) or Session(session_id=turn.session_id, restarted=True)
        state: TurnState = {
            "request_id": turn.request_id, "session_id": turn.session_id, "shopper_id": session.shopper_id,
            "text": turn.text, "audio_ref": turn.audio_ref, "image_ref": turn.image_ref,
            "language_hint": turn.language, "restarted": session.restarted,
            "context": session.context, "history": session.turns, "rails": [], "handoff": False,
        }
        try:
            out = await self.graph.ainvoke(state)
        except Exception:  # a defect in a node: the shopper gets an honest answer, the turn is kept
            log.exception("turn %s failed in the graph", turn.request_id)
            metrics.ERRORS.labels(code="turn_failed").inc()
            record = running.model_copy(update={"status": "failed", "error": ErrorBody(
                code="turn_failed", message=say("failed", conversation_language(turn.text, None, turn.language or "en")))})
            await sessions.put_request(record)
            await push.publish(turn.session_id, _reply_event(record))
            return

        understanding = out.get("understanding") or {}
        acted_on = out.get("flow_intent")  # the intent a flow acted on ("identify" is no shopper intent)
        intent = acted_on if acted_on and acted_on != "identify" else understanding.get("intent")
        reply = Reply(text=out["reply"], intent=intent, slots=understanding.get("slots", {}),
                      matches=out.get("matches", []), handoff=out.get("handoff", False),
                      route=out.get("route"), language=out.get("language"), rails=out.get("rails", []))
        record = running.model_copy(update={"status": "done", "reply": reply, "transcript": out.get("transcript")})
        session.context, session.turns = out["context"], out["history"]
        await sessions.finish_turn(session, record)  # stored before the offset is committed
        await push.publish(turn.session_id, _reply_event(record))
        route = out.get("route") or "unknown"
        metrics.TURNS.labels(route=route).inc()
        metrics.TURN_SECONDS.labels(route=route).observe(time.time() - started)
        metrics.TURN_END_TO_END.labels(route=route).observe(time.time() - turn.enqueued_at)


def _reply_event(record: RequestResult) -> dict:
    return {"type": "reply", **record.model_dump(mode="json")}
