"""Provider configurations: which one manages each resource, and what each one says (region,
allowed accounts, assumed role).

A resource uses the provider configuration its ``provider`` meta-argument names (``aws.nhc``), else
the default configuration of the provider its type belongs to (``aws`` for ``aws_s3_bucket``).  In
a child module that name is resolved through the module call's ``providers = { aws = aws.nhc }``
map, or -- for a default configuration when the call passes no map -- inherited from the parent,
up to the root.  A provider block inside a child module (legacy shared modules) is its own
configuration, keyed ``module.NAME:aws`` as terraform's ``provider_config_key`` -- unless the module
call passes that name in its ``providers`` map: then the block is a "proxy" (the legacy way, before
``configuration_aliases``, for a module to declare the aliases it expects: ``provider "aws" { alias =
"users" }``) and the passed configuration manages the resources (terraform refuses to pass a name
whose block in the child configures anything, "Cannot override provider configuration").
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...model import UNKNOWN, ProviderConfig
from .config import Block, ResourceConf, traversal_text
from .tree import kids

if TYPE_CHECKING:  # pragma: no cover
    from .instance import ModuleInstance


def resource_provider_local(conf: ResourceConf) -> str:
    """The provider configuration a resource names in its own module (``aws``, ``aws.nhc``)."""
    attr = conf.body.attrs.get("provider")
    if attr is not None:
        text = traversal_text(attr.expr)
        if text:
            return text
    return conf.type.split("_", 1)[0]


def providers_map(call: Block | None) -> dict[str, str] | None:
    """A module call's ``providers = { child_key = parent_key }``; None when the call has none."""
    if call is None or "providers" not in call.body.attrs:
        return None
    node = call.body.attrs["providers"].expr
    while node.data == "expr_term" and len(kids(node)) == 1:
        node = kids(node)[0]
    mapping: dict[str, str] = {}
    if node.data != "object":
        return mapping
    for elem in kids(node):
        key_node, value_node = kids(elem)[0], kids(elem)[-1]
        inner = kids(key_node)
        key = traversal_text(inner[0]) if inner else None
        value = traversal_text(value_node)
        if key and value:
            mapping[key] = value
    return mapping


def own_block(inst: "ModuleInstance", local: str) -> bool:
    """Whether ``inst`` configures ``local`` itself: it has a provider block of that name, and its
    module call does not pass that name (a block passed over is a proxy for the passed one)."""
    if local not in inst.config.providers:
        return False
    if inst.parent is None:
        return True
    mapping = providers_map(inst.call)
    return mapping is None or local not in mapping


def provider_key(inst: "ModuleInstance", local: str) -> str:
    """The root-level key of the provider configuration ``local`` names inside ``inst``."""
    while inst.parent is not None:
        if own_block(inst, local):
            return f"{_static_path(inst)}:{local}"
        mapping = providers_map(inst.call)
        if mapping is not None and local in mapping:
            local = mapping[local]
        # else: a default configuration is inherited (an aliased one unmapped is terraform's error;
        # the parent's configuration of the same name is the closest reading)
        inst = inst.parent
    return local


def _static_path(inst: "ModuleInstance") -> str:
    return ".".join(f"module.{part}" for part in inst.module_key.split("."))


def _string_or_unknown(value: Any) -> Any:
    if value is None or value is UNKNOWN or isinstance(value, str):
        return value
    return UNKNOWN


def provider_config(inst: "ModuleInstance", local: str, block: Block | None) -> ProviderConfig:
    key = local if inst.parent is None else f"{_static_path(inst)}:{local}"
    alias = local.split(".", 1)[1] if "." in local else None
    if block is None:
        return ProviderConfig(key, alias)
    ev = inst.loader.ev
    body = block.body

    def value(name: str, node_body=body) -> Any:
        attr = node_body.attrs.get(name)
        return None if attr is None else ev.evaluate(attr.expr, inst.scope)

    region = _string_or_unknown(value("region"))
    accounts = value("allowed_account_ids")
    if accounts is None:
        account_ids: Any = ()
    elif isinstance(accounts, list) and all(isinstance(a, str) for a in accounts):
        account_ids = tuple(accounts)
    else:
        account_ids = UNKNOWN
    role_arn: Any = None
    roles = [b for b in body.blocks if b.type == "assume_role"]
    if roles:
        role_arn = _string_or_unknown(value("role_arn", roles[-1].body))  # the last role of a chain
    elif any(b.type == "dynamic" and b.labels[:1] == ["assume_role"] for b in body.blocks):
        role_arn = UNKNOWN
    profile = _string_or_unknown(value("profile"))
    return ProviderConfig(key, alias, region, account_ids, role_arn, block.file, block.line, profile)


def _is_aws(local: str) -> bool:
    return local.split(".", 1)[0] == "aws"


def collect(instances: list["ModuleInstance"], used: set[str]) -> dict[str, ProviderConfig]:
    """Model.providers: every ``aws`` provider block of the configuration, and every ``aws`` key a
    resource uses (a default configuration without a block has only its key)."""
    out: dict[str, ProviderConfig] = {}
    for inst in instances:
        for local, block in inst.config.providers.items():
            if _is_aws(local) and own_block(inst, local):
                config = provider_config(inst, local, block)
                out.setdefault(config.key, config)
    root = instances[0] if instances else None
    for key in sorted(used):
        if key not in out and root is not None and ":" not in key and _is_aws(key):
            out[key] = provider_config(root, key, None)
    return out
