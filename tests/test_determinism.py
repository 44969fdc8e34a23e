"""Determinism: the same input gives byte-identical output in every format, whatever the order of
the files on disk, the hash seed (``PYTHONHASHSEED``) or the locale.

A hash seed and a locale are fixed when a Python process starts, so each combination is one
subprocess (three in all); inside it a driver runs every report format of ``auditgate check`` (to
standard output and with ``--output``), ``auditgate logs`` and ``auditgate rules`` in-process, and
prints the SHA-256 of each output.  One of the runs also lists every directory in a different
order (``os.listdir``, ``os.scandir``, ``Path.iterdir``, ``os.walk`` reversed and rotated), as
another filesystem would.  ``SOURCE_DATE_EPOCH`` fixes the evidence reports' timestamp.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import REPO

DRIVER = r'''
import contextlib, hashlib, io, json, os, pathlib, sys

if os.environ.get("SHUFFLE_LISTINGS"):
    def _permute(items):
        items = list(items)[::-1]
        return items[1:] + items[:1] if len(items) > 2 else items
    _listdir, _scandir, _iterdir, _walk = os.listdir, os.scandir, pathlib.Path.iterdir, os.walk
    os.listdir = lambda *a: _permute(_listdir(*a))
    class _Scan:
        def __init__(self, it): self._it, self._items = it, _permute(it)
        def __iter__(self): return iter(self._items)
        def __enter__(self): return self
        def __exit__(self, *exc): self._it.close()
        def close(self): self._it.close()
    os.scandir = lambda *a: _Scan(_scandir(*a))
    pathlib.Path.iterdir = lambda self: iter(_permute(_iterdir(self)))
    def _walk_permuted(top, *a, **k):
        for dirpath, dirnames, filenames in _walk(top, *a, **k):
            permuted = _permute(dirnames)
            dirnames[:] = permuted
            yield dirpath, dirnames, _permute(filenames)
    os.walk = _walk_permuted

from lint_rules.cli import main

cases = json.loads(sys.argv[1])
out = {}
for name, args in cases.items():
    buf, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(err):
        code = main(args)
    text = buf.getvalue() + "\x00" + err.getvalue() + "\x00" + str(code)
    if "--output" in args:
        text += "\x00" + pathlib.Path(args[args.index("--output") + 1]).read_text(encoding="utf-8")
    out[name] = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
json.dump(out, sys.stdout)
'''

FORMATS = ("text", "json", "sarif", "markdown", "html")


def _available_locale() -> str:
    """A UTF-8 locale other than C.UTF-8 when the machine has one (en_US.UTF-8, de_DE...), else POSIX."""
    try:
        names = subprocess.run(["locale", "-a"], capture_output=True, text=True, timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError):
        names = []
    for wanted in ("de_DE.utf8", "fr_FR.utf8", "en_US.utf8", "tr_TR.utf8"):
        if wanted in names:
            return wanted
    return "POSIX"


def _copy_tree(src: Path, dst: Path, reverse: bool) -> None:
    """``src`` copied to ``dst``, its files created in name order or in reverse."""
    if dst.exists():
        shutil.rmtree(dst)
    entries = sorted(src.rglob("*"), reverse=reverse)
    for path in sorted((p for p in entries if p.is_dir()), key=lambda p: len(p.parts)):
        (dst / path.relative_to(src)).mkdir(parents=True, exist_ok=True)
    dst.mkdir(parents=True, exist_ok=True)
    for path in entries:
        if path.is_file():
            target = dst / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def _cases(work: Path) -> dict[str, list[str]]:
    plan = str(work / "plan.json")
    hcl = str(work / "repo" / "terraform" / "nvs")
    example = str(work / "repo" / "terraform" / "examples" / "noncompliant")
    cases = {}
    for fmt in FORMATS:
        cases[f"plan {fmt}"] = ["check", plan, "--format", fmt, "--show-pass", "--no-cache"]
        cases[f"plan+source {fmt}"] = ["check", plan, "--tf-dir", example, "--format", fmt, "--no-cache"]
        cases[f"hcl {fmt}"] = ["check", hcl, example, "--format", fmt, "--show-pass", "--no-cache"]
        cases[f"hcl {fmt} --output"] = ["check", hcl, "--format", fmt, "--no-cache",
                                        "--output", str(work / f"out.{fmt}")]
        cases[f"logs {fmt}"] = ["logs", str(work / "logs"), "--format", fmt]
    cases["rules json"] = ["rules", "--format", "json"]
    cases["rules markdown"] = ["rules", "--format", "markdown"]
    return cases


def _prepare(work: Path, reverse: bool) -> None:
    """The same inputs, written in another order: the baseline's HCL and modules, a plan, logs."""
    _copy_tree(REPO / "modules", work / "repo" / "modules", reverse)
    _copy_tree(REPO / "terraform" / "nvs", work / "repo" / "terraform" / "nvs", reverse)
    _copy_tree(REPO / "terraform" / "examples" / "noncompliant",
               work / "repo" / "terraform" / "examples" / "noncompliant", reverse)
    shutil.copyfile(REPO / "tests" / "fixtures" / "plans" / "noncompliant.json", work / "plan.json")
    logs = work / "logs"
    if logs.exists():
        shutil.rmtree(logs)
    logs.mkdir()
    from lint_rules.applogs.contract import EVENT_TYPES, example_event

    names = [f"app-{i}.ndjson" for i in range(3)]
    for i, name in enumerate(reversed(names) if reverse else names):
        events = [dict(example_event(t, "django"), request_id=f"r{i}-{j}") for j, t in enumerate(EVENT_TYPES)]
        (logs / name).write_text("\n".join(json.dumps(e) for e in events) + "\n")


def _run(work: Path, env_extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONHASHSEED", "LANG"))}
    env.update(SOURCE_DATE_EPOCH="1796083200", AUDITGATE_NO_CACHE="1", **env_extra)
    proc = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(_cases(work))], capture_output=True,
                          cwd=work, env=env, timeout=900)
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    return json.loads(proc.stdout)


@pytest.mark.slow
def test_byte_identical_across_file_order_hash_seed_and_locale(tmp_path):
    work = tmp_path / "w"
    work.mkdir()
    _prepare(work, reverse=False)
    first = _run(work, {"PYTHONHASHSEED": "0", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "TZ": "UTC"})
    _prepare(work, reverse=True)
    second = _run(work, {"PYTHONHASHSEED": "4242", "LC_ALL": "C", "LANG": "C", "TZ": "Pacific/Kiritimati",
                         "SHUFFLE_LISTINGS": "1"})
    other = _available_locale()
    third = _run(work, {"PYTHONHASHSEED": "987654321", "LC_ALL": other, "LANG": other,
                        "TZ": "America/St_Johns"})
    assert first.keys() == second.keys() == third.keys()
    differ = sorted(k for k in first if not first[k] == second[k] == third[k])
    assert differ == [], f"output differs between runs for: {differ}"


def test_evidence_time_comes_from_source_date_epoch(monkeypatch):
    from lint_rules.report.evidence import _source_date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")
    assert _source_date().isoformat() == "2026-12-01T00:00:00+00:00"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    assert _source_date() is None
