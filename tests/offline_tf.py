"""The real terraform binary with the offline hashicorp/aws stand-in (tools/tfprovider), for tests.

One ``OfflineSession`` per test session (the ``offline_tf`` fixture in conftest.py): one mirror
and schema cache (no plugin cache: ``init`` links each copy to the mirror, so parallel inits and plans
cannot disturb each other); each directory terraform works on is copied (with the local modules it
calls) into the session's temporary directory, initialised once, and its plan or validation result
cached, so every test that needs the plan of ``terraform/nvs`` shares one ``terraform plan``.

Where terraform is not on PATH, or the shared schema is absent, tests skip naming what is missing.
Where both are there, a stand-in that cannot start (a missing Python dependency, a protocol error)
FAILS the tests: on CI these tests must run.
"""
from __future__ import annotations

import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from .helpers import REPO

sys.path.insert(0, str(REPO / "tools"))
import tfoffline  # noqa: E402  (tools/ is not a package)

PLAN_WORKERS = 2  # the machines have two cores


def canonical_plan(doc: dict) -> dict:
    """A plan with terraform's run-to-run variation removed: the timestamp pinned, child modules and
    their resources sorted by address, ``relevant_attributes`` sorted (terraform writes them in Go
    map order)."""
    return tfoffline.canonical_plan(doc)


class OfflineSession:
    def __init__(self, tf: "tfoffline.OfflineTerraform", base: Path):
        self.tf = tf
        self.base = base
        self._lock = threading.Lock()
        self._keys: dict[Any, threading.Lock] = {}
        self._workdirs: dict[Path, Any] = {}
        self._results: dict[Any, Any] = {}
        self._count = 0

    def _once(self, key, make):
        """``make()`` once per key, also when threads ask at the same time; a failure is remembered
        and raised again to every caller."""
        with self._lock:
            lock = self._keys.setdefault(key, threading.Lock())
        with lock:
            if key not in self._results:
                try:
                    self._results[key] = (True, make())
                except BaseException as exc:  # pytest.fail() raises a BaseException
                    self._results[key] = (False, exc)
            ok, value = self._results[key]
        if not ok:
            raise value
        return value

    def tftest(self, target: Path | str):
        """A ``tftest.TerraformTest`` set up (``terraform init``) on a copy of ``target``."""
        import tftest

        target = Path(target).resolve()

        def make():
            with self._lock:
                self._count += 1
                dest = self.base / f"ws{self._count}"
            work = self.tf.workspace(target, dest)
            test = tftest.TerraformTest(str(work), binary=self.tf.binary, env=self.tf.env_for(work))
            try:
                test.setup(cleanup_on_exit=False)
            except tftest.TerraformTestError as exc:
                pytest.fail(f"terraform init of {rel(target)} failed: {tfoffline.first_error(str(exc))}")
            return test
        return self._once(("tftest", target), make)

    def workdir(self, target: Path | str) -> Path:
        return Path(self.tftest(target).tfdir)

    def plan(self, target: Path | str) -> dict:
        """``terraform show -json`` of ``terraform plan`` of ``target`` (via tftest), cached."""
        import tftest

        target = Path(target).resolve()

        def make():
            test = self.tftest(target)
            try:
                return test.plan(output=True, input=False, color=False, lock=False)._raw
            except tftest.TerraformTestError as exc:
                pytest.fail(f"terraform plan of {rel(target)} failed: {tfoffline.first_error(str(exc))}")
        return self._once(("plan", target), make)

    def plans(self, targets: list[Path]) -> None:
        """Plan several directories, two at a time (``plan()`` then returns each, or raises its failure)."""
        self.each(self.plan, targets)

    def each(self, function, targets) -> None:
        """``function(target)`` for every target, two at a time; failures are left for the tests that
        ask again (every result here is cached)."""
        def quietly(target):
            try:
                function(target)
            except BaseException:  # noqa: BLE001 - raised again when a test asks for this result
                pass
        with ThreadPoolExecutor(PLAN_WORKERS) as pool:
            list(pool.map(quietly, targets))

    def validate(self, target: Path | str) -> dict:
        """``terraform validate -json`` of ``target`` (a root or a module)."""
        target = Path(target).resolve()
        return self._once(("validate", target), lambda: self.tf.validate(self.workdir(target)))

    def test(self, target: Path | str, *args: str):
        """``terraform test`` in a copy of ``target`` (a module with ``tests/*.tftest.hcl``), cached."""
        target = Path(target).resolve()
        return self._once(("test", target, args), lambda: self.tf.test(self.workdir(target), *args))


def selected(request, param: str) -> list:
    """The values of parameter ``param`` of this test module's items selected in the session, in order
    (so a module-scoped fixture can prepare all of them at once, and only them)."""
    values = []
    for item in request.session.items:
        if item.module is request.module and hasattr(item, "callspec") and param in item.callspec.params:
            value = item.callspec.params[param]
            if value not in values and isinstance(value, (str, tuple)):
                values.append(value)
    return values


def rel(path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(REPO).as_posix()
    except ValueError:
        return str(path)


def start_session(base: Path) -> OfflineSession:
    """The session's offline terraform: skip where terraform or the schema is missing, fail where
    both are there and the stand-in does not work."""
    if not tfoffline.terraform_binary():
        pytest.skip("terraform is not on PATH (the offline AWS provider tests need it)")
    try:
        tfoffline.schema_path("auto")
    except tfoffline.OfflineError as exc:
        pytest.skip(str(exc))
    try:
        tf = tfoffline.OfflineTerraform(base / "home").setup()
        probe = base / "probe"
        probe.mkdir()
        (probe / "main.tf").write_text('terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n'
                                      '  }\n}\n\ndata "aws_partition" "current" {}\n')
        tf.init(probe)
        result = tf.validate(probe)
    except Exception as exc:  # noqa: BLE001 - the reason goes into the failure
        pytest.fail(f"terraform and the shared schema are here, but the offline AWS provider does not work: "
                    f"{str(exc).splitlines()[0]}", pytrace=False)
    if not result.get("valid"):
        pytest.fail(f"the offline AWS provider does not validate an empty configuration: {json.dumps(result)}",
                    pytrace=False)
    return OfflineSession(tf, base)
