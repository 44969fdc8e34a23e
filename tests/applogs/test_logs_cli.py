"""`auditgate logs`: samples that pass, broken samples failing at the right line and field, the input
shapes it reads, exit codes, and -- in every output format -- no PHI value ever echoed."""
from __future__ import annotations

import gzip
import re
import json
import subprocess
import sys

import pytest

from lint_rules.applogs.contract import EVENT_TYPES, example_event
from lint_rules.cli import build_parser

from ..helpers import REPO

LOGS = REPO / "tests" / "fixtures" / "logs"
CLI = [sys.executable, "-m", "lint_rules.cli"]


def run(*args, stdin: bytes | None = None, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + ["logs", *map(str, args)], input=stdin if stdin is not None else b"",
                          capture_output=True, timeout=120, cwd=cwd)


def report(*args, stdin=None) -> tuple[int, dict]:
    proc = run(*args, "--format", "json", stdin=stdin)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return proc.returncode, json.loads(proc.stdout)


def failing(doc) -> set[tuple[str, int | None, str]]:
    return {(f["rule_id"], f["line"], f["message"]) for f in doc["findings"] if f["status"] == "fail"}


def line_of(event: dict) -> str:
    return json.dumps(event, separators=(",", ":"))


@pytest.mark.parametrize("sample", sorted(p.name for p in (LOGS / "compliant").iterdir()))
def test_compliant_samples_pass(sample):
    rc, doc = report(LOGS / "compliant" / sample)
    assert rc == 0, failing(doc)
    assert doc["summary"]["fail"] == 0 and doc["summary"]["pass"] >= 3
    (stats,) = doc["logs"]["sources"]
    assert stats["audit_events"] == len(EVENT_TYPES) and stats["invalid_audit_events"] == 0


def test_compliant_directory_covers_both_applications():
    rc, doc = report(LOGS / "compliant", "--app", "django", "--app", "laravel")
    assert rc == 0
    coverage = {f["resource"]: f["status"] for f in doc["findings"] if f["rule_id"] == "APP-006"}
    assert coverage == {"django": "pass", "laravel": "pass"}


# (rule, line, words the message must hold) for tests/fixtures/logs/broken/django_broken.ndjson
BROKEN = [
    ("APP-004", 2, ["actor is not an opaque user id"]),
    ("APP-005", 2, ["person's name", "field actor"]),
    ("APP-005", 3, ["Social Security number", "field changes"]),
    ("APP-005", 4, ["e-mail address", "field username"]),
    ("APP-004", 6, ["record has fields the contract does not define"]),
    ("APP-005", 6, ["personal data", "field record.dob"]),
    ("APP-004", 7, ["timestamp is not an RFC 3339 timestamp"]),
    ("APP-005", 8, ["phone number", "field message"]),
    ("APP-005", 8, ["medical record number", "field message"]),
    ("APP-004", 9, ['outcome must be "denied"']),
]


def test_broken_sample_fails_at_each_line_and_field():
    rc, doc = report(LOGS / "broken" / "django_broken.ndjson", "--no-coverage")
    assert rc == 1
    got = failing(doc)
    for rule, line, words in BROKEN:
        assert any(r == rule and n == line and all(w in m for w in words) for r, n, m in got), (rule, line, got)
    assert len(got) == len(BROKEN), sorted(got)
    (stats,) = doc["logs"]["sources"]
    assert stats["not_json_line_numbers"] == [5]


def test_coverage_names_the_missing_event_types(tmp_path):
    path = tmp_path / "partial.log"
    path.write_text("\n".join(line_of(example_event(t)) for t in ("auth.login.success", "phi.read")) + "\n")
    rc, doc = report(path)
    assert rc == 1
    (finding,) = [f for f in doc["findings"] if f["rule_id"] == "APP-006"]
    assert finding["resource"] == "django" and finding["status"] == "fail"
    assert "never auth.login.failure, auth.logout, phi.create, phi.update, phi.delete, authz.denied" in finding["message"]
    rc, _ = report(path, "--no-coverage")
    assert rc == 0


def test_an_application_asked_for_but_absent_fails():
    rc, doc = report(LOGS / "compliant" / "django_test_run.ndjson", "--app", "laravel")
    assert rc == 1
    assert ("APP-006", "laravel", "fail") in {(f["rule_id"], f["resource"], f["status"]) for f in doc["findings"]}


def test_no_event_at_all_fails(tmp_path):
    path = tmp_path / "chatter.log"
    path.write_text("Ran 3 tests in 0.1s\n\nOK\n")
    rc, doc = report(path)
    assert rc == 1 and "no valid audit event at all" in json.dumps(doc)
    assert doc["logs"]["sources"][0]["not_json_line_numbers"] == [1, 3]


def test_stdin_and_filter_log_events_shapes():
    events = [{"logStreamName": "s", "timestamp": 1, "message": line_of(example_event(t))} for t in EVENT_TYPES]
    # the CLI's pretty-printed output, and the same answer on one line
    for text in (json.dumps({"events": events, "nextToken": "x"}, indent=4), json.dumps({"events": events})):
        rc, doc = report("-", stdin=text.encode())
        assert rc == 0, failing(doc)
        assert doc["logs"]["sources"][0]["audit_events"] == len(EVENT_TYPES)


def test_filter_log_events_lines_point_at_each_event(tmp_path):
    events = [{"logStreamName": "s", "timestamp": i, "message": line_of(dict(example_event("phi.read"), actor="Jane Doe"))}
              for i in range(3)]
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"events": events}, indent=4))
    text = path.read_text().splitlines()
    starts = [i + 1 for i, line in enumerate(text) if line.strip() == "{" and i > 0]
    _, doc = report(path, "--no-coverage")
    lines = sorted({f["line"] for f in doc["findings"] if f["rule_id"] == "APP-005"})
    assert lines == starts


def test_subscription_and_gzip_exports(tmp_path):
    delivery = {"messageType": "DATA_MESSAGE", "logGroup": "/app/django/audit",
                "logEvents": [{"id": str(i), "timestamp": i, "message": line_of(example_event(t))}
                              for i, t in enumerate(EVENT_TYPES)]}
    path = tmp_path / "delivery.json.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(json.dumps(delivery) + "\n")
    rc, doc = report(path)
    assert rc == 0 and doc["logs"]["sources"][0]["audit_events"] == len(EVENT_TYPES)


@pytest.mark.parametrize("args, needle", [
    (["/no/such/file.log"], "no such file or directory"),
    (["--max-findings", "0", "x"], "--max-findings"),
])
def test_input_errors_exit_2_with_one_line(args, needle):
    proc = run(*args)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and needle in err and len(err.strip().splitlines()) == 1, err


def test_empty_directory_and_truncated_export_are_input_errors(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = run(tmp_path / "empty")
    assert proc.returncode == 2 and "holds no log files" in proc.stderr.decode()
    path = tmp_path / "cut.json"
    path.write_text('{\n  "events": [\n    {"message": "{}"},\n    {"mess')
    proc = run(path)
    assert proc.returncode == 2 and "truncated" in proc.stderr.decode() and "Traceback" not in proc.stderr.decode()


def test_max_findings_counts_the_rest(tmp_path):
    path = tmp_path / "many.log"
    path.write_text("".join(line_of(dict(example_event("phi.read"), note=f"ssn 536-22-{8000 + i}")) + "\n"
                            for i in range(30)))
    rc, doc = report(path, "--max-findings", "5", "--no-coverage")
    assert rc == 1
    assert len([f for f in doc["findings"] if f["status"] == "fail"]) == 5
    assert doc["logs"]["omitted_findings"] == {"APP-005": 25} and doc["summary"]["fail"] == 30
    text = run(path, "--max-findings", "5", "--no-coverage").stdout.decode()
    assert "25 more APP-005 failing, not listed" in text


def test_explain_and_rules_list_the_log_rules():
    proc = subprocess.run(CLI + ["rules"], capture_output=True, timeout=60, cwd=REPO)
    lines = [line for line in proc.stdout.decode().splitlines() if "(auditgate logs)" in line]
    assert [line.split()[0] for line in lines] == ["APP-004", "APP-005", "APP-006"]
    proc = subprocess.run(CLI + ["explain", "APP-005"], capture_output=True, timeout=60, cwd=REPO)
    assert proc.returncode == 0 and "python-stdnum" in proc.stdout.decode()


# --- no output of any format carries the PHI it found ------------------------------------------------

SENTINELS = {
    "ssn": "536-22-8841",
    "name": "Zebulon Quillfeather",
    "email": "zebulon.quill@example.org",
    "phone": "(415) 555-2671",
    "dob": "1961-07-23",
    "mrn": "MRN 77341902",
    "key": "zebulon.q@example.net",
}


def sentinel_log(tmp_path):
    s = SENTINELS
    lines = [
        line_of(dict(example_event("phi.read"), actor=s["name"])),
        line_of(dict(example_event("phi.update"), note=f"changed ssn {s['ssn']} and phone {s['phone']}")),
        line_of(dict(example_event("auth.login.failure"), username=s["email"])),
        f"plain text: patient born {s['dob']} has {s['mrn']}",
        line_of(dict(example_event("phi.create"), record={"type": "patient", "id": "pat_1", "dob": s["dob"]})),
        line_of({"level": "INFO", s["key"]: "a field named by an e-mail address"}),
        line_of(dict(example_event("phi.delete"), timestamp=f"{s['dob']} 10:00")),
    ]
    path = tmp_path / "phi.log"
    path.write_text("\n".join(lines) + "\n")
    return path


def _fragments() -> list[bytes]:
    out = []
    for value in SENTINELS.values():
        out.append(value.encode())
        out += [part.encode() for part in value.replace("@", " ").replace(".", " ").replace("-", " ").split()
                if len(part) >= 4 and not part.isdigit() or (part.isdigit() and len(part) >= 4)]
    return [f for f in out if f not in (b"example", b"(415)", b"patient")]


def leaks(produced: bytes) -> list[bytes]:
    """The fragments that appear as a token of their own (not inside a hex digest, say: SARIF
    fingerprints and the evidence report's SHA-256s are runs of hex digits where "1961" may occur)."""
    return [f for f in _fragments()
            if re.search(rb"(?<![0-9A-Za-z])" + re.escape(f) + rb"(?![0-9A-Za-z])", produced)]


def logs_formats() -> list[str]:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    logs = sub.choices["logs"]
    return list(next(a for a in logs._actions if a.dest == "format").choices)


@pytest.mark.parametrize("fmt", logs_formats())
def test_no_format_echoes_the_phi_it_found(tmp_path, fmt):
    path = sentinel_log(tmp_path)
    out = tmp_path / f"report.{fmt}"
    proc = run(path, "--format", fmt, "--show-pass", "--output", out)
    assert proc.returncode == 1, proc.stderr.decode()
    produced = proc.stdout + proc.stderr + out.read_bytes()
    assert b"APP-005" in produced
    leaked = leaks(produced)
    assert not leaked, f"{fmt} output repeats {leaked}"


def test_pytest_plugin_output_echoes_no_phi(tmp_path):
    path = sentinel_log(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA",
                           "--audit-log", str(path)], capture_output=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 1
    produced = proc.stdout + proc.stderr
    assert b"APP-005[line 2]" in produced, produced.decode()[-3000:]
    leaked = leaks(produced)
    assert not leaked, leaked


# --- the evidence report of a logs run: the Application-Level Logging section is checked, and by what --------

def test_evidence_report_marks_the_application_section_checked_by_the_logs_rules():
    from lint_rules.policy.lines import policy_lines

    sample = sorted((LOGS / "compliant").iterdir())[0]
    proc = run(sample, "--format", "markdown")
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode()
    app_lines = [line for line in policy_lines() if line.section == "Application-Level Logging"]
    assert len(app_lines) == 6
    for line in app_lines:
        row = next(r for r in out.splitlines() if r.startswith(f"| {line.number} |"))
        assert "**PASS**" in row and "NOT CHECKED HERE" not in row, row
        assert ("APP-006" in row) or ("APP-005" in row), row  # the rule that checked it is named


def test_evidence_report_of_a_log_missing_event_types_fails_their_lines(tmp_path):
    path = tmp_path / "partial.log"
    path.write_text(line_of(example_event("auth.login.success")) + "\n")
    proc = run(path, "--format", "markdown", "--app", "django")
    assert proc.returncode == 1
    rows = {int(r.split("|")[1]): r for r in proc.stdout.decode().splitlines() if r.startswith("| 2")}
    assert "**FAIL**" in rows[22] and "APP-006" in rows[22]  # PHI modification events never logged
