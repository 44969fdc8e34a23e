output "kms_key_arn" {
  description = "ARN of the customer-managed key encrypting the account's logs."
  value       = module.baseline.kms_key_arn
}

output "cloudtrail_arn" {
  description = "ARN of the multi-region trail."
  value       = module.baseline.cloudtrail_arn
}

output "log_bucket_names" {
  description = "Names of the log archive buckets by log source."
  value       = module.baseline.log_bucket_names
}

output "screenshot_bucket_name" {
  description = "Name of the screenshot bucket."
  value       = module.baseline.screenshot_bucket_name
}

output "flow_log_ids" {
  description = "Flow log IDs by VPC ID."
  value       = module.baseline.flow_log_ids
}

output "app_log_group_names" {
  description = "Names of the Django and Laravel log groups."
  value       = module.baseline.app_log_group_names
}

output "security_alerts_topic_arn" {
  description = "ARN of the KMS-encrypted SNS topic receiving every security alert."
  value       = module.baseline.security_alerts_topic_arn
}

output "devops_admin_role_arn" {
  description = "ARN of the break-glass DevOps admin role."
  value       = module.baseline.devops_admin_role_arn
}

output "security_investigation_role_arn" {
  description = "ARN of the read-only security investigation role."
  value       = module.baseline.security_investigation_role_arn
}

output "ssm_instance_policy_arn" {
  description = "ARN of the IAM policy to attach to EC2 instance roles for Session Manager logging."
  value       = module.baseline.ssm_instance_policy_arn
}
