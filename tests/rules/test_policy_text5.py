"""The policy text read line by line (fifth pass): cases a test writer would write from
`audit-logging-policy.md` alone, in HCL and plan form, that gave a false verdict or a finding that
did not explain itself.  Each test fails on the code before its fix.
"""
from __future__ import annotations

import pytest

from lint_rules.policy import Policy

from ..helpers import POLICY, finding, lint_hcl, lint_plan, verdicts
from .test_alerting import GD_RULE, lint as lint_alerting, rule_block, target_block
from .test_cloudtrail import TRAIL, hcl as trail_files, plan as trail_plan, plan_trail_values, trail_hcl

ROTATION = Policy({**POLICY.data, "kms": {"require_key_rotation": True}}, "<rotation required>")


# =============================================================================
# "CloudTrail log files encrypted with KMS CMK": a key read by a data source is judged by what it
# names.  data "aws_kms_key" { key_id = "alias/aws/cloudtrail" } is the AWS-managed key: it PASSed
# as if it were a customer-managed key of the configuration.
# =============================================================================
def _trail_with_data_key(tmp_path, data_block: str, expr: str, policy=None):
    files = trail_files(trail_hcl(kms_key_id=expr), extra=data_block)
    return lint_hcl(tmp_path, files, rule="CT-005", policy=policy)


@pytest.mark.parametrize("key_id, status", [
    ("alias/aws/cloudtrail", "fail"),            # the AWS-managed key
    ("alias/acme-cloudtrail", "pass"),           # only a customer-managed key can carry a customer alias
    ("arn:aws:kms:us-east-1:111122223333:alias/acme-cloudtrail", "pass"),
    # a key id: CloudTrail can use no AWS-managed key (its policy cannot grant cloudtrail.amazonaws.com)
    ("1234abcd-12ab-34cd-56ef-1234567890ab", "pass"),
])
def test_ct005_data_kms_key_is_judged_by_what_it_names(tmp_path, key_id, status):
    report = _trail_with_data_key(tmp_path, f'data "aws_kms_key" "ct" {{\n  key_id = "{key_id}"\n}}\n',
                                  "data.aws_kms_key.ct.arn")
    f = finding(report, "CT-005", TRAIL)
    assert f.status == status, f.message
    assert "data.aws_kms_key.ct" in f.message


@pytest.mark.parametrize("name, status", [("alias/aws/cloudtrail", "fail"), ("alias/acme-cloudtrail", "pass")])
def test_ct005_data_kms_alias_is_judged_by_its_name(tmp_path, name, status):
    report = _trail_with_data_key(tmp_path, f'data "aws_kms_alias" "ct" {{\n  name = "{name}"\n}}\n',
                                  "data.aws_kms_alias.ct.target_key_arn")
    assert verdicts(report, "CT-005") == {TRAIL: status}


def test_ct005_data_key_outside_the_configuration_cannot_prove_rotation(tmp_path):
    report = _trail_with_data_key(tmp_path, 'data "aws_kms_key" "ct" {\n  key_id = "alias/acme-cloudtrail"\n}\n',
                                  "data.aws_kms_key.ct.arn", policy=ROTATION)
    assert verdicts(report, "CT-005") == {TRAIL: "unknown"}


def test_ct005_data_key_reading_a_key_of_the_configuration_is_that_key(tmp_path):
    data = 'data "aws_kms_key" "ct" {\n  key_id = aws_kms_key.trail.key_id\n}\n'
    report = _trail_with_data_key(tmp_path, data, "data.aws_kms_key.ct.arn", policy=ROTATION)
    assert verdicts(report, "CT-005") == {TRAIL: "pass"}


@pytest.mark.parametrize("value, status", [
    ("arn:aws:kms:us-east-1:111122223333:alias/acme-cloudtrail", "pass"),
    ("alias/acme-cloudtrail", "pass"),
    ("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "pass"),
    ("arn:aws:kms:us-east-1:111122223333:alias/aws/cloudtrail", "fail"),
    ("not-a-key-name", "unknown"),
])
def test_ct005_literal_key_names(tmp_path, value, status):
    report = lint_hcl(tmp_path, trail_files(trail_hcl(kms_key_id=f'"{value}"')), rule="CT-005")
    assert verdicts(report, "CT-005") == {TRAIL: status}


@pytest.mark.parametrize("value", ["arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                                   "alias/acme-cloudtrail"])
def test_ct005_outside_key_with_rotation_required_is_unknown(tmp_path, value):
    report = lint_hcl(tmp_path, trail_files(trail_hcl(kms_key_id=f'"{value}"')), rule="CT-005", policy=ROTATION)
    assert verdicts(report, "CT-005") == {TRAIL: "unknown"}


KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_key_arn_of_a_service_that_takes_only_cmks_passes_others_stay_unknown(tmp_path):
    """A key ARN from outside the configuration: a log group (CloudWatch Logs needs a key policy granting
    it, which no AWS-managed key has) passes; an SNS topic or an S3 bucket could use the ARN of the
    AWS-managed aws/sns or aws/s3 key, so they stay unknown."""
    report = lint_hcl(tmp_path, f'''
resource "aws_cloudwatch_log_group" "app" {{
  name       = "/app/django"
  kms_key_id = "{KEY_ARN}"
}}
resource "aws_sns_topic" "alerts" {{
  name              = "alerts"
  kms_master_key_id = "{KEY_ARN}"
}}
resource "aws_cloudwatch_metric_alarm" "a" {{
  alarm_name          = "a"
  namespace           = "X"
  metric_name         = "Y"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = [aws_sns_topic.alerts.arn]
}}
''')
    assert verdicts(report, "ENC-001") == {"aws_cloudwatch_log_group.app": "pass"}
    assert verdicts(report, "ENC-003") == {"aws_sns_topic.alerts": "unknown"}


def test_plan_literal_trail_key_arn_passes():
    p = trail_plan(plan_trail_values(kms_key_id=KEY_ARN), trail_refs={"kms_key_id": None})
    assert verdicts(lint_plan(p.build(), rule="CT-005"), "CT-005") == {TRAIL: "pass"}


@pytest.mark.parametrize("manager, status", [("AWS", "fail"), ("CUSTOMER", "pass")])
def test_ct005_plan_data_key_by_key_manager(manager, status):
    p = trail_plan(trail_refs={"kms_key_id": ["data.aws_kms_key.ct.arn"]})
    p.resource("data.aws_kms_key.ct", {"key_id": "1234abcd-12ab-34cd-56ef-1234567890ab", "key_manager": manager},
               actions=["read"])
    assert verdicts(lint_plan(p.build(), rule="CT-005"), "CT-005") == {TRAIL: status}


# =============================================================================
# "GuardDuty High finding | Security Hub → SNS": when another rule (an export of all findings to a log
# group) is the candidate reported, the finding did not say why the rule that DOES target SNS fails
# (it skips HIGH, or has no target, or bypasses Security Hub).
# =============================================================================
EXPORT = {"source": ["aws.securityhub"], "detail-type": ["Security Hub Findings - Imported"]}
EXPORT_BLOCKS = {
    "export_group": 'resource "aws_cloudwatch_log_group" "export" {\n  name = "/aws/events/sh"\n'
                    '  retention_in_days = 365\n}\n',
    "export_rule": rule_block(EXPORT, name="export"),
    "export_target": target_block(name="export", rule="export", arn="aws_cloudwatch_log_group.export.arn"),
}


@pytest.mark.parametrize("changes, needle", [
    ({"gd_rule": rule_block({"source": ["aws.securityhub"],
                             "detail": {"findings": {"ProductName": ["GuardDuty"],
                                                     "Severity": {"Label": ["CRITICAL"]}}}})},
     "CRITICAL findings but not HIGH"),
    ({"gd_target": None}, "no aws_cloudwatch_event_target"),
    ({"gd_rule": rule_block({"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"],
                             "detail": {"severity": [{"numeric": [">=", 7]}]}})}, "bypassing Security Hub"),
])
def test_alr004_failure_names_the_sns_rule_that_misses(tmp_path, changes, needle):
    report = lint_alerting(tmp_path, "ALR-004", **EXPORT_BLOCKS, **changes)
    [f] = [f for f in report.findings if f.rule_id == "ALR-004"]
    assert f.status == "fail"
    assert needle in f.message and GD_RULE in f.message, f.message


def test_alr004_pass_is_unchanged_by_an_export_rule(tmp_path):
    report = lint_alerting(tmp_path, "ALR-004", **EXPORT_BLOCKS)
    assert set(verdicts(report, "ALR-004").values()) == {"pass"}


# =============================================================================
# "Management events: all (read + write)": a selector that excludes some event sources records the rest;
# the failure said "management event reads and writes are not recorded", as if none were.
# =============================================================================
@pytest.mark.parametrize("selector", [
    '''  event_selector {
    read_write_type                  = "All"
    include_management_events        = true
    exclude_management_event_sources = ["kms.amazonaws.com"]
  }
''',
    '''  advanced_event_selector {
    field_selector {
      field  = "eventCategory"
      equals = ["Management"]
    }
    field_selector {
      field      = "eventSource"
      not_equals = ["kms.amazonaws.com", "rdsdata.amazonaws.com"]
    }
  }
''',
])
def test_ct002_excluded_sources_fail_as_not_all(tmp_path, selector):
    report = lint_hcl(tmp_path, trail_files(trail_hcl(body=selector)), rule="CT-002")
    f = finding(report, "CT-002", TRAIL)
    assert f.status == "fail"
    assert f.message.startswith("not all management event reads and writes are recorded"), f.message


def test_ct002_no_management_selector_still_says_not_recorded(tmp_path):
    selector = '''  event_selector {
    read_write_type           = "All"
    include_management_events = false
  }
'''
    f = finding(lint_hcl(tmp_path, trail_files(trail_hcl(body=selector)), rule="CT-002"), "CT-002", TRAIL)
    assert f.status == "fail" and f.message.startswith("management event reads and writes are not recorded")


# =============================================================================
# "EC2 session activity | SSM Session Manager logs | 1 year": Session preferences written with
# yamlencode() (document_format = "YAML") whose kmsKeyId is a key's id (known after apply) were wholly
# unknown, though where and how sessions are logged is written out; jsonencode() was read in part.
# =============================================================================
def _yaml_session(tmp_path, encrypted: str, retention: int):
    return lint_hcl(tmp_path, f'''
resource "aws_kms_key" "ssm" {{}}
resource "aws_cloudwatch_log_group" "ssm" {{
  name              = "/aws/ssm/sessions"
  retention_in_days = {retention}
  kms_key_id        = aws_kms_key.ssm.arn
}}
resource "aws_ssm_document" "session" {{
  name            = "SSM-SessionManagerRunShell"
  document_type   = "Session"
  document_format = "YAML"
  content = yamlencode({{
    schemaVersion = "1.0"
    sessionType   = "Standard_Stream"
    inputs = {{
      cloudWatchLogGroupName      = aws_cloudwatch_log_group.ssm.name
      cloudWatchEncryptionEnabled = {encrypted}
      kmsKeyId                    = aws_kms_key.ssm.key_id
    }}
  }})
}}
''')


@pytest.mark.parametrize("encrypted, retention, ssm, ret", [
    ("true", 365, "pass", "pass"),
    ("false", 365, "fail", "pass"),
    ("true", 180, "pass", "fail"),
])
def test_yamlencode_session_document_is_read_in_part(tmp_path, encrypted, retention, ssm, ret):
    report = _yaml_session(tmp_path, encrypted, retention)
    doc = "aws_ssm_document.session"
    assert verdicts(report, "SSM-001") == {doc: ssm}
    assert verdicts(report, "RET-008") == {doc: ret}
