"""Reporters: the same findings as one-line text or as the versioned JSON report.

The JSON shape is a contract (see README, "JSON report"):
``{"version": 1, "findings": [...], "summary": {...}}``; add keys, never rename.
"""
from __future__ import annotations

import json
from typing import Iterable

from .engine import FAIL, PASS, STATUSES, SUPPRESSED, UNKNOWN_STATUS, Finding, Report

REPORT_VERSION = 1


def location(finding: Finding) -> str:
    if finding.file and finding.line:
        return f"{finding.file}:{finding.line}"
    return finding.file or "-"


def finding_line(finding: Finding) -> str:
    """One line per finding: where, rule, verdict, subject, what is wrong."""
    line = (f"{location(finding)}: {finding.rule_id} {finding.status.upper()} "
            f"{finding.resource}: {finding.message}")
    if finding.status == SUPPRESSED and finding.reason:
        line += f" (suppressed: {finding.reason})"
    return line


def summary_line(summary: dict[str, int]) -> str:
    return ", ".join(f"{summary[s]} {s}" for s in (FAIL, UNKNOWN_STATUS, SUPPRESSED, PASS))


def render_text(reports: Iterable[Report], show_pass: bool = False, fix_hints: bool = True) -> str:
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
            lines.append(finding_line(finding))
            if fix_hints and finding.status in (FAIL, UNKNOWN_STATUS) and finding.fix:
                lines.append(f"    fix: {finding.fix}")
    lines.append(f"auditgate: {summary_line(totals)}")
    return "\n".join(lines) + "\n"


def render_json(reports: Iterable[Report]) -> str:
    findings = [f for report in reports for f in report.findings]
    doc = {
        "version": REPORT_VERSION,
        "findings": [f.as_dict() for f in findings],
        "summary": {s: sum(1 for f in findings if f.status == s) for s in STATUSES},
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
