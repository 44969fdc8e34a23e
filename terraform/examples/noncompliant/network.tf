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

# VIOLATION: Application-Level Logging: "Django and Laravel applications must log ..." (no /app/laravel* log group; the Django one is in applications.tf)
# VIOLATION: Log Sources: "Application access logs | CloudWatch Logs (Django/Laravel) | 1 year" (364 days, one day short; also not a value CloudWatch Logs accepts)
resource "aws_cloudwatch_log_group" "web" {
  name              = "/legacy/web"
  retention_in_days = 364
}
