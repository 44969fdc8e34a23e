"""APP-003: metric filters on the application log groups count login failures and authorization
denials of the audit-event contract."""
from __future__ import annotations

import copy

import pytest

from lint_rules.policy import Policy
from lint_rules.rules.app_metric_filters import counts

from ..helpers import POLICY, lint_hcl, lint_plan
from ..planbuilder import PlanBuilder

RULE = "APP-003"

GROUPS = '''
resource "aws_cloudwatch_log_group" "django" {
  name = "/app/django"
}

resource "aws_cloudwatch_log_group" "web" {
  name = "/legacy/web"
}
'''


def metric_filter(name: str, pattern: str, group: str = "aws_cloudwatch_log_group.django.name") -> str:
    pattern = pattern.replace("\\", "\\\\").replace('"', '\\"')
    return f'''
resource "aws_cloudwatch_log_metric_filter" "{name}" {{
  name           = "{name}"
  log_group_name = {group}
  pattern        = "{pattern}"
  metric_transformation {{
    name      = "{name}"
    namespace = "App/Audit"
    value     = "1"
  }}
}}
'''


def lint(tmp_path, body: str, policy=None):
    report = lint_hcl(tmp_path, GROUPS + body, rule=RULE, policy=policy)
    (finding,) = report.findings
    assert finding.resource == "aws_cloudwatch_log_group.django"
    return finding


BOTH = (metric_filter("failures", '{ $.event = "auth.login.failure" }')
        + metric_filter("denied", '{ $.event = "authz.denied" }'))


def test_both_filters_pass(tmp_path):
    f = lint(tmp_path, BOTH)
    assert f.status == "pass", f.message
    assert "aws_cloudwatch_log_metric_filter.failures" in f.message


def test_no_filter_fails_naming_both_events(tmp_path):
    f = lint(tmp_path, "")
    assert f.status == "fail"
    assert "auth.login.failure" in f.message and "authz.denied" in f.message


def test_one_missing_fails_naming_it(tmp_path):
    f = lint(tmp_path, metric_filter("failures", '{ $.event = "auth.login.failure" }'))
    assert f.status == "fail" and "authz.denied" in f.message and "auth.login.failure (" not in f.message


def test_filter_on_another_group_does_not_count_and_is_named(tmp_path):
    body = BOTH.replace("aws_cloudwatch_log_group.django.name", "aws_cloudwatch_log_group.web.name")
    f = lint(tmp_path, body)
    assert f.status == "fail"
    assert 'counts it on log group "/legacy/web", not this one' in f.message


def test_a_match_everything_pattern_counts_nothing(tmp_path):
    f = lint(tmp_path, metric_filter("all", ""))
    assert f.status == "fail"


@pytest.mark.parametrize("pattern, event, expected", [
    ('{ $.event = "auth.login.failure" }', "auth.login.failure", True),
    ('{ $.event = "auth.login.*" }', "auth.login.failure", False),  # also counts successful logins
    ('{ $.event = "auth.login.failure" || $.event = "authz.denied" }', "authz.denied", True),
    ('{ ($.event = "authz.denied") && ($.outcome = "denied") }', "authz.denied", True),
    ('"auth.login.failure"', "auth.login.failure", True),
    ('{ $.level = "ERROR" }', "auth.login.failure", False),
    ('{ $.outcome = "failure" }', "auth.login.failure", True),
])
def test_patterns_are_judged_by_what_they_match(pattern, event, expected):
    assert counts(pattern, event, "django") is expected


def test_events_come_from_the_policy_file(tmp_path):
    data = copy.deepcopy(POLICY.data)
    data.setdefault("application_logging", {})["metric_filter_events"] = ["auth.login.failure"]
    policy = Policy(data=data, source="<test>")
    assert lint(tmp_path, metric_filter("f", '{ $.event = "auth.login.failure" }'), policy=policy).status == "pass"


def test_pattern_not_known_is_unknown(tmp_path):
    body = '''
variable "pattern" {
  type = string
}
''' + BOTH.replace('pattern        = "{ $.event = \\"authz.denied\\" }"', "pattern        = var.pattern")
    f = lint(tmp_path, body)
    assert f.status == "unknown", f.message


# --- plan form ------------------------------------------------------------------------------------

def plan(filters: dict[str, tuple[str, str]]) -> dict:
    p = PlanBuilder()
    for name, group in (("django", "/app/django"), ("web", "/legacy/web")):
        p.resource(f"aws_cloudwatch_log_group.{name}", {"name": group}, unknown=["arn", "id"])
    for name, (group, pattern) in filters.items():
        p.resource(f"aws_cloudwatch_log_metric_filter.{name}",
                   {"name": name, "log_group_name": group, "pattern": pattern,
                    "metric_transformation": [{"name": name, "namespace": "App/Audit", "value": "1",
                                               "default_value": None, "dimensions": None, "unit": "None"}]},
                   unknown=["id"], refs={"log_group_name": [f"aws_cloudwatch_log_group.{group.split('/')[-1]}.name"]})
    return p.build()


@pytest.mark.parametrize("filters, status", [
    ({"f": ("/app/django", '{ $.event = "auth.login.failure" }'),
      "d": ("/app/django", '{ $.event = "authz.denied" }')}, "pass"),
    ({"f": ("/app/django", '{ $.event = "auth.login.failure" }')}, "fail"),
    ({"f": ("/legacy/web", '{ $.event = "auth.login.failure" }'),
      "d": ("/legacy/web", '{ $.event = "authz.denied" }')}, "fail"),
    ({}, "fail"),
])
def test_plan(filters, status):
    report = lint_plan(plan(filters), rule=RULE)
    (finding,) = report.findings
    assert finding.resource == "aws_cloudwatch_log_group.django"
    assert finding.status == status, finding.message


def test_plan_a_filter_counts_for_the_group_of_its_own_account_only():
    """Both accounts have a /app/django group; only NVS's has filters.  The filters name the group
    (no reference), so only the account tells the two groups apart."""
    p = PlanBuilder()
    p.provider("aws", region="us-east-1", allowed_account_ids=["111111111111"])
    p.provider("aws.nhc", region="us-east-1", allowed_account_ids=["222222222222"])
    for name, provider in (("nvs", "aws"), ("nhc", "aws.nhc")):
        p.resource(f"aws_cloudwatch_log_group.{name}", {"name": "/app/django"}, unknown=["arn", "id"],
                   provider=provider)
    for event in ("auth.login.failure", "authz.denied"):
        name = event.replace(".", "_")
        p.resource(f"aws_cloudwatch_log_metric_filter.{name}",
                   {"name": name, "log_group_name": "/app/django", "pattern": f'{{ $.event = "{event}" }}',
                    "metric_transformation": [{"name": name, "namespace": "App/Audit", "value": "1",
                                               "default_value": None, "dimensions": None, "unit": "None"}]},
                   unknown=["id"])
    report = lint_plan(p.build(), rule=RULE)
    got = {f.resource: f.status for f in report.findings}
    assert got == {"aws_cloudwatch_log_group.nvs": "pass", "aws_cloudwatch_log_group.nhc": "fail"}, \
        [f.message for f in report.findings]
