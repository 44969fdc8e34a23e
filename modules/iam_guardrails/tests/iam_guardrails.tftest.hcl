# The log-integrity guardrail (policy: "IAM policy: DeleteTrail denied for all non-admin roles"),
# checked by `terraform test` on a plan. Offline: python3 tools/tfoffline.py test modules/iam_guardrails

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

variables {
  name_prefix          = "acme"
  non_admin_role_names = ["acme-app-django", "acme-ci-deploy"]
}

run "every_non_admin_role_is_denied_trail_tampering" {
  command = plan

  assert {
    condition     = toset(keys(aws_iam_role_policy_attachment.deny_trail_tampering)) == toset(var.non_admin_role_names)
    error_message = "The deny policy must be attached to every non-admin role."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_policy.deny_trail_tampering.policy).Statement :
      s.Effect == "Deny" && contains(s.Action, "cloudtrail:DeleteTrail") && contains(s.Action, "cloudtrail:StopLogging")
    ])
    error_message = "The policy must deny DeleteTrail and StopLogging."
  }

  assert {
    condition     = length(aws_organizations_policy.deny_trail_tampering) == 0
    error_message = "No SCP unless manage_organization_scp is true."
  }
}

run "the_organization_scp_exempts_only_the_admin_role" {
  command = plan

  variables {
    manage_organization_scp = true
    scp_target_ids          = ["ou-abcd-11111111"]
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_organizations_policy.deny_trail_tampering[0].content).Statement :
      s.Effect == "Deny" && s.Condition.ArnNotLike["aws:PrincipalArn"] == "arn:aws:iam::*:role/*devops-admin*"
    ])
    error_message = "The SCP must deny trail tampering to everyone but the break-glass admin role."
  }

  assert {
    condition     = toset(keys(aws_organizations_policy_attachment.deny_trail_tampering)) == toset(["ou-abcd-11111111"])
    error_message = "The SCP must be attached to every target."
  }
}

run "the_admin_role_cannot_be_listed_as_non_admin" {
  command = plan

  variables {
    non_admin_role_names = ["acme-devops-admin"]
  }

  expect_failures = [var.non_admin_role_names]
}
