"""CloudTrail Requirements: the trail itself (CT-001 multi-region, CT-005 CMK, CT-006 validation).

Event selectors are in ``cloudtrail_events``, the trail's bucket in ``cloudtrail_bucket``.
"""
from __future__ import annotations

from typing import Iterable

from ..engine import ACCOUNT, PASS, UNKNOWN_STATUS, Finding, register
from ..model import UNKNOWN, Model
from . import _accounts
from ._kms import check_cmk
from ._trail import TRAIL, NO_TRAIL, coverage, is_organization_trail, show, TrailRule

# =============================================================================
# CT-001
# =============================================================================
@register
class TrailMultiRegion(TrailRule):
    id = "CT-001"
    title = "A multi-region CloudTrail trail is logging"
    clause = "Multi-region trail enabled in both NVS and NHC accounts"
    rationale = ("API activity in every region must reach the audit trail; a single-region or stopped trail "
                 "leaves activity in other regions, or all activity, unrecorded.  Judged per account: every account "
                 "the configuration manages needs a multi-region trail of its own, or an organization trail "
                 "(is_organization_trail = true, created in the management account), which is taken to cover every "
                 "account of the configuration; a trail created with another account's provider does not count.")
    fix = "Set is_multi_region_trail = true on the trail and leave enable_logging true."
    example_fail = '''resource "aws_cloudtrail" "main" {
  name                  = "org-trail"
  s3_bucket_name        = aws_s3_bucket.trail.id
  is_multi_region_trail = false
}'''
    example_pass = '''resource "aws_cloudtrail" "main" {
  name                  = "org-trail"
  s3_bucket_name        = aws_s3_bucket.trail.id
  is_multi_region_trail = true
  enable_logging        = true
}'''

    no_trail_message = NO_TRAIL + ": no multi-region trail is logging"

    def evaluate(self, model: Model, policy) -> Iterable[Finding]:
        by_trail: dict[str, Finding] = {}
        for trail in model.of_type(TRAIL):
            for f in self.check(model, policy, trail):
                by_trail[trail.address] = f
                yield f
        several = _accounts.several(model)
        for account, cov in coverage(model).items():
            where = _accounts.prefix(model, account)
            if not cov.trails:
                yield self.without_trail(model, policy, cov)
                continue
            statuses = {by_trail[t.address].status for t in cov.trails}
            if PASS in statuses:
                good = next(t for t in cov.trails if by_trail[t.address].status == PASS)
                if several and good not in cov.own:
                    yield self.passed(ACCOUNT, f"{where}logged by the organization trail {good.address} (is_organization_"
                                               f"trail = true, created in {_accounts.label(model.account_of(good))})",
                                      account=account, evidence=[good])
            elif UNKNOWN_STATUS in statuses:
                absent = [t for t in cov.trails if t.maybe_absent]
                why = (f"{absent[0].address} may not exist ({absent[0].maybe_absent})" if absent
                       else "is_multi_region_trail / enable_logging known after apply")
                yield self.unknown(ACCOUNT, f"{where}no trail is known to be multi-region and logging ({why})",
                                   account=account)
            else:
                yield self.failed(ACCOUNT, f"{where}none of the {len(cov.trails)} aws_cloudtrail trail(s) logging it "
                                           "is multi-region with logging enabled (is_multi_region_trail = true, "
                                           "enable_logging != false)", account=account)

    def check(self, model, policy, trail):
        multi = trail.values.get("is_multi_region_trail")
        logging = trail.values.get("enable_logging")
        if multi is not True and multi is not UNKNOWN:
            yield self.failed(trail, f"trail is single-region (is_multi_region_trail = {show(multi)}"
                                     f"{', default false' if multi is None else ''})")
        elif logging is False:
            yield self.failed(trail, "trail is stopped (enable_logging = false)")
        elif multi is UNKNOWN:
            yield self.unknown(trail, "is_multi_region_trail is not known until apply")
        elif logging is UNKNOWN:
            yield self.unknown(trail, "enable_logging is not known until apply")
        else:
            org = " organization" if is_organization_trail(trail) is True else ""
            yield self.passed(trail, f"multi-region{org} trail is logging (is_multi_region_trail = true, "
                                     f"enable_logging = {show(logging) if logging is not None else 'unset, default true'})",
                              evidence=[trail])



# =============================================================================
# CT-005
# =============================================================================
@register
class TrailKmsEncryption(TrailRule):
    id = "CT-005"
    title = "CloudTrail log files are encrypted with a customer-managed KMS key"
    clause = "CloudTrail log files encrypted with KMS CMK"
    rationale = ("A customer-managed key lets the organisation control and audit who can decrypt audit logs "
                 "and revoke access; SSE-S3 or an AWS-managed key gives no such control.  The policy line asks for "
                 "a KMS CMK, not for rotation: a CMK with enable_key_rotation off passes (the message says so) "
                 "unless the policy file sets kms.require_key_rotation: true, which then applies to every CMK "
                 "that protects logs (CT-005, ENC-001 .. ENC-005).  A key defined outside the configuration "
                 "is judged by what names it: an alias under alias/aws/ (literal, or read by data "
                 "\"aws_kms_key\"/\"aws_kms_alias\") is AWS-managed and fails; any other alias can only name a "
                 "customer-managed key and passes; so does a key ARN or key id, since CloudTrail can use no "
                 "AWS-managed key (their key policies cannot grant cloudtrail.amazonaws.com).  An outside key is "
                 "unknown when rotation is required.")
    fix = "Set kms_key_id to the ARN of an aws_kms_key (a customer-managed key; enable_key_rotation = true is good practice)."
    example_fail = '''resource "aws_cloudtrail" "main" {
  name           = "org-trail"
  s3_bucket_name = aws_s3_bucket.trail.id
  kms_key_id     = "alias/aws/cloudtrail"
}'''
    example_pass = '''resource "aws_kms_key" "trail" { enable_key_rotation = true }
resource "aws_cloudtrail" "main" {
  name           = "org-trail"
  s3_bucket_name = aws_s3_bucket.trail.id
  kms_key_id     = aws_kms_key.trail.arn
}'''

    no_trail_message = NO_TRAIL + ": no trail log files are encrypted with a CMK"

    def check(self, model, policy, trail):
        result = check_cmk(model, trail, "kms_key_id", policy, only_cmk="CloudTrail")
        yield self.finding(result.status, trail, result.message)


# =============================================================================
# CT-006
# =============================================================================
@register
class TrailLogFileValidation(TrailRule):
    id = "CT-006"
    title = "CloudTrail log file validation is enabled"
    clause = "Log file validation enabled (tamper-detection)"
    rationale = ("Digest files signed by CloudTrail prove that delivered log files were not modified or "
                 "deleted; without them tampering with the audit trail goes unnoticed.")
    fix = "Set enable_log_file_validation = true on the trail."
    example_fail = '''resource "aws_cloudtrail" "main" {
  name                       = "org-trail"
  s3_bucket_name             = aws_s3_bucket.trail.id
  enable_log_file_validation = false
}'''
    example_pass = '''resource "aws_cloudtrail" "main" {
  name                       = "org-trail"
  s3_bucket_name             = aws_s3_bucket.trail.id
  enable_log_file_validation = true
}'''

    no_trail_message = NO_TRAIL + ": no log file validation"

    def check(self, model, policy, trail):
        value = trail.values.get("enable_log_file_validation")
        if value is True:
            yield self.passed(trail, "enable_log_file_validation = true")
        elif value is UNKNOWN:
            yield self.unknown(trail, "enable_log_file_validation is not known until apply")
        elif value is None:
            yield self.failed(trail, "enable_log_file_validation is unset (default false): log files are not validated")
        else:
            yield self.failed(trail, f"enable_log_file_validation = {show(value)}: log files are not validated")


