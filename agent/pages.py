"""The pages people use, served by the gateway with nothing from elsewhere: the H5 chat widget's demo page
(`/chat`), the human desk (`/desk`), the policy console (`/console`) and the operations dashboard (`/dashboard`),
plain ES modules and CSS under /web (no build step; the dashboard's chart library is the npm package
scripts/install.sh puts in web/node_modules). The staff pages are shells: what they show comes from /admin,
which needs a staff token (an operator's for the desk and dashboard, a prompt engineer's for the console)."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

WEB = Path(__file__).resolve().parent.parent / "web"
# the pages load and call their own origin only; blob: and data: for photos and voice notes shown before upload
PAGE_POLICY = ("default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
               "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


def _page(name: str):
    async def page() -> FileResponse:
        return FileResponse(WEB / name, media_type="text/html",
                            headers={"content-security-policy": PAGE_POLICY, "cache-control": "no-cache"})
    return page


def mount_pages(app: FastAPI) -> None:
    router = APIRouter(include_in_schema=False)
    router.add_api_route("/chat", _page("chat.html"), methods=["GET"])
    router.add_api_route("/desk", _page("desk.html"), methods=["GET"])
    router.add_api_route("/console", _page("console.html"), methods=["GET"])
    router.add_api_route("/dashboard", _page("dashboard.html"), methods=["GET"])
    app.include_router(router)
    app.mount("/web", StaticFiles(directory=WEB), name="web")
