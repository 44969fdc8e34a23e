output "id" {
  description = "ID of the bucket logging configuration."
  value       = aws_s3_bucket_logging.this.id
}

output "source_bucket_name" {
  description = "Name of the bucket whose requests are logged."
  value       = aws_s3_bucket_logging.this.bucket
}

output "target_bucket_name" {
  description = "Name of the bucket receiving the access logs."
  value       = aws_s3_bucket_logging.this.target_bucket
}

output "target_prefix" {
  description = "Key prefix of the log objects."
  value       = aws_s3_bucket_logging.this.target_prefix
}
