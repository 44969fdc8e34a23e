data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  topic_arn = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${aws_sns_topic.this.name}"
}

# --- SNS topic (KMS-encrypted) ---------------------------------------------

resource "aws_sns_topic" "this" {
  name              = "${var.name_prefix}-security-alerts"
  display_name      = "${var.name_prefix} security alerts"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alert_emails)

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = each.value
}

data "aws_iam_policy_document" "topic" {
  statement {
    sid    = "AccountOwnerManagesTopic"
    effect = "Allow"
    actions = [
      "sns:GetTopicAttributes",
      "sns:SetTopicAttributes",
      "sns:AddPermission",
      "sns:RemovePermission",
      "sns:DeleteTopic",
      "sns:Subscribe",
      "sns:ListSubscriptionsByTopic",
      "sns:Publish",
    ]
    resources = [local.topic_arn]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsPublish"
    effect    = "Allow"
    actions   = ["sns:Publish"]
    resources = [local.topic_arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid       = "EventBridgePublish"
    effect    = "Allow"
    actions   = ["sns:Publish"]
    resources = [local.topic_arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [local.topic_arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.this.arn
  policy = data.aws_iam_policy_document.topic.json
}

# --- CloudTrail disabled / changed (CIS 3.5) -----------------------------------

resource "aws_cloudwatch_log_metric_filter" "cloudtrail_changes" {
  name           = "${var.name_prefix}-cloudtrail-changes"
  log_group_name = var.cloudtrail_log_group_name
  pattern        = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"

  metric_transformation {
    name      = "CloudTrailChanges"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cloudtrail_changes" {
  alarm_name          = "${var.name_prefix}-cloudtrail-changes"
  alarm_description   = "CloudTrail configuration changed or logging stopped (CreateTrail, UpdateTrail, DeleteTrail, StartLogging, StopLogging)."
  namespace           = var.metric_namespace
  metric_name         = aws_cloudwatch_log_metric_filter.cloudtrail_changes.metric_transformation[0].name
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.this.arn]
  tags                = var.tags
}

# --- Root account login (CIS 3.3) ----------------------------------------------

resource "aws_cloudwatch_log_metric_filter" "root_login" {
  name           = "${var.name_prefix}-root-account-usage"
  log_group_name = var.cloudtrail_log_group_name
  pattern        = "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }"

  metric_transformation {
    name      = "RootAccountUsage"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "root_login" {
  alarm_name          = "${var.name_prefix}-root-account-usage"
  alarm_description   = "The root account was used (console login or API call)."
  namespace           = var.metric_namespace
  metric_name         = aws_cloudwatch_log_metric_filter.root_login.metric_transformation[0].name
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.this.arn]
  tags                = var.tags
}

# --- Unusual S3 access to the screenshot bucket (anomaly detection) ------------

resource "aws_s3_bucket_metric" "screenshot_requests" {
  bucket = var.screenshot_bucket_name
  name   = "EntireBucket"
}

resource "aws_cloudwatch_metric_alarm" "screenshot_unusual_access" {
  alarm_name          = "${var.name_prefix}-screenshot-bucket-unusual-access"
  alarm_description   = "Requests to the screenshot bucket outside the anomaly detection band."
  comparison_operator = "GreaterThanUpperThreshold"
  evaluation_periods  = var.anomaly_evaluation_periods
  threshold_metric_id = "ad1"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.this.arn]
  tags                = var.tags

  metric_query {
    id          = "ad1"
    expression  = "ANOMALY_DETECTION_BAND(m1, ${var.anomaly_band_width})"
    label       = "AllRequests (expected)"
    return_data = true
  }

  metric_query {
    id          = "m1"
    return_data = true

    metric {
      namespace   = "AWS/S3"
      metric_name = "AllRequests"
      period      = 300
      stat        = "Sum"

      dimensions = {
        BucketName = var.screenshot_bucket_name
        FilterId   = aws_s3_bucket_metric.screenshot_requests.name
      }
    }
  }
}

# --- GuardDuty High/Critical finding via Security Hub ---------------------------

resource "aws_cloudwatch_event_rule" "guardduty_high" {
  name        = "${var.name_prefix}-guardduty-high-findings"
  description = "GuardDuty findings of HIGH or CRITICAL severity imported into Security Hub."

  event_pattern = jsonencode({
    source        = ["aws.securityhub"]
    "detail-type" = ["Security Hub Findings - Imported"]
    detail = {
      findings = {
        ProductName = ["GuardDuty"]
        Severity = {
          Label = ["HIGH", "CRITICAL"]
        }
      }
    }
  })

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "guardduty_high_sns" {
  rule      = aws_cloudwatch_event_rule.guardduty_high.name
  target_id = "security-alerts-sns"
  arn       = aws_sns_topic.this.arn
}
