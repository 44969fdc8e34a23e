variable "account_id" {
  description = "AWS account ID of the NHC account; the provider refuses any other account, and bucket names include it."
  type        = string
  default     = "444455556666"

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account ID."
  }
}

variable "region" {
  description = "AWS region of the baseline (the trail itself is multi-region)."
  type        = string
  default     = "us-east-1"
}

variable "partition" {
  description = "AWS partition of the account (aws, aws-us-gov, aws-cn), for ARNs built from literals."
  type        = string
  default     = "aws"

  validation {
    condition     = contains(["aws", "aws-us-gov", "aws-cn"], var.partition)
    error_message = "partition must be aws, aws-us-gov or aws-cn."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name of this account."
  type        = string
  default     = "nhc"
}

variable "vpc_ids" {
  description = "IDs of every existing VPC of the account; each gets a flow log."
  type        = list(string)
  default     = ["vpc-0b1c2d3e4f5a60001", "vpc-0b1c2d3e4f5a60002"]
}

variable "alert_emails" {
  description = "Email addresses receiving security alerts."
  type        = list(string)
  default     = ["security-alerts@example.com"]
}

variable "non_admin_role_names" {
  description = "Names of the account's existing non-admin IAM roles (workloads, CI); each is denied CloudTrail DeleteTrail/StopLogging/UpdateTrail/PutEventSelectors."
  type        = list(string)
  default     = ["nhc-app-django", "nhc-app-laravel", "nhc-ci-deploy"]
}

variable "trusted_principal_arns" {
  description = "Principals allowed to assume the break-glass and investigation roles with MFA; empty means this account's IAM principals."
  type        = list(string)
  default     = []
}

variable "enable_lambda_data_events" {
  description = "Log Lambda invocation data events (policy: \"Lambda if used\")."
  type        = bool
  default     = true
}

variable "manage_organization_scp" {
  description = "Also manage the organization SCP denying CloudTrail tampering (only from the organization's management account)."
  type        = bool
  default     = false
}

variable "scp_target_ids" {
  description = "Organization root, OU or account IDs the SCP is attached to when manage_organization_scp is true."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to every resource through the provider's default_tags."
  type        = map(string)
  default = {
    Account    = "NHC"
    Compliance = "HIPAA-164.312(b)"
    ManagedBy  = "terraform"
    Project    = "auditgate"
  }
}
