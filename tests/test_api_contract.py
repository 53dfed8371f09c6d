"""The API as documented (issue #17): schemathesis plays every operation of the real service's /openapi.json,
with valid and invalid data, carrying a session's credential and a staff token: no server error, and every
response (status, content type, headers, body) is one the document describes."""
import time

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_headers_conformance,
                                               response_schema_conformance, status_code_conformance)

from guardrails.admin import token_digest
from tests import services

ADMIN = "contract-test-admin-token"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def contract_service(tmp_path_factory):
    """The whole service (`python serve.py`, embedded, no LLM server behind it), one session opened."""
    tmp = tmp_path_factory.mktemp("contract")
    env = {"REDIS_URL": "", "KAFKA_BOOTSTRAP_SERVERS": "", "SHOP_DB_URL": f"sqlite:///{tmp}/shop.db",
           "FEEDBACK_PATH": str(tmp / "feedback.jsonl"), "LLM_BASE_URL": f"http://127.0.0.1:{services.free_port()}/v1",
           "LLM_MAX_RETRIES": "0", "CHAT_TIMEOUT_SECONDS": "10", "RATE_LIMIT_PER_SESSION": "",
           "ADMIN_TOKENS": f"contract:admin:{token_digest(ADMIN)}",
           "POLICY_DIR": str(services.ROOT / "guardrails" / "policies")}
    with services.service_process(env) as (url, _):
        opened = httpx.post(f"{url}/v1/sessions", json={"channel": "app"}).json()
        auth = {"Authorization": f"Bearer {opened['session_token']}"}
        queued = httpx.post(f"{url}/v1/sessions/{opened['session_id']}/messages", json={"text": "hello"}, headers=auth)
        deadline = time.monotonic() + 60  # the first turn loads the models: not a contract matter
        while httpx.get(f"{url}/v1/requests/{queued.json()['request_id']}", headers=auth).json()["status"] != "done":
            assert time.monotonic() < deadline, "the service did not answer its first turn"
            time.sleep(0.2)
        yield {"url": url, "session_id": opened["session_id"], "token": opened["session_token"]}


@pytest.fixture(scope="module")
def api_schema(contract_service):
    return schemathesis.openapi.from_url(f"{contract_service['url']}/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_answers_as_documented(case, contract_service):
    # the one session this test opened, so the calls reach past the credential check into the handlers
    if case.path_parameters and "session_id" in case.path_parameters:
        case.path_parameters["session_id"] = contract_service["session_id"]
    if isinstance(case.body, dict) and "session_id" in case.body:
        case.body["session_id"] = contract_service["session_id"]
    token = ADMIN if case.path.startswith("/admin") else contract_service["token"]
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
