"""Reuse a Terraform directory's model, and its findings, from an earlier run on the same inputs.

A pre-commit run on an unchanged tree reads the same files as the run before it and must come to
the same verdict; most of its time went to evaluating both roots again and running every rule.
:func:`check_input` keeps, in the user cache (:mod:`lint_rules.cache`, so ``--no-cache`` and
``AUDITGATE_NO_CACHE`` turn it off, and a corrupt entry is a miss), one entry per input:

- ``hcl-inputs``, keyed by everything given to the load -- the path as given, the working
  directory, ``--var-file`` paths and ``--var`` values, the ``AUDITGATE_*`` and ``TF_*``
  environment, Python's version, the parser libraries' versions and a SHA-256 of every file of this
  package (loader, schema tables, rules, shipped policy; :func:`lint_rules.cache.package_digest`):
  what the last load observed (:mod:`lint_rules.loaders.observed`: the SHA-256 of every file it
  read -- ``.tf``, ``.tf.json``, tfvars, ``modules.json``, ``file()`` arguments, in the root and in
  every module it followed --, the listing of every directory it read, each path it found present
  or absent), the model it built, and the model's key: a digest of the inputs key and those
  observations;
- ``hcl-findings``, one slot per input, policy file and ``--select``/``--skip``: the findings of the
  last run with the key they were computed for -- the model's key, the policy's source and
  SHA-256, ``--select``/``--skip`` and today's date (exceptions expire) -- reused only when that
  key is this run's.

A later run reuses them only when every observation still holds: each file is read and hashed
again (its content is the key of record, never its size or modification time), each directory
listed again, each path tested again.  Anything else -- a changed file, a new ``.tf`` file or
``*.auto.tfvars`` in a directory the load read, a module directory appearing, another ``--var`` --
is a miss: the directory is loaded and checked as without the cache, and the entries replaced
(they do not pile up with every edit).  A load that fails, whose files change while it reads
them, or whose model holds sensitive values (which the model keeps unmasked for the rules) is not
kept.  Plans are not cached here.
"""
from __future__ import annotations

import os
from typing import Mapping, Sequence

from . import cache

_VERSION = "1"


def check_input(path: str, *, policy, select: Sequence[str] | None, skip: Sequence[str] | None,
                var_files: Sequence[str] = (), variables: Mapping[str, str] | None = None,
                source_dir: str | None = None):
    """The :class:`~lint_rules.engine.Report` of one ``auditgate check`` input, as
    ``evaluate(load_path(path, ...), policy, select=select, skip=skip)`` gives it."""
    from .loaders import is_plan_path

    if not cache.enabled() or is_plan_path(path):
        return _compute(path, policy, select, skip, var_files, variables, source_dir)
    from .suppressions import today_utc

    today = today_utc()
    key = _inputs_key(path, var_files, variables or {})
    model = model_key = None
    hit = cache.load("hcl-inputs", key)
    if isinstance(hit, tuple) and len(hit) == 3:
        from .loaders.observed import unchanged

        observations, model_key, model = hit
        if not unchanged(observations):
            model = model_key = None
    # one slot per input and policy file and rule choice, holding the findings of the last run;
    # they are reused only when the model, the policy's text and the date are the same
    slot = cache.digest("hcl-findings", key, str(policy.source), repr(list(select or ())), repr(list(skip or ())))
    if model is not None:
        found = cache.load("hcl-findings", slot)
        if isinstance(found, tuple) and len(found) == 3 and \
                found[0] == _findings_key(model_key, policy, select, skip, today):
            from .engine import Report

            return Report(findings=found[1], source=model.source, rules=found[2], model=model)
    else:
        model, model_key = _load_recorded(path, key, var_files, variables)
    from .engine import evaluate

    report = evaluate(model, policy, select=select or None, skip=skip or None, today=today)
    if model_key is not None:
        cache.store("hcl-findings", slot, (_findings_key(model_key, policy, select, skip, today),
                                           report.findings, report.rules))
    return report


def _compute(path, policy, select, skip, var_files, variables, source_dir):
    from .engine import evaluate
    from .loaders import load_path

    model = load_path(path, var_files=var_files, variables=variables, source_dir=source_dir, find_source=True)
    return evaluate(model, policy, select=select or None, skip=skip or None)


def _load_recorded(path, key, var_files, variables):
    """Load ``path`` noting what it reads; keep the model when the load saw a stable tree."""
    from .loaders import load_path
    from .loaders.observed import recording, stable

    with recording() as seen:
        model = load_path(path, var_files=var_files, variables=variables, find_source=True)
    if not stable(seen) or model.sensitive_values:
        # (a model holding sensitive values -- sensitive variables, sensitive(), password
        # arguments -- holds them unmasked: it is not written to disk)
        return model, None
    observations = sorted((probe, arg, result) for (probe, arg), result in seen.items())
    model_key = cache.digest(key, repr(observations))
    # stored now, before any rule runs (rules keep their own caches on the model); one entry per
    # input, replaced when the input changes (the cache does not grow with every edit)
    cache.store("hcl-inputs", key, (observations, model_key, model))
    return model, model_key


def _inputs_key(path: str, var_files: Sequence[str], variables: Mapping[str, str]) -> str:
    env = sorted((k, v) for k, v in os.environ.items()
                 if k.startswith(("AUDITGATE_", "TF_")) and k not in ("AUDITGATE_CACHE_DIR", "AUDITGATE_NO_CACHE"))
    return cache.digest("hcl-inputs", _VERSION, cache.package_digest(), os.getcwd(), path,
                        repr([str(f) for f in var_files]), repr([(str(k), str(v)) for k, v in variables.items()]),
                        repr(env))


def _findings_key(model_key: str, policy, select, skip, today) -> str:
    return cache.digest("hcl-findings", model_key, str(policy.source), str(policy.sha256),
                        repr(list(select or ())), repr(list(skip or ())), today.isoformat())
