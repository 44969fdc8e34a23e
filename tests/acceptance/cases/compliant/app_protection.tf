# Application-Level Logging: PHI masked where the application logs land, and the audit events an
# alarm watches (login failures, authorization denials) counted in each application log group.

locals {
  phi_identifiers = [
    for id in ["Name", "Address", "EmailAddress", "PhoneNumber-US", "DateOfBirth", "Ssn-US", "DriversLicense-US",
      "HealthInsuranceClaimNumber-US", "MedicareBeneficiaryNumber-US", "NationalDrugCode-US",
    "NationalProviderId-US", "HealthcareProcedureCode-US", "DrugEnforcementAgencyNumber-US"] :
    "arn:aws:dataprotection::aws:data-identifier/${id}"
  ]
  django_log_group  = aws_cloudwatch_log_group.django.name
  laravel_log_group = aws_cloudwatch_log_group.laravel.name
}

resource "aws_cloudwatch_log_group" "data_protection_findings" {
  name              = "/audit/data-protection-findings"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.logs.arn
}

# One data protection policy for every log group of the account.
resource "aws_cloudwatch_log_account_policy" "phi" {
  policy_name = "phi-data-protection"
  policy_type = "DATA_PROTECTION_POLICY"
  scope       = "ALL"
  policy_document = jsonencode({
    Name    = "phi-data-protection"
    Version = "2021-06-01"
    Statement = [
      {
        Sid            = "audit"
        DataIdentifier = local.phi_identifiers
        Operation = {
          Audit = {
            FindingsDestination = { CloudWatchLogs = { LogGroup = aws_cloudwatch_log_group.data_protection_findings.name } }
          }
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

resource "aws_cloudwatch_log_metric_filter" "django_login_failures" {
  name           = "django-login-failures"
  log_group_name = local.django_log_group
  pattern        = "{ $.event = \"auth.login.failure\" }"
  metric_transformation {
    name      = "DjangoLoginFailures"
    namespace = "Application/Audit"
    value     = "1"
  }
}

resource "aws_cloudwatch_log_metric_filter" "django_authz_denied" {
  name           = "django-authz-denied"
  log_group_name = local.django_log_group
  pattern        = "{ $.event = \"authz.denied\" }"
  metric_transformation {
    name      = "DjangoAuthorizationDenials"
    namespace = "Application/Audit"
    value     = "1"
  }
}

resource "aws_cloudwatch_log_metric_filter" "laravel_login_failures" {
  name           = "laravel-login-failures"
  log_group_name = local.laravel_log_group
  pattern        = "{ $.event = \"auth.login.failure\" }"
  metric_transformation {
    name      = "LaravelLoginFailures"
    namespace = "Application/Audit"
    value     = "1"
  }
}

resource "aws_cloudwatch_log_metric_filter" "laravel_authz_denied" {
  name           = "laravel-authz-denied"
  log_group_name = local.laravel_log_group
  pattern        = "{ $.event = \"authz.denied\" }"
  metric_transformation {
    name      = "LaravelAuthorizationDenials"
    namespace = "Application/Audit"
    value     = "1"
  }
}
