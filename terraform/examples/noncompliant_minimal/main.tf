# Deliberately NON-COMPLIANT with the audit-logging policy (HIPAA 164.312(b)).
# A fixture for the linter, the companion of ../noncompliant: a "minimal" account
# where some log sources are half set up and the rest are simply missing. It holds
# the violations that cannot share a root with ../noncompliant, where the same
# services exist but are misconfigured differently (a Config delivery channel that
# is unencrypted vs. none at all, a Security Hub without standards vs. no Security
# Hub, GuardDuty findings not exported vs. exported under a weak key).
# Every "# VIOLATION:" comment names the policy line broken. Do not deploy.

# --- Absent log sources --------------------------------------------------------------
# Nothing below creates these, so every rule that needs them fails on the account:
# VIOLATION: CloudTrail Requirements: "Multi-region trail enabled in both NVS and NHC accounts" (no aws_cloudtrail at all)
# VIOLATION: Log Sources: "AWS API activity | CloudTrail (multi-region) | 7 years" (no trail, nothing kept)
# VIOLATION: Application-Level Logging: "Django and Laravel applications must log ..." (no /app/django* or /app/laravel* log group)
# VIOLATION: Log Sources: "EC2 session activity | SSM Session Manager logs | 1 year" (no Session Manager preferences document)

# VIOLATION: Log Sources: "Security findings | Security Hub / GuardDuty | 1 year" (Security Hub is not enabled: no aws_securityhub_account)

# --- AWS Config: recording, but delivering nowhere ----------------------------------------

resource "aws_iam_role" "config" {
  name = "minimal-config"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "config.amazonaws.com" }
        Action    = "sts:AssumeRole"
      },
    ]
  })
}

resource "aws_config_configuration_recorder" "main" {
  name     = "default"
  role_arn = aws_iam_role.config.arn

  recording_group {
    all_supported                 = true
    include_global_resource_types = true
  }
}

resource "aws_config_configuration_recorder_status" "main" {
  name       = aws_config_configuration_recorder.main.name
  is_enabled = true
}

# VIOLATION: Log Sources: "AWS resource configuration | AWS Config | 7 years" (no aws_config_delivery_channel: configuration history is written nowhere, so nothing is kept)

# --- GuardDuty: findings exported under a key that is switched off -------------------------

resource "aws_guardduty_detector" "main" {
  enable = true
}

# VIOLATION: CloudTrail Requirements: "CloudTrail log files encrypted with KMS CMK" (applied to exported findings: a customer-managed key that is disabled)
resource "aws_kms_key" "findings" {
  description         = "GuardDuty findings export (key disabled)"
  enable_key_rotation = true
  is_enabled          = false
}

resource "aws_s3_bucket" "findings" {
  bucket = "minimal-guardduty-findings"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "findings" {
  bucket = aws_s3_bucket.findings.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.findings.arn
    }
  }
}

resource "aws_guardduty_publishing_destination" "findings" {
  detector_id     = aws_guardduty_detector.main.id
  destination_arn = aws_s3_bucket.findings.arn
  kms_key_arn     = aws_kms_key.findings.arn
}

# --- Network and screenshots: present, but not logged ------------------------------------

# VIOLATION: VPC Flow Logs: "Enabled on all VPCs in NVS and NHC" (no aws_flow_log for this VPC)
# VIOLATION: Log Sources: "Network traffic | VPC Flow Logs | 1 year" (no flow log, nothing kept)
resource "aws_vpc" "main" {
  cidr_block = "10.30.0.0/16"
}

# VIOLATION: Log Sources: "S3 access (screenshot bucket) | S3 Server Access Logging | 1 year" (access logged through the legacy inline logging block, but the target bucket deletes them after 30 days)
resource "aws_s3_bucket" "screenshots" {
  bucket = "minimal-screenshots"

  logging {
    target_bucket = aws_s3_bucket.access_logs.id
    target_prefix = "screenshots/"
  }
}

resource "aws_s3_bucket" "access_logs" {
  bucket = "minimal-access-logs"
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    id     = "expire-after-30-days"
    status = "Enabled"
    filter {}

    expiration {
      days = 30
    }
  }
}
