"""Loaders: every input becomes one :class:`~lint_rules.model.Model`.

``load_path`` decides what an argument is:

- ``-``: a plan JSON document on standard input (or text already read, see
  ``stdin_text``);
- a directory: a Terraform root module, parsed as HCL;
- a ``.tf`` file: the root module of the directory it is in;
- any other file: a plan JSON document.

Every failure raises :class:`~lint_rules.errors.InputError` with one line
saying what and where.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Mapping, Sequence

from ..collector import collector_paused
from ..errors import InputError
from ..model import Model

STDIN = "-"


def stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


NO_PIPE = "standard input is a terminal, not a plan: pipe one in (`terraform show -json tfplan | ...`)"


def read_stdin() -> str:
    if stdin_is_terminal():  # reading would wait for typing forever
        raise InputError(NO_PIPE, "<stdin>")
    from ..limits import read_limited

    try:
        data = read_limited(sys.stdin.buffer, "<stdin>", "the plan on standard input") \
            if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read standard input ({exc})", "<stdin>") from None
    return _decode(data, "<stdin>") if isinstance(data, bytes) else data


def _decode(data: bytes, where: str) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise InputError("this is a binary plan file; convert it with "
                         "`terraform show -json PLANFILE`", where)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"input is not UTF-8 text (byte {exc.start})", where) from None


def is_plan_path(path: str) -> bool:
    """Does ``load_path`` read ``path`` as a plan (not as a Terraform directory)?"""
    if path == STDIN:
        return True
    p = Path(path)
    return not (p.is_dir() or p.suffix == ".tf")


def plan_sources(paths: Sequence[str], source_dirs: Sequence[str], option: str = "--tf-dir") -> dict[str, str]:
    """The source directory of each plan among ``paths`` (``--tf-dir``: one for every plan, or
    one per plan in order); empty when no directory is given or no path is a plan."""
    plans = [p for p in paths if is_plan_path(p)]
    if not plans or not source_dirs:
        return {}
    from .source import pair_sources  # (the plan loader's imports only where there are plans)

    return dict(zip(plans, pair_sources(plans, source_dirs, option)))


def load_path(path: str, *, stdin_text: str | None = None,
              var_files: Sequence[str] = (), variables: Mapping[str, str] | None = None,
              source_dir: str | None = None, find_source: bool = False) -> Model:
    """Load a plan file, a ``-`` for stdin, or a Terraform directory into a Model, with the
    inline ``auditgate:skip`` exceptions of its code and the SHA-256 of what was read.

    For a plan, ``source_dir`` is the directory of its configuration (``--tf-dir``): the
    references the plan does not record and file:line locations are read from it (see
    :mod:`.source`); with ``find_source``, the current directory is used when it is the
    plan's root module.  Both are ignored for a Terraform directory."""
    return _finish(_load(path, stdin_text=stdin_text, var_files=var_files, variables=variables,
                         source_dir=source_dir, find_source=find_source))


def _finish(model: Model) -> Model:
    """What every input gets after its loader: the one place inline exceptions are read (from
    the .tf files the resources' locations name, so plans read with their source get them too),
    and the loader's notes with the input's sensitive values masked (:mod:`lint_rules.redact`)."""
    from ..redact import scrub
    from .inline_suppressions import attach_inline_suppressions

    model = attach_inline_suppressions(model)
    if model.sensitive_values:
        secrets = frozenset(model.sensitive_values)
        model.diagnostics = [scrub(d, secrets) for d in model.diagnostics]
    return model


def _load(path: str, *, stdin_text: str | None, var_files: Sequence[str],
          variables: Mapping[str, str] | None, source_dir: str | None, find_source: bool) -> Model:
    from .provenance import directory_manifest, manifest_sha256, text_sha256

    if path == STDIN:
        text = stdin_text if stdin_text is not None else read_stdin()
        model = _load_plan([text], "<stdin>", source_dir, find_source)
        model.input_sha256 = text_sha256(text)
        return model
    p = Path(path)
    if not p.exists():
        raise InputError("no such file or directory", path)
    if p.is_dir() or p.suffix == ".tf":
        from .hcl import load_hcl_dir

        directory = p if p.is_dir() else p.parent
        model = load_hcl_dir(directory, var_files=var_files, variables=variables or {})
        model.input_sha256 = manifest_sha256(directory_manifest(directory, model, var_files))
        return model
    from ..limits import check_file_size

    check_file_size(path, what="plan file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", path) from None
    digest = text_sha256(data)
    text = [_decode(data, path)]
    del data  # a large plan: hold the text or the bytes, not both; the text only until it is parsed
    model = _load_plan(text, path, source_dir, find_source)
    model.input_sha256 = digest
    return model


def _load_plan(text: list[str], where: str, source_dir: str | None, find_source: bool) -> Model:
    """``text``: a one-item list holding the plan's text, emptied once it is parsed (a large plan's
    text is not kept alive next to its parsed document)."""
    with collector_paused():  # the plan and its model: all kept (lint_rules.collector)
        return _load_plan_text(text, where, source_dir, find_source)


def _load_plan_text(text: list[str], where: str, source_dir: str | None, find_source: bool) -> Model:
    from ..redact import plan_secrets, scrub
    from .plan import parse_plan_text

    doc = parse_plan_text(text.pop(), where)
    secrets = plan_secrets(doc)
    try:
        model = _load_plan_with_source(doc, where, source_dir, find_source)
    except InputError as exc:  # a value the plan marks sensitive is not echoed in an error either
        if secrets and scrub(str(exc), frozenset(secrets)) != str(exc):
            raise InputError(scrub(str(exc), frozenset(secrets))) from None
        raise
    model.sensitive_values |= secrets
    return model


def _load_plan_with_source(doc, where: str, source_dir: str | None, find_source: bool) -> Model:
    from .plan import load_plan_document
    from .source import attach_source, detect_source_dir

    model = load_plan_document(doc, where)
    if source_dir is not None:
        if not Path(source_dir).is_dir():
            raise InputError("--tf-dir: " + ("not a directory" if Path(source_dir).exists()
                                             else "no such directory"), source_dir)
        return attach_source(model, doc, source_dir)
    if find_source:
        here = detect_source_dir(doc, ".")
        if here is not None:
            try:
                return attach_source(model, doc, here, detected=True)
            except InputError as exc:
                model.diagnostics.append(f"the current directory is this plan's root module but "
                                         f"cannot be read ({exc}): no references or locations from it")
    return model
