"""What every CloudTrail rule shares: the trail loop, value display, the trail's bucket.

Every CloudTrail rule looks at every ``aws_cloudtrail`` in the model and reports
one finding per trail; when there is no trail at all it reports on ``ACCOUNT``.
Fail closed: a value known only after apply that does not resolve through the
model's references makes a finding ``unknown``, never ``pass``.
"""
from __future__ import annotations

from typing import Any, Iterable

from ..engine import ACCOUNT, FAIL, PASS, UNKNOWN_STATUS, Finding, Rule
from ..model import UNKNOWN, Model, Resource
from . import _s3
from ._iam import tri_all

TRAIL = "aws_cloudtrail"
SECTION = "CloudTrail Requirements"
S3_OBJECT = "AWS::S3::Object"
LAMBDA_FUNCTION = "AWS::Lambda::Function"

# Service principals that deliver logs into a trail bucket.  Only those the
# policy lists among the services allowed to access logs are accepted.
LOG_DELIVERY_SERVICES = ("cloudtrail.amazonaws.com", "config.amazonaws.com", "delivery.logs.amazonaws.com")
# Actions by which a principal can add, overwrite or remove log objects.
WRITE_ACTIONS = ("s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion")

PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc")
NO_TRAIL = "no aws_cloudtrail in this configuration"


def show(value: Any) -> str:
    if value is UNKNOWN:
        return "(known after apply)"
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "unset"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return str(value)


def status(value: Any) -> str:
    return PASS if value is True else (FAIL if value is False else UNKNOWN_STATUS)


def tri_and(*values: Any) -> Any:
    return tri_all(values)


class TrailRule(Rule):
    """Runs :meth:`check` on each trail; an ACCOUNT finding when there is none."""

    section = SECTION
    no_trail_message = NO_TRAIL

    def evaluate(self, model: Model, policy) -> Iterable[Finding]:
        trails = model.of_type(TRAIL)
        if not trails:
            yield self.no_trail(model, policy)
            return
        for trail in trails:
            yield from self.check(model, policy, trail)

    def no_trail(self, model: Model, policy) -> Finding:
        return self.failed(ACCOUNT, self.no_trail_message)

    def check(self, model: Model, policy, trail: Resource) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(self, status: str, subject, message: str) -> Finding:
        return self._finding(status, subject, message)



# =============================================================================
# the trail's bucket (CT-007 .. CT-009)
# =============================================================================
def trail_buckets(model: Model, trail: Resource) -> tuple[list[Resource], str | None]:
    """The managed aws_s3_bucket(s) the trail delivers to, or ([], why not) when unresolved."""
    found = model.targets(trail, "s3_bucket_name", "aws_s3_bucket")
    managed = [b for b in found if b.mode == "managed"]
    if managed:
        if len(managed) > 1:
            same = [b for b in managed if b.module_path == trail.module_path and b.index == trail.index]
            managed = same or managed
        return managed, None
    value = trail.values.get("s3_bucket_name")
    if found:
        return [], (f"s3_bucket_name refers to {found[0].address}, a bucket not managed in this configuration; "
                    "cannot check its settings")
    refs = trail.refs_at("s3_bucket_name")
    if refs:
        return [], f"s3_bucket_name refers to {', '.join(refs)}, which is not an aws_s3_bucket in this configuration"
    if value is UNKNOWN:
        return [], "s3_bucket_name is not known until apply and refers to no aws_s3_bucket"
    if value is None or value == "":
        return [], "s3_bucket_name is not set"
    return [], f"s3_bucket_name = {show(value)} names no aws_s3_bucket in this configuration"


class BucketRule(TrailRule):
    def check(self, model, policy, trail):
        buckets, why = trail_buckets(model, trail)
        if not buckets:
            yield self.unknown(trail, why)
            return
        results = [self.check_bucket(model, policy, trail, b) for b in buckets]
        status = _s3.worst(r.status for r in results)
        chosen = [r for r in results if r.status == status]
        yield self.finding(status, trail, "; ".join(r.message for r in chosen))

    def check_bucket(self, model, policy, trail, bucket) -> _s3.Check:
        raise NotImplementedError


