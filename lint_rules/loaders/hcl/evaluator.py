"""A small static evaluator for HCL expressions, working on python-hcl2's raw lark tree.

The evaluator knows nothing about modules or resources: it resolves the first
name of a reference (``var``, ``local``, ``module``, ``data``, a resource type,
``path``...) through a *context* object (see :mod:`.instance`), which hands back
:class:`~.scope.Proxy` objects that answer attribute and index access lazily.  That is
how a reference such as ``module.kms.key_arn`` evaluates the output expression
of just that output, in just that module instance.

Values are plain Python (str, int, float, bool, None, list, dict) or
:data:`~lint_rules.model.UNKNOWN`.  Anything the evaluator cannot compute
statically is UNKNOWN; it never guesses.  A genuine Terraform evaluation error
(missing map key, index out of range, wrong type...) raises :class:`~.values.EvalError`,
which ``try()``/``can()`` catch and which otherwise becomes UNKNOWN at the top.

References: every time a resource or data source is named, the context calls
:meth:`Evaluator.record` with its absolute config address; callers collect the
addresses an expression touched with :meth:`Evaluator.collecting`.

Partial forms: :meth:`Evaluator.partial` (:mod:`.partial`) says what is still known about an
expression whose value is UNKNOWN (a string template's known text, the structure
given to ``jsonencode``); see :class:`~lint_rules.model.PartialString`.  It never
changes the value :meth:`Evaluator.evaluate` returns.

Functions live in :mod:`.funcs`, templates in :mod:`.template`.
"""
from __future__ import annotations

import math
import os
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from lark import Token, Tree

from ...errors import InputError
from ...limits import check_file_size
from ...model import IDENTITY_ATTRIBUTES, UNKNOWN
from .. import observed
from .funcs import CONTEXT_FUNCTIONS, FUNCTIONS, _need_list
from .partial import _CONTEXT_ATTRS, PartialEvaluation
from .scope import NotNullUnknown, Proxy, RefValue, Scope, _CountNS, _EachNS
from .template import TemplateSyntaxError, _template_from_string_tree, heredoc_body, parse_template_text, unescape
from .tree import _unwrap_term as _unwrap_node, kids, name_of
from .values import (EvalError, RefMap, _Unsupported, arith_result, equal, has_unknown, iter_collection, key_str,
                     norm_number, to_bool, to_number, to_str, type_name)


_ARITH = {"+", "-", "*", "/", "%"}
_COMPARE = {"<", ">", "<=", ">="}


#: elements all the for-expressions of one load may iterate over (two nested over range(1000) are a
#: million, about 20 s; real configurations iterate over thousands): past it, every for-expression
#: is unknown, with a note
MAX_FOR_ITERATIONS = 500_000


class _TooMuchWork(EvalError):
    """The for-expression budget of this load is spent."""


class Evaluator(PartialEvaluation):
    """Evaluates expression trees; one per load (it holds the parse caches)."""

    def __init__(self, parse_expression: Callable[[str], Tree], base_dir: str = ".",
                 note: Callable[[str], None] | None = None, fatal: tuple[type, ...] = ()):
        self._parse_expression = parse_expression
        self._note = note
        self._fatal = fatal  # exception types that must propagate (e.g. InputError from loading a module)
        self.base_dir = base_dir  # relative file() paths resolve here (the root module dir)
        self._refs: list[list[str]] = []
        self._templates: dict[int, Any] = {}
        self._keep: list[Any] = []  # keeps cached trees alive so their ids stay unique
        self._file_templates: dict[str, Any] = {}
        self._for_budget = MAX_FOR_ITERATIONS
        self.sensitive: list[Any] = []  # arguments of sensitive(...) (lint_rules.redact)

    # --- references ---------------------------------------------------------
    def record(self, address: str) -> tuple | None:
        """Record a reference; returns a handle for :meth:`rekey` (None when nothing collects)."""
        if self._refs:
            bucket = self._refs[-1]
            bucket.append(address)
            return (bucket, len(bucket) - 1, address)
        return None

    @staticmethod
    def rekey(handle: tuple | None, address: str) -> None:
        """Replace a reference recorded by :meth:`record` (e.g. ``aws_vpc.this`` ->
        ``aws_vpc.this["a"]`` once the traversal names one instance)."""
        if handle is None:
            return
        bucket, pos, old = handle
        if pos < len(bucket) and bucket[pos] == old:
            bucket[pos] = address

    def extend(self, addresses) -> None:
        if self._refs:
            self._refs[-1].extend(addresses)

    @contextmanager
    def collecting(self) -> Iterator[list[str]]:
        """Collect the addresses recorded while the block runs (nested collections also
        see them only if the caller re-adds them with :meth:`extend`)."""
        bucket: list[str] = []
        self._refs.append(bucket)
        try:
            yield bucket
        finally:
            self._refs.pop()

    # --- entry points -------------------------------------------------------
    def evaluate(self, node: Tree, scope: Scope) -> Any:
        """Evaluate to a plain value; errors and unsupported constructs become UNKNOWN."""
        try:
            return self.ev(node, scope)
        except _TooMuchWork:
            if self._note is not None:
                self._note(f"for-expressions iterate over more than {MAX_FOR_ITERATIONS:,} elements in this "
                           "configuration: those past the limit are treated as unknown")
            return UNKNOWN
        except (EvalError, _Unsupported, TemplateSyntaxError, RecursionError):
            return UNKNOWN
        except Exception as exc:  # noqa: BLE001 - an evaluator gap must not end the run
            if self._fatal and isinstance(exc, self._fatal):
                raise
            if self._note is not None:
                line = getattr(getattr(node, "meta", None), "line", "?")
                self._note(f"line {line}: expression could not be evaluated "
                           f"({type(exc).__name__}: {exc}); treated as unknown")
            return UNKNOWN

    def ev(self, node: Tree, scope: Scope) -> Any:
        value = self.ev_raw(node, scope)
        if isinstance(value, Proxy):
            return value.value()
        return value

    def ev_raw(self, node: Any, scope: Scope) -> Any:
        method = getattr(self, "_e_" + node.data, None)
        if method is None:
            raise _Unsupported(f"expression {node.data}")
        return method(node, scope)

    # --- literals -------------------------------------------------------------
    def _e_expr_term(self, node: Tree, scope: Scope) -> Any:
        inner = kids(node)
        if len(inner) != 1:
            raise _Unsupported("expression")
        return self.ev_raw(inner[0], scope)

    def _e_int_lit(self, node: Tree, scope: Scope) -> Any:
        return int(str(node.children[0]))

    def _e_float_lit(self, node: Tree, scope: Scope) -> Any:
        return norm_number(float(str(node.children[0])))

    def _e_literal_value(self, node: Tree, scope: Scope) -> Any:
        text = name_of(node)
        return {"true": True, "false": False, "null": None}[text]

    def _e_identifier(self, node: Tree, scope: Scope) -> Any:
        name = name_of(node)
        if name in scope.names:
            return scope.names[name]
        if name == "count":
            return _CountNS(scope)
        if name == "each":
            return _EachNS(scope, self)
        if scope.ctx is None:
            raise EvalError(f"references are not allowed here ({name})")
        return scope.ctx.root(name, scope)

    def _e_string(self, node: Tree, scope: Scope) -> Any:
        key = id(node)
        template = self._templates.get(key)
        if template is None:
            template = _template_from_string_tree(node)
            self._templates[key] = template
            self._keep.append(node)
        return self.eval_template(template, scope)

    def _e_template_string(self, node: Tree, scope: Scope) -> Any:
        text = str(node.children[0])
        return unescape(text[2:-2])

    def _heredoc(self, node: Tree, scope: Scope) -> Any:
        key = id(node)
        template = self._templates.get(key)
        if template is None:
            body, flush = heredoc_body(str(node.children[0]))
            template = parse_template_text(body, self.parse_expr, per_line=True, flush=flush)
            self._templates[key] = template
            self._keep.append(node)
        return self.eval_template(template, scope)

    _e_heredoc_template = _heredoc
    _e_heredoc_template_trim = _heredoc

    def parse_expr(self, text: str) -> Tree:
        try:
            return self._parse_expression(text)
        except Exception as exc:  # noqa: BLE001 - any parse failure makes the template unusable
            raise TemplateSyntaxError(f"invalid expression in template: {exc}") from None

    def template_file(self, path: str) -> list[tuple]:
        template = self._file_templates.get(path)
        if template is None:
            template = parse_template_text(self.read_file(path), self.parse_expr)
            self._file_templates[path] = template
        return template

    def read_file(self, path: str) -> str:
        full = path if os.path.isabs(path) else os.path.join(self.base_dir, path)
        if observed.exists(full) and not observed.is_file(full):  # /dev/zero, a FIFO: a read that never ends
            raise EvalError(f"cannot read {path}: not a regular file")
        try:
            check_file_size(full, hcl=True, what="file")
        except InputError as exc:
            raise EvalError(str(exc)) from None
        try:
            return observed.read_text(full)
        except (OSError, UnicodeDecodeError) as exc:
            raise EvalError(f"cannot read {path}: {exc}") from None

    def eval_template(self, items, scope: Scope) -> Any:
        # "${x}" alone yields x itself, not its string form
        if len(items) == 1 and items[0][0] == "interp":
            return self.ev(items[0][1], scope)
        out: list[str] = []
        unknown = self._render(items, scope, out)
        return UNKNOWN if unknown else "".join(out)

    def _render(self, items, scope: Scope, out: list[str]) -> bool:
        unknown = False
        for item in items:
            kind = item[0]
            if kind == "lit":
                out.append(item[1])
            elif kind == "interp":
                value = self.ev(item[1], scope)
                if has_unknown(value):
                    unknown = True
                elif not unknown:
                    out.append(to_str(value))
            elif kind == "if":
                cond = self.ev(item[1], scope)
                if cond is UNKNOWN:
                    unknown = True
                    continue
                branch = item[2] if to_bool(cond) else item[3]
                unknown = self._render(branch, scope, out) or unknown
            elif kind == "for":
                coll = self.ev(item[3], scope)
                if coll is UNKNOWN:
                    unknown = True
                    continue
                for k, v in iter_collection(coll):
                    self._for_budget -= 1  # template %{ for } directives share the for-expressions' budget
                    if self._for_budget < 0:
                        raise _TooMuchWork()
                    names = {item[2]: v}
                    if item[1]:
                        names[item[1]] = k
                    unknown = self._render(item[4], scope.bind(names), out) or unknown
        return unknown

    # --- collections ------------------------------------------------------------
    def _e_tuple(self, node: Tree, scope: Scope) -> Any:
        return [self.ev(k, scope) for k in kids(node)]

    def _e_object(self, node: Tree, scope: Scope) -> Any:
        out = RefMap()
        unknown = False
        for elem in kids(node):
            key_node, value_node = kids(elem)[0], kids(elem)[-1]
            key = self.object_key(key_node, scope)
            if self._refs:
                with self.collecting() as element_refs:
                    value = self.ev(value_node, scope)
                self.extend(element_refs)
            else:
                value, element_refs = self.ev(value_node, scope), []
            if key is UNKNOWN:
                unknown = True
                continue
            out[key] = value
            out.key_refs[key] = tuple(element_refs)
        return UNKNOWN if unknown else out

    def object_key(self, key_node: Tree, scope: Scope) -> Any:
        inner = kids(key_node)
        if not inner:  # keyword key, e.g. { for_each = 1 }
            return name_of(key_node)
        expr = inner[0]
        if expr.data == "keyword":
            return name_of(expr)
        if expr.data == "expr_term":
            term = kids(expr)
            if len(term) == 1 and term[0].data in ("identifier", "keyword"):
                return name_of(term[0])  # a bare name is the key itself
            if len(term) == 1 and term[0].data == "literal_value":
                return name_of(term[0])
        key = self.ev(expr, scope)
        if key is UNKNOWN:
            return UNKNOWN
        return key_str(key)

    # --- traversals ---------------------------------------------------------------
    def _e_get_attr_expr_term(self, node: Tree, scope: Scope) -> Any:
        base_node, accessor = kids(node)
        if not self._refs:  # nothing collects references: no narrowing to do
            return self.access(self.ev_raw(base_node, scope), accessor, scope)
        # the base's references are collected apart: an element of a RefMap refers only to its own
        with self.collecting() as base_refs:
            base = self.ev_raw(base_node, scope)
        narrowed = None
        try:
            kind, key = self.accessor_key(accessor, scope)
            value = self.access_value(base, kind, key)
            narrowed = self.element_refs(base, kind, key)
        finally:
            self.extend(base_refs if narrowed is None else narrowed)
        return value

    _e_index_expr_term = _e_get_attr_expr_term

    @staticmethod
    def element_refs(base: Any, kind: str, key: Any) -> tuple | None:
        """The references of element ``key`` of a RefMap ``base`` (None: not narrower than the base)."""
        if not isinstance(base, RefMap) or key is UNKNOWN:
            return None
        try:
            return base.key_refs.get(key if kind == "attr" else key_str(key))
        except EvalError:
            return None

    def narrowed_access(self, value: Any, refs: tuple, kind: str, key: Any) -> Any:
        """Access into a value that carries ``refs`` (see RefValue): records the element's own
        references when ``value`` knows them, else ``refs``."""
        narrowed = self.element_refs(value, kind, key)
        self.extend(refs if narrowed is None else narrowed)
        return self.access_value(value, kind, key)

    def _e_full_splat_expr_term(self, node: Tree, scope: Scope) -> Any:
        base_node, splat = kids(node)
        return self.splat(self.ev_raw(base_node, scope), kids(splat), scope)

    _e_attr_splat_expr_term = _e_full_splat_expr_term

    def access(self, base: Any, accessor: Tree, scope: Scope) -> Any:
        kind, key = self.accessor_key(accessor, scope)
        return self.access_value(base, kind, key)

    def accessor_key(self, accessor: Tree, scope: Scope) -> tuple[str, Any]:
        """("attr", name) or ("index", key value) for a traversal step."""
        kind = accessor.data
        if kind == "get_attr":
            return "attr", name_of(kids(accessor)[0])
        if kind == "short_index":
            return "index", int(str([t for t in accessor.children if isinstance(t, Token)][-1]))
        if kind == "braces_index":
            return "index", self.ev(kids(accessor)[0], scope)
        raise _Unsupported(kind)

    def access_value(self, base: Any, kind: str, key: Any) -> Any:
        if kind == "attr":
            name = key
            if isinstance(base, Proxy):
                return base.attr(name)
            if base is UNKNOWN:
                return UNKNOWN
            if isinstance(base, dict):
                if name not in base:
                    raise EvalError(f"object has no attribute {name!r}")
                return base[name]
            if base is None:
                raise EvalError(f"attempt to get attribute {name!r} of null")
            raise EvalError(f"cannot get attribute {name!r} of {type_name(base)}")
        if key is UNKNOWN:
            return UNKNOWN
        if isinstance(base, Proxy):
            return base.index(key)
        if base is UNKNOWN:
            return UNKNOWN
        if isinstance(base, list):
            i = to_number(key)
            if isinstance(i, float) or not 0 <= i < len(base):
                raise EvalError(f"index {key!r} out of range")
            return base[i]
        if isinstance(base, dict):
            k = key_str(key)
            if k not in base:
                raise EvalError(f"no key {k!r}")
            return base[k]
        raise EvalError(f"cannot index {type_name(base)}")

    def splat(self, base: Any, accessors: list[Tree], scope: Scope) -> Any:
        items = base.splat_items() if isinstance(base, Proxy) else None
        if items is None:
            if isinstance(base, Proxy):
                base = base.value()
            if base is UNKNOWN:
                return UNKNOWN
            if base is None:
                return []
            items = base if isinstance(base, list) else [base]
        out = []
        for item in items:
            for acc in accessors:
                item = self.access(item, acc, scope)
            out.append(item.value() if isinstance(item, Proxy) else item)
        return out

    # --- functions ------------------------------------------------------------------
    def _e_function_call(self, node: Tree, scope: Scope) -> Any:
        names = [name_of(k) for k in kids(node) if k.data == "identifier"]
        arg_tree = next((k for k in kids(node) if k.data == "arguments"), None)
        arg_nodes = kids(arg_tree) if arg_tree is not None else []
        expand = arg_tree is not None and any(
            isinstance(t, Token) and t.type == "ELLIPSIS" for t in arg_tree.children)
        name = names[0] if len(names) == 1 else "::".join(names)
        if name == "try":
            return self._try(arg_nodes, scope)
        if name == "can":
            return self._can(arg_nodes, scope)
        if name == "coalesce" and not expand:
            return self._coalesce(arg_nodes, scope)
        if name == "flatten" and not expand and len(arg_nodes) == 1:
            return self._flatten(arg_nodes[0], scope)
        args = [self.ev(a, scope) for a in arg_nodes]
        if name == "sensitive" and args:  # never printed (lint_rules.redact)
            self.sensitive.append(args[0])
        if expand and args:
            last = args.pop()
            if last is UNKNOWN:
                return UNKNOWN
            args.extend(_need_list(last, "a list to expand with ..."))
        context_fn = CONTEXT_FUNCTIONS.get(name)
        if context_fn is not None:
            return context_fn(self, args)
        entry = FUNCTIONS.get(name)
        if entry is None:
            return UNKNOWN  # unknown or provider-defined function: never guess
        impl, mode = entry
        if mode == "strict" and any(has_unknown(a) for a in args):
            return UNKNOWN
        if mode == "partial" and any(a is UNKNOWN for a in args):
            return UNKNOWN
        try:
            return impl(*args)
        except (EvalError, _Unsupported):
            raise
        except TypeError as exc:
            if "positional argument" in str(exc):
                raise EvalError(f"{name}(): wrong number of arguments") from None
            return UNKNOWN
        except Exception:  # noqa: BLE001 - a function we model imperfectly: unknown, not a crash
            return UNKNOWN

    def _try(self, arg_nodes: list[Tree], scope: Scope) -> Any:
        for node in arg_nodes:
            bucket = self._refs[-1] if self._refs else None
            mark = len(bucket) if bucket is not None else 0
            try:
                value = self.ev(node, scope)
            except EvalError:
                if bucket is not None:
                    del bucket[mark:]
                continue
            return value
        raise EvalError("try(): no argument could be evaluated")

    def _coalesce(self, arg_nodes: list[Tree], scope: Scope) -> Any:
        # lazy, so that only the argument chosen contributes references
        for node in arg_nodes:
            value = self.ev(node, scope)
            if value is UNKNOWN:
                return UNKNOWN
            if value is not None and value != "":
                return value
        raise EvalError("coalesce: no non-null, non-empty argument")

    def _flatten(self, node: Tree, scope: Scope) -> Any:
        """``flatten(x)``.  With unknown elements, terraform still knows the result's length when each
        unknown is of a primitive type (``flatten([aws_iam_policy.a.arn, var.arns])`` with
        ``var.arns`` a ``list(string)`` of known length: IRSA's ``count = length(flatten(...))``):
        such an unknown stays one element.  An unknown that may be a list leaves the whole unknown."""
        value = self.ev(node, scope)
        impl = FUNCTIONS["flatten"][0]
        if not has_unknown(value) or value is UNKNOWN:
            return UNKNOWN if value is UNKNOWN else impl(value)
        if not isinstance(value, list):
            return impl(value)  # terraform: an error
        with self.collecting():  # only a refinement: the references are the argument's
            items = self._flat_items(node, value, scope, 0)
        return UNKNOWN if items is None else items

    def _flat_items(self, node: Tree, value: Any, scope: Scope, depth: int) -> list | None:
        """The elements ``value`` (the value of ``node``) adds to a flattened list; None when that is
        not known (an unknown that may be a list)."""
        if depth > 20:
            return None
        if not has_unknown(value):
            return FUNCTIONS["flatten"][0](value) if isinstance(value, list) else [value]
        if value is UNKNOWN:
            return [UNKNOWN] if self._primitive(node, scope) else None
        if isinstance(value, dict):
            return [value]  # an object or map is an element, whatever it holds
        if not isinstance(value, list):
            return None
        inner = _unwrap_node(node)
        local = self._named_expression(inner, scope)  # local.X: (its expression, its scope)
        if local is not None:  # local.X: what its expression adds
            return self._flat_items(local[0], value, local[1], depth + 1)
        if inner.data == "tuple" and len(kids(inner)) == len(value):
            out: list = []
            for elem_node, elem in zip(kids(inner), value):
                items = self._flat_items(elem_node, elem, scope, depth + 1)
                if items is None:
                    return None
                out.extend(items)
            return out
        if self._primitive_elements(node, scope) and not any(isinstance(v, (list, dict)) for v in value):
            return list(value)
        return None

    def _primitive(self, node: Tree, scope: Scope) -> bool:
        """Is the value of ``node`` certainly a string, number or bool (once known)?  A template with
        text, an identity attribute (id, arn, name...) of a managed resource instance, the account /
        region / partition of a data source, a variable of a primitive type."""
        node = _unwrap_node(node)
        if node.data in ("string", "heredoc_template", "heredoc_template_trim"):
            items = self._template_of(node)
            if len(items) == 1 and items[0][0] == "interp":
                return self._primitive(items[0][1], scope)  # "${x}" alone is x itself
            return True
        if node.data != "get_attr_expr_term":
            return False
        base_node, accessor = kids(node)
        if accessor.data != "get_attr":
            return False
        attr = name_of(kids(accessor)[0])
        desc = self._variable_type(base_node, attr, scope)
        if desc is not None:
            return desc[0] in ("string", "number", "bool")
        try:
            base = self._instance_proxy(base_node, scope)
        except (EvalError, _Unsupported):
            return False
        if isinstance(base, Proxy):
            if base.exact_address() and attr in IDENTITY_ATTRIBUTES:
                return True
            if base.data_address() and attr in _CONTEXT_ATTRS:
                return True
        return False

    def _primitive_elements(self, node: Tree, scope: Scope) -> bool:
        """Is ``node`` a list or set whose elements are certainly primitive: a variable typed
        ``list(string)`` / ``list(number)``... (not a set: unknown elements of a set may turn out equal),
        or a splat of an identity attribute
        (``aws_iam_policy.p[*].arn``)?"""
        node = _unwrap_node(node)
        if node.data == "get_attr_expr_term":
            base_node, accessor = kids(node)
            if accessor.data == "get_attr":
                desc = self._variable_type(base_node, name_of(kids(accessor)[0]), scope)
                return desc is not None and desc[0] == "list" and \
                    isinstance(desc[1], tuple) and desc[1][0] in ("string", "number", "bool")
            return False
        if node.data in ("full_splat_expr_term", "attr_splat_expr_term"):
            base_node, splat = kids(node)
            accessors = kids(splat)
            if len(accessors) != 1 or accessors[0].data != "get_attr":
                return False
            if name_of(kids(accessors[0])[0]) not in IDENTITY_ATTRIBUTES:
                return False
            try:
                base = self.ev_raw(base_node, scope)
            except (EvalError, _Unsupported):
                return False
            conf = getattr(base, "conf", None)
            return isinstance(base, Proxy) and conf is not None and conf.mode == "managed"
        return False

    @staticmethod
    def _variable_type(base_node: Tree, attr: str, scope: Scope) -> tuple | None:
        """The declared type of ``var.<attr>`` when ``base_node`` is ``var`` (None otherwise, or when
        the variable is not declared)."""
        base_node = _unwrap_node(base_node)
        if base_node.data != "identifier" or name_of(base_node) != "var" or "var" in scope.names:
            return None
        config = getattr(getattr(scope.ctx, "config", None), "variables", None)
        conf = config.get(attr) if config else None
        if conf is None or conf.type_desc is None:
            return None
        return conf.type_desc

    def _can(self, arg_nodes: list[Tree], scope: Scope) -> Any:
        if len(arg_nodes) != 1:
            raise EvalError("can() takes one argument")
        try:
            value = self.ev(arg_nodes[0], scope)
        except EvalError:
            return False
        return UNKNOWN if value is UNKNOWN else True

    # --- operators ------------------------------------------------------------------
    def _e_conditional(self, node: Tree, scope: Scope) -> Any:
        cond_node, then_node, else_node = kids(node)
        cond = self.ev(cond_node, scope)
        if cond is UNKNOWN:
            # never guess: neither the value nor the references of a branch apply
            return UNKNOWN
        return self.ev(then_node if to_bool(cond) else else_node, scope)

    def _e_unary_op(self, node: Tree, scope: Scope) -> Any:
        op = str(node.children[0])
        value = self.ev(kids(node)[0], scope)
        if value is UNKNOWN:
            return UNKNOWN
        if op == "-":
            return -to_number(value)
        if op == "!":
            return not to_bool(value)
        raise _Unsupported(op)

    def _e_binary_op(self, node: Tree, scope: Scope) -> Any:
        lhs_node, term = kids(node)
        op_node, rhs_node = kids(term)
        op = name_of(op_node).strip()  # "\n    ||": an operator that starts a line inside parentheses
        lhs_raw = self.ev_raw(lhs_node, scope)
        lhs = lhs_raw.value() if isinstance(lhs_raw, Proxy) else lhs_raw
        if op in ("&&", "||"):
            if lhs is not UNKNOWN:
                left = to_bool(lhs)
                if op == "&&" and not left:
                    return False
                if op == "||" and left:
                    return True
            rhs = self.ev(rhs_node, scope)
            if rhs is UNKNOWN:
                return UNKNOWN
            right = to_bool(rhs)
            if lhs is UNKNOWN:
                # unknown && false is false, unknown || true is true
                if (op == "&&" and not right) or (op == "||" and right):
                    return right
                return UNKNOWN
            return right
        if op in ("==", "!="):
            rhs_raw = self.ev_raw(rhs_node, scope)
            rhs = rhs_raw.value() if isinstance(rhs_raw, Proxy) else rhs_raw
            if lhs is None or rhs is None:
                # comparing with null depends only on nullness: a known object with unknown parts,
                # or an unknown refined as not null (a template's result), is known not to be null
                other, other_raw = (rhs, rhs_raw) if lhs is None else (lhs, lhs_raw)
                if other is UNKNOWN and not isinstance(other_raw, NotNullUnknown):
                    return UNKNOWN
                result = other is None
                return result if op == "==" else not result
            if has_unknown(lhs) or has_unknown(rhs):
                return UNKNOWN
            result = equal(lhs, rhs)
            return result if op == "==" else not result
        rhs = self.ev(rhs_node, scope)
        if lhs is UNKNOWN or rhs is UNKNOWN:
            return UNKNOWN
        a, b = to_number(lhs), to_number(rhs)
        if op in _COMPARE:
            return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
        if op == "+":
            return arith_result(a + b)
        if op == "-":
            return arith_result(a - b)
        if op == "*":
            return arith_result(a * b)
        if op == "/":
            if b == 0:
                raise EvalError("division by zero")
            return arith_result(a / b)
        if op == "%":
            if b == 0:
                raise EvalError("modulo by zero")
            return norm_number(math.fmod(a, b))
        raise _Unsupported(op)

    # --- for expressions ------------------------------------------------------------
    def _for_parts(self, node: Tree):
        parts = kids(node)
        intro = parts[0]
        intro_kids = kids(intro)
        names = [name_of(k) for k in intro_kids[:-1]]
        coll_node = intro_kids[-1]
        cond = next((k for k in parts[1:] if k.data == "for_cond"), None)
        body = [k for k in parts[1:] if k.data != "for_cond"]
        key_name, value_name = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        return key_name, value_name, coll_node, body, (kids(cond)[0] if cond is not None else None)

    def _for_items(self, node: Tree, scope: Scope):
        key_name, value_name, coll_node, body, cond = self._for_parts(node)
        collecting = bool(self._refs)
        if collecting:
            with self.collecting() as coll_refs:
                coll = self.ev(coll_node, scope)
            self.extend(coll_refs)
        else:
            coll, coll_refs = self.ev(coll_node, scope), []
        if coll is UNKNOWN:
            return UNKNOWN, body
        if coll is None:
            raise EvalError("cannot iterate over null")
        items = []
        unknown = False
        not_null: dict | None = None
        whole = tuple(coll_refs)
        for k, v in iter_collection(coll):
            self._for_budget -= 1
            if self._for_budget < 0:
                raise _TooMuchWork()
            # the element carries the references it came from (its own, when the collection knows them)
            bound = v
            if collecting:
                own = coll.key_refs.get(k) if isinstance(coll, RefMap) else None
                bound = RefValue(v, whole if own is None else own, self)
            names = {value_name: bound}
            if key_name:
                names[key_name] = k
            inner = scope.bind(names)
            if cond is not None:
                keep = self.ev(cond, inner)
                if keep is UNKNOWN and v is UNKNOWN:
                    # the element is unknown, but may be known not to be null (a template over a
                    # data source): the condition may not depend on more than that
                    if not_null is None:
                        not_null = self.elements_not_null(coll_node, scope) or {}
                    if not_null.get(k):
                        keep = self.ev(cond, scope.bind(dict(names, **{value_name: NotNullUnknown()})))
                if keep is UNKNOWN:
                    unknown = True
                    continue
                if not to_bool(keep):
                    continue
            items.append(inner)
        return (UNKNOWN if unknown else items), body

    def _e_for_tuple_expr(self, node: Tree, scope: Scope) -> Any:
        scopes, body = self._for_items(node, scope)
        if scopes is UNKNOWN:
            return UNKNOWN
        return [self.ev(body[0], s) for s in scopes]

    def _e_for_object_expr(self, node: Tree, scope: Scope) -> Any:
        scopes, body = self._for_items(node, scope)
        if scopes is UNKNOWN:
            return UNKNOWN
        grouping = any(isinstance(t, Token) and t.type == "ELLIPSIS" for t in node.children)
        out = RefMap()
        unknown = False
        for s in scopes:
            if self._refs:
                with self.collecting() as element_refs:
                    key = self.ev(body[0], s)
                    value = self.ev(body[1], s)
                self.extend(element_refs)
            else:
                key, value, element_refs = self.ev(body[0], s), self.ev(body[1], s), []
            if key is UNKNOWN:
                unknown = True
                continue
            key = key_str(key)
            if grouping:
                out.setdefault(key, []).append(value)
                out.key_refs[key] = out.key_refs.get(key, ()) + tuple(element_refs)
            elif key in out:
                raise EvalError(f"duplicate key {key!r} in for expression")
            else:
                out[key] = value
                out.key_refs[key] = tuple(element_refs)
        return UNKNOWN if unknown else out
