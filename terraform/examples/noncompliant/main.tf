# Deliberately NON-COMPLIANT with the audit-logging policy (HIPAA 164.312(b)).
# A fixture for the linter: every "# VIOLATION:" comment names the policy line
# the resource below it breaks. Do not deploy.

# --- CloudTrail ------------------------------------------------------------------

resource "aws_cloudtrail" "main" {
  name           = "legacy-trail"
  s3_bucket_name = aws_s3_bucket.trail.id

  # VIOLATION: CloudTrail Requirements: "Multi-region trail enabled in both NVS and NHC accounts"
  is_multi_region_trail         = false
  include_global_service_events = false

  # VIOLATION: CloudTrail Requirements: "Log file validation enabled (tamper-detection)"
  # VIOLATION: Log Integrity: "CloudTrail log file validation enabled (SHA-256 digest files)"
  enable_log_file_validation = false

  # VIOLATION: CloudTrail Requirements: "CloudTrail log files encrypted with KMS CMK" (no kms_key_id)

  event_selector {
    # VIOLATION: CloudTrail Requirements: "Management events: all (read + write)"
    read_write_type           = "ReadOnly"
    include_management_events = true
    # VIOLATION: CloudTrail Requirements: "Data events: S3 (all buckets in scope), Lambda if used" (no data_resource)
  }
}

# VIOLATION: CloudTrail Requirements: "Logs delivered to dedicated S3 bucket with restricted access"
# (the trail bucket also holds application uploads and is world-readable)
resource "aws_s3_bucket" "trail" {
  bucket = "legacy-trail-and-uploads"
}

# VIOLATION: CloudTrail Requirements: "CloudTrail S3 bucket: versioning enabled, no public access"
# VIOLATION: Log Integrity: "S3 bucket for logs: object lock or versioning prevents deletion"
resource "aws_s3_bucket_versioning" "trail" {
  bucket = aws_s3_bucket.trail.id

  versioning_configuration {
    status = "Suspended"
  }
}

# VIOLATION: CloudTrail Requirements: "CloudTrail S3 bucket: versioning enabled, no public access"
resource "aws_s3_bucket_public_access_block" "trail" {
  bucket = aws_s3_bucket.trail.id

  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}

resource "aws_s3_bucket_policy" "trail" {
  bucket = aws_s3_bucket.trail.id

  # VIOLATION: Log Access: "Log access is restricted to: DevOps admin role (break-glass), Security investigation role, ..."
  # (anyone may read the logs; no TLS-only or delete-protection statements)
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "PublicRead"
        Effect    = "Allow"
        Principal = "*"
        Action    = ["s3:GetObject", "s3:ListBucket"]
        Resource  = ["arn:aws:s3:::legacy-trail-and-uploads", "arn:aws:s3:::legacy-trail-and-uploads/*"]
      },
      # VIOLATION: CloudTrail Requirements: "Logs delivered to dedicated S3 bucket with restricted access"
      # (the grant is scoped to another trail by aws:SourceArn: legacy-trail may not write, nothing is delivered)
      {
        Sid       = "CloudTrailWrite"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = ["s3:GetBucketAcl", "s3:PutObject"]
        Resource  = ["arn:aws:s3:::legacy-trail-and-uploads", "arn:aws:s3:::legacy-trail-and-uploads/*"]
        Condition = { StringEquals = { "aws:SourceArn" = "arn:aws:cloudtrail:us-east-1:111122223333:trail/retired-trail" } }
      },
    ]
  })
}

# VIOLATION: CloudTrail Requirements: "CloudTrail log files encrypted with KMS CMK" (SSE-S3 / AES256)
resource "aws_s3_bucket_server_side_encryption_configuration" "trail" {
  bucket = aws_s3_bucket.trail.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "trail" {
  bucket = aws_s3_bucket.trail.id

  rule {
    id     = "expire-fast"
    status = "Enabled"

    filter {}

    # VIOLATION: Log Sources: "AWS API activity | CloudTrail (multi-region) | 7 years"
    expiration {
      days = 90
    }

    # VIOLATION: Log Sources: "AWS API activity | CloudTrail (multi-region) | 7 years" (noncurrent versions deleted after 30 days)
    # VIOLATION: Log Integrity: "S3 bucket for logs: object lock or versioning prevents deletion"
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }
}

# VIOLATION: Alerting: "CloudTrail disabled | CloudWatch alarm → SNS" (no metric filter or alarm on the trail)
# VIOLATION: Alerting: "Root account login | CloudWatch alarm → SNS" (no metric filter or alarm)

# --- IAM: no DeleteTrail guard rail -----------------------------------------------

# VIOLATION: Log Integrity: "IAM policy denies DeleteTrail for all non-admin roles"
resource "aws_iam_role" "app" {
  name = "legacy-app"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "ec2.amazonaws.com" }
        Action    = "sts:AssumeRole"
      },
    ]
  })
}

resource "aws_iam_role_policy" "app" {
  name = "app-can-touch-trails"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["cloudtrail:*", "logs:*", "s3:*"]
        Resource = "*"
      },
    ]
  })
}
