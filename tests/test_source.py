"""A plan read beside its configuration's source (``--tf-dir`` / ``--source-dir``, or the current
directory when it is the plan's root module): references through locals, dynamic blocks and for_each
maps, and file:line locations.

The plans under ``fixtures/source/plans`` were made by terraform 1.11 itself from the directories
beside them (see ``fixtures/source/README.md``): what terraform records, and what it does not, is
terraform's, not ours.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lint_rules.cli import main
from lint_rules.engine import evaluate
from lint_rules.loaders import load_path
from lint_rules.loaders.hcl import load_hcl_dir
from lint_rules.loaders.plan import load_plan_document
from lint_rules.loaders.source import attach_source, declared_blocks, detect_source_dir, plan_root_blocks

from .helpers import POLICY, REPO
from .planbuilder import PlanBuilder

SOURCES = REPO / "tests" / "fixtures" / "source"
PLANS = SOURCES / "plans"
CASES = ("caller_identity_locals", "secure_baseline_like", "foreach_locals", "dynamic_selector")

TRAIL = "aws_cloudtrail.main"
SB = "module.secure_baseline."
SB_TRAIL = SB + "module.cloudtrail_baseline[0].aws_cloudtrail.global"
SB_BUCKET = SB + "module.audit_log_bucket[0].aws_s3_bucket.content"
SB_CHANNEL = SB + "aws_config_delivery_channel.bucket"

# What each idiom hides behind its locals: (rule, subject) -> verdict from the source (as in HCL mode).
# Without the source, none of them may pass.
BEHIND_LOCALS = {
    "caller_identity_locals": {("CT-005", TRAIL): "pass", ("CT-008", TRAIL): "pass", ("CT-009", TRAIL): "pass",
                               ("RET-001", TRAIL): "pass"},
    "secure_baseline_like": {("ENC-002", SB_BUCKET): "fail", ("ENC-004", SB_CHANNEL): "fail",
                             ("CFG-003", SB_CHANNEL): "pass", ("CT-008", SB_TRAIL): "pass",
                             ("CT-009", SB_TRAIL): "pass", ("RET-001", SB_TRAIL): "pass",
                             ("RET-003", SB_CHANNEL): "pass"},
    "foreach_locals": {("FL-001", "aws_vpc.app"): "pass", ("FL-001", "aws_vpc.data"): "pass"},
    "dynamic_selector": {("CT-003", TRAIL): "pass"},
}


def plan_doc(case: str) -> dict:
    return json.loads((PLANS / f"{case}.json").read_text())


def plan_model(case: str, source: Path | None = None):
    return load_path(str(PLANS / f"{case}.json"), source_dir=str(source) if source else None)


def results(model) -> dict[tuple[str, str], str]:
    """{(rule, subject): status}; subjects with several findings of one rule keep them all, sorted."""
    out: dict[tuple[str, str], list[str]] = {}
    for f in evaluate(model, POLICY).findings:
        if not f.rule_id.startswith("PLN-"):  # plan-only rules have no HCL counterpart
            out.setdefault((f.rule_id, f.resource), []).append(f.status)
    return {k: ",".join(sorted(v)) for k, v in out.items()}


@pytest.fixture(scope="module")
def hcl_results():
    return {case: results(load_hcl_dir(SOURCES / case)) for case in CASES}


@pytest.mark.parametrize("case", CASES)
def test_with_the_source_a_plan_gives_the_verdicts_of_hcl_mode(case, hcl_results):
    with_source = results(plan_model(case, SOURCES / case))
    assert with_source == hcl_results[case]
    for key, status in BEHIND_LOCALS[case].items():
        assert with_source.get(key) == status, key


@pytest.mark.parametrize("case", CASES)
def test_without_the_source_what_hides_behind_locals_is_never_a_pass(case):
    alone = results(plan_model(case))
    for key, status in BEHIND_LOCALS[case].items():
        assert alone.get(key) in (None, "unknown"), (key, alone.get(key))
    assert any(alone.get(key) == "unknown" for key in BEHIND_LOCALS[case])


def test_a_real_failure_behind_a_local_surfaces_only_with_the_source():
    alone = results(plan_model("secure_baseline_like"))
    with_source = results(plan_model("secure_baseline_like", SOURCES / "secure_baseline_like"))
    # SSE-S3 on the audit bucket, reached only through local.audit_log_bucket_id
    assert ("ENC-002", SB_BUCKET) not in alone and alone[("ENC-002", SB_TRAIL)] == "unknown"
    assert with_source[("ENC-002", SB_BUCKET)] == "fail"


def test_plan_values_stay_terraforms():
    alone = plan_model("secure_baseline_like")
    with_source = plan_model("secure_baseline_like", SOURCES / "secure_baseline_like")
    assert [r.address for r in alone] == [r.address for r in with_source]
    for a, b in zip(alone, with_source):
        assert a.values == b.values and a.actions == b.actions and a.index == b.index, a.address
        for path, targets in a.refs.items():  # what the plan recorded is still there
            assert set(targets) <= set(b.refs[path]), (a.address, path)


def test_locations_are_the_blocks_in_the_source_as_in_hcl_mode():
    case = "secure_baseline_like"
    source = SOURCES / case
    hcl = {(f.rule_id, f.resource): (f.file, f.line) for f in evaluate(load_hcl_dir(source), POLICY).findings}
    findings = evaluate(plan_model(case, source), POLICY).findings
    located = [f for f in findings if f.resource != "account"]
    assert located
    for f in located:
        assert f.file.endswith(".tf") and isinstance(f.line, int), f
        if (f.rule_id, f.resource) in hcl:
            assert (f.file, f.line) == hcl[(f.rule_id, f.resource)]
    trail = next(f for f in located if f.resource == SB_TRAIL)
    assert Path(trail.file) == source / "modules" / "cloudtrail-baseline" / "main.tf"
    text = Path(trail.file).read_text().splitlines()
    assert text[trail.line - 1].startswith('resource "aws_cloudtrail" "global"')


def test_the_model_names_the_directory_of_its_configuration():
    source = SOURCES / "secure_baseline_like"
    assert plan_model("secure_baseline_like").config_dir is None
    assert plan_model("secure_baseline_like", source).config_dir == str(source)
    assert load_hcl_dir(source).config_dir == str(source)
    # a source that does not match supplies nothing, not even its directory
    assert plan_model("secure_baseline_like", SOURCES / "foreach_locals").config_dir is None


def test_instance_keys_are_stripped_to_find_the_block():
    model = plan_model("foreach_locals", SOURCES / "foreach_locals")
    flow = model.get('aws_flow_log.this["data"]')
    lines = (SOURCES / "foreach_locals" / "main.tf").read_text().splitlines()
    assert lines[flow.line - 1] == 'resource "aws_flow_log" "this" {'


def test_baseline_plan_with_its_source_stays_clean_and_located():
    model = load_path(str(REPO / "tests" / "fixtures" / "plans" / "nvs.json"),
                      source_dir=str(REPO / "terraform" / "nvs"))
    report = evaluate(model, POLICY)
    assert {f.status for f in report.findings} == {"pass"}
    assert all(f.file.endswith(".tf") and f.line for f in report.findings if f.resource != "account")


# --- a source that does not match -------------------------------------------------------------------
def test_another_configuration_is_a_note_and_supplies_nothing():
    alone = plan_model("caller_identity_locals")
    other = plan_model("caller_identity_locals", SOURCES / "foreach_locals")
    assert any("does not match the plan" in n and "aws_cloudtrail.main is in the plan, not in the source" in n
               for n in other.diagnostics)
    assert results(other) == results(alone)
    assert all(r.file == str(PLANS / "caller_identity_locals.json") and r.line is None for r in other)


def test_a_source_edited_since_the_plan_is_a_note(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(SOURCES / "caller_identity_locals", source)
    with open(source / "main.tf", "a") as f:
        f.write('\nresource "aws_s3_bucket" "added_later" {\n  bucket = "x"\n}\n')
    model = plan_model("caller_identity_locals", source)
    assert any("aws_s3_bucket.added_later is in the source, not in the plan" in n for n in model.diagnostics)
    assert results(model)[("CT-005", TRAIL)] == "unknown"


# --- mechanics on hand-made plans -------------------------------------------------------------------
def _write(directory: Path, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "main.tf").write_text(text)
    return directory


KEYS = '''
resource "aws_kms_key" "a" {
  enable_key_rotation = true
}
resource "aws_kms_key" "b" {
  enable_key_rotation = false
}
'''


def _keys_plan() -> PlanBuilder:
    p = PlanBuilder()
    p.resource("aws_kms_key.a", {"enable_key_rotation": True}, unknown=["arn", "id", "key_id"])
    p.resource("aws_kms_key.b", {"enable_key_rotation": False}, unknown=["arn", "id", "key_id"])
    return p


def test_references_the_plan_records_are_not_replaced(tmp_path):
    """Where the plan's configuration records the expression's references, the source adds nothing."""
    source = _write(tmp_path, KEYS + 'resource "aws_cloudwatch_log_group" "g" {\n  name       = "g"\n'
                                     '  kms_key_id = aws_kms_key.b.arn\n}\n')
    p = _keys_plan().resource("aws_cloudwatch_log_group.g", {"name": "g"}, unknown=["kms_key_id", "arn"],
                              refs={"kms_key_id": ["aws_kms_key.a.arn"]})
    doc = p.build()
    model = attach_source(load_plan_document(doc, "p.json"), doc, str(source))
    assert model.get("aws_cloudwatch_log_group.g").refs["kms_key_id"] == ("aws_kms_key.a",)


def test_a_branch_not_taken_is_dropped_when_the_source_resolves_the_local(tmp_path):
    """`c ? aws_kms_key.x[0].arn : aws_kms_key.y[0].arn`: terraform records both branches; the one whose
    instance does not exist cannot be the value."""
    source = _write(tmp_path, '''
variable "use_x" {
  type    = bool
  default = false
}
locals {
  key = var.use_x ? aws_kms_key.x[0].arn : aws_kms_key.y[0].arn
}
resource "aws_kms_key" "x" {
  count               = var.use_x ? 1 : 0
  enable_key_rotation = false
}
resource "aws_kms_key" "y" {
  count               = var.use_x ? 0 : 1
  enable_key_rotation = true
}
resource "aws_cloudwatch_log_group" "g" {
  name       = "g"
  kms_key_id = var.use_x ? aws_kms_key.x[0].arn : local.key
}
''')
    p = PlanBuilder().variable("use_x", False)
    p.resource("aws_kms_key.y[0]", {"enable_key_rotation": True}, unknown=["arn", "id", "key_id"], count=True)
    p.resource("aws_cloudwatch_log_group.g", {"name": "g"}, unknown=["kms_key_id", "arn"],
               refs={"kms_key_id": ["var.use_x", "aws_kms_key.x[0].arn", "local.key"]})
    doc = p.build()
    # terraform's configuration lists the resource block with count 0 too
    doc["configuration"]["root_module"]["resources"].append(
        {"address": "aws_kms_key.x", "mode": "managed", "type": "aws_kms_key", "name": "x",
         "provider_config_key": "aws", "expressions": {}, "schema_version": 0,
         "count_expression": {"references": ["var.use_x"]}})
    alone = load_plan_document(doc, "p.json")
    assert alone.get("aws_cloudwatch_log_group.g").refs["kms_key_id"] == ("aws_kms_key.x[0]",)
    model = attach_source(alone, doc, str(source))
    assert model.get("aws_cloudwatch_log_group.g").refs["kms_key_id"] == ("aws_kms_key.y[0]",)
    assert results(model)[("ENC-001", "aws_cloudwatch_log_group.g")] == "pass"


def test_the_plans_variables_are_the_sources_values(tmp_path):
    """The source is evaluated with the values terraform planned with, not the defaults."""
    source = _write(tmp_path, KEYS + '''
variable "strong" {
  type    = bool
  default = false
}
locals {
  key = var.strong ? aws_kms_key.a.arn : aws_kms_key.b.arn
}
resource "aws_cloudwatch_log_group" "g" {
  name       = "g"
  kms_key_id = local.key
}
''')
    p = _keys_plan().variable("strong", True)
    p.resource("aws_cloudwatch_log_group.g", {"name": "g"}, unknown=["kms_key_id", "arn"],
               refs={"kms_key_id": ["local.key"]})
    doc = p.build()
    model = attach_source(load_plan_document(doc, "p.json"), doc, str(source))
    assert model.get("aws_cloudwatch_log_group.g").refs["kms_key_id"] == ("aws_kms_key.a",)


def test_values_known_in_the_plan_reach_the_source(tmp_path):
    """A data source read at plan time decides a count in the source as it did in terraform."""
    source = _write(tmp_path, KEYS + '''
data "aws_region" "current" {}
locals {
  key = data.aws_region.current.name == "us-east-1" ? aws_kms_key.a.arn : aws_kms_key.b.arn
}
resource "aws_cloudwatch_log_group" "g" {
  name       = "g"
  kms_key_id = local.key
}
''')
    p = _keys_plan()
    p.resource("data.aws_region.current", {"name": "us-east-1", "id": "us-east-1"})
    p.resource("aws_cloudwatch_log_group.g", {"name": "g"}, unknown=["kms_key_id", "arn"],
               refs={"kms_key_id": ["local.key"]})
    doc = p.build()
    model = attach_source(load_plan_document(doc, "p.json"), doc, str(source))
    refs = model.get("aws_cloudwatch_log_group.g").refs["kms_key_id"]
    assert "aws_kms_key.a" in refs and "aws_kms_key.b" not in refs


# --- finding the root module in the current directory -----------------------------------------------
def test_declared_blocks_of_hcl_and_json_syntax(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "a" {\n}\ndata aws_region here {}\n'
                                      'module "m" {\n  source = "./m"\n}\n  resource "nested" "x" {}\n')
    (tmp_path / "extra.tf.json").write_text(json.dumps({"resource": {"aws_kms_key": {"k": {}}},
                                                        "data": [{"aws_partition": {"p": {}}}]}))
    (tmp_path / "override.tf").write_text('resource "aws_s3_bucket" "a" {\n  bucket = "x"\n}\n')
    assert declared_blocks(str(tmp_path)) == {"aws_s3_bucket.a", "data.aws_region.here", "module.m",
                                              "aws_kms_key.k", "data.aws_partition.p"}
    assert declared_blocks(str(tmp_path / "missing")) is None


@pytest.mark.parametrize("case", CASES)
def test_each_case_is_detected_as_its_plans_root(case):
    doc = plan_doc(case)
    assert plan_root_blocks(doc) == declared_blocks(str(SOURCES / case))
    assert detect_source_dir(doc, str(SOURCES / case)) == str(SOURCES / case)
    others = [c for c in CASES if c != case]
    assert all(detect_source_dir(doc, str(SOURCES / c)) is None for c in others)


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _findings(out: str) -> dict[tuple[str, str], dict]:
    return {(f["rule_id"], f["resource"]): f for f in json.loads(out)["findings"]}


def test_the_current_directory_is_used_when_it_is_the_plans_root(tmp_path, capsys, monkeypatch):
    root = tmp_path / "root"
    shutil.copytree(SOURCES / "caller_identity_locals", root)
    monkeypatch.chdir(root)
    code, out, err = run(capsys, "check", str(PLANS / "caller_identity_locals.json"), "--select", "CT-005",
                         "--show-pass")
    assert "current directory is this plan's root module" in err
    assert "main.tf:" in out and "CT-005 PASS aws_cloudtrail.main" in out
    monkeypatch.chdir(tmp_path)  # not the root: the plan alone
    code, out, err = run(capsys, "check", str(PLANS / "caller_identity_locals.json"), "--select", "CT-005")
    assert "root module" not in err and "CT-005 UNKNOWN aws_cloudtrail.main" in out


def test_a_current_directory_that_cannot_be_read_is_a_note(tmp_path, capsys, monkeypatch):
    root = tmp_path / "root"
    shutil.copytree(SOURCES / "caller_identity_locals", root)
    (root / "broken.tf").write_text("locals {\n  x = = 1\n}\n")
    monkeypatch.chdir(root)
    code, out, err = run(capsys, "check", str(PLANS / "caller_identity_locals.json"), "--select", "CT-005")
    assert code == 1 and "cannot be read" in err and "broken.tf:2" in err
    assert "CT-005 UNKNOWN" in out


# --- the command line ----------------------------------------------------------------------------
@pytest.mark.parametrize("option", ["--tf-dir", "--source-dir"])
def test_cli_reads_the_source_and_locates_findings(capsys, option):
    plan, source = PLANS / "secure_baseline_like.json", SOURCES / "secure_baseline_like"
    code, out, err = run(capsys, "check", "--format", "json", str(plan), option, str(source))
    found = _findings(out)
    assert code == 1
    assert found[("ENC-002", SB_BUCKET)]["status"] == "fail"
    assert found[("ENC-002", SB_BUCKET)]["file"] == str(source / "modules" / "secure-bucket" / "main.tf")
    assert found[("ENC-002", SB_BUCKET)]["line"] == 5


def test_cli_tf_dir_alone_still_lints_the_directory_as_hcl(capsys):
    code, out, _ = run(capsys, "check", "--format", "json", "--tf-dir", str(SOURCES / "foreach_locals"),
                       "--select", "FL-001")
    found = _findings(out)
    assert found[("FL-001", "aws_vpc.app")]["status"] == "pass"


def test_cli_one_source_per_plan_in_order(capsys):
    code, out, err = run(capsys, "check", "--format", "json", "--select", "CT-003,FL-001",
                         str(PLANS / "dynamic_selector.json"), str(PLANS / "foreach_locals.json"),
                         "--tf-dir", str(SOURCES / "dynamic_selector"), "--tf-dir", str(SOURCES / "foreach_locals"))
    found = _findings(out)
    assert found[("CT-003", TRAIL)]["status"] == "pass"
    assert found[("FL-001", "aws_vpc.data")]["status"] == "pass"


@pytest.mark.parametrize("make, expect", [
    (lambda tmp: tmp / "missing", "no such directory"),
    (lambda tmp: _write(tmp / "bad", 'resource "aws_s3_bucket" "b" {\n  bucket = = "x"\n}\n'), "main.tf:2"),
    (lambda tmp: (tmp / "file.tf").write_text("") * 0 or tmp / "file.tf", "not a directory"),
])
def test_cli_bad_source_is_exit_2_one_line(tmp_path, capsys, make, expect):
    target = make(tmp_path)
    code, out, err = run(capsys, "check", str(PLANS / "caller_identity_locals.json"), "--tf-dir", str(target))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and expect in err and "Traceback" not in err


def test_cli_sources_that_cannot_be_paired_are_exit_2(capsys):
    plans = [str(PLANS / f"{c}.json") for c in CASES[:2]]
    code, _, err = run(capsys, "check", *plans, *sum((["--tf-dir", str(SOURCES / c)] for c in CASES[:3]), []))
    assert code == 2 and "one per plan" in err and len(err.strip().splitlines()) == 1


# --- the pytest plugin ---------------------------------------------------------------------------
def test_pytest_tfplan_with_tf_dir_reads_the_source(tmp_path):
    from .test_pytest_plugin import run_pytest

    plan, source = PLANS / "caller_identity_locals.json", SOURCES / "caller_identity_locals"
    code, out = run_pytest(tmp_path, "--tfplan", "-", "--tf-dir", str(source), "-k", "CT-005", "-v",
                           stdin=plan.read_bytes())
    assert code == 0, out[-2000:]
    assert "read the plan's configuration from" in out and "1 passed" in out
    code, out = run_pytest(tmp_path, "--tfplan", str(plan), "-k", "CT-005")
    assert code == 1 and "CT-005 UNKNOWN aws_cloudtrail.main" in out


def test_pytest_tf_dir_that_cannot_be_read_is_a_usage_error(tmp_path):
    from .test_pytest_plugin import run_pytest

    code, out = run_pytest(tmp_path, "--tfplan", str(PLANS / "caller_identity_locals.json"),
                           "--tf-dir", str(tmp_path / "missing"))
    assert code == 4
    errors = [line for line in out.splitlines() if line.startswith("ERROR: auditgate:")]
    assert len(errors) == 1 and "no such directory" in errors[0]


def test_a_module_the_source_does_not_hold_is_not_compared(tmp_path):
    """A registry module not downloaded: its resources keep the plan's own references and location,
    the rest of the configuration still supplies its links."""
    source = _write(tmp_path, KEYS + '''
locals {
  key = aws_kms_key.a.arn
}
module "logs" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "4.1.0"
  bucket  = "acme-logs"
}
resource "aws_cloudwatch_log_group" "g" {
  name       = "g"
  kms_key_id = local.key
}
''')
    p = _keys_plan().module_call("logs", source="terraform-aws-modules/s3-bucket/aws",
                                 inputs={"bucket": "acme-logs"})
    p.resource("module.logs.aws_s3_bucket.this[0]", {"bucket": "acme-logs"}, unknown=["arn", "id"], count=True)
    p.resource("aws_cloudwatch_log_group.g", {"name": "g"}, unknown=["kms_key_id", "arn"],
               refs={"kms_key_id": ["local.key"]})
    doc = p.build()
    model = attach_source(load_plan_document(doc, "p.json"), doc, str(source))
    assert not any("does not match" in n for n in model.diagnostics)
    assert model.get("aws_cloudwatch_log_group.g").refs["kms_key_id"] == ("aws_kms_key.a",)
    assert model.get("aws_cloudwatch_log_group.g").file == str(source / "main.tf")
    bucket = model.get("module.logs.aws_s3_bucket.this[0]")
    assert bucket.file == "p.json" and bucket.line is None


def test_a_plan_without_configuration_takes_every_link_from_the_source(tmp_path):
    source = _write(tmp_path, KEYS + 'resource "aws_cloudwatch_log_group" "g" {\n  name       = "g"\n'
                                     '  kms_key_id = aws_kms_key.a.arn\n}\n')
    p = _keys_plan().resource("aws_cloudwatch_log_group.g", {"name": "g"}, unknown=["kms_key_id", "arn"])
    doc = p.build()
    del doc["configuration"]
    alone = load_plan_document(doc, "p.json")
    assert not alone.has_references and results(alone)[("ENC-001", "aws_cloudwatch_log_group.g")] == "unknown"
    model = attach_source(alone, doc, str(source))
    assert model.has_references and results(model)[("ENC-001", "aws_cloudwatch_log_group.g")] == "pass"


def test_an_instance_the_source_cannot_key_links_within_its_own_module_instance(tmp_path):
    """A module whose for_each keys the HCL loader cannot compute (a function it does not know) is
    checked there as one unkeyed instance; its links land in the plan's matching module instance."""
    _write(tmp_path / "m", '''
locals {
  key = aws_kms_key.k.arn
}
resource "aws_kms_key" "k" {
  enable_key_rotation = true
}
resource "aws_cloudwatch_log_group" "g" {
  name       = "g"
  kms_key_id = local.key
}
''')
    source = _write(tmp_path, '''
module "m" {
  source   = "./m"
  for_each = toset(regexall("[a-z]+", "ab cd"))
}
''')
    p = PlanBuilder().module_call("m", source="./m", for_each="local.unused")
    for key in ("ab", "cd"):
        p.resource(f'module.m["{key}"].aws_kms_key.k', {"enable_key_rotation": True}, unknown=["arn", "id"])
        p.resource(f'module.m["{key}"].aws_cloudwatch_log_group.g', {"name": "g"}, unknown=["kms_key_id", "arn"],
                   refs={"kms_key_id": ["local.key"]})
    doc = p.build()
    model = attach_source(load_plan_document(doc, "p.json"), doc, str(source))
    assert not any("does not match" in n for n in model.diagnostics), model.diagnostics
    for key in ("ab", "cd"):
        group = model.get(f'module.m["{key}"].aws_cloudwatch_log_group.g')
        assert group.refs["kms_key_id"] == (f'module.m["{key}"].aws_kms_key.k',)
        assert group.file == str(tmp_path / "m" / "main.tf") and group.line == 8
