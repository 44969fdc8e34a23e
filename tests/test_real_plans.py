"""Conformance: every real ``terraform show -json`` plan in ``../shared/real-plans`` loads and lints.

The corpus (terraform 0.12 -> 1.15, format_version 0.1 -> 1.2, OpenTofu) is third-party data read in
place, never copied into the project; without it these tests skip.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from lint_rules.engine import evaluate
from lint_rules.loaders import load_path
from lint_rules.loaders.plan import load_plan_document, parse_address, plan_schema
from lint_rules.model import UNKNOWN, Model
from lint_rules.policy import load_policy

from .helpers import shared_dir

PLANS_DIR = shared_dir() / "real-plans"
PLAN_FILES = sorted(PLANS_DIR.glob("*.json")) if PLANS_DIR.is_dir() else []
PARAMS = [pytest.param(p, id=p.name) for p in PLAN_FILES] or [
    pytest.param(None, id="no-corpus",
                 marks=pytest.mark.skip(reason=f"real plan corpus not found at {PLANS_DIR}"))]

# what a resolved reference must never be: a variable, local, iterator, or a module output
_NOT_ABSOLUTE = re.compile(r"^(var|local|each|count|path|self|terraform)\."
                           r"|^module\.[^.]+(\[[^\]]*\])?\.[^.]+$")


@pytest.fixture(scope="module")
def policy():
    return load_policy()


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def existing_after_apply(rc: dict) -> bool:
    change = rc["change"]
    return (not rc.get("deposed") and change.get("after") is not None
            and not all(a in ("delete", "forget") for a in change["actions"]))


def values_resources(module: dict | None):
    stack = [module] if module else []
    while stack:
        mod = stack.pop()
        yield from mod.get("resources", [])
        stack.extend(mod.get("child_modules", []))


@pytest.mark.parametrize("path", PARAMS)
def test_validates_against_the_plan_schema(path):
    jsonschema.Draft202012Validator(plan_schema()).validate(read(path))


@pytest.mark.parametrize("path", PARAMS)
def test_loads_every_instance_that_exists_after_apply(path):
    doc = read(path)
    model = load_path(str(path))
    assert isinstance(model, Model) and model.kind == "plan" and model.source == str(path)

    changes = doc.get("resource_changes") or []
    managed_expected = sorted(rc["address"] for rc in changes
                              if rc["mode"] == "managed" and existing_after_apply(rc))
    assert sorted(r.address for r in model if r.mode == "managed") == managed_expected

    data_expected = {rc["address"] for rc in changes if rc["mode"] == "data" and existing_after_apply(rc)}
    prior = (doc.get("prior_state") or {}).get("values") or {}
    data_expected |= {r["address"] for r in values_resources(prior.get("root_module")) if r["mode"] == "data"}
    assert {r.address for r in model if r.mode == "data"} == data_expected

    assert len({r.address for r in model}) == len(model), "addresses are unique"
    deleted = {rc["address"] for rc in changes if not existing_after_apply(rc)}
    assert not deleted & {r.address for r in model if r.mode == "managed"}


@pytest.mark.parametrize("path", PARAMS)
def test_resources_follow_the_model_contract(path):
    model = load_plan_document(read(path), path.name)
    for r in model:
        segments, mode, rtype, name, _ = parse_address(r.address)
        assert (r.mode, r.type, r.name) == (mode, rtype, name)
        assert r.module_path == ".".join(f"module.{n}{k}" for n, k in segments)
        assert r.address.startswith(f"{r.module_path}." if r.module_path else "")
        assert r.index is None or isinstance(r.index, (int, str))
        assert isinstance(r.values, dict)
        assert r.file == path.name and r.line is None
        for attr, targets in r.refs.items():
            assert attr and not attr.startswith(".") and not attr.endswith(".")
            assert targets and len(set(targets)) == len(targets)
            for target in targets:
                # absolute resource addresses: no variables or outputs; an instance key only where
                # the reference names that instance (one in the plan, unless the resource has none:
                # `cond ? aws_s3_bucket_policy.this[0].id : ...` with count = 0 is kept as written)
                assert not _NOT_ABSOLUTE.search(target), (r.address, attr, target)
                assert parse_address(target) is not None, target
                assert (parse_address(target)[4] is None or model.get(target) is not None
                        or not model.instances(target.rsplit("[", 1)[0])), target


@pytest.mark.parametrize("path", PARAMS)
def test_unknown_values_are_marked(path):
    doc = read(path)
    model = load_plan_document(doc, path.name)
    for rc in doc.get("resource_changes") or []:
        if not existing_after_apply(rc):
            continue
        unknown = rc["change"].get("after_unknown") or {}
        resource = model.get(rc["address"])
        for attr, flag in unknown.items():
            if flag is True:
                assert resource.values.get(attr) is UNKNOWN, (rc["address"], attr)


@pytest.mark.parametrize("path", PARAMS)
def test_lints_without_error(path, policy):
    model = load_path(str(path))
    report = evaluate(model, policy)
    for finding in report.findings:
        assert "\n" not in finding.message
