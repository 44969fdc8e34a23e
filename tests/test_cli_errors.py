"""Bad input never passes and never dumps a traceback: exit 2 and one line on stderr."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .planbuilder import PlanBuilder

CLI = [sys.executable, "-m", "lint_rules.cli"]


def run(args, stdin: bytes | str | None = None, cwd=None):
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run(CLI + args, input=data if data is not None else b"", capture_output=True,
                          cwd=cwd, timeout=120)


def assert_input_error(proc, *needles: str):
    err = proc.stderr.decode()
    assert proc.returncode == 2, (proc.returncode, err, proc.stdout.decode())
    assert err.count("\n") == 1 and err.startswith("auditgate: error: "), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err
    assert proc.stdout == b""


TEXT_PLAN = """
Terraform used the selected providers to generate the following execution plan.
  # aws_cloudtrail.main will be created
  + resource "aws_cloudtrail" "main" {
      + is_multi_region_trail = true
    }

Plan: 1 to add, 0 to change, 0 to destroy.
"""


@pytest.mark.parametrize("stdin, needles", [
    ("", ["<stdin>", "empty"]),
    ("   \n\t\n", ["<stdin>", "empty"]),
    (TEXT_PLAN, ["<stdin>", "terraform show -json"]),
    ('{"format_version": "1.2", "planned_values": {', ["<stdin>", "line 1"]),
    ("[1, 2, 3]", ["<stdin>"]),
    ('"just a string"', ["<stdin>"]),
    ('{"hello": "world"}', ["<stdin>", "not a"]),
    (json.dumps({"format_version": "1.0", "terraform_version": "1.11.4",
                 "values": {"root_module": {"resources": []}}}), ["<stdin>", "state"]),
    (b"PK\x03\x04binaryplanfile", ["<stdin>", "terraform show -json"]),
    (b"\xff\xfe\x00garbage", ["<stdin>"]),
])
def test_bad_stdin_is_exit_2_one_line(stdin, needles):
    assert_input_error(run(["check", "-"], stdin), *needles)


def test_schema_violation_names_json_path():
    doc = PlanBuilder().resource("aws_s3_bucket.b", {"bucket": "b"}).build()
    doc["resource_changes"][0]["change"]["actions"] = ["frobnicate"]
    assert_input_error(run(["check", "-"], json.dumps(doc)), "resource_changes")


def test_wrong_type_deep_inside_is_input_error():
    doc = PlanBuilder().resource("aws_s3_bucket.b", {"bucket": "b"}).build()
    doc["resource_changes"][0]["change"] = "oops"
    assert_input_error(run(["check", "-"], json.dumps(doc)), "resource_changes")


def test_hcl_syntax_error_names_file_and_line(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = \n}\n')
    assert_input_error(run(["check", str(tmp_path)]), "main.tf:")


def test_missing_path(tmp_path):
    assert_input_error(run(["check", str(tmp_path / "nope.json")]), "nope.json")


def test_empty_directory(tmp_path):
    assert_input_error(run(["check", str(tmp_path)]), str(tmp_path))


def test_bad_policy_file(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 1\nlog_sources: []\n")
    doc = PlanBuilder().resource("aws_s3_bucket.b", {"bucket": "b"}).build()
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(doc))
    assert_input_error(run(["check", "--policy", str(policy), str(plan)]), "policy.yaml")


@pytest.mark.parametrize("args", [["check", "--format", "xml", "-"], ["frobnicate"],
                                  ["explain", "NOPE-999"], ["check", "--select", "ZZ-1", "-"],
                                  ["check", "--var", "novalue", "-"]])
def test_usage_errors_are_exit_2_one_line(args):
    assert_input_error(run(args, '{"format_version": "1.2", "planned_values": {}}'))


@pytest.mark.parametrize("command", [CLI + ["check", "-"],
                                     [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--tfplan", "-"]])
def test_stdin_from_a_terminal_is_an_error_not_a_hang(command, tmp_path):
    import os
    import pty

    primary, secondary = pty.openpty()
    try:
        proc = subprocess.run(command, stdin=secondary, capture_output=True, timeout=60, cwd=tmp_path)
    finally:
        os.close(primary)
        os.close(secondary)
    out = proc.stdout.decode() + proc.stderr.decode()
    assert proc.returncode in (2, 4) and "standard input is a terminal" in out and "Traceback" not in out


def test_a_lone_surrogate_in_the_input_is_escaped_in_the_error(monkeypatch):
    # JSON may carry "\ud800", which UTF-8 cannot; a strict stderr (a real terminal's) must still get
    # the one-line error (found by tests/fuzz)
    import io

    from lint_rules.cli import main

    doc = PlanBuilder().resource("aws_s3_bucket.b", {"bucket": "b"}).build()
    doc["resource_changes"][0]["type"] = "\ud800"  # "address ... does not match mode/type/name"
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(doc)))
    monkeypatch.setattr(sys, "stderr", err)
    assert main(["check", "-"]) == 2
    err.flush()
    text = err.buffer.getvalue().decode("utf-8")
    assert text.startswith("auditgate: error: ") and "\\ud800" in text, text
