"""Accepted exceptions: a finding that an organisation has decided to live with, for a reason and
until a date.

Two places declare them, with one meaning:

- the policy file's ``suppressions:`` list (``rule``, ``resource`` glob, ``reason``, optional
  ``expires: 2027-03-31``);
- an inline comment in the Terraform code, on a resource block's line or on the comment lines just
  above it: ``# auditgate:skip=CT-004 reason: Lambda retired in Q3 expires: 2027-03-31`` (read by
  :mod:`lint_rules.loaders.inline_suppressions`, kept on ``Model.suppressions``).

A suppressed finding is never dropped: it is reported with status ``suppressed``, its reason, expiry
and where the exception was declared.  Once the expiry date has passed the finding fails again, with a
message that says the exception expired.
"""
from __future__ import annotations

import datetime as _dt
import fnmatch
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from .errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Finding
    from .policy import Policy

RULE_ID = re.compile(r"^[A-Za-z]+-\d+$")


def parse_date(text: str, where: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise InputError(f"expires must be a date written YYYY-MM-DD, not {str(text)!r}", where) from None


def today_utc() -> _dt.date:
    return _dt.datetime.now(_dt.timezone.utc).date()


@dataclass(frozen=True)
class Suppression:
    """One accepted exception."""

    rules: tuple[str, ...]  # rule ids, upper case
    reason: str
    origin: str  # where it was declared: "policy.yaml suppressions[0]", "main.tf:12"
    resource: str = "*"  # glob over the finding's resource address (policy file)
    address: str | None = None  # exact resource address (inline comments)
    expires: _dt.date | None = None

    def matches(self, finding: "Finding") -> bool:
        if finding.rule_id.upper() not in self.rules:
            return False
        if self.address is not None:
            return finding.resource == self.address
        # an address with an instance key (["a"]) is matched literally as well as as a glob
        return finding.resource == self.resource or fnmatch.fnmatchcase(finding.resource, self.resource)

    def expired(self, today: _dt.date) -> bool:
        return self.expires is not None and today > self.expires


def from_policy(policy: "Policy") -> list[Suppression]:
    out = []
    for i, entry in enumerate(policy.suppressions):
        origin = f"{policy.source} suppressions[{i}]"
        expires = entry.get("expires")
        out.append(Suppression(rules=(entry["rule"].upper(),), reason=entry["reason"].strip(), origin=origin,
                               resource=entry.get("resource", "*"),
                               expires=parse_date(expires, origin) if expires is not None else None))
    return out


def check_rule_ids(suppressions: Iterable[Suppression], known: set[str]) -> None:
    """A suppression that names no rule is a typo that would silently suppress nothing: exit 2."""
    for s in suppressions:
        for rule_id in s.rules:
            if rule_id not in known:
                raise InputError(f"suppression names no rule {rule_id!r} (`auditgate rules` lists them)",
                                 s.origin)


def apply(finding: "Finding", suppressions: Iterable[Suppression], today: _dt.date) -> "Finding":
    """Mark ``finding`` suppressed by the first exception that matches it, or failed when that
    exception has expired.  Passing findings are left alone."""
    from .engine import FAIL, PASS, SUPPRESSED

    if finding.status == PASS:
        return finding
    for s in suppressions:
        if not s.matches(finding):
            continue
        finding.reason = s.reason
        finding.expires = s.expires.isoformat() if s.expires else None
        finding.suppressed_by = s.origin
        if s.expired(today):
            finding.suppression_expired = True
            finding.message = (f"the exception for this finding expired on {finding.expires} "
                               f"({s.origin}: {s.reason}); {finding.message}")
            finding.status = FAIL
        else:
            finding.status = SUPPRESSED
        break
    return finding
