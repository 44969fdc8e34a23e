"""auditgate's findings as verdicts on checkov's blocks: one verdict per rule and block.

- A finding about a resource goes to the block with the same input (``source``) and address.
- A finding about the account as a whole (subject ``account``), and a finding about an address
  checkov has no block for, goes to the input's anchor (see ``ScanIndex``), so that it is never lost.
- An input auditgate could not evaluate fails every rule on its anchor, with auditgate's error.
- Several findings on one block combine: FAILED if any fails or is unknown (fail closed), else
  SKIPPED if any is suppressed, else PASSED.  No finding: no verdict (checkov reports nothing).

Standard library only.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Protocol

PASSED, FAILED, SKIPPED = "PASSED", "FAILED", "SKIPPED"
_RESULT = {"pass": PASSED, "fail": FAILED, "unknown": FAILED, "suppressed": SKIPPED}
_SEVERITY = {PASSED: 0, SKIPPED: 1, FAILED: 2}


class Index(Protocol):  # what Verdicts needs of a ScanIndex
    roots: list[str]

    def anchor(self, root: str): ...

    def has(self, root: str, block_type: str, address: str) -> bool: ...


@dataclass
class Verdict:
    result: str  # PASSED, FAILED, SKIPPED
    details: list[str] = field(default_factory=list)  # one line per finding, then the fix
    suppress_reason: str = ""  # for SKIPPED: the accepted exception's reason


@dataclass
class _Item:
    status: str  # auditgate's: pass, fail, unknown, suppressed
    message: str
    subject: str = ""  # set when the finding is not about the block itself (account, unmapped address)
    reason: str = ""


def _norm(path: str) -> str:
    return os.path.realpath(path)


def _display(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _suppress_reason(finding: Mapping) -> str:
    """The accepted exception's reason (``suppression.reason`` in auditgate's JSON report)."""
    suppression = finding.get("suppression")
    if isinstance(suppression, Mapping) and suppression.get("reason"):
        return str(suppression["reason"])
    return str(finding.get("reason") or "")


_INSTANCE_KEY = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\]')


def block_addresses(address: str) -> list[str]:
    """Where checkov may hold an instance when it did not expand ``count`` / ``for_each`` (it then
    has one block without instance keys): the address, without the resource's own key, without any."""
    out = [address]
    for candidate in (re.sub(_INSTANCE_KEY.pattern + "$", "", address), _INSTANCE_KEY.sub("", address)):
        if candidate not in out:
            out.append(candidate)
    return out


class Verdicts:
    def __init__(self, index: Index, findings: Iterable[Mapping], errors: Mapping[str, str],
                 rules: Iterable[Mapping]):
        self._rules = {r["id"]: r for r in rules}
        self._items: dict[tuple[str, str, str, str], list[_Item]] = {}
        self.unmatched_sources: set[str] = set()  # sources of findings for inputs checkov does not scan
        roots = set(index.roots)
        for finding in findings:
            root = _norm(str(finding.get("source") or ""))
            if root not in roots:
                self.unmatched_sources.add(str(finding.get("source")))
                continue
            resource, rule_id = str(finding.get("resource")), str(finding.get("rule_id"))
            status = str(finding.get("status"))
            item = _Item(status, str(finding.get("message", "")),
                         reason=_suppress_reason(finding) if status == "suppressed" else "")
            block = self._block_of(index, root, resource)
            if block is None:
                anchor = index.anchor(root)
                block = (anchor.block_type, anchor.address)
            if block[1] != resource:
                item.subject = resource
            self._items.setdefault((root, rule_id) + block, []).append(item)
        for source, error in errors.items():
            root = _norm(source)
            anchor = index.anchor(root)
            if anchor is None:
                continue
            for rule_id in self._rules:
                self._items.setdefault((root, rule_id, anchor.block_type, anchor.address), []).append(
                    _Item("unknown", f"auditgate could not evaluate {_display(root)}: {error}", "input"))

    @staticmethod
    def _block_of(index: Index, root: str, resource: str) -> tuple[str, str] | None:
        if resource == "account":
            return None
        for address in block_addresses(resource):
            for block_type in ("resource", "data"):
                if index.has(root, block_type, address):
                    return block_type, address
        return None

    def verdict(self, rule_id: str, entities: Iterable) -> Verdict | None:
        """The verdict of ``rule_id`` on a block (``entities``: the block's Entity, or several when
        the block could belong to several inputs), or None when auditgate says nothing about it."""
        entities = list(entities)
        several = len({e.root for e in entities}) > 1
        items: list[tuple[_Item, str]] = []  # (finding, the root it is from when the block is shared)
        for e in entities:
            for item in self._items.get((e.root, rule_id, e.block_type, e.address), ()):
                items.append((item, _display(e.root) if several else ""))
        if not items:
            return None
        result = max((_RESULT.get(i.status, FAILED) for i, _ in items), key=_SEVERITY.__getitem__)
        details = ["input: " + ", ".join(sorted({_display(e.root) for e in entities}))]
        details += [detail_line(i.status, i.message, i.subject, i.reason, where) for i, where in items]
        if result == FAILED and self._rules.get(rule_id, {}).get("fix"):
            details.append(f"fix: {self._rules[rule_id]['fix']}")
        reasons = sorted({i.reason or "accepted exception" for i, _ in items if i.status == "suppressed"})
        return Verdict(result, details, "; ".join(reasons) if result == SKIPPED else "")


def detail_line(status: str, message: str, subject: str = "", reason: str = "", where: str = "") -> str:
    """One finding in a checkov record's details:
    ``STATUS: [SUBJECT: ]MESSAGE[ (suppressed: REASON)][ (in ROOT)]``.  SUBJECT names what the
    finding is about when it is not the block itself (``account``, an instance of a block checkov
    did not expand, an address checkov has no block for); ROOT, which root's finding it is when
    several roots call the module the block is in."""
    line = f"{status}: " + (f"{subject}: " if subject else "") + message
    return line + (f" (suppressed: {reason})" if reason else "") + (f" (in {where})" if where else "")
