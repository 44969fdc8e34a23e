"""Application logs: the Django and Laravel applications each have a CloudWatch log group."""
from __future__ import annotations

from typing import Iterator

from ..engine import ACCOUNT, FAIL, UNKNOWN_STATUS, Rule, register
from ..model import Model, Resource
from ._naming import how_to_map, tagged_as
from ._retention import app_log_groups, fmt


def application_log_groups(model: Model, policy) -> Iterator[tuple[str, Resource]]:
    """(application, log group) for every log group that is an application's -- its name matches
    one of the application's globs in the policy file, or it is tagged ``<naming.tag> = <app>`` --,
    each group once, under the first application it matches (APP-001's recognition).  Groups
    whose name is not known are left to APP-001, which reports them."""
    groups = model.of_type("aws_cloudwatch_log_group")
    seen: set[str] = set()
    for app, globs in policy.application_log_group_globs.items():
        matched, _ = app_log_groups(groups, globs, policy, app)
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
                 "without a log group per application there is nowhere for them to go.  Naming is the "
                 "organisation's: a group is the application's when its name matches the policy's "
                 "application_log_groups globs or it is tagged auditgate:role = <app>; a missing group is reported "
                 "here only, with how to map an existing one.")
    fix = ("Add an aws_cloudwatch_log_group per application named as the policy's application_log_groups "
           "globs (e.g. /app/django, /app/laravel) or tagged auditgate:role = <app>; RET-006 checks their retention.")
    example_fail = '''resource "aws_cloudwatch_log_group" "django" { name = "/app/django" }   # no Laravel log group'''
    example_pass = '''resource "aws_cloudwatch_log_group" "django"  { name = "/app/django"   retention_in_days = 365 }
resource "aws_cloudwatch_log_group" "laravel" { name = "/app/laravel"  retention_in_days = 365 }'''

    def evaluate(self, model, policy):
        groups = model.of_type("aws_cloudwatch_log_group")
        for app, globs in policy.application_log_group_globs.items():
            matched, unnamed = app_log_groups(groups, globs, policy, app)
            for g in matched:
                yield self.passed(g, f"{app} application log group ({how_recognised(g, globs, policy, app)})",
                                  evidence=[g])
            if matched:
                continue
            wanted = f"named like {', '.join(map(repr, globs))}"
            if policy.mapping_tag:
                wanted += f" or tagged {policy.mapping_tag} = {app}"
            fix = how_to_map(policy, app, f"{app} application's aws_cloudwatch_log_group",
                             f"application_log_groups.{app}")
            if unnamed:
                yield self.absent(model, UNKNOWN_STATUS, ACCOUNT,
                                  f"no aws_cloudwatch_log_group {wanted} for {app}; the names of "
                                  f"{', '.join(g.address for g in unnamed)} are not known until apply", fix=fix)
            else:
                yield self.absent(model, FAIL, ACCOUNT, f"no aws_cloudwatch_log_group {wanted}: {app} application "
                                                        "logs have no log group", fix=fix)


def how_recognised(group, globs, policy, app) -> str:
    """``name = "/app/django" matches '*django*'`` or ``tagged auditgate:role = django``."""
    if tagged_as(group, policy, app):
        return f"tagged {policy.mapping_tag} = {app}"
    name = group.values.get("name")
    shown = f"name = {fmt(name)}" if isinstance(name, str) else (
        f"name_prefix = {fmt(group.values.get('name_prefix'))}" if isinstance(group.values.get("name_prefix"), str)
        else "name")
    return f"{shown} matches {', '.join(map(repr, globs))}"
