"""Plan the shipped roots with the real terraform through tftest (the offline AWS provider), then lint
the plan.

``offline_tf.tftest(root)`` is a ``tftest.TerraformTest`` on a temporary copy of the root (with the local
modules it calls), set up (``terraform init``) against the offline hashicorp/aws stand-in;
``offline_tf.plan(root)`` is its ``plan(output=True)`` (``terraform plan`` + ``show -json``), shared with
the other tests of the session.  They skip, naming what is missing, where terraform or the shared schema
is absent, and fail where both are there and the provider does not start.
"""
from __future__ import annotations

import pytest

from lint_rules.engine import evaluate
from lint_rules.loaders.plan import load_plan_document

from .helpers import POLICY, REPO
from .offline_tf import selected

pytestmark = [pytest.mark.tftest, pytest.mark.terraform]

ROOTS = {"nvs": True, "nhc": True, "examples/noncompliant": False, "examples/noncompliant_access": False,
         "examples/noncompliant_alerting": False, "examples/noncompliant_minimal": False}  # root -> compliant


@pytest.fixture(scope="module")
def planned(request, offline_tf):
    """Plan every selected root up front, two at a time."""
    offline_tf.plans([REPO / "terraform" / root for root in selected(request, "root")])
    return offline_tf.plan


@pytest.mark.parametrize("root, compliant", ROOTS.items())
def test_real_plan_of_root(planned, root, compliant):
    doc = planned(REPO / "terraform" / root)
    assert (doc["complete"], doc["errored"]) == (True, False)
    report = evaluate(load_plan_document(doc, f"terraform/{root}"), POLICY)
    failing = report.failing()
    if compliant:
        assert not failing, "\n".join(f"{f.rule_id} {f.resource}: {f.message}" for f in failing)
    else:
        assert failing


def test_tftest_sees_the_planned_resources(offline_tf):
    """tftest's own view of the plan: the trail module's resources, with the values the root gives them."""
    import tftest

    test = offline_tf.tftest(REPO / "terraform" / "nvs")
    plan = tftest.TerraformPlanOutput(offline_tf.plan(REPO / "terraform" / "nvs"))
    trail = plan.modules["module.baseline"].child_modules["module.cloudtrail"].resources["aws_cloudtrail.this"]
    assert trail["values"]["is_multi_region_trail"] is True
    assert trail["values"]["enable_log_file_validation"] is True
    assert plan.variables["account_id"] == "111122223333"
    assert test.tfdir != str(REPO / "terraform" / "nvs")  # terraform worked on a copy


def test_every_example_root_is_planned():
    examples = {p.name for p in (REPO / "terraform" / "examples").iterdir() if any(p.glob("*.tf"))}
    assert {f"examples/{name}" for name in examples} <= set(ROOTS)
