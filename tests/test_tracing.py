"""One turn, one trace (agent/tracing.py): the gateway's span, the intake's send and process, the worker's turn and
its tool calls share one trace id, on the embedded stack and across a real Kafka-protocol broker (where only the
record's traceparent header carries it from gateway to worker). The SDK's in-memory exporter collects the spans;
the service runs in this process (its app with its worker in process, real Redis and broker behind it)."""
import time
import uuid

import pytest
from fastapi.testclient import TestClient
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from agent.gateway import create_app
from agent.llm import LLMClient, LLMUnavailable
from agent.settings import Settings
from tests import services
from tests.test_flows import YUSUF


@pytest.fixture(scope="module")
def spans():
    """The process's tracer provider (the API takes one per process) with the in-memory exporter on it."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    exporter = InMemorySpanExporter()
    processor = SimpleSpanProcessor(exporter)
    provider.add_span_processor(processor)
    yield exporter
    processor.shutdown()  # later tests' spans are not kept


@pytest.fixture(params=["embedded", "redis+tansu", "redis+noida"])
def stack_settings(request, redis_url, kafka_brokers, tmp_path):
    topic = f"traced-{uuid.uuid4().hex[:8]}"
    backends = {}
    if request.param != "embedded":
        backends = dict(redis_url=redis_url.rsplit("/", 1)[0] + "/5",
                        kafka_bootstrap_servers=kafka_brokers(request.param.split("+")[1]), kafka_topic=topic,
                        kafka_group=f"agents-{topic}", handoff_topic=f"{topic}.handoffs",
                        feedback_topic=f"{topic}.feedback")
    return Settings(_env_file=None, **backends, shop_db_url=f"sqlite:///{tmp_path}/shop.db",
                    llm_base_url=f"http://127.0.0.1:{services.free_port()}/v1", llm_max_retries=0,
                    rate_limit_per_address="", preload_media_models=False, feedback_path=str(tmp_path / "fb.jsonl"))


def test_one_turn_is_one_trace_from_the_gateway_to_its_tools(spans, stack_settings):
    with TestClient(create_app(stack_settings)) as client:
        opened = client.post("/v1/sessions", json={"channel": "app"}).json()
        headers = {"Authorization": f"Bearer {opened['session_token']}"}
        spans.clear()
        text = f"where is my order #W2378156? {YUSUF}"
        answered = client.post("/v1/chat", headers=headers, json={"session_id": opened["session_id"], "text": text})
        assert answered.status_code == 200, answered.text
        assert "#W2378156" in answered.json()["reply"]["text"]
        request_id = answered.json()["request_id"]

    finished = spans.get_finished_spans()
    (gateway,) = [s for s in finished if s.name == "gateway turn" and s.attributes["shop.request_id"] == request_id]
    in_trace = [s for s in finished if s.context.trace_id == gateway.context.trace_id]
    by_name = {s.name: s for s in in_trace}
    topic = stack_settings.kafka_topic if stack_settings.kafka_bootstrap_servers else "memory"
    send, process, turn = by_name[f"send {topic}"], by_name[f"process {topic}"], by_name["turn"]
    assert (gateway.kind, send.kind, process.kind) == (SpanKind.SERVER, SpanKind.PRODUCER, SpanKind.CONSUMER)
    # one chain: gateway → send → (the record's headers) → process → turn → its tool calls
    assert send.parent.span_id == gateway.context.span_id
    assert process.parent.span_id == send.context.span_id and process.attributes["shop.request_id"] == request_id
    assert turn.parent.span_id == process.context.span_id and turn.attributes["shop.route"] == "flow"
    tools = {s.name: s for s in in_trace if s.name.startswith("tool ")}
    assert {"tool find_user_id_by_email", "tool get_order_details"} <= tools.keys(), sorted(by_name)
    assert all(s.parent.span_id == turn.context.span_id for s in tools.values())
    assert all(s.status.status_code != StatusCode.ERROR for s in in_trace)
    # no span carries the shopper's words
    assert not any(YUSUF in str(value) for s in in_trace for value in s.attributes.values())


async def test_an_llm_call_is_a_span_of_its_own_and_its_failure_is_recorded(spans):
    llm = LLMClient(f"http://127.0.0.1:{services.free_port()}/v1", "shop-llm", max_retries=0, timeout=1)
    spans.clear()
    with pytest.raises(LLMUnavailable):
        await llm.answer([{"role": "user", "content": "hello"}])
    await llm.close()
    (call,) = spans.get_finished_spans()
    assert call.name == "llm answer" and call.kind == SpanKind.CLIENT
    assert call.status.status_code == StatusCode.ERROR and call.attributes["gen_ai.request.model"] == "shop-llm"


def test_with_an_otlp_endpoint_a_service_process_sends_its_spans_there(tmp_path):
    """`serve.py` with OTEL_EXPORTER_OTLP_ENDPOINT posts OTLP/HTTP protobuf to ENDPOINT/v1/traces. The receiver
    here stands in for a collector (none runs on these machines): it only records what arrives."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    received: list[tuple[str, bytes]] = []

    class Collector(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append((self.path, self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    collector = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    env = {"REDIS_URL": "", "KAFKA_BOOTSTRAP_SERVERS": "", "SHOP_DB_URL": f"sqlite:///{tmp_path}/shop.db",
           "LLM_BASE_URL": f"http://127.0.0.1:{services.free_port()}/v1", "OTEL_BSP_SCHEDULE_DELAY": "100",
           "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{collector.server_address[1]}"}
    try:
        with services.service_process(env) as (url, _):
            from tests.test_flows import Chat

            Chat(url).say(f"where is my order #W2378156? {YUSUF}")
            names, deadline = set(), time.monotonic() + 10
            while not {"gateway turn", "turn", "tool get_order_details"} <= names:
                assert time.monotonic() < deadline, names
                time.sleep(0.1)
                for path, body in list(received):
                    assert path == "/v1/traces"
                    request = ExportTraceServiceRequest.FromString(body)
                    for resource_spans in request.resource_spans:
                        service = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
                        assert service["service.name"] == "shop-service"
                        names |= {s.name for scope in resource_spans.scope_spans for s in scope.spans}
    finally:
        collector.shutdown()
