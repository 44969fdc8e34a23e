# The screenshot bucket (application data that may show PHI): encrypted with the
# CMK, versioned, private, and every request logged to the S3 access log bucket.

resource "aws_s3_bucket" "screenshots" {
  # checkov:skip=CKV_AWS_18:access logging is module.screenshot_access_logging (aws_s3_bucket_logging), a connection checkov does not follow across modules; auditgate S3L-001 checks it
  bucket        = local.screenshot_bucket_name
  force_destroy = false
}

resource "aws_s3_bucket_public_access_block" "screenshots" {
  bucket = aws_s3_bucket.screenshots.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "screenshots" {
  bucket = aws_s3_bucket.screenshots.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "screenshots" {
  bucket = aws_s3_bucket.screenshots.id

  versioning_configuration {
    status = "Enabled"
  }
}

# Objects are kept as the application decides; only failed multipart uploads are cleaned up.
resource "aws_s3_bucket_lifecycle_configuration" "screenshots" {
  bucket = aws_s3_bucket.screenshots.id

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "screenshots" {
  bucket = aws_s3_bucket.screenshots.id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = module.kms.key_arn
    }
  }
}

data "aws_iam_policy_document" "screenshots" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [local.screenshot_bucket_arn, local.screenshot_objects_arn]

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

resource "aws_s3_bucket_policy" "screenshots" {
  bucket = aws_s3_bucket.screenshots.id
  policy = data.aws_iam_policy_document.screenshots.json

  depends_on = [aws_s3_bucket_public_access_block.screenshots]
}

module "screenshot_access_logging" {
  source = "../s3_access_logging"

  source_bucket_name = aws_s3_bucket.screenshots.bucket
  target_bucket_name = module.s3_access_log_bucket.bucket_name
}
