"""Load a directory of Terraform ``.tf`` files into a :class:`~lint_rules.model.Model`.

Parsing uses python-hcl2 (8.x) down to its raw lark tree only: the tree keeps
line numbers and the exact expression structure, which the static evaluator in
:mod:`.hcl_eval` walks.  This module turns the tree into module configurations,
expands module calls (local sources, recursively; count/for_each instances) and
resources (count/for_each instances), evaluates every argument and records the
resources each argument refers to, following ``var.X`` into the calling module,
``module.M.OUT`` into the module's output expression and ``local.X``.

Everything that cannot be known statically is ``UNKNOWN``; nothing is guessed.
What is still known of such a value (a template's literal text, the structure given to
``jsonencode``) is kept apart in ``Resource.partial`` (see :meth:`.hcl_eval.Evaluator.partial`).
Errors in the input are :class:`~lint_rules.errors.InputError` with one line.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import hcl2
from lark import Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from ..errors import InputError
from ..model import UNKNOWN, Model, PartialString, Resource
from .hcl_eval import (NOTSET, EvalError, Evaluator, DynamicIterator, Proxy, Scope, TfSet, _as_set, has_unknown,
                       iter_collection, key_str, kids, name_of, to_number, to_str, unify)

__all__ = ["load_hcl_dir"]

# Arguments and blocks of a resource/data block that are not attribute values.
META_ATTRS = frozenset({"count", "for_each", "depends_on", "provider"})
META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})
# Arguments of a module block that are not input variables.
MODULE_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})
# Computed identity attributes: UNKNOWN when the configuration does not set them.
IDENTITY_UNKNOWN = ("id", "arn")
MAX_MODULE_DEPTH = 32


# ---------------------------------------------------------------------------
# configuration structures
# ---------------------------------------------------------------------------


@dataclass
class Attr:
    name: str
    expr: Tree
    line: int
    file: str = ""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class Body:
    attrs: dict[str, Attr] = field(default_factory=dict)
    blocks: list["Block"] = field(default_factory=list)


@dataclass
class Block:
    type: str
    labels: list[str]
    body: Body
    file: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class ResourceConf:
    mode: str  # "managed" | "data"
    type: str
    name: str
    block: Block

    @property
    def body(self) -> Body:
        return self.block.body

    @property
    def local_address(self) -> str:
        prefix = "data." if self.mode == "data" else ""
        return f"{prefix}{self.type}.{self.name}"


@dataclass
class VarConf:
    name: str
    block: Block
    type_desc: Any = None  # parsed lazily

    @property
    def default(self) -> Attr | None:
        return self.block.body.attrs.get("default")


@dataclass
class ModuleConfig:
    display_dir: str
    real_dir: str
    variables: dict[str, VarConf] = field(default_factory=dict)
    locals: dict[str, Attr] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    modules: dict[str, Block] = field(default_factory=dict)
    resources: list[ResourceConf] = field(default_factory=list)
    by_address: dict[tuple[str, str, str], ResourceConf] = field(default_factory=dict)


def _label_text(node: Tree) -> str:
    if node.data == "string":
        parts = []
        for part in node.children:
            if isinstance(part, Tree):
                parts.extend(str(t) for t in part.children if not isinstance(t, Tree))
        return "".join(parts)
    return name_of(node)


def _to_body(tree: Tree, file: str) -> Body:
    body = Body()
    for child in kids(tree):
        if child.data == "attribute":
            name = name_of(child.children[0])
            body.attrs[name] = Attr(name, kids(child)[-1], child.meta.line, file)
        elif child.data == "block":
            parts = kids(child)
            labels = [_label_text(p) for p in parts[1:-1]]
            body.blocks.append(Block(name_of(parts[0]), labels, _to_body(parts[-1], file), file, child.meta.line))
    return body


def _block_key(block: Block) -> str:
    return block.labels[0] if block.type == "dynamic" and block.labels else block.type


def _merge_body(base: Body, override: Body) -> Body:
    """Terraform override-file merge: arguments replace, nested block types replace wholesale."""
    attrs = dict(base.attrs)
    attrs.update(override.attrs)
    replaced = {_block_key(b) for b in override.blocks}
    blocks = [b for b in base.blocks if _block_key(b) not in replaced] + list(override.blocks)
    return Body(attrs, blocks)


# ---------------------------------------------------------------------------
# parsing
# ---------------------------------------------------------------------------


def _read_text(path: str) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})", path) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"file is not UTF-8 text (byte {exc.start})", path) from None


def _describe_token(exc: UnexpectedInput) -> str:
    if isinstance(exc, UnexpectedCharacters):
        return repr(exc.char)
    token = getattr(exc, "token", None)
    if token is None or token.type == "$END" or isinstance(exc, UnexpectedEOF):
        return "end of file"
    text = str(token)
    if token.type == "NL_OR_COMMENT":
        stripped = text.strip()
        return "newline" if not stripped else "comment"
    if text[:1] in ("\n", "\r") or not text.strip():
        return "newline"
    word = text.strip().split()[0]
    if len(word) > 24:
        word = word[:24] + "..."
    return f"'{word}'"


def _parse_text(text: str, path: str) -> Tree:
    try:
        return hcl2.parses_to_tree(text)
    except UnexpectedInput as exc:
        line = getattr(exc, "line", None)
        column = getattr(exc, "column", None)
        if not isinstance(line, int) or line < 1:
            line = text.count("\n") + 1
        where = f"{path}:{line}:{column}" if isinstance(column, int) and column > 0 else f"{path}:{line}"
        raise InputError(f"HCL syntax error: unexpected {_describe_token(exc)}", where) from None
    except RecursionError:
        raise InputError("HCL syntax error: nesting too deep", path) from None
    except Exception as exc:  # noqa: BLE001 - the parser may fail in other ways; never a traceback
        raise InputError(f"HCL syntax error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                         path) from None


def _parse_expression(text: str) -> Tree:
    tree = hcl2.parses_to_tree(f"__expr = (\n{text}\n)\n")
    body = kids(tree)[0]
    attribute = kids(body)[0]
    return kids(attribute)[-1]


def _is_local_source(source: str) -> bool:
    return source.startswith(("./", "../", ".\\", "..\\")) or source in (".", "..")


# ---------------------------------------------------------------------------
# variable types
# ---------------------------------------------------------------------------


def _unwrap(node: Tree) -> Tree:
    while node.data == "expr_term" and len(kids(node)) == 1:
        node = kids(node)[0]
    return node


def _type_desc(node: Tree | None) -> tuple:
    """A type constraint as a small tuple: ("string",), ("list", T), ("object", {...})..."""
    if node is None:
        return ("any",)
    node = _unwrap(node)
    if node.data == "identifier":
        name = name_of(node)
        return (name,) if name in ("string", "number", "bool", "any") else ("any",)
    if node.data == "function_call":
        names = [name_of(k) for k in kids(node) if k.data == "identifier"]
        arg_tree = next((k for k in kids(node) if k.data == "arguments"), None)
        args = kids(arg_tree) if arg_tree is not None else []
        fname = names[0] if names else ""
        if fname in ("list", "set", "map") and args:
            return (fname, _type_desc(args[0]))
        if fname == "tuple" and args:
            inner = _unwrap(args[0])
            if inner.data == "tuple":
                return ("tuple", [_type_desc(e) for e in kids(inner)])
        if fname == "object" and args:
            inner = _unwrap(args[0])
            if inner.data == "object":
                attrs = {}
                for elem in kids(inner):
                    key_node, value_node = kids(elem)[0], kids(elem)[-1]
                    key = name_of(key_node)
                    value = _unwrap(value_node)
                    optional, default = False, None
                    if value.data == "function_call" and name_of(kids(value)[0]) == "optional":
                        optional = True
                        opt_tree = next((k for k in kids(value) if k.data == "arguments"), None)
                        opt_args = kids(opt_tree) if opt_tree is not None else []
                        value = opt_args[0] if opt_args else None
                        default = opt_args[1] if len(opt_args) > 1 else None
                    attrs[key] = (_type_desc(value), optional, default)
                return ("object", attrs)
    return ("any",)


# ---------------------------------------------------------------------------
# expansions (count / for_each)
# ---------------------------------------------------------------------------


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

    def scope(self, ctx: "ModuleInstance", key: Any) -> Scope:
        """The scope of instance ``key`` (count.index / each.key / each.value set)."""
        if self.kind == "count":
            return Scope(ctx, count=key)
        if self.kind == "each":
            return Scope(ctx, each=(key, self.values[key]), each_refs=self.key_refs.get(key, self.refs))
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


# ---------------------------------------------------------------------------
# proxies: lazily resolved references
# ---------------------------------------------------------------------------


class _VarNS(Proxy):
    def __init__(self, inst: "ModuleInstance"):
        self.inst = inst

    def attr(self, name: str) -> Any:
        return self.inst.var(name)


class _LocalNS(Proxy):
    def __init__(self, inst: "ModuleInstance"):
        self.inst = inst

    def attr(self, name: str) -> Any:
        return self.inst.local(name)


class _PathNS(Proxy):
    def __init__(self, inst: "ModuleInstance"):
        self.inst = inst

    def attr(self, name: str) -> Any:
        if name == "module":
            return self.inst.path_module
        if name == "root":
            return "."
        if name == "cwd":
            return UNKNOWN
        raise EvalError(f"path has no attribute {name!r}")


class _UnknownNS(Proxy):
    """terraform.workspace, self...: not known statically."""

    def attr(self, name: str) -> Any:
        return UNKNOWN

    def index(self, key: Any) -> Any:
        return UNKNOWN

    def value(self) -> Any:
        return UNKNOWN


class _ModuleNS(Proxy):
    def __init__(self, inst: "ModuleInstance"):
        self.inst = inst

    def attr(self, name: str) -> Any:
        if name not in self.inst.config.modules:
            raise EvalError(f"no module call {name!r}")
        return _ModuleCallRef(self.inst, name)


class _ModuleCallRef(Proxy):
    def __init__(self, inst: "ModuleInstance", name: str):
        self.inst, self.name = inst, name

    def _exp(self):
        return self.inst.child_modules(self.name)

    def attr(self, name: str) -> Any:
        exp, children = self._exp()
        if exp is None:
            return UNKNOWN  # not followed
        if exp.kind in ("count", "each"):
            raise EvalError(f"module.{self.name} has count/for_each: use an instance key")
        # single, or unknown count/for_each: the one representative instance
        return children[None].output(name)

    def index(self, key: Any) -> Any:
        exp, children = self._exp()
        if exp is None:
            return _UnknownNS()
        if exp.kind == "unknown":
            # the representative instance; whatever depends on its key is unknown there
            return _ModuleInstRef(children[None])
        if exp.kind == "single":
            raise EvalError(f"module.{self.name} has no count/for_each")
        if exp.kind == "count":
            key = to_number(key)
        else:
            key = key_str(key)
        if key not in children:
            raise EvalError(f"module.{self.name}[{key!r}] does not exist")
        return _ModuleInstRef(children[key])

    def splat_items(self) -> list | None:
        exp, children = self._exp()
        if exp is None or exp.kind in ("unknown", "each"):
            return None
        return [_ModuleInstRef(c) for c in children.values()]

    def value(self) -> Any:
        exp, children = self._exp()
        if exp is None or exp.kind == "unknown":
            return UNKNOWN
        if exp.kind == "single":
            return children[None].all_outputs()
        if exp.kind == "count":
            return [c.all_outputs() for c in children.values()]
        return {k: c.all_outputs() for k, c in children.items()}


class _ModuleInstRef(Proxy):
    def __init__(self, child: "ModuleInstance"):
        self.child = child

    def attr(self, name: str) -> Any:
        return self.child.output(name)

    def value(self) -> Any:
        return self.child.all_outputs()


class _DataNS(Proxy):
    def __init__(self, inst: "ModuleInstance"):
        self.inst = inst

    def attr(self, name: str) -> Any:
        return _ResourceTypeNS(self.inst, "data", name)


class _ResourceTypeNS(Proxy):
    def __init__(self, inst: "ModuleInstance", mode: str, type_: str):
        self.inst, self.mode, self.type = inst, mode, type_

    def attr(self, name: str) -> Any:
        inst = self.inst
        prefix = "data." if self.mode == "data" else ""
        handle = inst.loader.ev.record(f"{inst.prefix}{prefix}{self.type}.{name}")
        conf = inst.config.by_address.get((self.mode, self.type, name))
        return _ResourceRef(inst, conf, handle)

    def value(self) -> Any:
        raise EvalError(f"invalid reference {self.type!r}")


class _ResourceRef(Proxy):
    def __init__(self, inst: "ModuleInstance", conf: ResourceConf | None, handle: tuple | None = None):
        self.inst, self.conf = inst, conf
        self.handle = handle  # the recorded reference: narrowed to one instance by ``index``

    def attr(self, name: str) -> Any:
        if self.conf is None:
            return UNKNOWN  # a resource that is not declared: kept as a reference, value unknown
        exp = self.inst.expand_resource(self.conf)
        if exp.kind == "single":
            return self.inst.resource_attr(self.conf, None, name)
        if exp.kind == "unknown":
            return UNKNOWN
        raise EvalError(f"{self.conf.local_address} has count/for_each: use an instance key")

    def index(self, key: Any) -> Any:
        if self.conf is None:
            return _UnknownNS()
        exp = self.inst.expand_resource(self.conf)
        if exp.kind == "single":
            raise EvalError(f"{self.conf.local_address} has no count/for_each")
        if exp.kind == "unknown":
            key = to_number(key) if exp.meta == "count" else key_str(key)
            return _ResourceInstRef(self.inst, self.conf, key if exp.meta == "count" else None)
        key = to_number(key) if exp.kind == "count" else key_str(key)
        if key not in exp.values and key not in exp.keys:
            raise EvalError(f"{self.conf.local_address}[{key!r}] does not exist")
        # the key is known here (a literal, count.index, each.key): the reference names one instance
        self.inst.loader.ev.rekey(self.handle, f"{self.inst.prefix}{self.conf.local_address}{_key_suffix(key)}")
        return _ResourceInstRef(self.inst, self.conf, key)

    def splat_items(self) -> list | None:
        if self.conf is None:
            return None
        exp = self.inst.expand_resource(self.conf)
        if exp.kind == "single":
            return [_ResourceInstRef(self.inst, self.conf, None)]
        if exp.kind == "count":
            return [_ResourceInstRef(self.inst, self.conf, k) for k in exp.keys]
        return None

    def value(self) -> Any:
        if self.conf is None:
            return UNKNOWN
        exp = self.inst.expand_resource(self.conf)
        if exp.kind == "count":
            return [UNKNOWN] * len(exp.keys)
        if exp.kind == "each":
            return {k: UNKNOWN for k in exp.keys}
        return UNKNOWN

    def exact_address(self) -> str | None:
        if self.conf is None or self.conf.mode != "managed":
            return None
        if self.inst.expand_resource(self.conf).kind != "single":
            return None
        return f"{self.inst.prefix}{self.conf.local_address}"


class _ResourceInstRef(Proxy):
    def __init__(self, inst: "ModuleInstance", conf: ResourceConf, key: Any):
        self.inst, self.conf, self.key = inst, conf, key

    def attr(self, name: str) -> Any:
        return self.inst.resource_attr(self.conf, self.key, name)

    def value(self) -> Any:
        return UNKNOWN

    def exact_address(self) -> str | None:
        if self.conf.mode != "managed" or self.key is None:
            return None
        if self.inst.expand_resource(self.conf).kind not in ("count", "each"):
            return None
        return f"{self.inst.prefix}{self.conf.local_address}{_key_suffix(self.key)}"


# ---------------------------------------------------------------------------
# module instances
# ---------------------------------------------------------------------------


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
        if name in ("terraform", "self"):
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
        if self.parent is None:
            value = self.loader.root_values.get(conf.name, NOTSET)
        elif self.call is not None and conf.name in self.call.body.attrs and conf.name not in MODULE_META:
            value = ev.evaluate(self.call.body.attrs[conf.name].expr, self.call_scope)
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
        return self.loader.convert(value, conf.type_desc)

    def local(self, name: str) -> Any:
        attr = self.config.locals.get(name)
        if attr is None:
            raise EvalError(f"no local value {name!r}")
        return self._cached(self._locals, "local", name, lambda: self.loader.ev.evaluate(attr.expr, self.scope))

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
            return Expansion("count", list(range(n)))
        if isinstance(value, dict):
            keys = sorted(value)
            return Expansion("each", keys, {k: value[k] for k in keys}, refs=refs,
                             key_refs=self._instance_refs(for_each.expr, scope, keys, refs))
        if isinstance(value, list):
            if has_unknown(value):
                return Expansion("unknown", meta="for_each", refs=refs)
            if not all(isinstance(v, str) for v in value):
                loader.note(f"{where}: {what}: for_each needs a map or a set of strings; treated as unknown")
                return Expansion("unknown", meta="for_each", refs=refs)
            keys = _as_set(value)
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
                    value = self.loader.ev.evaluate(body.attrs[name].expr, self.resource_scope(conf, key))
                elif any(_block_key(b) == name for b in body.blocks if b.type not in META_BLOCKS):
                    values = self.eval_body(body, self.resource_scope(conf, key), "", {}, True, only=name)
                    value = values.get(name, UNKNOWN)
                elif self.loader.unconfigured_attr is not None:
                    # optional hook: what the provider would know at plan time (data sources read
                    # during planning, provider defaults); UNKNOWN when it cannot tell
                    value = self.loader.unconfigured_attr(self, conf, key, name)
                else:
                    value = UNKNOWN
        finally:
            self._active.discard(marker)
        self._resource_attrs[cache_key] = value
        return value

    # --- bodies -----------------------------------------------------------------------------
    def eval_body(self, body: Body, scope: Scope, prefix: str, refs: dict, top: bool,
                  only: str | None = None, partial: dict | None = None) -> dict:
        """Values of a body's arguments and nested blocks.  ``refs`` collects each argument's
        references; ``partial`` (when given) the partially known form of each argument whose
        value is or holds UNKNOWN (``Resource.partial``)."""
        ev = self.loader.ev
        values: dict = {}
        for name, attr in body.attrs.items():
            if (top and name in META_ATTRS) or (only is not None and name != only):
                continue
            with ev.collecting() as bucket:
                values[name] = ev.evaluate(attr.expr, scope)
            if bucket:
                refs[prefix + name] = _dedup(bucket)
            if partial is not None and has_unknown(values[name]):
                form = ev.partial(attr.expr, scope)
                if form is not UNKNOWN:
                    partial[prefix + name] = form
        unknown_blocks: set[str] = set()
        for block in body.blocks:
            if top and block.type in META_BLOCKS:
                continue
            key = _block_key(block)
            if only is not None and key != only:
                continue
            if block.type == "dynamic":
                self._dynamic(block, scope, prefix, refs, values, unknown_blocks, partial)
                continue
            items = values.setdefault(block.type, [])
            index = len(items)
            items.append(self.eval_body(block.body, scope, f"{prefix}{block.type}.{index}.", refs, False,
                                        partial=partial))
        for name in unknown_blocks:
            values[name] = UNKNOWN
        return values

    def _dynamic(self, block: Block, scope: Scope, prefix: str, refs: dict, values: dict,
                 unknown_blocks: set, partial: dict | None = None) -> None:
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
                                        partial=partial))

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
        if not _is_local_source(source):
            loader.note(f'{call.where}: {what}: source "{source}" is not a local path; not followed '
                        "(its resources are not checked and its outputs are unknown)")
            return (None, {})
        display = os.path.normpath(os.path.join(self.config.display_dir, source))
        if not os.path.isdir(display):
            raise InputError(f'module "{name}": source directory "{source}" not found ({display})', call.where)
        real = os.path.realpath(display)
        ancestor: ModuleInstance | None = self
        while ancestor is not None:
            if ancestor.config.real_dir == real:
                raise InputError(f'module "{name}": source "{source}" calls itself (module cycle)', call.where)
            ancestor = ancestor.parent
        if self.depth + 1 > MAX_MODULE_DEPTH:
            raise InputError(f'module "{name}": modules nested more than {MAX_MODULE_DEPTH} deep', call.where)
        config = loader.module_config(display, where=call.where, module=name)
        exp = self.expand(call.body, self.scope, what, call.where)
        children: dict = {}
        if exp.kind == "unknown":
            loader.note(f"{call.where}: {what}: {exp.meta} is not known statically; "
                        "its resources are checked as a single instance")
            children[None] = ModuleInstance(loader, config, what, self, call, exp.scope(self, None))
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


# ---------------------------------------------------------------------------
# the loader
# ---------------------------------------------------------------------------


class _Loader:
    def __init__(self, root_dir: str):
        self.root_dir = root_dir
        self.configs: dict[str, ModuleConfig] = {}
        self.diagnostics: dict[str, None] = {}
        self.ev = Evaluator(_parse_expression, base_dir=root_dir, note=self.note, fatal=(InputError,))
        self.root_values: dict[str, Any] = {}
        self.root: ModuleConfig  # set by load()
        # Optional hook (instance, resource conf, instance key, attribute name) -> value for an
        # attribute that another expression reads but the resource's configuration does not set.
        # None (the default): such attributes are UNKNOWN.  tools/hcl2plan.py uses it to see the
        # values of data sources terraform reads at plan time.
        self.unconfigured_attr = None

    def note(self, message: str) -> None:
        self.diagnostics.setdefault(message, None)

    def const(self, expr: Tree) -> Any:
        """Evaluate an expression that may not refer to anything (defaults, tfvars, source)."""
        with self.ev.collecting():
            return self.ev.evaluate(expr, Scope(None))

    # --- parsing ---------------------------------------------------------------------------------
    def module_config(self, display_dir: str, where: str = "", module: str = "") -> ModuleConfig:
        real = os.path.realpath(display_dir)
        config = self.configs.get(real)
        if config is not None:
            return config
        try:
            names = sorted(n for n in os.listdir(display_dir)
                           if n.endswith(".tf") and not os.path.isdir(os.path.join(display_dir, n)))
            json_names = sorted(n for n in os.listdir(display_dir) if n.endswith(".tf.json"))
        except OSError as exc:
            if module:
                raise InputError(f'module "{module}": cannot read directory {display_dir} '
                                 f"({exc.strerror or exc})", where) from None
            raise InputError(f"cannot read directory ({exc.strerror or exc})", display_dir) from None
        if not names:
            if module:
                raise InputError(f'module "{module}": no .tf files in {display_dir}', where)
            raise InputError(f"no .tf files in {display_dir}")
        for name in json_names:
            self.note(f"{os.path.join(display_dir, name)}: JSON configuration files are not read")
        config = ModuleConfig(display_dir, real)
        regular = [n for n in names if not (n == "override.tf" or n.endswith("_override.tf"))]
        overrides = [n for n in names if n not in regular]
        for name in regular:
            self._add_file(config, os.path.join(display_dir, name), override=False)
        for name in overrides:
            self._add_file(config, os.path.join(display_dir, name), override=True)
        self.configs[real] = config
        return config

    def _add_file(self, config: ModuleConfig, path: str, override: bool) -> None:
        tree = _parse_text(_read_text(path), path)
        body = _to_body(kids(tree)[0], path) if kids(tree) else Body()
        for block in body.blocks:
            kind = block.type
            if kind in ("resource", "data"):
                if len(block.labels) != 2:
                    raise InputError(f"{kind} block needs two labels (type and name)", block.where)
                mode = "managed" if kind == "resource" else "data"
                key = (mode, block.labels[0], block.labels[1])
                existing = config.by_address.get(key)
                if override:
                    if existing is not None:
                        merged = Block(existing.block.type, existing.block.labels,
                                       _merge_body(existing.body, block.body), existing.block.file,
                                       existing.block.line)
                        existing.block = merged
                    continue
                if existing is not None:
                    raise InputError(f'duplicate {kind} "{key[1]}" "{key[2]}" (first declared at '
                                     f"{existing.block.where})", block.where)
                conf = ResourceConf(mode, key[1], key[2], block)
                config.resources.append(conf)
                config.by_address[key] = conf
            elif kind in ("module", "variable", "output"):
                if len(block.labels) != 1:
                    raise InputError(f"{kind} block needs one label", block.where)
                name = block.labels[0]
                if kind == "variable":
                    table: dict = config.variables
                    existing = table.get(name)
                    existing_block = existing.block if existing else None
                else:
                    table = config.modules if kind == "module" else config.outputs
                    existing_block = table.get(name)
                if override:
                    if existing_block is not None:
                        merged = Block(existing_block.type, existing_block.labels,
                                       _merge_body(existing_block.body, block.body), existing_block.file,
                                       existing_block.line)
                        table[name] = VarConf(name, merged) if kind == "variable" else merged
                    continue
                if existing_block is not None:
                    raise InputError(f'duplicate {kind} "{name}" (first declared at {existing_block.where})',
                                     block.where)
                table[name] = VarConf(name, block) if kind == "variable" else block
            elif kind == "locals":
                config.locals.update(block.body.attrs)

    # --- root variable values ----------------------------------------------------------------------
    def read_tfvars(self, path: str) -> dict[str, Any]:
        text = _read_text(path)
        if path.endswith(".json"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InputError(f"invalid JSON ({exc.msg})", f"{path}:{exc.lineno}:{exc.colno}") from None
            if not isinstance(data, dict):
                raise InputError("a .tfvars.json file must hold a JSON object", path)
            return data
        tree = _parse_text(text, path)
        body = _to_body(kids(tree)[0], path) if kids(tree) else Body()
        return {name: self.const(attr.expr) for name, attr in body.attrs.items()}

    def cli_value(self, name: str, raw: str) -> Any:
        conf = self.root.variables.get(name)
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
        return self.const(expr)

    def convert(self, value: Any, desc: tuple | None) -> Any:
        """Convert a value to a declared type constraint, as far as that is known."""
        if value is UNKNOWN or value is None or desc is None:
            return value
        kind = desc[0]
        if kind == "string":
            if isinstance(value, (bool, int, float)):
                return to_str(value)
            return value
        if kind == "number":
            if isinstance(value, str):
                try:
                    return to_number(value)
                except EvalError:
                    return value
            return value
        if kind == "bool":
            if value in ("true", "false"):
                return value == "true"
            return value
        if kind in ("list", "set"):
            if not isinstance(value, list):
                return value
            items = [self.convert(v, desc[1]) for v in value]
            if desc[1] == ("any",):
                items = unify(items)
            if kind == "set" and not has_unknown(items):
                return _as_set(items)
            return items if kind == "set" or not isinstance(value, TfSet) else list(items)
        if kind == "map":
            if not isinstance(value, dict):
                return value
            out_map = {k: self.convert(v, desc[1]) for k, v in value.items()}
            if desc[1] == ("any",):
                out_map = dict(zip(out_map.keys(), unify(list(out_map.values()))))
            return out_map
        if kind == "tuple":
            if not isinstance(value, list):
                return value
            return [self.convert(v, desc[1][i]) if i < len(desc[1]) else v for i, v in enumerate(value)]
        if kind == "object":
            if not isinstance(value, dict):
                return value
            out: dict = {}
            for attr, (attr_desc, optional, default) in desc[1].items():
                if attr in value and value[attr] is not None:
                    out[attr] = self.convert(value[attr], attr_desc)
                elif optional and default is not None:
                    out[attr] = self.convert(self.const(default), attr_desc)
                elif attr in value or optional:
                    out[attr] = None
            return out
        return value

    def load_root_values(self, var_files: Sequence[str], variables: Mapping[str, str],
                         values: Mapping[str, Any] | None = None) -> None:
        root = self.root_dir
        try:
            entries = sorted(os.listdir(root))
        except OSError:
            entries = []
        sources = [os.path.join(root, n) for n in ("terraform.tfvars", "terraform.tfvars.json") if n in entries]
        sources += [os.path.join(root, n) for n in entries
                    if n.endswith((".auto.tfvars", ".auto.tfvars.json"))]
        for path in sources:
            self.root_values.update(self.read_tfvars(path))
        for path in var_files:
            path = str(path)
            if not os.path.isfile(path):
                raise InputError("var file not found", path)
            self.root_values.update(self.read_tfvars(path))
        for name, raw in variables.items():
            if name not in self.root.variables:
                self.note(f"-var {name}: no variable {name!r} is declared in the root module")
            self.root_values[name] = self.cli_value(name, str(raw))
        # typed values that win over everything (a plan's ``variables``: terraform's final values)
        self.root_values.update(values or {})

    # --- the model -------------------------------------------------------------------------------------
    def build(self, instance: ModuleInstance) -> list[Resource]:
        out: list[Resource] = []
        for inst in instance.walk():
            for conf in inst.config.resources:
                exp = inst.expand_resource(conf)
                keys = exp.keys
                if exp.kind == "unknown":
                    self.note(f"{conf.block.where}: {inst.prefix}{conf.local_address}: {exp.meta} is not "
                              "known statically; checked as a single instance")
                    keys = [None]
                for key in keys:
                    refs: dict[str, tuple[str, ...]] = {}
                    partial: dict[str, Any] = {}
                    values = inst.eval_body(conf.body, inst.resource_scope(conf, key), "", refs, True,
                                            partial=partial)
                    for attr in IDENTITY_UNKNOWN:
                        if attr not in values:
                            values[attr] = UNKNOWN
                    out.append(Resource(
                        address=f"{inst.prefix}{conf.local_address}{_key_suffix(key)}",
                        mode=conf.mode,
                        type=conf.type,
                        name=conf.name,
                        module_path=inst.path,
                        index=key,
                        values=values,
                        refs=refs,
                        file=conf.block.file,
                        line=conf.block.line,
                        partial=partial,
                    ))
        return out


def load_hcl_dir(path, var_files: Sequence[str] = (), variables: Mapping[str, str] | None = None,
                 unconfigured_attr=None, values: Mapping[str, Any] | None = None) -> Model:
    """Load the Terraform root module in directory ``path`` (and its local modules) into a Model.

    ``variables``: raw ``-var NAME=VALUE`` texts; ``values``: typed root variable values that
    override every other source (``loaders.source`` passes a plan's ``variables``).
    ``unconfigured_attr``: optional hook, see ``_Loader.unconfigured_attr``.
    """
    root_dir = str(path)
    if not os.path.isdir(root_dir):
        raise InputError("not a directory" if os.path.exists(root_dir) else "no such directory", root_dir)
    loader = _Loader(root_dir)
    loader.unconfigured_attr = unconfigured_attr
    try:
        loader.root = loader.module_config(root_dir)
        loader.load_root_values(var_files, variables or {}, values)
        resources = loader.build(ModuleInstance(loader, loader.root, ""))
    except RecursionError:
        raise InputError("configuration is nested too deeply to load", root_dir) from None
    return Model(resources=resources, source=root_dir, kind="hcl", diagnostics=list(loader.diagnostics))
