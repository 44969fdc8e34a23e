"""``_glob``: the regex-free wildcard match answers exactly as ``fnmatch`` / ``re`` do."""
from __future__ import annotations

import fnmatch
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from lint_rules.rules import _glob
from lint_rules.rules._conditions import match

_chars = st.sampled_from(list("ab*:/\n.") + ["arn", "AWSLogs", "?", "["])
_text = st.lists(_chars, max_size=12).map("".join)


@settings(max_examples=800, derandomize=True, database=None)
@given(pattern=_text, value=_text)
def test_star_match_is_fnmatch(pattern, value):
    assert _glob.fnmatchcase(value, pattern) == fnmatch.fnmatchcase(value, pattern)


@settings(max_examples=800, derandomize=True, database=None)
@given(pattern=_text.filter(lambda p: "?" not in p), value=_text)
def test_star_match_is_the_iam_regex(pattern, value):
    regex = "".join(".*" if c == "*" else re.escape(c) for c in pattern)
    assert _glob.star_match(pattern, value) == (re.fullmatch(regex, value, re.S) is not None)


def test_examples():
    assert _glob.star_match("arn:aws:s3:::b/AWSLogs/*", "arn:aws:s3:::b/AWSLogs/1/x.gz")
    assert not _glob.star_match("arn:aws:s3:::b/AWSLogs/*", "arn:aws:s3:::c/AWSLogs/1/x.gz")
    assert _glob.star_match("a*b*a", "aba")
    assert not _glob.star_match("a*a", "a")  # the pieces may not overlap
    assert match("arn:aws:s3:::b/*", "arn:aws:s3:::b/k") is True
    assert match("arn:aws:s3:::b/?", "arn:aws:s3:::b/k") is True
    assert match("arn:aws:s3:::b", "arn:aws:s3:::b/k") is False
