"""The work the rules do per resource does not grow with the size of the plan (issue: linear cost).

Not a timing test (timings live in ``bench/``): it counts.  Every lookup the rules make on the
model (``of_type``, ``referrers``, ``targets``, ``instances``, ...) is counted, together with the
number of resources each one hands back -- a rule that scans every alarm for each metric filter
shows up as resources handed out growing with the square of the plan.  The same estate is
linted at N and 4N copies (``bench/genplan.py``: the account baseline for N accounts, and an
IAM-heavy estate); per resource, the counts must stay flat.
"""
from __future__ import annotations

import functools
from collections import Counter

import pytest

from bench.genplan import baseline_plan, roles_plan
from lint_rules.engine import evaluate
from lint_rules.loaders.plan import load_plan_document
from lint_rules.model import Model
from lint_rules.policy import load_policy

# the model's lookups: what a rule may ask
LOOKUPS = ("of_type", "of_type_in", "data", "instances", "targets", "referrers", "with_identity", "get",
           "select", "accounts", "memo", "__iter__")
GROWTH_ALLOWED = 1.25  # per-resource counts at 4N over those at N (module-wide notes, rounding)


def _sized(result) -> int:
    return len(result) if isinstance(result, (list, tuple, dict, set, frozenset)) else 1


@pytest.fixture
def counted(monkeypatch):
    """Count calls of the model's lookups, and the resources they return."""
    counts: Counter = Counter()

    for name in LOOKUPS:
        original = getattr(Model, name)

        def wrapper(self, *args, _original=original, _name=name, **kwargs):
            result = _original(self, *args, **kwargs)
            counts[f"{_name} calls"] += 1
            if _name == "__iter__":
                result = list(result)
                counts["__iter__ resources"] += len(result)
                return iter(result)
            if _name != "memo":  # a memo's value is built once; its size says nothing per call
                counts[f"{_name} resources"] += _sized(result)
            return result

        monkeypatch.setattr(Model, name, functools.wraps(original)(wrapper))
    return counts


def _per_resource(counts: Counter, doc: dict) -> tuple[dict[str, float], int]:
    model = load_plan_document(doc, "plan.json")
    counts.clear()
    report = evaluate(model, load_policy())
    n = len(model)
    per = {k: v / n for k, v in counts.items()}
    per["findings"] = len(report.findings) / n
    return per, n


@pytest.mark.parametrize("estate, small", [(baseline_plan, 2 * 123), (roles_plan, 8 * 36)],
                         ids=["baseline-per-account", "many-roles-and-policies"])
def test_lookups_per_resource_do_not_grow_with_the_plan(counted, estate, small):
    per_small, n_small = _per_resource(counted, estate(small))
    per_large, n_large = _per_resource(counted, estate(4 * small))
    assert n_large >= 3.5 * n_small
    grown = {k: (round(per_small.get(k, 0), 2), round(v, 2)) for k, v in per_large.items()
             if v > 0.05 and v > GROWTH_ALLOWED * per_small.get(k, 0)}
    assert not grown, f"per-resource work grows with the plan ({n_small} -> {n_large} resources): {grown}"
    assert per_large["findings"] > 0


def test_the_counter_sees_a_quadratic_rule(counted):
    """The guard itself: a rule scanning all resources of a type per resource is caught."""
    from lint_rules.engine import Rule

    class Quadratic(Rule):
        id = "TST-001"
        title = "scans every bucket for each bucket"
        section = "Test"
        clause = "none"
        fix = "none"

        def evaluate(self, model, policy):
            for bucket in model.of_type("aws_s3_bucket"):
                others = [b for b in model.of_type("aws_s3_bucket") if b is not bucket]
                yield self.passed(bucket, f"{len(others)} others")

    def per(doc):
        model = load_plan_document(doc, "plan.json")
        counted.clear()
        evaluate(model, load_policy(), rules=[Quadratic()])
        return counted["of_type resources"] / len(model)

    assert per(baseline_plan(8 * 123)) > 3 * per(baseline_plan(2 * 123))


# --- the indexes themselves ------------------------------------------------------------------------
def _model_of_two_accounts() -> Model:
    from lint_rules.model import ProviderConfig, Resource

    res = [Resource(address=f"aws_cloudwatch_metric_alarm.a{i}", mode="managed", type="aws_cloudwatch_metric_alarm",
                    name=f"a{i}", provider="aws" if i % 2 else "aws.other") for i in range(6)]
    res.append(Resource(address="data.aws_cloudwatch_metric_alarm.d", mode="data", type="aws_cloudwatch_metric_alarm",
                        name="d"))
    return Model(resources=res, providers={"aws": ProviderConfig("aws", account_ids=("111111111111",)),
                                           "aws.other": ProviderConfig("aws.other", alias="other",
                                                                       account_ids=("222222222222",))})


def test_of_type_in_lists_one_accounts_resources_in_model_order():
    model = _model_of_two_accounts()
    assert [r.name for r in model.of_type_in("111111111111", "aws_cloudwatch_metric_alarm")] == ["a1", "a3", "a5"]
    assert [r.name for r in model.of_type_in("222222222222", "aws_cloudwatch_metric_alarm")] == ["a0", "a2", "a4"]
    assert [r.name for r in model.of_type_in("111111111111", "aws_cloudwatch_metric_alarm", mode="data")] == ["d"]
    assert model.of_type_in("333333333333", "aws_cloudwatch_metric_alarm") == []


def test_memo_is_built_once_and_forgotten_when_the_model_changes():
    from lint_rules.model import Resource

    model = _model_of_two_accounts()
    builds = []

    def build():
        builds.append(1)
        return len(model.of_type("aws_cloudwatch_metric_alarm"))

    assert model.memo(("test",), build) == 6
    assert model.memo(("test",), build) == 6
    assert len(builds) == 1
    assert model.accounts() == ["222222222222", "111111111111"]
    model.add(Resource(address="aws_cloudwatch_metric_alarm.new", mode="managed", type="aws_cloudwatch_metric_alarm",
                       name="new", provider="aws.other"))
    assert model.memo(("test",), build) == 7 and len(builds) == 2
    assert [r.name for r in model.of_type_in("222222222222", "aws_cloudwatch_metric_alarm")][-1] == "new"

    from lint_rules.model import ProviderConfig

    single = Model(resources=[Resource(address="aws_s3_bucket.a", mode="managed", type="aws_s3_bucket", name="a")],
                   providers={"aws": ProviderConfig("aws", account_ids=("111111111111",)),
                              "aws.b": ProviderConfig("aws.b", alias="b", account_ids=("222222222222",))})
    assert single.accounts() == ["111111111111"]
    single.add(Resource(address="aws_s3_bucket.b", mode="managed", type="aws_s3_bucket", name="b", provider="aws.b"))
    assert single.accounts() == ["111111111111", "222222222222"]
