# NVS account: the audit-logging baseline of HIPAA 164.312(b)
# (shared/policy/audit-logging-policy.md). Everything is in ../../modules/account_baseline,
# shared with every other account; this root only supplies the account's values.

module "baseline" {
  source = "../../modules/account_baseline"

  name_prefix               = var.name_prefix
  account_id                = var.account_id
  region                    = var.region
  partition                 = var.partition
  vpc_ids                   = var.vpc_ids
  alert_emails              = var.alert_emails
  non_admin_role_names      = var.non_admin_role_names
  trusted_principal_arns    = var.trusted_principal_arns
  enable_lambda_data_events = var.enable_lambda_data_events
  manage_organization_scp   = var.manage_organization_scp
  scp_target_ids            = var.scp_target_ids
}
