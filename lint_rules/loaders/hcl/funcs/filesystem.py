"""Filesystem functions: file, fileexists, fileset, templatefile; the path functions basename and dirname.

They read files relative to the root module directory (the evaluator's ``base_dir``), so they take
the evaluator: ``CONTEXT_FUNCTIONS[name](evaluator, args)``.
"""
from __future__ import annotations

import os
import posixpath
import re
from typing import Any, Callable

from ....model import UNKNOWN
from ... import observed
from ..scope import Scope
from ..values import EvalError, _as_set, _Unsupported, has_unknown, to_str
from .registry import _fn, _need_map, _need_str


def _file_function(ev, name: str, args: list) -> Any:
    if not args or has_unknown(args[0]):
        return UNKNOWN
    path = to_str(args[0])
    if name == "fileexists":
        full = path if os.path.isabs(path) else os.path.join(ev.base_dir, path)
        return observed.is_file(full)
    if name == "file":
        return ev.read_file(path)
    if len(args) != 2:
        raise EvalError("templatefile() takes two arguments")
    variables = args[1]
    if variables is UNKNOWN:
        return UNKNOWN
    template = ev.template_file(path)
    return ev.eval_template(template, Scope(None, dict(_need_map(variables))))


#: fileset gives up (unknown) past this many directory entries: a pattern over a huge tree
MAX_FILESET_ENTRIES = 20_000


def _glob_part(part: str) -> str:
    """One path component of a doublestar pattern (terraform's ``fileset``) as a regular expression."""
    out: list[str] = []
    i = 0
    while i < len(part):
        c = part[i]
        if c == "\\" and i + 1 < len(part):
            out.append(re.escape(part[i + 1]))
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = part.find("]", i + 2 if part[i + 1:i + 2] == "^" else i + 1)
            if end < 0:
                raise EvalError("fileset: syntax error in pattern (an unclosed [)")
            body = part[i + 1:end]
            negate = body[:1] == "^"  # as terraform's glob reads it: "!" is an ordinary character
            body = body[1:] if negate else body
            out.append("[" + ("^" if negate else "") + "".join(ch if ch == "-" else re.escape(ch) for ch in body) + "]")
            i = end
        elif c == "{":
            end = part.find("}", i)
            if end < 0 or "{" in part[i + 1:end]:
                raise _Unsupported("fileset: nested or unclosed { in the pattern")
            out.append("(?:" + "|".join(_glob_part(alt) for alt in part[i + 1:end].split(",")) + ")")
            i = end
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def _glob_regex(pattern: str) -> re.Pattern:
    parts = pattern.split("/")
    rx: list[str] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "**":
            rx.append(".*" if last else "(?:[^/]*/)*")  # zero or more directories
        else:
            rx.append(_glob_part(part) + ("" if last else "/"))
    try:
        return re.compile("".join(rx), re.DOTALL)
    except re.error:
        raise _Unsupported("fileset: pattern") from None


def _fileset(ev, args: list) -> Any:
    """``fileset(path, pattern)``: the files (not directories) under ``path`` whose path relative to it
    matches the doublestar ``pattern`` -- ``*``, ``?``, ``[...]`` (``[^...]``), ``{a,b}``, ``**`` for any number of
    directories; dotfiles too -- as a set of ``/``-separated paths.  A missing directory gives the
    empty set, as terraform's does.  Checked against ``terraform console`` (tests)."""
    if len(args) != 2:
        raise EvalError("fileset() takes two arguments")
    if has_unknown(args):
        return UNKNOWN
    base, pattern = to_str(args[0]), to_str(args[1])
    rx = _glob_regex(pattern)
    root = base if os.path.isabs(base) else os.path.join(ev.base_dir, base)
    found: list[str] = []
    seen = 0
    stack = [""]
    while stack:
        rel = stack.pop()
        here = os.path.join(root, rel) if rel else root
        if not observed.is_dir(here):
            continue
        for name in observed.listdir(here):
            seen += 1
            if seen > MAX_FILESET_ENTRIES:
                raise _Unsupported(f"fileset: more than {MAX_FILESET_ENTRIES:,} entries under {base}")
            path = f"{rel}/{name}" if rel else name
            full = os.path.join(here, name)
            if observed.is_dir(full):
                stack.append(path)
            elif observed.is_file(full) and rx.fullmatch(path):
                found.append(path)
    return _as_set(found)


CONTEXT_FUNCTIONS: dict[str, Callable[[Any, list], Any]] = {
    name: (lambda ev, args, _name=name: _file_function(ev, _name, args))
    for name in ("file", "fileexists", "templatefile")
}
CONTEXT_FUNCTIONS["fileset"] = _fileset


def _clean(path: str) -> str:
    """Go's ``filepath.Clean`` (POSIX): ``posixpath.normpath`` keeps a leading ``//``, Go does not."""
    cleaned = posixpath.normpath(path) if path else "."
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


@_fn("basename")
def _basename(path):
    path = _need_str(path)
    if path == "":
        return "."
    stripped = path.rstrip("/")
    return stripped.rsplit("/", 1)[-1] if stripped else "/"


@_fn("dirname")
def _dirname(path):
    path = _need_str(path)
    return _clean(path[:path.rfind("/") + 1])
