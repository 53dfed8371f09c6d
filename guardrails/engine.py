"""One published set of policies, compiled once, checked on every turn.

Everything here is regular expressions compiled at load time and plain string work: no model calls,
so the rails cost tens of microseconds per message (bench/bench_guardrails.py measures it).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from guardrails import echo, grounding, pii, prompt
from guardrails.catalogue import shop_catalogue
from guardrails.normalize import compact, deobfuscated, facts_text, normalized, sentences, spaced
from guardrails.policy_files import PolicyError, PolicyInvalid, parse_policy
from guardrails.reply_language import wrong_language

KIND_ORDER = {"safety": 0, "privacy": 1, "commitments": 2, "topics": 3, "brand_voice": 4}
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B50\u2B55\u2B06\u2934\u2935\u3030\u303D]\uFE0F?")
_CJK = re.compile("[\u3400-\u9fff]")
_TIDY = [(re.compile(r"[ \t]+([，。！？,.!?;；:：])"), r"\1"), (re.compile(r"([，,])\s*[，,]"), r"\1"),
         (re.compile(r"(^|[。！？.!?]\s*)[，,]\s*"), r"\1"), (re.compile(r"[ \t]{2,}"), " ")]


@dataclass
class Verdict:
    action: str = "allow"  # allow | block | rewrite | handoff
    text: str | None = None  # output rails: the reply to send
    reply: str | None = None  # input rails: what to tell the shopper when the message is not let in
    policy_id: str | None = None  # the first rule that acted, recorded on the turn
    rule: str | None = None
    hits: list[str] = field(default_factory=list)  # every "policy_id/rule" that acted


def _alternation(patterns: list[str]) -> re.Pattern | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I) if patterns else None


@dataclass
class Phrases:
    """Literal phrases: Chinese ones are found in the compact text (spaces and punctuation cannot
    split them); Latin-script ones as whole words, or "write me" would contain "item"."""
    cjk: re.Pattern | None
    words: re.Pattern | None

    def search(self, norm: str, comp: str) -> bool:
        return bool((self.cjk and self.cjk.search(comp)) or (self.words and self.words.search(norm)))


def _phrases(phrases: list[str]) -> Phrases | None:
    cjk = sorted({re.escape(compact(p)) for p in phrases if _CJK.search(p)}, key=len, reverse=True)
    words = sorted({r"[\W_]*".join(map(re.escape, normalized(p).split())) for p in phrases
                    if not _CJK.search(p) and p.strip()}, key=len, reverse=True)
    if not cjk and not words:
        return None
    return Phrases(re.compile("|".join(cjk)) if cjk else None,
                   re.compile(r"\b(?:" + "|".join(words) + r")(?:e?s)?\b") if words else None)


@dataclass
class Rule:
    policy_id: str
    id: str
    action: str
    applies_to: frozenset[str]
    pattern: re.Pattern | None
    phrases: Phrases | None
    unless_shop_terms: bool
    grounded_by: str | None
    reply: dict
    prompt: dict
    quotes_prompt: bool = False
    asked: re.Pattern | None = None  # the rule acts only on a reply to a shopper's message that matches these
    repeats_dictated: bool = False
    picks_offered: bool = False
    wrong_language: bool = False

    def matches(self, norm: str, comp: str) -> bool:
        return bool((self.pattern and self.pattern.search(norm)) or (self.phrases and self.phrases.search(norm, comp)))

    def every_sentence(self) -> bool:
        """A grounding rule with no words of its own reads every sentence: the facts decide."""
        return bool(self.grounded_by) and self.pattern is None and self.phrases is None

    def answers(self, asked: str | None) -> bool:
        return self.asked is None or bool(asked and self.asked.search(spaced(deobfuscated(asked))))

    def answer(self, language: str) -> str | None:
        return self.reply.get(language) if language in self.reply else next(iter(self.reply.values()), None)


@dataclass
class Replacement:
    """A brand-voice rewrite: a banned phrase or form of address and what to say instead."""
    policy_id: str
    id: str
    pattern: re.Pattern
    prefer: str
    action: str


def _rule(policy_id: str, r: dict) -> Rule:
    return Rule(policy_id, r["id"], r["action"], frozenset(r["applies_to"]), _alternation(r.get("patterns") or []),
                _phrases(r.get("phrases") or []), r.get("unless_shop_terms", False),
                r.get("grounded_by"), r.get("reply") or {}, r.get("prompt") or {}, r.get("quotes_system_prompt", False),
                _alternation(r.get("asked") or []), r.get("repeats_dictated", False), r.get("picks_offered", False),
                r.get("wrong_language", False))


def _replacement(policy_id: str, b: dict) -> Replacement:
    pattern = re.compile(b["pattern"] if "pattern" in b else re.escape(b["phrase"]), re.I)
    return Replacement(policy_id, b["id"], pattern, b.get("prefer") or "", b.get("action", "rewrite"))


def _same_case(found: str, prefer: str) -> str:
    """"No problem!" becomes "Happy to help!", not "happy to help!"."""
    return prefer[:1].upper() + prefer[1:] if found[:1].isupper() and prefer[:1].islower() else prefer


_WORD = re.compile(r"[a-z0-9']+")
_CJK_RUN = re.compile("[\u3400-\u9fff]+")


def _word_runs(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = _WORD.findall(normalized(text))
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def _cjk_runs(text: str, n: int = 16) -> set[str]:
    chars = "".join(_CJK_RUN.findall(text))
    return {chars[i:i + n] for i in range(len(chars) - n + 1)}


def _tidy(text: str) -> str:
    for pattern, repl in _TIDY:
        text = pattern.sub(repl, text)
    return text.strip()


class PolicySet:
    """The compiled form of every enabled policy at one revision of the store."""

    def __init__(self, docs: dict[str, dict], revision: int = 0):
        texts = json.dumps(docs, sort_keys=True, ensure_ascii=False).encode()
        self.digest = hashlib.sha256(texts).hexdigest()[:8]
        self.version = f"r{revision}-{self.digest}"
        self.docs = {k: v for k, v in docs.items() if v.get("enabled", True)}
        ordered = sorted(self.docs.values(), key=lambda d: (KIND_ORDER[d["kind"]], d["id"]))
        rules = [_rule(d["id"], r) for d in ordered for r in d.get("rules") or []]
        # a person in crisis or a threat goes to a human before any other rule gets a say
        self.input_rules = sorted((r for r in rules if "input" in r.applies_to), key=lambda r: r.action != "handoff")
        self.output_stops = [r for r in rules if "output" in r.applies_to and r.action != "rewrite"]
        self.output_rewrites = [r for r in rules if "output" in r.applies_to and r.action == "rewrite"]
        # replies the LLM wrote: it acts on nothing, so some sentences are false from it and true from a flow;
        # it makes things up, says back what it is told and drifts into another language, which a flow never does
        self.llm_stops = [r for r in rules if "llm_output" in r.applies_to and r.action != "rewrite"]
        self.llm_rewrites = [r for r in rules if "llm_output" in r.applies_to and r.action == "rewrite"]
        terms = [t for d in ordered if d["kind"] == "topics" for t in d["in_scope"]["shop_terms"]]
        self.shop_terms = _phrases(terms)
        self.brand = {d["language"]: d for d in ordered if d["kind"] == "brand_voice"}
        self.replacements = {lang: [_replacement(d["id"], b) for b in (d.get("address") or {}).get("avoid", [])
                                    + d["banned"]] for lang, d in self.brand.items()}
        privacy = next((d for d in ordered if d["kind"] == "privacy"), None)
        self.privacy_id = privacy["id"] if privacy else None
        self.detectors = pii.compile_detectors(privacy) if privacy else []
        self.redaction = privacy["foreign_pii_in_replies"]["redaction"] if privacy else {}
        self._prompts: dict[str, str] = {}
        self._prompt_runs: tuple[set, set] | None = None

    # ---- input rails -------------------------------------------------------------------------
    def check_input(self, text: str, language: str = "en") -> Verdict:
        plain = deobfuscated(text)  # shoppers' messages are where look-alikes and spelt-out words hide
        norm, comp = spaced(plain), compact(plain)
        about_shop = None
        for rule in self.input_rules:
            if not rule.matches(norm, comp):
                continue
            if rule.unless_shop_terms:
                if about_shop is None:
                    # (the shop's terms, or one of its products by any name: "帮我找个keyboard 平时写code用")
                    about_shop = bool(self.shop_terms and self.shop_terms.search(norm, comp)) \
                        or bool(shop_catalogue().named(norm.lower()))
                if about_shop:
                    continue
            return Verdict(rule.action, reply=rule.answer(language), policy_id=rule.policy_id, rule=rule.id,
                           hits=[f"{rule.policy_id}/{rule.id}"])
        return Verdict("allow")

    # ---- output rails ------------------------------------------------------------------------
    def check_output(self, text: str, language: str = "en", facts: dict | None = None, by_llm: bool = False,
                     asked: str | None = None) -> Verdict:
        """by_llm: the LLM wrote the reply (the llm_output rules apply too). asked: the shopper's message it answers."""
        norm, comp = spaced(normalized(text)), compact(text)
        for rule in self.output_stops + (self.llm_stops if by_llm else []):
            if rule.answers(asked) and self._stops(rule, text, norm, comp, language, asked):
                return self._stopped(rule.action, rule.policy_id, rule.id, rule.answer(language), language)
        for rep in self.replacements.get(language, []):
            if rep.action == "block" and rep.pattern.search(text):
                return self._stopped("block", rep.policy_id, rep.id, None, language)
        hits: list[str] = []
        known = facts_text(facts)
        out = self._rewrite_sentences(text, language, facts, known, hits, by_llm, normalized(asked or ""))
        if self.detectors:
            out, kinds = pii.redact_foreign(out, self.detectors, known, self.redaction.get(language, "***"))
            hits += [f"{self.privacy_id}/foreign_{k}" for k in dict.fromkeys(kinds)]
        out = self._brand_voice(out, language, hits)
        if not hits:
            return Verdict("allow", text=text)
        out = _tidy(out) or self._fallback(language)
        first = hits[0].split("/", 1)
        return Verdict("rewrite", text=out, policy_id=first[0], rule=first[1], hits=hits)

    def _stops(self, rule: Rule, text: str, norm: str, comp: str, language: str, asked: str | None) -> bool:
        return (rule.matches(norm, comp) or (rule.quotes_prompt and self.quotes_system_prompt(text))
                or (rule.repeats_dictated and bool(asked) and echo.repeats_dictation(text, asked))
                or (rule.picks_offered and bool(asked) and echo.picks_offered(text, asked))
                or (rule.wrong_language and wrong_language(text, language)))

    def _stopped(self, action: str, policy_id: str, rule: str, reply: str | None, language: str) -> Verdict:
        return Verdict(action, text=reply or self._fallback(language), policy_id=policy_id, rule=rule,
                       hits=[f"{policy_id}/{rule}"])

    def _fallback(self, language: str) -> str:
        brand = self.brand.get(language) or next(iter(self.brand.values()), None)
        return brand["fallback_reply"] if brand else ""

    def _rewrite_sentences(self, text: str, language: str, facts: dict | None, known: str, hits: list,
                           by_llm: bool = False, asked: str = "") -> str:
        out, used = [], set()
        rules = self.output_rewrites + (self.llm_rewrites if by_llm else [])
        for sentence in sentences(text):
            norm, comp = normalized(sentence), compact(sentence)
            words = spaced(norm)
            for rule in rules:
                if not (rule.every_sentence() or rule.matches(words, comp)) or not rule.answers(asked) \
                        or not self._ungrounded(rule, sentence, norm, known, facts, asked):
                    continue
                hits.append(f"{rule.policy_id}/{rule.id}")
                replacement = rule.answer(language) or ""
                trailing = sentence[len(sentence.rstrip()):]
                sentence = "" if replacement in used else replacement + (trailing if replacement else "")
                used.add(replacement)
                break
            out.append(sentence)
        return "".join(out)

    @staticmethod
    def _ungrounded(rule: Rule, sentence: str, norm: str, known: str, facts: dict | None, asked: str) -> bool:
        """Does the sentence state what the facts do not hold? (A rule grounded by nothing always acts.)"""
        if rule.grounded_by == "dates":
            return bool(grounding.ungrounded_dates(norm, known))
        if rule.grounded_by == "amounts":
            return bool(grounding.ungrounded_amounts(norm, known, facts))
        if rule.grounded_by == "prices":
            return bool(grounding.ungrounded_prices(norm, grounding.known_numbers(known)))
        if rule.grounded_by == "products":  # capitals tell a styled product name: the sentence as written
            return bool(grounding.ungrounded_products(sentence, known, asked))
        if rule.grounded_by == "attributes":
            return bool(grounding.ungrounded_attributes(norm, known, grounding.fact_keys(facts)))
        return True

    def _brand_voice(self, text: str, language: str, hits: list) -> str:
        for rep in self.replacements.get(language, []):
            text, n = rep.pattern.subn(lambda m, prefer=rep.prefer: _same_case(m.group(), prefer), text)
            if n:
                hits.append(f"{rep.policy_id}/{rep.id}")
        brand = self.brand.get(language)
        if brand and "emoji" in brand:
            text = self._emoji(text, brand, hits)
        return text

    @staticmethod
    def _emoji(text: str, brand: dict, hits: list) -> str:
        allowed = {e.rstrip("\uFE0F") for e in brand["emoji"].get("allowed") or []}
        budget = brand["emoji"]["max_per_reply"]
        changed = False

        def keep(m: re.Match) -> str:
            nonlocal budget, changed
            if (not allowed or m.group().rstrip("\uFE0F") in allowed) and budget > 0:
                budget -= 1
                return m.group()
            changed = True
            return ""

        text = _EMOJI.sub(keep, text)
        if changed:
            hits.append(f"{brand['id']}/emoji")
        return text

    def quotes_system_prompt(self, text: str) -> bool:
        """Does the reply repeat a run of the system prompt? A leak rarely keeps the canary or says
        "my instructions are"; it paraphrases little, so eight words (sixteen characters) in a row
        give it away. The rails' own sentences are in the prompt too and are no leak."""
        if self._prompt_runs is None:
            own = [t for r in self.input_rules + self.output_stops + self.output_rewrites + self.llm_stops
                   + self.llm_rewrites for t in r.reply.values()]
            own += [b["fallback_reply"] for b in self.brand.values()]
            words, chars = set(), set()
            for language in self.brand:
                prompt = self.system_prompt(language)
                for sentence in own:
                    prompt = prompt.replace(sentence, "\n")
                words |= _word_runs(prompt)
                chars |= _cjk_runs(prompt)
            self._prompt_runs = (words, chars)
        words, chars = self._prompt_runs
        return bool(_word_runs(text) & words or _cjk_runs(text) & chars)

    # ---- privacy and prompts -----------------------------------------------------------------
    def mask_pii(self, text: str, vault: dict | None = None, purpose: str | None = None) -> tuple[str, dict]:
        return pii.mask(text, self.detectors, vault, purpose)

    def unmask(self, text: str, vault: dict) -> str:
        return pii.unmask(text, vault, self.detectors)

    def system_prompt(self, language: str) -> str:
        if language not in self._prompts:
            self._prompts[language] = prompt.assemble(self, language)
        return self._prompts[language]


def compile_policies(texts: dict[str, str], revision: int = 0) -> PolicySet:
    """Parse and compile {policy_id: yaml}; PolicyInvalid lists every broken file's errors."""
    docs, errors = {}, []
    for policy_id, text in sorted(texts.items()):
        try:
            docs[policy_id] = parse_policy(text, f"{policy_id}.yaml", expected_id=policy_id)
        except PolicyInvalid as exc:
            errors += [PolicyError(e.line, f"{policy_id}.yaml" + (":" + e.path if e.path else ""), e.message)
                       for e in exc.errors]
    errors += _set_errors(docs)
    if errors:
        raise PolicyInvalid("policies", errors)
    return PolicySet(docs, revision)


def _set_errors(docs: dict[str, dict]) -> list[PolicyError]:
    """Rules about the set as a whole: which file would win is never left to chance."""
    enabled = [d for d in docs.values() if d.get("enabled", True)]
    errors = []
    for language in ("zh", "en"):
        brands = [d["id"] for d in enabled if d["kind"] == "brand_voice" and d["language"] == language]
        if len(brands) != 1:
            errors.append(PolicyError(0, "", f"exactly one enabled brand_voice policy for {language!r}, found {brands}"))
    privacy = [d["id"] for d in enabled if d["kind"] == "privacy"]
    if len(privacy) > 1:
        errors.append(PolicyError(0, "", f"at most one enabled privacy policy, found {privacy}"))
    return errors
