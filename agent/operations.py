"""The operators' part of the admin API (operator or admin role): the service's metrics (as Prometheus text, and
summed up for the dashboard page) and the conversations handed over to people. Mounted under /admin next to the
prompt engineers' policies."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ConfigDict, Field

from agent.dashboard import DashboardFigures, read_figures
from agent.desk import open_cases
from guardrails.admin import ERRORS, StaffTokens


class HandoffCase(BaseModel):
    """What the human desk gets (agent/nodes.py): why, who, the task under way, the recent turns."""
    model_config = ConfigDict(extra="allow")

    session_id: str
    request_id: str | None = None
    reason: str
    shopper_id: str | None = None
    user_id: str | None = None
    task: Any = None
    slots: dict[str, Any] = Field(default_factory=dict)
    last_message: str | None = Field(None, description="the shopper's last message, personal data masked")
    recent_turns: list[dict[str, Any]] = Field(default_factory=list)
    language: str | None = None
    at: float = Field(description="when it was handed over, Unix seconds")


async def prometheus() -> Response:
    """This process's metrics in Prometheus' text format (a worker in the process keeps its intake lag current)."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def make_operations_router(staff: StaffTokens) -> APIRouter:
    router = APIRouter(tags=["operations admin"], responses=ERRORS)

    @router.get("/metrics", response_class=Response, dependencies=[Depends(staff.require("metrics"))],
                summary="The gateway's Prometheus metrics, for the operations dashboard",
                responses={200: {"content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}}})
    async def operations_metrics() -> Response:
        return await prometheus()

    @router.get("/metrics/summary", response_model=DashboardFigures, dependencies=[Depends(staff.require("metrics"))],
                summary="This process's figures for the operations dashboard (GET /dashboard polls it)")
    async def metrics_summary(request: Request) -> DashboardFigures:
        await open_cases(request.app.state.backends.desk)  # the desk's queue as it is now, not as last listed
        return read_figures()

    @router.get("/handoffs", response_model=list[HandoffCase], dependencies=[Depends(staff.require("handoffs"))],
                summary="The latest conversations handed over to a person, newest first")
    async def handoffs(request: Request, limit: int = Query(50, ge=1, le=500)) -> list[dict]:
        return await request.app.state.backends.handoffs.recent(limit)

    return router
