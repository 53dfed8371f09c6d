"""Playwright in Debian's Chromium (browser builds cannot be downloaded here), and what the pages' tests share:
the desk's staff tokens, the widget's bubbles, a WebSocket that the test can drop."""
from __future__ import annotations

import time

from guardrails.admin import token_digest

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--no-first-run"]
# the desk's people: two operators and a prompt engineer (whose role has no desk)
STAFF = {"ann": ("operator", "desk-token-ann"), "bob": ("operator", "desk-token-bob"),
         "pat": ("prompt_engineer", "desk-token-pat")}
ADMIN_TOKENS = ",".join(f"{name}:{role}:{token_digest(token)}" for name, (role, token) in STAFF.items())


def staff_headers(name: str) -> dict:
    return {"Authorization": f"Bearer {STAFF[name][1]}"}


def open_chat(context, url: str):
    page = context.new_page()
    page.goto(f"{url}/chat")
    page.wait_for_selector(".sc-form")
    return page


def say(page, text: str) -> None:
    page.fill(".sc-input", text)
    page.press(".sc-input", "Enter")


def bubbles(page, who: str) -> list[str]:
    return page.locator(f".sc-{who} .sc-text").all_inner_texts()


def wait_for_count(page, who: str, count: int, timeout: float = 30) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = bubbles(page, who)
        if len(found) >= count:
            return found
        page.wait_for_timeout(50)
    raise AssertionError(f"{count} {who} bubbles expected, saw {bubbles(page, who)}")


def session_of(page) -> dict:
    """The session the widget keeps across reloads (localStorage)."""
    import json

    return json.loads(page.evaluate("Object.entries(localStorage).find(([k]) => k.startsWith('shop-chat:'))[1]"))


class DroppableSocket:
    """Every stream socket of a page goes through the test, which can drop it as a bad network would: the page's
    side is closed and whatever the server sends meanwhile is lost. `drop_when(event)` decides per event."""

    def __init__(self, page, drop_when=lambda event: False) -> None:
        self.drop_when, self.current, self.drops, self.connections = drop_when, None, 0, 0
        page.route_web_socket("**/stream*", self._route)

    def _route(self, ws) -> None:
        import json

        server = ws.connect_to_server()
        self.current, self.connections = ws, self.connections + 1

        def from_server(message) -> None:
            if self.current is not ws:
                return  # dropped: lost on the way
            if self.drop_when(json.loads(message)):
                self.drop()
                return
            ws.send(message)

        server.on_message(from_server)

    def drop(self) -> None:
        if self.current is not None:
            ws, self.current = self.current, None
            self.drops += 1
            ws.close(code=4000, reason="network dropped")
