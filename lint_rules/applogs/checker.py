"""Log lines in, findings out: the audit-event contract (APP-004), cleartext PHI (APP-005) and the
coverage of the required event types per application (APP-006).

One pass over the input, one line at a time: memory holds the counters and at most ``limit`` failing
findings per rule (the rest are counted, and reported as a number).  Findings are the engine's
:class:`~lint_rules.engine.Finding`, so every reporter of ``auditgate check`` renders them; their
messages name line numbers, field paths and masked shapes, never a value read from a log line.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from ..engine import FAIL, PASS, Finding, Report, get_rule
from . import contract
from .phi import Scanner
from .reader import NOT_JSON, Record, read_records, sources

COVERAGE_SUBJECT = "logs"
from . import DEFAULT_LIMIT  # noqa: E402,F401  (re-exported: its former home)
_NOTED_LINES = 50  # non-JSON line numbers listed per source


@dataclass
class SourceStats:
    source: str
    lines: int = 0  # records read (lines, or exported events)
    events: int = 0  # audit events (objects with an "event" field)
    invalid_events: int = 0
    other_json: int = 0  # JSON lines that are not audit events
    not_json: int = 0
    not_json_lines: list[int] = field(default_factory=list)
    too_long: int = 0
    phi_lines: int = 0

    def as_dict(self) -> dict:
        return {"source": self.source, "lines": self.lines, "audit_events": self.events,
                "invalid_audit_events": self.invalid_events, "other_json_lines": self.other_json,
                "not_json_lines": self.not_json, "not_json_line_numbers": self.not_json_lines,
                "too_long_lines": self.too_long, "lines_with_phi": self.phi_lines}


class LogChecker:
    """Feed it records (or whole inputs); :meth:`report` gives the findings."""

    def __init__(self, policy, apps: Iterable[str] = (), coverage: bool = True, limit: int = DEFAULT_LIMIT):
        self.policy = policy
        self.scanner = Scanner(policy)
        self.apps = list(apps)
        self.coverage = coverage
        self.limit = limit
        self.required = policy.required_audit_events
        self.seen: dict[str, Counter] = {}
        self.stats: list[SourceStats] = []
        self.findings: list[Finding] = []
        self.kept: Counter = Counter()
        self.omitted: Counter = Counter()
        self._rules = {rid: get_rule(rid) for rid in ("APP-004", "APP-005", "APP-006")}

    # --- input -------------------------------------------------------------------------------
    def check_paths(self, paths: list[str]) -> "LogChecker":
        for path in sources(paths):
            self.check_source(path)
        return self

    def check_source(self, path: str) -> SourceStats:
        stats: SourceStats | None = None
        for record in read_records(path):
            if stats is None:
                stats = SourceStats(record.source)
                self.stats.append(stats)
            self.feed(record, stats)
        if stats is None:  # an empty input
            stats = SourceStats("<stdin>" if path == "-" else path)
            self.stats.append(stats)
        self._source_passes(stats)
        return stats

    def feed(self, record: Record, stats: SourceStats) -> None:
        stats.lines += 1
        where = f"line {record.line}" + (f" ({record.where})" if record.where else "")
        if record.obj is NOT_JSON:
            stats.not_json += 1
            if record.too_long:
                stats.too_long += 1
            if len(stats.not_json_lines) < _NOTED_LINES:
                stats.not_json_lines.append(record.line)
            hits = self.scanner.scan_text(record.text) if record.text else []
        else:
            obj = record.obj
            if isinstance(obj, dict) and contract.EVENT_FIELD in obj:
                stats.events += 1
                self._event(obj, record, where, stats)
            else:
                stats.other_json += 1
            hits = self.scanner.scan(obj)
        if hits:
            stats.phi_lines += 1
            for hit in dict.fromkeys(hits):
                self._fail("APP-005", record, where, f"{hit.label} in field {hit.path} (masked: {hit.shape})")

    def _event(self, event: dict, record: Record, where: str, stats: SourceStats) -> None:
        event_type = event.get(contract.EVENT_FIELD)
        label = event_type if event_type in contract.EVENT_TYPES else "audit event"
        if contract.is_valid(event):
            app = event[contract.APPLICATION_FIELD]
            self.seen.setdefault(app, Counter())[event_type] += 1
            return
        stats.invalid_events += 1
        self._fail("APP-004", record, where, f"{label}: " + "; ".join(contract.violations(event)))

    def _fail(self, rule_id: str, record: Record, where: str, message: str) -> None:
        if self.kept[rule_id] >= self.limit:
            self.omitted[rule_id] += 1
            return
        self.kept[rule_id] += 1
        rule = self._rules[rule_id]
        self.findings.append(Finding(rule_id, FAIL, where, message, rule.clause_text, record.source,
                                     record.line, rule.fix))

    def _source_passes(self, stats: SourceStats) -> None:
        app004, app005 = self._rules["APP-004"], self._rules["APP-005"]
        if stats.events and not stats.invalid_events:
            self.findings.append(app004.passed(stats.source, f"all {stats.events} audit events follow the "
                                                             "audit-event contract"))
            self.findings[-1].file = stats.source
        if stats.lines and not stats.phi_lines:
            self.findings.append(app005.passed(stats.source, f"no cleartext PHI in {stats.lines} lines"))
            self.findings[-1].file = stats.source

    # --- output ------------------------------------------------------------------------------
    def coverage_findings(self) -> list[Finding]:
        rule = self._rules["APP-006"]
        if not self.coverage:
            return []
        apps = list(dict.fromkeys(self.apps + sorted(self.seen)))
        if not apps:
            return [rule.failed(COVERAGE_SUBJECT, "no valid audit event at all: the input shows none of "
                                                  f"{', '.join(self.required)}")]
        out = []
        for app in apps:
            seen = self.seen.get(app, Counter())
            missing = [t for t in self.required if not seen[t]]
            if not seen:
                out.append(rule.failed(app, f"no valid audit event from {app}"))
            elif missing:
                out.append(rule.failed(app, f"{app} logs {', '.join(t for t in self.required if seen[t])}; "
                                            f"never {', '.join(missing)} "
                                            f"({'; '.join(contract.EVENT_MEANING[t] for t in missing)})"))
            else:
                out.append(rule.passed(app, f"{app} logs all {len(self.required)} required event types "
                                            f"({sum(seen.values())} valid audit events)"))
        return out

    def report(self) -> Report:
        source = ", ".join(s.source for s in self.stats) or "<no input>"
        findings = self.findings + self.coverage_findings()
        for finding in findings:  # the input each finding comes from (JSON report key "source")
            if hasattr(finding, "source") and not finding.source:
                finding.source = finding.file or source
        ran = ["APP-004", "APP-005"] + (["APP-006"] if self.coverage else [])
        return Report(findings=findings, source=source, rules=ran)

    def summary(self) -> dict:
        return {"sources": [s.as_dict() for s in self.stats],
                "coverage": {app: {t: c[t] for t in contract.EVENT_TYPES if c[t]} for app, c in sorted(self.seen.items())},
                "required_events": list(self.required),
                "omitted_findings": dict(self.omitted)}


def check_logs(paths: list[str], policy, apps: Iterable[str] = (), coverage: bool = True,
               limit: int = DEFAULT_LIMIT) -> LogChecker:
    """Read every input and return the checker holding the findings and the counters."""
    return LogChecker(policy, apps, coverage, limit).check_paths(paths)


__all__ = ["LogChecker", "SourceStats", "check_logs", "COVERAGE_SUBJECT", "PASS", "FAIL"]
