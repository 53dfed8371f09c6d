"""The admin API's staff tokens and roles, and its policy part for prompt engineers: list, read, validate,
run a draft's examples, check it for conflicts (guardrails/review.py), diff, dry-run, publish, roll back, audit.

Separate from the shopper API; every call carries a staff member's bearer token, and each token has a role:
a prompt engineer edits policies, an operator reads metrics and hand-offs, an admin does both. Only the
tokens' SHA-256 digests are configured (ADMIN_TOKENS). The gateway mounts it under /admin:
    staff = StaffTokens(settings.admin_tokens, settings.admin_token)
    app.include_router(make_admin_router(store, staff), prefix="/admin")
Publishing goes through the PolicyStore, whose watchers reload every running engine; each change's audit
entry names the token that made it. Errors are {"error": {"code", "message"}} like the shopper API (auth
errors arrive as HTTPException detail; the gateway's handler wraps them the same way).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import asdict, dataclass
from typing import Any, Callable, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from guardrails.engine import compile_policies
from guardrails.examples import run_all
from guardrails.policy_files import SCHEMA_PATH, PolicyInvalid, parse_policy
from guardrails.review import conflicts, with_draft
from guardrails.store import PolicyStore, diff

POLICY_ID = r"^[a-z][a-z0-9_]*$"
# what each role may do; a route asks for one permission
ROLES: dict[str, frozenset[str]] = {
    "prompt_engineer": frozenset({"policies"}),
    "operator": frozenset({"metrics", "handoffs"}),
    "admin": frozenset({"policies", "metrics", "handoffs"}),
}
_ENTRY = re.compile(r"^(?P<name>[\w.@-]{1,64}):(?P<role>[a-z_]+):(?P<digest>[0-9a-fA-F]{64})$")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Staff:
    """Who a token belongs to, as the audit log names them."""
    name: str
    role: str

    @property
    def actor(self) -> str:
        return f"{self.name} ({self.role})"


def parse_staff_tokens(text: str) -> dict[str, Staff]:
    """ADMIN_TOKENS: comma-separated NAME:ROLE:SHA256HEX entries → digest → Staff. ValueError on any typo."""
    tokens: dict[str, Staff] = {}
    for raw in filter(None, (part.strip() for part in text.split(","))):
        match = _ENTRY.match(raw)
        if not match:
            raise ValueError(f"ADMIN_TOKENS entry {raw[:24]!r}… is not NAME:ROLE:SHA256HEX")
        name, role, digest = match["name"], match["role"], match["digest"].lower()
        if role not in ROLES:
            raise ValueError(f"ADMIN_TOKENS: {name}'s role {role!r} is not one of {', '.join(ROLES)}")
        if digest in tokens or any(s.name == name for s in tokens.values()):
            raise ValueError(f"ADMIN_TOKENS: {name} or its digest is listed twice")
        tokens[digest] = Staff(name, role)
    return tokens


class StaffTokens:
    """The admin API's tokens, known only by their SHA-256 digests. `admin_token` is the older single
    ADMIN_TOKEN setting, kept working as a token named "admin" with the admin role."""

    def __init__(self, entries: str = "", admin_token: str = "") -> None:
        self._by_digest = parse_staff_tokens(entries)
        if admin_token:
            self._by_digest.setdefault(token_digest(admin_token), Staff("admin", "admin"))

    def __bool__(self) -> bool:
        return bool(self._by_digest)

    def who(self, token: str) -> Staff | None:
        digest, found = token_digest(token), None
        for known, staff in self._by_digest.items():  # compared in constant time, every one
            if hmac.compare_digest(known, digest):
                found = staff
        return found

    def require(self, permission: str | None) -> Callable[..., Staff]:
        """A dependency: the caller's Staff, 401 without a bearer token, 403 for an unknown token or a role
        without `permission` (None: any role)."""
        bearer = HTTPBearer(auto_error=False, description="a staff token of the admin API (ADMIN_TOKENS)")

        def staff(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Staff:
            if credentials is None:
                raise HTTPException(status.HTTP_401_UNAUTHORIZED,
                                    {"code": "unauthorized", "message": "bearer token required"},
                                    headers={"WWW-Authenticate": "Bearer"})
            who = self.who(credentials.credentials)
            if who is None:
                raise HTTPException(status.HTTP_403_FORBIDDEN,
                                    {"code": "forbidden", "message": "unknown token, or the admin API is disabled"})
            if permission is not None and permission not in ROLES[who.role]:
                raise HTTPException(status.HTTP_403_FORBIDDEN, {
                    "code": "forbidden", "message": f"the {who.role} role may not use {permission}"})
            return who

        return staff


class AdminErrorBody(BaseModel):
    code: str
    message: str
    errors: list[dict] = Field(default_factory=list, description="policy errors: line, path, message")


class AdminErrorResponse(BaseModel):
    """The shopper API's error envelope, with a policy's errors (line, path, message) when it does not validate."""
    error: AdminErrorBody


class PolicySummary(BaseModel):
    policy_id: str
    kind: str
    title: str
    enabled: bool
    version: int
    author: str
    at: str


class PolicyVersionOut(BaseModel):
    policy_id: str
    version: int
    revision: int
    yaml: str
    author: str
    at: str
    comment: str


class PolicyDraft(BaseModel):
    yaml: str = Field(min_length=1, description="the policy file's full text")


class Publish(PolicyDraft):
    author: str = Field(min_length=1, max_length=120, description="who is publishing (kept in the audit log)")
    comment: str = Field("", max_length=500)


class Rollback(BaseModel):
    version: int = Field(ge=1, description="the earlier version to restore")
    author: str = Field(min_length=1, max_length=120)
    comment: str = Field("", max_length=500)


class PolicyErrorOut(BaseModel):
    line: int
    path: str
    message: str


class Validation(BaseModel):
    valid: bool
    errors: list[PolicyErrorOut]


class DryRun(BaseModel):
    text: str = Field(min_length=1, max_length=4000,
                      description="a shopper message (input), a reply (output) or a reply the LLM wrote (llm_output)")
    direction: Literal["input", "output", "llm_output"] = "input"
    language: Literal["zh", "en"] = "zh"
    facts: dict[str, Any] | None = Field(None, description="output rails: the turn's tool results")
    asked: str | None = Field(None, max_length=4000, description="output rails: the shopper's message the reply answers")
    policy_id: str | None = Field(None, pattern=POLICY_ID, description="with yaml: try this draft in place of the published one")
    yaml: str | None = None


class DryRunResult(BaseModel):
    action: str
    text: str | None
    reply: str | None
    policy_id: str | None
    rule: str | None
    hits: list[str]
    version: str = Field(description="the policy set the dry run used (draft included)")


class AuditEntryOut(BaseModel):
    revision: int
    policy_id: str
    version: int
    action: str
    author: str
    at: str
    comment: str
    diff: str
    actor: str = Field(description="the admin-API token that made the change, as \"name (role)\"; empty for seeds")


class StaffOut(BaseModel):
    name: str
    role: str


class ExampleOut(BaseModel):
    number: int = Field(description="1-based position in the policy's examples")
    direction: Literal["input", "output", "mask"]
    expected: str
    got: str
    ok: bool
    detail: str = Field(description="why it failed beyond the action, e.g. the reply it became")
    rule: str = Field(description="the first \"policy_id/rule\" that acted on it; empty when none did")


class ExampleRun(BaseModel):
    version: str = Field(description="the policy set the examples ran on (the draft in place)")
    passed: int
    failed: int
    results: list[ExampleOut]


class ConflictOut(BaseModel):
    source: Literal["example", "legitimate", "conversation"] = Field(
        description="a policy's `expect: pass` example, data/attacks/legitimate.jsonl, or a shopper turn of "
                    "data/conversations")
    case: str = Field(description="where it is kept: \"topics#3\", \"ok-001\", \"cancel-en-001#2\"")
    text: str
    direction: Literal["input", "output", "mask"]
    action: str = Field(description="what the draft does to it")
    rule: str = Field(description="the \"policy_id/rule\" that acted")


class ConflictCheck(BaseModel):
    checked: int = Field(description="legitimate cases played with the draft in place")
    conflicts: list[ConflictOut] = Field(description="those the draft stops and the published policies let through")


class DraftDiff(BaseModel):
    policy_id: str
    published_version: int | None = Field(description="the version the draft is compared with; null for a new policy")
    diff: str = Field(description="unified diff, published → draft; empty when they are the same")


def _error(status_code: int, code: str, message: str, errors: list | None = None) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "errors": errors or []}}
    return JSONResponse(status_code=status_code, content=body)


def _invalid(exc: PolicyInvalid) -> JSONResponse:
    return _error(422, "policy_invalid", "the policy does not validate; see errors",
                  [{"line": e.line, "path": e.path, "message": e.message} for e in exc.errors])


ERRORS = {401: {"model": AdminErrorResponse, "description": "no bearer token"},
          403: {"model": AdminErrorResponse, "description": "unknown token, a role without this permission, or the "
                                                       "admin API disabled"}}


def make_admin_router(store: PolicyStore, staff: StaffTokens) -> APIRouter:
    editor = staff.require("policies")
    router = APIRouter(prefix="/guardrails", tags=["guardrails admin"], dependencies=[Depends(editor)],
                       responses=ERRORS)

    @router.get("/schema", summary="The published JSON Schema every policy file follows")
    def schema() -> dict:
        return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))

    @router.get("/policies", response_model=list[PolicySummary], summary="Every published policy")
    def list_policies() -> list[PolicySummary]:
        out = []
        for policy_id in sorted(store.snapshot().policies):
            current = store.read(policy_id)
            doc = parse_policy(current.yaml, policy_id)
            out.append(PolicySummary(policy_id=policy_id, kind=doc["kind"], title=doc["title"],
                                     enabled=doc.get("enabled", True), version=current.version,
                                     author=current.author, at=current.at))
        return out

    @router.get("/policies/{policy_id}", response_model=PolicyVersionOut,
                responses={404: {"model": AdminErrorResponse}}, summary="A policy's current (or an earlier) version")
    def read_policy(policy_id: str, version: int | None = Query(None, ge=1)):
        found = store.read(policy_id, version)
        if found is None:
            return _error(404, "policy_not_found", f"no {policy_id}" + (f" v{version}" if version else ""))
        return PolicyVersionOut(**asdict(found))

    @router.get("/policies/{policy_id}/versions", response_model=list[PolicyVersionOut],
                summary="Every version of a policy, oldest first")
    def versions(policy_id: str) -> list[PolicyVersionOut]:
        return [PolicyVersionOut(**asdict(v)) for v in store.history(policy_id)]

    @router.post("/policies/{policy_id}/validate", response_model=Validation,
                 summary="Check a draft against the schema; errors carry line numbers")
    def validate(policy_id: str, draft: PolicyDraft) -> Validation:
        errors = store.validate(policy_id, draft.yaml)
        return Validation(valid=not errors, errors=[PolicyErrorOut(**asdict(e)) for e in errors])

    @router.get("/me", response_model=StaffOut, summary="Who the token belongs to (the console names the author)")
    def me(who: Staff = Depends(editor)) -> StaffOut:
        return StaffOut(name=who.name, role=who.role)

    @router.post("/policies/{policy_id}/examples", response_model=ExampleRun,
                 responses={422: {"model": AdminErrorResponse}},
                 summary="Run a draft's own examples through every policy, the draft in place of the published one")
    def examples(body: PolicyDraft, policy_id: str = Path(pattern=POLICY_ID)):
        try:
            _, draft = with_draft(store, policy_id, body.yaml)
        except PolicyInvalid as exc:
            return _invalid(exc)
        results = [ExampleOut(**asdict(r)) for r in run_all(draft, policy_id)]
        failed = sum(not r.ok for r in results)
        return ExampleRun(version=draft.version, passed=len(results) - failed, failed=failed, results=results)

    @router.post("/policies/{policy_id}/conflicts", response_model=ConflictCheck,
                 responses={422: {"model": AdminErrorResponse}},
                 summary="The legitimate examples and conversation-suite turns a draft would stop")
    def conflict_check(body: PolicyDraft, policy_id: str = Path(pattern=POLICY_ID)):
        try:
            published, draft = with_draft(store, policy_id, body.yaml)
        except PolicyInvalid as exc:
            return _invalid(exc)
        checked, found = conflicts(published, draft)
        return ConflictCheck(checked=checked, conflicts=[ConflictOut(**asdict(c)) for c in found])

    @router.post("/policies/{policy_id}/diff", response_model=DraftDiff,
                 summary="A draft against the published version, as the audit log will keep it")
    def draft_diff(body: PolicyDraft, policy_id: str = Path(pattern=POLICY_ID)) -> DraftDiff:
        current = store.read(policy_id)
        return DraftDiff(policy_id=policy_id, published_version=current.version if current else None,
                         diff=diff(policy_id, current, body.yaml))

    @router.post("/dry-run", response_model=DryRunResult, responses={422: {"model": AdminErrorResponse}},
                 summary="Run a sample message or reply through the published policies, or with a draft")
    def dry_run(body: DryRun):
        snapshot = store.snapshot()
        texts = dict(snapshot.policies)
        if body.yaml is not None:
            if not body.policy_id:
                return _error(422, "policy_id_required", "a draft needs the policy_id it replaces")
            texts[body.policy_id] = body.yaml
        try:
            policies = compile_policies(texts, snapshot.revision)
        except PolicyInvalid as exc:
            return _invalid(exc)
        if body.direction == "input":
            verdict = policies.check_input(body.text, body.language)
        else:
            verdict = policies.check_output(body.text, body.language, body.facts, body.direction == "llm_output",
                                            body.asked)
        return DryRunResult(**asdict(verdict), version=policies.version)

    @router.put("/policies/{policy_id}", response_model=PolicyVersionOut,
                responses={422: {"model": AdminErrorResponse}}, summary="Publish a new version to every worker")
    def publish(body: Publish, policy_id: str = Path(pattern=POLICY_ID, description="lower_snake_case"),
                who: Staff = Depends(editor)):
        try:
            compile_policies({**store.snapshot().policies, policy_id: body.yaml})  # the whole set must still work
            record = store.publish(policy_id, body.yaml, body.author, body.comment, actor=who.actor)
        except PolicyInvalid as exc:
            return _invalid(exc)
        return PolicyVersionOut(**asdict(record))

    @router.post("/policies/{policy_id}/rollback", response_model=PolicyVersionOut,
                 responses={404: {"model": AdminErrorResponse}}, summary="Restore an earlier version (as a new version)")
    def rollback(policy_id: str, body: Rollback, who: Staff = Depends(editor)):
        try:
            record = store.rollback(policy_id, body.version, body.author, body.comment, actor=who.actor)
        except KeyError:
            return _error(404, "version_not_found", f"{policy_id} has no version {body.version}")
        return PolicyVersionOut(**asdict(record))

    @router.get("/audit", response_model=list[AuditEntryOut], summary="Who changed what, when, with the diff")
    def audit(policy_id: str | None = None, limit: int = Query(100, ge=1, le=1000)) -> list[AuditEntryOut]:
        return [AuditEntryOut(**asdict(e)) for e in store.audit(policy_id, limit)]

    return router
