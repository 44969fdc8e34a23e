variable "bucket_name" {
  description = "Name of the log bucket. Use a literal-derived name (e.g. \"nvs-cloudtrail-logs-<account id>\") so policies are known at plan time."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name: 3-63 characters of lowercase letters, digits, dots and hyphens."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key for SSE-KMS default encryption. Required unless server_access_log_destination is true (that bucket uses SSE-S3, the only encryption AWS delivers server access logs to)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:[a-z-]+:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (aliases such as alias/aws/s3 are not customer-managed keys)."
  }
}

variable "retention_days" {
  description = "Days every object (current and noncurrent versions) is kept before lifecycle expiry. Policy minimum 365 (1 year); use 2557 (7 years) for CloudTrail and Config."
  type        = number
  default     = 365

  validation {
    condition     = var.retention_days >= 365 && floor(var.retention_days) == var.retention_days
    error_message = "retention_days must be a whole number of at least 365 (audit-logging policy: logs are kept at least 1 year)."
  }
}

variable "glacier_transition_days" {
  description = "Days after which objects (and noncurrent versions) move to the GLACIER storage class. Must be smaller than retention_days."
  type        = number
  default     = 90

  validation {
    condition     = var.glacier_transition_days >= 1 && floor(var.glacier_transition_days) == var.glacier_transition_days
    error_message = "glacier_transition_days must be a whole number of at least 1."
  }
}

variable "object_lock_enabled" {
  description = "Enable S3 Object Lock (only possible when the bucket is created) with a default retention rule."
  type        = bool
  default     = false
}

variable "object_lock_mode" {
  description = "Default Object Lock retention mode: GOVERNANCE (break-glass admin may bypass) or COMPLIANCE (nobody may delete before expiry)."
  type        = string
  default     = "GOVERNANCE"

  validation {
    condition     = contains(["GOVERNANCE", "COMPLIANCE"], var.object_lock_mode)
    error_message = "object_lock_mode must be GOVERNANCE or COMPLIANCE."
  }
}

variable "object_lock_days" {
  description = "Default Object Lock retention in days; null means retention_days."
  type        = number
  default     = null

  validation {
    condition     = var.object_lock_days == null || try(var.object_lock_days >= 1, false)
    error_message = "object_lock_days must be at least 1."
  }
}

variable "access_log_bucket_name" {
  description = "Name of the separate bucket receiving this bucket's S3 server access logs. Required unless server_access_log_destination is true."
  type        = string
  default     = null
}

variable "server_access_log_destination" {
  description = "This bucket is the S3 server access log destination: it needs no access logging of its own, lets logging.s3.amazonaws.com write, and uses SSE-S3 (AWS does not deliver server access logs to SSE-KMS buckets)."
  type        = bool
  default     = false
}

variable "break_glass_role_arns" {
  description = "IAM role ARNs (the break-glass DevOps admin) exempt from the bucket policy's deny of s3:DeleteObject, s3:DeleteObjectVersion and s3:DeleteBucket."
  type        = list(string)

  validation {
    condition     = length(var.break_glass_role_arns) > 0
    error_message = "break_glass_role_arns must name at least one role (the break-glass DevOps admin role)."
  }
}

variable "log_reader_role_arns" {
  description = "IAM role ARNs (e.g. the security investigation role) allowed to read log objects besides the break-glass roles; every other principal is denied s3:GetObject."
  type        = list(string)
  default     = []
}

variable "allow_cloudtrail_delivery" {
  description = "Add the bucket policy statements letting cloudtrail.amazonaws.com (this account) check the ACL and write AWSLogs/<account>/ with bucket-owner-full-control."
  type        = bool
  default     = false
}

variable "allow_config_delivery" {
  description = "Add the bucket policy statements letting config.amazonaws.com (this account) check the bucket and write AWSLogs/<account>/Config/."
  type        = bool
  default     = false
}

variable "allow_guardduty_delivery" {
  description = "Add the bucket policy statements letting guardduty.amazonaws.com (this account's detectors) export findings."
  type        = bool
  default     = false
}

variable "allow_log_delivery" {
  description = "Add the bucket policy statements letting delivery.logs.amazonaws.com (this account) write vended logs under AWSLogs/<account>/."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to the bucket."
  type        = map(string)
  default     = {}
}
