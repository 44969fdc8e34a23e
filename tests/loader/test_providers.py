"""HCL loader (issue 7): Several accounts in one root: Resource.provider and Model.providers

Written as idioms of widely used public modules (terraform-aws-modules/*, cloudposse/*,
nozaq/secure-baseline...), in HCL form and, where a plan can say the same, in plan form."""
from __future__ import annotations

import json


from .common import lint


# =====================================================================================================
# 7. Several accounts in one root: Resource.provider and Model.providers
# =====================================================================================================
MULTI_ACCOUNT = {
    "providers.tf": '''
        variable "nhc_account_id" {
          type    = string
          default = "222233334444"
        }
        provider "aws" {
          region              = "us-east-1"
          allowed_account_ids = ["111122223333"]
        }
        provider "aws" {
          alias               = "nhc"
          region              = "us-east-1"
          allowed_account_ids = [var.nhc_account_id]
          assume_role {
            role_arn = "arn:aws:iam::${var.nhc_account_id}:role/OrganizationAccountAccessRole"
          }
        }
        provider "aws" {
          alias   = "unknown_region"
          region  = var.region_from_env
          profile = "nhc-admin"
        }
        provider "random" {}
        variable "region_from_env" {
          type = string
        }
    ''',
    "main.tf": '''
        resource "aws_cloudtrail" "nvs" {
          name                  = "nvs-trail"
          s3_bucket_name        = "nvs-logs"
          is_multi_region_trail = true
        }
        resource "aws_cloudtrail" "nhc" {
          provider              = aws.nhc
          name                  = "nhc-trail"
          s3_bucket_name        = "nhc-logs"
          is_multi_region_trail = true
        }
        module "nhc_guardduty" {
          source    = "./modules/guardduty"
          providers = { aws = aws.nhc }
        }
        module "nvs_guardduty" {
          source = "./modules/guardduty"
        }
    ''',
    "modules/guardduty/main.tf": '''
        resource "aws_guardduty_detector" "this" {
          enable = true
        }
        module "findings_bucket" {
          source = "../bucket"
        }
    ''',
    "modules/bucket/main.tf": 'resource "aws_s3_bucket" "this" {\n  bucket = "findings"\n}\n',
}


def test_resources_know_their_provider_configuration(tmp_path):
    model, _ = lint(tmp_path, MULTI_ACCOUNT)
    providers = {r.address: r.provider for r in model}
    assert providers == {
        "aws_cloudtrail.nvs": "aws", "aws_cloudtrail.nhc": "aws.nhc",
        "module.nhc_guardduty.aws_guardduty_detector.this": "aws.nhc",
        "module.nhc_guardduty.module.findings_bucket.aws_s3_bucket.this": "aws.nhc",
        "module.nvs_guardduty.aws_guardduty_detector.this": "aws",
        "module.nvs_guardduty.module.findings_bucket.aws_s3_bucket.this": "aws",
    }


def test_provider_configurations(tmp_path):
    from lint_rules.model import UNKNOWN, ProviderConfig
    model, _ = lint(tmp_path, MULTI_ACCOUNT)
    where = str(tmp_path / "providers.tf")
    assert "random" not in model.providers  # aws provider configurations only
    assert model.providers["aws"] == ProviderConfig("aws", None, "us-east-1", ("111122223333",), None, where, 6)
    assert model.providers["aws.nhc"] == ProviderConfig(
        "aws.nhc", "nhc", "us-east-1", ("222233334444",),
        "arn:aws:iam::222233334444:role/OrganizationAccountAccessRole", where, 10)
    unknown = model.providers["aws.unknown_region"]
    assert unknown.region is UNKNOWN and unknown.account_ids == () and unknown.assume_role_arn is None
    assert unknown.profile == "nhc-admin"


def test_provider_block_inside_a_legacy_module_is_its_own_configuration(tmp_path):
    model, _ = lint(tmp_path, {
        "main.tf": 'module "legacy" {\n  source = "./legacy"\n}\n',
        "legacy/main.tf": 'provider "aws" {\n  region = "eu-west-1"\n}\nresource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n',
    })
    assert model.get("module.legacy.aws_s3_bucket.b").provider == "module.legacy:aws"
    assert model.providers["module.legacy:aws"].region == "eu-west-1"


def test_json_providers_and_provider_meta_argument(tmp_path):
    model, _ = lint(tmp_path, {"main.tf.json": json.dumps({
        "provider": {"aws": [{"region": "us-east-1"},
                             {"alias": "nhc", "region": "us-east-2",
                              "assume_role": {"role_arn": "arn:aws:iam::222233334444:role/tf"}}]},
        "resource": {"aws_cloudtrail": {"nhc": {"provider": "aws.nhc", "name": "t", "s3_bucket_name": "b"}}},
    })})
    assert model.get("aws_cloudtrail.nhc").provider == "aws.nhc"
    assert model.providers["aws.nhc"].region == "us-east-2"
    assert model.providers["aws.nhc"].assume_role_arn == "arn:aws:iam::222233334444:role/tf"
