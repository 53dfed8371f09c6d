"""Personal data: masking it out of logs, caches, analytics and LLM prompts, and restoring it for
the shopper who owns it. Detectors come from the privacy policy; checks that a regex cannot express
(Luhn, the ID-card checksum) live here so tracking numbers are not mistaken for cards."""
from __future__ import annotations

import re
from dataclasses import dataclass

from guardrails.normalize import normalized

PLACEHOLDER = re.compile(r"\[(PHONE|EMAIL|ADDRESS|CARD|CN_ID)_(\d+)\]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def luhn_ok(value: str) -> bool:
    digits = [int(c) for c in value if c.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def cn_id_ok(value: str) -> bool:
    """GB 11643 check digit of an 18-character resident ID number."""
    v = value.upper()
    if len(v) != 18 or not v[:17].isdigit():
        return False
    check = "10X98765432"[sum(int(c) * w for c, w in zip(v[:17], _ID_WEIGHTS)) % 11]
    return v[17] == check


VALIDATORS = {"luhn": luhn_ok, "cn_id_checksum": cn_id_ok}


def _partial(kind: str, value: str) -> str:
    """What the owner sees of a value the policy restores only partly: enough to recognise it."""
    if kind == "email":
        name, _, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    digits = re.sub(r"[^0-9Xx]", "", value)
    if kind == "phone":
        return digits[:3] + "****" + digits[-4:]
    if kind == "cn_id":
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    if kind == "card":
        return "****" + digits[-4:]
    return "***"


def _digits(text: str) -> str:
    return re.sub(r"[\s\-().+]", "", text)


@dataclass
class PiiDetector:
    kind: str  # phone | email | address | card | cn_id
    pattern: re.Pattern
    validate: str | None
    mask_in: frozenset[str]
    restore_to_owner: str  # full | partial | never

    @property
    def label(self) -> str:
        return self.kind.upper()

    def finds(self, match: re.Match) -> bool:
        return not self.validate or VALIDATORS[self.validate](match.group())


def compile_detectors(policy: dict) -> list[PiiDetector]:
    return [PiiDetector(item["type"], re.compile("|".join(f"(?:{p})" for p in item["patterns"]), re.I),
                        item.get("validate"), frozenset(item["mask_in"]), item["restore_to_owner"])
            for item in policy["pii"]]


def mask(text: str, detectors: list[PiiDetector], vault: dict | None = None,
         purpose: str | None = None) -> tuple[str, dict]:
    """Replace personal data by [KIND_n]; the vault maps each placeholder back to its value.
    Pass the session's vault to keep one placeholder per value across turns."""
    vault = dict(vault or {})
    known = {v: k for k, v in vault.items()}
    for det in detectors:
        if purpose and purpose not in det.mask_in:
            continue

        def swap(m: re.Match, det=det) -> str:
            if not det.finds(m):
                return m.group()
            value = m.group()
            if value not in known:
                n = sum(1 for k in vault if k.startswith(f"[{det.label}_")) + 1
                known[value] = f"[{det.label}_{n}]"
                vault[known[value]] = value
            return known[value]

        text = det.pattern.sub(swap, text)
    return text, vault


def unmask(text: str, vault: dict, detectors: list[PiiDetector]) -> str:
    """Put the owner's data back in a reply, as fully as the policy allows."""
    modes = {d.label: (d.kind, d.restore_to_owner) for d in detectors}

    def restore(m: re.Match) -> str:
        value = vault.get(m.group())
        if value is None:
            return m.group()
        kind, mode = modes.get(m.group(1), (m.group(1).lower(), "never"))
        if mode == "full":
            return value
        return _partial(kind, value) if mode == "partial" else "***"

    return PLACEHOLDER.sub(restore, text)


def redact_foreign(text: str, detectors: list[PiiDetector], facts: str, redaction: str) -> tuple[str, list[str]]:
    """Personal data in a reply that the turn's facts do not hold belongs to someone else (or was
    invented): redact it, or shorten it where the policy restores only part of it (cards, ID numbers).
    Tools must not put full card numbers in facts: what the facts hold is sent as it is."""
    hits: list[str] = []
    facts_digits = _digits(facts)
    for det in detectors:
        def swap(m: re.Match, det=det) -> str:
            value = m.group()
            if not det.finds(m):
                return value
            known = normalized(value) in facts if det.kind in ("email", "address") else _digits(value) in facts_digits
            if known and facts:
                return value  # the tools said it on this turn (a tracking number that looks like a card stays whole)
            hits.append(det.kind)
            return _partial(det.kind, value) if det.restore_to_owner == "partial" else redaction

        text = det.pattern.sub(swap, text)
    return text, hits
