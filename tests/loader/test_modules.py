"""HCL loader (issue 7): modules `terraform init` downloaded are followed (modules.json); the ones not read are listed.

Written as idioms of widely used public modules (terraform-aws-modules/*, cloudposse/*,
nozaq/secure-baseline...), in HCL form and, where a plan can say the same, in plan form."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from lint_rules.loaders.hcl import load_hcl_dir

from .common import PlanBuilder, lint, verdicts


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
