"""Numeric functions: min, max, abs, ceil, floor."""
from __future__ import annotations

import math

from ..values import EvalError, to_number
from .registry import _fn


@_fn("min")
def _min(*nums):
    if not nums:
        raise EvalError("min() needs arguments")
    return min(to_number(n) for n in nums)


@_fn("max")
def _max(*nums):
    if not nums:
        raise EvalError("max() needs arguments")
    return max(to_number(n) for n in nums)


@_fn("abs")
def _abs(n):
    return abs(to_number(n))


@_fn("ceil")
def _ceil(n):
    return math.ceil(to_number(n))


@_fn("floor")
def _floor(n):
    return math.floor(to_number(n))
