"""yamldecode, as terraform's (go-cty-yaml) reads YAML -- not as PyYAML's defaults do.

terraform 1.11 (asked with ``terraform console``): ``yes``/``on``/``y`` and ``no``/``off``/``n`` are
booleans; ``017`` is seventeen (decimal), ``0o17`` fifteen, ``0x1F`` 31, while ``+0x1F``, ``1_000``,
``0b11`` and ``12:30`` stay strings; ``.nan`` and an empty document are errors; a date ``2001-12-14``
is the string ``"2001-12-14T00:00:00Z"``; ``!!binary`` is its base64 text; mapping keys are strings
(``{1: a, true: b}`` -> ``{"1": "a", "true": "b"}``, a null key is an error); aliases and ``<<``
merges are followed.  A timestamp with a time of day is UNKNOWN here (terraform rewrites it).
"""
from __future__ import annotations

import base64
import math
import re
from typing import Any

from ....model import UNKNOWN
from ..values import EvalError, norm_number
from .registry import _fn, _need_str

_MAX_NODES = 1_000_000  # aliases share nodes: a small document can stand for a huge value
_BOOLS = {"y": True, "yes": True, "true": True, "on": True, "n": False, "no": False, "false": False, "off": False}
_BOOL_RE = re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")
_INT_RE = re.compile(r"^(?:[-+]?[0-9]+|0x[0-9a-fA-F]+|0o[0-7]+)$")
_FLOAT_RE = re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
                       r"|\.(?:nan|NaN|NAN))$")
_NULL_RE = re.compile(r"^(?:~|null|Null|NULL|)$")
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_TIMESTAMP_RE = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
                           r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?$")
_LOADER = None


def _loader_class():
    global _LOADER
    if _LOADER is not None:
        return _LOADER
    import yaml  # imported only when a configuration calls yamldecode

    class Loader(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):
            # keys become strings as they are read: {1: a, true: b} has two keys, not one
            self.flatten_mapping(node)  # << merges
            return {_key(self.construct_object(k, deep=deep)): self.construct_object(v, deep=deep)
                    for k, v in node.value}

    Loader.yaml_implicit_resolvers = {}
    for tag, regexp, first in (
            ("bool", _BOOL_RE, "yYnNtTfFoO"), ("int", _INT_RE, "-+0123456789"),
            ("float", _FLOAT_RE, "-+0123456789."), ("null", _NULL_RE, ["~", "n", "N", ""]),
            ("timestamp", _TIMESTAMP_RE, "0123456789"), ("timestamp", _DATE_RE, "0123456789"),
            ("merge", re.compile(r"^<<$"), "<")):
        Loader.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", regexp, list(first))

    def scalar(loader, node):
        return loader.construct_scalar(node)

    def construct_bool(loader, node):
        text = scalar(loader, node).lower()
        if text not in _BOOLS:
            raise EvalError(f"cannot parse {text!r} as a bool")
        return _BOOLS[text]

    def construct_int(loader, node):
        text = scalar(loader, node)
        try:
            if text.startswith("0x"):
                return int(text[2:], 16)
            if text.startswith("0o"):
                return int(text[2:], 8)
            return int(text, 10)
        except ValueError:
            raise EvalError(f"cannot parse {text!r} as an integer") from None

    def construct_float(loader, node):
        text = scalar(loader, node)
        low = text.lower()
        if low.endswith(".nan"):
            raise EvalError("floating point NaN is not supported")
        if low.endswith(".inf"):
            return -math.inf if low.startswith("-") else math.inf
        try:
            return norm_number(float(text))
        except ValueError:
            raise EvalError(f"cannot parse {text!r} as a number") from None

    def construct_timestamp(loader, node):
        text = scalar(loader, node)
        return f"{text}T00:00:00Z" if _DATE_RE.match(text) else UNKNOWN

    def construct_binary(loader, node):
        return base64.b64encode(yaml.SafeLoader.construct_yaml_binary(loader, node)).decode()

    for tag, f in (("bool", construct_bool), ("int", construct_int), ("float", construct_float),
                   ("timestamp", construct_timestamp), ("binary", construct_binary)):
        Loader.add_constructor(f"tag:yaml.org,2002:{tag}", f)
    _LOADER = (Loader, yaml.YAMLError)
    return _LOADER


def _key(k: Any) -> str:
    if k is None:
        raise EvalError("mapping key cannot be null")
    if isinstance(k, bool):
        return "true" if k else "false"
    if isinstance(k, (int, float)):
        return str(norm_number(k))
    if isinstance(k, str):
        return k
    raise EvalError("a mapping key must be a scalar")


def _cty(value: Any, budget: list) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise EvalError(f"the YAML document stands for more than {_MAX_NODES} values")
    if isinstance(value, dict):
        return {_key(k): _cty(v, budget) for k, v in value.items()}
    if isinstance(value, list):
        return [_cty(v, budget) for v in value]
    if isinstance(value, set):  # !!set
        raise EvalError("a YAML !!set is not supported")
    return value


@_fn("yamldecode")
def _yamldecode(s):
    text = _need_str(s)
    loader_class, yaml_error = _loader_class()
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise EvalError("missing start of document")
        value = loader.construct_document(node)
    except yaml_error as exc:
        raise EvalError(f"invalid YAML: {str(exc).splitlines()[0]}") from None
    except (TypeError, ValueError, RecursionError) as exc:  # unhashable keys, cyclic aliases...
        raise EvalError(f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    try:
        return _cty(value, [_MAX_NODES])
    except RecursionError:
        raise EvalError("invalid YAML: a cyclic (or too deeply nested) structure") from None
