"""APP-002: application log groups are covered by a CloudWatch Logs data protection policy that
audits and masks the policy's PHI identifiers, with findings kept where the rules want logs kept."""
from __future__ import annotations

import copy
import json

import pytest

from lint_rules.policy import Policy

from ..helpers import POLICY, lint_hcl, lint_plan, verdicts
from ..planbuilder import PlanBuilder

RULE = "APP-002"
ARN = "arn:aws:dataprotection::aws:data-identifier/"
PHI = POLICY.data_protection_identifiers

KEY_AND_GROUPS = '''
resource "aws_kms_key" "logs" {
  enable_key_rotation = true
}

resource "aws_cloudwatch_log_group" "django" {
  name              = "/app/django"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.logs.arn
}

resource "aws_cloudwatch_log_group" "findings" {
  name              = "/audit/data-protection-findings"
  retention_in_days = FINDINGS_DAYS
  kms_key_id        = aws_kms_key.logs.arn
}
'''


def ids_hcl(names) -> str:
    return "[" + ", ".join(f'"{ARN}{n}"' for n in names) + "]"


def statements(audit=PHI, mask=PHI, destination='{ CloudWatchLogs = { LogGroup = aws_cloudwatch_log_group.findings.name } }'):
    out = []
    if audit is not None:
        out.append(f'{{ Sid = "audit", DataIdentifier = {ids_hcl(audit)}, '
                   f'Operation = {{ Audit = {{ FindingsDestination = {destination} }} }} }}')
    if mask is not None:
        out.append(f'{{ Sid = "mask", DataIdentifier = {ids_hcl(mask)}, '
                   'Operation = { Deidentify = { MaskConfig = {} } } }')
    return ",\n    ".join(out)


def group_policy(**kw) -> str:
    return f'''
resource "aws_cloudwatch_log_data_protection_policy" "django" {{
  log_group_name  = aws_cloudwatch_log_group.django.name
  policy_document = jsonencode({{ Name = "phi", Version = "2021-06-01", Statement = [
    {statements(**kw)}
  ] }})
}}
'''


def account_policy(policy_type="DATA_PROTECTION_POLICY", **kw) -> str:
    return f'''
resource "aws_cloudwatch_log_account_policy" "phi" {{
  policy_name = "phi"
  policy_type = "{policy_type}"
  scope       = "ALL"
  policy_document = jsonencode({{ Name = "phi", Version = "2021-06-01", Statement = [
    {statements(**kw)}
  ] }})
}}
'''


def lint(tmp_path, body: str, days: int = 365, policy=None):
    report = lint_hcl(tmp_path, KEY_AND_GROUPS.replace("FINDINGS_DAYS", str(days)) + body, rule=RULE, policy=policy)
    (finding,) = [f for f in report.findings if f.resource == "aws_cloudwatch_log_group.django"]
    return finding


def test_group_policy_auditing_and_masking_every_identifier_passes(tmp_path):
    f = lint(tmp_path, group_policy())
    assert f.status == "pass", f.message
    assert "aws_cloudwatch_log_group.findings" in f.message and "365 days" in f.message


def test_account_policy_covers_every_group(tmp_path):
    f = lint(tmp_path, account_policy())
    assert f.status == "pass", f.message
    assert "aws_cloudwatch_log_account_policy.phi" in f.message


def test_account_policy_of_another_type_does_not_cover(tmp_path):
    f = lint(tmp_path, account_policy(policy_type="SUBSCRIPTION_FILTER_POLICY"))
    assert f.status == "fail"
    assert "no data protection policy covers it" in f.message


def test_no_policy_fails(tmp_path):
    f = lint(tmp_path, "")
    assert f.status == "fail" and "no data protection policy covers it" in f.message


def test_audit_only_fails_naming_what_is_missing(tmp_path):
    f = lint(tmp_path, group_policy(mask=None))
    assert f.status == "fail"
    assert "no Deidentify statement with MaskConfig" in f.message


def test_missing_identifiers_are_named(tmp_path):
    f = lint(tmp_path, group_policy(mask=[i for i in PHI if i not in ("Ssn-US", "DateOfBirth")],
                                    audit=[i for i in PHI if i != "Name"]))
    assert f.status == "fail"
    assert "does not mask DateOfBirth, Ssn-US" in f.message
    assert "does not audit Name" in f.message


def test_group_and_account_policies_add_up(tmp_path):
    # AWS applies both: the union of their identifiers is audited and masked
    half = len(PHI) // 2
    body = group_policy(audit=PHI[:half], mask=PHI[:half]) + account_policy(audit=PHI[half:], mask=PHI[half:])
    assert lint(tmp_path, body).status == "pass"


def test_findings_kept_nowhere_fail(tmp_path):
    f = lint(tmp_path, group_policy(destination="{}"))
    assert f.status == "fail" and "FindingsDestination is empty" in f.message


def test_findings_destination_must_keep_them_a_year(tmp_path):
    f = lint(tmp_path, group_policy(), days=30)
    assert f.status == "fail" and "keeps logs 30 days" in f.message


def test_findings_destination_must_be_encrypted_with_a_cmk(tmp_path):
    body = group_policy(destination='{ CloudWatchLogs = { LogGroup = aws_cloudwatch_log_group.plain.name } }') + '''
resource "aws_cloudwatch_log_group" "plain" {
  name              = "/audit/plain"
  retention_in_days = 365
}
'''
    f = lint(tmp_path, body)
    assert f.status == "fail" and "kms_key_id is not set" in f.message


def test_findings_to_firehose_are_unknown(tmp_path):
    f = lint(tmp_path, group_policy(destination='{ Firehose = { DeliveryStream = "phi-findings" } }'))
    assert f.status == "unknown" and "Firehose" in f.message


def test_findings_to_an_encrypted_bucket_kept_a_year_pass(tmp_path):
    body = group_policy(destination='{ S3 = { Bucket = aws_s3_bucket.findings.bucket } }') + '''
resource "aws_s3_bucket" "findings" {
  bucket = "acme-dp-findings"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "findings" {
  bucket = aws_s3_bucket.findings.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.logs.arn
    }
  }
}
'''
    f = lint(tmp_path, body)
    assert f.status == "pass", f.message


def test_identifiers_from_a_variable_not_known_are_unknown_not_pass(tmp_path):
    body = '''
variable "ids" {
  type = list(string)
}
resource "aws_cloudwatch_log_data_protection_policy" "django" {
  log_group_name  = aws_cloudwatch_log_group.django.name
  policy_document = jsonencode({ Name = "phi", Version = "2021-06-01", Statement = [
    { Sid = "audit", DataIdentifier = var.ids,
      Operation = { Audit = { FindingsDestination = { CloudWatchLogs = { LogGroup = aws_cloudwatch_log_group.findings.name } } } } },
    { Sid = "mask", DataIdentifier = var.ids, Operation = { Deidentify = { MaskConfig = {} } } } ] })
}
'''
    assert lint(tmp_path, body).status == "unknown"


def test_identifiers_come_from_the_policy_file(tmp_path):
    data = copy.deepcopy(POLICY.data)
    data.setdefault("application_logging", {})["data_protection"] = {"identifiers": ["EmailAddress"]}
    policy = Policy(data=data, source="<test>")
    body = group_policy(audit=["EmailAddress"], mask=["EmailAddress"])
    assert lint(tmp_path, body, policy=policy).status == "pass"
    assert lint(tmp_path / "default", body).status == "fail"


def test_policy_on_another_group_does_not_count(tmp_path):
    body = group_policy().replace("aws_cloudwatch_log_group.django.name", '"/app/other"')
    assert lint(tmp_path, body).status == "fail"


def test_groups_are_recognised_as_app001_does_by_name_globs_or_tag(tmp_path):
    body = KEY_AND_GROUPS.replace("FINDINGS_DAYS", "365") + '''
resource "aws_cloudwatch_log_group" "portal" {
  name              = "/svc/patient-portal"
  retention_in_days = 365
  tags              = { "auditgate:role" = "laravel" }
}
'''
    report = lint_hcl(tmp_path, body, rule=RULE)
    assert verdicts(report) == {"aws_cloudwatch_log_group.django": "fail", "aws_cloudwatch_log_group.portal": "fail"}
    (portal,) = [f for f in report.findings if f.resource == "aws_cloudwatch_log_group.portal"]
    assert portal.message.startswith("laravel application log group")
    data = copy.deepcopy(POLICY.data)
    data["application_log_groups"] = {"django": ["/svc/*"], "laravel": ["*laravel*"]}
    data["naming"] = {"tag": None}
    report = lint_hcl(tmp_path / "globs", body, rule=RULE, policy=Policy(data=data, source="<test>"))
    assert set(verdicts(report)) == {"aws_cloudwatch_log_group.portal"}


def test_only_application_log_groups_are_judged(tmp_path):
    report = lint_hcl(tmp_path, KEY_AND_GROUPS.replace("FINDINGS_DAYS", "365"), rule=RULE)
    assert set(verdicts(report)) == {"aws_cloudwatch_log_group.django"}


# --- plan form ------------------------------------------------------------------------------------

def plan_doc(document: dict | None, *, account: bool = False, findings_days: int = 365,
             account_provider: str = "aws", providers: dict | None = None) -> dict:
    p = PlanBuilder()
    for key, settings in (providers or {}).items():
        p.provider(key, **settings)
    p.resource("aws_kms_key.logs", {"enable_key_rotation": True, "is_enabled": True,
                                    "customer_master_key_spec": "SYMMETRIC_DEFAULT"}, unknown=["arn", "id"])
    for name, group in (("django", "/app/django"), ("findings", "/audit/findings")):
        p.resource(f"aws_cloudwatch_log_group.{name}",
                   {"name": group, "retention_in_days": findings_days if name == "findings" else 365},
                   unknown=["arn", "id", "kms_key_id"], refs={"kms_key_id": ["aws_kms_key.logs.arn"]})
    if document is not None:
        if account:
            p.resource("aws_cloudwatch_log_account_policy.phi",
                       {"policy_name": "phi", "policy_type": "DATA_PROTECTION_POLICY", "scope": "ALL",
                        "policy_document": json.dumps(document)}, unknown=["id"], provider=account_provider)
        else:
            p.resource("aws_cloudwatch_log_data_protection_policy.django",
                       {"log_group_name": "/app/django", "policy_document": json.dumps(document)},
                       unknown=["id"], refs={"log_group_name": ["aws_cloudwatch_log_group.django.name"],
                                             "policy_document": ["aws_cloudwatch_log_group.findings.name"]})
    return p.build()


def document(audit=PHI, mask=PHI, destination=None) -> dict:
    destination = {"CloudWatchLogs": {"LogGroup": "/audit/findings"}} if destination is None else destination
    stmts = []
    if audit is not None:
        stmts.append({"Sid": "audit", "DataIdentifier": [ARN + i for i in audit],
                      "Operation": {"Audit": {"FindingsDestination": destination}}})
    if mask is not None:
        stmts.append({"Sid": "mask", "DataIdentifier": [ARN + i for i in mask],
                      "Operation": {"Deidentify": {"MaskConfig": {}}}})
    return {"Name": "phi", "Version": "2021-06-01", "Statement": stmts}


@pytest.mark.parametrize("doc, account, days, status, needle", [
    (document(), False, 365, "pass", "audits and masks all"),
    (document(), True, 365, "pass", "aws_cloudwatch_log_account_policy.phi"),
    (None, False, 365, "fail", "no data protection policy covers it"),
    (document(mask=None), False, 365, "fail", "no Deidentify statement"),
    (document(mask=[i for i in PHI if i != "Ssn-US"]), False, 365, "fail", "does not mask Ssn-US"),
    (document(destination={}), False, 365, "fail", "FindingsDestination is empty"),
    (document(), False, 90, "fail", "keeps logs 90 days"),
])
def test_plan(doc, account, days, status, needle):
    report = lint_plan(plan_doc(doc, account=account, findings_days=days), rule=RULE)
    (finding,) = [f for f in report.findings if f.resource == "aws_cloudwatch_log_group.django"]
    assert finding.status == status, finding.message
    assert needle in finding.message


def test_plan_policy_document_not_known_is_unknown():
    p = PlanBuilder()
    p.resource("aws_cloudwatch_log_group.django", {"name": "/app/django", "retention_in_days": 365}, unknown=["arn"])
    p.resource("aws_cloudwatch_log_data_protection_policy.django", {"log_group_name": "/app/django"},
               unknown=["id", "policy_document"])
    (finding,) = lint_plan(p.build(), rule=RULE).findings
    assert finding.status == "unknown" and "not known until apply" in finding.message


# --- an account policy covers the log groups of its own account and region only (plan form: the
# plan loader reads the provider configurations; the HCL loader fills them the same way) ----------

NVS, NHC = "111111111111", "222222222222"


@pytest.mark.parametrize("other, status", [
    # another account: its account policy covers nothing here
    ({"region": "us-east-1", "allowed_account_ids": [NHC]}, "fail"),
    ({"region": "us-east-1", "assume_role_arn": f"arn:aws:iam::{NHC}:role/admin"}, "fail"),
    # the same account, another region: account policies are regional
    ({"region": "eu-west-1", "allowed_account_ids": [NVS]}, "fail"),
    # the same account and region through an alias
    ({"region": "us-east-1", "allowed_account_ids": [NVS]}, "pass"),
    # the same account, a region not known before apply
    ({"region": ["var.other_region"], "allowed_account_ids": [NVS]}, "unknown"),
])
def test_plan_account_policy_covers_its_own_account_and_region_only(other, status):
    providers = {"aws": {"region": "us-east-1", "allowed_account_ids": [NVS]}, "aws.other": other}
    doc = plan_doc(document(), account=True, account_provider="aws.other", providers=providers)
    report = lint_plan(doc, rule=RULE)
    (finding,) = [f for f in report.findings if f.resource == "aws_cloudwatch_log_group.django"]
    assert finding.status == status, finding.message
    if status == "fail":
        assert "no data protection policy covers it" in finding.message
    else:
        assert "aws_cloudwatch_log_account_policy.phi" in finding.message
