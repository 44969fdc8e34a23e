data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.region

  account_id = data.aws_caller_identity.current.account_id

  # The findings log group's name and ARN from known values, so the resource policy is known at plan time.
  findings_log_group_name = "/aws/events/${var.name_prefix}-securityhub-findings"
  findings_log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.findings_log_group_name}"

  # Security Hub standards ARNs are regional and have no account id.
  fsbp_standards_arn = "arn:${local.partition}:securityhub:${local.region}::standards/aws-foundational-security-best-practices/v/1.0.0"
  cis_standards_arn  = "arn:${local.partition}:securityhub:${local.region}::standards/cis-aws-foundations-benchmark/v/${var.cis_benchmark_version}"
}

resource "aws_guardduty_detector" "this" {
  enable                       = true
  finding_publishing_frequency = var.finding_publishing_frequency
  tags                         = var.tags
}

# Every GuardDuty finding is exported to the KMS-encrypted findings bucket, kept
# for the policy's 1 year (GuardDuty itself keeps findings 90 days).
resource "aws_guardduty_publishing_destination" "this" {
  detector_id      = aws_guardduty_detector.this.id
  destination_type = "S3"
  destination_arn  = var.findings_bucket_arn
  kms_key_arn      = var.kms_key_arn
}

resource "aws_securityhub_account" "this" {
  enable_default_standards  = false
  auto_enable_controls      = true
  control_finding_generator = "SECURITY_CONTROL"
}

resource "aws_securityhub_standards_subscription" "fsbp" {
  standards_arn = local.fsbp_standards_arn

  depends_on = [aws_securityhub_account.this]
}

resource "aws_securityhub_standards_subscription" "cis" {
  standards_arn = local.cis_standards_arn

  depends_on = [aws_securityhub_account.this]
}

# Security Hub deletes findings 90 days after their last update; the policy keeps security findings
# 1 year.  Every finding imported into Security Hub (its own controls' and GuardDuty's) is copied by
# EventBridge into a KMS-encrypted log group kept for the policy period.
resource "aws_cloudwatch_log_group" "securityhub_findings" {
  name              = local.findings_log_group_name
  retention_in_days = var.findings_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_cloudwatch_event_rule" "securityhub_findings" {
  name        = "${var.name_prefix}-securityhub-findings-to-logs"
  description = "Copies every Security Hub finding to CloudWatch Logs (Security Hub keeps findings 90 days)."
  event_pattern = jsonencode({
    source        = ["aws.securityhub"]
    "detail-type" = ["Security Hub Findings - Imported"]
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "securityhub_findings" {
  rule = aws_cloudwatch_event_rule.securityhub_findings.name
  arn  = aws_cloudwatch_log_group.securityhub_findings.arn
}

# EventBridge writes to a log group only where the group's resource policy lets it.
data "aws_iam_policy_document" "events_to_logs" {
  statement {
    sid       = "EventBridgeWritesSecurityHubFindings"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.findings_log_group_arn}:*"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com", "delivery.logs.amazonaws.com"]
    }
  }
}

resource "aws_cloudwatch_log_resource_policy" "events_to_logs" {
  policy_name     = "${var.name_prefix}-securityhub-findings-to-logs"
  policy_document = data.aws_iam_policy_document.events_to_logs.json
}
