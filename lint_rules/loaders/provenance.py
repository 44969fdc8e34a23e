"""What exactly was checked: a SHA-256 of each input, for the evidence report.

- A plan: the SHA-256 of its JSON text as read (``sha256sum plan.json`` gives the same digest).
- A Terraform directory: the SHA-256 of a ``sha256sum``-style manifest -- one line
  ``<sha256>  <path relative to the root directory>`` per configuration file (``*.tf``, ``*.tf.json``,
  ``*.tfvars``, ``*.tfvars.json``) of the root and of every module directory a resource came from, plus
  the tfvars files given, sorted by path.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterable

from ..model import Model
from . import observed

CONFIG_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")


def text_sha256(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def _config_files(directory: Path) -> list[Path]:
    try:
        return [directory / n for n in observed.listdir(directory)
                if n.endswith(CONFIG_SUFFIXES) and observed.is_file(directory / n)]
    except OSError:
        return []


def directory_manifest(root: str | Path, model: Model, extra_files: Iterable[str] = ()) -> list[tuple[str, str]]:
    """``[(sha256, path relative to root)]`` of the configuration files behind ``model``."""
    root = Path(root)
    dirs = {observed.resolve(root)}
    for file in {r.file for r in model.resources if r.file}:  # each file once, not once per resource
        dirs.add(observed.resolve(file).parent)
    files = {observed.resolve(p) for d in dirs for p in _config_files(d)}
    files |= {observed.resolve(f) for f in extra_files if observed.is_file(f)}
    manifest = []
    for path in files:
        try:
            digest = hashlib.sha256(observed.read_bytes(path)).hexdigest()
        except OSError:
            continue
        manifest.append((digest, os.path.relpath(path, observed.resolve(root)).replace(os.sep, "/")))
    return sorted(manifest, key=lambda item: item[1])


def manifest_sha256(manifest: list[tuple[str, str]]) -> str:
    return text_sha256("".join(f"{digest}  {path}\n" for digest, path in manifest))
