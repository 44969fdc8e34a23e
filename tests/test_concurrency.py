"""Two runs at once (pre-commit runs a hook's batches of files in parallel) corrupt neither the
cache nor each other's output.

Four ``auditgate`` processes start together on one empty cache directory, two per input, all
writing the same ``--output`` file; then four again on the now warm cache.  Every run's report
must equal the report of a run alone without the cache, the shared ``--output`` file must be one
whole report (never two interleaved), and every cache entry must read back whole.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .helpers import REPO

CLI = [sys.executable, "-m", "lint_rules.cli"]
ROOTS = [str(REPO / "terraform" / "nvs"), str(REPO / "terraform" / "examples" / "noncompliant")]


def _env(cache_dir: Path) -> dict[str, str]:
    env = dict(os.environ, AUDITGATE_CACHE_DIR=str(cache_dir), SOURCE_DATE_EPOCH="1796083200")
    env.pop("AUDITGATE_NO_CACHE", None)
    return env


def _start(root: str, out: Path, shared: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(CLI + ["check", root, "--format", "json", "--output", str(shared)],
                            stdout=out.open("wb"), stderr=subprocess.PIPE, env=env)


@pytest.mark.slow
def test_parallel_runs_share_the_cache_and_the_output_file(tmp_path):
    cache_dir = tmp_path / "cache"
    reference = {}
    for root in ROOTS:  # alone, without the cache
        proc = subprocess.run(CLI + ["check", root, "--format", "json", "--no-cache"], capture_output=True,
                              env=_env(tmp_path / "unused"), timeout=600)
        assert proc.returncode == 1 if "noncompliant" in root else proc.returncode == 0, proc.stderr
        reference[root] = proc.stdout
    texts = {r: v.decode() for r, v in reference.items()}
    shared = tmp_path / "shared-report.json"
    for round_ in ("cold", "warm"):
        procs = []
        for i in range(4):
            root = ROOTS[i % 2]
            out = tmp_path / f"{round_}-{i}.out"
            procs.append((root, out, _start(root, out, shared, _env(cache_dir))))
        deadline = time.monotonic() + 900
        for root, out, proc in procs:
            proc.wait(timeout=max(1, deadline - time.monotonic()))
            err = proc.stderr.read().decode()
            proc.stderr.close()
            assert proc.returncode in (0, 1), err
            assert "Traceback" not in err and "error" not in err, err
        for root, out, _ in procs:  # the terminal gets the text report, whole
            assert out.read_text().rstrip("\n").splitlines()[-1].startswith("auditgate: ")
        report = shared.read_text()
        assert report in texts.values(), f"{round_}: the shared --output file is not one whole report"
        json.loads(report)
        leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".auditgate-tmp")]
        assert leftovers == []
    # every cache entry reads back whole, none is left half-written, and the warm cache gives the reference
    from lint_rules import cache

    entries = [p for p in cache_dir.rglob("*") if p.is_file()]
    assert entries, "the runs cached nothing"
    assert [p.name for p in entries if p.name.startswith(".tmp-")] == []
    assert [p.name for p in entries if cache._verified(p.read_bytes()) is None] == []
    for root in ROOTS:
        proc = subprocess.run(CLI + ["check", root, "--format", "json"], capture_output=True,
                              env=_env(cache_dir), timeout=600)
        assert proc.stdout == reference[root]
