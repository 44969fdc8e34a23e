data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  # ARNs built from the literal bucket name, so every policy is known at plan time.
  bucket_arn  = "arn:${local.partition}:s3:::${var.bucket_name}"
  objects_arn = "arn:${local.partition}:s3:::${var.bucket_name}/*"

  object_lock_days = var.object_lock_days == null ? var.retention_days : var.object_lock_days
}

resource "aws_s3_bucket" "this" {
  bucket              = var.bucket_name
  force_destroy       = false
  object_lock_enabled = var.object_lock_enabled
  tags                = var.tags

  lifecycle {
    precondition {
      condition     = var.server_access_log_destination || var.access_log_bucket_name != null
      error_message = "access_log_bucket_name is required: only a server access log destination bucket may go without access logging."
    }

    precondition {
      condition     = var.server_access_log_destination || var.kms_key_arn != null
      error_message = "kms_key_arn is required: every log bucket but the server access log destination uses SSE-KMS with a customer-managed key."
    }

    precondition {
      condition     = var.access_log_bucket_name != var.bucket_name
      error_message = "access_log_bucket_name must be a different bucket from bucket_name."
    }
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  # Log buckets use SSE-KMS with the customer-managed key. The S3 server access
  # log destination is the exception: AWS documents SSE-S3 as the only default
  # encryption it delivers server access logs to.
  rule {
    bucket_key_enabled = var.server_access_log_destination ? null : true

    apply_server_side_encryption_by_default {
      sse_algorithm     = var.server_access_log_destination ? "AES256" : "aws:kms"
      kms_master_key_id = var.server_access_log_destination ? null : var.kms_key_arn
    }
  }
}

resource "aws_s3_bucket_object_lock_configuration" "this" {
  count = var.object_lock_enabled ? 1 : 0

  bucket = aws_s3_bucket.this.id

  rule {
    default_retention {
      mode = var.object_lock_mode
      days = local.object_lock_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "retain-${var.retention_days}-days"
    status = "Enabled"

    filter {}

    transition {
      days          = var.glacier_transition_days
      storage_class = "GLACIER"
    }

    expiration {
      days = var.retention_days
    }

    noncurrent_version_transition {
      noncurrent_days = var.glacier_transition_days
      storage_class   = "GLACIER"
    }

    noncurrent_version_expiration {
      noncurrent_days = var.retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]

  lifecycle {
    precondition {
      condition     = var.glacier_transition_days < var.retention_days
      error_message = "glacier_transition_days must be smaller than retention_days."
    }
  }
}

resource "aws_s3_bucket_logging" "this" {
  count = var.access_log_bucket_name == null ? 0 : 1

  bucket        = aws_s3_bucket.this.id
  target_bucket = var.access_log_bucket_name
  target_prefix = "${var.bucket_name}/"

  target_object_key_format {
    partitioned_prefix {
      partition_date_source = "EventTime"
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.bucket.json

  depends_on = [aws_s3_bucket_public_access_block.this]
}
