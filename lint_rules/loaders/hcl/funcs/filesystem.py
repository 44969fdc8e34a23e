"""Filesystem functions: file, fileexists, templatefile; the path functions basename and dirname.

They read files relative to the root module directory (the evaluator's ``base_dir``), so they take
the evaluator: ``CONTEXT_FUNCTIONS[name](evaluator, args)``.
"""
from __future__ import annotations

import os
import posixpath
from typing import Any, Callable

from ....model import UNKNOWN
from ... import observed
from ..scope import Scope
from ..values import EvalError, has_unknown, to_str
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


CONTEXT_FUNCTIONS: dict[str, Callable[[Any, list], Any]] = {
    name: (lambda ev, args, _name=name: _file_function(ev, _name, args))
    for name in ("file", "fileexists", "templatefile")
}


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
