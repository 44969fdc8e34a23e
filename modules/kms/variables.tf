variable "alias_name" {
  description = "Name of the key alias, without the \"alias/\" prefix (e.g. \"nvs-audit-logs\")."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9/_-]{1,250}$", var.alias_name)) && !startswith(var.alias_name, "aws/")
    error_message = "alias_name must be 1-250 characters of [a-zA-Z0-9/_-], without the \"alias/\" prefix, and must not start with \"aws/\" (reserved for AWS-managed keys)."
  }
}

variable "description" {
  description = "Description of the customer-managed key."
  type        = string
  default     = "Customer-managed key for audit logs (HIPAA 164.312(b))"
}

variable "deletion_window_in_days" {
  description = "Waiting period before the key is deleted once scheduled for deletion (7-30 days)."
  type        = number
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}

variable "allow_cloudtrail" {
  description = "Let cloudtrail.amazonaws.com encrypt trail log files with the key (this account's trails only)."
  type        = bool
  default     = false
}

variable "allow_cloudwatch_logs" {
  description = "Let logs.<region>.amazonaws.com encrypt this account's CloudWatch log groups with the key."
  type        = bool
  default     = false
}

variable "allow_sns" {
  description = "Let SNS and its publishers (cloudwatch.amazonaws.com alarms, events.amazonaws.com rules) use the key for SSE-KMS topics."
  type        = bool
  default     = false
}

variable "allow_config" {
  description = "Let config.amazonaws.com encrypt configuration snapshots and history delivered to S3."
  type        = bool
  default     = false
}

variable "allow_guardduty" {
  description = "Let guardduty.amazonaws.com encrypt exported findings (publishing destination)."
  type        = bool
  default     = false
}

variable "allow_log_delivery" {
  description = "Let delivery.logs.amazonaws.com encrypt vended logs it writes to SSE-KMS buckets."
  type        = bool
  default     = false
}

variable "allow_s3_server_access_logging" {
  description = "Let logging.s3.amazonaws.com encrypt S3 server access logs it writes to SSE-KMS target buckets (this account only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to the key."
  type        = map(string)
  default     = {}
}
