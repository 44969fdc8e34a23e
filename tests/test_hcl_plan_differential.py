"""HCL <=> plan differential: ``auditgate check DIR`` and ``auditgate check`` of terraform's plan of DIR
give the same verdict, rule by rule and resource by resource.

The plan is the real terraform's (the offline AWS provider, tests/offline_tf.py), so a difference is a
bug in one of the two loaders -- or a place where the plan legitimately knows more or less than the
code.  Every known difference is listed in ``KNOWN_DIFFERENCES`` (and in docs/differential.md) with
its reason:

- ``test_verdicts_agree[CASE]`` fails on any difference that is not listed;
- ``test_known_difference[...]`` is a strict xfail per listed difference: it starts failing (XPASS)
  the day the difference is gone, so the table cannot go stale.

Cases: the shipped roots and examples, the acceptance suites' configurations (tests/acceptance: the
compliant case as written and with its workarounds, every compliant variant and every break;
tests/acceptance_idioms: the modular case as written and its base), generated into a temporary
directory.  PLN-001 (the plan document itself) has no HCL counterpart and is left out.
"""
from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import pytest

from lint_rules.engine import evaluate
from lint_rules.loaders import load_path
from lint_rules.loaders.plan import load_plan_document

from .acceptance import cases_table as AT
from .acceptance import hcltext as AH
from .acceptance.test_acceptance import COMPLIANT as ACCEPTANCE_COMPLIANT
from .acceptance.test_acceptance import base_files as acceptance_base
from .acceptance_idioms import test_idioms as ID
from .helpers import POLICY, REPO

pytestmark = pytest.mark.terraform

PLAN_ONLY_RULES = ("PLN-",)

# -- the cases --------------------------------------------------------------------------------------
# name -> ("repo", path) | ("files", callable returning {relative path: text})
CASES: dict[str, tuple[str, object]] = {
    "root:nvs": ("repo", "terraform/nvs"),
    "root:nhc": ("repo", "terraform/nhc"),
}
CASES.update({f"example:{p.name}": ("repo", p.relative_to(REPO).as_posix())
              for p in sorted((REPO / "terraform" / "examples").iterdir()) if any(p.glob("*.tf"))})
CASES["acceptance:compliant_as_written"] = ("files", lambda: AH.read_dir(ACCEPTANCE_COMPLIANT))
CASES["acceptance:compliant_base"] = ("files", acceptance_base)
CASES.update({f"acceptance:variant:{name}": ("files", (lambda ops=ops: AH.apply(acceptance_base(), ops)))
              for name, ops in AT.COMPLIANT_VARIANTS.items()})
CASES.update({f"acceptance:break:{name}": ("files", (lambda ops=ops: AH.apply(acceptance_base(), ops)))
              for name, (ops, _needles) in AT.NONCOMPLIANT.items()})
CASES["idioms:as_written"] = ("files", ID.as_written)
CASES["idioms:base"] = ("files", ID.base)

# The cases that run on every edit; the rest (the acceptance suites' variants and breaks, one
# terraform plan each) are marked slow: CI runs them all.
QUICK = {name for name in CASES if not name.startswith(("acceptance:variant:", "acceptance:break:"))}

# Why a plan can know less or more than the code (the reasons of the table below).
JSONENCODE = ("plan knows less: a policy written with jsonencode() around ARNs known only after apply is one "
              "unknown string in a plan, while the HCL loader judges its known parts")
SSM_CONTENT = ("plan knows less: the Session Manager document's content = jsonencode({... kmsKeyId = <known after "
               "apply> ...}) is one unknown string in a plan, while the HCL loader reads its known parts")
LOCAL_MAP = ("plan knows less: the key ARN reaches the module as each.value through a local map, and a plan records "
             "no locals, so which key encrypts which bucket is unknown")
FOR_EACH_MAP = ("plan knows less: for_each = { app = aws_vpc.app.id, data = aws_vpc.data.id } is recorded as its "
                "references only, not which key holds which VPC, so each.value is not tied to one VPC")
DATA_EVENT_ARNS = ("plan knows less: data event values \"${aws_s3_bucket.phi.arn}/\" are unknown in a plan, while the "
                   "HCL loader matches the ARN's known pattern")
POLICY_AT_APPLY = ("plan knows less: a policy document (IAM, bucket, key policy) naming a resource created by the same "
                   "apply (a log group's, bucket's, trail's or role's ARN) is one unknown value in a plan -- an "
                   "aws_iam_policy_document with such an input is read only at apply -- while the HCL loader reads its "
                   "statements and compares those ARNs symbolically (the plan records only the references)")
NAME_AT_APPLY = ("plan knows less: the log group is named with name_prefix, so its name, and the metric filters' "
                 "log_group_name referring to it, are known only after apply; the HCL loader ties the filters to the "
                 "group through the reference")

# (case pattern, rule, resource, HCL status, plan status) -> why HCL and plan legitimately (or, until a
# loader is fixed, knowingly) differ.  The case is an fnmatch pattern over CASES.  Keep
# docs/differential.md in step (test_docs_table_matches).
KNOWN_DIFFERENCES: dict[tuple[str, str, str, str, str], str] = {
    ("acceptance:*", "ACC-001", "aws_s3_bucket.access_logs", "pass", "unknown"): JSONENCODE,
    ("acceptance:*", "ACC-001", "aws_s3_bucket.findings", "pass", "unknown"): JSONENCODE,
    ("acceptance:*", "ACC-003", "aws_iam_role.security_investigator", "pass", "unknown"): JSONENCODE,
    ("acceptance:compliant_as_written", "ACC-001", "aws_s3_bucket.cloudtrail", "pass", "unknown"): JSONENCODE,
    ("acceptance:compliant_as_written", "CT-007", "aws_cloudtrail.main", "pass", "unknown"): JSONENCODE,
    ("acceptance:break:*delete_trail_deny*", "INT-002", "aws_iam_role.security_investigator", "fail", "unknown"):
        JSONENCODE,
    ("acceptance:break:investigator_can_delete_logs", "ACC-003", "aws_iam_role.security_investigator", "fail",
     "unknown"): JSONENCODE,
    ("acceptance:break:log_bucket_readable_by_another_account", "ACC-001", "aws_s3_bucket.access_logs", "fail",
     "unknown"): JSONENCODE,
    ("acceptance:break:no_security_investigation_role", "ACC-002", "aws_iam_role.security_investigator", "fail",
     "unknown"): JSONENCODE,
    ("acceptance:compliant_as_written", "ACC-001", "aws_ssm_document.session_manager_prefs", "absent", "unknown"):
        SSM_CONTENT,
    ("acceptance:compliant_as_written", "ENC-002", "aws_ssm_document.session_manager_prefs", "absent", "unknown"):
        SSM_CONTENT,
    ("acceptance:compliant_as_written", "INT-001", "aws_ssm_document.session_manager_prefs", "absent", "unknown"):
        SSM_CONTENT,
    ("acceptance:compliant_as_written", "RET-008", "aws_ssm_document.session_manager_prefs", "pass", "unknown"):
        SSM_CONTENT,
    ("acceptance:compliant_as_written", "SSM-001", "aws_ssm_document.session_manager_prefs", "pass", "unknown"):
        SSM_CONTENT,
    ("idioms:*", "ACC-001", "module.session_logging.aws_ssm_document.preferences", "absent", "unknown"): SSM_CONTENT,
    ("idioms:*", "ENC-002", "module.session_logging.aws_ssm_document.preferences", "absent", "unknown"): SSM_CONTENT,
    ("idioms:*", "INT-001", "module.session_logging.aws_ssm_document.preferences", "absent", "unknown"): SSM_CONTENT,
    ("idioms:*", "RET-008", "module.session_logging.aws_ssm_document.preferences", "pass", "unknown"): SSM_CONTENT,
    ("idioms:*", "SSM-001", "module.session_logging.aws_ssm_document.preferences", "pass", "unknown"): SSM_CONTENT,
    ("idioms:*", "ENC-002", 'module.log_buckets.aws_s3_bucket.this["cloudtrail"]', "pass", "unknown"): LOCAL_MAP,
    ("idioms:*", "ENC-002", 'module.log_buckets.aws_s3_bucket.this["config"]', "pass", "unknown"): LOCAL_MAP,
    ("acceptance:variant:flow_logs_for_each", "FL-001", "aws_vpc.app", "pass", "unknown"): FOR_EACH_MAP,
    ("acceptance:variant:flow_logs_for_each", "FL-001", "aws_vpc.data", "pass", "unknown"): FOR_EACH_MAP,
    ("acceptance:variant:flow_logs_for_each", "FL-001", 'aws_flow_log.vpc["app"]', "absent", "unknown"): FOR_EACH_MAP,
    ("acceptance:variant:flow_logs_for_each", "FL-001", 'aws_flow_log.vpc["data"]', "absent", "unknown"):
        FOR_EACH_MAP,
    ("acceptance:variant:s3_data_events_explicit_bucket_list", "CT-003", "aws_cloudtrail.main", "pass", "unknown"):
        DATA_EVENT_ARNS,
    ("acceptance:*", "ACC-006", "aws_kms_key.cloudtrail", "pass", "unknown"): POLICY_AT_APPLY,
    ("acceptance:*", "DLV-001", "aws_cloudtrail.main", "pass", "unknown"): POLICY_AT_APPLY,
    ("acceptance:break:trail_bucket_policy_misses_the_key_prefix", "DLV-001", "aws_cloudtrail.main", "fail",
     "unknown"): POLICY_AT_APPLY,
    ("acceptance:*", "DLV-002", "aws_cloudtrail.main", "pass", "unknown"): POLICY_AT_APPLY,
    ("acceptance:*", "DLV-003", "aws_config_delivery_channel.main", "pass", "unknown"): POLICY_AT_APPLY,
    ("acceptance:break:config_bucket_policy_wrong_path", "DLV-003", "aws_config_delivery_channel.main", "fail",
     "unknown"): POLICY_AT_APPLY,
    ("acceptance:*", "DLV-004", "aws_flow_log.app", "pass", "unknown"): POLICY_AT_APPLY,
    ("acceptance:*", "DLV-004", "aws_flow_log.data", "pass", "unknown"): POLICY_AT_APPLY,
    ("acceptance:variant:vpcs_and_flow_logs_for_each", "DLV-004", 'aws_flow_log.this["app"]', "pass", "unknown"):
        POLICY_AT_APPLY,
    ("acceptance:variant:vpcs_and_flow_logs_for_each", "DLV-004", 'aws_flow_log.this["data"]', "pass", "unknown"):
        POLICY_AT_APPLY,
    ("acceptance:variant:flow_logs_for_each", "DLV-004", 'aws_flow_log.vpc["app"]', "pass", "unknown"):
        POLICY_AT_APPLY,
    ("acceptance:variant:flow_logs_for_each", "DLV-004", 'aws_flow_log.vpc["data"]', "pass", "unknown"):
        POLICY_AT_APPLY,
    ("acceptance:*", "DLV-006", "aws_s3_bucket_logging.screenshots", "pass", "unknown"): POLICY_AT_APPLY,
    ("acceptance:*", "DLV-007", "aws_guardduty_publishing_destination.s3", "pass", "unknown"): POLICY_AT_APPLY,
    ("acceptance:break:guardduty_bucket_policy_without_put", "DLV-007", "aws_guardduty_publishing_destination.s3",
     "fail", "unknown"): POLICY_AT_APPLY,
    ("acceptance:break:trail_logs_role_trusts_ec2", "ACC-002", "aws_iam_role.cloudtrail_to_cloudwatch", "pass",
     "unknown"): POLICY_AT_APPLY,
    ("acceptance:break:*delete_trail_deny*", "INT-002", "aws_iam_role.cloudtrail_to_cloudwatch", "fail", "unknown"):
        POLICY_AT_APPLY,
    ("idioms:*", "DLV-002", "module.trail.aws_cloudtrail.this", "pass", "unknown"): POLICY_AT_APPLY,
    ("idioms:*", "DLV-004", 'module.vpc_logs.aws_flow_log.this["batch"]', "pass", "unknown"): POLICY_AT_APPLY,
    ("idioms:*", "DLV-004", 'module.vpc_logs.aws_flow_log.this["data"]', "pass", "unknown"): POLICY_AT_APPLY,
    ("idioms:*", "DLV-004", 'module.vpc_logs.aws_flow_log.this["web"]', "pass", "unknown"): POLICY_AT_APPLY,
    ("acceptance:compliant_as_written", "DLV-008", "aws_ssm_document.session_manager_prefs", "pass", "unknown"):
        SSM_CONTENT,
    ("idioms:*", "DLV-008", "module.session_logging.aws_ssm_document.preferences", "pass", "unknown"): SSM_CONTENT,
    ("idioms:*", "ACC-006",
     'module.log_buckets.aws_s3_bucket_server_side_encryption_configuration.this["cloudtrail"]', "absent", "unknown"):
        LOCAL_MAP,
    ("idioms:*", "ACC-006",
     'module.log_buckets.aws_s3_bucket_server_side_encryption_configuration.this["config"]', "absent", "unknown"):
        LOCAL_MAP,
    ("acceptance:variant:app_log_group_name_prefix", "APP-003", "aws_cloudwatch_log_group.django", "pass", "unknown"):
        NAME_AT_APPLY,
}

# case -> why terraform cannot plan it (so there is nothing to compare).  Strict xfails too.
PLAN_FAILS: dict[str, str] = {
    "acceptance:variant:flow_log_legacy_log_group_name": (
        "invalid for hashicorp/aws 6: aws_flow_log.log_group_name was removed in 6.0 (\"An argument named "
        "log_group_name is not expected here\"), while auditgate's HCL form still judges it compliant"),
    "acceptance:break:no_django_log_group": (
        "invalid configuration: the break removes aws_cloudwatch_log_group.django while a local still refers to "
        "it (\"Reference to undeclared resource\"); auditgate's HCL form judges it anyway (APP-001 fails)"),
    "acceptance:break:no_laravel_log_group": (
        "invalid configuration: the break removes aws_cloudwatch_log_group.laravel while a local still refers to "
        "it (\"Reference to undeclared resource\"); auditgate's HCL form judges it anyway (APP-001 fails)"),
}


def known(case: str, rule: str, resource: str, hcl: str, plan: str) -> str | None:
    for (pattern, k_rule, k_resource, k_hcl, k_plan), reason in KNOWN_DIFFERENCES.items():
        if (k_rule, k_resource, k_hcl, k_plan) == (rule, resource, hcl, plan) and fnmatch.fnmatchcase(case, pattern):
            return reason
    return None


# -- materializing and judging a case -------------------------------------------------------------


@pytest.fixture(scope="module")
def case_root(tmp_path_factory):
    base = tmp_path_factory.mktemp("differential")
    made: dict[str, Path] = {}

    def root(case: str) -> Path:
        if case not in made:
            kind, what = CASES[case]
            if kind == "repo":
                made[case] = REPO / what
            else:
                made[case] = ID.write_tree(what(), base / re.sub(r"[^A-Za-z0-9_.-]", "_", case))
        return made[case]
    return root


@pytest.fixture(scope="module")
def plan_of(request, offline_tf, case_root):
    """terraform's plan of a case; on first use every case selected in this module is planned, two at
    a time."""
    selected: list[str] = []
    for item in request.session.items:
        if item.module is request.module and hasattr(item, "callspec"):
            params = item.callspec.params
            selected.extend([params["case"]] if params.get("case") in CASES else
                            _matching(params["entry"][0]) if isinstance(params.get("entry"), tuple) else [])
    offline_tf.plans([case_root(case) for case in dict.fromkeys(selected)])
    return lambda case: offline_tf.plan(case_root(case))


def verdicts(model) -> dict[tuple[str, str], str]:
    return {(f.rule_id, f.resource): f.status for f in evaluate(model, POLICY).findings
            if not f.rule_id.startswith(PLAN_ONLY_RULES)}


def differences(case: str, case_root, plan_of) -> dict[tuple[str, str], tuple[str, str]]:
    """{(rule, resource): (HCL status, plan status)} where they differ ("absent" where one has no finding)."""
    hcl = verdicts(load_path(str(case_root(case))))
    plan = verdicts(load_plan_document(plan_of(case), f"<plan of {case}>"))
    return {key: (hcl.get(key, "absent"), plan.get(key, "absent"))
            for key in sorted(set(hcl) | set(plan)) if hcl.get(key) != plan.get(key)}


def describe(diffs: dict) -> str:
    return "\n".join(f"{rule} {resource}: HCL {h}, plan {p}" for (rule, resource), (h, p) in diffs.items())


def _param(case: str):
    marks = [] if case in QUICK else [pytest.mark.slow]
    if case in PLAN_FAILS:
        marks.append(pytest.mark.xfail(strict=True, reason=PLAN_FAILS[case]))
    return pytest.param(case, marks=marks, id=case)


# -- the tests --------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_verdicts_agree(case, case_root, plan_of):
    diffs = differences(case, case_root, plan_of)
    unlisted = {key: value for key, value in diffs.items() if not known(case, *key, *value)}
    assert not unlisted, (f"HCL and plan verdicts differ in {case} (a loader bug, or list it in "
                          f"KNOWN_DIFFERENCES with its reason):\n{describe(unlisted)}")


def _matching(pattern: str) -> list[str]:
    return [case for case in CASES if fnmatch.fnmatchcase(case, pattern)]


@pytest.mark.parametrize("entry", [
    pytest.param(entry, id=":".join(entry), marks=[pytest.mark.xfail(strict=True, reason=reason)] + (
        [] if set(_matching(entry[0])) <= QUICK else [pytest.mark.slow]))
    for entry, reason in KNOWN_DIFFERENCES.items()])
def test_known_difference(entry, case_root, plan_of):
    """Strict xfail: passes (and so fails the suite) once no case shows this difference any more."""
    pattern, rule, resource, hcl, plan = entry
    still = [case for case in _matching(pattern)
             if differences(case, case_root, plan_of).get((rule, resource)) == (hcl, plan)]
    assert not still, f"still in: {', '.join(still)}"


def test_known_differences_name_real_cases():
    for (pattern, rule, *_), reason in KNOWN_DIFFERENCES.items():
        assert _matching(pattern), f"{pattern} matches no case"
        assert reason.strip() and re.fullmatch(r"[A-Z]+-\d{3}", rule)
    assert set(PLAN_FAILS) <= set(CASES)


def test_docs_table_matches():
    """docs/differential.md lists exactly the known differences."""
    text = (REPO / "docs" / "differential.md").read_text()
    rows = {(case, rule, resource.replace("\\|", "|"), hcl, plan) for case, rule, resource, hcl, plan in re.findall(
        r"^\| `([^`]+)` \| `([^`]+)` \| `([^`]+)` \| (\w+) \| (\w+) \|", text, re.M)}
    assert rows == set(KNOWN_DIFFERENCES), (f"only in the docs: {sorted(rows - set(KNOWN_DIFFERENCES))}; "
                                            f"only in the test: {sorted(set(KNOWN_DIFFERENCES) - rows)}")
    failing = set(re.findall(r"^\| `([^`]+)` \| terraform cannot plan it", text, re.M))
    assert failing == set(PLAN_FAILS), failing
