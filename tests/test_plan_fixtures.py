"""The plan fixtures under tests/fixtures/plans: real terraform plans of the shipped roots, current.

``nvs.json``, ``nhc.json`` and ``noncompliant.json`` are ``terraform show -json`` documents of
``terraform plan`` (a first apply) of the roots, made by the real terraform with the offline
hashicorp/aws stand-in (``python3 tools/tfoffline.py fixtures``; see tests/fixtures/plans/README.md).
These tests hold them to:

- the plan format: they load with ``load_plan_document`` (plan_schema.json first);
- the code: planning the roots again gives the same documents (timestamp and Go-map orders aside),
  so a change to the Terraform without regenerating fails here, saying which command to run;
- their HCL: the same resource and data source addresses as ``load_hcl_dir``, and every attribute
  value the HCL evaluator knows is the value terraform planned (a difference is a bug in the HCL
  loader, or in the stand-in);
- linting: the compliant accounts fail or leave unknown exactly what their HCL form does (nothing),
  and the non-compliant example fails the same rules in both forms.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from lint_rules.engine import evaluate
from lint_rules.loaders.hcl import load_hcl_dir
from lint_rules.loaders.hcl_eval import has_unknown
from lint_rules.loaders.plan import load_plan_document
from lint_rules.model import UNKNOWN, Model

from .helpers import POLICY, REPO, shared_dir
from .offline_tf import canonical_plan, selected, tfoffline

FIXTURES = REPO / "tests" / "fixtures" / "plans"
SCHEMA = shared_dir() / "aws-provider-schema" / "aws-6.19.0.trimmed.json"
ROOTS = tfoffline.FIXTURES  # fixture -> the root it is the plan of
COMPLIANT = ("nvs", "nhc")
MISSING = "<not in the plan>"
REGENERATE = "python3 tools/tfoffline.py fixtures"


def need_schema() -> None:
    if not SCHEMA.is_file():
        pytest.skip(f"AWS provider schema not found at {SCHEMA} (set AUDITGATE_SHARED to the shared/ folder)")


@lru_cache(maxsize=None)
def fixture_doc(name: str) -> dict:
    path = FIXTURES / f"{name}.json"
    assert path.is_file(), f"{path} is missing; create it with: {REGENERATE}"
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def plan_model(name: str) -> Model:
    return load_plan_document(json.loads(json.dumps(fixture_doc(name))), f"tests/fixtures/plans/{name}.json")


@lru_cache(maxsize=None)
def hcl_model(name: str) -> Model:
    return load_hcl_dir(REPO / ROOTS[name])


def non_pass(model: Model) -> set[tuple[str, str, str]]:
    return {(f.rule_id, f.resource, f.status) for f in evaluate(model, POLICY).findings if f.status != "pass"}


# --- comparing an HCL value with the planned one ------------------------------------------------


@lru_cache(maxsize=1)
def provider_schema() -> dict:
    return _with_full_schema(json.loads(SCHEMA.read_text())["provider_schemas"]["registry.terraform.io/hashicorp/aws"],
                             SCHEMA)


def _with_full_schema(schema: dict, trimmed: Path) -> dict:
    """The trimmed schema plus the types only the full one has (``aws-6.19.0.json.gz`` beside it; the
    trimmed file's types are equal to the full file's)."""
    full = trimmed.with_name("aws-6.19.0.json.gz")
    if full.is_file():
        import gzip
        whole = json.loads(gzip.decompress(full.read_bytes()))["provider_schemas"]["registry.terraform.io/hashicorp/aws"]
        for table in ("resource_schemas", "data_source_schemas"):
            for name, body in whole.get(table, {}).items():
                schema.setdefault(table, {}).setdefault(name, body)
    return schema


def type_block(mode: str, rtype: str) -> dict:
    table = provider_schema()["resource_schemas" if mode == "managed" else "data_source_schemas"]
    return table[rtype]["block"]


def convert(value: Any, ty: Any) -> Any:
    """``value`` converted to the cty type ``ty`` as terraform converts an argument."""
    if value is UNKNOWN or value is None:
        return value
    if ty == "string" and isinstance(value, (bool, int, float)):
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if ty == "number" and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() else number
    if ty == "bool" and value in ("true", "false"):
        return value == "true"
    if isinstance(ty, list) and ty[0] in ("list", "set") and isinstance(value, list):
        return [convert(v, ty[1]) for v in value]
    if isinstance(ty, list) and ty[0] == "map" and isinstance(value, dict):
        return {k: convert(v, ty[1]) for k, v in value.items()}
    if isinstance(ty, list) and ty[0] == "object" and isinstance(value, dict):
        return {k: convert(value.get(k), ty[1][k]) for k in ty[1]}
    return value


def _same(hcl: Any, plan: Any, schema: Any, path: str, problems: list[str]) -> None:
    """Record in ``problems`` where the planned value contradicts a value the HCL knows.

    ``schema``: the schema attribute (dict with "type"), a block schema ({"block": ...,
    "nesting_mode"}), or None (inside an attribute value)."""
    if hcl is UNKNOWN:
        return  # unknown statically: terraform may well know it at plan time
    if plan is UNKNOWN:
        if isinstance(schema, dict) and schema.get("computed"):
            return  # a computed attribute: the provider may plan it as unknown
        problems.append(f"{path}: the HCL knows {hcl!r}, the plan has it unknown")
        return
    attr_type = schema.get("type") if isinstance(schema, dict) else None
    if attr_type is not None:
        hcl = convert(hcl, attr_type)
        # the legacy SDK plans an empty map or set argument as null
        if plan is None and hcl in ({}, []) and isinstance(attr_type, list) and attr_type[0] in ("map", "set"):
            return
    if isinstance(schema, dict) and "block" in schema:  # nested blocks: lists of objects
        items = hcl if isinstance(hcl, list) else [hcl]
        plans = plan if isinstance(plan, list) else [plan]
        if len(items) != len(plans):
            problems.append(f"{path}: {len(items)} block(s) in the HCL, {len(plans)} in the plan")
            return
        if schema["nesting_mode"] == "set":  # set elements: match each HCL block to some planned one
            for i, item in enumerate(items):
                if not any(not _diff(item, p, schema["block"], f"{path}.{i}") for p in plans):
                    problems.append(f"{path}.{i}: no planned block matches {item!r}")
            return
        for i, (item, planned) in enumerate(zip(items, plans)):
            problems.extend(_diff(item, planned, schema["block"], f"{path}.{i}"))
        return
    if isinstance(hcl, dict):
        if not isinstance(plan, dict):
            problems.append(f"{path}: the HCL has an object, the plan {plan!r}")
            return
        for key, value in hcl.items():
            _same(value, plan[key] if key in plan else MISSING, None, f"{path}.{key}", problems)
        return
    if isinstance(hcl, list):
        if not isinstance(plan, list) or (len(plan) != len(hcl) and not (
                isinstance(attr_type, list) and attr_type[0] == "set")):
            problems.append(f"{path}: the HCL has {hcl!r}, the plan {plan!r}")
            return
        if isinstance(attr_type, list) and attr_type[0] == "set":  # order is the set's, not the HCL's
            planned = {json.dumps(p, sort_keys=True, default=repr) for p in plan}
            known = {json.dumps(h, sort_keys=True) for h in hcl if not has_unknown(h)}
            if not known <= planned or (len(known) == len(hcl) and known != planned):
                problems.append(f"{path}: the HCL has the set {hcl!r}, the plan {plan!r}")
            return
        for i, (h, p) in enumerate(zip(hcl, plan)):
            _same(h, p, None, f"{path}.{i}", problems)
        return
    if hcl != plan or type(hcl) is not type(plan) and not (isinstance(hcl, (int, float)) and
                                                            isinstance(plan, (int, float))):
        problems.append(f"{path}: the HCL has {hcl!r}, the plan {plan!r}")


def _diff(hcl: dict, plan: Any, block: dict, prefix: str) -> list[str]:
    problems: list[str] = []
    if not isinstance(plan, dict):
        return [f"{prefix}: the plan has {plan!r} where the HCL has a block"]
    attrs, blocks = block.get("attributes", {}), block.get("block_types", {})
    for key, value in hcl.items():
        schema = attrs.get(key) or blocks.get(key)
        if schema is None:
            continue  # not a provider argument (meta-arguments are not in model values)
        _same(value, plan[key] if key in plan else MISSING, schema, f"{prefix}.{key}" if prefix else key,
              problems)
    return problems


# --- the tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ROOTS)
def test_fixture_is_a_valid_plan(name):
    model = plan_model(name)
    assert model.kind == "plan" and model.has_references
    assert not model.diagnostics, model.diagnostics
    doc = fixture_doc(name)
    assert doc["format_version"] == "1.2" and doc["terraform_version"].startswith("1.")
    assert (doc["applyable"], doc["complete"], doc["errored"]) == (True, True, False)
    actions = {tuple(rc["change"]["actions"]) for rc in doc["resource_changes"]}
    assert actions <= {("create",), ("read",)}, actions
    assert doc == canonical_plan(doc), f"not in canonical form; regenerate with: {REGENERATE}"


@pytest.fixture(scope="module")
def planned(request, offline_tf):
    offline_tf.plans([REPO / ROOTS[name] for name in selected(request, "name") if name in ROOTS])
    return offline_tf.plan


@pytest.mark.terraform
@pytest.mark.parametrize("name", ROOTS)
def test_fixture_is_up_to_date(planned, name):
    """The fixture is what terraform plans for its root today (compared in canonical form: the
    timestamp pinned, Go-map orders sorted)."""
    current = canonical_plan(planned(REPO / ROOTS[name]))
    stored = fixture_doc(name)
    if current != stored:
        changed = sorted(k for k in set(current) | set(stored) if current.get(k) != stored.get(k))
        pytest.fail(f"tests/fixtures/plans/{name}.json is out of date with {ROOTS[name]} (differs in "
                    f"{', '.join(changed)}); regenerate it with: {REGENERATE}")


@pytest.mark.parametrize("name", ROOTS)
def test_fixture_has_the_resources_of_its_hcl(name):
    plan = {(r.address, r.mode) for r in plan_model(name)}
    hcl = {(r.address, r.mode) for r in hcl_model(name)}
    assert plan == hcl, (f"only in the plan: {sorted(plan - hcl)}; only in the HCL: {sorted(hcl - plan)}; "
                         f"regenerate with: {REGENERATE}")


@pytest.mark.parametrize("name", ROOTS)
def test_fixture_values_agree_with_its_hcl(name):
    """Every value auditgate's HCL evaluator knows is the value terraform planned."""
    need_schema()
    plan = plan_model(name)
    problems: list[str] = []
    for resource in hcl_model(name):
        planned = plan.get(resource.address)
        assert planned is not None, resource.address
        block = type_block(resource.mode, resource.type)
        problems.extend(f"{resource.address}: {p}" for p in _diff(resource.values, planned.values, block, ""))
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("name", COMPLIANT)
def test_compliant_plan_lints_like_its_hcl(name):
    from_plan, from_hcl = non_pass(plan_model(name)), non_pass(hcl_model(name))
    assert from_plan == from_hcl, (f"fail/unknown only in the plan: {sorted(from_plan - from_hcl)}; "
                                   f"only in the HCL: {sorted(from_hcl - from_plan)}")


def test_noncompliant_plan_fails():
    failing = {(rule, resource) for rule, resource, status in non_pass(plan_model("noncompliant"))
               if status == "fail"}
    assert failing
    hcl_failing = {(rule, resource) for rule, resource, status in non_pass(hcl_model("noncompliant"))
                   if status == "fail"}
    assert failing == hcl_failing, (f"failing only in the plan: {sorted(failing - hcl_failing)}; "
                                    f"only in the HCL: {sorted(hcl_failing - failing)}")


def test_data_sources_read_at_plan_time_make_policies_known():
    """Bucket and key policies built with aws_iam_policy_document are known in the plan, as terraform
    has them (the data source is read while planning), though the HCL evaluator alone leaves them unknown."""
    plan = plan_model("nvs")
    policies = plan.of_type("aws_s3_bucket_policy")
    assert policies
    for resource in policies:
        document = json.loads(resource.values["policy"])
        assert document["Version"] == "2012-10-17" and document["Statement"], resource.address
    documents = plan.data("aws_iam_policy_document")
    assert documents and all(isinstance(d.values.get("json"), str) for d in documents if d.values.get("json")
                             is not UNKNOWN)


def test_references_are_followed_through_module_calls():
    """terraform records ``kms_key_arn = module.kms.key_arn`` as references (not values) in the plan's
    configuration; the plan loader follows them from the trail to the key resource."""
    doc = fixture_doc("nvs")
    calls = doc["configuration"]["root_module"]["module_calls"]["baseline"]["module"]["module_calls"]
    assert calls["cloudtrail"]["expressions"]["kms_key_arn"] == {"references": ["module.kms.key_arn", "module.kms"]}
    (trail,) = plan_model("nvs").of_type("aws_cloudtrail")
    assert trail.values["kms_key_id"] is UNKNOWN
    assert trail.refs["kms_key_id"] == ("module.baseline.module.kms.aws_kms_key.this",)


def test_a_data_source_with_unknown_arguments_is_read_at_apply():
    """terraform reads a data source while planning only when its arguments are known: the CloudTrail
    role's policy document names the log group's ARN (known after apply), so the document and the role
    policy built from it are unknown in the plan, as they would be in a real one."""
    doc = fixture_doc("nvs")
    reads = {rc["address"] for rc in doc["resource_changes"] if rc["change"]["actions"] == ["read"]}
    assert "module.baseline.module.cloudtrail.data.aws_iam_policy_document.cloudwatch" in reads
    (policy,) = [r for r in plan_model("nvs").of_type("aws_iam_role_policy") if "cloudtrail" in r.address]
    assert policy.values["policy"] is UNKNOWN
