"""What operations ask the gateway: the probes and the scrape on the internal network (/healthz, /readyz, /metrics),
and the operators' part of the admin API (operator or admin role): the service's metrics (as Prometheus text, and
summed up for the dashboard page) and the conversations handed over to people. Mounted under /admin next to the
prompt engineers' policies."""
from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Query
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ConfigDict, Field

from agent.api import Health
from agent.dashboard import DashboardFigures, read_figures
from agent.dependencies import backends
from agent.desk import open_cases
from agent.service import Backends
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


probes = APIRouter(tags=["operations"])


@probes.get("/healthz", response_model=Health)
async def healthz() -> Health:
    return Health(status="ok")


@probes.get("/readyz", response_model=Health, responses={503: {"model": Health}})
async def readyz(b: Backends = Depends(backends)):
    """Ready when every backend answers (sessions, intake, shop store, policy store); the LLM tier being
    down only degrades: turns it would take get an honest fallback."""
    checks = b.readiness_checks()

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


probes.add_api_route("/metrics", prometheus, response_class=Response,
                     summary="Prometheus metrics, for the scraper on the internal network")


def worker_probes(backends: Backends) -> FastAPI:
    """A standalone worker's own small HTTP app on METRICS_PORT: the same /healthz, /readyz and /metrics as the
    gateway's, for its process. Served on the worker's event loop, so /healthz also says the loop still turns."""
    app = FastAPI(title="Shop worker probes", version="1", openapi_url=None)
    app.state.backends = backends
    app.include_router(probes)
    return app


def make_operations_router(staff: StaffTokens) -> APIRouter:
    router = APIRouter(tags=["operations admin"], responses=ERRORS)

    @router.get("/metrics", response_class=Response, dependencies=[Depends(staff.require("metrics"))],
                summary="The gateway's Prometheus metrics, for the operations dashboard",
                responses={200: {"content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}}})
    async def operations_metrics() -> Response:
        return await prometheus()

    @router.get("/metrics/summary", response_model=DashboardFigures, dependencies=[Depends(staff.require("metrics"))],
                summary="This process's figures for the operations dashboard (GET /dashboard polls it)")
    async def metrics_summary(b: Backends = Depends(backends)) -> DashboardFigures:
        await open_cases(b.desk)  # the desk's queue as it is now, not as last listed
        return read_figures()

    @router.get("/handoffs", response_model=list[HandoffCase], dependencies=[Depends(staff.require("handoffs"))],
                summary="The latest conversations handed over to a person, newest first")
    async def handoffs(limit: int = Query(50, ge=1, le=500), b: Backends = Depends(backends)) -> list[dict]:
        return await b.handoffs.recent(limit)

    return router
