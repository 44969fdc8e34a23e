"""HCL loader: Terraform as people write it (issue 7's loader items), each as an idiom of widely used
public modules (terraform-aws-modules/*, cloudposse/*, nozaq/secure-baseline...), in HCL form and --
where a plan can say the same -- in plan form."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lint_rules.engine import ACCOUNT, evaluate, get_rule
from lint_rules.errors import InputError
from lint_rules.loaders import load_path
from lint_rules.loaders.hcl import load_hcl_dir

from .helpers import POLICY, lint_plan, verdicts
from .planbuilder import PlanBuilder


def write(root: Path, files: dict[str, str] | str) -> Path:
    if isinstance(files, str):
        files = {"main.tf": files}
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))
    return root


def lint(tmp_path: Path, files, rule: str | None = None, **kwargs):
    model = load_hcl_dir(write(tmp_path, files), **kwargs)
    rules = [get_rule(rule)] if rule else None
    return model, evaluate(model, POLICY, rules=rules)


def load_error(tmp_path: Path, files, **kwargs) -> str:
    with pytest.raises(InputError) as info:
        load_hcl_dir(write(tmp_path, files), **kwargs)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def cli(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lint_rules.cli", *map(str, args)], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


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


# =====================================================================================================
# 6. Nothing dropped silently by the parser
# =====================================================================================================
# nozaq/secure-baseline and many hand-written roots keep bucket policies in heredocs; an editor that
# leaves spaces after the closing marker gives a file terraform accepts.
HEREDOC_TRAILING_SPACES = '''
resource "aws_s3_bucket" "trail" {
  bucket = "acme-trail-logs"
}

resource "aws_s3_bucket_policy" "trail" {
  bucket = aws_s3_bucket.trail.id
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": []
}
POLICY@@
}

resource "aws_cloudtrail" "main" {
  name                  = "org-trail"
  s3_bucket_name        = aws_s3_bucket.trail.id
  is_multi_region_trail = false
}

resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = <<-EOT
    {"Version": "2012-10-17", "Statement": []}
  EOT
}
'''.replace("POLICY@@", "POLICY  ")  # two spaces after the closing marker (kept out of editors' reach)


def test_heredoc_closing_marker_with_trailing_spaces_parses_as_terraform_does(tmp_path):
    model, report = lint(tmp_path, HEREDOC_TRAILING_SPACES, "CT-001")
    assert [r.address for r in model] == ["aws_s3_bucket.trail", "aws_s3_bucket_policy.trail",
                                          "aws_cloudtrail.main", "aws_iam_role.r"]
    assert json.loads(model.get("aws_s3_bucket_policy.trail").values["policy"]) == {
        "Version": "2012-10-17", "Statement": []}
    assert model.get("aws_cloudtrail.main").line == 16
    # the trail after the heredoc is read, and judged
    assert verdicts(report, "CT-001") == {"aws_cloudtrail.main": "fail", ACCOUNT: "fail"}


def test_heredoc_trailing_tab_and_flush_heredoc(tmp_path):
    text = 'locals {\n  a = <<-EOT\n    x\n  EOT\t\n}\nresource "t" "r" {\n  v = local.a\n}\n'
    model, _ = lint(tmp_path, text)
    assert model.get("t.r").values["v"] == "x\n"


def test_lexical_scan_sees_every_top_level_block():
    from lint_rules.loaders.hcl.lexscan import scan
    text = textwrap.dedent('''
        # resource "commented" "out" {}
        /* module "also" { source = "./x" } */
        resource "aws_s3_bucket" "a" {
          policy = <<EOF
        resource "inside" "heredoc" {}
        EOF
          tags = { Name = "resource \\"x\\" \\"y\\" {" }
        }
        data "aws_caller_identity" "me" {}
        module "m" {
          source = "./m"
          x      = "${jsonencode({ a = "}" })}"
        }
        locals { a = 1 }
    ''')
    blocks = scan(text).blocks
    assert [(b.type, b.labels, b.line) for b in blocks] == [
        ("resource", ["aws_s3_bucket", "a"], 4), ("data", ["aws_caller_identity", "me"], 10),
        ("module", ["m"], 11), ("locals", [], 15)]


def test_a_block_the_parser_loses_is_an_input_error(tmp_path, monkeypatch):
    """The guard: should the parser ever return fewer top-level blocks than the file declares, the
    load stops with exit 2 naming the first one lost -- never fewer resources."""
    import hcl2

    real = hcl2.parses_to_tree

    def lossy(text):  # a parser that drops the second resource, as a heredoc run-on would
        start = text.index('resource "aws_cloudtrail"')
        end = text.index('resource "aws_iam_role"')
        return real(text[:start] + "\n" * text[start:end].count("\n") + text[end:])

    monkeypatch.setattr(hcl2, "parses_to_tree", lossy)
    message = load_error(tmp_path, HEREDOC_TRAILING_SPACES)
    assert message.startswith(f"{tmp_path / 'main.tf'}:16: ")
    assert 'resource "aws_cloudtrail" "main" was not read by the HCL parser' in message


def test_cli_reads_every_block_after_a_trailing_space_heredoc(tmp_path):
    write(tmp_path, HEREDOC_TRAILING_SPACES)
    proc = cli("check", tmp_path, "--format", "json")
    assert proc.returncode == 1, proc.stderr  # read whole: the trail fails CT-001
    report = json.loads(proc.stdout)
    assert any(f["resource"] == "aws_cloudtrail.main" and f["status"] == "fail" for f in report["findings"])
