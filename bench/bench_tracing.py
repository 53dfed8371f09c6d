"""What tracing costs one turn, one command: python bench/bench_tracing.py [--turns 2000] [--rounds 15]

The tracing calls a turn makes (agent/tracing.py, tools/shop.py): the gateway's span, the intake's send span
with the traceparent written into the record's headers, the worker reading it back and its process span, the
turn's span with its route noted, and two tool spans (a fast-tier order lookup's). Timed as the service makes
them, in one process, twice: export off (no provider set: the API's no-op tracer, the default) and on (the SDK's
TracerProvider with the batch processor production uses, exporting to the SDK's in-memory exporter). Prints the
median ns per turn over the rounds, side by side. Off is measured first: the API takes one provider per process.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from agent import tracing  # noqa: E402
from tools import shop  # noqa: E402


def one_turn(request_id: str) -> None:
    with tracing.span("gateway turn", tracing.SERVER, {"shop.request_id": request_id, "shop.session_id": "s_1"}):
        with tracing.span("send chat.requests", tracing.PRODUCER, {"messaging.destination.name": "chat.requests",
                                                                    "shop.request_id": request_id}):
            headers = tracing.headers_out()
    with tracing.span("process chat.requests", tracing.CONSUMER, context=tracing.context_in(headers),
                      attributes={"messaging.destination.name": "chat.requests",
                                  "messaging.destination.partition.id": "3", "messaging.kafka.offset": 42}) as span:
        span.set_attribute("shop.request_id", request_id)
        with tracing.span("turn", attributes={"shop.request_id": request_id, "shop.session_id": "s_1"}):
            for tool in ("find_user_id_by_email", "get_order_details"):
                with shop.tool_span(tool):
                    pass
            tracing.note(**{"shop.route": "flow"})


def ns_per_turn(turns: int, rounds: int) -> list[float]:
    results = []
    for _ in range(rounds):
        started = time.perf_counter_ns()
        for i in range(turns):
            one_turn(f"r_{i}")
        results.append((time.perf_counter_ns() - started) / turns)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    ns_per_turn(200, 1)  # warm
    off = ns_per_turn(args.turns, args.rounds)

    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(exporter, max_queue_size=1 << 16))
    trace.set_tracer_provider(provider)
    ns_per_turn(200, 1)
    on = ns_per_turn(args.turns, args.rounds)
    provider.force_flush()
    spans = len(exporter.get_finished_spans())
    provider.shutdown()

    print(f"tracing calls of one turn (6 spans, traceparent out and in), {args.rounds} rounds of {args.turns} turns")
    print(f"{'export':<34}{'median ns/turn':>16}{'min':>10}{'max':>10}")
    for name, figures in (("off (default: no provider)", off), ("on (SDK, batch, in-memory exporter)", on)):
        print(f"{name:<34}{statistics.median(figures):>16,.0f}{min(figures):>10,.0f}{max(figures):>10,.0f}")
    print(f"on / off: {statistics.median(on) / statistics.median(off):.1f}x; spans exported while on: {spans:,}")


if __name__ == "__main__":
    main()
