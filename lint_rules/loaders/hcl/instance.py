"""Module instances: the evaluation context of one instance of a module (the root, or
``module.a["x"].module.b``): its variables, locals, outputs, count/for_each expansions, the
arguments of its resources and its child module calls."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Iterator

from lark import Tree

from ...errors import InputError
from ...model import UNKNOWN, PartialString
from .config import (META_ATTRS, META_BLOCKS, MODULE_META, Attr, Block, Body, ModuleConfig, ResourceConf, VarConf,
                     _block_key)
from .expand import Expansion, _dedup, _key_suffix
from .jsonholes import decode_partial_json
from .provider_data import TYPES as PROVIDER_DATA_TYPES, data_attr, template_file_attr
from .providers import providers_map
from .refs import (_DataNS, _LocalNS, _ModuleNS, _PathNS, _ResourceRef, _ResourceTypeNS, _TerraformNS, _UnknownNS,
                   _VarNS)
from .schema import ConversionError, attribute_type, convert_value, nested_schema
from .scope import NOTSET, DynamicIterator, Scope
from .sources import resolve
from .tree import _unwrap, name_of
from .types import _type_desc
from .values import EvalError, RefMap, _as_set, describe_value, has_unknown, iter_collection, to_number

if TYPE_CHECKING:  # pragma: no cover
    from .loader import _Loader

MAX_MODULE_DEPTH = 32


class ModuleInstance:
    """One instance of a module (the root, or module.a["x"].module.b): the evaluation context."""

    def __init__(self, loader: "_Loader", config: ModuleConfig, path: str,
                 parent: "ModuleInstance | None" = None, call: Block | None = None,
                 call_scope: Scope | None = None):
        self.loader = loader
        self.config = config
        self.path = path
        self.prefix = f"{path}." if path else ""
        self.parent = parent
        self.call = call
        self.call_scope = call_scope
        self.depth = 0 if parent is None else parent.depth + 1
        # the module call path without instance keys, as modules.json keys it ("a.b"; "" at the root)
        self.module_key = "" if parent is None or call is None else (
            f"{parent.module_key}.{call.labels[0]}" if parent.module_key else call.labels[0])
        # why this instance (and so everything in it) may not exist; None when it will
        self.maybe_absent: str | None = parent.maybe_absent if parent is not None else None
        rel = os.path.relpath(config.display_dir, loader.root.display_dir) if parent else "."
        self.path_module = rel.replace(os.sep, "/")
        self.scope = Scope(self)
        self._vars: dict[str, tuple[Any, tuple]] = {}
        self._locals: dict[str, tuple[Any, tuple]] = {}
        self._outputs: dict[str, tuple[Any, tuple]] = {}
        self._active: set = set()
        self._expansions: dict[int, Expansion] = {}
        self._resource_attrs: dict[tuple, Any] = {}
        self._children: dict[str, tuple[Expansion | None, dict]] = {}
        self._partial_locals: dict[str, Any] = {}
        self._partial_vars: dict[str, Any] = {}
        self._partial_structs: dict[tuple, Any] = {}

    # --- name resolution (called by the evaluator) -------------------------------------
    def root(self, name: str, scope: Scope) -> Any:
        if name == "var":
            return _VarNS(self)
        if name == "local":
            return _LocalNS(self)
        if name == "module":
            return _ModuleNS(self)
        if name == "data":
            return _DataNS(self)
        if name == "path":
            return _PathNS(self)
        if name == "terraform":
            return _TerraformNS(self.loader.root_dir)
        if name == "self":
            return _UnknownNS()
        return _ResourceTypeNS(self, "managed", name)

    # --- cached, cycle-safe evaluation of named values ----------------------------------
    def _cached(self, cache: dict, kind: str, name: str, compute) -> Any:
        ev = self.loader.ev
        hit = cache.get(name)
        if hit is None:
            key = (kind, name)
            if key in self._active:
                where = self._where(kind, name)
                self.loader.note(f"{where}{self.prefix}{kind}.{name}: refers to itself (cycle); "
                                 "treated as unknown")
                return UNKNOWN
            self._active.add(key)
            try:
                with ev.collecting() as bucket:
                    value = compute()
            finally:
                self._active.discard(key)
            hit = (value, _dedup(bucket))
            cache[name] = hit
        ev.extend(hit[1])
        return hit[0]

    def _where(self, kind: str, name: str) -> str:
        if kind == "local" and name in self.config.locals:
            return self.config.locals[name].where + ": "
        if kind == "output" and name in self.config.outputs:
            return self.config.outputs[name].where + ": "
        if kind == "var" and name in self.config.variables:
            return self.config.variables[name].block.where + ": "
        return ""

    def var(self, name: str) -> Any:
        conf = self.config.variables.get(name)
        if conf is None:
            raise EvalError(f"no variable {name!r} declared")
        return self._cached(self._vars, "var", name, lambda: self._compute_var(conf))

    def _compute_var(self, conf: VarConf) -> Any:
        ev = self.loader.ev
        if conf.type_desc is None:
            type_attr = conf.block.body.attrs.get("type")
            conf.type_desc = _type_desc(type_attr.expr if type_attr else None)
        value: Any = NOTSET
        where = conf.block.where
        if self.parent is None:
            value = self.loader.root_values.get(conf.name, NOTSET)
            where = self.loader.root_sources.get(conf.name, where)
        elif self.call is not None and conf.name in self.call.body.attrs and conf.name not in MODULE_META:
            value = ev.evaluate(self.call.body.attrs[conf.name].expr, self.call_scope)
            where = self.call.body.attrs[conf.name].where
        default = conf.default
        if value is None and default is not None:
            nullable = conf.block.body.attrs.get("nullable")
            if nullable is not None and self.loader.const(nullable.expr) is False:
                value = NOTSET
        if value is NOTSET:
            if default is None:
                if self.parent is None:
                    self.loader.note(f"{conf.block.where}: var.{conf.name} has no default and no value "
                                     "was given; treated as unknown")
                return UNKNOWN
            value = self.loader.const(default.expr)
            where = default.where
        try:
            return self.loader.convert(value, conf.type_desc)
        except ConversionError as exc:
            from .sensitive import declared_sensitive  # a sensitive value is not echoed (lint_rules.redact)

            got = "(sensitive value)" if declared_sensitive(self.loader, conf.block) else describe_value(value)
            raise InputError(f'Invalid value for input variable "{conf.name}": {exc} (got {got})',
                             where) from None

    def local(self, name: str) -> Any:
        attr = self.config.locals.get(name)
        if attr is None:
            raise EvalError(f"no local value {name!r}")
        return self._cached(self._locals, "local", name, lambda: self.loader.ev.evaluate(attr.expr, self.scope))

    def provider_config_of(self, conf: ResourceConf):
        """The ProviderConfig managing ``conf`` in this instance (evaluated once per configuration)."""
        from .providers import own_block, provider_config, resource_provider_local
        local = resource_provider_local(conf)
        inst: ModuleInstance = self
        while inst.parent is not None and not own_block(inst, local):
            mapping = providers_map(inst.call)
            if mapping is not None and local in mapping:
                local = mapping[local]
            inst = inst.parent
        cache = self.loader.provider_configs
        key = (id(inst), local)
        if key not in cache:
            cache[key] = None  # a provider block that refers to its own data sources: unknown
            cache[key] = provider_config(inst, local, inst.config.providers.get(local))
        return cache[key]

    def partial_struct_local(self, name: str, as_string: bool = False) -> Any:
        """``local.<name>`` with what is known of its unknown strings (Evaluator.partial_struct)."""
        return self._struct_cached(("struct-local", name, as_string), lambda: self._struct_of_local(name, as_string))

    def _struct_of_local(self, name: str, as_string: bool) -> Any:
        attr = self.config.locals.get(name)
        return UNKNOWN if attr is None else self.loader.ev.partial_struct(attr.expr, self.scope, as_string)

    def partial_struct_var(self, name: str, as_string: bool = False) -> Any:
        """``var.<name>`` with what is known of its unknown strings: the structured partial form of
        the module call's argument, in the caller's scope (UNKNOWN at the root)."""
        return self._struct_cached(("struct-var", name, as_string), lambda: self._struct_of_var(name, as_string))

    def _struct_of_var(self, name: str, as_string: bool) -> Any:
        value = self.var(name) if name in self.config.variables else UNKNOWN
        if not has_unknown(value):
            return value
        if (self.parent is None or self.call is None or self.call_scope is None or name in MODULE_META
                or name not in self.call.body.attrs):
            return value
        return self.loader.ev.partial_struct(self.call.body.attrs[name].expr, self.call_scope, as_string)

    def _struct_cached(self, marker: tuple, compute) -> Any:
        cache = self._partial_structs
        if marker in cache:
            return cache[marker]
        if marker in self._active:
            return UNKNOWN
        self._active.add(marker)
        try:
            value = compute()
        finally:
            self._active.discard(marker)
        cache[marker] = value
        return value

    def local_expression(self, name: str):
        """(expression, scope) of ``local.<name>`` (for the evaluator's refinements); None if none."""
        attr = self.config.locals.get(name)
        return (attr.expr, self.scope) if attr is not None else None

    def partial_local(self, name: str) -> Any:
        """The partially known form of ``local.<name>`` (see ``Evaluator.partial``); UNKNOWN if none."""
        if name in self._partial_locals:
            return self._partial_locals[name]
        attr = self.config.locals.get(name)
        marker = ("partial-local", name)
        if attr is None or marker in self._active:
            return UNKNOWN
        self._active.add(marker)
        try:
            value = self.loader.ev.partial(attr.expr, self.scope)
        finally:
            self._active.discard(marker)
        self._partial_locals[name] = value
        return value

    def partial_var(self, name: str) -> Any:
        """The partially known form of ``var.<name>`` (see ``Evaluator.partial``): the partial
        form of the module call's argument, computed in the caller's scope; UNKNOWN if none
        (root module variables have no expression to look into)."""
        if name in self._partial_vars:
            return self._partial_vars[name]
        conf = self.config.variables.get(name)
        marker = ("partial-var", name)
        if (conf is None or self.parent is None or self.call is None or self.call_scope is None
                or name in MODULE_META or name not in self.call.body.attrs or marker in self._active):
            return UNKNOWN
        self._active.add(marker)
        try:
            value = UNKNOWN
            if has_unknown(self.var(name)):  # the converted value is what the form stands for
                form = self.loader.ev.partial(self.call.body.attrs[name].expr, self.call_scope)
                value = self._fit_partial(form, conf.type_desc or ("any",))
        finally:
            self._active.discard(marker)
        self._partial_vars[name] = value
        return value

    def _fit_partial(self, form: Any, desc: tuple) -> Any:
        """``form`` as the variable's type constraint will see it; UNKNOWN if unsure."""
        kind = desc[0]
        if form is UNKNOWN or kind == "any":
            return form
        if isinstance(form, PartialString):
            return form if kind == "string" else UNKNOWN
        if isinstance(form, list) and kind in ("list", "tuple"):
            elems = [desc[1]] * len(form) if kind == "list" else list(desc[1])
            if len(elems) < len(form) or any(e[0] not in ("string", "any") for e in elems[:len(form)]):
                return UNKNOWN
            return [v if isinstance(v, PartialString) or v is UNKNOWN else self.loader.convert(v, e)
                    for v, e in zip(form, elems)]
        return UNKNOWN

    def output(self, name: str) -> Any:
        block = self.config.outputs.get(name)
        if block is None:
            raise EvalError(f"module {self.path} has no output {name!r}")
        value_attr = block.body.attrs.get("value")
        if value_attr is None:
            return UNKNOWN
        return self._cached(self._outputs, "output", name,
                            lambda: self.loader.ev.evaluate(value_attr.expr, self.scope))

    def all_outputs(self) -> dict:
        return {name: self.output(name) for name in self.config.outputs}

    # --- count / for_each ----------------------------------------------------------------
    def expand(self, body: Body, scope: Scope, what: str, where: str) -> Expansion:
        loader = self.loader
        count, for_each = body.attrs.get("count"), body.attrs.get("for_each")
        if count is not None and for_each is not None:
            raise InputError(f"{what}: count and for_each cannot both be set", where)
        if count is None and for_each is None:
            return Expansion("single", [None])
        with loader.ev.collecting() as bucket:
            value = loader.ev.evaluate((count or for_each).expr, scope)
        refs = _dedup(bucket) if for_each is not None else ()
        if count is not None:
            if value is UNKNOWN:
                return Expansion("unknown", meta="count")
            try:
                n = to_number(value)
            except EvalError:
                n = -1
            if isinstance(n, float) or n < 0:
                loader.note(f"{where}: {what}: count is not a whole number ({value!r}); treated as unknown")
                return Expansion("unknown", meta="count")
            loader.count_instances(n, what, where)
            return Expansion("count", list(range(n)))
        if isinstance(value, dict):
            loader.count_instances(len(value), what, where)
            keys = sorted(value)
            key_refs = self._instance_refs(for_each.expr, scope, keys, refs)
            if isinstance(value, RefMap):  # each.value refers to what its own element was built from
                key_refs = {k: value.key_refs.get(k, key_refs.get(k, refs)) for k in keys}
            return Expansion("each", keys, {k: value[k] for k in keys}, refs=refs, key_refs=key_refs,
                             source=(for_each.expr, scope))
        if isinstance(value, list):
            if has_unknown(value):
                return Expansion("unknown", meta="for_each", refs=refs)
            if not all(isinstance(v, str) for v in value):
                loader.note(f"{where}: {what}: for_each needs a map or a set of strings; treated as unknown")
                return Expansion("unknown", meta="for_each", refs=refs)
            keys = _as_set(value)
            loader.count_instances(len(keys), what, where)
            return Expansion("each", keys, {k: k for k in keys}, refs=refs)
        if value is not UNKNOWN:
            loader.note(f"{where}: {what}: for_each needs a map or a set of strings; treated as unknown")
        return Expansion("unknown", meta="for_each", refs=refs)

    def _instance_refs(self, expr: Tree, scope: Scope, keys: list, refs: tuple = ()) -> dict:
        """key -> (that instance's address,) when ``for_each`` iterates one resource's instances:
        ``for_each = X``, or an expression whose only reference is X and whose keys are X's keys
        (``{ for k, v in X : k => v if ... }``), as the plan loader reads ``for_each_expression``."""
        ev = self.loader.ev
        try:
            with ev.collecting():
                raw = ev.ev_raw(expr, scope)
        except Exception:  # noqa: BLE001 - only a refinement: fall back to the key-less reference
            return {}
        if isinstance(raw, _ResourceRef) and raw.conf is not None:
            exp = raw.inst.expand_resource(raw.conf)
            if exp.kind != "each" or sorted(exp.keys) != keys:
                return {}
            base = f"{raw.inst.prefix}{raw.conf.local_address}"
            return {k: (base + _key_suffix(k),) for k in keys}
        if len(refs) != 1 or not refs[0].startswith(self.prefix):
            return {}
        local = refs[0][len(self.prefix):]
        conf = next((c for c in self.config.resources if c.local_address == local), None)
        if conf is None:
            return {}
        exp = self.expand_resource(conf)
        if exp.kind != "each" or not set(keys) <= set(exp.keys):
            return {}
        return {k: (refs[0] + _key_suffix(k),) for k in keys}

    def expand_resource(self, conf: ResourceConf) -> Expansion:
        key = id(conf)
        exp = self._expansions.get(key)
        if exp is None:
            marker = ("expand", key)
            if marker in self._active:
                return Expansion("unknown", meta="count" if "count" in conf.body.attrs else "for_each")
            self._active.add(marker)
            try:
                exp = self.expand(conf.body, self.scope, f"{self.prefix}{conf.local_address}", conf.block.where)
            finally:
                self._active.discard(marker)
            self._expansions[key] = exp
        return exp

    def resource_scope(self, conf: ResourceConf, key: Any) -> Scope:
        return self.expand_resource(conf).scope(self, key)

    def resource_attr(self, conf: ResourceConf, key: Any, name: str) -> Any:
        """The configured value of one attribute of a resource instance (UNKNOWN if computed)."""
        cache_key = (id(conf), key, name)
        if cache_key in self._resource_attrs:
            return self._resource_attrs[cache_key]
        marker = ("attr",) + cache_key
        if marker in self._active:
            return UNKNOWN
        body = conf.body
        self._active.add(marker)
        try:
            # references made by the other resource's own arguments are its business, not ours
            with self.loader.ev.collecting():
                if name in META_ATTRS:
                    value = UNKNOWN
                elif name in body.attrs:
                    attr = body.attrs[name]
                    value = self.converted(attr, self.loader.ev.evaluate(attr.expr, self.resource_scope(conf, key)),
                                           conf.schema)
                    if value is None and conf.mode == "data" and conf.type in PROVIDER_DATA_TYPES:
                        # data "aws_region" "x" { region = var.region } with a null region: an argument set
                        # to null is one not set, so the provider's region (AWS provider 6 modules' idiom)
                        value = data_attr(self, conf, name)
                elif any(_block_key(b) == name for b in body.blocks if b.type not in META_BLOCKS):
                    values = self.eval_body(body, self.resource_scope(conf, key), "", {}, True, only=name,
                                            schema=conf.schema)
                    value = values.get(name, UNKNOWN)
                elif self.loader.unconfigured_attr is not None:
                    # optional hook: what the provider would know at plan time (data sources read
                    # during planning, provider defaults); UNKNOWN when it cannot tell
                    value = self.loader.unconfigured_attr(self, conf, key, name)
                elif conf.type == "template_file":
                    value = template_file_attr(self, conf, key, name)
                else:
                    # aws_region / aws_partition / aws_caller_identity: from the provider configuration
                    value = data_attr(self, conf, name)
        finally:
            self._active.discard(marker)
        self._resource_attrs[cache_key] = value
        return value

    # --- bodies -----------------------------------------------------------------------------
    @staticmethod
    def converted(attr: Attr, value: Any, schema: dict | None) -> Any:
        """``value`` of argument ``attr`` converted to the type the provider schema gives it, as
        terraform converts it; a value terraform cannot convert is an input error."""
        ty = attribute_type(schema, attr.name)
        if ty is None:
            return value
        try:
            return convert_value(value, ty)
        except ConversionError as exc:
            from ...redact import sensitive_leaf_names  # an argument some schema marks sensitive: not echoed

            got = "(sensitive value)" if attr.name in sensitive_leaf_names() else describe_value(value)
            raise InputError(f'Inappropriate value for attribute "{attr.name}": {exc} '
                             f"(got {got})", attr.where) from None

    def eval_body(self, body: Body, scope: Scope, prefix: str, refs: dict, top: bool,
                  only: str | None = None, partial: dict | None = None, schema: dict | None = None) -> dict:
        """Values of a body's arguments and nested blocks.  ``refs`` collects each argument's
        references; ``partial`` (when given) the partially known form of each argument whose
        value is or holds UNKNOWN (``Resource.partial``); ``schema`` (the block's compact provider
        schema, see :mod:`.schema`) converts each argument to its type."""
        ev = self.loader.ev
        values: dict = {}
        for name, attr in body.attrs.items():
            if (top and name in META_ATTRS) or (only is not None and name != only):
                continue
            with ev.collecting() as bucket:
                values[name] = self.converted(attr, ev.evaluate(attr.expr, scope), schema)
            if bucket:
                refs[prefix + name] = _dedup(bucket)
            if partial is not None and has_unknown(values[name]):
                form = ev.partial(attr.expr, scope)
                if isinstance(form, PartialString) and form.prefix.lstrip().startswith("{"):
                    # JSON text with unknown pieces: its document (see .jsonholes)
                    form = decode_partial_json(form, lambda hole: ev._hole_paste_safe(hole, scope)) or form
                if form is not UNKNOWN:
                    partial[prefix + name] = form
        unknown_blocks: set[str] = set()
        for block in body.blocks:
            if top and block.type in META_BLOCKS:
                continue
            named = block.labels[0] if block.type == "dynamic" and block.labels else block.type
            if named in body.attrs and not (top and named in META_ATTRS):
                raise InputError(f'"{named}" is set both as an argument ({body.attrs[named].where}) and as a '
                                 "block; terraform accepts only one of them", block.where)
            key = _block_key(block)
            if only is not None and key != only:
                continue
            if block.type == "dynamic":
                self._dynamic(block, scope, prefix, refs, values, unknown_blocks, partial,
                              nested_schema(schema, key))
                continue
            items = values.setdefault(block.type, [])
            index = len(items)
            items.append(self.eval_body(block.body, scope, f"{prefix}{block.type}.{index}.", refs, False,
                                        partial=partial, schema=nested_schema(schema, block.type)))
        for name in unknown_blocks:
            values[name] = UNKNOWN
        return values

    def _dynamic(self, block: Block, scope: Scope, prefix: str, refs: dict, values: dict,
                 unknown_blocks: set, partial: dict | None = None, schema: dict | None = None) -> None:
        ev = self.loader.ev
        if not block.labels:
            return
        label = block.labels[0]
        items = values.setdefault(label, [])
        for_each = block.body.attrs.get("for_each")
        content = next((b for b in block.body.blocks if b.type == "content"), None)
        iterator = label
        if "iterator" in block.body.attrs:
            node = _unwrap(block.body.attrs["iterator"].expr)
            if node.data == "identifier":
                iterator = name_of(node)
        with ev.collecting() as bucket:
            collection = ev.evaluate(for_each.expr, scope) if for_each is not None else UNKNOWN
        block_refs = _dedup(bucket)
        if block_refs:
            refs[prefix + label] = _dedup(refs.get(prefix + label, ()) + block_refs)
        if content is None or not isinstance(collection, (list, dict)):
            unknown_blocks.add(label)
            return
        key_refs = (self._instance_refs(for_each.expr, scope, sorted(collection))
                    if isinstance(collection, dict) else {})
        for k, v in iter_collection(collection):
            inner = scope.bind({iterator: DynamicIterator(k, v, key_refs.get(k, block_refs), ev)})
            index = len(items)
            items.append(self.eval_body(content.body, inner, f"{prefix}{label}.{index}.", refs, False,
                                        partial=partial, schema=schema))

    # --- child modules --------------------------------------------------------------------------
    def child_modules(self, name: str) -> tuple[Expansion | None, dict]:
        """(expansion, {instance key: ModuleInstance}); expansion None for a module not followed."""
        hit = self._children.get(name)
        if hit is not None:
            return hit
        marker = ("module", name)
        if marker in self._active:
            return (None, {})
        self._active.add(marker)
        try:
            hit = self._load_children(name)
        finally:
            self._active.discard(marker)
        self._children[name] = hit
        return hit

    def _load_children(self, name: str) -> tuple[Expansion | None, dict]:
        loader = self.loader
        call = self.config.modules[name]
        what = f"{self.prefix}module.{name}"
        source_attr = call.body.attrs.get("source")
        if source_attr is None:
            raise InputError(f'module "{name}" has no source', call.where)
        source = loader.const(source_attr.expr)
        if not isinstance(source, str):
            raise InputError(f'module "{name}": source must be a literal string', call.where)
        exp = self.expand(call.body, self.scope, what, call.where)
        if exp.kind in ("count", "each") and not exp.keys:
            return (exp, {})  # no instance: nothing to read (terraform plans none)
        key = f"{self.module_key}.{name}" if self.module_key else name
        version_attr = call.body.attrs.get("version")
        try:
            constraint = loader.const(version_attr.expr) if version_attr is not None else None
        except EvalError:
            constraint = None  # (terraform wants a literal string: its own error, not ours to guess)
        found = resolve(source, key, self.config.display_dir, loader.root_dir, loader.manifest,
                        constraint if isinstance(constraint, str) else None)
        if found.dir is None:
            loader.unfollowed_module(what, source, found.reason, call.where)
            return (None, {})
        display = found.dir
        real = os.path.realpath(display)
        ancestor: ModuleInstance | None = self
        while ancestor is not None:
            if ancestor.config.real_dir == real:
                raise InputError(f'module "{name}": source "{source}" calls itself (module cycle)', call.where)
            ancestor = ancestor.parent
        if self.depth + 1 > MAX_MODULE_DEPTH:
            raise InputError(f'module "{name}": modules nested more than {MAX_MODULE_DEPTH} deep', call.where)
        config = loader.module_config(display, where=call.where, module=name)
        children: dict = {}
        if exp.kind == "unknown":
            loader.note(f"{call.where}: {what}: {exp.meta} is not known statically; "
                        "its resources are checked as a single instance")
            child = ModuleInstance(loader, config, what, self, call, exp.scope(self, None))
            child.maybe_absent = f"{what}: {exp.describe(call.body)} is not known"
            children[None] = child
        elif exp.kind == "single":
            children[None] = ModuleInstance(loader, config, what, self, call, self.scope)
        else:
            for key in exp.keys:
                children[key] = ModuleInstance(loader, config, what + _key_suffix(key), self, call,
                                               exp.scope(self, key))
        return (exp, children)

    def walk(self) -> Iterator["ModuleInstance"]:
        yield self
        for name in self.config.modules:
            _, children = self.child_modules(name)
            for child in children.values():
                yield from child.walk()
