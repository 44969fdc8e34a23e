"""jsonschema-rs never accepts what python-jsonschema refuses.

Plans and policy files are first checked with jsonschema-rs (fast); only what it refuses goes to
python-jsonschema, the validator of record, which names the error -- or accepts the document where
the two differ.  That is safe only one way round: a document jsonschema-rs accepts must be one the
reference validator accepts too.  Here both judge mutated plans (every seed of the plan fuzzer),
mutated policies, and the edge cases where JSON Schema implementations are known to differ.
"""
from __future__ import annotations

import datetime
import json
from importlib import resources

import jsonschema
import pytest
import yaml
from hypothesis import given, note, settings
from hypothesis import strategies as st

from lint_rules.loaders import plan_schema as plan_loader
from lint_rules import policy as policy_module

from .conftest import PROFILE, SCALE
from .mutate import dumps, mutate
from .seeds import plan_seeds

pytestmark = pytest.mark.slow

# not in the CI_BUDGETS count of inputs run through auditgate: these only compare two validators
PLAN_CASES = max(1, int(600 * SCALE[PROFILE]))
POLICY_CASES = max(1, int(600 * SCALE[PROFILE]))

SEEDS = plan_seeds()
PLAN_REFERENCE = jsonschema.validators.validator_for(plan_loader.plan_schema())(plan_loader.plan_schema())
POLICY_REFERENCE = policy_module._validator()
POLICY = yaml.safe_load(resources.files("lint_rules.policy").joinpath("default.yaml").read_text(encoding="utf-8"))


def _agree(fast, reference, doc) -> None:
    if fast(doc):
        errors = list(reference.iter_errors(doc))
        assert not errors, f"jsonschema-rs accepts what python-jsonschema refuses: {errors[0].message[:200]}"


@settings(max_examples=PLAN_CASES)
@given(data=st.data())
def test_plans_fast_validator_accepts_nothing_the_reference_refuses(data):
    name, text = SEEDS[data.draw(st.integers(0, len(SEEDS) - 1), label="seed")]
    note(f"seed {name}")
    doc, applied = mutate(data, json.loads(text))
    try:
        doc = json.loads(dumps(doc))
    except (ValueError, RecursionError):
        return  # not JSON: never reaches a validator
    note(f"mutations {applied}")
    _agree(plan_loader._fast_validator(), PLAN_REFERENCE, doc)


@settings(max_examples=POLICY_CASES)
@given(data=st.data())
def test_policies_fast_validator_accepts_nothing_the_reference_refuses(data):
    doc, applied = mutate(data, json.loads(json.dumps(POLICY)), kinds=("same_type",) * 4 + ("retype", "drop"))
    note(f"mutations {applied}")
    _agree(policy_module._fast_is_valid(), POLICY_REFERENCE, doc)


def _plan() -> dict:
    return json.loads(next(text for name, text in SEEDS if name.startswith("fixtures/")))


@pytest.mark.parametrize("edit", [
    lambda d: d.update(format_version="1.2\n"),  # Python's "$" matches before a final newline
    lambda d: d.update(format_version="1.2"),
    lambda d: d.update(applyable=1),  # 1 is not a boolean
    lambda d: d.update(resource_changes=[{**d["resource_changes"][0], "index": 1.0}]),
    lambda d: d.update(resource_changes=[{**d["resource_changes"][0], "index": True}]),
    lambda d: d.update(resource_changes=[{**d["resource_changes"][0], "mode": "Managed"}]),
    lambda d: d.update(resource_changes=[{**d["resource_changes"][0], "address": 10 ** 30}]),
], ids=["newline", "plain", "int-bool", "float-index", "bool-index", "mode-case", "bigint"])
def test_plan_edge_cases(edit):
    doc = _plan()
    edit(doc)
    _agree(plan_loader._fast_validator(), PLAN_REFERENCE, doc)


@pytest.mark.parametrize("value", [datetime.date(2024, 1, 1), 10 ** 30, 1.0, True, None, {1: 2}, "x\n"],
                         ids=["date", "bigint", "float", "bool", "null", "int-key", "newline"])
@pytest.mark.parametrize("key", ["version", "retention", "delete_trail_exempt_roles"])
def test_policy_edge_cases(key, value):
    doc = json.loads(json.dumps(POLICY))
    doc[key] = value
    _agree(policy_module._fast_is_valid(), POLICY_REFERENCE, doc)


def test_fast_path_is_taken_on_valid_input():
    """The point of it: a valid plan and the shipped policy pass the fast check alone."""
    assert plan_loader._fast_validator()(_plan())
    assert policy_module._fast_is_valid()(POLICY)
