variable "name_prefix" {
  description = "Prefix for the instance IAM policy name (e.g. \"nvs\")."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,30}$", var.name_prefix))
    error_message = "name_prefix must be 1-31 lowercase letters, digits or hyphens."
  }
}

variable "s3_bucket_name" {
  description = "Name of the KMS-encrypted log archive bucket (kept at least 365 days) receiving session transcripts."
  type        = string
}

variable "s3_key_prefix" {
  description = "Key prefix of session transcripts in the bucket."
  type        = string
  default     = "session-manager/"
}

variable "log_group_name" {
  description = "Name of the CloudWatch log group receiving session transcripts."
  type        = string
  default     = "/aws/ssm/session-manager"
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting the session log group (the key that kms_key_alias names)."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN of a customer-managed key."
  }
}

variable "kms_key_alias" {
  description = "Alias (\"alias/...\") of the same key, used to scope the instance policy's KMS permissions at plan time."
  type        = string

  validation {
    condition     = startswith(var.kms_key_alias, "alias/") && !startswith(var.kms_key_alias, "alias/aws/")
    error_message = "kms_key_alias must be a customer-managed key alias \"alias/<name>\" (not alias/aws/...)."
  }
}

variable "kms_key_alias_arn" {
  description = "ARN of the alias kms_key_alias (arn:<partition>:kms:<region>:<account id>:alias/<name>), built from literals, used as the preferences document's kmsKeyId; null means kms_key_alias itself. Never the key ARN, which is known only after apply."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_alias_arn == null || can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:alias/", var.kms_key_alias_arn))
    error_message = "kms_key_alias_arn must be a KMS alias ARN \"arn:<partition>:kms:<region>:<account id>:alias/<name>\"."
  }
}

variable "retention_in_days" {
  description = "Retention of the session log group: 0 (never expire) or at least 365 days (1 year), and a value CloudWatch Logs accepts."
  type        = number
  default     = 365

  validation {
    condition     = contains([0, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.retention_in_days)
    error_message = "retention_in_days must be 0 or a CloudWatch Logs retention of at least 365 days: 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "idle_session_timeout_minutes" {
  description = "Minutes of inactivity after which a session ends (1-60)."
  type        = number
  default     = 20

  validation {
    condition     = var.idle_session_timeout_minutes >= 1 && var.idle_session_timeout_minutes <= 60
    error_message = "idle_session_timeout_minutes must be between 1 and 60."
  }
}

variable "max_session_duration_minutes" {
  description = "Maximum session length in minutes (1-1440)."
  type        = number
  default     = 480

  validation {
    condition     = var.max_session_duration_minutes >= 1 && var.max_session_duration_minutes <= 1440
    error_message = "max_session_duration_minutes must be between 1 and 1440."
  }
}

variable "create_instance_profile" {
  description = "Create an IAM role and instance profile for managed EC2 instances (ec2.amazonaws.com; AmazonSSMManagedInstanceCore and the session logging policy attached), named \"<name_prefix>-ssm-managed-instance\"."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
