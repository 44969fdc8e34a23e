"""Log delivery (DLV-001 .. DLV-008), in HCL and plan form.

Each pipe is set up as people write it -- terraform-aws-modules/s3-bucket's ``attach_*_policy``
documents, cloudposse's cloudtrail-s3-bucket policy, the AWS documentation's own statements,
auditgate's modules -- and then broken the ways delivery really breaks: the service missing from
the bucket or key policy, a role trusted by the wrong service, an ``aws:SourceArn`` naming another
trail, a blanket Deny, SSE-KMS on a server access log target.
"""
from __future__ import annotations

import json

import pytest

from ..helpers import finding, lint_hcl, lint_plan
from ..planbuilder import PlanBuilder

ACCOUNT = "111122223333"


def check(tmp_path, files, rule, address, status, *needles):
    f = finding(lint_hcl(tmp_path, files, rule=rule), rule, address)
    assert f.status == status, f.message
    for n in needles:
        assert n in f.message, f.message
    return f


DATA = '''
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}
'''

# =============================================================================
# DLV-001 CloudTrail -> S3
# =============================================================================
TRAIL = "aws_cloudtrail.main"

# terraform-aws-modules/s3-bucket attach_cloudtrail_log_delivery_policy (main.tf, "cloudtrail_log_delivery")
TFAM_TRAIL_POLICY = '''
data "aws_iam_policy_document" "bucket" {
  statement {
    sid = "AWSCloudTrailAclCheck"
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    actions   = ["s3:GetBucketAcl"]
    resources = [aws_s3_bucket.trail.arn]
  }
  statement {
    sid = "AWSCloudTrailWrite"
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.trail.arn}/AWSLogs/*"]
    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }
  }
  statement {
    sid     = "denyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [aws_s3_bucket.trail.arn, "${aws_s3_bucket.trail.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}
'''

# cloudposse/terraform-aws-cloudtrail-s3-bucket main.tf (data "aws_iam_policy_document" "default")
CLOUDPOSSE_TRAIL_POLICY = '''
locals {
  arn_format = "arn:${data.aws_partition.current.partition}"
}
data "aws_iam_policy_document" "bucket" {
  statement {
    sid = "AWSCloudTrailAclCheck"
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    actions   = ["s3:GetBucketAcl"]
    resources = ["${local.arn_format}:s3:::acme-trail-logs"]
  }
  statement {
    sid = "AWSCloudTrailWrite"
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com", "config.amazonaws.com"]
    }
    actions   = ["s3:PutObject"]
    resources = ["${local.arn_format}:s3:::acme-trail-logs/*"]
    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }
  }
}
'''

# the AWS CloudTrail User Guide's key policy statements
KEY_POLICY = '''
data "aws_iam_policy_document" "key" {
  statement {
    sid       = "EnableIAMUserPermissions"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
  statement {
    sid       = "AllowCloudTrailToEncryptLogs"
    actions   = ["kms:GenerateDataKey*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:cloudtrail:arn"
      values   = ["arn:${data.aws_partition.current.partition}:cloudtrail:*:${data.aws_caller_identity.current.account_id}:trail/*"]
    }
  }
  statement {
    sid       = "AllowCloudTrailToDescribeKey"
    actions   = ["kms:DescribeKey"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }
}
'''


def trail_files(policy: str = TFAM_TRAIL_POLICY, key_policy: str | None = KEY_POLICY, trail_extra: str = "",
                bucket_policy_attr: str = "data.aws_iam_policy_document.bucket.json") -> dict:
    key = ""
    kms = ""
    if key_policy is not None:
        key = key_policy + '''
resource "aws_kms_key" "trail" {
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json
}
'''
        kms = "kms_key_id = aws_kms_key.trail.arn"
    return {"main.tf": DATA + policy + key + f'''
resource "aws_s3_bucket" "trail" {{
  bucket = "acme-trail-logs"
}}
resource "aws_s3_bucket_policy" "trail" {{
  bucket = aws_s3_bucket.trail.id
  policy = {bucket_policy_attr}
}}
resource "aws_cloudtrail" "main" {{
  name                       = "main"
  s3_bucket_name             = aws_s3_bucket.trail.id
  is_multi_region_trail      = true
  enable_log_file_validation = true
  {kms}
  {trail_extra}
}}
'''}


def test_dlv001_terraform_aws_modules_policy_passes(tmp_path):
    f = check(tmp_path, trail_files(), "DLV-001", TRAIL, "pass", "AWSCloudTrailAclCheck", "AWSCloudTrailWrite",
              "AllowCloudTrailToEncryptLogs", "AllowCloudTrailToDescribeKey")
    assert "kms:GenerateDataKey" in f.message and "s3:PutObject" in f.message


def test_dlv001_cloudposse_policy_passes(tmp_path):
    check(tmp_path, trail_files(CLOUDPOSSE_TRAIL_POLICY), "DLV-001", TRAIL, "pass", "AWSCloudTrailWrite")


def test_dlv001_source_arn_naming_another_trail_fails(tmp_path):
    policy = TFAM_TRAIL_POLICY.replace('''      values   = ["bucket-owner-full-control"]
    }''', '''      values   = ["bucket-owner-full-control"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = ["arn:aws:cloudtrail:us-east-1:${data.aws_caller_identity.current.account_id}:trail/other"]
    }''')
    check(tmp_path, trail_files(policy), "DLV-001", TRAIL, "fail", "s3:PutObject", "aws:SourceArn", "trail/other")


def test_dlv001_source_arn_naming_this_trail_passes(tmp_path):
    policy = TFAM_TRAIL_POLICY.replace('''      values   = ["bucket-owner-full-control"]
    }''', '''      values   = ["bucket-owner-full-control"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:cloudtrail:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:trail/main"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }''')
    check(tmp_path, trail_files(policy), "DLV-001", TRAIL, "pass")


def test_dlv001_source_account_naming_another_account_fails(tmp_path):
    policy = TFAM_TRAIL_POLICY.replace('''      values   = ["bucket-owner-full-control"]
    }''', '''      values   = ["bucket-owner-full-control"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["444455556666"]
    }''')
    # the trail's account is not pinned: 444455556666 could be it, so this is unknown, never pass ...
    check(tmp_path, trail_files(policy), "DLV-001", TRAIL, "unknown", "444455556666")
    # ... and with the provider's account known (a plan), it fails
    rep = lint_plan(trail_plan(source_account="444455556666"), rule="DLV-001")
    assert finding(rep, "DLV-001", TRAIL).status == "fail"


def test_dlv001_tls_only_deny_is_fine_but_blanket_deny_fails(tmp_path):
    blanket = TFAM_TRAIL_POLICY.replace('''    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }''', "")
    check(tmp_path, trail_files(blanket), "DLV-001", TRAIL, "fail", "denyInsecureTransport", "denies it")


def test_dlv001_deny_unencrypted_uploads_blocks_a_trail_without_key(tmp_path):
    # terraform-aws-modules attach_deny_unencrypted_object_uploads: CloudTrail without kms_key_id sends no
    # x-amz-server-side-encryption header, so the Deny applies to it
    deny = '''
  statement {
    sid       = "denyUnencryptedObjectUploads"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.trail.arn}/*"]
    principals {
      identifiers = ["*"]
      type        = "*"
    }
    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption"
      values   = [true]
    }
  }
}
'''
    policy = TFAM_TRAIL_POLICY.rstrip().rstrip("}") + deny
    check(tmp_path / "with_key", trail_files(policy), "DLV-001", TRAIL, "pass")
    check(tmp_path / "without_key", trail_files(policy, key_policy=None), "DLV-001", TRAIL, "fail",
          "denyUnencryptedObjectUploads")


def test_dlv001_bucket_policy_without_cloudtrail_fails(tmp_path):
    policy = TFAM_TRAIL_POLICY.replace('"cloudtrail.amazonaws.com"', '"config.amazonaws.com"')
    check(tmp_path, trail_files(policy), "DLV-001", TRAIL, "fail", "no statement", "cloudtrail.amazonaws.com",
          "s3:GetBucketAcl")


def test_dlv001_no_bucket_policy_fails(tmp_path):
    files = trail_files()
    files["main.tf"] = files["main.tf"].replace('resource "aws_s3_bucket_policy" "trail"', 'resource "aws_s3_bucket_policy" "unused"').replace(
        "bucket = aws_s3_bucket.trail.id\n  policy", 'bucket = "some-other-bucket"\n  policy')
    check(tmp_path, files, "DLV-001", TRAIL, "fail", "has no bucket policy")


def test_dlv001_key_policy_without_cloudtrail_fails(tmp_path):
    key = KEY_POLICY.replace('identifiers = ["cloudtrail.amazonaws.com"]', 'identifiers = ["config.amazonaws.com"]')
    check(tmp_path, trail_files(key_policy=key), "DLV-001", TRAIL, "fail", "aws_kms_key.trail", "kms:GenerateDataKey")


def test_dlv001_default_key_policy_fails(tmp_path):
    files = trail_files()
    files["main.tf"] = files["main.tf"].replace("  policy              = data.aws_iam_policy_document.key.json\n", "")
    check(tmp_path, files, "DLV-001", TRAIL, "fail", "default key policy")


def test_dlv001_encryption_context_of_another_account_fails(tmp_path):
    key = KEY_POLICY.replace(':cloudtrail:*:${data.aws_caller_identity.current.account_id}:trail/*',
                             ':cloudtrail:*:444455556666:trail/*')
    rep = lint_plan(trail_plan(key_context_account="444455556666"), rule="DLV-001")
    f = finding(rep, "DLV-001", TRAIL)
    assert f.status == "fail" and "kms:EncryptionContext:aws:cloudtrail:arn" in f.message, f.message
    # HCL: the trail's account is not pinned, so it may be 444455556666 after all
    check(tmp_path, trail_files(key_policy=key), "DLV-001", TRAIL, "unknown")


def test_dlv001_key_prefix_outside_the_grant_fails(tmp_path):
    policy = TFAM_TRAIL_POLICY.replace('"${aws_s3_bucket.trail.arn}/AWSLogs/*"',
                                       '"${aws_s3_bucket.trail.arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/*"')
    check(tmp_path / "plain", trail_files(policy), "DLV-001", TRAIL, "pass")
    check(tmp_path / "prefixed", trail_files(policy, trail_extra='s3_key_prefix = "trail"'), "DLV-001", TRAIL, "fail",
          "trail/AWSLogs/")


def test_dlv001_organization_trail_needs_the_organization_path(tmp_path):
    policy = TFAM_TRAIL_POLICY.replace('"${aws_s3_bucket.trail.arn}/AWSLogs/*"',
                                       '"${aws_s3_bucket.trail.arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/*"')
    check(tmp_path / "account_only", trail_files(policy, trail_extra="is_organization_trail = true"), "DLV-001",
          TRAIL, "fail", "<organization id>")
    org = policy.replace('resources = ["${aws_s3_bucket.trail.arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/*"]',
                         'resources = ["${aws_s3_bucket.trail.arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/*", '
                         '"${aws_s3_bucket.trail.arn}/AWSLogs/o-a1b2c3d4e5/*"]')
    # the organization id written in the policy may be this organization's: not provable statically
    check(tmp_path / "with_org", trail_files(org, trail_extra="is_organization_trail = true"), "DLV-001", TRAIL,
          "unknown", "o-a1b2c3d4e5")


def test_dlv001_wildcards_and_jsonencode(tmp_path):
    policy = '''
resource "aws_s3_bucket_policy" "trail" {
  bucket = aws_s3_bucket.trail.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CloudTrail"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = ["s3:Get*", "s3:Put*"]
      Resource  = ["${aws_s3_bucket.trail.arn}", "${aws_s3_bucket.trail.arn}/*"]
    }]
  })
}
'''
    files = trail_files(policy="")
    files["main.tf"] = files["main.tf"].replace('''resource "aws_s3_bucket_policy" "trail" {
  bucket = aws_s3_bucket.trail.id
  policy = data.aws_iam_policy_document.bucket.json
}''', policy)
    check(tmp_path, files, "DLV-001", TRAIL, "pass", "statement 'CloudTrail'")


def test_dlv001_not_action_deny_blocks(tmp_path):
    deny = '''
  statement {
    sid         = "DenyAllButReads"
    effect      = "Deny"
    not_actions = ["s3:Get*", "s3:List*"]
    resources   = ["${aws_s3_bucket.trail.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}
'''
    policy = TFAM_TRAIL_POLICY.rstrip().rstrip("}") + deny
    check(tmp_path, trail_files(policy), "DLV-001", TRAIL, "fail", "DenyAllButReads")


def test_dlv001_policy_known_only_at_apply_is_unknown(tmp_path):
    files = trail_files(bucket_policy_attr="var.bucket_policy_json")
    files["variables.tf"] = 'variable "bucket_policy_json" {\n  type = string\n}\n'
    check(tmp_path, files, "DLV-001", TRAIL, "unknown", "aws_s3_bucket_policy.trail")


def test_dlv001_bucket_outside_the_configuration_is_unknown(tmp_path):
    files = {"main.tf": '''
resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "shared-org-trail-bucket"
}
'''}
    check(tmp_path, files, "DLV-001", TRAIL, "unknown", "shared-org-trail-bucket")


def repo_from(root) -> str:
    """The repository as a relative path from the root directory ``root`` (terraform follows ./ and ../
    module sources only)."""
    import os
    from ..helpers import REPO
    root.mkdir(parents=True, exist_ok=True)
    return os.path.relpath(REPO.resolve(), root.resolve())


def test_dlv001_our_baseline_modules(tmp_path):
    REPO = repo_from(tmp_path / "ok")
    assert repo_from(tmp_path / "bad") == REPO
    files = {"main.tf": f'''
module "kms" {{
  source           = "{REPO}/modules/kms"
  alias_name       = "acme-logs"
  allow_cloudtrail = true
}}
module "bucket" {{
  source                        = "{REPO}/modules/log_archive_bucket"
  bucket_name                   = "acme-trail-logs"
  kms_key_arn                   = module.kms.key_arn
  access_log_bucket_name        = "acme-access-logs"
  allow_cloudtrail_delivery     = {{allow}}
  break_glass_role_arns         = ["arn:aws:iam::{ACCOUNT}:role/acme-devops-admin"]
}}
module "trail" {{
  source         = "{REPO}/modules/cloudtrail"
  name           = "acme-trail"
  s3_bucket_name = module.bucket.bucket_name
  kms_key_arn    = module.kms.key_arn
}}
'''}
    address = "module.trail.aws_cloudtrail.this"
    ok = {"main.tf": files["main.tf"].replace("{allow}", "true")}
    bad = {"main.tf": files["main.tf"].replace("{allow}", "false")}
    check(tmp_path / "ok", ok, "DLV-001", address, "pass", "AWSCloudTrailWrite")
    check(tmp_path / "bad", bad, "DLV-001", address, "fail", "no statement", "cloudtrail.amazonaws.com")


# --- plan form ---------------------------------------------------------------------
def trail_plan(source_account: str = ACCOUNT, key_context_account: str = ACCOUNT, deferred: bool = False) -> dict:
    p = PlanBuilder()
    p.resource("data.aws_caller_identity.current", {"account_id": ACCOUNT, "id": ACCOUNT,
                                                    "arn": f"arn:aws:iam::{ACCOUNT}:root"})
    p.resource("aws_s3_bucket.trail", {"bucket": "acme-trail-logs", "region": "us-east-1"},
               unknown=["arn", "id", "policy"])
    bucket_policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::acme-trail-logs"},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::acme-trail-logs/AWSLogs/{ACCOUNT}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                        "aws:SourceAccount": source_account}}}]}
    if deferred:
        p.resource("data.aws_iam_policy_document.bucket",
                   {"statement": [{"sid": "AWSCloudTrailAclCheck", "effect": "Allow", "actions": ["s3:GetBucketAcl"],
                                   "principals": [{"type": "Service", "identifiers": ["cloudtrail.amazonaws.com"]}]},
                                  {"sid": "AWSCloudTrailWrite", "effect": "Allow", "actions": ["s3:PutObject"],
                                   "principals": [{"type": "Service", "identifiers": ["cloudtrail.amazonaws.com"]}]}]},
                   unknown=["json", "id", "statement.0.resources", "statement.1.resources"], actions=["read"],
                   refs={"statement.0.resources": ["aws_s3_bucket.trail.arn"],
                         "statement.1.resources": ["aws_s3_bucket.trail.arn"]})
        p.resource("aws_s3_bucket_policy.trail", {}, unknown=["bucket", "policy", "id"],
                   refs={"bucket": ["aws_s3_bucket.trail.id"], "policy": ["data.aws_iam_policy_document.bucket.json"]})
    else:
        p.resource("aws_s3_bucket_policy.trail", {"policy": json.dumps(bucket_policy)}, unknown=["bucket", "id"],
                   refs={"bucket": ["aws_s3_bucket.trail.id"]})
    key_policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*",
         "Resource": "*"},
        {"Sid": "AllowCloudTrailToEncryptLogs", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "kms:GenerateDataKey*", "Resource": "*",
         "Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn":
                                      f"arn:aws:cloudtrail:*:{key_context_account}:trail/*"}}},
        {"Sid": "AllowCloudTrailToDescribeKey", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "kms:DescribeKey", "Resource": "*"}]}
    p.resource("aws_kms_key.trail", {"enable_key_rotation": True, "policy": json.dumps(key_policy)},
               unknown=["arn", "id", "key_id"])
    p.resource("aws_cloudtrail.main", {"name": "main", "s3_bucket_name": "acme-trail-logs", "region": "us-east-1",
                                       "is_multi_region_trail": True, "enable_log_file_validation": True},
               unknown=["arn", "id", "kms_key_id"],
               refs={"s3_bucket_name": ["aws_s3_bucket.trail.id"], "kms_key_id": ["aws_kms_key.trail.arn"]})
    return p.build()


def test_dlv001_plan_passes():
    f = finding(lint_plan(trail_plan(), rule="DLV-001"), "DLV-001", TRAIL)
    assert f.status == "pass" and "AWSLogs/111122223333/" in f.message, f.message


def test_dlv001_plan_deferred_policy_document_is_unknown():
    f = finding(lint_plan(trail_plan(deferred=True), rule="DLV-001"), "DLV-001", TRAIL)
    assert f.status == "unknown" and "Resource is not known until apply" in f.message, f.message


# =============================================================================
# DLV-002 CloudTrail -> CloudWatch Logs, DLV-004 VPC Flow Logs -> CloudWatch Logs
# =============================================================================
def role_files(service: str, trust_service: str | None = None, actions: str = '"logs:CreateLogStream", "logs:PutLogEvents"',
               resource: str = '"${aws_cloudwatch_log_group.logs.arn}:*"', trust_condition: str = "",
               writer: str = "trail") -> dict:
    trust_service = trust_service or service
    if writer == "trail":
        source = '''
resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = "shared-trail-bucket"
  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.logs.arn}:*"
  cloud_watch_logs_role_arn  = aws_iam_role.writer.arn
}
'''
    else:
        source = '''
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_flow_log" "main" {
  vpc_id          = aws_vpc.main.id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.logs.arn
  iam_role_arn    = aws_iam_role.writer.arn
}
'''
    return {"main.tf": DATA + f'''
resource "aws_cloudwatch_log_group" "logs" {{
  name = "/audit/logs"
}}
resource "aws_iam_role" "writer" {{
  name = "log-writer"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = {{ Service = "{trust_service}" }}
      Action    = "sts:AssumeRole"
      {trust_condition}
    }}]
  }})
}}
resource "aws_iam_role_policy" "writer" {{
  name = "write-logs"
  role = aws_iam_role.writer.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Sid      = "WriteLogs"
      Effect   = "Allow"
      Action   = [{actions}]
      Resource = {resource}
    }}]
  }})
}}
''' + source}


@pytest.mark.parametrize("rule,writer,service,address", [
    ("DLV-002", "trail", "cloudtrail.amazonaws.com", "aws_cloudtrail.main"),
    ("DLV-004", "flow", "vpc-flow-logs.amazonaws.com", "aws_flow_log.main"),
])
class TestRolePipes:
    def test_passes(self, tmp_path, rule, writer, service, address):
        check(tmp_path, role_files(service, writer=writer), rule, address, "pass", "sts:AssumeRole",
              "logs:PutLogEvents", "statement 'WriteLogs'")

    def test_role_trusted_by_the_wrong_service_fails(self, tmp_path, rule, writer, service, address):
        check(tmp_path, role_files(service, trust_service="ec2.amazonaws.com", writer=writer), rule, address, "fail",
              service, "sts:AssumeRole")

    def test_missing_put_log_events_fails(self, tmp_path, rule, writer, service, address):
        check(tmp_path, role_files(service, actions='"logs:CreateLogStream"', writer=writer), rule, address, "fail",
              "logs:PutLogEvents")

    def test_wildcard_actions_pass(self, tmp_path, rule, writer, service, address):
        check(tmp_path, role_files(service, actions='"logs:*"', resource='"*"', writer=writer), rule, address, "pass")

    def test_permissions_on_another_group_fail(self, tmp_path, rule, writer, service, address):
        check(tmp_path, role_files(service, resource='"arn:aws:logs:*:*:log-group:/other:*"', writer=writer), rule,
              address, "fail", "logs:CreateLogStream")

    def test_trust_condition_naming_another_account_is_not_a_pass(self, tmp_path, rule, writer, service, address):
        cond = 'Condition = { StringEquals = { "aws:SourceAccount" = "444455556666" } }'
        f = check(tmp_path, role_files(service, trust_condition=cond, writer=writer), rule, address, "unknown")
        assert "444455556666" in f.message

    def test_trust_condition_naming_this_account_passes(self, tmp_path, rule, writer, service, address):
        cond = 'Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }'
        check(tmp_path, role_files(service, trust_condition=cond, writer=writer), rule, address, "pass")

    def test_service_principal_with_the_partitions_dns_suffix_passes(self, tmp_path, rule, writer, service, address):
        # "cloudtrail.${data.aws_partition.current.dns_suffix}" (boldlink/terraform-aws-cloudtrail): the
        # service's principal in whichever partition this is
        files = role_files(service, writer=writer, trust_service=service.replace(
            "amazonaws.com", "${data.aws_partition.current.dns_suffix}"))
        check(tmp_path, files, rule, address, "pass", "sts:AssumeRole")

    def test_another_service_with_the_dns_suffix_fails(self, tmp_path, rule, writer, service, address):
        files = role_files(service, writer=writer, trust_service="ec2.${data.aws_partition.current.dns_suffix}")
        check(tmp_path, files, rule, address, "fail", service)


def test_dlv004_role_not_set_fails(tmp_path):
    files = role_files("vpc-flow-logs.amazonaws.com", writer="flow")
    files["main.tf"] = files["main.tf"].replace("  iam_role_arn    = aws_iam_role.writer.arn\n", "")
    check(tmp_path, files, "DLV-004", "aws_flow_log.main", "fail", "iam_role_arn is not set")


def test_dlv004_flow_log_to_s3_is_not_this_rule(tmp_path):
    files = {"main.tf": '''
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_flow_log" "main" {
  vpc_id               = aws_vpc.main.id
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::flow-logs"
}
'''}
    assert [f for f in lint_hcl(tmp_path, files, rule="DLV-004").findings] == []


def test_dlv004_terraform_aws_modules_vpc_flow_log_role(tmp_path):
    """terraform-aws-modules/vpc vpc-flow-logs.tf: the assume-role document with aws:SourceAccount and the
    publishing policy on "*"."""
    files = {"main.tf": DATA + '''
resource "aws_vpc" "this" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_cloudwatch_log_group" "flow_log" {
  name              = "/aws/vpc-flow-log/${aws_vpc.this.id}"
  retention_in_days = 365
}
data "aws_iam_policy_document" "flow_log_cloudwatch_assume_role" {
  statement {
    sid = "AWSVPCFlowLogsAssumeRole"
    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:ec2:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:vpc-flow-log/*"]
    }
  }
}
resource "aws_iam_role" "vpc_flow_log_cloudwatch" {
  name_prefix        = "vpc-flow-log-role-"
  assume_role_policy = data.aws_iam_policy_document.flow_log_cloudwatch_assume_role.json
}
data "aws_iam_policy_document" "vpc_flow_log_cloudwatch" {
  statement {
    sid    = "AWSVPCFlowLogsPushToCloudWatch"
    effect = "Allow"
    actions = [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:DescribeLogGroups",
      "logs:DescribeLogStreams",
    ]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "vpc_flow_log_cloudwatch" {
  name_prefix = "vpc-flow-log-to-cloudwatch-"
  policy      = data.aws_iam_policy_document.vpc_flow_log_cloudwatch.json
}
resource "aws_iam_role_policy_attachment" "vpc_flow_log_cloudwatch" {
  role       = aws_iam_role.vpc_flow_log_cloudwatch.name
  policy_arn = aws_iam_policy.vpc_flow_log_cloudwatch.arn
}
resource "aws_flow_log" "this" {
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_log.arn
  iam_role_arn         = aws_iam_role.vpc_flow_log_cloudwatch.arn
  traffic_type         = "ALL"
  vpc_id               = aws_vpc.this.id
}
'''}
    check(tmp_path, files, "DLV-004", "aws_flow_log.this", "pass", "AWSVPCFlowLogsAssumeRole",
          "AWSVPCFlowLogsPushToCloudWatch")


def flow_plan(trust_service: str = "vpc-flow-logs.amazonaws.com") -> dict:
    p = PlanBuilder()
    p.resource("data.aws_caller_identity.current", {"account_id": ACCOUNT})
    p.resource("aws_vpc.main", {"cidr_block": "10.0.0.0/16"}, unknown=["id", "arn"])
    p.resource("aws_cloudwatch_log_group.flow", {"name": "/vpc/flow", "region": "us-east-1"}, unknown=["arn", "id"])
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": trust_service},
                                                      "Action": "sts:AssumeRole"}]}
    p.resource("aws_iam_role.flow", {"name": "flow-logs", "assume_role_policy": json.dumps(trust)},
               unknown=["arn", "id", "unique_id"])
    p.resource("aws_iam_role_policy.flow", {"name": "publish", "policy": json.dumps({
        "Version": "2012-10-17", "Statement": [{"Sid": "Publish", "Effect": "Allow",
                                                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                                                "Resource": "arn:aws:logs:us-east-1:111122223333:log-group:/vpc/flow:*"}]})},
               unknown=["id", "role"], refs={"role": ["aws_iam_role.flow.id"]})
    p.resource("aws_flow_log.main", {"traffic_type": "ALL", "log_destination_type": "cloud-watch-logs",
                                     "region": "us-east-1"},
               unknown=["id", "arn", "vpc_id", "log_destination", "iam_role_arn"],
               refs={"vpc_id": ["aws_vpc.main.id"], "log_destination": ["aws_cloudwatch_log_group.flow.arn"],
                     "iam_role_arn": ["aws_iam_role.flow.arn"]})
    return p.build()


def test_dlv004_plan():
    f = finding(lint_plan(flow_plan(), rule="DLV-004"), "DLV-004", "aws_flow_log.main")
    assert f.status == "pass", f.message
    f = finding(lint_plan(flow_plan("ec2.amazonaws.com"), rule="DLV-004"), "DLV-004", "aws_flow_log.main")
    assert f.status == "fail" and "vpc-flow-logs.amazonaws.com" in f.message, f.message


def test_dlv002_plan():
    p = PlanBuilder()
    p.resource("data.aws_caller_identity.current", {"account_id": ACCOUNT})
    p.resource("aws_cloudwatch_log_group.trail", {"name": "/aws/cloudtrail/main", "region": "us-east-1"},
               unknown=["arn", "id"])
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                            "Action": "sts:AssumeRole"}]}
    perms = {"Statement": [{"Sid": "Write", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                            "Resource": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/cloudtrail/main:log-stream:*"}]}
    p.resource("aws_iam_role.trail", {"name": "trail-logs", "assume_role_policy": json.dumps(trust),
                                      "inline_policy": [{"name": "write", "policy": json.dumps(perms)}]},
               unknown=["arn", "id"])
    p.resource("aws_cloudtrail.main", {"name": "main", "s3_bucket_name": "shared", "region": "us-east-1"},
               unknown=["arn", "id", "cloud_watch_logs_group_arn", "cloud_watch_logs_role_arn"],
               refs={"cloud_watch_logs_group_arn": ["aws_cloudwatch_log_group.trail.arn"],
                     "cloud_watch_logs_role_arn": ["aws_iam_role.trail.arn"]})
    f = finding(lint_plan(p.build(), rule="DLV-002"), "DLV-002", "aws_cloudtrail.main")
    assert f.status == "pass" and "inline_policy" in f.message, f.message
    doc = p.build()
    for rc in doc["resource_changes"]:
        if rc["address"] == "aws_iam_role.trail":
            rc["change"]["after"]["inline_policy"][0]["policy"] = json.dumps(
                {"Statement": [{"Effect": "Allow", "Action": "logs:CreateLogStream", "Resource": "*"}]})
    f = finding(lint_plan(doc, rule="DLV-002"), "DLV-002", "aws_cloudtrail.main")
    assert f.status == "fail" and "logs:PutLogEvents" in f.message, f.message


# =============================================================================
# DLV-003 AWS Config -> S3
# =============================================================================
CHANNEL = "aws_config_delivery_channel.main"

# the AWS Config Developer Guide's bucket policy, as nozaq/terraform-aws-secure-baseline writes it
CONFIG_BUCKET_POLICY = '''
data "aws_iam_policy_document" "config_bucket" {
  statement {
    sid     = "AWSConfigBucketPermissionsCheck"
    actions = ["s3:GetBucketAcl"]
    principals {
      type        = "Service"
      identifiers = ["config.amazonaws.com"]
    }
    resources = [aws_s3_bucket.config.arn]
  }
  statement {
    sid     = "AWSConfigBucketExistenceCheck"
    actions = ["s3:ListBucket"]
    principals {
      type        = "Service"
      identifiers = ["config.amazonaws.com"]
    }
    resources = [aws_s3_bucket.config.arn]
  }
  statement {
    sid     = "AWSConfigBucketDelivery"
    actions = ["s3:PutObject"]
    principals {
      type        = "Service"
      identifiers = ["config.amazonaws.com"]
    }
    resources = ["${aws_s3_bucket.config.arn}/config/AWSLogs/${data.aws_caller_identity.current.account_id}/Config/*"]
    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }
  }
}
resource "aws_s3_bucket_policy" "config" {
  bucket = aws_s3_bucket.config.id
  policy = data.aws_iam_policy_document.config_bucket.json
}
'''


def config_files(bucket_policy: str = CONFIG_BUCKET_POLICY, role_policy: str = "", key: str = "",
                 prefix: str = "config") -> dict:
    return {"main.tf": DATA + bucket_policy + role_policy + key + f'''
resource "aws_s3_bucket" "config" {{
  bucket = "acme-config-history"
}}
resource "aws_iam_role" "config" {{
  name = "aws-config"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Principal = {{ Service = "config.amazonaws.com" }}, Action = "sts:AssumeRole" }}]
  }})
}}
resource "aws_iam_role_policy_attachment" "config" {{
  role       = aws_iam_role.config.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole"
}}
resource "aws_config_configuration_recorder" "main" {{
  name     = "default"
  role_arn = aws_iam_role.config.arn
}}
resource "aws_config_delivery_channel" "main" {{
  name           = "default"
  s3_bucket_name = aws_s3_bucket.config.bucket
  s3_key_prefix  = "{prefix}"
  {"s3_kms_key_arn = aws_kms_key.config.arn" if key else ""}
}}
'''}


ROLE_DELIVERY = '''
resource "aws_iam_role_policy" "config_delivery" {
  name = "config-delivery"
  role = aws_iam_role.config.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Check", Effect = "Allow", Action = ["s3:GetBucketAcl", "s3:ListBucket"], Resource = aws_s3_bucket.config.arn },
      { Sid = "Deliver", Effect = "Allow", Action = "s3:PutObject", Resource = "${aws_s3_bucket.config.arn}/*" },
    ]
  })
}
'''


def config_key(principal: str) -> str:
    return f'''
resource "aws_kms_key" "config" {{
  enable_key_rotation = true
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {{ Sid = "Root", Effect = "Allow", Resource = "*", Action = "kms:*",
         Principal = {{ AWS = "arn:aws:iam::${{data.aws_caller_identity.current.account_id}}:root" }} }},
      {{ Sid = "ConfigEncrypts", Effect = "Allow", Resource = "*", Action = ["kms:Decrypt", "kms:GenerateDataKey"],
         Principal = {{ Service = "{principal}" }} }},
    ]
  }})
}}
'''


def test_dlv003_bucket_policy_grants_config(tmp_path):
    check(tmp_path, config_files(), "DLV-003", CHANNEL, "pass", "config.amazonaws.com",
          "AWSConfigBucketExistenceCheck", "AWSConfigBucketDelivery")


def test_dlv003_prefix_outside_the_grant_fails(tmp_path):
    check(tmp_path, config_files(prefix="history"), "DLV-003", CHANNEL, "fail", "history/AWSLogs/")


def test_dlv003_recorder_role_alone_delivers(tmp_path):
    f = check(tmp_path, config_files(bucket_policy="", role_policy=ROLE_DELIVERY), "DLV-003", CHANNEL, "pass",
              "aws_iam_role.config", "statement 'Deliver'")
    assert "recorder's role" in f.message


def test_dlv003_neither_service_nor_role_fails(tmp_path):
    check(tmp_path, config_files(bucket_policy=""), "DLV-003", CHANNEL, "fail", "has no bucket policy")


def test_dlv003_key_policy(tmp_path):
    check(tmp_path / "ok", config_files(key=config_key("config.amazonaws.com")), "DLV-003", CHANNEL, "pass",
          "ConfigEncrypts")
    check(tmp_path / "bad", config_files(key=config_key("cloudtrail.amazonaws.com")), "DLV-003", CHANNEL, "fail",
          "aws_kms_key.config", "kms:GenerateDataKey")


def test_dlv003_role_path_needs_the_key_through_iam(tmp_path):
    # the key policy delegates to IAM (account root); the role's policy must then allow the key
    files = config_files(bucket_policy="", role_policy=ROLE_DELIVERY, key=config_key("cloudtrail.amazonaws.com"))
    check(tmp_path / "no_kms", files, "DLV-003", CHANNEL, "fail", "kms:GenerateDataKey")
    with_kms = ROLE_DELIVERY.replace('''      { Sid = "Deliver",''', '''      { Sid = "Key", Effect = "Allow", Action = ["kms:Decrypt", "kms:GenerateDataKey"], Resource = aws_kms_key.config.arn },
      { Sid = "Deliver",''')
    files = config_files(bucket_policy="", role_policy=with_kms, key=config_key("cloudtrail.amazonaws.com"))
    check(tmp_path / "kms", files, "DLV-003", CHANNEL, "pass", "statement 'Root' lets IAM policies grant it")


def test_dlv003_plan():
    p = PlanBuilder()
    p.resource("data.aws_caller_identity.current", {"account_id": ACCOUNT})
    p.resource("aws_s3_bucket.config", {"bucket": "acme-config", "region": "us-east-1"}, unknown=["arn", "id"])
    policy = {"Statement": [
        {"Sid": "Check", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
         "Action": ["s3:GetBucketAcl", "s3:ListBucket"], "Resource": "arn:aws:s3:::acme-config",
         "Condition": {"StringEquals": {"AWS:SourceAccount": ACCOUNT}}},
        {"Sid": "Deliver", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::acme-config/AWSLogs/{ACCOUNT}/Config/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": ACCOUNT}}}]}
    p.resource("aws_s3_bucket_policy.config", {"policy": json.dumps(policy)}, unknown=["bucket", "id"],
               refs={"bucket": ["aws_s3_bucket.config.id"]})
    p.resource("aws_config_delivery_channel.main", {"name": "default", "s3_bucket_name": "acme-config",
                                                     "region": "us-east-1"}, unknown=["id"])
    f = finding(lint_plan(p.build(), rule="DLV-003"), "DLV-003", CHANNEL)
    assert f.status == "pass", f.message
    doc = json.loads(json.dumps(p.build()).replace("AWSLogs/111122223333/Config", "AWSLogs/111122223333/Other"))
    f = finding(lint_plan(doc, rule="DLV-003"), "DLV-003", CHANNEL)
    assert f.status == "fail" and "/Config/" in f.message, f.message


# =============================================================================
# DLV-005 encrypted log groups
# =============================================================================
GROUP = "aws_cloudwatch_log_group.app"


def group_files(statement: str, region_form: str = "${data.aws_region.current.region}") -> dict:
    return {"main.tf": DATA + f'''
data "aws_iam_policy_document" "key" {{
  statement {{
    sid       = "Root"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {{
      type        = "AWS"
      identifiers = ["arn:aws:iam::${{data.aws_caller_identity.current.account_id}}:root"]
    }}
  }}
  {statement.replace("REGION", region_form)}
}}
resource "aws_kms_key" "logs" {{
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json
}}
resource "aws_cloudwatch_log_group" "app" {{
  name       = "/app/django/access"
  kms_key_id = aws_kms_key.logs.arn
}}
'''}


LOGS_STATEMENT = '''
  statement {
    sid       = "AllowCloudWatchLogs"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.REGION.amazonaws.com"]
    }
    CONDITION
  }
'''


def logs_statement(condition: str = "") -> str:
    return LOGS_STATEMENT.replace("CONDITION", condition)


def test_dlv005_key_policy_lets_cloudwatch_logs_use_the_key(tmp_path):
    check(tmp_path, group_files(logs_statement()), "DLV-005", GROUP, "pass", "AllowCloudWatchLogs",
          "kms:GenerateDataKey")


def test_dlv005_encryption_context_of_this_account_passes(tmp_path):
    cond = '''condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:log-group:*"]
    }'''
    check(tmp_path, group_files(logs_statement(cond)), "DLV-005", GROUP, "pass")


def test_dlv005_encryption_context_of_another_group_fails(tmp_path):
    cond = '''condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:aws:logs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:log-group:/app/other"]
    }'''
    check(tmp_path, group_files(logs_statement(cond)), "DLV-005", GROUP, "fail", "kms:EncryptionContext:aws:logs:arn",
          "/app/other")


def test_dlv005_key_policy_without_cloudwatch_logs_fails(tmp_path):
    check(tmp_path, group_files(""), "DLV-005", GROUP, "fail", "no statement", "logs.")


def test_dlv005_service_of_another_region_fails_once_the_region_is_known():
    # plan form: the group is in us-east-1, the key policy names eu-west-1's CloudWatch Logs
    def plan(region):
        p = PlanBuilder()
        p.resource("data.aws_caller_identity.current", {"account_id": ACCOUNT})
        key = {"Statement": [{"Sid": "Logs", "Effect": "Allow", "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                              "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"], "Resource": "*"}]}
        p.resource("aws_kms_key.logs", {"enable_key_rotation": True, "policy": json.dumps(key)},
                   unknown=["arn", "id", "key_id"])
        p.resource("aws_cloudwatch_log_group.app", {"name": "/app/django/access", "region": "us-east-1"},
                   unknown=["arn", "id", "kms_key_id"], refs={"kms_key_id": ["aws_kms_key.logs.arn"]})
        return finding(lint_plan(p.build(), rule="DLV-005"), "DLV-005", GROUP)
    assert plan("us-east-1").status == "pass"
    f = plan("eu-west-1")
    assert f.status == "fail" and "logs.us-east-1.amazonaws.com" in f.message, f.message


def test_dlv005_literal_region_without_a_known_region_is_unknown(tmp_path):
    f = check(tmp_path, group_files(logs_statement(), region_form="us-east-1"), "DLV-005", GROUP, "unknown")
    assert "us-east-1" in f.message


def test_dlv005_group_without_key_is_not_this_rule(tmp_path):
    files = {"main.tf": 'resource "aws_cloudwatch_log_group" "app" {\n  name = "/app/x"\n}\n'}
    assert lint_hcl(tmp_path, files, rule="DLV-005").findings == []


# =============================================================================
# DLV-006 S3 server access logs
# =============================================================================
LOGGING = "aws_s3_bucket_logging.shots"

# terraform-aws-modules/s3-bucket attach_access_log_delivery_policy (data "aws_iam_policy_document" "access_log_delivery")
TFAM_ACCESS_LOG_POLICY = '''
data "aws_iam_policy_document" "access_logs" {
  statement {
    sid = "AWSAccessLogDeliveryWrite"
    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.access_logs.arn}/*"]
    condition {
      test     = "ForAnyValue:ArnLike"
      variable = "aws:SourceArn"
      values   = [SOURCE]
    }
  }
  statement {
    sid = "AWSAccessLogDeliveryAclCheck"
    effect = "Allow"
    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }
    actions   = ["s3:GetBucketAcl"]
    resources = [aws_s3_bucket.access_logs.arn]
  }
}
resource "aws_s3_bucket_policy" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  policy = data.aws_iam_policy_document.access_logs.json
}
'''


def access_files(policy: str = TFAM_ACCESS_LOG_POLICY, source: str = "aws_s3_bucket.screenshots.arn",
                 sse: str = "AES256", extra: str = "") -> dict:
    return {"main.tf": policy.replace("SOURCE", source) + extra + f'''
resource "aws_s3_bucket" "screenshots" {{
  bucket = "acme-screenshots"
}}
resource "aws_s3_bucket" "access_logs" {{
  bucket = "acme-access-logs"
}}
resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {{
  bucket = aws_s3_bucket.access_logs.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm = "{sse}"
    }}
  }}
}}
resource "aws_s3_bucket_logging" "shots" {{
  bucket        = aws_s3_bucket.screenshots.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "screenshots/"
}}
'''}


def test_dlv006_terraform_aws_modules_access_log_policy_passes(tmp_path):
    check(tmp_path, access_files(), "DLV-006", LOGGING, "pass", "AWSAccessLogDeliveryWrite", "screenshots/")


def test_dlv006_source_arn_of_another_bucket_fails(tmp_path):
    check(tmp_path, access_files(source='"arn:aws:s3:::some-other-bucket"'), "DLV-006", LOGGING, "fail",
          "aws:SourceArn", "some-other-bucket")


def test_dlv006_sse_kms_target_fails(tmp_path):
    check(tmp_path, access_files(sse="aws:kms"), "DLV-006", LOGGING, "fail", "SSE-S3", "SSE-KMS is not supported")


def test_dlv006_object_lock_target_fails(tmp_path):
    files = access_files()
    files["main.tf"] = files["main.tf"].replace('bucket = "acme-access-logs"',
                                                'bucket              = "acme-access-logs"\n  object_lock_enabled = true')
    check(tmp_path, files, "DLV-006", LOGGING, "fail", "Object Lock")


def test_dlv006_no_policy_fails(tmp_path):
    check(tmp_path, access_files(policy=""), "DLV-006", LOGGING, "fail", "has no bucket policy",
          "LogDelivery group")


ACL = '''
resource "aws_s3_bucket_ownership_controls" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  rule {
    object_ownership = "OWNERSHIP"
  }
}
resource "aws_s3_bucket_acl" "access_logs" {
  bucket     = aws_s3_bucket.access_logs.id
  acl        = "log-delivery-write"
  depends_on = [aws_s3_bucket_ownership_controls.access_logs]
}
'''


def test_dlv006_log_delivery_acl_counts_only_where_acls_are_in_force(tmp_path):
    # cn-terraform/terraform-aws-logs-s3-bucket: acl = "log-delivery-write" with ObjectWriter ownership
    check(tmp_path / "writer", access_files(policy="", extra=ACL.replace("OWNERSHIP", "ObjectWriter")), "DLV-006",
          LOGGING, "pass", "log-delivery-write")
    check(tmp_path / "enforced", access_files(policy="", extra=ACL.replace("OWNERSHIP", "BucketOwnerEnforced")),
          "DLV-006", LOGGING, "fail", "ACLs are disabled")


def test_dlv006_legacy_inline_logging_block(tmp_path):
    files = access_files()
    files["main.tf"] = files["main.tf"].replace('''resource "aws_s3_bucket_logging" "shots" {
  bucket        = aws_s3_bucket.screenshots.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "screenshots/"
}''', "").replace('''resource "aws_s3_bucket" "screenshots" {
  bucket = "acme-screenshots"
}''', '''resource "aws_s3_bucket" "screenshots" {
  bucket = "acme-screenshots"
  logging {
    target_bucket = aws_s3_bucket.access_logs.id
    target_prefix = "screenshots/"
  }
}''')
    check(tmp_path, files, "DLV-006", "aws_s3_bucket.screenshots", "pass", "AWSAccessLogDeliveryWrite")


def test_dlv006_plan():
    def plan(source):
        p = PlanBuilder()
        p.resource("data.aws_caller_identity.current", {"account_id": ACCOUNT})
        p.resource("aws_s3_bucket.screenshots", {"bucket": "acme-screenshots", "region": "us-east-1"},
                   unknown=["arn", "id"])
        p.resource("aws_s3_bucket.access_logs", {"bucket": "acme-access-logs", "region": "us-east-1"},
                   unknown=["arn", "id"])
        policy = {"Statement": [{"Sid": "S3ServerAccessLogsPolicy", "Effect": "Allow",
                                 "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
                                 "Resource": "arn:aws:s3:::acme-access-logs/*",
                                 "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{source}"},
                                               "StringEquals": {"aws:SourceAccount": ACCOUNT}}}]}
        p.resource("aws_s3_bucket_policy.access_logs", {"policy": json.dumps(policy)}, unknown=["bucket", "id"],
                   refs={"bucket": ["aws_s3_bucket.access_logs.id"]})
        p.resource("aws_s3_bucket_logging.shots", {"target_prefix": "screenshots/", "region": "us-east-1"},
                   unknown=["bucket", "target_bucket", "id"],
                   refs={"bucket": ["aws_s3_bucket.screenshots.id"], "target_bucket": ["aws_s3_bucket.access_logs.id"]})
        return finding(lint_plan(p.build(), rule="DLV-006"), "DLV-006", LOGGING)
    assert plan("acme-screenshots").status == "pass"
    f = plan("acme-other")
    assert f.status == "fail" and "aws:SourceArn" in f.message, f.message


# =============================================================================
# DLV-007 GuardDuty -> S3
# =============================================================================
DEST = "aws_guardduty_publishing_destination.main"


def guardduty_files(bucket_statements: str, key_service: str = "guardduty.amazonaws.com", deny: str = "") -> dict:
    return {"main.tf": DATA + f'''
resource "aws_guardduty_detector" "main" {{
  enable = true
}}
resource "aws_kms_key" "findings" {{
  enable_key_rotation = true
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {{ Sid = "Root", Effect = "Allow", Action = "kms:*", Resource = "*",
         Principal = {{ AWS = "arn:aws:iam::${{data.aws_caller_identity.current.account_id}}:root" }} }},
      {{ Sid = "AllowGuardDutyKey", Effect = "Allow", Action = "kms:GenerateDataKey", Resource = "*",
         Principal = {{ Service = "{key_service}" }},
         Condition = {{ StringEquals = {{ "aws:SourceAccount" = data.aws_caller_identity.current.account_id }} }} }},
    ]
  }})
}}
resource "aws_s3_bucket" "findings" {{
  bucket = "acme-guardduty-findings"
}}
resource "aws_s3_bucket_policy" "findings" {{
  bucket = aws_s3_bucket.findings.id
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{bucket_statements}{deny}]
  }})
}}
resource "aws_guardduty_publishing_destination" "main" {{
  detector_id     = aws_guardduty_detector.main.id
  destination_arn = aws_s3_bucket.findings.arn
  kms_key_arn     = aws_kms_key.findings.arn
}}
'''}


# the GuardDuty User Guide's bucket policy statements
GD_STATEMENTS = '''
      { Sid = "Allow GetBucketLocation", Effect = "Allow", Action = "s3:GetBucketLocation",
        Principal = { Service = "guardduty.amazonaws.com" }, Resource = aws_s3_bucket.findings.arn,
        Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id },
                      StringLike   = { "aws:SourceArn" = "arn:aws:guardduty:*:${data.aws_caller_identity.current.account_id}:detector/*" } } },
      { Sid = "Allow PutObject", Effect = "Allow", Action = "s3:PutObject",
        Principal = { Service = "guardduty.amazonaws.com" }, Resource = "${aws_s3_bucket.findings.arn}/*",
        Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } } },'''

GD_DENY_WRONG_KEY = '''
      { Sid = "Deny incorrect encryption header", Effect = "Deny", Principal = { Service = "guardduty.amazonaws.com" },
        Action = "s3:PutObject", Resource = "${aws_s3_bucket.findings.arn}/*",
        Condition = { StringNotEquals = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = KEY } } },
      { Sid = "Deny unencrypted object uploads", Effect = "Deny", Principal = { Service = "guardduty.amazonaws.com" },
        Action = "s3:PutObject", Resource = "${aws_s3_bucket.findings.arn}/*",
        Condition = { StringNotEquals = { "s3:x-amz-server-side-encryption" = "aws:kms" } } },'''


def test_dlv007_guide_policies_pass(tmp_path):
    check(tmp_path, guardduty_files(GD_STATEMENTS), "DLV-007", DEST, "pass", "Allow PutObject", "AllowGuardDutyKey")


def test_dlv007_guide_deny_statements_naming_this_key_pass(tmp_path):
    deny = GD_DENY_WRONG_KEY.replace("KEY", "aws_kms_key.findings.arn")
    check(tmp_path, guardduty_files(GD_STATEMENTS, deny=deny), "DLV-007", DEST, "pass")


def test_dlv007_deny_naming_another_key_fails(tmp_path):
    deny = GD_DENY_WRONG_KEY.replace("KEY", '"arn:aws:kms:us-east-1:111122223333:key/0000-other"')
    # the key's id is known only at apply: only if it were 0000-other would GuardDuty get through
    check(tmp_path, guardduty_files(GD_STATEMENTS, deny=deny), "DLV-007", DEST, "unknown", "0000-other")


def test_dlv007_bucket_policy_without_guardduty_fails(tmp_path):
    check(tmp_path, guardduty_files(GD_STATEMENTS.replace("guardduty.amazonaws.com", "config.amazonaws.com")),
          "DLV-007", DEST, "fail", "guardduty.amazonaws.com", "s3:GetBucketLocation")


def test_dlv007_key_policy_without_guardduty_fails(tmp_path):
    check(tmp_path, guardduty_files(GD_STATEMENTS, key_service="cloudtrail.amazonaws.com"), "DLV-007", DEST, "fail",
          "kms:GenerateDataKey", "aws_kms_key.findings")


def test_dlv007_plan():
    def plan(service):
        p = PlanBuilder()
        p.resource("data.aws_caller_identity.current", {"account_id": ACCOUNT})
        p.resource("aws_guardduty_detector.main", {"enable": True, "region": "us-east-1"}, unknown=["id", "arn"])
        key = {"Statement": [{"Sid": "GD", "Effect": "Allow", "Principal": {"Service": "guardduty.amazonaws.com"},
                              "Action": "kms:GenerateDataKey", "Resource": "*"}]}
        p.resource("aws_kms_key.findings", {"enable_key_rotation": True, "policy": json.dumps(key)},
                   unknown=["arn", "id", "key_id"])
        p.resource("aws_s3_bucket.findings", {"bucket": "acme-findings", "region": "us-east-1"}, unknown=["arn", "id"])
        policy = {"Statement": [{"Sid": "GD", "Effect": "Allow", "Principal": {"Service": service},
                                 "Action": ["s3:GetBucketLocation", "s3:PutObject"],
                                 "Resource": ["arn:aws:s3:::acme-findings", "arn:aws:s3:::acme-findings/*"]}]}
        p.resource("aws_s3_bucket_policy.findings", {"policy": json.dumps(policy)}, unknown=["bucket", "id"],
                   refs={"bucket": ["aws_s3_bucket.findings.id"]})
        p.resource("aws_guardduty_publishing_destination.main", {"destination_type": "S3", "region": "us-east-1"},
                   unknown=["id", "detector_id", "destination_arn", "kms_key_arn"],
                   refs={"detector_id": ["aws_guardduty_detector.main.id"],
                         "destination_arn": ["aws_s3_bucket.findings.arn"], "kms_key_arn": ["aws_kms_key.findings.arn"]})
        return finding(lint_plan(p.build(), rule="DLV-007"), "DLV-007", DEST)
    assert plan("guardduty.amazonaws.com").status == "pass"
    assert plan("config.amazonaws.com").status == "fail"


# =============================================================================
# DLV-008 Session Manager
# =============================================================================
PROFILE = "aws_iam_instance_profile.web"


def ssm_files(instance_policy: str | None, kms_key_id: str = '""', s3: bool = True) -> dict:
    attach = ""
    if instance_policy is not None:
        attach = f'''
resource "aws_iam_role_policy" "web_logging" {{
  name   = "session-logging"
  role   = aws_iam_role.web.id
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{instance_policy}]
  }})
}}
'''
    bucket_input = 's3BucketName = aws_s3_bucket.sessions.bucket\n      s3EncryptionEnabled = true' if s3 else ""
    return {"main.tf": DATA + attach + f'''
resource "aws_kms_key" "sessions" {{
  enable_key_rotation = true
}}
resource "aws_kms_alias" "sessions" {{
  name          = "alias/sessions"
  target_key_id = aws_kms_key.sessions.key_id
}}
resource "aws_cloudwatch_log_group" "sessions" {{
  name = "/ssm/sessions"
}}
resource "aws_s3_bucket" "sessions" {{
  bucket = "acme-session-logs"
}}
resource "aws_ssm_document" "prefs" {{
  name            = "SSM-SessionManagerRunShell"
  document_type   = "Session"
  document_format = "JSON"
  content = jsonencode({{
    schemaVersion = "1.0"
    sessionType   = "Standard_Stream"
    inputs = {{
      cloudWatchLogGroupName      = aws_cloudwatch_log_group.sessions.name
      cloudWatchEncryptionEnabled = false
      {bucket_input}
      kmsKeyId                    = {kms_key_id}
    }}
  }})
}}
resource "aws_iam_role" "web" {{
  name = "web"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Principal = {{ Service = "ec2.amazonaws.com" }}, Action = "sts:AssumeRole" }}]
  }})
}}
resource "aws_iam_role_policy_attachment" "web_ssm" {{
  role       = aws_iam_role.web.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}}
resource "aws_iam_instance_profile" "web" {{
  name = "web"
  role = aws_iam_role.web.name
}}
'''}


LOGGING_POLICY = '''
      { Sid = "Logs", Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource = "${aws_cloudwatch_log_group.sessions.arn}:*" },
      { Sid = "S3", Effect = "Allow", Action = "s3:PutObject", Resource = "${aws_s3_bucket.sessions.arn}/*" },
      { Sid = "S3Encryption", Effect = "Allow", Action = "s3:GetEncryptionConfiguration", Resource = aws_s3_bucket.sessions.arn },'''


def test_dlv008_instance_role_with_logging_policy_passes(tmp_path):
    check(tmp_path, ssm_files(LOGGING_POLICY), "DLV-008", PROFILE, "pass", "statement 'Logs'", "statement 'S3'")


def test_dlv008_core_policy_alone_fails(tmp_path):
    check(tmp_path, ssm_files(None), "DLV-008", PROFILE, "fail", "logs:CreateLogStream", "aws_iam_role.web")


def test_dlv008_encryption_check_needs_get_encryption_configuration(tmp_path):
    policy = LOGGING_POLICY.replace('''
      { Sid = "S3Encryption", Effect = "Allow", Action = "s3:GetEncryptionConfiguration", Resource = aws_s3_bucket.sessions.arn },''', "")
    check(tmp_path, ssm_files(policy), "DLV-008", PROFILE, "fail", "s3:GetEncryptionConfiguration")


def test_dlv008_session_key_needs_decrypt(tmp_path):
    check(tmp_path / "no_decrypt", ssm_files(LOGGING_POLICY, kms_key_id="aws_kms_alias.sessions.name"), "DLV-008",
          PROFILE, "fail", "kms:Decrypt", "aws_kms_key.sessions")
    with_decrypt = LOGGING_POLICY + '''
      { Sid = "SessionKey", Effect = "Allow", Action = "kms:Decrypt", Resource = aws_kms_key.sessions.arn },'''
    check(tmp_path / "decrypt", ssm_files(with_decrypt, kms_key_id="aws_kms_alias.sessions.name"), "DLV-008",
          PROFILE, "pass", "lets IAM policies grant it", "statement 'SessionKey'")


def test_dlv008_no_instance_profile_here(tmp_path):
    files = ssm_files(LOGGING_POLICY)
    files["main.tf"] = files["main.tf"].replace('resource "aws_iam_instance_profile" "web"', 'resource "null_resource" "x"')
    files["main.tf"] = files["main.tf"].replace('resource "aws_iam_role_policy_attachment" "web_ssm"',
                                                'resource "null_resource" "y"')
    check(tmp_path, files, "DLV-008", "aws_ssm_document.prefs", "pass", "no instance profile")


def test_dlv008_plan():
    def plan(actions):
        p = PlanBuilder()
        p.resource("data.aws_caller_identity.current", {"account_id": ACCOUNT})
        p.resource("aws_cloudwatch_log_group.sessions", {"name": "/ssm/sessions", "region": "us-east-1"},
                   unknown=["arn", "id"])
        content = json.dumps({"schemaVersion": "1.0", "sessionType": "Standard_Stream",
                              "inputs": {"cloudWatchLogGroupName": "/ssm/sessions"}})
        p.resource("aws_ssm_document.prefs", {"name": "SSM-SessionManagerRunShell", "document_type": "Session",
                                              "document_format": "JSON", "content": content}, unknown=["arn", "id"])
        trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                "Action": "sts:AssumeRole"}]}
        perms = {"Statement": [{"Sid": "Logs", "Effect": "Allow", "Action": actions,
                                "Resource": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/ssm/sessions:*"}]}
        p.resource("aws_iam_role.web", {"name": "web", "assume_role_policy": json.dumps(trust),
                                        "inline_policy": [{"name": "logs", "policy": json.dumps(perms)}],
                                        "managed_policy_arns": ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]},
                   unknown=["arn", "id"])
        p.resource("aws_iam_instance_profile.web", {"name": "web", "role": "web"}, unknown=["arn", "id"],
                   refs={"role": ["aws_iam_role.web.name"]})
        return finding(lint_plan(p.build(), rule="DLV-008"), "DLV-008", PROFILE)
    assert plan(["logs:CreateLogStream", "logs:PutLogEvents"]).status == "pass"
    f = plan(["logs:CreateLogStream"])
    assert f.status == "fail" and "logs:PutLogEvents" in f.message, f.message


def test_dlv001_trail_key_named_by_alias_arn(tmp_path):
    files = trail_files()
    files["main.tf"] = files["main.tf"].replace("kms_key_id = aws_kms_key.trail.arn",
                                                'kms_key_id = "arn:aws:kms:us-east-1:111122223333:alias/trail-logs"')
    files["main.tf"] += '''
resource "aws_kms_alias" "trail" {
  name          = "alias/trail-logs"
  target_key_id = aws_kms_key.trail.key_id
}
'''
    check(tmp_path / "ok", files, "DLV-001", TRAIL, "pass", "AllowCloudTrailToEncryptLogs")
    files["main.tf"] = files["main.tf"].replace('"alias/trail-logs"', '"alias/other-logs"')
    check(tmp_path / "other", files, "DLV-001", TRAIL, "unknown", "names a key not defined in this configuration")


def test_dlv001_bucket_named_only_at_apply(tmp_path):
    files = trail_files()
    files["main.tf"] = files["main.tf"].replace('bucket = "acme-trail-logs"', 'bucket_prefix = "acme-trail-"')
    # the policy names the bucket by its ARN attribute: whatever the name, it is this bucket
    check(tmp_path / "by_reference", files, "DLV-001", TRAIL, "pass")
    # a literal name: the generated name may or may not be it -- unknown, never a (false) fail
    files["main.tf"] = files["main.tf"].replace('"${aws_s3_bucket.trail.arn}/AWSLogs/*"',
                                                '"arn:aws:s3:::acme-trail-20260101/AWSLogs/*"')
    check(tmp_path / "by_name", files, "DLV-001", TRAIL, "unknown")


# --- policies as people write them: legacy inline bucket policy, heredoc, aws_kms_key_policy -------
def test_dlv001_legacy_inline_bucket_policy_heredoc_and_kms_key_policy_resource(tmp_path):
    files = {"main.tf": DATA + '''
resource "aws_s3_bucket" "trail" {
  bucket = "acme-trail-logs"
  policy = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": [
        {"Sid": "AclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::acme-trail-logs"},
        {"Sid": "Write", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": "arn:aws:s3:::acme-trail-logs/AWSLogs/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}
      ]
    }
  POLICY
}
resource "aws_kms_key" "trail" {
  enable_key_rotation = true
}
resource "aws_kms_key_policy" "trail" {
  key_id = aws_kms_key.trail.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Root", Effect = "Allow", Action = "kms:*", Resource = "*",
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" } },
      { Sid = "CloudTrail", Effect = "Allow", Action = ["kms:GenerateDataKey*", "kms:DescribeKey"], Resource = "*",
        Principal = { Service = "cloudtrail.amazonaws.com" } },
    ]
  })
}
resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = aws_s3_bucket.trail.id
  kms_key_id     = aws_kms_key.trail.arn
}
'''}
    check(tmp_path / "ok", files, "DLV-001", TRAIL, "pass", "aws_s3_bucket.trail policy statement 'Write'",
          "aws_kms_key_policy.trail key policy statement 'CloudTrail'")
    bad = {"main.tf": files["main.tf"].replace('Action = ["kms:GenerateDataKey*", "kms:DescribeKey"]',
                                               'Action = ["kms:DescribeKey"]')}
    check(tmp_path / "bad", bad, "DLV-001", TRAIL, "fail", "aws_kms_key_policy.trail", "kms:GenerateDataKey")


def test_dlv006_legacy_bucket_acl_with_object_writer_ownership(tmp_path):
    files = access_files(policy="", extra='''
resource "aws_s3_bucket_ownership_controls" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  rule {
    object_ownership = "BucketOwnerPreferred"
  }
}
''')
    files["main.tf"] = files["main.tf"].replace('bucket = "acme-access-logs"', 'bucket = "acme-access-logs"\n  acl    = "log-delivery-write"')
    check(tmp_path, files, "DLV-006", LOGGING, "pass", 'acl = "log-delivery-write"')


# =============================================================================
# names known but for the account id: the bucket policy names the bucket by its name, not its reference
# =============================================================================
# The idiom of secure baselines that write policies before the bucket exists (nozaq's secure-baseline,
# cloudposse's cloudtrail-s3-bucket): the bucket's name and the policy's Resource are the same template
# over data.aws_caller_identity, through a local.
NAMED_BY_ACCOUNT = '''
locals {
  account_id  = data.aws_caller_identity.current.account_id
  bucket_name = "acme-trail-${local.account_id}"
}
data "aws_iam_policy_document" "bucket" {
  statement {
    sid = "AWSCloudTrailAclCheck"
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    actions   = ["s3:GetBucketAcl"]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::RESOURCE_NAME"]
  }
  statement {
    sid = "AWSCloudTrailWrite"
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    actions   = ["s3:PutObject"]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::RESOURCE_NAME/AWSLogs/${local.account_id}/*"]
    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }
  }
}
'''


def named_by_account_files(resource_name: str, extra: str = "") -> dict:
    files = trail_files(NAMED_BY_ACCOUNT.replace("RESOURCE_NAME", resource_name) + extra)
    files["main.tf"] = files["main.tf"].replace('bucket = "acme-trail-logs"', "bucket = local.bucket_name")
    return files


def test_dlv001_policy_resource_written_as_the_partial_bucket_name_passes(tmp_path):
    check(tmp_path, named_by_account_files("${local.bucket_name}"), "DLV-001", TRAIL, "pass", "AWSCloudTrailWrite")
    # the same template written out again, not through the local: the same name
    check(tmp_path / "again", named_by_account_files("acme-trail-${data.aws_caller_identity.current.account_id}"),
          "DLV-001", TRAIL, "pass")


def test_dlv001_policy_resource_naming_another_partial_bucket_fails(tmp_path):
    check(tmp_path, named_by_account_files("acme-other-${local.account_id}"), "DLV-001", TRAIL, "fail",
          "s3:GetBucketAcl")


def test_dlv001_policy_resource_with_another_providers_account_is_not_a_pass(tmp_path):
    """The same template over the caller identity of *another* provider (one that assumes a role, so
    possibly another account) may name another bucket: never a pass.  (An alias with the default
    provider's credentials acts in its account: the same name.)"""
    extra = '''
variable "other_role_arn" {
  type = string
}
provider "aws" {
  alias  = "other"
  region = "us-east-1"
  assume_role {
    role_arn = var.other_role_arn
  }
}
data "aws_caller_identity" "other" {
  provider = aws.other
}
'''
    f = check(tmp_path, named_by_account_files("acme-trail-${data.aws_caller_identity.other.account_id}", extra),
              "DLV-001", TRAIL, "unknown")
    assert "s3:GetBucketAcl" in f.message
    same = extra.replace("  assume_role {\n    role_arn = var.other_role_arn\n  }\n", "")
    check(tmp_path / "same_credentials",
          named_by_account_files("acme-trail-${data.aws_caller_identity.other.account_id}", same), "DLV-001", TRAIL,
          "pass")


# =============================================================================
# The secure-baseline idiom (nozaq/terraform-aws-secure-baseline's bucket.tf, in small): the bucket is
# created by a child module that outputs the whole resource (``output "this_bucket" { value =
# aws_s3_bucket.content }``), the root's policy documents read ``module.audit_log_bucket[0].this_bucket.arn``
# and build the delivery paths with join() / concat(); AWS Config runs in every region through a provider
# alias per region that shares the default provider's credentials.
# =============================================================================
SB_BUCKET_MODULE = '''
variable "bucket_name" {
  type = string
}
resource "aws_s3_bucket" "content" {
  bucket = var.bucket_name
}
output "this_bucket" {
  value = aws_s3_bucket.content
}
'''

SB_ROOT = '''
data "aws_caller_identity" "current" {}
provider "aws" {
  region = "us-east-1"
}
provider "aws" {
  alias  = "eu-west-1"
  region = "eu-west-1"
  EU_CREDENTIALS
}
variable "is_master_account" {
  type    = bool
  default = false
}
module "audit_log_bucket" {
  count       = 1
  source      = "./modules/secure-bucket"
  bucket_name = "acme-audit-logs"
}
locals {
  audit_log_bucket_arn             = module.audit_log_bucket[0].this_bucket.arn
  audit_log_cloudtrail_destination = join("/", [local.audit_log_bucket_arn, trim("cloudtrail/", "/")])
  audit_log_config_destination     = join("/", [local.audit_log_bucket_arn, trim("config", "/")])
}
data "aws_iam_policy_document" "audit_log" {
  statement {
    sid     = "AWSCloudTrailAclCheck20150319"
    actions = ["s3:GetBucketAcl"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    resources = [module.audit_log_bucket[0].this_bucket.arn]
  }
  statement {
    sid     = "AWSCloudTrailWrite20150319"
    actions = ["s3:PutObject"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    resources = concat(
      ["${local.audit_log_cloudtrail_destination}/AWSLogs/${data.aws_caller_identity.current.account_id}/*"],
      var.is_master_account ? ["${local.audit_log_cloudtrail_destination}/AWSLogs/o-exampleorgid/*"] : []
    )
    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }
  }
  statement {
    sid     = "AWSConfigBucketPermissionsCheck"
    actions = ["s3:GetBucketAcl", "s3:ListBucket"]
    principals {
      type        = "Service"
      identifiers = ["config.amazonaws.com"]
    }
    resources = [module.audit_log_bucket[0].this_bucket.arn]
  }
  statement {
    sid     = "AWSConfigBucketDelivery"
    actions = ["s3:PutObject"]
    principals {
      type        = "Service"
      identifiers = ["config.amazonaws.com"]
    }
    resources = concat(["${local.audit_log_config_destination}/AWSLogs/${data.aws_caller_identity.current.account_id}/Config/*"], [])
    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }
  }
}
resource "aws_s3_bucket_policy" "audit_log" {
  bucket = module.audit_log_bucket[0].this_bucket.id
  policy = data.aws_iam_policy_document.audit_log.json
}
resource "aws_cloudtrail" "global" {
  name                       = "cloudtrail-multi-region"
  s3_bucket_name             = module.audit_log_bucket[0].this_bucket.id
  s3_key_prefix              = "CLOUDTRAIL_PREFIX"
  is_multi_region_trail      = true
  enable_log_file_validation = true
}
resource "aws_iam_role" "recorder" {
  name = "Config-Recorder"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "config.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
resource "aws_config_configuration_recorder" "eu" {
  provider = aws.eu-west-1
  name     = "default"
  role_arn = aws_iam_role.recorder.arn
}
resource "aws_config_delivery_channel" "eu" {
  provider       = aws.eu-west-1
  name           = "default"
  s3_bucket_name = module.audit_log_bucket[0].this_bucket.id
  s3_key_prefix  = "config"
}
'''

SB_TRAIL = "aws_cloudtrail.global"
SB_CHANNEL = "aws_config_delivery_channel.eu"


def secure_baseline_files(cloudtrail_prefix: str = "cloudtrail", eu_credentials: str = "") -> dict:
    return {"main.tf": SB_ROOT.replace("CLOUDTRAIL_PREFIX", cloudtrail_prefix).replace("EU_CREDENTIALS", eu_credentials),
            "modules/secure-bucket/main.tf": SB_BUCKET_MODULE}


def test_secure_baseline_idiom_delivers(tmp_path):
    """The bucket policy names the bucket through the module's whole-resource output, joined paths
    and concat(): both deliveries are read (not unknown) and pass."""
    check(tmp_path, secure_baseline_files(), "DLV-001", SB_TRAIL, "pass", "AWSCloudTrailWrite20150319",
          "acme-audit-logs/cloudtrail/AWSLogs/")
    check(tmp_path / "config", secure_baseline_files(), "DLV-003", SB_CHANNEL, "pass", "AWSConfigBucketDelivery")


def test_secure_baseline_idiom_wrong_prefix_fails(tmp_path):
    # the trail writes under "audit/", the policy grants "cloudtrail/" only
    check(tmp_path, secure_baseline_files(cloudtrail_prefix="audit"), "DLV-001", SB_TRAIL, "fail",
          "audit/AWSLogs/")


def test_secure_baseline_idiom_alias_with_other_credentials_is_not_a_pass(tmp_path):
    """An alias that assumes a role in an account it does not name may act in another account: the
    policy's account (the default provider's caller identity) may not be the channel's."""
    creds = 'assume_role {\n    role_arn = var.member_role_arn\n  }'
    files = secure_baseline_files(eu_credentials=creds)
    files["main.tf"] += 'variable "member_role_arn" {\n  type = string\n}\n'
    check(tmp_path, files, "DLV-003", SB_CHANNEL, "unknown", "<account>")


def _regional_config_plan(eu_assume_role: str | None = None) -> dict:
    """Plan form of the secure-baseline idiom: the caller identity is read with the default provider,
    the delivery channel is managed by a region alias (``provider "aws" { alias = "eu-west-1" }``)."""
    p = PlanBuilder()
    p.provider("aws", region="us-east-1")
    p.provider("aws.eu-west-1", region="eu-west-1", assume_role_arn=eu_assume_role)
    p.resource("data.aws_caller_identity.current", {"account_id": ACCOUNT})
    p.resource("aws_s3_bucket.config", {"bucket": "acme-config", "region": "us-east-1"}, unknown=["arn", "id"])
    policy = {"Statement": [
        {"Sid": "Check", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
         "Action": ["s3:GetBucketAcl", "s3:ListBucket"], "Resource": "arn:aws:s3:::acme-config"},
        {"Sid": "Deliver", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::acme-config/AWSLogs/{ACCOUNT}/Config/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}]}
    p.resource("aws_s3_bucket_policy.config", {"policy": json.dumps(policy)}, unknown=["bucket", "id"],
               refs={"bucket": ["aws_s3_bucket.config.id"]})
    p.resource("aws_config_delivery_channel.main", {"name": "default", "s3_bucket_name": "acme-config",
                                                     "region": "eu-west-1"}, unknown=["id"],
               refs={"s3_bucket_name": ["aws_s3_bucket.config.bucket"]}, provider="aws.eu-west-1")
    return p.build()


def test_dlv003_plan_region_alias_shares_the_default_providers_account():
    f = finding(lint_plan(_regional_config_plan(), rule="DLV-003"), "DLV-003", CHANNEL)
    assert f.status == "pass", f.message
    # an alias that assumes a role of another account acts there: the policy's account is not its own
    other = _regional_config_plan(eu_assume_role="arn:aws:iam::444455556666:role/audit")
    f = finding(lint_plan(other, rule="DLV-003"), "DLV-003", CHANNEL)
    assert f.status == "fail" and "444455556666" in f.message, f.message


def test_dlv001_source_arn_with_a_data_source_of_another_region_is_not_a_pass(tmp_path):
    """``data "aws_region" "x" { region = var.other }`` is that region, not the provider's: an
    aws:SourceArn built from it may name a trail elsewhere."""
    policy = TFAM_TRAIL_POLICY.replace('''      values   = ["bucket-owner-full-control"]
    }''', '''      values   = ["bucket-owner-full-control"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:cloudtrail:${data.aws_region.other.region}:${data.aws_caller_identity.current.account_id}:trail/main"]
    }''') + '''
variable "other_region" {
  type = string
}
data "aws_region" "other" {
  region = var.other_region
}
'''
    f = check(tmp_path, trail_files(policy), "DLV-001", TRAIL, "unknown")
    assert "aws:SourceArn" in f.message or "s3:PutObject" in f.message, f.message
    # the provider's own region (no region argument): the trail's region, a pass
    same = policy.replace("data.aws_region.other.region", "data.aws_region.current.region")
    check(tmp_path / "same", trail_files(same), "DLV-001", TRAIL, "pass")
