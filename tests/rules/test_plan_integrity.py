"""PLN-001: a plan terraform marked errored or incomplete never passes."""
from __future__ import annotations

import pytest

from lint_rules.engine import ACCOUNT

from ..helpers import lint_hcl, lint_plan, verdicts
from ..planbuilder import PlanBuilder


def plan(**top) -> dict:
    doc = PlanBuilder().resource("aws_s3_bucket.b", {"bucket": "b"}, unknown=["arn", "id"]).build()
    doc.update(top)
    return doc


@pytest.mark.parametrize("top, status", [
    ({}, "pass"),
    ({"errored": True}, "unknown"),
    ({"complete": False}, "unknown"),
    ({"errored": False, "complete": True}, "pass"),
])
def test_plan_completeness(top, status):
    assert verdicts(lint_plan(plan(**top), rule="PLN-001")) == {ACCOUNT: status}


def test_message_says_why(capsys):
    (finding,) = lint_plan(plan(errored=True), rule="PLN-001").findings
    assert "errored: true" in finding.message


def test_not_run_on_hcl(tmp_path):
    assert lint_hcl(tmp_path, 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n', rule="PLN-001").findings == []
