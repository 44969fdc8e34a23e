"""The audit-event contract: one JSON object per log line, as the applications must write it.

The contract is a JSON Schema shipped with the package (``audit_event.schema.json``); this
module loads it, validates events against it, and explains a violation in one line that names
the field and what the contract wants -- never the value found there (a log line may hold PHI).
"""
from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from typing import Any, Iterator

SCHEMA_FILE = "audit_event.schema.json"
EVENT_FIELD = "event"
APPLICATION_FIELD = "application"

EVENT_TYPES = ("auth.login.success", "auth.login.failure", "auth.logout",
               "phi.read", "phi.create", "phi.update", "phi.delete", "authz.denied")
APPLICATIONS = ("django", "laravel")

#: What each event type records, in the policy's words (README, coverage messages).
EVENT_MEANING = {
    "auth.login.success": "login success",
    "auth.login.failure": "login failure",
    "auth.logout": "logout",
    "phi.read": "PHI access (who read which record, when)",
    "phi.create": "PHI creation",
    "phi.update": "PHI update",
    "phi.delete": "PHI deletion",
    "authz.denied": "failed authorization attempt",
}


@lru_cache(maxsize=1)
def schema() -> dict:
    """The contract's JSON Schema (draft-07)."""
    from importlib import resources  # noqa: PLC0415 - not at import: the Terraform rules import this module

    return json.loads(resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def validator() -> "jsonschema.protocols.Validator":
    """The reference validator (python-jsonschema): explains what is wrong."""
    import jsonschema  # not at import: the Terraform rules import this module for its constants

    cls = jsonschema.validators.validator_for(schema())
    return cls(schema(), format_checker=cls.FORMAT_CHECKER)


@lru_cache(maxsize=1)
def _fast_is_valid():
    """jsonschema-rs's compiled validator (about 100x faster) for the common case, a valid event;
    python-jsonschema where it is not installed."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a platform without its wheel
        return validator().is_valid
    return jsonschema_rs.validator_for(schema(), validate_formats=True).is_valid


def is_valid(event: Any) -> bool:
    return _fast_is_valid()(event)


def example_event(event_type: str, application: str = "django") -> dict:
    """A valid event of ``event_type`` (README examples, tests, and the events APP-003 runs
    metric filter patterns against)."""
    event: dict[str, Any] = {
        "event": event_type,
        "timestamp": "2026-01-05T14:03:22.120Z",
        "application": application,
        "actor": "usr_7f3a9c",
        "outcome": "success",
        "source_ip": "203.0.113.24",
        "request_id": "req_01HZX4K9Q2",
    }
    if event_type.startswith("phi."):
        event["record"] = {"type": "patient", "id": "pat_4c1e88"}
    elif event_type == "auth.login.failure":
        event.update(actor=None, outcome="failure", reason="bad_credentials")
    elif event_type == "authz.denied":
        event.update(outcome="denied", reason="permission", record={"type": "patient", "id": "pat_4c1e88"})
    return event


def field_path(parts) -> str:
    """``("record", "id")`` -> ``record.id``; list positions as ``[0]``."""
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


_FIELD_FORMS = {
    "timestamp": "an RFC 3339 timestamp in UTC (2026-01-05T14:03:22Z)",
    "actor": "an opaque user id (letters, digits, _ . : -; never a name or an e-mail address)",
    "request_id": "an opaque id (letters, digits, _ . : -)",
    "record.id": "an opaque record id (letters, digits, _ . : -; never patient data)",
    "record.type": "a lower-case record type (patient, lab_result, ...)",
    "source_ip": "an IPv4 or IPv6 address",
}


def _describe(error: jsonschema.ValidationError) -> str:
    """One line about a violation, built from the schema only (never from the value)."""
    path = field_path(error.absolute_path)
    where = path or "the event"
    kind = error.validator
    if kind == "required":
        missing = [name for name in error.validator_value if isinstance(error.instance, dict)
                   and name not in error.instance]
        return f"{where} lacks {', '.join(missing) or 'a required field'}"
    if kind == "enum":
        return f"{where} is not one of {', '.join(map(str, error.validator_value))}"
    if kind == "const":
        return f"{where} must be {json.dumps(error.validator_value)} for this event type"
    if kind == "type":
        wanted = error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        if path == "actor" and wanted == "string":
            return "actor must be the authenticated user's opaque id (not null) for this event type"
        return f"{where} must be {'an' if wanted[0] in 'aeiou' else 'a'} {wanted}"
    if kind in ("pattern", "format", "anyOf"):
        return f"{where} is not {_FIELD_FORMS.get(path, 'of the form the contract requires')}"
    if kind == "additionalProperties":
        return f"{where} has fields the contract does not define"
    return f"{where} breaks the contract ({kind})"


def violations(event: Any) -> list[str]:
    """Every way ``event`` breaks the contract, one line each; empty when it is valid."""
    if is_valid(event):
        return []
    v = validator()
    seen: list[str] = []
    for error in sorted(v.iter_errors(event), key=lambda e: (list(map(str, e.absolute_path)), e.validator)):
        for leaf in _leaves(error):
            text = _describe(leaf)
            if text not in seen:
                seen.append(text)
    if not seen and isinstance(event, dict) and not _calendar_date(event.get("timestamp")):
        seen.append(f"timestamp is not {_FIELD_FORMS['timestamp']}")
    return seen or ["the event breaks the contract"]


def _calendar_date(value: Any) -> bool:
    """Is ``value`` a real date and time (python-jsonschema checks the "date-time" format only
    when rfc3339-validator is installed; jsonschema-rs always does)?"""
    try:
        datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _leaves(error: jsonschema.ValidationError) -> Iterator[jsonschema.ValidationError]:
    """The errors that say what is wrong: ``allOf``/``if-then`` wrappers open up into their causes;
    an ``anyOf`` of formats stays whole (it means "one of these forms")."""
    if error.validator in ("allOf", "then", "if") and error.context:
        for sub in error.context:
            yield from _leaves(sub)
    else:
        yield error
