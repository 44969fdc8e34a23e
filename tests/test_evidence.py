"""The evidence report (--format markdown / html): every line of the policy, the rules enforcing it,
their results and resources, accepted exceptions, lines not checked here and where they are checked,
and provenance.  The HTML is one self-contained file."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from contextlib import redirect_stdout

import pytest

from lint_rules.cli import main
from lint_rules.engine import Rule, _REGISTRY, all_rules, register
from lint_rules.policy import load_policy
from lint_rules.policy.lines import policy_lines, rules_for_line, squeeze, unmatched_rules
from lint_rules.report.evidence import LINE_ELSEWHERE, LINE_PASS, build_evidence

from .helpers import REPO, shared_dir

PLANS = REPO / "tests" / "fixtures" / "plans"


def capture(*args) -> tuple[int, str]:
    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main(list(args))
    return code, buf.getvalue()


def policy_text_lines() -> list[str]:
    """The requirement lines of the policy text: no headings, table headers or separators."""
    path = shared_dir() / "policy" / "audit-logging-policy.md"
    if not path.exists():
        pytest.skip(f"policy text not found at {path}")
    lines, previous_heading = [], False
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.endswith("¶") or line.startswith("|---") or line.startswith("HIPAA Rule:"):
            previous_heading = line.endswith("¶")
            continue
        if line.startswith("|") and previous_heading:  # the table's header row
            previous_heading = False
            continue
        previous_heading = False
        lines.append(line.removeprefix("- "))
    return lines


def test_the_shipped_policy_lines_are_the_policy_text_line_for_line():
    text = policy_text_lines()
    # the policy file breaks "IAM policy denies DeleteTrail for ..." over lines: compare squeezed
    shipped = "".join(squeeze(line.text) for line in policy_lines())
    assert shipped == "".join(squeeze(line) for line in text)


def test_every_line_has_a_rule_or_says_where_it_is_checked():
    rules = all_rules()
    for line in policy_lines():
        assert rules_for_line(line, rules) or line.elsewhere, f"line {line.number}: {line.text}"


def test_every_rule_quotes_a_shipped_policy_line():
    assert unmatched_rules(policy_lines(), all_rules()) == []


@pytest.fixture(scope="module")
def baseline_markdown():
    code, out = capture("check", "--format", "markdown", str(PLANS / "nvs.json"), str(PLANS / "nhc.json"))
    return code, out


def test_baseline_evidence_covers_every_line(baseline_markdown):
    code, out = baseline_markdown
    assert code == 0 and "**Result: PASS**" in out
    table = out[out.index("## Policy lines"):out.index("## Findings by policy line")]
    rows = [r for r in table.splitlines() if re.match(r"^\| \d+ \|", r)]
    assert len(rows) == len(policy_lines())
    for row, line in zip(rows, policy_lines()):
        assert f"| {line.number} |" in row
        plan_rules = [r for r in rules_for_line(line, all_rules()) if "plan" in r.applies_to]
        if plan_rules:  # checked here (a line also checked elsewhere says so below the table)
            assert "**PASS**" in row and all(r.id in row for r in plan_rules), row
        else:
            assert line.elsewhere and "NOT CHECKED HERE" in row, row
    for line in policy_lines():
        if line.elsewhere and any("plan" in r.applies_to for r in rules_for_line(line, all_rules())):
            assert "Also checked elsewhere" in out


def test_provenance_names_what_was_checked(baseline_markdown):
    _, out = baseline_markdown
    nvs = (PLANS / "nvs.json").read_bytes()
    assert hashlib.sha256(nvs).hexdigest() in out
    policy = load_policy()
    assert policy.sha256 and policy.sha256 in out
    assert json.loads(nvs)["terraform_version"] in out
    assert re.search(r"\| generated \(UTC\) \| \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \|", out)
    from lint_rules import __version__

    assert f"| auditgate version | {__version__} |" in out


def test_lines_not_checked_here_say_where(baseline_markdown):
    _, out = baseline_markdown
    section = out[out.index("## Not checked here"):]
    for line in policy_lines():
        checked_here = any("plan" in r.applies_to for r in rules_for_line(line, all_rules()))
        if line.elsewhere and not checked_here:
            assert line.text.replace("|", "\\|") in section
        elif checked_here:
            assert f"| {line.number} |" not in section
    assert "applications" in section


def test_failures_name_rules_resources_and_messages(capsys):
    code, out = capture("check", "--format", "markdown", str(REPO / "terraform" / "examples" / "noncompliant"))
    assert code == 1 and "**Result: FAIL**" in out
    details = out[out.index("### 13. CloudTrail Requirements: Log file validation enabled"):]
    details = details[:details.index("\n### ")]
    assert "CT-006" in details and "aws_cloudtrail.main" in details and "FAIL" in details


def test_a_new_rule_appears_under_its_line_by_itself():
    class AppAuthEvents(Rule):
        id = "APP-999"
        title = "Applications log authentication events"
        section = "Application-Level Logging"
        clause = "Authentication events (login success, login failure, logout)"
        rationale = "test"
        fix = "test"
        applies_to = ("logs",)

        def evaluate(self, model, policy):
            return []

    register(AppAuthEvents)
    try:
        from lint_rules.engine import evaluate
        from lint_rules.loaders import load_path

        report = evaluate(load_path(str(PLANS / "nvs.json")), load_policy())
        ev = build_evidence([report], load_policy())
        (line,) = [lr for lr in ev.lines if lr.line.text.startswith("Authentication events")]
        assert "APP-999" in [r.rule.id for r in line.rules]
        assert line.verdict == LINE_ELSEWHERE and "APP-999 (runs on logs)" in line.where_checked
    finally:
        del _REGISTRY["APP-999"]


def test_skipped_rules_leave_their_lines_not_run(capsys):
    code, out = capture("check", "--format", "markdown", "--skip", "CT-006", str(PLANS / "nvs.json"))
    assert code == 0
    row = next(r for r in out.splitlines() if "| Log file validation enabled (tamper-detection) |" in r)
    assert "NOT RUN" in row
    assert "left out by --select / --skip" in out


def test_evidence_is_built_from_the_reports_alone():
    from lint_rules.engine import evaluate
    from lint_rules.loaders import load_path

    when = dt.datetime(2027, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    report = evaluate(load_path(str(PLANS / "nvs.json")), load_policy())
    ev = build_evidence([report], load_policy(), now=when)
    assert ev.generated_at == when and ev.passed
    assert all(lr.verdict in (LINE_PASS, LINE_ELSEWHERE) for lr in ev.lines)
    assert ev.inputs[0].terraform_version == json.loads((PLANS / "nvs.json").read_text())["terraform_version"]


@pytest.fixture(scope="module")
def baseline_html():
    code, out = capture("check", "--format", "html", str(PLANS / "nvs.json"),
                        str(REPO / "terraform" / "examples" / "noncompliant"))
    return out


def test_html_is_one_self_contained_file(baseline_html):
    html = baseline_html
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    lowered = html.lower()
    assert "<script" not in lowered and "<link" not in lowered and "@import" not in lowered
    assert "<img" not in lowered and "url(" not in lowered
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", lowered)
    assert "<style>" in html and ".badge" in html


def test_html_lists_every_line_and_escapes_what_it_quotes(baseline_html):
    html = baseline_html
    for line in policy_lines():
        assert f"id='line-{line.number}'" in html
    assert "CloudWatch alarm → SNS" in html
    assert "(&#x27;legacy-trail-and-uploads&#x27;)" in html and "('legacy" not in html  # escaped


def test_provenance_names_the_account_of_the_plan():
    from lint_rules.engine import evaluate
    from lint_rules.loaders import load_path

    doc = json.loads((PLANS / "nvs.json").read_text())
    # the root pins its provider to var.account_id: allowed_account_ids = [var.account_id]
    assert doc["configuration"]["provider_config"]["aws"]["expressions"]["allowed_account_ids"] == \
        {"references": ["var.account_id"]}
    report = evaluate(load_path(str(PLANS / "nvs.json")), load_policy())
    ev = build_evidence([report], load_policy())
    assert ev.inputs[0].accounts == [doc["variables"]["account_id"]["value"]]
