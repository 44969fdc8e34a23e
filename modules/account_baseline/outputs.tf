output "kms_key_arn" {
  description = "ARN of the customer-managed key encrypting the account's logs."
  value       = module.kms.key_arn
}

output "cloudtrail_arn" {
  description = "ARN of the multi-region trail."
  value       = module.cloudtrail.trail_arn
}

output "log_bucket_names" {
  description = "Names of the log archive buckets by log source."
  value = {
    cloudtrail        = module.cloudtrail_bucket.bucket_name
    config            = module.config_bucket.bucket_name
    security_findings = module.findings_bucket.bucket_name
    ssm_sessions      = module.ssm_session_log_bucket.bucket_name
    s3_access_logs    = module.s3_access_log_bucket.bucket_name
  }
}

output "screenshot_bucket_name" {
  description = "Name of the screenshot bucket."
  value       = aws_s3_bucket.screenshots.bucket
}

output "flow_log_ids" {
  description = "Flow log IDs by VPC ID."
  value       = module.flow_logs.flow_log_ids
}

output "app_log_group_names" {
  description = "Names of the Django and Laravel log groups."
  value       = module.app_log_groups.log_group_names
}

output "security_alerts_topic_arn" {
  description = "ARN of the KMS-encrypted SNS topic receiving every security alert."
  value       = module.alarms.sns_topic_arn
}

output "devops_admin_role_arn" {
  description = "ARN of the break-glass DevOps admin role."
  value       = module.log_access.devops_admin_role_arn
}

output "security_investigation_role_arn" {
  description = "ARN of the read-only security investigation role."
  value       = module.log_access.security_investigation_role_arn
}

output "ssm_instance_policy_arn" {
  description = "ARN of the IAM policy to attach to EC2 instance roles for Session Manager logging."
  value       = module.ssm_session_logging.instance_policy_arn
}
