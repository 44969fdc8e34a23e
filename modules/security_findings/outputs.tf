output "guardduty_detector_id" {
  description = "ID of the GuardDuty detector."
  value       = aws_guardduty_detector.this.id
}

output "guardduty_publishing_destination_id" {
  description = "ID of the GuardDuty findings publishing destination."
  value       = aws_guardduty_publishing_destination.this.id
}

output "securityhub_account_id" {
  description = "ID of the Security Hub account resource."
  value       = aws_securityhub_account.this.id
}

output "securityhub_standards_arns" {
  description = "ARNs of the Security Hub standards subscribed to."
  value       = [aws_securityhub_standards_subscription.fsbp.standards_arn, aws_securityhub_standards_subscription.cis.standards_arn]
}

output "securityhub_findings_log_group_name" {
  description = "Name of the log group keeping a copy of every Security Hub finding."
  value       = aws_cloudwatch_log_group.securityhub_findings.name
}
