"""Load a directory of Terraform ``.tf`` files into a :class:`~lint_rules.model.Model`.

Parsing uses python-hcl2 (8.x) down to its raw lark tree only: the tree keeps
line numbers and the exact expression structure, which the static evaluator in
:mod:`.evaluator` walks.  This module turns the tree into module configurations,
expands module calls (local sources, recursively; count/for_each instances) and
resources (count/for_each instances), evaluates every argument and records the
resources each argument refers to, following ``var.X`` into the calling module,
``module.M.OUT`` into the module's output expression and ``local.X``.

Everything that cannot be known statically is ``UNKNOWN``; nothing is guessed.
What is still known of such a value (a template's literal text, the structure given to
``jsonencode``) is kept apart in ``Resource.partial`` (see :meth:`.evaluator.Evaluator.partial`).
Errors in the input are :class:`~lint_rules.errors.InputError` with one line.

The package, by concern:

================  ==================================================================================
``loader``        :func:`load_hcl_dir`: root values, module tree, one Resource per instance
``parse``         reading files, python-hcl2 parsing, syntax errors
``lexscan``       heredoc closing markers; the lexical cross-check of each file's top-level blocks
``jsonsyntax``    ``.tf.json`` files (terraform's JSON configuration syntax)
``config``        module configurations (blocks of a directory, override files)
``validate``      notes for configuration terraform itself rejects
``types``         variable type constraints and conversion
``schema``        argument types of the AWS provider (``attr_types.json``) and terraform's conversions
``tfvars``        root variable values (tfvars files, ``-var``)
``sources``       module sources (local paths, ``.terraform/modules/modules.json``)
``providers``     provider configurations; ``provider_data``: region/partition/account from them
``instance``      module instances: variables, locals, outputs, expansions, resource arguments
``expand``        count / for_each
``refs``          proxies for ``var``/``local``/``module``/``data``/resources
``evaluator``     the expression evaluator; ``partial`` its partially-known forms; ``policydoc``
                  ``replace()`` over a policy document's JSON, known in part
``template``      string templates and heredocs
``funcs``         Terraform's functions, by family
``values``        value helpers (conversions, equality, sets, JSON, RefMap)
``scope``, ``tree``  evaluation scopes and proxies; lark tree helpers
================  ==================================================================================
"""
from __future__ import annotations

import importlib
from typing import Any

# The package's names, each imported from its module on first use (PEP 562): importing one light
# module of the package (``values``, which an unpickled cached model needs) does not load the
# parser (lark) and the evaluator.
_EXPORTS = {
    "config": ("META_ATTRS", "META_BLOCKS", "MODULE_META", "Attr", "Block", "Body", "ModuleConfig", "ResourceConf",
               "VarConf", "_block_key", "_merge_body", "_to_body"),
    "expand": ("Expansion", "_dedup", "_key_suffix"),
    "instance": ("MAX_MODULE_DEPTH", "ModuleInstance"),
    "loader": ("IDENTITY_UNKNOWN", "_Loader", "load_hcl_dir"),
    "parse": ("_parse_expression", "_parse_text", "_read_text"),
    "sources": ("_is_local_source",),
    "types": ("_type_desc",),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = ["load_hcl_dir"]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
