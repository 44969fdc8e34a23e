# The trail's contract (policy: CloudTrail Requirements), checked by `terraform test` on a plan.
# Offline: python3 tools/tfoffline.py test modules/cloudtrail

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

variables {
  name           = "org-trail"
  s3_bucket_name = "acme-cloudtrail-logs"
  kms_key_arn    = "arn:aws:kms:us-east-1:111122223333:key/0b9c2a7e-5f0e-4a47-9b5e-3d8a3d2c1f00"
}

run "trail_is_multi_region_logging_and_validated" {
  command = plan

  assert {
    condition     = aws_cloudtrail.this.is_multi_region_trail && aws_cloudtrail.this.include_global_service_events
    error_message = "The trail must be multi-region and include global service events."
  }

  assert {
    condition     = aws_cloudtrail.this.enable_logging
    error_message = "The trail must be logging."
  }

  assert {
    condition     = aws_cloudtrail.this.enable_log_file_validation
    error_message = "Log file validation must be enabled."
  }

  assert {
    condition     = aws_cloudtrail.this.kms_key_id == var.kms_key_arn
    error_message = "Log files must be encrypted with the customer-managed key passed in."
  }

  assert {
    condition     = aws_cloudtrail.this.s3_bucket_name == var.s3_bucket_name
    error_message = "The trail must deliver to the dedicated bucket passed in."
  }
}

run "management_and_data_events_are_recorded" {
  command = plan

  assert {
    condition = alltrue([
      aws_cloudtrail.this.event_selector[0].read_write_type == "All",
      aws_cloudtrail.this.event_selector[0].include_management_events,
    ])
    error_message = "All management events (reads and writes) must be recorded."
  }

  assert {
    condition = anytrue([
      for d in aws_cloudtrail.this.event_selector[0].data_resource :
      d.type == "AWS::S3::Object" && contains(d.values, "arn:aws:s3")
    ])
    error_message = "S3 object-level events of every bucket must be recorded by default."
  }

  assert {
    condition = contains([
      for d in aws_cloudtrail.this.event_selector[0].data_resource : d.type
    ], "AWS::Lambda::Function")
    error_message = "Lambda invocation events must be recorded by default."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 2557
    error_message = "The trail's log group must keep events for 7 years by default."
  }
}

run "lambda_data_events_can_be_switched_off" {
  command = plan

  variables {
    enable_lambda_data_events = false
  }

  assert {
    condition = !contains([
      for d in aws_cloudtrail.this.event_selector[0].data_resource : d.type
    ], "AWS::Lambda::Function")
    error_message = "enable_lambda_data_events = false must drop the Lambda data events."
  }
}

run "log_group_retention_below_seven_years_is_rejected" {
  command = plan

  variables {
    cloudwatch_log_retention_days = 365
  }

  expect_failures = [var.cloudwatch_log_retention_days]
}

run "an_aws_managed_key_is_rejected" {
  command = plan

  variables {
    kms_key_arn = "alias/aws/cloudtrail"
  }

  expect_failures = [var.kms_key_arn]
}
