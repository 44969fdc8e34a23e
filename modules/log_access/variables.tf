variable "name_prefix" {
  description = "Prefix of the role names: \"<prefix>-devops-admin\" and \"<prefix>-security-investigation\" (e.g. \"nvs\")."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,30}$", var.name_prefix))
    error_message = "name_prefix must be 1-31 lowercase letters, digits or hyphens."
  }
}

variable "trusted_principal_arns" {
  description = "IAM principals (e.g. an identity account or SSO roles) allowed to assume the roles with MFA. Empty means this account's IAM principals that are granted sts:AssumeRole."
  type        = list(string)
  default     = []
}

variable "log_bucket_names" {
  description = "Names of the log archive buckets the security investigation role may read."
  type        = list(string)

  validation {
    condition     = length(var.log_bucket_names) > 0
    error_message = "log_bucket_names must name at least one log bucket."
  }
}

variable "kms_key_alias" {
  description = "Alias (\"alias/...\") of the customer-managed key encrypting the logs; the investigation role may decrypt with it."
  type        = string

  validation {
    condition     = startswith(var.kms_key_alias, "alias/") && !startswith(var.kms_key_alias, "alias/aws/")
    error_message = "kms_key_alias must be a customer-managed key alias \"alias/<name>\" (not alias/aws/...)."
  }
}

variable "tags" {
  description = "Tags added to the roles."
  type        = map(string)
  default     = {}
}
