"""Run auditgate as a subprocess: the rule list, and one ``check --format json`` per scan.

auditgate and checkov cannot share a virtual environment (checkov's bc-python-hcl2 installs a
top-level ``hcl2`` over python-hcl2's), so auditgate is always a separate program here:
``$AUDITGATE_BIN`` if set (a path, or a command line such as ``/opt/ag/bin/python -m lint_rules.cli``),
else ``auditgate`` on ``PATH``.  ``$AUDITGATE_ARGS`` adds options to ``check`` (``--policy FILE``,
``--var-file FILE``, ...).  Standard library only: this runs inside checkov's interpreter.
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field

#: options the adapter sets itself; they cannot come from $AUDITGATE_ARGS
RESERVED_OPTIONS = ("--format", "--output", "--unknown", "--show-pass")


class AuditgateError(Exception):
    """auditgate could not be run, or answered something other than its JSON contract (one line)."""


@dataclass
class Evaluation:
    """auditgate's findings for the inputs of one scan."""
    findings: list[dict] = field(default_factory=list)
    #: input (as given) -> one line saying why auditgate could not evaluate it
    errors: dict[str, str] = field(default_factory=dict)


def command() -> list[str]:
    configured = os.environ.get("AUDITGATE_BIN", "").strip()
    if configured:
        return shlex.split(configured)
    found = shutil.which("auditgate")
    if not found:
        raise AuditgateError("auditgate not found: install it in its own environment and put its `auditgate` "
                             "on PATH, or set AUDITGATE_BIN to it (see the adapter's README)")
    return [found]


def extra_args() -> list[str]:
    args = shlex.split(os.environ.get("AUDITGATE_ARGS", ""))
    for arg in args:
        if arg.split("=", 1)[0] in RESERVED_OPTIONS:
            raise AuditgateError(f"AUDITGATE_ARGS may not set {arg.split('=', 1)[0]} (the adapter sets it)")
    return args


def _timeout() -> float:
    try:
        return float(os.environ.get("AUDITGATE_TIMEOUT", "900"))
    except ValueError:
        return 900.0


def _run(args: list[str]) -> subprocess.CompletedProcess:
    cmd = command() + args
    try:
        return subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=_timeout())
    except FileNotFoundError:
        raise AuditgateError(f"cannot run {cmd[0]!r} (AUDITGATE_BIN or PATH)") from None
    except subprocess.TimeoutExpired:
        raise AuditgateError(f"auditgate did not finish within {_timeout():.0f} s (AUDITGATE_TIMEOUT)") from None
    except OSError as exc:
        raise AuditgateError(f"cannot run {cmd[0]!r}: {exc.strerror}") from None


def _one_line(proc: subprocess.CompletedProcess) -> str:
    lines = [line.strip() for line in (proc.stderr or "").splitlines() if line.strip()]
    return lines[-1] if lines else f"auditgate exited {proc.returncode} without a message"


def _json(proc: subprocess.CompletedProcess, what: str) -> dict:
    try:
        doc = json.loads(proc.stdout)
    except ValueError:
        raise AuditgateError(f"auditgate {what} printed no JSON (exit {proc.returncode}): {_one_line(proc)}") from None
    if not isinstance(doc, dict) or doc.get("version") != 1:
        raise AuditgateError(f"auditgate {what} printed an unexpected document (version {doc.get('version')!r})"
                             if isinstance(doc, dict) else f"auditgate {what} printed an unexpected document")
    return doc


def list_rules() -> list[dict]:
    """``auditgate rules --format json``: every rule with its id, title, section, clause and fix."""
    proc = _run(["rules", "--format", "json"])
    if proc.returncode != 0:
        raise AuditgateError(f"`auditgate rules --format json` failed (exit {proc.returncode}): {_one_line(proc)}")
    rules = _json(proc, "rules").get("rules")
    if not isinstance(rules, list) or not rules or not all(isinstance(r, dict) and r.get("id") for r in rules):
        raise AuditgateError("`auditgate rules --format json` listed no rules")
    return rules


def _check(inputs: list[str]) -> subprocess.CompletedProcess:
    return _run(["check", "--format", "json", "--unknown", "fail", *extra_args(), "--", *inputs])


def evaluate(inputs: list[str]) -> Evaluation:
    """Lint every input in one auditgate run.  Exit 0/1 is a report; exit 2 (an input auditgate
    cannot read) re-runs the inputs one by one so that one bad input does not hide the others'
    verdicts; any other outcome is an error for every input.  Never raises for a bad input."""
    result = Evaluation()
    if not inputs:
        return result
    try:
        proc = _check(inputs)
        if proc.returncode == 2 and len(inputs) > 1:
            for one in inputs:
                part = evaluate([one])
                result.findings += part.findings
                result.errors.update(part.errors)
            return result
        if proc.returncode == 2:  # this input: auditgate's own one line says what and where
            raise AuditgateError(_one_line(proc))
        if proc.returncode not in (0, 1):
            raise AuditgateError(f"auditgate check failed (exit {proc.returncode}): {_one_line(proc)}")
        findings = _json(proc, "check").get("findings")
        if not isinstance(findings, list):
            raise AuditgateError("auditgate check printed a report without findings")
        if len(inputs) == 1:  # an auditgate too old to name each finding's source is still exact here
            for f in findings:
                f.setdefault("source", inputs[0])
        elif any("source" not in f for f in findings):
            for one in inputs:
                part = evaluate([one])
                result.findings += part.findings
                result.errors.update(part.errors)
            return result
        result.findings = findings
    except AuditgateError as exc:
        for one in inputs:
            result.errors[one] = str(exc)
    return result
