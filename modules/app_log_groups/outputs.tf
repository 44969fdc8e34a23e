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
