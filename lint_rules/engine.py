"""The rule engine: a registry of rules and one evaluation loop.

A rule is a small class with a stable id, a title, the policy clause it
enforces, a rationale and a fix hint.  Its ``evaluate(model, policy)`` yields
:class:`Finding` objects through the helpers ``self.passed``, ``self.failed``
and ``self.unknown``.  Rules read only the :class:`~lint_rules.model.Model`
and the :class:`~lint_rules.policy.Policy`; they never parse files.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Iterable, Iterator

from . import suppressions as _suppressions
from .collector import collector_paused
from .model import Model, Resource

if TYPE_CHECKING:  # pragma: no cover
    from .policy import Policy

PASS, FAIL, UNKNOWN_STATUS, SUPPRESSED = "pass", "fail", "unknown", "suppressed"
STATUSES = (PASS, FAIL, UNKNOWN_STATUS, SUPPRESSED)

#: Subject of a finding about the account as a whole (e.g. "no trail exists").
ACCOUNT = "account"


@dataclass
class Finding:
    rule_id: str
    status: str
    resource: str  # resource address, or ACCOUNT
    message: str
    clause: str
    file: str | None = None
    line: int | None = None
    fix: str = ""
    reason: str = ""  # why a finding was suppressed
    # The account the finding is about (Model.account_of's label); None when it is about the
    # configuration as a whole.
    account: str | None = None
    source: str = ""  # the input it came from (plan file or root directory), as given to `check`
    expires: str | None = None  # the suppression's expiry date (YYYY-MM-DD), if it has one
    suppressed_by: str = ""  # where the suppression is declared (policy file entry or file:line)
    suppression_expired: bool = False  # a suppression matched but has expired: the finding fails

    @property
    def suppression(self) -> dict | None:
        if not self.suppressed_by:
            return None
        return {"reason": self.reason, "expires": self.expires, "origin": self.suppressed_by,
                "expired": self.suppression_expired}

    def as_dict(self) -> dict:
        return {
            "rule_id": self.rule_id,
            "status": self.status,
            "resource": self.resource,
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "clause": self.clause,
            "suppression": self.suppression,
            "account": self.account,
            "source": self.source,
        }


def unfollowed_note(model: Model, limit: int = 2) -> str:
    """``module.trail (cloudposse/cloudtrail/aws: registry module not downloaded)`` for the modules not
    read: each reason without its parenthesized details (the loader's note has them, and the fix says
    to run terraform init)."""
    mods = model.unfollowed_modules
    shown = ", ".join(f"{m.address} ({m.source}: {m.reason.split(' (', 1)[0]})" for m in mods[:limit])
    more = f" and {len(mods) - limit} more" if len(mods) > limit else ""
    return f"{shown}{more}"


UNFOLLOWED_FIX = ("Run `terraform init` in the root so auditgate can read the downloaded modules "
                  "(.terraform/modules), or point the module source at a local copy.")


class Rule:
    """Base class of every rule.  Subclasses set the class attributes and ``evaluate``."""

    id: ClassVar[str]
    title: ClassVar[str]
    section: ClassVar[str]  # policy section, e.g. "CloudTrail Requirements"
    clause: ClassVar[str]  # the policy line it enforces, quoted
    rationale: ClassVar[str]
    fix: ClassVar[str]
    example_fail: ClassVar[str] = ""
    example_pass: ClassVar[str] = ""
    #: the kinds of model the rule reads ("plan", "hcl"); a plan-only rule is not run on HCL
    applies_to: ClassVar[tuple[str, ...]] = ("plan", "hcl")

    def evaluate(self, model: Model, policy: "Policy") -> Iterable[Finding]:
        raise NotImplementedError

    # --- helpers for subclasses --------------------------------------------
    @property
    def clause_text(self) -> str:
        return f'{self.section}: "{self.clause}"'

    def _finding(self, status: str, subject: Resource | str, message: str, *, fix: str | None = None,
                 account: str | None = None, evidence: Iterable[Resource] = (),
                 absent_in: Model | None = None) -> Finding:
        """A finding; ``fix`` replaces the rule's fix hint when this failure needs another one.

        ``evidence``: the resources whose existence a pass rests on (the trail that is multi-region,
        the aws_s3_bucket_versioning that enables versioning, ...).  One that may not exist
        (:attr:`Resource.maybe_absent`) cannot prove anything: the pass becomes unknown, saying why.

        ``absent_in``: the model, when the verdict rests on something *not* being in it ("no
        aws_cloudtrail", "no in-scope bucket", "no aws_flow_log for this VPC").  Such a verdict holds
        only when every module was read: while a module call was not followed, whatever it creates is
        missing from the model, so the finding is unknown and names the modules.
        """
        if absent_in is not None and absent_in.unfollowed_modules and status in (PASS, FAIL, UNKNOWN_STATUS):
            # (an unknown for another reason names the modules too: reading them may settle it)
            if status != UNKNOWN_STATUS or fix is None:
                fix = UNFOLLOWED_FIX
            status = UNKNOWN_STATUS
            verb = "were" if len(absent_in.unfollowed_modules) > 1 else "was"
            message = f"{message}; but {unfollowed_note(absent_in)} {verb} not read and may hold it"
        if status == PASS:
            doubtful = [r for r in dict.fromkeys(evidence) if isinstance(r, Resource) and r.maybe_absent]
            if doubtful:
                status = UNKNOWN_STATUS
                shown = "; ".join(f"{r.address} may not exist ({r.maybe_absent})" for r in doubtful[:2])
                more = f" and {len(doubtful) - 2} more" if len(doubtful) > 2 else ""
                message = f"{message}; but {shown}{more}"
        if isinstance(subject, Resource):
            return Finding(self.id, status, subject.address, message, self.clause_text,
                           subject.file, subject.line, self.fix if fix is None else fix, account=account)
        return Finding(self.id, status, subject, message, self.clause_text, None, None,
                       self.fix if fix is None else fix, account=account)

    def finding(self, status: str, subject: Resource | str, message: str, **kw) -> Finding:
        return self._finding(status, subject, message, **kw)

    def passed(self, subject: Resource | str, message: str, **kw) -> Finding:
        return self._finding(PASS, subject, message, **kw)

    def failed(self, subject: Resource | str, message: str, **kw) -> Finding:
        return self._finding(FAIL, subject, message, **kw)

    def unknown(self, subject: Resource | str, message: str, **kw) -> Finding:
        return self._finding(UNKNOWN_STATUS, subject, message, **kw)

    def absent(self, model: Model, status: str, subject: Resource | str, message: str, **kw) -> Finding:
        """A verdict resting on something not being in the configuration (see ``absent_in``)."""
        return self._finding(status, subject, message, absent_in=model, **kw)


_REGISTRY: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator adding a rule to the registry; ids must be unique."""
    for attr in ("id", "title", "section", "clause", "rationale", "fix"):
        if not getattr(cls, attr, None):
            raise TypeError(f"rule {cls.__name__} lacks {attr}")
    if cls.id in _REGISTRY and _REGISTRY[cls.id] is not cls:
        raise ValueError(f"duplicate rule id {cls.id}")
    _REGISTRY[cls.id] = cls
    return cls


def all_rules() -> list[Rule]:
    from . import rules  # noqa: F401  (importing registers every rule)

    return [cls() for _, cls in sorted(_REGISTRY.items(), key=lambda kv: _id_key(kv[0]))]


def get_rule(rule_id: str) -> Rule | None:
    for rule in all_rules():
        if rule.id.lower() == rule_id.lower():
            return rule
    return None


def rule_matches(rule_id: str, patterns: Iterable[str]) -> bool:
    """Is ``rule_id`` named by one of ``patterns`` (rule ids or id prefixes: ``CT``, ``RET-001``)?"""
    wanted = {p.strip().upper() for p in patterns}
    return rule_id.upper() in wanted or rule_id.split("-")[0].upper() in wanted


def unknown_patterns(patterns: Iterable[str]) -> list[str]:
    """The patterns that name no rule and no rule prefix (typos)."""
    rules = all_rules()
    known = {r.id.upper() for r in rules} | {r.id.split("-")[0].upper() for r in rules}
    return [p for p in patterns if p.strip().upper() not in known]


def choose_rules(rules: Iterable[Rule] | None = None, select: Iterable[str] | None = None,
                 skip: Iterable[str] | None = None) -> list[Rule]:
    """``rules`` (default: all) narrowed to ``select`` and without ``skip`` (ids or prefixes)."""
    chosen = list(rules) if rules is not None else all_rules()
    if select:
        select = list(select)
        chosen = [r for r in chosen if rule_matches(r.id, select)]
    if skip:
        skip = list(skip)
        chosen = [r for r in chosen if not rule_matches(r.id, skip)]
    return chosen


# Rule areas in the order the policy text gives them.
AREA_ORDER = ("PLN", "CT", "RET", "FL", "CFG", "FND", "APP", "S3L", "SSM", "ENC", "INT", "ALR", "ACC", "DLV")


def _id_key(rule_id: str) -> tuple:
    prefix, _, number = rule_id.partition("-")
    area = AREA_ORDER.index(prefix) if prefix in AREA_ORDER else len(AREA_ORDER)
    return (area, prefix, int(number) if number.isdigit() else 0, rule_id)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    source: str = ""
    rules: list[str] = field(default_factory=list)  # ids of the rules that were run on this input
    model: Model | None = field(default=None, repr=False, compare=False)  # what was evaluated

    def count(self, status: str) -> int:
        return sum(1 for f in self.findings if f.status == status)

    @property
    def summary(self) -> dict[str, int]:
        return {s: self.count(s) for s in STATUSES}

    def failing(self, unknown_fails: bool = True) -> list[Finding]:
        bad = {FAIL, UNKNOWN_STATUS} if unknown_fails else {FAIL}
        return [f for f in self.findings if f.status in bad]


def evaluate(model: Model, policy: "Policy", rules: Iterable[Rule] | None = None,
             select: Iterable[str] | None = None, skip: Iterable[str] | None = None,
             today: _dt.date | None = None) -> Report:
    """Run ``rules`` (default: all, narrowed by ``select`` / ``skip``) over ``model`` and apply the
    accepted exceptions: the policy file's and the inline ``auditgate:skip`` comments the loader found
    (``model.suppressions``).  ``today`` (default: the UTC date) decides which have expired."""
    chosen = [r for r in choose_rules(rules, select, skip) if not model.kind or model.kind in r.applies_to]
    exceptions = list(model.suppressions) + _suppressions.from_policy(policy)
    _suppressions.check_rule_ids(exceptions, {r.id.upper() for r in all_rules()})
    today = today or _suppressions.today_utc()
    with collector_paused():  # the model is read-only; what the rules allocate is kept or refcounted
        report = Report(source=model.source, model=model, rules=[r.id for r in chosen])
        for rule in chosen:
            for finding in rule.evaluate(model, policy):
                if finding.file is None:  # an account-wide finding is about the whole input
                    finding.file = model.source or None
                if finding.account is None:
                    finding.account = _account(model, finding)
                finding.source = model.source
                report.findings.append(_suppressions.apply(finding, exceptions, today))
    if model.sensitive_values:
        _mask(report.findings, frozenset(model.sensitive_values))
    return report


def _mask(findings: list[Finding], secrets: frozenset[str]) -> None:
    """No value the input marks sensitive reaches a reporter (:mod:`lint_rules.redact`)."""
    from .redact import scrub

    for f in findings:
        f.message, f.fix, f.reason = scrub(f.message, secrets), scrub(f.fix, secrets), scrub(f.reason, secrets)
        f.resource = scrub(f.resource, secrets)


def _account(model: Model, finding: Finding) -> str | None:
    """The account of a finding on a resource; of an account-wide finding when there is one account."""
    if finding.resource != ACCOUNT:
        resource = model.get(finding.resource)
        return model.account_of(resource) if resource is not None else None
    accounts = model.accounts()
    return accounts[0] if len(accounts) == 1 else None


def iter_statuses(findings: Iterable[Finding], status: str) -> Iterator[Finding]:
    return (f for f in findings if f.status == status)
