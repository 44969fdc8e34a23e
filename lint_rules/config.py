"""Project configuration: ``[tool.auditgate]`` in ``pyproject.toml``, or a ``.auditgate.toml``.

Looked for in the current directory and its parents, up to the repository root (the first directory
holding ``.git``); in each directory ``.auditgate.toml`` comes before ``pyproject.toml`` (whose
``[tool.auditgate]`` table is used only when present).  The first file found is the configuration;
paths in it are relative to its directory.  Command-line flags (and pytest options) win over it.

.. code-block:: toml

    [tool.auditgate]
    policy = "security/audit-policy.yaml"
    select = ["CT", "RET"]
    skip = ["ALR-003"]
    unknown = "warn"
    format = "text"
    var-files = ["terraform/nvs/ci.tfvars"]
    exclude = ["terraform/examples/*"]   # roots `auditgate hook` never checks
    roots = ["terraform/*"]               # `auditgate hook`: these are the roots (default: found)
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError

DOTFILE = ".auditgate.toml"
PYPROJECT = "pyproject.toml"
FORMATS = ("text", "json", "sarif", "markdown", "html")

_LIST = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "policy": {"type": "string", "minLength": 1},
        "select": _LIST,
        "skip": _LIST,
        "unknown": {"enum": ["fail", "warn"]},
        "format": {"enum": list(FORMATS)},
        "var-files": {"type": "array", "items": {"type": "string"}},
        "vars": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}},
        "exclude": {"type": "array", "items": {"type": "string"}},
        "roots": {"type": "array", "items": {"type": "string"}},
        "show-pass": {"type": "boolean"},
        "verbose": {"type": "boolean"},
        "help-uri": {"type": "string", "minLength": 1},
    },
}
PATH_KEYS = ("policy",)
PATH_LIST_KEYS = ("var-files",)


@dataclass
class Config:
    """Settings from a configuration file (empty when there is none)."""

    values: dict[str, Any] = field(default_factory=dict)
    source: str | None = None  # the file, for messages
    base_dir: Path = field(default_factory=Path.cwd)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def rule_list(self, key: str) -> list[str] | None:
        value = self.values.get(key)
        if value is None:
            return None
        return split_ids(value)


def split_ids(value: str | list[str] | None) -> list[str]:
    """``"CT, RET-001"`` or ``["CT", "RET-001"]`` -> ``["CT", "RET-001"]``."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


def _toml():
    """tomllib (tomli before Python 3.11), imported when a configuration file is read."""
    if sys.version_info >= (3, 11):
        import tomllib  # noqa: PLC0415
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # noqa: PLC0415
    return tomllib


def _read_toml(path: Path) -> dict:
    tomllib = _toml()
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise InputError(f"cannot read configuration ({exc.strerror})", str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"configuration is not valid TOML ({exc})", str(path)) from None
    except UnicodeDecodeError as exc:  # TOML is UTF-8
        raise InputError(f"configuration is not UTF-8 text (byte {exc.start})", str(path)) from None
    except RecursionError:
        raise InputError("configuration is not valid TOML (nested too deeply)", str(path)) from None
    except ValueError as exc:  # an integer of more digits than Python converts
        problem = " ".join(str(exc).split(";")[0].split())[:120]
        raise InputError(f"configuration is not valid TOML ({problem})", str(path)) from None


def load_config(path: str | Path) -> Config:
    """Read one configuration file: a ``.auditgate.toml`` (top-level keys) or a ``pyproject.toml``
    (its ``[tool.auditgate]`` table)."""
    path = Path(path)
    data = _read_toml(path)
    table = data.get("tool", {}).get("auditgate", {}) if path.name == PYPROJECT else data
    where = f"{path}" + (" [tool.auditgate]" if path.name == PYPROJECT else "")
    if not isinstance(table, dict):
        raise InputError("[tool.auditgate] must be a table", where)
    _validate(table, where)
    base = path.resolve().parent
    values = dict(table)
    for key in PATH_KEYS:
        if key in values:
            values[key] = str(base / values[key])
    for key in PATH_LIST_KEYS:
        if key in values:
            values[key] = [str(base / v) for v in values[key]]
    return Config(values=values, source=where, base_dir=base)


def _validate(table: dict, where: str) -> None:
    """Check ``table`` against SCHEMA.  A table found valid is remembered in the user cache
    (lint_rules.cache), keyed by its exact contents and this package's code, so the next run with
    the same configuration does not import jsonschema (a tenth of a second) to say so again."""
    from . import cache

    key = cache.digest("config-valid", cache.package_digest(), repr(table))
    if cache.load("config-valid", key) is True:
        return
    import jsonschema  # noqa: PLC0415  (only when a configuration file is read: keeps start-up light)

    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(SCHEMA).iter_errors(table))
    if error is not None:
        key_path = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise InputError(f"configuration invalid at {key_path}: {error.message}", where)
    cache.store("config-valid", key, True)


def _mentions_auditgate(pyproject: Path) -> bool:
    """Cheap test before parsing: a project's pyproject.toml that says nothing of auditgate is
    not ours to judge (nor to fail on)."""
    try:
        return "auditgate" in pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def find_config(start: str | Path | None = None) -> Config:
    """The configuration that applies in ``start`` (default: the current directory)."""
    directory = Path(start or Path.cwd()).resolve()
    for d in (directory, *directory.parents):
        dotfile = d / DOTFILE
        if dotfile.is_file():
            return load_config(dotfile)
        pyproject = d / PYPROJECT
        if pyproject.is_file() and _mentions_auditgate(pyproject) \
                and "auditgate" in _read_toml(pyproject).get("tool", {}):
            return load_config(pyproject)
        if (d / ".git").exists():
            break
    return Config()
