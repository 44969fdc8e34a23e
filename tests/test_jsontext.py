"""The reports' JSON writer gives exactly the text of ``json.dumps(obj, indent=2, ensure_ascii=False)``."""
from __future__ import annotations

import json
import random

import pytest

from lint_rules.report import jsontext

EDGE = ["", "quote \" backslash \\ newline \n tab \t", "é ü 漢 \u2028 \x00 \x1f", "\ud800", 0, -7, 10 ** 30,
        1.5, -0.0, 1e300, 1e-300, float("nan"), float("inf"), float("-inf"), True, False, None]


def _value(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if depth > 4 or roll < 0.4:
        return rng.choice(EDGE)
    if roll < 0.65:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if roll < 0.75:
        return tuple(_value(rng, depth + 1) for _ in range(rng.randint(0, 3)))
    keys = ["k", "é", "a b", "\n", 1, 2.5, True, False, None]
    return {rng.choice(keys): _value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


@pytest.mark.parametrize("seed", range(20))
def test_dumps_is_json_dumps_with_indent_2(seed):
    rng = random.Random(seed)
    for _ in range(200):
        value = _value(rng)
        assert jsontext.dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("items", [[], [1], [{"a": [1, {"b": None}]}, "x", []]])
def test_a_list_member_written_item_by_item_gives_the_same_text(items):
    doc = {"version": 1, "findings": [], "summary": {"fail": 2}, "notes": []}
    pieces = list(jsontext.iter_list_member(doc, "findings", iter(items)))
    assert "".join(pieces) == json.dumps({**doc, "findings": items}, indent=2, ensure_ascii=False)
    assert len(pieces) == len(items) + 2  # the head, one piece per item, the tail


@pytest.mark.parametrize("bad", [{"a": object()}, [{1, 2}], {(1, 2): 3}, {"c": 1j}])
def test_what_json_refuses_is_refused(bad):
    with pytest.raises(TypeError):
        json.dumps(bad, indent=2)
    with pytest.raises(TypeError):
        jsontext.dumps(bad)


def test_a_circular_value_is_refused():
    loop: list = []
    loop.append(loop)
    with pytest.raises(ValueError):
        jsontext.dumps(loop)
