"""Application logs: the Django and Laravel applications each have a CloudWatch log group."""
from __future__ import annotations

from typing import Iterator

from ..engine import ACCOUNT, Rule, register
from ..model import Model, Resource
from ._retention import app_log_groups, fmt


def application_log_groups(model: Model, policy) -> Iterator[tuple[str, Resource]]:
    """(application, log group) for every log group whose name matches an application's glob
    in the policy file -- each group once, under the first application it matches.  Groups whose
    name is not known are left to APP-001, which reports them."""
    groups = model.of_type("aws_cloudwatch_log_group")
    seen: set[str] = set()
    for app, glob in policy.application_log_groups.items():
        matched, _ = app_log_groups(groups, glob)
        for group in matched:
            if group.address not in seen:
                seen.add(group.address)
                yield app, group


@register
class ApplicationLogGroups(Rule):
    id = "APP-001"
    title = "Django and Laravel applications have CloudWatch log groups"
    section = "Log Sources"
    clause = "| Application access logs | CloudWatch Logs (Django/Laravel) | 1 year |"
    rationale = ("Authentication, PHI access and PHI modification events from the Django and Laravel "
                 "applications must land in CloudWatch Logs to be kept, searched and access-controlled; "
                 "without a log group per application there is nowhere for them to go.")
    fix = ("Add an aws_cloudwatch_log_group per application named as the policy's application_log_groups "
           "globs (e.g. /app/django, /app/laravel); RET-006 checks their retention.")
    example_fail = '''resource "aws_cloudwatch_log_group" "django" { name = "/app/django" }   # no Laravel log group'''
    example_pass = '''resource "aws_cloudwatch_log_group" "django"  { name = "/app/django"   retention_in_days = 365 }
resource "aws_cloudwatch_log_group" "laravel" { name = "/app/laravel"  retention_in_days = 365 }'''

    def evaluate(self, model, policy):
        groups = model.of_type("aws_cloudwatch_log_group")
        for app, glob in policy.application_log_groups.items():
            matched, unnamed = app_log_groups(groups, glob)
            for g in matched:
                name = g.values.get("name")
                shown = f"name = {fmt(name)}" if isinstance(name, str) else f"name_prefix = {fmt(g.values.get('name_prefix'))}"
                yield self.passed(g, f"{app} application log group ({shown} matches {glob!r})")
            if matched:
                continue
            if unnamed:
                yield self.unknown(ACCOUNT, f"no aws_cloudwatch_log_group named {glob!r} for {app}; the names of "
                                            f"{', '.join(g.address for g in unnamed)} are not known until apply")
            else:
                yield self.failed(ACCOUNT, f"no aws_cloudwatch_log_group whose name matches {glob!r}: {app} "
                                           "application logs have no log group")
