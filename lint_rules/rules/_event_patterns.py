"""EventBridge event patterns (``aws_cloudwatch_event_rule.event_pattern``) evaluated with EventBridge's
matching semantics: lists are "any of", content filters ``prefix`` / ``suffix`` / ``anything-but`` /
``numeric`` / ``exists`` / ``equals-ignore-case`` / ``wildcard``, ``$or`` (True / False / UNKNOWN).
"""
from __future__ import annotations

import json
from typing import Any

from ..model import UNKNOWN
from . import _iam
from ._iam import tri_all as tri_and, tri_any as tri_or
from ._filter_patterns import _MISSING, _glob


def _as_values(value: Any) -> list:
    if value is _MISSING:
        return []
    return value if isinstance(value, list) else [value]


def _content_filter(spec: dict, value: Any) -> Any:
    """One content filter (``{"prefix": "x"}``, ``{"numeric": [">=", 7]}``, ...) against a field."""
    if len(spec) != 1:
        return UNKNOWN
    (op, arg), = spec.items()
    values = _as_values(value)
    if op == "exists":
        present = value is not _MISSING
        return present if arg is True else (not present if arg is False else UNKNOWN)
    if value is _MISSING:
        return False
    if op == "prefix":
        if isinstance(arg, dict) and "equals-ignore-case" in arg:
            p = str(arg["equals-ignore-case"]).lower()
            return any(isinstance(v, str) and v.lower().startswith(p) for v in values)
        return any(isinstance(v, str) and isinstance(arg, str) and v.startswith(arg) for v in values)
    if op == "suffix":
        if isinstance(arg, dict) and "equals-ignore-case" in arg:
            p = str(arg["equals-ignore-case"]).lower()
            return any(isinstance(v, str) and v.lower().endswith(p) for v in values)
        return any(isinstance(v, str) and isinstance(arg, str) and v.endswith(arg) for v in values)
    if op == "equals-ignore-case":
        return any(isinstance(v, str) and isinstance(arg, str) and v.lower() == arg.lower() for v in values)
    if op == "wildcard":
        return any(isinstance(v, str) and isinstance(arg, str) and _glob(arg, v) for v in values)
    if op == "numeric":
        if not isinstance(arg, list) or len(arg) % 2:
            return UNKNOWN
        nums = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]

        def ok(n):
            for i in range(0, len(arg), 2):
                o, b = arg[i], arg[i + 1]
                if not isinstance(b, (int, float)):
                    return UNKNOWN
                r = {"=": n == b, ">": n > b, ">=": n >= b, "<": n < b, "<=": n <= b}.get(o)
                if r is None:
                    return UNKNOWN
                if not r:
                    return False
            return True
        return tri_or(ok(n) for n in nums)
    if op == "anything-but":
        if isinstance(arg, dict):
            inner = _content_filter(arg, value)
            return _iam.tri_not(inner)
        excluded = arg if isinstance(arg, list) else [arg]
        return any(v not in excluded for v in values) if values else False
    return UNKNOWN  # cidr and anything newer


def _match_list(items: list, value: Any) -> Any:
    values = _as_values(value)
    results = []
    for item in items:
        if isinstance(item, dict):
            results.append(_content_filter(item, value))
        else:
            results.append(any(v == item and type(v) is type(item) for v in values))
    return tri_or(results)


def event_pattern_matches(pattern: Any, event: Any) -> Any:
    """Does an EventBridge ``pattern`` (dict) match ``event``?  True / False / UNKNOWN."""
    if not isinstance(pattern, dict):
        return UNKNOWN
    results = []
    for key, expected in pattern.items():
        if key == "$or":
            if not isinstance(expected, list):
                return UNKNOWN
            results.append(tri_or(event_pattern_matches(p, event) for p in expected))
            continue
        actual = event.get(key, _MISSING) if isinstance(event, dict) else _MISSING
        if isinstance(expected, dict):
            if isinstance(actual, list):
                results.append(tri_or(event_pattern_matches(expected, a) for a in actual if isinstance(a, dict))
                               if any(isinstance(a, dict) for a in actual) else event_pattern_matches(expected, {}))
            else:
                results.append(event_pattern_matches(expected, actual if isinstance(actual, dict) else {}))
        elif isinstance(expected, list):
            results.append(_match_list(expected, actual))
        else:
            return UNKNOWN  # not a valid pattern: leaves must be arrays
    return tri_and(results)


def parse_event_pattern(value: Any) -> tuple[Any, str]:
    """(pattern dict | UNKNOWN | None, why not) of an ``event_pattern`` attribute value."""
    if value is UNKNOWN:
        return UNKNOWN, "event_pattern is not known until apply"
    if value is None or value == "":
        return None, "event_pattern is not set"
    if isinstance(value, dict):
        return value, ""
    if isinstance(value, str):
        try:
            doc = json.loads(value)
        except ValueError:
            return None, "event_pattern is not valid JSON"
        if isinstance(doc, dict):
            return doc, ""
    return None, "event_pattern is not a JSON object"
