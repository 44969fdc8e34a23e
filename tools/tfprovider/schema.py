"""The real hashicorp/aws 6.19.0 schema, read from ``shared/aws-provider-schema/`` at run time.

``Schemas`` holds the ``terraform providers schema -json`` document (the full one when present, else
the trimmed one) and the provider's static defaults, and turns the document into the
``GetProviderSchema`` response terraform asks for.  That conversion of ~2,200 types takes a couple of
seconds, and terraform starts the provider several times per command, so the serialized response is
cached next to the launcher (``cache_dir``) and reused while the schema file is unchanged.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import pickle
from pathlib import Path
from typing import Any

PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/aws"
VERSION = "6.19.0"
FULL = f"aws-{VERSION}.json.gz"
TRIMMED = f"aws-{VERSION}.trimmed.json"
DEFAULTS = f"aws-{VERSION}.defaults.json"
CACHE_FORMAT = 2  # bump when the cached form changes

_NESTING = {"single": 1, "list": 2, "set": 3, "map": 4, "group": 5}
_OBJECT_NESTING = {"single": 1, "list": 2, "set": 3, "map": 4}


class SchemaMissing(Exception):
    """The shared provider schema is not where it should be."""


def schema_files(schema_dir: Path, which: str = "auto") -> Path:
    """The schema document to serve: ``full``, ``trimmed``, or ``auto`` (full when present)."""
    full, trimmed = schema_dir / FULL, schema_dir / TRIMMED
    if which in ("auto", "full") and full.is_file():
        return full
    if which in ("auto", "trimmed") and trimmed.is_file():
        return trimmed
    raise SchemaMissing(f"hashicorp/aws {VERSION} schema not found in {schema_dir} "
                        f"(need {FULL} or {TRIMMED}; set AUDITGATE_SHARED to the shared/ folder)")


def _read_json(path: Path) -> dict:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return json.loads(raw)


class Schemas:
    """Blocks by type (``resource``/``data``), static defaults, and the protobuf response."""

    def __init__(self, schema_path: Path, defaults_path: Path | None, cache_dir: Path | None = None):
        self.schema_path = Path(schema_path)
        self.defaults_path = Path(defaults_path) if defaults_path else None
        self._response_bytes: bytes | None = None
        self._types: dict[str, str] | None = None  # "resource:aws_x" -> JSON text of {"version", "block"}
        self._blocks: dict[str, dict] = {}
        self.defaults: dict = {}
        if self.defaults_path and self.defaults_path.is_file():
            self.defaults = json.loads(self.defaults_path.read_text())
        self._load(cache_dir)

    # -- loading -------------------------------------------------------------------------------

    def _cache_key(self) -> str:
        stat = self.schema_path.stat()
        text = f"{CACHE_FORMAT}:{self.schema_path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def _load(self, cache_dir: Path | None) -> None:
        cache = Path(cache_dir) / f"schema-{self._cache_key()}.pickle" if cache_dir else None
        if cache is not None and cache.is_file():
            try:
                self._response_bytes, self._types = pickle.loads(cache.read_bytes())
                return
            except Exception:  # a torn or foreign file: rebuild it
                pass
        document = _read_json(self.schema_path)
        provider = document["provider_schemas"][PROVIDER_ADDRESS]
        self._types = {}
        for kind, table in (("resource", "resource_schemas"), ("data", "data_source_schemas")):
            for name, schema in provider.get(table, {}).items():
                self._types[f"{kind}:{name}"] = json.dumps(schema)
        self._types["provider:"] = json.dumps(provider["provider"])
        self._response_bytes = build_response(provider).SerializeToString()
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
            tmp.write_bytes(pickle.dumps((self._response_bytes, self._types), protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, cache)  # atomic: concurrent provider starts see the old or the new file

    # -- lookups -------------------------------------------------------------------------------

    @property
    def response_bytes(self) -> bytes:
        return self._response_bytes

    def has(self, kind: str, type_name: str) -> bool:
        return f"{kind}:{type_name}" in self._types

    def block(self, kind: str, type_name: str) -> dict:
        """The schema ``block`` of a ``resource`` or ``data`` type (``provider``, "" for the provider)."""
        key = f"{kind}:{type_name}"
        if key not in self._blocks:
            self._blocks[key] = json.loads(self._types[key])["block"]
        return self._blocks[key]

    def static_defaults(self, kind: str, type_name: str) -> dict[str, Any]:
        """{dotted path: default} of the provider's static ``Default:`` values for a type."""
        table = self.defaults.get("resource_schemas" if kind == "resource" else "data_source_schemas", {})
        return {path: entry["default"] for path, entry in table.get(type_name, {}).items()}

    def plan_time_computed(self, type_name: str) -> list[str]:
        return list(self.defaults.get("plan_time_computed", {}).get(type_name, []))


# --- the protobuf form ----------------------------------------------------------------------------


def build_response(provider: dict):
    from tf.gen import tfplugin_pb2 as pb

    response = pb.GetProviderSchema.Response()
    response.provider.CopyFrom(_schema(pb, provider["provider"]))
    for name, schema in provider.get("resource_schemas", {}).items():
        response.resource_schemas[name].CopyFrom(_schema(pb, schema))
    for name, schema in provider.get("data_source_schemas", {}).items():
        response.data_source_schemas[name].CopyFrom(_schema(pb, schema))
    # Each provider instance answers GetProviderSchema itself (no global schema cache in terraform).
    response.server_capabilities.get_provider_schema_optional = False
    return response


def _schema(pb, schema: dict):
    return pb.Schema(version=schema.get("version", 0), block=_block(pb, schema["block"]))


def _block(pb, block: dict):
    out = pb.Schema.Block(deprecated=bool(block.get("deprecated")))
    for name, attr in sorted(block.get("attributes", {}).items()):
        out.attributes.append(_attribute(pb, name, attr))
    for name, nested in sorted(block.get("block_types", {}).items()):
        out.block_types.append(pb.Schema.NestedBlock(
            type_name=name, block=_block(pb, nested["block"]), nesting=_NESTING[nested["nesting_mode"]],
            min_items=nested.get("min_items", 0), max_items=nested.get("max_items", 0)))
    return out


def _attribute(pb, name: str, attr: dict):
    out = pb.Schema.Attribute(name=name, required=bool(attr.get("required")), optional=bool(attr.get("optional")),
                              computed=bool(attr.get("computed")), sensitive=bool(attr.get("sensitive")),
                              deprecated=bool(attr.get("deprecated")))
    if "type" in attr:
        out.type = json.dumps(attr["type"], separators=(",", ":")).encode()
    if "nested_type" in attr:
        nested = attr["nested_type"]
        obj = pb.Schema.Object(nesting=_OBJECT_NESTING[nested["nesting_mode"]])
        for inner_name, inner in sorted(nested.get("attributes", {}).items()):
            obj.attributes.append(_attribute(pb, inner_name, inner))
        out.nested_type.CopyFrom(obj)
    return out
