"""Inline exceptions in Terraform code: ``# auditgate:skip=CT-004 reason: ... expires: 2027-03-31``.

The comment goes on the line of a ``resource``/``data`` block or on the comment lines directly above
it (``#``, ``//`` or ``/* */``); several rule ids may be given, comma-separated.  ``reason:`` is
required; ``expires:`` (a date, YYYY-MM-DD) is optional.  The block's file and line -- the resource's
``file``/``line`` in the model -- are the anchor, so the same scan serves HCL directories and plans
whose resources were mapped to their source.  Each exception becomes a
:class:`~lint_rules.suppressions.Suppression` on ``Model.suppressions``; a comment that is not on a
resource block is reported in a note, and one without a reason is an input error.
"""
from __future__ import annotations

import re

from ..errors import InputError
from ..model import Model
from ..suppressions import Suppression, parse_date
from . import observed

MARK = "auditgate:skip"
_COMMENT = re.compile(r"(?:#|//|/\*)\s*auditgate:skip\b(?P<body>.*)$")
_IDS = re.compile(r"^\s*=\s*(?P<ids>[A-Za-z]+-\d+(?:\s*,\s*[A-Za-z]+-\d+)*)(?P<rest>.*)$")
_REASON = re.compile(r"\breason\s*:\s*", re.I)
_EXPIRES = re.compile(r"\bexpires\s*:\s*(?P<date>\S*)", re.I)
_BLOCK = re.compile(r'^\s*(?P<kind>resource|data|module)\b')
_COMMENT_LINE = re.compile(r"^\s*(#|//|/\*|\*)")


def parse_comment(text: str, where: str) -> tuple[tuple[str, ...], str, object] | None:
    """``(rule ids, reason, expiry date or None)`` of an ``auditgate:skip`` comment in ``text``
    (one line), None when the line has none."""
    match = _COMMENT.search(text)
    if not match:
        return None
    body = match.group("body").rstrip()
    if body.endswith("*/"):
        body = body[:-2].rstrip()
    ids = _IDS.match(body)
    if not ids:
        raise InputError(f"{MARK} must name rule ids: `# {MARK}=CT-004 reason: why`", where)
    rules = tuple(i.strip().upper() for i in ids.group("ids").split(","))
    rest = ids.group("rest")
    expires = None
    exp = _EXPIRES.search(rest)
    if exp:
        expires = parse_date(exp.group("date"), where)
        rest = rest[:exp.start()] + rest[exp.end():]
    reason = _REASON.search(rest)
    text_reason = rest[reason.end():].strip(" \t-;,") if reason else ""
    if not reason or len(text_reason) < 3:
        raise InputError(f"{MARK}={','.join(rules)} needs a reason: `# {MARK}={rules[0]} reason: why`", where)
    return rules, text_reason, expires


def _scan(lines: list[str], where: str) -> dict[int, tuple]:
    """Line number (1-based) -> parsed comment, for every ``auditgate:skip`` in a file."""
    found = {}
    for number, text in enumerate(lines, start=1):
        if MARK in text:
            parsed = parse_comment(text, f"{where}:{number}")
            if parsed:
                found[number] = parsed
    return found


def _attached(lines: list[str], block_line: int) -> list[int]:
    """The block's own line and the contiguous comment lines right above it."""
    out = [block_line]
    n = block_line - 1
    while n >= 1 and _COMMENT_LINE.match(lines[n - 1]):
        out.append(n)
        n -= 1
    return out


def _code_at_or_after(lines: list[str], number: int) -> str:
    """The code line a comment at ``number`` belongs to: its own line when the comment trails
    code, else the next line that is neither blank nor a comment."""
    for n in range(number, len(lines) + 1):
        text = lines[n - 1]
        if text.strip() and not _COMMENT_LINE.match(text):
            return text
    return ""


def attach_inline_suppressions(model: Model) -> Model:
    """Read the ``auditgate:skip`` comments of every ``.tf`` file a resource of ``model`` is
    declared in and add them to ``model.suppressions``."""
    by_file: dict[str, list] = {}
    for r in model.resources:
        if r.file and r.line and r.file.endswith(".tf"):
            by_file.setdefault(r.file, []).append(r)
    for file, resources in by_file.items():
        try:
            lines = observed.read_text(file, errors="replace").splitlines()
        except OSError:
            continue
        comments = _scan(lines, file)
        if not comments:
            continue
        used: set[int] = set()
        for r in resources:
            if r.line > len(lines):
                continue
            for number in _attached(lines, r.line):
                if number in comments:
                    rules, reason, expires = comments[number]
                    used.add(number)
                    model.suppressions.append(Suppression(rules=rules, reason=reason, address=r.address,
                                                          expires=expires, origin=f"{file}:{number}"))
        for number in sorted(set(comments) - used):
            kind = _BLOCK.match(_code_at_or_after(lines, number))
            if kind and kind.group("kind") != "module":
                continue  # a resource or data block with no instance here (count = 0, ...)
            what = ("it is on a module block; put it on the resource blocks inside the module"
                    if kind else "it is not on a resource block's line or the comment lines right above one")
            model.diagnostics.append(f"{file}:{number}: {MARK} ignored: {what}")
    return model
