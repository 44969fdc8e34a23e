"""What the delivery rules (DLV) share: where a pipe writes, the policies in its way, and the
request context each log service sends.

Each helper answers with an :class:`~._grants.Answer` or gives the policies / principals the
rules hand to :func:`~._grants.service_may` and :func:`~._grants.role_may`.  Nothing here turns
an unknown into a pass: a destination, key or role not defined in the configuration, or a policy
known only at apply, gives ``unknown`` naming what could not be read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..engine import FAIL, PASS, UNKNOWN_STATUS
from ..model import UNKNOWN, Model, Resource
from . import _s3
from ._grants import ABSENT, Answer, Policy, Principal, known_policy, read_policy
from ._principals import IamIndex, leaf_roles
from ._retention import BUCKET, LOG_GROUP, SSE, fmt, resolve
from ._symbolic import (Text, facts, key_arn_text, model_cache, provider_of, ref_text, role_arn_text,
                        text)

KEY = "aws_kms_key"
ALIAS = "aws_kms_alias"
ROLE = "aws_iam_role"
_RANK = {FAIL: 0, UNKNOWN_STATUS: 1, PASS: 2}


# =============================================================================
# answers
# =============================================================================
def combine(answers: list[Answer], joiner: str = "; ") -> Answer:
    """Every answer must pass: the worst one decides; a pass names every grant."""
    if not answers:
        return Answer(PASS, "")
    worst = min(answers, key=lambda a: _RANK[a.status])
    if worst.status != PASS:
        return worst
    # "X may A (grant), B (grant); Y may C (grant)": one clause per principal, in order
    clauses: list[Any] = []
    by_who: dict[str, list[str]] = {}
    for a in answers:
        if a.who:
            if a.who not in by_who:
                by_who[a.who] = []
                clauses.append(("who", a.who))
            by_who[a.who].append(a.what)
        elif a.text:
            clauses.append(("text", a.text))
    parts = [f"{v} may {', '.join(by_who[v])}" if k == "who" else v for k, v in clauses]
    return Answer(PASS, joiner.join(parts), [g for a in answers for g in a.grants])


def best(answers: list[Answer]) -> Answer:
    """Any one alternative will do: the best one decides (when every one fails, each says why)."""
    chosen = max(answers, key=lambda a: _RANK[a.status])
    if chosen.status == FAIL and len(answers) > 1:
        return Answer(FAIL, "; and ".join(a.text for a in answers))
    return chosen


def prefixed(label: str, answer: Answer) -> Answer:
    return Answer(answer.status, f"{label}: {answer.text}" if label else answer.text, answer.grants)


# =============================================================================
# request context
# =============================================================================
def service_context(model: Model, writer: Resource, service: str, keys: dict | None = None) -> dict:
    """The context keys a service principal's request carries (AWS global condition keys), plus
    ``keys`` (a value is a Text, a list of Texts, or ABSENT)."""
    f = facts(model)
    p = provider_of(writer)
    ctx: dict[str, Any] = {
        "aws:securetransport": [("true",)],
        "s3:tlsversion": [("1.2",)],
        "aws:principalisawsservice": [("true",)],
        "aws:principalservicename": [(service,)],
        "aws:principalarn": ABSENT, "aws:principalaccount": ABSENT, "aws:principalorgid": ABSENT,
        "aws:principalorgpaths": ABSENT, "aws:principaltype": ABSENT, "aws:userid": ABSENT,
        "aws:username": ABSENT, "aws:sourcevpc": ABSENT, "aws:sourcevpce": ABSENT, "aws:vpcsourceip": ABSENT,
        "aws:calledvia": ABSENT, "aws:calledviafirst": ABSENT, "aws:calledvialast": ABSENT,
        "aws:multifactorauthpresent": ABSENT, "aws:requestedregion": [f.region_text(p, writer)],
        "s3:x-amz-server-side-encryption-customer-algorithm": ABSENT,
        "kms:viaservice": ABSENT,
    }
    for k, v in (keys or {}).items():
        ctx[k.lower()] = v if (v is ABSENT or v is UNKNOWN or isinstance(v, list)) else [v]
    return ctx


def role_context(model: Model, role: Resource, keys: dict | None = None) -> dict:
    """The context keys of a request made with a role's credentials."""
    f = facts(model)
    p = provider_of(role)
    ctx: dict[str, Any] = {
        "aws:securetransport": [("true",)],
        "s3:tlsversion": [("1.2",)],
        "aws:principalisawsservice": [("false",)],
        "aws:principalservicename": ABSENT,
        "aws:principalarn": [role_arn_text(model, role)],
        "aws:principalaccount": [f.account_text(p)],
        "aws:principaltype": [("AssumedRole",)],
        "aws:requestedregion": [f.region_text(p, role)],
        "aws:calledvia": ABSENT, "aws:calledviafirst": ABSENT, "aws:calledvialast": ABSENT,
        "aws:sourcearn": ABSENT, "aws:sourceaccount": ABSENT, "aws:sourceowner": ABSENT,
        "kms:calleraccount": [f.account_text(p)],
        "kms:viaservice": ABSENT,
        "s3:x-amz-server-side-encryption-customer-algorithm": ABSENT,
    }
    for k, v in (keys or {}).items():
        ctx[k.lower()] = v if (v is ABSENT or v is UNKNOWN or isinstance(v, list)) else [v]
    return ctx


def sse_headers(key: Resource | None, model: Model) -> dict:
    """The SSE request headers of a writer that names a KMS key (absent when it names none)."""
    if key is None:
        return {"s3:x-amz-server-side-encryption": ABSENT,
                "s3:x-amz-server-side-encryption-aws-kms-key-id": ABSENT}
    return {"s3:x-amz-server-side-encryption": [("aws:kms",)],
            "s3:x-amz-server-side-encryption-aws-kms-key-id": [key_arn_text(model, key)]}


# =============================================================================
# destinations
# =============================================================================
@dataclass
class Target:
    """Where an attribute points: one resource, or why it could not be told."""

    resources: list[Resource] = field(default_factory=list)
    problem: Answer | None = None
    unset: bool = False
    prefix: Any = None  # key prefix from an S3 ARN ("" none, None not known)


def bucket_target(model: Model, source: Resource, path: str, value: Any = None) -> Target:
    res = resolve(model, source, path, BUCKET, value, kind="bucket")
    if res.targets:
        data = [b for b in res.targets if b.mode == "data"]
        if data and len(data) == len(res.targets):
            return Target(problem=Answer(UNKNOWN_STATUS, f"{path} names {data[0].address}, a bucket read from "
                                                         "outside this configuration: its policy cannot be read"))
        return Target([b for b in res.targets if b.mode == "managed"], prefix=res.prefix)
    if res.unset:
        return Target(problem=Answer(FAIL, f"{res.problem}: nothing is delivered"), unset=True)
    if value is UNKNOWN or source.get(path) is UNKNOWN and not source.refs_under(path):
        return Target(problem=Answer(UNKNOWN_STATUS, f"{res.problem}: cannot tell which bucket's policy applies"))
    return Target(problem=Answer(UNKNOWN_STATUS, f"{res.problem}: its bucket policy cannot be read"))


def log_group_target(model: Model, source: Resource, path: str, value: Any = None) -> Target:
    res = resolve(model, source, path, LOG_GROUP, value, kind="log group")
    if res.targets:
        return Target(list(res.targets))
    if res.unset:
        return Target(problem=Answer(FAIL, f"{res.problem}: nothing is delivered"), unset=True)
    return Target(problem=Answer(UNKNOWN_STATUS, f"{res.problem}: cannot tell which log group it writes to"))


def bucket_policies(model: Model, bucket: Resource) -> list[Policy]:
    """The bucket policies in the way of a write (``aws_s3_bucket_policy`` and legacy ``policy``).
    Empty when the bucket has none."""
    if bucket.mode == "data":
        return [Policy(f"{bucket.address} bucket policy", UNKNOWN,
                       f"{bucket.address} is read from outside this configuration: its policy is not known")]
    out: list[Policy] = []
    found = _s3.sub_resources(model, bucket, "aws_s3_bucket_policy")
    for p in found:
        out.append(read_policy(model, p, "policy", p.address))
    if not found:
        for p in _s3.untied_sub_resources(model, "aws_s3_bucket_policy"):
            out.append(Policy(p.address, UNKNOWN, f"{p.address} names a bucket not known until apply; it may be "
                                                  f"the policy of {bucket.address}"))
    legacy = bucket.values.get("policy")
    if (isinstance(legacy, str) and legacy.strip()) or bucket.refs_under("policy"):
        out.append(read_policy(model, bucket, "policy", f"{bucket.address} policy"))
    return out


def no_bucket_policy(bucket: Resource, service: str) -> str:
    return (f"{bucket.address} has no bucket policy: nothing lets {service} write to it "
            "(a service principal needs a bucket policy grant)")


# --- default encryption ------------------------------------------------------------
@dataclass
class Encryption:
    algorithm: Any  # None (SSE-S3 by default), "AES256", "aws:kms", "aws:kms:dsse", UNKNOWN
    holder: Resource | None = None
    key_path: str = ""
    text: str = ""
    bucket_key: Any = None


def default_encryption(model: Model, bucket: Resource) -> Encryption:
    """The bucket's default encryption (``aws_s3_bucket_server_side_encryption_configuration`` or
    the legacy inline block)."""
    if bucket.mode == "data":
        return Encryption(UNKNOWN, text=f"{bucket.address} is read from outside this configuration")
    configs = _s3.sub_resources(model, bucket, SSE)
    untied = [] if configs else _s3.untied_sub_resources(model, SSE)
    checks: list[tuple[Resource, str, Any]] = []
    for cfg in configs:
        checks.append((cfg, "rule", cfg.values.get("rule")))
    inline = bucket.values.get("server_side_encryption_configuration")
    if not configs and isinstance(inline, list) and inline and isinstance(inline[0], dict):
        checks.append((bucket, "server_side_encryption_configuration.0.rule", inline[0].get("rule")))
    if not checks:
        if untied:
            return Encryption(UNKNOWN, text=f"{untied[0].address} names a bucket not known until apply")
        return Encryption(None, text=f"{bucket.address} sets no default encryption (SSE-S3)")
    holder, base, rules = checks[0]
    if rules is UNKNOWN:
        return Encryption(UNKNOWN, holder, text=f"{holder.address} rule is not known until apply")
    rules = rules if isinstance(rules, list) else []
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict):
            continue
        defaults = rule.get("apply_server_side_encryption_by_default")
        if defaults is UNKNOWN:
            return Encryption(UNKNOWN, holder, text=f"{holder.address} default encryption is not known until apply")
        if not defaults:
            continue
        path = f"{base}.{i}.apply_server_side_encryption_by_default.0"
        algo = holder.get(f"{path}.sse_algorithm")
        if algo is UNKNOWN:
            return Encryption(UNKNOWN, holder, text=f"{holder.address} sse_algorithm is not known until apply")
        return Encryption(algo, holder, f"{path}.kms_master_key_id",
                          f"{holder.address} sse_algorithm = {fmt(algo)}", rule.get("bucket_key_enabled"))
    return Encryption(None, holder, text=f"{holder.address} sets no default algorithm (SSE-S3)")


# --- keys --------------------------------------------------------------------------
@dataclass
class KeyTarget:
    key: Resource | None = None
    problem: Answer | None = None  # why the key (or its policy) cannot be checked
    aws_managed: str = ""  # the AWS-managed alias named (the CMK rules report it)


def _is_aws_managed(value: Any) -> bool:
    return isinstance(value, str) and (value.startswith("alias/aws/") or ":alias/aws/" in value)


def key_target(model: Model, resource: Resource, path: str) -> KeyTarget | None:
    """The KMS key ``resource.<path>`` names (an ARN, id, alias, or references); None when unset."""
    value = resource.get(path)
    if _is_aws_managed(value):
        return KeyTarget(aws_managed=value)
    keys = list(model.targets(resource, path, KEY))
    for alias in model.targets(resource, path, ALIAS):
        name = alias.values.get("name")
        if _is_aws_managed(name):
            return KeyTarget(aws_managed=name)
        keys += [k for k in model.targets(alias, "target_key_id", KEY) if k not in keys]
    data_keys = [k for k in keys if k.mode == "data"]
    keys = [k for k in keys if k.mode == "managed"]
    if len(keys) == 1:
        return KeyTarget(keys[0])
    if len(keys) > 1:
        return KeyTarget(problem=Answer(UNKNOWN_STATUS, f"{path} may name any of {', '.join(k.address for k in keys)}"))
    if data_keys:
        return KeyTarget(problem=Answer(UNKNOWN_STATUS, f"{path} names {data_keys[0].address}, a key read from "
                                                        "outside this configuration: its key policy cannot be read"))
    if value is None or value == "":
        # known to be unset, whatever it refers to (join("", aws_kms_key.k[*].arn) over a key of count 0)
        return None
    refs = resource.refs_under(path)
    if refs:
        return KeyTarget(problem=Answer(UNKNOWN_STATUS, f"{path} refers to {', '.join(refs)}, which is not a KMS "
                                                        "key of this configuration: its key policy cannot be read"))
    if value is UNKNOWN:
        return KeyTarget(problem=Answer(UNKNOWN_STATUS, f"{path} is not known until apply: cannot tell which key "
                                                        "policy applies"))
    if isinstance(value, str):
        # an alias or key ARN written out ("arn:aws:kms:us-east-1:111122223333:alias/logs")
        return key_from_value(model, value, path)
    return KeyTarget(problem=Answer(UNKNOWN_STATUS, f"{path} = {fmt(value)} names a key not defined in this "
                                                    "configuration: its key policy cannot be read"))


def key_aliases(model: Model, key: Resource) -> list[Text]:
    """The alias names of a key (``kms:ResourceAliases``)."""
    out: list[Text] = []
    for alias in model.referrers(key, [ALIAS], "target_key_id"):
        out.append(ref_text(model, alias, "name"))
    return out


def key_policies(model: Model, key: Resource) -> list[Policy]:
    """The key policy: ``aws_kms_key_policy`` when one manages it, else the key's ``policy``, else
    the default key policy (the account may use the key through IAM policies; nobody else)."""
    managed = model.referrers(key, ["aws_kms_key_policy"], "key_id")
    if managed:
        return [read_policy(model, p, "policy", f"{p.address} key policy") for p in managed]
    label = f"{key.address} key policy"
    value = key.values.get("policy")
    if (value is UNKNOWN and not key.refs_under("policy") and not key.partial.get("policy")
            and (model.kind != "plan" or model.has_references)):
        value = None  # optional + computed and not set in the configuration
    if value is None or value == "":
        cache = model_cache(model).setdefault("default_key_policies", {})
        if key.address not in cache:
            cache[key.address] = [_default_key_policy(model, key)]
        return cache[key.address]
    return [read_policy(model, key, "policy", label)]


def _default_key_policy(model: Model, key: Resource) -> Policy:
    """The key policy AWS gives a key created without one: the account may use it through IAM."""
    f = facts(model)
    p = provider_of(key)
    return Policy(f"{key.address} default key policy", [{
        "_label": 'statement "Enable IAM User Permissions"', "Sid": "Enable IAM User Permissions",
        "Effect": "Allow", "Action": ["kms:*"], "NotAction": [], "Resource": [("*",)], "NotResource": [],
        "Principal": {"AWS": [text("arn:", f.partition(p), ":iam::", f.account_text(p), ":root")]},
        "NotPrincipal": None, "Condition": {}}])


def key_state(key: Resource) -> Answer | None:
    """A key that cannot encrypt anything (disabled, asymmetric)."""
    if key.values.get("is_enabled") is False:
        return Answer(FAIL, f"{key.address} is disabled (is_enabled = false): nothing can be encrypted with it")
    spec = key.values.get("customer_master_key_spec")
    if isinstance(spec, str) and spec != "SYMMETRIC_DEFAULT":
        return Answer(FAIL, f"{key.address} key spec {spec} cannot encrypt log data (a symmetric key is needed)")
    usage = key.values.get("key_usage")
    if isinstance(usage, str) and usage not in ("ENCRYPT_DECRYPT",):
        return Answer(FAIL, f"{key.address} key_usage = {usage}: it cannot encrypt log data")
    return None


# --- roles ---------------------------------------------------------------------------
def iam_index(model: Model) -> IamIndex:
    return IamIndex.of(model)


@dataclass
class RoleTarget:
    role: Resource | None = None
    problem: Answer | None = None


def role_target(model: Model, resource: Resource, path: str, what: str) -> RoleTarget | None:
    """The role ``resource.<path>`` (an ARN) names; None when unset."""
    value = resource.get(path)
    roles = [r for r in model.targets(resource, path, ROLE) if r.mode == "managed"]
    if not roles and value is UNKNOWN:
        roles = leaf_roles(model, model.partial_value(resource, path)) or []
    if len(roles) == 1:
        return RoleTarget(roles[0])
    if len(roles) > 1:
        return RoleTarget(problem=Answer(UNKNOWN_STATUS, f"{path} may name any of {', '.join(r.address for r in roles)}"))
    if value is None or value == "":
        return None  # known to be unset, whatever it refers to
    if value is UNKNOWN:
        refs = resource.refs_under(path)
        why = f"refers to {', '.join(refs)}" if refs else "is not known until apply"
        return RoleTarget(problem=Answer(UNKNOWN_STATUS, f"{path} {why}: cannot tell which role {what}"))
    return RoleTarget(problem=Answer(UNKNOWN_STATUS, f"{path} = {fmt(value)} names a role not defined in this "
                                                     f"configuration: cannot tell what it may do"))


def role_principal(model: Model, role: Resource) -> Principal:
    f = facts(model)
    p = provider_of(role)
    return Principal("role", role_arn_text(model, role), f.account_text(p), f.partition(p), label=role.address)


def role_policies(model: Model, role: Resource) -> tuple[list[Policy], list[Policy]]:
    """(identity policies, permissions boundaries) of a role, as :class:`Policy` objects."""
    identity: list[Policy] = []
    boundaries: list[Policy] = []
    for attached in iam_index(model).policies(role):
        if attached.where is not None and attached.statements is not UNKNOWN:
            holder, path = attached.where
            policy = read_policy(model, holder, path, attached.label,
                                 kind="boundary" if attached.boundary else "identity")
        else:
            policy = known_policy(attached.label, attached.statements,
                                  kind="boundary" if attached.boundary else "identity",
                                  why=attached.why or f"{attached.label} is not known until apply")
        if not attached.definite:
            policy = Policy(policy.label, policy.statements, policy.why, policy.kind,
                            maybe=f"it may not be attached to {role.address}")
        (boundaries if attached.boundary else identity).append(policy)
    return identity, boundaries


def trust_policy(model: Model, role: Resource) -> Policy:
    return read_policy(model, role, "assume_role_policy", f"{role.address} trust policy", kind="trust")


def key_prefix_text(model: Model, resource: Resource, path: str) -> Text | None:
    """An S3 key prefix attribute as the path segment it adds ("" when unset; "p/" for "p")."""
    value = resource.get(path)
    if value is None or value == "":
        return ()
    t = ref_text(model, resource, path, value if isinstance(value, str) else None)
    if isinstance(value, str):
        value = value.strip("/")
        return (value + "/",) if value else ()
    return text(t, "/")


def key_from_value(model: Model, value: Any, label: str) -> KeyTarget | None:
    """The KMS key a known id / ARN / alias (e.g. a Session Manager ``kmsKeyId``) names."""
    if not isinstance(value, str) or not value:
        return None
    if _is_aws_managed(value):
        return KeyTarget(aws_managed=value)
    names = [value]
    m = re.match(r"^arn:[^:]+:kms:[^:]*:[^:]*:((alias|key)/(.+))$", value)
    if m:
        names += [m.group(1), m.group(3)] if m.group(2) == "key" else [m.group(1)]
    keys: list[Resource] = []
    for n in names:
        keys += [k for k in model.with_identity(n, KEY) if k not in keys]
        for alias in model.with_identity(n, ALIAS):
            keys += [k for k in model.targets(alias, "target_key_id", KEY) if k not in keys]
    if len(keys) == 1:
        return KeyTarget(keys[0])
    if keys:
        return KeyTarget(problem=Answer(UNKNOWN_STATUS, f"{label} = {fmt(value)} may name any of "
                                                        f"{', '.join(k.address for k in keys)}"))
    return KeyTarget(problem=Answer(UNKNOWN_STATUS, f"{label} = {fmt(value)} names a key not defined in this "
                                                    "configuration: its key policy cannot be read"))
