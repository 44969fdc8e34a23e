"""Hostile inputs, one test each: the crashes and hangs the fuzzers found (each a regression test
of its fix) and the size limits (``lint_rules.limits``).

Fast: part of every run (the fuzzers themselves are marked slow).  Each runs ``auditgate``
in-process under the harness's time limit, so a hang fails the test instead of the suite.
"""
from __future__ import annotations

import json
from importlib import resources

import pytest

from lint_rules.limits import DEFAULT_MAX_HCL, DEFAULT_MAX_INPUT, parse_size

from .harness import check_closed, run_cli
from .seeds import plan_seeds

POLICY_TEXT = resources.files("lint_rules.policy").joinpath("default.yaml").read_text(encoding="utf-8")
SMALL_PLAN = plan_seeds()[0][1]


def refused(result, *needles: str) -> str:
    check_closed(result, "text", loadable=False)
    assert result.code == 2
    for needle in needles:
        assert needle in result.stderr, result.stderr
    return result.stderr


def check_policy(tmp_path, policy: str | bytes):
    (tmp_path / "plan.json").write_text(SMALL_PLAN)
    path = tmp_path / "policy.yaml"
    path.write_bytes(policy if isinstance(policy, bytes) else policy.encode("utf-8"))
    return run_cli(["check", str(tmp_path / "plan.json"), "--policy", str(path)])


# --- plans ---------------------------------------------------------------------------------------

def test_plan_with_an_integer_too_long_to_convert(tmp_path):
    """Python refuses to convert an integer of more than 4,300 digits (a ValueError that is not a
    JSONDecodeError): it was an internal error, exit 3."""
    doc = json.loads(SMALL_PLAN)
    text = json.dumps(doc)[:-1] + ', "x": ' + "1" * 5000 + "}"
    (tmp_path / "plan.json").write_text(text)
    refused(run_cli(["check", str(tmp_path / "plan.json")]), "invalid JSON")


def test_plan_with_a_million_schema_errors_is_refused(tmp_path):
    """Every one of 200,000 malformed resource changes is a schema error; ranking them all to pick
    the one to report took minutes.  Now: the first hundred."""
    doc = json.loads(SMALL_PLAN)
    doc["resource_changes"] = [{"address": 7}] * 200_000
    (tmp_path / "plan.json").write_text(json.dumps(doc))
    refused(run_cli(["check", str(tmp_path / "plan.json")]), "not a valid plan at /resource_changes/")


# --- policy files --------------------------------------------------------------------------------

def test_policy_file_not_utf8(tmp_path):
    refused(check_policy(tmp_path, POLICY_TEXT.encode("utf-8") + b"\n# caf\xe9\n"), "not UTF-8")


def test_policy_with_a_number_too_long_to_convert(tmp_path):
    refused(check_policy(tmp_path, "version: " + "1" * 5000 + "\n"), "policy file is not valid YAML")


@pytest.mark.parametrize("text", ["[" * 20_000, "a: " + "[" * 5_000 + "]" * 5_000,
                                  "a:\n" + "".join(" " * i + f"b{i}:\n" for i in range(1, 1500))],
                         ids=["open-flow", "closed-flow", "block"])
def test_policy_nested_too_deeply(tmp_path, text):
    """The pure-Python YAML scanner takes time quadratic in the nesting depth (20,000 ``[``: seconds,
    200,000: hours); libyaml refuses beyond 1,000 levels at once."""
    refused(check_policy(tmp_path, text), "policy file")


def test_policy_alias_bomb_is_refused(tmp_path):
    """Ten anchors, each a list of ten aliases of the previous: 10**9 strings to validate once
    expanded (it hung; the harness's time limit caught it)."""
    bomb = "[" + ", ".join(["&a0 [r, r, r, r, r, r, r, r, r, r]"] + [
        f"&a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]) + "]"
    text = POLICY_TEXT.replace('delete_trail_exempt_roles:\n  - "*devops-admin*"',
                               f"delete_trail_exempt_roles: {bomb}")
    assert text != POLICY_TEXT
    refused(check_policy(tmp_path, text), "expands to more than")


def test_policy_alias_inside_itself_is_refused(tmp_path):
    text = POLICY_TEXT.replace('delete_trail_exempt_roles:\n  - "*devops-admin*"',
                               "delete_trail_exempt_roles: &loop [a, *loop]")
    refused(check_policy(tmp_path, text), "refers to the node that contains it")


def test_policy_with_aliases_that_stay_small_is_used(tmp_path):
    """Anchors and aliases themselves are fine YAML: only an explosion is refused."""
    text = POLICY_TEXT.replace('delete_trail_exempt_roles:\n  - "*devops-admin*"',
                               'delete_trail_exempt_roles: &roles ["*devops-admin*"]')
    result = check_policy(tmp_path, text)
    check_closed(result)
    assert result.code in (0, 1)


# --- size limits ---------------------------------------------------------------------------------

def test_size_parsing():
    assert parse_size("256M", "X") == 256 * 2 ** 20
    assert parse_size("1g", "X") == 2 ** 30
    assert parse_size("10KiB", "X") == 10 * 2 ** 10
    assert parse_size("1234", "X") == 1234
    assert parse_size("0", "X") == 0
    assert DEFAULT_MAX_INPUT == 256 * 2 ** 20 and DEFAULT_MAX_HCL == 8 * 2 ** 20


def test_plan_file_over_the_limit_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITGATE_MAX_INPUT_SIZE", "1K")
    (tmp_path / "plan.json").write_text(SMALL_PLAN)
    assert len(SMALL_PLAN) > 1024
    refused(run_cli(["check", str(tmp_path / "plan.json")]), "plan file is", "over the 1 KiB size limit",
            "AUDITGATE_MAX_INPUT_SIZE")


def test_plan_on_stdin_over_the_limit_is_refused(monkeypatch):
    monkeypatch.setenv("AUDITGATE_MAX_INPUT_SIZE", "1K")
    refused(run_cli(["check", "-"], stdin=SMALL_PLAN.encode()), "standard input", "over the 1 KiB size limit")


def test_plan_under_the_limit_and_no_limit(tmp_path, monkeypatch):
    (tmp_path / "plan.json").write_text(SMALL_PLAN)
    for limit in (str(len(SMALL_PLAN.encode())), "0"):
        monkeypatch.setenv("AUDITGATE_MAX_INPUT_SIZE", limit)
        result = run_cli(["check", str(tmp_path / "plan.json")])
        check_closed(result)
        assert result.code in (0, 1)
        result = run_cli(["check", "-"], stdin=SMALL_PLAN.encode())
        check_closed(result)
        assert result.code in (0, 1)


def test_hcl_file_over_the_limit_is_refused(tmp_path, monkeypatch):
    """A 50 MB heredoc took the HCL parser three minutes and 10 GB: an HCL file has its own,
    smaller limit."""
    monkeypatch.setenv("AUDITGATE_MAX_HCL_SIZE", "4K")
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = <<EOT\n'
                                      + "x" * 5000 + "\nEOT\n}\n")
    refused(run_cli(["check", str(tmp_path)]), "main.tf: HCL file is", "AUDITGATE_MAX_HCL_SIZE")


def test_tf_json_file_is_held_to_the_input_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITGATE_MAX_HCL_SIZE", "1K")
    body = {"resource": {"aws_s3_bucket": {"b": {"bucket": "x" * 2000}}}}
    (tmp_path / "main.tf.json").write_text(json.dumps(body))
    result = run_cli(["check", str(tmp_path)])
    check_closed(result)
    assert result.code in (0, 1)
    monkeypatch.setenv("AUDITGATE_MAX_INPUT_SIZE", "1K")
    refused(run_cli(["check", str(tmp_path)]), "JSON file is")


def test_bad_limit_value_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITGATE_MAX_INPUT_SIZE", "lots")
    (tmp_path / "plan.json").write_text(SMALL_PLAN)
    refused(run_cli(["check", str(tmp_path / "plan.json")]), "AUDITGATE_MAX_INPUT_SIZE='lots'")


def test_policy_file_over_the_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITGATE_MAX_INPUT_SIZE", "20K")
    refused(check_policy(tmp_path, POLICY_TEXT + "#" * 50_000 + "\n"), "policy file is")


def test_file_function_on_a_device_does_not_hang(tmp_path):
    """``file("/dev/zero")`` would read forever: a file() of something that is not a regular file
    is unknown."""
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = file("/dev/zero")\n}\n')
    result = run_cli(["check", str(tmp_path), "--format", "json"])
    check_closed(result, "json")


# --- HCL that would never finish -------------------------------------------------------------------

def test_count_of_a_billion_is_refused(tmp_path):
    """``count = 1000000000`` built a list of a billion instances (memory, then a hang)."""
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  count  = 1000000000\n  bucket = "b"\n}\n')
    refused(run_cli(["check", str(tmp_path)]), "aws_s3_bucket.b", "more than 200,000 instances")


def test_counts_multiplied_through_modules_are_refused(tmp_path):
    (tmp_path / "child").mkdir()
    (tmp_path / "child" / "main.tf").write_text(
        'resource "aws_s3_bucket" "b" {\n  count  = 1000\n  bucket = "b-${count.index}"\n}\n')
    (tmp_path / "main.tf").write_text('module "m" {\n  source = "./child"\n  count  = 1000\n}\n')
    refused(run_cli(["check", str(tmp_path)]), "more than 200,000 instances")


def test_for_expressions_over_a_billion_elements_end_with_a_note(tmp_path, monkeypatch):
    """Three nested for-expressions over range(1000) are 10**9 iterations: past the budget the value
    is unknown, with a note, and the run ends.  (The budget is made small here: the real one,
    MAX_FOR_ITERATIONS, is spent in seconds, not milliseconds.)"""
    from lint_rules.loaders.hcl import evaluator

    monkeypatch.setattr(evaluator, "MAX_FOR_ITERATIONS", 5_000)
    (tmp_path / "main.tf").write_text(
        'locals {\n  xs = flatten([for i in range(1000) : [for j in range(1000) : [for k in range(1000) : k]]])\n}\n'
        'resource "aws_s3_bucket" "b" {\n  bucket = "b-${length(local.xs)}"\n}\n')
    result = run_cli(["check", str(tmp_path), "--format", "json"])
    check_closed(result, "json")
    assert "for-expressions iterate over more than 5,000 elements" in result.stdout + result.stderr
    model_values = json.loads(result.stdout)
    assert model_values["findings"]


def test_for_expressions_under_the_budget_are_evaluated(tmp_path):
    from lint_rules.loaders import load_path

    (tmp_path / "main.tf").write_text(
        'locals {\n  xs = flatten([for i in range(100) : [for j in range(100) : i * j]])\n}\n'
        'resource "aws_s3_bucket" "b" {\n  bucket = "b-${length(local.xs)}"\n}\n')
    model = load_path(str(tmp_path))
    assert model.get("aws_s3_bucket.b").values["bucket"] == "b-10000"


def test_argument_and_block_of_the_same_name(tmp_path):
    """``tags = ""`` beside a ``tags { }`` block: the block was appended to the string (an internal
    error, found by the HCL fuzzer).  Terraform refuses it; so does auditgate, in one line."""
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "a" {\n  tags = ""\n  tags {\n    x = 1\n  }\n}\n')
    refused(run_cli(["check", str(tmp_path)]), '"tags" is set both as an argument', "main.tf:3")
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "a" {\n  rule = 1\n  dynamic "rule" {\n'
                                      '    for_each = [1]\n    content {\n      x = 1\n    }\n  }\n}\n')
    refused(run_cli(["check", str(tmp_path)]), '"rule" is set both as an argument')


def test_the_harness_limits_a_case_s_memory():
    """The fuzz harness's per-case memory limit works (a case past it fails its test rather than
    the machine's OOM killer ending the whole run)."""
    import sys as _sys

    from .harness import memory_limit

    if not _sys.platform.startswith("linux"):
        pytest.skip("RLIMIT_AS is enforced on Linux")
    with pytest.raises(MemoryError):
        with memory_limit(256 * 2 ** 20):
            bytearray(2 * 2 ** 30)
    bytearray(512 * 2 ** 20)  # and the limit is lifted afterwards
