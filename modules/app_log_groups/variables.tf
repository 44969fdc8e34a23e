variable "django_log_group_names" {
  description = "CloudWatch log groups of the Django application; each name starts with \"/app/django\"."
  type        = list(string)
  default     = ["/app/django/access", "/app/django/audit"]

  validation {
    condition     = length(var.django_log_group_names) > 0 && alltrue([for name in var.django_log_group_names : startswith(name, "/app/django")])
    error_message = "django_log_group_names must list at least one log group, each starting with \"/app/django\"."
  }
}

variable "laravel_log_group_names" {
  description = "CloudWatch log groups of the Laravel application; each name starts with \"/app/laravel\"."
  type        = list(string)
  default     = ["/app/laravel/access", "/app/laravel/audit"]

  validation {
    condition     = length(var.laravel_log_group_names) > 0 && alltrue([for name in var.laravel_log_group_names : startswith(name, "/app/laravel")])
    error_message = "laravel_log_group_names must list at least one log group, each starting with \"/app/laravel\"."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting the log groups."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN of a customer-managed key."
  }
}

variable "retention_in_days" {
  description = "Retention of the application log groups: 0 (never expire) or at least 365 days (1 year), and a value CloudWatch Logs accepts."
  type        = number
  default     = 365

  validation {
    condition     = contains([0, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.retention_in_days)
    error_message = "retention_in_days must be 0 or a CloudWatch Logs retention of at least 365 days: 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "tags" {
  description = "Tags added to every log group."
  type        = map(string)
  default     = {}
}
