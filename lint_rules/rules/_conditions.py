"""Matching and condition evaluation of IAM policies, three-valued, for the delivery rules (DLV).

Values are :data:`~._symbolic.Text` s made concrete in a *world* (an assignment of values to the
symbols known only at apply, see :mod:`._worlds`): a value still holding an unknown piece is a
:class:`~lint_rules.model.PartialString`, and a comparison that depends on it is UNKNOWN -- never a
match that would make a rule pass.  Conditions follow IAM's rules for keys the request does not
carry (:data:`ABSENT`): ``...IfExists`` and negated operators hold, ``ForAllValues`` holds,
``ForAnyValue`` and the rest do not, ``Null`` tells.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..model import UNKNOWN, Hole, PartialString
from . import _iam
from ._glob import star_match
from ._symbolic import Text, show, symbols

ABSENT = object()  # a condition key the request does not carry


# =============================================================================
# matching (three-valued; a value with unknown pieces is a PartialString)
# =============================================================================
def concrete(t: Any, world: dict, opaque: bool = False) -> Any:
    """A Text with the world's values -> str, or PartialString when a piece stays unknown
    (``opaque``: every resource attribute -- a ``ref`` symbol -- stays unknown too)."""
    if not isinstance(t, tuple):
        return UNKNOWN
    if len(t) == 1 and isinstance(t[0], str):
        return t[0]
    if not t:
        return ""
    parts: list[Any] = []
    for p in t:
        if isinstance(p, str):
            parts.append(p)
        elif opaque and p.kind == "ref":
            parts.append(Hole())
        elif p in world:
            parts.append(world[p])
        else:
            parts.append(Hole())
    if all(isinstance(p, str) for p in parts):
        return "".join(parts)
    return PartialString(tuple(parts))


def _regex(pattern: str, glob: bool) -> str:
    if not glob:
        return re.escape(pattern)
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)


def _partial_regex(value: PartialString, glob: bool) -> str:
    return "".join(".*" if isinstance(p, Hole) else _regex(p, glob) for p in value.parts)


def _fold(v: Any) -> Any:
    if isinstance(v, str):
        return v.lower()
    if isinstance(v, PartialString):
        return PartialString(tuple(p.lower() if isinstance(p, str) else p for p in v.parts))
    return v


@lru_cache(maxsize=4096)
def _compiled(pattern: str, glob: bool) -> re.Pattern:
    return re.compile(_regex(pattern, glob), re.S)


def match(pattern: Any, value: Any, glob: bool = True, fold: bool = False) -> Any:
    """Does ``value`` match ``pattern`` (IAM wildcards ``*`` ``?`` when ``glob``)?  True/False/UNKNOWN."""
    if pattern is UNKNOWN or value is UNKNOWN or pattern is None or value is None:
        return UNKNOWN
    if fold:
        pattern, value = _fold(pattern), _fold(value)
    if isinstance(pattern, str) and isinstance(value, str):
        if pattern == value:
            return True
        if not glob or ("*" not in pattern and "?" not in pattern):
            return False  # no wildcard: equal or not (and no regex to build for each distinct ARN)
        if "?" not in pattern:
            return star_match(pattern, value)
        return _compiled(pattern, glob).fullmatch(value) is not None
    if isinstance(pattern, PartialString):
        if isinstance(value, str):
            return UNKNOWN if re.fullmatch(_partial_regex(pattern, glob), value, re.S) else False
        return UNKNOWN
    # a known pattern, a value known in part
    if glob and "*" in pattern and "?" not in pattern and "[" not in pattern:
        return value.could_match(pattern)
    if not glob or ("*" not in pattern and "?" not in pattern):
        # equal only if the value's known text fits the pattern's text
        return UNKNOWN if re.fullmatch(_partial_regex(value, False), pattern, re.S) else False
    return UNKNOWN


def _ref_syms(t: Any) -> frozenset:
    return frozenset(s for s in symbols(t) if s.kind == "ref")


def tmatch(pattern: Any, value: Any, world: dict, glob: bool = True, fold: bool = False) -> Any:
    """:func:`match` of two Texts in a world.  A resource attribute known only at apply (a ``ref``
    symbol) takes one fresh value, so the same attribute on both sides compares equal; when it is on
    one side only, a mismatch is no proof (it may be the other side's text): then only what the
    known text shows counts."""
    if not isinstance(pattern, tuple) or not isinstance(value, tuple):
        return UNKNOWN
    verdict = match(concrete(pattern, world), concrete(value, world), glob, fold)
    if verdict is not False or _ref_syms(pattern) == _ref_syms(value):
        return verdict
    return match(concrete(pattern, world, opaque=True), concrete(value, world, opaque=True), glob, fold)


# =============================================================================
# conditions
# =============================================================================
_NEGATED = ("stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals", "arnnotlike",
            "numericnotequals", "datenotequals", "notipaddress")
_NUMERIC = {"numericequals": lambda a, b: a == b, "numericnotequals": lambda a, b: a == b,
            "numericlessthan": lambda a, b: a < b, "numericlessthanequals": lambda a, b: a <= b,
            "numericgreaterthan": lambda a, b: a > b, "numericgreaterthanequals": lambda a, b: a >= b}


def _value_match(op: str, policy_value: Text, ctx_value: Text, world: dict) -> Any:
    """The positive form of ``op`` for one policy value and one request value."""
    base = op[:-len("ifexists")] if op.endswith("ifexists") else op
    positive = base.replace("not", "", 1) if base in _NEGATED else base
    if positive in ("stringequals", "arnequals", "arnlike", "stringlike"):
        return tmatch(policy_value, ctx_value, world, glob=positive != "stringequals")
    if positive == "stringequalsignorecase":
        return tmatch(policy_value, ctx_value, world, glob=False, fold=True)
    if positive == "bool":
        return tmatch(policy_value, ctx_value, world, glob=False, fold=True)
    if positive in _NUMERIC or base in _NUMERIC:
        fn = _NUMERIC.get(base) or _NUMERIC[positive]
        try:
            return fn(float(concrete(ctx_value, world)), float(concrete(policy_value, world)))
        except (TypeError, ValueError):
            return UNKNOWN
    return UNKNOWN  # Date*, IpAddress, Binary*: not evaluated


def condition_holds(op: str, variable: str, values: Any, context: dict, world: dict) -> tuple[Any, str]:
    """One operator / key / values block against the request context: (verdict, the block as shown
    in a finding; "" when the verdict is True, which no finding shows)."""
    label = f"{op} {variable}"
    qualifier = ""
    low = op.lower()
    for q in ("foranyvalue:", "forallvalues:"):
        if low.startswith(q):
            qualifier, low = q[:-1], low[len(q):]
    if_exists = low.endswith("ifexists")
    base = low[:-len("ifexists")] if if_exists else low
    key = variable.lower()
    ctx = context.get(key, UNKNOWN)
    if ctx is UNKNOWN:
        return UNKNOWN, f"it depends on {variable}, which auditgate does not know this request to carry"
    if values is UNKNOWN:
        return UNKNOWN, f"its {label} values are not known until apply"
    if ctx is ABSENT:
        if base == "null":
            verdict = _null([concrete(v, world) for v in values], True)
        elif if_exists or qualifier == "forallvalues":
            verdict = True
        elif qualifier == "foranyvalue":
            verdict = False
        else:
            verdict = base in _NEGATED
    elif base == "null":
        verdict = _null([concrete(v, world) for v in values], False)
    else:
        negated = base in _NEGATED

        def one(cv: Any) -> Any:
            hit = _iam.tri_any(_value_match(base, pv, cv, world) for pv in values)
            return _iam.tri_not(hit) if negated else hit

        if qualifier == "forallvalues":
            verdict = _iam.tri_all(one(cv) for cv in list(ctx))
        else:
            verdict = _iam.tri_any(one(cv) for cv in list(ctx))
    if verdict is True:
        return True, ""  # (the label is formatted only for a finding that shows it)
    shown_values = ", ".join(show(v) for v in values[:3]) + (", ..." if len(values) > 3 else "")
    label = f"{op} {variable} [{shown_values}]"
    if ctx is ABSENT:
        label += f" (the request carries no {variable})"
    elif base != "null":
        label += f" (the request's {variable} is {', '.join(show(v) for v in ctx)})"
    return verdict, label


def _null(policy_values: list, absent: bool) -> Any:
    results = []
    for v in policy_values:
        if not isinstance(v, str):
            results.append(UNKNOWN)
        else:
            results.append((v.lower() == "true") == absent)
    return _iam.tri_any(results)


def conditions_hold(cond: Any, context: dict, world: dict) -> tuple[Any, str]:
    """All blocks of a Condition (AND); (verdict, why it is not True)."""
    if cond is UNKNOWN:
        return UNKNOWN, "its Condition is not known until apply"
    if not cond:
        return True, ""
    unknown_why = ""
    for op, body in cond.items():
        if not isinstance(body, dict):
            return UNKNOWN, "its Condition is not known until apply"
        for variable, values in body.items():
            verdict, why = condition_holds(str(op), str(variable), values, context, world)
            if verdict is False:
                return False, f"its condition {why} does not hold"
            if verdict is UNKNOWN and not unknown_why:
                unknown_why = why
    return (UNKNOWN, unknown_why) if unknown_why else (True, "")
