"""OpenTelemetry traces of a turn: the gateway takes it in, the intake carries it (the W3C traceparent in the
Kafka record's headers, so a worker in another process continues the same trace), the worker runs it, and its
tool calls and LLM calls are spans of their own.

Export is off by default: the API's no-op tracer answers every call (bench/bench_tracing.py measures what that
costs a turn). With OTEL_EXPORTER_OTLP_ENDPOINT set (the OpenTelemetry standard variable; a setting here), a
process sends its spans by OTLP over HTTP in batches; OTEL_SERVICE_NAME and the SDK's other OTEL_* variables
apply as usual. No span carries a shopper's words: ids, routes, tools and outcomes only.
"""
from __future__ import annotations

import contextlib
import logging
from typing import Iterable

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.trace import SpanKind

log = logging.getLogger(__name__)

# the API's proxy: a no-op until a provider is set (configure() here; the tests' in-memory exporter there), so the
# tools (tools/shop.py) and this module trace through whichever provider the process has
_tracer = trace.get_tracer("shopagent")
_provider = None  # the SDK provider this process configured (flushed at shutdown)
_OFF = contextlib.nullcontext(trace.INVALID_SPAN)  # what a span is while no provider is set
SERVER, CLIENT, PRODUCER, CONSUMER, INTERNAL = (SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER,
                                               SpanKind.CONSUMER, SpanKind.INTERNAL)


def configure(endpoint: str, role: str) -> bool:
    """Exports this process's spans by OTLP/HTTP to `endpoint` (the collector's base URL, as the standard
    variable gives it: /v1/traces is added). Empty: nothing is set up and spans cost next to nothing."""
    global _provider
    if not endpoint or _provider is not None:
        return _provider is not None
    import os

    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    named = {} if os.environ.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: f"shop-{role}"}
    _provider = TracerProvider(resource=Resource.create(named))
    _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint.rstrip("/") + "/v1/traces")))
    trace.set_tracer_provider(_provider)
    log.info("traces exported by OTLP to %s", endpoint)
    return True


def shutdown() -> None:
    """Sends the spans still batched (a process stopping)."""
    if _provider is not None:
        _provider.shutdown()


def span(name: str, kind: SpanKind = INTERNAL, attributes: dict | None = None, context: Context | None = None):
    """A span around a block, current inside it (its children and the headers written in it follow it). With no
    provider set, a shared empty context: a sixth of the API's own no-op span's cost (bench/bench_tracing.py)."""
    if off():
        return _OFF
    return _tracer.start_as_current_span(name, context=context, kind=kind, attributes=attributes)


def off() -> bool:
    """No tracer provider set in this process: no span would be recorded."""
    return isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)


def note(**attributes) -> None:
    """Attributes on the current span, once known (a turn's route)."""
    trace.get_current_span().set_attributes(attributes)


def headers_out() -> list[tuple[str, bytes]]:
    """The current trace as Kafka record headers (traceparent, tracestate): none when nothing is traced."""
    if off() or not trace.get_current_span().get_span_context().is_valid:
        return []
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return [(key, value.encode()) for key, value in carrier.items()]


def context_in(headers: Iterable[tuple[str, bytes]] | None) -> Context | None:
    """The trace a record's headers continue; None (a new trace) when they carry none."""
    carrier = {key: value.decode(errors="replace") for key, value in headers or () if value is not None}
    return propagate.extract(carrier) if carrier else None
