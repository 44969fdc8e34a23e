org         = "medco"
environment = "nvs"

default_tags = {
  owner      = "platform"
  compliance = "hipaa"
}

log_buckets = {
  cloudtrail = {
    retention_days = 2557
  }
  config = {
    retention_days = 2557
    versioning     = false
    object_lock    = true
  }
  access-logs = {
    retention_days = 365
    sse_algorithm  = "AES256"
  }
}

vpcs = {
  web = {
    cidr_block = "10.0.0.0/16"
  }
  data = {
    cidr_block = "10.1.0.0/16"
  }
  batch = {
    cidr_block = "10.2.0.0/16"
  }
}

apps = {
  patient-portal = {
    framework = "django"
  }
  billing = {
    framework = "laravel"
  }
}

alert_emails = [
  "secops@medco.example",
  "oncall@medco.example",
]

scp_target_ids = ["ou-medc-phi00001"]
