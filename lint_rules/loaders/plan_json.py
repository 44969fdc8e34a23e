"""Where in a plan document a problem is (a JSON pointer), and how a value is shown in a one-line error."""
from __future__ import annotations

from typing import Any, Iterable


class _Bad(Exception):
    """A problem at a JSON path of the document; becomes an InputError."""

    def __init__(self, path: Iterable[Any], message: str):
        super().__init__(message)
        self.path = tuple(path)
        self.message = message


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _short(value: Any, limit: int = 60) -> str:
    if isinstance(value, dict):
        text = "{...}" if value else "{}"
    elif isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value) and limit < 100:
        text = "[...]"
    else:
        text = repr(value)
    return _one_line(text, limit)


def _one_line(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _pointer(path: Iterable[Any]) -> str:
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "/" + "/".join(parts) if parts else "/ (the document itself)"
