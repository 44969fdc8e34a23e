variable "apps" {
  description = "Applications keyed by name, with their framework"
  type = map(object({
    framework = string
  }))
}

variable "retention_days" {
  description = "Access log retention"
  type        = number
}

variable "kms_key_arn" {
  description = "Key of the log groups"
  type        = string
}

resource "aws_cloudwatch_log_group" "app" {
  for_each = var.apps

  name              = "/app/${each.value.framework}/${each.key}"
  retention_in_days = var.retention_days
  kms_key_id        = var.kms_key_arn
  tags              = { app = each.key, framework = each.value.framework }
}

output "log_group_names" {
  description = "Log group per application"
  value       = { for k, g in aws_cloudwatch_log_group.app : k => g.name }
}
