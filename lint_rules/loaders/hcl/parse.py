"""Reading ``.tf`` text and parsing it with python-hcl2 (down to its raw lark tree, which keeps
line numbers and the exact expression structure); syntax errors become one-line InputErrors.

python-hcl2 is imported on the first parse, not with this module: a run whose files all come from
the parse cache (lint_rules.cache) never loads it."""
from __future__ import annotations

import re
from functools import lru_cache

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


# python-hcl2's grammar takes one unary operator before a term (``unary_op : (MINUS | NOT) expr_term``);
# terraform's parser takes another one there (hclsyntax's parseExpressionTerm reads the operand of ``!`` /
# ``-`` as a term, which may itself start with ``!`` / ``-``): ``!!x``, ``- -x``, ``!-x`` are valid code.
# Text the grammar rejects and that has two operators in a row is parsed again by the same grammar with
# that one rule widened; text the grammar accepts keeps its own tree, so no valid code changes meaning.
_UNARY_RULE = "!unary_op : (MINUS | NOT) expr_term"
_NESTED_UNARY_RULE = "!unary_op : (MINUS | NOT) (expr_term | unary_op)"
_TWO_OPERATORS = re.compile(r"[!-]\s*[!-]")


@lru_cache(maxsize=1)
def _nested_unary_parser():
    """python-hcl2's parser with :data:`_NESTED_UNARY_RULE` (built on first need, never cached on disk:
    a run writes nothing); None when this python-hcl2's grammar does not have the rule it widens."""
    import hcl2  # noqa: PLC0415
    from hcl2.postlexer import PostLexer  # noqa: PLC0415
    from lark import Lark  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    try:
        grammar = (Path(hcl2.__file__).parent / "hcl2.lark").read_text(encoding="utf-8")
    except OSError:
        return None
    if grammar.count(_UNARY_RULE) != 1:
        return None
    return Lark(grammar.replace(_UNARY_RULE, _NESTED_UNARY_RULE), parser="lalr", propagate_positions=True,
                postlex=PostLexer(), import_paths=[str(Path(hcl2.__file__).parent)])


def _parses_to_tree(text: str) -> Tree:
    """``hcl2.parses_to_tree``, and unary operators in a row as terraform reads them (see above)."""
    import hcl2  # noqa: PLC0415  (see the module docstring)

    try:
        return hcl2.parses_to_tree(text)
    except UnexpectedInput:
        if not _TWO_OPERATORS.search(text):
            raise
        parser = _nested_unary_parser()
        if parser is None:
            raise
        try:
            widened = parser.parse(text + "\n")  # as hcl2.parses_to_tree: a newline at the end
        except UnexpectedInput:
            widened = None
        if widened is None:
            raise  # the error of python-hcl2's own grammar
        return widened


def _parse_text(text: str, path: str) -> Tree:
    try:
        return _parses_to_tree(text)
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
    tree = _parses_to_tree(f"__expr = (\n{text}\n)\n")
    body = kids(tree)[0]
    attribute = kids(body)[0]
    return kids(attribute)[-1]
