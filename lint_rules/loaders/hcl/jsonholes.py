"""A JSON text known only in part (a heredoc or template with unknown pieces) read as the document it
will decode to.

``policy = <<POLICY { "Resource": "arn:aws:s3:::${local.bucket}/*" } POLICY`` with ``local.bucket``
known only after apply is a :class:`~lint_rules.model.PartialString` of JSON text.  When every unknown
piece sits inside a JSON string that is not an object key, the text decodes to a document whatever the
pieces turn out to be, and its leaves are known strings or :class:`PartialString` s: the same form
``jsonencode({...})`` with unknown leaves has (see :mod:`.partial`), so the rules read both alike.

Anything else stays the text: a piece outside a string (``"Resource": ${jsonencode(local.arns)}``) or in
a key could change the document's shape, and so could a piece that may hold a quote or a backslash
(``${var.who}`` = ``x", "Principal": "*``): every piece must be one the caller knows cannot
(``paste_safe``: an account id, a region, an S3 bucket's or KMS key's ARN...).  An object that repeats
a key is not read either (readers of JSON differ on which one wins).
"""
from __future__ import annotations

import json
import re
from typing import Any, Callable

from ...model import Hole, PartialString

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: never in a policy, valid inside JSON strings
_MARKER = re.compile(_OPEN + r"(\d+)" + _CLOSE)
_ESCAPED_MARKER = re.compile(r"\\u[eE]00[01]")


class _Unreadable(Exception):
    pass


def _no_duplicates(pairs: list) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _Unreadable(f"duplicate key {key!r}")
        out[key] = value
    return out


def decode_partial_json(form: PartialString, paste_safe: Callable[[Hole], bool]) -> dict | None:
    """The document ``form`` (JSON text with unknown pieces) decodes to, with its partially known
    strings as :class:`PartialString`; None when the text is not such a JSON object, or when a piece
    is not ``paste_safe`` (may hold a character that would change the JSON)."""
    pieces: list[str] = []
    holes: list[Hole] = []
    for part in form.parts:
        if isinstance(part, Hole):
            if not paste_safe(part):
                return None
            pieces.append(f"{_OPEN}{len(holes)}{_CLOSE}")
            holes.append(part)
        elif _OPEN in part or _CLOSE in part or _ESCAPED_MARKER.search(part):
            return None
        else:
            pieces.append(part)
    text = "".join(pieces)
    if not holes or not text.lstrip().startswith("{"):
        return None
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicates)
    except (ValueError, RecursionError, _Unreadable):
        return None
    if not isinstance(doc, dict):
        return None
    try:
        return _restore(doc, holes)
    except _Unreadable:
        return None


def _restore(value: Any, holes: list[Hole]) -> Any:
    if isinstance(value, str):
        if _OPEN not in value:
            return value
        split = _MARKER.split(value)  # text, hole index, text, hole index, ..., text
        parts: list[Any] = []
        for i, piece in enumerate(split):
            if i % 2:
                parts.append(holes[int(piece)])
            elif piece:
                parts.append(piece)
        return PartialString(tuple(parts))
    if isinstance(value, list):
        return [_restore(v, holes) for v in value]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if _OPEN in key:
                raise _Unreadable(key)  # an unknown key: the document's shape is not known
            out[key] = _restore(item, holes)
        return out
    return value
