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
