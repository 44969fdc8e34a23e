"""Read a plan's configuration source beside the plan: the links the plan cannot record.

``terraform show -json`` records, for every argument, the references of its
expression, but not the expressions of ``locals`` (nor of ``dynamic`` blocks, nor
``each.value`` over a map that is not one resource): ``s3_bucket_name =
local.audit_log_bucket_id`` appears as ``references: ["local.audit_log_bucket_id"]``
and plan mode cannot tell which bucket it names.  The ``.tf`` files can.

:func:`attach_source` is one enrichment step between loading and evaluating::

    plan JSON ─► load_plan_document ─► Model(kind="plan") ─┐
    DIR (.tf) ─► load_hcl_dir(values = the plan's variables) ─┴─► attach_source ─► Model(kind="plan")

- The plan's values stay terraform's: nothing in ``values`` is changed.  The HCL
  load sees them too: an attribute the configuration does not set (a data source's
  ``account_id``, read at plan time) is read from the plan, so ``count`` and
  conditions over data sources evaluate as terraform evaluated them.
- References: for each plan resource instance, the HCL instance at the same address
  (or, where the HCL loader could not know an instance key, the one unkeyed instance
  it checked in its place) supplies the references of an attribute whose expression
  in the plan's ``configuration`` reaches a ``local.*`` (directly or through module
  inputs and outputs), an ``each.value`` the plan cannot tie to one resource, or is
  not recorded at all (``dynamic`` blocks; a plan without ``configuration``).  They
  are added to what the plan recorded, never replacing it.
- Locations: every plan resource gets the ``file``/``line`` of its block in DIR
  (module calls followed, instance keys stripped), with the same paths as
  ``auditgate check DIR`` prints.
- A source that does not declare the plan's resources (another directory, or edited
  since the plan was made) supplies nothing: a note says what differs.

:func:`detect_source_dir` finds the source when the current directory is the plan's
root module (its top-level ``resource``/``data``/``module`` blocks are exactly those
of the plan's ``configuration.root_module``).
"""
from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..errors import InputError
from ..model import UNKNOWN, Model, Resource
from . import plan_refs as _plan

__all__ = ["attach_source", "detect_source_dir", "declared_blocks", "plan_root_blocks", "pair_sources"]

# How many differing addresses a mismatch note names.
_NAMED = 3


# ---------------------------------------------------------------------------
# which directory
# ---------------------------------------------------------------------------

_TOP_BLOCK = re.compile(r'^(resource|data)[ \t]+("[^"\n]*"|[A-Za-z_][\w-]*)[ \t]+("[^"\n]*"|[A-Za-z_][\w-]*)'
                        r'[ \t]*\{|^module[ \t]+("[^"\n]*"|[A-Za-z_][\w-]*)[ \t]*\{', re.M)


def _label(text: str) -> str:
    return text[1:-1] if text.startswith('"') else text


def _is_override(name: str) -> bool:
    stem = name[:-len(".tf.json")] if name.endswith(".tf.json") else name[:-len(".tf")]
    return stem == "override" or stem.endswith("_override")


def declared_blocks(directory: str) -> set[str] | None:
    """The top-level ``resource``, ``data`` and ``module`` blocks of the ``.tf`` / ``.tf.json``
    files in ``directory``, as ``aws_s3_bucket.x``, ``data.t.n``, ``module.m``; None when it holds
    no configuration file or one cannot be read.

    A lexical scan (blocks start a line, as ``terraform fmt`` writes them): cheap enough to run
    whenever a plan is checked, to tell whether the current directory is the plan's root."""
    try:
        names = sorted(n for n in os.listdir(directory)
                       if n.endswith((".tf", ".tf.json")) and not _is_override(n))
    except OSError:
        return None
    found: set[str] = set()
    for name in names:
        path = os.path.join(directory, name)
        if not os.path.isfile(path):
            continue
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None
        if name.endswith(".json"):
            try:
                doc = json.loads(text)
            except (json.JSONDecodeError, RecursionError):
                return None
            if not isinstance(doc, dict):
                return None
            for kind, prefix in (("resource", ""), ("data", "data.")):
                for rtype, named in _json_blocks(doc.get(kind)):
                    found.update(f"{prefix}{rtype}.{n}" for n, _ in _json_blocks(named))
            found.update(f"module.{n}" for n, _ in _json_blocks(doc.get("module")))
            continue
        for match in _TOP_BLOCK.finditer(text):
            if match.group(4) is not None:
                found.add(f"module.{_label(match.group(4))}")
            else:
                prefix = "data." if match.group(1) == "data" else ""
                found.add(f"{prefix}{_label(match.group(2))}.{_label(match.group(3))}")
    return found if names else None


def _json_blocks(node: Any) -> Iterable[tuple[str, Any]]:
    """(label, body) pairs of a JSON-syntax block map (an object, or an array of objects)."""
    items = node if isinstance(node, list) else [node]
    for item in items:
        if isinstance(item, dict):
            yield from item.items()


def plan_root_blocks(doc: Any) -> set[str] | None:
    """The blocks ``configuration.root_module`` declares, in :func:`declared_blocks` form;
    None when the plan has no configuration section."""
    config = doc.get("configuration") if isinstance(doc, dict) else None
    root = config.get("root_module") if isinstance(config, dict) else None
    if not isinstance(root, dict):
        return None
    found = {r["address"] for r in root.get("resources") or () if isinstance(r, dict)
             and isinstance(r.get("address"), str)}
    calls = root.get("module_calls")
    if isinstance(calls, dict):
        found.update(f"module.{name}" for name in calls)
    return found


def detect_source_dir(doc: Any, directory: str = ".") -> str | None:
    """``directory`` when it is the plan's root module, else None."""
    planned = plan_root_blocks(doc)
    if not planned:
        return None
    declared = declared_blocks(directory)
    return directory if declared == planned else None


def pair_sources(plans: Sequence[str], source_dirs: Sequence[str], option: str = "--tf-dir") -> list[str | None]:
    """The source directory of each plan: one directory for every plan, or one per plan in order."""
    if not source_dirs:
        return [None] * len(plans)
    if len(source_dirs) == 1:
        return [source_dirs[0]] * len(plans)
    if len(source_dirs) != len(plans):
        raise InputError(f"{len(plans)} plan(s) and {len(source_dirs)} {option} directories: give one "
                         f"{option} for every plan, or one per plan in the same order")
    return list(source_dirs)


# ---------------------------------------------------------------------------
# the enrichment
# ---------------------------------------------------------------------------


def plan_variables(doc: dict) -> dict[str, Any]:
    """The root module variable values terraform planned with."""
    variables = doc.get("variables")
    if not isinstance(variables, dict):
        return {}
    return {name: v["value"] for name, v in variables.items() if isinstance(v, dict) and "value" in v}


def attach_source(model: Model, doc: dict, directory: str, *, detected: bool = False) -> Model:
    """``model`` (of plan ``doc``) with the references and locations its source in ``directory``
    supplies; see the module docstring.  Raises InputError when ``directory`` cannot be read
    as Terraform configuration."""
    from .hcl import _key_suffix, load_hcl_dir

    def plan_value(inst, conf, key, name):
        found = model.get(f"{inst.prefix}{conf.local_address}{_key_suffix(key)}")
        return found.values.get(name, UNKNOWN) if found is not None else UNKNOWN

    source = load_hcl_dir(directory, values=plan_variables(doc), unconfigured_attr=plan_value)
    config = _plan._Config(doc.get("configuration"))
    differences = _differences(model, source, config)
    if differences:
        named = ", ".join(differences[:_NAMED])
        more = f" and {len(differences) - _NAMED} more" if len(differences) > _NAMED else ""
        note = (f"the configuration in {directory} does not match the plan ({named}{more}): "
                "its references and file:line locations are not used")
        return dataclasses.replace(model, diagnostics=list(model.diagnostics) + [note])
    linker = _Linker(model, source, config)
    resources = [linker.enrich(r) for r in model.resources]
    note = (f"read the plan's configuration from {directory}: {linker.added} reference(s) the plan "
            "does not record (through locals, dynamic blocks, for_each maps), the known parts of "
            f"{linker.partial} value(s) known only after apply, and file:line locations")
    if detected:
        note = (f"the current directory is this plan's root module: {note[0].lower()}{note[1:]} "
                "(--tf-dir DIR names another)")
    return dataclasses.replace(model, resources=resources, has_references=True, config_dir=directory,
                               diagnostics=list(model.diagnostics) + [note])


def _strip_keys(address: str) -> str:
    """``module.a["x"].aws_s3_bucket.b[0]`` -> ``module.a.aws_s3_bucket.b``."""
    parsed = _plan.parse_address(address)
    if parsed is None:
        return address
    segments, mode, rtype, name, _ = parsed
    prefix = "".join(f"module.{call}." for call, _ in segments)
    return f"{prefix}{'data.' if mode == 'data' else ''}{rtype}.{name}"


def _call_path(address: str) -> tuple[str, ...]:
    parsed = _plan.parse_address(address)
    return tuple(call for call, _ in parsed[0]) if parsed else ()


def _differences(model: Model, source: Model, config: "_plan._Config") -> list[str]:
    """What the plan and its source disagree on (resource blocks, instance keys stripped)."""
    in_source = {_strip_keys(r.address) for r in source.resources}
    followed = {_call_path(r.address) for r in source.resources}
    planned: set[str] = set()
    missing: set[str] = set()
    for r in model.resources:
        stripped = _strip_keys(r.address)
        planned.add(stripped)
        if stripped in in_source or stripped in missing:
            continue
        calls = _call_path(r.address)
        if calls and not _comparable(calls, config, followed):
            continue  # a module the source does not hold (registry, git): nothing to compare
        missing.add(stripped)
    declared = _declared_in_plan(config) if config.present else planned
    return ([f"{a} is in the plan, not in the source" for a in sorted(missing)]
            + [f"{a} is in the source, not in the plan" for a in sorted(in_source - declared)])


def _comparable(calls: tuple[str, ...], config: "_plan._Config", followed: set) -> bool:
    """Is the module at call path ``calls`` one the source holds?"""
    if calls in followed:
        return True
    if not config.present:
        return False
    for depth in range(1, len(calls) + 1):
        call = config.calls.get(calls[:depth])
        source = call.get("source") if isinstance(call, dict) else None
        if not isinstance(source, str) or not source.startswith(("./", "../", ".\\", "..\\")):
            return False
    return True


def _declared_in_plan(config: "_plan._Config") -> set[str]:
    out: set[str] = set()
    for (calls, mode, rtype, name) in config.resources:
        prefix = "".join(f"module.{c}." for c in calls)
        out.add(f"{prefix}{'data.' if mode == 'data' else ''}{rtype}.{name}")
    return out


class _Linker:
    """Maps plan instances to source instances and fills the references the plan lacks."""

    def __init__(self, model: Model, source: Model, config: "_plan._Config"):
        self.model = model
        self.source = source
        self.config = config
        self.by_stripped: dict[str, Resource] = {}
        for r in source.resources:
            self.by_stripped.setdefault(_strip_keys(r.address), r)
        self.opaque = _Opacity(config)
        self.added = 0
        self.partial = 0

    def counterpart(self, resource: Resource) -> Resource | None:
        """The source instance that stands for ``resource``: the same address, or the unkeyed
        instance the HCL loader checked where it could not know the keys."""
        exact = self.source.get(resource.address)
        if exact is not None:
            return exact
        for candidate in (resource.config_address, _strip_keys(resource.address)):
            found = self.source.get(candidate)
            if found is not None:
                return found
        return None

    def enrich(self, resource: Resource) -> Resource:
        block = self.counterpart(resource) or self.by_stripped.get(_strip_keys(resource.address))
        if block is None:
            return resource
        changes: dict[str, Any] = {"file": block.file, "line": block.line}
        twin = self.counterpart(resource)
        if twin is not None and twin.refs:
            refs = dict(resource.refs)
            conf = self.config.resources.get(_conf_key(resource))
            for path, targets in twin.refs.items():
                if not self.opaque.path(resource, conf, path, self.config.present):
                    continue
                mapped = tuple(self._in_plan(t, twin, resource) for t in targets)
                # what the plan recorded stays, except a reference to an instance that does not
                # exist (the branch of a conditional not taken: `c ? data.x[0].json : ...` where
                # data.x has count 0), which can be no part of the value
                kept = tuple(t for t in refs.get(path, ()) if t in mapped or self.model.instances(t))
                merged = tuple(dict.fromkeys(kept + mapped))
                if merged != refs.get(path, ()):
                    self.added += len(set(merged) - set(refs.get(path, ())))
                    refs[path] = merged
            changes["refs"] = refs
        if twin is not None and twin.partial:
            # what the configuration tells of a value the plan knows only after apply (the known
            # text of a template, the structure given to jsonencode); a known plan value stays
            partial = dict(resource.partial)
            for path, form in twin.partial.items():
                if path not in partial and _holds_unknown(resource.get(path, UNKNOWN)):
                    partial[path] = form
                    self.partial += 1
            changes["partial"] = partial
        return dataclasses.replace(resource, **changes)

    def _in_plan(self, target: str, twin: Resource, resource: Resource) -> str:
        """A source reference as a plan address: where the source's instance stood for keyed module
        instances of the plan (their keys not known statically), the plan instance's keys."""
        if twin.address == resource.address or self.model.instances(target):
            return target
        t = _plan.parse_address(target)
        own = _plan.parse_address(resource.address)
        stood = _plan.parse_address(twin.address)
        if t is None or own is None or stood is None:
            return target
        segments = list(t[0])
        for i, ((call, key), (s_call, s_key), (o_call, o_key)) in enumerate(zip(segments, stood[0], own[0])):
            if call != s_call or call != o_call or key != s_key:
                break
            if not key and o_key:
                segments[i] = (call, o_key)
        prefix = "".join(f"module.{c}{k}." for c, k in segments)
        mapped = f"{prefix}{_resource_part(target)}"
        return mapped if self.model.instances(mapped) else target


def _holds_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, list):
        return any(_holds_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_unknown(v) for v in value.values())
    return False


def _resource_part(address: str) -> str:
    pos = 0
    while True:
        match = _plan._MODULE_SEGMENT.match(address, pos)
        if not match:
            return address[pos:]
        pos = match.end()


def _conf_key(resource: Resource) -> tuple:
    return (_call_path(resource.address), resource.mode, resource.type, resource.name)


class _Opacity:
    """Which expressions of the plan's configuration reach something the plan cannot follow."""

    def __init__(self, config: "_plan._Config"):
        self.config = config
        self._memo: dict[tuple, bool] = {}

    def path(self, resource: Resource, conf: dict | None, path: str, present: bool) -> bool:
        """Does the plan lack (some of) the references of attribute ``path`` of ``resource``?"""
        if not present or conf is None:
            return True  # no configuration: the plan records no references at all
        node: Any = conf.get("expressions")
        for part in path.split("."):
            if isinstance(node, dict) and _plan._is_expression(node) and node:
                break
            if isinstance(node, list):
                if not part.isdigit() or int(part) >= len(node):
                    return True
                node = node[int(part)]
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                return True  # not recorded (a dynamic block)
        if not isinstance(node, dict):
            return True
        return self.refs(_plan._references(node), _call_path(resource.address), conf)

    def refs(self, refs: Sequence[str], calls: tuple[str, ...], holder: dict | None) -> bool:
        """Do references made in module ``calls`` (inside ``holder``: the resource or module call
        whose ``for_each`` defines ``each``) reach a local or an untied ``each.value``?"""
        for ref in refs:
            steps = _plan._traversal(ref)
            if len(steps) < 2 or steps[1][0] != "attr":
                continue
            root, name = steps[0][1], steps[1][1]
            if root == "local":
                return True
            if root == "each" and name == "value":
                for_each = holder.get("for_each_expression") if isinstance(holder, dict) else None
                if _plan._for_each_resource(for_each) is None:
                    return True
            elif root == "var" and calls:
                if self._guarded(("var", calls, name), lambda: self._variable(calls, name)):
                    return True
            elif root == "module":
                output = steps[2][1] if len(steps) > 2 and steps[2][0] == "attr" else None
                if len(steps) > 3 and steps[2][0] in ("key", "splat") and steps[3][0] == "attr":
                    output = steps[3][1]
                if self._guarded(("module", calls, name, output),
                                 lambda: self._output(calls + (name,), output)):
                    return True
        return False

    def _guarded(self, key: tuple, compute) -> bool:
        if key not in self._memo:
            self._memo[key] = False  # a cycle adds nothing
            self._memo[key] = compute()
        return self._memo[key]

    def _variable(self, calls: tuple[str, ...], name: str) -> bool:
        call = self.config.calls.get(calls)
        expressions = call.get("expressions") if isinstance(call, dict) else None
        if not isinstance(expressions, dict) or name not in expressions:
            return False  # the variable's default: a constant
        return self.refs(_plan._references(expressions[name]), calls[:-1], call)

    def _output(self, calls: tuple[str, ...], output: str | None) -> bool:
        outputs = self.config.outputs.get(calls) or {}
        names = [output] if output is not None else list(outputs)
        for name in names:
            out = outputs.get(name)
            if isinstance(out, dict) and self.refs(_plan._references(out.get("expression")), calls, None):
                return True
        return False
