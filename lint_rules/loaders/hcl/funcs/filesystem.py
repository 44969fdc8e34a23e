"""Filesystem functions: file, fileexists, templatefile.

They read files relative to the root module directory (the evaluator's ``base_dir``), so they take
the evaluator: ``CONTEXT_FUNCTIONS[name](evaluator, args)``.
"""
from __future__ import annotations

import os
from typing import Any, Callable

from ....model import UNKNOWN
from ... import observed
from ..scope import Scope
from ..values import EvalError, has_unknown, to_str
from .registry import _need_map


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
