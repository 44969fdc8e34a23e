"""The argument-type table the HCL loader ships (lint_rules/loaders/hcl/attr_types.json) is what
tools/gen_attr_types.py makes of the shared provider schema, and it holds what conversion needs."""
from __future__ import annotations

import importlib.util
import json

import pytest

from lint_rules.loaders.hcl import schema

from .helpers import REPO, shared_dir

SCHEMA = shared_dir() / "aws-provider-schema" / "aws-6.19.0.trimmed.json"


def _generator():
    spec = importlib.util.spec_from_file_location("gen_attr_types", REPO / "tools" / "gen_attr_types.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not SCHEMA.is_file(), reason=f"provider schema not found at {SCHEMA} (set AUDITGATE_SHARED)")
def test_shipped_table_matches_the_shared_schema():
    gen = _generator()
    expected = gen.render(gen.build_table(json.loads(SCHEMA.read_text())))
    assert schema.TABLE_PATH.read_text() == expected, "stale: run python tools/gen_attr_types.py"


@pytest.mark.skipif(not SCHEMA.is_file(), reason=f"provider schema not found at {SCHEMA} (set AUDITGATE_SHARED)")
def test_every_resource_and_data_source_type_of_the_schema_is_in_the_table():
    doc = json.loads(SCHEMA.read_text())["provider_schemas"]["registry.terraform.io/hashicorp/aws"]
    assert sorted(schema.table()["managed"]) == sorted(doc["resource_schemas"])
    assert sorted(schema.table()["data"]) == sorted(doc["data_source_schemas"])


def test_table_holds_the_types_conversion_needs():
    trail = schema.block_schema("managed", "aws_cloudtrail")
    assert schema.attribute_type(trail, "enable_logging") == "bool"
    assert schema.attribute_type(trail, "name") == "string"
    assert schema.attribute_type(trail, "arn") is None  # computed only: never set in configuration
    selector = schema.nested_schema(trail, "event_selector")
    assert schema.attribute_type(selector, "include_management_events") == "bool"
    assert schema.attribute_type(schema.nested_schema(selector, "data_resource"), "values") == ["list", "string"]
    assert schema.attribute_type(schema.block_schema("managed", "aws_cloudwatch_log_group"),
                                 "retention_in_days") == "number"
    assert schema.block_schema("data", "aws_iam_policy_document") is not None
    assert schema.block_schema("managed", "no_such_type") is None
    assert schema.attribute_type(schema.provider_schema(), "allowed_account_ids") == ["set", "string"]


@pytest.mark.parametrize("value,ty,expected", [
    ("true", "bool", True), ("false", "bool", False), ("1", "bool", True), ("0", "bool", False),
    ("365", "number", 365), ("1.5", "number", 1.5), ("+5", "number", 5), ("1e3", "number", 1000),
    (365, "string", "365"), (True, "string", "true"), (1.5, "string", "1.5"),
    ([1, "a", True], ["list", "string"], ["1", "a", "true"]),
    ({"a": 1}, ["map", "string"], {"a": "1"}),
    ({"n": "2", "b": "true"}, ["object", {"n": "number", "b": "bool"}], {"n": 2, "b": True}),
    (None, "bool", None),
])
def test_conversions_are_terraforms(value, ty, expected):
    out = schema.convert_value(value, ty)
    assert out == expected and type(out) is type(expected)


@pytest.mark.parametrize("value,ty,message", [
    ("yes", "bool", "a bool is required"), ("True", "bool", "a bool is required"), (1, "bool", "a bool is required"),
    (" 5", "number", "a number is required"), ("0x10", "number", "a number is required"),
    (["true", "maybe"], ["list", "bool"], "element 1: a bool is required"),
])
def test_values_terraform_rejects(value, ty, message):
    with pytest.raises(schema.ConversionError) as info:
        schema.convert_value(value, ty)
    assert str(info.value) == message
