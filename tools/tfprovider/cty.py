"""cty values on the wire: terraform's msgpack encoding of DynamicValue, as plain Python.

Null is ``None``, an unknown value (of any type, refined or not) is ``UNKNOWN``; strings, numbers,
bools, lists/sets/tuples (Python lists) and maps/objects (dicts) are themselves.  A value of
``dynamic`` type arrives as ``[type_json_bytes, value]`` and is passed back untouched.
"""
from __future__ import annotations

import json
from typing import Any

import msgpack


class _Unknown:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __reduce__(self):
        return (_unknown, ())


UNKNOWN = _Unknown()


def _unknown() -> _Unknown:
    return UNKNOWN


# cty/msgpack: an unknown is extension type 0 (payload ignored); a refined unknown (cty >= 1.13)
# is extension type 12 carrying its refinements, which this stand-in does not need.
_UNKNOWN_EXT = msgpack.ExtType(0, b"\x00")


def _ext_hook(code: int, data: bytes) -> Any:
    if code in (0, 12):
        return UNKNOWN
    return msgpack.ExtType(code, data)


def _default(value: Any) -> Any:
    if value is UNKNOWN:
        return _UNKNOWN_EXT
    raise TypeError(f"cannot encode {type(value).__name__} as a cty value")


def decode(dynamic_value) -> Any:
    """The value of a tfplugin6.DynamicValue (msgpack, or JSON when terraform sent JSON)."""
    if dynamic_value.msgpack:
        return msgpack.unpackb(dynamic_value.msgpack, raw=False, ext_hook=_ext_hook, strict_map_key=False)
    if dynamic_value.json:
        return json.loads(dynamic_value.json)
    return None


def encode(value: Any) -> bytes:
    return msgpack.packb(value, default=_default, use_bin_type=True)


def has_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, list):
        return any(has_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(has_unknown(v) for v in value.values())
    return False


def zero(attr_type: Any) -> Any:
    """The zero value the legacy SDK reads back for an unset attribute of ``attr_type``."""
    if attr_type == "string":
        return ""
    if attr_type == "number":
        return 0
    if attr_type == "bool":
        return False
    if isinstance(attr_type, list) and attr_type[0] in ("list", "set", "tuple"):
        return []
    if isinstance(attr_type, list) and attr_type[0] == "map":
        return {}
    return None


def null_object(block: dict) -> dict:
    """An object of ``block``'s type with every attribute null and every nested block empty."""
    out: dict = {name: None for name in block.get("attributes", {})}
    for name, nested in block.get("block_types", {}).items():
        out[name] = empty_blocks(nested)
    return out


def empty_blocks(nested: dict) -> Any:
    """The value of a nested block type with no block in the configuration."""
    mode = nested.get("nesting_mode")
    if mode in ("list", "set"):
        return []
    if mode == "map":
        return {}
    return None  # single, group
