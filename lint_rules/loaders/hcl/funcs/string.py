"""String functions: format, formatlist, case, trimming, join/split, replace, substr, prefix tests, strrev."""
from __future__ import annotations

import json
import re
from typing import Any

from ..values import EvalError, _Unsupported, json_encode, to_bool, to_number, to_str
from .registry import _fn, _need_list, _need_str
from .regexp import go_regex


_FMT_RE = re.compile(r"%([-+ #0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])")


#: the widest field or precision a format verb may ask for (``%0999999999d`` is a gigabyte of zeros)
MAX_FORMAT_WIDTH = 100_000


def _format_one(flags: str, width: str | None, prec: str | None, verb: str, arg: Any) -> str:
    if (width and int(width) > MAX_FORMAT_WIDTH) or (prec and int(prec) > MAX_FORMAT_WIDTH):
        raise EvalError(f"format: a width or precision over {MAX_FORMAT_WIDTH:,}")
    if verb == "v" and "#" in flags:
        return json_encode(arg)
    if verb in ("v", "s"):
        if isinstance(arg, (list, dict)):
            if verb == "s":
                raise EvalError("format %s needs a string")
            text = json_encode(arg)
        elif arg is None:
            text = "null"
        else:
            text = to_str(arg)
        if prec is not None:
            text = text[:int(prec)]
    elif verb == "q":
        text = json.dumps(to_str(arg), ensure_ascii=False)
    elif verb == "t":
        text = "true" if to_bool(arg) else "false"
    elif verb == "d":
        num = to_number(arg)
        if isinstance(num, float):
            raise EvalError("format %d needs a whole number")
        pyflags = flags.replace("#", "")
        return format(num, f"{'<' if '-' in pyflags else ''}{'+' if '+' in pyflags else ''}"
                           f"{' ' if ' ' in pyflags else ''}{'0' if '0' in pyflags and '-' not in pyflags else ''}"
                           f"{width or ''}d")
    elif verb in ("f", "e", "g", "x", "X", "o", "b"):
        num = to_number(arg)
        if verb in "xXob" and isinstance(num, float):
            raise EvalError(f"format %{verb} needs a whole number")
        precision = f".{prec}" if prec is not None and verb in "feg" else ""
        align = "<" if "-" in flags else ""
        zero = "0" if "0" in flags and "-" not in flags else ""
        sign = "+" if "+" in flags else ""
        return format(num, f"{align}{sign}{zero}{width or ''}{precision}{verb}")
    else:
        raise _Unsupported(f"format verb %{verb}")
    if width:
        text = text.ljust(int(width)) if "-" in flags else text.rjust(int(width))
    return text


def format_string(fmt: str, args: list) -> str:
    out: list[str] = []
    pos = 0
    argi = 0
    for m in _FMT_RE.finditer(fmt):
        out.append(fmt[pos:m.start()])
        pos = m.end()
        flags, width, prec, verb = m.groups()
        if verb == "%":
            out.append("%")
            continue
        if argi >= len(args):
            raise EvalError("format: not enough arguments")
        out.append(_format_one(flags, width, prec, verb, args[argi]))
        argi += 1
    out.append(fmt[pos:])
    if "%[" in fmt:
        raise _Unsupported("explicit argument indexes in format")
    if argi < len(args):
        raise EvalError("format: too many arguments")
    return "".join(out)


@_fn("format")
def _format(fmt, *args):
    return format_string(_need_str(fmt), list(args))


@_fn("formatlist")
def _formatlist(fmt, *args):
    fmt = _need_str(fmt)
    length = None
    for a in args:
        if isinstance(a, list):
            if length is not None and len(a) != length:
                raise EvalError("formatlist: lists of different lengths")
            length = len(a)
    if length is None:
        raise EvalError("formatlist needs at least one list argument")
    return [format_string(fmt, [a[i] if isinstance(a, list) else a for a in args]) for i in range(length)]


@_fn("lower")
def _lower(s):
    return _need_str(s).lower()


@_fn("upper")
def _upper(s):
    return _need_str(s).upper()


@_fn("title")
def _title(s):
    return re.sub(r"\b(\w)", lambda m: m.group(1).upper(), _need_str(s))


@_fn("trimspace")
def _trimspace(s):
    return _need_str(s).strip()


@_fn("chomp")
def _chomp(s):
    return re.sub(r"(\r\n|\n|\r)+$", "", _need_str(s))


@_fn("trimprefix")
def _trimprefix(s, prefix):
    s, prefix = _need_str(s), _need_str(prefix)
    return s[len(prefix):] if prefix and s.startswith(prefix) else s


@_fn("trimsuffix")
def _trimsuffix(s, suffix):
    s, suffix = _need_str(s), _need_str(suffix)
    return s[:-len(suffix)] if suffix and s.endswith(suffix) else s


@_fn("trim")
def _trim(s, chars):
    return _need_str(s).strip(_need_str(chars))


@_fn("join")
def _join(sep, *lists):
    if not lists:
        raise EvalError("join needs a list")
    items: list[str] = []
    for lst in lists:
        items.extend(_need_str(x) for x in _need_list(lst))
    return _need_str(sep).join(items)


@_fn("split")
def _split(sep, s):
    sep, s = _need_str(sep), _need_str(s)
    if s == "":
        return [""]
    if sep == "":
        return list(s)
    return s.split(sep)


@_fn("replace")
def _replace(s, sub, rep):
    s, sub, rep = _need_str(s), _need_str(sub), _need_str(rep)
    if len(sub) > 1 and sub.startswith("/") and sub.endswith("/"):
        rx = go_regex(sub[1:-1])
        py_rep = re.sub(r"\$\{?(\d+)\}?", r"\\g<\1>", rep.replace("\\", "\\\\"))
        return rx.sub(py_rep, s)
    return s.replace(sub, rep)


@_fn("substr")
def _substr(s, offset, length):
    s = _need_str(s)
    offset, length = int(to_number(offset)), int(to_number(length))
    if offset < 0:
        offset = len(s) + offset
        if offset < 0:
            raise EvalError("substr offset out of range")
    if offset > len(s):
        raise EvalError("substr offset out of range")
    if length < 0:
        return s[offset:]
    return s[offset:offset + length]


@_fn("startswith")
def _startswith(s, prefix):
    return _need_str(s).startswith(_need_str(prefix))


@_fn("endswith")
def _endswith(s, suffix):
    return _need_str(s).endswith(_need_str(suffix))


@_fn("strcontains")
def _strcontains(s, sub):
    return _need_str(sub) in _need_str(s)


@_fn("strrev")
def _strrev(s):
    return _need_str(s)[::-1]
