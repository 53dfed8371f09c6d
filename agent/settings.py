"""The service's one configuration class, read from the environment (12-factor).

Every variable is documented in the README. An empty REDIS_URL or KAFKA_BOOTSTRAP_SERVERS selects
the embedded backend (in-process), so `python serve.py` runs on a fresh machine with nothing else.
"""
import re
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # gateway
    host: str = "127.0.0.1"
    port: int = 8000
    # origins (scheme://host[:port], comma-separated) whose pages may call the API from a browser, e.g. the
    # shop's H5 site; empty: no cross-origin calls (apps and mini-programs do not need any)
    cors_origins: str = ""
    # backends: empty = embedded (in-process); production: redis://…, host:9092,…, postgresql://…
    redis_url: str = ""
    kafka_bootstrap_servers: str = ""
    kafka_topic: str = "chat.requests"
    kafka_partitions: int = 12
    kafka_group: str = "agents"
    # How long a worker's fetch may wait for new turns. Tansu holds a fetch for all of it even when a turn
    # arrives (5 ms: ~2 ms added per turn, ~4% of a core per idle worker); Apache Kafka answers at once, so 100+ is fine there.
    kafka_fetch_wait_ms: int = Field(5, ge=0)
    # how long the broker waits for a silent worker (killed, frozen) before its partitions go to the others; 6 s is
    # the least a broker accepts by default (Apache Kafka's group.min.session.timeout.ms; noida-db refuses less too)
    kafka_session_timeout_ms: int = Field(6_000, ge=1_000)
    kafka_dead_letter_topic: str = ""  # dead letters (agent/deadletters.py); empty: KAFKA_TOPIC + ".dlq"
    handoff_topic: str = "chat.handoffs"
    feedback_topic: str = "chat.feedback"  # feedback on replies (with Kafka)
    feedback_path: str = "var/feedback.jsonl"  # feedback on replies (embedded)
    shop_db_url: str = "sqlite:///var/shop.db"
    # LLM tier: any OpenAI-compatible server (vLLM in production)
    llm_base_url: str = "http://127.0.0.1:8001/v1"
    llm_model: str = "shop-llm"
    llm_api_key: str = "EMPTY"
    llm_timeout_seconds: float = 20.0
    # the most a shopper waits for the LLM tier: then the sentences it has shown are the answer, or a fallback
    llm_answer_seconds: float = Field(8.0, gt=0)
    llm_max_retries: int = 1
    llm_max_tokens: int = 160
    llm_temperature: float = 0.2
    # conversation
    session_ttl_seconds: int = Field(900, ge=1)
    session_tombstone_seconds: int = 86_400  # how long an expired session is still recognised
    # turns kept in the session; at least 2, for a finished turn's history shares an entry with the stored one's,
    # which tells what a person at the desk added while the turn ran (agent/sessions.py)
    recent_turns: int = Field(10, ge=2)
    request_ttl_seconds: int = 86_400
    chat_timeout_seconds: float = 15.0
    # input limits
    max_json_bytes: int = Field(65_536, ge=1024)  # any body but an upload's: refused with 413 while it is read
    max_text_chars: int = 2000
    max_upload_bytes: int = 10 * 1024 * 1024
    max_audio_seconds: float = 60.0
    # who the shopper is (agent/identity.py): the keys of the shopper_token the shop's app backend signs.
    # Neither set: no token is accepted and every session is a guest's (identity proven in the chat)
    shopper_token_secret: str = ""  # HS256 shared secret, at least 32 bytes; tokens signed with it may omit kid
    shopper_token_jwks: str = ""  # path to a JWKS file (RSA/EC public keys, oct secrets), each with its kid
    shopper_token_audience: str = "shop-assistant"  # the token's aud must be this
    shopper_token_leeway_seconds: float = Field(30, ge=0, le=300)  # clock skew allowed on exp and iat
    # rate limits (agent/ratelimits.py), limits' notation "N/second;M/minute": every one must pass; empty = off.
    # In Redis when REDIS_URL is set, so every gateway counts together
    rate_limit_per_address: str = "30/second;600/minute"  # all calls from one client address (NAT: be generous)
    rate_limit_per_session: str = "10/second;300/minute"  # calls carrying one session's credential
    rate_limit_per_shopper: str = "10/minute;100/hour"  # sessions opened with one shopper's token
    # fast tier (fastmodels/): empty dir = the models shipped in the repository
    nlu_model_dir: str = ""
    intent_confidence_threshold: float = 0.6  # below it the turn goes to the LLM tier
    clarify_margin: float = 0.25  # two readings closer than this (below the bar): a clarifying question
    # below it the e5 teacher's view is averaged in (~15 ms) before a turn would go to the LLM; 0 = never
    nlu_second_opinion_below: float = Field(0.6, ge=0, le=1)
    # at or above it the shopper is angry (best F1 on the test split): handed to a human, unless their request
    # can be answered or done at once (then an apology and the answer, a person one word away)
    frustration_threshold: float = 0.6
    cache_similarity_threshold: float = 0.92  # precision first: a wrong cached answer is worse than a miss
    cache_agree_threshold: float = 0.91  # when the NLU's sure intent names the same topic as the FAQ entry
    faq_path: str = str(ROOT / "data" / "faq.yaml")
    # guardrails/: policies prompt engineers edit, and the admin API that publishes them
    policy_dir: str = str(ROOT / "guardrails" / "policies")  # (the shipped files, wherever the service starts)
    # the admin API's staff tokens, comma-separated NAME:ROLE:SHA256HEX (only the digest of each token is kept
    # here); roles: prompt_engineer (policies), operator (metrics, hand-offs), admin (both). None: every call 403
    admin_tokens: str = ""
    admin_token: str = ""  # the older single token, in clear: kept working as a token named "admin", role admin
    # multimodal/: empty = the checkpoint that scripts/ builds under the cache directory
    whisper_model: str = ""
    whisper_language: str = ""  # empty: detected (multilingual models) or given by the client
    media_ttl_seconds: int = 3600
    preload_media_models: bool = True  # load Whisper, photo and OCR models at worker start
    cache_dir: str = "~/.cache/shopagent"
    # worker
    metrics_port: int = 0  # a standalone worker serves /healthz, /readyz and /metrics here when > 0
    intake_lag_seconds: float = Field(5.0, gt=0)  # how often a worker reports its partitions' lag
    # a turn whose handler fails this often is dead-lettered (an outage does not count: it is waited out)
    turn_attempts: int = Field(3, ge=1)
    # backoff between tries: a random wait up to RETRY_FIRST_SECONDS × 2^(try - 1), never over RETRY_MAX_SECONDS
    retry_first_seconds: float = Field(0.2, gt=0)
    retry_max_seconds: float = Field(5.0, gt=0)
    # traces (agent/tracing.py): an OTLP/HTTP collector's base URL, e.g. http://otel-collector:4318 (the
    # OpenTelemetry standard variable; /v1/traces is added). Empty: no traces exported, next to no cost a turn
    otel_exporter_otlp_endpoint: str = ""
    log_level: str = "INFO"

    @field_validator("rate_limit_per_address", "rate_limit_per_session", "rate_limit_per_shopper")
    @classmethod
    def _limits_parse(cls, value: str) -> str:
        from agent.ratelimits import parse_limits

        parse_limits(value)  # a typo stops the start rather than turning a limit off
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins_parse(cls, value: str) -> str:
        for origin in filter(None, (o.strip() for o in value.split(","))):
            if not re.fullmatch(r"https?://[^/\s*]+", origin):
                raise ValueError(f"CORS_ORIGINS: {origin!r} is not scheme://host[:port] (no path, no wildcard)")
        return value

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @field_validator("admin_tokens")
    @classmethod
    def _staff_tokens_parse(cls, value: str) -> str:
        from guardrails.admin import parse_staff_tokens

        parse_staff_tokens(value)  # a typo stops the start rather than locking a role out
        return value

    @property
    def embedded_sessions(self) -> bool:
        return not self.redis_url

    @property
    def embedded_intake(self) -> bool:
        return not self.kafka_bootstrap_servers


@lru_cache
def get_settings() -> Settings:
    return Settings()
