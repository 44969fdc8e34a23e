"""Values of root module variables: ``terraform.tfvars[.json]``, ``*.auto.tfvars[.json]``,
``-var-file`` and ``-var``, in terraform's order of precedence."""
from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from ...errors import InputError
from .config import Body, _to_body
from .. import observed
from .parse import _parse_expression, _parse_text, _read_text
from .tree import kids
from .types import _type_desc

if TYPE_CHECKING:  # pragma: no cover
    from .loader import _Loader


def read_tfvars(loader: "_Loader", path: str) -> dict[str, Any]:
    text = _read_text(path)
    if path.endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON ({exc.msg})", f"{path}:{exc.lineno}:{exc.colno}") from None
        except ValueError as exc:  # an integer of more digits than Python converts
            raise InputError(f"invalid JSON ({' '.join(str(exc).split(';')[0].split())[:120]})", path) from None
        if not isinstance(data, dict):
            raise InputError("a .tfvars.json file must hold a JSON object", path)
        return data
    tree = _parse_text(text, path)
    body = _to_body(kids(tree)[0], path) if kids(tree) else Body()
    return {name: loader.const(attr.expr) for name, attr in body.attrs.items()}


def cli_value(loader: "_Loader", name: str, raw: str) -> Any:
    conf = loader.root.variables.get(name)
    desc = _type_desc(conf.block.body.attrs["type"].expr) if conf and "type" in conf.block.body.attrs \
        else ("any",)
    kind = desc[0]
    if kind in ("string", "number", "bool"):
        return raw  # converted to the declared type later
    text = raw.strip()
    if kind == "any" and text[:1] not in ("[", "{", '"'):
        return raw
    try:
        expr = _parse_expression(text)
    except Exception:  # noqa: BLE001 - any parse failure
        if kind == "any":
            return raw
        raise InputError(f"value for variable {name!r} is not a valid HCL expression", "-var") from None
    return loader.const(expr)


def load_root_values(loader: "_Loader", var_files: Sequence[str], variables: Mapping[str, str]) -> None:
    root = loader.root_dir
    try:
        entries = sorted(observed.listdir(root))
    except OSError:
        entries = []
    sources = [os.path.join(root, n) for n in ("terraform.tfvars", "terraform.tfvars.json") if n in entries]
    sources += [os.path.join(root, n) for n in entries
                if n.endswith((".auto.tfvars", ".auto.tfvars.json"))]
    for path in sources:
        _take(loader, read_tfvars(loader, path), path)
    for path in var_files:
        path = str(path)
        if not observed.is_file(path):
            raise InputError("var file not found", path)
        _take(loader, read_tfvars(loader, path), path)
    for name, raw in variables.items():
        if name not in loader.root.variables:
            loader.note(f"-var {name}: no variable {name!r} is declared in the root module")
        loader.root_values[name] = cli_value(loader, name, str(raw))
        loader.root_sources[name] = f"-var {name}"


def _take(loader: "_Loader", values: dict[str, Any], path: str) -> None:
    """Values of one tfvars file override those read before; each remembers where it was set."""
    loader.root_values.update(values)
    for name in values:
        loader.root_sources[name] = path
