"""Application log groups (APP-001), in HCL and plan form."""
from __future__ import annotations

import copy

from lint_rules.engine import ACCOUNT
from lint_rules.policy import Policy

from ..helpers import POLICY, lint_hcl, lint_plan, verdicts
from ..planbuilder import PlanBuilder


def group(name: str, attr: str = "name") -> str:
    return f'resource "aws_cloudwatch_log_group" "{name.strip("/").replace("/", "_")}" {{\n  {attr} = "{name}"\n}}\n'


def test_both_applications_have_log_groups(tmp_path):
    files = {"main.tf": group("/app/django") + group("/app/laravel/access")}
    assert verdicts(lint_hcl(tmp_path, files, rule="APP-001")) == {
        "aws_cloudwatch_log_group.app_django": "pass", "aws_cloudwatch_log_group.app_laravel_access": "pass"}


def test_missing_application_log_group_fails_on_account(tmp_path):
    report = lint_hcl(tmp_path, {"main.tf": group("/app/django") + group("/other/php")}, rule="APP-001")
    assert verdicts(report) == {"aws_cloudwatch_log_group.app_django": "pass", ACCOUNT: "fail"}
    assert "laravel" in [f for f in report.findings if f.resource == ACCOUNT][0].message


def test_name_prefix_counts(tmp_path):
    files = {"main.tf": group("/app/django-", "name_prefix") + group("/app/laravel-", "name_prefix")}
    assert set(verdicts(lint_hcl(tmp_path, files, rule="APP-001")).values()) == {"pass"}


def test_globs_come_from_the_policy(tmp_path):
    data = copy.deepcopy(POLICY.data)
    data["application_log_groups"] = {"django": "/svc/django*"}
    policy = Policy(data=data, source="<test>")
    files = {"main.tf": group("/app/django")}
    assert verdicts(lint_hcl(tmp_path, files, rule="APP-001", policy=policy)) == {ACCOUNT: "fail"}


def test_plan_app_log_groups():
    p = PlanBuilder()
    p.resource("aws_cloudwatch_log_group.django", {"name": "/app/django"}, unknown=["arn"])
    p.resource("aws_cloudwatch_log_group.random", {}, unknown=["name", "arn"])
    report = lint_plan(p.build(), rule="APP-001")
    # django found; laravel not, and one group's name is not known -> unknown, not fail and not pass
    assert verdicts(report) == {"aws_cloudwatch_log_group.django": "pass", ACCOUNT: "unknown"}

    p = PlanBuilder()
    p.resource("aws_cloudwatch_log_group.django", {"name": "/app/django"}, unknown=["arn"])
    assert verdicts(lint_plan(p.build(), rule="APP-001")) == {
        "aws_cloudwatch_log_group.django": "pass", ACCOUNT: "fail"}


def test_any_name_that_names_the_framework_counts(tmp_path):
    files = {"main.tf": group("/ecs/patient-portal-django") + group("billing-laravel-access")}
    assert set(verdicts(lint_hcl(tmp_path, files, rule="APP-001")).values()) == {"pass"}
