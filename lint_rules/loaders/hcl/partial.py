"""Partially known values: what is still known of an expression whose value is UNKNOWN.

:class:`PartialEvaluation` is a mixin of :class:`~.evaluator.Evaluator`; see
:meth:`PartialEvaluation.partial` and :class:`~lint_rules.model.PartialString`.
"""
from __future__ import annotations

from typing import Any

from lark import Token, Tree

from ...model import IDENTITY_ATTRIBUTES, UNKNOWN, Hole, PartialString
from .scope import Proxy, Scope
from .template import TemplateSyntaxError, _template_from_string_tree, heredoc_body, parse_template_text
from .tree import _unwrap_term, kids, name_of
from .values import EvalError, _json_ready, _Unsupported, has_unknown, iter_collection, to_bool, to_str


class _JsonDoc:
    """The partial form of ``jsonencode(x)``: ``x`` as the string will decode."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value


def _informative(value: Any) -> bool:
    """Does a partial form say anything that UNKNOWN (or the value itself) does not?"""
    if isinstance(value, PartialString):
        # a string without holes would have been known: something is off, say nothing
        return bool(value.holes) and any(isinstance(p, str) or p.refs for p in value.parts)
    if isinstance(value, list):
        return any(_informative(v) for v in value)
    if isinstance(value, dict):
        return any(_informative(v) for v in value.values())
    return False


class PartialEvaluation:
    """The partial-form half of the evaluator (mixed into :class:`~.evaluator.Evaluator`)."""

    # --- partially known values -------------------------------------------------
    def partial(self, node: Tree, scope: Scope) -> Any:
        """What is known of an expression whose value is (or holds) UNKNOWN.

        - a string template -> :class:`PartialString` (known text + :class:`Hole` s);
        - a bare reference to a managed resource's identity attribute (``aws_s3_bucket.b.arn``)
          -> ``PartialString((Hole(("aws_s3_bucket.b.arn",)),))``;
        - ``jsonencode(x)`` -> ``x`` with object/tuple literals kept as dict/list and their
          unknown leaves as PartialString or UNKNOWN (the document the string will decode to);
        - a tuple literal -> a list of the above for its elements;
        - ``c ? a : b`` with ``c`` known -> the partial form of the branch taken;
        - ``local.X`` -> the partial form of the local's expression; ``var.X`` inside a module
          instance -> the partial form of the module call's argument, in the caller's scope.

        UNKNOWN when nothing more is known.  Read-only: references it touches are not
        recorded (the caller has them from :meth:`evaluate`).
        """
        with self.collecting():
            try:
                out = self._partial(node, scope, top=True)
            except (EvalError, _Unsupported, TemplateSyntaxError, RecursionError):
                return UNKNOWN
            except Exception as exc:  # noqa: BLE001 - an evaluator gap must not end the run
                if self._fatal and isinstance(exc, self._fatal):
                    raise
                return UNKNOWN
        if isinstance(out, _JsonDoc):
            # only a document with a known shape says more than UNKNOWN
            return out.value if isinstance(out.value, (dict, list)) else UNKNOWN
        return out if _informative(out) else UNKNOWN

    def _partial(self, node: Tree, scope: Scope, top: bool = False, in_json: bool = False) -> Any:
        node = _unwrap_term(node)
        kind = node.data
        if kind == "conditional":
            cond_node, then_node, else_node = kids(node)
            cond = self.ev(cond_node, scope)
            if cond is UNKNOWN:
                return UNKNOWN
            return self._partial(then_node if to_bool(cond) else else_node, scope, top, in_json)
        if top and kind == "function_call":
            names = [name_of(k) for k in kids(node) if k.data == "identifier"]
            arg_tree = next((k for k in kids(node) if k.data == "arguments"), None)
            args = kids(arg_tree) if arg_tree is not None else []
            expand = arg_tree is not None and any(
                isinstance(t, Token) and t.type == "ELLIPSIS" for t in arg_tree.children)
            if names == ["jsonencode"] and len(args) == 1 and not expand:
                return _JsonDoc(self._partial(args[0], scope, in_json=True))
            return UNKNOWN
        if kind == "tuple" and (top or in_json):
            return [self._partial(k, scope, in_json=in_json) for k in kids(node)]
        if kind == "object" and in_json:
            out: dict = {}
            for elem in kids(node):
                key = self.object_key(kids(elem)[0], scope)
                if key is UNKNOWN:
                    return UNKNOWN
                out[key] = self._partial(kids(elem)[-1], scope, in_json=True)
            return out
        if top:
            value = UNKNOWN  # the caller knows the value is unknown
        else:
            value = self.ev(node, scope)
            if not has_unknown(value):
                return _json_ready(value) if in_json else value
        if kind in ("string", "heredoc_template", "heredoc_template_trim"):
            return self._partial_template(self._template_of(node), scope)
        hole = self._exact_hole(node, scope)
        if hole is not None:
            return hole
        named = self._partial_named(node, scope)
        if isinstance(named, PartialString) or (top and named is not UNKNOWN):
            # inside jsonencode() a local's list/dict partial may be a JSON *string*: not taken
            return named
        return value

    def _template_of(self, node: Tree) -> list[tuple]:
        key = id(node)
        template = self._templates.get(key)
        if template is None:
            if node.data == "string":
                template = _template_from_string_tree(node)
            else:
                body, flush = heredoc_body(str(node.children[0]))
                template = parse_template_text(body, self.parse_expr, per_line=True, flush=flush)
            self._templates[key] = template
            self._keep.append(node)
        return template

    def _partial_template(self, items, scope: Scope) -> Any:
        if len(items) == 1 and items[0][0] == "interp":
            # "${x}" alone is x itself, not its string form
            hole = self._exact_hole(items[0][1], scope)
            if hole is not None:
                return hole
            named = self._partial_named(items[0][1], scope)
            return named if isinstance(named, PartialString) else UNKNOWN
        parts: list[Any] = []
        self._partial_render(items, scope, parts)
        return PartialString(tuple(parts))

    def _partial_render(self, items, scope: Scope, parts: list) -> None:
        for item in items:
            kind = item[0]
            if kind == "lit":
                parts.append(item[1])
            elif kind == "interp":
                value = self.ev(item[1], scope)
                if has_unknown(value):
                    piece = self._exact_hole(item[1], scope, any_attr=True)
                    if piece is None:
                        piece = self._partial_named(item[1], scope)
                    parts.extend(piece.parts if isinstance(piece, PartialString) else (Hole(),))
                else:
                    parts.append(to_str(value))
            elif kind == "if":
                cond = self.ev(item[1], scope)
                if cond is UNKNOWN:
                    parts.append(Hole())
                else:
                    self._partial_render(item[2] if to_bool(cond) else item[3], scope, parts)
            elif kind == "for":
                coll = self.ev(item[3], scope)
                if coll is UNKNOWN:
                    parts.append(Hole())
                    continue
                for k, v in iter_collection(coll):
                    names = {item[2]: v}
                    if item[1]:
                        names[item[1]] = k
                    self._partial_render(item[4], scope.bind(names), parts)

    def _exact_hole(self, node: Tree, scope: Scope, any_attr: bool = False) -> PartialString | None:
        """``<managed resource instance>.<attr>`` -> PartialString((Hole((address.attr,)),)).

        A bare reference is taken as a string only for identity attributes (id, arn, name,
        bucket...); inside a template (``any_attr``) every piece is a string anyway.
        """
        node = _unwrap_term(node)
        if node.data != "get_attr_expr_term":
            return None
        base_node, accessor = kids(node)
        if accessor.data != "get_attr":
            return None
        attr = name_of(kids(accessor)[0])
        if not any_attr and attr not in IDENTITY_ATTRIBUTES:
            return None
        try:
            base = self.ev_raw(base_node, scope)
        except (EvalError, _Unsupported):
            return None
        address = base.exact_address() if isinstance(base, Proxy) else None
        if not address:
            return None
        return PartialString((Hole((f"{address}.{attr}",)),))

    _NAMED_HOOKS = {"local": "partial_local", "var": "partial_var"}

    def _partial_named(self, node: Tree, scope: Scope) -> Any:
        """``local.X`` -> the partial form of the local's expression; ``var.X`` in a module
        instance -> the partial form of the module call's argument (the context computes both)."""
        node = _unwrap_term(node)
        if node.data != "get_attr_expr_term":
            return UNKNOWN
        base_node, accessor = kids(node)
        base_node = _unwrap_term(base_node)
        if accessor.data != "get_attr" or base_node.data != "identifier":
            return UNKNOWN
        ns = name_of(base_node)
        if ns not in self._NAMED_HOOKS or ns in scope.names:
            return UNKNOWN
        hook = getattr(scope.ctx, self._NAMED_HOOKS[ns], None)
        return hook(name_of(kids(accessor)[0])) if hook is not None else UNKNOWN
