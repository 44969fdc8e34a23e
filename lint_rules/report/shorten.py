"""Keep a finding's line readable: summarise long lists inside a message.

Rules write one message per finding and name every resource involved; on a large configuration that
can be a list of eighteen delivery channels.  The text report keeps each finding line under
``LINE_LIMIT`` characters by summarising such lists (``a, b … (+16 more)``); ``--verbose`` and the
JSON, SARIF and evidence reports keep the whole message.
"""
from __future__ import annotations

import re

LINE_LIMIT = 300
MIN_MESSAGE = 120  # never shorten a message below this, however long its location is

_OPEN, _CLOSE = "([{", ")]}"


_TOKENS: dict[str, re.Pattern[str]] = {}


def split_top(text: str, sep: str) -> list[str]:
    """``text`` split at ``sep`` where it is outside quotes and brackets.

    A quote opens where it does not follow a letter or digit (``role's`` is not a quote); inside one,
    a backslash escapes the next character.  Only the characters that can change the state are
    visited (a regular expression finds them), so a long message costs little."""
    tokens = _TOKENS.get(sep)
    if tokens is None:
        tokens = _TOKENS[sep] = re.compile(r"""[\\'"()\[\]{}]|""" + re.escape(sep))
    parts, depth, quote, start, pos = [], 0, "", 0, 0
    search = tokens.search
    while (m := search(text, pos)) is not None:
        c, i, pos = m.group(), m.start(), m.end()
        if quote:
            if c == "\\":
                pos += 1
            elif c == quote:
                quote = ""
        elif c == "'" or c == '"':
            if i == 0 or not text[i - 1].isalnum():
                quote = c
        elif c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth = max(0, depth - 1)
        elif c == sep and depth == 0:
            parts.append(text[start:i])
            start = pos
    parts.append(text[start:])
    return parts


def _compress(items: list[str], keep: int, sep: str, keep_last: bool) -> str:
    """``a, b … (+3 more)`` -- or, keeping the last item too, ``a; … (+3 more); z``."""
    if keep_last:
        more = len(items) - keep - 1
        return sep.join(items[:keep]) + f"{sep}… (+{more} more){sep}" + items[-1]
    more = len(items) - keep
    return sep.join(items[:keep]) + f" … (+{more} more)"


def _lists(text: str, sep: str, keep: int, keep_last: bool, inside: str | None) -> str:
    """Every top-level run of three or more ``sep``-separated items in ``text`` summarised; with
    ``inside``, the runs inside each ``inside``-separated segment instead."""
    if inside:
        return inside.join(_lists(seg, sep, keep, keep_last, None) for seg in split_top(text, inside))
    items = split_top(text, sep)
    if len(items) < 3 or len(items) - keep - keep_last < 1:
        return text
    return _compress(items, keep, sep, keep_last)


def _cut_middle(text: str, budget: int) -> str:
    """``text`` with its middle replaced by `` … ``: the start names the problem, the end concludes."""
    head = text.rfind(" ", 0, budget * 3 // 5)
    head = head if head > budget // 3 else budget * 3 // 5
    tail_len = budget - head - 3
    tail = text.find(" ", len(text) - tail_len)
    tail = tail + 1 if 0 <= tail < len(text) - tail_len // 2 else len(text) - tail_len
    return text[:head].rstrip(" ,;:") + " … " + text[tail:]


def shorten(message: str, budget: int) -> str:
    """``message`` itself when it fits ``budget`` characters, else a summary of it: lists of names
    (``a, b, c``) inside each clause shortened, then lists of clauses (``x; y; z``), then the middle
    cut out."""
    if len(message) <= budget:
        return message
    steps = ((", ", 2, False, ": "), (", ", 1, False, ": "), ("; ", 1, True, None), ("; ", 1, False, None))
    text = message
    for sep, keep, keep_last, inside in steps:
        shorter = _lists(text, sep, keep, keep_last, inside)
        if len(shorter) <= budget:
            return shorter
        if not keep_last:  # keeping the last clause did not fit: the next step drops it instead
            text = shorter
    return _cut_middle(text, budget)
