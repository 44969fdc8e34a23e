"""Log Integrity rules (INT-001, INT-002), in HCL and plan form."""
from __future__ import annotations

import copy
import json

import pytest

from lint_rules.engine import ACCOUNT
from lint_rules.policy import Policy

from ..helpers import POLICY, lint_hcl, lint_plan, verdicts
from ..planbuilder import PlanBuilder

# =============================================================================
# INT-001 log buckets keep their objects
# =============================================================================
TRAIL = '''
resource "aws_s3_bucket" "logs" {
  bucket = "acme-trail-logs"
}
resource "aws_cloudtrail" "t" {
  name           = "t"
  s3_bucket_name = aws_s3_bucket.logs.id
}
'''
BUCKET = "aws_s3_bucket.logs"


def versioning(status: str, bucket: str = "logs") -> str:
    return f'''
resource "aws_s3_bucket_versioning" "{bucket}" {{
  bucket = aws_s3_bucket.{bucket}.id
  versioning_configuration {{
    status = "{status}"
  }}
}}
'''


LOCK = '''
resource "aws_s3_bucket_object_lock_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = 2557
    }
  }
}
'''


@pytest.mark.parametrize("extra,status", [
    (versioning("Enabled"), "pass"),
    (versioning("Suspended"), "fail"),
    ("", "fail"),
    (LOCK, "pass"),
    (versioning("Suspended") + LOCK, "pass"),
    # Object Lock without a default retention locks nothing by itself, but S3 accepts an Object Lock
    # configuration only on a versioned bucket and never lets versioning be suspended again
    (LOCK.replace('''  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = 2557
    }
  }
''', ""), "pass"),
])
def test_trail_bucket_versioning_or_object_lock(tmp_path, extra, status):
    report = lint_hcl(tmp_path, TRAIL + extra, rule="INT-001")
    assert verdicts(report) == {BUCKET: status}
    if status == "fail":
        assert "versioning" in report.findings[0].message and "object lock" in report.findings[0].message


def test_legacy_inline_versioning_and_object_lock(tmp_path):
    files = TRAIL.replace('bucket = "acme-trail-logs"', '''bucket = "acme-trail-logs"
  versioning {
    enabled = true
  }''')
    assert verdicts(lint_hcl(tmp_path, files, rule="INT-001")) == {BUCKET: "pass"}
    legacy_lock = TRAIL.replace('bucket = "acme-trail-logs"', '''bucket = "acme-trail-logs"
  object_lock_configuration {
    object_lock_enabled = "Enabled"
    rule {
      default_retention {
        mode  = "GOVERNANCE"
        years = 7
      }
    }
  }''')
    assert verdicts(lint_hcl(tmp_path / "b", legacy_lock, rule="INT-001")) == {BUCKET: "pass"}


def test_every_log_source_bucket_is_checked(tmp_path):
    files = '''
resource "aws_s3_bucket" "config" {
  bucket = "acme-config"
}
resource "aws_config_delivery_channel" "c" {
  name           = "default"
  s3_bucket_name = aws_s3_bucket.config.id
}
resource "aws_s3_bucket" "findings" {
  bucket = "acme-findings"
}
resource "aws_guardduty_detector" "d" {
  enable = true
}
resource "aws_guardduty_publishing_destination" "p" {
  detector_id     = aws_guardduty_detector.d.id
  destination_arn = aws_s3_bucket.findings.arn
  kms_key_arn     = "arn:aws:kms:us-east-1:111122223333:key/x"
}
resource "aws_s3_bucket" "access" {
  bucket = "acme-access-logs"
}
resource "aws_s3_bucket" "screenshots" {
  bucket = "acme-screenshots"
}
resource "aws_s3_bucket_logging" "screenshots" {
  bucket        = aws_s3_bucket.screenshots.id
  target_bucket = aws_s3_bucket.access.id
  target_prefix = "s/"
}
resource "aws_s3_bucket" "flow" {
  bucket = "acme-flow"
}
resource "aws_flow_log" "f" {
  vpc_id               = "vpc-0123"
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = aws_s3_bucket.flow.arn
}
resource "aws_s3_bucket" "ssm" {
  bucket = "acme-ssm"
}
resource "aws_ssm_document" "session" {
  name          = "SSM-SessionManagerRunShell"
  document_type = "Session"
  content = jsonencode({
    schemaVersion = "1.0"
    sessionType   = "Standard_Stream"
    inputs        = { s3BucketName = "acme-ssm", s3EncryptionEnabled = true }
  })
}
''' + versioning("Enabled", "config") + versioning("Enabled", "access")
    report = lint_hcl(tmp_path, files, rule="INT-001")
    assert verdicts(report) == {
        "aws_s3_bucket.config": "pass", "aws_s3_bucket.findings": "fail", "aws_s3_bucket.access": "pass",
        "aws_s3_bucket.flow": "fail", "aws_s3_bucket.ssm": "fail"}
    # the screenshot bucket holds no logs: not a log bucket
    assert "aws_s3_bucket.screenshots" not in verdicts(report)


def test_bucket_outside_the_configuration_is_unknown(tmp_path):
    files = 'resource "aws_cloudtrail" "t" {\n  name           = "t"\n  s3_bucket_name = "central-logs"\n}\n'
    assert verdicts(lint_hcl(tmp_path, files, rule="INT-001")) == {"aws_cloudtrail.t": "unknown"}
    data = 'data "aws_s3_bucket" "central" {\n  bucket = "central-logs"\n}\n' + files
    assert verdicts(lint_hcl(tmp_path / "d", data, rule="INT-001")) == {"data.aws_s3_bucket.central": "unknown"}


def test_versioning_status_from_unknown_value_is_unknown(tmp_path):
    files = TRAIL + versioning("Enabled").replace('status = "Enabled"', "status = data.aws_ssm_parameter.v.value") + \
        'data "aws_ssm_parameter" "v" {\n  name = "versioning"\n}\n'
    assert verdicts(lint_hcl(tmp_path, files, rule="INT-001")) == {BUCKET: "unknown"}


def test_no_log_bucket_at_all(tmp_path):
    files = 'resource "aws_s3_bucket" "site" {\n  bucket = "acme-site"\n}\n'
    assert verdicts(lint_hcl(tmp_path, files, rule="INT-001")) == {ACCOUNT: "pass"}


def _bucket_plan(versioning_status=None, lock=False):
    p = PlanBuilder()
    p.resource(BUCKET, {"bucket": "acme-trail-logs", "object_lock_enabled": lock},
               unknown=["arn", "id", "versioning", "object_lock_configuration", "logging", "lifecycle_rule"])
    p.resource("aws_cloudtrail.t", {"name": "t"}, unknown=["s3_bucket_name", "arn"],
               refs={"s3_bucket_name": [f"{BUCKET}.id"]})
    if versioning_status:
        p.resource("aws_s3_bucket_versioning.logs", {"versioning_configuration": [{"status": versioning_status}]},
                   unknown=["bucket", "id"], refs={"bucket": [f"{BUCKET}.id"]})
    if lock:
        p.resource("aws_s3_bucket_object_lock_configuration.logs",
                   {"object_lock_enabled": "Enabled",
                    "rule": [{"default_retention": [{"mode": "GOVERNANCE", "days": 365, "years": None}]}]},
                   unknown=["bucket", "id"], refs={"bucket": [f"{BUCKET}.id"]})
    return p.build()


def test_plan_log_bucket_protection():
    assert verdicts(lint_plan(_bucket_plan("Enabled"), rule="INT-001")) == {BUCKET: "pass"}
    assert verdicts(lint_plan(_bucket_plan("Suspended"), rule="INT-001")) == {BUCKET: "fail"}
    assert verdicts(lint_plan(_bucket_plan(None), rule="INT-001")) == {BUCKET: "fail"}
    assert verdicts(lint_plan(_bucket_plan(None, lock=True), rule="INT-001")) == {BUCKET: "pass"}


# =============================================================================
# INT-002 DeleteTrail denied to every non-admin role
# =============================================================================
HUMAN_TRUST = '''jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "sts:AssumeRole" }]
  })'''


def service_trust(service: str) -> str:
    return HUMAN_TRUST.replace('AWS = "arn:aws:iam::111122223333:root"', f'Service = "{service}"')


def role(name: str, label: str = "app", trust: str = HUMAN_TRUST, extra: str = "") -> str:
    return f'''
resource "aws_iam_role" "{label}" {{
  name               = "{name}"
  assume_role_policy = {trust}{extra}
}}
'''


DENY_DOC = '''jsonencode({
    Version = "2012-10-17"
    Statement = [{ Sid = "DenyTrailDeletion", Effect = "Deny", Action = ACTIONS, Resource = RESOURCE CONDITION}]
  })'''


def deny(actions='["cloudtrail:DeleteTrail", "cloudtrail:StopLogging"]', resource='"*"', condition="") -> str:
    cond = f", Condition = {condition} " if condition else ""
    return DENY_DOC.replace("ACTIONS", actions).replace("RESOURCE", resource).replace(" CONDITION", cond)


def attached_deny(label="app", **kw) -> str:
    return f'''
resource "aws_iam_policy" "deny" {{
  name   = "deny-trail-deletion"
  policy = {deny(**kw)}
}}
resource "aws_iam_role_policy_attachment" "{label}_deny" {{
  role       = aws_iam_role.{label}.name
  policy_arn = aws_iam_policy.deny.arn
}}
'''


APP = "aws_iam_role.app"
TRAIL_ONLY = 'resource "aws_cloudtrail" "main" {\n  name           = "main"\n  s3_bucket_name = "x"\n}\n'


def test_human_role_without_denial_fails(tmp_path):
    report = lint_hcl(tmp_path, role("app") + TRAIL_ONLY, rule="INT-002")
    assert verdicts(report) == {APP: "fail"}
    assert "cloudtrail:DeleteTrail" in report.findings[0].message and "'app'" in report.findings[0].message


@pytest.mark.parametrize("how", ["attachment", "inline", "policy_attachment", "inline_block", "managed_arns",
                                 "boundary"])
def test_denial_reaches_the_role(tmp_path, how):
    if how == "attachment":
        files = role("app") + attached_deny()
    elif how == "inline":
        files = role("app") + f'''
resource "aws_iam_role_policy" "deny" {{
  role   = aws_iam_role.app.id
  policy = {deny()}
}}
'''
    elif how == "policy_attachment":
        files = role("app") + role("ci", "ci") + f'''
resource "aws_iam_policy" "deny" {{
  policy = {deny()}
}}
resource "aws_iam_policy_attachment" "deny" {{
  name       = "deny"
  roles      = [aws_iam_role.app.name, aws_iam_role.ci.name]
  policy_arn = aws_iam_policy.deny.arn
}}
'''
    elif how == "inline_block":
        files = role("app", extra=f'''
  inline_policy {{
    name   = "deny"
    policy = {deny()}
  }}''')
    elif how == "managed_arns":
        files = role("app", extra="\n  managed_policy_arns = [aws_iam_policy.deny.arn]") + \
            f'resource "aws_iam_policy" "deny" {{\n  policy = {deny()}\n}}\n'
    else:
        files = role("app", extra="\n  permissions_boundary = aws_iam_policy.boundary.arn") + '''
resource "aws_iam_policy" "boundary" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "*", Resource = "*" },
      { Effect = "Deny", Action = "cloudtrail:DeleteTrail", Resource = "*" },
    ]
  })
}
'''
    expected = {APP: "pass", "aws_iam_role.ci": "pass"} if how == "policy_attachment" else {APP: "pass"}
    assert verdicts(lint_hcl(tmp_path, files + TRAIL_ONLY, rule="INT-002")) == expected


@pytest.mark.parametrize("kw,status", [
    ({"actions": '"cloudtrail:*"'}, "pass"),
    ({"actions": '"*"'}, "pass"),
    ({"actions": '"cloudtrail:Delete*"'}, "pass"),
    ({"actions": '"cloudtrail:StopLogging"'}, "fail"),
    ({"resource": '"arn:aws:cloudtrail:*:*:trail/*"'}, "pass"),
    ({"resource": '"arn:aws:cloudtrail:us-east-1:111122223333:trail/main"'}, "pass"),
    ({"resource": '"arn:aws:cloudtrail:us-east-1:111122223333:trail/other"'}, "fail"),
    ({"condition": '{ StringEquals = { "aws:RequestedRegion" = "us-east-1" } }'}, "unknown"),
    ({"condition": '{ ArnNotLike = { "aws:PrincipalArn" = "arn:aws:iam::*:role/*devops-admin*" } }'}, "pass"),
    ({"condition": '{ ArnNotLike = { "aws:PrincipalArn" = "arn:aws:iam::*:role/app" } }'}, "fail"),
])
def test_what_counts_as_a_denial(tmp_path, kw, status):
    report = lint_hcl(tmp_path, role("app") + attached_deny(**kw) + TRAIL_ONLY, rule="INT-002")
    assert verdicts(report) == {APP: status}


def test_admin_role_is_exempt(tmp_path):
    files = role("nvs-devops-admin", "admin") + role("DevOpsAdminBreakGlass", "admin2") + TRAIL_ONLY
    assert verdicts(lint_hcl(tmp_path, files, rule="INT-002")) == {
        "aws_iam_role.admin": "pass", "aws_iam_role.admin2": "pass"}


def test_exempt_roles_come_from_the_policy(tmp_path):
    data = copy.deepcopy(POLICY.data)
    data["delete_trail_exempt_roles"] = ["*break-glass*"]
    data["log_access"]["roles"][0]["name"] = "*emergency*"  # the DevOps admin role is exempt as well
    custom = Policy(data=data, source="<test>")
    files = (role("nvs-devops-admin", "admin") + role("acme-break-glass", "bg") + role("acme-emergency", "em")
             + TRAIL_ONLY)
    assert verdicts(lint_hcl(tmp_path, files, rule="INT-002", policy=custom)) == {
        "aws_iam_role.admin": "fail", "aws_iam_role.bg": "pass", "aws_iam_role.em": "pass"}


def test_admin_role_recognised_by_tag_is_exempt(tmp_path):
    tagged = role("ops-root-access", "ops", extra='\n  tags               = { "auditgate:role" = "devops_admin" }')
    assert verdicts(lint_hcl(tmp_path, tagged + TRAIL_ONLY, rule="INT-002")) == {"aws_iam_role.ops": "pass"}


def test_roles_assumed_by_services_need_the_denial_too(tmp_path):
    """Item 8: code on an instance, in a function or a task acts through its role."""
    files = (role("acme-config", "config", service_trust("config.amazonaws.com"))
             + role("acme-lambda", "fn", service_trust("lambda.amazonaws.com"))
             + role("acme-ecs-task", "task", service_trust("ecs-tasks.amazonaws.com"))
             + role("acme-app", "app", service_trust("ec2.amazonaws.com")) + '''
resource "aws_iam_role_policy_attachment" "app_admin" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
resource "aws_iam_instance_profile" "app" {
  role = aws_iam_role.app.name
}
''' + TRAIL_ONLY)
    report = lint_hcl(tmp_path, files, rule="INT-002")
    assert verdicts(report) == {"aws_iam_role.config": "fail", "aws_iam_role.fn": "fail", "aws_iam_role.task": "fail",
                                APP: "fail"}
    assert "AdministratorAccess" in [f for f in report.findings if f.resource == APP][0].message
    fn = [f for f in report.findings if f.resource == "aws_iam_role.fn"][0].message
    assert "lambda.amazonaws.com" in fn and "only service-linked roles are exempt" in fn


def test_service_roles_with_the_denial_pass(tmp_path):
    files = role("acme-lambda", "app", service_trust("lambda.amazonaws.com")) + attached_deny() + TRAIL_ONLY
    assert verdicts(lint_hcl(tmp_path, files, rule="INT-002")) == {APP: "pass"}


def test_service_linked_roles_are_exempt(tmp_path):
    files = role("AWSServiceRoleForConfig", "slr", service_trust("config.amazonaws.com"),
                 extra='\n  path               = "/aws-service-role/"') + '''
resource "aws_iam_service_linked_role" "guardduty" {
  aws_service_name = "guardduty.amazonaws.com"
}
''' + TRAIL_ONLY
    report = lint_hcl(tmp_path, files, rule="INT-002")
    assert verdicts(report) == {"aws_iam_role.slr": "pass"}
    assert "service-linked" in report.findings[0].message


def test_allowed_stop_logging_without_denial_fails(tmp_path):
    files = role("app") + attached_deny(actions='"cloudtrail:DeleteTrail"') + '''
resource "aws_iam_role_policy" "ops" {
  role   = aws_iam_role.app.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "cloudtrail:*", Resource = "*" }] })
}
''' + TRAIL_ONLY
    report = lint_hcl(tmp_path, files, rule="INT-002")
    assert verdicts(report) == {APP: "fail"}
    assert "StopLogging" in report.findings[0].message


def test_scp_denial(tmp_path):
    scp = '''
resource "aws_organizations_policy" "deny" {
  name    = "deny-trail-deletion"
  type    = "SERVICE_CONTROL_POLICY"
  content = DOC
}
'''.replace("DOC", deny(condition='{ ArnNotLike = { "aws:PrincipalArn" = "arn:aws:iam::*:role/*devops-admin*" } }'))
    attachment = '''
resource "aws_organizations_policy_attachment" "root" {
  policy_id = aws_organizations_policy.deny.id
  target_id = "r-ab12"
}
'''
    files = role("app") + TRAIL_ONLY + scp
    assert verdicts(lint_hcl(tmp_path, files, rule="INT-002")) == {APP: "fail"}  # not attached
    assert verdicts(lint_hcl(tmp_path / "b", files + attachment, rule="INT-002")) == {APP: "pass"}


def test_unknowns(tmp_path):
    # the role's name is known only after apply: it could be the admin role
    unnamed = role("x").replace('name               = "x"',
                                'name               = "app-${data.aws_caller_identity.me.account_id}"')
    unnamed += 'data "aws_caller_identity" "me" {}\n'
    assert verdicts(lint_hcl(tmp_path, unnamed + TRAIL_ONLY, rule="INT-002")) == {APP: "unknown"}
    # ... but a denial reaching it is enough
    assert verdicts(lint_hcl(tmp_path / "b", unnamed + attached_deny() + TRAIL_ONLY, rule="INT-002")) == {
        APP: "pass"}
    # a policy outside the configuration may or may not deny
    external = role("app") + '''
resource "aws_iam_role_policy_attachment" "x" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::111122223333:policy/maybe-a-denial"
}
'''
    assert verdicts(lint_hcl(tmp_path / "c", external + TRAIL_ONLY, rule="INT-002")) == {APP: "unknown"}


def test_roles_outside_the_configuration(tmp_path):
    files = f'''
resource "aws_iam_policy" "deny" {{
  policy = {deny()}
}}
resource "aws_iam_role_policy_attachment" "ci" {{
  role       = "ci-deploy"
  policy_arn = aws_iam_policy.deny.arn
}}
''' + TRAIL_ONLY
    assert verdicts(lint_hcl(tmp_path, files, rule="INT-002")) == {"aws_iam_role_policy_attachment.ci": "pass"}
    assert verdicts(lint_hcl(tmp_path / "b", TRAIL_ONLY, rule="INT-002")) == {ACCOUNT: "fail"}


def _role_plan(policy_json: str | None, *, name: str | None = "app", trust: dict | None = None,
               unknown_policy: bool = False):
    p = PlanBuilder()
    trust = trust or {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}]}
    values = {"assume_role_policy": json.dumps(trust)}
    unknown = ["arn", "id", "unique_id", "managed_policy_arns", "inline_policy"]
    if name is None:
        unknown.append("name")
    else:
        values["name"] = name
    p.resource(APP, values, unknown=unknown)
    if policy_json is not None or unknown_policy:
        p.resource("aws_iam_policy.deny", {} if unknown_policy else {"policy": policy_json},
                   unknown=["arn", "id"] + (["policy"] if unknown_policy else []))
        p.resource("aws_iam_role_policy_attachment.deny", {"role": name} if name else {},
                   unknown=["policy_arn", "id"] + ([] if name else ["role"]),
                   refs={"role": [f"{APP}.name"], "policy_arn": ["aws_iam_policy.deny.arn"]})
    return p.build()


DENY_JSON = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Deny", "Action": ["cloudtrail:DeleteTrail", "cloudtrail:StopLogging"], "Resource": "*"}]})


def test_plan_delete_trail_denial():
    assert verdicts(lint_plan(_role_plan(DENY_JSON), rule="INT-002")) == {APP: "pass"}
    assert verdicts(lint_plan(_role_plan(None), rule="INT-002")) == {APP: "fail"}
    assert verdicts(lint_plan(_role_plan(None, name=None), rule="INT-002")) == {APP: "unknown"}
    assert verdicts(lint_plan(_role_plan(None, unknown_policy=True), rule="INT-002")) == {APP: "unknown"}
    service = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    assert verdicts(lint_plan(_role_plan(None, trust=service), rule="INT-002")) == {APP: "fail"}
    assert verdicts(lint_plan(_role_plan(DENY_JSON, trust=service), rule="INT-002")) == {APP: "pass"}
    assert verdicts(lint_plan(_role_plan(None, name="acme-devops-admin"), rule="INT-002")) == {APP: "pass"}


def test_scp_exempting_roles_by_reference(tmp_path):
    files = role("app") + role("acme-admin", "admin") + TRAIL_ONLY + '''
resource "aws_organizations_policy" "deny" {
  name    = "deny-trail-deletion"
  content = DOC
}
resource "aws_organizations_policy_attachment" "root" {
  policy_id = aws_organizations_policy.deny.id
  target_id = "r-ab12"
}
'''.replace("DOC", deny(condition='{ ArnNotLike = { "aws:PrincipalArn" = [aws_iam_role.admin.arn] } }'))
    assert verdicts(lint_hcl(tmp_path, files, rule="INT-002")) == {APP: "pass", "aws_iam_role.admin": "fail"}


def test_for_each_attachment_reaches_only_the_roles_it_names(tmp_path):
    files = role("app") + role("ci", "ci") + role("ops", "ops") + f'''
resource "aws_iam_policy" "deny" {{
  policy = {deny()}
}}
resource "aws_iam_role_policy_attachment" "deny" {{
  for_each   = {{ app = aws_iam_role.app.name, ci = aws_iam_role.ci.name }}
  role       = each.value
  policy_arn = aws_iam_policy.deny.arn
}}
''' + TRAIL_ONLY
    assert verdicts(lint_hcl(tmp_path, files, rule="INT-002")) == {
        APP: "pass", "aws_iam_role.ci": "pass", "aws_iam_role.ops": "fail"}


def test_trust_with_an_account_known_only_after_apply_is_still_human(tmp_path):
    files = role("app", trust="data.aws_iam_policy_document.assume.json") + '''
data "aws_caller_identity" "me" {}
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.me.account_id}:root"]
    }
  }
}
''' + TRAIL_ONLY
    assert verdicts(lint_hcl(tmp_path, files, rule="INT-002")) == {APP: "fail"}


def test_no_role_in_the_configuration(tmp_path):
    unattached = f'resource "aws_iam_policy" "deny" {{\n  policy = {deny()}\n}}\n' + TRAIL_ONLY
    assert verdicts(lint_hcl(tmp_path, unattached, rule="INT-002")) == {ACCOUNT: "unknown"}
    scp = f'''
resource "aws_organizations_policy" "deny" {{
  name    = "deny"
  content = {deny()}
}}
resource "aws_organizations_policy_attachment" "root" {{
  policy_id = aws_organizations_policy.deny.id
  target_id = "r-ab12"
}}
''' + TRAIL_ONLY
    assert verdicts(lint_hcl(tmp_path / "b", scp, rule="INT-002")) == {ACCOUNT: "pass"}
