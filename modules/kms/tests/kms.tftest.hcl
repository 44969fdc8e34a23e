# The log key's contract (policy: "encrypted with KMS CMK"), checked by `terraform test` on a plan.
# Offline: python3 tools/tfoffline.py test modules/kms

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

variables {
  alias_name       = "acme-audit-logs"
  allow_cloudtrail = true
}

run "customer_managed_symmetric_key_with_rotation" {
  command = plan

  assert {
    condition     = aws_kms_key.this.enable_key_rotation && aws_kms_key.this.key_usage == "ENCRYPT_DECRYPT"
    error_message = "The key must be a rotated symmetric encryption key."
  }

  assert {
    condition     = aws_kms_alias.this.name == "alias/acme-audit-logs"
    error_message = "The alias must be alias/<alias_name>."
  }
}

run "key_policy_lets_the_account_administer_and_cloudtrail_encrypt" {
  command = plan

  assert {
    condition = anytrue([
      for s in jsondecode(aws_kms_key.this.policy).Statement :
      try(s.Principal.AWS, "") == "arn:aws:iam::111122223333:root"
    ])
    error_message = "The key policy must name the account root, so IAM can manage access."
  }

  assert {
    condition = anytrue([
      for s in jsondecode(aws_kms_key.this.policy).Statement :
      try(s.Principal.Service, "") == "cloudtrail.amazonaws.com"
    ])
    error_message = "allow_cloudtrail = true must let CloudTrail use the key."
  }
}

run "services_not_asked_for_get_no_grant" {
  command = plan

  variables {
    allow_cloudtrail = false
  }

  assert {
    condition = !anytrue([
      for s in jsondecode(aws_kms_key.this.policy).Statement :
      try(s.Principal.Service, "") == "cloudtrail.amazonaws.com"
    ])
    error_message = "Without allow_cloudtrail, CloudTrail must not be granted the key."
  }
}
