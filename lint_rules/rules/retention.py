"""Retention per log source (the policy's "Log Sources" table).

Each rule follows a source to where its records are kept -- a CloudWatch log
group (``retention_in_days``) or an S3 bucket (lifecycle expiration of current
and noncurrent versions) -- and compares with the policy's minimum for that
source, read from ``policy.retention_days(source_id)``.  A source with several
destinations gets one finding: it fails when any destination deletes logs too
early, and is unknown when any destination cannot be resolved.
"""
from __future__ import annotations


from ..engine import ACCOUNT, FAIL, UNKNOWN_STATUS, Rule, register
from . import _accounts, _s3
from ._trail import NO_TRAIL_FIX, accounts_without_trail
from ..model import UNKNOWN
from ._event_exports import event_exports
from ._retention import (BUCKET, app_log_groups, FROM_ARN, LOG_GROUP, LOGGING, Outcome, bucket_keeps, combine,
                         destination_outcomes, fmt, is_set, key_prefix, log_group_keeps, requirement, resolve,
                         screenshot_buckets, session_documents, session_inputs, sub_resources)

SECTION = "Log Sources"


class _RetentionRule(Rule):
    section = SECTION
    source_id: str = ""

    def report(self, subject, label: str, outcomes: list[Outcome], req: str, evidence=()):
        status, text = combine(outcomes)
        return self._finding(status, subject, f"{label} {subject.address} → {text}; {req}", evidence=evidence)


@register
class CloudTrailRetention(_RetentionRule):
    id = "RET-001"
    title = "CloudTrail logs are kept for 7 years"
    clause = "| AWS API activity | CloudTrail (multi-region) | 7 years |"
    source_id = "cloudtrail"
    rationale = ("API activity is the primary audit trail for PHI systems; if the trail's S3 archive deletes "
                 "events before the policy's retention period, an investigation or audit covering that period "
                 "cannot be answered.  The trail's S3 bucket -- the copy with the digest files that prove it "
                 "complete -- is the system of record and must keep logs 7 years (lifecycle expiration of current "
                 "and noncurrent versions); a CloudWatch Logs copy that feeds the alarms may keep less, and the "
                 "finding says how long it keeps.  Policy cloudtrail.retention_on = every_destination makes the "
                 "log group count too.  An account no trail covers (its own, or an organization trail) fails.")
    fix = ("Remove or lengthen lifecycle expiration (current and noncurrent versions) on the trail bucket to "
           "≥ 2557 days.")
    example_fail = '''resource "aws_cloudtrail" "t" { s3_bucket_name = aws_s3_bucket.trail.id ... }
resource "aws_s3_bucket_lifecycle_configuration" "trail" {
  bucket = aws_s3_bucket.trail.id
  rule {
    id     = "expire"
    status = "Enabled"
    noncurrent_version_expiration { noncurrent_days = 30 }
  }
}'''
    example_pass = '''resource "aws_cloudtrail" "t" { s3_bucket_name = aws_s3_bucket.trail.id ... }
resource "aws_s3_bucket_lifecycle_configuration" "trail" {
  bucket = aws_s3_bucket.trail.id
  rule {
    id     = "archive"
    status = "Enabled"
    transition { days = 90  storage_class = "GLACIER" }
  }
}'''

    def evaluate(self, model, policy):
        days, req = requirement(policy, self.source_id)
        every = policy.cloudtrail_retention_on == "every_destination"
        for trail in model.of_type("aws_cloudtrail"):
            outcomes = destination_outcomes(model, trail, "s3_bucket_name", BUCKET, days,
                                            log_prefix=key_prefix(trail.values.get("s3_key_prefix")))
            copies = destination_outcomes(model, trail, "cloud_watch_logs_group_arn", LOG_GROUP, days,
                                          required=False)
            if every:
                outcomes += copies
            elif copies and outcomes:
                for o in copies:
                    outcomes[0].notes.append(f"CloudWatch Logs copy: {o.text} -- it feeds the alarms; the S3 archive "
                                             "is the system of record (cloudtrail.retention_on = archive)")
            yield self.report(trail, "CloudTrail trail", outcomes, req)
        for cov in accounts_without_trail(model):
            where = _accounts.prefix(model, cov.account)
            if cov.maybe_org:
                yield self.unknown(ACCOUNT, f"{where}no aws_cloudtrail of its own, and whether {cov.maybe_org[0].address} "
                                            f"is an organization trail covering it is not known until apply; {req}",
                                   account=cov.account)
            else:
                yield self.absent(model, FAIL, ACCOUNT, f"{where}no aws_cloudtrail covers it: nothing keeps AWS API "
                                                        f"activity; {req}", account=cov.account, fix=NO_TRAIL_FIX)


def _flow_log_outcomes(model, flow, days):
    dtype = flow.values.get("log_destination_type")
    if dtype is UNKNOWN:
        return [Outcome(UNKNOWN_STATUS, "log_destination_type is not known until apply; cannot tell where "
                                        "logs are kept")]
    if dtype == "s3":
        return destination_outcomes(model, flow, "log_destination", BUCKET, days, log_prefix=FROM_ARN)
    if dtype in (None, "cloud-watch-logs"):
        dest = flow.values.get("log_destination")
        if not is_set(dest) and not flow.refs_at("log_destination") and is_set(flow.values.get("log_group_name")):
            return destination_outcomes(model, flow, "log_group_name", LOG_GROUP, days)
        if dest is UNKNOWN and not flow.refs_at("log_destination") and flow.refs_at("log_group_name"):
            return destination_outcomes(model, flow, "log_group_name", LOG_GROUP, days)
        return destination_outcomes(model, flow, "log_destination", LOG_GROUP, days)
    return [Outcome(UNKNOWN_STATUS, f"log_destination_type = {fmt(dtype)}: retention of that destination "
                                    "is not visible in this configuration")]


@register
class FlowLogRetention(_RetentionRule):
    id = "RET-002"
    title = "VPC flow logs are kept for 1 year"
    clause = "| Network traffic | VPC Flow Logs | 1 year |"
    source_id = "vpc_flow_logs"
    rationale = ("Flow logs are the record of network traffic to and from PHI systems; a log group or bucket "
                 "that expires them early leaves gaps an investigation cannot fill.")
    fix = "Set retention_in_days ≥ 365 (or 0) on the flow log's log group, or lengthen the bucket's lifecycle."
    example_fail = '''resource "aws_cloudwatch_log_group" "fl" { name = "/vpc/flow"  retention_in_days = 90 }
resource "aws_flow_log" "x" { vpc_id = aws_vpc.main.id  log_destination = aws_cloudwatch_log_group.fl.arn ... }'''
    example_pass = '''resource "aws_cloudwatch_log_group" "fl" { name = "/vpc/flow"  retention_in_days = 365 }
resource "aws_flow_log" "x" { vpc_id = aws_vpc.main.id  log_destination = aws_cloudwatch_log_group.fl.arn ... }'''

    def evaluate(self, model, policy):
        days, req = requirement(policy, self.source_id)
        flows_by = _accounts.split(model, model.of_type("aws_flow_log"))
        vpcs_by = _accounts.split(model, model.of_type("aws_vpc", "aws_default_vpc") + model.data("aws_vpc"))
        if not any(flows_by.values()) and not any(vpcs_by.values()):
            yield self.absent(model, UNKNOWN_STATUS, ACCOUNT, "no aws_vpc and no aws_flow_log in this configuration: "
                                                              f"cannot confirm network traffic logs are kept; {req}")
        for account, flows in flows_by.items():
            vpcs = vpcs_by.get(account, [])
            if not flows and vpcs:
                yield self.absent(model, FAIL, ACCOUNT, f"no aws_flow_log{_accounts.suffix(model, account)} in this "
                                                        f"configuration ({len(vpcs)} VPC(s)): network traffic is not "
                                                        f"logged or kept; {req}", account=account,
                                  fix=VpcFlowLogsFix)
        for flow in model.of_type("aws_flow_log"):
            yield self.report(flow, "VPC flow log", _flow_log_outcomes(model, flow, days), req)


VpcFlowLogsFix = ("Add an aws_flow_log for each VPC (traffic_type = \"ALL\") to a CloudWatch log group whose "
                  "retention_in_days ≥ 365 (or 0).")


@register
class ConfigRetention(_RetentionRule):
    id = "RET-003"
    title = "AWS Config history is kept for 7 years"
    clause = "| AWS resource configuration | AWS Config | 7 years |"
    source_id = "config"
    rationale = ("Configuration history shows what a PHI system looked like at any point; Config's own "
                 "retention period and the delivery bucket's lifecycle must both keep it for the policy period.")
    fix = ("Set retention_period_in_days ≥ 2557 (or remove aws_config_retention_configuration) and keep the "
           "delivery bucket free of shorter lifecycle expiration.")
    example_fail = '''resource "aws_config_retention_configuration" "r" { retention_period_in_days = 365 }'''
    example_pass = '''resource "aws_config_retention_configuration" "r" { retention_period_in_days = 2557 }'''

    def evaluate(self, model, policy):
        days, req = requirement(policy, self.source_id)
        for account, channels in _accounts.split(model, model.of_type("aws_config_delivery_channel")).items():
            if not channels:
                yield self.absent(model, FAIL, ACCOUNT, f"no aws_config_delivery_channel{_accounts.suffix(model, account)} "
                                                        "in this configuration: configuration history is not "
                                                        f"delivered to a bucket; {req}", account=account,
                                  fix="Add an aws_config_delivery_channel to a bucket that keeps objects ≥ 2557 days.")
        for ch in model.of_type("aws_config_delivery_channel"):
            outcomes = destination_outcomes(model, ch, "s3_bucket_name", BUCKET, days,
                                            log_prefix=key_prefix(ch.values.get("s3_key_prefix")))
            yield self.report(ch, "AWS Config delivery channel", outcomes, req)
        for rc in model.of_type("aws_config_retention_configuration"):
            value = rc.values.get("retention_period_in_days")
            if value is UNKNOWN:
                yield self.unknown(rc, f"retention_period_in_days is not known until apply; {req}")
            elif isinstance(value, (int, float)) and not isinstance(value, bool) and value >= days:
                yield self.passed(rc, f"AWS Config keeps configuration items {int(value)} days "
                                      f"(retention_period_in_days = {int(value)}); {req}")
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                yield self.failed(rc, f"AWS Config deletes configuration items after {int(value)} days "
                                      f"(retention_period_in_days = {int(value)}); {req}")
            else:
                yield self.unknown(rc, f"retention_period_in_days = {fmt(value)} is not a number; {req}")


@register
class GuardDutyFindingsRetention(_RetentionRule):
    id = "RET-004"
    title = "GuardDuty findings are exported and kept for 1 year"
    clause = "| Security findings | Security Hub / GuardDuty | 1 year |"
    source_id = "security_findings"
    rationale = ("GuardDuty keeps findings for only 90 days; to keep them for the policy period they must be "
                 "exported to a bucket that does not expire them early.")
    fix = ("Add an aws_guardduty_publishing_destination to an S3 bucket whose lifecycle keeps objects "
           "≥ 365 days (or an EventBridge rule for aws.guardduty findings to a log group kept ≥ 365 days).")
    example_fail = '''resource "aws_guardduty_detector" "d" { enable = true }   # no publishing destination'''
    example_pass = '''resource "aws_guardduty_publishing_destination" "p" {
  detector_id     = aws_guardduty_detector.d.id
  destination_arn = aws_s3_bucket.findings.arn
  kms_key_arn     = aws_kms_key.findings.arn
}'''

    def evaluate(self, model, policy):
        days, req = requirement(policy, self.source_id)
        dests = model.of_type("aws_guardduty_publishing_destination")
        exports, unsure = event_exports(model, "aws.guardduty", days)
        for export in exports:
            yield self.report(export.target, "GuardDuty findings export (EventBridge)", export.outcomes, req,
                              evidence=[export.target])
        dests_by = _accounts.split(model, dests)
        exports_by = _accounts.split(model, [e.target for e in exports])
        unsure_by = _accounts.split(model, unsure)
        for account, detectors in _accounts.split(model, model.of_type("aws_guardduty_detector")).items():
            if dests_by.get(account) or exports_by.get(account):
                continue
            where = _accounts.prefix(model, account)
            what = (f"{len(detectors)} GuardDuty detector(s) but no aws_guardduty_publishing_destination"
                    if detectors else "no aws_guardduty_detector and no aws_guardduty_publishing_destination")
            if unsure_by.get(account):
                yield self.unknown(ACCOUNT, f"{where}{what}; event_pattern of the rule of "
                                            f"{unsure_by[account][0].address} is not known: cannot tell whether it "
                                            f"exports GuardDuty findings; {req}", account=account)
            else:
                yield self.absent(model, FAIL, ACCOUNT, f"{where}{what} and no EventBridge rule storing aws.guardduty "
                                                        "findings in a log group: GuardDuty keeps findings only 90 "
                                                        f"days; {req}", account=account)
        for dest in dests:
            dtype = dest.values.get("destination_type")
            if dtype not in (None, "S3"):
                outcomes = [Outcome(UNKNOWN_STATUS, f"destination_type = {fmt(dtype)}: retention not visible")]
            else:
                outcomes = destination_outcomes(model, dest, "destination_arn", BUCKET, days, log_prefix=FROM_ARN)
            yield self.report(dest, "GuardDuty findings export", outcomes, req, evidence=[dest])


@register
class SecurityHubFindingsRetention(_RetentionRule):
    id = "RET-005"
    title = "Security Hub findings are kept for 1 year"
    clause = "| Security findings | Security Hub / GuardDuty | 1 year |"
    source_id = "security_findings"
    rationale = ("Security Hub deletes findings 90 days after their last update, and the policy keeps security "
                 "findings 1 year: an EventBridge rule matching aws.securityhub must send them to a log group that "
                 "keeps them for the policy period, in every account with Security Hub.  Without such an export "
                 "the rule fails.  Organisations that read the GuardDuty publishing destination (RET-004) plus AWS "
                 "Config history (RET-003, from which Security Hub's control findings are re-derived) as enough "
                 "set security_hub.findings_export = guardduty_export_suffices in the policy file; then a GuardDuty "
                 "export of the same account passes instead.")
    fix = ("Add an aws_cloudwatch_event_rule matching source aws.securityhub with an aws_cloudwatch_event_target "
           "to a log group whose retention_in_days ≥ 365 (or 0).")
    example_fail = '''resource "aws_securityhub_account" "this" {}   # findings are never exported'''
    example_pass = '''resource "aws_cloudwatch_event_rule" "findings" {
  event_pattern = jsonencode({ source = ["aws.securityhub"] })
}
resource "aws_cloudwatch_event_target" "findings" {
  rule = aws_cloudwatch_event_rule.findings.name
  arn  = aws_cloudwatch_log_group.findings.arn
}
resource "aws_cloudwatch_log_group" "findings" { name = "/aws/events/securityhub"  retention_in_days = 365 }'''

    def evaluate(self, model, policy):
        days, req = requirement(policy, self.source_id)
        exports, unsure = event_exports(model, "aws.securityhub", days)
        for export in exports:
            yield self.report(export.target, "Security Hub findings export", export.outcomes, req,
                              evidence=[export.target])
        exports_by = _accounts.split(model, [e.target for e in exports])
        unsure_by = _accounts.split(model, unsure)
        gd_by = _accounts.split(model, model.of_type("aws_guardduty_publishing_destination"))
        for account, hubs in _accounts.split(model, model.of_type("aws_securityhub_account")).items():
            where = _accounts.prefix(model, account)
            if not hubs:
                yield self.absent(model, FAIL, ACCOUNT, f"{where}no aws_securityhub_account in this configuration: "
                                                        f"Security Hub findings are neither collected nor kept; {req}",
                                  account=account, fix="Create an aws_securityhub_account and export its findings.")
                continue
            if exports_by.get(account):
                continue
            if unsure_by.get(account):
                yield self.unknown(ACCOUNT, f"{where}event_pattern of the rule of {unsure_by[account][0].address} is "
                                            f"not known; cannot tell whether Security Hub findings are exported; {req}",
                                   account=account)
            elif not policy.securityhub_export_required and gd_by.get(account):
                yield self.passed(ACCOUNT, f"{where}no separate Security Hub export; accepted by the policy "
                                           "(security_hub.findings_export = guardduty_export_suffices): GuardDuty "
                                           "findings are kept through their publishing destination (RET-004) and "
                                           "control findings are re-derived from AWS Config history (RET-003)",
                                  account=account, evidence=gd_by[account])
            else:
                why = ("" if policy.securityhub_export_required or gd_by.get(account)
                       else " nor GuardDuty findings (publishing destination)")
                yield self.absent(model, FAIL, ACCOUNT, f"{where}no EventBridge rule sends Security Hub findings "
                                                        f"(source aws.securityhub) to a log group{why}: Security Hub "
                                                        f"keeps findings only 90 days; {req}", account=account)


@register
class ApplicationLogRetention(_RetentionRule):
    id = "RET-006"
    title = "Django and Laravel application logs are kept for 1 year"
    clause = "| Application access logs | CloudWatch Logs (Django/Laravel) | 1 year |"
    source_id = "application_logs"
    rationale = ("Application logs record who accessed or changed which PHI record; they must be kept for "
                 "the policy period to answer access investigations.  Each application log group (recognised "
                 "as APP-001 does: application_log_groups globs or the naming tag) must keep events that long; "
                 "a missing group is APP-001's finding, not repeated here.")
    fix = "Set retention_in_days ≥ 365 (or 0) on each application log group."
    example_fail = '''resource "aws_cloudwatch_log_group" "django" { name = "/app/django"  retention_in_days = 30 }'''
    example_pass = '''resource "aws_cloudwatch_log_group" "django" { name = "/app/django"  retention_in_days = 365 }'''

    def evaluate(self, model, policy):
        days, req = requirement(policy, self.source_id)
        groups = model.of_type(LOG_GROUP)
        for app, globs in policy.application_log_group_globs.items():
            matched, _ = app_log_groups(groups, globs, policy, app)
            # a missing log group is APP-001's finding: reported once, not under two rules
            for g in matched:
                status, text = combine([log_group_keeps(g, days)])
                yield self._finding(status, g, f"{app} application log group → {text}; {req}")


@register
class AccessLogRetention(_RetentionRule):
    id = "RET-007"
    title = "Screenshot bucket access logs are kept for 1 year"
    clause = "| S3 access (screenshot bucket) | S3 Server Access Logging | 1 year |"
    source_id = "s3_access_logs"
    rationale = ("Server access logs are the only per-request record of who read or wrote PHI screenshots; "
                 "the target bucket (of an aws_s3_bucket_logging or a legacy inline logging block) must keep them "
                 "for the policy period.  A missing screenshot bucket or missing logging is S3L-001's finding, "
                 "not repeated here.")
    fix = "Remove or lengthen lifecycle expiration on the access-log target bucket to ≥ 365 days."
    example_fail = '''resource "aws_s3_bucket_logging" "shots" {
  bucket = aws_s3_bucket.screenshots.id  target_bucket = aws_s3_bucket.access_logs.id  target_prefix = "s3/"
}
resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  rule { id = "x"  status = "Enabled"  expiration { days = 90 } }
}'''
    example_pass = '''resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  rule { id = "x"  status = "Enabled"  expiration { days = 400 } }
}'''

    def evaluate(self, model, policy):
        days, req = requirement(policy, self.source_id)
        buckets, _ = screenshot_buckets(model, policy)
        # no screenshot bucket, or none logged: S3L-001's finding, not repeated here
        for b in buckets:
            targets, _ = _s3.logging_targets(model, b)
            outcomes: list[Outcome] = []
            for holder, prefix in targets:
                found = destination_outcomes(model, holder, f"{prefix}target_bucket", BUCKET, days,
                                             log_prefix=key_prefix(holder.get(f"{prefix}target_prefix")))
                outcomes += [Outcome(o.status, f"{holder.address} → {o.full_text}" if holder is not b else o.full_text)
                             for o in found]
            if outcomes:
                yield self.report(b, "screenshot bucket", outcomes, req)


@register
class SessionLogRetention(_RetentionRule):
    id = "RET-008"
    title = "SSM Session Manager logs are kept for 1 year"
    clause = "| EC2 session activity | SSM Session Manager logs | 1 year |"
    source_id = "ssm_sessions"
    rationale = ("Session logs record every command run on EC2 instances that handle PHI; the log group or "
                 "bucket named in the Session Manager preferences must keep them for the policy period.")
    fix = ("Set retention_in_days ≥ 365 (or 0) on the session log group and keep the session bucket free of "
           "shorter lifecycle expiration.")
    example_fail = '''resource "aws_ssm_document" "session" {
  name = "SSM-SessionManagerRunShell"  document_type = "Session"  document_format = "JSON"
  content = jsonencode({ schemaVersion = "1.0", sessionType = "Standard_Stream",
    inputs = { cloudWatchLogGroupName = "/ssm/sessions", cloudWatchEncryptionEnabled = true } })
}
resource "aws_cloudwatch_log_group" "sessions" { name = "/ssm/sessions"  retention_in_days = 30 }'''
    example_pass = '''resource "aws_cloudwatch_log_group" "sessions" { name = "/ssm/sessions"  retention_in_days = 365 }'''

    def evaluate(self, model, policy):
        days, req = requirement(policy, self.source_id)
        docs = session_documents(model)
        if not docs:
            yield self.absent(model, FAIL, ACCOUNT, "no aws_ssm_document with document_type = \"Session\": Session "
                                                    f"Manager preferences do not send session logs anywhere; {req}")
            return
        for doc in docs:
            inputs, problem = session_inputs(doc)
            if inputs is None:
                outcomes = [Outcome(UNKNOWN_STATUS, f"{problem}; cannot tell where session logs are kept")]
                # what the content refers to may still be known to delete logs too early
                for rtype in (LOG_GROUP, BUCKET):
                    for t in resolve(model, doc, "content", rtype).targets:
                        o = log_group_keeps(t, days) if rtype == LOG_GROUP else bucket_keeps(model, t, None, days)
                        if o.status == FAIL:
                            outcomes.append(o)
                yield self.report(doc, "SSM session document", outcomes, req)
                continue
            outcomes = []
            group, bucket = inputs.get("cloudWatchLogGroupName"), inputs.get("s3BucketName")
            if is_set(group):
                outcomes += destination_outcomes(model, doc, "content", LOG_GROUP, days, value=group)
            if is_set(bucket):
                outcomes += destination_outcomes(model, doc, "content", BUCKET, days, value=bucket,
                                                 log_prefix=key_prefix(inputs.get("s3KeyPrefix")))
            if not outcomes:
                outcomes = [Outcome(FAIL, "content sets neither inputs.cloudWatchLogGroupName nor "
                                          "inputs.s3BucketName: session logs are not kept")]
            yield self.report(doc, "SSM session document", outcomes, req)
