"""strip_index / the instance key that ends an address: the pattern that answers the common case
gives exactly what the character-by-character scan gives, on every kind of address."""
import random

import pytest

from lint_rules.model import Resource, _last_index_start, _scanned_index_start, strip_index

CASES = [
    ("aws_s3_bucket.b", "aws_s3_bucket.b"),
    ("aws_s3_bucket.b[0]", "aws_s3_bucket.b"),
    ('aws_s3_bucket.b["x"]', "aws_s3_bucket.b"),
    ('module.a["k"].aws_s3_bucket.b', 'module.a["k"].aws_s3_bucket.b'),
    ('module.a["k"].module.c[3].aws_s3_bucket.b["x"]', 'module.a["k"].module.c[3].aws_s3_bucket.b'),
    ('aws_s3_bucket.b["access]logs"]', "aws_s3_bucket.b"),
    ('aws_s3_bucket.b["a[0]"]', "aws_s3_bucket.b"),
    ('aws_s3_bucket.b["a.b"]', "aws_s3_bucket.b"),
    ('aws_s3_bucket.b["q\\"]"]', "aws_s3_bucket.b"),
    ('aws_s3_bucket.b["back\\\\"]', "aws_s3_bucket.b"),
    ('aws_s3_bucket.b["line\nbreak"]', "aws_s3_bucket.b"),
    ("x[[0]]", "x"),  # nested: scanned
    ("x]y[0]", "x]y[0]"),  # unbalanced: scanned, no key
    ('x["open]', 'x["open]'),  # an unterminated string: no key
    ("[0]", "[0]"),  # a key with nothing before it is not stripped
]


@pytest.mark.parametrize("address,base", CASES)
def test_strip_index(address, base):
    assert strip_index(address) == base
    assert Resource(address=address, mode="managed", type="t", name="n").config_address == base


@pytest.mark.parametrize("address,_", CASES)
def test_fast_path_agrees_with_the_scan_on_known_cases(address, _):
    assert _last_index_start(address) == _scanned(address)


def _scanned(address: str) -> int:
    return _scanned_index_start(address) if address.endswith("]") else -1


def test_fast_path_agrees_with_the_scan_on_generated_addresses():
    rng = random.Random(20261207)
    alphabet = ['a', '.', '[', ']', '"', '\\', '0', '\n', '["k"]', '[1]', 'module.m', '"]']
    checked = 0
    for _ in range(30000):
        address = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        if not address.endswith("]"):
            address += "]"
        assert _last_index_start(address) == _scanned(address), repr(address)
        checked += 1
    assert checked == 30000
