output "policy_arn" {
  description = "ARN of the IAM policy denying CloudTrail tampering."
  value       = aws_iam_policy.deny_trail_tampering.arn
}

output "attached_role_names" {
  description = "Names of the roles the denial is attached to."
  value       = [for name, attachment in aws_iam_role_policy_attachment.deny_trail_tampering : attachment.role]
}

output "scp_id" {
  description = "ID of the organization SCP (null when manage_organization_scp is false)."
  value       = var.manage_organization_scp ? aws_organizations_policy.deny_trail_tampering[0].id : null
}
