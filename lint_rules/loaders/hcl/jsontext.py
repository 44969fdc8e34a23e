"""A JSON text written as a string template, known in part: the document it will be.

Policies, event patterns and Session Manager preferences are often written as JSON in a heredoc
with interpolations (the form of AWS's own examples)::

    policy = <<EOF
    {"Statement": [{"Effect": "Allow", "Resource": "${aws_s3_bucket.logs.arn}/*", ...}]}
    EOF

When a piece is not known until apply, the string is a :class:`~lint_rules.model.PartialString`.
:func:`json_text_form` reads it as the document it will be -- ``{"Statement": [{"Resource":
PartialString(<bucket ARN>, "/*")}]}``, the form ``jsonencode({...})`` gives (see :mod:`.partial`) --
when that is certain:

- the known text with each unknown piece standing for a string's characters parses as JSON, and
  every unknown piece lies inside one string value (never in a key, never outside a string: in
  ``"enabled": ${var.flag}`` the piece is JSON syntax, and the text is not read);
- every unknown piece reads back as itself when pasted into a JSON string unescaped (``paste_safe``:
  no quote, backslash or control character can be in it -- one could end the string and write
  more JSON);
- no object repeats a key (readers of JSON differ on which one wins).

Otherwise None: the caller keeps what it had.
"""
from __future__ import annotations

import json
import re
from typing import Any, Callable

from ...model import Hole, PartialString

# a piece stands in the text as a private-use character pair around its number: valid inside a JSON
# string, a syntax error anywhere else
_OPEN, _CLOSE = "\ue000", "\ue001"
_MARK = re.compile(_OPEN + r"(\d+)" + _CLOSE)


class _Refused(Exception):
    pass


def _no_duplicates(pairs: list) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _Refused("duplicate key")
        out[key] = value
    return out


def looks_like_json(form: Any) -> bool:
    """Is ``form`` a PartialString whose known text starts a JSON object or array?"""
    return isinstance(form, PartialString) and form.prefix.lstrip()[:1] in ("{", "[")


def json_text_form(form: PartialString, paste_safe: Callable[[Hole], bool]) -> dict | list | None:
    """The document the JSON text ``form`` will be, with :class:`PartialString` leaves for the strings
    that hold unknown pieces; None when that is not certain (see the module docstring)."""
    holes: list[Hole] = []
    text: list[str] = []
    for part in form.parts:
        if isinstance(part, Hole):
            if not paste_safe(part):
                return None
            text.append(f"{_OPEN}{len(holes)}{_CLOSE}")
            holes.append(part)
        else:
            if _OPEN in part or _CLOSE in part:
                return None
            text.append(part)
    if not holes:
        return None
    try:
        doc = json.loads("".join(text), object_pairs_hook=_no_duplicates)
    except (ValueError, _Refused, RecursionError):
        return None
    if not isinstance(doc, (dict, list)):
        return None
    seen: list[int] = []

    def leaf(value: str) -> Any:
        if _OPEN not in value and _CLOSE not in value:
            return value
        parts: list[Any] = []
        pos = 0
        for m in _MARK.finditer(value):
            parts.append(value[pos:m.start()])
            index = int(m.group(1))
            if index >= len(holes):
                raise _Refused("not a piece")
            parts.append(holes[index])
            seen.append(index)
            pos = m.end()
        rest = value[pos:]
        parts.append(rest)
        if any(_OPEN in p or _CLOSE in p for p in parts if isinstance(p, str)):
            raise _Refused("a piece cut by an escape")
        return PartialString(tuple(parts))

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                if _OPEN in k or _CLOSE in k:
                    raise _Refused("a piece in a key")
                out[k] = walk(v)
            return out
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str):
            return leaf(value)
        return value

    try:
        out = walk(doc)
    except (_Refused, RecursionError):
        return None
    if sorted(seen) != list(range(len(holes))):
        return None  # a piece was lost or repeated: not the text read
    return out
