"""SessionStore: shoppers' live sessions, turn records and uploaded media.

One small interface, two backends chosen by REDIS_URL: an in-process store (embedded default) and
Redis (production). Both keep the same TTL semantics, so the same tests run against each.

Redis layout:
  session:{id}        JSON of the Session, sliding TTL (SESSION_TTL_SECONDS)
  session-known:{id}  shopper id + channel, kept longer, so an expired session restarts politely
  shopper:{sid}       the shopper's live session id, same TTL as the session (signed shoppers only)
  session-credentials:{id}  SHA-256 digests of the session's credentials (newest first), kept as long
                      as session-known: an expired session restarts for whoever holds its credential
  request:{id}        JSON of the RequestResult (status, reply), REQUEST_TTL_SECONDS
  media:{key}         an uploaded voice note or photo, MEDIA_TTL_SECONDS
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from typing import Any, Protocol

from pydantic import BaseModel, Field

from agent.api import Channel, RequestResult


class Session(BaseModel):
    session_id: str
    shopper_id: str | None = None
    channel: Channel = "app"
    created_at: float = Field(default_factory=time.time)
    context: dict[str, Any] = Field(default_factory=dict)  # the dialogue state the graph carries
    turns: list[dict[str, Any]] = Field(default_factory=list)  # recent turns, oldest first
    restarted: bool = False  # the previous session with this id expired; say so once


def new_session_id() -> str:
    return "s_" + uuid.uuid4().hex


CREDENTIALS_KEPT = 8  # a credential per channel the shopper opened the session from; older ones lapse


def credential_digest(token: str) -> str:
    """Credentials are 256 random bits: a plain hash is enough to keep a stolen store from replaying them."""
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore(Protocol):
    async def open(self, shopper_id: str | None, channel: Channel) -> tuple[Session, bool]:
        """For a shopper proven by a signed token: their live session (resumed=True, channel switched) or a
        new one, the shopper proven in it. For None: a new guest session."""

    async def issue_credential(self, session_id: str) -> str:
        """A new bearer credential for the session; only its digest is stored."""

    async def check_credential(self, session_id: str, token: str | None) -> bool:
        """Whether the token is one of the session's credentials."""

    async def get(self, session_id: str) -> Session | None:
        """A live session, its TTL refreshed; for an expired one a fresh session flagged restarted."""

    async def authorized(self, session_id: str, token: str | None) -> Session | None:
        """`get` for a holder of one of the session's credentials; None for anyone else (nothing is read or
        refreshed for them)."""

    async def start_turn(self, record: RequestResult) -> Session | None:
        """Stores a turn's record (running) and reads its session as `get` does."""

    async def save(self, session: Session) -> None: ...

    async def put_request(self, record: RequestResult, only_new: bool = False) -> bool:
        """Store a turn's record; with only_new, False when the request id already exists."""

    async def get_request(self, request_id: str) -> RequestResult | None: ...

    async def delete_request(self, request_id: str) -> None: ...

    async def finish_turn(self, session: Session, record: RequestResult) -> None:
        """Store the session and the turn's result together, keeping the history entries the store gained while
        the turn ran (add_to_history)."""

    async def add_to_history(self, session_id: str, entry: dict[str, Any], keep: int) -> bool:
        """Append an entry to a live session's recent history (a person's message at the desk), keeping the
        newest `keep`, in one step; False when the session has expired."""

    async def put_media(self, key: str, data: bytes) -> None: ...

    async def get_media(self, key: str) -> bytes | None: ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


class _Expiring:
    """A dict whose entries vanish after their TTL, as Redis keys do."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[float, Any]] = {}

    def get(self, key: str) -> Any:
        entry = self._data.get(key)
        if entry is None or entry[0] <= time.monotonic():
            self._data.pop(key, None)
            return None
        return entry[1]

    def set(self, key: str, value: Any, ttl: float) -> None:
        self._data[key] = (time.monotonic() + ttl, value)
        if len(self._data) % 1024 == 0:  # sweep now and then so the process does not grow
            now = time.monotonic()
            self._data = {k: v for k, v in self._data.items() if v[0] > now}

    def pop(self, key: str) -> None:
        self._data.pop(key, None)


def _added_meanwhile(written: list[dict], stored: list[dict]) -> list[dict]:
    """The history entries the store gained while a turn ran: those after the newest entry that the turn's history
    (what it read, cut to RECENT_TURNS ≥ 2, and its own) shares with the store's; all of them when they share none.
    Entries are told apart by value: a turn's holds its request id, a person's message its feed `seq`."""
    for i in range(len(stored) - 1, -1, -1):
        if stored[i] in written:
            return stored[i + 1:]
    return stored


class _SessionLogic:
    """What both backends share: how sessions open, resume and restart, and how their history grows."""

    ttl: int
    tombstone_ttl: int

    async def _load(self, session_id: str) -> Session | None: ...
    async def _live_for_shopper(self, shopper_id: str) -> str | None: ...
    async def _known(self, session_id: str) -> dict | None: ...
    async def _add_credential(self, session_id: str, digest: str) -> None: ...
    async def _credentials(self, session_id: str) -> list[str]: ...

    async def _change(self, session_id: str, change, record: RequestResult | None = None) -> Session | None:
        """Reads the session (None when expired), and writes what `change` makes of it (unless None) and the record,
        in one step: another writer's change in between is never lost."""

    async def open(self, shopper_id: str | None, channel: Channel) -> tuple[Session, bool]:
        # shopper_id is only ever a signed shopper's: it counts as proven, under the same context key
        # the chat's proof (e-mail, or name + zip) sets, so the flows ask for nothing more
        if shopper_id:
            live_id = await self._live_for_shopper(shopper_id)
            session = await self._load(live_id) if live_id else None
            if session is not None and session.context.get("user_id", shopper_id) == shopper_id:
                session.channel = channel
                session.context["user_id"] = shopper_id  # a restarted session is proven again
                await self.save(session)
                return session, True
        session = Session(session_id=new_session_id(), shopper_id=shopper_id, channel=channel,
                          context={"user_id": shopper_id} if shopper_id else {})
        await self.save(session)
        return session, False

    async def issue_credential(self, session_id: str) -> str:
        token = secrets.token_urlsafe(32)
        await self._add_credential(session_id, credential_digest(token))
        return token

    async def check_credential(self, session_id: str, token: str | None) -> bool:
        if not token:
            return False
        digest = credential_digest(token)
        return any(hmac.compare_digest(digest, known) for known in await self._credentials(session_id))

    async def get(self, session_id: str) -> Session | None:
        session = await self._load(session_id)
        if session is not None:
            return session
        return _restarted(session_id, await self._known(session_id))

    async def authorized(self, session_id: str, token: str | None) -> Session | None:
        return await self.get(session_id) if await self.check_credential(session_id, token) else None

    async def start_turn(self, record: RequestResult) -> Session | None:
        await self.put_request(record)
        return await self.get(record.session_id)

    async def finish_turn(self, session: Session, record: RequestResult) -> None:
        turns = session.turns

        def finished(stored: Session | None) -> Session:
            # a person at the desk may have written while the turn ran: the turn's history goes first
            session.turns = [*turns, *_added_meanwhile(turns, stored.turns if stored else [])]
            return session

        await self._change(session.session_id, finished, record)

    async def add_to_history(self, session_id: str, entry: dict[str, Any], keep: int) -> bool:
        def added(stored: Session | None) -> Session | None:
            if stored is not None:
                stored.turns = [*stored.turns, entry][-keep:]
            return stored

        return await self._change(session_id, added) is not None


def _restarted(session_id: str, known: dict | None) -> Session | None:
    """What is left of an expired session (its shopper and channel), to start again politely; None if unknown."""
    return Session(session_id=session_id, restarted=True, **known) if known is not None else None


class MemorySessionStore(_SessionLogic):
    def __init__(self, ttl: int = 900, tombstone_ttl: int = 86_400, request_ttl: int = 86_400,
                 media_ttl: int = 3600) -> None:
        self.ttl, self.tombstone_ttl, self.request_ttl, self.media_ttl = ttl, tombstone_ttl, request_ttl, media_ttl
        self._sessions, self._requests, self._media = _Expiring(), _Expiring(), _Expiring()

    async def _load(self, session_id):
        raw = self._sessions.get(f"session:{session_id}")
        if raw is None:
            return None
        self._sessions.set(f"session:{session_id}", raw, self.ttl)  # sliding TTL
        return Session.model_validate_json(raw)

    async def _live_for_shopper(self, shopper_id):
        return self._sessions.get(f"shopper:{shopper_id}")

    async def _known(self, session_id):
        return self._sessions.get(f"session-known:{session_id}")

    async def _add_credential(self, session_id, digest):
        kept = [digest, *await self._credentials(session_id)][:CREDENTIALS_KEPT]
        self._sessions.set(f"session-credentials:{session_id}", kept, self.tombstone_ttl)

    async def _credentials(self, session_id):
        return self._sessions.get(f"session-credentials:{session_id}") or []

    async def save(self, session):
        session.restarted = False
        self._sessions.set(f"session:{session.session_id}", session.model_dump_json(), self.ttl)
        self._sessions.set(f"session-known:{session.session_id}",
                           {"shopper_id": session.shopper_id, "channel": session.channel}, self.tombstone_ttl)
        if credentials := self._sessions.get(f"session-credentials:{session.session_id}"):
            self._sessions.set(f"session-credentials:{session.session_id}", credentials, self.tombstone_ttl)
        if session.shopper_id:
            self._sessions.set(f"shopper:{session.shopper_id}", session.session_id, self.ttl)

    async def put_request(self, record, only_new=False):
        if only_new and self._requests.get(record.request_id) is not None:
            return False
        self._requests.set(record.request_id, record.model_dump_json(), self.request_ttl)
        return True

    async def get_request(self, request_id):
        raw = self._requests.get(request_id)
        return RequestResult.model_validate_json(raw) if raw else None

    async def delete_request(self, request_id):
        self._requests.pop(request_id)

    async def _change(self, session_id, change, record=None):
        # nothing here waits: no other task of the process runs between the read and the writes
        raw = self._sessions.get(f"session:{session_id}")
        session = change(Session.model_validate_json(raw) if raw else None)
        if session is not None:
            await self.save(session)
        if record is not None:
            await self.put_request(record)
        return session

    async def put_media(self, key, data):
        self._media.set(key, data, self.media_ttl)

    async def get_media(self, key):
        return self._media.get(key)

    async def ping(self):
        return None

    async def close(self):
        return None


# check_credential and get in one round trip: the session is read (and its TTL slid) only for a holder of one
# of its credentials. The digests are compared in Redis, not in constant time: what leaks is how much of a
# stored SHA-256 digest a guess's digest shares, which brings no closer a token that hashes to it.
_AUTHORIZED = """
for _, known in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
    if known == ARGV[1] then
        local session = redis.call('GETEX', KEYS[2], 'EX', ARGV[2])
        if session then
            return {1, session}
        end
        return {0, redis.call('GET', KEYS[3])}
    end
end
return false
"""


class RedisSessionStore(_SessionLogic):
    def __init__(self, url: str, ttl: int = 900, tombstone_ttl: int = 86_400, request_ttl: int = 86_400,
                 media_ttl: int = 3600) -> None:
        import redis.asyncio as redis

        self.redis = redis.from_url(url)
        self.ttl, self.tombstone_ttl, self.request_ttl, self.media_ttl = ttl, tombstone_ttl, request_ttl, media_ttl
        self._authorized = self.redis.register_script(_AUTHORIZED)

    async def _load(self, session_id):
        raw = await self.redis.getex(f"session:{session_id}", ex=self.ttl)  # read and slide the TTL
        return Session.model_validate_json(raw) if raw else None

    @staticmethod
    def _read(session_id: str, live: bytes | None, known: bytes | None) -> Session | None:
        import json

        if live:
            return Session.model_validate_json(live)
        return _restarted(session_id, json.loads(known) if known else None)

    async def authorized(self, session_id, token):
        if not token:
            return None
        found = await self._authorized(keys=[f"session-credentials:{session_id}", f"session:{session_id}",
                                             f"session-known:{session_id}"], args=[credential_digest(token), self.ttl])
        if not found:
            return None
        live, raw = found
        return self._read(session_id, raw if live else None, None if live else raw)

    async def start_turn(self, record):
        session_id = record.session_id
        async with self.redis.pipeline(transaction=True) as pipe:  # one round trip
            pipe.set(f"request:{record.request_id}", record.model_dump_json(), ex=self.request_ttl)
            pipe.getex(f"session:{session_id}", ex=self.ttl)
            pipe.get(f"session-known:{session_id}")
            _, live, known = await pipe.execute()
        return self._read(session_id, live, known)

    async def _live_for_shopper(self, shopper_id):
        raw = await self.redis.get(f"shopper:{shopper_id}")
        return raw.decode() if raw else None

    async def _known(self, session_id):
        import json

        raw = await self.redis.get(f"session-known:{session_id}")
        return json.loads(raw) if raw else None

    async def _add_credential(self, session_id, digest):
        key = f"session-credentials:{session_id}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.lpush(key, digest)
            pipe.ltrim(key, 0, CREDENTIALS_KEPT - 1)
            pipe.expire(key, self.tombstone_ttl)
            await pipe.execute()

    async def _credentials(self, session_id):
        return [d.decode() for d in await self.redis.lrange(f"session-credentials:{session_id}", 0, -1)]

    def _save_into(self, pipe, session: Session) -> None:
        import json

        session.restarted = False
        pipe.set(f"session:{session.session_id}", session.model_dump_json(), ex=self.ttl)
        pipe.set(f"session-known:{session.session_id}",
                 json.dumps({"shopper_id": session.shopper_id, "channel": session.channel}), ex=self.tombstone_ttl)
        pipe.expire(f"session-credentials:{session.session_id}", self.tombstone_ttl)
        if session.shopper_id:
            pipe.set(f"shopper:{session.shopper_id}", session.session_id, ex=self.ttl)

    async def save(self, session):
        async with self.redis.pipeline(transaction=True) as pipe:
            self._save_into(pipe, session)
            await pipe.execute()

    async def put_request(self, record, only_new=False):
        done = await self.redis.set(f"request:{record.request_id}", record.model_dump_json(),
                                    ex=self.request_ttl, nx=only_new)
        return bool(done)

    async def get_request(self, request_id):
        raw = await self.redis.get(f"request:{request_id}")
        return RequestResult.model_validate_json(raw) if raw else None

    async def delete_request(self, request_id):
        await self.redis.delete(f"request:{request_id}")

    async def _change(self, session_id, change, record=None):
        from redis.exceptions import WatchError

        while True:  # WATCH, then MULTI/EXEC: all or nothing, and again if the session changed since the read
            async with self.redis.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(f"session:{session_id}")
                    raw = await pipe.get(f"session:{session_id}")
                    session = change(Session.model_validate_json(raw) if raw else None)
                    pipe.multi()
                    if session is not None:
                        self._save_into(pipe, session)
                    if record is not None:
                        pipe.set(f"request:{record.request_id}", record.model_dump_json(), ex=self.request_ttl)
                    await pipe.execute()
                    return session
                except WatchError:
                    continue

    async def put_media(self, key, data):
        await self.redis.set(f"media:{key}", data, ex=self.media_ttl)

    async def get_media(self, key):
        return await self.redis.get(f"media:{key}")

    async def ping(self):
        await self.redis.ping()

    async def close(self):
        await self.redis.aclose()
