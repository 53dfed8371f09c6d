"""The scripted conversation suite, one command: python bench/bench_conversations.py

Starts the real service on a fresh τ²-bench shop (embedded backends by default; `--stack kafka`:
Redis + Tansu Kafka, a gateway and 2 workers), with no LLM server unless `--llm URL` is given (then
LLM-tier turns get the honest fallback and count as not automated), plays every conversation of
data/conversations/*.yaml over HTTP in order, and prints:

- automation: % of turns closed without the LLM and without a human (route not llm/llm_fallback/handoff);
- task success: % of conversations whose every check passes (end state in the store, per-turn
  expectations), and the narrower "end state right";
- rule violations (goal 0): an order or profile of another shopper changed, a change on a turn that
  is not the shopper's explicit yes, a status change the shop forbids, another shopper's order shown,
  a shopper's order shown before they proved who they are;
- answer-cache hit rate on FAQ-type turns (goal ≥ 40%); fast-path turn latency p50/p99 over HTTP;
- per-capability and per-language breakdowns, and each failing conversation with its first failing check.

Exit status is 1 only when a rule is broken; the other figures are targets.
The conversations' schema is data/conversations/README.md; the orders a conversation may change are its own,
so one shop serves the whole run and every change is attributed to the turn that made it.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import re
import sqlite3
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from agent.shopper_text import canonical  # dictated e-mails and Chinese digits, written out
from agent.language import own_words  # Chinese characters and Latin words of a text, names and codes aside
from fastmodels.text import INTENTS  # the intents of shared/intents.md

SUITE = ROOT / "data" / "conversations"
FAQ = ROOT / "data" / "faq.yaml"
LANGUAGES = {"en", "zh", "mixed"}
CHANNELS = {"app", "h5", "miniapp"}
ROUTES = {"flow", "cache", "llm", "llm_fallback", "handoff", "rails", "media", "photo"}
ROUTE_ALIASES = {"fast": ROUTES - {"llm", "llm_fallback", "handoff"}, "llm": {"llm", "llm_fallback"}}
NOT_AUTOMATED = {"llm", "llm_fallback", "handoff"}
TURN_KEYS = {"say", "route", "intent", "handoff", "shows", "mentions", "not_mentions", "faq", "confirm", "note"}
CONVERSATION_KEYS = {"id", "language", "reply_language", "capability", "tags", "note", "user", "shopper_id", "turns",
                     "end_state", "rules"}
CJK = re.compile(r"[\u3400-\u9fff]")
ORDER_CHECKS = {"status", "address", "items", "payment_method_id", "return_items", "exchange_new_items"}
# status changes the shop allows (τ²-bench retail policy); anything else is a broken rule
ALLOWED_TRANSITIONS = {("pending", "cancelled"), ("pending", "pending"), ("pending", "pending (item modified)"),
                       ("pending (item modified)", "pending (item modified)"), ("delivered", "return requested"),
                       ("delivered", "exchange requested")}
ORDER_ID = re.compile(r"#?\b[Ww](\d{7})\b")
CATALOGUE_INTENTS = ("product_info", "price_promo", "recommend")  # flows that read the catalogue, never an order


# ---------------------------------------------------------------- the suite and its validation

def faq_answers(path: Path = FAQ) -> dict[str, set[str]]:
    """FAQ id → its answers (zh and en): a cached reply must be the right entry's answer."""
    return {e["id"]: {a.strip() for a in e["answers"].values()} for e in yaml.safe_load(path.read_text(encoding="utf-8"))["faq"]}


def load_suite(directory: Path = SUITE) -> list[dict]:
    conversations = []
    for path in sorted(directory.glob("*.yaml")):
        for conversation in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
            turns = []
            for turn in conversation.get("turns") or []:  # {channel, say}: the switch, then the message
                if "channel" in turn and "say" in turn:
                    turns += [{"channel": turn["channel"]}, {k: v for k, v in turn.items() if k != "channel"}]
                else:
                    turns.append(turn)
            conversations.append({**conversation, "turns": turns, "_file": path.name})
    return conversations


class ShopData:
    """Read-only view of the shop's SQLite file: who owns what, and a fingerprint of every order and profile."""

    def __init__(self, path: str):
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)

    def close(self) -> None:
        self.conn.close()

    def users(self) -> dict[str, dict]:
        return {uid: {"first": first, "last": last, "email": email.lower(), "zip": zip_}
                for uid, first, last, email, zip_ in
                self.conn.execute("SELECT user_id, first_name, last_name, email, zip FROM users")}

    def owners(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT order_id, user_id FROM orders"))

    def item_names(self) -> dict[str, set[str]]:
        names = defaultdict(set)
        for order_id, name in self.conn.execute("SELECT order_id, name FROM order_items"):
            names[order_id].add(name)
        return names

    def snapshot(self) -> dict[str, tuple]:
        """order id → (status, address, extras, items, payments); 'user:ID' → (address, payment balances)."""
        with self.conn:  # one read snapshot
            self.conn.execute("BEGIN")
            items, payments, balances = defaultdict(list), defaultdict(list), defaultdict(list)
            for order_id, item_id, price in self.conn.execute(
                    "SELECT order_id, item_id, price_cents FROM order_items ORDER BY order_id, line_no"):
                items[order_id].append((item_id, price))
            for order_id, kind, cents, pmid in self.conn.execute(
                    "SELECT order_id, transaction_type, amount_cents, payment_method_id FROM payments ORDER BY order_id, seq"):
                payments[order_id].append((kind, cents, pmid))
            for user_id, pmid, balance in self.conn.execute("SELECT user_id, payment_method_id, balance_cents FROM payment_methods"):
                balances[user_id].append((pmid, balance))
            state = {order_id: (status, address, extras, tuple(items[order_id]), tuple(payments[order_id]))
                     for order_id, status, address, extras in
                     self.conn.execute("SELECT order_id, status, address, extras FROM orders")}
            for user_id, address in self.conn.execute("SELECT user_id, address FROM users"):
                state[f"user:{user_id}"] = (address, tuple(sorted(balances[user_id], key=str)))
        return state


def _orders_named(conversation: dict, typed: bool = True) -> set[str]:
    """The orders a conversation names: in its checks, and (`typed`) in what the shopper types."""
    named = set()
    for turn in conversation["turns"]:
        if typed:
            named |= {f"#W{m}" for m in ORDER_ID.findall(canonical(turn.get("say", "")))}
        named |= set(turn.get("shows", []))
    end = conversation.get("end_state", {})
    named |= set(end.get("orders", {})) | set(end.get("must_not_change", []))
    return named | set(conversation.get("rules", {}).get("not_shown", []))


def _expected_changes(conversation: dict) -> set[str]:
    keep = set(conversation.get("end_state", {}).get("must_not_change", []))
    return {o for o, want in conversation.get("end_state", {}).get("orders", {}).items() if o not in keep}


def validate(conversations: list[dict], shop: ShopData, whole_suite: bool = True) -> list[str]:
    """Every problem with the suite, as 'id: what'; [] when it is sound (`whole_suite`: the project's own
    suite, which must also cover every intent and language; a blind set need not)."""
    problems, users, owners, faq = [], shop.users(), shop.owners(), faq_answers()
    seen_ids, shopper_ids = set(), set()
    for c in conversations:
        cid = c.get("id", "?")
        def say(what: str, cid: str = cid) -> None:
            problems.append(f"{cid}: {what}")

        if unknown := set(c) - CONVERSATION_KEYS - {"_file"}:
            say(f"unknown keys {sorted(unknown)}")
        if cid in seen_ids:
            say("duplicate id")
        seen_ids.add(cid)
        if c.get("language") not in LANGUAGES:
            say(f"language {c.get('language')!r}")
        if not isinstance(c.get("capability"), str) or not isinstance(c.get("tags"), list):
            say("needs a capability and a list of tags")
        for key in ("user", "shopper_id"):
            if key in c and c[key] not in users:
                say(f"{key} {c[key]!r} is not a τ²-bench shopper")
        if "shopper_id" in c:
            if c["shopper_id"] in shopper_ids:  # it would resume another conversation's session
                say("shopper_id used by another conversation")
            shopper_ids.add(c["shopper_id"])
        turns = c.get("turns") or []
        if not any("say" in t for t in turns):
            say("no shopper turn")
        for i, t in enumerate(turns):
            if "channel" in t:
                if set(t) != {"channel"} or t["channel"] not in CHANNELS:
                    say(f"turn {i}: a channel switch is only {{channel: app|h5|miniapp}}")
                elif "shopper_id" not in c:
                    say(f"turn {i}: switching channel needs a shopper_id")
                continue
            if not isinstance(t.get("say"), str) or not t["say"].strip():
                say(f"turn {i}: needs `say`")
            if unknown := set(t) - TURN_KEYS:
                say(f"turn {i}: unknown keys {sorted(unknown)}")
            routes = t.get("route", [])
            for route in [routes] if isinstance(routes, str) else routes:
                if route not in ROUTES | set(ROUTE_ALIASES):
                    say(f"turn {i}: unknown route {route!r}")
            if "faq" in t and t["faq"] not in faq:
                say(f"turn {i}: faq {t['faq']!r} is not an entry of data/faq.yaml")
            if "intent" in t and t["intent"] not in INTENTS:
                say(f"turn {i}: unknown intent {t['intent']!r}")
            for order_id in t.get("shows", []):
                if c.get("user") and owners.get(order_id) != c["user"]:
                    say(f"turn {i}: shows {order_id}, not an order of {c.get('user')}")
        # (in a blind set a shopper may mistype a number: only the orders its checks name must exist)
        for order_id in _orders_named(c, typed=whole_suite):
            if order_id not in owners and c.get("capability") != "handoff_after_failures":
                say(f"order {order_id} is not in the τ²-bench data")
        end = c.get("end_state", {})
        for order_id, want in end.get("orders", {}).items():
            if isinstance(want, dict) and (unknown := set(want) - ORDER_CHECKS):
                say(f"end_state {order_id}: unknown checks {sorted(unknown)}")
        for order_id in _expected_changes(c):
            if owners.get(order_id) != c.get("user"):
                say(f"end_state changes {order_id}, which is not an order of {c.get('user')}")
        for user_id in end.get("users", {}):
            if user_id != c.get("user"):
                say(f"end_state changes the profile of {user_id}, not the conversation's shopper")
    changers = {}  # a conversation that may change an order has it to itself
    for c in conversations:
        for order_id in _expected_changes(c):
            changers.setdefault(order_id, c.get("id"))
    for c in conversations:
        for order_id in _orders_named(c):
            if changers.get(order_id, c.get("id")) != c.get("id"):
                problems.append(f"{c.get('id')}: order {order_id} is changed by {changers[order_id]}")
    # a shopper's profile is changed by one conversation at most (run_suite plays it after the shopper's others)
    profile_changers = {}
    for c in conversations:
        for user_id in c.get("end_state", {}).get("users", {}):
            if user_id in profile_changers:
                problems.append(f"{c.get('id')}: the profile of {user_id} is changed by {profile_changers[user_id]} too")
            profile_changers.setdefault(user_id, c.get("id"))
    if not whole_suite:
        return problems
    covered = {t["intent"] for c in conversations for t in c.get("turns", []) if "intent" in t}
    if missing := set(INTENTS) - covered:
        problems.append(f"suite: intents never expected: {sorted(missing)}")
    if len(conversations) < 200:
        problems.append(f"suite: {len(conversations)} conversations, at least 200 wanted")
    if missing := LANGUAGES - {c.get("language") for c in conversations}:
        problems.append(f"suite: no conversation in {sorted(missing)}")
    return problems


# ---------------------------------------------------------------- playing a conversation

@dataclass
class Turn:
    text: str
    reply: dict
    seconds: float
    faq: str | None  # the FAQ entry that answers this turn
    changed: list[str]


@dataclass
class Outcome:
    conversation: dict
    turns: list[Turn] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # checks that did not hold, in order
    end_state_ok: bool = True
    violations: list[str] = field(default_factory=list)
    wrong_language: int = 0  # replies not in the shopper's language

    @property
    def ok(self) -> bool:
        return not self.failures and not self.violations


class Client:
    def __init__(self, url: str, timeout: float = 120):
        self.http = httpx.Client(base_url=url, timeout=timeout)
        self.timeout = timeout
        self.credentials: dict[str, dict] = {}  # session id → the Authorization header its calls carry

    def open(self, shopper_id: str | None, channel: str) -> dict:
        """A guest's session; for a shopper_id, that shopper's, with a token signed as the shop's app backend
        signs one (the secret every service tests/services.py starts verifies with), so that it resumes
        from another channel."""
        from tests.services import shopper_token

        body = {"channel": channel}
        if shopper_id:
            body.update(shopper_id=shopper_id, shopper_token=shopper_token(shopper_id))
        response = self.http.post("/v1/sessions", json=body)
        response.raise_for_status()
        opened = response.json()
        self.credentials[opened["session_id"]] = {"Authorization": f"Bearer {opened['session_token']}"}
        return opened

    def close(self) -> None:
        self.http.close()

    def chat(self, session_id: str, text: str) -> tuple[dict, float]:
        started, headers = time.perf_counter(), self.credentials[session_id]
        response = self.http.post("/v1/chat", json={"session_id": session_id, "text": text}, headers=headers)
        if response.status_code == 504:  # a slow LLM turn: poll until it is done
            request_id = response.json()["request_id"]
            deadline = time.monotonic() + self.timeout
            while time.monotonic() < deadline:
                body = self.http.get(f"/v1/requests/{request_id}", headers=headers).json()
                if body["status"] in ("done", "failed"):
                    return body.get("reply") or {"text": "", "route": "failed"}, time.perf_counter() - started
                time.sleep(0.2)
            return {"text": "", "route": "timeout"}, time.perf_counter() - started
        response.raise_for_status()
        return response.json()["reply"], time.perf_counter() - started


def _route_ok(route: str, expected) -> bool:
    wanted = set()
    for r in [expected] if isinstance(expected, str) else expected:
        wanted |= ROUTE_ALIASES.get(r, {r})
    return route in wanted


def _mentions_order(text: str, order_id: str, names: set[str]) -> bool:
    return order_id[1:] in text and any(name in text for name in names)


def reply_language(conversation: dict) -> str | None:
    """The language every reply must be in: the conversation's own, or `reply_language` for mixed ones."""
    wanted = conversation.get("reply_language") or conversation["language"]
    return wanted if wanted in ("en", "zh") else None


def in_language(text: str, language: str) -> bool:
    """A zh reply is mostly Chinese (names, e-mails, addresses, codes and the catalogue's product and option
    names aside: the shop's data is in English); an en one has no Chinese."""
    cjk, latin = own_words(text)
    return cjk >= latin if language == "zh" else not CJK.search(text)


def _proves(text: str, who: dict) -> bool:
    lowered = text.lower()
    return who["email"] in lowered or (who["first"].lower() in lowered and who["last"].lower() in lowered
                                       and who["zip"] in text)


def play(conversation: dict, client: Client, shop: ShopData, facts: dict) -> Outcome:
    """Plays one conversation and checks it; `facts`: users, owners and item names of the shop."""
    c, out = conversation, Outcome(conversation)
    users, owners, names = facts["users"], facts["owners"], facts["item_names"]
    user = c.get("user")
    before = shop.snapshot()
    session_id, channel = None, "app"
    # (a conversation with a shopper_id is a logged-in shopper's: the session opens with their signed token)
    proven, spoken, said = user is None or "shopper_id" in c, False, ""
    own_named = {o for o in _orders_named(c) if user and owners.get(o) == user}
    typed = " ".join(t.get("say", "") for t in c["turns"]).lower()  # ("a perfume" names the Perfume: no secret)
    hidden_before_auth = {n for o in own_named for n in names[o] if n.lower() not in typed}
    not_shown = set()
    mine = {n for o, u in owners.items() if u == user for n in names[o]} if user else set()
    for order_id in c.get("rules", {}).get("not_shown", []):
        not_shown |= {n for n in names[order_id] if n not in mine and n not in typed}

    def fail(what: str) -> None:
        out.failures.append(what)

    for i, t in enumerate(c["turns"]):
        if "channel" in t:  # the same shopper picks the conversation up on another channel
            opened = client.open(c["shopper_id"], t["channel"])
            if session_id is not None and (not opened["resumed"] or opened["session_id"] != session_id):
                fail(f"turn {i}: switching to {t['channel']} did not resume the session")
            session_id, channel = opened["session_id"], t["channel"]
            continue
        if session_id is None:
            session_id = client.open(c.get("shopper_id"), channel)["session_id"]
        reply, seconds = client.chat(session_id, t["say"])
        after = shop.snapshot()
        changed = sorted(k for k in after if after[k] != before.get(k))
        text = reply.get("text") or ""
        out.turns.append(Turn(t["say"], reply, seconds, t.get("faq"), changed))
        said += " " + canonical(t["say"])  # a name in one message and the zip in the next prove it too
        if user and not proven and _proves(said, users[user]):  # e-mails spelled out count
            proven = True
        # the shop's rules, whatever the conversation expects
        for key in changed:
            subject = key[5:] if key.startswith("user:") else owners.get(key)
            if subject != user:
                out.violations.append(f"turn {i}: changed {key} of another shopper ({subject})")
            if not t.get("confirm"):
                out.violations.append(f"turn {i}: changed {key} without the shopper's explicit yes")
            if not key.startswith("user:") and (before[key][0], after[key][0]) not in ALLOWED_TRANSITIONS:
                out.violations.append(f"turn {i}: {key} went from {before[key][0]} to {after[key][0]}")
        if leaked := sorted(n for n in not_shown if n in text):
            out.violations.append(f"turn {i}: showed another shopper's order ({', '.join(leaked)})")
        # (a catalogue answer names products as the shop sells them, not as anyone's order: "with it, the Cycling
        # Helmet is 20% off" to a question about skateboards; one that names an order is checked all the same)
        catalogue = reply.get("route") == "flow" and reply.get("intent") in CATALOGUE_INTENTS and not ORDER_ID.search(text)
        if not proven and not catalogue and (leaked := sorted(n for n in hidden_before_auth if n in text)):
            out.violations.append(f"turn {i}: showed order items before identity was proven ({', '.join(leaked)})")
        before = after
        # what this turn should do
        if "route" in t and not _route_ok(reply.get("route", ""), t["route"]):
            fail(f"turn {i}: route {reply.get('route')!r}, wanted {t['route']!r}")
        if "handoff" in t and bool(reply.get("handoff")) != t["handoff"]:
            fail(f"turn {i}: handoff {bool(reply.get('handoff'))}, wanted {t['handoff']}")
        if "intent" in t and reply.get("route") != "rails" and reply.get("intent") != t["intent"]:  # rails answer first
            fail(f"turn {i}: intent {reply.get('intent')!r}, wanted {t['intent']!r}")
        for order_id in t.get("shows", []):
            if not _mentions_order(text, order_id, names[order_id]):
                fail(f"turn {i}: reply does not show order {order_id} and its items")
        if t.get("faq") and reply.get("route") == "cache" and text.strip() not in facts["faq"][t["faq"]]:
            fail(f"turn {i}: a cached answer that is not the {t['faq']} entry's")
        folded = text.casefold()  # (what the shopper reads: "Yes." says "yes", "hiking boots" names the Hiking Boots)
        for token in t.get("mentions", []):  # a list: any one of them will do
            if not any(str(alt).casefold() in folded for alt in (token if isinstance(token, list) else [token])):
                fail(f"turn {i}: reply does not mention {token}")
        spoken = spoken or any(own_words(t["say"]))  # an e-mail or an order id alone tells no language
        if (wanted := reply_language(c)) and spoken and text and not in_language(text, wanted):
            out.wrong_language += 1
            fail(f"turn {i}: reply not in {wanted}")
        for token in t.get("not_mentions", []):
            if str(token).casefold() in folded:
                fail(f"turn {i}: reply mentions {token}")
    end = _check_end_state(c, shop)
    out.end_state_ok = not end
    out.failures += end
    return out


def _check_end_state(c: dict, shop: ShopData) -> list[str]:
    end, failures = c.get("end_state", {}), []
    if not end:
        return failures
    rows = {oid: (status, json.loads(address), json.loads(extras)) for oid, status, address, extras in
            shop.conn.execute("SELECT order_id, status, address, extras FROM orders")}
    for order_id, want in end.get("orders", {}).items():
        want = {"status": want} if isinstance(want, str) else want
        status, address, extras = rows[order_id]
        items = {i for (i,) in shop.conn.execute("SELECT item_id FROM order_items WHERE order_id = ?", (order_id,))}
        # (an order whose items changed: the method that paid or received the difference, a refund too)
        kinds = "('payment', 'refund')" if status == "pending (item modified)" else "('payment')"
        last_payment = shop.conn.execute("SELECT payment_method_id FROM payments WHERE order_id = ? AND "
                                         f"transaction_type IN {kinds} ORDER BY seq DESC LIMIT 1", (order_id,)).fetchone()
        if "status" in want and status != want["status"]:
            failures.append(f"end: {order_id} is {status!r}, wanted {want['status']!r}")
        for k, v in want.get("address", {}).items():
            if address.get(k) != v:
                failures.append(f"end: {order_id} address {k} is {address.get(k)!r}, wanted {v!r}")
        if missing := set(want.get("items", [])) - items:
            failures.append(f"end: {order_id} lacks items {sorted(missing)}")
        # a payment method: the order's (a modification), or where a return's refund or an exchange's price
        # difference goes
        method = extras.get("return_payment_method_id") or extras.get("exchange_payment_method_id") \
            or (last_payment or [None])[0]
        if "payment_method_id" in want and method != want["payment_method_id"]:
            failures.append(f"end: {order_id} is paid with {method}, wanted {want['payment_method_id']}")
        # (the brief's return_items are the items sent back: of an exchange, the store's exchange_items)
        sent_back = extras.get("return_items") or extras.get("exchange_items")
        for k, got in (("return_items", sent_back), ("exchange_new_items", extras.get("exchange_new_items"))):
            if k in want and sorted(got or []) != sorted(want[k]):
                failures.append(f"end: {order_id} {k} {got}, wanted {want[k]}")
    users = {uid: json.loads(a) for uid, a in shop.conn.execute("SELECT user_id, address FROM users")}
    for user_id, want in end.get("users", {}).items():
        for k, v in want.get("address", {}).items():
            if users[user_id].get(k) != v:
                failures.append(f"end: profile of {user_id} address {k} is {users[user_id].get(k)!r}, wanted {v!r}")
    initial = c.get("_initial", {})
    for order_id in end.get("must_not_change", []):
        if order_id in initial and shop.snapshot()[order_id] != initial[order_id]:
            failures.append(f"end: {order_id} changed but must not")
    return failures


def run_suite(url: str, shop_path: str, conversations: list[dict], progress=None, client=None) -> list[Outcome]:
    """Plays the conversations through the service at `url`, or through another client with its open and chat
    (bench/llm_first.py, the --all-llm peer baseline)."""
    shop, client = ShopData(shop_path), client or Client(url)
    facts = {"users": shop.users(), "owners": shop.owners(), "item_names": shop.item_names(), "faq": faq_answers()}
    initial = shop.snapshot()
    outcomes = []
    # a conversation that changes a profile plays last, so that no other one meets the shopper's new address or zip
    conversations = sorted(conversations, key=lambda c: bool(c.get("end_state", {}).get("users")))
    try:
        for n, c in enumerate(conversations):
            c = {**c, "_initial": {o: initial[o] for o in c.get("end_state", {}).get("must_not_change", []) if o in initial}}
            outcomes.append(play(c, client, shop, facts))
            if progress:
                progress(n + 1, len(conversations))
    finally:
        shop.close()
        client.close()
    return outcomes


# ---------------------------------------------------------------- figures

def pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


def figures(outcomes: list[Outcome]) -> dict:
    turns = [t for o in outcomes for t in o.turns]
    automated = [t for t in turns if t.reply.get("route") not in NOT_AUTOMATED]
    faq = [t for t in turns if t.faq]
    answers = faq_answers()
    hits = [t for t in faq if t.reply.get("route") == "cache"]
    wrong = [t for t in hits if (t.reply.get("text") or "").strip() not in answers[t.faq]]
    fast = [t.seconds for t in automated]
    return {"conversations": len(outcomes), "turns": len(turns),
            "automation": pct(len(automated), len(turns)),
            "task_success": pct(sum(o.ok for o in outcomes), len(outcomes)),
            "end_state_right": pct(sum(o.end_state_ok for o in outcomes), len(outcomes)),
            "rule_violations": sum(len(o.violations) for o in outcomes),
            "right_language": pct(len(turns) - sum(o.wrong_language for o in outcomes), len(turns)),
            "cache_hit_rate": pct(len(hits) - len(wrong), len(faq)), "cache_wrong": len(wrong),
            "faq_turns": len(faq),
            "fast_p50_ms": percentile(fast, .5), "fast_p99_ms": percentile(fast, .99),
            "routes": dict(Counter(t.reply.get("route") for t in turns).most_common())}


def breakdown(outcomes: list[Outcome], key) -> list[str]:
    groups = defaultdict(list)
    for o in outcomes:
        groups[key(o.conversation)].append(o)
    lines = ["| | conversations | turns | automation | task success | violations |", "|---|---|---|---|---|---|"]
    for name in sorted(groups):
        group = groups[name]
        turns = [t for o in group for t in o.turns]
        automated = sum(t.reply.get("route") not in NOT_AUTOMATED for t in turns)
        lines.append(f"| {name} | {len(group)} | {len(turns)} | {pct(automated, len(turns))} | "
                     f"{pct(sum(o.ok for o in group), len(group))} | {sum(len(o.violations) for o in group)} |")
    return lines


def report(outcomes: list[Outcome], stack: str) -> str:
    f = figures(outcomes)
    lines = [f"## Conversation suite ({stack}): {f['conversations']} conversations, {f['turns']} turns", "",
             "| figure | measured | goal |", "|---|---|---|",
             f"| automation (turns closed without LLM or human) | {f['automation']} | ≥ 75% |",
             f"| task success (every check of the conversation) | {f['task_success']} | ≥ 90% |",
             f"| end state right (store checked) | {f['end_state_right']} | |",
             f"| rule violations | {f['rule_violations']} | 0 |",
             f"| replies in the shopper's language | {f['right_language']} | 100% |",
             f"| answer-cache hit rate on FAQ-type turns ({f['faq_turns']}; right answers only) | {f['cache_hit_rate']} | ≥ 40% |",
             f"| cached answers of the wrong FAQ entry (or rewritten) | {f['cache_wrong']} | 0 |",
             f"| fast-path turn p50 over HTTP | {f['fast_p50_ms']:.1f} ms | ≤ 20 ms |",
             f"| fast-path turn p99 over HTTP | {f['fast_p99_ms']:.1f} ms | ≤ 60 ms |",
             "", f"routes: {f['routes']}", "", "### By capability", *breakdown(outcomes, lambda c: c["capability"]),
             "", "### By language", *breakdown(outcomes, lambda c: c["language"])]
    violations = [(o.conversation["id"], v) for o in outcomes for v in o.violations]
    if violations:
        lines += ["", "### Rule violations", *(f"- {cid}: {v}" for cid, v in violations)]
    failing = [o for o in outcomes if not o.ok]
    if failing:
        lines += ["", f"### Failing conversations ({len(failing)})"]
        lines += [f"- {o.conversation['id']} [{o.conversation['capability']}]: "
                  f"{(o.violations or o.failures)[0]}" for o in failing]
    return "\n".join(lines)


# ---------------------------------------------------------------- the service

@contextlib.contextmanager
def running_service(stack: str, llm: str | None, shop_path: str, extra_env: dict | None = None):
    from tests import services  # the same real-service starters the tests use

    env = {"SHOP_DB_URL": f"sqlite:///{shop_path}",
           "LLM_BASE_URL": llm or f"http://127.0.0.1:{services.free_port()}/v1",
           "LLM_MAX_RETRIES": "1" if llm else "0", **(extra_env or {})}
    if stack == "embedded":
        with services.service_process({**env, "REDIS_URL": "", "KAFKA_BOOTSTRAP_SERVERS": ""}) as (url, _):
            yield url
        return
    with services.redis_server() as redis_url, services.kafka_broker("tansu") as bootstrap:
        env.update(REDIS_URL=redis_url, KAFKA_BOOTSTRAP_SERVERS=bootstrap)
        with services.service_process(env, "gateway") as (url, _), services.service_process(env, "worker"), \
                services.service_process(env, "worker"):
            _settle(url)
            yield url


def _settle(url: str, timeout: float = 90) -> None:
    """Until both workers have joined the group and a turn comes back quickly (Tansu rebalances in seconds)."""
    client, deadline = Client(url, timeout=30), time.monotonic() + timeout
    time.sleep(10)
    while time.monotonic() < deadline:
        session = client.open(None, "app")["session_id"]
        _, seconds = client.chat(session, "hi")
        if seconds < 0.5:
            return
    raise RuntimeError("the Kafka stack did not settle")


def _warm(url: str) -> None:
    """First turns load models and fill the exact answer cache's connection pools; they are not measured."""
    client = Client(url)
    session = client.open(None, "app")["session_id"]
    for text in ("hello", "is shipping free", "包邮吗", "where is my order"):
        client.chat(session, text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack", choices=["embedded", "kafka"], default="embedded")
    parser.add_argument("--llm", help="an OpenAI-compatible LLM base URL (default: none, LLM turns fall back)")
    parser.add_argument("--only", nargs="*", help="conversation ids, tags or capabilities to play")
    parser.add_argument("--suite", type=Path, default=SUITE,
                        help="folder of conversation files (default data/conversations; blind sets: data/blind/conversations/…)")
    parser.add_argument("--transcripts", type=Path, help="write every turn and its reply here (JSON lines)")
    parser.add_argument("--all-llm", type=int, metavar="N",
                        help="the peer baseline: N conversations spread over the suite, played through the service and "
                             "through an LLM-first agent (bench/llm_first.py) on the same model, side by side, judged by "
                             "what the shopper is shown and the store's end state (not routes or intents); the model "
                             "is --llm's (its context must hold about 8,000 tokens), else the bundled vLLM started here")
    args = parser.parse_args()
    if args.all_llm:
        return all_llm(args)
    conversations = load_suite(args.suite)
    if args.only:
        wanted = set(args.only)
        conversations = [c for c in conversations
                         if wanted & ({c["id"], c["capability"]} | set(c["tags"]))]
    with tempfile.TemporaryDirectory(prefix="bench-conv-") as tmp:
        shop_path = f"{tmp}/shop.db"
        with running_service(args.stack, args.llm, shop_path) as url:
            shop = ShopData(shop_path)
            problems = validate(load_suite(args.suite), shop, whole_suite=args.suite == SUITE)
            shop.close()
            if problems:
                print("The suite is not sound:\n" + "\n".join(problems[:40]), file=sys.stderr)
                return 2
            _warm(url)
            started = time.perf_counter()
            outcomes = run_suite(url, shop_path, conversations,
                                 lambda n, total: n % 50 or print(f"{n}/{total}", file=sys.stderr, flush=True))
            print(f"\r{len(outcomes)} conversations in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    if args.transcripts:
        with args.transcripts.open("w", encoding="utf-8") as f:
            for o in outcomes:
                f.write(json.dumps({"id": o.conversation["id"], "ok": o.ok, "failures": o.failures,
                                    "violations": o.violations,
                                    "turns": [{"say": t.text, "reply": t.reply.get("text"), "route": t.reply.get("route"),
                                               "intent": t.reply.get("intent"), "handoff": t.reply.get("handoff"),
                                               "ms": round(t.seconds * 1000, 1), "changed": t.changed}
                                              for t in o.turns]}, ensure_ascii=False) + "\n")
    print(report(outcomes, args.stack + (f", LLM {args.llm}" if args.llm else ", no LLM")))
    return 1 if any(o.violations for o in outcomes) else 0


def _llm_calls(url: str) -> float:
    """The service's model calls so far (its shop_llm_calls_total counters)."""
    return sum(float(line.rsplit(" ", 1)[1]) for line in httpx.get(f"{url}/metrics").text.splitlines()
               if line.startswith("shop_llm_calls_total{"))


def all_llm(args) -> int:
    """The service (fast tier, LLM for the rest) beside an LLM-first agent on the same conversations and model."""
    from bench.llm_first import LLMFirstClient
    from tests import services

    suite = load_suite(args.suite)
    # judged by what the shopper is shown and what the store holds, not by the service's own routes and intents
    sample = [{**c, "turns": [{k: v for k, v in t.items() if k not in ("route", "intent")} for t in c["turns"]]}
              for c in suite[::max(1, len(suite) // args.all_llm)][:args.all_llm]]
    rows = {}
    with (contextlib.nullcontext(args.llm) if args.llm else services.vllm_server(max_model_len=12288)) as llm:
        for way in ("service (fast tier, then the LLM)", "LLM-first (every turn to the model, all tools)"):
            with tempfile.TemporaryDirectory(prefix="bench-conv-") as tmp:
                shop_path = f"{tmp}/shop.db"
                if way.startswith("service"):
                    with running_service("embedded", llm, shop_path, {"LLM_ANSWER_SECONDS": "60",
                                                                     "CHAT_TIMEOUT_SECONDS": "120"}) as url:
                        _warm(url)
                        before = _llm_calls(url)
                        outcomes = run_suite(url, shop_path, sample)
                        calls = _llm_calls(url) - before
                else:
                    client = LLMFirstClient(llm, shop_path)
                    outcomes = run_suite("", shop_path, sample, client=client)
                    calls = client.calls
            print(report(outcomes, way), file=sys.stderr)
            seconds = [t.seconds for o in outcomes for t in o.turns]
            rows[way] = (pct(sum(o.ok for o in outcomes), len(outcomes)),
                         pct(sum(o.end_state_ok for o in outcomes), len(outcomes)),
                         sum(len(o.violations) for o in outcomes), figures(outcomes)["right_language"],
                         percentile(seconds, .5), percentile(seconds, .99), calls / len(outcomes))
    print(f"\n{len(sample)} conversations of {args.suite.name}, {sum(len(c['turns']) for c in sample)} turns, "
          f"the same model ({llm}) both ways\n")
    print("| | task success | end state right | rule violations | replies in the shopper's language "
          "| turn p50 | turn p99 | model calls / conversation |")
    print("|---|---|---|---|---|---|---|---|")
    for way, (ok, end, broken, language, p50, p99, calls) in rows.items():
        print(f"| {way} | {ok} | {end} | {broken} | {language} | {p50:.0f} ms | {p99:.0f} ms | {calls:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
