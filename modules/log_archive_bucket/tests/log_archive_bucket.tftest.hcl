# The log archive bucket's contract (policy: CloudTrail Requirements, Log Integrity, Log Access),
# checked by `terraform test` on a plan. Offline: python3 tools/tfoffline.py test modules/log_archive_bucket

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

variables {
  bucket_name               = "acme-cloudtrail-logs-111122223333"
  kms_key_arn               = "arn:aws:kms:us-east-1:111122223333:key/0b9c2a7e-5f0e-4a47-9b5e-3d8a3d2c1f00"
  access_log_bucket_name    = "acme-s3-access-logs-111122223333"
  break_glass_role_arns     = ["arn:aws:iam::111122223333:role/break-glass"]
  retention_days            = 2557
  allow_cloudtrail_delivery = true
}

run "blocks_all_public_access" {
  command = plan

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "Every public access block setting must be on."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (BucketOwnerEnforced)."
  }
}

run "versioned_encrypted_with_the_cmk_and_access_logged" {
  command = plan

  assert {
    condition     = aws_s3_bucket_versioning.this.versioning_configuration[0].status == "Enabled"
    error_message = "Versioning must be enabled."
  }

  assert {
    condition = alltrue([
      for rule in aws_s3_bucket_server_side_encryption_configuration.this.rule :
      rule.apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms" &&
      rule.apply_server_side_encryption_by_default[0].kms_master_key_id == var.kms_key_arn
    ])
    error_message = "Default encryption must be SSE-KMS with the customer-managed key."
  }

  assert {
    condition     = aws_s3_bucket_logging.this[0].target_bucket == var.access_log_bucket_name
    error_message = "Server access logs must go to the access log bucket."
  }
}

run "logs_are_kept_for_the_retention_period" {
  command = plan

  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.this.rule[0].expiration[0].days == 2557
    error_message = "Objects must expire only after retention_days."
  }

  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.this.rule[0].noncurrent_version_expiration[0].noncurrent_days == 2557
    error_message = "Noncurrent versions must be kept for retention_days too."
  }
}

run "policy_denies_insecure_transport_and_lets_cloudtrail_write" {
  command = plan

  assert {
    condition = contains([
      for s in jsondecode(aws_s3_bucket_policy.this.policy).Statement : s.Effect if try(s.Sid, "") == "DenyInsecureTransport"
    ], "Deny")
    error_message = "The bucket policy must deny requests without TLS."
  }

  assert {
    condition = contains([
      for s in jsondecode(aws_s3_bucket_policy.this.policy).Statement : try(s.Sid, "")
    ], "AWSCloudTrailWrite")
    error_message = "allow_cloudtrail_delivery = true must let CloudTrail write."
  }
}

run "server_access_log_destination_uses_sse_s3" {
  command = plan

  variables {
    bucket_name                   = "acme-s3-access-logs-111122223333"
    kms_key_arn                   = null
    access_log_bucket_name        = null
    server_access_log_destination = true
    allow_cloudtrail_delivery     = false
  }

  assert {
    condition = alltrue([
      for rule in aws_s3_bucket_server_side_encryption_configuration.this.rule :
      rule.apply_server_side_encryption_by_default[0].sse_algorithm == "AES256"
    ])
    error_message = "The server access log destination must use SSE-S3, the only encryption S3 delivers access logs to."
  }

  assert {
    condition     = length(aws_s3_bucket_logging.this) == 0
    error_message = "The access log destination does not log to itself."
  }
}

run "a_log_bucket_without_access_logging_is_rejected" {
  command = plan

  variables {
    access_log_bucket_name = null
  }

  expect_failures = [aws_s3_bucket.this]
}
