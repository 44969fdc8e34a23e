"""HCL loader (issue 7): Configuration terraform itself rejects is reported in a loader note

Written as idioms of widely used public modules (terraform-aws-modules/*, cloudposse/*,
nozaq/secure-baseline...), in HCL form and, where a plan can say the same, in plan form."""
from __future__ import annotations


from .common import lint


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
