variable "source_bucket_name" {
  description = "Name of the bucket whose requests are logged (e.g. the screenshot bucket)."
  type        = string
}

variable "target_bucket_name" {
  description = "Name of the separate log bucket receiving the access logs (a log_archive_bucket with server_access_log_destination = true and retention of at least 365 days)."
  type        = string
}

variable "target_prefix" {
  description = "Key prefix of the log objects; null means \"<source bucket name>/\"."
  type        = string
  default     = null
}
