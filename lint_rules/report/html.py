"""The evidence report as one self-contained HTML file (``--format html``).

Everything is inline -- the stylesheet (``evidence.css``, package data) included; no script, no font,
no image and no link leaves the file, so it opens the same in any browser with no network, and prints.
Details per policy line fold with ``<details>``, which needs no script.
"""
from __future__ import annotations

from html import escape
from importlib import resources

from ..engine import FAIL, PASS, SUPPRESSED, UNKNOWN_STATUS, Finding
from .evidence import LINE_ELSEWHERE, NO_RESULT, Evidence, LineResult
from .markdown import accounts_cell, terraform_cell
from .text import location


def _css() -> str:
    return resources.files(__package__).joinpath("evidence.css").read_text(encoding="utf-8")


def e(text: object) -> str:
    return escape(str(text if text is not None else "—"))


def badge(verdict: str) -> str:
    css = verdict.replace(" ", "-")
    return f'<span class="badge v-{css}">{e(verdict.upper())}</span>'


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts.get(s, 0)} {s}" for s in (FAIL, UNKNOWN_STATUS, SUPPRESSED, PASS))


def _finding_rows(findings: list[tuple[str, Finding]]) -> str:
    rows = []
    for source, f in findings:
        exception = ""
        if f.suppressed_by:
            expiry = f"; expires {f.expires}" if f.expires else ""
            state = "expired" if f.suppression_expired else "exception"
            exception = (f'<div class="exception">{state}: {e(f.reason)}{e(expiry)} '
                         f'<span class="muted">({e(f.suppressed_by)})</span></div>')
        rows.append(f"<tr><td>{e(f.rule_id)}</td><td>{badge(f.status)}</td><td class='addr'>{e(f.resource)}</td>"
                    f"<td class='loc'>{e(location(f))}</td><td>{e(f.message)}{exception}</td>"
                    f"<td class='muted'>{e(source)}</td></tr>")
    return ("<table class='findings'><colgroup><col style='width:6%'><col style='width:7%'>"
            "<col style='width:24%'><col style='width:16%'><col style='width:37%'><col style='width:10%'></colgroup>"
            "<thead><tr><th>rule</th><th>status</th><th>resource</th>"
            "<th>location</th><th>message</th><th>input</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def _line(lr: LineResult) -> str:
    rules = "".join(f"<li><b>{e(r.rule.id)}</b> {e(r.rule.title)} {badge(r.verdict)} "
                    f"<span class='muted'>{r.count(FAIL)} fail, {r.count(UNKNOWN_STATUS)} unknown, "
                    f"{r.count(SUPPRESSED)} suppressed, {r.count(PASS)} pass</span></li>" for r in lr.rules)
    body = [f"<ul class='rules'>{rules}</ul>" if rules else ""]
    if lr.line.note:
        body.append(f"<p class='note'>{e(lr.line.note)}</p>")
    if lr.verdict == LINE_ELSEWHERE:
        body.append(f"<p class='elsewhere'><b>Not checked here.</b> {e(lr.where_checked)}</p>")
    elif lr.verdict in NO_RESULT:
        body.append(f"<p class='elsewhere'><b>{e(lr.verdict.capitalize())}:</b> {e(lr.explanation)}</p>")
    elif lr.line.elsewhere:  # the rules here check part of it; the rest is checked elsewhere
        body.append(f"<p class='elsewhere'><b>Also checked elsewhere.</b> {e(lr.line.elsewhere)}</p>")
    if lr.findings:
        opened = " open" if lr.verdict in ("fail", "unknown") else ""
        body.append(f"<details{opened}><summary>{len(lr.findings)} finding(s) on {len(lr.resources)} resource(s)</summary>"
                    f"{_finding_rows(lr.findings)}</details>")
    return (f"<section class='line v-{lr.verdict.replace(' ', '-')}' id='line-{lr.line.number}'>"
            f"<h3><span class='num'>{lr.line.number}</span> {e(lr.line.text)} {badge(lr.verdict)}</h3>"
            + "".join(body) + "</section>")


def render_html(ev: Evidence) -> str:
    t = ev.totals
    result = "pass" if ev.passed else "fail"
    title = f"Audit-logging evidence: {ev.policy_name}" + (f" (HIPAA {ev.hipaa_rule})" if ev.hipaa_rule else "")
    inputs = "".join(
        f"<tr><td class='addr'>{e(i.source)}</td><td>{e(i.kind)}</td><td class='hash'>{e(i.sha256)}</td>"
        f"<td>{e(terraform_cell(i))}</td><td>{e(accounts_cell(i))}</td><td>{e(_counts(i.summary))}</td></tr>"
        for i in ev.inputs)
    overview = "".join(
        f"<tr><td class='num'><a href='#line-{lr.line.number}'>{lr.line.number}</a></td><td>{e(lr.line.section)}</td>"
        f"<td>{e(lr.line.text)}</td><td>{badge(lr.verdict)}</td>"
        f"<td>{e(', '.join(r.rule.id for r in lr.rules) or '—')}</td>"
        f"<td class='num'>{len(lr.resources) if lr.verdict not in NO_RESULT else '—'}</td></tr>"
        for lr in ev.lines)
    sections: dict[str, list[str]] = {}
    for lr in ev.lines:
        sections.setdefault(lr.line.section, []).append(_line(lr))
    details = "".join(f"<h2>{e(name)}</h2>" + "".join(items) for name, items in sections.items())
    if ev.suppressed:
        exceptions = ("<table><thead><tr><th>rule</th><th>resource</th><th>input</th><th>reason</th>"
                      "<th>expires</th><th>declared at</th><th>state</th></tr></thead><tbody>" + "".join(
                          f"<tr><td>{e(f.rule_id)}</td><td class='addr'>{e(f.resource)}</td><td>{e(s)}</td>"
                          f"<td>{e(f.reason)}</td><td>{e(f.expires or 'never')}</td><td class='loc'>{e(f.suppressed_by)}</td>"
                          f"<td>{badge('expired' if f.suppression_expired else 'suppressed')}</td></tr>"
                          for s, f in ev.suppressed) + "</tbody></table>")
    else:
        exceptions = "<p>None.</p>"
    other = ""
    other_findings = [pair for r in ev.other_rules for pair in r.findings]
    if other_findings:
        other = "<h2>Rules quoting no line of this policy</h2>" + _finding_rows(other_findings)
    notes = ""
    if ev.notes:
        notes = "<h2>Notes from the loaders</h2><ul class='notes'>" + "".join(
            f"<li>{e(n.text())}</li>" for n in ev.notes) + "</ul>"
    selected = e(", ".join(ev.select) or "all") + (f"; skipped: {e(', '.join(ev.skip))}" if ev.skip else "")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="auditgate {e(ev.version)}">
<title>{e(title)}</title>
<style>
{_css()}
</style>
</head>
<body>
<header class="result-{result}">
<h1>{e(title)}</h1>
<p class="verdict">{badge(result)} {e(_counts(t))} over {len(ev.inputs)} input(s).
{ev.checked_here} of {len(ev.lines)} policy lines are checked here; the others are listed with where they are checked.</p>
</header>
<main>
<h2>Provenance</h2>
<table class="kv"><tbody>
<tr><th>auditgate version</th><td>{e(ev.version)}</td></tr>
<tr><th>generated (UTC)</th><td>{ev.generated_at.strftime('%Y-%m-%dT%H:%M:%SZ')}</td></tr>
<tr><th>policy file</th><td class="loc">{e(ev.policy_source)}</td></tr>
<tr><th>policy SHA-256</th><td class="hash">{e(ev.policy_sha256)}</td></tr>
<tr><th>unknown values</th><td>{'fail the run' if ev.unknown_fails else 'warn only (--unknown=warn)'}</td></tr>
<tr><th>rules selected</th><td>{selected}</td></tr>
</tbody></table>
<table><thead><tr><th>input</th><th>kind</th><th>SHA-256</th><th>terraform</th><th>account(s)</th><th>findings</th></tr></thead>
<tbody>{inputs}</tbody></table>
<h2>Policy lines</h2>
<table class="overview"><thead><tr><th>#</th><th>section</th><th>policy line</th><th>verdict</th><th>rules</th><th>resources</th></tr></thead>
<tbody>{overview}</tbody></table>
{details}
{other}
<h2>Accepted exceptions (suppressed findings)</h2>
{exceptions}
{notes}
</main>
<footer>auditgate {e(ev.version)} · {ev.generated_at.strftime('%Y-%m-%d %H:%M:%S')} UTC</footer>
</body>
</html>
"""
