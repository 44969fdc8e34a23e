# --- VPC Flow Logs ------------------------------------------------------------------

resource "aws_vpc" "app" {
  cidr_block = "10.10.0.0/16"
}

# VIOLATION: VPC Flow Logs: "Enabled on all VPCs in NVS and NHC" (this VPC has no flow log)
resource "aws_vpc" "orphan" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_flow_log" "app" {
  vpc_id = aws_vpc.app.id

  # VIOLATION: Log Sources: "Network traffic | VPC Flow Logs | 1 year" (rejected traffic only; accepted traffic is never logged)
  traffic_type = "REJECT"

  # VIOLATION: VPC Flow Logs: "Published to CloudWatch Logs" (published to S3)
  log_destination_type = "s3"
  log_destination      = aws_s3_bucket.trail.arn

  # VIOLATION: VPC Flow Logs: "Log format: default (includes source IP, destination, port, action)" (custom format drops addresses and ports)
  log_format = "$${version} $${account-id} $${interface-id} $${action}"
}

# --- Application logs ---------------------------------------------------------------

# VIOLATION: Application-Level Logging: "Django and Laravel applications must log ..." (no *laravel* log group; the other Django group is in applications.tf)
# VIOLATION: Log Sources: "Application access logs | CloudWatch Logs (Django/Laravel) | 1 year" (this Django group keeps 364 days, one day short; also not a value CloudWatch Logs accepts)
resource "aws_cloudwatch_log_group" "web" {
  name              = "/legacy/django-web"
  retention_in_days = 364
}

# A second VPC whose flow log goes to CloudWatch Logs, but through a role VPC Flow Logs cannot assume,
# into a log group whose key CloudWatch Logs may not use.
resource "aws_vpc" "data" {
  cidr_block = "10.11.0.0/16"
}

# VIOLATION: VPC Flow Logs: "Published to CloudWatch Logs" (the role trusts ec2.amazonaws.com, not vpc-flow-logs.amazonaws.com: nothing is published)
resource "aws_iam_role" "flow" {
  name = "legacy-flow-logs"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "ec2.amazonaws.com" }
        Action    = "sts:AssumeRole"
      },
    ]
  })
}

resource "aws_iam_role_policy" "flow" {
  name = "publish-flow-logs"
  role = aws_iam_role.flow.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
        Resource = "arn:aws:logs:*:*:log-group:${aws_cloudwatch_log_group.flow.name}:*"
      },
    ]
  })
}

# VIOLATION: CloudTrail Requirements: "CloudTrail log files encrypted with KMS CMK" (applied to log groups: the key policy does not let logs.<region>.amazonaws.com use the key, so the group cannot be written)
resource "aws_kms_key" "flow" {
  description         = "Flow log group key (key policy forgets CloudWatch Logs)"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
    ]
  })
}

resource "aws_cloudwatch_log_group" "flow" {
  name              = "/legacy/vpc-flow"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.flow.arn
}

resource "aws_flow_log" "data" {
  vpc_id               = aws_vpc.data.id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow.arn
  iam_role_arn         = aws_iam_role.flow.arn
}
