"""The lines of the audit-logging policy (``lines.yaml``) and the rules that enforce each one.

A rule enforces the line its ``clause`` quotes (whitespace aside), and the lines that name that line
under ``with``; the mapping comes from rule metadata, so a new rule appears under its line without
an edit here.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Iterable, Sequence

import yaml

LINES_FILE = "lines.yaml"


def squeeze(text: str) -> str:
    """Text compared without whitespace (the policy file runs some words together)."""
    return "".join(text.split())


@dataclass(frozen=True)
class PolicyLine:
    number: int  # 1-based position in the policy
    section: str
    text: str
    with_lines: tuple[str, ...] = ()
    elsewhere: str | None = None
    note: str | None = None

    @property
    def keys(self) -> set[str]:
        return {squeeze(self.text)} | {squeeze(t) for t in self.with_lines}


def policy_lines() -> list[PolicyLine]:
    data = yaml.safe_load(resources.files(__package__).joinpath(LINES_FILE).read_text(encoding="utf-8"))
    return [PolicyLine(number=i, section=entry["section"], text=entry["text"],
                       with_lines=tuple(entry.get("with") or ()), elsewhere=entry.get("elsewhere"),
                       note=entry.get("note"))
            for i, entry in enumerate(data["lines"], start=1)]


def rules_for_line(line: PolicyLine, rules: Iterable) -> list:
    """The rules whose clause is this line (or one of its ``with`` lines)."""
    keys = line.keys
    return [rule for rule in rules if squeeze(rule.clause) in keys]


def unmatched_rules(lines: Sequence[PolicyLine], rules: Iterable) -> list:
    """Rules whose clause quotes no policy line (the evidence report lists them apart)."""
    known = {squeeze(line.text) for line in lines}
    return [rule for rule in rules if squeeze(rule.clause) not in known]
