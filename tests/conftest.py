"""Session-wide real services. Every fixture starts the real thing or fails the test run."""
import contextlib
import os
import socket
import threading

import pytest

from tests import browser as pages, services


@pytest.fixture(scope="session")
def redis_url():
    with services.redis_server() as url:
        yield url


@pytest.fixture(scope="session")
def kafka_brokers():
    """Starts each kind of Kafka-protocol broker once, when first asked for: brokers("tansu")."""
    started: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        def broker(kind: str) -> str:
            if kind not in started:
                started[kind] = stack.enter_context(services.kafka_broker(kind))
            return started[kind]

        yield broker


@pytest.fixture(scope="session", params=["tansu", "noida"])
def kafka_bootstrap(request, kafka_brokers):
    """Both Kafka-protocol brokers: the service must not lean on one broker's quirks."""
    return kafka_brokers(request.param)


@pytest.fixture(scope="session")
def postgres_url():
    with services.postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def llm_base_url():
    """The real vLLM server. TEST_LLM_BASE_URL points at one already running (`python serve.py llm`)
    to save its 45 s start on a developer's machine; otherwise the tests start their own."""
    if os.environ.get("TEST_LLM_BASE_URL"):
        yield os.environ["TEST_LLM_BASE_URL"]
        return
    with services.vllm_server() as url:
        yield url


@pytest.fixture(scope="session", params=["embedded", "redis+tansu", "redis+noida"])
def backend_env(request, redis_url, kafka_brokers):
    """The environment that selects each backend stack; the same behaviour tests run on all."""
    if request.param == "embedded":
        return {"REDIS_URL": "", "KAFKA_BOOTSTRAP_SERVERS": ""}
    broker = request.param.split("+")[1]
    # a Redis database of its own per stack: a signed shopper's live session (resumed by shopper id) must
    # not carry one stack's conversation into the next stack's run of the same suite
    database = {"tansu": 1, "noida": 2}[broker]
    return {"REDIS_URL": redis_url.rsplit("/", 1)[0] + f"/{database}", "KAFKA_BOOTSTRAP_SERVERS": kafka_brokers(broker),
            "KAFKA_TOPIC": f"chat.requests.{broker}"}


@pytest.fixture(scope="session")
def stack(backend_env, tmp_path_factory):
    """The whole service (`python serve.py`) on one backend stack, with no LLM server behind it:
    {"url": its address, "shop_db_url": the shop it acts on, "env": the backend settings}."""
    shop_db_url = f"sqlite:///{tmp_path_factory.mktemp('shop')}/shop.db"
    feedback_path = tmp_path_factory.mktemp("feedback") / "feedback.jsonl"
    env = {**backend_env, "LLM_BASE_URL": f"http://127.0.0.1:{services.free_port()}/v1", "LLM_MAX_RETRIES": "0",
           "SHOP_DB_URL": shop_db_url, "FEEDBACK_PATH": str(feedback_path), "ADMIN_TOKENS": pages.ADMIN_TOKENS}
    with services.service_process(env) as (url, _):
        yield {"url": url, "shop_db_url": shop_db_url, "env": backend_env, "feedback_path": feedback_path}


@pytest.fixture(scope="session")
def service(stack):
    return stack["url"]


@pytest.fixture
def browser():
    """Debian's Chromium driven by Playwright (tests/browser.py). One per test: the sync API runs an event loop
    of its own while it is started, and the async tests that follow need the thread's loop free."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=pages.CHROMIUM, args=pages.LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    """A browser context with an English locale (tests/test_pages.py, tests/test_feed.py)."""
    context = browser.new_context(locale="en-US")
    yield context
    context.close()


@pytest.fixture
def unresponsive_llm():
    """Fault injection: an LLM endpoint that accepts connections and never answers, so each turn
    takes LLM_TIMEOUT_SECONDS and a worker can be killed while turns are under way."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held, stop = [], threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/v1"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()
