"""Shared helpers for rule tests: lint an HCL snippet or a plan document, read verdicts."""
from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

from lint_rules.engine import Report, evaluate, get_rule
from lint_rules.loaders.hcl import load_hcl_dir
from lint_rules.loaders.plan import load_plan_document
from lint_rules.policy import load_policy

POLICY = load_policy()
REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """``../shared`` beside the checkout (CI copies it there); AUDITGATE_SHARED overrides."""
    env = os.environ.get("AUDITGATE_SHARED")
    return Path(env) if env else REPO.parent / "shared"


def lint_hcl(tmp_path: Path, files: dict[str, str] | str, rule: str | None = None, policy=None) -> Report:
    """Write ``files`` ({name: text} or the text of main.tf) under tmp_path and lint that root."""
    if isinstance(files, str):
        files = {"main.tf": files}
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))
    model = load_hcl_dir(tmp_path)
    return _evaluate(model, rule, policy)


def lint_plan(doc: dict, rule: str | None = None, policy=None) -> Report:
    model = load_plan_document(json.loads(json.dumps(doc)), "<test plan>")
    return _evaluate(model, rule, policy)


def _evaluate(model, rule, policy) -> Report:
    rules = [get_rule(rule)] if rule else None
    if rule and rules[0] is None:
        raise AssertionError(f"no rule {rule}")
    return evaluate(model, policy or POLICY, rules=rules)


def finding(report: Report, rule: str, address: str):
    """The one finding of ``rule`` on ``address`` (the test fails, listing every finding, otherwise)."""
    found = [f for f in report.findings if f.rule_id == rule and f.resource == address]
    assert len(found) == 1, [(f.rule_id, f.resource, f.status, f.message) for f in report.findings]
    return found[0]


def verdicts(report: Report, rule: str | None = None) -> dict[str, str]:
    """{resource address: status} for one rule (all rules when None)."""
    return {f.resource: f.status for f in report.findings if rule is None or f.rule_id == rule}


def statuses(report: Report, rule: str | None = None) -> set[str]:
    return {f.status for f in report.findings if rule is None or f.rule_id == rule}


def damage_entry(entry, how) -> bytes:
    """Corrupt a cache entry file: ``"truncate"`` (half of it), ``"flip"`` (one byte near the end),
    or replace it with the given bytes / text.  Returns what it held."""
    raw = entry.read_bytes()
    if how == "truncate":
        entry.write_bytes(raw[: len(raw) // 2])
    elif how == "flip":
        entry.write_bytes(raw[:-10] + bytes([raw[-10] ^ 0xFF]) + raw[-9:])
    else:
        entry.write_bytes(how if isinstance(how, bytes) else how.encode())
    return raw
