data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  account_root_arn = "arn:${local.partition}:iam::${local.account_id}:root"
}

# The key policy is assembled from one document per service, each present only
# when the caller says that service uses the key: the account root (which
# delegates to IAM) administers the key, and exactly the listed services may
# use it, each scoped to this account.
data "aws_iam_policy_document" "this" {
  source_policy_documents = concat(
    [data.aws_iam_policy_document.account_root.json],
    var.allow_cloudtrail ? [data.aws_iam_policy_document.cloudtrail[0].json] : [],
    var.allow_cloudwatch_logs ? [data.aws_iam_policy_document.cloudwatch_logs[0].json] : [],
    var.allow_sns ? [data.aws_iam_policy_document.sns[0].json] : [],
    var.allow_config ? [data.aws_iam_policy_document.config[0].json] : [],
    var.allow_guardduty ? [data.aws_iam_policy_document.guardduty[0].json] : [],
    var.allow_log_delivery ? [data.aws_iam_policy_document.log_delivery[0].json] : [],
    var.allow_s3_server_access_logging ? [data.aws_iam_policy_document.s3_server_access_logging[0].json] : [],
  )
}

data "aws_iam_policy_document" "account_root" {
  # checkov:skip=CKV_AWS_109:AWS's default key policy statement: the account root administers the key; "*" in a key policy is this key
  # checkov:skip=CKV_AWS_111:AWS's default key policy statement: the account root administers the key; "*" in a key policy is this key
  # checkov:skip=CKV_AWS_356:AWS's default key policy statement: the account root administers the key; "*" in a key policy is this key
  statement {
    sid       = "EnableAccountRootAdministration"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root_arn]
    }
  }
}

data "aws_iam_policy_document" "cloudtrail" {
  count = var.allow_cloudtrail ? 1 : 0

  statement {
    sid       = "AllowCloudTrailEncryptLogs"
    effect    = "Allow"
    actions   = ["kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:cloudtrail:arn"
      values   = ["arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*"]
    }
  }

  statement {
    sid       = "AllowCloudTrailDescribeKey"
    effect    = "Allow"
    actions   = ["kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

data "aws_iam_policy_document" "cloudwatch_logs" {
  count = var.allow_cloudwatch_logs ? 1 : 0

  statement {
    sid    = "AllowCloudWatchLogsEncryptLogGroups"
    effect = "Allow"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
    }
  }
}

# An SSE-KMS SNS topic needs the key usable by the services that publish to it:
# CloudWatch alarms and EventBridge rules.
data "aws_iam_policy_document" "sns" {
  count = var.allow_sns ? 1 : 0

  statement {
    sid       = "AllowEncryptedSnsTopicPublishers"
    effect    = "Allow"
    actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
    resources = ["*"]

    principals {
      type = "Service"
      identifiers = [
        "sns.amazonaws.com",
        "cloudwatch.amazonaws.com",
        "events.amazonaws.com",
      ]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

data "aws_iam_policy_document" "config" {
  count = var.allow_config ? 1 : 0

  statement {
    sid       = "AllowConfigDeliveryEncryption"
    effect    = "Allow"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["config.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

data "aws_iam_policy_document" "guardduty" {
  count = var.allow_guardduty ? 1 : 0

  statement {
    sid       = "AllowGuardDutyFindingExportEncryption"
    effect    = "Allow"
    actions   = ["kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["guardduty.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:guardduty:${local.region}:${local.account_id}:detector/*"]
    }
  }
}

# Vended logs (e.g. flow logs or other service logs written by
# delivery.logs.amazonaws.com) into an SSE-KMS bucket.
data "aws_iam_policy_document" "log_delivery" {
  count = var.allow_log_delivery ? 1 : 0

  statement {
    sid       = "AllowLogDeliveryEncryption"
    effect    = "Allow"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["delivery.logs.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# S3 server access logs written into an SSE-KMS bucket: AWS requires the key
# policy to let the logging service principal use the key, or delivery fails.
data "aws_iam_policy_document" "s3_server_access_logging" {
  count = var.allow_s3_server_access_logging ? 1 : 0

  statement {
    sid       = "AllowS3ServerAccessLogDeliveryEncryption"
    effect    = "Allow"
    actions   = ["kms:GenerateDataKey*", "kms:Decrypt", "kms:Encrypt"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = var.description
  key_usage               = "ENCRYPT_DECRYPT"
  enable_key_rotation     = true
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = data.aws_iam_policy_document.this.json
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.alias_name}"
  target_key_id = aws_kms_key.this.key_id
}
