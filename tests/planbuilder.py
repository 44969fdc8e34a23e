"""Build small ``terraform show -json`` documents in the real format, for rule tests.

The output follows what terraform >= 1.2 writes (compare with the corpus in
``../shared/real-plans``): ``format_version``, ``planned_values`` with nested
``child_modules``, ``resource_changes`` with ``after`` / ``after_unknown`` /
``after_sensitive``, ``prior_state`` for data sources read at plan time, and
``configuration`` with per-module ``resources`` (``expressions`` holding
``constant_value`` or ``references``), ``module_calls`` and ``outputs``.

Usage::

    p = PlanBuilder()
    p.resource("aws_kms_key.trail", {"enable_key_rotation": True}, unknown=["arn", "id"])
    p.resource("aws_cloudtrail.main", {"name": "t", "is_multi_region_trail": True},
               unknown=["kms_key_id"], refs={"kms_key_id": ["aws_kms_key.trail.arn"]})
    doc = p.build()

Module resources are given with their full address
(``module.trail.aws_cloudtrail.this``); declare the module call's arguments with
``module_call("trail", inputs={"kms_key_arn": ["aws_kms_key.trail.arn"]})`` (a list
means references, anything else a constant) and outputs with ``output``.
"""
from __future__ import annotations

import copy
import json
import re
from typing import Any

_SEGMENT = re.compile(r'module\.([A-Za-z0-9_-]+)(\[[^\]]*\])?')


def split_address(address: str) -> tuple[str, str, str, str, Any]:
    """-> (module_address, mode, type, name, index)."""
    parts = []
    rest = address
    while rest.startswith("module."):
        m = _SEGMENT.match(rest)
        assert m, address
        parts.append(m.group(0))
        rest = rest[m.end() + 1:]
    mode = "managed"
    if rest.startswith("data."):
        mode, rest = "data", rest[5:]
    m = re.match(r'([^.]+)\.([^.\[]+)(\[(.*)\])?$', rest)
    assert m, address
    rtype, name, raw_index = m.group(1), m.group(2), m.group(4)
    index: Any = None
    if raw_index is not None:
        index = json.loads(raw_index)
    return ".".join(parts), mode, rtype, name, index


def _call_names(module_address: str) -> list[str]:
    return [m.group(1) for m in _SEGMENT.finditer(module_address)]


_KEYED_RESOURCE = re.compile(r'((?:data\.)?[A-Za-z_][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_-]*)'
                             r'(\[(?:[0-9]+|"(?:[^"\\]|\\.)*")\])(.*)$')


def _reference_forms(ref: str) -> list[str]:
    """``aws_kms_key.a.arn`` -> [``aws_kms_key.a.arn``, ``aws_kms_key.a``] as terraform lists them;
    ``aws_vpc.this["a"].id`` -> [``aws_vpc.this["a"].id``, ``aws_vpc.this["a"]``, ``aws_vpc.this``]."""
    keyed = _KEYED_RESOURCE.match(ref)
    if keyed and not ref.startswith(("module.", "var.", "local.", "each.", "count.")):
        forms = [ref, keyed.group(1) + keyed.group(2), keyed.group(1)]
        return [f for i, f in enumerate(forms) if f not in forms[:i]]
    parts = ref.split(".")
    if parts[0] in ("var", "local", "path", "each", "count", "self") or len(parts) <= 2:
        return [ref]
    if parts[0] == "module":
        # terraform 1.11: module.m.ids["a"] -> module.m.ids["a"], module.m.ids, module.m
        indexed = re.match(r'(module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.[A-Za-z0-9_-]+)\[', ref)
        if indexed:
            return [ref, indexed.group(1), ".".join(parts[:2])]
        return [ref, ".".join(parts[:2])] if len(parts) > 2 else [ref]
    if parts[0] == "data":
        return [ref, ".".join(parts[:3])] if len(parts) > 3 else [ref]
    return [ref, ".".join(parts[:2])]


def _for_each_refs(for_each: Any) -> list[str]:
    """``for_each=True`` -> ``var.for_each``; a string / list names what it iterates over."""
    if for_each is True:
        return ["var.for_each"]
    refs = [for_each] if isinstance(for_each, str) else list(for_each)
    return [f for r in refs for f in _reference_forms(r)]


def _expressions(values: dict, refs: dict[str, list[str]], prefix: str = "") -> dict:
    out: dict[str, Any] = {}
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            out[key] = [_expressions(v, refs, f"{path}.{i}.") for i, v in enumerate(value)]
        elif path not in refs:
            out[key] = {"constant_value": value}
    for path, targets in refs.items():
        if not path.startswith(prefix):
            continue
        rest = path[len(prefix):]
        if "." in rest:
            head, idx, tail = rest.split(".", 2)[0], rest.split(".")[1], ".".join(rest.split(".")[2:])
            blocks = out.setdefault(head, [])
            i = int(idx)
            while len(blocks) <= i:
                blocks.append({})
            blocks[i].update(_expressions({}, {tail: targets}, ""))
        else:
            forms: list[str] = []
            for t in targets:
                forms.extend(f for f in _reference_forms(t) if f not in forms)
            out[rest] = {"references": forms}
    return out


def _set_path(tree: dict, path: str, value: Any) -> None:
    parts = path.split(".")
    node: Any = tree
    for i, part in enumerate(parts[:-1]):
        nxt = parts[i + 1]
        if part.isdigit():
            idx = int(part)
            while len(node) <= idx:
                node.append({})
            node = node[idx]
        else:
            node = node.setdefault(part, [] if nxt.isdigit() else {})
    last = parts[-1]
    if last.isdigit():
        while len(node) <= int(last):
            node.append(None)
        node[int(last)] = value
    else:
        node[last] = value


def _drop_path(tree: dict, path: str) -> None:
    parts = path.split(".")
    node: Any = tree
    for part in parts[:-1]:
        if isinstance(node, list):
            if int(part) >= len(node):
                return
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return
    if isinstance(node, dict):
        node.pop(parts[-1], None)


class PlanBuilder:
    def __init__(self, terraform_version: str = "1.11.4"):
        self.terraform_version = terraform_version
        self._resources: list[dict] = []
        self._calls: dict[str, dict] = {}  # module address without indexes -> call info
        self._outputs: dict[str, dict] = {}
        self._variables: dict[str, Any] = {}
        self._providers: dict[str, dict] = {"aws": {"name": "aws",
                                                    "full_name": "registry.terraform.io/hashicorp/aws"}}

    def provider(self, key: str, *, region: Any = None, allowed_account_ids: Any = None,
                 assume_role_arn: Any = None, profile: Any = None, module_address: str = "") -> "PlanBuilder":
        """A ``provider "aws"`` block: ``key`` "aws", "aws.ALIAS" or "module.x:aws".  An argument
        given as ``["var.x"]`` (a list of one dotted string) is a reference, anything else a constant."""
        def expr(value):
            if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str) and value[0].startswith("var."):
                return {"references": value}
            return {"constant_value": value}

        expressions: dict[str, Any] = {}
        for name, value in (("region", region), ("allowed_account_ids", allowed_account_ids),
                            ("profile", profile)):
            if value is not None:
                expressions[name] = expr(value)
        if assume_role_arn is not None:
            expressions["assume_role"] = [{"role_arn": expr(assume_role_arn)}]
        local = key.rsplit(":", 1)[-1]
        pc: dict[str, Any] = {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}
        if "." in local:
            pc["alias"] = local.split(".", 1)[1]
        if module_address:
            pc["module_address"] = module_address
        if expressions:
            pc["expressions"] = expressions
        self._providers[key] = pc
        return self

    def variable(self, name: str, value: Any) -> "PlanBuilder":
        self._variables[name] = value
        return self

    def resource(self, address: str, values: dict | None = None, *, unknown: list[str] = (),
                 refs: dict[str, list[str]] | None = None, sensitive: list[str] = (),
                 actions: list[str] = ("create",), count: bool = False, for_each: Any = False,
                 before: dict | None = None, provider: str = "aws") -> "PlanBuilder":
        """A managed resource (or ``data.`` for a data source read at plan time).

        ``for_each``: True (over ``var.for_each``) or the reference(s) it iterates over, e.g.
        ``"aws_vpc.this"``; ``refs`` may name one instance: ``aws_vpc.this["a"].id``."""
        self._resources.append(dict(address=address, values=copy.deepcopy(values or {}),
                                    unknown=list(unknown), refs=dict(refs or {}),
                                    sensitive=list(sensitive), actions=list(actions),
                                    count=count, for_each=for_each, before=before, provider=provider))
        return self

    def module_call(self, call_path: str, source: str = "./module", inputs: dict | None = None,
                    count: bool = False, for_each: Any = False) -> "PlanBuilder":
        """``call_path`` is ``"a"`` or ``"a.b"`` (nested calls); inputs: list = references."""
        self._calls[call_path] = dict(source=source, inputs=dict(inputs or {}),
                                      count=count, for_each=for_each)
        return self

    def output(self, call_path: str, name: str, refs: list[str] | None = None,
               value: Any = None) -> "PlanBuilder":
        """Output ``name`` of module ``call_path`` (``""`` for the root)."""
        self._outputs.setdefault(call_path, {})[name] = (
            {"references": [f for r in refs for f in _reference_forms(r)]} if refs is not None
            else {"constant_value": value})
        return self

    # ------------------------------------------------------------------
    def build(self) -> dict:
        planned_root: dict = {"resources": []}
        modules_pv: dict[str, dict] = {}
        changes: list[dict] = []
        prior: dict = {"resources": []}
        config_root: dict = {"resources": []}
        config_mods: dict[str, dict] = {"": config_root}
        seen_config: set[tuple[str, str]] = set()

        def config_module(call_path: str) -> dict:
            if call_path in config_mods:
                return config_mods[call_path]
            parent_path, _, name = call_path.rpartition(".")
            parent = config_module(parent_path)
            info = self._calls.get(call_path, {"source": f"./modules/{name}", "inputs": {}})
            call: dict = {"source": info["source"], "expressions": {}, "module": {"resources": []}}
            for arg, val in info["inputs"].items():
                call["expressions"][arg] = (
                    {"references": [f for r in val for f in _reference_forms(r)]}
                    if isinstance(val, list) and all(isinstance(v, str) and "." in v for v in val) and val
                    else {"constant_value": val})
            if info.get("count"):
                call["count_expression"] = {"constant_value": 1}
            if info.get("for_each"):
                call["for_each_expression"] = {"references": _for_each_refs(info["for_each"])}
            parent.setdefault("module_calls", {})[name] = call
            config_mods[call_path] = call["module"]
            return call["module"]

        for call_path in self._calls:
            config_module(call_path)

        def pv_module(module_address: str) -> dict:
            if not module_address:
                return planned_root
            if module_address not in modules_pv:
                parent_addr = module_address.rsplit(".module.", 1)[0] if ".module." in module_address else ""
                parent = pv_module(parent_addr)
                mod = {"resources": [], "address": module_address}
                parent.setdefault("child_modules", []).append(mod)
                modules_pv[module_address] = mod
            return modules_pv[module_address]

        for spec in self._resources:
            module_address, mode, rtype, name, index = split_address(spec["address"])
            after = copy.deepcopy(spec["values"])
            after_unknown: dict = {}
            for path in spec["unknown"]:
                _drop_path(after, path)
                _set_path(after_unknown, path, True)
            after_sensitive: dict = {}
            for path in spec["sensitive"]:
                _set_path(after_sensitive, path, True)
            instance = {"address": spec["address"], "mode": mode, "type": rtype, "name": name,
                        "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0}
            if index is not None:
                instance["index"] = index
            pv = dict(instance, values=after, sensitive_values=after_sensitive)
            rc = dict(instance)
            rc.pop("schema_version")
            if module_address:
                rc["module_address"] = module_address
            if mode == "data" and spec["actions"] == ["create"]:
                prior.setdefault("resources", []).append(dict(pv))
            else:
                pv_module(module_address)["resources"].append(pv)
                rc["change"] = {"actions": spec["actions"], "before": spec["before"], "after": after,
                                "after_unknown": after_unknown,
                                "before_sensitive": False if spec["before"] is None else {},
                                "after_sensitive": after_sensitive}
                changes.append(rc)
            call_path = ".".join(_call_names(module_address))
            key = (call_path, f"{'data.' if mode == 'data' else ''}{rtype}.{name}")
            if key in seen_config:
                continue
            seen_config.add(key)
            conf = {"address": key[1], "mode": mode, "type": rtype, "name": name,
                    "provider_config_key": spec["provider"],
                    "expressions": _expressions(spec["values"], spec["refs"]),
                    "schema_version": 0}
            if spec["count"]:
                conf["count_expression"] = {"constant_value": 1}
            if spec["for_each"]:
                conf["for_each_expression"] = {"references": _for_each_refs(spec["for_each"])}
            config_module(call_path)["resources"].append(conf)

        for call_path, outs in self._outputs.items():
            mod = config_module(call_path)
            mod["outputs"] = {n: {"expression": e} for n, e in outs.items()}

        doc = {
            "format_version": "1.2",
            "terraform_version": self.terraform_version,
            "variables": {k: {"value": v} for k, v in self._variables.items()},
            "planned_values": {"root_module": planned_root},
            "resource_changes": changes,
            "configuration": {
                "provider_config": copy.deepcopy(self._providers),
                "root_module": config_root,
            },
            "timestamp": "2026-11-26T12:00:00Z",
            "applyable": True,
            "complete": True,
            "errored": False,
        }
        if prior["resources"]:
            doc["prior_state"] = {"format_version": "1.0", "terraform_version": self.terraform_version,
                                  "values": {"root_module": prior}}
        if not self._variables:
            del doc["variables"]
        return doc

    def json(self) -> str:
        return json.dumps(self.build(), indent=2)
