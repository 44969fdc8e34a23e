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

    __slots__ = ("ctx", "names", "count", "each", "each_refs", "each_source", "partials")

    def __init__(self, ctx: Any, names: dict | None = None, count: Any = NOTSET, each: Any = NOTSET,
                 each_refs: tuple = (), each_source: tuple | None = None, partials: dict | None = None):
        self.ctx = ctx
        self.names = names or {}
        self.count = count
        self.each = each
        self.each_refs = each_refs  # references of the for_each expression, carried by each.value
        # (for_each expression, the scope it is evaluated in): what each.value's partial form comes from
        self.each_source = each_source
        # partially known forms of names bound by for expressions (see PartialEvaluation.partial_struct)
        self.partials = partials

    def bind(self, names: dict, partials: dict | None = None) -> "Scope":
        merged = dict(self.names)
        merged.update(names)
        merged_partials = self.partials
        if partials or (merged_partials and any(n in merged_partials for n in names)):
            merged_partials = {k: v for k, v in (self.partials or {}).items() if k not in names}
            merged_partials.update(partials or {})
        return Scope(self.ctx, merged, self.count, self.each, self.each_refs, self.each_source, merged_partials)


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

    def data_address(self) -> str | None:
        """The absolute address of the one data source instance this proxy stands for (used for
        :attr:`~lint_rules.model.Hole.source`); None when it is not one."""
        return None


class RefValue(Proxy):
    """An element bound by a ``for`` expression, with the references it was computed from: using
    it (or an attribute / key of it) records those references, narrowed to the element's own
    when it is a :class:`~.values.RefMap`."""

    __slots__ = ("val", "refs", "evaluator")

    def __init__(self, value: Any, refs: tuple, evaluator: "Evaluator"):
        self.val, self.refs, self.evaluator = value, refs, evaluator

    def attr(self, name: str) -> Any:
        return self.evaluator.narrowed_access(self.val, self.refs, "attr", name)

    def index(self, key: Any) -> Any:
        return self.evaluator.narrowed_access(self.val, self.refs, "index", key)

    def value(self) -> Any:
        self.evaluator.extend(self.refs)
        return self.val


class NotNullUnknown(Proxy):
    """An unknown value known not to be null (cty's "not null" refinement): the result of a string
    template, an object or tuple built in the configuration.  It reads as UNKNOWN everywhere except
    in a comparison with ``null``."""

    def attr(self, name: str) -> Any:
        return UNKNOWN

    def index(self, key: Any) -> Any:
        return UNKNOWN

    def value(self) -> Any:
        return UNKNOWN


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
