"""Hash functions: md5, sha1, sha256, sha512, base64sha256, base64sha512."""
from __future__ import annotations

import base64
import hashlib

from .registry import _fn, _need_str


@_fn("md5")
def _md5(s):
    return hashlib.md5(_need_str(s).encode()).hexdigest()


@_fn("sha1")
def _sha1(s):
    return hashlib.sha1(_need_str(s).encode()).hexdigest()


@_fn("sha256")
def _sha256(s):
    return hashlib.sha256(_need_str(s).encode()).hexdigest()


@_fn("sha512")
def _sha512(s):
    return hashlib.sha512(_need_str(s).encode()).hexdigest()


@_fn("base64sha256")
def _base64sha256(s):
    return base64.b64encode(hashlib.sha256(_need_str(s).encode()).digest()).decode()


@_fn("base64sha512")
def _base64sha512(s):
    return base64.b64encode(hashlib.sha512(_need_str(s).encode()).digest()).decode()
