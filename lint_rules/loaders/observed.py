"""What a load of a Terraform directory read from outside the process, so its result can be reused.

Every read of the file system a load makes goes through the helpers here (``read_bytes``,
``listing``, ``is_dir``, ...).  While :func:`recording` is active they note each observation as
``(probe, argument) -> result``: the SHA-256 of a file's bytes (None when it cannot be read), a
directory's listing, whether a path is a directory or a file.  A load whose observations all still
hold (:func:`unchanged`: every probe run again gives the same result) would read exactly the same
bytes and take exactly the same paths, so it would build the same model: that is what
:mod:`lint_rules.runcache` relies on to reuse a model.  File contents are always hashed again, never
judged by size or modification time (pre-commit rewrites files within the same second).

Outside :func:`recording` the helpers only do their read (one list check more).
"""
from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

# the observations of the loads in progress (innermost last): {(probe, argument): result}
_active: list[dict[tuple[str, str], object]] = []
UNSTABLE = "unstable"  # key of a recording that saw the same probe give two results


def _sha256_of(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()
    except (OSError, ValueError):
        return None


def _listing(path: str) -> tuple[str, ...] | None:
    try:
        return tuple(sorted(os.listdir(path)))
    except (OSError, ValueError):
        return None


def _env(name: str) -> str | None:
    return os.environ.get(name)


#: probe name -> how to observe it again
PROBES: dict[str, Callable[[str], object]] = {
    "sha256": _sha256_of,
    "listdir": _listing,
    "isdir": os.path.isdir,
    "isfile": os.path.isfile,
    "exists": os.path.exists,
    "env": _env,
    "realpath": os.path.realpath,
}


def _note(probe: str, arg: str, result: object) -> None:
    for seen in _active:
        key = (probe, arg)
        if key in seen and seen[key] != result:
            seen[(UNSTABLE, arg)] = True  # changed while being read: the load is not reused
        seen[key] = result


@contextmanager
def recording() -> Iterator[dict[tuple[str, str], object]]:
    """Note every observation made inside the block into the dict it yields."""
    seen: dict[tuple[str, str], object] = {}
    _active.append(seen)
    try:
        yield seen
    finally:
        _active.remove(seen)


def stable(seen: dict[tuple[str, str], object]) -> bool:
    return not any(probe == UNSTABLE for probe, _ in seen)


def unchanged(observations: list[tuple[str, str, object]]) -> bool:
    """Does every observation still hold (each probe, run again now, gives the recorded result)?"""
    for probe, arg, result in observations:
        check = PROBES.get(probe)
        if check is None or check(arg) != result:
            return False
    return True


# --- the reads a load makes ---------------------------------------------------------------------------
def read_bytes(path: str | os.PathLike) -> bytes:
    """``Path(path).read_bytes()``, observed (OSError as it comes)."""
    path = os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except OSError:
        if _active:
            _note("sha256", path, None)
        raise
    if _active:
        _note("sha256", path, hashlib.sha256(data).hexdigest())
    return data


def read_text(path: str | os.PathLike, encoding: str = "utf-8", errors: str = "strict") -> str:
    """The file's text (universal newlines, as ``open(path, encoding=...)`` reads it), observed."""
    return read_bytes(path).decode(encoding, errors).replace("\r\n", "\n").replace("\r", "\n")


def listdir(path: str | os.PathLike) -> list[str]:
    """``os.listdir(path)``, observed (OSError as it comes)."""
    path = os.fspath(path)
    try:
        names = os.listdir(path)
    except OSError:
        if _active:
            _note("listdir", path, None)
        raise
    if _active:
        _note("listdir", path, tuple(sorted(names)))
    return names


def _observed(probe: str, path: str | os.PathLike) -> bool:
    path = os.fspath(path)
    result = PROBES[probe](path)
    if _active:
        _note(probe, path, result)
    return result  # type: ignore[return-value]


def is_dir(path: str | os.PathLike) -> bool:
    return _observed("isdir", path)


def is_file(path: str | os.PathLike) -> bool:
    return _observed("isfile", path)


def exists(path: str | os.PathLike) -> bool:
    return _observed("exists", path)


def resolve(path: str | os.PathLike) -> Path:
    """``Path(path).resolve()`` (symbolic links followed), observed."""
    return Path(_observed("realpath", path))


def getenv(name: str) -> str | None:
    return _observed("env", name)  # type: ignore[return-value]
