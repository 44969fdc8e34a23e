"""Naming is the organisation's: recognising the policy's named things in a configuration.

The policy names a break-glass DevOps admin role, a security investigation role, the Django and
Laravel application log groups and the screenshot bucket; a configuration names them its own way.
Each is recognised by the policy file's list of name globs *or* by the mapping tag
(``naming.tag``, default ``auditgate:role``): a resource tagged ``auditgate:role = devops_admin``
is the DevOps admin role whatever its name.  Only a tag value known before apply maps a resource.

When such a thing is missing, the finding says how to map an existing one (:func:`how_to_map`).
"""
from __future__ import annotations

from typing import Any

from ..model import Resource


def tag_value(resource: Resource, key: str | None) -> str | None:
    """The known value of tag ``key`` on the resource (``tags``, else ``tags_all``)."""
    if not key:
        return None
    for attr in ("tags", "tags_all"):
        tags = resource.values.get(attr)
        if isinstance(tags, dict):
            value = tags.get(key)
            if isinstance(value, str):
                return value
    return None


def tagged_as(resource: Resource, policy, thing_id: str) -> bool:
    """Is the resource tagged ``<mapping tag> = thing_id``?"""
    return tag_value(resource, policy.mapping_tag) == thing_id


def tag_hint(policy, thing_id: str) -> str:
    key = policy.mapping_tag
    return f"tag {key} = {thing_id}" if key else ""


def how_to_map(policy, thing_id: str, what: str, setting: str) -> str:
    """The fix for a missing named thing: create it, or map an existing one."""
    tag = policy.mapping_tag
    ways = [f"add its name to {setting} in the policy file"]
    if tag:
        ways.append(f"tag it {tag} = {thing_id}")
    return f"Create the {what}, or map an existing one: {' or '.join(ways)}."


def recognised_by(name_match: Any, tagged: bool, policy, thing_id: str) -> str:
    """For messages: why a resource is the named thing."""
    if tagged:
        return f"tagged {policy.mapping_tag} = {thing_id}"
    return f"matches {name_match!r}"
