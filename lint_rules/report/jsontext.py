"""JSON text with two-space indentation, the same text as ``json.dumps(obj, indent=2, ensure_ascii=False)``.

The standard library encodes with indentation in pure Python, one generator step per token: the JSON
report of a 5,000-resource plan took a third of a second there.  Reports hold only plain data (dicts
with string keys, lists, tuples, strings, numbers, booleans, None), so this writes each finding's text in
one pass with the C string encoder and joins the pieces.  Anything else is refused as ``json`` refuses it.
"""
from __future__ import annotations

import json.encoder
from typing import Any, Iterable, Iterator

_encode_str = json.encoder.encode_basestring  # the C implementation where CPython has it
_INFINITY = float("inf")


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    if isinstance(key, float):
        return _float(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _write(value: Any, indent: str, out: list[str], active: set[int]) -> None:
    if isinstance(value, str):
        out.append(_encode_str(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, (list, tuple, dict)):
        if not value:
            out.append("{}" if isinstance(value, dict) else "[]")
            return
        marker = id(value)
        if marker in active:
            raise ValueError("Circular reference detected")
        active.add(marker)
        inner = indent + "  "
        if isinstance(value, dict):
            out.append("{")
            first = True
            for key, item in value.items():
                out.append(("\n" if first else ",\n") + inner + _encode_str(_key(key)) + ": ")
                first = False
                _write(item, inner, out, active)
            out.append("\n" + indent + "}")
        else:
            out.append("[")
            first = True
            for item in value:
                out.append(("\n" if first else ",\n") + inner)
                first = False
                _write(item, inner, out, active)
            out.append("\n" + indent + "]")
        active.discard(marker)
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def dumps(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``."""
    out: list[str] = []
    _write(value, "", out, set())
    return "".join(out)


def iter_list_member(doc: dict, big: str, items: Iterable[Any]) -> Iterator[str]:
    """``dumps(doc)`` in pieces, with ``doc[big]`` (a list placeholder) written from ``items`` one
    item at a time: a large report is never held whole in memory as one string."""
    out: list[str] = ["{"]
    first = True
    for key, value in doc.items():
        out.append(("\n" if first else ",\n") + "  " + _encode_str(_key(key)) + ": ")
        first = False
        if key != big:
            _write(value, "  ", out, set())
            continue
        yield "".join(out)
        out = []
        opened = False
        for item in items:
            piece: list[str] = ["[\n    " if not opened else ",\n    "]
            opened = True
            _write(item, "    ", piece, set())
            yield "".join(piece)
        out.append("\n  ]" if opened else "[]")
    out.append("\n}" if not first else "}")
    yield "".join(out)
