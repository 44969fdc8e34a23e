"""No network, no writes: linting opens no socket, starts no process, and writes nothing but
``--output FILE`` and the documented cache (``lint_rules.cache``: ``$AUDITGATE_CACHE_DIR``, else
``$XDG_CACHE_HOME/auditgate``, else ``~/.cache/auditgate``; none with ``--no-cache``).

Two independent witnesses, for every command and input kind:

- a Python audit hook (PEP 578) records every socket created or connected, every name looked up,
  every process started and every file opened for writing, renamed, removed or made while
  ``auditgate`` runs in this process, and socket creation itself is blocked (monkeypatched);
- snapshots (path, size, mtime, SHA-256) of the input directories, the working directory, a
  private HOME and a private TMPDIR before and after: only the report file and the cache may differ.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

import pytest

from lint_rules import cache

from .fuzz.harness import run_cli
from .helpers import REPO, shared_dir

FIXTURES = REPO / "tests" / "fixtures" / "plans"

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_EVENTS = {"socket.__new__", "socket.connect", "socket.bind", "socket.getaddrinfo", "socket.gethostbyname",
           "socket.gethostbyaddr", "socket.sendto", "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn",
           "os.fork", "os.spawn", "os.rename", "os.remove", "os.rmdir", "os.mkdir", "os.symlink", "os.link",
           "os.truncate", "os.chmod", "os.utime", "shutil.rmtree", "shutil.move", "shutil.copyfile",
           "tempfile.mkstemp", "tempfile.mkdtemp", "urllib.Request", "http.client.connect", "ftplib.connect",
           "smtplib.connect", "ctypes.dlopen"}


class _Recorder:
    active = False
    seen: list[tuple[str, tuple]] = []


def _hook(event: str, args: tuple) -> None:
    if not _Recorder.active:
        return
    if event == "open":
        path, mode, flags = (tuple(args) + (None, None, None))[:3]
        writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or \
                 (isinstance(flags, int) and flags & _WRITE_FLAGS)
        if writes:
            _Recorder.seen.append(("open-for-write", (os.fsdecode(path) if isinstance(path, (str, bytes)) else path,)))
    elif event in _EVENTS:
        _Recorder.seen.append((event, tuple(os.fsdecode(a) if isinstance(a, bytes) else a for a in args[:2])))


sys.addaudithook(_hook)  # cannot be removed; records only while _Recorder.active


def _snapshot(*roots: Path) -> dict[str, tuple]:
    out = {}
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            out[dirpath] = ("dir",)
            for name in filenames:
                path = os.path.join(dirpath, name)
                st = os.stat(path)
                with open(path, "rb") as fh:
                    digest = hashlib.sha256(fh.read()).hexdigest()
                out[path] = (st.st_size, st.st_mtime_ns, digest)
    return out


class _NoSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        raise AssertionError("auditgate opened a socket")


@pytest.fixture()
def sandbox(tmp_path, monkeypatch):
    """A private HOME, TMPDIR and working directory, sockets blocked, the cache at its default place."""
    home, tmp, work = tmp_path / "home", tmp_path / "tmp", tmp_path / "work"
    for d in (home, tmp, work):
        d.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("AUDITGATE_CACHE_DIR", raising=False)
    monkeypatch.delenv("AUDITGATE_NO_CACHE", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    monkeypatch.chdir(work)
    monkeypatch.setattr(socket, "socket", _NoSocket)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: (_ for _ in ()).throw(
        AssertionError("auditgate connected")))
    cache.reset()
    yield {"home": home, "tmp": tmp, "work": work, "cache": home / ".cache" / "auditgate"}
    cache.reset()


def _inputs(tmp_path: Path) -> Path:
    """A copy of the inputs (plans, the baseline's HCL with its modules, application logs)."""
    d = tmp_path / "inputs"
    d.mkdir()
    shutil.copy(FIXTURES / "noncompliant.json", d / "plan.json")
    shutil.copytree(REPO / "modules", d / "modules")
    shutil.copytree(REPO / "terraform" / "nvs", d / "terraform" / "nvs")
    shutil.copytree(REPO / "terraform" / "examples" / "noncompliant", d / "terraform" / "examples" / "noncompliant")
    from lint_rules.applogs.contract import EVENT_TYPES, example_event

    (d / "app.ndjson").write_text("\n".join(json.dumps(example_event(t, "django")) for t in EVENT_TYPES) + "\n")
    return d


def _commands(inputs: Path, out: Path) -> list[tuple[list[str], bytes | None, set[Path]]]:
    """(arguments, stdin, files it may write besides the cache)."""
    plan = inputs / "plan.json"
    nvs = inputs / "terraform" / "nvs"
    cmds: list[tuple[list[str], bytes | None, set[Path]]] = []
    for fmt in ("text", "json", "sarif", "markdown", "html"):
        cmds.append((["check", str(plan), "--format", fmt], None, set()))
        cmds.append((["check", str(nvs), "--format", fmt, "--output", str(out / f"r.{fmt}")], None,
                     {out / f"r.{fmt}"}))
        cmds.append((["logs", str(inputs / "app.ndjson"), "--format", fmt], None, set()))
    cmds += [
        (["check", "-", "--format", "json"], plan.read_bytes(), set()),
        (["check", str(plan), "--tf-dir", str(inputs / "terraform" / "examples" / "noncompliant")], None, set()),
        (["check", str(inputs / "terraform" / "examples" / "noncompliant"), "--no-cache"], None, set()),
        (["hook", str(nvs / "main.tf")], None, set()),
        (["rules", "--format", "json"], None, set()),
        (["explain", "CT-001"], None, set()),
    ]
    return cmds


def _run_recorded(args, stdin):
    _Recorder.seen = []
    _Recorder.active = True
    try:
        result = run_cli(args, stdin=stdin)
    finally:
        _Recorder.active = False
    return result, list(_Recorder.seen)


def _under(path: str, root: Path) -> bool:
    try:
        Path(path).resolve().relative_to(root.resolve())
        return True
    except (ValueError, OSError):
        return False


def test_no_socket_no_process_no_stray_write(sandbox, tmp_path):
    inputs = _inputs(tmp_path)
    out = tmp_path / "reports"
    out.mkdir()
    before = _snapshot(inputs, sandbox["work"], sandbox["tmp"], sandbox["home"])
    allowed_files: set[Path] = set()
    for args, stdin, may_write in _commands(inputs, out):
        result, seen = _run_recorded(args, stdin)
        assert result.code in (0, 1), (args, result.stderr)
        allowed_files |= may_write
        for event, detail in seen:
            assert not event.startswith(("socket.", "subprocess.", "os.system", "os.exec", "os.posix_spawn",
                                         "os.fork", "os.spawn", "urllib", "http.", "ftplib", "smtplib")), \
                (args, event, detail)
            paths = [d for d in detail if isinstance(d, str)]
            for path in paths:
                in_cache = _under(path, sandbox["cache"]) or (  # the cache directory's parents (~/.cache)
                    event == "os.mkdir" and _under(str(sandbox["cache"]), Path(path)) and _under(path, sandbox["home"]))
                # --output FILE: written as a temporary file beside it, renamed over it (lint_rules.output)
                ok = in_cache and "--no-cache" not in args or any(
                    Path(path).resolve() == p.resolve() or (Path(path).parent.resolve() == p.parent.resolve()
                                                           and Path(path).name.startswith(f".{p.name}.")
                                                           and path.endswith(".auditgate-tmp"))
                    for p in may_write)
                assert ok, f"auditgate {' '.join(args)}: {event} {path}"
    after = _snapshot(inputs, sandbox["work"], sandbox["tmp"], sandbox["home"])
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    stray = {p for p in changed if not _under(p, sandbox["cache"]) and p != str(sandbox["cache"].parent)}
    assert stray == set(), sorted(stray)[:10]
    assert {p.name for p in out.iterdir()} == {f.name for f in allowed_files}
    assert sandbox["cache"].is_dir()  # the HCL parses were cached where the README says


def test_no_cache_writes_nothing_at_all(sandbox, tmp_path):
    inputs = _inputs(tmp_path)
    before = _snapshot(inputs, sandbox["work"], sandbox["tmp"], sandbox["home"])
    for args in (["check", str(inputs / "terraform" / "nvs"), "--no-cache", "--format", "json"],
                 ["check", str(inputs / "plan.json"), "--no-cache"]):
        result, seen = _run_recorded(args, None)
        assert result.code in (0, 1), result.stderr
        assert seen == [], seen[:5]
    assert _snapshot(inputs, sandbox["work"], sandbox["tmp"], sandbox["home"]) == before


def test_real_plans_open_no_socket(sandbox):
    plans = sorted((shared_dir() / "real-plans").glob("*.json"))
    if not plans:
        pytest.skip("../shared/real-plans is absent (set AUDITGATE_SHARED)")
    for plan in plans:
        result, seen = _run_recorded(["check", str(plan), "--format", "json"], None)
        assert result.code in (0, 1), (plan.name, result.stderr)
        assert seen == [], (plan.name, seen[:5])


def test_the_witnesses_see_a_write_and_a_socket(sandbox, tmp_path):
    """The audit hook and the socket block work (else the tests above could not fail)."""
    _Recorder.seen = []
    _Recorder.active = True
    try:
        (tmp_path / "x").write_text("x")
        with pytest.raises(AssertionError, match="socket"):
            socket.socket()
        try:
            socket.getaddrinfo("localhost", 80)
        except OSError:
            pass
    finally:
        _Recorder.active = False
    events = {e for e, _ in _Recorder.seen}
    assert "open-for-write" in events and "socket.getaddrinfo" in events
