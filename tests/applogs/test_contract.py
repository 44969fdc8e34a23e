"""The audit-event contract: the shipped JSON Schema, its examples, and one-line explanations that
never repeat a value."""
from __future__ import annotations

import json
import re

import pytest

from lint_rules.applogs import contract as C

from ..helpers import REPO

README = (REPO / "README.md").read_text()


@pytest.mark.parametrize("event_type", C.EVENT_TYPES)
def test_every_example_is_valid(event_type):
    for app in C.APPLICATIONS:
        assert C.violations(C.example_event(event_type, app)) == []


def test_schema_enumerates_the_event_types_and_applications():
    props = C.schema()["properties"]
    assert tuple(props["event"]["enum"]) == C.EVENT_TYPES
    assert tuple(props["application"]["enum"]) == C.APPLICATIONS


def test_readme_shows_one_valid_example_line_per_event_type():
    section = README.split("### Audit-event contract", 1)[1].split("\n## ", 1)[0]
    lines = [json.loads(line) for line in re.findall(r"^(\{\"event\".*\})$", section, re.M)]
    assert sorted(e["event"] for e in lines) == sorted(C.EVENT_TYPES)
    for event in lines:
        assert C.violations(event) == [], event


@pytest.mark.parametrize("change, expected", [
    ({"timestamp": "2026-01-05 14:03"}, "timestamp is not an RFC 3339 timestamp in UTC"),
    ({"timestamp": "2026-01-05T14:03:22+02:00"}, "timestamp is not an RFC 3339 timestamp in UTC"),
    ({"timestamp": "2026-02-30T14:03:22Z"}, "timestamp is not an RFC 3339 timestamp in UTC"),
    ({"actor": "jane.doe@example.com"}, "actor is not an opaque user id"),
    ({"actor": None}, "actor must be the authenticated user's opaque id"),
    ({"application": "rails"}, "application is not one of django, laravel"),
    ({"event": "phi.export"}, "event is not one of auth.login.success"),
    ({"source_ip": "999.1.1.1"}, "source_ip is not an IPv4 or IPv6 address"),
    ({"outcome": "denied"}, 'outcome must be "success" for this event type'),
    ({"record": {"type": "patient"}}, "record lacks id"),
    ({"record": {"type": "patient", "id": "pat_1", "name": "x"}}, "record has fields the contract does not define"),
])
def test_violations_name_the_field_not_the_value(change, expected):
    event = dict(C.example_event("phi.read"), **change)
    found = C.violations(event)
    assert any(expected in v for v in found), found
    for value in change.values():
        if isinstance(value, str) and len(value) > 3:
            assert all(value not in v for v in found)


def test_missing_fields_are_listed():
    assert C.violations({"event": "phi.read"})[0].startswith("the event lacks timestamp, application, actor")


def test_phi_events_need_a_record():
    event = C.example_event("phi.delete")
    del event["record"]
    assert "the event lacks record" in C.violations(event)


def test_anonymous_denial_and_failed_login_may_have_no_actor():
    assert C.violations(dict(C.example_event("authz.denied"), actor=None)) == []
    assert C.violations(C.example_event("auth.login.failure")) == []


def test_fast_and_reference_validators_agree():
    from lint_rules.applogs.contract import is_valid, validator
    samples = [C.example_event(t) for t in C.EVENT_TYPES]
    samples += [dict(s, actor="Jane Doe") for s in samples] + [dict(s, source_ip="::1") for s in samples]
    samples += [dict(s, timestamp="2026-01-05T14:03:22Z", request_id="") for s in samples]
    for s in samples:
        assert is_valid(s) == validator().is_valid(s), s
