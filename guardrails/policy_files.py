"""Reading and validating policy YAML, with errors that point at the line a prompt engineer must fix.

PyYAML's composed node tree keeps every value's line; we construct the data from that same tree and
index lines by JSON path, so a JSON Schema error (which knows only a path) can name its line.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SCHEMA_PATH = Path(__file__).with_name("policy.schema.json")


@dataclass(frozen=True)
class PolicyError:
    line: int  # 1-based; 0 when the whole file is at fault
    path: str  # dotted JSON path inside the policy, "" for the file
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}{' (' + self.path + ')' if self.path else ''}: {self.message}"


class PolicyInvalid(ValueError):
    def __init__(self, source: str, errors: list[PolicyError]):
        self.source, self.errors = source, errors
        super().__init__("\n".join(f"{source}:{e}" for e in errors))


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _index_lines(node: yaml.Node, path: tuple, lines: dict, errors: list[PolicyError]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:  # PyYAML keeps the last silently; an editor's typo would vanish
                errors.append(PolicyError(key_node.start_mark.line + 1, _dotted(path + (key,)),
                                          f"duplicate key {key!r}"))
            seen.add(key)
            _index_lines(value_node, path + (key,), lines, errors)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index_lines(item, path + (i,), lines, errors)


def _dotted(path) -> str:
    return ".".join(str(p) for p in path)


def _line_of(lines: dict, path: tuple) -> int:
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 0)


def _check_patterns(doc: dict, lines: dict) -> list[PolicyError]:
    """The schema cannot tell a broken regex; compile each one here so the line is known."""
    errors = []

    def check(pattern: Any, path: tuple) -> None:
        if isinstance(pattern, str):
            try:
                re.compile(pattern)
            except re.error as exc:
                errors.append(PolicyError(_line_of(lines, path), _dotted(path), f"bad regular expression: {exc}"))

    for section in ("rules", "pii"):
        for i, rule in enumerate(doc.get(section) or []):
            for j, pattern in enumerate((rule or {}).get("patterns") or []):
                check(pattern, (section, i, "patterns", j))
    for section, items in (("banned", doc.get("banned")), ("address", (doc.get("address") or {}).get("avoid"))):
        for i, item in enumerate(items or []):
            path = (section, i, "pattern") if section == "banned" else ("address", "avoid", i, "pattern")
            check((item or {}).get("pattern"), path)
    return errors


def _check_unique_ids(doc: dict, lines: dict) -> list[PolicyError]:
    errors, seen = [], set()
    for section in ("rules", "banned"):
        for i, item in enumerate(doc.get(section) or []):
            rule_id = (item or {}).get("id")
            if rule_id in seen:
                errors.append(PolicyError(_line_of(lines, (section, i, "id")), _dotted((section, i, "id")),
                                          f"rule id {rule_id!r} is used twice in this policy"))
            seen.add(rule_id)
    return errors


def parse_policy(text: str, source: str = "<policy>", expected_id: str | None = None) -> dict:
    """The policy as a dict, or PolicyInvalid listing every problem with its line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        doc = yaml.SafeLoader("").construct_document(node) if node is not None else None  # e.g. an unknown tag
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise PolicyInvalid(source, [PolicyError(mark.line + 1 if mark else 0, "", f"YAML: {exc.problem}")])
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (control characters)
        line = text.count("\n", 0, exc.position) + 1
        raise PolicyInvalid(source, [PolicyError(line, "", f"YAML: character #x{exc.character:04x} is not allowed"
                                                 if isinstance(exc.character, int) else f"YAML: {exc.reason}")])
    if node is None:
        raise PolicyInvalid(source, [PolicyError(0, "", "the file is empty")])
    lines: dict = {}
    errors: list[PolicyError] = []
    _index_lines(node, (), lines, errors)
    if not isinstance(doc, dict):
        raise PolicyInvalid(source, [PolicyError(1, "", "a policy is a mapping of keys to values")])
    for err in sorted(_validator().iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        path = tuple(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            # point at the stray key itself (usually a typo), not at the mapping that holds it
            extra = [k for k in err.instance if k not in err.schema.get("properties", {})]
            path = path + (extra[0],) if extra else path
        errors.append(PolicyError(_line_of(lines, path), _dotted(path), err.message))
    if not errors:  # the shape is right, so the deeper checks can trust it
        errors += _check_patterns(doc, lines) + _check_unique_ids(doc, lines)
    if expected_id and doc.get("id") != expected_id:
        errors.append(PolicyError(_line_of(lines, ("id",)), "id",
                                  f"id {doc.get('id')!r} must equal the policy's name {expected_id!r}"))
    if errors:
        raise PolicyInvalid(source, sorted(set(errors), key=lambda e: (e.line, e.path, e.message)))
    return doc


def read_policy_dir(policy_dir: str | Path) -> dict[str, str]:
    """{policy_id: yaml text} for every *.yaml file; the id is the file name."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(Path(policy_dir).glob("*.yaml"))}
