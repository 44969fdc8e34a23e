output "django_log_group_arns" {
  description = "ARNs of the Django log groups, by name."
  value       = { for name, group in aws_cloudwatch_log_group.django : name => group.arn }
}

output "laravel_log_group_arns" {
  description = "ARNs of the Laravel log groups, by name."
  value       = { for name, group in aws_cloudwatch_log_group.laravel : name => group.arn }
}

output "log_group_names" {
  description = "Names of every application log group."
  value       = concat(var.django_log_group_names, var.laravel_log_group_names)
}

output "data_protection_findings_log_group_name" {
  description = "Log group receiving the data protection audit findings (null when data protection is off)."
  value       = one(aws_cloudwatch_log_group.data_protection_findings[*].name)
}

output "audit_metric_filter_names" {
  description = "Names of the metric filters counting audit events, by \"<log group>|<event>\"."
  value       = { for key, filter in aws_cloudwatch_log_metric_filter.audit_events : key => filter.name }
}

output "metric_namespace" {
  description = "CloudWatch namespace of the audit-event metrics (for alarms)."
  value       = var.metric_namespace
}
