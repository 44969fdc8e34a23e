"""The ``auditgate`` command.

Exit codes (a contract): 0 nothing failing, 1 findings that fail (or are
unknown, unless ``--unknown=warn``), 2 usage or input error, always with one
line on standard error saying what and where.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from pathlib import Path
from typing import Sequence

from . import __version__
from .engine import all_rules, evaluate, get_rule
from .errors import InputError
from .loaders import STDIN, is_plan_path, load_path, plan_sources
from .policy import load_policy
from .report import render_json, render_text

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
BASELINE_ROOTS = ("terraform/nvs", "terraform/nhc")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse prints usage too)
        self.exit(EXIT_USAGE, f"auditgate: error: {message} (see `auditgate --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="auditgate", description="Prove a Terraform AWS logging baseline meets "
                                                   "the HIPAA §164.312(b) audit-logging policy before apply.")
    parser.add_argument("--version", action="version", version=f"auditgate {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = sub.add_parser("check", help="lint plans or Terraform directories",
                           description="Lint plan JSON files (`terraform show -json PLAN`), `-` for a "
                                       "plan on stdin, or Terraform root directories. With no PATH, "
                                       "the shipped baseline roots (terraform/nvs, terraform/nhc).")
    check.add_argument("paths", nargs="*", metavar="PATH")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--unknown", choices=("fail", "warn"), default="fail",
                       help="what a value unknown before apply does to the exit code (default: fail)")
    check.add_argument("--policy", metavar="FILE", help="policy file (default: the shipped policy)")
    check.add_argument("--select", metavar="IDS", help="comma-separated rule ids or prefixes (CT,RET-001)")
    check.add_argument("--var-file", action="append", default=[], metavar="FILE",
                       help="tfvars file for Terraform directories (repeatable)")
    check.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                       help="variable for Terraform directories (repeatable)")
    check.add_argument("--tf-dir", "--source-dir", dest="tf_dir", action="append", default=[], metavar="DIR",
                       help="the Terraform configuration a plan was made from: references the plan does not "
                            "record (through locals) and file:line locations are read from it; one for "
                            "every plan, or one per plan in order (repeatable). Default: the current "
                            "directory when it is the plan's root module. Without plans: lint DIR as HCL")
    check.add_argument("--show-pass", action="store_true", help="also list passing checks (text format)")
    check.add_argument("--output", metavar="FILE", help="also write the report to FILE")

    rules = sub.add_parser("rules", help="list the rules")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    explain = sub.add_parser("explain", help="explain one rule")
    explain.add_argument("rule_id", metavar="ID")
    return parser


def _default_paths() -> list[str]:
    for base in (Path.cwd(), Path(__file__).resolve().parents[1]):
        roots = [base / r for r in BASELINE_ROOTS]
        if all(r.is_dir() for r in roots):
            return [os.path.relpath(r) if r.resolve().is_relative_to(Path.cwd().resolve()) else str(r)
                    for r in roots]
    raise InputError("no PATH given and no shipped baseline (terraform/nvs, terraform/nhc) found")


def _parse_vars(pairs: Sequence[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise InputError(f"--var expects NAME=VALUE, got {pair!r}")
        out[name] = value
    return out


def cmd_check(args: argparse.Namespace) -> int:
    paths = args.paths or ([] if args.tf_dir else _default_paths())
    sources = plan_sources(paths, args.tf_dir)
    if not any(p for p in paths if is_plan_path(p)):
        paths = paths + [d for d in args.tf_dir if d not in paths]  # --tf-dir alone: lint it as HCL
    if paths.count(STDIN) > 1:
        raise InputError("standard input (-) can be given only once")
    policy = load_policy(args.policy)
    select = [s.strip() for s in args.select.split(",") if s.strip()] if args.select else None
    if select:
        known = {r.id.upper() for r in all_rules()} | {r.id.split("-")[0] for r in all_rules()}
        unknown_ids = [s for s in select if s.upper() not in known]
        if unknown_ids:
            raise InputError(f"--select: no rule or prefix {', '.join(unknown_ids)}")
    variables = _parse_vars(args.var)
    reports = []
    for path in paths:
        model = load_path(path, var_files=args.var_file, variables=variables,
                          source_dir=sources.get(path), find_source=True)
        if args.format == "text":
            for note in model.diagnostics:
                print(f"auditgate: note: {model.source}: {note}", file=sys.stderr)
        reports.append(evaluate(model, policy, select=select))
    text = render_json(reports) if args.format == "json" else render_text(reports, args.show_pass)
    sys.stdout.write(text)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write report ({exc.strerror})", args.output) from None
    failing = [f for r in reports for f in r.failing(unknown_fails=args.unknown == "fail")]
    return EXIT_FINDINGS if failing else EXIT_OK


def rules_json() -> str:
    """Every rule as data (a contract, like the report: keys are only ever added)."""
    return json.dumps({"version": 1, "rules": [
        {"id": r.id, "title": r.title, "section": r.section, "clause": r.clause, "clause_text": r.clause_text,
         "rationale": r.rationale, "fix": r.fix, "applies_to": list(r.applies_to)} for r in all_rules()]},
        indent=2, ensure_ascii=False) + "\n"


def cmd_rules(fmt: str = "text") -> int:
    if fmt == "json":
        sys.stdout.write(rules_json())
        return EXIT_OK
    for rule in all_rules():
        print(f"{rule.id:8} {rule.title}  [{rule.section}]")
    return EXIT_OK


def explain_text(rule) -> str:
    parts = [f"{rule.id}: {rule.title}", "",
             f"Policy: {rule.section}", f'  "{rule.clause}"', "",
             "Why it matters:", textwrap.indent(textwrap.fill(rule.rationale, 76), "  "), "",
             "How to fix:", textwrap.indent(textwrap.fill(rule.fix, 76), "  ")]
    if rule.example_fail:
        parts += ["", "Fails:", textwrap.indent(textwrap.dedent(rule.example_fail).strip("\n"), "  ")]
    if rule.example_pass:
        parts += ["", "Passes:", textwrap.indent(textwrap.dedent(rule.example_pass).strip("\n"), "  ")]
    return "\n".join(parts) + "\n"


def cmd_explain(rule_id: str) -> int:
    rule = get_rule(rule_id)
    if rule is None:
        raise InputError(f"no rule {rule_id!r}; `auditgate rules` lists them")
    sys.stdout.write(explain_text(rule))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return cmd_check(args)
        if args.command == "rules":
            return cmd_rules(args.format)
        if args.command == "explain":
            return cmd_explain(args.rule_id)
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    except InputError as exc:
        print(f"auditgate: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except RecursionError:
        print("auditgate: error: input nests too deeply to evaluate", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug must never read as a pass, nor dump a traceback on a user
        print(f"auditgate: internal error: {type(exc).__name__}: {exc} "
              "(please report; set AUDITGATE_DEBUG=1 for a traceback)", file=sys.stderr)
        if os.environ.get("AUDITGATE_DEBUG"):
            raise
        return EXIT_INTERNAL


def entry_point() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
