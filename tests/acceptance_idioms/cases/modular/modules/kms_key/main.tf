variable "alias" {
  description = "Alias name, without the alias/ prefix"
  type        = string
}

variable "description" {
  description = "Key description"
  type        = string
}

variable "account_id" {
  description = "Owning account"
  type        = string
}

variable "region" {
  description = "Region of the key"
  type        = string
}

variable "partition" {
  description = "AWS partition"
  type        = string
}

variable "allow_cloudtrail" {
  description = "Let CloudTrail encrypt log files with the key"
  type        = bool
  default     = false
}

variable "allow_cloudwatch_log" {
  description = "Let CloudWatch Logs encrypt this account's log groups with the key"
  type        = bool
  default     = false
}

variable "service_principals" {
  description = "Other services that encrypt with the key"
  type        = list(string)
  default     = []
}

variable "decrypt_principals" {
  description = "Role ARNs that may decrypt (log readers)"
  type        = list(string)
  default     = []
}

data "aws_iam_policy_document" "owner" {
  statement {
    sid       = "EnableAccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${var.partition}:iam::${var.account_id}:root"]
    }
  }
}

data "aws_iam_policy_document" "services" {
  dynamic "statement" {
    for_each = var.allow_cloudtrail ? ["cloudtrail"] : []
    content {
      sid       = "AllowCloudTrailEncrypt"
      actions   = ["kms:GenerateDataKey*", "kms:DescribeKey"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["cloudtrail.amazonaws.com"]
      }

      condition {
        test     = "StringLike"
        variable = "kms:EncryptionContext:aws:cloudtrail:arn"
        values   = ["arn:${var.partition}:cloudtrail:*:${var.account_id}:trail/*"]
      }
    }
  }

  dynamic "statement" {
    for_each = var.allow_cloudwatch_log ? ["logs"] : []
    content {
      sid       = "AllowCloudWatchLogs"
      actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["logs.${var.region}.amazonaws.com"]
      }

      condition {
        test     = "ArnLike"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = ["arn:${var.partition}:logs:${var.region}:${var.account_id}:log-group:*"]
      }
    }
  }

  dynamic "statement" {
    for_each = length(var.service_principals) > 0 ? ["services"] : []
    content {
      sid       = "AllowServicesToUseKey"
      actions   = ["kms:GenerateDataKey*", "kms:Decrypt", "kms:DescribeKey"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = var.service_principals
      }
    }
  }
}

data "aws_iam_policy_document" "readers" {
  statement {
    sid       = "AllowLogReadersDecrypt"
    actions   = ["kms:Decrypt", "kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = var.decrypt_principals
    }

    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [var.account_id]
    }
  }
}

data "aws_iam_policy_document" "this" {
  source_policy_documents = concat(
    [data.aws_iam_policy_document.owner.json, data.aws_iam_policy_document.services.json],
    length(var.decrypt_principals) > 0 ? [data.aws_iam_policy_document.readers.json] : [],
  )
}

resource "aws_kms_key" "this" {
  description             = var.description
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.this.json
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.alias}"
  target_key_id = aws_kms_key.this.key_id
}

output "arn" {
  description = "Key ARN"
  value       = aws_kms_key.this.arn
}

output "key_id" {
  description = "Key id"
  value       = aws_kms_key.this.key_id
}

output "alias_arn" {
  description = "Alias ARN"
  value       = aws_kms_alias.this.arn
}
