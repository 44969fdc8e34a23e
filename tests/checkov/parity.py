"""Compare checkov's verdicts (through the adapter) with `auditgate check`'s, finding by finding."""
from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .env import auditgate_command

RESULT = {"pass": "PASSED", "fail": "FAILED", "unknown": "FAILED", "suppressed": "SKIPPED"}
SEVERITY = {"PASSED": 0, "SKIPPED": 1, "FAILED": 2}


def auditgate_findings(args: list[str], cwd: Path) -> list[dict]:
    proc = subprocess.run(auditgate_command() + ["check", "--format", "json", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=1800)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)["findings"]


def rules_json(cwd: Path) -> str:
    return subprocess.run(auditgate_command() + ["rules", "--format", "json"], cwd=cwd,
                          capture_output=True, text=True, timeout=300, check=True).stdout


def rule_ids(cwd: Path) -> set[str]:
    return {r["id"] for r in json.loads(rules_json(cwd))["rules"]}


def raw_records(reports: list[dict]):
    for report in reports:
        for kind in ("passed_checks", "failed_checks", "skipped_checks"):
            yield from (report.get("results") or {}).get(kind, [])


@dataclass
class Record:
    """One checkov record of an adapter check: its input(s) (first details line), the findings' lines."""
    input: str
    rule: str
    block: str
    result: str
    lines: list[str]


def adapter_records(reports: list[dict], rules: set[str]) -> list[Record]:
    out = []
    for record in raw_records(reports):
        if record["check_id"] not in rules:
            continue
        details = record.get("details") or []
        assert details and details[0].startswith("input: "), record
        lines = [d for d in details[1:] if not d.startswith("fix: ")]
        out.append(Record(details[0].removeprefix("input: "), record["check_id"], record["resource"],
                          record["check_result"]["result"], lines))
    return out


def expected_line(finding: dict, block: str) -> str:
    """The details line the adapter writes for ``finding`` on ``block`` (see verdicts.detail_line)."""
    subject = "" if finding["resource"] == block else finding["resource"]
    line = f"{finding['status']}: " + (f"{subject}: " if subject else "") + finding["message"]
    reason = (finding.get("suppression") or {}).get("reason") or finding.get("reason")
    if finding["status"] == "suppressed":
        line += f" (suppressed: {reason})" if reason else ""
    return line


def compare(findings: list[dict], records: list[Record]) -> tuple[list[str], list[tuple[dict, Record]]]:
    """Every finding is one line of one record of its input and rule; every line is a finding; each
    record's result combines its lines' statuses.  Returns the differences (one line each) and
    where each finding was found."""
    problems: list[str] = []
    placed: list[tuple[dict, Record]] = []
    pool: dict[tuple[str, str], list[tuple[Record, str]]] = {}
    for r in records:
        inputs = r.input.split(", ")
        for line in r.lines:
            source = r.input
            if len(inputs) > 1:  # a module block several roots call: each line names its root
                source = next((i for i in inputs if line.endswith(f" (in {i})")), "?")
                line = line.removesuffix(f" (in {source})")
            pool.setdefault((source, r.rule), []).append((r, line))
        if not r.lines:
            problems.append(f"{r.input}: {r.rule} on {r.block}: {r.result} with no finding")
            continue
        want = max((RESULT[line.split(":", 1)[0]] for line in r.lines), key=SEVERITY.__getitem__)
        if r.result != want:
            problems.append(f"{r.input}: {r.rule} on {r.block}: checkov {r.result}, its findings say {want}")
    for f in findings:
        candidates = pool.get((f["source"], f["rule_id"]), [])
        for i, (record, line) in enumerate(candidates):
            if line == expected_line(f, record.block):
                del candidates[i]
                placed.append((f, record))
                break
        else:
            problems.append(f"{f['source']}: {f['rule_id']} {f['status']} on {f['resource']} not in checkov: "
                            f"{f['message'][:120]}")
    for (source, rule), left in pool.items():
        problems += [f"{source}: {rule} on {r.block}: checkov line without a finding: {line[:120]}"
                     for r, line in left]
    return problems, placed
