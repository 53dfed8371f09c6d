"""The operations dashboard against `python serve.py` on every backend stack: after a few shoppers' turns through
the real service, the page (an operator's token, Debian's Chromium, the chart library scripts/install.sh put in
web/node_modules) shows non-zero figures from the service's own metrics and keeps them current, in the browser's
language; the summary it polls needs an operator; its percentiles read a histogram as Prometheus does."""
import math
import re

import httpx
import pytest
from playwright.sync_api import expect
from prometheus_client import CollectorRegistry, Histogram

from agent.dashboard import buckets, quantile
from tests.browser import STAFF, staff_headers
from tests.test_desk import ANGRY
from tests.test_flows import Chat


def shoppers_turns(url: str) -> None:
    """A FAQ the answer cache closes, a price question whose cross-sell coupon is taken, an angry shopper."""
    assert Chat(url).say("how long does a refund take")["route"] == "cache"
    promotion = Chat(url)
    assert "PHONE-POWER15" in promotion.say("这款手机有优惠吗")["text"]
    assert "PHONE-POWER15" in promotion.say("好的")["text"]
    assert Chat(url).say(ANGRY)["handoff"]


def open_dashboard(context, url: str, errors: list):
    page = context.new_page()
    def console(message) -> None:  # CSP refusals and failed loads too; the service has no favicon
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{url}/dashboard")
    page.fill("input[type=password]", STAFF["ann"][1])
    page.click("button")
    page.locator("[data-figure=turns]").wait_for(timeout=10000)
    return page


def figure(page, name: str) -> str:
    return page.locator(f"[data-figure={name}] strong").inner_text()


def number(text: str) -> float:
    return float(re.match(r"[\d.]+", text)[0])


def test_the_dashboard_shows_the_services_own_figures_live(service, context):
    chart_library = httpx.get(f"{service}/web/node_modules/uplot/dist/uPlot.esm.js")
    assert chart_library.status_code == 200, "no uPlot in web/node_modules: run bash scripts/install.sh"
    shoppers_turns(service)
    errors: list[str] = []
    page = open_dashboard(context, service, errors)

    # with Kafka the hand-off reaches the desk through its topic, a moment after the reply: a later poll shows it
    expect(page.locator("[data-figure=desk] strong")).not_to_have_text("0", timeout=10000)
    turns = int(figure(page, "turns"))
    assert turns >= 4
    assert number(figure(page, "automation")) > 0 and number(figure(page, "cache")) > 0
    assert int(figure(page, "handoffs")) >= 1 and int(figure(page, "desk")) >= 1  # the angry shopper waits
    accepted, made = map(int, figure(page, "offers").split(" / "))
    assert accepted >= 1 and made >= accepted
    p50, p99 = figure(page, "latency").split(" / ")
    assert 0 < number(p50) and p99.endswith(("ms", " s"))
    for route in ("cache", "flow", "handoff"):
        cells = page.locator(f"tr[data-route={route}] td").all_inner_texts()
        assert int(cells[1]) >= 1 and cells[2] != "—"
    assert page.locator(".uplot canvas").count() == 2  # both charts drawn by uPlot

    Chat(service).say("包邮吗")  # the page polls: a new turn shows without a reload
    expect(page.locator("[data-figure=turns] strong")).not_to_have_text(str(turns), timeout=10000)
    assert int(figure(page, "turns")) > turns
    assert not errors, errors


def test_the_dashboard_speaks_chinese_to_a_chinese_browser(service, browser):
    context = browser.new_context(locale="zh-CN")
    try:
        errors: list[str] = []
        page = open_dashboard(context, service, errors)
        assert page.locator("h1").inner_text() == "运营看板"
        assert page.locator("[data-figure=cache] span").inner_text() == "答案缓存命中率"
        assert not errors, errors
    finally:
        context.close()


def test_the_dashboard_asks_again_for_a_token_of_the_wrong_role(service, context):
    page = context.new_page()
    page.goto(f"{service}/dashboard")
    page.fill("input[type=password]", STAFF["pat"][1])  # a prompt engineer
    page.click("button")
    page.locator(".staff-error", has_text="may not use metrics").wait_for(timeout=10000)
    assert page.locator("[data-figure]").count() == 0


def test_the_summary_needs_an_operator(service):
    url = f"{service}/admin/metrics/summary"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer nobody"}).status_code == 403
    refused = httpx.get(url, headers=staff_headers("pat"))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    figures = httpx.get(url, headers=staff_headers("bob")).json()
    assert figures["turns"] >= sum(r["count"] for r in figures["latency_by_route"]) > 0


def test_percentiles_read_a_histogram_as_prometheus_does():
    seconds = Histogram("reply_seconds", "", ["route"], buckets=(0.01, 0.1, 1), registry=CollectorRegistry())
    assert quantile(0.5, buckets(seconds)) is None  # no observations: no figure
    for value in [0.005] * 50:
        seconds.labels(route="cache").observe(value)
    for value in [0.05] * 49 + [0.5]:
        seconds.labels(route="llm").observe(value)
    every = buckets(seconds)
    assert every == [(0.01, 50), (0.1, 99), (1, 100), (math.inf, 100)]  # summed over the routes
    assert quantile(0.5, every) == pytest.approx(0.01)
    assert quantile(0.99, every) == pytest.approx(0.1)
    assert quantile(0.995, every) == pytest.approx(0.55)  # linear within the bucket, as histogram_quantile
    assert quantile(0.5, buckets(seconds, route="llm")) == pytest.approx(0.01 + 0.09 * 25 / 49)
    seconds.labels(route="llm").observe(30)
    assert quantile(1.0, buckets(seconds)) == 1  # past the last bound: the bound is all a histogram knows
