"""Set functions: setproduct, setunion, setintersection, setsubtract (go-cty ``function/stdlib/set.go``).

Lists are taken as sets (their duplicates dropped, element types unified), as terraform converts them.
``setproduct`` of lists only is a list in the arguments' order; with a set among them, a set.
Checked against ``terraform console`` 1.11 (tests/test_hcl_loader.py).
"""
from __future__ import annotations

import itertools

from ..values import EvalError, TfSet, _as_set, equal, unify
from .registry import _fn, _need_list


def _sets(args: tuple, name: str, least: int) -> list[list]:
    if len(args) < least:
        raise EvalError(f"{name}() needs at least {least} arguments")
    return [_need_list(a, "a set or list") for a in args]


@_fn("setproduct")
def _setproduct(*args):
    lists = _sets(args, "setproduct", 2)
    if any(isinstance(a, TfSet) for a in lists):
        return TfSet([list(p) for p in itertools.product(*(_as_set(a) for a in lists))])
    return [list(p) for p in itertools.product(*(unify(list(a)) for a in lists))]


def _unified(lists: list[list]) -> list[list]:
    """The lists with one element type for all (terraform unifies the sets' element types)."""
    flat = unify([x for lst in lists for x in lst])
    out, at = [], 0
    for lst in lists:
        out.append(flat[at:at + len(lst)])
        at += len(lst)
    return out


@_fn("setunion")
def _setunion(*args):
    return _as_set([x for a in _sets(args, "setunion", 1) for x in a])


@_fn("setintersection")
def _setintersection(*args):
    first, *others = _unified(_sets(args, "setintersection", 1))
    return _as_set([x for x in first if all(any(equal(x, y) for y in other) for other in others)])


@_fn("setsubtract")
def _setsubtract(a, b):
    left, right = _unified(_sets((a, b), "setsubtract", 2))
    return _as_set([x for x in left if not any(equal(x, y) for y in right)])
