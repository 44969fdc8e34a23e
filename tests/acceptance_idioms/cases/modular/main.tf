data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition
  prefix     = "${var.org}-${var.environment}"

  trail_name = "${local.prefix}-audit"
  trail_arn  = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${local.trail_name}"

  # Bucket names are deterministic, so policies can name the buckets before they exist.
  bucket_names = { for key, _ in var.log_buckets : key => "${local.prefix}-${key}-${local.account_id}" }
  bucket_arns  = { for key, name in local.bucket_names : key => "arn:${local.partition}:s3:::${name}" }

  screenshot_bucket_name = "${local.prefix}-screenshots-${local.account_id}"
  screenshot_bucket_arn  = "arn:${local.partition}:s3:::${local.screenshot_bucket_name}"

  bucket_kms_keys = {
    cloudtrail    = module.trail_key.arn
    config        = module.logs_key.arn
    "access-logs" = null
  }

  bucket_policies = {
    cloudtrail    = data.aws_iam_policy_document.cloudtrail_bucket.json
    config        = data.aws_iam_policy_document.config_bucket.json
    "access-logs" = data.aws_iam_policy_document.access_logs_bucket.json
  }

  log_readers = [
    module.access.devops_admin_role_arn,
    module.access.security_investigation_role_arn,
  ]

  trail_data_resources = [
    for type, values in var.trail_data_events : {
      type   = type
      values = values
    }
  ]
}

# --- keys ----------------------------------------------------------------------
module "trail_key" {
  source = "./modules/kms_key"

  alias              = "${local.prefix}-cloudtrail"
  description        = "CMK for CloudTrail log files"
  account_id         = local.account_id
  region             = local.region
  partition          = local.partition
  allow_cloudtrail   = true
  decrypt_principals = local.log_readers
}

module "logs_key" {
  source = "./modules/kms_key"

  alias                = "${local.prefix}-logs"
  description          = "CMK for log groups, Config history and alert topics"
  account_id           = local.account_id
  region               = local.region
  partition            = local.partition
  allow_cloudwatch_log = true
  service_principals   = ["config.amazonaws.com", "cloudwatch.amazonaws.com", "events.amazonaws.com", "sns.amazonaws.com"]
  decrypt_principals   = local.log_readers
}

# --- audit log buckets -----------------------------------------------------------
module "log_buckets" {
  source = "./modules/log_buckets"

  buckets = {
    for key, cfg in var.log_buckets : key => merge(cfg, {
      name        = local.bucket_names[key]
      kms_key_arn = cfg.sse_algorithm == "aws:kms" ? local.bucket_kms_keys[key] : null
      policy_json = local.bucket_policies[key]
    })
  }
}

# --- CloudTrail --------------------------------------------------------------------
module "trail" {
  source = "./modules/trail"

  name                     = local.trail_name
  bucket_name              = module.log_buckets.ids["cloudtrail"]
  s3_key_prefix            = "trail"
  kms_key_arn              = module.trail_key.arn
  is_multi_region          = var.trail_is_multi_region
  data_resources           = local.trail_data_resources
  log_group_retention_days = var.trail_log_group_retention_days
  log_group_kms_key_arn    = module.logs_key.arn

  depends_on = [module.log_buckets]
}

# --- network -------------------------------------------------------------------------
module "vpc_logs" {
  source = "./modules/vpc_logs"

  name_prefix    = local.prefix
  vpcs           = var.vpcs
  traffic_type   = var.flow_log_traffic_type
  retention_days = var.flow_log_retention_days
  kms_key_arn    = module.logs_key.arn
}

# --- AWS Config ----------------------------------------------------------------------
module "aws_config" {
  source = "./modules/aws_config"

  name_prefix    = local.prefix
  bucket_name    = module.log_buckets.ids["config"]
  kms_key_arn    = module.logs_key.arn
  retention_days = var.config_retention_days

  depends_on = [module.log_buckets]
}

# --- alerting ------------------------------------------------------------------------
module "alerts" {
  source = "./modules/alerts"

  name        = "${local.prefix}-security-alerts"
  kms_key_arn = module.logs_key.arn
  account_id  = local.account_id
  emails      = var.alert_emails
}

module "alarms" {
  source = "./modules/alarms"

  trail_log_group_name = module.trail.log_group_name
  topic_arn            = module.alerts.topic_arn
  cloudtrail_disabled  = var.alarms_enabled["cloudtrail_disabled"]
  root_login           = var.alarms_enabled["root_login"]
}

# --- GuardDuty and Security Hub ------------------------------------------------------
module "findings" {
  source = "./modules/findings"

  name_prefix              = local.prefix
  retention_days           = var.log_retention_days
  kms_key_arn              = module.logs_key.arn
  enable_default_standards = var.securityhub_default_standards
  alert_topic_arn          = module.alerts.topic_arn
}

# --- applications ----------------------------------------------------------------------
module "apps" {
  source = "./modules/apps"

  apps           = var.apps
  retention_days = var.log_retention_days
  kms_key_arn    = module.logs_key.arn
}

module "screenshots" {
  source = "./modules/screenshots"

  bucket_name       = local.screenshot_bucket_name
  kms_key_arn       = module.logs_key.arn
  access_log_bucket = module.log_buckets.ids["access-logs"]
  alert_topic_arn   = module.alerts.topic_arn
}

module "session_logging" {
  source = "./modules/session_logging"

  log_group_name = "/aws/ssm/${local.prefix}-sessions"
  retention_days = var.log_retention_days
  kms_key_arn    = module.logs_key.arn
  kms_key_id     = module.logs_key.key_id
}

# --- who may touch the logs -----------------------------------------------------------
module "access" {
  source = "./modules/access"

  name_prefix     = var.org
  account_id      = local.account_id
  partition       = local.partition
  log_bucket_arns = values(local.bucket_arns)
  scp_target_ids  = var.scp_target_ids
}
