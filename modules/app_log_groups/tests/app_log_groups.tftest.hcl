# Application log groups (policy: Log Sources, Django and Laravel application logs 1 year),
# checked by `terraform test` on a plan. Offline: python3 tools/tfoffline.py test modules/app_log_groups

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

variables {
  kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/0b9c2a7e-5f0e-4a47-9b5e-3d8a3d2c1f00"
}

run "django_and_laravel_groups_kept_a_year_encrypted" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_log_group.django) > 0 && length(aws_cloudwatch_log_group.laravel) > 0
    error_message = "Both applications must get log groups."
  }

  assert {
    condition = alltrue([
      for group in concat(values(aws_cloudwatch_log_group.django), values(aws_cloudwatch_log_group.laravel)) :
      group.retention_in_days >= 365 && group.kms_key_id == var.kms_key_arn
    ])
    error_message = "Every application log group must keep logs at least 1 year, encrypted with the customer-managed key."
  }
}

run "retention_below_one_year_is_rejected" {
  command = plan

  variables {
    retention_in_days = 30
  }

  expect_failures = [var.retention_in_days]
}
