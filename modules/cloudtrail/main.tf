data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  log_group_name = "/aws/cloudtrail/${var.name}"

  # CloudTrail data-event selector values: "arn:aws:s3" selects the objects of
  # every bucket (current and future); otherwise the listed "arn:aws:s3:::name/".
  s3_data_event_values = length(var.s3_data_event_bucket_arns) > 0 ? var.s3_data_event_bucket_arns : ["arn:aws:s3"]
}

resource "aws_cloudtrail" "this" {
  name           = var.name
  s3_bucket_name = var.s3_bucket_name
  s3_key_prefix  = var.s3_key_prefix

  enable_logging                = true
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  kms_key_id                    = var.kms_key_arn

  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.this.arn}:*"
  cloud_watch_logs_role_arn  = aws_iam_role.cloudwatch.arn

  event_selector {
    read_write_type           = "All"
    include_management_events = true

    data_resource {
      type   = "AWS::S3::Object"
      values = local.s3_data_event_values
    }

    # Lambda invocations ("Lambda if used"): every function of the account.
    dynamic "data_resource" {
      for_each = var.enable_lambda_data_events ? ["arn:aws:lambda"] : []

      content {
        type   = "AWS::Lambda::Function"
        values = [data_resource.value]
      }
    }
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.cloudwatch]
}

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.cloudwatch_log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "cloudwatch_assume" {
  statement {
    sid     = "CloudTrailAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "cloudwatch" {
  name               = "${var.name}-cloudwatch-logs"
  description        = "Lets CloudTrail trail ${var.name} deliver events to CloudWatch Logs."
  assume_role_policy = data.aws_iam_policy_document.cloudwatch_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "cloudwatch" {
  statement {
    sid       = "CloudTrailCreateLogStreamAndPutEvents"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${aws_cloudwatch_log_group.this.name}:log-stream:*"]
  }
}

resource "aws_iam_role_policy" "cloudwatch" {
  name   = "cloudtrail-to-cloudwatch-logs"
  role   = aws_iam_role.cloudwatch.id
  policy = data.aws_iam_policy_document.cloudwatch.json
}
