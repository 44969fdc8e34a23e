"""IAM principals and the policies that reach them, for the Log Integrity and Log Access rules.

What INT-002 and ACC-001 .. ACC-005 share:

- **Role names against the policy's name globs.**  IAM role names are unique regardless of
  case, so a glob such as ``*devops-admin*`` is compared case-insensitively and without regard
  to separators (``DevOpsAdmin``, ``devops_admin``, ``devops-admin`` are one name), and each
  word of the glob also matches its inflections (``security-investigation`` matches
  ``SecurityInvestigator``).  See :func:`name_matches`.
- **Who can assume a role** (its trust policy): people/accounts, or only AWS services.
- **Which policies a principal has**: inline policies (``aws_iam_role_policy``, ``inline_policy``
  blocks, user and group policies), managed policies attached by ``aws_iam_*_policy_attachment``,
  ``aws_iam_policy_attachment``, ``managed_policy_arns``; AWS-managed policies are read from a
  small table of their effect (:data:`AWS_MANAGED`), anything else outside the configuration is
  unknown.  Service control policies attached with ``aws_organizations_policy_attachment``.
- **What a statement does**: denies an action to a role (conditions that exempt the admin
  principal by ARN are understood, other conditions make the denial uncertain), grants a log
  read, is read-only.

Everything answers True / False / UNKNOWN (fail closed): a value known only after apply never
reads as the answer that would make a rule pass.
"""
from __future__ import annotations


import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

from ..model import UNKNOWN, Model, Resource
from ._glob import fnmatchcase
from ._iam import (POLICY_DOCUMENT, grants_action, normalize_block_statement, normalize_json_statement,
                   policy_statements, principal_entries, tri_all, tri_any)

try:  # partially known values (HCL): a string template with unknown pieces
    from ..model import Hole, PartialString
except ImportError:  # pragma: no cover - a model without partial values
    Hole = PartialString = None  # type: ignore[assignment,misc]

ROLE, USER, GROUP = "aws_iam_role", "aws_iam_user", "aws_iam_group"
POLICY = "aws_iam_policy"
SCP = "aws_organizations_policy"
SCP_ATTACHMENT = "aws_organizations_policy_attachment"

# =============================================================================
# names
# =============================================================================
_INFLECTIONS = ("", "s", "es", "ion", "ions", "or", "ors", "er", "ers", "ing", "istrator", "istrators")
_STRIP = ("ions", "ion", "ors", "or", "ers", "er", "ing", "es", "s")


def _stem(word: str) -> str:
    for suffix in _STRIP:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _normalize(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


_GLOB_CACHE: dict[str, re.Pattern] = {}


def _glob_regex(glob: str) -> re.Pattern:
    pattern = _GLOB_CACHE.get(glob)
    if pattern is None:
        chunks = []
        for chunk in glob.lower().split("*"):
            words = re.findall(r"[a-z0-9]+", chunk)
            chunks.append("".join(re.escape(_stem(w)) + "(?:" + "|".join(_INFLECTIONS) + ")" for w in words))
        pattern = _GLOB_CACHE[glob] = re.compile("^" + ".*".join(chunks) + "$")
    return pattern


@lru_cache(maxsize=1 << 16)  # a pure function of two strings, asked again for each rule and role entry
def name_matches(name: str, glob: str) -> bool:
    """Does an IAM role name match a policy name glob (case, separators and inflections ignored)?"""
    if fnmatchcase(name.lower(), glob.lower()):
        return True
    if "?" in glob or "[" in glob:
        return False
    return bool(_glob_regex(glob).match(_normalize(name)))


def matching_glob(name: str, globs: Iterable[str]) -> str | None:
    for g in globs:
        if name_matches(name, g):
            return g
    return None


def role_name(role: Resource) -> Any:
    """The role's name: ``name``; ``name_prefix`` plus terraform's numeric suffix; UNKNOWN otherwise."""
    name = role.values.get("name")
    if isinstance(name, str) and name:
        return name
    prefix = role.values.get("name_prefix")
    if isinstance(prefix, str) and prefix and name in (None, UNKNOWN, ""):
        return prefix + "20240101000000000000000001"  # terraform appends a timestamp-and-counter suffix
    return UNKNOWN


def shown_name(role: Resource) -> str:
    name = role.values.get("name")
    if isinstance(name, str) and name:
        return f"{name!r}"
    prefix = role.values.get("name_prefix")
    if isinstance(prefix, str) and prefix:
        return f"name_prefix {prefix!r}"
    return "(name known after apply)"


def role_from_arn(arn: str) -> str | None:
    """``arn:aws:iam::1:role/path/name`` or ``arn:aws:sts::1:assumed-role/name/session`` -> name."""
    m = re.match(r"^arn:[^:]*:iam::[^:]*:role/(?:.*/)?([^/]+)$", arn)
    if m:
        return m.group(1)
    m = re.match(r"^arn:[^:]*:sts::[^:]*:assumed-role/([^/]+)(?:/.*)?$", arn)
    return m.group(1) if m else None


_ACCOUNT_ROOT = re.compile(r"^(?:arn:[^:]*:iam::(\d{12}):root|(\d{12}))$")


def account_root(identifier: str) -> str | None:
    """The account id of ``arn:aws:iam::123456789012:root`` or a bare ``123456789012``."""
    m = _ACCOUNT_ROOT.match(identifier)
    return (m.group(1) or m.group(2)) if m else None


# =============================================================================
# trust policies
# =============================================================================
ASSUME_ACTIONS = ("sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity")


@dataclass
class Trust:
    statements: Any  # list | UNKNOWN | None
    principals: list[tuple[str, Any]] = field(default_factory=list)  # Allow-ed principals
    opaque: bool = False  # some statement's Effect or Principal is not known at all

    def services_only(self, allowed: Iterable[str] | None = None) -> Any:
        """True when only AWS services may assume the role (only the ``allowed`` ones, when given).

        A known non-service principal (``AWS``, ``Federated``, ``*``) makes it False even when its
        identifier is known only after apply.
        """
        if self.statements is UNKNOWN:
            return UNKNOWN
        if any(kind != "Service" for kind, _ in self.principals):
            return False
        if self.opaque:
            return UNKNOWN
        if not self.principals:
            return False
        wanted = {a.lower() for a in allowed} if allowed is not None else None
        verdicts = []
        for _, ident in self.principals:
            if not isinstance(ident, str):
                verdicts.append(True if wanted is None else UNKNOWN)
            elif wanted is not None:
                verdicts.append(ident.lower() in wanted)
            else:
                verdicts.append(ident.lower().endswith((".amazonaws.com", ".amazonaws.com.cn")))
        return tri_all(verdicts)

    def services(self) -> list[str]:
        return sorted({i for k, i in self.principals if k == "Service" and isinstance(i, str)})


def trust(model: Model, role: Resource) -> Trust:
    stmts = policy_statements(model, role, "assume_role_policy")
    if stmts is UNKNOWN:
        return Trust(UNKNOWN, opaque=True)
    out = Trust(stmts or [])
    for s in stmts or []:
        if s.get("Effect") == "Deny":
            continue
        if s.get("NotPrincipal"):
            out.principals.append(("NotPrincipal", UNKNOWN))
            continue
        if s.get("Effect") is UNKNOWN:
            out.opaque = True
        entries = principal_entries(s.get("Principal"))
        if entries is UNKNOWN:
            out.opaque = True
            continue
        out.principals.extend(entries)
    return out


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
}

_MANAGED_ARN = re.compile(r"^arn:[^:]*:iam::aws:policy/(?:.*/)?([^/]+)$")


def managed_policy(arn: str) -> tuple[str, list[dict] | Any] | None:
    """(name, statements) of an AWS-managed policy ARN; statements UNKNOWN when not in the table."""
    m = _MANAGED_ARN.match(arn)
    if not m:
        return None
    name = m.group(1)
    return name, AWS_MANAGED.get(name, UNKNOWN)


# =============================================================================
# policies attached to principals
# =============================================================================
@dataclass
class Attached:
    """A policy that reaches a principal."""

    label: str  # e.g. "aws_iam_policy.deny (attached by aws_iam_role_policy_attachment.x)"
    statements: Any  # list | UNKNOWN
    source: Resource  # the resource that attaches it (for messages and subjects)
    definite: bool = True  # False: this attachment may or may not concern the principal
    why: str = ""  # why the statements are unknown
    boundary: bool = False  # a permissions boundary: only its Deny statements count
    where: tuple | None = None  # (resource, attribute) the statements were read from
    _origins: Any = None

    def origin(self, model: Model, stmt: dict) -> "Origin":
        if self.where is None:
            return Origin()
        if self._origins is None:
            self._origins = StatementOrigins.of(model, *self.where)
        return self._origins.lookup(stmt)


def _identities(r: Resource) -> set[str]:
    return {v for v in (r.values.get(a) for a in ("name", "id", "arn", "unique_id")) if isinstance(v, str) and v}


@dataclass
class Targets:
    definite: list[Resource] = field(default_factory=list)
    maybe: list[Resource] = field(default_factory=list)
    external: list[str] = field(default_factory=list)  # known names of principals not in the model
    untied: bool = False  # the attribute is unknown and refers to nothing: could be anyone


def principals_of(model: Model, att: Resource, path: str, rtype: str, single: bool = True) -> Targets:
    """Which principals of ``rtype`` the attribute ``path`` (a name, or a list of names) of ``att`` names."""
    value = att.get(path)
    values = value if isinstance(value, list) else [value]
    known = [v for v in values if isinstance(v, str) and v]
    unknown_value = value is UNKNOWN or any(v is UNKNOWN for v in values)
    out = Targets()
    refs = att.refs_under(path)
    ref_targets: list[Resource] = []
    for address in refs:
        for t in model.instances(address):
            if t.type == rtype and t not in ref_targets:
                ref_targets.append(t)
    if known and not unknown_value:
        for v in known:
            named = [t for t in ref_targets if v in _identities(t)] or model.with_identity(v, rtype)
            if named:
                out.definite += [t for t in named if t not in out.definite]
            elif ref_targets and any(not _identities(t) for t in ref_targets):
                out.maybe += [t for t in ref_targets if t not in out.maybe]
            else:
                name = v.rsplit("/", 1)[-1] if v.startswith("arn:") else v
                out.external.append(name)
        return out
    if ref_targets:
        ambiguous = (single and len(ref_targets) > 1) or (att.index is not None and len(ref_targets) > 1)
        if ambiguous:
            out.maybe = ref_targets
        else:
            out.definite = ref_targets
        if unknown_value and known:
            for v in known:
                out.definite += [t for t in model.with_identity(v, rtype) if t not in out.definite]
        return out
    for v in known:
        named = model.with_identity(v, rtype)
        if named:
            out.definite += [t for t in named if t not in out.definite]
        else:
            out.external.append(v.rsplit("/", 1)[-1] if v.startswith("arn:") else v)
    if unknown_value:
        out.untied = True
    return out


def _managed_name_of_partial_arn(form: Any) -> str | None:
    """The name of the AWS-managed policy a partly known ARN names whatever its partition
    (``"arn:${partition}:iam::aws:policy/Name"``), else None."""
    if PartialString is not None and isinstance(form, PartialString) and form.parts \
            and isinstance(form.parts[-1], str):
        m = re.match(r"^:iam::aws:policy/(?:.*/)?([^/]+)$", form.parts[-1])
        if m and len(form.parts) == 3 and form.parts[0] == "arn:":
            return m.group(1)
    return None


def _policy_resource_statements(model: Model, pol: Resource) -> tuple[Any, str, tuple | None]:
    """(statements, why unknown, where they are read from) of an aws_iam_policy resource or data source.

    ``where`` is ``(pol, "policy")``, or None when the statements come from the table of AWS-managed
    policies (a ``data "aws_iam_policy"`` naming one: its ``policy`` is read from AWS, not written here).
    """
    stmts = policy_statements(model, pol, "policy")
    if stmts is None and pol.mode == "data":
        # data "aws_iam_policy": the document is read from AWS (never written in the configuration), so an
        # absent ``policy`` is one not read yet, not an empty policy
        stmts = UNKNOWN
    if stmts is UNKNOWN:
        if pol.mode == "data":
            for attr in ("arn", "name"):
                v = pol.values.get(attr)
                if isinstance(v, str) and v:
                    found = managed_policy(v) if attr == "arn" else (v, AWS_MANAGED.get(v, UNKNOWN))
                    if found and found[1] is not UNKNOWN:
                        return found[1], "", None
            name = _managed_name_of_partial_arn(model.partial_value(pol, "arn")) \
                if pol.values.get("arn") is UNKNOWN else None
            if name is not None and AWS_MANAGED.get(name) is not None:
                return AWS_MANAGED[name], "", None
        return UNKNOWN, f"{pol.address} policy is not known until apply", (pol, "policy")
    return stmts or [], "", (pol, "policy")


def policies_from_arn(model: Model, att: Resource, path: str, how: str, value: Any = None) -> list[Attached]:
    """The policies an ARN attribute (``policy_arn``, an element of ``managed_policy_arns``) names."""
    if value is None:
        value = att.get(path)
    targets = [t for a in att.refs_under(path) for t in model.instances(a)
               if t.type == POLICY and (t.mode == "managed" or t.mode == "data")]
    if not targets and isinstance(value, str) and value:
        targets = model.with_identity(value, POLICY)
    out: list[Attached] = []
    if targets:
        definite = len(targets) == 1
        for t in targets:
            stmts, why, where = _policy_resource_statements(model, t)
            out.append(Attached(f"{t.address} ({how})", stmts, att, definite=definite, why=why, where=where))
        return out
    if isinstance(value, str) and value:
        managed = managed_policy(value)
        if managed:
            name, stmts = managed
            why = "" if stmts is not UNKNOWN else f"AWS-managed policy {name} is not in auditgate's table of " \
                                                  "managed policies"
            return [Attached(f"AWS-managed policy {name} ({how})", stmts, att, why=why)]
        return [Attached(f"{value} ({how})", UNKNOWN, att,
                         why=f"{path} = {value!r} names a policy not defined in this configuration")]
    form = model.partial_value(att, path) if value is UNKNOWN and path != "__none__" else None
    name = _managed_name_of_partial_arn(form)
    if name is not None:
        stmts = AWS_MANAGED.get(name, UNKNOWN)
        why = "" if stmts is not UNKNOWN else f"AWS-managed policy {name} is not in auditgate's table of " \
                                              "managed policies"
        return [Attached(f"AWS-managed policy {name} ({how})", stmts, att, why=why)]
    refs = att.refs_under(path)
    why = (f"{path} refers to {', '.join(refs)} and is not known until apply" if refs
           else f"{path} is not known until apply")
    return [Attached(f"{att.address} {path} ({how})", UNKNOWN, att, why=why)]


#: (attaching resource type, attribute naming the principal, principal type, inline?)
_ATTACHERS = (
    ("aws_iam_role_policy", "role", ROLE, True),
    ("aws_iam_role_policy_attachment", "role", ROLE, False),
    ("aws_iam_user_policy", "user", USER, True),
    ("aws_iam_user_policy_attachment", "user", USER, False),
    ("aws_iam_group_policy", "group", GROUP, True),
    ("aws_iam_group_policy_attachment", "group", GROUP, False),
)
_MULTI = (("roles", ROLE), ("users", USER), ("groups", GROUP))


@dataclass
class Grant:
    """One attachment edge: a policy and the principals it reaches."""

    policy: Attached
    kind: str  # ROLE / USER / GROUP
    targets: Targets


class IamIndex:
    """Every policy of the configuration and the principals it reaches, built once per model
    (:meth:`of`): the policies attached to a role are looked up, never searched for."""

    @classmethod
    def of(cls, model: Model) -> "IamIndex":
        """The model's index (read-only once built: every rule shares it)."""
        return model.memo(("principals.iam_index",), lambda: cls(model))

    def __init__(self, model: Model):
        self.model = model
        self.grants: list[Grant] = []
        self._by_principal: dict[str, list[Attached]] = {}
        self._untied: dict[str, list[Attached]] = {ROLE: [], USER: [], GROUP: []}
        self.attached_policies: set[str] = set()  # addresses of aws_iam_policy attached somewhere
        self._build()

    # --- building -----------------------------------------------------------
    def _add(self, policy: Attached, kind: str, targets: Targets) -> None:
        self.grants.append(Grant(policy, kind, targets))
        for t in targets.definite:
            self._by_principal.setdefault(t.address, []).append(policy)
        for t in targets.maybe:
            self._by_principal.setdefault(t.address, []).append(
                Attached(policy.label, policy.statements, policy.source, False, policy.why, policy.boundary,
                         policy.where))
        if targets.untied:
            self._untied[kind].append(policy)

    def _build(self) -> None:
        model = self.model
        for rtype, path, kind, inline in _ATTACHERS:
            for att in model.of_type(rtype):
                targets = principals_of(model, att, path, kind)
                if inline:
                    stmts = policy_statements(model, att, "policy")
                    why = "" if stmts is not UNKNOWN else f"{att.address} policy is not known until apply"
                    policies = [Attached(att.address, stmts if stmts is not None else [], att, why=why,
                                         where=(att, "policy"))]
                else:
                    policies = policies_from_arn(model, att, "policy_arn", f"attached by {att.address}")
                for p in policies:
                    self._note_attached(att, "policy_arn")
                    self._add(p, kind, targets)
        for att in model.of_type("aws_iam_policy_attachment"):
            policies = policies_from_arn(model, att, "policy_arn", f"attached by {att.address}")
            self._note_attached(att, "policy_arn")
            for path, kind in _MULTI:
                if att.get(path) in (None, []) and not att.refs_under(path):
                    continue
                targets = principals_of(model, att, path, kind, single=False)
                for p in policies:
                    self._add(p, kind, targets)
        for att in model.of_type("aws_iam_role_policy_attachments_exclusive"):
            targets = principals_of(model, att, "role_name", ROLE)
            arns = att.get("policy_arns")
            for arn in arns if isinstance(arns, list) else [arns]:
                for p in policies_from_arn(model, att, "policy_arns", f"attached by {att.address}", value=arn):
                    self._add(p, ROLE, targets)
            self._note_attached(att, "policy_arns")
        for role in model.of_type(ROLE):
            self._role_own_policies(role)

    def _note_attached(self, att: Resource, path: str) -> None:
        for a in att.refs_under(path):
            for t in self.model.instances(a):
                if t.type == POLICY:
                    self.attached_policies.add(t.address)
        value = att.get(path)
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str) and v:
                for t in self.model.with_identity(v, POLICY):
                    self.attached_policies.add(t.address)

    def _role_own_policies(self, role: Resource) -> None:
        model = self.model
        own = Targets(definite=[role])
        inline = role.values.get("inline_policy")
        # in a plan (and statically) inline_policy is computed: UNKNOWN means "not written here"
        if isinstance(inline, list):
            for i, block in enumerate(inline):
                if not isinstance(block, dict):
                    continue
                path = f"inline_policy.{i}.policy"
                stmts = policy_statements(model, role, path)
                if stmts is None:
                    continue
                name = block.get("name")
                label = f"{role.address} inline_policy {name!r}" if isinstance(name, str) else \
                    f"{role.address} inline_policy[{i}]"
                self._add(Attached(label, stmts, role, why="" if stmts is not UNKNOWN else
                                   f"{label} is not known until apply", where=(role, path)), ROLE, own)
        arns = role.values.get("managed_policy_arns")
        refs = role.refs_under("managed_policy_arns")
        # computed too: UNKNOWN without references means "not written here"
        if isinstance(arns, list) or refs:
            how = f"{role.address} managed_policy_arns"
            items = arns if isinstance(arns, list) else [UNKNOWN]
            referenced = [t for a in refs for t in model.instances(a) if t.type == POLICY]
            for t in referenced:
                self.attached_policies.add(t.address)
                stmts, why, where = _policy_resource_statements(model, t)
                self._add(Attached(f"{t.address} ({how})", stmts, role, why=why, where=where), ROLE, own)
            for arn in items:
                if isinstance(arn, str) and arn:
                    named = model.with_identity(arn, POLICY)
                    if named:
                        for t in named:
                            if t not in referenced:
                                self.attached_policies.add(t.address)
                                stmts, why, where = _policy_resource_statements(model, t)
                                self._add(Attached(f"{t.address} ({how})", stmts, role, why=why,
                                                   where=where), ROLE, own)
                        continue
                    for p in policies_from_arn(model, role, "__none__", how, value=arn):
                        self._add(p, ROLE, own)
                elif arn is UNKNOWN and not referenced:
                    self._add(Attached(how, UNKNOWN, role, why=f"{how} is not known until apply"), ROLE, own)
        boundary = role.values.get("permissions_boundary")
        if (isinstance(boundary, str) and boundary) or role.refs_under("permissions_boundary"):
            for p in policies_from_arn(model, role, "permissions_boundary", f"permissions boundary of {role.address}"):
                p.boundary = True
                self._add(p, ROLE, own)

    # --- questions ------------------------------------------------------------
    def policies(self, principal: Resource) -> list[Attached]:
        """Policies attached to ``principal`` (definite and maybe), plus those whose principal is unknown."""
        kind = principal.type
        mine = list(self._by_principal.get(principal.address, []))
        for p in self._untied.get(kind, []):
            mine.append(Attached(p.label, p.statements, p.source, False, p.why or
                                 f"{p.source.address} names its principal only after apply", p.boundary, p.where))
        return mine

    def external_grants(self) -> list[tuple[Grant, str]]:
        """(grant, principal name) for attachments to principals not defined in the configuration."""
        return [(g, name) for g in self.grants for name in g.targets.external]

    def untied_grants(self) -> list[Grant]:
        return [g for g in self.grants if g.targets.untied and not g.targets.definite and not g.targets.maybe]


# =============================================================================
# what the unknown parts of a statement refer to
# =============================================================================
@dataclass
class Origin:
    """Where a statement came from: its partially known form (HCL) and the references of its
    principals / condition values (both forms)."""

    partial: dict | None = None
    principal_refs: tuple = ()
    condition_refs: dict = field(default_factory=dict)  # (test lower, variable lower) -> refs
    resource_refs: tuple = ()  # references of Resource / NotResource
    per_field: bool = False  # the refs above are the statement's own (a policy document's block)


def _plain(value: Any) -> Any:
    """A partially known value with every partially known string UNKNOWN (what policy_statements reads)."""
    if PartialString is not None and isinstance(value, PartialString):
        return UNKNOWN
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class StatementOrigins:
    """Finds the :class:`Origin` of a normalized statement of ``resource.<path>``."""

    def __init__(self, model: Model, resource: Resource, path: str):
        self.model = model
        self.entries: list[tuple[dict, Origin]] = []
        self._seen: set[str] = set()
        partial_value = getattr(model, "partial_value", None)
        value = resource.get(path)
        if value is UNKNOWN and partial_value is not None:
            doc = partial_value(resource, path)
            raw = doc.get("Statement") if isinstance(doc, dict) else None
            for st in ([raw] if isinstance(raw, dict) else raw if isinstance(raw, list) else []):
                plain = normalize_json_statement(_plain(st))
                if plain is not UNKNOWN:
                    self.entries.append((plain, Origin(partial=normalize_json_statement(st))))
        for address in resource.refs_under(path):
            for doc in model.instances(address):
                if doc.type == POLICY_DOCUMENT:
                    self._visit(doc, 0)

    @classmethod
    def of(cls, model: Model, resource: Resource, path: str) -> "StatementOrigins":
        """The origins of ``resource.<path>``, built once per model (several rules ask of one policy)."""
        memo = getattr(model, "memo", None)
        if memo is None:
            return cls(model, resource, path)
        return memo(("statement_origins", resource.address, path), lambda: cls(model, resource, path))

    def _visit(self, doc: Resource, depth: int) -> None:
        if doc.address in self._seen or depth > 8:
            return
        self._seen.add(doc.address)
        memo = getattr(self.model, "memo", None)
        if memo is not None:  # a policy document's own statements: read once per model
            self.entries.extend(memo(("document_origins", doc.address), lambda: self._document_entries(doc)))
        else:
            self.entries.extend(self._document_entries(doc))
        for attr in ("source_policy_documents", "override_policy_documents"):
            for address in doc.refs_under(attr):
                for t in self.model.instances(address):
                    if t.type == POLICY_DOCUMENT:
                        self._visit(t, depth + 1)

    def _document_entries(self, doc: Resource) -> list[tuple[dict, "Origin"]]:
        entries: list[tuple[dict, Origin]] = []
        partial_value = getattr(self.model, "partial_value", None)
        for i, block in enumerate(doc.blocks("statement")):
            partial_block = dict(block)
            cond_refs = {}
            if partial_value is not None:
                partial_block["resources"] = partial_value(doc, f"statement.{i}.resources")
                partial_block["not_resources"] = partial_value(doc, f"statement.{i}.not_resources")
                partial_block["principals"] = [
                    dict(pb, identifiers=partial_value(doc, f"statement.{i}.principals.{j}.identifiers"))
                    for j, pb in enumerate(block.get("principals") or []) if isinstance(pb, dict)]
                partial_block["condition"] = [
                    dict(cb, values=partial_value(doc, f"statement.{i}.condition.{k}.values"))
                    for k, cb in enumerate(block.get("condition") or []) if isinstance(cb, dict)]
            for k, c in enumerate(block.get("condition") or []):
                if isinstance(c, dict) and isinstance(c.get("test"), str) and isinstance(c.get("variable"), str):
                    cond_refs[(c["test"].lower(), c["variable"].lower())] = doc.refs_under(
                        f"statement.{i}.condition.{k}.values")
            entries.append((normalize_block_statement(block), Origin(
                partial=normalize_block_statement(partial_block) if partial_value is not None else None,
                principal_refs=doc.refs_under(f"statement.{i}.principals"), condition_refs=cond_refs,
                resource_refs=doc.refs_under(f"statement.{i}.resources") + doc.refs_under(
                    f"statement.{i}.not_resources"), per_field=True)))
        return entries

    def lookup(self, stmt: dict) -> Origin:
        found = [o for s, o in self.entries if s == stmt]
        if not found:
            return Origin()
        if len(found) == 1:
            return found[0]
        partials = [o.partial for o in found]
        return Origin(partial=partials[0] if all(p == partials[0] for p in partials) else None,
                      principal_refs=tuple(r for o in found for r in o.principal_refs),
                      condition_refs={k: tuple(r for o in found for r in o.condition_refs.get(k, ()))
                                      for o in found for k in o.condition_refs})


def exact_targets(model: Model, leaf: Any) -> list[tuple[Resource, str]] | None:
    """A leaf that is exactly ``<resource>.<attribute>`` (a partial string of one hole with
    references) -> [(resource, attribute)]; None when it is anything else."""
    if PartialString is None or not isinstance(leaf, PartialString):
        return None
    if len(leaf.parts) != 1 or not isinstance(leaf.parts[0], Hole) or not leaf.parts[0].refs:
        return None
    out = []
    for ref in leaf.parts[0].refs:
        address, _, attr = ref.rpartition(".")
        found = model.instances(address)
        if not found:
            return None
        out.extend((t, attr) for t in found)
    return out


def leaf_roles(model: Model, leaf: Any) -> list[Resource] | None:
    """The roles an unknown ARN / name leaf is exactly the ``arn``/``name``/``id`` of; None when it is
    not (only) that."""
    targets = exact_targets(model, leaf)
    if targets is None:
        if PartialString is not None and isinstance(leaf, PartialString):
            # "arn:...:role/${aws_iam_role.x.name}"
            parts = leaf.parts
            if (len(parts) >= 2 and isinstance(parts[-1], Hole) and isinstance(parts[-2], str)
                    and parts[-2].endswith(":role/") and parts[-1].refs):
                targets = []
                for ref in parts[-1].refs:
                    address, _, attr = ref.rpartition(".")
                    targets += [(t, attr) for t in model.instances(address)]
                if targets and all(t.type == ROLE and a == "name" for t, a in targets):
                    return [t for t, _ in targets]
        return None
    if targets and all(t.type == ROLE and attr in ("arn", "name", "id", "unique_id") for t, attr in targets):
        return [t for t, _ in targets]
    return None


def ref_roles(model: Model, refs: Iterable[str]) -> list[Resource] | None:
    """The roles a list of references names, when it names nothing but roles (plan form)."""
    roles = []
    for address in refs:
        found = model.instances(address)
        if not found or any(t.type != ROLE for t in found):
            return None
        roles += [t for t in found if t not in roles]
    return roles or None


# =============================================================================
# service control policies
# =============================================================================
@dataclass
class AttachedScp:
    policy: Resource
    attachment: Resource
    statements: Any
    definite: bool = True


def attached_scps(model: Model) -> list[AttachedScp]:
    """Service control policies of the configuration that are attached to some target."""
    out: list[AttachedScp] = []
    scps = [p for p in model.of_type(SCP) if p.values.get("type") in (None, "", "SERVICE_CONTROL_POLICY", UNKNOWN)]
    for att in model.of_type(SCP_ATTACHMENT):
        target = att.values.get("target_id")
        if target in (None, "") and not att.refs_under("target_id"):
            continue
        found = [t for t in model.targets(att, "policy_id", SCP) if t in scps]
        untied = not found and att.get("policy_id") is UNKNOWN and not att.refs_under("policy_id")
        for scp in (scps if untied else found):
            definite = not untied and scp.values.get("type") is not UNKNOWN
            out.append(AttachedScp(scp, att, policy_statements(model, scp, "content"), definite))
    return out


# =============================================================================
# what a statement does
# =============================================================================
_ARN_CONDITION_VARIABLES = ("aws:principalarn",)
_EXEMPTING_TESTS = ("arnnotlike", "arnnotequals", "stringnotlike", "stringnotequals",
                    "arnnotlikeifexists", "arnnotequalsifexists", "stringnotlikeifexists", "stringnotequalsifexists")


def _arn_pattern_matches_role(pattern: str, name: str) -> bool:
    """Could an ``aws:PrincipalArn`` pattern match the role ``name`` (any path, any account)?

    Compared case-insensitively: when in doubt the pattern is taken to exempt the role, so a
    denial is never counted for a role it might not reach.
    """
    low, name = pattern.lower(), name.lower()
    if low == "*":
        return True
    for marker in (":role/", ":assumed-role/"):
        if marker in low:
            tail = low.split(marker, 1)[1]
            if marker == ":assumed-role/":
                tail = tail.split("/", 1)[0]
            return fnmatchcase(name, tail) or fnmatchcase(name, tail.rsplit("/", 1)[-1])
    # e.g. "arn:aws:iam::*:*": a pattern that could match any principal
    return fnmatchcase(f"arn:aws:iam::111122223333:role/{name}", re.sub(r"^arn:[^:]*:", "arn:aws:", low))


def _pattern_exempts(model: Model, pattern: Any, role: Resource | None, name: Any) -> Any:
    """Does one ``aws:PrincipalArn`` exemption value (known, partial or unknown) match this role?"""
    if isinstance(pattern, str):
        return UNKNOWN if name is UNKNOWN else _arn_pattern_matches_role(pattern, name)
    roles = leaf_roles(model, pattern)
    if roles is not None and role is not None:
        return role in roles
    if PartialString is not None and isinstance(pattern, PartialString) and name is not UNKNOWN:
        last = pattern.parts[-1] if pattern.parts else None
        if isinstance(last, str) and ":role/" in last.lower():
            tail = last[last.lower().index(":role/") + 6:]
            return fnmatchcase(name.lower(), tail.lower().rsplit("/", 1)[-1]) or \
                fnmatchcase(name.lower(), tail.lower())
    return UNKNOWN


def deny_applies_to_role(stmt: dict, name: Any, role: Resource | None = None, origin: "Origin | None" = None,
                         model: Model | None = None) -> tuple[Any, str]:
    """Does a Deny statement's Condition leave it in force for the role called ``name``?

    No condition: True.  A condition that only exempts principals by ARN (``ArnNotLike`` /
    ``StringNotLike`` ... on ``aws:PrincipalArn``): True unless one of its patterns matches this
    role (a pattern given as a reference to a role matches that role).  Any other condition:
    UNKNOWN (the denial holds only sometimes).
    """
    cond = stmt.get("Condition")
    if cond is UNKNOWN:
        return UNKNOWN, "its Condition is not known until apply"
    if not cond:
        return True, ""
    partial_cond = (origin.partial or {}).get("Condition") if origin is not None else None
    verdicts = []
    for test, body in cond.items():
        t = str(test).lower()
        if not isinstance(body, dict):
            return UNKNOWN, "its Condition is not known until apply"
        for variable, values in body.items():
            if not (t in _EXEMPTING_TESTS and str(variable).lower() in _ARN_CONDITION_VARIABLES):
                return UNKNOWN, f"it applies only when {test} {variable} {_show(values)}"
            label = f"its {test} {variable}"
            if values is not UNKNOWN and all(isinstance(v, str) for v in values):
                if name is UNKNOWN:
                    return UNKNOWN, "the role's name is not known until apply"
                hit = [v for v in values if _arn_pattern_matches_role(v, name)]
                if hit:
                    return False, f"{label} {hit[0]!r} exempts this role"
                verdicts.append((True, ""))
                continue
            # values known only after apply: what do they refer to?
            partial = None
            if isinstance(partial_cond, dict) and isinstance(partial_cond.get(test), dict):
                partial = partial_cond[test].get(variable)
            results = []
            if isinstance(partial, list) and model is not None:
                results = [_pattern_exempts(model, v, role, name) for v in partial]
            elif origin is not None and model is not None and role is not None:
                roles = ref_roles(model, origin.condition_refs.get((t, str(variable).lower()), ()))
                if roles is not None:
                    known = [v for v in values if isinstance(v, str)] if isinstance(values, list) else []
                    results = [role in roles] + [_pattern_exempts(model, v, role, name) for v in known]
            if results and True in results:
                return False, f"{label} exempts this role"
            if results and all(r is False for r in results):
                verdicts.append((True, ""))
                continue
            verdicts.append((UNKNOWN, f"{label} exemption is not known until apply"))
    for v, why in verdicts:
        if v is UNKNOWN:
            return UNKNOWN, why
    return True, ""


def _show(values: Any) -> str:
    if values is UNKNOWN:
        return "(known after apply)"
    if isinstance(values, list):
        shown = [repr(v) if v is not UNKNOWN else "(known after apply)" for v in values[:4]]
        if len(values) > 4:
            shown.append(f"... {len(values) - 4} more")
        return "[" + ", ".join(shown) + "]"
    return repr(values)


_TRAIL_ARN_ANY = re.compile(r"^arn:[^:]*:cloudtrail:[^:]*:[^:]*:trail/\*$", re.I)


def covers_trails(stmt: dict, trail_names: list[Any]) -> Any:
    """Does the statement's Resource cover every trail (``*``, ``...:trail/*`` or each trail's name)?"""
    resources, not_resources = stmt.get("Resource"), stmt.get("NotResource")
    if not_resources:
        return UNKNOWN
    if resources is UNKNOWN:
        return UNKNOWN
    results = []
    for r in resources:
        if r is UNKNOWN or not isinstance(r, str):
            results.append(UNKNOWN)
        elif r == "*" or _TRAIL_ARN_ANY.match(r):
            return True
        elif ":cloudtrail:" in r and ":trail/" in r:
            pattern = r.split(":trail/", 1)[1]
            if trail_names and all(isinstance(n, str) and fnmatchcase(n, pattern) for n in trail_names):
                return True
            results.append(False if all(isinstance(n, str) for n in trail_names) else UNKNOWN)
        else:
            results.append(False)
    return tri_any(results)


def statement_label(stmt: dict, i: int) -> str:
    sid = stmt.get("Sid")
    return f"statement {sid!r}" if isinstance(sid, str) and sid else f"statement {i}"


# --- log reads -----------------------------------------------------------------------
S3_READ = ("s3:GetObject", "s3:GetObjectVersion")
LOGS_READ = ("logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults",
             "logs:StartLiveTail", "logs:GetLogRecord", "logs:Unmask")


def _s3_arn_covers(pattern: str, bucket: str) -> bool:
    if pattern == "*":
        return True
    p = re.sub(r"^arn:[^:*]+:", "arn:aws:", pattern)
    return fnmatchcase(f"arn:aws:s3:::{bucket}/AWSLogs/111122223333/x.json.gz", p)


_LITERAL_BUCKET = re.compile(r"^arn:[^:*]+:s3:::([^/*?\[]+)(?:/|$)")


def _covers_log_bucket(pattern: str, log_bucket_names) -> bool:
    """Does the Resource ``pattern`` cover the objects of one of the log buckets?  A pattern whose
    bucket name has no wildcard can only cover that bucket: looked up, not matched against each."""
    if pattern == "*":
        return True
    m = _LITERAL_BUCKET.match(pattern)
    if m is not None and isinstance(log_bucket_names, (set, frozenset)):
        return m.group(1) in log_bucket_names and _s3_arn_covers(pattern, m.group(1))
    return any(_s3_arn_covers(pattern, b) for b in log_bucket_names)


def reads_logs(stmt: dict, log_bucket_names: "frozenset[str] | list[str]",
               bucket_names_unknown: bool) -> tuple[Any, str]:
    """Does an Allow statement grant reading log contents (log objects or CloudWatch log events)?

    ``(True/False/UNKNOWN, what)``.  CloudWatch Logs reads count on any resource (every log group
    holds audit logs); S3 object reads count when a Resource pattern covers a log bucket's objects
    (or could: an unknown Resource, or an S3 ARN while some log bucket's name is unknown).
    """
    effect = stmt.get("Effect")
    if effect == "Deny":
        return False, ""
    logs = [(a, grants_action(stmt, a)) for a in LOGS_READ]
    hit = [a for a, v in logs if v is True]
    if hit:
        return (UNKNOWN if effect is UNKNOWN else True), f"{_actions(stmt)} (reads CloudWatch Logs: {hit[0]})"
    s3 = [(a, grants_action(stmt, a)) for a in S3_READ]
    s3_hit = [a for a, v in s3 if v is True]
    unsure = [a for a, v in logs + s3 if v is UNKNOWN]
    if not s3_hit:
        if unsure:
            return UNKNOWN, f"{_actions(stmt)} is not known until apply"
        return False, ""
    resources, not_resources = stmt.get("Resource"), stmt.get("NotResource")
    if not_resources:
        return (UNKNOWN if effect is UNKNOWN else True), f"{_actions(stmt)} on NotResource {_show(not_resources)}"
    if resources is UNKNOWN:
        return UNKNOWN, f"{_actions(stmt)} on a Resource not known until apply"
    covered, maybe = [], []
    for r in resources:
        if r is UNKNOWN or not isinstance(r, str):
            maybe.append("(known after apply)")
            continue
        if _covers_log_bucket(r, log_bucket_names):
            covered.append(r)
        elif bucket_names_unknown and (r.startswith("arn:") and ":s3:::" in r):
            maybe.append(r)
    if covered:
        return (UNKNOWN if effect is UNKNOWN else True), f"{_actions(stmt)} on {covered[0]!r} (a log bucket's objects)"
    if maybe:
        return UNKNOWN, f"{_actions(stmt)} on {maybe[0]} (may be a log bucket's objects)"
    return False, ""


def _actions(stmt: dict) -> str:
    if stmt.get("Action"):
        return f"Action {_show(stmt.get('Action'))}"
    return f"NotAction {_show(stmt.get('NotAction'))}"


def show_actions(stmt: dict) -> str:
    return _actions(stmt)


# --- read-only actions -----------------------------------------------------------------
READ_VERBS = ("get", "list", "describe", "lookup", "search", "batchget", "filter", "select", "view", "head")
#: read-only actions whose verb is not one of READ_VERBS
READ_ONLY_ACTIONS = ("logs:startquery", "logs:stopquery", "logs:startlivetail", "logs:stoplivetail",
                     "logs:testmetricfilter", "logs:unmask", "cloudtrail:startquery", "cloudtrail:cancelquery",
                     "athena:startqueryexecution", "athena:stopqueryexecution", "kms:decrypt",
                     "cloudwatch:generatequery")


def is_read_only_action(pattern: Any) -> Any:
    """Is every action an IAM action pattern can match a read (Get*, List*, Describe*, ...)?"""
    if pattern is UNKNOWN or not isinstance(pattern, str):
        return UNKNOWN
    p = pattern.lower()
    if ":" not in p:
        return False  # "*"
    _, verb = p.split(":", 1)
    literal = re.split(r"[*?]", verb, maxsplit=1)[0]
    wildcard = literal != verb
    if not wildcard and p in READ_ONLY_ACTIONS:
        return True
    return any(literal.startswith(v) for v in READ_VERBS)
