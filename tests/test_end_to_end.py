"""End to end: the compliant NVS plan passes and each single CloudTrail violation fails
with the right rule, through the CLI and through `pytest --tfplan -` (stdin), as users run them."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import REPO

PLAN = REPO / "tests" / "fixtures" / "plans" / "nvs.json"
TRAIL = "module.baseline.module.cloudtrail.aws_cloudtrail.this"
TRAIL_BUCKET = "module.baseline.module.cloudtrail_bucket"


@pytest.fixture(scope="module")
def compliant() -> dict:
    return json.loads(PLAN.read_text())


# --- plan surgery: change one value the way a real plan would show it ----------------------------
def change(doc: dict, address: str) -> dict:
    for rc in doc["resource_changes"]:
        if rc["address"] == address:
            return rc["change"]
    raise AssertionError(f"{address} not in plan")


def config_resource(doc: dict, address: str) -> dict:
    *calls, rtype, name = address.split(".")
    module = doc["configuration"]["root_module"]
    for i in range(0, len(calls), 2):
        module = module["module_calls"][calls[i + 1]]["module"]
    for res in module["resources"]:
        if res["address"] == f"{rtype}.{name}":
            return res
    raise AssertionError(f"{address} not in configuration")


def set_constant(doc: dict, address: str, attr: str, value) -> None:
    """``attr = value`` as a literal: known in ``after``, a constant in configuration."""
    after = change(doc, address)
    after["after"][attr] = value
    after["after_unknown"].pop(attr, None)
    config_resource(doc, address)["expressions"][attr] = {"constant_value": value}


def multi_region_off(doc):
    set_constant(doc, TRAIL, "is_multi_region_trail", False)


def management_events_off(doc):
    change(doc, TRAIL)["after"]["event_selector"][0]["include_management_events"] = False


def data_events_one_bucket(doc):
    for dr in change(doc, TRAIL)["after"]["event_selector"][0]["data_resource"]:
        if dr["type"] == "AWS::S3::Object":
            dr["values"] = ["arn:aws:s3:::some-other-bucket/"]


def lambda_without_data_events(doc):
    selector = change(doc, TRAIL)["after"]["event_selector"][0]
    selector["data_resource"] = [d for d in selector["data_resource"] if d["type"] != "AWS::Lambda::Function"]
    doc["resource_changes"].append({
        "address": "aws_lambda_function.export", "mode": "managed", "type": "aws_lambda_function",
        "name": "export", "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {"actions": ["create"], "before": None,
                   "after": {"function_name": "phi-export", "handler": "index.handler", "runtime": "python3.12"},
                   "after_unknown": {"arn": True, "id": True}, "before_sensitive": False, "after_sensitive": {}}})


def aws_managed_key(doc):
    set_constant(doc, TRAIL, "kms_key_id", "alias/aws/cloudtrail")


def validation_off(doc):
    set_constant(doc, TRAIL, "enable_log_file_validation", False)


def _walk_modules(module: dict):
    yield module
    for child in module.get("child_modules", []):
        yield from _walk_modules(child)


def third_party_writer(doc):
    extra = {"Sid": "Vendor", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
             "Action": "s3:PutObject", "Resource": "arn:aws:s3:::vendor/*"}
    after = change(doc, f"{TRAIL_BUCKET}.aws_s3_bucket_policy.this")["after"]
    original = after["policy"]
    policy = json.loads(original)
    policy["Statement"].append(extra)
    after["policy"] = json.dumps(policy)
    # the policy document data source it was rendered from shows the same text
    for module in _walk_modules(doc.get("prior_state", {}).get("values", {}).get("root_module", {})):
        for res in module.get("resources", []):
            if res.get("values", {}).get("json") == original:
                res["values"]["json"] = after["policy"]


def versioning_suspended(doc):
    # the baseline's trail bucket has Object Lock, which keeps versioning on: a bucket without it
    change(doc, f"{TRAIL_BUCKET}.aws_s3_bucket.this")["after"]["object_lock_enabled"] = False
    after = change(doc, f"{TRAIL_BUCKET}.aws_s3_bucket_versioning.this")["after"]
    after["versioning_configuration"][0]["status"] = "Suspended"


def public_policy_allowed(doc):
    change(doc, f"{TRAIL_BUCKET}.aws_s3_bucket_public_access_block.this")["after"]["block_public_policy"] = False


VIOLATIONS = {
    "CT-001": multi_region_off,
    "CT-002": management_events_off,
    "CT-003": data_events_one_bucket,
    "CT-004": lambda_without_data_events,
    "CT-005": aws_managed_key,
    "CT-006": validation_off,
    "CT-007": third_party_writer,
    "CT-008": versioning_suspended,
    "CT-009": public_policy_allowed,
}


def cli(args, stdin: str = ""):
    return subprocess.run([sys.executable, "-m", "lint_rules.cli", *args], input=stdin.encode(),
                          capture_output=True, timeout=120)


def pytest_on_stdin(stdin: str, tmp_path: Path, *extra: str):
    return subprocess.run([sys.executable, "-m", "pytest", "--tfplan", "-", "-p", "no:cacheprovider",
                           "-q", "-rf", *extra], input=stdin.encode(), capture_output=True,
                          cwd=tmp_path, timeout=300)


def failing_rules(report: dict) -> set[str]:
    return {f["rule_id"] for f in report["findings"] if f["status"] in ("fail", "unknown")}


def test_compliant_plan_passes_cli(compliant):
    proc = cli(["check", "--format", "json", "-"], json.dumps(compliant))
    report = json.loads(proc.stdout)
    assert proc.returncode == 0, failing_rules(report)
    assert report["summary"]["fail"] == report["summary"]["unknown"] == 0
    assert report["summary"]["pass"] > 0


def test_compliant_plan_passes_pytest_on_stdin(compliant, tmp_path):
    proc = pytest_on_stdin(json.dumps(compliant), tmp_path)
    out = proc.stdout.decode()
    assert proc.returncode == 0, out[-3000:]
    assert " passed" in out and "failed" not in out


@pytest.mark.parametrize("rule_id", VIOLATIONS)
def test_single_violation_fails_right_rule_cli(compliant, rule_id):
    doc = copy.deepcopy(compliant)
    VIOLATIONS[rule_id](doc)
    proc = cli(["check", "--format", "json", "-"], json.dumps(doc))
    assert proc.returncode == 1, proc.stderr.decode()
    report = json.loads(proc.stdout)
    assert failing_rules(report) == {rule_id}
    fails = [f for f in report["findings"] if f["status"] == "fail"]
    assert fails and all(f["clause"] and f["message"] and "\n" not in f["message"] for f in fails)


@pytest.mark.parametrize("rule_id", VIOLATIONS)
def test_single_violation_fails_right_rule_pytest_on_stdin(compliant, rule_id, tmp_path):
    doc = copy.deepcopy(compliant)
    VIOLATIONS[rule_id](doc)
    proc = pytest_on_stdin(json.dumps(doc), tmp_path)
    out = proc.stdout.decode()
    assert proc.returncode == 1, out[-3000:]
    failed = [line for line in out.splitlines() if line.startswith("FAILED ")]
    assert failed and all(f"::{rule_id}[" in line for line in failed), failed
    assert "policy: CloudTrail Requirements" in out and "fix:" in out


def test_pytest_plugin_reads_stdin_with_capture_disabled(compliant, tmp_path):
    doc = copy.deepcopy(compliant)
    validation_off(doc)
    proc = pytest_on_stdin(json.dumps(doc), tmp_path, "-s")
    assert proc.returncode == 1
    assert f"CT-006[{TRAIL}]" in proc.stdout.decode()
