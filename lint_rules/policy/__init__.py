"""The audit-logging policy as data: loaded from YAML and validated by a JSON Schema."""
from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jsonschema
import yaml

from ..errors import InputError

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

    @property
    def log_access_roles(self) -> list[dict]:
        """The log-access role entries; ``names`` is the entry's name globs as a list."""
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
        data = yaml.safe_load(text)
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
    return Policy(data=data, source=source)
