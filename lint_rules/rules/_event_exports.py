"""Findings kept by an EventBridge export: a rule matching a service's events, targeting a log group.

GuardDuty and Security Hub keep findings for 90 days only; besides GuardDuty's own
publishing destination, an EventBridge rule (``source = ["aws.guardduty"]`` or
``["aws.securityhub"]``) whose target is a CloudWatch log group keeps them as long
as that group does.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from ..engine import UNKNOWN_STATUS
from ..model import UNKNOWN, Model, PartialString, Resource, strip_index
from ._retention import LOG_GROUP, Outcome, log_group_keeps, resolve

RULE = "aws_cloudwatch_event_rule"
TARGET = "aws_cloudwatch_event_target"


def pattern_matches_source(pattern, source: str) -> bool | None:
    """Does an EventBridge event_pattern match events of ``source``? None when not known.

    ``pattern`` is the attribute's JSON text, or (HCL, :meth:`Model.partial_value`) the document a
    ``jsonencode({...})`` known only in part will be: its ``source`` decides when it is known
    (``{source = ["aws.sts"], detail = {... roleArn = [aws_iam_role.x.arn]}}`` never matches GuardDuty)."""
    if isinstance(pattern, dict):
        data = pattern
    elif isinstance(pattern, str):
        try:
            data = json.loads(pattern)
        except ValueError:
            return None
    elif pattern is None:
        return False
    else:  # UNKNOWN, or a string known only in part
        return None
    value = data.get("source") if isinstance(data, dict) else None
    values = value if isinstance(value, list) else [value]
    if source in values:
        return True
    if any(v is UNKNOWN or isinstance(v, PartialString) for v in values):
        return None
    return False


# targets that deliver events somewhere but keep none (alerting, code, queues)
_NOT_STORES = frozenset({"aws_sns_topic", "aws_lambda_function", "aws_sqs_queue", "aws_sfn_state_machine"})


def _may_store(target: Resource) -> bool:
    """Could the target be a log group or a Firehose stream (a store of the events it gets)?"""
    arn = target.values.get("arn")
    if isinstance(arn, str):
        return ":logs:" in arn or ":firehose:" in arn
    ref_types = {strip_index(a).split(".")[-2] for a in target.refs_at("arn") if "." in a}
    return not (ref_types and ref_types <= _NOT_STORES)


@dataclass
class Export:
    target: Resource
    outcomes: list[Outcome]  # retention of where the target stores the events


def event_exports(model: Model, source: str, min_days: int) -> tuple[list[Export], list[Resource]]:
    """(targets storing ``source`` events in a log group, targets whose rule's pattern is not known)."""
    exports: list[Export] = []
    unsure: list[Resource] = []
    for target in model.of_type(TARGET):
        rules = model.targets(target, "rule", RULE)
        matches = [pattern_matches_source(model.partial_value(r, "event_pattern"), source) for r in rules]
        if not any(matches):
            if None in matches and _may_store(target):
                unsure.append(target)
            continue
        arn = target.values.get("arn")
        ref_types = {strip_index(a).split(".")[-2] for a in target.refs_at("arn") if "." in a}
        groups = resolve(model, target, "arn", LOG_GROUP, kind="log group")
        if groups.targets:
            exports.append(Export(target, [log_group_keeps(g, min_days) for g in groups.targets]))
        elif (isinstance(arn, str) and ":logs:" in arn) or LOG_GROUP in ref_types:
            exports.append(Export(target, [Outcome(UNKNOWN_STATUS, groups.problem + "; cannot confirm retention")]))
        elif (isinstance(arn, str) and ":firehose:" in arn) or "aws_kinesis_firehose_delivery_stream" in ref_types:
            exports.append(Export(target, [Outcome(UNKNOWN_STATUS, "arn is a Firehose delivery stream; where it "
                                                                   "keeps the events, and for how long, is not "
                                                                   "visible to this rule")]))
        # any other target (SNS alerting, Lambda ...) is not a store
    return exports, unsure
