"""CloudWatch Logs metric filter patterns (``aws_cloudwatch_log_metric_filter.pattern``), parsed and
evaluated against an event: :func:`filter_matches` (True / False / UNKNOWN; a construct this module does
not understand is UNKNOWN, never a match).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Callable

from ..model import UNKNOWN
from . import _iam
from ._iam import tri_all as tri_and, tri_any as tri_or


class PatternError(ValueError):
    """A filter pattern this module cannot read (the match is then UNKNOWN)."""


_MISSING = object()
_TOKEN = re.compile(r'''
    \s*(?:
      (?P<lp>\() | (?P<rp>\)) | (?P<and>&&) | (?P<or>\|\|)
    | (?P<op>!=|>=|<=|=|>|<)
    | (?P<lb>\[) | (?P<rb>\]) | (?P<comma>,)
    | (?P<sel>\$(?:\.[^\s.()&|=!<>\[\],"]+|\[\d+\]|\[\*\])*)
    | (?P<str>"(?:[^"\\]|\\.)*")
    | (?P<regex>%(?:[^%\\]|\\.)*%)
    | (?P<word>[^\s()&|=!<>\[\],"]+)
    )''', re.X)
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise PatternError(f"cannot read the filter pattern at {text[pos:pos + 20]!r}")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _select(event: Any, selector: str) -> Any:
    """The value at ``$.a.b[0]`` in ``event``; _MISSING when absent; UNKNOWN for unsupported paths."""
    node = event
    for part in re.findall(r"\.([^.\[]+)|\[(\d+|\*)\]", selector[1:]):
        name, index = part
        if name:
            if isinstance(node, list):
                return UNKNOWN  # an array selected without an index
            if not isinstance(node, dict) or name not in node:
                return _MISSING
            node = node[name]
        else:
            if index == "*":
                return UNKNOWN
            if not isinstance(node, list) or int(index) >= len(node):
                return _MISSING
            node = node[int(index)]
    return node


def _glob(pattern: str, value: str) -> bool:
    return re.fullmatch(".*".join(re.escape(p) for p in pattern.split("*")), value, re.S) is not None


def _compare(actual: Any, op: str, kind: str, raw: str) -> Any:
    if actual is UNKNOWN:
        return UNKNOWN
    if actual is _MISSING:
        return False
    if kind == "regex":
        if not isinstance(actual, str):
            return False
        try:
            found = re.search(raw[1:-1], actual) is not None
        except re.error:
            return UNKNOWN
        return found if op == "=" else (not found if op == "!=" else UNKNOWN)
    text = json.loads(raw) if kind == "str" else raw
    if isinstance(actual, bool) or actual is None or isinstance(actual, (dict, list)):
        return False if op == "=" else (True if op == "!=" else False)
    if isinstance(actual, (int, float)):
        if not _NUMBER.match(text):
            return False if op != "!=" else True
        a, b = float(actual), float(text)
        return {"=": a == b, "!=": a != b, ">": a > b, "<": a < b, ">=": a >= b, "<=": a <= b}[op]
    # a string property
    if op in ("=", "!="):
        equal = _glob(text, actual) if "*" in text else actual == text
        return equal if op == "=" else not equal
    if _NUMBER.match(actual) and _NUMBER.match(text):
        a, b = float(actual), float(text)
        return {">": a > b, "<": a < b, ">=": a >= b, "<=": a <= b}[op]
    return False


class _Parser:
    """Recursive descent over the tokens of a JSON filter pattern ``{ ... }``."""

    def __init__(self, tokens):
        self.tokens = tokens
        self.i = 0

    def peek(self, offset: int = 0):
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else (None, None)

    def take(self, kind: str | None = None, value: str | None = None):
        tok = self.peek()
        if tok[0] is None or (kind and tok[0] != kind) or (value and tok[1].upper() != value):
            raise PatternError(f"unexpected {tok[1]!r} in the filter pattern")
        self.i += 1
        return tok

    def parse(self) -> Callable[[dict], Any]:
        expr = self.parse_or()
        if self.peek()[0] is not None:
            raise PatternError(f"unexpected {self.peek()[1]!r} in the filter pattern")
        return expr

    def parse_or(self):
        parts = [self.parse_and()]
        while self.peek()[0] == "or":
            self.take()
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else (lambda e, ps=parts: tri_or(p(e) for p in ps))

    def parse_and(self):
        parts = [self.parse_unary()]
        while self.peek()[0] == "and":
            self.take()
            parts.append(self.parse_unary())
        return parts[0] if len(parts) == 1 else (lambda e, ps=parts: tri_and(p(e) for p in ps))

    def parse_unary(self):
        if self.peek()[0] == "lp":
            self.take()
            inner = self.parse_or()
            self.take("rp")
            return inner
        return self.parse_comparison()

    def parse_comparison(self):
        _, selector = self.take("sel")
        kind, value = self.peek()
        if kind == "op":
            op = self.take()[1]
            vkind, raw = self.peek()
            if vkind not in ("str", "regex", "word"):
                raise PatternError(f"expected a value after {selector} {op}")
            self.take()
            return lambda e, s=selector, o=op, k=vkind, r=raw: _compare(_select(e, s), o, k, r)
        if kind == "word":
            word = value.upper()
            if word == "IS":
                self.take()
                what = self.take("word")[1].upper()
                if what not in ("NULL", "TRUE", "FALSE"):
                    raise PatternError(f"unexpected IS {what}")
                target = {"NULL": None, "TRUE": True, "FALSE": False}[what]

                def is_(e, s=selector, t=target):
                    v = _select(e, s)
                    if v is UNKNOWN:
                        return UNKNOWN
                    return v is not _MISSING and v is t
                return is_
            if word == "NOT" and str(self.peek(1)[1]).upper() == "EXISTS":
                self.take()
                self.take()
                return lambda e, s=selector: (UNKNOWN if _select(e, s) is UNKNOWN else _select(e, s) is _MISSING)
            if word == "EXISTS":
                self.take()
                return lambda e, s=selector: (UNKNOWN if _select(e, s) is UNKNOWN else _select(e, s) is not _MISSING)
            if word in ("IN", "NOT"):
                negate = word == "NOT"
                self.take()
                if negate:
                    self.take("word", "IN")
                self.take("lb")
                items = []
                while self.peek()[0] != "rb":
                    vkind, raw = self.take()
                    if vkind not in ("str", "word", "regex"):
                        raise PatternError("unexpected token in IN [...]")
                    items.append((vkind, raw))
                    if self.peek()[0] == "comma":
                        self.take()
                self.take("rb")

                def in_(e, s=selector, its=items, neg=negate):
                    actual = _select(e, s)
                    hit = tri_or(_compare(actual, "=", k, r) for k, r in its)
                    if actual is _MISSING:
                        return False
                    return _iam.tri_not(hit) if neg else hit
                return in_
        raise PatternError(f"cannot read the condition on {selector}")


def _split_terms(text: str) -> list[str]:
    return re.findall(r'[?-]?"(?:[^"\\]|\\.)*"|\S+', text)


def _term_text(term: str) -> str:
    return json.loads(term) if term.startswith('"') else term


@lru_cache(maxsize=4096)  # the same patterns are matched against many events, by several rules
def compile_filter(pattern: str) -> Callable[[dict], Any]:
    """A CloudWatch Logs filter pattern as a function event -> True / False / UNKNOWN.

    Raises :class:`PatternError` for syntax this module does not read (space-delimited
    ``[...]`` patterns, unbalanced braces, ...).
    """
    text = pattern.strip()
    if text.startswith("{"):
        if not text.endswith("}"):
            raise PatternError("a JSON filter pattern must end with '}'")
        return _Parser(_tokens(text[1:-1])).parse()
    if text.startswith("["):
        raise PatternError("space-delimited [...] patterns do not apply to CloudTrail's JSON events")
    terms = _split_terms(text)

    def match(event, terms=terms):
        line = json.dumps(event, separators=(",", ":"))
        required, optional, excluded = [], [], []
        for t in terms:
            if t.startswith("?"):
                optional.append(t[1:])
            elif t.startswith("-") and len(t) > 1:
                excluded.append(t[1:])
            else:
                required.append(t)

        def has(term):
            if term.startswith("%") and term.endswith("%") and len(term) > 1:
                return re.search(term[1:-1], line) is not None
            return _term_text(term) in line
        if any(has(t) for t in excluded):
            return False
        if not all(has(t) for t in required):
            return False
        return any(has(t) for t in optional) if optional else True
    return match


def filter_matches(pattern: Any, event: dict) -> Any:
    """Does a metric filter ``pattern`` match ``event``?  True / False / UNKNOWN."""
    if not isinstance(pattern, str):
        return UNKNOWN if pattern is UNKNOWN else False
    try:
        return compile_filter(pattern)(event)
    except (PatternError, re.error, ValueError):
        return UNKNOWN
