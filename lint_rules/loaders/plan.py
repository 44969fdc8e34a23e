"""Load a ``terraform show -json PLANFILE`` document into a :class:`~lint_rules.model.Model`.

The input is checked in this order, and the first problem found ends the run
with one :class:`~lint_rules.errors.InputError` line:

1. the text: empty, a binary plan, a human-readable plan, the streaming
   output of ``terraform plan -json``, or JSON that does not parse;
2. the kind of document: a JSON object that is a plan, not a state document,
   a provider schema, a tfvars file, ...; a supported ``format_version``;
3. ``plan_schema.json`` (JSON Schema 2020-12, shipped beside this module; :mod:`.plan_schema`);
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
- ``refs`` from ``configuration`` (:mod:`.plan_refs`): the references of every attribute of the
  resource's configuration block, followed through module inputs
  (``var.X``) and module outputs (``module.M.OUT``) to resource addresses;
- ``Model.providers`` from ``configuration.provider_config`` (:mod:`.plan_providers`) (region,
  ``allowed_account_ids``, ``assume_role``, ``profile``: constants, or root
  variables' values) and each resource's ``provider`` from its
  ``provider_config_key`` (terraform >= 1.1 already resolves keys passed through
  module ``providers`` maps to the root configuration; older plans name the module
  call, ``child:aws``, and such a key is read as the configuration of that module
  if it declares one, else as the root's).
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterator

from ..errors import InputError
from ..model import UNKNOWN, Model, Resource
from .plan_json import _Bad, _json_type, _one_line, _pointer, _short
from .plan_providers import _provider_configs, _provider_key
from .plan_refs import _Config, _Resolver, _each_of, _expression_paths, _index_key, _module_string, parse_address
from .plan_schema import plan_schema, validate_plan_schema

__all__ = ["load_plan_text", "parse_plan_text", "load_plan_document", "plan_schema", "parse_address",
           "check_document_kind"]

SUPPORTED_MAJOR_VERSIONS = (0, 1)
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
# 4. the model
# ---------------------------------------------------------------------------

_GONE_ACTIONS = frozenset({"delete", "forget"})


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
        present: dict[tuple, dict[str, None]] = {}  # insertion-ordered sets: a call may have thousands of keys
        for entry in self.entries:
            segments = entry["segments"]
            for depth, (call, key) in enumerate(segments):
                keys = present.get((segments[:depth], call))
                if keys is None:
                    keys = present[(segments[:depth], call)] = {}
                keys[key] = None
        instances = {call: list(keys) for call, keys in present.items()}
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
