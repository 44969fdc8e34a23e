# S3 server access logging of one bucket (policy: Log Sources, screenshot bucket access logs),
# checked by `terraform test` on a plan. Offline: python3 tools/tfoffline.py test modules/s3_access_logging

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

variables {
  source_bucket_name = "acme-screenshots-111122223333"
  target_bucket_name = "acme-s3-access-logs-111122223333"
}

run "logs_to_another_bucket_under_the_source_name" {
  command = plan

  assert {
    condition     = aws_s3_bucket_logging.this.target_bucket == var.target_bucket_name
    error_message = "Access logs must go to the target bucket."
  }

  assert {
    condition     = aws_s3_bucket_logging.this.target_prefix == "acme-screenshots-111122223333/"
    error_message = "Access logs must be kept under the source bucket's name by default."
  }
}

run "a_bucket_logging_into_itself_is_rejected" {
  command = plan

  variables {
    target_bucket_name = "acme-screenshots-111122223333"
  }

  expect_failures = [aws_s3_bucket_logging.this]
}
