"""The reuse of a Terraform directory's model and findings between runs (lint_rules/runcache.py).

A second run on an unchanged tree must give the very same report without loading or checking
anything again; a change to any input of the verdict -- a module's file, a root file, a new
tfvars file, a ``--var-file``'s content, ``--var``, the policy file, ``modules.json``, a file read
by ``file()``, today's date against an exception's expiry -- must be seen by the very next run.
Each run here is in-process with the cache's memory cleared first (as a new process has it)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from lint_rules import cache
from lint_rules.cli import main
from lint_rules.engine import AREA_ORDER
from lint_rules.loaders import observed

from .helpers import damage_entry

MAIN_TF = '''
variable "multi" {
  type    = bool
  default = true
}

module "trail" {
  source = "./modules/trail"
  multi  = var.multi
}

module "registry" {
  source = "acme/trail/aws"
}
'''

TRAIL_TF = '''
variable "multi" {
  type    = bool
  default = true
}

resource "aws_cloudtrail" "%(name)s" {
  name                          = "%(name)s"
  s3_bucket_name                = "acme-trail"
  include_global_service_events = true
  is_multi_region_trail         = var.multi && trimspace(file("${path.module}/flag.txt")) == "on"
}
'''


def _manifest(dir_name: str) -> str:
    return json.dumps({"Modules": [
        {"Key": "", "Source": "", "Dir": "."},
        {"Key": "registry", "Source": "registry.terraform.io/acme/trail/aws", "Version": "1.0.0",
         "Dir": f".terraform/modules/{dir_name}"}]})


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A compliant root: a local module and a downloaded registry module, each with a trail
    whose multi-region flag comes from a variable and from a file read by file()."""
    root = tmp_path / "root"
    local = root / "modules" / "trail"
    local.mkdir(parents=True)
    (root / "main.tf").write_text(MAIN_TF)
    (local / "main.tf").write_text(TRAIL_TF % {"name": "local"})
    (local / "flag.txt").write_text("on\n")
    for name in ("registry", "registry_v2"):
        downloaded = root / ".terraform" / "modules" / name
        downloaded.mkdir(parents=True)
        (downloaded / "main.tf").write_text(TRAIL_TF % {"name": "registry"})
        (downloaded / "flag.txt").write_text("on\n")
    (root / ".terraform" / "modules" / "modules.json").write_text(_manifest("registry"))
    return root


def run(tmp_path: Path, *args: str) -> tuple[int, bytes]:
    """One ``auditgate check --format json`` as a new process would run it: (exit code, report)."""
    out = tmp_path / "report.json"
    if out.exists():
        out.unlink()
    cache.reset()
    code = main(["check", "--no-config", "--select", "CT-001", "--format", "json", "--output", str(out), *args])
    return code, out.read_bytes()


def statuses(report: bytes) -> list[tuple[str, str]]:
    return sorted((f["resource"], f["status"]) for f in json.loads(report)["findings"])


class _Loaded(Exception):
    pass


def forbid_work(monkeypatch) -> None:
    """From here on, loading a directory or running a rule is an error."""
    import lint_rules.engine
    import lint_rules.loaders

    def refuse(*args, **kwargs):
        raise _Loaded("the directory was loaded or checked again")

    monkeypatch.setattr(lint_rules.loaders, "load_path", refuse)
    monkeypatch.setattr(lint_rules.engine, "evaluate", refuse)


def test_an_unchanged_tree_is_answered_from_the_cache_byte_for_byte(tree, tmp_path, cache_dir, monkeypatch):
    code, first = run(tmp_path, str(tree))
    assert code == 0 and ("module.trail.aws_cloudtrail.local", "pass") in statuses(first)
    forbid_work(monkeypatch)
    code2, second = run(tmp_path, str(tree))
    assert (code2, second) == (code, first)
    assert {"hcl-inputs", "hcl-findings"} <= {p.name for p in cache_dir.iterdir()}


def test_the_cached_run_equals_a_run_without_the_cache(tree, tmp_path, cache_dir):
    run(tmp_path, str(tree))
    cached = run(tmp_path, str(tree))
    assert run(tmp_path, str(tree), "--no-cache") == cached


def _fail(tree: Path, change: str, tmp_path: Path) -> list[str]:
    """Make one change that turns the compliant tree non-compliant; the extra arguments it needs."""
    local = tree / "modules" / "trail"
    if change == "module file":
        (local / "main.tf").write_text((TRAIL_TF % {"name": "local"}).replace("var.multi &&", "false &&"))
    elif change == "root file":
        (tree / "main.tf").write_text(MAIN_TF.replace("default = true", "default = false"))
    elif change == "new tfvars file":
        (tree / "terraform.tfvars").write_text("multi = false\n")
    elif change == "file() argument":
        (local / "flag.txt").write_text("off\n")
    elif change == "new file in a module":
        (local / "override.tf").write_text('resource "aws_cloudtrail" "local" {\n  is_multi_region_trail = false\n}\n')
    elif change == "modules.json":
        (tree / ".terraform" / "modules" / "registry_v2" / "flag.txt").write_text("off\n")
        (tree / ".terraform" / "modules" / "modules.json").write_text(_manifest("registry_v2"))
    elif change == "downloaded module file":
        (tree / ".terraform" / "modules" / "registry" / "flag.txt").write_text("off\n")
    else:
        raise AssertionError(change)
    return []


CHANGES = ["module file", "root file", "new tfvars file", "file() argument", "new file in a module",
           "modules.json", "downloaded module file"]


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_any_input_is_seen_by_the_next_run(tree, tmp_path, cache_dir, change):
    code, _ = run(tmp_path, str(tree))
    assert code == 0
    assert run(tmp_path, str(tree))[0] == 0  # from the cache
    _fail(tree, change, tmp_path)
    code, report = run(tmp_path, str(tree))
    assert code == 1, change
    assert "fail" in {status for _, status in statuses(report)}
    # and what the next run reuses is the new verdict
    assert run(tmp_path, str(tree)) == (code, report) == run(tmp_path, str(tree), "--no-cache")


def test_entries_are_replaced_not_piled_up(tree, tmp_path, cache_dir):
    run(tmp_path, str(tree))
    counts = {kind: len(list((cache_dir / kind).rglob("*.pickle"))) for kind in ("hcl-inputs", "hcl-findings")}
    for change in ("module file", "file() argument", "root file"):
        _fail(tree, change, tmp_path)
        run(tmp_path, str(tree))
    assert counts == {kind: len(list((cache_dir / kind).rglob("*.pickle"))) for kind in counts} == \
        {"hcl-inputs": 1, "hcl-findings": 1}


@pytest.mark.parametrize("root", ["terraform/examples/noncompliant", "terraform/nvs"])
def test_findings_of_a_cached_model_equal_those_of_a_fresh_one(root, tmp_path, cache_dir, monkeypatch):
    """When only the rules' side changed (here: the findings thrown away), the rules run on the
    model read back from the cache: they must find exactly what they find on a freshly loaded one."""
    import shutil

    from .helpers import REPO

    monkeypatch.chdir(REPO)
    args = ("--select", ",".join(AREA_ORDER), root)  # every rule
    fresh = run(tmp_path, *args, "--no-cache")
    run(tmp_path, *args)
    # the model was kept (a model that cannot be pickled is silently not cached: every run slow)
    assert len(list((cache_dir / "hcl-inputs").rglob("*.pickle"))) == 1
    shutil.rmtree(cache_dir / "hcl-findings")
    assert run(tmp_path, *args) == fresh


def test_a_model_holding_sensitive_values_is_not_written(tree, tmp_path, cache_dir):
    secret = "hunter2-very-secret"
    (tree / "secret.tf").write_text('variable "token" {\n  type      = string\n  sensitive = true\n}\n\n'
                                    'resource "aws_ssm_parameter" "token" {\n  name  = "t"\n  type  = "SecureString"\n'
                                    '  value = var.token\n}\n')
    first = run(tmp_path, str(tree), "--var", f"token={secret}")
    assert run(tmp_path, str(tree), "--var", f"token={secret}") == first
    assert not (cache_dir / "hcl-inputs").exists() and not (cache_dir / "hcl-findings").exists()
    for entry in cache_dir.rglob("*.pickle"):
        assert secret.encode() not in entry.read_bytes(), entry


def test_a_var_file_whose_content_changes(tree, tmp_path, cache_dir):
    var_file = tmp_path / "ci.tfvars"
    var_file.write_text("multi = true\n")
    assert run(tmp_path, str(tree), "--var-file", str(var_file))[0] == 0
    assert run(tmp_path, str(tree), "--var-file", str(var_file))[0] == 0
    var_file.write_text("multi = false\n")
    assert run(tmp_path, str(tree), "--var-file", str(var_file))[0] == 1


def test_a_var_value(tree, tmp_path, cache_dir):
    assert run(tmp_path, str(tree), "--var", "multi=true")[0] == 0
    assert run(tmp_path, str(tree), "--var", "multi=true")[0] == 0
    assert run(tmp_path, str(tree), "--var", "multi=false")[0] == 1
    assert run(tmp_path, str(tree))[0] == 0


def test_the_policy_file_edited_in_place(tree, tmp_path, cache_dir):
    from lint_rules.policy import load_policy

    data = dict(load_policy().data)
    policy = tmp_path / "policy.yaml"
    policy.write_text(json.dumps(data))  # JSON is YAML
    _fail(tree, "root file", tmp_path)
    assert run(tmp_path, str(tree), "--policy", str(policy))[0] == 1
    assert run(tmp_path, str(tree), "--policy", str(policy))[0] == 1
    data["suppressions"] = [{"rule": "CT-001", "reason": "single-region by design, see ADR-7"}]
    policy.write_text(json.dumps(data))
    code, report = run(tmp_path, str(tree), "--policy", str(policy))
    assert code == 0 and ("module.trail.aws_cloudtrail.local", "suppressed") in statuses(report)


def test_an_exception_expires_between_two_runs(tree, tmp_path, cache_dir, monkeypatch):
    import datetime

    import lint_rules.suppressions

    (tree / "main.tf").write_text(MAIN_TF.replace("default = true", "default = false"))
    policy = tmp_path / "policy.yaml"
    from lint_rules.policy import load_policy

    data = dict(load_policy().data)
    data["suppressions"] = [{"rule": "CT-001", "reason": "until the migration", "expires": "2030-01-01"}]
    policy.write_text(json.dumps(data))  # JSON is YAML
    monkeypatch.setattr(lint_rules.suppressions, "today_utc", lambda: datetime.date(2029, 12, 31))
    assert run(tmp_path, str(tree), "--policy", str(policy))[0] == 0
    monkeypatch.setattr(lint_rules.suppressions, "today_utc", lambda: datetime.date(2030, 1, 2))
    assert run(tmp_path, str(tree), "--policy", str(policy))[0] == 1


def test_select_and_skip_are_part_of_the_key(tree, tmp_path, cache_dir):
    _fail(tree, "root file", tmp_path)
    assert run(tmp_path, str(tree))[0] == 1
    assert run(tmp_path, str(tree), "--skip", "CT-001")[0] == 0


def test_no_cache_reads_and_writes_nothing(tree, tmp_path, cache_dir, monkeypatch):
    run(tmp_path, str(tree))
    before = sorted(p for p in cache_dir.rglob("*") if p.is_file())
    _fail(tree, "module file", tmp_path)

    def no_disk(*args, **kwargs):
        raise AssertionError("the cache directory was used")

    monkeypatch.setattr(cache, "_path", no_disk)  # every read and write of an entry asks it where
    code, _ = run(tmp_path, str(tree), "--no-cache")
    assert code == 1
    assert sorted(p for p in cache_dir.rglob("*") if p.is_file()) == before


@pytest.mark.parametrize("kind", ["hcl-inputs", "hcl-findings"])
@pytest.mark.parametrize("damage", ["garbage", "truncate", "flip"])
def test_a_corrupt_entry_is_a_miss(tree, tmp_path, cache_dir, kind, damage):
    expected = run(tmp_path, str(tree))
    for entry in (cache_dir / kind).rglob("*.pickle"):
        damage_entry(entry, damage)
    assert run(tmp_path, str(tree)) == expected
    assert run(tmp_path, str(tree)) == expected


def test_a_well_formed_entry_of_the_wrong_shape_is_a_miss(tree, tmp_path, cache_dir):
    expected = run(tmp_path, str(tree))
    for kind in ("hcl-inputs", "hcl-findings"):  # the right checksum, the wrong contents
        for entry in (cache_dir / kind).rglob("*.pickle"):
            cache.store(kind, entry.stem, ["not", "an", "entry"])
    assert run(tmp_path, str(tree)) == expected


def test_a_module_directory_that_appears_is_followed(tree, tmp_path, cache_dir):
    (tree / "main.tf").write_text(MAIN_TF + '\nmodule "later" {\n  source = "./modules/later"\n}\n')
    code, first = run(tmp_path, str(tree))
    assert "module.later.aws_cloudtrail.later" not in first.decode()
    later = tree / "modules" / "later"
    later.mkdir()
    (later / "main.tf").write_text(TRAIL_TF % {"name": "later"})
    (later / "flag.txt").write_text("on\n")
    assert "module.later.aws_cloudtrail.later" in run(tmp_path, str(tree))[1].decode()


def test_the_same_relative_path_from_another_directory(tree, tmp_path, cache_dir, monkeypatch):
    """``auditgate check root`` in two places is two inputs: relative paths are read where it runs."""
    import shutil

    monkeypatch.chdir(tree.parent)
    assert run(tmp_path, "root")[0] == 0
    other = tmp_path / "elsewhere"
    other.mkdir()
    shutil.copytree(tree, other / "root")
    _fail(other / "root", "file() argument", tmp_path)
    monkeypatch.chdir(other)
    assert run(tmp_path, "root")[0] == 1
    monkeypatch.chdir(tree.parent)
    assert run(tmp_path, "root")[0] == 0


def _audited_load(root: Path, watched: list[Path], **kwargs):
    """Load ``root`` (no parse cache: every file is read) while noting both what the loader
    observes and, through an audit hook, every file opened and directory listed under ``watched``."""
    from lint_rules.loaders import load_path
    from lint_rules.loaders.hcl import load_hcl_dir  # noqa: F401  (imported now: imports list directories)

    events: list[tuple[str, str]] = []
    active = [True]
    prefixes = tuple(str(w) + os.sep for w in watched)

    def hook(event, args):
        if active[0] and event in ("open", "os.listdir", "os.scandir") and args \
                and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.path.abspath(os.fsdecode(args[0]))
            if (path + os.sep).startswith(prefixes):
                events.append((event, path))

    sys.addaudithook(hook)  # cannot be removed: inert once the load is done
    try:
        cache.reset()
        cache.disable()
        with observed.recording() as seen:
            model = load_path(str(root), find_source=True, **kwargs)
    finally:
        active[0] = False
        cache.reset()
    files = {os.path.abspath(arg) for (probe, arg) in seen if probe == "sha256"}
    dirs = {os.path.abspath(arg) for (probe, arg) in seen if probe == "listdir"}
    opened = {p for e, p in events if e == "open"}
    listed = {p for e, p in events if e != "open"}
    return model, files, dirs, opened, listed


def test_every_file_a_load_opens_or_lists_is_observed(tree, tmp_path, cache_dir):
    """The completeness of lint_rules.loaders.observed: whatever the loader reads (files opened,
    directories listed) is among what a cached load checks again."""
    (tree / "terraform.tfvars").write_text("multi = true\n")
    var_file = tmp_path / "ci.tfvars"
    var_file.write_text("multi = true\n")
    model, files, dirs, opened, listed = _audited_load(tree, [tree, var_file.parent / "ci.tfvars"],
                                                       var_files=[str(var_file)], variables={"multi": "true"})
    assert model.resources
    assert opened and opened <= files, opened - files
    assert listed and listed <= dirs, listed - dirs
    for path in (tree / "main.tf", var_file, tree / "terraform.tfvars", tree / "modules" / "trail" / "flag.txt",
                 tree / ".terraform" / "modules" / "modules.json", tree / ".terraform" / "modules" / "registry" / "main.tf"):
        assert str(path) in files


@pytest.mark.parametrize("root", ["terraform/nvs", "terraform/examples/noncompliant"])
def test_every_file_the_baseline_load_reads_is_observed(root, cache_dir):
    from .helpers import REPO

    model, files, dirs, opened, listed = _audited_load(REPO / root, [REPO / "terraform", REPO / "modules"])
    assert model.resources and opened
    assert opened <= files, opened - files
    assert listed <= dirs, listed - dirs


def test_the_selected_workspace_is_part_of_what_a_cached_run_depends_on(tmp_path, cache_dir, monkeypatch):
    """terraform.workspace reads TF_WORKSPACE and .terraform/environment: a workspace selected after a
    cached run (either way) is seen by the next run."""
    monkeypatch.delenv("TF_WORKSPACE", raising=False)
    monkeypatch.delenv("TF_DATA_DIR", raising=False)
    root = tmp_path / "ws"
    root.mkdir()
    (root / "main.tf").write_text('resource "aws_cloudtrail" "t" {\n  name = "t"\n  s3_bucket_name = "b"\n'
                                  '  is_multi_region_trail = terraform.workspace == "default"\n}\n')
    assert run(tmp_path, str(root))[0] == 0
    assert run(tmp_path, str(root))[0] == 0  # from the cache
    (root / ".terraform").mkdir()
    (root / ".terraform" / "environment").write_text("prod")
    assert run(tmp_path, str(root))[0] == 1
    (root / ".terraform" / "environment").write_text("default")
    assert run(tmp_path, str(root))[0] == 0
    monkeypatch.setenv("TF_WORKSPACE", "nhc")
    assert run(tmp_path, str(root))[0] == 1
