"""The shared CMK check behind CT-005 and the ENC rules."""
from __future__ import annotations

import pytest

from lint_rules.policy import Policy

from ..helpers import POLICY, lint_hcl, lint_plan, verdicts
from ..planbuilder import PlanBuilder

GROUP = "aws_cloudwatch_log_group.app"
ROTATION_REQUIRED = Policy({**POLICY.data, "kms": {"require_key_rotation": True}}, "<rotation required>")


def hcl(key_body: str) -> str:
    return f'''
resource "aws_kms_key" "logs" {{
{key_body}
}}
resource "aws_cloudwatch_log_group" "app" {{
  name       = "/app/django/access"
  kms_key_id = aws_kms_key.logs.arn
}}
'''


@pytest.mark.parametrize("key_body, default, rotation_required", [
    ("  enable_key_rotation = true", "pass", "pass"),
    ("  enable_key_rotation = true\n  is_enabled          = true", "pass", "pass"),
    ("  enable_key_rotation = true\n  is_enabled          = false", "fail", "fail"),
    # the policy asks for a KMS CMK, not rotation: kms.require_key_rotation makes it a requirement
    ("  enable_key_rotation = false", "pass", "fail"),
    ("", "pass", "fail"),
    ('  enable_key_rotation      = true\n  customer_master_key_spec = "RSA_2048"', "fail", "fail"),
])
def test_cmk_rotation_enabled_and_symmetric_hcl(tmp_path, key_body, default, rotation_required):
    report = lint_hcl(tmp_path, hcl(key_body), rule="ENC-001")
    assert verdicts(report) == {GROUP: default}
    if default == "pass" and "false" in key_body or not key_body:
        assert "which the policy does not require" in report.findings[0].message
    assert verdicts(lint_hcl(tmp_path, hcl(key_body), rule="ENC-001", policy=ROTATION_REQUIRED)) == {
        GROUP: rotation_required}


@pytest.mark.parametrize("rotation, default, rotation_required", [
    (True, "pass", "pass"), (False, "pass", "fail"), (None, "pass", "fail")])
def test_cmk_rotation_plan(rotation, default, rotation_required):
    p = PlanBuilder()
    p.resource("aws_kms_key.logs", {"enable_key_rotation": rotation}, unknown=["arn", "id"])
    p.resource(GROUP, {"name": "/app/django/access"}, unknown=["kms_key_id", "arn"],
               refs={"kms_key_id": ["aws_kms_key.logs.arn"]})
    assert verdicts(lint_plan(p.build(), rule="ENC-001")) == {GROUP: default}
    assert verdicts(lint_plan(p.build(), rule="ENC-001", policy=ROTATION_REQUIRED)) == {GROUP: rotation_required}


@pytest.mark.parametrize("is_enabled, status", [(True, "pass"), (False, "fail")])
def test_cmk_is_enabled_plan(is_enabled, status):
    p = PlanBuilder()
    p.resource("aws_kms_key.logs", {"enable_key_rotation": True, "is_enabled": is_enabled}, unknown=["arn", "id"])
    p.resource(GROUP, {"name": "/app/django/access"}, unknown=["kms_key_id", "arn"],
               refs={"kms_key_id": ["aws_kms_key.logs.arn"]})
    assert verdicts(lint_plan(p.build(), rule="ENC-001")) == {GROUP: status}


def test_known_aws_managed_alias_fails_even_when_the_expression_mentions_a_cmk(tmp_path):
    text = hcl("  enable_key_rotation = true").replace(
        "kms_key_id = aws_kms_key.logs.arn",
        'kms_key_id = local.keys["managed"]') + '''
locals {
  keys = { cmk = aws_kms_key.logs.arn, managed = "alias/aws/logs" }
}
'''
    assert verdicts(lint_hcl(tmp_path, text, rule="ENC-001")) == {GROUP: "fail"}
