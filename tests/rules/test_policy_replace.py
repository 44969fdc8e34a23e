"""``replace()`` over a policy document's JSON (terraform-aws-modules/s3-bucket's bucket policy).

The module renders its bucket policy as ``replace(replace(replace(data.aws_iam_policy_document.combined[0].json,
"_S3_BUCKET_ID_", ...), "_S3_BUCKET_ARN_", ...), "_AWS_ACCOUNT_ID_", ...)``: in HCL the policy was unknown,
so a log bucket built with this very common module was ACC-001 / DLV-006 UNKNOWN (a failed gate on a
sensible setup).  The fixture below is a minimal module written here with the same idiom (never the
third-party file itself); with ``policy = data.aws_iam_policy_document.combined[0].json`` instead of the
replace() chain, the same configuration gives the same verdicts (checked by hand on the module's own
examples/complete, which gives identical verdicts either way).
"""
from __future__ import annotations

import pytest

from lint_rules.loaders.hcl.policydoc import json_text, replace_form
from lint_rules.model import UNKNOWN, Hole, PartialString

from ..helpers import finding, lint_hcl

MODULE = '''
variable "bucket" { type = string }
variable "attach_access_log_delivery_policy" {
  type    = bool
  default = false
}
variable "attach_deny_insecure_transport_policy" {
  type    = bool
  default = false
}
variable "attach_policy" {
  type    = bool
  default = false
}
variable "policy" {
  type    = string
  default = null
}
variable "access_log_delivery_policy_source_accounts" {
  type    = list(string)
  default = []
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  attach_policy = var.attach_access_log_delivery_policy || var.attach_deny_insecure_transport_policy || var.attach_policy
  policy_placeholders = {
    "_S3_BUCKET_ID_"   = try(aws_s3_bucket.this[0].id, null),
    "_S3_BUCKET_ARN_"  = try(aws_s3_bucket.this[0].arn, null),
    "_AWS_ACCOUNT_ID_" = try(data.aws_caller_identity.current.account_id, null)
  }
  policy = local.attach_policy ? replace(
    replace(
      replace(
        data.aws_iam_policy_document.combined[0].json,
        "%(ID)s", local.policy_placeholders["_S3_BUCKET_ID_"]
      ),
      "_S3_BUCKET_ARN_", local.policy_placeholders["_S3_BUCKET_ARN_"]
    ),
    "_AWS_ACCOUNT_ID_", local.policy_placeholders["_AWS_ACCOUNT_ID_"]
  ) : ""
}

resource "aws_s3_bucket" "this" {
  count  = 1
  bucket = var.bucket
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  count  = 1
  bucket = aws_s3_bucket.this[0].id
  rule {
    apply_server_side_encryption_by_default { sse_algorithm = "AES256" }
  }
}

resource "aws_s3_bucket_policy" "this" {
  count  = local.attach_policy ? 1 : 0
  bucket = aws_s3_bucket.this[0].id
  policy = local.policy
}

data "aws_iam_policy_document" "combined" {
  count = local.attach_policy ? 1 : 0
  source_policy_documents = compact([
    var.attach_access_log_delivery_policy ? data.aws_iam_policy_document.access_log_delivery[0].json : "",
    var.attach_deny_insecure_transport_policy ? data.aws_iam_policy_document.deny_insecure_transport[0].json : "",
    var.attach_policy ? var.policy : "",
  ])
}

data "aws_iam_policy_document" "access_log_delivery" {
  count = var.attach_access_log_delivery_policy ? 1 : 0
  statement {
    sid = "AWSAccessLogDeliveryWrite"
    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this[0].arn}/*"]
    dynamic "condition" {
      for_each = length(var.access_log_delivery_policy_source_accounts) == 0 ? [] : [true]
      content {
        test     = "ForAnyValue:StringEquals"
        variable = "aws:SourceAccount"
        values   = var.access_log_delivery_policy_source_accounts
      }
    }
  }
}

data "aws_iam_policy_document" "deny_insecure_transport" {
  count = var.attach_deny_insecure_transport_policy ? 1 : 0
  statement {
    sid     = "denyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.this[0].arn,
      "${aws_s3_bucket.this[0].arn}/*",
    ]
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

output "s3_bucket_id" { value = try(aws_s3_bucket.this[0].id, "") }
'''

ROOT = '''
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

data "aws_caller_identity" "current" {}

module "log_bucket" {
  source = "./modules/bucket"
  bucket = "screenshots-access-logs"

  attach_access_log_delivery_policy          = true
  attach_deny_insecure_transport_policy      = true
  access_log_delivery_policy_source_accounts = [data.aws_caller_identity.current.account_id]
  %(EXTRA)s
}

resource "aws_s3_bucket" "screenshots" {
  bucket = "screenshots-phi"
}

resource "aws_s3_bucket_logging" "screenshots" {
  bucket        = aws_s3_bucket.screenshots.id
  target_bucket = module.log_bucket.s3_bucket_id
  target_prefix = "log/"
}
'''

BUCKET = "module.log_bucket.aws_s3_bucket.this[0]"
LOGGING = "aws_s3_bucket_logging.screenshots"


def files(extra: str = "", search: str = "_S3_BUCKET_ID_") -> dict[str, str]:
    return {"main.tf": ROOT % {"EXTRA": extra}, "modules/bucket/main.tf": MODULE % {"ID": search}}


def test_acc001_log_bucket_of_the_s3_bucket_module_idiom_is_read(tmp_path):
    # was UNKNOWN: "bucket policy ... is not known until apply"
    f = finding(lint_hcl(tmp_path, files(), rule="ACC-001"), "ACC-001", BUCKET)
    assert f.status == "pass", f.message


def test_dlv006_access_log_delivery_through_the_replaced_policy_passes(tmp_path):
    f = finding(lint_hcl(tmp_path, files(), rule="DLV-006"), "DLV-006", LOGGING)
    assert f.status == "pass", f.message
    assert "AWSAccessLogDeliveryWrite" in f.message, f.message


# the user's own policy with the placeholders the module fills in: the replacement is applied
READ_FOR_ALL = '''
  attach_policy = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid = "PublicRead", Effect = "Allow", Principal = "*", Action = "s3:GetObject",
      Resource = "_S3_BUCKET_ARN_/*"
    }]
  })
'''


def test_acc001_placeholder_policy_granting_everyone_read_fails(tmp_path):
    f = finding(lint_hcl(tmp_path, files(READ_FOR_ALL), rule="ACC-001"), "ACC-001", BUCKET)
    assert f.status == "fail", f.message


DELIVERY_BY_PLACEHOLDER = '''
  attach_policy = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid = "Logging", Effect = "Allow", Principal = { Service = "logging.s3.amazonaws.com" },
      Action = "s3:PutObject", Resource = "arn:aws:s3:::_S3_BUCKET_ID_/*"
    }]
  })
'''


def test_dlv006_placeholder_replaced_by_the_bucket_id_known_after_apply(tmp_path):
    # the module's own delivery statement is left out (attach_access_log_delivery_policy = false): the
    # write is allowed only by the user's statement once "_S3_BUCKET_ID_" is the bucket's id
    extra = DELIVERY_BY_PLACEHOLDER + "\n  attach_access_log_delivery_policy = false\n"
    text = files(extra)
    text["main.tf"] = text["main.tf"].replace(
        "  attach_access_log_delivery_policy          = true\n", "")
    f = finding(lint_hcl(tmp_path, text, rule="DLV-006"), "DLV-006", LOGGING)
    assert f.status == "pass", f.message
    assert "'Logging'" in f.message, f.message


def test_regex_replace_over_the_policy_stays_unknown(tmp_path):
    f = finding(lint_hcl(tmp_path, files(search="/_S3_BUCKET_ID_/"), rule="ACC-001"), "ACC-001", BUCKET)
    assert f.status == "unknown", f.message


def test_replace_of_a_policy_key_stays_unknown(tmp_path):
    f = finding(lint_hcl(tmp_path, files(search="Effect"), rule="ACC-001"), "ACC-001", BUCKET)
    assert f.status == "unknown", f.message


# =============================================================================
# replace_form: the replacement as terraform applies it to the JSON text
# =============================================================================
ACCOUNT = Hole(source="data.aws_caller_identity.current.account_id")
ARN = Hole(refs=("aws_s3_bucket.b.arn",))
DIGITS = frozenset("0123456789")


def alphabet(hole: Hole):
    return DIGITS if hole is ACCOUNT or hole == ACCOUNT else None


def doc(*statements) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def test_no_occurrence_leaves_the_document_as_it_is():
    form = doc({"Effect": "Allow", "Resource": [PartialString(("arn:aws:iam::", ACCOUNT, ":root"))]})
    assert replace_form(form, "_AWS_ACCOUNT_ID_", "x", alphabet) == form


def test_occurrence_in_known_text_takes_the_partial_replacement():
    form = doc({"Effect": "Allow", "Resource": ["_S3_BUCKET_ARN_/*", "other"]})
    out = replace_form(form, "_S3_BUCKET_ARN_", PartialString((ARN,)), alphabet, paste_safe=lambda h: True)
    assert out["Statement"][0]["Resource"] == [PartialString((ARN, "/*")), "other"]


@pytest.mark.parametrize("parts", [
    ("_S3_BUCK", Hole(), "ET_ARN_"),       # across an unknown piece
    ("_S3_BUCK", ACCOUNT, "ET_ARN_"),      # even one of digits (an unknown piece is taken as possibly empty)
    ("x", Hole()),                         # inside an unknown piece
])
def test_a_match_that_may_involve_an_unknown_piece_makes_the_value_unknown(parts):
    form = doc({"Effect": "Allow", "Resource": [PartialString(parts), "kept"]})
    out = replace_form(form, "_S3_BUCKET_ARN_", "arn:aws:s3:::b", alphabet)
    assert out["Statement"][0]["Resource"] == [UNKNOWN, "kept"]
    assert out["Statement"][0]["Effect"] == "Allow"


@pytest.mark.parametrize("search", ["/_S3_.*_/", "", "Statement", "Effect", "Allow\"", ":", " ", "a,b"])
def test_searches_that_could_touch_the_structure_are_unknown(search):
    form = doc({"Effect": "Allow", "Resource": ["a"]})
    assert replace_form(form, search, "x", alphabet) is UNKNOWN


def test_the_search_runs_over_the_escaped_text():
    form = doc({"Sid": "a&b", "Effect": "Allow"})
    # terraform writes "&" as \u0026: replace("&") finds nothing, replace("u0026") cuts the escape
    assert replace_form(form, "&", "X", alphabet) == form
    assert replace_form(form, "u0026", "X", alphabet) is UNKNOWN
    assert json_text("a&b<\"") == 'a\\u0026b\\u003c\\"'


def test_a_replacement_that_could_break_the_json_is_unknown_where_it_lands():
    form = doc({"Effect": "Allow", "Resource": ["_S3_BUCKET_ARN_"]})
    assert replace_form(form, "_S3_BUCKET_ARN_", PartialString((Hole(),)), alphabet) is UNKNOWN
    assert replace_form(form, "_S3_BUCKET_ARN_", 'a"b', alphabet) is UNKNOWN
    # nowhere to land: the document stands
    assert replace_form(form, "_AWS_ACCOUNT_ID_", PartialString((Hole(),)), alphabet) == form


def test_an_unknown_piece_is_searched_as_its_json_text():
    # a piece made only of "<" is written \u003c: "u003c" may match in it
    lt = Hole(source="lt")
    form = doc({"Effect": "Allow", "Resource": [PartialString(("a", lt))]})
    out = replace_form(form, "u003c", "x", lambda h: frozenset("<") if h == lt else None)
    assert out["Statement"][0]["Resource"] == [UNKNOWN]
    assert replace_form(form, "_S3_BUCKET_ID_", "x", lambda h: frozenset("<") if h == lt else None) == form
