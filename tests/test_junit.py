"""JUnit XML through pytest: `terraform show -json tfplan | pytest --tfplan - --junitxml=report.xml`
gives one test case per finding, a failing one carrying the finding's message, a suppressed one
skipped with its reason -- what CI systems read to show a test report."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from contextlib import redirect_stdout

from lint_rules.cli import main

from .helpers import REPO

PLAN = REPO / "tests" / "fixtures" / "plans" / "noncompliant.json"


def json_report(*args) -> dict:
    buf = io.StringIO()
    with redirect_stdout(buf):
        main(["check", "--format", "json", *args])
    return json.loads(buf.getvalue())


def test_one_junit_test_case_per_finding_with_its_message(tmp_path):
    xml_path = tmp_path / "report.xml"
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--tfplan", "-",
                           f"--junitxml={xml_path}"], input=PLAN.read_bytes(), capture_output=True,
                          cwd=tmp_path, timeout=300)
    assert proc.returncode == 1, proc.stdout.decode()[-2000:]
    report = json_report(str(PLAN))
    cases = ET.parse(xml_path).getroot().iter("testcase")
    by_name = {}
    for case in cases:
        by_name.setdefault(case.get("name"), []).append(case)
    findings = report["findings"]
    assert sum(len(v) for v in by_name.values()) == len(findings)
    seen: dict[str, int] = {}
    for f in findings:
        name = f"{f['rule_id']}[{f['resource']}]"
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{f['rule_id']}[{f['resource']}#{seen[name]}]"
        (case,) = by_name[name]
        failure = case.find("failure")
        if f["status"] in ("fail", "unknown"):
            assert failure is not None, name
            # the attribute is pytest's one-line summary (shortened for long messages); the text has it all
            assert failure.get("message").startswith(f"{f['rule_id']} {f['status'].upper()} {f['resource']}"), name
            assert f["message"] in failure.text, name
            assert f["clause"] in failure.text
        else:
            assert failure is None, name


def test_suppressed_findings_are_skipped_with_their_reason(tmp_path):
    (tmp_path / "main.tf").write_text(
        '# auditgate:skip=CT-006 reason: SEC-7 digests validated by the archive account\n'
        'resource "aws_cloudtrail" "main" {\n  name = "main"\n  s3_bucket_name = "logs"\n'
        '  enable_log_file_validation = false\n}\n')
    xml_path = tmp_path / "report.xml"
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--tf-dir", ".",
                           "--auditgate-select", "CT-006", f"--junitxml={xml_path}"], capture_output=True,
                          cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stdout.decode()[-2000:]
    (case,) = ET.parse(xml_path).getroot().iter("testcase")
    skipped = case.find("skipped")
    assert case.get("name") == "CT-006[aws_cloudtrail.main]"
    assert skipped is not None and "SEC-7 digests validated by the archive account" in skipped.get("message")
