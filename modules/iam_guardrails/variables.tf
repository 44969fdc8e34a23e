variable "name_prefix" {
  description = "Prefix for the policy names (e.g. \"nvs\")."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,30}$", var.name_prefix))
    error_message = "name_prefix must be 1-31 lowercase letters, digits or hyphens."
  }
}

variable "non_admin_role_names" {
  description = "Names of every non-admin IAM role of the account; each gets the policy denying cloudtrail:DeleteTrail, StopLogging, UpdateTrail and PutEventSelectors."
  type        = list(string)

  validation {
    condition     = length(var.non_admin_role_names) > 0 && alltrue([for name in var.non_admin_role_names : !strcontains(name, "devops-admin")])
    error_message = "non_admin_role_names must list at least one role and must not contain the break-glass admin role (a name containing \"devops-admin\")."
  }
}

variable "manage_organization_scp" {
  description = "Also create an organization service control policy with the same denial, exempting the admin roles, and attach it to scp_target_ids. Only possible from the organization's management account."
  type        = bool
  default     = false
}

variable "admin_role_arn_patterns" {
  description = "ARN patterns of the admin roles exempt from the SCP (the break-glass DevOps admin role)."
  type        = list(string)
  default     = ["arn:aws:iam::*:role/*devops-admin*"]

  validation {
    condition     = length(var.admin_role_arn_patterns) > 0 && alltrue([for arn in var.admin_role_arn_patterns : strcontains(arn, "devops-admin")])
    error_message = "admin_role_arn_patterns must list at least one pattern, each naming a devops-admin role."
  }
}

variable "scp_target_ids" {
  description = "Organization root, OU or account IDs the SCP is attached to (used when manage_organization_scp is true)."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to the policies."
  type        = map(string)
  default     = {}
}
