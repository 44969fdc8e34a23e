variable "name_prefix" {
  description = "Name prefix"
  type        = string
}

variable "retention_days" {
  description = "How long findings are kept"
  type        = number
}

variable "kms_key_arn" {
  description = "Key of the findings log groups"
  type        = string
}

variable "enable_default_standards" {
  description = "Subscribe Security Hub's default standards"
  type        = bool
  default     = true
}

variable "alert_topic_arn" {
  description = "Topic for GuardDuty High findings"
  type        = string
}

resource "aws_guardduty_detector" "this" {
  enable                       = true
  finding_publishing_frequency = "FIFTEEN_MINUTES"
}

resource "aws_securityhub_account" "this" {
  enable_default_standards = var.enable_default_standards
  auto_enable_controls     = true
}

# Findings outlive the services' 90-day window in CloudWatch Logs log groups.
# (The EventBridge -> CloudWatch Logs resource policy is managed account-wide elsewhere.)
locals {
  exports = {
    guardduty = {
      pattern = { source = ["aws.guardduty"], "detail-type" = ["GuardDuty Finding"] }
    }
    securityhub = {
      pattern = { source = ["aws.securityhub"], "detail-type" = ["Security Hub Findings - Imported"] }
    }
  }
}

resource "aws_cloudwatch_log_group" "findings" {
  for_each = local.exports

  name              = "/aws/events/${var.name_prefix}-${each.key}-findings"
  retention_in_days = var.retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_cloudwatch_event_rule" "export" {
  for_each = local.exports

  name          = "${var.name_prefix}-${each.key}-findings-export"
  description   = "Keep ${each.key} findings for the retention period"
  event_pattern = jsonencode(each.value.pattern)
}

resource "aws_cloudwatch_event_target" "export" {
  for_each = local.exports

  rule = aws_cloudwatch_event_rule.export[each.key].name
  arn  = aws_cloudwatch_log_group.findings[each.key].arn
}

# GuardDuty High (and Critical) findings, as aggregated by Security Hub, go to the alert topic.
resource "aws_cloudwatch_event_rule" "guardduty_high" {
  name        = "${var.name_prefix}-guardduty-high"
  description = "GuardDuty HIGH findings from Security Hub"
  event_pattern = jsonencode({
    source        = ["aws.securityhub"]
    "detail-type" = ["Security Hub Findings - Imported"]
    detail = {
      findings = {
        ProductName = ["GuardDuty"]
        Severity    = { Label = ["HIGH", "CRITICAL"] }
      }
    }
  })
}

resource "aws_cloudwatch_event_target" "guardduty_high" {
  rule = aws_cloudwatch_event_rule.guardduty_high.name
  arn  = var.alert_topic_arn
}
