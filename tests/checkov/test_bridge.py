"""The adapter's checkov-independent logic (checkov_adapter/auditgate_bridge), on made-up graphs and
reports: fast, and run where checkov is not installed."""
from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest

from .bridge import run_auditgate, scan_index, scan_state, verdicts

ScanIndex, Verdicts = scan_index.ScanIndex, verdicts.Verdicts
block_addresses, detail_line = verdicts.block_addresses, verdicts.detail_line

ROOT_A, ROOT_B = "/work/a", "/work/b"
RULES = [{"id": "CT-001", "fix": "turn it on"}, {"id": "RET-001", "fix": "keep longer"}]


class Module:  # checkov's TFModule: path of the file with the module call, the call around it
    def __init__(self, path, nested=None):
        self.path, self.nested_tf_module = path, nested


def node(block_type, address, file, line=1, module=None, config=None):
    name = address.rsplit(".", 1)[-1]
    return {"block_type_": block_type, "__address__": address, "file_path_": file, "__start_line__": line,
            "source_module_object_": module, "config_": config if config is not None else {"t": {name: {}}}}


def finding(source, resource, status="fail", rule="CT-001", message="msg", **extra):
    return dict(rule_id=rule, status=status, resource=resource, source=source, message=message, **extra)


def test_root_of_a_block_is_its_outermost_module_call():
    inner = Module("/work/modules/base/main.tf", Module("/work/a/main.tf"))
    assert scan_index.root_of("/work/modules/kms/main.tf", inner) == "/work/a"
    assert scan_index.root_of("/work/a/main.tf", None) == "/work/a"
    assert scan_index.root_of("/plans/nvs.json", inner) == "/plans/nvs.json"
    assert scan_index.root_of("/work/a/main.tf.json", None) == "/work/a"


def test_anchor_prefers_default_aws_provider_then_any_provider_then_first_resource():
    index = ScanIndex([node("resource", "aws_s3_bucket.b", "/work/a/main.tf", 5),
                       node("provider", "aws.eu", "/work/a/providers.tf", 9),
                       node("provider", "aws.default", "/work/a/providers.tf", 1),
                       node("provider", "aws.eu", "/work/b/p.tf", 1),
                       node("resource", "aws_s3_bucket.z", "/work/c/a.tf", 9),
                       node("resource", "aws_s3_bucket.y", "/work/c/a.tf", 2),
                       node("module", "module.m", "/work/d/main.tf")])
    assert index.roots == ["/work/a", "/work/b", "/work/c"]
    assert index.anchor("/work/a").address == "aws.default"
    assert index.anchor("/work/b").address == "aws.eu"
    assert index.anchor("/work/c").address == "aws_s3_bucket.y"


def test_blocks_of_terraform_test_files_belong_to_no_input():
    """checkov parses modules/NAME/tests/*.tftest.hcl; terraform does not load them as configuration."""
    in_test = {"region": "us-east-1", "__address__": "aws.default"}
    index = ScanIndex([node("provider", "aws.default", "/work/a/providers.tf"),
                       node("provider", "aws.default", "/work/modules/m/tests/m.tftest.hcl",
                            config={"aws": in_test})])
    assert index.roots == ["/work/a"]
    assert index.locate(in_test, "provider") == []


def test_locate_by_configuration_identity_then_by_address_and_file():
    conf_a, conf_b = {"__address__": "module.m.aws_s3_bucket.x"}, {"__address__": "module.m.aws_s3_bucket.x"}
    shared = "/work/modules/m/main.tf"
    index = ScanIndex([node("resource", "module.m.aws_s3_bucket.x", shared, module=Module("/work/a/main.tf"),
                            config={"aws_s3_bucket": {"x": conf_a}}),
                       node("resource", "module.m.aws_s3_bucket.x", shared, module=Module("/work/b/main.tf"),
                            config={"aws_s3_bucket": {"x": conf_b}}),
                       node("resource", "module.m.aws_s3_bucket.x", "/elsewhere/m/main.tf",
                            module=Module("/elsewhere/c/main.tf"))])
    # one block of one file: it stands for every root calling the module
    assert {e.root for e in index.locate(conf_a, "resource")} == {ROOT_A, ROOT_B}
    # not the graph's own dict: by address, narrowed by checkov's relative file path
    copy = dict(conf_a)
    assert {e.root for e in index.locate(copy, "resource", "/../modules/m/main.tf:aws_s3_bucket:x")} == {ROOT_A, ROOT_B}
    assert {e.root for e in index.locate(copy, "resource", "/m/main.tf:aws_s3_bucket:x")} == {ROOT_A, ROOT_B, "/elsewhere/c"}
    assert index.locate({"__address__": "aws_s3_bucket.nope"}, "resource") == []
    assert index.locate(conf_a, "data") == []


def _verdicts(findings, errors=None, extra_nodes=()):
    index = ScanIndex([node("provider", "aws.default", f"{ROOT_A}/providers.tf"),
                       node("resource", "aws_cloudtrail.t", f"{ROOT_A}/main.tf", 3),
                       node("resource", "aws_s3_bucket.b", f"{ROOT_A}/main.tf", 9),
                       node("resource", "module.logs.aws_s3_bucket.this", "/work/modules/logs/main.tf",
                            module=Module(f"{ROOT_A}/main.tf")),
                       node("data", "data.aws_iam_policy_document.p", f"{ROOT_A}/main.tf", 20), *extra_nodes])
    return index, Verdicts(index, findings, errors or {}, RULES)


def _judge(index, v, rule, block_type, address):
    (entity,) = [e for e in index._by_address[(block_type, address)] if e.root == ROOT_A]
    return v.verdict(rule, [entity])


def test_findings_combine_fail_closed_on_their_block():
    index, v = _verdicts([finding(ROOT_A, "aws_cloudtrail.t", "pass", message="ok"),
                          finding(ROOT_A, "aws_cloudtrail.t", "unknown", message="not known before apply")])
    got = _judge(index, v, "CT-001", "resource", "aws_cloudtrail.t")
    assert got.result == "FAILED"
    assert got.details == [f"input: {verdicts._display(ROOT_A)}", "pass: ok", "unknown: not known before apply",
                           "fix: turn it on"]
    assert _judge(index, v, "RET-001", "resource", "aws_cloudtrail.t") is None  # no finding: no verdict
    assert _judge(index, v, "CT-001", "resource", "aws_s3_bucket.b") is None


def test_suppressed_is_skipped_with_its_reason_unless_something_fails():
    sup = finding(ROOT_A, "aws_s3_bucket.b", "suppressed", suppression={"reason": "SEC-1: retired"})
    index, v = _verdicts([sup, finding(ROOT_A, "aws_s3_bucket.b", "pass", rule="RET-001"),
                          finding(ROOT_A, "aws_s3_bucket.b", "suppressed", rule="RET-001")])
    got = _judge(index, v, "CT-001", "resource", "aws_s3_bucket.b")
    assert (got.result, got.suppress_reason) == ("SKIPPED", "SEC-1: retired")
    assert got.details[1] == "suppressed: msg (suppressed: SEC-1: retired)"
    assert _judge(index, v, "RET-001", "resource", "aws_s3_bucket.b").result == "SKIPPED"
    index, v = _verdicts([sup, finding(ROOT_A, "aws_s3_bucket.b", "fail")])
    assert _judge(index, v, "CT-001", "resource", "aws_s3_bucket.b").result == "FAILED"


def test_account_and_unknown_addresses_go_to_the_anchor_naming_their_subject():
    index, v = _verdicts([finding(ROOT_A, "account", "pass", message="no bucket"),
                          finding(ROOT_A, "aws_flow_log.gone", "fail", message="bad"),
                          finding(ROOT_A, 'aws_s3_bucket.b["x"]', "pass", message="instance ok"),
                          finding(ROOT_A, 'module.logs["a"].aws_s3_bucket.this[0]', "pass", message="i0"),
                          finding(ROOT_A, "data.aws_iam_policy_document.p", "pass", message="doc ok")])
    anchor = _judge(index, v, "CT-001", "provider", "aws.default")
    assert anchor.result == "FAILED"
    assert anchor.details[1:3] == ["pass: account: no bucket", "fail: aws_flow_log.gone: bad"]
    assert _judge(index, v, "CT-001", "resource", "aws_s3_bucket.b").details[1:] == \
        ['pass: aws_s3_bucket.b["x"]: instance ok']
    assert _judge(index, v, "CT-001", "resource", "module.logs.aws_s3_bucket.this").details[1:] == \
        ['pass: module.logs["a"].aws_s3_bucket.this[0]: i0']
    assert _judge(index, v, "CT-001", "data", "data.aws_iam_policy_document.p").details[1:] == ["pass: doc ok"]


def test_block_addresses_strip_instance_keys_for_unexpanded_blocks():
    assert block_addresses("aws_s3_bucket.b") == ["aws_s3_bucket.b"]
    assert block_addresses('module.a["k]"].aws_s3_bucket.b[3]') == [
        'module.a["k]"].aws_s3_bucket.b[3]', 'module.a["k]"].aws_s3_bucket.b', "module.a.aws_s3_bucket.b"]


def test_an_input_auditgate_could_not_read_fails_every_rule_on_its_anchor():
    index, v = _verdicts([], errors={ROOT_A: "main.tf:3:1: syntax error"})
    for rule in ("CT-001", "RET-001"):
        got = _judge(index, v, rule, "provider", "aws.default")
        assert got.result == "FAILED"
        assert "auditgate could not evaluate" in got.details[1] and "main.tf:3:1" in got.details[1]


def test_findings_of_inputs_checkov_does_not_scan_are_reported():
    _, v = _verdicts([finding("/work/zzz", "aws_s3_bucket.b")])
    assert v.unmatched_sources == {"/work/zzz"}


def test_shared_module_block_names_each_roots_finding():
    other = node("resource", "module.logs.aws_s3_bucket.this", "/work/modules/logs/main.tf",
                 module=Module(f"{ROOT_B}/main.tf"))
    index, v = _verdicts([finding(ROOT_A, "module.logs.aws_s3_bucket.this", "pass", message="ok"),
                          finding(ROOT_B, "module.logs.aws_s3_bucket.this", "fail", message="bad")],
                         extra_nodes=[other, node("provider", "aws.default", f"{ROOT_B}/p.tf")])
    entities = index.locate({"__address__": "module.logs.aws_s3_bucket.this"}, "resource")
    got = v.verdict("CT-001", entities)
    assert got.result == "FAILED"
    a, b = verdicts._display(ROOT_A), verdicts._display(ROOT_B)
    assert got.details[:3] == [f"input: {a}, {b}", f"pass: ok (in {a})", f"fail: bad (in {b})"]


def test_detail_line_format():
    assert detail_line("fail", "m") == "fail: m"
    assert detail_line("suppressed", "m", "account", "why", "x") == "suppressed: account: m (suppressed: why) (in x)"


# --- running auditgate --------------------------------------------------------------------------
def fake_auditgate(tmp_path: Path, script: str) -> str:
    exe = tmp_path / "auditgate"
    exe.write_text(f"#!{sys.executable}\nimport json, sys\nargs = sys.argv[1:]\n{script}\n")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    return str(exe)


def test_evaluate_runs_auditgate_once_for_all_inputs(tmp_path, monkeypatch):
    log = tmp_path / "calls"
    monkeypatch.setenv("AUDITGATE_BIN", fake_auditgate(tmp_path, f"""
open({str(log)!r}, "a").write(json.dumps(args) + "\\n")
srcs = args[args.index("--") + 1:]
print(json.dumps({{"version": 1, "findings": [{{"rule_id": "CT-001", "status": "pass", "resource": "account",
                                               "source": s, "message": "m"}} for s in srcs]}}))
"""))
    monkeypatch.setenv("AUDITGATE_ARGS", "--policy p.yaml")
    result = run_auditgate.evaluate(["/r/a", "/r/b"])
    assert [f["source"] for f in result.findings] == ["/r/a", "/r/b"] and not result.errors
    (call,) = [json.loads(line) for line in log.read_text().splitlines()]
    assert call == ["check", "--format", "json", "--unknown", "fail", "--policy", "p.yaml", "--", "/r/a", "/r/b"]


def test_evaluate_isolates_an_input_auditgate_cannot_read(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITGATE_BIN", fake_auditgate(tmp_path, """
srcs = args[args.index("--") + 1:]
if "/r/bad" in srcs:
    sys.stderr.write("auditgate: error: /r/bad/main.tf:1:1: syntax error\\n"); sys.exit(2)
print(json.dumps({"version": 1, "findings": [{"rule_id": "CT-001", "status": "fail", "resource": "account",
                                              "message": "m"} for s in srcs]}))
sys.exit(1)
"""))
    result = run_auditgate.evaluate(["/r/a", "/r/bad"])
    assert [f["source"] for f in result.findings] == ["/r/a"]
    assert result.errors == {"/r/bad": "auditgate: error: /r/bad/main.tf:1:1: syntax error"}


@pytest.mark.parametrize("script, needle", [
    ("sys.stderr.write('boom\\n'); sys.exit(3)", "exit 3"),
    ("print('not json')", "no JSON"),
    ("print(json.dumps({'version': 2}))", "unexpected document"),
])
def test_evaluate_turns_auditgate_failures_into_errors_for_every_input(tmp_path, monkeypatch, script, needle):
    monkeypatch.setenv("AUDITGATE_BIN", fake_auditgate(tmp_path, script))
    result = run_auditgate.evaluate(["/r/a", "/r/b"])
    assert not result.findings and set(result.errors) == {"/r/a", "/r/b"}
    assert all(needle in e for e in result.errors.values()), result.errors


def test_missing_auditgate_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.delenv("AUDITGATE_BIN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(run_auditgate.AuditgateError, match="AUDITGATE_BIN"):
        run_auditgate.list_rules()
    monkeypatch.setenv("AUDITGATE_BIN", str(tmp_path / "nope"))
    with pytest.raises(run_auditgate.AuditgateError, match="cannot run"):
        run_auditgate.list_rules()


def test_reserved_options_cannot_come_from_auditgate_args(monkeypatch):
    monkeypatch.setenv("AUDITGATE_ARGS", "--format=text")
    with pytest.raises(run_auditgate.AuditgateError, match="--format"):
        run_auditgate.extra_args()


def test_list_rules_reads_the_real_cli(monkeypatch):
    from .env import auditgate_command
    monkeypatch.setenv("AUDITGATE_BIN", " ".join(auditgate_command()))
    from lint_rules.engine import all_rules
    assert [r["id"] for r in run_auditgate.list_rules()] == [r.id for r in all_rules()]


def test_scan_without_auditgate_fails_every_block_with_the_reason(monkeypatch, tmp_path):
    monkeypatch.setattr(scan_state, "_RULES", None)
    monkeypatch.setenv("AUDITGATE_BIN", str(tmp_path / "no-auditgate"))
    state = scan_state.ScanState(graph=None)
    got = state.verdict("CT-001", {"__address__": "aws_s3_bucket.b"}, "resource", "")
    assert got.result == "FAILED" and "cannot run" in got.details[0]
