"""The plan itself: a plan terraform could not finish cannot prove anything (PLN-001)."""
from __future__ import annotations

from ..engine import ACCOUNT, Rule, register


@register
class PlanComplete(Rule):
    id = "PLN-001"
    title = "The plan is complete and error-free"
    section = "Purpose"
    clause = ("Maintain audit logs of all activity involving PHI systems to support investigation, "
              "compliance reporting, and anomaly detection.")
    rationale = ("A plan that terraform marked errored, or incomplete because changes were deferred, leaves "
                 "resources out: every other rule would judge a partial picture, so the run cannot pass.")
    fix = "Fix the errors terraform reported (or plan without -allow-deferral) and lint the new plan."
    example_fail = '''{"format_version": "1.2", "errored": true, "resource_changes": [...]}'''
    example_pass = '''{"format_version": "1.2", "errored": false, "complete": true, "resource_changes": [...]}'''
    applies_to = ("plan",)

    def evaluate(self, model, policy):
        if model.incomplete:
            yield self.unknown(ACCOUNT, model.incomplete)
        else:
            yield self.passed(ACCOUNT, "terraform finished planning every resource")
