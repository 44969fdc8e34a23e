"""The shipped Terraform, linted as HCL: the account roots pass, the examples fail every rule.

* ``terraform/nvs`` and ``terraform/nhc`` (the baseline) must give no ``fail`` and no
  ``unknown`` finding -- everything a rule needs is known statically -- and every
  registered rule must report on them (a rule yielding nothing would pass silently).
* ``terraform/examples/noncompliant`` and ``noncompliant_minimal`` must, between them,
  make every registered rule fail at least once: a new rule without a non-compliant
  case here fails this test.
* The CLI (``python -m lint_rules.cli check``) exits 0 on the baseline and 1 on the examples.
"""
from __future__ import annotations

import subprocess
import sys
from functools import lru_cache

import pytest

from lint_rules.engine import FAIL, UNKNOWN_STATUS, Report, all_rules, evaluate
from lint_rules.loaders.hcl import load_hcl_dir
from lint_rules.policy import load_policy

from .helpers import REPO

BASELINE_ROOTS = ("terraform/nvs", "terraform/nhc")
# every root under terraform/examples/ is a deliberately non-compliant example
NONCOMPLIANT_ROOTS = tuple(sorted(str(p.relative_to(REPO)) for p in (REPO / "terraform" / "examples").iterdir()
                                  if p.is_dir() and any(p.glob("*.tf"))))
RULE_IDS = [r.id for r in all_rules() if "hcl" in r.applies_to]


@lru_cache(maxsize=None)
def lint(root: str) -> Report:
    path = REPO / root
    if not path.is_dir():
        pytest.fail(f"{root} does not exist")
    return evaluate(load_hcl_dir(path), load_policy())


def describe(findings) -> str:
    return "\n".join(f"  {f.rule_id} {f.status} {f.resource} ({f.file}:{f.line}): {f.message}"
                     for f in findings)


# --- the baseline roots ---------------------------------------------------------------

@pytest.mark.parametrize("root", BASELINE_ROOTS)
def test_baseline_root_loads_cleanly(root):
    model = load_hcl_dir(REPO / root)
    assert not model.diagnostics, f"{root}: loader diagnostics:\n" + "\n".join(model.diagnostics)
    assert len(model) > 0


@pytest.mark.parametrize("root", BASELINE_ROOTS)
def test_baseline_root_has_no_fail_or_unknown(root):
    report = lint(root)
    bad = [f for f in report.findings if f.status in (FAIL, UNKNOWN_STATUS)]
    assert not bad, f"{root}: {len(bad)} finding(s) fail or unknown:\n{describe(bad)}"


@pytest.mark.parametrize("root", BASELINE_ROOTS)
def test_every_rule_reports_on_baseline_root(root):
    reported = {f.rule_id for f in lint(root).findings}
    silent = [rule_id for rule_id in RULE_IDS if rule_id not in reported]
    assert not silent, f"{root}: rule(s) produced no finding at all: {', '.join(silent)}"


# --- the non-compliant examples -----------------------------------------------------------

def test_every_rule_fails_on_a_noncompliant_example():
    failing: dict[str, list[str]] = {}
    for root in NONCOMPLIANT_ROOTS:
        for f in lint(root).findings:
            if f.status == FAIL:
                failing.setdefault(f.rule_id, []).append(root)
    never = [rule_id for rule_id in RULE_IDS if rule_id not in failing]
    assert not never, ("rule(s) with no failing case in " + " or ".join(NONCOMPLIANT_ROOTS) + ": "
                       + ", ".join(never) + " -- add a `# VIOLATION:` case for each")


@pytest.mark.parametrize("root", NONCOMPLIANT_ROOTS)
def test_noncompliant_example_is_fully_known(root):
    # a violation must be reported as a fail, not hidden behind a value the linter cannot see
    unknown = [f for f in lint(root).findings if f.status == UNKNOWN_STATUS]
    assert not unknown, f"{root}: unknown finding(s):\n{describe(unknown)}"


@pytest.mark.parametrize("root", NONCOMPLIANT_ROOTS)
def test_noncompliant_example_marks_its_violations(root):
    texts = "".join(p.read_text() for p in sorted((REPO / root).glob("*.tf")))
    assert "# VIOLATION: " in texts


# --- the CLI ---------------------------------------------------------------------------------

def run_cli(*roots: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lint_rules.cli", "check", *roots], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_cli_passes_baseline_roots():
    result = run_cli(*BASELINE_ROOTS)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


@pytest.mark.parametrize("root", NONCOMPLIANT_ROOTS)
def test_cli_fails_noncompliant_example(root):
    result = run_cli(root)
    assert result.returncode == 1, result.stdout[-4000:] + result.stderr[-2000:]
