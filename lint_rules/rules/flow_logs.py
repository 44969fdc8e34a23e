"""VPC Flow Logs: on every VPC, all traffic, default format, published to CloudWatch Logs."""
from __future__ import annotations

from ..engine import ACCOUNT, FAIL, PASS, UNKNOWN_STATUS, Rule, register
from ..model import UNKNOWN
from ._retention import fmt, is_set, resources_named, vpc_flow_logs

SECTION = "VPC Flow Logs"
VPC_TYPES = ("aws_vpc", "aws_default_vpc")

#: The AWS default flow log record format (version 2 fields).
DEFAULT_FORMAT = ("${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
                  "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}")


def _vpcs(model):
    return model.of_type(*VPC_TYPES) + model.data("aws_vpc")


def _covered_vpcs(model, flow) -> list:
    """The VPCs (resources or data sources) a flow log's vpc_id refers to or names."""
    found = []
    for address in flow.refs_at("vpc_id"):
        found += [v for v in model.instances(address) if v.type in VPC_TYPES and v not in found]
    value = flow.values.get("vpc_id")
    if not found and isinstance(value, str) and value:
        for rtype in VPC_TYPES:
            found += resources_named(model, rtype, value)
    return found


def _vpc_key(model, flow):
    """What VPC a flow log covers: its resolved VPC addresses, else its literal vpc_id, else None."""
    vpcs = _covered_vpcs(model, flow)
    if vpcs:
        return tuple(sorted(v.address for v in vpcs))
    value = flow.values.get("vpc_id")
    return value if isinstance(value, str) and value else None


def _plan_without_configuration(model) -> bool:
    """A plan whose ``configuration`` section is missing has no references to go by."""
    return not model.has_references


# --- the per-flow-log checks (status, message) ----------------------------------
def check_traffic(model, flow):
    value = flow.values.get("traffic_type")
    if value is UNKNOWN:
        return UNKNOWN_STATUS, "traffic_type is not known until apply"
    if value == "ALL":
        return PASS, 'traffic_type = "ALL": accepted and rejected traffic are logged'
    if value is None:
        return FAIL, 'traffic_type is not set; policy needs "ALL" (accepted and rejected traffic)'
    return FAIL, f'traffic_type = {fmt(value)} logs only part of the traffic; policy needs "ALL"'


def check_format(model, flow):
    value = flow.values.get("log_format")
    if value is None or value == "":
        return PASS, "log_format is not set: AWS default format (source/destination address, port, action)"
    if value is UNKNOWN:
        if flow.refs_at("log_format"):
            return UNKNOWN_STATUS, f"log_format refers to {', '.join(flow.refs_at('log_format'))} and is not known until apply"
        if model.kind == "plan" and not _plan_without_configuration(model):
            # In a plan an optional+computed attribute is unknown exactly when the configuration
            # does not set it (an expression would be known or would reference something).
            return PASS, "log_format is not set in the configuration: AWS default format"
        return UNKNOWN_STATUS, "log_format is not known (an expression that cannot be evaluated statically)"
    if isinstance(value, str) and " ".join(value.split()) == DEFAULT_FORMAT:
        return PASS, "log_format is the AWS default format"
    return FAIL, f"log_format = {fmt(value)} is a custom format; policy requires the default format"


def check_destination(model, flow):
    dtype = flow.values.get("log_destination_type")
    if dtype is UNKNOWN:
        return UNKNOWN_STATUS, "log_destination_type is not known until apply"
    if dtype not in (None, "cloud-watch-logs"):
        return FAIL, f'log_destination_type = {fmt(dtype)}; policy requires "cloud-watch-logs" (CloudWatch Logs)'
    shown = fmt(dtype) if dtype else 'unset (default "cloud-watch-logs")'
    dest, legacy = flow.values.get("log_destination"), flow.values.get("log_group_name")
    dest_known = is_set(dest) or is_set(legacy) or flow.refs_at("log_destination") or flow.refs_at("log_group_name")
    if not dest_known:
        if dest is UNKNOWN or legacy is UNKNOWN:
            return UNKNOWN_STATUS, f"log_destination_type = {shown} but log_destination is not known until apply"
        return FAIL, f"log_destination_type = {shown} but neither log_destination nor log_group_name is set"
    role = flow.values.get("iam_role_arn")
    if role is UNKNOWN and not flow.refs_at("iam_role_arn"):
        return UNKNOWN_STATUS, f"log_destination_type = {shown}; iam_role_arn is not known until apply"
    if not is_set(role) and not flow.refs_at("iam_role_arn"):
        return FAIL, (f"log_destination_type = {shown} but iam_role_arn is not set: flow logs cannot be "
                      "published to CloudWatch Logs")
    return PASS, f"log_destination_type = {shown} with iam_role_arn set: published to CloudWatch Logs"


CHECKS = (check_traffic, check_format, check_destination)


def _compliant(model, flow) -> bool:
    return all(check(model, flow)[0] == PASS for check in CHECKS)


class _FlowLogAttributeRule(Rule):
    section = SECTION
    check = staticmethod(check_traffic)

    def evaluate(self, model, policy):
        flows = vpc_flow_logs(model)
        keys: dict[str, object] = {}
        for flow in flows:
            status, message = self.check(model, flow)
            if status != PASS:
                # an additional flow log (e.g. a second copy to S3) does not break the policy
                # when the same VPC also has a fully compliant one
                if not keys:
                    keys = {f.address: _vpc_key(model, f) for f in flows}
                key = keys[flow.address]
                siblings = [f for f in flows if f is not flow and key is not None
                            and keys[f.address] == key and _compliant(model, f)]
                if siblings:
                    status = PASS
                    message = (f"accepted as an additional copy: {siblings[0].address} already logs this VPC's "
                               "traffic to CloudWatch Logs (all traffic, default format), as the policy asks; "
                               f"this one differs ({message})")
            yield self._finding(status, flow, message)


@register
class VpcFlowLogsEnabled(Rule):
    id = "FL-001"
    title = "Every VPC has a flow log"
    section = SECTION
    clause = "Enabled on all VPCs in NVS and NHC"
    rationale = ("Without a flow log, traffic to and from PHI systems in that VPC leaves no record for "
                 "investigation or anomaly detection.")
    fix = "Add an aws_flow_log with vpc_id = <the VPC>.id, traffic_type = \"ALL\", to a CloudWatch log group."
    example_fail = '''resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }   # no aws_flow_log'''
    example_pass = '''resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_flow_log" "main" {
  vpc_id          = aws_vpc.main.id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.flow.arn
  iam_role_arn    = aws_iam_role.flow.arn
}'''

    def evaluate(self, model, policy):
        vpcs = _vpcs(model)
        flows = vpc_flow_logs(model)
        if not vpcs and not flows:
            others = " on a VPC (vpc_id)" if model.of_type("aws_flow_log") else ""
            yield self.absent(model, UNKNOWN_STATUS, ACCOUNT, f"no aws_vpc and no aws_flow_log{others} in this "
                                                              "configuration: cannot confirm flow logs are enabled on all VPCs")
            return
        covers = {f.address: _covered_vpcs(model, f) for f in flows}
        flows_of: dict[str, list] = {}
        for flow in flows:
            for vpc in covers[flow.address]:
                flows_of.setdefault(vpc.address, []).append(flow)
        unresolved = [f for f in flows if f.values.get("vpc_id") is UNKNOWN and not covers[f.address]
                      and not any(model.instances(a) for a in f.refs_at("vpc_id"))]
        covered = set()
        for vpc in vpcs:
            mine = flows_of.get(vpc.address, [])
            covered.update(f.address for f in mine)
            if mine:
                yield self.passed(vpc, f"VPC has flow log {', '.join(f.address for f in mine)}", evidence=mine)
                continue
            if unresolved:
                yield self.unknown(vpc, f"no aws_flow_log has vpc_id = {vpc.address}.id; vpc_id of "
                                        f"{unresolved[0].address} is not known until apply")
            elif vpc.mode == "data":
                yield self.unknown(vpc, "VPC is read from outside this configuration and no aws_flow_log here "
                                        "has vpc_id referring to it; cannot confirm it has flow logs")
            else:
                yield self.absent(model, FAIL, vpc, f"no aws_flow_log has vpc_id referring to this VPC "
                                                    f"({vpc.address}.id)")
        for flow in flows:
            if flow.address in covered:
                continue
            value = flow.values.get("vpc_id")
            if isinstance(value, str) and value:
                yield self.passed(flow, f"flow log covers vpc_id = {fmt(value)} (a VPC defined outside this "
                                        "configuration)")
            elif not covers[flow.address]:
                refs = flow.refs_at("vpc_id")
                yield self.unknown(flow, f"vpc_id {'refers to ' + ', '.join(refs) if refs else 'is not known until apply'}"
                                         "; cannot tell which VPC the flow log covers")


@register
class FlowLogAllTraffic(_FlowLogAttributeRule):
    id = "FL-002"
    title = "Flow logs capture all traffic"
    clause = "| Network traffic | VPC Flow Logs | 1 year |"
    rationale = ("A flow log limited to ACCEPT or REJECT traffic misses half of the network record; "
                 "investigation needs both allowed and denied connections.")
    fix = 'Set traffic_type = "ALL" on the flow log.'
    example_fail = '''resource "aws_flow_log" "x" { vpc_id = aws_vpc.main.id  traffic_type = "REJECT" ... }'''
    example_pass = '''resource "aws_flow_log" "x" { vpc_id = aws_vpc.main.id  traffic_type = "ALL" ... }'''
    check = staticmethod(check_traffic)


@register
class FlowLogDefaultFormat(_FlowLogAttributeRule):
    id = "FL-003"
    title = "Flow logs use the default log format"
    clause = "Log format: default (includes source IP, destination, port, action)"
    rationale = ("The default format carries source and destination address, ports and the accept/reject "
                 "action; a custom format can drop the fields an investigation needs.")
    fix = "Remove log_format from the flow log (or set it to the default format string)."
    example_fail = '''resource "aws_flow_log" "x" { log_format = "$${srcaddr} $${dstaddr}" ... }'''
    example_pass = '''resource "aws_flow_log" "x" { vpc_id = aws_vpc.main.id  traffic_type = "ALL" ... }   # no log_format'''
    check = staticmethod(check_format)


@register
class FlowLogToCloudWatch(_FlowLogAttributeRule):
    id = "FL-004"
    title = "Flow logs are published to CloudWatch Logs"
    clause = "Published to CloudWatch Logs"
    rationale = ("The policy names CloudWatch Logs as the flow log destination, where the security "
                 "investigation role queries them with Logs Insights; publishing needs an IAM role.")
    fix = 'Set log_destination_type = "cloud-watch-logs", log_destination = a log group ARN and iam_role_arn.'
    example_fail = '''resource "aws_flow_log" "x" { log_destination_type = "s3"  log_destination = aws_s3_bucket.fl.arn ... }'''
    example_pass = '''resource "aws_flow_log" "x" {
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow.arn
  iam_role_arn         = aws_iam_role.flow.arn
  ...
}'''
    check = staticmethod(check_destination)
