"""Secrets never leave auditgate: the values an input marks sensitive are masked in every output.

A plan marks them itself (``after_sensitive`` / ``before_sensitive`` of a change,
``sensitive_values`` of a resource in ``planned_values`` / ``prior_state``, a ``sensitive`` output,
a variable the configuration declares ``sensitive = true``); Terraform code marks them with
``sensitive = true`` on a variable or output and ``sensitive(...)``; and the provider schema marks
arguments such as ``aws_db_instance.password`` sensitive whatever the code says
(``sensitive_attrs.json``, made from the schema by ``tools/gen_sensitive_attrs.py``).

The loaders collect every such text into ``Model.sensitive_values``; the rules still read the real
values (a sensitive bucket name must still match its policy), but :func:`scrub` replaces each
occurrence in a finding's text and in the loader's notes with ``(sensitive value)`` before any
reporter sees them, so no format (text, JSON, SARIF, Markdown, HTML, pytest, JUnit XML) can print
one.  Texts shorter than :data:`MIN_LENGTH` characters are not masked: masking ``"1"`` or
``"on"`` everywhere would garble every report, and no credential is that short.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

MASK = "(sensitive value)"
MIN_LENGTH = 4
_TABLE = "sensitive_attrs.json"


# --- what is sensitive ------------------------------------------------------------------------------

def add_strings(value: Any, out: set[str], depth: int = 0) -> None:
    """Every text inside ``value`` (numbers and booleans too, as terraform would print them)."""
    if depth > 200:
        return
    if isinstance(value, str):
        if len(value) >= MIN_LENGTH:
            out.add(value)
    elif isinstance(value, bool):
        return
    elif isinstance(value, (int, float)):
        text = str(value)
        if len(text) >= MIN_LENGTH:
            out.add(text)
    elif isinstance(value, dict):
        for v in value.values():
            add_strings(v, out, depth + 1)
    elif isinstance(value, (list, tuple)):
        for v in value:
            add_strings(v, out, depth + 1)


def add_marked(value: Any, marks: Any, out: set[str], depth: int = 0) -> None:
    """The texts of ``value`` where the parallel structure ``marks`` (terraform's
    ``after_sensitive``: ``true`` for a sensitive value, objects and lists following the value's
    shape) says they are sensitive."""
    if depth > 200 or not marks:  # (false, null, and the empty objects and lists most marks are)
        return
    if marks is True:
        add_strings(value, out)
    elif isinstance(marks, dict) and isinstance(value, dict):
        for key, mark in marks.items():
            if mark and key in value:
                add_marked(value[key], mark, out, depth + 1)
    elif isinstance(marks, list) and isinstance(value, list):
        for v, mark in zip(value, marks):
            if mark:
                add_marked(v, mark, out, depth + 1)


@lru_cache(maxsize=1)
def _table() -> dict:
    return json.loads((Path(__file__).parent / "loaders" / _TABLE).read_text(encoding="utf-8"))


def sensitive_paths(mode: str, rtype: str) -> list[list[str]]:
    """The provider schema's sensitive attribute paths of a resource type (``mode``: managed, data)."""
    return _table().get("data" if mode == "data" else "managed", {}).get(rtype, [])


@lru_cache(maxsize=1)
def sensitive_leaf_names() -> frozenset[str]:
    """Names of the arguments any type's schema marks sensitive (``password``, ``secret_string``...)."""
    return frozenset(path[-1] for mode in ("managed", "data") for paths in _table().get(mode, {}).values()
                     for path in paths)


def add_schema_sensitive(mode: str, rtype: str, values: Any, out: set[str]) -> None:
    """The texts of ``values`` (a resource's attributes) at the schema's sensitive paths; nested
    blocks are lists of objects (or one object)."""
    for path in sensitive_paths(mode, rtype):
        _add_path(values, path, out)


def _add_path(node: Any, path: list[str], out: set[str]) -> None:
    if not path:
        add_strings(node, out)
        return
    if isinstance(node, list):
        for item in node:
            _add_path(item, path, out)
    elif isinstance(node, dict) and path[0] in node:
        _add_path(node[path[0]], path[1:], out)


def _dict(node: Any, key: str) -> dict:
    value = node.get(key) if isinstance(node, dict) else None
    return value if isinstance(value, dict) else {}


def _list(node: Any, key: str) -> list:
    value = node.get(key) if isinstance(node, dict) else None
    return value if isinstance(value, list) else []


def plan_secrets(doc: Any) -> set[str]:
    """Every sensitive text of a plan document (any shape: what is not where a plan puts it is
    skipped; this never fails)."""
    out: set[str] = set()
    if not isinstance(doc, dict):
        return out
    for rc in _list(doc, "resource_changes") + _list(doc, "resource_drift"):
        change = _dict(rc, "change")
        add_marked(change.get("after"), change.get("after_sensitive"), out)
        add_marked(change.get("before"), change.get("before_sensitive"), out)
        for side in ("after", "before"):
            if isinstance(rc, dict) and isinstance(rc.get("type"), str):
                add_schema_sensitive(str(rc.get("mode")), rc["type"], change.get(side), out)
    for values in (_dict(doc, "planned_values"), _dict(_dict(doc, "prior_state"), "values")):
        for output in _dict(values, "outputs").values():
            if isinstance(output, dict) and output.get("sensitive") is True:
                add_strings(output.get("value"), out)
        _module_secrets(_dict(values, "root_module"), out, 0)
    for change in _dict(doc, "output_changes").values():
        if isinstance(change, dict):
            add_marked(change.get("after"), change.get("after_sensitive"), out)
            add_marked(change.get("before"), change.get("before_sensitive"), out)
    declared = _dict(_dict(_dict(doc, "configuration"), "root_module"), "variables")
    for name, variable in _dict(doc, "variables").items():
        if isinstance(declared.get(name), dict) and declared[name].get("sensitive") is True \
                and isinstance(variable, dict):
            add_strings(variable.get("value"), out)
    _config_outputs(_dict(_dict(doc, "configuration"), "root_module"), out, 0)
    return out


def _module_secrets(module: dict, out: set[str], depth: int) -> None:
    if depth > 64:
        return
    for res in _list(module, "resources"):
        if isinstance(res, dict):
            add_marked(res.get("values"), res.get("sensitive_values"), out)
            if isinstance(res.get("type"), str):
                add_schema_sensitive(str(res.get("mode")), res["type"], res.get("values"), out)
    for child in _list(module, "child_modules"):
        if isinstance(child, dict):
            _module_secrets(child, out, depth + 1)


def _config_outputs(module: dict, out: set[str], depth: int) -> None:
    """Constant values of outputs declared sensitive (``expressions`` with a ``constant_value``)."""
    if depth > 64:
        return
    for output in _dict(module, "outputs").values():
        if isinstance(output, dict) and output.get("sensitive") is True:
            add_strings(_dict(output, "expression").get("constant_value"), out)
    for call in _dict(module, "module_calls").values():
        if isinstance(call, dict):
            _config_outputs(_dict(call, "module"), out, depth + 1)


# --- masking --------------------------------------------------------------------------------------

@lru_cache(maxsize=16)
def _pattern(secrets: frozenset[str]) -> re.Pattern | None:
    if not secrets:
        return None
    # longest first, so a secret that contains another is masked whole
    return re.compile("|".join(re.escape(s) for s in sorted(secrets, key=lambda s: (-len(s), s))))


def scrub(text: str, secrets: Iterable[str] | frozenset[str]) -> str:
    """``text`` with every occurrence of every secret replaced by :data:`MASK`."""
    if not text or not secrets:
        return text
    pattern = _pattern(secrets if isinstance(secrets, frozenset) else frozenset(secrets))
    return pattern.sub(MASK, text) if pattern is not None else text
