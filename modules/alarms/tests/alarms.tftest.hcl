# The alerting contract (policy: Alerting), checked by `terraform test` on a plan.
# Offline: python3 tools/tfoffline.py test modules/alarms

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

variables {
  name_prefix               = "acme"
  kms_key_arn               = "arn:aws:kms:us-east-1:111122223333:key/0b9c2a7e-5f0e-4a47-9b5e-3d8a3d2c1f00"
  alert_emails              = ["security@example.com"]
  cloudtrail_log_group_name = "/aws/cloudtrail/org-trail"
  screenshot_bucket_name    = "acme-screenshots-111122223333"
}

run "alerts_go_to_an_encrypted_topic_with_subscribers" {
  command = plan

  assert {
    condition     = aws_sns_topic.this.kms_master_key_id == var.kms_key_arn
    error_message = "The alert topic must be encrypted with the customer-managed key."
  }

  assert {
    condition     = toset(keys(aws_sns_topic_subscription.email)) == toset(var.alert_emails)
    error_message = "Every alert address must be subscribed."
  }
}

run "trail_changes_and_root_use_raise_alarms" {
  command = plan

  assert {
    condition = alltrue([
      for event in ["DeleteTrail", "StopLogging", "UpdateTrail"] :
      strcontains(aws_cloudwatch_log_metric_filter.cloudtrail_changes.pattern, event)
    ])
    error_message = "Stopping, deleting or changing the trail must be matched."
  }

  assert {
    condition     = strcontains(aws_cloudwatch_log_metric_filter.root_login.pattern, "Root")
    error_message = "Root account use must be matched."
  }

  assert {
    condition = alltrue([
      aws_cloudwatch_metric_alarm.cloudtrail_changes.metric_name == "CloudTrailChanges",
      aws_cloudwatch_metric_alarm.root_login.metric_name == "RootAccountUsage",
      aws_cloudwatch_metric_alarm.cloudtrail_changes.threshold == 1,
      aws_cloudwatch_metric_alarm.root_login.threshold == 1,
    ])
    error_message = "One matching event must raise the alarm."
  }
}

run "screenshot_access_anomalies_and_high_guardduty_findings_alert" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.screenshot_unusual_access.comparison_operator == "GreaterThanUpperThreshold"
    error_message = "Unusual access to the screenshot bucket must alarm above the anomaly band."
  }

  assert {
    condition = alltrue([
      contains(jsondecode(aws_cloudwatch_event_rule.guardduty_high.event_pattern).detail.findings.ProductName, "GuardDuty"),
      contains(jsondecode(aws_cloudwatch_event_rule.guardduty_high.event_pattern).detail.findings.Severity.Label, "HIGH"),
    ])
    error_message = "HIGH GuardDuty findings from Security Hub must be matched."
  }
}

run "no_alert_address_is_rejected" {
  command = plan

  variables {
    alert_emails = []
  }

  expect_failures = [var.alert_emails]
}
