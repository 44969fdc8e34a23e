"""What ``auditgate rules`` and ``auditgate explain`` show, without importing the rules.

Importing every rule module pulls in the rules' helpers (IAM policy evaluation, condition
matching, ...), most of the start-up time of a run.  Listing rules needs only their descriptions,
so these are kept in the user cache (:mod:`lint_rules.cache`), keyed by a hash of the rules' source
and of auditgate's version: the first listing after an install or an edit imports the rules and
stores the descriptions; every later one reads them back.  With the cache off it imports the rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import __version__
from . import cache as _cache

FIELDS = ("id", "title", "section", "clause", "clause_text", "rationale", "fix", "applies_to",
          "example_fail", "example_pass")


@dataclass(frozen=True)
class RuleInfo:
    """A rule's description (the class attributes of :class:`lint_rules.engine.Rule`)."""

    id: str
    title: str
    section: str
    clause: str
    clause_text: str
    rationale: str
    fix: str
    applies_to: tuple[str, ...]
    example_fail: str = ""
    example_pass: str = ""


def _sources_digest() -> str:
    here = Path(__file__).parent
    files = sorted((here / "rules").glob("*.py")) + [here / "engine.py", here / "applogs" / "checker.py"]
    return _cache.digest(__version__, _cache.source_digest(*files))


def _describe() -> list[RuleInfo]:
    from .engine import all_rules

    return [RuleInfo(**{f: (tuple(getattr(r, f)) if f == "applies_to" else getattr(r, f)) for f in FIELDS})
            for r in all_rules()]


def rule_infos() -> list[RuleInfo]:
    """Every rule's description, in the order of :func:`lint_rules.engine.all_rules`."""
    try:
        key = _sources_digest()
    except OSError:  # sources not readable as files (a zip install): import them
        return _describe()
    return _cache.cached("rule-catalog", key, _describe)


def rule_info(rule_id: str) -> RuleInfo | None:
    for info in rule_infos():
        if info.id.lower() == rule_id.lower():
            return info
    return None
