"""Reporters: the same findings in each output format, one module per format.

| format | module | for |
|---|---|---|
| text | ``text.py`` | people at a terminal: one line per finding |
| json | ``json_report.py`` | programs: a versioned contract (keys are only ever added) |
| sarif | ``sarif.py`` | GitHub code scanning and other SARIF 2.1.0 viewers |
| markdown, html | ``evidence.py`` + ``markdown.py`` / ``html.py`` | auditors: every policy line, its rules, results, provenance |
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..engine import Report
from ..policy import Policy
from .json_report import REPORT_VERSION, render_json
from .notes import Note, distinct_notes
from .text import finding_line, location, render_text, summary_line

FORMATS = ("text", "json", "sarif", "markdown", "html")


@dataclass
class RenderOptions:
    policy: Policy
    unknown_fails: bool = True
    show_pass: bool = False
    verbose: bool = False
    help_uri: str | None = None  # SARIF helpUri template: {rule_id}, {anchor}
    select: Sequence[str] = field(default_factory=list)
    skip: Sequence[str] = field(default_factory=list)
    now: _dt.datetime | None = None  # the evidence report's timestamp (default: now, UTC)


def render_chunks(fmt: str, reports: Sequence[Report], options: RenderOptions) -> Iterable[str]:
    """:func:`render` in pieces that join to the same text (the JSON report streams; the others
    come whole)."""
    if fmt == "json":
        from .json_report import iter_json

        return iter_json(reports)
    return [render(fmt, reports, options)]


def render(fmt: str, reports: Sequence[Report], options: RenderOptions) -> str:
    """The report of ``reports`` in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "text":
        return render_text(reports, options.show_pass, verbose=options.verbose)
    if fmt == "json":
        return render_json(reports)
    if fmt == "sarif":
        from .sarif import render_sarif

        return render_sarif(reports, unknown_fails=options.unknown_fails, help_uri_template=options.help_uri)
    if fmt in ("markdown", "html"):
        from .evidence import build_evidence

        evidence = build_evidence(reports, options.policy, unknown_fails=options.unknown_fails,
                                  select=options.select, skip=options.skip, now=options.now)
        if fmt == "markdown":
            from .markdown import render_markdown

            return render_markdown(evidence)
        from .html import render_html

        return render_html(evidence)
    raise ValueError(f"unknown report format {fmt!r}")


__all__ = ["FORMATS", "REPORT_VERSION", "Note", "RenderOptions", "distinct_notes", "finding_line", "location",
           "render", "render_chunks", "render_json", "render_text", "summary_line"]
