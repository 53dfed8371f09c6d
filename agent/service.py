"""Opens the backends that settings choose and assembles the turn worker from them."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Awaitable, Callable

import multimodal
from agent import catalogue_search, metrics, tracing
from agent.dialogue import check_flows
from agent.graph import build_turn_graph
from agent.feedback import FeedbackLog, JsonlFeedbackLog, KafkaFeedbackLog
from agent.handoff import HandoffDesk, KafkaHandoffDesk, MemoryHandoffDesk
from agent.deadletters import TurnRetries
from agent.desk import DeskQueue, MemoryDeskQueue, QueueingHandoffDesk, RedisDeskQueue, keep_following
from agent.events import MemoryEventFeed, RedisEventFeed, SequencedBus
from agent.intake import IntakeQueue, KafkaIntake, MemoryIntake
from agent.llm import LLMClient
from agent.nodes import TurnDeps
from agent.push import MemoryReplyBus, RedisReplyBus
from agent.ratelimits import RateLimits
from agent.replies import templates
from agent.sessions import MemorySessionStore, RedisSessionStore, SessionStore
from agent.settings import Settings
from agent.worker import TurnWorker
from fastmodels import load_nlu
from fastmodels.text import INTENTS
from fastmodels.answer_cache import load_answer_cache
from guardrails.live import load_guardrails, mask_personal_data_in_logs, open_policy_store
from guardrails.store import PolicyStore
from tools import Shop, open_shop

log = logging.getLogger(__name__)


@dataclass
class Backends:
    sessions: SessionStore
    push: SequencedBus  # the reply bus, with the events shoppers must see once numbered and kept (agent/events.py)
    intake: IntakeQueue
    llm: LLMClient
    policies: PolicyStore  # guardrails' policies: shared by the admin API and this process's rails
    handoffs: HandoffDesk
    feedback: FeedbackLog
    rate_limits: RateLimits  # the gateway's; counted in Redis when the sessions are
    shop: Shop  # the commerce store the tools act on
    desk: DeskQueue  # the human desk's queue (agent/desk.py)

    def describe(self) -> dict[str, str]:
        return {"sessions": type(self.sessions).__name__, "push": type(self.push).__name__,
                "intake": type(self.intake).__name__, "llm": str(self.llm.client.base_url),
                "rate_limits": "redis" if self.rate_limits.redis else "memory", "shop": type(self.shop.store).__name__}

    def readiness_checks(self) -> dict[str, Callable[[], Awaitable[None]]]:
        """What /readyz asks, each raising when its backend does not answer (the stores' drivers block: a thread)."""
        return {"sessions": self.sessions.ping, "intake": self.intake.ping, "llm": self.llm.ping,
                "shop": lambda: asyncio.to_thread(self.shop.store.ping),
                "policies": lambda: asyncio.to_thread(self.policies.ping)}

    async def close(self) -> None:
        for part in (self.intake, self.push, self.sessions, self.llm, self.handoffs, self.feedback, self.rate_limits,
                     self.desk):
            await part.close()
        self.policies.close()
        self.shop.close()


def open_sessions(settings: Settings) -> SessionStore:
    ttl = dict(ttl=settings.session_ttl_seconds, tombstone_ttl=settings.session_tombstone_seconds,
               request_ttl=settings.request_ttl_seconds, media_ttl=settings.media_ttl_seconds)
    return RedisSessionStore(settings.redis_url, **ttl) if settings.redis_url else MemorySessionStore(**ttl)


def open_intake(settings: Settings) -> IntakeQueue:
    """Not started yet: start() creates the topics."""
    retries = TurnRetries(settings.turn_attempts, settings.retry_first_seconds, settings.retry_max_seconds)
    if settings.embedded_intake:
        return MemoryIntake(retries=retries)
    return KafkaIntake(settings.kafka_bootstrap_servers, settings.kafka_topic, settings.kafka_group,
                       settings.kafka_partitions, settings.kafka_fetch_wait_ms, retries,
                       settings.kafka_dead_letter_topic or None, settings.kafka_session_timeout_ms)


async def open_backends(settings: Settings, policies: PolicyStore | None = None) -> Backends:
    sessions = open_sessions(settings)
    ttl = settings.session_ttl_seconds
    if settings.redis_url:
        bus = RedisReplyBus(settings.redis_url)
        push = SequencedBus(bus, RedisEventFeed(settings.redis_url, ttl, publish_to=bus.channel))
        desk: DeskQueue = RedisDeskQueue(settings.redis_url)
    else:
        push, desk = SequencedBus(MemoryReplyBus(), MemoryEventFeed(ttl)), MemoryDeskQueue()
    intake = open_intake(settings)
    await intake.start()
    llm = LLMClient(settings.llm_base_url, settings.llm_model, settings.llm_api_key,
                    settings.llm_timeout_seconds, settings.llm_max_retries, settings.llm_max_tokens,
                    settings.llm_temperature)
    policies = policies or await asyncio.to_thread(open_policy_store, settings.policy_dir, settings.redis_url)
    if settings.kafka_bootstrap_servers:
        handoffs = KafkaHandoffDesk(settings.kafka_bootstrap_servers, settings.handoff_topic)
        feedback = KafkaFeedbackLog(settings.kafka_bootstrap_servers, settings.feedback_topic)
    else:
        handoffs, feedback = QueueingHandoffDesk(MemoryHandoffDesk(), desk), JsonlFeedbackLog(settings.feedback_path)
    rate_limits = RateLimits(settings.redis_url, settings.rate_limit_per_address, settings.rate_limit_per_session,
                             settings.rate_limit_per_shopper)
    shop = await asyncio.to_thread(open_shop, settings.shop_db_url, seed="tau2")
    backends = Backends(sessions, push, intake, llm, policies, handoffs, feedback, rate_limits, shop, desk)
    log.info("backends in use: %s", backends.describe())
    return backends


class ShopperMedia:
    """Voice notes and photos for the turn, with this deployment's models and limits."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        if settings.preload_media_models:
            multimodal.preload_models(settings.whisper_model, settings.cache_dir)

    def transcribe(self, audio: bytes, language: str | None = None):
        s = self.settings
        return multimodal.transcribe(audio, language or s.whisper_language or None, model=s.whisper_model,
                                     cache_dir=s.cache_dir, max_seconds=s.max_audio_seconds)

    def read_photo(self, image: bytes):
        return multimodal.read_photo(image)


def build_worker(settings: Settings, backends: Backends) -> TurnWorker:
    """Loads the fast tier, the answer cache and the rails once per worker process."""
    # a broken reply catalogue, or an intent no flow closes, stops the worker here, not mid-conversation
    if (problems := check_flows(INTENTS) if templates() else ["empty reply catalogue"]):
        raise RuntimeError("dialogue: " + "; ".join(problems))
    cache = load_answer_cache(settings.faq_path, settings.redis_url, threshold=settings.cache_similarity_threshold,
                              agree_threshold=settings.cache_agree_threshold, cache_dir=settings.cache_dir)
    catalogue_search.preload(settings.cache_dir)
    # one thread: a turn predicts one message, and idle pool threads spinning on a shared 2-core box
    # cost more than they save
    nlu = load_nlu(settings.nlu_model_dir or None, threads=1, second_opinion_below=settings.nlu_second_opinion_below)
    deps = TurnDeps(settings=settings, sessions=backends.sessions, push=backends.push, llm=backends.llm,
                    nlu=nlu, cache=cache, rails=load_guardrails(store=backends.policies),
                    handoffs=backends.handoffs, shop=backends.shop, desk=backends.desk,
                    media=ShopperMedia(settings))
    return TurnWorker(deps, build_turn_graph(deps))


def follow_desk(settings: Settings, backends: Backends) -> asyncio.Task | None:
    """With Kafka, the gateway keeps the desk's queue fed from the hand-off topic (embedded: put there directly)."""
    if not settings.kafka_bootstrap_servers:
        return None
    return asyncio.create_task(keep_following(settings.kafka_bootstrap_servers, settings.handoff_topic,
                                              backends.desk))


async def consume(settings: Settings, backends: Backends, worker: TurnWorker) -> None:
    """Works the intake until cancelled: turns to the worker, dead letters' shoppers told, lag reported."""
    reporting = asyncio.create_task(report_lag(backends.intake, settings.intake_lag_seconds))
    try:
        await backends.intake.run_worker(worker.handle, worker.dead_lettered)
    finally:
        reporting.cancel()


async def report_lag(intake: IntakeQueue, every_seconds: float) -> None:
    """Keeps this worker's shop_intake_lag{partition} current: what an autoscaler on lag reads, whichever
    process the worker runs in. A partition handed to another worker stops being reported here."""
    while True:
        try:
            lag = await intake.lag()
        except Exception as exc:  # the broker is away: the last figures stand until it answers
            log.debug("intake lag not read: %s", exc)
        else:
            metrics.INTAKE_LAG.clear()
            for partition, turns in lag.items():
                metrics.INTAKE_LAG.labels(partition=str(partition)).set(turns)
        await asyncio.sleep(every_seconds)


async def run_worker_process(settings: Settings) -> None:
    """A standalone worker: consumes the intake until stopped; once its models are loaded, serves /healthz,
    /readyz and /metrics on METRICS_PORT (agent/operations.py), what its probes and the scraper ask."""
    import signal

    tracing.configure(settings.otel_exporter_otlp_endpoint, "worker")
    backends = await open_backends(settings)
    worker = build_worker(settings, backends)
    mask_personal_data_in_logs(worker.deps.rails)
    consuming = asyncio.create_task(consume(settings, backends, worker))
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, consuming.cancel)
    probes = ProbeServer(settings, backends) if settings.metrics_port else None
    try:
        await consuming
    except asyncio.CancelledError:
        log.info("worker stopping")
    finally:
        if probes is not None:
            await probes.stop()
        await backends.close()
        tracing.shutdown()


class ProbeServer:
    """uvicorn serving the worker's probe app as a task of the worker's loop; the worker's own SIGTERM handling
    stops it (uvicorn's signal capture is left out: it would take the worker's signals)."""

    def __init__(self, settings: Settings, backends: Backends) -> None:
        import contextlib

        import uvicorn

        from agent.operations import worker_probes

        class Server(uvicorn.Server):
            @contextlib.contextmanager
            def capture_signals(self):
                yield

        config = uvicorn.Config(worker_probes(backends), host=settings.host, port=settings.metrics_port,
                                lifespan="off", access_log=False, log_level="warning")
        self.server = Server(config)
        self.task = asyncio.create_task(self.server.serve())

    async def stop(self) -> None:
        self.server.should_exit = True
        await asyncio.gather(self.task, return_exceptions=True)
