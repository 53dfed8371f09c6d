"""The pages' goals (issue 18), one command: python bench/bench_pages.py [--loads 20] [--changes 5] [--cases 3]

Starts the real service on a fresh τ²-bench shop with no LLM server, twice: embedded (`python serve.py`) and as
production runs it (`python serve.py gateway` and a `python serve.py worker` process, Redis and Kafka (Tansu)
started here as the tests start them), with the tests' staff tokens (tests/browser.py). Measures:

- the widget's size: widget.js, every module it imports (followed through their imports) and widget.css,
  each gzipped at level 9: what a shop's page loads to embed the chat (the demo page's own demo.css and HTML
  are not the widget);
- first contentful paint of the demo page /chat in Debian's Chromium, each load in a fresh browser context
  (nothing cached), embedded stack only (the page is static);
- publish to effect: a rule published through the admin API as the console publishes it (the harassment rule
  of safety_abuse also takes "zanzibar"), then a new shopper turn every 100 ms until its reply is the rule's;
  the same for the rollback; the clock starts before the publish call. Then every change must be in the audit
  log with the prompt engineer who made it;
- a person's first answer: an angry shopper handed over, claimed at the desk's API, three shopper messages
  while the person holds the session (the bot must say nothing), then from the person's message sent to it
  being in the shopper's event feed; handed back, the bot answers again.

Goals: widget ≤ 60 KB gzipped, first paint ≤ 1 s, publish to effect ≤ 5 s with every change audited, no bot
message while a person holds the session. Exit 1 when one is missed. (The flaky connection goal is a browser
test: tests/test_feed.py::test_every_reply_once_while_the_socket_drops_5_times_in_20_turns.)
"""
from __future__ import annotations

import argparse
import contextlib
import gzip
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests import services  # noqa: E402
from tests.browser import ADMIN_TOKENS, CHROMIUM, LAUNCH_ARGS, staff_headers  # noqa: E402

WEB = Path(__file__).resolve().parent.parent / "web"
POLICY = "/admin/guardrails/policies/safety_abuse"
RULE = "  - id: harassment\n"
ANGRY = "This is ridiculous!!! Worst service ever, I am furious, get me a real person NOW"


def widget_files() -> list[str]:
    """widget.js and the modules it imports, transitively, and its stylesheet."""
    found, todo = [], ["widget.js"]
    while todo:
        name = todo.pop()
        if name not in found:
            found.append(name)
            todo += re.findall(r"from '\./([\w.]+)'", (WEB / name).read_text())
    return found + ["widget.css"]


def first_paints(url: str, loads: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    paints = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for _ in range(loads + 1):
            context = browser.new_context(locale="en-US")
            page = context.new_page()
            page.goto(f"{url}/chat")
            page.wait_for_selector(".sc-form")
            paints.append(page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime"))
            context.close()
        browser.close()
    return paints[1:]  # the first load warms the browser itself


class Shopper:
    def __init__(self, http: httpx.Client) -> None:
        opened = http.post("/v1/sessions", json={"channel": "h5"}).json()
        self.http, self.id = http, opened["session_id"]
        self.headers = {"Authorization": f"Bearer {opened['session_token']}"}

    def say(self, text: str) -> dict:
        response = self.http.post("/v1/chat", json={"session_id": self.id, "text": text}, headers=self.headers)
        response.raise_for_status()
        return response.json()["reply"]

    def events(self, after: int = 0) -> list[dict]:
        return self.http.get(f"/v1/sessions/{self.id}/events", params={"after": after}, headers=self.headers).json()[
            "events"]


def blocked(reply: dict) -> bool:
    return any(r["policy_id"] == "safety_abuse" and r["rule"] == "harassment" for r in reply.get("rails") or [])


def publish_to_effect(http: httpx.Client, changes: int) -> tuple[list[float], bool]:
    """Seconds from each publish (or rollback) call to the first shopper turn that shows it; whether the audit
    log holds every change with its actor."""
    pat = staff_headers("pat")
    published = http.get(POLICY, headers=pat).json()
    taking = published["yaml"].replace(RULE, RULE + "    phrases: [zanzibar]\n", 1)
    seconds, versions = [], []

    def until(block: bool, started: float) -> None:
        shopper = Shopper(http)
        while blocked(shopper.say("zanzibar")) != block:
            if time.monotonic() - started > 30:
                raise AssertionError(f"no effect within 30 s (blocked should be {block})")
            time.sleep(0.1)
        seconds.append(time.monotonic() - started)

    try:
        for n in range(changes):
            started = time.monotonic()
            done = http.put(POLICY, headers=pat, json={"yaml": taking, "author": "pat", "comment": f"bench {n}"})
            versions.append((done.json()["version"], "publish"))
            until(True, started)
            started = time.monotonic()
            done = http.post(f"{POLICY}/rollback", headers=pat, json={"version": published["version"], "author": "pat"})
            versions.append((done.json()["version"], "rollback"))
            until(False, started)
    finally:
        http.put(POLICY, headers=pat, json={"yaml": published["yaml"], "author": "bench cleanup"})
    audit = http.get("/admin/guardrails/audit", params={"policy_id": "safety_abuse", "limit": 500}, headers=pat).json()
    logged = {(e["version"], e["action"]) for e in audit if e["actor"] == "pat (prompt_engineer)"}
    return seconds, all(v in logged for v in versions)


def people_answer(http: httpx.Client, cases: int) -> tuple[list[float], int, int, bool]:
    """Seconds from a person's message sent to it in the shopper's feed; the shopper's messages while held; the
    bot's words among their replies; whether the bot answered after each hand-back."""
    ann = staff_headers("ann")
    seconds, held, bot_words, back = [], 0, 0, True
    for _ in range(cases):
        shopper = Shopper(http)
        assert shopper.say(ANGRY)["handoff"]
        deadline = time.monotonic() + 20
        while not any(c["session_id"] == shopper.id for c in http.get("/admin/desk/cases", headers=ann).json()):
            assert time.monotonic() < deadline, "the hand-off never reached the desk"
            time.sleep(0.1)
        case = f"/admin/desk/cases/{shopper.id}"
        http.post(f"{case}/claim", headers=ann).raise_for_status()
        for text in ("hello? anyone?", "where is my parcel?", "I want to cancel my order"):
            reply = shopper.say(text)
            held += 1
            bot_words += bool(reply["text"]) or reply["route"] != "human"
        seen = shopper.events()[-1]["seq"]
        started = time.monotonic()
        sent = http.post(f"{case}/messages", headers=ann, json={"text": "Hi, I'm Ann. Let me sort this out."})
        sent.raise_for_status()
        while not any(e["type"] == "agent_message" for e in shopper.events(seen)):
            time.sleep(0.005)
        seconds.append(time.monotonic() - started)
        http.post(f"{case}/release", headers=ann).raise_for_status()
        back &= bool(shopper.say("do you ship to Canada?")["text"])
    return seconds, held, bot_words, back


@contextlib.contextmanager
def stack(name: str):
    env = {"LLM_BASE_URL": f"http://127.0.0.1:{services.free_port()}/v1", "LLM_MAX_RETRIES": "0",
           "SHOP_DB_URL": f"sqlite:///{tempfile.mkdtemp(prefix='bench-pages-')}/shop.db", "ADMIN_TOKENS": ADMIN_TOKENS}
    if name == "embedded":
        with services.service_process({**env, "REDIS_URL": "", "KAFKA_BOOTSTRAP_SERVERS": ""}) as (url, _):
            yield url
        return
    with services.redis_server() as redis_url, services.kafka_broker("tansu") as brokers:
        env = {**env, "REDIS_URL": redis_url, "KAFKA_BOOTSTRAP_SERVERS": brokers,
               "KAFKA_TOPIC": f"bench-pages-{uuid.uuid4().hex[:8]}"}
        with services.service_process(env, "gateway") as (url, _), services.service_process(env, "worker"), \
                httpx.Client(base_url=url, timeout=60) as http:
            deadline = time.monotonic() + 90
            while True:  # until the worker has joined its group and answers
                with contextlib.suppress(httpx.HTTPError):
                    Shopper(http).say("hello")
                    break
                assert time.monotonic() < deadline, "the worker never answered"
            yield url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=20, help="fresh loads of /chat for the first paint")
    parser.add_argument("--changes", type=int, default=5, help="publishes (each followed by a rollback)")
    parser.add_argument("--cases", type=int, default=3, help="conversations handed over to a person")
    args = parser.parse_args()
    rows, missed = [], False

    def row(stack_name: str, what: str, figure: str, goal: str, met: bool) -> None:
        nonlocal missed
        missed |= not met
        rows.append(f"| {stack_name} | {what} | {figure} | {goal} | {'met' if met else 'MISSED'} |")

    files = widget_files()
    size = sum(len(gzip.compress((WEB / f).read_bytes(), 9)) for f in files)
    row("—", f"widget gzipped ({' + '.join(files)})", f"{size / 1000:.1f} KB ({size} B)", "≤ 60 KB", size <= 60_000)
    for name in ("embedded", "redis+tansu, gateway + worker process"):
        with stack(name.split(",")[0]) as url, httpx.Client(base_url=url, timeout=60) as http:
            if name == "embedded":
                paints = sorted(first_paints(url, args.loads))
                row(name, f"first paint of /chat, {len(paints)} fresh loads",
                    f"median {statistics.median(paints):.0f} ms, max {paints[-1]:.0f} ms", "≤ 1000 ms",
                    paints[-1] <= 1000)
            seconds, audited = publish_to_effect(http, args.changes)
            row(name, f"publish/rollback to effect, {len(seconds)} changes",
                f"median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s", "≤ 5 s", max(seconds) <= 5)
            row(name, "changes in the audit log with their actor", "all" if audited else "NOT all", "all", audited)
            answers, held, bot_words, back = people_answer(http, args.cases)
            row(name, f"a person's message to the shopper's feed, {len(answers)} cases",
                f"median {statistics.median(answers) * 1000:.0f} ms, max {max(answers) * 1000:.0f} ms", "—", True)
            row(name, f"bot messages while a person held the session ({held} shopper messages)", str(bot_words), "0",
                bot_words == 0)
            row(name, "the bot answers after the hand-back", "yes" if back else "NO", "yes", back)
    print("| stack | measure | figure | goal | result |\n|---|---|---|---|---|")
    print("\n".join(rows))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
