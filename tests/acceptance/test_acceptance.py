"""Acceptance scenarios for auditgate, written from the policy text
(../shared/policy/audit-logging-policy.md) and the README's CLI contract only.

Every test that encodes the policy but fails because of a linter bug is marked
``xfail(strict=True)`` with a one-line reason, so the suite stays green and the
bug list stays explicit (an unexpected pass means the bug was fixed: drop the mark).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from . import cases_table as T
from . import hcltext as H
from . import plans as P

HERE = Path(__file__).parent
CASES = HERE / "cases"
COMPLIANT = CASES / "compliant"
PLAN_FILE = CASES / "compliant_plan.json"
PLAN_AS_WRITTEN_FILE = CASES / "compliant_plan_as_written.json"

_EXE = shutil.which("auditgate")
CLI = [_EXE] if _EXE else [sys.executable, "-m", "lint_rules.cli"]


def run(args, stdin: bytes | str | None = None) -> subprocess.CompletedProcess:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run(CLI + list(args), input=data if data is not None else b"",
                          capture_output=True, timeout=300)


def check(path_or_dash, stdin=None, *extra):
    """-> (exit code, report dict or None, stderr text)"""
    proc = run(["check", str(path_or_dash), "--format", "json", *extra], stdin)
    try:
        report = json.loads(proc.stdout.decode())
    except ValueError:
        report = None
    return proc.returncode, report, proc.stderr.decode()


def not_passing(report) -> list[dict]:
    return [f for f in (report or {}).get("findings", []) if f["status"] in ("fail", "unknown")]


def describe(findings) -> str:
    return "\n".join(f'{f["rule_id"]} {f["status"]} {f["resource"]}: {f["message"]}' for f in findings) or "(none)"


def assert_clean(rc, report, err):
    assert report is not None, err
    bad = not_passing(report)
    assert rc == 0 and not bad, f"exit {rc}\n{describe(bad)}\n{err}"
    assert report["summary"]["fail"] == 0 and report["summary"]["unknown"] == 0
    assert report["summary"]["pass"] > 0


def assert_caught(rc, report, err, needles):
    assert report is not None, f"exit {rc}: {err}"
    fails = [f for f in report["findings"] if f["status"] == "fail"]
    related = [f for f in fails
               if any(n.lower() in f'{f["rule_id"]} {f["resource"]} {f["message"]}'.lower() for n in needles)]
    assert rc == 1 and related, f"exit {rc}; wanted a failing finding about {needles}; got:\n{describe(not_passing(report))}"


def base_files() -> dict[str, str]:
    """cases/compliant with the WORKAROUNDS applied (the form auditgate can evaluate)."""
    files = H.read_dir(COMPLIANT)
    for ops, _ in T.WORKAROUNDS.values():
        files = H.apply(files, ops)
    return files


def xfail(reason):
    return pytest.mark.xfail(strict=True, reason=reason)


# ---------------------------------------------------------------------------
# 1. Compliant HCL
# ---------------------------------------------------------------------------
def test_compliant_hcl_as_written():
    assert_clean(*check(COMPLIANT))


def test_compliant_hcl_with_workarounds(tmp_path):
    """The same configuration once the four idioms above are rewritten must be clean:
    it proves those idioms are the only blockers, and is the base of every mutation below."""
    assert_clean(*check(H.write_dir(base_files(), tmp_path / "base")))


# (the access-log target's SSE-S3 needs no workaround since ENC-002 accepts it there; its former workaround,
# SSE-KMS on the target, stops the delivery itself -- DLV-006 -- and is gone)
FIXED_IDIOMS = {# judged on their known parts since the HCL loader keeps partially known values
                "ct_bucket_policy_jsonencode", "screenshot_bucket_name_interpolated", "ssm_kms_key_id_reference"}


@pytest.mark.parametrize("idiom", [k if k in FIXED_IDIOMS else pytest.param(k, marks=xfail(reason))
                                   for k, (_, reason) in T.WORKAROUNDS.items()])
def test_each_idiom_alone_is_accepted(tmp_path, idiom):
    """Only ``idiom`` is left as written: still compliant with the policy, so still exit 0."""
    files = H.read_dir(COMPLIANT)
    for name, (ops, _) in T.WORKAROUNDS.items():
        if name != idiom:
            files = H.apply(files, ops)
    assert_clean(*check(H.write_dir(files, tmp_path / idiom)))


COMPLIANT_FPS: dict[str, str] = {}


@pytest.mark.parametrize("variant", [
    pytest.param(k, marks=xfail(COMPLIANT_FPS[k])) if k in COMPLIANT_FPS else k for k in T.COMPLIANT_VARIANTS])
def test_compliant_variant(tmp_path, variant):
    assert_clean(*check(H.write_dir(H.apply(base_files(), T.COMPLIANT_VARIANTS[variant]), tmp_path / variant)))


def every_destination_policy(tmp_path) -> Path:
    import yaml

    from lint_rules.policy import load_policy

    data = load_policy().data
    data["cloudtrail"]["retention_on"] = "every_destination"
    path = tmp_path / "every-destination.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


@pytest.mark.parametrize("variant", list(T.EVERY_DESTINATION_ONLY))
def test_break_only_when_every_destination_counts(tmp_path, variant):
    ops, needles = T.EVERY_DESTINATION_ONLY[variant]
    root = H.write_dir(H.apply(base_files(), ops), tmp_path / variant)
    assert_caught(*check(root, None, "--policy", str(every_destination_policy(tmp_path))), needles)


# ---------------------------------------------------------------------------
# 3. One break per policy line
# ---------------------------------------------------------------------------
NONCOMPLIANT_FNS: dict[str, str] = {}


@pytest.mark.parametrize("variant", [
    pytest.param(k, marks=xfail(NONCOMPLIANT_FNS[k])) if k in NONCOMPLIANT_FNS else k for k in T.NONCOMPLIANT])
def test_noncompliant_variant(tmp_path, variant):
    ops, needles = T.NONCOMPLIANT[variant]
    assert_caught(*check(H.write_dir(H.apply(base_files(), ops), tmp_path / variant)), needles)


def test_noncompliant_variants_cover_every_rule():
    """Sanity: every rule `auditgate rules` lists is targeted by at least one break
    (ENC-005 cannot be broken validly: GuardDuty export requires a customer-managed key;
    PLN-001 judges the plan document, not the configuration: see test_unfinished_plan_never_passes)."""
    proc = run(["rules"])
    ids = {line.split()[0] for line in proc.stdout.decode().splitlines()
           if line.strip() and "(auditgate logs)" not in line}  # log-line rules read logs, not Terraform
    targeted = {n for _, ns in T.NONCOMPLIANT.values() for n in ns}
    assert ids and ids - targeted == {"ENC-005", "PLN-001"}, sorted(ids - targeted)


# ---------------------------------------------------------------------------
# 2. The same configuration as a `terraform show -json` plan
# ---------------------------------------------------------------------------
def test_stored_plans_match_builder():
    assert json.loads(PLAN_FILE.read_text()) == P.build_compliant_plan()
    assert json.loads(PLAN_AS_WRITTEN_FILE.read_text()) == P.build_compliant_plan(as_written=True)


# The workaround forms still write two bucket policies and the investigator's policy with jsonencode()
# around computed ARNs: "(known after apply)" in a plan, so who may read the logs cannot be proven.
PLAN_ACCESS_UNPROVABLE = {("ACC-001", "unknown", "aws_s3_bucket.findings"),
                          ("ACC-001", "unknown", "aws_s3_bucket.access_logs"),
                          ("ACC-003", "unknown", "aws_iam_role.security_investigator"),
                          # the trail key's policy is a jsonencode() around the log readers' role ARNs
                          ("ACC-006", "unknown", "aws_kms_key.cloudtrail")}
# The same documents decide whether each log service may write: a bucket, key or role policy built from the
# ARN of a bucket or log group created in the same plan is read only at apply (the plan lists the ARN's
# references, not the template around it), so delivery cannot be proven from the plan.
PLAN_DELIVERY_UNPROVABLE = {("DLV-001", "unknown", "aws_cloudtrail.main"),
                            ("DLV-002", "unknown", "aws_cloudtrail.main"),
                            ("DLV-003", "unknown", "aws_config_delivery_channel.main"),
                            ("DLV-004", "unknown", "aws_flow_log.app"),
                            ("DLV-004", "unknown", "aws_flow_log.data"),
                            ("DLV-006", "unknown", "aws_s3_bucket_logging.screenshots"),
                            ("DLV-007", "unknown", "aws_guardduty_publishing_destination.s3")}
PLAN_ACCESS_UNPROVABLE |= PLAN_DELIVERY_UNPROVABLE


def assert_only_unprovable(rc, report, err, allowed):
    assert report is not None, f"exit {rc}: {err}"
    got = {(f["rule_id"], f["status"], f["resource"]) for f in not_passing(report)}
    assert rc == 1 and got <= allowed, describe(not_passing(report))


def test_compliant_plan_file():
    assert_only_unprovable(*check(PLAN_FILE), PLAN_ACCESS_UNPROVABLE)


def test_compliant_plan_stdin():
    assert_only_unprovable(*check("-", PLAN_FILE.read_bytes()), PLAN_ACCESS_UNPROVABLE)


# jsonencode() is not representable in configuration.expressions (only its references are listed),
# so a plan genuinely cannot prove these two documents: unknown is the right answer there.
PLAN_UNPROVABLE = {("CT-007", "unknown", "aws_cloudtrail.main"),
                   ("ACC-001", "unknown", "aws_s3_bucket.cloudtrail"),
                   ("ACC-001", "unknown", "aws_ssm_document.session_manager_prefs"),
                   ("INT-001", "unknown", "aws_ssm_document.session_manager_prefs"),
                   ("RET-008", "unknown", "aws_ssm_document.session_manager_prefs"),
                   ("SSM-001", "unknown", "aws_ssm_document.session_manager_prefs"),
                   ("ENC-002", "unknown", "aws_ssm_document.session_manager_prefs"),
                   ("DLV-008", "unknown", "aws_ssm_document.session_manager_prefs")}


def test_compliant_plan_as_written_only_unprovable_unknowns():
    assert_only_unprovable(*check(PLAN_AS_WRITTEN_FILE), PLAN_UNPROVABLE | PLAN_ACCESS_UNPROVABLE)


def test_plan_as_written_reports_unknown_not_pass_for_jsonencode():
    """Fail closed: what the plan cannot show is unknown (exit 1), never pass."""
    rc, report, _ = check(PLAN_AS_WRITTEN_FILE)
    got = {(f["rule_id"], f["status"], f["resource"]) for f in not_passing(report)}
    assert rc == 1 and PLAN_UNPROVABLE <= got


@pytest.mark.parametrize("variant", list(P.PLAN_NONCOMPLIANT))
def test_plan_noncompliant_variant(variant):
    fn, needles = P.PLAN_NONCOMPLIANT[variant]
    assert_caught(*check("-", json.dumps(fn(P.build_compliant_plan()))), needles)


@pytest.mark.parametrize("variant", list(P.PLAN_EVERY_DESTINATION_ONLY))
def test_plan_break_only_when_every_destination_counts(tmp_path, variant):
    fn, needles = P.PLAN_EVERY_DESTINATION_ONLY[variant]
    doc = json.dumps(fn(P.build_compliant_plan()))
    assert_only_unprovable(*check("-", doc), PLAN_ACCESS_UNPROVABLE)
    assert_caught(*check("-", doc, "--policy", str(every_destination_policy(tmp_path))), needles)


@pytest.mark.parametrize("flags", [
    pytest.param({"errored": True}, id="errored"),
    pytest.param({"complete": False}, id="incomplete"),
])
def test_unfinished_plan_never_passes(flags):
    doc = P.build_compliant_plan()
    doc.update(flags)
    rc, _, _ = check("-", json.dumps(doc))
    assert rc in (1, 2)


# ---------------------------------------------------------------------------
# 4. Bad input: exit 2, one line on stderr, no traceback
# ---------------------------------------------------------------------------
TEXT_PLAN = """
Terraform used the selected providers to generate the following execution plan. Resource actions are
indicated with the following symbols:
  + create

Terraform will perform the following actions:

  # aws_cloudtrail.main will be created
  + resource "aws_cloudtrail" "main" {
      + is_multi_region_trail = true
      + name                  = "acme-phi-trail"
    }

Plan: 1 to add, 0 to change, 0 to destroy.
"""

STATE_SHOW_JSON = json.dumps({"format_version": "1.0", "terraform_version": "1.11.4", "values": {"root_module": {
    "resources": [{"address": "aws_cloudtrail.main", "mode": "managed", "type": "aws_cloudtrail", "name": "main",
                   "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                   "values": {"name": "acme-phi-trail", "is_multi_region_trail": True}, "sensitive_values": {}}]}}})

RAW_TFSTATE = json.dumps({"version": 4, "terraform_version": "1.11.4", "serial": 7, "lineage": "0b6e-4c",
                          "outputs": {}, "resources": [], "check_results": None})


def assert_input_error(proc, *needles):
    err = proc.stderr.decode(errors="replace")
    assert proc.returncode == 2, (proc.returncode, err, proc.stdout[:500])
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    for n in needles:
        assert n.lower() in err.lower(), err


def _truncated() -> str:
    text = PLAN_FILE.read_text()
    return text[: len(text) // 2]


@pytest.mark.parametrize("stdin", [
    pytest.param(lambda: _truncated(), id="truncated-json"),
    pytest.param(lambda: TEXT_PLAN, id="text-plan"),
    pytest.param(lambda: "", id="empty"),
    pytest.param(lambda: "  \n\n", id="whitespace"),
    pytest.param(lambda: "{}", id="empty-object"),
    pytest.param(lambda: STATE_SHOW_JSON, id="state-show-json"),
    pytest.param(lambda: RAW_TFSTATE, id="raw-tfstate"),
    pytest.param(lambda: "[]", id="json-array"),
    pytest.param(lambda: b"PK\x03\x04\x14\x00binary tfplan", id="binary-planfile"),
])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_bad_stdin(stdin, fmt):
    assert_input_error(run(["check", "-", "--format", fmt], stdin()))


def test_truncated_plan_file_names_the_file(tmp_path):
    f = tmp_path / "tfplan.json"
    f.write_text(_truncated())
    assert_input_error(run(["check", str(f)]), "tfplan.json")


def test_state_file_on_disk(tmp_path):
    f = tmp_path / "terraform.tfstate"
    f.write_text(RAW_TFSTATE)
    assert_input_error(run(["check", str(f)]), "terraform.tfstate")


def test_hcl_syntax_error_names_file_line_col(tmp_path):
    files = H.read_dir(COMPLIANT)
    files["broken.tf"] = 'resource "aws_s3_bucket" "oops" {\n  bucket = "x"\n  tags = {\n'
    d = H.write_dir(files, tmp_path / "broken")
    proc = run(["check", str(d)])
    assert_input_error(proc, "broken.tf:")
    import re
    assert re.search(r"broken\.tf:\d+:\d+", proc.stderr.decode()), proc.stderr


def test_hcl_syntax_error_in_otherwise_good_root_is_not_a_pass(tmp_path):
    files = H.read_dir(COMPLIANT)
    files = H.replace(files, "is_multi_region_trail         = true", "is_multi_region_trail         = ")
    proc = run(["check", str(H.write_dir(files, tmp_path / "broken2"))])
    assert_input_error(proc, "cloudtrail.tf:")
