"""AWS Config: a recorder of every resource type (global ones included), switched on, delivering."""
from __future__ import annotations

from ..engine import ACCOUNT, FAIL, Rule, register
from . import _accounts
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


def _recorder_group(rec) -> tuple:
    """(all_supported, include_global_resource_types, why not known) of a recorder's recording_group;
    an unset recording_group records all supported types without the global ones."""
    if rec.values.get("recording_group") is UNKNOWN:
        return UNKNOWN, UNKNOWN, "recording_group is not known until apply"
    blocks = rec.blocks("recording_group")
    if not blocks:
        return True, None, ""
    group = blocks[0]
    return group.get("all_supported"), group.get("include_global_resource_types"), ""


NO_RECORDER_FIX = ("Create an aws_config_configuration_recorder (recording_group { all_supported = true, "
                   "include_global_resource_types = true }) in this account, with a delivery channel and a "
                   "recorder status that starts it.")


@register
class ConfigRecordsEverything(Rule):
    id = "CFG-001"
    title = "AWS Config records all resource types, including global ones"
    section = SECTION
    clause = CLAUSE
    rationale = ("A recorder limited to some resource types, or an account where no recorder records global "
                 "resources (IAM users, roles and policies), leaves changes to PHI systems and their access "
                 "controls unrecorded.  Every recorder must record all supported types.  Global resource types "
                 "are recorded once per account: AWS advises including them in one region's recorder only "
                 "(recording them in every region duplicates each IAM item), so recorders in other regions "
                 "without them pass when one recorder of the same account includes them; an account where none "
                 "does fails.  Policy config.global_resource_types = every_recorder asks it of every recorder.  "
                 "Each account the configuration manages needs a recorder.")
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
        every = policy.config_global_types == "every_recorder"
        for account, recorders in _accounts.split(model, model.of_type(RECORDER)).items():
            if not recorders:
                yield self.absent(model, FAIL, ACCOUNT, f"no aws_config_configuration_recorder{_accounts.suffix(model, account)} "
                                                        "in this configuration: resource configuration is not recorded",
                                  account=account, fix=NO_RECORDER_FIX)
                continue
            groups = {r.address: _recorder_group(r) for r in recorders}
            with_global = [r for r in recorders if groups[r.address][1] is True
                           and groups[r.address][0] is not False]
            for rec in recorders:
                all_supported, include_global, why = groups[rec.address]
                if why:
                    yield self.unknown(rec, why)
                elif all_supported is UNKNOWN:
                    yield self.unknown(rec, "recording_group.all_supported is not known until apply")
                elif all_supported is False:
                    yield self.failed(rec, "recording_group.all_supported = false: only some resource types are "
                                           "recorded")
                elif include_global is True:
                    yield self.passed(rec, "recording_group.all_supported = true and include_global_resource_types "
                                           "= true", evidence=[rec])
                elif include_global is UNKNOWN:
                    yield self.unknown(rec, "recording_group.include_global_resource_types is not known until apply")
                else:
                    shown = fmt(include_global) if include_global is not None else "unset (false)"
                    if not rec.blocks("recording_group"):
                        shown = "unset (recording_group is not set: all supported types, global ones excluded)"
                    others = [r for r in with_global if r is not rec]
                    if others and not every:
                        yield self.passed(rec, f"records all supported types; global resource types (IAM) are "
                                               f"recorded once for the account, by {others[0].address} "
                                               f"(include_global_resource_types = {shown} here, as AWS advises for "
                                               "all but one region)", evidence=[rec, others[0]])
                    else:
                        where = "" if every else (" and no recorder" + (_accounts.suffix(model, account) or
                                                                        " of this account") + " includes them")
                        yield self.failed(rec, f"recording_group.include_global_resource_types = {shown}{where}: "
                                               "global resources (IAM) are not recorded")


@register
class ConfigRecorderEnabled(Rule):
    id = "CFG-002"
    title = "The AWS Config recorder is switched on"
    section = SECTION
    clause = CLAUSE
    rationale = ("A configuration recorder does nothing until an aws_config_configuration_recorder_status "
                 "starts it.  A status that refers to the recorder (name = <recorder>.name) decides; a status "
                 "matched only by the recorder's name, in the same account, counts only when none refers to it, "
                 "so a recorder explicitly stopped is never rescued by another status of the same name.")
    fix = ("Add aws_config_configuration_recorder_status with name = <recorder>.name and is_enabled = true "
           "(depends_on the delivery channel).")
    example_fail = '''resource "aws_config_configuration_recorder_status" "r" { name = aws_config_configuration_recorder.r.name  is_enabled = false }'''
    example_pass = '''resource "aws_config_configuration_recorder_status" "r" { name = aws_config_configuration_recorder.r.name  is_enabled = true }'''

    def evaluate(self, model, policy):
        statuses = model.of_type(STATUS)
        by_name: dict[tuple, list] = {}  # (account, literal name) -> statuses that name a recorder by name only
        unresolved_by: dict[str, list] = {}  # account -> statuses whose name is not known and refers to nothing
        for s in statuses:
            name = s.values.get("name")
            if isinstance(name, str) and not s.refs_at("name"):
                by_name.setdefault((model.account_of(s), name), []).append(s)
            elif name is UNKNOWN and not resolve(model, s, "name", RECORDER).targets:
                unresolved_by.setdefault(model.account_of(s), []).append(s)
        for account, recorders in _accounts.split(model, model.of_type(RECORDER)).items():
            if not recorders:
                yield self.absent(model, FAIL, ACCOUNT, f"no aws_config_configuration_recorder{_accounts.suffix(model, account)} "
                                                        "in this configuration: nothing records resource configuration",
                                  account=account, fix=NO_RECORDER_FIX)
        for rec in model.of_type(RECORDER):
            name = recorder_name(rec)
            home = model.account_of(rec)
            referring = model.referrers(rec, [STATUS], "name")
            if referring:
                mine = referring  # the statuses that name this very recorder decide
            else:
                mine = by_name.get((home, name), []) if isinstance(name, str) else []
            if not mine:
                unresolved = unresolved_by.get(home, [])
                if unresolved:
                    yield self.unknown(rec, f"name of {unresolved[0].address} is not known until apply; cannot "
                                            "tell whether it starts this recorder")
                else:
                    yield self.absent(model, FAIL, rec, f"no aws_config_configuration_recorder_status with name = "
                                                        f"{fmt(name)}: the recorder is never started")
                continue
            values = [s.values.get("is_enabled") for s in mine]
            if any(v is False for v in values):
                stopped = mine[values.index(False)]
                yield self.failed(rec, f"{stopped.address} is_enabled = false: the recorder is stopped")
            elif any(v is UNKNOWN for v in values):
                yield self.unknown(rec, f"{mine[values.index(UNKNOWN)].address} is_enabled is not known until apply")
            elif any(v is True for v in values):
                s = mine[values.index(True)]
                yield self.passed(rec, f"{s.address} is_enabled = true", evidence=[s])
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
        for account, channels in _accounts.split(model, model.of_type("aws_config_delivery_channel")).items():
            if not channels:
                yield self.absent(model, FAIL, ACCOUNT, f"no aws_config_delivery_channel{_accounts.suffix(model, account)} "
                                                        "in this configuration: configuration history is not delivered",
                                  account=account, fix=self.fix)
        for ch in model.of_type("aws_config_delivery_channel"):
            value = ch.values.get("s3_bucket_name")
            if is_set(value):
                yield self.passed(ch, f"delivers to s3_bucket_name = {fmt(value)}", evidence=[ch])
            elif ch.refs_at("s3_bucket_name"):
                yield self.passed(ch, f"delivers to s3_bucket_name = {', '.join(ch.refs_at('s3_bucket_name'))}",
                                  evidence=[ch])
            elif value is UNKNOWN:
                yield self.unknown(ch, "s3_bucket_name is not known until apply")
            else:
                yield self.failed(ch, "s3_bucket_name is not set: configuration history is not delivered")
