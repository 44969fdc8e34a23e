"""Terraform's built-in functions, one module per family (as go-cty's ``function/stdlib`` and
terraform's ``internal/lang/funcs``): :mod:`.string`, :mod:`.collection`, :mod:`.encoding`,
:mod:`.numeric`, :mod:`.conversion`, :mod:`.crypto`, :mod:`.ipnet`, :mod:`.filesystem`, :mod:`.regexp`,
:mod:`.sets`.

``FUNCTIONS[name] = (implementation, mode)`` (see :mod:`.registry` for the modes);
``CONTEXT_FUNCTIONS`` are those that need the evaluator (file reading).  A function that is in
neither table (``timestamp()``, provider-defined functions...) evaluates to UNKNOWN.
"""
from __future__ import annotations

from . import (collection, conversion, crypto, encoding, ipnet, numeric, regexp, sets, string,  # noqa: F401
               yamlcodec)  # they register
from .filesystem import CONTEXT_FUNCTIONS
from .registry import FUNCTIONS, _fn, _need_list, _need_map, _need_str, fn
from .string import format_string

__all__ = ["FUNCTIONS", "CONTEXT_FUNCTIONS", "fn", "format_string"]
