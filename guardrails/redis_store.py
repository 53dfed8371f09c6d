"""The production policy store: Redis, shared by the gateway and every worker.

Keys under one namespace (default "guardrails"):
  {ns}:revision          store-wide change counter (the engines' "version")
  {ns}:current           hash policy_id → JSON of its current version
  {ns}:history:{id}      list of JSON versions, oldest first
  {ns}:audit             list of JSON audit entries, oldest first
  {ns}:changed           pub/sub channel; the message is the new revision
A Lua script commits a version atomically, so two editors publishing at once cannot both become v5.
Workers also poll the revision now and then, so a notice missed during a reconnect is still seen.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable

import redis

from guardrails.store import AuditEntry, OnChange, PolicyConflict, PolicyStore, PolicyVersion, Snapshot

log = logging.getLogger(__name__)

_COMMIT = """
local latest = redis.call('LLEN', KEYS[2])
if latest + 1 ~= tonumber(ARGV[2]) then return -1 end
local revision = redis.call('INCR', KEYS[3])
local record = cjson.decode(ARGV[3])
record['revision'] = revision
local entry = cjson.decode(ARGV[4])
entry['revision'] = revision
local encoded = cjson.encode(record)
redis.call('RPUSH', KEYS[2], encoded)
redis.call('HSET', KEYS[1], ARGV[1], encoded)
redis.call('RPUSH', KEYS[4], cjson.encode(entry))
redis.call('PUBLISH', ARGV[5], revision)
return revision
"""
POLL_SECONDS = 5.0  # safety net behind pub/sub


class RedisPolicyStore(PolicyStore):
    def __init__(self, redis_url: str, namespace: str = "guardrails", policy_dir: str | Path | None = None):
        self._redis = redis.Redis.from_url(redis_url, decode_responses=True)
        self._ns = namespace
        self._channel = f"{namespace}:changed"
        self._commit_script = self._redis.register_script(_COMMIT)
        if policy_dir and not self._redis.exists(self._key("revision")):
            self.seed(policy_dir)

    def _key(self, name: str) -> str:
        return f"{self._ns}:{name}"

    def ping(self) -> None:
        self._redis.ping()

    def revision(self) -> int:
        return int(self._redis.get(self._key("revision")) or 0)

    def snapshot(self) -> Snapshot:
        with self._redis.pipeline(transaction=True) as pipe:  # one consistent read of both keys
            revision, current = pipe.get(self._key("revision")).hgetall(self._key("current")).execute()
        return Snapshot(int(revision or 0), {pid: json.loads(raw)["yaml"] for pid, raw in current.items()})

    def history(self, policy_id: str) -> list[PolicyVersion]:
        return [PolicyVersion(**json.loads(raw)) for raw in self._redis.lrange(self._key(f"history:{policy_id}"), 0, -1)]

    def audit(self, policy_id: str | None = None, limit: int = 100) -> list[AuditEntry]:
        entries: list[AuditEntry] = []
        end = -1
        while len(entries) < limit:  # read backwards in pages until enough entries match
            page = self._redis.lrange(self._key("audit"), end - 199, end)
            if not page:
                break
            for raw in reversed(page):
                entry = AuditEntry(**json.loads(raw))
                if policy_id in (None, entry.policy_id):
                    entries.append(entry)
            end -= 200
        return entries[:limit]

    def _commit(self, record: PolicyVersion, entry: AuditEntry) -> PolicyVersion:
        keys = [self._key("current"), self._key(f"history:{record.policy_id}"), self._key("revision"),
                self._key("audit")]
        args = [record.policy_id, record.version, json.dumps(asdict(record), ensure_ascii=False),
                json.dumps(asdict(entry), ensure_ascii=False), self._channel]
        revision = self._commit_script(keys=keys, args=args)
        if revision == -1:
            raise PolicyConflict(record.policy_id)
        return PolicyVersion(**{**asdict(record), "revision": int(revision)})

    def watch(self, on_change: OnChange) -> Callable[[], None]:
        stop = threading.Event()

        def listen() -> None:
            while not stop.is_set():
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                try:
                    pubsub.subscribe(self._channel)
                    on_change(self.revision())  # catch up on anything published while not listening
                    polled = time.monotonic()
                    while not stop.is_set():
                        message = pubsub.get_message(timeout=0.5)
                        if message:
                            on_change(int(message["data"]))
                        elif time.monotonic() - polled > POLL_SECONDS:
                            on_change(self.revision())
                            polled = time.monotonic()
                # ValueError: redis-py reading a socket a restarted server closed under it; the watch must outlive it
                except (redis.RedisError, ValueError) as exc:
                    log.warning("policy watch lost Redis (%s); retrying", exc)
                    stop.wait(1.0)
                finally:
                    pubsub.close()

        thread = threading.Thread(target=listen, name="guardrails-policy-watch", daemon=True)
        thread.start()

        def stop_watching() -> None:
            stop.set()
            thread.join(timeout=3)

        return stop_watching

    def close(self) -> None:
        self._redis.close()
