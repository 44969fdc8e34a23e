"""The README documents every rule, and every rule documents itself."""
from __future__ import annotations

import re

from lint_rules.engine import all_rules

from .helpers import REPO

README = (REPO / "README.md").read_text()


def test_readme_lists_every_rule_with_its_title():
    documented = dict(re.findall(r"^\| ([A-Z0-9]+-\d{3}) \| ([^|]+) \|", README, re.M))
    registered = {r.id: r.title for r in all_rules()}
    assert set(documented) == set(registered)
    for rule_id, title in registered.items():
        assert documented[rule_id].strip().removesuffix(" (plans only)") == title, rule_id


def test_every_rule_has_its_documentation():
    for rule in all_rules():
        for attr in ("title", "section", "clause", "rationale", "fix", "example_fail", "example_pass"):
            assert getattr(rule, attr, "").strip(), f"{rule.id} lacks {attr}"
        assert "\n" not in rule.fix, f"{rule.id}: the fix hint must be one line"


def test_readme_ci_commands_are_what_ci_runs():
    ci = (REPO / ".ci" / "run").read_text()
    assert "ci:main" in README and "ci:tests" in README and "readme_command" in ci


def test_every_rule_quotes_a_line_of_the_policy():
    from .helpers import shared_dir
    import pytest

    policy = shared_dir() / "policy" / "audit-logging-policy.md"
    if not policy.exists():
        pytest.skip(f"policy text not found at {policy}")
    text = policy.read_text()
    squeezed = "".join(text.split())  # the policy file runs some words together ("DeleteTrailfor")
    for rule in all_rules():
        assert "".join(rule.clause.split()) in squeezed, f"{rule.id}: clause not in the policy: {rule.clause!r}"
        assert rule.section in text, f"{rule.id}: section not in the policy: {rule.section!r}"
