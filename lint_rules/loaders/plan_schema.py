"""Step 3 of reading a plan: ``plan_schema.json`` (JSON Schema 2020-12, shipped beside this module).

A valid plan is accepted by jsonschema-rs in one pass; a document it refuses is checked again by
python-jsonschema, the validator of record, which names the error.  A large plan that is not valid is
not walked whole by python-jsonschema: the items the fast checks below prove valid are left out of
what it sees (see :func:`validate_plan_schema`).
"""
from __future__ import annotations

import itertools
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..schema_fast import refusing_on_error
from .plan_json import _json_type, _one_line, _pointer, _short

SCHEMA_FILE = "plan_schema.json"
MAX_SCHEMA_ERRORS = 100  # schema errors looked at to pick the one to report


def plan_schema() -> dict:
    """The JSON Schema every plan document is validated against."""
    return json.loads(_schema_text())


def _schema_text() -> str:
    # read beside this module, not through importlib.resources (whose reader imports zipfile: ~10 ms
    # of every start-up); auditgate is installed as files, never zipped
    return (Path(__file__).parent / SCHEMA_FILE).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _validator() -> "jsonschema.protocols.Validator":
    import jsonschema  # imported only for a plan jsonschema-rs refuses: it takes 0.1-0.2 s

    schema = json.loads(_schema_text())
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


@lru_cache(maxsize=1)
def _fast_validator():
    """``is_valid`` of the plan schema compiled by jsonschema-rs (about 8x faster than the
    skeleton below on a valid plan); a document it refuses is checked again by :mod:`jsonschema`,
    which names the error -- or accepts it: the two differ on a few edge cases (``$`` before a
    trailing newline), and then the Python validator, the one of record, decides.  A test holds
    that jsonschema-rs accepts no document the Python validator refuses."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a dependency; kept optional for odd installs
        return lambda doc: False
    return refusing_on_error(jsonschema_rs.validator_for(json.loads(_schema_text())).is_valid)


def validate_plan_schema(doc: Any, where: str) -> None:
    """Raise InputError naming the JSON path of the best-matching schema error.

    jsonschema costs ~100-200 us per resource instance, too slow for plans with
    thousands of them.  So the items of the large arrays (``resource_changes``
    and the ``resources`` of every values module) that :func:`_fast_resource_change`
    / :func:`_fast_resource_values` prove valid are left out of the document
    that jsonschema sees; those checks are the schema's constraints on these
    objects, verbatim and no weaker (tests keep them in step with the schema).
    Anything they are not sure about goes to jsonschema, and error paths are
    mapped back to the original indexes.
    """
    if _fast_validator()(doc):
        return
    import jsonschema

    skeleton, index_maps = _skeleton(doc)
    # the best of the first errors: a document with a million bad items is refused as fast as one
    error = jsonschema.exceptions.best_match(itertools.islice(_validator().iter_errors(skeleton), MAX_SCHEMA_ERRORS))
    if error is not None:
        path = _original_path(tuple(error.absolute_path), index_maps)
        raise InputError(f"not a valid plan at {_pointer(path)}: {_describe(error)}", where)


# The properties plan_schema.json constrains on a resource change, its change, and a
# values resource (a test compares these with the schema).
FAST_CHECKED_PROPERTIES = {
    "resource_change": frozenset({"address", "previous_address", "module_address", "mode", "type",
                                  "name", "index", "deposed", "provider_name", "action_reason",
                                  "change"}),
    "change": frozenset({"actions", "before", "after", "after_unknown", "before_sensitive",
                         "after_sensitive", "replace_paths", "importing", "generated_config"}),
    "resource_values": frozenset({"address", "mode", "type", "name", "index", "provider_name",
                                  "schema_version", "values", "sensitive_values", "depends_on",
                                  "tainted", "deposed_key"}),
    "config_resource": frozenset({"address", "mode", "type", "name", "provider_config_key",
                                  "schema_version", "expressions", "count_expression",
                                  "for_each_expression", "depends_on", "provisioners"}),
    "module_call": frozenset({"source", "version_constraint", "expressions", "count_expression",
                              "for_each_expression", "depends_on", "module"}),
}
CONFIG_MODES = ("managed", "data", "ephemeral", "list")
VALID_ACTIONS = frozenset({("no-op",), ("create",), ("read",), ("update",), ("delete",), ("forget",),
                           ("delete", "create"), ("create", "delete"), ("create", "forget"),
                           ("forget", "create")})
_MODES = ("managed", "data")


def _nonempty_str(value: Any) -> bool:
    return type(value) is str and value != ""


def _optional(item: dict, key: str, *types: type) -> bool:
    return key not in item or type(item[key]) in types


def _fast_instance(item: Any) -> bool:
    return (type(item) is dict and _nonempty_str(item.get("address")) and _nonempty_str(item.get("type"))
            and _nonempty_str(item.get("name")) and type(item.get("mode")) is str
            and item["mode"] in _MODES and _optional(item, "index", int, str))


def _fast_resource_change(rc: Any) -> bool:
    if not _fast_instance(rc):
        return False
    for key in ("previous_address", "module_address", "deposed", "provider_name", "action_reason"):
        if not _optional(rc, key, str):
            return False
    change = rc.get("change")
    if type(change) is not dict:
        return False
    actions = change.get("actions")
    if (type(actions) is not list or not all(type(a) is str for a in actions)
            or tuple(actions) not in VALID_ACTIONS):
        return False
    return (_optional(change, "before", dict, type(None)) and _optional(change, "after", dict, type(None))
            and _optional(change, "importing", dict, type(None))
            and _optional(change, "after_unknown", bool, dict, list)
            and _optional(change, "before_sensitive", bool, dict, list)
            and _optional(change, "after_sensitive", bool, dict, list)
            and _optional(change, "generated_config", str)
            and (("replace_paths" not in change) or (type(change["replace_paths"]) is list and all(
                type(p) is list for p in change["replace_paths"]))))


def _fast_resource_values(res: Any) -> bool:
    return (_fast_instance(res) and _optional(res, "provider_name", str)
            and _optional(res, "schema_version", int) and _optional(res, "values", dict)
            and _optional(res, "sensitive_values", bool, dict, list)
            and _optional(res, "tainted", bool) and _optional(res, "deposed_key", str)
            and (("depends_on" not in res) or (type(res["depends_on"]) is list and all(
                type(d) is str for d in res["depends_on"]))))


def _strings(value: Any) -> bool:
    return type(value) is list and all(type(v) is str for v in value)


def _fast_expression(expr: Any) -> bool:
    return type(expr) is dict and ("references" not in expr or _strings(expr["references"]))


def _fast_expressions(exprs: Any) -> bool:
    """``expressions``: attribute -> an expression (object) or nested blocks (array of expressions)."""
    if type(exprs) is not dict:
        return False
    for value in exprs.values():
        if type(value) is dict:
            if "references" in value and not _strings(value["references"]):
                return False
        elif type(value) is list:
            if not all(_fast_expressions(block) for block in value):
                return False
        else:
            return False
    return True


def _fast_config_resource(item: Any) -> bool:
    return (type(item) is dict and _nonempty_str(item.get("address")) and _nonempty_str(item.get("type"))
            and _nonempty_str(item.get("name")) and type(item.get("mode")) is str
            and item["mode"] in CONFIG_MODES and _optional(item, "provider_config_key", str)
            and _optional(item, "schema_version", int)
            and ("expressions" not in item or _fast_expressions(item["expressions"]))
            and ("count_expression" not in item or _fast_expression(item["count_expression"]))
            and ("for_each_expression" not in item or _fast_expression(item["for_each_expression"]))
            and ("depends_on" not in item or _strings(item["depends_on"]))
            and ("provisioners" not in item or (type(item["provisioners"]) is list
                                                 and all(type(p) is dict for p in item["provisioners"]))))


def _skeleton_config(module: Any, path: tuple, index_maps: dict) -> Any:
    """A configuration module without the resources :func:`_fast_config_resource` proved valid,
    recursively through ``module_calls`` (one copy of a module per call: large estates repeat them)."""
    if type(module) is not dict:
        return module
    module = dict(module)
    if type(module.get("resources")) is list:
        module["resources"] = _filtered(module["resources"], _fast_config_resource, path + ("resources",),
                                        index_maps)
    if _fast_outputs(module.get("outputs", {})):
        module.pop("outputs", None)
    if type(module.get("variables", {})) is dict and all(type(v) is dict for v in module.get("variables", {}).values()):
        module.pop("variables", None)
    calls = module.get("module_calls")
    if type(calls) is dict:
        module["module_calls"] = {name: _skeleton_call(call, path + ("module_calls", name), index_maps)
                                  for name, call in calls.items()}
    return module


def _fast_outputs(outputs: Any) -> bool:
    return type(outputs) is dict and all(
        type(o) is dict and ("expression" not in o or _fast_expression(o["expression"]))
        and _optional(o, "sensitive", bool) and _optional(o, "description", str)
        and ("depends_on" not in o or _strings(o["depends_on"])) for o in outputs.values())


def _skeleton_call(call: Any, path: tuple, index_maps: dict) -> Any:
    if type(call) is not dict:
        return call
    if (_optional(call, "source", str) and _optional(call, "version_constraint", str)
            and ("expressions" not in call or _fast_expressions(call["expressions"]))
            and ("count_expression" not in call or _fast_expression(call["count_expression"]))
            and ("for_each_expression" not in call or _fast_expression(call["for_each_expression"]))
            and ("depends_on" not in call or _strings(call["depends_on"]))):
        call = {k: v for k, v in call.items() if k == "module"}  # the rest is proved valid
    else:
        call = dict(call)
    if "module" in call:
        call["module"] = _skeleton_config(call["module"], path + ("module",), index_maps)
    return call


def _filtered(items: list, ok, path: tuple, index_maps: dict) -> list:
    kept = [i for i, item in enumerate(items) if not ok(item)]
    index_maps[path] = kept
    return [items[i] for i in kept]


def _skeleton_values(values: Any, path: tuple, index_maps: dict) -> Any:
    if type(values) is not dict or type(values.get("root_module")) is not dict:
        return values
    values = dict(values)

    def module(mod: dict, mpath: tuple) -> dict:
        mod = dict(mod)
        if type(mod.get("resources")) is list:
            mod["resources"] = _filtered(mod["resources"], _fast_resource_values,
                                         mpath + ("resources",), index_maps)
        if type(mod.get("child_modules")) is list:
            mod["child_modules"] = [module(c, mpath + ("child_modules", i)) if type(c) is dict else c
                                    for i, c in enumerate(mod["child_modules"])]
        return mod

    values["root_module"] = module(values["root_module"], path + ("root_module",))
    return values


def _skeleton(doc: dict) -> tuple[dict, dict]:
    """``doc`` without the array items that the fast checks proved valid."""
    index_maps: dict[tuple, list[int]] = {}
    skeleton = dict(doc)
    if type(doc.get("resource_changes")) is list:
        skeleton["resource_changes"] = _filtered(doc["resource_changes"], _fast_resource_change,
                                                 ("resource_changes",), index_maps)
    skeleton["planned_values"] = _skeleton_values(doc.get("planned_values"), ("planned_values",),
                                                  index_maps)
    if type(doc.get("prior_state")) is dict and "values" in doc["prior_state"]:
        prior = dict(doc["prior_state"])
        prior["values"] = _skeleton_values(prior.get("values"), ("prior_state", "values"), index_maps)
        skeleton["prior_state"] = prior
    config = doc.get("configuration")
    if type(config) is dict and "root_module" in config:
        skeleton["configuration"] = dict(config, root_module=_skeleton_config(
            config["root_module"], ("configuration", "root_module"), index_maps))
    if "planned_values" not in doc:
        del skeleton["planned_values"]
    return skeleton, index_maps


def _original_path(path: tuple, index_maps: dict) -> tuple:
    out = list(path)
    for i in range(len(out)):
        kept = index_maps.get(tuple(out[:i]))
        if kept is not None and type(out[i]) is int and out[i] < len(kept):
            out[i] = kept[out[i]]
    return tuple(out)


def _describe(error: jsonschema.ValidationError) -> str:
    instance = error.instance
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else str(expected)
        return f"expected {expected}, got {_json_type(instance)} {_short(instance)}"
    if error.validator in ("enum", "const"):
        allowed = error.validator_value
        return f"{_short(instance)} is not one of {_short(allowed, 160)}"
    if error.validator == "pattern":
        return f"{_short(instance)} does not match {error.validator_value!r}"
    if error.validator == "anyOf" and not error.absolute_path:
        return 'neither "planned_values" nor "resource_changes" is present'
    return _one_line(error.message, 200)
