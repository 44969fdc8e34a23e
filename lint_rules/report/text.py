"""The text report: one line per finding, its fix hint, one summary line.

``FILE:LINE: RULE STATUS RESOURCE: message`` -- no line longer than about
:data:`~lint_rules.report.shorten.LINE_LIMIT` characters unless ``verbose`` (long lists inside a
message are summarised; the JSON report always has the whole message).
"""
from __future__ import annotations

from typing import Iterable

from ..engine import FAIL, PASS, STATUSES, SUPPRESSED, UNKNOWN_STATUS, Finding, Report
from .shorten import LINE_LIMIT, MIN_MESSAGE, shorten


def location(finding: Finding) -> str:
    if finding.file and finding.line:
        return f"{finding.file}:{finding.line}"
    return finding.file or "-"


def suppression_text(finding: Finding) -> str:
    """`` (suppressed until 2027-03-31 by main.tf:12: reason)`` for a suppressed finding."""
    if finding.status != SUPPRESSED:
        return ""
    until = f" until {finding.expires}" if finding.expires else ""
    origin = f" by {finding.suppressed_by}" if finding.suppressed_by else ""
    return f" (suppressed{until}{origin}: {finding.reason})"


def finding_line(finding: Finding, verbose: bool = True, limit: int = LINE_LIMIT) -> str:
    """One line per finding: where, rule, verdict, subject, what is wrong."""
    head = f"{location(finding)}: {finding.rule_id} {finding.status.upper()} {finding.resource}: "
    tail = suppression_text(finding)
    message = finding.message
    if not verbose:
        message = shorten(message, max(MIN_MESSAGE, limit - len(head) - len(tail)))
    return head + message + tail


def summary_line(summary: dict[str, int]) -> str:
    return ", ".join(f"{summary[s]} {s}" for s in (FAIL, UNKNOWN_STATUS, SUPPRESSED, PASS))


def render_text(reports: Iterable[Report], show_pass: bool = False, fix_hints: bool = True,
                verbose: bool = False) -> str:
    lines: list[str] = []
    totals = {s: 0 for s in STATUSES}
    reports = list(reports)
    for report in reports:
        if len(reports) > 1:  # findings of shared modules name the same files in every root
            lines.append(f"== {report.source}: {summary_line(report.summary)}")
        for finding in report.findings:
            totals[finding.status] += 1
            if finding.status == PASS and not show_pass:
                continue
            lines.append(finding_line(finding, verbose=verbose))
            if fix_hints and finding.status in (FAIL, UNKNOWN_STATUS) and finding.fix:
                lines.append(f"    fix: {finding.fix}")
    lines.append(f"auditgate: {summary_line(totals)}")
    return "\n".join(lines) + "\n"
