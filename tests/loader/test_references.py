"""HCL loader (issue 7): the modular-baseline idioms: references to one element of a map, partly known names, provider data.

Written as idioms of widely used public modules (terraform-aws-modules/*, cloudposse/*,
nozaq/secure-baseline...), in HCL form and, where a plan can say the same, in plan form."""
from __future__ import annotations


from .common import lint, verdicts


# =====================================================================================================
# The modular-baseline idioms (tests/acceptance_idioms): references that name one element of a map,
# names known only in part, data sources terraform reads from the provider configuration.
# =====================================================================================================
def test_module_output_map_indexed_by_a_literal_key_names_one_instance(tmp_path):
    """terraform-aws-modules style: a module creates buckets with for_each and outputs
    `{ for k, b in aws_s3_bucket.this : k => b.id }`; the caller picks one by key."""
    model, report = lint(tmp_path, {
        "main.tf": '''
            module "log_buckets" {
              source  = "./modules/buckets"
              buckets = { cloudtrail = 2557, scratch = 30 }
            }
            resource "aws_cloudtrail" "main" {
              name                  = "org-trail"
              s3_bucket_name        = module.log_buckets.ids["cloudtrail"]
              is_multi_region_trail = true
            }
        ''',
        "modules/buckets/main.tf": '''
            variable "buckets" {
              type = map(number)
            }
            resource "aws_s3_bucket" "this" {
              for_each = var.buckets
              bucket   = "acme-${each.key}-logs"
            }
            resource "aws_s3_bucket_lifecycle_configuration" "this" {
              for_each = var.buckets
              bucket   = aws_s3_bucket.this[each.key].id
              rule {
                id     = "expire"
                status = "Enabled"
                filter {}
                expiration {
                  days = each.value
                }
              }
            }
            output "ids" {
              value = { for k, b in aws_s3_bucket.this : k => b.id }
            }
        ''',
    }, "RET-001")
    trail = model.get("aws_cloudtrail.main")
    assert trail.refs["s3_bucket_name"] == ('module.log_buckets.aws_s3_bucket.this["cloudtrail"]',)
    assert verdicts(report, "RET-001") == {"aws_cloudtrail.main": "pass"}


def test_each_value_attribute_refers_to_its_own_element(tmp_path):
    model, _ = lint(tmp_path, '''
        data "aws_iam_policy_document" "a" {}
        data "aws_iam_policy_document" "b" {}
        locals {
          policies = { a = data.aws_iam_policy_document.a.json, b = data.aws_iam_policy_document.b.json }
          buckets  = { for k in ["a", "b"] : k => merge({ name = "bucket-${k}" }, { policy = local.policies[k] }) }
        }
        resource "aws_s3_bucket_policy" "this" {
          for_each = local.buckets
          bucket   = each.value.name
          policy   = each.value.policy
        }
    ''')
    assert model.get('aws_s3_bucket_policy.this["a"]').refs["policy"] == ("data.aws_iam_policy_document.a",)
    assert model.get('aws_s3_bucket_policy.this["b"]').refs["policy"] == ("data.aws_iam_policy_document.b",)


def test_a_name_known_in_part_links_to_the_resource_named_so(tmp_path):
    """secure-baseline style: bucket names end in the account id, known only at apply."""
    model, report = lint(tmp_path, '''
        data "aws_caller_identity" "current" {}
        locals {
          account_id   = data.aws_caller_identity.current.account_id
          bucket_names = { for k in ["cloudtrail", "config"] : k => "acme-${k}-${local.account_id}" }
        }
        resource "aws_s3_bucket" "logs" {
          for_each = local.bucket_names
          bucket   = each.value
        }
        resource "aws_s3_bucket_versioning" "logs" {
          for_each = local.bucket_names
          bucket   = each.value
          versioning_configuration {
            status = each.key == "cloudtrail" ? "Suspended" : "Enabled"
          }
        }
        resource "aws_cloudtrail" "main" {
          name                  = "org-trail"
          s3_bucket_name        = "acme-cloudtrail-${data.aws_caller_identity.current.account_id}"
          is_multi_region_trail = true
        }
    ''', "CT-008")
    trail = model.get("aws_cloudtrail.main")
    assert 'aws_s3_bucket.logs["cloudtrail"]' in trail.refs["s3_bucket_name"]
    assert 'aws_s3_bucket.logs["config"]' not in trail.refs["s3_bucket_name"]
    assert verdicts(report, "CT-008") == {"aws_cloudtrail.main": "fail"}


def test_region_partition_and_account_come_from_the_provider_configuration(tmp_path):
    model, _ = lint(tmp_path, '''
        provider "aws" {
          region              = "us-gov-west-1"
          allowed_account_ids = ["111122223333"]
        }
        provider "aws" {
          alias  = "nhc"
          region = "us-east-1"
          assume_role {
            role_arn = "arn:aws:iam::222233334444:role/terraform"
          }
        }
        provider "aws" {
          alias = "env"
        }
        data "aws_region" "current" {}
        data "aws_partition" "current" {}
        data "aws_caller_identity" "current" {}
        data "aws_partition" "nhc" {
          provider = aws.nhc
        }
        data "aws_caller_identity" "nhc" {
          provider = aws.nhc
        }
        data "aws_region" "env" {
          provider = aws.env
        }
        resource "t" "r" {
          arn        = "arn:${data.aws_partition.current.partition}:s3:::x"
          region     = data.aws_region.current.region
          account    = data.aws_caller_identity.current.account_id
          nhc        = "arn:${data.aws_partition.nhc.partition}:iam::${data.aws_caller_identity.nhc.account_id}:root"
          env_region = data.aws_region.env.region
        }
    ''')
    values = model.get("t.r").values
    from lint_rules.model import UNKNOWN
    assert values["arn"] == "arn:aws-us-gov:s3:::x" and values["region"] == "us-gov-west-1"
    assert values["account"] == "111122223333"
    assert values["nhc"] == "arn:aws:iam::222233334444:root"
    assert values["env_region"] is UNKNOWN  # from the environment: not known
