"""The auditgate CLI contract: verbs, exit codes, the JSON report, --unknown, suppressions."""
from __future__ import annotations

import json

import pytest
import yaml

from lint_rules.cli import main
from lint_rules.engine import all_rules, get_rule
from lint_rules.policy import load_policy

from .planbuilder import PlanBuilder

TRAIL = "aws_cloudtrail.main"


def trail_plan(**overrides) -> PlanBuilder:
    """A trail whose KMS key is unknown and refers to nothing (CT-005 unknown)."""
    values = {"name": "main", "is_multi_region_trail": True, "enable_log_file_validation": True,
              "enable_logging": True, "s3_bucket_name": "logs"}
    values.update(overrides)
    return PlanBuilder().resource(TRAIL, values, unknown=["kms_key_id", "arn", "id"])


def write(tmp_path, doc, name="plan.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return str(path)


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_rules_lists_every_rule(capsys):
    code, out, _ = run(capsys, "rules")
    assert code == 0
    for rule in all_rules():
        assert rule.id in out and rule.title in out


def test_rules_as_json(capsys):
    code, out, _ = run(capsys, "rules", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["version"] == 1
    assert [r["id"] for r in doc["rules"]] == [r.id for r in all_rules()]
    ct5 = next(r for r in doc["rules"] if r["id"] == "CT-005")
    rule = get_rule("CT-005")
    assert ct5["clause"] == rule.clause and ct5["clause_text"] == rule.clause_text and ct5["fix"] == rule.fix
    assert ct5["applies_to"] == ["plan", "hcl"]


def test_json_findings_name_their_input(tmp_path, capsys):
    a, b = write(tmp_path, trail_plan().build(), "a.json"), write(tmp_path, trail_plan().build(), "b.json")
    code, out, _ = run(capsys, "check", "--format", "json", "--select", "CT-006", a, b)
    assert [f["source"] for f in json.loads(out)["findings"]] == [a, b]


def test_explain_prints_clause_rationale_fix(capsys):
    code, out, _ = run(capsys, "explain", "ct-005")
    assert code == 0
    rule = next(r for r in all_rules() if r.id == "CT-005")
    assert rule.clause in out and "How to fix" in out and "Why it matters" in out


def test_json_report_contract(tmp_path, capsys):
    code, out, _ = run(capsys, "check", "--format", "json", "--select", "CT-005,CT-006",
                       write(tmp_path, trail_plan().build()))
    report = json.loads(out)
    assert code == 1
    assert report["version"] == 1
    assert set(report["summary"]) == {"pass", "fail", "unknown", "suppressed"}
    for finding in report["findings"]:
        # keys are only ever added (source, account, suppression: 0.1.0)
        assert set(finding) >= {"rule_id", "status", "resource", "file", "line", "message", "clause", "source",
                                "account", "suppression"}
        assert finding["status"] in ("pass", "fail", "unknown", "suppressed")
        assert finding["suppression"] is None
    statuses = {(f["rule_id"], f["resource"]): f["status"] for f in report["findings"]}
    assert statuses == {("CT-005", TRAIL): "unknown", ("CT-006", TRAIL): "pass"}
    assert report["summary"] == {"pass": 1, "fail": 0, "unknown": 1, "suppressed": 0}


def test_unknown_fails_by_default_and_warn_downgrades(tmp_path, capsys):
    plan = write(tmp_path, trail_plan().build())
    assert run(capsys, "check", "--select", "CT-005", plan)[0] == 1
    code, out, _ = run(capsys, "check", "--select", "CT-005", "--unknown", "warn", plan)
    assert code == 0 and "CT-005 UNKNOWN" in out


def test_failing_finding_is_one_line_with_location_and_fix(tmp_path, capsys):
    code, out, _ = run(capsys, "check", "--select", "CT-006",
                       write(tmp_path, trail_plan(enable_log_file_validation=False).build()))
    assert code == 1
    line = next(ln for ln in out.splitlines() if "CT-006 FAIL" in ln)
    assert line.startswith(str(tmp_path / "plan.json")) and TRAIL in line
    assert "fix:" in out


def test_suppression_needs_reason_and_reports_suppressed(tmp_path, capsys):
    data = yaml.safe_load(yaml.safe_dump(load_policy().data, allow_unicode=True))
    data["suppressions"] = [{"rule": "CT-006", "resource": "aws_cloudtrail.*", "reason": "SEC-123 accepted"}]
    policy = tmp_path / "policy.yaml"
    policy.write_text(yaml.safe_dump(data, allow_unicode=True))
    code, out, _ = run(capsys, "check", "--format", "json", "--select", "CT-006", "--policy", str(policy),
                       write(tmp_path, trail_plan(enable_log_file_validation=False).build()))
    assert code == 0
    report = json.loads(out)
    assert report["summary"]["suppressed"] == 1 and report["summary"]["fail"] == 0


def test_output_file_gets_the_report_and_the_terminal_the_text_report(tmp_path, capsys):
    good = write(tmp_path, trail_plan().build(), "a.json")
    bad = write(tmp_path, trail_plan(enable_log_file_validation=False).build(), "b.json")
    report_path = tmp_path / "report.json"
    code, out, _ = run(capsys, "check", "--format", "json", "--select", "CT-006", "--output",
                       str(report_path), good, bad)
    assert code == 1
    report = json.loads(report_path.read_text())
    assert {(f["file"], f["status"]) for f in report["findings"]} == {(good, "pass"), (bad, "fail")}
    assert f"{bad}: CT-006 FAIL {TRAIL}" in out  # the text report, not JSON
    assert out.rstrip().endswith("auditgate: 1 fail, 0 unknown, 0 suppressed, 1 pass")
    code, out, _ = run(capsys, "check", "--format", "text", "--select", "CT-006", "--output",
                       str(report_path), good, bad)
    assert code == 1 and report_path.read_text() == out


def test_check_hcl_directory(tmp_path, capsys):
    (tmp_path / "main.tf").write_text('resource "aws_cloudtrail" "main" {\n'
                                      '  name                       = "main"\n'
                                      '  s3_bucket_name             = "logs"\n'
                                      '  enable_log_file_validation = false\n}\n')
    code, out, _ = run(capsys, "check", "--select", "CT-006", str(tmp_path))
    assert code == 1 and f"{tmp_path / 'main.tf'}:1: CT-006 FAIL aws_cloudtrail.main" in out


@pytest.mark.parametrize("var_args, expected", [([], 1), (["--var", "validation=true"], 0)])
def test_var_reaches_hcl(tmp_path, capsys, var_args, expected):
    (tmp_path / "main.tf").write_text('variable "validation" {\n  type    = bool\n  default = false\n}\n'
                                      'resource "aws_cloudtrail" "main" {\n  name = "main"\n'
                                      '  s3_bucket_name = "logs"\n'
                                      '  enable_log_file_validation = var.validation\n}\n')
    assert run(capsys, "check", "--select", "CT-006", *var_args, str(tmp_path))[0] == expected
