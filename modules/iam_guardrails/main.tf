locals {
  trail_tampering_actions = [
    "cloudtrail:DeleteTrail",
    "cloudtrail:StopLogging",
    "cloudtrail:UpdateTrail",
    "cloudtrail:PutEventSelectors",
  ]
}

# --- IAM policy attached to every non-admin role of the account -----------------

data "aws_iam_policy_document" "deny_trail_tampering" {
  statement {
    sid       = "DenyCloudTrailTampering"
    effect    = "Deny"
    actions   = local.trail_tampering_actions
    resources = ["*"]
  }
}

resource "aws_iam_policy" "deny_trail_tampering" {
  name        = "${var.name_prefix}-deny-cloudtrail-tampering"
  description = "Denies deleting, stopping or changing CloudTrail trails (audit-logging policy: DeleteTrail denied for all non-admin roles)."
  policy      = data.aws_iam_policy_document.deny_trail_tampering.json
  tags        = var.tags
}

resource "aws_iam_role_policy_attachment" "deny_trail_tampering" {
  for_each = toset(var.non_admin_role_names)

  role       = each.value
  policy_arn = aws_iam_policy.deny_trail_tampering.arn
}

# --- Optional organization-wide SCP (management account only) -------------------

data "aws_iam_policy_document" "scp" {
  statement {
    sid       = "DenyCloudTrailTamperingExceptAdmin"
    effect    = "Deny"
    actions   = local.trail_tampering_actions
    resources = ["*"]

    condition {
      test     = "ArnNotLike"
      variable = "aws:PrincipalArn"
      values   = var.admin_role_arn_patterns
    }
  }
}

resource "aws_organizations_policy" "deny_trail_tampering" {
  count = var.manage_organization_scp ? 1 : 0

  name        = "${var.name_prefix}-deny-cloudtrail-tampering"
  description = "Denies CloudTrail DeleteTrail/StopLogging/UpdateTrail/PutEventSelectors to every principal except the break-glass DevOps admin role."
  type        = "SERVICE_CONTROL_POLICY"
  content     = data.aws_iam_policy_document.scp.json
  tags        = var.tags
}

resource "aws_organizations_policy_attachment" "deny_trail_tampering" {
  for_each = var.manage_organization_scp ? toset(var.scp_target_ids) : toset([])

  policy_id = aws_organizations_policy.deny_trail_tampering[0].id
  target_id = each.value
}
