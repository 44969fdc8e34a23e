"""The cleartext-PHI scan: what it finds, what it must not flag (false-positive rate measured on
realistic clean logs), and its settings in the policy file."""
from __future__ import annotations

import copy
import json

import pytest

from lint_rules.applogs.phi import Scanner, mask
from lint_rules.errors import InputError
from lint_rules.policy import Policy, load_policy

from ..helpers import POLICY
from .corpus import PLANTED, clean_lines, phi_lines

SCANNER = Scanner(POLICY)
CLEAN_LINES = 20_000
MAX_FALSE_POSITIVE_RATE = 0.001  # at most 1 line in 1,000 of clean logs flagged


def kinds(obj) -> set[tuple[str, str]]:
    return {(h.kind, h.path) for h in SCANNER.scan(obj)}


def test_false_positive_rate_on_clean_logs():
    flagged = []
    for n, line in enumerate(clean_lines(CLEAN_LINES), 1):
        try:
            hits = SCANNER.scan(json.loads(line))
        except ValueError:
            hits = SCANNER.scan_text(line)
        if hits:
            flagged.append((n, [(h.kind, h.path) for h in hits]))
    rate = len(flagged) / CLEAN_LINES
    print(f"false positives: {len(flagged)} of {CLEAN_LINES} clean lines ({rate:.4%})")
    assert rate <= MAX_FALSE_POSITIVE_RATE, flagged[:20]


@pytest.mark.parametrize("kind, line", list(phi_lines()), ids=[f"{k}:{v}" for k, v in PLANTED])
def test_planted_phi_is_found(kind, line):
    assert (kind, "detail") in kinds(json.loads(line))


@pytest.mark.parametrize("value", ["078-05-1120", "000-12-3456", "666-12-3456", "123-00-4567", "987-65-4320"])
def test_numbers_that_cannot_be_ssns_are_not_flagged(value):
    # python-stdnum: no area 000/666/9xx, no group 00, no serial 0000, known advertising numbers refused
    assert not [h for h in SCANNER.scan({"x": f"ref {value}"}) if h.kind == "ssn"]


@pytest.mark.parametrize("text", [
    "2026-01-05T14:03:22.120Z", "2026-01-05 14:03:22", "at 2026-01-05 14:03", "1.2.3.4", "v2024.01.05",
    "550e8400-e29b-41d4-a716-446655440000", "duration 1234 ms", "epoch 1767225600000", "10.0.12.255",
    "/api/v2/patients/123/records?page=2", "req_01HZX4K9Q2", "sha 4f2a9c0d1e", "1-5f84c7e2-0a1b2c3d4e5f",
])
def test_ordinary_log_values_are_not_flagged(text):
    assert SCANNER.scan({"message": text}) == []


@pytest.mark.parametrize("actor, flagged", [
    ("Jane Doe", True), ("Doe, Jane", True), ("jane.doe", True), ("Jane.Doe", True),
    ("usr_7f3a9c", False), ("svc_billing", False), ("system-cron", False), ("admin", False), ("42", False),
])
def test_names_in_actor_fields(actor, flagged):
    assert (("person_name", "actor") in kinds({"actor": actor})) is flagged
    assert kinds({"message": actor}) == set()  # only the fields that name who acted


@pytest.mark.parametrize("field", ["patient_name", "first_name", "lastName", "ssn", "dob", "date_of_birth",
                                   "mrn", "phone", "email", "street_address"])
def test_fields_named_like_personal_data_are_flagged_whatever_they_hold(field):
    assert ("sensitive_field", f"patient.{field}") in kinds({"patient": {field: "x1"}})


def test_a_name_under_a_patient_object_is_personal_data():
    assert ("sensitive_field", "patient.name") in kinds({"patient": {"name": "x1"}})
    assert kinds({"logger": {"name": "django.request"}}) == set()


def test_phi_in_a_field_name_is_reported_without_printing_the_name():
    (hit,) = SCANNER.scan({"jane.roe@example.com": 1})
    assert hit.kind == "email" and hit.path == "(a field name)" and "jane" not in hit.path


def test_text_lines_are_scanned_too():
    assert {h.kind for h in SCANNER.scan_text("patient 536-22-8841 born 07/23/1961")} == {"ssn", "date"}


def test_mask_keeps_the_shape_only():
    assert mask("536-22-8841") == "***-**-****"
    assert mask("jane.roe@example.com") == "****.***@*******.***"


def policy_with(**phi) -> Policy:
    data = copy.deepcopy(POLICY.data)
    data.setdefault("application_logging", {}).setdefault("audit_events", {})["phi"] = phi
    return Policy(data=data, source="<test>")


def test_detectors_and_patterns_come_from_the_policy_file():
    scanner = Scanner(policy_with(detectors=["ssn"], patterns=[{"name": "member id", "regex": r"\bMBR\d{9}\b"}]))
    hits = scanner.scan({"a": "jane.roe@example.com MBR123456789 536-22-8841"})
    assert {h.kind for h in hits} == {"ssn", "pattern:member id"}
    assert any("member id" in h.label for h in hits)


def test_ignored_fields_are_not_scanned():
    scanner = Scanner(policy_with(ignore_fields=["contact"]))
    assert scanner.scan({"contact": "jane.roe@example.com", "other": "x"}) == []


def test_an_invalid_pattern_is_an_input_error(tmp_path):
    path = tmp_path / "policy.yaml"
    data = copy.deepcopy(POLICY.data)
    data["application_logging"] = {"audit_events": {"phi": {"patterns": [{"name": "bad", "regex": "(unclosed"}]}}}
    import yaml
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(InputError, match="patterns/0/regex: not a regular expression"):
        load_policy(path)
