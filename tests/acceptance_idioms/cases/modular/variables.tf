variable "region" {
  description = "Home region of the baseline"
  type        = string
  default     = "us-east-1"
}

variable "org" {
  description = "Short organization name, first part of every name"
  type        = string
}

variable "environment" {
  description = "Account label (nvs or nhc)"
  type        = string
  default     = "nvs"
}

variable "default_tags" {
  description = "Tags on every resource"
  type        = map(string)
  default     = {}
}

variable "log_buckets" {
  description = "Audit log buckets, keyed by purpose"
  type = map(object({
    retention_days = number
    versioning     = optional(bool, true)
    object_lock    = optional(bool, false)
    sse_algorithm  = optional(string, "aws:kms")
  }))
}

variable "trail_is_multi_region" {
  description = "Record every region"
  type        = bool
  default     = true
}

variable "trail_data_events" {
  description = "Data event resource type => ARN prefixes"
  type        = map(list(string))
  default = {
    "AWS::S3::Object"       = ["arn:aws:s3"]
    "AWS::Lambda::Function" = ["arn:aws:lambda"]
  }
}

variable "trail_log_group_retention_days" {
  description = "Retention of the CloudTrail log group"
  type        = number
  default     = 2557
}

variable "config_retention_days" {
  description = "AWS Config history retention"
  type        = number
  default     = 2557
}

variable "log_retention_days" {
  description = "Retention of the one-year log groups"
  type        = number
  default     = 365
}

variable "flow_log_retention_days" {
  description = "Retention of the VPC flow log group"
  type        = number
  default     = 365
}

variable "vpcs" {
  description = "VPCs of the account, keyed by name"
  type = map(object({
    cidr_block = string
  }))
}

variable "flow_log_traffic_type" {
  description = "Which traffic flow logs capture"
  type        = string
  default     = "ALL"
}

variable "apps" {
  description = "Web applications, keyed by name, with their framework"
  type = map(object({
    framework = string
  }))
}

variable "alert_emails" {
  description = "Who receives security alerts"
  type        = list(string)
}

variable "alarms_enabled" {
  description = "Which CloudWatch alarms exist"
  type        = map(bool)
  default = {
    cloudtrail_disabled = true
    root_login          = true
  }
}

variable "securityhub_default_standards" {
  description = "Let Security Hub subscribe its default standards"
  type        = bool
  default     = true
}

variable "scp_target_ids" {
  description = "Organization roots, OUs or accounts the trail-protection SCP is attached to"
  type        = set(string)
}
