"""Regular expression functions: regex, regexall (and the pattern reader ``replace`` uses).

Terraform's patterns are RE2's.  Python's ``re`` reads the common part the same way once ``\\d``, ``\\w``,
``\\s`` and ``\\b`` are ASCII (as in RE2) and ``$`` means the end of the text (RE2 without the ``m`` flag;
Python's ``$`` also matches before a final newline).  What RE2 spells differently (``\\p{L}``, ``\\z``,
``\\Q...\\E``, named groups, POSIX classes) is not modelled: the value is unknown, never a guess.
Checked against ``terraform console`` 1.11 (tests/test_hcl_loader.py).
"""
from __future__ import annotations

import re
from typing import Any

from ..values import EvalError, _Unsupported
from .registry import _fn, _need_str

_RE2_ONLY = re.compile(r"\\[pPzZQEC1-9]|\(\?P?<|\(\?[=!]|\[\[:|\(\?[a-zA-Z]*U")


def _end_anchors(pattern: str) -> str:
    """``pattern`` with every ``$`` that is an anchor (not escaped, not in a class) as ``\\Z``."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            if pattern.startswith("[]", i) or pattern.startswith("[^]", i):  # a leading ] is literal
                out.append(pattern[i:i + (2 if pattern[i + 1] == "]" else 3)])
                i += 2 if pattern[i + 1] == "]" else 3
                continue
        elif c == "$":
            c = r"\Z"
        out.append(c)
        i += 1
    return "".join(out)


def go_regex(pattern: str) -> re.Pattern:
    """A Python pattern that matches as RE2 matches ``pattern``; _Unsupported where it may not."""
    if _RE2_ONLY.search(pattern):
        raise _Unsupported("RE2-specific regular expression syntax")
    multiline = re.match(r"\(\?[a-zA-Z]*m", pattern) is not None
    try:
        return re.compile(pattern if multiline else _end_anchors(pattern), re.ASCII)
    except re.error:
        raise _Unsupported("regular expression") from None


def _result(rx: re.Pattern, match: re.Match) -> Any:
    if rx.groups == 0:
        return match.group(0)
    return [g for g in match.groups()]  # a group that took no part is null


@_fn("regex")
def _regex(pattern, string):
    rx = go_regex(_need_str(pattern))
    match = rx.search(_need_str(string))
    if match is None:
        raise EvalError("regex: pattern did not match any part of the given string")
    return _result(rx, match)


@_fn("regexall")
def _regexall(pattern, string):
    rx = go_regex(_need_str(pattern))
    return [_result(rx, m) for m in rx.finditer(_need_str(string))]
