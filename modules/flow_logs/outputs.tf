output "flow_log_ids" {
  description = "Flow log IDs by VPC ID."
  value       = { for vpc_id, flow_log in aws_flow_log.this : vpc_id => flow_log.id }
}

output "log_group_name" {
  description = "Name of the CloudWatch log group receiving the flow logs."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the CloudWatch log group receiving the flow logs."
  value       = aws_cloudwatch_log_group.this.arn
}

output "iam_role_arn" {
  description = "ARN of the IAM role VPC Flow Logs assumes."
  value       = aws_iam_role.this.arn
}

output "iam_role_name" {
  description = "Name of the IAM role VPC Flow Logs assumes."
  value       = aws_iam_role.this.name
}
