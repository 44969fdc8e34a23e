variable "name" {
  description = "Trail name"
  type        = string
}

variable "bucket_name" {
  description = "Dedicated log bucket"
  type        = string
}

variable "s3_key_prefix" {
  description = "Prefix of log files in the bucket"
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "Customer-managed key for log files"
  type        = string
}

variable "is_multi_region" {
  description = "Record every region"
  type        = bool
  default     = true
}

variable "enable_log_file_validation" {
  description = "Write SHA-256 digest files"
  type        = bool
  default     = true
}

variable "data_resources" {
  description = "Data event selectors: resource type and ARN prefixes"
  type = list(object({
    type   = string
    values = list(string)
  }))
  default = []
}

variable "log_group_retention_days" {
  description = "Retention of the trail's CloudWatch log group"
  type        = number
}

variable "log_group_kms_key_arn" {
  description = "Key of the trail's CloudWatch log group"
  type        = string
}

locals {
  selectors = [{
    read_write_type           = "All"
    include_management_events = true
    data_resources            = var.data_resources
  }]
}

resource "aws_cloudwatch_log_group" "trail" {
  name              = "/aws/cloudtrail/${var.name}"
  retention_in_days = var.log_group_retention_days
  kms_key_id        = var.log_group_kms_key_arn
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "to_cloudwatch" {
  name               = "${var.name}-to-cloudwatch"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "write_logs" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.trail.arn}:log-stream:*"]
  }
}

resource "aws_iam_role_policy" "to_cloudwatch" {
  name   = "write-trail-log-group"
  role   = aws_iam_role.to_cloudwatch.id
  policy = data.aws_iam_policy_document.write_logs.json
}

resource "aws_cloudtrail" "this" {
  name                          = var.name
  s3_bucket_name                = var.bucket_name
  s3_key_prefix                 = var.s3_key_prefix
  is_multi_region_trail         = var.is_multi_region
  include_global_service_events = true
  enable_log_file_validation    = var.enable_log_file_validation
  kms_key_id                    = var.kms_key_arn
  cloud_watch_logs_group_arn    = "${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn     = aws_iam_role.to_cloudwatch.arn

  dynamic "event_selector" {
    for_each = local.selectors
    content {
      read_write_type           = event_selector.value.read_write_type
      include_management_events = event_selector.value.include_management_events

      dynamic "data_resource" {
        for_each = event_selector.value.data_resources
        iterator = dr
        content {
          type   = dr.value.type
          values = dr.value.values
        }
      }
    }
  }
}

output "arn" {
  description = "Trail ARN"
  value       = aws_cloudtrail.this.arn
}

output "log_group_name" {
  description = "CloudWatch log group receiving the trail"
  value       = aws_cloudwatch_log_group.trail.name
}
