"""What one IAM statement does, for INT-002 and ACC-*: denies an action to a role (conditions that
exempt the admin principal by ARN understood), covers trails, grants a log read, is read-only.
"""
from __future__ import annotations

import re
from typing import Any

from ..model import UNKNOWN, Model, Resource
from ._glob import fnmatchcase
from ._iam import grants_action, tri_any
from ._origins import Origin, leaf_roles, ref_roles

try:  # partially known values (HCL): a string template with unknown pieces
    from ..model import Hole, PartialString
except ImportError:  # pragma: no cover - a model without partial values
    Hole = PartialString = None  # type: ignore[assignment,misc]


# =============================================================================
# what a statement does
# =============================================================================
_ARN_CONDITION_VARIABLES = ("aws:principalarn",)
_EXEMPTING_TESTS = ("arnnotlike", "arnnotequals", "stringnotlike", "stringnotequals",
                    "arnnotlikeifexists", "arnnotequalsifexists", "stringnotlikeifexists", "stringnotequalsifexists")


def _arn_pattern_matches_role(pattern: str, name: str) -> bool:
    """Could an ``aws:PrincipalArn`` pattern match the role ``name`` (any path, any account)?

    Compared case-insensitively: when in doubt the pattern is taken to exempt the role, so a
    denial is never counted for a role it might not reach.
    """
    low, name = pattern.lower(), name.lower()
    if low == "*":
        return True
    for marker in (":role/", ":assumed-role/"):
        if marker in low:
            tail = low.split(marker, 1)[1]
            if marker == ":assumed-role/":
                tail = tail.split("/", 1)[0]
            return fnmatchcase(name, tail) or fnmatchcase(name, tail.rsplit("/", 1)[-1])
    # e.g. "arn:aws:iam::*:*": a pattern that could match any principal
    return fnmatchcase(f"arn:aws:iam::111122223333:role/{name}", re.sub(r"^arn:[^:]*:", "arn:aws:", low))


def _pattern_exempts(model: Model, pattern: Any, role: Resource | None, name: Any) -> Any:
    """Does one ``aws:PrincipalArn`` exemption value (known, partial or unknown) match this role?"""
    if isinstance(pattern, str):
        return UNKNOWN if name is UNKNOWN else _arn_pattern_matches_role(pattern, name)
    roles = leaf_roles(model, pattern)
    if roles is not None and role is not None:
        return role in roles
    if PartialString is not None and isinstance(pattern, PartialString) and name is not UNKNOWN:
        last = pattern.parts[-1] if pattern.parts else None
        if isinstance(last, str) and ":role/" in last.lower():
            tail = last[last.lower().index(":role/") + 6:]
            return fnmatchcase(name.lower(), tail.lower().rsplit("/", 1)[-1]) or \
                fnmatchcase(name.lower(), tail.lower())
    return UNKNOWN


def deny_applies_to_role(stmt: dict, name: Any, role: Resource | None = None, origin: "Origin | None" = None,
                         model: Model | None = None) -> tuple[Any, str]:
    """Does a Deny statement's Condition leave it in force for the role called ``name``?

    No condition: True.  A condition that only exempts principals by ARN (``ArnNotLike`` /
    ``StringNotLike`` ... on ``aws:PrincipalArn``): True unless one of its patterns matches this
    role (a pattern given as a reference to a role matches that role).  Any other condition:
    UNKNOWN (the denial holds only sometimes).
    """
    cond = stmt.get("Condition")
    if cond is UNKNOWN:
        return UNKNOWN, "its Condition is not known until apply"
    if not cond:
        return True, ""
    partial_cond = (origin.partial or {}).get("Condition") if origin is not None else None
    verdicts = []
    for test, body in cond.items():
        t = str(test).lower()
        if not isinstance(body, dict):
            return UNKNOWN, "its Condition is not known until apply"
        for variable, values in body.items():
            if not (t in _EXEMPTING_TESTS and str(variable).lower() in _ARN_CONDITION_VARIABLES):
                return UNKNOWN, f"it applies only when {test} {variable} {_show(values)}"
            label = f"its {test} {variable}"
            if values is not UNKNOWN and all(isinstance(v, str) for v in values):
                if name is UNKNOWN:
                    return UNKNOWN, "the role's name is not known until apply"
                hit = [v for v in values if _arn_pattern_matches_role(v, name)]
                if hit:
                    return False, f"{label} {hit[0]!r} exempts this role"
                verdicts.append((True, ""))
                continue
            # values known only after apply: what do they refer to?
            partial = None
            if isinstance(partial_cond, dict) and isinstance(partial_cond.get(test), dict):
                partial = partial_cond[test].get(variable)
            results = []
            if isinstance(partial, list) and model is not None:
                results = [_pattern_exempts(model, v, role, name) for v in partial]
            elif origin is not None and model is not None and role is not None:
                roles = ref_roles(model, origin.condition_refs.get((t, str(variable).lower()), ()))
                if roles is not None:
                    known = [v for v in values if isinstance(v, str)] if isinstance(values, list) else []
                    results = [role in roles] + [_pattern_exempts(model, v, role, name) for v in known]
            if results and True in results:
                return False, f"{label} exempts this role"
            if results and all(r is False for r in results):
                verdicts.append((True, ""))
                continue
            verdicts.append((UNKNOWN, f"{label} exemption is not known until apply"))
    for v, why in verdicts:
        if v is UNKNOWN:
            return UNKNOWN, why
    return True, ""


def _show(values: Any) -> str:
    if values is UNKNOWN:
        return "(known after apply)"
    if isinstance(values, list):
        shown = [repr(v) if v is not UNKNOWN else "(known after apply)" for v in values[:4]]
        if len(values) > 4:
            shown.append(f"... {len(values) - 4} more")
        return "[" + ", ".join(shown) + "]"
    return repr(values)


_TRAIL_ARN_ANY = re.compile(r"^arn:[^:]*:cloudtrail:[^:]*:[^:]*:trail/\*$", re.I)


def covers_trails(stmt: dict, trail_names: list[Any]) -> Any:
    """Does the statement's Resource cover every trail (``*``, ``...:trail/*`` or each trail's name)?"""
    resources, not_resources = stmt.get("Resource"), stmt.get("NotResource")
    if not_resources:
        return UNKNOWN
    if resources is UNKNOWN:
        return UNKNOWN
    results = []
    for r in resources:
        if r is UNKNOWN or not isinstance(r, str):
            results.append(UNKNOWN)
        elif r == "*" or _TRAIL_ARN_ANY.match(r):
            return True
        elif ":cloudtrail:" in r and ":trail/" in r:
            pattern = r.split(":trail/", 1)[1]
            if trail_names and all(isinstance(n, str) and fnmatchcase(n, pattern) for n in trail_names):
                return True
            results.append(False if all(isinstance(n, str) for n in trail_names) else UNKNOWN)
        else:
            results.append(False)
    return tri_any(results)


def statement_label(stmt: dict, i: int) -> str:
    sid = stmt.get("Sid")
    return f"statement {sid!r}" if isinstance(sid, str) and sid else f"statement {i}"


# --- log reads -----------------------------------------------------------------------
S3_READ = ("s3:GetObject", "s3:GetObjectVersion")
LOGS_READ = ("logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults",
             "logs:StartLiveTail", "logs:GetLogRecord", "logs:Unmask")


def _s3_arn_covers(pattern: str, bucket: str) -> bool:
    """Does the Resource ``pattern`` cover some object of ``bucket``?  Every object of a log bucket is a
    log, whatever its prefix (a trail's ``s3_key_prefix``, an access log's ``target_prefix``): tried
    with a CloudTrail object key and with the key the pattern itself spells (its wildcards as ``x``)."""
    if pattern == "*":
        return True
    p = re.sub(r"^arn:[^:*]+:", "arn:aws:", pattern)
    keys = ["AWSLogs/111122223333/x.json.gz"]
    _, slash, key_glob = p.partition("/")
    if slash and key_glob:
        keys.append(key_glob.replace("*", "x").replace("?", "x"))
    return any(fnmatchcase(f"arn:aws:s3:::{bucket}/{key}", p) for key in keys)


_LITERAL_BUCKET = re.compile(r"^arn:[^:*]+:s3:::([^/*?\[]+)(?:/|$)")


def _covers_log_bucket(pattern: str, log_bucket_names) -> bool:
    """Does the Resource ``pattern`` cover the objects of one of the log buckets?  A pattern whose
    bucket name has no wildcard can only cover that bucket: looked up, not matched against each."""
    if pattern == "*":
        return True
    m = _LITERAL_BUCKET.match(pattern)
    if m is not None and isinstance(log_bucket_names, (set, frozenset)):
        return m.group(1) in log_bucket_names and _s3_arn_covers(pattern, m.group(1))
    return any(_s3_arn_covers(pattern, b) for b in log_bucket_names)


def reads_logs(stmt: dict, log_bucket_names: "frozenset[str] | list[str]",
               bucket_names_unknown: bool) -> tuple[Any, str]:
    """Does an Allow statement grant reading log contents (log objects or CloudWatch log events)?

    ``(True/False/UNKNOWN, what)``.  CloudWatch Logs reads count on any resource (every log group
    holds audit logs); S3 object reads count when a Resource pattern covers some object of a log bucket
    (or could: an unknown Resource, or an S3 ARN while some log bucket's name is unknown).
    """
    effect = stmt.get("Effect")
    if effect == "Deny":
        return False, ""
    logs = [(a, grants_action(stmt, a)) for a in LOGS_READ]
    hit = [a for a, v in logs if v is True]
    if hit:
        return (UNKNOWN if effect is UNKNOWN else True), f"{_actions(stmt)} (reads CloudWatch Logs: {hit[0]})"
    s3 = [(a, grants_action(stmt, a)) for a in S3_READ]
    s3_hit = [a for a, v in s3 if v is True]
    unsure = [a for a, v in logs + s3 if v is UNKNOWN]
    if not s3_hit:
        if unsure:
            return UNKNOWN, f"{_actions(stmt)} is not known until apply"
        return False, ""
    resources, not_resources = stmt.get("Resource"), stmt.get("NotResource")
    if not_resources:
        return (UNKNOWN if effect is UNKNOWN else True), f"{_actions(stmt)} on NotResource {_show(not_resources)}"
    if resources is UNKNOWN:
        return UNKNOWN, f"{_actions(stmt)} on a Resource not known until apply"
    covered, maybe = [], []
    for r in resources:
        if r is UNKNOWN or not isinstance(r, str):
            maybe.append("(known after apply)")
            continue
        if _covers_log_bucket(r, log_bucket_names):
            covered.append(r)
        elif bucket_names_unknown and (r.startswith("arn:") and ":s3:::" in r):
            maybe.append(r)
    if covered:
        return (UNKNOWN if effect is UNKNOWN else True), f"{_actions(stmt)} on {covered[0]!r} (a log bucket's objects)"
    if maybe:
        return UNKNOWN, f"{_actions(stmt)} on {maybe[0]} (may be a log bucket's objects)"
    return False, ""


def _actions(stmt: dict) -> str:
    if stmt.get("Action"):
        return f"Action {_show(stmt.get('Action'))}"
    return f"NotAction {_show(stmt.get('NotAction'))}"


def show_actions(stmt: dict) -> str:
    return _actions(stmt)


# --- read-only actions -----------------------------------------------------------------
READ_VERBS = ("get", "list", "describe", "lookup", "search", "batchget", "filter", "select", "view", "head")
#: read-only actions whose verb is not one of READ_VERBS
READ_ONLY_ACTIONS = ("logs:startquery", "logs:stopquery", "logs:startlivetail", "logs:stoplivetail",
                     "logs:testmetricfilter", "logs:unmask", "cloudtrail:startquery", "cloudtrail:cancelquery",
                     "athena:startqueryexecution", "athena:stopqueryexecution", "kms:decrypt",
                     "cloudwatch:generatequery")


def is_read_only_action(pattern: Any) -> Any:
    """Is every action an IAM action pattern can match a read (Get*, List*, Describe*, ...)?"""
    if pattern is UNKNOWN or not isinstance(pattern, str):
        return UNKNOWN
    p = pattern.lower()
    if ":" not in p:
        return False  # "*"
    _, verb = p.split(":", 1)
    literal = re.split(r"[*?]", verb, maxsplit=1)[0]
    wildcard = literal != verb
    if not wildcard and p in READ_ONLY_ACTIONS:
        return True
    return any(literal.startswith(v) for v in READ_VERBS)
