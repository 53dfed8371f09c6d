"""Whose conversation is it (issue #17): signed shopper identity, session credentials and rate limits.

Every takeover attempt of the issue is tried against the whole service on every backend stack (embedded;
Redis + Tansu; Redis + noida): none succeeds and none leaks a byte of the victim's conversation. Rate
limits are tried with the shipped defaults on one embedded gateway and on two gateways sharing Redis.
"""
import asyncio
import base64
import hashlib
import hmac
import json
import os
import time
import uuid

import httpx
import jwt
import pytest
import websockets
import websockets.exceptions
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from agent.identity import ShopperTokenRejected, ShopperTokens, mint_shopper_token
from agent.settings import Settings
from tests import services
from tests.test_api import open_session, stream_url, wait_done
from tools import open_shop

VICTIM, ORDER = "yusuf_rossi_9620", "#W2378156"  # a τ²-bench shopper and one of their orders
REFUSED = {"error": {"code": "invalid_shopper_token", "message": "Please sign in again."}}
DEFAULTS = Settings.model_fields


def chat(url: str, opened: dict, text: str) -> str:
    response = httpx.post(f"{url}/v1/chat", json={"session_id": opened["session_id"], "text": text},
                          headers=opened["headers"], timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["reply"]["text"]


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def claims(shopper_id: str = VICTIM, **changes) -> dict:
    now = int(time.time())
    return {"sub": shopper_id, "aud": "shop-assistant", "iat": now, "exp": now + 300, **changes}


@pytest.fixture(scope="module")
def victim(stack):
    """The victim opens a session from their app with a signed token, sees their order and leaves a turn."""
    url = stack["url"]
    opened = open_session(url, VICTIM)
    items = [i["name"] for i in open_shop(stack["shop_db_url"]).call("get_order_details", {"order_id": ORDER})["items"]]
    turn = httpx.post(f"{url}/v1/sessions/{opened['session_id']}/messages", json={"text": f"where is my order {ORDER}"},
                      headers=opened["headers"])
    reply = wait_done(url, turn.json()["request_id"], opened["headers"])["reply"]["text"]
    return {**opened, "items": items, "request_id": turn.json()["request_id"], "reply": reply}


def leaks(text: str, victim: dict) -> list[str]:
    return [secret for secret in [*victim["items"], victim["session_token"]] if secret in text]


# ---------------------------------------------------------------- identity from a signed token

def test_a_signed_shopper_is_proven_from_the_first_turn(victim):
    assert ORDER in victim["reply"] and all(name in victim["reply"] for name in victim["items"])
    assert "e-mail" not in victim["reply"]


def test_a_bare_shopper_id_resumes_nothing_and_names_no_one(service, victim):
    response = httpx.post(f"{service}/v1/sessions", json={"shopper_id": VICTIM, "channel": "h5"})
    attacker = {**response.json(), "headers": {"Authorization": f"Bearer {response.json()['session_token']}"}}
    assert not attacker["resumed"] and attacker["session_id"] != victim["session_id"]
    view = httpx.get(f"{service}/v1/sessions/{attacker['session_id']}", headers=attacker["headers"]).json()
    assert view["shopper_id"] is None and view["turns"] == []
    for text in (f"where is my order {ORDER}", "change my default address", "show me my orders"):
        reply = chat(service, attacker, text)
        assert not leaks(reply + response.text + json.dumps(view), victim), reply
    assert "e-mail" in chat(service, attacker, f"where is my order {ORDER}")  # asked to prove who they are


@pytest.mark.parametrize("make_token", [
    pytest.param(lambda: mint_shopper_token(VICTIM, services.SHOPPER_TOKEN_SECRET, ttl_seconds=-120), id="expired"),
    pytest.param(lambda: mint_shopper_token(VICTIM, "another-shops-secret-that-is-long-enough!!"), id="wrong-key"),
    pytest.param(lambda: f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims())}.", id="alg-none"),
    pytest.param(lambda: mint_shopper_token(VICTIM, services.SHOPPER_TOKEN_SECRET, audience="another-shop"),
                 id="other-audience"),
    pytest.param(lambda: jwt.encode(claims(iat=int(time.time()) + 600), services.SHOPPER_TOKEN_SECRET), id="iat-future"),
    pytest.param(lambda: jwt.encode({k: v for k, v in claims().items() if k != "exp"}, services.SHOPPER_TOKEN_SECRET),
                 id="no-exp"),
    pytest.param(lambda: jwt.encode(claims(), services.SHOPPER_TOKEN_SECRET, headers={"kid": "k-unknown"}),
                 id="unknown-kid"),
    pytest.param(lambda: mint_shopper_token(VICTIM, services.SHOPPER_TOKEN_SECRET)[:-3] + "AAA", id="tampered"),
    pytest.param(lambda: "not-a-jwt", id="garbage"),
])
def test_a_token_that_proves_nothing_is_refused_and_reveals_nothing(service, victim, make_token):
    response = httpx.post(f"{service}/v1/sessions",
                          json={"shopper_id": VICTIM, "channel": "h5", "shopper_token": make_token()})
    assert response.status_code == 401 and response.json() == REFUSED
    assert "set-cookie" not in response.headers and not leaks(response.text, victim)


def test_a_token_for_another_shopper_opens_only_their_own_session(service, victim):
    attacker = f"attacker-{uuid.uuid4().hex[:8]}"
    token = services.shopper_token(attacker)
    refused = httpx.post(f"{service}/v1/sessions", json={"shopper_id": VICTIM, "shopper_token": token})
    assert refused.status_code == 401 and refused.json() == REFUSED
    own = httpx.post(f"{service}/v1/sessions", json={"shopper_token": token}).json()
    assert own["session_id"] != victim["session_id"] and not own["resumed"]
    view = httpx.get(f"{service}/v1/sessions/{own['session_id']}",
                     headers={"Authorization": f"Bearer {own['session_token']}"}).json()
    assert view["shopper_id"] == attacker and not leaks(json.dumps(view), victim)


def test_a_token_just_past_its_expiry_is_taken_within_the_clock_skew(service):
    shopper = f"skewed-{uuid.uuid4().hex[:8]}"
    token = mint_shopper_token(shopper, services.SHOPPER_TOKEN_SECRET, ttl_seconds=-5)
    assert httpx.post(f"{service}/v1/sessions", json={"shopper_token": token}).status_code == 200


def test_switching_channel_with_a_signed_token_resumes_with_a_new_credential(service, victim):
    again = open_session(service, VICTIM, "miniapp")
    assert again["resumed"] and again["session_id"] == victim["session_id"]
    assert again["session_token"] != victim["session_token"]
    view = httpx.get(f"{service}/v1/sessions/{victim['session_id']}", headers=again["headers"]).json()
    assert view["channel"] == "miniapp" and view["turns"][0]["shopper"] == f"where is my order {ORDER}"
    # the first channel's credential still works: the app stays open while the shopper uses the H5 page
    assert httpx.get(f"{service}/v1/sessions/{victim['session_id']}", headers=victim["headers"]).status_code == 200


# ---------------------------------------------------------------- session credentials

def test_a_foreign_or_guessed_session_id_reveals_nothing(service, victim):
    attacker = open_session(service)  # a real credential, of the attacker's own session
    turns_before = len(httpx.get(f"{service}/v1/sessions/{victim['session_id']}", headers=victim["headers"]).json()["turns"])
    guessed = "s_" + uuid.uuid4().hex
    for headers in (attacker["headers"], {"Authorization": "Bearer x"},
                    {"Authorization": f"Bearer {victim['session_token'][:-1]}"},
                    {"Cookie": f"shop_session={attacker['session_token']}"}):
        answers = []
        for session_id in (victim["session_id"], guessed):
            for response in (httpx.get(f"{service}/v1/sessions/{session_id}", headers=headers),
                             httpx.post(f"{service}/v1/sessions/{session_id}/messages", json={"text": "hi"},
                                        headers=headers),
                             httpx.post(f"{service}/v1/chat", json={"session_id": session_id, "text": "hi"},
                                        headers=headers)):
                assert response.status_code == 404 and response.json()["error"]["code"] == "session_not_found"
                answers.append(response.text)
        assert len(set(answers)) == 1  # the victim's session answers as one that does not exist
    for session_id in (victim["session_id"], guessed):  # no credential at all: 401 whatever the id
        response = httpx.get(f"{service}/v1/sessions/{session_id}")
        assert response.status_code == 401 and response.json()["error"]["code"] == "credential_required"
        assert response.headers["www-authenticate"] == "Bearer"
    after = httpx.get(f"{service}/v1/sessions/{victim['session_id']}", headers=victim["headers"]).json()
    assert len(after["turns"]) == turns_before  # nothing was queued into the victim's conversation


def test_a_foreign_request_id_reveals_nothing(service, victim):
    attacker = open_session(service)
    foreign = httpx.get(f"{service}/v1/requests/{victim['request_id']}", headers=attacker["headers"])
    unknown = httpx.get(f"{service}/v1/requests/r_{uuid.uuid4().hex}", headers=attacker["headers"])
    assert foreign.status_code == unknown.status_code == 404 and foreign.text == unknown.text
    assert httpx.get(f"{service}/v1/requests/{victim['request_id']}").status_code == 401
    own = httpx.get(f"{service}/v1/requests/{victim['request_id']}", headers=victim["headers"])
    assert own.status_code == 200 and own.json()["reply"]["text"] == victim["reply"]


async def test_the_stream_is_refused_without_the_sessions_credential(service, victim):
    attacker = open_session(service)
    base = service.replace("http", "ws") + f"/v1/sessions/{victim['session_id']}/stream"
    for query, code in (("", 4401), (f"?token={attacker['session_token']}", 4404), ("?token=guess", 4404)):
        with pytest.raises(websockets.exceptions.ConnectionClosedError) as closed:
            async with websockets.connect(base + query) as ws:
                await ws.recv()
        assert closed.value.rcvd.code == code
    async with websockets.connect(stream_url(service, victim)) as ws:  # the shopper's own credential
        await ws.send(json.dumps({"text": "thanks"}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "queued"


def test_h5_pages_carry_the_credential_in_an_httponly_samesite_cookie(service):
    with httpx.Client(base_url=service) as page:
        response = page.post("/v1/sessions", json={"channel": "h5"})
        cookie = response.headers["set-cookie"].lower()
        assert f"shop_session={response.json()['session_token'].lower()}" in cookie
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/v1" in cookie
        view = page.get(f"/v1/sessions/{response.json()['session_id']}")  # no header: the cookie alone
        assert view.status_code == 200 and view.json()["shopper_id"] is None


# ---------------------------------------------------------------- rate limits per session and shopper

def test_a_flooded_session_gets_429_with_retry_after_and_other_sessions_do_not(service):
    flooded, other = open_session(service), open_session(service)
    with httpx.Client(base_url=service) as client:
        statuses = [client.get(f"/v1/sessions/{flooded['session_id']}", headers=flooded["headers"]) for _ in range(40)]
        assert client.get(f"/v1/sessions/{other['session_id']}", headers=other["headers"]).status_code == 200
    refused = [r for r in statuses if r.status_code == 429]
    assert refused and all(r.status_code == 200 for r in statuses[:10])
    assert refused[0].json()["error"]["code"] == "rate_limited" and int(refused[0].headers["retry-after"]) >= 1


def test_a_shopper_opening_sessions_in_a_burst_gets_429(service):
    shopper = f"burst-{uuid.uuid4().hex[:8]}"
    statuses = [httpx.post(f"{service}/v1/sessions", json={"shopper_token": services.shopper_token(shopper)}).status_code
                for _ in range(15)]
    # RATE_LIMIT_PER_SHOPPER: 10 a minute (a sliding window: one more may pass on a minute's boundary)
    assert statuses[:10] == [200] * 10 and statuses.count(429) >= 4


async def test_one_script_call_counts_a_scope_as_limits_does_one_limit_at_a_time(redis_url):
    """In Redis a scope's limits are counted by one script call: the same answers, Retry-After included, and the
    same counts in limits' own keys as the `limits` library's hits one limit and one round trip at a time."""
    import math
    import random

    from limits import parse_many
    from limits.aio.storage import RedisStorage
    from limits.aio.strategies import SlidingWindowCounterRateLimiter

    from agent.ratelimits import RateLimited, RateLimits

    settings = {"per_address": "5/second;12/3 seconds", "per_session": "2/second", "per_shopper": ""}
    server = redis_url.rsplit("/", 1)[0]
    ours = RateLimits(f"{server}/5", **settings)
    theirs = SlidingWindowCounterRateLimiter(RedisStorage(f"async+{server}/6", implementation="redispy",
                                                          key_prefix="ratelimit"))
    rules = {"address": parse_many(settings["per_address"]), "session": parse_many(settings["per_session"])}

    async def reference(scope: str, key: str) -> str | int:
        for item in rules[scope]:
            if not await theirs.hit(item, scope, key):
                reset, _ = await theirs.get_window_stats(item, scope, key)
                return max(1, math.ceil(reset - time.time()))
        return "ok"

    async def ours_said(scope: str, key: str) -> str | int:
        try:
            await ours.hit(scope, key)
            return "ok"
        except RateLimited as refused:
            return refused.retry_after

    draw, answers = random.Random(17), []
    started = time.monotonic()
    while time.monotonic() - started < 4:
        scope = draw.choice(["address", "session"])
        answers.append((await ours_said(scope, "k"), await reference(scope, "k")))
        await asyncio.sleep(draw.random() * 0.05)
    # (the two are asked a few ms apart: on a busy machine a window may turn between them, so a few answers
    # at a window's edge may differ; a counting error would differ on many)
    mismatched = [(a, b) for a, b in answers if a != b]
    assert len(mismatched) <= len(answers) // 20, mismatched
    assert {a for a, _ in answers} - {"ok"}  # refusals among them
    await ours.hit("shopper", "k")  # a scope turned off counts nothing
    reader = SlidingWindowCounterRateLimiter(RedisStorage(f"async+{server}/5", implementation="redispy",
                                                          key_prefix="ratelimit"))
    for item in rules["address"]:  # our counts are in limits' keys: a deploy does not restart them
        assert (await reader.get_window_stats(item, "address", "k"))[1] == (await theirs.get_window_stats(
            item, "address", "k"))[1]
    await ours.close()


# ---------------------------------------------------------------- rate limits per address, shipped defaults

@pytest.fixture(scope="module")
def jwks_file(tmp_path_factory):
    return tmp_path_factory.mktemp("jwks") / "shopper-keys.json"


@pytest.fixture(scope="module")
def gateways(redis_url, jwks_file, tmp_path_factory):
    """One embedded gateway (in-process counts) and two gateways sharing Redis, with the shipped per-address
    limit; the embedded one also takes RS256/ES256 tokens from a JWKS file. No workers: only the door is tried."""
    write_jwks(jwks_file, [public_jwk(RSA_OLD, "k-rsa-1")])
    shop = f"sqlite:///{tmp_path_factory.mktemp('limits')}/shop.db"
    limits = {"RATE_LIMIT_PER_ADDRESS": DEFAULTS["rate_limit_per_address"].default, "SHOP_DB_URL": shop}
    with services.service_process({**limits, "REDIS_URL": "", "KAFKA_BOOTSTRAP_SERVERS": "",
                                   "SHOPPER_TOKEN_JWKS": str(jwks_file)}, "gateway") as (embedded, _), \
            services.service_process({**limits, "REDIS_URL": redis_url, "KAFKA_BOOTSTRAP_SERVERS": ""},
                                     "gateway") as (first, _), \
            services.service_process({**limits, "REDIS_URL": redis_url, "KAFKA_BOOTSTRAP_SERVERS": ""},
                                     "gateway") as (second, _):
        yield {"embedded": [embedded], "redis": [first, second]}


def address() -> dict:
    """A client address of its own (uvicorn trusts X-Forwarded-For from 127.0.0.1, as from a load balancer)."""
    return {"X-Forwarded-For": f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"}


async def test_a_burst_gets_429s_and_one_request_a_second_for_a_minute_never_does(gateways):
    async def steady(client: httpx.AsyncClient, urls: list[str]) -> list[int]:
        """A shopper at 1 request/s for 60 s: opens a session, then turns and reads, over every gateway."""
        who = address()
        opened = (await client.post(f"{urls[0]}/v1/sessions", json={"channel": "h5"}, headers=who)).json()
        headers, statuses, start = {**who, "Authorization": f"Bearer {opened['session_token']}"}, [], time.monotonic()
        for i in range(60):
            await asyncio.sleep(max(0.0, start + i + 1 - time.monotonic()))
            url = urls[i % len(urls)]
            if i % 3 == 0:
                response = await client.post(f"{url}/v1/sessions/{opened['session_id']}/messages",
                                             json={"text": "is shipping free"}, headers=headers)
            else:
                response = await client.get(f"{url}/v1/sessions/{opened['session_id']}", headers=headers)
            statuses.append(response.status_code)
        return statuses

    async def burst(client: httpx.AsyncClient, urls: list[str]) -> list[httpx.Response]:
        """300 session opens in 2 s from one address (the issue's 40 a second, and more)."""
        who, start = address(), time.monotonic()

        async def one(i: int) -> httpx.Response:
            await asyncio.sleep(max(0.0, start + i / 150 - time.monotonic()))
            return await client.post(f"{urls[i % len(urls)]}/v1/sessions", json={"channel": "app"}, headers=who)

        return await asyncio.gather(*(one(i) for i in range(300)))

    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=64)) as client:
        steady_runs = [asyncio.create_task(steady(client, urls)) for urls in gateways.values()]
        for urls in gateways.values():
            answers = await burst(client, urls)
            refused = [r for r in answers if r.status_code == 429]
            assert refused and {r.status_code for r in answers} == {200, 429}
            assert all(int(r.headers["retry-after"]) >= 1 and r.json()["error"]["code"] == "rate_limited"
                       for r in refused)
        for run in steady_runs:
            assert set(await run) <= {200, 202}  # never a 429


def test_two_gateways_on_one_redis_count_an_address_together(gateways):
    """60 calls in well under a second, alternating gateways: one shared count lets about 30 through
    (RATE_LIMIT_PER_ADDRESS: 30/second), two separate counts would let all 60 through."""
    who = address()
    with httpx.Client() as client:
        statuses = [client.get(f"{gateways['redis'][i % 2]}/v1/requests/r_x", headers=who).status_code
                    for i in range(60)]
    assert statuses.count(429) >= 15 and set(statuses) == {401, 429}


def test_health_probes_are_never_limited(gateways):
    who = address()
    with httpx.Client() as client:
        assert {client.get(f"{gateways['embedded'][0]}/healthz", headers=who).status_code for _ in range(80)} == {200}


# ---------------------------------------------------------------- keys: JWKS, rotation, algorithms

RSA_OLD, RSA_NEW = (rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2))
EC_KEY = ec.generate_private_key(ec.SECP256R1())
OCT_SECRET = b"an-oct-secret-of-thirty-two-bytes-or-more!"


def public_jwk(private_key, kid: str) -> dict:
    if isinstance(private_key, rsa.RSAPrivateKey):
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    else:
        jwk = jwt.algorithms.ECAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    return {**jwk, "kid": kid, "use": "sig"}


def oct_jwk(kid: str) -> dict:
    return {"kty": "oct", "kid": kid, "k": base64.urlsafe_b64encode(OCT_SECRET).rstrip(b"=").decode()}


def write_jwks(path, keys: list[dict]) -> None:
    path.write_text(json.dumps({"keys": keys}))
    stamp = time.time_ns() + 1_000_000  # a new mtime even on a coarse clock
    os.utime(path, ns=(stamp, stamp))


def signed(private_key, kid: str, shopper: str = VICTIM, **changes) -> str:
    algorithm = "RS256" if isinstance(private_key, rsa.RSAPrivateKey) else "ES256"
    return jwt.encode(claims(shopper, **changes), private_key, algorithm=algorithm, headers={"kid": kid})


def test_rs256_es256_and_hs256_keys_by_kid_and_rotation_without_a_restart(tmp_path):
    path = tmp_path / "keys.json"
    write_jwks(path, [public_jwk(RSA_OLD, "k-rsa-1"), public_jwk(EC_KEY, "k-ec-1"), oct_jwk("k-oct-1")])
    tokens = ShopperTokens(jwks_path=str(path))
    assert tokens.verify(signed(RSA_OLD, "k-rsa-1")) == VICTIM
    assert tokens.verify(signed(EC_KEY, "k-ec-1")) == VICTIM
    assert tokens.verify(jwt.encode(claims(), OCT_SECRET, headers={"kid": "k-oct-1"})) == VICTIM
    old = signed(RSA_OLD, "k-rsa-1")
    write_jwks(path, [public_jwk(RSA_OLD, "k-rsa-1"), public_jwk(RSA_NEW, "k-rsa-2")])  # the new key added
    assert tokens.verify(old) == VICTIM and tokens.verify(signed(RSA_NEW, "k-rsa-2")) == VICTIM
    write_jwks(path, [public_jwk(RSA_NEW, "k-rsa-2")])  # the old one removed once its tokens expired
    with pytest.raises(ShopperTokenRejected):
        tokens.verify(old)
    assert tokens.verify(signed(RSA_NEW, "k-rsa-2")) == VICTIM


def hs256(secret: bytes, header: dict) -> str:
    """Signed by hand: PyJWT itself refuses to sign with a public key as an HMAC secret."""
    signing_input = f"{b64(header)}.{b64(claims())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def test_algorithm_confusion_none_and_unknown_keys_are_refused(tmp_path):
    path = tmp_path / "keys.json"
    write_jwks(path, [public_jwk(RSA_OLD, "k-rsa-1"), public_jwk(EC_KEY, "k-ec-1")])
    tokens = ShopperTokens(secret=services.SHOPPER_TOKEN_SECRET, jwks_path=str(path))
    public_pem = RSA_OLD.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    for forged in (
        hs256(public_pem, {"alg": "HS256", "kid": "k-rsa-1"}),  # the public key used as an HMAC secret
        f"{b64({'alg': 'none', 'kid': 'k-rsa-1'})}.{b64(claims())}.",
        f"{b64({'alg': 'none'})}.{b64(claims())}.",
        signed(EC_KEY, "k-rsa-1"),  # an ES256 token naming the RSA key
        signed(RSA_NEW, "k-rsa-9"),  # a key the service does not know
        signed(RSA_NEW, "k-rsa-1"),  # a key the attacker made, naming a real kid
        jwt.encode({k: v for k, v in claims().items() if k != "sub"}, services.SHOPPER_TOKEN_SECRET),
        jwt.encode({k: v for k, v in claims().items() if k != "iat"}, services.SHOPPER_TOKEN_SECRET),
        jwt.encode({k: v for k, v in claims().items() if k != "aud"}, services.SHOPPER_TOKEN_SECRET),
    ):
        with pytest.raises(ShopperTokenRejected):
            tokens.verify(forged)
    with pytest.raises(ShopperTokenRejected):  # no shared secret configured: a token without kid is nobody's
        ShopperTokens(jwks_path=str(path)).verify(mint_shopper_token(VICTIM, services.SHOPPER_TOKEN_SECRET))
    with pytest.raises(ValueError):
        ShopperTokens(secret="too-short")
    write_jwks(path, [{**public_jwk(ec.generate_private_key(ec.SECP384R1()), "k-ec-384")}])
    with pytest.raises(ValueError):  # ES384 is not one of the algorithms taken: the start fails
        ShopperTokens(jwks_path=str(path))


def test_a_jwks_key_opens_a_proven_session_over_http_until_it_is_removed(gateways, jwks_file):
    url, who = gateways["embedded"][0], address()
    shopper = f"rs256-{uuid.uuid4().hex[:8]}"
    opened = httpx.post(f"{url}/v1/sessions", json={"shopper_token": signed(RSA_OLD, "k-rsa-1", shopper)}, headers=who)
    assert opened.status_code == 200, opened.text
    view = httpx.get(f"{url}/v1/sessions/{opened.json()['session_id']}",
                     headers={**who, "Authorization": f"Bearer {opened.json()['session_token']}"}).json()
    assert view["shopper_id"] == shopper
    old = signed(RSA_OLD, "k-rsa-1", shopper)
    write_jwks(jwks_file, [public_jwk(RSA_NEW, "k-rsa-2")])
    try:
        refused = httpx.post(f"{url}/v1/sessions", json={"shopper_token": old}, headers=who)
        assert refused.status_code == 401 and refused.json() == REFUSED
        resumed = httpx.post(f"{url}/v1/sessions", json={"shopper_token": signed(RSA_NEW, "k-rsa-2", shopper)},
                             headers=who).json()
        assert resumed["resumed"] and resumed["session_id"] == opened.json()["session_id"]
    finally:
        write_jwks(jwks_file, [public_jwk(RSA_OLD, "k-rsa-1")])
