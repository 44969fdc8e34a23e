"""Alerting: the policy's alert table, each alert proven end to end to an SNS subscriber.

| rule | condition | alert path checked |
|---|---|---|
| ALR-001 | CloudTrail disabled | trail → its CloudWatch log group → metric filter matching StopLogging and DeleteTrail → alarm → SNS topic → subscription |
| ALR-002 | Root account login | trail → its CloudWatch log group → metric filter matching a root console sign-in → alarm → SNS → subscription |
| ALR-003 | Unusual S3 access (screenshot bucket) | request metrics on the bucket → alarm on ANOMALY_DETECTION_BAND of an AWS/S3 request metric → SNS → subscription; or trail recording the bucket's S3 data events → its log group → metric filter matching a GetObject of the bucket → alarm on ANOMALY_DETECTION_BAND of that metric → SNS → subscription |
| ALR-004 | GuardDuty High finding | EventBridge rule matching Security Hub "Findings - Imported" events of GuardDuty HIGH findings → target → SNS → subscription |

Patterns are judged by what they match: metric filter patterns and event patterns are evaluated
against representative events (``_sample_events``), so any spelling that catches the condition passes and
a pattern that misses part of it (only StopLogging, only CRITICAL findings) fails.

The alert column of the policy names the mechanism, and the rules hold to it: an EventBridge rule
instead of a CloudWatch alarm (ALR-001/002), or a rule on native GuardDuty events that bypasses
Security Hub (ALR-004), fails with a message saying so; an accepted deviation is a suppression
with a reason, not a silent pass.

Fail closed, with two deliberate limits.  What a rule needs and cannot read is ``unknown``; but
the publish permissions an alert path also needs (the SNS topic policy for EventBridge, the topic
key's policy for CloudWatch and EventBridge) fail only when provably missing, and when they cannot
be read (a ``jsonencode()`` policy in a plan) the finding passes with a note saying so: the policy
asks for the route, and a compliant plan must not turn unknown over a document terraform does not
show.  And one misconfiguration gets one failing rule: a stopped trail, a trail without management
events or a topic under the AWS-managed key are CT-001 / CT-002 / ENC-003 failures, not ALR ones.

Each rule reports once per configuration (ALR-003: once per screenshot bucket) -- once per account
when the configuration manages several (an alarm on an organization trail's log group covers every
account; an EventBridge rule in the Security Hub administrator account covers every account): on the
alarm / rule that proves the alert, or -- when none does -- on the nearest candidate, or on
``account`` when there is none at all.  Several alternatives are combined "any one will do"; the parts of one
alert path "all must hold".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..engine import ACCOUNT, FAIL, PASS, UNKNOWN_STATUS, Rule, register
from ..model import UNKNOWN, Hole, Model, PartialString, Resource
from . import _accounts, _s3
from ._trail import covered_accounts
from ._alarms import (ALARM, BUCKET_METRIC, CLOUDWATCH, EVENT_RULE, EVENT_TARGET, EVENTBRIDGE, METRIC_FILTER,
                      _RANK, actions_enabled, as_eventbridge, cloudtrail_api_call, console_sign_in,
                      delivery_outcome, event_pattern_matches, filter_matches, guardduty_event, parse_event_pattern,
                      s3_data_event, securityhub_event, tri_and, tri_or, worst)
from ._event_selectors import S3Kind, grant_coverage, grant_summary
from ._retention import (LOG_GROUP, Outcome, as_int, fmt, is_set, parse_log_group_arn, resolve,
                         screenshot_buckets)

SECTION = "Alerting"
TRAIL = "aws_cloudtrail"


def alert_row(policy, alert_id: str) -> dict | None:
    """The policy's Alerting row ``alert_id``; None when the policy does not ask for that alert."""
    for row in policy.alerting:
        if row.get("id") == alert_id:
            return row
    return None


@dataclass
class Chain:
    """One candidate alert path and what it proves."""

    subject: Resource
    stage: int  # how far along the path it got (picks the finding's subject when nothing passes)
    outcome: Outcome  # the path's own verdict, whatever it matches
    matches: dict[str, Any] = field(default_factory=dict)  # label -> True / False / UNKNOWN
    partial: dict[str, str] = field(default_factory=dict)  # label -> why it matches only some of its events
    flt: Resource | None = None  # the metric filter of a CloudWatch alarm path

    def status_for(self, label: str) -> str:
        m = self.matches.get(label, False)
        if m is False:
            return FAIL
        if m is UNKNOWN:
            return worst([self.outcome.status, UNKNOWN_STATUS])
        return self.outcome.status


def _combine_parts(parts: list[Outcome]) -> Outcome:
    status = worst(p.status for p in parts)
    if status == PASS:
        notes = [n for p in parts for n in p.notes]
        return Outcome(PASS, "; ".join(p.text for p in parts if p.text), notes=notes)
    bad = [p for p in parts if p.status == status]
    return Outcome(status, bad[0].text, absent=bad[0].absent)


def _rests_on_absence(chains: list[Chain], subject: Resource | str, status: str) -> bool:
    """Does the verdict on ``subject`` rest on something not being in the configuration: no path at all,
    or the reported path failing for want of a resource (a topic nobody subscribes to)?"""
    if subject == ACCOUNT or not chains:
        return True
    return status != PASS and any(c.subject is subject and c.outcome.absent for c in chains)


def _select_and_report(chains: list[Chain], labels: list[str], pass_prefix: str,
                       fallback: str) -> tuple[str, Resource | str, str]:
    """Combine candidate paths per label: (status, subject, message)."""
    per_label: dict[str, tuple[str, Chain | None]] = {}
    for label in labels:
        relevant = [c for c in chains if c.matches.get(label, False) is not False]
        if not relevant:
            per_label[label] = (FAIL, None)
            continue
        top = max(relevant, key=lambda c: (_RANK[c.status_for(label)], c.stage))
        per_label[label] = (top.status_for(label), top)
    status = worst(s for s, _ in per_label.values())
    if status == PASS:
        used: list[Chain] = []
        for _, c in per_label.values():
            if c not in used:
                used.append(c)
        text = "; ".join(f"{c.outcome.full_text}" for c in used)
        return PASS, used[0].subject, f"{pass_prefix}: {text}"
    label = next(lb for lb in labels if per_label[lb][0] == status)
    chain = per_label[label][1]
    if chain is None:
        partial = [c for c in chains if label in c.partial]
        if partial:
            top = max(partial, key=lambda c: c.stage)
            return status, top.subject, f"{label}: {top.partial[label]}"
        # nothing matches this label: report on the nearest candidate (matching another label), if any
        subject = max(chains, key=lambda c: c.stage).subject if chains else ACCOUNT
        return status, subject, fallback.replace("{label}", label)
    text = chain.outcome.text
    if chain.matches.get(label) is UNKNOWN and chain.outcome.status == PASS:
        text = f"cannot tell whether {chain.subject.address} matches {label}: {chain.outcome.text}"
    return status, chain.subject, f"{label}: {text}"


# =============================================================================
# ALR-001 / ALR-002: CloudTrail log group → metric filter → alarm → SNS
# =============================================================================
class _TrailLink:
    """Which log groups receive the configuration's trails."""

    def __init__(self, model: Model):
        self.model = model
        self.matched: dict[str, Resource] = {}  # metric filter address -> the trail whose log group it reads
        self.trails = model.of_type(TRAIL)
        self.info = []  # (trail, group resources, group name, resolution)
        for t in self.trails:
            res = resolve(model, t, "cloud_watch_logs_group_arn", LOG_GROUP, kind="log group")
            value = t.values.get("cloud_watch_logs_group_arn")
            name = parse_log_group_arn(value) if isinstance(value, str) and value else None
            self.info.append((t, res.targets, name, res))
        # indexes: which trails deliver to a log group (by address, by the name in the ARN, by the
        # group's own name), and the trails whose group is not known
        self._by_group: dict[Any, list[int]] = {}
        self._unknown: list[int] = []
        for i, (t, groups, name, res) in enumerate(self.info):
            keys = [("address", g.address) for g in groups] + [("name", g.values.get("name")) for g in groups
                                                                if isinstance(g.values.get("name"), str)]
            if name:
                keys.append(("name", name))
            for key in dict.fromkeys(keys):
                self._by_group.setdefault(key, []).append(i)
            if not groups and res.problem and not res.unset:
                self._unknown.append(i)
        self._sending = [(t, g, n) for t, g, n, _ in self.info if g or n]
        self._theirs = ", ".join(g[0].address if g else fmt(n) for _, g, n in self._sending)

    def check(self, flt: Resource) -> tuple[Outcome, int]:
        """Does metric filter ``flt`` read the log group of a trail?  (outcome, stage bonus)."""
        model = self.model
        fres = resolve(model, flt, "log_group_name", LOG_GROUP, kind="log group")
        fname = flt.values.get("log_group_name")
        fname = fname if isinstance(fname, str) and fname else None
        fgroup_names = {g.values.get("name") for g in fres.targets if isinstance(g.values.get("name"), str)}
        if fname:
            fgroup_names.add(fname)
        shown = fres.targets[0].address if fres.targets else (fmt(fname) if fname else "(known after apply)")
        if not fres.targets and not fname:
            return Outcome(UNKNOWN_STATUS, f"{flt.address} {fres.problem}; cannot tie it to a trail's log group"), 0
        if not self.trails:
            return Outcome(UNKNOWN_STATUS, f"{flt.address} reads log group {shown}, but there is no aws_cloudtrail "
                                           "in this configuration: cannot confirm the group receives CloudTrail "
                                           "events"), 0
        keys = [("address", g.address) for g in fres.targets] + [("name", n) for n in fgroup_names]
        same = sorted({i for key in keys for i in self._by_group.get(key, ())})
        if same:  # the first trail whose log group this is
            trail = self.info[same[0]][0]
            self.matched[flt.address] = trail
            role = trail.values.get("cloud_watch_logs_role_arn")
            if not is_set(role) and not trail.refs_at("cloud_watch_logs_role_arn"):
                if role is UNKNOWN:
                    return Outcome(UNKNOWN_STATUS, f"{trail.address} cloud_watch_logs_role_arn is not known "
                                                   "until apply"), 1
                return Outcome(FAIL, f"{trail.address} sets cloud_watch_logs_group_arn but not "
                                     "cloud_watch_logs_role_arn: CloudTrail cannot deliver to log group "
                                     f"{shown}, so {flt.address} never sees an event"), 1
            return Outcome(PASS, f"metric filter {flt.address} on {trail.address}'s log group {shown}"), 1
        if self._unknown:
            trail, _, _, res = self.info[self._unknown[-1]]
            return Outcome(UNKNOWN_STATUS, f"{trail.address} {res.problem}: cannot tell whether {flt.address} reads "
                                           "the trail's log group"), 0
        if not self._sending:
            return Outcome(FAIL, f"no trail sends its events to CloudWatch Logs ({self.trails[0].address} "
                                 f"cloud_watch_logs_group_arn is not set): metric filter {flt.address} never sees "
                                 "a CloudTrail event"), 0
        theirs = self._theirs
        if any(g.mode == "managed" for g in fres.targets):
            return Outcome(FAIL, f"{flt.address} reads log group {shown}, which no trail sends to (the trails "
                                 f"deliver to {theirs}): it never sees a CloudTrail event"), 0
        return Outcome(UNKNOWN_STATUS, f"{flt.address} reads log group {shown}, which is not a log group of this "
                                       f"configuration's trails ({theirs}); cannot confirm it receives CloudTrail "
                                       "events"), 0


def _transformation(flt: Resource) -> dict:
    blocks = flt.blocks("metric_transformation")
    return blocks[0] if blocks else {}


def _alarm_metrics(alarm: Resource) -> list[tuple[Any, Any, Any, str]]:
    """(namespace, metric_name, dimensions, attribute path prefix) of every metric the alarm reads."""
    out = []
    if alarm.values.get("metric_name") is not None or alarm.values.get("namespace") is not None:
        out.append((alarm.values.get("namespace"), alarm.values.get("metric_name"),
                    alarm.values.get("dimensions"), ""))
    for i, q in enumerate(alarm.blocks("metric_query")):
        for j, m in enumerate(q.get("metric") or []):
            if isinstance(m, dict):
                out.append((m.get("namespace"), m.get("metric_name"), m.get("dimensions"),
                            f"metric_query.{i}.metric.{j}."))
    return out


def _metric_name_by_ref(alarm: Resource, path: str, flt: Resource, name: Any) -> Any:
    """Is an alarm's ``metric_name`` known only after apply, that refers to the filter, the filter's
    metric?  True / False / UNKNOWN.

    Terraform knows a filter's arguments while planning (its ``metric_transformation`` name among
    them); what it does not know is the filter's ``id`` -- the filter's *name* (``metric_name =
    aws_cloudwatch_log_metric_filter.X.id``, the CIS examples' idiom), which is the filter's metric
    only when the two names are the same.  Known to be exactly the id (HCL: the partial form is that one
    reference): the names decide.  Otherwise (a plan, or the id inside a longer expression): names that
    are the same are taken to be it, names that differ or are not known leave it unknown."""
    fname = flt.values.get("name")
    form = alarm.partial.get(path)
    exact = (isinstance(form, PartialString) and len(form.parts) == 1 and isinstance(form.parts[0], Hole)
             and bool(form.parts[0].refs)
             and all(r in (f"{flt.address}.id", f"{flt.config_address}.id") for r in form.parts[0].refs))
    if not isinstance(name, str) or not isinstance(fname, str):
        return UNKNOWN
    if exact:
        return fname == name
    return True if fname == name else UNKNOWN


def _alarms_on(model: Model, flt: Resource) -> tuple[list[Resource], list[Resource], list[Resource]]:
    """(alarms on the filter's metric, alarms whose metric is not known and could be it, alarms whose
    metric_name is the filter's id -- its name -- where that is not its metric's name)."""
    t = _transformation(flt)
    ns, name = t.get("namespace"), t.get("name")
    found, maybe, misnamed = [], [], []
    # only alarms of the filter's own account see its metric (metrics are per account); of those, the
    # ones naming this namespace and metric literally, and the ones with a metric not known until apply
    index = model.memo(("alerting.alarms_by_metric",), lambda: _alarm_index(model))
    account = model.account_of(flt)
    candidates = index.get((account, "unknown"), [])
    if isinstance(ns, str) and isinstance(name, str):
        literal = index.get((account, ns, name), [])
        candidates = sorted(set(candidates) | set(literal), key=index["order"].__getitem__) if candidates else literal
    for alarm in candidates:
        for ans, aname, _, prefix in _alarm_metrics(alarm):
            refs = alarm.refs_at(f"{prefix}metric_name") + alarm.refs_at(f"{prefix}namespace")
            by_ref = flt.config_address in refs or flt.address in refs  # key-less or this very instance
            name_refs = alarm.refs_at(f"{prefix}metric_name")
            name_by_ref = flt.config_address in name_refs or flt.address in name_refs
            ns_ok = ans == ns if isinstance(ans, str) else (by_ref if ans is UNKNOWN else False)
            if isinstance(aname, str):
                name_ok: Any = aname == name
            elif aname is UNKNOWN and name_by_ref:
                name_ok = _metric_name_by_ref(alarm, f"{prefix}metric_name", flt, name)
            else:
                name_ok = False
            if ns_ok and name_ok is True:
                found.append(alarm)
                break
            if ns_ok and name_ok is UNKNOWN and alarm not in maybe:
                maybe.append(alarm)
            if ns_ok and name_ok is False and name_by_ref and alarm not in misnamed:
                misnamed.append(alarm)
            if (ans is UNKNOWN or aname is UNKNOWN) and not refs:
                if (ans is UNKNOWN or ans == ns) and (aname is UNKNOWN or aname == name) and alarm not in maybe:
                    maybe.append(alarm)
    maybe = [a for a in maybe if a not in found]
    return found, maybe, [a for a in misnamed if a not in found and a not in maybe]


def _alarm_index(model: Model) -> dict:
    """{(account, namespace, metric name): alarms reading that metric}, {(account, "unknown"): alarms
    with a namespace or metric name not known until apply}, and {"order": alarm -> model position}."""
    index: dict = {"order": {}}
    for i, alarm in enumerate(model.of_type(ALARM)):
        index["order"][alarm] = i
        account = model.account_of(alarm)
        keys: dict = {}
        for ans, aname, _, _ in _alarm_metrics(alarm):
            if isinstance(ans, str) and isinstance(aname, str):
                keys[(account, ans, aname)] = None
            if ans is UNKNOWN or aname is UNKNOWN:
                keys[(account, "unknown")] = None
        for key in keys:
            index.setdefault(key, []).append(alarm)
    return index


def _metric_value(flt: Resource) -> tuple[Any, Outcome]:
    value = _transformation(flt).get("value")
    if value is UNKNOWN:
        return UNKNOWN, Outcome(UNKNOWN_STATUS, f"{flt.address} metric_transformation.value is not known until apply")
    try:
        number = float(value)
    except (TypeError, ValueError):
        return UNKNOWN, Outcome(UNKNOWN_STATUS, f"{flt.address} metric_transformation.value = {fmt(value)} is taken "
                                                "from the event; cannot confirm one event counts")
    if number <= 0:
        return number, Outcome(FAIL, f"{flt.address} metric_transformation.value = {fmt(value)}: a matching event "
                                     "adds nothing to the metric, so the alarm never fires")
    return number, Outcome(PASS, "")


_GREATER = {"GreaterThanOrEqualToThreshold": lambda v, t: v >= t, "GreaterThanThreshold": lambda v, t: v > t}


def _fires_on_one_event(alarm: Resource, flt: Resource, value: Any, what: str) -> Outcome:
    """Does a single matching event (one datapoint of ``value``) put the alarm in ALARM?"""
    if alarm.blocks("metric_query"):
        queries = alarm.blocks("metric_query")
        metrics = [q for q in queries if q.get("metric")]
        if len(queries) != 1 or len(metrics) != 1:
            return Outcome(UNKNOWN_STATUS, f"{alarm.address} uses metric math; cannot confirm that one {what} "
                                           "raises it")
        stat = (metrics[0]["metric"][0] or {}).get("stat") if isinstance(metrics[0]["metric"][0], dict) else None
    else:
        stat = alarm.values.get("statistic") or alarm.values.get("extended_statistic")
    if stat is UNKNOWN:
        return Outcome(UNKNOWN_STATUS, f"{alarm.address} statistic is not known until apply")
    op = alarm.values.get("comparison_operator")
    threshold = alarm.values.get("threshold")
    if op is UNKNOWN or threshold is UNKNOWN:
        return Outcome(UNKNOWN_STATUS, f"{alarm.address} comparison_operator / threshold is not known until apply")
    if op not in _GREATER:
        return Outcome(FAIL, f"{alarm.address} comparison_operator = {fmt(op)}: the alarm does not fire when a "
                             f"{what} is counted (use GreaterThanOrEqualToThreshold with threshold = 1)")
    if value is UNKNOWN:
        return Outcome(UNKNOWN_STATUS, f"{flt.address} metric value is not a constant; cannot confirm that one "
                                       f"{what} reaches threshold {fmt(threshold)}")
    datapoint = 1.0 if stat == "SampleCount" else value
    t = threshold if isinstance(threshold, (int, float)) and not isinstance(threshold, bool) else None
    if t is None:
        return Outcome(UNKNOWN_STATUS, f"{alarm.address} threshold = {fmt(threshold)} is not a number")
    if not _GREATER[op](datapoint, t):
        return Outcome(FAIL, f"{alarm.address} {op} {fmt(threshold)}: one {what} gives a datapoint of "
                             f"{datapoint:g}, which does not breach the threshold")
    periods = alarm.values.get("evaluation_periods")
    needed = alarm.values.get("datapoints_to_alarm")
    needed = needed if needed is not None else periods
    if needed is UNKNOWN:
        return Outcome(UNKNOWN_STATUS, f"{alarm.address} evaluation_periods / datapoints_to_alarm is not known "
                                       "until apply")
    n = as_int(needed)
    if n is not None and n > 1:
        return Outcome(FAIL, f"{alarm.address} needs {n} breaching periods (datapoints_to_alarm/evaluation_periods "
                             f"= {n}): a single {what} does not raise the alarm")
    return Outcome(PASS, "")


def _dimensions_outcome(alarm: Resource, flt: Resource) -> Outcome:
    fdims = _transformation(flt).get("dimensions")
    adims = alarm.values.get("dimensions")
    if fdims is UNKNOWN or adims is UNKNOWN:
        return Outcome(PASS, "")
    has_f, has_a = bool(fdims), bool(adims)
    if has_a and not has_f:
        return Outcome(FAIL, f"{alarm.address} dimensions = {fmt(sorted(adims))} but {flt.address} publishes its "
                             "metric without dimensions: the alarm watches a metric that never gets data")
    if has_f and not has_a and not alarm.blocks("metric_query"):
        return Outcome(FAIL, f"{alarm.address} sets no dimensions but {flt.address} publishes its metric with "
                             f"dimensions {fmt(sorted(fdims))}: the alarm watches a metric that never gets data")
    return Outcome(PASS, "")


class _LogAlarmRule(Rule):
    section = SECTION
    alert_id = ""
    what = ""  # one event of the condition, for messages ("StopLogging call")
    groups: tuple = ()  # (label, [events]) the filter must match
    controls: tuple = ()  # (label, event) the filter must not match

    def evaluate(self, model, policy):
        row = alert_row(policy, self.alert_id)
        if row is None:
            return
        link = _TrailLink(model)
        labels = [label for label, _ in self.groups]
        chains: list[Chain] = []
        for flt in model.of_type(METRIC_FILTER):
            pattern = flt.values.get("pattern")
            matches, partial, relevant = {}, {}, False
            for label, events in self.groups:
                hits = [(sub, filter_matches(pattern, e)) for sub, e in events]
                matches[label] = tri_and(h for _, h in hits)
                relevant = relevant or any(h is not False for _, h in hits)
                if matches[label] is False and any(h is True for _, h in hits):
                    partial[label] = (f"{flt.address} pattern matches a {label} {' or '.join(s for s, h in hits if h is True)} "
                                      f"but not {' or '.join(s for s, h in hits if h is False)}")
            if not relevant:
                continue
            for chain in self._chains(model, flt, matches, link):
                chain.partial = partial
                chains.append(chain)
        condition = row["condition"]
        pass_prefix = f"{' and '.join(labels)} {'raise' if len(labels) > 1 else 'raises'} a CloudWatch alarm → SNS"
        fallback = self._nothing_matches(model, link, condition)
        if not _accounts.several(model):
            status, subject, message = _select_and_report(chains, labels, pass_prefix, fallback)
            yield self._alert_finding(model, status, subject, message, chains)
            return
        # several accounts: each needs the alert; a path reads a trail's log group and covers the
        # accounts that trail logs (an organization trail: every account)
        by_account: dict[str, list[Chain]] = {}
        for chain in chains:
            trail = link.matched.get(chain.flt.address) if chain.flt is not None else None
            for account in dict.fromkeys(covered_accounts(model, trail) if trail is not None
                                         else [model.account_of(chain.subject)]):
                by_account.setdefault(account, []).append(chain)
        for account in model.accounts():
            mine = by_account.get(account, [])
            status, subject, message = _select_and_report(mine, labels, pass_prefix, fallback)
            yield self._alert_finding(model, status, subject, _accounts.prefix(model, account) + message, mine,
                                      account=account)

    def _alert_finding(self, model, status, subject, message, chains, account=None):
        """The rule's finding; "nothing matches" rests on the absence of a filter or alarm."""
        evidence = [c.subject for c in chains if c.subject is subject] + [
            c.flt for c in chains if c.subject is subject and c.flt is not None]
        absent_in = model if _rests_on_absence(chains, subject, status) else None
        return self._finding(status, subject, message, evidence=evidence, absent_in=absent_in, account=account)

    def _nothing_matches(self, model, link, condition) -> str:
        base = (f"no CloudWatch Logs metric filter on a trail's log group matches a {{label}}, so \"{condition}\" "
                "raises no CloudWatch alarm → SNS")
        if not link.trails:
            base += " (no aws_cloudtrail in this configuration)"
        elif not any(g or n for _, g, n, _ in link.info) and all(r.unset for *_, r in link.info):
            base += f" ({link.trails[0].address} cloud_watch_logs_group_arn is not set: no trail sends to CloudWatch Logs)"
        for rule in model.of_type(EVENT_RULE):
            pattern, _ = parse_event_pattern(rule.values.get("event_pattern"))
            if isinstance(pattern, dict):
                hits = [label for label, events in self.groups
                        if tri_and(event_pattern_matches(pattern, as_eventbridge(e)) for _, e in events) is True]
                if hits:
                    base += (f"; EventBridge rule {rule.address} matches {', '.join(hits)}, but an EventBridge rule "
                             "is not the CloudWatch alarm the policy asks for")
                    break
        return base

    def _chains(self, model, flt, matches, link) -> list[Chain]:
        group, stage = link.check(flt)
        value, value_outcome = _metric_value(flt)
        parts = [group, value_outcome]
        broad = [label for label, event in self.controls if filter_matches(flt.values.get("pattern"), event) is True]
        if broad:
            parts.append(Outcome(FAIL, f"{flt.address} pattern also matches a {broad[0]}: the alarm cannot tell "
                                       f"a {self.what} from ordinary activity"))
        alarms, maybe, misnamed = _alarms_on(model, flt)
        t = _transformation(flt)
        metric = f"{t.get('namespace')}/{t.get('name')}" if t else "(no metric_transformation)"
        if not alarms:
            if maybe:
                parts.append(Outcome(UNKNOWN_STATUS, f"no alarm is known to watch metric {metric} of {flt.address}; "
                                                     f"the metric of {maybe[0].address} is not known until apply"))
            else:
                why = (f" ({misnamed[0].address} metric_name is {flt.address}.id, the filter's name "
                       f"{fmt(flt.values.get('name'))}, not its metric's name {fmt(t.get('name'))})" if misnamed else "")
                parts.append(Outcome(FAIL, f"{flt.address} counts matching events in metric {metric}, but no "
                                           f"aws_cloudwatch_metric_alarm watches that metric: nothing is alerted{why}"))
            return [Chain(flt, stage, _combine_parts(parts), matches, flt=flt)]
        chains = []
        for alarm in alarms:
            delivery = delivery_outcome(model, alarm, "alarm_actions", CLOUDWATCH, f"alarm {alarm.address}")
            alarm_parts = parts + [_dimensions_outcome(alarm, flt), _fires_on_one_event(alarm, flt, value, self.what),
                                   actions_enabled(alarm), delivery]
            chains.append(Chain(alarm, stage + 1, _combine_parts(alarm_parts), matches, flt=flt))
        return chains


@register
class CloudTrailDisabledAlarm(_LogAlarmRule):
    id = "ALR-001"
    title = "CloudTrail being stopped or deleted raises a CloudWatch alarm to SNS"
    clause = "| CloudTrail disabled | CloudWatch alarm → SNS |"
    alert_id = "cloudtrail_disabled"
    what = "StopLogging/DeleteTrail call"
    groups = tuple(
        (f"{name} call", tuple((f"by {who}", cloudtrail_api_call(name, ident))
                               for ident, who in (("IAMUser", "an IAM user"), ("AssumedRole", "an assumed role"))))
        for name in ("StopLogging", "DeleteTrail"))
    controls = (
        ("read-only ec2:DescribeInstances call", cloudtrail_api_call("DescribeInstances", "IAMUser",
                                                                     source="ec2.amazonaws.com", read_only=True,
                                                                     request={})),
    )
    rationale = ("Stopping or deleting the trail ends the audit record; the policy requires a CloudWatch alarm that "
                 "notifies through SNS the moment it happens.  The alarm is proven end to end: the trail delivers to a "
                 "CloudWatch log group (cloud_watch_logs_group_arn and role), a metric filter on that group matches "
                 "both StopLogging and DeleteTrail calls (judged by evaluating the pattern against such events, so "
                 "CIS's wider CreateTrail/UpdateTrail/StartLogging pattern passes), one such call breaches an "
                 "aws_cloudwatch_metric_alarm on the filter's metric (its namespace and metric_transformation name; an "
                 "alarm whose metric_name is the filter's id watches the metric named like the filter, which is the "
                 "filter's metric only when the two names are the same), and the alarm's alarm_actions reach an SNS topic "
                 "with a subscription (and, where readable, a KMS key policy that lets CloudWatch use the topic's "
                 "key).  An EventBridge rule on the same calls is not the CloudWatch alarm the policy names: it fails "
                 "with a message saying so, to be suppressed with a reason if accepted.  A stopped trail, one not "
                 "recording management events, or a topic under the AWS-managed key are CT-001, CT-002 and ENC-003 "
                 "failures and are not failed twice here.")
    fix = ("Add an aws_cloudwatch_log_metric_filter on the trail's log group with pattern "
           "'{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) }' and an aws_cloudwatch_metric_alarm on its "
           "metric (Sum >= 1, 1 period) with alarm_actions = [an SNS topic with a subscription].")
    example_fail = '''resource "aws_cloudwatch_log_metric_filter" "ct" {
  name           = "cloudtrail-stopped"
  log_group_name = aws_cloudwatch_log_group.trail.name
  pattern        = "{ $.eventName = StopLogging }"   # DeleteTrail is not caught
  metric_transformation { name = "CloudTrailStopped"  namespace = "Security"  value = "1" }
}
resource "aws_cloudwatch_metric_alarm" "ct" {
  alarm_name = "cloudtrail-stopped"  namespace = "Security"  metric_name = "CloudTrailStopped"
  statistic = "Sum"  period = 300  evaluation_periods = 1  threshold = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"   # no alarm_actions
}'''
    example_pass = '''resource "aws_cloudwatch_log_metric_filter" "ct" {
  name           = "cloudtrail-disabled"
  log_group_name = aws_cloudwatch_log_group.trail.name   # the trail's cloud_watch_logs_group_arn
  pattern        = "{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) || ($.eventName = UpdateTrail) }"
  metric_transformation { name = "CloudTrailDisabled"  namespace = "Security"  value = "1" }
}
resource "aws_cloudwatch_metric_alarm" "ct" {
  alarm_name = "cloudtrail-disabled"  namespace = "Security"  metric_name = "CloudTrailDisabled"
  statistic = "Sum"  period = 300  evaluation_periods = 1  threshold = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = [aws_sns_topic.alerts.arn]   # with an aws_sns_topic_subscription
}'''


@register
class RootLoginAlarm(_LogAlarmRule):
    id = "ALR-002"
    title = "A root account login raises a CloudWatch alarm to SNS"
    clause = "| Root account login | CloudWatch alarm → SNS |"
    alert_id = "root_login"
    what = "root login"
    groups = (
        ("root console login", (("with MFA", console_sign_in("Root", mfa="Yes")),
                                ("without MFA", console_sign_in("Root", mfa="No")))),
    )
    controls = (
        ("console login of an IAM user", console_sign_in("IAMUser")),
    )
    rationale = ("The root user bypasses every IAM control; the policy requires each root login to raise a "
                 "CloudWatch alarm notified through SNS.  Proven end to end like ALR-001: a metric filter on the "
                 "trail's CloudWatch log group whose pattern matches a root console sign-in (with or without MFA) "
                 "and not an IAM user's sign-in -- the CIS pattern '{ $.userIdentity.type = \"Root\" && "
                 "$.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }' or any equivalent -- "
                 "an alarm one such login breaches, and alarm_actions reaching an SNS topic with a subscription.")
    fix = ("Add an aws_cloudwatch_log_metric_filter on the trail's log group with pattern "
           "'{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "
           "\"AwsServiceEvent\" }' and an alarm on its metric (Sum >= 1) with alarm_actions = [an SNS topic].")
    example_fail = '''resource "aws_cloudwatch_log_metric_filter" "root" {
  name           = "console-logins"
  log_group_name = aws_cloudwatch_log_group.trail.name
  pattern        = "{ $.eventName = ConsoleLogin }"   # every login, not root's
  metric_transformation { name = "ConsoleLogins"  namespace = "Security"  value = "1" }
}'''
    example_pass = '''resource "aws_cloudwatch_log_metric_filter" "root" {
  name           = "root-account-usage"
  log_group_name = aws_cloudwatch_log_group.trail.name
  pattern        = "{ $.userIdentity.type = \\"Root\\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \\"AwsServiceEvent\\" }"
  metric_transformation { name = "RootAccountUsage"  namespace = "Security"  value = "1" }
}
resource "aws_cloudwatch_metric_alarm" "root" {
  alarm_name = "root-account-usage"  namespace = "Security"  metric_name = "RootAccountUsage"
  statistic = "Sum"  period = 60  evaluation_periods = 1  threshold = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = [aws_sns_topic.alerts.arn]
}'''


# =============================================================================
# ALR-003: anomaly alarm on the screenshot bucket's request metrics
# =============================================================================
ANOMALY_UPPER = ("GreaterThanUpperThreshold", "LessThanLowerOrGreaterThanUpperThreshold")
ANOMALY_LOWER_ONLY = "LessThanLowerThreshold"
#: S3 request metrics (need an aws_s3_bucket_metric): request counts and traffic volume
S3_ACCESS_METRICS = ("AllRequests", "GetRequests", "PutRequests", "DeleteRequests", "HeadRequests", "PostRequests",
                     "ListRequests", "SelectRequests", "BytesDownloaded", "BytesUploaded", "4xxErrors", "5xxErrors")
S3_OTHER_METRICS = ("BucketSizeBytes", "NumberOfObjects", "FirstByteLatency", "TotalRequestLatency",
                    "SelectBytesScanned", "SelectBytesReturned")
_BAND = re.compile(r"^\s*ANOMALY_DETECTION_BAND\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:,[^)]*)?\)\s*$", re.I)
_IDENT = re.compile(r"\b([a-z][A-Za-z0-9_]*)\b")


def _bucket_of_metric(model: Model, alarm: Resource, bucket: Resource, dims: Any, prefix: str) -> Any:
    """Does a metric's BucketName dimension name ``bucket``?  True / False / UNKNOWN."""
    name = _s3.bucket_name(bucket)
    path = f"{prefix}dimensions"
    value = dims.get("BucketName") if isinstance(dims, dict) else (UNKNOWN if dims is UNKNOWN else None)
    if isinstance(value, str) and value:
        if name is UNKNOWN:
            refs = alarm.refs_under(path)
            return True if bucket.config_address in refs or bucket.address in refs else UNKNOWN
        return value == name
    if value is UNKNOWN:
        refs = alarm.refs_under(path)
        buckets = [a for a in refs if any(r.type == "aws_s3_bucket" for r in model.instances(a))]
        if buckets:
            return bucket.config_address in buckets or bucket.address in buckets
        return UNKNOWN if not refs else False
    return False


def _request_metric_config(model: Model, bucket: Resource, alarm: Resource, dims: Any, prefix: str) -> Outcome:
    """Are S3 request metrics enabled for the bucket under the FilterId the alarm reads?"""
    filter_id = dims.get("FilterId") if isinstance(dims, dict) else UNKNOWN
    configs = _s3.sub_resources(model, bucket, BUCKET_METRIC)
    untied = _s3.untied_sub_resources(model, BUCKET_METRIC)
    if filter_id is None:
        return Outcome(FAIL, f"{alarm.address} metric has no FilterId dimension: S3 request metrics are published "
                             "per metrics configuration (FilterId), so the alarm watches a metric that never gets data")
    if isinstance(filter_id, str):
        mine = [c for c in configs if c.values.get("name") == filter_id]
    else:
        refs = alarm.refs_under(f"{prefix}dimensions")
        mine = [c for c in configs if c.config_address in refs or c.address in refs]
    if not mine:
        if untied or (filter_id is UNKNOWN and configs and not alarm.refs_under(f"{prefix}dimensions")):
            return Outcome(UNKNOWN_STATUS, f"{alarm.address} FilterId {fmt(filter_id)}: cannot tie it to an "
                                           f"aws_s3_bucket_metric of {bucket.address} (not known until apply)")
        names = ", ".join(fmt(c.values.get("name")) for c in configs) or "none"
        return Outcome(FAIL, f"{alarm.address} reads FilterId = {fmt(filter_id)}, but {bucket.address} has no "
                             f"aws_s3_bucket_metric of that name (request metrics configured: {names}): the alarm "
                             "never gets data")
    cfg = mine[0]
    flt = cfg.values.get("filter")
    if flt is UNKNOWN:
        return Outcome(UNKNOWN_STATUS, f"{cfg.address} filter is not known until apply")
    for block in cfg.blocks("filter"):
        narrowing = {k: v for k, v in block.items() if v not in (None, "", {}, [])}
        if narrowing:
            return Outcome(FAIL, f"{cfg.address} limits request metrics to {fmt(sorted(narrowing))} "
                                 f"({', '.join(f'{k} = {fmt(v)}' for k, v in narrowing.items())}): access to the rest "
                                 "of the bucket is not watched")
    return Outcome(PASS, f"request metrics {cfg.address} ({fmt(cfg.values.get('name'))})")


def _queries(alarm: Resource) -> dict[str, dict]:
    return {q.get("id"): q for q in alarm.blocks("metric_query") if isinstance(q.get("id"), str)}


def _depends_on(queries: dict[str, dict], start: str) -> list[str]:
    """Query ids ``start`` reads, itself included (following metric math expressions)."""
    seen, todo = [], [start]
    while todo:
        qid = todo.pop()
        if qid in seen or qid not in queries:
            continue
        seen.append(qid)
        expr = queries[qid].get("expression")
        if isinstance(expr, str):
            todo += [i for i in _IDENT.findall(expr) if i in queries]
    return seen


def _filters_of_metric(model: Model, account: str, namespace: str, name: str) -> list[Resource]:
    """The metric filters of ``account`` whose metric_transformation publishes ``namespace`` / ``name``."""
    def build() -> dict:
        index: dict = {}
        for flt in model.of_type(METRIC_FILTER):
            t = _transformation(flt)
            ns, metric = t.get("namespace"), t.get("name")
            if isinstance(ns, str) and isinstance(metric, str):
                index.setdefault((model.account_of(flt), ns, metric), []).append(flt)
        return index
    return model.memo(("alerting.filters_by_metric",), build).get((account, namespace, name), [])


def _with_bucket_name(pattern: Any, bucket: Resource, name: str) -> Any:
    """A pattern known but for the bucket's name (``${aws_s3_bucket.x.id}``: an S3 bucket's id and
    ``bucket`` are its name) as text; a pattern with any other piece not known is UNKNOWN."""
    if not isinstance(pattern, PartialString):
        return pattern
    own = {f"{a}.{attr}" for a in (bucket.address, bucket.config_address) for attr in ("id", "bucket")}
    out = []
    for part in pattern.parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Hole) and part.refs and all(r in own for r in part.refs):
            out.append(name)
        else:
            return UNKNOWN
    return "".join(out)


def _about_bucket(model: Model, flt: Resource, bucket: Resource) -> Any:
    """Does metric filter ``flt`` count some S3 data event of ``bucket`` (a read or a write)?  A filter
    that counts none (a CloudTrail-changes filter, another bucket's) is not about it: True / False /
    UNKNOWN."""
    name = _s3.bucket_name(bucket)
    if not isinstance(name, str):
        return UNKNOWN
    pattern = _with_bucket_name(model.partial_value(flt, "pattern"), bucket, name)
    return tri_or(filter_matches(pattern, s3_data_event(name, event)) for event in ("GetObject", "PutObject"))


def _counts_bucket_access(model: Model, flt: Resource, bucket: Resource) -> Outcome:
    """Does metric filter ``flt`` count reads of ``bucket``: it reads the log group a trail delivers
    to, its pattern matches a GetObject data event of the bucket, and that trail records the bucket's
    S3 read data events?"""
    link = model.memo(("alerting.alr3_trail_link",), lambda: _TrailLink(model))
    on_trail, _ = link.check(flt)
    if on_trail.status != PASS:
        return on_trail
    trail = link.matched[flt.address]
    name = _s3.bucket_name(bucket)
    if not isinstance(name, str):
        return Outcome(UNKNOWN_STATUS, f"{bucket.address} name is not known until apply: cannot tell whether metric "
                                       f"filter {flt.address} counts its requests")
    pattern = _with_bucket_name(model.partial_value(flt, "pattern"), bucket, name)
    hit = filter_matches(pattern, s3_data_event(name))
    if hit is UNKNOWN:
        why = "is not known until apply" if pattern is UNKNOWN else f"{fmt(pattern)} cannot be evaluated"
        return Outcome(UNKNOWN_STATUS, f"{flt.address} pattern {why}: cannot tell whether it counts reads of {name}")
    if hit is not True:
        return Outcome(FAIL, f"{flt.address} pattern {fmt(pattern)} does not match a GetObject data event on {name}: "
                             "its metric does not count access to the screenshot bucket")
    _, value_outcome = _metric_value(flt)
    if value_outcome.status != PASS:
        return value_outcome
    kind = S3Kind(model)
    coverage, grants = grant_coverage(kind, trail, [bucket])
    read = coverage[bucket][0]
    if read is UNKNOWN:
        return Outcome(UNKNOWN_STATUS, f"cannot tell whether {trail.address} records S3 read data events of {name} "
                                       f"({grant_summary(grants, kind)}), which metric filter {flt.address} counts")
    if read is not True:
        return Outcome(FAIL, f"{trail.address} records no S3 read data events of {name} ({grant_summary(grants, kind)}): "
                             f"metric filter {flt.address} never counts an access")
    return Outcome(PASS, f"metric filter {flt.address} counts GetObject data events of {name} that {trail.address} "
                         "delivers to its log group")


def _anomaly_outcome(model: Model, alarm: Resource, bucket: Resource) -> tuple[Outcome, int] | None:
    """The alarm judged as the anomaly alarm on ``bucket``; None when it does not watch the bucket."""
    metrics = _alarm_metrics(alarm)
    if alarm.values.get("metric_query") is UNKNOWN:
        return Outcome(UNKNOWN_STATUS, f"{alarm.address} metric_query is not known until apply"), 0
    s3 = []
    for ns, name, dims, prefix in metrics:
        if ns == "AWS/S3" or (ns is UNKNOWN and name in S3_ACCESS_METRICS + S3_OTHER_METRICS):
            on_bucket = _bucket_of_metric(model, alarm, bucket, dims, prefix)
            if on_bucket is not False:
                s3.append((name, dims, prefix, on_bucket))
    # a metric a metric filter counts (CloudTrail's S3 data events of the bucket in the trail's log group)
    account = model.account_of(alarm)
    counted = [(ns, name, prefix, flts) for ns, name, _, prefix in metrics
               if isinstance(ns, str) and ns != "AWS/S3" and isinstance(name, str)
               for flts in ([f for f in _filters_of_metric(model, account, ns, name)
                             if _about_bucket(model, f, bucket) is not False],) if flts]
    if not s3 and not counted:
        return None
    known = [m for m in s3 if m[3] is True]
    if not known and not counted:
        return Outcome(UNKNOWN_STATUS, f"{alarm.address} watches an AWS/S3 metric whose BucketName is not known "
                                       f"until apply; cannot tell whether it is {bucket.address}"), 0
    parts: list[Outcome] = []
    op = alarm.values.get("comparison_operator")
    band_id = alarm.values.get("threshold_metric_id")
    queries = _queries(alarm)
    if any(prefix == "" for _, _, prefix, _ in known) or any(c[2] == "" for c in counted) or not is_set(band_id):
        if band_id is UNKNOWN:
            return Outcome(UNKNOWN_STATUS, f"{alarm.address} threshold_metric_id is not known until apply"), 1
        threshold = alarm.values.get("threshold")
        return Outcome(FAIL, f"{alarm.address} is a static-threshold alarm ({fmt(op)} {fmt(threshold)}), not an "
                             "anomaly detection alarm (threshold_metric_id → ANOMALY_DETECTION_BAND)"), 1
    band = queries.get(band_id)
    expr = band.get("expression") if band else None
    if expr is UNKNOWN:
        return Outcome(UNKNOWN_STATUS, f"{alarm.address} metric_query {fmt(band_id)} expression is not known until "
                                       "apply"), 1
    m = _BAND.match(expr) if isinstance(expr, str) else None
    if not m:
        return Outcome(FAIL, f"{alarm.address} threshold_metric_id = {fmt(band_id)} is "
                             f"{'the expression ' + fmt(expr) if isinstance(expr, str) else 'no metric_query expression'}"
                             ", not ANOMALY_DETECTION_BAND(...): not an anomaly detection alarm"), 1
    feeding = _depends_on(queries, m.group(1))
    blocks = alarm.blocks("metric_query")
    watched = [w for w in known if blocks[int(w[2].split(".")[1])].get("id") in feeding]
    watched_counted = [c for c in counted if blocks[int(c[2].split(".")[1])].get("id") in feeding]
    if not watched and not watched_counted:
        return Outcome(FAIL, f"{alarm.address} anomaly band {expr} is not computed from the bucket's AWS/S3 metric"), 2
    if op is UNKNOWN:
        return Outcome(UNKNOWN_STATUS, f"{alarm.address} comparison_operator is not known until apply"), 2
    if op == ANOMALY_LOWER_ONLY:
        return Outcome(FAIL, f"{alarm.address} comparison_operator = {fmt(op)} alarms only on less traffic than "
                             "expected: a surge of access (e.g. bulk download) raises no alarm"), 2
    if op not in ANOMALY_UPPER:
        return Outcome(FAIL, f"{alarm.address} comparison_operator = {fmt(op)} is not an anomaly band comparison "
                             "(GreaterThanUpperThreshold or LessThanLowerOrGreaterThanUpperThreshold)"), 2
    if not watched:  # a metric filter's count of the bucket's CloudTrail data events
        ns, name, _, flts = watched_counted[0]
        chains = [_counts_bucket_access(model, f, bucket) for f in flts]
        chain = max(chains, key=lambda o: _RANK[o.status])
        parts += [chain, actions_enabled(alarm),
                  delivery_outcome(model, alarm, "alarm_actions", CLOUDWATCH, f"alarm {alarm.address}")]
        combined = _combine_parts(parts)
        if combined.status == PASS:
            combined = Outcome(PASS, f"anomaly alarm {alarm.address} ({op} on ANOMALY_DETECTION_BAND of {ns} {name}) "
                                     f"with {combined.text}", notes=combined.notes)
        return combined, 3
    name, dims, prefix, _ = watched[0]
    if name is UNKNOWN:
        return Outcome(UNKNOWN_STATUS, f"{alarm.address} metric_name is not known until apply"), 2
    if name not in S3_ACCESS_METRICS:
        return Outcome(FAIL, f"{alarm.address} watches AWS/S3 {fmt(name)}, which is not a request metric: it does not "
                             "measure access to the bucket"), 2
    parts.append(_request_metric_config(model, bucket, alarm, dims, prefix))
    parts.append(actions_enabled(alarm))
    parts.append(delivery_outcome(model, alarm, "alarm_actions", CLOUDWATCH, f"alarm {alarm.address}"))
    combined = _combine_parts(parts)
    if combined.status == PASS:
        combined = Outcome(PASS, f"anomaly alarm {alarm.address} ({op} on ANOMALY_DETECTION_BAND of AWS/S3 {name}) "
                                 f"with {combined.text}", notes=combined.notes)
    return combined, 3


@register
class ScreenshotBucketAnomalyAlarm(Rule):
    id = "ALR-003"
    title = "Unusual access to the screenshot bucket raises a CloudWatch anomaly alarm to SNS"
    section = SECTION
    clause = "| Unusual S3 access (screenshot bucket) | CloudWatch anomaly alarm → SNS |"
    rationale = ("The screenshot bucket holds PHI; an unusual volume of requests (bulk download, scraping) must "
                 "raise an alarm.  The policy asks for an anomaly alarm, so a static threshold does not do: the "
                 "alarm's threshold_metric_id must be an ANOMALY_DETECTION_BAND(...) over an AWS/S3 request metric "
                 "(AllRequests, GetRequests, ...) whose BucketName is the screenshot bucket and whose FilterId is an "
                 "aws_s3_bucket_metric enabling request metrics on the whole bucket (S3 publishes no request metrics "
                 "without one), compared with GreaterThanUpperThreshold or LessThanLowerOrGreaterThanUpperThreshold "
                 "(an alarm only on less traffic misses a surge), and its alarm_actions must reach an SNS topic with a "
                 "subscription.  The band may also be over a metric a CloudWatch Logs metric filter counts from "
                 "CloudTrail's S3 data events of the bucket: the filter must read the log group a trail delivers "
                 "to, its pattern must match a GetObject of the bucket, and that trail must record the bucket's S3 "
                 "read data events (else the metric never moves).  A missing screenshot bucket is S3L-001's "
                 "finding, not repeated here; the alarm must be in the bucket's account (S3 publishes its request "
                 "metrics there).")
    fix = ("Add aws_s3_bucket_metric (no filter) on the screenshot bucket and an aws_cloudwatch_metric_alarm with "
           "comparison_operator = \"GreaterThanUpperThreshold\", threshold_metric_id = the ANOMALY_DETECTION_BAND query "
           "over AWS/S3 AllRequests (BucketName, FilterId) and alarm_actions = [an SNS topic].")
    example_fail = '''resource "aws_cloudwatch_metric_alarm" "screenshots" {
  alarm_name          = "screenshots-requests"
  namespace           = "AWS/S3"
  metric_name         = "AllRequests"
  dimensions          = { BucketName = aws_s3_bucket.screenshots.bucket, FilterId = "EntireBucket" }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1000                      # a static threshold, not an anomaly band
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_sns_topic.alerts.arn]
}'''
    example_pass = '''resource "aws_s3_bucket_metric" "screenshots" {
  bucket = aws_s3_bucket.screenshots.id
  name   = "EntireBucket"
}
resource "aws_cloudwatch_metric_alarm" "screenshots" {
  alarm_name          = "screenshots-unusual-access"
  comparison_operator = "GreaterThanUpperThreshold"
  evaluation_periods  = 2
  threshold_metric_id = "band"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  metric_query {
    id          = "band"
    expression  = "ANOMALY_DETECTION_BAND(m1, 2)"
    return_data = true
  }
  metric_query {
    id          = "m1"
    return_data = true
    metric {
      namespace   = "AWS/S3"
      metric_name = "AllRequests"
      period      = 300
      stat        = "Sum"
      dimensions  = { BucketName = aws_s3_bucket.screenshots.bucket, FilterId = aws_s3_bucket_metric.screenshots.name }
    }
  }
}'''

    def evaluate(self, model, policy):
        row = alert_row(policy, "unusual_s3_access")
        if row is None:
            return
        buckets, _ = screenshot_buckets(model, policy)
        # no screenshot bucket: S3L-001's finding ("reported once, not under two rules")
        for bucket in buckets:
            results = []
            # S3 request metrics are published in the bucket's own account: its alarms only
            for alarm in model.of_type_in(model.account_of(bucket), ALARM):
                judged = _anomaly_outcome(model, alarm, bucket)
                if judged:
                    results.append((judged[0], judged[1], alarm))
            if not results:
                yield self.absent(model, FAIL, bucket, "no aws_cloudwatch_metric_alarm watches an AWS/S3 request "
                                                       "metric of the screenshot bucket (or a metric filter's count "
                                                       "of its CloudTrail data events): unusual access raises no "
                                                       "CloudWatch anomaly alarm → SNS")
                continue
            outcome, _, alarm = max(results, key=lambda r: (_RANK[r[0].status], r[1]))
            yield self._finding(outcome.status, bucket, f"screenshot bucket {_s3.describe(bucket)}: {outcome.full_text}",
                                evidence=[alarm], absent_in=model if outcome.status != PASS and outcome.absent else None)


# =============================================================================
# ALR-004: GuardDuty High finding → Security Hub → EventBridge → SNS
# =============================================================================
HIGH_LABELS = ("GuardDuty HIGH finding (severity 7.0) imported into Security Hub",
               "GuardDuty HIGH finding (severity 8.9) imported into Security Hub")
HIGH_EVENTS = (securityhub_event(7.0), securityhub_event(8.9))
OTHER_GUARDDUTY = (("CRITICAL", securityhub_event(9.5)), ("MEDIUM", securityhub_event(5.0)),
                   ("LOW", securityhub_event(2.0)))
DIRECT_HIGH = (guardduty_event(7.0), guardduty_event(8.9))


def _rule_enabled(model: Model, rule: Resource) -> Outcome:
    state = rule.values.get("state")
    legacy = rule.values.get("is_enabled")
    if state == "DISABLED" or legacy is False:
        shown = f"state = {fmt(state)}" if state == "DISABLED" else "is_enabled = false"
        return Outcome(FAIL, f"{rule.address} {shown}: the rule forwards nothing")
    if state is UNKNOWN and rule.refs_at("state"):
        return Outcome(UNKNOWN_STATUS, f"{rule.address} state is not known until apply")
    bus = rule.values.get("event_bus_name")
    if bus is UNKNOWN:
        buses = model.targets(rule, "event_bus_name", "aws_cloudwatch_event_bus")
        custom = [b for b in buses if b.mode == "managed"]
        if custom:
            return Outcome(FAIL, f"{rule.address} event_bus_name → {custom[0].address}, a custom bus: Security Hub "
                                 "findings arrive on the default event bus only, so the rule never matches")
        names = [b.values.get("name") for b in buses]
        if names and all(n == "default" for n in names):
            return Outcome(PASS, "")
        if buses or rule.refs_at("event_bus_name"):
            return Outcome(UNKNOWN_STATUS, f"{rule.address} event_bus_name is not known until apply; cannot confirm "
                                           "the rule is on the default bus")
    if isinstance(bus, str) and bus not in ("default", "") and not bus.endswith(":event-bus/default"):
        return Outcome(FAIL, f"{rule.address} event_bus_name = {fmt(bus)}: Security Hub findings arrive on the "
                             "default event bus only, so the rule never matches")
    return Outcome(PASS, "")


def _securityhub_admin_accounts(model: Model) -> list[str]:
    """Accounts whose Security Hub aggregates the organization's findings: the account of an
    aws_securityhub_finding_aggregator, or the delegated administrator an
    aws_securityhub_organization_admin_account names (when it is one of this configuration's)."""
    out = [model.account_of(r) for r in model.of_type("aws_securityhub_finding_aggregator")]
    for r in model.of_type("aws_securityhub_organization_admin_account"):
        admin = r.values.get("admin_account_id")
        if isinstance(admin, str) and admin in model.accounts():
            out.append(admin)
    return out


def _targets_of(model: Model, rule: Resource) -> tuple[list[Resource], list[Resource]]:
    mine = model.referrers(rule, [EVENT_TARGET], "rule")
    # targets whose rule is not known and refers to nothing (never among a rule's own)
    untied = model.memo(("alerting.untied_targets",), lambda: [
        t for t in model.of_type(EVENT_TARGET) if t.values.get("rule") is UNKNOWN and not t.refs_at("rule")])
    return mine, list(untied)


@register
class GuardDutyHighToSns(Rule):
    id = "ALR-004"
    title = "GuardDuty High findings are forwarded from Security Hub to SNS"
    section = SECTION
    clause = "| GuardDuty High finding | Security Hub → SNS |"
    rationale = ("A High GuardDuty finding (severity 7.0-8.9: active compromise such as C&C traffic or credential "
                 "exfiltration) must reach people.  The policy routes it through Security Hub to SNS: an "
                 "aws_cloudwatch_event_rule on the default bus whose event_pattern matches Security Hub "
                 "\"Security Hub Findings - Imported\" events carrying GuardDuty findings of severity HIGH across the "
                 "whole 7.0-8.9 range (judged by evaluating the pattern; CRITICAL too, or all findings, is fine), "
                 "an aws_cloudwatch_event_target to an SNS topic with a subscription, and -- EventBridge needs it -- "
                 "a topic policy granting events.amazonaws.com sns:Publish (and a KMS key policy letting it use the "
                 "topic's key), failing when provably missing.  A rule on native GuardDuty events bypasses Security "
                 "Hub and fails with a message saying so (suppress with a reason if accepted).")
    fix = ("Add an aws_cloudwatch_event_rule with event_pattern {source = [\"aws.securityhub\"], detail-type = "
           "[\"Security Hub Findings - Imported\"], detail.findings = {ProductName = [\"GuardDuty\"], Severity.Label = "
           "[\"HIGH\", \"CRITICAL\"]}} and an aws_cloudwatch_event_target to an SNS topic with a subscription.")
    example_fail = '''resource "aws_cloudwatch_event_rule" "gd" {
  name = "guardduty-critical"
  event_pattern = jsonencode({
    source        = ["aws.securityhub"]
    "detail-type" = ["Security Hub Findings - Imported"]
    detail        = { findings = { ProductName = ["GuardDuty"], Severity = { Label = ["CRITICAL"] } } }   # HIGH missed
  })
}'''
    example_pass = '''resource "aws_cloudwatch_event_rule" "gd" {
  name = "guardduty-high"
  event_pattern = jsonencode({
    source        = ["aws.securityhub"]
    "detail-type" = ["Security Hub Findings - Imported"]
    detail        = { findings = { ProductName = ["GuardDuty"], Severity = { Label = ["HIGH", "CRITICAL"] } } }
  })
}
resource "aws_cloudwatch_event_target" "gd" {
  rule = aws_cloudwatch_event_rule.gd.name
  arn  = aws_sns_topic.alerts.arn   # topic policy lets events.amazonaws.com publish; has a subscription
}'''

    def evaluate(self, model, policy):
        row = alert_row(policy, "guardduty_high")
        if row is None:
            return
        labels = list(HIGH_LABELS)
        chains: list[Chain] = []
        direct: list[Resource] = []
        for rule in model.of_type(EVENT_RULE):
            pattern, _ = parse_event_pattern(rule.values.get("event_pattern"))
            targets, untied = _targets_of(model, rule)
            if pattern is None:
                continue
            if pattern is UNKNOWN:
                if not targets and not untied:
                    continue
                matches = {label: UNKNOWN for label in labels}
            else:
                matches = {label: event_pattern_matches(pattern, e) for label, e in zip(labels, HIGH_EVENTS, strict=True)}
                if all(m is False for m in matches.values()):
                    if all(event_pattern_matches(pattern, e) is True for e in DIRECT_HIGH):
                        direct.append(rule)
                        continue
                    others = [lb for lb, e in OTHER_GUARDDUTY if event_pattern_matches(pattern, e) is True]
                    if not others:
                        continue
                    # a GuardDuty rule that excludes HIGH: a candidate matching none of the HIGH labels
                    chains.append(Chain(rule, 1, Outcome(FAIL, f"{rule.address} event_pattern matches GuardDuty "
                                                               f"{'/'.join(others)} findings but not HIGH ones"),
                                        {label: UNKNOWN for label in labels}))
                    continue
            chains.extend(self._chains(model, rule, matches, targets, untied, pattern))
        fallback_text = (f"no EventBridge rule matches a {{label}} and targets SNS, so \"{row['condition']}\" raises "
                         "no Security Hub → SNS alert")
        if direct:
            fallback_text += (f"; {direct[0].address} forwards native GuardDuty events (source aws.guardduty), "
                              "bypassing Security Hub, which the policy names as the route")
        prefix = "GuardDuty HIGH findings imported into Security Hub reach SNS"
        # rules that come close but are not the route (they skip HIGH findings, have no target, or take the
        # findings from GuardDuty directly): a failing finding names them, whichever candidate it reports on
        near = [c.outcome.text for c in chains if c.stage == 1 and c.outcome.status == FAIL]
        near += [f"{r.address} forwards native GuardDuty events (source aws.guardduty), bypassing Security Hub, "
                 "which the policy names as the route" for r in direct]

        def _with_near(status: str, message: str) -> str:
            if status == PASS:
                return message
            extra = [n for n in near if n not in message]
            return message + "".join(f"; {n}" for n in extra)

        if not _accounts.several(model):
            status, subject, message = _select_and_report(chains, labels, prefix, fallback_text)
            message = _with_near(status, message)
            yield self._finding(status, subject, message, evidence=[subject] if subject != ACCOUNT else (),
                                absent_in=model if _rests_on_absence(chains, subject, status) else None)
            return
        # several accounts: a rule receives the findings of its own account, or of every account when it
        # is in the Security Hub administrator (aggregating) account
        admins = _securityhub_admin_accounts(model)
        by_account: dict[str, list[int]] = {}
        for i, c in enumerate(chains):
            by_account.setdefault(model.account_of(c.subject), []).append(i)
        for account in model.accounts():
            mine = [chains[i] for i in sorted({i for a in (account, *admins) for i in by_account.get(a, ())})]
            status, subject, message = _select_and_report(mine, labels, prefix, fallback_text)
            message = _with_near(status, message)
            yield self._finding(status, subject, _accounts.prefix(model, account) + message, account=account,
                                evidence=[subject] if subject != ACCOUNT else (),
                                absent_in=model if _rests_on_absence(mine, subject, status) else None)

    def _chains(self, model, rule, matches, targets, untied, pattern) -> list[Chain]:
        parts = [_rule_enabled(model, rule)]
        notes = []
        if isinstance(pattern, dict):
            if event_pattern_matches(pattern, securityhub_event(8.0, product="Inspector")) is True:
                notes.append("the pattern also matches other products' findings")
            if event_pattern_matches(pattern, OTHER_GUARDDUTY[2][1]) is True:
                notes.append("no severity filter: LOW and MEDIUM findings are sent too")
        if not targets:
            if untied:
                parts.append(Outcome(UNKNOWN_STATUS, f"{rule.address} has no target tied to it; rule of "
                                                     f"{untied[0].address} is not known until apply"))
            else:
                parts.append(Outcome(FAIL, f"{rule.address} matches GuardDuty HIGH findings but has no "
                                           "aws_cloudwatch_event_target: the findings are not sent to SNS",
                                     absent=True))
            return [Chain(rule, 1, _combine_parts(parts), matches)]
        outcomes = [delivery_outcome(model, t, "arn", EVENTBRIDGE, f"target {t.address}") for t in targets]
        delivery = max(outcomes, key=lambda o: _RANK[o.status])
        if delivery.status == FAIL and all("no SNS topic" in o.text for o in outcomes):
            delivery = Outcome(FAIL, f"{rule.address} targets {', '.join(t.address for t in targets)}, none of which "
                                     "is an SNS topic: the findings do not reach SNS")
        combined = _combine_parts(parts + [delivery])
        if combined.status == PASS:
            combined = Outcome(PASS, f"rule {rule.address} → {combined.text}", notes=notes + combined.notes)
        return [Chain(rule, 2, combined, matches)]
