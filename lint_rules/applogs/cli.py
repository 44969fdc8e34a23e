"""``auditgate logs FILE|DIR|-``: the audit-event contract, cleartext PHI and coverage on real log lines.

Same exit codes and report formats as ``auditgate check``: 0 nothing failing, 1 a finding fails,
2 input or usage error (one line on stderr), 3 internal error.
"""
from __future__ import annotations

import argparse
import json
import sys

from ..config import FORMATS  # the formats of `auditgate check`
from ..errors import InputError
from ..output import write_report
from . import DEFAULT_LIMIT

# The policy and the checker (PHI scanners, jsonschema) are imported when `auditgate logs` runs,
# not when the command line is parsed: `auditgate --version` stays fast.


def add_parser(sub) -> argparse.ArgumentParser:
    logs = sub.add_parser(
        "logs", help="check application log lines (audit-event contract, cleartext PHI, coverage)",
        description="Check application log lines: each audit event (a JSON object with an \"event\" field) "
                    "against the audit-event contract (APP-004), every line for cleartext PHI (APP-005), "
                    "and that each application logs every required event type (APP-006). Reads NDJSON "
                    "files, directories, .gz files, `-` for standard input, CloudWatch Logs exports and "
                    "`aws logs filter-log-events` output.")
    logs.add_argument("paths", nargs="+", metavar="FILE|DIR|-")
    logs.add_argument("--format", choices=FORMATS, default="text")
    logs.add_argument("--policy", metavar="FILE", help="policy file (default: the shipped policy)")
    logs.add_argument("--app", action="append", default=[], metavar="NAME",
                      help="an application whose events must be present and complete (repeatable; "
                           "default: every application seen)")
    logs.add_argument("--no-coverage", action="store_true",
                      help="do not require every event type (e.g. a production export of a quiet hour)")
    logs.add_argument("--max-findings", type=int, default=DEFAULT_LIMIT, metavar="N",
                      help=f"failing findings listed per rule; the rest are counted (default {DEFAULT_LIMIT})")
    logs.add_argument("--show-pass", action="store_true", help="also list passing checks (text format)")
    logs.add_argument("--output", metavar="FILE", help="also write the report to FILE")
    return logs


def render(checker, fmt: str, show_pass: bool, policy=None) -> str:
    from ..report import render_json, render_text

    report = checker.report()
    if fmt not in ("text", "json"):
        from ..report import RenderOptions
        from ..report import render as render_format

        return render_format(fmt, [report], RenderOptions(policy=policy, show_pass=show_pass))
    omitted = sum(checker.omitted.values())
    if fmt == "json":
        doc = json.loads(render_json([report]))
        doc["summary"]["fail"] += omitted
        doc["logs"] = checker.summary()
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    text = render_text([report], show_pass)
    if omitted:
        more = ", ".join(f"{n} more {rule}" for rule, n in sorted(checker.omitted.items()))
        text = text.rstrip("\n") + f" ({more} failing, not listed: --max-findings)\n"
    return text


def notes(checker) -> list[str]:
    out = []
    for s in checker.stats:
        if s.not_json:
            shown = ", ".join(map(str, s.not_json_lines)) + (", ..." if s.not_json > len(s.not_json_lines) else "")
            out.append(f"{s.source}: {s.not_json} line(s) are not JSON (scanned for PHI, not audit events): "
                       f"line {shown}")
        if s.too_long:
            out.append(f"{s.source}: {s.too_long} line(s) longer than 8 MiB were skipped")
    return out


def cmd_logs(args: argparse.Namespace) -> int:
    if args.max_findings < 1:
        raise InputError("--max-findings must be at least 1")
    from ..policy import load_policy
    from .checker import check_logs

    policy = load_policy(args.policy)
    checker = check_logs(args.paths, policy, apps=args.app, coverage=not args.no_coverage,
                         limit=args.max_findings)
    if args.format == "text":
        for note in notes(checker):
            print(f"auditgate: note: {note}", file=sys.stderr)
    text = render(checker, args.format, args.show_pass, policy)
    sys.stdout.write(text)
    if args.output:
        try:
            write_report(args.output, text)
        except OSError as exc:
            raise InputError(f"cannot write report ({exc.strerror})", args.output) from None
    failing = checker.report().failing() or checker.omitted
    return 1 if failing else 0
