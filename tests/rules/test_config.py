"""AWS Config rules (CFG-001 .. CFG-003), in HCL and plan form."""
from __future__ import annotations

import pytest

from lint_rules.engine import ACCOUNT

from ..helpers import lint_hcl, lint_plan, verdicts
from ..planbuilder import PlanBuilder

REC = "aws_config_configuration_recorder.r"


def recorder(group: str | None = "all_supported = true\n    include_global_resource_types = true",
             name: str = "main") -> str:
    block = f"\n  recording_group {{\n    {group}\n  }}" if group is not None else ""
    return f'''
resource "aws_config_configuration_recorder" "r" {{
  name     = "{name}"
  role_arn = "arn:aws:iam::111122223333:role/config"{block}
}}
'''


STATUS = '''
resource "aws_config_configuration_recorder_status" "r" {
  name       = aws_config_configuration_recorder.r.name
  is_enabled = %s
}
'''
CHANNEL = '''
resource "aws_config_delivery_channel" "c" {
  name           = "main"
  s3_bucket_name = "acme-config"
}
'''


@pytest.mark.parametrize("group,status", [
    ("all_supported = true\n    include_global_resource_types = true", "pass"),
    ("include_global_resource_types = true", "pass"),  # all_supported defaults to true
    ("all_supported = true", "fail"),  # global types default to false
    ("all_supported = true\n    include_global_resource_types = false", "fail"),
    ('all_supported = false\n    include_global_resource_types = true\n    resource_types = ["AWS::S3::Bucket"]',
     "fail"),
    (None, "fail"),
])
def test_recording_group(tmp_path, group, status):
    report = lint_hcl(tmp_path, recorder(group), rule="CFG-001")
    assert verdicts(report) == {REC: status}
    if status == "fail":
        assert "recording_group" in report.findings[0].message


def test_no_recorder_is_an_account_failure(tmp_path):
    files = {"main.tf": CHANNEL}
    assert verdicts(lint_hcl(tmp_path, files, rule="CFG-001")) == {ACCOUNT: "fail"}
    assert verdicts(lint_hcl(tmp_path, files, rule="CFG-002")) == {ACCOUNT: "fail"}


@pytest.mark.parametrize("enabled,status", [("true", "pass"), ("false", "fail")])
def test_recorder_status(tmp_path, enabled, status):
    files = {"main.tf": recorder() + STATUS % enabled}
    assert verdicts(lint_hcl(tmp_path, files, rule="CFG-002")) == {REC: status}


def test_recorder_without_status_fails(tmp_path):
    assert verdicts(lint_hcl(tmp_path, {"main.tf": recorder()}, rule="CFG-002")) == {REC: "fail"}


def test_status_by_literal_name(tmp_path):
    files = {"main.tf": recorder() + STATUS.replace("aws_config_configuration_recorder.r.name", '"main"') % "true"}
    assert verdicts(lint_hcl(tmp_path, files, rule="CFG-002")) == {REC: "pass"}


def test_status_for_another_recorder_does_not_count(tmp_path):
    files = {"main.tf": recorder() + STATUS.replace("aws_config_configuration_recorder.r.name", '"other"') % "true"}
    assert verdicts(lint_hcl(tmp_path, files, rule="CFG-002")) == {REC: "fail"}


def test_delivery_channel(tmp_path):
    assert verdicts(lint_hcl(tmp_path, {"main.tf": CHANNEL}, rule="CFG-003")) == {"aws_config_delivery_channel.c": "pass"}
    assert verdicts(lint_hcl(tmp_path / "none", {"main.tf": recorder()}, rule="CFG-003")) == {ACCOUNT: "fail"}


def config_plan(group=None, enabled=True, channel=True):
    p = PlanBuilder()
    values = {"name": "main", "role_arn": "arn:aws:iam::111122223333:role/config"}
    if group is not None:
        values["recording_group"] = [dict({"exclusion_by_resource_types": [], "recording_strategy": [],
                                           "resource_types": []}, **group)]
    else:
        values["recording_group"] = []
    p.resource(REC, values, unknown=["id"])
    p.resource("aws_config_configuration_recorder_status.r", {"is_enabled": enabled}, unknown=["name"],
               refs={"name": ["aws_config_configuration_recorder.r.name"]})
    if channel:
        p.resource("aws_config_delivery_channel.c", {"name": "main", "s3_bucket_name": "acme-config"})
    return p.build()


def test_plan_config():
    good = config_plan({"all_supported": True, "include_global_resource_types": True})
    assert verdicts(lint_plan(good, rule="CFG-001")) == {REC: "pass"}
    assert verdicts(lint_plan(good, rule="CFG-002")) == {REC: "pass"}
    assert verdicts(lint_plan(good, rule="CFG-003")) == {"aws_config_delivery_channel.c": "pass"}
    assert verdicts(lint_plan(config_plan({"all_supported": True, "include_global_resource_types": False}),
                              rule="CFG-001")) == {REC: "fail"}
    assert verdicts(lint_plan(config_plan(None), rule="CFG-001")) == {REC: "fail"}
    assert verdicts(lint_plan(config_plan({"all_supported": True, "include_global_resource_types": True},
                                          enabled=False), rule="CFG-002")) == {REC: "fail"}
    assert verdicts(lint_plan(config_plan(channel=False), rule="CFG-003")) == {ACCOUNT: "fail"}
