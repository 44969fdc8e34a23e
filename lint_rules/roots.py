"""Which Terraform root modules a set of changed files affects (for ``auditgate hook`` / pre-commit).

A pre-commit hook receives the changed files; auditgate checks root modules.  A changed file in a
root checks that root; a changed file in a module checks every root that calls the module, directly
or through other modules (local ``source = "./..."`` / ``"../..."`` paths).  A directory is a root when
it configures a provider or a backend (``provider`` block, ``terraform { backend/cloud }``), has a
``.terraform.lock.hcl``, or is listed in the configuration's ``roots`` globs (which, when given, are the
only roots).  The scan is lexical (block headers and ``source`` lines), so it is fast on any repository
and never fails on code the loaders would reject: the check itself reports that.
"""
from __future__ import annotations

import fnmatch
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

TF_SUFFIXES = (".tf", ".tf.json")
SKIP_DIRS = {"node_modules", "__pycache__"}
_MODULE = re.compile(r'^\s*module\s+"[^"]*"\s*\{', re.M)
_SOURCE = re.compile(r'^\s*source\s*=\s*"([^"]+)"', re.M)
_BLOCK_START = re.compile(r'^\s*(resource|data|module|provider|variable|output|locals|terraform)\b', re.M)
_ROOT_MARK = re.compile(r'^\s*provider\s+"[^"]+"\s*\{|^\s*(backend\s+"[^"]+"|cloud)\s*\{', re.M)


@dataclass
class DirInfo:
    path: Path
    is_root: bool = False
    calls: set[Path] = field(default_factory=set)  # local module directories it calls


def _local_sources(text: str) -> list[str]:
    out = []
    for match in _MODULE.finditer(text):
        rest = text[match.end():]
        end = _BLOCK_START.search(rest)
        body = rest[:end.start()] if end else rest
        source = _SOURCE.search(body)
        if source and source.group(1).startswith(("./", "../")):
            out.append(source.group(1))
    return out


def _json_sources(text: str) -> tuple[list[str], bool]:
    try:
        doc = json.loads(text)
    except ValueError:
        return [], False
    if not isinstance(doc, dict):
        return [], False
    sources = []
    modules = doc.get("module") or {}
    for calls in (modules if isinstance(modules, list) else [modules]):
        for call in (calls.values() if isinstance(calls, dict) else ()):
            for c in (call if isinstance(call, list) else [call]):
                src = c.get("source") if isinstance(c, dict) else None
                if isinstance(src, str) and src.startswith(("./", "../")):
                    sources.append(src)
    terraform = doc.get("terraform") or {}
    blocks = terraform if isinstance(terraform, list) else [terraform]
    root = "provider" in doc or any(isinstance(b, dict) and ("backend" in b or "cloud" in b) for b in blocks)
    return sources, root


def scan_dir(directory: Path) -> DirInfo | None:
    """What one directory is (None when it holds no Terraform configuration)."""
    files = sorted(p for p in directory.iterdir() if p.is_file() and p.name.endswith(TF_SUFFIXES))
    if not files:
        return None
    info = DirInfo(directory, is_root=(directory / ".terraform.lock.hcl").is_file())
    for f in files:
        try:
            text = f.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if f.name.endswith(".tf.json"):
            sources, root = _json_sources(text)
        else:
            sources, root = _local_sources(text), bool(_ROOT_MARK.search(text))
        info.is_root = info.is_root or root
        for src in sources:
            info.calls.add(Path(os.path.normpath(directory / src)))
    return info


def scan_tree(top: Path) -> dict[Path, DirInfo]:
    """Every Terraform directory under ``top`` (hidden directories such as .terraform skipped)."""
    found: dict[Path, DirInfo] = {}
    for dirpath, dirnames, _ in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS)
        info = scan_dir(Path(dirpath))
        if info is not None:
            found[Path(os.path.normpath(dirpath))] = info
    return found


@dataclass
class Affected:
    roots: list[str]  # root directories to check, relative to the top when inside it
    notes: list[str]  # changed directories that lead to no root


def _rel(path: Path, top: Path) -> str:
    try:
        return path.relative_to(top).as_posix() or "."
    except ValueError:
        return str(path)


def affected_roots(changed: Iterable[str], top: str | Path = ".", root_globs: Iterable[str] = (),
                   exclude: Iterable[str] = ()) -> Affected:
    """The roots to check for ``changed`` files (paths relative to ``top``, the repository root)."""
    top = Path(os.path.normpath(Path(top).absolute()))
    tree = scan_tree(top)
    root_globs, exclude = list(root_globs), list(exclude)
    if root_globs:
        for path, info in tree.items():
            info.is_root = any(fnmatch.fnmatchcase(_rel(path, top), g) for g in root_globs)
    callers: dict[Path, set[Path]] = {}
    for path, info in tree.items():
        for target in info.calls:
            callers.setdefault(target, set()).add(path)

    def roots_reaching(directory: Path) -> set[Path]:
        out, stack, seen = set(), [directory], set()
        while stack:
            d = stack.pop()
            if d in seen:
                continue
            seen.add(d)
            if d in tree and tree[d].is_root:
                out.add(d)
            stack.extend(callers.get(d, ()))
        return out

    roots: set[Path] = set()
    notes: list[str] = []
    for name in changed:
        directory = Path(os.path.normpath((top / name).parent))
        if directory not in tree:
            continue  # not Terraform configuration (a README, a deleted directory ...)
        reached = roots_reaching(directory)
        if not reached:
            note = (f"{_rel(directory, top)}: not a root module (no provider or backend block) and no root "
                    "module in this repository calls it; not checked")
            if note not in notes:
                notes.append(note)
        roots |= reached
    chosen = sorted(_rel(r, top) for r in roots)
    kept = [r for r in chosen if not any(fnmatch.fnmatchcase(r, g) for g in exclude)]
    return Affected(roots=kept, notes=notes)
