"""SARIF 2.1.0 output: valid against the OASIS schema (vendored in tests/schemas), rule metadata with
the policy clause and the fix, one result per finding that is not a pass, each with a level, a message
and a physical location code scanning can annotate."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from lint_rules.cli import main
from lint_rules.engine import get_rule

from .helpers import REPO

SCHEMA = json.loads((REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())
NONCOMPLIANT = REPO / "terraform" / "examples" / "noncompliant"
PLANS = REPO / "tests" / "fixtures" / "plans"


def sarif(capsys, *args) -> tuple[int, dict]:
    code = main(["check", "--format", "sarif", *args])
    out, _ = capsys.readouterr()
    return code, json.loads(out)


def validate(doc: dict) -> None:
    checker = jsonschema.Draft4Validator.FORMAT_CHECKER
    assert "uri" in checker.checkers, "pip install rfc3986-validator (the dev extra) so URIs are checked"
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=checker)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


@pytest.fixture(scope="module")
def noncompliant(tmp_path_factory):
    import io
    from contextlib import redirect_stdout

    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main(["check", "--format", "sarif", "--help-uri",
                     "https://example.test/auditgate/docs/rules.md#{anchor}", str(NONCOMPLIANT)])
    return code, json.loads(buf.getvalue())


def test_noncompliant_root_is_valid_sarif(noncompliant):
    code, doc = noncompliant
    assert code == 1
    validate(doc)
    assert doc["version"] == "2.1.0" and len(doc["runs"]) == 1


def test_every_result_has_a_physical_location_in_the_repository(noncompliant):
    _, doc = noncompliant
    run = doc["runs"][0]
    root = Path(run["originalUriBaseIds"]["%SRCROOT%"]["uri"].removeprefix("file://"))
    results = run["results"]
    assert results and all(r["level"] == "error" for r in results)
    for r in results:
        (location,) = r["locations"]
        physical = location["physicalLocation"]
        artifact = physical["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%" and not artifact["uri"].startswith("/")
        assert (root / artifact["uri"]).is_file(), artifact["uri"]
        resource = location["logicalLocations"][0]["fullyQualifiedName"]
        if resource != "account":  # a resource finding points at its block
            line = physical["region"]["startLine"]
            text = (root / artifact["uri"]).read_text().splitlines()[line - 1]
            assert text.startswith(("resource ", "data ")), (artifact["uri"], line, text)
        assert r["message"]["text"].startswith(resource + ": ")


def test_rule_metadata_has_title_clause_fix_and_help_uri(noncompliant):
    _, doc = noncompliant
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    by_id = {r["id"]: r for r in rules}
    for result in doc["runs"][0]["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    ct005 = by_id["CT-005"]
    rule = get_rule("CT-005")
    assert ct005["shortDescription"]["text"] == rule.title
    assert rule.clause in ct005["help"]["text"] and rule.fix in ct005["help"]["text"]
    assert rule.clause in ct005["help"]["markdown"] and rule.fix in ct005["help"]["markdown"]
    assert ct005["helpUri"] == "https://example.test/auditgate/docs/rules.md#ct-005"


def test_docs_rules_page_is_current_and_has_every_anchor():
    from lint_rules.engine import all_rules
    from lint_rules.report.rules_doc import render_rules_markdown

    page = (REPO / "docs" / "rules.md").read_text()
    regenerate = "regenerate it: auditgate rules --format markdown > docs/rules.md"
    for rule in all_rules():  # every helpUri anchor exists (the wording may trail a rule's edits)
        assert f"\n## {rule.id}\n\n**{rule.title}**\n" in page, f"{rule.id} missing from docs/rules.md; {regenerate}"
    assert render_rules_markdown(all_rules()).startswith("# auditgate rules\n")


def test_unknown_is_a_warning_when_it_does_not_fail_the_run(tmp_path, capsys):
    (tmp_path / "main.tf").write_text('variable "k" {\n  type = string\n}\n'
                                      'resource "aws_cloudtrail" "t" {\n  name = "t"\n  s3_bucket_name = "l"\n'
                                      '  kms_key_id = var.k\n}\n')
    code, doc = sarif(capsys, "--select", "CT-005", str(tmp_path))
    assert code == 1 and [r["level"] for r in doc["runs"][0]["results"]] == ["error"]
    code, doc = sarif(capsys, "--select", "CT-005", "--unknown", "warn", str(tmp_path))
    assert code == 0 and [r["level"] for r in doc["runs"][0]["results"]] == ["warning"]
    validate(doc)


def test_plan_input_results_have_locations(capsys):
    code, doc = sarif(capsys, str(PLANS / "noncompliant.json"))
    assert code == 1
    validate(doc)
    for r in doc["runs"][0]["results"]:
        assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


def test_loader_notes_are_tool_notifications(tmp_path, capsys):
    (tmp_path / "main.tf").write_text('module "m" {\n  source = "terraform-aws-modules/cloudtrail/aws"\n}\n')
    code, doc = sarif(capsys, "--select", "CT-001", str(tmp_path))
    notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("not followed" in n["message"]["text"] for n in notes)
    validate(doc)


@pytest.mark.skipif(shutil.which("check-jsonschema") is None and not (Path(sys.executable).parent / "check-jsonschema").exists(),
                    reason="check-jsonschema is not installed (pip install -e '.[dev]')")
def test_check_jsonschema_accepts_it_too(noncompliant, tmp_path):
    _, doc = noncompliant
    path = tmp_path / "auditgate.sarif"
    path.write_text(json.dumps(doc))
    exe = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    proc = subprocess.run([exe, "--schemafile", str(REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json"),
                           str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_plan_read_with_its_source_points_at_the_tf_files(capsys):
    source = REPO / "terraform" / "examples" / "noncompliant"
    code, doc = sarif(capsys, str(PLANS / "noncompliant.json"), "--tf-dir", str(source))
    assert code == 1
    validate(doc)
    run = doc["runs"][0]
    root = Path(run["originalUriBaseIds"]["%SRCROOT%"]["uri"].removeprefix("file://"))
    results = run["results"]
    assert results
    for r in results:
        physical = r["locations"][0]["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert uri.startswith("terraform/examples/noncompliant/") and uri.endswith(".tf"), uri
        if r["properties"]["resource"] != "account":
            line = (root / uri).read_text().splitlines()[physical["region"]["startLine"] - 1]
            assert line.startswith(("resource ", "data ")), (uri, line)
