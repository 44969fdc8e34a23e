"""S3 server access logging on the screenshot bucket, delivered to a different bucket."""
from __future__ import annotations

from ..engine import ACCOUNT, FAIL, PASS, UNKNOWN_STATUS, Rule, register
from ._retention import LOGGING, Outcome, combine, fmt, resolve, screenshot_buckets, sub_resources


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
                 "can delete screenshots also delete the evidence.")
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
            yield self.unknown(ACCOUNT, f"no aws_s3_bucket with bucket matching {policy.screenshot_bucket!r} in "
                                        f"this configuration{names}: cannot confirm the screenshot bucket's access "
                                        "is logged")
            return
        for b in buckets:
            configs, unresolved = sub_resources(model, b, LOGGING)
            outcomes = [_target_outcome(model, b, cfg, "target_bucket") for cfg in configs]
            inline = b.values.get("logging")
            if not configs and isinstance(inline, list):
                outcomes += [_target_outcome(model, b, b, f"logging.{i}.target_bucket")
                             for i, block in enumerate(inline)
                             if isinstance(block, dict) and block.get("target_bucket") is not None]
            if not outcomes:
                if unresolved:
                    outcomes = [Outcome(UNKNOWN_STATUS, f"bucket of {unresolved[0].address} is not known until "
                                                        "apply; cannot tell whether it logs this bucket")]
                else:
                    outcomes = [Outcome(FAIL, "no aws_s3_bucket_logging (or logging block) for the screenshot "
                                              "bucket: server access logging is off")]
            status, text = combine(outcomes)
            yield self._finding(status, b, text)
