"""Wildcard matching without a regular expression per pattern.

IAM ARNs, actions and names are matched against patterns where ``*`` is the usual wildcard.
Compiling a regular expression for each distinct pattern (``fnmatch``, ``re``) costs about half a
millisecond, and a plan of many accounts has thousands of distinct ARNs: :func:`star_match` answers
the common ``*``-only pattern by comparing its pieces in order instead.
"""
from __future__ import annotations

import fnmatch


def star_match(pattern: str, value: str) -> bool:
    """Does ``value`` match ``pattern`` in whole, where ``*`` in the pattern is any text (newlines
    too) and every other character stands for itself?"""
    parts = pattern.split("*")
    if len(parts) == 1:
        return pattern == value
    first, last = parts[0], parts[-1]
    if len(value) < len(first) + len(last) or not value.startswith(first) or not value.endswith(last):
        return False
    pos, end = len(first), len(value) - len(last)
    for middle in parts[1:-1]:  # leftmost placement of each piece is never worse for the rest
        found = value.find(middle, pos, end)
        if found < 0:
            return False
        pos = found + len(middle)
    return True


def fnmatchcase(value: str, pattern: str) -> bool:
    """:func:`fnmatch.fnmatchcase` (same arguments, same answers), fast for ``*``-only patterns."""
    if "?" in pattern or "[" in pattern:
        return fnmatch.fnmatchcase(value, pattern)
    return star_match(pattern, value)
