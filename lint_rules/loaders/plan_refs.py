"""Addresses and references of a plan: parsing ``module.a["x"].aws_s3_bucket.b[0]``, and following the
references of a resource's configuration (``configuration`` section) through module inputs (``var.X``)
and outputs (``module.M.OUT``) to the absolute addresses of the resources they name.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Iterable

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

Segment = tuple  # (call name, instance key text such as '["a"]' / '[0]' / '')


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
