"""Screenshot bucket server access logging (S3L-001), in HCL and plan form."""
from __future__ import annotations

from lint_rules.engine import ACCOUNT

from ..helpers import lint_hcl, lint_plan, verdicts
from ..planbuilder import PlanBuilder

SHOTS = "aws_s3_bucket.shots"
BUCKETS = '''
resource "aws_s3_bucket" "shots" {
  bucket = "acme-screenshots"
}
resource "aws_s3_bucket" "access" {
  bucket = "acme-access-logs"
}
'''


def logging(target: str) -> str:
    return f'''
resource "aws_s3_bucket_logging" "shots" {{
  bucket        = aws_s3_bucket.shots.id
  target_bucket = {target}
  target_prefix = "shots/"
}}
'''


def test_logging_to_another_bucket_passes(tmp_path):
    files = {"main.tf": BUCKETS + logging("aws_s3_bucket.access.id")}
    assert verdicts(lint_hcl(tmp_path, files, rule="S3L-001")) == {SHOTS: "pass"}


def test_logging_to_itself_fails(tmp_path):
    report = lint_hcl(tmp_path, {"main.tf": BUCKETS + logging("aws_s3_bucket.shots.id")}, rule="S3L-001")
    assert verdicts(report) == {SHOTS: "fail"}
    assert "target_bucket" in report.findings[0].message


def test_logging_to_itself_by_name_fails(tmp_path):
    files = {"main.tf": BUCKETS + logging('"acme-screenshots"')}
    assert verdicts(lint_hcl(tmp_path, files, rule="S3L-001")) == {SHOTS: "fail"}


def test_logging_to_a_bucket_outside_the_configuration_passes(tmp_path):
    files = {"main.tf": BUCKETS + logging('"central-access-logs"')}
    assert verdicts(lint_hcl(tmp_path, files, rule="S3L-001")) == {SHOTS: "pass"}


def test_no_logging_fails(tmp_path):
    assert verdicts(lint_hcl(tmp_path, {"main.tf": BUCKETS}, rule="S3L-001")) == {SHOTS: "fail"}


def test_legacy_logging_block(tmp_path):
    files = {"main.tf": BUCKETS.replace('bucket = "acme-screenshots"', '''bucket = "acme-screenshots"
  logging {
    target_bucket = aws_s3_bucket.access.id
  }''')}
    assert verdicts(lint_hcl(tmp_path, files, rule="S3L-001")) == {SHOTS: "pass"}


def test_no_screenshot_bucket_is_unknown(tmp_path):
    files = {"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "acme-other"\n}\n'}
    assert verdicts(lint_hcl(tmp_path, files, rule="S3L-001")) == {ACCOUNT: "unknown"}


def shots_plan(target_ref: str | None, target_value: str | None = None):
    p = PlanBuilder()
    p.resource(SHOTS, {"bucket": "acme-screenshots"}, unknown=["id", "arn", "logging"])
    p.resource("aws_s3_bucket.access", {"bucket": "acme-access-logs"}, unknown=["id", "arn", "logging"])
    if target_ref or target_value:
        values = {"target_prefix": "shots/"}
        unknown = ["bucket"]
        refs = {"bucket": ["aws_s3_bucket.shots.id"]}
        if target_ref:
            refs["target_bucket"] = [target_ref]
            unknown.append("target_bucket")
        else:
            values["target_bucket"] = target_value
        p.resource("aws_s3_bucket_logging.shots", values, unknown=unknown, refs=refs)
    return p.build()


def test_plan_access_logging():
    assert verdicts(lint_plan(shots_plan("aws_s3_bucket.access.id"), rule="S3L-001")) == {SHOTS: "pass"}
    assert verdicts(lint_plan(shots_plan("aws_s3_bucket.shots.id"), rule="S3L-001")) == {SHOTS: "fail"}
    assert verdicts(lint_plan(shots_plan(None, "acme-screenshots"), rule="S3L-001")) == {SHOTS: "fail"}
    assert verdicts(lint_plan(shots_plan(None), rule="S3L-001")) == {SHOTS: "fail"}
