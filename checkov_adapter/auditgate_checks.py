"""auditgate's rules as checkov checks, one per rule id, with the rule's id, the policy clause as
the check's name and guideline, and auditgate's verdict.

Loaded by ``checkov --external-checks-dir <this directory>`` (HCL: ``-d DIR``; plans:
``-f tfplan.json --framework terraform_plan``).  The rule list comes from ``auditgate rules --format
json`` and every verdict from one ``auditgate check --format json`` run per checkov scan (see
README.md).  Each rule is registered three times under its id: on resources and data sources (the
findings about them) and on the ``aws`` provider block (the findings about the account as a whole).
"""
from __future__ import annotations

import logging
import os
import sys
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.data.base_check import BaseDataCheck
from checkov.terraform.checks.provider.base_check import BaseProviderCheck
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from auditgate_bridge import run_auditgate, scan_state  # noqa: E402  (after the path is set)

LOG = logging.getLogger("auditgate.checkov")
# checkov logs every check call at DEBUG into an in-memory buffer; with one check per rule on every
# block that is most of the adapter's cost, and says nothing auditgate's details do not
logging.getLogger(__name__).setLevel(logging.INFO)
ERROR_ID = "AUDITGATE"  # the one check registered when the rule list cannot be had: it fails the scan


class _Auditgate:
    """What the three kinds of check share: the verdict of one rule on one block."""

    block_type = ""

    def _setup(self, rule: dict) -> dict[str, Any]:
        self.rule = rule
        clause = rule.get("clause_text") or f'{rule.get("section", "")}: "{rule.get("clause", "")}"'
        self._suppress_reason = ""
        return {"name": clause, "id": rule["id"], "categories": (CheckCategories.LOGGING,),
                "guideline": f'{clause} — {rule.get("title", "")}. Fix: {rule.get("fix", "")} '
                             f'(`auditgate explain {rule["id"]}`)'}

    def scan_entity_conf(self, conf: dict, entity_type: str) -> CheckResult:
        # not checkov's per-kind preprocessing: a `count = 0` block may still be an input's anchor
        self.entity_type = entity_type
        return self._judge(conf)

    def _judge(self, conf: dict) -> CheckResult:
        state = scan_state.for_graph(getattr(self, "graph", None))
        verdict = state.verdict(self.id, conf, self.block_type, getattr(self, "entity_path", ""))
        if verdict is None:
            return CheckResult.UNKNOWN  # auditgate says nothing about this block: checkov reports nothing
        self.details.extend(verdict.details)
        self._suppress_reason = verdict.suppress_reason
        return CheckResult[verdict.result]

    def run(self, scanned_file, entity_configuration, entity_name, entity_type, skip_info):
        result = super().run(scanned_file, entity_configuration, entity_name, entity_type, skip_info)
        if result.get("result") == CheckResult.SKIPPED and not result.get("suppress_comment"):
            result["suppress_comment"] = f"auditgate: {self._suppress_reason}"
        return result


class AuditgateResourceCheck(_Auditgate, BaseResourceCheck):
    block_type = "resource"

    def __init__(self, rule: dict):
        super().__init__(supported_resources=("*",), **self._setup(rule))

    def scan_resource_conf(self, conf: dict) -> CheckResult:
        return self._judge(conf)


class AuditgateDataCheck(_Auditgate, BaseDataCheck):
    block_type = "data"

    def __init__(self, rule: dict):
        super().__init__(supported_data=("*",), **self._setup(rule))

    def scan_data_conf(self, conf: dict) -> CheckResult:
        return self._judge(conf)


class AuditgateProviderCheck(_Auditgate, BaseProviderCheck):
    block_type = "provider"

    def __init__(self, rule: dict):
        super().__init__(supported_provider=("aws",), **self._setup(rule))

    def scan_provider_conf(self, conf: dict) -> CheckResult:
        return self._judge(conf)


def _loading_for_terraform() -> bool:
    """checkov loads this file once for each framework's registry; only terraform's (which the
    terraform and terraform_plan runners share) needs the checks.  When the loading registry
    cannot be seen, register anyway."""
    frame = sys._getframe(1)
    while frame is not None:
        owner = frame.f_locals.get("self")
        if owner is not None and hasattr(owner, "load_external_checks") and hasattr(owner, "report_type"):
            return str(getattr(owner.report_type, "value", owner.report_type)) == "terraform"
        frame = frame.f_back
    return True


def register() -> None:
    try:
        rules = scan_state.rules()
    except run_auditgate.AuditgateError as exc:
        LOG.error("auditgate checks not loaded: %s", exc)
        rules = [{"id": ERROR_ID, "title": "auditgate could not list its rules", "section": "auditgate",
                  "clause": str(exc), "fix": "install auditgate and set AUDITGATE_BIN (adapter README)"}]
    for rule in rules:
        for kind in (AuditgateResourceCheck, AuditgateDataCheck, AuditgateProviderCheck):
            kind(rule)


if _loading_for_terraform():
    register()
