"""HCL loader (issue 7): for_each over a filtered collection; a data source reading a managed resource

Written as idioms of widely used public modules (terraform-aws-modules/*, cloudposse/*,
nozaq/secure-baseline...), in HCL form and, where a plan can say the same, in plan form."""
from __future__ import annotations

from lint_rules.loaders.hcl import load_hcl_dir

from .common import PlanBuilder, lint, lint_plan, verdicts


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
