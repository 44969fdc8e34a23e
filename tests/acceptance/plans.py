"""The compliant acceptance configuration as a `terraform show -json` plan (terraform 1.11 format).

Mirrors cases/compliant (with the WORKAROUNDS applied) the way terraform really plans it:
data.aws_caller_identity / aws_region / aws_partition are read at plan time (account 111122223333,
us-east-1), so bucket names are known; arn/id/key_id of new resources are unknown; data sources that
depend on them are deferred (action "read", json unknown); aws_s3_bucket's legacy computed blocks
(versioning, logging, ...) are unknown; aws_flow_log.log_format (optional+computed) is unknown when
not set; configuration.expressions carry constants and references.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

try:
    from ..planbuilder import PlanBuilder
except ImportError:  # run as a script: python3 tests/acceptance/plans.py > plan.json
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from planbuilder import PlanBuilder  # noqa: E402

ACCOUNT = "111122223333"
REGION = "us-east-1"
PREFIX = "acme-phi"

BUCKET_COMPUTED = ["arn", "id", "bucket_domain_name", "bucket_regional_domain_name", "hosted_zone_id",
                   "region", "acceleration_status", "acl", "policy", "request_payer", "object_lock_enabled",
                   "versioning", "logging", "lifecycle_rule", "server_side_encryption_configuration",
                   "object_lock_configuration", "replication_configuration", "website", "grant", "cors_rule",
                   "website_domain", "website_endpoint", "bucket_region"]


def _bucket(p: PlanBuilder, name: str, bucket: str, *, kms: str | None, expire: int | None,
            lifecycle_id: str | None = None, transition: bool = False) -> None:
    addr = f"aws_s3_bucket.{name}"
    p.resource(addr, {"bucket": bucket, "force_destroy": False, "tags": None},
               unknown=BUCKET_COMPUTED, refs={"bucket": ["local.prefix", "local.account_id"]})
    p.resource(f"aws_s3_bucket_versioning.{name}",
               {"versioning_configuration": [{"status": "Enabled"}], "expected_bucket_owner": None},
               unknown=["bucket", "id", "region", "versioning_configuration.0.mfa_delete"],
               refs={"bucket": [f"{addr}.id"]})
    default = {"sse_algorithm": "aws:kms" if kms else "AES256"}
    refs = {"bucket": [f"{addr}.id"]}
    unknown = ["bucket", "id", "region"]
    if kms:
        unknown.append("rule.0.apply_server_side_encryption_by_default.0.kms_master_key_id")
        refs["rule.0.apply_server_side_encryption_by_default.0.kms_master_key_id"] = [f"aws_kms_key.{kms}.arn"]
    p.resource(f"aws_s3_bucket_server_side_encryption_configuration.{name}",
               {"rule": [{"apply_server_side_encryption_by_default": [default],
                          "bucket_key_enabled": None}], "expected_bucket_owner": None},
               unknown=unknown, refs=refs)
    p.resource(f"aws_s3_bucket_public_access_block.{name}",
               {"block_public_acls": True, "block_public_policy": True, "ignore_public_acls": True,
                "restrict_public_buckets": True, "skip_destroy": None},
               unknown=["bucket", "id", "region"], refs={"bucket": [f"{addr}.id"]})
    if expire is not None:
        rule = {"id": lifecycle_id, "status": "Enabled", "filter": [{}], "abort_incomplete_multipart_upload": [],
                "expiration": [{"days": expire, "date": None}],
                "noncurrent_version_expiration": [{"noncurrent_days": expire, "newer_noncurrent_versions": None}],
                "noncurrent_version_transition": [], "prefix": ""}
        rule["transition"] = [{"days": 90, "storage_class": "GLACIER", "date": None}] if transition else []
        p.resource(f"aws_s3_bucket_lifecycle_configuration.{name}",
                   {"rule": [rule], "expected_bucket_owner": None},
                   unknown=["bucket", "id", "region", "rule.0.expiration.0.expired_object_delete_marker",
                            "transition_default_minimum_object_size"],
                   refs={"bucket": [f"{addr}.id"]})


def _log_group(p: PlanBuilder, name: str, log_name: str, days: int) -> None:
    p.resource(f"aws_cloudwatch_log_group.{name}",
               {"name": log_name, "retention_in_days": days, "skip_destroy": False, "tags": None},
               unknown=["arn", "id", "kms_key_id", "log_group_class", "name_prefix", "region", "tags_all"],
               refs={"kms_key_id": ["aws_kms_key.logs.arn"]})


PHI_IDENTIFIERS = ["Name", "Address", "EmailAddress", "PhoneNumber-US", "DateOfBirth", "Ssn-US", "DriversLicense-US",
                   "HealthInsuranceClaimNumber-US", "MedicareBeneficiaryNumber-US", "NationalDrugCode-US",
                   "NationalProviderId-US", "HealthcareProcedureCode-US", "DrugEnforcementAgencyNumber-US"]


def _app_protection(p: PlanBuilder) -> None:
    """app_protection.tf: an account-level data protection policy and audit-event metric filters."""
    _log_group(p, "data_protection_findings", "/audit/data-protection-findings", 365)
    ids = [f"arn:aws:dataprotection::aws:data-identifier/{i}" for i in PHI_IDENTIFIERS]
    document = {"Name": "phi-data-protection", "Statement": [
        {"DataIdentifier": ids, "Operation": {"Audit": {"FindingsDestination": {
            "CloudWatchLogs": {"LogGroup": "/audit/data-protection-findings"}}}}, "Sid": "audit"},
        {"DataIdentifier": ids, "Operation": {"Deidentify": {"MaskConfig": {}}}, "Sid": "mask"}],
        "Version": "2021-06-01"}
    p.resource("aws_cloudwatch_log_account_policy.phi",
               {"policy_name": "phi-data-protection", "policy_type": "DATA_PROTECTION_POLICY", "scope": "ALL",
                "selection_criteria": None, "policy_document": json.dumps(document, separators=(",", ":"))},
               unknown=["id", "region"],
               refs={"policy_document": ["local.phi_identifiers", "aws_cloudwatch_log_group.data_protection_findings.name"]})
    for app, group in (("django", "/app/django/patient-portal"), ("laravel", "/app/laravel/billing")):
        for name, event, metric in (("login_failures", "auth.login.failure", "LoginFailures"),
                                    ("authz_denied", "authz.denied", "AuthorizationDenials")):
            p.resource(f"aws_cloudwatch_log_metric_filter.{app}_{name}",
                       {"name": f"{app}-{name.replace('_', '-')}", "log_group_name": group,
                        "pattern": f'{{ $.event = "{event}" }}', "apply_on_transformed_logs": False,
                        "metric_transformation": [{"name": f"{app.capitalize()}{metric}",
                                                   "namespace": "Application/Audit", "value": "1",
                                                   "default_value": None, "dimensions": None, "unit": "None"}]},
                       unknown=["id", "region"], refs={"log_group_name": [f"local.{app}_log_group"]})


def _policy_doc(p: PlanBuilder, name: str, statements: list[dict], refs: dict, unknown: list[str]) -> None:
    """A deferred aws_iam_policy_document (inputs unknown at plan time)."""
    p.resource(f"data.aws_iam_policy_document.{name}",
               {"statement": statements, "version": None, "override_policy_documents": None,
                "source_policy_documents": None, "policy_id": None},
               unknown=["id", "json", "minified_json"] + unknown, refs=refs, actions=["read"])


def _stmt(sid, actions, resources, principals=None, effect=None, conditions=()):
    return {"sid": sid, "effect": effect, "actions": actions, "resources": resources,
            "principals": [{"type": t, "identifiers": i} for t, i in (principals or [])],
            "condition": [{"test": t, "variable": v, "values": vals} for t, v, vals in conditions],
            "not_actions": None, "not_principals": [], "not_resources": None}


def build_compliant_plan(as_written: bool = False) -> dict:
    """as_written=False mirrors cases/compliant with WORKAROUNDS applied; True mirrors it verbatim
    (jsonencode() bucket policy, SSM content with kmsKeyId = key_id, access-log bucket on SSE-S3,
    screenshot bucket named with the account id)."""
    p = PlanBuilder(terraform_version="1.11.4")
    acct = ACCOUNT
    # data sources read during plan
    p.resource("data.aws_caller_identity.current",
               {"account_id": acct, "arn": f"arn:aws:iam::{acct}:user/ci", "id": acct, "user_id": "AIDAEXAMPLE"})
    p.resource("data.aws_region.current", {"region": REGION, "name": REGION, "id": REGION,
                                          "description": "US East (N. Virginia)", "endpoint": "ec2.us-east-1.amazonaws.com"})
    p.resource("data.aws_partition.current", {"partition": "aws", "id": "aws", "dns_suffix": "amazonaws.com",
                                             "reverse_dns_prefix": "com.amazonaws"})

    # --- IAM roles (assume-role policies known at plan time) -----------------------------
    def assume(service):
        return json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})
    mfa_assume = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole",
        "Principal": {"AWS": f"arn:aws:iam::{acct}:root"},
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]})
    p.resource("data.aws_iam_policy_document.assume_from_account_with_mfa",
               {"json": mfa_assume, "id": "1", "statement": [_stmt(None, ["sts:AssumeRole"], None,
                [("AWS", [f"arn:aws:iam::{acct}:root"])], conditions=[("Bool", "aws:MultiFactorAuthPresent", ["true"])])]})
    p.resource("data.aws_iam_policy_document.flow_logs_assume",
               {"json": assume("vpc-flow-logs.amazonaws.com"), "id": "2",
                "statement": [_stmt(None, ["sts:AssumeRole"], None, [("Service", ["vpc-flow-logs.amazonaws.com"])])]})
    roles = {
        "devops_admin": ("DevOpsAdminBreakGlass", mfa_assume, ["data.aws_iam_policy_document.assume_from_account_with_mfa.json"]),
        "security_investigator": ("SecurityInvestigator", mfa_assume, ["data.aws_iam_policy_document.assume_from_account_with_mfa.json"]),
        "app_instance": ("acme-phi-app-instance", assume("ec2.amazonaws.com"), None),
        "config": ("acme-phi-aws-config", assume("config.amazonaws.com"), None),
        "flow_logs": ("acme-phi-vpc-flow-logs", assume("vpc-flow-logs.amazonaws.com"), ["data.aws_iam_policy_document.flow_logs_assume.json"]),
        "cloudtrail_to_cloudwatch": ("acme-phi-cloudtrail-to-cloudwatch", assume("cloudtrail.amazonaws.com"), None),
    }
    for name, (rname, pol, ref) in roles.items():
        values = {"name": rname, "path": "/", "max_session_duration": 3600, "force_detach_policies": False,
                  "permissions_boundary": None, "tags": None, "description": None}
        if ref is None:
            values["assume_role_policy"] = pol
            p.resource(f"aws_iam_role.{name}", values,
                       unknown=["arn", "id", "unique_id", "create_date", "managed_policy_arns", "inline_policy",
                                "name_prefix", "tags_all"])
        else:
            values["assume_role_policy"] = pol
            p.resource(f"aws_iam_role.{name}", values,
                       unknown=["arn", "id", "unique_id", "create_date", "managed_policy_arns", "inline_policy",
                                "name_prefix", "tags_all"], refs={"assume_role_policy": ref})
    p.resource("aws_iam_role_policy_attachment.devops_admin",
               {"role": "DevOpsAdminBreakGlass", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"},
               unknown=["id"], refs={"role": ["aws_iam_role.devops_admin.name"]})
    p.resource("aws_iam_role_policy_attachment.app_instance_ssm",
               {"role": "acme-phi-app-instance", "policy_arn": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"},
               unknown=["id"], refs={"role": ["aws_iam_role.app_instance.name"]})
    p.resource("aws_iam_role_policy_attachment.config",
               {"role": "acme-phi-aws-config", "policy_arn": "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole"},
               unknown=["id"], refs={"role": ["aws_iam_role.config.name"],
                                     "policy_arn": ["data.aws_partition.current.partition"]})
    p.resource("aws_iam_role_policy.security_investigator", {"name": "read-audit-logs"},
               unknown=["id", "policy", "role", "name_prefix"],
               refs={"role": ["aws_iam_role.security_investigator.id"],
                     "policy": ["aws_s3_bucket.cloudtrail.arn", "aws_s3_bucket.access_logs.arn"]})
    deny = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyDeleteTrail", "Effect": "Deny", "Resource": "*",
        "Action": ["cloudtrail:DeleteTrail", "cloudtrail:StopLogging", "cloudtrail:UpdateTrail",
                   "cloudtrail:PutEventSelectors"]}]})
    p.resource("aws_iam_policy.deny_trail_tampering",
               {"name": "DenyCloudTrailTampering", "path": "/", "policy": deny, "tags": None,
                "description": "Denies DeleteTrail/StopLogging to every non-admin role"},
               unknown=["arn", "id", "policy_id", "attachment_count", "name_prefix", "tags_all"])
    attach_roles = {"security_investigator": "SecurityInvestigator", "app_instance": "acme-phi-app-instance",
                    "config": "acme-phi-aws-config", "flow_logs": "acme-phi-vpc-flow-logs",
                    "cloudtrail_cw": "acme-phi-cloudtrail-to-cloudwatch"}
    for key, rname in attach_roles.items():
        p.resource(f'aws_iam_role_policy_attachment.deny_trail_tampering["{key}"]', {"role": rname},
                   unknown=["id", "policy_arn"], for_each=True,
                   refs={"role": ["each.value"], "policy_arn": ["aws_iam_policy.deny_trail_tampering.arn"]})

    # --- KMS ------------------------------------------------------------------------------
    p.resource("aws_kms_key.cloudtrail",
               {"description": "CMK for CloudTrail log files", "enable_key_rotation": True,
                "deletion_window_in_days": 30, "is_enabled": True, "key_usage": "ENCRYPT_DECRYPT",
                "customer_master_key_spec": "SYMMETRIC_DEFAULT", "bypass_policy_lockout_safety_check": False,
                "tags": None},
               unknown=["arn", "id", "key_id", "policy", "multi_region", "rotation_period_in_days", "region", "tags_all"],
               refs={"policy": ["data.aws_caller_identity.current.account_id", "aws_iam_role.devops_admin.arn",
                                "aws_iam_role.security_investigator.arn"]})
    logs_key_policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "EnableRootAccount", "Effect": "Allow", "Action": "kms:*", "Resource": "*",
         "Principal": {"AWS": f"arn:aws:iam::{acct}:root"}},
        {"Sid": "AllowCloudWatchLogs", "Effect": "Allow", "Resource": "*",
         "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
         "Principal": {"Service": f"logs.{REGION}.amazonaws.com"},
         "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{REGION}:{acct}:log-group:*"}}},
        {"Sid": "AllowServicesToUseKey", "Effect": "Allow", "Resource": "*",
         "Action": ["kms:GenerateDataKey*", "kms:Decrypt", "kms:Encrypt", "kms:DescribeKey"],
         "Principal": {"Service": ["config.amazonaws.com", "guardduty.amazonaws.com", "cloudwatch.amazonaws.com",
                                   "events.amazonaws.com", "sns.amazonaws.com"]}}]})
    p.resource("data.aws_iam_policy_document.logs_key", {"json": logs_key_policy, "id": "3"})
    p.resource("aws_kms_key.logs",
               {"description": "CMK for audit log storage", "enable_key_rotation": True,
                "deletion_window_in_days": 30, "is_enabled": True, "key_usage": "ENCRYPT_DECRYPT",
                "customer_master_key_spec": "SYMMETRIC_DEFAULT", "bypass_policy_lockout_safety_check": False,
                "tags": None, "policy": logs_key_policy},
               unknown=["arn", "id", "key_id", "multi_region", "rotation_period_in_days", "region", "tags_all"],
               refs={"policy": ["data.aws_iam_policy_document.logs_key.json"]})
    p.resource("aws_kms_alias.cloudtrail", {"name": "alias/acme-phi-cloudtrail"},
               unknown=["arn", "id", "target_key_id", "target_key_arn", "name_prefix", "region"],
               refs={"target_key_id": ["aws_kms_key.cloudtrail.key_id"]})
    p.resource("aws_kms_alias.logs", {"name": "alias/acme-phi-logs"},
               unknown=["arn", "id", "target_key_id", "target_key_arn", "name_prefix", "region"],
               refs={"target_key_id": ["aws_kms_key.logs.key_id"]})

    # --- CloudTrail -----------------------------------------------------------------------
    _bucket(p, "cloudtrail", f"{PREFIX}-cloudtrail-{acct}", kms="cloudtrail", expire=2557,
            lifecycle_id="archive-then-expire-after-7-years", transition=True)
    p.resource("aws_s3_bucket_ownership_controls.cloudtrail", {"rule": [{"object_ownership": "BucketOwnerEnforced"}]},
               unknown=["bucket", "id", "region"], refs={"bucket": ["aws_s3_bucket.cloudtrail.id"]})
    trail_arn = f"arn:aws:cloudtrail:{REGION}:{acct}:trail/acme-phi-trail"
    if as_written:
        p.resource("aws_s3_bucket_policy.cloudtrail", {}, unknown=["bucket", "id", "policy", "region"],
                   refs={"bucket": ["aws_s3_bucket.cloudtrail.id"],
                         "policy": ["aws_s3_bucket.cloudtrail.arn", "local.region",
                                    "data.aws_caller_identity.current.account_id",
                                    "aws_iam_role.devops_admin.arn", "aws_iam_role.security_investigator.arn"]})
    _policy_doc(p, "cloudtrail_bucket", [
        _stmt("AWSCloudTrailAclCheck", ["s3:GetBucketAcl"], [None], [("Service", ["cloudtrail.amazonaws.com"])],
              conditions=[("StringEquals", "aws:SourceArn", [trail_arn])]),
        _stmt("AWSCloudTrailWrite", ["s3:PutObject"], [None], [("Service", ["cloudtrail.amazonaws.com"])],
              conditions=[("StringEquals", "s3:x-amz-acl", ["bucket-owner-full-control"]),
                          ("StringEquals", "aws:SourceArn", [trail_arn])]),
        _stmt("DenyInsecureTransport", ["s3:*"], [None, None], [("*", ["*"])], effect="Deny",
              conditions=[("Bool", "aws:SecureTransport", ["false"])]),
        _stmt("RestrictReadsToLogRoles", ["s3:GetObject", "s3:GetObjectVersion"], [None], [("*", ["*"])],
              effect="Deny", conditions=[("Bool", "aws:PrincipalIsAWSService", ["false"]),
                                         ("ArnNotLike", "aws:PrincipalArn", [None, None])]),
    ], refs={"statement.0.resources": ["aws_s3_bucket.cloudtrail.arn"],
             "statement.0.condition.0.values": ["local.region", "local.account_id"],
             "statement.1.resources": ["aws_s3_bucket.cloudtrail.arn", "local.account_id"],
             "statement.1.condition.1.values": ["local.region", "local.account_id"],
             "statement.2.resources": ["aws_s3_bucket.cloudtrail.arn"],
             "statement.3.resources": ["aws_s3_bucket.cloudtrail.arn"],
             "statement.3.condition.1.values": ["aws_iam_role.devops_admin.arn",
                                                "aws_iam_role.security_investigator.arn"]},
       unknown=["statement.0.resources.0", "statement.1.resources.0", "statement.2.resources.0",
                "statement.2.resources.1", "statement.3.resources.0", "statement.3.condition.1.values.0",
                "statement.3.condition.1.values.1"])
    if not as_written:
        p.resource("aws_s3_bucket_policy.cloudtrail", {}, unknown=["bucket", "id", "policy", "region"],
                   refs={"bucket": ["aws_s3_bucket.cloudtrail.id"],
                         "policy": ["data.aws_iam_policy_document.cloudtrail_bucket.json"]})
    _log_group(p, "cloudtrail", "/aws/cloudtrail/acme-phi-trail", 2557)
    p.resource("aws_iam_role_policy.cloudtrail_to_cloudwatch", {"name": "deliver-to-cloudwatch"},
               unknown=["id", "policy", "role", "name_prefix"],
               refs={"role": ["aws_iam_role.cloudtrail_to_cloudwatch.id"],
                     "policy": ["aws_cloudwatch_log_group.cloudtrail.arn"]})
    p.resource("aws_cloudtrail.main",
               {"name": "acme-phi-trail", "s3_key_prefix": "cloudtrail", "is_multi_region_trail": True,
                "include_global_service_events": True, "enable_logging": True, "enable_log_file_validation": True,
                "is_organization_trail": False, "sns_topic_name": None, "tags": None,
                "advanced_event_selector": [], "insight_selector": [],
                "event_selector": [{"read_write_type": "All", "include_management_events": True,
                                    "exclude_management_event_sources": None,
                                    "data_resource": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]},
                                                      {"type": "AWS::Lambda::Function", "values": ["arn:aws:lambda"]}]}]},
               unknown=["arn", "id", "home_region", "region", "tags_all", "s3_bucket_name", "kms_key_id",
                        "cloud_watch_logs_group_arn", "cloud_watch_logs_role_arn", "sns_topic_arn"],
               refs={"s3_bucket_name": ["aws_s3_bucket.cloudtrail.id"], "kms_key_id": ["aws_kms_key.cloudtrail.arn"],
                     "cloud_watch_logs_group_arn": ["aws_cloudwatch_log_group.cloudtrail.arn"],
                     "cloud_watch_logs_role_arn": ["aws_iam_role.cloudtrail_to_cloudwatch.arn"]})

    # --- VPC flow logs --------------------------------------------------------------------
    for vpc, cidr in (("app", "10.10.0.0/16"), ("data", "10.20.0.0/16")):
        p.resource(f"aws_vpc.{vpc}", {"cidr_block": cidr, "instance_tenancy": "default",
                                      "assign_generated_ipv6_cidr_block": None, "ipv4_ipam_pool_id": None,
                                      "tags": {"Name": f"acme-phi-{vpc}"}},
                   unknown=["arn", "id", "default_route_table_id", "main_route_table_id", "owner_id",
                            "default_security_group_id", "default_network_acl_id", "dhcp_options_id",
                            "enable_dns_hostnames", "enable_dns_support", "ipv6_cidr_block", "region"])
    _log_group(p, "flow_logs", "/aws/vpc/flow-logs", 365)
    _policy_doc(p, "flow_logs_write", [_stmt(None, ["logs:CreateLogStream", "logs:PutLogEvents",
                                                   "logs:DescribeLogGroups", "logs:DescribeLogStreams"], [None])],
                refs={"statement.0.resources": ["aws_cloudwatch_log_group.flow_logs.arn"]},
                unknown=["statement.0.resources.0"])
    p.resource("aws_iam_role_policy.flow_logs", {"name": "write-flow-logs"},
               unknown=["id", "policy", "role", "name_prefix"],
               refs={"role": ["aws_iam_role.flow_logs.id"], "policy": ["data.aws_iam_policy_document.flow_logs_write.json"]})
    for vpc in ("app", "data"):
        p.resource(f"aws_flow_log.{vpc}",
                   {"traffic_type": "ALL", "log_destination_type": "cloud-watch-logs",
                    "max_aggregation_interval": 600, "deliver_cross_account_role": None, "eni_id": None,
                    "subnet_id": None, "transit_gateway_id": None, "transit_gateway_attachment_id": None,
                    "destination_options": [], "tags": None},
                   unknown=["arn", "id", "vpc_id", "log_destination", "iam_role_arn", "log_format", "region", "tags_all"],
                   refs={"vpc_id": [f"aws_vpc.{vpc}.id"], "log_destination": ["aws_cloudwatch_log_group.flow_logs.arn"],
                         "iam_role_arn": ["aws_iam_role.flow_logs.arn"]})

    # --- AWS Config -----------------------------------------------------------------------
    _bucket(p, "config", f"{PREFIX}-config-history-{acct}", kms="logs", expire=2557,
            lifecycle_id="keep-config-history-7-years")
    _policy_doc(p, "config_bucket", [
        _stmt("AWSConfigBucketPermissionsCheck", ["s3:GetBucketAcl", "s3:ListBucket"], [None],
              [("Service", ["config.amazonaws.com"])], conditions=[("StringEquals", "AWS:SourceAccount", [acct])]),
        _stmt("AWSConfigBucketDelivery", ["s3:PutObject"], [None], [("Service", ["config.amazonaws.com"])],
              conditions=[("StringEquals", "s3:x-amz-acl", ["bucket-owner-full-control"]),
                          ("StringEquals", "AWS:SourceAccount", [acct])]),
        _stmt("DenyInsecureTransport", ["s3:*"], [None, None], [("*", ["*"])], effect="Deny",
              conditions=[("Bool", "aws:SecureTransport", ["false"])]),
    ], refs={"statement.0.resources": ["aws_s3_bucket.config.arn"],
             "statement.0.condition.0.values": ["data.aws_caller_identity.current.account_id"],
             "statement.1.resources": ["aws_s3_bucket.config.arn", "data.aws_caller_identity.current.account_id"],
             "statement.1.condition.1.values": ["data.aws_caller_identity.current.account_id"],
             "statement.2.resources": ["aws_s3_bucket.config.arn"]},
       unknown=["statement.0.resources.0", "statement.1.resources.0", "statement.2.resources.0",
                "statement.2.resources.1"])
    p.resource("aws_s3_bucket_policy.config", {}, unknown=["bucket", "id", "policy", "region"],
               refs={"bucket": ["aws_s3_bucket.config.id"], "policy": ["data.aws_iam_policy_document.config_bucket.json"]})
    p.resource("aws_config_configuration_recorder.main",
               {"name": "default", "recording_group": [{"all_supported": True, "include_global_resource_types": True,
                                                        "exclusion_by_resource_types": [], "resource_types": None}]},
               unknown=["id", "role_arn", "region", "recording_mode", "recording_group.0.recording_strategy"],
               refs={"role_arn": ["aws_iam_role.config.arn"]})
    p.resource("aws_config_delivery_channel.main",
               {"name": "default", "s3_bucket_name": f"{PREFIX}-config-history-{acct}", "s3_key_prefix": None,
                "sns_topic_arn": None, "snapshot_delivery_properties": [{"delivery_frequency": "TwentyFour_Hours"}]},
               unknown=["id", "s3_kms_key_arn", "region"],
               refs={"s3_bucket_name": ["aws_s3_bucket.config.bucket"], "s3_kms_key_arn": ["aws_kms_key.logs.arn"]})
    p.resource("aws_config_configuration_recorder_status.main", {"name": "default", "is_enabled": True},
               unknown=["id", "region"], refs={"name": ["aws_config_configuration_recorder.main.name"]})
    p.resource("aws_config_retention_configuration.main", {"retention_period_in_days": 2557},
               unknown=["id", "name", "region"])

    # --- GuardDuty / Security Hub ----------------------------------------------------------
    p.resource("aws_guardduty_detector.main", {"enable": True, "finding_publishing_frequency": "FIFTEEN_MINUTES",
                                               "tags": None},
               unknown=["account_id", "arn", "id", "datasources", "region", "tags_all"])
    _bucket(p, "findings", f"{PREFIX}-security-findings-{acct}", kms="logs", expire=365,
            lifecycle_id="keep-findings-1-year")
    p.resource("aws_s3_bucket_policy.findings", {}, unknown=["bucket", "id", "policy", "region"],
               refs={"bucket": ["aws_s3_bucket.findings.id"],
                     "policy": ["aws_s3_bucket.findings.arn", "data.aws_caller_identity.current.account_id"]})
    p.resource("aws_guardduty_publishing_destination.s3", {"destination_type": "S3"},
               unknown=["id", "detector_id", "destination_arn", "kms_key_arn", "region"],
               refs={"detector_id": ["aws_guardduty_detector.main.id"], "destination_arn": ["aws_s3_bucket.findings.arn"],
                     "kms_key_arn": ["aws_kms_key.logs.arn"]})
    p.resource("aws_securityhub_account.main", {"enable_default_standards": False, "auto_enable_controls": True,
                                                "control_finding_generator": None},
               unknown=["arn", "id", "region"])
    for name, std in (("fsbp", "aws-foundational-security-best-practices/v/1.0.0"),
                      ("cis", "cis-aws-foundations-benchmark/v/1.4.0")):
        p.resource(f"aws_securityhub_standards_subscription.{name}",
                   {"standards_arn": f"arn:aws:securityhub:{REGION}::standards/{std}", "timeouts": None},
                   unknown=["id", "region"], refs={"standards_arn": ["data.aws_region.current.region"]})
    p.resource("aws_securityhub_product_subscription.guardduty",
               {"product_arn": f"arn:aws:securityhub:{REGION}::product/aws/guardduty"},
               unknown=["arn", "id", "region"], refs={"product_arn": ["data.aws_region.current.region"]})
    _log_group(p, "securityhub_findings", "/aws/events/securityhub-findings", 365)
    p.resource("aws_cloudwatch_event_rule.securityhub_findings",
               {"name": "securityhub-findings-to-logs", "description": "Archive all Security Hub findings for one year",
                "event_bus_name": "default", "state": "ENABLED", "tags": None,
                "event_pattern": json.dumps({"detail-type": ["Security Hub Findings - Imported"],
                                             "source": ["aws.securityhub"]}, separators=(",", ":"))},
               unknown=["arn", "id", "name_prefix", "region", "tags_all"])
    p.resource("aws_cloudwatch_event_target.securityhub_findings",
               {"rule": "securityhub-findings-to-logs", "event_bus_name": "default"},
               unknown=["arn", "id", "target_id", "region"],
               refs={"rule": ["aws_cloudwatch_event_rule.securityhub_findings.name"],
                     "arn": ["aws_cloudwatch_log_group.securityhub_findings.arn"]})
    _policy_doc(p, "events_to_logs", [_stmt(None, ["logs:CreateLogStream", "logs:PutLogEvents"], [None],
                                            [("Service", ["events.amazonaws.com", "delivery.logs.amazonaws.com"])])],
                refs={"statement.0.resources": ["aws_cloudwatch_log_group.securityhub_findings.arn"]},
                unknown=["statement.0.resources.0"])
    p.resource("aws_cloudwatch_log_resource_policy.events_to_logs", {"policy_name": "eventbridge-to-securityhub-findings"},
               unknown=["id", "policy_document", "region"],
               refs={"policy_document": ["data.aws_iam_policy_document.events_to_logs.json"]})

    # --- Application logs, screenshot bucket, access logs -----------------------------------
    _log_group(p, "django", "/app/django/patient-portal", 365)
    _log_group(p, "laravel", "/app/laravel/billing", 365)
    _app_protection(p)
    _bucket(p, "screenshots", f"{PREFIX}-screenshots-{acct}" if as_written else f"{PREFIX}-screenshots-prod",
            kms="logs", expire=None)
    p.resource("aws_s3_bucket_logging.screenshots", {"target_prefix": "screenshots/", "expected_bucket_owner": None,
                                                      "target_grant": [], "target_object_key_format": []},
               unknown=["bucket", "target_bucket", "id", "region"],
               refs={"bucket": ["aws_s3_bucket.screenshots.id"], "target_bucket": ["aws_s3_bucket.access_logs.id"]})
    p.resource("aws_s3_bucket_metric.screenshots", {"name": "EntireBucket", "filter": []},
               unknown=["bucket", "id", "region"], refs={"bucket": ["aws_s3_bucket.screenshots.id"]})
    _bucket(p, "access_logs", f"{PREFIX}-s3-access-logs-{acct}", kms=None, expire=365,
            lifecycle_id="keep-access-logs-1-year")
    p.resource("aws_s3_bucket_policy.access_logs", {}, unknown=["bucket", "id", "policy", "region"],
               refs={"bucket": ["aws_s3_bucket.access_logs.id"],
                     "policy": ["aws_s3_bucket.access_logs.arn", "aws_s3_bucket.screenshots.arn",
                                "data.aws_caller_identity.current.account_id"]})

    # --- SSM Session Manager --------------------------------------------------------------
    _log_group(p, "ssm_sessions", "/aws/ssm/session-manager", 365)
    content = json.dumps({"description": "Session Manager preferences: log every session to CloudWatch Logs, encrypted",
                          "inputs": {"cloudWatchEncryptionEnabled": True, "cloudWatchLogGroupName": "/aws/ssm/session-manager",
                                     "cloudWatchStreamingEnabled": True, "idleSessionTimeout": "20",
                                     "kmsKeyId": "alias/acme-phi-logs", "runAsDefaultUser": "", "runAsEnabled": False,
                                     "s3BucketName": "", "s3EncryptionEnabled": True, "s3KeyPrefix": "",
                                     "shellProfile": {"linux": "", "windows": ""}},
                          "schemaVersion": "1.0", "sessionType": "Standard_Stream"}, separators=(",", ":"))
    ssm_values = {"name": "SSM-SessionManagerRunShell", "document_type": "Session", "document_format": "JSON",
                  "content": content, "attachments_source": [], "permissions": None, "tags": None,
                  "target_type": None, "version_name": None}
    ssm_refs = ["aws_cloudwatch_log_group.ssm_sessions.name", "aws_kms_alias.logs.name"]
    if as_written:  # kmsKeyId = aws_kms_key.logs.key_id: the whole jsonencode() is unknown
        del ssm_values["content"]
        ssm_refs = ["aws_cloudwatch_log_group.ssm_sessions.name", "aws_kms_key.logs.key_id"]
    p.resource("aws_ssm_document.session_manager_prefs", ssm_values,
               unknown=(["content"] if as_written else []) + ["arn", "created_date", "default_version", "description", "document_version", "hash",
                        "hash_type", "id", "latest_version", "owner", "parameter", "platform_types", "region",
                        "schema_version", "status", "tags_all"],
               refs={"content": ssm_refs})

    # --- Alerting -------------------------------------------------------------------------
    p.resource("aws_sns_topic.security_alerts", {"name": "acme-phi-security-alerts", "fifo_topic": False, "tags": None},
               unknown=["arn", "id", "kms_master_key_id", "owner", "policy", "region", "tags_all", "signature_version",
                        "tracing_config", "beginning_archive_time", "archive_policy", "delivery_policy"],
               refs={"kms_master_key_id": ["aws_kms_key.logs.arn"]})
    p.resource("aws_sns_topic_subscription.security_email", {"protocol": "email", "endpoint": "security@acme.example"},
               unknown=["arn", "id", "topic_arn", "owner_id", "pending_confirmation", "confirmation_was_authenticated",
                        "filter_policy_scope", "region"],
               refs={"topic_arn": ["aws_sns_topic.security_alerts.arn"]})
    p.resource("aws_sns_topic_policy.security_alerts", {}, unknown=["arn", "id", "owner", "policy", "region"],
               refs={"arn": ["aws_sns_topic.security_alerts.arn"],
                     "policy": ["aws_sns_topic.security_alerts.arn", "data.aws_caller_identity.current.account_id"]})
    filters = {
        "cloudtrail_disabled": ("cloudtrail-disabled", "{ ($.eventSource = cloudtrail.amazonaws.com) && (($.eventName = StopLogging) || ($.eventName = DeleteTrail) || ($.eventName = UpdateTrail)) }", "CloudTrailDisabled"),
        "root_login": ("root-account-login", '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }', "RootAccountUsage"),
    }
    for name, (fname, pattern, metric) in filters.items():
        p.resource(f"aws_cloudwatch_log_metric_filter.{name}",
                   {"name": fname, "log_group_name": "/aws/cloudtrail/acme-phi-trail", "pattern": pattern,
                    "metric_transformation": [{"name": metric, "namespace": "Acme/Security", "value": "1",
                                               "default_value": None, "dimensions": None, "unit": "None"}]},
                   unknown=["id", "region"], refs={"log_group_name": ["aws_cloudwatch_log_group.cloudtrail.name"]})
        p.resource(f"aws_cloudwatch_metric_alarm.{name}",
                   {"alarm_name": fname, "namespace": "Acme/Security", "metric_name": metric, "statistic": "Sum",
                    "period": 300 if name == "cloudtrail_disabled" else 60, "evaluation_periods": 1, "threshold": 1,
                    "comparison_operator": "GreaterThanOrEqualToThreshold", "treat_missing_data": "notBreaching",
                    "actions_enabled": True, "metric_query": [], "tags": None},
                   unknown=["arn", "id", "alarm_actions", "region", "tags_all", "alarm_description"],
                   refs={"alarm_actions": ["aws_sns_topic.security_alerts.arn"]})
    p.resource("aws_cloudwatch_metric_alarm.screenshots_anomaly",
               {"alarm_name": "screenshots-unusual-access", "comparison_operator": "GreaterThanUpperThreshold",
                "evaluation_periods": 3, "threshold_metric_id": "band", "treat_missing_data": "notBreaching",
                "actions_enabled": True, "tags": None,
                "metric_query": [
                    {"id": "band", "expression": "ANOMALY_DETECTION_BAND(requests, 3)", "label": "GetRequests (expected)",
                     "return_data": True, "metric": [], "account_id": None, "period": None},
                    {"id": "requests", "return_data": True, "expression": None, "label": None, "account_id": None,
                     "period": None, "metric": [{"namespace": "AWS/S3", "metric_name": "GetRequests", "period": 300,
                                                 "stat": "Sum", "unit": None,
                                                 "dimensions": {"BucketName": f"{PREFIX}-screenshots-{acct}" if as_written else f"{PREFIX}-screenshots-prod",
                                                                "FilterId": "EntireBucket"}}]}]},
               unknown=["arn", "id", "alarm_actions", "region", "tags_all", "alarm_description"],
               refs={"alarm_actions": ["aws_sns_topic.security_alerts.arn"]})
    p.resource("aws_cloudwatch_event_rule.guardduty_high",
               {"name": "securityhub-guardduty-high", "event_bus_name": "default", "state": "ENABLED", "tags": None,
                "description": "GuardDuty findings of HIGH or CRITICAL severity imported into Security Hub",
                "event_pattern": json.dumps({"detail": {"findings": {"ProductName": ["GuardDuty"],
                                                                     "Severity": {"Label": ["HIGH", "CRITICAL"]}}},
                                             "detail-type": ["Security Hub Findings - Imported"],
                                             "source": ["aws.securityhub"]}, separators=(",", ":"))},
               unknown=["arn", "id", "name_prefix", "region", "tags_all"])
    p.resource("aws_cloudwatch_event_target.guardduty_high_sns", {"rule": "securityhub-guardduty-high",
                                                                  "event_bus_name": "default"},
               unknown=["arn", "id", "target_id", "region"],
               refs={"rule": ["aws_cloudwatch_event_rule.guardduty_high.name"], "arn": ["aws_sns_topic.security_alerts.arn"]})
    doc = p.build()
    if as_written:
        drop_resource(doc, "data.aws_iam_policy_document.cloudtrail_bucket")
    return doc


def find(doc: dict, address: str) -> tuple[dict, dict]:
    """(resource_changes entry, planned_values entry) for ``address``."""
    rc = next(r for r in doc["resource_changes"] if r["address"] == address)
    pv = next(r for r in doc["planned_values"]["root_module"]["resources"] if r["address"] == address)
    return rc, pv


def set_value(doc: dict, address: str, path: str, value) -> dict:
    """Set a planned value (both in resource_changes.after and planned_values) and the config constant."""
    rc, pv = find(doc, address)
    for tree in (rc["change"]["after"], pv["values"]):
        node = tree
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node[part]
        last = parts[-1]
        if last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value
    return doc


def set_known(doc: dict, address: str, path: str, value) -> dict:
    """Make ``path`` a known constant: planned value, no after_unknown flag, constant_value in config."""
    set_value(doc, address, path, value)
    rc, _ = find(doc, address)
    node = rc["change"]["after_unknown"]
    parts = path.split(".")
    for part in parts[:-1]:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            node = None
            break
    if isinstance(node, dict):
        node.pop(parts[-1], None)
    conf = next(r for r in doc["configuration"]["root_module"]["resources"]
                if r["address"] == address.split("[")[0])
    node = conf["expressions"]
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node[part]
    node[parts[-1]] = {"constant_value": value}
    return doc


def mark_deleted(doc: dict, address: str) -> dict:
    """The resource exists today and this plan destroys it (as terraform writes a destroy)."""
    rc, pv = find(doc, address)
    rc["change"]["actions"] = ["delete"]
    rc["change"]["before"] = rc["change"]["after"]
    rc["change"]["before_sensitive"] = rc["change"]["after_sensitive"]
    rc["change"]["after"] = None
    rc["change"]["after_unknown"] = {}
    rc["change"]["after_sensitive"] = False
    doc["planned_values"]["root_module"]["resources"].remove(pv)
    return doc


def drop_resource(doc: dict, address: str) -> dict:
    doc["resource_changes"] = [r for r in doc["resource_changes"] if r["address"] != address]
    doc["planned_values"]["root_module"]["resources"] = [
        r for r in doc["planned_values"]["root_module"]["resources"] if r["address"] != address]
    conf = doc["configuration"]["root_module"]["resources"]
    doc["configuration"]["root_module"]["resources"] = [r for r in conf if r["address"] != address.split("[")[0]]
    return doc


if __name__ == "__main__":
    print(json.dumps(build_compliant_plan(), indent=2))


def _ssm_content(doc: dict, **inputs) -> dict:
    rc, _ = find(doc, "aws_ssm_document.session_manager_prefs")
    content = json.loads(rc["change"]["after"]["content"])
    content["inputs"].update(inputs)
    return set_known(doc, "aws_ssm_document.session_manager_prefs", "content",
                     json.dumps(content, separators=(",", ":")))


def _chain(*fns):
    def run(doc):
        for fn in fns:
            doc = fn(doc)
        return doc
    return run


T = "aws_cloudtrail.main"
PLAN_NONCOMPLIANT = {
    "single_region": (lambda d: set_known(d, T, "is_multi_region_trail", False), ["CT-001"]),
    "mgmt_read_only": (lambda d: set_known(d, T, "event_selector.0.read_write_type", "ReadOnly"), ["CT-002"]),
    "no_s3_data_events": (lambda d: set_known(d, T, "event_selector.0.data_resource",
                                              [{"type": "AWS::Lambda::Function", "values": ["arn:aws:lambda"]}]), ["CT-003"]),
    "aws_managed_key": (lambda d: set_known(d, T, "kms_key_id", "alias/aws/cloudtrail"), ["CT-005"]),
    "log_validation_off": (lambda d: set_known(d, T, "enable_log_file_validation", False), ["CT-006"]),
    "versioning_suspended": (lambda d: set_known(d, "aws_s3_bucket_versioning.cloudtrail",
                                                 "versioning_configuration.0.status", "Suspended"), ["CT-008"]),
    "public_policy_allowed": (lambda d: set_known(d, "aws_s3_bucket_public_access_block.cloudtrail",
                                                  "block_public_policy", False), ["CT-009"]),
    "trail_bucket_sse_aes256": (_chain(
        lambda d: set_known(d, "aws_s3_bucket_server_side_encryption_configuration.cloudtrail",
                            "rule.0.apply_server_side_encryption_by_default.0.sse_algorithm", "AES256"),
        lambda d: set_known(d, "aws_s3_bucket_server_side_encryption_configuration.cloudtrail",
                            "rule.0.apply_server_side_encryption_by_default.0.kms_master_key_id", None)),
        ["ENC-002", "AES256"]),
    "trail_bucket_expires_90_days": (lambda d: set_known(d, "aws_s3_bucket_lifecycle_configuration.cloudtrail",
                                                         "rule.0.expiration.0.days", 90), ["RET-001"]),
    "trail_bucket_noncurrent_30_days": (lambda d: set_known(d, "aws_s3_bucket_lifecycle_configuration.cloudtrail",
                                                            "rule.0.noncurrent_version_expiration.0.noncurrent_days", 30),
                                        ["RET-001"]),
    "flow_log_destroyed_on_one_vpc": (lambda d: mark_deleted(d, "aws_flow_log.data"), ["FL-001"]),
    "flow_log_reject": (lambda d: set_known(d, "aws_flow_log.app", "traffic_type", "REJECT"), ["FL-002"]),
    "flow_log_custom_format": (lambda d: set_known(d, "aws_flow_log.app", "log_format", "${srcaddr} ${dstaddr}"), ["FL-003"]),
    "flow_log_to_s3": (lambda d: set_known(d, "aws_flow_log.app", "log_destination_type", "s3"), ["FL-004"]),
    "flow_log_group_364_days": (lambda d: set_known(d, "aws_cloudwatch_log_group.flow_logs", "retention_in_days", 364),
                                ["RET-002"]),
    "trail_log_group_2192_days": (lambda d: set_known(d, "aws_cloudwatch_log_group.cloudtrail", "retention_in_days", 2192),
                                  ["RET-001"]),
    "config_recorder_off": (lambda d: set_known(d, "aws_config_configuration_recorder_status.main", "is_enabled", False),
                            ["CFG-002"]),
    "config_no_global": (lambda d: set_known(d, "aws_config_configuration_recorder.main",
                                             "recording_group.0.include_global_resource_types", False), ["CFG-001"]),
    "guardduty_disabled": (lambda d: set_known(d, "aws_guardduty_detector.main", "enable", False), ["FND-001"]),
    "no_securityhub": (_chain(*[lambda d, a=a: drop_resource(d, a) for a in (
        "aws_securityhub_account.main", "aws_securityhub_standards_subscription.fsbp",
        "aws_securityhub_standards_subscription.cis", "aws_securityhub_product_subscription.guardduty")]), ["FND-002"]),
    "no_django_log_group": (lambda d: drop_resource(d, "aws_cloudwatch_log_group.django"), ["APP-001"]),
    "no_data_protection": (lambda d: drop_resource(d, "aws_cloudwatch_log_account_policy.phi"), ["APP-002"]),
    "no_login_failure_metric": (lambda d: drop_resource(d, "aws_cloudwatch_log_metric_filter.laravel_login_failures"),
                                ["APP-003"]),
    "screenshot_not_logged": (lambda d: drop_resource(d, "aws_s3_bucket_logging.screenshots"), ["S3L-001"]),
    "ssm_not_encrypted": (lambda d: _ssm_content(d, cloudWatchEncryptionEnabled=False), ["SSM-001"]),
    "log_group_without_kms": (lambda d: set_known(d, "aws_cloudwatch_log_group.laravel", "kms_key_id", None), ["ENC-001"]),
}

# Issue 7: the trail's CloudWatch Logs copy may keep less than the S3 archive (cloudtrail.retention_on).
PLAN_EVERY_DESTINATION_ONLY = {"trail_log_group_2192_days": PLAN_NONCOMPLIANT.pop("trail_log_group_2192_days")}
