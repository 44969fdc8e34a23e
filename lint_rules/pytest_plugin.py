"""pytest plugin: every rule finding becomes its own test item.

    terraform show -json tfplan | pytest --tfplan -
    pytest --tfplan plan.json
    pytest --tf-dir terraform/nvs
    terraform show -json tfplan | pytest --tfplan - --tf-dir terraform/nvs

Items are named ``CT-003[aws_cloudtrail.main]``; a failing or unknown finding
fails its item with the rule's message, policy clause and fix; with
``--junitxml=report.xml`` each finding is one JUnit test case.  Settings not
given as options come from the project configuration (``[tool.auditgate]`` in
pyproject.toml or ``.auditgate.toml``, found from the invocation directory up).  The fixtures
``auditgate_model`` / ``auditgate_models``, ``auditgate_policy`` and
``auditgate_report`` give users the loaded model for their own assertions.
"""
from __future__ import annotations

import sys
import warnings
from typing import Generator

import pytest

from .config import Config, find_config, load_config, split_ids
from .engine import FAIL, PASS, SUPPRESSED, UNKNOWN_STATUS, Finding, Report, evaluate, unknown_patterns
from .errors import InputError
from .loaders import NO_PIPE, STDIN, load_path, stdin_is_terminal
from .loaders.source import pair_sources
from .model import Model
from .policy import Policy, load_policy
from .report import distinct_notes, location

_STDIN_KEY = pytest.StashKey[object]()
_STATE_KEY = pytest.StashKey["_State"]()


class AuditgateUnknownWarning(UserWarning):
    """A finding whose value is unknown before apply, downgraded by --auditgate-unknown=warn."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("auditgate", "audit-logging policy checks (auditgate)")
    group.addoption("--tfplan", action="append", default=[], metavar="PATH",
                    help="plan JSON (`terraform show -json PLAN`); `-` reads standard input")
    group.addoption("--tf-dir", action="append", default=[], metavar="DIR",
                    help="alone: a Terraform root directory to lint from HCL; with --tfplan: the "
                         "configuration the plan was made from, read for the references the plan does "
                         "not record (through locals) and for file:line locations (one for every "
                         "plan, or one per plan in order)")
    group.addoption("--auditgate-policy", metavar="FILE", help="policy file (default: shipped policy)")
    group.addoption("--auditgate-unknown", choices=("fail", "warn"), default=None,
                    help="unknown-before-apply findings fail (default) or only warn")
    group.addoption("--tf-var-file", action="append", default=None, metavar="FILE",
                    help="tfvars file for --tf-dir (repeatable)")
    group.addoption("--auditgate-select", metavar="IDS",
                    help="only these rules: comma-separated ids or prefixes (CT,RET-001)")
    group.addoption("--auditgate-skip", metavar="IDS",
                    help="leave out these rules: comma-separated ids or prefixes")
    group.addoption("--auditgate-config", metavar="FILE",
                    help="auditgate configuration file (default: .auditgate.toml or [tool.auditgate] in "
                         "pyproject.toml, from the invocation directory up)")
    group.addoption("--auditgate-no-cache", action="store_true", default=False,
                    help="do not read or write auditgate's parse cache (~/.cache/auditgate)")
    group.addoption("--audit-log", action="append", default=[], metavar="PATH",
                    help="application log lines (file or directory) to check like `auditgate logs`: "
                         "audit-event contract, cleartext PHI, coverage (repeatable)")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> Generator[None, None, None]:
    # Output capture starts inside this hook and replaces file descriptor 0, so a
    # plan piped on stdin must be read before the capture plugin's wrapper runs.
    if STDIN in (getattr(early_config.known_args_namespace, "tfplan", None) or []):
        if stdin_is_terminal():  # reading would wait for typing forever
            early_config.stash[_STDIN_KEY] = InputError(NO_PIPE, "<stdin>")
            return (yield)
        from .limits import read_limited

        try:
            data = read_limited(sys.stdin.buffer, "<stdin>", "the plan on standard input") \
                if hasattr(sys.stdin, "buffer") else sys.stdin.read()
            early_config.stash[_STDIN_KEY] = data
        except InputError as exc:
            early_config.stash[_STDIN_KEY] = exc
        except (OSError, ValueError) as exc:
            early_config.stash[_STDIN_KEY] = InputError(f"cannot read standard input ({exc})", "<stdin>")
    return (yield)


class _State:
    def __init__(self, models: list[Model], reports: list[Report], policy: Policy, unknown_fails: bool):
        self.models, self.reports, self.policy, self.unknown_fails = models, reports, policy, unknown_fails


def _stdin_text(config: pytest.Config) -> str:
    from .loaders import _decode

    data = config.stash.get(_STDIN_KEY, None)
    if isinstance(data, InputError):
        raise data
    if data is None:  # plugin loaded too late to read before capture
        raise InputError("standard input was not readable; pass the plan as a file: --tfplan PLAN.json",
                         "<stdin>")
    return _decode(data, "<stdin>") if isinstance(data, bytes) else data


def _project_config(config: pytest.Config) -> Config:
    explicit = config.getoption("auditgate_config")
    if explicit:
        return load_config(explicit)
    return find_config(config.invocation_params.dir)


def _patterns(config: pytest.Config, project: Config, option: str, key: str) -> list[str]:
    given = config.getoption(f"auditgate_{key}")
    patterns = split_ids(given) if given is not None else (project.rule_list(key) or [])
    bad = unknown_patterns(patterns)
    if bad:
        raise InputError(f"--{option}: no rule or prefix {', '.join(bad)}")
    return patterns


def _option(config: pytest.Config, project: Config, name: str, key: str, default=None):
    value = config.getoption(name)
    return value if value is not None else project.get(key, default)


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("auditgate_no_cache", False):
        from . import cache

        cache.disable()
    plans, dirs = config.getoption("tfplan"), config.getoption("tf_dir")
    logs = config.getoption("audit_log")
    if not plans and not dirs and not logs:
        return
    try:
        project = _project_config(config)
        policy = load_policy(_option(config, project, "auditgate_policy", "policy"))
        select = _patterns(config, project, "auditgate-select", "select")
        skip = _patterns(config, project, "auditgate-skip", "skip")
        var_files = _option(config, project, "tf_var_file", "var-files", [])
        variables = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in project.get("vars", {}).items()}
        models = []
        sources = pair_sources(plans, dirs) if plans else []
        for plan, source_dir in zip(plans, sources):
            stdin_text = _stdin_text(config) if plan == STDIN else None
            models.append(load_path(plan, stdin_text=stdin_text, source_dir=source_dir, find_source=True))
        for directory in dirs if not plans else ():  # with --tfplan, --tf-dir is the plans' source
            models.append(load_path(directory, var_files=var_files, variables=variables))
        reports = [evaluate(model, policy, select=select or None, skip=skip or None) for model in models]
        for log in logs:
            if log == STDIN:
                raise InputError("--audit-log reads files and directories, not standard input", "-")
            from .applogs.checker import check_logs

            reports.append(check_logs([log], policy).report())
    except InputError as exc:
        raise pytest.UsageError(f"auditgate: {exc}") from None
    unknown = _option(config, project, "auditgate_unknown", "unknown", "fail")
    config.stash[_STATE_KEY] = _State(models, reports, policy, unknown == "fail")
    config.addinivalue_line("markers", "auditgate: a policy check generated by auditgate")


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    """The loaders' notes (a module not followed, the plan's source read from the current directory)."""
    state = config.stash.get(_STATE_KEY, None)
    if state is None:
        return None
    return [f"auditgate: note: {note.text()}" for note in distinct_notes(state.reports)] or None


class AuditFailure(Exception):
    pass


class AuditgateItem(pytest.Item):
    def __init__(self, *, finding: Finding, unknown_fails: bool, **kwargs):
        super().__init__(**kwargs)
        self.finding = finding
        self.unknown_fails = unknown_fails
        self.add_marker("auditgate")

    def runtest(self) -> None:
        f = self.finding
        if f.status == SUPPRESSED:
            until = f" until {f.expires}" if f.expires else ""
            origin = f" ({f.suppressed_by})" if f.suppressed_by else ""
            pytest.skip(f"suppressed{until}{origin}: {f.reason}")
        if f.status == UNKNOWN_STATUS and not self.unknown_fails:
            warnings.warn(AuditgateUnknownWarning(f"{f.rule_id} {f.resource}: {f.message}"))
            return
        if f.status in (FAIL, UNKNOWN_STATUS):
            raise AuditFailure()

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, AuditFailure):
            f = self.finding
            return (f"{f.rule_id} {f.status.upper()} {f.resource}: {f.message}\n"
                    f"  at:     {location(f)}\n"
                    f"  policy: {f.clause}\n"
                    f"  fix:    {f.fix}")
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.finding.file or "auditgate", self.finding.line, self.name


class AuditgateCollector(pytest.Collector):
    def __init__(self, *, report: Report, unknown_fails: bool, **kwargs):
        super().__init__(**kwargs)
        self.report = report
        self.unknown_fails = unknown_fails

    def collect(self):
        seen: dict[str, int] = {}
        for finding in self.report.findings:
            name = f"{finding.rule_id}[{finding.resource}]"
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:  # two findings of one rule on one subject stay distinct items
                name = f"{finding.rule_id}[{finding.resource}#{seen[name]}]"
            yield AuditgateItem.from_parent(self, name=name, finding=finding,
                                            unknown_fails=self.unknown_fails)


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    state = config.stash.get(_STATE_KEY, None)
    if state is None:
        return
    for report in state.reports:
        name = f"auditgate[{report.source}]"
        collector = AuditgateCollector.from_parent(session, name=name, nodeid=name,
                                                   report=report, unknown_fails=state.unknown_fails)
        items.extend(collector.collect())


def _state(request: pytest.FixtureRequest) -> _State:
    state = request.config.stash.get(_STATE_KEY, None)
    if state is None:
        pytest.skip("no --tfplan or --tf-dir given")
    return state


@pytest.fixture
def auditgate_models(request: pytest.FixtureRequest) -> list[Model]:
    """Every model loaded from --tfplan / --tf-dir, in the order given."""
    return _state(request).models


@pytest.fixture
def auditgate_model(auditgate_models: list[Model]) -> Model:
    """The first loaded model (the usual case: one plan)."""
    return auditgate_models[0]


@pytest.fixture
def auditgate_policy(request: pytest.FixtureRequest) -> Policy:
    return _state(request).policy


@pytest.fixture
def auditgate_report(request: pytest.FixtureRequest) -> Report:
    """Findings of every rule over the first loaded model."""
    return _state(request).reports[0]


__all__ = ["AuditgateItem", "AuditgateUnknownWarning", "PASS"]
