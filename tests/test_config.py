"""Configuration in pyproject.toml [tool.auditgate] and .auditgate.toml: found from the working
directory up, paths relative to the file, flags win, mistakes are one-line usage errors."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
import yaml

from lint_rules.cli import main
from lint_rules.config import find_config
from lint_rules.policy import load_policy

from .helpers import REPO

ROOT = '''variable "validation" {
  type    = bool
  default = false
}
resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = "logs"
  is_multi_region_trail      = true
  enable_log_file_validation = var.validation
}
'''


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A repository with one root in infra/, the current directory at its top."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(ROOT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def findings(out: str) -> dict[str, str]:
    return {f["rule_id"]: f["status"] for f in json.loads(out)["findings"]}


def test_pyproject_table_sets_select_skip_format(project, capsys):
    (project / "pyproject.toml").write_text(textwrap.dedent('''
        [project]
        name = "infra"
        [tool.auditgate]
        select = ["CT"]
        skip = "CT-002,CT-003, CT-004"
        format = "json"
        '''))
    code, out, _ = run(capsys, "check", "infra")
    assert code == 1
    ids = set(findings(out))
    assert ids and all(i.startswith("CT-") for i in ids) and not ids & {"CT-002", "CT-003", "CT-004"}


def test_flags_win_over_the_configuration(project, capsys):
    (project / ".auditgate.toml").write_text('select = ["CT-006"]\nformat = "json"\nunknown = "warn"\n')
    code, out, _ = run(capsys, "check", "infra")
    assert findings(out) == {"CT-006": "fail"}
    code, out, _ = run(capsys, "check", "--select", "CT-001", "--format", "text", "--show-pass", "infra")
    assert "CT-001 PASS" in out and "CT-006" not in out and not out.startswith("{")


def test_var_files_and_policy_are_relative_to_the_configuration(project, capsys):
    (project / "config").mkdir()
    (project / "config" / "ci.tfvars").write_text("validation = true\n")
    data = yaml.safe_load(yaml.safe_dump(load_policy().data, allow_unicode=True))
    data["suppressions"] = [{"rule": "CT-005", "reason": "key arrives with SEC-9"}]
    (project / "config" / "policy.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    (project / "config" / ".auditgate.toml").write_text(
        'policy = "policy.yaml"\nvar-files = ["ci.tfvars"]\nselect = ["CT-005", "CT-006"]\nformat = "json"\n')
    sub = project / "config"
    code, out, _ = run(capsys, "check", "--config", str(sub / ".auditgate.toml"), "infra")
    assert findings(out) == {"CT-005": "suppressed", "CT-006": "pass"} and code == 0


def test_dotfile_comes_before_pyproject_and_search_stops_at_the_repository(project, tmp_path, capsys):
    (project / "pyproject.toml").write_text('[tool.auditgate]\nselect = ["CT-001"]\n')
    (project / ".auditgate.toml").write_text('select = ["CT-006"]\n')
    assert find_config(project / "infra").get("select") == ["CT-006"]
    (project / ".auditgate.toml").unlink()
    assert find_config(project / "infra").get("select") == ["CT-001"]
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')  # no [tool.auditgate]
    assert find_config(project / "infra").source is None


def test_no_config_ignores_it(project, capsys):
    (project / ".auditgate.toml").write_text('select = ["CT-006"]\nformat = "json"\n')
    code, out, _ = run(capsys, "check", "--no-config", "--select", "CT-001", "--show-pass", "infra")
    assert not out.startswith("{") and "CT-001 PASS" in out


@pytest.mark.parametrize("text, message", [
    ('selekt = ["CT"]\n', "Additional properties are not allowed ('selekt' was unexpected)"),
    ('unknown = "maybe"\n', "'maybe' is not one of"),
    ('select = ["CT-0006"]\n', "no rule or prefix CT-0006"),
    ('select = [\n', "not valid TOML"),
])
def test_a_bad_configuration_is_a_one_line_usage_error(project, capsys, text, message):
    (project / ".auditgate.toml").write_text(text)
    code, out, err = run(capsys, "check", "infra")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and ".auditgate.toml" in err


def test_the_pytest_plugin_reads_the_configuration_and_its_options_win(project):
    (project / "pyproject.toml").write_text('[tool.auditgate]\nselect = ["CT-006"]\n')

    def pytest_run(*args):
        proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--co",
                               "--tf-dir", "infra", *args], capture_output=True, text=True, cwd=project,
                              timeout=300)
        return proc.stdout

    out = pytest_run()
    assert "CT-006[aws_cloudtrail.main]" in out and "CT-001[" not in out
    out = pytest_run("--auditgate-select", "CT-001,CT-006", "--auditgate-skip", "CT-006")
    assert "CT-001[aws_cloudtrail.main]" in out and "CT-006[" not in out


def test_the_readme_example_is_a_valid_configuration(tmp_path):
    readme = (REPO / "README.md").read_text()
    start = readme.index("```toml\n[tool.auditgate]")
    example = readme[start + len("```toml\n"):readme.index("```", start + 7)]
    (tmp_path / "pyproject.toml").write_text(example)
    config = find_config(tmp_path)
    assert config.source and {"policy", "select", "skip", "unknown", "format", "var-files"} <= set(config.values)
