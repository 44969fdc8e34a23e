"""S3 server access logging on the screenshot bucket, delivered to a different bucket."""
from __future__ import annotations

from ..engine import ACCOUNT, FAIL, PASS, UNKNOWN_STATUS, Rule, register
from . import _s3
from ._naming import how_to_map
from ._retention import SCREENSHOT_BUCKET, Outcome, combine, fmt, resolve, screenshot_buckets


def _target_outcome(model, bucket, holder, path) -> Outcome:
    """Is ``holder.<path>`` (a target_bucket) a bucket other than ``bucket``?"""
    value = holder.get(path)
    res = resolve(model, holder, path, "aws_s3_bucket", kind="bucket")
    where = f"{holder.address} {path}" if holder is not bucket else path
    if res.targets:
        if bucket in res.targets:
            return Outcome(FAIL, f"{where} is the screenshot bucket itself: access logs must go to a different bucket")
        return Outcome(PASS, f"{where} → {', '.join(t.address for t in res.targets)}: access logged to a "
                             "different bucket")
    name = bucket.values.get("bucket")
    if isinstance(value, str) and value:
        target_name = value.split(":::", 1)[-1].split("/", 1)[0]
        if isinstance(name, str) and name:
            if target_name == name:
                return Outcome(FAIL, f"{where} = {fmt(value)} is the screenshot bucket itself: access logs must "
                                     "go to a different bucket")
            return Outcome(PASS, f"{where} = {fmt(value)} (a bucket outside this configuration): access logged "
                                 "to a different bucket")
        return Outcome(UNKNOWN_STATUS, f"{where} = {fmt(value)} but the screenshot bucket's name is not known "
                                       "until apply; cannot tell whether it logs to itself")
    if res.unset:
        return Outcome(FAIL, f"{where} is not set: access logs are not delivered")
    return Outcome(UNKNOWN_STATUS, res.problem)


@register
class ScreenshotBucketAccessLogging(Rule):
    id = "S3L-001"
    title = "The screenshot bucket has server access logging to another bucket"
    section = "Log Sources"
    clause = "| S3 access (screenshot bucket) | S3 Server Access Logging | 1 year |"
    rationale = ("The screenshot bucket holds PHI; server access logs are the per-request record of who read "
                 "or wrote each object.  Logging a bucket into itself creates a write loop and lets anyone who "
                 "can delete screenshots also delete the evidence.  The screenshot bucket is recognised by the "
                 "policy's screenshot_bucket globs or the naming tag (auditgate:role = screenshot_bucket); its "
                 "logging by an aws_s3_bucket_logging or a legacy inline logging block (whose target then is a log "
                 "bucket for every other rule).  A missing screenshot bucket is reported here only.")
    fix = ("Add aws_s3_bucket_logging with bucket = the screenshot bucket and target_bucket = a separate "
           "access-log bucket.")
    example_fail = '''resource "aws_s3_bucket" "screenshots" { bucket = "nvs-screenshots" }   # no aws_s3_bucket_logging'''
    example_pass = '''resource "aws_s3_bucket_logging" "screenshots" {
  bucket        = aws_s3_bucket.screenshots.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "screenshots/"
}'''

    def evaluate(self, model, policy):
        buckets, unnamed = screenshot_buckets(model, policy)
        if not buckets:
            names = f" (names not known: {', '.join(b.address for b in unnamed)})" if unnamed else ""
            wanted = f"named like {policy.screenshot_bucket}"
            if policy.mapping_tag:
                wanted += f" or tagged {policy.mapping_tag} = {SCREENSHOT_BUCKET}"
            fix = how_to_map(policy, SCREENSHOT_BUCKET, "screenshot bucket (aws_s3_bucket)", "screenshot_bucket")
            message = (f"no aws_s3_bucket {wanted} in this configuration{names}: cannot confirm the screenshot "
                       "bucket's access is logged")
            # nothing to check is a verdict only when every module was read
            yield self.absent(model, UNKNOWN_STATUS, ACCOUNT, message, fix=fix)
            return
        for b in buckets:
            targets, unresolved = _s3.logging_targets(model, b)
            outcomes = [_target_outcome(model, b, holder, f"{prefix}target_bucket") for holder, prefix in targets]
            if not outcomes:
                if unresolved:
                    outcomes = [Outcome(UNKNOWN_STATUS, f"bucket of {unresolved[0].address} is not known until "
                                                        "apply; cannot tell whether it logs this bucket")]
                else:
                    yield self.absent(model, FAIL, b, "no aws_s3_bucket_logging (or logging block) for the "
                                                      "screenshot bucket: server access logging is off")
                    continue
            status, text = combine(outcomes)
            yield self._finding(status, b, text, evidence=[h for h, _ in targets])
