#!/usr/bin/env python3
"""Synthesize the ``terraform show -json`` document of a first apply from Terraform HCL.

No AWS provider can be downloaded where auditgate is developed, so ``terraform plan``
cannot run.  This tool writes, for a root module (and its local modules), the plan JSON
terraform 1.11 would print for a first apply against an empty state (every action
``create``), in the real format (compare ``../shared/real-plans``)::

    python3 tools/hcl2plan.py terraform/nvs > tests/fixtures/plans/nvs.json

or, from Python, ``synthesize_plan(root_dir) -> dict``.

Where the values come from
    * Configured values: auditgate's static HCL evaluator (``lint_rules.loaders.hcl``),
      instance by instance (count / for_each expanded, module calls followed).
    * The provider schema: ``aws-provider-schema/aws-6.19.0.trimmed.json`` in the shared
      folder (``$AUDITGATE_SHARED`` or ``../shared`` beside the checkout).  Every schema
      attribute appears in ``after``: the configured value, null when unset, or -- for a
      computed attribute that is not set -- left out of ``after`` and ``true`` in
      ``after_unknown``.  Nested blocks are lists (``[]`` when absent).  Anything the
      evaluator cannot know statically is unknown as well, nested paths included.
    * What the provider itself decides at plan time, where it is documented behaviour of
      hashicorp/aws 6.x: ``region`` (the provider's region), ``tags_all`` (``default_tags``
      merged with ``tags``), attribute defaults (``PROVIDER_DEFAULTS``) and the legacy
      optional+computed blocks that plan as unknown when absent (``COMPUTED_BLOCKS``).
    * Data sources read at plan time (their configuration is wholly known and they have no
      ``depends_on``) are read the way the provider would and go to ``prior_state``:
      ``aws_caller_identity`` (the root's ``account_id`` variable, called as the account
      root user), ``aws_partition`` (``aws``), ``aws_region`` (the provider's region) and
      ``aws_iam_policy_document`` (``json`` rendered exactly like the provider: statement
      keys in struct order, one-element lists as strings, set elements reverse-sorted,
      ``source_policy_documents`` merged by Sid, 2-space indented).  The evaluator sees
      these values through the loader's ``unconfigured_attr`` hook, so whatever derives
      from them (a bucket policy = ``data.aws_iam_policy_document.x.json``) is known in
      the plan, as it is in a real one.
    * ``configuration``: per module (not per instance) the expressions as terraform
      records them: ``constant_value`` for literal constants, otherwise ``references``
      (every traversal, unwrapped step by step down to the referenced object, in source
      order, duplicates kept).

Output is deterministic: keys in the order terraform writes them (struct order, maps
sorted), resources sorted by address, 2-space indentation.  ``--timestamp`` sets the
plan timestamp (default: a fixed one, so regenerating an unchanged root changes nothing).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from lark import Token, Tree  # noqa: E402

from lint_rules.errors import InputError  # noqa: E402
from lint_rules.loaders import hcl as _hcl  # noqa: E402
from lint_rules.loaders.hcl_eval import (EvalError, Scope, _template_from_string_tree, has_unknown,  # noqa: E402
                                         heredoc_body, json_encode, kids, name_of, parse_template_text)
from lint_rules.model import UNKNOWN  # noqa: E402

__all__ = ["synthesize_plan", "dump_plan", "main"]

TERRAFORM_VERSION = "1.11.4"
FORMAT_VERSION = "1.2"
STATE_FORMAT_VERSION = "1.0"
PROVIDER = "registry.terraform.io/hashicorp/aws"
PROVIDER_LOCAL_NAME = "aws"
DEFAULT_TIMESTAMP = "2025-06-02T09:00:00Z"
SCHEMA_RELPATH = Path("aws-provider-schema") / "aws-6.19.0.trimmed.json"

META_ATTRS = frozenset({"count", "for_each", "depends_on", "provider"})
META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})
MODULE_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})

# Optional+computed attributes the provider fills in at plan time when the configuration
# leaves them unset, and optional attributes with a schema default (hashicorp/aws 6.x
# sources: the resource's schema.Schema ``Default`` / framework ``Default``).  Paths are
# dotted, nested blocks by name.  Only the resource types auditgate's roots use.
PROVIDER_DEFAULTS: dict[str, dict[str, Any]] = {
    "aws_cloudtrail": {"enable_log_file_validation": False, "enable_logging": True,
                       "include_global_service_events": True, "is_multi_region_trail": False,
                       "is_organization_trail": False, "event_selector.include_management_events": True,
                       "event_selector.read_write_type": "All"},
    "aws_cloudwatch_event_rule": {"event_bus_name": "default", "force_destroy": False},
    "aws_cloudwatch_event_target": {"event_bus_name": "default", "force_destroy": False},
    "aws_cloudwatch_log_group": {"retention_in_days": 0, "skip_destroy": False},
    "aws_cloudwatch_log_metric_filter": {"metric_transformation.unit": "None"},
    "aws_cloudwatch_metric_alarm": {"actions_enabled": True, "treat_missing_data": "missing"},
    "aws_config_configuration_recorder": {"name": "default", "recording_group.all_supported": True,
                                          "recording_mode.recording_frequency": "CONTINUOUS"},
    "aws_flow_log": {"log_destination_type": "cloud-watch-logs", "max_aggregation_interval": 600},
    "aws_guardduty_detector": {"enable": True},
    "aws_iam_policy": {"path": "/"},
    "aws_iam_role": {"force_detach_policies": False, "max_session_duration": 3600, "path": "/"},
    "aws_kms_key": {"bypass_policy_lockout_safety_check": False, "customer_master_key_spec": "SYMMETRIC_DEFAULT",
                    "enable_key_rotation": False, "is_enabled": True, "key_usage": "ENCRYPT_DECRYPT"},
    "aws_lambda_function": {"memory_size": 128, "package_type": "Zip", "publish": False,
                            "reserved_concurrent_executions": -1, "skip_destroy": False, "timeout": 3},
    "aws_s3_bucket": {"force_destroy": False},
    "aws_s3_bucket_lifecycle_configuration": {"transition_default_minimum_object_size": "all_storage_classes_128K"},
    "aws_s3_bucket_object_lock_configuration": {"object_lock_enabled": "Enabled"},
    "aws_s3_bucket_public_access_block": {"block_public_acls": False, "block_public_policy": False,
                                          "ignore_public_acls": False, "restrict_public_buckets": False},
    "aws_securityhub_account": {"auto_enable_controls": True, "enable_default_standards": True},
    "aws_sns_topic": {"content_based_deduplication": False, "fifo_topic": False},
    "aws_sns_topic_subscription": {"confirmation_timeout_in_minutes": 1, "endpoint_auto_confirms": False,
                                   "raw_message_delivery": False},
    "aws_ssm_document": {"document_format": "JSON"},
    "aws_vpc": {"enable_dns_support": True, "instance_tenancy": "default"},
}

# Legacy (SDKv2) nested blocks that are optional *and computed*: when the configuration has
# none, the provider plans them as unknown rather than as an empty list (dotted paths).
COMPUTED_BLOCKS: dict[str, frozenset[str]] = {
    "aws_config_configuration_recorder": frozenset({"recording_group", "recording_group.exclusion_by_resource_types",
                                                    "recording_group.recording_strategy", "recording_mode"}),
    "aws_guardduty_detector": frozenset({"datasources"}),
    "aws_iam_role": frozenset({"inline_policy"}),
    "aws_lambda_function": frozenset({"ephemeral_storage", "logging_config", "tracing_config"}),
    "aws_s3_bucket": frozenset({"cors_rule", "grant", "lifecycle_rule", "logging", "object_lock_configuration",
                                "replication_configuration", "server_side_encryption_configuration",
                                "versioning", "website"}),
}

# Resource types implemented with the plugin framework (the rest use the legacy SDKv2, whose
# plan turns an empty map or set argument into null).
FRAMEWORK_RESOURCES = frozenset({"aws_s3_bucket_lifecycle_configuration"})

REGION_NAMES = {
    "us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)", "us-west-2": "US West (Oregon)",
    "ca-central-1": "Canada (Central)", "eu-central-1": "Europe (Frankfurt)",
    "eu-west-1": "Europe (Ireland)", "eu-west-2": "Europe (London)", "eu-west-3": "Europe (Paris)",
    "eu-north-1": "Europe (Stockholm)", "ap-south-1": "Asia Pacific (Mumbai)",
    "ap-northeast-1": "Asia Pacific (Tokyo)", "ap-northeast-2": "Asia Pacific (Seoul)",
    "ap-southeast-1": "Asia Pacific (Singapore)", "ap-southeast-2": "Asia Pacific (Sydney)",
    "sa-east-1": "South America (Sao Paulo)",
}

_NIL = object()  # "no value": left out of a JSON object


class SynthesisError(Exception):
    """The configuration cannot be turned into a plan (terraform would fail too)."""


# ---------------------------------------------------------------------------
# the provider schema
# ---------------------------------------------------------------------------


def shared_dir() -> Path:
    """``../shared`` beside the checkout; ``$AUDITGATE_SHARED`` overrides (as tests/helpers.py)."""
    env = os.environ.get("AUDITGATE_SHARED")
    return Path(env) if env else REPO.parent / "shared"


@lru_cache(maxsize=4)
def load_schema(path: str | None = None) -> dict:
    schema_path = Path(path) if path else shared_dir() / SCHEMA_RELPATH
    if not schema_path.is_file():
        raise SynthesisError(f"AWS provider schema not found at {schema_path} (set AUDITGATE_SHARED)")
    schema = json.loads(schema_path.read_text())["provider_schemas"][PROVIDER]
    return schema if path else _with_full_schema(schema, schema_path)


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


# ---------------------------------------------------------------------------
# values: type conversion, set order, unknown / sensitive markers
# ---------------------------------------------------------------------------


def _num_str(v: Any) -> str:
    if isinstance(v, float) and v.is_integer() and abs(v) < 2 ** 63:
        v = int(v)
    return str(v) if isinstance(v, int) else repr(v)


def convert(value: Any, ty: Any) -> Any:
    """``value`` converted to the cty type ``ty`` as terraform does for an argument."""
    if value is UNKNOWN or value is None:
        return value
    if ty == "string":
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return _num_str(value)
        return value
    if ty == "number":
        if isinstance(value, str):
            try:
                f = float(value)
                return int(f) if f.is_integer() else f
            except ValueError:
                return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value
    if ty == "bool":
        if value in ("true", "false"):
            return value == "true"
        return value
    if isinstance(ty, list):
        kind = ty[0]
        if kind in ("list", "set") and isinstance(value, list):
            items = [convert(v, ty[1]) for v in value]
            return set_order(items) if kind == "set" else items
        if kind == "map" and isinstance(value, dict):
            return {k: convert(value[k], ty[1]) for k in sorted(value)}
        if kind == "object" and isinstance(value, dict):
            return {k: convert(value.get(k), ty[1][k]) for k in sorted(ty[1])}
        if kind == "tuple" and isinstance(value, list):
            return [convert(v, t) for v, t in zip(value, ty[1])]
    if isinstance(value, dict):
        return {k: value[k] for k in sorted(value)}
    return value


def _go_quote(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _hash_bytes(v: Any) -> str:
    """cty's set hash string of a value (cty/set_internals.go appendSetHashBytes)."""
    if v is UNKNOWN:
        return "?"
    if v is None:
        return "~"
    if isinstance(v, bool):
        return "T" if v else "F"
    if isinstance(v, (int, float)):
        return format(v, ".10g") if isinstance(v, float) else str(v)  # big.Float.String: Text('g', 10)
    if isinstance(v, str):
        return _go_quote(v)
    if isinstance(v, list):
        return "[" + "".join(_hash_bytes(x) + ";" for x in v) + "]"
    if isinstance(v, dict):
        return "<" + "".join(_hash_bytes(v[k]) + ";" for k in sorted(v)) + ">"
    return repr(v)


def set_order(items: list) -> list:
    """Elements of a cty set in cty's iteration order: duplicates dropped; strings, numbers
    and bools in their natural order, other values by hash; unknown values last."""
    unique: list = []
    seen: set[str] = set()
    unknown = []
    for item in items:
        if item is UNKNOWN:
            unknown.append(item)
            continue
        key = _hash_bytes(item)
        if key in seen:
            continue
        seen.add(key)
        unique.append(item)
    by_hash = sorted(unique, key=lambda x: zlib.crc32(_hash_bytes(x).encode("utf-8")))
    if all(isinstance(x, str) for x in unique):
        by_hash = sorted(unique, key=lambda s: s.encode("utf-8"))
    elif all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in unique):
        by_hash = sorted(unique)
    elif all(isinstance(x, bool) for x in unique):
        by_hash = sorted(unique)
    return by_hash + unknown


def unknown_as_bool(v: Any) -> Any:
    """terraform's ``after_unknown`` encoding of a value (jsonplan unknownAsBool)."""
    if v is UNKNOWN:
        return True
    if v is None:
        return False
    if isinstance(v, list):
        return [unknown_as_bool(x) for x in v]
    if isinstance(v, dict):
        out = {}
        for k in sorted(v):
            b = unknown_as_bool(v[k])
            if b is not False:
                out[k] = b
        return out
    return False


def omit_unknowns(v: Any) -> Any:
    """``v`` without its unknown parts (jsonplan omitUnknowns): unknown list elements become null."""
    if v is UNKNOWN:
        return _NIL
    if isinstance(v, list):
        return [None if x is UNKNOWN else omit_unknowns(x) for x in v]
    if isinstance(v, dict):
        return {k: omit_unknowns(v[k]) for k in sorted(v) if v[k] is not UNKNOWN}
    return v


def _sens_value(v: Any, ty: Any) -> Any:
    """SensitiveAsBool for a value that carries no sensitive mark itself."""
    if v is None:
        return False
    collection = isinstance(ty, list) and ty[0] in ("list", "set", "tuple")
    mapping = isinstance(ty, list) and ty[0] in ("map", "object")
    if v is UNKNOWN:
        return [] if collection else ({} if mapping else False)
    if isinstance(v, list):
        if isinstance(ty, list) and ty[0] == "tuple":
            return [_sens_value(x, t) for x, t in zip(v, ty[1])]
        elem = ty[1] if collection else "dynamic"
        return [_sens_value(x, elem) for x in v]
    if isinstance(v, dict):
        out = {}
        for k in sorted(v):
            if isinstance(ty, list) and ty[0] == "object":
                sub_ty = ty[1].get(k, "dynamic")
            elif isinstance(ty, list) and ty[0] == "map":
                sub_ty = ty[1]
            else:
                sub_ty = "dynamic"
            s = _sens_value(v[k], sub_ty)
            if s is not False:
                out[k] = s
        return out
    return False


def sensitive_as_bool(block: dict, value: dict) -> dict:
    """``after_sensitive`` / ``sensitive_values`` of an object of schema ``block``: sensitive
    schema attributes are true (even when null or unknown), the rest mirrors the structure."""
    out: dict = {}
    attrs = block.get("attributes", {})
    blocks = block.get("block_types", {})
    for name in sorted(set(attrs) | set(blocks)):
        v = value.get(name)
        if name in attrs:
            s = True if attrs[name].get("sensitive") else _sens_value(v, attrs[name]["type"])
        else:
            bt = blocks[name]
            if bt["nesting_mode"] in ("single", "group"):
                s = sensitive_as_bool(bt["block"], v) if isinstance(v, dict) else False
            elif v is UNKNOWN:
                s = [] if bt["nesting_mode"] in ("list", "set") else {}
            elif isinstance(v, list):
                s = [sensitive_as_bool(bt["block"], x) if isinstance(x, dict) else False for x in v]
            else:
                s = False
        if s is not False:
            out[name] = s
    return out


def _sorted_value(v: Any) -> Any:
    """A known value with object keys sorted, as ctyjson writes it."""
    if isinstance(v, dict):
        return {k: _sorted_value(v[k]) for k in sorted(v)}
    if isinstance(v, list):
        return [_sorted_value(x) for x in v]
    if isinstance(v, float) and v.is_integer() and abs(v) < 2 ** 63:
        return int(v)
    return v


# ---------------------------------------------------------------------------
# expressions as terraform records them in ``configuration``
# ---------------------------------------------------------------------------


def _has_paren(node: Tree) -> bool:
    return any(isinstance(t, Token) and str(t) == "(" for t in node.children)


def _unwrap_term(node: Tree) -> Tree:
    while node.data == "expr_term" and len(kids(node)) == 1 and not _has_paren(node):
        node = kids(node)[0]
    return node


def _literal_key(accessor: Tree) -> Any:
    """The key of ``[0]`` / ``["k"]`` / ``.0``: a literal index keeps a traversal going."""
    if accessor.data == "short_index":
        return int(str([t for t in accessor.children if isinstance(t, Token)][-1]))
    if accessor.data != "braces_index":
        return _NIL
    inner = _unwrap_term(kids(accessor)[0])
    if inner.data == "int_lit":
        return int(str(inner.children[0]))
    if inner.data == "float_lit":
        return float(str(inner.children[0]))
    if inner.data == "literal_value":
        return {"true": True, "false": False, "null": None}[name_of(inner)]
    if inner.data == "string":
        items = _template_from_string_tree(inner)
        if all(item[0] == "lit" for item in items):
            return "".join(item[1] for item in items)
    return _NIL


def _traversal(node: Tree) -> list | None:
    """[("root", name), ("attr", name) | ("index", key), ...] when ``node`` is one traversal
    (hclsyntax ScopeTraversalExpr), else None."""
    node = _unwrap_term(node)
    if node.data == "identifier":
        return [("root", name_of(node))]
    if node.data == "get_attr_expr_term":
        base, accessor = kids(node)
        trav = _traversal(base)
        return None if trav is None else trav + [("attr", name_of(kids(accessor)[0]))]
    if node.data == "index_expr_term":
        base, accessor = kids(node)
        trav = _traversal(base)
        key = _literal_key(accessor)
        return None if trav is None or key is _NIL else trav + [("index", key)]
    return None


def _heredoc_items(node: Tree) -> list:
    body, flush = heredoc_body(str(node.children[0]))
    return parse_template_text(body, _hcl._parse_expression, per_line=True, flush=flush)


def _template_pairs(items: Iterable, bound: frozenset) -> list:
    out: list = []
    for item in items:
        kind = item[0]
        if kind == "interp":
            out += _variable_pairs(item[1], bound)
        elif kind == "if":
            out += _variable_pairs(item[1], bound) + _template_pairs(item[2], bound) + _template_pairs(item[3], bound)
        elif kind == "for":
            names = {n for n in (item[1], item[2]) if n}
            out += _variable_pairs(item[3], bound) + _template_pairs(item[4], bound | names)
    return out


def _bare_object_key(key_node: Tree) -> bool:
    inner = kids(key_node)
    if not inner:
        return True
    expr = inner[0]
    if expr.data == "keyword":
        return True
    if expr.data == "expr_term" and not _has_paren(expr):
        term = kids(expr)
        return len(term) == 1 and term[0].data in ("identifier", "keyword")
    return False


def _for_parts(node: Tree):
    parts = kids(node)
    intro_kids = kids(parts[0])
    names = frozenset(name_of(k) for k in intro_kids[:-1])
    cond = next((k for k in parts[1:] if k.data == "for_cond"), None)
    body = [k for k in parts[1:] if k.data != "for_cond"]
    return names, intro_kids[-1], body, (kids(cond)[0] if cond is not None else None)


def _variable_pairs(node: Tree, bound: frozenset = frozenset()) -> list:
    """(traversal, node) of every traversal of an expression, in hclsyntax ``Variables()`` order."""
    trav = _traversal(node)
    if trav is not None:
        return [] if trav[0][1] in bound else [(trav, node)]
    node = _unwrap_term(node)
    data = node.data
    out: list = []
    if data == "get_attr_expr_term":
        return _variable_pairs(kids(node)[0], bound)
    if data == "index_expr_term":
        base, accessor = kids(node)
        out = _variable_pairs(base, bound)
        if accessor.data == "braces_index":
            out += _variable_pairs(kids(accessor)[0], bound)
        return out
    if data in ("full_splat_expr_term", "attr_splat_expr_term"):
        base, splat = kids(node)
        out = _variable_pairs(base, bound)
        for accessor in kids(splat):
            if accessor.data == "braces_index":
                out += _variable_pairs(kids(accessor)[0], bound)
        return out
    if data == "string":
        return _template_pairs(_template_from_string_tree(node), bound)
    if data in ("heredoc_template", "heredoc_template_trim"):
        return _template_pairs(_heredoc_items(node), bound)
    if data == "object":
        for elem in kids(node):
            key_node, value_node = kids(elem)[0], kids(elem)[-1]
            if not _bare_object_key(key_node):
                out += _variable_pairs(kids(key_node)[0], bound)
            out += _variable_pairs(value_node, bound)
        return out
    if data in ("for_tuple_expr", "for_object_expr"):
        names, coll, body, cond = _for_parts(node)
        out = _variable_pairs(coll, bound)
        for part in body:
            out += _variable_pairs(part, bound | names)
        if cond is not None:
            out += _variable_pairs(cond, bound | names)
        return out
    if data == "function_call":
        arg_tree = next((k for k in kids(node) if k.data == "arguments"), None)
        for arg in kids(arg_tree) if arg_tree is not None else ():
            out += _variable_pairs(arg, bound)
        return out
    for child in kids(node):
        out += _variable_pairs(child, bound)
    return out


def _variables(node: Tree, bound: frozenset = frozenset()) -> list:
    """The traversals of an expression in hclsyntax ``Variables()`` order."""
    return [trav for trav, _ in _variable_pairs(node, bound)]


def _compact_key(key: Any) -> str:
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, (int, float)):
        return format(key, ".10g") if isinstance(key, float) else str(key)
    return _go_quote(str(key))


def _steps_str(steps: list) -> str:
    return "".join(f".{v}" if kind == "attr" else f"[{_compact_key(v)}]" for kind, v in steps)


def _instance_key_str(key: Any) -> str:
    return f"[{key}]" if isinstance(key, int) and not isinstance(key, bool) else f"[{_go_quote(str(key))}]"


def _parse_ref(trav: list) -> tuple[str, list, list] | None:
    """(subject, remaining steps, extra forms) of a traversal as terraform's addrs.ParseRef
    reads it; None when it is not a valid reference."""
    root = trav[0][1]
    steps = trav[1:]

    def attr(i: int) -> str | None:
        return steps[i][1] if len(steps) > i and steps[i][0] == "attr" else None

    if root in ("var", "local", "count", "each", "path", "terraform"):
        name = attr(0)
        return None if name is None else (f"{root}.{name}", steps[1:], [])
    if root == "self":
        return ("self", steps, [])
    if root == "module":
        name = attr(0)
        if name is None:
            return None
        call = f"module.{name}"
        rest = steps[1:]
        if not rest:
            return (call, [], [])
        instance = call
        keyed = False
        if rest[0][0] == "index":
            instance = call + _instance_key_str(rest[0][1])
            keyed = True
            rest = rest[1:]
            if not rest:
                return (instance, [], [call])
        if rest[0][0] == "attr":
            return (f"{instance}.{rest[0][1]}", rest[1:], [instance])
        return (instance, rest, [call] if keyed else [])
    if root in ("data", "ephemeral", "resource"):
        if attr(0) is None or attr(1) is None:
            return None
        resource = f"{root}.{steps[0][1]}.{steps[1][1]}" if root != "resource" else f"{steps[0][1]}.{steps[1][1]}"
        rest = steps[2:]
    else:
        name = attr(0)
        if name is None:
            return None
        resource = f"{root}.{name}"
        rest = steps[1:]
    if rest and rest[0][0] == "index":
        return (resource + _instance_key_str(rest[0][1]), rest[1:], [resource])
    return (resource, rest, [])


def reference_strings(trav: list) -> list[str]:
    """The ``references`` entries of one traversal (jsonconfig marshalExpression)."""
    parsed = _parse_ref(trav)
    if parsed is None:
        return []
    subject, remaining, extra = parsed
    out = [subject + _steps_str(remaining[:n]) for n in range(len(remaining), 0, -1)]
    return out + [subject] + extra


def _has_function(node: Any) -> bool:
    if not isinstance(node, Tree):
        return False
    if node.data == "function_call":
        return True
    if node.data in ("heredoc_template", "heredoc_template_trim"):
        def walk(items) -> bool:
            for item in items:
                if item[0] == "interp" and _has_function(item[1]):
                    return True
                if item[0] == "if" and (_has_function(item[1]) or walk(item[2]) or walk(item[3])):
                    return True
                if item[0] == "for" and (_has_function(item[3]) or walk(item[4])):
                    return True
            return False
        try:
            return walk(_heredoc_items(node))
        except Exception:  # noqa: BLE001 - an unparsable heredoc is no constant
            return True
    return any(_has_function(c) for c in node.children)


class Expressions:
    """Turns expression trees into terraform's ``{"constant_value"|"references"}`` objects."""

    def __init__(self, evaluator):
        self.ev = evaluator

    def constant(self, node: Tree, names: dict | None = None) -> Any:
        """The value of an expression that needs no context (no references, no function calls)."""
        if _has_function(node):
            return _NIL
        try:
            value = self.ev.ev(node, Scope(None, dict(names or {})))
        except Exception:  # noqa: BLE001 - anything but a plain constant
            return _NIL
        if has_unknown(value) or hasattr(value, "attr"):
            return _NIL
        return _sorted_value(list(value) if isinstance(value, list) else value)

    def expression(self, node: Tree, bound: frozenset = frozenset(), names: dict | None = None) -> dict:
        out: dict = {}
        travs = _variables(node, bound)
        if not travs:
            value = self.constant(node, names)
            if value is not _NIL:
                out["constant_value"] = value
        refs = [s for t in travs for s in reference_strings(t)]
        if refs:
            out["references"] = refs
        return out

    def subject(self, node: Tree) -> str | None:
        """``depends_on`` entries: the referenced object itself."""
        trav = _traversal(node)
        parsed = _parse_ref(trav) if trav else None
        if parsed is None:
            return None
        subject, remaining, _ = parsed
        return subject


# ---------------------------------------------------------------------------
# data sources read at plan time
# ---------------------------------------------------------------------------


def _go_json(value: Any, indent: bool) -> str:
    """encoding/json output: HTML characters escaped; MarshalIndent("", "  ") when ``indent``."""
    text = json.dumps(value, ensure_ascii=False, indent=2 if indent else None,
                      separators=(",", ": ") if indent else (",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _decode_string_list(values: list) -> Any:
    """policyDecodeConfigStrings: one element as a string, else reverse-sorted."""
    if len(values) == 1:
        return values[0]
    return sorted(values, key=lambda s: s.encode("utf-8"), reverse=True)


def _var_replace(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("&{", "${")
    return [v.replace("&{", "${") for v in value]


def _principals_json(principals: list) -> Any:
    """iamPolicyStatementPrincipalSet.MarshalJSON."""
    if len(principals) == 1 and principals[0][0] == "*" and principals[0][1] in ("*", ["*"]):
        return "*"
    raw: dict = {}
    for ptype, identifiers in principals:
        current = raw.get(ptype)
        if isinstance(identifiers, list):
            merged = [] if current is None else ([current] if isinstance(current, str) else current)
            raw[ptype] = merged + sorted(identifiers, key=lambda s: s.encode("utf-8"), reverse=True)
        elif current is None:
            raw[ptype] = identifiers
        else:
            raw[ptype] = ([current] if isinstance(current, str) else current) + [identifiers]
    return {k: raw[k] for k in sorted(raw)}


def _conditions_json(conditions: list) -> dict:
    """iamPolicyStatementConditionSet.MarshalJSON (single values flattened to strings)."""
    raw: dict = {}
    for test, variable, values in conditions:
        slot = raw.setdefault(test, {}).setdefault(variable, [])
        slot.extend(values if isinstance(values, list) else [values])
    return {t: {v: (raw[t][v][0] if len(raw[t][v]) == 1 else raw[t][v]) for v in sorted(raw[t])}
            for t in sorted(raw)}


def _statement_json(stmt: dict) -> dict:
    """One iamPolicyStatement in struct field order, empty fields omitted."""
    out: dict = {}
    for key in ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal",
                "NotPrincipal", "Condition"):
        value = stmt.get(key)
        if value not in (None, "", [], {}):
            out[key] = value
    return out


def _parse_statement(raw: dict) -> dict:
    """A statement of a source/override document as the provider reads (and will re-write) it."""
    stmt = {"Sid": raw.get("Sid", ""), "Effect": raw.get("Effect", "")}
    for key in ("Action", "NotAction", "Resource", "NotResource"):
        if key in raw:
            stmt[key] = raw[key]
    for key in ("Principal", "NotPrincipal"):
        value = raw.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            stmt[key] = _principals_json([("*", ["*"])])
        else:
            stmt[key] = _principals_json([(k, v) for k, v in value.items()])
    if raw.get("Condition"):
        conds = []
        for test, variables in raw["Condition"].items():
            for variable, values in variables.items():
                conds.append((test, variable, values if isinstance(values, list) else
                              [str(values).lower() if isinstance(values, bool) else values]))
        stmt["Condition"] = _conditions_json(conds)
    return stmt


def _merge_doc(doc: dict, new: dict) -> None:
    """iamPolicyDoc.Merge."""
    if new.get("Id"):
        doc["Id"] = new["Id"]
    if new.get("Version", "") > doc.get("Version", ""):
        doc["Version"] = new["Version"]
    for stmt in new.get("Statement", []):
        sid = stmt.get("Sid", "")
        if sid:
            for i, existing in enumerate(doc["Statement"]):
                if existing.get("Sid", "") == sid:
                    doc["Statement"][i] = stmt
                    break
            else:
                doc["Statement"].append(stmt)
        else:
            doc["Statement"].append(stmt)


def _parse_doc(text: str) -> dict:
    raw = json.loads(text)
    return {"Version": raw.get("Version", ""), "Id": raw.get("Id", ""),
            "Statement": [_parse_statement(s) for s in raw.get("Statement") or []]}


def render_policy_document(config: dict) -> tuple[str, str]:
    """(json, minified_json) of an aws_iam_policy_document from its (known) configuration."""
    merged: dict = {"Version": "", "Id": "", "Statement": []}
    for source in config.get("source_policy_documents") or []:
        if source is not None:
            _merge_doc(merged, _parse_doc(source))
    version = config.get("version") or "2012-10-17"
    own: dict = {"Version": version, "Id": config.get("policy_id") or "", "Statement": []}
    for cfg in config.get("statement") or []:
        stmt: dict = {"Sid": cfg.get("sid") or "", "Effect": cfg.get("effect") or "Allow"}
        for attr, key in (("actions", "Action"), ("not_actions", "NotAction")):
            values = set_order(list(cfg.get(attr) or []))
            if values:
                stmt[key] = _decode_string_list(values)
        for attr, key in (("resources", "Resource"), ("not_resources", "NotResource")):
            values = set_order(list(cfg.get(attr) or []))
            if values:
                stmt[key] = _var_replace(_decode_string_list(values))
        for attr, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            blocks = cfg.get(attr) or []
            if blocks:
                stmt[key] = _principals_json([
                    (b["type"], _var_replace(_decode_string_list(set_order(list(b["identifiers"])))))
                    for b in set_order([dict(b) for b in blocks])])
        conditions = cfg.get("condition") or []
        if conditions:
            stmt["Condition"] = _conditions_json([
                (c["test"], c["variable"], _var_replace(list(c["values"])))
                for c in set_order([dict(c) for c in conditions])])
        own["Statement"].append(stmt)
    _merge_doc(merged, own)
    for override in config.get("override_policy_documents") or []:
        if override is not None:
            _merge_doc(merged, _parse_doc(override))
    doc: dict = {}
    if merged["Version"]:
        doc["Version"] = merged["Version"]
    if merged["Id"]:
        doc["Id"] = merged["Id"]
    if merged["Statement"]:
        doc["Statement"] = [_statement_json(s) for s in merged["Statement"]]
    return _go_json(doc, indent=True), _go_json(doc, indent=False)


class ProviderFacts:
    """What the provider knows before planning: account, region, partition, default tags."""

    def __init__(self, account_id: str, region: str, default_tags: dict, partition: str = "aws"):
        self.account_id = account_id
        self.region = region
        self.default_tags = default_tags
        self.partition = partition

    def read(self, rtype: str, config: dict) -> dict:
        """The computed attributes of a data source read with ``config``."""
        if rtype == "aws_caller_identity":
            return {"account_id": self.account_id, "arn": f"arn:{self.partition}:iam::{self.account_id}:root",
                    "id": self.account_id, "user_id": self.account_id}
        if rtype == "aws_partition":
            return {"dns_suffix": "amazonaws.com", "id": self.partition, "partition": self.partition,
                    "reverse_dns_prefix": "com.amazonaws"}
        if rtype == "aws_region":
            region = config.get("region") or config.get("name") or self.region
            return {"description": REGION_NAMES.get(region, region), "endpoint": f"ec2.{region}.amazonaws.com",
                    "id": region, "name": region, "region": region}
        if rtype == "aws_iam_policy_document":
            text, minified = render_policy_document(config)
            return {"id": str(zlib.crc32(text.encode("utf-8"))), "json": text, "minified_json": minified,
                    "version": config.get("version") or "2012-10-17"}
        raise SynthesisError(f"no plan-time reader for data source type {rtype}")


# SDKv2 state of a data source: nested attributes that are unset read back as zero values,
# except where the schema has a default.
DATA_SOURCE_NESTED_DEFAULTS = {"aws_iam_policy_document": {"statement.effect": "Allow"}}


def _zero(ty: Any) -> Any:
    if ty == "string":
        return ""
    if ty == "number":
        return 0
    if ty == "bool":
        return False
    if isinstance(ty, list) and ty[0] in ("list", "set", "tuple"):
        return []
    if isinstance(ty, list) and ty[0] in ("map", "object"):
        return {}
    return None


def data_state_object(block: dict, rtype: str, config: dict, computed: dict, path: str = "") -> dict:
    """The full state object of a data source after the provider read it."""
    out: dict = {}
    defaults = DATA_SOURCE_NESTED_DEFAULTS.get(rtype, {})
    for name, attr in block.get("attributes", {}).items():
        value = config.get(name)
        if value is None and not path and name in computed:
            value = computed[name]
        if value is None:
            value = defaults.get(path + name, _zero(attr["type"]) if path else None)
        out[name] = convert(value, attr["type"])
    for name, bt in block.get("block_types", {}).items():
        items = config.get(name) or []
        if isinstance(items, dict):
            items = [items]
        objs = [data_state_object(bt["block"], rtype, item, {}, f"{path}{name}.") for item in items]
        if bt["nesting_mode"] in ("single", "group"):
            out[name] = objs[0] if objs else None
        else:
            out[name] = set_order(objs) if bt["nesting_mode"] == "set" else objs
    return {k: out[k] for k in sorted(out)}


# ---------------------------------------------------------------------------
# the synthesizer
# ---------------------------------------------------------------------------


def _version_constraint(text: str) -> str:
    """getproviders.VersionConstraintsString of a required_providers version string."""
    out = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        op = ""
        for candidate in ("~>", ">=", "<=", "!=", ">", "<", "="):
            if part.startswith(candidate):
                op, part = candidate, part[len(candidate):].strip()
                break
        nums = part.split(".")
        if op == "~>" and len(nums) == 2:
            version = f"{nums[0]}.{nums[1]}"
        else:
            nums = (nums + ["0", "0"])[:3] if len(nums) < 3 else nums
            version = ".".join(nums)
        out.append(f"{op} {version}" if op and op != "=" else version)
    return ", ".join(out)


class _Instance:
    """One resource instance: where it is declared and its evaluated configuration."""

    def __init__(self, inst, conf, key):
        self.inst, self.conf, self.key = inst, conf, key
        self.address = f"{inst.prefix}{conf.local_address}{_hcl._key_suffix(key)}"
        self.module_address = inst.path


class Synthesizer:
    def __init__(self, root_dir: str, schema_path: str | None = None, timestamp: str = DEFAULT_TIMESTAMP,
                 account_id: str | None = None):
        self.root_dir = str(root_dir).rstrip("/") or "."
        self.schema = load_schema(schema_path)
        self.timestamp = timestamp
        self._blocks_cache: dict[str, list] = {}
        self._data_cache: dict[tuple, Any] = {}
        loader = _hcl._Loader(self.root_dir)
        loader.root = loader.module_config(self.root_dir)
        loader.load_root_values((), {})
        loader.unconfigured_attr = self._unconfigured_attr
        self.loader = loader
        self.ev = loader.ev
        self.exprs = Expressions(loader.ev)
        self.root = _hcl.ModuleInstance(loader, loader.root, "")
        self.facts = self._provider_facts(account_id)

    # --- the schema -------------------------------------------------------------------------
    def type_schema(self, mode: str, rtype: str) -> dict:
        table = self.schema["resource_schemas" if mode == "managed" else "data_source_schemas"]
        if rtype not in table:
            raise SynthesisError(f"{rtype} is not in the provider schema")
        return table[rtype]

    # --- blocks the loader does not keep (provider, terraform) ------------------------------
    def _blocks(self, display_dir: str, kind: str) -> list:
        if display_dir not in self._blocks_cache:
            blocks = []
            for name in sorted(os.listdir(display_dir)):
                path = os.path.join(display_dir, name)
                if not name.endswith(".tf") or os.path.isdir(path):
                    continue
                tree = _hcl._parse_text(_hcl._read_text(path), path)
                body = _hcl._to_body(kids(tree)[0], path) if kids(tree) else _hcl.Body()
                blocks.extend(body.blocks)
            self._blocks_cache[display_dir] = blocks
        return [b for b in self._blocks_cache[display_dir] if b.type == kind]

    def _provider_block(self):
        for block in self._blocks(self.root_dir, "provider"):
            if block.labels and block.labels[0] == PROVIDER_LOCAL_NAME and "alias" not in block.body.attrs:
                return block
        return None

    def _provider_facts(self, account_id: str | None) -> ProviderFacts:
        block = self._provider_block()
        region = None
        default_tags: dict = {}
        if block is not None:
            if "region" in block.body.attrs:
                region = self.ev.evaluate(block.body.attrs["region"].expr, self.root.scope)
            for sub in block.body.blocks:
                if sub.type == "default_tags" and "tags" in sub.body.attrs:
                    tags = self.ev.evaluate(sub.body.attrs["tags"].expr, self.root.scope)
                    if isinstance(tags, dict):
                        default_tags.update(tags)
        if not isinstance(region, str):
            region = os.environ.get("AWS_REGION") or "us-east-1"
        if account_id is None and block is not None and "allowed_account_ids" in block.body.attrs:
            # terraform refuses any other account: the plan is made as the one allowed
            allowed = self.ev.evaluate(block.body.attrs["allowed_account_ids"].expr, self.root.scope)
            if isinstance(allowed, list) and len(allowed) == 1 and isinstance(allowed[0], str):
                account_id = allowed[0]
        if account_id is None:
            account_id = "123456789012"
            if "account_id" in self.loader.root.variables:
                value = self.root.var("account_id")
                if isinstance(value, str):
                    account_id = value
        return ProviderFacts(account_id, region, {k: str(v) for k, v in default_tags.items()})

    # --- the loader hook: what the provider knows at plan time ----------------------------
    def _unconfigured_attr(self, inst, conf, key, name):
        if conf.mode == "data":
            state = self.data_state(inst, conf, key)
            return state.get(name, UNKNOWN) if state is not None else UNKNOWN
        block = self.type_schema("managed", conf.type)["block"]
        attr = block.get("attributes", {}).get(name)
        if attr is None:
            return UNKNOWN
        default = PROVIDER_DEFAULTS.get(conf.type, {}).get(name, _NIL)
        if default is not _NIL:
            return default
        if attr.get("computed"):
            tags = inst.resource_attr(conf, key, "tags") if name == "tags_all" else None
            return self._computed(conf.type, name, tags)
        return None

    def _computed(self, rtype: str, name: str, tags: Any) -> Any:
        """A computed attribute the configuration leaves unset, as the provider plans it."""
        if name == "region":
            return self.facts.region
        if name == "tags_all":
            if tags is UNKNOWN or has_unknown(tags):
                return UNKNOWN
            merged = dict(self.facts.default_tags)
            merged.update({k: v for k, v in (tags or {}).items()})
            return {k: merged[k] for k in sorted(merged)} if merged else UNKNOWN
        return UNKNOWN

    # --- instances ---------------------------------------------------------------------------
    def instances(self) -> list[_Instance]:
        out = []
        for inst in self.root.walk():
            for conf in inst.config.resources:
                exp = inst.expand_resource(conf)
                if exp.kind == "unknown":
                    raise SynthesisError(f"{conf.block.where}: {inst.prefix}{conf.local_address}: {exp.meta} "
                                         "is not known before apply; terraform cannot plan this either")
                for key in exp.keys:
                    out.append(_Instance(inst, conf, key))
        return out

    def configured(self, inst, conf, key) -> dict:
        with self.ev.collecting():
            return inst.eval_body(conf.body, inst.resource_scope(conf, key), "", {}, True)

    def _deferred_by_dependency(self, inst, conf) -> bool:
        """A data source waits for apply when it (or a module call above it) depends_on something."""
        if "depends_on" in conf.body.attrs:
            return True
        node = inst
        while node is not None and node.call is not None:
            if "depends_on" in node.call.body.attrs:
                return True
            node = node.parent
        return False

    def data_state(self, inst, conf, key) -> dict | None:
        """The state of a data source read at plan time, None when the read waits for apply."""
        cache_key = (inst.prefix, conf.local_address, json.dumps(key))
        if cache_key not in self._data_cache:
            self._data_cache[cache_key] = None
            config = self.configured(inst, conf, key)
            state = None
            if not has_unknown(config) and not self._deferred_by_dependency(inst, conf):
                block = self.type_schema("data", conf.type)["block"]
                state = data_state_object(block, conf.type, config, self.facts.read(conf.type, config))
            self._data_cache[cache_key] = state
        return self._data_cache[cache_key]

    def planned(self, block: dict, config: Any, rtype: str, path: str = "") -> dict:
        """The planned new object of a managed resource: configuration, defaults, unknowns."""
        config = config if isinstance(config, dict) else {}
        defaults = PROVIDER_DEFAULTS.get(rtype, {})
        out: dict = {}
        for name, attr in block.get("attributes", {}).items():
            value = config.get(name)
            full = path + name
            if value is None:
                default = defaults.get(full, _NIL)
                if default is not _NIL:
                    value = default
                elif attr.get("computed"):
                    value = self._computed(rtype, full, config.get("tags")) if not path else UNKNOWN
            else:
                value = convert(value, attr["type"])
                if value in ({}, []) and rtype not in FRAMEWORK_RESOURCES and isinstance(attr["type"], list) \
                        and attr["type"][0] in ("map", "set") and not attr.get("computed"):
                    value = None  # the legacy SDK loses an empty map or set: planned as null
            out[name] = value
        for name, bt in block.get("block_types", {}).items():
            value = config.get(name)
            mode = bt["nesting_mode"]
            if value is UNKNOWN:
                out[name] = UNKNOWN
                continue
            items = value if isinstance(value, list) else ([value] if isinstance(value, dict) else [])
            objs = [self.planned(bt["block"], item, rtype, f"{path}{name}.") for item in items]
            if mode in ("single", "group"):
                out[name] = objs[0] if objs else None
            elif not objs and f"{path}{name}" in COMPUTED_BLOCKS.get(rtype, ()):
                out[name] = UNKNOWN
            else:
                out[name] = set_order(objs) if mode == "set" else objs
        return {k: out[k] for k in sorted(out)}

    # --- the document ----------------------------------------------------------------------------
    def document(self) -> dict:
        changes: list[dict] = []
        planned: list[tuple[str, dict]] = []  # (module address, values resource)
        prior: list[tuple[str, dict]] = []
        for item in self.instances():
            inst, conf, key = item.inst, item.conf, item.key
            type_schema = self.type_schema(conf.mode, conf.type)
            block = type_schema["block"]
            resource = {"address": item.address, "mode": conf.mode, "type": conf.type, "name": conf.name}
            if key is not None:
                resource["index"] = key
            resource["provider_name"] = PROVIDER
            resource["schema_version"] = type_schema["version"]
            if conf.mode == "data":
                state = self.data_state(inst, conf, key)
                if state is not None:
                    prior.append((item.module_address, dict(resource, values=state,
                                                            sensitive_values=sensitive_as_bool(block, state))))
                    continue
                value = self._deferred_read(block, conf.type, self.configured(inst, conf, key))
                actions, reason = ["read"], "read_because_config_unknown"
                if not has_unknown(self.configured(inst, conf, key)):
                    reason = "read_because_dependency_pending"
            else:
                value = self.planned(block, self.configured(inst, conf, key), conf.type)
                actions, reason = ["create"], None
            after = omit_unknowns(value)
            after_sensitive = sensitive_as_bool(block, value)
            values_resource = dict(resource)
            if after:
                values_resource["values"] = after
            values_resource["sensitive_values"] = after_sensitive
            planned.append((item.module_address, values_resource))
            change: dict = {"address": item.address}
            if item.module_address:
                change["module_address"] = item.module_address
            change.update({"mode": conf.mode, "type": conf.type, "name": conf.name})
            if key is not None:
                change["index"] = key
            change["provider_name"] = PROVIDER
            change["change"] = {"actions": actions, "before": None, "after": after,
                                "after_unknown": unknown_as_bool(value), "before_sensitive": False,
                                "after_sensitive": after_sensitive}
            if reason:
                change["action_reason"] = reason
            changes.append(change)
        changes.sort(key=lambda c: c["address"].encode("utf-8"))

        outputs = self.root_outputs()
        doc: dict = {"format_version": FORMAT_VERSION, "terraform_version": TERRAFORM_VERSION}
        variables = self.root_variables()
        if variables:
            doc["variables"] = variables
        planned_values: dict = {}
        if outputs:
            planned_values["outputs"] = {name: o["planned"] for name, o in outputs.items()}
        planned_values["root_module"] = _values_module(planned)
        doc["planned_values"] = planned_values
        if changes:
            doc["resource_changes"] = changes
        if outputs:
            doc["output_changes"] = {name: o["change"] for name, o in outputs.items()}
        state_outputs = {name: o["state"] for name, o in outputs.items() if o["state"] is not None}
        if prior or state_outputs:
            values: dict = {}
            if state_outputs:
                values["outputs"] = state_outputs
            values["root_module"] = _values_module(prior)
            doc["prior_state"] = {"format_version": STATE_FORMAT_VERSION, "terraform_version": TERRAFORM_VERSION,
                                  "values": values}
        doc["configuration"] = self.configuration()
        checks = self.checks()
        if checks:
            doc["checks"] = checks
        doc["timestamp"] = self.timestamp
        doc["applyable"] = bool(changes)
        doc["complete"] = True
        doc["errored"] = False
        return doc

    def _deferred_read(self, block: dict, rtype: str, config: dict) -> dict:
        out: dict = {}
        for name, attr in block.get("attributes", {}).items():
            value = config.get(name)
            out[name] = convert(value, attr["type"]) if value is not None else (
                UNKNOWN if attr.get("computed") else None)
        for name, bt in block.get("block_types", {}).items():
            value = config.get(name)
            if value is UNKNOWN:
                out[name] = UNKNOWN
                continue
            items = value if isinstance(value, list) else []
            objs = [self._deferred_read(bt["block"], rtype, i) for i in items]
            if bt["nesting_mode"] in ("single", "group"):
                out[name] = objs[0] if objs else None
            else:
                out[name] = set_order(objs) if bt["nesting_mode"] == "set" else objs
        return {k: out[k] for k in sorted(out)}

    # --- variables and outputs of the root module ------------------------------------------------
    def root_variables(self) -> dict:
        out = {}
        for name in sorted(self.loader.root.variables):
            value = self.root.var(name)
            if has_unknown(value):
                raise SynthesisError(f"root variable {name!r} has no value (give it a default or a tfvars file)")
            out[name] = {"value": _sorted_value(list(value) if isinstance(value, list) else value)}
        return out

    def root_outputs(self) -> dict:
        out = {}
        for name in sorted(self.loader.root.outputs):
            block = self.loader.root.outputs[name]
            sensitive = False
            if "sensitive" in block.body.attrs:
                sensitive = self.loader.const(block.body.attrs["sensitive"].expr) is True
            value_attr = block.body.attrs.get("value")
            value = self.root.output(name) if value_attr is not None else UNKNOWN
            if isinstance(value, list):
                value = list(value)
            known = not has_unknown(value)
            planned: dict = {"sensitive": sensitive}
            change: dict = {"actions": ["create"], "before": None}
            state = None
            if known:
                ty = self.infer_type(value_attr.expr, self.root, value)
                value = _sorted_value(value)
                planned["type"] = ty
                planned["value"] = value
                change["after"] = value
                change["after_unknown"] = False
                state = {"sensitive": sensitive, "value": value, "type": ty}
            else:
                partial = omit_unknowns(value)
                if partial is not _NIL:
                    change["after"] = partial
                change["after_unknown"] = unknown_as_bool(value)
            change["before_sensitive"] = sensitive
            change["after_sensitive"] = sensitive
            out[name] = {"planned": planned, "change": change, "state": state}
        return out

    # --- cty types of known output values ------------------------------------------------------
    def infer_type(self, expr: Tree, inst, value: Any) -> Any:
        ty = self._expr_type(expr, inst, value, depth=0)
        return ty if ty is not None else _value_type(value)

    def _expr_type(self, expr: Tree, inst, value: Any, depth: int) -> Any:
        if depth > 20:
            return None
        node = _unwrap_term(expr)
        if node.data == "expr_term":  # parentheses
            return self._expr_type(kids(node)[0], inst, value, depth + 1)
        trav = _traversal(node)
        if trav is not None:
            root = trav[0][1]
            steps = trav[1:]
            if root == "var" and len(steps) == 1 and steps[0][0] == "attr":
                conf = inst.config.variables.get(steps[0][1])
                if conf is not None and "type" in conf.block.body.attrs:
                    return _cty_type(_hcl._type_desc(conf.block.body.attrs["type"].expr), value)
                return None
            if root == "local" and len(steps) == 1 and steps[0][0] == "attr":
                attr = inst.config.locals.get(steps[0][1])
                return self._expr_type(attr.expr, inst, value, depth + 1) if attr is not None else None
            if root == "module" and len(steps) == 2 and all(s[0] == "attr" for s in steps):
                exp, children = inst.child_modules(steps[0][1])
                child = children.get(None) if children else None
                block = child.config.outputs.get(steps[1][1]) if child is not None else None
                if block is not None and "value" in block.body.attrs:
                    return self._expr_type(block.body.attrs["value"].expr, child, value, depth + 1)
                return None
            if root not in ("data", "count", "each", "path", "terraform", "self") and len(steps) == 2 \
                    and all(s[0] == "attr" for s in steps):
                try:
                    attr = self.type_schema("managed", root)["block"]["attributes"].get(steps[1][1])
                except SynthesisError:
                    attr = None
                return attr["type"] if attr is not None else None
            return None
        if node.data in ("string", "heredoc_template", "heredoc_template_trim"):
            return "string" if isinstance(value, str) else None
        if node.data == "object" and isinstance(value, dict):
            types = {}
            for elem in kids(node):
                key_node, value_node = kids(elem)[0], kids(elem)[-1]
                key = self.ev.object_key(key_node, inst.scope)
                if key not in value:
                    return None
                sub = self._expr_type(value_node, inst, value[key], depth + 1)
                types[key] = sub if sub is not None else _value_type(value[key])
            return ["object", {k: types[k] for k in sorted(types)}]
        if node.data == "tuple" and isinstance(value, list):
            elems = kids(node)
            if len(elems) != len(value):
                return None
            return ["tuple", [self._expr_type(e, inst, v, depth + 1) or _value_type(v) for e, v in zip(elems, value)]]
        if node.data == "function_call":
            fname = name_of(kids(node)[0])
            arg_tree = next((k for k in kids(node) if k.data == "arguments"), None)
            args = kids(arg_tree) if arg_tree is not None else []
            if fname in ("jsonencode", "format", "join", "lower", "upper", "replace", "trimspace"):
                return "string"
            if fname == "concat" and isinstance(value, list):
                types = [self._expr_type(a, inst, None, depth + 1) for a in args]
                if types and all(isinstance(t, list) and t[0] == "list" for t in types) \
                        and all(t == types[0] for t in types):
                    return types[0]
                return None
        return None

    # --- configuration ---------------------------------------------------------------------------
    def configuration(self) -> dict:
        out: dict = {}
        providers = self._provider_configs()
        if providers:
            out["provider_config"] = providers
        out["root_module"] = self._config_module(self.loader.root, "", self.root)
        return out

    def _required_providers(self, display_dir: str) -> dict:
        found: dict = {}
        for block in self._blocks(display_dir, "terraform"):
            for sub in block.body.blocks:
                if sub.type != "required_providers":
                    continue
                for name, attr in sub.body.attrs.items():
                    value = self.loader.const(attr.expr)
                    found[name] = value if isinstance(value, dict) else {"version": value}
        return found

    def _provider_configs(self) -> dict:
        if getattr(self, "_provider_configs_cache", None) is not None:
            return self._provider_configs_cache
        out = {}
        required = self._required_providers(self.root_dir)
        schema_block = self.schema["provider"]["block"]
        for block in self._blocks(self.root_dir, "provider"):
            name = block.labels[0]
            alias = self.loader.const(block.body.attrs["alias"].expr) if "alias" in block.body.attrs else None
            entry: dict = {"name": name, "full_name": PROVIDER}
            if alias:
                entry["alias"] = alias
            version = (required.get(name) or {}).get("version")
            if isinstance(version, str):
                entry["version_constraint"] = _version_constraint(version)
            exprs = self._expressions(block.body, schema_block, top=True)
            if exprs:
                entry["expressions"] = exprs
            out[f"{name}.{alias}" if alias else name] = entry
        if PROVIDER_LOCAL_NAME not in out and PROVIDER_LOCAL_NAME in required:
            entry = {"name": PROVIDER_LOCAL_NAME, "full_name": PROVIDER}
            version = required[PROVIDER_LOCAL_NAME].get("version")
            if isinstance(version, str):
                entry["version_constraint"] = _version_constraint(version)
            out[PROVIDER_LOCAL_NAME] = entry
        self._provider_configs_cache = {k: out[k] for k in sorted(out)}
        return self._provider_configs_cache

    def _expressions(self, body, block: dict, top: bool = False, bound: frozenset = frozenset(),
                     names: dict | None = None) -> dict:
        out: dict = {}
        attrs = block.get("attributes", {})
        for name, attr in body.attrs.items():
            if name in attrs and not (top and name in META_ATTRS):
                out[name] = self.exprs.expression(attr.expr, bound, names)
        for name, bt in block.get("block_types", {}).items():
            entries = []
            for sub in body.blocks:
                if top and sub.type in META_BLOCKS:
                    continue
                if sub.type == name:
                    entries.append(self._expressions(sub.body, bt["block"], bound=bound, names=names))
                elif sub.type == "dynamic" and sub.labels and sub.labels[0] == name:
                    entries.extend(self._dynamic_expressions(sub, bt["block"], bound, names))
            if entries:
                out[name] = entries[0] if bt["nesting_mode"] in ("single", "group") else entries
        return {k: out[k] for k in sorted(out)}

    def _dynamic_expressions(self, block, schema_block: dict, bound: frozenset, names: dict | None) -> list:
        """A dynamic block expands (without context) only when its for_each is a constant."""
        for_each = block.body.attrs.get("for_each")
        content = next((b for b in block.body.blocks if b.type == "content"), None)
        if for_each is None or content is None or _variables(for_each.expr, bound):
            return []
        collection = self.exprs.constant(for_each.expr, names)
        if not isinstance(collection, (list, dict)):
            return []
        iterator = block.labels[0]
        if "iterator" in block.body.attrs:
            iterator = name_of(_unwrap_term(block.body.attrs["iterator"].expr))
        entries = []
        pairs = list(enumerate(collection)) if isinstance(collection, list) else sorted(collection.items())
        for k, v in pairs:
            inner = dict(names or {})
            inner[iterator] = {"key": k, "value": v}
            entries.append(self._expressions(content.body, schema_block, bound=bound | {iterator}, names=inner))
        return entries

    def _provider_key(self, conf, module_path: str, chain: list[str]) -> str:
        """provider_config_key: ``aws`` at the root; in a module, the root's key when the module and
        every module above it declare the provider (terraform then normalizes the module's
        ``module.x:aws`` to the configuration it inherits), else ``module.x:aws``."""
        if "provider" in conf.body.attrs:
            trav = _traversal(conf.body.attrs["provider"].expr)
            key = ".".join(str(v) for _, v in trav) if trav else PROVIDER_LOCAL_NAME
        else:
            key = PROVIDER_LOCAL_NAME
        if not module_path:
            return key
        inherits = key == PROVIDER_LOCAL_NAME and key in self._provider_configs() and all(
            PROVIDER_LOCAL_NAME in self._required_providers(d) for d in chain)
        return key if inherits else f"{module_path}:{key}"

    def _config_module(self, config, module_path: str, inst, chain: tuple = ()) -> dict:
        """One module's configuration; ``chain``: the directories of the modules from the root's
        first call down to this one."""
        out: dict = {}
        outputs = {}
        for name in sorted(config.outputs):
            block = config.outputs[name]
            entry: dict = {}
            if "sensitive" in block.body.attrs and self.loader.const(block.body.attrs["sensitive"].expr) is True:
                entry["sensitive"] = True
            entry["expression"] = (self.exprs.expression(block.body.attrs["value"].expr)
                                   if "value" in block.body.attrs else {})
            depends = self._depends_on(block.body)
            if depends:
                entry["depends_on"] = depends
            description = self._description(block.body)
            if description:
                entry["description"] = description
            outputs[name] = entry
        if outputs:
            out["outputs"] = outputs
        resources = []
        for conf in config.resources:
            type_schema = self.type_schema(conf.mode, conf.type)
            entry = {"address": conf.local_address, "mode": conf.mode, "type": conf.type, "name": conf.name,
                     "provider_config_key": self._provider_key(conf, module_path, list(chain))}
            exprs = self._expressions(conf.body, type_schema["block"], top=True)
            if exprs:
                entry["expressions"] = exprs
            entry["schema_version"] = type_schema["version"]
            if "count" in conf.body.attrs:
                entry["count_expression"] = self.exprs.expression(conf.body.attrs["count"].expr)
            elif "for_each" in conf.body.attrs:
                entry["for_each_expression"] = self.exprs.expression(conf.body.attrs["for_each"].expr)
            depends = self._depends_on(conf.body)
            if depends:
                entry["depends_on"] = depends
            resources.append(entry)
        if resources:
            out["resources"] = sorted(resources, key=lambda r: r["address"].encode("utf-8"))
        calls = {}
        for name in sorted(config.modules):
            calls[name] = self._config_call(config, name, module_path, inst, chain)
        if calls:
            out["module_calls"] = calls
        variables = {}
        for name in sorted(config.variables):
            conf = config.variables[name]
            entry = {}
            if conf.default is not None:
                type_attr = conf.block.body.attrs.get("type")
                desc = _hcl._type_desc(type_attr.expr if type_attr else None)
                default = self.loader.convert(self.loader.const(conf.default.expr), desc)
                entry["default"] = _sorted_value(list(default) if isinstance(default, list) else default)
            description = self._description(conf.block.body)
            if description:
                entry["description"] = description
            sensitive = conf.block.body.attrs.get("sensitive")
            if sensitive is not None and self.loader.const(sensitive.expr) is True:
                entry["sensitive"] = True
            variables[name] = entry
        if variables:
            out["variables"] = variables
        return out

    def _description(self, body) -> str | None:
        attr = body.attrs.get("description")
        value = self.loader.const(attr.expr) if attr is not None else None
        return value if isinstance(value, str) and value else None

    def _depends_on(self, body) -> list[str]:
        attr = body.attrs.get("depends_on")
        if attr is None:
            return []
        node = _unwrap_term(attr.expr)
        elems = kids(node) if node.data == "tuple" else []
        return [s for s in (self.exprs.subject(e) for e in elems) if s]

    def _config_call(self, config, name: str, module_path: str, inst, chain: tuple) -> dict:
        call = config.modules[name]
        source = self.loader.const(call.body.attrs["source"].expr)
        entry: dict = {"source": source}
        child_inst = None
        child_config = None
        if isinstance(source, str) and _hcl._is_local_source(source):
            _, children = inst.child_modules(name) if inst is not None else (None, {})
            child_inst = next(iter(children.values()), None) if children else None
            child_config = child_inst.config if child_inst is not None else self.loader.module_config(
                os.path.normpath(os.path.join(config.display_dir, source)))
        exprs = {}
        for arg, attr in call.body.attrs.items():
            if arg in MODULE_META or child_config is None or arg not in child_config.variables:
                continue
            exprs[arg] = self.exprs.expression(attr.expr)
        if exprs:
            entry["expressions"] = {k: exprs[k] for k in sorted(exprs)}
        if "count" in call.body.attrs:
            entry["count_expression"] = self.exprs.expression(call.body.attrs["count"].expr)
        elif "for_each" in call.body.attrs:
            entry["for_each_expression"] = self.exprs.expression(call.body.attrs["for_each"].expr)
        child_path = f"{module_path}.module.{name}" if module_path else f"module.{name}"
        entry["module"] = (self._config_module(child_config, child_path, child_inst,
                                               chain + (child_config.display_dir,))
                           if child_config is not None else {})
        if "version" in call.body.attrs:
            version = self.loader.const(call.body.attrs["version"].expr)
            if isinstance(version, str):
                entry["version_constraint"] = version
        depends = self._depends_on(call.body)
        if depends:
            entry["depends_on"] = depends
        return entry

    # --- checks (variable validations, resource and output conditions) ----------------------
    def checks(self) -> list:
        results: dict[str, dict] = {}

        def add(static: dict, dynamic: dict, status: str, problems: list) -> None:
            key = static["to_display"]
            entry = results.setdefault(key, {"address": static, "status": "pass", "instances": []})
            instance: dict = {"address": dynamic, "status": status}
            if problems:
                instance["problems"] = [{"message": m} for m in problems]
            entry["instances"].append(instance)

        for inst in self.root.walk():
            module = inst.path
            prefix = inst.prefix
            for name in sorted(inst.config.variables):
                conf = inst.config.variables[name]
                rules = [b for b in conf.block.body.blocks if b.type == "validation"]
                if not rules:
                    continue
                status, problems = self._conditions(rules, inst.scope, inst)
                static = {"kind": "var"}
                if module:
                    static["module"] = _static_module(module)
                static.update({"name": name, "to_display": f"{prefix}var.{name}"})
                dynamic = {"module": module} if module else {}
                dynamic["to_display"] = f"{prefix}var.{name}"
                add(static, dynamic, status, problems)
            for conf in inst.config.resources:
                lifecycle = [b for b in conf.body.blocks if b.type == "lifecycle"]
                rules = [b for lc in lifecycle for b in lc.body.blocks if b.type in ("precondition", "postcondition")]
                if not rules:
                    continue
                exp = inst.expand_resource(conf)
                static = {"kind": "resource", "mode": conf.mode}
                if module:
                    static["module"] = _static_module(module)
                static.update({"name": conf.name, "to_display": f"{_static_module(module) + '.' if module else ''}"
                               f"{conf.local_address}", "type": conf.type})
                if not exp.keys:
                    results.setdefault(static["to_display"], {"address": static, "status": "pass", "instances": []})
                for key in exp.keys:
                    status, problems = self._conditions(rules, inst.resource_scope(conf, key), inst)
                    dynamic: dict = {}
                    if key is not None:
                        dynamic["index"] = key
                    if module:
                        dynamic["module"] = module
                    dynamic["to_display"] = f"{prefix}{conf.local_address}{_hcl._key_suffix(key)}"
                    add(static, dynamic, status, problems)
            for name in sorted(inst.config.outputs):
                block = inst.config.outputs[name]
                rules = [b for b in block.body.blocks if b.type == "precondition"]
                if not rules:
                    continue
                status, problems = self._conditions(rules, inst.scope, inst)
                static = {"kind": "output_value"}
                if module:
                    static["module"] = _static_module(module)
                static.update({"name": name, "to_display": f"{prefix}output.{name}"})
                dynamic = {"module": module} if module else {}
                dynamic["to_display"] = f"{prefix}output.{name}"
                add(static, dynamic, status, problems)
        out = []
        for key in sorted(results, key=lambda k: k.encode("utf-8")):
            entry = results[key]
            statuses = [i["status"] for i in entry["instances"]]
            entry["status"] = ("fail" if "fail" in statuses else "unknown" if "unknown" in statuses else "pass")
            entry["instances"].sort(key=lambda i: i["address"]["to_display"].encode("utf-8"))
            if not entry["instances"]:
                del entry["instances"]
            out.append(entry)
        return out

    def _conditions(self, rules: list, scope, inst) -> tuple[str, list]:
        status, problems = "pass", []
        for rule in rules:
            cond = rule.body.attrs.get("condition")
            if cond is None:
                continue
            with self.ev.collecting():
                value = self.ev.evaluate(cond.expr, scope)
                if value is UNKNOWN and rule.type != "postcondition":
                    # The evaluator does not model every function (regex, cidrhost...): when
                    # everything the condition reads is known, terraform evaluated it, and as
                    # the plan succeeded the condition held.
                    inputs = [self.ev.evaluate(node, scope) for _, node in _variable_pairs(cond.expr)]
                    if not any(has_unknown(v) for v in inputs):
                        value = True
            if rule.type == "postcondition" or value is UNKNOWN:
                status = "unknown" if status != "fail" else status
            elif value is False:
                status = "fail"
                message = rule.body.attrs.get("error_message")
                text = self.ev.evaluate(message.expr, scope) if message is not None else None
                problems.append(text if isinstance(text, str) else "")
        return status, problems


_MODULE_SEGMENT = re.compile(r'module\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[(?:[0-9]+|"(?:[^"\\]|\\.)*")\])?')


def _static_module(module: str) -> str:
    """A module instance address without instance keys: the module in the configuration."""
    return ".".join(f"module.{name}" for name in _MODULE_SEGMENT.findall(module))


def _module_parent(module: str) -> str:
    return ".".join(m.group(0) for m in list(_MODULE_SEGMENT.finditer(module))[:-1])


def _values_module(entries: list[tuple[str, dict]]) -> dict:
    """planned_values / prior_state ``root_module``: resources and nested child_modules."""
    by_module: dict[str, list] = {}
    for module, resource in entries:
        by_module.setdefault(module, []).append(resource)
    modules = set(by_module)
    for module in list(modules):
        parent = _module_parent(module)
        while parent:
            modules.add(parent)
            parent = _module_parent(parent)
    children: dict[str, list[str]] = {}
    for module in modules:
        if module:
            children.setdefault(_module_parent(module), []).append(module)

    def build(module: str) -> dict:
        out: dict = {}
        resources = sorted(by_module.get(module, []), key=lambda r: r["address"].encode("utf-8"))
        if resources:
            out["resources"] = resources
        if module:
            out["address"] = module
        kids_ = sorted(children.get(module, []), key=lambda m: m.encode("utf-8"))
        if kids_:
            out["child_modules"] = [build(m) for m in kids_]
        return out

    return build("")


def _value_type(value: Any) -> Any:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return ["tuple", [_value_type(v) for v in value]]
    if isinstance(value, dict):
        return ["object", {k: _value_type(value[k]) for k in sorted(value)}]
    return "dynamic"


def _cty_type(desc: tuple, value: Any) -> Any:
    """A variable's type constraint (hcl._type_desc form) as a cty type, ``any`` from the value."""
    kind = desc[0]
    if kind in ("string", "number", "bool"):
        return kind
    if kind in ("list", "set", "map"):
        elem = desc[1]
        sample = None
        if isinstance(value, list) and value:
            sample = value[0]
        elif isinstance(value, dict) and value:
            sample = next(iter(value.values()))
        inner = _cty_type(elem, sample)
        return [kind, inner if inner is not None else "dynamic"]
    if kind == "tuple":
        values = value if isinstance(value, list) else [None] * len(desc[1])
        return ["tuple", [_cty_type(d, v) for d, v in zip(desc[1], values)]]
    if kind == "object":
        attrs = desc[1]
        return ["object", {k: _cty_type(attrs[k][0], (value or {}).get(k) if isinstance(value, dict) else None)
                           for k in sorted(attrs)}]
    return _value_type(value) if value is not None else None


# ---------------------------------------------------------------------------
# entry points
# ---------------------------------------------------------------------------


def synthesize_plan(root_dir, *, schema_path: str | None = None, timestamp: str = DEFAULT_TIMESTAMP,
                    account_id: str | None = None) -> dict:
    """The ``terraform show -json`` document of a first apply of the root module ``root_dir``."""
    return Synthesizer(str(root_dir), schema_path=schema_path, timestamp=timestamp,
                       account_id=account_id).document()


def dump_plan(doc: dict) -> str:
    """The document as the fixtures store it: 2-space indented, key order as terraform writes it."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", help="directory of the Terraform root module")
    parser.add_argument("--schema", help="provider schema JSON (default: the shared aws-6.19.0 schema)")
    parser.add_argument("--timestamp", default=DEFAULT_TIMESTAMP,
                        help=f"plan timestamp (default {DEFAULT_TIMESTAMP}; 'now' for the current time)")
    parser.add_argument("--account-id", help="account id the provider runs as (default: var.account_id)")
    parser.add_argument("-o", "--output", help="write here instead of stdout")
    args = parser.parse_args(argv)
    timestamp = args.timestamp
    if timestamp == "now":
        import datetime
        timestamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        doc = synthesize_plan(args.root, schema_path=args.schema, timestamp=timestamp, account_id=args.account_id)
    except (SynthesisError, InputError) as exc:
        print(f"hcl2plan: {exc}", file=sys.stderr)
        return 2
    text = dump_plan(doc)
    if args.output:
        Path(args.output).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
