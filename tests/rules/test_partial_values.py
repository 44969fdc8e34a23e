"""Partially known values (HCL): what the known parts of an unknown value prove, and nothing more.

Four idioms that used to make a compliant configuration ``unknown``:

1. ``policy = jsonencode({...})`` whose Resource is ``"${aws_s3_bucket.x.arn}/*"`` (CT-007);
2. an SSM Session document ``content = jsonencode({...})`` with ``kmsKeyId = aws_kms_key.x.key_id``
   or ``s3BucketName = aws_s3_bucket.x.bucket`` (SSM-001 / RET-008);
3. ``bucket = "acme-screenshots-${account_id}"`` against the glob ``*screenshot*`` (S3L-001 / RET-007),
   and application log group names likewise (APP-001);
4. CloudTrail data events ``values = ["${aws_s3_bucket.phi.arn}/"]`` (CT-003, CT-004).

Every case is checked in HCL form (pass when the known parts prove it, fail when they
disprove it, unknown otherwise) and in terraform's plan of the same configuration (the real
terraform with the offline AWS provider, tests/offline_tf.py), where only references are known:
there the verdict stays ``unknown``.
"""
from __future__ import annotations

import hashlib
import json
import re

import pytest

from lint_rules.engine import ACCOUNT
from lint_rules.policy import Policy

from ..helpers import POLICY, lint_hcl, lint_plan, verdicts

TRAIL = "aws_cloudtrail.main"
DOC = "aws_ssm_document.session"

def plan_verdicts(offline_tf, tmp_path, files: dict[str, str], rule: str) -> dict[str, str]:
    """Verdicts of ``rule`` on terraform's plan of the same configuration (the offline provider)."""
    root = tmp_path / f"plan_root_{hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:8]}"
    if not root.is_dir():
        root.mkdir()
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        # a plan needs every root variable; the ones these tests declare are not what is tested
        samples = {"string": '"x"', "bool": "false", "any": '"x"', "list(any)": "[]"}
        declared = re.findall(r'variable "(\w+)" \{\n  type = ([\w()]+)\n\}', "".join(files.values()))
        (root / "test.auto.tfvars").write_text("".join(f"{n} = {samples[t]}\n" for n, t in declared))
    return verdicts(lint_plan(offline_tf.plan(root), rule=rule), rule)


def hcl_verdicts(tmp_path, files: dict[str, str], rule: str, policy=None) -> dict[str, str]:
    return verdicts(lint_hcl(tmp_path / "hcl_root", files, rule=rule, policy=policy), rule)


# =============================================================================================
# 1. CT-007: a jsonencode() bucket policy with unknown Resource values
# =============================================================================================
TRAIL_BASE = '''
resource "aws_kms_key" "trail" {
  description         = "cloudtrail"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "ct" {
  bucket = "acme-trail-logs"
}

resource "aws_cloudtrail" "main" {
  name                       = "org-trail"
  s3_bucket_name             = aws_s3_bucket.ct.id
  is_multi_region_trail      = true
  enable_log_file_validation = true
  kms_key_id                 = aws_kms_key.trail.arn
}

data "aws_caller_identity" "current" {}

variable "who" {
  type = string
}
'''


def ct_policy(statements: str, extra: str = "") -> dict[str, str]:
    return {"main.tf": TRAIL_BASE + extra + f'''
resource "aws_s3_bucket_policy" "ct" {{
  bucket = aws_s3_bucket.ct.id
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = {statements}
  }})
}}
'''}


CT_WRITE = '''{
      Sid       = "AWSCloudTrailWrite"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "${aws_s3_bucket.ct.arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/*"
      Condition = { StringEquals = { "s3:x-amz-acl" = "bucket-owner-full-control" } }
    }'''
CT_DENY = '''{
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.ct.arn, "${aws_s3_bucket.ct.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }'''


def test_ct007_jsonencode_policy_with_unknown_resources_passes(tmp_path):
    files = ct_policy(f"[{CT_WRITE}, {CT_DENY}]")
    assert hcl_verdicts(tmp_path, files, "CT-007") == {TRAIL: "pass"}


@pytest.mark.terraform
def test_ct007_jsonencode_policy_is_unknown_in_plan_form(offline_tf, tmp_path):
    # the plan records only the references of a jsonencode() argument, not its shape
    files = ct_policy(f"[{CT_WRITE}, {CT_DENY}]")
    assert plan_verdicts(offline_tf, tmp_path, files, "CT-007") == {TRAIL: "unknown"}


def ct_heredoc_policy(statements: str) -> dict[str, str]:
    """The bucket policy as JSON text in a heredoc, its unknown pieces interpolated
    (JamesWoolfenden/terraform-aws-cloudtrail writes it so)."""
    return {"main.tf": TRAIL_BASE + f'''
resource "aws_s3_bucket_policy" "ct" {{
  bucket = aws_s3_bucket.ct.id
  policy = <<POLICY
{{
  "Version": "2012-10-17",
  "Statement": {statements}
}}
POLICY
}}
'''}


HEREDOC_WRITE = '''{
    "Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
    "Action": "s3:PutObject",
    "Resource": "${aws_s3_bucket.ct.arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/*",
    "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}
  }'''
HEREDOC_PUBLIC_READ = '''{
    "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "${aws_s3_bucket.ct.arn}/*"
  }'''


WRITE_ACTION_UNKNOWN = HEREDOC_WRITE.replace('"Action": "s3:PutObject"', '"Action": ${jsonencode(var.who)}')
WRITE_KEY_UNKNOWN = HEREDOC_WRITE.replace('"s3:x-amz-acl"', '"${var.who}"')


@pytest.mark.parametrize("statements, status", [
    ("[" + HEREDOC_WRITE + "]", "pass"),
    ("[" + HEREDOC_WRITE + ", " + HEREDOC_PUBLIC_READ + "]", "fail"),
    # a piece outside a JSON string could change the document's shape: not read
    ("[" + WRITE_ACTION_UNKNOWN + "]", "unknown"),
    # a piece in a key: the document's shape is not known
    ("[" + WRITE_KEY_UNKNOWN + "]", "unknown"),
])
def test_ct007_heredoc_policy_with_unknown_pieces(tmp_path, statements, status):
    assert hcl_verdicts(tmp_path, ct_heredoc_policy(statements), "CT-007") == {TRAIL: status}


@pytest.mark.terraform
@pytest.mark.parametrize("statements, status", [
    ("[" + HEREDOC_WRITE + "]", "pass"),
    ("[" + HEREDOC_WRITE + ", " + HEREDOC_PUBLIC_READ + "]", "fail"),
])
def test_ct007_heredoc_policy_agrees_with_terraforms_plan(offline_tf, tmp_path, statements, status):
    # the bucket's ARN spelled out: terraform then knows the whole text (the offline provider reads the
    # caller identity), and its plan must agree with what the HCL reader makes of the unknown account
    statements = statements.replace("${aws_s3_bucket.ct.arn}", "arn:aws:s3:::acme-trail-logs")
    files = ct_heredoc_policy(statements)
    assert hcl_verdicts(tmp_path, files, "CT-007") == {TRAIL: status}
    assert plan_verdicts(offline_tf, tmp_path, files, "CT-007") == {TRAIL: status}


def ct_templatefile_policy(statements: str, variables: str) -> dict[str, str]:
    """The bucket policy rendered from a template file with unknown values (AFT writes its policies so)."""
    return {"main.tf": TRAIL_BASE + f'''
resource "aws_s3_bucket_policy" "ct" {{
  bucket = aws_s3_bucket.ct.id
  policy = templatefile("${{path.module}}/policies/bucket.json.tpl", {{
{variables}
  }})
}}
''', "policies/bucket.json.tpl": '{\n  "Version": "2012-10-17",\n  "Statement": ' + statements + "\n}\n"}


TPL_WRITE = HEREDOC_WRITE.replace("${aws_s3_bucket.ct.arn}", "${bucket_arn}").replace(
    "${data.aws_caller_identity.current.account_id}", "${account_id}")
TPL_PUBLIC_READ = HEREDOC_PUBLIC_READ.replace("${aws_s3_bucket.ct.arn}", "${bucket_arn}")
TPL_VARS = '''    bucket_arn = aws_s3_bucket.ct.arn
    account_id = data.aws_caller_identity.current.account_id'''


@pytest.mark.parametrize("statements, variables, status", [
    ("[" + TPL_WRITE + "]", TPL_VARS, "pass"),
    ("[" + TPL_WRITE + ", " + TPL_PUBLIC_READ + "]", TPL_VARS, "fail"),
    # a variable's piece may hold a quote (x", "Principal": "*): the text could be another document
    ("[" + TPL_WRITE.replace('{"Service": "cloudtrail.amazonaws.com"}', '{"AWS": "${writer}"}') + "]",
     TPL_VARS + "\n    writer = var.who", "unknown"),
    # an AWS-made piece (a KMS key's ARN) holds no quote: read, and any AWS principal allowed to write fails
    ("[" + TPL_WRITE.replace('{"Service": "cloudtrail.amazonaws.com"}', '{"AWS": "${writer}"}') + "]",
     TPL_VARS + "\n    writer = aws_kms_key.trail.arn", "fail"),
    # the principal is a piece outside a JSON string: the document's shape is not known
    ("[" + TPL_WRITE.replace('{"Service": "cloudtrail.amazonaws.com"}', '${principal}') + "]",
     TPL_VARS + "\n    principal = jsonencode({ Service = var.who })", "unknown"),
])
def test_ct007_templatefile_policy_with_unknown_values(tmp_path, statements, variables, status):
    assert hcl_verdicts(tmp_path, ct_templatefile_policy(statements, variables), "CT-007") == {TRAIL: status}


@pytest.mark.terraform
def test_ct007_templatefile_policy_agrees_with_terraforms_plan(offline_tf, tmp_path):
    variables = TPL_VARS.replace("aws_s3_bucket.ct.arn", '"arn:aws:s3:::acme-trail-logs"')
    for statements, status in (("[" + TPL_WRITE + "]", "pass"),
                               ("[" + TPL_WRITE + ", " + TPL_PUBLIC_READ + "]", "fail")):
        files = ct_templatefile_policy(statements, variables)
        assert hcl_verdicts(tmp_path / status, files, "CT-007") == {TRAIL: status}
        assert plan_verdicts(offline_tf, tmp_path / status, files, "CT-007") == {TRAIL: status}


def test_ct007_known_parts_that_grant_a_write_fail(tmp_path):
    # the principal's account is not known, but any AWS principal allowed to write fails
    other = '''{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "s3:PutObject"
      Resource  = "${aws_s3_bucket.ct.arn}/*"
    }'''
    assert hcl_verdicts(tmp_path, ct_policy(f"[{CT_WRITE}, {other}]"), "CT-007") == {TRAIL: "fail"}


def test_ct007_public_allow_with_unknown_resource_fails(tmp_path):
    public = '''{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.ct.arn}/*"
    }'''
    assert hcl_verdicts(tmp_path, ct_policy(f"[{CT_WRITE}, {public}]"), "CT-007") == {TRAIL: "fail"}


@pytest.mark.parametrize("statement", [
    # the principal that matters is unknown
    '''{ Effect = "Allow", Principal = { Service = var.who }, Action = "s3:PutObject", Resource = "x" }''',
    # the effect is unknown
    '''{ Effect = var.who, Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "s3:PutObject",
         Resource = "x" }''',
    # the action is unknown
    '''{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = var.who,
         Resource = "x" }''',
], ids=["principal", "effect", "action"])
def test_ct007_unknown_leaves_that_matter_stay_unknown(tmp_path, statement):
    assert hcl_verdicts(tmp_path, ct_policy(f"[{CT_WRITE}, {statement}]"), "CT-007") == {TRAIL: "unknown"}


@pytest.mark.parametrize("statements, extra", [
    ("concat([" + CT_WRITE + "], var.extra)", 'variable "extra" {\n  type = list(any)\n}\n'),
    ("[" + CT_WRITE + ", var.extra]", 'variable "extra" {\n  type = any\n}\n'),
    ("[" + CT_DENY.replace('{ Bool = { "aws:SecureTransport" = "false" } }', "var.extra") + "]",
     'variable "extra" {\n  type = any\n}\n'),
], ids=["statement-list", "one-statement", "whole-condition"])
def test_ct007_unknown_statements_or_conditions_stay_unknown(tmp_path, statements, extra):
    # a statement list, a statement or a Condition that is not known as a whole proves nothing
    assert hcl_verdicts(tmp_path, ct_policy(statements, extra), "CT-007") == {TRAIL: "unknown"}


# =============================================================================================
# 2. SSM-001 / RET-008: Session document content with unknown inputs
# =============================================================================================
SSM_BASE = '''
resource "aws_kms_key" "ssm" {
  description = "ssm"
}

resource "aws_cloudwatch_log_group" "ssm" {
  name              = "/ssm/sessions"
  retention_in_days = 365
}

resource "aws_s3_bucket" "sessions" {
  bucket_prefix = "acme-sessions-"
}

variable "name" {
  type = string
}

variable "flag" {
  type = bool
}
'''


def session(inputs: str, extra: str = "") -> dict[str, str]:
    return {"main.tf": SSM_BASE + extra + f'''
resource "aws_ssm_document" "session" {{
  name            = "SSM-SessionManagerRunShell"
  document_type   = "Session"
  document_format = "JSON"
  content = jsonencode({{
    schemaVersion = "1.0"
    sessionType   = "Standard_Stream"
    inputs = {{
      {inputs}
    }}
  }})
}}
'''}


COMPLIANT_INPUTS = '''kmsKeyId                    = aws_kms_key.ssm.key_id
      s3BucketName                = aws_s3_bucket.sessions.bucket
      s3EncryptionEnabled         = true
      cloudWatchLogGroupName      = "/ssm/sessions"
      cloudWatchEncryptionEnabled = true'''


def test_ssm_content_with_resource_references_passes(tmp_path):
    files = session(COMPLIANT_INPUTS)
    assert hcl_verdicts(tmp_path, files, "SSM-001") == {DOC: "pass"}
    assert hcl_verdicts(tmp_path, files, "RET-008") == {DOC: "pass"}


@pytest.mark.terraform
def test_ssm_content_with_resource_references_is_unknown_in_plan_form(offline_tf, tmp_path):
    files = session(COMPLIANT_INPUTS)
    assert plan_verdicts(offline_tf, tmp_path, files, "SSM-001") == {DOC: "unknown"}
    assert plan_verdicts(offline_tf, tmp_path, files, "RET-008") == {DOC: "unknown"}


def test_ssm_only_kms_key_unknown_passes_without_a_not_set_note(tmp_path):
    report = lint_hcl(tmp_path, session('''kmsKeyId = aws_kms_key.ssm.key_id
      cloudWatchLogGroupName = aws_cloudwatch_log_group.ssm.name
      cloudWatchEncryptionEnabled = true'''), rule="SSM-001")
    assert verdicts(report) == {DOC: "pass"}
    assert "kmsKeyId is not set" not in report.findings[0].message


def test_ssm_referenced_bucket_unencrypted_fails(tmp_path):
    files = session(COMPLIANT_INPUTS.replace("s3EncryptionEnabled         = true", "s3EncryptionEnabled = false"))
    report = lint_hcl(tmp_path, files, rule="SSM-001")
    assert verdicts(report) == {DOC: "fail"}
    assert "aws_s3_bucket.sessions.bucket" in report.findings[0].message


def test_ret008_referenced_bucket_expiring_early_fails(tmp_path):
    lifecycle = '''
resource "aws_s3_bucket_lifecycle_configuration" "sessions" {
  bucket = aws_s3_bucket.sessions.id
  rule {
    id     = "short"
    status = "Enabled"
    filter {}
    expiration {
      days = 30
    }
  }
}
'''
    assert hcl_verdicts(tmp_path, session(COMPLIANT_INPUTS, lifecycle), "RET-008") == {DOC: "fail"}


@pytest.mark.parametrize("inputs", [
    # a destination that is not exactly one resource's attribute
    COMPLIANT_INPUTS.replace("aws_s3_bucket.sessions.bucket", "var.name"),
    COMPLIANT_INPUTS.replace("aws_s3_bucket.sessions.bucket", '"${aws_s3_bucket.sessions.bucket}-x"'),
    COMPLIANT_INPUTS.replace('"/ssm/sessions"', '"/ssm/${var.name}"'),
    # a resource attribute that is not the name of a bucket
    COMPLIANT_INPUTS.replace("aws_s3_bucket.sessions.bucket", "aws_kms_key.ssm.key_id"),
], ids=["var", "derived-from-reference", "log-group-template", "not-a-bucket-name"])
def test_ssm_unknown_destination_stays_unknown(tmp_path, inputs):
    files = session(inputs)
    assert hcl_verdicts(tmp_path, files, "SSM-001") == {DOC: "unknown"}
    assert hcl_verdicts(tmp_path, files, "RET-008") == {DOC: "unknown"}


def test_ssm_unknown_encryption_flag_is_unknown_not_fail(tmp_path):
    files = session(COMPLIANT_INPUTS.replace("s3EncryptionEnabled         = true", "s3EncryptionEnabled = var.flag"))
    assert hcl_verdicts(tmp_path, files, "SSM-001") == {DOC: "unknown"}


def test_ssm_unknown_inputs_object_stays_unknown(tmp_path):
    files = {"main.tf": SSM_BASE + '''
resource "aws_ssm_document" "session" {
  name            = "SSM-SessionManagerRunShell"
  document_type   = "Session"
  document_format = "JSON"
  content         = jsonencode({ schemaVersion = "1.0", inputs = var.name })
}
'''}
    assert hcl_verdicts(tmp_path, files, "SSM-001") == {DOC: "unknown"}
    assert hcl_verdicts(tmp_path, files, "RET-008") == {DOC: "unknown"}


# =============================================================================================
# 3. S3L-001 / RET-007 / APP-001: names known only in part against globs
# =============================================================================================
SHOTS = "aws_s3_bucket.screenshots"


def screenshots(bucket_expr: str, target: str = "aws_s3_bucket.access_logs.id") -> dict[str, str]:
    return {"main.tf": f'''
data "aws_caller_identity" "current" {{}}

variable "kind" {{
  type = string
}}

resource "aws_s3_bucket" "screenshots" {{
  bucket = {bucket_expr}
}}

resource "aws_s3_bucket" "access_logs" {{
  bucket = "acme-access-logs"
}}

resource "aws_s3_bucket_logging" "screenshots" {{
  bucket        = aws_s3_bucket.screenshots.id
  target_bucket = {target}
  target_prefix = "screenshots/"
}}
'''}


INTERPOLATED = '"acme-screenshots-${data.aws_caller_identity.current.account_id}"'


def test_interpolated_screenshot_bucket_name_matches(tmp_path):
    files = screenshots(INTERPOLATED)
    assert hcl_verdicts(tmp_path, files, "S3L-001") == {SHOTS: "pass"}
    assert hcl_verdicts(tmp_path, files, "RET-007") == {SHOTS: "pass"}


def test_interpolated_screenshot_bucket_logging_to_itself_fails(tmp_path):
    files = screenshots(INTERPOLATED, target="aws_s3_bucket.screenshots.id")
    assert hcl_verdicts(tmp_path, files, "S3L-001") == {SHOTS: "fail"}


@pytest.mark.terraform
def test_screenshot_bucket_name_from_a_resource_attribute_is_unknown_in_plan_form(offline_tf, tmp_path):
    # plan form: only the value, known after apply, is there (the caller identity would be read
    # at plan time, so an attribute of a managed resource stands in for "known after apply")
    files = screenshots('"acme-screenshots-${aws_s3_bucket.access_logs.id}"')
    assert hcl_verdicts(tmp_path, files, "S3L-001") == {SHOTS: "pass"}
    assert plan_verdicts(offline_tf, tmp_path, files, "S3L-001") == {ACCOUNT: "unknown"}


@pytest.mark.parametrize("bucket_expr", [
    '"acme-${var.kind}-${data.aws_caller_identity.current.account_id}"',  # could be anything
    '"${var.kind}"',
    '"acme-screen${var.kind}shots"',  # "screenshot" is not in one known piece
])
def test_screenshot_name_that_may_or_may_not_match_stays_unknown(tmp_path, bucket_expr):
    report = lint_hcl(tmp_path, screenshots(bucket_expr), rule="S3L-001")
    assert verdicts(report) == {ACCOUNT: "unknown"}
    assert SHOTS in report.findings[0].message  # named among the buckets whose name is not known


def test_name_that_cannot_match_is_not_the_screenshot_bucket(tmp_path):
    # "*screenshot*" could always be inside an unknown piece; a glob anchored at the start cannot
    policy = Policy({**POLICY.data, "screenshot_bucket": "acme-screenshots-*"}, "<test policy>")
    files = screenshots('"acme-logs-${data.aws_caller_identity.current.account_id}"')
    report = lint_hcl(tmp_path, files, rule="S3L-001", policy=policy)
    assert verdicts(report) == {ACCOUNT: "unknown"}  # no screenshot bucket at all, as before
    assert SHOTS not in report.findings[0].message
    assert "aws_s3_bucket.access_logs" not in report.findings[0].message  # known name, no match
    files = screenshots('"acme-screenshots-${data.aws_caller_identity.current.account_id}"')
    assert hcl_verdicts(tmp_path, files, "S3L-001", policy=policy) == {SHOTS: "pass"}


def app_groups(django: str, laravel: str = '"/app/laravel"') -> dict[str, str]:
    return {"main.tf": f'''
variable "env" {{
  type = string
}}

resource "aws_cloudwatch_log_group" "django" {{
  name              = {django}
  retention_in_days = 365
}}

resource "aws_cloudwatch_log_group" "laravel" {{
  name              = {laravel}
  retention_in_days = 365
}}
'''}


APP_POLICY = Policy({**POLICY.data, "application_log_groups": {"django": "/app/django*", "laravel": "/app/laravel*"}},
                    "<test policy>")


def test_app_log_group_name_with_unknown_suffix_matches(tmp_path):
    files = app_groups('"/app/django/${var.env}"')
    got = hcl_verdicts(tmp_path, files, "APP-001", policy=APP_POLICY)
    assert got == {"aws_cloudwatch_log_group.django": "pass", "aws_cloudwatch_log_group.laravel": "pass"}
    got = hcl_verdicts(tmp_path, files, "RET-006", policy=APP_POLICY)
    assert got == {"aws_cloudwatch_log_group.django": "pass", "aws_cloudwatch_log_group.laravel": "pass"}


def test_app_log_group_name_prefix_template_matches(tmp_path):
    files = app_groups('"/app/django/x"').copy()
    files["main.tf"] = files["main.tf"].replace('name              = "/app/django/x"',
                                                'name_prefix       = "/app/django/${var.env}-"')
    got = hcl_verdicts(tmp_path, files, "APP-001", policy=APP_POLICY)
    assert got["aws_cloudwatch_log_group.django"] == "pass"


def test_app_log_group_name_that_cannot_match_fails(tmp_path):
    got = hcl_verdicts(tmp_path, app_groups('"/ecs/${var.env}"'), "APP-001", policy=APP_POLICY)
    assert got == {ACCOUNT: "fail", "aws_cloudwatch_log_group.laravel": "pass"}


def test_app_log_group_name_that_may_match_stays_unknown(tmp_path):
    got = hcl_verdicts(tmp_path, app_groups('"${var.env}/django"'), "APP-001", policy=APP_POLICY)
    assert got == {ACCOUNT: "unknown", "aws_cloudwatch_log_group.laravel": "pass"}


# =============================================================================================
# 4. CT-003 / CT-004: data event selectors built from resource references
# =============================================================================================
CT3_BASE = '''
variable "p" {
  type = string
}

resource "aws_s3_bucket" "ct" {
  bucket = "acme-trail-logs"
}

resource "aws_s3_bucket" "phi" {
  bucket_prefix = "acme-phi-"
}

resource "aws_cloudtrail" "main" {
  name           = "org-trail"
  s3_bucket_name = aws_s3_bucket.ct.id
%s}
'''


def basic(values: str, dtype: str = "AWS::S3::Object", extra: str = "") -> dict[str, str]:
    selector = f'''  event_selector {{
    read_write_type           = "All"
    include_management_events = true
    data_resource {{
      type   = "{dtype}"
      values = {values}
    }}
  }}
'''
    return {"main.tf": CT3_BASE % selector + extra}


def advanced(arn_selector: str) -> dict[str, str]:
    selector = f'''  advanced_event_selector {{
    field_selector {{
      field  = "eventCategory"
      equals = ["Data"]
    }}
    field_selector {{
      field  = "resources.type"
      equals = ["AWS::S3::Object"]
    }}
    field_selector {{
      field = "resources.ARN"
      {arn_selector}
    }}
  }}
'''
    return {"main.tf": CT3_BASE % selector}


BOTH = '["arn:aws:s3:::acme-trail-logs/", "${aws_s3_bucket.phi.arn}/"]'


@pytest.mark.parametrize("values", [
    BOTH,
    '["${aws_s3_bucket.ct.arn}/", "${aws_s3_bucket.phi.arn}/"]',
    '["arn:aws:s3:::acme-trail-logs/", "arn:aws:s3:::${aws_s3_bucket.phi.bucket}/"]',
    '["arn:aws:s3:::acme-trail-logs/", "arn:aws:s3:::${aws_s3_bucket.phi.id}/"]',
])
def test_ct003_bucket_arn_plus_slash_covers_the_bucket(tmp_path, values):
    assert hcl_verdicts(tmp_path, basic(values), "CT-003") == {TRAIL: "pass"}


@pytest.mark.terraform
def test_ct003_bucket_arn_reference_is_unknown_in_plan_form(offline_tf, tmp_path):
    assert plan_verdicts(offline_tf, tmp_path, basic(BOTH), "CT-003") == {TRAIL: "unknown"}


# (the trail bucket is named by reference here: a literal name could be phi's unknown one)
@pytest.mark.parametrize("values", [
    '["${aws_s3_bucket.ct.arn}/", "${aws_s3_bucket.phi.arn}/2024/"]',
    '["${aws_s3_bucket.ct.arn}/", "arn:aws:s3:::${aws_s3_bucket.phi.bucket}/logs/"]',
    '["${aws_s3_bucket.ct.arn}/", "${aws_s3_bucket.phi.arn}/${var.p}/x"]',
    # the whole of *another* bucket covers nothing of this one
    '["${aws_s3_bucket.ct.arn}/"]',
], ids=["key-prefix", "name-key-prefix", "known-text-after-unknown", "other-bucket"])
def test_ct003_key_prefix_or_other_bucket_does_not_cover_it(tmp_path, values):
    report = lint_hcl(tmp_path, basic(values), rule="CT-003")
    assert verdicts(report) == {TRAIL: "fail"}
    assert "aws_s3_bucket.phi" in report.findings[0].message


@pytest.mark.parametrize("values", [
    '["arn:aws:s3:::acme-trail-logs/", "${aws_s3_bucket.phi.arn}/${var.p}"]',  # maybe empty, maybe a prefix
    '["arn:aws:s3:::acme-trail-logs/", "${aws_s3_bucket.phi.arn}"]',  # no "/": not the documented form
    '["arn:aws:s3:::acme-trail-logs/", "${var.p}/"]',
    '["arn:aws:s3:::acme-trail-logs/", "arn:aws:s3:::${var.p}/"]',
])
def test_ct003_undecidable_values_stay_unknown(tmp_path, values):
    assert hcl_verdicts(tmp_path, basic(values), "CT-003") == {TRAIL: "unknown"}


def test_ct003_advanced_starts_with_bucket_arn(tmp_path):
    ok = advanced('starts_with = ["arn:aws:s3:::acme-trail-logs/", "${aws_s3_bucket.phi.arn}/"]')
    assert hcl_verdicts(tmp_path / "ok", ok, "CT-003") == {TRAIL: "pass"}
    part = advanced('starts_with = ["${aws_s3_bucket.ct.arn}/", "${aws_s3_bucket.phi.arn}/2024/"]')
    assert hcl_verdicts(tmp_path / "part", part, "CT-003") == {TRAIL: "fail"}


def test_ct003_counted_bucket_instance_reference_covers_only_that_instance(tmp_path):
    files = {"main.tf": (CT3_BASE % '''  event_selector {
    read_write_type = "All"
    data_resource {
      type   = "AWS::S3::Object"
      values = ["${aws_s3_bucket.ct.arn}/", "${aws_s3_bucket.many[0].arn}/"]
    }
  }
''').replace('resource "aws_s3_bucket" "phi" {\n  bucket_prefix = "acme-phi-"\n}\n',
             'resource "aws_s3_bucket" "many" {\n  count         = 2\n  bucket_prefix = "acme-many-"\n}\n')}
    report = lint_hcl(tmp_path, files, rule="CT-003")
    assert verdicts(report) == {TRAIL: "fail"}
    missing = report.findings[0].message.split(" (selectors:")[0]
    assert "aws_s3_bucket.many[1]" in missing and "aws_s3_bucket.many[0]" not in missing


LAMBDA = '''
resource "aws_lambda_function" "f" {
  function_name = "phi-export"
  role          = "arn:aws:iam::111122223333:role/lambda"
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "export.zip"
}
'''


@pytest.mark.parametrize("values, status", [
    ("[aws_lambda_function.f.arn]", "pass"),
    ('["${aws_lambda_function.f.arn}"]', "pass"),
    ('["${aws_lambda_function.f.arn}:1"]', "fail"),  # one qualified version only
    ('["${aws_lambda_function.f.arn}${var.p}"]', "unknown"),
])
def test_ct004_lambda_function_arn_reference(tmp_path, values, status):
    files = basic(values, dtype="AWS::Lambda::Function", extra=LAMBDA)
    assert hcl_verdicts(tmp_path, files, "CT-004") == {TRAIL: status}
