"""Accepted exceptions with a reason and an expiry: inline `# auditgate:skip=` comments on a resource
block and `suppressions:` in the policy file.  A suppressed finding stays visible in every format;
an expired one fails with its own message; a malformed one is a usage error."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml

from lint_rules.cli import main
from lint_rules.engine import evaluate
from lint_rules.loaders import load_path
from lint_rules.policy import load_policy

TRAIL_BODY = '''  name                       = "main"
  s3_bucket_name             = "logs"
  is_multi_region_trail      = true
  enable_log_file_validation = false
}
'''


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def root(tmp_path, text: str, name: str = "main.tf"):
    (tmp_path / name).write_text(text)
    return str(tmp_path)


def ct006(capsys, path, *extra) -> tuple[int, dict, str]:
    code, out, err = run(capsys, "check", "--format", "json", "--select", "CT-006", *extra, path)
    (finding,) = [f for f in json.loads(out)["findings"] if f["rule_id"] == "CT-006"]
    return code, finding, err


def test_comment_on_the_resource_line(tmp_path, capsys):
    path = root(tmp_path, 'resource "aws_cloudtrail" "main" { # auditgate:skip=CT-006 reason: SEC-7 digest '
                          'validation done by the archive account\n' + TRAIL_BODY)
    code, finding, _ = ct006(capsys, path)
    assert code == 0 and finding["status"] == "suppressed"
    assert finding["suppression"] == {"reason": "SEC-7 digest validation done by the archive account",
                                      "expires": None, "origin": f"{tmp_path / 'main.tf'}:1", "expired": False}


def test_comment_lines_above_with_several_rules_and_an_expiry(tmp_path, capsys):
    path = root(tmp_path, '# the archive account validates digests\n'
                          '// auditgate:skip=CT-005, CT-006 reason: SEC-7 accepted expires: 2999-12-31\n'
                          'resource "aws_cloudtrail" "main" {\n' + TRAIL_BODY)
    code, out, _ = run(capsys, "check", "--format", "json", "--select", "CT-005,CT-006", path)
    statuses = {f["rule_id"]: (f["status"], f["suppression"]["expires"]) for f in json.loads(out)["findings"]}
    assert statuses == {"CT-005": ("suppressed", "2999-12-31"), "CT-006": ("suppressed", "2999-12-31")}
    assert code == 0


def test_a_comment_further_away_does_not_count(tmp_path, capsys):
    path = root(tmp_path, '# auditgate:skip=CT-006 reason: SEC-7 accepted\n\n'
                          'resource "aws_cloudtrail" "main" {\n' + TRAIL_BODY)
    code, finding, err = ct006(capsys, path)
    assert code == 1 and finding["status"] == "fail"


def test_an_expired_inline_exception_fails_with_its_own_message(tmp_path, capsys):
    path = root(tmp_path, '# auditgate:skip=CT-006 reason: SEC-7 accepted expires: 2020-01-31\n'
                          'resource "aws_cloudtrail" "main" {\n' + TRAIL_BODY)
    code, finding, _ = ct006(capsys, path)
    assert code == 1 and finding["status"] == "fail"
    assert finding["message"].startswith("the exception for this finding expired on 2020-01-31")
    assert "SEC-7 accepted" in finding["message"] and finding["suppression"]["expired"] is True
    code, out, _ = run(capsys, "check", "--select", "CT-006", path)
    assert "CT-006 FAIL aws_cloudtrail.main: the exception for this finding expired on 2020-01-31" in out


def test_expiry_is_inclusive():
    from lint_rules.suppressions import Suppression

    s = Suppression(rules=("CT-006",), reason="r", origin="x", expires=dt.date(2027, 3, 31))
    assert not s.expired(dt.date(2027, 3, 31)) and s.expired(dt.date(2027, 4, 1))


@pytest.mark.parametrize("comment, message", [
    ("# auditgate:skip=CT-006", "needs a reason"),
    ("# auditgate:skip=CT-006 reason:", "needs a reason"),
    ("# auditgate:skip CT-006 reason: x y z", "must name rule ids"),
    ("# auditgate:skip=CT-006 reason: SEC-7 expires: 31/03/2027", "expires must be a date"),
    ("# auditgate:skip=CT-0006 reason: SEC-7 accepted", "suppression names no rule 'CT-0006'"),
])
def test_a_malformed_inline_exception_is_a_usage_error_naming_the_line(tmp_path, capsys, comment, message):
    path = root(tmp_path, f'{comment}\nresource "aws_cloudtrail" "main" {{\n' + TRAIL_BODY)
    code, out, err = run(capsys, "check", "--select", "CT-006", path)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert message in err and "main.tf:1" in err


def test_a_comment_on_no_resource_is_reported_in_a_note(tmp_path, capsys):
    path = root(tmp_path, 'resource "aws_cloudtrail" "main" {\n' + TRAIL_BODY +
                '\n# auditgate:skip=CT-006 reason: SEC-7 accepted\n'
                'module "x" {\n  source = "./x"\n}\n')
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "main.tf").write_text("")
    code, out, err = run(capsys, "check", "--select", "CT-006", path)
    assert code == 1 and "CT-006 FAIL" in out
    assert "auditgate:skip ignored: it is on a module block" in err


def test_each_instance_of_a_module_resource_is_suppressed(tmp_path, capsys):
    (tmp_path / "trail").mkdir()
    (tmp_path / "trail" / "main.tf").write_text(
        'resource "aws_cloudtrail" "this" { # auditgate:skip=CT-006 reason: SEC-7 accepted\n' + TRAIL_BODY)
    root(tmp_path, 'module "a" {\n  source = "./trail"\n}\nmodule "b" {\n  source = "./trail"\n}\n')
    code, out, _ = run(capsys, "check", "--format", "json", "--select", "CT-006", str(tmp_path))
    found = {f["resource"]: f["status"] for f in json.loads(out)["findings"]}
    assert found == {"module.a.aws_cloudtrail.this": "suppressed", "module.b.aws_cloudtrail.this": "suppressed"}


def policy_file(tmp_path, **entry) -> str:
    data = yaml.safe_load(yaml.safe_dump(load_policy().data, allow_unicode=True))
    data["suppressions"] = [{"rule": "CT-006", "reason": "SEC-123 accepted", **entry}]
    path = tmp_path / "policy.yaml"
    # written by hand so that `expires` is a YAML date, as people write it
    text = yaml.safe_dump({k: v for k, v in data.items() if k != "suppressions"}, allow_unicode=True)
    text += "suppressions:\n"
    for s in data["suppressions"]:
        text += f"  - rule: {s['rule']}\n    reason: \"{s['reason']}\"\n"
        for key in ("resource", "expires"):
            if key in s:
                text += f"    {key}: {s[key]}\n"
    path.write_text(text)
    return str(path)


def test_policy_file_exception_with_a_future_expiry(tmp_path, capsys):
    path = root(tmp_path, 'resource "aws_cloudtrail" "main" {\n' + TRAIL_BODY)
    code, finding, _ = ct006(capsys, path, "--policy", policy_file(tmp_path, expires="2999-03-31"))
    assert code == 0 and finding["status"] == "suppressed"
    assert finding["suppression"]["expires"] == "2999-03-31"
    assert finding["suppression"]["origin"].endswith("policy.yaml suppressions[0]")


def test_policy_file_exception_that_expired_fails(tmp_path, capsys):
    path = root(tmp_path, 'resource "aws_cloudtrail" "main" {\n' + TRAIL_BODY)
    code, finding, _ = ct006(capsys, path, "--policy", policy_file(tmp_path, expires="2021-03-31"))
    assert code == 1 and finding["status"] == "fail"
    assert "expired on 2021-03-31" in finding["message"] and "SEC-123 accepted" in finding["message"]


def test_policy_file_exception_with_a_bad_date_is_a_usage_error(tmp_path, capsys):
    path = root(tmp_path, 'resource "aws_cloudtrail" "main" {\n' + TRAIL_BODY)
    code, out, err = run(capsys, "check", "--policy", policy_file(tmp_path, expires="next-year"), path)
    assert code == 2 and "policy file invalid at suppressions/0/expires" in err


def test_policy_resource_glob_matches_an_address_with_instance_keys_literally(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_cloudtrail" "main" {\n  for_each = toset(["a"])\n'
                                      + TRAIL_BODY)
    data = yaml.safe_load(yaml.safe_dump(load_policy().data, allow_unicode=True))
    data["suppressions"] = [{"rule": "CT-006", "resource": 'aws_cloudtrail.main["a"]', "reason": "SEC-1 ok"}]
    from lint_rules.policy import Policy

    report = evaluate(load_path(str(tmp_path)), Policy(data, "p.yaml"), select=["CT-006"])
    assert [f.status for f in report.findings] == ["suppressed"]


@pytest.fixture
def suppressed_root(tmp_path):
    return root(tmp_path, '# auditgate:skip=CT-006 reason: SEC-7 digests checked by archive expires: 2999-01-01\n'
                          'resource "aws_cloudtrail" "main" {\n' + TRAIL_BODY)


def test_a_suppressed_finding_stays_visible_in_every_format(suppressed_root, capsys):
    code, out, _ = run(capsys, "check", "--select", "CT-006", suppressed_root)
    assert code == 0
    assert ("CT-006 SUPPRESSED aws_cloudtrail.main: enable_log_file_validation" in out
            and "(suppressed until 2999-01-01 by" in out and "SEC-7 digests checked by archive" in out)
    code, out, _ = run(capsys, "check", "--select", "CT-006", "--format", "sarif", suppressed_root)
    (result,) = json.loads(out)["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                       "justification": "SEC-7 digests checked by archive (expires 2999-01-01)"}]
    for fmt in ("markdown", "html"):
        code, out, _ = run(capsys, "check", "--select", "CT-006", "--format", fmt, suppressed_root)
        assert code == 0
        section = out[out.index("Accepted exceptions"):]
        assert "SEC-7 digests checked by archive" in section and "2999-01-01" in section and "main.tf:1" in section


def test_a_plan_read_with_its_source_gets_the_inline_exceptions(tmp_path, capsys):
    import shutil

    from .helpers import REPO

    source = tmp_path / "noncompliant"
    shutil.copytree(REPO / "terraform" / "examples" / "noncompliant", source)
    main_tf = source / "main.tf"
    text = main_tf.read_text()
    assert 'resource "aws_cloudtrail" "main" {' in text
    main_tf.write_text(text.replace('resource "aws_cloudtrail" "main" {',
                                    '# auditgate:skip=CT-006 reason: SEC-7 legacy trail, retired in Q3\n'
                                    'resource "aws_cloudtrail" "main" {'))
    plan = REPO / "tests" / "fixtures" / "plans" / "noncompliant.json"
    code, finding, _ = ct006(capsys, str(plan), "--tf-dir", str(source))
    assert finding["status"] == "suppressed" and finding["resource"] == "aws_cloudtrail.main"
    assert finding["suppression"]["origin"].endswith("main.tf:" + str(text[:text.index(
        'resource "aws_cloudtrail" "main" {')].count("\n") + 1))
    code, finding, _ = ct006(capsys, str(plan))  # without the source there is no comment to read
    assert finding["status"] == "fail"
