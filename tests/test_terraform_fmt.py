"""``terraform fmt`` finds nothing to change under modules/ and terraform/."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TF_ROOTS = ("modules", "terraform")

pytestmark = pytest.mark.terraform  # must run where terraform is (AUDITGATE_REQUIRE_TERRAFORM=1 on CI)


@pytest.mark.parametrize("folder", TF_ROOTS)
def test_terraform_fmt_is_clean(folder: str):
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("terraform is not on PATH")
    if not (REPO / folder).is_dir():
        pytest.skip(f"{folder}/ does not exist")
    # fmt needs no provider, state or CLI configuration.
    env = dict(os.environ, TF_CLI_CONFIG_FILE=os.devnull, TF_IN_AUTOMATION="1")
    result = subprocess.run([terraform, "fmt", "-check", "-recursive", "-diff", "-no-color", folder],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"terraform fmt would change {folder}/:\n{result.stdout}{result.stderr}"
