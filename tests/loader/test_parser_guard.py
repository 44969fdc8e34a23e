"""HCL loader (issue 7): Nothing dropped silently by the parser

Written as idioms of widely used public modules (terraform-aws-modules/*, cloudposse/*,
nozaq/secure-baseline...), in HCL form and, where a plan can say the same, in plan form."""
from __future__ import annotations

import json
import textwrap

from lint_rules.engine import ACCOUNT

from .common import cli, lint, load_error, verdicts, write


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


# -----------------------------------------------------------------------------------------------------
# Unary operators in a row: python-hcl2's grammar takes one before a term, terraform takes several
# (``!!var.enabled`` to make a bool of it, ``- -x``); such code was an input error (exit 2).  The values
# below are what ``terraform plan`` gives for the same expressions as outputs (terraform 1.11).
# -----------------------------------------------------------------------------------------------------
NESTED_UNARY = '''
variable "on" {
  type    = bool
  default = true
}
variable "days" {
  type    = map(number)
  default = { logs = 365 }
}
resource "aws_cloudwatch_log_group" "a" {
  count             = !!var.on ? 1 : 0
  name              = "app-${!!var.on}-${!!!var.on}"
  retention_in_days = - -var.days["logs"] * 2
  skip_destroy      = !!!var.on
  kms_key_id        = <<-EOT
    k-${- -var.days.logs}
  EOT
}
'''


def test_unary_operators_in_a_row_parse_as_terraform_reads_them(tmp_path):
    from lint_rules.loaders.hcl import load_hcl_dir

    model = load_hcl_dir(write(tmp_path, NESTED_UNARY))
    group = model.get("aws_cloudwatch_log_group.a[0]")
    assert group is not None
    assert group.values["name"] == "app-true-false"
    assert group.values["retention_in_days"] == 730  # (-(-365)) * 2: unary binds tighter than *
    assert group.values["skip_destroy"] is False
    assert group.values["kms_key_id"] == "k-365\n"


def test_unary_operators_in_a_row_leave_real_syntax_errors_as_they_were(tmp_path):
    # two operators with no operand is still an error, reported as python-hcl2's grammar reports it
    message = load_error(tmp_path, 'locals {\n  a = !!\n}\n')
    assert "HCL syntax error" in message and "main.tf:2" in message, message
