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


# =====================================================================================================
# 5. JSON configuration syntax (*.tf.json): CDK for Terraform, Terragrunt generate blocks, and tools that
#    emit configuration write it; terraform reads it beside .tf files.
# =====================================================================================================
JSON_TRAIL = {
    "//": "Generated by cdktf. Do not edit.",
    "variable": {
        "enable_logging": {"type": "bool", "default": True, "description": "${literal, not a template}"},
        "buckets": {"type": "map(object({ days = number }))",
                    "default": {"trail": {"days": 2557}, "scratch": {"days": 30}}},
    },
    "locals": {"prefix": "acme-${terraform.workspace == \"default\" ? \"prod\" : terraform.workspace}",
               "name": "org-trail"},
    "resource": {
        "aws_kms_key": {"trail": {"description": "cloudtrail", "enable_key_rotation": True}},
        "aws_s3_bucket": {"logs": {"for_each": "${var.buckets}", "bucket": "acme-${each.key}-logs"}},
        "aws_cloudtrail": {"main": {
            "//": "the organization trail",
            "name": "${local.name}",
            "s3_bucket_name": "${aws_s3_bucket.logs[\"trail\"].id}",
            "is_multi_region_trail": True,
            "enable_logging": "${var.enable_logging}",
            "enable_log_file_validation": True,
            "kms_key_id": "${aws_kms_key.trail.arn}",
            "depends_on": ["aws_s3_bucket.logs"],
            "event_selector": [{"read_write_type": "All", "include_management_events": True,
                                "data_resource": {"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}}],
            "dynamic": {"insight_selector": {"for_each": ["ApiCallRateInsight"],
                                             "content": {"insight_type": "${insight_selector.value}"}}},
            "lifecycle": {"ignore_changes": ["tags"]},
        }},
    },
    "output": {"trail_arn": {"value": "${aws_cloudtrail.main.arn}"}},
    "terraform": {"required_version": ">= 1.5", "backend": {"s3": {"bucket": "state", "key": "x"}}},
}


def test_a_directory_with_only_tf_json_is_a_root(tmp_path):
    write(tmp_path, {"main.tf.json": json.dumps(JSON_TRAIL, indent=2)})
    model, report = lint(tmp_path, {})
    assert sorted(r.address for r in model) == [
        "aws_cloudtrail.main", "aws_kms_key.trail", 'aws_s3_bucket.logs["scratch"]', 'aws_s3_bucket.logs["trail"]']
    trail = model.get("aws_cloudtrail.main")
    lines = (tmp_path / "main.tf.json").read_text().splitlines()
    assert trail.file == str(tmp_path / "main.tf.json") and '"main": {' in lines[trail.line - 1]
    assert all(r.file.endswith("main.tf.json") and r.line for r in model)
    assert trail.values["enable_logging"] is True
    assert trail.values["event_selector"][0]["data_resource"][0]["values"] == ["arn:aws:s3"]
    assert trail.values["insight_selector"] == [{"insight_type": "ApiCallRateInsight"}]
    assert trail.refs["s3_bucket_name"] == ('aws_s3_bucket.logs["trail"]',)
    assert model.get('aws_s3_bucket.logs["trail"]').values["bucket"] == "acme-trail-logs"
    assert verdicts(report, "CT-001") == {"aws_cloudtrail.main": "pass"}
    assert verdicts(report, "CT-005") == {"aws_cloudtrail.main": "pass"}


def test_json_beside_tf_and_json_override(tmp_path):
    """A generated override file (Terragrunt/CDK style) beside hand-written .tf turns logging off."""
    model, report = lint(tmp_path, {
        "main.tf": '''
            resource "aws_cloudtrail" "main" {
              name                  = "org-trail"
              s3_bucket_name        = "acme-trail-logs"
              is_multi_region_trail = true
            }
        ''',
        "extra.tf.json": json.dumps({"resource": {"aws_cloudwatch_log_group": {"trail": {
            "name": "/aws/cloudtrail/org", "retention_in_days": "2557"}}}}),
        "logging_override.tf.json": json.dumps({"resource": {"aws_cloudtrail": {"main": {
            "enable_logging": "false"}}}}),
    }, "CT-001")
    assert model.get("aws_cloudwatch_log_group.trail").values["retention_in_days"] == 2557
    assert model.get("aws_cloudtrail.main").values["enable_logging"] is False
    assert verdicts(report, "CT-001") == {"aws_cloudtrail.main": "fail", ACCOUNT: "fail"}


def test_json_expression_semantics(tmp_path):
    model, _ = lint(tmp_path, {"main.tf.json": json.dumps({
        "locals": {"ids": ["a", "b"], "joined": "${join(\",\", local.ids)}", "count": "${length(local.ids)}",
                   "escaped": "$${not.interpolated}", "quote": "say \"hi\"\n"},
        "resource": {"t": {"r": {
            "list": "${local.ids}", "joined": "${local.joined}", "n": "${local.count}",
            "escaped": "${local.escaped}", "quote": "${local.quote}", "obj": {"//": "a key, not a comment"},
        }}},
    })})
    values = model.get("t.r").values
    assert values["list"] == ["a", "b"]  # "${x}" alone is x itself, not a string
    assert values["joined"] == "a,b" and values["n"] == 2
    assert values["escaped"] == "${not.interpolated}" and values["quote"] == 'say "hi"\n'
    assert values["obj"] == {"//": "a key, not a comment"}  # "//" is a comment only in block bodies


def test_json_module_call_with_providers_and_count(tmp_path):
    model, _ = lint(tmp_path, {
        "main.tf.json": json.dumps({"module": {"logs": {
            "source": "./modules/logs", "count": "${1}", "providers": {"aws": "aws"}, "name": "audit"}}}),
        "modules/logs/main.tf.json": json.dumps({
            "variable": {"name": {"type": "string"}},
            "resource": {"aws_cloudwatch_log_group": {"this": {"name": "/logs/${var.name}",
                                                             "retention_in_days": 2557}}}}),
    })
    assert model.get("module.logs[0].aws_cloudwatch_log_group.this").values["name"] == "/logs/audit"


@pytest.mark.parametrize("text,where", [
    ('{"resource": {"aws_s3_bucket": {"b": {"bucket": "x",}}}}', ":1:"),
    ('{\n  "resource": [1]\n}', ":2"),
    ('{"resource": {"t": {"r": {"x": "${unclosed"}}}}', ":1"),
])
def test_invalid_json_configuration_is_an_input_error(tmp_path, text, where):
    message = load_error(tmp_path, {"main.tf.json": text})
    assert message.startswith(str(tmp_path / "main.tf.json") + where), message


# =====================================================================================================
# 3. Modules `terraform init` downloaded are followed through .terraform/modules/modules.json;
# 2. module calls that are not read are listed in Model.unfollowed_modules.
# =====================================================================================================
def modules_json(root: Path, records: list[dict]) -> None:
    target = root / ".terraform" / "modules" / "modules.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"Modules": [{"Key": "", "Source": "", "Dir": "."}] + records}))


BASELINE_CALLER = '''
module "secure_baseline" {
  source  = "nozaq/secure-baseline/aws"
  version = "2.0.0"

  audit_log_bucket_name = "acme-audit-logs"
}
'''
# the registry module as downloaded: a root that calls its own sub-module
BASELINE_MODULE = {
    ".terraform/modules/secure_baseline/main.tf": '''
        variable "audit_log_bucket_name" {
          type = string
        }
        module "cloudtrail_baseline" {
          source      = "./modules/cloudtrail-baseline"
          bucket_name = var.audit_log_bucket_name
        }
    ''',
    ".terraform/modules/secure_baseline/modules/cloudtrail-baseline/main.tf": '''
        variable "bucket_name" {
          type = string
        }
        resource "aws_cloudtrail" "global" {
          name                  = "cloudtrail-multi-region"
          s3_bucket_name        = var.bucket_name
          is_multi_region_trail = "true"
        }
    ''',
}
BASELINE_RECORDS = [
    {"Key": "secure_baseline", "Source": "registry.terraform.io/nozaq/secure-baseline/aws", "Version": "2.0.0",
     "Dir": ".terraform/modules/secure_baseline"},
    {"Key": "secure_baseline.cloudtrail_baseline", "Source": "./modules/cloudtrail-baseline",
     "Dir": ".terraform/modules/secure_baseline/modules/cloudtrail-baseline"},
]
TRAIL_IN_BASELINE = "module.secure_baseline.module.cloudtrail_baseline.aws_cloudtrail.global"


def test_registry_module_downloaded_by_terraform_init_is_followed(tmp_path):
    modules_json(tmp_path, BASELINE_RECORDS)
    model, report = lint(tmp_path, dict(BASELINE_MODULE, **{"main.tf": BASELINE_CALLER}), "CT-001")
    trail = model.get(TRAIL_IN_BASELINE)
    assert trail is not None and trail.values["s3_bucket_name"] == "acme-audit-logs"
    assert trail.file == str(tmp_path / ".terraform/modules/secure_baseline/modules/cloudtrail-baseline/main.tf")
    assert trail.line == 5
    assert model.unfollowed_modules == []
    assert not any("not followed" in d for d in model.diagnostics)
    assert verdicts(report, "CT-001") == {TRAIL_IN_BASELINE: "pass"}


def test_without_terraform_init_the_registry_module_is_not_followed(tmp_path):
    model, _ = lint(tmp_path, dict(BASELINE_MODULE, **{"main.tf": BASELINE_CALLER}))
    assert len(model) == 0
    [unfollowed] = model.unfollowed_modules
    assert (unfollowed.address, unfollowed.source) == ("module.secure_baseline", "nozaq/secure-baseline/aws")
    assert "registry module not downloaded" in unfollowed.reason and "terraform init" in unfollowed.reason
    assert any(d.startswith(f"{tmp_path / 'main.tf'}:2: module.secure_baseline") and "not followed" in d
               for d in model.diagnostics)


@pytest.mark.parametrize("records,reason", [
    (BASELINE_RECORDS[:1], "no entry 'secure_baseline.cloudtrail_baseline'"),
    ([dict(BASELINE_RECORDS[0], Source="registry.terraform.io/nozaq/secure-baseline/aws"),
      dict(BASELINE_RECORDS[1], Dir=".terraform/modules/gone")], "not found"),
], ids=["nested-entry-missing", "nested-local-dir-missing"])
def test_what_is_truly_unavailable_is_not_followed(tmp_path, records, reason):
    files = dict(BASELINE_MODULE, **{"main.tf": BASELINE_CALLER})
    if reason == "not found":
        del files[".terraform/modules/secure_baseline/modules/cloudtrail-baseline/main.tf"]
    modules_json(tmp_path, records)
    model, _ = lint(tmp_path, files)
    if reason == "not found":  # a local source inside a downloaded module resolves from its directory
        [u] = model.unfollowed_modules
        assert u.address == "module.secure_baseline.module.cloudtrail_baseline" and reason in u.reason
    else:  # the nested call is local: read from the downloaded directory even without its own entry
        assert model.get(TRAIL_IN_BASELINE) is not None and model.unfollowed_modules == []


def test_changed_source_or_missing_download_is_not_followed(tmp_path):
    modules_json(tmp_path, [dict(BASELINE_RECORDS[0], Source="registry.terraform.io/other/baseline/aws")])
    model, _ = lint(tmp_path, dict(BASELINE_MODULE, **{"main.tf": BASELINE_CALLER}))
    assert "source changed since terraform init" in model.unfollowed_modules[0].reason
    modules_json(tmp_path, [dict(BASELINE_RECORDS[0], Dir=".terraform/modules/elsewhere")])
    model = load_hcl_dir(tmp_path)
    assert "is missing" in model.unfollowed_modules[0].reason


def test_subdir_and_git_sources_are_followed(tmp_path):
    """terraform-aws-modules' `//modules/x` sub-module sources and git sources pinned by ref."""
    log_group = 'resource "aws_cloudwatch_log_group" "this" {\n  name = "%s"\n  retention_in_days = 2557\n}\n'
    files = {
        "main.tf": '''
            module "log_group" {
              source  = "terraform-aws-modules/cloudwatch/aws//modules/log-group"
              version = "~> 5.0"
            }
            module "trail_logs" {
              source = "git::https://github.com/acme/terraform-logging.git//trail?ref=v1.2.0"
            }
            module "shorthand" {
              source = "github.com/acme/terraform-logging//trail?ref=v1.2.0"
            }
        ''',
        ".terraform/modules/log_group/modules/log-group/main.tf": log_group % "a",
        ".terraform/modules/trail_logs/trail/main.tf": log_group % "b",
        ".terraform/modules/shorthand/trail/main.tf": log_group % "c",
    }
    modules_json(tmp_path, [
        {"Key": "log_group", "Source": "registry.terraform.io/terraform-aws-modules/cloudwatch/aws//modules/log-group",
         "Version": "5.7.1", "Dir": ".terraform/modules/log_group/modules/log-group"},
        {"Key": "trail_logs", "Source": "git::https://github.com/acme/terraform-logging.git//trail?ref=v1.2.0",
         "Dir": ".terraform/modules/trail_logs/trail"},
        {"Key": "shorthand", "Source": "git::https://github.com/acme/terraform-logging.git//trail?ref=v1.2.0",
         "Dir": ".terraform/modules/shorthand/trail"},
    ])
    model, _ = lint(tmp_path, files)
    assert sorted(r.values["name"] for r in model) == ["a", "b", "c"]
    assert model.unfollowed_modules == []


def test_module_with_count_zero_needs_no_download(tmp_path):
    model, _ = lint(tmp_path, 'module "user" {\n  source = "cloudposse/iam-s3-user/aws"\n  count  = 0\n}\n')
    assert model.unfollowed_modules == [] and len(model) == 0


def test_missing_local_module_is_not_followed(tmp_path):
    model, _ = lint(tmp_path, 'module "logs" {\n  source = "./modules/logs"\n}\n')
    [u] = model.unfollowed_modules
    assert u.address == "module.logs" and "not found" in u.reason


def test_plans_never_list_unfollowed_modules():
    doc = PlanBuilder().module_call("m", source="terraform-aws-modules/vpc/aws").build()
    from lint_rules.loaders.plan import load_plan_document
    assert load_plan_document(doc, "<plan>").unfollowed_modules == []


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


# =====================================================================================================
# 15. Configuration terraform itself rejects is reported in a loader note
# =====================================================================================================
def test_terraform_011_syntax_is_noted(tmp_path):
    model, _ = lint(tmp_path, '''
        variable "bucket_name" {
          type = "string"
        }
        variable "count" {
          default = 1
        }
        locals {
          ids = "${list("a", "b")}"
        }
        resource "aws_s3_bucket" "logs" {
          bucket = "logs"
          tags {
            Name = "logs"
          }
        }
        resource "aws_s3_bucket_versioning" "logs" {
          bucket                   = aws_s3_bucket.logs.id
          versioning_configuration = { status = "Enabled" }
        }
    ''')
    rejected = [d for d in model.diagnostics if "terraform rejects this configuration" in d]
    main = str(tmp_path / "main.tf")
    assert any(d.startswith(f"{main}:3:") and 'quoted type constraint (type = "string"' in d for d in rejected)
    assert any(d.startswith(f"{main}:5:") and '"count" is reserved' in d for d in rejected)
    assert any(d.startswith(f"{main}:9:") and 'no function named "list"' in d for d in rejected)
    assert any(d.startswith(f"{main}:13:") and '"tags" is an argument, not a block' in d for d in rejected)
    assert any(d.startswith(f"{main}:19:") and '"versioning_configuration" is a block' in d for d in rejected)
    assert len(rejected) == 5


def test_valid_modern_configuration_has_no_such_note(tmp_path):
    model, _ = lint(tmp_path, '''
        variable "names" {
          type = list(string)
        }
        resource "aws_s3_bucket" "logs" {
          bucket = "logs"
          tags   = { Name = provider::aws::arn_parse("arn:aws:s3:::x").resource }
        }
        resource "aws_s3_bucket_future" "x" {
          future_argument = 1
        }
    ''')
    assert not [d for d in model.diagnostics if "rejects" in d]


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


# =====================================================================================================
# 14. for_each over a filtered collection; a data source reading a managed resource
# =====================================================================================================
FILTERED_STANDARDS = '''
variable "enable_pci_dss" {
  type    = bool
  default = false
}

data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  all_standards = {
    cis = "arn:${data.aws_partition.current.partition}:securityhub:${data.aws_region.current.name}::standards/cis-aws-foundations-benchmark/v/1.4.0"
    pci = var.enable_pci_dss ? "arn:${data.aws_partition.current.partition}:securityhub:${data.aws_region.current.name}::standards/pci-dss/v/3.2.1" : null
  }
  standards = { for k, v in local.all_standards : k => v if v != null }
}

resource "aws_securityhub_account" "this" {}

resource "aws_securityhub_standards_subscription" "this" {
  for_each      = local.standards
  standards_arn = each.value
  depends_on    = [aws_securityhub_account.this]
}
'''


def test_for_each_over_a_filtered_collection_expands_to_the_planned_keys(tmp_path):
    model, report = lint(tmp_path, FILTERED_STANDARDS, "FND-003")
    subs = [r.address for r in model.of_type("aws_securityhub_standards_subscription")]
    assert subs == ['aws_securityhub_standards_subscription.this["cis"]']
    assert model.get(subs[0]).maybe_absent is None
    assert not any("not known statically" in d for d in model.diagnostics)
    assert verdicts(report, "FND-003") == {subs[0]: "pass"}
    model = load_hcl_dir(tmp_path, variables={"enable_pci_dss": "true"})
    assert sorted(r.index for r in model.of_type("aws_securityhub_standards_subscription")) == ["cis", "pci"]


def test_null_comparisons_of_partly_unknown_values_are_known(tmp_path):
    model, _ = lint(tmp_path, '''
        data "aws_caller_identity" "me" {}
        locals {
          topics = { a = { arn = data.aws_caller_identity.me.arn }, b = null }
          kept   = [for k, v in local.topics : k if v != null]
          dropped = [for k, v in local.topics : k if v == null]
        }
        resource "t" "r" {
          kept    = local.kept
          dropped = local.dropped
          unknown = data.aws_caller_identity.me.arn != null
        }
    ''')
    values = model.get("t.r").values
    assert values["kept"] == ["a"] and values["dropped"] == ["b"]
    from lint_rules.model import UNKNOWN
    assert values["unknown"] is UNKNOWN  # an unknown attribute may be null: not known


DATA_READS_BUCKET = '''
resource "aws_s3_bucket" "logs" {
  bucket = "acme-trail-logs"
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id
  versioning_configuration {
    status = "Suspended"
  }
}

data "aws_s3_bucket" "logs" {
  bucket = aws_s3_bucket.logs.id
}

resource "aws_cloudtrail" "main" {
  name                  = "org-trail"
  s3_bucket_name        = data.aws_s3_bucket.logs.id
  is_multi_region_trail = true
}
'''


def test_data_source_reading_a_managed_bucket_links_to_it_hcl(tmp_path):
    model, report = lint(tmp_path, DATA_READS_BUCKET)
    assert model.targets(model.get("aws_cloudtrail.main"), "s3_bucket_name", "aws_s3_bucket") == [
        model.get("aws_s3_bucket.logs")]
    assert model.instances("data.aws_s3_bucket.logs", follow_reads=False)[0].mode == "data"
    findings = {(f.rule_id, f.resource): f for f in report.findings}
    assert findings[("CT-008", "aws_cloudtrail.main")].status == "fail"
    assert "Suspended" in findings[("CT-008", "aws_cloudtrail.main")].message
    assert findings[("INT-001", "aws_s3_bucket.logs")].status == "fail"


def test_data_source_reading_a_managed_bucket_links_to_it_plan():
    doc = (PlanBuilder()
           .resource("aws_s3_bucket.logs", {"bucket": "acme-trail-logs"})
           .resource("aws_s3_bucket_versioning.logs", {"versioning_configuration": [{"status": "Suspended"}]},
                     unknown=["bucket"], refs={"bucket": ["aws_s3_bucket.logs.id"]})
           .resource("data.aws_s3_bucket.logs", {}, unknown=["bucket", "id", "arn"],
                     refs={"bucket": ["aws_s3_bucket.logs.id"]}, actions=["read"])
           .resource("aws_cloudtrail.main", {"name": "org-trail", "is_multi_region_trail": True},
                     unknown=["s3_bucket_name"], refs={"s3_bucket_name": ["data.aws_s3_bucket.logs.id"]})
           .build())
    report = lint_plan(doc)
    findings = {(f.rule_id, f.resource): f for f in report.findings}
    assert findings[("CT-008", "aws_cloudtrail.main")].status == "fail"
    assert findings[("INT-001", "aws_s3_bucket.logs")].status == "fail"


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
