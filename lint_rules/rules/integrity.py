"""Log Integrity: log buckets keep what is written to them (INT-001); no non-admin role may delete
the trail (INT-002).

The section's first line, "CloudTrail log file validation enabled (SHA-256 digest files)", is the
same requirement as "Log file validation enabled (tamper-detection)" under CloudTrail Requirements
and is enforced once, by CT-006 (``rules/cloudtrail.py``).

INT-001 follows every log source that writes to S3 -- the trail, the Config delivery channel, the
GuardDuty publishing destination, flow logs to S3, the Session Manager preferences and S3 server
access logging -- to its bucket (the same resolution ENC-002 and the retention rules use) and asks
for versioning ``Enabled`` or an object lock default retention.

INT-002 reads "non-admin roles" as every role but the admin one: each ``aws_iam_role`` that is not
the DevOps admin (break-glass) role of ``log_access`` (by its name globs or the naming tag) and does
not match the policy's ``delete_trail_exempt_roles`` needs a Deny of ``cloudtrail:DeleteTrail``
reaching it -- an inline or attached identity policy, a permissions boundary, or an attached service
control policy.  Roles assumed by AWS services (EC2 instance profiles, Lambda and ECS task roles,
``config.amazonaws.com`` ...) are included: code running on an instance acts through its role.  Only
service-linked roles (``aws_iam_service_linked_role``, path ``/aws-service-role/``), which accept no
customer policies, are exempt.  An attached SCP covers every account of the configuration (an
attachment to a literal account id only that account); auditgate cannot tell the management account,
which SCPs never restrict, from a member account.  A role whose name is not known, or whose
policies are not known, is ``unknown`` unless a denial is certain.
"""
from __future__ import annotations

from ..engine import ACCOUNT, FAIL, PASS, UNKNOWN_STATUS, Rule, register
from ..model import UNKNOWN
from . import _accounts
from . import _principals as P
from ._iam import grants_action, tri_all
from ._retention import BUCKET, LogBucketUse, as_int, fmt, log_bucket_uses, resolve, sub_resources
from ._naming import describe_entry, entry_for_role
from ._s3 import Check, _legacy_block, versioning, worst

SECTION = "Log Integrity"
OBJECT_LOCK = "aws_s3_bucket_object_lock_configuration"
DELETE_TRAIL = "cloudtrail:DeleteTrail"
SERVICE_LINKED_PATH = "/aws-service-role/"
BREAK_GLASS = "devops_admin"
STOP_LOGGING = "cloudtrail:StopLogging"


# =============================================================================
# INT-001
# =============================================================================
def log_bucket_sources(model) -> list[LogBucketUse]:
    """Every log source writing to S3; a flow log whose destination type is not known counts when its
    destination resolves to a bucket."""
    uses = log_bucket_uses(model)
    for f in model.of_type("aws_flow_log"):
        if f.values.get("log_destination_type") is UNKNOWN:
            if resolve(model, f, "log_destination", BUCKET).targets:
                uses.append(LogBucketUse(f, "VPC flow log", "log_destination"))
    return uses


def log_buckets(model):
    """({bucket address: (bucket, [who writes to it])}, [(use, why it could not be resolved)]).
    Built once per model (five rules ask it); read-only."""
    return model.memo(("integrity.log_buckets",), lambda: _log_buckets(model))


def _log_buckets(model):
    buckets: dict[str, tuple] = {}
    unresolved = []
    for use in log_bucket_sources(model):
        res = resolve(model, use.source, use.path, BUCKET, use.value, kind="bucket")
        if not res.targets:
            if not res.unset:
                unresolved.append((use, res.problem))
            continue
        for b in res.targets:
            buckets.setdefault(b.address, (b, []))[1].append(f"{use.label} {use.source.address}")
    return buckets, unresolved


def _default_retention(where: str, rule: dict) -> Check:
    blocks = rule.get("default_retention")
    if blocks is UNKNOWN:
        return Check(UNKNOWN_STATUS, f"{where} default_retention is not known until apply")
    for dr in blocks or []:
        if not isinstance(dr, dict):
            continue
        mode, days, years = dr.get("mode"), dr.get("days"), dr.get("years")
        if UNKNOWN in (mode, days, years):
            return Check(UNKNOWN_STATUS, f"{where} default_retention is not known until apply")
        n_days, n_years = as_int(days), as_int(years)
        if (n_days and n_days > 0) or (n_years and n_years > 0):
            span = f"days = {n_days}" if n_days else f"years = {n_years}"
            return Check(PASS, f"{where} default_retention mode = {fmt(mode)}, {span}: "
                               "locked objects cannot be deleted or overwritten")
    return Check(FAIL, f"{where} has no default_retention: objects are not locked unless each upload asks")


def object_lock(model, bucket) -> Check:
    """Does an object lock configuration lock every new object (a default retention)?"""
    locks, untied = sub_resources(model, bucket, OBJECT_LOCK)
    results: list[Check] = []
    for lock in locks:
        enabled = lock.values.get("object_lock_enabled")
        if enabled is UNKNOWN:
            results.append(Check(UNKNOWN_STATUS, f"{lock.address} object_lock_enabled is not known until apply"))
            continue
        if enabled not in (None, "Enabled"):
            results.append(Check(FAIL, f"{lock.address} object_lock_enabled = {fmt(enabled)}"))
            continue
        rules = lock.values.get("rule")
        if rules is UNKNOWN:
            results.append(Check(UNKNOWN_STATUS, f"{lock.address} rule is not known until apply"))
            continue
        blocks = lock.blocks("rule")
        if not blocks:
            results.append(Check(FAIL, f"{lock.address} has no rule: object lock without a default retention "
                                       "locks no new object"))
        results += [_with_source(_default_retention(lock.address, r), lock) for r in blocks]
    for block in _legacy_block(bucket, "object_lock_configuration") or []:
        where = f"{bucket.address} object_lock_configuration"
        enabled = block.get("object_lock_enabled")
        if enabled is UNKNOWN:
            results.append(Check(UNKNOWN_STATUS, f"{where}.object_lock_enabled is not known until apply"))
        elif enabled != "Enabled":
            results.append(Check(FAIL, f"{where}.object_lock_enabled = {fmt(enabled)}"))
        else:
            rules = [r for r in block.get("rule") or [] if isinstance(r, dict)]
            if not rules:
                results.append(Check(FAIL, f"{where} has no rule: object lock without a default retention locks "
                                           "no new object"))
            results += [_with_source(_default_retention(where, r), bucket) for r in rules]
    if not results:
        if untied:
            return Check(UNKNOWN_STATUS, f"{untied[0].address} locks a bucket not known until apply")
        return Check(FAIL, f"no {OBJECT_LOCK} refers to {bucket.address}: no object lock", absent=True)
    status = PASS if any(r.status == PASS for r in results) else worst(r.status for r in results)
    chosen = [r for r in results if r.status == status]
    return Check(status, "; ".join(r.message for r in chosen), [s for r in chosen for s in r.sources])


def _with_source(check: Check, source) -> Check:
    check.sources.append(source)
    return check


def deletion_protection(model, bucket) -> Check:
    """Versioning Enabled or an object lock default retention (either is enough)."""
    if bucket.mode == "data":
        return Check(UNKNOWN_STATUS, f"{bucket.address} is read from outside this configuration; its "
                                     "versioning and object lock are not known")
    ver = versioning(model, bucket)
    lock = object_lock(model, bucket)
    if ver.status == PASS or lock.status == PASS:
        good = [c for c in (ver, lock) if c.status == PASS]
        return Check(PASS, "; ".join(c.message for c in good), good[0].sources)
    if UNKNOWN_STATUS in (ver.status, lock.status):
        return Check(UNKNOWN_STATUS, "; ".join(c.message for c in (ver, lock)))
    return Check(FAIL, f"{ver.message}; {lock.message}: a deleted or overwritten log is lost",
                 absent=ver.absent and lock.absent)


@register
class LogBucketDeletionProtection(Rule):
    id = "INT-001"
    title = "S3 bucket for logs: object lock or versioning prevents deletion"
    section = SECTION
    clause = "S3 bucket for logs: object lock or versioning prevents deletion"
    rationale = ("Whoever can write to a log bucket -- or steals credentials that can -- could delete or overwrite "
                 "the logs of their own actions.  Versioning keeps every prior version of an object (a delete "
                 "only adds a marker); object lock with a default retention forbids the delete outright.  This "
                 "applies to every bucket receiving audit logs: CloudTrail, Config, GuardDuty findings, flow "
                 "logs, Session Manager logs and S3 server access logs.")
    fix = ("Add aws_s3_bucket_versioning with versioning_configuration { status = \"Enabled\" } (or an "
           "aws_s3_bucket_object_lock_configuration with a default_retention) for the log bucket.")
    example_fail = '''resource "aws_config_delivery_channel" "c" { s3_bucket_name = aws_s3_bucket.config.id }
resource "aws_s3_bucket_versioning" "config" {
  bucket = aws_s3_bucket.config.id
  versioning_configuration { status = "Suspended" }
}'''
    example_pass = '''resource "aws_s3_bucket_versioning" "config" {
  bucket = aws_s3_bucket.config.id
  versioning_configuration { status = "Enabled" }
}'''

    def evaluate(self, model, policy):
        buckets, unresolved = log_buckets(model)
        for use, problem in unresolved:
            if use.value is UNKNOWN:
                yield self.unknown(use.source, f"{use.path} is not known until apply: cannot tell which bucket "
                                               f"{use.label}s go to, nor that it keeps them from deletion")
            else:
                yield self.unknown(use.source, f"{use.label} writes to a bucket this configuration does not "
                                               f"define ({problem}); cannot confirm versioning or object lock")
        for bucket, users in buckets.values():
            check = deletion_protection(model, bucket)
            yield self._finding(check.status, bucket, f"log bucket of {', '.join(users)}: {check.message}",
                                evidence=check.sources, absent_in=model if check.absent else None)
        if not buckets and not unresolved:
            yield self.absent(model, PASS, ACCOUNT, "nothing to check: no log source in this configuration delivers "
                                                    "to an S3 bucket")


# =============================================================================
# INT-002
# =============================================================================
def _denies(stmt: dict, action: str, name, trails, role=None, origin=None, model=None) -> tuple:
    """(True/False/UNKNOWN, why not) -- does the statement deny ``action`` on every trail to role ``name``?"""
    effect = stmt.get("Effect")
    if effect != "Deny":
        return (UNKNOWN if effect is UNKNOWN else False), ""
    applies, why = P.deny_applies_to_role(stmt, name, role, origin, model)
    verdict = tri_all([grants_action(stmt, action), P.covers_trails(stmt, trails), applies])
    if verdict is True:
        return True, ""
    if grants_action(stmt, action) is False:
        return False, ""
    if P.covers_trails(stmt, trails) is False:
        return False, f"its Resource {P._show(stmt.get('Resource'))} does not cover every trail"
    if applies is False:
        return False, why
    return verdict, why or "its Action or Resource is not known until apply"


def _maybe_absent(pol: P.Attached) -> str:
    """Why a policy reaching a role may not exist (its attachment or the policy itself), else ""."""
    for r in (pol.source, pol.where[0] if pol.where else None):
        if r is not None and getattr(r, "maybe_absent", None):
            return f"{r.address} may not exist ({r.maybe_absent})"
    return ""


def _scp_over(model, scp: P.AttachedScp, account: str) -> object:
    """Is the role's account under the SCP?  An attachment to the organization root, an OU, or a
    target not known until apply is taken to cover every account of the configuration; one to a
    literal account id covers that account (UNKNOWN when the role's account id is not known)."""
    target = scp.attachment.values.get("target_id")
    if not (isinstance(target, str) and target.isdigit() and len(target) == 12):
        return True
    if account.isdigit():
        return account == target
    return UNKNOWN


class _Evidence:
    """What the policies reaching one role say about one action."""

    def __init__(self):
        self.denied: list[str] = []  # definite denials
        self.maybe_denied: list[str] = []
        self.allowed: list[str] = []  # definite explicit allows
        self.unknown: list[str] = []  # sources whose content is not known
        self.not_counted: list[str] = []  # denials that do not reach the role, and why


def _collect(model, index: P.IamIndex, scps, role, name, trails) -> dict[str, _Evidence]:
    evidence = {DELETE_TRAIL: _Evidence(), STOP_LOGGING: _Evidence()}
    sources = list(index.policies(role))
    for s in scps:
        over = _scp_over(model, s, model.account_of(role))
        if over is False:
            continue
        sources.append(P.Attached(f"SCP {s.policy.address} (attached by {s.attachment.address})", s.statements,
                                  s.attachment, s.definite and over is True,
                                  f"{s.policy.address} content is not known until apply", boundary=True,
                                  where=(s.policy, "content")))
    for pol in sources:
        for action, ev in evidence.items():
            if pol.statements is UNKNOWN:
                ev.unknown.append(pol.why or f"{pol.label} is not known until apply")
                continue
            for i, stmt in enumerate(pol.statements or []):
                where = f"{pol.label} {P.statement_label(stmt, i)}"
                origin = pol.origin(model, stmt) if stmt.get("Condition") else None
                verdict, reason = _denies(stmt, action, name, trails, role, origin, model)
                if verdict is True:
                    doubtful = _maybe_absent(pol)
                    if doubtful:
                        ev.not_counted.append(f"{where}: {doubtful}")
                    (ev.denied if pol.definite and not doubtful else ev.maybe_denied).append(where)
                elif verdict is UNKNOWN:
                    ev.maybe_denied.append(where)
                    ev.not_counted.append(f"{where}: {reason}")
                elif reason:
                    ev.not_counted.append(f"{where}: {reason}")
                elif (not pol.boundary and pol.definite and stmt.get("Effect") == "Allow"
                      and grants_action(stmt, action) is True):
                    ev.allowed.append(f"{where} allows {action} ({P.show_actions(stmt)})")
    return evidence


@register
class DeleteTrailDenied(Rule):
    id = "INT-002"
    title = "IAM policy denies DeleteTrail for all non-admin roles"
    section = SECTION
    # the policy text renders the code span `DeleteTrail` without its surrounding spaces
    # the policy file runs "DeleteTrail" into "for" (a lost code span); clauses are compared ignoring spaces
    clause = "IAM policy denies DeleteTrail for all non-admin roles"
    rationale = ("Deleting (or stopping) the trail ends the audit record of everything that follows, including "
                 "the deletion itself.  Only the break-glass admin role may do it; every other role -- those people "
                 "assume through SSO, another account or CI federation, and those AWS services assume for code: EC2 "
                 "instance profiles, Lambda and ECS task roles, whose credentials anyone on the instance can use -- "
                 "needs an explicit Deny of cloudtrail:DeleteTrail (an attached IAM policy, a permissions boundary "
                 "or an organization SCP over the account), which no Allow can override.  Only service-linked roles "
                 "(path /aws-service-role/), which accept no customer policies, are exempt.")
    fix = ("Attach a policy with a Deny of cloudtrail:DeleteTrail and cloudtrail:StopLogging on \"*\" to every "
           "non-admin role (or attach an SCP denying them except for the admin role's ARN).")
    example_fail = '''resource "aws_iam_role" "ci" {
  name               = "ci-deploy"
  assume_role_policy = data.aws_iam_policy_document.github_oidc_assume.json
}   # no policy denying cloudtrail:DeleteTrail is attached'''
    example_pass = '''resource "aws_iam_policy" "deny_trail_deletion" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny",
    Action = ["cloudtrail:DeleteTrail", "cloudtrail:StopLogging"], Resource = "*" }] })
}
resource "aws_iam_role_policy_attachment" "ci" {
  role       = aws_iam_role.ci.name
  policy_arn = aws_iam_policy.deny_trail_deletion.arn
}'''

    def evaluate(self, model, policy):
        index = P.IamIndex.of(model)
        scps = P.attached_scps(model)
        trails = [t.values.get("name") for t in model.of_type("aws_cloudtrail")]
        roles = model.of_type(P.ROLE)
        for role in roles:
            status, message = self.check_role(model, policy, index, scps, trails, role)
            # "no attached policy denies it": a module not read may attach the denial (by role name)
            absent = status == FAIL and "no attached policy or SCP denying" in message
            yield self._finding(status, role, message, absent_in=model if absent else None)
        external = list(self.external_roles(index, policy, trails))
        yield from external
        with_roles = {model.account_of(r) for r in roles} | {model.account_of(model.get(f.resource))
                                                             for f in external if model.get(f.resource)}
        for account in model.accounts():
            if account not in with_roles:
                yield from self.no_roles(model, index, scps, trails, account)

    def check_role(self, model, policy, index, scps, trails, role):
        name = P.role_name(role)
        shown = P.shown_name(role)
        if role.values.get("path") == SERVICE_LINKED_PATH:
            return PASS, (f"role {shown} has path {SERVICE_LINKED_PATH}: a service-linked role, which accepts no "
                          "customer policy, is exempt")
        if name is not UNKNOWN:
            glob = P.matching_glob(name, policy.delete_trail_exempt_roles)
            if glob:
                return PASS, (f"role {shown} matches delete_trail_exempt_roles {glob!r}: the admin role is exempt "
                              "from the DeleteTrail denial")
        entry, how = entry_for_role(policy, role, model)
        if entry is not None and entry["id"] == BREAK_GLASS:
            return PASS, f"role {shown} is the {describe_entry(entry)} ({how}): the admin role is exempt"
        ev = _collect(model, index, scps, role, name, trails)
        delete, stop = ev[DELETE_TRAIL], ev[STOP_LOGGING]
        stop_allowed = [a for a in stop.allowed] if not stop.denied else []
        delete_allowed = delete.allowed if not delete.denied else []
        if delete.denied:
            if stop_allowed:
                return FAIL, (f"role {shown}: {delete.denied[0]} denies {DELETE_TRAIL}, but {stop_allowed[0]} "
                              f"and nothing denies {STOP_LOGGING}")
            return PASS, f"role {shown}: {DELETE_TRAIL} denied by {delete.denied[0]}"
        trusted = P.trust(model, role)
        service = trusted.services_only()  # only AWS services assume it: code running as it acts through it
        if delete_allowed or stop_allowed:
            bad = (delete_allowed + stop_allowed)[0]
            return FAIL, f"role {shown}: {bad}, and no attached policy or SCP denies it"
        doubts = []
        if name is UNKNOWN:
            doubts.append("its name is not known until apply (it may be the admin role)")
        if delete.maybe_denied:
            doubts.append(delete.not_counted[0] if delete.not_counted else f"{delete.maybe_denied[0]} may deny it")
        doubts += delete.unknown[:1]
        if doubts:
            return UNKNOWN_STATUS, (f"role {shown}: no attached policy is known to deny {DELETE_TRAIL}; "
                                    + "; ".join(doubts))
        note = f" ({delete.not_counted[0]})" if delete.not_counted else ""
        if service is True:
            services = ", ".join(trusted.services()) or "a service named only after apply"
            return FAIL, (f"role {shown}, a service role of {services}, has no attached policy "
                          f"or SCP denying {DELETE_TRAIL}{note}: whatever acts through it (the service, or code on "
                          "an instance, in a function or task) could delete the trail; only service-linked roles "
                          "are exempt")
        who = ", ".join(f"{k} {P._show(i) if i is UNKNOWN else i}" for k, i in trusted.principals[:2]) or \
            "no principal"
        return FAIL, (f"role {shown} (assumable by {who}) has no attached policy or SCP denying "
                      f"{DELETE_TRAIL}{note}")

    def external_roles(self, index, policy, trails):
        """Attachments of a denial to roles defined outside this configuration (by name)."""
        for grant, name in index.external_grants():
            if grant.kind != P.ROLE or grant.policy.statements is UNKNOWN:
                continue
            if P.matching_glob(name, policy.delete_trail_exempt_roles):
                continue
            for i, stmt in enumerate(grant.policy.statements or []):
                if _denies(stmt, DELETE_TRAIL, name, trails)[0] is True:
                    yield self.passed(grant.policy.source, f"role {name!r} (defined outside this configuration): "
                                                           f"{DELETE_TRAIL} denied by {grant.policy.label} "
                                                           f"{P.statement_label(stmt, i)}")
                    break

    def no_roles(self, model, index, scps, trails, account):
        """No role of this account is defined here: an attached SCP denial over the account covers it; a
        denial policy attached to no role of this configuration cannot be confirmed; nothing at all fails."""
        where = _accounts.prefix(model, account)
        for s in scps:
            if s.definite and _scp_over(model, s, account) is True:
                for stmt in s.statements if isinstance(s.statements, list) else []:
                    if _denies(stmt, DELETE_TRAIL, "__non_admin__", trails)[0] is True:
                        yield self.passed(ACCOUNT, f"{where}no aws_iam_role in this configuration; SCP "
                                                   f"{s.policy.address} (attached by {s.attachment.address}) denies "
                                                   f"{DELETE_TRAIL}", account=account, evidence=[s.attachment])
                        return
        denials = [g.policy.label for g in index.grants if isinstance(g.policy.statements, list)
                   and model.account_of(g.policy.source) == account
                   and any(_denies(st, DELETE_TRAIL, UNKNOWN, trails)[0] is not False for st in g.policy.statements)]
        for pol in model.of_type(P.POLICY):
            if model.account_of(pol) != account:
                continue
            stmts = P.policy_statements(model, pol, "policy")
            if isinstance(stmts, list) and any(_denies(st, DELETE_TRAIL, UNKNOWN, trails)[0] is not False
                                               for st in stmts):
                denials.append(pol.address)
        if denials:
            yield self.unknown(ACCOUNT, f"{where}no aws_iam_role in this configuration; {denials[0]} denies "
                                        f"{DELETE_TRAIL} but reaches no role defined here: cannot confirm every "
                                        "non-admin role has it", account=account)
        else:
            yield self.absent(model, FAIL, ACCOUNT, f"{where}no aws_iam_role and no IAM policy or SCP denying "
                                                    f"{DELETE_TRAIL} in this configuration", account=account)


