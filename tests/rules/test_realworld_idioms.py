"""Regressions found by running auditgate on widely used public AWS Terraform modules.

Each fixture is a minimal configuration written here that reproduces the idiom (never the third-party
file itself): cloudposse/terraform-aws-config attaches AWS_ConfigRole to the recorder's role through
``data "aws_iam_policy"``; people attach ReadOnlyAccess the same way.
"""
from __future__ import annotations

from ..helpers import finding, lint_hcl


# =============================================================================
# data "aws_iam_policy": its document is read from AWS, never an empty policy
# =============================================================================
TRAIL = '''
resource "aws_s3_bucket" "trail" {
  bucket = "acme-cloudtrail-logs"
}
resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = aws_s3_bucket.trail.id
  is_multi_region_trail      = true
  enable_log_file_validation = true
}
resource "aws_iam_role" "app" {
  name = "app-server"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
resource "aws_iam_role_policy_attachment" "app" {
  role       = aws_iam_role.app.name
  policy_arn = data.aws_iam_policy.attached.arn
}
'''


def test_acc002_managed_policy_through_data_source_fails(tmp_path):
    # ReadOnlyAccess reads every log: named through a data source it is the same grant (was: PASS, "no policy
    # grants it a log read", the data source's unread document taken for an empty one)
    files = TRAIL + '''
data "aws_iam_policy" "attached" {
  arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
'''
    f = finding(lint_hcl(tmp_path, files, rule="ACC-002"), "ACC-002", "aws_iam_role.app")
    assert f.status == "fail", f.message
    assert "data.aws_iam_policy.attached" in f.message and "logs:GetLogEvents" in f.message, f.message


def test_acc002_unknown_policy_through_data_source_is_unknown(tmp_path):
    # a customer-managed policy looked up by name: its document is not in the configuration
    files = TRAIL + '''
data "aws_iam_policy" "attached" {
  name = "team-custom"
}
'''
    f = finding(lint_hcl(tmp_path, files, rule="ACC-002"), "ACC-002", "aws_iam_role.app")
    assert f.status == "unknown", f.message
    assert f.message == ("role 'app-server' is not a log-access role, and data.aws_iam_policy.attached policy is "
                         "not known until apply"), f.message  # was: "role 'app-server': role 'app-server', which ..."


def test_acc002_harmless_managed_policy_through_data_source_passes(tmp_path):
    files = TRAIL + '''
data "aws_iam_policy" "attached" {
  arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}
'''
    f = finding(lint_hcl(tmp_path, files, rule="ACC-002"), "ACC-002", "aws_iam_role.app")
    assert f.status == "pass", f.message


CONFIG = '''
data "aws_partition" "current" {}
resource "aws_s3_bucket" "config" {
  bucket = "acme-config-history"
}
resource "aws_iam_role" "config" {
  name = "aws-config"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "config.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
data "aws_iam_policy" "config_role" {
  arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWS_ConfigRole"
}
resource "aws_iam_role_policy_attachment" "managed" {
  role       = aws_iam_role.config.name
  policy_arn = data.aws_iam_policy.config_role.arn
}
resource "aws_config_configuration_recorder" "main" {
  name     = "default"
  role_arn = aws_iam_role.config.arn
}
resource "aws_config_delivery_channel" "main" {
  name           = "default"
  s3_bucket_name = aws_s3_bucket.config.bucket
}
'''

# cloudposse/terraform-aws-config's own policy for the role: PutObject (and GetBucketAcl, which the
# s3:x-amz-acl condition keeps from matching) -- GetBucketAcl and ListBucket come from AWS_ConfigRole
CONFIG_ROLE_POLICY = '''
data "aws_iam_policy_document" "config_s3" {
  statement {
    sid       = "ConfigS3"
    effect    = "Allow"
    resources = ["${aws_s3_bucket.config.arn}/*", aws_s3_bucket.config.arn]
    actions   = ["s3:PutObject", "s3:GetBucketAcl"]
    condition {
      test     = "StringLike"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }
  }
}
resource "aws_iam_policy" "config_s3" {
  name   = "aws-config-s3"
  policy = data.aws_iam_policy_document.config_s3.json
}
resource "aws_iam_role_policy_attachment" "config_s3" {
  role       = aws_iam_role.config.name
  policy_arn = aws_iam_policy.config_s3.arn
}
'''


def test_dlv003_recorder_role_with_managed_policy_data_source_passes(tmp_path):
    # was: FAIL "no statement ... allows ... s3:GetBucketAcl": AWS_ConfigRole named through a data source
    # was re-read from the data source's (absent) document instead of the table of managed policies
    f = finding(lint_hcl(tmp_path, CONFIG + CONFIG_ROLE_POLICY, rule="DLV-003"), "DLV-003",
                "aws_config_delivery_channel.main")
    assert f.status == "pass", f.message
    assert "AWS-managed policy AWS_ConfigRole" in f.message or "data.aws_iam_policy.config_role" in f.message, \
        f.message


def test_dlv003_recorder_role_with_managed_policy_only_still_fails(tmp_path):
    # AWS_ConfigRole alone does not let the role write objects
    f = finding(lint_hcl(tmp_path, CONFIG, rule="DLV-003"), "DLV-003", "aws_config_delivery_channel.main")
    assert f.status == "fail", f.message
    assert "s3:PutObject" in f.message, f.message


# =============================================================================
# AWS provider 6 modules: data "aws_region" "current" { region = var.region }, var.region = null
# (terraform-aws-modules/vpc modules/flow-log): a null argument is one not set -> the provider's region
# =============================================================================
FLOW = '''
variable "region" {
  type    = string
  default = null
}
data "aws_region" "current" {
  count  = 1
  region = %s
}
data "aws_caller_identity" "current" {
  count = 1
}
data "aws_partition" "current" {
  count = 1
}
locals {
  region     = try(data.aws_region.current[0].region, "")
  account_id = try(data.aws_caller_identity.current[0].account_id, "")
  partition  = try(data.aws_partition.current[0].partition, "aws")
}
resource "aws_vpc" "this" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_cloudwatch_log_group" "flow_log" {
  name              = "/aws/vpc-flow-log/${aws_vpc.this.id}"
  retention_in_days = 365
}
data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "VPCFlowLogs"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:vpc-flow-log/*"]
    }
  }
}
resource "aws_iam_role" "flow" {
  name_prefix        = "vpc-flow-log-role-"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}
resource "aws_iam_role_policy" "flow" {
  role = aws_iam_role.flow.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "*" }]
  })
}
resource "aws_flow_log" "this" {
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_log.arn
  iam_role_arn         = aws_iam_role.flow.arn
  traffic_type         = "ALL"
  vpc_id               = aws_vpc.this.id
}
'''
PROVIDER = '''
provider "aws" {
  region = "us-east-1"
}
'''


def test_dlv004_data_region_set_to_null_is_the_providers_region(tmp_path):
    # was: UNKNOWN "ArnLike aws:SourceArn [(known after apply)]" -- the null region made the ARN unreadable
    f = finding(lint_hcl(tmp_path, FLOW % "var.region", rule="DLV-004"), "DLV-004", "aws_flow_log.this")
    assert f.status == "pass", f.message


def test_dlv004_data_region_set_to_null_known_provider_region(tmp_path):
    f = finding(lint_hcl(tmp_path, {"main.tf": FLOW % "var.region", "provider.tf": PROVIDER}, rule="DLV-004"),
                "DLV-004", "aws_flow_log.this")
    assert f.status == "pass", f.message


def test_dlv004_data_region_naming_another_region_fails(tmp_path):
    # the data source's own region is not the flow log's: the trust condition names another region
    f = finding(lint_hcl(tmp_path, {"main.tf": FLOW % '"eu-west-1"', "provider.tf": PROVIDER}, rule="DLV-004"),
                "DLV-004", "aws_flow_log.this")
    assert f.status == "fail", f.message
    assert "eu-west-1" in f.message and "us-east-1" in f.message, f.message


# =============================================================================
# format("arn:%s:iam::aws:policy/NAME", data.aws_partition.current.partition) (trussworks/terraform-aws-config):
# an AWS-managed policy whatever the partition, as "arn:${...}:iam::aws:policy/NAME" already was
# =============================================================================
FORMAT_ATTACH = TRAIL.replace("data.aws_iam_policy.attached.arn", "format(%s, data.aws_partition.current.partition)") \
    + '\ndata "aws_partition" "current" {}\n'


def test_acc002_managed_policy_arn_built_with_format_fails(tmp_path):
    # was: UNKNOWN "policy_arn refers to data.aws_partition.current and is not known until apply"
    files = FORMAT_ATTACH % '"arn:%s:iam::aws:policy/ReadOnlyAccess"'
    f = finding(lint_hcl(tmp_path, files, rule="ACC-002"), "ACC-002", "aws_iam_role.app")
    assert f.status == "fail", f.message
    assert "AWS-managed policy ReadOnlyAccess" in f.message, f.message


def test_acc002_managed_policy_arn_built_with_format_passes(tmp_path):
    files = FORMAT_ATTACH % '"arn:%s:iam::aws:policy/AmazonSSMManagedInstanceCore"'
    f = finding(lint_hcl(tmp_path, files, rule="ACC-002"), "ACC-002", "aws_iam_role.app")
    assert f.status == "pass", f.message


def test_acc002_format_with_another_verb_stays_unknown(tmp_path):
    # only %s and %v verbs are read (%v of a string is the string); anything else (%q quotes it) is not guessed
    files = FORMAT_ATTACH % '"arn:%q:iam::aws:policy/ReadOnlyAccess"'
    f = finding(lint_hcl(tmp_path, files, rule="ACC-002"), "ACC-002", "aws_iam_role.app")
    assert f.status == "unknown", f.message


# =============================================================================
# A module not read, in a finding: one short clause (every cloudposse root: module "this" is the
# cloudposse/label/null registry module)
# =============================================================================
def test_unfollowed_module_clause_is_short(tmp_path):
    # was: "...; but module module.this (cloudposse/label/null: registry module not downloaded (no
    # .terraform/modules/modules.json; run terraform init to have it checked)) was not read and may hold it"
    f = finding(lint_hcl(tmp_path, 'module "this" {\n  source  = "cloudposse/label/null"\n  version = "0.25.0"\n}\n',
                         rule="FL-001"), "FL-001", "account")
    assert f.status == "unknown", f.message
    assert f.message.endswith("; but module.this (cloudposse/label/null: registry module not downloaded) was not "
                              "read and may hold it"), f.message
    assert "terraform init" in f.fix and "terraform init" not in f.message, (f.message, f.fix)


def test_unfollowed_modules_clause_plural(tmp_path):
    calls = "".join(f'module "m{i}" {{\n  source = "acme/m{i}/aws"\n}}\n' for i in range(3))
    f = finding(lint_hcl(tmp_path, calls, rule="FL-001"), "FL-001", "account")
    assert f.message.endswith("; but module.m0 (acme/m0/aws: registry module not downloaded), module.m1 "
                              "(acme/m1/aws: registry module not downloaded) and 1 more were not read and may hold "
                              "it"), f.message


# =============================================================================
# formatlist("%s:*", aws_cloudwatch_log_group.this[*].arn) (terraform-aws-modules/vpc modules/flow-log):
# one known-shaped ARN per instance of the counted group
# =============================================================================
FLOW_SPLAT = '''
resource "aws_vpc" "this" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_cloudwatch_log_group" "this" {
  count             = 1
  name              = "/aws/vpc-flow-log/${aws_vpc.this.id}"
  retention_in_days = 365
}
resource "aws_cloudwatch_log_group" "other" {
  count             = 1
  name              = "/aws/other/${aws_vpc.this.id}"
  retention_in_days = 365
}
resource "aws_iam_role" "this" {
  count       = 1
  name_prefix = "vpc-flow-log-role-"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "vpc-flow-logs.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
data "aws_iam_policy_document" "this" {
  count = 1
  statement {
    sid       = "CloudWatch"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"]
    resources = formatlist("%%s:*", aws_cloudwatch_log_group.%s[*].arn)
  }
}
resource "aws_iam_policy" "this" {
  count  = 1
  policy = data.aws_iam_policy_document.this[0].json
}
resource "aws_iam_role_policy_attachment" "this" {
  count      = 1
  role       = aws_iam_role.this[0].name
  policy_arn = aws_iam_policy.this[0].arn
}
resource "aws_flow_log" "this" {
  count                = 1
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.this[0].arn
  iam_role_arn         = aws_iam_role.this[0].arn
  traffic_type         = "ALL"
  vpc_id               = aws_vpc.this.id
}
'''


def test_dlv004_formatlist_over_splat_of_the_group_passes(tmp_path):
    # was: UNKNOWN "statement 'CloudWatch' may allow it, but its Resource is not known until apply"
    f = finding(lint_hcl(tmp_path, FLOW_SPLAT % "this", rule="DLV-004"), "DLV-004", "aws_flow_log.this[0]")
    assert f.status == "pass", f.message
    assert "statement 'CloudWatch'" in f.message, f.message


def test_dlv004_formatlist_over_splat_of_another_group_fails(tmp_path):
    f = finding(lint_hcl(tmp_path, FLOW_SPLAT % "other", rule="DLV-004"), "DLV-004", "aws_flow_log.this[0]")
    assert f.status == "fail", f.message
    assert "logs:CreateLogStream" in f.message, f.message


# =============================================================================
# .terraform/modules downloaded for another version than the call now asks (the version bumped, terraform
# init not run again): terraform refuses to plan, so auditgate must not read the stale copy (a HEAD copy of
# cloudposse/s3-log-storage without the `policy` variable of the pinned 1.4.5 gave a false DLV-001 FAIL)
# =============================================================================
import json  # noqa: E402

import pytest  # noqa: E402

from lint_rules.loaders.hcl import load_hcl_dir  # noqa: E402
from lint_rules.loaders.hcl.sources import version_satisfies  # noqa: E402


@pytest.mark.parametrize("version,constraint,expected", [
    ("1.4.5", "1.4.5", True), ("1.4.5", "= 1.4.5", True), ("1.4.6", "1.4.5", False),
    ("4.2.0", "~> 4", True), ("5.0.0", "~> 4", True),  # one written segment: only >= 4 binds
    ("4.9.1", "~> 4.0", True), ("5.0.0", "~> 4.0", False), ("3.9.0", "~> 4.0", False),
    ("1.0.10", "~> 1.0.4", True), ("1.1.0", "~> 1.0.4", False),
    ("2.1.0", ">= 1.2, < 3.0", True), ("3.0.0", ">= 1.2, < 3.0", False), ("1.2.0", "!= 1.2.0", False),
    ("v1.2.3", ">= 1.0", True), ("1.0.0-beta1", ">= 0.9", False), ("1.0.0-beta1", "1.0.0-beta1", True),
    ("1.2.3", "latest", None), ("main", "1.0", None),
])
def test_version_constraints(version, constraint, expected):
    assert version_satisfies(version, constraint) is expected


def _downloaded(root, recorded: str, wanted: str):
    (root / "main.tf").write_text(f'module "trail" {{\n  source  = "acme/trail/aws"\n  version = "{wanted}"\n}}\n')
    mod = root / ".terraform" / "modules" / "trail"
    mod.mkdir(parents=True)
    (mod / "main.tf").write_text('resource "aws_cloudtrail" "main" {\n  name           = "main"\n'
                                 '  s3_bucket_name = "acme-trail"\n}\n')
    (root / ".terraform" / "modules" / "modules.json").write_text(json.dumps({"Modules": [
        {"Key": "", "Source": "", "Dir": "."},
        {"Key": "trail", "Source": "registry.terraform.io/acme/trail/aws", "Version": recorded,
         "Dir": ".terraform/modules/trail"}]}))
    return load_hcl_dir(root)


def test_downloaded_version_meeting_the_constraint_is_read(tmp_path):
    model = _downloaded(tmp_path, "2.3.0", "~> 2.0")
    assert model.get("module.trail.aws_cloudtrail.main") is not None and model.unfollowed_modules == []


def test_downloaded_version_not_meeting_the_constraint_is_not_read(tmp_path):
    model = _downloaded(tmp_path, "1.9.0", "~> 2.0")
    assert model.get("module.trail.aws_cloudtrail.main") is None
    [u] = model.unfollowed_modules
    assert u.address == "module.trail"
    assert u.reason == 'downloaded version 1.9.0 does not meet version = "~> 2.0" (run terraform init)', u.reason


# =============================================================================
# [for g in aws_cloudwatch_log_group.flow_log : "arn:...:log-group:${g.name}:*"] (terraform-aws-modules/vpc
# vpc-flow-logs.tf, the role policy of the module's own flow log): each element names the instance
# =============================================================================
FLOW_FOR = FLOW_SPLAT.replace('resources = formatlist("%%s:*", aws_cloudwatch_log_group.%s[*].arn)',
                              'resources = local.flow_log_group_arns') + '''
data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
locals {
  flow_log_group_arns = [
    for log_group in aws_cloudwatch_log_group.%s :
    "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:log-group:${log_group.name}:*"
  ]
}
'''


def test_dlv004_for_expression_over_the_counted_group_passes(tmp_path):
    # was: UNKNOWN "statement 'CloudWatch' may allow it, but its Resource is not known until apply"
    f = finding(lint_hcl(tmp_path, FLOW_FOR % "this", rule="DLV-004"), "DLV-004", "aws_flow_log.this[0]")
    assert f.status == "pass", f.message


def test_dlv004_for_expression_over_another_group_fails(tmp_path):
    f = finding(lint_hcl(tmp_path, FLOW_FOR % "other", rule="DLV-004"), "DLV-004", "aws_flow_log.this[0]")
    assert f.status == "fail", f.message
    assert "logs:CreateLogStream" in f.message, f.message
