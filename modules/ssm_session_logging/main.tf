data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  bucket_arn    = "arn:${local.partition}:s3:::${var.s3_bucket_name}"
  log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${aws_cloudwatch_log_group.this.name}"

  # kmsKeyId of the preferences document: the key's alias ARN (or alias name),
  # known at plan time unlike the key ARN, so the whole document is known
  # before apply and when the HCL is read statically.
  session_kms_key_id = var.kms_key_alias_arn == null ? var.kms_key_alias : var.kms_key_alias_arn
}

resource "aws_cloudwatch_log_group" "this" {
  name              = var.log_group_name
  retention_in_days = var.retention_in_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

# The regional Session Manager preferences: every session is encrypted with the
# CMK and its transcript streamed to the encrypted log group and written to the
# encrypted bucket.
resource "aws_ssm_document" "session_manager_prefs" {
  name            = "SSM-SessionManagerRunShell"
  document_type   = "Session"
  document_format = "JSON"

  content = jsonencode({
    schemaVersion = "1.0"
    description   = "Session Manager preferences: encrypted sessions, logged to S3 and CloudWatch Logs (HIPAA 164.312(b))"
    sessionType   = "Standard_Stream"
    inputs = {
      s3BucketName                = var.s3_bucket_name
      s3KeyPrefix                 = var.s3_key_prefix
      s3EncryptionEnabled         = true
      cloudWatchLogGroupName      = aws_cloudwatch_log_group.this.name
      cloudWatchEncryptionEnabled = true
      cloudWatchStreamingEnabled  = true
      kmsKeyId                    = local.session_kms_key_id
      runAsEnabled                = false
      runAsDefaultUser            = ""
      idleSessionTimeout          = tostring(var.idle_session_timeout_minutes)
      maxSessionDuration          = tostring(var.max_session_duration_minutes)
      shellProfile = {
        linux   = ""
        windows = ""
      }
    }
  })

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.kms_key_alias_arn == null || endswith(coalesce(var.kms_key_alias_arn, "-"), ":${var.kms_key_alias}")
      error_message = "kms_key_alias_arn must be the ARN of kms_key_alias (arn:<partition>:kms:<region>:<account id>:<kms_key_alias>)."
    }
  }
}

# Managed policy for the instance profiles of managed EC2 instances: the SSM
# agent writes the session logs with the instance's credentials.
data "aws_iam_policy_document" "instance" {
  statement {
    sid    = "SessionManagerChannels"
    effect = "Allow"
    actions = [
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "SessionLogsToS3"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${local.bucket_arn}/${var.s3_key_prefix}*"]
  }

  statement {
    sid       = "SessionLogsBucketEncryptionCheck"
    effect    = "Allow"
    actions   = ["s3:GetEncryptionConfiguration"]
    resources = [local.bucket_arn]
  }

  statement {
    sid       = "SessionLogsToCloudWatch"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:*"]
  }

  statement {
    sid       = "SessionLogsDescribeStreams"
    effect    = "Allow"
    actions   = ["logs:DescribeLogStreams"]
    resources = [local.log_group_arn, "${local.log_group_arn}:*"]
  }

  # DescribeLogGroups takes no log-group ARN.
  statement {
    sid       = "SessionLogsDescribeGroups"
    effect    = "Allow"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["*"]
  }

  statement {
    sid       = "SessionEncryption"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["arn:${local.partition}:kms:${local.region}:${local.account_id}:key/*"]

    condition {
      test     = "ForAnyValue:StringEquals"
      variable = "kms:ResourceAliases"
      values   = [var.kms_key_alias]
    }
  }
}

resource "aws_iam_policy" "instance" {
  name        = "${var.name_prefix}-ssm-session-logging"
  description = "Lets EC2 instances run Session Manager sessions and write their encrypted logs."
  policy      = data.aws_iam_policy_document.instance.json
  tags        = var.tags
}

# The instance profile for managed EC2 instances: Session Manager (AmazonSSMManagedInstanceCore)
# plus the logging policy above, so every session an instance runs can write its transcript.
data "aws_iam_policy_document" "instance_assume" {
  count = var.create_instance_profile ? 1 : 0

  statement {
    sid     = "Ec2AssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "instance" {
  count = var.create_instance_profile ? 1 : 0

  name               = "${var.name_prefix}-ssm-managed-instance"
  description        = "Managed EC2 instances: Session Manager with session logging."
  assume_role_policy = data.aws_iam_policy_document.instance_assume[0].json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "instance_core" {
  count = var.create_instance_profile ? 1 : 0

  role       = aws_iam_role.instance[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role_policy_attachment" "instance_logging" {
  count = var.create_instance_profile ? 1 : 0

  role       = aws_iam_role.instance[0].name
  policy_arn = aws_iam_policy.instance.arn
}

resource "aws_iam_instance_profile" "instance" {
  count = var.create_instance_profile ? 1 : 0

  name = "${var.name_prefix}-ssm-managed-instance"
  role = aws_iam_role.instance[0].name
  tags = var.tags
}
