"""Reading ``.tf`` text and parsing it with python-hcl2 (down to its raw lark tree, which keeps
line numbers and the exact expression structure); syntax errors become one-line InputErrors.

python-hcl2 is imported on the first parse, not with this module: a run whose files all come from
the parse cache (lint_rules.cache) never loads it."""
from __future__ import annotations


from lark import Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from ...errors import InputError
from ...limits import check_file_size
from .. import observed
from .tree import kids


def _read_text(path: str) -> str:
    json_syntax = path.endswith(".json")
    check_file_size(path, hcl=not json_syntax, what="JSON file" if json_syntax else "HCL file")
    try:
        data = observed.read_bytes(path)
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
    import hcl2  # noqa: PLC0415  (see the module docstring)

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
    import hcl2  # noqa: PLC0415

    tree = hcl2.parses_to_tree(f"__expr = (\n{text}\n)\n")
    body = kids(tree)[0]
    attribute = kids(body)[0]
    return kids(attribute)[-1]
