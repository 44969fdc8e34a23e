provider "aws" {
  region              = var.region
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = var.tags
  }
}

# State lives in a versioned, encrypted bucket of the account; supply the rest
# with `terraform init -backend-config=...`.
# terraform {
#   backend "s3" {
#     key          = "auditgate/nhc/terraform.tfstate"
#     region       = "us-east-1"
#     encrypt      = true
#     use_lockfile = true
#   }
# }
