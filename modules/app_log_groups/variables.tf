variable "django_log_group_names" {
  description = "CloudWatch log groups of the Django application; each name starts with \"/app/django\"."
  type        = list(string)
  default     = ["/app/django/access", "/app/django/audit"]

  validation {
    condition     = length(var.django_log_group_names) > 0 && alltrue([for name in var.django_log_group_names : startswith(name, "/app/django")])
    error_message = "django_log_group_names must list at least one log group, each starting with \"/app/django\"."
  }
}

variable "laravel_log_group_names" {
  description = "CloudWatch log groups of the Laravel application; each name starts with \"/app/laravel\"."
  type        = list(string)
  default     = ["/app/laravel/access", "/app/laravel/audit"]

  validation {
    condition     = length(var.laravel_log_group_names) > 0 && alltrue([for name in var.laravel_log_group_names : startswith(name, "/app/laravel")])
    error_message = "laravel_log_group_names must list at least one log group, each starting with \"/app/laravel\"."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting the log groups."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN of a customer-managed key."
  }
}

variable "retention_in_days" {
  description = "Retention of the application log groups: 0 (never expire) or at least 365 days (1 year), and a value CloudWatch Logs accepts."
  type        = number
  default     = 365

  validation {
    condition     = contains([0, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.retention_in_days)
    error_message = "retention_in_days must be 0 or a CloudWatch Logs retention of at least 365 days: 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "tags" {
  description = "Tags added to every log group."
  type        = map(string)
  default     = {}
}

variable "enable_data_protection" {
  description = "Attach a CloudWatch Logs data protection policy (audit + mask) to every application log group. Turn off only where an account-level DATA_PROTECTION_POLICY already covers them."
  type        = bool
  default     = true
}

variable "data_protection_identifiers" {
  description = "CloudWatch Logs managed data identifiers to audit and mask (the NAME of arn:aws:dataprotection::aws:data-identifier/NAME): the US health identifiers and the personal data of a patient record."
  type        = list(string)
  default = [
    "Name", "Address", "EmailAddress", "PhoneNumber-US", "DateOfBirth", "Ssn-US", "DriversLicense-US",
    "HealthInsuranceClaimNumber-US", "MedicareBeneficiaryNumber-US", "NationalDrugCode-US",
    "NationalProviderId-US", "HealthcareProcedureCode-US", "DrugEnforcementAgencyNumber-US",
  ]

  validation {
    condition     = length(var.data_protection_identifiers) > 0 && alltrue([for id in var.data_protection_identifiers : can(regex("^[A-Za-z]+(-[A-Z]{2})?$", id))])
    error_message = "data_protection_identifiers must list managed data identifier names such as \"Ssn-US\" or \"EmailAddress\" (not ARNs)."
  }
}

variable "data_protection_findings_log_group_name" {
  description = "Log group receiving the data protection audit findings (kept and encrypted like the application logs)."
  type        = string
  default     = "/app/data-protection-findings"

  validation {
    condition     = can(regex("^[.\\-_/#A-Za-z0-9]{1,512}$", var.data_protection_findings_log_group_name))
    error_message = "data_protection_findings_log_group_name must be a valid CloudWatch Logs log group name."
  }
}

variable "aws_partition" {
  description = "AWS partition of the data identifier ARNs (aws, aws-cn or aws-us-gov)."
  type        = string
  default     = "aws"

  validation {
    condition     = contains(["aws", "aws-cn", "aws-us-gov"], var.aws_partition)
    error_message = "aws_partition must be aws, aws-cn or aws-us-gov."
  }
}

variable "audit_event_metrics" {
  description = "Audit-event types (the contract's \"event\" field) counted by a metric filter on every application log group, and the metric each one feeds."
  type        = map(string)
  default = {
    "auth.login.failure" = "LoginFailures"
    "authz.denied"       = "AuthorizationDenials"
  }

  validation {
    condition     = alltrue([for event in keys(var.audit_event_metrics) : contains(["auth.login.success", "auth.login.failure", "auth.logout", "phi.read", "phi.create", "phi.update", "phi.delete", "authz.denied"], event)])
    error_message = "audit_event_metrics keys must be audit-event types: auth.login.success, auth.login.failure, auth.logout, phi.read, phi.create, phi.update, phi.delete, authz.denied."
  }
}

variable "metric_namespace" {
  description = "CloudWatch namespace of the audit-event metrics."
  type        = string
  default     = "Application/Audit"

  validation {
    condition     = length(var.metric_namespace) > 0 && !startswith(var.metric_namespace, "AWS/")
    error_message = "metric_namespace must be set and must not start with \"AWS/\"."
  }
}
