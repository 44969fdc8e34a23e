"""Secrets never appear in any output: sentinels planted where a plan, Terraform code, the provider
schema or application logs say a value is sensitive are searched for in every byte of every output
format (text, json, sarif, markdown, html, with and without ``--output``), of the pytest plugin
(terminal and JUnit XML), of ``auditgate logs``, and of the one-line errors.

Each sentinel has an alphanumeric core (``SNTL...``) that survives any escaping (JSON, HTML, XML,
Markdown), so finding the core anywhere is a leak.  A control test proves the sentinels reach the
reports when masking is switched off: the search itself can fail.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lint_rules import redact
from lint_rules.cli import build_parser

from .fuzz.harness import run_cli
from .helpers import REPO, shared_dir

FIXTURE = REPO / "tests" / "fixtures" / "plans" / "noncompliant.json"

# core -> the full planted text (some with characters every format escapes differently)
SENTINELS = {
    "after": "SNTLafter7Qz",              # a log group's name, marked in after_sensitive
    "escape": "SNTLesc9Zx",               # the trail's name, marked, with quotes, <, & and a backslash
    "variable": "SNTLvar3Kp",             # a sensitive root variable's value (used nowhere marked)
    "output": "SNTLout8Wm",               # a log group's name, shown only as a sensitive output
    "before": "SNTLbefore2Bx",            # an updated log group's old name, marked in before_sensitive
    "schema": "SNTLschema5Pw",            # aws_db_instance.password: the schema says sensitive, nothing else
    "prior": "SNTLprior4Hs",              # prior_state sensitive_values
}
ESCAPED = 'q"<&>' + SENTINELS["escape"] + "\\x"


def check_formats() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return list(next(a for a in sub.choices["check"]._actions if a.dest == "format").choices)


FORMATS = check_formats()


def leaks(*outputs: str | bytes) -> set[str]:
    found = set()
    for out in outputs:
        text = out.decode("utf-8", "replace") if isinstance(out, bytes) else out
        found |= {name for name, core in SENTINELS.items() if core in text}
    return found


def _change(doc: dict, address: str) -> dict:
    return next(rc for rc in doc["resource_changes"] if rc["address"] == address)


def _planned(doc: dict, address: str) -> dict:
    return next(r for r in doc["planned_values"]["root_module"]["resources"] if r["address"] == address)


def sentinel_plan() -> dict:
    """The noncompliant example's plan with sentinels planted the ways terraform marks secrets."""
    doc = json.loads(FIXTURE.read_text())
    # 1. after_sensitive: the django log group's name
    rc = _change(doc, "aws_cloudwatch_log_group.django")
    old = rc["change"]["after"]["name"]
    rc["change"]["after"]["name"] = "/app/django/" + SENTINELS["after"]
    rc["change"]["after_sensitive"] = dict(rc["change"].get("after_sensitive") or {}, name=True)
    _rename_everywhere(doc, old, "/app/django/" + SENTINELS["after"])
    # 2. the trail's name, with characters to escape
    rc = _change(doc, "aws_cloudtrail.main")
    _rename_everywhere(doc, rc["change"]["after"]["name"], ESCAPED)
    rc["change"]["after_sensitive"] = dict(rc["change"].get("after_sensitive") or {}, name=True)
    # 3. a sensitive variable: declared sensitive in the configuration, its value in `variables`
    doc["configuration"]["root_module"]["variables"] = {
        "db_password": {"sensitive": True}, "region": {"default": "us-east-1"}}
    doc["variables"] = {"db_password": {"value": SENTINELS["variable"]}, "region": {"value": "us-east-1"}}
    # 4. a sensitive output holding the web log group's name (the group itself is not marked)
    web = _change(doc, "aws_cloudwatch_log_group.web")
    _rename_everywhere(doc, web["change"]["after"]["name"], "/legacy/django-" + SENTINELS["output"])
    doc["planned_values"]["outputs"] = {"web_group": {"sensitive": True, "value": "/legacy/django-" + SENTINELS["output"]}}
    doc["output_changes"] = {"web_group": {"actions": ["create"], "before": None,
                                           "after": "/legacy/django-" + SENTINELS["output"], "after_unknown": False,
                                           "before_sensitive": False, "after_sensitive": True}}
    # 5. before_sensitive: the sessions log group is renamed; its old name was sensitive
    rc = _change(doc, "aws_cloudwatch_log_group.sessions")
    rc["change"]["actions"] = ["update"]
    rc["change"]["before"] = dict(rc["change"]["after"], name="/aws/ssm/" + SENTINELS["before"])
    rc["change"]["before_sensitive"] = {"name": True}
    # 6. schema-sensitive: aws_db_instance.password, marked nowhere in the plan
    db = {"address": "aws_db_instance.app", "mode": "managed", "type": "aws_db_instance", "name": "app",
          "provider_name": "registry.terraform.io/hashicorp/aws",
          "change": {"actions": ["create"], "before": None,
                     "after": {"identifier": "app", "engine": "postgres", "password": SENTINELS["schema"],
                               "storage_encrypted": True},
                     "after_unknown": {}, "before_sensitive": False, "after_sensitive": {}}}
    doc["resource_changes"].append(db)
    doc["planned_values"]["root_module"]["resources"].append(
        {k: db[k] for k in ("address", "mode", "type", "name", "provider_name")}
        | {"schema_version": 0, "values": db["change"]["after"], "sensitive_values": {}})
    # 7. prior_state: a data source read before, with a sensitive value
    doc["prior_state"] = {"format_version": "1.0", "terraform_version": doc.get("terraform_version", "1.11.0"),
                          "values": {"root_module": {"resources": [
                              {"address": "data.aws_caller_identity.current", "mode": "data",
                               "type": "aws_caller_identity", "name": "current",
                               "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                               "values": {"account_id": "111111111111", "user_id": SENTINELS["prior"]},
                               "sensitive_values": {"user_id": True}}]}}}
    return doc


def _rename_everywhere(doc: dict, old: str, new: str) -> None:
    """Every value equal to ``old`` becomes ``new`` (the name as resources and references carry it)."""
    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if v == old:
                    node[k] = new
                else:
                    walk(v)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                if v == old:
                    node[i] = new
                else:
                    walk(v)
    walk(doc)


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("secrets") / "plan.json"
    path.write_text(json.dumps(sentinel_plan()))
    return path


def test_the_plan_loads_and_every_sentinel_is_known_sensitive(plan_file):
    from lint_rules.loaders import load_path

    model = load_path(str(plan_file))
    text = "\n".join(sorted(model.sensitive_values))
    assert {name for name, core in SENTINELS.items() if core not in text} == set()
    assert model.get("aws_db_instance.app") is not None


def _check_outputs(args: list[str], tmp_path: Path, stdin: bytes | None = None) -> tuple[str, ...]:
    outputs: list[str] = []
    for fmt in FORMATS:
        result = run_cli(["check", *args, "--format", fmt, "--show-pass", "--verbose"], stdin=stdin)
        assert result.code in (0, 1), (fmt, result.stderr)
        outputs += [result.stdout, result.stderr]
        out = tmp_path / f"report.{fmt}"
        result = run_cli(["check", *args, "--format", fmt, "--output", str(out)], stdin=stdin)
        assert result.code in (0, 1), (fmt, result.stderr)
        outputs += [result.stdout, result.stderr, out.read_bytes().decode("utf-8")]
    return tuple(outputs)


def test_no_sentinel_in_any_check_format(plan_file, tmp_path):
    outputs = _check_outputs([str(plan_file)], tmp_path)
    assert leaks(*outputs) == set()


def test_no_sentinel_from_stdin(plan_file, tmp_path):
    result = run_cli(["check", "-", "--format", "json", "--show-pass"], stdin=plan_file.read_bytes())
    assert result.code in (0, 1) and leaks(result.stdout, result.stderr) == set()


def test_control_sentinels_reach_reports_without_masking(plan_file, tmp_path, monkeypatch):
    """With masking switched off, the search finds the sentinels a rule prints: the test above can fail."""
    monkeypatch.setattr(redact, "scrub", lambda text, secrets: text)
    outputs = _check_outputs([str(plan_file)], tmp_path)
    assert {"after", "escape", "output"} <= leaks(*outputs)


def _pytest(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", "-vv", *args],
                          capture_output=True, cwd=cwd, timeout=600)


def test_no_sentinel_in_pytest_output_or_junit_xml(plan_file, tmp_path):
    xml = tmp_path / "report.xml"
    proc = _pytest(["--tfplan", str(plan_file), f"--junitxml={xml}"], tmp_path)
    assert proc.returncode == 1, proc.stderr.decode()[-2000:]
    assert b"failed" in proc.stdout
    assert leaks(proc.stdout, proc.stderr, xml.read_bytes()) == set()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", "--tfplan", "-",
                           f"--junitxml={xml}"], input=plan_file.read_bytes(), capture_output=True, cwd=tmp_path,
                          timeout=600)
    assert proc.returncode == 1
    assert leaks(proc.stdout, proc.stderr, xml.read_bytes()) == set()


# --- Terraform code ----------------------------------------------------------------------------------

HCL = {
    "variables.tf": f'''
        variable "group_suffix" {{
          type      = string
          sensitive = true
          default   = "{SENTINELS["variable"]}"
        }}
        ''',
    "main.tf": f'''
        resource "aws_cloudtrail" "main" {{
          name           = "main"
          s3_bucket_name = "some-bucket"
        }}

        resource "aws_cloudwatch_log_group" "app" {{
          name              = sensitive("/app/django/{SENTINELS["after"]}")
          retention_in_days = 30
        }}

        resource "aws_cloudwatch_log_group" "web" {{
          name              = "/legacy/django-${{var.group_suffix}}"
          retention_in_days = 30
        }}

        resource "aws_cloudwatch_log_group" "ops" {{
          name              = "/ops/django-{SENTINELS["output"]}"
          retention_in_days = 30
        }}

        resource "aws_db_instance" "app" {{
          identifier = "app"
          engine     = "postgres"
          password   = "{SENTINELS["schema"]}"
        }}

        output "ops_group" {{
          value     = aws_cloudwatch_log_group.ops.name
          sensitive = true
        }}
        ''',
}


@pytest.fixture()
def hcl_dir(tmp_path) -> Path:
    d = tmp_path / "root"
    d.mkdir()
    for name, text in HCL.items():
        (d / name).write_text(textwrap.dedent(text))
    return d


def test_hcl_sentinels_are_known_sensitive(hcl_dir):
    from lint_rules.loaders import load_path

    text = "\n".join(load_path(str(hcl_dir)).sensitive_values)
    assert {n for n in ("variable", "after", "output", "schema") if SENTINELS[n] not in text} == set()


def test_no_hcl_sentinel_in_any_check_format(hcl_dir, tmp_path):
    assert leaks(*_check_outputs([str(hcl_dir)], tmp_path)) == set()


def test_control_hcl_sentinels_reach_reports_without_masking(hcl_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(redact, "scrub", lambda text, secrets: text)
    assert {"variable", "after", "output"} <= leaks(*_check_outputs([str(hcl_dir)], tmp_path))


def test_no_hcl_sentinel_in_pytest_output(hcl_dir, tmp_path):
    xml = tmp_path / "report.xml"
    proc = _pytest(["--tf-dir", str(hcl_dir), f"--junitxml={xml}"], tmp_path)
    assert proc.returncode == 1, proc.stderr.decode()[-2000:]
    assert leaks(proc.stdout, proc.stderr, xml.read_bytes()) == set()


def test_sensitive_variable_of_the_wrong_type_is_not_echoed(tmp_path):
    (tmp_path / "main.tf").write_text(textwrap.dedent(f'''
        variable "retention" {{
          type      = number
          sensitive = true
          default   = "not-a-number-{SENTINELS["variable"]}"
        }}
        resource "aws_cloudwatch_log_group" "g" {{
          name              = "g"
          retention_in_days = var.retention
        }}
        '''))
    result = run_cli(["check", str(tmp_path)])
    assert result.code == 2 and "retention" in result.stderr
    assert leaks(result.stdout, result.stderr) == set()


def test_loader_notes_are_masked(tmp_path):
    """A note that would quote a sensitive value (here: a count that is not a number) masks it."""
    (tmp_path / "main.tf").write_text(textwrap.dedent(f'''
        variable "n" {{
          sensitive = true
          default   = "many-{SENTINELS["variable"]}"
        }}
        resource "aws_cloudwatch_log_group" "g" {{
          count = var.n
          name  = "g"
        }}
        '''))
    result = run_cli(["check", str(tmp_path), "--format", "json"])
    assert result.code in (1, 2)
    assert leaks(result.stdout, result.stderr) == set()


# --- application logs --------------------------------------------------------------------------------

def log_lines() -> str:
    from lint_rules.applogs.contract import EVENT_TYPES, example_event

    event = example_event(EVENT_TYPES[0], "django")
    event.update(patient_name=f"Qwertina {SENTINELS['after']}", mrn="MRN 90817263",
                 details={"ssn": "078-05-1120", "note": f"patient number 55512345; {SENTINELS['escape']}"})
    return "\n".join([json.dumps(event),
                      json.dumps({"message": f"login for Qwertina {SENTINELS['output']} mrn: 44332211"}),
                      "plain text: medical record number 77788899 for Qwertina Sentinelova"]) + "\n"


PHI = ("90817263", "078-05-1120", "55512345", "44332211", "77788899", "Sentinelova")


def test_no_phi_or_sentinel_in_logs_output(tmp_path):
    logs = tmp_path / "app.ndjson"
    logs.write_text(log_lines())
    seen = []
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    formats = next(a for a in sub.choices["logs"]._actions if a.dest == "format").choices
    for fmt in formats:
        out = tmp_path / f"logs.{fmt}"
        result = run_cli(["logs", str(logs), "--format", fmt, "--show-pass", "--output", str(out)])
        assert result.code == 1, result.stderr  # the PHI is found ...
        seen += [result.stdout, result.stderr, out.read_text()]
    text = "\n".join(seen)
    assert "APP-005" in text
    assert [p for p in PHI if p in text] == []  # ... and never quoted
    assert leaks(text) == set()


def test_no_phi_in_pytest_audit_log_items(tmp_path):
    logs = tmp_path / "app.ndjson"
    logs.write_text(log_lines())
    xml = tmp_path / "report.xml"
    proc = _pytest(["--audit-log", str(logs), f"--junitxml={xml}"], tmp_path)
    text = (proc.stdout + proc.stderr + xml.read_bytes()).decode("utf-8", "replace")
    assert "APP-005" in text, text[-2000:]
    assert [p for p in PHI if p in text] == [] and leaks(text) == set()


# --- the sensitive-attribute table -------------------------------------------------------------------

def test_sensitive_attribute_table_is_current():
    if not (shared_dir() / "aws-provider-schema" / "aws-6.19.0.json.gz").is_file():
        pytest.skip("../shared/aws-provider-schema is absent (set AUDITGATE_SHARED)")
    proc = subprocess.run([sys.executable, str(REPO / "tools" / "gen_sensitive_attrs.py"), "--check"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert ["password"] in redact.sensitive_paths("managed", "aws_db_instance")


def test_scrub_masks_longest_first_and_leaves_short_values():
    secrets: set[str] = set()
    redact.add_strings(["abcd", "abcdefgh", "ab", True, 12345], secrets)
    assert secrets == {"abcd", "abcdefgh", "12345"}  # too short to be a credential: "ab"
    assert redact.scrub("x abcdefgh y abcd z ab", frozenset(secrets)) == f"x {redact.MASK} y {redact.MASK} z ab"
    marked: set[str] = set()
    redact.add_marked({"a": "keep", "b": ["s3cr3t", "open"], "c": {"d": "deep-secret"}},
                      {"b": [True, False], "c": True}, marked)
    assert marked == {"s3cr3t", "deep-secret"}
    assert redact.plan_secrets([1, 2]) == set() and redact.plan_secrets({"resource_changes": "x"}) == set()
