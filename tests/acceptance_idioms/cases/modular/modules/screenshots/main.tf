variable "bucket_name" {
  description = "Screenshot upload bucket (PHI)"
  type        = string
}

variable "kms_key_arn" {
  description = "Key of the bucket"
  type        = string
}

variable "access_log_bucket" {
  description = "Bucket receiving server access logs"
  type        = string
}

variable "alert_topic_arn" {
  description = "Topic for the anomaly alarm"
  type        = string
}

resource "aws_s3_bucket" "this" {
  bucket = var.bucket_name
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_logging" "this" {
  bucket        = aws_s3_bucket.this.id
  target_bucket = var.access_log_bucket
  target_prefix = "screenshots/"
}

resource "aws_s3_bucket_metric" "all" {
  bucket = aws_s3_bucket.this.id
  name   = "EntireBucket"
}

resource "aws_cloudwatch_metric_alarm" "unusual_access" {
  alarm_name          = "${var.bucket_name}-unusual-access"
  alarm_description   = "Requests to the screenshot bucket outside the learned band"
  comparison_operator = "LessThanLowerOrGreaterThanUpperThreshold"
  evaluation_periods  = 2
  threshold_metric_id = "expected"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alert_topic_arn]

  metric_query {
    id          = "requests"
    return_data = true

    metric {
      namespace   = "AWS/S3"
      metric_name = "AllRequests"
      period      = 300
      stat        = "Sum"
      dimensions = {
        BucketName = aws_s3_bucket.this.bucket
        FilterId   = aws_s3_bucket_metric.all.name
      }
    }
  }

  metric_query {
    id          = "expected"
    expression  = "ANOMALY_DETECTION_BAND(requests, 2)"
    label       = "AllRequests (expected band)"
    return_data = true
  }
}

output "bucket_arn" {
  description = "Screenshot bucket ARN"
  value       = aws_s3_bucket.this.arn
}
