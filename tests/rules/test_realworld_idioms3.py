"""Regressions found by the third sweep of widely used public AWS Terraform (cisagov/cool-cdm-cloudtrail,
boldlink/cloudtrail, clouddrove/cloudtrail and /cloudtrail-baseline, plus3it/tardigrade-cloudtrail and
/tardigrade-vpc-flow-log, cloudposse/cloudtrail-cloudwatch-alarms, /cloudtrail-s3-bucket, /config-storage,
/guardduty, /sns-topic, /iam-role).

Each fixture is a minimal configuration written here that reproduces the idiom (never the third-party
file itself).
"""
from __future__ import annotations

import textwrap

from lint_rules.loaders.hcl import load_hcl_dir

from ..helpers import finding, lint_hcl


# =============================================================================
# A "proxy" provider block (cisagov/cool-cdm-cloudtrail: `provider "aws" { alias = "users" }` in the module,
# `providers = { aws.users = aws.users }` in the call): the legacy way for a module to declare an alias it
# expects.  The passed configuration manages the resources (terraform: "Redundant empty provider block"),
# not an empty configuration of the module's own (was: a third account "the account of provider
# module.m:aws.users" with its own FAILs, and data.aws_caller_identity of it unknown).
# =============================================================================
PROXY_ROOT = '''
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111111111111"]
}
provider "aws" {
  alias               = "users"
  region              = "us-east-1"
  allowed_account_ids = ["222222222222"]
}
resource "aws_iam_policy" "ops" {
  name   = "ops"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "*" }] })
}
module "m" {
  source = "./mod"
  providers = {
    aws       = aws
    aws.users = aws.users
  }
}
'''
PROXY_MODULE = '''
provider "aws" {
  alias = "users"
}
data "aws_caller_identity" "users" {
  provider = aws.users
}
resource "aws_iam_policy" "cdm" {
  provider = aws.users
  name     = "cdm-${data.aws_caller_identity.users.account_id}"
  policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "*" }] })
}
'''


def _write(tmp_path, files):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))


def test_proxy_provider_block_is_the_passed_configuration(tmp_path):
    _write(tmp_path, {"main.tf": PROXY_ROOT, "mod/main.tf": PROXY_MODULE})
    model = load_hcl_dir(tmp_path)
    assert "module.m:aws.users" not in model.providers, sorted(model.providers)
    policy = next(r for r in model.resources if r.address == "module.m.aws_iam_policy.cdm")
    assert policy.provider == "aws.users"
    assert policy.values["name"] == "cdm-222222222222"
    assert model.account_of(policy) == "222222222222"


def test_proxy_provider_block_makes_no_account_of_its_own(tmp_path):
    report = lint_hcl(tmp_path, {"main.tf": PROXY_ROOT, "mod/main.tf": PROXY_MODULE}, rule="RET-001")
    messages = [f.message for f in report.findings]
    assert not any("module.m:aws.users" in m for m in messages), messages
    assert any("account 222222222222" in m for m in messages), messages


def test_provider_block_of_a_module_called_without_it_stays_its_own(tmp_path):
    # not passed by the call: the block is the module's own configuration (keyed as terraform keys it)
    root = PROXY_ROOT.replace("    aws.users = aws.users\n", "")
    module = PROXY_MODULE.replace('alias = "users"', 'alias = "users"\n  region = "eu-west-1"')
    _write(tmp_path, {"main.tf": root, "mod/main.tf": module})
    model = load_hcl_dir(tmp_path)
    policy = next(r for r in model.resources if r.address == "module.m.aws_iam_policy.cdm")
    assert policy.provider == "module.m:aws.users"
    assert model.providers["module.m:aws.users"].region == "eu-west-1"
