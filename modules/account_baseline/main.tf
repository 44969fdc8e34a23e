# The audit-logging baseline of HIPAA 164.312(b) (shared/policy/audit-logging-policy.md) for one
# AWS account, composed from the modules beside this one. Every account root calls this module
# once, so the accounts cannot drift apart.

locals {
  # Names and ARNs derive from literals and the partition, region and account id
  # variables (never from data sources, which are known only at apply and not at
  # all when the HCL is read statically), so every bucket, key alias, IAM policy
  # and the Session Manager preferences are known at plan time.
  cloudtrail_bucket_name = "${var.name_prefix}-cloudtrail-logs-${var.account_id}"
  config_bucket_name     = "${var.name_prefix}-config-logs-${var.account_id}"
  findings_bucket_name   = "${var.name_prefix}-security-findings-${var.account_id}"
  ssm_bucket_name        = "${var.name_prefix}-ssm-session-logs-${var.account_id}"
  access_log_bucket_name = "${var.name_prefix}-s3-access-logs-${var.account_id}"
  screenshot_bucket_name = "${var.name_prefix}-screenshots-${var.account_id}"
  screenshot_bucket_arn  = "arn:${var.partition}:s3:::${local.screenshot_bucket_name}"
  screenshot_objects_arn = "arn:${var.partition}:s3:::${local.screenshot_bucket_name}/*"

  kms_alias_name = "${var.name_prefix}-audit-logs"
  kms_alias_arn  = "arn:${var.partition}:kms:${var.region}:${var.account_id}:alias/${local.kms_alias_name}"

  log_bucket_names = [
    local.cloudtrail_bucket_name,
    local.config_bucket_name,
    local.findings_bucket_name,
    local.ssm_bucket_name,
    local.access_log_bucket_name,
  ]
}

# --- Encryption: one customer-managed key for every log of the account ---------

module "kms" {
  source = "../kms"

  alias_name            = local.kms_alias_name
  description           = "Audit logs of ${var.name_prefix} (CloudTrail, CloudWatch Logs, Config, GuardDuty, SNS)"
  allow_cloudtrail      = true
  allow_cloudwatch_logs = true
  allow_sns             = true
  allow_config          = true
  allow_guardduty       = true
}

# --- Log access: break-glass admin and read-only investigation -----------------

module "log_access" {
  source = "../log_access"

  name_prefix            = var.name_prefix
  trusted_principal_arns = var.trusted_principal_arns
  log_bucket_names       = local.log_bucket_names
  kms_key_alias          = module.kms.alias_name
}

# --- Log archive buckets ---------------------------------------------------------

module "s3_access_log_bucket" {
  source = "../log_archive_bucket"

  bucket_name                   = local.access_log_bucket_name
  retention_days                = 365
  server_access_log_destination = true
  break_glass_role_arns         = [module.log_access.devops_admin_role_arn]
  log_reader_role_arns          = [module.log_access.security_investigation_role_arn]
}

module "cloudtrail_bucket" {
  source = "../log_archive_bucket"

  bucket_name               = local.cloudtrail_bucket_name
  kms_key_arn               = module.kms.key_arn
  retention_days            = 2557
  object_lock_enabled       = true
  object_lock_mode          = "GOVERNANCE"
  access_log_bucket_name    = module.s3_access_log_bucket.bucket_name
  allow_cloudtrail_delivery = true
  break_glass_role_arns     = [module.log_access.devops_admin_role_arn]
  log_reader_role_arns      = [module.log_access.security_investigation_role_arn]
}

module "config_bucket" {
  source = "../log_archive_bucket"

  bucket_name            = local.config_bucket_name
  kms_key_arn            = module.kms.key_arn
  retention_days         = 2557
  access_log_bucket_name = module.s3_access_log_bucket.bucket_name
  allow_config_delivery  = true
  break_glass_role_arns  = [module.log_access.devops_admin_role_arn]
  log_reader_role_arns   = [module.log_access.security_investigation_role_arn]
}

module "findings_bucket" {
  source = "../log_archive_bucket"

  bucket_name              = local.findings_bucket_name
  kms_key_arn              = module.kms.key_arn
  retention_days           = 365
  access_log_bucket_name   = module.s3_access_log_bucket.bucket_name
  allow_guardduty_delivery = true
  break_glass_role_arns    = [module.log_access.devops_admin_role_arn]
  log_reader_role_arns     = [module.log_access.security_investigation_role_arn]
}

module "ssm_session_log_bucket" {
  source = "../log_archive_bucket"

  bucket_name            = local.ssm_bucket_name
  kms_key_arn            = module.kms.key_arn
  retention_days         = 365
  access_log_bucket_name = module.s3_access_log_bucket.bucket_name
  break_glass_role_arns  = [module.log_access.devops_admin_role_arn]
  log_reader_role_arns   = [module.log_access.security_investigation_role_arn]
}

# --- Log sources -----------------------------------------------------------------

module "cloudtrail" {
  source = "../cloudtrail"

  name                      = "${var.name_prefix}-audit-trail"
  s3_bucket_name            = module.cloudtrail_bucket.bucket_name
  kms_key_arn               = module.kms.key_arn
  enable_lambda_data_events = var.enable_lambda_data_events
}

module "flow_logs" {
  source = "../flow_logs"

  name_prefix    = var.name_prefix
  vpc_ids        = var.vpc_ids
  log_group_name = "/aws/vpc/${var.name_prefix}/flow-logs"
  kms_key_arn    = module.kms.key_arn
}

module "config" {
  source = "../config"

  name_prefix    = var.name_prefix
  s3_bucket_name = module.config_bucket.bucket_name
  kms_key_arn    = module.kms.key_arn
  kms_key_alias  = module.kms.alias_name
}

module "security_findings" {
  source = "../security_findings"

  name_prefix         = var.name_prefix
  findings_bucket_arn = module.findings_bucket.bucket_arn
  kms_key_arn         = module.kms.key_arn
}

module "app_log_groups" {
  source = "../app_log_groups"

  kms_key_arn = module.kms.key_arn
}

module "ssm_session_logging" {
  source = "../ssm_session_logging"

  name_prefix    = var.name_prefix
  s3_bucket_name = module.ssm_session_log_bucket.bucket_name
  kms_key_arn    = module.kms.key_arn
  kms_key_alias  = module.kms.alias_name
  # kmsKeyId of the preferences document: the alias ARN from literals, known at plan time
  kms_key_alias_arn = local.kms_alias_arn
}
