"""Plan the shipped roots with the real terraform binary and AWS provider (tftest), then lint the plan.

These are the only tests that run `terraform init/plan`.  They skip, naming
what is missing, where no terraform/tofu binary is on PATH or the
hashicorp/aws provider cannot be installed (no registry access, no plugin
cache), or the plan cannot reach AWS (data sources such as
aws_caller_identity need real credentials).
"""
from __future__ import annotations

import shutil

import pytest

from lint_rules.engine import evaluate
from lint_rules.loaders.plan import load_plan_document

from .helpers import POLICY, REPO

pytestmark = pytest.mark.tftest

ROOTS = {"nvs": True, "nhc": True, "examples/noncompliant": False,
         "examples/noncompliant_minimal": False}  # root -> expected compliant


def _binary() -> str:
    for name in ("terraform", "tofu"):
        if shutil.which(name):
            return name
    pytest.skip("neither terraform nor tofu is on PATH")


def _first_error(exc: Exception) -> str:
    """The line of terraform's output that says what went wrong."""
    lines = [ln.strip(" │\\n'") for ln in str(exc).replace("\\n", "\n").splitlines()]
    for marker in ("could not connect", "no such host", "Error:", "error"):
        for line in lines:
            if marker in line:
                return line[:200]
    return lines[0][:200] if lines else type(exc).__name__


@pytest.fixture(scope="module")
def planner():
    tftest = pytest.importorskip("tftest")
    binary = _binary()
    cache = {}

    def plan(root: str) -> dict:
        if root in cache:
            return cache[root]
        test = tftest.TerraformTest(root, basedir=str(REPO / "terraform"), binary=binary,
                                    env={"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "x",
                                         "AWS_EC2_METADATA_DISABLED": "true"})
        try:
            test.setup(backend=False)
        except tftest.TerraformTestError as exc:
            pytest.skip(f"{binary} init could not install the hashicorp/aws provider: {_first_error(exc)}")
        try:
            cache[root] = test.plan(output=True)._raw
        except tftest.TerraformTestError as exc:
            pytest.skip(f"{binary} plan needs AWS access that this machine lacks: {_first_error(exc)}")
        return cache[root]

    return plan


@pytest.mark.parametrize("root, compliant", ROOTS.items())
def test_real_plan_of_root(planner, root, compliant):
    doc = planner(root)
    report = evaluate(load_plan_document(doc, f"terraform/{root}"), POLICY)
    failing = report.failing()
    if compliant:
        assert not failing, "\n".join(f"{f.rule_id} {f.resource}: {f.message}" for f in failing)
    else:
        assert failing
