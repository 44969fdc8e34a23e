"""The pytest plugin as users run it: --tf-dir and --tfplan over the shipped roots and their plan fixtures,
fixtures for their own assertions, unknown handling, and bad input."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import REPO
from .planbuilder import PlanBuilder

PLANS = REPO / "tests" / "fixtures" / "plans"


def run_pytest(tmp_path: Path, *args: str, stdin: bytes = b""):
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rfE", *args],
                          input=stdin, capture_output=True, cwd=tmp_path, timeout=300)
    return proc.returncode, proc.stdout.decode() + proc.stderr.decode()


@pytest.mark.parametrize("option, target", [
    ("--tf-dir", REPO / "terraform" / "nvs"),
    ("--tf-dir", REPO / "terraform" / "nhc"),
    ("--tfplan", PLANS / "nvs.json"),
    ("--tfplan", PLANS / "nhc.json"),
])
def test_baseline_passes_every_item(tmp_path, option, target):
    code, out = run_pytest(tmp_path, option, str(target))
    assert code == 0, out[-3000:]
    assert " passed" in out and "failed" not in out


@pytest.mark.parametrize("option, target", [
    ("--tf-dir", REPO / "terraform" / "examples" / "noncompliant"),
    ("--tfplan", PLANS / "noncompliant.json"),
])
def test_noncompliant_fails(tmp_path, option, target):
    code, out = run_pytest(tmp_path, option, str(target))
    assert code == 1
    assert "auditgate[" in out and "::CT-001[" in out


def test_items_are_named_rule_and_address(tmp_path):
    code, out = run_pytest(tmp_path, "--tfplan", str(PLANS / "nvs.json"), "--collect-only")
    assert code == 0
    assert "CT-001[module.baseline.module.cloudtrail.aws_cloudtrail.this]" in out


def test_users_write_their_own_assertions_with_the_model_fixture(tmp_path):
    (tmp_path / "test_mine.py").write_text(
        "def test_one_trail(auditgate_model, auditgate_policy, auditgate_report):\n"
        "    trails = auditgate_model.of_type('aws_cloudtrail')\n"
        "    assert len(trails) == 1 and trails[0].values['is_multi_region_trail'] is True\n"
        "    assert auditgate_policy.retention_days('cloudtrail') == 2557\n"
        "    assert auditgate_report.findings\n")
    code, out = run_pytest(tmp_path, "--tfplan", str(PLANS / "nvs.json"), "test_mine.py")
    assert code == 0, out[-3000:]
    assert "test_mine.py" in out or "passed" in out


def unknown_plan() -> bytes:
    doc = PlanBuilder().resource("aws_cloudtrail.t", {"name": "t", "is_multi_region_trail": True},
                                 unknown=["kms_key_id", "arn"]).build()
    return json.dumps(doc).encode()


def test_unknown_fails_unless_warn(tmp_path):
    code, out = run_pytest(tmp_path, "--tfplan", "-", "-k", "CT-005", stdin=unknown_plan())
    assert code == 1 and "CT-005 UNKNOWN aws_cloudtrail.t" in out
    code, out = run_pytest(tmp_path, "--tfplan", "-", "-k", "CT-005", "--auditgate-unknown", "warn",
                           stdin=unknown_plan())
    assert code == 0 and "AuditgateUnknownWarning" in out


@pytest.mark.parametrize("stdin", [b"", b"not json", b'{"format_version": "1.2"'])
def test_bad_input_is_a_one_line_usage_error(tmp_path, stdin):
    code, out = run_pytest(tmp_path, "--tfplan", "-", stdin=stdin)
    assert code == 4  # pytest's usage error
    errors = [line for line in out.splitlines() if line.startswith("ERROR: auditgate:")]
    assert len(errors) == 1 and "<stdin>" in errors[0] and "Traceback" not in out
