variable "trail_log_group_name" {
  description = "Log group the trail delivers to"
  type        = string
}

variable "topic_arn" {
  description = "SNS topic alarms notify"
  type        = string
}

variable "cloudtrail_disabled" {
  description = "Alarm when the trail is stopped, deleted or changed"
  type        = bool
  default     = true
}

variable "root_login" {
  description = "Alarm when the root user signs in"
  type        = bool
  default     = true
}

variable "namespace" {
  description = "Metric namespace"
  type        = string
  default     = "Security/CloudTrail"
}

resource "aws_cloudwatch_log_metric_filter" "cloudtrail_disabled" {
  count = var.cloudtrail_disabled ? 1 : 0

  name           = "cloudtrail-changes"
  log_group_name = var.trail_log_group_name
  pattern        = "{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) || ($.eventName = UpdateTrail) || ($.eventName = CreateTrail) || ($.eventName = StartLogging) }"

  metric_transformation {
    name      = "CloudTrailChangeCount"
    namespace = var.namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cloudtrail_disabled" {
  count = var.cloudtrail_disabled ? 1 : 0

  alarm_name          = "cloudtrail-stopped-or-changed"
  alarm_description   = "CloudTrail was stopped, deleted or reconfigured"
  namespace           = var.namespace
  metric_name         = aws_cloudwatch_log_metric_filter.cloudtrail_disabled[0].metric_transformation[0].name
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = [var.topic_arn]
}

resource "aws_cloudwatch_log_metric_filter" "root_login" {
  count = var.root_login ? 1 : 0

  name           = "root-console-login"
  log_group_name = var.trail_log_group_name
  pattern        = "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }"

  metric_transformation {
    name      = "RootAccountUsageCount"
    namespace = var.namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "root_login" {
  count = var.root_login ? 1 : 0

  alarm_name          = "root-account-used"
  alarm_description   = "The root user signed in or made a call"
  namespace           = var.namespace
  metric_name         = aws_cloudwatch_log_metric_filter.root_login[0].metric_transformation[0].name
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = [var.topic_arn]
}
