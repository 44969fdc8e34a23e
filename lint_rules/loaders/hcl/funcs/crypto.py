"""Hash functions: md5, sha1, sha256."""
from __future__ import annotations

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
