"""Session Manager logging (SSM-001), in HCL and plan form."""
from __future__ import annotations

import json

import pytest

from lint_rules.engine import ACCOUNT

from ..helpers import lint_hcl, lint_plan, verdicts
from ..planbuilder import PlanBuilder

DOC = "aws_ssm_document.session"


def session(inputs: str, name: str = "SSM-SessionManagerRunShell") -> dict:
    return {"main.tf": f'''
resource "aws_cloudwatch_log_group" "ssm" {{
  name = "/ssm/sessions"
}}
resource "aws_ssm_document" "session" {{
  name            = "{name}"
  document_type   = "Session"
  document_format = "JSON"
  content = jsonencode({{
    schemaVersion = "1.0"
    sessionType   = "Standard_Stream"
    inputs = {{
      {inputs}
    }}
  }})
}}
'''}


@pytest.mark.parametrize("inputs,status", [
    ("cloudWatchLogGroupName = aws_cloudwatch_log_group.ssm.name\n cloudWatchEncryptionEnabled = true", "pass"),
    ('s3BucketName = "acme-sessions"\n s3EncryptionEnabled = true', "pass"),
    ("cloudWatchLogGroupName = aws_cloudwatch_log_group.ssm.name\n cloudWatchEncryptionEnabled = false", "fail"),
    ('s3BucketName = "acme-sessions"', "fail"),
    ('cloudWatchLogGroupName = ""\n s3BucketName = ""', "fail"),
    ('runAsEnabled = false', "fail"),
])
def test_session_document_logging(tmp_path, inputs, status):
    report = lint_hcl(tmp_path, session(inputs), rule="SSM-001")
    assert verdicts(report) == {DOC: status}


def test_no_session_document_fails_on_account(tmp_path):
    files = {"main.tf": 'resource "aws_cloudwatch_log_group" "ssm" {\n  name = "/ssm/sessions"\n}\n'}
    assert verdicts(lint_hcl(tmp_path, files, rule="SSM-001")) == {ACCOUNT: "fail"}


def test_document_not_named_as_the_default_preferences_is_unknown_on_account(tmp_path):
    files = session("cloudWatchLogGroupName = aws_cloudwatch_log_group.ssm.name\n cloudWatchEncryptionEnabled = true",
                    name="my-session-prefs")
    assert verdicts(lint_hcl(tmp_path, files, rule="SSM-001")) == {DOC: "pass", ACCOUNT: "unknown"}


def test_yaml_content(tmp_path):
    files = {"main.tf": '''
resource "aws_ssm_document" "session" {
  name            = "SSM-SessionManagerRunShell"
  document_type   = "Session"
  document_format = "YAML"
  content         = <<-DOC
    schemaVersion: "1.0"
    sessionType: Standard_Stream
    inputs:
      s3BucketName: acme-sessions
      s3EncryptionEnabled: true
  DOC
}
'''}
    assert verdicts(lint_hcl(tmp_path, files, rule="SSM-001")) == {DOC: "pass"}


def plan_doc(content, unknown=()):
    p = PlanBuilder()
    values = {"name": "SSM-SessionManagerRunShell", "document_type": "Session", "document_format": "JSON"}
    if content is not None:
        values["content"] = json.dumps(content)
    p.resource(DOC, values, unknown=list(unknown))
    return p.build()


def test_plan_session_document():
    good = {"schemaVersion": "1.0", "sessionType": "Standard_Stream",
            "inputs": {"cloudWatchLogGroupName": "/ssm/sessions", "cloudWatchEncryptionEnabled": True,
                       "kmsKeyId": "alias/ssm"}}
    assert verdicts(lint_plan(plan_doc(good), rule="SSM-001")) == {DOC: "pass"}
    bad = {"schemaVersion": "1.0", "sessionType": "Standard_Stream", "inputs": {"s3BucketName": ""}}
    assert verdicts(lint_plan(plan_doc(bad), rule="SSM-001")) == {DOC: "fail"}
    assert verdicts(lint_plan(plan_doc(None, unknown=["content"]), rule="SSM-001")) == {DOC: "unknown"}
