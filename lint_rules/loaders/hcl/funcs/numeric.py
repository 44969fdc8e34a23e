"""Numeric functions: min, max, abs, ceil, floor, pow, signum, log, parseint."""
from __future__ import annotations

import math

from ..values import EvalError, _Unsupported, norm_number, to_number, to_str
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


@_fn("pow")
def _pow(base, exponent):
    return norm_number(math.pow(to_number(base), to_number(exponent)))


@_fn("signum")
def _signum(n):
    n = to_number(n)
    return (n > 0) - (n < 0)


@_fn("log")
def _log(n, base):
    n, base = to_number(n), to_number(base)
    if n <= 0 or base <= 0 or base == 1:
        raise _Unsupported("log of a number or base outside (0, inf)")  # terraform gives NaN or infinities
    return norm_number(math.log(n) / math.log(base))  # as go-cty computes it


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


@_fn("parseint")
def _parseint(s, base):
    text, base = to_str(s), to_number(base)
    if base != int(base) or not 2 <= base <= 62:
        raise EvalError("parseint: base must be a whole number between 2 and 62")
    base = int(base)
    digits = _DIGITS[:base] if base > 36 else _DIGITS[:base] + _DIGITS[36:36 + max(0, base - 10)]
    sign, body = (text[0], text[1:]) if text[:1] in "+-" else ("", text)
    if not body or any(c not in digits for c in body):
        raise EvalError(f"parseint: cannot parse {text!r} as a base {base} integer")
    if base <= 36:
        value = int(body, base)
    else:
        value = 0
        for c in body:
            value = value * base + _DIGITS.index(c)
    return -value if sign == "-" else value
