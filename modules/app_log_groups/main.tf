# Log groups of the Django and Laravel applications. Each app writes its
# authentication, PHI access/modification and failed-authorization events here,
# one JSON audit event per line (the audit-event contract, see the auditgate README).
resource "aws_cloudwatch_log_group" "django" {
  for_each = toset(var.django_log_group_names)

  name              = each.value
  retention_in_days = var.retention_in_days
  kms_key_id        = var.kms_key_arn
  tags              = merge(var.tags, { Application = "django" })
}

resource "aws_cloudwatch_log_group" "laravel" {
  for_each = toset(var.laravel_log_group_names)

  name              = each.value
  retention_in_days = var.retention_in_days
  kms_key_id        = var.kms_key_arn
  tags              = merge(var.tags, { Application = "laravel" })
}

locals {
  # every application log group's name (the policies and filters below name their group by
  # it, and depend on the groups so that they are created after them)
  app_log_group_names = toset(concat(var.django_log_group_names, var.laravel_log_group_names))

  data_identifiers = [
    for id in var.data_protection_identifiers : "arn:${var.aws_partition}:dataprotection::aws:data-identifier/${id}"
  ]

  # one metric filter per application log group and audited event type
  metric_filters = merge([
    for group_name in local.app_log_group_names : {
      for event, metric in var.audit_event_metrics : "${group_name}|${event}" => {
        log_group_name = group_name
        event          = event
        metric         = metric
      }
    }
  ]...)
}

# --- PHI masked where the logs land (CloudWatch Logs data protection) ---------------------

# Where data protection reports each PHI finding: kept and encrypted like the application logs.
resource "aws_cloudwatch_log_group" "data_protection_findings" {
  count = var.enable_data_protection ? 1 : 0

  name              = var.data_protection_findings_log_group_name
  retention_in_days = var.retention_in_days
  kms_key_id        = var.kms_key_arn
  tags              = merge(var.tags, { Purpose = "data-protection-findings" })
}

# Audit and mask the PHI identifiers in every application log group.
resource "aws_cloudwatch_log_data_protection_policy" "this" {
  for_each = var.enable_data_protection ? local.app_log_group_names : toset([])

  log_group_name = each.value
  policy_document = jsonencode({
    Name        = "phi-data-protection"
    Description = "Audit and mask PHI and personal identifiers in application logs"
    Version     = "2021-06-01"
    Statement = [
      {
        Sid            = "audit-phi"
        DataIdentifier = local.data_identifiers
        Operation = {
          Audit = {
            FindingsDestination = {
              CloudWatchLogs = { LogGroup = aws_cloudwatch_log_group.data_protection_findings[0].name }
            }
          }
        }
      },
      {
        Sid            = "mask-phi"
        DataIdentifier = local.data_identifiers
        Operation = {
          Deidentify = { MaskConfig = {} }
        }
      },
    ]
  })

  depends_on = [aws_cloudwatch_log_group.django, aws_cloudwatch_log_group.laravel]
}

# --- the audit events an alarm watches (anomaly detection) ---------------------------------

# Counts the audit events of var.audit_event_metrics (login failures, authorization denials)
# in every application log group, matching the audit-event contract's "event" field.
resource "aws_cloudwatch_log_metric_filter" "audit_events" {
  for_each = local.metric_filters

  name           = "${each.value.log_group_name}-${each.value.event}"
  log_group_name = each.value.log_group_name
  pattern        = "{ $.event = \"${each.value.event}\" }"

  metric_transformation {
    name          = each.value.metric
    namespace     = var.metric_namespace
    value         = "1"
    default_value = "0"
    unit          = "Count"
  }

  depends_on = [aws_cloudwatch_log_group.django, aws_cloudwatch_log_group.laravel]
}
