output "bucket_id" {
  description = "ID (name) of the bucket."
  value       = aws_s3_bucket.this.id
}

output "bucket_name" {
  description = "Name of the bucket, known at plan time; available once the bucket policy and encryption are in place, so services writing to it can be created after it."
  value       = aws_s3_bucket.this.bucket

  depends_on = [
    aws_s3_bucket_policy.this,
    aws_s3_bucket_server_side_encryption_configuration.this,
    aws_s3_bucket_public_access_block.this,
  ]
}

output "bucket_arn" {
  description = "ARN of the bucket; available once the bucket policy and encryption are in place."
  value       = aws_s3_bucket.this.arn

  depends_on = [
    aws_s3_bucket_policy.this,
    aws_s3_bucket_server_side_encryption_configuration.this,
    aws_s3_bucket_public_access_block.this,
  ]
}

output "retention_days" {
  description = "Days objects are kept before lifecycle expiry."
  value       = var.retention_days
}

output "policy_json" {
  description = "The bucket policy document."
  value       = data.aws_iam_policy_document.bucket.json
}
