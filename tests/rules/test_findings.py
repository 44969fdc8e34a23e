"""GuardDuty / Security Hub rules (FND-001 .. FND-004), in HCL and plan form."""
from __future__ import annotations

import pytest

from lint_rules.engine import ACCOUNT

from ..helpers import lint_hcl, lint_plan, verdicts
from ..planbuilder import PlanBuilder

DET = "aws_guardduty_detector.d"
EXPORT = '''
resource "aws_guardduty_publishing_destination" "p" {
  detector_id     = aws_guardduty_detector.d.id
  destination_arn = "arn:aws:s3:::acme-findings"
  kms_key_arn     = "arn:aws:kms:us-east-1:111122223333:key/abc"
}
'''
HUB = 'resource "aws_securityhub_account" "this" {\n  enable_default_standards = false\n}\n'
STANDARD = '''
resource "aws_securityhub_standards_subscription" "fsbp" {
  depends_on    = [aws_securityhub_account.this]
  standards_arn = "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"
}
'''


def detector(enable: str | None = "true") -> str:
    body = f"  enable = {enable}\n" if enable is not None else ""
    return f'resource "aws_guardduty_detector" "d" {{\n{body}}}\n'


@pytest.mark.parametrize("enable,status", [("true", "pass"), (None, "pass"), ("false", "fail")])
def test_guardduty_enabled(tmp_path, enable, status):
    assert verdicts(lint_hcl(tmp_path, {"main.tf": detector(enable)}, rule="FND-001")) == {DET: status}


def test_no_guardduty_is_an_account_failure(tmp_path):
    assert verdicts(lint_hcl(tmp_path, {"main.tf": HUB}, rule="FND-001")) == {ACCOUNT: "fail"}


def test_securityhub(tmp_path):
    assert verdicts(lint_hcl(tmp_path, {"main.tf": HUB + STANDARD}, rule="FND-002")) == {
        "aws_securityhub_account.this": "pass"}
    assert verdicts(lint_hcl(tmp_path / "no", {"main.tf": detector()}, rule="FND-002")) == {ACCOUNT: "fail"}


def test_standards_subscription(tmp_path):
    assert verdicts(lint_hcl(tmp_path, {"main.tf": HUB + STANDARD}, rule="FND-003")) == {
        "aws_securityhub_standards_subscription.fsbp": "pass"}
    assert verdicts(lint_hcl(tmp_path / "no", {"main.tf": HUB}, rule="FND-003")) == {ACCOUNT: "fail"}


@pytest.mark.parametrize("setting", ["", "  enable_default_standards = true\n"])
def test_default_standards_count_as_subscribed(tmp_path, setting):
    hub = f'resource "aws_securityhub_account" "this" {{\n{setting}}}\n'
    assert verdicts(lint_hcl(tmp_path, {"main.tf": hub}, rule="FND-003")) == {"aws_securityhub_account.this": "pass"}


def test_guardduty_export(tmp_path):
    assert verdicts(lint_hcl(tmp_path, {"main.tf": detector() + EXPORT}, rule="FND-004")) == {DET: "pass"}
    assert verdicts(lint_hcl(tmp_path / "no", {"main.tf": detector()}, rule="FND-004")) == {DET: "fail"}


def test_export_for_another_detector_does_not_count(tmp_path):
    other = EXPORT.replace("aws_guardduty_detector.d.id", '"0123456789abcdef"')
    assert verdicts(lint_hcl(tmp_path, {"main.tf": detector() + other}, rule="FND-004")) == {DET: "fail"}


def test_plan_findings():
    p = PlanBuilder()
    p.resource(DET, {"enable": False}, unknown=["id", "arn", "account_id"])
    p.resource("aws_securityhub_account.this", {"enable_default_standards": True}, unknown=["id", "arn"])
    doc = p.build()
    assert verdicts(lint_plan(doc, rule="FND-001")) == {DET: "fail"}
    assert verdicts(lint_plan(doc, rule="FND-002")) == {"aws_securityhub_account.this": "pass"}
    # enable_default_standards = true subscribes AWS's default standards
    assert verdicts(lint_plan(doc, rule="FND-003")) == {"aws_securityhub_account.this": "pass"}
    assert verdicts(lint_plan(doc, rule="FND-004")) == {DET: "fail"}
    doc["resource_changes"][1]["change"]["after"]["enable_default_standards"] = False
    assert verdicts(lint_plan(doc, rule="FND-003")) == {ACCOUNT: "fail"}

    p = PlanBuilder()
    p.resource(DET, {"enable": True}, unknown=["id", "arn"])
    p.resource("aws_securityhub_standards_subscription.fsbp", {"standards_arn": "arn:aws:securityhub:::ruleset/cis"})
    p.resource("aws_guardduty_publishing_destination.p", {"destination_type": "S3",
                                                          "destination_arn": "arn:aws:s3:::acme-findings",
                                                          "kms_key_arn": "arn:aws:kms:us-east-1:1:key/k"},
               unknown=["detector_id"], refs={"detector_id": ["aws_guardduty_detector.d.id"]})
    doc = p.build()
    assert verdicts(lint_plan(doc, rule="FND-001")) == {DET: "pass"}
    assert verdicts(lint_plan(doc, rule="FND-003")) == {"aws_securityhub_standards_subscription.fsbp": "pass"}
    assert verdicts(lint_plan(doc, rule="FND-004")) == {DET: "pass"}
    assert verdicts(lint_plan(doc, rule="FND-002")) == {ACCOUNT: "fail"}  # no aws_securityhub_account


def eventbridge_export(retention: int, source: str = "aws.guardduty") -> str:
    return f'''
resource "aws_cloudwatch_event_rule" "gd" {{
  name          = "guardduty-findings"
  event_pattern = jsonencode({{ source = ["{source}"], "detail-type" = ["GuardDuty Finding"] }})
}}
resource "aws_cloudwatch_log_group" "gd" {{
  name              = "/aws/events/guardduty"
  retention_in_days = {retention}
}}
resource "aws_cloudwatch_event_target" "gd" {{
  rule = aws_cloudwatch_event_rule.gd.name
  arn  = aws_cloudwatch_log_group.gd.arn
}}
'''


@pytest.mark.parametrize("retention, source, fnd, ret", [
    (365, "aws.guardduty", "pass", {"aws_cloudwatch_event_target.gd": "pass"}),
    (364, "aws.guardduty", "pass", {"aws_cloudwatch_event_target.gd": "fail"}),
    (365, "aws.ec2", "fail", {ACCOUNT: "fail"}),
])
def test_guardduty_export_through_eventbridge_to_a_log_group(tmp_path, retention, source, fnd, ret):
    files = {"main.tf": detector() + eventbridge_export(retention, source)}
    assert verdicts(lint_hcl(tmp_path, files, rule="FND-004")) == {DET: fnd}
    assert verdicts(lint_hcl(tmp_path / "ret", files, rule="RET-004")) == ret


def test_plan_guardduty_export_through_eventbridge():
    p = PlanBuilder()
    p.resource(DET, {"enable": True}, unknown=["id", "arn"])
    p.resource("aws_cloudwatch_event_rule.gd", {"name": "gd", "event_pattern": '{"source":["aws.guardduty"]}'},
               unknown=["arn"])
    p.resource("aws_cloudwatch_log_group.gd", {"name": "/aws/events/gd", "retention_in_days": 400}, unknown=["arn"])
    p.resource("aws_cloudwatch_event_target.gd", {}, unknown=["rule", "arn"],
               refs={"rule": ["aws_cloudwatch_event_rule.gd.name"], "arn": ["aws_cloudwatch_log_group.gd.arn"]})
    doc = p.build()
    assert verdicts(lint_plan(doc, rule="FND-004")) == {DET: "pass"}
    assert verdicts(lint_plan(doc, rule="RET-004")) == {"aws_cloudwatch_event_target.gd": "pass"}
