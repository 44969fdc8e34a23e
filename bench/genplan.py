"""Generate large, realistic plans (and the matching Terraform) for the benchmark.

    python bench/genplan.py baseline 5000 > plan.json     # the account baseline for N/123 accounts
    python bench/genplan.py roles 5000 > plan.json        # many roles and policies
    python bench/genplan.py hcl 5000 DIR                  # the Terraform root the baseline plan is of

``baseline``: the plan fixture of ``terraform/nvs`` (a first apply of the whole logging baseline
in the real ``terraform show -json`` format: unknowns, references through module inputs and
outputs, nested modules, data sources read at plan time) repeated for as many accounts as
needed: one ``module "acct_KEY"`` call of the baseline per account, each with its own
``provider "aws"`` alias (its own ``allowed_account_ids``), account id and names (bucket names
are global, so a real estate has no two alike).  123 resources per account.  The baseline has
account-wide singletons (the Session Manager preferences document, the CloudTrail, the Config
recorder), so its copies must live in distinct accounts to stay compliant, as they would.

``roles``: an IAM-heavy estate built with ``tests.planbuilder`` (the real format too): per team
module instance, a log bucket and log group and six human-assumable roles, each with an inline
policy, a customer-managed policy attached, and an AWS managed policy attached.

``hcl``: the Terraform root the ``baseline`` plan is of (a provider alias and a ``module`` call of
this checkout's ``modules/account_baseline`` per account), so HCL and plan input of one size can
be timed side by side.
"""
from __future__ import annotations

import copy
import json
import math
import os
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "plans" / "nvs.json"
_PREFIX = re.compile(r"\bnvs(?=[-/\"\\])")
_APP = re.compile(r"/app/")
ACCOUNT = "111122223333"


def instance_keys(count: int) -> list[str]:
    return [f"a{i:04d}" for i in range(count)]


def account_id(i: int) -> str:
    return str(200000000000 + i)


def _rename(text: str, key: str, account: str) -> str:
    """One account's copy: ``module.baseline`` -> ``module.acct_a0001``, its own account id, and its
    own names (``nvs-...`` -> ``nvsa0001-...``, ``/app/`` -> ``/appa0001/``)."""
    text = text.replace("module.baseline", f"module.acct_{key}").replace(ACCOUNT, account)
    text = _PREFIX.sub("nvs" + key, text)
    return _APP.sub(f"/app{key}/", text)


def baseline_plan(n_resources: int) -> dict:
    """The nvs baseline plan repeated for ceil(n / 123) accounts: ``module "acct_KEY"`` calls of
    the baseline, each with its own ``provider "aws"`` alias (``allowed_account_ids``)."""
    base = json.loads(FIXTURE.read_text())
    per = len(base["resource_changes"])
    keys = instance_keys(max(1, math.ceil(n_resources / per)))
    changes_text = json.dumps(base["resource_changes"])
    (child,) = base["planned_values"]["root_module"]["child_modules"]
    child_text = json.dumps(child)
    prior_children = base.get("prior_state", {}).get("values", {}).get("root_module", {}).get("child_modules", [])
    prior_text = json.dumps(prior_children)
    root = base["configuration"]["root_module"]
    call = root["module_calls"]["baseline"]
    call_text = json.dumps(call).replace('"provider_config_key": "aws"', '"provider_config_key": "aws.KEY"')
    changes: list = []
    children: list = []
    prior: list = []
    calls: dict = {}
    providers = dict(base["configuration"]["provider_config"])
    for i, key in enumerate(keys):
        account = account_id(i)
        changes.extend(json.loads(_rename(changes_text, key, account)))
        children.append(json.loads(_rename(child_text, key, account)))
        prior.extend(json.loads(_rename(prior_text, key, account)))
        one = json.loads(_rename(call_text.replace("aws.KEY", f"aws.{key}"), key, account))
        # name_prefix = "nvs${local.key}"-style constants: each call passes its own values
        one["expressions"]["name_prefix"] = {"constant_value": f"nvs{key}"}
        one["expressions"]["account_id"] = {"constant_value": account}
        calls[f"acct_{key}"] = one
        providers[f"aws.{key}"] = {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                                   "alias": key, "version_constraint": ">= 6.0.0",
                                   "expressions": {"region": {"references": ["var.region"]},
                                                   "allowed_account_ids": {"constant_value": [account]}}}
    doc = copy.deepcopy({k: v for k, v in base.items()
                         if k not in ("resource_changes", "planned_values", "prior_state", "output_changes",
                                      "checks", "configuration")})
    doc["resource_changes"] = changes
    doc["planned_values"] = {"root_module": {"child_modules": children}}
    if "prior_state" in base:
        ps = copy.deepcopy(base["prior_state"])
        ps["values"]["root_module"]["child_modules"] = prior
        ps["values"].pop("outputs", None)
        doc["prior_state"] = ps
    doc["configuration"] = {"provider_config": providers,
                            "root_module": {"module_calls": calls, "variables": root.get("variables", {})}}
    return doc


TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                  "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}]}
MANAGED = ("arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
           "arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
           "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess", "arn:aws:iam::aws:policy/SecurityAudit")


def _doc(statements: list[dict]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def roles_plan(n_resources: int) -> dict:
    """Per team: a log bucket (+4 sub-resources), a log group, and 6 roles with an inline policy, a
    customer-managed policy and its attachment, and an AWS managed attachment (5 each): 36 resources."""
    from tests.planbuilder import PlanBuilder

    p = PlanBuilder()
    p.provider("aws", region="us-east-1", allowed_account_ids=["111122223333"])
    for unit, key in enumerate(instance_keys(max(1, math.ceil(n_resources / 36)))):
        m = f'module.team["{key}"]'
        bucket = f"team-{key}-logs-111122223333"
        p.resource(f"{m}.aws_s3_bucket.logs", {"bucket": bucket, "force_destroy": False},
                   unknown=["arn", "id"])
        for sub, values in (
                ("aws_s3_bucket_versioning", {"versioning_configuration": [{"status": "Enabled"}]}),
                ("aws_s3_bucket_public_access_block", {"block_public_acls": True, "block_public_policy": True,
                                                       "ignore_public_acls": True, "restrict_public_buckets": True}),
                ("aws_s3_bucket_server_side_encryption_configuration",
                 {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]})):
            p.resource(f"{m}.{sub}.this", values, unknown=["bucket", "id"],
                       refs={"bucket": ["aws_s3_bucket.logs.id"]})
        p.resource(f"{m}.aws_s3_bucket_policy.this",
                   {"policy": _doc([{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                                     "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                                     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}])},
                   unknown=["bucket", "id"], refs={"bucket": ["aws_s3_bucket.logs.id"]})
        p.resource(f"{m}.aws_cloudwatch_log_group.app", {"name": f"/team/{key}/app", "retention_in_days": 2192},
                   unknown=["arn", "kms_key_id"])
        for r in range(6):
            role = f"{m}.aws_iam_role.r{r}"
            p.resource(role, {"name": f"{key}-role-{r}", "assume_role_policy": json.dumps(TRUST),
                              "max_session_duration": 3600}, unknown=["arn", "id", "unique_id"])
            reads = ([{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                       "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}] if r == 0 else
                     [{"Effect": "Allow", "Action": ["logs:GetLogEvents", "logs:FilterLogEvents"],
                       "Resource": f"arn:aws:logs:us-east-1:111122223333:log-group:/team/{key}/*"}] if r == 1 else
                     [{"Effect": "Allow", "Action": ["ec2:Describe*"], "Resource": "*"}])
            p.resource(f"{m}.aws_iam_role_policy.r{r}", {"name": "inline", "policy": _doc(reads)},
                       unknown=["role", "id"], refs={"role": [f"aws_iam_role.r{r}.name"]})
            p.resource(f"{m}.aws_iam_policy.r{r}", {"name": f"{key}-policy-{r}", "path": "/",
                                                    "policy": _doc([{"Effect": "Allow", "Action": "sqs:SendMessage",
                                                                     "Resource": "*"}])},
                       unknown=["arn", "id", "policy_id"])
            p.resource(f"{m}.aws_iam_role_policy_attachment.custom_r{r}", {},
                       unknown=["role", "policy_arn", "id"],
                       refs={"role": [f"aws_iam_role.r{r}.name"], "policy_arn": [f"aws_iam_policy.r{r}.arn"]})
            p.resource(f"{m}.aws_iam_role_policy_attachment.managed_r{r}", {"policy_arn": MANAGED[r]},
                       unknown=["role", "id"], refs={"role": [f"aws_iam_role.r{r}.name"]})
    p.module_call("team", source="./modules/team", for_each=True)
    return p.build()


HCL_CALL = """\
provider "aws" {{
  alias               = "{key}"
  region              = "us-east-1"
  allowed_account_ids = ["{account}"]
}}

module "acct_{key}" {{
  source    = "{source}"
  providers = {{ aws = aws.{key} }}

  name_prefix               = "nvs{key}"
  account_id                = "{account}"
  region                    = "us-east-1"
  partition                 = "aws"
  vpc_ids                   = ["vpc-0a1b2c3d4e5f60001", "vpc-0a1b2c3d4e5f60002"]
  alert_emails              = ["security-alerts@example.com"]
  non_admin_role_names      = ["nvs{key}-app-django", "nvs{key}-app-laravel", "nvs{key}-ci-deploy"]
  trusted_principal_arns    = []
  enable_lambda_data_events = true
  manage_organization_scp   = false
  scp_target_ids            = []
}}
"""

HCL_HEAD = """\
# Generated by bench/genplan.py: the account baseline for {count} accounts.
terraform {{
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = ">= 6.0.0"
    }}
  }}
}}

provider "aws" {{
  region = "us-east-1"
}}
"""


def hcl_root(n_resources: int, directory: Path) -> Path:
    """Write the Terraform root whose plan ``baseline_plan(n)`` stands for (one file per account)."""
    per = len(json.loads(FIXTURE.read_text())["resource_changes"])
    keys = instance_keys(max(1, math.ceil(n_resources / per)))
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "main.tf").write_text(HCL_HEAD.format(count=len(keys)))
    source = os.path.relpath(ROOT / "modules" / "account_baseline", directory)  # a local path: ./ or ../
    for i, key in enumerate(keys):
        (directory / f"acct_{key}.tf").write_text(HCL_CALL.format(key=key, account=account_id(i), source=source))
    return directory


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("baseline", "roles", "hcl") or (argv[0] == "hcl" and len(argv) < 3):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    n = int(argv[1])
    if argv[0] == "hcl":
        print(hcl_root(n, Path(argv[2])))
        return 0
    doc: Any = baseline_plan(n) if argv[0] == "baseline" else roles_plan(n)
    json.dump(doc, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
