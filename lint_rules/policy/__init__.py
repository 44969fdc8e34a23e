"""The audit-logging policy as data: loaded from YAML and validated by a JSON Schema."""
from __future__ import annotations

import fnmatch
import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jsonschema
import yaml

from ..errors import InputError

DEFAULT_POLICY = "default.yaml"


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
    def lambda_data_events_if_used(self) -> bool:
        return self.data["cloudtrail"].get("lambda_data_events_if_used", True)

    @property
    def application_log_groups(self) -> dict[str, str]:
        return dict(self.data["application_log_groups"])

    @property
    def screenshot_bucket(self) -> str:
        return self.data["screenshot_bucket"]

    @property
    def alerting(self) -> list[dict]:
        return list(self.data["alerting"])

    @property
    def log_access_roles(self) -> list[dict]:
        return list(self.data["log_access"]["roles"])

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


class _Loader(yaml.SafeLoader):
    """YAML without implicit timestamps: ``expires: 2027-03-31`` stays the text the schema checks."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _schema() -> dict:
    return json.loads(resources.files(__package__).joinpath("schema.json").read_text())


def load_policy(path: str | Path | None = None) -> Policy:
    """Load and validate a policy file; the shipped default when ``path`` is None."""
    if path is None:
        text = resources.files(__package__).joinpath(DEFAULT_POLICY).read_text(encoding="utf-8")
        source = f"<builtin {DEFAULT_POLICY}>"
    else:
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read policy file ({exc.strerror})", source) from None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(f"policy file is not valid YAML ({problem})", where) from None
    if not isinstance(data, dict):
        raise InputError("policy file must be a YAML mapping", source)
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(_schema()).iter_errors(data))
    if error is not None:
        path_text = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise InputError(f"policy file invalid at {path_text}: {error.message}", source)
    return Policy(data=data, source=source, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())
