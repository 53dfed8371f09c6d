"""The rails a running process holds: the current compiled policies, swapped in place whenever the
store publishes a new revision, so a worker picks up a change without a restart."""
from __future__ import annotations

import logging
import re
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

    def check_output(self, text: str, language: str = "en", facts: dict | None = None, by_llm: bool = False,
                     asked: str | None = None) -> Verdict:
        return self._policies.check_output(text, language, facts, by_llm, asked)

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


# The shop's payment-method ids (credit_card_7815826): a shopper's, not in the privacy policy's kinds (a reply
# may name the shopper's own), masked in logs only
PAYMENT_METHOD_ID = re.compile(r"\b(?:credit_card|debit_card|paypal|gift_card|apple_pay)_\d+\b", re.I)
_LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access")  # whose handlers write this process's log


class PersonalDataInLogs(logging.Filter):
    """Masks personal data in every record a handler writes, whoever logged it: its message and arguments, the
    traceback of an exception (whose message may quote a shopper's words) and the stack. The privacy policy's
    kinds masked for `logs` (e-mail, phone, address, card, ID number), and payment-method ids."""

    def __init__(self, rails: Guardrails) -> None:
        super().__init__()
        self.rails = rails

    def mask(self, text: str) -> str:
        return self.rails.mask_pii(PAYMENT_METHOD_ID.sub("[PAYMENT_METHOD]", text), purpose="logs")[0]

    def _masked_argument(self, value):
        """A string masked; any other value kept as it is (numbers for %d) unless its text holds personal data."""
        if isinstance(value, (int, float)) or value is None:
            return value
        text = str(value)
        masked = self.mask(text)
        return masked if isinstance(value, str) or masked != text else value

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = self.mask(record.msg)
        if isinstance(record.args, tuple):  # each argument on its own: formatters (uvicorn's) read them by place
            record.args = tuple(map(self._masked_argument, record.args))
        elif isinstance(record.args, dict):
            record.args = {k: self._masked_argument(a) for k, a in record.args.items()}
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        return True


def mask_personal_data_in_logs(rails: Guardrails) -> None:
    """Puts the filter on every handler that writes this process's log (the root's and uvicorn's); again for
    handlers added since, and with these rails for those that have it already."""
    for name in _LOGGERS:
        for handler in logging.getLogger(name).handlers:
            present = [f for f in handler.filters if isinstance(f, PersonalDataInLogs)]
            if present:
                present[0].rails = rails
            else:
                handler.addFilter(PersonalDataInLogs(rails))
