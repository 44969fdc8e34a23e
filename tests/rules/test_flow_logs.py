"""VPC Flow Logs rules (FL-001 .. FL-004), in HCL and plan form."""
from __future__ import annotations

import pytest

from lint_rules.engine import ACCOUNT
from lint_rules.rules.flow_logs import DEFAULT_FORMAT

from ..helpers import lint_hcl, lint_plan, verdicts
from ..planbuilder import PlanBuilder

FLOW = "aws_flow_log.x"
VPC = '''
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_cloudwatch_log_group" "fl" {
  name              = "/vpc/flow"
  retention_in_days = 365
}
resource "aws_iam_role" "fl" {
  name               = "flow-logs"
  assume_role_policy = "{}"
}
'''


def flow(**attrs) -> str:
    base = {
        "vpc_id": "aws_vpc.main.id",
        "traffic_type": '"ALL"',
        "log_destination": "aws_cloudwatch_log_group.fl.arn",
        "iam_role_arn": "aws_iam_role.fl.arn",
    }
    base.update(attrs)
    body = "\n".join(f"  {k} = {v}" for k, v in base.items() if v is not None)
    return f'resource "aws_flow_log" "x" {{\n{body}\n}}\n'


def hcl(*blocks: str) -> dict:
    return {"main.tf": VPC + "".join(blocks)}


# --- FL-001 every VPC has a flow log ---------------------------------------------------------
def test_vpc_with_flow_log_passes(tmp_path):
    assert verdicts(lint_hcl(tmp_path, hcl(flow()), rule="FL-001")) == {"aws_vpc.main": "pass"}


def test_vpc_without_flow_log_fails(tmp_path):
    files = hcl(flow(), 'resource "aws_vpc" "other" {\n cidr_block = "10.1.0.0/16"\n}\n')
    assert verdicts(lint_hcl(tmp_path, files, rule="FL-001")) == {"aws_vpc.main": "pass", "aws_vpc.other": "fail"}


def test_subnet_flow_log_does_not_cover_the_vpc(tmp_path):
    files = hcl(flow(vpc_id=None, subnet_id='"subnet-0123"'))
    assert verdicts(lint_hcl(tmp_path, files, rule="FL-001")) == {"aws_vpc.main": "fail"}


def test_no_vpc_and_no_flow_log_is_unknown(tmp_path):
    report = lint_hcl(tmp_path, {"main.tf": 'resource "aws_s3_bucket" "b" {\n bucket = "x"\n}\n'}, rule="FL-001")
    assert verdicts(report) == {ACCOUNT: "unknown"}


def test_flow_log_for_a_vpc_outside_the_configuration(tmp_path):
    files = {"main.tf": flow(vpc_id='"vpc-0123"', log_destination='"arn:aws:logs:us-east-1:1:log-group:x"',
                             iam_role_arn='"arn:aws:iam::1:role/r"')}
    assert verdicts(lint_hcl(tmp_path, files, rule="FL-001")) == {FLOW: "pass"}


def test_data_source_vpc_without_flow_log_is_unknown(tmp_path):
    files = {"main.tf": 'data "aws_vpc" "default" {\n default = true\n}\n'}
    assert verdicts(lint_hcl(tmp_path, files, rule="FL-001")) == {"data.aws_vpc.default": "unknown"}


def test_flow_log_in_a_module_receiving_the_vpc_id(tmp_path):
    files = {
        "main.tf": VPC + '''
module "flow" {
  source    = "./modules/flow"
  vpc_id    = aws_vpc.main.id
  log_group = aws_cloudwatch_log_group.fl.arn
  role_arn  = aws_iam_role.fl.arn
}
''',
        "modules/flow/main.tf": '''
variable "vpc_id" {}
variable "log_group" {}
variable "role_arn" {}
resource "aws_flow_log" "this" {
  vpc_id          = var.vpc_id
  traffic_type    = "ALL"
  log_destination = var.log_group
  iam_role_arn    = var.role_arn
}
''',
    }
    report = lint_hcl(tmp_path, files, rule="FL-001")
    assert verdicts(report) == {"aws_vpc.main": "pass"}
    assert "module.flow.aws_flow_log.this" in report.findings[0].message


def plan(flow_values: dict, *, vpcs=("main",), flow_refs=None, unknown=("log_format",)):
    p = PlanBuilder()
    for v in vpcs:
        p.resource(f"aws_vpc.{v}", {"cidr_block": "10.0.0.0/16"}, unknown=["id", "arn"])
    p.resource("aws_cloudwatch_log_group.fl", {"name": "/vpc/flow", "retention_in_days": 365}, unknown=["arn"])
    p.resource("aws_iam_role.fl", {"name": "fl"}, unknown=["arn"])
    refs = {"vpc_id": ["aws_vpc.main.id"], "log_destination": ["aws_cloudwatch_log_group.fl.arn"],
            "iam_role_arn": ["aws_iam_role.fl.arn"]}
    refs.update(flow_refs or {})
    refs = {k: v for k, v in refs.items() if v}
    p.resource(FLOW, dict({"traffic_type": "ALL", "log_destination_type": "cloud-watch-logs"}, **flow_values),
               unknown=[k for k in refs if k not in flow_values] + list(unknown), refs=refs)
    return p.build()


def test_plan_vpc_coverage():
    assert verdicts(lint_plan(plan({}), rule="FL-001")) == {"aws_vpc.main": "pass"}
    assert verdicts(lint_plan(plan({}, vpcs=("main", "other")), rule="FL-001")) == {
        "aws_vpc.main": "pass", "aws_vpc.other": "fail"}


# --- FL-002 traffic type ALL --------------------------------------------------------------------
@pytest.mark.parametrize("value,status", [('"ALL"', "pass"), ('"REJECT"', "fail"), ('"ACCEPT"', "fail"),
                                          (None, "fail")])
def test_traffic_type(tmp_path, value, status):
    report = lint_hcl(tmp_path, hcl(flow(traffic_type=value)), rule="FL-002")
    assert verdicts(report) == {FLOW: status}
    if status == "fail":
        assert "traffic_type" in report.findings[0].message


def test_plan_traffic_type():
    assert verdicts(lint_plan(plan({"traffic_type": "REJECT"}), rule="FL-002")) == {FLOW: "fail"}
    assert verdicts(lint_plan(plan({"traffic_type": "ALL"}), rule="FL-002")) == {FLOW: "pass"}


def test_additional_flow_log_next_to_a_compliant_one_passes(tmp_path):
    extra = flow(traffic_type='"REJECT"').replace('"x"', '"extra"')
    report = lint_hcl(tmp_path, hcl(flow(), extra), rule="FL-002")
    assert verdicts(report) == {FLOW: "pass", "aws_flow_log.extra": "pass"}
    assert "accepted as an additional copy: aws_flow_log.x already logs this VPC" in [f for f in report.findings if f.resource == "aws_flow_log.extra"][0].message


# --- FL-003 default format ----------------------------------------------------------------------
def test_default_format_unset_passes(tmp_path):
    assert verdicts(lint_hcl(tmp_path, hcl(flow()), rule="FL-003")) == {FLOW: "pass"}


def test_default_format_written_out_passes(tmp_path):
    written = '"' + DEFAULT_FORMAT.replace("${", "$${") + '"'
    assert verdicts(lint_hcl(tmp_path, hcl(flow(log_format=written)), rule="FL-003")) == {FLOW: "pass"}


def test_custom_format_fails(tmp_path):
    report = lint_hcl(tmp_path, hcl(flow(log_format='"$${srcaddr} $${dstaddr} $${action}"')), rule="FL-003")
    assert verdicts(report) == {FLOW: "fail"}
    assert "log_format" in report.findings[0].message


def test_plan_log_format():
    # terraform leaves log_format "known after apply" when the configuration does not set it
    assert verdicts(lint_plan(plan({}), rule="FL-003")) == {FLOW: "pass"}
    assert verdicts(lint_plan(plan({"log_format": "${srcaddr} ${dstaddr}"}, unknown=()), rule="FL-003")) == {
        FLOW: "fail"}
    assert verdicts(lint_plan(plan({"log_format": DEFAULT_FORMAT}, unknown=()), rule="FL-003")) == {FLOW: "pass"}
    assert verdicts(lint_plan(plan({}, flow_refs={"log_format": ["aws_ssm_parameter.fmt.value"]}),
                              rule="FL-003")) == {FLOW: "unknown"}
    # without a configuration section nothing says log_format was left unset
    doc = plan({})
    del doc["configuration"]
    assert verdicts(lint_plan(doc, rule="FL-003")) == {FLOW: "unknown"}


# --- FL-004 published to CloudWatch Logs --------------------------------------------------------
@pytest.mark.parametrize("attrs,status", [
    ({}, "pass"),
    ({"log_destination_type": '"cloud-watch-logs"'}, "pass"),
    ({"log_destination_type": '"s3"', "log_destination": '"arn:aws:s3:::acme-flow"', "iam_role_arn": None}, "fail"),
    ({"iam_role_arn": None}, "fail"),
    ({"log_destination": None}, "fail"),
])
def test_cloudwatch_destination(tmp_path, attrs, status):
    assert verdicts(lint_hcl(tmp_path, hcl(flow(**attrs)), rule="FL-004")) == {FLOW: status}


def test_plan_cloudwatch_destination():
    assert verdicts(lint_plan(plan({}), rule="FL-004")) == {FLOW: "pass"}
    assert verdicts(lint_plan(plan({"log_destination_type": "s3", "log_destination": "arn:aws:s3:::b"},
                                   flow_refs={"log_destination": None}), rule="FL-004")) == {FLOW: "fail"}
    assert verdicts(lint_plan(plan({"iam_role_arn": None}, flow_refs={"iam_role_arn": None}),
                              rule="FL-004")) == {FLOW: "fail"}


def test_for_each_over_a_filtered_map_of_vpcs_covers_only_those_vpcs(tmp_path):
    text = '''
resource "aws_vpc" "this" {
  for_each   = { web = "10.0.0.0/16", data = "10.1.0.0/16", batch = "10.2.0.0/16" }
  cidr_block = each.value
}
resource "aws_flow_log" "this" {
  for_each        = { for k, v in aws_vpc.this : k => v if k != "batch" }
  vpc_id          = each.value.id
  traffic_type    = "ALL"
  log_destination = "arn:aws:logs:us-east-1:111122223333:log-group:/vpc"
  iam_role_arn    = "arn:aws:iam::111122223333:role/flow"
}
'''
    assert verdicts(lint_hcl(tmp_path, {"main.tf": text}, rule="FL-001")) == {
        'aws_vpc.this["web"]': "pass", 'aws_vpc.this["data"]': "pass", 'aws_vpc.this["batch"]': "fail"}
