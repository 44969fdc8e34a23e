"""checkov's own checks on the logging baseline: `checkov -d .` from the repository root, with the
repository's .checkov.yaml, passes, and every check it skips is listed there with its reason.

Slow (checkov in its own venv, about a thousand checks): marked ``slow``, run by the README's test command.
"""
from __future__ import annotations

import re

import pytest

from .env import REPO, run_checkov

pytestmark = pytest.mark.slow
CONFIG = REPO / ".checkov.yaml"
#: modules whose resources no checkov check looks at (aws_s3_bucket_logging only)
NOTHING_TO_CHECK = {"s3_access_logging"}


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return run_checkov(["-d", "."], cwd=REPO, home=tmp_path_factory.mktemp("checkov-home"))


def records(reports, kind):
    return [r for report in reports for r in (report.get("results") or {}).get(kind, [])]


def test_baseline_passes_checkovs_checks(reports):
    failed = [f'{r["check_id"]} {r["resource"]} ({r["file_path"]}:{r["file_line_range"][0]}): {r["check_name"]}'
              for r in records(reports, "failed_checks")]
    assert not failed, "\n".join(failed)


def test_scan_covers_the_modules_and_both_roots_with_aws_checks(reports):
    passed = records(reports, "passed_checks")
    files = {r["file_abs_path"] for r in passed}
    for module in sorted({p.parent.name for p in REPO.glob("modules/*/main.tf")} - NOTHING_TO_CHECK):
        assert any(f"/modules/{module}/" in f for f in files), f"checkov did not check modules/{module}"
    resources = {r["resource"] for r in passed}
    assert any(r.startswith("module.baseline.") for r in resources)
    assert {r["check_id"] for r in passed if r["check_id"].startswith(("CKV_AWS_", "CKV2_AWS_"))}
    assert not any("/examples/" in f or "/tests/" in f for f in files)


def test_every_skipped_check_is_listed_with_its_reason(reports):
    config = CONFIG.read_text()
    skip_lines = re.findall(r"^\s+- (CKV\w+)\s*(?:#\s*(.*))?$", config, re.M)
    assert skip_lines, "no skip-check entries"
    for check_id, reason in skip_lines:
        assert reason and len(reason.split()) >= 4, f"{check_id}: give a reason after '#'"
    for r in records(reports, "skipped_checks"):  # inline checkov:skip comments
        comment = r["check_result"].get("suppress_comment") or ""
        assert len(comment.split()) >= 4, f"{r['check_id']} on {r['resource']}: skip without a reason"
        assert re.search(rf"^#.*\b{r['check_id']}\b", config, re.M), \
            f"{r['check_id']} skipped inline on {r['resource']} is not listed in .checkov.yaml"
