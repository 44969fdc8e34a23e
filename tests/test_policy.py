"""The policy file: shipped default is valid and matches the policy text; overrides are validated."""
from __future__ import annotations

import re

import pytest
import yaml

from lint_rules.errors import InputError
from lint_rules.policy import load_policy

from .helpers import shared_dir

DEFAULT = load_policy()


def test_default_policy_retention_table():
    assert DEFAULT.retention_days("cloudtrail") == 2557
    assert DEFAULT.retention_days("config") == 2557
    for one_year in ("vpc_flow_logs", "security_findings", "application_logs", "s3_access_logs", "ssm_sessions"):
        assert DEFAULT.retention_days(one_year) == 365


def test_default_policy_mirrors_policy_text():
    text_path = shared_dir() / "policy" / "audit-logging-policy.md"
    if not text_path.exists():
        pytest.skip(f"policy text not found at {text_path}")
    text = text_path.read_text()
    rows = re.findall(r"^\| ([^|]+) \| ([^|]+) \| (\d+) years? \|$", text, re.M)
    assert rows, "the Log Sources table was not found"
    by_source = {s["source"]: s for s in DEFAULT.data["log_sources"]}
    assert set(by_source) == {r[0] for r in rows}
    for source, tool, years in rows:
        days = by_source[source]["retention_days"]
        assert days == (2557 if years == "7" else 365 * int(years)), source
        assert by_source[source]["tool"] == tool
    for alert in DEFAULT.alerting:
        assert f"| {alert['condition']} | {alert['alert']} |" in text


def test_override_policy(tmp_path):
    data = dict(DEFAULT.data)
    data["screenshot_bucket"] = "*shots*"
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    assert load_policy(path).screenshot_bucket == "*shots*"


@pytest.mark.parametrize("mutate, needle", [
    (lambda d: d.pop("log_sources"), "log_sources"),
    (lambda d: d["log_sources"][0].__setitem__("retention_days", "7y"), "log_sources/0/retention_days"),
    (lambda d: d.__setitem__("suppressions", [{"rule": "CT-001"}]), "suppressions/0"),
    (lambda d: d.__setitem__("surprise", 1), "surprise"),
])
def test_invalid_policy_is_one_line_input_error(tmp_path, mutate, needle):
    data = yaml.safe_load(yaml.safe_dump(DEFAULT.data, allow_unicode=True))
    mutate(data)
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(InputError) as exc:
        load_policy(path)
    assert "\n" not in str(exc.value) and needle in str(exc.value) and "p.yaml" in str(exc.value)


def test_policy_yaml_syntax_error(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("version: [1\n")
    with pytest.raises(InputError) as exc:
        load_policy(path)
    assert "p.yaml" in str(exc.value) and "\n" not in str(exc.value)


def test_a_policy_without_a_log_source_the_rules_read_is_refused(tmp_path):
    """A retention rule reads its log source's row: a policy file without it is an input error (exit 2),
    not a crash when the rule runs and not a rule silently left out."""
    data = yaml.safe_load(yaml.safe_dump(DEFAULT.data, allow_unicode=True))
    data["log_sources"] = [s for s in data["log_sources"] if s["id"] != "vpc_flow_logs"]
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(InputError) as info:
        load_policy(str(path))
    assert "no log source with id 'vpc_flow_logs'" in str(info.value) and "\n" not in str(info.value)


def test_the_required_log_sources_are_those_the_rules_read():
    from lint_rules.engine import all_rules
    from lint_rules.policy import LOG_SOURCE_IDS

    read = {getattr(r, "source_id", None) for r in all_rules()} - {None}
    assert read <= set(LOG_SOURCE_IDS)
    assert set(LOG_SOURCE_IDS) == {s["id"] for s in load_policy(None).data["log_sources"]}
