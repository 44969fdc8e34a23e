# One account's whole baseline, composed: what the policy asks of the account as a whole, checked by
# `terraform test` on a plan (each module's own contract is in its tests/). Offline:
# python3 tools/tfoffline.py test modules/account_baseline

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

variables {
  name_prefix  = "acme"
  account_id   = "111122223333"
  region       = "us-east-1"
  vpc_ids      = ["vpc-0a1b2c3d4e5f60001"]
  alert_emails = ["security@example.com"]
}

run "each_log_source_has_its_own_bucket" {
  command = plan

  assert {
    condition = alltrue([
      for source in ["cloudtrail", "config", "security_findings", "ssm_sessions", "s3_access_logs"] :
      endswith(output.log_bucket_names[source], "-111122223333")
    ])
    error_message = "Every log source must have an account-specific archive bucket."
  }

  assert {
    condition     = length(distinct(values(output.log_bucket_names))) == length(output.log_bucket_names)
    error_message = "No two log sources may share a bucket."
  }
}

run "the_screenshot_bucket_is_private_encrypted_and_access_logged" {
  command = plan

  assert {
    condition     = output.screenshot_bucket_name == "acme-screenshots-111122223333"
    error_message = "The screenshot bucket name must carry the account id."
  }

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.screenshots.block_public_acls,
      aws_s3_bucket_public_access_block.screenshots.block_public_policy,
      aws_s3_bucket_public_access_block.screenshots.ignore_public_acls,
      aws_s3_bucket_public_access_block.screenshots.restrict_public_buckets,
    ])
    error_message = "The screenshot bucket must block all public access."
  }

  assert {
    condition = alltrue([
      for rule in aws_s3_bucket_server_side_encryption_configuration.screenshots.rule :
      rule.apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms"
    ])
    error_message = "The screenshot bucket must be encrypted with the customer-managed key."
  }

  assert {
    condition     = module.screenshot_access_logging.target_bucket_name == output.log_bucket_names["s3_access_logs"]
    error_message = "The screenshot bucket's access logs must go to the access log bucket."
  }
}

run "application_log_groups_exist_for_both_apps" {
  command = plan

  assert {
    condition     = length(output.app_log_group_names) > 0
    error_message = "The Django and Laravel log groups must be created."
  }
}
