"""Where a normalized statement came from: its partially known form (HCL) and the references of its
fields, so that the unknown parts of a policy are read as what they refer to.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from ..model import UNKNOWN, Model, Resource
from ._iam import POLICY_DOCUMENT, normalize_block_statement, normalize_json_statement
from ._names import ROLE

try:  # partially known values (HCL): a string template with unknown pieces
    from ..model import Hole, PartialString
except ImportError:  # pragma: no cover - a model without partial values
    Hole = PartialString = None  # type: ignore[assignment,misc]


# =============================================================================
# what the unknown parts of a statement refer to
# =============================================================================
@dataclass
class Origin:
    """Where a statement came from: its partially known form (HCL) and the references of its
    principals / condition values (both forms)."""

    partial: dict | None = None
    principal_refs: tuple = ()
    condition_refs: dict = field(default_factory=dict)  # (test lower, variable lower) -> refs
    resource_refs: tuple = ()  # references of Resource / NotResource
    per_field: bool = False  # the refs above are the statement's own (a policy document's block)


def _plain(value: Any) -> Any:
    """A partially known value with every partially known string UNKNOWN (what policy_statements reads)."""
    if PartialString is not None and isinstance(value, PartialString):
        return UNKNOWN
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class StatementOrigins:
    """Finds the :class:`Origin` of a normalized statement of ``resource.<path>``."""

    def __init__(self, model: Model, resource: Resource, path: str):
        self.model = model
        self.entries: list[tuple[dict, Origin]] = []
        self._seen: set[str] = set()
        partial_value = getattr(model, "partial_value", None)
        value = resource.get(path)
        if value is UNKNOWN and partial_value is not None:
            doc = partial_value(resource, path)
            raw = doc.get("Statement") if isinstance(doc, dict) else None
            for st in ([raw] if isinstance(raw, dict) else raw if isinstance(raw, list) else []):
                plain = normalize_json_statement(_plain(st))
                if plain is not UNKNOWN:
                    self.entries.append((plain, Origin(partial=normalize_json_statement(st))))
        for address in resource.refs_under(path):
            for doc in model.instances(address):
                if doc.type == POLICY_DOCUMENT:
                    self._visit(doc, 0)

    @classmethod
    def of(cls, model: Model, resource: Resource, path: str) -> "StatementOrigins":
        """The origins of ``resource.<path>``, built once per model (several rules ask of one policy)."""
        memo = getattr(model, "memo", None)
        if memo is None:
            return cls(model, resource, path)
        return memo(("statement_origins", resource.address, path), lambda: cls(model, resource, path))

    def _visit(self, doc: Resource, depth: int) -> None:
        if doc.address in self._seen or depth > 8:
            return
        self._seen.add(doc.address)
        memo = getattr(self.model, "memo", None)
        if memo is not None:  # a policy document's own statements: read once per model
            self.entries.extend(memo(("document_origins", doc.address), lambda: self._document_entries(doc)))
        else:
            self.entries.extend(self._document_entries(doc))
        for attr in ("source_policy_documents", "override_policy_documents"):
            for address in doc.refs_under(attr):
                for t in self.model.instances(address):
                    if t.type == POLICY_DOCUMENT:
                        self._visit(t, depth + 1)

    def _document_entries(self, doc: Resource) -> list[tuple[dict, "Origin"]]:
        entries: list[tuple[dict, Origin]] = []
        partial_value = getattr(self.model, "partial_value", None)
        for i, block in enumerate(doc.blocks("statement")):
            partial_block = dict(block)
            cond_refs = {}
            if partial_value is not None:
                partial_block["resources"] = partial_value(doc, f"statement.{i}.resources")
                partial_block["not_resources"] = partial_value(doc, f"statement.{i}.not_resources")
                partial_block["principals"] = [
                    dict(pb, identifiers=partial_value(doc, f"statement.{i}.principals.{j}.identifiers"))
                    for j, pb in enumerate(block.get("principals") or []) if isinstance(pb, dict)]
                partial_block["condition"] = [
                    dict(cb, values=partial_value(doc, f"statement.{i}.condition.{k}.values"))
                    for k, cb in enumerate(block.get("condition") or []) if isinstance(cb, dict)]
            for k, c in enumerate(block.get("condition") or []):
                if isinstance(c, dict) and isinstance(c.get("test"), str) and isinstance(c.get("variable"), str):
                    cond_refs[(c["test"].lower(), c["variable"].lower())] = doc.refs_under(
                        f"statement.{i}.condition.{k}.values")
            entries.append((normalize_block_statement(block), Origin(
                partial=normalize_block_statement(partial_block) if partial_value is not None else None,
                principal_refs=doc.refs_under(f"statement.{i}.principals"), condition_refs=cond_refs,
                resource_refs=doc.refs_under(f"statement.{i}.resources") + doc.refs_under(
                    f"statement.{i}.not_resources"), per_field=True)))
        return entries

    def lookup(self, stmt: dict) -> Origin:
        found = [o for s, o in self.entries if s == stmt]
        if not found:
            return Origin()
        if len(found) == 1:
            return found[0]
        partials = [o.partial for o in found]
        return Origin(partial=partials[0] if all(p == partials[0] for p in partials) else None,
                      principal_refs=tuple(r for o in found for r in o.principal_refs),
                      condition_refs={k: tuple(r for o in found for r in o.condition_refs.get(k, ()))
                                      for o in found for k in o.condition_refs})


def exact_targets(model: Model, leaf: Any) -> list[tuple[Resource, str]] | None:
    """A leaf that is exactly ``<resource>.<attribute>`` (a partial string of one hole with
    references) -> [(resource, attribute)]; None when it is anything else."""
    if PartialString is None or not isinstance(leaf, PartialString):
        return None
    if len(leaf.parts) != 1 or not isinstance(leaf.parts[0], Hole) or not leaf.parts[0].refs:
        return None
    out = []
    for ref in leaf.parts[0].refs:
        address, _, attr = ref.rpartition(".")
        found = model.instances(address)
        if not found:
            return None
        out.extend((t, attr) for t in found)
    return out


def leaf_roles(model: Model, leaf: Any) -> list[Resource] | None:
    """The roles an unknown ARN / name leaf is exactly the ``arn``/``name``/``id`` of; None when it is
    not (only) that."""
    targets = exact_targets(model, leaf)
    if targets is None:
        if PartialString is not None and isinstance(leaf, PartialString):
            # "arn:...:role/${aws_iam_role.x.name}"
            parts = leaf.parts
            if (len(parts) >= 2 and isinstance(parts[-1], Hole) and isinstance(parts[-2], str)
                    and parts[-2].endswith(":role/") and parts[-1].refs):
                targets = []
                for ref in parts[-1].refs:
                    address, _, attr = ref.rpartition(".")
                    targets += [(t, attr) for t in model.instances(address)]
                if targets and all(t.type == ROLE and a == "name" for t, a in targets):
                    return [t for t, _ in targets]
        return None
    if targets and all(t.type == ROLE and attr in ("arn", "name", "id", "unique_id") for t, attr in targets):
        return [t for t, _ in targets]
    return None


def ref_roles(model: Model, refs: Iterable[str]) -> list[Resource] | None:
    """The roles a list of references names, when it names nothing but roles (plan form)."""
    roles = []
    for address in refs:
        found = model.instances(address)
        if not found or any(t.type != ROLE for t in found):
            return None
        roles += [t for t in found if t not in roles]
    return roles or None
