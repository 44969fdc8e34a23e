"""Encoding functions: jsonencode, jsondecode, base64encode, base64decode, urlencode."""
from __future__ import annotations

import base64
import json
from urllib.parse import quote_plus

from ..values import EvalError, _json_ready, json_encode
from .registry import _fn, _need_str


@_fn("jsonencode")
def _jsonencode(v):
    return json_encode(v)


@_fn("jsondecode")
def _jsondecode(s):
    try:
        return _json_ready(json.loads(_need_str(s)))
    except ValueError as exc:
        raise EvalError(f"invalid JSON: {exc}") from None


@_fn("base64encode")
def _base64encode(s):
    return base64.b64encode(_need_str(s).encode()).decode()


@_fn("base64decode")
def _base64decode(s):
    try:
        return base64.b64decode(_need_str(s), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        raise EvalError("invalid base64") from None


@_fn("urlencode")
def _urlencode(s):
    return quote_plus(_need_str(s), safe="-_.~")  # Go's url.QueryEscape
