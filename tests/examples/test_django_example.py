"""A real Django application meets the audit-event contract: driven by Django's test client, its log
passes `auditgate logs` (every event type, no PHI); the same app logging a patient's name and SSN fails
at that line and field, without the report repeating either."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ..helpers import REPO

pytest.importorskip("django", reason="Django is a dev extra: pip install -e '.[dev]'")

EXAMPLE = REPO / "examples" / "django_audit"
PATIENT = ("Zebulon Quillfeather", "536-22-8841", "536-22-8842", "1961-07-23")


def scenario(tmp_path, leaky: bool):
    log = tmp_path / ("leaky.log" if leaky else "audit.log")
    env = dict(os.environ, AUDIT_LOG_FILE=str(log), AUDIT_LEAKY="1" if leaky else "0")
    proc = subprocess.run([sys.executable, str(EXAMPLE / "scenario.py")], env=env, capture_output=True,
                          timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    return log


def logs(*args):
    proc = subprocess.run([sys.executable, "-m", "lint_rules.cli", "logs", *map(str, args), "--format", "json"],
                          capture_output=True, timeout=120, cwd=REPO)
    return proc.returncode, json.loads(proc.stdout), proc.stdout + proc.stderr


def test_django_app_meets_the_contract(tmp_path):
    log = scenario(tmp_path, leaky=False)
    rc, doc, _ = logs(log, "--app", "django")
    assert rc == 0, [f for f in doc["findings"] if f["status"] != "pass"]
    (coverage,) = [f for f in doc["findings"] if f["rule_id"] == "APP-006"]
    assert coverage["status"] == "pass" and "all 8 required event types" in coverage["message"]
    assert set(doc["logs"]["coverage"]["django"]) == {
        "auth.login.success", "auth.login.failure", "auth.logout", "phi.read", "phi.create", "phi.update",
        "phi.delete", "authz.denied"}
    # the log holds none of the patient's data (the contract's opaque ids only)
    text = log.read_text()
    assert not any(value in text for value in PATIENT)


def test_django_app_logging_a_patients_name_and_ssn_fails_at_that_line(tmp_path):
    log = scenario(tmp_path, leaky=True)
    update_line = next(i for i, line in enumerate(log.read_text().splitlines(), 1) if '"phi.update"' in line)
    rc, doc, produced = logs(log, "--app", "django")
    assert rc == 1
    fails = {(f["rule_id"], f["line"], f["message"].split(" (masked")[0]) for f in doc["findings"]
             if f["status"] == "fail"}
    assert fails == {("APP-005", update_line, "personal data (by its field name) in field patient_name"),
                     ("APP-005", update_line, "US Social Security number in field note")}
    assert not [v for v in PATIENT if v.encode() in produced]
