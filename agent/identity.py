"""Who the shopper is: a short-lived JWT (`shopper_token`) that the shop's app backend signs for its
logged-in shopper. A valid one names the shopper (`sub`) and proves them; nothing else does at the API.

Keys: an HS256 shared secret (SHOPPER_TOKEN_SECRET; tokens may omit `kid`) and/or a JWKS file
(SHOPPER_TOKEN_JWKS: RSA → RS256, EC P-256 → ES256 public keys, `oct` → HS256 secrets), each key named
by its `kid`. Several keys at once make rotation possible: add the new key, sign with it, remove the
old one once its tokens have expired; the file is read again when it changes, without a restart.

A token is refused unless its algorithm is its key's (so never `none`, and never an RSA public key used
as an HMAC secret), its `kid` is known, and `exp`, `iat`, `sub` and `aud` are present and right, with
SHOPPER_TOKEN_LEEWAY_SECONDS of clock skew allowed either way.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import jwt

# the only algorithms taken, each bound to the one key type that may sign with it
ALGORITHMS = {"HS256", "RS256", "ES256"}
MIN_SECRET_BYTES = 32  # RFC 7518 §3.2: an HS256 key at least as long as the hash


class ShopperTokenRejected(Exception):
    """The token proves nothing; the reason is for the log, never for the caller."""


class ShopperTokens:
    def __init__(self, secret: str = "", jwks_path: str = "", audience: str = "shop-assistant",
                 leeway_seconds: float = 30) -> None:
        if secret and len(secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"SHOPPER_TOKEN_SECRET must be at least {MIN_SECRET_BYTES} bytes")
        self.secret, self.audience, self.leeway = secret, audience, leeway_seconds
        self.jwks_path = Path(jwks_path).expanduser() if jwks_path else None
        self._jwks_stamp: float | None = None
        self._jwks: dict[str, jwt.PyJWK] = {}
        if self.jwks_path:
            self._keys_from_file()  # a broken file stops the start, not the first shopper

    @property
    def enabled(self) -> bool:
        return bool(self.secret or self.jwks_path)

    def verify(self, token: str) -> str:
        """The shopper id the token proves, or ShopperTokenRejected."""
        try:
            header = jwt.get_unverified_header(token)
            key, algorithm = self._key_for(header.get("kid"))
            if header.get("alg") != algorithm:
                raise ShopperTokenRejected(f"algorithm {header.get('alg')!r} is not its key's")
            claims = jwt.decode(token, key, algorithms=[algorithm], audience=self.audience, leeway=self.leeway,
                                options={"require": ["exp", "iat", "sub", "aud"],
                                         "enforce_minimum_key_length": True})
        except jwt.PyJWTError as exc:
            raise ShopperTokenRejected(f"{type(exc).__name__}: {exc}") from exc
        shopper_id = claims["sub"]
        if not shopper_id or len(shopper_id) > 128:
            raise ShopperTokenRejected("sub is empty or too long")
        return shopper_id

    def _key_for(self, kid: object):
        if kid is None:
            if not self.secret:
                raise ShopperTokenRejected("no kid, and no shared secret configured")
            return self.secret, "HS256"
        jwk = self._keys_from_file().get(kid) if isinstance(kid, str) else None
        if jwk is None:
            raise ShopperTokenRejected(f"unknown kid {kid!r}")
        return jwk, jwk.algorithm_name

    def _keys_from_file(self) -> dict[str, jwt.PyJWK]:
        if self.jwks_path is None:
            return {}
        stamp = os.stat(self.jwks_path).st_mtime_ns
        if stamp != self._jwks_stamp:
            keys = {}
            for entry in json.loads(self.jwks_path.read_text())["keys"]:
                if entry.get("use", "sig") != "sig" or "kid" not in entry:
                    continue
                jwk = jwt.PyJWK(entry)
                if jwk.algorithm_name not in ALGORITHMS:
                    raise ValueError(f"{self.jwks_path}: key {entry['kid']} signs with {jwk.algorithm_name}; "
                                     f"only {sorted(ALGORITHMS)} are taken")
                keys[entry["kid"]] = jwk
            self._jwks, self._jwks_stamp = keys, stamp
        return self._jwks


def mint_shopper_token(shopper_id: str, key, audience: str = "shop-assistant", ttl_seconds: int = 300,
                       algorithm: str = "HS256", kid: str | None = None) -> str:
    """What the shop's app backend does for its logged-in shopper (README: "Shopper identity"); here for
    `python serve.py mint-token` and the tests."""
    now = int(time.time())
    claims = {"sub": shopper_id, "aud": audience, "iat": now, "exp": now + ttl_seconds}
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid} if kid else None)
