"""The plans the fuzzers start from: every real plan in ``../shared/real-plans`` and our fixtures.

The fixtures of the baseline roots are large (110 resource instances, 1 MB): linting one whole
takes most of a second, too slow for thousands of cases, so each is also cut into windows of a
few consecutive instances (``planned_values``, ``prior_state`` and the ``configuration``'s
resources and module calls cut to match), each a plan terraform could have written for a smaller change.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from ..helpers import REPO, shared_dir

FIXTURES = REPO / "tests" / "fixtures" / "plans"
WINDOW = 8


def real_plan_paths() -> list[Path]:
    d = shared_dir() / "real-plans"
    return sorted(d.glob("*.json")) if d.is_dir() else []


def _cut_values(values: dict | None, keep: set[str]) -> dict | None:
    if not isinstance(values, dict) or not isinstance(values.get("root_module"), dict):
        return values

    def module(mod: dict) -> dict:
        mod = dict(mod)
        if isinstance(mod.get("resources"), list):
            mod["resources"] = [r for r in mod["resources"] if r.get("address") in keep]
        if isinstance(mod.get("child_modules"), list):
            mod["child_modules"] = [module(c) for c in mod["child_modules"]]
        return mod

    return dict(values, root_module=module(values["root_module"]))


def _config_address(address: str) -> tuple[tuple[str, ...], str]:
    """``module.a["k"].module.b.aws_x.y[0]`` -> (("a", "b"), "aws_x.y")."""
    calls = []
    rest = re.sub(r'\[[^\]]*\]', "", address)
    while rest.startswith("module."):
        name, _, rest = rest[len("module."):].partition(".")
        calls.append(name)
    return tuple(calls), rest


def _cut_configuration(config: dict | None, keep: set[str]) -> dict | None:
    if not isinstance(config, dict) or not isinstance(config.get("root_module"), dict):
        return config
    wanted = {_config_address(a) for a in keep}
    calls = {c[:i] for c, _ in wanted for i in range(len(c) + 1)}

    def module(mod: dict, path: tuple[str, ...]) -> dict:
        mod = dict(mod)
        if isinstance(mod.get("resources"), list):
            mod["resources"] = [r for r in mod["resources"] if (path, r.get("address")) in wanted]
        if isinstance(mod.get("module_calls"), dict):
            mod["module_calls"] = {
                name: (dict(call, module=module(call["module"], path + (name,)))
                       if isinstance(call.get("module"), dict) else call)
                for name, call in mod["module_calls"].items() if path + (name,) in calls}
        return mod

    return dict(config, root_module=module(config["root_module"], ()))


def windows(doc: dict, size: int = WINDOW) -> list[dict]:
    changes = doc.get("resource_changes") or []
    out = []
    for start in range(0, len(changes), size):
        part = changes[start:start + size]
        keep = {rc["address"] for rc in part}
        cut = dict(doc, resource_changes=part, planned_values=_cut_values(doc.get("planned_values"), keep),
                   configuration=_cut_configuration(doc.get("configuration"), keep))
        if isinstance(doc.get("prior_state"), dict):
            prior = doc["prior_state"]
            data = {rc["address"] for rc in part if rc.get("mode") == "data"}
            cut["prior_state"] = dict(prior, values=_cut_values(prior.get("values"), keep | data))
        out.append(cut)
    return out


@lru_cache(maxsize=1)
def plan_seeds() -> tuple[tuple[str, str], ...]:
    """(name, JSON text) of every seed plan, small ones first."""
    seeds: list[tuple[str, str]] = []
    for path in real_plan_paths():
        seeds.append((f"real-plans/{path.name}", path.read_text(encoding="utf-8")))
    for path in sorted(FIXTURES.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if len(doc.get("resource_changes") or ()) <= 2 * WINDOW:
            seeds.append((f"fixtures/{path.name}", json.dumps(doc)))
            continue
        for i, part in enumerate(windows(doc)):
            seeds.append((f"fixtures/{path.name}#{i}", json.dumps(part)))
    return tuple(sorted(seeds, key=lambda s: len(s[1])))
