"""The gateway's hardening (issue #17): security headers on every response, the CORS allow-list, request
bodies bounded before anything parses them, and a Redis outage answered 503 with Retry-After."""
import pytest
from fastapi.testclient import TestClient

from agent.gateway import create_app
from agent.settings import Settings
from tests import services

H5 = "https://m.shop.example"
JSON_LIMIT = 4096


def gateway(**settings) -> TestClient:
    """The gateway in this process on the embedded backends, no worker (nothing here plays a turn)."""
    base = dict(redis_url="", kafka_bootstrap_servers="", rate_limit_per_address="", max_json_bytes=JSON_LIMIT)
    return TestClient(create_app(Settings(**{**base, **settings}), run_worker=False))


@pytest.fixture(scope="module")
def client():
    with gateway(cors_origins=f"{H5}, https://shop.example") as client:
        yield client


def opened(client) -> tuple[str, dict]:
    body = client.post("/v1/sessions", json={"channel": "h5"}).json()
    client.cookies.clear()  # the bearer only: calls without it must go without a credential
    return body["session_id"], {"Authorization": f"Bearer {body['session_token']}"}


def test_every_response_carries_the_security_headers(client):
    session_id, auth = opened(client)
    opened_again = client.post("/v1/sessions", json={"channel": "app"})
    client.cookies.clear()
    responses = [opened_again, client.get(f"/v1/sessions/{session_id}", headers=auth),
                 client.get("/v1/sessions/s_nope"), client.get("/v1/requests/r_nope", headers=auth),
                 client.post("/v1/sessions", json={"channel": "fax"}), client.get("/nowhere"), client.get("/healthz"),
                 client.get("/metrics"), client.get("/admin")]
    assert [r.status_code for r in responses] == [200, 200, 401, 404, 422, 404, 200, 200, 401]
    for response in responses:
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
        assert response.headers["cache-control"] == "no-store"
    page = client.get("/docs")  # a page keeps its scripts; it may still never be framed
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == "frame-ancestors 'none'" and page.headers["x-frame-options"] == "DENY"


def test_cors_answers_only_the_allowed_origins(client):
    allowed = client.post("/v1/sessions", json={"channel": "h5"}, headers={"Origin": H5})
    assert allowed.headers["access-control-allow-origin"] == H5
    assert allowed.headers["access-control-allow-credentials"] == "true"  # the H5 page's session cookie
    preflight = client.options("/v1/chat", headers={"Origin": H5, "Access-Control-Request-Method": "POST",
                                                    "Access-Control-Request-Headers": "authorization, content-type"})
    assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == H5
    assert "POST" in preflight.headers["access-control-allow-methods"]
    for origin in ("https://evil.example", "http://m.shop.example", "https://m.shop.example.evil.example"):
        refused = client.post("/v1/sessions", json={"channel": "h5"}, headers={"Origin": origin})
        assert "access-control-allow-origin" not in refused.headers
        assert client.options("/v1/chat", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
                              ).status_code == 400


def test_no_cross_origin_call_by_default_and_a_bad_origin_stops_the_start():
    with gateway() as client:
        response = client.post("/v1/sessions", json={"channel": "h5"}, headers={"Origin": H5})
        assert response.status_code == 200 and "access-control-allow-origin" not in response.headers
    for bad in ("*", "https://shop.example/h5", "shop.example", "https://*.shop.example"):
        with pytest.raises(ValueError):
            Settings(cors_origins=bad)


def test_a_json_body_over_its_limit_is_refused_before_it_is_parsed(client):
    session_id, auth = opened(client)
    big = b'{"text": "' + b"a" * JSON_LIMIT + b'"}'
    for path, headers in [("/v1/sessions", {}), (f"/v1/sessions/{session_id}/messages", auth), ("/v1/chat", auth)]:
        declared = client.post(path, content=big, headers={**headers, "content-type": "application/json"})
        assert declared.status_code == 413, path
        assert declared.json() == {"error": {"code": "body_too_large", "message": "This request is too large."}}

        def chunks():  # no Content-Length: counted as it arrives
            yield b'{"text": "'
            for _ in range(JSON_LIMIT // 512 + 1):
                yield b"a" * 512
            yield b'"}'

        streamed = client.post(path, content=chunks(), headers={**headers, "content-type": "application/json"})
        assert streamed.status_code == 413 and streamed.json()["error"]["code"] == "body_too_large", path
    assert client.get(f"/v1/sessions/{session_id}", headers=auth).json()["turns"] == []  # nothing queued
    small = client.post(f"/v1/sessions/{session_id}/messages", json={"text": "a" * 1000}, headers=auth)
    assert small.status_code == 202


def test_uploads_keep_their_own_limit(client):
    session_id, auth = opened(client)
    photo = b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * JSON_LIMIT)  # over the JSON limit, far under an upload's
    under = client.post(f"/v1/sessions/{session_id}/messages", headers=auth,
                        files={"image": ("p.png", photo, "image/png")})
    assert under.status_code == 415 and under.json()["error"]["code"] != "body_too_large"  # read, and it does not decode
    with gateway(max_upload_bytes=10_000) as small:
        session_id, auth = opened(small)
        over = small.post(f"/v1/sessions/{session_id}/messages", headers=auth,
                          files={"image": ("p.png", photo * 3, "image/png")})
        assert over.status_code == 413 and over.json()["error"]["code"] == "file_too_large"


def test_redis_down_is_503_with_retry_after():
    """redis-py's ConnectionError is not Python's: it must reach the 503 handler all the same (issue #19)."""
    redis = services.redis_server()
    url = redis.__enter__()
    try:
        with gateway(redis_url=url, rate_limit_per_session="") as client:
            session_id, auth = opened(client)
            redis.__exit__(None, None, None)
            redis = None
            for response in (client.post("/v1/sessions", json={"channel": "app"}),
                             client.get(f"/v1/sessions/{session_id}", headers=auth),
                             client.post(f"/v1/sessions/{session_id}/messages", json={"text": "hi"}, headers=auth)):
                assert response.status_code == 503, response.text
                assert response.json()["error"]["code"] == "backend_unavailable"
                assert response.headers["retry-after"] == "2"
    finally:
        if redis is not None:
            redis.__exit__(None, None, None)
