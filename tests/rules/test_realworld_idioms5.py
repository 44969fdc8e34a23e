"""Regressions found by the fifth sweep of public AWS Terraform (plus3it/terraform-aws-tardigrade-vpc-flow-log's
``coalesce()`` / ``format("%v", ...)`` names, ...).

Each fixture is a minimal configuration written here that reproduces the idiom (never the third-party
file itself).
"""
from __future__ import annotations

import json

from ..helpers import finding, lint_hcl, lint_plan, verdicts
from ..planbuilder import PlanBuilder

PROVIDER = '''
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111111111111"]
}
'''

# =============================================================================
# A name made with coalesce() and format("%v", ...) (plus3it/terraform-aws-tardigrade-vpc-flow-log:
# `source_id = coalesce(var.flow_log.eni_id, ..., var.flow_log.vpc_id)`, the log group
# "/aws/vendedlogs/flow-log/${format("%v", local.source_id)}" and the role's policy on the same text).
# terraform picks the first argument that is not null and not "": a VPC id, known after apply but
# never empty.  The log group's name and the policy's Resource were "not known" (DLV-004 UNKNOWN): the
# partial reader knew neither coalesce() nor %v, nor `var.obj.vpc_id` of an object argument.
# =============================================================================
FLOW_LOG_MODULE = '''
variable "flow_log" {
  type = object({
    vpc_id = optional(string)
    eni_id = optional(string)
    subnet_id = optional(string)
  })
}
locals {
  source_id      = coalesce(var.flow_log.eni_id, var.flow_log.subnet_id, var.flow_log.vpc_id)
  log_group_name = "/aws/vendedlogs/flow-log/${format("%v", local.source_id)}"
}
resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = 400
}
resource "aws_iam_role" "cloudwatch" {
  name = "flow-log-cloudwatch-${format("%v", local.source_id)}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
                   Principal = { Service = "vpc-flow-logs.amazonaws.com" } }]
  })
}
resource "aws_iam_role_policy" "cloudwatch" {
  role = aws_iam_role.cloudwatch.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
      Resource = ["arn:aws:logs:*:*:log-group:GRANTED", "arn:aws:logs:*:*:log-group:GRANTED:*"]
    }]
  })
}
resource "aws_flow_log" "this" {
  vpc_id               = var.flow_log.vpc_id
  traffic_type         = "ALL"
  iam_role_arn         = aws_iam_role.cloudwatch.arn
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.this.arn
}
'''
FLOW_LOG_ROOT = PROVIDER + '''
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_vpc" "other" {
  cidr_block = "10.1.0.0/16"
}
module "flow_log" {
  source   = "./flow"
  flow_log = { vpc_id = aws_vpc.main.id }
}
'''


def _flow_log(tmp_path, granted: str, root: str = FLOW_LOG_ROOT):
    files = {"main.tf": root, "flow/main.tf": FLOW_LOG_MODULE.replace("GRANTED", granted)}
    return lint_hcl(tmp_path, files, rule="DLV-004")


def test_coalesce_and_format_v_name_the_same_log_group(tmp_path):
    report = _flow_log(tmp_path, '/aws/vendedlogs/flow-log/${format("%v", local.source_id)}')
    assert verdicts(report) == {"module.flow_log.aws_flow_log.this": "pass"}, [f.message for f in report.findings]


def test_coalesce_format_s_and_plain_reference_name_the_same_log_group(tmp_path):
    # the policy names the group through %s of the coalesce() pick and a plain reference: the same text
    report = _flow_log(tmp_path, '${format("/aws/vendedlogs/flow-log/%s", coalesce(var.flow_log.vpc_id))}')
    assert verdicts(report) == {"module.flow_log.aws_flow_log.this": "pass"}, [f.message for f in report.findings]


def test_policy_on_another_log_group_fails(tmp_path):
    report = _flow_log(tmp_path, '/aws/flowlogs/${format("%v", local.source_id)}')
    assert verdicts(report) == {"module.flow_log.aws_flow_log.this": "fail"}, [f.message for f in report.findings]


def test_policy_on_a_literal_that_may_be_the_vpc_id_stays_unknown(tmp_path):
    # the VPC id is not known: "vpc-0000" may be it
    report = _flow_log(tmp_path, '/aws/vendedlogs/flow-log/${format("%v", "vpc-0000")}')
    assert verdicts(report) == {"module.flow_log.aws_flow_log.this": "unknown"}, [f.message for f in report.findings]


def test_coalesce_whose_first_argument_may_be_null_stays_unknown(tmp_path):
    # terraform: the pick is not known until the first argument is; neither is the group's name
    root = FLOW_LOG_ROOT.replace("flow_log = { vpc_id = aws_vpc.main.id }",
                                 "flow_log = { vpc_id = aws_vpc.main.id, eni_id = var.eni }") + \
        'variable "eni" {\n  type = string\n}\n'
    report = _flow_log(tmp_path, '/aws/vendedlogs/flow-log/${aws_vpc.main.id}', root)
    assert verdicts(report) == {"module.flow_log.aws_flow_log.this": "unknown"}, [f.message for f in report.findings]


def test_coalesce_of_a_resource_attribute_that_may_be_empty_stays_unknown(tmp_path):
    # a managed resource's non-identity attribute may be "" once known: coalesce() may pass it over
    root = FLOW_LOG_ROOT.replace("flow_log = { vpc_id = aws_vpc.main.id }",
                                 "flow_log = { vpc_id = aws_vpc.main.id, eni_id = aws_vpc.main.ipv6_cidr_block }")
    report = _flow_log(tmp_path, '/aws/vendedlogs/flow-log/${aws_vpc.main.id}', root)
    assert verdicts(report) == {"module.flow_log.aws_flow_log.this": "unknown"}, [f.message for f in report.findings]


def test_partial_forms_of_coalesce_and_format_v(tmp_path):
    from lint_rules.loaders.hcl import load_hcl_dir
    from lint_rules.model import Hole, PartialString
    (tmp_path / "main.tf").write_text('''
variable "name" {
  type    = string
  default = null
}
resource "aws_s3_bucket" "b" {
  bucket_prefix = "logs-"
}
resource "aws_s3_bucket_versioning" "v" {
  bucket = coalesce(var.name, aws_s3_bucket.b.id)
  versioning_configuration {
    status = "Enabled"
  }
}
resource "aws_cloudwatch_log_group" "g" {
  name = "/aws/x/${format("%v", aws_s3_bucket.b.bucket)}"
}
resource "aws_cloudwatch_log_group" "h" {
  name = format("%d-%v", 1, aws_s3_bucket.b.bucket)
}
''')
    model = load_hcl_dir(tmp_path)
    hole = Hole(("aws_s3_bucket.b.id",))
    assert model.partial_value(model.get("aws_s3_bucket_versioning.v"), "bucket") == PartialString((hole,))
    assert model.partial_value(model.get("aws_cloudwatch_log_group.g"), "name") == \
        PartialString(("/aws/x/", Hole(("aws_s3_bucket.b.bucket",))))
    # a verb other than %s / %v: not read (the text may not be what the hole says)
    assert not isinstance(model.partial_value(model.get("aws_cloudwatch_log_group.h"), "name"), PartialString)


# =============================================================================
# AWS-managed policies commonly attached to instance and service roles that were not in the managed-policy
# table (AmazonEC2RoleforSSM, the legacy SSM instance policy; AWSBackupServiceRolePolicyForBackup, AWS
# Backup's service role): ACC-002 and INT-002 were UNKNOWN "not in auditgate's table".  Now known statement
# by statement (lint_rules/rules/_managed_exact.py): AmazonEC2RoleforSSM allows s3:GetObject on "*" -- any log
# bucket's objects -- while the Backup policy grants no log read.
# =============================================================================
MANAGED_ROLES = PROVIDER + '''
resource "aws_iam_role" "ec2" {
  name = "app-instance"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}
resource "aws_iam_role_policy_attachment" "ec2" {
  role       = aws_iam_role.ec2.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/EC2_POLICY"
}
resource "aws_iam_role" "backup" {
  name = "backup"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "backup.amazonaws.com" } }]
  })
}
resource "aws_iam_role_policy_attachment" "backup" {
  role       = aws_iam_role.backup.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
}
'''


def test_managed_policies_of_instance_and_backup_roles_are_known(tmp_path):
    report = lint_hcl(tmp_path, MANAGED_ROLES.replace("EC2_POLICY", "AmazonEC2RoleforSSM"), rule="ACC-002")
    ec2 = finding(report, "ACC-002", "aws_iam_role.ec2")
    assert ec2.status == "fail" and "s3:GetObject" in ec2.message, ec2.message
    assert finding(report, "ACC-002", "aws_iam_role.backup").status == "pass"


def test_an_unlisted_managed_policy_stays_unknown(tmp_path):
    report = lint_hcl(tmp_path, MANAGED_ROLES.replace("EC2_POLICY", "AmazonEC2RoleforSSMv2"), rule="ACC-002")
    assert finding(report, "ACC-002", "aws_iam_role.ec2").status == "unknown"


def _managed_plan(ec2_policy: str) -> dict:
    p = PlanBuilder()
    p.provider("aws", region="us-east-1", allowed_account_ids=["111111111111"])
    for name, service, arn in (("ec2", "ec2", f"service-role/{ec2_policy}"),
                               ("backup", "backup", "service-role/AWSBackupServiceRolePolicyForBackup")):
        p.resource(f"aws_iam_role.{name}", {"name": name, "assume_role_policy": json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"Service": f"{service}.amazonaws.com"}}]})},
                   unknown=["id", "arn"])
        p.resource(f"aws_iam_role_policy_attachment.{name}", {"role": name, "policy_arn": f"arn:aws:iam::aws:policy/{arn}"},
                   unknown=["id"], refs={"role": [f"aws_iam_role.{name}.name"]})
    return p.build()


def test_plan_managed_policies_of_instance_and_backup_roles_are_known():
    report = lint_plan(_managed_plan("AmazonEC2RoleforSSM"), rule="ACC-002")
    assert verdicts(report) == {"aws_iam_role.ec2": "fail", "aws_iam_role.backup": "pass"}
    report = lint_plan(_managed_plan("AmazonEC2RoleforSSMv2"), rule="ACC-002")
    assert verdicts(report) == {"aws_iam_role.ec2": "unknown", "aws_iam_role.backup": "pass"}


def test_exact_managed_policies_are_read_as_published():
    from lint_rules.rules._managed import AWS_MANAGED
    from lint_rules.rules._managed_exact import EXACT
    for name, (_version, statements) in EXACT.items():
        assert len(AWS_MANAGED[name]) == len(statements)
        for stmt, known in zip(statements, AWS_MANAGED[name]):
            actions = stmt.get("Action", [])
            assert known["Action"] == (actions if isinstance(actions, list) else [actions])
            assert bool(known["Condition"]) == bool(stmt.get("Condition"))


# =============================================================================
# data "template_file" whose vars are known only after apply (alphagov/govuk-aws, GSA/terraform-vpc-flow-log:
# `vars = { log_group_arn = aws_cloudwatch_log_group.flow.arn }`): the rendered policy was UNKNOWN as a whole
# (DLV-004 "not known until apply").  terraform renders it at apply; what is known now is the text with the
# ARN's place a hole naming it -- as templatefile() is read.
# =============================================================================
TEMPLATE_FILE_ROLE = PROVIDER + """
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_cloudwatch_log_group" "flow" {
  name              = "/vpc/flow"
  retention_in_days = 400
}
resource "aws_cloudwatch_log_group" "other" {
  name              = "/vpc/other"
  retention_in_days = 400
}
data "template_file" "write" {
  template = file("${path.module}/write.json")
  vars = {
    log_group_arn = GROUP
    account       = "111111111111"
  }
}
resource "aws_iam_role" "flow" {
  name = "flow-logs"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
                   Principal = { Service = "vpc-flow-logs.amazonaws.com" } }]
  })
}
resource "aws_iam_role_policy" "flow" {
  name   = "flow-logs"
  role   = aws_iam_role.flow.id
  policy = data.template_file.write.rendered
}
resource "aws_flow_log" "main" {
  vpc_id          = aws_vpc.main.id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.flow.arn
  iam_role_arn    = aws_iam_role.flow.arn
}
"""
WRITE_TEMPLATE = """{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
  "Resource": ["${log_group_arn}", "${log_group_arn}:*", "arn:aws:logs:us-east-1:${account}:log-group:/app:*"]}]}
"""


def _template_role(tmp_path, group: str):
    files = {"main.tf": TEMPLATE_FILE_ROLE.replace("GROUP", group), "write.json": WRITE_TEMPLATE}
    return lint_hcl(tmp_path, files, rule="DLV-004")


def test_template_file_with_a_variable_known_after_apply_is_read_in_part(tmp_path):
    report = _template_role(tmp_path, "aws_cloudwatch_log_group.flow.arn")
    assert verdicts(report) == {"aws_flow_log.main": "pass"}, [f.message for f in report.findings]


def test_template_file_granting_another_log_group_fails(tmp_path):
    report = _template_role(tmp_path, "aws_cloudwatch_log_group.other.arn")
    assert verdicts(report) == {"aws_flow_log.main": "fail"}, [f.message for f in report.findings]


def test_template_file_with_a_variable_of_unknown_text_stays_unknown(tmp_path):
    # a variable whose text is not known at all may hold a quote: the document is not read
    (tmp_path / "vars.tf").write_text('variable "group" { type = string }\n')
    report = _template_role(tmp_path, "var.group")
    assert verdicts(report) == {"aws_flow_log.main": "unknown"}, [f.message for f in report.findings]


def test_template_file_partial_form(tmp_path):
    from lint_rules.loaders.hcl import load_hcl_dir
    from lint_rules.model import Hole, PartialString
    (tmp_path / "main.tf").write_text('''
resource "aws_s3_bucket" "b" {
  bucket_prefix = "logs-"
}
data "template_file" "t" {
  template = "arn=$${arn};n=$${n};flag=$${f}"
  vars = { arn = aws_s3_bucket.b.arn, n = 3, f = true }
}
resource "aws_cloudwatch_log_group" "g" {
  name = data.template_file.t.rendered
}
''')
    model = load_hcl_dir(tmp_path)
    assert model.partial_value(model.get("aws_cloudwatch_log_group.g"), "name") == \
        PartialString(("arn=", Hole(("aws_s3_bucket.b.arn",)), ";n=3;flag=true"))


# =============================================================================
# IRSA-style attachments counted over a flattened list (`count = length(flatten([aws_iam_policy.x.arn,
# var.extra_policy_arns]))`, `policy_arn = flatten([...])[count.index]`): terraform knows the count at plan
# time because every unknown element is an ARN -- a string, never a list (checked with terraform 1.11 on
# terraform_data: `length(flatten([terraform_data.a.id, ["b"]]))` is 2 in the plan).  The count was unknown
# here, so the attachments "may not exist" and ACC-002 could not judge the role.
# =============================================================================
IRSA = PROVIDER + '''
variable "extra_policy_arns" {
  type    = list(string)
  default = ["arn:aws:iam::aws:policy/EXTRA"]
}
resource "aws_iam_policy" "app" {
  name = "app"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sqs:SendMessage", Resource = "*" }]
  })
}
locals {
  policy_arns = flatten([aws_iam_policy.app.arn, var.extra_policy_arns])
}
resource "aws_iam_role" "irsa" {
  name = "app-irsa"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity",
                   Principal = { Federated = "arn:aws:iam::111111111111:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X" } }]
  })
}
resource "aws_iam_role_policy_attachment" "irsa" {
  count      = length(local.policy_arns)
  role       = aws_iam_role.irsa.name
  policy_arn = local.policy_arns[count.index]
}
'''


def test_count_over_a_flattened_list_of_arns_is_known(tmp_path):
    report = lint_hcl(tmp_path, IRSA.replace("EXTRA", "CloudWatchLogsReadOnlyAccess"), rule="ACC-002")
    acc = finding(report, "ACC-002", "aws_iam_role.irsa")
    assert acc.status == "fail" and "CloudWatchLogsReadOnlyAccess" in acc.message, acc.message
    report = lint_hcl(tmp_path, IRSA.replace("EXTRA", "AWSXrayReadOnlyAccess"), rule="ACC-002")
    assert finding(report, "ACC-002", "aws_iam_role.irsa").status == "pass"


def test_count_over_a_flattened_list_holding_an_unknown_list_stays_unknown(tmp_path):
    # an element that may be a list (an untyped variable fed from a resource) leaves the length unknown
    text = IRSA.replace("EXTRA", "AWSXrayReadOnlyAccess").replace(
        "flatten([aws_iam_policy.app.arn, var.extra_policy_arns])",
        "flatten([aws_iam_policy.app.arn, var.more])") + 'variable "more" {}\n'
    from lint_rules.loaders.hcl import load_hcl_dir
    (tmp_path / "main.tf").write_text(text)
    (tmp_path / "terraform.tfvars").write_text('more = "arn:aws:iam::aws:policy/AWSXrayReadOnlyAccess"\n')
    model = load_hcl_dir(tmp_path)
    assert [r.address for r in model.of_type("aws_iam_role_policy_attachment")] == \
        ["aws_iam_role_policy_attachment.irsa[0]", "aws_iam_role_policy_attachment.irsa[1]"]


def test_flatten_keeps_primitive_unknowns_as_elements(tmp_path):
    from lint_rules.loaders.hcl import load_hcl_dir
    (tmp_path / "main.tf").write_text('''
resource "aws_iam_policy" "a" {
  name   = "a"
  policy = "{}"
}
resource "aws_iam_policy" "b" {
  count  = 2
  name   = "b${count.index}"
  policy = "{}"
}
variable "typed" {
  type    = list(string)
  default = ["k"]
}
variable "untyped" {
  default = ["k"]
}
module "m" {
  source = "./m"
  arn    = aws_iam_policy.a.arn
}
resource "aws_sns_topic" "n1" {
  count = length(flatten([aws_iam_policy.a.arn, ["b"]]))
}
resource "aws_sns_topic" "n2" {
  count = length(flatten([aws_iam_policy.b[*].arn, "${aws_iam_policy.a.name}-x", var.typed]))
}
resource "aws_sns_topic" "u1" {
  count = length(flatten([aws_iam_policy.a.policy_id]))
}
''')
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "main.tf").write_text('''
variable "arn" {}
resource "aws_sns_topic" "u2" {
  count = length(flatten([var.arn]))
}
''')
    model = load_hcl_dir(tmp_path)
    counts = {}
    for r in model.of_type("aws_sns_topic"):
        counts.setdefault(r.config_address, []).append(r.maybe_absent)
    assert len(counts["aws_sns_topic.n1"]) == 2 and counts["aws_sns_topic.n1"] == [None, None]
    assert len(counts["aws_sns_topic.n2"]) == 4 and not any(counts["aws_sns_topic.n2"])
    # a non-identity attribute, an untyped variable: may be a list (terraform may know more; never a guess)
    assert all(counts["aws_sns_topic.u1"]) and all(counts["module.m.aws_sns_topic.u2"])


# The attachment's policy_arn refers to every policy its list mentions; once its value is known it names one.
# ACC-002 read `local.arns[1]` -- an AWS-managed log reader -- as the configuration's own harmless policy
# (the only policy the expression refers to) and PASSed (a false PASS).
LIST_ATTACHMENTS = PROVIDER + '''
resource "aws_iam_policy" "app" {
  name = "app"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sqs:SendMessage", Resource = "*" }]
  })
}
locals {
  arns = [aws_iam_policy.app.arn, "arn:aws:iam::aws:policy/MANAGED"]
}
resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}
resource "aws_iam_role_policy_attachment" "app" {
  count      = 2
  role       = aws_iam_role.app.name
  policy_arn = local.arns[count.index]
}
'''


def test_known_policy_arn_names_its_policy_not_the_lists_references(tmp_path):
    report = lint_hcl(tmp_path, LIST_ATTACHMENTS.replace("MANAGED", "CloudWatchLogsReadOnlyAccess"), rule="ACC-002")
    acc = finding(report, "ACC-002", "aws_iam_role.app")
    assert acc.status == "fail" and "CloudWatchLogsReadOnlyAccess" in acc.message, acc.message
    report = lint_hcl(tmp_path, LIST_ATTACHMENTS.replace("MANAGED", "AWSXrayReadOnlyAccess"), rule="ACC-002")
    assert finding(report, "ACC-002", "aws_iam_role.app").status == "pass"


def _list_attachment_plan(managed: str) -> dict:
    p = PlanBuilder()
    p.provider("aws", region="us-east-1", allowed_account_ids=["111111111111"])
    p.resource("aws_iam_policy.app", {"name": "app", "policy": json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]})},
               unknown=["id", "arn"])
    p.resource("aws_iam_role.app", {"name": "app", "assume_role_policy": json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]})},
               unknown=["id", "arn"])
    p.resource("aws_iam_role_policy_attachment.app[0]", {"role": "app"}, unknown=["id", "policy_arn"],
               refs={"role": ["aws_iam_role.app.name"], "policy_arn": ["aws_iam_policy.app.arn"]})
    p.resource("aws_iam_role_policy_attachment.app[1]", {"role": "app", "policy_arn": f"arn:aws:iam::aws:policy/{managed}"},
               unknown=["id"], refs={"role": ["aws_iam_role.app.name"], "policy_arn": ["aws_iam_policy.app.arn"]})
    return p.build()


def test_plan_known_policy_arn_names_its_policy_not_the_lists_references():
    report = lint_plan(_list_attachment_plan("CloudWatchLogsReadOnlyAccess"), rule="ACC-002")
    assert verdicts(report) == {"aws_iam_role.app": "fail"}, [f.message for f in report.findings]
    report = lint_plan(_list_attachment_plan("AWSXrayReadOnlyAccess"), rule="ACC-002")
    assert verdicts(report) == {"aws_iam_role.app": "pass"}, [f.message for f in report.findings]


def test_managed_policy_arn_built_with_format_v_is_read(tmp_path):
    # format("arn:%v:iam::aws:policy/NAME", partition): %v of a string is the string, as %s
    from .test_realworld_idioms import FORMAT_ATTACH
    f = finding(lint_hcl(tmp_path, FORMAT_ATTACH % '"arn:%v:iam::aws:policy/ReadOnlyAccess"', rule="ACC-002"),
                "ACC-002", "aws_iam_role.app")
    assert f.status == "fail" and "ReadOnlyAccess" in f.message, f.message
    f = finding(lint_hcl(tmp_path, FORMAT_ATTACH % '"arn:%v:iam::aws:policy/AmazonSSMManagedInstanceCore"',
                         rule="ACC-002"), "ACC-002", "aws_iam_role.app")
    assert f.status == "pass", f.message


# =============================================================================
# An attachment whose policy_arn is not known and only mentions a policy (`count = length(local.arns)` with
# `local.arns = concat([aws_iam_policy.app.arn], var.extra)` and var.extra not given): it was read as
# attaching exactly that harmless policy, so ACC-002 PASSed a role that var.extra may give every log
# (a false PASS).  Now UNKNOWN unless the ARN is exactly a policy's attribute (`aws_iam_policy.app.arn`,
# `each.value.arn` over `for_each = aws_iam_policy.p`, `one(aws_iam_policy.c[*].arn)`,
# `element([...], count.index)`).
# =============================================================================
UNKNOWN_LIST_ATTACHMENT = PROVIDER + '''
variable "extra" {
  type = list(string)
}
resource "aws_iam_policy" "app" {
  name = "app"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sqs:SendMessage", Resource = "*" }]
  })
}
locals {
  arns = concat([aws_iam_policy.app.arn], var.extra)
}
resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}
resource "aws_iam_role_policy_attachment" "app" {
  ATTACH
  role       = aws_iam_role.app.name
  policy_arn = ARN
}
'''


def test_unknown_policy_arn_that_only_mentions_a_policy_is_not_that_policy(tmp_path):
    for attach, arn in (("count = length(local.arns)", "local.arns[count.index]"),
                        ("for_each = toset(local.arns)", "each.value")):
        text = UNKNOWN_LIST_ATTACHMENT.replace("ATTACH", attach).replace("ARN", arn)
        acc = finding(lint_hcl(tmp_path, text, rule="ACC-002"), "ACC-002", "aws_iam_role.app")
        assert acc.status == "unknown" and "may name a policy besides aws_iam_policy.app" in acc.message, acc.message


def test_unknown_policy_arn_that_is_a_policys_attribute_is_that_policy(tmp_path):
    text = UNKNOWN_LIST_ATTACHMENT.replace("ATTACH", "").replace("ARN", "aws_iam_policy.app.arn")
    assert finding(lint_hcl(tmp_path, text, rule="ACC-002"), "ACC-002", "aws_iam_role.app").status == "pass"
    text = UNKNOWN_LIST_ATTACHMENT.replace("ATTACH", "count = 1").replace(
        "ARN", 'element([aws_iam_policy.app.arn, "x"], count.index)')
    assert finding(lint_hcl(tmp_path, text, rule="ACC-002"), "ACC-002", "aws_iam_role.app").status == "pass"
    text = UNKNOWN_LIST_ATTACHMENT.replace('resource "aws_iam_policy" "app" {', 'resource "aws_iam_policy" "app" {\n'
                                           '  count = 1').replace("[aws_iam_policy.app.arn]", "aws_iam_policy.app[*].arn") \
        .replace("ATTACH", "").replace("ARN", "one(aws_iam_policy.app[*].arn)")
    assert finding(lint_hcl(tmp_path, text, rule="ACC-002"), "ACC-002", "aws_iam_role.app").status == "pass"
    # for_each over the policies themselves: each.value is the policy of that key
    text = UNKNOWN_LIST_ATTACHMENT.replace('resource "aws_iam_policy" "app" {', 'resource "aws_iam_policy" "app" {\n'
                                           '  for_each = toset(["a", "b"])').replace('name = "app"', 'name = each.key') \
        .replace("concat([aws_iam_policy.app.arn], var.extra)", "var.extra") \
        .replace("ATTACH", "for_each = aws_iam_policy.app").replace("ARN", "each.value.arn")
    assert finding(lint_hcl(tmp_path, text, rule="ACC-002"), "ACC-002", "aws_iam_role.app").status == "pass"


def test_policy_of_a_resource_whose_count_is_not_known_is_taken_as_named(tmp_path):
    # alphagov/govuk-aws infra-security: policy, role and attachment all `count = local.enabled ? 1 : 0` with the
    # condition not known: `policy_arn = aws_iam_policy.p[0].arn` is that policy (checked as one instance)
    text = UNKNOWN_LIST_ATTACHMENT.replace('resource "aws_iam_policy" "app" {', 'resource "aws_iam_policy" "app" {\n'
                                           '  count = length(var.extra) > 0 ? 1 : 0') \
        .replace("concat([aws_iam_policy.app.arn], var.extra)", "var.extra") \
        .replace("ATTACH", "").replace("ARN", "aws_iam_policy.app[0].arn")
    assert finding(lint_hcl(tmp_path, text, rule="ACC-002"), "ACC-002", "aws_iam_role.app").status == "pass"
