output "devops_admin_role_name" {
  description = "Name of the break-glass DevOps admin role."
  value       = aws_iam_role.devops_admin.name
}

output "devops_admin_role_arn" {
  description = "ARN of the break-glass DevOps admin role, known at plan time (for bucket and key policies)."
  value       = "arn:${local.partition}:iam::${local.account_id}:role/${aws_iam_role.devops_admin.name}"
}

output "security_investigation_role_name" {
  description = "Name of the read-only security investigation role."
  value       = aws_iam_role.security_investigation.name
}

output "security_investigation_role_arn" {
  description = "ARN of the read-only security investigation role, known at plan time (for bucket and key policies)."
  value       = "arn:${local.partition}:iam::${local.account_id}:role/${aws_iam_role.security_investigation.name}"
}

output "log_reader_role_arns" {
  description = "ARNs of every role allowed to read logs (break-glass admin and security investigation)."
  value = [
    "arn:${local.partition}:iam::${local.account_id}:role/${aws_iam_role.devops_admin.name}",
    "arn:${local.partition}:iam::${local.account_id}:role/${aws_iam_role.security_investigation.name}",
  ]
}
