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


# =============================================================================
# the log-access roles of the policy (DevOps admin / break-glass, security investigation)
# =============================================================================
def role_entry(policy, role_id: str) -> dict | None:
    for r in policy.log_access_roles:
        if r["id"] == role_id:
            return r
    return None


def describe_entry(entry: dict) -> str:
    return entry.get("description") or entry["id"]


def show_entry_globs(entry: dict) -> str:
    return ", ".join(repr(g) for g in entry["names"])


def entry_for_name(policy, name: str) -> tuple[dict | None, str | None]:
    """(the log-access role entry one of whose name globs matches ``name``, that glob)."""
    from ._principals import matching_glob  # noqa: PLC0415

    for r in policy.log_access_roles:
        glob = matching_glob(name, r["names"])
        if glob:
            return r, glob
    return None, None


def entry_for_role(policy, role: Resource, model=None) -> tuple[dict | None, str]:
    """(the log-access role entry this aws_iam_role is -- by the mapping tag, else by name --, how).

    With ``model``, each role's answer is kept for the model's life under this policy (every
    log-access and integrity rule asks it of every role)."""
    if model is None:
        return _entry_for_role(policy, role)
    slot = model.memo(("naming.entry_for_role",), lambda: [None, {}])
    if slot[0] is not policy:  # held, so its id cannot be reused by another policy
        slot[0], slot[1] = policy, {}
    answers = slot[1]
    found = answers.get(role.address)
    if found is None:
        found = answers[role.address] = _entry_for_role(policy, role)
    return found


def _entry_for_role(policy, role: Resource) -> tuple[dict | None, str]:
    from ._principals import UNKNOWN, role_name  # noqa: PLC0415

    for r in policy.log_access_roles:
        if tagged_as(role, policy, r["id"]):
            return r, f"tagged {policy.mapping_tag} = {r['id']}"
    name = role_name(role)
    if name is UNKNOWN:
        return None, ""
    entry, glob = entry_for_name(policy, name)
    return (entry, f"matches {glob!r}") if entry else (None, "")


def roles_for(model, policy, role_id: str) -> tuple[dict | None, list[Resource], list[Resource]]:
    """(the policy entry, roles of the model that are it, roles whose name is not known and that
    are not tagged as another thing)."""
    from ._principals import ROLE, UNKNOWN, role_name  # noqa: PLC0415

    entry = role_entry(policy, role_id)
    if entry is None:
        return None, [], []
    matched, unnamed = [], []
    for role in model.of_type(ROLE):
        found, _ = entry_for_role(policy, role, model)
        if found is not None:
            if found["id"] == role_id:
                matched.append(role)
        elif role_name(role) is UNKNOWN:
            unnamed.append(role)
    return entry, matched, unnamed


def missing_role_message(policy, entry: dict) -> str:
    wanted = f"named like {show_entry_globs(entry)}"
    if policy.mapping_tag:
        wanted += f" or tagged {policy.mapping_tag} = {entry['id']}"
    return f"no aws_iam_role is the {describe_entry(entry)} ({wanted})"


def missing_role_fix(policy, entry: dict) -> str:
    index = next(i for i, r in enumerate(policy.log_access_roles) if r["id"] == entry["id"])
    return how_to_map(policy, entry["id"], f"{describe_entry(entry)} (aws_iam_role)",
                      f"log_access.roles[{index}].name")
