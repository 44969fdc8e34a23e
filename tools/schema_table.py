"""What the table generators (``gen_attr_types.py``, ``gen_sensitive_attrs.py``) share: the one-line-
per-type JSON layout of a table derived from the AWS provider schema, and the write / ``--check``
command line around it."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

PROVIDER = "registry.terraform.io/hashicorp/aws"


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def render(table: dict, extra: Sequence[str] = ()) -> str:
    """``table`` ({"source", *extra, "managed": {type: value}, "data": {type: value}}) with one line per
    type, so that a change reads as a diff of the types it touches."""
    lines = ["{", f'"source": {json.dumps(table["source"])},']
    lines += [f'"{key}": {_compact(table[key])},' for key in extra]
    for mode in ("managed", "data"):
        lines.append(f'"{mode}": {{')
        items = list(table[mode].items())
        for i, (name, value) in enumerate(items):
            comma = "," if i < len(items) - 1 else ""
            lines.append(f"{json.dumps(name)}: {_compact(value)}{comma}")
        lines.append("}," if mode == "managed" else "}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None, *, tool: str, doc: str, table: Path, schema: Path,
         read: Callable[[Path], dict], make: Callable[[dict], str], schema_option: bool = False) -> int:
    """Write ``make(read(schema))`` to ``table``; with ``--check``, exit 1 when ``table`` differs."""
    parser = argparse.ArgumentParser(prog=tool, description=doc.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the shipped table is current")
    if schema_option:
        parser.add_argument("--schema", type=Path, default=None, help=f"schema JSON (default: {schema})")
    args = parser.parse_args(argv)
    path = getattr(args, "schema", None) or schema
    if not path.is_file():
        print(f"{tool}: provider schema not found at {path} (set AUDITGATE_SHARED)", file=sys.stderr)
        return 2
    text = make(read(path))
    if args.check:
        if (table.read_text() if table.is_file() else "") != text:
            print(f"{tool}: {table} is stale; run python tools/{tool}.py", file=sys.stderr)
            return 1
        return 0
    table.write_text(text)
    print(f"wrote {table} ({len(text)} bytes)")
    return 0
