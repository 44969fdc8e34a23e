"""count / for_each expansions of resources and module calls."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...model import UNKNOWN
from .scope import Scope

if TYPE_CHECKING:  # pragma: no cover
    from .instance import ModuleInstance


@dataclass
class Expansion:
    kind: str  # "single" | "count" | "each" | "unknown"
    keys: list = field(default_factory=list)
    values: dict = field(default_factory=dict)  # for_each key -> each.value
    meta: str = ""  # "count" / "for_each" for unknown expansions
    refs: tuple = ()  # references of the for_each expression (each.value carries them)
    # for_each over a whole resource (``for_each = aws_vpc.this``): each.value of instance k is
    # exactly instance k of that resource, so it carries that one instance's address
    key_refs: dict = field(default_factory=dict)
    # (for_each expression, scope it is evaluated in): each.value's partially known form comes from it
    source: tuple | None = None

    def describe(self, body: Any) -> str:
        """``count = var.enabled ? 1 : 0`` -- the meta-argument of an unknown expansion, as written."""
        attr = body.attrs.get(self.meta) if self.meta else None
        text = getattr(attr, "text", "") if attr is not None else ""
        return f"{self.meta} = {text}" if text else f"{self.meta or 'count/for_each'}"

    def scope(self, ctx: "ModuleInstance", key: Any) -> Scope:
        """The scope of instance ``key`` (count.index / each.key / each.value set)."""
        if self.kind == "count":
            return Scope(ctx, count=key)
        if self.kind == "each":
            return Scope(ctx, each=(key, self.values[key]), each_refs=self.key_refs.get(key, self.refs),
                         each_source=self.source)
        if self.kind == "unknown":
            if self.meta == "count":
                return Scope(ctx, count=key if isinstance(key, int) else UNKNOWN)
            return Scope(ctx, each=UNKNOWN, each_refs=self.refs)
        return ctx.scope


def _key_suffix(key: Any) -> str:
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    return "[" + json.dumps(key, ensure_ascii=False) + "]"


def _dedup(items) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
