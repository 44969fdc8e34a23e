# Server access logging of one bucket (e.g. the screenshot bucket) into a
# separate log bucket kept at least 365 days.
resource "aws_s3_bucket_logging" "this" {
  bucket        = var.source_bucket_name
  target_bucket = var.target_bucket_name
  target_prefix = var.target_prefix == null ? "${var.source_bucket_name}/" : var.target_prefix

  target_object_key_format {
    partitioned_prefix {
      partition_date_source = "EventTime"
    }
  }

  lifecycle {
    precondition {
      condition     = var.target_bucket_name != var.source_bucket_name
      error_message = "target_bucket_name must be a different bucket from source_bucket_name: a bucket logging into itself loops and mixes logs with data."
    }
  }
}
