"""Shared helpers for the "Alerting" rules (ALR-xxx).

An alert is proven by following it end to end through the model:

* **CloudWatch Logs metric filter patterns** (``aws_cloudwatch_log_metric_filter.pattern``) are
  parsed and *evaluated* against representative CloudTrail events (a ``StopLogging`` call, a root
  console sign-in, ...) with :func:`filter_matches`, so any spelling of a pattern is judged by what
  it matches, not by how it is written.
* **EventBridge event patterns** (``aws_cloudwatch_event_rule.event_pattern``) are evaluated the
  same way with :func:`event_pattern_matches` (EventBridge matching semantics: lists are "any of",
  content filters ``prefix`` / ``suffix`` / ``anything-but`` / ``numeric`` / ``exists`` /
  ``equals-ignore-case`` / ``wildcard``, ``$or``).
* **Delivery** to SNS (:func:`topics_of`, :func:`topic_delivery`): the topic exists, somebody is
  subscribed, and -- where it can be read -- neither the topic policy nor the topic's KMS key policy
  stops the publishing service.

Every evaluation is three-valued (True / False / UNKNOWN): a pattern construct this module does
not understand, or a value known only after apply, gives UNKNOWN and never a match.

The filter patterns live in :mod:`._filter_patterns`, the event patterns in :mod:`._event_patterns`,
the representative events in :mod:`._sample_events`; this module holds SNS delivery and re-exports the rest.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..engine import FAIL, PASS, UNKNOWN_STATUS
from ..model import UNKNOWN, Model, Resource
from . import _iam
from ._retention import Outcome, fmt, is_set, parse_sns_arn, resources_named

# split by concern; what the rules and tests import from here is re-exported
from ._event_patterns import event_pattern_matches, parse_event_pattern  # noqa: F401
from ._filter_patterns import PatternError, compile_filter, filter_matches  # noqa: F401
from ._sample_events import (ACCOUNT_ID, REGION, as_eventbridge, cloudtrail_api_call,  # noqa: F401
                             console_sign_in, guardduty_event, guardduty_finding, s3_data_event,
                             securityhub_event)

TOPIC = "aws_sns_topic"
SUBSCRIPTION = "aws_sns_topic_subscription"
TOPIC_POLICY = "aws_sns_topic_policy"
ALARM = "aws_cloudwatch_metric_alarm"
METRIC_FILTER = "aws_cloudwatch_log_metric_filter"
EVENT_RULE = "aws_cloudwatch_event_rule"
EVENT_TARGET = "aws_cloudwatch_event_target"
BUCKET_METRIC = "aws_s3_bucket_metric"

CLOUDWATCH = "cloudwatch.amazonaws.com"
EVENTBRIDGE = "events.amazonaws.com"

_RANK = {FAIL: 0, UNKNOWN_STATUS: 1, PASS: 2}


def best(statuses) -> str:
    """PASS over UNKNOWN over FAIL (FAIL for nothing): the verdict of alternatives."""
    statuses = list(statuses)
    return max(statuses, key=lambda s: _RANK[s]) if statuses else FAIL


def worst(statuses) -> str:
    """FAIL over UNKNOWN over PASS (PASS for nothing): the verdict of requirements."""
    statuses = list(statuses)
    return min(statuses, key=lambda s: _RANK[s]) if statuses else PASS


def tri_status(value: Any) -> str:
    return PASS if value is True else (UNKNOWN_STATUS if value is UNKNOWN else FAIL)


def tri_and(values) -> Any:
    return _iam.tri_all(values)


def tri_or(values) -> Any:
    return _iam.tri_any(values)


# =============================================================================
# SNS delivery
# =============================================================================
@dataclass
class TopicRefs:
    topics: list[Resource] = field(default_factory=list)
    dangling: list[str] = field(default_factory=list)  # SNS topics named but not in the model
    unknown: bool = False  # a value known only after apply that refers to nothing
    others: list[str] = field(default_factory=list)  # non-SNS actions (autoscaling, lambda, ...)


def topics_of(model: Model, resource: Resource, path: str) -> TopicRefs:
    """The SNS topics ``resource.<path>`` (an ARN or a list of ARNs) sends to."""
    out = TopicRefs()
    for address in resource.refs_under(path):
        found = [t for t in model.instances(address) if t.type == TOPIC]
        for t in found:
            if t not in out.topics:
                out.topics.append(t)
        if not model.instances(address):
            if ".aws_sns_topic." in f".{address}" or address.startswith("aws_sns_topic."):
                out.dangling.append(address)
            else:
                out.others.append(address)
        elif not found:
            out.others.append(address)
    value = resource.get(path)
    values = value if isinstance(value, list) else [value]
    refs = resource.refs_under(path)
    for v in values:
        if v is UNKNOWN:
            if not refs:
                out.unknown = True
            continue
        if not isinstance(v, str) or not v:
            continue
        name = parse_sns_arn(v)
        if name is None:
            if not refs:
                out.others.append(v)
            continue
        found = resources_named(model, TOPIC, v, name)
        for t in found:
            if t not in out.topics:
                out.topics.append(t)
        if not found and not out.topics:
            out.dangling.append(v)
    return out


def _subscriptions(model: Model, topic: Resource) -> tuple[list[Resource], list[Resource]]:
    """(subscriptions of the topic, subscriptions whose topic is not known and could be it)."""
    mine = list(model.referrers(topic, [SUBSCRIPTION], "topic_arn"))
    by_name, untied = model.memo(("alarms.subscriptions",), lambda: _subscription_index(model))
    name = topic.values.get("name")
    if isinstance(name, str):
        mine.extend(s for s in by_name.get(name, ()) if s not in mine)
    return mine, list(untied)  # untied ones refer to nothing: never among the topic's own


def _subscription_index(model: Model) -> tuple[dict[str, list[Resource]], list[Resource]]:
    """({topic name: subscriptions naming it by a literal topic_arn}, subscriptions whose topic_arn
    is not known and refers to nothing), both in model order."""
    by_name: dict[str, list[Resource]] = {}
    untied: list[Resource] = []
    for sub in model.of_type(SUBSCRIPTION):
        value = sub.values.get("topic_arn")
        if isinstance(value, str) and value:
            name = parse_sns_arn(value)
            if name and not sub.refs_at("topic_arn"):
                by_name.setdefault(name, []).append(sub)
        elif value is UNKNOWN and not sub.refs_at("topic_arn"):
            untied.append(sub)
    return by_name, untied


def _principal_allows(statement: dict, service: str) -> Any:
    entries = _iam.principal_entries(statement.get("Principal"))
    if entries is UNKNOWN:
        return UNKNOWN
    results = []
    for kind, ident in entries:
        if ident is UNKNOWN:
            results.append(UNKNOWN)
        elif kind == "Service" and isinstance(ident, str):
            results.append(ident.lower() == service)
        elif kind in ("*", "AWS") and ident == "*":
            # everyone: only unconditionally (a condition such as AWS:SourceOwner may exclude the service)
            results.append(True if not statement.get("Condition") else UNKNOWN)
        else:
            results.append(False)
    return tri_or(results)


def policy_allows(statements: Any, service: str, actions: tuple[str, ...]) -> Any:
    """Do ``statements`` let ``service`` perform every one of ``actions``?  True / False / UNKNOWN.

    An Allow counts whatever its conditions (they scope it to this account or rule); a Deny
    counts only when unconditional.
    """
    if statements is UNKNOWN:
        return UNKNOWN
    verdicts = []
    for action in actions:
        allowed, denied = [], []
        for s in statements:
            effect = s.get("Effect")
            if effect is UNKNOWN:
                allowed.append(UNKNOWN)
                continue
            hit = tri_and([_principal_allows(s, service), _iam.grants_action(s, action)])
            if effect == "Deny":
                if s.get("Condition") in ({}, None):
                    denied.append(hit)
            else:
                allowed.append(hit)
        verdicts.append(tri_and([tri_or(allowed), _iam.tri_not(tri_or(denied))]))
    return tri_and(verdicts)


def _service_label(service: str) -> str:
    return "CloudWatch alarms" if service == CLOUDWATCH else "EventBridge"


def _topic_policy_outcome(model: Model, topic: Resource, service: str) -> Outcome | None:
    """EventBridge needs the topic policy to grant it sns:Publish (the default policy does not)."""
    holders = [(p, "policy") for p in model.referrers(topic, [TOPIC_POLICY], "arn")]
    inline = topic.values.get("policy")
    if is_set(inline) or topic.refs_at("policy"):
        holders.append((topic, "policy"))
    if not holders:
        untied = model.memo(("alarms.untied_topic_policies",), lambda: [
            p for p in model.of_type(TOPIC_POLICY) if p.values.get("arn") is UNKNOWN and not p.refs_at("arn")])
        if untied or not model.has_references or (inline is UNKNOWN and model.kind != "plan"):
            where = untied[0].address if untied else f"{topic.address} policy"
            return Outcome(PASS, "", notes=[f"{_service_label(service)}'s permission to publish could not be "
                                            f"verified ({where} is not known until apply)"])
        return Outcome(FAIL, f"{topic.address} has no topic policy (no aws_sns_topic_policy): the default policy "
                             f"does not let {service} publish, so {_service_label(service)} cannot deliver to it")
    for holder, path in holders:
        statements = _iam.policy_statements(model, holder, path)
        verdict = policy_allows(statements, service, ("sns:Publish",)) if statements is not None else False
        where = holder.address
        if verdict is False:
            return Outcome(FAIL, f"{where} does not allow {service} to sns:Publish: {_service_label(service)} "
                                 "cannot deliver to the topic")
        if verdict is UNKNOWN:
            return Outcome(PASS, "", notes=[f"{_service_label(service)}'s sns:Publish permission could not be "
                                            f"verified ({where} policy is not known until apply)"])
    return Outcome(PASS, f"topic policy allows {service} to publish")


# An AWS-managed key (alias/aws/sns) cannot be shared with CloudWatch or EventBridge, so the alert is
# dropped -- but that key is already ENC-003's failure, and one misconfiguration gets one failing rule.
_AWS_MANAGED_NOTE = ("{topic} uses an AWS-managed key, which {service} cannot use: alerts are dropped "
                     "until ENC-003 is fixed")


def _key_outcome(model: Model, topic: Resource, service: str) -> Outcome | None:
    """A KMS-encrypted topic needs its key usable by the publishing service."""
    value = topic.values.get("kms_master_key_id")
    if not is_set(value) and not topic.refs_at("kms_master_key_id"):
        return None
    managed = _AWS_MANAGED_NOTE.format(topic=topic.address, service=_service_label(service))
    if isinstance(value, str) and (value.startswith("alias/aws/") or ":alias/aws/" in value):
        return Outcome(PASS, "", notes=[managed])
    keys = model.targets(topic, "kms_master_key_id", "aws_kms_key")
    for alias in model.targets(topic, "kms_master_key_id", "aws_kms_alias"):
        name = alias.values.get("name")
        if isinstance(name, str) and name.startswith("alias/aws/"):
            return Outcome(PASS, "", notes=[managed])
        keys += [k for k in model.targets(alias, "target_key_id", "aws_kms_key") if k not in keys]
    if not keys:
        return Outcome(PASS, "", notes=[f"the key policy of {topic.address}'s KMS key could not be checked for "
                                        f"{service} (key not in this configuration)"])
    for key in keys:
        if key.mode == "data":
            return Outcome(PASS, "", notes=[f"the key policy of {key.address} could not be checked for {service} "
                                            "(key read from outside this configuration)"])
        statements = _iam.policy_statements(model, key, "policy")
        if (statements is UNKNOWN and key.values.get("policy") is UNKNOWN and not key.refs_under("policy")
                and model.kind == "plan" and model.has_references):
            statements = None  # optional+computed, not set in the configuration
        if statements is None:
            return Outcome(FAIL, f"{key.address} has the default key policy, which does not let {service} use "
                                 f"the key encrypting {topic.address}: {_service_label(service)} cannot deliver")
        verdict = policy_allows(statements, service, ("kms:GenerateDataKey", "kms:Decrypt"))
        if verdict is False:
            return Outcome(FAIL, f"{key.address} policy does not let {service} kms:GenerateDataKey* and kms:Decrypt "
                                 f"the key encrypting {topic.address}: {_service_label(service)} cannot deliver")
        if verdict is UNKNOWN:
            return Outcome(PASS, "", notes=[f"the key policy of {key.address} could not be checked for {service} "
                                            "(not known until apply)"])
    return Outcome(PASS, "")


def topic_delivery(model: Model, topic: Resource, service: str) -> Outcome:
    """Does an alert published by ``service`` to ``topic`` reach somebody?  (Once per topic and
    service: every alarm notifying the topic shares the answer.)"""
    return model.memo(("alarms.topic_delivery", topic.address, service),
                      lambda: _topic_delivery(model, topic, service))


def _topic_delivery(model: Model, topic: Resource, service: str) -> Outcome:
    subs, untied = _subscriptions(model, topic)
    notes: list[str] = []
    if subs:
        protocols = sorted({str(s.values.get("protocol")) for s in subs if isinstance(s.values.get("protocol"), str)})
        text = f"SNS topic {topic.address} ({len(subs)} subscription(s){': ' + ', '.join(protocols) if protocols else ''})"
        status = PASS
    elif untied:
        return Outcome(UNKNOWN_STATUS, f"SNS topic {topic.address}: no subscription is tied to it; topic_arn of "
                                       f"{untied[0].address} is not known until apply")
    elif topic.mode == "data":
        return Outcome(UNKNOWN_STATUS, f"SNS topic {topic.address} is read from outside this configuration and no "
                                       "subscription here refers to it; cannot confirm anyone receives the alert")
    else:
        return Outcome(FAIL, f"SNS topic {topic.address} has no aws_sns_topic_subscription: nobody receives the alert",
                       absent=True)
    checks = [_key_outcome(model, topic, service)] if topic.mode == "managed" else []
    if service == EVENTBRIDGE and topic.mode == "managed":
        checks.append(_topic_policy_outcome(model, topic, service))
    for check in checks:
        if check is None:
            continue
        if check.status != PASS:
            return Outcome(check.status, f"{text}, but {check.text}")
        notes += check.notes
    return Outcome(status, text, notes=notes)


def delivery_outcome(model: Model, resource: Resource, path: str, service: str, label: str) -> Outcome:
    """The best delivery among the SNS topics ``resource.<path>`` names (any one reaching somebody will do)."""
    refs = topics_of(model, resource, path)
    value = resource.get(path)
    if not refs.topics:
        if refs.dangling:
            return Outcome(UNKNOWN_STATUS, f"{label} {path} names SNS topic {refs.dangling[0]}, which is not in this "
                                           "configuration; cannot confirm anyone is subscribed")
        if refs.unknown:
            return Outcome(UNKNOWN_STATUS, f"{label} {path} is not known until apply; cannot confirm it notifies SNS")
        if refs.others:
            return Outcome(FAIL, f"{label} {path} = {', '.join(refs.others)}: no SNS topic, the alert does not reach SNS")
        shown = "is not set" if value in (None, [], "") else f"= {fmt(value)}"
        return Outcome(FAIL, f"{label} {path} {shown}: the alarm notifies no SNS topic")
    outcomes = [topic_delivery(model, t, service) for t in refs.topics]
    chosen = max(outcomes, key=lambda o: _RANK[o.status])
    return Outcome(chosen.status, f"{label} → {chosen.text}", notes=list(chosen.notes), absent=chosen.absent)


def actions_enabled(alarm: Resource) -> Outcome:
    value = alarm.values.get("actions_enabled")
    if value is False:
        return Outcome(FAIL, f"{alarm.address} actions_enabled = false: the alarm notifies nobody")
    if value is UNKNOWN:
        return Outcome(UNKNOWN_STATUS, f"{alarm.address} actions_enabled is not known until apply")
    return Outcome(PASS, "")
