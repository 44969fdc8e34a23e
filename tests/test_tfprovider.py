"""The offline hashicorp/aws stand-in (tools/tfprovider) on its own: wire values, planning, data
sources, the go-plugin process.  tests/test_terraform_*.py run it under the real terraform."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .helpers import REPO, shared_dir

sys.path.insert(0, str(REPO / "tools"))
from tfprovider import cty  # noqa: E402
from tfprovider.datasources import read, render_policy_document  # noqa: E402
from tfprovider.planning import ProviderConfig, plan_create  # noqa: E402
from tfprovider.provider import configure  # noqa: E402
from tfprovider.server import MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE  # noqa: E402

# the offline provider must be tested where terraform is (AUDITGATE_REQUIRE_TERRAFORM=1 turns a skip into a failure)
pytestmark = pytest.mark.terraform

SCHEMA_DIR = shared_dir() / "aws-provider-schema"
TRIMMED = SCHEMA_DIR / "aws-6.19.0.trimmed.json"
DEFAULTS = SCHEMA_DIR / "aws-6.19.0.defaults.json"
TOOL = REPO / "tools" / "tfoffline.py"
UNKNOWN = cty.UNKNOWN


@pytest.fixture(scope="module")
def schemas(tmp_path_factory):
    if not TRIMMED.is_file():
        pytest.skip(f"AWS provider schema not found at {TRIMMED} (set AUDITGATE_SHARED to the shared/ folder)")
    pytest.importorskip("tf.gen.tfplugin_pb2", reason="the dev extra (pip install -e '.[dev]') brings the tf package")
    from tfprovider.schema import Schemas

    return Schemas(TRIMMED, DEFAULTS, cache_dir=tmp_path_factory.mktemp("schema-cache"))


def proposed(schemas, type_name: str, **values) -> dict:
    """terraform's proposed new state of a create: the configuration, every other attribute null."""
    obj = cty.null_object(schemas.block("resource", type_name))
    obj.update(values)
    return obj


# --- values on the wire --------------------------------------------------------------------------


def test_msgpack_round_trip_keeps_nulls_unknowns_and_nesting():
    value = {"a": None, "b": UNKNOWN, "c": [1, 2.5, "x", True], "d": {"k": [UNKNOWN]}, "e": b"\x01raw"}
    assert cty.decode(_dynamic(cty.encode(value))) == value


def test_refined_unknowns_decode_as_unknown():
    import msgpack

    refined = msgpack.packb({"x": msgpack.ExtType(12, msgpack.packb({1: True}))})
    assert cty.decode(_dynamic(refined)) == {"x": UNKNOWN}


def _dynamic(data: bytes):
    class Dynamic:
        msgpack = data
        json = b""
    return Dynamic()


# --- planning a create -----------------------------------------------------------------------------


def test_plan_applies_static_defaults_and_leaves_computed_unknown(schemas):
    config = proposed(schemas, "aws_cloudtrail", name="t", s3_bucket_name="b",
                      event_selector=[{"data_resource": [], "exclude_management_event_sources": None,
                                       "include_management_events": None, "read_write_type": None}])
    planned = plan_create("aws_cloudtrail", schemas.block("resource", "aws_cloudtrail"), config, config,
                          ProviderConfig(region="eu-west-1"), schemas.static_defaults("resource", "aws_cloudtrail"))
    assert planned["name"] == "t"
    assert planned["enable_log_file_validation"] is False and planned["is_multi_region_trail"] is False
    assert planned["include_global_service_events"] is True and planned["enable_logging"] is True
    assert planned["event_selector"][0]["read_write_type"] == "All"
    assert planned["event_selector"][0]["include_management_events"] is True
    assert planned["arn"] is UNKNOWN and planned["id"] is UNKNOWN
    assert planned["region"] == "eu-west-1"
    assert planned["kms_key_id"] is None  # optional, not computed, no default: stays unset


def test_configured_values_win_over_defaults(schemas):
    config = proposed(schemas, "aws_cloudtrail", name="t", s3_bucket_name="b", is_multi_region_trail=True,
                      region="us-west-2")
    planned = plan_create("aws_cloudtrail", schemas.block("resource", "aws_cloudtrail"), config, config,
                          ProviderConfig(region="eu-west-1"), schemas.static_defaults("resource", "aws_cloudtrail"))
    assert planned["is_multi_region_trail"] is True and planned["region"] == "us-west-2"


@pytest.mark.parametrize("tags, default_tags, expected", [
    ({"A": "1"}, {"B": "2", "A": "0"}, {"A": "1", "B": "2"}),
    (None, {"B": "2"}, {"B": "2"}),
    ({"A": UNKNOWN}, {"B": "2"}, UNKNOWN),
    (None, {}, UNKNOWN),  # no tag at all: the SDK leaves tags_all to apply
])
def test_tags_all_merges_default_tags(schemas, tags, default_tags, expected):
    config = proposed(schemas, "aws_sns_topic", name="t", tags=tags)
    planned = plan_create("aws_sns_topic", schemas.block("resource", "aws_sns_topic"), config, config,
                          ProviderConfig(region="us-east-1", default_tags=default_tags), {})
    assert planned["tags_all"] == expected


def test_legacy_sdk_quirks_empty_map_null_and_computed_blocks_unknown(schemas):
    config = proposed(schemas, "aws_s3_bucket", bucket="b", tags={})
    planned = plan_create("aws_s3_bucket", schemas.block("resource", "aws_s3_bucket"), config, config,
                          ProviderConfig(region="us-east-1"), schemas.static_defaults("resource", "aws_s3_bucket"))
    assert planned["tags"] is None
    assert planned["versioning"] is UNKNOWN and planned["server_side_encryption_configuration"] is UNKNOWN
    assert planned["force_destroy"] is False


def test_lifecycle_configuration_framework_plan_values(schemas):
    rule = {"id": "r", "status": "Enabled", "prefix": None, "filter": [{"and": [], "tag": [], "prefix": None,
                                                                        "object_size_greater_than": None,
                                                                        "object_size_less_than": None}],
            "expiration": [{"days": 30, "date": None, "expired_object_delete_marker": None}]}
    config = proposed(schemas, "aws_s3_bucket_lifecycle_configuration", bucket="b", rule=[rule])
    block = schemas.block("resource", "aws_s3_bucket_lifecycle_configuration")
    for nested in ("abort_incomplete_multipart_upload", "noncurrent_version_expiration",
                   "noncurrent_version_transition", "transition"):
        rule.setdefault(nested, [])
    planned = plan_create("aws_s3_bucket_lifecycle_configuration", block, config, config,
                          ProviderConfig(region="us-east-1"), {})
    (planned_rule,) = planned["rule"]
    assert planned_rule["filter"][0]["prefix"] == "" and planned_rule["prefix"] == ""
    assert planned_rule["expiration"][0]["expired_object_delete_marker"] is False
    assert planned["transition_default_minimum_object_size"] == "all_storage_classes_128K"


# --- the provider's configuration and data sources -----------------------------------------------


def test_configure_reads_account_region_and_default_tags():
    config = configure({"region": "eu-central-1", "allowed_account_ids": ["444455556666"],
                        "default_tags": [{"tags": {"Team": "sec"}}], "ignore_tags": [{"keys": ["X"]}]}, {})
    assert (config.region, config.account_id, config.default_tags, config.ignore_tag_keys) == (
        "eu-central-1", "444455556666", {"Team": "sec"}, ("X",))
    assumed = configure({"assume_role": [{"role_arn": "arn:aws:iam::777788889999:role/ci"}]}, {"AWS_REGION": "us-west-1"})
    assert (assumed.region, assumed.account_id) == ("us-west-1", "777788889999")
    assert configure({}, {}).region is None  # terraform then reports "Missing region value"


def test_caller_identity_partition_and_region(schemas):
    provider = ProviderConfig(region="us-gov-west-1", account_id="111122223333")
    me = read("aws_caller_identity", schemas.block("data", "aws_caller_identity"), {}, provider, {})
    assert me == {"account_id": "111122223333", "arn": "arn:aws-us-gov:iam::111122223333:root",
                  "id": "111122223333", "user_id": "111122223333"}
    part = read("aws_partition", schemas.block("data", "aws_partition"), {}, provider, {})
    assert part["partition"] == "aws-us-gov" and part["dns_suffix"] == "amazonaws.com"
    region = read("aws_region", schemas.block("data", "aws_region"), {"region": "eu-west-1"}, provider, {})
    assert region["region"] == region["name"] == region["id"] == "eu-west-1"
    assert region["description"] == "Europe (Ireland)"


def test_policy_document_rendering_matches_the_provider():
    """aws_iam_policy_document's json: statement keys in struct order, one value as a string, several
    reverse-sorted, "*" principals collapsed, conditions grouped by test and variable."""
    text, minified = render_policy_document({"statement": [{
        "sid": "S", "effect": "Allow", "actions": ["s3:GetObject", "s3:PutObject"], "resources": ["arn:x"],
        "principals": [{"type": "Service", "identifiers": ["cloudtrail.amazonaws.com"]}],
        "condition": [{"test": "StringEquals", "variable": "aws:SourceAccount", "values": ["111122223333"]}],
    }, {"effect": "Deny", "actions": ["s3:*"], "resources": ["arn:x"],
        "principals": [{"type": "*", "identifiers": ["*"]}]}]})
    assert minified == (
        '{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Action":["s3:PutObject",'
        '"s3:GetObject"],"Resource":"arn:x","Principal":{"Service":"cloudtrail.amazonaws.com"},'
        '"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}},{"Effect":"Deny",'
        '"Action":"s3:*","Resource":"arn:x","Principal":"*"}]}')
    assert json.loads(text) == json.loads(minified) and text.startswith('{\n  "Version": "2012-10-17",\n')
    merged, _ = render_policy_document({"source_policy_documents": [text]})
    assert merged == text


def test_policy_documents_merge_by_sid():
    source = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Keep", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Sid": "Replace", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    override = json.dumps({"Statement": [{"Sid": "Replace", "Effect": "Deny", "Action": "s3:DeleteObject",
                                          "Resource": "*"}]})
    _, minified = render_policy_document({"source_policy_documents": [source], "override_policy_documents": [override],
                                          "statement": [{"sid": "Own", "actions": ["s3:PutObject"], "resources": ["*"]}]})
    statements = json.loads(minified)["Statement"]
    assert [(s.get("Sid"), s["Effect"], s["Action"]) for s in statements] == [
        ("Keep", "Allow", "s3:GetObject"), ("Replace", "Deny", "s3:DeleteObject"), ("Own", "Allow", "s3:PutObject")]


def test_policy_document_state_reads_nested_zero_values_back(schemas):
    config = {"statement": [{"actions": ["s3:GetObject"], "resources": ["*"], "principals": [], "condition": [],
                             "not_principals": [], "sid": None, "effect": None, "not_actions": None,
                             "not_resources": None}]}
    state = read("aws_iam_policy_document", schemas.block("data", "aws_iam_policy_document"), config,
                 ProviderConfig(region="us-east-1"), schemas.static_defaults("data", "aws_iam_policy_document"))
    assert state["statement"][0]["effect"] == "Allow" and state["statement"][0]["sid"] == ""
    assert state["version"] == "2012-10-17" and json.loads(state["json"])["Statement"][0]["Action"] == "s3:GetObject"
    assert state["override_json"] is None


# --- the plugin process ----------------------------------------------------------------------------


def _start(tmp_path: Path, schemas, extra_env=None):
    env = dict(os.environ, **{MAGIC_COOKIE_KEY: MAGIC_COOKIE_VALUE, "TFOFFLINE_SOCKET_DIR": str(tmp_path / "s")})
    env.pop("PLUGIN_CLIENT_CERT", None)
    env.update(extra_env or {})
    proc = subprocess.Popen([sys.executable, str(TOOL), "serve", "--schema", str(TRIMMED), "--defaults", str(DEFAULTS),
                             "--cache-dir", str(tmp_path / "cache")], env=env, stdout=subprocess.PIPE, text=True)
    return proc, proc.stdout.readline()


def test_plugin_handshake_serves_the_schema_and_shuts_down_clean(tmp_path, schemas):
    import grpc
    from tf.gen import grpc_controller_pb2 as controller, tfplugin_pb2 as pb

    proc, line = _start(tmp_path, schemas)
    try:
        core, proto, network, address, transport, cert = line.rstrip("\n").split("|")
        assert (core, proto, network, transport) == ("1", "6", "unix", "grpc") and Path(address).exists()
        channel = grpc.insecure_channel(f"unix:{address}")
        call = lambda name, msgs, req: channel.unary_unary(  # noqa: E731
            name, request_serializer=msgs.Request.SerializeToString,
            response_deserializer=msgs.Response.FromString)(req)
        schema = call("/tfplugin6.Provider/GetProviderSchema", pb.GetProviderSchema, pb.GetProviderSchema.Request())
        assert "aws_cloudtrail" in schema.resource_schemas and "aws_iam_policy_document" in schema.data_source_schemas
        config = pb.DynamicValue(msgpack=cty.encode({"region": "eu-west-2", "allowed_account_ids": ["999988887777"]}))
        assert not call("/tfplugin6.Provider/ConfigureProvider", pb.ConfigureProvider,
                        pb.ConfigureProvider.Request(config=config)).diagnostics
        me = call("/tfplugin6.Provider/ReadDataSource", pb.ReadDataSource, pb.ReadDataSource.Request(
            type_name="aws_caller_identity", config=pb.DynamicValue(msgpack=cty.encode(
                {"account_id": None, "arn": None, "id": None, "user_id": None}))))
        assert cty.decode(me.state)["account_id"] == "999988887777"
        bucket = proposed(schemas, "aws_s3_bucket", bucket="b")
        plan = call("/tfplugin6.Provider/PlanResourceChange", pb.PlanResourceChange, pb.PlanResourceChange.Request(
            type_name="aws_s3_bucket", prior_state=pb.DynamicValue(msgpack=cty.encode(None)),
            proposed_new_state=pb.DynamicValue(msgpack=cty.encode(bucket)),
            config=pb.DynamicValue(msgpack=cty.encode(bucket))))
        assert plan.legacy_type_system and not plan.diagnostics
        assert cty.decode(plan.planned_state)["region"] == "eu-west-2"
        channel.unary_unary("/plugin.GRPCController/Shutdown", request_serializer=controller.Empty.SerializeToString,
                            response_deserializer=controller.Empty.FromString)(controller.Empty())
        assert proc.wait(timeout=10) == 0
        assert not Path(address).parent.exists()  # its socket directory is gone
    finally:
        proc.kill()
        proc.wait()


def test_plugin_killed_outright_leaves_its_socket_under_the_callers_directory(tmp_path, schemas):
    proc, line = _start(tmp_path, schemas)
    address = Path(line.split("|")[3])
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert address.parent.parent == tmp_path / "s"  # so OfflineTerraform.cleanup_sockets() can remove it


def test_plugin_ends_on_sigterm_and_cleans_up(tmp_path, schemas):
    proc, line = _start(tmp_path, schemas)
    address = Path(line.split("|")[3])
    proc.terminate()
    assert proc.wait(timeout=10) == 0
    assert not address.parent.exists()


def test_plugin_exits_when_terraform_dies(tmp_path, schemas):
    """A terraform killed without ending its plugins (SIGKILL, a broken pipe) leaves no provider behind."""
    env = dict(os.environ, **{MAGIC_COOKIE_KEY: MAGIC_COOKIE_VALUE, "TFOFFLINE_SOCKET_DIR": str(tmp_path / "s")})
    command = [sys.executable, str(TOOL), "serve", "--schema", str(TRIMMED), "--cache-dir", str(tmp_path / "c")]
    parent = subprocess.run([sys.executable, "-c", (
        "import subprocess, sys\n"
        f"p = subprocess.Popen({command!r}, stdout=subprocess.PIPE, text=True)\n"
        "print(p.pid, p.stdout.readline().split('|')[3], flush=True)\n")],
        env=env, capture_output=True, text=True, timeout=60)
    pid, address = parent.stdout.split()
    deadline = time.monotonic() + 20
    while _alive(int(pid)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(int(pid)), "the orphaned provider is still running"
    assert not Path(address).parent.exists()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in state  # a zombie has exited


def test_plugin_refuses_to_run_outside_terraform(tmp_path, schemas):
    env = {k: v for k, v in os.environ.items() if k != MAGIC_COOKIE_KEY}
    proc = subprocess.run([sys.executable, str(TOOL), "serve", "--schema", str(TRIMMED)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "plugin" in proc.stderr and not proc.stdout


def test_schema_cache_is_reused(tmp_path, schemas):
    from tfprovider.schema import Schemas

    first = Schemas(TRIMMED, DEFAULTS, cache_dir=tmp_path)
    (cached,) = tmp_path.glob("schema-*.pickle")
    started = time.perf_counter()
    second = Schemas(TRIMMED, DEFAULTS, cache_dir=tmp_path)
    assert second.response_bytes == first.response_bytes and time.perf_counter() - started < 5
    assert second.block("resource", "aws_cloudtrail") == json.loads(TRIMMED.read_text())["provider_schemas"][
        "registry.terraform.io/hashicorp/aws"]["resource_schemas"]["aws_cloudtrail"]["block"]


def test_a_python_without_the_providers_packages_is_refused_in_one_line(tmp_path, monkeypatch):
    """tfoffline run by a Python that cannot import the provider's packages (the system python3, not the
    project's environment) must say so, and must not write a launcher terraform would fail on with only
    "Failed to obtain provider" (the launcher is shared by every later run of the same home)."""
    import importlib.util

    import tfoffline

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "msgpack" else real(name, *a))
    tf = tfoffline.OfflineTerraform(tmp_path / "home", binary="/bin/true")
    with pytest.raises(tfoffline.OfflineError) as raised:
        tf.setup()
    message = str(raised.value)
    assert "\n" not in message and "msgpack" in message and "tfoffline" in message
    assert not tf.executable.exists()
    monkeypatch.setattr(importlib.util, "find_spec", real)
    tfoffline.check_provider_packages()  # this environment has them
