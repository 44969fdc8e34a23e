"""Type constraints of variables (``type = list(object({...}))``) and conversion of values to them."""
from __future__ import annotations

from typing import Any, Callable

from lark import Tree

from ...model import UNKNOWN
from .tree import _unwrap, kids, name_of
from .schema import ConversionError, convert_primitive  # noqa: F401 - ConversionError: callers catch it
from .values import RefMap, TfSet, _as_set, has_unknown, unify


def _type_desc(node: Tree | None) -> tuple:
    """A type constraint as a small tuple: ("string",), ("list", T), ("object", {...})..."""
    if node is None:
        return ("any",)
    node = _unwrap(node)
    if node.data == "identifier":
        name = name_of(node)
        return (name,) if name in ("string", "number", "bool", "any") else ("any",)
    if node.data == "function_call":
        names = [name_of(k) for k in kids(node) if k.data == "identifier"]
        arg_tree = next((k for k in kids(node) if k.data == "arguments"), None)
        args = kids(arg_tree) if arg_tree is not None else []
        fname = names[0] if names else ""
        if fname in ("list", "set", "map") and args:
            return (fname, _type_desc(args[0]))
        if fname == "tuple" and args:
            inner = _unwrap(args[0])
            if inner.data == "tuple":
                return ("tuple", [_type_desc(e) for e in kids(inner)])
        if fname == "object" and args:
            inner = _unwrap(args[0])
            if inner.data == "object":
                attrs = {}
                for elem in kids(inner):
                    key_node, value_node = kids(elem)[0], kids(elem)[-1]
                    key = name_of(key_node)
                    value = _unwrap(value_node)
                    optional, default = False, None
                    if value.data == "function_call" and name_of(kids(value)[0]) == "optional":
                        optional = True
                        opt_tree = next((k for k in kids(value) if k.data == "arguments"), None)
                        opt_args = kids(opt_tree) if opt_tree is not None else []
                        value = opt_args[0] if opt_args else None
                        default = opt_args[1] if len(opt_args) > 1 else None
                    attrs[key] = (_type_desc(value), optional, default)
                return ("object", attrs)
    return ("any",)


def convert(value: Any, desc: tuple | None, const: Callable[[Tree], Any]) -> Any:
    """Convert a value to a declared type constraint, as far as that is known.  A primitive that
    does not convert to the primitive type required raises :class:`~.schema.ConversionError`
    (terraform: "Invalid value for input variable")."""
    if value is UNKNOWN or value is None or desc is None:
        return value
    kind = desc[0]
    if kind in ("string", "number", "bool"):
        if isinstance(value, (list, dict)):
            return value  # a shape mismatch: left as it is (only primitives are checked)
        return convert_primitive(value, kind)
    if kind in ("list", "set"):
        if not isinstance(value, list):
            return value
        items = [convert(v, desc[1], const) for v in value]
        if desc[1] == ("any",):
            items = unify(items)
        if kind == "set" and not has_unknown(items):
            return _as_set(items)
        return items if kind == "set" or not isinstance(value, TfSet) else list(items)
    if kind == "map":
        if not isinstance(value, dict):
            return value
        out_map = {k: convert(v, desc[1], const) for k, v in value.items()}
        if desc[1] == ("any",):
            out_map = dict(zip(out_map.keys(), unify(list(out_map.values()))))
        return RefMap(out_map, value.key_refs) if isinstance(value, RefMap) else out_map
    if kind == "tuple":
        if not isinstance(value, list):
            return value
        return [convert(v, desc[1][i], const) if i < len(desc[1]) else v for i, v in enumerate(value)]
    if kind == "object":
        if not isinstance(value, dict):
            return value
        out: dict = {}
        for attr, (attr_desc, optional, default) in desc[1].items():
            if attr in value and value[attr] is not None:
                out[attr] = convert(value[attr], attr_desc, const)
            elif optional and default is not None:
                out[attr] = convert(const(default), attr_desc, const)
            elif attr in value or optional:
                out[attr] = None
        # an attribute the value does not have (an optional one: null or its default) refers to nothing:
        # not to everything the rest of the object was computed from
        added = [k for k in out if k not in value]
        if isinstance(value, RefMap) or added:
            key_refs = {k: r for k, r in value.key_refs.items() if k in out} if isinstance(value, RefMap) else {}
            key_refs.update((k, ()) for k in added)
            return RefMap(out, key_refs)
        return out
    return value
