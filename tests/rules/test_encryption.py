"""Encryption of log stores with a customer-managed KMS key (ENC-001 .. ENC-005), HCL and plan form."""
from __future__ import annotations

import pytest

from lint_rules.policy import Policy

from ..helpers import POLICY, lint_hcl, lint_plan, verdicts
from ..planbuilder import PlanBuilder

KEY = '''
resource "aws_kms_key" "logs" {
  description         = "logs"
  enable_key_rotation = true
}
'''
UNRESOLVABLE_ARN = '"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"'
# A key ARN from outside the configuration is a customer-managed key where the service can use no other
# (CloudWatch Logs, GuardDuty, CloudTrail: the key policy must grant the service, which no AWS-managed key's
# can); elsewhere (S3, SNS, Config) it may be the AWS-managed aws/s3 or aws/sns key: unknown.
ONLY_CMK_SERVICE = "pass"


# --- ENC-001 log groups -------------------------------------------------------------------------
@pytest.mark.parametrize("kms,status", [
    ("aws_kms_key.logs.arn", "pass"),
    (None, "fail"),
    (UNRESOLVABLE_ARN, ONLY_CMK_SERVICE),
    ('"some-key"', "unknown"),
])
def test_log_group_kms(tmp_path, kms, status):
    attr = f"\n  kms_key_id = {kms}" if kms else ""
    files = {"main.tf": KEY + f'resource "aws_cloudwatch_log_group" "g" {{\n  name = "/vpc/flow"{attr}\n}}\n'}
    assert verdicts(lint_hcl(tmp_path, files, rule="ENC-001")) == {"aws_cloudwatch_log_group.g": status}


ROTATION_REQUIRED = Policy({**POLICY.data, "kms": {"require_key_rotation": True}}, "<rotation required>")


def test_log_group_key_without_rotation_fails_when_the_policy_requires_rotation(tmp_path):
    files = {"main.tf": KEY.replace("true", "false")
             + 'resource "aws_cloudwatch_log_group" "g" {\n  name = "x"\n  kms_key_id = aws_kms_key.logs.arn\n}\n'}
    assert verdicts(lint_hcl(tmp_path, files, rule="ENC-001", policy=ROTATION_REQUIRED)) == {
        "aws_cloudwatch_log_group.g": "fail"}
    assert verdicts(lint_hcl(tmp_path, files, rule="ENC-001")) == {"aws_cloudwatch_log_group.g": "pass"}


def test_plan_log_group_kms():
    p = PlanBuilder()
    p.resource("aws_kms_key.logs", {"enable_key_rotation": True}, unknown=["arn", "id", "key_id"])
    p.resource("aws_cloudwatch_log_group.ok", {"name": "a"}, unknown=["kms_key_id", "arn"],
               refs={"kms_key_id": ["aws_kms_key.logs.arn"]})
    p.resource("aws_cloudwatch_log_group.bad", {"name": "b", "kms_key_id": None}, unknown=["arn"])
    p.resource("aws_cloudwatch_log_group.ext", {"name": "c", "kms_key_id": UNRESOLVABLE_ARN.strip('"')},
               unknown=["arn"])
    assert verdicts(lint_plan(p.build(), rule="ENC-001")) == {
        "aws_cloudwatch_log_group.ok": "pass", "aws_cloudwatch_log_group.bad": "fail",
        "aws_cloudwatch_log_group.ext": ONLY_CMK_SERVICE}


# --- ENC-002 log buckets ------------------------------------------------------------------------
TRAIL = '''
resource "aws_s3_bucket" "logs" {
  bucket = "acme-trail-logs"
}
resource "aws_cloudtrail" "t" {
  name           = "t"
  s3_bucket_name = aws_s3_bucket.logs.id
}
resource "aws_s3_bucket" "unrelated" {
  bucket = "acme-website"
}
'''


def sse(algorithm: str, key: str | None) -> str:
    key_line = f"\n      kms_master_key_id = {key}" if key else ""
    return f'''
resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {{
  bucket = aws_s3_bucket.logs.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm = "{algorithm}"{key_line}
    }}
  }}
}}
'''


@pytest.mark.parametrize("config,status", [
    (sse("aws:kms", "aws_kms_key.logs.arn"), "pass"),
    (sse("aws:kms:dsse", "aws_kms_key.logs.arn"), "pass"),
    (sse("AES256", None), "fail"),
    (sse("aws:kms", None), "fail"),
    (sse("aws:kms", '"alias/aws/s3"'), "fail"),
    (sse("aws:kms", UNRESOLVABLE_ARN), "unknown"),
    ("", "fail"),
])
def test_log_bucket_encryption(tmp_path, config, status):
    report = lint_hcl(tmp_path, {"main.tf": KEY + TRAIL + config}, rule="ENC-002")
    assert verdicts(report) == {"aws_s3_bucket.logs": status}  # the unrelated bucket is not a log store


def test_sse_aes256_message(tmp_path):
    report = lint_hcl(tmp_path, {"main.tf": KEY + TRAIL + sse("AES256", None)}, rule="ENC-002")
    assert 'sse_algorithm = "AES256"' in report.findings[0].message


def test_every_kind_of_log_bucket_is_checked(tmp_path):
    files = {"main.tf": '''
resource "aws_s3_bucket" "config" {
  bucket = "acme-config"
}
resource "aws_config_delivery_channel" "c" {
  s3_bucket_name = aws_s3_bucket.config.bucket
}
resource "aws_s3_bucket" "shots" {
  bucket = "acme-screenshots"
}
resource "aws_s3_bucket" "access" {
  bucket = "acme-access"
}
resource "aws_s3_bucket_logging" "shots" {
  bucket        = aws_s3_bucket.shots.id
  target_bucket = aws_s3_bucket.access.id
  target_prefix = "x/"
}
resource "aws_flow_log" "f" {
  vpc_id               = "vpc-1"
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::acme-flow"
}
resource "aws_s3_bucket" "flow" {
  bucket = "acme-flow"
}
resource "aws_cloudtrail" "t" {
  name           = "t"
  s3_bucket_name = "bucket-elsewhere"
}
'''}
    assert verdicts(lint_hcl(tmp_path, files, rule="ENC-002")) == {
        "aws_s3_bucket.config": "fail", "aws_s3_bucket.access": "pass", "aws_s3_bucket.flow": "fail",
        "aws_cloudtrail.t": "unknown"}


ACCESS_LOG_TARGET = '''
resource "aws_s3_bucket" "shots" {
  bucket = "acme-screenshots"
}
resource "aws_s3_bucket" "access" {
  bucket = "acme-access"
}
resource "aws_s3_bucket_logging" "shots" {
  bucket        = aws_s3_bucket.shots.id
  target_bucket = aws_s3_bucket.access.id
  target_prefix = "x/"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "access" {
  bucket = aws_s3_bucket.access.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "%s"
    }
  }
}
'''


@pytest.mark.parametrize("algorithm, extra, status", [
    # AWS delivers server access logs only to SSE-S3 target buckets
    ("AES256", "", "pass"),
    # the AWS-managed key is SSE-KMS: not a CMK, and not supported for access-log delivery
    ("aws:kms", "", "fail"),
    # a bucket that also stores flow logs must use a CMK
    ("AES256", '''
resource "aws_flow_log" "f" {
  vpc_id               = "vpc-1"
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::acme-access"
}''', "fail"),
])
def test_server_access_log_target_may_use_sse_s3(tmp_path, algorithm, extra, status):
    files = {"main.tf": ACCESS_LOG_TARGET % algorithm + extra}
    assert verdicts(lint_hcl(tmp_path, files, rule="ENC-002"))["aws_s3_bucket.access"] == status


def test_plan_log_bucket_encryption():
    def doc(rule):
        p = PlanBuilder()
        p.resource("aws_kms_key.logs", {"enable_key_rotation": True}, unknown=["arn", "id"])
        p.resource("aws_s3_bucket.logs", {"bucket": "acme-trail-logs"},
                   unknown=["id", "arn", "server_side_encryption_configuration"])
        p.resource("aws_cloudtrail.t", {"name": "t"}, unknown=["s3_bucket_name"],
                   refs={"s3_bucket_name": ["aws_s3_bucket.logs.id"]})
        refs = {"bucket": ["aws_s3_bucket.logs.id"]}
        unknown = ["bucket", "id"]
        if rule.pop("ref_key", False):
            refs["rule.0.apply_server_side_encryption_by_default.0.kms_master_key_id"] = ["aws_kms_key.logs.arn"]
            unknown.append("rule.0.apply_server_side_encryption_by_default.0.kms_master_key_id")
        p.resource("aws_s3_bucket_server_side_encryption_configuration.logs",
                   {"rule": [{"bucket_key_enabled": None, "apply_server_side_encryption_by_default": [rule]}]},
                   unknown=unknown, refs=refs)
        return p.build()

    assert verdicts(lint_plan(doc({"sse_algorithm": "aws:kms", "ref_key": True}), rule="ENC-002")) == {
        "aws_s3_bucket.logs": "pass"}
    assert verdicts(lint_plan(doc({"sse_algorithm": "AES256", "kms_master_key_id": ""}), rule="ENC-002")) == {
        "aws_s3_bucket.logs": "fail"}


# --- ENC-003 SNS alert topics ---------------------------------------------------------------------
def alarm_topic(kms: str | None) -> dict:
    attr = f"\n  kms_master_key_id = {kms}" if kms else ""
    return {"main.tf": KEY + f'''
resource "aws_sns_topic" "alerts" {{
  name = "security-alerts"{attr}
}}
resource "aws_sns_topic" "unused" {{
  name = "newsletter"
}}
resource "aws_cloudwatch_metric_alarm" "root_login" {{
  alarm_name          = "root-login"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "RootLogin"
  namespace           = "CloudTrailMetrics"
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = [aws_sns_topic.alerts.arn]
}}
'''}


@pytest.mark.parametrize("kms,status", [
    ("aws_kms_key.logs.arn", "pass"),
    ('"alias/aws/sns"', "fail"),
    (None, "fail"),
    (UNRESOLVABLE_ARN, "unknown"),
])
def test_alert_topic_encryption(tmp_path, kms, status):
    report = lint_hcl(tmp_path, alarm_topic(kms), rule="ENC-003")
    assert verdicts(report) == {"aws_sns_topic.alerts": status}


def test_event_target_topic(tmp_path):
    files = {"main.tf": '''
resource "aws_sns_topic" "findings" {
  name              = "guardduty-high"
  kms_master_key_id = "alias/aws/sns"
}
resource "aws_cloudwatch_event_rule" "high" {
  name          = "gd-high"
  event_pattern = jsonencode({ source = ["aws.securityhub"] })
}
resource "aws_cloudwatch_event_target" "high" {
  rule = aws_cloudwatch_event_rule.high.name
  arn  = aws_sns_topic.findings.arn
}
'''}
    assert verdicts(lint_hcl(tmp_path, files, rule="ENC-003")) == {"aws_sns_topic.findings": "fail"}


def test_alarm_to_topic_outside_configuration_is_unknown(tmp_path):
    files = alarm_topic(None)
    files["main.tf"] = files["main.tf"].replace("[aws_sns_topic.alerts.arn]",
                                                '["arn:aws:sns:us-east-1:111122223333:central-alerts"]')
    assert verdicts(lint_hcl(tmp_path, files, rule="ENC-003")) == {"aws_cloudwatch_metric_alarm.root_login": "unknown"}


@pytest.mark.parametrize("key,status", [("alias/aws/sns", "fail"), (None, "fail"), ("cmk", "pass")])
def test_plan_alert_topic_encryption(key, status):
    p = PlanBuilder()
    p.resource("aws_kms_key.k", {"enable_key_rotation": True}, unknown=["arn", "id"])
    if key == "cmk":
        p.resource("aws_sns_topic.alerts", {"name": "alerts"}, unknown=["arn", "kms_master_key_id"],
                   refs={"kms_master_key_id": ["aws_kms_key.k.arn"]})
    else:
        p.resource("aws_sns_topic.alerts", {"name": "alerts", "kms_master_key_id": key}, unknown=["arn"])
    p.resource("aws_cloudwatch_metric_alarm.a", {"alarm_name": "a"}, unknown=["alarm_actions"],
               refs={"alarm_actions": ["aws_sns_topic.alerts.arn"]})
    assert verdicts(lint_plan(p.build(), rule="ENC-003")) == {"aws_sns_topic.alerts": status}


# --- ENC-004 Config delivery ------------------------------------------------------------------------
CHANNEL = '''
resource "aws_s3_bucket" "config" {
  bucket = "acme-config"
}
resource "aws_config_delivery_channel" "c" {
  s3_bucket_name = aws_s3_bucket.config.bucket%s
}
'''


@pytest.mark.parametrize("extra,status", [
    ("\n  s3_kms_key_arn = aws_kms_key.logs.arn", "pass"),
    ("\n  s3_kms_key_arn = " + UNRESOLVABLE_ARN, "unknown"),
    ("", "fail"),  # no key and the bucket has no SSE-KMS default
])
def test_config_delivery_encryption(tmp_path, extra, status):
    files = {"main.tf": KEY + CHANNEL % extra}
    assert verdicts(lint_hcl(tmp_path, files, rule="ENC-004")) == {"aws_config_delivery_channel.c": status}


def test_config_delivery_uses_bucket_default_cmk(tmp_path):
    bucket_sse = sse("aws:kms", "aws_kms_key.logs.arn").replace("aws_s3_bucket.logs.id", "aws_s3_bucket.config.id")
    files = {"main.tf": KEY + CHANNEL % "" + bucket_sse}
    assert verdicts(lint_hcl(tmp_path, files, rule="ENC-004")) == {"aws_config_delivery_channel.c": "pass"}


def test_plan_config_delivery_encryption():
    p = PlanBuilder()
    p.resource("aws_config_delivery_channel.c", {"s3_bucket_name": "acme-config",
                                                 "s3_kms_key_arn": "alias/aws/s3"})
    assert verdicts(lint_plan(p.build(), rule="ENC-004")) == {"aws_config_delivery_channel.c": "fail"}
    p = PlanBuilder()
    p.resource("aws_kms_key.k", {"enable_key_rotation": True}, unknown=["arn", "id"])
    p.resource("aws_config_delivery_channel.c", {"s3_bucket_name": "acme-config"}, unknown=["s3_kms_key_arn"],
               refs={"s3_kms_key_arn": ["aws_kms_key.k.arn"]})
    assert verdicts(lint_plan(p.build(), rule="ENC-004")) == {"aws_config_delivery_channel.c": "pass"}


# --- ENC-005 GuardDuty export ----------------------------------------------------------------------
@pytest.mark.parametrize("kms,status", [
    ("aws_kms_key.logs.arn", "pass"),
    (UNRESOLVABLE_ARN, ONLY_CMK_SERVICE),
    ('"arn:aws:kms:us-east-1:111122223333:alias/aws/s3"', "fail"),
])
def test_guardduty_export_encryption(tmp_path, kms, status):
    files = {"main.tf": KEY + f'''
resource "aws_guardduty_detector" "d" {{}}
resource "aws_guardduty_publishing_destination" "p" {{
  detector_id     = aws_guardduty_detector.d.id
  destination_arn = "arn:aws:s3:::acme-findings"
  kms_key_arn     = {kms}
}}
'''}
    assert verdicts(lint_hcl(tmp_path, files, rule="ENC-005")) == {"aws_guardduty_publishing_destination.p": status}


@pytest.mark.parametrize("rotation,status", [(False, "fail"), (True, "pass")])
def test_plan_guardduty_export_encryption(rotation, status):
    p = PlanBuilder()
    p.resource("aws_kms_key.k", {"enable_key_rotation": rotation}, unknown=["arn"])
    p.resource("aws_guardduty_publishing_destination.p", {"destination_arn": "arn:aws:s3:::x"},
               unknown=["kms_key_arn", "detector_id"], refs={"kms_key_arn": ["aws_kms_key.k.arn"]})
    assert verdicts(lint_plan(p.build(), rule="ENC-005", policy=ROTATION_REQUIRED)) == {
        "aws_guardduty_publishing_destination.p": status}
    assert verdicts(lint_plan(p.build(), rule="ENC-005")) == {"aws_guardduty_publishing_destination.p": "pass"}


def test_session_document_with_unknown_content_checks_the_buckets_it_refers_to(tmp_path):
    files = {"main.tf": KEY + '''
resource "aws_s3_bucket" "sessions" {
  bucket = "acme-sessions"
}
resource "aws_ssm_document" "session" {
  name          = "SSM-SessionManagerRunShell"
  document_type = "Session"
  content = jsonencode({
    schemaVersion = "1.0"
    sessionType   = "Standard_Stream"
    inputs = {
      s3BucketName        = aws_s3_bucket.sessions.bucket
      s3EncryptionEnabled = true
      kmsKeyId            = aws_kms_key.logs.arn
    }
  })
}
'''}
    assert verdicts(lint_hcl(tmp_path, files, rule="ENC-002")) == {"aws_s3_bucket.sessions": "fail"}


def test_access_log_target_with_an_aws_managed_key_beside_sse_s3_still_fails(tmp_path):
    files = {"main.tf": ACCESS_LOG_TARGET % "AES256" + '''
resource "aws_s3_bucket_server_side_encryption_configuration" "access_kms" {
  bucket = aws_s3_bucket.access.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}
'''}
    assert verdicts(lint_hcl(tmp_path, files, rule="ENC-002"))["aws_s3_bucket.access"] == "fail"
