"""Regressions found by the second sweep of widely used public AWS Terraform (terraform-aws-modules/eks,
/lambda, /iam, /rds, /s3-bucket, /cloudwatch, /sns; cloudposse/s3-log-storage, /cloudwatch-logs;
nozaq/secure-baseline).

Each fixture is a minimal configuration written here that reproduces the idiom (never the third-party
file itself).
"""
from __future__ import annotations

import pytest

from ..helpers import finding, lint_hcl


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


# =============================================================================
# policy = data.aws_iam_policy.X.policy: a copy of an existing policy's document (terraform-aws-modules/lambda
# copies AWSLambdaENIManagementAccess and AWSXRayDaemonWriteAccess "to attach the same policy to multiple roles")
# is that policy -- an AWS-managed one is read from the table (was: UNKNOWN "policy is not known until apply")
# =============================================================================
COPIED = '''
data "aws_partition" "current" {}
resource "aws_iam_role" "lambda" {
  name = "orders-api"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
data "aws_iam_policy" "tracing" {
  count = 1
  arn   = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"
}
resource "aws_iam_policy" "tracing" {
  count  = 1
  name   = "orders-api-tracing"
  policy = data.aws_iam_policy.tracing[0].policy
}
resource "aws_iam_role_policy_attachment" "tracing" {
  count      = 1
  role       = aws_iam_role.lambda.name
  policy_arn = aws_iam_policy.tracing[0].arn
}
data "aws_iam_policy" "vpc" {
  %s
}
resource "aws_iam_role_policy" "vpc" {
  name   = "orders-api-vpc"
  role   = aws_iam_role.lambda.name
  policy = %s
}
'''
ENI = 'arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaENIManagementAccess"'


def test_acc002_copied_managed_policies_pass(tmp_path):
    files = COPIED % (ENI, "data.aws_iam_policy.vpc.policy")
    f = finding(lint_hcl(tmp_path, files, rule="ACC-002"), "ACC-002", "aws_iam_role.lambda")
    assert f.status == "pass", f.message


def test_acc002_copied_read_only_access_fails(tmp_path):
    files = COPIED % ('arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"', "data.aws_iam_policy.vpc.policy")
    f = finding(lint_hcl(tmp_path, files, rule="ACC-002"), "ACC-002", "aws_iam_role.lambda")
    assert f.status == "fail", f.message
    assert "logs:GetLogEvents" in f.message, f.message


def test_int002_copied_managed_policies_are_read(tmp_path):
    files = COPIED % (ENI, "data.aws_iam_policy.vpc.policy")
    f = finding(lint_hcl(tmp_path, files, rule="INT-002"), "INT-002", "aws_iam_role.lambda")
    assert f.status == "fail", f.message
    assert "not known until apply" not in f.message, f.message


def test_acc002_copied_customer_policy_stays_unknown(tmp_path):
    # a policy looked up by name: its document is in AWS, not here
    files = COPIED % ('name = "team-custom"', "data.aws_iam_policy.vpc.policy")
    f = finding(lint_hcl(tmp_path, files, rule="ACC-002"), "ACC-002", "aws_iam_role.lambda")
    assert f.status == "unknown", f.message


def test_acc002_edited_copy_stays_unknown(tmp_path):
    # only the copy as it is: a document rewritten by a function is not guessed
    files = COPIED % (ENI, 'replace(data.aws_iam_policy.vpc.policy, "ec2:", "logs:")')
    f = finding(lint_hcl(tmp_path, files, rule="ACC-002"), "ACC-002", "aws_iam_role.lambda")
    assert f.status == "unknown", f.message


# =============================================================================
# A service principal named through data "aws_service_principal" (terraform-aws-modules/eks capability module):
# the message names no empty service (was: "role 'x', a service role of , has no attached policy ...")
# =============================================================================
def test_int002_service_role_of_a_service_named_after_apply(tmp_path):
    files = '''
data "aws_service_principal" "eks" {
  service_name = "capabilities.eks"
}
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = [data.aws_service_principal.eks.name]
    }
  }
}
resource "aws_iam_role" "capability" {
  name               = "eks-capability"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}
'''
    f = finding(lint_hcl(tmp_path, files, rule="INT-002"), "INT-002", "aws_iam_role.capability")
    assert f.status == "fail", f.message
    assert f.message.startswith("role 'eks-capability', a service role of a service named only after apply, has no "
                                "attached policy"), f.message
