"""Every module under modules/ follows the layout and documents its interface.

Layout: main.tf, variables.tf, outputs.tf, versions.tf (terraform >= 1.5, hashicorp/aws) and a README.md
whose "Inputs" and "Outputs" tables list exactly the module's variables (with the right "Required"
column) and outputs.

modules/account_baseline composes every other module, and each account root (terraform/nvs,
terraform/nhc) calls modules/account_baseline.
"""
from __future__ import annotations

import re
from pathlib import Path

import hcl2
import pytest

REPO = Path(__file__).resolve().parents[1]
MODULES = sorted(p for p in (REPO / "modules").iterdir() if p.is_dir()) if (REPO / "modules").is_dir() else []
REQUIRED_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")
ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|(.*)\|\s*$")


def unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def declared(module: Path, kind: str) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for tf in sorted(module.glob("*.tf")):
        with tf.open() as handle:
            for entry in hcl2.load(handle).get(kind, []):
                found.update({unquote(k): v for k, v in entry.items() if not k.startswith("__")})
    return found


def table_rows(readme: str, heading: str) -> dict[str, list[str]]:
    """{name: [other cells]} of the table under ``## <heading>``."""
    section = re.search(rf"^## {heading}\s*$(.*?)(?=^## |\Z)", readme, re.S | re.M)
    if not section:
        return {}
    rows = {}
    for line in section.group(1).splitlines():
        match = ROW.match(line.strip())
        if match:
            rows[match.group(1)] = [c.strip() for c in match.group(2).split("|")]
    return rows


def test_modules_exist():
    assert MODULES, "no modules under modules/"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_module_layout(module: Path):
    missing = [f for f in REQUIRED_FILES if not (module / f).is_file()]
    assert not missing, f"modules/{module.name} lacks {', '.join(missing)}"
    with (module / "versions.tf").open() as handle:
        terraform = hcl2.load(handle)["terraform"][0]
    assert unquote(terraform["required_version"]) == ">= 1.5"
    aws = terraform["required_providers"][0]["aws"]
    assert unquote(aws["source"]) == "hashicorp/aws"
    assert unquote(aws["version"]).startswith(">= ")


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_readme_lists_every_input(module: Path):
    variables = declared(module, "variable")
    rows = table_rows((module / "README.md").read_text(), "Inputs")
    assert set(rows) == set(variables), (
        f"modules/{module.name}/README.md Inputs: missing {sorted(set(variables) - set(rows))}, "
        f"stale {sorted(set(rows) - set(variables))}")
    for name, body in variables.items():
        required = "no" if "default" in body else "yes"
        assert rows[name][-1] == required, f"{name}: README says Required={rows[name][-1]}, code says {required}"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_readme_lists_every_output(module: Path):
    outputs = declared(module, "output")
    rows = table_rows((module / "README.md").read_text(), "Outputs")
    assert set(rows) == set(outputs), (
        f"modules/{module.name}/README.md Outputs: missing {sorted(set(outputs) - set(rows))}, "
        f"stale {sorted(set(rows) - set(outputs))}")


def test_table_parser_reads_rows():
    readme = "## Inputs\n\n| Name | Required |\n|---|---|\n| `a` | x | yes |\n\n## Outputs\n\n| `o` | d |\n"
    assert table_rows(readme, "Inputs") == {"a": ["x", "yes"]}
    assert table_rows(readme, "Outputs") == {"o": ["d"]}


BASELINE = REPO / "modules" / "account_baseline"
ACCOUNT_ROOTS = [REPO / "terraform" / name for name in ("nvs", "nhc")]


def called_modules(caller: Path) -> set[Path]:
    """Resolved directories of the local module sources ``caller`` calls."""
    return {(caller / unquote(body["source"])).resolve() for body in declared(caller, "module").values()}


def test_account_baseline_composes_every_module():
    if not BASELINE.is_dir():
        pytest.fail("modules/account_baseline does not exist")
    used = called_modules(BASELINE)
    missing = [m.name for m in MODULES if m.resolve() != BASELINE.resolve() and m.resolve() not in used]
    assert not missing, f"modules/account_baseline does not call modules: {', '.join(missing)}"


@pytest.mark.parametrize("root", ACCOUNT_ROOTS, ids=lambda p: p.name)
def test_account_root_calls_account_baseline(root: Path):
    if not root.is_dir():
        pytest.skip(f"terraform/{root.name} does not exist")
    assert BASELINE.resolve() in called_modules(root), (
        f"terraform/{root.name} does not call modules/account_baseline")
