"""checkov, through the adapter in checkov_adapter/, reaches auditgate's verdict on every finding.

One checkov run per form over every case (baseline roots, examples, acceptance cases; their plans:
the stored ones, and real terraform plans of the others where the offline terraform runs):
each auditgate finding must come back as a line of exactly one checkov record of the same rule, on
the finding's own block (or, for an account-wide finding or an address checkov does not hold, on the
input's anchor, naming what it is about), and each record's result must be the combination of its
findings (fail or unknown: FAILED, fail closed; suppressed: SKIPPED; pass: PASSED).

Slow (checkov runs every rule on every block): marked ``slow``, run by the README's test command.
"""
from __future__ import annotations

import collections
import json
from pathlib import Path

import pytest

from . import cases, parity
from .env import ADAPTER, REPO, run_checkov
from .bridge import verdicts

pytestmark = pytest.mark.slow

Scan = collections.namedtuple("Scan", "cwd inputs findings reports rules")


def real_plans(request) -> dict[str, dict]:
    """Plans of the examples and acceptance cases made by the real terraform with the offline AWS
    provider (the session's ``offline_tf``, shared with the other terraform tests), where this
    checkout has it and the machine can run it; else none (the stored plans still run)."""
    try:
        offline = request.getfixturevalue("offline_tf")
    except (pytest.FixtureLookupError, pytest.skip.Exception):
        return {}
    roots = cases.planned_roots()
    offline.plans(roots)
    return {"_".join(root.relative_to(REPO).parts): offline.plan(root) for root in roots}


def _scan(tmp: Path, form: str, request) -> Scan:
    policy = cases.write_policy(tmp / "policy.yaml")
    if form == "hcl":
        inputs = [f"hcl/{r}" for r in cases.build_hcl_tree(tmp / "hcl")]
        args = ["-d", "hcl", "--framework", "terraform"]
    else:
        inputs = [f"plans/{p}" for p in cases.build_plan_dir(tmp / "plans", real_plans(request))]
        args = ["-d", "plans", "--framework", "terraform_plan"]
    extra = ["--policy", str(policy)]
    findings = parity.auditgate_findings(extra + inputs, tmp)
    reports = run_checkov(args + ["--external-checks-dir", str(ADAPTER)], cwd=tmp, home=tmp,
                          extra_env={"AUDITGATE_ARGS": " ".join(extra)})
    return Scan(tmp, inputs, findings, reports, parity.rule_ids(tmp))


@pytest.fixture(scope="module")
def hcl_scan(tmp_path_factory, request) -> Scan:
    return _scan(tmp_path_factory.mktemp("checkov-hcl"), "hcl", request)


@pytest.fixture(scope="module")
def plan_scan(tmp_path_factory, request) -> Scan:
    return _scan(tmp_path_factory.mktemp("checkov-plan"), "plan", request)


@pytest.fixture(params=["hcl", "plan"])
def scan(request) -> Scan:
    return request.getfixturevalue(f"{request.param}_scan")


def test_every_finding_has_its_verdict_in_checkov(scan):
    problems, _ = parity.compare(scan.findings, parity.adapter_records(scan.reports, scan.rules))
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:60])


def test_every_input_and_rule_reaches_checkov(scan):
    records = parity.adapter_records(scan.reports, scan.rules)
    assert {i for r in records for i in r.input.split(", ")} == set(scan.inputs)
    assert {r.rule for r in records} == {f["rule_id"] for f in scan.findings}
    assert {f["source"] for f in scan.findings} == set(scan.inputs)


def test_findings_land_on_their_own_blocks(scan):
    """Where checkov holds every block (the baseline roots, the examples, plans), a finding is on its
    block (or, where checkov did not expand ``for_each``, on the block without instance keys), and
    an account-wide one on the aws provider: nothing falls back to an anchor."""
    exact = {i for i in scan.inputs if "acceptance_idioms" not in i and cases.NO_PROVIDER not in i}
    _, placed = parity.compare(scan.findings, parity.adapter_records(scan.reports, scan.rules))
    assert len(placed) == len(scan.findings)
    elsewhere = [f"{f['source']}: {f['rule_id']} on {f['resource']} reported on {r.block}"
                 for f, r in placed if f["source"] in exact
                 and r.block not in (["aws.default"] if f["resource"] == "account"
                                     else verdicts.block_addresses(f["resource"]))]
    assert not elsewhere, "\n".join(elsewhere[:20])


def test_checks_carry_rule_id_clause_and_guideline(scan):
    by_id = {r["id"]: r for r in json.loads(parity.rules_json(scan.cwd))["rules"]}
    for report in scan.reports:
        for kind in ("passed_checks", "failed_checks", "skipped_checks"):
            for record in (report.get("results") or {}).get(kind, []):
                rule = by_id.get(record["check_id"])
                if rule:
                    assert record["check_name"] == rule["clause_text"]
                    assert rule["clause_text"] in (record.get("guideline") or "")
                    assert f"auditgate explain {rule['id']}" in record["guideline"]


def test_unknown_fails_closed_with_its_reason(plan_scan):
    _, placed = parity.compare(plan_scan.findings, parity.adapter_records(plan_scan.reports, plan_scan.rules))
    unknown = [(f, r) for f, r in placed if f["status"] == "unknown"]
    assert unknown, "the plan cases have findings a plan cannot prove"
    for f, record in unknown:
        assert record.result == "FAILED", (f, record)
        assert any(line.startswith("unknown: ") and f["message"] in line for line in record.lines)


def test_accepted_exception_is_skipped_with_its_reason(hcl_scan):
    (finding,) = [f for f in hcl_scan.findings if f["status"] == "suppressed"]
    assert (finding["rule_id"], finding["resource"]) == (cases.SUPPRESSION["rule"], cases.SUPPRESSION["resource"])
    (record,) = [r for r in parity.raw_records(hcl_scan.reports)
                 if r["check_id"] == cases.SUPPRESSION["rule"] and r["resource"] == cases.SUPPRESSION["resource"]]
    assert record["check_result"]["result"] == "SKIPPED"
    reason = (finding.get("suppression") or {}).get("reason") or "accepted exception"  # as auditgate reports it
    assert record["check_result"]["suppress_comment"] == f"auditgate: {reason}"


def test_root_without_provider_block_reports_account_findings_on_its_first_resource(hcl_scan):
    root = f"hcl/{cases.NO_PROVIDER}"
    account = [f for f in hcl_scan.findings if f["source"] == root and f["resource"] == "account"]
    assert any(f["status"] == "fail" for f in account), "no trail in that root: CT-001 must fail"
    records = [r for r in parity.adapter_records(hcl_scan.reports, hcl_scan.rules) if root in r.input.split(", ")]
    assert {r.block for r in records} == {"aws_s3_bucket.uploads"}
    assert {r.rule for r in records} == {f["rule_id"] for f in hcl_scan.findings if f["source"] == root}
