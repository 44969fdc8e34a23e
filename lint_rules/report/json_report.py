"""The JSON report, a versioned contract: keys are only ever added (see README, "JSON report").

``{"version": 1, "findings": [...], "summary": {...}, "notes": [...], "inputs": [...]}``
"""
from __future__ import annotations

from typing import Iterable, Iterator

from ..engine import STATUSES, Report
from .jsontext import iter_list_member
from .notes import distinct_notes

REPORT_VERSION = 1


def input_info(report: Report) -> dict:
    model = report.model
    return {"source": report.source,
            "kind": getattr(model, "kind", "") or None,
            "sha256": getattr(model, "input_sha256", None),
            "terraform_version": getattr(model, "terraform_version", None),
            "rules": list(report.rules)}


def render_json(reports: Iterable[Report]) -> str:
    return "".join(iter_json(reports))


def iter_json(reports: Iterable[Report]) -> Iterator[str]:
    """The JSON report in pieces (what :func:`render_json` joins): written to a file piece by piece,
    a large report is never held whole in memory next to the model."""
    reports = list(reports)
    findings = [f for report in reports for f in report.findings]
    doc = {
        "version": REPORT_VERSION,
        "findings": [],  # written from the findings one by one, below
        "summary": {s: sum(1 for f in findings if f.status == s) for s in STATUSES},
        "notes": [n.as_dict() for n in distinct_notes(reports)],
        "inputs": [input_info(r) for r in reports],
    }
    # the same text as json.dumps(doc, indent=2, ensure_ascii=False), findings included
    yield from iter_list_member(doc, "findings", (f.as_dict() for f in findings))
    yield "\n"
