"""AWS Config rules (CFG-001 .. CFG-003), in HCL and plan form."""
from __future__ import annotations

import pytest

from lint_rules.engine import ACCOUNT
from lint_rules.policy import Policy

from ..helpers import POLICY, lint_hcl, lint_plan, verdicts
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


# --- global resource types are recorded once per account (false alarm removed) ------------------------
def regional_recorders(home_global: str, other_global: str) -> str:
    """The AWS-recommended multi-region idiom (nozaq/secure-baseline's config-baseline per region):
    every region records all supported types, only the home region the global ones."""
    out = '''
provider "aws" {
  alias  = "us_west_2"
  region = "us-west-2"
}
'''
    for label, provider, glob in (("home", "", home_global), ("west", "  provider = aws.us_west_2\n", other_global)):
        out += f'''
resource "aws_config_configuration_recorder" "{label}" {{
{provider}  name     = "default"
  role_arn = "arn:aws:iam::111122223333:role/config"
  recording_group {{
    all_supported                 = true
    include_global_resource_types = {glob}
  }}
}}
'''
    return out


GLOBAL_EVERY_RECORDER = Policy({**POLICY.data, "config": {"global_resource_types": "every_recorder"}}, "<every>")


@pytest.mark.parametrize("home, other, expected", [
    ("true", "false", {"aws_config_configuration_recorder.home": "pass", "aws_config_configuration_recorder.west": "pass"}),
    ("true", "true", {"aws_config_configuration_recorder.home": "pass", "aws_config_configuration_recorder.west": "pass"}),
    ("false", "false", {"aws_config_configuration_recorder.home": "fail", "aws_config_configuration_recorder.west": "fail"}),
])
def test_global_types_once_per_account_hcl(tmp_path, home, other, expected):
    report = lint_hcl(tmp_path, regional_recorders(home, other), rule="CFG-001")
    assert verdicts(report) == expected
    if expected["aws_config_configuration_recorder.west"] == "pass" and other == "false":
        message = next(f.message for f in report.findings if f.resource.endswith(".west"))
        assert "recorded once for the account, by aws_config_configuration_recorder.home" in message


def test_global_types_every_recorder_when_the_policy_says_so(tmp_path):
    report = lint_hcl(tmp_path, regional_recorders("true", "false"), rule="CFG-001", policy=GLOBAL_EVERY_RECORDER)
    assert verdicts(report) == {"aws_config_configuration_recorder.home": "pass",
                                "aws_config_configuration_recorder.west": "fail"}


def test_global_types_once_per_account_plan():
    p = PlanBuilder()
    p.provider("aws", region="us-east-1", allowed_account_ids=["111111111111"])
    p.provider("aws.west", region="us-west-2")
    p.provider("aws.nhc", region="us-east-1", allowed_account_ids=["222222222222"], profile="nhc")
    for label, provider, glob in (("home", "aws", True), ("west", "aws.west", False), ("nhc", "aws.nhc", False)):
        p.resource(f"aws_config_configuration_recorder.{label}", {"name": "default", "recording_group": [
            {"all_supported": True, "include_global_resource_types": glob}]}, provider=provider)
    got = lint_plan(p.build(), rule="CFG-001")
    # the us-west-2 recorder shares the home account's global types; the NHC account has none
    assert verdicts(got) == {"aws_config_configuration_recorder.home": "pass", "aws_config_configuration_recorder.west": "pass",
                             "aws_config_configuration_recorder.nhc": "fail"}
    assert {f.resource: f.account for f in got.findings}["aws_config_configuration_recorder.nhc"] == "222222222222"


# --- a recorder explicitly stopped is not rescued by another status of the same name (item 11) -------
TWO_STATUSES = '''
resource "aws_config_configuration_recorder_status" "stopped" {
  name       = aws_config_configuration_recorder.r.name
  is_enabled = false
}
resource "aws_config_configuration_recorder_status" "by_name" {
  name       = "main"
  is_enabled = true
}
'''


def test_stopped_recorder_not_rescued_by_name_hcl(tmp_path):
    report = lint_hcl(tmp_path, recorder() + TWO_STATUSES, rule="CFG-002")
    assert verdicts(report) == {REC: "fail"}
    assert "aws_config_configuration_recorder_status.stopped is_enabled = false" in report.findings[0].message


def test_status_by_name_still_counts_when_none_refers(tmp_path):
    by_name_only = TWO_STATUSES.split('resource "aws_config_configuration_recorder_status" "by_name"')[1]
    text = recorder() + 'resource "aws_config_configuration_recorder_status" "by_name"' + by_name_only
    assert verdicts(lint_hcl(tmp_path, text, rule="CFG-002")) == {REC: "pass"}


def test_stopped_recorder_not_rescued_by_name_plan():
    p = PlanBuilder()
    p.resource(REC, {"name": "main", "recording_group": [{"all_supported": True, "include_global_resource_types": True}]})
    p.resource("aws_config_configuration_recorder_status.stopped", {"is_enabled": False}, unknown=["name"],
               refs={"name": [f"{REC}.name"]})
    p.resource("aws_config_configuration_recorder_status.by_name", {"name": "main", "is_enabled": True})
    assert verdicts(lint_plan(p.build(), rule="CFG-002")) == {REC: "fail"}


def test_status_of_another_account_does_not_start_the_recorder_plan():
    p = PlanBuilder()
    p.provider("aws.nhc", allowed_account_ids=["222222222222"], profile="nhc")
    p.resource(REC, {"name": "default"})
    p.resource("aws_config_configuration_recorder_status.nhc", {"name": "default", "is_enabled": True}, provider="aws.nhc")
    p.resource("aws_config_configuration_recorder.nhc", {"name": "default"}, provider="aws.nhc")
    got = verdicts(lint_plan(p.build(), rule="CFG-002"))
    assert got == {REC: "fail", "aws_config_configuration_recorder.nhc": "pass"}
