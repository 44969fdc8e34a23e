"""Hostile sizes end within bounded time and memory, with a message where auditgate refuses.

- a 1 GB plan: refused unread under the input size limit (a sparse file: nothing is written);
- a plan larger than the limit on standard input: refused after reading no more than the limit;
- a 10 MB single-line HCL string and a 50 MB heredoc: refused under the HCL size limit, and the
  10 MB string read when the limit is lifted;
- 100,000 resources of one type, in a plan and in HCL (``count``);
- a for-expression producing a million elements.

Each big case runs ``auditgate`` as a subprocess under an address-space limit (``RLIMIT_AS``) and
a timeout: running out of either fails the test; neither is a speed target (those live in
``bench/``).  The big ones are marked slow.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from .harness import check_closed, run_cli

CLI = [sys.executable, "-m", "lint_rules.cli"]
GiB = 2 ** 30


def _bounded(args: list[str], *, memory: int, timeout: float, stdin=None, env: dict | None = None,
             input_bytes: bytes | None = None) -> subprocess.CompletedProcess:
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(CLI + args, stdin=stdin, input=input_bytes, capture_output=True, timeout=timeout,
                          preexec_fn=limit, env=dict(os.environ, **(env or {})))


def _one_error_line(proc: subprocess.CompletedProcess, *needles: str) -> str:
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, (proc.returncode, err[-2000:])
    assert err.count("\n") == 1 and err.startswith("auditgate: error: ") and proc.stdout == b"", err[-2000:]
    for needle in needles:
        assert needle in err, err
    return err


def test_a_1gb_plan_is_refused_unread(tmp_path):
    plan = tmp_path / "huge.json"
    with plan.open("wb") as fh:  # sparse: 1 GiB long, no block written
        fh.write(b'{"format_version": "1.2", "resource_changes": [')
        fh.truncate(GiB)
    result = run_cli(["check", str(plan)])
    check_closed(result, loadable=False)
    assert "plan file is 1 GiB, over the 256 MiB size limit" in result.stderr
    assert "AUDITGATE_MAX_INPUT_SIZE" in result.stderr


def test_a_10mb_single_line_hcl_string_is_refused(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "' + "a" * 10_000_000 + '"\n}\n')
    result = run_cli(["check", str(tmp_path)])
    check_closed(result, loadable=False)
    assert "HCL file is 9.5 MiB, over the 8 MiB size limit" in result.stderr


@pytest.mark.slow
def test_a_50mb_heredoc_is_refused(tmp_path):
    with (tmp_path / "main.tf").open("w") as fh:
        fh.write('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  tags = { a = <<EOT\n')
        line = "x" * 99 + "\n"
        for _ in range(500_000):
            fh.write(line)
        fh.write("EOT\n  }\n}\n")
    _one_error_line(_bounded(["check", str(tmp_path)], memory=2 * GiB, timeout=300), "over the 8 MiB size limit")


@pytest.mark.slow
def test_a_plan_over_the_limit_on_stdin_is_refused_after_the_limit(tmp_path):
    """300 MB through a pipe against a 64 MiB limit: the process never holds much more than the limit."""
    proc = subprocess.Popen([sys.executable, "-c",
                             "import sys\nchunk = b' ' * (1 << 20)\n"
                             "sys.stdout.buffer.write(b'{\"format_version\": \"1.2\", \"x\": \"')\n"
                             "try:\n    [sys.stdout.buffer.write(chunk) for _ in range(300)]\n"
                             "except BrokenPipeError:\n    pass\n"], stdout=subprocess.PIPE)
    try:
        result = _bounded(["check", "-"], memory=1 * GiB, timeout=300, stdin=proc.stdout,
                          env={"AUDITGATE_MAX_INPUT_SIZE": "64M"})
    finally:
        proc.stdout.close()
        proc.kill()
        proc.wait()
    _one_error_line(result, "standard input is over the 64 MiB size limit")


@pytest.mark.slow
def test_a_10mb_single_line_hcl_string_read_without_the_limit(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "' + "a" * 10_000_000 + '"\n}\n')
    proc = _bounded(["check", str(tmp_path), "--format", "json", "--no-cache"], memory=6 * GiB, timeout=600,
                    env={"AUDITGATE_MAX_HCL_SIZE": "0"})
    assert proc.returncode == 1, proc.stderr.decode()[-2000:]
    assert json.loads(proc.stdout)["findings"]


@pytest.mark.slow
def test_100000_resources_of_one_type_in_hcl(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  count  = 100000\n'
                                      '  bucket = "b-${count.index}"\n}\n')
    proc = _bounded(["check", str(tmp_path), "--format", "json", "--no-cache"], memory=4 * GiB, timeout=900)
    assert proc.returncode == 1, proc.stderr.decode()[-2000:]
    doc = json.loads(proc.stdout)
    assert doc["findings"]


def _plan_of_buckets(n: int) -> dict:
    changes, planned = [], []
    for i in range(n):
        after = {"bucket": f"b-{i}", "force_destroy": False, "tags": {"i": str(i)}}
        changes.append({"address": f"aws_s3_bucket.b[{i}]", "mode": "managed", "type": "aws_s3_bucket",
                        "name": "b", "index": i, "provider_name": "registry.terraform.io/hashicorp/aws",
                        "change": {"actions": ["create"], "before": None, "after": after,
                                   "after_unknown": {"id": True, "arn": True}, "before_sensitive": False,
                                   "after_sensitive": {"tags": {}}}})
        planned.append({"address": f"aws_s3_bucket.b[{i}]", "mode": "managed", "type": "aws_s3_bucket",
                        "name": "b", "index": i, "provider_name": "registry.terraform.io/hashicorp/aws",
                        "schema_version": 0, "values": after, "sensitive_values": {"tags": {}}})
    return {"format_version": "1.2", "terraform_version": "1.11.0", "resource_changes": changes,
            "planned_values": {"root_module": {"resources": planned}}, "complete": True, "errored": False}


@pytest.mark.slow
def test_100000_resources_of_one_type_in_a_plan(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(_plan_of_buckets(100_000)))
    proc = _bounded(["check", str(plan), "--format", "json"], memory=6 * GiB, timeout=900)
    assert proc.returncode == 1, proc.stderr.decode()[-2000:]
    assert json.loads(proc.stdout)["findings"]


@pytest.mark.slow
def test_a_for_expression_of_a_million_elements(tmp_path):
    """Two nested for-expressions over range(1000): past the budget of iterations the value is
    unknown, and the run says so and ends."""
    (tmp_path / "main.tf").write_text(
        'locals {\n  xs = flatten([for i in range(1000) : [for j in range(1000) : i * j]])\n}\n'
        'resource "aws_s3_bucket" "b" {\n  bucket = "b-${length(local.xs)}"\n}\n')
    proc = _bounded(["check", str(tmp_path), "--no-cache"], memory=4 * GiB, timeout=600)
    assert proc.returncode == 1, proc.stderr.decode()[-2000:]
    assert "for-expressions iterate over more than 500,000 elements" in proc.stderr.decode()
