# AWS Config's contract (policy: Log Sources, AWS Config history 7 years), checked by `terraform test`.
# Offline: python3 tools/tfoffline.py test modules/config

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

variables {
  name_prefix    = "acme"
  s3_bucket_name = "acme-config-logs-111122223333"
  kms_key_arn    = "arn:aws:kms:us-east-1:111122223333:key/0b9c2a7e-5f0e-4a47-9b5e-3d8a3d2c1f00"
  kms_key_alias  = "alias/acme-audit-logs"
}

run "records_everything_and_delivers_encrypted_history" {
  command = plan

  assert {
    condition = alltrue([
      aws_config_configuration_recorder.this.recording_group[0].all_supported,
      aws_config_configuration_recorder.this.recording_group[0].include_global_resource_types,
    ])
    error_message = "The recorder must record all resource types, including global ones."
  }

  assert {
    condition     = aws_config_configuration_recorder_status.this.is_enabled
    error_message = "The recorder must be switched on."
  }

  assert {
    condition     = aws_config_delivery_channel.this.s3_bucket_name == var.s3_bucket_name && aws_config_delivery_channel.this.s3_kms_key_arn == var.kms_key_arn
    error_message = "History must be delivered to the log bucket, encrypted with the customer-managed key."
  }

  assert {
    condition     = aws_config_retention_configuration.this.retention_period_in_days == 2557
    error_message = "Configuration history must be kept for 7 years."
  }
}

run "a_shorter_history_is_rejected" {
  command = plan

  variables {
    retention_period_in_days = 365
  }

  expect_failures = [var.retention_period_in_days]
}

run "an_aws_managed_alias_is_rejected" {
  command = plan

  variables {
    kms_key_alias = "alias/aws/s3"
  }

  expect_failures = [var.kms_key_alias]
}
