"""What every rule shares: several accounts in one root (issue 7 item 7), "there is no X" while a
module was not read (item 2), and resources that may not exist (item 4)."""
from __future__ import annotations

import json

import pytest

from lint_rules.engine import ACCOUNT, evaluate, get_rule
from lint_rules.loaders.hcl import load_hcl_dir
from lint_rules.loaders.plan import load_plan_document
from lint_rules.model import UNKNOWN, Model, ProviderConfig, Resource, UnfollowedModule

from ..helpers import POLICY, lint_plan
from ..planbuilder import PlanBuilder

NVS, NHC = "111111111111", "222222222222"


def findings(model, rule):
    return [f for f in evaluate(model, POLICY, rules=[get_rule(rule)]).findings]


def by_subject(model, rule):
    return {(f.resource, f.account): f.status for f in findings(model, rule)}


# =============================================================================
# Model.account_of
# =============================================================================
def res(address, provider="aws"):
    rtype, name = address.split(".")[-2:]
    return Resource(address, "managed", rtype, name, provider=provider)


@pytest.mark.parametrize("providers, provider, label", [
    ({"aws": ProviderConfig("aws", account_ids=(NVS,))}, "aws", NVS),
    ({"aws.nhc": ProviderConfig("aws.nhc", "nhc", assume_role_arn=f"arn:aws:iam::{NHC}:role/tf")}, "aws.nhc", NHC),
    ({"aws.nhc": ProviderConfig("aws.nhc", "nhc", assume_role_arn=UNKNOWN)}, "aws.nhc", "aws.nhc"),
    # an alias for another region with the default's credentials is the default's account
    ({"aws": ProviderConfig("aws", account_ids=(NVS,)), "aws.west": ProviderConfig("aws.west", "west", region="us-west-2")},
     "aws.west", NVS),
    # another profile is another account (named by its key when no id says which)
    ({"aws.dev": ProviderConfig("aws.dev", "dev", profile="dev")}, "aws.dev", "aws.dev"),
    ({}, "aws", "aws"),
    ({"aws": ProviderConfig("aws", account_ids=(NVS,))}, "module.x:aws", NVS),
])
def test_account_of(providers, provider, label):
    model = Model(resources=[res("aws_s3_bucket.b", provider)], providers=providers)
    assert model.account_of(model.resources[0]) == label
    assert model.accounts() == [label]


def test_accounts_lists_each_account_once_in_order():
    model = Model(resources=[res("aws_s3_bucket.a"), res("aws_s3_bucket.b", "aws.nhc"), res("aws_s3_bucket.c", "aws.west")],
                  providers={"aws": ProviderConfig("aws", account_ids=(NVS,)),
                             "aws.west": ProviderConfig("aws.west", "west", region="us-west-2"),
                             "aws.nhc": ProviderConfig("aws.nhc", "nhc", account_ids=(NHC,))})
    assert model.accounts() == [NVS, NHC]


# =============================================================================
# the plan loader fills providers
# =============================================================================
def two_account_plan(nhc_trail=True, org_trail=False) -> PlanBuilder:
    p = PlanBuilder()
    p.provider("aws", region="us-east-1", allowed_account_ids=[NVS])
    p.provider("aws.nhc", region="us-east-1", assume_role_arn=["var.nhc_role_arn"])
    p.variable("nhc_role_arn", f"arn:aws:iam::{NHC}:role/OrganizationAccountAccessRole")
    trail = {"name": "nvs", "is_multi_region_trail": True, "enable_logging": True,
             "is_organization_trail": org_trail}
    p.resource("aws_cloudtrail.nvs", trail)
    p.resource("aws_s3_bucket.nhc_data", {"bucket": "nhc-phi"}, provider="aws.nhc")
    if nhc_trail:
        p.resource("aws_cloudtrail.nhc", dict(trail, name="nhc", is_organization_trail=False), provider="aws.nhc")
    return p


def test_plan_loader_reads_provider_configurations():
    model = load_plan_document(two_account_plan().build(), "<plan>")
    assert model.providers["aws"].account_ids == (NVS,)
    assert model.providers["aws"].region == "us-east-1"
    assert model.providers["aws.nhc"].alias == "nhc"
    assert model.providers["aws.nhc"].assume_role_arn.endswith(":role/OrganizationAccountAccessRole")
    assert {r.address: r.provider for r in model} == {"aws_cloudtrail.nvs": "aws", "aws_s3_bucket.nhc_data": "aws.nhc",
                                                      "aws_cloudtrail.nhc": "aws.nhc"}
    assert model.accounts() == [NVS, NHC]


def test_plan_provider_expression_not_resolvable_is_unknown():
    p = PlanBuilder()
    p.provider("aws.nhc", assume_role_arn=["var.role"])  # the variable has no value in the plan
    p.resource("aws_s3_bucket.b", {"bucket": "b"}, provider="aws.nhc")
    model = load_plan_document(p.build(), "<plan>")
    assert model.providers["aws.nhc"].assume_role_arn is UNKNOWN
    assert model.account_of(model.get("aws_s3_bucket.b")) == "aws.nhc"


def test_old_plan_keys_name_the_module_call():
    """terraform < 1.1 writes provider_config_key "child:aws" for a module's resources."""
    p = PlanBuilder()
    p.provider("aws", allowed_account_ids=[NVS])
    p.provider("module.child:aws", allowed_account_ids=[NHC], module_address="module.child")
    p.resource("module.child.aws_s3_bucket.b", {"bucket": "b"}, provider="child:aws")
    p.resource("module.other.aws_s3_bucket.c", {"bucket": "c"}, provider="other:aws")
    model = load_plan_document(p.build(), "<plan>")
    assert model.get("module.child.aws_s3_bucket.b").provider == "module.child:aws"
    assert model.get("module.other.aws_s3_bucket.c").provider == "aws"
    assert model.accounts() == [NHC, NVS]


# =============================================================================
# CloudTrail per account
# =============================================================================
def plan_model(p):
    return load_plan_document(p.build(), "<plan>")


def test_ct001_a_trail_per_account_passes():
    model = plan_model(two_account_plan())
    assert set(by_subject(model, "CT-001").values()) == {"pass"}


def test_ct001_a_trail_of_one_account_does_not_cover_the_other():
    model = plan_model(two_account_plan(nhc_trail=False))
    got = findings(model, "CT-001")
    bad = [f for f in got if f.status == "fail"]
    assert [(f.resource, f.account) for f in bad] == [(ACCOUNT, NHC)]
    assert NHC in bad[0].message and "organization trail" in bad[0].fix
    assert [f.account for f in got if f.resource == "aws_cloudtrail.nvs"] == [NVS]


def test_ct001_organization_trail_covers_member_accounts():
    model = plan_model(two_account_plan(nhc_trail=False, org_trail=True))
    got = findings(model, "CT-001")
    assert {f.status for f in got} == {"pass"}
    member = [f for f in got if f.account == NHC]
    assert member and "organization trail aws_cloudtrail.nvs" in member[0].message


def test_ct001_organization_flag_not_known_is_unknown_for_members():
    p = two_account_plan(nhc_trail=False)
    p._resources[0]["unknown"].append("is_organization_trail")
    got = findings(plan_model(p), "CT-001")
    assert [(f.status, f.account) for f in got if f.resource == ACCOUNT] == [("unknown", NHC)]


def test_every_trail_rule_names_the_uncovered_account():
    model = plan_model(two_account_plan(nhc_trail=False))
    for rule in ("CT-002", "CT-005", "CT-006", "CT-007", "CT-008", "CT-009"):
        account_findings = [f for f in findings(model, rule) if f.resource == ACCOUNT]
        assert [(f.status, f.account) for f in account_findings] == [("fail", NHC)], rule


def test_ct003_bucket_of_another_account_is_judged_by_that_account_trail():
    p = two_account_plan()
    sel = [{"read_write_type": "All", "include_management_events": True,
            "data_resource": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}]
    p._resources[0]["values"]["event_selector"] = sel  # the NVS trail records every bucket ...
    model = plan_model(p)  # ... but the NHC bucket is NHC's: its trail records no data events
    got = {f.resource: f.status for f in findings(model, "CT-003")}
    assert got == {"aws_cloudtrail.nvs": "pass", "aws_cloudtrail.nhc": "fail"}


def test_ct003_a_second_trail_of_the_account_may_record_the_data_events():
    p = PlanBuilder()
    p.resource("aws_s3_bucket.phi", {"bucket": "phi"})
    p.resource("aws_cloudtrail.management", {"name": "m", "is_multi_region_trail": True,
                                              "event_selector": [{"read_write_type": "All"}]})
    p.resource("aws_cloudtrail.data", {"name": "d", "is_multi_region_trail": True, "event_selector": [
        {"read_write_type": "All", "include_management_events": False,
         "data_resource": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}]})
    got = findings(plan_model(p), "CT-003")
    assert {f.resource: f.status for f in got} == {"aws_cloudtrail.management": "pass", "aws_cloudtrail.data": "pass"}
    note = next(f.message for f in got if f.resource == "aws_cloudtrail.management")
    assert "recorded by aws_cloudtrail.data" in note


# =============================================================================
# "there is no X" while a module was not read (item 2): one mechanism, Rule.absent / absent_in
# =============================================================================
REGISTRY = [UnfollowedModule("module.cloudtrail", "cloudposse/cloudtrail/aws", "registry module not downloaded")]


def hcl_model(tmp_path, text, unfollowed=REGISTRY):
    (tmp_path / "main.tf").write_text(text)
    model = load_hcl_dir(tmp_path)
    model.unfollowed_modules = list(unfollowed)
    return model


def test_no_trail_is_unknown_while_a_module_was_not_read(tmp_path):
    model = hcl_model(tmp_path, 'resource "aws_s3_bucket" "b" {\n  bucket = "phi"\n}\n')
    for rule in ("CT-001", "CT-003", "RET-001"):
        got = findings(model, rule)
        assert [f.status for f in got] == ["unknown"], rule
        assert "module.cloudtrail (cloudposse/cloudtrail/aws" in got[0].message
        assert "terraform init" in got[0].fix


def test_nothing_to_check_names_the_modules_not_read(tmp_path):
    """An "unknown" that rests on something not being in the configuration (no VPC at all, no
    screenshot bucket, no application log group) names the modules not read too: reading them may
    settle it (the README's fail-closed paragraph)."""
    model = hcl_model(tmp_path, 'resource "aws_s3_bucket" "b" {\n  bucket = "phi"\n}\n')
    for rule in ("FL-001", "RET-002", "S3L-001", "APP-001"):
        got = [f for f in findings(model, rule) if f.resource == "account"]
        assert got and {f.status for f in got} == {"unknown"}, rule
        assert all("module.cloudtrail (cloudposse/cloudtrail/aws" in f.message for f in got), rule
    model.unfollowed_modules = []
    for rule in ("FL-001", "S3L-001"):
        assert all("module.cloudtrail" not in f.message for f in findings(model, rule))


def test_no_in_scope_bucket_is_unknown_while_a_module_was_not_read(tmp_path):
    trail = '''resource "aws_cloudtrail" "t" {
  name                  = "t"
  s3_bucket_name        = "logs"
  is_multi_region_trail = true
  event_selector {
    read_write_type = "All"
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3:::named-bucket/"]
    }
  }
}
'''
    model = hcl_model(tmp_path, trail)
    assert [f.status for f in findings(model, "CT-003")] == ["unknown"]
    model.unfollowed_modules = []
    assert [f.status for f in findings(model, "CT-003")] == ["pass"]


def test_selector_for_every_bucket_passes_whatever_a_module_holds(tmp_path):
    trail = '''resource "aws_cloudtrail" "t" {
  name                  = "t"
  s3_bucket_name        = "logs"
  is_multi_region_trail = true
  event_selector {
    read_write_type = "All"
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
  }
}
'''
    assert [f.status for f in findings(hcl_model(tmp_path, trail), "CT-003")] == ["pass"]


# =============================================================================
# a resource that may not exist (item 4): one mechanism, evidence=
# =============================================================================
def test_trail_that_may_not_exist_proves_no_trail(tmp_path):
    (tmp_path / "main.tf").write_text('''resource "aws_cloudtrail" "t" {
  count                 = 1
  name                  = "t"
  s3_bucket_name        = "logs"
  is_multi_region_trail = true
}
''')
    model = load_hcl_dir(tmp_path)
    (trail,) = model.of_type("aws_cloudtrail")
    assert [f.status for f in findings(model, "CT-001")] == ["pass"]
    trail.maybe_absent = "count = var.enabled ? 1 : 0 is not known"
    got = findings(model, "CT-001")
    assert {f.status for f in got} == {"unknown"}
    assert any("may not exist (count = var.enabled ? 1 : 0 is not known)" in f.message for f in got)


# =============================================================================
# more account-level requirements, per account (plan form; HCL fills providers the same way)
# =============================================================================
def nvs_nhc() -> PlanBuilder:
    p = PlanBuilder()
    p.provider("aws", allowed_account_ids=[NVS])
    p.provider("aws.nhc", assume_role_arn=f"arn:aws:iam::{NHC}:role/terraform")
    return p


def account_findings(model, rule):
    return {(f.status, f.account) for f in findings(model, rule) if f.resource == ACCOUNT}


def test_guardduty_and_security_hub_per_account():
    p = nvs_nhc()
    p.resource("aws_guardduty_detector.nvs", {"enable": True}, unknown=["id"])
    p.resource("aws_securityhub_account.nvs", {"enable_default_standards": True})
    p.resource("aws_s3_bucket.nhc", {"bucket": "nhc-data"}, provider="aws.nhc")  # the config manages NHC too
    model = plan_model(p)
    assert account_findings(model, "FND-001") == {("fail", NHC)}
    assert account_findings(model, "FND-002") == {("fail", NHC)}
    p.resource("aws_guardduty_detector.nhc", {"enable": True}, unknown=["id"], provider="aws.nhc")
    p.resource("aws_securityhub_account.nhc", {"enable_default_standards": True}, provider="aws.nhc")
    model = plan_model(p)
    assert account_findings(model, "FND-001") == set() and account_findings(model, "FND-002") == set()


def test_security_hub_export_of_one_account_does_not_cover_the_other():
    p = nvs_nhc()
    for key, provider in (("nvs", "aws"), ("nhc", "aws.nhc")):
        p.resource(f"aws_securityhub_account.{key}", {}, provider=provider)
    p.resource("aws_cloudwatch_log_group.findings", {"name": "/aws/events/findings", "retention_in_days": 365},
               unknown=["arn"])
    p.resource("aws_cloudwatch_event_rule.findings",
               {"event_pattern": json.dumps({"source": ["aws.securityhub"]})}, unknown=["name", "arn"])
    p.resource("aws_cloudwatch_event_target.findings", {}, unknown=["rule", "arn"],
               refs={"rule": ["aws_cloudwatch_event_rule.findings.name"],
                     "arn": ["aws_cloudwatch_log_group.findings.arn"]})
    got = findings(plan_model(p), "RET-005")
    assert {(f.status, f.account) for f in got if f.resource == ACCOUNT} == {("fail", NHC)}
    assert NHC in next(f.message for f in got if f.resource == ACCOUNT)


def test_log_access_roles_per_account():
    p = nvs_nhc()
    p.resource("aws_iam_role.admin", {"name": "nvs-devops-admin", "assume_role_policy": "{}"})
    p.resource("aws_iam_role.investigator", {"name": "nvs-security-investigation", "assume_role_policy": "{}"})
    p.resource("aws_s3_bucket.nhc", {"bucket": "nhc-data"}, provider="aws.nhc")
    got = findings(plan_model(p), "ACC-005")
    assert {(f.status, f.account) for f in got if f.resource == ACCOUNT} == {("fail", NHC)}
    assert all("map an existing one" in f.fix for f in got if f.status == "fail")


def test_scp_attached_to_one_account_covers_that_account_only():
    deny = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": ["cloudtrail:DeleteTrail", "cloudtrail:StopLogging"], "Resource": "*"}]})
    p = nvs_nhc()
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{NVS}:root"}, "Action": "sts:AssumeRole"}]})
    p.resource("aws_iam_role.nvs_ci", {"name": "ci", "assume_role_policy": trust})
    p.resource("aws_iam_role.nhc_ci", {"name": "ci", "assume_role_policy": trust}, provider="aws.nhc")
    p.resource("aws_organizations_policy.deny", {"content": deny, "type": "SERVICE_CONTROL_POLICY"}, unknown=["id"])
    p.resource("aws_organizations_policy_attachment.nhc", {"target_id": NHC}, unknown=["policy_id"],
               refs={"policy_id": ["aws_organizations_policy.deny.id"]})
    got = {f.resource: f.status for f in findings(plan_model(p), "INT-002")}
    assert got == {"aws_iam_role.nvs_ci": "fail", "aws_iam_role.nhc_ci": "pass"}


def test_root_login_alarm_of_one_account_does_not_cover_the_other():
    """ALR-002: the NVS trail's log group has the root-login alarm; NHC's trail has none."""
    from .test_alerting import files as alarm_files  # the compliant alerting root, as HCL

    assert alarm_files  # (HCL form covered in test_alerting; here the plan form of two accounts)
    p = nvs_nhc()
    p.resource("aws_cloudwatch_log_group.nvs", {"name": "/aws/cloudtrail/nvs"}, unknown=["arn"])
    p.resource("aws_cloudtrail.nvs", {"name": "nvs", "is_multi_region_trail": True}, unknown=["cloud_watch_logs_group_arn"],
               refs={"cloud_watch_logs_group_arn": ["aws_cloudwatch_log_group.nvs.arn"]})
    p.resource("aws_cloudtrail.nhc", {"name": "nhc", "is_multi_region_trail": True}, provider="aws.nhc")
    p.resource("aws_cloudwatch_log_metric_filter.root", {
        "name": "root", "log_group_name": "/aws/cloudtrail/nvs",
        "pattern": '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
                   '$.eventType != "AwsServiceEvent" }',
        "metric_transformation": [{"name": "RootLogin", "namespace": "CIS", "value": "1"}]})
    got = findings(plan_model(p), "ALR-002")
    by_account = {f.account: f.status for f in got}
    assert set(by_account) == {NVS, NHC}
    assert by_account[NHC] == "fail" and NHC in next(f.message for f in got if f.account == NHC)


# =============================================================================
# absence and maybe-absent across rules
# =============================================================================
VPC_ONLY = 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n'


@pytest.mark.parametrize("rule, subject", [("FL-001", "aws_vpc.main"), ("RET-002", ACCOUNT)])
def test_vpc_without_flow_log_is_unknown_while_a_module_was_not_read(tmp_path, rule, subject):
    """terraform-aws-modules/vpc's flow-log submodule (or any registry module given vpc_id) may hold it."""
    flow_module = [UnfollowedModule("module.vpc_flow_logs", "cloudposse/vpc-flow-logs-s3-bucket/aws",
                                    "registry module not downloaded")]
    got = {f.resource: f.status for f in findings(hcl_model(tmp_path, VPC_ONLY, flow_module), rule)}
    assert got == {subject: "unknown"}
    got = {f.resource: f.status for f in findings(hcl_model(tmp_path, VPC_ONLY, []), rule)}
    assert got == {subject: "fail"}


def test_missing_log_access_role_is_unknown_while_a_module_was_not_read(tmp_path):
    got = findings(hcl_model(tmp_path, VPC_ONLY), "ACC-005")
    assert {f.status for f in got} == {"unknown"}
    assert all("module.cloudtrail" in f.message for f in got)


def test_recorder_status_that_may_not_exist_starts_nothing(tmp_path):
    (tmp_path / "main.tf").write_text('''
resource "aws_config_configuration_recorder" "r" {
  name     = "default"
  role_arn = "arn:aws:iam::111122223333:role/config"
}
resource "aws_config_configuration_recorder_status" "r" {
  name       = aws_config_configuration_recorder.r.name
  is_enabled = true
}
''')
    model = load_hcl_dir(tmp_path)
    assert [f.status for f in findings(model, "CFG-002")] == ["pass"]
    model.get("aws_config_configuration_recorder_status.r").maybe_absent = "count = module.this.enabled ? 1 : 0"
    got = findings(model, "CFG-002")
    assert [f.status for f in got] == ["unknown"]
    assert "aws_config_configuration_recorder_status.r may not exist" in got[0].message


def test_versioning_that_may_not_exist_does_not_version_the_trail_bucket(tmp_path):
    (tmp_path / "main.tf").write_text('''
resource "aws_s3_bucket" "trail" {
  bucket = "acme-trail"
}
resource "aws_s3_bucket_versioning" "trail" {
  bucket = aws_s3_bucket.trail.id
  versioning_configuration {
    status = "Enabled"
  }
}
resource "aws_cloudtrail" "t" {
  name           = "t"
  s3_bucket_name = aws_s3_bucket.trail.id
}
''')
    model = load_hcl_dir(tmp_path)
    assert [f.status for f in findings(model, "CT-008")] == ["pass"]
    model.get("aws_s3_bucket_versioning.trail").maybe_absent = "count = var.versioning ? 1 : 0 is not known"
    assert [f.status for f in findings(model, "CT-008")] == ["unknown"]
    assert [f.status for f in findings(model, "INT-001")] == ["unknown"]


def test_property_of_a_resource_that_may_not_exist_still_passes(tmp_path):
    """A log group that may not exist and is encrypted: either way nothing unencrypted exists (ENC-001)."""
    (tmp_path / "main.tf").write_text('''
resource "aws_kms_key" "k" {}
resource "aws_cloudwatch_log_group" "g" {
  name       = "x"
  kms_key_id = aws_kms_key.k.arn
}
''')
    model = load_hcl_dir(tmp_path)
    model.get("aws_cloudwatch_log_group.g").maybe_absent = "count = var.enabled ? 1 : 0 is not known"
    assert [f.status for f in findings(model, "ENC-001")] == ["pass"]


# =============================================================================
# real plans (../shared/real-plans): provider keys as terraform 0.12 - 1.x write them
# =============================================================================
def real_plan(name):
    from ..helpers import shared_dir
    from lint_rules.loaders.plan import load_plan_text

    path = shared_dir() / "real-plans" / name
    if not path.is_file():
        pytest.skip(f"{path} not found (set AUDITGATE_SHARED to the shared/ folder)")
    return load_plan_text(path.read_text(), str(path))


def test_real_plan_region_alias_is_one_account():
    """terraform 1.1: provider "aws" { alias = "west"; region = "us-west-1" } beside the default."""
    model = real_plan("snyk_kms_s3_sse_tf1.1.9.json")
    assert {r.provider for r in model} == {"aws", "aws.west"}
    assert model.accounts() == ["aws"]


def test_real_plan_provider_configured_inside_a_child_module():
    """terraform 0.15 names a module's provider "log_group_external:aws"; the module configures its own."""
    model = real_plan("checkov_cwlg_modules_tf0.15.1.json")
    providers = {r.address.split(".aws_")[0]: r.provider for r in model if r.module_path}
    assert "module.log_group_external:aws" in providers.values()
    assert "module.log_group_external:aws" in model.providers


ROLE_ONLY = '''
resource "aws_iam_role" "ci" {
  name               = "ci-deploy"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
    Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_role" "investigator" {
  name               = "security-investigation"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
    Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "sts:AssumeRole" }] })
}
'''
GUARDRAILS = [UnfollowedModule("module.guardrails", "git::https://example.com/iam-guardrails.git",
                               "git module not downloaded")]


@pytest.mark.parametrize("rule, resource, alone", [
    ("INT-002", "aws_iam_role.ci", "fail"),  # a guardrails module may attach the denial by role name
    ("ACC-002", "aws_iam_role.ci", "pass"),  # ... or a policy granting log reads
    ("ACC-003", "aws_iam_role.investigator", "pass"),  # ... or a write policy to the investigation role
])
def test_policies_a_module_may_attach_are_not_known(tmp_path, rule, resource, alone):
    got = {f.resource: f.status for f in findings(hcl_model(tmp_path, ROLE_ONLY, []), rule)}
    assert got[resource] == alone
    got = {f.resource: f.status for f in findings(hcl_model(tmp_path, ROLE_ONLY, GUARDRAILS), rule)}
    assert got[resource] == "unknown"
