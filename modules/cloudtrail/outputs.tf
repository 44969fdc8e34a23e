output "trail_arn" {
  description = "ARN of the trail."
  value       = aws_cloudtrail.this.arn
}

output "trail_name" {
  description = "Name of the trail."
  value       = aws_cloudtrail.this.name
}

output "cloudwatch_log_group_name" {
  description = "Name of the CloudWatch log group receiving the trail's events (for metric filters)."
  value       = aws_cloudwatch_log_group.this.name
}

output "cloudwatch_log_group_arn" {
  description = "ARN of the CloudWatch log group receiving the trail's events."
  value       = aws_cloudwatch_log_group.this.arn
}

output "cloudwatch_role_arn" {
  description = "ARN of the IAM role CloudTrail assumes to write to CloudWatch Logs."
  value       = aws_iam_role.cloudwatch.arn
}

output "cloudwatch_role_name" {
  description = "Name of the IAM role CloudTrail assumes to write to CloudWatch Logs."
  value       = aws_iam_role.cloudwatch.name
}
