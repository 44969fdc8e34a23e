"""The rule engine: a registry of rules and one evaluation loop.

A rule is a small class with a stable id, a title, the policy clause it
enforces, a rationale and a fix hint.  Its ``evaluate(model, policy)`` yields
:class:`Finding` objects through the helpers ``self.passed``, ``self.failed``
and ``self.unknown``.  Rules read only the :class:`~lint_rules.model.Model`
and the :class:`~lint_rules.policy.Policy`; they never parse files.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Iterable, Iterator

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
    source: str = ""  # the input it came from (plan file or root directory), as given to `check`

    def as_dict(self) -> dict:
        return {
            "rule_id": self.rule_id,
            "status": self.status,
            "resource": self.resource,
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "clause": self.clause,
            "source": self.source,
        }


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

    def _finding(self, status: str, subject: Resource | str, message: str) -> Finding:
        if isinstance(subject, Resource):
            return Finding(self.id, status, subject.address, message, self.clause_text,
                           subject.file, subject.line, self.fix)
        return Finding(self.id, status, subject, message, self.clause_text, None, None, self.fix)

    def passed(self, subject: Resource | str, message: str) -> Finding:
        return self._finding(PASS, subject, message)

    def failed(self, subject: Resource | str, message: str) -> Finding:
        return self._finding(FAIL, subject, message)

    def unknown(self, subject: Resource | str, message: str) -> Finding:
        return self._finding(UNKNOWN_STATUS, subject, message)


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

    def count(self, status: str) -> int:
        return sum(1 for f in self.findings if f.status == status)

    @property
    def summary(self) -> dict[str, int]:
        return {s: self.count(s) for s in STATUSES}

    def failing(self, unknown_fails: bool = True) -> list[Finding]:
        bad = {FAIL, UNKNOWN_STATUS} if unknown_fails else {FAIL}
        return [f for f in self.findings if f.status in bad]


def evaluate(model: Model, policy: "Policy", rules: Iterable[Rule] | None = None,
             select: Iterable[str] | None = None) -> Report:
    """Run ``rules`` (default: all) over ``model`` and apply the policy's suppressions."""
    chosen = list(rules) if rules is not None else all_rules()
    if select:
        wanted = {s.upper() for s in select}
        chosen = [r for r in chosen if r.id.upper() in wanted or r.id.split("-")[0] in wanted]
    report = Report(source=model.source)
    for rule in chosen:
        if model.kind and model.kind not in rule.applies_to:
            continue
        for finding in rule.evaluate(model, policy):
            if finding.file is None:  # an account-wide finding is about the whole input
                finding.file = model.source or None
            finding.source = model.source
            report.findings.append(_apply_suppressions(finding, policy))
    return report


def _apply_suppressions(finding: Finding, policy: "Policy") -> Finding:
    if finding.status == PASS:
        return finding
    for s in policy.suppressions:
        if s["rule"].upper() == finding.rule_id.upper() and fnmatch.fnmatchcase(
                finding.resource, s.get("resource", "*")):
            finding.status = SUPPRESSED
            finding.reason = s["reason"]
            break
    return finding


def iter_statuses(findings: Iterable[Finding], status: str) -> Iterator[Finding]:
    return (f for f in findings if f.status == status)
