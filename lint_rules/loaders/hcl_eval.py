"""Compatibility names for code written before the HCL loader was split by concern.

The evaluator now lives in :mod:`lint_rules.loaders.hcl` (``evaluator``, ``partial``, ``template``,
``values``, ``scope``, ``tree`` and the ``funcs`` package, one module per function family).
Import from there in new code.
"""
from __future__ import annotations

from .hcl.evaluator import Evaluator
from .hcl.funcs import FUNCTIONS, format_string
from .hcl.funcs.registry import _fn, _need_list, _need_map, _need_str
from .hcl.partial import _informative, _JsonDoc
from .hcl.scope import NOTSET, DynamicIterator, Proxy, Scope
from .hcl.template import (TemplateSyntaxError, _template_from_string_tree, heredoc_body, parse_template_text,
                           unescape)
from .hcl.tree import _unwrap_term, first_token, kids, name_of
from .hcl.values import (EvalError, TfSet, _as_set, _json_ready, _Unsupported, arith_result, equal, has_unknown,
                         is_number, iter_collection, json_encode, key_str, norm_number, number_str, to_bool,
                         to_number, to_str, type_name, unify)

__all__ = [name for name in dir() if not name.startswith("__") and name != "annotations"]
