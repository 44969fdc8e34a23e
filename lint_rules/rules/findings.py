"""Security findings: GuardDuty on and exporting, Security Hub on with a standard."""
from __future__ import annotations

from ..engine import ACCOUNT, FAIL, Rule, register
from . import _accounts
from ..model import UNKNOWN
from ._event_exports import event_exports
from ._retention import fmt

SECTION = "Log Sources"
CLAUSE = "| Security findings | Security Hub / GuardDuty | 1 year |"
DETECTOR = "aws_guardduty_detector"
PUBLISHING = "aws_guardduty_publishing_destination"


@register
class GuardDutyEnabled(Rule):
    id = "FND-001"
    title = "GuardDuty is enabled"
    section = SECTION
    clause = CLAUSE
    rationale = "GuardDuty produces the threat findings the policy requires to be collected and kept."
    fix = "Add aws_guardduty_detector with enable = true (the default)."
    example_fail = '''resource "aws_guardduty_detector" "d" { enable = false }'''
    example_pass = '''resource "aws_guardduty_detector" "d" { enable = true }'''

    def evaluate(self, model, policy):
        for account, detectors in _accounts.split(model, model.of_type(DETECTOR)).items():
            if not detectors:
                yield self.absent(model, FAIL, ACCOUNT, f"no aws_guardduty_detector{_accounts.suffix(model, account)} "
                                                        "in this configuration: GuardDuty findings are not produced",
                                  account=account, fix="Create an aws_guardduty_detector (enable = true) in this account.")
        for d in model.of_type(DETECTOR):
            value = d.values.get("enable")
            if value is UNKNOWN:
                yield self.unknown(d, "enable is not known until apply")
            elif value is False:
                yield self.failed(d, "enable = false: the detector is suspended and produces no findings")
            else:
                yield self.passed(d, f"enable = {fmt(value) if value is not None else 'unset (default true)'}",
                                  evidence=[d])


@register
class SecurityHubEnabled(Rule):
    id = "FND-002"
    title = "Security Hub is enabled"
    section = SECTION
    clause = CLAUSE
    rationale = "Security Hub collects security findings (GuardDuty's and its own) for the account."
    fix = "Add aws_securityhub_account."
    example_fail = '''# no aws_securityhub_account'''
    example_pass = '''resource "aws_securityhub_account" "this" {}'''

    def evaluate(self, model, policy):
        subscriptions = _accounts.split(model, model.of_type("aws_securityhub_standards_subscription"))
        for account, hubs in _accounts.split(model, model.of_type("aws_securityhub_account")).items():
            if not hubs:
                yield self.absent(model, FAIL, ACCOUNT, f"no aws_securityhub_account{_accounts.suffix(model, account)} "
                                                        "in this configuration: Security Hub is not enabled",
                                  account=account, fix="Create an aws_securityhub_account in this account.")
            for hub in hubs:
                default = hub.values.get("enable_default_standards")
                note = ""
                if default is False and not subscriptions.get(account):
                    note = " (enable_default_standards = false and no standards subscription: see FND-003)"
                yield self.passed(hub, f"Security Hub is enabled{note}", evidence=[hub])


@register
class SecurityHubStandard(Rule):
    id = "FND-003"
    title = "Security Hub has a standard subscribed"
    section = SECTION
    clause = CLAUSE
    rationale = ("Security Hub produces control findings only for the standards it is subscribed to; with "
                 "enable_default_standards = false and no subscription it only relays other services' findings.")
    fix = ("Add aws_securityhub_standards_subscription (e.g. AWS Foundational Security Best Practices), or keep "
           "enable_default_standards = true on aws_securityhub_account.")
    example_fail = '''resource "aws_securityhub_account" "this" { enable_default_standards = false }'''
    example_pass = '''resource "aws_securityhub_standards_subscription" "fsbp" {
  depends_on    = [aws_securityhub_account.this]
  standards_arn = "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"
}'''

    def evaluate(self, model, policy):
        hubs_by = _accounts.split(model, model.of_type("aws_securityhub_account"))
        for account, subscriptions in _accounts.split(model, model.of_type("aws_securityhub_standards_subscription")).items():
            if subscriptions:
                for s in subscriptions:
                    arn = s.values.get("standards_arn")
                    if arn is UNKNOWN and not s.refs_at("standards_arn"):
                        yield self.unknown(s, "standards_arn is not known until apply")
                    else:
                        shown = fmt(arn) if arn is not UNKNOWN else ", ".join(s.refs_at("standards_arn"))
                        yield self.passed(s, f"standards_arn = {shown}", evidence=[s])
                continue
            hubs = hubs_by.get(account, [])
            defaults = [h.values.get("enable_default_standards") for h in hubs]
            where = _accounts.suffix(model, account)
            if any(d is True or d is None for d in defaults):
                hub = hubs[[d is True or d is None for d in defaults].index(True)]
                yield self.passed(hub, "enable_default_standards is true (the default): Security Hub subscribes "
                                       "the AWS Foundational Security Best Practices and CIS standards", evidence=[hub])
            elif UNKNOWN in defaults:
                yield self.unknown(hubs[defaults.index(UNKNOWN)], "enable_default_standards is not known until "
                                                                  "apply and no standard is subscribed explicitly")
            else:
                yield self.absent(model, FAIL, ACCOUNT, f"no aws_securityhub_standards_subscription{where} in this "
                                                        "configuration and no aws_securityhub_account with "
                                                        "enable_default_standards = true: no Security Hub standard is "
                                                        "subscribed", account=account)


@register
class GuardDutyFindingsExported(Rule):
    id = "FND-004"
    title = "GuardDuty findings are exported"
    section = SECTION
    clause = CLAUSE
    rationale = ("GuardDuty deletes findings after 90 days; only an export (a publishing destination, or an "
                 "EventBridge rule storing them in a log group) lets them be kept for the policy period.")
    fix = "Add aws_guardduty_publishing_destination with detector_id = the detector's id and an S3 bucket ARN."
    example_fail = '''resource "aws_guardduty_detector" "d" { enable = true }   # no aws_guardduty_publishing_destination'''
    example_pass = '''resource "aws_guardduty_publishing_destination" "p" {
  detector_id     = aws_guardduty_detector.d.id
  destination_arn = aws_s3_bucket.findings.arn
  kms_key_arn     = aws_kms_key.findings.arn
}'''

    def evaluate(self, model, policy):
        destinations = model.of_type(PUBLISHING)
        exports, _ = event_exports(model, "aws.guardduty", policy.retention_days("security_findings"))
        exports_by = _accounts.split(model, [e.target for e in exports])
        for account, detectors in _accounts.split(model, model.of_type(DETECTOR)).items():
            if not detectors:
                yield self.absent(model, FAIL, ACCOUNT, f"no aws_guardduty_detector{_accounts.suffix(model, account)} "
                                                        "in this configuration: no findings are exported",
                                  account=account, fix="Create an aws_guardduty_detector and export its findings.")
        for d in model.of_type(DETECTOR):
            mine = model.referrers(d, [PUBLISHING], "detector_id")
            if mine:
                yield self.passed(d, f"findings exported by {', '.join(p.address for p in mine)}", evidence=mine)
                continue
            theirs = exports_by.get(model.account_of(d))
            if theirs:
                # an EventBridge rule for aws.guardduty receives the findings of every detector of its account
                yield self.passed(d, f"findings exported by EventBridge to a log group via "
                                     f"{', '.join(t.address for t in theirs)}", evidence=theirs)
                continue
            unresolved = [p for p in destinations if p.values.get("detector_id") is UNKNOWN
                          and not any(model.instances(a) for a in p.refs_at("detector_id"))]
            if unresolved:
                yield self.unknown(d, f"detector_id of {unresolved[0].address} is not known until apply; cannot "
                                      "tell whether it exports this detector's findings")
            else:
                yield self.absent(model, FAIL, d, "no aws_guardduty_publishing_destination has detector_id referring "
                                                  "to this detector, and no EventBridge rule stores aws.guardduty "
                                                  "findings in a log group: findings are kept only 90 days")
