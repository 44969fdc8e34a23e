variable "name_prefix" {
  description = "Prefix for the IAM role and flow log names (e.g. \"nvs\")."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,30}$", var.name_prefix))
    error_message = "name_prefix must be 1-31 lowercase letters, digits or hyphens."
  }
}

variable "vpc_ids" {
  description = "IDs of every VPC of the account; each gets a flow log (policy: enabled on all VPCs)."
  type        = list(string)

  validation {
    condition     = length(var.vpc_ids) > 0 && alltrue([for id in var.vpc_ids : can(regex("^vpc-[0-9a-f]{8,17}$", id))])
    error_message = "vpc_ids must list at least one VPC id of the form vpc-0123456789abcdef0."
  }
}

variable "log_group_name" {
  description = "Name of the CloudWatch log group receiving the flow logs."
  type        = string
  default     = "/aws/vpc/flow-logs"
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting the log group."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN of a customer-managed key."
  }
}

variable "retention_in_days" {
  description = "Retention of the flow log group: 0 (never expire) or at least 365 days (1 year), and a value CloudWatch Logs accepts."
  type        = number
  default     = 365

  validation {
    condition     = contains([0, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.retention_in_days)
    error_message = "retention_in_days must be 0 or a CloudWatch Logs retention of at least 365 days: 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "max_aggregation_interval" {
  description = "Maximum interval in seconds over which a flow record is captured: 60 or 600."
  type        = number
  default     = 60

  validation {
    condition     = contains([60, 600], var.max_aggregation_interval)
    error_message = "max_aggregation_interval must be 60 or 600."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
