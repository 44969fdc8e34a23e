"""Log Access rules (ACC-001 .. ACC-005), in HCL and plan form."""
from __future__ import annotations

import copy
import json

import pytest

from lint_rules.engine import ACCOUNT
from lint_rules.policy import Policy
from lint_rules.rules._principals import is_read_only_action, name_matches

from ..helpers import POLICY, lint_hcl, lint_plan, verdicts
from ..planbuilder import PlanBuilder

ACCT = "111122223333"
MFA_TRUST = '''jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "sts:AssumeRole"
      Condition = { Bool = { "aws:MultiFactorAuthPresent" = "true" } }
    }]
  })'''
NO_MFA_TRUST = '''jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "sts:AssumeRole" }]
  })'''


def service_trust(service: str) -> str:
    return NO_MFA_TRUST.replace('AWS = "arn:aws:iam::111122223333:root"', f'Service = "{service}"')


def role(label: str, name: str, trust: str = MFA_TRUST, extra: str = "") -> str:
    return f'''
resource "aws_iam_role" "{label}" {{
  name               = "{name}"
  assume_role_policy = {trust}{extra}
}}
'''


def inline(label: str, role_label: str, statements: str) -> str:
    return f'''
resource "aws_iam_role_policy" "{label}" {{
  role   = aws_iam_role.{role_label}.id
  policy = jsonencode({{ Version = "2012-10-17", Statement = {statements} }})
}}
'''


ROLES = role("admin", "nvs-devops-admin") + role("investigation", "nvs-security-investigation")
LOG_BUCKET = '''
resource "aws_s3_bucket" "logs" {
  bucket = "acme-trail-logs"
}
resource "aws_cloudtrail" "t" {
  name           = "t"
  s3_bucket_name = aws_s3_bucket.logs.id
}
'''
BUCKET = "aws_s3_bucket.logs"


def name_globs():
    return [r["name"] for r in POLICY.log_access_roles]


# --- role names against the policy's globs ----------------------------------------------------
@pytest.mark.parametrize("name,glob,expected", [
    ("nvs-devops-admin", "*devops-admin*", True),
    ("DevOpsAdminBreakGlass", "*devops-admin*", True),
    ("devops_admin", "*devops-admin*", True),
    ("SecurityInvestigator", "*security-investigation*", True),
    ("nhc-security-investigation", "*security-investigation*", True),
    ("devops-not-admin", "*devops-admin*", False),
    ("security-audit", "*security-investigation*", False),
    ("app", "*devops-admin*", False),
])
def test_role_name_matching(name, glob, expected):
    assert name_matches(name, glob) is expected


@pytest.mark.parametrize("action,expected", [
    ("logs:GetLogEvents", True), ("logs:Get*", True), ("logs:Describe*", True), ("logs:StartQuery", True),
    ("logs:StopQuery", True), ("s3:GetObject", True), ("s3:List*", True), ("kms:Decrypt", True),
    ("*:Get*", True), ("logs:*", False), ("*", False), ("s3:*", False), ("s3:DeleteObject", False),
    ("s3:Put*", False), ("logs:DeleteLogGroup", False), ("logs:PutRetentionPolicy", False),
    ("logs:Create*", False), ("logs:Start*", False), ("logs:G*", False),
])
def test_read_only_actions(action, expected):
    assert is_read_only_action(action) is expected


# =============================================================================
# ACC-001 log bucket policies
# =============================================================================
def bucket_policy(*statements: str) -> str:
    return f'''
resource "aws_s3_bucket_policy" "logs" {{
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{", ".join(statements)}]
  }})
}}
'''


TRAIL_WRITE = ('{ Sid = "CloudTrailWrite", Effect = "Allow", Principal = { Service = "cloudtrail.amazonaws.com" }, '
               'Action = "s3:PutObject", Resource = "arn:aws:s3:::acme-trail-logs/AWSLogs/111122223333/*", '
               'Condition = { StringEquals = { "aws:SourceAccount" = "111122223333" } } }')


def read(principal: str, condition: str = "", action: str = '"s3:GetObject"') -> str:
    cond = f", Condition = {condition}" if condition else ""
    return (f'{{ Sid = "Read", Effect = "Allow", Principal = {principal}, Action = {action}, '
            f'Resource = "arn:aws:s3:::acme-trail-logs/*"{cond} }}')


@pytest.mark.parametrize("statement,status", [
    (read('"*"'), "fail"),
    (read('{ AWS = "*" }'), "fail"),
    (read('"*"', '{ ArnLike = { "aws:PrincipalArn" = "arn:aws:iam::111122223333:role/nvs-security-investigation" } }'),
     "pass"),
    (read('"*"', '{ ArnLike = { "aws:PrincipalArn" = "arn:aws:iam::111122223333:role/*" } }'), "fail"),
    (read('"*"', '{ IpAddress = { "aws:SourceIp" = "10.0.0.0/8" } }'), "fail"),
    (read('{ AWS = "arn:aws:iam::111122223333:role/nvs-security-investigation" }'), "pass"),
    (read('{ AWS = "arn:aws:iam::111122223333:role/nvs-devops-admin" }'), "pass"),
    (read('{ AWS = "arn:aws:iam::111122223333:role/data-science" }'), "fail"),
    (read('{ AWS = "arn:aws:iam::111122223333:user/alice" }'), "fail"),
    (read('{ AWS = "arn:aws:iam::111122223333:root" }'), "pass"),  # this account: IAM decides (ACC-002)
    (read('{ AWS = "arn:aws:iam::444455556666:root" }'), "fail"),
    (read('{ Service = "config.amazonaws.com" }'), "pass"),
    (read('{ Service = "athena.amazonaws.com" }'), "fail"),
    (read('"*"', action='"s3:ListBucket"'), "pass"),  # no object read
    (read('"*"', action='"s3:*"'), "fail"),
])
def test_bucket_policy_readers(tmp_path, statement, status):
    report = lint_hcl(tmp_path, LOG_BUCKET + bucket_policy(TRAIL_WRITE, statement), rule="ACC-001")
    assert verdicts(report) == {BUCKET: status}


def test_account_root_of_an_unknown_account_is_unknown(tmp_path):
    files = LOG_BUCKET + bucket_policy(read('{ AWS = "arn:aws:iam::111122223333:root" }'))
    assert verdicts(lint_hcl(tmp_path, files, rule="ACC-001")) == {BUCKET: "unknown"}


def test_no_bucket_policy_leaves_it_to_iam(tmp_path):
    report = lint_hcl(tmp_path, LOG_BUCKET, rule="ACC-001")
    assert verdicts(report) == {BUCKET: "pass"}
    assert "ACC-002" in report.findings[0].message


def test_public_acl_fails(tmp_path):
    files = LOG_BUCKET + '''
resource "aws_s3_bucket_acl" "logs" {
  bucket = aws_s3_bucket.logs.id
  acl    = "public-read"
}
'''
    assert verdicts(lint_hcl(tmp_path, files, rule="ACC-001")) == {BUCKET: "fail"}


def test_policy_document_naming_roles_by_reference(tmp_path):
    def doc(role_label):
        return f'''
data "aws_iam_policy_document" "logs" {{
  statement {{
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::acme-trail-logs/*"]
    principals {{
      type        = "AWS"
      identifiers = [aws_iam_role.{role_label}.arn]
    }}
  }}
}}
resource "aws_s3_bucket_policy" "logs" {{
  bucket = aws_s3_bucket.logs.id
  policy = data.aws_iam_policy_document.logs.json
}}
'''
    files = LOG_BUCKET + ROLES + role("app", "acme-app", service_trust("ec2.amazonaws.com"))
    assert verdicts(lint_hcl(tmp_path, files + doc("investigation"), rule="ACC-001")) == {BUCKET: "pass"}
    assert verdicts(lint_hcl(tmp_path / "b", files + doc("app"), rule="ACC-001")) == {BUCKET: "fail"}


def test_unknown_bucket_policy_is_unknown(tmp_path):
    files = LOG_BUCKET + '''
data "aws_s3_object" "p" {
  bucket = "acme-config"
  key    = "bucket-policy.json"
}
resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = data.aws_s3_object.p.body
}
'''
    assert verdicts(lint_hcl(tmp_path, files, rule="ACC-001")) == {BUCKET: "unknown"}


def _bucket_plan(policy: dict | None, unknown_policy=False):
    p = PlanBuilder()
    p.resource("data.aws_caller_identity.current", {"account_id": ACCT, "id": ACCT})
    p.resource(BUCKET, {"bucket": "acme-trail-logs"}, unknown=["arn", "id", "policy", "acl", "grant"])
    p.resource("aws_cloudtrail.t", {"name": "t"}, unknown=["s3_bucket_name", "arn"],
               refs={"s3_bucket_name": [f"{BUCKET}.id"]})
    if policy is not None or unknown_policy:
        p.resource("aws_s3_bucket_policy.logs", {} if unknown_policy else {"policy": json.dumps(policy)},
                   unknown=["bucket", "id"] + (["policy"] if unknown_policy else []),
                   refs={"bucket": [f"{BUCKET}.id"], **({"policy": [f"{BUCKET}.arn"]} if unknown_policy else {})})
    return p.build()


def test_plan_bucket_policy_readers():
    def doc(principal):
        return {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": principal, "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::acme-trail-logs/*"}]}
    assert verdicts(lint_plan(_bucket_plan(doc("*")), rule="ACC-001")) == {BUCKET: "fail"}
    assert verdicts(lint_plan(_bucket_plan(doc({"AWS": f"arn:aws:iam::{ACCT}:root"})), rule="ACC-001")) == {
        BUCKET: "pass"}  # the caller identity read at plan time names this account
    assert verdicts(lint_plan(_bucket_plan(doc({"AWS": "arn:aws:iam::444455556666:root"})), rule="ACC-001")) == {
        BUCKET: "fail"}
    assert verdicts(lint_plan(_bucket_plan(None), rule="ACC-001")) == {BUCKET: "pass"}
    assert verdicts(lint_plan(_bucket_plan(None, unknown_policy=True), rule="ACC-001")) == {BUCKET: "unknown"}


# =============================================================================
# ACC-002 identity policies
# =============================================================================
APP_ROLE = role("app", "acme-app", service_trust("ec2.amazonaws.com"))
APP = "aws_iam_role.app"


@pytest.mark.parametrize("statement,status", [
    ('[{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::acme-trail-logs/*" }]', "fail"),
    ('[{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::acme-uploads/*" }]', "pass"),
    ('[{ Effect = "Allow", Action = "s3:*", Resource = "*" }]', "fail"),
    ('[{ Effect = "Allow", Action = "*", Resource = "*" }]', "fail"),
    ('[{ Effect = "Allow", Action = "logs:FilterLogEvents", Resource = "*" }]', "fail"),
    ('[{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "*" }]', "pass"),
    ('[{ Effect = "Deny", Action = "logs:*", Resource = "*" }]', "pass"),
])
def test_identity_policy_reads(tmp_path, statement, status):
    files = LOG_BUCKET + APP_ROLE + inline("app", "app", statement)
    report = lint_hcl(tmp_path, files, rule="ACC-002")
    assert verdicts(report) == {APP: status}
    if status == "fail":
        assert "'acme-app'" in report.findings[0].message


PREFIXED_TRAIL = '''
resource "aws_s3_bucket" "logs" {
  bucket = "acme-trail-logs"
}
resource "aws_s3_bucket" "uploads" {
  bucket_prefix = "acme-uploads-"
}
resource "aws_cloudtrail" "t" {
  name           = "t"
  s3_bucket_name = aws_s3_bucket.logs.id
  s3_key_prefix  = "trail"
}
'''


@pytest.mark.parametrize("resource,status", [
    # every object of a log bucket is a log, whatever its prefix (here the trail's s3_key_prefix)
    ('"arn:aws:s3:::acme-trail-logs/trail/*"', "fail"),
    ('"arn:aws:s3:::acme-trail-logs/trail/AWSLogs/*"', "fail"),
    ('"arn:aws:s3:::acme-trail-logs/*.json.gz"', "fail"),
    ('"arn:aws:s3:::acme-trail-*"', "fail"),
    ('"arn:aws:s3:::acme-trail-logs"', "pass"),  # the bucket itself: no object
    ('"arn:aws:s3:::acme-uploads/trail/*"', "pass"),
    # a log bucket's ARN known only after apply, then text (HCL): that bucket's objects
    ('"${aws_s3_bucket.logs.arn}/*"', "fail"),
    ('"${aws_s3_bucket.logs.arn}/trail/*"', "fail"),
    ('"${aws_s3_bucket.uploads.arn}/*"', "unknown"),  # another bucket, named after apply: may be any
])
def test_identity_policy_reads_log_bucket_objects_under_any_prefix(tmp_path, resource, status):
    statement = f'[{{ Effect = "Allow", Action = "s3:GetObject", Resource = {resource} }}]'
    report = lint_hcl(tmp_path, PREFIXED_TRAIL + APP_ROLE + inline("app", "app", statement), rule="ACC-002")
    assert verdicts(report) == {APP: status}, report.findings[0].message
    if status == "fail":
        assert "s3:GetObject" in report.findings[0].message


def test_a_log_bucket_named_after_apply_read_through_its_arn(tmp_path):
    files = PREFIXED_TRAIL.replace('bucket = "acme-trail-logs"', 'bucket_prefix = "acme-trail-logs-"') + APP_ROLE + \
        inline("app", "app", '[{ Effect = "Allow", Action = "s3:GetObject", Resource = "${aws_s3_bucket.logs.arn}/*" }]')
    report = lint_hcl(tmp_path, files, rule="ACC-002")
    assert verdicts(report) == {APP: "fail"}, report.findings[0].message


def test_allowed_roles_may_read(tmp_path):
    reads = '[{ Effect = "Allow", Action = ["logs:*", "s3:GetObject"], Resource = "*" }]'
    files = (LOG_BUCKET + ROLES + role("config", "acme-config", service_trust("config.amazonaws.com"))
             + role("flow", "acme-flow-logs", service_trust("vpc-flow-logs.amazonaws.com"))
             + inline("a", "admin", reads) + inline("i", "investigation", reads) + inline("c", "config", reads)
             + inline("f", "flow", reads))
    assert verdicts(lint_hcl(tmp_path, files, rule="ACC-002")) == {
        "aws_iam_role.admin": "pass", "aws_iam_role.investigation": "pass", "aws_iam_role.config": "pass",
        "aws_iam_role.flow": "fail"}


def test_managed_policies(tmp_path):
    def attach(arn):
        return f'''
resource "aws_iam_role_policy_attachment" "app" {{
  role       = aws_iam_role.app.name
  policy_arn = "{arn}"
}}
'''
    cases = {"arn:aws:iam::aws:policy/ReadOnlyAccess": "fail",
             "arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess": "fail",
             "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore": "pass",
             "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole": "pass",
             "arn:aws:iam::aws:policy/SomethingNew": "unknown",
             "arn:aws:iam::111122223333:policy/custom": "unknown"}
    for i, (arn, status) in enumerate(cases.items()):
        report = lint_hcl(tmp_path / str(i), LOG_BUCKET + APP_ROLE + attach(arn), rule="ACC-002")
        assert verdicts(report) == {APP: status}, arn


RDS_MONITORING = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"


def _rds_monitoring_role(trust: str) -> str:
    return LOG_BUCKET + role("monitoring", "rds-monitoring-role", trust) + f'''
resource "aws_iam_role_policy_attachment" "monitoring" {{
  role       = aws_iam_role.monitoring.name
  policy_arn = "{RDS_MONITORING}"
}}
'''


def test_the_rds_enhanced_monitoring_role_is_a_log_service_by_default_and_by_policy(tmp_path):
    """AmazonRDSEnhancedMonitoringRole reads log events (of RDS* groups): on a role only RDS Enhanced
    Monitoring may assume it passes, because the default policy lists monitoring.rds.amazonaws.com
    among the log services; a policy file without it fails the same role, and a role people assume
    with the same managed policy fails (every log group holds audit logs)."""
    service_role = _rds_monitoring_role(service_trust("monitoring.rds.amazonaws.com"))
    assert "monitoring.rds.amazonaws.com" in POLICY.log_access_services
    assert verdicts(lint_hcl(tmp_path / "a", service_role, rule="ACC-002")) == {
        "aws_iam_role.monitoring": "pass"}
    data = copy.deepcopy(POLICY.data)
    data["log_access"]["services"] = [s for s in data["log_access"]["services"] if s != "monitoring.rds.amazonaws.com"]
    strict = Policy(data=data, source="<test>")
    report = lint_hcl(tmp_path / "b", service_role, rule="ACC-002", policy=strict)
    assert verdicts(report) == {"aws_iam_role.monitoring": "fail"}
    assert "logs:GetLogEvents" in report.findings[0].message
    people = _rds_monitoring_role(NO_MFA_TRUST)
    assert verdicts(lint_hcl(tmp_path / "c", people, rule="ACC-002")) == {"aws_iam_role.monitoring": "fail"}


def test_plan_rds_enhanced_monitoring_role():
    def plan(service):
        p = PlanBuilder()
        p.resource("aws_iam_role.monitoring", {"name": "rds-monitoring-role", "assume_role_policy": json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": service},
                                                    "Action": "sts:AssumeRole"}]})},
                   unknown=["arn", "id", "managed_policy_arns", "inline_policy"])
        p.resource("aws_iam_role_policy_attachment.monitoring", {"role": "rds-monitoring-role",
                                                                 "policy_arn": RDS_MONITORING},
                   unknown=["id"], refs={"role": ["aws_iam_role.monitoring.name"]})
        return p.build()
    assert verdicts(lint_plan(plan("monitoring.rds.amazonaws.com"), rule="ACC-002")) == {
        "aws_iam_role.monitoring": "pass"}
    assert verdicts(lint_plan(plan("ec2.amazonaws.com"), rule="ACC-002")) == {"aws_iam_role.monitoring": "fail"}


def test_users_groups_and_roles_outside_the_configuration(tmp_path):
    files = LOG_BUCKET + '''
resource "aws_iam_user" "alice" {
  name = "alice"
}
resource "aws_iam_user_policy" "alice" {
  user   = aws_iam_user.alice.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "logs:GetLogEvents", Resource = "*" }] })
}
resource "aws_iam_group" "auditors" {
  name = "auditors"
}
resource "aws_iam_group_policy_attachment" "auditors" {
  group      = aws_iam_group.auditors.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
}
resource "aws_iam_role_policy_attachment" "legacy" {
  role       = "legacy-reporting"
  policy_arn = "arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess"
}
resource "aws_iam_role_policy_attachment" "ir" {
  role       = "ir-security-investigation"
  policy_arn = "arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess"
}
'''
    assert verdicts(lint_hcl(tmp_path, files, rule="ACC-002")) == {
        "aws_iam_user.alice": "fail", "aws_iam_group.auditors": "fail",
        "aws_iam_role_policy_attachment.legacy": "fail"}


def test_unattached_policy_granting_reads_is_unknown(tmp_path):
    files = LOG_BUCKET + '''
resource "aws_iam_policy" "readers" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "logs:StartQuery", Resource = "*" }] })
}
resource "aws_iam_policy" "writers" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "logs:PutLogEvents", Resource = "*" }] })
}
'''
    assert verdicts(lint_hcl(tmp_path, files, rule="ACC-002")) == {"aws_iam_policy.readers": "unknown"}


def test_s3_read_on_a_resource_known_only_after_apply_is_unknown(tmp_path):
    files = LOG_BUCKET + APP_ROLE + '''
resource "aws_s3_bucket" "other" {
  bucket_prefix = "scratch-"
}
''' + inline("app", "app", '[{ Effect = "Allow", Action = "s3:GetObject", Resource = "${aws_s3_bucket.other.arn}/*" }]')
    assert verdicts(lint_hcl(tmp_path, files, rule="ACC-002")) == {APP: "unknown"}


def test_plan_identity_reads():
    def plan(policy, unknown_policy=False):
        p = PlanBuilder()
        p.resource(APP, {"name": "acme-app", "assume_role_policy": json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})},
                   unknown=["arn", "id", "managed_policy_arns", "inline_policy"])
        p.resource("aws_iam_policy.p", {} if unknown_policy else {"policy": json.dumps(policy)},
                   unknown=["arn", "id"] + (["policy"] if unknown_policy else []),
                   refs={"policy": ["aws_s3_bucket.x.arn"]} if unknown_policy else None)
        p.resource("aws_iam_role_policy_attachment.p", {"role": "acme-app"}, unknown=["policy_arn", "id"],
                   refs={"role": [f"{APP}.name"], "policy_arn": ["aws_iam_policy.p.arn"]})
        return p.build()
    reads = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:GetLogEvents",
                                                     "Resource": "*"}]}
    writes = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents",
                                                      "Resource": "*"}]}
    assert verdicts(lint_plan(plan(reads), rule="ACC-002")) == {APP: "fail"}
    assert verdicts(lint_plan(plan(writes), rule="ACC-002")) == {APP: "pass"}
    assert verdicts(lint_plan(plan(None, unknown_policy=True), rule="ACC-002")) == {APP: "unknown"}


def test_plan_identity_reads_of_log_objects_under_a_prefix():
    def plan(resource):
        p = PlanBuilder()
        p.resource("aws_s3_bucket.logs", {"bucket": "acme-trail-logs"}, unknown=["arn", "id"])
        p.resource("aws_cloudtrail.t", {"name": "t", "s3_bucket_name": "acme-trail-logs", "s3_key_prefix": "trail"},
                   refs={"s3_bucket_name": ["aws_s3_bucket.logs.id"]})
        p.resource(APP, {"name": "acme-app", "assume_role_policy": json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})},
                   unknown=["arn", "id", "managed_policy_arns", "inline_policy"])
        p.resource("aws_iam_role_policy.p", {"role": "acme-app", "policy": json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}]})},
                   unknown=["id"], refs={"role": [f"{APP}.id"]})
        return p.build()
    assert verdicts(lint_plan(plan("arn:aws:s3:::acme-trail-logs/trail/*"), rule="ACC-002")) == {APP: "fail"}
    assert verdicts(lint_plan(plan("arn:aws:s3:::acme-uploads/trail/*"), rule="ACC-002")) == {APP: "pass"}


# =============================================================================
# ACC-003 the security investigation role is read-only
# =============================================================================
INV = "aws_iam_role.investigation"
READ_ONLY = ('[{ Effect = "Allow", Action = ["logs:StartQuery", "logs:GetQueryResults", "logs:Describe*", '
             '"logs:FilterLogEvents", "s3:GetObject", "s3:ListBucket", "kms:Decrypt"], Resource = "*" }]')


@pytest.mark.parametrize("statement,status", [
    (READ_ONLY, "pass"),
    ('[{ Effect = "Allow", Action = "logs:*", Resource = "*" }]', "fail"),
    ('[{ Effect = "Allow", Action = ["s3:GetObject", "s3:DeleteObject"], Resource = "*" }]', "fail"),
    ('[{ Effect = "Allow", Action = "s3:Put*", Resource = "*" }]', "fail"),
    ('[{ Effect = "Allow", Action = "*", Resource = "*" }]', "fail"),
    ('[{ Effect = "Allow", NotAction = "iam:*", Resource = "*" }]', "fail"),
    ('[{ Effect = "Deny", Action = "*", Resource = "*" }]', "pass"),
])
def test_investigation_role_read_only(tmp_path, statement, status):
    files = role("investigation", "nvs-security-investigation") + inline("inv", "investigation", statement)
    report = lint_hcl(tmp_path, files, rule="ACC-003")
    assert verdicts(report) == {INV: status}
    if status == "fail":
        assert "investigation" in report.findings[0].message


def test_investigation_role_managed_policies_and_naming(tmp_path):
    def attach(arn):
        return f'''
resource "aws_iam_role_policy_attachment" "inv" {{
  role       = aws_iam_role.investigation.name
  policy_arn = "{arn}"
}}
'''
    base = role("investigation", "SecurityInvestigator")
    assert verdicts(lint_hcl(tmp_path / "a", base + attach("arn:aws:iam::aws:policy/ReadOnlyAccess"),
                             rule="ACC-003")) == {INV: "pass"}
    assert verdicts(lint_hcl(tmp_path / "b", base + attach("arn:aws:iam::aws:policy/AdministratorAccess"),
                             rule="ACC-003")) == {INV: "fail"}
    assert verdicts(lint_hcl(tmp_path / "c", base + attach("arn:aws:iam::111122223333:policy/custom"),
                             rule="ACC-003")) == {INV: "unknown"}


def test_missing_investigation_role_is_reported_once_by_acc005(tmp_path):
    report = lint_hcl(tmp_path, role("admin", "nvs-devops-admin"))
    assert verdicts(report, "ACC-003") == {}
    missing = [f for f in report.findings if f.rule_id == "ACC-005" and f.resource == ACCOUNT]
    assert [f.status for f in missing] == ["fail"]
    assert "Security investigation role" in missing[0].message
    assert "map an existing one" in missing[0].fix and "auditgate:role = security_investigation" in missing[0].fix


def test_plan_investigation_role():
    def plan(policy):
        p = PlanBuilder()
        p.resource(INV, {"name": "nvs-security-investigation", "assume_role_policy": "{}"},
                   unknown=["arn", "id", "managed_policy_arns", "inline_policy"])
        values = {"name": "read"} if policy is None else {"name": "read", "policy": json.dumps(policy)}
        p.resource("aws_iam_role_policy.inv", values, unknown=["id", "role"] + (["policy"] if policy is None else []),
                   refs={"role": [f"{INV}.id"], **({"policy": ["aws_s3_bucket.x.arn"]} if policy is None else {})})
        return p.build()
    ro = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:Get*", "logs:StartQuery"],
                                                  "Resource": "*"}]}
    rw = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:Get*", "logs:DeleteLogGroup"],
                                                  "Resource": "*"}]}
    assert verdicts(lint_plan(plan(ro), rule="ACC-003")) == {INV: "pass"}
    assert verdicts(lint_plan(plan(rw), rule="ACC-003")) == {INV: "fail"}
    assert verdicts(lint_plan(plan(None), rule="ACC-003")) == {INV: "unknown"}


# =============================================================================
# ACC-004 the break-glass role requires MFA
# =============================================================================
ADMIN = "aws_iam_role.admin"


def trust(statement: str) -> str:
    return f'jsonencode({{ Version = "2012-10-17", Statement = [{statement}] }})'


ALLOW_ROOT = 'Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "sts:AssumeRole"'


@pytest.mark.parametrize("policy,status", [
    (MFA_TRUST, "pass"),
    (NO_MFA_TRUST, "fail"),
    (trust(f'{{ {ALLOW_ROOT}, Condition = {{ BoolIfExists = {{ "aws:MultiFactorAuthPresent" = "true" }} }} }}'),
     "fail"),
    (trust(f'{{ {ALLOW_ROOT}, Condition = {{ NumericLessThan = {{ "aws:MultiFactorAuthAge" = "3600" }} }} }}'),
     "pass"),
    (trust(f'{{ {ALLOW_ROOT} }}, {{ Effect = "Deny", Principal = {{ AWS = "*" }}, Action = "sts:AssumeRole", '
           'Condition = { BoolIfExists = { "aws:MultiFactorAuthPresent" = "false" } } }'), "pass"),
    (service_trust("ec2.amazonaws.com"), "fail"),
])
def test_break_glass_role_requires_mfa(tmp_path, policy, status):
    report = lint_hcl(tmp_path, role("admin", "nvs-devops-admin", policy), rule="ACC-004")
    assert verdicts(report) == {ADMIN: status}
    if status == "fail":
        assert "MFA" in report.findings[0].message


def test_break_glass_trust_from_a_policy_document(tmp_path):
    files = '''
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.me.account_id}:root"]
    }
    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
}
data "aws_caller_identity" "me" {}
''' + role("admin", "DevOpsAdminBreakGlass", "data.aws_iam_policy_document.assume.json")
    assert verdicts(lint_hcl(tmp_path, files, rule="ACC-004")) == {ADMIN: "pass"}
    unknown = role("admin", "nvs-devops-admin", "data.aws_s3_object.trust.body") + \
        'data "aws_s3_object" "trust" {\n  bucket = "b"\n  key    = "trust.json"\n}\n'
    assert verdicts(lint_hcl(tmp_path / "u", unknown, rule="ACC-004")) == {ADMIN: "unknown"}


def test_missing_break_glass_role_is_reported_once_by_acc005(tmp_path):
    report = lint_hcl(tmp_path, role("i", "nvs-security-investigation"))
    assert verdicts(report, "ACC-004") == {}
    assert verdicts(report, "ACC-005")[ACCOUNT] == "fail"


def test_plan_break_glass_role():
    def plan(policy):
        p = PlanBuilder()
        p.resource(ADMIN, {"name": "nvs-devops-admin", "assume_role_policy": json.dumps(policy)},
                   unknown=["arn", "id", "managed_policy_arns", "inline_policy"])
        return p.build()
    stmt = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"}, "Action": "sts:AssumeRole"}
    with_mfa = dict(stmt, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})
    assert verdicts(lint_plan(plan({"Statement": [with_mfa]}), rule="ACC-004")) == {ADMIN: "pass"}
    assert verdicts(lint_plan(plan({"Statement": [stmt]}), rule="ACC-004")) == {ADMIN: "fail"}


# =============================================================================
# ACC-005 the roles exist
# =============================================================================
def test_log_access_roles_exist(tmp_path):
    assert verdicts(lint_hcl(tmp_path, ROLES, rule="ACC-005")) == {
        "aws_iam_role.admin": "pass", "aws_iam_role.investigation": "pass"}
    report = lint_hcl(tmp_path / "b", role("admin", "nvs-devops-admin"), rule="ACC-005")
    assert verdicts(report) == {"aws_iam_role.admin": "pass", ACCOUNT: "fail"}
    assert "security-investigation" in [f for f in report.findings if f.resource == ACCOUNT][0].message


def test_role_names_known_only_after_apply(tmp_path):
    files = role("admin", "nvs-devops-admin") + '''
resource "aws_iam_role" "x" {
  name_prefix        = null
  name               = data.aws_ssm_parameter.n.value
  assume_role_policy = "{}"
}
data "aws_ssm_parameter" "n" {
  name = "role-name"
}
'''
    assert verdicts(lint_hcl(tmp_path, files, rule="ACC-005")) == {"aws_iam_role.admin": "pass", ACCOUNT: "unknown"}


def test_role_names_come_from_the_policy(tmp_path):
    data = copy.deepcopy(POLICY.data)
    data["log_access"]["roles"] = [{"id": "devops_admin", "name": "*breakglass*"},
                                   {"id": "security_investigation", "name": "*forensics*"}]
    custom = Policy(data=data, source="<test>")
    files = role("admin", "acme-breakglass") + role("investigation", "acme-forensics")
    assert verdicts(lint_hcl(tmp_path, files, rule="ACC-005", policy=custom)) == {
        "aws_iam_role.admin": "pass", "aws_iam_role.investigation": "pass"}
    assert verdicts(lint_hcl(tmp_path / "b", ROLES, rule="ACC-005", policy=custom)) == {ACCOUNT: "fail"}


def test_plan_roles_exist():
    p = PlanBuilder()
    p.resource("aws_iam_role.admin", {"name": "nhc-devops-admin", "assume_role_policy": "{}"}, unknown=["arn"])
    assert verdicts(lint_plan(p.build(), rule="ACC-005")) == {"aws_iam_role.admin": "pass", ACCOUNT: "fail"}


# --- principals given as references ------------------------------------------------------------
@pytest.mark.parametrize("principal,status", [
    ("{ AWS = aws_iam_role.investigation.arn }", "pass"),
    ("{ AWS = [aws_iam_role.admin.arn, aws_iam_role.investigation.arn] }", "pass"),
    ("{ AWS = aws_iam_role.app.arn }", "fail"),
    # an account id from a data source is not known statically: could be any account
    ('{ AWS = "arn:aws:iam::${data.aws_caller_identity.me.account_id}:root" }', "unknown"),
    ('{ AWS = "arn:aws:iam::${data.aws_caller_identity.me.account_id}:user/bob" }', "unknown"),
])
def test_jsonencode_principals_by_reference(tmp_path, principal, status):
    files = (LOG_BUCKET + ROLES + role("app", "acme-app", service_trust("ec2.amazonaws.com"))
             + 'data "aws_caller_identity" "me" {}\n' + bucket_policy(read(principal)))
    assert verdicts(lint_hcl(tmp_path, files, rule="ACC-001")) == {BUCKET: status}


def test_principal_arn_condition_by_reference(tmp_path):
    def files(role_label):
        return (LOG_BUCKET + ROLES + role("app", "acme-app", service_trust("ec2.amazonaws.com"))
                + bucket_policy(read('"*"', f'{{ ArnEquals = {{ "aws:PrincipalArn" = aws_iam_role.{role_label}.arn }} }}')))
    assert verdicts(lint_hcl(tmp_path / "a", files("investigation"), rule="ACC-001")) == {BUCKET: "pass"}
    assert verdicts(lint_hcl(tmp_path / "b", files("app"), rule="ACC-001")) == {BUCKET: "fail"}


def test_plan_policy_document_principal_by_reference():
    def plan(role_label):
        p = PlanBuilder()
        p.resource(BUCKET, {"bucket": "acme-trail-logs"}, unknown=["arn", "id", "policy", "acl", "grant"])
        p.resource("aws_cloudtrail.t", {"name": "t"}, unknown=["s3_bucket_name"],
                   refs={"s3_bucket_name": [f"{BUCKET}.id"]})
        p.resource("aws_iam_role.investigation", {"name": "nvs-security-investigation", "assume_role_policy": "{}"},
                   unknown=["arn", "id"])
        p.resource("aws_iam_role.app", {"name": "acme-app", "assume_role_policy": "{}"}, unknown=["arn", "id"])
        stmt = {"sid": "Read", "effect": "Allow", "actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::acme-trail-logs/*"],
                "principals": [{"type": "AWS", "identifiers": [None]}], "condition": [], "not_actions": None,
                "not_principals": [], "not_resources": None}
        p.resource("data.aws_iam_policy_document.logs", {"statement": [stmt]},
                   unknown=["id", "json", "statement.0.principals.0.identifiers.0"],
                   refs={"statement.0.principals.0.identifiers": [f"aws_iam_role.{role_label}.arn"]},
                   actions=["read"])
        p.resource("aws_s3_bucket_policy.logs", {}, unknown=["bucket", "policy", "id"],
                   refs={"bucket": [f"{BUCKET}.id"], "policy": ["data.aws_iam_policy_document.logs.json"]})
        return p.build()
    assert verdicts(lint_plan(plan("investigation"), rule="ACC-001")) == {BUCKET: "pass"}
    assert verdicts(lint_plan(plan("app"), rule="ACC-001")) == {BUCKET: "fail"}


def test_inline_policies_from_a_directory_of_json_files(tmp_path):
    """for_each = fileset(...) over policy files, each read with file(): every file is a policy of the role
    (fileset was unknown, so the role was)."""
    main = LOG_BUCKET + APP_ROLE + '''
resource "aws_iam_role_policy" "from_files" {
  for_each = fileset("${path.module}/policies", "*.json")
  name     = trimsuffix(each.value, ".json")
  role     = aws_iam_role.app.id
  policy   = file("${path.module}/policies/${each.value}")
}
'''
    writes = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]})
    reads = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "logs:FilterLogEvents", "Resource": "*"}]})
    files = {"main.tf": main, "policies/write.json": writes, "policies/notes.txt": reads}
    assert verdicts(lint_hcl(tmp_path / "a", files, rule="ACC-002")) == {APP: "pass"}
    files["policies/read.json"] = reads
    report = lint_hcl(tmp_path / "b", files, rule="ACC-002")
    assert verdicts(report) == {APP: "fail"}
    assert "from_files[\"read.json\"]" in report.findings[0].message


def test_one_model_judged_under_two_policies_gets_each_policys_role_mapping(tmp_path):
    """Which policy role an aws_iam_role is, is kept per model for speed; judging the same model
    again under a policy with other role names must use that policy's names, not the first answer."""
    from lint_rules.engine import evaluate, get_rule
    from lint_rules.loaders import load_path

    (tmp_path / "main.tf").write_text(LOG_BUCKET + role("ops", "ops-superuser", NO_MFA_TRUST))
    model = load_path(str(tmp_path))
    acc004 = [get_rule("ACC-004")]
    first = evaluate(model, POLICY, rules=acc004)
    assert "aws_iam_role.ops" not in verdicts(first)  # not the DevOps admin role under the default names
    data = copy.deepcopy(POLICY.data)
    data["log_access"]["roles"] = [dict(r, name="*superuser*") if r["id"] == "devops_admin" else r
                                   for r in data["log_access"]["roles"]]
    second = evaluate(model, Policy(data=data, source="<test>"), rules=acc004)
    assert verdicts(second)["aws_iam_role.ops"] == "fail"  # now it is, and it has no MFA
    again = evaluate(model, POLICY, rules=acc004)
    assert verdicts(again) == verdicts(first)
