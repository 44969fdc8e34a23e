"""HCL loader (issue 7): count / for_each not known statically: the instance may not exist (Resource.maybe_absent)

Written as idioms of widely used public modules (terraform-aws-modules/*, cloudposse/*,
nozaq/secure-baseline...), in HCL form and, where a plan can say the same, in plan form."""
from __future__ import annotations

from lint_rules.loaders.hcl import load_hcl_dir

from .common import lint


# =====================================================================================================
# 4. count / for_each not known statically: the instance may not exist (Resource.maybe_absent)
# =====================================================================================================
def test_count_from_a_variable_without_value_may_be_absent(tmp_path):
    model, _ = lint(tmp_path, '''
        variable "enabled" {
          type = bool
        }
        resource "aws_cloudtrail" "this" {
          count                 = var.enabled ? 1 : 0
          name                  = "trail"
          s3_bucket_name        = "logs"
          is_multi_region_trail = true
        }
        resource "aws_cloudwatch_log_group" "known" {
          count = 1
          name  = "x"
        }
    ''')
    assert model.get("aws_cloudtrail.this").maybe_absent == "count = var.enabled ? 1 : 0 is not known"
    assert model.get("aws_cloudwatch_log_group.known[0]").maybe_absent is None
    model = load_hcl_dir(tmp_path, variables={"enabled": "true"})
    assert model.get("aws_cloudtrail.this[0]").maybe_absent is None


def test_cloudposse_module_this_enabled_not_followed(tmp_path):
    """cloudposse's `count = module.this.enabled ? 1 : 0`, with the null-label module not downloaded."""
    model, _ = lint(tmp_path, {
        "context.tf": 'module "this" {\n  source  = "cloudposse/label/null"\n  version = "0.25.0"\n}\n',
        "main.tf": '''
            resource "aws_cloudtrail" "default" {
              count                 = module.this.enabled ? 1 : 0
              name                  = "trail"
              s3_bucket_name        = "logs"
              is_multi_region_trail = true
            }
        ''',
    })
    trail = model.get("aws_cloudtrail.default")
    assert trail.maybe_absent == "count = module.this.enabled ? 1 : 0 is not known"
    assert [u.address for u in model.unfollowed_modules] == ["module.this"]


def test_resources_of_a_module_whose_count_is_unknown_may_be_absent(tmp_path):
    model, _ = lint(tmp_path, {
        "main.tf": '''
            variable "create_trail" {
              type = bool
            }
            module "trail" {
              source   = "./trail"
              for_each = var.create_trail ? toset(["main"]) : toset([])
            }
        ''',
        "trail/main.tf": '''
            resource "aws_cloudtrail" "this" {
              name           = "t"
              s3_bucket_name = "b"
            }
            module "inner" {
              source = "./inner"
            }
        ''',
        "trail/inner/main.tf": 'resource "aws_cloudwatch_log_group" "g" {\n  name = "g"\n}\n',
    })
    reason = "module.trail: for_each = var.create_trail ? toset([\"main\"]) : toset([]) is not known"
    assert model.get("module.trail.aws_cloudtrail.this").maybe_absent == reason
    assert model.get("module.trail.module.inner.aws_cloudwatch_log_group.g").maybe_absent == reason
