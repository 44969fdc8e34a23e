"""Fuzzing the policy file: a mutated or hostile ``--policy FILE`` is refused in one line or used.

Mutations of the shipped policy (structure and, more often, values of the same type, which the
schema lets through to the rules: odd globs, zero and negative retention, empty lists), written
as YAML or as JSON, and hostile YAML (aliases that expand exponentially, deep nesting, huge
numbers, tags, several documents, text that is not UTF-8).  Each runs ``auditgate check`` on a
small plan with the policy, in one of the CLI's formats.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml
from hypothesis import given, note, settings
from hypothesis import strategies as st

from .conftest import budget
from .harness import COUNTER, check_closed, run_cli
from .mutate import MUTATIONS, dumps, mutate, mutate_text
from .seeds import plan_seeds
from .test_fuzz_plans import FORMATS

pytestmark = pytest.mark.slow

POLICY_CASES = budget(1500, "policy")
POLICY_TEXT = resources.files("lint_rules.policy").joinpath("default.yaml").read_text(encoding="utf-8")
POLICY = yaml.safe_load(POLICY_TEXT)
# plans the rules have something to say about: the fixtures' windows and the smallest real plans
PLANS = [text for name, text in plan_seeds() if name.startswith("fixtures/")][:6] + [t for _, t in plan_seeds()[:3]]

_KINDS = MUTATIONS + ("same_type",) * 12  # mostly what the schema lets through

_HOSTILE = [
    # exponential aliases ("billion laughs"): 10 levels of 10 references
    "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10)) + "version: 1\n",
    # the same under a key the schema accepts (a list of strings): validating it hung
    POLICY_TEXT.replace('delete_trail_exempt_roles:\n  - "*devops-admin*"', "delete_trail_exempt_roles: [" + ", ".join(
        ["&b0 [r, r, r, r, r, r, r, r, r, r]"] + [f"&b{i} [{', '.join([f'*b{i - 1}'] * 10)}]" for i in range(1, 9)])
        + "]"),
    POLICY_TEXT.replace('delete_trail_exempt_roles:\n  - "*devops-admin*"', "delete_trail_exempt_roles: &l [a, *l]"),
    "[" * 20000,
    "a:\n" + "".join(" " * i + f"b{i}:\n" for i in range(1, 3000)),
    "version: " + "1" * 5000 + "\n",
    "version: 0x" + "f" * 5000 + "\n",
    "version: !!python/object/apply:os.system ['true']\n",
    "version: !!binary aGVsbG8=\n",
    "--- {version: 1}\n--- {version: 2}\n",
    "? [a, b]\n: c\n",
    "version: 1\nversion: 2\n",
    "version: 1\nexpires: 2024-02-30\n",
    "\x00\x01\x02",
    "",
    "~",
    "- 1\n- 2\n",
    "version: 1\nname: *undefined\n",
    "&a [*a]\n",
    "<<: {version: 1}\n",
]


@settings(max_examples=POLICY_CASES)
@given(data=st.data())
def _fuzz_policy(tmp: Path, data):
    how = data.draw(st.sampled_from(["structure", "structure", "structure", "text", "hostile"]), label="how")
    if how == "structure":
        doc, applied = mutate(data, yaml.safe_load(POLICY_TEXT), kinds=_KINDS)
        if data.draw(st.booleans(), label="as json"):
            raw = dumps(doc).encode()
        else:
            try:
                raw = yaml.safe_dump(doc, allow_unicode=True).encode("utf-8", "surrogatepass")
            except yaml.YAMLError:
                raw = dumps(doc).encode()
    elif how == "text":
        raw, applied = mutate_text(data, POLICY_TEXT)
    else:
        raw = data.draw(st.sampled_from(_HOSTILE), label="hostile").encode()
    policy = tmp / "policy.yaml"
    policy.write_bytes(raw)
    plan = tmp / "plan.json"
    plan.write_text(PLANS[data.draw(st.integers(0, len(PLANS) - 1), label="plan")])
    fmt = data.draw(st.sampled_from(FORMATS), label="format")
    result = run_cli(["check", str(plan), "--policy", str(policy), "--format", fmt], test="policy")
    check_closed(result, fmt)


def test_policy_files_fail_closed(tmp_path):
    before = COUNTER.cases
    _fuzz_policy(tmp_path)
    assert COUNTER.cases - before >= POLICY_CASES


@pytest.mark.parametrize("text", _HOSTILE, ids=range(len(_HOSTILE)))
def test_hostile_policy_is_refused(tmp_path, text):
    """Each hostile YAML text is refused with one line (none of them is a usable policy)."""
    (tmp_path / "policy.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    (tmp_path / "plan.json").write_text(plan_seeds()[0][1])
    result = run_cli(["check", str(tmp_path / "plan.json"), "--policy", str(tmp_path / "policy.yaml")])
    check_closed(result, "text", loadable=False)
