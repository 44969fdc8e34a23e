"""AWS-managed policies auditgate knows, by name, summarized as statements; any other is unknown.
"""
from __future__ import annotations

import re
from typing import Any

from ..model import UNKNOWN
from ._iam import normalize_json_statement
from ._managed_exact import EXACT


# =============================================================================
# AWS-managed policies (their effect, summarized as statements)
# =============================================================================
def _allow(*actions: str) -> dict:
    return {"Sid": None, "Effect": "Allow", "Action": list(actions), "NotAction": [], "Resource": ["*"],
            "NotResource": [], "Principal": None, "NotPrincipal": None, "Condition": {}}


_READ_ALL = ("*:Get*", "*:List*", "*:Describe*", "*:BatchGet*", "*:Search*", "*:Lookup*",
             "logs:FilterLogEvents", "logs:StartQuery", "logs:StopQuery", "logs:TestMetricFilter",
             "logs:StartLiveTail", "logs:StopLiveTail", "s3:SelectObjectContent")
_CLOUDWATCH_LOGS_READ = ("logs:Describe*", "logs:Get*", "logs:List*", "logs:StartQuery", "logs:StopQuery",
                         "logs:TestMetricFilter", "logs:FilterLogEvents", "logs:StartLiveTail",
                         "logs:StopLiveTail", "cloudwatch:GenerateQuery")

#: The AWS-managed policies auditgate knows, by name: what they allow, summarized.  A policy not in
#: this table is outside the configuration and unknown.
AWS_MANAGED: dict[str, list[dict]] = {
    "AdministratorAccess": [_allow("*")],
    "PowerUserAccess": [{**_allow(), "Action": [], "NotAction": ["iam:*", "organizations:*", "account:*"]}],
    "ReadOnlyAccess": [_allow(*_READ_ALL)],
    "ViewOnlyAccess": [_allow("*:List*", "*:Describe*")],
    "SecurityAudit": [_allow("*:Describe*", "*:List*", "s3:GetBucket*", "s3:GetAccount*",
                             "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration",
                             "cloudtrail:Get*", "cloudtrail:LookupEvents", "iam:Get*", "config:Get*")],
    "AmazonS3ReadOnlyAccess": [_allow("s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*",
                                      "s3-object-lambda:List*")],
    "AmazonS3FullAccess": [_allow("s3:*", "s3-object-lambda:*")],
    "CloudWatchLogsReadOnlyAccess": [_allow(*_CLOUDWATCH_LOGS_READ)],
    "CloudWatchLogsFullAccess": [_allow("logs:*", "cloudwatch:GenerateQuery")],
    "CloudWatchReadOnlyAccess": [_allow("cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*",
                                        *_CLOUDWATCH_LOGS_READ)],
    "AWSCloudTrail_ReadOnlyAccess": [_allow("cloudtrail:Get*", "cloudtrail:Describe*", "cloudtrail:List*",
                                            "cloudtrail:LookupEvents", "s3:ListAllMyBuckets",
                                            "kms:ListAliases", "lambda:ListFunctions")],
    "AWSCloudTrail_FullAccess": [_allow("cloudtrail:*", "s3:ListAllMyBuckets", "s3:CreateBucket",
                                        "s3:PutBucketPolicy", "kms:ListAliases", "sns:ListTopics")],
    "AmazonSSMManagedInstanceCore": [_allow("ssm:DescribeAssociation", "ssm:Get*", "ssm:ListAssociations",
                                            "ssm:ListInstanceAssociations", "ssm:PutInventory",
                                            "ssm:PutComplianceItems", "ssm:PutConfigurePackageResult",
                                            "ssm:UpdateAssociationStatus", "ssm:UpdateInstanceAssociationStatus",
                                            "ssm:UpdateInstanceInformation", "ssmmessages:*", "ec2messages:*")],
    "CloudWatchAgentServerPolicy": [_allow("cloudwatch:PutMetricData", "ec2:DescribeVolumes", "ec2:DescribeTags",
                                           "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:DescribeLogGroups",
                                           "logs:CreateLogStream", "logs:CreateLogGroup", "logs:PutRetentionPolicy",
                                           "xray:PutTraceSegments", "xray:PutTelemetryRecords", "ssm:GetParameter")],
    "AWSLambdaBasicExecutionRole": [_allow("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")],
    "AWSLambdaVPCAccessExecutionRole": [_allow("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                                               "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces",
                                               "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface",
                                               "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses")],
    "AmazonECSTaskExecutionRolePolicy": [_allow("ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
                                                "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
                                                "logs:CreateLogStream", "logs:PutLogEvents")],
    "AmazonEC2ContainerRegistryReadOnly": [_allow("ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
                                                  "ecr:GetDownloadUrlForLayer", "ecr:GetRepositoryPolicy",
                                                  "ecr:DescribeRepositories", "ecr:ListImages",
                                                  "ecr:DescribeImages", "ecr:BatchGetImage", "ecr:GetLifecyclePolicy",
                                                  "ecr:GetLifecyclePolicyPreview", "ecr:ListTagsForResource",
                                                  "ecr:DescribeImageScanFindings")],
    "AWS_ConfigRole": [_allow("*:Describe*", "*:List*", "*:GetBucket*", "config:Put*", "config:Get*",
                              "iam:Get*", "s3:GetAccountPublicAccessBlock", "s3:GetEncryptionConfiguration",
                              "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration")],
    "AWSDenyAll": [{**_allow("*"), "Effect": "Deny"}],
    # the roles of EKS clusters and nodes, Lambda, ECR, X-Ray and Support that public modules attach
    # (terraform-aws-modules/eks, /lambda, /iam): none reads a log or touches a trail
    "AmazonEKSWorkerNodePolicy": [_allow("ec2:DescribeInstances", "ec2:DescribeInstanceTypes",
                                         "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups",
                                         "ec2:DescribeSubnets", "ec2:DescribeVolumes",
                                         "ec2:DescribeVolumesModifications", "ec2:DescribeVpcs",
                                         "eks:DescribeCluster", "eks-auth:AssumeRoleForPodIdentity")],
    "AmazonEKS_CNI_Policy": [_allow("ec2:AssignPrivateIpAddresses", "ec2:AssignIpv6Addresses",
                                    "ec2:AttachNetworkInterface", "ec2:CreateNetworkInterface",
                                    "ec2:DeleteNetworkInterface", "ec2:DescribeInstances", "ec2:DescribeTags",
                                    "ec2:DescribeNetworkInterfaces", "ec2:DescribeInstanceTypes",
                                    "ec2:DescribeSubnets", "ec2:DetachNetworkInterface",
                                    "ec2:ModifyNetworkInterfaceAttribute", "ec2:UnassignPrivateIpAddresses",
                                    "ec2:CreateTags")],
    # summarized: its many EC2 and Elastic Load Balancing actions as ec2:* and elasticloadbalancing:*
    "AmazonEKSClusterPolicy": [_allow("autoscaling:DescribeAutoScalingGroups", "autoscaling:UpdateAutoScalingGroup",
                                      "ec2:*", "elasticloadbalancing:*", "iam:CreateServiceLinkedRole",
                                      "kms:DescribeKey")],
    "AmazonEKSFargatePodExecutionRolePolicy": [_allow("ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
                                                      "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage")],
    "AmazonEC2ContainerRegistryPullOnly": [_allow("ecr:GetAuthorizationToken", "ecr:BatchGetImage",
                                                  "ecr:GetDownloadUrlForLayer", "ecr:BatchImportUpstreamImage")],
    "AmazonEC2ContainerRegistryPowerUser": [_allow("ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
                                                   "ecr:GetDownloadUrlForLayer", "ecr:GetRepositoryPolicy",
                                                   "ecr:DescribeRepositories", "ecr:ListImages", "ecr:DescribeImages",
                                                   "ecr:BatchGetImage", "ecr:GetLifecyclePolicy",
                                                   "ecr:GetLifecyclePolicyPreview", "ecr:ListTagsForResource",
                                                   "ecr:DescribeImageScanFindings", "ecr:InitiateLayerUpload",
                                                   "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage")],
    "AWSLambdaSQSQueueExecutionRole": [_allow("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                                              "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")],
    "AWSXRayDaemonWriteAccess": [_allow("xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
                                        "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries")],
    "AWSXrayWriteOnlyAccess": [_allow("xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
                                      "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries")],
    "AWSXrayReadOnlyAccess": [_allow("xray:Get*", "xray:BatchGet*", "xray:List*")],
    "AWSSupportAccess": [_allow("support:*")],
    # summarized: its EC2 network-interface actions as ec2:*
    "AWSLambdaENIManagementAccess": [_allow("ec2:*")],
    # exact (v1): RDS Enhanced Monitoring writing OS metrics to its RDSOSMetrics log group
    "AmazonRDSEnhancedMonitoringRole": [
        {**_allow("logs:CreateLogGroup", "logs:PutRetentionPolicy"), "Resource": ["arn:aws:logs:*:*:log-group:RDS*"]},
        {**_allow("logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:GetLogEvents"),
         "Resource": ["arn:aws:logs:*:*:log-group:RDS*:log-stream:*"]}],
}

# Known statement by statement (the published document of the version named in _managed_exact)
AWS_MANAGED.update({name: [normalize_json_statement(stmt) for stmt in statements]
                    for name, (_version, statements) in EXACT.items()})

_MANAGED_ARN = re.compile(r"^arn:[^:]*:iam::aws:policy/(?:.*/)?([^/]+)$")


def managed_policy(arn: str) -> tuple[str, list[dict] | Any] | None:
    """(name, statements) of an AWS-managed policy ARN; statements UNKNOWN when not in the table."""
    m = _MANAGED_ARN.match(arn)
    if not m:
        return None
    name = m.group(1)
    return name, AWS_MANAGED.get(name, UNKNOWN)


def may_be_policy_arn(policy: Any, arn: str) -> bool:
    """Can the known ARN ``arn`` be that of ``policy`` (an aws_iam_policy resource or data source)?  An
    attachment's ``policy_arn = local.arns[count.index]`` refers to every policy the list mentions, but
    its value, once known, names one: its own ARN when known; never an AWS-managed policy's ARN for a
    policy this configuration creates; else an ARN ending in its name."""
    known = policy.values.get("arn")
    if isinstance(known, str) and known:
        return known == arn
    if _MANAGED_ARN.match(arn):
        return policy.mode == "data"
    name = policy.values.get("name")
    if isinstance(name, str) and name and arn.startswith("arn:"):
        return arn.endswith("/" + name)
    return True


def is_reference_to_one_of(form: Any, targets: list) -> bool:
    """Is the partial form of an unknown ARN (HCL's ``Resource.partial``) exactly an attribute of one of
    ``targets`` (``policy_arn = aws_iam_policy.app.arn``)?  False for an expression that only mentions them
    (``local.arns[count.index]`` over ``concat([aws_iam_policy.app.arn], var.extra)``): its value may
    name another policy.  Only policies this configuration creates are told apart: a reference to a data
    source's ARN, or of a resource whose count is not known, has no partial form to tell it by, and is taken
    as exact (as before)."""
    if all(t.mode == "data" or (t.maybe_absent and t.index is None) for t in targets):
        # a data source's ARN has no hole of its own (Hole.source is for its context), nor has a resource whose
        # count / for_each is not known (checked as one instance): not told apart, taken as before
        return True
    parts = getattr(form, "parts", None)
    if not parts or len(parts) != 1 or isinstance(parts[0], str):
        return False
    names = tuple(parts[0].refs) + ((parts[0].source,) if parts[0].source else ())
    addresses = {t.address for t in targets}
    return any(name.rpartition(".")[0] in addresses for name in names)
