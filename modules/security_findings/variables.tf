variable "name_prefix" {
  description = "Prefix of the names of the findings log group, EventBridge rule and log resource policy."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,30}$", var.name_prefix))
    error_message = "name_prefix must be 1-31 lowercase letters, digits or hyphens, starting with a letter or digit."
  }
}

variable "findings_bucket_arn" {
  description = "ARN of the KMS-encrypted log archive bucket (kept at least 365 days) receiving exported GuardDuty findings; its policy must allow GuardDuty delivery."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:s3:::[a-z0-9.-]+$", var.findings_bucket_arn))
    error_message = "findings_bucket_arn must be an S3 bucket ARN (arn:aws:s3:::<bucket>)."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting exported findings; its policy must allow guardduty.amazonaws.com."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN of a customer-managed key."
  }
}

variable "finding_publishing_frequency" {
  description = "How often GuardDuty publishes updates of existing findings."
  type        = string
  default     = "FIFTEEN_MINUTES"

  validation {
    condition     = contains(["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"], var.finding_publishing_frequency)
    error_message = "finding_publishing_frequency must be FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS."
  }
}

variable "cis_benchmark_version" {
  description = "Version of the CIS AWS Foundations Benchmark standard to subscribe to."
  type        = string
  default     = "3.0.0"

  validation {
    condition     = contains(["1.4.0", "3.0.0"], var.cis_benchmark_version)
    error_message = "cis_benchmark_version must be 1.4.0 or 3.0.0."
  }
}

variable "findings_retention_days" {
  description = "Days the log group keeps the Security Hub findings EventBridge copies into it (the policy keeps security findings 1 year)."
  type        = number
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.findings_retention_days)
    error_message = "findings_retention_days must be a CloudWatch Logs retention of at least 365 days."
  }
}

variable "tags" {
  description = "Tags added to the GuardDuty detector, the findings log group and the EventBridge rule."
  type        = map(string)
  default     = {}
}
