"""The HCL loader: a root module directory (and the modules it calls) -> :class:`~lint_rules.model.Model`."""
from __future__ import annotations

import os
from typing import Any, Mapping, Sequence

from lark import Tree

from ...errors import InputError
from ...redact import scrub
from ...model import IDENTITY_ATTRIBUTES, UNKNOWN, Model, PartialString, Resource, UnfollowedModule
from . import tfvars
from .config import ModuleConfig, read_module_dir
from .evaluator import Evaluator
from .expand import _key_suffix
from .instance import ModuleInstance
from .parse import _parse_expression
from .providers import collect, provider_key, resource_provider_local
from .scope import Scope
from .sensitive import hcl_secrets
from .sources import read_manifest
from .types import convert
from .validate import check_module

__all__ = ["load_hcl_dir"]

# Computed identity attributes: UNKNOWN when the configuration does not set them.
IDENTITY_UNKNOWN = ("id", "arn")


#: resource and module instances count / for_each may make in one configuration
MAX_INSTANCES = 200_000


class _Loader:
    def __init__(self, root_dir: str):
        self.root_dir = root_dir
        self.configs: dict[str, ModuleConfig] = {}
        self.diagnostics: dict[str, None] = {}
        self.ev = Evaluator(_parse_expression, base_dir=root_dir, note=self.note, fatal=(InputError,))
        self.root_values: dict[str, Any] = {}
        self.root_sources: dict[str, str] = {}  # variable -> where its value was set (tfvars file, -var)
        self.root: ModuleConfig  # set by load()
        # Optional hook (instance, resource conf, instance key, attribute name) -> value for an
        # attribute that another expression reads but the resource's configuration does not set.
        # None (the default): such attributes are UNKNOWN.  (The retired tools/hcl2plan.py used it to
        # see the values of data sources terraform reads at plan time; nothing in the repo sets it now.)
        self.unconfigured_attr = None
        # what `terraform init` downloaded (.terraform/modules/modules.json), None when absent
        self.manifest, problem = read_manifest(root_dir)
        if problem:
            self.note(f"{problem}; modules it lists are not followed")
        self.unfollowed: dict[str, UnfollowedModule] = {}
        self.instances: list[ModuleInstance] = []  # every module instance built, root first
        self.provider_configs: dict = {}  # (id(owning instance), local key) -> ProviderConfig
        self.expanded = 0  # instances made by count / for_each so far (see count_instances)

    def unfollowed_module(self, address: str, source: str, reason: str, where: str) -> None:
        """A module call whose contents are not read (Model.unfollowed_modules, and a note)."""
        if address not in self.unfollowed:
            self.unfollowed[address] = UnfollowedModule(address, source, reason)
        self.note(f'{where}: {address}: source "{source}" not followed: {reason} '
                  "(its resources are not checked and its outputs are unknown)")

    def note(self, message: str) -> None:
        self.diagnostics.setdefault(message, None)

    def count_instances(self, n: int, what: str, where: str) -> None:
        """Count the instances a count / for_each makes; a configuration that makes more than
        MAX_INSTANCES in all (``count = 1e9``, counts multiplied through modules) is refused
        before they are built."""
        self.expanded += n
        if self.expanded > MAX_INSTANCES:
            raise InputError(f"{what}: count/for_each makes more than {MAX_INSTANCES:,} instances in this "
                             "configuration: refused (too many to check in bounded time and memory)", where)

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
            check_module(config, self.note)
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
        for name in values or {}:
            self.root_sources[name] = "the plan's variables"

    # --- the model -------------------------------------------------------------------------------------
    def build(self, instance: ModuleInstance) -> list[Resource]:
        out: list[Resource] = []
        for inst in instance.walk():
            self.instances.append(inst)
            for conf in inst.config.resources:
                provider = provider_key(inst, resource_provider_local(conf))
                exp = inst.expand_resource(conf)
                keys = exp.keys
                maybe_absent = inst.maybe_absent
                if exp.kind == "unknown":
                    self.note(f"{conf.block.where}: {inst.prefix}{conf.local_address}: {exp.meta} is not "
                              "known statically; checked as a single instance")
                    keys = [None]
                    maybe_absent = f"{exp.describe(conf.body)} is not known"
                for key in keys:
                    refs: dict[str, tuple[str, ...]] = {}
                    partial: dict[str, Any] = {}
                    values = inst.eval_body(conf.body, inst.resource_scope(conf, key), "", refs, True,
                                            partial=partial, schema=conf.schema)
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
                        maybe_absent=maybe_absent,
                        provider=provider,
                    ))
        return out


def link_partial_names(resources: list[Resource]) -> None:
    """Name a resource by its partially known name: an argument whose value is unknown but whose
    partial form (``"acme-cloudtrail-${data.aws_caller_identity.current.account_id}"``) equals the
    partial form of a resource's name (its ``bucket``, ``name``, ``id``... built the same way from the
    same unknowns) refers to that resource -- the same template of the same values is the same
    string.  The references are added to ``Resource.refs``, as terraform's own would be."""
    index: dict[PartialString, list[Resource]] = {}
    for r in resources:
        for attr in IDENTITY_ATTRIBUTES:
            if r.values.get(attr) is UNKNOWN:
                form = r.partial.get(attr)
                # a name template (known text and holes that say what they are); a bare reference is
                # a reference already
                if isinstance(form, PartialString) and form.holes and form.determinate \
                        and any(isinstance(p, str) for p in form.parts):
                    index.setdefault(form, []).append(r)
    if not index:
        return
    for r in resources:
        for path, form in r.partial.items():
            forms = form if isinstance(form, list) else [form]
            found = [t.address for f in forms if isinstance(f, PartialString) and f in index
                     for t in index[f] if t is not r]
            if found:
                r.refs[path] = tuple(dict.fromkeys(r.refs.get(path, ()) + tuple(found)))


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
        link_partial_names(resources)
        providers = collect(loader.instances, {r.provider for r in resources})
        secrets = hcl_secrets(loader, resources)
    except RecursionError:
        raise InputError("configuration is nested too deeply to load", root_dir) from None
    except InputError as exc:  # a sensitive variable's value is not echoed in an error either
        try:
            text = scrub(str(exc), frozenset(hcl_secrets(loader, [])))
        except Exception:  # noqa: BLE001 - the error stands as it is
            raise exc from None
        if text != str(exc):
            raise InputError(text) from None
        raise
    return Model(resources=resources, source=root_dir, kind="hcl", diagnostics=list(loader.diagnostics),
                 unfollowed_modules=list(loader.unfollowed.values()), providers=providers, config_dir=root_dir,
                 sensitive_values=secrets)
