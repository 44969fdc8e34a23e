"""Log Access: only the DevOps admin role (break-glass), the security investigation role (read-only)
and the automated compliance tools may read logs (ACC-001 .. ACC-005).

Who counts as allowed comes from the policy file: ``log_access.roles`` (role-name globs, compared as
IAM compares role names -- case-insensitively -- and ignoring separators and word endings, so
``SecurityInvestigator`` is the ``*security-investigation*`` role) and ``log_access.services``
(service principals; a role only those services may assume is theirs).

- ACC-001: the bucket policy (and ACL) of every log bucket grants object reads only to those roles and
  services.  An AWS account principal (``arn:aws:iam::<this account>:root``) delegates the decision to
  the account's IAM policies, which ACC-002 checks; another account, any other role or user, a service
  not listed, or ``Principal "*"`` without a condition restricting it to the allowed roles fails.
- ACC-002: no IAM identity policy (inline, attached, AWS-managed) grants a principal that is not an
  allowed role a log read: ``s3:GetObject``/``GetObjectVersion`` on a log bucket's objects (or
  ``*``), or a CloudWatch Logs read (``logs:GetLogEvents``, ``FilterLogEvents``, ``StartQuery``, ...).
  Every object of a log bucket is a log, whatever its prefix (the policy wants a dedicated bucket);
  a Resource written ``"${aws_s3_bucket.logs.arn}/*"`` names the objects of that bucket.
- ACC-003: the security investigation role is read-only: every action its policies allow is a read
  (``Get*``, ``List*``, ``Describe*``, Logs Insights queries, ``kms:Decrypt`` ...).
- ACC-004: the break-glass DevOps admin role can be assumed only with MFA.
- ACC-005: each log-access role of the policy exists in the configuration.

KMS key policies (who may decrypt) are ACC-006's (``log_access_keys``).  Not covered: S3 access
points, CloudWatch Logs resource policies
and subscription filters copying logs elsewhere.
"""
from __future__ import annotations

import re

from ..engine import ACCOUNT, FAIL, PASS, UNKNOWN_STATUS, Rule, register
from ..model import UNKNOWN, Hole, PartialString
from . import _principals as P
from . import _accounts, _s3
from ._iam import grants_any_action, principal_entries
from ._naming import (describe_entry, entry_for_name, entry_for_role, missing_role_fix, missing_role_message,
                      role_entry, roles_for, show_entry_globs)
from ._retention import parse_s3_arn
from .integrity import log_buckets

SECTION = "Log Access"
RESTRICTED = "Log access is restricted to:"
BREAK_GLASS_ROLE = "devops_admin"
READ_ONLY_ROLE = "security_investigation"


# =============================================================================
# who is allowed
# =============================================================================
def allowed_name(policy, name: str) -> dict | None:
    """The log-access role entry of the policy whose name globs match ``name``."""
    return entry_for_name(policy, name)[0]


def allowed_role(model, policy, role) -> tuple:
    """(True / False / UNKNOWN, why) -- may this aws_iam_role read logs?"""
    name = P.role_name(role)
    entry, how = entry_for_role(policy, role, model)
    if entry:
        return True, f"role {P.shown_name(role)} is the {describe_entry(entry)} ({how})"
    trusted = P.trust(model, role)
    services = trusted.services_only(policy.log_access_services)
    if services is True:
        return True, (f"role {P.shown_name(role)} can be assumed only by {', '.join(trusted.services())}, "
                      "an automated compliance / log service allowed to access logs")
    if name is UNKNOWN:
        return UNKNOWN, "its name is not known until apply"
    if services is UNKNOWN:
        return UNKNOWN, f"role {name!r} matches no log-access role and its assume_role_policy is not known"
    globs = ", ".join(g for r in policy.log_access_roles for g in r["names"])
    return False, f"role {name!r}, which matches no log-access role ({globs})"


def _log_bucket_names(model):
    """(names of the log buckets, whether some log bucket's name is not known)."""
    buckets, unresolved = log_buckets(model)
    names, unknown = [], False
    for bucket, _ in buckets.values():
        name = _s3.bucket_name(bucket)
        if name is UNKNOWN:
            unknown = True
        else:
            names.append(name)
    for use, _ in unresolved:
        value = use.value if use.value is not None else use.source.get(use.path)
        if isinstance(value, str) and value:
            names.append(parse_s3_arn(value)[0])
        else:
            unknown = True
    return frozenset(names), unknown  # a set: reads_logs looks bucket names up


# =============================================================================
# ACC-001 bucket policies
# =============================================================================
def _own_accounts(model, statements) -> set[str]:
    """Account ids shown to be this account's: the caller identity read at plan time and the
    aws:SourceAccount / aws:SourceOwner / aws:PrincipalAccount values of the bucket policy."""
    own = set(model.memo(("log_access.caller_accounts",), lambda: {
        d.values.get("account_id") for d in model.data("aws_caller_identity")
        if isinstance(d.values.get("account_id"), str) and d.values.get("account_id")}))
    for s in statements:
        cond = s.get("Condition")
        if not isinstance(cond, dict):
            continue
        for test, body in cond.items():
            if not isinstance(body, dict) or not str(test).lower().startswith("stringequals"):
                continue
            for var, values in body.items():
                if str(var).lower() in ("aws:sourceaccount", "aws:sourceowner", "aws:principalaccount") \
                        and isinstance(values, list):
                    own.update(v for v in values if isinstance(v, str))
    return own


class _PrincipalCheck:
    def __init__(self, model, policy, own):
        self.model, self.policy, self.own = model, policy, own

    def roles(self, roles) -> tuple:
        """Principals given as references to roles of the configuration."""
        verdicts = [allowed_role(self.model, self.policy, r) for r in roles]
        for v, why in verdicts:
            if v is False:
                return False, why
        for v, why in verdicts:
            if v is UNKNOWN:
                return UNKNOWN, why
        return True, verdicts[0][1]

    def leaf(self, leaf, refs=()) -> tuple:
        """An AWS principal (or aws:PrincipalArn value) known only after apply."""
        roles = P.leaf_roles(self.model, leaf)
        if roles is None and refs:
            roles = P.ref_roles(self.model, refs)
        if roles:
            return self.roles(roles)
        shown = str(leaf) if P.PartialString is not None and isinstance(leaf, P.PartialString) else \
            "(known after apply)"
        return UNKNOWN, f"principal {shown} is not known until apply"

    def aws(self, ident) -> tuple:
        """(True/False/UNKNOWN, why) for one AWS principal identifier."""
        account = P.account_root(ident)
        if account:
            if account in self.own:
                return True, f"account {account} (this account: its IAM policies decide, see ACC-002)"
            if self.own:
                return False, f"account {account}, another AWS account"
            return UNKNOWN, f"account {account} (cannot tell whether it is this account)"
        name = P.role_from_arn(ident)
        if name:
            entry = allowed_name(self.policy, name)
            if entry:
                return True, f"role {name!r}, the {describe_entry(entry)}"
            for role in self.model.with_identity(name, P.ROLE) + self.model.with_identity(ident, P.ROLE):
                verdict, why = allowed_role(self.model, self.policy, role)
                if verdict is not False:
                    return verdict, why
            return False, f"role {name!r}, not a log-access role"
        return False, f"{ident!r}, not a log-access role"

    def statement(self, stmt, origin) -> list[tuple]:
        """[(True/False/UNKNOWN, why)] for each principal of an Allow statement."""
        if stmt.get("NotPrincipal"):
            return [(False, f"NotPrincipal {P._show(stmt.get('NotPrincipal'))} grants every other principal")]
        entries = principal_entries(stmt.get("Principal"))
        if entries is UNKNOWN:
            return [(UNKNOWN, "Principal is not known until apply")]
        partial_entries = None
        if origin.partial is not None:
            pe = principal_entries(origin.partial.get("Principal"))
            if pe is not UNKNOWN and len(pe) == len(entries):
                partial_entries = pe
        out = []
        for n, (kind, ident) in enumerate(entries):
            if kind == "*" or (kind == "AWS" and ident == "*"):
                out.append(self.everyone(stmt, origin))
            elif kind == "Service":
                if ident is UNKNOWN:
                    out.append((UNKNOWN, "Service principal is not known until apply"))
                elif ident in self.policy.log_access_services:
                    out.append((True, f"service {ident}"))
                else:
                    out.append((False, f"service {ident}, not among the services allowed to access logs"))
            elif kind == "AWS":
                if ident is UNKNOWN:
                    leaf = partial_entries[n][1] if partial_entries else None
                    out.append(self.leaf(leaf, origin.principal_refs))
                else:
                    out.append(self.aws(ident))
            else:
                out.append((False, f"{kind} principal {P._show(ident)}, not a log-access role"))
        return out

    def everyone(self, stmt, origin) -> tuple:
        """Principal "*": allowed only with a condition limiting it to the allowed principals."""
        cond = stmt.get("Condition")
        if cond is UNKNOWN:
            return UNKNOWN, "Principal \"*\" with a Condition not known until apply"
        partial_cond = (origin.partial or {}).get("Condition") or {}
        for test, body in (cond or {}).items():
            t = str(test).lower()
            if t.endswith("ifexists") or not isinstance(body, dict):
                continue
            for var, values in body.items():
                v = str(var).lower()
                if t in ("arnequals", "arnlike", "stringequals", "stringlike") and v == "aws:principalarn":
                    partial = (partial_cond.get(test) or {}).get(var) if isinstance(partial_cond, dict) else None
                    return self._limited_to_roles(values, partial, origin.condition_refs.get((t, v), ()))
                if t == "stringequals" and v == "aws:principalservicename" and isinstance(values, list):
                    bad = [x for x in values if x not in self.policy.log_access_services]
                    if not bad:
                        return True, f"Principal \"*\" limited to aws:PrincipalServiceName {P._show(values)}"
                    return False, f"Principal \"*\" limited to service {P._show(bad[0])}, not an allowed service"
                if t == "stringequals" and v == "aws:principalaccount" and isinstance(values, list):
                    verdicts = [self.aws(x) if isinstance(x, str) else (UNKNOWN, "") for x in values]
                    if all(x[0] is True for x in verdicts):
                        return True, f"Principal \"*\" limited to aws:PrincipalAccount {P._show(values)} (this account)"
        return False, "Principal \"*\" with no condition limiting it to the log-access roles"

    def _limited_to_roles(self, values, partial, refs) -> tuple:
        if values is UNKNOWN or not isinstance(values, list):
            values = partial if isinstance(partial, list) else [UNKNOWN]
        elif isinstance(partial, list) and len(partial) == len(values):
            values = [p if x is UNKNOWN else x for x, p in zip(values, partial)]
        results = [self._arn_allowed(x) if isinstance(x, str) else self.leaf(x, refs) for x in values]
        bad = [r for r in results if r[0] is False]
        if bad:
            return False, f"Principal \"*\" limited by aws:PrincipalArn to {bad[0][1]}"
        if any(r[0] is UNKNOWN for r in results):
            return UNKNOWN, "Principal \"*\" limited by aws:PrincipalArn: " + next(
                r[1] for r in results if r[0] is UNKNOWN)
        return True, "Principal \"*\" limited to the log-access roles by aws:PrincipalArn"

    def _arn_allowed(self, arn) -> tuple:
        name = P.role_from_arn(arn)
        if name is None:
            return False, f"{arn!r}, not a log-access role"
        if "*" in name or "?" in name:
            entry = next((r for r in self.policy.log_access_roles for g in r["names"]
                          if re.fullmatch(re.escape(g).replace(r"\*", ".*"), name, re.I)
                          or g.lower() == name.lower()), None)
            if entry is None:
                return False, f"pattern {arn!r}, which could match roles other than the log-access roles"
            return True, ""
        return self.aws(arn)


def _bucket_check(model, policy, bucket):
    if bucket.mode == "data":
        return UNKNOWN_STATUS, (f"{bucket.address} is read from outside this configuration; its bucket policy is "
                                "not known")
    problems, doubts, notes = [], [], []
    acl = _s3.acl_exposure(model, bucket)
    if acl.status == FAIL:
        problems.append(f"ACL grants reads to everyone: {acl.message}")
    elif acl.status == UNKNOWN_STATUS:
        doubts.append(acl.message)
    statements, sources = _s3.bucket_policies(model, bucket)
    where = ", ".join(s.address for s in sources)
    if statements is None:
        notes.append("no bucket policy: only this account's IAM policies grant reads (ACC-002)")
    elif statements is UNKNOWN:
        doubts.append(f"bucket policy {where or '(unresolved)'} is not known until apply; cannot tell who may read "
                      "the logs")
    else:
        checker = _PrincipalCheck(model, policy, _own_accounts(model, statements))
        origins = [P.StatementOrigins.of(model, src, "policy") for src in sources]
        for i, stmt in enumerate(statements):
            if stmt.get("Effect") == "Deny":
                continue
            label = f"{where} {P.statement_label(stmt, i)}"
            reads = grants_any_action(stmt, P.S3_READ)
            if reads is False:
                continue
            resources = stmt.get("Resource")
            if isinstance(resources, list) and resources and all(
                    isinstance(r, str) and "/" not in r and r != "*" for r in resources):
                continue  # bucket-level actions only: no object is read
            effect_unknown = stmt.get("Effect") is UNKNOWN
            origin = next((o for o in (x.lookup(stmt) for x in origins)
                           if o.partial is not None or o.principal_refs or o.condition_refs), P.Origin())
            verdicts = checker.statement(stmt, origin)
            bad = [why for verdict, why in verdicts if verdict is False]
            if bad and reads is True and not effect_unknown:
                problems.append(f"{label} allows {P.show_actions(stmt)} to {' and '.join(bad)}")
            elif bad or any(verdict is not True for verdict, _ in verdicts):
                why = next((w for v, w in verdicts if v is not True), "")
                doubts.append(f"{label} ({P.show_actions(stmt)}): {why or 'not known until apply'}")
        notes.append(f"bucket policy {where} lets only the log-access roles and services read objects")
    name = _s3.bucket_name(bucket)
    subject = f"bucket {name!r}" if name is not UNKNOWN else "bucket (name known after apply)"
    if problems:
        return FAIL, f"{subject}: {'; '.join(problems)}"
    if doubts:
        return UNKNOWN_STATUS, f"{subject}: {'; '.join(doubts)}"
    return PASS, f"{subject}: {'; '.join(notes)}"


class _AccessRule(Rule):
    section = SECTION
    clause = RESTRICTED


@register
class LogBucketReaders(_AccessRule):
    id = "ACC-001"
    title = "Log bucket policies let only the log-access roles and services read logs"
    rationale = ("A bucket policy grants access on its own, whatever IAM says: an Allow of s3:GetObject to "
                 "\"*\", to another account or to any role but the break-glass admin and the security "
                 "investigation role exposes every audit log in the bucket.  Only the policy's roles and the "
                 "automated compliance / log delivery services may be named; this account's root delegates "
                 "to IAM (ACC-002).")
    fix = ("Remove Allow statements granting s3:GetObject (or s3:*, *) to principals other than the "
           "log-access roles and services; never Principal \"*\" without an aws:PrincipalArn condition.")
    example_fail = '''resource "aws_s3_bucket_policy" "trail" {
  bucket = aws_s3_bucket.trail.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::trail-logs/*" }] })
}'''
    example_pass = '''resource "aws_s3_bucket_policy" "trail" {
  bucket = aws_s3_bucket.trail.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:role/security-investigation" },
    Action = "s3:GetObject", Resource = "arn:aws:s3:::trail-logs/*" }] })
}'''

    def evaluate(self, model, policy):
        buckets, unresolved = log_buckets(model)
        for use, problem in unresolved:
            if use.value is UNKNOWN:
                yield self.unknown(use.source, f"{use.path} is not known until apply: cannot tell which bucket "
                                               f"{use.label}s go to, nor who may read it")
            else:
                yield self.unknown(use.source, f"{use.label} writes to a bucket not defined in this configuration "
                                               f"({problem}); cannot tell who may read it")
        for bucket, _ in buckets.values():
            status, message = _bucket_check(model, policy, bucket)
            # a pass without any bucket policy rests on none being attached (a module not read may attach one)
            absent = status == PASS and "no bucket policy" in message
            yield self._finding(status, bucket, message, absent_in=model if absent else None)
        if not buckets and not unresolved:
            yield self.absent(model, PASS, ACCOUNT, "nothing to check: no log source in this configuration delivers "
                                                    "to an S3 bucket")


# =============================================================================
# ACC-002 identity policies
# =============================================================================
def _log_bucket_arn(model, form) -> tuple[str, str] | None:
    """``"${aws_s3_bucket.logs.arn}/*"`` -- a Resource known only after apply that is a log bucket's
    ARN, then known text -- written out with the bucket's name (``${aws_s3_bucket.logs.bucket}`` when
    that is unknown too), and that name; None for anything else.  (HCL: a plan records no expression
    text to read the rest from.)"""
    if not isinstance(form, PartialString) or not form.parts or not isinstance(form.parts[0], Hole):
        return None
    hole, rest = form.parts[0], form.parts[1:]
    if not hole.refs or not all(isinstance(p, str) for p in rest):
        return None
    buckets = model.memo(("log_access.log_bucket_names",), lambda: {
        b.address: _s3.bucket_name(b) for b, _ in log_buckets(model)[0].values()})
    names = set()
    for ref in hole.refs:
        address, _, attr = ref.rpartition(".")
        found = model.instances(address)
        if attr != "arn" or not found or any(t.address not in buckets for t in found):
            return None
        names |= {buckets[t.address] if isinstance(buckets[t.address], str) else "${" + t.address + ".bucket}"
                  for t in found}
    if len(names) != 1:
        return None
    name = names.pop()
    return f"arn:aws:s3:::{name}{''.join(rest)}", name


def _resolved(model, pol, stmt: dict) -> tuple[dict, set[str]] | None:
    """(``stmt`` with its Resources that are log buckets' ARNs written out (:func:`_log_bucket_arn`), their
    bucket names); None when it has none."""
    resources = stmt.get("Resource")
    if model is None or not (resources is UNKNOWN or isinstance(resources, list) and UNKNOWN in resources):
        return None
    partial = pol.origin(model, stmt).partial if hasattr(pol, "origin") else None
    forms = partial.get("Resource") if isinstance(partial, dict) else None
    if not isinstance(forms, list) or (resources is not UNKNOWN and len(forms) != len(resources)):
        return None
    if resources is UNKNOWN:  # the whole list from one expression: every item must be read
        resources = [f if isinstance(f, str) else UNKNOWN for f in forms]
    out, names = [], set()
    for r, f in zip(resources, forms):
        found = _log_bucket_arn(model, f) if r is UNKNOWN else None
        out.append(found[0] if found else r)
        names |= {found[1]} if found else set()
    return (dict(stmt, Resource=out), names) if names else None


def _reads(policies, names, names_unknown, verdicts=None, model=None):
    """(definite reads, possible reads) granted by a principal's policies, as one-line descriptions.

    ``verdicts`` caches each statement's verdict: a policy whose principal is known only after
    apply is offered to every principal, and must be judged once, not once per principal.
    ``model``: read a Resource that is a log bucket's ARN followed by text (HCL) as that bucket's.
    """
    verdicts = {} if verdicts is None else verdicts
    reads, maybe = [], []
    for pol in policies:
        if pol.boundary:
            continue
        if pol.statements is UNKNOWN:
            maybe.append(pol.why or f"{pol.label} is not known until apply")
            continue
        for i, stmt in enumerate(pol.statements or []):
            key = id(stmt)
            if key not in verdicts:
                verdict = P.reads_logs(stmt, names, names_unknown)
                if verdict[0] is UNKNOWN:
                    resolved = _resolved(model, pol, stmt)
                    if resolved is not None:  # only ever made definite: a read of a log bucket's objects
                        definite = P.reads_logs(resolved[0], names | resolved[1], names_unknown)
                        verdict = definite if definite[0] is True else verdict
                verdicts[key] = (stmt, verdict)
            verdict, what = verdicts[key][1]
            where = f"{pol.label} {P.statement_label(stmt, i)} grants {what}"
            if verdict is True and pol.definite:
                reads.append(where)
            elif verdict is not False:
                maybe.append(where if pol.definite else f"{where} (if attached to it)")
    return reads, maybe


@register
class IdentityLogReaders(_AccessRule):
    id = "ACC-002"
    title = "IAM policies grant log reads only to the log-access roles"
    rationale = ("Within the account, IAM identity policies decide who reads the log buckets and CloudWatch "
                 "Logs.  A workload role, user or group allowed s3:GetObject on any object of a log bucket (or \"*\"), or "
                 "logs:GetLogEvents / FilterLogEvents / StartQuery, can read the audit trail of PHI systems; "
                 "only the break-glass admin role, the security investigation role and roles of the automated "
                 "compliance tools may.")
    fix = ("Scope the policy's s3:GetObject and logs:Get*/FilterLogEvents/StartQuery to non-log resources, "
           "or move log reading to the security investigation role.")
    example_fail = '''resource "aws_iam_role_policy" "app" {
  role   = aws_iam_role.app.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Action = ["logs:*", "s3:*"], Resource = "*" }] })
}'''
    example_pass = '''resource "aws_iam_role_policy" "app" {
  role   = aws_iam_role.app.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "*" }] })
}'''

    def evaluate(self, model, policy):
        index = P.IamIndex.of(model)
        names, names_unknown = _log_bucket_names(model)
        verdicts: dict = {}
        for principal in model.of_type(P.ROLE, P.USER, P.GROUP):
            reads, maybe = _reads(index.policies(principal), names, names_unknown, verdicts, model)
            kind = principal.type.removeprefix("aws_iam_")
            if principal.type == P.ROLE:
                allowed, why = allowed_role(model, policy, principal)
            else:
                allowed, why = False, f"a {kind} is not a log-access role"
            yield self._verdict(principal, kind, allowed, why, reads, maybe, model=model)
        for grant, name in index.external_grants():
            if grant.kind == P.ROLE and allowed_name(policy, name):
                continue
            reads, maybe = _reads([grant.policy], names, names_unknown, model=model)
            kind = grant.kind.removeprefix("aws_iam_")
            if reads or maybe:
                yield self._verdict(grant.policy.source, f"{kind} {name!r} (defined outside this configuration)",
                                    False, f"{name!r} is not a log-access role", reads, maybe, named=True)
        for grant in index.untied_grants():
            reads, maybe = _reads([grant.policy], names, names_unknown, model=model)
            if reads or maybe:
                yield self.unknown(grant.policy.source, f"{(reads + maybe)[0]}, and the principal it is attached "
                                                        "to is not known until apply")
        for pol in model.of_type(P.POLICY):
            if pol.address in index.attached_policies:
                continue
            stmts = P.policy_statements(model, pol, "policy")
            reads, maybe = _reads([P.Attached(pol.address, stmts if stmts is not None else [], pol)],
                                  names, names_unknown)
            if reads or maybe:
                yield self.unknown(pol, f"{(reads + maybe)[0]}; the policy is attached to no principal in this "
                                        "configuration, so who receives it is not known")

    def _verdict(self, subject, kind, allowed, why, reads, maybe, named=False, model=None):
        if allowed is True:
            return self.passed(subject, f"{why}: allowed to read logs")
        who = kind if named else f"{kind} {P.shown_name(subject)}"
        if reads and allowed is False:
            return self.failed(subject, f"{who} is not a log-access role, but {reads[0]}")
        if maybe and allowed is False:
            # (why repeats who: "role 'x', which matches no log-access role ...")
            return self.unknown(subject, f"{who} is not a log-access role, and {maybe[0]}")
        if reads or maybe:
            return self.unknown(subject, f"{who}: {why}; {(reads + maybe)[0]}")
        # resting on no other policy reaching it: a module not read may attach one
        return self.passed(subject, f"{who}: no policy grants it a log read", absent_in=model)


# =============================================================================
# ACC-003 read-only investigation role, ACC-004 MFA for the break-glass role
# =============================================================================
class _NamedRoleRule(_AccessRule):
    role_id = ""
    pass_rests_on_absence = False  # a pass that rests on no other policy reaching the role

    def evaluate(self, model, policy):
        entry, roles, unnamed = roles_for(model, policy, self.role_id)
        if entry is None:
            yield self.passed(ACCOUNT, f"the policy lists no {self.role_id!r} log-access role")
            return
        # a missing role is ACC-005's finding: reported once, not under two rules
        index = P.IamIndex.of(model)
        for role in roles:
            status, message = self.check(model, policy, index, role)
            absent = status == PASS and self.pass_rests_on_absence
            yield self._finding(status, role, message, absent_in=model if absent else None)

    def check(self, model, policy, index, role):
        raise NotImplementedError


@register
class InvestigationRoleReadOnly(_NamedRoleRule):
    id = "ACC-003"
    title = "The security investigation role is read-only"
    clause = "Security investigation role (read-only, CloudWatch Logs Insights)"
    role_id = READ_ONLY_ROLE
    pass_rests_on_absence = True
    rationale = ("The investigation role reads every audit log; if it could also write or delete (s3:Put*, "
                 "s3:Delete*, logs:Delete*, logs:Put*, or a wildcard like \"*\", \"s3:*\", \"logs:*\"), the "
                 "person investigating could alter the evidence.  Every action its policies allow must be a "
                 "read: Get*, List*, Describe*, Logs Insights queries (logs:StartQuery, GetQueryResults), "
                 "kms:Decrypt.")
    fix = "Replace write or wildcard actions in the role's policies with read actions (logs:Get*, logs:StartQuery, s3:GetObject, ...)."
    example_fail = '''resource "aws_iam_role_policy" "investigation" {
  role   = aws_iam_role.security_investigation.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Action = ["logs:*", "s3:GetObject"], Resource = "*" }] })
}'''
    example_pass = '''resource "aws_iam_role_policy" "investigation" {
  role   = aws_iam_role.security_investigation.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Action = ["logs:StartQuery", "logs:GetQueryResults", "logs:Describe*", "s3:GetObject"],
    Resource = "*" }] })
}'''

    def check(self, model, policy, index, role):
        writes, doubts, seen = [], [], []
        for pol in index.policies(role):
            if pol.boundary:
                continue
            if pol.statements is UNKNOWN:
                doubts.append(pol.why or f"{pol.label} is not known until apply")
                continue
            if any(st.get("Effect") != "Deny" for st in pol.statements or []):
                seen.append(pol.label)
            for i, stmt in enumerate(pol.statements or []):
                effect = stmt.get("Effect")
                if effect == "Deny":
                    continue
                where = f"{pol.label} {P.statement_label(stmt, i)}"
                actions, not_actions = stmt.get("Action"), stmt.get("NotAction")
                if not_actions:
                    (writes if pol.definite and effect == "Allow" else doubts).append(
                        f"{where} allows NotAction {P._show(not_actions)}: everything else")
                    continue
                if actions is UNKNOWN:
                    doubts.append(f"{where} Action is not known until apply")
                    continue
                for a in actions:
                    ro = P.is_read_only_action(a)
                    if ro is False:
                        (writes if pol.definite and effect == "Allow" else doubts).append(
                            f"{where} allows {a!r}, not a read")
                        break
                    if ro is UNKNOWN:
                        doubts.append(f"{where} has an action not known until apply")
                        break
        name = P.shown_name(role)
        if writes:
            return FAIL, f"security investigation role {name}: {writes[0]}"
        if doubts:
            return UNKNOWN_STATUS, f"security investigation role {name}: {doubts[0]}"
        if not seen:
            return PASS, f"security investigation role {name}: no policy allows it anything"
        return PASS, f"security investigation role {name}: every action allowed by {', '.join(seen)} is a read"


MFA_PRESENT = "aws:multifactorauthpresent"
MFA_AGE = "aws:multifactorauthage"


def _requires_mfa(stmt) -> tuple:
    """(True/False/UNKNOWN, why) -- does an Allow statement of a trust policy require MFA?"""
    cond = stmt.get("Condition")
    if cond is UNKNOWN:
        return UNKNOWN, "its Condition is not known until apply"
    found_ifexists = False
    for test, body in (cond or {}).items():
        t = str(test).lower()
        if not isinstance(body, dict):
            return UNKNOWN, "its Condition is not known until apply"
        for var, values in body.items():
            v = str(var).lower()
            if v == MFA_PRESENT:
                if t == "bool":
                    if values is UNKNOWN or any(x is UNKNOWN for x in values):
                        return UNKNOWN, f"its {test} {var} value is not known until apply"
                    if values and all(str(x).lower() == "true" for x in values):
                        return True, f"Condition {test} {var} = true"
                elif t == "boolifexists":
                    found_ifexists = True
            if v == MFA_AGE and t in ("numericlessthan", "numericlessthanequals"):
                return True, f"Condition {test} {var} {P._show(values)} (MFA must have been used)"
    if found_ifexists:
        return False, ("its Condition is BoolIfExists aws:MultiFactorAuthPresent, which also passes when no MFA "
                       "information is present (long-term access keys)")
    return False, "it has no aws:MultiFactorAuthPresent = true condition"


def _denies_without_mfa(stmt) -> bool:
    """A Deny of sts:AssumeRole* to everyone when MFA is absent (BoolIfExists ... false)."""
    if stmt.get("Effect") != "Deny" or grants_any_action(stmt, P.ASSUME_ACTIONS) is not True:
        return False
    entries = principal_entries(stmt.get("Principal"))
    if entries is UNKNOWN or not any(k == "*" or (k == "AWS" and i == "*") for k, i in entries):
        return False
    cond = stmt.get("Condition")
    if not isinstance(cond, dict) or len(cond) != 1:
        return False
    for test, body in cond.items():
        if str(test).lower() != "boolifexists" or not isinstance(body, dict) or len(body) != 1:
            return False
        for var, values in body.items():
            return (str(var).lower() == MFA_PRESENT and isinstance(values, list)
                    and values and all(str(x).lower() == "false" for x in values))
    return False


@register
class BreakGlassRequiresMfa(_NamedRoleRule):
    id = "ACC-004"
    title = "The break-glass DevOps admin role can be assumed only with MFA"
    clause = "DevOps admin role (break-glass)"
    role_id = BREAK_GLASS_ROLE
    rationale = ("The break-glass role may read and delete logs and the trail; it is meant for emergencies by "
                 "named people.  Its trust policy must demand multi-factor authentication "
                 "(aws:MultiFactorAuthPresent = true), so stolen long-term keys cannot open it.")
    fix = ("Add condition { test = \"Bool\", variable = \"aws:MultiFactorAuthPresent\", values = [\"true\"] } to every "
           "statement of the role's assume_role_policy.")
    example_fail = '''data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals { type = "AWS"  identifiers = ["arn:aws:iam::111122223333:root"] }
  }
}'''
    example_pass = '''data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals { type = "AWS"  identifiers = ["arn:aws:iam::111122223333:root"] }
    condition { test = "Bool"  variable = "aws:MultiFactorAuthPresent"  values = ["true"] }
  }
}'''

    def check(self, model, policy, index, role):
        name = P.shown_name(role)
        stmts = P.policy_statements(model, role, "assume_role_policy")
        if stmts is UNKNOWN:
            return UNKNOWN_STATUS, f"break-glass role {name}: assume_role_policy is not known until apply"
        if not stmts:
            return FAIL, f"break-glass role {name}: assume_role_policy is not set"
        if any(_denies_without_mfa(s) for s in stmts):
            return PASS, (f"break-glass role {name}: assume_role_policy denies sts:AssumeRole whenever "
                          "aws:MultiFactorAuthPresent is not true")
        bad, doubts, good = [], [], []
        for i, stmt in enumerate(stmts):
            if stmt.get("Effect") == "Deny":
                continue
            assumes = grants_any_action(stmt, P.ASSUME_ACTIONS)
            if assumes is False:
                continue
            label = f"assume_role_policy {P.statement_label(stmt, i)}"
            verdict, why = _requires_mfa(stmt)
            if verdict is True and stmt.get("Effect") == "Allow":
                good.append(f"{label}: {why}")
            elif verdict is False and assumes is True and stmt.get("Effect") == "Allow":
                bad.append(f"{label} ({P.show_actions(stmt)}) lets it be assumed without MFA: {why}")
            else:
                doubts.append(f"{label}: {why or 'not known until apply'}")
        if bad:
            return FAIL, f"break-glass role {name}: {bad[0]}"
        if doubts:
            return UNKNOWN_STATUS, f"break-glass role {name}: {doubts[0]}"
        if not good:
            return PASS, f"break-glass role {name}: its assume_role_policy allows nobody to assume it"
        return PASS, f"break-glass role {name}: {'; '.join(good)}"


# =============================================================================
# ACC-005 the roles exist
# =============================================================================
@register
class LogAccessRolesExist(_AccessRule):
    id = "ACC-005"
    title = "The log-access roles of the policy exist"
    rationale = ("Log access is restricted to named roles; if the break-glass admin role or the security "
                 "investigation role is missing, logs can only be read by someone outside the policy (or not "
                 "at all in an investigation).  Each role the policy lists must exist in every account the "
                 "configuration manages.  Naming is the organisation's: a role is recognised by the policy's "
                 "log_access.roles name globs (defaults accept common spellings such as *break-glass*, "
                 "*devops-admin*, *incident-response*) or by the naming tag (auditgate:role = devops_admin).")
    fix = ("Create the missing role (e.g. \"<prefix>-devops-admin\", \"<prefix>-security-investigation\"), or map an "
           "existing one: add its name to log_access.roles in the policy file or tag it auditgate:role = <id>.")
    example_fail = '''# no aws_iam_role named like "*security-investigation*"'''
    example_pass = '''resource "aws_iam_role" "security_investigation" {
  name               = "nvs-security-investigation"
  assume_role_policy = data.aws_iam_policy_document.assume_with_mfa.json
}'''

    def evaluate(self, model, policy):
        for entry in policy.log_access_roles:
            _, roles, unnamed = roles_for(model, policy, entry["id"])
            for role in roles:
                _, how = entry_for_role(policy, role, model)
                yield self.passed(role, f"role {P.shown_name(role)} is the {describe_entry(entry)} ({how})",
                                  evidence=[role])
            mine, maybe = _accounts.split(model, roles), _accounts.split(model, unnamed)
            for account in model.accounts():
                if mine.get(account):
                    continue
                where = _accounts.prefix(model, account)
                fix = missing_role_fix(policy, entry)
                if maybe.get(account):
                    yield self.unknown(ACCOUNT, f"{where}{missing_role_message(policy, entry)}; the name of "
                                                f"{maybe[account][0].address} is not known until apply",
                                       account=account, fix=fix)
                else:
                    yield self.absent(model, FAIL, ACCOUNT, f"{where}{missing_role_message(policy, entry)}: it "
                                                            "does not exist", account=account, fix=fix)
