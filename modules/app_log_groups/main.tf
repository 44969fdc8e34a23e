# Log groups of the Django and Laravel applications. Each app writes its
# authentication, PHI access/modification and failed-authorization events here.
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
