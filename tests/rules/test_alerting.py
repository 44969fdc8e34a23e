"""Alerting rules (ALR-001 .. ALR-004), in HCL and plan form.

The HCL base (``BLOCKS``) is one complete, compliant alerting setup; each test replaces or drops
blocks and states the exact verdict per address.
"""
from __future__ import annotations

import copy
import json

import pytest

from lint_rules.engine import ACCOUNT
from lint_rules.policy import Policy
from lint_rules.rules import _alarms

from ..helpers import POLICY, lint_hcl, lint_plan, verdicts
from ..planbuilder import PlanBuilder

CT_ALARM = "aws_cloudwatch_metric_alarm.ct"
CT_FILTER = "aws_cloudwatch_log_metric_filter.ct"
ROOT_ALARM = "aws_cloudwatch_metric_alarm.root"
ROOT_FILTER = "aws_cloudwatch_log_metric_filter.root"
BUCKET = "aws_s3_bucket.screenshots"
GD_RULE = "aws_cloudwatch_event_rule.gd"

CT_PATTERN = "{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) || ($.eventName = UpdateTrail) }"
ROOT_PATTERN = ('{ $.userIdentity.type = \\"Root\\" && $.userIdentity.invokedBy NOT EXISTS && '
                '$.eventType != \\"AwsServiceEvent\\" }')
GD_PATTERN = {"source": ["aws.securityhub"], "detail-type": ["Security Hub Findings - Imported"],
              "detail": {"findings": {"ProductName": ["GuardDuty"], "Severity": {"Label": ["HIGH", "CRITICAL"]}}}}


def hcl_json(value) -> str:
    """A Python value as an HCL string literal holding its JSON."""
    return json.dumps(json.dumps(value))


def filter_block(name: str, pattern: str, metric: str, group: str = "aws_cloudwatch_log_group.trail.name") -> str:
    return f'''
resource "aws_cloudwatch_log_metric_filter" "{name}" {{
  name           = "{name}"
  log_group_name = {group}
  pattern        = "{pattern}"
  metric_transformation {{
    name      = "{metric}"
    namespace = "Security"
    value     = "1"
  }}
}}
'''


def alarm_block(name: str, metric: str, **attrs) -> str:
    base = {"alarm_name": f'"{name}"', "namespace": '"Security"', "metric_name": f'"{metric}"',
            "statistic": '"Sum"', "period": "300", "evaluation_periods": "1", "threshold": "1",
            "comparison_operator": '"GreaterThanOrEqualToThreshold"', "treat_missing_data": '"notBreaching"',
            "alarm_actions": "[aws_sns_topic.alerts.arn]"}
    base.update(attrs)
    body = "\n".join(f"  {k} = {v}" for k, v in base.items() if v is not None)
    return f'resource "aws_cloudwatch_metric_alarm" "{name}" {{\n{body}\n}}\n'


def anomaly_block(**attrs) -> str:
    base = {"comparison_operator": '"GreaterThanUpperThreshold"', "threshold_metric_id": '"band"',
            "evaluation_periods": "2", "alarm_actions": "[aws_sns_topic.alerts.arn]",
            "band": '"ANOMALY_DETECTION_BAND(m1, 2)"', "metric_name": '"AllRequests"', "namespace": '"AWS/S3"',
            "bucket_name": "aws_s3_bucket.screenshots.bucket", "filter_id": "aws_s3_bucket_metric.screenshots.name"}
    base.update(attrs)
    top = "\n".join(f"  {k} = {base[k]}" for k in ("comparison_operator", "threshold_metric_id",
                                                     "evaluation_periods", "alarm_actions") if base[k] is not None)
    dims = f"BucketName = {base['bucket_name']}" + (f", FilterId = {base['filter_id']}" if base["filter_id"] else "")
    return f'''
resource "aws_cloudwatch_metric_alarm" "anomaly" {{
  alarm_name = "screenshots-unusual-access"
{top}
  metric_query {{
    id          = "band"
    expression  = {base["band"]}
    return_data = true
  }}
  metric_query {{
    id          = "m1"
    return_data = true
    metric {{
      namespace   = {base["namespace"]}
      metric_name = {base["metric_name"]}
      period      = 300
      stat        = "Sum"
      dimensions  = {{ {dims} }}
    }}
  }}
}}
'''


def rule_block(pattern, name: str = "gd", **attrs) -> str:
    extra = "".join(f"  {k} = {v}\n" for k, v in attrs.items())
    value = pattern if isinstance(pattern, str) and not pattern.startswith("{") else hcl_json(pattern)
    return f'''
resource "aws_cloudwatch_event_rule" "{name}" {{
  name          = "{name}"
  event_pattern = {value}
{extra}}}
'''


def target_block(name: str = "gd", arn: str = "aws_sns_topic.alerts.arn", rule: str = "gd") -> str:
    return f'''
resource "aws_cloudwatch_event_target" "{name}" {{
  rule = aws_cloudwatch_event_rule.{rule}.name
  arn  = {arn}
}}
'''


KEY_POLICY = '''
data "aws_iam_policy_document" "key" {
  statement {
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }
  statement {
    actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = [PUBLISHERS]
    }
  }
}
'''

TOPIC_POLICY = '''
data "aws_iam_policy_document" "topic" {
  statement {
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]
    principals {
      type        = "Service"
      identifiers = [PUBLISHERS]
    }
  }
}
resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = data.aws_iam_policy_document.topic.json
}
'''

PUBLISHERS = '"cloudwatch.amazonaws.com", "events.amazonaws.com"'

BLOCKS = {
    "trail": '''
resource "aws_cloudwatch_log_group" "trail" {
  name              = "/aws/cloudtrail/main"
  retention_in_days = 2557
}
resource "aws_iam_role" "trail" {
  name               = "trail-to-logs"
  assume_role_policy = "{}"
}
resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = "trail-bucket"
  is_multi_region_trail      = true
  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn  = aws_iam_role.trail.arn
}
''',
    "key": KEY_POLICY.replace("PUBLISHERS", PUBLISHERS) + '''
resource "aws_kms_key" "alerts" {
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json
}
''',
    "topic": '''
resource "aws_sns_topic" "alerts" {
  name              = "security-alerts"
  kms_master_key_id = aws_kms_key.alerts.arn
}
''',
    "subscription": '''
resource "aws_sns_topic_subscription" "email" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = "security@example.com"
}
''',
    "topic_policy": TOPIC_POLICY.replace("PUBLISHERS", PUBLISHERS),
    "ct_filter": filter_block("ct", CT_PATTERN, "CloudTrailDisabled"),
    "ct_alarm": alarm_block("ct", "CloudTrailDisabled"),
    "root_filter": filter_block("root", ROOT_PATTERN, "RootAccountUsage"),
    "root_alarm": alarm_block("root", "RootAccountUsage"),
    "bucket": '''
resource "aws_s3_bucket" "screenshots" {
  bucket = "acme-screenshots-prod"
}
''',
    "bucket_metric": '''
resource "aws_s3_bucket_metric" "screenshots" {
  bucket = aws_s3_bucket.screenshots.id
  name   = "EntireBucket"
}
''',
    "anomaly": anomaly_block(),
    "gd_rule": rule_block(GD_PATTERN),
    "gd_target": target_block(),
}


def files(**changes) -> dict:
    """The base blocks with ``changes`` (name -> new text, None drops the block; new names are added)."""
    blocks = dict(BLOCKS)
    for name, text in changes.items():
        if text is None:
            blocks.pop(name, None)
        else:
            blocks[name] = text
    return {"main.tf": "".join(blocks.values())}


def lint(tmp_path, rule, **changes):
    return lint_hcl(tmp_path, files(**changes), rule=rule)


def message(report) -> str:
    assert len(report.findings) == 1, [(f.resource, f.status, f.message) for f in report.findings]
    return report.findings[0].message


# =============================================================================
# the pattern evaluators
# =============================================================================
@pytest.mark.parametrize("pattern, stop, delete", [
    (CT_PATTERN, True, True),
    ("{ ($.eventSource = cloudtrail.amazonaws.com) && (($.eventName = StopLogging) || ($.eventName = DeleteTrail)) }",
     True, True),
    ('{ ($.eventName = "StopLogging") || ($.eventName = "DeleteTrail") }', True, True),
    ('{$.eventName="StopLogging"||$.eventName="DeleteTrail"}', True, True),
    ('{ $.eventName = "Stop*" || $.eventName = "Delete*" }', True, True),
    ("{ $.eventName = %StopLogging|DeleteTrail% }", True, True),
    ('{ $.eventName IN ["StopLogging", "DeleteTrail"] }', True, True),
    ("?StopLogging ?DeleteTrail", True, True),
    ("StopLogging", True, False),
    ("{ $.eventName = StopLogging }", True, False),
    ('{ $.eventName = StopLogging && $.errorCode = "*" }', False, False),  # failed attempts only
    ("{ $.eventName = stoplogging }", False, False),  # case-sensitive
])
def test_filter_pattern_evaluation(pattern, stop, delete):
    assert _alarms.filter_matches(pattern, _alarms.cloudtrail_api_call("StopLogging", "AssumedRole")) is stop
    assert _alarms.filter_matches(pattern, _alarms.cloudtrail_api_call("DeleteTrail", "IAMUser")) is delete


@pytest.mark.parametrize("pattern", ["[version, account, eni]", "{ $.eventName = ", "{ $.x = y ", "{ $.requestParameters[*].name = c }"])
def test_unreadable_filter_pattern_is_unknown(pattern):
    assert _alarms.filter_matches(pattern, _alarms.cloudtrail_api_call("StopLogging", "IAMUser")) is _alarms.UNKNOWN


def test_cis_root_pattern_matches_root_login_only():
    pattern = ROOT_PATTERN.replace('\\"', '"')
    assert _alarms.filter_matches(pattern, _alarms.console_sign_in("Root")) is True
    assert _alarms.filter_matches(pattern, _alarms.console_sign_in("IAMUser")) is False


@pytest.mark.parametrize("pattern, high, critical", [
    (GD_PATTERN, True, True),
    ({"source": ["aws.securityhub"], "detail": {"findings": {"ProductName": ["GuardDuty"],
                                                             "Severity": {"Label": ["CRITICAL"]}}}}, False, True),
    ({"source": ["aws.securityhub"], "detail": {"findings": {
        "ProductFields": {"aws/securityhub/ProductName": ["GuardDuty"]},
        "Severity": {"Normalized": [{"numeric": [">=", 70]}]}}}}, True, True),
    ({"source": ["aws.securityhub"], "detail": {"findings": {"GeneratorId": [{"prefix": "arn:aws:guardduty"}]}}},
     True, True),
    ({"source": ["aws.securityhub"], "detail": {"findings": {"ProductName": ["GuardDuty"], "Severity": {
        "Label": [{"anything-but": ["LOW", "MEDIUM", "INFORMATIONAL"]}]}}}}, True, True),
    ({"source": ["aws.guardduty"], "detail": {"severity": [{"numeric": [">=", 7]}]}}, False, False),
])
def test_event_pattern_evaluation(pattern, high, critical):
    assert _alarms.event_pattern_matches(pattern, _alarms.securityhub_event(7.0)) is high
    assert _alarms.event_pattern_matches(pattern, _alarms.securityhub_event(9.5)) is critical


# =============================================================================
# the compliant base
# =============================================================================
@pytest.mark.parametrize("rule, subject", [("ALR-001", CT_ALARM), ("ALR-002", ROOT_ALARM), ("ALR-003", BUCKET),
                                           ("ALR-004", GD_RULE)])
def test_compliant_base_passes(tmp_path, rule, subject):
    assert verdicts(lint(tmp_path, rule)) == {subject: "pass"}


def test_rules_follow_the_policy_alerting_table(tmp_path):
    data = copy.deepcopy(POLICY.data)
    data["alerting"] = [r for r in data["alerting"] if r["id"] != "root_login"]
    report = lint_hcl(tmp_path, files(root_filter=None, root_alarm=None),
                      policy=Policy(data=data, source="<test>"))
    assert not [f for f in report.findings if f.rule_id == "ALR-002"]
    assert verdicts(report, "ALR-001") == {CT_ALARM: "pass"}


# =============================================================================
# ALR-001 CloudTrail disabled
# =============================================================================
@pytest.mark.parametrize("pattern", [
    "{ ($.eventSource = cloudtrail.amazonaws.com) && (($.eventName = StopLogging) || ($.eventName = DeleteTrail)) }",
    '{ ($.eventName = \\"StopLogging\\") || ($.eventName = \\"DeleteTrail\\") }',
    "?StopLogging ?DeleteTrail",
])
def test_cloudtrail_pattern_spellings_pass(tmp_path, pattern):
    assert verdicts(lint(tmp_path, "ALR-001", ct_filter=filter_block("ct", pattern, "CloudTrailDisabled"))) == {
        CT_ALARM: "pass"}


def test_pattern_missing_delete_trail_fails(tmp_path):
    report = lint(tmp_path, "ALR-001", ct_filter=filter_block("ct", "{ $.eventName = StopLogging }", "CloudTrailDisabled"))
    assert verdicts(report) == {CT_ALARM: "fail"}
    assert "DeleteTrail" in message(report)


def test_two_filters_together_cover_the_condition(tmp_path):
    report = lint(tmp_path, "ALR-001",
                  ct_filter=filter_block("ct", "{ $.eventName = StopLogging }", "CloudTrailStopped"),
                  ct_alarm=alarm_block("ct", "CloudTrailStopped"),
                  ct_filter2=filter_block("ct2", "{ $.eventName = DeleteTrail }", "CloudTrailDeleted"),
                  ct_alarm2=alarm_block("ct2", "CloudTrailDeleted"))
    assert verdicts(report) == {CT_ALARM: "pass"}
    assert "aws_cloudwatch_metric_alarm.ct2" in message(report)


def test_catch_all_pattern_fails(tmp_path):
    report = lint(tmp_path, "ALR-001", ct_filter=filter_block("ct", "", "CloudTrailDisabled"))
    assert verdicts(report) == {CT_ALARM: "fail"}
    assert "DescribeInstances" in message(report)


def test_no_metric_filter_fails_on_account(tmp_path):
    report = lint(tmp_path, "ALR-001", ct_filter=None, ct_alarm=None)
    assert verdicts(report) == {ACCOUNT: "fail"}
    assert "StopLogging" in message(report) and "CloudWatch alarm" in message(report)


def test_filter_without_alarm_fails_on_the_filter(tmp_path):
    report = lint(tmp_path, "ALR-001", ct_alarm=None)
    assert verdicts(report) == {CT_FILTER: "fail"}
    assert "no aws_cloudwatch_metric_alarm" in message(report)


def test_alarm_on_another_metric_does_not_count(tmp_path):
    report = lint(tmp_path, "ALR-001", ct_alarm=alarm_block("ct", "SomethingElse"))
    assert verdicts(report) == {CT_FILTER: "fail"}


def test_alarm_metric_name_by_reference(tmp_path):
    alarm = alarm_block("ct", "x", metric_name="aws_cloudwatch_log_metric_filter.ct.metric_transformation[0].name")
    assert verdicts(lint(tmp_path, "ALR-001", ct_alarm=alarm)) == {CT_ALARM: "pass"}


@pytest.mark.parametrize("attrs, needle", [
    ({"alarm_actions": None}, "alarm_actions is not set"),
    ({"alarm_actions": "[]"}, "alarm_actions is not set"),
    ({"alarm_actions": '["arn:aws:autoscaling:us-east-1:111122223333:scalingPolicy:x"]'}, "no SNS topic"),
    ({"actions_enabled": "false"}, "actions_enabled = false"),
    ({"threshold": "5"}, "does not breach"),
    ({"comparison_operator": '"LessThanThreshold"'}, "LessThanThreshold"),
    ({"evaluation_periods": "3"}, "3 breaching periods"),
    ({"evaluation_periods": "3", "datapoints_to_alarm": "2"}, "2 breaching periods"),
])
def test_alarm_that_never_notifies_fails(tmp_path, attrs, needle):
    report = lint(tmp_path, "ALR-001", ct_alarm=alarm_block("ct", "CloudTrailDisabled", **attrs))
    assert verdicts(report) == {CT_ALARM: "fail"}
    assert needle in message(report)


@pytest.mark.parametrize("attrs", [
    {"evaluation_periods": "3", "datapoints_to_alarm": "1"},
    {"statistic": '"SampleCount"'},
    {"comparison_operator": '"GreaterThanThreshold"', "threshold": "0"},
    {"ok_actions": "[aws_sns_topic.alerts.arn]"},
])
def test_alarm_variants_that_fire_on_one_event_pass(tmp_path, attrs):
    assert verdicts(lint(tmp_path, "ALR-001", ct_alarm=alarm_block("ct", "CloudTrailDisabled", **attrs))) == {
        CT_ALARM: "pass"}


def test_metric_value_zero_fails(tmp_path):
    flt = filter_block("ct", CT_PATTERN, "CloudTrailDisabled").replace('value     = "1"', 'value     = "0"')
    assert verdicts(lint(tmp_path, "ALR-001", ct_filter=flt)) == {CT_ALARM: "fail"}


def test_filter_on_a_log_group_no_trail_sends_to_fails(tmp_path):
    other = 'resource "aws_cloudwatch_log_group" "app" {\n  name = "/app/django/access"\n}\n'
    report = lint(tmp_path, "ALR-001", other=other,
                  ct_filter=filter_block("ct", CT_PATTERN, "CloudTrailDisabled", group="aws_cloudwatch_log_group.app.name"))
    assert verdicts(report) == {CT_ALARM: "fail"}
    assert "which no trail sends to" in message(report)


def test_filter_on_the_trail_group_by_literal_name_passes(tmp_path):
    flt = filter_block("ct", CT_PATTERN, "CloudTrailDisabled", group='"/aws/cloudtrail/main"')
    assert verdicts(lint(tmp_path, "ALR-001", ct_filter=flt)) == {CT_ALARM: "pass"}


def test_trail_not_sending_to_cloudwatch_logs_fails(tmp_path):
    trail = BLOCKS["trail"].replace('  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"\n', "") \
        .replace("  cloud_watch_logs_role_arn  = aws_iam_role.trail.arn\n", "")
    report = lint(tmp_path, "ALR-001", trail=trail)
    assert verdicts(report) == {CT_ALARM: "fail"}
    assert "cloud_watch_logs_group_arn is not set" in message(report)


def test_trail_without_cloudwatch_role_fails(tmp_path):
    trail = BLOCKS["trail"].replace("  cloud_watch_logs_role_arn  = aws_iam_role.trail.arn\n", "")
    report = lint(tmp_path, "ALR-001", trail=trail)
    assert verdicts(report) == {CT_ALARM: "fail"}
    assert "cloud_watch_logs_role_arn" in message(report)


def test_no_trail_in_configuration_is_unknown(tmp_path):
    flt = filter_block("ct", CT_PATTERN, "CloudTrailDisabled", group='"/aws/cloudtrail/org"')
    report = lint(tmp_path, "ALR-001", trail=None, ct_filter=flt)
    assert verdicts(report) == {CT_ALARM: "unknown"}


def test_pattern_not_known_is_unknown(tmp_path):
    flt = filter_block("ct", "x", "CloudTrailDisabled").replace('pattern        = "x"',
                                                                 "pattern        = aws_iam_role.trail.unique_id")
    assert verdicts(lint(tmp_path, "ALR-001", ct_filter=flt)) == {CT_ALARM: "unknown"}


def test_topic_outside_configuration_is_unknown(tmp_path):
    alarm = alarm_block("ct", "CloudTrailDisabled", alarm_actions='["arn:aws:sns:us-east-1:111122223333:elsewhere"]')
    report = lint(tmp_path, "ALR-001", ct_alarm=alarm)
    assert verdicts(report) == {CT_ALARM: "unknown"}


def test_topic_by_arn_literal_resolves(tmp_path):
    alarm = alarm_block("ct", "CloudTrailDisabled", alarm_actions='["arn:aws:sns:us-east-1:111122223333:security-alerts"]')
    assert verdicts(lint(tmp_path, "ALR-001", ct_alarm=alarm)) == {CT_ALARM: "pass"}


def test_topic_without_subscription_fails(tmp_path):
    report = lint(tmp_path, "ALR-001", subscription=None)
    assert verdicts(report) == {CT_ALARM: "fail"}
    assert "no aws_sns_topic_subscription" in message(report)


UNREAD_MODULE = '''
module "pagerduty" {
  source = "github.com/acme/terraform-pagerduty-integration?ref=v1"
  sns_topics = [aws_sns_topic.alerts.name]
}
'''


@pytest.mark.parametrize("rule, subject", [("ALR-001", CT_ALARM), ("ALR-002", ROOT_ALARM)])
def test_a_topic_without_subscription_is_unknown_while_a_module_is_not_read(tmp_path, rule, subject):
    """"Nobody receives the alert" rests on no subscription being in the configuration: a module that was
    not read (modernisation-platform subscribes PagerDuty to its alarm topics in one) may hold it."""
    report = lint(tmp_path, rule, subscription=None, unread=UNREAD_MODULE)
    assert verdicts(report) == {subject: "unknown"}
    assert "no aws_sns_topic_subscription" in message(report) and "module.pagerduty" in message(report)
    assert verdicts(lint(tmp_path / "read", rule, subscription=None)) == {subject: "fail"}


def test_topic_key_the_alarm_cannot_use_fails(tmp_path):
    key = BLOCKS["key"].replace(PUBLISHERS, '"events.amazonaws.com"')
    report = lint(tmp_path, "ALR-001", key=key)
    assert verdicts(report) == {CT_ALARM: "fail"}
    assert "does not let cloudwatch.amazonaws.com" in message(report)


def test_aws_managed_topic_key_is_left_to_enc_003(tmp_path):
    # one misconfiguration, one failing rule: ENC-003 fails the topic; the alert rule only notes it
    topic = 'resource "aws_sns_topic" "alerts" {\n  name = "security-alerts"\n  kms_master_key_id = "alias/aws/sns"\n}\n'
    report = lint_hcl(tmp_path, files(topic=topic))
    assert verdicts(report, "ALR-001") == {CT_ALARM: "pass"}
    assert "ENC-003" in next(f for f in report.findings if f.rule_id == "ALR-001").message
    assert verdicts(report, "ENC-003") == {"aws_sns_topic.alerts": "fail"}


@pytest.mark.parametrize("extra", ["  enable_logging = false\n",
                                   '  event_selector {\n    read_write_type = "ReadOnly"\n  }\n'])
def test_trail_problems_are_left_to_the_cloudtrail_rules(tmp_path, extra):
    trail = BLOCKS["trail"].replace("  is_multi_region_trail      = true\n", "  is_multi_region_trail      = true\n" + extra)
    report = lint_hcl(tmp_path, files(trail=trail))
    assert verdicts(report, "ALR-001") == {CT_ALARM: "pass"}
    assert {f.rule_id for f in report.findings if f.status == "fail"} & {"CT-001", "CT-002"}


def test_topic_key_with_default_policy_fails(tmp_path):
    key = 'resource "aws_kms_key" "alerts" {\n  enable_key_rotation = true\n}\n'
    report = lint(tmp_path, "ALR-001", key=key)
    assert verdicts(report) == {CT_ALARM: "fail"}
    assert "default key policy" in message(report)


def test_unencrypted_topic_passes_here(tmp_path):
    # encryption of the topic is ENC-003's business; an unencrypted topic delivers
    topic = 'resource "aws_sns_topic" "alerts" {\n  name = "security-alerts"\n}\n'
    assert verdicts(lint(tmp_path, "ALR-001", topic=topic)) == {CT_ALARM: "pass"}


def test_eventbridge_instead_of_alarm_fails_saying_so(tmp_path):
    pattern = {"source": ["aws.cloudtrail"], "detail-type": ["AWS API Call via CloudTrail"],
               "detail": {"eventSource": ["cloudtrail.amazonaws.com"], "eventName": ["StopLogging", "DeleteTrail"]}}
    report = lint(tmp_path, "ALR-001", ct_filter=None, ct_alarm=None,
                  ct_rule=rule_block(pattern, name="ct"), ct_target=target_block("ct", rule="ct"))
    assert verdicts(report) == {ACCOUNT: "fail"}
    assert "EventBridge rule aws_cloudwatch_event_rule.ct" in message(report)


# =============================================================================
# ALR-002 Root account login
# =============================================================================
@pytest.mark.parametrize("pattern", [
    "{ $.userIdentity.type = Root && $.eventName = ConsoleLogin }",
    '{ $.userIdentity.type = \\"Root\\" }',
    '{ ($.userIdentity.type = \\"Root\\") && ($.userIdentity.invokedBy NOT EXISTS) }',
])
def test_root_pattern_spellings_pass(tmp_path, pattern):
    assert verdicts(lint(tmp_path, "ALR-002", root_filter=filter_block("root", pattern, "RootAccountUsage"))) == {
        ROOT_ALARM: "pass"}


@pytest.mark.parametrize("pattern, needle", [
    ("{ $.eventName = ConsoleLogin }", "console login of an IAM user"),
    ('{ $.userIdentity.type = \\"Root\\" && $.additionalEventData.MFAUsed = \\"No\\" }', "without MFA but not with MFA"),
])
def test_root_pattern_too_broad_or_too_narrow_fails(tmp_path, pattern, needle):
    report = lint(tmp_path, "ALR-002", root_filter=filter_block("root", pattern, "RootAccountUsage"))
    assert verdicts(report) == {ROOT_ALARM: "fail"}
    assert needle in message(report)


def test_root_alarm_without_sns_fails(tmp_path):
    report = lint(tmp_path, "ALR-002", root_alarm=alarm_block("root", "RootAccountUsage", alarm_actions=None))
    assert verdicts(report) == {ROOT_ALARM: "fail"}
    assert "SNS" in message(report)


def test_no_root_filter_fails(tmp_path):
    assert verdicts(lint(tmp_path, "ALR-002", root_filter=None, root_alarm=None)) == {ACCOUNT: "fail"}


def test_cloudtrail_filter_is_not_a_root_filter(tmp_path):
    # the CloudTrail-changes filter does not match a root login: it is no candidate for ALR-002
    report = lint(tmp_path, "ALR-002", root_filter=None, root_alarm=None)
    assert CT_FILTER not in message(report)


# =============================================================================
# ALR-003 Unusual S3 access (screenshot bucket)
# =============================================================================
@pytest.mark.parametrize("attrs", [
    {"comparison_operator": '"LessThanLowerOrGreaterThanUpperThreshold"'},
    {"metric_name": '"GetRequests"'},
    {"metric_name": '"BytesDownloaded"'},
    {"band": '"ANOMALY_DETECTION_BAND(m1)"'},
    {"bucket_name": '"acme-screenshots-prod"', "filter_id": '"EntireBucket"'},
])
def test_anomaly_alarm_variants_pass(tmp_path, attrs):
    assert verdicts(lint(tmp_path, "ALR-003", anomaly=anomaly_block(**attrs))) == {BUCKET: "pass"}


def test_static_threshold_alarm_fails(tmp_path):
    static = '''
resource "aws_cloudwatch_metric_alarm" "anomaly" {
  alarm_name          = "screenshots-requests"
  namespace           = "AWS/S3"
  metric_name         = "AllRequests"
  dimensions          = { BucketName = aws_s3_bucket.screenshots.bucket, FilterId = "EntireBucket" }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1000
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_sns_topic.alerts.arn]
}
'''
    report = lint(tmp_path, "ALR-003", anomaly=static)
    assert verdicts(report) == {BUCKET: "fail"}
    assert "static-threshold" in message(report)


@pytest.mark.parametrize("attrs, needle", [
    ({"comparison_operator": '"LessThanLowerThreshold"'}, "less traffic"),
    ({"band": '"m1 * 2"'}, "not ANOMALY_DETECTION_BAND"),
    ({"threshold_metric_id": None}, "static-threshold"),
    ({"metric_name": '"BucketSizeBytes"'}, "not a request metric"),
    ({"filter_id": '"Other"'}, "no aws_s3_bucket_metric of that name"),
    ({"filter_id": None}, "no FilterId"),
    ({"alarm_actions": None}, "notifies no SNS topic"),
])
def test_broken_anomaly_alarm_fails(tmp_path, attrs, needle):
    report = lint(tmp_path, "ALR-003", anomaly=anomaly_block(**attrs))
    assert verdicts(report) == {BUCKET: "fail"}
    assert needle in message(report)


def test_request_metrics_not_enabled_fails(tmp_path):
    report = lint(tmp_path, "ALR-003", bucket_metric=None,
                  anomaly=anomaly_block(filter_id='"EntireBucket"'))
    assert verdicts(report) == {BUCKET: "fail"}
    assert "request metrics configured: none" in message(report)


def test_request_metrics_limited_to_a_prefix_fail(tmp_path):
    metric = BLOCKS["bucket_metric"].replace('  name   = "EntireBucket"\n',
                                             '  name   = "EntireBucket"\n  filter {\n    prefix = "thumbs/"\n  }\n')
    report = lint(tmp_path, "ALR-003", bucket_metric=metric)
    assert verdicts(report) == {BUCKET: "fail"}
    assert "prefix" in message(report)


def test_anomaly_alarm_on_another_bucket_does_not_count(tmp_path):
    report = lint(tmp_path, "ALR-003", anomaly=anomaly_block(bucket_name='"some-other-bucket"'))
    assert verdicts(report) == {BUCKET: "fail"}
    assert "no aws_cloudwatch_metric_alarm watches" in message(report)


def test_no_screenshot_bucket_is_reported_once_by_s3l001(tmp_path):
    report = lint(tmp_path, "ALR-003", bucket=None, bucket_metric=None, anomaly=None)
    assert verdicts(report) == {}
    assert verdicts(lint(tmp_path / "s3l", "S3L-001", bucket=None, bucket_metric=None, anomaly=None)) == {
        ACCOUNT: "unknown"}


def test_anomaly_alarm_without_subscriber_fails(tmp_path):
    assert verdicts(lint(tmp_path, "ALR-003", subscription=None)) == {BUCKET: "fail"}


# =============================================================================
# ALR-004 GuardDuty High finding
# =============================================================================
@pytest.mark.parametrize("pattern", [
    {"source": ["aws.securityhub"], "detail-type": ["Security Hub Findings - Imported"],
     "detail": {"findings": {"ProductFields": {"aws/securityhub/ProductName": ["GuardDuty"]},
                             "Severity": {"Normalized": [{"numeric": [">=", 70]}]}}}},
    {"source": ["aws.securityhub"], "detail": {"findings": {"ProductName": ["GuardDuty"],
                                                            "Severity": {"Label": ["HIGH"]},
                                                            "Workflow": {"Status": ["NEW"]},
                                                            "RecordState": ["ACTIVE"]}}},
])
def test_guardduty_pattern_spellings_pass(tmp_path, pattern):
    assert verdicts(lint(tmp_path, "ALR-004", gd_rule=rule_block(pattern))) == {GD_RULE: "pass"}


def test_no_severity_filter_passes_with_a_note(tmp_path):
    pattern = {"source": ["aws.securityhub"], "detail": {"findings": {"ProductName": ["GuardDuty"]}}}
    report = lint(tmp_path, "ALR-004", gd_rule=rule_block(pattern))
    assert verdicts(report) == {GD_RULE: "pass"}
    assert "LOW and MEDIUM" in message(report)


@pytest.mark.parametrize("pattern, needle", [
    ({"source": ["aws.securityhub"], "detail": {"findings": {"ProductName": ["GuardDuty"],
                                                             "Severity": {"Label": ["CRITICAL"]}}}},
     "CRITICAL findings but not HIGH"),
    ({"source": ["aws.securityhub"], "detail": {"findings": {"ProductName": ["GuardDuty"],
                                                             "Severity": {"Product": [{"numeric": [">=", 8]}]}}}},
     "severity 7.0"),
    ({"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"],
      "detail": {"severity": [{"numeric": [">=", 7]}]}}, "bypassing Security Hub"),
])
def test_guardduty_pattern_missing_high_findings_fails(tmp_path, pattern, needle):
    report = lint(tmp_path, "ALR-004", gd_rule=rule_block(pattern))
    assert set(verdicts(report).values()) == {"fail"}
    assert needle in message(report)


def test_rule_without_target_fails(tmp_path):
    report = lint(tmp_path, "ALR-004", gd_target=None)
    assert verdicts(report) == {GD_RULE: "fail"}
    assert "no aws_cloudwatch_event_target" in message(report)


def test_rule_targeting_a_log_group_fails(tmp_path):
    group = 'resource "aws_cloudwatch_log_group" "findings" {\n  name = "/aws/events/findings"\n}\n'
    report = lint(tmp_path, "ALR-004", group=group,
                  gd_target=target_block(arn="aws_cloudwatch_log_group.findings.arn"))
    assert verdicts(report) == {GD_RULE: "fail"}
    assert "none of which is an SNS topic" in message(report)


@pytest.mark.parametrize("attrs, needle", [
    ({"state": '"DISABLED"'}, "DISABLED"),
    ({"event_bus_name": '"security"'}, "default event bus"),
])
def test_disabled_or_custom_bus_rule_fails(tmp_path, attrs, needle):
    report = lint(tmp_path, "ALR-004", gd_rule=rule_block(GD_PATTERN, **attrs))
    assert verdicts(report) == {GD_RULE: "fail"}
    assert needle in message(report)


def test_topic_policy_missing_fails(tmp_path):
    report = lint(tmp_path, "ALR-004", topic_policy=None)
    assert verdicts(report) == {GD_RULE: "fail"}
    assert "no topic policy" in message(report)


def test_topic_policy_without_eventbridge_fails(tmp_path):
    report = lint(tmp_path, "ALR-004", topic_policy=TOPIC_POLICY.replace("PUBLISHERS", '"cloudwatch.amazonaws.com"'))
    assert verdicts(report) == {GD_RULE: "fail"}
    assert "does not allow events.amazonaws.com" in message(report)


def test_topic_policy_does_not_matter_to_alarms(tmp_path):
    assert verdicts(lint(tmp_path, "ALR-001", topic_policy=None)) == {CT_ALARM: "pass"}


def test_event_pattern_not_known_is_unknown(tmp_path):
    rule = rule_block("x").replace("event_pattern = x", "event_pattern = aws_iam_role.findings.unique_id")
    role = 'resource "aws_iam_role" "findings" {\n  name = "x"\n  assume_role_policy = "{}"\n}\n'
    assert verdicts(lint(tmp_path, "ALR-004", gd_rule=rule, role=role)) == {GD_RULE: "unknown"}


def test_no_rule_fails_on_account(tmp_path):
    report = lint(tmp_path, "ALR-004", gd_rule=None, gd_target=None)
    assert verdicts(report) == {ACCOUNT: "fail"}
    assert "GuardDuty" in message(report) and "SNS" in message(report)


def test_unrelated_event_rule_is_ignored(tmp_path):
    other = rule_block({"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"]}, name="export")
    other += target_block("export", rule="export", arn='"arn:aws:logs:us-east-1:111122223333:log-group:x"')
    assert verdicts(lint(tmp_path, "ALR-004", export=other)) == {GD_RULE: "pass"}


# =============================================================================
# plan form
# =============================================================================
PLAIN_CT_PATTERN = CT_PATTERN.replace('\\"', '"')


def plan(*, ct_pattern=PLAIN_CT_PATTERN, ct_actions=True, gd_pattern=GD_PATTERN,
         anomaly_op="GreaterThanUpperThreshold", topic_policy="known", key_policy="known",
         trail_group_refs=True, subscription=True) -> dict:
    p = PlanBuilder()
    p.resource("aws_cloudwatch_log_group.trail", {"name": "/aws/cloudtrail/main", "retention_in_days": 2557},
               unknown=["arn", "id"])
    p.resource("aws_iam_role.trail", {"name": "trail-to-logs"}, unknown=["arn", "id"])
    p.resource("aws_cloudtrail.main", {"name": "main", "s3_bucket_name": "trail-bucket",
                                       "is_multi_region_trail": True},
               unknown=["arn", "id", "cloud_watch_logs_group_arn", "cloud_watch_logs_role_arn"],
               refs={"cloud_watch_logs_group_arn": ["aws_cloudwatch_log_group.trail.arn"] if trail_group_refs else [],
                     "cloud_watch_logs_role_arn": ["aws_iam_role.trail.arn"]})
    key_doc = json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]},
         "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*"}]})
    p.resource("aws_kms_key.alerts", {"enable_key_rotation": True, **({"policy": key_doc} if key_policy == "known" else {})},
               unknown=["arn", "id", "key_id"] + ([] if key_policy == "known" else ["policy"]))
    p.resource("aws_sns_topic.alerts", {"name": "security-alerts"}, unknown=["arn", "id", "kms_master_key_id", "policy"],
               refs={"kms_master_key_id": ["aws_kms_key.alerts.arn"]})
    if subscription:
        p.resource("aws_sns_topic_subscription.email", {"protocol": "email", "endpoint": "security@example.com"},
                   unknown=["arn", "id", "topic_arn"], refs={"topic_arn": ["aws_sns_topic.alerts.arn"]})
    if topic_policy == "unknown":  # jsonencode() with references: not in the plan
        p.resource("aws_sns_topic_policy.alerts", {}, unknown=["arn", "id", "policy"],
                   refs={"arn": ["aws_sns_topic.alerts.arn"], "policy": ["aws_sns_topic.alerts.arn"]})
    elif topic_policy == "known":
        doc = json.dumps({"Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": "*",
                                         "Principal": {"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]}}]})
        p.resource("aws_sns_topic_policy.alerts", {"policy": doc}, unknown=["arn", "id"],
                   refs={"arn": ["aws_sns_topic.alerts.arn"]})
    for name, pattern, metric in (("ct", ct_pattern, "CloudTrailDisabled"),
                                  ("root", ROOT_PATTERN.replace('\\"', '"'), "RootAccountUsage")):
        p.resource(f"aws_cloudwatch_log_metric_filter.{name}",
                   {"name": name, "log_group_name": "/aws/cloudtrail/main", "pattern": pattern,
                    "metric_transformation": [{"name": metric, "namespace": "Security", "value": "1",
                                               "default_value": None, "dimensions": None, "unit": "None"}]},
                   unknown=["id"], refs={"log_group_name": ["aws_cloudwatch_log_group.trail.name"]})
        actions = ct_actions or name != "ct"
        p.resource(f"aws_cloudwatch_metric_alarm.{name}",
                   {"alarm_name": name, "namespace": "Security", "metric_name": metric, "statistic": "Sum",
                    "period": 300, "evaluation_periods": 1, "threshold": 1, "actions_enabled": True,
                    "comparison_operator": "GreaterThanOrEqualToThreshold", "metric_query": [],
                    **({} if actions else {"alarm_actions": []})},
                   unknown=["arn", "id"] + (["alarm_actions"] if actions else []),
                   refs={"alarm_actions": ["aws_sns_topic.alerts.arn"]} if actions else {})
    p.resource("aws_s3_bucket.screenshots", {"bucket": "acme-screenshots-prod"}, unknown=["arn", "id"])
    p.resource("aws_s3_bucket_metric.screenshots", {"bucket": "acme-screenshots-prod", "name": "EntireBucket",
                                                    "filter": []},
               unknown=["id"], refs={"bucket": ["aws_s3_bucket.screenshots.id"]})
    p.resource("aws_cloudwatch_metric_alarm.anomaly",
               {"alarm_name": "anomaly", "comparison_operator": anomaly_op, "evaluation_periods": 2,
                "threshold_metric_id": "band", "actions_enabled": True,
                "metric_query": [
                    {"id": "band", "expression": "ANOMALY_DETECTION_BAND(m1, 2)", "return_data": True, "metric": []},
                    {"id": "m1", "return_data": True, "expression": None,
                     "metric": [{"namespace": "AWS/S3", "metric_name": "AllRequests", "period": 300, "stat": "Sum",
                                 "dimensions": {"BucketName": "acme-screenshots-prod", "FilterId": "EntireBucket"}}]}]},
               unknown=["arn", "id", "alarm_actions"], refs={"alarm_actions": ["aws_sns_topic.alerts.arn"]})
    p.resource("aws_cloudwatch_event_rule.gd", {"name": "gd", "event_bus_name": "default", "state": "ENABLED",
                                                "event_pattern": json.dumps(gd_pattern)},
               unknown=["arn", "id"])
    p.resource("aws_cloudwatch_event_target.gd", {"rule": "gd", "event_bus_name": "default"},
               unknown=["arn", "id", "target_id"],
               refs={"rule": ["aws_cloudwatch_event_rule.gd.name"], "arn": ["aws_sns_topic.alerts.arn"]})
    return p.build()


def plan_verdicts(doc, rule):
    return verdicts(lint_plan(doc, rule=rule))


@pytest.mark.parametrize("rule, subject", [("ALR-001", CT_ALARM), ("ALR-002", ROOT_ALARM), ("ALR-003", BUCKET),
                                           ("ALR-004", GD_RULE)])
def test_plan_compliant_passes(rule, subject):
    assert plan_verdicts(plan(), rule) == {subject: "pass"}


def test_plan_cloudtrail_pattern_missing_delete_trail_fails():
    assert plan_verdicts(plan(ct_pattern="{ $.eventName = StopLogging }"), "ALR-001") == {CT_ALARM: "fail"}


def test_plan_alarm_without_actions_fails():
    report = lint_plan(plan(ct_actions=False), rule="ALR-001")
    assert verdicts(report) == {CT_ALARM: "fail"}
    assert "SNS" in message(report)


def test_plan_trail_log_group_not_known_is_unknown():
    assert plan_verdicts(plan(trail_group_refs=False), "ALR-001") == {CT_ALARM: "unknown"}


def test_plan_lower_band_only_fails():
    assert plan_verdicts(plan(anomaly_op="LessThanLowerThreshold"), "ALR-003") == {BUCKET: "fail"}


def test_plan_guardduty_critical_only_fails():
    pattern = copy.deepcopy(GD_PATTERN)
    pattern["detail"]["findings"]["Severity"]["Label"] = ["CRITICAL"]
    assert plan_verdicts(plan(gd_pattern=pattern), "ALR-004") == {GD_RULE: "fail"}


def test_plan_topic_policy_not_in_plan_passes_with_a_note():
    # jsonencode() with references is not representable in a plan: the permission cannot be read;
    # the route itself is proven, so the finding passes and says what it could not verify
    report = lint_plan(plan(topic_policy="unknown"), rule="ALR-004")
    assert verdicts(report) == {GD_RULE: "pass"}
    assert "could not be verified" in message(report)


def test_plan_without_topic_policy_fails():
    assert plan_verdicts(plan(topic_policy=None), "ALR-004") == {GD_RULE: "fail"}


def test_plan_key_policy_not_set_fails():
    # optional+computed policy unknown in a plan whose configuration does not set it: the default key policy
    report = lint_plan(plan(key_policy=None), rule="ALR-001")
    assert verdicts(report) == {CT_ALARM: "fail"}
    assert "default key policy" in message(report)


def test_plan_without_subscription_fails():
    for rule, subject in (("ALR-001", CT_ALARM), ("ALR-003", BUCKET), ("ALR-004", GD_RULE)):
        assert plan_verdicts(plan(subscription=False), rule) == {subject: "fail"}


# =============================================================================
# ALR-003 through CloudTrail: an anomaly band over a metric filter's count of the bucket's data events
# =============================================================================
DATA_EVENTS = '''
  event_selector {
    read_write_type           = "All"
    include_management_events = true
    data_resource {
      type   = "AWS::S3::Object"
      values = ["${aws_s3_bucket.screenshots.arn}/"]
    }
  }
'''
ACCESS_PATTERN = ('{ ($.eventSource = s3.amazonaws.com) && '
                  '($.requestParameters.bucketName = \\"${aws_s3_bucket.screenshots.id}\\") }')


def access_filter(pattern: str = ACCESS_PATTERN, group: str = "aws_cloudwatch_log_group.trail.name") -> str:
    return f'''
resource "aws_cloudwatch_log_metric_filter" "screenshots_get" {{
  name           = "screenshots-get"
  log_group_name = {group}
  pattern        = "{pattern}"
  metric_transformation {{
    name      = "ScreenshotAccess"
    namespace = "Acme/Security"
    value     = "1"
  }}
}}
'''


COUNTED_ANOMALY = anomaly_block(namespace='"Acme/Security"', metric_name='"ScreenshotAccess"').replace(
    "      dimensions  = { BucketName = aws_s3_bucket.screenshots.bucket, FilterId = "
    "aws_s3_bucket_metric.screenshots.name }\n", "")


def counted(**changes):
    """The compliant base with the S3 request-metric alarm replaced by one on a metric filter's count."""
    trail = BLOCKS["trail"].replace("  cloud_watch_logs_role_arn  = aws_iam_role.trail.arn\n",
                                    "  cloud_watch_logs_role_arn  = aws_iam_role.trail.arn\n" + DATA_EVENTS)
    base = dict(trail=trail, bucket_metric=None, anomaly=COUNTED_ANOMALY, access_filter=access_filter())
    base.update(changes)
    return base


def test_anomaly_band_over_a_metric_filter_of_the_buckets_data_events_passes(tmp_path):
    report = lint(tmp_path, "ALR-003", **counted())
    assert verdicts(report) == {BUCKET: "pass"}
    text = message(report)
    assert "aws_cloudwatch_log_metric_filter.screenshots_get" in text and "GetObject" in text


@pytest.mark.parametrize("changes, needle", [
    ({"trail": BLOCKS["trail"]}, "records no S3 read data events"),  # the trail logs no data events
    ({"access_filter": access_filter(ACCESS_PATTERN.replace("${aws_s3_bucket.screenshots.id}", "other-bucket"))},
     "no aws_cloudwatch_metric_alarm watches"),  # a filter of another bucket: not about this one
    ({"access_filter": access_filter(ACCESS_PATTERN.replace("&&", "&& ($.eventName = PutObject) &&"))},
     "does not match a GetObject data event"),  # this bucket's writes only
    ({"access_filter": access_filter('{ ($.eventSource = s3.amazonaws.com) && ($.eventName = PutObject) }')},
     "does not match a GetObject data event"),  # writes of any bucket
    ({"access_filter": access_filter(group="aws_cloudwatch_log_group.other.name") +
      'resource "aws_cloudwatch_log_group" "other" {\n  name = "/aws/other"\n}\n'}, "which no trail sends to"),
    ({"anomaly": COUNTED_ANOMALY.replace('"GreaterThanUpperThreshold"', '"LessThanLowerThreshold"')}, "less traffic"),
])
def test_anomaly_band_over_a_metric_filter_that_misses_the_buckets_access_fails(tmp_path, changes, needle):
    report = lint(tmp_path, "ALR-003", **counted(**changes))
    assert verdicts(report) == {BUCKET: "fail"}
    assert needle in message(report)


def test_static_threshold_on_the_filter_metric_fails(tmp_path):
    static = '''
resource "aws_cloudwatch_metric_alarm" "anomaly" {
  alarm_name          = "screenshots-access"
  namespace           = "Acme/Security"
  metric_name         = "ScreenshotAccess"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1000
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_sns_topic.alerts.arn]
}
'''
    report = lint(tmp_path, "ALR-003", **counted(anomaly=static))
    assert verdicts(report) == {BUCKET: "fail"}
    assert "static-threshold" in message(report)


def counted_plan(*, data_events=True, bucket="acme-screenshots-prod") -> dict:
    doc = plan()
    doc["resource_changes"] = [rc for rc in doc["resource_changes"]
                               if rc["address"] not in ("aws_s3_bucket_metric.screenshots",
                                                        "aws_cloudwatch_metric_alarm.anomaly")]
    extra = PlanBuilder()
    extra.resource("aws_cloudwatch_log_metric_filter.screenshots_get",
                   {"name": "screenshots-get", "log_group_name": "/aws/cloudtrail/main",
                    "pattern": f'{{ ($.eventSource = s3.amazonaws.com) && ($.requestParameters.bucketName = "{bucket}") }}',
                    "metric_transformation": [{"name": "ScreenshotAccess", "namespace": "Acme/Security", "value": "1",
                                               "default_value": None, "dimensions": None, "unit": "None"}]},
                   unknown=["id"], refs={"log_group_name": ["aws_cloudwatch_log_group.trail.name"]})
    extra.resource("aws_cloudwatch_metric_alarm.anomaly",
                   {"alarm_name": "anomaly", "comparison_operator": "GreaterThanUpperThreshold", "evaluation_periods": 2,
                    "threshold_metric_id": "band", "actions_enabled": True,
                    "metric_query": [
                        {"id": "band", "expression": "ANOMALY_DETECTION_BAND(m1, 2)", "return_data": True, "metric": []},
                        {"id": "m1", "return_data": True, "expression": None,
                         "metric": [{"namespace": "Acme/Security", "metric_name": "ScreenshotAccess", "period": 300,
                                     "stat": "Sum", "dimensions": None}]}]},
                   unknown=["arn", "id", "alarm_actions"], refs={"alarm_actions": ["aws_sns_topic.alerts.arn"]})
    more = extra.build()
    doc["resource_changes"] += more["resource_changes"]
    doc["configuration"]["root_module"]["resources"] += more["configuration"]["root_module"]["resources"]
    for rc in doc["resource_changes"]:
        if rc["address"] == "aws_cloudtrail.main" and data_events:
            rc["change"]["after"]["event_selector"] = [{
                "read_write_type": "All", "include_management_events": True, "exclude_management_event_sources": [],
                "data_resource": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::acme-screenshots-prod/"]}]}]
    return doc


def test_plan_anomaly_band_over_a_metric_filter_of_the_buckets_data_events():
    assert plan_verdicts(counted_plan(), "ALR-003") == {BUCKET: "pass"}
    assert plan_verdicts(counted_plan(data_events=False), "ALR-003") == {BUCKET: "fail"}
    assert plan_verdicts(counted_plan(bucket="other-bucket"), "ALR-003") == {BUCKET: "fail"}


def test_an_alarm_on_a_filter_that_counts_no_access_to_the_bucket_is_not_a_candidate(tmp_path):
    """The CloudTrail-changes alarm (ALR-001's, a static alarm on a metric filter of the trail's log group)
    does not watch the screenshot bucket: without an anomaly alarm the finding says none watches it."""
    report = lint(tmp_path, "ALR-003", **counted(anomaly=None, access_filter=None))
    assert verdicts(report) == {BUCKET: "fail"}
    assert "no aws_cloudwatch_metric_alarm watches" in message(report)
    assert CT_ALARM not in message(report)
