"""Logs that actually arrive (DLV): every log pipe's writer is allowed to write, end to end.

A trail, recorder or flow log that is switched on but may not write to its destination is the
quietest failure there is: every flag looks compliant and nothing is logged.  One rule per pipe
follows the write through every policy in its way -- bucket policy, KMS key policy, the writer's
role and its trust policy -- as AWS documents each service's requirements (quoted in each rule's
rationale), and reports ``pass`` naming the statements that grant it, ``fail`` naming the
statement that denies it or the grant that is missing, or ``unknown`` naming what could not be
read (a policy known only at apply, a bucket or key outside the configuration).
"""
from __future__ import annotations

from ..engine import Rule, register
from ._pipes import (access_log_target, cloudtrail_logs, cloudtrail_s3, config_s3, flow_log_logs, guardduty_s3,
                     log_group_key, session_logging, session_requirements, ssm_roles)
from ._retention import session_documents
from ._delivery import bucket_target

PURPOSE = "Purpose"
MAINTAIN = ("Maintain audit logs of all activity involving PHI systems to support investigation, compliance "
            "reporting, and anomaly detection.")
HOW = (" auditgate evaluates the policies as IAM does: an explicit Deny wins (a TLS-only Deny on "
       "aws:SecureTransport = false does not stop a service, which always uses TLS; a Deny without such a "
       "condition does); conditions are matched against the request context the service sends "
       "(aws:SourceArn, aws:SourceAccount, s3:x-amz-acl, encryption headers, KMS encryption context) -- a "
       "condition naming another trail, detector, bucket or account blocks the write.  Values known only at "
       "apply (the account id from aws_caller_identity, an ARN) are compared symbolically; a verdict that "
       "depends on them, or a policy that cannot be read, is unknown, never pass.")


class _DeliveryRule(Rule):
    pass


@register
class CloudTrailToS3(_DeliveryRule):
    id = "DLV-001"
    title = "CloudTrail may write its log files to its S3 bucket (bucket and key policy)"
    section = "CloudTrail Requirements"
    clause = "Logs delivered to dedicated S3 bucket with restricted access"
    rationale = ("AWS CloudTrail User Guide, \"Amazon S3 bucket policy for CloudTrail\": the bucket policy must let "
                 "the service principal cloudtrail.amazonaws.com s3:GetBucketAcl on the bucket and s3:PutObject on "
                 "arn:aws:s3:::<bucket>/[<prefix>/]AWSLogs/<account-id>/* with the condition s3:x-amz-acl = "
                 "bucket-owner-full-control (an organization trail also writes AWSLogs/<o-organization-id>/*); "
                 "aws:SourceArn conditions must name this trail (arn:aws:cloudtrail:<region>:<account>:trail/<name>). "
                 "\"Configure AWS KMS key policies for CloudTrail\": with SSE-KMS the key policy must let "
                 "cloudtrail.amazonaws.com kms:GenerateDataKey* (a kms:EncryptionContext:aws:cloudtrail:arn condition "
                 "must match this trail's ARN) and kms:DescribeKey.  Digest files (log file validation) go to "
                 "AWSLogs/<account-id>/CloudTrail-Digest/ under the same grant.  Without these the trail is "
                 "created but delivers nothing (or the first delivery fails later)." + HOW)
    fix = ("Add the AWSCloudTrailAclCheck and AWSCloudTrailWrite statements for cloudtrail.amazonaws.com to the bucket "
           "policy and let it kms:GenerateDataKey* and kms:DescribeKey in the key policy.")
    example_fail = '''data "aws_iam_policy_document" "trail_bucket" {
  statement {
    sid       = "AWSCloudTrailWrite"
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::acme-trail/AWSLogs/111122223333/*"]
    principals { type = "Service"  identifiers = ["cloudtrail.amazonaws.com"] }
    condition {                                 # names another trail: this trail is refused
      test = "StringEquals"  variable = "aws:SourceArn"
      values = ["arn:aws:cloudtrail:us-east-1:111122223333:trail/other"]
    }
  }
}'''
    example_pass = '''data "aws_iam_policy_document" "trail_bucket" {
  statement {
    sid       = "AWSCloudTrailAclCheck"
    actions   = ["s3:GetBucketAcl"]
    resources = [aws_s3_bucket.trail.arn]
    principals { type = "Service"  identifiers = ["cloudtrail.amazonaws.com"] }
  }
  statement {
    sid       = "AWSCloudTrailWrite"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.trail.arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/*"]
    principals { type = "Service"  identifiers = ["cloudtrail.amazonaws.com"] }
    condition { test = "StringEquals"  variable = "s3:x-amz-acl"  values = ["bucket-owner-full-control"] }
  }
}'''

    def evaluate(self, model, policy):
        for trail in model.of_type("aws_cloudtrail"):
            answer = cloudtrail_s3(model, trail)
            yield self._finding(answer.status, trail, f"CloudTrail {answer.text}")


@register
class CloudTrailToLogs(_DeliveryRule):
    id = "DLV-002"
    title = "CloudTrail may write to its CloudWatch log group (role trust and permissions)"
    section = PURPOSE
    clause = MAINTAIN
    rationale = ("AWS CloudTrail User Guide, \"Sending events to CloudWatch Logs\": the role in "
                 "cloud_watch_logs_role_arn must trust the service principal cloudtrail.amazonaws.com "
                 "(sts:AssumeRole) and allow logs:CreateLogStream and logs:PutLogEvents on "
                 "arn:aws:logs:<region>:<account>:log-group:<group>:log-stream:<account>_CloudTrail_<region>*.  "
                 "The metric filters and alarms of the Alerting section read this log group: a role CloudTrail "
                 "cannot assume, or that may not write there, silences every alarm." + HOW)
    fix = ("Trust cloudtrail.amazonaws.com in the role's assume_role_policy and allow logs:CreateLogStream and "
           "logs:PutLogEvents on \"${aws_cloudwatch_log_group.trail.arn}:*\".")
    example_fail = '''resource "aws_iam_role" "trail_logs" {
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}'''
    example_pass = '''resource "aws_iam_role" "trail_logs" {
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "cloudtrail.amazonaws.com" } }] })
}
resource "aws_iam_role_policy" "trail_logs" {
  role   = aws_iam_role.trail_logs.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
    Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "${aws_cloudwatch_log_group.trail.arn}:*" }] })
}'''

    def evaluate(self, model, policy):
        for trail in model.of_type("aws_cloudtrail"):
            answer = cloudtrail_logs(model, trail)
            if answer is not None:
                yield self._finding(answer.status, trail, f"CloudTrail {answer.text}")


@register
class ConfigToS3(_DeliveryRule):
    id = "DLV-003"
    title = "AWS Config may deliver to its S3 bucket (bucket and key policy, or the recorder's role)"
    section = "Log Sources"
    clause = "| AWS resource configuration | AWS Config | 7 years |"
    rationale = ("AWS Config Developer Guide, \"Permissions for the Amazon S3 bucket for the AWS Config delivery "
                 "channel\": config.amazonaws.com (or, for a bucket of the same account, the IAM role of the "
                 "recorder) needs s3:GetBucketAcl and s3:ListBucket on the bucket and s3:PutObject on "
                 "arn:aws:s3:::<bucket>/[<prefix>/]AWSLogs/<account-id>/Config/* with s3:x-amz-acl = "
                 "bucket-owner-full-control (aws:SourceAccount conditions must name this account).  "
                 "\"Permissions for the KMS key\": with s3_kms_key_arn (or SSE-KMS default encryption) the key "
                 "policy must let the same principal kms:GenerateDataKey and kms:Decrypt.  Either principal will do; "
                 "the rule passes when one of them may do all of it." + HOW)
    fix = ("Add the AWSConfigBucketPermissionsCheck / ExistenceCheck / Delivery statements for config.amazonaws.com to "
           "the bucket policy (or grant the recorder's role) and let it kms:GenerateDataKey and kms:Decrypt.")
    example_fail = '''resource "aws_config_delivery_channel" "c" {
  s3_bucket_name = aws_s3_bucket.config.id     # bucket policy grants config.amazonaws.com nothing,
}                                              # the recorder's role has no s3:PutObject'''
    example_pass = '''statement {
  sid       = "AWSConfigBucketDelivery"
  actions   = ["s3:PutObject"]
  resources = ["${aws_s3_bucket.config.arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/Config/*"]
  principals { type = "Service"  identifiers = ["config.amazonaws.com"] }
  condition { test = "StringEquals"  variable = "s3:x-amz-acl"  values = ["bucket-owner-full-control"] }
}   # plus s3:GetBucketAcl and s3:ListBucket on the bucket'''

    def evaluate(self, model, policy):
        for channel in model.of_type("aws_config_delivery_channel"):
            answer = config_s3(model, channel)
            yield self._finding(answer.status, channel, f"AWS Config {answer.text}")


@register
class FlowLogsToLogs(_DeliveryRule):
    id = "DLV-004"
    title = "VPC Flow Logs may publish to their CloudWatch log group (role trust and permissions)"
    section = "VPC Flow Logs"
    clause = "Published to CloudWatch Logs"
    rationale = ("Amazon VPC User Guide, \"IAM role for publishing flow logs to CloudWatch Logs\": the role in "
                 "iam_role_arn must trust the service principal vpc-flow-logs.amazonaws.com (sts:AssumeRole; "
                 "aws:SourceAccount / aws:SourceArn conditions must name this account and its flow logs) and allow "
                 "logs:CreateLogStream and logs:PutLogEvents on the log group's streams (the documented policy also "
                 "lists logs:CreateLogGroup, logs:DescribeLogGroups and logs:DescribeLogStreams).  A role trusted by "
                 "another service, or without these actions, leaves the flow log in an error state that delivers "
                 "nothing." + HOW)
    fix = ("Trust vpc-flow-logs.amazonaws.com in the role's assume_role_policy and allow logs:CreateLogStream and "
           "logs:PutLogEvents on \"${aws_cloudwatch_log_group.flow.arn}:*\".")
    example_fail = '''resource "aws_iam_role" "flow" {
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}'''
    example_pass = '''resource "aws_iam_role" "flow" {
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "vpc-flow-logs.amazonaws.com" } }] })
}'''

    def evaluate(self, model, policy):
        for flow in model.of_type("aws_flow_log"):
            answer = flow_log_logs(model, flow)
            if answer is not None:
                yield self._finding(answer.status, flow, f"VPC flow log {answer.text}")


@register
class LogGroupKey(_DeliveryRule):
    id = "DLV-005"
    title = "CloudWatch Logs may use the KMS key of every encrypted log group (key policy)"
    section = "CloudTrail Requirements"
    clause = "CloudTrail log files encrypted with KMS CMK"
    rationale = ("Amazon CloudWatch Logs User Guide, \"Encrypt log data in CloudWatch Logs using AWS KMS\": the key "
                 "policy must let the service principal logs.<region>.amazonaws.com use the key (the documented "
                 "statement allows kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe*; "
                 "auditgate requires kms:Encrypt, kms:Decrypt and kms:GenerateDataKey), optionally with an "
                 "ArnEquals / ArnLike condition on kms:EncryptionContext:aws:logs:arn that must match the group's "
                 "ARN (arn:aws:logs:<region>:<account>:log-group:<name>).  Otherwise the group cannot be created "
                 "with the key, or nothing can be written to it." + HOW)
    fix = ("Add a key policy statement allowing logs.<region>.amazonaws.com kms:Encrypt*, kms:Decrypt*, "
           "kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe* on the key.")
    example_fail = '''statement {
  principals { type = "Service"  identifiers = ["logs.us-east-1.amazonaws.com"] }
  actions    = ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"]
  resources  = ["*"]
  condition {                        # another group's ARN: this group cannot use the key
    test = "ArnEquals"  variable = "kms:EncryptionContext:aws:logs:arn"
    values = ["arn:aws:logs:us-east-1:111122223333:log-group:/other"]
  }
}'''
    example_pass = '''statement {
  principals { type = "Service"  identifiers = ["logs.${data.aws_region.current.region}.amazonaws.com"] }
  actions    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
  resources  = ["*"]
}'''

    def evaluate(self, model, policy):
        for group in model.of_type("aws_cloudwatch_log_group"):
            answer = log_group_key(model, group)
            if answer is not None:
                yield self._finding(answer.status, group, f"log group key: {answer.text}")


@register
class AccessLogsToBucket(_DeliveryRule):
    id = "DLV-006"
    title = "S3 server access logs may be delivered to their target bucket (policy, encryption, Object Lock)"
    section = "Log Sources"
    clause = "| S3 access (screenshot bucket) | S3 Server Access Logging | 1 year |"
    rationale = ("Amazon S3 User Guide, \"Enabling Amazon S3 server access logging\": the destination bucket policy "
                 "must let the logging service principal logging.s3.amazonaws.com s3:PutObject on "
                 "arn:aws:s3:::<target>/<prefix>* (aws:SourceArn / aws:SourceAccount conditions must name the source "
                 "bucket and its account); only when ACLs are in force (object ownership not BucketOwnerEnforced) "
                 "may an ACL granting the Log Delivery group WRITE do instead.  \"You can use default bucket "
                 "encryption on the destination bucket only if you use server-side encryption with Amazon S3 managed "
                 "keys (SSE-S3) ... SSE-KMS is not supported\", and \"S3 buckets with Object Lock can't be used as "
                 "destination buckets for server access logs\"." + HOW)
    fix = ("Add an S3ServerAccessLogsPolicy statement for logging.s3.amazonaws.com (s3:PutObject on the target prefix) "
           "to the target bucket policy; keep its default encryption SSE-S3 and Object Lock off.")
    example_fail = '''resource "aws_s3_bucket_logging" "shots" {
  bucket        = aws_s3_bucket.screenshots.id
  target_bucket = aws_s3_bucket.access_logs.id   # no bucket policy for logging.s3.amazonaws.com
}'''
    example_pass = '''statement {
  sid       = "S3ServerAccessLogsPolicy"
  actions   = ["s3:PutObject"]
  resources = ["${aws_s3_bucket.access_logs.arn}/*"]
  principals { type = "Service"  identifiers = ["logging.s3.amazonaws.com"] }
  condition { test = "ArnLike"  variable = "aws:SourceArn"  values = [aws_s3_bucket.screenshots.arn] }
}'''

    def evaluate(self, model, policy):
        for logging in model.of_type("aws_s3_bucket_logging"):
            source_t = bucket_target(model, logging, "bucket")
            source = source_t.resources[0] if len(source_t.resources) == 1 else None
            answer = access_log_target(model, logging, "target_bucket", source)
            yield self._finding(answer.status, logging, f"server access logs {answer.text}")
        for bucket in model.of_type("aws_s3_bucket"):
            inline = bucket.values.get("logging")
            if not isinstance(inline, list):
                continue
            for i, block in enumerate(inline):
                if isinstance(block, dict) and (block.get("target_bucket") or bucket.refs_under(f"logging.{i}")):
                    answer = access_log_target(model, bucket, f"logging.{i}.target_bucket", bucket)
                    yield self._finding(answer.status, bucket, f"server access logs {answer.text}")


@register
class GuardDutyToS3(_DeliveryRule):
    id = "DLV-007"
    title = "GuardDuty may export findings to its S3 bucket (bucket and key policy)"
    section = "Log Sources"
    clause = "| Security findings | Security Hub / GuardDuty | 1 year |"
    rationale = ("Amazon GuardDuty User Guide, \"Exporting findings\": the bucket policy must let the service "
                 "principal guardduty.amazonaws.com s3:GetBucketLocation on the bucket and s3:PutObject on "
                 "arn:aws:s3:::<bucket>/[<prefix>/]* (aws:SourceAccount / aws:SourceArn conditions must name this "
                 "account and its detector, arn:aws:guardduty:<region>:<account>:detector/<id>); the KMS key policy "
                 "must let guardduty.amazonaws.com kms:GenerateDataKey.  Deny statements the guide suggests -- "
                 "unencrypted uploads, an encryption header naming another key, non-HTTPS access -- are fine when "
                 "they name this key." + HOW)
    fix = ("Allow guardduty.amazonaws.com s3:GetBucketLocation and s3:PutObject in the bucket policy and "
           "kms:GenerateDataKey in the key policy (aws:SourceAccount = this account).")
    example_fail = '''resource "aws_kms_key" "findings" {
  enable_key_rotation = true    # no policy: the default key policy lets no service use the key
}'''
    example_pass = '''statement {
  sid        = "AllowGuardDutyKey"
  actions    = ["kms:GenerateDataKey"]
  resources  = ["*"]
  principals { type = "Service"  identifiers = ["guardduty.amazonaws.com"] }
}'''

    def evaluate(self, model, policy):
        for dest in model.of_type("aws_guardduty_publishing_destination"):
            if dest.values.get("destination_type") not in (None, "S3"):
                continue
            answer = guardduty_s3(model, dest)
            yield self._finding(answer.status, dest, f"GuardDuty findings {answer.text}")


@register
class SessionLogsWritable(_DeliveryRule):
    id = "DLV-008"
    title = "Instances used with Session Manager may write its session logs (log group, bucket, keys)"
    section = "Log Sources"
    clause = "| EC2 session activity | SSM Session Manager logs | 1 year |"
    rationale = ("AWS Systems Manager User Guide, \"Session Manager: instance profile permissions for logging\": the "
                 "SSM Agent writes session logs with the instance profile's credentials, so the role of every "
                 "instance profile used with Session Manager (allowed ssmmessages:OpenDataChannel) must allow "
                 "logs:CreateLogStream and logs:PutLogEvents on the session log group (and logs:DescribeLogGroups "
                 "when cloudWatchEncryptionEnabled), s3:PutObject under the session bucket and prefix (and "
                 "s3:GetEncryptionConfiguration when s3EncryptionEnabled), kms:GenerateDataKey on the bucket's "
                 "SSE-KMS key, and kms:Decrypt on the session key (kmsKeyId) -- through the key policies too.  "
                 "Otherwise sessions still start, but their transcripts are not logged." + HOW)
    fix = ("Attach to the instance role a policy allowing logs:CreateLogStream/PutLogEvents on the session log group, "
           "s3:PutObject on the session bucket, s3:GetEncryptionConfiguration, and kms:GenerateDataKey/kms:Decrypt "
           "on the keys.")
    example_fail = '''resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.instance.name   # only AmazonSSMManagedInstanceCore: no logs or S3 writes
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}'''
    example_pass = '''resource "aws_iam_role_policy_attachment" "session_logging" {
  role       = aws_iam_role.instance.name
  policy_arn = aws_iam_policy.session_logging.arn   # logs, s3:PutObject, kms on the session destinations
}'''

    def evaluate(self, model, policy):
        documents = [d for d in session_documents(model)]
        if not documents:
            return
        roles = ssm_roles(model)
        roles_by_account: dict[str, list] = {}
        for profile, role in roles:
            roles_by_account.setdefault(model.account_of(profile), []).append((profile, role))
        for doc in documents:
            needs, problem = session_requirements(model, doc)
            if problem is not None:
                yield self._finding(problem.status, doc, problem.text)
                continue
            if not needs:
                continue
            if not roles:
                unread = getattr(model, "unfollowed_modules", None) or []
                if unread:
                    yield self.unknown(doc, f"no instance profile here is used with Session Manager, but module "
                                            f"{unread[0].address} was not read: cannot confirm instances may write "
                                            "their session logs")
                else:
                    yield self.passed(doc, "no instance profile of this configuration is used with Session Manager "
                                           "(none allows ssmmessages:OpenDataChannel): no instance here writes "
                                           "session logs")
                continue
            # the instance profiles of the document's own account (another account's use its own document)
            for profile, role in roles_by_account.get(model.account_of(doc), []):
                answer = session_logging(model, profile, role, doc, needs)
                yield self._finding(answer.status, profile, f"Session Manager logging: {answer.text}")

