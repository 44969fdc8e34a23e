"""The evidence an auditor reads: every line of the policy, what checked it, and with what result.

:func:`build_evidence` turns the reports of one run into an :class:`Evidence` -- provenance (auditgate
version, policy SHA-256, each input's SHA-256, terraform version, accounts, UTC time), and for each
policy line (``lint_rules/policy/lines.yaml``) the rules that enforce it, their findings and a verdict.
``markdown.py`` and ``html.py`` render it; neither decides anything.
"""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from typing import Iterable

from .. import __version__
from ..engine import FAIL, PASS, SUPPRESSED, UNKNOWN_STATUS, Finding, Report, Rule, all_rules, choose_rules
from ..policy import Policy
from ..policy.lines import PolicyLine, policy_lines, rules_for_line, unmatched_rules
from .notes import Note, distinct_notes

# Verdicts of a policy line (and of a rule), worst first.
LINE_FAIL, LINE_UNKNOWN, LINE_EXCEPTIONS, LINE_PASS = "fail", "unknown", "pass with exceptions", "pass"
LINE_NOTHING, LINE_NOT_RUN, LINE_ELSEWHERE = "nothing in scope", "not run", "not checked here"
LINE_NOT_APPLICABLE = "not applicable"
VERDICT_ORDER = (LINE_FAIL, LINE_UNKNOWN, LINE_EXCEPTIONS, LINE_PASS, LINE_NOTHING, LINE_NOT_APPLICABLE,
                 LINE_NOT_RUN, LINE_ELSEWHERE)
NO_RESULT = (LINE_ELSEWHERE, LINE_NOT_RUN, LINE_NOT_APPLICABLE)  # verdicts of lines this run did not judge
KIND_NAMES = {"plan": "plan JSON", "hcl": "Terraform directory"}


@dataclass
class RuleResult:
    rule: Rule
    ran_on: list[str]  # inputs the rule ran on
    findings: list[tuple[str, Finding]]  # (input, finding)
    selected: bool = True  # False: left out by --select / --skip

    @property
    def verdict(self) -> str:
        statuses = {f.status for _, f in self.findings}
        if not self.ran_on:
            return LINE_NOT_RUN if not self.selected else LINE_NOT_APPLICABLE
        if FAIL in statuses:
            return LINE_FAIL
        if UNKNOWN_STATUS in statuses:
            return LINE_UNKNOWN
        if SUPPRESSED in statuses:
            return LINE_EXCEPTIONS
        if PASS in statuses:
            return LINE_PASS
        return LINE_NOTHING

    def count(self, status: str) -> int:
        return sum(1 for _, f in self.findings if f.status == status)


@dataclass
class LineResult:
    line: PolicyLine
    rules: list[RuleResult]

    @property
    def verdict(self) -> str:
        ran = [r for r in self.rules if r.ran_on]
        if ran:
            return min((r.verdict for r in ran), key=VERDICT_ORDER.index)
        if self.line.elsewhere or not self.rules:
            return LINE_ELSEWHERE
        if any(r.selected for r in self.rules):
            return LINE_NOT_APPLICABLE  # its rules do not run on this kind of input
        return LINE_NOT_RUN

    @property
    def explanation(self) -> str:
        """Why a line has no result from this run."""
        if self.verdict == LINE_ELSEWHERE:
            return self.where_checked
        if self.verdict == LINE_NOT_APPLICABLE:
            return "; ".join(f"{r.rule.id} runs on {' and '.join(r.rule.applies_to)} input only"
                             for r in self.rules if r.selected)
        if self.verdict == LINE_NOT_RUN:
            return "its rules (" + ", ".join(r.rule.id for r in self.rules) + ") were left out by --select / --skip"
        return ""

    @property
    def findings(self) -> list[tuple[str, Finding]]:
        return [pair for r in self.rules for pair in r.findings]

    @property
    def resources(self) -> list[str]:
        seen: dict[str, None] = {}
        for _, f in self.findings:
            seen.setdefault(f.resource, None)
        return list(seen)

    @property
    def where_checked(self) -> str:
        """For a line not checked here: where it is checked."""
        elsewhere = [f"{r.rule.id} (runs on {', '.join(r.rule.applies_to)})" for r in self.rules if not r.ran_on]
        text = self.line.elsewhere or ""
        if elsewhere:
            text = (text + " " if text else "") + "Rules: " + ", ".join(elsewhere) + "."
        return text or "No rule enforces this line."


@dataclass
class InputInfo:
    source: str
    kind: str
    sha256: str | None
    terraform_version: str | None
    accounts: list[str]
    summary: dict[str, int]


@dataclass
class Evidence:
    generated_at: _dt.datetime
    version: str
    policy_name: str
    hipaa_rule: str
    policy_source: str
    policy_sha256: str
    unknown_fails: bool
    inputs: list[InputInfo]
    lines: list[LineResult]
    other_rules: list[RuleResult]  # rules whose clause quotes no policy line
    notes: list[Note]
    select: list[str] = field(default_factory=list)
    skip: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[tuple[str, Finding]]:
        return [pair for line in self.lines for pair in line.findings] + \
               [pair for r in self.other_rules for pair in r.findings]

    @property
    def totals(self) -> dict[str, int]:
        out = {s: 0 for s in (FAIL, UNKNOWN_STATUS, SUPPRESSED, PASS)}
        seen: set[int] = set()
        for _, f in self.findings:  # a finding may sit under two lines (``with``); count it once
            if id(f) not in seen:
                seen.add(id(f))
                out[f.status] = out.get(f.status, 0) + 1
        return out

    @property
    def passed(self) -> bool:
        t = self.totals
        return t[FAIL] == 0 and (t[UNKNOWN_STATUS] == 0 or not self.unknown_fails)

    @property
    def suppressed(self) -> list[tuple[str, Finding]]:
        seen: set[int] = set()
        out = []
        for source, f in self.findings:
            if f.suppressed_by and id(f) not in seen:
                seen.add(id(f))
                out.append((source, f))
        return out

    @property
    def checked_here(self) -> int:
        return sum(1 for line in self.lines if line.verdict not in NO_RESULT)


def accounts_of(report: Report) -> list[str]:
    """The AWS accounts an input manages, as the findings and the model name them."""
    labels = {getattr(f, "account", None) for f in report.findings}
    labels.discard(None)
    labels.discard("")
    model = report.model
    if not labels and model is not None and callable(getattr(model, "account_of", None)):
        for r in model.resources:
            try:
                label = model.account_of(r)
            except Exception:  # noqa: BLE001 - provenance must not break the report
                continue
            if label:
                labels.add(str(label))
    return sorted(labels)


def _source_date() -> _dt.datetime | None:
    """``SOURCE_DATE_EPOCH`` (reproducible-builds.org): the report's time, so that the same inputs
    give a byte-identical report; None when unset or not a whole number of seconds."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw.isdigit():
        return None
    try:
        return _dt.datetime.fromtimestamp(int(raw), _dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def build_evidence(reports: Iterable[Report], policy: Policy, unknown_fails: bool = True,
                   select: Iterable[str] = (), skip: Iterable[str] = (),
                   now: _dt.datetime | None = None) -> Evidence:
    reports = list(reports)
    rules = all_rules()
    chosen = {r.id for r in choose_rules(rules, list(select) or None, list(skip) or None)}
    results = {rule.id: RuleResult(rule, [r.source for r in reports if rule.id in r.rules], [],
                                   selected=rule.id in chosen)
               for rule in rules}
    for report in reports:
        for finding in report.findings:
            if finding.rule_id in results:
                results[finding.rule_id].findings.append((report.source, finding))
    lines = policy_lines()
    line_results = [LineResult(line, [results[r.id] for r in rules_for_line(line, rules)]) for line in lines]
    inputs = [InputInfo(source=r.source, kind=KIND_NAMES.get(getattr(r.model, "kind", ""), "input"),
                        sha256=getattr(r.model, "input_sha256", None),
                        terraform_version=getattr(r.model, "terraform_version", None),
                        accounts=accounts_of(r), summary=r.summary) for r in reports]
    return Evidence(
        generated_at=(now or _source_date() or _dt.datetime.now(_dt.timezone.utc)).astimezone(
            _dt.timezone.utc).replace(microsecond=0),
        version=__version__,
        policy_name=policy.data.get("name", "Audit Logging Policy"),
        hipaa_rule=policy.data.get("hipaa_rule", ""),
        policy_source=policy.source, policy_sha256=policy.sha256, unknown_fails=unknown_fails,
        inputs=inputs, lines=line_results,
        other_rules=[results[r.id] for r in unmatched_rules(lines, rules)],
        notes=distinct_notes(reports), select=list(select), skip=list(skip))
