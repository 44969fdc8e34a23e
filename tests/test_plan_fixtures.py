"""The plan fixtures under tests/fixtures/plans: valid plans, true to the HCL they come from, current.

``nvs.json``, ``nhc.json`` and ``noncompliant.json`` are ``terraform show -json`` documents of a
first apply of the shipped roots, synthesized by ``tools/hcl2plan.py`` (no AWS provider can be
installed here; see tests/fixtures/plans/README.md).  These tests hold them to:

- the plan format: they load with ``load_plan_document`` (plan_schema.json first);
- their HCL: the same resource and data source addresses as ``load_hcl_dir``, and every attribute
  value the HCL evaluator knows appears in the plan with that value;
- the code: regenerating them from the current .tf files gives the same document, so a change to
  the Terraform without regenerating fails here, saying which command to run;
- linting: the compliant accounts fail or leave unknown exactly what their HCL form does (nothing,
  once the HCL is clean), and the non-compliant example fails.
"""
from __future__ import annotations

import importlib.util
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

FIXTURES = REPO / "tests" / "fixtures" / "plans"
TOOL = REPO / "tools" / "hcl2plan.py"
SCHEMA = shared_dir() / "aws-provider-schema" / "aws-6.19.0.trimmed.json"
# fixture -> the root it is the plan of
ROOTS = {"nvs": "terraform/nvs", "nhc": "terraform/nhc", "noncompliant": "terraform/examples/noncompliant"}
COMPLIANT = ("nvs", "nhc")
MISSING = "<not in the plan>"


def regenerate_command(name: str) -> str:
    return f"python3 tools/hcl2plan.py {ROOTS[name]} > tests/fixtures/plans/{name}.json"


@lru_cache(maxsize=1)
def tool():
    spec = importlib.util.spec_from_file_location("hcl2plan", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def need_schema() -> None:
    if not SCHEMA.is_file():
        pytest.skip(f"AWS provider schema not found at {SCHEMA} (set AUDITGATE_SHARED to the shared/ folder)")


@lru_cache(maxsize=None)
def fixture_doc(name: str) -> dict:
    path = FIXTURES / f"{name}.json"
    assert path.is_file(), f"{path} is missing; create it with: {regenerate_command(name)}"
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
        hcl = tool().convert(hcl, attr_type)
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
    assert doc["format_version"] == "1.2" and doc["terraform_version"] == "1.11.4"
    assert (doc["applyable"], doc["complete"], doc["errored"]) == (True, True, False)
    actions = {tuple(rc["change"]["actions"]) for rc in doc["resource_changes"]}
    assert actions <= {("create",), ("read",)}, actions


@pytest.mark.parametrize("name", ROOTS)
def test_fixture_has_the_resources_of_its_hcl(name):
    plan = {(r.address, r.mode) for r in plan_model(name)}
    hcl = {(r.address, r.mode) for r in hcl_model(name)}
    assert plan == hcl, (f"only in the plan: {sorted(plan - hcl)}; only in the HCL: {sorted(hcl - plan)}; "
                         f"regenerate with: {regenerate_command(name)}")


@pytest.mark.parametrize("name", ROOTS)
def test_fixture_values_agree_with_its_hcl(name):
    need_schema()
    plan = plan_model(name)
    problems: list[str] = []
    for resource in hcl_model(name):
        planned = plan.get(resource.address)
        assert planned is not None, resource.address
        block = type_block(resource.mode, resource.type)
        problems.extend(f"{resource.address}: {p}" for p in _diff(resource.values, planned.values, block, ""))
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("name", ROOTS)
def test_fixture_is_up_to_date(name):
    need_schema()
    current = tool().synthesize_plan(REPO / ROOTS[name])
    stored = dict(fixture_doc(name))
    current["timestamp"] = stored.get("timestamp")
    if current != stored:
        changed = sorted(k for k in set(current) | set(stored) if current.get(k) != stored.get(k))
        pytest.fail(f"tests/fixtures/plans/{name}.json is out of date with {ROOTS[name]} (differs in "
                    f"{', '.join(changed)}); regenerate it with: {regenerate_command(name)}")


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
    assert documents and all(isinstance(d.values.get("json"), str) for d in documents)


def test_policy_document_rendering_matches_the_provider():
    """aws_iam_policy_document's json: statement keys in struct order, one value as a string, several
    reverse-sorted, "*" principals collapsed, conditions grouped by test and variable."""
    text, minified = tool().render_policy_document({"statement": [{
        "sid": "S", "effect": "Allow", "actions": ["s3:GetObject", "s3:PutObject"], "resources": ["arn:x"],
        "principals": [{"type": "Service", "identifiers": ["cloudtrail.amazonaws.com"]}],
        "condition": [{"test": "StringEquals", "variable": "aws:SourceAccount", "values": ["111122223333"]}],
    }, {"effect": "Deny", "actions": ["s3:*"], "resources": ["arn:x"],
        "principals": [{"type": "*", "identifiers": ["*"]}]}]})
    assert minified == (
        '{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Action":["s3:PutObject",'
        '"s3:GetObject"],"Resource":"arn:x","Principal":{"Service":"cloudtrail.amazonaws.com"},'
        '"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}},{"Effect":"Deny",'
        '"Action":"s3:*","Resource":"arn:x","Principal":"*"}]}')
    assert json.loads(text) == json.loads(minified) and text.startswith('{\n  "Version": "2012-10-17",\n')
    merged, _ = tool().render_policy_document({"source_policy_documents": [text]})
    assert merged == text


@pytest.mark.parametrize("expression, references", [
    ("aws_kms_key.this.arn", ["aws_kms_key.this.arn", "aws_kms_key.this"]),
    ("var.x", ["var.x"]),
    ("module.kms.key_arn", ["module.kms.key_arn", "module.kms"]),
    ("data.aws_iam_policy_document.x.json", ["data.aws_iam_policy_document.x.json",
                                             "data.aws_iam_policy_document.x"]),
    ("aws_s3_bucket.this[0].arn", ["aws_s3_bucket.this[0].arn", "aws_s3_bucket.this[0]", "aws_s3_bucket.this"]),
    ('var.versioning["status"]', ['var.versioning["status"]', "var.versioning"]),
    ('"${var.a}-${var.a}"', ["var.a", "var.a"]),
    ("[for n in var.names : upper(n)]", ["var.names"]),
    ("aws_x.y[count.index].id", ["aws_x.y", "count.index"]),
])
def test_references_are_listed_as_terraform_lists_them(expression, references):
    from lint_rules.loaders.hcl import _Loader, _parse_expression

    exprs = tool().Expressions(_Loader(str(REPO)).ev)
    assert exprs.expression(_parse_expression(expression)) == {"references": references}


def test_constant_expressions_are_constant_values():
    from lint_rules.loaders.hcl import _Loader, _parse_expression

    exprs = tool().Expressions(_Loader(str(REPO)).ev)
    assert exprs.expression(_parse_expression('{ b = 1, a = ["x"] }')) == {"constant_value": {"a": ["x"], "b": 1}}
    assert exprs.expression(_parse_expression("null")) == {"constant_value": None}
    assert exprs.expression(_parse_expression('jsonencode({ a = 1 })')) == {}  # a function call: no constant


def test_hcl_loader_hook_supplies_unconfigured_attributes(tmp_path):
    """``load_hcl_dir(unconfigured_attr=...)`` (the hook hcl2plan uses): what the provider knows at plan
    time flows into every expression that reads it; without the hook it stays unknown."""
    (tmp_path / "main.tf").write_text(
        'data "aws_caller_identity" "me" {}\n'
        'resource "aws_s3_bucket" "b" {\n  bucket = "logs-${data.aws_caller_identity.me.account_id}"\n}\n')

    def hook(inst, conf, key, name):
        return "111122223333" if (conf.type, name) == ("aws_caller_identity", "account_id") else UNKNOWN

    assert load_hcl_dir(tmp_path).get("aws_s3_bucket.b").values["bucket"] is UNKNOWN
    model = load_hcl_dir(tmp_path, unconfigured_attr=hook)
    bucket = model.get("aws_s3_bucket.b")
    assert bucket.values["bucket"] == "logs-111122223333"
    assert bucket.refs["bucket"] == ("data.aws_caller_identity.me",)
