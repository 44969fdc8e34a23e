"""The plan loader: ``terraform show -json`` documents -> Model, and every way input can be bad."""
from __future__ import annotations

import copy
import json
import zipfile
from pathlib import Path

import jsonschema
import pytest

from lint_rules.errors import InputError
from lint_rules.loaders import load_path
from lint_rules.loaders.plan import load_plan_document, load_plan_text, parse_address, plan_schema
from lint_rules.loaders.plan_schema import (FAST_CHECKED_PROPERTIES, VALID_ACTIONS, _fast_config_resource,
                                            _fast_expressions, _fast_resource_change, _fast_resource_values,
                                            _skeleton_call)
from lint_rules.model import UNKNOWN, Model

from .planbuilder import PlanBuilder

BAD = Path(__file__).resolve().parent / "fixtures" / "bad_input"
SRC = "plan.json"


def load(doc: dict) -> Model:
    return load_plan_text(json.dumps(doc), SRC)


def change_of(doc: dict, address: str) -> dict:
    return next(rc for rc in doc["resource_changes"] if rc["address"] == address)


# ---------------------------------------------------------------------------
# values and unknowns
# ---------------------------------------------------------------------------


def trail_plan() -> PlanBuilder:
    p = PlanBuilder()
    p.resource("aws_s3_bucket.logs", {"bucket": "audit-logs"}, unknown=["arn", "id"])
    p.resource(
        "aws_cloudtrail.main",
        {"name": "org-trail", "is_multi_region_trail": True,
         "event_selector": [{"read_write_type": "All",
                             "data_resource": [{"type": "AWS::S3::Object", "values": ["x"]}]}]},
        unknown=["arn", "kms_key_id", "event_selector.0.data_resource.0.values"],
        refs={"s3_bucket_name": ["aws_s3_bucket.logs.id"],
              "event_selector.0.data_resource.0.values": ["aws_s3_bucket.logs.arn"]})
    return p


def test_unknown_values_top_level_and_nested():
    model = load(trail_plan().build())
    trail = model.get("aws_cloudtrail.main")
    assert trail.values["arn"] is UNKNOWN
    assert trail.get("kms_key_id") is UNKNOWN
    assert trail.get("event_selector.0.data_resource.0.values") is UNKNOWN
    assert trail.get("event_selector.0.data_resource.0.type") == "AWS::S3::Object"
    assert trail.get("event_selector.0.read_write_type") == "All"
    assert trail.values["name"] == "org-trail"
    assert trail.values["is_multi_region_trail"] is True
    assert model.get("aws_s3_bucket.logs").values["bucket"] == "audit-logs"


def test_unknown_list_entries_whole_blocks_and_map_keys():
    doc = trail_plan().build()
    rc = change_of(doc, "aws_s3_bucket.logs")
    rc["change"]["after"].update({
        "tags": {"Team": "sec"},
        "cors_rule": [{"allowed_origins": ["a", None]}],
        "grant": [{"id": "g1"}, None],
        "lifecycle_rule": [],
    })
    rc["change"]["after_unknown"].update({
        "tags": {"Team": False, "Owner": True},
        "cors_rule": [{"allowed_origins": [False, True]}],
        "grant": [False, {"permissions": True}],
        "lifecycle_rule": True,
        "website": [{"endpoint": True}],
    })
    before = copy.deepcopy(doc)
    bucket = load_plan_document(doc, SRC).get("aws_s3_bucket.logs")
    assert doc == before, "the loader must not change the caller's document"
    assert bucket.values["tags"] == {"Team": "sec", "Owner": UNKNOWN}
    assert bucket.get("cors_rule.0.allowed_origins") == ["a", UNKNOWN]
    assert bucket.get("grant.0.id") == "g1"
    assert bucket.get("grant.1.permissions") is UNKNOWN
    assert bucket.values["lifecycle_rule"] is UNKNOWN
    assert bucket.get("website.0.endpoint") is UNKNOWN
    assert bucket.blocks("lifecycle_rule") == []


def test_whole_object_unknown():
    p = PlanBuilder()
    p.resource("data.aws_iam_policy_document.d", {"json": None, "statement": []}, actions=["read"])
    doc = p.build()
    doc["resource_changes"][0]["change"]["after_unknown"] = True
    model = load(doc)
    assert model.get("data.aws_iam_policy_document.d").values == {"json": UNKNOWN, "statement": UNKNOWN}
    assert any("known only after apply" in d for d in model.diagnostics)


def test_sensitive_values_are_kept_as_is():
    p = PlanBuilder()
    p.resource("aws_ssm_parameter.p", {"name": "p", "value": "s3cr3t", "type": "SecureString"},
               sensitive=["value"])
    param = load(p.build()).get("aws_ssm_parameter.p")
    assert param.values["value"] == "s3cr3t"


def test_resource_fields_file_line_actions():
    model = load(trail_plan().build())
    assert model.kind == "plan" and model.source == SRC
    trail = model.get("aws_cloudtrail.main")
    assert (trail.mode, trail.type, trail.name, trail.module_path, trail.index) == (
        "managed", "aws_cloudtrail", "main", "", None)
    assert trail.file == SRC and trail.line is None
    assert trail.actions == ("create",)


# ---------------------------------------------------------------------------
# which instances exist after apply
# ---------------------------------------------------------------------------


def test_deleted_and_forgotten_resources_are_left_out_replacements_kept():
    p = PlanBuilder()
    p.resource("aws_s3_bucket.gone", {"bucket": "gone"}, actions=["delete"], before={"bucket": "gone"})
    p.resource("aws_s3_bucket.forgotten", {"bucket": "f"}, actions=["forget"], before={"bucket": "f"})
    p.resource("aws_s3_bucket.replaced", {"bucket": "r2"}, actions=["delete", "create"],
               before={"bucket": "r1"})
    p.resource("aws_s3_bucket.cbd", {"bucket": "c2"}, actions=["create", "delete"],
               before={"bucket": "c1"})
    p.resource("aws_s3_bucket.kept", {"bucket": "k"}, actions=["no-op"], before={"bucket": "k"})
    p.resource("aws_s3_bucket.changed", {"bucket": "u"}, actions=["update"], before={"bucket": "u0"})
    doc = p.build()
    # terraform writes after = null for deletions
    change_of(doc, "aws_s3_bucket.gone")["change"]["after"] = None
    # a deposed object of a replacement is always destroyed and is not a resource
    deposed = copy.deepcopy(change_of(doc, "aws_s3_bucket.replaced"))
    deposed.update(deposed="00000001")
    deposed["change"].update(actions=["delete"], after=None, before={"bucket": "old"})
    doc["resource_changes"].append(deposed)
    # drift is what changed outside terraform, not what will exist
    doc["resource_drift"] = [dict(change_of(doc, "aws_s3_bucket.kept"), address="aws_s3_bucket.drifted",
                                  name="drifted")]
    model = load(doc)
    assert sorted(r.address for r in model) == [
        "aws_s3_bucket.cbd", "aws_s3_bucket.changed", "aws_s3_bucket.kept", "aws_s3_bucket.replaced"]
    assert model.get("aws_s3_bucket.replaced").values["bucket"] == "r2"
    assert model.get("aws_s3_bucket.replaced").actions == ("delete", "create")
    assert model.get("aws_s3_bucket.changed").actions == ("update",)


def test_change_with_null_after_is_skipped():
    p = PlanBuilder()
    p.resource("aws_lambda_permission.p[0]", {"action": "lambda:InvokeFunction"}, actions=["no-op"])
    doc = p.build()
    doc["resource_changes"][0]["change"]["after"] = None
    doc["planned_values"]["root_module"]["resources"] = []
    assert len(load(doc)) == 0


def test_data_sources_from_prior_state_and_read_changes():
    p = PlanBuilder()
    p.resource("data.aws_caller_identity.current", {"account_id": "123456789012"})
    p.resource("module.m.data.aws_region.here", {"name": "us-east-1"})
    p.resource("data.aws_iam_policy_document.trail", {"json": "{}"}, actions=["read"],
               unknown=["json"], refs={"statement.0.resources": ["aws_s3_bucket.logs.arn"]})
    p.resource("aws_s3_bucket.logs", {"bucket": "logs"})
    doc = p.build()
    assert {r["address"] for r in doc["prior_state"]["values"]["root_module"]["resources"]} == {
        "data.aws_caller_identity.current", "module.m.data.aws_region.here"}
    # prior_state keeps module data sources in child_modules in a real plan
    root = doc["prior_state"]["values"]["root_module"]
    mod_res = [r for r in root["resources"] if r["address"].startswith("module.")]
    root["resources"] = [r for r in root["resources"] if not r["address"].startswith("module.")]
    root["child_modules"] = [{"address": "module.m", "resources": mod_res}]
    model = load(doc)
    caller = model.get("data.aws_caller_identity.current")
    assert caller.mode == "data" and caller.values["account_id"] == "123456789012"
    region = model.get("module.m.data.aws_region.here")
    assert region.module_path == "module.m" and region.type == "aws_region"
    read = model.get("data.aws_iam_policy_document.trail")
    assert read.mode == "data" and read.values["json"] is UNKNOWN and read.actions == ("read",)
    assert read.refs == {"statement.0.resources": ("aws_s3_bucket.logs",)}
    assert [r.address for r in model.data("aws_caller_identity")] == ["data.aws_caller_identity.current"]
    assert model.of_type("aws_caller_identity") == []


def test_data_source_read_at_apply_wins_over_prior_state():
    p = PlanBuilder()
    p.resource("data.aws_kms_key.k", {"key_id": "abc"}, actions=["read"], unknown=["arn"])
    doc = p.build()
    doc["prior_state"] = {"format_version": "1.0", "values": {"root_module": {"resources": [
        {"address": "data.aws_kms_key.k", "mode": "data", "type": "aws_kms_key", "name": "k",
         "values": {"key_id": "abc", "arn": "old-arn"}}]}}}
    model = load(doc)
    assert len(model) == 1
    assert model.get("data.aws_kms_key.k").values["arn"] is UNKNOWN


def test_old_plan_without_resource_changes_falls_back_to_planned_values():
    p = PlanBuilder(terraform_version="0.12.31")
    p.resource("aws_kms_key.k", {"enable_key_rotation": True})
    p.resource("module.logs.aws_cloudwatch_log_group.g[0]", {"name": "app", "retention_in_days": 90},
               refs={"kms_key_id": ["var.key"]}, count=True)
    p.module_call("logs", inputs={"key": ["aws_kms_key.k.arn"]})
    doc = p.build()
    doc["format_version"] = "0.1"
    del doc["resource_changes"]
    model = load(doc)
    assert sorted(r.address for r in model) == ["aws_kms_key.k", "module.logs.aws_cloudwatch_log_group.g[0]"]
    group = model.get("module.logs.aws_cloudwatch_log_group.g[0]")
    assert group.module_path == "module.logs" and group.index == 0
    assert group.values["retention_in_days"] == 90
    assert group.refs == {"kms_key_id": ("aws_kms_key.k",)}
    assert any("planned_values" in d for d in model.diagnostics)


def test_planned_values_only_instances_are_added():
    p = PlanBuilder()
    p.resource("aws_s3_bucket.a", {"bucket": "a"})
    doc = p.build()
    doc["planned_values"]["root_module"]["resources"].append(
        {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
         "values": {"bucket": "b"}})
    assert sorted(r.address for r in load(doc)) == ["aws_s3_bucket.a", "aws_s3_bucket.b"]


# ---------------------------------------------------------------------------
# addresses, modules, instance keys
# ---------------------------------------------------------------------------


def test_count_and_for_each_instances():
    p = PlanBuilder()
    for i in range(2):
        p.resource(f"aws_kms_key.k[{i}]", {"enable_key_rotation": True}, unknown=["arn"], count=True)
        # kms_key_id = aws_kms_key.k[count.index].arn: terraform lists `aws_kms_key.k`, `count.index`
        p.resource(f"aws_cloudwatch_log_group.g[{i}]", {"name": f"g{i}"}, count=True,
                   refs={"kms_key_id": ["aws_kms_key.k", "count.index"]})
    p.resource('aws_s3_bucket.b["a.b"]', {"bucket": "a.b"}, for_each=True)
    p.resource('aws_s3_bucket.b["c"]', {"bucket": "c"}, for_each=True)
    model = load(p.build())
    assert model.get("aws_kms_key.k[1]").index == 1
    assert model.get('aws_s3_bucket.b["a.b"]').index == "a.b"
    assert {r.address for r in model.instances("aws_s3_bucket.b")} == {
        'aws_s3_bucket.b["a.b"]', 'aws_s3_bucket.b["c"]'}
    group = model.get("aws_cloudwatch_log_group.g[1]")
    assert group.refs == {"kms_key_id": ("aws_kms_key.k[1]",)}
    assert [k.address for k in model.targets(group, "kms_key_id", "aws_kms_key")] == ["aws_kms_key.k[1]"]


def flow_plan() -> PlanBuilder:
    p = PlanBuilder()
    p.module_call("flow", source="./modules/flow", for_each=True,
                  inputs={"vpc_id": ["aws_vpc.main.id"], "retention": 365})
    p.output("flow", "log_group_arn", refs=["aws_cloudwatch_log_group.this.arn"])
    p.resource("aws_vpc.main", {"cidr_block": "10.0.0.0/16"}, unknown=["id"])
    for key in ("vpc-1", "vpc-2"):
        mod = f'module.flow["{key}"]'
        p.resource(f"{mod}.aws_cloudwatch_log_group.this", {"name": f"/flow/{key}",
                                                           "retention_in_days": 365}, unknown=["arn"])
        p.resource(f"{mod}.aws_flow_log.this", {"traffic_type": "ALL"},
                   unknown=["log_destination", "vpc_id"],
                   refs={"log_destination": ["aws_cloudwatch_log_group.this.arn"],
                         "vpc_id": ["var.vpc_id"], "tags": ["local.tags", "each.key", "path.module"]})
    p.resource("aws_sns_topic.all", {"name": "all"},
               refs={"display_name": ["module.flow.log_group_arn"],
                     "policy": ['module.flow["vpc-2"].log_group_arn']})
    return p


def test_module_instance_keys():
    model = load(flow_plan().build())
    flow = model.get('module.flow["vpc-1"].aws_flow_log.this')
    assert flow.module_path == 'module.flow["vpc-1"]'
    assert flow.index is None
    assert flow.refs == {
        "log_destination": ('module.flow["vpc-1"].aws_cloudwatch_log_group.this',),
        "vpc_id": ("aws_vpc.main",),
    }
    assert [g.address for g in model.targets(flow, "log_destination", "aws_cloudwatch_log_group")] == [
        'module.flow["vpc-1"].aws_cloudwatch_log_group.this']
    topic = model.get("aws_sns_topic.all")
    # module.M.OUT of a for_each module names every instance; module.M["k"].OUT only that one
    assert topic.refs["display_name"] == (
        'module.flow["vpc-1"].aws_cloudwatch_log_group.this',
        'module.flow["vpc-2"].aws_cloudwatch_log_group.this')
    assert topic.refs["policy"] == ('module.flow["vpc-2"].aws_cloudwatch_log_group.this',)


def test_unresolvable_references_make_no_refs():
    model = load(flow_plan().build())
    flow = model.get('module.flow["vpc-2"].aws_flow_log.this')
    assert "tags" not in flow.refs


def test_parse_address():
    assert parse_address('module.a["x.y"].module.b.data.aws_iam_policy_document.d[3]') == (
        (("a", '["x.y"]'), ("b", "")), "data", "aws_iam_policy_document", "d", 3)
    assert parse_address("aws_s3_bucket.b") == ((), "managed", "aws_s3_bucket", "b", None)
    assert parse_address("module.my-mod[0].aws_s3_bucket.my-bucket") == (
        (("my-mod", "[0]"),), "managed", "aws_s3_bucket", "my-bucket", None)
    assert parse_address("aws_s3_bucket") is None
    assert parse_address("module.a.") is None


# ---------------------------------------------------------------------------
# references
# ---------------------------------------------------------------------------


def kms_trail_plan() -> PlanBuilder:
    """module.trail's trail takes var.kms_key_arn = module.kms.key_arn = aws_kms_key.this.arn."""
    p = PlanBuilder()
    p.module_call("kms", source="./modules/kms")
    p.module_call("trail", source="./modules/trail",
                  inputs={"kms_key_arn": ["module.kms.key_arn"], "bucket": ["module.logs.bucket_name"],
                          "name": "org-trail"})
    p.module_call("logs", source="./modules/logs")
    p.output("kms", "key_arn", refs=["aws_kms_key.this.arn"])
    p.output("logs", "bucket_name", refs=["aws_s3_bucket.this[0].bucket"])
    p.resource("module.kms.aws_kms_key.this", {"enable_key_rotation": True}, unknown=["arn"])
    p.resource("module.logs.aws_s3_bucket.this[0]", {"bucket": "audit-logs"}, count=True)
    p.resource("module.trail.aws_cloudtrail.this", {"name": "org-trail"},
               unknown=["kms_key_id"],
               refs={"kms_key_id": ["var.kms_key_arn"], "s3_bucket_name": ["var.bucket"],
                     "name": ["var.name"]})
    return p


def test_refs_follow_var_to_module_output_to_resource_in_another_module():
    model = load(kms_trail_plan().build())
    trail = model.get("module.trail.aws_cloudtrail.this")
    assert trail.values["kms_key_id"] is UNKNOWN
    assert trail.refs["kms_key_id"] == ("module.kms.aws_kms_key.this",)
    # the output is aws_s3_bucket.this[0].bucket: the reference names that instance
    assert trail.refs["s3_bucket_name"] == ("module.logs.aws_s3_bucket.this[0]",)
    assert "name" not in trail.refs  # a constant module argument
    assert [k.address for k in model.targets(trail, "kms_key_id", "aws_kms_key")] == [
        "module.kms.aws_kms_key.this"]


def test_refs_through_nested_modules():
    p = PlanBuilder()
    p.module_call("outer", inputs={"key_arn": ["aws_kms_key.root.arn"]})
    p.module_call("outer.inner", inputs={"key": ["var.key_arn"]})
    p.module_call("outer.keys")
    p.output("outer.keys", "arn", refs=["aws_kms_key.k.arn"])
    p.resource("aws_kms_key.root", {}, unknown=["arn"])
    p.resource("module.outer.module.keys.aws_kms_key.k", {}, unknown=["arn"])
    p.resource("module.outer.module.inner.aws_cloudwatch_log_group.g", {"name": "g"},
               refs={"kms_key_id": ["var.key"]})
    p.resource("module.outer.aws_sns_topic.t", {"name": "t"},
               refs={"kms_master_key_id": ["module.keys.arn"]})
    model = load(p.build())
    group = model.get("module.outer.module.inner.aws_cloudwatch_log_group.g")
    assert group.module_path == "module.outer.module.inner"
    assert group.refs == {"kms_key_id": ("aws_kms_key.root",)}
    topic = model.get("module.outer.aws_sns_topic.t")
    assert topic.refs == {"kms_master_key_id": ("module.outer.module.keys.aws_kms_key.k",)}


def test_nested_block_references():
    model = load(trail_plan().build())
    trail = model.get("aws_cloudtrail.main")
    assert trail.refs["event_selector.0.data_resource.0.values"] == ("aws_s3_bucket.logs",)
    assert trail.refs["s3_bucket_name"] == ("aws_s3_bucket.logs",)
    assert trail.refs_under("event_selector") == ("aws_s3_bucket.logs",)
    assert [b.address for b in model.targets(trail, "event_selector.0.data_resource.0.values",
                                             "aws_s3_bucket")] == ["aws_s3_bucket.logs"]


def test_single_nested_block_and_data_source_references():
    p = PlanBuilder()
    p.resource("aws_s3_bucket.logs", {"bucket": "logs"})
    p.resource("aws_thing.t", {"name": "t"})
    doc = p.build()
    conf = doc["configuration"]["root_module"]["resources"][1]
    conf["expressions"]["settings"] = {"bucket": {"references": ["aws_s3_bucket.logs.id",
                                                                 "aws_s3_bucket.logs"]},
                                       "policy": {"references": ["data.aws_iam_policy_document.p.json",
                                                                 "data.aws_iam_policy_document.p"]},
                                       "mode": {"constant_value": "x"}}
    thing = load(doc).get("aws_thing.t")
    assert thing.refs == {"settings.bucket": ("aws_s3_bucket.logs",),
                          "settings.policy": ("data.aws_iam_policy_document.p",)}


def test_reference_to_missing_resource_is_kept_as_written():
    p = PlanBuilder()
    p.module_call("trail", inputs={"kms": ["aws_kms_key.gone.arn"]})
    p.resource("module.trail.aws_cloudtrail.t", {"name": "t"},
               refs={"kms_key_id": ["var.kms"], "s3_bucket_name": ["aws_s3_bucket.elsewhere.id"]})
    model = load(p.build())
    trail = model.get("module.trail.aws_cloudtrail.t")
    assert trail.refs == {"kms_key_id": ("aws_kms_key.gone",),
                          "s3_bucket_name": ("module.trail.aws_s3_bucket.elsewhere",)}
    assert model.targets(trail, "kms_key_id", "aws_kms_key") == []


def test_root_variables_and_count_module_outputs():
    p = PlanBuilder()
    p.variable("kms_key_arn", "arn:aws:kms:us-east-1:123456789012:key/abc")
    p.module_call("keys", count=True)
    p.output("keys", "arn", refs=["aws_kms_key.k.arn"])
    p.resource("module.keys[0].aws_kms_key.k", {}, unknown=["arn"])
    p.resource("aws_cloudtrail.t", {"name": "t"},
               refs={"kms_key_id": ["var.kms_key_arn"], "sns_topic_name": ["module.keys[0].arn"]})
    trail = load(p.build()).get("aws_cloudtrail.t")
    assert trail.refs == {"sns_topic_name": ("module.keys[0].aws_kms_key.k",)}


def test_reference_cycles_terminate():
    p = PlanBuilder()
    p.module_call("a", inputs={"x": ["module.a.out"]})
    p.output("a", "out", refs=["var.x"])
    p.resource("module.a.aws_sns_topic.t", {"name": "t"}, refs={"kms_master_key_id": ["var.x"]})
    topic = load(p.build()).get("module.a.aws_sns_topic.t")
    assert topic.refs == {}


def test_refs_apply_to_every_instance_of_a_configuration_resource():
    p = PlanBuilder()
    p.resource("aws_kms_key.k", {}, unknown=["arn"])
    for i in range(3):
        p.resource(f"aws_sqs_queue.q[{i}]", {"name": f"q{i}"}, count=True,
                   refs={"kms_master_key_id": ["aws_kms_key.k.arn"]})
    model = load(p.build())
    assert [q.refs for q in model.of_type("aws_sqs_queue")] == [
        {"kms_master_key_id": ("aws_kms_key.k",)}] * 3


def test_plan_without_configuration_loads_with_a_diagnostic():
    doc = trail_plan().build()
    del doc["configuration"]
    model = load(doc)
    assert model.get("aws_cloudtrail.main").refs == {}
    assert any("configuration" in d for d in model.diagnostics)


# ---------------------------------------------------------------------------
# performance
# ---------------------------------------------------------------------------


def big_plan(n_modules: int = 100, per_module: int = 100) -> dict:
    """n_modules * per_module managed resources in for_each modules, with refs via var and outputs."""
    rcs = []
    children = []
    for m in range(n_modules):
        mod = f'module.svc["s{m}"]'
        child = {"address": mod, "resources": []}
        children.append(child)
        for i in range(per_module):
            address = f"{mod}.aws_cloudwatch_log_group.g[{i}]"
            after = {"name": f"/svc/{m}/{i}", "retention_in_days": 365, "tags": {"svc": str(m)}}
            rcs.append({"address": address, "module_address": mod,
                        "mode": "managed", "type": "aws_cloudwatch_log_group", "name": "g", "index": i,
                        "provider_name": "registry.terraform.io/hashicorp/aws",
                        "change": {"actions": ["create"], "before": None, "after": after,
                                   "after_unknown": {"arn": True, "kms_key_id": True, "id": True},
                                   "before_sensitive": False, "after_sensitive": {"tags": {}}}})
            child["resources"].append({"address": address, "mode": "managed",
                                       "type": "aws_cloudwatch_log_group", "name": "g", "index": i,
                                       "provider_name": "registry.terraform.io/hashicorp/aws",
                                       "schema_version": 0, "values": dict(after),
                                       "sensitive_values": {"tags": {}}})
    rcs.append({"address": "aws_kms_key.k", "mode": "managed", "type": "aws_kms_key", "name": "k",
                "change": {"actions": ["create"], "before": None, "after": {},
                           "after_unknown": {"arn": True}}})
    config = {"root_module": {
        "resources": [{"address": "aws_kms_key.k", "mode": "managed", "type": "aws_kms_key",
                       "name": "k", "expressions": {}}],
        "module_calls": {"svc": {
            "source": "./svc", "for_each_expression": {"references": ["local.svcs"]},
            "expressions": {"key": {"references": ["aws_kms_key.k.arn", "aws_kms_key.k"]}},
            "module": {"resources": [{
                "address": "aws_cloudwatch_log_group.g", "mode": "managed",
                "type": "aws_cloudwatch_log_group", "name": "g",
                "count_expression": {"constant_value": per_module},
                "expressions": {"kms_key_id": {"references": ["var.key"]},
                                "name": {"references": ["each.key", "count.index"]}}}]}}}}}
    return {"format_version": "1.2", "terraform_version": "1.9.5",
            "planned_values": {"root_module": {"resources": [{
                "address": "aws_kms_key.k", "mode": "managed", "type": "aws_kms_key", "name": "k",
                "values": {}}], "child_modules": children}},
            "resource_changes": rcs, "configuration": config}


def test_ten_thousand_resources_load():
    # speed is measured in bench/ (on demand), never timed here: a loaded CI machine must not fail it
    model = load_plan_text(json.dumps(big_plan()), SRC)
    assert len(model) == 10_001
    group = model.get('module.svc["s42"].aws_cloudwatch_log_group.g[7]')
    assert group.refs == {"kms_key_id": ("aws_kms_key.k",)}
    assert group.values["kms_key_id"] is UNKNOWN


# ---------------------------------------------------------------------------
# bad input: every class fails closed with one line naming where
# ---------------------------------------------------------------------------


def raises_input_error(fn, *args, where: str = SRC, **kwargs) -> str:
    with pytest.raises(InputError) as info:
        fn(*args, **kwargs)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message, message
    assert message.startswith(f"{where}: "), message
    assert "Traceback" not in message
    assert len(message) < 400, message
    return message


def fixture_text(name: str) -> str:
    return (BAD / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("text", ["", "   \n\t\n", "\ufeff"], ids=["empty", "whitespace", "bom-only"])
def test_empty_input(text):
    message = raises_input_error(load_plan_text, text, "<stdin>", where="<stdin>")
    assert "empty input: expected the output of `terraform show -json PLANFILE`" in message


@pytest.mark.parametrize("text", [
    fixture_text("text_plan.txt"),
    "\x1b[0m\x1b[1maws_cloudtrail.main: Refreshing state... [id=org-trail]\x1b[0m\n",
    "\nNo changes. Your infrastructure matches the configuration.\n",
], ids=["plan", "ansi", "no-changes"])
def test_human_readable_plan(text):
    message = raises_input_error(load_plan_text, text, SRC)
    assert "this looks like a human-readable plan, not JSON; use `terraform show -json PLANFILE`" in message


def test_streaming_plan_json_output():
    message = raises_input_error(load_plan_text, fixture_text("plan_json_stream.txt"), SRC)
    assert "`terraform plan -json`" in message and "terraform show -json" in message


def test_hcl_piped_by_mistake():
    message = raises_input_error(load_plan_text, 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n', SRC)
    assert "Terraform configuration (HCL)" in message


def test_truncated_json():
    text = PlanBuilder().resource("aws_s3_bucket.b", {"bucket": "b"}).json()
    message = raises_input_error(load_plan_text, text[: len(text) // 2], SRC)
    assert "invalid JSON at line " in message and " column " in message
    assert "truncated" in message


def test_malformed_json_reports_line_and_column():
    message = raises_input_error(load_plan_text, '{\n  "format_version": "1.2",\n  oops\n}', SRC)
    assert message == (f"{SRC}: invalid JSON at line 3 column 3: "
                       "Expecting property name enclosed in double quotes")


@pytest.mark.parametrize("text, kind", [
    ("[]", "an array"), ('[{"format_version": "1.2"}]', "an array"), ('"hello"', "a string"),
    ("42", "a number"), ("null", "null"), ("true", "a boolean"),
])
def test_json_that_is_not_an_object(text, kind):
    message = raises_input_error(load_plan_text, text, SRC)
    assert f"expected a JSON object (the output of `terraform show -json PLANFILE`), got {kind}" in message


def test_state_document():
    message = raises_input_error(load_plan_text, fixture_text("state.json"), "state.json", where="state.json")
    assert "this is a state document, not a plan" in message


def test_raw_state_file():
    text = json.dumps({"version": 4, "terraform_version": "1.9.5", "serial": 3, "lineage": "x",
                       "outputs": {}, "resources": []})
    assert "raw state file" in raises_input_error(load_plan_text, text, SRC)


def test_providers_schema_document():
    message = raises_input_error(load_plan_text, fixture_text("providers_schema.json"), SRC)
    assert "provider schema document (`terraform providers schema -json`), not a plan" in message


def test_tfvars_json():
    message = raises_input_error(load_plan_text, fixture_text("tfvars.json"), SRC)
    assert "not a plan" in message and "format_version" in message


def test_format_version_without_plan_sections():
    message = raises_input_error(load_plan_text, '{"format_version": "1.0"}', SRC)
    assert 'neither "planned_values" nor "resource_changes"' in message


def test_plan_without_format_version():
    doc = PlanBuilder().resource("aws_s3_bucket.b", {}).build()
    del doc["format_version"]
    assert "no format_version" in raises_input_error(load, doc)


def test_unsupported_major_format_version():
    message = raises_input_error(load_plan_text, fixture_text("format_version_2.json"), SRC)
    assert "unsupported plan format_version '2.0'" in message


def test_unknown_action_names_the_json_path():
    message = raises_input_error(load_plan_text, fixture_text("bad_action.json"), SRC)
    assert message.startswith(f"{SRC}: not a valid plan at /resource_changes/0/change/actions/0: "
                              "'frobnicate' is not one of ['no-op', 'create'"), message


def test_invalid_action_combination():
    doc = PlanBuilder().resource("aws_s3_bucket.b", {}).build()
    doc["resource_changes"][0]["change"]["actions"] = ["delete", "delete"]
    message = raises_input_error(load, doc)
    assert "at /resource_changes/0/change/actions: ['delete', 'delete'] is not one of" in message


def test_format_version_of_wrong_type():
    doc = PlanBuilder().resource("aws_s3_bucket.b", {}).build()
    doc["format_version"] = 1.2
    message = raises_input_error(load, doc)
    assert "not a valid plan at /format_version: expected string, got a number 1.2" in message


def test_schema_violation_deep_inside_configuration():
    doc = kms_trail_plan().build()
    call = doc["configuration"]["root_module"]["module_calls"]["trail"]
    call["module"]["resources"][0]["expressions"]["kms_key_id"]["references"] = "var.kms_key_arn"
    message = raises_input_error(load, doc)
    assert ("not a valid plan at /configuration/root_module/module_calls/trail/module/resources/0/"
            "expressions/kms_key_id/references: expected array, got a string 'var.kms_key_arn'") in message


@pytest.mark.parametrize("mutate, where, what", [
    (lambda d: d["resource_changes"][0]["change"].update(after=["a"]),
     "/resource_changes/0/change/after", "expected object or null, got an array"),
    (lambda d: d["resource_changes"][0].pop("address"),
     "/resource_changes/0", "'address' is a required property"),
    (lambda d: d["resource_changes"][0].update(mode="ephemeral"),
     "/resource_changes/0/mode", "'ephemeral' is not one of ['managed', 'data']"),
    (lambda d: d["resource_changes"][0].update(index=1.5),
     "/resource_changes/0/index", "expected integer or string, got a number 1.5"),
    (lambda d: d["resource_changes"][0]["change"].update(after_unknown="yes"),
     "/resource_changes/0/change/after_unknown", "expected boolean or object or array"),
    (lambda d: d["resource_changes"][0]["change"].update(after_unknown={"tags": {"a": "yes"}}),
     "/resource_changes/0/change/after_unknown/tags/a", "expected true, false, an object or an array"),
    (lambda d: d["resource_changes"][0].update(address="aws_s3_bucket"),
     "/resource_changes/0/address", "cannot read resource address 'aws_s3_bucket'"),
    (lambda d: d["resource_changes"][0].update(address="aws_s3_bucket.other"),
     "/resource_changes/0/address", "does not match mode/type/name"),
    (lambda d: d["resource_changes"][0].update(module_address="module.m"),
     "/resource_changes/0/module_address", "'module.m' is not the module of address 'aws_s3_bucket.b'"),
    (lambda d: d.update(resource_changes={"a": 1}),
     "/resource_changes", "expected array, got an object"),
    (lambda d: d["planned_values"]["root_module"]["resources"][0].update(values=[1]),
     "/planned_values/root_module/resources/0/values", "expected object, got an array"),
    (lambda d: d["configuration"]["root_module"].update(module_calls=[]),
     "/configuration/root_module/module_calls", "expected object, got an array"),
    (lambda d: d.update(prior_state={"values": {"root_module": {"resources": [{"address": "x"}]}}}),
     "/prior_state/values/root_module/resources/0", "is a required property"),
])
def test_unexpected_types_fail_closed(mutate, where, what):
    doc = PlanBuilder().resource("aws_s3_bucket.b", {"bucket": "b"}).build()
    mutate(doc)
    message = raises_input_error(load_plan_document, doc, SRC)
    assert f"not a valid plan at {where}: " in message, message
    assert what in message, message


def test_error_paths_keep_the_original_indexes():
    doc = big_plan(3, 4)
    doc["resource_changes"][3]["change"]["actions"] = ["frobnicate"]
    message = raises_input_error(load, doc)
    assert message.startswith(f"{SRC}: not a valid plan at /resource_changes/3/change/actions/0: "
                              "'frobnicate' is not one of ['no-op', 'create', 'read', 'update', "
                              "'delete', 'forget']"), message
    doc = big_plan(3, 4)
    doc["planned_values"]["root_module"]["child_modules"][1]["resources"][2]["index"] = True
    message = raises_input_error(load, doc)
    assert ("not a valid plan at /planned_values/root_module/child_modules/1/resources/2/index: "
            "expected integer or string, got a boolean True") in message


def test_deeply_nested_json_fails_closed():
    text = '{"format_version": "1.2", "planned_values": ' + "[" * 100_000 + "]" * 100_000 + "}"
    message = raises_input_error(load_plan_text, text, SRC)
    assert "not a valid plan" in message or "nested too deeply" in message


def test_binary_plan_file_via_load_path(tmp_path):
    planfile = tmp_path / "tfplan"
    with zipfile.ZipFile(planfile, "w") as zf:
        zf.writestr("tfplan", b"\x00\x01binary plan")
        zf.writestr("tfstate", "{}")
    message = raises_input_error(load_path, str(planfile), where=str(planfile))
    assert "binary plan file" in message and "terraform show -json" in message


def test_load_path_reads_a_plan_file(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(kms_trail_plan().json())
    model = load_path(str(path))
    assert model.source == str(path)
    assert model.get("module.trail.aws_cloudtrail.this").file == str(path)


def test_stdin_text_via_load_path():
    model = load_path("-", stdin_text=trail_plan().json())
    assert model.source == "<stdin>"
    with pytest.raises(InputError) as info:
        load_path("-", stdin_text="")
    assert str(info.value).startswith("<stdin>: empty input")


# ---------------------------------------------------------------------------
# the schema itself
# ---------------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12_package_data():
    schema = plan_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_planbuilder_output_is_schema_valid():
    validator = jsonschema.Draft202012Validator(plan_schema())
    for builder in (trail_plan(), flow_plan(), kms_trail_plan()):
        validator.validate(builder.build())
    validator.validate(big_plan(2, 2))


def schema_subschema(name: str) -> dict:
    return plan_schema()["$defs"][name]


def test_fast_checks_cover_exactly_what_the_schema_constrains():
    for name, checked in FAST_CHECKED_PROPERTIES.items():
        assert set(schema_subschema(name)["properties"]) == set(checked), name
        assert "additionalProperties" not in schema_subschema(name)
    assert set(schema_subschema("resource_change")["required"]) == {
        "address", "mode", "type", "name", "change"}
    assert set(schema_subschema("resource_values")["required"]) == {"address", "mode", "type", "name"}
    assert {tuple(a) for a in schema_subschema("actions")["then"]["enum"]} == VALID_ACTIONS
    assert schema_subschema("instance_mode")["enum"] == ["managed", "data"]


SAMPLES = [None, True, False, 0, 3, 1.5, "", "x", "create", [], ["create"], ["delete", "create"],
           [["tags"]], [1], {}, {"a": 1}]


def mutations(item: dict, keys) -> list[dict]:
    out = []
    for key in keys:
        for value in SAMPLES + ["__missing__"]:
            m = copy.deepcopy(item)
            if value == "__missing__":
                m.pop(key, None)
            else:
                m[key] = copy.deepcopy(value)
            out.append(m)
    return out


def test_fast_checks_never_accept_what_the_schema_rejects():
    """The fast path only skips items jsonschema would accept (so it never weakens the schema)."""
    defs = plan_schema()["$defs"]

    def validator(name):
        return jsonschema.Draft202012Validator({"$defs": defs, "$ref": f"#/$defs/{name}"})

    rc_validator, values_validator = validator("resource_change"), validator("resource_values")
    rc = PlanBuilder().resource("aws_s3_bucket.b", {"bucket": "b"}).build()["resource_changes"][0]
    rc.update(index=0, deposed="x", action_reason="replace_because_tainted", previous_address="a.b")
    rc["change"].update(replace_paths=[["bucket"]], importing=None, generated_config="")
    candidates = mutations(rc, FAST_CHECKED_PROPERTIES["resource_change"])
    for change in mutations(rc["change"], FAST_CHECKED_PROPERTIES["change"]):
        candidates.append(dict(rc, change=change))
    accepted = 0
    for item in candidates:
        if _fast_resource_change(item):
            accepted += 1
            assert rc_validator.is_valid(item), item
    assert accepted > 20
    res = {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
           "index": "k", "provider_name": "p", "schema_version": 0, "values": {}, "sensitive_values": {},
           "depends_on": ["aws_kms_key.k"], "tainted": False, "deposed_key": "x"}
    accepted = 0
    for item in mutations(res, FAST_CHECKED_PROPERTIES["resource_values"]):
        if _fast_resource_values(item):
            accepted += 1
            assert values_validator.is_valid(item), item
    assert accepted > 10


# --- references to one instance of a resource with count / for_each ------------------------------
def _vpcs(p: PlanBuilder, prefix: str = "") -> PlanBuilder:
    for key in ("a", "b"):
        p.resource(f'{prefix}aws_vpc.this["{key}"]', {"cidr_block": "10.0.0.0/16"}, unknown=["id"],
                   for_each=True)
    return p


def test_keyed_reference_names_that_instance_only():
    p = _vpcs(PlanBuilder())
    p.resource("aws_flow_log.a", {"traffic_type": "ALL"}, unknown=["vpc_id"],
               refs={"vpc_id": ['aws_vpc.this["a"].id']})
    doc = p.build()
    conf = [r for r in doc["configuration"]["root_module"]["resources"] if r["name"] == "a"][0]
    # as terraform lists them: the attribute, the instance, and the resource
    assert conf["expressions"]["vpc_id"]["references"] == [
        'aws_vpc.this["a"].id', 'aws_vpc.this["a"]', "aws_vpc.this"]
    model = load(doc)
    flow = model.get("aws_flow_log.a")
    assert flow.refs == {"vpc_id": ('aws_vpc.this["a"]',)}
    assert [v.address for v in model.targets(flow, "vpc_id", "aws_vpc")] == ['aws_vpc.this["a"]']
    assert [f.address for f in model.referrers(model.get('aws_vpc.this["b"]'), ["aws_flow_log"], "vpc_id")] == []


def test_bare_reference_still_matches_every_instance():
    p = _vpcs(PlanBuilder())
    p.resource("aws_flow_log.all", {"traffic_type": "ALL"}, unknown=["vpc_id"],
               refs={"vpc_id": ["aws_vpc.this"]})  # e.g. values(aws_vpc.this)[0].id
    model = load(p.build())
    assert model.get("aws_flow_log.all").refs == {"vpc_id": ("aws_vpc.this",)}
    assert len(model.targets(model.get("aws_flow_log.all"), "vpc_id", "aws_vpc")) == 2


def test_keyed_references_in_modules_and_odd_keys():
    p = PlanBuilder()
    p.module_call("net", for_each=True)
    for mod in ('module.net["x"]', 'module.net["y"]'):
        for key in ("a]b", "c.d"):
            p.resource(f'{mod}.aws_vpc.this["{key}"]', {"cidr_block": "10.0.0.0/16"}, unknown=["id"],
                       for_each=True)
        p.resource(f"{mod}.aws_flow_log.f", {"traffic_type": "ALL"}, unknown=["vpc_id", "log_destination"],
                   refs={"vpc_id": ['aws_vpc.this["a]b"].id'], "log_destination": ['aws_vpc.this["c.d"].arn']})
    p.resource("aws_vpc.root[0]", {"cidr_block": "10.0.0.0/16"}, unknown=["id"], count=True)
    p.resource("aws_vpc.root[1]", {"cidr_block": "10.0.0.0/16"}, unknown=["id"], count=True)
    p.resource("aws_flow_log.r", {"traffic_type": "ALL"}, unknown=["vpc_id"], refs={"vpc_id": ["aws_vpc.root[1].id"]})
    model = load(p.build())
    flow = model.get('module.net["y"].aws_flow_log.f')
    assert flow.refs == {"vpc_id": ('module.net["y"].aws_vpc.this["a]b"]',),
                         "log_destination": ('module.net["y"].aws_vpc.this["c.d"]',)}
    assert [v.address for v in model.targets(flow, "vpc_id")] == ['module.net["y"].aws_vpc.this["a]b"]']
    assert [v.address for v in model.targets(flow, "log_destination")] == ['module.net["y"].aws_vpc.this["c.d"]']
    assert [v.address for v in model.targets(model.get("aws_flow_log.r"), "vpc_id")] == ["aws_vpc.root[1]"]


def test_keyed_reference_to_an_instance_not_in_the_plan_is_kept_as_written():
    p = _vpcs(PlanBuilder())
    p.resource("aws_flow_log.c", {"traffic_type": "ALL"}, unknown=["vpc_id"],
               refs={"vpc_id": ['aws_vpc.this["c"].id']})
    model = load(p.build())
    flow = model.get("aws_flow_log.c")
    assert flow.refs == {"vpc_id": ('aws_vpc.this["c"]',)}
    assert model.targets(flow, "vpc_id", "aws_vpc") == []


def test_keyed_reference_through_module_input_and_output():
    p = _vpcs(PlanBuilder())
    p.module_call("flow", inputs={"vpc_id": ['aws_vpc.this["b"].id']})
    p.resource("module.flow.aws_flow_log.this", {"traffic_type": "ALL"}, unknown=["vpc_id"],
               refs={"vpc_id": ["var.vpc_id"]})
    p.output("flow", "first", refs=['aws_flow_log.this.id'])
    model = load(p.build())
    assert model.get("module.flow.aws_flow_log.this").refs == {"vpc_id": ('aws_vpc.this["b"]',)}


def test_each_value_of_for_each_over_a_resource_is_the_same_key():
    p = _vpcs(PlanBuilder())
    for key in ("a", "b"):
        # for_each = aws_vpc.this; vpc_id = each.value.id
        p.resource(f'aws_flow_log.this["{key}"]', {"traffic_type": "ALL"}, unknown=["vpc_id"],
                   for_each="aws_vpc.this", refs={"vpc_id": ["each.value.id", "each.value"]})
        # for_each = aws_vpc.this; vpc_id = aws_vpc.this[each.key].id
        p.resource(f'aws_flow_log.by_key["{key}"]', {"traffic_type": "ALL"}, unknown=["vpc_id"],
                   for_each="aws_vpc.this", refs={"vpc_id": ["aws_vpc.this", "each.key"]})
        # for_each over a constant map; vpc_id = aws_vpc.this[each.key].id
        p.resource(f'aws_flow_log.const["{key}"]', {"traffic_type": "ALL"}, unknown=["vpc_id"],
                   for_each=True, refs={"vpc_id": ["aws_vpc.this", "each.key"]})
        # for_each = toset(["a", "b"]): neither constant nor references, so terraform leaves the
        # for_each_expression out of the plan; the instance key still says for_each
        p.resource(f'aws_flow_log.literal["{key}"]', {"traffic_type": "ALL"}, unknown=["vpc_id"],
                   refs={"vpc_id": ["aws_vpc.this", "each.key"]})
    model = load(p.build())
    for name in ("this", "by_key", "const", "literal"):
        for key in ("a", "b"):
            flow = model.get(f'aws_flow_log.{name}["{key}"]')
            assert flow.refs == {"vpc_id": (f'aws_vpc.this["{key}"]',)}, name
            assert [v.address for v in model.targets(flow, "vpc_id", "aws_vpc")] == [f'aws_vpc.this["{key}"]']


def test_each_value_stays_unresolved_when_keys_do_not_match_or_for_each_is_not_one_resource():
    p = _vpcs(PlanBuilder())
    # keys of for_each = { for k, v in aws_vpc.this : "${k}-x" => v } are not the VPC keys
    p.resource('aws_flow_log.renamed["a-x"]', {"traffic_type": "ALL"}, unknown=["vpc_id"],
               for_each="aws_vpc.this", refs={"vpc_id": ["each.value.id", "each.value"]})
    # for_each = merge(aws_vpc.this, var.more): not one resource
    p.resource('aws_flow_log.merged["a"]', {"traffic_type": "ALL"}, unknown=["vpc_id"],
               for_each=["aws_vpc.this", "var.more"], refs={"vpc_id": ["each.value.id", "each.value"]})
    # aws_vpc.this[local.m[each.key]]: another reference decides the key
    p.resource('aws_flow_log.mapped["a"]', {"traffic_type": "ALL"}, unknown=["vpc_id"],
               for_each=True, refs={"vpc_id": ["aws_vpc.this", "local.m", "each.key"]})
    model = load(p.build())
    assert model.get('aws_flow_log.renamed["a-x"]').refs == {}
    assert model.get('aws_flow_log.merged["a"]').refs == {}
    assert model.get('aws_flow_log.mapped["a"]').refs == {"vpc_id": ("aws_vpc.this",)}


def test_each_value_in_a_module_call_over_a_resource():
    p = _vpcs(PlanBuilder())
    # module "flow" { for_each = aws_vpc.this; vpc_id = each.value.id }
    p.module_call("flow", for_each="aws_vpc.this", inputs={"vpc_id": ["each.value.id"]})
    for key in ("a", "b"):
        p.resource(f'module.flow["{key}"].aws_flow_log.this', {"traffic_type": "ALL"}, unknown=["vpc_id"],
                   refs={"vpc_id": ["var.vpc_id"]})
    model = load(p.build())
    for key in ("a", "b"):
        assert model.get(f'module.flow["{key}"].aws_flow_log.this').refs == {
            "vpc_id": (f'aws_vpc.this["{key}"]',)}


# --- the fast path through configuration modules (large estates repeat one module per call) -----
def _config_doc() -> dict:
    p = PlanBuilder()
    for key in ("a", "b", "c"):
        p.resource(f"module.m_{key}.aws_kms_key.k", {"enable_key_rotation": True}, unknown=["arn"])
        p.resource(f"module.m_{key}.aws_s3_bucket.b", {"bucket": key}, unknown=["arn"])
        p.resource(f"module.m_{key}.aws_s3_bucket_versioning.v", {}, unknown=["bucket"],
                   refs={"bucket": ["aws_s3_bucket.b.id"]})
        p.module_call(f"m_{key}", inputs={"name": key, "key": ["aws_kms_key.k.arn"]})
        p.output(f"m_{key}", "arn", refs=["aws_s3_bucket.b.arn"])
    return p.build()


@pytest.mark.parametrize("mutate, where, what", [
    (lambda c: c["m_c"]["module"]["resources"][2].update(mode="other"),
     "/configuration/root_module/module_calls/m_c/module/resources/2/mode", "'other' is not one of"),
    (lambda c: c["m_b"]["module"]["resources"][1]["expressions"].update(bucket={"references": [1]}),
     "/configuration/root_module/module_calls/m_b/module/resources/1/expressions/bucket/references/0",
     "expected string"),
    (lambda c: c["m_b"]["module"]["resources"][1]["expressions"].update(bucket=[{"a": "x"}]),
     "/configuration/root_module/module_calls/m_b/module/resources/1/expressions/bucket/0/a",
     "expected object or array"),
    (lambda c: c["m_c"].update(source=3),
     "/configuration/root_module/module_calls/m_c/source", "expected string"),
    (lambda c: c["m_a"]["expressions"].update(key={"references": "aws_kms_key.k.arn"}),
     "/configuration/root_module/module_calls/m_a/expressions/key/references", "expected array"),
    (lambda c: c["m_c"]["module"]["outputs"]["arn"].update(sensitive="no"),
     "/configuration/root_module/module_calls/m_c/module/outputs/arn/sensitive", "expected boolean"),
    (lambda c: c["m_b"]["module"].update(variables={"v": 1}),
     "/configuration/root_module/module_calls/m_b/module/variables/v", "expected object"),
])
def test_configuration_errors_name_the_original_path(mutate, where, what):
    doc = _config_doc()
    load_plan_document(copy.deepcopy(doc), SRC)  # valid as built
    mutate(doc["configuration"]["root_module"]["module_calls"])
    message = raises_input_error(load_plan_document, doc, SRC)
    assert f"not a valid plan at {where}: " in message, message
    assert what in message, message


def test_fast_configuration_checks_never_accept_what_the_schema_rejects():
    defs = plan_schema()["$defs"]

    def validator(name):
        return jsonschema.Draft202012Validator({"$defs": defs, "$ref": f"#/$defs/{name}"})

    resource_validator, expressions_validator = validator("config_resource"), validator("expressions")
    call_validator = validator("module_call")
    res = {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
           "provider_config_key": "aws", "schema_version": 0,
           "expressions": {"bucket": {"references": ["var.x"]}, "rule": [{"days": {"constant_value": 1}}]},
           "count_expression": {"constant_value": 1}, "for_each_expression": {"references": ["var.m"]},
           "depends_on": ["aws_kms_key.k"], "provisioners": [{"type": "local-exec"}]}
    accepted = 0
    for item in mutations(res, FAST_CHECKED_PROPERTIES["config_resource"]):
        if _fast_config_resource(item):
            accepted += 1
            assert resource_validator.is_valid(item), item
    assert accepted > 10
    for exprs in SAMPLES + [{"a": v} for v in SAMPLES] + [{"a": [v]} for v in SAMPLES] + [
            {"a": {"references": v}} for v in SAMPLES]:
        if _fast_expressions(exprs):
            assert expressions_validator.is_valid(exprs), exprs
    call = {"source": "./m", "version_constraint": "1.0", "expressions": {"a": {"references": ["var.x"]}},
            "count_expression": {"constant_value": 1}, "for_each_expression": {"references": ["var.m"]},
            "depends_on": ["module.x"], "module": {}}
    accepted = 0
    for item in mutations(call, FAST_CHECKED_PROPERTIES["module_call"] - {"module"}):
        if _skeleton_call(item, (), {}) == {"module": {}}:  # everything but the module was proved valid
            accepted += 1
            assert call_validator.is_valid(item), item
    assert accepted > 10
