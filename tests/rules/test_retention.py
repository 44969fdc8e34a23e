"""Retention per log source (RET-001 .. RET-008), in HCL and plan form."""
from __future__ import annotations

import copy
import json

import pytest

from lint_rules.engine import ACCOUNT
from lint_rules.policy import Policy

from ..helpers import POLICY, lint_hcl, lint_plan, verdicts
from ..planbuilder import PlanBuilder

TRAIL = "aws_cloudtrail.t"
FLOW = "aws_flow_log.x"


def policy_with(source_id: str, days: int) -> Policy:
    data = copy.deepcopy(POLICY.data)
    for src in data["log_sources"]:
        if src["id"] == source_id:
            src["retention_days"] = days
    return Policy(data=data, source="<test>")


def lifecycle(name="trail", bucket="trail", rule_body="", status="Enabled"):
    return f'''
resource "aws_s3_bucket_lifecycle_configuration" "{name}" {{
  bucket = aws_s3_bucket.{bucket}.id
  rule {{
    id     = "r"
    status = "{status}"
    {rule_body}
  }}
}}
'''


TRAIL_HCL = '''
resource "aws_s3_bucket" "trail" {
  bucket = "acme-trail-logs"
}
resource "aws_cloudtrail" "t" {
  name           = "t"
  s3_bucket_name = aws_s3_bucket.trail.id
  s3_key_prefix  = "ct"
}
'''


def trail_files(*extra: str) -> dict:
    return {"main.tf": TRAIL_HCL + "".join(extra)}


# --- RET-001 CloudTrail (7 years) ----------------------------------------------------------
def test_trail_bucket_without_lifecycle_is_kept(tmp_path):
    report = lint_hcl(tmp_path, trail_files(), rule="RET-001")
    assert verdicts(report) == {TRAIL: "pass"}


@pytest.mark.parametrize("days,status", [(2556, "fail"), (2557, "pass"), (3650, "pass")])
def test_trail_bucket_expiration_days(tmp_path, days, status):
    lc = lifecycle(rule_body=f"expiration {{\n days = {days}\n }}")
    report = lint_hcl(tmp_path, trail_files(lc), rule="RET-001")
    assert verdicts(report) == {TRAIL: status}
    if status == "fail":
        msg = report.findings[0].message
        assert f"expiration.days = {days}" in msg and "≥ 2557 (7 years)" in msg
        assert "\n" not in msg


def test_trail_bucket_noncurrent_expiration_30_days_fails(tmp_path):
    lc = lifecycle(rule_body="noncurrent_version_expiration {\n noncurrent_days = 30\n }")
    report = lint_hcl(tmp_path, trail_files(lc), rule="RET-001")
    assert verdicts(report) == {TRAIL: "fail"}
    assert "noncurrent_version_expiration.noncurrent_days = 30" in report.findings[0].message


def test_trail_bucket_transition_only_passes(tmp_path):
    lc = lifecycle(rule_body='transition {\n days = 90\n storage_class = "GLACIER"\n }')
    assert verdicts(lint_hcl(tmp_path, trail_files(lc), rule="RET-001")) == {TRAIL: "pass"}


def test_disabled_lifecycle_rule_is_ignored(tmp_path):
    lc = lifecycle(rule_body="expiration {\n days = 30\n }", status="Disabled")
    assert verdicts(lint_hcl(tmp_path, trail_files(lc), rule="RET-001")) == {TRAIL: "pass"}


def test_lifecycle_rule_for_another_prefix_does_not_apply(tmp_path):
    lc = lifecycle(rule_body='filter {\n prefix = "tmp/"\n }\n expiration {\n days = 1\n }')
    assert verdicts(lint_hcl(tmp_path, trail_files(lc), rule="RET-001")) == {TRAIL: "pass"}


def test_lifecycle_rule_covering_the_trail_prefix_applies(tmp_path):
    lc = lifecycle(rule_body='filter {\n prefix = "ct/AWSLogs/"\n }\n expiration {\n days = 400\n }')
    assert verdicts(lint_hcl(tmp_path, trail_files(lc), rule="RET-001")) == {TRAIL: "fail"}


def test_expiration_on_a_fixed_date_fails(tmp_path):
    lc = lifecycle(rule_body='expiration {\n date = "2030-01-01T00:00:00Z"\n }')
    report = lint_hcl(tmp_path, trail_files(lc), rule="RET-001")
    assert verdicts(report) == {TRAIL: "fail"}
    assert "expiration.date" in report.findings[0].message


def test_legacy_inline_lifecycle_rule(tmp_path):
    files = {"main.tf": TRAIL_HCL.replace('bucket = "acme-trail-logs"', '''bucket = "acme-trail-logs"
  lifecycle_rule {
    enabled = true
    expiration {
      days = 365
    }
  }''')}
    assert verdicts(lint_hcl(tmp_path, files, rule="RET-001")) == {TRAIL: "fail"}


def test_short_object_lock_is_noted_not_failed(tmp_path):
    lock = '''
resource "aws_s3_bucket_object_lock_configuration" "trail" {
  bucket = aws_s3_bucket.trail.id
  rule {
    default_retention {
      mode = "GOVERNANCE"
      days = 30
    }
  }
}
'''
    report = lint_hcl(tmp_path, trail_files(lock), rule="RET-001")
    assert verdicts(report) == {TRAIL: "pass"}
    assert "default_retention.days = 30" in report.findings[0].message


EVERY_DESTINATION = Policy({**POLICY.data, "cloudtrail": {**POLICY.data["cloudtrail"], "retention_on": "every_destination"}},
                           "<every destination>")


@pytest.mark.parametrize("days,status", [(2556, "fail"), (2557, "pass"), (0, "pass")])
def test_trail_cloudwatch_group_retention_when_every_destination_counts(tmp_path, days, status):
    group = f'''
resource "aws_cloudwatch_log_group" "ct" {{
  name              = "/aws/cloudtrail"
  retention_in_days = {days}
}}
'''
    files = {"main.tf": TRAIL_HCL.replace('s3_key_prefix  = "ct"', 's3_key_prefix = "ct"\n  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.ct.arn}:*"') + group}
    assert verdicts(lint_hcl(tmp_path, files, rule="RET-001", policy=EVERY_DESTINATION)) == {TRAIL: status}


@pytest.mark.parametrize("days", [90, 365, 2557])
def test_trail_judged_on_its_s3_archive_by_default(tmp_path, days):
    """False alarm removed: a CloudWatch Logs copy that feeds the alarms (the CIS-benchmark idiom keeps it
    90 days or a year) may keep less than the archive; the finding says how long it keeps."""
    group = f'''
resource "aws_cloudwatch_log_group" "ct" {{
  name              = "/aws/cloudtrail"
  retention_in_days = {days}
}}
'''
    files = {"main.tf": TRAIL_HCL.replace('s3_key_prefix  = "ct"', 's3_key_prefix = "ct"\n  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.ct.arn}:*"') + group}
    report = lint_hcl(tmp_path, files, rule="RET-001")
    assert verdicts(report) == {TRAIL: "pass"}
    assert f"aws_cloudwatch_log_group.ct keeps logs {days} days" in report.findings[0].message
    assert "system of record" in report.findings[0].message


def test_trail_bucket_not_in_configuration_is_unknown(tmp_path):
    files = {"main.tf": '''
resource "aws_cloudtrail" "t" {
  name           = "t"
  s3_bucket_name = "bucket-elsewhere"
}
'''}
    report = lint_hcl(tmp_path, files, rule="RET-001")
    assert verdicts(report) == {TRAIL: "unknown"}
    assert "bucket-elsewhere" in report.findings[0].message


def test_no_trail_is_an_account_failure(tmp_path):
    report = lint_hcl(tmp_path, {"main.tf": 'resource "aws_s3_bucket" "b" {\n bucket = "x"\n}\n'}, rule="RET-001")
    assert verdicts(report) == {ACCOUNT: "fail"}


def trail_plan(noncurrent_days=None, expiration_days=None, bucket_values=None):
    p = PlanBuilder()
    p.resource("aws_s3_bucket.trail", bucket_values or {"bucket": "acme-trail-logs"},
               unknown=["id", "arn", "lifecycle_rule", "logging", "server_side_encryption_configuration",
                        "versioning"])
    rule = {"id": "r", "status": "Enabled", "filter": [{"prefix": ""}]}
    if noncurrent_days is not None:
        rule["noncurrent_version_expiration"] = [{"noncurrent_days": noncurrent_days, "newer_noncurrent_versions": None}]
    if expiration_days is not None:
        rule["expiration"] = [{"days": expiration_days, "date": None, "expired_object_delete_marker": False}]
    if noncurrent_days is not None or expiration_days is not None:
        p.resource("aws_s3_bucket_lifecycle_configuration.trail", {"rule": [rule]}, unknown=["bucket", "id"],
                   refs={"bucket": ["aws_s3_bucket.trail.id"]})
    p.resource(TRAIL, {"name": "t", "s3_key_prefix": None}, unknown=["s3_bucket_name", "arn", "id"],
               refs={"s3_bucket_name": ["aws_s3_bucket.trail.id"]})
    return p.build()


def test_plan_trail_retention():
    assert verdicts(lint_plan(trail_plan(), rule="RET-001")) == {TRAIL: "pass"}
    assert verdicts(lint_plan(trail_plan(noncurrent_days=30), rule="RET-001")) == {TRAIL: "fail"}
    assert verdicts(lint_plan(trail_plan(expiration_days=2556), rule="RET-001")) == {TRAIL: "fail"}
    assert verdicts(lint_plan(trail_plan(expiration_days=2557), rule="RET-001")) == {TRAIL: "pass"}


@pytest.mark.parametrize("group_days", [90, 365])
def test_plan_trail_judged_on_its_s3_archive(group_days):
    doc = trail_plan()
    p = PlanBuilder()
    p.resource("aws_cloudwatch_log_group.ct", {"name": "/aws/cloudtrail", "retention_in_days": group_days},
               unknown=["arn"])
    extra = p.build()
    doc["resource_changes"] += extra["resource_changes"]
    doc["planned_values"]["root_module"]["resources"] += extra["planned_values"]["root_module"]["resources"]
    doc["configuration"]["root_module"]["resources"] += extra["configuration"]["root_module"]["resources"]
    trail_conf = next(r for r in doc["configuration"]["root_module"]["resources"] if r["address"] == TRAIL)
    trail_conf["expressions"]["cloud_watch_logs_group_arn"] = {"references": ["aws_cloudwatch_log_group.ct.arn",
                                                                               "aws_cloudwatch_log_group.ct"]}
    report = lint_plan(doc, rule="RET-001")
    assert verdicts(report) == {TRAIL: "pass"}
    assert f"keeps logs {group_days} days" in report.findings[0].message
    assert verdicts(lint_plan(doc, rule="RET-001", policy=EVERY_DESTINATION)) == {TRAIL: "fail"}


def test_plan_trail_bucket_by_literal_name():
    p = PlanBuilder()
    p.resource("aws_s3_bucket.trail", {"bucket": "acme-trail-logs"}, unknown=["id", "arn", "lifecycle_rule"])
    p.resource("aws_s3_bucket_lifecycle_configuration.trail", {
        "bucket": "acme-trail-logs",
        "rule": [{"id": "r", "status": "Enabled", "expiration": [{"days": 30}]}]})
    p.resource(TRAIL, {"name": "t", "s3_bucket_name": "acme-trail-logs"})
    assert verdicts(lint_plan(p.build(), rule="RET-001")) == {TRAIL: "fail"}


def test_bound_comes_from_the_policy(tmp_path):
    lc = lifecycle(rule_body="expiration {\n days = 400\n }")
    files = trail_files(lc)
    assert verdicts(lint_hcl(tmp_path, files, rule="RET-001")) == {TRAIL: "fail"}
    relaxed = policy_with("cloudtrail", 365)
    assert verdicts(lint_hcl(tmp_path, files, rule="RET-001", policy=relaxed)) == {TRAIL: "pass"}


# --- RET-002 VPC flow logs (1 year) ---------------------------------------------------------
def flow_hcl(retention: str = "retention_in_days = 365") -> dict:
    return {"main.tf": f'''
resource "aws_vpc" "main" {{
  cidr_block = "10.0.0.0/16"
}}
resource "aws_cloudwatch_log_group" "fl" {{
  name = "/vpc/flow"
  {retention}
}}
resource "aws_flow_log" "x" {{
  vpc_id          = aws_vpc.main.id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.fl.arn
  iam_role_arn    = "arn:aws:iam::111122223333:role/flow"
}}
'''}


@pytest.mark.parametrize("retention,status", [
    ("retention_in_days = 364", "fail"),
    ("retention_in_days = 365", "pass"),
    ("retention_in_days = 0", "pass"),
    ("", "pass"),
])
def test_flow_log_group_retention(tmp_path, retention, status):
    report = lint_hcl(tmp_path, flow_hcl(retention), rule="RET-002")
    assert verdicts(report) == {FLOW: status}


def test_flow_log_retention_message_names_source_and_destination(tmp_path):
    msg = lint_hcl(tmp_path, flow_hcl("retention_in_days = 364"), rule="RET-002").findings[0].message
    assert msg.startswith("VPC flow log aws_flow_log.x → aws_cloudwatch_log_group.fl keeps logs 364 days")
    assert msg.endswith("policy requires ≥ 365 (1 year)")


def test_flow_log_to_s3_follows_the_bucket(tmp_path):
    files = {"main.tf": '''
resource "aws_s3_bucket" "fl" {
  bucket = "acme-flow"
}
resource "aws_flow_log" "x" {
  vpc_id               = "vpc-0123"
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::acme-flow/flow/"
}
''' + lifecycle("fl", "fl", 'filter {\n prefix = "flow/"\n }\n expiration {\n days = 90\n }')}
    assert verdicts(lint_hcl(tmp_path, files, rule="RET-002")) == {FLOW: "fail"}


def test_flow_log_destination_outside_configuration_is_unknown(tmp_path):
    files = {"main.tf": '''
resource "aws_flow_log" "x" {
  vpc_id          = "vpc-0123"
  traffic_type    = "ALL"
  log_destination = "arn:aws:logs:us-east-1:111122223333:log-group:elsewhere"
  iam_role_arn    = "arn:aws:iam::111122223333:role/flow"
}
'''}
    assert verdicts(lint_hcl(tmp_path, files, rule="RET-002")) == {FLOW: "unknown"}


def test_flow_log_group_by_literal_arn(tmp_path):
    files = flow_hcl("retention_in_days = 30")
    files["main.tf"] = files["main.tf"].replace(
        "aws_cloudwatch_log_group.fl.arn", '"arn:aws:logs:us-east-1:111122223333:log-group:/vpc/flow:*"')
    assert verdicts(lint_hcl(tmp_path, files, rule="RET-002")) == {FLOW: "fail"}


def flow_plan(retention, unknown_retention=False):
    p = PlanBuilder()
    p.resource("aws_vpc.main", {"cidr_block": "10.0.0.0/16"}, unknown=["id", "arn"])
    p.resource("aws_cloudwatch_log_group.fl", {"name": "/vpc/flow", "retention_in_days": retention},
               unknown=["arn", "id"] + (["retention_in_days"] if unknown_retention else []))
    p.resource(FLOW, {"traffic_type": "ALL", "log_destination_type": "cloud-watch-logs"},
               unknown=["vpc_id", "log_destination", "iam_role_arn", "log_format", "arn", "id"],
               refs={"vpc_id": ["aws_vpc.main.id"], "log_destination": ["aws_cloudwatch_log_group.fl.arn"],
                     "iam_role_arn": ["aws_iam_role.fl.arn"]})
    p.resource("aws_iam_role.fl", {"name": "fl"}, unknown=["arn", "id"])
    return p.build()


def test_plan_flow_log_retention():
    assert verdicts(lint_plan(flow_plan(364), rule="RET-002")) == {FLOW: "fail"}
    assert verdicts(lint_plan(flow_plan(365), rule="RET-002")) == {FLOW: "pass"}
    assert verdicts(lint_plan(flow_plan(0), rule="RET-002")) == {FLOW: "pass"}
    assert verdicts(lint_plan(flow_plan(None, unknown_retention=True), rule="RET-002")) == {FLOW: "unknown"}


def test_no_vpc_and_no_flow_log_is_unknown(tmp_path):
    report = lint_hcl(tmp_path, {"main.tf": 'resource "aws_s3_bucket" "b" {\n bucket = "x"\n}\n'}, rule="RET-002")
    assert verdicts(report) == {ACCOUNT: "unknown"}


# --- RET-003 AWS Config (7 years) ------------------------------------------------------------
CONFIG_HCL = '''
resource "aws_s3_bucket" "config" {
  bucket = "acme-config"
}
resource "aws_config_delivery_channel" "c" {
  s3_bucket_name = aws_s3_bucket.config.bucket
}
'''


@pytest.mark.parametrize("days,status", [(2556, "fail"), (2557, "pass")])
def test_config_retention_configuration(tmp_path, days, status):
    files = {"main.tf": CONFIG_HCL + f'''
resource "aws_config_retention_configuration" "r" {{
  retention_period_in_days = {days}
}}
'''}
    report = lint_hcl(tmp_path, files, rule="RET-003")
    assert verdicts(report) == {"aws_config_delivery_channel.c": "pass", "aws_config_retention_configuration.r": status}


def test_config_bucket_lifecycle(tmp_path):
    files = {"main.tf": CONFIG_HCL + lifecycle("config", "config", "expiration {\n days = 2556\n }")}
    assert verdicts(lint_hcl(tmp_path, files, rule="RET-003")) == {"aws_config_delivery_channel.c": "fail"}


def test_plan_config_retention():
    p = PlanBuilder()
    p.resource("aws_s3_bucket.config", {"bucket": "acme-config"}, unknown=["id", "arn"])
    p.resource("aws_config_delivery_channel.c", {"name": "default"}, unknown=["s3_bucket_name"],
               refs={"s3_bucket_name": ["aws_s3_bucket.config.bucket"]})
    p.resource("aws_config_retention_configuration.r", {"retention_period_in_days": 365}, unknown=["id", "name"])
    assert verdicts(lint_plan(p.build(), rule="RET-003")) == {
        "aws_config_delivery_channel.c": "pass", "aws_config_retention_configuration.r": "fail"}


def test_no_config_delivery_channel_is_an_account_failure(tmp_path):
    report = lint_hcl(tmp_path, {"main.tf": 'resource "aws_s3_bucket" "b" {\n bucket = "x"\n}\n'}, rule="RET-003")
    assert verdicts(report) == {ACCOUNT: "fail"}


# --- RET-004 GuardDuty findings (1 year) ------------------------------------------------------
def guardduty_hcl(rule_body: str = "") -> dict:
    text = '''
resource "aws_guardduty_detector" "d" {
  enable = true
}
resource "aws_s3_bucket" "findings" {
  bucket = "acme-findings"
}
resource "aws_guardduty_publishing_destination" "p" {
  detector_id     = aws_guardduty_detector.d.id
  destination_arn = aws_s3_bucket.findings.arn
  kms_key_arn     = "arn:aws:kms:us-east-1:111122223333:key/abc"
}
'''
    if rule_body:
        text += lifecycle("findings", "findings", rule_body)
    return {"main.tf": text}


@pytest.mark.parametrize("body,status", [
    ("", "pass"),
    ("expiration {\n days = 364\n }", "fail"),
    ("expiration {\n days = 365\n }", "pass"),
])
def test_guardduty_export_retention(tmp_path, body, status):
    report = lint_hcl(tmp_path, guardduty_hcl(body), rule="RET-004")
    assert verdicts(report) == {"aws_guardduty_publishing_destination.p": status}


def test_guardduty_without_export_fails(tmp_path):
    report = lint_hcl(tmp_path, {"main.tf": 'resource "aws_guardduty_detector" "d" {\n enable = true\n}\n'},
                      rule="RET-004")
    assert verdicts(report) == {ACCOUNT: "fail"}


@pytest.mark.parametrize("days,status", [(90, "fail"), (364, "fail"), (365, "pass")])
def test_plan_guardduty_export_retention(days, status):
    p = PlanBuilder()
    p.resource("aws_guardduty_detector.d", {"enable": True}, unknown=["id", "arn"])
    p.resource("aws_s3_bucket.findings", {"bucket": "acme-findings"}, unknown=["id", "arn"])
    p.resource("aws_s3_bucket_lifecycle_configuration.findings",
               {"rule": [{"id": "r", "status": "Enabled", "expiration": [{"days": days}]}]},
               unknown=["bucket"], refs={"bucket": ["aws_s3_bucket.findings.id"]})
    p.resource("aws_guardduty_publishing_destination.p", {"destination_type": "S3"},
               unknown=["detector_id", "destination_arn", "kms_key_arn"],
               refs={"detector_id": ["aws_guardduty_detector.d.id"],
                     "destination_arn": ["aws_s3_bucket.findings.arn"],
                     "kms_key_arn": ["aws_kms_key.k.arn"]})
    assert verdicts(lint_plan(p.build(), rule="RET-004")) == {"aws_guardduty_publishing_destination.p": status}


# --- RET-005 Security Hub findings (1 year) ---------------------------------------------------
def securityhub_hcl(retention: int | None) -> dict:
    text = 'resource "aws_securityhub_account" "this" {}\n'
    if retention is not None:
        text += f'''
resource "aws_cloudwatch_event_rule" "findings" {{
  name          = "securityhub-findings"
  event_pattern = jsonencode({{ source = ["aws.securityhub"] }})
}}
resource "aws_cloudwatch_log_group" "findings" {{
  name              = "/aws/events/securityhub"
  retention_in_days = {retention}
}}
resource "aws_cloudwatch_event_target" "findings" {{
  rule = aws_cloudwatch_event_rule.findings.name
  arn  = aws_cloudwatch_log_group.findings.arn
}}
'''
    return {"main.tf": text}


@pytest.mark.parametrize("retention,expected", [
    (None, {ACCOUNT: "fail"}),
    (364, {"aws_cloudwatch_event_target.findings": "fail"}),
    (365, {"aws_cloudwatch_event_target.findings": "pass"}),
])
def test_securityhub_findings_retention(tmp_path, retention, expected):
    assert verdicts(lint_hcl(tmp_path, securityhub_hcl(retention), rule="RET-005")) == expected


GUARDDUTY_SUFFICES = Policy({**POLICY.data, "security_hub": {"findings_export": "guardduty_export_suffices"}},
                            "<guardduty export suffices>")
GUARDDUTY_EXPORT = '''
resource "aws_guardduty_detector" "this" {}
resource "aws_guardduty_publishing_destination" "this" {
  detector_id     = aws_guardduty_detector.this.id
  destination_arn = "arn:aws:s3:::findings"
  kms_key_arn     = "arn:aws:kms:us-east-1:111122223333:key/x"
}
'''


def test_securityhub_without_export_fails_even_with_guardduty_export_by_default(tmp_path):
    """Security Hub keeps findings 90 days; the policy keeps security findings 1 year."""
    files = securityhub_hcl(None)
    files["main.tf"] += GUARDDUTY_EXPORT
    report = lint_hcl(tmp_path, files, rule="RET-005")
    assert verdicts(report) == {ACCOUNT: "fail"}
    assert "90 days" in report.findings[0].message


def test_securityhub_without_export_passes_when_the_policy_accepts_the_guardduty_export(tmp_path):
    files = securityhub_hcl(None)
    assert verdicts(lint_hcl(tmp_path, files, rule="RET-005", policy=GUARDDUTY_SUFFICES)) == {ACCOUNT: "fail"}
    files["main.tf"] += GUARDDUTY_EXPORT
    report = lint_hcl(tmp_path, files, rule="RET-005", policy=GUARDDUTY_SUFFICES)
    assert verdicts(report) == {ACCOUNT: "pass"}
    assert "accepted by the policy" in report.findings[0].message


def test_plan_securityhub_without_export():
    p = PlanBuilder()
    p.resource("aws_securityhub_account.this", {"enable_default_standards": True})
    p.resource("aws_guardduty_detector.this", {"enable": True}, unknown=["id"])
    p.resource("aws_guardduty_publishing_destination.this", {"destination_arn": "arn:aws:s3:::findings"},
               unknown=["detector_id"], refs={"detector_id": ["aws_guardduty_detector.this.id"]})
    assert verdicts(lint_plan(p.build(), rule="RET-005")) == {ACCOUNT: "fail"}
    assert verdicts(lint_plan(p.build(), rule="RET-005", policy=GUARDDUTY_SUFFICES)) == {ACCOUNT: "pass"}


@pytest.mark.parametrize("retention,status", [(30, "fail"), (0, "pass")])
def test_plan_securityhub_findings_retention(retention, status):
    p = PlanBuilder()
    p.resource("aws_securityhub_account.this", {}, unknown=["id", "arn"])
    p.resource("aws_cloudwatch_event_rule.findings", {"name": "f", "event_pattern": json.dumps(
        {"source": ["aws.securityhub"], "detail-type": ["Security Hub Findings - Imported"]})}, unknown=["arn"])
    p.resource("aws_cloudwatch_log_group.findings", {"name": "/aws/events/sh", "retention_in_days": retention},
               unknown=["arn"])
    p.resource("aws_cloudwatch_event_target.findings", {}, unknown=["rule", "arn"],
               refs={"rule": ["aws_cloudwatch_event_rule.findings.name"],
                     "arn": ["aws_cloudwatch_log_group.findings.arn"]})
    assert verdicts(lint_plan(p.build(), rule="RET-005")) == {"aws_cloudwatch_event_target.findings": status}


# --- RET-006 application logs (1 year) --------------------------------------------------------
@pytest.mark.parametrize("django,laravel,expected", [
    (365, 0, {"aws_cloudwatch_log_group.django": "pass", "aws_cloudwatch_log_group.laravel": "pass"}),
    (364, 365, {"aws_cloudwatch_log_group.django": "fail", "aws_cloudwatch_log_group.laravel": "pass"}),
])
def test_application_log_retention(tmp_path, django, laravel, expected):
    files = {"main.tf": f'''
resource "aws_cloudwatch_log_group" "django" {{
  name              = "/app/django/access"
  retention_in_days = {django}
}}
resource "aws_cloudwatch_log_group" "laravel" {{
  name              = "/app/laravel"
  retention_in_days = {laravel}
}}
'''}
    assert verdicts(lint_hcl(tmp_path, files, rule="RET-006")) == expected


def test_plan_application_log_retention():
    p = PlanBuilder()
    p.resource("aws_cloudwatch_log_group.django", {"name": "/app/django", "retention_in_days": 30}, unknown=["arn"])
    report = lint_plan(p.build(), rule="RET-006")
    # laravel missing: APP-001's finding, not repeated here (one missing thing is reported once)
    assert verdicts(report) == {"aws_cloudwatch_log_group.django": "fail"}
    assert verdicts(lint_plan(p.build(), rule="APP-001")) == {"aws_cloudwatch_log_group.django": "pass",
                                                             ACCOUNT: "fail"}
    p = PlanBuilder()
    p.resource("aws_cloudwatch_log_group.django", {"name": "/app/django", "retention_in_days": 0}, unknown=["arn"])
    p.resource("aws_cloudwatch_log_group.laravel", {"name": "/app/laravel", "retention_in_days": 400}, unknown=["arn"])
    assert verdicts(lint_plan(p.build(), rule="RET-006")) == {
        "aws_cloudwatch_log_group.django": "pass", "aws_cloudwatch_log_group.laravel": "pass"}


# --- RET-007 screenshot bucket access logs (1 year) -------------------------------------------
def access_log_hcl(rule_body: str = "") -> dict:
    text = '''
resource "aws_s3_bucket" "shots" {
  bucket = "acme-screenshots"
}
resource "aws_s3_bucket" "access" {
  bucket = "acme-access-logs"
}
resource "aws_s3_bucket_logging" "shots" {
  bucket        = aws_s3_bucket.shots.id
  target_bucket = aws_s3_bucket.access.id
  target_prefix = "shots/"
}
'''
    if rule_body:
        text += lifecycle("access", "access", rule_body)
    return {"main.tf": text}


@pytest.mark.parametrize("body,status", [
    ("", "pass"),
    ("expiration {\n days = 364\n }", "fail"),
    ("expiration {\n days = 365\n }", "pass"),
    ('filter {\n prefix = "other/"\n }\n expiration {\n days = 7\n }', "pass"),
])
def test_access_log_retention(tmp_path, body, status):
    assert verdicts(lint_hcl(tmp_path, access_log_hcl(body), rule="RET-007")) == {"aws_s3_bucket.shots": status}


def test_screenshot_bucket_without_logging_is_reported_once_by_s3l001(tmp_path):
    files = {"main.tf": 'resource "aws_s3_bucket" "shots" {\n bucket = "acme-screenshots"\n}\n'}
    report = lint_hcl(tmp_path, files)
    assert verdicts(report, "RET-007") == {}
    assert verdicts(report, "S3L-001") == {"aws_s3_bucket.shots": "fail"}


@pytest.mark.parametrize("days,status", [(30, "fail"), (365, "pass")])
def test_plan_access_log_retention(days, status):
    p = PlanBuilder()
    p.resource("aws_s3_bucket.shots", {"bucket": "acme-screenshots"}, unknown=["id", "arn", "logging"])
    p.resource("aws_s3_bucket.access", {"bucket": "acme-access-logs"}, unknown=["id", "arn"])
    p.resource("aws_s3_bucket_logging.shots", {"target_prefix": "shots/"}, unknown=["bucket", "target_bucket"],
               refs={"bucket": ["aws_s3_bucket.shots.id"], "target_bucket": ["aws_s3_bucket.access.id"]})
    p.resource("aws_s3_bucket_lifecycle_configuration.access",
               {"rule": [{"id": "r", "status": "Enabled",
                          "noncurrent_version_expiration": [{"noncurrent_days": days}]}]},
               unknown=["bucket"], refs={"bucket": ["aws_s3_bucket.access.id"]})
    assert verdicts(lint_plan(p.build(), rule="RET-007")) == {"aws_s3_bucket.shots": status}


# --- RET-008 SSM session logs (1 year) ---------------------------------------------------------
def session_hcl(retention: int, content_extra: str = "") -> dict:
    return {"main.tf": f'''
resource "aws_cloudwatch_log_group" "ssm" {{
  name              = "/ssm/sessions"
  retention_in_days = {retention}
}}
resource "aws_ssm_document" "session" {{
  name            = "SSM-SessionManagerRunShell"
  document_type   = "Session"
  document_format = "JSON"
  content = jsonencode({{
    schemaVersion = "1.0"
    sessionType   = "Standard_Stream"
    inputs = {{
      cloudWatchLogGroupName      = aws_cloudwatch_log_group.ssm.name
      cloudWatchEncryptionEnabled = true
      {content_extra}
    }}
  }})
}}
'''}


@pytest.mark.parametrize("retention,status", [(364, "fail"), (365, "pass"), (0, "pass")])
def test_session_log_retention(tmp_path, retention, status):
    assert verdicts(lint_hcl(tmp_path, session_hcl(retention), rule="RET-008")) == {"aws_ssm_document.session": status}


def test_session_bucket_retention(tmp_path):
    files = session_hcl(365, 's3BucketName = "acme-sessions"\n s3EncryptionEnabled = true')
    files["main.tf"] += 'resource "aws_s3_bucket" "sessions" {\n bucket = "acme-sessions"\n}\n'
    files["main.tf"] += lifecycle("sessions", "sessions", "expiration {\n days = 30\n }")
    assert verdicts(lint_hcl(tmp_path, files, rule="RET-008")) == {"aws_ssm_document.session": "fail"}


def test_plan_session_log_retention():
    content = json.dumps({"schemaVersion": "1.0", "sessionType": "Standard_Stream",
                          "inputs": {"cloudWatchLogGroupName": "/ssm/sessions", "cloudWatchEncryptionEnabled": True}})
    for retention, status in ((364, "fail"), (365, "pass")):
        p = PlanBuilder()
        p.resource("aws_cloudwatch_log_group.ssm", {"name": "/ssm/sessions", "retention_in_days": retention},
                   unknown=["arn"])
        p.resource("aws_ssm_document.session", {"name": "SSM-SessionManagerRunShell", "document_type": "Session",
                                                "document_format": "JSON", "content": content})
        assert verdicts(lint_plan(p.build(), rule="RET-008")) == {"aws_ssm_document.session": status}


def test_plan_session_content_unknown_is_unknown():
    p = PlanBuilder()
    p.resource("aws_ssm_document.session", {"name": "SSM-SessionManagerRunShell", "document_type": "Session"},
               unknown=["content"], refs={"content": ["random_id.x.hex"]})
    assert verdicts(lint_plan(p.build(), rule="RET-008")) == {"aws_ssm_document.session": "unknown"}


# --- rule metadata (every Log Sources / flow log / encryption rule) ------------------------------
MY_PREFIXES = ("RET", "FL", "CFG", "FND", "APP", "S3L", "SSM", "ENC")


def my_rules():
    from lint_rules.engine import all_rules

    return [r for r in all_rules() if r.id.split("-")[0] in MY_PREFIXES]


def test_every_clause_is_quoted_from_the_policy():
    from ..helpers import shared_dir

    path = shared_dir() / "policy" / "audit-logging-policy.md"
    if not path.exists():
        pytest.skip(f"{path} not present")
    text = path.read_text(encoding="utf-8")
    rules = my_rules()
    assert {r.id.split("-")[0] for r in rules} == set(MY_PREFIXES)
    for rule in rules:
        assert rule.clause in text, f"{rule.id} clause {rule.clause!r} is not in the policy"


def test_every_rule_documents_itself():
    for rule in my_rules():
        for attr in ("title", "section", "rationale", "fix", "example_fail", "example_pass"):
            assert getattr(rule, attr), f"{rule.id} lacks {attr}"
        assert "\n" not in rule.fix and "\n" not in rule.title


def test_messages_are_one_line(tmp_path):
    files = trail_files(lifecycle(rule_body="expiration {\n days = 30\n }"))
    files.update({"flow.tf": flow_hcl("retention_in_days = 30")["main.tf"],
                  "shots.tf": access_log_hcl("expiration {\n days = 30\n }")["main.tf"],
                  "ssm.tf": session_hcl(30)["main.tf"]})
    report = lint_hcl(tmp_path, files)
    mine = [f for f in report.findings if f.rule_id.split("-")[0] in MY_PREFIXES]
    assert mine and all("\n" not in f.message for f in mine)
    assert {"pass", "fail"} <= {f.status for f in mine}


def test_plan_lifecycle_computed_attributes():
    """In a plan the provider leaves rule.prefix / expiration.days "known after apply" when unset."""
    def doc(rule, unknown):
        p = PlanBuilder()
        p.resource("aws_s3_bucket.trail", {"bucket": "acme-trail-logs"}, unknown=["id", "arn", "lifecycle_rule"])
        p.resource("aws_s3_bucket_lifecycle_configuration.trail", {"rule": [rule]},
                   unknown=["bucket"] + unknown, refs={"bucket": ["aws_s3_bucket.trail.id"]})
        p.resource(TRAIL, {"name": "t", "s3_key_prefix": "ct"}, unknown=["s3_bucket_name"],
                   refs={"s3_bucket_name": ["aws_s3_bucket.trail.id"]})
        return p.build()

    scoped = {"id": "tmp", "status": "Enabled", "filter": [{"prefix": "tmp/"}], "expiration": [{"days": 1}]}
    assert verdicts(lint_plan(doc(scoped, ["rule.0.prefix"]), rule="RET-001")) == {TRAIL: "pass"}
    dated = {"id": "d", "status": "Enabled", "filter": [{"prefix": ""}],
             "expiration": [{"date": "2030-01-01T00:00:00Z"}]}
    assert verdicts(lint_plan(doc(dated, ["rule.0.expiration.0.days"]), rule="RET-001")) == {TRAIL: "fail"}
    unknown_days = {"id": "u", "status": "Enabled", "filter": [{"prefix": ""}], "expiration": [{"date": None}]}
    assert verdicts(lint_plan(doc(unknown_days, ["rule.0.expiration.0.days"]), rule="RET-001")) == {
        TRAIL: "unknown"}
