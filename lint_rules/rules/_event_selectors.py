"""Reading CloudTrail event selectors: which events of which resources a trail records.

Basic ``event_selector`` blocks and ``advanced_event_selector`` field selectors
are turned into grants (reads, writes, which targets they match) so the
data-event rules can ask "are reads and writes of this bucket recorded?".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from ..engine import Finding, Rule
from ..model import UNKNOWN, Hole, Model, PartialString, Resource
from . import _iam, _s3
from ._iam import tri_all, tri_any
from ._trail import S3_OBJECT, LAMBDA_FUNCTION, PARTITIONS, show, tri_and

# =============================================================================
# event selectors
# =============================================================================
def read_write(value: Any) -> tuple[Any, Any]:
    """read_write_type -> (records reads, records writes)."""
    if value is None or value == "All":
        return True, True
    if value == "ReadOnly":
        return True, False
    if value == "WriteOnly":
        return False, True
    return UNKNOWN, UNKNOWN


def field_selectors(selector: dict) -> dict[str, list[dict]] | Any:
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


def equals_only(fields: dict, name: str, wanted: str) -> Any:
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


def advanced_read_write(fields: dict) -> tuple[Any, Any, str]:
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
        note = f"readOnly {', '.join(f'{k} {show(v)}' for k, v in ops.items())}"
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

    def partial_covers(self, value: PartialString, target: Resource, op: str) -> Any:
        """Does a value known only in part (HCL) select every event of ``target``?
        ``op``: "values" (basic selector), "starts_with" or "equals".  True / False /
        UNKNOWN, or None when the known parts say nothing (use :meth:`ref_match`)."""
        return None

    def _hole_targets(self, hole: Any, *attrs: str) -> list[Resource] | None:
        """The resources of ``target_type`` whose ``attrs`` the hole exactly is, or None."""
        if not isinstance(hole, Hole) or len(hole.refs) != 1:
            return None
        address, _, attr = hole.refs[0].rpartition(".")
        if attr not in attrs:
            return None
        found = [r for r in self.model.instances(address) if r.type == self.target_type]
        return found or None

    def partial_hits(self, value: PartialString, target: Resource, op: str) -> Any:
        """Does an exclusion known only in part (``not_starts_with`` / ``not_equals``, HCL) drop any
        event of ``target``?  True / False / UNKNOWN, or None when the known parts say nothing."""
        return None

    def ref_hits(self, referenced: list[Resource] | None, target: Resource) -> Any:
        """Does an exclusion built from the resources it refers to (a plan keeps only the
        references) drop events of ``target``?  It is taken to name those resources' ARNs or
        names, so it reaches ``target`` only when ``target`` is one of them or its name starts
        with one of their names (an ARN prefix without a trailing "/" matches longer names too)."""
        if referenced is None:
            return UNKNOWN
        if target in referenced or any(r.config_address == target.config_address and r.index == target.index
                                       for r in referenced):
            return True
        name = self.name(target)
        names = [self.name(r) for r in referenced]
        if name is UNKNOWN or any(n is UNKNOWN for n in names):
            return UNKNOWN
        return any(name.startswith(n) for n in names)

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


class S3Kind(_Kind):
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

    _ARN_HEADS = tuple(f"arn:{p}:s3:::" for p in PARTITIONS)

    def partial_covers(self, value, target, op):
        # "${B.arn}/" or "arn:aws:s3:::${B.bucket}/" (B.id is the name too) selects all of bucket
        # B, and only of B; any known text after the "/" is a key prefix: part of B only.
        if op not in ("values", "starts_with"):
            return None
        parts = value.parts
        buckets = self._hole_targets(parts[0], "arn")
        rest = parts[1:]
        if buckets is None and len(parts) >= 2 and parts[0] in self._ARN_HEADS:
            buckets = self._hole_targets(parts[1], "bucket", "id")
            rest = parts[2:]
        if buckets is None or not rest or not isinstance(rest[0], str) or not rest[0].startswith("/"):
            return None
        after = PartialString((rest[0][1:],) + tuple(rest[1:]))
        if any(isinstance(p, str) for p in after.parts):
            return False  # a key prefix inside the bucket
        if target not in buckets:
            return False  # another bucket resource is another bucket
        return True if not after.parts else UNKNOWN

    def partial_hits(self, value, target, op):
        # "${B.arn}/..." or "arn:aws:s3:::${B.bucket}/...": objects of bucket B only (another bucket
        # resource has another name); without the "/", every bucket whose name starts with B's
        parts = value.parts
        buckets = self._hole_targets(parts[0], "arn")
        rest = parts[1:]
        if buckets is None and len(parts) >= 2 and parts[0] in self._ARN_HEADS:
            buckets = self._hole_targets(parts[1], "bucket", "id")
            rest = parts[2:]
        if buckets is None:
            return None
        if target in buckets:
            return True
        if rest and isinstance(rest[0], str) and rest[0].startswith("/"):
            return False
        if op == "not_equals":
            return False  # one exact ARN of B: no object of another bucket
        name = self.name(target)
        names = [self.name(b) for b in buckets]
        if name is UNKNOWN or UNKNOWN in names:
            return UNKNOWN
        return any(name.startswith(n) for n in names)

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
        return [f"arn:{p}:s3:::{name}/" for p in PARTITIONS]

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


class LambdaKind(_Kind):
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

    def partial_covers(self, value, target, op):
        # "${F.arn}" is function F (every version); "${F.arn}:..." one qualified version only
        functions = self._hole_targets(value.parts[0], "arn")
        if functions is None:
            return None
        rest = value.parts[1:]
        if op in ("values", "equals"):
            if not rest:
                return target in functions  # another function resource has another ARN
            if isinstance(rest[0], str) and rest[0].startswith(":"):
                return False
            if target in functions and any(isinstance(p, str) for p in rest):
                return False  # F's ARN followed by more text is not F's ARN
            return UNKNOWN
        if op == "starts_with" and not rest and target in functions:
            return True
        return None

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
        read, write = read_write(rwt)
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
            partials = _partial_items(kind.model, trail, f"{path}.values", items)

            def match(target, items=items, referenced=referenced, partials=partials):
                return tri_any(kind.value_covers(v, target) if isinstance(v, str)
                               else _partial_or_ref(kind, p, "values", referenced, target)
                               for v, p in zip(items, partials))

            shown = values if not any(partials) else [f"{p.template}" if p is not None else v
                                                       for v, p in zip(items, partials)]
            origin = (f"{path} values = {show(shown)}"
                      f"{'' if rwt is None else f', read_write_type = {show(rwt)}'}")
            grants.append(_Grant(read, write, match, origin))
    return grants


_DATA_FIELDS = ("eventCategory", "resources.type", "readOnly", "resources.ARN")


def _advanced_grants(kind: _Kind, trail: Resource, ignore_exclusions: bool = False) -> list[_Grant]:
    grants: list[_Grant] = []
    selectors = trail.values.get("advanced_event_selector")
    if selectors is UNKNOWN:
        return [_Grant(UNKNOWN, UNKNOWN, _unknown_match, "advanced_event_selector (known after apply)")]
    for i, sel in enumerate(trail.blocks("advanced_event_selector")):
        path = f"advanced_event_selector.{i}"
        label = f"{path}" + (f" ({sel.get('name')!r})" if isinstance(sel.get("name"), str) else "")
        fields = field_selectors(sel)
        if fields is UNKNOWN:
            grants.append(_Grant(UNKNOWN, UNKNOWN, _unknown_match, f"{label}.field_selector (known after apply)"))
            continue
        is_data = equals_only(fields, "eventCategory", "Data")
        if is_data is False:
            continue
        is_type = equals_only(fields, "resources.type", kind.data_type)
        if is_type is False:
            continue
        read, write, rw_note = advanced_read_write(fields)
        applies = tri_and(is_data, is_type)
        read, write = tri_and(applies, read), tri_and(applies, write)
        extra = sorted(set(fields) - set(_DATA_FIELDS))
        if extra:
            grants.append(_Grant(read, write, lambda t: False,
                                 f"{label} filters on {', '.join(extra)} (records only part of the events)"))
            continue
        arn_fields = fields.get("resources.ARN", [])
        referenced = kind.referenced(trail, path)
        partials = [{op: _partial_items(kind.model, trail, f"{path}.field_selector.{j}.{op}",
                                        fs.get(op) if isinstance(fs.get(op), list) else None)
                     for op in ("starts_with", "equals", "not_starts_with", "not_equals")}
                    for j, fs in enumerate(sel.get("field_selector") or [])
                    if isinstance(fs, dict) and fs.get("field") == "resources.ARN"]
        match = _arn_matcher(kind, arn_fields, referenced, partials, ignore_exclusions)
        note = f"{label} eventCategory = Data, resources.type = {kind.data_type}"
        if arn_fields:
            note += ", resources.ARN " + "; ".join(
                f"{op} {show(v)}" for fs in arn_fields for op, v in _ops(fs).items())
        if rw_note:
            note += ", " + rw_note
        grants.append(_Grant(read, write, match, note))
    return grants


def _partial_items(model: Model, resource: Resource, path: str, items: list | None) -> list:
    """The partially known form of each element of the list ``items`` at ``path`` (HCL), aligned
    with ``items``; None for an element without one."""
    if not items:
        return [None] * len(items or [])
    form = model.partial_value(resource, path)
    if not isinstance(form, list) or len(form) != len(items):
        return [None] * len(items)
    return [p if isinstance(p, PartialString) and not isinstance(v, str) else None for v, p in zip(items, form)]


def _partial_or_ref(kind: _Kind, partial: PartialString | None, op: str, referenced, target: Resource) -> Any:
    """An element that is not a known string: judged on its known parts when they say enough,
    else through the selector's references."""
    if partial is not None:
        verdict = kind.partial_covers(partial, target, op)
        if verdict is not None:
            return verdict
    return kind.ref_match(referenced, target)


def _arn_matcher(kind: _Kind, arn_fields: list[dict], referenced,
                 partials: list[dict] | None = None, ignore_exclusions: bool = False) -> Callable[[Resource], Any]:
    if not arn_fields:
        return lambda target: True
    all_ops = [_ops(fs) for fs in arn_fields]

    def unknown_in(ops_names) -> bool:
        return any((v is UNKNOWN or any(not isinstance(x, str) for x in v))
                   for ops in all_ops for op, v in ops.items() if op in ops_names)

    # Values known only after apply resolve through the selector's references, which a plan keeps
    # for the selector as a whole: they can be told apart only when the unknown values are all on
    # one side (all selecting, or all excluding).
    unknown_positive = unknown_in(("starts_with", "equals"))
    unknown_negative = unknown_in(("not_starts_with", "not_equals"))
    unknown_elsewhere = unknown_negative or unknown_in(("ends_with", "not_ends_with"))

    def positive(values, covers, target, op, forms):
        if values is UNKNOWN:
            return UNKNOWN if unknown_elsewhere else kind.ref_match(referenced, target)
        forms = forms if forms is not None and len(forms) == len(values) else [None] * len(values)
        return tri_any(covers(v, target) if isinstance(v, str)
                       else _partial_or_ref(kind, p, op, None if unknown_elsewhere else referenced, target)
                       for v, p in zip(values, forms))

    def negative(values, hits, target, op, forms):
        if values is UNKNOWN:
            return UNKNOWN
        forms = forms if forms is not None and len(forms) == len(values) else [None] * len(values)
        return tri_all(_iam.tri_not(hits(v, target)) if isinstance(v, str)
                       else _iam.tri_not(_partial_or_ref_hits(kind, p, op, None if unknown_positive else referenced,
                                                             target))
                       for v, p in zip(values, forms))

    if partials is None or len(partials) != len(arn_fields):
        partials = [{} for _ in arn_fields]

    def match(target):
        results = []
        for ops, forms in zip(all_ops, partials):
            for op, values in ops.items():
                if op == "starts_with":
                    results.append(positive(values, kind.starts_with_covers, target, op, forms.get(op)))
                elif op == "equals":
                    results.append(positive(values, kind.equals_covers, target, op, forms.get(op)))
                elif ignore_exclusions and op in ("not_starts_with", "not_equals"):
                    continue
                elif op == "not_starts_with":
                    results.append(negative(values, kind.not_starts_with_hits, target, op, forms.get(op)))
                elif op == "not_equals":
                    results.append(negative(values, kind.not_equals_hits, target, op, forms.get(op)))
                else:  # ends_with / not_ends_with select or drop part of the objects
                    results.append(False)
        return tri_all(results)

    return match


def _partial_or_ref_hits(kind: _Kind, partial: PartialString | None, op: str, referenced, target: Resource) -> Any:
    """Does an exclusion element that is not a known string drop events of ``target``?"""
    if partial is not None:
        verdict = kind.partial_hits(partial, target, op)
        if verdict is not None:
            return verdict
    return kind.ref_hits(referenced, target)


def grant_coverage(kind: _Kind, trail: Resource, targets: list[Resource],
                   ignore_exclusions: bool = False) -> tuple[dict, list[_Grant]]:
    """{target: (reads recorded, writes recorded)}; ``ignore_exclusions``: as if the advanced
    selectors' not_starts_with / not_equals were not there."""
    grants = _basic_grants(kind, trail) + _advanced_grants(kind, trail, ignore_exclusions)
    out = {}
    for t in targets:
        matches = [g.match(t) for g in grants]
        read = tri_any(tri_and(g.read, m) for g, m in zip(grants, matches))
        write = tri_any(tri_and(g.write, m) for g, m in zip(grants, matches))
        out[t] = (read, write)
    return out, grants


def sides(read: Any, write: Any, want: Any) -> str:
    sides = [s for s, v in (("reads", read), ("writes", write)) if v is want]
    return " and ".join(sides)


def grant_summary(grants: list[_Grant], kind: _Kind, limit: int = 3) -> str:
    if not grants:
        return f"no event_selector data_resource or advanced_event_selector records {kind.data_type} data events"
    shown = "; ".join(g.origin for g in grants[:limit])
    more = f"; +{len(grants) - limit} more" if len(grants) > limit else ""
    return f"selectors: {shown}{more}"


def excluded(kind: _Kind, trail: Resource, targets: list[Resource]) -> list[Resource]:
    """The targets a selector records only because an exclusion (not_starts_with / not_equals)
    explicitly drops them: recorded without the exclusions, not with them."""
    if not targets:
        return []
    with_, _ = grant_coverage(kind, trail, targets)
    without, _ = grant_coverage(kind, trail, targets, ignore_exclusions=True)
    return [t for t in targets if without[t] == (True, True) and with_[t] != (True, True)]


def _covers_any(kind: _Kind, trail: Resource) -> bool:
    """Does the trail record reads and writes of every resource of the kind, even one it cannot
    see (in a module that was not read): is an unnamed target covered?"""
    stranger = Resource(address=f"{kind.target_type}.(not read)", mode="managed", type=kind.target_type,
                        name="(not read)", provider=trail.provider)
    coverage, _ = grant_coverage(kind, trail, [stranger])
    return coverage[stranger] == (True, True)


def data_event_findings(rule: Rule, model: Model, kind: _Kind, targets: list[Resource], maybe_out_of_scope: set,
                         what: str, describe, exempt: Callable[[Resource], dict] = lambda trail: {},
                         nothing: str = "") -> Iterator[Finding]:
    """One finding per trail: are reads and writes of every target in the accounts it logs recorded?

    A target that another trail logging its account records (a management trail beside a data-event
    trail) is accepted on this trail with a note saying which; ``exempt(trail)`` ({target: why})
    names targets the trail need not record.  Fail closed: a pass that rests on the configuration
    holding no other targets is unknown while a module was not read, unless the selectors record
    every resource of the kind.
    """
    from ._trail import covered_accounts  # noqa: PLC0415  (a cycle: _trail imports nothing from here)

    trails = model.of_type("aws_cloudtrail")
    scopes = {t.address: covered_accounts(model, t) for t in trails}
    targets_by_account: dict[str, list[int]] = {}
    for i, x in enumerate(targets):
        targets_by_account.setdefault(model.account_of(x), []).append(i)
    trails_by_account: dict[str, list[Resource]] = {}
    for t in trails:
        for account in dict.fromkeys(scopes[t.address]):
            trails_by_account.setdefault(account, []).append(t)
    per_trail = {}
    for t in trails:
        mine = [targets[i] for i in sorted({i for a in scopes[t.address] for i in targets_by_account.get(a, ())})]
        per_trail[t.address] = (mine,) + grant_coverage(kind, t, mine)
    for trail in trails:
        mine, coverage, grants = per_trail[trail.address]
        summary = grant_summary(grants, kind)
        absent_in = None if _covers_any(kind, trail) else model
        if not mine:
            shown = f" ({summary})" if grants else ""  # "no selector records ..." would read like a failure
            yield rule.passed(trail, f"{nothing or f'no {what}'} in the account{'s' if len(scopes[trail.address]) > 1 else ''} "
                                     f"it logs{shown}", absent_in=absent_in)
            continue
        missing, unsure, notes = [], [], []
        excused = exempt(trail)
        for t in mine:
            read, write = coverage[t]
            if read is True and write is True:
                continue
            others = [o for o in trails_by_account.get(model.account_of(t), []) if o is not trail]
            by = [o for o in others if per_trail[o.address][1].get(t) == (True, True)]
            if by:
                notes.append(f"{describe(t)} is recorded by {by[0].address}")
                continue
            if t in excused:
                notes.append(f"{describe(t)} is not recorded: {excused[t]}")
                continue
            o_read = tri_any([read] + [per_trail[o.address][1].get(t, (False, False))[0] for o in others])
            o_write = tri_any([write] + [per_trail[o.address][1].get(t, (False, False))[1] for o in others])
            if t in maybe_out_of_scope or (o_read is not False and o_write is not False):
                unsure.append(f"{describe(t)}: {sides(o_read, o_write, UNKNOWN) or sides(o_read, o_write, False)}")
            else:
                missing.append(f"{describe(t)}: {sides(o_read, o_write, False)}")
        note = f"; {'; '.join(notes)}" if notes else ""
        if missing:
            yield rule.failed(trail, f"{kind.data_type} data events not recorded for {len(missing)} {what}: "
                                     f"{'; '.join(missing)} ({summary})")
        elif unsure:
            yield rule.unknown(trail, f"cannot confirm {kind.data_type} data events for {len(unsure)} {what} "
                                      f"until apply: {'; '.join(unsure)} ({summary})")
        else:
            yield rule.passed(trail, f"{kind.data_type} data events (reads and writes) recorded for all "
                                     f"{len(mine)} {what} ({summary}){note}", absent_in=absent_in)
