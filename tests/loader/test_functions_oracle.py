"""The HCL evaluator's functions against terraform itself: ``terraform console`` evaluates
``jsonencode(<expression>)`` (no provider is needed) and auditgate must give the same value, or unknown.

The expressions are the functions real modules use to build names, keys and policy ARNs (regex, the set
functions, path and hash functions...), with the edge cases where Python and Go differ (``$`` before a
final newline, ASCII ``\\d``, ``filepath.Clean``)."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from lint_rules.model import UNKNOWN

from ..test_hcl_loader import values_of

EXPRESSIONS = [
    'regex("a(b)?(c)", "ac")',
    'regex("[0-9]+", "ab12c3")',
    'regex("^.*/(.+)@.*$", "arn:aws:iam::1:user/jane@example.com")',
    'regex("(?i)AB", "xab")',
    'regexall("[a-z]", "a1b")',
    'regexall("(a)(x)?", "aa")',
    'regexall("x", "abc")',
    'try(regex("^a$", "a\\n"), "no match")',
    'try(regex("[0-9]", "٣"), "no match")',
    'can(regex("^arn:", "arn:aws:s3:::b"))',
    'replace("a.b.c", "/\\\\./", "-")',
    'setproduct(["a", "b"], ["c", "d"])',
    'setproduct(toset(["b", "a"]), ["c"])',
    'setproduct(["a"], ["b"], ["c"])',
    'setproduct([], ["a"])',
    'setunion(["b"], ["a", "b"])',
    'setunion(["a"], [1])',
    'setintersection(["a", "b"], ["b", "c"])',
    'setsubtract(["a", "b"], ["b"])',
    '[for p in setproduct(["r1", "r2"], ["arn:p1"]) : "${p[0]}_${p[1]}"]',
    'chunklist(["a", "b", "c"], 2)',
    'chunklist(["a", "b"], 0)',
    'matchkeys(["a", "b"], ["x", "y"], ["y"])',
    'transpose({ a = ["1", "2"], b = ["2"] })',
    'basename("/a/b.txt")',
    'basename("a/b/")',
    'basename("/")',
    'dirname("/a/b.txt")',
    'dirname("b.txt")',
    'dirname("/")',
    'dirname("a//b/c")',
    'parseint("ff", 16)',
    'parseint("-101", 2)',
    'try(parseint("0x1f", 16), -1)',
    'pow(2, 3)',
    'pow(2, 0.5)',
    'signum(-3)',
    'log(8, 2)',
    'strrev("abc")',
    'urlencode("a b/c?&=é~")',
    'base64sha256("a")',
    'base64sha512("a")',
    'sha512("a")',
]


def _terraform_value(tf: str, expression: str, work) -> object:
    proc = subprocess.run([tf, "console", "-no-color"], input=f"jsonencode({expression})\n", text=True,
                          capture_output=True, cwd=work, timeout=120,
                          env={"TF_CLI_CONFIG_FILE": "/dev/null", "CHECKPOINT_DISABLE": "1", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    return json.loads(json.loads(proc.stdout.strip()))


@pytest.mark.terraform
@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_functions_agree_with_terraform_console(tmp_path, expression):
    tf = shutil.which("terraform")
    if tf is None:
        pytest.skip("terraform is not on PATH")
    (tmp_path / "tf").mkdir()
    expected = _terraform_value(tf, expression, tmp_path / "tf")
    ours = values_of(tmp_path / "ag", f"v = jsonencode({expression})")["v"]
    assert ours is not UNKNOWN, f"{expression}: unknown where terraform gives {expected!r}"
    assert json.loads(ours) == expected


@pytest.mark.parametrize("expression", [
    'regex("\\\\pL+", "abc")',        # RE2's Unicode classes: not modelled
    'regex("(?P<k>a)", "a")',          # named groups: not modelled
    'regex("a(?=b)", "ab")',           # not RE2 (terraform refuses it): never a value
    'regex("(a)\\\\1", "aa")',         # backreferences are not RE2 either
    'log(0, 2)',
])
def test_what_is_not_modelled_is_unknown(tmp_path, expression):
    assert values_of(tmp_path, f"v = {expression}")["v"] is UNKNOWN


FILESET_PATTERNS = ["*.json", "**/*.json", "sub/*", "*", "**", "{a,b}.*", "?.json", "sub/**", "x[[]1].json",
                    "[!a]*.json", "[^a]*.json", "[a-b]*", "x\\\\[1].json", "nomatch"]
TREE = ["a.json", "b.txt", ".hidden.json", "x[1].json", "sub/c.json", "sub/deep/d.json"]


@pytest.mark.terraform
@pytest.mark.parametrize("pattern", FILESET_PATTERNS)
def test_fileset_agrees_with_terraform_console(tmp_path, pattern):
    """``for_each = fileset("${path.module}/policies", "*.json")``: the files, dotfiles included, with
    ``**`` for any number of directories and a missing directory empty."""
    tf = shutil.which("terraform")
    if tf is None:
        pytest.skip("terraform is not on PATH")
    for root in (tmp_path / "tf", tmp_path / "ag"):
        for name in TREE:
            (root / "p" / name).parent.mkdir(parents=True, exist_ok=True)
            (root / "p" / name).write_text("{}")
        (root / "p" / "emptydir").mkdir()
    for expression in (f'fileset("p", "{pattern}")', f'fileset("missing", "{pattern}")'):
        expected = _terraform_value(tf, expression, tmp_path / "tf")
        ours = values_of(tmp_path / "ag", f"v = jsonencode({expression})")["v"]
        assert ours is not UNKNOWN and json.loads(ours) == expected, expression
