"""The audit-logging policy as data: loaded from YAML and validated by a JSON Schema."""
from __future__ import annotations

import copy
import fnmatch
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from ..errors import InputError
from ..schema_fast import refusing_on_error
from ..limits import check_file_size

_HERE = Path(__file__).parent  # the shipped policy and schema (read directly: see loaders.plan_schema._schema_text)

DEFAULT_POLICY = "default.yaml"
DEFAULT_MAPPING_TAG = "auditgate:role"


def as_globs(value: str | list[str]) -> list[str]:
    """A policy entry given as one glob or a list of globs, as a list."""
    return [value] if isinstance(value, str) else list(value)


def show_globs(value: str | list[str]) -> str:
    globs = as_globs(value)
    return globs[0] if len(globs) == 1 else ", ".join(globs)


@dataclass(frozen=True)
class Policy:
    data: dict
    source: str
    sha256: str = ""  # of the policy file's text, for the evidence report

    # --- the policy's tables --------------------------------------------
    def retention_days(self, source_id: str) -> int:
        for src in self.data["log_sources"]:
            if src["id"] == source_id:
                return src["retention_days"]
        raise KeyError(f"policy has no log source {source_id!r}")

    def log_source(self, source_id: str) -> dict:
        for src in self.data["log_sources"]:
            if src["id"] == source_id:
                return src
        raise KeyError(f"policy has no log source {source_id!r}")

    @property
    def s3_data_event_buckets(self) -> str | list[str]:
        return self.data["cloudtrail"]["s3_data_event_buckets"]

    def bucket_in_data_event_scope(self, bucket_name: str) -> bool:
        scope = self.s3_data_event_buckets
        return scope == "all" or any(fnmatch.fnmatchcase(bucket_name, g) for g in scope)

    @property
    def trail_bucket_data_events_required(self) -> bool:
        """Must a trail record data events of the bucket it delivers to?  (default: optional)"""
        return self.data["cloudtrail"].get("trail_bucket_data_events", "optional") == "required"

    @property
    def lambda_data_events_if_used(self) -> bool:
        return self.data["cloudtrail"].get("lambda_data_events_if_used", True)

    @property
    def application_log_groups(self) -> dict[str, str]:
        """{app: its globs, for messages}"""
        return {app: show_globs(g) for app, g in self.data["application_log_groups"].items()}

    @property
    def application_log_group_globs(self) -> dict[str, list[str]]:
        return {app: as_globs(g) for app, g in self.data["application_log_groups"].items()}

    # --- "Application-Level Logging" (defaults: the shipped policy's values) --------
    def _app_logging(self, *keys: str):
        node = self.data.get("application_logging") or {}
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        if node is None:
            node = _shipped_default("application_logging", *keys)
        return node

    @property
    def data_protection_identifiers(self) -> list[str]:
        """Managed data identifiers (``Ssn-US``, ...) an application log group's data
        protection must audit and mask."""
        return list(self._app_logging("data_protection", "identifiers"))

    @property
    def data_protection_findings_source(self) -> str:
        """The log source whose retention the data protection audit findings must meet."""
        return self._app_logging("data_protection", "findings_retention")

    @property
    def metric_filter_events(self) -> list[str]:
        """Audit-event types that need a metric filter on every application log group."""
        return list(self._app_logging("metric_filter_events"))

    @property
    def required_audit_events(self) -> list[str]:
        """Audit-event types every application must be seen logging (``auditgate logs``)."""
        return list(self._app_logging("audit_events", "required"))

    def phi_setting(self, key: str):
        """A setting of the cleartext-PHI scan of ``auditgate logs`` (detectors, patterns, ...)."""
        return self._app_logging("audit_events", "phi", key)

    @property
    def screenshot_bucket(self) -> str:
        """The screenshot bucket's name globs, for messages."""
        return show_globs(self.data["screenshot_bucket"])

    @property
    def screenshot_bucket_globs(self) -> list[str]:
        return as_globs(self.data["screenshot_bucket"])

    @property
    def mapping_tag(self) -> str | None:
        """The tag key that maps a resource to a role of the policy whatever its name
        (``auditgate:role = devops_admin``); None when the policy switches tag mapping off."""
        naming = self.data.get("naming") or {}
        return naming["tag"] if "tag" in naming else DEFAULT_MAPPING_TAG

    @property
    def cloudtrail_retention_on(self) -> str:
        """"archive": the trail's S3 bucket must keep logs the policy period, a CloudWatch Logs copy
        may keep less; "every_destination": every destination must."""
        return self.data["cloudtrail"].get("retention_on", "archive")

    @property
    def require_key_rotation(self) -> bool:
        return bool((self.data.get("kms") or {}).get("require_key_rotation", False))

    @property
    def config_global_types(self) -> str:
        """"once_per_account" (one recorder of each account includes global resource types) or
        "every_recorder"."""
        return (self.data.get("config") or {}).get("global_resource_types", "once_per_account")

    @property
    def securityhub_export_required(self) -> bool:
        return (self.data.get("security_hub") or {}).get("findings_export", "required") == "required"

    @property
    def own_account_ids(self) -> list[str]:
        return list(self.data.get("own_account_ids") or [])

    @property
    def own_organization_ids(self) -> list[str]:
        return list(self.data.get("own_organization_ids") or [])

    @property
    def alerting(self) -> list[dict]:
        return list(self.data["alerting"])

    @cached_property  # asked for each role by every log-access rule; the policy does not change
    def log_access_roles(self) -> list[dict]:
        """The log-access role entries; ``names`` is the entry's name globs as a list (read-only)."""
        return [dict(r, names=as_globs(r["name"])) for r in self.data["log_access"]["roles"]]

    @property
    def log_access_services(self) -> list[str]:
        return list(self.data["log_access"]["services"])

    @property
    def delete_trail_exempt_roles(self) -> list[str]:
        return list(self.data["delete_trail_exempt_roles"])

    def is_exempt_from_delete_trail_denial(self, role_name: str) -> bool:
        return any(fnmatch.fnmatchcase(role_name, g) for g in self.delete_trail_exempt_roles)

    @property
    def suppressions(self) -> list[dict]:
        return list(self.data.get("suppressions") or [])


@lru_cache(maxsize=1)
def _yaml_loader():
    """(PyYAML is imported here, not with this module: a run whose policy and findings come from
    the cache (lint_rules.runcache) never loads it, nor jsonschema.)"""
    import yaml  # noqa: PLC0415

    class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        """YAML without implicit timestamps: ``expires: 2027-03-31`` stays the text the schema checks.

        libyaml's parser where PyYAML has it: it refuses nesting deeper than 1,000 levels at once,
        where the pure-Python scanner takes time quadratic in the depth (20,000 ``[`` took seconds)."""

    _Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    return _Loader


@lru_cache(maxsize=1)
def _shipped() -> dict:
    import yaml  # noqa: PLC0415

    return yaml.safe_load((_HERE / DEFAULT_POLICY).read_text(encoding="utf-8"))


def _shipped_default(*keys: str):
    node = _shipped()
    for key in keys:
        node = node[key]
    return node


def _schema() -> dict:
    return json.loads((_HERE / "schema.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> "jsonschema.protocols.Validator":  # noqa: F821
    import jsonschema  # noqa: PLC0415 - only for a policy jsonschema-rs refuses (importing it takes 0.1-0.2 s)

    return jsonschema.Draft202012Validator(_schema())


@lru_cache(maxsize=1)
def _fast_is_valid():
    """jsonschema-rs's ``is_valid`` for the policy schema.  What it refuses goes to :func:`_validator`,
    which names the error or, where the two differ, decides (a test holds that jsonschema-rs accepts
    nothing the Python validator refuses)."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a dependency
        return lambda data: False
    return refusing_on_error(jsonschema_rs.validator_for(_schema()).is_valid)


def load_policy(path: str | Path | None = None) -> Policy:
    """Load and validate a policy file; the shipped default when ``path`` is None."""
    if path is None:
        text = (_HERE / DEFAULT_POLICY).read_text(encoding="utf-8")
        source = f"<builtin {DEFAULT_POLICY}>"
    else:
        source = str(path)
        check_file_size(source, what="policy file")
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read policy file ({exc.strerror})", source) from None
        except UnicodeDecodeError as exc:
            raise InputError(f"policy file is not UTF-8 text (byte {exc.start})", source) from None
    return Policy(data=copy.deepcopy(_parse(text, source)), source=source,
                  sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


@lru_cache(maxsize=8)
def _parse(text: str, source: str) -> dict:
    """The validated data of a policy text (cached: a process that lints many inputs, such as the
    pytest plugin or a test suite, reads the same policy again and again; callers get a copy).
    Also kept in the user cache (lint_rules.cache), keyed by the text, its source and this
    package's code: a policy validated once is not parsed and validated again by the next run."""
    from .. import cache

    key = cache.digest("policy", cache.package_digest(), source, text)
    data = cache.load("policy", key)
    if isinstance(data, dict):
        return data
    data = _parse_validated(text, source)
    cache.store("policy", key, data)
    return data


def _parse_validated(text: str, source: str) -> dict:
    import yaml  # noqa: PLC0415

    try:
        data = yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(f"policy file is not valid YAML ({problem})", where) from None
    except RecursionError:
        raise InputError("policy file is nested too deeply", source) from None
    except (ValueError, OverflowError) as exc:  # a scalar YAML cannot convert: 5,000 digits, 2024-02-30
        problem = " ".join(str(exc).split(";")[0].split())[:120]
        raise InputError(f"policy file is not valid YAML ({problem})", source) from None
    if not isinstance(data, dict):
        raise InputError("policy file must be a YAML mapping", source)
    _check_expansion(data, source)
    error = None if _fast_is_valid()(data) else _best_error(data)
    if error is not None:
        path_text = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise InputError(f"policy file invalid at {path_text}: {error.message}", source)
    _check_regexes(data, source)
    _check_log_sources(data, source)
    return data


def _best_error(data: dict):
    import jsonschema  # noqa: PLC0415 - only for a policy jsonschema-rs refuses

    return jsonschema.exceptions.best_match(_validator().iter_errors(data))


#: values a policy may hold once YAML aliases are expanded (the shipped one holds about 1,000)
MAX_POLICY_VALUES = 100_000


def _check_expansion(data: dict, source: str) -> None:
    """Refuse a policy whose aliases expand to more values than any policy needs (the "billion
    laughs": ten anchors of ten aliases each are 10**10 values to validate, a hang) or refer to
    themselves (``&a [*a]``).  Shared nodes are counted once per reference, each sized once."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node) -> int:
        if not isinstance(node, (dict, list)):
            return 1
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise InputError("policy file is not valid YAML (an alias refers to the node that contains it)",
                             source)
        open_nodes.add(key)
        children = node.values() if isinstance(node, dict) else node
        total = 1
        for child in children:
            total += size(child)
            if total > MAX_POLICY_VALUES:
                raise InputError(f"policy file expands to more than {MAX_POLICY_VALUES:,} values "
                                 "(YAML aliases repeated inside each other?)", source)
        open_nodes.discard(key)
        sizes[key] = total
        return total

    size(data)


#: the policy's "Log Sources" rows the rules read (each retention rule's ``source_id``)
LOG_SOURCE_IDS = ("cloudtrail", "vpc_flow_logs", "config", "security_findings", "application_logs",
                  "s3_access_logs", "ssm_sessions")


def _check_log_sources(data: dict, source: str) -> None:
    """Every log source the rules read must be in the policy file: a missing row is an input error,
    never a rule silently not run (nor a crash when it runs)."""
    ids = {src.get("id") for src in data.get("log_sources") or [] if isinstance(src, dict)}
    missing = [i for i in LOG_SOURCE_IDS if i not in ids]
    if missing:
        raise InputError(f"policy file invalid at log_sources: no log source with id {missing[0]!r}"
                         f"{f' (nor {len(missing) - 1} more)' if len(missing) > 1 else ''}; the rules read "
                         f"the retention of each of {', '.join(LOG_SOURCE_IDS)}", source)


def _check_regexes(data: dict, source: str) -> None:
    """The PHI scan's patterns must compile (a bad one is an input error, not a crash later)."""
    phi = ((data.get("application_logging") or {}).get("audit_events") or {}).get("phi") or {}
    where = "application_logging/audit_events/phi"
    found: list[tuple[str, str]] = []
    if "mrn_pattern" in phi:
        found.append((f"{where}/mrn_pattern", phi["mrn_pattern"]))
    for key in ("sensitive_fields", "actor_fields"):
        found += [(f"{where}/{key}/{i}", r) for i, r in enumerate(phi.get(key) or [])]
    found += [(f"{where}/patterns/{i}/regex", p["regex"]) for i, p in enumerate(phi.get("patterns") or [])]
    for path_text, regex in found:
        try:
            re.compile(regex)
        except re.error as exc:
            raise InputError(f"policy file invalid at {path_text}: not a regular expression ({exc})",
                             source) from None
