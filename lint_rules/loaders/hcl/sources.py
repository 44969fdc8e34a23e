"""Module sources: where the code of a module call is, as terraform finds it.

* A local path (``./x``, ``../x``) is read from the calling module's directory -- also inside a
  module that ``terraform init`` downloaded.
* Any other source (registry ``ns/name/provider``, ``git::...``, ``github.com/...``, ``s3::...``,
  an archive URL...) is read where ``terraform init`` put it: ``.terraform/modules/modules.json`` in
  the root module directory (``$TF_DATA_DIR`` instead of ``.terraform`` when set) lists every
  module call by its key -- the call names from the root joined by dots (``baseline.cloudtrail``),
  without instance keys -- with its ``Source`` and the ``Dir`` it was downloaded to, relative to
  the root module directory.  ``//subdir`` sources are already resolved in ``Dir``.
* Anything else is a module call that is not followed: :class:`Resolution` says why.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass

from .. import observed

MANIFEST = os.path.join("modules", "modules.json")


def _is_local_source(source: str) -> bool:
    return source.startswith(("./", "../", ".\\", "..\\")) or source in (".", "..")


is_local_source = _is_local_source


@dataclass(frozen=True)
class ModuleRecord:
    key: str
    source: str
    dir: str
    version: str | None = None


@dataclass(frozen=True)
class Resolution:
    dir: str | None  # the directory to read, or None
    reason: str = ""  # why not, when dir is None


def data_dir(root_dir: str) -> str:
    """Terraform's data directory for the root module (``.terraform``, or ``$TF_DATA_DIR``)."""
    env = observed.getenv("TF_DATA_DIR")
    if env:
        return env if os.path.isabs(env) else os.path.join(root_dir, env)
    return os.path.join(root_dir, ".terraform")


def read_manifest(root_dir: str) -> tuple[dict[str, ModuleRecord] | None, str | None]:
    """(records by key, problem): records is None when there is no usable manifest."""
    path = os.path.join(data_dir(root_dir), MANIFEST)
    if not observed.is_file(path):
        return None, None
    try:
        doc = json.loads(observed.read_text(path))
        records = {}
        for entry in doc.get("Modules", []):
            key = entry.get("Key")
            if isinstance(key, str) and isinstance(entry.get("Dir"), str):
                records[key] = ModuleRecord(key, str(entry.get("Source", "")), entry["Dir"],
                                            entry.get("Version"))
        return records, None
    except (OSError, ValueError, AttributeError, TypeError) as exc:
        return None, f"{path} could not be read ({type(exc).__name__})"


_REGISTRY = re.compile(r"^(?:(?P<host>[a-z0-9.-]+\.[a-z]{2,}(?::\d+)?)/)?(?P<ns>[\w-]+)/(?P<name>[\w-]+)/"
                       r"(?P<provider>[a-z0-9]+)(?P<sub>//.*)?$")
_GITHUB = re.compile(r"^(?P<host>github\.com|bitbucket\.org)/(?P<path>[^/?]+/[^/?]+?)(?:\.git)?"
                     r"(?P<sub>//[^?]*)?(?P<query>\?.*)?$")
_SCP = re.compile(r"^git@(?P<host>[^:]+):(?P<path>[^/?]+/[^?/]+?)(?:\.git)?(?P<sub>//[^?]*)?(?P<query>\?.*)?$")


def is_registry_source(source: str) -> bool:
    m = _REGISTRY.match(source)
    return bool(m) and not source.startswith(("github.com/", "bitbucket.org/"))


def normalize_source(source: str) -> str:
    """The source as terraform records it in modules.json (registry and shorthand git addresses)."""
    if _is_local_source(source):
        return source
    m = _REGISTRY.match(source)
    if m and not source.startswith(("github.com/", "bitbucket.org/")):
        host = m.group("host") or "registry.terraform.io"
        return f"{host}/{m.group('ns')}/{m.group('name')}/{m.group('provider')}{m.group('sub') or ''}"
    m = _GITHUB.match(source)
    if m:
        return f"git::https://{m.group('host')}/{m.group('path')}.git{m.group('sub') or ''}{m.group('query') or ''}"
    m = _SCP.match(source)
    if m:
        return (f"git::ssh://git@{m.group('host')}/{m.group('path')}.git{m.group('sub') or ''}"
                f"{m.group('query') or ''}")
    return source


def _loose(source: str) -> str:
    """Comparison form: no forced getter, scheme, ``.git`` suffix or default registry host."""
    text = re.sub(r"^[a-z0-9]+::", "", normalize_source(source))
    text = re.sub(r"^[a-z+]+://", "", text)
    text = text.replace(".git//", "//").replace(".git?", "?")
    if text.endswith(".git"):
        text = text[:-4]
    if text.startswith("registry.terraform.io/"):
        text = text[len("registry.terraform.io/"):]
    return text


def same_source(configured: str, recorded: str) -> bool:
    return normalize_source(configured) == recorded or _loose(configured) == _loose(recorded)


def describe_source(source: str) -> str:
    if is_registry_source(source):
        return "registry module"
    if source.startswith(("git::", "github.com/", "bitbucket.org/", "git@")):
        return "git module"
    return "remote module"


_VERSION = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_CONSTRAINT = re.compile(r"^\s*(~>|>=|<=|!=|=|>|<)?\s*(\S+)\s*$")


def _parse_version(text: str) -> tuple[tuple[int, int, int], int, str] | None:
    """((major, minor, patch), how many segments were written, pre-release) or None."""
    m = _VERSION.match(text.strip())
    if not m:
        return None
    written = sum(1 for g in m.groups()[:3] if g is not None)
    return tuple(int(g or 0) for g in m.groups()[:3]), written, m.group(4) or ""  # type: ignore[return-value]


def version_satisfies(version: str, constraint: str) -> bool | None:
    """Does ``version`` (what terraform init downloaded) meet a module ``version`` constraint
    (``"~> 4.0"``, ``">= 1.2, < 2.0"``, ``"1.4.5"``), as terraform checks it before planning?
    None when either cannot be read (then nothing is concluded)."""
    got = _parse_version(version)
    if got is None:
        return None
    v, _, v_pre = got
    for part in constraint.split(","):
        m = _CONSTRAINT.match(part)
        want = _parse_version(m.group(2)) if m else None
        if want is None:
            return None
        op = m.group(1) or "="
        c, written, c_pre = want
        if v_pre or c_pre:
            # a pre-release matches only a constraint naming exactly it
            if op != "=" or (v, v_pre) != (c, c_pre):
                return False
            continue
        if op == "=" and v != c or op == "!=" and v == c or op == ">" and not v > c \
                or op == ">=" and not v >= c or op == "<" and not v < c or op == "<=" and not v <= c:
            return False
        if op == "~>":
            # the last written segment may grow, the ones before it stay: ~> 1.2 is >= 1.2, < 2.0
            if v < c or (written > 1 and v[:written - 1] != c[:written - 1]):
                return False
    return True


def resolve(source: str, key: str, parent_dir: str, root_dir: str,
            manifest: dict[str, ModuleRecord] | None, constraint: str | None = None) -> Resolution:
    """Where the module call ``key`` (``a.b``) with ``source``, made from ``parent_dir``, is read.
    ``constraint``: the call's ``version`` argument (a registry module's downloaded version must meet
    it, or terraform asks for terraform init before planning)."""
    if _is_local_source(source):
        path = os.path.normpath(os.path.join(parent_dir, source))
        if observed.is_dir(path):
            return Resolution(path)
        return Resolution(None, f'local module directory "{source}" not found ({path})')
    kind = describe_source(source)
    if manifest is None:
        return Resolution(None, f"{kind} not downloaded (no {os.path.join('.terraform', MANIFEST)}; "
                                "run terraform init to have it checked)")
    record = manifest.get(key)
    if record is None:
        return Resolution(None, f"{kind} not downloaded (no entry {key!r} in {os.path.join('.terraform', MANIFEST)}; "
                                "run terraform init)")
    if not same_source(source, record.source):
        return Resolution(None, f'source changed since terraform init (modules.json has "{record.source}"; '
                                "run terraform init)")
    if constraint and record.version and version_satisfies(record.version, constraint) is False:
        return Resolution(None, f'downloaded version {record.version} does not meet version = "{constraint}" '
                                "(run terraform init)")
    path = os.path.normpath(os.path.join(root_dir, record.dir))
    if not observed.is_dir(path):
        return Resolution(None, f"downloaded directory {record.dir} is missing (run terraform init)")
    return Resolution(path)
