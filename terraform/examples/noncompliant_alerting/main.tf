# Deliberately NON-COMPLIANT with the audit-logging policy (HIPAA 164.312(b)).
# A fixture for the linter, focused on the policy's "Alerting" table: the trail
# delivers to CloudWatch Logs and every alert of the table has been attempted,
# but each one is broken in a way that keeps it from ever notifying anyone.
# Every "# VIOLATION:" comment names the policy line broken. Do not deploy.
# Other log sources are only sketched here (../noncompliant and ../noncompliant_minimal
# are about them); what that leaves broken is listed once below.

# --- Incidental violations outside the Alerting table --------------------------------------
# VIOLATION: CloudTrail Requirements: "Logs delivered to dedicated S3 bucket with restricted access" (no bucket policy on aws_s3_bucket.trail: cloudtrail.amazonaws.com may not even write to it)
# VIOLATION: Log Sources: "S3 access (screenshot bucket) | S3 Server Access Logging | 1 year" (no bucket policy on aws_s3_bucket.access_logs lets logging.s3.amazonaws.com deliver)
# VIOLATION: CloudTrail Requirements: "CloudTrail S3 bucket: versioning enabled, no public access" (no versioning, no public access block)
# VIOLATION: Log Integrity: "S3 bucket for logs: object lock or versioning prevents deletion" (trail and access-log buckets)
# VIOLATION: CloudTrail Requirements: "CloudTrail log files encrypted with KMS CMK" (applied to log buckets: SSE-S3 default encryption)
# VIOLATION: Log Sources: "AWS resource configuration | AWS Config | 7 years" (no AWS Config at all)
# VIOLATION: Log Sources: "Security findings | Security Hub / GuardDuty | 1 year" (GuardDuty findings are not exported)
# VIOLATION: Log Sources: "Application access logs | CloudWatch Logs (Django/Laravel) | 1 year" (no application log groups)
# VIOLATION: Log Sources: "EC2 session activity | SSM Session Manager logs | 1 year" (no Session Manager preferences)
# VIOLATION: Log Access: "DevOps admin role (break-glass)", "Security investigation role (read-only, CloudWatch Logs Insights)" (neither role exists)

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

# --- KMS key for the trail, its log group and the alert topic ---------------------------

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "EnableAccountRootAdministration"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }

  statement {
    sid       = "AllowCloudTrailEncryptLogs"
    actions   = ["kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }

  statement {
    sid       = "AllowCloudWatchLogs"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${data.aws_region.current.region}.amazonaws.com"]
    }
  }

  statement {
    sid       = "AllowAlertPublishers"
    actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "events.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "audit" {
  description         = "Audit logs and security alerts"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json
}

# --- The trail, delivering to CloudWatch Logs ------------------------------------------

resource "aws_s3_bucket" "trail" {
  bucket = "alerting-example-cloudtrail-111122223333"
}

resource "aws_cloudwatch_log_group" "trail" {
  name              = "/aws/cloudtrail/alerting-example"
  retention_in_days = 2557
  kms_key_id        = aws_kms_key.audit.arn
}

resource "aws_iam_role" "trail_to_logs" {
  name = "alerting-example-cloudtrail-to-logs"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "sts:AssumeRole"
      },
    ]
  })
}

resource "aws_cloudtrail" "main" {
  name                          = "alerting-example"
  s3_bucket_name                = aws_s3_bucket.trail.id
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  kms_key_id                    = aws_kms_key.audit.arn
  cloud_watch_logs_group_arn    = "${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn     = aws_iam_role.trail_to_logs.arn

  event_selector {
    read_write_type           = "All"
    include_management_events = true

    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
  }
}

# --- The screenshot bucket ---------------------------------------------------------------

resource "aws_s3_bucket" "screenshots" {
  bucket = "alerting-example-screenshots-111122223333"
}

resource "aws_s3_bucket" "access_logs" {
  bucket = "alerting-example-access-logs-111122223333"
}

resource "aws_s3_bucket_logging" "screenshots" {
  bucket        = aws_s3_bucket.screenshots.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "screenshots/"
}

# --- Findings ------------------------------------------------------------------------------

resource "aws_guardduty_detector" "main" {
  enable = true
}

resource "aws_securityhub_account" "main" {}

# --- Network ---------------------------------------------------------------------------------

# VIOLATION: VPC Flow Logs: "Enabled on all VPCs in NVS and NHC" (no aws_flow_log)
resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
}
