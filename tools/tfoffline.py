#!/usr/bin/env python3
"""Run the real terraform offline, with a stand-in hashicorp/aws provider (``tools/tfprovider``).

No provider can be downloaded here, so this installs an offline stand-in for hashicorp/aws 6.19.0
(serving the real schema from ``shared/aws-provider-schema/``) into a ``filesystem_mirror`` named by a
generated CLI configuration (``TF_CLI_CONFIG_FILE``), then runs terraform in a temporary copy of the
directory (and of the local modules it calls), so nothing is written into the checkout::

    python3 tools/tfoffline.py plan terraform/nvs > /tmp/nvs.json     # terraform show -json of a plan
    python3 tools/tfoffline.py plan terraform/nvs | auditgate check -
    python3 tools/tfoffline.py validate modules/cloudtrail              # modules too (no provider block needed)
    python3 tools/tfoffline.py test modules/cloudtrail                  # terraform test (command = plan)
    python3 tools/tfoffline.py fixtures                                 # regenerate tests/fixtures/plans/*.json
    eval "$(python3 tools/tfoffline.py env)"                            # then plain `terraform ...` anywhere

The stand-in plans creates (configured values, the provider's static defaults, ``region``,
``tags_all``, unknown for the rest) and reads ``aws_caller_identity`` (the account of
``allowed_account_ids``), ``aws_partition``, ``aws_region`` and ``aws_iam_policy_document``; it cannot
apply.  ``serve`` is what terraform itself runs (through the generated launcher).
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
REPO = TOOLS.parent
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

PROVIDER_HOST_PATH = "registry.terraform.io/hashicorp/aws"
VERSION = "6.19.0"
EXECUTABLE = f"terraform-provider-aws_v{VERSION}"
# tests/fixtures/plans/NAME.json is the plan of this root
FIXTURES = {"nvs": "terraform/nvs", "nhc": "terraform/nhc", "noncompliant": "terraform/examples/noncompliant"}
# a plan's timestamp is the only field that changes from run to run: fixtures pin it
FIXTURE_TIMESTAMP = "2025-06-02T09:00:00Z"
OVERRIDE_FILE = "zz_tfoffline_override.tf"
DEFAULT_REGION = "us-east-1"  # AWS_REGION when the environment has none
OVERRIDE = ('# written by tools/tfoffline.py in its temporary copy: state stays local, whatever backend\n'
            '# the root configures (init -backend-config=... is for the real account)\n'
            'terraform {\n  backend "local" {}\n}\n')
SKIP_COPY = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "terraform.tfstate*", "tfplan", ".git",
                                   "__pycache__", OVERRIDE_FILE)


class OfflineError(Exception):
    """The offline terraform cannot run here (no binary, no schema) or a command failed."""


def shared_dir() -> Path:
    """``../shared`` beside the checkout; ``$AUDITGATE_SHARED`` overrides (as tests/helpers.py)."""
    env = os.environ.get("AUDITGATE_SHARED")
    return Path(env) if env else REPO.parent / "shared"


def schema_dir() -> Path:
    return shared_dir() / "aws-provider-schema"


def schema_path(which: str = "auto") -> Path:
    """The shared schema file the stand-in serves (OfflineError naming the folder when absent)."""
    from tfprovider.schema import schema_files

    try:
        return schema_files(schema_dir(), which)
    except Exception as exc:
        raise OfflineError(str(exc)) from exc


def terraform_binary() -> str | None:
    return shutil.which("terraform")


def default_home() -> Path:
    base = os.environ.get("TFOFFLINE_HOME")
    if base:
        return Path(base)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "auditgate-tfoffline"


# what the stand-in provider imports beyond the standard library (the project's dev extras install them)
PROVIDER_PACKAGES = {"msgpack": "msgpack", "grpc": "grpcio", "cryptography": "cryptography"}


def check_provider_packages() -> None:
    """Refuse, in one line, to write a launcher for a Python that cannot run the provider: terraform
    would only say "Failed to obtain provider" -- and the launcher is shared by every run of this home."""
    import importlib.util  # noqa: PLC0415

    missing = [dist for module, dist in PROVIDER_PACKAGES.items() if importlib.util.find_spec(module) is None]
    if missing:
        raise OfflineError(f"{sys.executable} lacks {', '.join(missing)}, which the offline provider needs: run "
                           "tfoffline with the project's environment (.venv/bin/python tools/tfoffline.py ...) "
                           "or pip install -e '.[dev]'")


def _platform() -> str:
    machine = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(
        platform.machine().lower(), platform.machine().lower())
    return f"{platform.system().lower()}_{machine}"


def first_error(text: str) -> str:
    """The line of terraform's output that says what went wrong (box drawing stripped)."""
    lines = [line.strip(" │╷╵\n") for line in text.splitlines()]
    lines = [line for line in lines if line]
    for index, line in enumerate(lines):
        if line.startswith("Error:"):
            detail = next((x for x in lines[index + 1:index + 6] if not x.startswith("on ") and x != ""), "")
            return f"{line} {detail}".strip()[:400]
    return (lines[-1] if lines else "no output")[:400]


class OfflineTerraform:
    """One installation of the stand-in provider (under ``home``) and terraform runs using it."""

    def __init__(self, home: Path | str | None = None, *, schema: str = "auto", binary: str | None = None):
        self.home = Path(home) if home else default_home()
        self.schema = schema
        self.binary = binary or terraform_binary()

    # --- installation -------------------------------------------------------------------------

    @property
    def mirror(self) -> Path:
        return self.home / "mirror"

    @property
    def cli_config(self) -> Path:
        return self.home / "terraformrc"

    @property
    def executable(self) -> Path:
        return self.mirror / PROVIDER_HOST_PATH / VERSION / _platform() / EXECUTABLE

    def setup(self) -> "OfflineTerraform":
        """Write the mirror, the launcher and the CLI configuration; warm the schema caches."""
        if not self.binary:
            raise OfflineError("terraform is not on PATH")
        check_provider_packages()
        from tfprovider.schema import DEFAULTS, Schemas

        default = schema_path(self.schema)
        self.home.mkdir(parents=True, exist_ok=True)
        for sub in ("schema-cache", "sockets"):
            (self.home / sub).mkdir(exist_ok=True)
        self.executable.parent.mkdir(parents=True, exist_ok=True)
        # TFOFFLINE_SCHEMA_FILE (terraform passes its environment on) picks the schema per run
        from tfprovider.server import write_certificate

        if not (self.home / "cert" / "cert.der").is_file():
            write_certificate(self.home / "cert")
        # python -S with this interpreter's installed packages: no site/.pth processing in each plugin
        # start.  Only installation directories: the launcher must not depend on the caller's sys.path
        # (a test runner's, a script's), or two runs sharing this home would rewrite it under each
        # other's initialized workspaces ("the cached package ... does not match").
        pythonpath = os.pathsep.join(dict.fromkeys(
            p for p in sys.path if p and Path(p).is_dir() and Path(p).name in ("site-packages", "dist-packages")))
        launcher = (f'#!/bin/sh\n# offline stand-in for hashicorp/aws {VERSION}, written by tools/tfoffline.py\n'
                    f'PYTHONPATH={_sh(pythonpath)} exec {_sh(sys.executable)} -S {_sh(str(Path(__file__).resolve()))} '
                    f'serve --cert-dir {_sh(str(self.home / "cert"))} '
                    f'--schema "${{TFOFFLINE_SCHEMA_FILE:-{_dq(str(default))}}}" '
                    f'--defaults {_sh(str(schema_dir() / DEFAULTS))} '
                    f'--cache-dir {_sh(str(self.home / "schema-cache"))}\n')
        if not self.executable.is_file() or self.executable.read_text() != launcher:
            tmp = self.executable.with_suffix(".tmp")
            tmp.write_text(launcher)
            tmp.chmod(0o755)
            os.replace(tmp, self.executable)
        self.cli_config.write_text(
            "# written by tools/tfoffline.py: hashicorp/aws comes from the offline mirror, nothing from the network\n"
            "provider_installation {\n"
            f"  filesystem_mirror {{\n    path    = {json.dumps(str(self.mirror))}\n"
            f"    include = [\"{PROVIDER_HOST_PATH}\"]\n  }}\n"
            "}\n"
            "disable_checkpoint = true\n")
        for which in ("full", "trimmed"):  # build the caches once, not in each provider process
            try:
                Schemas(schema_path(which), schema_dir() / DEFAULTS, cache_dir=self.home / "schema-cache")
            except OfflineError:
                pass
        if self.schema == "auto":
            try:
                self._trimmed_types = trimmed_types()
            except OfflineError:
                self._trimmed_types = None
        return self

    _trimmed_types: frozenset | None = None

    _subset_lock = threading.Lock()
    _full_document: dict | None = None

    def schema_for(self, workdir: Path) -> Path:
        """The schema to serve for a configuration: with ``auto``, the trimmed one when it has every
        resource and data source type the configuration (and its local modules) uses, since terraform
        decodes it many times faster than the full one (1,576 resource types: seconds per provider
        start, several starts per plan); else the trimmed one plus the types it lacks, taken from the
        full one (``subset_schema``); the full one itself only where that cannot be made."""
        if self.schema != "auto":
            return schema_path(self.schema)
        if self._trimmed_types is None:
            return schema_path("auto")
        used = used_types(workdir)
        if used <= self._trimmed_types:
            return schema_path("trimmed")
        try:
            return self.subset_schema(used - self._trimmed_types)
        except (OfflineError, OSError, ValueError, KeyError):
            return schema_path("auto")

    def subset_schema(self, extra: frozenset) -> Path:
        """A schema document of the trimmed file's types and ``extra`` (``(mode, type)`` pairs) as the
        full file has them, written once per set of types under ``home/schema-subsets`` (outside the
        checkout: derived from the shared data, never copied into the project).  A type the full file
        lacks is left out, so terraform reports it as unsupported, as the real provider would."""
        full, trimmed = schema_path("full"), schema_path("trimmed")
        if full == trimmed:
            raise OfflineError("no full schema")
        wanted = sorted(extra)
        stat = full.stat()
        digest = hashlib.sha256(json.dumps([str(full), stat.st_size, stat.st_mtime_ns, wanted]).encode()).hexdigest()
        path = self.home / "schema-subsets" / f"aws-{VERSION}.subset-{digest[:16]}.json"
        if path.is_file():
            return path
        with self._subset_lock:
            if path.is_file():
                return path
            if self._full_document is None:
                self._full_document = json.loads(gzip.decompress(full.read_bytes()) if full.suffix == ".gz"
                                                  else full.read_bytes())
            source = self._full_document["provider_schemas"][PROVIDER_HOST_PATH]
            document = json.loads(trimmed.read_text())
            provider = document["provider_schemas"][PROVIDER_HOST_PATH]
            for mode, type_name in wanted:
                table = "resource_schemas" if mode == "resource" else "data_source_schemas"
                if type_name in source.get(table, {}):
                    provider.setdefault(table, {})[type_name] = source[table][type_name]
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(document, sort_keys=True))
            os.replace(tmp, path)  # atomic: a concurrent provider start sees the whole file or none
        return path

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("TF_DATA_DIR", "TF_WORKSPACE", "TF_CLI_ARGS")}
        env.update({"TF_CLI_CONFIG_FILE": str(self.cli_config), "TF_IN_AUTOMATION": "1", "TF_INPUT": "0",
                    "CHECKPOINT_DISABLE": "1", "TFOFFLINE_SOCKET_DIR": str(self.home / "sockets")})
        if not env.get("AWS_REGION") and not env.get("AWS_DEFAULT_REGION"):
            env["AWS_REGION"] = DEFAULT_REGION  # for configurations without a provider region, as CI would set
        return env

    def env_for(self, workdir: Path) -> dict[str, str]:
        return dict(self.env, TFOFFLINE_SCHEMA_FILE=str(self.schema_for(workdir)))

    def cleanup_sockets(self) -> None:
        """Remove socket directories left by plugins killed without Shutdown."""
        shutil.rmtree(self.home / "sockets", ignore_errors=True)

    # --- running terraform --------------------------------------------------------------------

    def run(self, args: list[str], cwd: Path, *, check: bool = True, timeout: int = 600) -> subprocess.CompletedProcess:
        proc = subprocess.run([self.binary, *args], cwd=cwd, env=self.env_for(cwd), capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
        if check and proc.returncode != 0:
            raise OfflineError(f"terraform {args[0]} in {cwd} failed: {first_error(proc.stderr or proc.stdout)}\n"
                               f"{proc.stderr}{proc.stdout}")
        return proc

    def workspace(self, target: Path | str, dest: Path | str) -> Path:
        """Copy ``target`` and every local module it calls (transitively) under ``dest``, keeping their
        relative layout, and return the copy of ``target``.  terraform writes only there."""
        target = Path(target).resolve()
        dirs = local_module_dirs(target)
        top = Path(os.path.commonpath([str(d) for d in dirs]))
        dest = Path(dest)
        for directory in sorted(dirs):
            shutil.copytree(directory, dest / directory.relative_to(top), ignore=SKIP_COPY, dirs_exist_ok=True)
        copy = dest / target.relative_to(top)
        (copy / OVERRIDE_FILE).write_text(OVERRIDE)
        return copy

    def init(self, workdir: Path) -> None:
        self.run(["init", "-input=false", "-no-color"], workdir)

    def validate(self, workdir: Path) -> dict:
        proc = self.run(["validate", "-json", "-no-color"], workdir, check=False)
        try:
            return json.loads(proc.stdout)
        except ValueError as exc:
            raise OfflineError(f"terraform validate in {workdir} printed no JSON: {first_error(proc.stderr)}") from exc

    def plan(self, workdir: Path, *, var_files: tuple = (), variables: dict | None = None) -> dict:
        """``terraform show -json`` of ``terraform plan`` in an initialized ``workdir``."""
        args = ["plan", "-input=false", "-lock=false", "-no-color", "-out=tfplan"]
        args += [f"-var-file={Path(f).resolve()}" for f in var_files]
        args += [f"-var={k}={v}" for k, v in (variables or {}).items()]
        self.run(args, workdir)
        return json.loads(self.run(["show", "-json", "-no-color", "tfplan"], workdir).stdout)

    def test(self, workdir: Path, *args: str) -> subprocess.CompletedProcess:
        return self.run(["test", "-no-color", *args], workdir, check=False)

    def plan_dir(self, target: Path | str, **kwargs) -> dict:
        """Plan ``target`` in a temporary copy: init, plan, show -json."""
        with tempfile.TemporaryDirectory(prefix="tfoffline-") as tmp:
            work = self.workspace(target, tmp)
            self.init(work)
            return self.plan(work, **kwargs)


# --- local module sources ------------------------------------------------------------------------

_SOURCE = re.compile(r'^\s*source\s*=\s*"(\.{1,2}/[^"]*)"', re.MULTILINE)


def _sources(directory: Path) -> list[str]:
    found: list[str] = []
    for path in sorted(directory.glob("*.tf")) + sorted(directory.glob("*.tftest.hcl")) + \
            sorted((directory / "tests").glob("*.tftest.hcl")):
        found.extend(_SOURCE.findall(path.read_text(encoding="utf-8", errors="replace")))
    for path in sorted(directory.glob("*.tf.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        modules = doc.get("module") or {}
        for calls in (modules if isinstance(modules, list) else [modules]):
            for call in (calls or {}).values():
                for body in (call if isinstance(call, list) else [call]):
                    source = (body or {}).get("source")
                    if isinstance(source, str) and source.startswith(("./", "../")):
                        found.append(source)
    return found


def local_module_dirs(root: Path) -> set[Path]:
    """``root`` and every directory a local module source (``./``, ``../``) reaches from it."""
    seen: set[Path] = set()
    todo = [root.resolve()]
    while todo:
        directory = todo.pop()
        if directory in seen or not directory.is_dir():
            continue
        seen.add(directory)
        for source in _sources(directory):
            todo.append((directory / source.split("//")[0]).resolve())
    return seen


_TYPE = re.compile(r'^\s*(resource|data)\s+"?([A-Za-z0-9_]+)"?', re.MULTILINE)


def used_types(root: Path) -> frozenset:
    """(mode, type) of every resource and data block in ``root`` and the local modules it calls."""
    found = set()
    for directory in local_module_dirs(Path(root)):
        for path in directory.glob("*.tf"):
            found.update(_TYPE.findall(path.read_text(encoding="utf-8", errors="replace")))
        for path in directory.glob("*.tf.json"):
            try:
                doc = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                found.add(("resource", "<unreadable .tf.json>"))
                continue
            for mode in ("resource", "data"):
                blocks = doc.get(mode) or {}
                for entry in blocks if isinstance(blocks, list) else [blocks]:
                    found.update((mode, name) for name in (entry or {}))
    return frozenset(found)


def trimmed_types() -> frozenset:
    path = schema_path("trimmed")
    provider = json.loads(path.read_text())["provider_schemas"][f"registry.terraform.io/hashicorp/aws"]
    return frozenset([("resource", t) for t in provider.get("resource_schemas", {})] +
                     [("data", t) for t in provider.get("data_source_schemas", {})])


def _dq(text: str) -> str:
    """``text`` safe inside a double-quoted sh word."""
    return re.sub(r'([\\"$`])', r"\\\1", text)


def _sh(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


# --- plan fixtures -------------------------------------------------------------------------------


def canonical_plan(doc: dict) -> dict:
    """``doc`` without what changes from one terraform run to the next: the timestamp is pinned,
    child modules and their resources (``planned_values``, ``prior_state``) are sorted by address and
    ``relevant_attributes`` by resource and path (terraform writes those in Go map order)."""
    doc = json.loads(json.dumps(doc))
    doc["timestamp"] = FIXTURE_TIMESTAMP

    def sort_module(module: dict) -> None:
        if "resources" in module:
            module["resources"] = sorted(module["resources"], key=lambda r: r.get("address", ""))
        if "child_modules" in module:
            module["child_modules"] = sorted(module["child_modules"], key=lambda m: m.get("address", ""))
            for child in module["child_modules"]:
                sort_module(child)

    for part in (doc.get("planned_values"), (doc.get("prior_state") or {}).get("values")):
        if isinstance(part, dict) and isinstance(part.get("root_module"), dict):
            sort_module(part["root_module"])
    if isinstance(doc.get("relevant_attributes"), list):
        doc["relevant_attributes"] = sorted(doc["relevant_attributes"], key=lambda r: json.dumps(r, sort_keys=True))
    return doc


def fixture_text(doc: dict) -> str:
    """A plan as stored in tests/fixtures/plans: canonical, 2-space indented."""
    return json.dumps(canonical_plan(doc), indent=2, ensure_ascii=False) + "\n"


def regenerate_fixtures(tf: OfflineTerraform, names: list[str] | None = None, check: bool = False) -> list[str]:
    """Write (or with ``check`` compare) tests/fixtures/plans/NAME.json; returns the names that differ."""
    changed = []
    for name in names or list(FIXTURES):
        text = fixture_text(tf.plan_dir(REPO / FIXTURES[name]))
        path = REPO / "tests" / "fixtures" / "plans" / f"{name}.json"
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            changed.append(name)
            if not check:
                path.write_text(text, encoding="utf-8")
    return changed


# --- the command line ----------------------------------------------------------------------------


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="tfoffline.py serve")
    parser.add_argument("--schema", required=True)
    parser.add_argument("--defaults")
    parser.add_argument("--cache-dir")
    parser.add_argument("--cert-dir")
    args = parser.parse_args(argv)
    from tfprovider.provider import Provider
    from tfprovider.schema import Schemas
    from tfprovider.server import serve as run_server

    return run_server(Provider(Schemas(Path(args.schema), args.defaults and Path(args.defaults),
                                       cache_dir=args.cache_dir and Path(args.cache_dir))),
                      cert_dir=args.cert_dir and Path(args.cert_dir))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        return serve(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog="see the module docstring")
    parser.add_argument("--home", help="where the mirror and caches live (default $TFOFFLINE_HOME or "
                                       "~/.cache/auditgate-tfoffline)")
    parser.add_argument("--schema", choices=("auto", "full", "trimmed"), default="auto",
                        help="which shared schema the provider serves (default: the full one when present)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("env", help="print shell exports that make plain `terraform` use the offline provider")
    for name, text in (("init", "terraform init in a temporary copy of DIR"),
                       ("validate", "terraform validate DIR (a module or a root)"),
                       ("test", "terraform test in DIR (its *.tftest.hcl files)")):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("dir")
    plan = sub.add_parser("plan", help="print terraform show -json of terraform plan of DIR")
    plan.add_argument("dir")
    plan.add_argument("--var-file", action="append", default=[])
    plan.add_argument("--var", action="append", default=[], help="NAME=VALUE")
    plan.add_argument("-o", "--output", help="write the plan JSON here instead of stdout")
    fixtures = sub.add_parser("fixtures", help="regenerate tests/fixtures/plans/*.json from the roots")
    fixtures.add_argument("--check", action="store_true", help="only say which fixtures are out of date (exit 1)")
    fixtures.add_argument("names", nargs="*", help=f"some of: {', '.join(FIXTURES)} (default: all)")
    args = parser.parse_args(argv)

    tf = OfflineTerraform(args.home, schema=args.schema)
    try:
        tf.setup()
        if args.command == "env":
            for key in ("TF_CLI_CONFIG_FILE", "TFOFFLINE_SOCKET_DIR", "CHECKPOINT_DISABLE"):
                print(f"export {key}={_sh(tf.env[key])}")
            return 0
        if args.command == "plan":
            variables = dict(v.split("=", 1) for v in args.var)
            doc = tf.plan_dir(Path(args.dir), var_files=tuple(args.var_file), variables=variables)
            text = json.dumps(doc) + "\n"
            if args.output:
                Path(args.output).write_text(text)
            else:
                sys.stdout.write(text)
            return 0
        if args.command == "fixtures":
            unknown = [n for n in args.names if n not in FIXTURES]
            if unknown:
                raise OfflineError(f"no fixture named {', '.join(unknown)} (known: {', '.join(FIXTURES)})")
            changed = regenerate_fixtures(tf, args.names or None, check=args.check)
            verb = "out of date" if args.check else "rewritten"
            print(f"{verb}: {', '.join(changed) or 'none'}", file=sys.stderr)
            return 1 if args.check and changed else 0
        with tempfile.TemporaryDirectory(prefix="tfoffline-") as tmp:
            work = tf.workspace(Path(args.dir), tmp)
            tf.init(work)
            if args.command == "init":
                return 0
            if args.command == "validate":
                result = tf.validate(work)
                for diag in result.get("diagnostics", []):
                    rng = diag.get("range") or {}
                    where = f"{args.dir}/{rng['filename']}:{rng['start']['line']}: " if rng else ""
                    print(f"{where}{diag['severity']}: {diag['summary']}: {diag.get('detail', '')}", file=sys.stderr)
                print("valid" if result.get("valid") else "invalid", file=sys.stderr)
                return 0 if result.get("valid") else 1
            proc = tf.test(work)
            sys.stdout.write(proc.stdout)
            sys.stderr.write(proc.stderr)
            return proc.returncode
    except OfflineError as exc:
        print(f"tfoffline: {exc}".splitlines()[0], file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
