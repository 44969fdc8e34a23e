"""Log Access: the keys that protect logs (ACC-006).

A log store encrypted with a customer-managed key can be read only by whoever may decrypt with that
key.  A key policy that lets any principal -- ``"AWS": "*"``, ``"*"``, or ``NotPrincipal`` -- decrypt
or manage the key, without a condition that narrows it to this organisation's own account or
organization, defeats "Log access is restricted to ..." however tight the bucket and IAM policies are:
anyone who obtains a copy of the encrypted objects (or a grant) can read them.

The keys checked are those that encrypt log stores: the trail's ``kms_key_id``, the default
encryption key of every log bucket (the same buckets INT-001 and ENC-002 follow), every CloudWatch
log group's ``kms_key_id``, the SNS topics that carry alerts, the Config delivery channel's
``s3_kms_key_arn`` and the GuardDuty export's ``kms_key_arn``.

Judgement calls (see ``explain ACC-006``):
- The account-root statement (``"AWS": "arn:aws:iam::<account>:root"``, the "Enable IAM User
  Permissions" statement of the default key policy) is fine: it delegates to this account's IAM
  policies, which ACC-002 checks.  A key without a policy gets exactly that default.
- Service principals (``cloudtrail.amazonaws.com``, ``logs.<region>.amazonaws.com`` ...) are AWS
  services, not "any principal".
- A public statement is narrowed by a condition (StringEquals / StringLike / ArnEquals / ArnLike) on
  ``aws:PrincipalAccount``, ``aws:SourceAccount``, ``kms:CallerAccount``, ``aws:PrincipalOrgID``,
  ``aws:PrincipalArn`` or ``aws:SourceArn`` whose every value is this organisation's own account or
  organization: the configuration's provider ``allowed_account_ids`` / ``assume_role`` accounts, the
  ``aws_caller_identity`` data source (read at plan time, or referenced), an
  ``aws_organizations_organization``, and the policy file's ``own_account_ids`` /
  ``own_organization_ids``.  Another literal account fails; a value that cannot be told unknown.
- Decrypting or managing means: kms:Decrypt, kms:ReEncryptFrom, kms:CreateGrant (a grant can give
  decrypt), and key management (PutKeyPolicy, ScheduleKeyDeletion, DisableKey, ...).  Letting anyone
  encrypt (GenerateDataKey, Encrypt) does not expose logs.
"""
from __future__ import annotations

import re
from typing import Any

from ..engine import ACCOUNT, FAIL, PASS, UNKNOWN_STATUS, Rule, register
from ..model import UNKNOWN, Hole, PartialString, Resource
from . import _principals as P
from ._iam import grants_action, principal_entries
from ._kms import resolve_keys
from ._retention import bucket_key_paths
from .encryption import alert_topics
from .integrity import log_buckets

KEY = "aws_kms_key"
KEY_POLICY = "aws_kms_key_policy"
SENSITIVE = ("kms:Decrypt", "kms:ReEncryptFrom", "kms:CreateGrant", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion",
             "kms:DisableKey", "kms:DisableKeyRotation", "kms:ImportKeyMaterial", "kms:DeleteImportedKeyMaterial",
             "kms:ReplicateKey", "kms:UpdatePrimaryRegion")
_NARROWING_TESTS = ("stringequals", "stringlike", "arnequals", "arnlike")
_ACCOUNT_KEYS = ("aws:principalaccount", "aws:sourceaccount", "kms:calleraccount", "aws:sourceowner")
_ORG_KEYS = ("aws:principalorgid",)
_ARN_KEYS = ("aws:principalarn", "aws:sourcearn")
_ARN_ACCOUNT = re.compile(r"^arn:[^:]*:[^:]*:[^:]*:([^:]*):")
OWN_REFERENCES = ("aws_caller_identity", "aws_organizations_organization")


# =============================================================================
# which keys protect logs
# =============================================================================
def log_store_keys(model) -> tuple[dict[str, tuple[Resource, list[str]]], list[tuple[Resource, str]]]:
    """({key address: (key, [what it encrypts])}, [(holder, why its key is not in the configuration)])."""
    holders: list[tuple[Resource, str, str]] = []
    for t in model.of_type("aws_cloudtrail"):
        holders.append((t, "kms_key_id", f"trail {t.address}"))
    buckets, _ = log_buckets(model)
    for bucket, users in buckets.values():
        if bucket.mode != "managed":
            continue
        for holder, path in bucket_key_paths(model, bucket):
            holders.append((holder, path, f"log bucket {bucket.address}"))
    for g in model.of_type("aws_cloudwatch_log_group"):
        holders.append((g, "kms_key_id", f"log group {g.address}"))
    topics, _ = alert_topics(model)
    for topic, _sources in topics.values():
        if topic.mode == "managed":
            holders.append((topic, "kms_master_key_id", f"alert topic {topic.address}"))
    for ch in model.of_type("aws_config_delivery_channel"):
        holders.append((ch, "s3_kms_key_arn", f"Config delivery channel {ch.address}"))
    for d in model.of_type("aws_guardduty_publishing_destination"):
        holders.append((d, "kms_key_arn", f"GuardDuty export {d.address}"))
    keys: dict[str, tuple[Resource, list[str]]] = {}
    unresolved: list[tuple[Resource, str]] = []
    for holder, path, what in holders:
        found, why = resolve_keys(model, holder, path)
        for k in found:
            entry = keys.setdefault(k.address, (k, []))
            if what not in entry[1]:
                entry[1].append(what)
        if not found and why:
            unresolved.append((holder, f"{what}: {why}"))
    return keys, unresolved


# =============================================================================
# whose accounts are the organisation's own
# =============================================================================
class Own:
    def __init__(self, model, policy):
        self.model = model
        self.accounts: set[str] = set(policy.own_account_ids)
        self.orgs: set[str] = set(policy.own_organization_ids)
        self.accounts.update(a for a in model.accounts() if a.isdigit())
        for p in model.providers.values():
            if isinstance(p.account_ids, tuple):
                self.accounts.update(a for a in p.account_ids if isinstance(a, str))
            if isinstance(p.assume_role_arn, str):
                m = _ARN_ACCOUNT.match(p.assume_role_arn)
                if m and m.group(1).isdigit():
                    self.accounts.add(m.group(1))
        for d in model.data("aws_caller_identity"):
            v = d.values.get("account_id")
            if isinstance(v, str) and v:
                self.accounts.add(v)
        for o in model.of_type("aws_organizations_organization") + model.data("aws_organizations_organization"):
            v = o.values.get("id")
            if isinstance(v, str) and v:
                self.orgs.add(v)

    def with_roots(self, statements) -> "Own":
        """This set, plus the accounts whose root the key policy itself allows (the "enable IAM
        policies" statement names the key's own account)."""
        out = Own.__new__(Own)
        out.model, out.accounts, out.orgs = self.model, set(self.accounts), set(self.orgs)
        for stmt in statements:
            if stmt.get("Effect") != "Allow":
                continue
            entries = principal_entries(stmt.get("Principal"))
            for kind, ident in entries if entries is not UNKNOWN else []:
                account = P.account_root(ident) if kind == "AWS" and isinstance(ident, str) else None
                if account:
                    out.accounts.add(account)
        return out

    def literal(self, key: str, value: str) -> Any:
        """Is one known condition value this organisation's own account / organization?"""
        if key in _ORG_KEYS:
            return True if value in self.orgs else (UNKNOWN if not self.orgs else False)
        if key in _ARN_KEYS:
            m = _ARN_ACCOUNT.match(value)
            account = m.group(1) if m else None
            if not account or not account.isdigit():
                return False  # "arn:aws:iam::*:role/x": any account
            value = account
        return True if value in self.accounts else (UNKNOWN if not self.accounts else False)

    def reference(self, refs) -> Any:
        """Is a value built only from own-account references (aws_caller_identity, the organization)?"""
        if not refs:
            return UNKNOWN
        types = set()
        for r in refs:
            parts = r.split(".")
            rtype = parts[parts.index("data") + 1] if "data" in parts else next(
                (p for p in parts if p.startswith("aws_")), "")
            types.add(rtype)
        return True if types <= set(OWN_REFERENCES) else UNKNOWN


def _written(model, resource: Resource, path: str) -> bool:
    """Does the configuration set the key policy?  aws_kms_key's policy is optional and computed: a plan
    shows it unknown when the configuration leaves it unset (an expression would be known, or refer
    to something); HCL leaves it out."""
    value = resource.get(path)
    if value in (None, ""):
        return bool(resource.refs_under(path))
    if (value is UNKNOWN and model.kind == "plan" and model.has_references and not resource.refs_under(path)
            and resource.type == KEY):
        return False
    return True


def _hole_refs(value: Any) -> tuple[str, ...] | None:
    """The references of a value that is exactly one unknown piece (HCL partial form): the resource
    attributes it is, or the data source attribute it is (``data.aws_caller_identity.current.account_id``)."""
    if isinstance(value, PartialString) and len(value.parts) == 1 and isinstance(value.parts[0], Hole):
        hole = value.parts[0]
        return hole.refs or ((hole.source,) if hole.source else ())
    return None


# =============================================================================
# ACC-006
# =============================================================================
@register
class LogKeyPoliciesRestricted(Rule):
    id = "ACC-006"
    title = "The KMS keys that encrypt logs let no principal outside the organisation decrypt or manage them"
    section = "Log Access"
    clause = "Log access is restricted to:"
    rationale = ("A log store encrypted with a customer-managed key is readable by whoever may decrypt with "
                 "the key.  A key policy statement that lets any principal (\"AWS\": \"*\", \"*\" or NotPrincipal) "
                 "decrypt (kms:Decrypt, ReEncryptFrom, CreateGrant) or manage the key (PutKeyPolicy, "
                 "ScheduleKeyDeletion, DisableKey ...) without a condition narrowing it to this organisation's "
                 "own account or organization (aws:PrincipalAccount, aws:SourceAccount, kms:CallerAccount, "
                 "aws:PrincipalOrgID, aws:PrincipalArn / aws:SourceArn of the own account) opens the logs to "
                 "anyone.  Checked: the keys of the trail, the log buckets, the log groups, the alert topics, the "
                 "Config delivery channel and the GuardDuty export.  The account-root \"enable IAM policies\" "
                 "statement is fine (this account's IAM policies decide, see ACC-002), as are AWS service "
                 "principals.  Own accounts are those the configuration shows (provider allowed_account_ids and "
                 "assume_role, aws_caller_identity) and the policy file's own_account_ids / own_organization_ids.")
    fix = ("Narrow the statement with Condition StringEquals kms:CallerAccount (or aws:PrincipalAccount / "
           "aws:PrincipalOrgID) = this account / organization, or name the principals (the account root, the "
           "log-access roles) instead of \"*\".")
    example_fail = '''resource "aws_kms_key" "logs" {
  enable_key_rotation = true
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Sid = "EnableIAM", Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" },
      Action = "kms:*", Resource = "*" },
    { Sid = "AnyoneMayDecrypt", Effect = "Allow", Principal = { AWS = "*" },
      Action = ["kms:Decrypt", "kms:ReEncryptFrom"], Resource = "*" }] })
}
resource "aws_cloudwatch_log_group" "app" { name = "/app/django"  kms_key_id = aws_kms_key.logs.arn }'''
    example_pass = '''resource "aws_kms_key" "logs" {
  enable_key_rotation = true
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Sid = "EnableIAM", Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" },
      Action = "kms:*", Resource = "*" },
    { Sid = "AccountPrincipalsMayDecrypt", Effect = "Allow", Principal = { AWS = "*" },
      Action = ["kms:Decrypt", "kms:ReEncryptFrom"], Resource = "*",
      Condition = { StringEquals = { "kms:CallerAccount" = "111122223333" } } }] })
}'''

    def evaluate(self, model, policy):
        keys, unresolved = log_store_keys(model)
        for holder, why in unresolved:
            yield self.unknown(holder, f"{why}; cannot check who may decrypt the logs")
        if not keys and not unresolved:
            yield self.absent(model, PASS, ACCOUNT, "no customer-managed KMS key encrypts a log store in this "
                                                    "configuration: nothing to check (ENC rules ask for one)")
            return
        own = Own(model, policy)
        for key, protects in keys.values():
            status, message = self.check_key(model, own, key)
            what = ", ".join(protects[:3]) + (f" and {len(protects) - 3} more" if len(protects) > 3 else "")
            yield self.finding(status, key, f"key of {what}: {message}")

    # --- one key -------------------------------------------------------------
    def check_key(self, model, own: Own, key: Resource) -> tuple[str, str]:
        if key.mode == "data":
            return UNKNOWN_STATUS, "the key is read from outside this configuration; its key policy is not known"
        sources = [(key, "policy")] + [(kp, "policy") for kp in model.referrers(key, [KEY_POLICY], "key_id")]
        written = [(r, path) for r, path in sources if _written(model, r, path)]
        if not written:
            return PASS, ("no key policy: the default policy lets only this account's IAM policies grant use of "
                          "the key (ACC-002 checks them)")
        problems, doubts, fine = [], [], []
        for holder, path in written:
            statements = P.policy_statements(model, holder, path)
            where = holder.address if holder is not key else "policy"
            if statements is UNKNOWN:
                doubts.append(f"{where} is not known until apply")
                continue
            origins = P.StatementOrigins.of(model, holder, path)
            mine = own.with_roots(statements or [])
            for i, stmt in enumerate(statements or []):
                verdict, why = self.statement(mine, stmt, origins.lookup(stmt))
                label = f"{where} {P.statement_label(stmt, i)}"
                if verdict is False:
                    problems.append(f"{label} {why}")
                elif verdict is UNKNOWN:
                    doubts.append(f"{label} {why}")
                elif why:
                    fine.append(why)
        if problems:
            return FAIL, problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
        if doubts:
            return UNKNOWN_STATUS, doubts[0]
        note = f" ({fine[0]})" if fine else ""
        return PASS, f"no statement lets a principal outside the organisation decrypt or manage the key{note}"

    def statement(self, own: Own, stmt: dict, origin) -> tuple[Any, str]:
        """(True fine / False open / UNKNOWN, why) for one statement of a key policy."""
        effect = stmt.get("Effect")
        if effect == "Deny":
            return True, ""
        sensitive = [a for a in SENSITIVE if grants_action(stmt, a) is True]
        maybe = [a for a in SENSITIVE if grants_action(stmt, a) is UNKNOWN]
        if not sensitive and not maybe:
            return True, ""
        actions = P.show_actions(stmt)
        if effect is UNKNOWN:
            return UNKNOWN, f"Effect is not known until apply ({actions})"
        if stmt.get("NotPrincipal"):
            return False, f"allows {actions} to every principal but {P._show(stmt.get('NotPrincipal'))} (NotPrincipal)"
        entries = principal_entries(stmt.get("Principal"))
        if entries is UNKNOWN:
            return UNKNOWN, f"Principal is not known until apply ({actions})"
        public = [k for k, i in entries if k == "*" or (k == "AWS" and i == "*")]
        maybe_public = False
        if not public and any(k == "AWS" and i is UNKNOWN for k, i in entries):
            # known only after apply: fine when the configuration shows what it is built from
            partial = principal_entries((origin.partial or {}).get("Principal")) if origin.partial else UNKNOWN
            shaped = partial is not UNKNOWN and not any(k == "AWS" and i is UNKNOWN for k, i in partial)
            maybe_public = not (shaped or origin.principal_refs)
        if not public and not maybe_public:
            return True, ""
        narrowed, how = self.narrowing(own, stmt, origin)
        verb = "decrypt" if any(a in sensitive for a in ("kms:Decrypt", "kms:ReEncryptFrom", "kms:CreateGrant")) \
            else "manage the key"
        if narrowed is True:
            who = "Principal \"*\"" if public else "a principal known only after apply"
            return True, f"{who} narrowed by {how}"
        if maybe_public:
            return UNKNOWN, (f"an AWS principal is not known until apply and could be \"*\" ({actions}), and no "
                             "condition narrows it to this organisation's accounts")
        if narrowed is UNKNOWN:
            return UNKNOWN, f"lets Principal \"*\" {verb} ({actions}) under a condition not known until apply: {how}"
        return False, (f"lets any principal (Principal \"*\") {verb} ({actions}) {how or 'with no condition'} "
                       "narrowing it to this organisation's accounts")

    def narrowing(self, own: Own, stmt: dict, origin) -> tuple[Any, str]:
        cond = stmt.get("Condition")
        if cond is UNKNOWN:
            return UNKNOWN, "its Condition is not known until apply"
        partial_cond = (origin.partial or {}).get("Condition") if origin.partial else None
        best: tuple[Any, str] = (False, "")
        for test, body in (cond or {}).items():
            t = str(test).lower()
            base = t.removesuffix("ifexists")
            if not isinstance(body, dict) or base.split(":")[-1] not in _NARROWING_TESTS:
                continue
            for variable, values in body.items():
                v = str(variable).lower()
                if v not in _ACCOUNT_KEYS + _ORG_KEYS + _ARN_KEYS:
                    continue
                if t.endswith("ifexists") and v != "kms:calleraccount":
                    continue  # passes whenever the key is absent from the request
                shown = f"{test} {variable}"
                verdict = self._values_own(own, v, values, partial_cond, test, variable,
                                           origin.condition_refs.get((t, v), ()))
                if verdict is True:
                    return True, shown
                if verdict is UNKNOWN and best[0] is False:
                    best = (UNKNOWN, f"{shown} {P._show(values)}")
                elif verdict is False and not best[1]:
                    best = (False, f"({shown} {P._show(values)} names another account)")
        return best

    def _values_own(self, own: Own, key: str, values, partial_cond, test, variable, refs) -> Any:
        if values is UNKNOWN or not isinstance(values, list):
            values = [UNKNOWN]
        partial = None
        if isinstance(partial_cond, dict) and isinstance(partial_cond.get(test), dict):
            partial = partial_cond[test].get(variable)
        partial = partial if isinstance(partial, list) and len(partial) == len(values) else [None] * len(values)
        verdicts = []
        for value, form in zip(values, partial):
            if isinstance(value, str):
                verdicts.append(own.literal(key, value))
                continue
            hole = _hole_refs(form)
            verdicts.append(own.reference(hole if hole is not None else refs))
        if any(v is False for v in verdicts):
            return False
        if any(v is UNKNOWN for v in verdicts):
            return UNKNOWN
        return True
