"""Tiny text helpers to derive HCL variants from the compliant acceptance case."""
from __future__ import annotations

import pathlib
import re
import shutil


def read_dir(src: pathlib.Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(src.glob("*.tf"))}


def write_dir(files: dict[str, str], dst: pathlib.Path) -> pathlib.Path:
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    for name, text in files.items():
        (dst / name).write_text(text)
    return dst


def _block_span(text: str, header: str) -> tuple[int, int]:
    """Span of the top-level block starting with ``header`` (e.g. 'resource "aws_vpc" "app"')."""
    m = re.search(r"^" + re.escape(header) + r"\s*\{", text, re.M)
    if not m:
        raise KeyError(header)
    depth, i = 0, m.end() - 1
    while True:
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                end = i + 1
                while end < len(text) and text[end] == "\n":
                    end += 1
                return m.start(), end
        i += 1


def replace(files: dict[str, str], old: str, new: str) -> dict[str, str]:
    """Replace ``old`` exactly once across all files (fails loudly otherwise)."""
    hits = [(n, t.count(old)) for n, t in files.items() if old in t]
    assert len(hits) == 1 and hits[0][1] == 1, f"{old!r} must occur exactly once, found {hits}"
    out = dict(files)
    name = hits[0][0]
    out[name] = out[name].replace(old, new)
    return out


def drop_block(files: dict[str, str], header: str) -> dict[str, str]:
    out = dict(files)
    for name, text in files.items():
        try:
            a, b = _block_span(text, header)
        except KeyError:
            continue
        out[name] = text[:a] + text[b:]
        return out
    raise KeyError(header)


def replace_block(files: dict[str, str], header: str, new: str) -> dict[str, str]:
    out = dict(files)
    for name, text in files.items():
        try:
            a, b = _block_span(text, header)
        except KeyError:
            continue
        out[name] = text[:a] + new.rstrip("\n") + "\n\n" + text[b:]
        return out
    raise KeyError(header)


def add_file(files: dict[str, str], name: str, text: str) -> dict[str, str]:
    out = dict(files)
    assert name not in out
    out[name] = text
    return out


def apply(files: dict[str, str], ops) -> dict[str, str]:
    """ops: list of ("sub", old, new) | ("drop", header) | ("block", header, text) | ("add", name, text)."""
    for op in ops:
        kind = op[0]
        if kind == "sub":
            files = replace(files, op[1], op[2])
        elif kind == "drop":
            files = drop_block(files, op[1])
        elif kind == "block":
            files = replace_block(files, op[1], op[2])
        elif kind == "add":
            files = add_file(files, op[1], op[2])
        else:
            raise ValueError(kind)
    return files
