# --- AWS Config -----------------------------------------------------------------------

resource "aws_iam_role" "config" {
  name = "legacy-config"
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
    all_supported = true
    # VIOLATION: Log Sources: "AWS resource configuration | AWS Config | 7 years" (global resources such as IAM not recorded)
    include_global_resource_types = false
  }
}

# VIOLATION: Log Sources: "AWS resource configuration | AWS Config | 7 years" (recorder stopped)
resource "aws_config_configuration_recorder_status" "main" {
  name       = aws_config_configuration_recorder.main.name
  is_enabled = false
}

resource "aws_config_delivery_channel" "main" {
  name           = "default"
  s3_bucket_name = aws_s3_bucket.config.id
  # VIOLATION: encryption with a KMS CMK (no s3_kms_key_arn)

  depends_on = [aws_config_configuration_recorder.main]
}

# VIOLATION: Log Sources: "AWS resource configuration | AWS Config | 7 years" (1 year)
resource "aws_config_retention_configuration" "main" {
  retention_period_in_days = 365
}

resource "aws_s3_bucket" "config" {
  bucket = "legacy-config-history"
}

# VIOLATION: encryption with a KMS CMK: the AWS-managed key alias/aws/s3 is not a customer-managed key
resource "aws_s3_bucket_server_side_encryption_configuration" "config" {
  bucket = aws_s3_bucket.config.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = "alias/aws/s3"
    }
  }
}

# --- GuardDuty / Security Hub -----------------------------------------------------------

# VIOLATION: Log Sources: "Security findings | Security Hub / GuardDuty | 1 year" (detector disabled, findings not exported)
# VIOLATION: Alerting: "GuardDuty High finding | Security Hub → SNS" (no EventBridge rule to SNS)
resource "aws_guardduty_detector" "main" {
  enable = false
}

# VIOLATION: Log Sources: "Security findings | Security Hub / GuardDuty | 1 year" (Security Hub without any standard subscription)
resource "aws_securityhub_account" "main" {
  enable_default_standards = false
}

# --- Screenshot bucket -----------------------------------------------------------------

# VIOLATION: Log Sources: "S3 access (screenshot bucket) | S3 Server Access Logging | 1 year" (no aws_s3_bucket_logging)
# VIOLATION: Alerting: "Unusual S3 access (screenshot bucket) | CloudWatch anomaly alarm → SNS" (no request metrics, no anomaly alarm)
resource "aws_s3_bucket" "screenshots" {
  bucket = "legacy-screenshots"
}

# --- Session Manager -----------------------------------------------------------------

# VIOLATION: Log Sources: "EC2 session activity | SSM Session Manager logs | 1 year" (kept 30 days, no KMS key)
resource "aws_cloudwatch_log_group" "sessions" {
  name              = "/aws/ssm/legacy-sessions"
  retention_in_days = 30
}

# VIOLATION: Log Sources: "EC2 session activity | SSM Session Manager logs | 1 year" (session logs unencrypted in S3 and CloudWatch Logs, no kmsKeyId)
# (every input is known before apply -- the bucket by its configured name, not its computed id -- so the
# linter can tell the logs are unencrypted rather than report the document as unknown)
resource "aws_ssm_document" "session_manager_prefs" {
  name            = "SSM-SessionManagerRunShell"
  document_type   = "Session"
  document_format = "JSON"

  content = jsonencode({
    schemaVersion = "1.0"
    description   = "Session Manager preferences without encryption"
    sessionType   = "Standard_Stream"
    inputs = {
      s3BucketName                = aws_s3_bucket.trail.bucket
      s3EncryptionEnabled         = false
      cloudWatchLogGroupName      = aws_cloudwatch_log_group.sessions.name
      cloudWatchEncryptionEnabled = false
      kmsKeyId                    = ""
      runAsEnabled                = false
    }
  })
}

# Instances that run Session Manager sessions but may not write their logs.
resource "aws_iam_role" "web" {
  name = "legacy-web"
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

resource "aws_iam_role_policy_attachment" "web_ssm" {
  role       = aws_iam_role.web.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

# VIOLATION: Log Sources: "EC2 session activity | SSM Session Manager logs | 1 year" (the instance role runs sessions but may not write to the session log group or bucket: transcripts are lost)
resource "aws_iam_instance_profile" "web" {
  name = "legacy-web"
  role = aws_iam_role.web.name
}

# --- Alerting ---------------------------------------------------------------------------

# VIOLATION: Alerting: "... → SNS": alert topic not encrypted with a KMS CMK (no kms_master_key_id)
resource "aws_sns_topic" "alerts" {
  name = "legacy-alerts"
}

# The alarm makes the unencrypted topic above an alert topic: its alarm notifications (which quote
# what went wrong) are stored under no customer-managed key.
resource "aws_cloudwatch_metric_alarm" "export_errors" {
  alarm_name          = "legacy-phi-export-errors"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  dimensions = {
    FunctionName = aws_lambda_function.phi_export.function_name
  }

  alarm_actions = [aws_sns_topic.alerts.arn]
}

# --- Lambda ----------------------------------------------------------------------------

resource "aws_iam_role" "phi_export" {
  name = "legacy-phi-export"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "lambda.amazonaws.com" }
        Action    = "sts:AssumeRole"
      },
    ]
  })
}

# VIOLATION: CloudTrail Requirements: "Data events: S3 (all buckets in scope), Lambda if used" (Lambda is used, but aws_cloudtrail.main records no AWS::Lambda::Function data events)
resource "aws_lambda_function" "phi_export" {
  function_name = "legacy-phi-export"
  role          = aws_iam_role.phi_export.arn
  runtime       = "python3.12"
  handler       = "export.handler"
  s3_bucket     = "legacy-artifacts"
  s3_key        = "phi-export.zip"
}
