"""Loader notes (a module not followed, a variable without a value ...), each said once.

A note about a module instantiated many times (``for_each``, ``count``) comes once per instance from
the loader; the reports show it once, saying how many instances it stands for.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from ..engine import Report

_INSTANCE_KEY = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|\d+)\]')


@dataclass(frozen=True)
class Note:
    source: str
    message: str  # the first instance's text
    instances: int = 1

    def as_dict(self) -> dict:
        return {"source": self.source, "message": self.message, "instances": self.instances}

    def text(self) -> str:
        more = f" (and {self.instances - 1} more instance{'s' if self.instances > 2 else ''})" \
            if self.instances > 1 else ""
        if not self.source or self.message.startswith(self.source):  # the note names its file already
            return self.message + more
        return f"{self.source}: {self.message}{more}"


def distinct_notes(reports: Iterable[Report]) -> list[Note]:
    """Every distinct note of every report's model, in order; notes that differ only in module
    instance keys (``module.a["x"]`` / ``module.a["y"]``) are one note."""
    groups: dict[tuple[str, str], list[str]] = {}
    for report in reports:
        model = report.model
        for message in (model.diagnostics if model is not None else ()):
            key = (report.source, _INSTANCE_KEY.sub("[*]", message))
            members = groups.setdefault(key, [])
            if message not in members:
                members.append(message)
    return [Note(source, members[0], len(members)) for (source, _), members in groups.items()]
