"""The cyclic garbage collector is off while a check runs, and back to what it was after.

A check keeps nearly everything it allocates until it ends, so the collector only walks it again and
again (``bench/README.md``).  Turning it off is safe only if it is turned back on: the tests and the
pytest plugin run checks in a long-lived process.
"""
from __future__ import annotations

import gc
import json

import pytest

import lint_rules.runcache as runcache
from lint_rules.cli import main
from lint_rules.engine import PASS, Rule, evaluate
from lint_rules.loaders import load_path
from lint_rules.model import Model, Resource
from lint_rules.policy import load_policy

from .planbuilder import PlanBuilder


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


class _Probe(Rule):
    id = "TST-001"
    title = section = clause = rationale = fix = "probe"

    def __init__(self, fail: bool = False):
        self.seen: list[bool] = []
        self.fail = fail

    def evaluate(self, model, policy):
        self.seen.append(gc.isenabled())
        if self.fail:
            raise RuntimeError("a rule's bug")
        yield self._finding(PASS, "x", "ok")


def _model() -> Model:
    return Model(resources=[Resource(address="aws_s3_bucket.b", mode="managed", type="aws_s3_bucket",
                                     name="b")], source="m")


def test_rules_run_without_the_collector_and_it_is_restored(collector_on):
    probe = _Probe()
    evaluate(_model(), load_policy(None), rules=[probe])
    assert probe.seen == [False]
    assert gc.isenabled()


def test_collector_is_restored_when_a_rule_raises(collector_on):
    with pytest.raises(RuntimeError):
        evaluate(_model(), load_policy(None), rules=[_Probe(fail=True)])
    assert gc.isenabled()


def test_collector_left_off_when_it_was_off():
    was = gc.isenabled()
    gc.disable()
    try:
        evaluate(_model(), load_policy(None), rules=[_Probe()])
        assert not gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()


def test_check_loads_without_the_collector_and_restores_it(collector_on, tmp_path, monkeypatch):
    seen: list[bool] = []
    original = runcache._compute

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(runcache, "_compute", spy)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PlanBuilder().build()))
    main(["check", str(plan)])
    assert seen == [False]
    assert gc.isenabled()


def test_check_restores_the_collector_after_bad_input(collector_on, tmp_path):
    bad = tmp_path / "plan.json"
    bad.write_text("{not json")
    assert main(["check", str(bad)]) == 2
    assert gc.isenabled()


def test_loading_a_plan_restores_the_collector(collector_on, tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PlanBuilder().build()))
    load_path(str(plan))
    assert gc.isenabled()
    bad = tmp_path / "bad.json"
    bad.write_text('{"format_version": "1.2"')
    with pytest.raises(Exception):
        load_path(str(bad))
    assert gc.isenabled()



class _Hoarder(_Probe):
    """A rule that keeps many container objects, as rules' memos and findings do."""

    def evaluate(self, model, policy):
        self.kept = [[i] for i in range(50_000)]
        yield self._finding(PASS, "x", "ok")


def _young_ids() -> set[int]:
    return {id(o) for generation in (0, 1) for o in gc.get_objects(generation=generation)}


def test_what_a_check_allocates_is_promoted_not_left_to_a_young_collection(collector_on):
    # Back on with 50,000 young objects, the collector's first young collection would walk all of
    # them (0.2 s at the end of a 5,000-resource check): they are moved to the oldest generation.
    hoarder = _Hoarder()
    evaluate(_model(), load_policy(None), rules=[hoarder])
    [].append(0)  # an allocation, as after any check: a young collection would run now
    young = _young_ids()
    assert not any(id(x) in young for x in hoarder.kept[::1000])

