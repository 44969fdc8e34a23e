"""pre-commit: the hook manifest other repositories use and this repository's own configuration are
valid for pre-commit itself, the hook checks each affected root once (a change in a module checks the
roots that call it), and `pre-commit try-repo` blocks a non-compliant change and passes a compliant one."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lint_rules.cli import main
from lint_rules.roots import affected_roots

from .helpers import REPO

needs_pre_commit = pytest.mark.skipif(importlib.util.find_spec("pre_commit") is None,
                                      reason="pre-commit is not installed (pip install -e '.[dev]')")


def pre_commit(*args, cwd=REPO, env=None, timeout=600):
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env)


@needs_pre_commit
def test_hook_manifest_is_valid():
    proc = pre_commit("validate-manifest", ".pre-commit-hooks.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@needs_pre_commit
def test_this_repositorys_config_is_valid_and_names_its_hooks():
    proc = pre_commit("validate-config", ".pre-commit-config.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    import yaml

    hooks = {h["id"]: h for repo in yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())["repos"]
             for h in repo["hooks"]}
    assert hooks["terraform-fmt"]["entry"].startswith("terraform fmt -check")
    assert hooks["auditgate-baseline"]["entry"] == "auditgate check"


# --- which roots a change affects ------------------------------------------------------------------
def tree(base: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return base


PROVIDER = 'provider "aws" {\n  region = "us-east-1"\n}\n'
LAYOUT = {
    "envs/prod/main.tf": PROVIDER + 'module "logging" {\n  source = "../../modules/logging"\n}\n',
    "envs/stage/main.tf": 'terraform {\n  backend "s3" {}\n}\nmodule "logging" {\n'
                          '  source = "../../modules/logging"\n}\n',
    "envs/json/main.tf.json": '{"provider": {"aws": {"region": "eu-west-1"}}, '
                              '"module": {"kms": {"source": "../../modules/kms"}}}',
    "modules/logging/main.tf": 'module "kms" {\n  source = "../kms"\n}\nmodule "remote" {\n'
                               '  source = "terraform-aws-modules/kms/aws"\n}\n',
    "modules/kms/main.tf": 'resource "aws_kms_key" "this" {}\n',
    "modules/unused/main.tf": 'resource "aws_s3_bucket" "b" {}\n',
    "examples/bad/main.tf": PROVIDER + 'module "kms" {\n  source = "../../modules/kms"\n}\n',
    "README.md": "docs\n",
}


@pytest.fixture
def layout(tmp_path):
    return tree(tmp_path, LAYOUT)


@pytest.mark.parametrize("changed, roots", [
    (["envs/prod/main.tf"], ["envs/prod"]),
    (["modules/logging/main.tf"], ["envs/prod", "envs/stage"]),
    (["modules/kms/main.tf"], ["envs/json", "envs/prod", "envs/stage", "examples/bad"]),
    (["modules/kms/main.tf", "envs/prod/main.tf", "modules/logging/main.tf"],
     ["envs/json", "envs/prod", "envs/stage", "examples/bad"]),
    (["README.md"], []),
])
def test_changed_files_map_to_each_affected_root_once(layout, changed, roots):
    assert affected_roots(changed, top=layout).roots == roots


def test_exclude_and_explicit_roots(layout):
    assert affected_roots(["modules/kms/main.tf"], top=layout, exclude=["examples/*"]).roots == \
        ["envs/json", "envs/prod", "envs/stage"]
    assert affected_roots(["modules/kms/main.tf"], top=layout, root_globs=["envs/prod"]).roots == ["envs/prod"]


def test_a_module_no_root_calls_is_named_in_a_note(layout):
    result = affected_roots(["modules/unused/main.tf"], top=layout)
    assert result.roots == [] and "modules/unused: not a root module" in result.notes[0]


def test_hook_command_checks_the_affected_roots(tmp_path, monkeypatch, capsys):
    trail = ('resource "aws_cloudtrail" "this" {\n  name = "t"\n  s3_bucket_name = "logs"\n'
             '  enable_log_file_validation = false\n}\n')
    tree(tmp_path, {"live/a/main.tf": PROVIDER + 'module "t" {\n  source = "../../modules/trail"\n}\n',
                    "live/b/main.tf": PROVIDER + trail.replace("false", "true"), "modules/trail/main.tf": trail})
    monkeypatch.chdir(tmp_path)
    code = main(["hook", "--no-config", "--select", "CT-006", "modules/trail/main.tf"])
    out = capsys.readouterr().out
    assert code == 1 and "CT-006 FAIL module.t.aws_cloudtrail.this" in out and "live/b" not in out
    assert main(["hook", "--no-config", "--select", "CT-006", "live/b/main.tf"]) == 0
    assert main(["hook", "--no-config", "--select", "CT-006", "README.md"]) == 0
    assert "no Terraform root module is affected" in capsys.readouterr().out


# --- pre-commit itself, end to end -----------------------------------------------------------------
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.test", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.test", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV},
                   timeout=120)


def snapshot_of_this_checkout(dest: Path) -> Path:
    """This checkout as it is now (uncommitted work included), committed in a repository of its own,
    so pre-commit installs exactly the code under test, once."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        src = REPO / name
        if src.is_file() and not name.startswith(("tests/", "bench/")):
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "snapshot")
    return dest


TRAIL_MODULE = '''variable "validation" {
  type    = bool
  default = true
}

resource "aws_cloudtrail" "this" {
  name                       = "org-trail"
  s3_bucket_name             = "org-trail-logs"
  is_multi_region_trail      = true
  enable_log_file_validation = var.validation
}
'''


@pytest.mark.slow
@needs_pre_commit
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not on PATH")
def test_try_repo_blocks_a_noncompliant_change_and_passes_a_compliant_one(tmp_path):
    hook_repo = snapshot_of_this_checkout(tmp_path / "auditgate")
    work = tree(tmp_path / "infra", {
        "live/prod/main.tf": PROVIDER + 'module "trail" {\n  source = "../../modules/trail"\n}\n',
        "modules/trail/main.tf": TRAIL_MODULE,
        ".auditgate.toml": 'select = ["CT-006"]\n',
    })
    git(work, "init", "-q")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "init")
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PRE_COMMIT_COLOR": "never"}

    # a compliant change inside the module: the root that calls it is checked and passes
    (work / "modules/trail/main.tf").write_text(TRAIL_MODULE.replace('"org-trail"', '"org-audit-trail"'))
    git(work, "add", "-A")
    ok = pre_commit("try-repo", str(hook_repo), "auditgate", "--verbose", cwd=work, env=env)
    assert ok.returncode == 0, ok.stdout[-4000:] + ok.stderr[-2000:]
    assert "Passed" in ok.stdout and "0 fail" in ok.stdout

    # a non-compliant one: blocked, with the finding in the output
    (work / "modules/trail/main.tf").write_text(TRAIL_MODULE.replace("default = true", "default = false"))
    git(work, "add", "-A")
    blocked = pre_commit("try-repo", str(hook_repo), "auditgate", "--verbose", cwd=work, env=env)
    assert blocked.returncode == 1, blocked.stdout[-4000:] + blocked.stderr[-2000:]
    assert "Failed" in blocked.stdout
    assert "CT-006 FAIL module.trail.aws_cloudtrail.this" in blocked.stdout
    assert "modules/trail/main.tf:6" in blocked.stdout
