variable "apps" {
  description = "Applications keyed by name, with their framework"
  type = map(object({
    framework = string
  }))
}

variable "retention_days" {
  description = "Access log retention"
  type        = number
}

variable "kms_key_arn" {
  description = "Key of the log groups"
  type        = string
}

resource "aws_cloudwatch_log_group" "app" {
  for_each = var.apps

  name              = "/app/${each.value.framework}/${each.key}"
  retention_in_days = var.retention_days
  kms_key_id        = var.kms_key_arn
  tags              = { app = each.key, framework = each.value.framework }
}

output "log_group_names" {
  description = "Log group per application"
  value       = { for k, g in aws_cloudwatch_log_group.app : k => g.name }
}

locals {
  phi_identifiers = [
    for id in ["Name", "Address", "EmailAddress", "PhoneNumber-US", "DateOfBirth", "Ssn-US", "DriversLicense-US",
      "HealthInsuranceClaimNumber-US", "MedicareBeneficiaryNumber-US", "NationalDrugCode-US",
    "NationalProviderId-US", "HealthcareProcedureCode-US", "DrugEnforcementAgencyNumber-US"] :
    "arn:aws:dataprotection::aws:data-identifier/${id}"
  ]
  audit_metrics = {
    "auth.login.failure" = "LoginFailures"
    "authz.denied"       = "AuthorizationDenials"
  }
}

resource "aws_cloudwatch_log_group" "dp_findings" {
  name              = "/app/data-protection-findings"
  retention_in_days = var.retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_cloudwatch_log_data_protection_policy" "app" {
  for_each = var.apps

  log_group_name = aws_cloudwatch_log_group.app[each.key].name
  policy_document = jsonencode({
    Name    = "${each.key}-phi"
    Version = "2021-06-01"
    Statement = [
      {
        Sid            = "audit"
        DataIdentifier = local.phi_identifiers
        Operation = {
          Audit = { FindingsDestination = { CloudWatchLogs = { LogGroup = aws_cloudwatch_log_group.dp_findings.name } } }
        }
      },
      {
        Sid            = "mask"
        DataIdentifier = local.phi_identifiers
        Operation      = { Deidentify = { MaskConfig = {} } }
      },
    ]
  })
}

resource "aws_cloudwatch_log_metric_filter" "audit" {
  for_each = merge([
    for app, _ in var.apps : {
      for event, metric in local.audit_metrics : "${app}/${event}" => { app = app, event = event }
    }
  ]...)

  name           = "${each.value.app}-${each.value.event}"
  log_group_name = aws_cloudwatch_log_group.app[each.value.app].name
  pattern        = "{ $.event = \"${each.value.event}\" }"

  metric_transformation {
    name      = local.audit_metrics[each.value.event]
    namespace = "Apps/${each.value.app}"
    value     = "1"
  }
}
