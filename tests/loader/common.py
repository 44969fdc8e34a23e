"""Helpers of the HCL-loader idiom tests: write a root, load and lint it, read input errors, run the CLI."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lint_rules.engine import evaluate, get_rule
from lint_rules.errors import InputError
from lint_rules.loaders.hcl import load_hcl_dir

from ..helpers import POLICY, lint_plan, verdicts  # noqa: F401 - re-exported for the tests
from ..planbuilder import PlanBuilder  # noqa: F401 - re-exported for the tests


def write(root: Path, files: dict[str, str] | str) -> Path:
    if isinstance(files, str):
        files = {"main.tf": files}
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))
    return root


def lint(tmp_path: Path, files, rule: str | None = None, **kwargs):
    model = load_hcl_dir(write(tmp_path, files), **kwargs)
    rules = [get_rule(rule)] if rule else None
    return model, evaluate(model, POLICY, rules=rules)


def load_error(tmp_path: Path, files, **kwargs) -> str:
    with pytest.raises(InputError) as info:
        load_hcl_dir(write(tmp_path, files), **kwargs)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def cli(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lint_rules.cli", *map(str, args)], capture_output=True,
                          text=True, timeout=120, cwd=cwd)
