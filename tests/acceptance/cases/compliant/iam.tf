# --- Log access: break-glass admin and read-only investigators -------------
data "aws_iam_policy_document" "assume_from_account_with_mfa" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
}

resource "aws_iam_role" "devops_admin" {
  name                 = "DevOpsAdminBreakGlass"
  description          = "DevOps admin role (break-glass)"
  assume_role_policy   = data.aws_iam_policy_document.assume_from_account_with_mfa.json
  max_session_duration = 3600
}

resource "aws_iam_role_policy_attachment" "devops_admin" {
  role       = aws_iam_role.devops_admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role" "security_investigator" {
  name               = "SecurityInvestigator"
  description        = "Security investigation role (read-only, CloudWatch Logs Insights)"
  assume_role_policy = data.aws_iam_policy_document.assume_from_account_with_mfa.json
}

resource "aws_iam_role_policy" "security_investigator" {
  name = "read-audit-logs"
  role = aws_iam_role.security_investigator.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "LogsInsightsReadOnly"
        Effect = "Allow"
        Action = [
          "logs:Describe*",
          "logs:Get*",
          "logs:List*",
          "logs:FilterLogEvents",
          "logs:StartQuery",
          "logs:StopQuery",
          "logs:GetQueryResults",
        ]
        Resource = "*"
      },
      {
        Sid    = "ReadLogBuckets"
        Effect = "Allow"
        Action = ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"]
        Resource = [
          aws_s3_bucket.cloudtrail.arn,
          "${aws_s3_bucket.cloudtrail.arn}/*",
          aws_s3_bucket.access_logs.arn,
          "${aws_s3_bucket.access_logs.arn}/*",
        ]
      },
      {
        Sid      = "ReadTrail"
        Effect   = "Allow"
        Action   = ["cloudtrail:LookupEvents", "cloudtrail:GetTrail*", "cloudtrail:DescribeTrails"]
        Resource = "*"
      },
    ]
  })
}

# --- Nobody but the admin role may delete or stop the trail ------------------
resource "aws_iam_policy" "deny_trail_tampering" {
  name        = "DenyCloudTrailTampering"
  description = "Denies DeleteTrail/StopLogging to every non-admin role"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid    = "DenyDeleteTrail"
      Effect = "Deny"
      Action = [
        "cloudtrail:DeleteTrail",
        "cloudtrail:StopLogging",
        "cloudtrail:UpdateTrail",
        "cloudtrail:PutEventSelectors",
      ]
      Resource = "*"
    }]
  })
}

resource "aws_iam_role" "app_instance" {
  name = "acme-phi-app-instance"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "app_instance_ssm" {
  role       = aws_iam_role.app_instance.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role_policy_attachment" "deny_trail_tampering" {
  for_each = {
    security_investigator = aws_iam_role.security_investigator.name
    app_instance          = aws_iam_role.app_instance.name
    config                = aws_iam_role.config.name
    flow_logs             = aws_iam_role.flow_logs.name
    cloudtrail_cw         = aws_iam_role.cloudtrail_to_cloudwatch.name
  }
  role       = each.value
  policy_arn = aws_iam_policy.deny_trail_tampering.arn
}
