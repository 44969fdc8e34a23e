"""Where an expression is evaluated (:class:`Scope`) and lazily resolved references (:class:`Proxy`).

The evaluator resolves the first name of a traversal (``var``, ``local``, ``module``, a resource
type...) through the scope's context (a module instance, see :mod:`.instance`), which answers with
:class:`Proxy` objects; ``count``, ``each`` and ``dynamic`` block iterators are proxies too.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...model import UNKNOWN
from .values import EvalError

if TYPE_CHECKING:  # pragma: no cover
    from .evaluator import Evaluator

NOTSET = object()


class Scope:
    """Where an expression is evaluated: a context (module instance) plus local bindings.

    ``count`` / ``each`` are NOTSET outside a count/for_each block; ``each`` is a
    (key, value) pair or UNKNOWN.
    """

    __slots__ = ("ctx", "names", "count", "each", "each_refs")

    def __init__(self, ctx: Any, names: dict | None = None, count: Any = NOTSET, each: Any = NOTSET,
                 each_refs: tuple = ()):
        self.ctx = ctx
        self.names = names or {}
        self.count = count
        self.each = each
        self.each_refs = each_refs  # references of the for_each expression, carried by each.value

    def bind(self, names: dict) -> "Scope":
        merged = dict(self.names)
        merged.update(names)
        return Scope(self.ctx, merged, self.count, self.each, self.each_refs)


class Proxy:
    """A lazily resolved reference (a namespace, a module, a resource...)."""

    def attr(self, name: str) -> Any:
        raise EvalError(f"unsupported attribute {name!r}")

    def index(self, key: Any) -> Any:
        raise EvalError("this value cannot be indexed")

    def splat_items(self) -> list | None:
        """Elements for ``[*]`` (None: use the materialized value)."""
        return None

    def value(self) -> Any:
        raise EvalError("this reference cannot be used as a value")

    def exact_address(self) -> str | None:
        """The absolute address of the one managed resource instance this proxy stands
        for (used for :class:`~lint_rules.model.Hole` refs); None when it is not one."""
        return None


class _CountNS(Proxy):
    def __init__(self, scope: Scope):
        self.scope = scope

    def attr(self, name: str) -> Any:
        if name != "index":
            raise EvalError(f"count has no attribute {name!r}")
        if self.scope.count is NOTSET:
            raise EvalError("count.index used outside a block with count")
        return self.scope.count


class _EachNS(Proxy):
    def __init__(self, scope: Scope, evaluator: "Evaluator"):
        self.scope = scope
        self.evaluator = evaluator

    def attr(self, name: str) -> Any:
        if name not in ("key", "value"):
            raise EvalError(f"each has no attribute {name!r}")
        each = self.scope.each
        if each is NOTSET:
            raise EvalError(f"each.{name} used outside a block with for_each")
        if name == "value":
            self.evaluator.extend(self.scope.each_refs)
        if each is UNKNOWN:
            return UNKNOWN
        return each[0] if name == "key" else each[1]


class DynamicIterator(Proxy):
    """The iterator of a ``dynamic`` block (``<name>.key`` / ``<name>.value``); using its
    value carries the references of the block's for_each expression."""

    def __init__(self, key: Any, value: Any, refs: tuple, evaluator: "Evaluator"):
        self.key, self.val, self.refs, self.evaluator = key, value, refs, evaluator

    def attr(self, name: str) -> Any:
        if name not in ("key", "value"):
            raise EvalError(f"a dynamic block iterator has no attribute {name!r}")
        if name == "key":
            return self.key
        self.evaluator.extend(self.refs)
        return self.val

    def value(self) -> Any:
        self.evaluator.extend(self.refs)
        return {"key": self.key, "value": self.val}
