"""``terraform test``: each module's contract in ``modules/NAME/tests/*.tftest.hcl`` (``command = plan``),
run by the real terraform with the offline AWS provider -- the way module authors test today.

A failing assertion prints terraform's own message (the ``error_message`` of the ``assert``)."""
from __future__ import annotations

import shutil

import pytest

from .helpers import REPO
from .offline_tf import selected

pytestmark = pytest.mark.terraform

MODULES = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "modules").iterdir() if any(p.glob("*.tf")))


@pytest.fixture(scope="module")
def tested(request, offline_tf):
    """Run every selected module's tests up front, two at a time."""
    offline_tf.each(offline_tf.test, [REPO / m for m in selected(request, "module")])
    return offline_tf.test


@pytest.mark.parametrize("module", MODULES)
def test_module_contract(tested, module):
    proc = tested(REPO / module)
    assert proc.returncode == 0, f"terraform test in {module} failed:\n{proc.stdout}{proc.stderr}"
    assert "Success!" in proc.stdout and " 0 failed" in proc.stdout, proc.stdout


def test_every_module_has_contract_tests():
    missing = [m for m in MODULES if not list((REPO / m / "tests").glob("*.tftest.hcl"))]
    assert not missing, f"modules without tests/*.tftest.hcl: {missing}"


def test_a_broken_contract_fails(offline_tf, tmp_path):
    """The contract tests can fail: a single-region trail breaks the cloudtrail module's assertion."""
    copy = tmp_path / "modules" / "cloudtrail"
    shutil.copytree(REPO / "modules" / "cloudtrail", copy)
    main = copy / "main.tf"
    text = main.read_text()
    assert "is_multi_region_trail         = true" in text
    main.write_text(text.replace("is_multi_region_trail         = true", "is_multi_region_trail         = false"))
    proc = offline_tf.test(copy)
    assert proc.returncode != 0
    assert "The trail must be multi-region" in proc.stdout + proc.stderr, proc.stdout + proc.stderr
