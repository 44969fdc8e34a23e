"""Collection functions: merge, concat, length, lookup, element, coalesce*, compact, distinct,
flatten, keys, values, contains, index, sum, zipmap, range, sort, reverse, slice, one, alltrue, anytrue,
chunklist, matchkeys, transpose."""
from __future__ import annotations

import math

from ....model import UNKNOWN
from ..values import (EvalError, RefMap, arith_result, equal, has_unknown, key_str, norm_number, to_bool, to_number,
                      to_str, type_name, unify)
from .registry import _fn, _need_list, _need_map


@_fn("merge", "partial")
def _merge(*maps):
    out: dict = {}
    key_refs: dict = {}
    for m in maps:
        if m is None:
            continue
        out.update(_need_map(m))
        for k in m:  # an element's own references, when the map it is taken from knows them
            if isinstance(m, RefMap) and k in m.key_refs:
                key_refs[k] = m.key_refs[k]
            else:
                key_refs.pop(k, None)
    return RefMap(out, key_refs) if key_refs else out


@_fn("concat", "partial")
def _concat(*lists):
    out: list = []
    for item in lists:
        out.extend(_need_list(item))
    return out


@_fn("length", "partial")
def _length(v):
    if isinstance(v, (str, list, dict)):
        return len(v)
    raise EvalError(f"length() needs a string or collection, got {type_name(v)}")


@_fn("lookup", "partial")
def _lookup(m, key, *default):
    if has_unknown(key):
        return UNKNOWN
    m = _need_map(m)
    key = key_str(key)
    if key in m:
        return m[key]
    if default:
        return default[0]
    raise EvalError(f"lookup: no key {key!r}")


@_fn("element", "partial")
def _element(lst, idx):
    lst = _need_list(lst)
    if has_unknown(idx):
        return UNKNOWN
    i = int(to_number(idx))
    if not lst:
        raise EvalError("element() of an empty list")
    if i < 0:
        raise EvalError("element() index must not be negative")
    return lst[i % len(lst)]


@_fn("coalesce", "raw")
def _coalesce(*args):
    for a in args:
        if a is UNKNOWN:
            return UNKNOWN
        if a is not None and a != "":
            return a
    raise EvalError("coalesce: no non-null, non-empty argument")


@_fn("coalescelist", "raw")
def _coalescelist(*args):
    for a in args:
        if a is UNKNOWN:
            return UNKNOWN
        if _need_list(a):
            return a
    raise EvalError("coalescelist: all lists are empty")


@_fn("compact")
def _compact(v):
    return [x for x in _need_list(v) if x is not None and x != ""]


@_fn("distinct")
def _distinct(v):
    out: list = []
    for x in unify(_need_list(v)):
        if not any(equal(x, o) for o in out):
            out.append(x)
    return out


def _flatten(v: list) -> list:
    out: list = []
    for x in v:
        if isinstance(x, list):
            out.extend(_flatten(x))
        else:
            out.append(x)
    return out


@_fn("flatten")
def _flatten_fn(v):
    return _flatten(_need_list(v))


@_fn("keys", "partial")
def _keys(m):
    return sorted(_need_map(m))


@_fn("values", "partial")
def _values(m):
    m = _need_map(m)
    return [m[k] for k in sorted(m)]


@_fn("contains")
def _contains(lst, v):
    return any(equal(x, v) for x in _need_list(lst))


@_fn("index")
def _index(lst, v):
    for i, x in enumerate(_need_list(lst)):
        if equal(x, v):
            return i
    raise EvalError("index: value not found")


@_fn("sum")
def _sum(lst):
    lst = _need_list(lst)
    if not lst:
        raise EvalError("sum() of an empty list")
    return arith_result(math.fsum(to_number(n) for n in lst))


@_fn("zipmap", "partial")
def _zipmap(keys, vals):
    keys, vals = _need_list(keys), _need_list(vals)
    if has_unknown(keys):
        return UNKNOWN
    if len(keys) != len(vals):
        raise EvalError("zipmap: lists of different lengths")
    return {key_str(k): v for k, v in zip(keys, vals)}


@_fn("range")
def _range(*args):
    nums = [to_number(a) for a in args]
    if len(nums) == 1:
        start, stop, step = 0, nums[0], 1
    elif len(nums) == 2:
        start, stop, step = nums[0], nums[1], 1 if nums[1] >= nums[0] else -1
    elif len(nums) == 3:
        start, stop, step = nums
    else:
        raise EvalError("range() takes 1 to 3 arguments")
    if step == 0:
        raise EvalError("range() step must not be 0")
    out: list = []
    x = start
    while (step > 0 and x < stop) or (step < 0 and x > stop):
        out.append(norm_number(x))
        x += step
        if len(out) > 1024:
            raise EvalError("range() too long")
    return out


@_fn("sort")
def _sort(lst):
    return sorted(to_str(x) for x in _need_list(lst))


@_fn("reverse", "partial")
def _reverse(lst):
    return list(reversed(_need_list(lst)))


@_fn("slice", "partial")
def _slice(lst, start, end):
    lst = _need_list(lst)
    if has_unknown(start) or has_unknown(end):
        return UNKNOWN
    start, end = int(to_number(start)), int(to_number(end))
    if start < 0 or end > len(lst) or start > end:
        raise EvalError("slice() index out of range")
    return lst[start:end]


@_fn("one", "partial")
def _one(v):
    if v is None:
        return None
    v = _need_list(v)
    if len(v) > 1:
        raise EvalError("one() of a list with more than one element")
    return v[0] if v else None


@_fn("alltrue")
def _alltrue(lst):
    return all(to_bool(x) for x in _need_list(lst))


@_fn("anytrue")
def _anytrue(lst):
    return any(to_bool(x) for x in _need_list(lst))


@_fn("chunklist")
def _chunklist(lst, size):
    items, size = list(_need_list(lst)), to_number(size)
    if size != int(size) or size < 0:
        raise EvalError("chunklist: the size must be a whole number, 0 or more")
    size = int(size)
    if size == 0:
        return [items]
    return [items[i:i + size] for i in range(0, len(items), size)]


@_fn("matchkeys")
def _matchkeys(values, keys, searchset):
    values, keys, search = _need_list(values), _need_list(keys), _need_list(searchset)
    if len(values) != len(keys):
        raise EvalError("matchkeys: values and keys must have the same length")
    return [v for v, k in zip(values, keys) if any(equal(k, s) for s in search)]


@_fn("transpose")
def _transpose(m):
    out: dict = {}
    m = _need_map(m)
    for key in sorted(m):
        for item in _need_list(m[key]):
            out.setdefault(to_str(item), []).append(key)
    return {k: out[k] for k in sorted(out)}
