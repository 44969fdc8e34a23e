"""Data sources whose values terraform knows at plan time from the provider configuration alone:
``aws_region`` (the configured region), ``aws_partition`` (the partition of that region) and
``aws_caller_identity``'s account (the one account ``allowed_account_ids`` allows, or the account of
the role ``assume_role`` assumes).  Terraform reads them while planning, so a plan shows them
known; the HCL loader derives the same values when the provider configuration states them.
Anything the configuration does not state (a region from the environment...) stays UNKNOWN.

``data "template_file"`` (the hashicorp/template provider, the legacy form of ``templatefile``) is read
while planning too when its ``template`` and ``vars`` are known: :func:`template_file_attr` renders it.
"""
from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

from ...model import UNKNOWN
from .config import ResourceConf
from .scope import Scope
from .template import TemplateSyntaxError, parse_template_text
from .values import EvalError, _Unsupported, has_unknown, to_str

if TYPE_CHECKING:  # pragma: no cover
    from .instance import ModuleInstance

_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
# region prefix -> (partition, dns suffix, reverse dns prefix); first match wins
_PARTITIONS = (
    ("us-gov-", "aws-us-gov", "amazonaws.com", "com.amazonaws"),
    ("cn-", "aws-cn", "amazonaws.com.cn", "cn.com.amazonaws"),
    ("us-isob-", "aws-iso-b", "sc2s.sgov.gov", "gov.sgov.sc2s"),
    ("us-iso-", "aws-iso", "c2s.ic.gov", "gov.ic.c2s"),
    ("eu-isoe-", "aws-iso-e", "cloud.adc-e.uk", "uk.adc-e.cloud"),
    ("us-isof-", "aws-iso-f", "csp.hci.ic.gov", "gov.ic.hci.csp"),
    ("", "aws", "amazonaws.com", "com.amazonaws"),
)
_ROLE_ACCOUNT = re.compile(r"^arn:[\w-]+:iam::(\d{12}):")

TYPES = frozenset({"aws_region", "aws_partition", "aws_caller_identity"})


def _partition(region: Any) -> tuple | None:
    if not isinstance(region, str) or not _REGION.match(region):
        return None
    return next(p for p in _PARTITIONS if region.startswith(p[0]))


def data_attr(inst: "ModuleInstance", conf: ResourceConf, name: str) -> Any:
    """The plan-time value of an attribute of one of these data sources, UNKNOWN when not stated."""
    if conf.mode != "data" or conf.type not in TYPES or conf.type.split("_", 1)[0] != "aws":
        return UNKNOWN
    config = inst.provider_config_of(conf)
    if config is None:
        return UNKNOWN
    if conf.type == "aws_region":
        return config.region if name in ("region", "name", "id") and isinstance(config.region, str) else UNKNOWN
    if conf.type == "aws_partition":
        found = _partition(config.region)
        if found is None:
            return UNKNOWN
        return {"partition": found[1], "id": found[1], "dns_suffix": found[2],
                "reverse_dns_prefix": found[3]}.get(name, UNKNOWN)
    if name not in ("account_id", "id"):
        return UNKNOWN
    accounts = config.account_ids
    if isinstance(accounts, tuple) and len(accounts) == 1:
        return accounts[0]
    role = config.assume_role_arn
    m = _ROLE_ACCOUNT.match(role) if isinstance(role, str) else None
    return m.group(1) if m else UNKNOWN


def template_file_attr(inst: "ModuleInstance", conf: ResourceConf, key: Any, name: str) -> Any:
    """``rendered`` (and ``id``, its SHA-256) of a ``data "template_file"``, as the template provider
    computes them: ``template`` parsed as a template (the syntax of ``templatefile``) with each of
    ``vars`` -- primitives, as strings -- as a variable, and the result as a string.  UNKNOWN when the
    template or a variable is not known, when rendering fails (terraform: an error), or for any
    other attribute."""
    if conf.mode != "data" or conf.type != "template_file" or name not in ("rendered", "id"):
        return UNKNOWN
    attrs = conf.body.attrs
    ev = inst.loader.ev
    scope = inst.resource_scope(conf, key)
    text = ev.evaluate(attrs["template"].expr, scope) if "template" in attrs else ""
    variables = ev.evaluate(attrs["vars"].expr, scope) if "vars" in attrs else {}
    if variables is None:
        variables = {}
    if not isinstance(text, str) or not isinstance(variables, dict) or has_unknown(variables):
        return UNKNOWN
    names: dict[str, Any] = {}
    for var, value in variables.items():
        if value is None or isinstance(value, (dict, list)):
            return UNKNOWN  # the provider refuses non-primitives
        names[var] = to_str(value)
    try:
        rendered = ev.eval_template(parse_template_text(text, ev.parse_expr), Scope(None, names))
        rendered = to_str(rendered) if rendered is not UNKNOWN and not isinstance(rendered, (dict, list)) else UNKNOWN
    except (EvalError, _Unsupported, TemplateSyntaxError, RecursionError):
        return UNKNOWN
    if not isinstance(rendered, str):
        return UNKNOWN
    return rendered if name == "rendered" else hashlib.sha256(rendered.encode()).hexdigest()
