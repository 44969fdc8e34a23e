"""Shared S3 bucket helpers: a bucket's sub-resources and what they say.

Since AWS provider v4 a bucket's settings live in separate resources
(``aws_s3_bucket_versioning``, ``aws_s3_bucket_public_access_block``,
``aws_s3_bucket_policy``, ``aws_s3_bucket_logging``, ...) whose ``bucket`` argument names the
bucket; older configurations set them inline on ``aws_s3_bucket`` (``versioning``, ``logging``,
``server_side_encryption_configuration``, ``lifecycle_rule``, ``object_lock_configuration``,
``policy``, ``acl`` / ``grant``).  Both are read here, once, so that every rule sees the same
settings: :func:`inline` is the one reader of a legacy block (in a plan from provider >= 4 such an
attribute of a bucket that does not write it is computed, i.e. unknown, and reads as absent).
These helpers answer in the engine's statuses (fail closed: what cannot be tied to the bucket or is
not known until apply is ``unknown``, never ``pass``).
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any

from ..engine import FAIL, PASS, UNKNOWN_STATUS
from ..model import STANDS_FOR, UNKNOWN, Model, Resource
from . import _iam
from ._naming import tagged_as

BUCKET = "aws_s3_bucket"
PAB_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


@dataclass
class Check:
    status: str  # PASS, FAIL or UNKNOWN_STATUS
    message: str
    sources: list[Resource] = field(default_factory=list)  # the resources a pass rests on
    absent: bool = False  # the verdict rests on a sub-resource not being in the configuration


def worst(statuses) -> str:
    """FAIL over UNKNOWN over PASS (PASS for nothing)."""
    statuses = list(statuses)
    if FAIL in statuses:
        return FAIL
    if UNKNOWN_STATUS in statuses:
        return UNKNOWN_STATUS
    return PASS


def bucket_name(bucket: Resource) -> Any:
    """The bucket's name, or UNKNOWN when it is generated / known only after apply."""
    name = bucket.values.get("bucket")
    return name if isinstance(name, str) and name else UNKNOWN


def describe(bucket: Resource) -> str:
    name = bucket_name(bucket)
    return f"{bucket.address} ({name!r})" if name is not UNKNOWN else bucket.address


def _narrow(bucket: Resource, found: list[Resource]) -> list[Resource]:
    """Of several sub-resources tied to a counted bucket, keep the one with the same index."""
    if len(found) <= 1:
        return found
    same = [r for r in found if r.module_path == bucket.module_path and r.index == bucket.index]
    return same or found


def sub_resources(model: Model, bucket: Resource, *types: str, path: str = "bucket") -> list[Resource]:
    """Resources of ``types`` whose ``path`` (default ``bucket``) names this bucket."""
    return _narrow(bucket, model.referrers(bucket, types, path))


def _names_an_unknown_bucket(model: Model, resource: Resource, path: str) -> bool:
    """Is ``resource.<path>`` unknown and refers to nothing, or refers to another setting of a bucket
    (STANDS_FOR: ``bucket = aws_s3_bucket_public_access_block.this.id``) whose own bucket is so?"""
    seen: set[str] = set()
    todo = [(resource, path)]
    while todo:
        r, p = todo.pop()
        if r.address in seen:
            continue
        seen.add(r.address)
        refs = r.refs_under(p)
        if not refs:
            if r.get(p) is UNKNOWN:
                return True
            continue
        for address in refs:
            for target in model.instances(address):
                if target.type in STANDS_FOR:
                    todo.append((target, STANDS_FOR[target.type][0]))
    return False


def untied_sub_resources(model: Model, *types: str, path: str = "bucket") -> list[Resource]:
    """Resources of ``types`` whose bucket is unknown and refers to nothing (directly, or through
    the other setting of a bucket it names): they could be any bucket's."""
    def build() -> list[Resource]:
        out = []
        for r in model.of_type(*types):
            if _names_an_unknown_bucket(model, r, path) and not model.targets(r, path, BUCKET):
                out.append(r)
        return out

    return list(model.memo(("s3.untied_sub_resources", types, path), build))


def _tied_or_untied(model: Model, bucket: Resource, rtype: str) -> tuple[list[Resource], list[Resource]]:
    found = sub_resources(model, bucket, rtype)
    return found, ([] if found else untied_sub_resources(model, rtype))


def inline(bucket: Resource, name: str) -> list[dict] | None:
    """Legacy inline block ``name`` of an aws_s3_bucket; None when absent or computed-and-unset (UNKNOWN)."""
    value = bucket.values.get(name)
    if value is UNKNOWN or value is None:
        return None
    blocks = bucket.blocks(name)
    return blocks or None


_legacy_block = inline  # the former name


OBJECT_LOCK = "aws_s3_bucket_object_lock_configuration"
LOGGING = "aws_s3_bucket_logging"


def object_lock_implied(model: Model, bucket: Resource) -> Resource | None:
    """What shows Object Lock is on (S3 then keeps versioning on for good): ``object_lock_enabled =
    true`` or an inline ``object_lock_configuration`` enabled, or an aws_s3_bucket_object_lock_configuration
    of the bucket (which needs it); the resource that shows it, else None."""
    if bucket.values.get("object_lock_enabled") is True:
        return bucket
    for block in inline(bucket, "object_lock_configuration") or []:
        if block.get("object_lock_enabled") == "Enabled":
            return bucket
    locks = sub_resources(model, bucket, OBJECT_LOCK)
    return locks[0] if locks else None


# --- server access logging ---------------------------------------------------------
def logging_targets(model: Model, bucket: Resource) -> tuple[list[tuple[Resource, str]], list[Resource]]:
    """Where the bucket's server access logs go: [(holder, path prefix)] -- an aws_s3_bucket_logging
    that refers to it (path prefix ``""``), else each legacy inline ``logging`` block
    (``logging.N.``); the holder's ``<prefix>target_bucket`` / ``<prefix>target_prefix`` name the
    target.  Second: logging resources whose bucket is not known (they could be this bucket's)."""
    configs, untied = _tied_or_untied(model, bucket, LOGGING)
    out = [(cfg, "") for cfg in configs]
    if not configs:
        for i, block in enumerate(inline(bucket, "logging") or []):
            if block.get("target_bucket") is not None or bucket.refs_under(f"logging.{i}.target_bucket"):
                out.append((bucket, f"logging.{i}."))
    return out, ([] if out else untied)


# --- versioning ----------------------------------------------------------------
def versioning(model: Model, bucket: Resource) -> Check:
    """Is versioning Enabled?  Stated, not inferred: an ``aws_s3_bucket_versioning`` (or legacy
    ``versioning { enabled = ... }``) decides; Object Lock implies versioning only where nothing
    else is said (an explicit ``status = "Suspended"`` fails even on a locked bucket -- AWS would
    reject that change anyway)."""
    found, untied = _tied_or_untied(model, bucket, "aws_s3_bucket_versioning")
    if found:
        results = []
        for v in found:
            status = v.get("versioning_configuration.0.status")
            if status is UNKNOWN:
                results.append(Check(UNKNOWN_STATUS, f"{v.address}: versioning_configuration.status "
                                                     "is not known until apply", [v]))
            elif status == "Enabled":
                results.append(Check(PASS, f"{v.address}: versioning_configuration.status = \"Enabled\"", [v]))
            else:
                shown = f'"{status}"' if isinstance(status, str) else "unset"
                results.append(Check(FAIL, f"{v.address}: versioning_configuration.status = {shown}, "
                                           "not \"Enabled\"", [v]))
        return _combine(results)
    legacy = inline(bucket, "versioning")
    if legacy:
        enabled = legacy[0].get("enabled")
        if enabled is UNKNOWN:
            return Check(UNKNOWN_STATUS, f"{bucket.address}: versioning.enabled is not known until apply")
        if enabled is True:
            return Check(PASS, f"{bucket.address}: versioning.enabled = true", [bucket])
        if enabled is False or object_lock_implied(model, bucket) is None:
            return Check(FAIL, f"{bucket.address}: versioning.enabled = "
                               f"{str(enabled).lower() if enabled is not None else 'unset'}")
    lock = object_lock_implied(model, bucket)
    if lock is not None:
        how = ("object_lock_enabled = true" if lock is bucket else f"{lock.address} (Object Lock)")
        return Check(PASS, f"{bucket.address}: {how} keeps versioning on (S3 cannot suspend it), and no "
                           "versioning setting says otherwise", [lock])
    if untied:
        return Check(UNKNOWN_STATUS, f"no aws_s3_bucket_versioning refers to {bucket.address}, but "
                                     f"{untied[0].address} names a bucket not known until apply")
    return Check(FAIL, f"no aws_s3_bucket_versioning refers to {bucket.address} and it has no "
                       "versioning block: versioning is disabled", absent=True)


def _combine(results: list[Check]) -> Check:
    status = worst(r.status for r in results)
    chosen = [r for r in results if r.status == status]
    return Check(status, "; ".join(r.message for r in chosen),
                 [s for r in chosen for s in r.sources], absent=any(r.absent for r in chosen))


# --- public access block ---------------------------------------------------------
def public_access_flags(model: Model, bucket: Resource) -> tuple[dict[str, Any], list[Resource], list[Resource]]:
    """Effective value of each of the four flags: True if the bucket's or the account's block sets it.

    Returns (flags, bucket-level blocks, account-level blocks).  A flag is
    UNKNOWN when no block sets it true and some block's value (or which
    bucket a block belongs to) is not known until apply.
    """
    found, untied = _tied_or_untied(model, bucket, "aws_s3_bucket_public_access_block")
    home = model.account_of(bucket)  # an account-level block covers the buckets of its own account
    accounts = [a for a in model.of_type("aws_s3_account_public_access_block") if model.account_of(a) == home]
    flags: dict[str, Any] = {}
    for flag in PAB_FLAGS:
        values = [r.values.get(flag) for r in found + accounts]
        values += [UNKNOWN for r in untied if r.values.get(flag) is not False]
        flags[flag] = _iam.tri_any(v if v is UNKNOWN else v is True for v in values)
    return flags, found, accounts


def public_access(model: Model, bucket: Resource) -> Check:
    """All four public-access-block flags true at bucket or account level?"""
    flags, found, accounts = public_access_flags(model, bucket)
    where = ", ".join(r.address for r in found + accounts)
    off = [f for f, v in flags.items() if v is False]
    unknown = [f for f, v in flags.items() if v is UNKNOWN]
    if not found and not accounts and len(off) == len(PAB_FLAGS):
        return Check(FAIL, f"no aws_s3_bucket_public_access_block refers to {bucket.address} and there is no "
                           "aws_s3_account_public_access_block: public access is not blocked", absent=True)
    if off:
        shown = ", ".join(f"{f} = {_show_flag(found + accounts, f)}" for f in off)
        return Check(FAIL, f"public access not fully blocked for {bucket.address} ({where or 'no block'}): {shown}",
                     found + accounts)
    if unknown:
        return Check(UNKNOWN_STATUS, f"public access block of {bucket.address}: {', '.join(unknown)} "
                                     "not known until apply", found + accounts)
    return Check(PASS, f"{where}: all four public access block flags are true for {bucket.address}",
                 found + accounts)


def _show_flag(blocks: list[Resource], flag: str) -> str:
    values = {b.values.get(flag) for b in blocks}
    return "false" if False in values else "unset"


# --- bucket policy -------------------------------------------------------------
def bucket_policies(model: Model, bucket: Resource) -> tuple[list[dict] | Any | None, list[Resource]]:
    """Statements of the bucket's policy (``aws_s3_bucket_policy`` and legacy ``policy``).

    Returns (statements, sources): statements is None when the bucket has no
    policy at all, UNKNOWN when a policy exists (or may exist) but cannot be read.
    """
    found, untied = _tied_or_untied(model, bucket, "aws_s3_bucket_policy")
    statements: list[dict] = []
    sources: list[Resource] = []
    unknown = False
    for p in found:
        stmts = _iam.policy_statements(model, p, "policy")
        sources.append(p)
        if stmts is UNKNOWN:
            unknown = True
        elif stmts:
            statements.extend(stmts)
    legacy_value = bucket.values.get("policy")
    # Computed-and-unset (UNKNOWN without references) means no inline policy.
    if isinstance(legacy_value, str) and legacy_value.strip() or bucket.refs_under("policy"):
        stmts = _iam.policy_statements(model, bucket, "policy")
        sources.append(bucket)
        if stmts is UNKNOWN:
            unknown = True
        elif stmts:
            statements.extend(stmts)
    if unknown:
        return UNKNOWN, sources
    if not sources:
        return (UNKNOWN if untied else None), untied
    return statements, sources


# --- ACLs ------------------------------------------------------------------------
_PUBLIC_CANNED = ("public-read", "public-read-write", "authenticated-read")
_PUBLIC_GROUPS = ("http://acs.amazonaws.com/groups/global/AllUsers",
                  "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")


def acl_exposure(model: Model, bucket: Resource) -> Check:
    """Does a canned ACL or grant open the bucket to everyone / any AWS account?"""
    problems: list[str] = []
    unknown: list[str] = []
    acl = bucket.values.get("acl")
    if isinstance(acl, str) and acl in _PUBLIC_CANNED:
        problems.append(f"{bucket.address}: acl = \"{acl}\"")
    for g in bucket.blocks("grant"):
        uri = g.get("uri")
        if uri in _PUBLIC_GROUPS:
            problems.append(f"{bucket.address}: grant to {uri.rsplit('/', 1)[-1]}")
    for r in sub_resources(model, bucket, "aws_s3_bucket_acl"):
        value = r.values.get("acl")
        if isinstance(value, str) and value in _PUBLIC_CANNED:
            problems.append(f"{r.address}: acl = \"{value}\"")
        elif value is UNKNOWN and not r.blocks("access_control_policy"):
            unknown.append(f"{r.address}: acl not known until apply")
        for acp in r.blocks("access_control_policy"):
            grants = acp.get("grant")
            if grants is UNKNOWN:
                unknown.append(f"{r.address}: access_control_policy.grant not known until apply")
                continue
            for g in grants or []:
                for grantee in (g.get("grantee") or []) if isinstance(g, dict) else []:
                    uri = grantee.get("uri") if isinstance(grantee, dict) else None
                    if uri in _PUBLIC_GROUPS:
                        problems.append(f"{r.address}: grant to {uri.rsplit('/', 1)[-1]}")
                    elif uri is UNKNOWN:
                        unknown.append(f"{r.address}: grantee uri not known until apply")
    if problems:
        return Check(FAIL, "; ".join(problems))
    if unknown:
        return Check(UNKNOWN_STATUS, "; ".join(unknown))
    return Check(PASS, f"{bucket.address}: no public ACL")


# --- what else the bucket is used for ----------------------------------------------
def non_log_uses(model: Model, bucket: Resource, policy=None) -> list[str]:
    """Signs that the bucket holds more than logs: objects managed in it, website or CORS
    configuration, or its being the screenshot bucket of the policy (name glob or naming tag)."""
    uses: list[str] = []
    name = bucket_name(bucket)
    if policy is not None:
        glob = next((g for g in policy.screenshot_bucket_globs
                     if isinstance(name, str) and fnmatch.fnmatchcase(name, g)), None)
        if glob:
            uses.append(f"bucket {name!r} is the screenshot bucket (matches {glob!r})")
        elif tagged_as(bucket, policy, "screenshot_bucket"):
            uses.append(f"{bucket.address} is the screenshot bucket (tagged {policy.mapping_tag} = screenshot_bucket)")
    for r in sub_resources(model, bucket, "aws_s3_object", "aws_s3_bucket_object"):
        uses.append(f"{r.address} stores an object in it")
    for r in sub_resources(model, bucket, "aws_s3_bucket_website_configuration"):
        uses.append(f"{r.address} serves it as a website")
    for r in sub_resources(model, bucket, "aws_s3_bucket_cors_configuration"):
        uses.append(f"{r.address} configures CORS on it")
    if _legacy_block(bucket, "website"):
        uses.append(f"{bucket.address} has a website block")
    if _legacy_block(bucket, "cors_rule"):
        uses.append(f"{bucket.address} has a cors_rule block")
    return uses
