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


# =============================================================================
# An optional attribute a module caller leaves out (plus3it/tardigrade-vpc-flow-log: `var.flow_log =
# object({ vpc_id = optional(string), deliver_cross_account_role = optional(string), ... })`) is null and refers
# to nothing -- not to everything the caller's object was computed from (was: a transit-gateway flow log
# "vpc_id refers to random_string.this, aws_ec2_transit_gateway.this" (FL-001 UNKNOWN), "deliver_cross_account_role
# is set" (DLV-004 UNKNOWN) and its log group's unset kms_key_id "refers to random_string.this" (DLV-005 UNKNOWN)).
# =============================================================================
FLOW_MODULE = '''
variable "flow_log" {
  type = object({
    name                       = string
    log_destination_type       = string
    vpc_id                     = optional(string)
    transit_gateway_id         = optional(string)
    deliver_cross_account_role = optional(string)
    iam_role_arn               = optional(string)
    traffic_type               = optional(string, "ALL")
    cloudwatch_log_group = optional(object({
      kms_key_id        = optional(string)
      retention_in_days = optional(number, 400)
    }), {})
  })
}
resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/vendedlogs/flow-log/${var.flow_log.name}"
  kms_key_id        = var.flow_log.cloudwatch_log_group.kms_key_id
  retention_in_days = var.flow_log.cloudwatch_log_group.retention_in_days
}
resource "aws_flow_log" "this" {
  vpc_id                     = var.flow_log.vpc_id
  transit_gateway_id         = var.flow_log.transit_gateway_id
  deliver_cross_account_role = var.flow_log.deliver_cross_account_role
  iam_role_arn               = var.flow_log.iam_role_arn
  log_destination_type       = var.flow_log.log_destination_type
  log_destination            = aws_cloudwatch_log_group.this.arn
  traffic_type               = var.flow_log.traffic_type
}
'''
FLOW_ROOT = '''
resource "random_string" "id" {
  length  = 6
  special = false
}
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_ec2_transit_gateway" "hub" {
  description = "hub-${random_string.id.result}"
}
module "%s" {
  source = "./flow"
  flow_log = {
    name                 = "%s-${random_string.id.result}"
    log_destination_type = "cloud-watch-logs"
    %s
  }
}
'''


def _flow_root(tmp_path, name, source):
    return {"main.tf": FLOW_ROOT % (name, name, source), "flow/main.tf": FLOW_MODULE}


def test_optional_attributes_left_out_refer_to_nothing(tmp_path):
    _write(tmp_path, _flow_root(tmp_path, "tgw", "transit_gateway_id = aws_ec2_transit_gateway.hub.id"))
    model = load_hcl_dir(tmp_path)
    flow = next(r for r in model.resources if r.address == "module.tgw.aws_flow_log.this")
    assert flow.values["vpc_id"] is None and flow.refs_at("vpc_id") == (), flow.refs
    assert flow.refs_under("deliver_cross_account_role") == (), flow.refs
    assert flow.refs_at("transit_gateway_id") == ("aws_ec2_transit_gateway.hub",)
    group = next(r for r in model.resources if r.address == "module.tgw.aws_cloudwatch_log_group.this")
    assert group.refs_at("kms_key_id") == (), group.refs
    assert group.values["retention_in_days"] == 400


def test_transit_gateway_flow_log_is_not_taken_for_an_unknown_vpc_flow_log(tmp_path):
    report = lint_hcl(tmp_path, _flow_root(tmp_path, "tgw", "transit_gateway_id = aws_ec2_transit_gateway.hub.id"))
    fl1 = finding(report, "FL-001", "aws_vpc.main")
    assert fl1.status == "fail", fl1.message  # the VPC has no flow log: the transit gateway's does not cover it
    assert not [f for f in report.findings if f.rule_id == "FL-001" and f.resource.startswith("module.tgw")]
    dlv5 = [f for f in report.findings if f.rule_id == "DLV-005"]
    assert not any("refers to" in f.message for f in dlv5), [f.message for f in dlv5]


def test_vpc_flow_log_through_the_object_variable_is_delivered_without_a_cross_account_role(tmp_path):
    report = lint_hcl(tmp_path, _flow_root(tmp_path, "vpc", "vpc_id = aws_vpc.main.id"))
    assert finding(report, "FL-001", "aws_vpc.main").status == "pass"
    dlv4 = finding(report, "DLV-004", "module.vpc.aws_flow_log.this")
    assert "deliver_cross_account_role" not in dlv4.message, dlv4.message


# =============================================================================
# kms_key_id = join("", aws_kms_key.k[*].arn) over a key of count 0 (clouddrove/cloudtrail with kms_enabled =
# false) is "" -- unset -- however it is written: ENC-001 fails it, and DLV-005 has no key policy to ask about
# (was: UNKNOWN "kms_key_id refers to aws_kms_key.cloudtrail, which is not a KMS key of this configuration").
# =============================================================================
JOINED_KEY = '''
variable "kms_enabled" {
  type    = bool
  default = false
}
resource "aws_kms_key" "cloudtrail" {
  count               = var.kms_enabled ? 1 : 0
  enable_key_rotation = true
}
resource "aws_cloudwatch_log_group" "cloudtrail" {
  name              = "/aws/cloudtrail/main"
  retention_in_days = 365
  kms_key_id        = join("", aws_kms_key.cloudtrail[*].arn)
}
'''


def test_dlv005_key_joined_from_no_key_is_unset(tmp_path):
    report = lint_hcl(tmp_path, JOINED_KEY)
    assert finding(report, "ENC-001", "aws_cloudwatch_log_group.cloudtrail").status == "fail"
    dlv5 = [f for f in report.findings if f.rule_id == "DLV-005" and f.resource == "aws_cloudwatch_log_group.cloudtrail"]
    assert all(f.status != "unknown" for f in dlv5), [(f.status, f.message) for f in dlv5]


def test_dlv004_cross_account_role_joined_from_no_role_is_unset(tmp_path):
    files = _flow_root(tmp_path, "vpc", "vpc_id = aws_vpc.main.id")
    files["flow/main.tf"] = files["flow/main.tf"].replace(
        "deliver_cross_account_role = var.flow_log.deliver_cross_account_role",
        'deliver_cross_account_role = join("", aws_iam_role.cross[*].arn)') + '''
resource "aws_iam_role" "cross" {
  count              = 0
  name               = "flow-log-cross-account"
  assume_role_policy = "{}"
}
'''
    dlv4 = finding(lint_hcl(tmp_path, files, rule="DLV-004"), "DLV-004", "module.vpc.aws_flow_log.this")
    assert "deliver_cross_account_role" not in dlv4.message, dlv4.message


# =============================================================================
# An operator that starts a line inside parentheses (lacework/cloudtrail: `create_kms_key = (\n (a ? b : c)\n
# || (d ? e : f)\n ) ? 1 : 0`): HCL ignores newlines inside parentheses, so terraform knows the count (was:
# "count is not known statically; checked as a single instance", the key taken as maybe absent).
# =============================================================================
MULTILINE_OR = '''
variable "use_existing_key" {
  type    = bool
  default = %s
}
variable "key_arn" {
  type    = string
  default = "%s"
}
locals {
  create_kms_key = (
    (!var.use_existing_key ? length(var.key_arn) == 0 : false)
    || (var.use_existing_key ? length(var.key_arn) == 0 : false)
  ) ? 1 : 0
}
resource "aws_kms_key" "trail" {
  count               = local.create_kms_key
  enable_key_rotation = true
}
'''


def test_operator_at_the_start_of_a_line_inside_parentheses(tmp_path):
    _write(tmp_path, {"main.tf": MULTILINE_OR % ("false", "")})
    model = load_hcl_dir(tmp_path)
    assert [r.address for r in model.resources if r.type == "aws_kms_key"] == ["aws_kms_key.trail[0]"]
    assert not any("statically" in str(d) for d in model.diagnostics), model.diagnostics


def test_operator_at_the_start_of_a_line_inside_parentheses_false(tmp_path):
    _write(tmp_path, {"main.tf": MULTILINE_OR % ("true", "arn:aws:kms:us-east-1:111111111111:key/1234")})
    model = load_hcl_dir(tmp_path)
    assert [r.address for r in model.resources if r.type == "aws_kms_key"] == []


# =============================================================================
# Session Manager preferences with `kmsKeyId = aws_kms_key.ssmkey.key_id` (bridgecrewio/session-manager, the
# documented idiom): the session key is that key -- DLV-008 checks the instance role may kms:Decrypt with it
# (was: UNKNOWN "kmsKeyId is not known until apply").
# =============================================================================
def test_dlv008_session_key_by_reference(tmp_path):
    from .test_delivery import LOGGING_POLICY, PROFILE, check, ssm_files
    with_decrypt = LOGGING_POLICY + '''
      { Sid = "SessionKey", Effect = "Allow", Action = "kms:Decrypt", Resource = aws_kms_key.sessions.arn },'''
    for attr in ("key_id", "arn"):
        check(tmp_path / f"no_decrypt_{attr}", ssm_files(LOGGING_POLICY, kms_key_id=f"aws_kms_key.sessions.{attr}"),
              "DLV-008", PROFILE, "fail", "kms:Decrypt", "aws_kms_key.sessions")
        check(tmp_path / f"decrypt_{attr}", ssm_files(with_decrypt, kms_key_id=f"aws_kms_key.sessions.{attr}"),
              "DLV-008", PROFILE, "pass", "statement 'SessionKey'")
