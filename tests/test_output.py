"""Output a newcomer can act on: loader notes once and in JSON, finding lines that fit on a screen
(whole under --verbose and in JSON), --skip beside --select."""
from __future__ import annotations

import json

import pytest

from lint_rules.cli import main
from lint_rules.report.shorten import LINE_LIMIT, shorten, split_top

TRAIL = '''resource "aws_cloudtrail" "main" {
  name                          = "main"
  s3_bucket_name                = "logs"
  is_multi_region_trail         = true
  enable_log_file_validation    = true
}
'''

MANY_BUCKETS = TRAIL + '''
resource "aws_s3_bucket" "phi" {
  count  = 18
  bucket = "acme-phi-records-archive-${count.index}"
}
'''

PER_INSTANCE_NOTE = '''
variable "names" {
  type    = set(string)
  default = ["a", "b", "c"]
}
variable "replicas" {
  type = number
}
module "store" {
  for_each = var.names
  source   = "./store"
  name     = each.key
  replicas = var.replicas
}
'''
STORE = '''
variable "name" {
  type = string
}
variable "replicas" {
  type = number
}
resource "aws_s3_bucket" "b" {
  count  = var.replicas
  bucket = "acme-${var.name}"
}
'''


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def many_buckets(tmp_path):
    (tmp_path / "main.tf").write_text(MANY_BUCKETS)
    return str(tmp_path)


def test_no_finding_line_is_longer_than_the_limit_and_verbose_has_it_all(many_buckets, capsys):
    code, out, _ = run(capsys, "check", "--select", "CT-003", many_buckets)
    assert code == 1
    line = next(ln for ln in out.splitlines() if "CT-003 FAIL" in ln)
    assert len(line) <= LINE_LIMIT
    assert "more)" in line and "18 in-scope bucket" in line  # summarised, the count kept
    code, out, _ = run(capsys, "check", "--select", "CT-003", "--verbose", many_buckets)
    line = next(ln for ln in out.splitlines() if "CT-003 FAIL" in ln)
    assert all(f"aws_s3_bucket.phi[{i}]" in line for i in range(18))
    code, out, _ = run(capsys, "check", "--select", "CT-003", "--format", "json", many_buckets)
    (finding,) = [f for f in json.loads(out)["findings"] if f["status"] == "fail"]
    assert all(f"aws_s3_bucket.phi[{i}]" in finding["message"] for i in range(18))


@pytest.mark.parametrize("message", [
    "log bucket of " + ", ".join(f"delivery channel aws_config_delivery_channel.c{i}" for i in range(18))
    + ": versioning is disabled",
    "; ".join(f"aws_s3_bucket.b{i} keeps logs {i} days" for i in range(30)) + "; policy requires ≥ 365",
    "x" * 1000,
])
def test_shorten_fits_the_budget_and_keeps_the_start(message):
    short = shorten(message, 200)
    assert len(short) <= 200
    assert short[:12] == message[:12]


def test_shorten_summarises_a_list_of_names_with_its_count():
    message = "18 delivery channels: " + ", ".join(f"module.config[\"r{i}\"].aws_config_delivery_channel.this"
                                                   for i in range(18))
    short = shorten(message, 200)
    assert short.startswith("18 delivery channels: module.config[\"r0\"]") and "(+" in short and "more)" in short


def test_a_short_message_is_left_alone():
    assert shorten("kms_key_id is not set", 200) == "kms_key_id is not set"


@pytest.mark.parametrize("text, sep, parts", [
    ("a, b, c", ", ", ["a", "b", "c"]),
    ("f(a, b), c", ", ", ["f(a, b)", "c"]),                      # inside brackets: not a separator
    ("['x, y', 'z'], w", ", ", ["['x, y', 'z']", "w"]),
    ("'a, b', c", ", ", ["'a, b'", "c"]),                          # inside quotes: not a separator
    ("role's a, b", ", ", ["role's a", "b"]),                      # an apostrophe opens no quote
    ('"a\\", b", c', ", ", ['"a\\", b"', "c"]),                # an escaped quote does not close
    ("a)) , b; c, d", "; ", ["a)) , b", "c, d"]),                  # a stray closing bracket
    ("x: y: z", ": ", ["x", "y", "z"]),
    ("", ", ", [""]),
])
def test_split_top_splits_only_outside_quotes_and_brackets(text, sep, parts):
    assert split_top(text, sep) == parts


@pytest.fixture
def per_instance(tmp_path):
    (tmp_path / "main.tf").write_text(PER_INSTANCE_NOTE)
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "main.tf").write_text(STORE)
    return str(tmp_path)


def test_each_distinct_note_is_printed_once(per_instance, capsys):
    code, out, err = run(capsys, "check", "--select", "CT-001", per_instance)
    notes = [ln for ln in err.splitlines() if ln.startswith("auditgate: note:")]
    count_notes = [ln for ln in notes if "count is not known statically" in ln]
    assert len(count_notes) == 1, err  # three instances of module.store, one note
    assert "and 2 more instances" in count_notes[0]
    assert len(notes) == len(set(notes))


def test_notes_are_in_the_json_report(per_instance, capsys):
    code, out, err = run(capsys, "check", "--select", "CT-001", "--format", "json", per_instance)
    report = json.loads(out)
    messages = [n["message"] for n in report["notes"]]
    assert any("var.replicas has no default" in m for m in messages)
    (count_note,) = [n for n in report["notes"] if "count is not known statically" in n["message"]]
    assert count_note["instances"] == 3 and count_note["source"] == per_instance
    assert err == ""  # JSON on stdout: the notes are in it, not on stderr


def test_skip_leaves_out_rules_and_prefixes(many_buckets, capsys):
    code, out, _ = run(capsys, "check", "--format", "json", "--select", "CT", "--skip", "CT-003,CT-005",
                       many_buckets)
    ids = {f["rule_id"] for f in json.loads(out)["findings"]}
    assert ids and all(i.startswith("CT-") for i in ids)
    assert "CT-003" not in ids and "CT-005" not in ids and "CT-001" in ids
    code, out, _ = run(capsys, "check", "--format", "json", "--skip", "CT", many_buckets)
    ids = {f["rule_id"] for f in json.loads(out)["findings"]}
    assert ids and not any(i.startswith("CT-") for i in ids)


def test_skip_of_no_rule_is_a_usage_error(many_buckets, capsys):
    code, out, err = run(capsys, "check", "--skip", "CT-0003", many_buckets)
    assert code == 2 and "--skip: no rule or prefix CT-0003" in err and out == ""


def test_exit_codes_are_the_same_in_every_format(many_buckets, tmp_path, capsys):
    for fmt in ("text", "json", "sarif", "markdown", "html"):
        assert run(capsys, "check", "--select", "CT-003", "--format", fmt, many_buckets)[0] == 1, fmt
        assert run(capsys, "check", "--select", "CT-006", "--format", fmt, many_buckets)[0] == 0, fmt
        code, out, err = run(capsys, "check", "--format", fmt, str(tmp_path / "missing"))
        assert code == 2 and err.count("\n") == 1, fmt


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "markdown"])
def test_output_file_holds_what_stdout_shows(many_buckets, tmp_path, capsys, monkeypatch, fmt):
    """``--output`` writes the JSON report in pieces as it renders it: the same bytes as stdout."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")
    code, out, _ = run(capsys, "check", many_buckets, "--format", fmt)
    target = tmp_path / "report.out"
    code2, _, _ = run(capsys, "check", many_buckets, "--format", fmt, "--output", str(target))
    assert (code, target.read_text(encoding="utf-8")) == (code2, out)


def test_a_report_failing_while_written_leaves_no_file(many_buckets, tmp_path, capsys, monkeypatch):
    from lint_rules.report import json_report

    def broken(reports):
        yield "{\n"
        raise RuntimeError("boom")

    monkeypatch.setattr(json_report, "iter_json", broken)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, _, err = run(capsys, "check", many_buckets, "--format", "json", "--output", str(out_dir / "r.json"))
    assert code == 3 and "internal error" in err
    assert list(out_dir.iterdir()) == []  # neither the report nor a temporary file
