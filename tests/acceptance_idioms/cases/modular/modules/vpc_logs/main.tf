variable "name_prefix" {
  description = "Name prefix"
  type        = string
}

variable "vpcs" {
  description = "VPCs keyed by name"
  type = map(object({
    cidr_block = string
  }))
}

variable "traffic_type" {
  description = "ACCEPT, REJECT or ALL"
  type        = string
  default     = "ALL"
}

variable "retention_days" {
  description = "Flow log retention"
  type        = number
}

variable "kms_key_arn" {
  description = "Key of the flow log group"
  type        = string
}

resource "aws_vpc" "this" {
  for_each = var.vpcs

  cidr_block           = each.value.cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "${var.name_prefix}-${each.key}" }
}

resource "aws_cloudwatch_log_group" "flow_logs" {
  name              = "/aws/vpc-flow-logs/${var.name_prefix}"
  retention_in_days = var.retention_days
  kms_key_id        = var.kms_key_arn
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "flow_logs" {
  name               = "${var.name_prefix}-flow-logs"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "write" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.flow_logs.arn}:*"]
  }
}

resource "aws_iam_role_policy" "flow_logs" {
  name   = "write-flow-logs"
  role   = aws_iam_role.flow_logs.id
  policy = data.aws_iam_policy_document.write.json
}

resource "aws_flow_log" "this" {
  for_each = aws_vpc.this

  vpc_id               = each.value.id
  traffic_type         = var.traffic_type
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_logs.arn
  iam_role_arn         = aws_iam_role.flow_logs.arn
  tags                 = { Name = "${var.name_prefix}-${each.key}" }
}

output "vpc_ids" {
  description = "VPC ids by name"
  value       = { for k, v in aws_vpc.this : k => v.id }
}
