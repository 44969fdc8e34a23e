"""Security findings: GuardDuty on and exporting, Security Hub on with a standard."""
from __future__ import annotations

from ..engine import ACCOUNT, Rule, register
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
        detectors = model.of_type(DETECTOR)
        if not detectors:
            yield self.failed(ACCOUNT, "no aws_guardduty_detector in this configuration: GuardDuty findings "
                                       "are not produced")
            return
        for d in detectors:
            value = d.values.get("enable")
            if value is UNKNOWN:
                yield self.unknown(d, "enable is not known until apply")
            elif value is False:
                yield self.failed(d, "enable = false: the detector is suspended and produces no findings")
            else:
                yield self.passed(d, f"enable = {fmt(value) if value is not None else 'unset (default true)'}")


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
        hubs = model.of_type("aws_securityhub_account")
        if not hubs:
            yield self.failed(ACCOUNT, "no aws_securityhub_account in this configuration: Security Hub is not "
                                       "enabled")
            return
        subscriptions = model.of_type("aws_securityhub_standards_subscription")
        for hub in hubs:
            default = hub.values.get("enable_default_standards")
            note = ""
            if default is False and not subscriptions:
                note = " (enable_default_standards = false and no standards subscription: see FND-003)"
            yield self.passed(hub, f"Security Hub is enabled{note}")


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
        subscriptions = model.of_type("aws_securityhub_standards_subscription")
        if not subscriptions:
            hubs = model.of_type("aws_securityhub_account")
            defaults = [h.values.get("enable_default_standards") for h in hubs]
            if any(d is True or d is None for d in defaults):
                hub = hubs[[d is True or d is None for d in defaults].index(True)]
                yield self.passed(hub, "enable_default_standards is true (the default): Security Hub subscribes "
                                       "the AWS Foundational Security Best Practices and CIS standards")
            elif UNKNOWN in defaults:
                yield self.unknown(hubs[defaults.index(UNKNOWN)], "enable_default_standards is not known until "
                                                                  "apply and no standard is subscribed explicitly")
            else:
                yield self.failed(ACCOUNT, "no aws_securityhub_standards_subscription in this configuration and "
                                           "no aws_securityhub_account with enable_default_standards = true: no "
                                           "Security Hub standard is subscribed")
            return
        for s in subscriptions:
            arn = s.values.get("standards_arn")
            if arn is UNKNOWN and not s.refs_at("standards_arn"):
                yield self.unknown(s, "standards_arn is not known until apply")
            else:
                yield self.passed(s, f"standards_arn = {fmt(arn) if arn is not UNKNOWN else ', '.join(s.refs_at('standards_arn'))}")


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
        detectors = model.of_type(DETECTOR)
        destinations = model.of_type(PUBLISHING)
        if not detectors:
            yield self.failed(ACCOUNT, "no aws_guardduty_detector in this configuration: no findings are exported")
            return
        exports, _ = event_exports(model, "aws.guardduty", policy.retention_days("security_findings"))
        for d in detectors:
            mine = model.referrers(d, [PUBLISHING], "detector_id")
            if mine:
                yield self.passed(d, f"findings exported by {', '.join(p.address for p in mine)}")
                continue
            if exports:
                # an EventBridge rule for aws.guardduty receives the findings of every detector of the account
                yield self.passed(d, f"findings exported by EventBridge to a log group via "
                                     f"{', '.join(e.target.address for e in exports)}")
                continue
            unresolved = [p for p in destinations if p.values.get("detector_id") is UNKNOWN
                          and not any(model.instances(a) for a in p.refs_at("detector_id"))]
            if unresolved:
                yield self.unknown(d, f"detector_id of {unresolved[0].address} is not known until apply; cannot "
                                      "tell whether it exports this detector's findings")
            else:
                yield self.failed(d, "no aws_guardduty_publishing_destination has detector_id referring to this "
                                     "detector: findings are kept only 90 days")
