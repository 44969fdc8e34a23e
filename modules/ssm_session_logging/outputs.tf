output "document_name" {
  description = "Name of the Session Manager preferences document."
  value       = aws_ssm_document.session_manager_prefs.name
}

output "log_group_name" {
  description = "Name of the CloudWatch log group receiving session transcripts."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the CloudWatch log group receiving session transcripts."
  value       = aws_cloudwatch_log_group.this.arn
}

output "instance_policy_arn" {
  description = "ARN of the IAM policy to attach to the instance roles of managed EC2 instances."
  value       = aws_iam_policy.instance.arn
}

output "instance_profile_name" {
  description = "Name of the instance profile for managed EC2 instances (null when create_instance_profile is false)."
  value       = try(aws_iam_instance_profile.instance[0].name, null)
}

output "instance_role_arn" {
  description = "ARN of the managed instances' IAM role (null when create_instance_profile is false)."
  value       = try(aws_iam_role.instance[0].arn, null)
}

output "instance_role_name" {
  description = "Name of the managed instances' IAM role (null when create_instance_profile is false); a non-admin role that needs the DeleteTrail denial."
  value       = try(aws_iam_role.instance[0].name, null)
}
