"""IAM names against the policy's name globs (case, separators and inflections ignored), and account roots.

See :mod:`._principals` for what the Log Integrity and Log Access rules share.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable

from ..model import UNKNOWN, Resource
from ._glob import fnmatchcase


ROLE, USER, GROUP = "aws_iam_role", "aws_iam_user", "aws_iam_group"
POLICY = "aws_iam_policy"
SCP = "aws_organizations_policy"
SCP_ATTACHMENT = "aws_organizations_policy_attachment"


# =============================================================================
# names
# =============================================================================
_INFLECTIONS = ("", "s", "es", "ion", "ions", "or", "ors", "er", "ers", "ing", "istrator", "istrators")
_STRIP = ("ions", "ion", "ors", "or", "ers", "er", "ing", "es", "s")


def _stem(word: str) -> str:
    for suffix in _STRIP:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _normalize(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


_GLOB_CACHE: dict[str, re.Pattern] = {}


def _glob_regex(glob: str) -> re.Pattern:
    pattern = _GLOB_CACHE.get(glob)
    if pattern is None:
        chunks = []
        for chunk in glob.lower().split("*"):
            words = re.findall(r"[a-z0-9]+", chunk)
            chunks.append("".join(re.escape(_stem(w)) + "(?:" + "|".join(_INFLECTIONS) + ")" for w in words))
        pattern = _GLOB_CACHE[glob] = re.compile("^" + ".*".join(chunks) + "$")
    return pattern


@lru_cache(maxsize=1 << 16)  # a pure function of two strings, asked again for each rule and role entry
def name_matches(name: str, glob: str) -> bool:
    """Does an IAM role name match a policy name glob (case, separators and inflections ignored)?"""
    if fnmatchcase(name.lower(), glob.lower()):
        return True
    if "?" in glob or "[" in glob:
        return False
    return bool(_glob_regex(glob).match(_normalize(name)))


def matching_glob(name: str, globs: Iterable[str]) -> str | None:
    for g in globs:
        if name_matches(name, g):
            return g
    return None


def role_name(role: Resource) -> Any:
    """The role's name: ``name``; ``name_prefix`` plus terraform's numeric suffix; UNKNOWN otherwise."""
    name = role.values.get("name")
    if isinstance(name, str) and name:
        return name
    prefix = role.values.get("name_prefix")
    if isinstance(prefix, str) and prefix and name in (None, UNKNOWN, ""):
        return prefix + "20240101000000000000000001"  # terraform appends a timestamp-and-counter suffix
    return UNKNOWN


def shown_name(role: Resource) -> str:
    name = role.values.get("name")
    if isinstance(name, str) and name:
        return f"{name!r}"
    prefix = role.values.get("name_prefix")
    if isinstance(prefix, str) and prefix:
        return f"name_prefix {prefix!r}"
    return "(name known after apply)"


def role_from_arn(arn: str) -> str | None:
    """``arn:aws:iam::1:role/path/name`` or ``arn:aws:sts::1:assumed-role/name/session`` -> name."""
    m = re.match(r"^arn:[^:]*:iam::[^:]*:role/(?:.*/)?([^/]+)$", arn)
    if m:
        return m.group(1)
    m = re.match(r"^arn:[^:]*:sts::[^:]*:assumed-role/([^/]+)(?:/.*)?$", arn)
    return m.group(1) if m else None


_ACCOUNT_ROOT = re.compile(r"^(?:arn:[^:]*:iam::(\d{12}):root|(\d{12}))$")


def account_root(identifier: str) -> str | None:
    """The account id of ``arn:aws:iam::123456789012:root`` or a bare ``123456789012``."""
    m = _ACCOUNT_ROOT.match(identifier)
    return (m.group(1) or m.group(2)) if m else None
