variable "log_group_name" {
  description = "Session log group"
  type        = string
}

variable "retention_days" {
  description = "Session log retention"
  type        = number
}

variable "kms_key_arn" {
  description = "Key of the log group"
  type        = string
}

variable "kms_key_id" {
  description = "Key Session Manager encrypts sessions with"
  type        = string
}

resource "aws_cloudwatch_log_group" "sessions" {
  name              = var.log_group_name
  retention_in_days = var.retention_days
  kms_key_id        = var.kms_key_arn
}

locals {
  preferences = {
    schemaVersion = "1.0"
    description   = "Session Manager preferences"
    sessionType   = "Standard_Stream"
    inputs = {
      s3BucketName                = ""
      s3KeyPrefix                 = ""
      s3EncryptionEnabled         = true
      cloudWatchLogGroupName      = aws_cloudwatch_log_group.sessions.name
      cloudWatchEncryptionEnabled = true
      cloudWatchStreamingEnabled  = true
      kmsKeyId                    = var.kms_key_id
      runAsEnabled                = false
      runAsDefaultUser            = ""
      idleSessionTimeout          = "20"
      maxSessionDuration          = "60"
      shellProfile                = { linux = "", windows = "" }
    }
  }
}

resource "aws_ssm_document" "preferences" {
  name            = "SSM-SessionManagerRunShell"
  document_type   = "Session"
  document_format = "JSON"
  content         = jsonencode(local.preferences)
}
