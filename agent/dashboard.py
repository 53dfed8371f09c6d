"""The operations dashboard's figures (`GET /admin/metrics/summary`, operator or admin role), read from this
process's own Prometheus registry (agent/metrics.py) so that the page polls a small JSON document instead of
parsing Prometheus text in the browser. Every gateway and worker process keeps its own registry: behind a load
balancer with several processes these are the figures of the one that answered. Production dashboards read
Prometheus, which scrapes every process's /metrics and sums them."""
from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterator

from prometheus_client.metrics import MetricWrapperBase
from prometheus_client.samples import Sample
from pydantic import BaseModel, Field

from agent import metrics

# the routes of turns the fast tier did not close by itself (metrics.TURNS): the LLM tier answered or failed to,
# or a person
NOT_AUTOMATED = frozenset({"llm", "llm_fallback", "handoff", "human"})


def _samples(metric: MetricWrapperBase, suffixes: tuple[str, ...], match: dict[str, str]) -> Iterator[Sample]:
    for family in metric.collect():
        names = {family.name + suffix for suffix in suffixes}
        for sample in family.samples:
            if sample.name in names and all(sample.labels.get(k) == v for k, v in match.items()):
                yield sample


def value(metric: MetricWrapperBase, **match: str) -> float:
    """A counter's or a gauge's value, summed over the label sets that match (all of them without `match`)."""
    return sum(s.value for s in _samples(metric, ("", "_total"), match))


def label_values(metric: MetricWrapperBase, label: str) -> list[str]:
    """The values a counter's or a histogram's label has taken so far."""
    return sorted({s.labels[label] for s in _samples(metric, ("_total", "_count"), {})})


def buckets(histogram: MetricWrapperBase, **match: str) -> list[tuple[float, float]]:
    """A histogram's cumulative buckets (upper bound, observations at or below it), summed over matching labels."""
    summed: dict[float, float] = defaultdict(float)
    for sample in _samples(histogram, ("_bucket",), match):
        summed[float(sample.labels["le"])] += sample.value
    return sorted(summed.items())


def quantile(q: float, cumulative: list[tuple[float, float]]) -> float | None:
    """What Prometheus' histogram_quantile answers: linear within the bucket the q-th observation falls in, so
    good to that bucket's width; None without observations."""
    if not cumulative or cumulative[-1][1] == 0:
        return None
    rank = q * cumulative[-1][1]
    lower, below = 0.0, 0.0
    for upper, count in cumulative:
        if count >= rank:
            if math.isinf(upper):
                return lower  # beyond the last finite bound: that bound is all the histogram knows
            return lower + (upper - lower) * (rank - below) / (count - below)
        lower, below = upper, count
    return None


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


class Percentiles(BaseModel):
    count: int = Field(description="observations since the process started")
    p50: float | None = Field(description="seconds; null without observations")
    p99: float | None = Field(description="seconds; null without observations")

    @classmethod
    def of(cls, histogram: MetricWrapperBase, **match: str) -> Percentiles:
        cumulative = buckets(histogram, **match)
        return cls(count=int(cumulative[-1][1]) if cumulative else 0,
                   p50=quantile(0.5, cumulative), p99=quantile(0.99, cumulative))


class RouteLatency(Percentiles):
    route: str


class DashboardFigures(BaseModel):
    """This process's figures since it started (counters and histograms only grow; the page takes differences)."""
    at: float = Field(description="when they were read, Unix seconds")
    turns: int = Field(description="turns closed, every route")
    automation_rate: float | None = Field(description="share of turns closed without the LLM tier or a person")
    latency: Percentiles = Field(description="from the gateway's ack to the reply stored, every route")
    latency_by_route: list[RouteLatency] = Field(description="the same, per route that closed the turn")
    cache_lookups: int
    cache_hit_rate: float | None = Field(description="share of answer-cache lookups that found an answer")
    handoffs: int = Field(description="turns handed over to a person")
    desk_waiting: int = Field(description="desk cases no one has claimed yet")
    desk_claimed: int
    desk_wait: Percentiles = Field(description="from a hand-off to a person claiming it")
    llm_calls: int
    llm_errors: int
    llm_first_token: Percentiles = Field(description="time to the first token of a streamed answer")
    errors: int = Field(description="errors answered to clients or raised in turns")
    errors_by_code: dict[str, int]
    offers_made: int = Field(description="cross-sell offers with a coupon")
    offers_accepted: int
    offer_conversion: float | None = Field(description="offers accepted / offers made")
    intake_lag: int = Field(description="turns queued and not yet handled, on the partitions this process works")
    intake_wait: Percentiles = Field(description="time a turn waited on the intake queue")


def read_figures() -> DashboardFigures:
    routes = label_values(metrics.TURN_END_TO_END, "route")
    turns = value(metrics.TURNS)
    cache_lookups = value(metrics.CACHE_LOOKUPS)
    offers_made, offers_accepted = value(metrics.OFFERS, outcome="offered"), value(metrics.OFFERS, outcome="accepted")
    return DashboardFigures(
        at=time.time(), turns=int(turns),
        automation_rate=_ratio(turns - sum(value(metrics.TURNS, route=r) for r in NOT_AUTOMATED), turns),
        latency=Percentiles.of(metrics.TURN_END_TO_END),
        latency_by_route=[RouteLatency(route=r, **Percentiles.of(metrics.TURN_END_TO_END, route=r).model_dump())
                          for r in routes],
        cache_lookups=int(cache_lookups),
        cache_hit_rate=_ratio(cache_lookups - value(metrics.CACHE_LOOKUPS, outcome="miss"), cache_lookups),
        handoffs=int(value(metrics.TURNS, route="handoff")),
        desk_waiting=int(value(metrics.DESK_OPEN, status="waiting")),
        desk_claimed=int(value(metrics.DESK_OPEN, status="claimed")),
        desk_wait=Percentiles.of(metrics.DESK_WAIT),
        llm_calls=int(value(metrics.LLM_CALLS)), llm_errors=int(value(metrics.LLM_CALLS, outcome="error")),
        llm_first_token=Percentiles.of(metrics.LLM_FIRST_TOKEN),
        errors=int(value(metrics.ERRORS)),
        errors_by_code={code: int(value(metrics.ERRORS, code=code)) for code in label_values(metrics.ERRORS, "code")},
        offers_made=int(offers_made), offers_accepted=int(offers_accepted),
        offer_conversion=_ratio(offers_accepted, offers_made),
        intake_lag=int(value(metrics.INTAKE_LAG)),
        intake_wait=Percentiles.of(metrics.QUEUE_WAIT))
