variable "name" {
  description = "Topic name"
  type        = string
}

variable "kms_key_arn" {
  description = "Key of the topic"
  type        = string
}

variable "account_id" {
  description = "Account whose alarms and rules publish"
  type        = string
}

variable "emails" {
  description = "Subscribers"
  type        = list(string)
}

resource "aws_sns_topic" "this" {
  name              = var.name
  kms_master_key_id = var.kms_key_arn
}

data "aws_iam_policy_document" "publish" {
  statement {
    sid       = "AlarmsAndRulesPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.this.arn
  policy = data.aws_iam_policy_document.publish.json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.emails)

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = each.value
}

output "topic_arn" {
  description = "Alert topic"
  value       = aws_sns_topic.this.arn
}
