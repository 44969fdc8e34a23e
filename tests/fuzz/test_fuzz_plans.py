"""Fuzzing the plan loader: mutated real plans and fixtures never crash, hang or pass unread.

Each case takes a seed plan (every plan in ``../shared/real-plans`` and windows of our fixtures,
see ``seeds.py``), mutates it (``mutate.py``) and runs ``auditgate check`` on it in-process with
one of the report formats the CLI offers; ``harness.check_closed`` holds the result to the
fail-closed contract.  A case whose text is not JSON, or whose JSON is not an object, must be
refused (exit 2); a case that loads must keep every resource instance the plan says will exist.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from lint_rules.cli import build_parser
from lint_rules.loaders import load_path

from ..helpers import REPO
from .conftest import budget
from .harness import COUNTER, check_closed, run_cli
from .mutate import dumps, mutate, mutate_text
from .seeds import plan_seeds, real_plan_paths

pytestmark = pytest.mark.slow

STRUCTURAL = budget(4500, "plan structure")
TEXTUAL = budget(2000, "plan text")


def check_formats() -> list[str]:
    """The report formats ``auditgate check --format`` offers (read from the parser, so a format
    added later is fuzzed too)."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    check = sub.choices["check"]
    return list(next(a for a in check._actions if a.dest == "format").choices)


FORMATS = check_formats()
SEEDS = plan_seeds()


def _json_or_none(data: bytes):
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return None


def _expected_addresses(doc) -> set[str]:
    """Instances ``resource_changes`` says exist after apply (each well-formed entry)."""
    out = set()
    if not isinstance(doc, dict) or not isinstance(doc.get("resource_changes"), list):
        return out
    for rc in doc["resource_changes"]:
        change = rc.get("change") if isinstance(rc, dict) else None
        if not isinstance(change, dict) or rc.get("deposed") or not isinstance(rc.get("address"), str):
            continue
        actions = change.get("actions")
        if isinstance(actions, list) and actions and all(a in ("delete", "forget") for a in actions):
            continue
        if isinstance(change.get("after"), dict):
            out.add(rc["address"])
    return out


def _run(path: Path, data: bytes, fmt: str, extra: list[str], test: str, loadable=None):
    path.write_bytes(data)
    use_stdin = "--stdin" in extra
    args = ["check", "-" if use_stdin else str(path), "--format", fmt] + [a for a in extra if a != "--stdin"]
    result = run_cli(args, stdin=data if use_stdin else None, test=test)
    check_closed(result, fmt, loadable, unknown_fails="--unknown=warn" not in extra)
    return result


_extra = st.lists(st.sampled_from(["--stdin", "--unknown=warn", "--show-pass"]), unique=True, max_size=2)


@settings(max_examples=STRUCTURAL)
@given(data=st.data())
def _fuzz_structure(tmp: Path, data):
    name, text = SEEDS[data.draw(st.integers(0, len(SEEDS) - 1), label="seed")]
    note(f"seed {name}")
    doc, applied = mutate(data, json.loads(text))
    raw = dumps(doc).encode("utf-8", errors="surrogatepass")
    fmt = data.draw(st.sampled_from(FORMATS), label="format")
    parsed = _json_or_none(raw)
    loadable = False if not isinstance(parsed, dict) else None
    result = _run(tmp / "plan.json", raw, fmt, data.draw(_extra, label="flags"), "plan structure", loadable)
    if result.code in (0, 1) and data.draw(st.integers(0, 3), label="recount") == 0:
        # loaded: no resource instance of resource_changes was dropped (a sample: a second load)
        model = load_path(str(tmp / "plan.json"))
        missing = _expected_addresses(parsed) - {r.address for r in model.resources}
        assert not missing, f"{name} {applied}: instances dropped without an error: {sorted(missing)[:3]}"


@settings(max_examples=TEXTUAL)
@given(data=st.data())
def _fuzz_text(tmp: Path, data):
    name, text = SEEDS[data.draw(st.integers(0, len(SEEDS) - 1), label="seed")]
    note(f"seed {name}")
    raw, how = mutate_text(data, text)
    fmt = data.draw(st.sampled_from(FORMATS), label="format")
    parsed = _json_or_none(raw)
    _run(tmp / "plan.json", raw, fmt, data.draw(_extra, label="flags"), "plan text",
         False if not isinstance(parsed, dict) else None)


def test_every_seed_loads(tmp_path):
    """The seeds themselves are plans auditgate reads (else the mutations prove little)."""
    assert SEEDS, "no seed plans"
    for name, text in SEEDS:
        (tmp_path / "p.json").write_text(text)
        result = run_cli(["check", str(tmp_path / "p.json"), "--format", "json"])
        check_closed(result, "json", True)
        assert result.code in (0, 1), name


def test_real_plans_are_seeds():
    if not real_plan_paths():
        pytest.skip("../shared/real-plans is absent (set AUDITGATE_SHARED): only the fixtures are mutated")
    assert sum(1 for name, _ in SEEDS if name.startswith("real-plans/")) == len(real_plan_paths())


def test_structural_mutations_fail_closed(tmp_path):
    before = COUNTER.cases
    _fuzz_structure(tmp_path)
    assert COUNTER.cases - before >= STRUCTURAL


def test_text_mutations_fail_closed(tmp_path):
    before = COUNTER.cases
    _fuzz_text(tmp_path)
    assert COUNTER.cases - before >= TEXTUAL


def test_subprocess_sample(tmp_path):
    """A few of the same cases through the real command (its stdout/stderr, its exit code)."""
    seeds = [SEEDS[0][1], SEEDS[len(SEEDS) // 2][1]]
    cases = [b"", b"\x00\x01", seeds[0].encode()[: len(seeds[0]) // 2], ("[" * 100_000).encode(),
             seeds[1].replace('"address"', '"addr"', 1).encode(), b'{"format_version": "1.0", "planned_values": 7}',
             seeds[0].encode(), ('{"format_version":"1.2","resource_changes":[],"x":' + "1" * 5000 + "}").encode()]
    env = dict(os.environ, PYTHONWARNINGS="error")
    for data in cases:
        proc = subprocess.run([sys.executable, "-m", "lint_rules.cli", "check", "-"], input=data,
                              capture_output=True, timeout=120, env=env)
        err = proc.stderr.decode("utf-8", "replace")
        assert proc.returncode in (0, 1, 2), (proc.returncode, err)
        assert "Traceback" not in err
        if proc.returncode == 2:
            assert err.count("\n") == 1 and err.startswith("auditgate: error: "), err
            assert proc.stdout == b""


def test_the_ci_profile_runs_at_least_10000_inputs():
    """The issue's floor: CI (``AUDITGATE_FUZZ_PROFILE=ci``, set by .ci/run) runs >= 10,000 generated inputs."""
    from . import test_fuzz_hcl, test_fuzz_policy  # noqa: F401  (their budgets register on import)
    from .conftest import CI_BUDGETS

    assert set(CI_BUDGETS) == {"plan structure", "plan text", "policy", "hcl"}
    assert sum(CI_BUDGETS.values()) >= 10_000
    assert "AUDITGATE_FUZZ_PROFILE=ci" in (REPO / ".ci" / "run").read_text()
