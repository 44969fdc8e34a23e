# GuardDuty and Security Hub's contract (policy: Log Sources), checked by `terraform test` on a plan.
# Offline: python3 tools/tfoffline.py test modules/security_findings

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

variables {
  name_prefix         = "acme"
  findings_bucket_arn = "arn:aws:s3:::acme-findings-logs-111122223333"
  kms_key_arn         = "arn:aws:kms:us-east-1:111122223333:key/0b9c2a7e-5f0e-4a47-9b5e-3d8a3d2c1f00"
}

run "guardduty_on_and_findings_exported_encrypted" {
  command = plan

  assert {
    condition     = aws_guardduty_detector.this.enable
    error_message = "GuardDuty must be enabled."
  }

  assert {
    condition = alltrue([
      aws_guardduty_publishing_destination.this.destination_type == "S3",
      aws_guardduty_publishing_destination.this.destination_arn == var.findings_bucket_arn,
      aws_guardduty_publishing_destination.this.kms_key_arn == var.kms_key_arn,
    ])
    error_message = "GuardDuty findings must be exported to the findings bucket, encrypted with the customer-managed key."
  }
}

run "security_hub_subscribes_standards" {
  command = plan

  assert {
    condition     = endswith(aws_securityhub_standards_subscription.cis.standards_arn, "/v/3.0.0")
    error_message = "The CIS benchmark 3.0.0 must be subscribed by default."
  }

  assert {
    condition     = strcontains(aws_securityhub_standards_subscription.fsbp.standards_arn, "aws-foundational-security-best-practices")
    error_message = "AWS Foundational Security Best Practices must be subscribed."
  }
}

run "security_hub_findings_kept_a_year_in_logs" {
  command = plan

  assert {
    condition     = aws_cloudwatch_log_group.securityhub_findings.retention_in_days >= 365
    error_message = "Security Hub findings must be copied to a log group kept at least 365 days (Security Hub keeps them 90)."
  }

  assert {
    condition     = aws_cloudwatch_log_group.securityhub_findings.kms_key_id == var.kms_key_arn
    error_message = "The findings log group must be encrypted with the customer-managed key."
  }
}

run "a_findings_retention_below_a_year_is_rejected" {
  command = plan

  variables {
    findings_retention_days = 90
  }

  expect_failures = [var.findings_retention_days]
}

run "an_unknown_cis_version_is_rejected" {
  command = plan

  variables {
    cis_benchmark_version = "2.0.0"
  }

  expect_failures = [var.cis_benchmark_version]
}
