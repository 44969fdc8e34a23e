variable "buckets" {
  description = "Audit log buckets, keyed by purpose"
  type = map(object({
    name           = string
    retention_days = number
    versioning     = bool
    object_lock    = bool
    sse_algorithm  = string
    kms_key_arn    = string
    policy_json    = string
  }))
}

resource "aws_s3_bucket" "this" {
  for_each = var.buckets

  bucket              = each.value.name
  object_lock_enabled = each.value.object_lock
  force_destroy       = false
  tags                = { purpose = "audit-logs", log_source = each.key }
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = aws_s3_bucket.this

  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# Object Lock buckets are versioned by S3 itself and cannot be suspended.
resource "aws_s3_bucket_versioning" "this" {
  for_each = { for key, b in var.buckets : key => b if !b.object_lock }

  bucket = aws_s3_bucket.this[each.key].id
  versioning_configuration {
    status = each.value.versioning ? "Enabled" : "Suspended"
  }
}

resource "aws_s3_bucket_object_lock_configuration" "this" {
  for_each = { for key, b in var.buckets : key => b if b.object_lock }

  bucket = aws_s3_bucket.this[each.key].id
  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = each.value.retention_days
    }
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = var.buckets

  bucket = aws_s3_bucket.this[each.key].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = each.value.sse_algorithm
      kms_master_key_id = each.value.kms_key_arn
    }
    bucket_key_enabled = each.value.sse_algorithm == "aws:kms"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = var.buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    id     = "retain-${each.value.retention_days}-days"
    status = "Enabled"
    filter {}

    transition {
      days          = 90
      storage_class = "GLACIER"
    }

    expiration {
      days = each.value.retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = each.value.retention_days
    }
  }
}

data "aws_iam_policy_document" "this" {
  for_each = var.buckets

  source_policy_documents = [each.value.policy_json]

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["arn:aws:s3:::${each.value.name}", "arn:aws:s3:::${each.value.name}/*"]

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

resource "aws_s3_bucket_policy" "this" {
  for_each = var.buckets

  bucket = aws_s3_bucket.this[each.key].id
  policy = data.aws_iam_policy_document.this[each.key].json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

output "ids" {
  description = "Bucket names by key"
  value       = { for key, b in aws_s3_bucket.this : key => b.id }
}

output "arns" {
  description = "Bucket ARNs by key"
  value       = { for key, b in aws_s3_bucket.this : key => b.arn }
}
