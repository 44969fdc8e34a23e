"""``terraform validate`` of every root and every module, by the real terraform against the real
hashicorp/aws 6.19.0 schema (the offline stand-in, tests/offline_tf.py): a wrong argument, type, block
count or reference fails here with terraform's own message.  Warnings (a deprecated argument, ...)
fail too: users copy these modules."""
from __future__ import annotations

import pytest

from .helpers import REPO
from .offline_tf import selected

pytestmark = pytest.mark.terraform

ROOTS = ["terraform/nvs", "terraform/nhc"] + sorted(
    p.relative_to(REPO).as_posix() for p in (REPO / "terraform" / "examples").iterdir() if any(p.glob("*.tf")))
MODULES = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "modules").iterdir() if any(p.glob("*.tf")))


def describe(diagnostics: list[dict]) -> str:
    lines = []
    for diag in diagnostics:
        rng = diag.get("range") or {}
        where = f"{rng.get('filename')}:{rng.get('start', {}).get('line')}: " if rng else ""
        lines.append(f"{where}{diag['severity']}: {diag['summary']}: {diag.get('detail', '')}".strip())
    return "\n".join(lines)


@pytest.fixture(scope="module")
def validated(request, offline_tf):
    """Validate every selected directory up front, two at a time."""
    offline_tf.each(offline_tf.validate, [REPO / d for d in selected(request, "directory")])
    return offline_tf.validate


@pytest.mark.parametrize("directory", ROOTS + MODULES)
def test_terraform_validate(validated, directory):
    result = validated(REPO / directory)
    assert result["valid"] and not result["diagnostics"], describe(result["diagnostics"])


def test_every_directory_is_covered():
    assert {"terraform/nvs", "terraform/nhc", "terraform/examples/noncompliant"} <= set(ROOTS)
    assert "modules/cloudtrail" in MODULES and "modules/account_baseline" in MODULES
