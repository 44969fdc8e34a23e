"""``AUDITGATE_REQUIRE_TERRAFORM=1`` turns the skip of a terraform-backed test into a failure (CI sets
it: where terraform is on the machine, those tests must run)."""
from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

TESTS = '''
import pytest

@pytest.mark.terraform
def test_marked():
    pytest.skip("terraform is not on PATH")

@pytest.fixture
def offline_tf():
    pytest.skip("AWS provider schema not found")

def test_uses_the_session(offline_tf):
    pass

def test_unrelated():
    pytest.skip("no chromium")

@pytest.mark.terraform
@pytest.mark.xfail(strict=True, reason="known")
def test_expected_failure():
    assert False
'''

CONFTEST = "from tests.require_terraform import pytest_runtest_makereport  # noqa: F401\n"


@pytest.fixture
def run(pytester, monkeypatch):
    pytester.makeini("[pytest]\nmarkers =\n    terraform: t\n    tftest: t\n")
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_it=TESTS)

    def go(value: str | None):
        if value is None:
            monkeypatch.delenv("AUDITGATE_REQUIRE_TERRAFORM", raising=False)
        else:
            monkeypatch.setenv("AUDITGATE_REQUIRE_TERRAFORM", value)
        return pytester.runpytest_inprocess("-rA", "-p", "no:cacheprovider", "-p", "no:auditgate")
    return go


def test_skips_without_the_variable(run):
    run(None).assert_outcomes(skipped=3, xfailed=1)
    run("0").assert_outcomes(skipped=3, xfailed=1)


def test_terraform_skips_fail_with_the_variable(run):
    result = run("1")
    result.assert_outcomes(failed=1, errors=1, skipped=1, xfailed=1)  # a fixture skip fails its setup
    result.stdout.fnmatch_lines(["*AUDITGATE_REQUIRE_TERRAFORM=1: this terraform-backed test must run here, "
                                 "but it skipped: terraform is not on PATH*"])
    result.stdout.fnmatch_lines(["*must run here, but it skipped: AWS provider schema not found*"])
