"""The PR workflow and the composite action: valid against GitHub's schemas (vendored in
check-jsonschema, so this runs offline), doing the steps the README promises, and calling auditgate and
pytest only with options that exist."""
from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lint_rules.cli import build_parser

from .helpers import REPO

WORKFLOW = REPO / ".github" / "workflows" / "auditgate.yml"
ACTION = REPO / "action.yml"


def check_jsonschema() -> str:
    exe = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    if not Path(exe).exists():
        pytest.skip("check-jsonschema is not installed (pip install -e '.[dev]')")
    return exe


@pytest.mark.parametrize("path, schema", [(WORKFLOW, "vendor.github-workflows"), (ACTION, "vendor.github-actions")])
def test_valid_against_githubs_schema(path, schema):
    proc = subprocess.run([check_jsonschema(), "--builtin-schema", schema, str(path)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def steps(doc: dict) -> list[dict]:
    if "jobs" in doc:
        (job,) = doc["jobs"].values()
        return job["steps"]
    return doc["runs"]["steps"]


def commands(script: str, program: str) -> list[list[str]]:
    """Each ``program ...`` command in a shell script, as argv (GitHub expressions and shell variables
    replaced by placeholders, continuation lines joined, pipes and redirections cut off)."""
    script = re.sub(r"\$\{\{[^}]*\}\}", "X", script).replace("\\\n", " ")
    # the action's argument array, with every optional flag it may add
    script = script.replace('"${args[@]}"', "check plan.json --unknown fail --tf-dir X --policy X --select CT "
                                            "--skip CT-004")
    script = re.sub(r"\$\{?[A-Za-z_]\w*\}?", "X", script)
    out = []
    for line in script.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        words, command = list(lexer), []
        for word in words + [";"]:
            if word and set(word) <= set("|&;<>()"):
                if command and command[0] == program:
                    out.append(command[1:])
                command = [] if word != ">" and word != ">>" else ["<redirect>"]
            elif command != ["<redirect>"]:
                command.append(word)
            else:
                command = ["<after-redirect>"]
    return out


def test_workflow_runs_each_account_root_through_the_whole_gate():
    doc = load(WORKFLOW)
    (job,) = doc["jobs"].values()
    roots = [m["root"] for m in job["strategy"]["matrix"]["include"]]
    assert roots == ["terraform/nvs", "terraform/nhc"]
    assert all((REPO / r / "main.tf").is_file() for r in roots)
    runs = [s.get("run", "") for s in steps(doc)]
    script = "\n".join(runs)
    for needle in ("terraform fmt -check", "terraform init", "terraform validate", "terraform plan",
                   "-out=tfplan", "terraform show -json tfplan | pytest", "--tfplan -", "--junitxml=",
                   "--format sarif", "--format markdown", "GITHUB_STEP_SUMMARY"):
        assert needle in script, needle
    uses = [s.get("uses", "") for s in steps(doc)]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    assert job["permissions"]["security-events"] == "write"


def test_reports_are_made_even_when_the_test_step_fails():
    names = [s.get("id") or s.get("name") for s in steps(load(WORKFLOW))]
    after = steps(load(WORKFLOW))[names.index("pytest") + 1:]
    assert after and all("!cancelled()" in str(s.get("if", "")) for s in after)


@pytest.mark.parametrize("path", [WORKFLOW, ACTION])
def test_every_auditgate_command_has_options_that_exist(path):
    parser = build_parser()
    found = 0
    for step in steps(load(path)):
        for argv in commands(step.get("run", ""), "auditgate"):
            found += 1
            try:
                parser.parse_args(argv)
            except SystemExit as exc:
                pytest.fail(f"{path.name}: `auditgate {' '.join(argv)}` does not parse ({exc})")
    assert found >= 2


def test_pytest_options_in_the_workflow_exist():
    from lint_rules import pytest_plugin

    argvs = [a for s in steps(load(WORKFLOW)) for a in commands(s.get("run", ""), "pytest")]
    assert argvs
    ours = set()

    class Group:
        def addoption(self, *names, **_):
            ours.update(names)

    class Parser:
        def getgroup(self, *_):
            return Group()

    pytest_plugin.pytest_addoption(Parser())
    for argv in argvs:
        for word in argv:
            if word.startswith("--") and word.split("=")[0] not in {"--junitxml"}:
                assert word.split("=")[0] in ours, word


def test_action_inputs_are_all_used_and_passed_through_the_environment():
    doc = load(ACTION)
    text = ACTION.read_text()
    for name in doc["inputs"]:
        assert f"inputs.{name}" in text, name
    for step in steps(doc):
        assert "${{ inputs." not in step.get("run", ""), "inputs reach scripts through env, never inline"
