"""ReadDataSource: what the data sources an audit-logging baseline reads at plan time return.

``aws_caller_identity`` (the account of ``allowed_account_ids``, called as its root user),
``aws_partition``, ``aws_region`` and ``aws_iam_policy_document`` (rendered as the provider renders
it) return real values.  Any other type returns its configuration with placeholders for what AWS
would have answered (terraform refuses unknown values from a read), so plans of public code go
through; those placeholders are not AWS's answers and nothing should be concluded from them.
"""
from __future__ import annotations

import json
import zlib
from typing import Any

from .cty import zero
from .planning import ProviderConfig, partition_of

REGION_NAMES = {
    "us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)", "us-west-2": "US West (Oregon)",
    "ca-central-1": "Canada (Central)", "eu-central-1": "Europe (Frankfurt)",
    "eu-west-1": "Europe (Ireland)", "eu-west-2": "Europe (London)", "eu-west-3": "Europe (Paris)",
    "eu-north-1": "Europe (Stockholm)", "eu-south-1": "Europe (Milan)", "ap-south-1": "Asia Pacific (Mumbai)",
    "ap-northeast-1": "Asia Pacific (Tokyo)", "ap-northeast-2": "Asia Pacific (Seoul)",
    "ap-southeast-1": "Asia Pacific (Singapore)", "ap-southeast-2": "Asia Pacific (Sydney)",
    "sa-east-1": "South America (Sao Paulo)", "us-gov-west-1": "AWS GovCloud (US-West)",
    "us-gov-east-1": "AWS GovCloud (US-East)",
}

# Static defaults of data-source arguments inside nested blocks, which the legacy SDK reads back;
# other unset nested arguments read back as their type's zero value.
NESTED_DEFAULTS = {"aws_iam_policy_document": {"statement.effect": "Allow"}}


def read(type_name: str, block: dict, config: dict, provider: ProviderConfig, defaults: dict) -> dict:
    """The state of a data source read with ``config`` (wholly known)."""
    computed = _computed(type_name, config, provider)
    return _state(block, type_name, config, computed, defaults, "")


def _computed(type_name: str, config: dict, provider: ProviderConfig) -> dict:
    region = provider.region or "us-east-1"
    partition, dns_suffix, reverse_dns = partition_of(region)
    account = provider.account_id
    if type_name == "aws_caller_identity":
        return {"account_id": account, "arn": f"arn:{partition}:iam::{account}:root", "id": account,
                "user_id": account}
    if type_name == "aws_partition":
        return {"dns_suffix": dns_suffix, "id": partition, "partition": partition, "reverse_dns_prefix": reverse_dns}
    if type_name == "aws_region":
        name = config.get("region") or config.get("name") or region
        suffix = partition_of(name)[1]
        return {"description": REGION_NAMES.get(name, name), "endpoint": f"ec2.{name}.{suffix}", "id": name,
                "name": name, "region": name}
    if type_name == "aws_iam_policy_document":
        text, minified = render_policy_document(config)
        return {"id": str(zlib.crc32(text.encode("utf-8"))), "json": text, "minified_json": minified,
                "version": config.get("version") or "2012-10-17"}
    if type_name == "aws_availability_zones":
        names = [f"{region}{c}" for c in "abc"]
        return {"id": region, "names": names, "zone_ids": [f"use1-az{i}" for i in (1, 2, 3)],
                "group_names": [region]}
    return {"id": config.get("id") or f"{type_name}-placeholder", "account_id": account, "region": region,
            "arn": f"arn:{partition}:{type_name.split('_')[1]}:{region}:{account}:{type_name}-placeholder"}


def _state(block: dict, type_name: str, config: Any, computed: dict, defaults: dict, path: str) -> dict:
    config = config if isinstance(config, dict) else {}
    nested_defaults = NESTED_DEFAULTS.get(type_name, {})
    out: dict = {}
    for name, attr in block.get("attributes", {}).items():
        value = config.get(name)
        if value is None and not path and name in computed and attr.get("computed"):
            value = computed[name]
        if value is None and path + name in defaults:
            value = defaults[path + name]
        if value is None and path:
            value = nested_defaults.get(path + name, zero(attr.get("type")))
        if value is None and attr.get("computed"):
            value = zero(attr.get("type"))  # a placeholder: terraform refuses unknown values from a read
        out[name] = value
    for name, nested in block.get("block_types", {}).items():
        value = config.get(name)
        mode = nested["nesting_mode"]
        if mode in ("single", "group"):
            out[name] = None if value is None else _state(nested["block"], type_name, value, {}, defaults,
                                                          f"{path}{name}.")
        elif mode == "map":
            out[name] = {k: _state(nested["block"], type_name, v, {}, defaults, f"{path}{name}.")
                         for k, v in (value or {}).items()}
        else:
            out[name] = [_state(nested["block"], type_name, v, {}, defaults, f"{path}{name}.") for v in value or []]
    return out


# --- aws_iam_policy_document ------------------------------------------------------------------------
# internal/service/iam/policy_document_data_source.go and policy_model.go of the provider: statements
# in struct field order, one value as a string and several reverse-sorted, "*" principals collapsed,
# conditions grouped by test and variable, source documents merged first and overrides last, by Sid.


def _go_json(value: Any, indent: bool) -> str:
    """encoding/json output: HTML characters escaped; MarshalIndent("", "  ") when ``indent``."""
    text = json.dumps(value, ensure_ascii=False, indent=2 if indent else None,
                      separators=(",", ": ") if indent else (",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _decode_string_list(values: list) -> Any:
    """policyDecodeConfigStringList: one element as a string, else reverse-sorted."""
    if len(values) == 1:
        return values[0]
    return sorted(values, key=lambda s: s.encode("utf-8"), reverse=True)


def _var_replace(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("&{", "${")
    return [v.replace("&{", "${") for v in value]


def _principals_json(principals: list) -> Any:
    """IAMPolicyStatementPrincipalSet.MarshalJSON."""
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
    """IAMPolicyStatementConditionSet.MarshalJSON (single values flattened to strings)."""
    raw: dict = {}
    for test, variable, values in conditions:
        slot = raw.setdefault(test, {}).setdefault(variable, [])
        slot.extend(values if isinstance(values, list) else [values])
    return {t: {v: (raw[t][v][0] if len(raw[t][v]) == 1 else raw[t][v]) for v in sorted(raw[t])}
            for t in sorted(raw)}


def _statement_json(stmt: dict) -> dict:
    """One IAMPolicyStatement in struct field order, empty fields omitted."""
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
    """IAMPolicyDoc.Merge: a statement with a Sid replaces the one with the same Sid."""
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
    statements = raw.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    return {"Version": raw.get("Version", ""), "Id": raw.get("Id", ""),
            "Statement": [_parse_statement(s) for s in statements]}


def render_policy_document(config: dict) -> tuple[str, str]:
    """(json, minified_json) of an aws_iam_policy_document from its (known) configuration."""
    merged: dict = {"Version": "", "Id": "", "Statement": []}
    sources = [config.get("source_json")] + list(config.get("source_policy_documents") or [])
    for source in sources:
        if source:
            _merge_doc(merged, _parse_doc(source))
    version = config.get("version") or "2012-10-17"
    own: dict = {"Version": version, "Id": config.get("policy_id") or "", "Statement": []}
    for cfg in config.get("statement") or []:
        stmt: dict = {"Sid": cfg.get("sid") or "", "Effect": cfg.get("effect") or "Allow"}
        for attr, key in (("actions", "Action"), ("not_actions", "NotAction")):
            values = list(cfg.get(attr) or [])
            if values:
                stmt[key] = _decode_string_list(values)
        for attr, key in (("resources", "Resource"), ("not_resources", "NotResource")):
            values = list(cfg.get(attr) or [])
            if values:
                stmt[key] = _var_replace(_decode_string_list(values))
        for attr, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            blocks = cfg.get(attr) or []
            if blocks:
                stmt[key] = _principals_json([
                    (b["type"], _var_replace(_decode_string_list(list(b["identifiers"])))) for b in blocks])
        conditions = cfg.get("condition") or []
        if conditions:
            stmt["Condition"] = _conditions_json([
                (c["test"], c["variable"], _var_replace(list(c["values"]))) for c in conditions])
        own["Statement"].append(stmt)
    _merge_doc(merged, own)
    overrides = list(config.get("override_policy_documents") or []) + [config.get("override_json")]
    for override in overrides:
        if override:
            _merge_doc(merged, _parse_doc(override))
    doc: dict = {}
    if merged["Version"]:
        doc["Version"] = merged["Version"]
    if merged["Id"]:
        doc["Id"] = merged["Id"]
    if merged["Statement"]:
        doc["Statement"] = [_statement_json(s) for s in merged["Statement"]]
    return _go_json(doc, indent=True), _go_json(doc, indent=False)

