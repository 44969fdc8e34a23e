"""Helpers over python-hcl2's raw lark tree (children without comments, names of nodes)."""
from __future__ import annotations

from typing import Any

from lark import Token, Tree


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


def _unwrap_term(node: Tree) -> Tree:
    """Strip ``expr_term`` wrappers and parentheses around a single expression."""
    while node.data == "expr_term" and len(kids(node)) == 1:
        node = kids(node)[0]
    return node


_unwrap = unwrap_term = _unwrap_term
