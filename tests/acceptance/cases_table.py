"""Mutation tables for the acceptance suite (all applied to cases/compliant as text)."""
from __future__ import annotations

import pathlib

HERE = pathlib.Path(__file__).parent
CASES = HERE / "cases"
SNIPPETS = CASES / "snippets"

CT_POLICY_DOC = (SNIPPETS / "cloudtrail_bucket_policy_document.tf.txt").read_text()

# ---------------------------------------------------------------------------
# Idioms in cases/compliant that comply with the policy but that auditgate
# cannot evaluate (each is a linter false positive, see test_acceptance.py).
# The "workaround" rewrites them into a form auditgate understands, so that
# the mutation tests below start from a base auditgate accepts.
# ---------------------------------------------------------------------------
WORKAROUNDS = {
    "ct_bucket_policy_jsonencode": (
        [("block", 'resource "aws_s3_bucket_policy" "cloudtrail"', CT_POLICY_DOC)],
        "CT-007 unknown: a jsonencode() bucket policy whose Resource is "
        "\"${aws_s3_bucket.x.arn}/*\" is treated as wholly unknown, though Principal/Effect/Action are constants",
    ),
    "screenshot_bucket_name_interpolated": (
        [("sub", 'bucket = "${local.prefix}-screenshots-${local.account_id}"',
          'bucket = "acme-phi-screenshots-prod"')],
        "S3L-001/RET-007 unknown: bucket = \"acme-phi-screenshots-${account_id}\" is not matched by "
        "'*screenshot*' although the known literal part already contains 'screenshot'",
    ),
    "ssm_kms_key_id_reference": (
        [("sub", "kmsKeyId                    = aws_kms_key.logs.key_id",
          "kmsKeyId                    = aws_kms_alias.logs.name")],
        "SSM-001/RET-008/ENC-002 unknown: one unknown input (kmsKeyId = aws_kms_key.x.key_id) makes the "
        "whole SSM-SessionManagerRunShell content unknown, though log group/encryption flags are constants",
    ),
}

LAMBDA_FN = '''
resource "aws_iam_role" "lambda" {
  name = "acme-phi-lambda"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy_attachment" "lambda_deny_trail_tampering" {
  role       = aws_iam_role.lambda.name
  policy_arn = aws_iam_policy.deny_trail_tampering.arn
}

resource "aws_lambda_function" "thumbnailer" {
  function_name = "acme-phi-thumbnailer"
  role          = aws_iam_role.lambda.arn
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = "thumbnailer.zip"
}
'''

LAMBDA_DATA_RESOURCE = '''
    data_resource {
      type   = "AWS::Lambda::Function"
      values = ["arn:aws:lambda"]
    }
'''

S3_DATA_RESOURCE = '''
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
'''

CT_PAB = "  bucket                  = aws_s3_bucket.cloudtrail.id\n  block_public_acls       = true\n  block_public_policy     = true\n"
CT_EXPIRATION = '''    expiration {
      days = 2557
    }

    noncurrent_version_expiration {
      noncurrent_days = 2557
    }'''

ADVANCED_SELECTORS = '''
  advanced_event_selector {
    name = "All management events"
    field_selector {
      field  = "eventCategory"
      equals = ["Management"]
    }
  }

  advanced_event_selector {
    name = "All S3 object events"
    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }
    field_selector {
      field  = "resources.type"
      equals = ["AWS::S3::Object"]
    }
  }

  advanced_event_selector {
    name = "All Lambda invocations"
    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }
    field_selector {
      field  = "resources.type"
      equals = ["AWS::Lambda::Function"]
    }
  }
'''

EVENT_SELECTOR = '''
  event_selector {
    read_write_type           = "All"
    include_management_events = true
''' + S3_DATA_RESOURCE + LAMBDA_DATA_RESOURCE + "  }\n"

DEFAULT_FLOW_FORMAT = ('$${version} $${account-id} $${interface-id} $${srcaddr} $${dstaddr} $${srcport} '
                       '$${dstport} $${protocol} $${packets} $${bytes} $${start} $${end} $${action} $${log-status}')

# ---------------------------------------------------------------------------
# Non-compliant variants: id -> (ops, needles). The run must exit 1 and at
# least one FAIL/UNKNOWN finding must mention one of the needles (rule id
# prefix, resource address or message word, case-insensitive).
# ---------------------------------------------------------------------------
NONCOMPLIANT = {
    # CloudTrail Requirements
    "trail_single_region": ([("sub", "is_multi_region_trail         = true", "is_multi_region_trail         = false")], ["CT-001", "multi"]),
    "trail_not_logging": ([("sub", "enable_logging                = true", "enable_logging                = false")], ["CT-001", "logging"]),
    "mgmt_events_read_only": ([("sub", 'read_write_type           = "All"', 'read_write_type           = "ReadOnly"')], ["CT-002"]),
    "mgmt_events_write_only": ([("sub", 'read_write_type           = "All"', 'read_write_type           = "WriteOnly"')], ["CT-002"]),
    "mgmt_events_excluded": ([("sub", "include_management_events = true", "include_management_events = false")], ["CT-002"]),
    "no_s3_data_events": ([("sub", S3_DATA_RESOURCE, "")], ["CT-003"]),
    "s3_data_events_other_bucket_only": ([("sub", 'values = ["arn:aws:s3"]', 'values = ["${aws_s3_bucket.config.arn}/"]')], ["CT-003"]),
    "lambda_used_without_lambda_data_events": ([("sub", LAMBDA_DATA_RESOURCE, ""), ("add", "lambda.tf", LAMBDA_FN)], ["CT-004"]),
    "trail_aws_managed_key": ([("sub", "kms_key_id                    = aws_kms_key.cloudtrail.arn", 'kms_key_id                    = "alias/aws/cloudtrail"')], ["CT-005"]),
    "trail_no_kms": ([("sub", "  kms_key_id                    = aws_kms_key.cloudtrail.arn\n", "")], ["CT-005"]),
    "log_validation_off": ([("sub", "enable_log_file_validation    = true", "enable_log_file_validation    = false")], ["CT-006"]),
    "trail_to_screenshot_bucket": ([("sub", "s3_bucket_name                = aws_s3_bucket.cloudtrail.id", "s3_bucket_name                = aws_s3_bucket.screenshots.id")], ["CT-007", "dedicated"]),
    "trail_bucket_public_read_policy": (
        [("sub", '  statement {\n    sid       = "DenyInsecureTransport"\n    effect    = "Deny"\n    actions   = ["s3:*"]\n    resources = [aws_s3_bucket.cloudtrail.arn',
          '  statement {\n    sid       = "PublicRead"\n    actions   = ["s3:GetObject"]\n    resources = ["${aws_s3_bucket.cloudtrail.arn}/*"]\n    principals {\n      type        = "*"\n      identifiers = ["*"]\n    }\n  }\n\n  statement {\n    sid       = "DenyInsecureTransport"\n    effect    = "Deny"\n    actions   = ["s3:*"]\n    resources = [aws_s3_bucket.cloudtrail.arn')],
        ["CT-007", "CT-009", "public", "principal"]),
    "trail_bucket_versioning_suspended": ([("sub", 'bucket = aws_s3_bucket.cloudtrail.id\n  versioning_configuration {\n    status = "Enabled"', 'bucket = aws_s3_bucket.cloudtrail.id\n  versioning_configuration {\n    status = "Suspended"')], ["CT-008", "version"]),
    "trail_bucket_no_versioning": ([("drop", 'resource "aws_s3_bucket_versioning" "cloudtrail"')], ["CT-008", "version"]),
    "trail_bucket_public_policy_allowed": ([("sub", CT_PAB, CT_PAB.replace("block_public_policy     = true", "block_public_policy     = false"))], ["CT-009", "public"]),
    "trail_bucket_no_public_access_block": ([("drop", 'resource "aws_s3_bucket_public_access_block" "cloudtrail"')], ["CT-009", "public"]),
    "trail_bucket_sse_aes256": ([("sub", '      sse_algorithm     = "aws:kms"\n      kms_master_key_id = aws_kms_key.cloudtrail.arn', '      sse_algorithm     = "AES256"')], ["ENC-002", "CT-005", "AES256"]),
    "trail_bucket_sse_aws_managed": ([("sub", '      sse_algorithm     = "aws:kms"\n      kms_master_key_id = aws_kms_key.cloudtrail.arn', '      sse_algorithm     = "aws:kms"')], ["ENC-002", "CT-005", "managed"]),
    # Log Sources: retention
    "trail_bucket_expires_90_days": ([("sub", CT_EXPIRATION, CT_EXPIRATION.replace("days = 2557", "days = 90", 1))], ["RET-001"]),
    "trail_bucket_expires_2556_days": ([("sub", CT_EXPIRATION, CT_EXPIRATION.replace("days = 2557", "days = 2556", 1))], ["RET-001"]),
    "trail_bucket_noncurrent_30_days": ([("sub", CT_EXPIRATION, CT_EXPIRATION.replace("noncurrent_days = 2557", "noncurrent_days = 30"))], ["RET-001", "noncurrent"]),
    "trail_log_group_2192_days": ([("sub", 'name              = "/aws/cloudtrail/acme-phi-trail"\n  retention_in_days = 2557', 'name              = "/aws/cloudtrail/acme-phi-trail"\n  retention_in_days = 2192')], ["RET-001"]),
    "flow_log_group_364_days": ([("sub", 'name              = "/aws/vpc/flow-logs"\n  retention_in_days = 365', 'name              = "/aws/vpc/flow-logs"\n  retention_in_days = 364')], ["RET-002"]),
    "config_retention_365_days": ([("sub", "retention_period_in_days = 2557", "retention_period_in_days = 365")], ["RET-003"]),
    "config_bucket_expires_1_year": ([("sub", '    id     = "keep-config-history-7-years"\n    status = "Enabled"\n    filter {}\n    expiration {\n      days = 2557', '    id     = "keep-config-history-7-years"\n    status = "Enabled"\n    filter {}\n    expiration {\n      days = 365')], ["RET-003"]),
    "guardduty_export_bucket_expires_90_days": ([("sub", '    id     = "keep-findings-1-year"\n    status = "Enabled"\n    filter {}\n    expiration {\n      days = 365', '    id     = "keep-findings-1-year"\n    status = "Enabled"\n    filter {}\n    expiration {\n      days = 90')], ["RET-004"]),
    "securityhub_export_log_group_90_days": ([("sub", 'name              = "/aws/events/securityhub-findings"\n  retention_in_days = 365', 'name              = "/aws/events/securityhub-findings"\n  retention_in_days = 90')], ["RET-005"]),
    "django_log_group_364_days": ([("sub", 'name              = "/app/django/patient-portal"\n  retention_in_days = 365', 'name              = "/app/django/patient-portal"\n  retention_in_days = 364')], ["RET-006", "django"]),
    "laravel_log_group_180_days": ([("sub", 'name              = "/app/laravel/billing"\n  retention_in_days = 365', 'name              = "/app/laravel/billing"\n  retention_in_days = 180')], ["RET-006", "laravel"]),
    "access_log_bucket_expires_90_days": ([("sub", '    id     = "keep-access-logs-1-year"\n    status = "Enabled"\n    filter {}\n    expiration {\n      days = 365', '    id     = "keep-access-logs-1-year"\n    status = "Enabled"\n    filter {}\n    expiration {\n      days = 90')], ["RET-007"]),
    "ssm_log_group_30_days": ([("sub", 'name              = "/aws/ssm/session-manager"\n  retention_in_days = 365', 'name              = "/aws/ssm/session-manager"\n  retention_in_days = 30')], ["RET-008"]),
    # VPC Flow Logs
    "flow_log_missing_on_one_vpc": ([("drop", 'resource "aws_flow_log" "data"')], ["FL-001", "aws_vpc.data"]),
    "flow_log_on_subnet_not_vpc": ([("sub", "  vpc_id               = aws_vpc.data.id\n", "  subnet_id            = aws_subnet.data.id\n"), ("add", "subnet.tf", 'resource "aws_subnet" "data" {\n  vpc_id     = aws_vpc.data.id\n  cidr_block = "10.20.1.0/24"\n}\n')], ["FL-001", "aws_vpc.data"]),
    "flow_log_reject_only": ([("sub", '  vpc_id               = aws_vpc.data.id\n  traffic_type         = "ALL"', '  vpc_id               = aws_vpc.data.id\n  traffic_type         = "REJECT"')], ["FL-002"]),
    "flow_log_accept_only": ([("sub", '  vpc_id               = aws_vpc.app.id\n  traffic_type         = "ALL"', '  vpc_id               = aws_vpc.app.id\n  traffic_type         = "ACCEPT"')], ["FL-002"]),
    "flow_log_custom_format": ([("sub", '  vpc_id               = aws_vpc.app.id\n', '  vpc_id               = aws_vpc.app.id\n  log_format           = "$${srcaddr} $${dstaddr} $${action}"\n')], ["FL-003"]),
    "flow_log_to_s3_only": ([("sub", '  log_destination_type = "cloud-watch-logs"\n  log_destination      = aws_cloudwatch_log_group.flow_logs.arn\n  iam_role_arn         = aws_iam_role.flow_logs.arn\n}\n\nresource "aws_flow_log" "data"', '  log_destination_type = "s3"\n  log_destination      = aws_s3_bucket.access_logs.arn\n}\n\nresource "aws_flow_log" "data"')], ["FL-004"]),
    # AWS Config
    "config_recorder_off": ([("sub", "is_enabled = true", "is_enabled = false")], ["CFG-002"]),
    "config_recorder_status_missing": ([("drop", 'resource "aws_config_configuration_recorder_status" "main"')], ["CFG-002"]),
    "config_no_global_resources": ([("sub", "include_global_resource_types = true", "include_global_resource_types = false")], ["CFG-001"]),
    "config_no_delivery_channel": ([("drop", 'resource "aws_config_delivery_channel" "main"'), ("sub", "  depends_on = [aws_config_delivery_channel.main]\n", "")], ["CFG-003"]),
    # Security findings
    "guardduty_disabled": ([("sub", "enable                       = true", "enable                       = false")], ["FND-001"]),
    "guardduty_missing": ([("drop", 'resource "aws_guardduty_detector" "main"'), ("drop", 'resource "aws_guardduty_publishing_destination" "s3"')], ["FND-001"]),
    "guardduty_not_exported": ([("drop", 'resource "aws_guardduty_publishing_destination" "s3"')], ["FND-004", "RET-004"]),
    "securityhub_missing": ([("drop", 'resource "aws_securityhub_account" "main"'), ("drop", 'resource "aws_securityhub_standards_subscription" "fsbp"'), ("drop", 'resource "aws_securityhub_standards_subscription" "cis"'), ("drop", 'resource "aws_securityhub_product_subscription" "guardduty"')], ["FND-002"]),
    "securityhub_findings_not_exported": ([("drop", 'resource "aws_cloudwatch_event_target" "securityhub_findings"')], ["RET-005"]),
    # Application logs
    "no_django_log_group": ([("drop", 'resource "aws_cloudwatch_log_group" "django"')], ["APP-001", "django"]),
    "no_laravel_log_group": ([("drop", 'resource "aws_cloudwatch_log_group" "laravel"')], ["APP-001", "laravel"]),
    # Application-Level Logging: PHI masked (data protection), audit events counted (metric filters)
    "app_logs_audited_not_masked": ([("sub", '      {\n        Sid            = "mask"\n        DataIdentifier = local.phi_identifiers\n'
                                             '        Operation      = { Deidentify = { MaskConfig = {} } }\n      },\n', "")],
                                    ["APP-002", "Deidentify"]),
    "app_logs_ssn_not_masked": ([("sub", '"DateOfBirth", "Ssn-US", ', '"DateOfBirth", ')], ["APP-002", "Ssn-US"]),
    "app_logs_no_data_protection": ([("drop", 'resource "aws_cloudwatch_log_account_policy" "phi"')],
                                    ["APP-002", "no data protection policy"]),
    "app_logs_findings_kept_30_days": ([("sub", 'name              = "/audit/data-protection-findings"\n  retention_in_days = 365',
                                         'name              = "/audit/data-protection-findings"\n  retention_in_days = 30')],
                                       ["APP-002", "30 days"]),
    "app_logs_no_login_failure_metric": ([("drop", 'resource "aws_cloudwatch_log_metric_filter" "laravel_login_failures"')],
                                         ["APP-003", "auth.login.failure"]),
    "app_logs_metric_filters_on_wrong_group": ([("sub", "  laravel_log_group = aws_cloudwatch_log_group.laravel.name",
                                                 "  laravel_log_group = aws_cloudwatch_log_group.django.name")],
                                               ["APP-003", "laravel"]),
    # Screenshot bucket access logging
    "screenshot_bucket_not_logged": ([("drop", 'resource "aws_s3_bucket_logging" "screenshots"')], ["S3L-001"]),
    "screenshot_bucket_logs_to_itself": ([("sub", "target_bucket = aws_s3_bucket.access_logs.id", "target_bucket = aws_s3_bucket.screenshots.id")], ["S3L-001"]),
    # SSM Session Manager
    "ssm_cloudwatch_encryption_off": ([("sub", "cloudWatchEncryptionEnabled = true", "cloudWatchEncryptionEnabled = false")], ["SSM-001"]),
    "ssm_no_log_destination": ([("sub", "cloudWatchLogGroupName      = aws_cloudwatch_log_group.ssm_sessions.name", 'cloudWatchLogGroupName      = ""')], ["SSM-001"]),
    "ssm_document_missing": ([("drop", 'resource "aws_ssm_document" "session_manager_prefs"')], ["SSM-001"]),
    # Encryption of log stores
    "django_log_group_without_kms": ([("sub", '  retention_in_days = 365\n  kms_key_id        = aws_kms_key.logs.arn\n  tags              = { app = "patient-portal", framework = "django" }', '  retention_in_days = 365\n  tags              = { app = "patient-portal", framework = "django" }')], ["ENC-001", "django"]),
    "trail_log_group_without_kms": ([("sub", '  retention_in_days = 2557\n  kms_key_id        = aws_kms_key.logs.arn\n', '  retention_in_days = 2557\n')], ["ENC-001", "cloudtrail"]),
    # Log Integrity / Alerting / Log Access
    "config_bucket_versioning_suspended": ([("sub", 'bucket = aws_s3_bucket.config.id\n  versioning_configuration {\n    status = "Enabled"', 'bucket = aws_s3_bucket.config.id\n  versioning_configuration {\n    status = "Suspended"')], ["INT-001"]),
    "no_delete_trail_deny": ([("drop", 'resource "aws_iam_policy" "deny_trail_tampering"'), ("drop", 'resource "aws_iam_role_policy_attachment" "deny_trail_tampering"')], ["INT-002"]),
    "delete_trail_deny_not_attached": ([("drop", 'resource "aws_iam_role_policy_attachment" "deny_trail_tampering"')], ["INT-002"]),
    "no_cloudtrail_disabled_alarm": ([("drop", 'resource "aws_cloudwatch_metric_alarm" "cloudtrail_disabled"')], ["ALR-001"]),
    "no_root_login_alarm": ([("drop", 'resource "aws_cloudwatch_metric_alarm" "root_login"')], ["ALR-002"]),
    "no_screenshot_anomaly_alarm": ([("drop", 'resource "aws_cloudwatch_metric_alarm" "screenshots_anomaly"')], ["ALR-003"]),
    "no_guardduty_high_to_sns": ([("drop", 'resource "aws_cloudwatch_event_target" "guardduty_high_sns"')], ["ALR-004"]),
    "alarms_without_sns_action": ([("sub", "  treat_missing_data  = \"notBreaching\"\n  alarm_actions       = [aws_sns_topic.security_alerts.arn]\n}\n\n# --- Root", "  treat_missing_data  = \"notBreaching\"\n}\n\n# --- Root")], ["ALR-001"]),
    "investigator_can_delete_logs": ([("sub", '          "logs:Describe*",\n', '          "logs:*",\n')], ["ACC-003"]),
    "log_bucket_readable_by_another_account": ([("sub", '''        Sid       = "S3ServerAccessLogsPolicy"''', '''        Sid       = "VendorRead"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::999999999999:role/VendorExport" }
        Action    = "s3:GetObject"
        Resource  = "${aws_s3_bucket.access_logs.arn}/*"
      },
      {
        Sid       = "S3ServerAccessLogsPolicy"''')], ["ACC-001"]),
    "another_role_reads_logs": ([("add", "extra_reader.tf", '''
resource "aws_iam_role" "analyst" {
  name               = "DataAnalyst"
  assume_role_policy = data.aws_iam_policy_document.assume_from_account_with_mfa.json
}

resource "aws_iam_role_policy" "analyst" {
  name = "read-logs"
  role = aws_iam_role.analyst.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["logs:FilterLogEvents", "logs:GetLogEvents"], Resource = "*" }]
  })
}
''')], ["ACC-002"]),
    "admin_role_without_mfa": ([("sub", '''    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
''', "")], ["ACC-004"]),
    "no_security_investigation_role": ([("sub", 'name               = "SecurityInvestigator"', 'name               = "LogViewer"')], ["ACC-005"]),
}

# ---------------------------------------------------------------------------
# Compliant alternatives an engineer could equally write: each must still
# exit 0 (applied on top of the workaround base).
# ---------------------------------------------------------------------------
COMPLIANT_VARIANTS = {
    "advanced_event_selectors": [("sub", EVENT_SELECTOR, ADVANCED_SELECTORS)],
    "explicit_default_flow_log_format": [("sub", '  vpc_id               = aws_vpc.app.id\n', f'  vpc_id               = aws_vpc.app.id\n  log_format           = "{DEFAULT_FLOW_FORMAT}"\n')],
    "trail_bucket_without_lifecycle": [("drop", 'resource "aws_s3_bucket_lifecycle_configuration" "cloudtrail"')],
    "log_groups_never_expire": [("sub", 'name              = "/app/django/patient-portal"\n  retention_in_days = 365', 'name              = "/app/django/patient-portal"\n  retention_in_days = 0'),
                                ("sub", 'name              = "/aws/vpc/flow-logs"\n  retention_in_days = 365\n', 'name              = "/aws/vpc/flow-logs"\n')],
    "trail_log_group_10_years": [("sub", 'name              = "/aws/cloudtrail/acme-phi-trail"\n  retention_in_days = 2557', 'name              = "/aws/cloudtrail/acme-phi-trail"\n  retention_in_days = 3653')],
    "defaults_left_implicit": [("sub", "  enable_logging                = true\n", ""), ("sub", "  include_global_service_events = true\n", ""),
                               ("sub", "  enable                       = true\n", "")],
    "trail_key_via_alias_arn": [("sub", "kms_key_id                    = aws_kms_key.cloudtrail.arn", "kms_key_id                    = aws_kms_alias.cloudtrail.arn")],
    "securityhub_default_standards": [("sub", "enable_default_standards = false", "enable_default_standards = true"),
                                      ("drop", 'resource "aws_securityhub_standards_subscription" "fsbp"'),
                                      ("drop", 'resource "aws_securityhub_standards_subscription" "cis"')],
    "flow_logs_for_each": [("drop", 'resource "aws_flow_log" "data"'),
                           ("block", 'resource "aws_flow_log" "app"', '''resource "aws_flow_log" "vpc" {
  for_each             = { app = aws_vpc.app.id, data = aws_vpc.data.id }
  vpc_id               = each.value
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_logs.arn
  iam_role_arn         = aws_iam_role.flow_logs.arn
}''')],
    "app_log_groups_for_each": [("drop", 'resource "aws_cloudwatch_log_group" "laravel"'),
                                ("block", 'resource "aws_cloudwatch_log_group" "django"', '''resource "aws_cloudwatch_log_group" "app" {
  for_each          = toset(["/app/django/patient-portal", "/app/laravel/billing"])
  name              = each.key
  retention_in_days = 365
  kms_key_id        = aws_kms_key.logs.arn
}'''),
                                ("sub", "  django_log_group  = aws_cloudwatch_log_group.django.name\n"
                                        "  laravel_log_group = aws_cloudwatch_log_group.laravel.name\n",
                                 '  django_log_group  = aws_cloudwatch_log_group.app["/app/django/patient-portal"].name\n'
                                 '  laravel_log_group = aws_cloudwatch_log_group.app["/app/laravel/billing"].name\n')],
    "screenshot_bucket_prefix": [("sub", 'bucket = "acme-phi-screenshots-prod"', 'bucket_prefix = "acme-phi-screenshots-"')],
    "lambda_with_data_events": [("add", "lambda.tf", LAMBDA_FN)],
    # (to a CMK-encrypted log bucket: the access-log target is SSE-S3, the only encryption its own pipe allows)
    "ssm_logs_to_encrypted_s3_too": [("sub", 's3BucketName                = ""', "s3BucketName                = aws_s3_bucket.findings.bucket")],
    "trail_bucket_object_lock_too": [("sub", 'resource "aws_s3_bucket" "cloudtrail" {\n  bucket        = "${local.prefix}-cloudtrail-${local.account_id}"\n  force_destroy = false\n', 'resource "aws_s3_bucket" "cloudtrail" {\n  bucket              = "${local.prefix}-cloudtrail-${local.account_id}"\n  force_destroy       = false\n  object_lock_enabled = true\n')],
}

COMPLIANT_VARIANTS.update({
    "s3_all_buckets_arn_triple_colon": [("sub", 'values = ["arn:aws:s3"]', 'values = ["arn:aws:s3:::"]')],
    "config_retention_default_7_years": [("drop", 'resource "aws_config_retention_configuration" "main"')],
    "account_level_public_access_block": [("drop", 'resource "aws_s3_bucket_public_access_block" "cloudtrail"'),
                                          ("add", "account.tf", 'resource "aws_s3_account_public_access_block" "this" {\n  block_public_acls       = true\n  block_public_policy     = true\n  ignore_public_acls      = true\n  restrict_public_buckets = true\n}\n')],
    "extra_s3_flow_log_besides_cloudwatch": [("add", "flow_s3.tf", 'resource "aws_flow_log" "app_s3_archive" {\n  vpc_id               = aws_vpc.app.id\n  traffic_type         = "ALL"\n  log_destination_type = "s3"\n  log_destination      = aws_s3_bucket.findings.arn\n}\n')],
    "app_log_groups_other_naming": [("sub", '"/app/django/patient-portal"', '"/ecs/patient-portal-django"'),
                                    ("sub", '"/app/laravel/billing"', '"/ecs/billing-laravel"')],
    "variables_and_locals": [("sub", 'bucket = "acme-phi-screenshots-prod"', "bucket = var.screenshot_bucket"),
                             ("sub", 'name              = "/app/django/patient-portal"\n  retention_in_days = 365', 'name              = "/app/django/patient-portal"\n  retention_in_days = local.one_year'),
                             ("add", "variables.tf", 'variable "screenshot_bucket" {\n  type    = string\n  default = "acme-phi-screenshots-prod"\n}\n\nlocals {\n  one_year = 365\n}\n')],
    "ssm_document_yaml": [("block", 'resource "aws_ssm_document" "session_manager_prefs"', '''resource "aws_ssm_document" "session_manager_prefs" {
  name            = "SSM-SessionManagerRunShell"
  document_type   = "Session"
  document_format = "YAML"
  content         = <<-DOC
    schemaVersion: "1.0"
    description: Session Manager preferences
    sessionType: Standard_Stream
    inputs:
      s3BucketName: ""
      cloudWatchLogGroupName: /aws/ssm/session-manager
      cloudWatchEncryptionEnabled: true
      cloudWatchStreamingEnabled: true
      kmsKeyId: alias/acme-phi-logs
  DOC
}''')],
    "trail_bucket_inline_legacy_blocks": [("drop", 'resource "aws_s3_bucket_versioning" "cloudtrail"'),
                                         ("drop", 'resource "aws_s3_bucket_server_side_encryption_configuration" "cloudtrail"'),
                                         ("drop", 'resource "aws_s3_bucket_lifecycle_configuration" "cloudtrail"'),
                                         ("sub", '  bucket        = "${local.prefix}-cloudtrail-${local.account_id}"\n  force_destroy = false\n',
                                          '''  bucket        = "${local.prefix}-cloudtrail-${local.account_id}"
  force_destroy = false

  versioning {
    enabled = true
  }

  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = aws_kms_key.cloudtrail.arn
      }
    }
  }

  lifecycle_rule {
    id      = "archive"
    enabled = true
    transition {
      days          = 90
      storage_class = "GLACIER"
    }
    expiration {
      days = 2557
    }
  }
''')],
    "s3_data_events_exclude_trail_bucket": [("sub", EVENT_SELECTOR, '''
  advanced_event_selector {
    name = "Management events"
    field_selector {
      field  = "eventCategory"
      equals = ["Management"]
    }
  }

  advanced_event_selector {
    name = "S3 data events except the trail's own bucket"
    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }
    field_selector {
      field  = "resources.type"
      equals = ["AWS::S3::Object"]
    }
    field_selector {
      field           = "resources.ARN"
      not_starts_with = ["${aws_s3_bucket.cloudtrail.arn}/"]
    }
  }

  advanced_event_selector {
    name = "Lambda"
    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }
    field_selector {
      field  = "resources.type"
      equals = ["AWS::Lambda::Function"]
    }
  }
''')],
    "guardduty_export_via_eventbridge_only": [("drop", 'resource "aws_guardduty_publishing_destination" "s3"'),
                                              ("add", "gd_events.tf", '''resource "aws_cloudwatch_log_group" "guardduty_findings" {
  name              = "/aws/events/guardduty-findings"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.logs.arn
}

resource "aws_cloudwatch_event_rule" "guardduty_findings" {
  name          = "guardduty-findings-to-logs"
  event_pattern = jsonencode({ source = ["aws.guardduty"], "detail-type" = ["GuardDuty Finding"] })
}

resource "aws_cloudwatch_event_target" "guardduty_findings" {
  rule = aws_cloudwatch_event_rule.guardduty_findings.name
  arn  = aws_cloudwatch_log_group.guardduty_findings.arn
}
''')],
})

NONCOMPLIANT.update({
    "default_vpc_without_flow_log": ([("add", "default_vpc.tf", 'resource "aws_default_vpc" "default" {\n  tags = { Name = "default" }\n}\n')], ["FL-001", "default"]),
    "laravel_log_group_without_retention": ([("sub", 'name              = "/app/laravel/billing"\n  retention_in_days = 365\n', 'name              = "/app/laravel/billing"\n  retention_in_days = 7\n')], ["RET-006"]),
})

COMPLIANT_VARIANTS.update({
    "disabled_short_lifecycle_rule": [("sub", '  rule {\n    id     = "archive-then-expire-after-7-years"', '  rule {\n    id     = "old-rule-disabled"\n    status = "Disabled"\n    filter {}\n    expiration {\n      days = 30\n    }\n  }\n\n  rule {\n    id     = "archive-then-expire-after-7-years"')],
    "short_lifecycle_on_unrelated_prefix": [("sub", '  rule {\n    id     = "archive-then-expire-after-7-years"', '  rule {\n    id     = "scratch"\n    status = "Enabled"\n    filter {\n      prefix = "tmp/"\n    }\n    expiration {\n      days = 7\n    }\n  }\n\n  rule {\n    id     = "archive-then-expire-after-7-years"')],
})

NONCOMPLIANT.update({
    "short_lifecycle_on_trail_prefix": ([("sub", '  rule {\n    id     = "archive-then-expire-after-7-years"', '  rule {\n    id     = "trail-short"\n    status = "Enabled"\n    filter {\n      prefix = "cloudtrail/"\n    }\n    expiration {\n      days = 30\n    }\n  }\n\n  rule {\n    id     = "archive-then-expire-after-7-years"')], ["RET-001"]),
    "trail_kms_key_disabled": ([("sub", '  description             = "CMK for CloudTrail log files"\n', '  description             = "CMK for CloudTrail log files"\n  is_enabled              = false\n')], ["CT-005", "disabled", "is_enabled"]),
    "s3_data_events_write_only": ([("sub", EVENT_SELECTOR, '''
  event_selector {
    read_write_type           = "All"
    include_management_events = true
  }

  event_selector {
    read_write_type           = "WriteOnly"
    include_management_events = false
''' + S3_DATA_RESOURCE + LAMBDA_DATA_RESOURCE + "  }\n")], ["CT-003"]),
    "advanced_selector_mgmt_read_only": ([("sub", EVENT_SELECTOR, ADVANCED_SELECTORS.replace('''      equals = ["Management"]
    }''', '''      equals = ["Management"]
    }
    field_selector {
      field  = "readOnly"
      equals = ["true"]
    }''', 1))], ["CT-002"]),
    "config_records_only_some_types": ([("sub", "    all_supported                 = true\n    include_global_resource_types = true\n", '    all_supported                 = false\n    include_global_resource_types = false\n    resource_types                = ["AWS::S3::Bucket", "AWS::EC2::VPC"]\n')], ["CFG-001"]),
})

NONCOMPLIANT.update({
    "flow_log_count_zero": ([("sub", 'resource "aws_flow_log" "data" {\n', 'resource "aws_flow_log" "data" {\n  count                = var.enable_data_flow_logs ? 1 : 0\n'),
                             ("add", "vars.tf", 'variable "enable_data_flow_logs" {\n  type    = bool\n  default = false\n}\n')], ["FL-001", "aws_vpc.data"]),
    "multi_region_from_variable_false": ([("sub", "is_multi_region_trail         = true", "is_multi_region_trail         = var.multi_region"),
                                          ("add", "vars.tf", 'variable "multi_region" {\n  type    = bool\n  default = false\n}\n')], ["CT-001"]),
    "retention_from_local_90": ([("sub", 'name              = "/aws/ssm/session-manager"\n  retention_in_days = 365', 'name              = "/aws/ssm/session-manager"\n  retention_in_days = local.short_retention'),
                                 ("add", "locals2.tf", "locals {\n  short_retention = 90\n}\n")], ["RET-008"]),
    "trail_count_zero": ([("sub", 'resource "aws_cloudtrail" "main" {\n', 'resource "aws_cloudtrail" "main" {\n  count                         = 0\n')], ["CT-001"]),
})

COMPLIANT_VARIANTS.update({
    "vpcs_and_flow_logs_for_each": [("drop", 'resource "aws_vpc" "data"'), ("drop", 'resource "aws_flow_log" "data"'),
                                    ("sub", "aws_vpc.data.id", "aws_vpc.this[\"data\"].id") if False else ("sub", 'resource "aws_vpc" "app" {\n  cidr_block           = "10.10.0.0/16"\n  enable_dns_support   = true\n  enable_dns_hostnames = true\n  tags                 = { Name = "acme-phi-app" }\n}',
                                     'resource "aws_vpc" "this" {\n  for_each   = { app = "10.10.0.0/16", data = "10.20.0.0/16" }\n  cidr_block = each.value\n  tags       = { Name = "acme-phi-${each.key}" }\n}'),
                                    ("block", 'resource "aws_flow_log" "app"', '''resource "aws_flow_log" "this" {
  for_each             = aws_vpc.this
  vpc_id               = each.value.id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_logs.arn
  iam_role_arn         = aws_iam_role.flow_logs.arn
}''')],
    "app_log_group_name_prefix": [("sub", 'name              = "/app/django/patient-portal"', 'name_prefix       = "/app/django/patient-portal-"')],
    "s3_data_events_explicit_bucket_list": [("sub", 'values = ["arn:aws:s3"]', '''values = [
        "${aws_s3_bucket.screenshots.arn}/",
        "${aws_s3_bucket.cloudtrail.arn}/",
        "${aws_s3_bucket.config.arn}/",
        "${aws_s3_bucket.findings.arn}/",
        "${aws_s3_bucket.access_logs.arn}/",
      ]''')],
})

COMPLIANT_VARIANTS.update({
    # provider-v5 form (log_group_name, no log_destination_type): still CloudWatch Logs
    "flow_log_legacy_log_group_name": [("sub", '  log_destination_type = "cloud-watch-logs"\n  log_destination      = aws_cloudwatch_log_group.flow_logs.arn\n  iam_role_arn         = aws_iam_role.flow_logs.arn\n}\n\nresource "aws_flow_log" "data"',
                                        '  log_group_name       = aws_cloudwatch_log_group.flow_logs.name\n  iam_role_arn         = aws_iam_role.flow_logs.arn\n}\n\nresource "aws_flow_log" "data"')],
    "trail_bucket_by_literal_name": [("sub", '  bucket        = "${local.prefix}-cloudtrail-${local.account_id}"', '  bucket        = "acme-phi-cloudtrail-logs"'),
                                     ("sub", "s3_bucket_name                = aws_s3_bucket.cloudtrail.id", 's3_bucket_name                = "acme-phi-cloudtrail-logs"')],
})

NONCOMPLIANT.update({
    "securityhub_no_standard": ([("drop", 'resource "aws_securityhub_standards_subscription" "fsbp"'),
                                 ("drop", 'resource "aws_securityhub_standards_subscription" "cis"')], ["FND-003"]),
    "sns_alert_topic_without_kms": ([("sub", '  name              = "acme-phi-security-alerts"\n  kms_master_key_id = aws_kms_key.logs.arn\n', '  name = "acme-phi-security-alerts"\n')], ["ENC-003"]),
    "sns_alert_topic_aws_managed_key": ([("sub", '  kms_master_key_id = aws_kms_key.logs.arn\n}\n\nresource "aws_sns_topic_subscription"', '  kms_master_key_id = "alias/aws/sns"\n}\n\nresource "aws_sns_topic_subscription"')], ["ENC-003"]),
})

COMPLIANT_VARIANTS.update({
    # Config objects land in a bucket whose default encryption is the CMK: still CMK-encrypted.
    "config_delivery_relies_on_bucket_default_cmk": [("sub", "  s3_kms_key_arn = aws_kms_key.logs.arn\n", "")],
})

NONCOMPLIANT.update({
    "config_history_not_cmk_encrypted": ([("sub", "  s3_kms_key_arn = aws_kms_key.logs.arn\n", ""),
                                          ("sub", 'bucket = aws_s3_bucket.config.id\n  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm     = "aws:kms"\n      kms_master_key_id = aws_kms_key.logs.arn',
                                           'bucket = aws_s3_bucket.config.id\n  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm     = "AES256"')], ["ENC-004", "ENC-002"]),
})

# Issue 7, "CloudTrail retention is judged on the archive": the trail's S3 bucket is the system of record;
# the CloudWatch Logs copy that feeds the alarms may keep less.  The log group keeping 6 years is
# compliant by default, and a break only under a policy file with cloudtrail.retention_on: every_destination.
EVERY_DESTINATION_ONLY = {"trail_log_group_2192_days": NONCOMPLIANT.pop("trail_log_group_2192_days")}
COMPLIANT_VARIANTS["trail_log_group_2192_days"] = EVERY_DESTINATION_ONLY["trail_log_group_2192_days"][0]

NONCOMPLIANT.update({
    # Issue 7 item 8: a role AWS services assume (here the app's EC2 instance role) needs the denial too
    "instance_role_without_trail_denial": ([("sub", "    app_instance          = aws_iam_role.app_instance.name\n", "")],
                                           ["INT-002", "app_instance"]),
})

NONCOMPLIANT.update({
    # ACC-006: the trail key lets any principal decrypt the log files (no narrowing condition)
    "trail_key_decrypt_open_to_everyone": ([("sub", """        Principal = {
          AWS = [
            aws_iam_role.devops_admin.arn,
            aws_iam_role.security_investigator.arn,
          ]
        }
        Action   = ["kms:Decrypt", "kms:ReEncryptFrom"]
        Resource = "*"
        Condition = {
          StringEquals = { "kms:CallerAccount" = data.aws_caller_identity.current.account_id }
          StringLike = {""", """        Principal = { AWS = "*" }
        Action    = ["kms:Decrypt", "kms:ReEncryptFrom"]
        Resource  = "*"
        Condition = {
          StringLike = {""")], ["ACC-006", "aws_kms_key.cloudtrail"]),
})

# Logs that actually arrive (DLV): one break per log pipe -- the writer may no longer write
SSM_INSTANCE_WITHOUT_LOGGING = '''
resource "aws_iam_role" "web" {
  name = "acme-phi-web"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy_attachment" "web_ssm" {
  role       = aws_iam_role.web.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "web" {
  name = "acme-phi-web"
  role = aws_iam_role.web.name
}
'''

NONCOMPLIANT.update({
    "trail_bucket_policy_names_another_trail": ([("sub", '''      values   = ["bucket-owner-full-control"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = ["arn:aws:cloudtrail:${local.region}:${local.account_id}:trail/acme-phi-trail"]''', '''      values   = ["bucket-owner-full-control"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = ["arn:aws:cloudtrail:${local.region}:${local.account_id}:trail/acme-phi-old-trail"]''')],
        ["DLV-001", "aws:SourceArn"]),
    "trail_bucket_policy_misses_the_key_prefix": ([("sub", '"${aws_s3_bucket.cloudtrail.arn}/cloudtrail/AWSLogs/${local.account_id}/*"',
                                                    '"${aws_s3_bucket.cloudtrail.arn}/AWSLogs/${local.account_id}/*"')],
                                                  ["DLV-001", "cloudtrail/AWSLogs"]),
    "trail_logs_role_trusts_ec2": ([("sub", 'Principal = { Service = "cloudtrail.amazonaws.com" }\n      Action    = "sts:AssumeRole"',
                                     'Principal = { Service = "ec2.amazonaws.com" }\n      Action    = "sts:AssumeRole"')],
                                   ["DLV-002", "sts:AssumeRole"]),
    "config_bucket_policy_wrong_path": ([("sub", '"${aws_s3_bucket.config.arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/Config/*"',
                                          '"${aws_s3_bucket.config.arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/History/*"')],
                                        ["DLV-003", "s3:PutObject"]),
    "flow_log_role_trusts_ec2": ([("sub", 'identifiers = ["vpc-flow-logs.amazonaws.com"]', 'identifiers = ["ec2.amazonaws.com"]')],
                                 ["DLV-004", "vpc-flow-logs.amazonaws.com"]),
    "logs_key_context_names_other_groups": ([("sub", 'values   = ["arn:aws:logs:${local.region}:${local.account_id}:log-group:*"]',
                                              'values   = ["arn:aws:logs:${local.region}:${local.account_id}:log-group:/legacy/*"]')],
                                            ["DLV-005", "kms:EncryptionContext:aws:logs:arn"]),
    "access_log_target_sse_kms": ([("sub", '      sse_algorithm = "AES256"',
                                    '      sse_algorithm     = "aws:kms"\n      kms_master_key_id = aws_kms_key.logs.arn')],
                                  ["DLV-006", "SSE-KMS"]),
    "guardduty_bucket_policy_without_put": ([("sub", 'Principal = { Service = "guardduty.amazonaws.com" }\n        Action    = "s3:PutObject"',
                                              'Principal = { Service = "config.amazonaws.com" }\n        Action    = "s3:PutObject"')],
                                            ["DLV-007", "guardduty.amazonaws.com"]),
    "ssm_instance_profile_without_logging": ([("add", "instances.tf", SSM_INSTANCE_WITHOUT_LOGGING)],
                                             ["DLV-008", "logs:CreateLogStream"]),
})
