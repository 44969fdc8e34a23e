"""CloudTrail Requirements rules (CT-001 .. CT-009), in HCL and plan form."""
from __future__ import annotations

import copy
import re

import pytest

from lint_rules.engine import ACCOUNT, all_rules
from lint_rules.policy import Policy

from ..helpers import POLICY, lint_hcl, lint_plan, shared_dir, verdicts
from ..planbuilder import PlanBuilder

TRAIL = "aws_cloudtrail.main"

# --------------------------------------------------------------------------------------------
# HCL baseline: a compliant trail, bucket, key.  Each piece can be replaced or dropped (None).
# --------------------------------------------------------------------------------------------
KMS = '''
resource "aws_kms_key" "trail" {
  description         = "cloudtrail"
  enable_key_rotation = true
}
'''
BUCKET = '''
resource "aws_s3_bucket" "trail" {
  bucket = "acme-trail-logs"
}
'''
VERSIONING = '''
resource "aws_s3_bucket_versioning" "trail" {
  bucket = aws_s3_bucket.trail.id
  versioning_configuration {
    status = "Enabled"
  }
}
'''
PAB = '''
resource "aws_s3_bucket_public_access_block" "trail" {
  bucket                  = aws_s3_bucket.trail.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
'''
BUCKET_POLICY = '''
data "aws_iam_policy_document" "trail" {
  statement {
    sid     = "AWSCloudTrailAclCheck"
    effect  = "Allow"
    actions = ["s3:GetBucketAcl"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    resources = [aws_s3_bucket.trail.arn]
  }
  statement {
    sid     = "AWSCloudTrailWrite"
    effect  = "Allow"
    actions = ["s3:PutObject"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    resources = ["${aws_s3_bucket.trail.arn}/AWSLogs/*"]
    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }
  }
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    resources = [aws_s3_bucket.trail.arn, "${aws_s3_bucket.trail.arn}/*"]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "trail" {
  bucket = aws_s3_bucket.trail.id
  policy = data.aws_iam_policy_document.trail.json
}
'''
ALL_S3_SELECTOR = '''
  event_selector {
    read_write_type           = "All"
    include_management_events = true
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
  }
'''

TRAIL_DEFAULTS = {
    "name": '"org-trail"',
    "s3_bucket_name": "aws_s3_bucket.trail.id",
    "is_multi_region_trail": "true",
    "enable_log_file_validation": "true",
    "kms_key_id": "aws_kms_key.trail.arn",
}


def trail_hcl(label: str = "main", body: str = ALL_S3_SELECTOR, **attrs) -> str:
    """An aws_cloudtrail block; attrs are raw HCL expressions (None drops the default)."""
    values = dict(TRAIL_DEFAULTS)
    values.update(attrs)
    lines = [f"  {k} = {v}" for k, v in values.items() if v is not None]
    return f'\nresource "aws_cloudtrail" "{label}" {{\n' + "\n".join(lines) + "\n" + body + "}\n"


def hcl(trail: str | None = None, **pieces) -> dict[str, str]:
    """The compliant baseline with pieces replaced (kms/bucket/versioning/pab/bucket_policy=None drops one)."""
    parts = {"kms": KMS, "bucket": BUCKET, "versioning": VERSIONING, "pab": PAB, "bucket_policy": BUCKET_POLICY}
    extra = pieces.pop("extra", "")
    parts.update(pieces)
    text = "".join(v for v in parts.values() if v) + (trail_hcl() if trail is None else trail) + extra
    return {"main.tf": text}


def run_hcl(tmp_path, rule, trail=None, policy=None, **pieces):
    return verdicts(lint_hcl(tmp_path, hcl(trail, **pieces), rule=rule, policy=policy), rule)


def messages(report, rule):
    return {f.resource: f.message for f in report.findings if f.rule_id == rule}


# --------------------------------------------------------------------------------------------
# Plan baseline, as terraform would print it for the same configuration.
# --------------------------------------------------------------------------------------------
def plan_trail_values(**over) -> dict:
    values = {
        "name": "org-trail", "is_multi_region_trail": True, "enable_logging": True,
        "enable_log_file_validation": True, "include_global_service_events": True,
        "is_organization_trail": False, "cloud_watch_logs_group_arn": None, "s3_key_prefix": None,
        "sns_topic_name": None, "tags": None, "insight_selector": [], "advanced_event_selector": [],
        "event_selector": [{"read_write_type": "All", "include_management_events": True,
                            "exclude_management_event_sources": [],
                            "data_resource": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}],
    }
    values.update(over)
    return values


PAB_ON = {"block_public_acls": True, "block_public_policy": True, "ignore_public_acls": True,
          "restrict_public_buckets": True}


def _doc_statement(sid, actions, principal_type, identifiers, effect="Allow"):
    return {"sid": sid, "effect": effect, "actions": actions, "not_actions": None, "not_resources": None,
            "not_principals": [], "condition": [],
            "principals": [{"type": principal_type, "identifiers": identifiers}]}


GOOD_STATEMENTS = [
    _doc_statement("AWSCloudTrailAclCheck", ["s3:GetBucketAcl"], "Service", ["cloudtrail.amazonaws.com"]),
    _doc_statement("AWSCloudTrailWrite", ["s3:PutObject"], "Service", ["cloudtrail.amazonaws.com"]),
]


def plan(trail: dict | None = None, *, trail_refs: dict | None = None, trail_unknown=None,
         kms: dict | None = None, bucket: dict | None = None, versioning: str | None = "Enabled",
         pab: dict | None = PAB_ON, statements: list | None = None, with_policy: bool = True,
         with_trail: bool = True) -> PlanBuilder:
    p = PlanBuilder()
    p.resource("aws_kms_key.trail", kms or {"enable_key_rotation": True, "customer_master_key_spec": "SYMMETRIC_DEFAULT"},
               unknown=["arn", "id", "key_id"])
    p.resource("aws_s3_bucket.trail", bucket or {"bucket": "acme-trail-logs", "force_destroy": False},
               unknown=["arn", "id", "policy", "versioning", "acl", "bucket_domain_name"])
    if versioning is not None:
        p.resource("aws_s3_bucket_versioning.trail",
                   {"versioning_configuration": [{"status": versioning, "mfa_delete": None}]},
                   unknown=["bucket", "id"], refs={"bucket": ["aws_s3_bucket.trail.id"]})
    if pab is not None:
        p.resource("aws_s3_bucket_public_access_block.trail", dict(pab), unknown=["bucket", "id"],
                   refs={"bucket": ["aws_s3_bucket.trail.id"]})
    if with_policy:
        stmts = copy.deepcopy(statements if statements is not None else GOOD_STATEMENTS)
        p.resource("data.aws_iam_policy_document.trail",
                   {"statement": stmts, "version": None, "source_policy_documents": None,
                    "override_policy_documents": None},
                   unknown=["id", "json", "minified_json"] + [f"statement.{i}.resources" for i in range(len(stmts))],
                   actions=["read"],
                   refs={f"statement.{i}.resources": ["aws_s3_bucket.trail.arn"] for i in range(len(stmts))})
        p.resource("aws_s3_bucket_policy.trail", {}, unknown=["bucket", "policy", "id"],
                   refs={"bucket": ["aws_s3_bucket.trail.id"], "policy": ["data.aws_iam_policy_document.trail.json"]})
    if with_trail:
        refs = {"s3_bucket_name": ["aws_s3_bucket.trail.id"], "kms_key_id": ["aws_kms_key.trail.arn"]}
        refs.update(trail_refs or {})
        refs = {k: v for k, v in refs.items() if v is not None}
        unknown = ["arn", "id", "home_region", "tags_all"] + [k for k in ("s3_bucket_name", "kms_key_id") if k in refs]
        if trail_unknown:
            unknown += trail_unknown
        p.resource(TRAIL, trail if trail is not None else plan_trail_values(), unknown=unknown, refs=refs)
    return p


def run_plan(p: PlanBuilder, rule: str, policy=None) -> dict[str, str]:
    return verdicts(lint_plan(p.build(), rule=rule, policy=policy), rule)


def with_scope(scope) -> Policy:
    data = copy.deepcopy(POLICY.data)
    data["cloudtrail"]["s3_data_event_buckets"] = scope
    return Policy(data=data, source="<test>")


# ============================================================================================
# rule metadata
# ============================================================================================
CT_RULES = [r for r in all_rules() if r.id.startswith("CT-")]


def test_all_nine_rules_registered():
    assert [r.id for r in CT_RULES] == [f"CT-00{i}" for i in range(1, 10)]


@pytest.mark.parametrize("rule", CT_RULES, ids=lambda r: r.id)
def test_rule_metadata_is_complete(rule):
    for attr in ("id", "title", "section", "clause", "rationale", "fix", "example_fail", "example_pass"):
        assert isinstance(getattr(rule, attr), str) and getattr(rule, attr).strip(), attr
    assert rule.section == "CloudTrail Requirements"
    assert "\n" not in rule.fix


@pytest.mark.parametrize("rule", CT_RULES, ids=lambda r: r.id)
def test_clause_is_a_line_of_the_policy(rule):
    path = shared_dir() / "policy" / "audit-logging-policy.md"
    if not path.exists():
        pytest.skip(f"{path} not present")
    lines = {re.sub(r"^\s*[-*]\s+", "", line).strip() for line in path.read_text(encoding="utf-8").splitlines()}
    assert rule.clause in lines
    assert rule.section + "¶" in lines or rule.section in lines


# ============================================================================================
# CT-001 multi-region trail
# ============================================================================================
def test_ct001_hcl_multi_region_passes(tmp_path):
    assert run_hcl(tmp_path, "CT-001") == {TRAIL: "pass"}


def test_ct001_hcl_single_region_fails(tmp_path):
    v = run_hcl(tmp_path, "CT-001", trail_hcl(is_multi_region_trail="false"))
    assert v == {TRAIL: "fail", ACCOUNT: "fail"}


def test_ct001_hcl_unset_multi_region_fails(tmp_path):
    report = lint_hcl(tmp_path, hcl(trail_hcl(is_multi_region_trail=None)), rule="CT-001")
    assert verdicts(report, "CT-001") == {TRAIL: "fail", ACCOUNT: "fail"}
    assert "is_multi_region_trail" in messages(report, "CT-001")[TRAIL]


def test_ct001_hcl_logging_disabled_fails(tmp_path):
    report = lint_hcl(tmp_path, hcl(trail_hcl(enable_logging="false")), rule="CT-001")
    assert verdicts(report, "CT-001") == {TRAIL: "fail", ACCOUNT: "fail"}
    assert "enable_logging = false" in messages(report, "CT-001")[TRAIL]


def test_ct001_hcl_no_trail_fails_on_account(tmp_path):
    assert run_hcl(tmp_path, "CT-001", trail="") == {ACCOUNT: "fail"}


def test_ct001_hcl_finding_per_trail(tmp_path):
    trails = trail_hcl() + trail_hcl("regional", is_multi_region_trail="false")
    assert run_hcl(tmp_path, "CT-001", trails) == {TRAIL: "pass", "aws_cloudtrail.regional": "fail"}


def test_ct001_plan_passes():
    assert run_plan(plan(), "CT-001") == {TRAIL: "pass"}


def test_ct001_plan_single_region_fails():
    v = run_plan(plan(plan_trail_values(is_multi_region_trail=False)), "CT-001")
    assert v == {TRAIL: "fail", ACCOUNT: "fail"}


def test_ct001_plan_unknown_flag_is_unknown():
    values = plan_trail_values()
    v = run_plan(plan(values, trail_unknown=["is_multi_region_trail"]), "CT-001")
    assert v == {TRAIL: "unknown", ACCOUNT: "unknown"}


def test_ct001_plan_no_trail_fails_on_account():
    assert run_plan(plan(with_trail=False), "CT-001") == {ACCOUNT: "fail"}


# ============================================================================================
# CT-002 management events
# ============================================================================================
def test_ct002_hcl_default_selectors_pass(tmp_path):
    assert run_hcl(tmp_path, "CT-002", trail_hcl(body="")) == {TRAIL: "pass"}


def test_ct002_hcl_all_passes(tmp_path):
    assert run_hcl(tmp_path, "CT-002") == {TRAIL: "pass"}


@pytest.mark.parametrize("rwt", ["ReadOnly", "WriteOnly"])
def test_ct002_hcl_one_side_fails(tmp_path, rwt):
    body = f'''
  event_selector {{
    read_write_type           = "{rwt}"
    include_management_events = true
  }}
'''
    report = lint_hcl(tmp_path, hcl(trail_hcl(body=body)), rule="CT-002")
    assert verdicts(report, "CT-002") == {TRAIL: "fail"}
    assert rwt in messages(report, "CT-002")[TRAIL]


def test_ct002_hcl_read_and_write_selectors_together_pass(tmp_path):
    body = '''
  event_selector {
    read_write_type = "ReadOnly"
  }
  event_selector {
    read_write_type = "WriteOnly"
  }
'''
    assert run_hcl(tmp_path, "CT-002", trail_hcl(body=body)) == {TRAIL: "pass"}


def test_ct002_hcl_management_events_excluded_fails(tmp_path):
    body = '''
  event_selector {
    read_write_type           = "All"
    include_management_events = false
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
  }
'''
    report = lint_hcl(tmp_path, hcl(trail_hcl(body=body)), rule="CT-002")
    assert verdicts(report, "CT-002") == {TRAIL: "fail"}
    assert "include_management_events = false" in messages(report, "CT-002")[TRAIL]


def test_ct002_hcl_excluded_event_sources_fail(tmp_path):
    body = '''
  event_selector {
    read_write_type                  = "All"
    include_management_events        = true
    exclude_management_event_sources = ["kms.amazonaws.com"]
  }
'''
    assert run_hcl(tmp_path, "CT-002", trail_hcl(body=body)) == {TRAIL: "fail"}


def test_ct002_hcl_advanced_management_selector_passes(tmp_path):
    body = '''
  advanced_event_selector {
    name = "management"
    field_selector {
      field  = "eventCategory"
      equals = ["Management"]
    }
  }
'''
    assert run_hcl(tmp_path, "CT-002", trail_hcl(body=body)) == {TRAIL: "pass"}


def test_ct002_hcl_advanced_read_only_management_fails(tmp_path):
    body = '''
  advanced_event_selector {
    name = "management reads"
    field_selector {
      field  = "eventCategory"
      equals = ["Management"]
    }
    field_selector {
      field  = "readOnly"
      equals = ["true"]
    }
  }
'''
    report = lint_hcl(tmp_path, hcl(trail_hcl(body=body)), rule="CT-002")
    assert verdicts(report, "CT-002") == {TRAIL: "fail"}
    assert "writes" in messages(report, "CT-002")[TRAIL]


def test_ct002_hcl_advanced_data_only_fails(tmp_path):
    body = '''
  advanced_event_selector {
    name = "s3 data"
    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }
    field_selector {
      field  = "resources.type"
      equals = ["AWS::S3::Object"]
    }
  }
'''
    assert run_hcl(tmp_path, "CT-002", trail_hcl(body=body)) == {TRAIL: "fail"}


def test_ct002_plan_all_passes():
    assert run_plan(plan(), "CT-002") == {TRAIL: "pass"}


def test_ct002_plan_write_only_fails():
    values = plan_trail_values(event_selector=[{"read_write_type": "WriteOnly", "include_management_events": True,
                                                "exclude_management_event_sources": [], "data_resource": []}])
    assert run_plan(plan(values), "CT-002") == {TRAIL: "fail"}


def test_ct002_plan_no_selectors_pass():
    assert run_plan(plan(plan_trail_values(event_selector=[])), "CT-002") == {TRAIL: "pass"}


def test_ct002_plan_advanced_management_passes_and_read_only_fails():
    mgmt = {"name": "mgmt", "field_selector": [
        {"field": "eventCategory", "equals": ["Management"], "not_equals": None, "starts_with": None,
         "not_starts_with": None, "ends_with": None, "not_ends_with": None}]}
    values = plan_trail_values(event_selector=[], advanced_event_selector=[mgmt])
    assert run_plan(plan(values), "CT-002") == {TRAIL: "pass"}
    ro = copy.deepcopy(mgmt)
    ro["field_selector"].append({"field": "readOnly", "equals": ["true"]})
    values = plan_trail_values(event_selector=[], advanced_event_selector=[ro])
    assert run_plan(plan(values), "CT-002") == {TRAIL: "fail"}


# ============================================================================================
# CT-003 S3 data events
# ============================================================================================
PHI_BUCKET = '''
resource "aws_s3_bucket" "phi" {
  bucket = "acme-phi-records"
}
'''


def _s3_selector(values: str, rwt: str = "All") -> str:
    return f'''
  event_selector {{
    read_write_type = "{rwt}"
    data_resource {{
      type   = "AWS::S3::Object"
      values = {values}
    }}
  }}
'''


def test_ct003_hcl_all_buckets_passes(tmp_path):
    assert run_hcl(tmp_path, "CT-003", extra=PHI_BUCKET) == {TRAIL: "pass"}


@pytest.mark.parametrize("value", ['"arn:aws:s3:::"', '"arn:aws-us-gov:s3"'])
def test_ct003_hcl_all_bucket_forms_pass(tmp_path, value):
    trail = trail_hcl(body=_s3_selector(f"[{value}]"))
    assert run_hcl(tmp_path, "CT-003", trail, extra=PHI_BUCKET) == {TRAIL: "pass"}


def test_ct003_hcl_uncovered_bucket_fails_naming_it(tmp_path):
    trail = trail_hcl(body=_s3_selector('["arn:aws:s3:::acme-trail-logs/"]'))
    report = lint_hcl(tmp_path, hcl(trail, extra=PHI_BUCKET), rule="CT-003")
    assert verdicts(report, "CT-003") == {TRAIL: "fail"}
    msg = messages(report, "CT-003")[TRAIL]
    assert "aws_s3_bucket.phi" in msg and "acme-phi-records" in msg
    assert "aws_s3_bucket.trail " not in msg


def test_ct003_hcl_each_bucket_by_name_passes(tmp_path):
    trail = trail_hcl(body=_s3_selector('["arn:aws:s3:::acme-trail-logs/", "arn:aws:s3:::acme-phi-records/"]'))
    assert run_hcl(tmp_path, "CT-003", trail, extra=PHI_BUCKET) == {TRAIL: "pass"}


def test_ct003_hcl_bucket_arn_reference_covers_the_bucket(tmp_path):
    # "${aws_s3_bucket.b.arn}/" is unknown until apply, but the template is exactly the bucket's
    # ARN + "/": the whole bucket (a key prefix, "${...arn}/2024/", would not be; see
    # tests/rules/test_partial_values.py).
    trail = trail_hcl(body=_s3_selector('["${aws_s3_bucket.trail.arn}/", "${aws_s3_bucket.phi.arn}/"]'))
    assert run_hcl(tmp_path, "CT-003", trail, extra=PHI_BUCKET) == {TRAIL: "pass"}


def test_ct003_hcl_each_bucket_by_name_reference_passes(tmp_path):
    trail = trail_hcl(body=_s3_selector(
        '["arn:aws:s3:::${aws_s3_bucket.trail.bucket}/", "arn:aws:s3:::${aws_s3_bucket.phi.bucket}/"]'))
    assert run_hcl(tmp_path, "CT-003", trail, extra=PHI_BUCKET) == {TRAIL: "pass"}


def test_ct003_hcl_reference_to_one_bucket_fails_the_other(tmp_path):
    trail = trail_hcl(body=_s3_selector('["${aws_s3_bucket.trail.arn}/"]'))
    assert run_hcl(tmp_path, "CT-003", trail, extra=PHI_BUCKET) == {TRAIL: "fail"}


def test_ct003_hcl_prefix_only_does_not_cover_bucket(tmp_path):
    trail = trail_hcl(body=_s3_selector('["arn:aws:s3:::acme-trail-logs/", "arn:aws:s3:::acme-phi-records/2024/"]'))
    assert run_hcl(tmp_path, "CT-003", trail, extra=PHI_BUCKET) == {TRAIL: "fail"}


@pytest.mark.parametrize("rwt, missing", [("ReadOnly", "writes"), ("WriteOnly", "reads")])
def test_ct003_hcl_one_sided_selector_fails(tmp_path, rwt, missing):
    report = lint_hcl(tmp_path, hcl(trail_hcl(body=_s3_selector('["arn:aws:s3"]', rwt))), rule="CT-003")
    assert verdicts(report, "CT-003") == {TRAIL: "fail"}
    assert missing in messages(report, "CT-003")[TRAIL]
    assert rwt in messages(report, "CT-003")[TRAIL]


def test_ct003_hcl_no_data_events_fails(tmp_path):
    assert run_hcl(tmp_path, "CT-003", trail_hcl(body="")) == {TRAIL: "fail"}


def test_ct003_hcl_unknown_values_are_unknown(tmp_path):
    trail = trail_hcl(body=_s3_selector("var.data_event_arns"))
    extra = PHI_BUCKET + '\nvariable "data_event_arns" {\n  type = list(string)\n}\n'
    assert run_hcl(tmp_path, "CT-003", trail, extra=extra) == {TRAIL: "unknown"}


def test_ct003_hcl_policy_scope_limits_required_buckets(tmp_path):
    trail = trail_hcl(body=_s3_selector('["arn:aws:s3:::acme-phi-records/"]'))
    scoped = with_scope(["*phi*"])
    assert run_hcl(tmp_path, "CT-003", trail, policy=scoped, extra=PHI_BUCKET) == {TRAIL: "pass"}
    assert run_hcl(tmp_path / "all", "CT-003", trail, extra=PHI_BUCKET) == {TRAIL: "fail"}


ADV_S3 = '''
  advanced_event_selector {{
    name = "s3 objects"
    field_selector {{
      field  = "eventCategory"
      equals = ["Data"]
    }}
    field_selector {{
      field  = "resources.type"
      equals = ["AWS::S3::Object"]
    }}
{extra}  }}
  advanced_event_selector {{
    name = "management"
    field_selector {{
      field  = "eventCategory"
      equals = ["Management"]
    }}
  }}
'''


def test_ct003_hcl_advanced_all_objects_passes(tmp_path):
    trail = trail_hcl(body=ADV_S3.format(extra=""))
    assert run_hcl(tmp_path, "CT-003", trail, extra=PHI_BUCKET) == {TRAIL: "pass"}
    assert run_hcl(tmp_path / "b", "CT-002", trail) == {TRAIL: "pass"}


def test_ct003_hcl_advanced_read_only_fails(tmp_path):
    extra = '''    field_selector {
      field  = "readOnly"
      equals = ["true"]
    }
'''
    trail = trail_hcl(body=ADV_S3.format(extra=extra))
    assert run_hcl(tmp_path, "CT-003", trail, extra=PHI_BUCKET) == {TRAIL: "fail"}


def test_ct003_hcl_advanced_starts_with_one_bucket_fails_other(tmp_path):
    extra = '''    field_selector {
      field       = "resources.ARN"
      starts_with = ["arn:aws:s3:::acme-trail-logs/"]
    }
'''
    trail = trail_hcl(body=ADV_S3.format(extra=extra))
    report = lint_hcl(tmp_path, hcl(trail, extra=PHI_BUCKET), rule="CT-003")
    assert verdicts(report, "CT-003") == {TRAIL: "fail"}
    assert "acme-phi-records" in messages(report, "CT-003")[TRAIL]


def test_ct003_hcl_advanced_starts_with_every_bucket_passes(tmp_path):
    extra = '''    field_selector {
      field       = "resources.ARN"
      starts_with = ["arn:aws:s3:::acme-trail-logs/", "arn:aws:s3:::acme-phi-records/"]
    }
'''
    trail = trail_hcl(body=ADV_S3.format(extra=extra))
    assert run_hcl(tmp_path, "CT-003", trail, extra=PHI_BUCKET) == {TRAIL: "pass"}


def test_ct003_hcl_advanced_event_name_filter_fails(tmp_path):
    extra = '''    field_selector {
      field  = "eventName"
      equals = ["PutObject"]
    }
'''
    trail = trail_hcl(body=ADV_S3.format(extra=extra))
    assert run_hcl(tmp_path, "CT-003", trail) == {TRAIL: "fail"}


def test_ct003_plan_all_buckets_passes():
    assert run_plan(plan(), "CT-003") == {TRAIL: "pass"}


def test_ct003_plan_uncovered_bucket_fails():
    p = plan(plan_trail_values(event_selector=[{
        "read_write_type": "All", "include_management_events": True, "exclude_management_event_sources": [],
        "data_resource": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::acme-trail-logs/"]}]}]))
    p.resource("aws_s3_bucket.phi", {"bucket": "acme-phi-records"}, unknown=["arn", "id"])
    assert run_plan(p, "CT-003") == {TRAIL: "fail"}


def test_ct003_plan_bucket_arn_reference_and_unreferenced_unknown_are_unknown():
    selector = {"read_write_type": "All", "include_management_events": True, "exclude_management_event_sources": [],
                "data_resource": [{"type": "AWS::S3::Object"}]}
    values = plan_trail_values(event_selector=[selector])
    p = plan(values, trail_refs={"event_selector.0.data_resource.0.values": ["aws_s3_bucket.trail.arn"]},
             trail_unknown=["event_selector.0.data_resource.0.values"])
    assert run_plan(p, "CT-003") == {TRAIL: "unknown"}
    p = plan(values, trail_unknown=["event_selector.0.data_resource.0.values"])
    assert run_plan(p, "CT-003") == {TRAIL: "unknown"}


def test_ct003_plan_advanced_selector_passes():
    adv = {"name": "s3", "field_selector": [
        {"field": "eventCategory", "equals": ["Data"]},
        {"field": "resources.type", "equals": ["AWS::S3::Object"]}]}
    values = plan_trail_values(event_selector=[], advanced_event_selector=[adv])
    assert run_plan(plan(values), "CT-003") == {TRAIL: "pass"}


# ============================================================================================
# CT-004 Lambda data events
# ============================================================================================
LAMBDA = '''
resource "aws_lambda_function" "export" {
  function_name = "phi-export"
  role          = "arn:aws:iam::111122223333:role/lambda"
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "export.zip"
}
'''


def _lambda_selector(values: str) -> str:
    return f'''
  event_selector {{
    read_write_type = "All"
    data_resource {{
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }}
    data_resource {{
      type   = "AWS::Lambda::Function"
      values = {values}
    }}
  }}
'''


def test_ct004_hcl_without_lambda_is_not_applicable(tmp_path):
    report = lint_hcl(tmp_path, hcl(), rule="CT-004")
    assert verdicts(report, "CT-004") == {TRAIL: "pass"}
    assert "not applicable" in messages(report, "CT-004")[TRAIL]


def test_ct004_hcl_lambda_without_data_events_fails(tmp_path):
    report = lint_hcl(tmp_path, hcl(extra=LAMBDA), rule="CT-004")
    assert verdicts(report, "CT-004") == {TRAIL: "fail"}
    assert "aws_lambda_function.export" in messages(report, "CT-004")[TRAIL]


def test_ct004_hcl_all_functions_passes(tmp_path):
    trail = trail_hcl(body=_lambda_selector('["arn:aws:lambda"]'))
    assert run_hcl(tmp_path, "CT-004", trail, extra=LAMBDA) == {TRAIL: "pass"}


def test_ct004_hcl_function_reference_passes(tmp_path):
    trail = trail_hcl(body=_lambda_selector("[aws_lambda_function.export.arn]"))
    assert run_hcl(tmp_path, "CT-004", trail, extra=LAMBDA) == {TRAIL: "pass"}


def test_ct004_hcl_other_function_arn_fails(tmp_path):
    trail = trail_hcl(body=_lambda_selector('["arn:aws:lambda:us-east-1:111122223333:function:other"]'))
    assert run_hcl(tmp_path, "CT-004", trail, extra=LAMBDA) == {TRAIL: "fail"}


def _plan_with_lambda(data_resources, refs=None, unknown=None):
    values = plan_trail_values(event_selector=[{
        "read_write_type": "All", "include_management_events": True, "exclude_management_event_sources": [],
        "data_resource": data_resources}])
    p = plan(values, trail_refs=refs, trail_unknown=unknown)
    p.resource("aws_lambda_function.export", {"function_name": "phi-export", "runtime": "python3.12"},
               unknown=["arn", "id", "invoke_arn"])
    return p


def test_ct004_plan_function_reference_passes():
    p = _plan_with_lambda([{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}, {"type": "AWS::Lambda::Function"}],
                          refs={"event_selector.0.data_resource.1.values": ["aws_lambda_function.export.arn"]},
                          unknown=["event_selector.0.data_resource.1.values"])
    assert run_plan(p, "CT-004") == {TRAIL: "pass"}


def test_ct004_plan_lambda_without_data_events_fails():
    p = _plan_with_lambda([{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}])
    assert run_plan(p, "CT-004") == {TRAIL: "fail"}


# ============================================================================================
# CT-005 KMS CMK
# ============================================================================================
def test_ct005_hcl_cmk_passes(tmp_path):
    assert run_hcl(tmp_path, "CT-005") == {TRAIL: "pass"}


def test_ct005_hcl_aws_managed_alias_fails(tmp_path):
    report = lint_hcl(tmp_path, hcl(trail_hcl(kms_key_id='"alias/aws/cloudtrail"')), rule="CT-005")
    assert verdicts(report, "CT-005") == {TRAIL: "fail"}
    assert "alias/aws/cloudtrail" in messages(report, "CT-005")[TRAIL]


def test_ct005_hcl_unset_fails(tmp_path):
    assert run_hcl(tmp_path, "CT-005", trail_hcl(kms_key_id=None)) == {TRAIL: "fail"}


def test_ct005_hcl_bare_arn_is_a_cmk_unless_rotation_is_required(tmp_path):
    # CloudTrail can use no AWS-managed key (its key policy cannot grant cloudtrail.amazonaws.com): a key ARN
    # from outside the configuration is a CMK, whose rotation cannot be seen
    trail = trail_hcl(kms_key_id='"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"')
    assert run_hcl(tmp_path, "CT-005", trail) == {TRAIL: "pass"}
    assert run_hcl(tmp_path, "CT-005", trail, policy=ROTATION_REQUIRED) == {TRAIL: "unknown"}


ROTATION_REQUIRED = Policy({**POLICY.data, "kms": {"require_key_rotation": True}}, "<rotation required>")


def test_ct005_hcl_rotation_off_fails_when_the_policy_requires_rotation(tmp_path):
    kms = 'resource "aws_kms_key" "trail" {\n  enable_key_rotation = false\n}\n'
    report = lint_hcl(tmp_path, hcl(kms=kms), rule="CT-005", policy=ROTATION_REQUIRED)
    assert verdicts(report, "CT-005") == {TRAIL: "fail"}
    assert "enable_key_rotation" in messages(report, "CT-005")[TRAIL]
    report = lint_hcl(tmp_path, hcl(kms=kms), rule="CT-005")
    assert verdicts(report, "CT-005") == {TRAIL: "pass"}
    assert "enable_key_rotation = false, which the policy does not require" in messages(report, "CT-005")[TRAIL]


def _module_chain_plan(rotation: bool) -> PlanBuilder:
    p = PlanBuilder()
    p.module_call("kms", source="./modules/kms")
    p.module_call("trail", source="./modules/trail", inputs={"kms_key_arn": ["module.kms.key_arn"],
                                                              "bucket": ["aws_s3_bucket.trail.id"]})
    p.output("kms", "key_arn", refs=["aws_kms_key.this.arn"])
    p.resource("module.kms.aws_kms_key.this", {"enable_key_rotation": rotation}, unknown=["arn", "id", "key_id"])
    p.resource("aws_s3_bucket.trail", {"bucket": "acme-trail-logs"}, unknown=["arn", "id"])
    p.resource("module.trail.aws_cloudtrail.this", plan_trail_values(),
               unknown=["arn", "id", "kms_key_id", "s3_bucket_name"],
               refs={"kms_key_id": ["var.kms_key_arn"], "s3_bucket_name": ["var.bucket"]})
    return p


def test_ct005_plan_module_chain_passes():
    assert run_plan(_module_chain_plan(True), "CT-005") == {"module.trail.aws_cloudtrail.this": "pass"}


def test_ct005_plan_module_chain_rotation_off_fails():
    assert verdicts(lint_plan(_module_chain_plan(False).build(), rule="CT-005"), "CT-005") == {
        "module.trail.aws_cloudtrail.this": "pass"}
    report = lint_plan(_module_chain_plan(False).build(), rule="CT-005", policy=ROTATION_REQUIRED)
    assert verdicts(report, "CT-005") == {"module.trail.aws_cloudtrail.this": "fail"}
    assert "module.kms.aws_kms_key.this" in messages(report, "CT-005")["module.trail.aws_cloudtrail.this"]


def test_ct005_plan_aws_managed_alias_fails():
    p = plan(plan_trail_values(kms_key_id="alias/aws/cloudtrail"), trail_refs={"kms_key_id": None})
    assert run_plan(p, "CT-005") == {TRAIL: "fail"}


def test_ct005_plan_bare_arn_is_a_cmk_unless_rotation_is_required():
    arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    p = plan(plan_trail_values(kms_key_id=arn), trail_refs={"kms_key_id": None})
    assert run_plan(p, "CT-005") == {TRAIL: "pass"}
    assert run_plan(p, "CT-005", policy=ROTATION_REQUIRED) == {TRAIL: "unknown"}


# ============================================================================================
# CT-006 log file validation
# ============================================================================================
def test_ct006_hcl_enabled_passes(tmp_path):
    assert run_hcl(tmp_path, "CT-006") == {TRAIL: "pass"}


def test_ct006_hcl_unset_fails(tmp_path):
    report = lint_hcl(tmp_path, hcl(trail_hcl(enable_log_file_validation=None)), rule="CT-006")
    assert verdicts(report, "CT-006") == {TRAIL: "fail"}
    assert "enable_log_file_validation" in messages(report, "CT-006")[TRAIL]


def test_ct006_plan_enabled_passes_false_fails_unknown_is_unknown():
    assert run_plan(plan(), "CT-006") == {TRAIL: "pass"}
    assert run_plan(plan(plan_trail_values(enable_log_file_validation=False)), "CT-006") == {TRAIL: "fail"}
    assert run_plan(plan(trail_unknown=["enable_log_file_validation"]), "CT-006") == {TRAIL: "unknown"}


# ============================================================================================
# CT-007 dedicated bucket, restricted access
# ============================================================================================
def _json_policy(statements: str) -> str:
    return f'''
resource "aws_s3_bucket_policy" "trail" {{
  bucket = aws_s3_bucket.trail.id
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{statements}]
  }})
}}
'''


CT_WRITE = '''{
      Sid       = "AWSCloudTrailWrite"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::acme-trail-logs/AWSLogs/*"
    }'''


def test_ct007_hcl_policy_document_passes(tmp_path):
    assert run_hcl(tmp_path, "CT-007") == {TRAIL: "pass"}


def test_ct007_hcl_json_policy_passes(tmp_path):
    assert run_hcl(tmp_path, "CT-007", bucket_policy=_json_policy(CT_WRITE)) == {TRAIL: "pass"}


GUARDDUTY_WRITE = CT_WRITE + ''', {
      Sid       = "AllowGuardDutyPutObject"
      Effect    = "Allow"
      Principal = { Service = "guardduty.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::acme-trail-logs/guardduty/*"
    }'''
GUARDDUTY_EXPORT = '''
resource "aws_guardduty_detector" "main" {
  enable = true
}
resource "aws_guardduty_publishing_destination" "findings" {
  detector_id     = aws_guardduty_detector.main.id
  destination_arn = aws_s3_bucket.trail.arn
  kms_key_arn     = aws_kms_key.trail.arn
}
'''


def test_ct007_guardduty_may_write_where_this_configuration_exports_its_findings(tmp_path):
    """GuardDuty findings are security logs: a trail bucket this configuration also exports them to may let
    guardduty.amazonaws.com write.  Without that export, GuardDuty is one more writer, and fails."""
    pieces = {"bucket_policy": _json_policy(GUARDDUTY_WRITE)}
    report = lint_hcl(tmp_path / "export", hcl(extra=GUARDDUTY_EXPORT, **pieces), rule="CT-007")
    assert verdicts(report, "CT-007") == {TRAIL: "pass"}
    assert "guardduty.amazonaws.com" in messages(report, "CT-007")[TRAIL]
    report = lint_hcl(tmp_path / "none", hcl(**pieces), rule="CT-007")
    assert verdicts(report, "CT-007") == {TRAIL: "fail"}
    assert "guardduty.amazonaws.com" in messages(report, "CT-007")[TRAIL]


def test_ct007_plan_guardduty_writer():
    statements = GOOD_STATEMENTS + [_doc_statement("AllowGuardDutyPutObject", ["s3:PutObject"], "Service",
                                                   ["guardduty.amazonaws.com"])]
    assert run_plan(plan(statements=statements), "CT-007") == {TRAIL: "fail"}
    p = plan(statements=statements)
    p.resource("aws_guardduty_detector.main", {"enable": True}, unknown=["id", "arn", "account_id"])
    p.resource("aws_guardduty_publishing_destination.findings", {"destination_type": "S3"},
               unknown=["id", "detector_id", "destination_arn", "kms_key_arn"],
               refs={"detector_id": ["aws_guardduty_detector.main.id"], "destination_arn": ["aws_s3_bucket.trail.arn"],
                     "kms_key_arn": ["aws_kms_key.trail.arn"]})
    assert run_plan(p, "CT-007") == {TRAIL: "pass"}


def test_ct007_hcl_third_party_writer_fails(tmp_path):
    third = CT_WRITE + ''', {
      Sid       = "Vendor"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::999999999999:root" }
      Action    = ["s3:PutObject"]
      Resource  = "arn:aws:s3:::acme-trail-logs/*"
    }'''
    report = lint_hcl(tmp_path, hcl(bucket_policy=_json_policy(third)), rule="CT-007")
    assert verdicts(report, "CT-007") == {TRAIL: "fail"}
    assert "999999999999" in messages(report, "CT-007")[TRAIL]


def test_ct007_hcl_public_principal_fails(tmp_path):
    public = CT_WRITE + ''', {
      Sid       = "Public"
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::acme-trail-logs/*"
    }'''
    report = lint_hcl(tmp_path, hcl(bucket_policy=_json_policy(public)), rule="CT-007")
    assert verdicts(report, "CT-007") == {TRAIL: "fail"}
    assert 'Principal "*"' in messages(report, "CT-007")[TRAIL]


def test_ct007_hcl_wildcard_action_to_role_fails(tmp_path):
    doc = BUCKET_POLICY.replace('actions = ["s3:GetBucketAcl"]', 'actions = ["s3:*"]').replace(
        'identifiers = ["cloudtrail.amazonaws.com"]\n    }\n    resources = [aws_s3_bucket.trail.arn]',
        'identifiers = ["arn:aws:iam::111122223333:role/app"]\n    }\n    resources = [aws_s3_bucket.trail.arn]', 1)
    doc = doc.replace('type        = "Service"\n      identifiers = ["arn:aws:iam',
                      'type        = "AWS"\n      identifiers = ["arn:aws:iam', 1)
    assert "role/app" in doc
    assert run_hcl(tmp_path, "CT-007", bucket_policy=doc) == {TRAIL: "fail"}


def test_ct007_hcl_no_bucket_policy_fails(tmp_path):
    report = lint_hcl(tmp_path, hcl(bucket_policy=None), rule="CT-007")
    assert verdicts(report, "CT-007") == {TRAIL: "fail"}
    assert "no bucket policy" in messages(report, "CT-007")[TRAIL]


def test_ct007_hcl_screenshot_bucket_is_not_dedicated(tmp_path):
    bucket = BUCKET.replace("acme-trail-logs", "acme-screenshot-uploads")
    report = lint_hcl(tmp_path, hcl(bucket=bucket), rule="CT-007")
    assert verdicts(report, "CT-007") == {TRAIL: "fail"}
    assert "screenshot" in messages(report, "CT-007")[TRAIL]


def test_ct007_hcl_objects_stored_in_bucket_fail(tmp_path):
    obj = '''
resource "aws_s3_object" "upload" {
  bucket  = aws_s3_bucket.trail.id
  key     = "app/config.json"
  content = "{}"
}
'''
    assert run_hcl(tmp_path, "CT-007", extra=obj) == {TRAIL: "fail"}


def test_ct007_hcl_unknown_policy_is_unknown(tmp_path):
    pol = '''
variable "bucket_policy" {
  type = string
}
resource "aws_s3_bucket_policy" "trail" {
  bucket = aws_s3_bucket.trail.id
  policy = var.bucket_policy
}
'''
    assert run_hcl(tmp_path, "CT-007", bucket_policy=pol) == {TRAIL: "unknown"}


@pytest.mark.parametrize("rule", ["CT-007", "CT-008", "CT-009"])
def test_bucket_rules_hcl_missing_bucket_is_unknown(tmp_path, rule):
    trail = trail_hcl(s3_bucket_name='"some-external-bucket"')
    report = lint_hcl(tmp_path, hcl(trail), rule=rule)
    assert verdicts(report, rule) == {TRAIL: "unknown"}
    assert "some-external-bucket" in messages(report, rule)[TRAIL]


def test_ct007_plan_passes():
    assert run_plan(plan(), "CT-007") == {TRAIL: "pass"}


def test_ct007_plan_third_party_put_object_fails():
    stmts = GOOD_STATEMENTS + [_doc_statement("Vendor", ["s3:PutObject"], "AWS", ["arn:aws:iam::999999999999:root"])]
    assert run_plan(plan(statements=stmts), "CT-007") == {TRAIL: "fail"}


def test_ct007_plan_config_and_flow_log_writers_pass():
    stmts = GOOD_STATEMENTS + [
        _doc_statement("Config", ["s3:PutObject"], "Service", ["config.amazonaws.com"]),
        _doc_statement("FlowLogs", ["s3:PutObject"], "Service", ["delivery.logs.amazonaws.com"])]
    assert run_plan(plan(statements=stmts), "CT-007") == {TRAIL: "pass"}


def test_ct007_plan_no_policy_fails():
    assert run_plan(plan(with_policy=False), "CT-007") == {TRAIL: "fail"}


@pytest.mark.parametrize("rule", ["CT-007", "CT-008", "CT-009"])
def test_bucket_rules_plan_missing_bucket_is_unknown(rule):
    p = plan(trail_refs={"s3_bucket_name": ["aws_s3_bucket.elsewhere.id"]})
    assert run_plan(p, rule) == {TRAIL: "unknown"}


# ============================================================================================
# CT-008 versioning
# ============================================================================================
def test_ct008_hcl_enabled_passes(tmp_path):
    assert run_hcl(tmp_path, "CT-008") == {TRAIL: "pass"}


def test_ct008_hcl_suspended_fails(tmp_path):
    report = lint_hcl(tmp_path, hcl(versioning=VERSIONING.replace("Enabled", "Suspended")), rule="CT-008")
    assert verdicts(report, "CT-008") == {TRAIL: "fail"}
    assert "Suspended" in messages(report, "CT-008")[TRAIL]


def test_ct008_hcl_no_versioning_fails(tmp_path):
    assert run_hcl(tmp_path, "CT-008", versioning=None) == {TRAIL: "fail"}


def test_ct008_hcl_legacy_inline_versioning_passes(tmp_path):
    bucket = '''
resource "aws_s3_bucket" "trail" {
  bucket = "acme-trail-logs"
  versioning {
    enabled = true
  }
}
'''
    assert run_hcl(tmp_path, "CT-008", bucket=bucket, versioning=None) == {TRAIL: "pass"}


def test_ct008_plan_enabled_passes_suspended_fails():
    assert run_plan(plan(), "CT-008") == {TRAIL: "pass"}
    assert run_plan(plan(versioning="Suspended"), "CT-008") == {TRAIL: "fail"}
    assert run_plan(plan(versioning=None), "CT-008") == {TRAIL: "fail"}


# ============================================================================================
# CT-009 public access block
# ============================================================================================
def test_ct009_hcl_all_flags_pass(tmp_path):
    assert run_hcl(tmp_path, "CT-009") == {TRAIL: "pass"}


def test_ct009_hcl_one_flag_false_fails_naming_it(tmp_path):
    pab = PAB.replace("block_public_policy     = true", "block_public_policy     = false")
    report = lint_hcl(tmp_path, hcl(pab=pab), rule="CT-009")
    assert verdicts(report, "CT-009") == {TRAIL: "fail"}
    msg = messages(report, "CT-009")[TRAIL]
    assert "block_public_policy = false" in msg and "ignore_public_acls" not in msg


def test_ct009_hcl_missing_block_fails(tmp_path):
    assert run_hcl(tmp_path, "CT-009", pab=None) == {TRAIL: "fail"}


def test_ct009_hcl_account_level_block_passes(tmp_path):
    account = '''
resource "aws_s3_account_public_access_block" "this" {
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
'''
    assert run_hcl(tmp_path, "CT-009", pab=account) == {TRAIL: "pass"}


def test_ct009_plan_passes_and_flag_false_fails():
    assert run_plan(plan(), "CT-009") == {TRAIL: "pass"}
    off = dict(PAB_ON, restrict_public_buckets=False)
    assert run_plan(plan(pab=off), "CT-009") == {TRAIL: "fail"}
    assert run_plan(plan(pab=None), "CT-009") == {TRAIL: "fail"}


# ============================================================================================
# several trails, no trail
# ============================================================================================
def test_hcl_compliant_baseline_passes_every_rule(tmp_path):
    report = lint_hcl(tmp_path, hcl())
    ct = {(f.rule_id, f.resource): f.status for f in report.findings if f.rule_id.startswith("CT-")}
    assert ct == {(f"CT-00{i}", TRAIL): "pass" for i in range(1, 10)}


def test_plan_compliant_baseline_passes_every_rule():
    report = lint_plan(plan().build())
    ct = {(f.rule_id, f.resource): f.status for f in report.findings if f.rule_id.startswith("CT-")}
    assert ct == {(f"CT-00{i}", TRAIL): "pass" for i in range(1, 10)}


def test_no_trail_fails_each_rule_on_account(tmp_path):
    report = lint_hcl(tmp_path, hcl(trail=""))
    ct = {(f.rule_id, f.resource): f.status for f in report.findings if f.rule_id.startswith("CT-")}
    expected = {(f"CT-00{i}", ACCOUNT): "fail" for i in range(1, 10)}
    expected[("CT-004", ACCOUNT)] = "pass"  # no Lambda: not applicable
    assert ct == expected


def test_second_trail_on_unversioned_bucket_fails_on_its_own_address(tmp_path):
    second = '''
resource "aws_s3_bucket" "other" {
  bucket = "acme-other-trail-logs"
}
''' + trail_hcl("other", s3_bucket_name="aws_s3_bucket.other.id")
    v = run_hcl(tmp_path, "CT-008", extra=second)
    assert v == {TRAIL: "pass", "aws_cloudtrail.other": "fail"}


# ============================================================================================
# more selector and bucket-policy cases
# ============================================================================================
def test_ct003_hcl_advanced_starts_with_bucket_arn_references_cover_the_buckets(tmp_path):
    # each template is exactly a bucket's ARN + "/" (see test_partial_values.py for prefixes)
    extra = '''    field_selector {
      field       = "resources.ARN"
      starts_with = ["${aws_s3_bucket.trail.arn}/", "${aws_s3_bucket.phi.arn}/"]
    }
'''
    trail = trail_hcl(body=ADV_S3.format(extra=extra))
    assert run_hcl(tmp_path, "CT-003", trail, extra=PHI_BUCKET) == {TRAIL: "pass"}


def test_ct003_hcl_advanced_not_starts_with_excluding_a_bucket_fails(tmp_path):
    extra = '''    field_selector {
      field           = "resources.ARN"
      not_starts_with = ["arn:aws:s3:::acme-phi-records/"]
    }
'''
    trail = trail_hcl(body=ADV_S3.format(extra=extra))
    report = lint_hcl(tmp_path, hcl(trail, extra=PHI_BUCKET), rule="CT-003")
    assert verdicts(report, "CT-003") == {TRAIL: "fail"}
    msg = messages(report, "CT-003")[TRAIL]
    assert "acme-phi-records" in msg and "aws_s3_bucket.trail " not in msg


def test_ct003_hcl_bucket_arn_without_slash_does_not_cover(tmp_path):
    trail = trail_hcl(body=_s3_selector('["arn:aws:s3:::acme-trail-logs"]'))
    assert run_hcl(tmp_path, "CT-003", trail) == {TRAIL: "fail"}


def test_ct003_hcl_read_and_write_selectors_per_bucket_pass(tmp_path):
    body = _s3_selector('["arn:aws:s3"]', "ReadOnly") + _s3_selector('["arn:aws:s3:::acme-trail-logs/"]', "WriteOnly")
    assert run_hcl(tmp_path, "CT-003", trail_hcl(body=body)) == {TRAIL: "pass"}
    report = lint_hcl(tmp_path / "b", hcl(trail_hcl(body=body), extra=PHI_BUCKET), rule="CT-003")
    assert verdicts(report, "CT-003") == {TRAIL: "fail"}
    assert "acme-phi-records'): writes" in messages(report, "CT-003")[TRAIL]


def test_ct004_plan_advanced_lambda_selector_passes():
    adv = [{"name": "lambda", "field_selector": [
        {"field": "eventCategory", "equals": ["Data"]},
        {"field": "resources.type", "equals": ["AWS::Lambda::Function"]}]},
        {"name": "s3", "field_selector": [
            {"field": "eventCategory", "equals": ["Data"]},
            {"field": "resources.type", "equals": ["AWS::S3::Object"]}]}]
    p = plan(plan_trail_values(event_selector=[], advanced_event_selector=adv))
    p.resource("aws_lambda_function.export", {"function_name": "phi-export"}, unknown=["arn", "id"])
    assert run_plan(p, "CT-004") == {TRAIL: "pass"}
    assert run_plan(p, "CT-003") == {TRAIL: "pass"}


def test_ct007_hcl_not_principal_allow_fails(tmp_path):
    stmt = CT_WRITE + ''', {
      Sid          = "AllButVendor"
      Effect       = "Allow"
      NotPrincipal = { AWS = "arn:aws:iam::999999999999:root" }
      Action       = "s3:GetObject"
      Resource     = "arn:aws:s3:::acme-trail-logs/*"
    }'''
    assert run_hcl(tmp_path, "CT-007", bucket_policy=_json_policy(stmt)) == {TRAIL: "fail"}


def test_ct007_hcl_role_reading_logs_passes(tmp_path):
    stmt = CT_WRITE + ''', {
      Sid       = "Investigators"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:role/security-investigation" }
      Action    = ["s3:GetObject", "s3:ListBucket"]
      Resource  = ["arn:aws:s3:::acme-trail-logs", "arn:aws:s3:::acme-trail-logs/*"]
    }'''
    assert run_hcl(tmp_path, "CT-007", bucket_policy=_json_policy(stmt)) == {TRAIL: "pass"}


def test_ct007_plan_unknown_role_writer_fails_unknown_reader_is_unknown():
    writer = _doc_statement("App", ["s3:PutObject"], "AWS", ["x"])
    p = plan(statements=GOOD_STATEMENTS + [writer])
    doc = p.build()
    # the writer's identifiers are known only after apply (an aws_iam_role's arn)
    for rc in doc["resource_changes"]:
        if rc["address"] == "data.aws_iam_policy_document.trail":
            rc["change"]["after"]["statement"][2]["principals"][0]["identifiers"] = [None]
            rc["change"]["after_unknown"]["statement"][2]["principals"] = [{"identifiers": [True]}]
    assert verdicts(lint_plan(doc, rule="CT-007"), "CT-007") == {TRAIL: "fail"}
    for rc in doc["resource_changes"]:
        if rc["address"] == "data.aws_iam_policy_document.trail":
            rc["change"]["after"]["statement"][2]["actions"] = ["s3:GetObject"]
    assert verdicts(lint_plan(doc, rule="CT-007"), "CT-007") == {TRAIL: "unknown"}


def test_ct007_plan_wildcard_writer_actions_fail():
    for actions in (["*"], ["s3:*"], ["s3:Put*"], ["S3:DELETEOBJECT"]):
        stmts = GOOD_STATEMENTS + [_doc_statement("Ops", actions, "AWS", ["arn:aws:iam::111122223333:role/ops"])]
        assert run_plan(plan(statements=stmts), "CT-007") == {TRAIL: "fail"}, actions


# ============================================================================================
# helpers: _iam normalization
# ============================================================================================
def test_iam_json_string_is_normalized():
    from lint_rules.model import Model, Resource
    from lint_rules.rules import _iam

    policy = ('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},'
              '"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*",'
              '"Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}}')
    r = Resource("aws_s3_bucket_policy.p", "managed", "aws_s3_bucket_policy", "p", values={"policy": policy})
    [s] = _iam.policy_statements(Model([r]), r, "policy")
    assert s["Effect"] == "Allow" and s["Action"] == ["s3:PutObject"] and s["NotAction"] == []
    assert s["Principal"] == {"Service": ["cloudtrail.amazonaws.com"]}
    assert s["Condition"] == {"StringEquals": {"s3:x-amz-acl": ["bucket-owner-full-control"]}}
    star = Resource("aws_s3_bucket_policy.q", "managed", "aws_s3_bucket_policy", "q",
                    values={"policy": '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}'})
    assert _iam.policy_statements(Model([star]), star, "policy")[0]["Principal"] == "*"


def test_iam_unknown_policy_without_document_is_unknown_and_unset_is_none():
    from lint_rules.model import UNKNOWN, Model, Resource
    from lint_rules.rules import _iam

    r = Resource("aws_s3_bucket_policy.p", "managed", "aws_s3_bucket_policy", "p", values={"policy": UNKNOWN},
                 refs={"policy": ("aws_s3_bucket.b",)})
    b = Resource("aws_s3_bucket.b", "managed", "aws_s3_bucket", "b", values={"bucket": "b"})
    assert _iam.policy_statements(Model([r, b]), r, "policy") is UNKNOWN
    unset = Resource("aws_iam_role.r", "managed", "aws_iam_role", "r", values={})
    assert _iam.policy_statements(Model([unset]), unset, "assume_role_policy") is None


def test_iam_policy_document_merges_source_documents():
    from lint_rules.model import UNKNOWN, Model, Resource
    from lint_rules.rules import _iam

    base = Resource("data.aws_iam_policy_document.base", "data", "aws_iam_policy_document", "base", values={
        "json": UNKNOWN, "statement": [{"sid": "A", "effect": "Allow", "actions": ["s3:GetObject"],
                                        "principals": [{"type": "AWS", "identifiers": ["arn:aws:iam::1:root"]}]}]})
    top = Resource("data.aws_iam_policy_document.top", "data", "aws_iam_policy_document", "top", values={
        "json": UNKNOWN, "source_policy_documents": [UNKNOWN],
        "statement": [{"sid": "B", "effect": "Deny", "not_actions": ["s3:GetObject"],
                       "principals": [{"type": "*", "identifiers": ["*"]}],
                       "condition": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}]}]},
        refs={"source_policy_documents": ("data.aws_iam_policy_document.base",)})
    pol = Resource("aws_s3_bucket_policy.p", "managed", "aws_s3_bucket_policy", "p", values={"policy": UNKNOWN},
                   refs={"policy": ("data.aws_iam_policy_document.top",)})
    stmts = _iam.policy_statements(Model([base, top, pol]), pol, "policy")
    assert [s["Sid"] for s in stmts] == ["A", "B"]
    assert stmts[1]["Principal"] == "*" and stmts[1]["NotAction"] == ["s3:GetObject"]
    assert stmts[1]["Condition"] == {"Bool": {"aws:SecureTransport": ["false"]}}
    assert _iam.grants_action(stmts[1], "s3:PutObject") is True
    assert _iam.grants_action(stmts[1], "s3:GetObject") is False


def test_messages_are_one_line(tmp_path):
    stmt = CT_WRITE + ''', {
      Sid       = "Vendor"
      Effect    = "Allow"
      Principal = { AWS = ["arn:aws:iam::999999999999:root", "*"] }
      Action    = ["s3:PutObject"]
      Resource  = "arn:aws:s3:::acme-trail-logs/*"
    }'''
    bad = trail_hcl(body=_s3_selector('["arn:aws:s3:::x/"]', "ReadOnly"), is_multi_region_trail="false",
                    kms_key_id='"alias/aws/cloudtrail"', enable_log_file_validation=None)
    for files in (hcl(), hcl(trail=""), hcl(bad, bucket_policy=_json_policy(stmt), pab=None, versioning=None,
                                            extra=PHI_BUCKET + LAMBDA)):
        target = tmp_path / str(len(list(tmp_path.iterdir())))
        report = lint_hcl(target, files)
        ct = [f for f in report.findings if f.rule_id.startswith("CT-")]
        assert ct
        for f in ct:
            assert f.message and "\n" not in f.message, (f.rule_id, f.message)


def test_ct002_selector_of_an_unexpected_type_is_unknown_not_the_default(tmp_path):
    report = lint_hcl(tmp_path, {"main.tf": 'resource "aws_cloudtrail" "main" {\n  name = "t"\n'
                                            '  s3_bucket_name = "b"\n  event_selector = "oops"\n}\n'}, rule="CT-002")
    assert verdicts(report, "CT-002") == {"aws_cloudtrail.main": "unknown"}


def test_ct008_object_lock_bucket_counts_as_versioned(tmp_path):
    bucket = 'resource "aws_s3_bucket" "trail" {\n  bucket              = "acme-trail-logs"\n  object_lock_enabled = true\n}\n'
    assert run_hcl(tmp_path, "CT-008", bucket=bucket, versioning=None) == {TRAIL: "pass"}
