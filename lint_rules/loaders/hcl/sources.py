"""Module sources: which module calls can be followed, and where their code is."""
from __future__ import annotations


def _is_local_source(source: str) -> bool:
    return source.startswith(("./", "../", ".\\", "..\\")) or source in (".", "..")
