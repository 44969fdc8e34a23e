"""AWS Config: a recorder of every resource type (global ones included), switched on, delivering."""
from __future__ import annotations

from ..engine import ACCOUNT, Rule, register
from ..model import UNKNOWN
from ._retention import fmt, is_set, resolve

SECTION = "Log Sources"
CLAUSE = "| AWS resource configuration | AWS Config | 7 years |"
RECORDER = "aws_config_configuration_recorder"
STATUS = "aws_config_configuration_recorder_status"


def recorder_name(recorder) -> object:
    """The recorder's name (the provider's default is "default")."""
    name = recorder.values.get("name")
    return "default" if name is None else name


@register
class ConfigRecordsEverything(Rule):
    id = "CFG-001"
    title = "AWS Config records all resource types, including global ones"
    section = SECTION
    clause = CLAUSE
    rationale = ("A recorder limited to some resource types, or one that skips global resources (IAM users, "
                 "roles and policies), leaves changes to PHI systems and their access controls unrecorded.")
    fix = "Set recording_group { all_supported = true  include_global_resource_types = true } on the recorder."
    example_fail = '''resource "aws_config_configuration_recorder" "r" { role_arn = aws_iam_role.config.arn }   # global types not recorded'''
    example_pass = '''resource "aws_config_configuration_recorder" "r" {
  role_arn = aws_iam_role.config.arn
  recording_group {
    all_supported                 = true
    include_global_resource_types = true
  }
}'''

    def evaluate(self, model, policy):
        recorders = model.of_type(RECORDER)
        if not recorders:
            yield self.failed(ACCOUNT, "no aws_config_configuration_recorder in this configuration: resource "
                                       "configuration is not recorded")
            return
        for rec in recorders:
            groups = rec.values.get("recording_group")
            if groups is UNKNOWN:
                yield self.unknown(rec, "recording_group is not known until apply")
                continue
            blocks = rec.blocks("recording_group")
            if not blocks:
                yield self.failed(rec, "recording_group is not set: AWS records all supported types but "
                                       "include_global_resource_types defaults to false (IAM not recorded)")
                continue
            group = blocks[0]
            all_supported = group.get("all_supported")
            include_global = group.get("include_global_resource_types")
            if all_supported is UNKNOWN or include_global is UNKNOWN:
                yield self.unknown(rec, "recording_group.all_supported / include_global_resource_types is not "
                                        "known until apply")
            elif all_supported is False:
                yield self.failed(rec, "recording_group.all_supported = false: only some resource types are "
                                       "recorded")
            elif include_global is not True:
                yield self.failed(rec, "recording_group.include_global_resource_types = "
                                       f"{fmt(include_global) if include_global is not None else 'unset (false)'}: "
                                       "global resources (IAM) are not recorded")
            else:
                yield self.passed(rec, "recording_group.all_supported = true and include_global_resource_types "
                                       "= true")


@register
class ConfigRecorderEnabled(Rule):
    id = "CFG-002"
    title = "The AWS Config recorder is switched on"
    section = SECTION
    clause = CLAUSE
    rationale = ("A configuration recorder does nothing until an aws_config_configuration_recorder_status "
                 "starts it.")
    fix = ("Add aws_config_configuration_recorder_status with name = <recorder>.name and is_enabled = true "
           "(depends_on the delivery channel).")
    example_fail = '''resource "aws_config_configuration_recorder_status" "r" { name = aws_config_configuration_recorder.r.name  is_enabled = false }'''
    example_pass = '''resource "aws_config_configuration_recorder_status" "r" { name = aws_config_configuration_recorder.r.name  is_enabled = true }'''

    def evaluate(self, model, policy):
        recorders = model.of_type(RECORDER)
        statuses = model.of_type(STATUS)
        if not recorders:
            yield self.failed(ACCOUNT, "no aws_config_configuration_recorder in this configuration: nothing "
                                       "records resource configuration")
            return
        for rec in recorders:
            name = recorder_name(rec)
            mine = [s for s in statuses
                    if rec in model.targets(s, "name", RECORDER)
                    or (isinstance(name, str) and s.values.get("name") == name)]
            if not mine:
                unresolved = [s for s in statuses if s.values.get("name") is UNKNOWN
                              and not resolve(model, s, "name", RECORDER).targets]
                if unresolved:
                    yield self.unknown(rec, f"name of {unresolved[0].address} is not known until apply; cannot "
                                            "tell whether it starts this recorder")
                else:
                    yield self.failed(rec, f"no aws_config_configuration_recorder_status with name = {fmt(name)}: "
                                           "the recorder is never started")
                continue
            values = [s.values.get("is_enabled") for s in mine]
            if any(v is True for v in values):
                s = mine[values.index(True)]
                yield self.passed(rec, f"{s.address} is_enabled = true")
            elif any(v is UNKNOWN for v in values):
                yield self.unknown(rec, f"{mine[values.index(UNKNOWN)].address} is_enabled is not known until apply")
            else:
                yield self.failed(rec, f"{mine[0].address} is_enabled = {fmt(values[0])}: the recorder is stopped")


@register
class ConfigDeliveryChannel(Rule):
    id = "CFG-003"
    title = "AWS Config delivers configuration history to S3"
    section = SECTION
    clause = CLAUSE
    rationale = ("Without a delivery channel the recorder cannot start and configuration history is not "
                 "written anywhere it can be kept for the policy period.")
    fix = "Add aws_config_delivery_channel with s3_bucket_name = the Config log bucket."
    example_fail = '''# aws_config_configuration_recorder without any aws_config_delivery_channel'''
    example_pass = '''resource "aws_config_delivery_channel" "c" { s3_bucket_name = aws_s3_bucket.config.id }'''

    def evaluate(self, model, policy):
        channels = model.of_type("aws_config_delivery_channel")
        if not channels:
            yield self.failed(ACCOUNT, "no aws_config_delivery_channel in this configuration: configuration "
                                       "history is not delivered")
            return
        for ch in channels:
            value = ch.values.get("s3_bucket_name")
            if is_set(value):
                yield self.passed(ch, f"delivers to s3_bucket_name = {fmt(value)}")
            elif ch.refs_at("s3_bucket_name"):
                yield self.passed(ch, f"delivers to s3_bucket_name = {', '.join(ch.refs_at('s3_bucket_name'))}")
            elif value is UNKNOWN:
                yield self.unknown(ch, "s3_bucket_name is not known until apply")
            else:
                yield self.failed(ch, "s3_bucket_name is not set: configuration history is not delivered")
