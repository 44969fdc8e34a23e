data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  devops_admin_role_name           = "${var.name_prefix}-devops-admin"
  security_investigation_role_name = "${var.name_prefix}-security-investigation"

  # Who may assume the roles (always with MFA): the listed principals, or else
  # IAM principals of this account that are allowed to assume them.
  trusted_principal_arns = length(var.trusted_principal_arns) > 0 ? var.trusted_principal_arns : ["arn:${local.partition}:iam::${local.account_id}:root"]

  log_bucket_arns = [for name in var.log_bucket_names : "arn:${local.partition}:s3:::${name}"]
  log_object_arns = [for name in var.log_bucket_names : "arn:${local.partition}:s3:::${name}/*"]
}

data "aws_iam_policy_document" "assume_with_mfa" {
  statement {
    sid     = "AssumeRoleWithMfa"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = local.trusted_principal_arns
    }

    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }

    condition {
      test     = "NumericLessThan"
      variable = "aws:MultiFactorAuthAge"
      values   = ["3600"]
    }
  }
}

# --- Break-glass DevOps admin ----------------------------------------------------

resource "aws_iam_role" "devops_admin" {
  name                 = local.devops_admin_role_name
  description          = "Break-glass DevOps admin: full access including log buckets and trails. MFA required; every use alerts."
  assume_role_policy   = data.aws_iam_policy_document.assume_with_mfa.json
  max_session_duration = 3600
  tags                 = merge(var.tags, { Purpose = "break-glass" })
}

resource "aws_iam_role_policy_attachment" "devops_admin" {
  role       = aws_iam_role.devops_admin.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AdministratorAccess"
}

# --- Security investigation (read-only) ------------------------------------------

resource "aws_iam_role" "security_investigation" {
  name                 = local.security_investigation_role_name
  description          = "Read-only investigation of audit logs (CloudWatch Logs Insights, log archive buckets). MFA required."
  assume_role_policy   = data.aws_iam_policy_document.assume_with_mfa.json
  max_session_duration = 3600
  tags                 = merge(var.tags, { Purpose = "security-investigation" })
}

data "aws_iam_policy_document" "security_investigation" {
  statement {
    sid    = "ReadLogGroups"
    effect = "Allow"
    actions = [
      "logs:StartQuery",
      "logs:FilterLogEvents",
      "logs:GetLogEvents",
      "logs:GetLogGroupFields",
      "logs:GetQueryResults",
      "logs:DescribeLogStreams",
    ]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
  }

  # Actions that take no log-group ARN.
  statement {
    sid    = "LogsInsightsAndDescribe"
    effect = "Allow"
    actions = [
      "logs:StopQuery",
      "logs:DescribeLogGroups",
      "logs:DescribeQueries",
      "logs:DescribeQueryDefinitions",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "ListLogBuckets"
    effect    = "Allow"
    actions   = ["s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketLocation"]
    resources = local.log_bucket_arns
  }

  statement {
    sid       = "ReadLogObjects"
    effect    = "Allow"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = local.log_object_arns
  }

  statement {
    sid       = "DecryptLogObjects"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:DescribeKey"]
    resources = ["arn:${local.partition}:kms:${local.region}:${local.account_id}:key/*"]

    condition {
      test     = "ForAnyValue:StringEquals"
      variable = "kms:ResourceAliases"
      values   = [var.kms_key_alias]
    }
  }
}

resource "aws_iam_role_policy" "security_investigation" {
  name   = "read-audit-logs"
  role   = aws_iam_role.security_investigation.id
  policy = data.aws_iam_policy_document.security_investigation.json
}
