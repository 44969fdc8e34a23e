# --- The alert topic ------------------------------------------------------------------------

resource "aws_sns_topic" "alerts" {
  name              = "alerting-example-security-alerts"
  kms_master_key_id = aws_kms_key.audit.arn
}

resource "aws_sns_topic_subscription" "alerts" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = "security-alerts@example.com"
}

data "aws_iam_policy_document" "alerts_topic" {
  statement {
    sid       = "AlarmsAndEventBridgePublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "events.amazonaws.com"]
    }
  }
}

resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = data.aws_iam_policy_document.alerts_topic.json
}

# --- CloudTrail disabled ----------------------------------------------------------------------

# VIOLATION: Alerting: "CloudTrail disabled | CloudWatch alarm → SNS" (the pattern matches StopLogging only: deleting the trail raises no alarm)
resource "aws_cloudwatch_log_metric_filter" "cloudtrail_stopped" {
  name           = "alerting-example-cloudtrail-stopped"
  log_group_name = aws_cloudwatch_log_group.trail.name
  pattern        = "{ $.eventSource = cloudtrail.amazonaws.com && $.eventName = StopLogging }"

  metric_transformation {
    name      = "CloudTrailStopped"
    namespace = "AlertingExample"
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cloudtrail_stopped" {
  alarm_name          = "alerting-example-cloudtrail-stopped"
  namespace           = "AlertingExample"
  metric_name         = aws_cloudwatch_log_metric_filter.cloudtrail_stopped.metric_transformation[0].name
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
}

# --- Root account login -------------------------------------------------------------------------

resource "aws_cloudwatch_log_metric_filter" "root_login" {
  name           = "alerting-example-root-login"
  log_group_name = aws_cloudwatch_log_group.trail.name
  pattern        = "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }"

  metric_transformation {
    name      = "RootAccountUsage"
    namespace = "AlertingExample"
    value     = "1"
  }
}

# VIOLATION: Alerting: "Root account login | CloudWatch alarm → SNS" (the alarm has no alarm_actions: it changes state and tells nobody)
resource "aws_cloudwatch_metric_alarm" "root_login" {
  alarm_name          = "alerting-example-root-login"
  namespace           = "AlertingExample"
  metric_name         = aws_cloudwatch_log_metric_filter.root_login.metric_transformation[0].name
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
}

# --- Unusual S3 access (screenshot bucket) ----------------------------------------------------------

resource "aws_s3_bucket_metric" "screenshots" {
  bucket = aws_s3_bucket.screenshots.id
  name   = "EntireBucket"
}

# VIOLATION: Alerting: "Unusual S3 access (screenshot bucket) | CloudWatch anomaly alarm → SNS" (a static threshold of 10000 requests, not an anomaly detection band)
resource "aws_cloudwatch_metric_alarm" "screenshots_requests" {
  alarm_name          = "alerting-example-screenshots-requests"
  namespace           = "AWS/S3"
  metric_name         = "AllRequests"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 10000
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]

  dimensions = {
    BucketName = aws_s3_bucket.screenshots.bucket
    FilterId   = aws_s3_bucket_metric.screenshots.name
  }
}

# --- GuardDuty High finding ----------------------------------------------------------------------------

# VIOLATION: Alerting: "GuardDuty High finding | Security Hub → SNS" (only CRITICAL findings are forwarded: HIGH ones never reach SNS)
resource "aws_cloudwatch_event_rule" "guardduty_critical" {
  name        = "alerting-example-guardduty-critical"
  description = "GuardDuty findings of CRITICAL severity imported into Security Hub."

  event_pattern = jsonencode({
    source        = ["aws.securityhub"]
    "detail-type" = ["Security Hub Findings - Imported"]
    detail = {
      findings = {
        ProductName = ["GuardDuty"]
        Severity = {
          Label = ["CRITICAL"]
        }
      }
    }
  })
}

resource "aws_cloudwatch_event_target" "guardduty_critical_sns" {
  rule      = aws_cloudwatch_event_rule.guardduty_critical.name
  target_id = "security-alerts-sns"
  arn       = aws_sns_topic.alerts.arn
}
