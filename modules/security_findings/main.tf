data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.region

  # Security Hub standards ARNs are regional and have no account id.
  fsbp_standards_arn = "arn:${local.partition}:securityhub:${local.region}::standards/aws-foundational-security-best-practices/v/1.0.0"
  cis_standards_arn  = "arn:${local.partition}:securityhub:${local.region}::standards/cis-aws-foundations-benchmark/v/${var.cis_benchmark_version}"
}

resource "aws_guardduty_detector" "this" {
  enable                       = true
  finding_publishing_frequency = var.finding_publishing_frequency
  tags                         = var.tags
}

# Every GuardDuty finding is exported to the KMS-encrypted findings bucket, kept
# for the policy's 1 year (GuardDuty itself keeps findings 90 days).
resource "aws_guardduty_publishing_destination" "this" {
  detector_id      = aws_guardduty_detector.this.id
  destination_type = "S3"
  destination_arn  = var.findings_bucket_arn
  kms_key_arn      = var.kms_key_arn
}

resource "aws_securityhub_account" "this" {
  enable_default_standards  = false
  auto_enable_controls      = true
  control_finding_generator = "SECURITY_CONTROL"
}

resource "aws_securityhub_standards_subscription" "fsbp" {
  standards_arn = local.fsbp_standards_arn

  depends_on = [aws_securityhub_account.this]
}

resource "aws_securityhub_standards_subscription" "cis" {
  standards_arn = local.cis_standards_arn

  depends_on = [aws_securityhub_account.this]
}
