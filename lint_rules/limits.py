"""Size limits on what auditgate reads: input too big to read in bounded memory is refused in one
line (exit 2), before it is read, never half-read or swapped.

- ``AUDITGATE_MAX_INPUT_SIZE`` (default 256M): a plan JSON file or plan on standard input, a
  ``.tf.json`` file, a policy file.  Python holds a parsed JSON document in about ten times its
  size, so the default keeps the largest plan under ~3 GB of memory.
- ``AUDITGATE_MAX_HCL_SIZE`` (default 8M): each ``.tf`` / ``.tfvars`` file.  The HCL parser needs
  about 200 bytes of memory per byte of text (a 50 MB heredoc took 10 GB and three minutes);
  hand-written Terraform files are kilobytes.

A size is a number of bytes with an optional K, M or G suffix (powers of 1024); ``0`` means no
limit.
"""
from __future__ import annotations

import os
import re
from typing import BinaryIO

from .errors import InputError

ENV_MAX_INPUT = "AUDITGATE_MAX_INPUT_SIZE"
ENV_MAX_HCL = "AUDITGATE_MAX_HCL_SIZE"
DEFAULT_MAX_INPUT = 256 * 2 ** 20
DEFAULT_MAX_HCL = 8 * 2 ** 20

_SIZE = re.compile(r"\s*(\d+)\s*([kmg]?)i?b?\s*", re.IGNORECASE)
_UNITS = {"": 1, "k": 2 ** 10, "m": 2 ** 20, "g": 2 ** 30}


def parse_size(text: str, name: str) -> int:
    """``256M`` -> 268435456; one line naming the variable when the text is not a size."""
    match = _SIZE.fullmatch(text)
    if not match:
        raise InputError(f"{name}={text!r}: expected a size in bytes such as 256M, 1G or 0 (no limit)")
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


def _limit(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return default if raw is None or not raw.strip() else parse_size(raw, name)


def max_input_size() -> int:
    """The limit on a plan / JSON / policy input in bytes (0: none)."""
    return _limit(ENV_MAX_INPUT, DEFAULT_MAX_INPUT)


def max_hcl_size() -> int:
    """The limit on one HCL (``.tf``, ``.tfvars``) file in bytes (0: none)."""
    return _limit(ENV_MAX_HCL, DEFAULT_MAX_HCL)


def human(n: int) -> str:
    for unit, factor in (("GiB", 2 ** 30), ("MiB", 2 ** 20), ("KiB", 2 ** 10)):
        if n >= factor:
            return f"{n / factor:.1f} {unit}".replace(".0 ", " ")
    return f"{n} bytes"


def _too_big(size: int | None, limit: int, env: str, what: str, where: str) -> InputError:
    said = f"{human(size)}, " if size is not None else ""
    unread = ", not read" if size is not None else ""
    return InputError(f"{what} is {said}over the {human(limit)} size limit: refused{unread} "
                      f"(raise the limit with {env}=SIZE, 0 for none)", where)


def check_file_size(path: str, *, hcl: bool = False, what: str = "input") -> None:
    """Refuse ``path`` before reading it when it is over its limit."""
    limit, env = (max_hcl_size(), ENV_MAX_HCL) if hcl else (max_input_size(), ENV_MAX_INPUT)
    if not limit:
        return
    try:
        size = os.stat(path).st_size
    except OSError:
        return  # the read that follows says why
    if size > limit:
        raise _too_big(size, limit, env, what, path)


def read_limited(stream: BinaryIO, where: str, what: str = "input") -> bytes:
    """All of ``stream`` (standard input), refused once it passes the input limit: at most the
    limit plus one chunk is ever held."""
    limit = max_input_size()
    if not limit:
        return stream.read()
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(min(1 << 20, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise _too_big(None, limit, ENV_MAX_INPUT, what, where)
