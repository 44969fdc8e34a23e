variable "name" {
  description = "Name of the trail (also names its CloudWatch log group \"/aws/cloudtrail/<name>\" and IAM role)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9][a-zA-Z0-9._-]{2,127}$", var.name))
    error_message = "name must be 3-128 characters of letters, digits, periods, underscores and hyphens, starting with a letter or digit."
  }
}

variable "s3_bucket_name" {
  description = "Name of the dedicated log archive bucket the trail delivers to (e.g. module.cloudtrail_bucket.bucket_name); its policy must allow CloudTrail delivery."
  type        = string
}

variable "s3_key_prefix" {
  description = "Optional key prefix for log files in the bucket."
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting the trail's log files and its CloudWatch log group."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN of a customer-managed key."
  }
}

variable "s3_data_event_bucket_arns" {
  description = "Buckets whose S3 object-level (data) events are logged, as \"arn:aws:s3:::<bucket>/\". Empty (default) logs data events of every bucket in the account."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.s3_data_event_bucket_arns : can(regex("^arn:[a-z-]+:s3:::[a-z0-9.-]+/", arn))])
    error_message = "Each entry must look like \"arn:aws:s3:::<bucket>/\" (with the trailing slash)."
  }
}

variable "enable_lambda_data_events" {
  description = "Log Lambda function invocation (data) events for every function of the account (policy: \"Lambda if used\")."
  type        = bool
  default     = true
}

variable "cloudwatch_log_retention_days" {
  description = "Retention of the trail's CloudWatch log group: 0 (never expire) or at least 2557 days (7 years), and a value CloudWatch Logs accepts."
  type        = number
  default     = 2557

  validation {
    condition     = contains([0, 2557, 2922, 3288, 3653], var.cloudwatch_log_retention_days)
    error_message = "cloudwatch_log_retention_days must be 0 (never expire) or a CloudWatch Logs retention of at least 2557 days: 2557, 2922, 3288 or 3653."
  }
}

variable "tags" {
  description = "Tags added to the trail, its log group and IAM role."
  type        = map(string)
  default     = {}
}
