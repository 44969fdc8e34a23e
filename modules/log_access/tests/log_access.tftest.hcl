# The log-access roles (policy: Log Access), checked by `terraform test` on a plan.
# Offline: python3 tools/tfoffline.py test modules/log_access

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

variables {
  name_prefix      = "acme"
  log_bucket_names = ["acme-cloudtrail-logs-111122223333"]
  kms_key_alias    = "alias/acme-audit-logs"
}

run "both_roles_need_mfa" {
  command = plan

  assert {
    condition = alltrue([
      for role in [aws_iam_role.devops_admin, aws_iam_role.security_investigation] : alltrue([
        for s in jsondecode(role.assume_role_policy).Statement :
        s.Condition.Bool["aws:MultiFactorAuthPresent"] == "true"
      ])
    ])
    error_message = "Both roles must be assumable only with MFA."
  }

  assert {
    condition     = aws_iam_role.devops_admin.name == "acme-devops-admin" && aws_iam_role.security_investigation.name == "acme-security-investigation"
    error_message = "The roles must carry the names the policy's log-access list uses."
  }
}

run "the_investigation_role_is_read_only" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.security_investigation.policy).Statement : [
        for action in flatten([s.Action]) : length(regexall("^(logs|s3|kms):(Get|List|Describe|Filter|Start|Stop|Decrypt)", action)) > 0
      ]
    ]))
    error_message = "The investigation role may only read logs."
  }
}

run "an_aws_managed_alias_is_rejected" {
  command = plan

  variables {
    kms_key_alias = "alias/aws/s3"
  }

  expect_failures = [var.kms_key_alias]
}
