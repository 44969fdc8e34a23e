"""Configuration terraform itself rejects when it loads it (``terraform validate`` fails), reported
as loader notes so that nothing is linted as if it were valid without a word.

Checked: 0.11-style quoted type constraints (``type = "string"``), variable names terraform
reserves, calls to functions terraform does not have (0.11's ``list()`` / ``map()``...), and -- for
the resource types whose schema the package ships (:mod:`.schema`) -- a block written for an
argument (0.11's ``tags { ... }``) or an argument written for a block.  (Arguments the shipped
schema does not know are not reported: a newer provider may have them.)
"""
from __future__ import annotations

from typing import Callable

from lark import Tree

from .config import META_ATTRS, META_BLOCKS, Body, ModuleConfig
from .schema import nested_schema
from .tree import _unwrap, kids, name_of

# terraform 1.11's built-in functions (internal/lang/functions.go)
TERRAFORM_FUNCTIONS = frozenset("""
abs abspath alltrue anytrue base64decode base64encode base64gzip base64sha256 base64sha512 basename bcrypt can
ceil chomp chunklist cidrhost cidrnetmask cidrsubnet cidrsubnets coalesce coalescelist compact concat contains
csvdecode dirname distinct element endswith ephemeralasnull file filebase64 filebase64sha256 filebase64sha512
fileexists filemd5 fileset filesha1 filesha256 filesha512 flatten floor format formatdate formatlist indent index
issensitive join jsondecode jsonencode keys length log lookup lower matchkeys max md5 merge min nonsensitive one
parseint pathexpand plantimestamp pow range regex regexall replace reverse rsadecrypt sensitive setintersection
setproduct setsubtract setunion sha1 sha256 sha512 signum slice sort split startswith strcontains strrev substr
sum templatefile templatestring textdecodebase64 textencodebase64 timeadd timecmp timestamp title tobool tolist
tomap tonumber toset tostring transpose trim trimprefix trimspace trimsuffix try type upper urlencode uuid uuidv5
values yamldecode yamlencode zipmap
""".split())
RESERVED_VARIABLES = frozenset({"source", "version", "providers", "count", "for_each", "lifecycle",
                                "depends_on", "locals"})
PREFIX = "terraform rejects this configuration"


def check_module(config: ModuleConfig, note: Callable[[str], None]) -> None:
    """Note everything in ``config`` that ``terraform validate`` would reject."""
    for name, var in config.variables.items():
        type_attr = var.block.body.attrs.get("type")
        if type_attr is not None:
            node = _unwrap(type_attr.expr)
            if node.data == "string":
                note(f"{type_attr.where}: {PREFIX}: variable \"{name}\" has a quoted type constraint "
                     f"(type = {type_attr.text or 'string'}, Terraform 0.11 syntax); remove the quotes")
        if name in RESERVED_VARIABLES:
            note(f"{var.block.where}: {PREFIX}: \"{name}\" is reserved and cannot be a variable name")
    for attrs in _all_attrs(config):
        for attr in attrs:
            for call in attr.expr.find_data("function_call"):
                fname = _function_name(call)
                if fname and "::" not in fname and fname not in TERRAFORM_FUNCTIONS:
                    note(f"{attr.where}: {PREFIX}: there is no function named \"{fname}\"")
                    break
    for conf in config.resources:
        schema = conf.schema
        if schema is not None:
            _check_body(conf.body, schema, f'{"resource" if conf.mode == "managed" else "data"} "{conf.type}"', True, note)


def _function_name(call: Tree) -> str:
    names = [name_of(k) for k in kids(call) if k.data == "identifier"]
    return "::".join(names)


def _all_attrs(config: ModuleConfig):
    yield config.locals.values()
    for var in config.variables.values():
        yield [a for n, a in var.block.body.attrs.items() if n not in ("type",)]
    for block in config.outputs.values():
        yield block.body.attrs.values()
    for block in config.modules.values():
        yield block.body.attrs.values()
    for conf in config.resources:
        yield from _body_attrs(conf.body)
    for block in config.providers.values():
        yield from _body_attrs(block.body)


def _body_attrs(body: Body):
    yield body.attrs.values()
    for block in body.blocks:
        yield from _body_attrs(block.body)


def _check_body(body: Body, schema: dict, what: str, top: bool, note: Callable[[str], None]) -> None:
    attrs, blocks = schema.get("a", {}), schema.get("b", {})
    for name, attr in body.attrs.items():
        if top and name in META_ATTRS:
            continue
        if name not in attrs and name in blocks:
            note(f"{attr.where}: {PREFIX}: {what}: \"{name}\" is a block, not an argument "
                 f"(write {name} {{ ... }})")
    for block in body.blocks:
        if top and block.type in META_BLOCKS:
            continue
        name = block.labels[0] if block.type == "dynamic" and block.labels else block.type
        if name not in blocks:
            if name in attrs:  # 0.11's block syntax for a map argument (tags { ... })
                note(f"{block.where}: {PREFIX}: {what}: \"{name}\" is an argument, not a block "
                     f"(write {name} = {{ ... }}, Terraform 0.11 syntax)")
            continue
        inner = block.body
        if block.type == "dynamic":
            content = next((b for b in block.body.blocks if b.type == "content"), None)
            if content is None:
                continue
            inner = content.body
        _check_body(inner, nested_schema(schema, name), what, False, note)

