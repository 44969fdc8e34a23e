# --- Application logs: PHI masking and audit-event metrics ----------------------------------

# VIOLATION: Application-Level Logging: "Logs must not contain PHI in cleartext in log lines where avoidable." (its data protection policy only audits e-mail addresses: nothing is masked, SSNs, names, dates of birth and the health identifiers are not even audited, and the findings are kept nowhere)
# VIOLATION: Application-Level Logging: "Failed authorization attempts" (no metric filter on this group counts login failures or authorization denials; the one below watches /legacy/django-web, and only for login failures)
resource "aws_cloudwatch_log_group" "django" {
  name              = "/app/django/patient-portal"
  retention_in_days = 365
}

resource "aws_cloudwatch_log_data_protection_policy" "django" {
  log_group_name = aws_cloudwatch_log_group.django.name
  policy_document = jsonencode({
    Name    = "audit-email-only"
    Version = "2021-06-01"
    Statement = [
      {
        Sid            = "audit"
        DataIdentifier = ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"]
        Operation      = { Audit = { FindingsDestination = {} } }
      },
    ]
  })
}

resource "aws_cloudwatch_log_metric_filter" "login_failures" {
  name           = "legacy-login-failures"
  log_group_name = aws_cloudwatch_log_group.web.name
  pattern        = "{ $.event = \"auth.login.failure\" }"

  metric_transformation {
    name      = "LoginFailures"
    namespace = "Legacy/Audit"
    value     = "1"
  }
}
