variable "name_prefix" {
  description = "Prefix for topic, metric filter, alarm and rule names (e.g. \"nvs\")."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,30}$", var.name_prefix))
    error_message = "name_prefix must be 1-31 lowercase letters, digits or hyphens."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting the SNS topic; its policy must let cloudwatch.amazonaws.com and events.amazonaws.com use it."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN of a customer-managed key."
  }
}

variable "alert_emails" {
  description = "Email addresses subscribed to the security alert topic."
  type        = list(string)

  validation {
    condition     = length(var.alert_emails) > 0 && alltrue([for email in var.alert_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", email))])
    error_message = "alert_emails must list at least one valid email address."
  }
}

variable "cloudtrail_log_group_name" {
  description = "Name of the CloudWatch log group receiving the multi-region trail (module cloudtrail output cloudwatch_log_group_name)."
  type        = string
}

variable "screenshot_bucket_name" {
  description = "Name of the screenshot bucket whose request metrics are watched for anomalies."
  type        = string
}

variable "metric_namespace" {
  description = "CloudWatch namespace of the metrics produced by the metric filters."
  type        = string
  default     = "AuditLogging"
}

variable "anomaly_band_width" {
  description = "Width of the anomaly detection band in standard deviations."
  type        = number
  default     = 2

  validation {
    condition     = var.anomaly_band_width > 0
    error_message = "anomaly_band_width must be positive."
  }
}

variable "anomaly_evaluation_periods" {
  description = "Number of 5-minute periods above the band before the unusual-access alarm fires."
  type        = number
  default     = 2

  validation {
    condition     = var.anomaly_evaluation_periods >= 1
    error_message = "anomaly_evaluation_periods must be at least 1."
  }
}

variable "tags" {
  description = "Tags added to every taggable resource."
  type        = map(string)
  default     = {}
}
