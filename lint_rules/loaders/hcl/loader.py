"""The HCL loader: a root module directory (and the modules it calls) -> :class:`~lint_rules.model.Model`."""
from __future__ import annotations

import os
from typing import Any, Mapping, Sequence

from lark import Tree

from ...errors import InputError
from ...model import UNKNOWN, Model, Resource
from . import tfvars
from .config import ModuleConfig, read_module_dir
from .evaluator import Evaluator
from .expand import _key_suffix
from .instance import ModuleInstance
from .parse import _parse_expression
from .scope import Scope
from .types import convert

__all__ = ["load_hcl_dir"]

# Computed identity attributes: UNKNOWN when the configuration does not set them.
IDENTITY_UNKNOWN = ("id", "arn")


class _Loader:
    def __init__(self, root_dir: str):
        self.root_dir = root_dir
        self.configs: dict[str, ModuleConfig] = {}
        self.diagnostics: dict[str, None] = {}
        self.ev = Evaluator(_parse_expression, base_dir=root_dir, note=self.note, fatal=(InputError,))
        self.root_values: dict[str, Any] = {}
        self.root: ModuleConfig  # set by load()
        # Optional hook (instance, resource conf, instance key, attribute name) -> value for an
        # attribute that another expression reads but the resource's configuration does not set.
        # None (the default): such attributes are UNKNOWN.  (The retired tools/hcl2plan.py used it to
        # see the values of data sources terraform reads at plan time; nothing in the repo sets it now.)
        self.unconfigured_attr = None

    def note(self, message: str) -> None:
        self.diagnostics.setdefault(message, None)

    def const(self, expr: Tree) -> Any:
        """Evaluate an expression that may not refer to anything (defaults, tfvars, source)."""
        with self.ev.collecting():
            return self.ev.evaluate(expr, Scope(None))

    # --- parsing ---------------------------------------------------------------------------------

    # --- parsing ---------------------------------------------------------------------------------
    def module_config(self, display_dir: str, where: str = "", module: str = "") -> ModuleConfig:
        real = os.path.realpath(display_dir)
        config = self.configs.get(real)
        if config is None:
            config = self.configs[real] = read_module_dir(display_dir, self.note, where, module)
        return config

    # --- root variable values ----------------------------------------------------------------------
    def read_tfvars(self, path: str) -> dict[str, Any]:
        return tfvars.read_tfvars(self, path)

    def cli_value(self, name: str, raw: str) -> Any:
        return tfvars.cli_value(self, name, raw)

    def convert(self, value: Any, desc: tuple | None) -> Any:
        """Convert a value to a declared type constraint, as far as that is known."""
        return convert(value, desc, self.const)

    def load_root_values(self, var_files: Sequence[str], variables: Mapping[str, str],
                         values: Mapping[str, Any] | None = None) -> None:
        tfvars.load_root_values(self, var_files, variables)
        # typed values that win over every other source (a plan's ``variables``: terraform's own)
        self.root_values.update(values or {})

    # --- the model -------------------------------------------------------------------------------------
    def build(self, instance: ModuleInstance) -> list[Resource]:
        out: list[Resource] = []
        for inst in instance.walk():
            for conf in inst.config.resources:
                exp = inst.expand_resource(conf)
                keys = exp.keys
                if exp.kind == "unknown":
                    self.note(f"{conf.block.where}: {inst.prefix}{conf.local_address}: {exp.meta} is not "
                              "known statically; checked as a single instance")
                    keys = [None]
                for key in keys:
                    refs: dict[str, tuple[str, ...]] = {}
                    partial: dict[str, Any] = {}
                    values = inst.eval_body(conf.body, inst.resource_scope(conf, key), "", refs, True,
                                            partial=partial)
                    for attr in IDENTITY_UNKNOWN:
                        if attr not in values:
                            values[attr] = UNKNOWN
                    out.append(Resource(
                        address=f"{inst.prefix}{conf.local_address}{_key_suffix(key)}",
                        mode=conf.mode,
                        type=conf.type,
                        name=conf.name,
                        module_path=inst.path,
                        index=key,
                        values=values,
                        refs=refs,
                        file=conf.block.file,
                        line=conf.block.line,
                        partial=partial,
                    ))
        return out


def load_hcl_dir(path, var_files: Sequence[str] = (), variables: Mapping[str, str] | None = None,
                 unconfigured_attr=None, values: Mapping[str, Any] | None = None) -> Model:
    """Load the Terraform root module in directory ``path`` (and its local modules) into a Model.

    ``variables``: raw ``-var NAME=VALUE`` texts; ``values``: typed root variable values that
    override every other source (``loaders.source`` passes a plan's ``variables``).
    ``unconfigured_attr``: optional hook, see ``_Loader.unconfigured_attr``.
    """
    root_dir = str(path)
    if not os.path.isdir(root_dir):
        raise InputError("not a directory" if os.path.exists(root_dir) else "no such directory", root_dir)
    loader = _Loader(root_dir)
    loader.unconfigured_attr = unconfigured_attr
    try:
        loader.root = loader.module_config(root_dir)
        loader.load_root_values(var_files, variables or {}, values)
        resources = loader.build(ModuleInstance(loader, loader.root, ""))
    except RecursionError:
        raise InputError("configuration is nested too deeply to load", root_dir) from None
    return Model(resources=resources, source=root_dir, kind="hcl", diagnostics=list(loader.diagnostics),
                 config_dir=root_dir)
