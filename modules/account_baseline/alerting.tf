# --- Alerting and log-integrity guard rails ---------------------------------------

module "alarms" {
  source = "../alarms"

  name_prefix               = var.name_prefix
  kms_key_arn               = module.kms.key_arn
  alert_emails              = var.alert_emails
  cloudtrail_log_group_name = module.cloudtrail.cloudwatch_log_group_name
  screenshot_bucket_name    = aws_s3_bucket.screenshots.bucket
}

# Every non-admin role is denied DeleteTrail/StopLogging/UpdateTrail/PutEventSelectors:
# the account's existing workload roles plus the roles this configuration creates
# (all but the break-glass devops-admin role).
module "iam_guardrails" {
  source = "../iam_guardrails"

  name_prefix = var.name_prefix
  non_admin_role_names = concat(var.non_admin_role_names, [
    module.log_access.security_investigation_role_name,
    module.cloudtrail.cloudwatch_role_name,
    module.flow_logs.iam_role_name,
    module.config.iam_role_name,
    ], compact([
      # code on a managed instance acts through its role: it needs the denial too
      module.ssm_session_logging.instance_role_name,
  ]))
  manage_organization_scp = var.manage_organization_scp
  scp_target_ids          = var.scp_target_ids
}
