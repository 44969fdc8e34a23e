"""Cleartext PHI in log lines: where it is, what kind, and a masked shape -- never the value.

Detectors (all configurable in the policy file, ``application_logging.audit_events.phi``):

========== ==================================================================================
ssn        ``123-45-6789`` / ``123 45 6789`` anywhere, kept only when python-stdnum says it is a
           valid US SSN (area, group and serial rules; known advertising numbers are refused)
email      an e-mail address anywhere
phone      a formatted phone number (separators, parentheses or ``+country``) anywhere, kept only
           when Google's libphonenumber (``phonenumbers``) says it is a valid number
date       a calendar date that is not part of a timestamp (``1980-04-12``, ``04/12/1980``,
           ``12 Apr 1980``): a date of birth, or another date of a patient's care -- both PHI
mrn        a medical-record-number-like id after its keyword (``MRN 00123456``), by ``mrn_pattern``
person_name a value that reads as a person's name (``Jane Doe``, ``jane.doe``) in the fields that
           name who acted (``actor_fields``: ``actor``, ``user``, ``username`` ...)
========== ==================================================================================

and, whatever the detectors say: any non-empty value of a field whose *name* says it is personal data
(``sensitive_fields``: ``patient_name``, ``ssn``, ``dob``, ``phone`` ...), and the policy's own
``patterns``.  ``ignore_fields`` exempts exact field paths.

The detectors report a field path, a kind and a masked shape (every letter and digit replaced by
``*``); the matched text itself never leaves this module.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

import phonenumbers
from stdnum.us import ssn as us_ssn

KINDS = {
    "ssn": "US Social Security number",
    "email": "e-mail address",
    "phone": "phone number",
    "date": "date (a date of birth or of care)",
    "mrn": "medical record number",
    "person_name": "person's name",
    "sensitive_field": "personal data (by its field name)",
}

_SSN_RE = r"(?<![\w-])\d{3}(?P<ssep>[- ])\d{2}(?P=ssep)\d{4}(?![\w-])"
_SSN = re.compile(_SSN_RE)
_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])")
# a formatted number: +country, (area), or groups joined by one kind of separator
_PHONE_RE = (r"(?<![\w.+/:-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\d{2,4}[\s.-])\d{2,4}[\s.-]\d{3,4}"
             r"(?:[\s.-]\d{2,4})?(?![\w/:-])|(?<![\w.+])\+\d{8,14}(?!\w)")
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_RE = (
    r"(?<![\w:.-])(?i:"
    r"(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"  # 1980-04-12
    r"|(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])/(?:19|20)\d\d"  # 04/12/1980
    r"|(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])\.(?:19|20)\d\d"  # 12.04.1980
    r"|(?:0?[1-9]|[12]\d|3[01])\s" + _MONTHS + r"\s(?:19|20)\d\d"  # 12 Apr 1980
    r"|" + _MONTHS + r"\s(?:0?[1-9]|[12]\d|3[01]),?\s(?:19|20)\d\d"  # April 12, 1980
    r")(?![\w:-]|\.\d|[T ]\d{1,2}:|\s\d{1,2}:)")
_NAME_PART = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿ][a-zà-öø-ÿ'A-ZÀ-ÖØ-Þ]+$")
_DIGIT_RUN = re.compile(r"\d")
_SAFE_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")


def _join(parts: tuple) -> str:
    """("record", "id") -> "record.id"; ("items", "[0]") -> "items[0]"; () -> "(value)"."""
    out = ""
    for p in parts:
        out += p if p.startswith("[") or not out else "." + p
    return out or "(value)"


def mask(text: str) -> str:
    """``123-45-6789`` -> ``***-**-****``: the shape of what was found, not what."""
    return re.sub(r"\w", "*", text)


@dataclass(frozen=True)
class Hit:
    kind: str  # a key of KINDS, or "pattern:<name>"
    path: str  # field path, safe to print
    shape: str  # masked shape, safe to print

    @property
    def label(self) -> str:
        if self.kind.startswith("pattern:"):
            return f"PHI matching the policy pattern {self.kind[8:]!r}"
        return KINDS[self.kind]


class Scanner:
    """Finds cleartext PHI in a parsed log line (or in a line of text)."""

    def __init__(self, policy):
        enabled = set(policy.phi_setting("detectors"))
        self.ssn = "ssn" in enabled
        self.email = "email" in enabled
        self.phone = "phone" in enabled
        self.date = "date" in enabled
        self.person_name = "person_name" in enabled
        self.mrn = re.compile(policy.phi_setting("mrn_pattern"), re.I) if "mrn" in enabled else None
        self.sensitive = [re.compile(r) for r in policy.phi_setting("sensitive_fields")]
        self.actor = [re.compile(r) for r in policy.phi_setting("actor_fields")]
        self.patterns = [(p["name"], re.compile(p["regex"])) for p in policy.phi_setting("patterns")]
        self.ignore = set(policy.phi_setting("ignore_fields"))
        self._key_kind: dict[str, str | None] = {}
        self._cache: dict[str, list[tuple[str, str]]] = {}
        self._keys: dict[str, tuple[str, list[tuple[str, str]]]] = {}
        # one pass over a value for the digit-based detectors (alternatives tried in this order)
        parts = [f"(?P<{kind}>{regex})" for kind, regex, on in (
            ("ssn", _SSN_RE, self.ssn), ("date", _DATE_RE, self.date), ("phone", _PHONE_RE, self.phone)) if on]
        self.numeric = re.compile("|".join(parts)) if parts else None

    # --- structure -------------------------------------------------------------------------
    def scan(self, obj: Any) -> list[Hit]:
        hits: list[Hit] = []
        self._walk(obj, (), "", "", hits)
        return hits

    def scan_text(self, text: str, path: str = "(text)") -> list[Hit]:
        hits: list[Hit] = []
        self._value(text, (path,), None, hits)
        return hits

    def _key(self, key: str) -> tuple[str, list[tuple[str, str]]]:
        """(the key as a path shows it, PHI found in the key itself): computed once per key."""
        info = self._keys.get(key)
        if info is None:
            found = self._text_hits(key)
            info = (key if _SAFE_KEY.match(key) and not found else "*", found)
            if len(self._keys) > _CACHE_SIZE:
                self._keys.clear()
            self._keys[key] = info
        return info

    def _walk(self, node: Any, parts: tuple, key: str, parent: str, hits: list[Hit]) -> None:
        # the path is kept as a tuple and joined only for a hit: most fields hold nothing
        if self.ignore and _join(parts) in self.ignore:
            return
        if isinstance(node, dict):
            for k, v in node.items():
                if not isinstance(k, str):
                    k = str(k)
                shown, in_key = self._key(k)
                for kind, found in in_key:  # PHI as a field name: report it, never print the name
                    hits.append(Hit(kind, _join(parts + ("(a field name)",)), mask(found)))
                self._walk(v, parts + (shown,), k, key, hits)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                self._walk(v, parts + (f"[{i}]",), key, parent, hits)
        elif isinstance(node, str):
            self._value(node, parts, self._field_kind(key, parent), hits)
        elif isinstance(node, (int, float)) and not isinstance(node, bool) and key:
            if self._field_kind(key, parent) == "sensitive_field" and node not in (0, 1):
                hits.append(Hit("sensitive_field", _join(parts), mask(str(node))))

    def _field_kind(self, key: str, parent: str = "") -> str | None:  # noqa: D401
        """"sensitive_field" / "actor" / None for a field name, read alone and after its parent's
        (``patient.name`` as ``patient_name``); cached, names repeat on every line."""
        if not key:
            return None
        kind = self._key_kind_of(key)
        if kind is None and parent:
            kind = self._key_kind_of(f"{parent}_{key}")
            kind = kind if kind == "sensitive_field" else None
        return kind

    def _key_kind_of(self, key: str) -> str | None:
        if key not in self._key_kind:
            kind = None
            if any(r.search(key) for r in self.sensitive):
                kind = "sensitive_field"
            elif any(r.search(key) for r in self.actor):
                kind = "actor"
            self._key_kind[key] = kind
        return self._key_kind[key]

    def _value(self, text: str, parts: tuple, field: str | None, hits: list[Hit]) -> None:
        if field == "sensitive_field":
            if text.strip():
                hits.append(Hit("sensitive_field", _join(parts), mask(text)))
            return
        for kind, found in self._text_hits(text):
            hits.append(Hit(kind, _join(parts), mask(found)))
        if field == "actor" and self.person_name and _looks_like_name(text):
            hits.append(Hit("person_name", _join(parts), mask(text)))

    # --- text ------------------------------------------------------------------------------
    def _text_hits(self, text: str) -> list[tuple[str, str]]:
        """(kind, matched text) for every PHI match in ``text``; short strings (field names, levels,
        user agents, ...) repeat on every line and are answered from a bounded cache."""
        if len(text) > 256:
            return self._scan_text(text)
        found = self._cache.get(text)
        if found is None:
            if len(self._cache) > _CACHE_SIZE:
                self._cache.clear()
            found = self._cache[text] = self._scan_text(text)
        return found

    def _scan_text(self, text: str) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if self.email and "@" in text:
            out += [("email", m.group(0)) for m in _EMAIL.finditer(text)]
        if self.numeric is not None and _DIGIT_RUN.search(text):
            for m in self.numeric.finditer(text):
                kind, found = m.lastgroup, m.group(0)
                if kind == "ssn":
                    digits = re.sub(r"\D", "", found)
                    if not us_ssn.is_valid(f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"):
                        continue
                elif kind == "phone" and (_SSN.fullmatch(found) or not _valid_phone(found)):
                    continue
                out.append((kind, found))
            if self.mrn is not None:
                out += [("mrn", m.group(0)) for m in self.mrn.finditer(text)]
        for name, regex in self.patterns:
            out += [(f"pattern:{name}", m.group(0)) for m in regex.finditer(text)]
        return out


_CACHE_SIZE = 4096  # strings remembered (bounded: memory must not grow with the input)
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


def _valid_phone(candidate: str) -> bool:
    if _IPV4.fullmatch(candidate):  # 203.113.42.118 is an address, not (203) 113-4211
        return False
    try:
        number = phonenumbers.parse(candidate, "US")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def _looks_like_name(value: str) -> bool:
    """Reads as a person's name: ``Jane Doe``, ``Doe, Jane`` (alphabetic words apart by blanks or a
    comma), ``Jane.Doe`` / ``jane.doe`` (the e-mail-local-part form).  ``svc_billing``, ``system-cron``,
    ``usr_7f3a9c`` and single words do not: ids are written with ``_``/``-`` and digits."""
    text = value.strip()
    if not text or any(c.isdigit() for c in text):
        return False
    if re.search(r"[\s,]", text):
        parts = [p for p in re.split(r"[\s,]+", text) if p]
    elif "." in text and "_" not in text and "-" not in text:
        parts = text.split(".")
    else:
        return False
    return 2 <= len(parts) <= 5 and all(len(p) >= 2 and _NAME_PART.match(p) for p in parts)


def iter_kinds() -> Iterator[str]:
    return iter(KINDS)
