"""The human desk's part of the admin API (operator or admin role), mounted under /admin/desk: the queue of
handed-over conversations, claiming one, writing into the shopper's live session (through the same PII output
check as the bot's replies), handing it back to the bot or closing it. The shopper's stream shows a person
joining, their messages and their leaving; the bot says nothing in between (agent/nodes.py `human_owns`), and
their messages join the session's history, so that the bot knows them once it has the conversation back."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field

from agent import metrics
from agent.api import SessionEvents
from agent.dependencies import backends, gateway_settings
from agent.desk import CaseNotFound, CaseTaken, open_cases
from agent.operations import HandoffCase
from agent.service import Backends
from agent.settings import Settings
from guardrails.admin import ERRORS, AdminErrorResponse, Staff, StaffTokens

MAX_AGENT_MESSAGE = 2000


class DeskCase(HandoffCase):
    model_config = ConfigDict(extra="allow")

    status: str = Field(description="waiting, or claimed by `agent`")
    agent: str | None = None
    since: float = Field(description="when the conversation was first handed over, Unix seconds")
    frustration: float | None = None


class AgentMessage(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_AGENT_MESSAGE)


class AgentMessageSent(BaseModel):
    text: str = Field(description="what the shopper sees (personal data of others masked by the output check)")
    seq: int
    rewritten: bool


def _refused(status: int, code: str, message: str) -> HTTPException:
    return HTTPException(status, {"code": code, "message": message})


def make_desk_router(staff: StaffTokens, rails) -> APIRouter:
    documented = {"model": AdminErrorResponse}
    router = APIRouter(tags=["human desk"], responses={
        **ERRORS, 404: {**documented, "description": "case_not_found: the conversation is not on the desk"},
        409: {**documented, "description": "claimed / not_claimed: another person holds it, or no one yet"}})
    operator = Depends(staff.require("handoffs"))

    async def held(b: Backends, session_id: str, who: Staff) -> dict[str, Any]:
        case = await b.desk.get(session_id)
        if case is None:
            raise _refused(404, "case_not_found", "This conversation is no longer on the desk.")
        if case.get("agent") != who.name:
            raise _refused(409, "not_claimed", "Claim this conversation before writing to the shopper.")
        return case

    @router.get("/cases", response_model=list[DeskCase], summary="The open cases, oldest hand-off first")
    async def cases(_: Staff = operator, b: Backends = Depends(backends)) -> list[dict]:
        return await open_cases(b.desk)

    @router.get("/cases/{session_id}/events", response_model=SessionEvents,
                summary="The conversation's events after `after`: its history, and what is new since")
    async def events(session_id: str, after: int = Query(0, ge=0), _: Staff = operator,
                     b: Backends = Depends(backends)):
        if await b.desk.get(session_id) is None:
            raise _refused(404, "case_not_found", "This conversation is no longer on the desk.")
        return SessionEvents(events=await b.push.feed.after(session_id, after))

    @router.post("/cases/{session_id}/claim", response_model=DeskCase,
                 summary="Take the conversation: the bot falls silent and the shopper sees a person joined")
    async def claim(session_id: str, who: Staff = operator, b: Backends = Depends(backends)) -> dict:
        try:
            before = await b.desk.get(session_id)
            case = await b.desk.claim(session_id, who.name)
        except CaseNotFound:
            raise _refused(404, "case_not_found", "This conversation is no longer on the desk.") from None
        except CaseTaken as taken:
            raise _refused(409, "claimed", f"{taken.agent} is already handling this conversation.") from None
        if not before or before.get("agent") != who.name:
            metrics.DESK_CASES.labels(outcome="claimed").inc()
            metrics.DESK_WAIT.observe(max(0.0, case["claimed_at"] - case["since"]))
            await b.push.publish(session_id, {"type": "human_joined", "agent": who.name})
        return case

    @router.post("/cases/{session_id}/messages", response_model=AgentMessageSent,
                 responses={422: {"model": AdminErrorResponse, "description": "message_blocked by the output rails"}},
                 summary="Write into the shopper's live session (checked like the bot's replies)")
    async def message(session_id: str, body: AgentMessage, who: Staff = operator, b: Backends = Depends(backends),
                      settings: Settings = Depends(gateway_settings)):
        case = await held(b, session_id, who)
        verdict = rails.check_output(body.text, language=case.get("language") or "en")
        if verdict.action in ("block", "handoff"):
            raise _refused(422, "message_blocked", f"This message cannot be sent ({verdict.policy_id}/{verdict.rule}).")
        text = verdict.text if verdict.text is not None else body.text
        event = await b.push.publish(session_id, {"type": "agent_message", "agent": who.name, "text": text})
        # in the history the bot's turns read, as the bot's own replies are kept (agent/nodes.py `finish`): once the
        # person hands back, the bot and the LLM tier know what they told the shopper
        await b.sessions.add_to_history(session_id, {"shopper": "", "reply": rails.mask_pii(text)[0], "intent": None,
                                                     "agent": who.name, "seq": event["seq"]}, settings.recent_turns)
        return AgentMessageSent(text=text, seq=event["seq"], rewritten=text != body.text)

    async def leave(b: Backends, session_id: str, who: Staff, closed: bool) -> dict:
        await held(b, session_id, who)
        try:
            case = await b.desk.remove(session_id)
        except CaseNotFound:
            raise _refused(404, "case_not_found", "This conversation is no longer on the desk.") from None
        metrics.DESK_CASES.labels(outcome="closed" if closed else "returned").inc()
        await b.push.publish(session_id, {"type": "human_left", "agent": who.name, "closed": closed})
        return {**case, "status": "closed" if closed else "returned"}

    @router.post("/cases/{session_id}/release", response_model=DeskCase,
                 summary="Hand the conversation back to the bot")
    async def release(session_id: str, who: Staff = operator, b: Backends = Depends(backends)) -> dict:
        return await leave(b, session_id, who, closed=False)

    @router.post("/cases/{session_id}/close", response_model=DeskCase, summary="Close the case: resolved")
    async def close(session_id: str, who: Staff = operator, b: Backends = Depends(backends)) -> dict:
        return await leave(b, session_id, who, closed=True)

    return router
