"""Application logs: login failures and authorization denials are counted by metric filters (APP-003)."""
from __future__ import annotations

from typing import Any

from ..applogs.contract import EVENT_FIELD, EVENT_MEANING, example_event
from ..engine import FAIL, PASS, UNKNOWN_STATUS, Rule, register
from ..model import UNKNOWN, Model, Resource
from ._alarms import METRIC_FILTER, filter_matches
from ._data_protection import attached
from ._retention import fmt
from .app_logs import application_log_groups

# events a counting filter must NOT match: a pattern matching everything is no login-failure metric
_OTHER_EVENTS = ("auth.login.success", "phi.read")


def counts(pattern: Any, event_type: str, app: str) -> Any:
    """Does a metric filter ``pattern`` count ``event_type`` events of the audit-event contract,
    and only those of its kind?  True / False / UNKNOWN."""
    hit = filter_matches(pattern, example_event(event_type, app))
    if hit is not True:
        return hit
    others = [filter_matches(pattern, example_event(t, app)) for t in _OTHER_EVENTS if t != event_type]
    if any(o is True for o in others):
        return False
    return UNKNOWN if any(o is UNKNOWN for o in others) else True


@register
class ApplicationAuditMetricFilters(Rule):
    id = "APP-003"
    title = "Application log groups count login failures and authorization denials with metric filters"
    section = "Application-Level Logging"
    clause = "Failed authorization attempts"
    rationale = ("The policy wants audit logs that support anomaly detection; a burst of failed logins or of "
                 "denied requests is the first sign of credential stuffing or of an insider probing for "
                 "records. A CloudWatch Logs metric filter on each application log group turns those events of "
                 "the audit-event contract (field \"event\": auth.login.failure, authz.denied -- the policy "
                 "file's application_logging.metric_filter_events) into a metric an alarm can watch. Each "
                 "filter's pattern is run against contract events: it must match the event it counts and not "
                 "a successful login or a record read (a match-everything pattern counts nothing useful). "
                 "A filter on another log group does not count for this one.")
    fix = ('Add aws_cloudwatch_log_metric_filter per application log group and event, e.g. '
           'pattern = "{ $.event = \\"auth.login.failure\\" }", log_group_name = aws_cloudwatch_log_group.<app>.name.')
    example_fail = '''resource "aws_cloudwatch_log_group" "django" { name = "/app/django" }   # no metric filter on it'''
    example_pass = '''resource "aws_cloudwatch_log_metric_filter" "django_login_failures" {
  name           = "django-login-failures"
  log_group_name = aws_cloudwatch_log_group.django.name
  pattern        = "{ $.event = \\"auth.login.failure\\" }"
  metric_transformation {
    name      = "LoginFailures"
    namespace = "App/Audit"
    value     = "1"
  }
}   # and one with pattern "{ $.event = \\"authz.denied\\" }"'''

    def evaluate(self, model, policy):
        events = policy.metric_filter_events
        if not events:
            return
        filters = model.of_type(METRIC_FILTER)
        by_group, unresolved = attached(model, METRIC_FILTER)
        for app, group in application_log_groups(model, policy):
            status, text = self._judge(model, app, group, by_group.get(group.address, []), unresolved, filters,
                                       events)
            yield self._finding(status, group, f"{app} application log group: {text}")

    def _judge(self, model: Model, app: str, group: Resource, on_group: list[Resource],
               unresolved: list[Resource], filters: list[Resource], events: list[str]) -> tuple[str, str]:
        found, missing, open_, missing_events = [], [], [], []
        for event in events:
            verdicts = {f.address: counts(f.values.get("pattern"), event, app) for f in on_group}
            yes = [a for a, v in verdicts.items() if v is True]
            if yes:
                found.append(f"{event} → {', '.join(yes)}")
                continue
            maybe = [a for a, v in verdicts.items() if v is UNKNOWN]
            maybe += [f.address for f in unresolved if counts(f.values.get("pattern"), event, app) is not False]
            label = f"{event} ({EVENT_MEANING[event]})"
            if maybe:
                open_.append(f"{label}: {', '.join(maybe)} may count it (pattern or log group not known)")
            else:
                missing.append(label + _elsewhere(filters, on_group, event, app))
                missing_events.append(event)
        if missing:
            return FAIL, (f"no metric filter counts {'; '.join(missing)}: nothing to alarm on "
                          f"(wanted a pattern on field \"{EVENT_FIELD}\", e.g. {{ $.{EVENT_FIELD} = \"{missing_events[0]}\" }})")
        if open_:
            return UNKNOWN_STATUS, "; ".join(open_)
        return PASS, "metric filters count " + "; ".join(found)


def _elsewhere(filters: list[Resource], on_group: list[Resource], event: str, app: str) -> str:
    """A filter counting ``event`` on another log group: say so, it is the likely slip."""
    for f in filters:
        if f not in on_group and counts(f.values.get("pattern"), event, app) is True:
            return f" ({f.address} counts it on log group {fmt(f.values.get('log_group_name'))}, not this one)"
    return ""
