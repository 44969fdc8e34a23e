# Deliberately NON-COMPLIANT with the audit-logging policy (HIPAA 164.312(b)).
# A fixture for the linter, companion of ../noncompliant and ../noncompliant_minimal: an
# account whose audit logs are kept, but not protected -- the log bucket can lose objects,
# people outside the log-access roles can read the logs, the investigation role can change
# them, and a CI role may delete the trail. Every "# VIOLATION:" comment names the policy
# line broken. Do not deploy.
#
# Log Integrity and Log Access are the subject here. The log sources are only sketched (a trail
# without KMS key, data events or CloudWatch delivery; a VPC without flow log; no Config, GuardDuty,
# Security Hub, application log groups, Session Manager preferences or alarms), so the rules of the
# other sections fail here too -- ../noncompliant shows those violations one by one.

# --- Log Access: the roles of the policy ---------------------------------------------------
# VIOLATION: Log Access: "DevOps admin role (break-glass)" (the break-glass role can be assumed without MFA)
resource "aws_iam_role" "break_glass" {
  name        = "access-break-glass"
  description = "Break-glass DevOps admin role"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "sts:AssumeRole"
      },
    ]
  })
}

data "aws_iam_policy_document" "assume_with_mfa" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }

    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
}

resource "aws_iam_role" "security_investigation" {
  name               = "access-security-investigation"
  description        = "Security investigation role"
  assume_role_policy = data.aws_iam_policy_document.assume_with_mfa.json
}

# VIOLATION: Log Access: "Security investigation role (read-only, CloudWatch Logs Insights)"
# (besides Logs Insights queries it may delete log groups and log objects)
resource "aws_iam_role_policy" "security_investigation" {
  name = "investigate-audit-logs"
  role = aws_iam_role.security_investigation.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "LogsInsights"
        Effect   = "Allow"
        Action   = ["logs:StartQuery", "logs:GetQueryResults", "logs:Describe*"]
        Resource = "*"
      },
      {
        Sid      = "CleanUpLogs"
        Effect   = "Allow"
        Action   = ["logs:DeleteLogGroup", "s3:GetObject", "s3:DeleteObject"]
        Resource = ["arn:aws:logs:*:111122223333:log-group:*", "arn:aws:s3:::access-example-audit-logs/*"]
      },
    ]
  })
}

# --- Log Integrity: who may delete the trail --------------------------------------------------

resource "aws_iam_policy" "deny_trail_deletion" {
  name = "access-deny-trail-deletion"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "DenyTrailDeletion"
        Effect   = "Deny"
        Action   = ["cloudtrail:DeleteTrail", "cloudtrail:StopLogging"]
        Resource = "*"
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "security_investigation_deny" {
  role       = aws_iam_role.security_investigation.name
  policy_arn = aws_iam_policy.deny_trail_deletion.arn
}

# VIOLATION: Log Integrity: "IAM policy denies DeleteTrail for all non-admin roles"
# (the CI deployment role, assumed from GitHub Actions, has no policy denying cloudtrail:DeleteTrail)
resource "aws_iam_role" "ci_deploy" {
  name = "access-ci-deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = { "token.actions.githubusercontent.com:sub" = "repo:acme/infra:ref:refs/heads/main" }
        }
      },
    ]
  })
}

# --- Log Access: readers outside the policy ---------------------------------------------------

resource "aws_iam_role" "analytics_etl" {
  name = "analytics-etl"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "ecs-tasks.amazonaws.com" }
        Action    = "sts:AssumeRole"
      },
    ]
  })
}

# VIOLATION: Log Access: "Log access is restricted to:" (an analytics workload may read every CloudWatch log group)
resource "aws_iam_role_policy_attachment" "analytics_etl_logs" {
  role       = aws_iam_role.analytics_etl.name
  policy_arn = "arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess"
}

data "aws_caller_identity" "current" {}

# --- The audit log bucket -----------------------------------------------------------------------

resource "aws_cloudtrail" "main" {
  name                          = "access-example-trail"
  s3_bucket_name                = aws_s3_bucket.audit_logs.id
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
}

resource "aws_s3_bucket" "audit_logs" {
  bucket = "access-example-audit-logs"
}

# VIOLATION: Log Integrity: "S3 bucket for logs: object lock or versioning prevents deletion"
# (versioning suspended and no object lock: a deleted log file is gone)
resource "aws_s3_bucket_versioning" "audit_logs" {
  bucket = aws_s3_bucket.audit_logs.id

  versioning_configuration {
    status = "Suspended"
  }
}

resource "aws_s3_bucket_public_access_block" "audit_logs" {
  bucket = aws_s3_bucket.audit_logs.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "audit_logs" {
  bucket = aws_s3_bucket.audit_logs.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "CloudTrailAclCheck"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:GetBucketAcl"
        Resource  = "arn:aws:s3:::access-example-audit-logs"
        Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
      },
      {
        Sid       = "CloudTrailWrite"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "arn:aws:s3:::access-example-audit-logs/AWSLogs/${data.aws_caller_identity.current.account_id}/*"
        Condition = {
          StringEquals = {
            "s3:x-amz-acl"      = "bucket-owner-full-control"
            "aws:SourceAccount" = data.aws_caller_identity.current.account_id
          }
        }
      },
      # VIOLATION: Log Access: "Log access is restricted to:" (another AWS account and an analytics role may read the logs)
      {
        Sid    = "PartnerAndAnalyticsRead"
        Effect = "Allow"
        Principal = {
          AWS = ["arn:aws:iam::444455556666:root", "arn:aws:iam::111122223333:role/analytics-etl"]
        }
        Action   = ["s3:GetObject", "s3:ListBucket"]
        Resource = ["arn:aws:s3:::access-example-audit-logs", "arn:aws:s3:::access-example-audit-logs/*"]
      },
    ]
  })
}

# --- Log sources (present so that every rule can decide; not the subject of this example) ------

resource "aws_vpc" "main" {
  cidr_block = "10.40.0.0/16"
}

resource "aws_s3_bucket" "screenshots" {
  bucket = "access-example-screenshots"
}

# VIOLATION: Log Sources: "S3 access (screenshot bucket) | S3 Server Access Logging | 1 year" (the audit log bucket's policy does not let logging.s3.amazonaws.com deliver the access logs)
resource "aws_s3_bucket_logging" "screenshots" {
  bucket        = aws_s3_bucket.screenshots.id
  target_bucket = aws_s3_bucket.audit_logs.id
  target_prefix = "screenshots/"
}

# --- The audit log bucket's default key: anyone may decrypt ----------------------------------

# VIOLATION: Log Access: "Log access is restricted to:" (the default encryption key of the audit log bucket lets any principal decrypt: "AWS" = "*" with no condition narrowing it to this account)
resource "aws_kms_key" "audit_logs" {
  description         = "Audit log bucket default encryption"
  enable_key_rotation = true

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EnableIAMUserPermissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "AllowCloudTrailEncrypt"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = ["kms:GenerateDataKey*", "kms:DescribeKey"]
        Resource  = "*"
      },
      {
        Sid       = "AnyoneMayDecrypt"
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = ["kms:Decrypt", "kms:DescribeKey"]
        Resource  = "*"
      },
    ]
  })
}

resource "aws_s3_bucket_server_side_encryption_configuration" "audit_logs" {
  bucket = aws_s3_bucket.audit_logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.audit_logs.arn
    }
  }
}
