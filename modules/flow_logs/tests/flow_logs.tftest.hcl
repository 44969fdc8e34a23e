# The flow logs' contract (policy: VPC Flow Logs), checked by `terraform test` on a plan.
# Offline: python3 tools/tfoffline.py test modules/flow_logs

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

variables {
  name_prefix = "acme"
  vpc_ids     = ["vpc-0a1b2c3d4e5f60001", "vpc-0a1b2c3d4e5f60002"]
  kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/0b9c2a7e-5f0e-4a47-9b5e-3d8a3d2c1f00"
}

run "every_vpc_logs_all_traffic_to_cloudwatch" {
  command = plan

  assert {
    condition     = toset(keys(aws_flow_log.this)) == toset(var.vpc_ids)
    error_message = "Every VPC passed in must get a flow log."
  }

  assert {
    condition = alltrue([
      for f in aws_flow_log.this : f.traffic_type == "ALL" && f.log_destination_type == "cloud-watch-logs"
    ])
    error_message = "Flow logs must capture ALL traffic and publish to CloudWatch Logs."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 365 && aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn
    error_message = "The flow log group must keep logs 1 year, encrypted with the customer-managed key."
  }
}

run "retention_below_one_year_is_rejected" {
  command = plan

  variables {
    retention_in_days = 180
  }

  expect_failures = [var.retention_in_days]
}
