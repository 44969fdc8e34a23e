"""Errors that end a run with exit code 2 and one line of explanation."""
from __future__ import annotations

import re

#: the longest error line (a value quoted from a hostile input is shortened in the middle)
MAX_MESSAGE = 1000

# line breaks and other control characters a quoted value may carry (C0, DEL, C1, U+2028/2029)
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` as one printable line of at most ``limit`` characters: control characters escaped
    (``\\n``, ``\\x1b``), the middle of an over-long text elided."""
    text = _CONTROL.sub(lambda m: {"\n": "\\n", "\r": "\\r"}.get(m.group(), f"\\x{ord(m.group()):02x}")
                        if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)
    if len(text) > limit:
        head = limit * 3 // 4
        text = f"{text[:head]} … {text[-(limit - head - 3):]}"
    return text


class InputError(Exception):
    """Bad input: the message is one line naming what is wrong and where."""

    def __init__(self, message: str, where: str = ""):
        self.where = where
        super().__init__(one_line(f"{where}: {message}" if where else message))
