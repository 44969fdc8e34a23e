variable "name" {
  description = "Name of the configuration recorder and delivery channel (one per region; \"default\" matches the console)."
  type        = string
  default     = "default"
}

variable "name_prefix" {
  description = "Prefix for the IAM role name (e.g. \"nvs\")."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,30}$", var.name_prefix))
    error_message = "name_prefix must be 1-31 lowercase letters, digits or hyphens."
  }
}

variable "s3_bucket_name" {
  description = "Name of the log archive bucket receiving configuration snapshots and history (its policy must allow Config delivery)."
  type        = string
}

variable "s3_key_prefix" {
  description = "Optional key prefix for Config objects in the bucket."
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting delivered objects (s3_kms_key_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN of a customer-managed key."
  }
}

variable "kms_key_alias" {
  description = "Alias (\"alias/...\") of the same key, used to scope the Config role's KMS permissions at plan time."
  type        = string

  validation {
    condition     = startswith(var.kms_key_alias, "alias/") && !startswith(var.kms_key_alias, "alias/aws/")
    error_message = "kms_key_alias must be a customer-managed key alias \"alias/<name>\" (not alias/aws/...)."
  }
}

variable "retention_period_in_days" {
  description = "Days AWS Config keeps configuration items: the policy requires 7 years (2557 days), which is also the AWS Config maximum."
  type        = number
  default     = 2557

  validation {
    condition     = var.retention_period_in_days == 2557
    error_message = "retention_period_in_days must be 2557: the policy minimum (7 years) and the AWS Config maximum."
  }
}

variable "snapshot_delivery_frequency" {
  description = "How often configuration snapshots are delivered."
  type        = string
  default     = "TwentyFour_Hours"

  validation {
    condition     = contains(["One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"], var.snapshot_delivery_frequency)
    error_message = "snapshot_delivery_frequency must be One_Hour, Three_Hours, Six_Hours, Twelve_Hours or TwentyFour_Hours."
  }
}

variable "sns_topic_arn" {
  description = "Optional SNS topic for Config notifications."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to the IAM role."
  type        = map(string)
  default     = {}
}
