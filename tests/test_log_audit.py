"""What the service writes to its logs (issue #17): a service process plays a sample of the conversation suite
(identity proven by e-mail and by name + zip, addresses changed, payment methods chosen, hand-offs, rule
breakers) at the production log level, and its whole log holds no e-mail, phone, street address, zip or
payment-method id unmasked: none of the shop's shoppers' values, none of the values the shoppers typed, and
nothing that looks like one."""
import json
import re
import sqlite3
from collections import defaultdict

import pytest

from bench.bench_conversations import load_suite, run_suite
from guardrails import EmbeddedPolicyStore
from guardrails.live import Guardrails
from tests import services

SAMPLE = 30
PAYMENT_METHOD_ID = re.compile(r"\b(?:credit_card|debit_card|paypal|gift_card)_\d+\b", re.I)
PERSONAL = re.compile(r"@|\d{5}|\b\d{1,5}\s+\w+\s+(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|court|way)\b"
                      r"|(?:credit_card|paypal|gift_card)_|[路街]\d+号", re.I)


def privacy_rails() -> Guardrails:
    """The privacy policy's detectors, as shipped."""
    return Guardrails(EmbeddedPolicyStore(services.ROOT / "guardrails" / "policies"), watch=False)


def sample(conversations: list[dict], size: int = SAMPLE) -> list[dict]:
    """Every capability in turn, the conversations where shoppers type personal data first."""
    by_capability = defaultdict(list)
    for conversation in conversations:
        by_capability[conversation["capability"]].append(conversation)
    for group in by_capability.values():
        group.sort(key=lambda c: not any(PERSONAL.search(t.get("say", "")) for t in c["turns"]))
    picked: list[dict] = []
    while len(picked) < size and any(by_capability.values()):
        for capability in sorted(by_capability):
            if by_capability[capability] and len(picked) < size:
                picked.append(by_capability[capability].pop(0))
    return picked


def shoppers_values(shop_path: str) -> dict[str, set[str]]:
    """Every shopper's e-mail, street address, zip and payment-method ids, as the shop holds them."""
    values: dict[str, set[str]] = defaultdict(set)
    with sqlite3.connect(f"file:{shop_path}?mode=ro", uri=True) as db:
        for email, zip_, address in db.execute("SELECT email, zip, address FROM users"):
            values["email"].add(email.lower())
            values["zip"].add(zip_)
            values["street address"].add(json.loads(address)["address1"].lower())
        for (pmid,) in db.execute("SELECT payment_method_id FROM payment_methods"):
            values["payment-method id"].add(pmid.lower())
    return values


def typed_values(conversations: list[dict]) -> dict[str, set[str]]:
    """What the privacy policy finds in the shoppers' own words (phones, e-mails, addresses they typed)."""
    detectors = privacy_rails()
    values: dict[str, set[str]] = defaultdict(set)
    for conversation in conversations:
        for turn in conversation["turns"]:
            _, vault = detectors.mask_pii(turn.get("say", ""))
            for placeholder, value in vault.items():
                values["typed " + placeholder.strip("[]").rsplit("_", 1)[0].lower()].add(value.lower())
    return values


def leaks(log: str, values: dict[str, set[str]]) -> list[str]:
    text = log.lower()
    found = []
    for kind, known in values.items():
        for value in known:
            if kind == "zip":  # five digits: not inside an id, a port (":41234") or a process id ("[41234]")
                hit = re.search(rf"(?<![0-9a-z:\[_]){re.escape(value)}(?![0-9a-z\]])", text)
            else:
                hit = value in text and re.search(re.escape(value), text)
            if hit:
                found.append(f"{kind} {value!r}: …{log[max(0, hit.start() - 80):hit.end() + 40]}…")
    found += [f"payment-method id: {m.group()}" for m in PAYMENT_METHOD_ID.finditer(log)]
    _, vault = privacy_rails().mask_pii(log, purpose="logs")
    found += [f"looks like {placeholder}: {value!r}" for placeholder, value in vault.items()]
    return found


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    """One service process, embedded, at LOG_LEVEL=INFO (production's), that played the sample."""
    tmp = tmp_path_factory.mktemp("log-audit")
    shop_path, logpath = str(tmp / "shop.db"), tmp / "serve.log"
    conversations = sample(load_suite())
    env = {"REDIS_URL": "", "KAFKA_BOOTSTRAP_SERVERS": "", "SHOP_DB_URL": f"sqlite:///{shop_path}",
           "LLM_BASE_URL": f"http://127.0.0.1:{services.free_port()}/v1", "LLM_MAX_RETRIES": "0",
           "FEEDBACK_PATH": str(tmp / "feedback.jsonl"), "LOG_LEVEL": "INFO"}
    with services.service_process(env, logpath=logpath) as (url, _):
        outcomes = run_suite(url, shop_path, conversations)
    return {"conversations": conversations, "outcomes": outcomes, "shop_path": shop_path,
            "log": logpath.read_text(encoding="utf-8", errors="replace")}


def test_the_sample_plays_what_the_audit_needs(played):
    conversations = played["conversations"]
    assert len(conversations) == SAMPLE and len({c["capability"] for c in conversations}) >= 15
    typed = typed_values(conversations)
    assert typed["typed email"] and typed["typed address"]  # shoppers did type personal data
    assert sum(o.ok for o in played["outcomes"]) >= 0.8 * SAMPLE  # and the conversations went through
    assert "POST /v1/chat" in played["log"]  # the log is the real one, at INFO


def test_the_logs_hold_no_personal_data_unmasked(played):
    values = {**shoppers_values(played["shop_path"]), **typed_values(played["conversations"])}
    found = leaks(played["log"], values)
    assert not found, "personal data in the logs:\n" + "\n".join(found[:20])


def test_the_audit_sees_each_kind_of_leak(tmp_path):
    from tools import open_shop

    shop_path = str(tmp_path / "shop.db")
    open_shop(f"sqlite:///{shop_path}", seed="tau2").close()
    values = shoppers_values(shop_path)
    email, street, pmid = (sorted(values[k])[0] for k in ("email", "street address", "payment-method id"))
    for line in (f"a shopper wrote {email.upper()}", f"ship to {street.title()}", f"refund to {pmid}",
                 "call me at (650) 253-0000", "zip 98101 please" if "98101" in values["zip"] else "zip 98101, x@y.cn"):
        assert leaks(f"INFO agent: {line}\n", values), line
    clean = 'INFO:     127.0.0.1:41234 - "POST /v1/chat HTTP/1.1" 200 OK\nINFO:     Started server process [80279]\n'
    assert leaks(clean, values) == []


def test_the_log_filter_masks_messages_arguments_and_tracebacks():
    import io
    import logging

    from uvicorn.logging import AccessFormatter

    from guardrails.live import PersonalDataInLogs

    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(PersonalDataInLogs(privacy_rails()))
    logger = logging.getLogger("tests.log_audit")
    logger.addHandler(handler)
    logger.propagate, level = False, logger.level
    logger.setLevel(logging.INFO)
    try:
        logger.warning("shopper %s paid with %s, %d items", "li.lei@example.com", "credit_card_7815826", 3)
        try:
            raise ValueError("no such address: 450 Pine Lane, Seattle; call 13812345678")
        except ValueError:
            logger.exception("turn %s failed", "r_1")
        handler.setFormatter(AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False))
        logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/v1/x?email=li.lei@example.com", "1.1", 200)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    written = out.getvalue()
    assert "li.lei" not in written and "credit_card_7815826" not in written and "Pine Lane" not in written
    assert "13812345678" not in written and "[PAYMENT_METHOD], 3 items" in written
    assert "ValueError: no such address: [ADDRESS_1], Seattle; call [PHONE_1]" in written
    assert '127.0.0.1:5000 - "GET /v1/x?email=[EMAIL_1] HTTP/1.1" 200' in written
