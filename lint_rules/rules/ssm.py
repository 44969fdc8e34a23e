"""SSM Session Manager preferences log every session, encrypted."""
from __future__ import annotations

from ..engine import ACCOUNT, FAIL, PASS, UNKNOWN_STATUS, Rule, register
from ..model import UNKNOWN, PartialString
from ._retention import (SESSION_DEFAULT_DOCUMENT, Outcome, combine, fmt, is_set, session_documents,
                         session_inputs, truthy_flag)


def _show(value) -> str:
    """A destination for messages; one known only as a resource's attribute (HCL) by that
    attribute's address (``aws_s3_bucket.x.bucket``)."""
    if isinstance(value, PartialString):
        refs = [r for h in value.holes for r in h.refs]
        return refs[0] if len(value.parts) == 1 and len(refs) == 1 else f'"{value.template}"'
    return fmt(value)


def _doc_outcomes(doc) -> list[Outcome]:
    if doc.values.get("document_type") is UNKNOWN:
        return [Outcome(UNKNOWN_STATUS, "document_type is not known until apply")]
    inputs, problem = session_inputs(doc)
    if inputs is None:
        return [Outcome(UNKNOWN_STATUS, f"{problem}; cannot tell whether sessions are logged")]
    group, bucket = inputs.get("cloudWatchLogGroupName"), inputs.get("s3BucketName")
    if group is UNKNOWN or bucket is UNKNOWN:
        return [Outcome(UNKNOWN_STATUS, "content inputs naming the log destination are not known until apply; "
                                        "cannot tell whether sessions are logged")]
    if not is_set(group) and not is_set(bucket):
        return [Outcome(FAIL, "content sets neither inputs.cloudWatchLogGroupName nor inputs.s3BucketName: "
                              "sessions are not logged")]
    out = []
    for name, value, flag in (("cloudWatchLogGroupName", group, "cloudWatchEncryptionEnabled"),
                              ("s3BucketName", bucket, "s3EncryptionEnabled")):
        if not is_set(value):
            continue
        enc = inputs.get(flag)
        if truthy_flag(enc):
            out.append(Outcome(PASS, f"inputs.{name} = {_show(value)} with inputs.{flag} = true"))
        elif enc is UNKNOWN:
            out.append(Outcome(UNKNOWN_STATUS, f"inputs.{name} = {_show(value)} but inputs.{flag} is not known "
                                               "until apply: cannot tell whether session logs are encrypted"))
        else:
            out.append(Outcome(FAIL, f"inputs.{name} = {_show(value)} but inputs.{flag} = "
                                     f"{fmt(enc) if enc is not None else 'unset'}: session logs are not required "
                                     "to be encrypted"))
    status, _ = combine(out)
    kms = inputs.get("kmsKeyId")
    if status == PASS and kms is not UNKNOWN and not is_set(kms):
        out[0].notes.append("inputs.kmsKeyId is not set, so session data in transit uses TLS only")
    return out


@register
class SessionManagerLogging(Rule):
    id = "SSM-001"
    title = "Session Manager logs sessions to CloudWatch Logs or S3, encrypted"
    section = "Log Sources"
    clause = "| EC2 session activity | SSM Session Manager logs | 1 year |"
    rationale = ("Session Manager records EC2 session activity only when its preferences document "
                 "(document_type \"Session\", by default SSM-SessionManagerRunShell) names a log group or bucket; "
                 "the logs must be written encrypted because sessions can display PHI.")
    fix = ("Add aws_ssm_document \"SSM-SessionManagerRunShell\" (document_type = \"Session\") whose inputs set "
           "cloudWatchLogGroupName + cloudWatchEncryptionEnabled = true and/or s3BucketName + "
           "s3EncryptionEnabled = true.")
    example_fail = '''resource "aws_ssm_document" "session" {
  name = "SSM-SessionManagerRunShell"  document_type = "Session"  document_format = "JSON"
  content = jsonencode({ schemaVersion = "1.0", sessionType = "Standard_Stream",
    inputs = { cloudWatchLogGroupName = "/ssm/sessions", cloudWatchEncryptionEnabled = false } })
}'''
    example_pass = '''resource "aws_ssm_document" "session" {
  name = "SSM-SessionManagerRunShell"  document_type = "Session"  document_format = "JSON"
  content = jsonencode({ schemaVersion = "1.0", sessionType = "Standard_Stream",
    inputs = { cloudWatchLogGroupName = "/ssm/sessions", cloudWatchEncryptionEnabled = true,
               kmsKeyId = aws_kms_key.ssm.arn } })
}'''

    def evaluate(self, model, policy):
        docs = session_documents(model)
        if not docs:
            yield self.absent(model, FAIL, ACCOUNT, "no aws_ssm_document with document_type = \"Session\" in this "
                                                    "configuration: Session Manager does not log sessions")
            return
        for doc in docs:
            status, text = combine(_doc_outcomes(doc))
            yield self._finding(status, doc, text, evidence=[doc])
        # Session Manager applies the preferences document SSM-SessionManagerRunShell to every session
        # started without --document-name; another name only covers sessions that ask for it.
        if not any(d.values.get("name") == SESSION_DEFAULT_DOCUMENT for d in docs):
            names = ", ".join(fmt(d.values.get("name")) for d in docs)
            yield self.unknown(ACCOUNT, f"no Session document is named {SESSION_DEFAULT_DOCUMENT} (found "
                                        f"name = {names}): sessions started without --document-name use the "
                                        "account's default preferences, which this configuration does not set")
