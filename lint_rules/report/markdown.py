"""The evidence report as Markdown (``--format markdown``): readable as a file, as a pull request's
job summary (``$GITHUB_STEP_SUMMARY``) and in any Markdown viewer."""
from __future__ import annotations

from ..engine import FAIL, PASS, SUPPRESSED, UNKNOWN_STATUS, Finding
from .evidence import LINE_ELSEWHERE, NO_RESULT, Evidence, InputInfo, LineResult
from .text import location

ICONS = {"fail": "❌", "unknown": "❓", "pass with exceptions": "⚠️", "pass": "✅", "nothing in scope": "➖",
         "not applicable": "➖", "not run": "⏭️", "not checked here": "↗️", "suppressed": "⚠️"}


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text if text is not None else "—").replace("\\", "\\\\").replace("|", "\\|") \
        .replace("\n", " ").replace("<", "&lt;")


def code(text: object) -> str:
    return f"`{text}`" if text else "—"


def verdict(v: str) -> str:
    return f"{ICONS.get(v, '')} **{v.upper()}**"


def terraform_cell(i: InputInfo) -> str:
    if i.terraform_version:
        return i.terraform_version
    return "not recorded in the plan" if i.kind == "plan JSON" else "— (read from the code, no plan)"


def accounts_cell(i: InputInfo) -> str:
    """Account ids as the provider configurations pin them; a provider key where none is known."""
    shown = [a if a.isdigit() else f"{a} (provider; its account id is not known from this input)"
             for a in i.accounts]
    return ", ".join(shown) or "not stated in the configuration"


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts.get(s, 0)} {s}" for s in (FAIL, UNKNOWN_STATUS, SUPPRESSED, PASS))


def _rules_cell(line: LineResult) -> str:
    parts = []
    for r in line.rules:
        mark = ICONS.get(r.verdict, "")
        parts.append(f"{r.rule.id} {mark}".strip())
    return ", ".join(parts) or "—"


def _finding_row(source: str, f: Finding) -> str:
    extra = ""
    if f.suppressed_by:
        expiry = f", expires {f.expires}" if f.expires else ""
        extra = f" _(exception: {f.reason}{expiry}; {f.suppressed_by})_"
    return (f"| {f.rule_id} | {verdict(f.status) if f.status != PASS else '✅ pass'} | {cell(f.resource)} | "
            f"{cell(location(f))} | {cell(f.message)}{cell(extra)} |")


def render_markdown(ev: Evidence) -> str:
    t = ev.totals
    out: list[str] = []
    w = out.append
    w(f"# Audit-logging evidence: {ev.policy_name}" + (f" (HIPAA {ev.hipaa_rule})" if ev.hipaa_rule else ""))
    w("")
    result = "PASS" if ev.passed else "FAIL"
    w(f"**Result: {result}** — {_summary(t)} over {len(ev.inputs)} input(s). "
      f"{ev.checked_here} of {len(ev.lines)} policy lines are checked here; the others are listed under "
      f"*Not checked here* with where they are checked.")
    w("")
    w("## Provenance")
    w("")
    w("| | |")
    w("|---|---|")
    w(f"| auditgate version | {cell(ev.version)} |")
    w(f"| generated (UTC) | {ev.generated_at.strftime('%Y-%m-%dT%H:%M:%SZ')} |")
    w(f"| policy file | {code(ev.policy_source)} |")
    w(f"| policy SHA-256 | {code(ev.policy_sha256)} |")
    w(f"| unknown values | {'fail the run' if ev.unknown_fails else 'warn only (--unknown=warn)'} |")
    w(f"| rules selected | {cell(', '.join(ev.select) or 'all')}"
      f"{cell('; skipped: ' + ', '.join(ev.skip)) if ev.skip else ''} |")
    w("")
    w("| input | kind | SHA-256 | terraform | account(s) | findings |")
    w("|---|---|---|---|---|---|")
    for i in ev.inputs:
        w(f"| {cell(i.source)} | {cell(i.kind)} | {code(i.sha256)} | {cell(terraform_cell(i))} | "
          f"{cell(accounts_cell(i))} | {cell(_summary(i.summary))} |")
    w("")
    w("## Policy lines")
    w("")
    w("| # | section | policy line | verdict | rules | resources |")
    w("|---|---|---|---|---|---|")
    for lr in ev.lines:
        w(f"| {lr.line.number} | {cell(lr.line.section)} | {cell(lr.line.text)} | {verdict(lr.verdict)} | "
          f"{cell(_rules_cell(lr))} | {len(lr.resources) if lr.verdict not in NO_RESULT else '—'} |")
    w("")
    w("## Findings by policy line")
    for lr in ev.lines:
        if not lr.findings:
            continue
        w("")
        w(f"### {lr.line.number}. {lr.line.section}: {cell(lr.line.text)} — {verdict(lr.verdict)}")
        w("")
        if lr.line.note:
            w(f"_{cell(lr.line.note)}_")
            w("")
        if lr.line.elsewhere:  # the rules here check part of it; the rest is checked elsewhere
            w(f"_Also checked elsewhere: {cell(lr.line.elsewhere)}_")
            w("")
        for r in lr.rules:
            w(f"- **{r.rule.id}** {cell(r.rule.title)}: {verdict(r.verdict)} "
              f"({r.count(FAIL)} fail, {r.count(UNKNOWN_STATUS)} unknown, {r.count(SUPPRESSED)} suppressed, "
              f"{r.count(PASS)} pass)")
        w("")
        w("<details><summary>" + f"{len(lr.findings)} finding(s) on {len(lr.resources)} resource(s)"
          + "</summary>")
        w("")
        w("| rule | status | resource | location | message |")
        w("|---|---|---|---|---|")
        for source, f in lr.findings:
            w(_finding_row(source, f))
        w("")
        w("</details>")
    if ev.other_rules and any(r.findings for r in ev.other_rules):
        w("")
        w("### Rules quoting no line of this policy")
        w("")
        w("| rule | status | resource | location | message |")
        w("|---|---|---|---|---|")
        for r in ev.other_rules:
            for source, f in r.findings:
                w(_finding_row(source, f))
    w("")
    w("## Accepted exceptions (suppressed findings)")
    w("")
    if ev.suppressed:
        w("| rule | resource | input | reason | expires | declared at | state |")
        w("|---|---|---|---|---|---|---|")
        for source, f in ev.suppressed:
            state = "**expired: fails**" if f.suppression_expired else "suppressed"
            w(f"| {f.rule_id} | {cell(f.resource)} | {cell(source)} | {cell(f.reason)} | {cell(f.expires or 'never')} | "
              f"{cell(f.suppressed_by)} | {state} |")
    else:
        w("None.")
    w("")
    w("## Not checked here")
    w("")
    elsewhere = [lr for lr in ev.lines if lr.verdict == LINE_ELSEWHERE]
    if elsewhere:
        w("| # | section | policy line | where it is checked |")
        w("|---|---|---|---|")
        for lr in elsewhere:
            w(f"| {lr.line.number} | {cell(lr.line.section)} | {cell(lr.line.text)} | {cell(lr.where_checked)} |")
    else:
        w("Every line was checked here.")
    unjudged = [lr for lr in ev.lines if lr.verdict in NO_RESULT and lr.verdict != LINE_ELSEWHERE]
    if unjudged:
        w("")
        w("Not judged by this run:")
        w("")
        for lr in unjudged:
            w(f"- line {lr.line.number} ({cell(lr.line.text)}): {lr.verdict}: {cell(lr.explanation)}")
    if ev.notes:
        w("")
        w("## Notes from the loaders")
        w("")
        for note in ev.notes:
            w(f"- {cell(note.text())}")
    w("")
    return "\n".join(out)
