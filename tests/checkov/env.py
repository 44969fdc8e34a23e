"""checkov in a virtual environment of its own, created once per machine and reused.

checkov pins bc-python-hcl2, which installs a top-level ``hcl2`` over python-hcl2's: it cannot live in
auditgate's environment.  The tests create ``<user cache>/auditgate/checkov-<VERSION>`` (``nice``, under
a file lock so that parallel runs wait for one install) and reuse it on every later run;
``AUDITGATE_CHECKOV=/path/to/checkov`` uses an existing one instead.  Where checkov cannot be
installed (no package index), the tests that need it skip, saying why.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

#: pinned: the adapter reads checkov's resource graph; move to a new checkov on purpose, with this suite
CHECKOV_VERSION = "3.3.30"
REPO = Path(__file__).resolve().parents[2]
ADAPTER = REPO / "checkov_adapter"
READY = ".auditgate-ready"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "auditgate" / f"checkov-{CHECKOV_VERSION}"


def _install(venv: Path) -> str | None:
    """Create the venv and install checkov; None when done, else why not (one line)."""
    if venv.exists():
        shutil.rmtree(venv)
    steps = ([sys.executable, "-m", "venv", str(venv)],
             [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
              f"checkov=={CHECKOV_VERSION}"])
    for step in steps:
        nice = ["nice", "-n", "10"] if shutil.which("nice") else []
        try:
            proc = subprocess.run(nice + step, capture_output=True, text=True, timeout=1800)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"{' '.join(step[:3])}: {exc}"
        if proc.returncode != 0:
            lines = [ln for ln in (proc.stderr or proc.stdout).splitlines() if ln.strip()
                     and not ln.startswith("WARNING: Location")]
            return f"`{' '.join(step[-3:])}` failed: {lines[-1] if lines else proc.returncode}"
    return None


def checkov_executable() -> str:
    """The checkov to test with: $AUDITGATE_CHECKOV, else the cached venv (installed on first use).
    Skips the calling test where checkov cannot be installed."""
    configured = os.environ.get("AUDITGATE_CHECKOV")
    if configured:
        if not Path(configured).is_file():
            pytest.fail(f"AUDITGATE_CHECKOV={configured} is not a file")
        return configured
    venv = cache_dir()
    exe = venv / "bin" / "checkov"
    if (venv / READY).is_file() and exe.is_file():
        return str(exe)
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another run may be installing: wait for it
        if not ((venv / READY).is_file() and exe.is_file()):
            why = _install(venv)
            if why:
                shutil.rmtree(venv, ignore_errors=True)
                pytest.skip(f"checkov {CHECKOV_VERSION} cannot be installed here: {why}")
            (venv / READY).write_text(CHECKOV_VERSION + "\n")
    return str(exe)


def auditgate_command() -> list[str]:
    """This checkout's auditgate, as the adapter should run it."""
    exe = shutil.which("auditgate", path=os.path.dirname(sys.executable)) or shutil.which("auditgate")
    return [exe] if exe else [sys.executable, "-m", "lint_rules.cli"]


def checkov_env(home: Path) -> dict[str, str]:
    """A hermetic environment: no user config (~/.checkov.yaml), no platform look-ups."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BC_", "CKV_", "CHECKOV_", "PRISMA_"))}
    env.update(HOME=str(home), BC_SKIP_MAPPING="TRUE", AUDITGATE_BIN=" ".join(auditgate_command()),
               PYTHONDONTWRITEBYTECODE="1", LOG_LEVEL="WARNING")
    env.pop("AUDITGATE_ARGS", None)
    return env


def run_checkov(args: list[str], cwd: Path, home: Path, extra_env: dict[str, str] | None = None,
                timeout: int = 1800) -> list[dict]:
    """Run checkov with JSON output; the list of its per-framework reports."""
    cmd = ["nice", "-n", "5", checkov_executable(), *args, "-o", "json", "--compact", "--skip-download"]
    env = dict(checkov_env(home), **(extra_env or {}))
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode in (0, 1), f"checkov exit {proc.returncode}:\n{proc.stderr[-3000:]}"
    docs, text, i = [], proc.stdout, 0
    decoder = json.JSONDecoder()
    while i < len(text):
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        doc, i = decoder.raw_decode(text, i)
        docs.extend(doc if isinstance(doc, list) else [doc])
    assert docs, f"checkov printed no report:\n{proc.stderr[-3000:]}"
    return docs
