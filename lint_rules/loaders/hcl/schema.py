"""Argument types of the AWS provider's resource and data-source types, and terraform's conversion
of argument values to them.

Terraform converts every argument value to the type the provider's schema declares before the
provider sees it: ``enable_logging = "false"`` is the bool ``false``, ``retention_in_days = "365"``
the number 365, ``name = 42`` the string ``"42"``, inside nested blocks, lists, sets and maps too.
A value that does not convert (``"yes"`` for a bool) is an error terraform reports before planning.

The types come from ``attr_types.json`` in this package, generated from the provider schema by
``tools/gen_attr_types.py`` (only what conversion and ``.tf.json`` bodies need: argument types and
nested block names).  Types the table does not list are left as they are.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from ...model import UNKNOWN
from .values import TfSet, is_number, number_str, to_bool, to_number, EvalError

TABLE_PATH = Path(__file__).with_name("attr_types.json")


class ConversionError(Exception):
    """A value terraform cannot convert to the type required (the message is cty's: "a bool is required")."""


@lru_cache(maxsize=1)
def table() -> dict:
    return json.loads(TABLE_PATH.read_text(encoding="utf-8"))


def block_schema(mode: str, rtype: str) -> dict | None:
    """The compact schema of a resource (``mode="managed"``) or data source type: ``{"a": {argument:
    cty type}, "b": {nested block type: compact schema}}``; None for a type the table does not know."""
    return table()["managed" if mode == "managed" else "data"].get(rtype)


def provider_schema() -> dict:
    return table()["provider"]


def nested_schema(schema: dict | None, block_type: str) -> dict | None:
    if schema is None:
        return None
    return schema.get("b", {}).get(block_type)


def attribute_type(schema: dict | None, name: str) -> Any:
    if schema is None:
        return None
    return schema.get("a", {}).get(name)


def is_block(schema: dict | None, name: str) -> bool:
    return schema is not None and name in schema.get("b", {})


def convert_primitive(value: Any, kind: str) -> Any:
    """cty's conversion of a primitive value to ``"string"`` / ``"number"`` / ``"bool"``."""
    if kind == "string":
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if is_number(value):
            return number_str(value)
        raise ConversionError("a string is required")
    if kind == "number":
        if is_number(value):
            return value
        if isinstance(value, str):
            try:
                return to_number(value)
            except EvalError:
                raise ConversionError("a number is required") from None
        raise ConversionError("a number is required")
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                return to_bool(value)
            except EvalError:
                raise ConversionError("a bool is required") from None
        raise ConversionError("a bool is required")
    return value


def _is_primitive(value: Any) -> bool:
    return isinstance(value, (str, bool)) or is_number(value)


def convert_value(value: Any, ty: Any) -> Any:
    """``value`` converted to the cty type ``ty`` (as the provider schema writes it: ``"bool"``,
    ``["list", "string"]``, ``["object", {...}]``...).  Unknown and null values stay as they are,
    and so does a value whose shape does not fit the type (a map where a list is required): only a
    primitive that does not convert to the primitive required raises :class:`ConversionError`."""
    if value is UNKNOWN or value is None or ty is None or ty == "dynamic":
        return value
    if isinstance(ty, str):
        if _is_primitive(value):
            return convert_primitive(value, ty)
        return value
    kind = ty[0]
    if kind in ("list", "set") and isinstance(value, list):
        items = [_at(i, convert_value, v, ty[1]) for i, v in enumerate(value)]
        return TfSet(items) if isinstance(value, TfSet) else items
    if kind == "map" and isinstance(value, dict):
        return {k: _at(k, convert_value, v, ty[1]) for k, v in value.items()}
    if kind == "object" and isinstance(value, dict):
        attrs = ty[1]
        return {k: _at(k, convert_value, v, attrs.get(k)) for k, v in value.items()}
    if kind == "tuple" and isinstance(value, list):
        types = ty[1]
        return [_at(i, convert_value, v, types[i] if i < len(types) else None) for i, v in enumerate(value)]
    return value


def _at(step: Any, fn, value: Any, ty: Any) -> Any:
    try:
        return fn(value, ty)
    except ConversionError as exc:
        where = f"element {step}" if isinstance(step, int) else f"attribute {json.dumps(step)}"
        raise ConversionError(f"{where}: {exc}") from None
