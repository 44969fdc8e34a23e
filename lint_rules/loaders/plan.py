"""Load a ``terraform show -json PLANFILE`` document into a :class:`~lint_rules.model.Model`.

The input is checked in this order, and the first problem found ends the run
with one :class:`~lint_rules.errors.InputError` line:

1. the text: empty, a binary plan, a human-readable plan, the streaming
   output of ``terraform plan -json``, or JSON that does not parse;
2. the kind of document: a JSON object that is a plan, not a state document,
   a provider schema, a tfvars file, ...; a supported ``format_version``;
3. ``plan_schema.json`` (JSON Schema 2020-12, shipped beside this module);
4. while building the model, anything the schema leaves open (the shape of
   ``after_unknown``, resource addresses) is checked where it is read.

Building the model (see ``docs/architecture.md``, "The model contract"):

- one Resource per instance in ``resource_changes`` that still exists after
  apply (not ``["delete"]`` / ``["forget"]``, and ``after`` not null), with
  ``after`` as values and every path that ``after_unknown`` marks replaced by
  :data:`~lint_rules.model.UNKNOWN`; deposed objects and ``resource_drift``
  are not resources;
- instances of ``planned_values`` that ``resource_changes`` does not list
  (all of them in old plans that have no ``resource_changes``);
- data sources read at plan time, from ``prior_state``;
- ``refs`` from ``configuration``: the references of every attribute of the
  resource's configuration block, followed through module inputs
  (``var.X``) and module outputs (``module.M.OUT``) to resource addresses;
- ``Model.providers`` from ``configuration.provider_config`` (region,
  ``allowed_account_ids``, ``assume_role``, ``profile``: constants, or root
  variables' values) and each resource's ``provider`` from its
  ``provider_config_key`` (terraform >= 1.1 already resolves keys passed through
  module ``providers`` maps to the root configuration; older plans name the module
  call, ``child:aws``, and such a key is read as the configuration of that module
  if it declares one, else as the root's).
"""
from __future__ import annotations

import itertools
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..errors import InputError
from ..model import UNKNOWN, Model, ProviderConfig, Resource
from ..schema_fast import refusing_on_error

SCHEMA_FILE = "plan_schema.json"
SUPPORTED_MAJOR_VERSIONS = (0, 1)
MAX_SCHEMA_ERRORS = 100  # schema errors looked at to pick the one to report
SHOW_JSON = "`terraform show -json PLANFILE`"

# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------


def load_plan_text(text: str, source: str) -> Model:
    """Parse the text of a plan JSON document; see the module docstring."""
    return load_plan_document(parse_plan_text(text, source), source)


def parse_plan_text(text: str, source: str) -> Any:
    """The parsed JSON of a plan's text (step 1 of the module docstring), not yet checked
    to be a plan: :func:`load_plan_document` does that."""
    if not isinstance(text, str):
        raise InputError(f"expected text, got {type(text).__name__}", source)
    text = text.lstrip("\ufeff")
    if not text or text.isspace():  # (not text.strip(): that copies a large plan's text)
        raise InputError(f"empty input: expected the output of {SHOW_JSON}", source)
    if text.startswith("PK\x03\x04"):
        raise InputError("this is a binary plan file; convert it with "
                         f"{SHOW_JSON}", source)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(_not_json_message(text, exc), source) from None
    except RecursionError:
        raise InputError("JSON is nested too deeply to be a plan", source) from None
    except ValueError as exc:  # an integer of more digits than Python converts (sys.get_int_max_str_digits)
        raise InputError(f"invalid JSON: {_one_line(str(exc).split(';')[0], 120)}", source) from None
    return doc


def load_plan_document(doc: Any, source: str) -> Model:
    """Validate a parsed plan document and build the model."""
    check_document_kind(doc, source)
    try:
        validate_plan_schema(doc, source)
        model = _PlanReader(doc, source).model()
        version = doc.get("terraform_version")
        model.terraform_version = version if isinstance(version, str) else None
        return model
    except RecursionError:
        raise InputError("plan is nested too deeply to read", source) from None


def plan_schema() -> dict:
    """The JSON Schema every plan document is validated against."""
    return json.loads(_schema_text())


# ---------------------------------------------------------------------------
# 1. text
# ---------------------------------------------------------------------------

_HUMAN_PLAN_MARKERS = (
    "Terraform will perform",
    "Terraform used the selected providers",
    "OpenTofu will perform",
    "OpenTofu used the selected providers",
    "An execution plan has been generated",
    "Resource actions are indicated",
    "Refreshing state...",
    "Plan:",
    "No changes.",
    "Changes to Outputs:",
    "\x1b[",
    "\u2500",  # the box-drawing rule terraform prints around a plan
)
_HCL_START = re.compile(r'\s*(resource|data|module|provider|variable|output|locals|terraform)\s*("|\{)')


def _not_json_message(text: str, exc: json.JSONDecodeError) -> str:
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        if any(marker in text for marker in _HUMAN_PLAN_MARKERS):
            return ("this looks like a human-readable plan, not JSON; "
                    f"use {SHOW_JSON}")
        if _HCL_START.match(text):
            return ("this looks like Terraform configuration (HCL), not a plan; "
                    "pass the directory that holds the .tf files instead")
    if exc.msg == "Extra data":
        first = stripped.split("\n", 1)[0]
        try:
            line = json.loads(first)
        except (json.JSONDecodeError, RecursionError):
            line = None
        if isinstance(line, dict) and ("@level" in line or "@message" in line):
            return ("this is the streaming output of `terraform plan -json`, not a plan document; "
                    f"save the plan with `terraform plan -out PLANFILE` and use {SHOW_JSON}")
    message = f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
    # An unterminated string means the scanner ran out of input as well.
    if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
        message += " (the document ends early: truncated?)"
    return message


# ---------------------------------------------------------------------------
# 2. kind of document
# ---------------------------------------------------------------------------


def check_document_kind(doc: Any, where: str) -> None:
    """Reject JSON that is not a plan, saying what it looks like instead."""
    if not isinstance(doc, dict):
        raise InputError(f"expected a JSON object (the output of {SHOW_JSON}), "
                         f"got {_json_type(doc)}", where)
    if "provider_schemas" in doc:
        raise InputError("this is a provider schema document (`terraform providers schema -json`), "
                         f"not a plan; use {SHOW_JSON}", where)
    is_plan = "planned_values" in doc or "resource_changes" in doc
    version = doc.get("format_version")
    if not is_plan:
        if "values" in doc:
            raise InputError('this is a state document, not a plan (it has "values" but no '
                             '"planned_values"); save a plan with `terraform plan -out PLANFILE` '
                             f"and use {SHOW_JSON}", where)
        if "lineage" in doc and "resources" in doc:
            raise InputError("this is a raw state file (terraform.tfstate), not a plan; "
                             f"use {SHOW_JSON}", where)
        if "terraform_version" in doc and "platform" in doc:
            raise InputError("this is the output of `terraform version -json`, not a plan; "
                             f"use {SHOW_JSON}", where)
        if version is None:
            raise InputError("this JSON is not a plan: it has no format_version, planned_values "
                             "or resource_changes (a tfvars or other JSON file?); "
                             f"expected the output of {SHOW_JSON}", where)
        raise InputError('this is not a plan: it has neither "planned_values" nor '
                         f'"resource_changes"; expected the output of {SHOW_JSON}', where)
    if version is None:
        raise InputError(f"not a plan: no format_version; expected the output of {SHOW_JSON}",
                         where)
    if isinstance(version, str):
        match = re.match(r"\s*(\d+)\.", version)
        if match and int(match.group(1)) not in SUPPORTED_MAJOR_VERSIONS:
            raise InputError(f"unsupported plan format_version {version!r}: auditgate reads "
                             "format versions 0.x and 1.x", where)


# ---------------------------------------------------------------------------
# 3. schema
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# 4. the model
# ---------------------------------------------------------------------------

_IDENT = r"[A-Za-z_][A-Za-z0-9_-]*"
_KEY = r'\[(?:[0-9]+|"(?:[^"\\]|\\.)*")\]'
_MODULE_SEGMENT = re.compile(rf"module\.({_IDENT})({_KEY})?\.")
_RESOURCE_PART = re.compile(rf"(data\.)?({_IDENT})\.({_IDENT})({_KEY})?$")
_TRAVERSAL_ROOT = re.compile(_IDENT)
_TRAVERSAL_STEP = re.compile(rf'\.({_IDENT})|\[([0-9]+|"(?:[^"\\]|\\.)*"|\*)\]|\.\*')

# Reference roots that never name a resource (plan JSON has no locals to follow).
_NOT_RESOURCES = frozenset({"local", "each", "count", "path", "terraform", "self",
                            "ephemeral", "action", "resource"})
_EXPRESSION_KEYS = frozenset({"constant_value", "references"})
_GONE_ACTIONS = frozenset({"delete", "forget"})

Segment = tuple  # (call name, instance key text such as '["a"]' / '[0]' / '')


class _Bad(Exception):
    """A problem at a JSON path of the document; becomes an InputError."""

    def __init__(self, path: Iterable[Any], message: str):
        super().__init__(message)
        self.path = tuple(path)
        self.message = message


def parse_address(address: str) -> tuple[tuple[Segment, ...], str, str, str, Any] | None:
    """``module.a["x"].data.t.n[0]`` -> (segments, mode, type, name, index); None if malformed."""
    segments: list[Segment] = []
    pos = 0
    while True:
        match = _MODULE_SEGMENT.match(address, pos)
        if not match:
            break
        segments.append((match.group(1), match.group(2) or ""))
        pos = match.end()
    match = _RESOURCE_PART.match(address, pos)
    if not match:
        return None
    index: Any = None
    if match.group(4):
        index = _address_index(match.group(4)[1:-1])
    return (tuple(segments), "data" if match.group(1) else "managed", match.group(2),
            match.group(3), index)


@lru_cache(maxsize=1 << 14)
def _address_index(raw: str) -> Any:
    """The instance key of an address (``"a"`` -> ``a``, ``0`` -> ``0``); memoized, as keys recur
    (only strings and numbers reach here: the address pattern allows no brackets or braces)."""
    try:
        index = json.loads(raw)
    except (json.JSONDecodeError, RecursionError):
        return raw
    return index


def _index_key(index: Any) -> str:
    """The instance key text of a parsed instance index (``["a"]``, ``[0]``), or ``""``."""
    if index is None:
        return ""
    return _key_text(json.dumps(index, ensure_ascii=False)) or ""


def _module_string(segments: Iterable[Segment]) -> str:
    return ".".join(f"module.{name}{key}" for name, key in segments)


def _prefixed(segments: tuple[Segment, ...], address: str) -> str:
    return f"{_module_string(segments)}.{address}" if segments else address


@lru_cache(maxsize=1 << 16)
def _traversal(ref: str) -> list[tuple[str, str]]:
    """``module.a[0].out`` -> [("attr","module"), ("attr","a"), ("key","0"), ("attr","out")].

    Memoized (a large plan repeats the same references in every module instance): callers only
    read the list."""
    match = _TRAVERSAL_ROOT.match(ref)
    if not match:
        return []
    steps = [("attr", match.group(0))]
    pos = match.end()
    while pos < len(ref):
        step = _TRAVERSAL_STEP.match(ref, pos)
        if not step:
            break
        if step.group(1) is not None:
            steps.append(("attr", step.group(1)))
        elif step.group(2) is not None:
            steps.append(("key", step.group(2)))
        else:
            steps.append(("splat", "*"))
        pos = step.end()
    return steps


def _output_steps(steps: list[tuple[str, str]]) -> tuple[tuple, str | None] | None:
    """``module.m[k].out["i"]`` -> ((call, instance key step or None, output), index text or None);
    None when ``steps`` are not a module output reference."""
    if len(steps) < 3 or steps[0] != ("attr", "module") or steps[1][0] != "attr":
        return None
    rest = steps[2:]
    key = None
    if rest and rest[0][0] in ("key", "splat"):
        key, rest = rest[0], rest[1:]
    if not rest or rest[0][0] != "attr":
        return None
    index = _key_text(rest[1][1]) if len(rest) > 1 and rest[1][0] == "key" else None
    return (steps[1][1], key, rest[0][1]), index


@lru_cache(maxsize=1 << 14)
def _key_text(raw: str) -> str | None:
    """A reference's instance key (``0``, ``"a"``) as terraform prints it in addresses."""
    if raw == "*":
        return None
    try:
        return f"[{json.dumps(json.loads(raw), ensure_ascii=False)}]"
    except (json.JSONDecodeError, RecursionError):
        return None


def _resource_ref(steps: list[tuple[str, str]]) -> tuple[str, str | None] | None:
    """(config address, instance key text or None) of a reference to a resource / data source."""
    if len(steps) < 2 or steps[0][0] != "attr" or steps[1][0] != "attr":
        return None
    root = steps[0][1]
    if root in ("var", "module") or root in _NOT_RESOURCES:
        return None
    if root == "data":
        if len(steps) < 3 or steps[2][0] != "attr":
            return None
        config, rest = f"data.{steps[1][1]}.{steps[2][1]}", steps[3:]
    else:
        config, rest = f"{root}.{steps[1][1]}", steps[2:]
    key = _key_text(rest[0][1]) if rest and rest[0][0] == "key" else None
    return config, key


def _each_of(conf: dict, key: str) -> tuple[str | None, str, bool] | None:
    """The ``each`` argument of ``resolve_all`` for the instance ``key`` of a resource or module call.

    The key tells ``for_each`` (``["a"]``) from ``count`` (``[0]``): terraform leaves
    ``for_each_expression`` / ``count_expression`` out of the plan when the expression has neither a
    constant value nor references (``for_each = toset(["a", "b"])``: a function call)."""
    if not key:
        return None
    if key.startswith('["'):
        return (_for_each_resource(conf.get("for_each_expression")), key, False)
    return (None, key, True)


def _for_each_resource(node: Any) -> str | None:
    """``X`` when a ``for_each_expression`` refers to exactly one resource ``X`` and nothing else."""
    if not isinstance(node, dict):
        return None
    refs = _references(node)
    targets = {_resource_ref(_traversal(r)) for r in refs}
    if len(targets) != 1:
        return None
    (target,) = targets
    if target is None or target[1] is not None:
        return None
    return target[0]


def _references(node: Any) -> list[str]:
    """Every reference string in an expression (or anything nested in it)."""
    found: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            refs = item.get("references")
            if isinstance(refs, list):
                found.extend(r for r in refs if isinstance(r, str))
            stack.extend(v for k, v in item.items() if k != "references" and isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (dict, list)))
    return found


def _is_expression(node: dict) -> bool:
    return not node or node.keys() <= _EXPRESSION_KEYS


def _expression_paths(expressions: Any, prefix: str, out: list[tuple[str, list[str]]]) -> None:
    """(dotted attribute path, references) for every attribute with references."""
    if not isinstance(expressions, dict):
        return
    for key, value in expressions.items():
        path = f"{prefix}{key}"
        if isinstance(value, list):  # nested blocks
            for i, block in enumerate(value):
                _expression_paths(block, f"{path}.{i}.", out)
        elif isinstance(value, dict):
            if _is_expression(value):
                refs = value.get("references")
                if isinstance(refs, list) and refs:
                    out.append((path, [r for r in refs if isinstance(r, str)]))
            else:  # a single nested block
                _expression_paths(value, f"{path}.", out)


class _Config:
    """The ``configuration`` section indexed once by module call path."""

    def __init__(self, configuration: Any):
        self.resources: dict[tuple, dict] = {}  # (call path, mode, type, name) -> resource
        self.calls: dict[tuple, dict] = {}  # call path -> module call
        self.outputs: dict[tuple, dict] = {}  # call path -> {name: output}
        self.present = isinstance(configuration, dict) and isinstance(
            configuration.get("root_module"), dict)
        if self.present:
            self._index(configuration["root_module"], ())

    def _index(self, module: Any, call_path: tuple) -> None:
        # Iterative, so that a deeply nested module tree cannot exhaust the stack.
        stack = [(module, call_path)]
        while stack:
            module, call_path = stack.pop()
            if not isinstance(module, dict):
                continue
            for res in module.get("resources") or ():
                if isinstance(res, dict):
                    key = (call_path, res.get("mode"), res.get("type"), res.get("name"))
                    self.resources.setdefault(key, res)
            outputs = module.get("outputs")
            self.outputs[call_path] = outputs if isinstance(outputs, dict) else {}
            calls = module.get("module_calls")
            if isinstance(calls, dict):
                for name, call in calls.items():
                    if isinstance(call, dict):
                        self.calls[call_path + (name,)] = call
                        stack.append((call.get("module"), call_path + (name,)))


class _Resolver:
    """Follows references from one module instance to absolute resource addresses."""

    def __init__(self, config: _Config, instances: dict[tuple, list[str]], addresses: Iterable[str] = ()):
        self.config = config
        self.addresses = frozenset(addresses)  # every resource instance address in the model
        self.instances = instances  # (parent segments, call name) -> instance keys present
        self._memo: dict[tuple, tuple[str, ...]] = {}
        self._all_memo: dict[tuple, tuple[str, ...]] = {}
        self._shapes: dict[tuple, tuple] = {}  # refs -> what of them does not depend on the instance
        self._active: set[tuple] = set()

    def resolve_all(self, refs: list[str], inst: tuple[Segment, ...],
                    each: tuple[str | None, str, bool] | None = None) -> tuple[str, ...]:
        """Absolute targets of ``refs`` made in module instance ``inst``.

        ``each``: (the resource ``X`` that ``for_each`` iterates over, or None; the referring
        instance's key text such as ``["a"]`` / ``[0]``; True for a ``count`` index), used to
        tie ``each.value`` (for_each = X), ``X[each.key]`` and ``X[count.index]`` to
        ``X<key>`` when that instance exists.
        """
        key = (tuple(refs), inst, each)  # the same references recur across a module's resources
        found = self._all_memo.get(key)
        if found is None:
            found = self._all_memo[key] = self._resolve_all(refs, inst, each)
        return found

    def _resolve_all(self, refs: list[str], inst: tuple[Segment, ...],
                     each: tuple[str | None, str, bool] | None) -> tuple[str, ...]:
        refs_key = tuple(refs)
        shape = self._shapes.get(refs_key)
        if shape is None:  # once per list of references, however many module instances make it
            shape = self._shapes[refs_key] = self._shape(refs)
        parsed, resources, bare, todo = shape
        each_target = self._each_target(parsed, resources, bare, inst, each)
        found: dict[str, None] = {}
        if each_target is not None:
            found[each_target[1]] = None
        for steps, res in todo:
            if res is not None:
                config, index = res
                if index is None and each_target is not None and config == each_target[0]:
                    continue
                if index is not None:
                    found.setdefault(_prefixed(inst, config + index), None)
                    continue
            for target in self.resolve(steps, inst):
                found.setdefault(target, None)
        return tuple(found)

    @staticmethod
    def _shape(refs: list[str]) -> tuple:
        """(parsed references, their resource references, the bare resources among them, the
        (steps, resource reference) pairs left to resolve) of ``refs``: what does not depend on the
        module instance that makes them."""
        parsed = [(ref, _traversal(ref)) for ref in refs]
        # terraform lists `module.m.out` and also `module.m`: the bare form adds nothing then.
        specific_modules = {steps[1][1] for _, steps in parsed
                            if len(steps) > 2 and steps[0] == ("attr", "module")
                            and steps[1][0] == "attr" and any(s[0] == "attr" for s in steps[2:])}
        # ... and `module.m.out["k"]`, then `module.m.out`: the unindexed output adds nothing either,
        # unless it is listed more often than the indexed ones (the whole output is used on its own too).
        indexed_outputs: dict[tuple, int] = {}
        whole_outputs: dict[tuple, int] = {}
        for _, steps in parsed:
            out_steps = _output_steps(steps)
            if out_steps is not None:
                counter = whole_outputs if out_steps[1] is None else indexed_outputs
                counter[out_steps[0]] = counter.get(out_steps[0], 0) + 1
        # terraform lists `X["a"].id`, `X["a"]` and also `X`: the bare form adds nothing then.
        resources = [_resource_ref(steps) for _, steps in parsed]
        keyed = {r[0] for r in resources if r is not None and r[1] is not None}
        bare = {r[0] for r in resources if r is not None and r[1] is None}
        todo: list[tuple[list, tuple | None]] = []
        for (ref, steps), res in zip(parsed, resources):
            if (steps[:1] == [("attr", "module")] and len(steps) > 1
                    and steps[1][1] in specific_modules
                    and not any(s[0] == "attr" for s in steps[2:])):
                continue
            out_steps = _output_steps(steps)
            if (out_steps is not None and out_steps[1] is None
                    and whole_outputs[out_steps[0]] <= indexed_outputs.get(out_steps[0], 0)):
                continue
            if res is not None and res[1] is None and res[0] in keyed:
                continue
            todo.append((steps, res))
        return parsed, resources, bare, todo

    def _each_target(self, parsed, resources, bare, inst, each) -> tuple[str, str] | None:
        """(config address ``X``, absolute ``X<key>``) that ``each.*`` / ``count.index`` stands for."""
        if each is None:
            return None
        for_each_target, key, is_count = each
        candidates: list[str] = []
        others = [steps for (_, steps), res in zip(parsed, resources)
                  if res is None and steps[:1] not in ([("attr", "each")], [("attr", "count")])]
        if is_count:
            if any(steps[:2] == [("attr", "count"), ("attr", "index")] for _, steps in parsed) \
                    and len(bare) == 1 and not others:
                candidates = list(bare)
        else:
            uses_value = any(steps[:2] == [("attr", "each"), ("attr", "value")] for _, steps in parsed)
            uses_key = any(steps[:2] == [("attr", "each"), ("attr", "key")] for _, steps in parsed)
            if uses_value and for_each_target is not None:
                candidates = [for_each_target]
            elif uses_key and len(bare) == 1 and not others:
                candidates = list(bare)  # `X[each.key]`: terraform lists `X` and `each.key`
        for config in candidates:
            address = _prefixed(inst, config + key)
            if address in self.addresses:
                return config, address
        return None

    def resolve(self, steps: list[tuple[str, str]], inst: tuple[Segment, ...]) -> tuple[str, ...]:
        if len(steps) < 2 or steps[1][0] != "attr":
            return ()
        root = steps[0][1]
        if root == "var":
            return self._variable(inst, steps[1][1])
        if root == "module":
            key = None
            rest = steps[2:]
            if rest and rest[0][0] in ("key", "splat"):
                key = _key_text(rest[0][1]) if rest[0][0] == "key" else None
                rest = rest[1:]
            output = rest[0][1] if rest and rest[0][0] == "attr" else None
            index = _key_text(rest[1][1]) if output is not None and len(rest) > 1 and rest[1][0] == "key" else None
            return self._module_output(inst, steps[1][1], key, output, index)
        if root == "data":
            if len(steps) < 3 or steps[2][0] != "attr":
                return ()
            return (_prefixed(inst, f"data.{steps[1][1]}.{steps[2][1]}"),)
        if root in _NOT_RESOURCES:
            return ()
        return (_prefixed(inst, f"{root}.{steps[1][1]}"),)

    def _guarded(self, key: tuple, compute) -> tuple[str, ...]:
        if key in self._memo:
            return self._memo[key]
        if key in self._active:  # a cycle: valid configurations have none
            return ()
        self._active.add(key)
        try:
            result = compute()
        finally:
            self._active.discard(key)
        self._memo[key] = result
        return result

    def _variable(self, inst: tuple[Segment, ...], name: str) -> tuple[str, ...]:
        if not inst:
            return ()  # a root module variable: set from outside, no resource behind it

        def compute() -> tuple[str, ...]:
            parent = inst[:-1]
            call = self.config.calls.get(tuple(n for n, _ in inst))
            if not call:
                return ()
            expressions = call.get("expressions")
            if not isinstance(expressions, dict) or name not in expressions:
                return ()
            key = inst[-1][1]
            return self.resolve_all(_references(expressions[name]), parent, _each_of(call, key))

        return self._guarded(("var", inst, name), compute)

    def _module_output(self, inst: tuple[Segment, ...], call: str, key: str | None,
                       output: str | None, index: str | None = None) -> tuple[str, ...]:
        """What ``module.<call>[<key>].<output>[<index>]`` refers to.

        ``index`` (a string key, ``["cloudtrail"]``): when the output's expression refers to one
        ``for_each`` resource ``X`` and to nothing else -- ``{ for k, b in X : k => b.id }``, or
        ``X`` itself, the way modules export what they create per key -- the index selects the
        instance ``X["cloudtrail"]`` (when it exists), not every instance of ``X``."""
        def compute() -> tuple[str, ...]:
            call_path = tuple(n for n, _ in inst) + (call,)
            outputs = self.config.outputs.get(call_path) or {}
            names = [output] if output is not None else list(outputs)
            keys = [key] if key is not None else (self.instances.get((inst, call)) or [""])
            found: dict[str, None] = {}
            for k in keys:
                child = inst + ((call, k),)
                for name in names:
                    out = outputs.get(name)
                    if not isinstance(out, dict):
                        continue
                    refs = _references(out.get("expression"))
                    one = self._keyed_instance(refs, child, index) if index is not None else None
                    for target in (one,) if one is not None else self.resolve_all(refs, child):
                        found.setdefault(target, None)
            return tuple(found)

        return self._guarded(("module", inst, call, key, output, index), compute)

    def _keyed_instance(self, refs: list[str], child: tuple[Segment, ...], index: str) -> str | None:
        """``X<index>`` when every reference in ``refs`` is the bare resource ``X`` and ``X<index>``
        is a ``for_each`` instance of the plan; else None."""
        if not index.startswith('["') or not refs:
            return None
        configs = {_resource_ref(_traversal(r)) for r in refs}
        if len(configs) != 1:
            return None
        (found,) = configs
        if found is None or found[1] is not None:
            return None
        address = _prefixed(child, found[0] + index)
        return address if address in self.addresses else None


def _merge_unknown(value: Any, unknown: Any, path: tuple) -> Any:
    """``value`` with every place ``unknown`` marks true replaced by UNKNOWN."""
    if unknown is True:
        return UNKNOWN
    if unknown is False or unknown is None:
        return value
    if isinstance(unknown, dict):
        if not unknown:
            return value
        if value is not None and not isinstance(value, dict):
            return UNKNOWN  # shapes disagree: do not trust the known part
        merged = None
        for key, sub in unknown.items():
            if sub is False or sub is None or (type(sub) is dict and not sub):  # ({} marks nothing)
                continue
            current = value.get(key) if value is not None else None
            new = _merge_unknown(current, sub, path + (key,))
            if new is not current:
                if merged is None:
                    merged = dict(value) if value is not None else {}
                merged[key] = new
        return value if merged is None else merged
    if isinstance(unknown, list):
        if value is not None and not isinstance(value, list):
            return UNKNOWN
        merged_list = None
        for i, sub in enumerate(unknown):
            if sub is False or sub is None:
                continue
            current = value[i] if value is not None and i < len(value) else None
            new = _merge_unknown(current, sub, path + (i,))
            if new is not current:
                if merged_list is None:
                    merged_list = list(value) if value is not None else []
                while len(merged_list) <= i:
                    merged_list.append(None)
                merged_list[i] = new
        return value if merged_list is None else merged_list
    raise _Bad(path, f"expected true, false, an object or an array, got {_json_type(unknown)} "
                     f"{_short(unknown)}")


def _walk_module_values(module: Any, path: tuple) -> Iterator[tuple[tuple, dict]]:
    """(JSON path, resource) for every resource of a values module, child modules included."""
    stack = [(module, path)]
    while stack:
        module, path = stack.pop()
        if not isinstance(module, dict):
            continue
        for i, res in enumerate(module.get("resources") or ()):
            yield path + ("resources", i), res
        children = module.get("child_modules") or ()
        for i in reversed(range(len(children))):
            stack.append((children[i], path + ("child_modules", i)))


class _PlanReader:
    def __init__(self, doc: dict, source: str):
        self.doc = doc
        self.source = source
        self.diagnostics: list[str] = []
        self.entries: list[dict] = []
        self.seen: set[str] = set()

    # --- the whole model ------------------------------------------------------
    def model(self) -> Model:
        try:
            self._collect()
            config = _Config(self.doc.get("configuration"))
            if not config.present and self.entries:
                self.diagnostics.append("the plan has no configuration section: references between "
                                        "resources cannot be followed")
            resources = self._resources(config)
        except _Bad as bad:
            raise InputError(f"not a valid plan at {_pointer(bad.path)}: {bad.message}",
                             self.source) from None
        incomplete = None
        if self.doc.get("errored") is True:
            incomplete = ("terraform reported errors while planning (errored: true): "
                          "the plan may be incomplete")
        elif self.doc.get("complete") is False:
            incomplete = ("the plan is incomplete (complete: false): some changes are "
                          "deferred and their resources may be missing")
        if incomplete:
            self.diagnostics.append(incomplete)
        return Model(resources=resources, source=self.source, kind="plan",
                     diagnostics=self.diagnostics, has_references=config.present, incomplete=incomplete,
                     providers=self._providers)

    # --- instances ----------------------------------------------------------
    def _collect(self) -> None:
        changes = self.doc.get("resource_changes") or []
        gone: set[str] = set()
        for i, rc in enumerate(changes):
            path = ("resource_changes", i)
            if rc.get("deposed"):
                continue  # an old object of a replacement, always being destroyed
            change = rc["change"]
            actions = tuple(change["actions"])
            address = rc["address"]
            after = change.get("after")
            if all(a in _GONE_ACTIONS for a in actions) or after is None:
                gone.add(address)
                continue
            if not isinstance(after, dict):
                raise _Bad(path + ("change", "after"), f"expected an object, got {_json_type(after)}")
            unknown = change.get("after_unknown")
            if unknown is True:  # the whole object is known only after apply
                unknown = {key: True for key in after}
                self.diagnostics.append(f"{address}: every value is known only after apply")
            values = _merge_unknown(after, unknown, path + ("change", "after_unknown"))
            self._add(path, rc, values, actions)
        planned = self.doc.get("planned_values") or {}
        added_from_planned = 0
        for path, res in _walk_module_values(planned.get("root_module"), ("planned_values", "root_module")):
            if res["address"] in self.seen or res["address"] in gone:
                continue
            self._add(path, res, res.get("values") or {}, ("no-op",) if changes else ("create",))
            added_from_planned += 1
        if added_from_planned and not changes:
            self.diagnostics.append("the plan has no resource_changes; resources were read from "
                                    "planned_values, where values known only after apply are missing "
                                    "rather than marked unknown")
        prior = (self.doc.get("prior_state") or {}).get("values") or {}
        prior_path = ("prior_state", "values", "root_module")
        for path, res in _walk_module_values(prior.get("root_module"), prior_path):
            if res.get("mode") != "data" or res["address"] in self.seen or res["address"] in gone:
                continue
            self._add(path, res, res.get("values") or {}, ("read",))

    def _add(self, path: tuple, item: dict, values: Any, actions: tuple) -> None:
        address = item["address"]
        if not isinstance(values, dict):
            raise _Bad(path + ("values",), f"expected an object, got {_json_type(values)}")
        parsed = parse_address(address)
        if parsed is None:
            raise _Bad(path + ("address",), f"cannot read resource address {_short(address)}")
        segments, mode, rtype, name, index = parsed
        if (mode, rtype, name) != (item["mode"], item["type"], item["name"]):
            raise _Bad(path + ("address",), f"address {_short(address)} does not match "
                                            f"mode/type/name {item['mode']}/{item['type']}/{item['name']}")
        if address in self.seen:
            self.diagnostics.append(f"{address} is listed twice in the plan; the first entry was used")
            return
        self.seen.add(address)
        module_path = _module_string(segments)
        module_address = item.get("module_address", module_path)
        if module_address != module_path:
            raise _Bad(path + ("module_address",), f"{_short(module_address)} is not the module of "
                                                   f"address {_short(address)}")
        self.entries.append(dict(address=address, mode=mode, type=rtype, name=name,
                                 segments=segments, module_path=module_path,
                                 index=item["index"] if "index" in item else index,
                                 key=_index_key(index), values=values, actions=actions))

    # --- references ---------------------------------------------------------
    def _resources(self, config: _Config) -> list[Resource]:
        self._providers = _provider_configs(self.doc.get("configuration"), self.doc.get("variables"))
        instances: dict[tuple, list[str]] = {}
        for entry in self.entries:
            segments = entry["segments"]
            for depth, (call, key) in enumerate(segments):
                keys = instances.setdefault((segments[:depth], call), [])
                if key not in keys:
                    keys.append(key)
        resolver = _Resolver(config, instances, (e["address"] for e in self.entries))
        cache: dict[tuple, dict[str, tuple[str, ...]]] = {}
        expression_paths: dict[int, list[tuple[str, list[str]]]] = {}  # id(config) -> paths; config outlives it
        out: list[Resource] = []
        for entry in self.entries:
            segments = entry["segments"]
            conf_key = (tuple(n for n, _ in segments), entry["mode"], entry["type"], entry["name"])
            conf = config.resources.get(conf_key)
            key = entry["key"]
            each = _each_of(conf, key) if conf is not None else None
            cache_key = (segments, conf_key, key if each is not None else None)
            refs = cache.get(cache_key)
            if refs is None:
                refs = {}
                if conf is not None:
                    paths = expression_paths.get(id(conf))
                    if paths is None:  # once per configuration block, not per instance
                        paths = expression_paths[id(conf)] = []
                        _expression_paths(conf.get("expressions"), "", paths)
                    for attr_path, references in paths:
                        targets = resolver.resolve_all(references, segments, each)
                        if targets:
                            refs[attr_path] = targets
                cache[cache_key] = refs
            provider = _provider_key(conf.get("provider_config_key") if conf is not None else None,
                                     conf_key[0], self._providers)
            out.append(Resource(address=entry["address"], mode=entry["mode"], type=entry["type"],
                                name=entry["name"], module_path=entry["module_path"],
                                index=entry["index"], values=entry["values"], refs=dict(refs),
                                file=self.source, line=None, actions=entry["actions"], provider=provider))
        return out


# ---------------------------------------------------------------------------
# provider configurations
# ---------------------------------------------------------------------------


def _is_aws(pc: dict) -> bool:
    full = pc.get("full_name")
    if isinstance(full, str) and full:
        return full.endswith("/hashicorp/aws") or full == "aws"
    return pc.get("name") == "aws"


def _provider_expression(expr: Any, variables: Any, in_root: bool) -> Any:
    """The value of one provider argument: its constant, the value of the one root variable it
    refers to, or UNKNOWN; None when not set."""
    if expr is None:
        return None
    if not isinstance(expr, dict):
        return UNKNOWN
    if "constant_value" in expr:
        return expr["constant_value"]
    refs = [r for r in expr.get("references") or () if isinstance(r, str)]
    if not refs:
        return None if not expr else UNKNOWN
    names = {r for r in refs if r.startswith("var.")}
    if in_root and len(names) == 1 and len(refs) == 1 and isinstance(variables, dict):
        var = variables.get(refs[0][4:])
        if isinstance(var, dict) and "value" in var:
            return ("var", var["value"])
    return UNKNOWN


def _provider_configs(configuration: Any, variables: Any) -> dict[str, ProviderConfig]:
    """``configuration.provider_config`` as :class:`ProviderConfig` s (aws only)."""
    pcs = configuration.get("provider_config") if isinstance(configuration, dict) else None
    out: dict[str, ProviderConfig] = {}
    for key, pc in (pcs.items() if isinstance(pcs, dict) else ()):
        if not isinstance(key, str) or not isinstance(pc, dict) or not _is_aws(pc):
            continue
        expressions = pc.get("expressions") if isinstance(pc.get("expressions"), dict) else {}
        in_root = not pc.get("module_address")

        def value(expr, kind):
            v = _provider_expression(expr, variables, in_root)
            if isinstance(v, tuple) and v[:1] == ("var",):
                v = v[1]
                if kind == "ids":  # allowed_account_ids = var.ids, or [var.id]
                    v = [v] if isinstance(v, str) else v
                elif kind == "arn" and not (isinstance(v, str) and v.startswith("arn:")):
                    return UNKNOWN  # e.g. "arn:aws:iam::${var.account}:role/x": not the whole ARN
            if kind == "ids":
                if v is None:
                    return ()
                if isinstance(v, list) and all(isinstance(i, str) for i in v):
                    return tuple(v)
                return UNKNOWN
            if v is None or v is UNKNOWN or isinstance(v, str):
                return v
            return UNKNOWN

        role = expressions.get("assume_role")
        if isinstance(role, list):  # one or more blocks (role chaining: the last one decides)
            blocks = [b for b in role if isinstance(b, dict)]
            role_arn = value(blocks[-1].get("role_arn"), "arn") if blocks else None
        elif isinstance(role, dict) and not _is_expression(role):
            role_arn = value(role.get("role_arn"), "arn")
        else:
            role_arn = None if role is None else UNKNOWN
        alias = pc.get("alias")
        out[key] = ProviderConfig(
            key=key, alias=alias if isinstance(alias, str) and alias else None,
            region=value(expressions.get("region"), "str"),
            account_ids=value(expressions.get("allowed_account_ids"), "ids"),
            assume_role_arn=role_arn, profile=value(expressions.get("profile"), "str"))
    return out


def _provider_key(raw: Any, call_path: tuple, providers: dict[str, ProviderConfig]) -> str:
    """The root-level key of the provider configuration a resource uses (see the module docstring)."""
    if not isinstance(raw, str) or not raw:
        return "aws"
    if raw in providers:
        return raw
    module, sep, local = raw.rpartition(":")
    if not sep:
        return raw
    # terraform < 1.1 names the module call ("child:aws"); newer ones the module ("module.child:aws")
    declared = ".".join(f"module.{n}" for n in call_path)
    if declared and f"{declared}:{local}" in providers:
        return f"{declared}:{local}"
    return local  # inherited from (or passed by) the root: its configuration of that name


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _short(value: Any, limit: int = 60) -> str:
    if isinstance(value, dict):
        text = "{...}" if value else "{}"
    elif isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value) and limit < 100:
        text = "[...]"
    else:
        text = repr(value)
    return _one_line(text, limit)


def _one_line(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _pointer(path: Iterable[Any]) -> str:
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "/" + "/".join(parts) if parts else "/ (the document itself)"
