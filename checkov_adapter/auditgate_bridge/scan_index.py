"""What checkov is scanning, read from its resource graph: the blocks it will hand to checks, the
input (Terraform root directory or plan file) each belongs to, and each input's account anchor.

checkov's Python checks see one block's configuration at a time and no file path of their own, but
every check gets checkov's graph of the scan (``check.graph``, which checkov's own checks use too).
Its vertices carry the block's absolute file, its full address and, for a block inside a module, the
chain of module calls leading to it: the outermost call is in the root module.  The configuration a
check receives is the very dict stored in its vertex, so a block is found by identity; where it is
not (plans, other checkov versions), by address and file.  A module block that several roots of
the scan call is one block to checkov (it reports one result per file and address), so it stands
for all of them.  Standard library only.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

# checkov's vertex attribute names (checkov.common.graph.graph_builder.CustomAttributes)
BLOCK_TYPE, ADDRESS, FILE_PATH, CONFIG = "block_type_", "__address__", "file_path_", "config_"
SOURCE_MODULE_OBJECT, START_LINE = "source_module_object_", "__start_line__"

#: the block types auditgate findings can land on (resources, data sources) and anchors (providers)
CHECKED_BLOCKS = ("resource", "data", "provider")


@dataclass(frozen=True)
class Entity:
    block_type: str  # resource, data, provider
    address: str  # as terraform prints it (providers: aws.default, aws.ALIAS)
    file: str  # absolute
    line: int
    root: str  # absolute path of the Terraform root directory, or of the plan file


# `terraform test` files (and their mocks) beside a module: not part of any configuration
TERRAFORM_TEST_FILES = (".tftest.hcl", ".tftest.json", ".tfmock.hcl", ".tfmock.json")


def is_plan_file(path: str) -> bool:
    return path.endswith(".json") and not path.endswith(".tf.json")


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)


def root_of(file: str, source_module: Any) -> str:
    """The input a block belongs to: a plan file itself; else the directory of the outermost module
    call (``source_module`` is checkov's TFModule chain, innermost first), else the block's own."""
    if is_plan_file(file):
        return file
    outer = None
    while source_module is not None and _get(source_module, "path"):
        outer = source_module
        source_module = _get(source_module, "nested_tf_module")
    return os.path.dirname(_get(outer, "path") if outer is not None else file)


def _real(path: str) -> str:
    return os.path.realpath(path)


def _line(value: Any) -> int:
    while isinstance(value, list) and value:
        value = value[0]
    return value if isinstance(value, int) else 0


def node_attributes(graph: Any) -> Iterable[Mapping]:
    """The attribute dicts of a checkov graph's vertices (rustworkx, checkov's default, or networkx)."""
    try:
        items = graph.nodes(data=True)  # networkx
    except TypeError:
        items = graph.nodes()  # rustworkx: the payloads, (index, attributes)
    for item in items:
        attrs = item[1] if isinstance(item, tuple) and len(item) == 2 else item
        if isinstance(attrs, Mapping):
            yield attrs


def _configs(config: Any, block_type: str) -> Iterable[Mapping]:
    """The inner configuration dict(s) of a vertex: {type: {name: conf}} or {name: conf}."""
    if not isinstance(config, Mapping):
        return
    for value in config.values():
        if not isinstance(value, Mapping):
            continue
        if block_type == "provider":
            yield value
        else:
            yield from (v for v in value.values() if isinstance(v, Mapping))


class ScanIndex:
    """The blocks of one checkov scan, grouped by the input they belong to."""

    def __init__(self, nodes: Iterable[Mapping]):
        self._by_config: dict[int, Entity] = {}
        self._by_address: dict[tuple[str, str], list[Entity]] = {}
        self._keep: list[Mapping] = []  # the configurations indexed by id() stay alive with the index
        self._ignored: set[int] = set()  # configurations of blocks in terraform test files
        by_root: dict[str, list[Entity]] = {}
        for attrs in nodes:
            block_type = attrs.get(BLOCK_TYPE)
            address, file = attrs.get(ADDRESS), attrs.get(FILE_PATH)
            if block_type not in CHECKED_BLOCKS or not isinstance(address, str) or not isinstance(file, str):
                continue
            if file.endswith(TERRAFORM_TEST_FILES):  # checkov parses them; terraform does not load them as config
                for conf in _configs(attrs.get(CONFIG), block_type):
                    self._ignored.add(id(conf))
                    self._keep.append(conf)
                continue
            file = _real(file)
            entity = Entity(block_type, address, file, _line(attrs.get(START_LINE)),
                            _real(root_of(file, attrs.get(SOURCE_MODULE_OBJECT))))
            by_root.setdefault(entity.root, []).append(entity)
            self._by_address.setdefault((block_type, address), []).append(entity)
            for conf in _configs(attrs.get(CONFIG), block_type):
                self._by_config[id(conf)] = entity
                self._keep.append(conf)
        self.roots: list[str] = sorted(by_root)
        self._addresses = {root: {(e.block_type, e.address) for e in ents} for root, ents in by_root.items()}
        self._anchors = {root: self._choose_anchor(ents) for root, ents in by_root.items()}

    @staticmethod
    def _choose_anchor(entities: list[Entity]) -> Entity:
        """Where a root's account-wide findings go: its default aws provider, else its first aws
        provider, else its first resource, else its first data source (by file and line)."""
        def order(e: Entity):
            return (e.file, e.line, e.address)
        providers = sorted((e for e in entities if e.block_type == "provider"
                            and (e.address == "aws" or e.address.startswith("aws."))), key=order)
        default = [p for p in providers if p.address in ("aws", "aws.default")]
        for group in (default, providers, sorted((e for e in entities if e.block_type == "resource"), key=order),
                      sorted(entities, key=order)):
            if group:
                return group[0]
        raise ValueError("a root without blocks")  # pragma: no cover (roots come from blocks)

    def anchor(self, root: str) -> Entity | None:
        return self._anchors.get(root)

    def has(self, root: str, block_type: str, address: str) -> bool:
        return (block_type, address) in self._addresses.get(root, ())

    def locate(self, conf: Mapping, block_type: str, entity_path: str = "") -> list[Entity]:
        """The block a check is looking at, under every root that holds it.

        A module's block called by several roots is one block to checkov (same file and address: it
        reports it once), so its verdict is the combination of every root's.  The block itself is
        found by its configuration (the graph's own dict), else by address and checkov's relative
        file path; [] when the graph does not hold it."""
        if id(conf) in self._ignored:
            return []  # a block of a terraform test file: no input holds it
        found = self._by_config.get(id(conf))
        candidates = self._by_address.get((block_type, conf.get(ADDRESS)), [])
        if found is not None and found.block_type == block_type:
            return [c for c in candidates if c.file == found.file] or [found]
        rel = entity_path.split(":", 1)[0]
        if len(candidates) > 1 and rel:
            narrowed = [c for c in candidates if _same_file(c.file, rel)]
            candidates = narrowed or candidates
        return list(candidates)


def _same_file(absolute: str, relative: str) -> bool:
    """Is checkov's ``relative`` scanned-file path (relative to an unknown scan root, may contain
    ``..``) a path to ``absolute``?"""
    parts = [p for p in os.path.normpath(relative.lstrip("/")).split(os.sep) if p not in ("", ".")]
    while parts and parts[0] == "..":
        parts.pop(0)
    if ".." in parts:
        parts = parts[len(parts) - parts[::-1].index("..") :]
    tail = os.sep + os.sep.join(parts)
    return bool(parts) and absolute.endswith(tail)
