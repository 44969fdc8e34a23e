"""Partially known values: what is still known of an expression whose value is UNKNOWN.

:class:`PartialEvaluation` is a mixin of :class:`~.evaluator.Evaluator`; see
:meth:`PartialEvaluation.partial` and :class:`~lint_rules.model.PartialString`.
"""
from __future__ import annotations

import re
from typing import Any

from lark import Token, Tree

from ...model import IDENTITY_ATTRIBUTES, UNKNOWN, Hole, PartialString
from .policydoc import PolicyDocumentForms
from .refs import _ModuleCallRef, _ModuleInstRef, _ResourceInstRef, _ResourceRef
from .scope import NOTSET, Proxy, Scope
from .template import TemplateSyntaxError, _template_from_string_tree, heredoc_body, parse_template_text
from .tree import _unwrap_term, kids, name_of
from .values import (EvalError, _json_ready, _Unsupported, has_unknown, iter_collection, key_str, to_bool,
                     to_str)


class _JsonDoc:
    """The partial form of ``jsonencode(x)``: ``x`` as the string will decode."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value


#: attributes a bare reference to is a string (where it is not used as text, see _exact_hole)
_STRING_ATTRS = frozenset(IDENTITY_ATTRIBUTES) | {"account_id", "partition", "region"}
#: a data source's attributes that are strings naming where the configuration acts
#: (``data.aws_caller_identity.current.account_id``): a bare reference is a hole naming it
_CONTEXT_ATTRS = frozenset({"account_id", "partition", "region", "dns_suffix"})

#: The source of a hole that is the whole document a ``data "aws_iam_policy"`` reads (``policy = data.aws_iam_policy.X.policy``)
COPIED_POLICY = re.compile(r"^(?:.*\.)?data\.aws_iam_policy\.[\w-]+(?:\[[^\]]*\])?\.policy$")


def _informative(value: Any) -> bool:
    """Does a partial form say anything that UNKNOWN (or the value itself) does not?"""
    if isinstance(value, PartialString):
        if len(value.parts) == 1 and isinstance(value.parts[0], Hole) and COPIED_POLICY.match(value.parts[0].source):
            return True  # the document of a data "aws_iam_policy", as it is
        # a string without holes would have been known: something is off, say nothing
        return bool(value.holes) and any(isinstance(p, str) or p.refs for p in value.parts)
    if isinstance(value, list):
        return any(_informative(v) for v in value)
    if isinstance(value, dict):
        return any(_informative(v) for v in value.values())
    return False


def _flatten_form(form: Any) -> list | None:
    """The partial form of ``flatten(x)`` from the form of ``x``; None when an element's shape is not known."""
    if not isinstance(form, list):
        return None
    out: list = []
    for item in form:
        if isinstance(item, list):
            inner = _flatten_form(item)
            if inner is None:
                return None
            out.extend(inner)
        elif item is UNKNOWN:
            return None
        else:
            out.append(item)
    return out


def _never_empty(form: PartialString) -> bool:
    """Can this text not turn out null or "" once known?  True when it has known characters, or
    when every piece is an identity attribute (id, arn, name...) of a managed resource instance."""
    if any(isinstance(p, str) for p in form.parts):
        return True
    return bool(form.parts) and all(
        p.refs and all(ref.rpartition(".")[2] in IDENTITY_ATTRIBUTES for ref in p.refs) for p in form.parts)


class PartialEvaluation(PolicyDocumentForms):
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
            if names in (["jsonencode"], ["yamlencode"]) and len(args) == 1 and not expand:
                # yamlencode(x) decodes to the same x (an SSM Session document with document_format = "YAML")
                return _JsonDoc(self._partial(args[0], scope, in_json=True))
            if names in (["concat"], ["join"], ["format"], ["formatlist"]) and not expand:
                return self.partial_struct(node, scope, as_string=True)
            if names == ["templatefile"] and len(args) == 2 and not expand:
                return self._partial_templatefile(args, scope)
            if names in (["coalesce"], ["one"], ["element"]) and not expand:
                structured = self.partial_struct(node, scope)
                return structured if isinstance(structured, PartialString) else UNKNOWN
            if names == ["replace"] and not expand:
                # replace(data.aws_iam_policy_document.X.json, "_S3_BUCKET_ARN_", ...): the document
                # with the replacement applied (terraform-aws-modules/s3-bucket), see .policydoc
                form = self.partial_replace(args, scope)
                return _JsonDoc(form) if isinstance(form, dict) else UNKNOWN
            return UNKNOWN
        if kind == "tuple" and (top or in_json):
            return [self._partial(k, scope, in_json=in_json) for k in kids(node)]
        if kind == "for_tuple_expr" and top:
            structured = self.partial_struct(node, scope)
            if isinstance(structured, list):
                return structured
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
        if kind in ("get_attr_expr_term", "index_expr_term", "function_call", "for_object_expr"):
            structured = self.partial_struct(node, scope)
            if isinstance(structured, PartialString):
                return structured
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
            if isinstance(named, PartialString):
                return named
            structured = self.partial_struct(items[0][1], scope)
            return structured if isinstance(structured, PartialString) else UNKNOWN
        parts: list[Any] = []
        self._partial_render(items, scope, parts)
        return PartialString(tuple(parts))

    def _partial_templatefile(self, args: list, scope: Scope) -> Any:
        """``templatefile(path, { name = <expr>, ... })`` with some values unknown: the file rendered with
        each unknown value as its partial form (a reference to an ARN is a hole naming it)."""
        path = self.ev(args[0], scope)
        variables = self.ev(args[1], scope)
        if has_unknown(path) or not isinstance(variables, dict):
            return UNKNOWN
        partials: dict[str, Any] = {}
        node = _unwrap_term(args[1])
        if node.data == "object":
            for elem in kids(node):
                key = self.object_key(kids(elem)[0], scope)
                if not isinstance(key, str):
                    return UNKNOWN
                if has_unknown(variables.get(key)):
                    form = self._partial(kids(elem)[-1], scope, top=True)
                    if isinstance(form, PartialString):
                        partials[key] = form
        template = self.template_file(to_str(path))
        if len(template) == 1 and template[0][0] == "interp":
            return UNKNOWN  # "${x}" alone is x itself, not a text
        parts: list[Any] = []
        self._partial_render(template, Scope(None, dict(variables), partials=partials or None), parts)
        return PartialString(tuple(parts))

    def partial_template_file(self, raw: Any) -> Any:
        """``data.template_file.X.rendered`` (the legacy template provider) with some ``vars`` known only
        after apply: the template rendered with each unknown variable as its partial form, as
        :meth:`_partial_templatefile` renders ``templatefile()``.  The provider renders each variable as
        a string, so a known one is its string and a known non-primitive (an error) leaves the whole
        unknown; so does a template text not known.  UNKNOWN when ``raw`` is not such a data source."""
        conf = getattr(raw, "conf", None)
        if conf is None or conf.mode != "data" or conf.type != "template_file" or not raw.data_address():
            return UNKNOWN
        inst, key = raw.inst, getattr(raw, "key", None)
        scope = inst.resource_scope(conf, key)
        attrs = conf.body.attrs
        text = self.ev(attrs["template"].expr, scope) if "template" in attrs else ""
        variables = self.ev(attrs["vars"].expr, scope) if "vars" in attrs else {}
        if not isinstance(text, str) or not isinstance(variables, dict):
            return UNKNOWN
        names: dict[str, Any] = {}
        for var, value in variables.items():
            if value is None or isinstance(value, (dict, list)):
                return UNKNOWN  # null or not a primitive: the provider refuses it
            names[var] = value if value is UNKNOWN else to_str(value)
        partials: dict[str, Any] = {}
        forms = self.partial_struct(attrs["vars"].expr, scope) if "vars" in attrs else {}
        for var, value in names.items():
            form = forms.get(var) if isinstance(forms, dict) else None
            if value is UNKNOWN and isinstance(form, PartialString):
                partials[var] = form
        template = parse_template_text(text, self.parse_expr)
        if len(template) == 1 and template[0][0] == "interp":
            return UNKNOWN  # "${x}" alone is x itself, not a text
        parts: list[Any] = []
        self._partial_render(template, Scope(None, names, partials=partials or None), parts)
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
                    if not isinstance(piece, PartialString):
                        piece = self.partial_struct(item[1], scope, as_string=True)
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
        """``<managed resource instance>.<attr>`` -> PartialString((Hole((address.attr,)),));
        ``<data source instance>.<attr>`` -> PartialString((Hole(source="address.attr"),)).

        A bare reference is taken as a string only for identity attributes (id, arn, name,
        bucket...) of a managed resource and for the account id / partition / region of a data
        source; inside a template (``any_attr``) every piece is a string anyway.
        """
        node = _unwrap_term(node)
        if node.data != "get_attr_expr_term":
            return None
        base_node, accessor = kids(node)
        if accessor.data != "get_attr":
            return None
        attr = name_of(kids(accessor)[0])
        if not any_attr and attr not in IDENTITY_ATTRIBUTES and attr not in _CONTEXT_ATTRS:
            return self._copied_policy(base_node, scope) if attr == "policy" else None
        base = self._instance_proxy(base_node, scope)
        address = base.exact_address() if isinstance(base, Proxy) and (
            any_attr or attr in IDENTITY_ATTRIBUTES) else None
        if address:
            return PartialString((Hole((f"{address}.{attr}",)),))
        data = base.data_address() if isinstance(base, Proxy) and (any_attr or attr in _CONTEXT_ATTRS) else None
        if data:
            return PartialString((Hole(source=f"{data}.{attr}"),))
        return None

    def _copied_policy(self, base_node: Tree, scope: Scope) -> PartialString | None:
        """``data.aws_iam_policy.X.policy`` as it is -- a copy of an existing policy's document
        (terraform-aws-modules/lambda copies AWS-managed ones) -> a hole naming that data source's
        ``policy``, so the rules can read the policy it names (:data:`COPIED_POLICY`)."""
        base = self._instance_proxy(base_node, scope)
        conf = getattr(base, "conf", None)
        data = base.data_address() if isinstance(base, Proxy) else None
        if data and conf is not None and conf.type == "aws_iam_policy":
            return PartialString((Hole(source=f"{data}.policy"),))
        return None

    def _instance_proxy(self, node: Tree, scope: Scope, depth: int = 0) -> Any:
        """What ``node`` refers to, as :meth:`ev_raw` gives it -- and, for a module output whose value
        is a bare reference to one resource or data source instance (``output "this_bucket" { value =
        aws_s3_bucket.content }``, read as ``module.logs[0].this_bucket.arn``), that instance's proxy,
        so the attribute read through the output is a hole naming it.  None when neither."""
        each_instance = self._each_instance(node, scope)
        if each_instance is not None:
            return each_instance
        try:
            raw = self.ev_raw(node, scope)
        except (EvalError, _Unsupported):
            return None
        if isinstance(raw, Proxy) and (raw.exact_address() or raw.data_address()):
            return raw
        if depth > 8:
            return raw
        node = _unwrap_term(node)
        if node.data != "get_attr_expr_term":
            return raw
        base_node, accessor = kids(node)
        if accessor.data != "get_attr":
            return raw
        try:
            owner = self.ev_raw(base_node, scope)
        except (EvalError, _Unsupported):
            return raw
        child = None
        if isinstance(owner, _ModuleInstRef):
            child = owner.child
        elif isinstance(owner, _ModuleCallRef):
            exp, children = owner._exp()
            if exp is not None and exp.kind == "single":
                child = children.get(None)
        block = child.config.outputs.get(name_of(kids(accessor)[0])) if child is not None else None
        value_attr = block.body.attrs.get("value") if block is not None else None
        if value_attr is None:
            return raw
        found = self._instance_proxy(value_attr.expr, child.scope, depth + 1)
        return found if isinstance(found, Proxy) and (found.exact_address() or found.data_address()) else raw

    def _each_instance(self, node: Tree, scope: Scope) -> Any:
        """``each.value`` in a block whose ``for_each`` is a resource with ``for_each`` (``for_each =
        aws_iam_policy.p``): the instance of that key (``aws_iam_policy.p["a"]``); None otherwise."""
        node = _unwrap_term(node)
        if node.data != "get_attr_expr_term" or scope.each_source is None or scope.each in (NOTSET, UNKNOWN):
            return None
        base_node, accessor = kids(node)
        base_node = _unwrap_term(base_node)
        if accessor.data != "get_attr" or base_node.data != "identifier" or name_of(base_node) != "each" \
                or "each" in scope.names or name_of(kids(accessor)[0]) != "value":
            return None
        expr, source_scope = scope.each_source
        try:
            with self.collecting():
                coll = self.ev_raw(expr, source_scope)
        except (EvalError, _Unsupported):
            return None
        conf = getattr(coll, "conf", None)
        if not isinstance(coll, _ResourceRef) or conf is None or coll.inst.expand_resource(conf).kind != "each":
            return None
        return _ResourceInstRef(coll.inst, conf, scope.each[0])

    # --- structured partial forms ---------------------------------------------------------
    _STRUCT_DEPTH = 40

    def partial_struct(self, node: Tree, scope: Scope, as_string: bool = False, depth: int = 0) -> Any:
        """The value of ``node`` with what is known of its unknown strings: a string template with
        unknown pieces is a :class:`PartialString`, an object/tuple/for expression a dict/list of
        such forms, a traversal picks from the form of what it traverses (``local.names["logs"]``,
        ``each.value.name``, ``var.buckets`` through the module call's argument...), and a bare
        reference to an attribute of one resource or data source instance is a single
        :class:`Hole` naming it (``as_string`` only: where the piece is used as text).  UNKNOWN
        where nothing is known.  Never raises; records no references."""
        if depth > self._STRUCT_DEPTH:
            return UNKNOWN
        try:
            with self.collecting():
                return self._struct(node, scope, as_string, depth)
        except (EvalError, _Unsupported, TemplateSyntaxError, RecursionError):
            return UNKNOWN
        except Exception as exc:  # noqa: BLE001 - only a refinement: never end the run
            if self._fatal and isinstance(exc, self._fatal):
                raise
            return UNKNOWN

    def _struct(self, node: Tree, scope: Scope, as_string: bool, depth: int) -> Any:
        node = _unwrap_term(node)
        kind = node.data
        if kind == "identifier" and scope.partials and name_of(node) in scope.partials:
            return scope.partials[name_of(node)]
        value = self.ev(node, scope)
        if not has_unknown(value):
            return value
        sub = depth + 1
        if kind in ("string", "heredoc_template", "heredoc_template_trim"):
            items = self._template_of(node)
            if len(items) == 1 and items[0][0] == "interp":
                return self.partial_struct(items[0][1], scope, as_string, sub)
            parts: list[Any] = []
            self._partial_render(items, scope, parts)
            return PartialString(tuple(parts))
        if kind == "object":
            out: dict = {}
            for elem in kids(node):
                key = self.object_key(kids(elem)[0], scope)
                if key is UNKNOWN:
                    return UNKNOWN
                out[key] = self.partial_struct(kids(elem)[-1], scope, False, sub)
            return out
        if kind == "tuple":
            return [self.partial_struct(k, scope, False, sub) for k in kids(node)]
        if kind == "conditional":
            cond_node, then_node, else_node = kids(node)
            cond = self.ev(cond_node, scope)
            if cond is UNKNOWN:
                return UNKNOWN
            return self.partial_struct(then_node if to_bool(cond) else else_node, scope, as_string, sub)
        if kind == "for_object_expr":
            return self._struct_for_object(node, scope, sub)
        if kind == "for_tuple_expr":
            return self._struct_for_tuple(node, scope, value, sub)
        if kind == "function_call":
            names = [name_of(k) for k in kids(node) if k.data == "identifier"]
            arg_tree = next((k for k in kids(node) if k.data == "arguments"), None)
            args = kids(arg_tree) if arg_tree is not None else []
            if names == ["merge"] and not any(isinstance(t, Token) and t.type == "ELLIPSIS"
                                              for t in (arg_tree.children if arg_tree is not None else ())):
                merged: dict = {}
                for arg in args:
                    form = self.partial_struct(arg, scope, False, sub)
                    if form is None:
                        continue
                    if not isinstance(form, dict):
                        return UNKNOWN
                    merged.update(form)
                return merged
            expand = any(isinstance(t, Token) and t.type == "ELLIPSIS"
                         for t in (arg_tree.children if arg_tree is not None else ()))
            if names == ["concat"] and not expand:
                # concat(["${local.arn}/AWSLogs/..."], cond ? [...] : []): the lists' forms, end to end
                joined: list = []
                for arg in args:
                    form = self.partial_struct(arg, scope, False, sub)
                    if not isinstance(form, list):
                        return UNKNOWN
                    joined.extend(form)
                return joined
            if names == ["join"] and len(args) == 2 and not expand:
                # join("/", [local.bucket_arn, "prefix"]): the elements' forms with the separator
                sep = self.ev(args[0], scope)
                listed = _unwrap_term(args[1])
                items = ([self.partial_struct(k, scope, True, sub) for k in kids(listed)] if listed.data == "tuple"
                         else self.partial_struct(args[1], scope, False, sub))
                if not isinstance(sep, str) or not isinstance(items, list):
                    return UNKNOWN
                parts: list[Any] = []
                for i, item in enumerate(items):
                    if i:
                        parts.append(sep)
                    if isinstance(item, PartialString):
                        parts.extend(item.parts)
                    elif isinstance(item, (str, int, float)) and not isinstance(item, bool):
                        parts.append(to_str(item))
                    else:
                        parts.append(Hole())
                return PartialString(tuple(parts))
            if names in (["format"], ["formatlist"]) and args and not expand:
                return self._struct_format(names[0], args, scope, sub)
            if names == ["coalesce"] and args and not expand:
                return self._struct_coalesce(args, scope, as_string, sub)
            if names == ["one"] and len(args) == 1 and not expand:
                # one(aws_iam_policy.this[*].arn) of a counted resource: its one element's form
                form = self.partial_struct(args[0], scope, as_string, sub)
                return form[0] if isinstance(form, list) and len(form) == 1 else value
            if names == ["element"] and len(args) == 2 and not expand:
                # element(var.role_policy_arns, count.index): the form of the element picked
                form = self.partial_struct(args[0], scope, as_string, sub)
                index = self.ev(args[1], scope)
                if isinstance(form, list) and form and isinstance(index, int) and not isinstance(index, bool) \
                        and index >= 0:
                    return form[index % len(form)]
                return value
            if names == ["flatten"] and len(args) == 1 and not expand and isinstance(value, list):
                # flatten([aws_iam_policy.app.arn, var.extra_arns]): the elements' forms, end to end
                flat = _flatten_form(self.partial_struct(args[0], scope, False, sub))
                return flat if flat is not None and len(flat) == len(value) else value
            if names == ["try"] and args and not expand:
                # try(aws_s3_bucket.this[0].id, null) with the first argument unknown and no error: once
                # known, a reference to an attribute cannot fail, so the value is the attribute's
                form = self.partial_struct(args[0], scope, True, sub)
                if isinstance(form, PartialString) and len(form.parts) == 1 and isinstance(form.parts[0], Hole) \
                        and form.parts[0].determinate and (as_string or all(
                            ref.rpartition(".")[2] in _STRING_ATTRS
                            for ref in form.parts[0].refs + ((form.parts[0].source,) if form.parts[0].source else ()))):
                    return form
            return value
        if kind in ("get_attr_expr_term", "index_expr_term"):
            return self._struct_traversal(node, scope, value, as_string, sub)
        if kind in ("full_splat_expr_term", "attr_splat_expr_term"):
            return self._struct_splat(node, scope, value, as_string)
        return value

    def _struct_splat(self, node: Tree, scope: Scope, value: Any, as_string: bool) -> Any:
        """``aws_cloudwatch_log_group.this[*].arn`` of a counted resource: one hole per instance, naming
        it (``aws_cloudwatch_log_group.this[0].arn``); ``value`` when not that form."""
        base_node, splat = kids(node)
        accessors = kids(splat)
        if len(accessors) != 1 or accessors[0].data != "get_attr" or not isinstance(value, list):
            return value
        attr = name_of(kids(accessors[0])[0])
        if not as_string and attr not in IDENTITY_ATTRIBUTES:
            return value
        base = self.ev_raw(base_node, scope)
        items = base.splat_items() if isinstance(base, Proxy) else None
        if items is None or len(items) != len(value):
            return value
        out: list[Any] = []
        for item, known in zip(items, value):
            address = item.exact_address() if isinstance(item, Proxy) else None
            if not has_unknown(known):
                out.append(known)
            elif address and known is UNKNOWN:
                out.append(PartialString((Hole((f"{address}.{attr}",)),)))
            else:
                out.append(known)
        return out

    def _struct_coalesce(self, args: list, scope: Scope, as_string: bool, depth: int) -> Any:
        """``coalesce(var.bucket_name, aws_s3_bucket.this.id)``: the form of the argument terraform will
        pick -- the first that is not null and not "".  An argument known to be null or "" is passed
        over; an unknown one is picked only when it cannot turn out null or empty once known (a
        reference to an identity attribute of a managed resource instance, or a text with known
        characters).  UNKNOWN when the pick is not certain (as terraform: unknown until apply)."""
        for arg in args:
            value = self.ev(arg, scope)
            if value is None or (isinstance(value, str) and value == ""):
                continue
            if not has_unknown(value):
                return value
            if value is not UNKNOWN:  # a list or object holding unknowns: it is the pick
                return self.partial_struct(arg, scope, as_string, depth)
            form = self.partial_struct(arg, scope, True, depth)
            if isinstance(form, PartialString) and _never_empty(form):
                return form
            return UNKNOWN
        return UNKNOWN

    def _struct_format(self, name: str, args: list, scope: Scope, depth: int) -> Any:
        """``format("arn:%s:iam::aws:policy/X", data.aws_partition.current.partition)`` -> a
        :class:`PartialString` (``formatlist``: a list of them, one per element of its list
        arguments).  Only a known format of ``%s`` / ``%v`` / ``%%`` verbs (``%v`` of a string is the
        string, as ``%s``; of anything else an unknown piece); UNKNOWN otherwise."""
        fmt = self.ev(args[0], scope)
        if not isinstance(fmt, str):
            return UNKNOWN
        pieces = re.split(r"(%[^%a-zA-Z]*[a-zA-Z%])", fmt)
        verbs = [p for p in pieces[1::2] if p != "%%"]
        if any(v not in ("%s", "%v") for v in verbs) or len(verbs) != len(args) - 1:
            return UNKNOWN
        forms = [self.partial_struct(a, scope, name == "format", depth) for a in args[1:]]

        def render(values: list) -> PartialString:
            parts: list[Any] = []
            it = iter(values)
            for i, piece in enumerate(pieces):
                if i % 2 == 0:
                    if piece:
                        parts.append(piece)
                elif piece == "%%":
                    parts.append("%")
                else:
                    item = next(it)
                    if isinstance(item, PartialString):
                        parts.extend(item.parts)
                    elif isinstance(item, Hole):
                        parts.append(item)
                    elif isinstance(item, (str, int, float)) and not isinstance(item, bool):
                        parts.append(to_str(item))
                    else:
                        parts.append(Hole())
            return PartialString(tuple(parts))

        if name == "format":
            return render(forms)
        lengths = {len(f) for f in forms if isinstance(f, list)}
        if len(lengths) != 1 or any(isinstance(f, dict) or f is UNKNOWN for f in forms):
            return UNKNOWN
        n = lengths.pop()
        return [render([f[i] if isinstance(f, list) else f for f in forms]) for i in range(n)]

    def _struct_for_tuple(self, node: Tree, scope: Scope, value: Any, depth: int) -> Any:
        """``[for g in aws_cloudwatch_log_group.flow : "arn:...:log-group:${g.name}:*"]`` over a counted
        resource: each element's form with ``g`` the instance, so ``g.name`` is a hole naming
        ``aws_cloudwatch_log_group.flow[0].name`` (terraform-aws-modules/vpc's flow log policy).
        ``value`` for any other collection."""
        key_name, value_name, coll_node, body, cond = self._for_parts(node)
        if any(isinstance(t, Token) and t.type == "ELLIPSIS" for t in node.children) or len(body) != 1:
            return value
        coll = self.ev(coll_node, scope)
        try:
            raw = self.ev_raw(coll_node, scope)
        except (EvalError, _Unsupported):
            return value
        items = raw.splat_items() if isinstance(raw, Proxy) else None
        if items is None or not isinstance(coll, list) or len(items) != len(coll):
            return value
        out: list[Any] = []
        for i, item in enumerate(items):
            names = {value_name: item}
            if key_name:
                names[key_name] = i
            inner = scope.bind(names)
            if cond is not None:
                keep = self.ev(cond, inner)
                if keep is UNKNOWN:
                    return value
                if not to_bool(keep):
                    continue
            out.append(self.partial_struct(body[0], inner, False, depth))
        return out

    def _struct_for_object(self, node: Tree, scope: Scope, depth: int) -> Any:
        key_name, value_name, coll_node, body, cond = self._for_parts(node)
        if any(isinstance(t, Token) and t.type == "ELLIPSIS" for t in node.children):
            return UNKNOWN
        coll = self.ev(coll_node, scope)
        if coll is UNKNOWN or coll is None:
            return UNKNOWN
        coll_form = self.partial_struct(coll_node, scope, False, depth) if has_unknown(coll) else coll
        out: dict = {}
        for k, v in iter_collection(coll):
            names = {value_name: v}
            if key_name:
                names[key_name] = k
            element = UNKNOWN
            if isinstance(coll_form, dict):
                element = coll_form.get(k, UNKNOWN)
            elif isinstance(coll_form, list) and isinstance(k, int) and k < len(coll_form):
                element = coll_form[k]
            inner = scope.bind(names, {value_name: element} if has_unknown(v) else None)
            if cond is not None:
                keep = self.ev(cond, inner)
                if keep is UNKNOWN:
                    return UNKNOWN
                if not to_bool(keep):
                    continue
            key = self.ev(body[0], inner)
            if key is UNKNOWN:
                return UNKNOWN
            out[key_str(key)] = self.partial_struct(body[1], inner, False, depth)
        return out

    def _struct_traversal(self, node: Tree, scope: Scope, value: Any, as_string: bool, depth: int) -> Any:
        base_node, accessor = kids(node)
        base_unwrapped = _unwrap_term(base_node)
        kind, key = self.accessor_key(accessor, scope)
        if key is UNKNOWN:
            return UNKNOWN
        base: Any = UNKNOWN
        if base_unwrapped.data == "identifier" and kind == "attr":
            ns = name_of(base_unwrapped)
            if ns not in scope.names:
                if ns == "local":
                    hook = getattr(scope.ctx, "partial_struct_local", None)
                    return hook(key, as_string) if hook is not None else UNKNOWN
                if ns == "var":
                    hook = getattr(scope.ctx, "partial_struct_var", None)
                    return hook(key, as_string) if hook is not None else UNKNOWN
                if ns == "each" and key == "value" and scope.each_source is not None \
                        and scope.each not in (NOTSET, UNKNOWN):
                    expr, source_scope = scope.each_source
                    collection = self.partial_struct(expr, source_scope, False, depth)
                    if isinstance(collection, dict):
                        return collection.get(scope.each[0], UNKNOWN)
                    return UNKNOWN
        if base_unwrapped.data in ("get_attr_expr_term", "index_expr_term", "identifier") and kind == "attr":
            if key == "rendered":  # data "template_file": its text with the unknown variables' forms
                form = self.partial_template_file(self._instance_proxy(base_node, scope))
                if isinstance(form, PartialString):
                    return form
            # <resource or data source instance>.<attribute>: a hole that says which (where it is used
            # as text; else only an identity attribute of a managed resource, or the account, region
            # or partition a data source reads, which are strings wherever they go -- as _exact_hole)
            raw = self._instance_proxy(base_node, scope)
            if isinstance(raw, Proxy):
                address = raw.exact_address() if as_string or key in IDENTITY_ATTRIBUTES else None
                if address:
                    return PartialString((Hole((f"{address}.{key}",)),))
                data = raw.data_address() if as_string or key in _CONTEXT_ATTRS else None
                if data:
                    return PartialString((Hole(source=f"{data}.{key}"),))
        base = self.partial_struct(base_node, scope, False, depth)
        if isinstance(base, dict):
            name = key if kind == "attr" else key_str(key)
            return base.get(name, UNKNOWN)
        if isinstance(base, list) and kind == "index":
            try:
                i = int(key)
            except (TypeError, ValueError):
                return UNKNOWN
            return base[i] if 0 <= i < len(base) else UNKNOWN
        return UNKNOWN

    # --- "not null" refinements -------------------------------------------------------
    _NOT_NULL_FUNCTIONS = frozenset({"jsonencode", "format", "formatlist", "join", "lower", "upper", "replace",
                                     "trimspace", "trimprefix", "trimsuffix", "substr", "concat", "merge",
                                     "flatten", "keys", "values", "length", "split", "tolist", "toset",
                                     "tomap", "base64encode", "md5", "sha1", "sha256"})

    def not_null(self, node: Tree, scope: Scope, depth: int = 0) -> bool:
        """Is the value of ``node`` known not to be null, even where it is unknown?  (A template with
        literal text, an object or tuple literal, a string function... as cty refines them.)"""
        if depth > 20:
            return False
        node = _unwrap_term(node)
        kind = node.data
        if kind in ("tuple", "object", "for_tuple_expr", "for_object_expr", "int_lit", "float_lit"):
            return True
        if kind in ("string", "heredoc_template", "heredoc_template_trim"):
            try:
                items = self._template_of(node)
            except Exception:  # noqa: BLE001 - a template that does not parse says nothing
                return False
            if len(items) == 1 and items[0][0] == "interp":  # "${x}" alone is x itself
                return self.not_null(items[0][1], scope, depth + 1)
            return True
        if kind == "conditional":
            cond_node, then_node, else_node = kids(node)
            try:
                cond = self.ev(cond_node, scope)
            except (EvalError, _Unsupported):
                return False
            if cond is UNKNOWN:
                return self.not_null(then_node, scope, depth + 1) and self.not_null(else_node, scope, depth + 1)
            return self.not_null(then_node if to_bool(cond) else else_node, scope, depth + 1)
        if kind == "function_call":
            names = [name_of(k) for k in kids(node) if k.data == "identifier"]
            if len(names) == 1 and names[0] in self._NOT_NULL_FUNCTIONS:
                return True
        named = self._named_expression(node, scope)
        if named is not None:
            return self.not_null(named[0], named[1], depth + 1)
        try:
            with self.collecting():
                value = self.ev(node, scope)
        except (EvalError, _Unsupported, TemplateSyntaxError):
            return False
        return value is not UNKNOWN and value is not None

    def elements_not_null(self, node: Tree, scope: Scope, depth: int = 0) -> dict | None:
        """For a collection expression: {key: element known not to be null}; None when not known."""
        if depth > 20:
            return None
        node = _unwrap_term(node)
        if node.data == "object":
            out = {}
            for elem in kids(node):
                try:
                    key = self.object_key(kids(elem)[0], scope)
                except (EvalError, _Unsupported):
                    return None
                if key is UNKNOWN:
                    return None
                out[key] = self.not_null(kids(elem)[-1], scope, depth + 1)
            return out
        if node.data == "tuple":
            return {i: self.not_null(k, scope, depth + 1) for i, k in enumerate(kids(node))}
        named = self._named_expression(node, scope)
        if named is not None:
            return self.elements_not_null(named[0], named[1], depth + 1)
        return None

    def _named_expression(self, node: Tree, scope: Scope):
        """``local.X`` -> (the local's expression, its scope) from the context, else None."""
        if node.data != "get_attr_expr_term":
            return None
        base_node, accessor = kids(node)
        base_node = _unwrap_term(base_node)
        if accessor.data != "get_attr" or base_node.data != "identifier" or name_of(base_node) != "local" \
                or "local" in scope.names:
            return None
        hook = getattr(scope.ctx, "local_expression", None)
        return hook(name_of(kids(accessor)[0])) if hook is not None else None

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
