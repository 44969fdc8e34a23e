"""The ``auditgate`` command.

Exit codes (a contract, the same in every output format): 0 nothing failing,
1 findings that fail (or are unknown, unless ``--unknown=warn``), 2 usage or
input error, always with one line on standard error saying what and where,
3 internal error.

Settings come from the flags, then the project configuration (``[tool.auditgate]``
in pyproject.toml or ``.auditgate.toml``, see :mod:`lint_rules.config`), then
the defaults: flags win.
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
from .collector import collector_paused
from .config import FORMATS, Config, find_config, load_config, split_ids
from .engine import all_rules, evaluate, unknown_patterns
from .errors import InputError
from .output import write_report
from .loaders import STDIN, is_plan_path, load_path, plan_sources
from .applogs.cli import add_parser as add_logs_parser

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
    _add_check_options(check)
    check.add_argument("--tf-dir", "--source-dir", dest="tf_dir", action="append", default=[], metavar="DIR",
                       help="the Terraform configuration a plan was made from: references the plan does not "
                            "record (through locals) and file:line locations are read from it; one for "
                            "every plan, or one per plan in order (repeatable). Default: the current "
                            "directory when it is the plan's root module. Without plans: lint DIR as HCL")

    hook = sub.add_parser("hook", help="check the Terraform roots affected by changed files (pre-commit)",
                          description="Check each Terraform root module that the changed FILEs belong to "
                                      "or that calls (directly or not) the module they belong to; each "
                                      "root once. Made for pre-commit, which passes the changed files.")
    hook.add_argument("files", nargs="*", metavar="FILE")
    hook.add_argument("--exclude", action="append", default=None, metavar="GLOB",
                      help="root directories never checked (repeatable; config: exclude)")
    _add_check_options(hook)

    add_logs_parser(sub)

    rules = sub.add_parser("rules", help="list the rules")
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                       help="json: every rule as data; markdown: every rule's documentation (docs/rules.md)")
    explain = sub.add_parser("explain", help="explain one rule")
    explain.add_argument("rule_id", metavar="ID")
    return parser


def _add_check_options(check: argparse.ArgumentParser) -> None:
    # defaults are None: an option not given falls back to the configuration file, then to the default
    check.add_argument("--format", choices=FORMATS, default=None,
                       help="report format (default: text); markdown and html are the evidence report")
    check.add_argument("--unknown", choices=("fail", "warn"), default=None,
                       help="what a value unknown before apply does to the exit code (default: fail)")
    check.add_argument("--policy", metavar="FILE", help="policy file (default: the shipped policy)")
    check.add_argument("--select", metavar="IDS", help="only these rules: comma-separated ids or prefixes (CT,RET-001)")
    check.add_argument("--skip", metavar="IDS", help="leave out these rules: comma-separated ids or prefixes")
    check.add_argument("--var-file", action="append", default=None, metavar="FILE",
                       help="tfvars file for Terraform directories (repeatable)")
    check.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                       help="variable for Terraform directories (repeatable)")
    check.add_argument("--show-pass", action="store_true", default=None,
                       help="also list passing checks (text format)")
    check.add_argument("-v", "--verbose", action="store_true", default=None,
                       help="whole messages in the text report (long lists are summarised otherwise)")
    check.add_argument("--output", metavar="FILE",
                       help="write the report (in --format) to FILE; the terminal gets the text report")
    check.add_argument("--help-uri", metavar="TEMPLATE",
                       help="SARIF rule help link, with {rule_id} or {anchor} (e.g. https://host/docs/rules.md#{anchor})")
    check.add_argument("--config", metavar="FILE",
                       help="configuration file (default: .auditgate.toml or [tool.auditgate] in pyproject.toml, "
                            "looked for from the current directory up)")
    check.add_argument("--no-config", action="store_true", help="ignore configuration files")
    check.add_argument("--no-cache", action="store_true",
                       help="do not read or write the cache of parses, models and findings (~/.cache/auditgate, "
                            "or $XDG_CACHE_HOME/auditgate)")


def _config(args: argparse.Namespace) -> Config:
    if args.no_config:
        return Config()
    if args.config:
        if not Path(args.config).is_file():
            raise InputError("no such configuration file", args.config)
        return load_config(args.config)
    return find_config()


def _pick(flag, config: Config, key: str, default=None):
    return flag if flag is not None else config.get(key, default)


def _rule_patterns(flag: str | None, config: Config, key: str, option: str) -> list[str]:
    patterns = split_ids(flag) if flag is not None else (config.rule_list(key) or [])
    bad = unknown_patterns(patterns) if patterns else []  # (no rule is imported for nothing to check)
    if bad:
        where = f"--{option}" if flag is not None else f"{config.source}: {key}"
        raise InputError(f"{where}: no rule or prefix {', '.join(bad)}")
    return patterns


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


def cmd_check(args: argparse.Namespace, paths: Sequence[str] | None = None, config: Config | None = None) -> int:
    with collector_paused():  # a check keeps what it allocates until it ends (lint_rules.collector)
        return _check(args, paths, config)


def _check(args: argparse.Namespace, paths: Sequence[str] | None, config: Config | None) -> int:
    if getattr(args, "no_cache", False):
        from . import cache

        cache.disable()
    config = config if config is not None else _config(args)
    tf_dirs = getattr(args, "tf_dir", None) or []
    paths = list(paths if paths is not None else (args.paths or ([] if tf_dirs else _default_paths())))
    sources = plan_sources(paths, tf_dirs)
    if not any(p for p in paths if is_plan_path(p)):
        paths = paths + [d for d in tf_dirs if d not in paths]  # --tf-dir alone: lint it as HCL
    if paths.count(STDIN) > 1:
        raise InputError("standard input (-) can be given only once")
    fmt = _pick(args.format, config, "format", "text")
    unknown_fails = _pick(args.unknown, config, "unknown", "fail") == "fail"
    from .policy import load_policy
    from .report import RenderOptions, distinct_notes, render, render_chunks, render_text

    policy = load_policy(_pick(args.policy, config, "policy"))
    select = _rule_patterns(args.select, config, "select", "select")
    skip = _rule_patterns(args.skip, config, "skip", "skip")
    var_files = _pick(args.var_file, config, "var-files", [])
    variables = {k: _tf_text(v) for k, v in config.get("vars", {}).items()}
    variables.update(_parse_vars(args.var))
    from .runcache import check_input  # a Terraform directory's findings, reused when nothing changed

    reports = [check_input(path, policy=policy, select=select, skip=skip, var_files=var_files,
                           variables=variables, source_dir=sources.get(path)) for path in paths]
    options = RenderOptions(policy=policy, unknown_fails=unknown_fails,
                            show_pass=bool(_pick(args.show_pass, config, "show-pass", False)),
                            verbose=bool(_pick(args.verbose, config, "verbose", False)),
                            help_uri=_pick(args.help_uri, config, "help-uri"), select=select, skip=skip)
    report = "" if args.output and fmt != "text" else render(fmt, reports, options)
    terminal = report if fmt == "text" else None
    if args.output:
        try:  # written in pieces where the format streams (a large JSON report is never whole in memory)
            write_report(args.output, [report] if fmt == "text" else render_chunks(fmt, reports, options))
        except OSError as exc:
            raise InputError(f"cannot write report ({exc.strerror})", args.output) from None
        terminal = terminal or render_text(reports, options.show_pass, verbose=options.verbose)
    if terminal is not None:  # a person reads this: the loaders' notes too, each once, on stderr
        for note in distinct_notes(reports):
            print(f"auditgate: note: {note.text()}", file=sys.stderr)
    sys.stdout.write(terminal if terminal is not None else report)
    failing = [f for r in reports for f in r.failing(unknown_fails=unknown_fails)]
    return EXIT_FINDINGS if failing else EXIT_OK


def _tf_text(value) -> str:
    """A configuration ``vars`` value as terraform reads ``-var NAME=VALUE``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def cmd_hook(args: argparse.Namespace) -> int:
    from .roots import affected_roots

    config = _config(args)
    exclude = args.exclude if args.exclude is not None else config.get("exclude", [])
    top = config.base_dir if config.source else Path.cwd()
    files = [os.path.relpath(Path(f).absolute(), top) for f in args.files]
    affected = affected_roots(files, top=top, root_globs=config.get("roots", []), exclude=exclude)
    for note in affected.notes:
        print(f"auditgate: note: {note}", file=sys.stderr)
    if not affected.roots:
        print("auditgate: no Terraform root module is affected by these files")
        return EXIT_OK
    roots = [os.path.relpath(top / r) for r in affected.roots]
    return cmd_check(args, paths=roots, config=config)


def rules_json() -> str:
    """Every rule as data (a contract, like the report: keys are only ever added)."""
    from .catalog import rule_infos

    return json.dumps({"version": 1, "rules": [
        {"id": r.id, "title": r.title, "section": r.section, "clause": r.clause, "clause_text": r.clause_text,
         "rationale": r.rationale, "fix": r.fix, "applies_to": list(r.applies_to)} for r in rule_infos()]},
        indent=2, ensure_ascii=False) + "\n"


def cmd_rules(fmt: str = "text") -> int:
    if fmt == "json":
        sys.stdout.write(rules_json())
        return EXIT_OK
    if fmt == "markdown":
        from .report.rules_doc import render_rules_markdown

        sys.stdout.write(render_rules_markdown(all_rules()))
        return EXIT_OK
    from .catalog import rule_infos

    for rule in rule_infos():  # descriptions only: the rules themselves are not imported
        reads = " (auditgate logs)" if "logs" in rule.applies_to else ""
        print(f"{rule.id:8} {rule.title}  [{rule.section}]{reads}")
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
    from .catalog import rule_info

    rule = rule_info(rule_id)
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
        if args.command == "hook":
            return cmd_hook(args)
        if args.command == "logs":
            from .applogs.cli import cmd_logs

            return cmd_logs(args)
        if args.command == "rules":
            return cmd_rules(args.format)
        if args.command == "explain":
            return cmd_explain(args.rule_id)
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    except InputError as exc:
        # the message may quote the input, lone surrogates ("\ud800" in JSON) included: escape what
        # UTF-8 cannot carry rather than fail while printing it
        message = f"auditgate: error: {exc}".encode("utf-8", "backslashreplace").decode("utf-8")
        print(message, file=sys.stderr)
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
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001 - a failed flush: let the interpreter's exit report it, as ever
        sys.exit(code)
    # Skip the interpreter's teardown: freeing a large plan's model object by object takes longer
    # than some lints.  Everything auditgate writes is flushed and closed by now (reports and cache
    # entries are written and renamed into place before main returns).
    os._exit(code)


if __name__ == "__main__":
    entry_point()
