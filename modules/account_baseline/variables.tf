variable "name_prefix" {
  description = "Prefix of every resource name of the account (e.g. \"nvs\"): buckets \"<prefix>-cloudtrail-logs-<account_id>\", ..., key alias \"alias/<prefix>-audit-logs\", trail \"<prefix>-audit-trail\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,30}$", var.name_prefix))
    error_message = "name_prefix must be 1-31 lowercase letters, digits or hyphens, starting with a letter or digit."
  }
}

variable "account_id" {
  description = "AWS account ID of the account; bucket names and the key alias ARN include it. It must be the account the aws provider runs against."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account ID."
  }
}

variable "region" {
  description = "AWS region of the aws provider (the trail itself is multi-region); the key alias ARN given to the Session Manager preferences includes it."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "partition" {
  description = "AWS partition of the account (aws, aws-us-gov, aws-cn), for the ARNs built from literals."
  type        = string
  default     = "aws"

  validation {
    condition     = contains(["aws", "aws-us-gov", "aws-cn"], var.partition)
    error_message = "partition must be aws, aws-us-gov or aws-cn."
  }
}

variable "vpc_ids" {
  description = "IDs of every existing VPC of the account; each gets a flow log."
  type        = list(string)

  validation {
    condition     = length(var.vpc_ids) > 0 && alltrue([for id in var.vpc_ids : can(regex("^vpc-[0-9a-f]{8,17}$", id))])
    error_message = "vpc_ids must list at least one VPC id of the form vpc-0123456789abcdef0."
  }
}

variable "alert_emails" {
  description = "Email addresses subscribed to the encrypted SNS topic receiving every security alert."
  type        = list(string)

  validation {
    condition     = length(var.alert_emails) > 0 && alltrue([for email in var.alert_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", email))])
    error_message = "alert_emails must list at least one valid email address."
  }
}

variable "non_admin_role_names" {
  description = "Names of the account's existing non-admin IAM roles (workloads, CI). Each, and every role this module creates but the break-glass admin, is denied CloudTrail DeleteTrail/StopLogging/UpdateTrail/PutEventSelectors."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for name in var.non_admin_role_names : can(regex("^[\\w+=,.@-]{1,64}$", name)) && !strcontains(name, "devops-admin")])
    error_message = "non_admin_role_names must be IAM role names (not ARNs) and must not name the break-glass admin role (a name containing \"devops-admin\")."
  }
}

variable "trusted_principal_arns" {
  description = "IAM principals (e.g. an identity account or SSO roles) allowed to assume the break-glass and investigation roles with MFA. Empty means this account's IAM principals that are granted sts:AssumeRole."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.trusted_principal_arns : startswith(arn, "arn:")])
    error_message = "trusted_principal_arns must be ARNs (\"arn:...\")."
  }
}

variable "enable_lambda_data_events" {
  description = "Log Lambda invocation data events in the trail (policy: \"Lambda if used\")."
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

  validation {
    condition     = alltrue([for id in var.scp_target_ids : can(regex("^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|[0-9]{12})$", id))])
    error_message = "scp_target_ids must be organization root (r-...), OU (ou-...-...) or 12-digit account IDs."
  }
}
