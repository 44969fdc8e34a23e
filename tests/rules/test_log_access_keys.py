"""ACC-006: the key policies of the CMKs that encrypt log stores, in HCL and plan form.

The idioms are those of widely used modules: nozaq/terraform-aws-secure-baseline's CloudTrail key
(the key policy of the AWS CloudTrail User Guide: "AWS": "*" may decrypt when kms:CallerAccount is
this account), and the default key policy ("Enable IAM User Permissions" for the account root)."""
from __future__ import annotations

import json

import pytest

from lint_rules.engine import ACCOUNT, all_rules, get_rule
from lint_rules.policy import Policy

from ..helpers import POLICY, lint_hcl, lint_plan, verdicts
from ..planbuilder import PlanBuilder

KEY = "aws_kms_key.logs"
ACCT = "111122223333"


def rule():
    return get_rule("ACC-006")


def test_metadata_and_registration():
    r = rule()
    assert r in all_rules() or r.id in {x.id for x in all_rules()}
    assert r.section == "Log Access" and r.clause == "Log access is restricted to:"
    for attr in ("title", "rationale", "fix", "example_fail", "example_pass"):
        assert getattr(r, attr)


def key_root(statements_hcl: str, extra: str = "") -> str:
    return f'''
data "aws_caller_identity" "current" {{}}

data "aws_iam_policy_document" "key" {{
  statement {{
    sid       = "Enable IAM User Permissions"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {{
      type        = "AWS"
      identifiers = ["arn:aws:iam::${{data.aws_caller_identity.current.account_id}}:root"]
    }}
  }}
{statements_hcl}
}}

resource "aws_kms_key" "logs" {{
  description         = "logs"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json
}}

resource "aws_cloudwatch_log_group" "app" {{
  name       = "/app/django/access"
  kms_key_id = aws_kms_key.logs.arn
}}
{extra}'''


PUBLIC_DECRYPT = '''
  statement {{
    sid       = "Allow principals in the account to decrypt log files"
    actions   = ["kms:Decrypt", "kms:ReEncryptFrom"]
    resources = ["*"]
    principals {{
      type        = "AWS"
      identifiers = ["*"]
    }}
{condition}  }}
'''
CALLER_ACCOUNT = '''    condition {{
      test     = "StringEquals"
      variable = "{variable}"
      values   = [{value}]
    }}
'''


@pytest.mark.parametrize("condition, literal_root, status", [
    # nozaq/secure-baseline's CloudTrail key: narrowed to this account through the caller identity
    (CALLER_ACCOUNT.format(variable="kms:CallerAccount", value="data.aws_caller_identity.current.account_id"),
     False, "pass"),
    (CALLER_ACCOUNT.format(variable="aws:PrincipalAccount", value=f'"{ACCT}"'), True, "pass"),  # the root's account
    (CALLER_ACCOUNT.format(variable="kms:CallerAccount", value='"999999999999"'), True, "fail"),  # another account
    # which account is this one?  (the root statement's account is known only after apply)
    (CALLER_ACCOUNT.format(variable="kms:CallerAccount", value='"999999999999"'), False, "unknown"),
    ("", False, "fail"),  # anyone may decrypt
    (CALLER_ACCOUNT.format(variable="kms:ViaService", value='"logs.us-east-1.amazonaws.com"'), False, "fail"),
    (CALLER_ACCOUNT.format(variable="kms:CallerAccount", value="var.account"), False, "unknown"),  # not known
])
def test_public_decrypt_needs_a_narrowing_condition_hcl(tmp_path, condition, literal_root, status):
    text = key_root(PUBLIC_DECRYPT.format(condition=condition), 'variable "account" {\n  type = string\n}\n')
    if literal_root:
        text = text.replace("${data.aws_caller_identity.current.account_id}", ACCT)
    report = lint_hcl(tmp_path, text, rule="ACC-006")
    assert verdicts(report) == {KEY: status}
    message = report.findings[0].message
    assert "log group aws_cloudwatch_log_group.app" in message
    if status == "fail":
        assert "Principal \"*\"" in message and "kms:Decrypt" in message


JSON_KEY = '''
data "aws_caller_identity" "current" {}
variable "account" {
  type = string
}
resource "aws_kms_key" "logs" {
  enable_key_rotation = true
  policy              = %s
}
resource "aws_cloudwatch_log_group" "app" {
  name       = "/app/django/access"
  kms_key_id = aws_kms_key.logs.arn
}
'''
JSONENCODE_POLICY = '''jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "root", Effect = "Allow", Action = "kms:*", Resource = "*",
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" } },
      { Sid = "decrypt", Effect = "Allow", Action = ["kms:Decrypt", "kms:ReEncryptFrom"], Resource = "*",
        Principal = { AWS = "*" }, Condition = { StringEquals = { "kms:CallerAccount" = VALUE } } },
    ]
  })'''
HEREDOC_POLICY = '''<<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "root", "Effect": "Allow", "Action": "kms:*", "Resource": "*",
     "Principal": {"AWS": "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"}},
    {"Sid": "decrypt", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:ReEncryptFrom"], "Resource": "*",
     "Principal": {"AWS": "*"}, "Condition": {"StringEquals": {"kms:CallerAccount": "VALUE"}}}
  ]
}
POLICY'''


@pytest.mark.parametrize("policy, value, status", [
    # this account, through the caller identity: a bare reference, a template, a heredoc's piece
    (JSONENCODE_POLICY, "data.aws_caller_identity.current.account_id", "pass"),
    (JSONENCODE_POLICY, '"${data.aws_caller_identity.current.account_id}"', "pass"),
    (HEREDOC_POLICY, "${data.aws_caller_identity.current.account_id}", "pass"),
    # a variable could be any account
    (JSONENCODE_POLICY, "var.account", "unknown"),
    (HEREDOC_POLICY, "${var.account}", "unknown"),
    # another account: which account is this one is known only after apply
    (JSONENCODE_POLICY, '"999999999999"', "unknown"),
    (HEREDOC_POLICY, "999999999999", "unknown"),
])
def test_caller_account_condition_in_json_policies_hcl(tmp_path, policy, value, status):
    """kms:CallerAccount = the account id of data.aws_caller_identity narrows "AWS": "*" to this account,
    however the policy is written (jsonencode, or JSON text in a heredoc with unknown pieces)."""
    report = lint_hcl(tmp_path, JSON_KEY % policy.replace("VALUE", value), rule="ACC-006")
    assert verdicts(report) == {KEY: status}


def test_heredoc_policy_without_a_narrowing_condition_fails(tmp_path):
    policy = HEREDOC_POLICY.replace(', "Condition": {"StringEquals": {"kms:CallerAccount": "VALUE"}}', "")
    report = lint_hcl(tmp_path, JSON_KEY % policy, rule="ACC-006")
    assert verdicts(report) == {KEY: "fail"}
    assert "Principal \"*\"" in report.findings[0].message


def test_default_key_policy_passes(tmp_path):
    text = '''
resource "aws_kms_key" "logs" {
  enable_key_rotation = true
}
resource "aws_cloudwatch_log_group" "app" {
  name       = "/app/django"
  kms_key_id = aws_kms_key.logs.arn
}
'''
    report = lint_hcl(tmp_path, text, rule="ACC-006")
    assert verdicts(report) == {KEY: "pass"}
    assert "default policy" in report.findings[0].message


def test_public_encrypt_only_is_fine_but_public_management_is_not(tmp_path):
    encrypt = '''
  statement {
    actions   = ["kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
'''
    assert verdicts(lint_hcl(tmp_path / "a", key_root(encrypt), rule="ACC-006")) == {KEY: "pass"}
    manage = encrypt.replace('["kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"]', '["kms:PutKeyPolicy"]')
    report = lint_hcl(tmp_path / "b", key_root(manage), rule="ACC-006")
    assert verdicts(report) == {KEY: "fail"}
    assert "manage the key" in report.findings[0].message


def test_not_principal_allow_fails(tmp_path):
    stmt = '''
  statement {
    actions   = ["kms:Decrypt"]
    resources = ["*"]
    not_principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:role/other"]
    }
  }
'''
    assert verdicts(lint_hcl(tmp_path, key_root(stmt), rule="ACC-006")) == {KEY: "fail"}


def test_service_principal_decrypt_is_fine(tmp_path):
    stmt = '''
  statement {
    sid       = "Allow CloudWatch Logs"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.us-east-1.amazonaws.com"]
    }
  }
'''
    assert verdicts(lint_hcl(tmp_path, key_root(stmt), rule="ACC-006")) == {KEY: "pass"}


def test_separate_key_policy_resource_counts(tmp_path):
    text = '''
resource "aws_kms_key" "logs" {
  enable_key_rotation = true
}
resource "aws_kms_key_policy" "logs" {
  key_id = aws_kms_key.logs.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Sid = "Open", Effect = "Allow", Principal = "*", Action = "kms:*", Resource = "*" }] })
}
resource "aws_cloudtrail" "t" {
  name           = "t"
  s3_bucket_name = "logs"
  kms_key_id     = aws_kms_key.logs.arn
}
'''
    report = lint_hcl(tmp_path, text, rule="ACC-006")
    assert verdicts(report) == {KEY: "fail"}
    assert "aws_kms_key_policy.logs" in report.findings[0].message
    assert "trail aws_cloudtrail.t" in report.findings[0].message


def test_key_outside_the_configuration_is_unknown(tmp_path):
    text = '''
resource "aws_cloudwatch_log_group" "app" {
  name       = "/app/django"
  kms_key_id = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}
'''
    assert verdicts(lint_hcl(tmp_path, text, rule="ACC-006")) == {"aws_cloudwatch_log_group.app": "unknown"}


def test_own_account_from_the_policy_file(tmp_path):
    stmt = PUBLIC_DECRYPT.format(condition=CALLER_ACCOUNT.format(variable="kms:CallerAccount",
                                                                 value='"444455556666"'))
    own = Policy({**POLICY.data, "own_account_ids": ["444455556666"]}, "<own>")
    text = key_root(stmt).replace("${data.aws_caller_identity.current.account_id}", ACCT)
    assert verdicts(lint_hcl(tmp_path / "a", text, rule="ACC-006")) == {KEY: "fail"}
    assert verdicts(lint_hcl(tmp_path / "b", text, rule="ACC-006", policy=own)) == {KEY: "pass"}


def test_no_key_protects_logs(tmp_path):
    report = lint_hcl(tmp_path, 'resource "aws_cloudwatch_log_group" "g" {\n  name = "x"\n}\n', rule="ACC-006")
    assert verdicts(report) == {ACCOUNT: "pass"}


# --- plan form ----------------------------------------------------------------------------------
def key_plan(statements: list[dict] | None, caller: str | None = ACCT) -> dict:
    p = PlanBuilder()
    if caller:
        p.resource("data.aws_caller_identity.current", {"account_id": caller, "id": caller})
    values = {"enable_key_rotation": True}
    if statements is not None:
        values["policy"] = json.dumps({"Version": "2012-10-17", "Statement": statements})
    p.resource(KEY, values, unknown=["arn", "id", "key_id"])
    p.resource("aws_s3_bucket.trail", {"bucket": "acme-trail"}, unknown=["arn", "id"])
    p.resource("aws_cloudtrail.t", {"name": "t"}, unknown=["kms_key_id", "s3_bucket_name"],
               refs={"kms_key_id": [f"{KEY}.arn"], "s3_bucket_name": ["aws_s3_bucket.trail.id"]})
    return p.build()


ROOT = {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"}, "Action": "kms:*", "Resource": "*"}


def decrypt(condition=None) -> dict:
    stmt = {"Sid": "Decrypt", "Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": ["kms:Decrypt", "kms:ReEncryptFrom"], "Resource": "*"}
    if condition:
        stmt["Condition"] = condition
    return stmt


@pytest.mark.parametrize("statements, status", [
    ([ROOT, decrypt({"StringEquals": {"kms:CallerAccount": ACCT}})], "pass"),
    ([ROOT, decrypt({"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}})], "unknown"),  # whose org?
    ([ROOT, decrypt({"StringEquals": {"kms:CallerAccount": "999999999999"}})], "fail"),
    ([ROOT, decrypt()], "fail"),
    ([ROOT], "pass"),
    (None, "pass"),
])
def test_plan_key_policies(statements, status):
    assert verdicts(lint_plan(key_plan(statements), rule="ACC-006")) == {KEY: status}


def test_plan_own_organization_from_the_policy_file():
    statements = [ROOT, decrypt({"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}})]
    own = Policy({**POLICY.data, "own_organization_ids": ["o-abcdefghij"]}, "<own org>")
    assert verdicts(lint_plan(key_plan(statements), rule="ACC-006", policy=own)) == {KEY: "pass"}


def test_plan_key_policy_not_known_is_unknown():
    p = PlanBuilder()
    p.resource(KEY, {"enable_key_rotation": True}, unknown=["arn", "policy"],
               refs={"policy": ["data.aws_iam_policy_document.key.json"]})
    p.resource("aws_cloudwatch_log_group.g", {"name": "g"}, unknown=["kms_key_id"],
               refs={"kms_key_id": [f"{KEY}.arn"]})
    assert verdicts(lint_plan(p.build(), rule="ACC-006")) == {KEY: "unknown"}


def test_plan_key_without_policy_is_the_default_policy():
    """aws_kms_key.policy is optional and computed: terraform plans it unknown when it is not set."""
    p = PlanBuilder()
    p.resource(KEY, {"enable_key_rotation": True}, unknown=["arn", "policy"])
    p.resource("aws_cloudwatch_log_group.g", {"name": "g"}, unknown=["kms_key_id"],
               refs={"kms_key_id": [f"{KEY}.arn"]})
    report = lint_plan(p.build(), rule="ACC-006")
    assert verdicts(report) == {KEY: "pass"}
    assert "default policy" in report.findings[0].message
