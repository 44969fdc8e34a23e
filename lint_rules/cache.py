"""A cache of derived data in the user's cache directory, keyed by the content it was derived from.

The HCL loader keeps each ``.tf`` file's parse here, keyed by a hash of the file's bytes (and of
its path, which the parse records, and of the code that parses), so a pre-commit run on an
unchanged tree does not parse it again.  ``auditgate rules`` keeps the rule catalogue here, keyed by
a hash of the rules' source.

Where: ``$XDG_CACHE_HOME/auditgate`` (default ``~/.cache/auditgate``), overridden by
``AUDITGATE_CACHE_DIR``.  Safe to delete at any time, in whole or in part.  Entries are written
to a temporary file and renamed into place (atomic on POSIX and Windows), so concurrent runs
never read a half-written entry; each entry carries a SHA-256 of its payload, and one that does not
match (a corrupt or truncated file) is removed and treated as a miss.  Nothing is ever required
from the cache: when it cannot be read or written, auditgate computes and carries on.

Entries are pickles, and unpickling runs code: the directory must be this user's alone.  auditgate
creates it readable by its owner only (0700), and uses an existing one only when the current user
owns it and neither its group nor others may write to it (as ssh judges ``~/.ssh``); otherwise it
says so once on standard error and runs without the disk cache.

Off with ``auditgate check --no-cache``, ``AUDITGATE_NO_CACHE=1``, or :func:`disable`.
"""
from __future__ import annotations

import hashlib
import os
import stat
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

_MAGIC = b"auditgate-cache-1\n"
_enabled: bool | None = None  # None: decided by the environment
_memory: dict[tuple[str, str], bytes] = {}  # this process's entries (also when the disk cache is off)
_shared: dict[tuple[str, str], Any] = {}  # values handed out as they are (load(..., share=True))
_private: dict[str, bool] = {}  # cache directory -> whether it is this user's alone (checked once)
# what a run did, for tests and --verbose diagnostics: {"hit": n, "miss": n, "corrupt": n}
stats: dict[str, int] = {"hit": 0, "miss": 0, "corrupt": 0, "memory": 0}


def enabled() -> bool:
    if _enabled is not None:
        return _enabled
    return os.environ.get("AUDITGATE_NO_CACHE", "").strip().lower() in ("", "0", "false", "no")


def disable() -> None:
    """No reads or writes of the on-disk cache for the rest of this process (``--no-cache``)."""
    global _enabled
    _enabled = False


def reset() -> None:
    """Back to the environment's choice, and forget this process's entries (for tests)."""
    global _enabled
    _enabled = None
    _memory.clear()
    _shared.clear()
    _private.clear()
    for k in stats:
        stats[k] = 0


def cache_dir() -> Path:
    """``$AUDITGATE_CACHE_DIR``, else ``$XDG_CACHE_HOME/auditgate``, else ``~/.cache/auditgate``
    (``%LOCALAPPDATA%\\auditgate\\Cache`` on Windows), as platformdirs' user_cache_dir has it."""
    explicit = os.environ.get("AUDITGATE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "auditgate"
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "auditgate" / "Cache"
    return Path.home() / ".cache" / "auditgate"


def digest(*parts: str | bytes) -> str:
    """A SHA-256 over ``parts`` (each length-prefixed, so no two sequences collide)."""
    h = hashlib.sha256()
    for p in parts:
        data = p.encode("utf-8", "surrogatepass") if isinstance(p, str) else p
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def _usable() -> bool:
    """The disk cache is on and its directory is this user's alone (created so when absent)."""
    if not enabled():
        return False
    root = cache_dir()
    found = _private.get(str(root))
    if found is None:
        problem = _not_private(root)
        found = _private[str(root)] = problem is None
        if problem is not None:
            print(f"auditgate: note: not using the cache directory {root}: {problem}", file=sys.stderr)
    return found


def _not_private(root: Path) -> str | None:
    """Why ``root`` may not hold entries that are unpickled (None: it may)."""
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.stat(root)  # a symbolic link is judged by what it points to
    except OSError:
        return None  # cannot be created or read: every read and write fails quietly, as before
    if not stat.S_ISDIR(st.st_mode):
        return "it is not a directory"
    if os.name == "nt" or not hasattr(os, "geteuid"):
        return None  # (ACLs, not mode bits: the user's own profile directory)
    if st.st_uid != os.geteuid():
        return "it belongs to another user (its entries are pickles, which run code when read)"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return ("others may write to it (its entries are pickles, which run code when read); "
                "`chmod go-w` it or choose another with AUDITGATE_CACHE_DIR")
    return None


def _path(kind: str, key: str) -> Path:
    return cache_dir() / kind / key[:2] / f"{key}.pickle"


def load(kind: str, key: str, share: bool = False) -> Any | None:
    """The value stored under ``key`` (None when absent, unreadable or corrupt).  ``share``: the
    value is never modified by its users, so this process hands out one object for every load
    (the same file read by two roots is unpickled once)."""
    if share and (kind, key) in _shared:
        stats["memory"] += 1
        return _shared[(kind, key)]
    value = _load(kind, key)
    if share and value is not None:
        _shared[(kind, key)] = value
    return value


def _load(kind: str, key: str) -> Any | None:
    data = _memory.get((kind, key))
    if data is not None:
        stats["memory"] += 1
        import pickle  # noqa: PLC0415 - pickle and tempfile: only when the cache is used (start-up time)

        return pickle.loads(data)
    if not _usable():
        return None
    path = _path(kind, key)
    try:
        raw = path.read_bytes()
    except OSError:
        stats["miss"] += 1
        return None
    payload = _verified(raw)
    if payload is not None:
        import pickle  # noqa: PLC0415

        try:
            value = pickle.loads(payload)
        except Exception:  # noqa: BLE001 - any unpickling failure is a corrupt entry
            value = None
        else:
            _memory[(kind, key)] = payload
            stats["hit"] += 1
            return value
    stats["corrupt"] += 1
    try:
        path.unlink()
    except OSError:
        pass
    return None


def _verified(raw: bytes) -> bytes | None:
    if not raw.startswith(_MAGIC) or len(raw) < len(_MAGIC) + 64:
        return None
    checksum = raw[len(_MAGIC):len(_MAGIC) + 64]
    payload = raw[len(_MAGIC) + 64:]
    return payload if hashlib.sha256(payload).hexdigest().encode() == checksum else None


def store(kind: str, key: str, value: Any, share: bool = False) -> None:
    """Keep ``value`` under ``key``: in this process, and on disk when the cache is on (atomically;
    any failure to write is ignored -- the cache is never needed)."""
    if share:
        _shared[(kind, key)] = value
    import pickle  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - an unpicklable value is simply not cached
        return
    _memory[(kind, key)] = payload
    if not _usable():
        return
    path = _path(kind, key)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".pickle", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC + hashlib.sha256(payload).hexdigest().encode() + payload)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def cached(kind: str, key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``'s value, from the cache when it holds ``key``."""
    value = load(kind, key)
    if value is None:
        value = compute()
        store(kind, key, value)
    return value


def source_digest(*files: Path) -> str:
    """A hash of the code that produces a cached value: a change to it is a miss."""
    return digest(*(f.read_bytes() for f in files))


@lru_cache(maxsize=1)
def package_digest() -> str:
    """A SHA-256 of the code that turns inputs into results: every file of this package (read, not
    judged by modification time: ~1 MB, a few milliseconds), the versions of the libraries that
    parse and validate its inputs (python-hcl2, lark, PyYAML, jsonschema, jsonschema-rs) and of
    Python.  Part of the key of
    every cached model, finding and validated configuration."""
    package = str(Path(__file__).parent)  # lint_rules
    parts: list[str | bytes] = [sys.version, sys.implementation.cache_tag or ""]
    pending = [package]
    while pending:  # every file, in a fixed order (listings sorted)
        directory = pending.pop()
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            continue
        for name in names:
            full = os.path.join(directory, name)
            if os.path.isdir(full):
                if name != "__pycache__":
                    pending.append(full)
                continue
            if name.endswith((".pyc", ".pyo")):
                continue
            parts.append(os.path.relpath(full, package))
            try:
                with open(full, "rb") as fh:
                    parts.append(fh.read())
            except OSError:
                parts.append(b"?")
    parts.extend(_distributions("hcl2", ("python_hcl2", "python-hcl2")))
    parts.extend(_distributions("lark", ("lark",)))
    parts.extend(_distributions("yaml", ("pyyaml",)))
    parts.extend(_distributions("jsonschema", ("jsonschema",)))
    parts.extend(_distributions("jsonschema_rs", ("jsonschema_rs", "jsonschema-rs")))
    return digest(*parts)


def _distributions(module: str, names: tuple[str, ...]) -> list[str]:
    """The installed distribution of ``module`` (its ``*.dist-info`` directory's name, which
    carries the version), found without importing it."""
    from importlib.util import find_spec

    try:
        spec = find_spec(module)
    except (ImportError, ValueError):
        spec = None
    origin = getattr(spec, "origin", None)
    if not origin:
        return [module, "?"]
    site = Path(origin).parent.parent
    found = []
    try:
        for entry in sorted(os.listdir(site)):
            if entry.endswith((".dist-info", ".egg-info")) and \
                    entry.split("-")[0].lower().replace("_", "-") in {n.replace("_", "-") for n in names}:
                found.append(entry)
    except OSError:
        pass
    return [module, origin, *(found or ["?"])]
