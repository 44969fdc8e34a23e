"""Regressions found by the second sweep of widely used public AWS Terraform (terraform-aws-modules/eks,
/lambda, /iam, /rds, /s3-bucket, /cloudwatch, /sns; cloudposse/s3-log-storage, /cloudwatch-logs;
nozaq/secure-baseline).

Each fixture is a minimal configuration written here that reproduces the idiom (never the third-party
file itself).
"""
from __future__ import annotations

import pytest

from ..helpers import lint_hcl


def finding(report, rule: str, address: str):
    found = [f for f in report.findings if f.rule_id == rule and f.resource == address]
    assert len(found) == 1, [(f.rule_id, f.resource, f.status, f.message) for f in report.findings]
    return found[0]


# =============================================================================
# The AWS-managed policies EKS node, cluster, Fargate, Lambda and IRSA roles carry (terraform-aws-modules/eks,
# /lambda, /iam; nozaq's IAM-Support role): read from the table, not "not in auditgate's table" (was: UNKNOWN)
# =============================================================================
NODE_ROLE = '''
data "aws_partition" "current" {}
resource "aws_iam_role" "node" {
  name = "eks-node-group"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
resource "aws_iam_role_policy_attachment" "node" {
  for_each   = toset([%s])
  role       = aws_iam_role.node.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/${each.value}"
}
'''

HARMLESS = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEKSClusterPolicy",
            "AmazonEKSFargatePodExecutionRolePolicy", "AmazonEC2ContainerRegistryPullOnly",
            "AmazonEC2ContainerRegistryPowerUser", "AWSLambdaSQSQueueExecutionRole", "AWSXRayDaemonWriteAccess",
            "AWSXrayWriteOnlyAccess", "AWSXrayReadOnlyAccess", "AWSSupportAccess"]


@pytest.mark.parametrize("name", HARMLESS)
def test_acc002_eks_and_lambda_managed_policies_pass(tmp_path, name):
    f = finding(lint_hcl(tmp_path, NODE_ROLE % f'"{name}"', rule="ACC-002"), "ACC-002", "aws_iam_role.node")
    assert f.status == "pass", f.message


def test_acc002_eks_node_role_with_its_three_policies_passes(tmp_path):
    files = NODE_ROLE % '"AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryPullOnly"'
    f = finding(lint_hcl(tmp_path, files, rule="ACC-002"), "ACC-002", "aws_iam_role.node")
    assert f.status == "pass", f.message


def test_int002_eks_node_role_without_deny_fails(tmp_path):
    # the policies are known now: nothing denies DeleteTrail, as for any other non-admin role
    files = NODE_ROLE % '"AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryPullOnly"'
    f = finding(lint_hcl(tmp_path, files, rule="INT-002"), "INT-002", "aws_iam_role.node")
    assert f.status == "fail", f.message
    assert "not in auditgate's table" not in f.message, f.message


def test_acc002_managed_policy_still_not_in_table_stays_unknown(tmp_path):
    f = finding(lint_hcl(tmp_path, NODE_ROLE % '"AmazonEKSBlockStoragePolicy"', rule="ACC-002"),
                "ACC-002", "aws_iam_role.node")
    assert f.status == "unknown", f.message
    assert "AmazonEKSBlockStoragePolicy is not in auditgate's table" in f.message, f.message
