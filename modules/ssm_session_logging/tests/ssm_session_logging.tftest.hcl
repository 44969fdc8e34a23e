# Session Manager logging (policy: Log Sources, SSM Session Manager logs 1 year), checked by
# `terraform test` on a plan. Offline: python3 tools/tfoffline.py test modules/ssm_session_logging

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

variables {
  name_prefix       = "acme"
  s3_bucket_name    = "acme-ssm-session-logs-111122223333"
  kms_key_arn       = "arn:aws:kms:us-east-1:111122223333:key/0b9c2a7e-5f0e-4a47-9b5e-3d8a3d2c1f00"
  kms_key_alias     = "alias/acme-audit-logs"
  kms_key_alias_arn = "arn:aws:kms:us-east-1:111122223333:alias/acme-audit-logs"
}

run "sessions_are_logged_encrypted_to_s3_and_cloudwatch" {
  command = plan

  assert {
    condition = alltrue([
      jsondecode(aws_ssm_document.session_manager_prefs.content).inputs.s3BucketName == var.s3_bucket_name,
      jsondecode(aws_ssm_document.session_manager_prefs.content).inputs.s3EncryptionEnabled,
      jsondecode(aws_ssm_document.session_manager_prefs.content).inputs.cloudWatchLogGroupName == "/aws/ssm/session-manager",
      jsondecode(aws_ssm_document.session_manager_prefs.content).inputs.cloudWatchEncryptionEnabled,
    ])
    error_message = "Sessions must be logged to S3 and CloudWatch Logs, encrypted."
  }

  assert {
    condition     = jsondecode(aws_ssm_document.session_manager_prefs.content).inputs.kmsKeyId == var.kms_key_alias_arn
    error_message = "Session data must be encrypted with the customer-managed key."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 365 && aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn
    error_message = "The session log group must keep logs 1 year, encrypted with the customer-managed key."
  }
}

run "retention_below_one_year_is_rejected" {
  command = plan

  variables {
    retention_in_days = 90
  }

  expect_failures = [var.retention_in_days]
}
