resource "aws_sns_topic" "security_alerts" {
  name              = "acme-phi-security-alerts"
  kms_master_key_id = aws_kms_key.logs.arn
}

resource "aws_sns_topic_subscription" "security_email" {
  topic_arn = aws_sns_topic.security_alerts.arn
  protocol  = "email"
  endpoint  = "security@acme.example"
}

resource "aws_sns_topic_policy" "security_alerts" {
  arn = aws_sns_topic.security_alerts.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowAlarmsAndEvents"
      Effect    = "Allow"
      Principal = { Service = ["cloudwatch.amazonaws.com", "events.amazonaws.com"] }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.security_alerts.arn
      Condition = {
        StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id }
      }
    }]
  })
}

# --- CloudTrail disabled -----------------------------------------------------
resource "aws_cloudwatch_log_metric_filter" "cloudtrail_disabled" {
  name           = "cloudtrail-disabled"
  log_group_name = aws_cloudwatch_log_group.cloudtrail.name
  pattern        = "{ ($.eventSource = cloudtrail.amazonaws.com) && (($.eventName = StopLogging) || ($.eventName = DeleteTrail) || ($.eventName = UpdateTrail)) }"

  metric_transformation {
    name      = "CloudTrailDisabled"
    namespace = "Acme/Security"
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cloudtrail_disabled" {
  alarm_name          = "cloudtrail-disabled"
  alarm_description   = "CloudTrail logging was stopped, the trail deleted or changed"
  namespace           = "Acme/Security"
  metric_name         = "CloudTrailDisabled"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.security_alerts.arn]
}

# --- Root account login ------------------------------------------------------
resource "aws_cloudwatch_log_metric_filter" "root_login" {
  name           = "root-account-login"
  log_group_name = aws_cloudwatch_log_group.cloudtrail.name
  pattern        = "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }"

  metric_transformation {
    name      = "RootAccountUsage"
    namespace = "Acme/Security"
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "root_login" {
  alarm_name          = "root-account-login"
  alarm_description   = "The root account was used"
  namespace           = "Acme/Security"
  metric_name         = "RootAccountUsage"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.security_alerts.arn]
}

# --- Unusual S3 access on the screenshot bucket (anomaly detection) ----------
resource "aws_cloudwatch_metric_alarm" "screenshots_anomaly" {
  alarm_name          = "screenshots-unusual-access"
  alarm_description   = "GetObject requests on the screenshot bucket outside the expected band"
  comparison_operator = "GreaterThanUpperThreshold"
  evaluation_periods  = 3
  threshold_metric_id = "band"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.security_alerts.arn]

  metric_query {
    id          = "band"
    expression  = "ANOMALY_DETECTION_BAND(requests, 3)"
    label       = "GetRequests (expected)"
    return_data = true
  }

  metric_query {
    id          = "requests"
    return_data = true
    metric {
      namespace   = "AWS/S3"
      metric_name = "GetRequests"
      period      = 300
      stat        = "Sum"
      dimensions = {
        BucketName = aws_s3_bucket.screenshots.id
        FilterId   = aws_s3_bucket_metric.screenshots.name
      }
    }
  }
}

# --- GuardDuty High finding: Security Hub -> EventBridge -> SNS ----------------
resource "aws_cloudwatch_event_rule" "guardduty_high" {
  name        = "securityhub-guardduty-high"
  description = "GuardDuty findings of HIGH or CRITICAL severity imported into Security Hub"
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

resource "aws_cloudwatch_event_target" "guardduty_high_sns" {
  rule = aws_cloudwatch_event_rule.guardduty_high.name
  arn  = aws_sns_topic.security_alerts.arn
}
