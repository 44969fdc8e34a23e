output "sns_topic_arn" {
  description = "ARN of the KMS-encrypted security alert topic."
  value       = aws_sns_topic.this.arn
}

output "cloudtrail_changes_alarm_arn" {
  description = "ARN of the alarm on CloudTrail changes (trail stopped, deleted or updated)."
  value       = aws_cloudwatch_metric_alarm.cloudtrail_changes.arn
}

output "root_login_alarm_arn" {
  description = "ARN of the alarm on root account usage."
  value       = aws_cloudwatch_metric_alarm.root_login.arn
}

output "screenshot_unusual_access_alarm_arn" {
  description = "ARN of the anomaly detection alarm on screenshot bucket requests."
  value       = aws_cloudwatch_metric_alarm.screenshot_unusual_access.arn
}

output "guardduty_high_rule_arn" {
  description = "ARN of the EventBridge rule forwarding High/Critical GuardDuty findings from Security Hub to SNS."
  value       = aws_cloudwatch_event_rule.guardduty_high.arn
}
