"""Terraform's JSON configuration syntax (``*.tf.json``), read into the same Body/Block/Attr
structures as native ``.tf`` files, with the line of every block and argument.

The mapping is terraform's ("JSON Configuration Syntax"):

* the root object's properties are top-level block types; labels are levels of nested objects
  (``{"resource": {"aws_s3_bucket": {"logs": {...body...}}}}``), and a label level may be an array of
  objects to repeat it;
* in a body, a property is a nested block when the schema says so (the provider's schema for
  resources and data sources, see :mod:`.schema`; ``lifecycle``, ``dynamic``, ``content``...
  for meta-blocks), given as one object or an array of objects; otherwise it is an argument;
* argument values are expressions: a string is a *template* (``"${var.x}"`` alone is ``var.x``
  itself), numbers/booleans/null are literals, objects and arrays build objects and tuples;
* exceptions: ``"//"`` properties are comments; ``provider`` and ``depends_on`` hold references as
  strings; a variable's ``type`` is a type expression in a string, its ``default`` and
  ``description`` are literal; a module's ``source``/``version`` and ``providers`` values are
  literal strings, as are a provider's ``alias`` and everything in ``terraform`` blocks.

Expressions are turned into native-syntax text and parsed by python-hcl2, so the evaluator sees
exactly the trees it sees for ``.tf`` files.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from json.decoder import scanstring
from typing import Any

from ...errors import InputError
from .parse import _parse_expression
from .schema import block_schema, nested_schema

# --------------------------------------------------------------------------------------------
# JSON with positions
# --------------------------------------------------------------------------------------------


@dataclass
class JNode:
    value: Any  # scalar value, list[JNode] (array) or list[tuple[str, JNode, int]] (object: key, value, line)
    kind: str  # "object" | "array" | "scalar"
    line: int


@dataclass
class _Cursor:
    text: str
    path: str
    i: int = 0
    line: int = 1
    newlines: list[int] = field(default_factory=list)


_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_WS = re.compile(r"[ \t\n\r]*")


def _line_at(cur: _Cursor, pos: int) -> int:
    return cur.text.count("\n", 0, pos) + 1


def _error(cur: _Cursor, message: str, pos: int | None = None) -> InputError:
    pos = cur.i if pos is None else pos
    line = _line_at(cur, pos)
    column = pos - (cur.text.rfind("\n", 0, pos) + 1) + 1
    return InputError(f"invalid JSON ({message})", f"{cur.path}:{line}:{column}")


def _skip_ws(cur: _Cursor) -> None:
    cur.i = _WS.match(cur.text, cur.i).end()


def _value(cur: _Cursor, depth: int = 0) -> JNode:
    if depth > 500:
        raise _error(cur, "nested too deeply")
    _skip_ws(cur)
    t, i = cur.text, cur.i
    if i >= len(t):
        raise _error(cur, "unexpected end of file")
    c = t[i]
    line = _line_at(cur, i)
    if c == "{":
        cur.i += 1
        pairs: list[tuple[str, JNode, int]] = []
        _skip_ws(cur)
        if t.startswith("}", cur.i):
            cur.i += 1
            return JNode(pairs, "object", line)
        while True:
            _skip_ws(cur)
            if not t.startswith('"', cur.i):
                raise _error(cur, "expected a property name")
            key_line = _line_at(cur, cur.i)
            try:
                key, cur.i = scanstring(t, cur.i + 1)
            except ValueError as exc:
                raise _error(cur, str(exc).split(":")[0]) from None
            _skip_ws(cur)
            if not t.startswith(":", cur.i):
                raise _error(cur, "expected ':'")
            cur.i += 1
            pairs.append((key, _value(cur, depth + 1), key_line))
            _skip_ws(cur)
            if t.startswith(",", cur.i):
                cur.i += 1
                continue
            if t.startswith("}", cur.i):
                cur.i += 1
                return JNode(pairs, "object", line)
            raise _error(cur, "expected ',' or '}'")
    if c == "[":
        cur.i += 1
        items: list[JNode] = []
        _skip_ws(cur)
        if t.startswith("]", cur.i):
            cur.i += 1
            return JNode(items, "array", line)
        while True:
            items.append(_value(cur, depth + 1))
            _skip_ws(cur)
            if t.startswith(",", cur.i):
                cur.i += 1
                continue
            if t.startswith("]", cur.i):
                cur.i += 1
                return JNode(items, "array", line)
            raise _error(cur, "expected ',' or ']'")
    if c == '"':
        try:
            text, cur.i = scanstring(t, i + 1)
        except ValueError as exc:
            raise _error(cur, str(exc).split(":")[0]) from None
        return JNode(text, "scalar", line)
    for word, value in (("true", True), ("false", False), ("null", None)):
        if t.startswith(word, i):
            cur.i = i + len(word)
            return JNode(value, "scalar", line)
    m = _NUMBER.match(t, i)
    if m and m.end() > i:
        cur.i = m.end()
        number = json.loads(m.group(0))
        return JNode(number, "scalar", line)
    raise _error(cur, f"unexpected {c!r}")


def parse_json_document(text: str, path: str) -> JNode:
    cur = _Cursor(text, path)
    node = _value(cur)
    _skip_ws(cur)
    if cur.i != len(text):
        raise _error(cur, "extra data after the document")
    return node


def plain(node: JNode) -> Any:
    """The plain JSON value of a node (positions dropped)."""
    if node.kind == "object":
        return {k: plain(v) for k, v, _ in node.value}
    if node.kind == "array":
        return [plain(v) for v in node.value]
    return node.value


# --------------------------------------------------------------------------------------------
# expressions: JSON value -> native syntax text -> python-hcl2 tree
# --------------------------------------------------------------------------------------------
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_literal(text: str, literal: bool) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    escaped = "".join(out)
    if literal:  # not a template: ${ and %{ are text
        escaped = escaped.replace("${", "$${").replace("%{", "%%{")
    return escaped


def _find_close(text: str, i: int) -> int:
    """``i`` just after ``${``/``%{``: index of the matching ``}`` (strings inside may hold braces)."""
    depth, n = 1, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def template_text(text: str) -> str:
    """A JSON string as a native quoted template: literal text escaped, ``${...}``/``%{...}`` kept."""
    out: list[str] = []
    i, n, start = 0, len(text), 0
    while i < n:
        if text.startswith(("$${", "%%{"), i):
            i += 3
            continue
        if text.startswith(("${", "%{"), i):
            close = _find_close(text, i + 2)
            if close < 0:
                break
            out.append(_escape_literal(text[start:i], False))
            out.append(text[i:close + 1])
            i = start = close + 1
            continue
        i += 1
    out.append(_escape_literal(text[start:], False))
    return '"' + "".join(out) + '"'


def expression_text(node: JNode, literal: bool = False) -> str:
    """Native-syntax text of a JSON value interpreted as an expression (``literal``: strings are not
    templates, as for a variable's default)."""
    if node.kind == "object":
        items = []
        for key, value, _ in node.value:
            key_text = '"' + _escape_literal(key, True) + '"' if literal else template_text(key)
            items.append(f"{key_text} = {expression_text(value, literal)}")
        return "{\n" + "\n".join(items) + "\n}"
    if node.kind == "array":
        return "[\n" + ",\n".join(expression_text(v, literal) for v in node.value) + "\n]"
    value = node.value
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return '"' + _escape_literal(value, True) + '"' if literal else template_text(value)
    return json.dumps(value)


def _expr(text: str, path: str, line: int):
    try:
        return _parse_expression(text)
    except Exception:  # noqa: BLE001 - any parse failure of the embedded expression
        raise InputError("invalid expression in JSON configuration", f"{path}:{line}") from None


# --------------------------------------------------------------------------------------------
# bodies and blocks
# --------------------------------------------------------------------------------------------
META_BLOCK_TYPES = ("lifecycle", "provisioner", "connection")
_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1,
           "check": 1, "locals": 0, "terraform": 0, "moved": 0, "import": 0, "removed": 0}


class _Reader:
    def __init__(self, path: str):
        self.path = path

    def attr(self, name: str, node: JNode, line: int, literal: bool = False, raw: bool = False):
        from .config import Attr
        if raw:  # a reference or type expression written as a string
            if node.kind != "scalar" or not isinstance(node.value, str):
                raise InputError(f'"{name}" must be a string here', f"{self.path}:{line}")
            text = node.value
        else:
            text = expression_text(node, literal)
        shown = node.value if node.kind == "scalar" and isinstance(node.value, str) else ""
        return Attr(name, _expr(text, self.path, line), line, self.path, shown)

    def bodies(self, node: JNode, line: int) -> list[tuple[JNode, int]]:
        """One block body (an object) or several (an array of objects)."""
        if node.kind == "object":
            return [(node, line)]
        if node.kind == "array" and all(v.kind == "object" for v in node.value):
            return [(v, v.line) for v in node.value]
        raise InputError("a block must be given as a JSON object or an array of objects", f"{self.path}:{line}")

    def labelled(self, node: JNode, line: int, depth: int) -> list[tuple[list[str], JNode, int]]:
        """(labels, body, line) for each block under ``depth`` levels of label objects."""
        if depth == 0:
            return [([], body, body_line) for body, body_line in self.bodies(node, line)]
        out = []
        levels = node.value if node.kind == "array" else [node]
        for level in levels:
            if level.kind != "object":
                raise InputError("block labels must be given as JSON object properties", f"{self.path}:{level.line}")
            for key, value, key_line in level.value:
                if key == "//":
                    continue
                for labels, body, body_line in self.labelled(value, key_line, depth - 1):
                    out.append(([key] + labels, body, key_line if depth == 1 else body_line))
        return out

    def body(self, node: JNode, kind: str, schema: dict | None = None):
        """A block body; ``kind`` selects the exceptions of terraform's mapping."""
        from .config import Block, Body
        body = Body()
        for name, value, line in node.value:
            if name == "//":
                continue
            if kind in ("resource", "data"):
                if name == "provider":
                    body.attrs[name] = self.attr(name, value, line, raw=True)
                    continue
                if name == "depends_on":
                    continue  # references as strings; not needed to evaluate anything
                if name in META_BLOCK_TYPES:
                    for b, b_line in self.bodies(value, line):
                        body.blocks.append(Block(name, [], self.body(b, "literal"), self.path, b_line))
                    continue
            if kind in ("resource", "data", "nested") and name == "dynamic":
                for labels, b, b_line in self.labelled(value, line, 1):
                    body.blocks.append(Block("dynamic", labels, self.dynamic(b, nested_schema(schema, labels[0])),
                                             self.path, b_line))
                continue
            if kind in ("resource", "data", "nested") and schema is not None and name in schema.get("b", {}):
                if value.kind in ("object", "array"):
                    for b, b_line in self.bodies(value, line):
                        body.blocks.append(Block(name, [], self.body(b, "nested", nested_schema(schema, name)),
                                                 self.path, b_line))
                    continue
            if kind == "variable":
                if name == "type":
                    body.attrs[name] = self.attr(name, value, line, raw=True)
                elif name == "validation":
                    for b, b_line in self.bodies(value, line):
                        body.blocks.append(Block(name, [], self.body(b, "plain"), self.path, b_line))
                else:  # default, description, sensitive, nullable: literal values
                    body.attrs[name] = self.attr(name, value, line, literal=True)
                continue
            if kind == "output" and name in ("description", "sensitive", "ephemeral"):
                body.attrs[name] = self.attr(name, value, line, literal=True)
                continue
            if kind == "output" and name in ("precondition",):
                continue
            if kind == "module":
                if name in ("source", "version"):
                    body.attrs[name] = self.attr(name, value, line, literal=True)
                    continue
                if name == "providers":
                    body.attrs[name] = self.providers_map(value, line)
                    continue
                if name == "depends_on":
                    continue
            if kind == "provider" and name in ("alias", "version"):
                body.attrs[name] = self.attr(name, value, line, literal=True)
                continue
            if kind == "provider" and name in ("assume_role", "assume_role_with_web_identity", "default_tags",
                                               "endpoints", "ignore_tags") and value.kind in ("object", "array"):
                for b, b_line in self.bodies(value, line):
                    body.blocks.append(Block(name, [], self.body(b, "plain"), self.path, b_line))
                continue
            if kind == "literal":
                body.attrs[name] = self.attr(name, value, line, literal=True)
                continue
            body.attrs[name] = self.attr(name, value, line)
        return body

    def dynamic(self, node: JNode, schema: dict | None):
        from .config import Block, Body
        body = Body()
        for name, value, line in node.value:
            if name == "//":
                continue
            if name == "content":
                for b, b_line in self.bodies(value, line):
                    body.blocks.append(Block("content", [], self.body(b, "nested", schema), self.path, b_line))
            elif name == "iterator":
                body.attrs[name] = self.attr(name, value, line, raw=True)
            else:
                body.attrs[name] = self.attr(name, value, line)
        return body

    def providers_map(self, node: JNode, line: int):
        """``"providers": {"aws": "aws.usw1"}`` -> the native ``providers = { aws = aws.usw1 }``."""
        if node.kind != "object":
            raise InputError('"providers" must be a JSON object', f"{self.path}:{line}")
        items = []
        for key, value, key_line in node.value:
            if value.kind != "scalar" or not isinstance(value.value, str):
                raise InputError('"providers" values must be strings', f"{self.path}:{key_line}")
            items.append(f"{key} = {value.value}")
        from .config import Attr
        return Attr("providers", _expr("{\n" + "\n".join(items) + "\n}", self.path, line), line, self.path)


def parse_json_config(text: str, path: str):
    """The top-level Body of a ``.tf.json`` file (blocks with labels; ``locals`` as one block)."""
    from .config import Block, Body
    root = parse_json_document(text, path)
    if root.kind != "object":
        raise InputError("a JSON configuration file must hold a JSON object", path)
    reader = _Reader(path)
    top = Body()
    for kind, value, line in root.value:
        if kind == "//":
            continue
        depth = _LABELS.get(kind)
        if depth is None:
            raise InputError(f'unsupported block type "{kind}" in JSON configuration', f"{path}:{line}")
        if kind == "locals":
            for body, body_line in reader.bodies(value, line):
                block_body = Body()
                for name, expr, expr_line in body.value:
                    if name != "//":
                        block_body.attrs[name] = reader.attr(name, expr, expr_line)
                top.blocks.append(Block("locals", [], block_body, path, body_line))
            continue
        if kind in ("terraform", "moved", "import", "removed", "check"):
            continue  # settings and refactoring blocks: nothing to evaluate
        for labels, body, block_line in reader.labelled(value, line, depth):
            schema = block_schema("managed" if kind == "resource" else "data", labels[0]) \
                if kind in ("resource", "data") else None
            top.blocks.append(Block(kind, labels, reader.body(body, kind, schema), path, block_line))
    return top
