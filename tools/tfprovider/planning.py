"""PlanResourceChange for a create, the way hashicorp/aws 6.x (mostly SDKv2) plans it.

From terraform's proposed new state (the configuration, with null or unknown for what it leaves
unset) the provider's plan adds:

- its static ``Default:`` values (``aws-6.19.0.defaults.json``), nested ones only inside blocks
  that are present;
- ``region`` (the provider's region unless configured) and ``tags_all`` (``default_tags`` merged
  with ``tags``; unknown when either is unknown, or when there is no tag at all);
- unknown for every other computed attribute left unset, and for the legacy optional+computed
  nested blocks (``COMPUTED_BLOCKS``) the configuration leaves out;
- null for an empty map or set argument (the legacy SDK's flatmap cannot keep one; lists keep it).

Everything planned into a non-computed attribute differs from the configuration, which terraform
accepts only from a provider that reports ``legacy_type_system`` (as the real SDKv2 provider does).
"""
from __future__ import annotations

import copy
from typing import Any

from .cty import UNKNOWN, has_unknown

# Legacy (SDKv2) nested blocks that are optional *and computed*: when the configuration has none, the
# provider plans them as unknown rather than as an empty list.  The schema JSON cannot tell them from
# ordinary blocks, so they are listed (dotted paths) for the types an audit-logging baseline uses.
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

# Resource types implemented with the plugin framework (they keep empty collections; the rest are SDKv2).
FRAMEWORK_RESOURCES = frozenset({"aws_s3_bucket_lifecycle_configuration", "aws_config_retention_configuration"})

# Plugin-framework plan modifiers of aws_s3_bucket_lifecycle_configuration (values set when unconfigured).
FRAMEWORK_PLAN_VALUES: dict[str, dict[str, Any]] = {
    "aws_s3_bucket_lifecycle_configuration": {
        "transition_default_minimum_object_size": "all_storage_classes_128K",
        "rule.prefix": "", "rule.expiration.days": 0, "rule.expiration.expired_object_delete_marker": False,
        "rule.filter.and.object_size_greater_than": 0, "rule.filter.and.object_size_less_than": 0,
        "rule.filter.and.prefix": "", "rule.filter.object_size_greater_than": None,
        "rule.filter.object_size_less_than": None,
    },
}


class ProviderConfig:
    """What the configured provider knows: region, account, partition, default tags."""

    def __init__(self, region: str | None = None, account_id: str = "123456789012", default_tags: Any = None,
                 ignore_tag_keys: tuple = ()):
        self.region = region
        self.account_id = account_id
        self.default_tags = default_tags if default_tags is not None else {}
        self.ignore_tag_keys = tuple(ignore_tag_keys)

    @property
    def partition(self) -> str:
        return partition_of(self.region or "us-east-1")[0]


def partition_of(region: str) -> tuple[str, str, str]:
    """(partition, dns_suffix, reverse_dns_prefix) of a region."""
    for prefix, facts in (("cn-", ("aws-cn", "amazonaws.com.cn", "cn.com.amazonaws")),
                          ("us-gov-", ("aws-us-gov", "amazonaws.com", "com.amazonaws")),
                          ("us-isob-", ("aws-iso-b", "sc2s.sgov.gov", "gov.sgov.sc2s")),
                          ("us-iso-", ("aws-iso", "c2s.ic.gov", "gov.ic.c2s")),
                          ("eusc-", ("aws-eusc", "amazonaws.eu", "eu.amazonaws"))):
        if region.startswith(prefix):
            return facts
    return ("aws", "amazonaws.com", "com.amazonaws")


def plan_create(type_name: str, block: dict, proposed: dict, config: dict, provider: ProviderConfig,
                static_defaults: dict[str, Any]) -> dict:
    """The planned new state of a resource instance being created."""
    planned = copy.deepcopy(proposed)
    values = dict(static_defaults)
    values.update(FRAMEWORK_PLAN_VALUES.get(type_name, {}))
    _fill(type_name, block, planned, config if isinstance(config, dict) else {}, values, "")
    attributes = block.get("attributes", {})
    if "region" in attributes and _unset(config, "region"):
        planned["region"] = provider.region if provider.region is not None else UNKNOWN
    if "tags_all" in attributes:
        planned["tags_all"] = _tags_all(planned.get("tags"), provider)
    if type_name == "aws_s3_bucket_lifecycle_configuration":
        _lifecycle_filter_prefix(planned, config if isinstance(config, dict) else {})
    return planned


def _lifecycle_filter_prefix(planned: dict, config: dict) -> None:
    """emptyFilterPlanModifier: an unset ``rule.filter.prefix`` is "" in a filter that sets nothing,
    null in one with ``and`` or ``tag``."""
    rules = config.get("rule") if isinstance(config.get("rule"), list) else []
    for i, rule in enumerate(planned.get("rule") or []):
        if not isinstance(rule, dict) or not isinstance(rule.get("filter"), list):
            continue
        rule_config = rules[i] if i < len(rules) and isinstance(rules[i], dict) else {}
        filters = rule_config.get("filter") if isinstance(rule_config.get("filter"), list) else []
        for j, filt in enumerate(rule["filter"]):
            configured = filters[j].get("prefix") if j < len(filters) and isinstance(filters[j], dict) else None
            if isinstance(filt, dict) and configured is None:
                filt["prefix"] = None if (filt.get("and") or filt.get("tag")) else ""


def _unset(config: Any, name: str) -> bool:
    return not isinstance(config, dict) or config.get(name) is None


def _fill(type_name: str, block: dict, planned: dict, config: dict, values: dict, path: str) -> None:
    framework = type_name in FRAMEWORK_RESOURCES
    for name, attr in block.get("attributes", {}).items():
        full = path + name
        configured = config.get(name)
        if configured is None:
            if full in values:
                planned[name] = copy.deepcopy(values[full])
            elif attr.get("computed") and planned.get(name) is None:
                planned[name] = UNKNOWN
        elif (not framework and not attr.get("computed") and isinstance(attr.get("type"), list)
              and attr["type"][0] in ("map", "set") and configured in ({}, [])):
            planned[name] = None  # the legacy SDK loses an empty map or set
    for name, nested in block.get("block_types", {}).items():
        full = path + name
        current = planned.get(name)
        if current is UNKNOWN:
            continue
        items = _blocks(current, nested["nesting_mode"])
        if not items and full in COMPUTED_BLOCKS.get(type_name, ()):
            planned[name] = UNKNOWN
            continue
        configured = config.get(name)
        configured_items = _blocks(configured, nested["nesting_mode"]) if configured is not UNKNOWN else []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            inner_config = configured_items[index] if index < len(configured_items) and isinstance(
                configured_items[index], dict) else item
            _fill(type_name, nested["block"], item, inner_config, values, full + ".")


def _blocks(value: Any, mode: str) -> list:
    if value is None or value is UNKNOWN:
        return []
    if mode in ("single", "group"):
        return [value]
    if mode == "map":
        return list(value.values())
    return list(value)


def _tags_all(tags: Any, provider: ProviderConfig) -> Any:
    """setTagsAll: default_tags merged with tags, unknown while either is unknown or both are empty."""
    if has_unknown(tags) or has_unknown(provider.default_tags):
        return UNKNOWN
    merged = {k: v for k, v in (provider.default_tags or {}).items() if v is not None}
    merged.update({k: v for k, v in (tags or {}).items() if v is not None})
    for key in provider.ignore_tag_keys:
        merged.pop(key, None)
    return {k: merged[k] for k in sorted(merged)} if merged else UNKNOWN
