"""The sensitive texts of a Terraform configuration (``Model.sensitive_values``, see
:mod:`lint_rules.redact`): values of variables and outputs declared ``sensitive = true`` in any
module instance, arguments of ``sensitive(...)``, and arguments the provider schema marks
sensitive."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...redact import add_schema_sensitive, add_strings
from .config import Block

if TYPE_CHECKING:  # pragma: no cover
    from .loader import _Loader


def declared_sensitive(loader: "_Loader", block: Block) -> bool:
    attr = block.body.attrs.get("sensitive")
    if attr is None:
        return False
    try:
        return loader.const(attr.expr) is True
    except Exception:  # noqa: BLE001 - a flag that cannot be read: take it as set
        return True


def hcl_secrets(loader: "_Loader", resources) -> set[str]:
    out: set[str] = set()
    for inst in loader.instances:
        for name, conf in inst.config.variables.items():
            if declared_sensitive(loader, conf.block):
                _add(lambda n=name: inst.var(n), out)
        for name, block in inst.config.outputs.items():
            if declared_sensitive(loader, block):
                _add(lambda n=name: inst.output(n), out)
    for value in loader.ev.sensitive:
        add_strings(value, out)
    for r in resources:
        add_schema_sensitive(r.mode, r.type, r.values, out)
    return out


def _add(get, out: set[str]) -> None:
    try:
        value: Any = get()
    except Exception:  # noqa: BLE001 - a value that does not evaluate has no text to hide
        return
    add_strings(value, out)
