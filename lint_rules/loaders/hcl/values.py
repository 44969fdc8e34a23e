"""Terraform values in Python: errors, type names, conversions, equality, sets, JSON encoding.

Values are plain Python (str, int, float, bool, None, list, dict), :class:`TfSet` for a set, or
:data:`~lint_rules.model.UNKNOWN`.  Conversions follow cty's rules (``"true"`` is a bool where a
bool is required, ``1`` is ``"1"`` where a string is); a value that does not convert raises
:class:`EvalError`, the error terraform would report.
"""
from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any

from ...model import UNKNOWN


class EvalError(Exception):
    """A Terraform evaluation error (the expression is invalid for these values)."""


class _Unsupported(Exception):
    """Something this evaluator does not model: the result is UNKNOWN."""


def has_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, list):
        return any(has_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(has_unknown(v) for v in value.values())
    return False


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def norm_number(value: float | int) -> float | int:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 63:
        return int(value)
    return value


def arith_result(value: float | int) -> float | int:
    """Terraform computes with big decimals (0.1 + 0.2 == 0.3); approximate that."""
    if isinstance(value, float) and math.isfinite(value):
        value = float(f"{value:.16g}")
    return norm_number(value)


_NUM_RE = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
_INF_RE = re.compile(r"^[-+]?Inf$")


def to_number(value: Any) -> int | float:
    """cty's string -> number conversion: a decimal representation, nothing around it."""
    if is_number(value):
        return value
    if isinstance(value, str):
        if _NUM_RE.match(value):
            try:
                return int(value)
            except ValueError:
                return norm_number(float(value))
        if _INF_RE.match(value):
            return float(value)
    raise EvalError(f"a number is required, got {type_name(value)}")


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "1"):  # cty's string -> bool conversion
        return True
    if value in ("false", "0"):
        return False
    raise EvalError(f"a bool is required, got {type_name(value)}")


def number_str(value: int | float) -> str:
    value = norm_number(value)
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    if "e" in text and math.isfinite(value):  # cty writes numbers without an exponent
        text = format(Decimal(text), "f")
    return text


def to_str(value: Any) -> str:
    """String conversion as in templates and string-typed arguments."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return number_str(value)
    if value is None:
        raise EvalError("a null value cannot be used as a string")
    raise EvalError(f"a string is required, got {type_name(value)}")


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "tuple"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def describe_value(value: Any, limit: int = 60) -> str:
    """A value for a one-line message: ``"yes"``, ``3``, ``true``, ``null``, ``[...]`` (shortened)."""
    try:
        text = json.dumps(_json_ready(value), ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def equal(a: Any, b: Any) -> bool:
    """Terraform equality: type-strict (1 != "1", true != 1)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) or is_number(b):
        return is_number(a) and is_number(b) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def key_str(value: Any) -> str:
    """A map key: strings, numbers and bools convert to strings."""
    if isinstance(value, (str, bool)) or is_number(value):
        return to_str(value)
    raise EvalError(f"a map key must be a string, got {type_name(value)}")


class TfSet(list):
    """A Terraform set: a list whose elements are their own keys when iterated."""


class RefMap(dict):
    """A map or object value that knows, for each key, the references (absolute resource addresses)
    its element was computed from: ``{ for k, b in aws_s3_bucket.this : k => b.id }["logs"]`` refers
    to ``aws_s3_bucket.this["logs"]`` only.  A key missing from ``key_refs`` has no narrower
    references than the whole value."""

    __slots__ = ("key_refs",)

    def __init__(self, items: Any = (), key_refs: dict | None = None):
        super().__init__(items)
        self.key_refs: dict[str, tuple[str, ...]] = key_refs or {}

    def __reduce__(self):
        return (RefMap, (dict(self), self.key_refs))


def iter_collection(value: Any) -> list[tuple[Any, Any]]:
    """(key, value) pairs of a list (index keys), a set (element keys) or a map (lexical order)."""
    if isinstance(value, TfSet):
        return [(v, v) for v in value]
    if isinstance(value, list):
        return list(enumerate(value))
    if isinstance(value, dict):
        return [(k, value[k]) for k in sorted(value)]
    raise EvalError(f"cannot iterate over {type_name(value)}")


def _set_sort_key(v: Any):
    return (type_name(v), v if not isinstance(v, (list, dict)) else json_encode(v))


def unify(values: list) -> list:
    """Terraform's element-type unification: mixed primitives in one list/set/map become strings."""
    kinds = {type_name(v) for v in values if v is not None}
    if len(kinds) > 1 and kinds <= {"string", "number", "bool"}:
        return [to_str(v) if v is not None else None for v in values]
    return values


def _as_set(values: list) -> list:
    values = unify(values)
    out: list = []
    for v in values:
        if not any(equal(v, o) for o in out):
            out.append(v)
    if all(isinstance(v, str) for v in out) or all(is_number(v) for v in out):
        return TfSet(sorted(out))
    return TfSet(out)


as_set = _as_set


def _json_ready(v: Any) -> Any:
    if isinstance(v, float):
        return norm_number(v)
    if isinstance(v, list):
        return [_json_ready(x) for x in v]
    if isinstance(v, dict):
        return {k: _json_ready(x) for k, x in v.items()}
    return v


def json_encode(v: Any) -> str:
    text = json.dumps(_json_ready(v), separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
