"""Provider configurations of a plan (``configuration.provider_config``) and the configuration that
manages each resource (its ``provider_config_key``, followed to the root)."""
from __future__ import annotations

from typing import Any

from ..model import UNKNOWN, ProviderConfig
from .plan_refs import _is_expression

def _is_aws(pc: dict) -> bool:
    full = pc.get("full_name")
    if isinstance(full, str) and full:
        return full.endswith("/hashicorp/aws") or full == "aws"
    return pc.get("name") == "aws"


def _provider_expression(expr: Any, variables: Any, in_root: bool) -> Any:
    """The value of one provider argument: its constant, the value of the one root variable it
    refers to, or UNKNOWN; None when not set."""
    if expr is None:
        return None
    if not isinstance(expr, dict):
        return UNKNOWN
    if "constant_value" in expr:
        return expr["constant_value"]
    refs = [r for r in expr.get("references") or () if isinstance(r, str)]
    if not refs:
        return None if not expr else UNKNOWN
    names = {r for r in refs if r.startswith("var.")}
    if in_root and len(names) == 1 and len(refs) == 1 and isinstance(variables, dict):
        var = variables.get(refs[0][4:])
        if isinstance(var, dict) and "value" in var:
            return ("var", var["value"])
    return UNKNOWN


def _provider_configs(configuration: Any, variables: Any) -> dict[str, ProviderConfig]:
    """``configuration.provider_config`` as :class:`ProviderConfig` s (aws only)."""
    pcs = configuration.get("provider_config") if isinstance(configuration, dict) else None
    out: dict[str, ProviderConfig] = {}
    for key, pc in (pcs.items() if isinstance(pcs, dict) else ()):
        if not isinstance(key, str) or not isinstance(pc, dict) or not _is_aws(pc):
            continue
        expressions = pc.get("expressions") if isinstance(pc.get("expressions"), dict) else {}
        in_root = not pc.get("module_address")

        def value(expr, kind):
            v = _provider_expression(expr, variables, in_root)
            if isinstance(v, tuple) and v[:1] == ("var",):
                v = v[1]
                if kind == "ids":  # allowed_account_ids = var.ids, or [var.id]
                    v = [v] if isinstance(v, str) else v
                elif kind == "arn" and not (isinstance(v, str) and v.startswith("arn:")):
                    return UNKNOWN  # e.g. "arn:aws:iam::${var.account}:role/x": not the whole ARN
            if kind == "ids":
                if v is None:
                    return ()
                if isinstance(v, list) and all(isinstance(i, str) for i in v):
                    return tuple(v)
                return UNKNOWN
            if v is None or v is UNKNOWN or isinstance(v, str):
                return v
            return UNKNOWN

        role = expressions.get("assume_role")
        if isinstance(role, list):  # one or more blocks (role chaining: the last one decides)
            blocks = [b for b in role if isinstance(b, dict)]
            role_arn = value(blocks[-1].get("role_arn"), "arn") if blocks else None
        elif isinstance(role, dict) and not _is_expression(role):
            role_arn = value(role.get("role_arn"), "arn")
        else:
            role_arn = None if role is None else UNKNOWN
        alias = pc.get("alias")
        out[key] = ProviderConfig(
            key=key, alias=alias if isinstance(alias, str) and alias else None,
            region=value(expressions.get("region"), "str"),
            account_ids=value(expressions.get("allowed_account_ids"), "ids"),
            assume_role_arn=role_arn, profile=value(expressions.get("profile"), "str"))
    return out


def _provider_key(raw: Any, call_path: tuple, providers: dict[str, ProviderConfig]) -> str:
    """The root-level key of the provider configuration a resource uses (see the module docstring)."""
    if not isinstance(raw, str) or not raw:
        return "aws"
    if raw in providers:
        return raw
    module, sep, local = raw.rpartition(":")
    if not sep:
        return raw
    # terraform < 1.1 names the module call ("child:aws"); newer ones the module ("module.child:aws")
    declared = ".".join(f"module.{n}" for n in call_path)
    if declared and f"{declared}:{local}" in providers:
        return f"{declared}:{local}"
    return local  # inherited from (or passed by) the root: its configuration of that name
