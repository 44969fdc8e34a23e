"""The configurations the checkov tests scan, laid out as one tree per form (checkov scans one
directory per run): the baseline roots, every example, the acceptance cases, and a root with no
provider block; and the plans of the fixtures and acceptance cases, plus an errored plan.

checkov runs every check on every block, so its time grows with rules x blocks: the acceptance
suites' hundred-odd variants stay with auditgate's own tests; these cases already give every rule
a failing or unknown finding (see test_cases_cover_every_rule)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from ..acceptance import plans as P
from .env import REPO

NO_PROVIDER = "edge/no_provider"
NO_PROVIDER_TF = '''resource "aws_s3_bucket" "uploads" {
  bucket = "uploads-without-provider-block"
}
'''
#: an accepted exception in the policy the scans use, so that SKIPPED is compared too
SUPPRESSION = {"rule": "FL-001", "resource": "aws_vpc.orphan", "reason": "TEST-1: VPC retired, no traffic"}


def write_policy(dest: Path) -> Path:
    policy = yaml.safe_load((REPO / "lint_rules/policy/default.yaml").read_text())
    policy["suppressions"] = [SUPPRESSION]
    dest.write_text(yaml.safe_dump(policy, sort_keys=False))
    return dest


def build_hcl_tree(dest: Path) -> list[str]:
    """Write the HCL tree under ``dest`` (modules/ and terraform/ as in the repository, so that the
    roots' module sources resolve); the root directories, relative to ``dest``."""
    shutil.copytree(REPO / "modules", dest / "modules")
    shutil.copytree(REPO / "terraform", dest / "terraform")
    roots = ["terraform/nvs", "terraform/nhc"]
    roots += [f"terraform/examples/{p.name}" for p in sorted((REPO / "terraform/examples").iterdir())
              if any(p.glob("*.tf"))]
    for case in sorted(REPO.glob("tests/acceptance*/cases/*")):
        if case.is_dir() and any(case.glob("*.tf")):
            shutil.copytree(case, dest / case.parent.parent.name / case.name)
            roots.append(f"{case.parent.parent.name}/{case.name}")
    (dest / NO_PROVIDER).mkdir(parents=True)
    (dest / NO_PROVIDER / "main.tf").write_text(NO_PROVIDER_TF)
    return roots + [NO_PROVIDER]


def planned_roots() -> list[Path]:
    """The configurations with no stored plan whose real plans the offline terraform can make: every
    example but the one in tests/fixtures/plans, and the acceptance cases."""
    examples = [p for p in sorted((REPO / "terraform/examples").iterdir())
                if any(p.glob("*.tf")) and p.name != "noncompliant"]
    return examples + [c for c in sorted(REPO.glob("tests/acceptance*/cases/*")) if c.is_dir() and any(c.glob("*.tf"))]


def build_plan_dir(dest: Path, real_plans: dict[str, dict] | None = None) -> list[str]:
    """Write the plans under ``dest`` (with ``real_plans``: name -> plan made by terraform); their
    file names."""
    dest.mkdir(parents=True)
    plans: dict[str, dict] = {f"real_{name}": doc for name, doc in (real_plans or {}).items()}
    for path in sorted((REPO / "tests/fixtures/plans").glob("*.json")):
        plans[f"fixture_{path.stem}"] = json.loads(path.read_text())
    for path in sorted(REPO.glob("tests/acceptance*/cases/*.json")):
        plans[f"acceptance_{path.stem}"] = json.loads(path.read_text())
    plans["errored"] = dict(P.build_compliant_plan(), errored=True)
    for name, doc in plans.items():
        (dest / f"{name}.json").write_text(json.dumps(doc))
    return sorted(f"{name}.json" for name in plans)
