"""A small static evaluator for HCL expressions, working on python-hcl2's raw lark tree.

The evaluator knows nothing about modules or resources: it resolves the first
name of a reference (``var``, ``local``, ``module``, ``data``, a resource type,
``path``...) through a *context* object (see :mod:`.hcl`), which hands back
:class:`Proxy` objects that answer attribute and index access lazily.  That is
how a reference such as ``module.kms.key_arn`` evaluates the output expression
of just that output, in just that module instance.

Values are plain Python (str, int, float, bool, None, list, dict) or
:data:`~lint_rules.model.UNKNOWN`.  Anything the evaluator cannot compute
statically is UNKNOWN; it never guesses.  A genuine Terraform evaluation error
(missing map key, index out of range, wrong type...) raises :class:`EvalError`,
which ``try()``/``can()`` catch and which otherwise becomes UNKNOWN at the top.

References: every time a resource or data source is named, the context calls
:meth:`Evaluator.record` with its absolute config address; callers collect the
addresses an expression touched with :meth:`Evaluator.collecting`.

Partial forms: :meth:`Evaluator.partial` says what is still known about an
expression whose value is UNKNOWN (a string template's known text, the structure
given to ``jsonencode``); see :class:`~lint_rules.model.PartialString`.  It never
changes the value :meth:`Evaluator.evaluate` returns.
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from lark import Token, Tree

from ..model import IDENTITY_ATTRIBUTES, UNKNOWN, Hole, PartialString

# ---------------------------------------------------------------------------
# errors and helpers
# ---------------------------------------------------------------------------


class EvalError(Exception):
    """A Terraform evaluation error (the expression is invalid for these values)."""


class _Unsupported(Exception):
    """Something this evaluator does not model: the result is UNKNOWN."""


class TemplateSyntaxError(Exception):
    pass


def kids(tree: Tree) -> list[Tree]:
    """Child trees, without newline/comment nodes and tokens."""
    return [c for c in tree.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def first_token(node: Any) -> Token | None:
    if isinstance(node, Token):
        return node
    for child in node.children:
        tok = first_token(child)
        if tok is not None:
            return tok
    return None


def name_of(node: Any) -> str:
    """Text of an identifier / keyword / literal_value node (an attribute or block name)."""
    tok = first_token(node)
    return str(tok) if tok is not None else ""


def has_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, list):
        return any(has_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(has_unknown(v) for v in value.values())
    return False


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def norm_number(value: float | int) -> float | int:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 63:
        return int(value)
    return value


def arith_result(value: float | int) -> float | int:
    """Terraform computes with big decimals (0.1 + 0.2 == 0.3); approximate that."""
    if isinstance(value, float) and math.isfinite(value):
        value = float(f"{value:.16g}")
    return norm_number(value)


_NUM_RE = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


def to_number(value: Any) -> int | float:
    if is_number(value):
        return value
    if isinstance(value, str) and _NUM_RE.match(value.strip()):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            return norm_number(float(text))
    raise EvalError(f"a number is required, got {type_name(value)}")


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value == "true":
        return True
    if value == "false":
        return False
    raise EvalError(f"a bool is required, got {type_name(value)}")


def number_str(value: int | float) -> str:
    value = norm_number(value)
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    return text


def to_str(value: Any) -> str:
    """String conversion as in templates and string-typed arguments."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return number_str(value)
    if value is None:
        raise EvalError("a null value cannot be used as a string")
    raise EvalError(f"a string is required, got {type_name(value)}")


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "tuple"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def equal(a: Any, b: Any) -> bool:
    """Terraform equality: type-strict (1 != "1", true != 1)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) or is_number(b):
        return is_number(a) and is_number(b) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def key_str(value: Any) -> str:
    """A map key: strings, numbers and bools convert to strings."""
    if isinstance(value, (str, bool)) or is_number(value):
        return to_str(value)
    raise EvalError(f"a map key must be a string, got {type_name(value)}")


class TfSet(list):
    """A Terraform set: a list whose elements are their own keys when iterated."""


def iter_collection(value: Any) -> list[tuple[Any, Any]]:
    """(key, value) pairs of a list (index keys), a set (element keys) or a map (lexical order)."""
    if isinstance(value, TfSet):
        return [(v, v) for v in value]
    if isinstance(value, list):
        return list(enumerate(value))
    if isinstance(value, dict):
        return [(k, value[k]) for k in sorted(value)]
    raise EvalError(f"cannot iterate over {type_name(value)}")


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


# ---------------------------------------------------------------------------
# scopes and proxies
# ---------------------------------------------------------------------------

NOTSET = object()


class Scope:
    """Where an expression is evaluated: a context (module instance) plus local bindings.

    ``count`` / ``each`` are NOTSET outside a count/for_each block; ``each`` is a
    (key, value) pair or UNKNOWN.
    """

    __slots__ = ("ctx", "names", "count", "each", "each_refs")

    def __init__(self, ctx: Any, names: dict | None = None, count: Any = NOTSET, each: Any = NOTSET,
                 each_refs: tuple = ()):
        self.ctx = ctx
        self.names = names or {}
        self.count = count
        self.each = each
        self.each_refs = each_refs  # references of the for_each expression, carried by each.value

    def bind(self, names: dict) -> "Scope":
        merged = dict(self.names)
        merged.update(names)
        return Scope(self.ctx, merged, self.count, self.each, self.each_refs)


class Proxy:
    """A lazily resolved reference (a namespace, a module, a resource...)."""

    def attr(self, name: str) -> Any:
        raise EvalError(f"unsupported attribute {name!r}")

    def index(self, key: Any) -> Any:
        raise EvalError("this value cannot be indexed")

    def splat_items(self) -> list | None:
        """Elements for ``[*]`` (None: use the materialized value)."""
        return None

    def value(self) -> Any:
        raise EvalError("this reference cannot be used as a value")

    def exact_address(self) -> str | None:
        """The absolute address of the one managed resource instance this proxy stands
        for (used for :class:`~lint_rules.model.Hole` refs); None when it is not one."""
        return None


class _CountNS(Proxy):
    def __init__(self, scope: Scope):
        self.scope = scope

    def attr(self, name: str) -> Any:
        if name != "index":
            raise EvalError(f"count has no attribute {name!r}")
        if self.scope.count is NOTSET:
            raise EvalError("count.index used outside a block with count")
        return self.scope.count


class _EachNS(Proxy):
    def __init__(self, scope: Scope, evaluator: "Evaluator"):
        self.scope = scope
        self.evaluator = evaluator

    def attr(self, name: str) -> Any:
        if name not in ("key", "value"):
            raise EvalError(f"each has no attribute {name!r}")
        each = self.scope.each
        if each is NOTSET:
            raise EvalError(f"each.{name} used outside a block with for_each")
        if name == "value":
            self.evaluator.extend(self.scope.each_refs)
        if each is UNKNOWN:
            return UNKNOWN
        return each[0] if name == "key" else each[1]


class DynamicIterator(Proxy):
    """The iterator of a ``dynamic`` block (``<name>.key`` / ``<name>.value``); using its
    value carries the references of the block's for_each expression."""

    def __init__(self, key: Any, value: Any, refs: tuple, evaluator: "Evaluator"):
        self.key, self.val, self.refs, self.evaluator = key, value, refs, evaluator

    def attr(self, name: str) -> Any:
        if name not in ("key", "value"):
            raise EvalError(f"a dynamic block iterator has no attribute {name!r}")
        if name == "key":
            return self.key
        self.evaluator.extend(self.refs)
        return self.val

    def value(self) -> Any:
        self.evaluator.extend(self.refs)
        return {"key": self.key, "value": self.val}


# ---------------------------------------------------------------------------
# templates
# ---------------------------------------------------------------------------
# A template is a list of items:
#   ("lit", text) | ("interp", expr) | ("if", cond, then_items, else_items)
#   | ("for", key_name|None, value_name, collection_expr, body_items)


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


# ---------------------------------------------------------------------------
# functions
# ---------------------------------------------------------------------------
# mode "strict": any unknown anywhere in the arguments -> UNKNOWN
# mode "partial": only an argument that is itself UNKNOWN -> UNKNOWN
# mode "raw": the implementation handles UNKNOWN itself

FUNCTIONS: dict[str, tuple[Callable[..., Any], str]] = {}


def _fn(name: str, mode: str = "strict"):
    def deco(f):
        FUNCTIONS[name] = (f, mode)
        return f

    return deco


def _need_list(v: Any, what: str = "a list") -> list:
    if isinstance(v, list):
        return v
    raise EvalError(f"{what} is required, got {type_name(v)}")


def _need_map(v: Any) -> dict:
    if isinstance(v, dict):
        return v
    raise EvalError(f"a map is required, got {type_name(v)}")


def _need_str(v: Any) -> str:
    return to_str(v)


def _json_ready(v: Any) -> Any:
    if isinstance(v, float):
        return norm_number(v)
    if isinstance(v, list):
        return [_json_ready(x) for x in v]
    if isinstance(v, dict):
        return {k: _json_ready(x) for k, x in v.items()}
    return v


def json_encode(v: Any) -> str:
    text = json.dumps(_json_ready(v), separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


@_fn("jsonencode")
def _jsonencode(v):
    return json_encode(v)


@_fn("jsondecode")
def _jsondecode(s):
    try:
        return _json_ready(json.loads(_need_str(s)))
    except ValueError as exc:
        raise EvalError(f"invalid JSON: {exc}") from None


@_fn("merge", "partial")
def _merge(*maps):
    out: dict = {}
    for m in maps:
        if m is None:
            continue
        out.update(_need_map(m))
    return out


@_fn("concat", "partial")
def _concat(*lists):
    out: list = []
    for item in lists:
        out.extend(_need_list(item))
    return out


@_fn("length", "partial")
def _length(v):
    if isinstance(v, (str, list, dict)):
        return len(v)
    raise EvalError(f"length() needs a string or collection, got {type_name(v)}")


@_fn("lookup", "partial")
def _lookup(m, key, *default):
    if has_unknown(key):
        return UNKNOWN
    m = _need_map(m)
    key = key_str(key)
    if key in m:
        return m[key]
    if default:
        return default[0]
    raise EvalError(f"lookup: no key {key!r}")


@_fn("element", "partial")
def _element(lst, idx):
    lst = _need_list(lst)
    if has_unknown(idx):
        return UNKNOWN
    i = int(to_number(idx))
    if not lst:
        raise EvalError("element() of an empty list")
    if i < 0:
        raise EvalError("element() index must not be negative")
    return lst[i % len(lst)]


_FMT_RE = re.compile(r"%([-+ #0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])")


def _format_one(flags: str, width: str | None, prec: str | None, verb: str, arg: Any) -> str:
    if verb == "v" and "#" in flags:
        return json_encode(arg)
    if verb in ("v", "s"):
        if isinstance(arg, (list, dict)):
            if verb == "s":
                raise EvalError("format %s needs a string")
            text = json_encode(arg)
        elif arg is None:
            text = "null"
        else:
            text = to_str(arg)
        if prec is not None:
            text = text[:int(prec)]
    elif verb == "q":
        text = json.dumps(to_str(arg), ensure_ascii=False)
    elif verb == "t":
        text = "true" if to_bool(arg) else "false"
    elif verb == "d":
        num = to_number(arg)
        if isinstance(num, float):
            raise EvalError("format %d needs a whole number")
        pyflags = flags.replace("#", "")
        return format(num, f"{'<' if '-' in pyflags else ''}{'+' if '+' in pyflags else ''}"
                           f"{' ' if ' ' in pyflags else ''}{'0' if '0' in pyflags and '-' not in pyflags else ''}"
                           f"{width or ''}d")
    elif verb in ("f", "e", "g", "x", "X", "o", "b"):
        num = to_number(arg)
        if verb in "xXob" and isinstance(num, float):
            raise EvalError(f"format %{verb} needs a whole number")
        precision = f".{prec}" if prec is not None and verb in "feg" else ""
        align = "<" if "-" in flags else ""
        zero = "0" if "0" in flags and "-" not in flags else ""
        sign = "+" if "+" in flags else ""
        return format(num, f"{align}{sign}{zero}{width or ''}{precision}{verb}")
    else:
        raise _Unsupported(f"format verb %{verb}")
    if width:
        text = text.ljust(int(width)) if "-" in flags else text.rjust(int(width))
    return text


def format_string(fmt: str, args: list) -> str:
    out: list[str] = []
    pos = 0
    argi = 0
    for m in _FMT_RE.finditer(fmt):
        out.append(fmt[pos:m.start()])
        pos = m.end()
        flags, width, prec, verb = m.groups()
        if verb == "%":
            out.append("%")
            continue
        if argi >= len(args):
            raise EvalError("format: not enough arguments")
        out.append(_format_one(flags, width, prec, verb, args[argi]))
        argi += 1
    out.append(fmt[pos:])
    if "%[" in fmt:
        raise _Unsupported("explicit argument indexes in format")
    if argi < len(args):
        raise EvalError("format: too many arguments")
    return "".join(out)


@_fn("format")
def _format(fmt, *args):
    return format_string(_need_str(fmt), list(args))


@_fn("formatlist")
def _formatlist(fmt, *args):
    fmt = _need_str(fmt)
    length = None
    for a in args:
        if isinstance(a, list):
            if length is not None and len(a) != length:
                raise EvalError("formatlist: lists of different lengths")
            length = len(a)
    if length is None:
        raise EvalError("formatlist needs at least one list argument")
    return [format_string(fmt, [a[i] if isinstance(a, list) else a for a in args]) for i in range(length)]


@_fn("lower")
def _lower(s):
    return _need_str(s).lower()


@_fn("upper")
def _upper(s):
    return _need_str(s).upper()


@_fn("title")
def _title(s):
    return re.sub(r"\b(\w)", lambda m: m.group(1).upper(), _need_str(s))


@_fn("trimspace")
def _trimspace(s):
    return _need_str(s).strip()


@_fn("chomp")
def _chomp(s):
    return re.sub(r"(\r\n|\n|\r)+$", "", _need_str(s))


@_fn("trimprefix")
def _trimprefix(s, prefix):
    s, prefix = _need_str(s), _need_str(prefix)
    return s[len(prefix):] if prefix and s.startswith(prefix) else s


@_fn("trimsuffix")
def _trimsuffix(s, suffix):
    s, suffix = _need_str(s), _need_str(suffix)
    return s[:-len(suffix)] if suffix and s.endswith(suffix) else s


@_fn("trim")
def _trim(s, chars):
    return _need_str(s).strip(_need_str(chars))


@_fn("join")
def _join(sep, *lists):
    if not lists:
        raise EvalError("join needs a list")
    items: list[str] = []
    for lst in lists:
        items.extend(_need_str(x) for x in _need_list(lst))
    return _need_str(sep).join(items)


@_fn("split")
def _split(sep, s):
    sep, s = _need_str(sep), _need_str(s)
    if s == "":
        return [""]
    if sep == "":
        return list(s)
    return s.split(sep)


def _go_regex(pattern: str) -> re.Pattern:
    if re.search(r"\\[pPzQE]|\(\?P?<\w+>|\[\[:", pattern):
        raise _Unsupported("RE2-specific regular expression syntax")
    try:
        return re.compile(pattern)
    except re.error:
        raise _Unsupported("regular expression") from None


@_fn("replace")
def _replace(s, sub, rep):
    s, sub, rep = _need_str(s), _need_str(sub), _need_str(rep)
    if len(sub) > 1 and sub.startswith("/") and sub.endswith("/"):
        rx = _go_regex(sub[1:-1])
        py_rep = re.sub(r"\$\{?(\d+)\}?", r"\\g<\1>", rep.replace("\\", "\\\\"))
        return rx.sub(py_rep, s)
    return s.replace(sub, rep)


@_fn("substr")
def _substr(s, offset, length):
    s = _need_str(s)
    offset, length = int(to_number(offset)), int(to_number(length))
    if offset < 0:
        offset = len(s) + offset
        if offset < 0:
            raise EvalError("substr offset out of range")
    if offset > len(s):
        raise EvalError("substr offset out of range")
    if length < 0:
        return s[offset:]
    return s[offset:offset + length]


@_fn("startswith")
def _startswith(s, prefix):
    return _need_str(s).startswith(_need_str(prefix))


@_fn("endswith")
def _endswith(s, suffix):
    return _need_str(s).endswith(_need_str(suffix))


@_fn("strcontains")
def _strcontains(s, sub):
    return _need_str(sub) in _need_str(s)


def _set_sort_key(v: Any):
    return (type_name(v), v if not isinstance(v, (list, dict)) else json_encode(v))


def unify(values: list) -> list:
    """Terraform's element-type unification: mixed primitives in one list/set/map become strings."""
    kinds = {type_name(v) for v in values if v is not None}
    if len(kinds) > 1 and kinds <= {"string", "number", "bool"}:
        return [to_str(v) if v is not None else None for v in values]
    return values


def _as_set(values: list) -> list:
    values = unify(values)
    out: list = []
    for v in values:
        if not any(equal(v, o) for o in out):
            out.append(v)
    if all(isinstance(v, str) for v in out) or all(is_number(v) for v in out):
        return TfSet(sorted(out))
    return TfSet(out)


@_fn("toset")
def _toset(v):
    return _as_set(_need_list(v, "a list or set"))


@_fn("tolist", "partial")
def _tolist(v):
    if v is None:
        return None
    return unify(list(_need_list(v, "a list or set")))  # a plain list: index keys again


@_fn("tomap", "partial")
def _tomap(v):
    if v is None:
        return None
    v = _need_map(v)
    return dict(zip(v.keys(), unify(list(v.values()))))


@_fn("tostring")
def _tostring(v):
    if v is None:
        return None
    if isinstance(v, (list, dict)):
        raise EvalError("tostring() of a collection")
    return to_str(v)


@_fn("tonumber")
def _tonumber(v):
    if v is None:
        return None
    return to_number(v)


@_fn("tobool")
def _tobool(v):
    if v is None:
        return None
    return to_bool(v)


@_fn("coalesce", "raw")
def _coalesce(*args):
    for a in args:
        if a is UNKNOWN:
            return UNKNOWN
        if a is not None and a != "":
            return a
    raise EvalError("coalesce: no non-null, non-empty argument")


@_fn("coalescelist", "raw")
def _coalescelist(*args):
    for a in args:
        if a is UNKNOWN:
            return UNKNOWN
        if _need_list(a):
            return a
    raise EvalError("coalescelist: all lists are empty")


@_fn("compact")
def _compact(v):
    return [x for x in _need_list(v) if x is not None and x != ""]


@_fn("distinct")
def _distinct(v):
    out: list = []
    for x in unify(_need_list(v)):
        if not any(equal(x, o) for o in out):
            out.append(x)
    return out


def _flatten(v: list) -> list:
    out: list = []
    for x in v:
        if isinstance(x, list):
            out.extend(_flatten(x))
        else:
            out.append(x)
    return out


@_fn("flatten")
def _flatten_fn(v):
    return _flatten(_need_list(v))


@_fn("keys", "partial")
def _keys(m):
    return sorted(_need_map(m))


@_fn("values", "partial")
def _values(m):
    m = _need_map(m)
    return [m[k] for k in sorted(m)]


@_fn("contains")
def _contains(lst, v):
    return any(equal(x, v) for x in _need_list(lst))


@_fn("index")
def _index(lst, v):
    for i, x in enumerate(_need_list(lst)):
        if equal(x, v):
            return i
    raise EvalError("index: value not found")


@_fn("min")
def _min(*nums):
    if not nums:
        raise EvalError("min() needs arguments")
    return min(to_number(n) for n in nums)


@_fn("max")
def _max(*nums):
    if not nums:
        raise EvalError("max() needs arguments")
    return max(to_number(n) for n in nums)


@_fn("sum")
def _sum(lst):
    lst = _need_list(lst)
    if not lst:
        raise EvalError("sum() of an empty list")
    return arith_result(math.fsum(to_number(n) for n in lst))


@_fn("abs")
def _abs(n):
    return abs(to_number(n))


@_fn("ceil")
def _ceil(n):
    return math.ceil(to_number(n))


@_fn("floor")
def _floor(n):
    return math.floor(to_number(n))


@_fn("zipmap", "partial")
def _zipmap(keys, vals):
    keys, vals = _need_list(keys), _need_list(vals)
    if has_unknown(keys):
        return UNKNOWN
    if len(keys) != len(vals):
        raise EvalError("zipmap: lists of different lengths")
    return {key_str(k): v for k, v in zip(keys, vals)}


@_fn("range")
def _range(*args):
    nums = [to_number(a) for a in args]
    if len(nums) == 1:
        start, stop, step = 0, nums[0], 1
    elif len(nums) == 2:
        start, stop, step = nums[0], nums[1], 1 if nums[1] >= nums[0] else -1
    elif len(nums) == 3:
        start, stop, step = nums
    else:
        raise EvalError("range() takes 1 to 3 arguments")
    if step == 0:
        raise EvalError("range() step must not be 0")
    out: list = []
    x = start
    while (step > 0 and x < stop) or (step < 0 and x > stop):
        out.append(norm_number(x))
        x += step
        if len(out) > 1024:
            raise EvalError("range() too long")
    return out


@_fn("sort")
def _sort(lst):
    return sorted(to_str(x) for x in _need_list(lst))


@_fn("reverse", "partial")
def _reverse(lst):
    return list(reversed(_need_list(lst)))


@_fn("slice", "partial")
def _slice(lst, start, end):
    lst = _need_list(lst)
    if has_unknown(start) or has_unknown(end):
        return UNKNOWN
    start, end = int(to_number(start)), int(to_number(end))
    if start < 0 or end > len(lst) or start > end:
        raise EvalError("slice() index out of range")
    return lst[start:end]


@_fn("one", "partial")
def _one(v):
    if v is None:
        return None
    v = _need_list(v)
    if len(v) > 1:
        raise EvalError("one() of a list with more than one element")
    return v[0] if v else None


@_fn("alltrue")
def _alltrue(lst):
    return all(to_bool(x) for x in _need_list(lst))


@_fn("anytrue")
def _anytrue(lst):
    return any(to_bool(x) for x in _need_list(lst))


@_fn("sensitive", "partial")
def _sensitive(v):
    return v


@_fn("nonsensitive", "partial")
def _nonsensitive(v):
    return v


@_fn("base64encode")
def _base64encode(s):
    return base64.b64encode(_need_str(s).encode()).decode()


@_fn("base64decode")
def _base64decode(s):
    try:
        return base64.b64decode(_need_str(s), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        raise EvalError("invalid base64") from None


@_fn("md5")
def _md5(s):
    return hashlib.md5(_need_str(s).encode()).hexdigest()


@_fn("sha1")
def _sha1(s):
    return hashlib.sha1(_need_str(s).encode()).hexdigest()


@_fn("sha256")
def _sha256(s):
    return hashlib.sha256(_need_str(s).encode()).hexdigest()


def _unwrap_term(node: Tree) -> Tree:
    """Strip ``expr_term`` wrappers and parentheses around a single expression."""
    while node.data == "expr_term" and len(kids(node)) == 1:
        node = kids(node)[0]
    return node


class _JsonDoc:
    """The partial form of ``jsonencode(x)``: ``x`` as the string will decode."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value


def _informative(value: Any) -> bool:
    """Does a partial form say anything that UNKNOWN (or the value itself) does not?"""
    if isinstance(value, PartialString):
        # a string without holes would have been known: something is off, say nothing
        return bool(value.holes) and any(isinstance(p, str) or p.refs for p in value.parts)
    if isinstance(value, list):
        return any(_informative(v) for v in value)
    if isinstance(value, dict):
        return any(_informative(v) for v in value.values())
    return False


# ---------------------------------------------------------------------------
# the evaluator
# ---------------------------------------------------------------------------

_ARITH = {"+", "-", "*", "/", "%"}
_COMPARE = {"<", ">", "<=", ">="}


class Evaluator:
    """Evaluates expression trees; one per load (it holds the parse caches)."""

    def __init__(self, parse_expression: Callable[[str], Tree], base_dir: str = ".",
                 note: Callable[[str], None] | None = None, fatal: tuple[type, ...] = ()):
        self._parse_expression = parse_expression
        self._note = note
        self._fatal = fatal  # exception types that must propagate (e.g. InputError from loading a module)
        self.base_dir = base_dir  # relative file() paths resolve here (the root module dir)
        self._refs: list[list[str]] = []
        self._templates: dict[int, Any] = {}
        self._keep: list[Any] = []  # keeps cached trees alive so their ids stay unique
        self._file_templates: dict[str, Any] = {}

    # --- references ---------------------------------------------------------
    def record(self, address: str) -> tuple | None:
        """Record a reference; returns a handle for :meth:`rekey` (None when nothing collects)."""
        if self._refs:
            bucket = self._refs[-1]
            bucket.append(address)
            return (bucket, len(bucket) - 1, address)
        return None

    @staticmethod
    def rekey(handle: tuple | None, address: str) -> None:
        """Replace a reference recorded by :meth:`record` (e.g. ``aws_vpc.this`` ->
        ``aws_vpc.this["a"]`` once the traversal names one instance)."""
        if handle is None:
            return
        bucket, pos, old = handle
        if pos < len(bucket) and bucket[pos] == old:
            bucket[pos] = address

    def extend(self, addresses) -> None:
        if self._refs:
            self._refs[-1].extend(addresses)

    @contextmanager
    def collecting(self) -> Iterator[list[str]]:
        """Collect the addresses recorded while the block runs (nested collections also
        see them only if the caller re-adds them with :meth:`extend`)."""
        bucket: list[str] = []
        self._refs.append(bucket)
        try:
            yield bucket
        finally:
            self._refs.pop()

    # --- entry points -------------------------------------------------------
    def evaluate(self, node: Tree, scope: Scope) -> Any:
        """Evaluate to a plain value; errors and unsupported constructs become UNKNOWN."""
        try:
            return self.ev(node, scope)
        except (EvalError, _Unsupported, TemplateSyntaxError, RecursionError):
            return UNKNOWN
        except Exception as exc:  # noqa: BLE001 - an evaluator gap must not end the run
            if self._fatal and isinstance(exc, self._fatal):
                raise
            if self._note is not None:
                line = getattr(getattr(node, "meta", None), "line", "?")
                self._note(f"line {line}: expression could not be evaluated "
                           f"({type(exc).__name__}: {exc}); treated as unknown")
            return UNKNOWN

    def ev(self, node: Tree, scope: Scope) -> Any:
        value = self.ev_raw(node, scope)
        if isinstance(value, Proxy):
            return value.value()
        return value

    def ev_raw(self, node: Any, scope: Scope) -> Any:
        method = getattr(self, "_e_" + node.data, None)
        if method is None:
            raise _Unsupported(f"expression {node.data}")
        return method(node, scope)

    # --- literals -------------------------------------------------------------
    def _e_expr_term(self, node: Tree, scope: Scope) -> Any:
        inner = kids(node)
        if len(inner) != 1:
            raise _Unsupported("expression")
        return self.ev_raw(inner[0], scope)

    def _e_int_lit(self, node: Tree, scope: Scope) -> Any:
        return int(str(node.children[0]))

    def _e_float_lit(self, node: Tree, scope: Scope) -> Any:
        return norm_number(float(str(node.children[0])))

    def _e_literal_value(self, node: Tree, scope: Scope) -> Any:
        text = name_of(node)
        return {"true": True, "false": False, "null": None}[text]

    def _e_identifier(self, node: Tree, scope: Scope) -> Any:
        name = name_of(node)
        if name in scope.names:
            return scope.names[name]
        if name == "count":
            return _CountNS(scope)
        if name == "each":
            return _EachNS(scope, self)
        if scope.ctx is None:
            raise EvalError(f"references are not allowed here ({name})")
        return scope.ctx.root(name, scope)

    def _e_string(self, node: Tree, scope: Scope) -> Any:
        key = id(node)
        template = self._templates.get(key)
        if template is None:
            template = _template_from_string_tree(node)
            self._templates[key] = template
            self._keep.append(node)
        return self.eval_template(template, scope)

    def _e_template_string(self, node: Tree, scope: Scope) -> Any:
        text = str(node.children[0])
        return unescape(text[2:-2])

    def _heredoc(self, node: Tree, scope: Scope) -> Any:
        key = id(node)
        template = self._templates.get(key)
        if template is None:
            body, flush = heredoc_body(str(node.children[0]))
            template = parse_template_text(body, self.parse_expr, per_line=True, flush=flush)
            self._templates[key] = template
            self._keep.append(node)
        return self.eval_template(template, scope)

    _e_heredoc_template = _heredoc
    _e_heredoc_template_trim = _heredoc

    def parse_expr(self, text: str) -> Tree:
        try:
            return self._parse_expression(text)
        except Exception as exc:  # noqa: BLE001 - any parse failure makes the template unusable
            raise TemplateSyntaxError(f"invalid expression in template: {exc}") from None

    def template_file(self, path: str) -> list[tuple]:
        template = self._file_templates.get(path)
        if template is None:
            template = parse_template_text(self.read_file(path), self.parse_expr)
            self._file_templates[path] = template
        return template

    def read_file(self, path: str) -> str:
        full = path if os.path.isabs(path) else os.path.join(self.base_dir, path)
        try:
            with open(full, encoding="utf-8") as fh:
                return fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise EvalError(f"cannot read {path}: {exc}") from None

    def eval_template(self, items, scope: Scope) -> Any:
        # "${x}" alone yields x itself, not its string form
        if len(items) == 1 and items[0][0] == "interp":
            return self.ev(items[0][1], scope)
        out: list[str] = []
        unknown = self._render(items, scope, out)
        return UNKNOWN if unknown else "".join(out)

    def _render(self, items, scope: Scope, out: list[str]) -> bool:
        unknown = False
        for item in items:
            kind = item[0]
            if kind == "lit":
                out.append(item[1])
            elif kind == "interp":
                value = self.ev(item[1], scope)
                if has_unknown(value):
                    unknown = True
                elif not unknown:
                    out.append(to_str(value))
            elif kind == "if":
                cond = self.ev(item[1], scope)
                if cond is UNKNOWN:
                    unknown = True
                    continue
                branch = item[2] if to_bool(cond) else item[3]
                unknown = self._render(branch, scope, out) or unknown
            elif kind == "for":
                coll = self.ev(item[3], scope)
                if coll is UNKNOWN:
                    unknown = True
                    continue
                for k, v in iter_collection(coll):
                    names = {item[2]: v}
                    if item[1]:
                        names[item[1]] = k
                    unknown = self._render(item[4], scope.bind(names), out) or unknown
        return unknown

    # --- partially known values -------------------------------------------------
    def partial(self, node: Tree, scope: Scope) -> Any:
        """What is known of an expression whose value is (or holds) UNKNOWN.

        - a string template -> :class:`PartialString` (known text + :class:`Hole` s);
        - a bare reference to a managed resource's identity attribute (``aws_s3_bucket.b.arn``)
          -> ``PartialString((Hole(("aws_s3_bucket.b.arn",)),))``;
        - ``jsonencode(x)`` -> ``x`` with object/tuple literals kept as dict/list and their
          unknown leaves as PartialString or UNKNOWN (the document the string will decode to);
        - a tuple literal -> a list of the above for its elements;
        - ``c ? a : b`` with ``c`` known -> the partial form of the branch taken;
        - ``local.X`` -> the partial form of the local's expression; ``var.X`` inside a module
          instance -> the partial form of the module call's argument, in the caller's scope.

        UNKNOWN when nothing more is known.  Read-only: references it touches are not
        recorded (the caller has them from :meth:`evaluate`).
        """
        with self.collecting():
            try:
                out = self._partial(node, scope, top=True)
            except (EvalError, _Unsupported, TemplateSyntaxError, RecursionError):
                return UNKNOWN
            except Exception as exc:  # noqa: BLE001 - an evaluator gap must not end the run
                if self._fatal and isinstance(exc, self._fatal):
                    raise
                return UNKNOWN
        if isinstance(out, _JsonDoc):
            # only a document with a known shape says more than UNKNOWN
            return out.value if isinstance(out.value, (dict, list)) else UNKNOWN
        return out if _informative(out) else UNKNOWN

    def _partial(self, node: Tree, scope: Scope, top: bool = False, in_json: bool = False) -> Any:
        node = _unwrap_term(node)
        kind = node.data
        if kind == "conditional":
            cond_node, then_node, else_node = kids(node)
            cond = self.ev(cond_node, scope)
            if cond is UNKNOWN:
                return UNKNOWN
            return self._partial(then_node if to_bool(cond) else else_node, scope, top, in_json)
        if top and kind == "function_call":
            names = [name_of(k) for k in kids(node) if k.data == "identifier"]
            arg_tree = next((k for k in kids(node) if k.data == "arguments"), None)
            args = kids(arg_tree) if arg_tree is not None else []
            expand = arg_tree is not None and any(
                isinstance(t, Token) and t.type == "ELLIPSIS" for t in arg_tree.children)
            if names == ["jsonencode"] and len(args) == 1 and not expand:
                return _JsonDoc(self._partial(args[0], scope, in_json=True))
            return UNKNOWN
        if kind == "tuple" and (top or in_json):
            return [self._partial(k, scope, in_json=in_json) for k in kids(node)]
        if kind == "object" and in_json:
            out: dict = {}
            for elem in kids(node):
                key = self.object_key(kids(elem)[0], scope)
                if key is UNKNOWN:
                    return UNKNOWN
                out[key] = self._partial(kids(elem)[-1], scope, in_json=True)
            return out
        if top:
            value = UNKNOWN  # the caller knows the value is unknown
        else:
            value = self.ev(node, scope)
            if not has_unknown(value):
                return _json_ready(value) if in_json else value
        if kind in ("string", "heredoc_template", "heredoc_template_trim"):
            return self._partial_template(self._template_of(node), scope)
        hole = self._exact_hole(node, scope)
        if hole is not None:
            return hole
        named = self._partial_named(node, scope)
        if isinstance(named, PartialString) or (top and named is not UNKNOWN):
            # inside jsonencode() a local's list/dict partial may be a JSON *string*: not taken
            return named
        return value

    def _template_of(self, node: Tree) -> list[tuple]:
        key = id(node)
        template = self._templates.get(key)
        if template is None:
            if node.data == "string":
                template = _template_from_string_tree(node)
            else:
                body, flush = heredoc_body(str(node.children[0]))
                template = parse_template_text(body, self.parse_expr, per_line=True, flush=flush)
            self._templates[key] = template
            self._keep.append(node)
        return template

    def _partial_template(self, items, scope: Scope) -> Any:
        if len(items) == 1 and items[0][0] == "interp":
            # "${x}" alone is x itself, not its string form
            hole = self._exact_hole(items[0][1], scope)
            if hole is not None:
                return hole
            named = self._partial_named(items[0][1], scope)
            return named if isinstance(named, PartialString) else UNKNOWN
        parts: list[Any] = []
        self._partial_render(items, scope, parts)
        return PartialString(tuple(parts))

    def _partial_render(self, items, scope: Scope, parts: list) -> None:
        for item in items:
            kind = item[0]
            if kind == "lit":
                parts.append(item[1])
            elif kind == "interp":
                value = self.ev(item[1], scope)
                if has_unknown(value):
                    piece = self._exact_hole(item[1], scope, any_attr=True)
                    if piece is None:
                        piece = self._partial_named(item[1], scope)
                    parts.extend(piece.parts if isinstance(piece, PartialString) else (Hole(),))
                else:
                    parts.append(to_str(value))
            elif kind == "if":
                cond = self.ev(item[1], scope)
                if cond is UNKNOWN:
                    parts.append(Hole())
                else:
                    self._partial_render(item[2] if to_bool(cond) else item[3], scope, parts)
            elif kind == "for":
                coll = self.ev(item[3], scope)
                if coll is UNKNOWN:
                    parts.append(Hole())
                    continue
                for k, v in iter_collection(coll):
                    names = {item[2]: v}
                    if item[1]:
                        names[item[1]] = k
                    self._partial_render(item[4], scope.bind(names), parts)

    def _exact_hole(self, node: Tree, scope: Scope, any_attr: bool = False) -> PartialString | None:
        """``<managed resource instance>.<attr>`` -> PartialString((Hole((address.attr,)),)).

        A bare reference is taken as a string only for identity attributes (id, arn, name,
        bucket...); inside a template (``any_attr``) every piece is a string anyway.
        """
        node = _unwrap_term(node)
        if node.data != "get_attr_expr_term":
            return None
        base_node, accessor = kids(node)
        if accessor.data != "get_attr":
            return None
        attr = name_of(kids(accessor)[0])
        if not any_attr and attr not in IDENTITY_ATTRIBUTES:
            return None
        try:
            base = self.ev_raw(base_node, scope)
        except (EvalError, _Unsupported):
            return None
        address = base.exact_address() if isinstance(base, Proxy) else None
        if not address:
            return None
        return PartialString((Hole((f"{address}.{attr}",)),))

    _NAMED_HOOKS = {"local": "partial_local", "var": "partial_var"}

    def _partial_named(self, node: Tree, scope: Scope) -> Any:
        """``local.X`` -> the partial form of the local's expression; ``var.X`` in a module
        instance -> the partial form of the module call's argument (the context computes both)."""
        node = _unwrap_term(node)
        if node.data != "get_attr_expr_term":
            return UNKNOWN
        base_node, accessor = kids(node)
        base_node = _unwrap_term(base_node)
        if accessor.data != "get_attr" or base_node.data != "identifier":
            return UNKNOWN
        ns = name_of(base_node)
        if ns not in self._NAMED_HOOKS or ns in scope.names:
            return UNKNOWN
        hook = getattr(scope.ctx, self._NAMED_HOOKS[ns], None)
        return hook(name_of(kids(accessor)[0])) if hook is not None else UNKNOWN

    # --- collections ------------------------------------------------------------
    def _e_tuple(self, node: Tree, scope: Scope) -> Any:
        return [self.ev(k, scope) for k in kids(node)]

    def _e_object(self, node: Tree, scope: Scope) -> Any:
        out: dict = {}
        unknown = False
        for elem in kids(node):
            key_node, value_node = kids(elem)[0], kids(elem)[-1]
            key = self.object_key(key_node, scope)
            value = self.ev(value_node, scope)
            if key is UNKNOWN:
                unknown = True
                continue
            out[key] = value
        return UNKNOWN if unknown else out

    def object_key(self, key_node: Tree, scope: Scope) -> Any:
        inner = kids(key_node)
        if not inner:  # keyword key, e.g. { for_each = 1 }
            return name_of(key_node)
        expr = inner[0]
        if expr.data == "keyword":
            return name_of(expr)
        if expr.data == "expr_term":
            term = kids(expr)
            if len(term) == 1 and term[0].data in ("identifier", "keyword"):
                return name_of(term[0])  # a bare name is the key itself
            if len(term) == 1 and term[0].data == "literal_value":
                return name_of(term[0])
        key = self.ev(expr, scope)
        if key is UNKNOWN:
            return UNKNOWN
        return key_str(key)

    # --- traversals ---------------------------------------------------------------
    def _e_get_attr_expr_term(self, node: Tree, scope: Scope) -> Any:
        base_node, accessor = kids(node)
        return self.access(self.ev_raw(base_node, scope), accessor, scope)

    def _e_index_expr_term(self, node: Tree, scope: Scope) -> Any:
        base_node, accessor = kids(node)
        return self.access(self.ev_raw(base_node, scope), accessor, scope)

    def _e_full_splat_expr_term(self, node: Tree, scope: Scope) -> Any:
        base_node, splat = kids(node)
        return self.splat(self.ev_raw(base_node, scope), kids(splat), scope)

    _e_attr_splat_expr_term = _e_full_splat_expr_term

    def access(self, base: Any, accessor: Tree, scope: Scope) -> Any:
        kind = accessor.data
        if kind == "get_attr":
            name = name_of(kids(accessor)[0])
            if isinstance(base, Proxy):
                return base.attr(name)
            if base is UNKNOWN:
                return UNKNOWN
            if isinstance(base, dict):
                if name not in base:
                    raise EvalError(f"object has no attribute {name!r}")
                return base[name]
            if base is None:
                raise EvalError(f"attempt to get attribute {name!r} of null")
            raise EvalError(f"cannot get attribute {name!r} of {type_name(base)}")
        if kind == "short_index":
            key: Any = int(str([t for t in accessor.children if isinstance(t, Token)][-1]))
        elif kind == "braces_index":
            key = self.ev(kids(accessor)[0], scope)
        else:
            raise _Unsupported(kind)
        if key is UNKNOWN:
            return UNKNOWN
        if isinstance(base, Proxy):
            return base.index(key)
        if base is UNKNOWN:
            return UNKNOWN
        if isinstance(base, list):
            i = to_number(key)
            if isinstance(i, float) or not 0 <= i < len(base):
                raise EvalError(f"index {key!r} out of range")
            return base[i]
        if isinstance(base, dict):
            k = key_str(key)
            if k not in base:
                raise EvalError(f"no key {k!r}")
            return base[k]
        raise EvalError(f"cannot index {type_name(base)}")

    def splat(self, base: Any, accessors: list[Tree], scope: Scope) -> Any:
        items = base.splat_items() if isinstance(base, Proxy) else None
        if items is None:
            if isinstance(base, Proxy):
                base = base.value()
            if base is UNKNOWN:
                return UNKNOWN
            if base is None:
                return []
            items = base if isinstance(base, list) else [base]
        out = []
        for item in items:
            for acc in accessors:
                item = self.access(item, acc, scope)
            out.append(item.value() if isinstance(item, Proxy) else item)
        return out

    # --- functions ------------------------------------------------------------------
    def _e_function_call(self, node: Tree, scope: Scope) -> Any:
        names = [name_of(k) for k in kids(node) if k.data == "identifier"]
        arg_tree = next((k for k in kids(node) if k.data == "arguments"), None)
        arg_nodes = kids(arg_tree) if arg_tree is not None else []
        expand = arg_tree is not None and any(
            isinstance(t, Token) and t.type == "ELLIPSIS" for t in arg_tree.children)
        name = names[0] if len(names) == 1 else "::".join(names)
        if name == "try":
            return self._try(arg_nodes, scope)
        if name == "can":
            return self._can(arg_nodes, scope)
        if name == "coalesce" and not expand:
            return self._coalesce(arg_nodes, scope)
        args = [self.ev(a, scope) for a in arg_nodes]
        if expand and args:
            last = args.pop()
            if last is UNKNOWN:
                return UNKNOWN
            args.extend(_need_list(last, "a list to expand with ..."))
        if name in ("file", "templatefile", "fileexists"):
            return self._file_function(name, args, scope)
        entry = FUNCTIONS.get(name)
        if entry is None:
            return UNKNOWN  # unknown or provider-defined function: never guess
        impl, mode = entry
        if mode == "strict" and any(has_unknown(a) for a in args):
            return UNKNOWN
        if mode == "partial" and any(a is UNKNOWN for a in args):
            return UNKNOWN
        try:
            return impl(*args)
        except (EvalError, _Unsupported):
            raise
        except TypeError as exc:
            if "positional argument" in str(exc):
                raise EvalError(f"{name}(): wrong number of arguments") from None
            return UNKNOWN
        except Exception:  # noqa: BLE001 - a function we model imperfectly: unknown, not a crash
            return UNKNOWN

    def _try(self, arg_nodes: list[Tree], scope: Scope) -> Any:
        for node in arg_nodes:
            bucket = self._refs[-1] if self._refs else None
            mark = len(bucket) if bucket is not None else 0
            try:
                value = self.ev(node, scope)
            except EvalError:
                if bucket is not None:
                    del bucket[mark:]
                continue
            return value
        raise EvalError("try(): no argument could be evaluated")

    def _coalesce(self, arg_nodes: list[Tree], scope: Scope) -> Any:
        # lazy, so that only the argument chosen contributes references
        for node in arg_nodes:
            value = self.ev(node, scope)
            if value is UNKNOWN:
                return UNKNOWN
            if value is not None and value != "":
                return value
        raise EvalError("coalesce: no non-null, non-empty argument")

    def _can(self, arg_nodes: list[Tree], scope: Scope) -> Any:
        if len(arg_nodes) != 1:
            raise EvalError("can() takes one argument")
        try:
            value = self.ev(arg_nodes[0], scope)
        except EvalError:
            return False
        return UNKNOWN if value is UNKNOWN else True

    def _file_function(self, name: str, args: list, scope: Scope) -> Any:
        if not args or has_unknown(args[0]):
            return UNKNOWN
        path = to_str(args[0])
        if name == "fileexists":
            full = path if os.path.isabs(path) else os.path.join(self.base_dir, path)
            return os.path.isfile(full)
        if name == "file":
            return self.read_file(path)
        if len(args) != 2:
            raise EvalError("templatefile() takes two arguments")
        variables = args[1]
        if variables is UNKNOWN:
            return UNKNOWN
        template = self.template_file(path)
        return self.eval_template(template, Scope(None, dict(_need_map(variables))))

    # --- operators ------------------------------------------------------------------
    def _e_conditional(self, node: Tree, scope: Scope) -> Any:
        cond_node, then_node, else_node = kids(node)
        cond = self.ev(cond_node, scope)
        if cond is UNKNOWN:
            # never guess: neither the value nor the references of a branch apply
            return UNKNOWN
        return self.ev(then_node if to_bool(cond) else else_node, scope)

    def _e_unary_op(self, node: Tree, scope: Scope) -> Any:
        op = str(node.children[0])
        value = self.ev(kids(node)[0], scope)
        if value is UNKNOWN:
            return UNKNOWN
        if op == "-":
            return -to_number(value)
        if op == "!":
            return not to_bool(value)
        raise _Unsupported(op)

    def _e_binary_op(self, node: Tree, scope: Scope) -> Any:
        lhs_node, term = kids(node)
        op_node, rhs_node = kids(term)
        op = name_of(op_node)
        lhs = self.ev(lhs_node, scope)
        if op in ("&&", "||"):
            if lhs is not UNKNOWN:
                left = to_bool(lhs)
                if op == "&&" and not left:
                    return False
                if op == "||" and left:
                    return True
            rhs = self.ev(rhs_node, scope)
            if rhs is UNKNOWN:
                return UNKNOWN
            right = to_bool(rhs)
            if lhs is UNKNOWN:
                # unknown && false is false, unknown || true is true
                if (op == "&&" and not right) or (op == "||" and right):
                    return right
                return UNKNOWN
            return right
        rhs = self.ev(rhs_node, scope)
        if op in ("==", "!="):
            if has_unknown(lhs) or has_unknown(rhs):
                return UNKNOWN
            result = equal(lhs, rhs)
            return result if op == "==" else not result
        if lhs is UNKNOWN or rhs is UNKNOWN:
            return UNKNOWN
        a, b = to_number(lhs), to_number(rhs)
        if op in _COMPARE:
            return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
        if op == "+":
            return arith_result(a + b)
        if op == "-":
            return arith_result(a - b)
        if op == "*":
            return arith_result(a * b)
        if op == "/":
            if b == 0:
                raise EvalError("division by zero")
            return arith_result(a / b)
        if op == "%":
            if b == 0:
                raise EvalError("modulo by zero")
            return norm_number(math.fmod(a, b))
        raise _Unsupported(op)

    # --- for expressions ------------------------------------------------------------
    def _for_parts(self, node: Tree):
        parts = kids(node)
        intro = parts[0]
        intro_kids = kids(intro)
        names = [name_of(k) for k in intro_kids[:-1]]
        coll_node = intro_kids[-1]
        cond = next((k for k in parts[1:] if k.data == "for_cond"), None)
        body = [k for k in parts[1:] if k.data != "for_cond"]
        key_name, value_name = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        return key_name, value_name, coll_node, body, (kids(cond)[0] if cond is not None else None)

    def _for_items(self, node: Tree, scope: Scope):
        key_name, value_name, coll_node, body, cond = self._for_parts(node)
        coll = self.ev(coll_node, scope)
        if coll is UNKNOWN:
            return UNKNOWN, body
        if coll is None:
            raise EvalError("cannot iterate over null")
        items = []
        unknown = False
        for k, v in iter_collection(coll):
            names = {value_name: v}
            if key_name:
                names[key_name] = k
            inner = scope.bind(names)
            if cond is not None:
                keep = self.ev(cond, inner)
                if keep is UNKNOWN:
                    unknown = True
                    continue
                if not to_bool(keep):
                    continue
            items.append(inner)
        return (UNKNOWN if unknown else items), body

    def _e_for_tuple_expr(self, node: Tree, scope: Scope) -> Any:
        scopes, body = self._for_items(node, scope)
        if scopes is UNKNOWN:
            return UNKNOWN
        return [self.ev(body[0], s) for s in scopes]

    def _e_for_object_expr(self, node: Tree, scope: Scope) -> Any:
        scopes, body = self._for_items(node, scope)
        if scopes is UNKNOWN:
            return UNKNOWN
        grouping = any(isinstance(t, Token) and t.type == "ELLIPSIS" for t in node.children)
        out: dict = {}
        unknown = False
        for s in scopes:
            key = self.ev(body[0], s)
            value = self.ev(body[1], s)
            if key is UNKNOWN:
                unknown = True
                continue
            key = key_str(key)
            if grouping:
                out.setdefault(key, []).append(value)
            elif key in out:
                raise EvalError(f"duplicate key {key!r} in for expression")
            else:
                out[key] = value
        return UNKNOWN if unknown else out
