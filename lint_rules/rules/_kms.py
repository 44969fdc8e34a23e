"""Does an attribute name a customer-managed KMS key (with rotation on, when the policy asks)?

Shared by every rule that asks for encryption with a CMK (CloudTrail, log
groups, buckets, SNS topics, Config, GuardDuty export).  The policy text asks for
a "KMS CMK" and says nothing of rotation: ``kms.require_key_rotation`` in the
policy file (default false) makes rotation a requirement; otherwise a key with
rotation off passes and the message says so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..engine import FAIL, PASS, UNKNOWN_STATUS
from ..model import UNKNOWN, Model, Resource


@dataclass
class KeyCheck:
    status: str  # PASS, FAIL or UNKNOWN_STATUS
    message: str
    key: Resource | None = None


def _is_aws_managed(value: str) -> bool:
    return value.startswith("alias/aws/") or ":alias/aws/" in value


def _is_customer_alias(value: str) -> bool:
    """``alias/NAME`` or an alias ARN outside ``alias/aws/``: only a customer-managed key can have such an
    alias (AWS-managed keys have exactly their reserved ``alias/aws/SERVICE`` one)."""
    return not _is_aws_managed(value) and (value.startswith("alias/") or
                                           (value.startswith("arn:") and ":alias/" in value))


# a key ARN or key id (not an alias): terraform and the AWS APIs accept either
_KEY_ID = re.compile(r"^(arn:aws[a-z-]*:kms:[a-z0-9-]*:\d*:key/[^/\s]+"
                     r"|mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")

# The services that can use only a customer-managed key: each needs a key policy granting it (CloudTrail
# kms:GenerateDataKey*, CloudWatch Logs and GuardDuty kms:Encrypt/GenerateDataKey), and an AWS-managed key's
# policy cannot be changed and grants only its own service.  A key of theirs named by key ARN or id from
# outside the configuration is therefore a CMK, or the apply fails.
ONLY_CMK = {"CloudTrail", "CloudWatch Logs", "GuardDuty"}


def _outside_key_id(value: str, path: str, shown: str, only_cmk: str | None, require_rotation: bool) -> KeyCheck:
    if only_cmk and _KEY_ID.match(value):
        if require_rotation:
            return KeyCheck(UNKNOWN_STATUS, f"{path} -> {shown} is a key defined outside this configuration: its "
                                            "rotation cannot be confirmed")
        return KeyCheck(PASS, f"{path} -> {shown}: a key defined outside this configuration, customer-managed since "
                              f"{only_cmk} can use no other (an AWS-managed key's policy cannot grant it)")
    return KeyCheck(UNKNOWN_STATUS, f"{path} -> {shown} is a key not defined in this configuration; cannot "
                                    "confirm it is a customer-managed key")


def _data_key(key: Resource, path: str, require_rotation: bool, only_cmk: str | None = None) -> KeyCheck:
    """A ``data "aws_kms_key"`` that reads no key of this configuration: what its ``key_id`` (or, in a
    plan, the ``key_manager`` terraform read) shows about the key."""
    manager = key.values.get("key_manager")
    key_id = key.values.get("key_id")
    shown = f"{key.address} (key_id = {key_id!r})" if isinstance(key_id, str) else key.address
    if manager == "AWS" or (isinstance(key_id, str) and _is_aws_managed(key_id)):
        return KeyCheck(FAIL, f"{path} -> {shown} is an AWS-managed key, not a customer-managed key")
    if manager == "CUSTOMER" or (isinstance(key_id, str) and _is_customer_alias(key_id)):
        if require_rotation:
            return KeyCheck(UNKNOWN_STATUS, f"{path} -> {shown} is a customer-managed key defined outside this "
                                            "configuration: its rotation cannot be confirmed")
        why = "key_manager = CUSTOMER" if manager == "CUSTOMER" else "a customer alias names only customer-managed keys"
        return KeyCheck(PASS, f"{path} -> {shown}: customer-managed key ({why})")
    if isinstance(key_id, str):
        return _outside_key_id(key_id, path, shown, only_cmk, require_rotation)
    return KeyCheck(UNKNOWN_STATUS, f"{path} -> {shown} reads a key not defined in this configuration; cannot "
                                    "confirm it is a customer-managed key")


def check_cmk(model: Model, resource: Resource, path: str, policy=None, only_cmk: str | None = None) -> KeyCheck:
    """Follow ``resource.<path>`` to an ``aws_kms_key`` and check it is a CMK (with rotation on when
    ``policy.require_key_rotation``).  ``only_cmk``: the service (one of ONLY_CMK) that uses the key, when it
    can use no AWS-managed key."""
    assert only_cmk is None or only_cmk in ONLY_CMK
    require_rotation = policy is not None and policy.require_key_rotation
    value = resource.get(path)
    if isinstance(value, str) and _is_aws_managed(value):
        # a known value beats references: an expression may mention a CMK and still pick another key
        return KeyCheck(FAIL, f"{path} = {value!r} is an AWS-managed key, not a customer-managed key")
    keys = model.targets(resource, path, "aws_kms_key")
    data_aliases = []
    for alias in model.targets(resource, path, "aws_kms_alias"):
        alias_name = alias.values.get("name")
        if isinstance(alias_name, str) and _is_aws_managed(alias_name):
            return KeyCheck(FAIL, f"{path} uses the AWS-managed key {alias_name}, not a customer-managed key")
        if alias.mode == "data":
            data_aliases.append(alias)
        keys.extend(k for k in model.targets(alias, "target_key_id", "aws_kms_key") if k not in keys)
    # data sources that read no key of this configuration are judged by what they name, never taken for a
    # CMK of the configuration (data "aws_kms_key" { key_id = "alias/aws/s3" } is the AWS-managed key)
    data_keys = [k for k in keys if k.mode == "data"]
    keys = [k for k in keys if k.mode != "data"]
    if not keys and (data_keys or data_aliases):
        checks = [_data_key(k, path, require_rotation, only_cmk) for k in data_keys]
        for alias in data_aliases:
            name = alias.values.get("name")
            if isinstance(name, str) and _is_customer_alias(name):
                checks.append(KeyCheck(UNKNOWN_STATUS, f"{path} -> {alias.address} ({name!r}) is a customer-managed "
                                                       "key defined outside this configuration: its rotation cannot "
                                                       "be confirmed") if require_rotation else
                              KeyCheck(PASS, f"{path} -> {alias.address} ({name!r}): customer-managed key (a "
                                             "customer alias names only customer-managed keys)"))
            else:
                checks.append(KeyCheck(UNKNOWN_STATUS, f"{path} -> {alias.address} reads an alias not known "
                                                       "until apply; cannot confirm a customer-managed key"))
        rank = {FAIL: 2, UNKNOWN_STATUS: 1, PASS: 0}
        return max(checks, key=lambda c: rank[c.status])
    if keys:
        rotation_notes = []
        for key in keys:
            rotation = key.values.get("enable_key_rotation")
            shown = str(rotation).lower() if rotation is not None and rotation is not UNKNOWN else (
                "unset" if rotation is None else "(known after apply)")
            if require_rotation and rotation is UNKNOWN:
                return KeyCheck(UNKNOWN_STATUS, f"{path} -> {key.address}: key rotation is not known until apply", key)
            if require_rotation and rotation is not True:
                return KeyCheck(FAIL, f"{path} -> {key.address}: customer-managed key has rotation off "
                                      f"(enable_key_rotation = {shown}; policy kms.require_key_rotation = true)", key)
            if rotation is not True:
                rotation_notes.append(f"enable_key_rotation = {shown}, which the policy does not require")
            enabled = key.values.get("is_enabled")
            if enabled is False:
                return KeyCheck(FAIL, f"{path} -> {key.address}: the key is disabled (is_enabled = false): "
                                      "nothing can be encrypted with it", key)
            if enabled is UNKNOWN:
                return KeyCheck(UNKNOWN_STATUS, f"{path} -> {key.address}: is_enabled is not known until apply", key)
            spec = key.values.get("customer_master_key_spec")
            if isinstance(spec, str) and spec != "SYMMETRIC_DEFAULT":
                return KeyCheck(FAIL, f"{path} -> {key.address}: key spec {spec} cannot encrypt logs", key)
        if rotation_notes:
            return KeyCheck(PASS, f"{path} -> {keys[0].address}: customer-managed key ({rotation_notes[0]})", keys[0])
        return KeyCheck(PASS, f"{path} -> {keys[0].address}: customer-managed key with rotation on", keys[0])
    if value is None or value == "" or value == []:
        return KeyCheck(FAIL, f"{path} is not set: not encrypted with a customer-managed KMS key")
    if isinstance(value, str) and _is_aws_managed(value):
        return KeyCheck(FAIL, f"{path} = {value!r} is an AWS-managed key, not a customer-managed key")
    dangling = resource.refs_at(path)
    if dangling:
        return KeyCheck(UNKNOWN_STATUS, f"{path} refers to {', '.join(dangling)}, which is not a KMS key "
                                        "in this configuration; cannot confirm a rotated CMK")
    if value is UNKNOWN:
        return KeyCheck(UNKNOWN_STATUS, f"{path} is not known until apply and refers to no aws_kms_key")
    if isinstance(value, str) and _is_customer_alias(value):
        if require_rotation:
            return KeyCheck(UNKNOWN_STATUS, f"{path} = {value!r} is a customer-managed key defined outside this "
                                            "configuration: its rotation cannot be confirmed")
        return KeyCheck(PASS, f"{path} = {value!r}: customer-managed key (a customer alias names only "
                              "customer-managed keys; the key is defined outside this configuration)")
    if isinstance(value, str):
        return _outside_key_id(value, path, repr(value), only_cmk, require_rotation)
    return KeyCheck(UNKNOWN_STATUS, f"{path} = {value!r} names a key not defined in this configuration; "
                                    "cannot confirm it is a customer-managed key")


def resolve_keys(model: Model, resource: Resource, path: str) -> tuple[list[Resource], str]:
    """The ``aws_kms_key`` resources ``resource.<path>`` names (directly or through an aws_kms_alias),
    and -- when there are none -- why not ("" when the attribute names no customer-managed key at all:
    unset, or an AWS-managed key, which the ENC rules report)."""
    value = resource.get(path)
    if isinstance(value, str) and _is_aws_managed(value):
        return [], ""
    keys = [k for k in model.targets(resource, path, "aws_kms_key")]
    for alias in model.targets(resource, path, "aws_kms_alias"):
        keys.extend(k for k in model.targets(alias, "target_key_id", "aws_kms_key") if k not in keys)
    if keys:
        return keys, ""
    if value is None or value == "" or value == []:
        return [], ""
    dangling = resource.refs_at(path)
    if dangling:
        return [], f"{path} refers to {', '.join(dangling)}, which is not a KMS key in this configuration"
    if value is UNKNOWN:
        return [], f"{path} is not known until apply and refers to no aws_kms_key"
    return [], f"{path} = {value!r} names a key not defined in this configuration"
