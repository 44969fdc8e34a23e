"""One auditgate run per checkov scan, shared by every check: checkov's graph (one per scan) keys it.

Imported as a module (not loaded by checkov as a check file), so the state lives once per process
even though checkov executes the check file once per framework registry.
"""
from __future__ import annotations

import logging
from typing import Any, Mapping

from . import run_auditgate
from .scan_index import ScanIndex, node_attributes
from .verdicts import Verdict, Verdicts

LOG = logging.getLogger("auditgate.checkov")

_RULES: list[dict] | None = None
_STATES: dict[int, tuple[Any, "ScanState"]] = {}


def rules() -> list[dict]:
    """auditgate's rules, listed once per process."""
    global _RULES
    if _RULES is None:
        _RULES = run_auditgate.list_rules()
    return _RULES


class ScanState:
    def __init__(self, graph: Any):
        self.error = "" if graph is not None else "checkov gave the check no resource graph (checkov 3 needed)"
        try:
            known_rules = rules()
        except run_auditgate.AuditgateError as exc:
            known_rules, self.error = [], str(exc)
        self.index = ScanIndex(node_attributes(graph) if graph is not None else ())
        evaluation = run_auditgate.evaluate(self.index.roots if not self.error else [])
        self.verdicts = Verdicts(self.index, evaluation.findings, evaluation.errors, known_rules)
        for source, error in sorted(evaluation.errors.items()):
            LOG.error("auditgate could not evaluate %s: %s", source, error)
        if self.verdicts.unmatched_sources:
            LOG.error("auditgate findings for inputs checkov does not scan: %s",
                      ", ".join(sorted(self.verdicts.unmatched_sources)))

    def verdict(self, rule_id: str, conf: Mapping, block_type: str, entity_path: str) -> Verdict | None:
        if self.error:
            return Verdict("FAILED", [f"unknown: {self.error}"])
        entities = self.index.locate(conf, block_type, entity_path)
        if not entities:
            return None
        return self.verdicts.verdict(rule_id, entities)


def for_graph(graph: Any) -> ScanState:
    key = id(graph)
    if key not in _STATES:  # the graph is kept with its state so that its id is not reused
        _STATES[key] = (graph, ScanState(graph))
    return _STATES[key][1]
