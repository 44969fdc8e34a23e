"""CloudTrail Requirements (CT-001 .. CT-009).

Every rule looks at every ``aws_cloudtrail`` in the model and reports one
finding per trail; when there is no trail at all it reports on ``ACCOUNT``.
Fail closed: a value known only after apply that does not resolve through the
model's references makes a finding ``unknown``, never ``pass``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from ..engine import ACCOUNT, FAIL, PASS, UNKNOWN_STATUS, Finding, Rule, register
from ..model import UNKNOWN, Model, Resource
from . import _iam, _s3
from ._iam import tri_all, tri_any
from ._kms import check_cmk

TRAIL = "aws_cloudtrail"
SECTION = "CloudTrail Requirements"
S3_OBJECT = "AWS::S3::Object"
LAMBDA_FUNCTION = "AWS::Lambda::Function"

# Service principals that deliver logs into a trail bucket.  Only those the
# policy lists among the services allowed to access logs are accepted.
LOG_DELIVERY_SERVICES = ("cloudtrail.amazonaws.com", "config.amazonaws.com", "delivery.logs.amazonaws.com")
# Actions by which a principal can add, overwrite or remove log objects.
WRITE_ACTIONS = ("s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion")

_PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc")
_NO_TRAIL = "no aws_cloudtrail in this configuration"


def _show(value: Any) -> str:
    if value is UNKNOWN:
        return "(known after apply)"
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "unset"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def _status(value: Any) -> str:
    return PASS if value is True else (FAIL if value is False else UNKNOWN_STATUS)


def _tri_and(*values: Any) -> Any:
    return tri_all(values)


class _TrailRule(Rule):
    """Runs :meth:`check` on each trail; an ACCOUNT finding when there is none."""

    section = SECTION
    no_trail_message = _NO_TRAIL

    def evaluate(self, model: Model, policy) -> Iterable[Finding]:
        trails = model.of_type(TRAIL)
        if not trails:
            yield self.no_trail(model, policy)
            return
        for trail in trails:
            yield from self.check(model, policy, trail)

    def no_trail(self, model: Model, policy) -> Finding:
        return self.failed(ACCOUNT, self.no_trail_message)

    def check(self, model: Model, policy, trail: Resource) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(self, status: str, subject, message: str) -> Finding:
        return self._finding(status, subject, message)


# =============================================================================
# CT-001
# =============================================================================
@register
class TrailMultiRegion(_TrailRule):
    id = "CT-001"
    title = "A multi-region CloudTrail trail is logging"
    clause = "Multi-region trail enabled in both NVS and NHC accounts"
    rationale = ("API activity in every region must reach the audit trail; a single-region or stopped trail "
                 "leaves activity in other regions, or all activity, unrecorded.")
    fix = "Set is_multi_region_trail = true on the trail and leave enable_logging true."
    example_fail = '''resource "aws_cloudtrail" "main" {
  name                  = "org-trail"
  s3_bucket_name        = aws_s3_bucket.trail.id
  is_multi_region_trail = false
}'''
    example_pass = '''resource "aws_cloudtrail" "main" {
  name                  = "org-trail"
  s3_bucket_name        = aws_s3_bucket.trail.id
  is_multi_region_trail = true
  enable_logging        = true
}'''

    no_trail_message = _NO_TRAIL + ": no multi-region trail is logging"

    def evaluate(self, model: Model, policy) -> Iterable[Finding]:
        trails = model.of_type(TRAIL)
        if not trails:
            yield self.no_trail(model, policy)
            return
        findings = [f for trail in trails for f in self.check(model, policy, trail)]
        yield from findings
        statuses = {f.status for f in findings}
        if PASS not in statuses:
            if UNKNOWN_STATUS in statuses:
                yield self.unknown(ACCOUNT, "no trail is known to be multi-region and logging until apply "
                                            "(is_multi_region_trail / enable_logging known after apply)")
            else:
                yield self.failed(ACCOUNT, f"none of the {len(trails)} aws_cloudtrail trail(s) is multi-region "
                                           "with logging enabled (is_multi_region_trail = true, enable_logging != false)")

    def check(self, model, policy, trail):
        multi = trail.values.get("is_multi_region_trail")
        logging = trail.values.get("enable_logging")
        if multi is not True and multi is not UNKNOWN:
            yield self.failed(trail, f"trail is single-region (is_multi_region_trail = {_show(multi)}"
                                     f"{', default false' if multi is None else ''})")
        elif logging is False:
            yield self.failed(trail, "trail is stopped (enable_logging = false)")
        elif multi is UNKNOWN:
            yield self.unknown(trail, "is_multi_region_trail is not known until apply")
        elif logging is UNKNOWN:
            yield self.unknown(trail, "enable_logging is not known until apply")
        else:
            yield self.passed(trail, f"multi-region trail is logging (is_multi_region_trail = true, "
                                     f"enable_logging = {_show(logging) if logging is not None else 'unset, default true'})")


# =============================================================================
# event selectors
# =============================================================================
def _read_write(value: Any) -> tuple[Any, Any]:
    """read_write_type -> (records reads, records writes)."""
    if value is None or value == "All":
        return True, True
    if value == "ReadOnly":
        return True, False
    if value == "WriteOnly":
        return False, True
    return UNKNOWN, UNKNOWN


def _field_selectors(selector: dict) -> dict[str, list[dict]] | Any:
    """An advanced_event_selector's field_selector blocks grouped by field (UNKNOWN if unreadable)."""
    blocks = selector.get("field_selector")
    if blocks is UNKNOWN:
        return UNKNOWN
    out: dict[str, list[dict]] = {}
    for fs in blocks or []:
        if not isinstance(fs, dict):
            return UNKNOWN
        name = fs.get("field")
        if not isinstance(name, str):
            return UNKNOWN
        out.setdefault(name, []).append(fs)
    return out


_OPERATORS = ("equals", "not_equals", "starts_with", "not_starts_with", "ends_with", "not_ends_with")


def _ops(fs: dict) -> dict[str, Any]:
    """The operators a field selector sets: {op: list | UNKNOWN}."""
    out = {}
    for op in _OPERATORS:
        v = fs.get(op)
        if v is UNKNOWN:
            out[op] = UNKNOWN
        elif v:
            out[op] = list(v) if isinstance(v, (list, tuple)) else [v]
    return out


def _equals_only(fields: dict, name: str, wanted: str) -> Any:
    """Does field ``name`` select exactly ``wanted`` (e.g. eventCategory = Management)?"""
    results = []
    for fs in fields.get(name, []):
        ops = _ops(fs)
        eq = ops.pop("equals", None)
        if any(v is UNKNOWN for v in ops.values()) or eq is UNKNOWN:
            results.append(UNKNOWN)
            continue
        if ops:  # other operators on this field restrict it further
            results.append(False)
            continue
        if eq is None:
            results.append(False)
            continue
        results.append(True if wanted in eq else (UNKNOWN if UNKNOWN in eq else False))
    if not results:
        return False
    return tri_all(results)


def _advanced_read_write(fields: dict) -> tuple[Any, Any, str]:
    """The readOnly field -> (reads, writes, note)."""
    read, write = True, True
    note = ""
    for fs in fields.get("readOnly", []):
        ops = _ops(fs)
        if any(v is UNKNOWN for v in ops.values()):
            return UNKNOWN, UNKNOWN, "readOnly not known until apply"
        allowed = {"true", "false"}
        if "equals" in ops:
            allowed &= {str(v).lower() for v in ops["equals"]}
        if "not_equals" in ops:
            allowed -= {str(v).lower() for v in ops["not_equals"]}
        if set(ops) - {"equals", "not_equals"}:
            return UNKNOWN, UNKNOWN, "readOnly filtered by an unusual operator"
        read = read and "true" in allowed
        write = write and "false" in allowed
        note = f"readOnly {', '.join(f'{k} {_show(v)}' for k, v in ops.items())}"
    return read, write, note


@dataclass
class _Grant:
    """One selector's contribution: what it records, for which targets."""

    read: Any
    write: Any
    match: Callable[[Resource], Any]  # target -> True / False / UNKNOWN
    origin: str


class _Kind:
    """How a data resource type names its resources (S3 objects or Lambda functions)."""

    data_type: str
    target_type: str

    def __init__(self, model: Model):
        self.model = model

    # basic event_selector values
    def value_covers(self, value: str, target: Resource) -> Any:
        raise NotImplementedError

    # advanced selector resources.ARN operators
    def starts_with_covers(self, prefix: str, target: Resource) -> Any:
        raise NotImplementedError

    def not_starts_with_hits(self, prefix: str, target: Resource) -> Any:
        raise NotImplementedError

    def equals_covers(self, value: str, target: Resource) -> Any:
        return False

    def not_equals_hits(self, value: str, target: Resource) -> Any:
        raise NotImplementedError

    def name(self, target: Resource) -> Any:
        raise NotImplementedError

    def referenced(self, trail: Resource, path: str) -> list[Resource] | None:
        """Targets the expressions under ``path`` refer to; None when they refer to none."""
        found = []
        for address in trail.refs_under(path):
            for r in self.model.instances(address):
                if r.type == self.target_type and r not in found:
                    found.append(r)
        return found or None

    def ref_match(self, referenced: list[Resource] | None, target: Resource) -> Any:
        if referenced is None:
            return UNKNOWN
        if target in referenced or any(r.config_address == target.config_address and r.index == target.index
                                       for r in referenced):
            return True
        name = self.name(target)
        if name is UNKNOWN:
            return UNKNOWN
        return True if any(self.name(r) == name for r in referenced) else False


class _S3Kind(_Kind):
    data_type = S3_OBJECT
    target_type = "aws_s3_bucket"
    _ARN = re.compile(r"^arn:([^:]*):s3(?::::?(.*))?$")

    def name(self, target):
        return _s3.bucket_name(target)

    def ref_match(self, referenced, target):
        # A value built from a bucket reference ("${aws_s3_bucket.b.arn}/logs/") is unknown
        # until apply and may select only a key prefix, so a reference never proves the
        # whole bucket is covered: name the ARN from the bucket name (known at plan), or
        # use the all-buckets selector.
        match = super().ref_match(referenced, target)
        return UNKNOWN if match is True else match

    def value_covers(self, value, target):
        m = self._ARN.match(value)
        if not m:
            return False
        rest = m.group(2)
        if not rest:
            return True  # arn:aws:s3 / arn:aws:s3::: -> every bucket
        name = self.name(target)
        if name is UNKNOWN:
            return UNKNOWN
        return rest == name + "/"  # a longer prefix selects only part of the bucket

    def _object_prefixes(self, target):
        name = self.name(target)
        if name is UNKNOWN:
            return UNKNOWN
        return [f"arn:{p}:s3:::{name}/" for p in _PARTITIONS]

    def starts_with_covers(self, prefix, target):
        if self._ARN.match(prefix) and not self._ARN.match(prefix).group(2):
            return True
        if prefix in ("", "arn:", "arn"):
            return True
        arns = self._object_prefixes(target)
        if arns is UNKNOWN:
            return UNKNOWN
        return any(a.startswith(prefix) for a in arns)

    def not_starts_with_hits(self, prefix, target):
        arns = self._object_prefixes(target)
        if arns is UNKNOWN:
            return UNKNOWN
        return any(a.startswith(prefix) or prefix.startswith(a) for a in arns)

    def not_equals_hits(self, value, target):
        arns = self._object_prefixes(target)
        if arns is UNKNOWN:
            return UNKNOWN
        return any(value.startswith(a) for a in arns)


class _LambdaKind(_Kind):
    data_type = LAMBDA_FUNCTION
    target_type = "aws_lambda_function"
    _ALL = re.compile(r"^arn:[^:]*:lambda:?$")
    _ARN = re.compile(r"^arn:[^:]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::(.*))?$")

    def name(self, target):
        name = target.values.get("function_name")
        return name if isinstance(name, str) and name else UNKNOWN

    def _arn(self, target):
        arn = target.values.get("arn")
        return arn if isinstance(arn, str) and arn else None

    def value_covers(self, value, target):
        if self._ALL.match(value):
            return True
        arn = self._arn(target)
        if arn is not None:
            return value == arn
        m = self._ARN.match(value)
        if not m or m.group(2):  # a qualified ARN covers one version only
            return False
        name = self.name(target)
        return UNKNOWN if name is UNKNOWN else m.group(1) == name

    def equals_covers(self, value, target):
        return self.value_covers(value, target) if not self._ALL.match(value) else False

    def starts_with_covers(self, prefix, target):
        if self._ALL.match(prefix) or prefix in ("", "arn:", "arn"):
            return True
        arn = self._arn(target)
        if arn is not None:
            return arn.startswith(prefix)
        if ":function:" in prefix:
            fn = prefix.split(":function:", 1)[1]
            name = self.name(target)
            if name is UNKNOWN:
                return UNKNOWN
            return name.startswith(fn) if ":" not in fn else False
        # a region/account prefix: this configuration's account and region are not in the model
        return UNKNOWN

    def not_starts_with_hits(self, prefix, target):
        arn = self._arn(target)
        if arn is not None:
            return arn.startswith(prefix) or prefix.startswith(arn)
        if ":function:" in prefix:
            fn = prefix.split(":function:", 1)[1]
            name = self.name(target)
            if name is UNKNOWN:
                return UNKNOWN
            return name.startswith(fn) or fn.startswith(name + ":")
        return self.starts_with_covers(prefix, target)

    def not_equals_hits(self, value, target):
        return self.value_covers(value, target)


def _unknown_match(_target: Resource) -> Any:
    return UNKNOWN


def _basic_grants(kind: _Kind, trail: Resource) -> list[_Grant]:
    grants: list[_Grant] = []
    if trail.values.get("event_selector") is UNKNOWN:
        return [_Grant(UNKNOWN, UNKNOWN, _unknown_match, "event_selector (known after apply)")]
    for i, sel in enumerate(trail.blocks("event_selector")):
        rwt = sel.get("read_write_type")
        read, write = _read_write(rwt)
        drs = sel.get("data_resource")
        if drs is UNKNOWN:
            grants.append(_Grant(read, write, _unknown_match, f"event_selector.{i}.data_resource (known after apply)"))
            continue
        for j, dr in enumerate(d for d in (drs or []) if isinstance(d, dict)):
            rtype = dr.get("type")
            path = f"event_selector.{i}.data_resource.{j}"
            if rtype is UNKNOWN:
                grants.append(_Grant(read, write, _unknown_match, f"{path}.type (known after apply)"))
                continue
            if rtype != kind.data_type:
                continue
            values = dr.get("values")
            items = [UNKNOWN] if values is UNKNOWN else list(values or [])
            referenced = kind.referenced(trail, path)

            def match(target, items=items, referenced=referenced):
                return tri_any(kind.value_covers(v, target) if isinstance(v, str)
                               else kind.ref_match(referenced, target) for v in items)

            origin = (f"{path} values = {_show(values)}"
                      f"{'' if rwt is None else f', read_write_type = {_show(rwt)}'}")
            grants.append(_Grant(read, write, match, origin))
    return grants


_DATA_FIELDS = ("eventCategory", "resources.type", "readOnly", "resources.ARN")


def _advanced_grants(kind: _Kind, trail: Resource) -> list[_Grant]:
    grants: list[_Grant] = []
    selectors = trail.values.get("advanced_event_selector")
    if selectors is UNKNOWN:
        return [_Grant(UNKNOWN, UNKNOWN, _unknown_match, "advanced_event_selector (known after apply)")]
    for i, sel in enumerate(trail.blocks("advanced_event_selector")):
        path = f"advanced_event_selector.{i}"
        label = f"{path}" + (f" ({sel.get('name')!r})" if isinstance(sel.get("name"), str) else "")
        fields = _field_selectors(sel)
        if fields is UNKNOWN:
            grants.append(_Grant(UNKNOWN, UNKNOWN, _unknown_match, f"{label}.field_selector (known after apply)"))
            continue
        is_data = _equals_only(fields, "eventCategory", "Data")
        if is_data is False:
            continue
        is_type = _equals_only(fields, "resources.type", kind.data_type)
        if is_type is False:
            continue
        read, write, rw_note = _advanced_read_write(fields)
        applies = _tri_and(is_data, is_type)
        read, write = _tri_and(applies, read), _tri_and(applies, write)
        extra = sorted(set(fields) - set(_DATA_FIELDS))
        if extra:
            grants.append(_Grant(read, write, lambda t: False,
                                 f"{label} filters on {', '.join(extra)} (records only part of the events)"))
            continue
        arn_fields = fields.get("resources.ARN", [])
        referenced = kind.referenced(trail, path)
        match = _arn_matcher(kind, arn_fields, referenced)
        note = f"{label} eventCategory = Data, resources.type = {kind.data_type}"
        if arn_fields:
            note += ", resources.ARN " + "; ".join(
                f"{op} {_show(v)}" for fs in arn_fields for op, v in _ops(fs).items())
        if rw_note:
            note += ", " + rw_note
        grants.append(_Grant(read, write, match, note))
    return grants


def _arn_matcher(kind: _Kind, arn_fields: list[dict], referenced) -> Callable[[Resource], Any]:
    if not arn_fields:
        return lambda target: True
    all_ops = [_ops(fs) for fs in arn_fields]
    # Unknown values: resolvable through references only when they are confined to starts_with/equals.
    unknown_elsewhere = any(
        (v is UNKNOWN or any(not isinstance(x, str) for x in v))
        for ops in all_ops for op, v in ops.items() if op not in ("starts_with", "equals"))

    def positive(values, covers, target):
        if values is UNKNOWN:
            return UNKNOWN if unknown_elsewhere else kind.ref_match(referenced, target)
        return tri_any(covers(v, target) if isinstance(v, str)
                       else (UNKNOWN if unknown_elsewhere else kind.ref_match(referenced, target))
                       for v in values)

    def negative(values, hits, target):
        if values is UNKNOWN:
            return UNKNOWN
        return tri_all(_iam.tri_not(hits(v, target)) if isinstance(v, str) else UNKNOWN for v in values)

    def match(target):
        results = []
        for ops in all_ops:
            for op, values in ops.items():
                if op == "starts_with":
                    results.append(positive(values, kind.starts_with_covers, target))
                elif op == "equals":
                    results.append(positive(values, kind.equals_covers, target))
                elif op == "not_starts_with":
                    results.append(negative(values, kind.not_starts_with_hits, target))
                elif op == "not_equals":
                    results.append(negative(values, kind.not_equals_hits, target))
                else:  # ends_with / not_ends_with select or drop part of the objects
                    results.append(False)
        return tri_all(results)

    return match


def _coverage(kind: _Kind, trail: Resource, targets: list[Resource]) -> tuple[dict, list[_Grant]]:
    grants = _basic_grants(kind, trail) + _advanced_grants(kind, trail)
    out = {}
    for t in targets:
        matches = [g.match(t) for g in grants]
        read = tri_any(_tri_and(g.read, m) for g, m in zip(grants, matches))
        write = tri_any(_tri_and(g.write, m) for g, m in zip(grants, matches))
        out[t] = (read, write)
    return out, grants


def _sides(read: Any, write: Any, want: Any) -> str:
    sides = [s for s, v in (("reads", read), ("writes", write)) if v is want]
    return " and ".join(sides)


def _grant_summary(grants: list[_Grant], kind: _Kind, limit: int = 3) -> str:
    if not grants:
        return f"no event_selector data_resource or advanced_event_selector records {kind.data_type} data events"
    shown = "; ".join(g.origin for g in grants[:limit])
    more = f"; +{len(grants) - limit} more" if len(grants) > limit else ""
    return f"selectors: {shown}{more}"


def _data_event_findings(rule: Rule, kind: _Kind, trail: Resource, targets: list[Resource],
                         maybe_out_of_scope: set, what: str, describe) -> Finding:
    coverage, grants = _coverage(kind, trail, targets)
    missing, unsure = [], []
    for t in targets:
        read, write = coverage[t]
        if read is True and write is True:
            continue
        if t in maybe_out_of_scope or (read is not False and write is not False):
            unsure.append(f"{describe(t)}: {_sides(read, write, UNKNOWN) or _sides(read, write, False)}")
        else:
            missing.append(f"{describe(t)}: {_sides(read, write, False)}")
    summary = _grant_summary(grants, kind)
    if missing:
        return rule.failed(trail, f"{kind.data_type} data events not recorded for {len(missing)} {what}: "
                                  f"{'; '.join(missing)} ({summary})")
    if unsure:
        return rule.unknown(trail, f"cannot confirm {kind.data_type} data events for {len(unsure)} {what} "
                                   f"until apply: {'; '.join(unsure)} ({summary})")
    return rule.passed(trail, f"{kind.data_type} data events (reads and writes) recorded for all "
                              f"{len(targets)} {what} ({summary})")


# =============================================================================
# CT-002
# =============================================================================
@register
class TrailManagementEvents(_TrailRule):
    id = "CT-002"
    title = "CloudTrail records all management events (read and write)"
    clause = "Management events: all (read + write)"
    rationale = ("Read-only management calls (Describe*, Get*, List*) are how an intruder maps PHI systems; "
                 "write calls change them. Both must be in the audit trail.")
    fix = ("Use read_write_type = \"All\" with include_management_events = true (or no event selector), "
           "or an advanced_event_selector with eventCategory = Management and no readOnly filter.")
    example_fail = '''resource "aws_cloudtrail" "main" {
  name           = "org-trail"
  s3_bucket_name = aws_s3_bucket.trail.id
  event_selector {
    read_write_type           = "WriteOnly"
    include_management_events = true
  }
}'''
    example_pass = '''resource "aws_cloudtrail" "main" {
  name           = "org-trail"
  s3_bucket_name = aws_s3_bucket.trail.id
  event_selector {
    read_write_type           = "All"
    include_management_events = true
  }
}'''

    no_trail_message = _NO_TRAIL + ": management events are not recorded"

    def check(self, model, policy, trail):
        basic = trail.values.get("event_selector")
        advanced = trail.values.get("advanced_event_selector")
        if basic is UNKNOWN or advanced is UNKNOWN:
            yield self.unknown(trail, "event_selector / advanced_event_selector is not known until apply")
            return
        selectors = trail.blocks("event_selector")
        adv = trail.blocks("advanced_event_selector")
        if not selectors and not adv:
            yield self.passed(trail, "no event_selector or advanced_event_selector: CloudTrail records all "
                                     "management events (read and write) by default")
            return
        contributions: list[tuple[Any, Any]] = []
        notes: list[str] = []
        for i, sel in enumerate(selectors):
            include = sel.get("include_management_events")
            include = True if include is None else (include if include is UNKNOWN else include is True)
            rwt = sel.get("read_write_type")
            read, write = _read_write(rwt)
            excluded = sel.get("exclude_management_event_sources")
            full = _tri_and(include, UNKNOWN if excluded is UNKNOWN else not excluded)
            contributions.append((_tri_and(full, read), _tri_and(full, write)))
            inc = sel.get("include_management_events")
            bits = [f"include_management_events = {_show(inc) if inc is not None else 'unset (true)'}",
                    f"read_write_type = {_show(rwt) if rwt is not None else 'unset (All)'}"]
            if excluded:
                bits.append(f"exclude_management_event_sources = {_show(sorted(excluded) if isinstance(excluded, (list, set, tuple)) else excluded)}")
            notes.append(f"event_selector.{i}: " + ", ".join(bits))
        for i, sel in enumerate(adv):
            fields = _field_selectors(sel)
            if fields is UNKNOWN:
                contributions.append((UNKNOWN, UNKNOWN))
                notes.append(f"advanced_event_selector.{i}: field_selector known after apply")
                continue
            is_mgmt = _equals_only(fields, "eventCategory", "Management")
            if is_mgmt is False:
                continue
            read, write, rw_note = _advanced_read_write(fields)
            extra = sorted(set(fields) - {"eventCategory", "readOnly"})
            full = _tri_and(is_mgmt, not extra)
            contributions.append((_tri_and(full, read), _tri_and(full, write)))
            note = f"advanced_event_selector.{i}: eventCategory = Management"
            if rw_note:
                note += f", {rw_note}"
            if extra:
                note += f", filtered on {', '.join(extra)}"
            notes.append(note)
        read = tri_any(c[0] for c in contributions)
        write = tri_any(c[1] for c in contributions)
        detail = "; ".join(notes) if notes else "no selector includes management events"
        if read is True and write is True:
            yield self.passed(trail, f"all management events recorded ({detail})")
        elif read is False or write is False:
            gap = _sides(read, write, False)
            yield self.failed(trail, f"management event {gap} are not recorded ({detail})")
        else:
            yield self.unknown(trail, f"management event {_sides(read, write, UNKNOWN)} coverage is not "
                                      f"known until apply ({detail})")


# =============================================================================
# CT-003
# =============================================================================
@register
class TrailS3DataEvents(_TrailRule):
    id = "CT-003"
    title = "CloudTrail records S3 data events (reads and writes) for every in-scope bucket"
    clause = "Data events: S3 (all buckets in scope), Lambda if used"
    rationale = ("Reads of PHI objects are only visible as S3 data events; without them nobody can say who "
                 "downloaded a record. Both reads (GetObject) and writes must be recorded.")
    fix = ("Add an event_selector with read_write_type = \"All\" and data_resource { type = \"AWS::S3::Object\", "
           "values = [\"arn:aws:s3\"] } (or an advanced_event_selector for eventCategory Data / AWS::S3::Object).")
    example_fail = '''resource "aws_cloudtrail" "main" {
  name           = "org-trail"
  s3_bucket_name = aws_s3_bucket.trail.id
  event_selector {
    read_write_type = "WriteOnly"
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
  }
}'''
    example_pass = '''resource "aws_cloudtrail" "main" {
  name           = "org-trail"
  s3_bucket_name = aws_s3_bucket.trail.id
  event_selector {
    read_write_type = "All"
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
  }
}'''

    no_trail_message = _NO_TRAIL + ": S3 data events are not recorded"

    def check(self, model, policy, trail):
        kind = _S3Kind(model)
        targets, maybe = [], set()
        for bucket in model.of_type("aws_s3_bucket"):
            name = _s3.bucket_name(bucket)
            if name is UNKNOWN:
                if policy.s3_data_event_buckets != "all":
                    maybe.add(bucket)
                targets.append(bucket)
            elif policy.bucket_in_data_event_scope(name):
                targets.append(bucket)
        if not targets:
            coverage, grants = _coverage(kind, trail, [])
            yield self.passed(trail, "no in-scope aws_s3_bucket in this configuration "
                                     f"(s3_data_event_buckets = {_show(policy.s3_data_event_buckets)}; "
                                     f"{_grant_summary(grants, kind)})")
            return
        yield _data_event_findings(self, kind, trail, targets, maybe, "in-scope bucket(s)", _s3.describe)


# =============================================================================
# CT-004
# =============================================================================
@register
class TrailLambdaDataEvents(_TrailRule):
    id = "CT-004"
    title = "CloudTrail records Lambda data events when Lambda is used"
    clause = "Data events: S3 (all buckets in scope), Lambda if used"
    rationale = ("Lambda invocations that touch PHI are only visible as Lambda data events; when the "
                 "configuration runs functions, their invocations must be in the audit trail.")
    fix = ("Add data_resource { type = \"AWS::Lambda::Function\", values = [\"arn:aws:lambda\"] } to an "
           "event_selector with read_write_type = \"All\".")
    example_fail = '''resource "aws_lambda_function" "f" { function_name = "phi-export" ... }
resource "aws_cloudtrail" "main" {
  name                  = "org-trail"
  s3_bucket_name        = aws_s3_bucket.trail.id
}'''
    example_pass = '''resource "aws_cloudtrail" "main" {
  name           = "org-trail"
  s3_bucket_name = aws_s3_bucket.trail.id
  event_selector {
    read_write_type = "All"
    data_resource {
      type   = "AWS::Lambda::Function"
      values = ["arn:aws:lambda"]
    }
  }
}'''

    no_trail_message = _NO_TRAIL + ": Lambda data events are not recorded"

    def evaluate(self, model, policy):
        functions = model.of_type("aws_lambda_function")
        if not policy.lambda_data_events_if_used:
            yield self.passed(ACCOUNT, "not applicable: policy lambda_data_events_if_used = false")
            return
        if not functions:
            trails = model.of_type(TRAIL)
            for subject in trails or [ACCOUNT]:
                yield self.passed(subject, "not applicable: no aws_lambda_function in this configuration")
            return
        yield from super().evaluate(model, policy)

    def check(self, model, policy, trail):
        functions = model.of_type("aws_lambda_function")

        def describe(fn):
            name = fn.values.get("function_name")
            return f"{fn.address} ({name!r})" if isinstance(name, str) else fn.address

        yield _data_event_findings(self, _LambdaKind(model), trail, functions, set(), "Lambda function(s)",
                                   describe)


# =============================================================================
# CT-005
# =============================================================================
@register
class TrailKmsEncryption(_TrailRule):
    id = "CT-005"
    title = "CloudTrail log files are encrypted with a customer-managed KMS key"
    clause = "CloudTrail log files encrypted with KMS CMK"
    rationale = ("A customer-managed key lets the organisation control and audit who can decrypt audit logs "
                 "and revoke access; SSE-S3 or an AWS-managed key gives no such control.")
    fix = "Set kms_key_id to the ARN of an aws_kms_key with enable_key_rotation = true."
    example_fail = '''resource "aws_cloudtrail" "main" {
  name           = "org-trail"
  s3_bucket_name = aws_s3_bucket.trail.id
  kms_key_id     = "alias/aws/cloudtrail"
}'''
    example_pass = '''resource "aws_kms_key" "trail" { enable_key_rotation = true }
resource "aws_cloudtrail" "main" {
  name           = "org-trail"
  s3_bucket_name = aws_s3_bucket.trail.id
  kms_key_id     = aws_kms_key.trail.arn
}'''

    no_trail_message = _NO_TRAIL + ": no trail log files are encrypted with a CMK"

    def check(self, model, policy, trail):
        result = check_cmk(model, trail, "kms_key_id")
        yield self.finding(result.status, trail, result.message)


# =============================================================================
# CT-006
# =============================================================================
@register
class TrailLogFileValidation(_TrailRule):
    id = "CT-006"
    title = "CloudTrail log file validation is enabled"
    clause = "Log file validation enabled (tamper-detection)"
    rationale = ("Digest files signed by CloudTrail prove that delivered log files were not modified or "
                 "deleted; without them tampering with the audit trail goes unnoticed.")
    fix = "Set enable_log_file_validation = true on the trail."
    example_fail = '''resource "aws_cloudtrail" "main" {
  name                       = "org-trail"
  s3_bucket_name             = aws_s3_bucket.trail.id
  enable_log_file_validation = false
}'''
    example_pass = '''resource "aws_cloudtrail" "main" {
  name                       = "org-trail"
  s3_bucket_name             = aws_s3_bucket.trail.id
  enable_log_file_validation = true
}'''

    no_trail_message = _NO_TRAIL + ": no log file validation"

    def check(self, model, policy, trail):
        value = trail.values.get("enable_log_file_validation")
        if value is True:
            yield self.passed(trail, "enable_log_file_validation = true")
        elif value is UNKNOWN:
            yield self.unknown(trail, "enable_log_file_validation is not known until apply")
        elif value is None:
            yield self.failed(trail, "enable_log_file_validation is unset (default false): log files are not validated")
        else:
            yield self.failed(trail, f"enable_log_file_validation = {_show(value)}: log files are not validated")


# =============================================================================
# the trail's bucket (CT-007 .. CT-009)
# =============================================================================
def trail_buckets(model: Model, trail: Resource) -> tuple[list[Resource], str | None]:
    """The managed aws_s3_bucket(s) the trail delivers to, or ([], why not) when unresolved."""
    found = model.targets(trail, "s3_bucket_name", "aws_s3_bucket")
    managed = [b for b in found if b.mode == "managed"]
    if managed:
        if len(managed) > 1:
            same = [b for b in managed if b.module_path == trail.module_path and b.index == trail.index]
            managed = same or managed
        return managed, None
    value = trail.values.get("s3_bucket_name")
    if found:
        return [], (f"s3_bucket_name refers to {found[0].address}, a bucket not managed in this configuration; "
                    "cannot check its settings")
    refs = trail.refs_at("s3_bucket_name")
    if refs:
        return [], f"s3_bucket_name refers to {', '.join(refs)}, which is not an aws_s3_bucket in this configuration"
    if value is UNKNOWN:
        return [], "s3_bucket_name is not known until apply and refers to no aws_s3_bucket"
    if value is None or value == "":
        return [], "s3_bucket_name is not set"
    return [], f"s3_bucket_name = {_show(value)} names no aws_s3_bucket in this configuration"


class _BucketRule(_TrailRule):
    def check(self, model, policy, trail):
        buckets, why = trail_buckets(model, trail)
        if not buckets:
            yield self.unknown(trail, why)
            return
        results = [self.check_bucket(model, policy, trail, b) for b in buckets]
        status = _s3.worst(r.status for r in results)
        chosen = [r for r in results if r.status == status]
        yield self.finding(status, trail, "; ".join(r.message for r in chosen))

    def check_bucket(self, model, policy, trail, bucket) -> _s3.Check:
        raise NotImplementedError


@register
class TrailBucketDedicated(_BucketRule):
    id = "CT-007"
    title = "CloudTrail delivers to a dedicated S3 bucket with restricted access"
    clause = "Logs delivered to dedicated S3 bucket with restricted access"
    rationale = ("Only the log delivery services may write into the audit log bucket; any other writer, a "
                 "public grant, or a bucket shared with application data can forge, overwrite or expose logs.")
    fix = ("Deliver to a bucket used for logs only, whose bucket policy allows s3:PutObject to "
           "cloudtrail.amazonaws.com (and config / delivery.logs) only, with no Principal \"*\" Allow.")
    example_fail = '''resource "aws_s3_bucket_policy" "trail" {
  bucket = aws_s3_bucket.trail.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Principal = { AWS = "arn:aws:iam::999999999999:root" },
    Action = "s3:PutObject", Resource = "arn:aws:s3:::trail-logs/*" }] })
}'''
    example_pass = '''resource "aws_s3_bucket_policy" "trail" {
  bucket = aws_s3_bucket.trail.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Principal = { Service = "cloudtrail.amazonaws.com" },
    Action = "s3:PutObject", Resource = "arn:aws:s3:::trail-logs/AWSLogs/*" }] })
}'''

    no_trail_message = _NO_TRAIL + ": no logs are delivered to a dedicated bucket"

    def check_bucket(self, model, policy, trail, bucket):
        problems: list[str] = []
        unsure: list[str] = []
        uses = _s3.non_log_uses(model, bucket, policy.screenshot_bucket)
        if uses:
            problems.append(f"not dedicated to logs: {'; '.join(uses)}")
        acl = _s3.acl_exposure(model, bucket)
        if acl.status == FAIL:
            problems.append(f"public ACL: {acl.message}")
        elif acl.status == UNKNOWN_STATUS:
            unsure.append(acl.message)
        statements, sources = _s3.bucket_policies(model, bucket)
        where = ", ".join(s.address for s in sources)
        allowed = [s for s in LOG_DELIVERY_SERVICES if s in policy.log_access_services]
        if statements is None:
            problems.append("no bucket policy (no aws_s3_bucket_policy refers to it): access is not restricted "
                            "to the log delivery services")
        elif statements is UNKNOWN:
            unsure.append(f"bucket policy {where} is not known until apply and refers to no readable "
                          "aws_iam_policy_document")
        else:
            bad, maybe = _policy_problems(statements, allowed)
            problems.extend(f"bucket policy {where}: {m}" for m in bad)
            unsure.extend(f"bucket policy {where}: {m}" for m in maybe)
        subject = _s3.describe(bucket)
        if problems:
            return _s3.Check(FAIL, f"{subject}: {'; '.join(problems)}")
        if unsure:
            return _s3.Check(UNKNOWN_STATUS, f"{subject}: {'; '.join(unsure)}")
        return _s3.Check(PASS, f"{subject} is used for logs only; its policy ({where}) lets no principal but "
                               f"{', '.join(allowed)} write and none is public")


def _stmt_label(stmt: dict, i: int) -> str:
    sid = stmt.get("Sid")
    return f"statement {sid!r}" if isinstance(sid, str) and sid else f"statement {i}"


def _written_actions(stmt: dict) -> str:
    actions = stmt.get("Action")
    if actions:
        return f"Action = {_show(actions)}"
    return f"NotAction = {_show(stmt.get('NotAction'))}"


def _policy_problems(statements: list[dict], allowed: list[str]) -> tuple[list[str], list[str]]:
    """(definite problems, undecidable points) of a trail bucket's policy statements.

    Deny statements only take access away and are skipped.  An Allow fails when
    it names everyone (Principal "*", AWS "*", or NotPrincipal), or lets any
    principal other than the allowed log delivery services write.
    """
    problems: list[str] = []
    unsure: list[str] = []
    for i, stmt in enumerate(statements):
        label = _stmt_label(stmt, i)
        effect = stmt.get("Effect")
        if effect == "Deny":
            continue
        if effect is UNKNOWN:
            unsure.append(f"{label}: Effect known after apply")
            continue
        if stmt.get("NotPrincipal"):
            problems.append(f"{label}: Allow with NotPrincipal grants every other principal "
                            f"({_written_actions(stmt)})")
            continue
        entries = _iam.principal_entries(stmt.get("Principal"))
        if entries is UNKNOWN:
            unsure.append(f"{label}: Principal known after apply ({_written_actions(stmt)})")
            continue
        writes = _iam.grants_any_action(stmt, WRITE_ACTIONS)
        for kind, ident in entries:
            shown = f"{kind} {_show(ident)}"
            if kind == "*" or (kind == "AWS" and ident == "*"):
                problems.append(f"{label}: Allow to Principal \"*\" ({_written_actions(stmt)})")
            elif kind == "Service" and ident in allowed:
                continue
            elif kind == "Service" and ident is UNKNOWN:
                if writes is not False:
                    unsure.append(f"{label}: Principal {shown} with {_written_actions(stmt)}")
            elif writes is True:
                problems.append(f"{label}: Principal {shown} may write ({_written_actions(stmt)})")
            elif writes is UNKNOWN:
                unsure.append(f"{label}: Principal {shown}: whether {_written_actions(stmt)} writes is "
                              "known after apply")
            elif ident is UNKNOWN and kind == "AWS":
                unsure.append(f"{label}: Principal AWS known after apply could be \"*\" "
                              f"({_written_actions(stmt)})")
    return problems, unsure


@register
class TrailBucketVersioning(_BucketRule):
    id = "CT-008"
    title = "CloudTrail bucket has versioning enabled"
    clause = "CloudTrail S3 bucket: versioning enabled, no public access"
    rationale = ("Versioning keeps every version of a log file, so an overwritten or deleted audit log can be "
                 "recovered and the change is itself visible.")
    fix = "Add an aws_s3_bucket_versioning for the trail bucket with versioning_configuration { status = \"Enabled\" }."
    example_fail = '''resource "aws_s3_bucket_versioning" "trail" {
  bucket = aws_s3_bucket.trail.id
  versioning_configuration { status = "Suspended" }
}'''
    example_pass = '''resource "aws_s3_bucket_versioning" "trail" {
  bucket = aws_s3_bucket.trail.id
  versioning_configuration { status = "Enabled" }
}'''

    no_trail_message = _NO_TRAIL + ": no trail bucket has versioning"

    def check_bucket(self, model, policy, trail, bucket):
        return _s3.versioning(model, bucket)


@register
class TrailBucketPublicAccess(_BucketRule):
    id = "CT-009"
    title = "CloudTrail bucket blocks all public access"
    clause = "CloudTrail S3 bucket: versioning enabled, no public access"
    rationale = ("Audit logs describe PHI systems and who touched them; a public ACL or policy on their bucket "
                 "exposes them. All four public access block settings close that door.")
    fix = ("Add an aws_s3_bucket_public_access_block for the trail bucket with block_public_acls, "
           "block_public_policy, ignore_public_acls and restrict_public_buckets all true.")
    example_fail = '''resource "aws_s3_bucket_public_access_block" "trail" {
  bucket                  = aws_s3_bucket.trail.id
  block_public_acls       = true
  block_public_policy     = false
  ignore_public_acls      = true
  restrict_public_buckets = true
}'''
    example_pass = '''resource "aws_s3_bucket_public_access_block" "trail" {
  bucket                  = aws_s3_bucket.trail.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}'''

    no_trail_message = _NO_TRAIL + ": no trail bucket blocks public access"

    def check_bucket(self, model, policy, trail, bucket):
        return _s3.public_access(model, bucket)
