variable "name_prefix" {
  description = "Role name prefix"
  type        = string
}

variable "account_id" {
  description = "This account"
  type        = string
}

variable "partition" {
  description = "AWS partition"
  type        = string
}

variable "log_bucket_arns" {
  description = "Buckets the investigators read"
  type        = list(string)
}

variable "scp_target_ids" {
  description = "Where the trail-protection SCP is attached"
  type        = set(string)
}

locals {
  roles = {
    devops_admin = {
      name        = "${var.name_prefix}-devops-admin"
      description = "DevOps admin role (break-glass)"
      managed     = ["AdministratorAccess"]
    }
    security_investigation = {
      name        = "${var.name_prefix}-security-investigation"
      description = "Security investigation role (read-only, CloudWatch Logs Insights)"
      managed     = ["CloudWatchLogsReadOnlyAccess", "AWSCloudTrail_ReadOnlyAccess"]
    }
    platform_engineer = {
      name        = "${var.name_prefix}-platform-engineer"
      description = "Day-to-day operations, no access to log contents"
      managed     = ["ViewOnlyAccess"]
    }
  }

  attachments = merge([
    for key, role in local.roles : {
      for policy in role.managed : "${key}/${policy}" => { role = key, policy = policy }
    }
  ]...)

  admin_role_arn = "arn:${var.partition}:iam::${var.account_id}:role/${local.roles.devops_admin.name}"
}

data "aws_iam_policy_document" "assume_with_mfa" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${var.partition}:iam::${var.account_id}:root"]
    }

    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
}

resource "aws_iam_role" "this" {
  for_each = local.roles

  name                 = each.value.name
  description          = each.value.description
  assume_role_policy   = data.aws_iam_policy_document.assume_with_mfa.json
  max_session_duration = 3600
}

resource "aws_iam_role_policy_attachment" "managed" {
  for_each = local.attachments

  role       = aws_iam_role.this[each.value.role].name
  policy_arn = "arn:${var.partition}:iam::aws:policy/${each.value.policy}"
}

data "aws_iam_policy_document" "read_log_buckets" {
  statement {
    sid       = "ListLogBuckets"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = var.log_bucket_arns
  }

  statement {
    sid       = "ReadLogObjects"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = [for arn in var.log_bucket_arns : "${arn}/*"]
  }
}

resource "aws_iam_role_policy" "investigation_reads_buckets" {
  name   = "read-log-buckets"
  role   = aws_iam_role.this["security_investigation"].id
  policy = data.aws_iam_policy_document.read_log_buckets.json
}

# Nobody but the break-glass admin may stop or delete the trail: one SCP for the whole OU.
data "aws_iam_policy_document" "protect_trail" {
  statement {
    sid    = "DenyTrailTampering"
    effect = "Deny"
    actions = [
      "cloudtrail:DeleteTrail",
      "cloudtrail:StopLogging",
      "cloudtrail:UpdateTrail",
      "cloudtrail:PutEventSelectors",
    ]
    resources = ["*"]

    condition {
      test     = "ArnNotLike"
      variable = "aws:PrincipalArn"
      values   = [local.admin_role_arn]
    }
  }
}

resource "aws_organizations_policy" "protect_trail" {
  name        = "${var.name_prefix}-protect-cloudtrail"
  description = "Deny DeleteTrail and StopLogging to every principal but the break-glass admin"
  type        = "SERVICE_CONTROL_POLICY"
  content     = data.aws_iam_policy_document.protect_trail.json
}

resource "aws_organizations_policy_attachment" "protect_trail" {
  for_each = var.scp_target_ids

  policy_id = aws_organizations_policy.protect_trail.id
  target_id = each.value
}

output "devops_admin_role_arn" {
  description = "Break-glass admin role"
  value       = aws_iam_role.this["devops_admin"].arn
}

output "security_investigation_role_arn" {
  description = "Read-only investigation role"
  value       = aws_iam_role.this["security_investigation"].arn
}
