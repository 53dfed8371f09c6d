"""The rails a running process holds: the current compiled policies, swapped in place whenever the
store publishes a new revision, so a worker picks up a change without a restart."""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from guardrails.engine import PolicySet, Verdict, compile_policies
from guardrails.policy_files import PolicyInvalid
from guardrails.store import EmbeddedPolicyStore, PolicyStore

log = logging.getLogger(__name__)


class Guardrails:
    def __init__(self, store: PolicyStore, watch: bool = True, owns_store: bool = False):
        self.store, self._owns_store = store, owns_store
        self._reloading = threading.Lock()
        snapshot = store.snapshot()
        self._policies = compile_policies(snapshot.policies, snapshot.revision)
        self._revision = snapshot.revision
        self._stop_watching = store.watch(self._on_change) if watch else None

    @property
    def policies(self) -> PolicySet:
        return self._policies

    @property
    def version(self) -> str:
        return self._policies.version

    def _on_change(self, revision: int) -> None:
        if revision != self._revision:
            self.reload()

    def reload(self) -> None:
        with self._reloading:
            snapshot = self.store.snapshot()
            if snapshot.revision == self._revision:
                return
            try:
                # compiled aside and swapped in one assignment: a turn in flight keeps the set it started with
                self._policies = compile_policies(snapshot.policies, snapshot.revision)
            except PolicyInvalid as exc:  # the store validates on publish; this guards hand-edited stores
                log.error("policy revision %s rejected, keeping %s:\n%s", snapshot.revision, self.version, exc)
            self._revision = snapshot.revision

    def check_input(self, text: str, language: str = "en") -> Verdict:
        return self._policies.check_input(text, language)

    def check_output(self, text: str, language: str = "en", facts: dict | None = None, by_llm: bool = False) -> Verdict:
        return self._policies.check_output(text, language, facts, by_llm)

    def mask_pii(self, text: str, vault: dict | None = None, purpose: str | None = None) -> tuple[str, dict]:
        return self._policies.mask_pii(text, vault, purpose)

    def unmask(self, text: str, vault: dict) -> str:
        return self._policies.unmask(text, vault)

    def system_prompt(self, language: str) -> str:
        return self._policies.system_prompt(language)

    def close(self) -> None:
        if self._stop_watching:
            self._stop_watching()
            self._stop_watching = None
        if self._owns_store:
            self.store.close()


def open_policy_store(policy_dir: str | Path = "guardrails/policies", redis_url: str | None = None,
                      namespace: str = "guardrails") -> PolicyStore:
    """Redis when a URL is given (shared by all workers), else the embedded in-process store.
    Either way an empty store is seeded from the policy files."""
    if redis_url:
        from guardrails.redis_store import RedisPolicyStore

        return RedisPolicyStore(redis_url, namespace, policy_dir)
    return EmbeddedPolicyStore(policy_dir)


def load_guardrails(policy_dir: str | Path = "guardrails/policies", redis_url: str | None = None, *,
                    store: PolicyStore | None = None, namespace: str = "guardrails") -> Guardrails:
    """The rails for this process. Pass the gateway's store to share it in a one-process deployment."""
    if store is not None:
        return Guardrails(store)
    return Guardrails(open_policy_store(policy_dir, redis_url, namespace), owns_store=True)
