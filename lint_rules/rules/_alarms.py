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
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from ..engine import FAIL, PASS, UNKNOWN_STATUS
from ..model import UNKNOWN, Model, Resource
from . import _iam
from ._retention import Outcome, fmt, is_set, parse_sns_arn, resources_named

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
# representative events
# =============================================================================
ACCOUNT_ID = "111122223333"
REGION = "us-east-1"

_IDENTITIES = {
    "IAMUser": {"type": "IAMUser", "principalId": "AIDAEXAMPLEUSER00001", "accountId": ACCOUNT_ID,
                "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/alice", "accessKeyId": "AKIAEXAMPLE00000001",
                "userName": "alice"},
    "AssumedRole": {"type": "AssumedRole", "principalId": "AROAEXAMPLEROLE00001:bob", "accountId": ACCOUNT_ID,
                    "arn": f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/Admin/bob",
                    "accessKeyId": "ASIAEXAMPLE00000001",
                    "sessionContext": {
                        "sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLEROLE00001",
                                          "arn": f"arn:aws:iam::{ACCOUNT_ID}:role/Admin",
                                          "accountId": ACCOUNT_ID, "userName": "Admin"},
                        "attributes": {"creationDate": "2026-01-01T00:00:00Z", "mfaAuthenticated": "true"}}},
    "Root": {"type": "Root", "principalId": ACCOUNT_ID, "arn": f"arn:aws:iam::{ACCOUNT_ID}:root",
             "accountId": ACCOUNT_ID, "accessKeyId": "ASIAEXAMPLE00000002"},
}


def cloudtrail_api_call(event_name: str, identity: str, source: str = "cloudtrail.amazonaws.com",
                        read_only: bool = False, request: dict | None = None) -> dict:
    """A CloudTrail management event record as CloudTrail writes it to CloudWatch Logs."""
    return {
        "eventVersion": "1.09", "userIdentity": dict(_IDENTITIES[identity]),
        "eventTime": "2026-01-01T00:00:00Z", "eventSource": source, "eventName": event_name,
        "awsRegion": REGION, "sourceIPAddress": "203.0.113.10", "userAgent": "aws-cli/2.15.0",
        "requestParameters": request if request is not None else
        {"name": f"arn:aws:cloudtrail:{REGION}:{ACCOUNT_ID}:trail/audit"},
        "responseElements": None, "requestID": "5f1e0e4c-0000-4000-8000-000000000001",
        "eventID": "5f1e0e4c-0000-4000-8000-000000000002", "readOnly": read_only, "eventType": "AwsApiCall",
        "managementEvent": True, "recipientAccountId": ACCOUNT_ID, "eventCategory": "Management",
    }


def console_sign_in(identity: str, mfa: str = "Yes", result: str = "Success") -> dict:
    ident = dict(_IDENTITIES[identity])
    ident.pop("accessKeyId", None)
    return {
        "eventVersion": "1.09", "userIdentity": ident, "eventTime": "2026-01-01T00:00:00Z",
        "eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin", "awsRegion": REGION,
        "sourceIPAddress": "203.0.113.10", "userAgent": "Mozilla/5.0", "requestParameters": None,
        "responseElements": {"ConsoleLogin": result},
        "additionalEventData": {"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No",
                                "MFAUsed": mfa},
        "eventID": "5f1e0e4c-0000-4000-8000-000000000003", "readOnly": False, "eventType": "AwsConsoleSignIn",
        "managementEvent": True, "recipientAccountId": ACCOUNT_ID, "eventCategory": "Management",
    }


def as_eventbridge(record: dict) -> dict:
    """The EventBridge event carrying a CloudTrail record ("AWS API Call via CloudTrail", ...)."""
    detail_type = ("AWS Console Sign In via CloudTrail" if record.get("eventType") == "AwsConsoleSignIn"
                   else "AWS API Call via CloudTrail")
    service = str(record.get("eventSource", "")).split(".")[0]
    return {"version": "0", "id": "0b8a5c6e-0000-4000-8000-000000000004", "detail-type": detail_type,
            "source": f"aws.{service}", "account": ACCOUNT_ID, "time": "2026-01-01T00:00:00Z",
            "region": REGION, "resources": [], "detail": record}


def _severity_label(score: float) -> str:
    if score >= 9.0:
        return "CRITICAL"
    if score >= 7.0:
        return "HIGH"
    if score >= 4.0:
        return "MEDIUM"
    return "LOW"


def guardduty_finding(score: float, finding_type: str = "Backdoor:EC2/C&CActivity.B!DNS") -> dict:
    """The ``detail`` of a native GuardDuty finding event of severity ``score`` (0.1 .. 10)."""
    detector = "12abc34d567e8fa901bc2d34e56789f0"
    return {"schemaVersion": "2.0", "accountId": ACCOUNT_ID, "region": REGION, "partition": "aws",
            "id": "a2b4c6d8e0f2a4c6e8f0a2b4c6d8e0f2",
            "arn": f"arn:aws:guardduty:{REGION}:{ACCOUNT_ID}:detector/{detector}/finding/a2b4c6d8",
            "type": finding_type, "severity": score, "title": "EC2 instance is querying a C&C domain",
            "resource": {"resourceType": "Instance", "instanceDetails": {"instanceId": "i-0123456789abcdef0"}},
            "service": {"serviceName": "guardduty", "detectorId": detector, "archived": False, "count": 1},
            "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"}


def guardduty_event(score: float) -> dict:
    """A native GuardDuty finding event ("GuardDuty Finding", source aws.guardduty)."""
    return {"version": "0", "id": "0b8a5c6e-0000-4000-8000-000000000005", "detail-type": "GuardDuty Finding",
            "source": "aws.guardduty", "account": ACCOUNT_ID, "time": "2026-01-01T00:00:00Z", "region": REGION,
            "resources": [], "detail": guardduty_finding(score)}


def securityhub_event(score: float, product: str = "GuardDuty") -> dict:
    """A "Security Hub Findings - Imported" event carrying one ASFF finding from ``product``."""
    label = _severity_label(score)
    detector = "12abc34d567e8fa901bc2d34e56789f0"
    if product == "GuardDuty":
        product_arn = f"arn:aws:securityhub:{REGION}::product/aws/guardduty"
        generator = f"arn:aws:guardduty:{REGION}:{ACCOUNT_ID}:detector/{detector}"
        finding_id = f"arn:aws:guardduty:{REGION}:{ACCOUNT_ID}:detector/{detector}/finding/a2b4c6d8"
        types = ["TTPs/Command and Control/Backdoor:EC2-C&CActivity.B!DNS"]
        fields = {"aws/securityhub/ProductName": "GuardDuty", "aws/securityhub/CompanyName": "Amazon",
                  "aws/guardduty/service/archived": "false", "aws/guardduty/service/count": "1",
                  "aws/securityhub/FindingId": f"{product_arn}/{finding_id}"}
    else:
        product_arn = f"arn:aws:securityhub:{REGION}::product/aws/inspector"
        generator = "AWSInspectorFindingGenerator"
        finding_id = f"arn:aws:inspector2:{REGION}:{ACCOUNT_ID}:finding/0f1e2d3c"
        types = ["Software and Configuration Checks/Vulnerabilities/CVE"]
        fields = {"aws/securityhub/ProductName": product, "aws/securityhub/CompanyName": "Amazon",
                  "aws/securityhub/FindingId": f"{product_arn}/{finding_id}"}
    finding = {
        "SchemaVersion": "2018-10-08", "Id": finding_id, "ProductArn": product_arn, "ProductName": product,
        "CompanyName": "Amazon", "Region": REGION, "GeneratorId": generator, "AwsAccountId": ACCOUNT_ID,
        "Types": types, "FirstObservedAt": "2026-01-01T00:00:00Z", "LastObservedAt": "2026-01-01T00:00:00Z",
        "CreatedAt": "2026-01-01T00:00:00Z", "UpdatedAt": "2026-01-01T00:00:00Z",
        "Severity": {"Product": score, "Label": label, "Normalized": int(round(score * 10)),
                     "Original": f"{score:.1f}"},
        "Title": "Finding", "Description": "Finding description", "ProductFields": fields,
        "Resources": [{"Type": "AwsEc2Instance", "Id": f"arn:aws:ec2:{REGION}:{ACCOUNT_ID}:instance/i-0123456789abcdef0",
                       "Partition": "aws", "Region": REGION}],
        "WorkflowState": "NEW", "Workflow": {"Status": "NEW"}, "RecordState": "ACTIVE",
        "FindingProviderFields": {"Severity": {"Label": label, "Original": f"{score:.1f}"}, "Types": types},
    }
    return {"version": "0", "id": "0b8a5c6e-0000-4000-8000-000000000006",
            "detail-type": "Security Hub Findings - Imported", "source": "aws.securityhub", "account": ACCOUNT_ID,
            "time": "2026-01-01T00:00:00Z", "region": REGION,
            "resources": [f"arn:aws:securityhub:{REGION}:{ACCOUNT_ID}:finding/0"], "detail": {"findings": [finding]}}


# =============================================================================
# CloudWatch Logs filter patterns
# =============================================================================
class PatternError(ValueError):
    """A filter pattern this module cannot read (the match is then UNKNOWN)."""


_MISSING = object()
_TOKEN = re.compile(r'''
    \s*(?:
      (?P<lp>\() | (?P<rp>\)) | (?P<and>&&) | (?P<or>\|\|)
    | (?P<op>!=|>=|<=|=|>|<)
    | (?P<lb>\[) | (?P<rb>\]) | (?P<comma>,)
    | (?P<sel>\$(?:\.[^\s.()&|=!<>\[\],"]+|\[\d+\]|\[\*\])*)
    | (?P<str>"(?:[^"\\]|\\.)*")
    | (?P<regex>%(?:[^%\\]|\\.)*%)
    | (?P<word>[^\s()&|=!<>\[\],"]+)
    )''', re.X)
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise PatternError(f"cannot read the filter pattern at {text[pos:pos + 20]!r}")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _select(event: Any, selector: str) -> Any:
    """The value at ``$.a.b[0]`` in ``event``; _MISSING when absent; UNKNOWN for unsupported paths."""
    node = event
    for part in re.findall(r"\.([^.\[]+)|\[(\d+|\*)\]", selector[1:]):
        name, index = part
        if name:
            if isinstance(node, list):
                return UNKNOWN  # an array selected without an index
            if not isinstance(node, dict) or name not in node:
                return _MISSING
            node = node[name]
        else:
            if index == "*":
                return UNKNOWN
            if not isinstance(node, list) or int(index) >= len(node):
                return _MISSING
            node = node[int(index)]
    return node


def _glob(pattern: str, value: str) -> bool:
    return re.fullmatch(".*".join(re.escape(p) for p in pattern.split("*")), value, re.S) is not None


def _compare(actual: Any, op: str, kind: str, raw: str) -> Any:
    if actual is UNKNOWN:
        return UNKNOWN
    if actual is _MISSING:
        return False
    if kind == "regex":
        if not isinstance(actual, str):
            return False
        try:
            found = re.search(raw[1:-1], actual) is not None
        except re.error:
            return UNKNOWN
        return found if op == "=" else (not found if op == "!=" else UNKNOWN)
    text = json.loads(raw) if kind == "str" else raw
    if isinstance(actual, bool) or actual is None or isinstance(actual, (dict, list)):
        return False if op == "=" else (True if op == "!=" else False)
    if isinstance(actual, (int, float)):
        if not _NUMBER.match(text):
            return False if op != "!=" else True
        a, b = float(actual), float(text)
        return {"=": a == b, "!=": a != b, ">": a > b, "<": a < b, ">=": a >= b, "<=": a <= b}[op]
    # a string property
    if op in ("=", "!="):
        equal = _glob(text, actual) if "*" in text else actual == text
        return equal if op == "=" else not equal
    if _NUMBER.match(actual) and _NUMBER.match(text):
        a, b = float(actual), float(text)
        return {">": a > b, "<": a < b, ">=": a >= b, "<=": a <= b}[op]
    return False


class _Parser:
    """Recursive descent over the tokens of a JSON filter pattern ``{ ... }``."""

    def __init__(self, tokens):
        self.tokens = tokens
        self.i = 0

    def peek(self, offset: int = 0):
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else (None, None)

    def take(self, kind: str | None = None, value: str | None = None):
        tok = self.peek()
        if tok[0] is None or (kind and tok[0] != kind) or (value and tok[1].upper() != value):
            raise PatternError(f"unexpected {tok[1]!r} in the filter pattern")
        self.i += 1
        return tok

    def parse(self) -> Callable[[dict], Any]:
        expr = self.parse_or()
        if self.peek()[0] is not None:
            raise PatternError(f"unexpected {self.peek()[1]!r} in the filter pattern")
        return expr

    def parse_or(self):
        parts = [self.parse_and()]
        while self.peek()[0] == "or":
            self.take()
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else (lambda e, ps=parts: tri_or(p(e) for p in ps))

    def parse_and(self):
        parts = [self.parse_unary()]
        while self.peek()[0] == "and":
            self.take()
            parts.append(self.parse_unary())
        return parts[0] if len(parts) == 1 else (lambda e, ps=parts: tri_and(p(e) for p in ps))

    def parse_unary(self):
        if self.peek()[0] == "lp":
            self.take()
            inner = self.parse_or()
            self.take("rp")
            return inner
        return self.parse_comparison()

    def parse_comparison(self):
        _, selector = self.take("sel")
        kind, value = self.peek()
        if kind == "op":
            op = self.take()[1]
            vkind, raw = self.peek()
            if vkind not in ("str", "regex", "word"):
                raise PatternError(f"expected a value after {selector} {op}")
            self.take()
            return lambda e, s=selector, o=op, k=vkind, r=raw: _compare(_select(e, s), o, k, r)
        if kind == "word":
            word = value.upper()
            if word == "IS":
                self.take()
                what = self.take("word")[1].upper()
                if what not in ("NULL", "TRUE", "FALSE"):
                    raise PatternError(f"unexpected IS {what}")
                target = {"NULL": None, "TRUE": True, "FALSE": False}[what]

                def is_(e, s=selector, t=target):
                    v = _select(e, s)
                    if v is UNKNOWN:
                        return UNKNOWN
                    return v is not _MISSING and v is t
                return is_
            if word == "NOT" and str(self.peek(1)[1]).upper() == "EXISTS":
                self.take()
                self.take()
                return lambda e, s=selector: (UNKNOWN if _select(e, s) is UNKNOWN else _select(e, s) is _MISSING)
            if word == "EXISTS":
                self.take()
                return lambda e, s=selector: (UNKNOWN if _select(e, s) is UNKNOWN else _select(e, s) is not _MISSING)
            if word in ("IN", "NOT"):
                negate = word == "NOT"
                self.take()
                if negate:
                    self.take("word", "IN")
                self.take("lb")
                items = []
                while self.peek()[0] != "rb":
                    vkind, raw = self.take()
                    if vkind not in ("str", "word", "regex"):
                        raise PatternError("unexpected token in IN [...]")
                    items.append((vkind, raw))
                    if self.peek()[0] == "comma":
                        self.take()
                self.take("rb")

                def in_(e, s=selector, its=items, neg=negate):
                    actual = _select(e, s)
                    hit = tri_or(_compare(actual, "=", k, r) for k, r in its)
                    if actual is _MISSING:
                        return False
                    return _iam.tri_not(hit) if neg else hit
                return in_
        raise PatternError(f"cannot read the condition on {selector}")


def _split_terms(text: str) -> list[str]:
    return re.findall(r'[?-]?"(?:[^"\\]|\\.)*"|\S+', text)


def _term_text(term: str) -> str:
    return json.loads(term) if term.startswith('"') else term


@lru_cache(maxsize=4096)  # the same patterns are matched against many events, by several rules
def compile_filter(pattern: str) -> Callable[[dict], Any]:
    """A CloudWatch Logs filter pattern as a function event -> True / False / UNKNOWN.

    Raises :class:`PatternError` for syntax this module does not read (space-delimited
    ``[...]`` patterns, unbalanced braces, ...).
    """
    text = pattern.strip()
    if text.startswith("{"):
        if not text.endswith("}"):
            raise PatternError("a JSON filter pattern must end with '}'")
        return _Parser(_tokens(text[1:-1])).parse()
    if text.startswith("["):
        raise PatternError("space-delimited [...] patterns do not apply to CloudTrail's JSON events")
    terms = _split_terms(text)

    def match(event, terms=terms):
        line = json.dumps(event, separators=(",", ":"))
        required, optional, excluded = [], [], []
        for t in terms:
            if t.startswith("?"):
                optional.append(t[1:])
            elif t.startswith("-") and len(t) > 1:
                excluded.append(t[1:])
            else:
                required.append(t)

        def has(term):
            if term.startswith("%") and term.endswith("%") and len(term) > 1:
                return re.search(term[1:-1], line) is not None
            return _term_text(term) in line
        if any(has(t) for t in excluded):
            return False
        if not all(has(t) for t in required):
            return False
        return any(has(t) for t in optional) if optional else True
    return match


def filter_matches(pattern: Any, event: dict) -> Any:
    """Does a metric filter ``pattern`` match ``event``?  True / False / UNKNOWN."""
    if not isinstance(pattern, str):
        return UNKNOWN if pattern is UNKNOWN else False
    try:
        return compile_filter(pattern)(event)
    except (PatternError, re.error, ValueError):
        return UNKNOWN


# =============================================================================
# EventBridge event patterns
# =============================================================================
def _as_values(value: Any) -> list:
    if value is _MISSING:
        return []
    return value if isinstance(value, list) else [value]


def _content_filter(spec: dict, value: Any) -> Any:
    """One content filter (``{"prefix": "x"}``, ``{"numeric": [">=", 7]}``, ...) against a field."""
    if len(spec) != 1:
        return UNKNOWN
    (op, arg), = spec.items()
    values = _as_values(value)
    if op == "exists":
        present = value is not _MISSING
        return present if arg is True else (not present if arg is False else UNKNOWN)
    if value is _MISSING:
        return False
    if op == "prefix":
        if isinstance(arg, dict) and "equals-ignore-case" in arg:
            p = str(arg["equals-ignore-case"]).lower()
            return any(isinstance(v, str) and v.lower().startswith(p) for v in values)
        return any(isinstance(v, str) and isinstance(arg, str) and v.startswith(arg) for v in values)
    if op == "suffix":
        if isinstance(arg, dict) and "equals-ignore-case" in arg:
            p = str(arg["equals-ignore-case"]).lower()
            return any(isinstance(v, str) and v.lower().endswith(p) for v in values)
        return any(isinstance(v, str) and isinstance(arg, str) and v.endswith(arg) for v in values)
    if op == "equals-ignore-case":
        return any(isinstance(v, str) and isinstance(arg, str) and v.lower() == arg.lower() for v in values)
    if op == "wildcard":
        return any(isinstance(v, str) and isinstance(arg, str) and _glob(arg, v) for v in values)
    if op == "numeric":
        if not isinstance(arg, list) or len(arg) % 2:
            return UNKNOWN
        nums = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]

        def ok(n):
            for i in range(0, len(arg), 2):
                o, b = arg[i], arg[i + 1]
                if not isinstance(b, (int, float)):
                    return UNKNOWN
                r = {"=": n == b, ">": n > b, ">=": n >= b, "<": n < b, "<=": n <= b}.get(o)
                if r is None:
                    return UNKNOWN
                if not r:
                    return False
            return True
        return tri_or(ok(n) for n in nums)
    if op == "anything-but":
        if isinstance(arg, dict):
            inner = _content_filter(arg, value)
            return _iam.tri_not(inner)
        excluded = arg if isinstance(arg, list) else [arg]
        return any(v not in excluded for v in values) if values else False
    return UNKNOWN  # cidr and anything newer


def _match_list(items: list, value: Any) -> Any:
    values = _as_values(value)
    results = []
    for item in items:
        if isinstance(item, dict):
            results.append(_content_filter(item, value))
        else:
            results.append(any(v == item and type(v) is type(item) for v in values))
    return tri_or(results)


def event_pattern_matches(pattern: Any, event: Any) -> Any:
    """Does an EventBridge ``pattern`` (dict) match ``event``?  True / False / UNKNOWN."""
    if not isinstance(pattern, dict):
        return UNKNOWN
    results = []
    for key, expected in pattern.items():
        if key == "$or":
            if not isinstance(expected, list):
                return UNKNOWN
            results.append(tri_or(event_pattern_matches(p, event) for p in expected))
            continue
        actual = event.get(key, _MISSING) if isinstance(event, dict) else _MISSING
        if isinstance(expected, dict):
            if isinstance(actual, list):
                results.append(tri_or(event_pattern_matches(expected, a) for a in actual if isinstance(a, dict))
                               if any(isinstance(a, dict) for a in actual) else event_pattern_matches(expected, {}))
            else:
                results.append(event_pattern_matches(expected, actual if isinstance(actual, dict) else {}))
        elif isinstance(expected, list):
            results.append(_match_list(expected, actual))
        else:
            return UNKNOWN  # not a valid pattern: leaves must be arrays
    return tri_and(results)


def parse_event_pattern(value: Any) -> tuple[Any, str]:
    """(pattern dict | UNKNOWN | None, why not) of an ``event_pattern`` attribute value."""
    if value is UNKNOWN:
        return UNKNOWN, "event_pattern is not known until apply"
    if value is None or value == "":
        return None, "event_pattern is not set"
    if isinstance(value, dict):
        return value, ""
    if isinstance(value, str):
        try:
            doc = json.loads(value)
        except ValueError:
            return None, "event_pattern is not valid JSON"
        if isinstance(doc, dict):
            return doc, ""
    return None, "event_pattern is not a JSON object"


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
        return Outcome(FAIL, f"SNS topic {topic.address} has no aws_sns_topic_subscription: nobody receives the alert")
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
    return Outcome(chosen.status, f"{label} → {chosen.text}", notes=list(chosen.notes))


def actions_enabled(alarm: Resource) -> Outcome:
    value = alarm.values.get("actions_enabled")
    if value is False:
        return Outcome(FAIL, f"{alarm.address} actions_enabled = false: the alarm notifies nobody")
    if value is UNKNOWN:
        return Outcome(UNKNOWN_STATUS, f"{alarm.address} actions_enabled is not known until apply")
    return Outcome(PASS, "")
