output "recorder_name" {
  description = "Name of the configuration recorder."
  value       = aws_config_configuration_recorder.this.name
}

output "delivery_channel_name" {
  description = "Name of the delivery channel."
  value       = aws_config_delivery_channel.this.name
}

output "iam_role_arn" {
  description = "ARN of the IAM role AWS Config uses."
  value       = aws_iam_role.this.arn
}

output "retention_period_in_days" {
  description = "Days AWS Config keeps configuration items."
  value       = aws_config_retention_configuration.this.retention_period_in_days
}

output "iam_role_name" {
  description = "Name of the IAM role AWS Config uses."
  value       = aws_iam_role.this.name
}
