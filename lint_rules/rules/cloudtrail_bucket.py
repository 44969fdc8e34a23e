"""CloudTrail Requirements: the trail's dedicated, versioned, private S3 bucket (CT-007 .. CT-009)."""
from __future__ import annotations


from ..engine import FAIL, PASS, UNKNOWN_STATUS, register
from ..model import UNKNOWN
from . import _iam, _s3
from ._retention import guardduty_export_buckets
from ._trail import LOG_DELIVERY_SERVICES, WRITE_ACTIONS, NO_TRAIL, show, BucketRule

GUARDDUTY = "guardduty.amazonaws.com"

@register
class TrailBucketDedicated(BucketRule):
    id = "CT-007"
    title = "CloudTrail delivers to a dedicated S3 bucket with restricted access"
    clause = "Logs delivered to dedicated S3 bucket with restricted access"
    rationale = ("Only the log delivery services may write into the audit log bucket; any other writer, a "
                 "public grant, or a bucket shared with application data can forge, overwrite or expose logs. "
                 "The delivery services are cloudtrail, config and delivery.logs (those of them the policy "
                 "file's log_access.services lists), and guardduty.amazonaws.com where this configuration "
                 "exports GuardDuty findings (security logs) to the same bucket.")
    fix = ("Deliver to a bucket used for logs only, whose bucket policy allows s3:PutObject to "
           "cloudtrail.amazonaws.com (and config / delivery.logs, or guardduty where its findings are exported "
           "there) only, with no Principal \"*\" Allow.")
    example_fail = '''resource "aws_s3_bucket_policy" "trail" {
  bucket = aws_s3_bucket.trail.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Principal = { AWS = "arn:aws:iam::999999999999:root" },
    Action = "s3:PutObject", Resource = "arn:aws:s3:::trail-logs/*" }] })
}'''
    example_pass = '''resource "aws_s3_bucket_policy" "trail" {
  bucket = aws_s3_bucket.trail.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Principal = { Service = "cloudtrail.amazonaws.com" },
    Action = "s3:PutObject", Resource = "arn:aws:s3:::trail-logs/AWSLogs/*" }] })
}'''

    no_trail_message = NO_TRAIL + ": no logs are delivered to a dedicated bucket"

    def check_bucket(self, model, policy, trail, bucket):
        problems: list[str] = []
        unsure: list[str] = []
        uses = _s3.non_log_uses(model, bucket, policy)
        if uses:
            problems.append(f"not dedicated to logs: {'; '.join(uses)}")
        acl = _s3.acl_exposure(model, bucket)
        if acl.status == FAIL:
            problems.append(f"public ACL: {acl.message}")
        elif acl.status == UNKNOWN_STATUS:
            unsure.append(acl.message)
        statements, sources = _s3.bucket_policies(model, bucket)
        where = ", ".join(s.address for s in sources)
        allowed = [s for s in LOG_DELIVERY_SERVICES if s in policy.log_access_services]
        if bucket.address in guardduty_export_buckets(model):
            allowed.append(GUARDDUTY)  # this configuration exports GuardDuty findings (security logs) here
        if statements is None:
            problems.append("no bucket policy (no aws_s3_bucket_policy refers to it): access is not restricted "
                            "to the log delivery services")
        elif statements is UNKNOWN:
            unsure.append(f"bucket policy {where} is not known until apply and refers to no readable "
                          "aws_iam_policy_document")
        else:
            bad, maybe = _policy_problems(statements, allowed)
            problems.extend(f"bucket policy {where}: {m}" for m in bad)
            unsure.extend(f"bucket policy {where}: {m}" for m in maybe)
        subject = _s3.describe(bucket)
        if problems:
            only_absence = statements is None and len(problems) == 1  # only "no bucket policy"
            return _s3.Check(FAIL, f"{subject}: {'; '.join(problems)}", absent=only_absence)
        if unsure:
            return _s3.Check(UNKNOWN_STATUS, f"{subject}: {'; '.join(unsure)}")
        return _s3.Check(PASS, f"{subject} is used for logs only; its policy ({where}) lets no principal but "
                               f"{', '.join(allowed)} write and none is public", list(sources))


def _stmt_label(stmt: dict, i: int) -> str:
    sid = stmt.get("Sid")
    return f"statement {sid!r}" if isinstance(sid, str) and sid else f"statement {i}"


def _written_actions(stmt: dict) -> str:
    actions = stmt.get("Action")
    if actions:
        return f"Action = {show(actions)}"
    return f"NotAction = {show(stmt.get('NotAction'))}"


def _policy_problems(statements: list[dict], allowed: list[str]) -> tuple[list[str], list[str]]:
    """(definite problems, undecidable points) of a trail bucket's policy statements.

    Deny statements only take access away and are skipped.  An Allow fails when
    it names everyone (Principal "*", AWS "*", or NotPrincipal), or lets any
    principal other than the allowed log delivery services write.
    """
    problems: list[str] = []
    unsure: list[str] = []
    for i, stmt in enumerate(statements):
        label = _stmt_label(stmt, i)
        effect = stmt.get("Effect")
        if effect == "Deny":
            continue
        if effect is UNKNOWN:
            unsure.append(f"{label}: Effect known after apply")
            continue
        if stmt.get("NotPrincipal"):
            problems.append(f"{label}: Allow with NotPrincipal grants every other principal "
                            f"({_written_actions(stmt)})")
            continue
        entries = _iam.principal_entries(stmt.get("Principal"))
        if entries is UNKNOWN:
            unsure.append(f"{label}: Principal known after apply ({_written_actions(stmt)})")
            continue
        writes = _iam.grants_any_action(stmt, WRITE_ACTIONS)
        for kind, ident in entries:
            shown = f"{kind} {show(ident)}"
            if kind == "*" or (kind == "AWS" and ident == "*"):
                problems.append(f"{label}: Allow to Principal \"*\" ({_written_actions(stmt)})")
            elif kind == "Service" and ident in allowed:
                continue
            elif kind == "Service" and ident is UNKNOWN:
                if writes is not False:
                    unsure.append(f"{label}: Principal {shown} with {_written_actions(stmt)}")
            elif writes is True:
                problems.append(f"{label}: Principal {shown} may write ({_written_actions(stmt)})")
            elif writes is UNKNOWN:
                unsure.append(f"{label}: Principal {shown}: whether {_written_actions(stmt)} writes is "
                              "known after apply")
            elif ident is UNKNOWN and kind == "AWS":
                unsure.append(f"{label}: Principal AWS known after apply could be \"*\" "
                              f"({_written_actions(stmt)})")
    return problems, unsure


@register
class TrailBucketVersioning(BucketRule):
    id = "CT-008"
    title = "CloudTrail bucket has versioning enabled"
    clause = "CloudTrail S3 bucket: versioning enabled, no public access"
    rationale = ("Versioning keeps every version of a log file, so an overwritten or deleted audit log can be "
                 "recovered and the change is itself visible.")
    fix = "Add an aws_s3_bucket_versioning for the trail bucket with versioning_configuration { status = \"Enabled\" }."
    example_fail = '''resource "aws_s3_bucket_versioning" "trail" {
  bucket = aws_s3_bucket.trail.id
  versioning_configuration { status = "Suspended" }
}'''
    example_pass = '''resource "aws_s3_bucket_versioning" "trail" {
  bucket = aws_s3_bucket.trail.id
  versioning_configuration { status = "Enabled" }
}'''

    no_trail_message = NO_TRAIL + ": no trail bucket has versioning"

    def check_bucket(self, model, policy, trail, bucket):
        return _s3.versioning(model, bucket)


@register
class TrailBucketPublicAccess(BucketRule):
    id = "CT-009"
    title = "CloudTrail bucket blocks all public access"
    clause = "CloudTrail S3 bucket: versioning enabled, no public access"
    rationale = ("Audit logs describe PHI systems and who touched them; a public ACL or policy on their bucket "
                 "exposes them. All four public access block settings close that door.")
    fix = ("Add an aws_s3_bucket_public_access_block for the trail bucket with block_public_acls, "
           "block_public_policy, ignore_public_acls and restrict_public_buckets all true.")
    example_fail = '''resource "aws_s3_bucket_public_access_block" "trail" {
  bucket                  = aws_s3_bucket.trail.id
  block_public_acls       = true
  block_public_policy     = false
  ignore_public_acls      = true
  restrict_public_buckets = true
}'''
    example_pass = '''resource "aws_s3_bucket_public_access_block" "trail" {
  bucket                  = aws_s3_bucket.trail.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}'''

    no_trail_message = NO_TRAIL + ": no trail bucket blocks public access"

    def check_bucket(self, model, policy, trail, bucket):
        return _s3.public_access(model, bucket)

