"""SARIF 2.1.0 (``--format sarif``) for GitHub code scanning and other SARIF viewers.

One run; every rule that ran is a ``reportingDescriptor`` (id, title, the policy clause, help with the
rationale and the fix, ``helpUri``); every finding that is not a pass is a result with a level, a
one-line message naming the resource, and a physical location (``file:line`` of the resource's block;
an account-wide finding points at its root module).  Suppressed findings carry a SARIF ``suppressions``
entry with the reason, so code scanning shows them as dismissed rather than dropping them.  Artifact
URIs are relative to the repository root (``%SRCROOT%``).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterable
from urllib.parse import quote

from .. import __version__
from ..engine import FAIL, PASS, SUPPRESSED, UNKNOWN_STATUS, Finding, Report, Rule, all_rules
from . import jsontext
from .notes import distinct_notes

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
DEFAULT_HELP_URI = "urn:auditgate:rule:{rule_id}"


def repository_root(start: Path | None = None) -> Path:
    """The nearest directory holding ``.git`` above ``start`` (default: cwd); else ``start``."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / ".git").exists():
            return d
    return here


def help_uri(rule: Rule, template: str | None) -> str:
    return (template or DEFAULT_HELP_URI).format(rule_id=rule.id, anchor=rule.id.lower())


def rule_descriptor(rule: Rule, template: str | None) -> dict:
    clause = f'{rule.section}: "{rule.clause}"'
    return {
        "id": rule.id,
        "name": type(rule).__name__,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": f"{rule.title}. Policy line: {clause}"},
        "help": {
            "text": f"Policy: {clause}\nWhy: {rule.rationale}\nFix: {rule.fix}",
            "markdown": (f"**Policy** ({rule.section}): {rule.clause}\n\n**Why:** {rule.rationale}\n\n"
                         f"**Fix:** {rule.fix}\n\nDetails: `auditgate explain {rule.id}`"),
        },
        "helpUri": help_uri(rule, template),
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["security", "compliance", "audit-logging", "HIPAA-164.312(b)"],
                       "precision": "high", "problem.severity": "error", "security-severity": "7.0",
                       "policySection": rule.section, "policyClause": rule.clause},
    }


def _root_module_file(directory: Path) -> Path | None:
    """The file that stands for a root module: its main.tf, else its first configuration file."""
    if (directory / "main.tf").is_file():
        return directory / "main.tf"
    files = sorted(p for p in directory.glob("*.tf*") if p.is_file())
    return files[0] if files else None


def artifact_uri(path: str, root: Path) -> tuple[str, bool]:
    """(URI, relative to %SRCROOT%?) of a file."""
    absolute = Path(path).resolve()
    try:
        rel = absolute.relative_to(root)
    except ValueError:
        return absolute.as_uri(), False
    return quote(rel.as_posix()), True


def root_module_dir(report: Report) -> Path | None:
    """The directory of the input's root module, where its resources' locations say it is (an HCL
    directory, or the configuration a plan was read with): account-wide findings point there."""
    model = report.model
    if model is None:
        return None
    if getattr(model, "config_dir", None):
        return Path(model.config_dir)
    if model.kind == "hcl" and Path(model.source).is_dir():
        return Path(model.source)
    for r in model.resources:
        if r.module_path == "" and r.file and r.file.endswith((".tf", ".tf.json")):
            return Path(r.file).parent
    return None


def physical_location(finding: Finding, root: Path, root_module: Path | None = None) -> dict | None:
    path = Path(finding.file) if finding.file and not finding.file.startswith("<") else None
    line = finding.line
    if (path is None or not line) and root_module is not None and finding.resource == "account":
        path = root_module  # an account-wide finding: the root module, not the plan file
    if path is None:
        return None
    if path.is_dir():  # an account-wide finding on a Terraform root: point at the root module
        path = _root_module_file(path) or path
        line = None
    uri, relative = artifact_uri(str(path), root)
    location: dict = {"artifactLocation": {"uri": uri, **({"uriBaseId": SRCROOT} if relative else {})}}
    if line:
        location["region"] = {"startLine": int(line)}
    return location


def _level(finding: Finding, unknown_fails: bool) -> str:
    if finding.status == FAIL:
        return "error"
    if finding.status == UNKNOWN_STATUS:
        return "error" if unknown_fails else "warning"
    return "note"


def _fingerprint(finding: Finding, source: str) -> str:
    return hashlib.sha256(f"{source}\0{finding.rule_id}\0{finding.resource}".encode()).hexdigest()[:32]


def result(finding: Finding, source: str, rule_index: int, root: Path, unknown_fails: bool,
           root_module: Path | None = None) -> dict:
    prefix = "value unknown before apply: " if finding.status == UNKNOWN_STATUS else ""
    out: dict = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": _level(finding, unknown_fails),
        "message": {"text": f"{finding.resource}: {prefix}{finding.message}"},
        "locations": [],
        "partialFingerprints": {"auditgateFinding/v1": _fingerprint(finding, source)},
        "properties": {"status": finding.status, "resource": finding.resource, "input": source},
    }
    physical = physical_location(finding, root, root_module)
    location: dict = {"logicalLocations": [{"fullyQualifiedName": finding.resource,
                                            "kind": "resource" if finding.resource != "account" else "module"}]}
    if physical:
        location["physicalLocation"] = physical
    out["locations"].append(location)
    if finding.suppression:
        s = finding.suppression
        origin = s["origin"]
        kind = "external" if " suppressions[" in origin else "inSource"  # policy file / code comment
        if finding.status == SUPPRESSED:
            out["suppressions"] = [{"kind": kind, "status": "accepted",
                                    "justification": s["reason"] + (f" (expires {s['expires']})"
                                                                    if s["expires"] else "")}]
        out["properties"]["suppression"] = s
    return out


def render_sarif(reports: Iterable[Report], unknown_fails: bool = True, help_uri_template: str | None = None,
                 root: Path | None = None) -> str:
    reports = list(reports)
    root = root or repository_root()
    ran = {rule_id for r in reports for rule_id in r.rules} | {f.rule_id for r in reports for f in r.findings}
    rules = [rule for rule in all_rules() if rule.id in ran]
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = [result(f, report.source, index[f.rule_id], root, unknown_fails, root_module_dir(report))
               for report in reports for f in report.findings if f.status != PASS]
    notes = [{"level": "note", "message": {"text": n.text()}} for n in distinct_notes(reports)]
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {"name": "auditgate", "version": __version__, "semanticVersion": __version__,
                                **({"informationUri": help_uri_base(help_uri_template)}
                                   if help_uri_template else {}),
                                "rules": [rule_descriptor(rule, help_uri_template) for rule in rules]}},
            "originalUriBaseIds": {SRCROOT: {"uri": root.as_uri() + "/"}},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notes,
                             "workingDirectory": {"uri": Path(os.getcwd()).resolve().as_uri() + "/"}}],
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    }
    return jsontext.dumps(doc) + "\n"


def help_uri_base(template: str) -> str:
    """The documentation page the rule links share (the template up to its ``#``)."""
    return template.split("#", 1)[0].replace("{rule_id}", "").replace("{anchor}", "")
