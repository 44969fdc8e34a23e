"""Module configurations: the blocks of one module directory (variables, locals, outputs, module
calls, resources), with override files merged as terraform merges them."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable

from lark import Tree

from ...errors import InputError
from .parse import _parse_text, _read_text
from .tree import kids, name_of

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


def read_module_dir(display_dir: str, note: Callable[[str], None], where: str = "",
                    module: str = "") -> "ModuleConfig":
    """Parse every ``.tf`` file of a module directory (override files last) into a ModuleConfig."""
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
        note(f"{os.path.join(display_dir, name)}: JSON configuration files are not read")
    config = ModuleConfig(display_dir, os.path.realpath(display_dir))
    regular = [n for n in names if not (n == "override.tf" or n.endswith("_override.tf"))]
    overrides = [n for n in names if n not in regular]
    for name in regular:
        add_file(config, os.path.join(display_dir, name), override=False)
    for name in overrides:
        add_file(config, os.path.join(display_dir, name), override=True)
    return config


def add_file(config: ModuleConfig, path: str, override: bool) -> None:
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
