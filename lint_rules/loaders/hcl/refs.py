"""Proxies for the names an expression can start with inside a module instance: ``var``, ``local``,
``path``, ``module``, ``data``, resource types, and the module calls and resources they lead to."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .. import observed
from ...model import UNKNOWN
from .config import ResourceConf
from .expand import _key_suffix
from .scope import Proxy
from .values import EvalError, RefMap, key_str, to_number

if TYPE_CHECKING:  # pragma: no cover
    from .instance import ModuleInstance


class _VarNS(Proxy):
    def __init__(self, inst: "ModuleInstance"):
        self.inst = inst

    def attr(self, name: str) -> Any:
        return self.inst.var(name)


class _LocalNS(Proxy):
    def __init__(self, inst: "ModuleInstance"):
        self.inst = inst

    def attr(self, name: str) -> Any:
        return self.inst.local(name)


class _PathNS(Proxy):
    def __init__(self, inst: "ModuleInstance"):
        self.inst = inst

    def attr(self, name: str) -> Any:
        if name == "module":
            return self.inst.path_module
        if name == "root":
            return "."
        if name == "cwd":
            return UNKNOWN
        raise EvalError(f"path has no attribute {name!r}")


def current_workspace(root_dir: str) -> str:
    """``terraform.workspace`` as terraform answers it in ``root_dir``: ``TF_WORKSPACE``, else the workspace
    ``terraform workspace select`` wrote into the data directory (``TF_DATA_DIR``, default ``.terraform``),
    else ``default``.  Read through :mod:`..observed`, so a cached result is not reused once either
    changes."""
    chosen = observed.getenv("TF_WORKSPACE")
    if chosen:
        return chosen
    data_dir = observed.getenv("TF_DATA_DIR") or ".terraform"
    path = os.path.join(root_dir, data_dir, "environment")
    if observed.is_file(path):
        try:
            name = observed.read_text(path).strip()
        except (OSError, UnicodeDecodeError):
            return UNKNOWN
        return name or "default"
    return "default"


class _TerraformNS(Proxy):
    """``terraform.workspace``; any other attribute is not known statically."""

    def __init__(self, root_dir: str):
        self.root_dir = root_dir

    def attr(self, name: str) -> Any:
        return current_workspace(self.root_dir) if name == "workspace" else UNKNOWN

    def index(self, key: Any) -> Any:
        return UNKNOWN

    def value(self) -> Any:
        return UNKNOWN


class _UnknownNS(Proxy):
    """self...: not known statically."""

    def attr(self, name: str) -> Any:
        return UNKNOWN

    def index(self, key: Any) -> Any:
        return UNKNOWN

    def value(self) -> Any:
        return UNKNOWN


class _ModuleNS(Proxy):
    def __init__(self, inst: "ModuleInstance"):
        self.inst = inst

    def attr(self, name: str) -> Any:
        if name not in self.inst.config.modules:
            raise EvalError(f"no module call {name!r}")
        return _ModuleCallRef(self.inst, name)


class _ModuleCallRef(Proxy):
    def __init__(self, inst: "ModuleInstance", name: str):
        self.inst, self.name = inst, name

    def _exp(self):
        return self.inst.child_modules(self.name)

    def attr(self, name: str) -> Any:
        exp, children = self._exp()
        if exp is None:
            return UNKNOWN  # not followed
        if exp.kind in ("count", "each"):
            raise EvalError(f"module.{self.name} has count/for_each: use an instance key")
        # single, or unknown count/for_each: the one representative instance
        return children[None].output(name)

    def index(self, key: Any) -> Any:
        exp, children = self._exp()
        if exp is None:
            return _UnknownNS()
        if exp.kind == "unknown":
            # the representative instance; whatever depends on its key is unknown there
            return _ModuleInstRef(children[None])
        if exp.kind == "single":
            raise EvalError(f"module.{self.name} has no count/for_each")
        if exp.kind == "count":
            key = to_number(key)
        else:
            key = key_str(key)
        if key not in children:
            raise EvalError(f"module.{self.name}[{key!r}] does not exist")
        return _ModuleInstRef(children[key])

    def splat_items(self) -> list | None:
        exp, children = self._exp()
        if exp is None or exp.kind in ("unknown", "each"):
            return None
        return [_ModuleInstRef(c) for c in children.values()]

    def value(self) -> Any:
        exp, children = self._exp()
        if exp is None or exp.kind == "unknown":
            return UNKNOWN
        if exp.kind == "single":
            return children[None].all_outputs()
        if exp.kind == "count":
            return [c.all_outputs() for c in children.values()]
        return {k: c.all_outputs() for k, c in children.items()}


class _ModuleInstRef(Proxy):
    def __init__(self, child: "ModuleInstance"):
        self.child = child

    def attr(self, name: str) -> Any:
        return self.child.output(name)

    def value(self) -> Any:
        return self.child.all_outputs()


class _DataNS(Proxy):
    def __init__(self, inst: "ModuleInstance"):
        self.inst = inst

    def attr(self, name: str) -> Any:
        return _ResourceTypeNS(self.inst, "data", name)


class _ResourceTypeNS(Proxy):
    def __init__(self, inst: "ModuleInstance", mode: str, type_: str):
        self.inst, self.mode, self.type = inst, mode, type_

    def attr(self, name: str) -> Any:
        inst = self.inst
        prefix = "data." if self.mode == "data" else ""
        handle = inst.loader.ev.record(f"{inst.prefix}{prefix}{self.type}.{name}")
        conf = inst.config.by_address.get((self.mode, self.type, name))
        return _ResourceRef(inst, conf, handle)

    def value(self) -> Any:
        raise EvalError(f"invalid reference {self.type!r}")


class _ResourceRef(Proxy):
    def __init__(self, inst: "ModuleInstance", conf: ResourceConf | None, handle: tuple | None = None):
        self.inst, self.conf = inst, conf
        self.handle = handle  # the recorded reference: narrowed to one instance by ``index``

    def attr(self, name: str) -> Any:
        if self.conf is None:
            return UNKNOWN  # a resource that is not declared: kept as a reference, value unknown
        exp = self.inst.expand_resource(self.conf)
        if exp.kind == "single":
            return self.inst.resource_attr(self.conf, None, name)
        if exp.kind == "unknown":
            return UNKNOWN
        raise EvalError(f"{self.conf.local_address} has count/for_each: use an instance key")

    def index(self, key: Any) -> Any:
        if self.conf is None:
            return _UnknownNS()
        exp = self.inst.expand_resource(self.conf)
        if exp.kind == "single":
            raise EvalError(f"{self.conf.local_address} has no count/for_each")
        if exp.kind == "unknown":
            key = to_number(key) if exp.meta == "count" else key_str(key)
            return _ResourceInstRef(self.inst, self.conf, key if exp.meta == "count" else None)
        key = to_number(key) if exp.kind == "count" else key_str(key)
        if key not in exp.values and key not in exp.keys:
            raise EvalError(f"{self.conf.local_address}[{key!r}] does not exist")
        # the key is known here (a literal, count.index, each.key): the reference names one instance
        self.inst.loader.ev.rekey(self.handle, f"{self.inst.prefix}{self.conf.local_address}{_key_suffix(key)}")
        return _ResourceInstRef(self.inst, self.conf, key)

    def splat_items(self) -> list | None:
        if self.conf is None:
            return None
        exp = self.inst.expand_resource(self.conf)
        if exp.kind == "single":
            return [_ResourceInstRef(self.inst, self.conf, None)]
        if exp.kind == "count":
            return [_ResourceInstRef(self.inst, self.conf, k) for k in exp.keys]
        return None

    def value(self) -> Any:
        if self.conf is None:
            return UNKNOWN
        exp = self.inst.expand_resource(self.conf)
        if exp.kind == "count":
            return [UNKNOWN] * len(exp.keys)
        if exp.kind == "each":
            base = f"{self.inst.prefix}{self.conf.local_address}"
            return RefMap({k: UNKNOWN for k in exp.keys}, {k: (base + _key_suffix(k),) for k in exp.keys})
        return UNKNOWN

    def exact_address(self) -> str | None:
        if self.conf is None or self.conf.mode != "managed":
            return None
        if self.inst.expand_resource(self.conf).kind != "single":
            return None
        return f"{self.inst.prefix}{self.conf.local_address}"

    def data_address(self) -> str | None:
        if self.conf is None or self.conf.mode != "data":
            return None
        if self.inst.expand_resource(self.conf).kind != "single":
            return None
        return f"{self.inst.prefix}{self.conf.local_address}"


class _ResourceInstRef(Proxy):
    def __init__(self, inst: "ModuleInstance", conf: ResourceConf, key: Any):
        self.inst, self.conf, self.key = inst, conf, key

    def attr(self, name: str) -> Any:
        return self.inst.resource_attr(self.conf, self.key, name)

    def value(self) -> Any:
        return UNKNOWN

    def exact_address(self) -> str | None:
        if self.conf.mode != "managed" or self.key is None:
            return None
        if self.inst.expand_resource(self.conf).kind not in ("count", "each"):
            return None
        return f"{self.inst.prefix}{self.conf.local_address}{_key_suffix(self.key)}"

    def data_address(self) -> str | None:
        if self.conf.mode != "data" or self.key is None:
            return None
        if self.inst.expand_resource(self.conf).kind not in ("count", "each"):
            return None
        return f"{self.inst.prefix}{self.conf.local_address}{_key_suffix(self.key)}"
