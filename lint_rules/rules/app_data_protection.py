"""Application logs: PHI is masked where the logs land (APP-002)."""
from __future__ import annotations

from ..engine import FAIL, PASS, UNKNOWN_STATUS, Rule, register
from ..model import UNKNOWN, Model, Resource
from ._alarms import best, worst
from ._data_protection import (ACCOUNT_POLICY, DATA_PROTECTION, GROUP_POLICY, Protection, attached,
                               hole_targets, policy_type, read_document, same_place)
from ._kms import check_cmk
from ._retention import (BUCKET, LOG_GROUP, Outcome, bucket_encryption, bucket_keeps, fmt, log_group_keeps,
                         requirement, resources_named)
from .app_logs import application_log_groups

SECTION = "Application-Level Logging"
NO_PHI_CLAUSE = "Logs must not contain PHI in cleartext in log lines where avoidable."


def _names(names) -> str:
    return ", ".join(sorted(names))


@register
class ApplicationLogDataProtection(Rule):
    id = "APP-002"
    title = "Application log groups mask PHI with a CloudWatch Logs data protection policy"
    section = SECTION
    clause = NO_PHI_CLAUSE
    rationale = ("An application can always slip: a patient's name in an exception, an SSN in a form error. "
                 "CloudWatch Logs data protection catches what the code misses where the logs land: its "
                 "Deidentify (MaskConfig) statement masks the managed data identifiers at every egress "
                 "(console, Logs Insights, metric and subscription filters; only logs:Unmask shows them) and "
                 "its Audit statement records each finding, so someone learns that the code leaked. Which "
                 "identifiers count as PHI is the policy file's application_logging.data_protection."
                 "identifiers (US health identifiers and the personal data of a patient record); an "
                 "account-level policy (aws_cloudwatch_log_account_policy, DATA_PROTECTION_POLICY) covers every "
                 "log group of its account and region, and AWS applies it together with the group's own. "
                 "The audit findings must go to a destination that keeps them as long as the application "
                 "logs and encrypts them with a customer-managed key; a Firehose stream is not followed "
                 "(unknown).")
    fix = ("Add an aws_cloudwatch_log_data_protection_policy per application log group (or one account policy) "
           "with an Audit statement (FindingsDestination = an encrypted log group kept 1 year) and a Deidentify "
           "{MaskConfig = {}} statement, both over the policy's identifiers.")
    example_fail = '''resource "aws_cloudwatch_log_data_protection_policy" "django" {
  log_group_name  = aws_cloudwatch_log_group.django.name
  policy_document = jsonencode({ Name = "audit-only", Version = "2021-06-01", Statement = [
    { Sid = "audit", DataIdentifier = ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
      Operation = { Audit = { FindingsDestination = {} } } } ] })   # nothing masked, most identifiers missing
}'''
    example_pass = '''locals {
  phi = [for id in ["Name", "Address", "EmailAddress", "PhoneNumber-US", "DateOfBirth", "Ssn-US", "DriversLicense-US",
                    "HealthInsuranceClaimNumber-US", "MedicareBeneficiaryNumber-US", "NationalDrugCode-US",
                    "NationalProviderId-US", "HealthcareProcedureCode-US", "DrugEnforcementAgencyNumber-US"] :
         "arn:aws:dataprotection::aws:data-identifier/${id}"]
}
resource "aws_cloudwatch_log_data_protection_policy" "django" {
  log_group_name  = aws_cloudwatch_log_group.django.name
  policy_document = jsonencode({ Name = "phi", Version = "2021-06-01", Statement = [
    { Sid = "audit", DataIdentifier = local.phi,
      Operation = { Audit = { FindingsDestination = { CloudWatchLogs = { LogGroup = aws_cloudwatch_log_group.findings.name } } } } },
    { Sid = "mask", DataIdentifier = local.phi, Operation = { Deidentify = { MaskConfig = {} } } } ] })
}   # aws_cloudwatch_log_group.findings: kms_key_id = a CMK, retention_in_days = 365'''

    def evaluate(self, model, policy):
        required = set(policy.data_protection_identifiers)
        days, req = requirement(policy, policy.data_protection_findings_source)
        account_policies = [p for p in model.of_type(ACCOUNT_POLICY) if policy_type(p) in (DATA_PROTECTION, UNKNOWN)]
        by_group, unresolved = attached(model, GROUP_POLICY)
        for app, group in application_log_groups(model, policy):
            on_group = by_group.get(group.address, [])
            places = {p.address: same_place(model, p, group) for p in account_policies}
            accounts = [p for p in account_policies if places[p.address] is not False]
            sure = on_group + [p for p in accounts
                               if policy_type(p) == DATA_PROTECTION and places[p.address] is True]
            maybe = ([p for p in unresolved if same_place(model, p, group) is not False]
                     + [p for p in accounts if p not in sure])
            status, text = self._judge(model, group, sure, maybe, required, days, req)
            yield self._finding(status, group, f"{app} application log group: {text}")

    def _judge(self, model: Model, group: Resource, sure: list[Resource], maybe: list[Resource],
               required: set[str], days: int, req: str) -> tuple[str, str]:
        if not sure:
            if maybe:
                return UNKNOWN_STATUS, (f"no data protection policy is sure to cover it; {_names(p.address for p in maybe)} "
                                        "may (its log group, policy type, account or region is not known until apply)")
            return FAIL, ("no data protection policy covers it (no aws_cloudwatch_log_data_protection_policy on it, "
                          f"no {ACCOUNT_POLICY} of type {DATA_PROTECTION}): PHI in its lines stays in cleartext")
        docs = [read_document(model, p) for p in sure]
        by = _names(d.resource.address for d in docs)
        unreadable = [d for d in docs if d.problem]
        masked = set().union(*(d.masked for d in docs))
        audited = set().union(*(d.audited for d in docs))
        mask_open = bool(maybe or unreadable) or any(d.mask_unknown for d in docs)
        audit_open = bool(maybe or unreadable) or any(d.audit_unknown for d in docs)
        problems: list[tuple[str, str]] = []
        if not any(d.has_mask for d in docs):
            status = UNKNOWN_STATUS if mask_open or any(d.has_mask is UNKNOWN for d in docs) else FAIL
            problems.append((status, "no Deidentify statement with MaskConfig: findings are at best audited, the "
                                     "PHI itself stays readable"))
        elif required - masked:
            problems.append((UNKNOWN_STATUS if mask_open else FAIL,
                             f"does not mask {_names(required - masked)}"))
        if not any(d.has_audit for d in docs):
            status = UNKNOWN_STATUS if audit_open or any(d.has_audit is UNKNOWN for d in docs) else FAIL
            problems.append((status, "no Audit statement: nobody learns that PHI reached the logs"))
        elif required - audited:
            problems.append((UNKNOWN_STATUS if audit_open else FAIL, f"does not audit {_names(required - audited)}"))
        for d in unreadable:
            problems.append((UNKNOWN_STATUS, f"{d.resource.address}: {d.problem}"))
        destination = self._destinations(model, [d for d in docs if d.has_audit is True], days, req)
        if destination is not None and destination.status != PASS:
            problems.append((destination.status, destination.text))
        if problems:
            status = worst(s for s, _ in problems)
            return status, f"data protection ({by}) " + "; ".join(t for s, t in problems if s == status)
        text = f"data protection ({by}) audits and masks all {len(required)} identifiers of the policy"
        if destination is not None:
            text += f"; audit findings → {destination.text}"
        return PASS, text

    def _destinations(self, model: Model, docs: list[Protection], days: int, req: str) -> Outcome | None:
        """The best of the audit findings' destinations (one kept copy is enough)."""
        if not docs:
            return None
        outcomes: list[Outcome] = []
        for doc in docs:
            for dest in doc.destinations:
                outcomes.append(_destination_outcome(model, doc.resource, dest.kind, dest.value, days, req))
            if doc.destinations_unknown:
                outcomes.append(Outcome(UNKNOWN_STATUS, f"{doc.resource.address}: FindingsDestination is not known "
                                                        "until apply"))
        if not outcomes:
            return Outcome(FAIL, "the Audit statement's FindingsDestination is empty: findings are only counted as "
                                 f"metrics, never kept ({req})")
        status = best(o.status for o in outcomes)
        return Outcome(status, "; ".join(dict.fromkeys(o.text for o in outcomes if o.status == status)))


def _destination_outcome(model: Model, holder: Resource, kind: str, value, days: int, req: str) -> Outcome:
    if kind == "Firehose":
        return Outcome(UNKNOWN_STATUS, f"Firehose stream {fmt(value)}: where it delivers findings is not followed")
    rtype = LOG_GROUP if kind == "CloudWatchLogs" else BUCKET
    label = "log group" if kind == "CloudWatchLogs" else "bucket"
    targets = hole_targets(model, value, rtype)
    if not targets and isinstance(value, str) and value:
        targets = resources_named(model, rtype, value)
    if not targets and not isinstance(value, str):
        targets = [t for t in model.targets(holder, "policy_document", rtype, nested=True)]
    if not targets:
        if isinstance(value, str) and value:
            return Outcome(UNKNOWN_STATUS, f"findings {label} {fmt(value)} is not defined in this configuration; "
                                           "cannot confirm its retention and encryption")
        return Outcome(UNKNOWN_STATUS, f"the findings {label} is not known until apply")
    outcomes = []
    for target in targets:
        if rtype == LOG_GROUP:
            kept = log_group_keeps(target, days)
            key = check_cmk(model, target, "kms_key_id")
            parts = [Outcome(kept.status, kept.text), Outcome(key.status, f"{target.address} {key.message}")]
        else:
            parts = [bucket_keeps(model, target, "", days), bucket_encryption(model, target)]
        status = worst(p.status for p in parts)
        shown = [p.text for p in parts if p.status == status] if status != PASS else [p.text for p in parts]
        outcomes.append(Outcome(status, "; ".join(shown) + ("" if status == PASS else f" ({req})")))
    status = worst(o.status for o in outcomes)
    return Outcome(status, "; ".join(o.text for o in outcomes if o.status == status))
