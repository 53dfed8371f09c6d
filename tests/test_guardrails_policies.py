"""Policy files: schema validation with line numbers, and the CLI that CI runs."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from guardrails import PolicyInvalid, parse_policy

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "guardrails" / "policies"


def errors_of(text: str, expected_id: str = "topics"):
    with pytest.raises(PolicyInvalid) as caught:
        parse_policy(text, f"{expected_id}.yaml", expected_id=expected_id)
    return caught.value.errors


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def topics() -> str:
    return (POLICIES / "topics.yaml").read_text(encoding="utf-8")


def test_bad_enum_value_names_its_line():
    text = topics().replace("    action: block\n    unless_shop_terms: true\n    patterns:\n      - 天气",
                            "    action: blok\n    unless_shop_terms: true\n    patterns:\n      - 天气", 1)
    [err] = errors_of(text)
    assert err.line == line_of(text, "action: blok") and err.path == "rules.0.action" and "blok" in err.message


def test_misspelt_key_points_at_the_key_not_the_file():
    text = topics().replace("\ntitle: ", "\ntitel: ", 1)
    errs = errors_of(text)
    assert {e.line for e in errs if "titel" in e.message} == {line_of(text, "titel:")}
    assert any("'title' is a required property" in e.message for e in errs)


def test_broken_regex_names_its_line():
    text = topics().replace("      - 天气(", "      - (天气(", 1)
    [err] = errors_of(text)
    assert err.line == line_of(text, "- (天气(") and "regular expression" in err.message


def test_yaml_syntax_error_names_its_line():
    text = "id: topics\nkind: topics\ntitle: [unclosed\nrules: []\n"
    [err] = errors_of(text)
    assert err.line in (3, 4) and err.message.startswith("YAML")


def test_duplicate_keys_and_rule_ids_are_caught():
    text = topics().replace("title: ", "owner: a\ntitle: ", 1)
    assert any("duplicate key 'owner'" in e.message for e in errors_of(text))
    text = topics().replace("  - id: coding", "  - id: weather", 1)
    err = next(e for e in errors_of(text) if "used twice" in e.message)
    assert err.line == line_of(text, "  - id: weather") or err.line > line_of(text, "  - id: weather")


def test_id_must_match_the_file_name_and_kind_needs_its_sections():
    assert any("must equal" in e.message for e in errors_of(topics(), expected_id="scope"))
    errs = errors_of("id: topics\nkind: topics\ntitle: Scope\n")
    assert {"'in_scope' is a required property", "'rules' is a required property"} <= {e.message for e in errs}


def test_block_rule_needs_a_reply_in_the_shoppers_language():
    text = topics().replace("    reply: *decline\n", "", 1)
    assert any("'reply' is a required property" in e.message for e in errors_of(text))


def run_cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "guardrails", *args], cwd=cwd, capture_output=True, text=True)


def test_cli_check_and_test_pass_on_the_shipped_policies():
    checked = run_cli("check")
    assert checked.returncode == 0, checked.stdout
    assert f"{len(list(POLICIES.glob('*.yaml')))} valid, 0 invalid" in checked.stdout
    tested = run_cli("test")
    assert tested.returncode == 0, tested.stdout
    assert " 0 failed" in tested.stdout and "FAIL" not in tested.stdout


def test_cli_exits_non_zero_on_a_broken_policy_or_a_failing_example(tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(POLICIES, broken)
    (broken / "topics.yaml").write_text(topics().replace("action: block", "action: blok", 1), encoding="utf-8")
    checked = run_cli("check", "--policy-dir", str(broken))
    assert checked.returncode == 1 and "topics.yaml:" in checked.stdout and "blok" in checked.stdout

    wrong = tmp_path / "wrong"
    shutil.copytree(POLICIES, wrong)
    text = topics().replace("  - input: 今天天气怎么样\n    language: zh\n    expect: block",
                            "  - input: 今天天气怎么样\n    language: zh\n    expect: pass", 1)
    (wrong / "topics.yaml").write_text(text, encoding="utf-8")
    tested = run_cli("test", "--policy-dir", str(wrong))
    assert tested.returncode == 1
    assert any(line.startswith("topics") and "FAIL" in line for line in tested.stdout.splitlines())
    assert "1 failed" in tested.stdout


def test_the_set_needs_one_brand_voice_per_language(tmp_path):
    shutil.copytree(POLICIES, tmp_path / "policies")
    (tmp_path / "policies" / "brand_voice_en.yaml").unlink()
    checked = run_cli("check", "--policy-dir", str(tmp_path / "policies"))
    assert checked.returncode == 1 and "brand_voice policy for 'en'" in checked.stdout
