"""The shared S3 helper: a bucket's settings read once, from the separate resources or the legacy
inline blocks, so every rule sees the same (issue 7 items 9 and 10), in HCL and plan form."""
from __future__ import annotations

import pytest

from ..helpers import lint_hcl, lint_plan, verdicts
from ..planbuilder import PlanBuilder

TRAIL = "aws_cloudtrail.t"


# =============================================================================
# item 9: the trail bucket's versioning is stated, not inferred
# =============================================================================
def trail_root(bucket_extra: str = "", extra: str = "") -> str:
    return f'''
resource "aws_s3_bucket" "trail" {{
  bucket = "acme-trail"
{bucket_extra}}}
resource "aws_cloudtrail" "t" {{
  name           = "t"
  s3_bucket_name = aws_s3_bucket.trail.id
}}
{extra}'''


VERSIONING = '''
resource "aws_s3_bucket_versioning" "trail" {{
  bucket = aws_s3_bucket.trail.id
  versioning_configuration {{
    status = "{status}"
  }}
}}
'''
LOCKED = "  object_lock_enabled = true\n"


@pytest.mark.parametrize("bucket_extra, extra, status", [
    (LOCKED, "", "pass"),  # Object Lock and nothing else said: S3 keeps versioning on
    (LOCKED, VERSIONING.format(status="Suspended"), "fail"),  # stated: Suspended fails
    (LOCKED, VERSIONING.format(status="Enabled"), "pass"),
    ("", VERSIONING.format(status="Suspended"), "fail"),
    ("", "", "fail"),
    # the legacy inline block says it too (terraform-aws-modules/s3-bucket on provider v3)
    (LOCKED + "  versioning {\n    enabled = false\n  }\n", "", "fail"),
    ("  versioning {\n    enabled = true\n  }\n", "", "pass"),
])
def test_ct008_hcl_versioning_stated_not_inferred(tmp_path, bucket_extra, extra, status):
    report = lint_hcl(tmp_path, trail_root(bucket_extra, extra), rule="CT-008")
    assert verdicts(report) == {TRAIL: status}


@pytest.mark.parametrize("lock, version_status, status", [
    (True, None, "pass"), (True, "Suspended", "fail"), (True, "Enabled", "pass"), (False, "Suspended", "fail")])
def test_ct008_plan_versioning_stated_not_inferred(lock, version_status, status):
    p = PlanBuilder()
    p.resource("aws_s3_bucket.trail", {"bucket": "acme-trail", "object_lock_enabled": lock},
               unknown=["arn", "id", "versioning"])
    if version_status:
        p.resource("aws_s3_bucket_versioning.trail", {"versioning_configuration": [{"status": version_status}]},
                   unknown=["bucket"], refs={"bucket": ["aws_s3_bucket.trail.id"]})
    p.resource(TRAIL, {"name": "t"}, unknown=["s3_bucket_name"], refs={"s3_bucket_name": ["aws_s3_bucket.trail.id"]})
    assert verdicts(lint_plan(p.build(), rule="CT-008")) == {TRAIL: status}


def test_int001_suspended_versioning_on_locked_bucket_still_protected_by_default_retention(tmp_path):
    """INT-001 asks for object lock *or* versioning: a default retention alone protects the logs."""
    lock = '''
resource "aws_s3_bucket_object_lock_configuration" "trail" {
  bucket = aws_s3_bucket.trail.id
  rule {
    default_retention {
      mode  = "GOVERNANCE"
      years = 7
    }
  }
}
'''
    report = lint_hcl(tmp_path, trail_root(LOCKED, VERSIONING.format(status="Suspended") + lock))
    assert verdicts(report, "INT-001") == {"aws_s3_bucket.trail": "pass"}
    assert verdicts(report, "CT-008") == {TRAIL: "fail"}


# =============================================================================
# item 10: a legacy inline logging block makes its target a log bucket
# =============================================================================
LEGACY_LOGGING = '''
resource "aws_s3_bucket" "access_logs" {
  bucket = "acme-access-logs"
}

resource "aws_s3_bucket" "screenshots" {
  bucket = "acme-screenshots"
  logging {
    target_bucket = aws_s3_bucket.access_logs.id
    target_prefix = "screenshots/"
  }
}
'''
EXPIRE_30 = '''
resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  rule {
    id     = "expire"
    status = "Enabled"
    filter {}
    expiration {
      days = 30
    }
  }
}
'''
SHOTS, TARGET = "aws_s3_bucket.screenshots", "aws_s3_bucket.access_logs"


def test_legacy_logging_hcl_every_rule_sees_the_target(tmp_path):
    report = lint_hcl(tmp_path, LEGACY_LOGGING + EXPIRE_30)
    assert verdicts(report, "S3L-001") == {SHOTS: "pass"}
    assert verdicts(report, "RET-007") == {SHOTS: "fail"}  # agrees with S3L-001: the target is known
    assert "30 days" in next(f.message for f in report.findings if f.rule_id == "RET-007")
    # the target is a log bucket: integrity, encryption and access apply to it
    assert verdicts(report, "INT-001") == {TARGET: "fail"}
    assert TARGET in verdicts(report, "ENC-002")
    assert TARGET in verdicts(report, "ACC-001")


def test_legacy_logging_hcl_kept_long_enough_passes(tmp_path):
    report = lint_hcl(tmp_path, LEGACY_LOGGING)
    assert verdicts(report, "RET-007") == {SHOTS: "pass"}
    assert verdicts(report, "S3L-001") == {SHOTS: "pass"}


def legacy_logging_plan(expire_days: int | None) -> dict:
    p = PlanBuilder()
    p.resource(TARGET, {"bucket": "acme-access-logs"}, unknown=["arn", "id", "logging", "versioning"])
    p.resource(SHOTS, {"bucket": "acme-screenshots",
                       "logging": [{"target_bucket": "x", "target_prefix": "screenshots/"}]},
               unknown=["arn", "id", "versioning", "logging.0.target_bucket"],
               refs={"logging.0.target_bucket": [f"{TARGET}.id"]})
    if expire_days:
        p.resource("aws_s3_bucket_lifecycle_configuration.access_logs",
                   {"rule": [{"id": "expire", "status": "Enabled", "filter": [{}],
                              "expiration": [{"days": expire_days}]}]},
                   unknown=["bucket"], refs={"bucket": [f"{TARGET}.id"]})
    return p.build()


@pytest.mark.parametrize("days, status", [(30, "fail"), (None, "pass"), (400, "pass")])
def test_legacy_logging_plan_every_rule_sees_the_target(days, status):
    report = lint_plan(legacy_logging_plan(days))
    assert verdicts(report, "S3L-001") == {SHOTS: "pass"}
    assert verdicts(report, "RET-007") == {SHOTS: status}
    assert verdicts(report, "INT-001") == {TARGET: "fail"}
    assert TARGET in verdicts(report, "ENC-002")
