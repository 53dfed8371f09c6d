"""Where published policies live: every version kept, every change audited (who, when, the diff),
any earlier version restorable, running engines told at once.

One small interface with two backends, chosen by configuration like the rest of the house:
EmbeddedPolicyStore (in-process, optionally journalled to a file) and RedisPolicyStore
(guardrails/redis_store.py, shared by every worker). Both pass the same tests.
"""
from __future__ import annotations

import difflib
import json
import threading
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from guardrails.policy_files import PolicyError, PolicyInvalid, parse_policy, read_policy_dir

OnChange = Callable[[int], None]  # called with the store's new revision


@dataclass(frozen=True)
class PolicyVersion:
    policy_id: str
    version: int  # 1, 2, … per policy
    yaml: str
    author: str
    at: str  # ISO-8601, UTC
    comment: str
    revision: int  # the store-wide change counter this version was published at


@dataclass(frozen=True)
class AuditEntry:
    revision: int
    policy_id: str
    version: int
    action: str  # seed | publish | rollback
    author: str
    at: str
    comment: str
    diff: str  # unified diff against the version it replaced
    actor: str = ""  # the admin-API token that made the change, "name (role)"; "" for seeds and older entries


@dataclass(frozen=True)
class Snapshot:
    revision: int
    policies: dict[str, str]  # policy_id → YAML text of its current version


class PolicyConflict(RuntimeError):
    """Someone else published the same policy in between; the caller retries on fresh data."""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def diff(policy_id: str, old: PolicyVersion | None, new_yaml: str) -> str:
    before = old.yaml.splitlines(keepends=True) if old else []
    return "".join(difflib.unified_diff(before, new_yaml.splitlines(keepends=True),
                                        fromfile=f"{policy_id} v{old.version if old else 0}",
                                        tofile=f"{policy_id} v{(old.version if old else 0) + 1}"))


class PolicyStore(ABC):
    # ---- what a backend provides --------------------------------------------------------------
    @abstractmethod
    def snapshot(self) -> Snapshot: ...

    @abstractmethod
    def history(self, policy_id: str) -> list[PolicyVersion]: ...

    @abstractmethod
    def audit(self, policy_id: str | None = None, limit: int = 100) -> list[AuditEntry]:
        """Newest first."""

    @abstractmethod
    def _commit(self, record: PolicyVersion, entry: AuditEntry) -> PolicyVersion:
        """Store the version and its audit entry atomically, assigning the revision; raise
        PolicyConflict unless record.version is exactly one past the stored latest."""

    @abstractmethod
    def watch(self, on_change: OnChange) -> Callable[[], None]:
        """Call on_change(revision) after every commit, from any process; returns a stop function."""

    def ping(self) -> None:
        """Raises unless the store answers (readiness); an in-process store always does."""

    def close(self) -> None:
        pass

    # ---- shared behaviour ----------------------------------------------------------------------
    def read(self, policy_id: str, version: int | None = None) -> PolicyVersion | None:
        versions = self.history(policy_id)
        if version is None:
            return versions[-1] if versions else None
        return next((v for v in versions if v.version == version), None)

    def validate(self, policy_id: str, yaml_text: str) -> list[PolicyError]:
        try:
            parse_policy(yaml_text, policy_id, expected_id=policy_id)
        except PolicyInvalid as exc:
            return exc.errors
        return []

    def publish(self, policy_id: str, yaml_text: str, author: str, comment: str = "",
                action: str = "publish", actor: str = "") -> PolicyVersion:
        """Validate and store a new version; PolicyInvalid (with line numbers) if it is broken."""
        parse_policy(yaml_text, policy_id, expected_id=policy_id)
        for _ in range(5):
            current = self.read(policy_id)
            if current and current.yaml == yaml_text:
                return current  # nothing changed: no new version, nothing to audit
            at = now()
            record = PolicyVersion(policy_id, (current.version if current else 0) + 1, yaml_text, author, at,
                                   comment, 0)
            entry = AuditEntry(0, policy_id, record.version, action, author, at, comment,
                               diff(policy_id, current, yaml_text), actor)
            try:
                return self._commit(record, entry)
            except PolicyConflict:
                continue
        raise PolicyConflict(f"{policy_id} kept changing while publishing; try again")

    def rollback(self, policy_id: str, version: int, author: str, comment: str = "",
                 actor: str = "") -> PolicyVersion:
        """Restore an earlier version by publishing its text again, so the history stays linear."""
        old = self.read(policy_id, version)
        if old is None:
            raise KeyError(f"{policy_id} has no version {version}")
        return self.publish(policy_id, old.yaml, author, comment or f"rollback to v{version}", action="rollback",
                            actor=actor)

    def seed(self, policy_dir: str | Path, author: str = "seed") -> None:
        """Load the files prompt engineers keep in git, once, into an empty store."""
        for policy_id, text in read_policy_dir(policy_dir).items():
            if self.read(policy_id) is None:
                try:
                    self.publish(policy_id, text, author, f"seeded from {policy_id}.yaml", action="seed")
                except PolicyConflict:
                    pass  # another worker seeded it first


class EmbeddedPolicyStore(PolicyStore):
    """In-process store for one-process deployments and tests; a journal file keeps it across restarts."""

    def __init__(self, policy_dir: str | Path | None = None, journal: str | Path | None = None):
        self._lock = threading.RLock()
        self._versions: dict[str, list[PolicyVersion]] = {}
        self._audit: list[AuditEntry] = []
        self._revision = 0
        self._watchers: list[OnChange] = []
        self._journal = Path(journal) if journal else None
        if self._journal and self._journal.exists():
            for line in self._journal.read_text(encoding="utf-8").splitlines():
                item = json.loads(line)
                self._apply(PolicyVersion(**item["version"]), AuditEntry(**item["audit"]))
        if policy_dir:
            self.seed(policy_dir)

    def _apply(self, record: PolicyVersion, entry: AuditEntry) -> None:
        self._versions.setdefault(record.policy_id, []).append(record)
        self._audit.append(entry)
        self._revision = max(self._revision, record.revision)

    def snapshot(self) -> Snapshot:
        with self._lock:
            return Snapshot(self._revision, {pid: vs[-1].yaml for pid, vs in self._versions.items()})

    def history(self, policy_id: str) -> list[PolicyVersion]:
        with self._lock:
            return list(self._versions.get(policy_id, []))

    def audit(self, policy_id: str | None = None, limit: int = 100) -> list[AuditEntry]:
        with self._lock:
            entries = [e for e in reversed(self._audit) if policy_id in (None, e.policy_id)]
        return entries[:limit]

    def _commit(self, record: PolicyVersion, entry: AuditEntry) -> PolicyVersion:
        with self._lock:
            if record.version != len(self._versions.get(record.policy_id, [])) + 1:
                raise PolicyConflict(record.policy_id)
            revision = self._revision + 1
            record = PolicyVersion(**{**asdict(record), "revision": revision})
            entry = AuditEntry(**{**asdict(entry), "revision": revision})
            if self._journal:
                with self._journal.open("a", encoding="utf-8") as f:
                    f.write(json.dumps({"version": asdict(record), "audit": asdict(entry)}, ensure_ascii=False) + "\n")
            self._apply(record, entry)
            watchers = list(self._watchers)
        for on_change in watchers:
            on_change(revision)
        return record

    def watch(self, on_change: OnChange) -> Callable[[], None]:
        with self._lock:
            self._watchers.append(on_change)
        return lambda: self._watchers.remove(on_change) if on_change in self._watchers else None
