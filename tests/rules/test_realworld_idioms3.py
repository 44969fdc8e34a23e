"""Regressions found by the third sweep of widely used public AWS Terraform (cisagov/cool-cdm-cloudtrail,
boldlink/cloudtrail, clouddrove/cloudtrail and /cloudtrail-baseline, plus3it/tardigrade-cloudtrail and
/tardigrade-vpc-flow-log, cloudposse/cloudtrail-cloudwatch-alarms, /cloudtrail-s3-bucket, /config-storage,
/guardduty, /sns-topic, /iam-role).

Each fixture is a minimal configuration written here that reproduces the idiom (never the third-party
file itself).
"""
from __future__ import annotations

import textwrap

from lint_rules.loaders.hcl import load_hcl_dir

from ..helpers import finding, lint_hcl


# =============================================================================
# A "proxy" provider block (cisagov/cool-cdm-cloudtrail: `provider "aws" { alias = "users" }` in the module,
# `providers = { aws.users = aws.users }` in the call): the legacy way for a module to declare an alias it
# expects.  The passed configuration manages the resources (terraform: "Redundant empty provider block"),
# not an empty configuration of the module's own (was: a third account "the account of provider
# module.m:aws.users" with its own FAILs, and data.aws_caller_identity of it unknown).
# =============================================================================
PROXY_ROOT = '''
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111111111111"]
}
provider "aws" {
  alias               = "users"
  region              = "us-east-1"
  allowed_account_ids = ["222222222222"]
}
resource "aws_iam_policy" "ops" {
  name   = "ops"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "*" }] })
}
module "m" {
  source = "./mod"
  providers = {
    aws       = aws
    aws.users = aws.users
  }
}
'''
PROXY_MODULE = '''
provider "aws" {
  alias = "users"
}
data "aws_caller_identity" "users" {
  provider = aws.users
}
resource "aws_iam_policy" "cdm" {
  provider = aws.users
  name     = "cdm-${data.aws_caller_identity.users.account_id}"
  policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "*" }] })
}
'''


def _write(tmp_path, files):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))


def test_proxy_provider_block_is_the_passed_configuration(tmp_path):
    _write(tmp_path, {"main.tf": PROXY_ROOT, "mod/main.tf": PROXY_MODULE})
    model = load_hcl_dir(tmp_path)
    assert "module.m:aws.users" not in model.providers, sorted(model.providers)
    policy = next(r for r in model.resources if r.address == "module.m.aws_iam_policy.cdm")
    assert policy.provider == "aws.users"
    assert policy.values["name"] == "cdm-222222222222"
    assert model.account_of(policy) == "222222222222"


def test_proxy_provider_block_makes_no_account_of_its_own(tmp_path):
    report = lint_hcl(tmp_path, {"main.tf": PROXY_ROOT, "mod/main.tf": PROXY_MODULE}, rule="RET-001")
    messages = [f.message for f in report.findings]
    assert not any("module.m:aws.users" in m for m in messages), messages
    assert any("account 222222222222" in m for m in messages), messages


def test_provider_block_of_a_module_called_without_it_stays_its_own(tmp_path):
    # not passed by the call: the block is the module's own configuration (keyed as terraform keys it)
    root = PROXY_ROOT.replace("    aws.users = aws.users\n", "")
    module = PROXY_MODULE.replace('alias = "users"', 'alias = "users"\n  region = "eu-west-1"')
    _write(tmp_path, {"main.tf": root, "mod/main.tf": module})
    model = load_hcl_dir(tmp_path)
    policy = next(r for r in model.resources if r.address == "module.m.aws_iam_policy.cdm")
    assert policy.provider == "module.m:aws.users"
    assert model.providers["module.m:aws.users"].region == "eu-west-1"


# =============================================================================
# yamldecode(file(...)) (cloudposse/cloudtrail-cloudwatch-alarms ships its CIS metric filters and alarms as a
# YAML catalog fed to for_each): terraform reads the file at plan time, so the filters are known (was: "for_each
# is not known statically" and ALR-001 / ALR-002 UNKNOWN on an alarm setup that alerts).
# =============================================================================
CATALOG = '''
root-account-usage:
  metric_name: RootAccountUsage
  filter_pattern: '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}'
  metric_value: "1"
  alarm_name: RootAccountUsed
  alarm_evaluation_periods: "1"
  alarm_period: "300"
  alarm_threshold: "1"
cloudtrail-changes:
  metric_name: CloudTrailChanges
  filter_pattern: "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail)
    || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"
  metric_value: "1"
  alarm_name: CloudTrailChanged
  alarm_evaluation_periods: 1
  alarm_period: 300
  alarm_threshold: 1
'''
ALARMS = '''
locals {
  metrics = yamldecode(file("${path.module}/catalog.yaml"))
}
resource "aws_cloudwatch_log_group" "trail" {
  name              = "/aws/cloudtrail/main"
  retention_in_days = 365
}
resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = "org-cloudtrail-logs"
  is_multi_region_trail      = true
  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn  = "arn:aws:iam::111111111111:role/cloudtrail-to-cloudwatch"
}
resource "aws_sns_topic" "alerts" {
  name = "security-alerts"
}
resource "aws_sns_topic_subscription" "oncall" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = "security@example.com"
}
resource "aws_cloudwatch_log_metric_filter" "cis" {
  for_each       = local.metrics
  name           = each.value.metric_name
  pattern        = each.value.filter_pattern
  log_group_name = aws_cloudwatch_log_group.trail.name
  metric_transformation {
    name      = each.value.metric_name
    namespace = "CISBenchmark"
    value     = each.value.metric_value
  }
}
resource "aws_cloudwatch_metric_alarm" "cis" {
  for_each            = local.metrics
  alarm_name          = each.value.alarm_name
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = each.value.alarm_evaluation_periods
  metric_name         = each.value.metric_name
  namespace           = "CISBenchmark"
  period              = each.value.alarm_period
  statistic           = "Sum"
  threshold           = each.value.alarm_threshold
  alarm_actions       = [aws_sns_topic.alerts.arn]
}
'''


def test_alr_metric_filters_from_a_yaml_catalog_pass(tmp_path):
    report = lint_hcl(tmp_path, {"main.tf": ALARMS, "catalog.yaml": CATALOG})
    alr1 = finding(report, "ALR-001", 'aws_cloudwatch_metric_alarm.cis["cloudtrail-changes"]')
    assert alr1.status == "pass", alr1.message
    alr2 = finding(report, "ALR-002", 'aws_cloudwatch_metric_alarm.cis["root-account-usage"]')
    assert alr2.status == "pass", alr2.message


def test_alr_yaml_catalog_without_the_stop_logging_filter_fails(tmp_path):
    catalog = CATALOG.split("cloudtrail-changes:")[0]
    report = lint_hcl(tmp_path, {"main.tf": ALARMS, "catalog.yaml": catalog}, rule="ALR-001")
    assert {f.status for f in report.findings} == {"fail"}, [f.message for f in report.findings]


def _yamldecode(text):
    from lint_rules.loaders.hcl.funcs import FUNCTIONS
    return FUNCTIONS["yamldecode"][0](text)


def test_yamldecode_reads_scalars_as_terraform_does():
    # each expected value is what `terraform console` (1.11) prints for the same document
    got = _yamldecode("[yes, on, y, n, off, True, 0o17, 017, 0x1F, 1_000, +0x1F, 0b11, 12:30, 1.5e3, 3., ~, '', "
                      "2001-12-14]")
    assert got == [True, True, True, False, False, True, 15, 17, 31, "1_000", "+0x1F", "0b11", "12:30", 1500, 3,
                   None, "", "2001-12-14T00:00:00Z"]
    assert _yamldecode("{1: a, true: b, 1.5: c}") == {"1": "a", "true": "b", "1.5": "c"}
    assert _yamldecode("a: &x {b: 1}\nc: *x\nd:\n  <<: *x\n  e: 2") == {"a": {"b": 1}, "c": {"b": 1},
                                                                           "d": {"b": 1, "e": 2}}


def test_yamldecode_errors_as_terraform_does():
    import pytest

    from lint_rules.loaders.hcl.values import EvalError
    nested = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n" for p, n in zip("abcdef", "bcdefg"))
    for bad in ["", "a: b\n---\nc: d", "{null: c}", "a: .nan", "a: &a [*a]", nested]:
        with pytest.raises(EvalError):
            _yamldecode(bad)
