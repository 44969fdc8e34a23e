"""``AUDITGATE_REQUIRE_TERRAFORM=1``: the terraform-backed tests must run, not skip.

Tests that need the real terraform (marked ``terraform`` or ``tftest``, or using the ``offline_tf``
fixture) skip, naming what is missing, where terraform, the shared provider schema or the dev extra is
absent -- right on a developer's machine without them.  CI has them all (``.ci/run`` sets the variable),
so there a skip means the tests silently stopped running: this hook turns it into a failure that says
why the test skipped.  Expected failures (strict xfails) are left alone.
"""
from __future__ import annotations

import os

import pytest

ENV = "AUDITGATE_REQUIRE_TERRAFORM"
MARKERS = ("terraform", "tftest")


def required() -> bool:
    return os.environ.get(ENV, "").strip().lower() not in ("", "0", "false", "no")


def needs_terraform(item: pytest.Item) -> bool:
    return (any(item.get_closest_marker(name) for name in MARKERS)
            or "offline_tf" in getattr(item, "fixturenames", ()))


def skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if (report.skipped and not hasattr(report, "wasxfail") and required() and needs_terraform(item)):
        report.outcome = "failed"
        report.longrepr = (f"{ENV}=1: this terraform-backed test must run here, but it skipped: "
                           f"{skip_reason(report)}")
