"""Start-up: what each command imports (in a fresh interpreter, as a user's shell starts it).

``auditgate --version`` and ``auditgate rules`` must not load the HCL parser (python-hcl2, lark)
nor the rules' helpers; a run on a plan never loads python-hcl2.  Not timed (bench/ measures the
seconds): it reads ``sys.modules`` after the command.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .helpers import REPO

PLAN = REPO / "tests" / "fixtures" / "plans" / "nvs.json"
HCL_PARSER = ("hcl2", "lark")
RULE_HELPERS = ("lint_rules.rules",)  # the rule modules and their helpers (lint_rules.rules._grants, ...)
HEAVY = ("jsonschema", "yaml", "phonenumbers", "stdnum")

PROBE = """
import contextlib, io, json, sys
from lint_rules.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def run(args, cache_dir, cwd=REPO):
    env = dict(os.environ, AUDITGATE_CACHE_DIR=str(cache_dir))
    env.pop("AUDITGATE_NO_CACHE", None)
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def loaded(result, prefixes) -> list[str]:
    return [m for m in result["modules"] if m.split(".")[0] in prefixes or m.startswith(prefixes)]


def test_version_imports_neither_parser_nor_rules(tmp_path):
    result = run(["--version"], tmp_path)
    assert result["code"] == 0
    assert loaded(result, HCL_PARSER + RULE_HELPERS + HEAVY) == []


def test_rules_listing_imports_no_parser_and_no_rule_helpers_once_catalogued(tmp_path):
    first = run(["rules", "--format", "json"], tmp_path)  # an install's first listing imports the rules
    assert loaded(first, HCL_PARSER) == []
    second = run(["rules", "--format", "json"], tmp_path)
    assert second["out"] == first["out"]
    assert json.loads(second["out"])["rules"]
    assert loaded(second, HCL_PARSER + RULE_HELPERS) == []
    text = run(["rules"], tmp_path)
    assert "CT-001" in text["out"] and loaded(text, HCL_PARSER + RULE_HELPERS) == []
    explain = run(["explain", "CT-001"], tmp_path)
    assert "How to fix:" in explain["out"] and loaded(explain, HCL_PARSER + RULE_HELPERS) == []


def test_rules_listing_without_cache_is_the_same(tmp_path):
    cached = run(["rules", "--format", "json"], tmp_path)["out"]
    env = dict(os.environ, AUDITGATE_NO_CACHE="1")
    fresh = subprocess.run([sys.executable, "-m", "lint_rules.cli", "rules", "--format", "json"],
                           capture_output=True, text=True, env=env, cwd=REPO, timeout=300)
    assert fresh.stdout == cached


def test_a_plan_run_never_loads_python_hcl2(tmp_path):
    result = run(["check", str(PLAN)], tmp_path, cwd=tmp_path)
    assert result["code"] == 0, result["out"]
    assert loaded(result, HCL_PARSER) == []


@pytest.mark.parametrize("root", ["terraform/nvs"])
def test_an_unchanged_hcl_tree_is_not_parsed_again(tmp_path, root):
    first = run(["check", str(REPO / root)], tmp_path)
    assert first["code"] == 0 and "hcl2" in first["modules"]
    again = run(["check", str(REPO / root)], tmp_path)
    assert again["out"] == first["out"]
    assert "hcl2" not in again["modules"]  # every file came from the parse cache
