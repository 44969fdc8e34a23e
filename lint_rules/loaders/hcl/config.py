"""Module configurations: the blocks of one module directory (variables, locals, outputs, module
calls, resources), with override files merged as terraform merges them."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from lark import Tree

from ... import cache as _cache
from ...errors import InputError
from .jsonsyntax import parse_json_config
from .lexscan import extra_blocks, missing_blocks, scan
from .. import observed
from .parse import _parse_text, _read_text
from .schema import block_schema
from .tree import _unwrap, kids, name_of

# Arguments and blocks of a resource/data block that are not attribute values.
META_ATTRS = frozenset({"count", "for_each", "depends_on", "provider"})
META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})
# Arguments of a module block that are not input variables.
MODULE_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})


@dataclass
class Attr:
    name: str
    expr: Tree
    line: int
    file: str = ""
    text: str = ""  # the expression as written (for messages)

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
    def schema(self) -> dict | None:
        """The compact provider schema of this type (None when not known), see :mod:`.schema`."""
        return block_schema(self.mode, self.type)

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
    # provider configurations declared in this module: local key ("aws", "aws.nhc") -> block
    providers: dict[str, Block] = field(default_factory=dict)


def _label_text(node: Tree) -> str:
    if node.data == "string":
        parts = []
        for part in node.children:
            if isinstance(part, Tree):
                parts.extend(str(t) for t in part.children if not isinstance(t, Tree))
        return "".join(parts)
    return name_of(node)


def _source_text(node: Tree, text: str) -> str:
    meta = getattr(node, "meta", None)
    start, end = getattr(meta, "start_pos", None), getattr(meta, "end_pos", None)
    if not text or start is None or end is None:
        return ""
    return " ".join(text[start:end].split())


def _to_body(tree: Tree, file: str, text: str = "") -> Body:
    body = Body()
    for child in kids(tree):
        if child.data == "attribute":
            name = name_of(child.children[0])
            expr = kids(child)[-1]
            body.attrs[name] = Attr(name, expr, child.meta.line, file, _source_text(expr, text))
        elif child.data == "block":
            parts = kids(child)
            labels = [_label_text(p) for p in parts[1:-1]]
            body.blocks.append(Block(name_of(parts[0]), labels, _to_body(parts[-1], file, text), file,
                                     child.meta.line))
    return body


def traversal_text(node: Tree) -> str | None:
    """``aws.nhc`` for a bare reference expression (a provider reference), else None."""
    node = _unwrap(node)
    if node.data == "identifier":
        return name_of(node)
    if node.data == "get_attr_expr_term":
        base, accessor = kids(node)
        head = traversal_text(base)
        if head is None or accessor.data != "get_attr":
            return None
        return f"{head}.{name_of(kids(accessor)[0])}"
    if node.data == "string":  # 0.11 style "aws.nhc": terraform rejects it, the reference is still clear
        text = "".join(str(t) for part in node.children if isinstance(part, Tree)
                       for t in part.children if not isinstance(t, Tree))
        return text or None
    return None


def provider_block_key(block: Block) -> str:
    """``aws`` or ``aws.ALIAS`` for a ``provider "aws" { alias = "ALIAS" }`` block."""
    alias = block.body.attrs.get("alias")
    alias_text = traversal_text(alias.expr) if alias is not None else None
    return f"{block.labels[0]}.{alias_text}" if alias_text else block.labels[0]


def _block_key(block: Block) -> str:
    return block.labels[0] if block.type == "dynamic" and block.labels else block.type


def _merge_body(base: Body, override: Body) -> Body:
    """Terraform override-file merge: arguments replace, nested block types replace wholesale."""
    attrs = dict(base.attrs)
    attrs.update(override.attrs)
    replaced = {_block_key(b) for b in override.blocks}
    blocks = [b for b in base.blocks if _block_key(b) not in replaced] + list(override.blocks)
    return Body(attrs, blocks)


def is_ignored_file(name: str) -> bool:
    """Editor and hidden files terraform skips (configs.IsIgnoredFile)."""
    return name.startswith(".") or name.endswith("~") or (name.startswith("#") and name.endswith("#"))


def is_override_file(name: str) -> bool:
    stem = name[:-len(".json")] if name.endswith(".tf.json") else name
    return stem == "override.tf" or stem.endswith("_override.tf")


def config_files(display_dir: str) -> list[str]:
    """The configuration files of a module directory as terraform picks them: ``*.tf`` and
    ``*.tf.json``, hidden and editor files aside, in lexical order."""
    return sorted(n for n in observed.listdir(display_dir)
                  if n.endswith((".tf", ".tf.json")) and not is_ignored_file(n)
                  and not observed.is_dir(os.path.join(display_dir, n)))


def read_module_dir(display_dir: str, note: Callable[[str], None], where: str = "",
                    module: str = "") -> "ModuleConfig":
    """Parse every configuration file of a module directory (``.tf`` and ``.tf.json``; override files
    last) into a ModuleConfig."""
    try:
        names = config_files(display_dir)
    except OSError as exc:
        if module:
            raise InputError(f'module "{module}": cannot read directory {display_dir} '
                             f"({exc.strerror or exc})", where) from None
        raise InputError(f"cannot read directory ({exc.strerror or exc})", display_dir) from None
    if not names:
        if module:
            raise InputError(f'module "{module}": no .tf or .tf.json files in {display_dir}', where)
        raise InputError(f"no .tf or .tf.json files in {display_dir}")
    config = ModuleConfig(display_dir, os.path.realpath(display_dir))
    regular = [n for n in names if not is_override_file(n)]
    overrides = [n for n in names if is_override_file(n)]
    for name in regular:
        add_file(config, os.path.join(display_dir, name), override=False, note=note)
    for name in overrides:
        add_file(config, os.path.join(display_dir, name), override=True, note=note)
    return config


def parse_file(path: str, note: Callable[[str], None] | None = None) -> Body:
    """Parse one ``.tf`` file into a Body, checked against a lexical scan of the same text: every
    top-level ``resource``/``data``/``module`` block the file declares is in the Body, or the file is
    an input error (see :mod:`.lexscan`).

    The parse is kept in the user cache (:mod:`lint_rules.cache`), keyed by the file's path and
    content and by the parsing code: an unchanged file is not parsed again, in this run or the next."""
    text = _read_text(path)
    key = _cache.digest(_parser_version(), path, text)
    hit = _cache.load("hcl-parse", key, share=True)  # a Body is never modified once parsed
    if hit is not None:
        body, notes = hit
        for message in notes:
            if note is not None:
                note(message)
        return body
    notes: list[str] = []
    body = _parse_checked(path, text, notes.append)
    _cache.store("hcl-parse", key, (body, notes), share=True)
    for message in notes:
        if note is not None:
            note(message)
    return body


@lru_cache(maxsize=1)
def _parser_version() -> str:
    """What a cached parse depends on besides the file: this code and python-hcl2's version."""
    here = Path(__file__).parent
    try:
        from importlib.metadata import version

        hcl2_version = version("python-hcl2")
    except Exception:  # noqa: BLE001 - not installed as a distribution: the code hash still holds
        hcl2_version = "?"
    return _cache.digest(hcl2_version, _cache.source_digest(
        *(here / name for name in ("config.py", "parse.py", "lexscan.py", "tree.py"))))


def _parse_checked(path: str, text: str, note: Callable[[str], None]) -> Body:
    scanned = scan(text)
    tree = _parse_text(scanned.text, path)
    body = _to_body(kids(tree)[0], path, scanned.text) if kids(tree) else Body()
    if scanned.error is not None:
        note(f"{path}: the blocks read could not be cross-checked ({scanned.error})")
        return body
    parsed = [(b.type, b.line) for b in body.blocks]
    lost = missing_blocks(scanned.blocks, parsed)
    if lost:
        raise InputError(f"{lost[0].describe()} was not read by the HCL parser ({len(lost)} block(s) of this "
                         "file lost); the file cannot be checked", f"{path}:{lost[0].line}")
    extra = extra_blocks(scanned.blocks, parsed)
    if extra:
        raise InputError(f"the HCL parser read a {extra[0][0]} block the file does not declare here; "
                         "the file cannot be checked", f"{path}:{extra[0][1]}")
    return body


def add_file(config: ModuleConfig, path: str, override: bool, note: Callable[[str], None] | None = None) -> None:
    body = parse_json_config(_read_text(path), path) if path.endswith(".tf.json") else parse_file(path, note)
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
        elif kind == "provider" and len(block.labels) == 1:
            key = provider_block_key(block)
            existing_block = config.providers.get(key)
            if override and existing_block is not None:
                config.providers[key] = Block(existing_block.type, existing_block.labels,
                                              _merge_body(existing_block.body, block.body), existing_block.file,
                                              existing_block.line)
            elif not override:
                if existing_block is not None:
                    raise InputError(f'duplicate provider configuration "{key}" (first declared at '
                                     f"{existing_block.where})", block.where)
                config.providers[key] = block
