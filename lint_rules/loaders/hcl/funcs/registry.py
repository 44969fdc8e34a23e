"""The function table and the argument checks every family uses.

mode "strict": any unknown anywhere in the arguments -> UNKNOWN
mode "partial": only an argument that is itself UNKNOWN -> UNKNOWN
mode "raw": the implementation handles UNKNOWN itself
"""
from __future__ import annotations

from typing import Any, Callable

from ..values import EvalError, to_str, type_name

FUNCTIONS: dict[str, tuple[Callable[..., Any], str]] = {}


def _fn(name: str, mode: str = "strict"):
    def deco(f):
        FUNCTIONS[name] = (f, mode)
        return f

    return deco


fn = _fn


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
