"""Shared helpers for the "Log Sources" rules: where a log source's records end up
(log groups and buckets), how long each destination keeps them, and whether it is
encrypted with a customer-managed key.

Every helper answers with an :class:`Outcome` (status + one-line text naming the
destination, the attribute and its value) so a rule can combine the outcomes of a
source's destinations into one finding.  Nothing here ever turns an unknown into a
pass: a destination that cannot be resolved, or a value known only after apply,
gives ``unknown``.
"""
from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field
from typing import Any


from ..engine import FAIL, PASS, UNKNOWN_STATUS
from ..model import STANDS_FOR, UNKNOWN, Hole, Model, PartialString, Resource, strip_index
from . import _s3
from ._kms import check_cmk
from ._naming import tagged_as

BUCKET = _s3.BUCKET
LOG_GROUP = "aws_cloudwatch_log_group"
LIFECYCLE = "aws_s3_bucket_lifecycle_configuration"
OBJECT_LOCK = "aws_s3_bucket_object_lock_configuration"
SSE = "aws_s3_bucket_server_side_encryption_configuration"
LOGGING = "aws_s3_bucket_logging"
SESSION_DEFAULT_DOCUMENT = "SSM-SessionManagerRunShell"

_SEVERITY = {PASS: 0, UNKNOWN_STATUS: 1, FAIL: 2}
worst = _s3.worst  # FAIL over UNKNOWN over PASS


@dataclass
class Outcome:
    status: str
    text: str
    notes: list[str] = field(default_factory=list)
    days: int | None = None  # how long it keeps logs, when that is a number
    sse_s3: bool = False  # bucket encryption: failing only because it is SSE-S3 (AES256)
    sources: list = field(default_factory=list)  # the resources a pass rests on
    absent: bool = False  # the verdict rests on a resource not being in the configuration

    @property
    def full_text(self) -> str:
        return self.text + "".join(f" (note: {n})" for n in self.notes)


def combine(outcomes: list[Outcome]) -> tuple[str, str]:
    """(worst status, the outcomes' texts, worst first, joined into one line)."""
    ordered = sorted(outcomes, key=lambda o: -_SEVERITY[o.status])
    return worst(o.status for o in outcomes), "; ".join(o.full_text for o in ordered)


def requirement(policy, source_id: str) -> tuple[int, str]:
    """(minimum days, "policy requires ≥ 365 (1 year)") for a log source of the policy."""
    days = policy.retention_days(source_id)
    label = policy.log_source(source_id).get("retention") or f"{days} days"
    return days, f"policy requires ≥ {days} ({label})"


def is_set(value: Any) -> bool:
    return value is not None and value is not UNKNOWN and value != "" and value != []


def fmt(value: Any) -> str:
    """A value as it would be written in HCL, for messages."""
    if value is UNKNOWN:
        return "(known after apply)"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return json.dumps(value)
    return str(value)


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


# --- resolving destinations ------------------------------------------------
_S3_ARN = re.compile(r"^arn:aws[a-z-]*:s3:::([^/]+)(?:/(.*))?$")
_LOG_GROUP_ARN = re.compile(r"^arn:aws[a-z-]*:logs:[^:]*:[^:]*:log-group:(.+?)(?::\*)?$")
_SNS_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[^:]*:[^:]*:([^:]+)$")


def parse_s3_arn(value: str) -> tuple[str, str | None]:
    """``arn:aws:s3:::b/p`` -> (``b``, ``p``); a plain name -> (name, None)."""
    m = _S3_ARN.match(value)
    if m:
        return m.group(1), m.group(2) or ""
    return value, None


def parse_log_group_arn(value: str) -> str:
    m = _LOG_GROUP_ARN.match(value)
    return m.group(1) if m else value


def parse_sns_arn(value: str) -> str | None:
    m = _SNS_ARN.match(value)
    return m.group(1) if m else None


def resources_named(model: Model, rtype: str, *names: str) -> list[Resource]:
    """Managed resources and data sources of ``rtype`` whose id/arn/name/bucket is one of ``names``."""
    candidates, by_value = model.memo(("retention.resources_named", rtype), lambda: _names_index(model, rtype))
    positions = {i for n in names if n and isinstance(n, str) for i in by_value.get(n, ())}
    return [candidates[i] for i in sorted(positions)]


def _names_index(model: Model, rtype: str) -> tuple[list[Resource], dict[str, list[int]]]:
    """(managed resources and data sources of ``rtype``, {id/arn/name/bucket value: their positions})."""
    candidates = model.of_type(rtype) + model.data(rtype)
    by_value: dict[str, list[int]] = {}
    for i, r in enumerate(candidates):
        for v in dict.fromkeys(r.values.get(attr) for attr in ("id", "arn", "name", "bucket")):
            if isinstance(v, str):
                by_value.setdefault(v, []).append(i)
    return candidates, by_value


@dataclass
class Resolution:
    """Where an attribute naming a destination points."""

    targets: list[Resource]
    problem: str = ""  # why nothing was found (empty when targets were found)
    unset: bool = False  # the attribute is not set at all
    prefix: str | None = None  # key prefix from an S3 ARN ("" none, None unknown)


def _ref_targets(model: Model, resource: Resource, path: str, rtype: str) -> tuple[list[Resource], tuple]:
    refs = resource.refs_under(path)
    found: list[Resource] = []
    stand_ins: list[Resource] = []
    for address in refs:
        for target in model.instances(address):
            if target.type == rtype and target not in found:
                found.append(target)
            elif STANDS_FOR.get(target.type, ("", ""))[1] == rtype:
                stand_ins.append(target)
    if stand_ins and not found:  # s3_bucket_name = aws_s3_bucket_policy.trail.bucket
        found = model.stood_for(resource, stand_ins, (rtype,))
    return found, refs


def resolve(model: Model, resource: Resource, path: str, rtype: str, value: Any = None,
            kind: str = "") -> Resolution:
    """Follow ``resource.<path>`` (or an explicit ``value``) to resources of ``rtype``.

    References first; otherwise the known value (a name or an ARN) is matched
    against the names of ``rtype`` resources and data sources.
    """
    kind = kind or rtype
    if value is None:
        value = resource.get(path)
    found, refs = _ref_targets(model, resource, path, rtype)
    prefix: str | None = None
    names: list[str] = []
    if isinstance(value, str) and value:
        names.append(value)
        if rtype == BUCKET:
            name, prefix = parse_s3_arn(value)
            names.append(name)
        elif rtype == LOG_GROUP:
            names.append(parse_log_group_arn(value))
        elif rtype == "aws_sns_topic":
            names.append(parse_sns_arn(value) or value)
    if found:
        return Resolution(found, prefix=prefix)
    if names:
        found = resources_named(model, rtype, *names)
        if found:
            return Resolution(found, prefix=prefix)
    if refs:
        return Resolution([], f"{path} refers to {', '.join(refs)}, which is not a {kind} in this "
                              "configuration")
    if value is UNKNOWN:
        return Resolution([], f"{path} is not known until apply and refers to no {kind}")
    if not is_set(value):
        return Resolution([], f"{path} is not set", unset=True)
    return Resolution([], f"{path} = {fmt(value)} names no {kind} defined in this configuration",
                      prefix=prefix)


def sub_resources(model: Model, bucket: Resource, rtype: str) -> tuple[list[Resource], list[Resource]]:
    """(``rtype`` resources whose ``bucket`` is this bucket, and -- when there are none -- those whose
    bucket is not known and could be this one).  A bucket has at most one of each such resource."""
    found = _s3.sub_resources(model, bucket, rtype)
    return found, ([] if found else _s3.untied_sub_resources(model, rtype))


# --- how long a destination keeps logs ---------------------------------------
def log_group_keeps(group: Resource, min_days: int) -> Outcome:
    """Does a CloudWatch log group keep events at least ``min_days``?"""
    value = group.values.get("retention_in_days")
    if value is UNKNOWN:
        return Outcome(UNKNOWN_STATUS, f"{group.address} retention_in_days is not known until apply")
    if value is None and group.mode == "data" and "retention_in_days" not in group.values:
        return Outcome(UNKNOWN_STATUS, f"{group.address} is read from outside this configuration; "
                                       "its retention_in_days is not known")
    if value is None or value == 0:
        shown = "unset" if value is None else "0"
        return Outcome(PASS, f"{group.address} never expires logs (retention_in_days = {shown})")
    days = as_int(value)
    if days is None:
        return Outcome(UNKNOWN_STATUS, f"{group.address} retention_in_days = {fmt(value)} is not a number")
    if days < min_days:
        return Outcome(FAIL, f"{group.address} keeps logs {days} days (retention_in_days = {days})", days=days)
    return Outcome(PASS, f"{group.address} keeps logs {days} days (retention_in_days = {days})", days=days)


def _rule_prefixes(rule: dict, legacy: bool) -> list[Any]:
    """Key prefixes a lifecycle rule is limited to ("" = whole bucket, UNKNOWN = not known)."""
    if legacy:
        return [rule.get("prefix") or ""]
    filters = rule.get("filter")
    if filters is UNKNOWN:
        return [UNKNOWN]
    blocks = [f for f in filters or [] if isinstance(f, dict)]
    if not blocks:
        # the deprecated top-level prefix (computed by the provider, so possibly unknown)
        top = rule.get("prefix")
        return [UNKNOWN if top is UNKNOWN else (top or "")]
    prefixes: list[Any] = []
    for f in blocks:
        # a filter's prefix is set either directly or inside its "and" block; tag and size
        # filters only narrow the rule, so without a prefix it covers the whole bucket
        candidates = [f.get("prefix")] + [a.get("prefix") for a in f.get("and") or [] if isinstance(a, dict)]
        known = [c for c in candidates if isinstance(c, str) and c]
        if known:
            prefixes.extend(known)
        elif any(c is UNKNOWN for c in candidates):
            prefixes.append(UNKNOWN)
        else:
            prefixes.append("")
    return prefixes


def _covers(rule_prefixes: list[Any], log_prefix: str | None) -> bool:
    """Could a rule limited to ``rule_prefixes`` touch objects written under ``log_prefix``?

    Conservative: unknown prefixes on either side count as overlapping.
    """
    if log_prefix is None:
        return True
    for p in rule_prefixes:
        if p is UNKNOWN or not isinstance(p, str):
            return True
        # an empty rule prefix is the whole bucket; otherwise the two prefixes overlap
        # when one extends the other
        if log_prefix.startswith(p) or p.startswith(log_prefix):
            return True
    return False


def _lifecycle_rules(model: Model, bucket: Resource) -> tuple[list[tuple[str, dict, bool]], list[Outcome]]:
    """[(where, rule, legacy)] of every lifecycle rule of the bucket, and outcomes for the unknowable."""
    rules: list[tuple[str, dict, bool]] = []
    problems: list[Outcome] = []
    mine, unresolved = sub_resources(model, bucket, LIFECYCLE)
    for lc in mine:
        value = lc.values.get("rule")
        if value is UNKNOWN:
            problems.append(Outcome(UNKNOWN_STATUS, f"{bucket.address}: {lc.address} rule is not known until apply"))
            continue
        for i, rule in enumerate(lc.blocks("rule")):
            rid = rule.get("id")
            rules.append((f"{lc.address} rule[{i}]" + (f" {fmt(rid)}" if isinstance(rid, str) else ""),
                          rule, False))
    # In a plan from provider >= 4, lifecycle_rule of the bucket is a computed mirror of the
    # separate resources (unknown when not written inline); only known inline rules count.
    for i, rule in enumerate(_s3.inline(bucket, "lifecycle_rule") or []):
        rules.append((f"{bucket.address} lifecycle_rule[{i}]", rule, True))
    for lc in unresolved:
        problems.append(Outcome(UNKNOWN_STATUS, f"{bucket.address}: {lc.address} bucket is not known until "
                                                "apply; it may expire these logs"))
    return rules, problems


def _rule_outcomes(bucket: Resource, where: str, rule: dict, legacy: bool, log_prefix: str | None,
                   min_days: int) -> list[Outcome]:
    """Violations (FAIL/UNKNOWN) and expirations (PASS) of one lifecycle rule for logs under log_prefix."""
    if legacy:
        enabled = rule.get("enabled")
        active = True if enabled is True else (None if enabled is UNKNOWN else False)
    else:
        status = rule.get("status")
        active = True if status == "Enabled" else (None if status is UNKNOWN else False)
    if active is False:
        return []
    if not _covers(_rule_prefixes(rule, legacy), log_prefix):
        return []
    # a rule whose status is unknown can only make the verdict unknown, never fail
    bad = FAIL if active else UNKNOWN_STATUS
    out: list[Outcome] = []
    for exp in rule.get("expiration") or []:
        if not isinstance(exp, dict):
            continue
        if exp.get("expired_object_delete_marker") is True:
            continue  # removes delete markers only
        days, date = exp.get("days"), exp.get("date")
        n = as_int(days)
        if is_set(date):
            out.append(Outcome(bad, f"{bucket.address} deletes logs on a fixed date ({where} "
                                    f"expiration.date = {fmt(date)})"))
        elif n:
            status = bad if n < min_days else PASS
            out.append(Outcome(status, f"{bucket.address} keeps logs {n} days ({where} expiration.days = {n})",
                               days=n))
        elif days is UNKNOWN or date is UNKNOWN:
            out.append(Outcome(UNKNOWN_STATUS, f"{bucket.address}: {where} expiration is not known until apply"))
    for nve in rule.get("noncurrent_version_expiration") or []:
        if not isinstance(nve, dict):
            continue
        attr = "days" if legacy else "noncurrent_days"
        days = nve.get(attr)
        if days is UNKNOWN:
            out.append(Outcome(UNKNOWN_STATUS, f"{bucket.address}: {where} noncurrent_version_expiration is "
                                               "not known until apply"))
            continue
        n = as_int(days)
        if n:
            status = bad if n < min_days else PASS
            out.append(Outcome(status, f"{bucket.address} deletes noncurrent log versions after {n} days "
                                       f"({where} noncurrent_version_expiration.{attr} = {n})", days=n))
    return out


def _object_lock_note(model: Model, bucket: Resource, min_days: int) -> str | None:
    locks = sub_resources(model, bucket, OBJECT_LOCK)[0]
    candidates = [(lock.address, r) for lock in locks for r in lock.blocks("rule")]
    candidates += [(f"{bucket.address} object_lock_configuration", r)
                   for c in _s3.inline(bucket, "object_lock_configuration") or []
                   for r in c.get("rule") or [] if isinstance(r, dict)]
    for where, rule in candidates:
        for dr in rule.get("default_retention") or []:
            if not isinstance(dr, dict):
                continue
            days, years = as_int(dr.get("days")), as_int(dr.get("years"))
            if days and days < min_days:
                return (f"{where} default_retention.days = {days} is shorter than {min_days} days; object lock "
                        "protects logs from deletion, it does not shorten retention")
            if years and years * 366 < min_days:
                return (f"{where} default_retention.years = {years} is shorter than {min_days} days; object lock "
                        "protects logs from deletion, it does not shorten retention")
    return None


def bucket_keeps(model: Model, bucket: Resource, log_prefix: str | None, min_days: int) -> Outcome:
    """Does the bucket keep objects written under ``log_prefix`` (None: unknown) ≥ ``min_days``?"""
    if bucket.mode == "data":
        return Outcome(UNKNOWN_STATUS, f"{bucket.address} is read from outside this configuration; its "
                                       "lifecycle rules are not known")
    rules, outcomes = _lifecycle_rules(model, bucket)
    for where, rule, legacy in rules:
        outcomes.extend(_rule_outcomes(bucket, where, rule, legacy, log_prefix, min_days))
    note = _object_lock_note(model, bucket, min_days)
    status = worst(o.status for o in outcomes)
    if status != PASS:
        result = [o for o in outcomes if o.status == status][0]
    elif outcomes:
        shortest = min(outcomes, key=lambda o: o.days or 0)
        result = Outcome(PASS, shortest.text, days=shortest.days)
    else:
        result = Outcome(PASS, f"{bucket.address} has no lifecycle expiration for these logs (kept indefinitely)")
    if note:
        result.notes.append(note)
    return result


FROM_ARN = object()  # log_prefix: take the key prefix from the S3 ARN the attribute holds


def destination_outcomes(model: Model, resource: Resource, path: str, rtype: str, min_days: int,
                         log_prefix: Any = "", value: Any = None, required: bool = True
                         ) -> list[Outcome]:
    """How long each destination named by ``resource.<path>`` keeps logs.

    ``log_prefix`` is the key prefix the source writes under ("" none, None not known,
    FROM_ARN: the path part of the S3 ARN in the attribute).
    """
    res = resolve(model, resource, path, rtype, value, kind="bucket" if rtype == BUCKET else "log group")
    if not res.targets:
        if res.unset and not required:
            return []
        status = FAIL if res.unset else UNKNOWN_STATUS
        suffix = "; logs are not delivered anywhere" if res.unset else "; cannot confirm retention"
        return [Outcome(status, res.problem + suffix)]
    out = []
    for target in res.targets:
        if rtype == BUCKET:
            prefix = res.prefix if log_prefix is FROM_ARN else log_prefix
            out.append(bucket_keeps(model, target, prefix, min_days))
        else:
            out.append(log_group_keeps(target, min_days))
    return out


def key_prefix(value: Any) -> str | None:
    """An S3 key prefix attribute: "" when unset, None when not known."""
    if value is UNKNOWN:
        return None
    return value if isinstance(value, str) else ""


# --- encryption of a bucket ---------------------------------------------------
def bucket_encryption(model: Model, bucket: Resource, policy=None) -> Outcome:
    """Is the bucket's default encryption SSE-KMS with a customer-managed key?"""
    if bucket.mode == "data":
        return Outcome(UNKNOWN_STATUS, f"{bucket.address} is read from outside this configuration; its "
                                       "default encryption is not known")
    configs, unresolved = sub_resources(model, bucket, SSE)
    checks: list[tuple[Resource, str, list]] = []
    for cfg in configs:
        rules = cfg.values.get("rule")
        if rules is UNKNOWN:
            return Outcome(UNKNOWN_STATUS, f"{bucket.address}: {cfg.address} rule is not known until apply")
        checks.append((cfg, "rule", cfg.blocks("rule")))
    inline = _s3.inline(bucket, "server_side_encryption_configuration")
    if not configs and inline:
        checks.append((bucket, "server_side_encryption_configuration.0.rule", inline[0].get("rule") or []))
    if not checks:
        if unresolved:
            return Outcome(UNKNOWN_STATUS, f"{bucket.address}: {unresolved[0].address} bucket is not known "
                                           "until apply; cannot tell which bucket it encrypts")
        return Outcome(FAIL, f"{bucket.address} has no aws_s3_bucket_server_side_encryption_configuration: "
                             "default encryption is SSE-S3 (AES256), not a customer-managed KMS key", sse_s3=True,
                       absent=True)
    outcomes = []
    for holder, base, rules in checks:
        if not rules:
            outcomes.append(Outcome(FAIL, f"{holder.address} has no encryption rule: default SSE-S3 (AES256)",
                                    sse_s3=True))
        for i, rule in enumerate(rules):
            defaults = rule.get("apply_server_side_encryption_by_default") if isinstance(rule, dict) else None
            if defaults is UNKNOWN:
                outcomes.append(Outcome(UNKNOWN_STATUS, f"{holder.address} {base}[{i}] default encryption is "
                                                        "not known until apply"))
                continue
            if not defaults:
                outcomes.append(Outcome(FAIL, f"{holder.address} {base}[{i}] sets no "
                                              "apply_server_side_encryption_by_default: SSE-S3 (AES256)",
                                        sse_s3=True))
                continue
            path = f"{base}.{i}.apply_server_side_encryption_by_default.0"
            algo = holder.get(f"{path}.sse_algorithm")
            if algo is UNKNOWN:
                outcomes.append(Outcome(UNKNOWN_STATUS, f"{holder.address} sse_algorithm is not known until apply"))
            elif algo not in ("aws:kms", "aws:kms:dsse"):
                outcomes.append(Outcome(FAIL, f"{holder.address} sse_algorithm = {fmt(algo)} (SSE-S3), not "
                                              "SSE-KMS with a customer-managed key", sse_s3=True))
            else:
                check = check_cmk(model, holder, f"{path}.kms_master_key_id", policy)
                text = check.message.replace(f"{path}.", "")
                if check.status != PASS and holder.get(f"{path}.kms_master_key_id") in (None, ""):
                    text = (f"sse_algorithm = {fmt(algo)} without kms_master_key_id uses the AWS-managed "
                            "aws/s3 key, not a customer-managed key")
                outcomes.append(Outcome(check.status, f"{holder.address} {text}",
                                        sources=[holder] + ([check.key] if check.key is not None else [])))
    status, text = combine(outcomes)
    failing = [o for o in outcomes if o.status == FAIL]
    return Outcome(status, text, sse_s3=bool(failing) and all(o.sse_s3 for o in failing),
                   sources=[r for o in outcomes if o.status == status for r in o.sources])


def bucket_key_paths(model: Model, bucket: Resource) -> list[tuple[Resource, str]]:
    """[(holder, path of a kms_master_key_id)] of the bucket's default encryption rules (the
    aws_s3_bucket_server_side_encryption_configuration, else the legacy inline block)."""
    configs, _ = sub_resources(model, bucket, SSE)
    out = [(cfg, f"rule.{i}.apply_server_side_encryption_by_default.0.kms_master_key_id")
           for cfg in configs for i, _ in enumerate(cfg.blocks("rule"))]
    if not configs:
        inline = _s3.inline(bucket, "server_side_encryption_configuration")
        if inline:
            out += [(bucket, f"server_side_encryption_configuration.0.rule.{i}.apply_server_side_encryption_by_default"
                             ".0.kms_master_key_id") for i, _ in enumerate(inline[0].get("rule") or [])]
    return out


# --- SSM Session Manager preferences -------------------------------------------
def session_documents(model: Model) -> list[Resource]:
    return [d for d in model.of_type("aws_ssm_document")
            if d.values.get("document_type") in ("Session", UNKNOWN)]


#: inputs of a Session document that name where session logs go, and the resource
#: attributes that are exactly such a name
SESSION_DESTINATIONS = {"cloudWatchLogGroupName": (LOG_GROUP, ("name", "id")),
                        "s3BucketName": (BUCKET, ("bucket", "id"))}


def _names_destination(value: Any, key: str) -> bool:
    """Is ``value`` exactly one resource's name attribute of the kind input ``key`` names?"""
    if not (isinstance(value, PartialString) and len(value.parts) == 1 and isinstance(value.parts[0], Hole)
            and len(value.parts[0].refs) == 1):
        return False
    address, _, attr = value.parts[0].refs[0].rpartition(".")
    rtype = strip_index(address).rsplit(".", 2)[-2] if address.count(".") else ""
    return rtype == SESSION_DESTINATIONS[key][0] and attr in SESSION_DESTINATIONS[key][1]


def names_session_key(value: Any) -> bool:
    """Is ``value`` exactly one ``aws_kms_key``'s ARN / key id (``kmsKeyId = aws_kms_key.ssm.key_id``)?"""
    if not (isinstance(value, PartialString) and len(value.parts) == 1 and isinstance(value.parts[0], Hole)
            and len(value.parts[0].refs) == 1):
        return False
    address, _, attr = value.parts[0].refs[0].rpartition(".")
    rtype = strip_index(address).rsplit(".", 2)[-2] if address.count(".") else ""
    return rtype == "aws_kms_key" and attr in ("arn", "key_id", "id")


def _partial_session_inputs(doc: Resource) -> tuple[dict | None, str]:
    """``inputs`` of a ``content = jsonencode({...})`` known only in part (HCL).

    A destination (log group / bucket name) must be known, or exactly the name of one
    resource of its kind (``aws_s3_bucket.x.bucket``, ``aws_cloudwatch_log_group.x.name``):
    then it is kept as that :class:`PartialString`, which counts as set and resolves through
    the content's references.  Any other unknown destination makes the inputs unknown, as before.
    ``kmsKeyId`` exactly one ``aws_kms_key``'s ARN or key id is kept the same way.  Every other
    input that is not known is UNKNOWN.
    """
    content = doc.partial.get("content")
    if not isinstance(content, dict):
        return None, "content is not known until apply"
    inputs = content.get("inputs")
    if inputs is None:
        return {}, ""
    if not isinstance(inputs, dict):
        return None, ("content inputs is not known until apply" if inputs is UNKNOWN or
                      isinstance(inputs, PartialString) else "content inputs is not an object")
    out: dict = {}
    for key, value in inputs.items():
        if key in SESSION_DESTINATIONS:
            if _holds_unknown(value) and not _names_destination(value, key):
                return None, f"content inputs.{key} is not known until apply"
            out[key] = value
        elif key == "kmsKeyId" and names_session_key(value):
            out[key] = value  # the session key: resolved through the reference (DLV-008)
        else:
            out[key] = UNKNOWN if _holds_unknown(value) else value
    return out, ""


def _holds_unknown(value: Any) -> bool:
    if value is UNKNOWN or isinstance(value, PartialString):
        return True
    if isinstance(value, list):
        return any(_holds_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_unknown(v) for v in value.values())
    return False


def session_inputs(doc: Resource) -> tuple[dict | None, str]:
    """The ``inputs`` of a Session document's content, or (None, why not).

    Values are as written; from a content known only in part (HCL) an input that is not
    known is UNKNOWN, except that a destination may be a :class:`PartialString` naming
    one resource's attribute (see :func:`_partial_session_inputs`).
    """
    content = doc.values.get("content")
    if content is UNKNOWN:
        return _partial_session_inputs(doc)
    if isinstance(content, dict):
        data: Any = content
    elif isinstance(content, str):
        fmt_ = doc.values.get("document_format")
        try:
            if isinstance(fmt_, str) and fmt_.upper() == "YAML":
                import yaml  # noqa: PLC0415 - only for a YAML Session document (importing it costs ~15 ms)

                try:
                    data = yaml.safe_load(content)
                except yaml.YAMLError:
                    return None, f"content is not valid {fmt_}"
            else:
                data = json.loads(content)
        except ValueError:
            return None, f"content is not valid {fmt_ or 'JSON'}"
    else:
        return None, "content is not set"
    if not isinstance(data, dict):
        return None, "content is not a document object"
    inputs = data.get("inputs")
    if inputs is None:
        return {}, ""
    if not isinstance(inputs, dict):
        return None, "content inputs is not an object"
    return inputs, ""


def truthy_flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


# --- sources writing to buckets --------------------------------------------------
@dataclass
class LogBucketUse:
    source: Resource
    label: str  # what the source is, for messages
    path: str  # attribute naming the bucket
    value: Any = None  # explicit value (e.g. from a document's content)


#: what log_bucket_uses calls a bucket that receives S3 server access logs
ACCESS_LOG = "S3 server access log"


GUARDDUTY_EXPORT = "aws_guardduty_publishing_destination"


def guardduty_export_buckets(model: Model) -> frozenset[str]:
    """The addresses of the buckets this configuration's GuardDuty publishing destinations export
    findings to (once per model)."""
    def compute() -> frozenset[str]:
        out: set[str] = set()
        for p in model.of_type(GUARDDUTY_EXPORT):
            if p.values.get("destination_type") in (None, "S3"):
                out.update(b.address for b in resolve(model, p, "destination_arn", BUCKET, kind="bucket").targets)
        return frozenset(out)
    memo = getattr(model, "memo", None)
    return memo(("guardduty_export_buckets",), compute) if memo is not None else compute()


def log_bucket_uses(model: Model) -> list[LogBucketUse]:
    """Every place this configuration sends audit logs to an S3 bucket."""
    uses: list[LogBucketUse] = []
    for t in model.of_type("aws_cloudtrail"):
        uses.append(LogBucketUse(t, "CloudTrail trail", "s3_bucket_name"))
    for c in model.of_type("aws_config_delivery_channel"):
        uses.append(LogBucketUse(c, "AWS Config delivery channel", "s3_bucket_name"))
    for f in model.of_type("aws_flow_log"):
        if f.values.get("log_destination_type") == "s3":
            uses.append(LogBucketUse(f, "VPC flow log", "log_destination"))
    for p in model.of_type(GUARDDUTY_EXPORT):
        if p.values.get("destination_type") in (None, "S3"):
            uses.append(LogBucketUse(p, "GuardDuty findings export", "destination_arn"))
    for d in session_documents(model):
        inputs, _ = session_inputs(d)
        if inputs and is_set(inputs.get("s3BucketName")):
            uses.append(LogBucketUse(d, "SSM session log", "content", value=inputs["s3BucketName"]))
        elif inputs is None:
            # content known only after apply: the buckets it refers to are where sessions are logged
            uses.append(LogBucketUse(d, "SSM session log", "content", value=UNKNOWN))
    for lg in model.of_type(LOGGING):
        uses.append(LogBucketUse(lg, ACCESS_LOG, "target_bucket"))
    for b in model.of_type(BUCKET):
        # a legacy inline logging block makes its target a log bucket exactly as aws_s3_bucket_logging does
        if _s3.inline(b, "logging") and not _s3.sub_resources(model, b, LOGGING):
            for holder, prefix in _s3.logging_targets(model, b)[0]:
                uses.append(LogBucketUse(holder, ACCESS_LOG, f"{prefix}target_bucket"))
    return uses


def partial_name(resource: Resource, attr: str, prefix_attr: str) -> PartialString | None:
    """A name known only in part (HCL, ``Resource.partial``): ``attr`` written as a template
    with unknown pieces, or ``prefix_attr`` (``bucket_prefix`` / ``name_prefix``) written so,
    followed by the suffix the provider generates.  None when nothing of it is known."""
    form = resource.partial.get(attr) if resource.values.get(attr) is UNKNOWN else None
    if isinstance(form, PartialString):
        return form
    form = resource.partial.get(prefix_attr) if resource.values.get(prefix_attr) is UNKNOWN else None
    if isinstance(form, PartialString) and resource.values.get(attr) in (None, ""):
        return PartialString(form.parts + (Hole(),))
    return None


SCREENSHOT_BUCKET = "screenshot_bucket"  # its id for the mapping tag


def _glob_verdict(name: Any, prefix: Any, form: PartialString | None, globs: list[str]) -> Any:
    """Does a name (or name prefix, or name known only in part) match one of ``globs``?"""
    if isinstance(name, str) and name:
        return any(fnmatch.fnmatchcase(name, g) for g in globs)
    if isinstance(prefix, str) and prefix:
        return any(fnmatch.fnmatchcase(prefix, g) for g in globs)
    if form is None:
        return UNKNOWN
    verdicts = [form.could_match(g) for g in globs]
    return True if True in verdicts else (False if all(v is False for v in verdicts) else UNKNOWN)


def screenshot_buckets(model: Model, policy) -> tuple[list[Resource], list[Resource]]:
    """(buckets that are the screenshot bucket, buckets whose name is not known).

    A bucket is the screenshot bucket when its name matches one of the policy's screenshot_bucket
    globs or it is tagged ``<naming.tag> = screenshot_bucket``.  A name known only in part counts
    when every value it can take matches a glob (``"acme-screenshots-${account_id}"`` for
    ``*screenshot*``) and is left out when none can.
    """
    globs = policy.screenshot_bucket_globs
    matches, unnamed = [], []
    for b in model.of_type(BUCKET):
        if tagged_as(b, policy, SCREENSHOT_BUCKET):
            matches.append(b)
            continue
        verdict = _glob_verdict(b.values.get("bucket"), b.values.get("bucket_prefix"),
                                partial_name(b, "bucket", "bucket_prefix"), globs)
        if verdict is True:
            matches.append(b)
        elif verdict is not False:
            unnamed.append(b)
    return matches, unnamed


def vpc_flow_logs(model: Model) -> list[Resource]:
    """Flow logs attached to a VPC (vpc_id set or not known), not to a subnet/ENI/transit gateway."""
    return [f for f in model.of_type("aws_flow_log") if f.values.get("vpc_id") is not None
            or f.refs_at("vpc_id")]


def app_log_groups(groups: list[Resource], globs: list[str] | str, policy=None,
                   app: str | None = None) -> tuple[list[Resource], list[Resource]]:
    """(log groups of application ``app``: whose name -- or name_prefix -- matches one of ``globs``,
    or tagged ``<naming.tag> = app``; log groups whose name is not known).

    A name known only in part counts when every value it can take matches a glob and is left out
    when none can.
    """
    globs = [globs] if isinstance(globs, str) else list(globs)
    matched, unnamed = [], []
    for g in groups:
        if policy is not None and app is not None and tagged_as(g, policy, app):
            matched.append(g)
            continue
        name, prefix = g.values.get("name"), g.values.get("name_prefix")
        if not (isinstance(name, str) and name) and not (isinstance(prefix, str) and prefix) \
                and name is not UNKNOWN and prefix is not UNKNOWN:
            continue  # neither set: the provider generates a name that matches nothing
        verdict = _glob_verdict(name, prefix, partial_name(g, "name", "name_prefix"), globs)
        if verdict is True:
            matched.append(g)
        elif verdict is not False:
            unnamed.append(g)
    return matched, unnamed
