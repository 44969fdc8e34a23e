"""Type conversion functions: toset, tolist, tomap, tostring, tonumber, tobool, sensitive, nonsensitive."""
from __future__ import annotations

from ..values import EvalError, _as_set, to_bool, to_number, to_str, unify
from .registry import _fn, _need_list, _need_map


@_fn("toset")
def _toset(v):
    return _as_set(_need_list(v, "a list or set"))


@_fn("tolist", "partial")
def _tolist(v):
    if v is None:
        return None
    return unify(list(_need_list(v, "a list or set")))  # a plain list: index keys again


@_fn("tomap", "partial")
def _tomap(v):
    if v is None:
        return None
    v = _need_map(v)
    return dict(zip(v.keys(), unify(list(v.values()))))


@_fn("tostring")
def _tostring(v):
    if v is None:
        return None
    if isinstance(v, (list, dict)):
        raise EvalError("tostring() of a collection")
    return to_str(v)


@_fn("tonumber")
def _tonumber(v):
    if v is None:
        return None
    return to_number(v)


@_fn("tobool")
def _tobool(v):
    if v is None:
        return None
    return to_bool(v)


@_fn("sensitive", "partial")
def _sensitive(v):
    return v


@_fn("nonsensitive", "partial")
def _nonsensitive(v):
    return v
