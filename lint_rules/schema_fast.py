"""jsonschema-rs as a fast first pass in front of python-jsonschema, the validator of record."""
from __future__ import annotations

from typing import Any, Callable


def refusing_on_error(is_valid: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """``is_valid`` that says False (so python-jsonschema looks, and explains) where jsonschema-rs
    cannot take the data at all: YAML gives keys that are not strings, or values of no JSON type."""
    def check(data: Any) -> bool:
        try:
            return is_valid(data) is True
        except Exception:  # noqa: BLE001 - any refusal means: let the reference validator decide
            return False
    return check
