"""CloudWatch Logs data protection policies, normalized (APP-002).

A log group is covered by the ``aws_cloudwatch_log_data_protection_policy`` attached to it
and by every ``aws_cloudwatch_log_account_policy`` of type ``DATA_PROTECTION_POLICY`` of its
account and region (AWS applies both: "All managed data identifiers that are specified in
either policy are audited and masked in that log group").  A policy document is JSON::

    {"Name": "...", "Version": "2021-06-01",
     "Statement": [
       {"Sid": "audit", "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/Ssn-US", ...],
        "Operation": {"Audit": {"FindingsDestination": {"CloudWatchLogs": {"LogGroup": "..."},
                                                        "S3": {"Bucket": "..."},
                                                        "Firehose": {"DeliveryStream": "..."}}}}},
       {"Sid": "redact", "DataIdentifier": [...], "Operation": {"Deidentify": {"MaskConfig": {}}}}]}

:func:`read_document` turns one into a :class:`Protection`: which managed identifiers it
audits, which it masks, and where audit findings go.  Unknown parts (a value known only after
apply, inside a partially known ``jsonencode``) are kept as "could be anything": they never
prove an identifier is covered, and they stop a "missing" verdict from being a sure fail.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..model import UNKNOWN, Model, PartialString, Resource

GROUP_POLICY = "aws_cloudwatch_log_data_protection_policy"
LOG_GROUP = "aws_cloudwatch_log_group"
ACCOUNT_POLICY = "aws_cloudwatch_log_account_policy"
DATA_PROTECTION = "DATA_PROTECTION_POLICY"

_MANAGED = re.compile(r"^arn:aws[a-z-]*:dataprotection::aws:data-identifier/([A-Za-z]+(?:-[A-Z]{2})?)$")


@dataclass
class Destination:
    kind: str  # "CloudWatchLogs", "S3", "Firehose"
    value: Any  # the log group / bucket / stream name: str, PartialString or UNKNOWN


@dataclass
class Protection:
    resource: Resource
    audited: set[str] = field(default_factory=set)
    masked: set[str] = field(default_factory=set)
    has_audit: Any = False  # True / False / UNKNOWN
    has_mask: Any = False
    audit_unknown: bool = False  # some audited identifiers are not known
    mask_unknown: bool = False
    destinations: list[Destination] = field(default_factory=list)
    destinations_unknown: bool = False
    problem: str = ""  # the document could not be read at all


def managed_name(identifier: Any) -> str | None:
    """``arn:aws:dataprotection::aws:data-identifier/Ssn-US`` -> ``Ssn-US``; None for a custom
    identifier (a name defined in the document's Configuration) or anything else."""
    if isinstance(identifier, str):
        m = _MANAGED.match(identifier.strip())
        if m:
            return m.group(1)
    return None


def _document(model: Model, resource: Resource) -> tuple[Any, str]:
    """(the policy document as a dict -- possibly with UNKNOWN / PartialString leaves -- , problem)."""
    value = model.partial_value(resource, "policy_document")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None, "policy_document is not valid JSON"
    if isinstance(value, dict):
        return value, ""
    if value is UNKNOWN or isinstance(value, PartialString):
        return None, "policy_document is not known until apply"
    if value is None:
        return None, "policy_document is not set"
    return None, "policy_document is not a JSON object"


def _as_list(value: Any) -> Any:
    if value is UNKNOWN or isinstance(value, PartialString):
        return UNKNOWN
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def read_document(model: Model, resource: Resource) -> Protection:
    out = Protection(resource)
    doc, problem = _document(model, resource)
    if doc is None:
        out.problem = problem
        out.has_audit = out.has_mask = UNKNOWN
        return out
    statements = _as_list(doc.get("Statement"))
    if statements is UNKNOWN:
        out.problem = "its Statement list is not known until apply"
        out.has_audit = out.has_mask = UNKNOWN
        return out
    for stmt in statements:
        if not isinstance(stmt, dict):
            out.has_audit = out.has_audit or UNKNOWN
            out.has_mask = out.has_mask or UNKNOWN
            out.audit_unknown = out.mask_unknown = True
            continue
        operation = stmt.get("Operation")
        ids = _as_list(stmt.get("DataIdentifier"))
        names = set() if ids is UNKNOWN else {n for n in map(managed_name, ids) if n}
        ids_unknown = ids is UNKNOWN or any(i is UNKNOWN or isinstance(i, PartialString) for i in ids)
        if not isinstance(operation, dict):
            # an operation not known: it may audit, mask, both or neither
            out.has_audit = out.has_audit or UNKNOWN
            out.has_mask = out.has_mask or UNKNOWN
            out.audit_unknown = out.mask_unknown = True
            continue
        if "Audit" in operation:
            out.has_audit = True
            out.audited |= names
            out.audit_unknown |= ids_unknown
            _read_destinations(operation.get("Audit"), out)
        deidentify = operation.get("Deidentify")
        if deidentify is not None:
            mask = deidentify.get("MaskConfig") if isinstance(deidentify, dict) else UNKNOWN
            if isinstance(mask, dict):
                out.has_mask = True
                out.masked |= names
                out.mask_unknown |= ids_unknown
            elif mask is UNKNOWN or deidentify is UNKNOWN:
                out.has_mask = out.has_mask or UNKNOWN
                out.mask_unknown = True
    return out


def _read_destinations(audit: Any, out: Protection) -> None:
    if not isinstance(audit, dict):
        out.destinations_unknown = True
        return
    dest = audit.get("FindingsDestination")
    if dest is None:
        return
    if not isinstance(dest, dict):
        out.destinations_unknown = True
        return
    for kind, key in (("CloudWatchLogs", "LogGroup"), ("S3", "Bucket"), ("Firehose", "DeliveryStream")):
        block = dest.get(kind)
        if block is None:
            continue
        value = block.get(key) if isinstance(block, dict) else UNKNOWN
        if value is not None:
            out.destinations.append(Destination(kind, value))


def policy_type(resource: Resource) -> Any:
    value = resource.values.get("policy_type")
    return value if isinstance(value, str) or value is UNKNOWN else None


def _region_of(model: Model, resource: Resource) -> Any:
    """The region a resource is in: its own ``region`` argument (aws provider 6) when known, else
    its provider configuration's (None: not set, the ambient region; UNKNOWN)."""
    own = resource.values.get("region")
    if isinstance(own, str) and own:
        return own
    config = model.providers.get(resource.provider)
    return config.region if config is not None else None


def same_place(model: Model, a: Resource, b: Resource) -> Any:
    """Are ``a`` and ``b`` in the same account and region?  True / False / UNKNOWN.

    Accounts are :meth:`Model.account_of`'s: two labels that differ are two accounts (as for every
    per-account judgement).  Regions: a resource's own known ``region`` argument, else its
    provider configuration's; two resources of one provider configuration that set no region of
    their own share it, whatever it is."""
    if model.account_of(a) != model.account_of(b):
        return False
    ra, rb = _region_of(model, a), _region_of(model, b)
    if isinstance(ra, str) and isinstance(rb, str):
        return ra == rb
    own_a, own_b = a.values.get("region"), b.values.get("region")
    if a.provider == b.provider and not isinstance(own_a, str) and not isinstance(own_b, str):
        return True
    if ra is None and rb is None:
        return True  # both the ambient region of the same credentials
    return UNKNOWN


def attached(model: Model, rtype: str, path: str = "log_group_name") -> tuple[dict[str, list[Resource]], list[Resource]]:
    """({log group address: the ``rtype`` resources attached to it}, those whose group is not known).

    A known name decides (it is exact even when the expression refers to every instance of a
    ``for_each`` resource) among the groups of the same account and region; references only when
    the name is not known."""
    by_group: dict[str, list[Resource]] = {}
    unresolved: list[Resource] = []
    for r in model.of_type(rtype):
        value = r.values.get(path)
        if isinstance(value, str) and value:
            groups = [g for g in model.with_identity(value, LOG_GROUP)]
            if not groups and ":log-group:" in value:
                groups = model.with_identity(value.split(":log-group:", 1)[1].removesuffix(":*"), LOG_GROUP)
            # a name is unique per account and region only: a group of that name elsewhere is another
            groups = [g for g in groups if same_place(model, r, g) is not False]
        else:
            groups = model.targets(r, path, LOG_GROUP)
            if not groups:  # a known name that is no group here cannot be any group judged here
                unresolved.append(r)
        for g in groups:
            by_group.setdefault(g.address, []).append(r)
    return by_group, unresolved


def hole_targets(model: Model, value: Any, rtype: str) -> list[Resource]:
    """Resources of ``rtype`` a partially known value is exactly an attribute of
    (``"${aws_cloudwatch_log_group.findings.name}"``)."""
    found: list[Resource] = []
    if isinstance(value, PartialString) and len(value.parts) == 1:
        for ref in value.holes[0].refs:
            address = ref.rsplit(".", 1)[0]
            found += [r for r in model.instances(address) if r.type == rtype and r not in found]
    return found
