"""String templates: ``"a-${x}"``, heredocs (``<<EOT`` / ``<<-EOT``), ``%{if}`` / ``%{for}``
directives, ``~`` strip markers, and template files (``templatefile``).

A template is a list of items:
``("lit", text) | ("interp", expr) | ("if", cond, then_items, else_items)
| ("for", key_name|None, value_name, collection_expr, body_items)``.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from lark import Token, Tree

from .tree import kids, name_of


class TemplateSyntaxError(Exception):
    pass


_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def unescape(text: str) -> str:
    def repl(m: re.Match) -> str:
        code = m.group(1)
        if code in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[code]
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return m.group(0)

    return _ESCAPE_RE.sub(repl, text) if "\\" in text else text


def _apply_strip(flat: list[list]) -> None:
    """Honour ``~`` strip markers: trim whitespace of the neighbouring literals."""
    for i, item in enumerate(flat):
        if item[0] == "lit":
            continue
        strip_left, strip_right = item[-2], item[-1]
        if strip_left and i > 0 and flat[i - 1][0] == "lit":
            flat[i - 1][1] = flat[i - 1][1].rstrip()
        if strip_right and i + 1 < len(flat) and flat[i + 1][0] == "lit":
            flat[i + 1][1] = flat[i + 1][1].lstrip()


def _nest(flat: list[list]) -> list[tuple]:
    """Turn the flat item list (with if/else/endif/for/endfor markers) into a tree."""
    root: list = []
    stack: list[tuple[str, list, Any]] = []  # (kind, current_list, node-builder)
    current = root
    for item in flat:
        kind = item[0]
        if kind == "lit":
            if item[1]:
                current.append(("lit", item[1]))
        elif kind == "interp":
            current.append(("interp", item[1]))
        elif kind == "if":
            node = {"kind": "if", "cond": item[1], "then": [], "else": [], "in_else": False}
            stack.append(("if", current, node))
            current = node["then"]
        elif kind == "else":
            if not stack or stack[-1][0] != "if" or stack[-1][2]["in_else"]:
                raise TemplateSyntaxError("else without if")
            node = stack[-1][2]
            node["in_else"] = True
            current = node["else"]
        elif kind == "endif":
            if not stack or stack[-1][0] != "if":
                raise TemplateSyntaxError("endif without if")
            _, parent, node = stack.pop()
            parent.append(("if", node["cond"], tuple(node["then"]), tuple(node["else"])))
            current = parent
        elif kind == "for":
            node = {"kind": "for", "key": item[1], "value": item[2], "coll": item[3], "body": []}
            stack.append(("for", current, node))
            current = node["body"]
        elif kind == "endfor":
            if not stack or stack[-1][0] != "for":
                raise TemplateSyntaxError("endfor without for")
            _, parent, node = stack.pop()
            parent.append(("for", node["key"], node["value"], node["coll"], tuple(node["body"])))
            current = parent
    if stack:
        raise TemplateSyntaxError("unterminated template directive")
    return root


def _template_from_string_tree(tree: Tree) -> list[tuple]:
    flat: list[list] = []
    for part in tree.children:
        if not isinstance(part, Tree) or part.data != "string_part":
            continue
        for child in part.children:
            if isinstance(child, Token):
                if child.type == "ESCAPED_INTERPOLATION" or child.type == "ESCAPED_DIRECTIVE":
                    text = str(child)[1:]
                else:
                    text = unescape(str(child))
                if flat and flat[-1][0] == "lit":
                    flat[-1][1] += text
                else:
                    flat.append(["lit", text])
                continue
            data = child.data
            exprs = kids(child)
            strip_left = strip_right = False
            seen_keyword = False
            for tok in child.children:
                if isinstance(tok, Token):
                    if tok.type == "STRIP_MARKER":
                        if seen_keyword:
                            strip_right = True
                        else:
                            strip_left = True
                    elif tok.type in ("IF", "ELSE", "ENDIF", "FOR", "ENDFOR"):
                        seen_keyword = True
            if data == "interpolation":
                flat.append(["interp", exprs[0], False, False])
            elif data == "template_if_start":
                flat.append(["if", exprs[-1], strip_left, strip_right])
            elif data == "template_else":
                flat.append(["else", strip_left, strip_right])
            elif data == "template_endif":
                flat.append(["endif", strip_left, strip_right])
            elif data == "template_for_start":
                names = [name_of(k) for k in exprs[:-1]]  # the collection expression comes last
                key_name, value_name = (names[0], names[1]) if len(names) == 2 else (None, names[0])
                flat.append(["for", key_name, value_name, exprs[-1], strip_left, strip_right])
            elif data == "template_endfor":
                flat.append(["endfor", strip_left, strip_right])
            else:
                raise TemplateSyntaxError(f"unsupported template part {data}")
    _apply_strip(flat)
    return _nest(flat)


def _skip_string(text: str, i: int) -> int:
    """``i`` is just after an opening quote; return the index after the closing one."""
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            return i + 1
        if text.startswith("$${", i) or text.startswith("%%{", i):
            i += 3
            continue
        if text.startswith("${", i) or text.startswith("%{", i):
            i = _find_close(text, i + 2) + 1
            continue
        i += 1
    raise TemplateSyntaxError("unterminated string in template")


def _find_close(text: str, i: int) -> int:
    """``i`` is just after ``${`` / ``%{``; return the index of the matching ``}``."""
    depth = 1
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i = _skip_string(text, i + 1)
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise TemplateSyntaxError("unterminated template sequence")


_FOR_DIRECTIVE = re.compile(r"^for\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\s+(.+)$", re.S)


_LINE_RE = re.compile(r"[^\n]*\n|[^\n]+")


def _flush_heredoc(flat: list[list]) -> None:
    """HCL's ``<<-`` rule (hclsyntax flushHeredocTemplateParts), applied after ``~`` stripping:
    the smallest indentation of line-leading literal tokens is removed from each of them; a
    directive or interpolation at the start of a line counts as indentation 0, and a line that
    is only whitespace is ignored (and left alone)."""
    min_spaces = None
    newline = True
    adjust: list[list] = []
    for item in flat:
        if newline:
            newline = False
            spaces = 0
            if item[0] == "lit":
                text = item[1]
                trimmed = text.lstrip()
                if not trimmed and text.endswith("\n"):
                    spaces = None
                else:
                    spaces = len(text) - len(trimmed)
                    adjust.append(item)
            if spaces is not None and (min_spaces is None or spaces < min_spaces):
                min_spaces = spaces
        if item[0] == "lit" and item[1].endswith("\n"):
            newline = True
    if min_spaces:
        for item in adjust:
            item[1] = item[1][min_spaces:]


def parse_template_text(text: str, parse_expr: Callable[[str], Tree], per_line: bool = True,
                        flush: bool = False) -> list[tuple]:
    """Parse raw template text (a heredoc body or a template file).

    ``per_line``: literal text becomes one token per line, as HCL's scanner does for heredocs,
    which matters for ``~`` strip markers (they trim only the neighbouring token).
    ``flush``: apply the ``<<-`` indentation rule.
    """
    flat: list[list] = []
    buf: list[str] = []
    i, n = 0, len(text)

    def flush_buffer() -> None:
        if buf:
            literal = "".join(buf)
            pieces = _LINE_RE.findall(literal) if per_line else [literal]
            flat.extend(["lit", piece] for piece in pieces)
            buf.clear()

    while i < n:
        if text.startswith("$${", i) or text.startswith("%%{", i):
            buf.append(text[i + 1:i + 3])
            i += 3
            continue
        if text.startswith("${", i) or text.startswith("%{", i):
            close = _find_close(text, i + 2)
            inner = text[i + 2:close]
            kind = text[i]
            i = close + 1
            flush_buffer()
            strip_left = inner.startswith("~")
            strip_right = inner.endswith("~") and len(inner) > (1 if strip_left else 0)
            inner = inner[1 if strip_left else 0:len(inner) - (1 if strip_right else 0)].strip()
            if kind == "$":
                flat.append(["interp", parse_expr(inner), strip_left, strip_right])
                continue
            if inner == "else":
                flat.append(["else", strip_left, strip_right])
            elif inner == "endif":
                flat.append(["endif", strip_left, strip_right])
            elif inner == "endfor":
                flat.append(["endfor", strip_left, strip_right])
            elif inner.startswith("if ") or inner.startswith("if("):
                flat.append(["if", parse_expr(inner[2:].strip()), strip_left, strip_right])
            else:
                m = _FOR_DIRECTIVE.match(inner)
                if not m:
                    raise TemplateSyntaxError(f"unknown template directive %{{{inner}}}")
                key_name, value_name = (m.group(1), m.group(2)) if m.group(2) else (None, m.group(1))
                flat.append(["for", key_name, value_name, parse_expr(m.group(3)), strip_left, strip_right])
            continue
        buf.append(text[i])
        i += 1
    flush_buffer()
    _apply_strip(flat)
    if flush:
        _flush_heredoc(flat)
    return _nest(flat)


_HEREDOC_HEAD = re.compile(r"<<(-?)([A-Za-z][\w.-]*)\r?\n")


def heredoc_body(token: str) -> tuple[str, bool]:
    """(body text without the closing marker line, whether it is a flush ``<<-`` heredoc)."""
    m = _HEREDOC_HEAD.match(token)
    if not m:
        raise TemplateSyntaxError("malformed heredoc")
    lines = token[m.end():].split("\n")
    # drop the closing marker line (and the empty string after its newline)
    while lines and lines[-1].strip() == "":
        lines.pop()
    if lines and lines[-1].strip() == m.group(2):
        lines.pop()
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    return "".join(line + "\n" for line in lines), m.group(1) == "-"
