"""HCL loader (issue 7): Terraform's type conversions: argument values take the provider schema's types.

Written as idioms of widely used public modules (terraform-aws-modules/*, cloudposse/*,
nozaq/secure-baseline...), in HCL form and, where a plan can say the same, in plan form."""
from __future__ import annotations

import pytest

from lint_rules.engine import ACCOUNT
from lint_rules.loaders.hcl import load_hcl_dir

from .common import PlanBuilder, cli, lint, lint_plan, load_error, verdicts, write


# =====================================================================================================
# 1. Terraform's type conversions: values are converted to the argument's schema type as they enter
#    the model (quoted booleans and numbers are common in modules that take strings from tfvars).
# =====================================================================================================
TRAIL = '''
resource "aws_kms_key" "trail" {
  description         = "cloudtrail"
  enable_key_rotation = %(rotation)s
}

resource "aws_cloudtrail" "this" {
  name                       = "org-trail"
  s3_bucket_name             = "acme-trail-logs"
  is_multi_region_trail      = %(multi_region)s
  enable_logging             = %(logging)s
  enable_log_file_validation = true
  kms_key_id                 = aws_kms_key.trail.arn

  event_selector {
    read_write_type           = "All"
    include_management_events = %(management)s
  }
}
'''


def trail(rotation='"true"', multi_region='"true"', logging='"true"', management='"true"') -> str:
    return TRAIL % {"rotation": rotation, "multi_region": multi_region, "logging": logging,
                    "management": management}


def test_quoted_false_stops_the_trail(tmp_path):
    model, report = lint(tmp_path, trail(logging='"false"'), "CT-001")
    assert model.get("aws_cloudtrail.this").values["enable_logging"] is False
    assert verdicts(report, "CT-001") == {"aws_cloudtrail.this": "fail", ACCOUNT: "fail"}
    assert "enable_logging = false" in next(f.message for f in report.findings if f.resource == "aws_cloudtrail.this")


def test_quoted_true_is_true(tmp_path):
    model, report = lint(tmp_path, trail())
    trail_values = model.get("aws_cloudtrail.this").values
    assert trail_values["is_multi_region_trail"] is True
    assert trail_values["event_selector"][0]["include_management_events"] is True
    assert model.get("aws_kms_key.trail").values["enable_key_rotation"] is True
    assert verdicts(report, "CT-001") == {"aws_cloudtrail.this": "pass"}
    assert verdicts(report, "CT-002") == {"aws_cloudtrail.this": "pass"}
    assert verdicts(report, "CT-005") == {"aws_cloudtrail.this": "pass"}


def test_numbers_and_strings_convert_both_ways(tmp_path):
    model, report = lint(tmp_path, '''
        resource "aws_cloudwatch_log_group" "app" {
          name              = 2024
          retention_in_days = "2557"
        }
        resource "aws_s3_bucket" "b" {
          bucket = "logs"
          tags   = { retention = 7, legal_hold = true }
        }
    ''')
    group = model.get("aws_cloudwatch_log_group.app").values
    assert group["name"] == "2024" and group["retention_in_days"] == 2557
    assert model.get("aws_s3_bucket.b").values["tags"] == {"retention": "7", "legal_hold": "true"}


def test_conversion_inside_dynamic_blocks_and_lists(tmp_path):
    model, _ = lint(tmp_path, '''
        locals {
          selectors = [{ rw = "All", mgmt = "false" }]
        }
        resource "aws_cloudtrail" "this" {
          name           = "t"
          s3_bucket_name = "b"
          dynamic "event_selector" {
            for_each = local.selectors
            content {
              read_write_type           = event_selector.value.rw
              include_management_events = event_selector.value.mgmt
              data_resource {
                type   = "AWS::Lambda::Function"
                values = [12345]
              }
            }
          }
        }
    ''')
    selector = model.get("aws_cloudtrail.this").values["event_selector"][0]
    assert selector["include_management_events"] is False
    assert selector["data_resource"][0]["values"] == ["12345"]


def test_a_reference_sees_the_converted_value(tmp_path):
    model, _ = lint(tmp_path, '''
        resource "aws_cloudwatch_log_group" "a" {
          name              = "a"
          retention_in_days = "400"
        }
        resource "aws_cloudwatch_log_group" "b" {
          name              = "b"
          retention_in_days = aws_cloudwatch_log_group.a.retention_in_days + 1
        }
    ''')
    assert model.get("aws_cloudwatch_log_group.b").values["retention_in_days"] == 401


@pytest.mark.parametrize("value", ['"yes"', '"True"', "1"])
def test_a_value_terraform_cannot_convert_is_an_input_error(tmp_path, value):
    message = load_error(tmp_path, trail(logging=value))
    assert message.startswith(f"{tmp_path / 'main.tf'}:11: ")
    assert 'Inappropriate value for attribute "enable_logging": a bool is required' in message


def test_cli_exit_2_for_an_unconvertible_value(tmp_path):
    write(tmp_path, trail(multi_region='"yes"'))
    proc = cli("check", tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "main.tf:10:" in proc.stderr and "a bool is required" in proc.stderr


def test_unknown_types_are_left_alone(tmp_path):
    model, _ = lint(tmp_path, 'resource "random_thing" "x" {\n  enabled = "yes"\n}\n')
    assert model.get("random_thing.x").values["enabled"] == "yes"


# --- variables: tfvars / -var / module inputs convert to the declared type -------------------------
VARIABLE_ROOT = {
    "variables.tf": '''
        variable "enable_logging" {
          type    = bool
          default = true
        }
        variable "retention_days" {
          type    = number
          default = 2557
        }
    ''',
    "main.tf": '''
        resource "aws_cloudtrail" "this" {
          name                  = "org-trail"
          s3_bucket_name        = "acme-trail-logs"
          is_multi_region_trail = true
          enable_logging        = var.enable_logging
        }
        resource "aws_cloudwatch_log_group" "trail" {
          name              = "/aws/cloudtrail/org"
          retention_in_days = var.retention_days
        }
    ''',
}


def test_tfvars_strings_convert_to_the_declared_type(tmp_path):
    files = dict(VARIABLE_ROOT, **{"terraform.tfvars": 'enable_logging = "false"\nretention_days = "400"\n'})
    model, report = lint(tmp_path, files, "CT-001")
    assert model.get("aws_cloudwatch_log_group.trail").values["retention_in_days"] == 400
    assert verdicts(report, "CT-001") == {"aws_cloudtrail.this": "fail", ACCOUNT: "fail"}


def test_tfvars_json_and_cli_values_convert(tmp_path):
    files = dict(VARIABLE_ROOT, **{"terraform.tfvars.json": '{"enable_logging": "false"}'})
    model, _ = lint(tmp_path, files)
    assert model.get("aws_cloudtrail.this").values["enable_logging"] is False
    model = load_hcl_dir(tmp_path, variables={"enable_logging": "true", "retention_days": "731"})
    assert model.get("aws_cloudtrail.this").values["enable_logging"] is True
    assert model.get("aws_cloudwatch_log_group.trail").values["retention_in_days"] == 731


def test_a_tfvars_value_terraform_rejects_names_the_file(tmp_path):
    files = dict(VARIABLE_ROOT, **{"prod.auto.tfvars": 'enable_logging = "sometimes"\n'})
    message = load_error(tmp_path, files)
    assert message.startswith(str(tmp_path / "prod.auto.tfvars"))
    assert 'Invalid value for input variable "enable_logging": a bool is required' in message
    (tmp_path / "prod.auto.tfvars").unlink()
    proc = cli("check", tmp_path, "--var", "retention_days=forever")
    assert proc.returncode == 2 and "a number is required" in proc.stderr and proc.stderr.count("\n") == 1


def test_module_input_converts_to_the_declared_type(tmp_path):
    """cloudposse-style: a module variable typed bool, the caller passes a quoted string."""
    model, report = lint(tmp_path, {
        "main.tf": '''
            module "cloudtrail" {
              source                = "./modules/cloudtrail"
              enable_logging        = "false"
              is_multi_region_trail = "true"
            }
        ''',
        "modules/cloudtrail/main.tf": '''
            variable "enable_logging" {
              type = bool
            }
            variable "is_multi_region_trail" {
              type    = bool
              default = false
            }
            resource "aws_cloudtrail" "default" {
              name                  = "trail"
              s3_bucket_name        = "bucket"
              enable_logging        = var.enable_logging
              is_multi_region_trail = var.is_multi_region_trail
            }
        ''',
    }, "CT-001")
    values = model.get("module.cloudtrail.aws_cloudtrail.default").values
    assert values["enable_logging"] is False and values["is_multi_region_trail"] is True
    assert verdicts(report, "CT-001") == {"module.cloudtrail.aws_cloudtrail.default": "fail", ACCOUNT: "fail"}


def test_module_input_terraform_rejects_names_the_call(tmp_path):
    message = load_error(tmp_path, {
        "main.tf": 'module "m" {\n  source  = "./m"\n  enabled = "maybe"\n}\n',
        "m/main.tf": 'variable "enabled" {\n  type = bool\n}\nresource "t" "r" {\n  x = var.enabled\n}\n',
    })
    assert message.startswith(f"{tmp_path / 'main.tf'}:3: ") and "a bool is required" in message


def test_plan_form_bool_false_fails_ct001():
    """Plans carry values terraform already converted: a plan with enable_logging = false fails."""
    doc = PlanBuilder().resource("aws_cloudtrail.this", {
        "name": "org-trail", "s3_bucket_name": "acme-trail-logs", "is_multi_region_trail": True,
        "enable_logging": False}).build()
    assert verdicts(lint_plan(doc, "CT-001"), "CT-001") == {"aws_cloudtrail.this": "fail", ACCOUNT: "fail"}
