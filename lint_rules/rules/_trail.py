"""What every CloudTrail rule shares: the trail loop, value display, the trail's bucket.

Every CloudTrail rule looks at every ``aws_cloudtrail`` in the model and reports
one finding per trail; for each account that no trail covers it reports on
``ACCOUNT`` (naming the account when the configuration manages several).  A trail
covers the account it is created in; an organization trail
(``is_organization_trail = true``, created in the management account) covers every
account of the organization, which is taken to include every account this
configuration manages.
Fail closed: a value known only after apply that does not resolve through the
model's references makes a finding ``unknown``, never ``pass``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from ..engine import ACCOUNT, FAIL, PASS, UNKNOWN_STATUS, Finding, Rule
from ..model import UNKNOWN, Model, Resource
from . import _accounts, _s3
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
NO_TRAIL_FIX = ("Create an aws_cloudtrail for this account (is_multi_region_trail = true, enable_log_file_validation "
                "= true, kms_key_id = a CMK), or an organization trail (is_organization_trail = true) in the "
                "management account.")


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


def is_organization_trail(trail: Resource) -> Any:
    """True / False / UNKNOWN: does the trail log every account of the organization?"""
    value = trail.values.get("is_organization_trail")
    if value is UNKNOWN:
        return UNKNOWN
    return value is True


@dataclass
class Coverage:
    """The trails that log one account's API activity."""

    account: str
    own: list[Resource] = field(default_factory=list)  # created in the account
    org: list[Resource] = field(default_factory=list)  # organization trails of other accounts
    maybe_org: list[Resource] = field(default_factory=list)  # is_organization_trail not known

    @property
    def trails(self) -> list[Resource]:
        return self.own + self.org


def coverage(model: Model) -> dict[str, Coverage]:
    """{account: the trails covering it} for every account of the configuration."""
    trails = model.of_type(TRAIL)
    out = {a: Coverage(a) for a in model.accounts()}
    for t in trails:
        out.setdefault(model.account_of(t), Coverage(model.account_of(t))).own.append(t)
    for t in trails:
        org = is_organization_trail(t)
        if org is False:
            continue
        home = model.account_of(t)
        for account, cov in out.items():
            if account != home:
                (cov.org if org is True else cov.maybe_org).append(t)
    return out


def accounts_without_trail(model: Model) -> list[Coverage]:
    """The accounts no trail is known to cover (``maybe_org``: an organization trail may)."""
    return [cov for cov in coverage(model).values() if not cov.trails]


def covered_accounts(model: Model, trail: Resource) -> list[str]:
    """The accounts a trail logs: its own, and with is_organization_trail = true every account."""
    home = model.account_of(trail)
    if is_organization_trail(trail) is True:
        return [home] + [a for a in model.accounts() if a != home]
    return [home]


class TrailRule(Rule):
    """Runs :meth:`check` on each trail; an ACCOUNT finding for each account no trail covers."""

    section = SECTION
    no_trail_message = NO_TRAIL

    def evaluate(self, model: Model, policy) -> Iterable[Finding]:
        for trail in model.of_type(TRAIL):
            yield from self.check(model, policy, trail)
        yield from self.uncovered(model, policy)

    def uncovered(self, model: Model, policy) -> Iterable[Finding]:
        """An ACCOUNT finding for each account without a trail of its own or an organization trail."""
        for cov in accounts_without_trail(model):
            yield self.without_trail(model, policy, cov)

    def without_trail(self, model: Model, policy, cov: Coverage) -> Finding:
        """The finding for an account no trail is known to cover."""
        if cov.maybe_org:
            return self.unknown(ACCOUNT, f"{_accounts.prefix(model, cov.account)}no aws_cloudtrail of its own, and "
                                         f"whether {cov.maybe_org[0].address} is an organization trail covering it "
                                         "is not known until apply (is_organization_trail)", account=cov.account)
        return self.no_trail(model, policy, cov.account)

    def no_trail(self, model: Model, policy, account: str | None = None) -> Finding:
        message = self.no_trail_message
        if account is not None and _accounts.several(model):
            message = message.replace("in this configuration", f"for {_accounts.label(account)} "
                                                               "and no organization trail")
        return self.absent(model, FAIL, ACCOUNT, message, account=account, fix=NO_TRAIL_FIX)

    def check(self, model: Model, policy, trail: Resource) -> Iterable[Finding]:
        raise NotImplementedError



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
        yield self.finding(status, trail, "; ".join(r.message for r in chosen),
                           evidence=[s for r in chosen for s in r.sources],
                           absent_in=model if any(r.absent for r in chosen) else None)

    def check_bucket(self, model, policy, trail, bucket) -> _s3.Check:
        raise NotImplementedError


