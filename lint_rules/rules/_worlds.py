"""Worlds: the values tried for what is known only at apply (DLV rules).

A policy may name account ``111122223333`` while the trail's account is a symbol; a verdict is
trusted only when it holds for the symbol given a fresh value *and* every value of its kind the
policies mention (and two symbols of a kind made equal).  :func:`worlds` lists those assignments.
Resource attributes (``ref`` symbols) get one fresh value: :func:`~._conditions.tmatch` tells when
another text may be theirs.
"""
from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Iterable

from ._symbolic import REGION_RE, Sym, Text, symbols

_ACCOUNT_TOKEN = re.compile(r"(?<!\d)\d{12}(?!\d)")
_ORG_TOKEN = re.compile(r"o-[a-z0-9]{10,32}")
_MAX_CANDIDATES = 12


_KINDS = ("account", "region", "org")


@lru_cache(maxsize=1 << 16)  # (a 50,000-resource plan has some 20,000 distinct texts)
def _text_candidates(t: Text) -> tuple:
    """(kind, value) pairs of the account ids, regions and organization ids one text mentions (a
    wildcard read as any one character, or as nothing)."""
    out: list[tuple[str, str]] = []
    for piece in t:
        if not isinstance(piece, str):
            continue
        for variant in {piece, piece.replace("*", "x").replace("?", "x"), piece.replace("*", "")}:
            out += [("account", m.group(0)) for m in _ACCOUNT_TOKEN.finditer(variant)]
            out += [("org", m.group(0)) for m in _ORG_TOKEN.finditer(variant)]
            out += [("region", token) for token in re.split(r"[:/.]", variant) if REGION_RE.match(token)]
    return tuple(out)


def _candidates(texts: list[Text]) -> dict[str, list[str]]:
    """Values of each kind (``account``, ``region``, ``org``) the texts mention."""
    out: dict[str, list[str]] = {k: [] for k in _KINDS}
    seen: set[tuple[str, str]] = set()
    for t in texts:
        found = _text_candidates(t)
        if not found:
            continue
        for pair in found:
            if pair not in seen and pair[1]:
                seen.add(pair)
                bucket = out[pair[0]]
                if len(bucket) < _MAX_CANDIDATES:
                    bucket.append(pair[1])
    return out


def _fresh(sym: Sym, n: int) -> str:
    if sym.kind == "account":
        return f"{900000000000 + n:012d}"
    if sym.kind == "region":
        return f"zz-fresh-{n}"
    if sym.kind == "org":
        return f"o-fresh{n:06d}x"
    return f"fresh{n}x"


MAX_WORLDS = 256


def _syms_of(texts: Iterable[Text]) -> list[Sym]:
    out: list[Sym] = []
    for t in texts:
        for s in symbols(t):
            if s.kind != "any" and s not in out:
                out.append(s)
    return out


def worlds(syms: list[Sym], candidates: dict) -> list[dict] | None:
    """Every assignment of values to the symbols worth trying: each symbol gets a fresh value (one no
    policy mentions) or one of the values of its kind the policies mention (``candidates``), or the value
    of another symbol of its kind (two providers may share an account).  None when there are too many."""
    base = {s: _fresh(s, i) for i, s in enumerate(syms)}
    if not syms:
        return [base]
    choices: list[list[str]] = []
    for i, s in enumerate(syms):
        if s.kind == "ref":  # one fresh value: tmatch tells when another text may be it
            choices.append([base[s]])
            continue
        values = [base[s]] + [c for c in candidates.get(s.kind, [])[:6] if c != base[s]]
        values += [base[o] for o in syms[:i] if o.kind == s.kind and base[o] not in values]
        choices.append(values)
    total = 1
    for c in choices:
        total *= len(c)
    if total > MAX_WORLDS:
        return None
    return [dict(zip(syms, combo)) for combo in itertools.product(*choices)]
