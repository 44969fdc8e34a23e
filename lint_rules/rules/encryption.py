"""Every store of audit logs (and the alert topics) is encrypted with a customer-managed KMS key."""
from __future__ import annotations

from ..engine import FAIL, PASS, Rule, register
from ..model import UNKNOWN, strip_index
from ._kms import check_cmk
from ._retention import ACCESS_LOG, BUCKET, bucket_encryption, is_set, log_bucket_uses, resolve, worst

SECTION = "CloudTrail Requirements"
CLAUSE = "CloudTrail log files encrypted with KMS CMK"
SCOPE = ("The policy states the CMK requirement for CloudTrail log files; the baseline applies it to every "
         "store holding audit logs (which carry PHI-system activity), so a copy is never weaker than the original.")


class _EncryptionRule(Rule):
    section = SECTION
    clause = CLAUSE


@register
class LogGroupEncryption(_EncryptionRule):
    id = "ENC-001"
    title = "CloudWatch log groups are encrypted with a customer-managed KMS key"
    rationale = ("CloudWatch Logs encrypts with an AWS-owned key unless kms_key_id names a key; only a "
                 "customer-managed key lets the account control and audit who can decrypt the logs.  A key ARN "
                 "from outside the configuration passes: CloudWatch Logs can use no AWS-managed key (the key "
                 "policy must grant logs.REGION.amazonaws.com).  " + SCOPE)
    fix = "Set kms_key_id = aws_kms_key.<logs>.arn (enable_key_rotation = true) on the log group."
    example_fail = '''resource "aws_cloudwatch_log_group" "fl" { name = "/vpc/flow" }   # no kms_key_id'''
    example_pass = '''resource "aws_cloudwatch_log_group" "fl" { name = "/vpc/flow"  kms_key_id = aws_kms_key.logs.arn }'''

    def evaluate(self, model, policy):
        for group in model.of_type("aws_cloudwatch_log_group"):
            check = check_cmk(model, group, "kms_key_id", policy, only_cmk="CloudWatch Logs")
            yield self._finding(check.status, group, check.message)


@register
class LogBucketEncryption(_EncryptionRule):
    id = "ENC-002"
    title = "Log buckets are encrypted with a customer-managed KMS key"
    rationale = ("S3 encrypts new objects with SSE-S3 (AES256) unless default encryption names a KMS key; "
                 "SSE-S3 and the AWS-managed aws/s3 key give no key policy to restrict who can read the logs. "
                 + SCOPE)
    fix = ("Add aws_s3_bucket_server_side_encryption_configuration with sse_algorithm = \"aws:kms\" and "
           "kms_master_key_id = a customer-managed key.")
    example_fail = '''resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule { apply_server_side_encryption_by_default { sse_algorithm = "AES256" } }
}'''
    example_pass = '''resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.logs.arn
    }
  }
}'''

    def evaluate(self, model, policy):
        buckets: dict[str, tuple] = {}
        for use in log_bucket_uses(model):
            res = resolve(model, use.source, use.path, BUCKET, use.value, kind="bucket")
            if not res.targets:
                if res.unset:
                    continue  # nothing delivered to S3 (other rules report missing destinations)
                if use.value is UNKNOWN:
                    yield self.unknown(use.source, f"{use.path} is not known until apply: cannot tell which bucket "
                                                   f"{use.label}s go to, nor confirm it is encrypted with a CMK")
                else:
                    yield self.unknown(use.source, f"{use.label} writes to a bucket this configuration does not "
                                                   f"define ({res.problem}); cannot confirm it is encrypted with a CMK")
                continue
            for b in res.targets:
                buckets.setdefault(b.address, (b, []))[1].append((use.label, use.source.address))
        for bucket, users in buckets.values():
            outcome = bucket_encryption(model, bucket, policy)
            status, text = outcome.status, outcome.text
            absent = outcome.absent
            if status == FAIL and outcome.sse_s3 and all(label == ACCESS_LOG for label, _ in users):
                # AWS delivers server access logs only to SSE-S3 buckets: SSE-KMS default
                # encryption on the target bucket silently stops the log delivery.
                status, absent = PASS, False
                text = ("SSE-S3 (AES256) default encryption, accepted: it is the only default encryption AWS "
                        "supports on a bucket receiving server access logs (a KMS default would stop the delivery)")
            yield self._finding(status, bucket,
                                f"log bucket of {', '.join(f'{label} {a}' for label, a in users)}: {text}",
                                evidence=outcome.sources, absent_in=model if absent else None)


def _alert_topic_refs(model):
    """[(source resource, attribute path)] of every alarm action / event target that can carry alerts."""
    out = []
    for alarm in model.of_type("aws_cloudwatch_metric_alarm"):
        out.append((alarm, "alarm_actions"))
    for target in model.of_type("aws_cloudwatch_event_target"):
        out.append((target, "arn"))
    return out


def _is_sns(value) -> bool:
    return isinstance(value, str) and ":sns:" in value


def alert_topics(model) -> tuple[dict[str, tuple], list[tuple]]:
    """({topic address: (topic, [addresses of the alarms / event targets sending to it])},
    [(source, path, [topics it names that are not in the configuration])])."""
    topics: dict[str, tuple] = {}
    dangling_out = []
    for source, path in _alert_topic_refs(model):
        found = []
        for address in source.refs_under(path):
            found += [t for t in model.instances(address) if t.type == "aws_sns_topic" and t not in found]
        dangling = [a for a in source.refs_under(path)
                    if strip_index(a).split(".")[-2:-1] == ["aws_sns_topic"] and not model.instances(a)]
        value = source.get(path)
        literals = [v for v in (value if isinstance(value, list) else [value]) if _is_sns(v)]
        for v in literals:
            match = resolve(model, source, path, "aws_sns_topic", v, kind="SNS topic").targets
            if match:
                found += [t for t in match if t not in found]
            elif not found:
                dangling.append(v)
        for t in found:
            topics.setdefault(t.address, (t, []))[1].append(source.address)
        if dangling and not found:
            dangling_out.append((source, path, dangling))
    return topics, dangling_out


@register
class AlertTopicEncryption(_EncryptionRule):
    id = "ENC-003"
    title = "SNS topics that carry alerts are encrypted with a customer-managed KMS key"
    rationale = ("Alert messages quote the log events that raised them (root logins, CloudTrail changes, "
                 "GuardDuty findings); an SNS topic without a customer-managed key, or with alias/aws/sns, "
                 "stores them under a key the account cannot restrict. " + SCOPE)
    fix = "Set kms_master_key_id = aws_kms_key.<alerts>.arn on the topic (not alias/aws/sns)."
    example_fail = '''resource "aws_sns_topic" "alerts" { name = "alerts"  kms_master_key_id = "alias/aws/sns" }'''
    example_pass = '''resource "aws_sns_topic" "alerts" { name = "alerts"  kms_master_key_id = aws_kms_key.alerts.arn }'''

    def evaluate(self, model, policy):
        topics, dangling = alert_topics(model)
        for source, path, names in dangling:
            yield self.unknown(source, f"{path} sends alerts to {', '.join(names)}, an SNS topic not defined "
                                       "in this configuration; cannot confirm it is encrypted with a CMK")
        for topic, sources in topics.values():
            if topic.mode == "data":
                yield self.unknown(topic, f"alert topic of {', '.join(sources)} is read from outside this "
                                          "configuration; its encryption is not known")
                continue
            check = check_cmk(model, topic, "kms_master_key_id", policy)
            yield self._finding(check.status, topic, f"alert topic of {', '.join(sources)}: {check.message}")


@register
class ConfigDeliveryEncryption(_EncryptionRule):
    id = "ENC-004"
    title = "AWS Config delivers to S3 encrypted with a customer-managed KMS key"
    rationale = ("Configuration snapshots and history describe every PHI system; they must be written under a "
                 "customer-managed key, either s3_kms_key_arn on the delivery channel or the bucket's default "
                 "SSE-KMS key. " + SCOPE)
    fix = "Set s3_kms_key_arn = aws_kms_key.<config>.arn on aws_config_delivery_channel."
    example_fail = '''resource "aws_config_delivery_channel" "c" { s3_bucket_name = aws_s3_bucket.config.id }   # bucket uses AES256'''
    example_pass = '''resource "aws_config_delivery_channel" "c" {
  s3_bucket_name = aws_s3_bucket.config.id
  s3_kms_key_arn = aws_kms_key.config.arn
}'''

    def evaluate(self, model, policy):
        for ch in model.of_type("aws_config_delivery_channel"):
            value = ch.values.get("s3_kms_key_arn")
            if is_set(value) or value is UNKNOWN or ch.refs_at("s3_kms_key_arn"):
                check = check_cmk(model, ch, "s3_kms_key_arn", policy)
                yield self._finding(check.status, ch, check.message)
                continue
            res = resolve(model, ch, "s3_bucket_name", BUCKET, kind="bucket")
            if not res.targets:
                yield self.unknown(ch, f"s3_kms_key_arn is not set and the delivery bucket is not known "
                                       f"({res.problem}); cannot confirm a CMK encrypts Config deliveries")
                continue
            outcomes = [bucket_encryption(model, b, policy) for b in res.targets]
            status = worst(o.status for o in outcomes)
            texts = "; ".join(o.text for o in outcomes)
            yield self._finding(status, ch, f"s3_kms_key_arn is not set, so the bucket's default encryption "
                                            f"applies: {texts}")


@register
class GuardDutyExportEncryption(_EncryptionRule):
    id = "ENC-005"
    title = "GuardDuty findings export is encrypted with a customer-managed KMS key"
    rationale = ("Exported GuardDuty findings describe threats against PHI systems; the publishing destination "
                 "encrypts them with kms_key_arn, which must be a customer-managed key (with rotation when the policy "
                 "sets kms.require_key_rotation); a key ARN from outside the configuration passes, since "
                 "GuardDuty can use no AWS-managed key (the key policy must grant guardduty.amazonaws.com). "
                 + SCOPE)
    fix = "Set kms_key_arn = aws_kms_key.<findings>.arn (enable_key_rotation = true)."
    example_fail = '''resource "aws_guardduty_publishing_destination" "p" { kms_key_arn = "arn:aws:kms:us-east-1:111122223333:alias/aws/s3" ... }'''
    example_pass = '''resource "aws_guardduty_publishing_destination" "p" { kms_key_arn = aws_kms_key.findings.arn ... }'''

    def evaluate(self, model, policy):
        for dest in model.of_type("aws_guardduty_publishing_destination"):
            check = check_cmk(model, dest, "kms_key_arn", policy, only_cmk="GuardDuty")
            yield self._finding(check.status, dest, check.message)
